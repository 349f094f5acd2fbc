/*
 * A ping session: resolve the target, open the echo engine, send the requests on ping.exe's
 * schedule (or every --interval) and report every event to the formatter on stdout, the
 * ping.exe text or JSON Lines. Diagnostics go to stderr in the same format (diag.h).
 *
 * Signals, as ping.exe's console keys (docs/design.md, Signals): SIGINT is Ctrl-C (statistics when
 * at least one request completed, then "Control-C", and the run ends); SIGQUIT is Ctrl-Break
 * (statistics so far, "Control-Break", and the run goes on); SIGTERM ends the run like SIGINT but
 * prints no "Control-C", and so does SIGHUP (the terminal closed). JSON output always writes its
 * interim or summary object. --deadline ends the run like SIGTERM. A request still in flight when
 * the run ends is not counted. The four signals are blocked outside the engine's waits, so none
 * is ever lost.
 *
 * The exit status follows the exit policy of the options (exit_policy.h), in every format.
 */
#ifndef WPING_SESSION_H
#define WPING_SESSION_H

#include "options.h"

/* Runs the session the options describe. Lines go to stdout, messages to stderr. Returns
 * the exit status (enum exit_status). */
int session_run(const struct wping_options *options);

#endif /* WPING_SESSION_H */
