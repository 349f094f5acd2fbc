/*
 * A minimal <iphlpapi.h>: Windows documentation tells ICMP API callers to include it before
 * <icmpapi.h>. Here it brings in the base types and <ipexport.h>.
 */
#ifndef WPING_WIN32_IPHLPAPI_H
#define WPING_WIN32_IPHLPAPI_H

#include "windows.h"
#include "ipexport.h"

#endif /* WPING_WIN32_IPHLPAPI_H */
