// IcmpSendEcho from C#, declared the way pinvoke.net's sample and porting users write it:
// DllImport("icmp.dll"), the reply by ref with its data inline as a ByValTStr
// (PInvokeNet.ICMP_ECHO_REPLY in Structs.cs), sizes from Marshal.SizeOf. Run unchanged under Mono on Linux against libicmpapi (docs/design.md, Porting from .NET).
//   mono SimplePing.exe ADDRESS TIMEOUT_MS
// Prints one "key: value" line per result; exits 0 when the calls were made.
using System;
using System.Net;
using System.Runtime.InteropServices;
using PInvokeNet;

public static class SimplePing
{
    [DllImport("icmp.dll", SetLastError = true)]
    public static extern IntPtr IcmpCreateFile();

    [DllImport("icmp.dll", SetLastError = true)]
    public static extern bool IcmpCloseHandle(IntPtr handle);

    [DllImport("icmp.dll", SetLastError = true)]
    public static extern int IcmpSendEcho(IntPtr icmpHandle, int destinationAddress,
        string requestData, short requestSize, ref ICMP_OPTIONS requestOptions,
        ref ICMP_ECHO_REPLY replyBuffer, int replySize, int timeout);

    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: SimplePing.exe ADDRESS TIMEOUT_MS");
            return 2;
        }
        int destination = BitConverter.ToInt32(IPAddress.Parse(args[0]).GetAddressBytes(), 0);
        int timeout = int.Parse(args[1]);

        IntPtr icmp = IcmpCreateFile();
        if (icmp == new IntPtr(-1))
        {
            Console.WriteLine("IcmpCreateFile failed: " + Marshal.GetLastWin32Error());
            return 1;
        }
        string data = "abcdefghijklmnopqrstuvwabcdefghi";
        ICMP_OPTIONS options = new ICMP_OPTIONS();
        options.Ttl = 64;
        ICMP_ECHO_REPLY reply = new ICMP_ECHO_REPLY();

        int replies = IcmpSendEcho(icmp, destination, data, (short)data.Length, ref options,
            ref reply, Marshal.SizeOf(reply), timeout);
        int error = Marshal.GetLastWin32Error();

        Console.WriteLine("replies: " + replies);
        Console.WriteLine("last error: " + error);
        Console.WriteLine("status: " + reply.Status);
        Console.WriteLine("from: " + new IPAddress((long)(uint)reply.Address));
        Console.WriteLine("data size: " + reply.DataSize);
        Console.WriteLine("data same: " + (reply.Data == data && reply.DataSize == data.Length));
        Console.WriteLine("ttl: " + reply.Options.Ttl);
        Console.WriteLine("round trip below timeout: " + (reply.RoundTripTime <= timeout));
        if (!IcmpCloseHandle(icmp))
        {
            Console.WriteLine("IcmpCloseHandle failed: " + Marshal.GetLastWin32Error());
            return 1;
        }
        return 0;
    }
}
