// The ICMP API's structures as C# code declares them for P/Invoke, shared by the programs
// of tests/dotnet (compiled into each with mcs): Win32 holds the SDK's shapes, sequential with
// pointers as IntPtr, as Microsoft's samples and pinvoke.net declare them; PInvokeNet holds
// pinvoke.net's "simple sample" shape of the reply, its data inline as a ByValTStr. Layouts.cs
// prints the layouts Marshal gives them, for comparison with the C headers.
using System;
using System.Runtime.InteropServices;

namespace Win32
{
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
}

namespace PInvokeNet
{
    [StructLayout(LayoutKind.Sequential)]
    public struct ICMP_OPTIONS
    {
        public byte Ttl;
        public byte Tos;
        public byte Flags;
        public byte OptionsSize;
        public IntPtr OptionsData;
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Ansi)]
    public struct ICMP_ECHO_REPLY
    {
        public int Address;
        public int Status;
        public int RoundTripTime;
        public short DataSize;
        public short Reserved;
        public IntPtr DataPtr;
        public ICMP_OPTIONS Options;
        [MarshalAs(UnmanagedType.ByValTStr, SizeConst = 250)]
        public string Data;
    }
}
