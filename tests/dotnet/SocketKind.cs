// Which ICMP socket kind this process may open, as libicmpapi's engine chooses: "dgram" when
// net.ipv4.ping_group_range lets it open a datagram ICMP socket, else "raw", else "none".
// The lab tests check with it that the C# programs ran with the kind they meant.
//   mono SocketKind.exe
using System;
using System.Runtime.InteropServices;

public static class SocketKind
{
    const int AF_INET = 2, SOCK_DGRAM = 2, SOCK_RAW = 3, IPPROTO_ICMP = 1;

    [DllImport("libc", SetLastError = true)]
    static extern int socket(int domain, int type, int protocol);

    [DllImport("libc", SetLastError = true)]
    static extern int close(int fd);

    static bool Opens(int type)
    {
        int fd = socket(AF_INET, type, IPPROTO_ICMP);
        if (fd < 0)
            return false;
        close(fd);
        return true;
    }

    public static int Main()
    {
        Console.WriteLine(Opens(SOCK_DGRAM) ? "dgram" : Opens(SOCK_RAW) ? "raw" : "none");
        return 0;
    }
}
