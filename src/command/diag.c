/* Diagnostics in text or JSON. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "exit_status.h"
#include "format.h"

/* Where diagnostics go: stderr, or the session's stream over it (diag_set_stream). */
static FILE *S_stream;

void diag_set_stream(FILE *err)
{
    S_stream = err;
}

void diag_error(bool json, const char *kind, const char *format, ...)
{
    FILE *err = S_stream != NULL ? S_stream : stderr;
    va_list ap;
    char *message = NULL;
    int length;

    va_start(ap, format);
    if (!json) {
        vfprintf(err, format, ap);
        va_end(ap);
        fputc('\n', err);
        fflush(err);
        return;
    }
    length = vasprintf(&message, format, ap);
    va_end(ap);
    /* Out of memory is reported without its details rather than not at all. */
    format_json_error(err, kind, length >= 0 ? message : "out of memory", EXIT_STATUS_ERROR);
    if (length >= 0)
        free(message);
}
