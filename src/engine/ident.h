/*
 * The echo identifiers in use by this process's open handles. A raw ICMP socket sees every
 * echo reply of its family, so no two live handles may share an identifier. Thread-safe:
 * libicmpapi opens handles from many threads.
 */
#ifndef WPING_IDENT_H
#define WPING_IDENT_H

#include <stdbool.h>
#include <stdint.h>

/* Marks `identifier` as in use. Returns false when a live handle already holds it. */
bool ident_claim(uint16_t identifier);

/* Claims a free identifier, searching from a random one. Returns false when all are taken. */
bool ident_claim_any(uint16_t *identifier);

/* Gives back an identifier that ident_claim or ident_claim_any returned. */
void ident_release(uint16_t identifier);

#endif /* WPING_IDENT_H */
