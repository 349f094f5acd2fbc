/*
 * A minimal <windows.h> for code ported from Windows to Linux: the base types with their
 * Windows widths, handles, the thread's last error, and unnamed events with waits, alertable
 * sleeps and APC delivery as the ICMP API needs them (see icmpapi(3) and CreateEvent(3)).
 *
 * Widths follow Windows, not Linux: DWORD, ULONG and LONG are 32 bits on every platform,
 * so `%lu` needs a cast: printf("%lu", (unsigned long)GetLastError()).
 */
#ifndef WPING_WIN32_WINDOWS_H
#define WPING_WIN32_WINDOWS_H

/* Windows headers declare the whole socket API (getaddrinfo in <ws2tcpip.h>, for example),
 * even under a strict -std=c17. When this header comes before any system header and no
 * feature macro is set, ask glibc for its default set (POSIX plus BSD) too. Every header of
 * this directory includes this one first. */
#if !defined(_DEFAULT_SOURCE) && !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE) &&             \
    !defined(_XOPEN_SOURCE) && !defined(_BSD_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h> /* Windows code calls malloc and free after including only windows.h */
#include <string.h>

#include "winerror.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Calling conventions mean nothing to a Linux ABI. */
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __stdcall
#define __stdcall
#endif
#define WINAPI
#define NTAPI
#define CALLBACK
#define APIENTRY
#define FAR
#define NEAR
#define CONST const
#define VOID void

typedef char CHAR;
typedef int INT;
typedef unsigned int UINT;
typedef int BOOL;
typedef uint8_t BYTE;
typedef uint8_t UCHAR;
typedef uint8_t BOOLEAN;
typedef int16_t SHORT;
typedef uint16_t USHORT;
typedef uint16_t WORD;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef uint32_t DWORD;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef intptr_t INT_PTR;
typedef uintptr_t UINT_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef size_t SIZE_T;

typedef void *PVOID;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef void *HANDLE;
typedef HANDLE *PHANDLE;
typedef HANDLE *LPHANDLE;
typedef CHAR *PCHAR;
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
typedef UCHAR *PUCHAR;
typedef BYTE *PBYTE;
typedef BYTE *LPBYTE;
typedef USHORT *PUSHORT;
typedef WORD *PWORD;
typedef ULONG *PULONG;
typedef DWORD *PDWORD;
typedef DWORD *LPDWORD;
typedef BOOL *PBOOL;
typedef LONG NTSTATUS;

/* Windows declares FARPROC without a prototype; (void) keeps -Wstrict-prototypes quiet. */
typedef INT_PTR(WINAPI *FARPROC)(void);

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#define MAKEWORD(low, high) ((WORD)(((BYTE)(low)) | ((WORD)((BYTE)(high))) << 8))
#define LOBYTE(w) ((BYTE)((w)&0xff))
#define HIBYTE(w) ((BYTE)(((w) >> 8) & 0xff))
#define ZeroMemory(destination, length) memset((destination), 0, (length))

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define INFINITE 0xFFFFFFFF

#define WAIT_OBJECT_0 0x00000000L
#define WAIT_ABANDONED 0x00000080L
#define WAIT_IO_COMPLETION 0x000000C0L /* an alertable wait ran queued APCs */
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* The calling thread's last error. Every thread has its own; it starts at 0. */
DWORD WINAPI GetLastError(VOID);
VOID WINAPI SetLastError(DWORD dwErrCode);

/*
 * An event in this process. Security attributes are ignored; a name (shared events) is not
 * supported: NULL with ERROR_NOT_SUPPORTED. Manual reset: stays signalled until ResetEvent.
 * Auto reset: a satisfied wait resets it. Returns NULL and sets the last error on failure.
 */
HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName);
#define CreateEvent CreateEventA
BOOL WINAPI SetEvent(HANDLE hEvent);
BOOL WINAPI ResetEvent(HANDLE hEvent);

/* Closes an event or an ICMP handle; FALSE with ERROR_INVALID_HANDLE for anything else.
 * Work already started on an object (a pending echo signalling an event) still completes. */
BOOL WINAPI CloseHandle(HANDLE hObject);

/*
 * Waits up to dwMilliseconds (INFINITE: no limit) for an event. WAIT_OBJECT_0 when it is
 * signalled (a signalled object wins over queued APCs), WAIT_TIMEOUT, or WAIT_FAILED with
 * ERROR_INVALID_HANDLE. With bAlertable, APCs queued to this thread run in it, and the wait
 * returns WAIT_IO_COMPLETION.
 */
DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);

/* Sleeps; with bAlertable, returns WAIT_IO_COMPLETION early once it has run queued APCs,
 * otherwise 0. */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
VOID WINAPI Sleep(DWORD dwMilliseconds);

#ifdef __cplusplus
}
#endif

#endif /* WPING_WIN32_WINDOWS_H */
