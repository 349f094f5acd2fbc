/* Socket addresses as numeric text (contract in wping/address.h). */
#include "wping/address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>

bool echo_address_text(const struct sockaddr_storage *address, char *out, size_t size)
{
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
