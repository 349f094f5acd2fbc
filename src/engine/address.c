/* Socket addresses as numeric text (contract in wping/address.h). */
#include "wping/address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Dotted decimal by hand: glibc's inet_ntop and getnameinfo go through sprintf, which costs
 * more than everything else a flood's reply line needs. false when it does not fit. */
static bool S_dotted(const struct in_addr *address, char *out, size_t size)
{
    const unsigned char *byte = (const unsigned char *)&address->s_addr;
    char text[16], *p = text;

    for (int i = 0; i < 4; i++) {
        unsigned value = byte[i];

        if (value >= 100)
            *p++ = (char)('0' + value / 100);
        if (value >= 10)
            *p++ = (char)('0' + value / 10 % 10);
        *p++ = (char)('0' + value % 10);
        *p++ = i < 3 ? '.' : '\0';
    }
    if ((size_t)(p - text) > size)
        return false;
    memcpy(out, text, (size_t)(p - text));
    return true;
}

bool echo_address_text(const struct sockaddr_storage *address, char *out, size_t size)
{
    const struct sockaddr_in *in = (const struct sockaddr_in *)address;
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;

    /* Every reply line shows its responder: getnameinfo is needed only to name the interface
     * of a scoped IPv6 address. */
    if (address->ss_family == AF_INET && S_dotted(&in->sin_addr, out, size))
        return true;
    if (address->ss_family == AF_INET6 && in6->sin6_scope_id == 0 &&
        inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)size))
        return true;

    socklen_t length = address->ss_family == AF_INET6  ? sizeof(struct sockaddr_in6)
                       : address->ss_family == AF_INET ? sizeof(struct sockaddr_in)
                                                       : 0;

    if (length == 0 || getnameinfo((const struct sockaddr *)address, length, out, (socklen_t)size,
                                   NULL, 0, NI_NUMERICHOST) != 0) {
        snprintf(out, size, "?");
        return false;
    }
    return true;
}

void echo_ipv4_text(uint32_t address, char *out, size_t size)
{
    if (inet_ntop(AF_INET, &address, out, (socklen_t)size) == NULL)
        snprintf(out, size, "?");
}
