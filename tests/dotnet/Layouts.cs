// The sizes and field offsets that Marshal gives the structures C# code declares for the
// ICMP API (as in SimplePing.cs, AsyncPing.cs and Ping6.cs), printed in the format of
// layouts.c, which prints the C layouts of libicmpapi's headers: the two outputs must match.
//   mono Layouts.exe
using System;
using System.Runtime.InteropServices;

[StructLayout(LayoutKind.Sequential)]
public struct IP_OPTION_INFORMATION
{
    public byte Ttl;
    public byte Tos;
    public byte Flags;
    public byte OptionsSize;
    public IntPtr OptionsData;
}

[StructLayout(LayoutKind.Sequential)]
public struct ICMP_ECHO_REPLY
{
    public uint Address;
    public uint Status;
    public uint RoundTripTime;
    public ushort DataSize;
    public ushort Reserved;
    public IntPtr Data;
    public IP_OPTION_INFORMATION Options;
}

// pinvoke.net's shape: the reply data inline after the structure, as a string.
[StructLayout(LayoutKind.Sequential, CharSet = CharSet.Ansi)]
public struct ICMP_ECHO_REPLY_WITH_DATA
{
    public int Address;
    public int Status;
    public int RoundTripTime;
    public short DataSize;
    public short Reserved;
    public IntPtr DataPtr;
    public IP_OPTION_INFORMATION Options;
    [MarshalAs(UnmanagedType.ByValTStr, SizeConst = 250)]
    public string Data;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct IPV6_ADDRESS_EX
{
    public ushort sin6_port;
    public uint sin6_flowinfo;
    [MarshalAs(UnmanagedType.ByValArray, SizeConst = 8)]
    public ushort[] sin6_addr;
    public uint sin6_scope_id;
}

[StructLayout(LayoutKind.Sequential)]
public struct ICMPV6_ECHO_REPLY
{
    public IPV6_ADDRESS_EX Address;
    public uint Status;
    public uint RoundTripTime;
}

[StructLayout(LayoutKind.Sequential)]
public struct sockaddr_in6
{
    public short sin6_family;
    public ushort sin6_port;
    public uint sin6_flowinfo;
    [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)]
    public byte[] sin6_addr;
    public uint sin6_scope_id;
}

[StructLayout(LayoutKind.Sequential)]
public struct IO_STATUS_BLOCK
{
    public IntPtr Status;
    public UIntPtr Information;
}

public static class Layouts
{
    static void Print(Type type, params string[] fields)
    {
        Console.WriteLine(type.Name + " " + Marshal.SizeOf(type));
        foreach (string field in fields)
            Console.WriteLine(type.Name + "." + field + " " + Marshal.OffsetOf(type, field));
    }

    public static int Main()
    {
        Print(typeof(IP_OPTION_INFORMATION), "Ttl", "Tos", "Flags", "OptionsSize", "OptionsData");
        Print(typeof(ICMP_ECHO_REPLY), "Address", "Status", "RoundTripTime", "DataSize",
            "Reserved", "Data", "Options");
        Console.WriteLine("ICMP_ECHO_REPLY_WITH_DATA.Data " +
            Marshal.OffsetOf(typeof(ICMP_ECHO_REPLY_WITH_DATA), "Data"));
        Print(typeof(IPV6_ADDRESS_EX), "sin6_port", "sin6_flowinfo", "sin6_addr", "sin6_scope_id");
        Print(typeof(ICMPV6_ECHO_REPLY), "Address", "Status", "RoundTripTime");
        Print(typeof(sockaddr_in6), "sin6_family", "sin6_port", "sin6_flowinfo", "sin6_addr",
            "sin6_scope_id");
        Print(typeof(IO_STATUS_BLOCK), "Status", "Information");
        return 0;
    }
}
