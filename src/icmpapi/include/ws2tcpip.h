/*
 * A minimal <ws2tcpip.h>: <winsock2.h> plus the Linux name and address functions that
 * Windows declares here (getaddrinfo, freeaddrinfo, inet_pton, inet_ntop) and their types.
 */
#ifndef WPING_WIN32_WS2TCPIP_H
#define WPING_WIN32_WS2TCPIP_H

#include "winsock2.h"

#include <netdb.h>

typedef struct addrinfo ADDRINFOA, *PADDRINFOA;

#endif /* WPING_WIN32_WS2TCPIP_H */
