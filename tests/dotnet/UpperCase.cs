// DllImport("ICMP.DLL"), spelt as some Windows code spells it: Linux file names are
// case-sensitive, so no installed name matches, and Mono needs the case-insensitive dllmap of
// UpperCase.exe.config ("i:icmp.dll") to load libicmpapi.
//   mono UpperCase.exe
// Calls IcmpParseReplies without a buffer (no socket, no privilege needed) and prints what it
// returned and GetLastWin32Error: 0 and 87 (ERROR_INVALID_PARAMETER).
using System;
using System.Runtime.InteropServices;

public static class UpperCase
{
    [DllImport("ICMP.DLL", SetLastError = true)]
    static extern uint IcmpParseReplies(IntPtr ReplyBuffer, uint ReplySize);

    public static int Main()
    {
        uint replies = IcmpParseReplies(IntPtr.Zero, 0);
        Console.WriteLine("IcmpParseReplies: " + replies + ", last error " +
            Marshal.GetLastWin32Error());
        return 0;
    }
}
