/*
 * Exit policies: how many echo replies a run needs for exit status 0 (--require) and how much loss
 * it may have (--max-loss). The zero-initialised policy is the default rule of docs/design.md (Exit
 * status): exit 0 when at least one echo reply came back. An echo reply is any success, corrupt
 * ones included; ICMP errors, timeouts and send failures are lost.
 */
#ifndef WPING_EXIT_POLICY_H
#define WPING_EXIT_POLICY_H

#include <stdbool.h>
#include <stdint.h>

enum exit_policy_require {
    EXIT_POLICY_ANY = 0,  /* at least one echo reply (the default) */
    EXIT_POLICY_ALL,      /* every request sent, and at least one, had its echo reply */
    EXIT_POLICY_AT_LEAST, /* at least `at_least` echo replies (0: no reply needed) */
};

struct exit_policy {
    enum exit_policy_require require;
    uint32_t at_least;
    bool has_max_loss;
    uint32_t max_loss_milli; /* --max-loss in thousandths of a percent, 0..100000 */
};

/*
 * The exit status of a run that sent `sent` requests and got `replies` echo replies for them:
 * 0 (EXIT_STATUS_REPLY) when the requirement is met and, with a maximum loss, the loss
 * (sent - replies) * 100 / sent is not above it; else 1 (EXIT_STATUS_NO_REPLY). Nothing sent
 * is 0 % loss. Pure.
 */
int exit_policy_status(const struct exit_policy *policy, uint64_t sent, uint64_t replies);

/*
 * The exit status of a many-target run (docs/design.md, Many targets), once exit_policy_status has
 * decided each target: of `targets` in the list, `resolved` had an address and `passed` met the
 * policy. 0 (EXIT_STATUS_REPLY) when every target passed, or with `has_required` when at least
 * `required` did; else 1. 2 (EXIT_STATUS_ERROR) when not one name resolved: nothing was pinged, as
 * for one target that does not resolve. Pure.
 */
int exit_policy_targets(uint64_t targets, uint64_t resolved, uint64_t passed, bool has_required,
                        uint32_t required);

#endif /* WPING_EXIT_POLICY_H */
