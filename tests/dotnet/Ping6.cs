// Icmp6SendEcho2 from C#, synchronously, with the two ways C# code declares sockaddr_in6:
// a 28-byte array (family 23, AddressFamily.InterNetworkV6, at offset 0, the address at 8)
// and a sequential struct. The reply is ICMPV6_ECHO_REPLY with a byte-packed IPV6_ADDRESS_EX,
// the echoed data right after it (36 bytes in).
//   mono Ping6.exe ADDRESS TIMEOUT_MS
// Prints one "key: value" line per result; exits 0 when the calls were made.
using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Win32;

public static class Ping6
{
    [DllImport("iphlpapi.dll", SetLastError = true)]
    static extern IntPtr Icmp6CreateFile();

    [DllImport("iphlpapi.dll", SetLastError = true)]
    static extern bool IcmpCloseHandle(IntPtr IcmpHandle);

    [DllImport("iphlpapi.dll", SetLastError = true)]
    static extern uint Icmp6SendEcho2(IntPtr IcmpHandle, IntPtr Event, IntPtr ApcRoutine,
        IntPtr ApcContext, byte[] SourceAddress, byte[] DestinationAddress, byte[] RequestData,
        ushort RequestSize, IntPtr RequestOptions, IntPtr ReplyBuffer, uint ReplySize,
        uint Timeout);

    [DllImport("iphlpapi.dll", SetLastError = true, EntryPoint = "Icmp6SendEcho2")]
    static extern uint Icmp6SendEcho2Struct(IntPtr IcmpHandle, IntPtr Event, IntPtr ApcRoutine,
        IntPtr ApcContext, ref sockaddr_in6 SourceAddress, ref sockaddr_in6 DestinationAddress,
        byte[] RequestData, ushort RequestSize, IntPtr RequestOptions, IntPtr ReplyBuffer,
        uint ReplySize, uint Timeout);

    [DllImport("iphlpapi.dll", SetLastError = true)]
    static extern uint Icmp6ParseReplies(IntPtr ReplyBuffer, uint ReplySize);

    static void Print(string prefix, uint result, int error, IntPtr buffer, uint size, byte[] data)
    {
        ICMPV6_ECHO_REPLY reply = (ICMPV6_ECHO_REPLY)Marshal.PtrToStructure(buffer,
            typeof(ICMPV6_ECHO_REPLY));
        byte[] from = new byte[16];
        for (int i = 0; i < 8; i++)
        {
            from[2 * i] = (byte)(reply.Address.sin6_addr[i] & 0xff);
            from[2 * i + 1] = (byte)(reply.Address.sin6_addr[i] >> 8);
        }
        Console.WriteLine(prefix + " replies: " + result);
        Console.WriteLine(prefix + " last error: " + error);
        Console.WriteLine(prefix + " status: " + reply.Status);
        Console.WriteLine(prefix + " from: " + new IPAddress(from));
        bool same = true;
        byte[] echoed = new byte[data.Length];
        Marshal.Copy(new IntPtr(buffer.ToInt64() + Marshal.SizeOf(typeof(ICMPV6_ECHO_REPLY))),
            echoed, 0, echoed.Length);
        for (int i = 0; i < data.Length; i++)
            same &= echoed[i] == data[i];
        Console.WriteLine(prefix + " data same: " + same);
        uint parsed = Icmp6ParseReplies(buffer, size);
        Console.WriteLine(prefix + " parse: " + parsed);
        if (parsed == 0)
            Console.WriteLine(prefix + " parse last error: " + Marshal.GetLastWin32Error());
    }

    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Ping6.exe ADDRESS TIMEOUT_MS");
            return 2;
        }
        byte[] address = IPAddress.Parse(args[0]).GetAddressBytes();
        uint timeout = uint.Parse(args[1]);
        byte[] data = new byte[32];
        for (int i = 0; i < data.Length; i++)
            data[i] = (byte)('A' + i % 26);
        uint size = (uint)(Marshal.SizeOf(typeof(ICMPV6_ECHO_REPLY)) + data.Length + 8);
        IntPtr buffer = Marshal.AllocHGlobal((int)size);

        IntPtr icmp = Icmp6CreateFile();
        if (icmp == new IntPtr(-1))
        {
            Console.WriteLine("Icmp6CreateFile failed: " + Marshal.GetLastWin32Error());
            return 1;
        }

        byte[] source = new byte[28];
        byte[] destination = new byte[28];
        BitConverter.GetBytes((short)AddressFamily.InterNetworkV6).CopyTo(destination, 0);
        address.CopyTo(destination, 8);
        uint result = Icmp6SendEcho2(icmp, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, source,
            destination, data, (ushort)data.Length, IntPtr.Zero, buffer, size, timeout);
        Print("bytes", result, Marshal.GetLastWin32Error(), buffer, size, data);

        sockaddr_in6 from = new sockaddr_in6();
        from.sin6_addr = new byte[16];
        sockaddr_in6 to = new sockaddr_in6();
        to.sin6_family = (short)AddressFamily.InterNetworkV6;
        to.sin6_addr = address;
        result = Icmp6SendEcho2Struct(icmp, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, ref from,
            ref to, data, (ushort)data.Length, IntPtr.Zero, buffer, size, timeout);
        Print("struct", result, Marshal.GetLastWin32Error(), buffer, size, data);

        IcmpCloseHandle(icmp);
        Marshal.FreeHGlobal(buffer);
        return 0;
    }
}
