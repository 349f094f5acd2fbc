/*
 * The path modes of the command: --mtu (mtu.c) and --traceroute (trace.c), docs/design.md.
 * The session resolves the target, opens the engine and catches the signals, then hands
 * over to one of them; each reports through the path formatter and returns the exit status.
 */
#ifndef WPING_PATH_H
#define WPING_PATH_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include <wping/echo.h>

#include "format.h"
#include "options.h"

/* What the session prepared for a path mode. */
struct path_run {
    const struct wping_options *options;
    bool source_not_local; /* the -S address is not local: no handle, every probe fails */
    echo_handle *handle;   /* open unless source_not_local */
    const struct sockaddr_storage *target;
    socklen_t target_len;
    const struct sockaddr_storage *source; /* the -S address, or NULL */
    socklen_t source_len;
    const struct format_target *header; /* target, name, address, -w, socket kind */
    bool json;
    const sigset_t *wait_mask; /* the mask for the engine's waits: our signals unblocked */
    /* stdout's stream (output.h): the formatter writes there, and it is flushed before each
     * wait; a write that waits for its reader lets signals in, which interrupted() then says
     * (the engine's wait would not see them). The session checks the last flush. */
    FILE *out;
    bool (*interrupted)(void);
};

/* --mtu: 0 when the path MTU was found, 1 when the target never answered, 2 on errors. */
int path_mtu(const struct path_run *run);

/* --traceroute: 0 when the target's row was reached, 1 when not, 2 on errors. */
int path_trace(const struct path_run *run);

#endif /* WPING_PATH_H */
