/*
 * The parts of Windows <winternl.h> that asynchronous ICMP calls use: IO_STATUS_BLOCK,
 * PIO_APC_ROUTINE and the NTSTATUS values an APC can see. Including this header before
 * <icmpapi.h> makes ApcRoutine a PIO_APC_ROUTINE instead of a FARPROC, as on Windows.
 */
#ifndef WPING_WIN32_WINTERNL_H
#define WPING_WIN32_WINTERNL_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#endif
#ifndef STATUS_PENDING
#define STATUS_PENDING ((NTSTATUS)0x00000103L)
#endif
#ifndef STATUS_INVALID_PARAMETER
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL) /* IPv6 hop limit 0 */
#endif
#ifndef STATUS_NO_MEMORY
#define STATUS_NO_MEMORY ((NTSTATUS)0xC0000017L)
#endif
#ifndef STATUS_ACCESS_DENIED
#define STATUS_ACCESS_DENIED ((NTSTATUS)0xC0000022L)
#endif
#ifndef STATUS_CANCELLED
#define STATUS_CANCELLED ((NTSTATUS)0xC0000120L)
#endif

/* How an asynchronous request ended: Status 0 and Information = bytes written into the
 * reply buffer, except for an IPv6 hop limit of 0 (STATUS_INVALID_PARAMETER). */
typedef struct _IO_STATUS_BLOCK {
    union {
        NTSTATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

/* Reserved is always 0. */
typedef VOID(NTAPI *PIO_APC_ROUTINE)(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock,
                                     ULONG Reserved);
#ifndef PIO_APC_ROUTINE_DEFINED
#define PIO_APC_ROUTINE_DEFINED
#endif

#ifdef __cplusplus
static_assert(sizeof(IO_STATUS_BLOCK) == 2 * sizeof(void *), "IO_STATUS_BLOCK layout");
#else
_Static_assert(sizeof(IO_STATUS_BLOCK) == 2 * sizeof(void *), "IO_STATUS_BLOCK layout");
#endif

#ifdef __cplusplus
}
#endif

#endif /* WPING_WIN32_WINTERNL_H */
