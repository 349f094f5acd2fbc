/*
 * What the formatters share beneath them: the line builder (a line is composed whole in
 * memory, then handed to the stream with one call, so that a reader never sees half of one;
 * the session flushes the stream before it waits, output.h)
 * and the texts of ping.exe's per-request lines, which the text output prints and the JSON
 * stream carries as "message". Each formatter (text.c, json.c) stands on this alone, never
 * on another formatter.
 */
#ifndef WPING_FORMAT_LINE_H
#define WPING_FORMAT_LINE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "format.h"

/* A growing line. Zero-initialise; after an allocation failure it stays failed, writes
 * nothing and format_line_write reports ENOMEM. */
struct format_line {
    char *data;
    size_t length, capacity;
    bool failed;
    bool first; /* for writers of separated items (JSON members): none written yet */
};

/* Empties the line (keeping its memory) and clears a failure. */
void format_line_start(struct format_line *line);

void format_line_raw(struct format_line *line, const char *text, size_t length);

__attribute__((format(printf, 2, 3))) void format_line_printf(struct format_line *line,
                                                              const char *fmt, ...);
__attribute__((format(printf, 2, 0))) void format_line_vprintf(struct format_line *line,
                                                               const char *fmt, va_list ap);

/* Ends the line with a newline and writes it to `out`, unflushed. Returns 0, or -1 with errno
 * set when the line had failed (ENOMEM) or writing failed. */
int format_line_write(struct format_line *line, FILE *out);

/* Frees the line's memory; the line may be started again. */
void format_line_free(struct format_line *line);

/* The text shown for an IP_STATUS after "Reply from R: " or alone ("Request timed out.");
 * statuses without a fixed text give NULL. */
const char *format_status_text(uint32_t status);

/* The one line text mode prints for an outcome ("Reply from 198.18.1.2: bytes=32 time<1ms
 * TTL=63", "Request timed out.", ...), without the record route or timestamp lines, for a
 * target of `family`. Returns the length snprintf would have written. */
int format_outcome_line(const struct format_reply *reply, int family, char *out, size_t size);

#endif /* WPING_FORMAT_LINE_H */
