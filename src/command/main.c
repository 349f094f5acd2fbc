/*
 * wping: a ping for Linux that behaves like Windows ping.exe.
 *
 * How it is put together:
 *
 * - Privileges are suspended before anything else: privilege_suspend() (privilege.c). They
 *   come back only around the opening of the ICMP socket, and are then dropped for good.
 *
 * - The command line becomes a struct wping_options: wping_parse() (options.c, options.h).
 *   ping.exe options with - or /, before or after the target, GNU long names; the parser
 *   never prints and never exits. Help and version go to stdout, errors to stderr.
 *
 * - The session runs it: session_run() (session.c, session.h).
 *     - resolution: -S, then the target (canonical name, -a reverse lookup), -j/-k hops;
 *     - the engine: echo_open() with CAP_NET_RAW raised just for it, echo_start() and
 *       echo_wait_for() for every request (src/engine: include/wping/echo.h, over the
 *       pure status.h, ipopt.h, address.h and timespec.h); a -S address that is not local
 *       leaves the run without a handle, failing every request as ping.exe does;
 *     - the schedule: one request a second on CLOCK_MONOTONIC, or every --interval, for
 *       -n requests or until --deadline; SIGINT / SIGQUIT / SIGTERM as ping.exe's Ctrl-C
 *       and Ctrl-Break, SIGHUP as SIGTERM (run_signals.c, run_signals.h, shared with
 *       --targets);
 *     - reporting: each event goes to a formatter (src/format, format.h), the ping.exe text
 *       (text.c) or JSON Lines (json.c), side by side over one line builder (line.c, line.h),
 *       on stdout, and into the statistics tally (stats.h: stats.c, histogram.c);
 *       diagnostics go to stderr, as JSON objects in JSON mode (diag.c, diag.h). Both
 *       streams are output.c's (output.h): buffered, flushed before every wait, and never
 *       blocked past a signal by a reader that stops reading.
 *
 * - With --mtu or --traceroute the session hands the resolved target and the open engine to
 *   path_mtu() or path_trace() (mtu.c, trace.c, path.h), which report through the path
 *   formatter (src/format/path.c).
 *
 * - With --targets, targets_run() (targets.c, targets.h) runs them all at once instead: the
 *   list (target_list.c), one engine handle per family, a heap of targets by their next
 *   send, --pace between any two sends; events tagged with their target.
 *
 * - The exit status comes from the tally and the exit policy (--require, --max-loss):
 *   exit_policy.c, exit_status.h. A failure to write stdout, however late, makes it 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "exit_status.h"
#include "options.h"
#include "privilege.h"
#include "session.h"
#include "targets.h"

/* Occupies a closed standard descriptor, so that the ICMP socket cannot become "stdout".
 * The directions are backwards on purpose: `wping >&-` must still fail to write. */
static int S_fill_standard_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
            open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY) != fd)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct wping_options options;
    struct wping_parse_error error;
    int status;
    bool json;

    if (S_fill_standard_fds() != 0)
        return EXIT_STATUS_ERROR;
    if (privilege_suspend() != 0) {
        fprintf(stderr, "wping: cannot suspend privileges: %s\n", strerror(errno));
        return EXIT_STATUS_ERROR;
    }

    json = wping_json_requested(argc, argv);
    wping_options_init(&options);
    switch (wping_parse(argc, argv, &options, &error)) {
    case WPING_PARSE_OK:
        /* The formatters leave flushing to their caller. The one-target ping writes through
         * a stream of its own that it flushes before each wait (output.h); the many-target
         * run and the path modes print to stdout, which must then send each line as it
         * comes, as before. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        status = options.targets != NULL ? targets_run(&options) : session_run(&options);
        break;
    case WPING_PARSE_HELP:
        fputs(wping_usage(), stdout);
        status = EXIT_STATUS_REPLY;
        break;
    case WPING_PARSE_VERSION:
        printf("wping %s\n", WPING_VERSION);
        status = EXIT_STATUS_REPLY;
        break;
    default:
        /* A JSON reader gets the message alone, as one object: the usage is for people. */
        if (json) {
            diag_error(true, DIAG_USAGE, "%s", error.message);
            status = EXIT_STATUS_ERROR;
            break;
        }
        /* ping.exe: "Bad option -d.", an empty line, then the usage (which starts with one).
         * With no arguments at all there is no message, only the usage. */
        if (error.message[0] != '\0')
            fprintf(stderr, "%s\n%s", error.message, error.usage_after ? "\n" : "");
        if (error.usage_after)
            fputs(wping_usage(), stderr);
        status = EXIT_STATUS_ERROR;
        break;
    }

    /* These are the writes that no one else checks: a full disk or a closed stdout must not
     * pass for success. A text longer than stdio's buffer (the usage) is written at once and
     * its failure left in the error flag: fclose alone would not report it. */
    if ((ferror(stdout) | fclose(stdout)) != 0 && status != EXIT_STATUS_ERROR) {
        diag_error(json, DIAG_OUTPUT, "wping: cannot write to standard output: %s",
                   strerror(errno));
        status = EXIT_STATUS_ERROR;
    }
    return status;
}
