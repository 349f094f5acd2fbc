/* The output stream of a run: stdio buffering over writes that wait in ppoll (output.h). */
#include "output.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wping/timespec.h>

struct S_cookie {
    int fd;
    /* A pipe, FIFO, socket or terminal: a write may block for as long as its reader wants.
     * Regular files and devices such as /dev/null are written without asking first. */
    bool may_block;
    struct format_output_wait wait;
};

/* The ppoll timeout until `limit`; false when it has passed. */
static bool S_timeout(const struct timespec *limit, struct timespec *timeout)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!timespec_before(&now, limit))
        return false;
    *timeout = timespec_left(limit, &now);
    return true;
}

/* Waits until `fd` takes a write. 0, or -1 with errno EAGAIN when the give-up time passed
 * (or another errno from ppoll). Signals interrupt the wait only to ask the time again. */
static int S_wait_writable(struct S_cookie *c)
{
    for (;;) {
        const struct timespec *limit =
            c->wait.give_up_at != NULL ? c->wait.give_up_at(c->wait.context) : NULL;
        struct timespec timeout;
        struct pollfd p = {.fd = c->fd, .events = POLLOUT};
        int ready;

        if (limit != NULL && !S_timeout(limit, &timeout)) {
            errno = EAGAIN;
            return -1;
        }
        ready = ppoll(&p, 1, limit != NULL ? &timeout : NULL, c->wait.mask);
        if (ready > 0)
            return 0; /* POLLERR or POLLHUP too: the write says what went wrong */
        if (ready < 0 && errno != EINTR)
            return -1;
    }
}

/*
 * Writes all of `size` bytes, or fails with errno set and returns 0: not -1, which glibc
 * (2.36) takes for a huge count when a large fwrite goes straight to the cookie, and then
 * overruns the caller's buffer. A short count sets the stream's error flag as well.
 * Where a write may block, each one follows a ppoll that found room and is at most PIPE_BUF
 * bytes: a pipe with room for one more buffer takes that much without blocking, whatever
 * the descriptor's O_NONBLOCK.
 */
static ssize_t S_write(void *cookie, const char *data, size_t size)
{
    struct S_cookie *c = cookie;
    size_t done = 0;

    while (done < size) {
        size_t chunk = size - done;
        ssize_t n;

        if (c->may_block) {
            if (S_wait_writable(c) != 0)
                return 0;
            if (chunk > PIPE_BUF)
                chunk = PIPE_BUF;
        }
        n = write(c->fd, data + done, chunk);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue; /* EAGAIN: a descriptor someone else made non-blocking */
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return 0;
        }
        done += (size_t)n;
    }
    return (ssize_t)size;
}

static int S_close(void *cookie)
{
    free(cookie);
    return 0;
}

const struct timespec *format_output_give_up(struct format_output_limit *limit, bool ending,
                                             const struct timespec *deadline)
{
    struct timespec now;

    if (ending && !limit->ending) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        limit->at = timespec_add_ms(now, FORMAT_OUTPUT_GIVE_UP_MS);
        limit->ending = true;
    }
    if (limit->ending)
        return &limit->at;
    if (deadline == NULL)
        return NULL;
    limit->deadline_at = timespec_add_ms(*deadline, FORMAT_OUTPUT_GIVE_UP_MS);
    return &limit->deadline_at;
}

FILE *format_output_open(int fd, const struct format_output_wait *wait)
{
    static const cookie_io_functions_t io = {.write = S_write, .close = S_close};
    struct S_cookie *c = calloc(1, sizeof(*c));
    struct stat st;
    FILE *stream;

    if (c == NULL)
        return NULL;
    c->fd = fd;
    c->may_block = fstat(fd, &st) != 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
                   (S_ISCHR(st.st_mode) && isatty(fd));
    if (wait != NULL)
        c->wait = *wait;
    stream = fopencookie(c, "w", io);
    if (stream == NULL) {
        free(c);
        return NULL;
    }
    if (setvbuf(stream, NULL, _IOFBF, FORMAT_OUTPUT_BUFFER) != 0) {
        fclose(stream);
        errno = ENOMEM;
        return NULL;
    }
    return stream;
}
