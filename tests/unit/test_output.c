/* The output stream (output.h): lines gathered and written at once, and a reader that stops
 * reading, which the stream gives up on at the time its owner names. */
#include "harness.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "output.h"

/* The give-up time of the tests: a fixed point, or none. */
static struct timespec give_up;
static int give_up_asked;

static const struct timespec *fixed_give_up(void *context)
{
    (void)context;
    give_up_asked++;
    return &give_up;
}

static const struct timespec *never_give_up(void *context)
{
    (void)context;
    give_up_asked++;
    return NULL;
}

static void lines_written_together_arrive_in_one_write(void)
{
    int fds[2];
    struct format_output_wait wait = {.give_up_at = never_give_up};
    char got[256];
    FILE *out;
    ssize_t n;

    CHECK_INT(pipe(fds), 0, "pipe");
    out = format_output_open(fds[1], &wait);
    CHECK(out != NULL, "stream");
    fputs("Reply 1\n", out);
    fputs("Reply 2\n", out);
    fputs("Reply 3\n", out);
    /* Nothing reaches the pipe before the flush: a non-blocking read finds it empty. */
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    CHECK_INT(read(fds[0], got, sizeof(got)), -1, "nothing before the flush");
    CHECK_INT(fflush(out), 0, "flush");
    n = read(fds[0], got, sizeof(got) - 1);
    got[n > 0 ? n : 0] = '\0';
    CHECK_STR(got, "Reply 1\nReply 2\nReply 3\n", "all three lines in the pipe's first read");
    CHECK(give_up_asked > 0, "the owner was asked when to give up");
    fclose(out);
    CHECK(fcntl(fds[1], F_GETFD) != -1, "closing the stream leaves the descriptor open");
    close(fds[0]);
    close(fds[1]);
}

static void a_reader_that_does_not_read_is_given_up_at_the_time_named(void)
{
    int fds[2];
    struct format_output_wait wait = {.give_up_at = fixed_give_up};
    static char block[256 * 1024];
    FILE *out;
    bool failed;

    CHECK_INT(pipe(fds), 0, "pipe");
    clock_gettime(CLOCK_MONOTONIC, &give_up);
    give_up.tv_nsec += 50000000L; /* 50 ms from now */
    if (give_up.tv_nsec >= 1000000000L) {
        give_up.tv_sec++;
        give_up.tv_nsec -= 1000000000L;
    }
    out = format_output_open(fds[1], &wait);
    CHECK(out != NULL, "stream");
    memset(block, 'x', sizeof(block));
    /* More than a pipe holds, nobody reading: without a give-up time this would block.
     * stdio writes a block this big at once, so fwrite or the flush reports it. */
    errno = 0;
    failed = fwrite(block, 1, sizeof(block), out) < sizeof(block);
    failed |= fflush(out) == EOF;
    CHECK(failed, "the write fails");
    CHECK_INT(errno, EAGAIN, "with EAGAIN");
    CHECK(ferror(out), "and the stream says so");
    fclose(out);
    close(fds[0]);
    close(fds[1]);
}

static void a_regular_file_is_written_whole(void)
{
    FILE *file = tmpfile();
    char got[64] = "";
    FILE *out;

    CHECK(file != NULL, "tmpfile");
    out = format_output_open(fileno(file), NULL);
    CHECK(out != NULL, "stream");
    fputs("Pinging 127.0.0.1 with 32 bytes of data:\n", out);
    CHECK_INT(fflush(out), 0, "flush");
    fclose(out);
    CHECK_INT(pread(fileno(file), got, sizeof(got) - 1, 0), 41, "bytes in the file");
    CHECK_STR(got, "Pinging 127.0.0.1 with 32 bytes of data:\n", "the file's content");
    fclose(file);
}

int main(void)
{
    RUN(lines_written_together_arrive_in_one_write);
    RUN(a_reader_that_does_not_read_is_given_up_at_the_time_named);
    RUN(a_regular_file_is_written_whole);
    return harness_result();
}
