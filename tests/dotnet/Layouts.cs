// The sizes and field offsets that Marshal gives the structures of Structs.cs, which the
// other programs use, printed in the format of layouts.c, which prints the C layouts of
// libicmpapi's headers: the two outputs must match.
//   mono Layouts.exe
using System;
using System.Runtime.InteropServices;
using Win32;

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
        // pinvoke.net's reply: the fixed part as above, its inline data where the data starts.
        Type inline = typeof(PInvokeNet.ICMP_ECHO_REPLY);
        Console.WriteLine("ICMP_ECHO_REPLY_WITH_DATA.Options " + Marshal.OffsetOf(inline, "Options"));
        Console.WriteLine("ICMP_ECHO_REPLY_WITH_DATA.Data " + Marshal.OffsetOf(inline, "Data"));
        Print(typeof(IPV6_ADDRESS_EX), "sin6_port", "sin6_flowinfo", "sin6_addr", "sin6_scope_id");
        Print(typeof(ICMPV6_ECHO_REPLY), "Address", "Status", "RoundTripTime");
        Print(typeof(sockaddr_in6), "sin6_family", "sin6_port", "sin6_flowinfo", "sin6_addr",
            "sin6_scope_id");
        Print(typeof(IO_STATUS_BLOCK), "Status", "Information");
        return 0;
    }
}
