// IcmpSendEcho2 from C#, asynchronously, the way Microsoft's samples and pinvoke.net declare
// it: the reply in unmanaged memory (Marshal.AllocHGlobal) read with PtrToStructure, the
// data through the reply's Data pointer, IcmpParseReplies after the completion. The event
// and the alertable wait are libicmpapi's own (CreateEvent, WaitForSingleObject, SleepEx,
// declared from kernel32.dll as on Windows and mapped by AsyncPing.exe.config); a .NET
// ManualResetEvent's SafeWaitHandle is not one of its events and is refused.
//   mono AsyncPing.exe ADDRESS TIMEOUT_MS
// Prints one "key: value" line per result; exits 0 when the calls were made.
using System;
using System.IO;
using System.Net;
using System.Runtime.InteropServices;
using Win32;
using System.Threading;

public static class AsyncPing
{
    public delegate void PIO_APC_ROUTINE(IntPtr ApcContext, IntPtr IoStatusBlock, uint Reserved);

    // Declared from icmp.dll, the rest from iphlpapi.dll (and kernel32.dll), as ported code
    // mixes them: one library must serve every name, or the handle would be foreign.
    [DllImport("icmp.dll", SetLastError = true)]
    static extern IntPtr IcmpCreateFile();

    [DllImport("icmp.dll", SetLastError = true)]
    static extern bool IcmpCloseHandle(IntPtr IcmpHandle);

    [DllImport("iphlpapi.dll", SetLastError = true)]
    static extern uint IcmpSendEcho2(IntPtr IcmpHandle, IntPtr Event, IntPtr ApcRoutine,
        IntPtr ApcContext, uint DestinationAddress, byte[] RequestData, ushort RequestSize,
        IntPtr RequestOptions, IntPtr ReplyBuffer, uint ReplySize, uint Timeout);

    [DllImport("iphlpapi.dll", SetLastError = true)]
    static extern uint IcmpSendEcho2(IntPtr IcmpHandle, IntPtr Event, PIO_APC_ROUTINE ApcRoutine,
        IntPtr ApcContext, uint DestinationAddress, byte[] RequestData, ushort RequestSize,
        IntPtr RequestOptions, IntPtr ReplyBuffer, uint ReplySize, uint Timeout);

    [DllImport("iphlpapi.dll", SetLastError = true)]
    static extern uint IcmpParseReplies(IntPtr ReplyBuffer, uint ReplySize);

    [DllImport("kernel32.dll", SetLastError = true)]
    static extern IntPtr CreateEvent(IntPtr lpEventAttributes, bool bManualReset,
        bool bInitialState, string lpName);

    [DllImport("kernel32.dll", SetLastError = true)]
    static extern uint WaitForSingleObject(IntPtr hHandle, uint dwMilliseconds);

    [DllImport("kernel32.dll", SetLastError = true)]
    static extern uint SleepEx(uint dwMilliseconds, bool bAlertable);

    [DllImport("kernel32.dll", SetLastError = true)]
    static extern bool CloseHandle(IntPtr hObject);

    const uint ERROR_IO_PENDING = 997;
    const uint WAIT_OBJECT_0 = 0;
    const uint WAIT_IO_COMPLETION = 0xC0;

    static int apcCalls;
    static ulong apcInformation;

    static void OnReply(IntPtr context, IntPtr ioStatusBlock, uint reserved)
    {
        IO_STATUS_BLOCK io = (IO_STATUS_BLOCK)Marshal.PtrToStructure(ioStatusBlock,
            typeof(IO_STATUS_BLOCK));
        apcInformation = io.Information.ToUInt64();
        apcCalls++;
    }

