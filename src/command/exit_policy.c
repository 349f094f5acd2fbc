/* The exit-policy decision, in integers only. */
#include "exit_policy.h"

#include "exit_status.h"

int exit_policy_status(const struct exit_policy *policy, uint64_t sent, uint64_t replies)
{
    bool met;

    switch (policy->require) {
    case EXIT_POLICY_ALL:
        met = sent > 0 && replies >= sent;
        break;
    case EXIT_POLICY_AT_LEAST:
        met = replies >= policy->at_least;
        break;
    case EXIT_POLICY_ANY:
    default:
        met = replies > 0;
        break;
    }
    /* lost / sent > max / 100 000, cross-multiplied: exact, with no rounding at the edge. */
    if (met && policy->has_max_loss && sent > 0 && replies < sent &&
        (sent - replies) * UINT64_C(100000) > (uint64_t)policy->max_loss_milli * sent)
        met = false;
    return met ? EXIT_STATUS_REPLY : EXIT_STATUS_NO_REPLY;
}

int exit_policy_targets(uint64_t targets, uint64_t resolved, uint64_t passed, bool has_required,
                        uint32_t required)
{
    if (resolved == 0 && targets > 0)
        return EXIT_STATUS_ERROR;
    if (has_required)
        return passed >= required ? EXIT_STATUS_REPLY : EXIT_STATUS_NO_REPLY;
    return passed >= targets ? EXIT_STATUS_REPLY : EXIT_STATUS_NO_REPLY;
}
