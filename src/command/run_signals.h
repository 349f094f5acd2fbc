/*
 * The signals that stop or interrupt a run, shared by the one-target session and the
 * many-target run: SIGINT (Ctrl-C), SIGQUIT (Ctrl-Break: statistics, then go on), SIGTERM,
 * and SIGHUP (the terminal closed), taken as SIGTERM. They are blocked except while a run
 * waits, and their handler only records them in the flags below.
 */
#ifndef WPING_RUN_SIGNALS_H
#define WPING_RUN_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/* Set to 1 by the handler; the run clears them as it acts on them. */
extern volatile sig_atomic_t run_signal_int;
extern volatile sig_atomic_t run_signal_quit;
extern volatile sig_atomic_t run_signal_term; /* SIGTERM or SIGHUP */

/*
 * Blocks the four signals and catches them, without SA_RESTART, so that a wait they interrupt
 * returns. `caught` (may be NULL) receives the four; `wait_mask` the mask to wait with: the
 * one in force before, with the four unblocked. Returns 0, or -1 with errno set.
 */
int run_signals_catch(sigset_t *caught, sigset_t *wait_mask);

/* True once SIGINT, SIGTERM or SIGHUP has arrived (SIGQUIT does not end a run). */
bool run_signals_stop_asked(void);

#endif /* WPING_RUN_SIGNALS_H */
