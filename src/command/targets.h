/*
 * A many-target session (--targets, docs/design.md): every target of the list resolved
 * before the first send, then all of them in flight at once on one engine handle per family,
 * each on its own absolute schedule (-n or -t requests, one every --interval from its first
 * send, whether or not the earlier ones have their outcomes), no two sends of the run closer
 * than --pace. Each event goes to the formatter tagged with its target; at the end every
 * target's statistics in list order, then one line (or run_summary object) that counts the
 * targets that passed.
 *
 * A name that does not resolve is reported in its place and fails; the others still run.
 * Signals are those of a one-target session (session.h), for all targets at once. Memory
 * grows with the number of targets only: nothing is allocated per echo.
 */
#ifndef WPING_TARGETS_H
#define WPING_TARGETS_H

#include "options.h"

/* Runs the many-target session the options describe (options->targets is set). Returns the
 * exit status (enum exit_status). */
int targets_run(const struct wping_options *options);

#endif /* WPING_TARGETS_H */
