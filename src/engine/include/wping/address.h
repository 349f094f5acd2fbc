/*
 * Socket addresses as numeric text, the one way every part of wping shows an address. Pure:
 * no name service is asked.
 */
#ifndef WPING_ADDRESS_H
#define WPING_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Room for any text these write, a scope name included ("fe80::1%eth0"). */
#define ECHO_ADDRESS_TEXT 64

/* The numeric text of an AF_INET or AF_INET6 address ("198.18.1.2", "2001:db8::1",
 * "fe80::1%eth0"). For any other family (0: no address), or when it does not fit, writes "?"
 * and returns false. */
bool echo_address_text(const struct sockaddr_storage *address, char *out, size_t size);

/* The dotted text of an IPv4 address in network byte order; out has ECHO_ADDRESS_TEXT bytes
 * or at least INET_ADDRSTRLEN. */
void echo_ipv4_text(uint32_t address, char *out, size_t size);

#endif /* WPING_ADDRESS_H */
