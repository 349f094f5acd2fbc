/*
 * A minimal <winsock2.h> over the Linux socket headers: what programs that call the ICMP
 * API take from Winsock (inet_addr, inet_ntoa, htonl and friends, INADDR_NONE, AF_INET6,
 * struct in_addr with its S_un union, WSAStartup).
 *
 * struct in_addr: Windows code writes addr.S_un.S_addr, the Linux one has only s_addr. This
 * header includes the Linux headers first and then renames the tags: after it, `struct
 * in_addr` and `struct sockaddr_in` are Windows-layout types (the same bytes as Linux's) with
 * S_un, S_un_b, S_un_w, and s_addr as a macro for S_un.S_addr, as Windows has it; inet_ntoa
 * takes that in_addr. Linux functions that take a `struct in_addr *` (inet_aton) and
 * structures that embed one (ip_mreq) keep the Linux type. Code that wants the plain Linux
 * types defines WPING_WIN32_LINUX_IN_ADDR before including this header.
 */
#ifndef WPING_WIN32_WINSOCK2_H
#define WPING_WIN32_WINSOCK2_H

#include "windows.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WPING_WIN32_LINUX_IN_ADDR
struct wping_win32_in_addr {
    union {
        struct {
            UCHAR s_b1, s_b2, s_b3, s_b4;
        } S_un_b;
        struct {
            USHORT s_w1, s_w2;
        } S_un_w;
        ULONG S_addr; /* network byte order */
    } S_un;
};

struct wping_win32_sockaddr_in {
    USHORT sin_family;
    USHORT sin_port;
    struct wping_win32_in_addr sin_addr;
    CHAR sin_zero[8];
};

#define in_addr wping_win32_in_addr
#define sockaddr_in wping_win32_sockaddr_in
#define s_addr S_un.S_addr

/* Dotted-quad text of an address, in a buffer of the calling thread that the next call
 * overwrites. */
char *WINAPI wping_win32_inet_ntoa(struct wping_win32_in_addr in);
#define inet_ntoa wping_win32_inet_ntoa

#ifdef __cplusplus
static_assert(sizeof(struct wping_win32_in_addr) == 4, "in_addr layout");
static_assert(sizeof(struct wping_win32_sockaddr_in) == 16, "sockaddr_in layout");
#else
_Static_assert(sizeof(struct wping_win32_in_addr) == 4, "in_addr layout");
_Static_assert(sizeof(struct wping_win32_sockaddr_in) == 16, "sockaddr_in layout");
#endif
#endif /* WPING_WIN32_LINUX_IN_ADDR */

typedef struct in_addr IN_ADDR, *PIN_ADDR, *LPIN_ADDR;
typedef struct in6_addr IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;
typedef struct sockaddr SOCKADDR, *PSOCKADDR, *LPSOCKADDR;
typedef struct sockaddr_in SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;
typedef struct sockaddr_in6 SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;
typedef struct sockaddr_storage SOCKADDR_STORAGE, *PSOCKADDR_STORAGE;
typedef USHORT ADDRESS_FAMILY;

#define WSAEFAULT 10014L
#define WSAVERNOTSUPPORTED 10092L

#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128

typedef struct WSAData {
    WORD wVersion;
    WORD wHighVersion;
    unsigned short iMaxSockets;
    unsigned short iMaxUdpDg;
    char *lpVendorInfo;
    char szDescription[WSADESCRIPTION_LEN + 1];
    char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

/* Linux sockets need no set-up: WSAStartup fills lpWSAData (version 2.2 at most) and
 * returns 0 (WSAEFAULT without lpWSAData, WSAVERNOTSUPPORTED for a major version 0);
 * WSACleanup returns 0; WSAGetLastError is GetLastError. */
int WINAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
int WINAPI WSACleanup(void);
int WINAPI WSAGetLastError(void);

#ifdef __cplusplus
}
#endif

#endif /* WPING_WIN32_WINSOCK2_H */
