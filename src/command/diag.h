/*
 * Diagnostics on stderr, in the output format of the run: ping.exe's plain lines for text
 * output, one JSON object per line for --format=json ({"type":"error","kind":KIND,
 * "message":...,"exit_status":2}, see wping(1)). Every diagnostic ends the run with exit
 * status 2 (EXIT_STATUS_ERROR).
 */
#ifndef WPING_DIAG_H
#define WPING_DIAG_H

#include <stdbool.h>
#include <stdio.h>

/* What kind of failure a diagnostic reports (the "kind" member in JSON). */
#define DIAG_USAGE "usage"           /* the command line: a bad option or value */
#define DIAG_RESOLUTION "resolution" /* a target, source or hop that could not be found */
#define DIAG_PERMISSION "permission" /* no ICMP socket, or an --interval below the limit */
#define DIAG_SYSTEM "system"         /* any other failing system call */
#define DIAG_OUTPUT "output"         /* standard output could not be written */

/* Writes the message (printf format, no trailing newline; may span lines) to stderr: as it is
 * plus a newline, or as a JSON error object when `json`; flushed. */
void diag_error(bool json, const char *kind, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Sends later diagnostics to `err` (a stream over stderr that gives up on a reader that does
 * not read, output.h) instead of stderr itself; NULL: stderr again. */
void diag_set_stream(FILE *err);

#endif /* WPING_DIAG_H */
