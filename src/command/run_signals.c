/* The run's signals: one handler that records them, and the mask that lets them in. */
#include "run_signals.h"

#include <string.h>

volatile sig_atomic_t run_signal_int;
volatile sig_atomic_t run_signal_quit;
volatile sig_atomic_t run_signal_term;

static void S_on_signal(int signo)
{
    if (signo == SIGINT)
        run_signal_int = 1;
    else if (signo == SIGQUIT)
        run_signal_quit = 1;
    else
        run_signal_term = 1; /* SIGTERM, and SIGHUP: the terminal closed */
}

int run_signals_catch(sigset_t *caught, sigset_t *wait_mask)
{
    static const int signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP};
    struct sigaction action;
    sigset_t ours;

    memset(&action, 0, sizeof(action));
    action.sa_handler = S_on_signal;
    sigemptyset(&action.sa_mask);
    sigemptyset(&ours);
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
        sigaddset(&ours, signals[i]);
    if (sigprocmask(SIG_BLOCK, &ours, wait_mask) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        sigdelset(wait_mask, signals[i]);
        if (sigaction(signals[i], &action, NULL) != 0)
            return -1;
    }
    if (caught != NULL)
        *caught = ours;
    return 0;
}

bool run_signals_stop_asked(void)
{
    return run_signal_int || run_signal_term;
}
