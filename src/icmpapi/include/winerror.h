/*
 * The Win32 error codes that the ICMP API and its helpers report through GetLastError.
 * Values are those of Windows winerror.h.
 */
#ifndef WPING_WIN32_WINERROR_H
#define WPING_WIN32_WINERROR_H

#define ERROR_SUCCESS 0L
#define NO_ERROR 0L
#define ERROR_ACCESS_DENIED 5L     /* no ICMP socket may be opened (see icmpapi(3)) */
#define ERROR_INVALID_HANDLE 6L    /* not an open handle of the expected kind */
#define ERROR_NOT_ENOUGH_MEMORY 8L /* allocation failed, or too many requests outstanding */
#define ERROR_OUTOFMEMORY 14L
#define ERROR_GEN_FAILURE 31L   /* Icmp6ParseReplies without a buffer; unexpected failures */
#define ERROR_NOT_SUPPORTED 50L /* no IPv4 / IPv6 stack; named events */
#define ERROR_INVALID_PARAMETER 87L
#define ERROR_CALL_NOT_IMPLEMENTED 120L
#define ERROR_INSUFFICIENT_BUFFER 122L
#define ERROR_OPERATION_ABORTED 995L
#define ERROR_IO_INCOMPLETE 996L
#define ERROR_IO_PENDING 997L /* an asynchronous request was accepted */
#define ERROR_NOACCESS 998L
#define ERROR_INVALID_NETNAME 1214L /* unspecified destination, or a source that is not local */
#define ERROR_NETWORK_UNREACHABLE 1231L
#define ERROR_HOST_UNREACHABLE 1232L
#define ERROR_TIMEOUT 1460L

#ifndef WAIT_TIMEOUT
#define WAIT_TIMEOUT 258L
#endif

#endif /* WPING_WIN32_WINERROR_H */
