/*
 * Included first by every source of the library: the public Windows-style headers, with
 * their declarations exported from the shared library (everything else is hidden).
 */
#ifndef WPING_ICMPAPI_API_H
#define WPING_ICMPAPI_API_H

#include <netinet/in.h>

#pragma GCC visibility push(default)
#include "windows.h"
#include "winternl.h"
#include "ipexport.h"
#include "icmpapi.h"
#pragma GCC visibility pop

#endif /* WPING_ICMPAPI_API_H */
