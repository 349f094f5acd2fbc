/*
 * The output stream of a run: a fully buffered stdio stream over a file descriptor, for the
 * formatters (format.h) and the diagnostics. Lines gather in its buffer, and the caller
 * flushes it (fflush) before it waits, so that a reader sees each line as soon as the run
 * has nothing else to do, while a burst of lines that were ready together goes out in one
 * write(2).
 *
 * A reader that stops reading never makes the run unkillable: where a write could block
 * (pipes, FIFOs, sockets, terminals) the stream waits for room in ppoll with the caller's
 * signal mask, so the caller's signals are delivered during the wait, and it gives up at
 * the time the caller names (asked again after every signal). A write that gives up fails
 * with EAGAIN, and the stream's error flag says so to the caller.
 */
#ifndef WPING_FORMAT_OUTPUT_H
#define WPING_FORMAT_OUTPUT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

/* How the stream waits for a reader. Zero-initialised: with the current signal mask,
 * never giving up. */
struct format_output_wait {
    const sigset_t *mask; /* the signal mask in force while waiting, or NULL: the current */
    /* When to give up waiting (CLOCK_MONOTONIC), or NULL: not yet. Called before each wait
     * and after every signal; may be NULL itself. */
    const struct timespec *(*give_up_at)(void *context);
    void *context;
};

/* How long a run waits for a reader that does not read once it is to end (a signal, the end
 * of --deadline): it then ends within about this long, with exit status 2. */
#define FORMAT_OUTPUT_GIVE_UP_MS 500

/* The give-up rule of a run, for its give_up_at callback. Zero-initialise one per run. */
struct format_output_limit {
    bool ending;
    struct timespec at, deadline_at;
};

/* While the run goes on (`ending` false): `deadline` (CLOCK_MONOTONIC, NULL: none) plus
 * FORMAT_OUTPUT_GIVE_UP_MS, or NULL. Once `ending`: FORMAT_OUTPUT_GIVE_UP_MS after the first
 * call that saw it, from then on. */
const struct timespec *format_output_give_up(struct format_output_limit *limit, bool ending,
                                             const struct timespec *deadline);

/* Bytes the stream buffers before it writes by itself. */
#define FORMAT_OUTPUT_BUFFER 8192

/* A new stream over `fd` (which it never closes: fclose the stream, then the descriptor as
 * usual). `wait` is copied; NULL is the zero wait. NULL with errno when it cannot be made. */
FILE *format_output_open(int fd, const struct format_output_wait *wait);

#endif /* WPING_FORMAT_OUTPUT_H */