    // Prints the reply in buffer as IcmpParseReplies leaves it.
    static void PrintReply(string prefix, IntPtr buffer, uint size, byte[] data)
    {
        ICMP_ECHO_REPLY before = (ICMP_ECHO_REPLY)Marshal.PtrToStructure(buffer,
            typeof(ICMP_ECHO_REPLY));
        uint parsed = IcmpParseReplies(buffer, size);
        int error = Marshal.GetLastWin32Error();
        ICMP_ECHO_REPLY reply = (ICMP_ECHO_REPLY)Marshal.PtrToStructure(buffer,
            typeof(ICMP_ECHO_REPLY));
        Console.WriteLine(prefix + " reserved before parse: " + before.Reserved);
        Console.WriteLine(prefix + " parse: " + parsed);
        if (parsed == 0)
            Console.WriteLine(prefix + " parse last error: " + error);
        Console.WriteLine(prefix + " reserved after parse: " + reply.Reserved);
        Console.WriteLine(prefix + " status: " + reply.Status);
        Console.WriteLine(prefix + " from: " + new IPAddress(reply.Address));
        bool same = reply.DataSize == data.Length && reply.Data != IntPtr.Zero;
        if (same)
        {
            byte[] echoed = new byte[reply.DataSize];
            Marshal.Copy(reply.Data, echoed, 0, echoed.Length);
            for (int i = 0; i < echoed.Length; i++)
                same &= echoed[i] == data[i];
            long offset = reply.Data.ToInt64() - buffer.ToInt64();
            Console.WriteLine(prefix + " data offset: " + offset);
        }
        Console.WriteLine(prefix + " data same: " + same);
    }

    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: AsyncPing.exe ADDRESS TIMEOUT_MS");
            return 2;
        }
        uint destination = BitConverter.ToUInt32(IPAddress.Parse(args[0]).GetAddressBytes(), 0);
        uint timeout = uint.Parse(args[1]);
        byte[] data = new byte[32];
        for (int i = 0; i < data.Length; i++)
            data[i] = (byte)('a' + i % 23);
        uint size = (uint)(Marshal.SizeOf(typeof(ICMP_ECHO_REPLY)) + data.Length + 8 +
            Marshal.SizeOf(typeof(IO_STATUS_BLOCK)));
        IntPtr buffer = Marshal.AllocHGlobal((int)size);

        IntPtr icmp = IcmpCreateFile();
        if (icmp == new IntPtr(-1))
        {
            Console.WriteLine("IcmpCreateFile failed: " + Marshal.GetLastWin32Error());
            return 1;
        }

        // With an event of libicmpapi.
        IntPtr ev = CreateEvent(IntPtr.Zero, false, false, null);
        Console.WriteLine("event created: " + (ev != IntPtr.Zero) + " last error " +
            Marshal.GetLastWin32Error());
        uint result = IcmpSendEcho2(icmp, ev, IntPtr.Zero, IntPtr.Zero, destination, data,
            (ushort)data.Length, IntPtr.Zero, buffer, size, timeout);
        Console.WriteLine("event send: " + result + " last error " + Marshal.GetLastWin32Error());
        uint waited = WaitForSingleObject(ev, timeout + 5000);
        Console.WriteLine("event wait: " + (waited == WAIT_OBJECT_0 ? "signalled" : waited.ToString()));
        PrintReply("event", buffer, size, data);

        // With an APC, run by an alertable SleepEx of this thread.
        result = IcmpSendEcho2(icmp, IntPtr.Zero, OnReply, IntPtr.Zero, destination, data,
            (ushort)data.Length, IntPtr.Zero, buffer, size, timeout);
        Console.WriteLine("apc send: " + result + " last error " + Marshal.GetLastWin32Error());
        uint slept = 0;
        for (int i = 0; i < 100 && apcCalls == 0; i++)
            slept = SleepEx(timeout + 5000, true);
        Console.WriteLine("apc sleep: " + (slept == WAIT_IO_COMPLETION ? "io completion" : slept.ToString()));
        Console.WriteLine("apc calls: " + apcCalls);
        Console.WriteLine("apc information: " + apcInformation);
        PrintReply("apc", buffer, size, data);

        // A .NET wait handle is the runtime's, not an event of libicmpapi: refused, nothing sent.
        using (ManualResetEvent managed = new ManualResetEvent(false))
        {
            result = IcmpSendEcho2(icmp, managed.SafeWaitHandle.DangerousGetHandle(), IntPtr.Zero,
                IntPtr.Zero, destination, data, (ushort)data.Length, IntPtr.Zero, buffer, size,
                timeout);
            Console.WriteLine("managed event send: " + result + " last error " +
                Marshal.GetLastWin32Error());
            Console.WriteLine("managed event signalled: " + managed.WaitOne(0));
        }

        // Every name loaded the same file once: one executable mapping of libicmpapi.
        int copies = 0;
        foreach (string line in File.ReadAllLines("/proc/self/maps"))
        {
            string[] fields = line.Split(new char[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 6 && fields[5].Contains("libicmpapi") && fields[1].Contains("x"))
            {
                copies++;
                Console.WriteLine("libicmpapi loaded from: " + fields[5]);
            }
        }
        Console.WriteLine("libicmpapi copies: " + copies);

        CloseHandle(ev);
        IcmpCloseHandle(icmp);
        Marshal.FreeHGlobal(buffer);
        return 0;
    }
}
