/* Diagnostics in text or JSON. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "exit_status.h"
#include "format.h"

void diag_error(bool json, const char *kind, const char *format, ...)
{
    va_list ap;
    char *message = NULL;
    int length;

    va_start(ap, format);
    if (!json) {
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
        return;
    }
    length = vasprintf(&message, format, ap);
    va_end(ap);
    /* Out of memory is reported without its details rather than not at all. */
    format_json_error(stderr, kind, length >= 0 ? message : "out of memory", EXIT_STATUS_ERROR);
    if (length >= 0)
        free(message);
}
