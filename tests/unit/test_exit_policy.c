/*
 * The exit-policy decision (src/command/exit_policy.c) as a table: --require any, all and N,
 * with and without --max-loss, at the edges of each rule, and the default rule when nothing is set.
 */
#include "exit_policy.h"

#include "harness.h"

#include "exit_status.h"

struct policy_case {
    const char *what;
    struct exit_policy policy;
    uint64_t sent, replies;
    int status;
};

#define ANY                                                                                        \
    {                                                                                              \
        EXIT_POLICY_ANY, 0, false, 0                                                               \
    }
#define ALL                                                                                        \
    {                                                                                              \
        EXIT_POLICY_ALL, 0, false, 0                                                               \
    }
#define AT_LEAST(n)                                                                                \
    {                                                                                              \
        EXIT_POLICY_AT_LEAST, n, false, 0                                                          \
    }
/* --max-loss=PERCENT, in thousandths */
#define ANY_LOSS(milli)                                                                            \
    {                                                                                              \
        EXIT_POLICY_ANY, 0, true, milli                                                            \
    }
#define ALL_LOSS(milli)                                                                            \
    {                                                                                              \
        EXIT_POLICY_ALL, 0, true, milli                                                            \
    }
#define AT_LEAST_LOSS(n, milli)                                                                    \
    {                                                                                              \
        EXIT_POLICY_AT_LEAST, n, true, milli                                                       \
    }

static const struct policy_case cases[] = {
    /* The default rule: one echo reply is enough */
    {"C4: nothing sent (Ctrl-C at once)", ANY, 0, 0, EXIT_STATUS_NO_REPLY},
    {"C4: all lost", ANY, 4, 0, EXIT_STATUS_NO_REPLY},
    {"C4: one of four", ANY, 4, 1, EXIT_STATUS_REPLY},
    {"C4: all four", ANY, 4, 4, EXIT_STATUS_REPLY},

    /* --require=all */
    {"all: nothing sent is not all", ALL, 0, 0, EXIT_STATUS_NO_REPLY},
    {"all: 4 of 4", ALL, 4, 4, EXIT_STATUS_REPLY},
    {"all: 3 of 4", ALL, 4, 3, EXIT_STATUS_NO_REPLY},
    {"all: 0 of 4", ALL, 4, 0, EXIT_STATUS_NO_REPLY},
    {"all: 1 of 1", ALL, 1, 1, EXIT_STATUS_REPLY},
    {"all: a long run with one lost", ALL, 200000, 199999, EXIT_STATUS_NO_REPLY},

    /* --require=N */
    {"N=0: no reply needed", AT_LEAST(0), 4, 0, EXIT_STATUS_REPLY},
    {"N=0: nothing sent", AT_LEAST(0), 0, 0, EXIT_STATUS_REPLY},
    {"N=1 is any", AT_LEAST(1), 4, 1, EXIT_STATUS_REPLY},
    {"N=1 is any, none", AT_LEAST(1), 4, 0, EXIT_STATUS_NO_REPLY},
    {"N=3: exactly 3", AT_LEAST(3), 4, 3, EXIT_STATUS_REPLY},
    {"N=3: one short", AT_LEAST(3), 4, 2, EXIT_STATUS_NO_REPLY},
    {"N=3: more than needed", AT_LEAST(3), 10, 9, EXIT_STATUS_REPLY},
    {"N above the count can never be met", AT_LEAST(5), 4, 4, EXIT_STATUS_NO_REPLY},
    {"N at its maximum", AT_LEAST(UINT32_MAX), UINT32_MAX, UINT32_MAX, EXIT_STATUS_REPLY},

    /* --max-loss alone: loss above the limit fails, at the limit passes */
    {"max 25%: 1 of 4 lost is 25%", ANY_LOSS(25000), 4, 3, EXIT_STATUS_REPLY},
    {"max 25%: 2 of 4 lost", ANY_LOSS(25000), 4, 2, EXIT_STATUS_NO_REPLY},
    {"max 24.999%: 1 of 4 lost", ANY_LOSS(24999), 4, 3, EXIT_STATUS_NO_REPLY},
    {"max 0%: nothing lost", ANY_LOSS(0), 4, 4, EXIT_STATUS_REPLY},
    {"max 0%: one lost", ANY_LOSS(0), 4, 3, EXIT_STATUS_NO_REPLY},
    {"max 100%: all lost still needs a reply (any)", ANY_LOSS(100000), 4, 0, EXIT_STATUS_NO_REPLY},
    {"max 100% with N=0: all lost passes", AT_LEAST_LOSS(0, 100000), 4, 0, EXIT_STATUS_REPLY},
    {"max 33.333%: 1 of 3 is 33.3333...% > 33.333", ANY_LOSS(33333), 3, 2, EXIT_STATUS_NO_REPLY},
    {"max 33.334%: 1 of 3 passes", ANY_LOSS(33334), 3, 2, EXIT_STATUS_REPLY},
    {"max 0.001%: 1 of 100000 lost is exactly 0.001%", ANY_LOSS(1), 100000, 99999,
     EXIT_STATUS_REPLY},
    {"max 0.001%: 2 of 100000 lost", ANY_LOSS(1), 100000, 99998, EXIT_STATUS_NO_REPLY},
    {"max 50%: nothing sent is 0% loss, but no reply (any)", ANY_LOSS(50000), 0, 0,
     EXIT_STATUS_NO_REPLY},
    {"max 50% with N=0: nothing sent passes", AT_LEAST_LOSS(0, 50000), 0, 0, EXIT_STATUS_REPLY},

    /* both */
    {"all and max 50%: all came", ALL_LOSS(50000), 2, 2, EXIT_STATUS_REPLY},
    {"all and max 50%: all wins", ALL_LOSS(50000), 2, 1, EXIT_STATUS_NO_REPLY},
    {"N=2 and max 10%: 2 of 10 is 80% lost", AT_LEAST_LOSS(2, 10000), 10, 2, EXIT_STATUS_NO_REPLY},
    {"N=2 and max 90%: 2 of 10", AT_LEAST_LOSS(2, 90000), 10, 2, EXIT_STATUS_REPLY},
    {"N=9 and max 90%: 2 of 10", AT_LEAST_LOSS(9, 90000), 10, 2, EXIT_STATUS_NO_REPLY},
    {"a huge run stays exact", AT_LEAST_LOSS(1, 1), UINT64_C(1) << 40,
     (UINT64_C(1) << 40) - ((UINT64_C(1) << 40) / 100000), EXIT_STATUS_REPLY},
};

static void every_case_of_the_table(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_INT(exit_policy_status(&cases[i].policy, cases[i].sent, cases[i].replies),
                  cases[i].status, "%s (sent %" PRIu64 ", replies %" PRIu64 ")", cases[i].what,
                  cases[i].sent, cases[i].replies);
}

static void the_zero_policy_is_design_c4(void)
{
    struct exit_policy zero = {0};

    for (uint64_t sent = 0; sent < 20; sent++)
        for (uint64_t replies = 0; replies <= sent; replies++)
            CHECK_INT(exit_policy_status(&zero, sent, replies),
                      replies > 0 ? EXIT_STATUS_REPLY : EXIT_STATUS_NO_REPLY,
                      "sent %" PRIu64 ", replies %" PRIu64, sent, replies);
}

/* The loss limit against the same rule in floating point, away from the exact edges. */
static void max_loss_agrees_with_the_percentage(void)
{
    for (uint32_t milli = 0; milli <= 100000; milli += 2500)
        for (uint64_t sent = 1; sent <= 40; sent++)
            for (uint64_t replies = 1; replies <= sent; replies++) {
                struct exit_policy policy = {EXIT_POLICY_ANY, 0, true, milli};
                double loss = (double)(sent - replies) * 100.0 / (double)sent;
                double limit = milli / 1000.0;

                if (loss == limit)
                    continue;
                CHECK_INT(exit_policy_status(&policy, sent, replies),
                          loss > limit ? EXIT_STATUS_NO_REPLY : EXIT_STATUS_REPLY,
                          "max %.3f%%, sent %" PRIu64 ", replies %" PRIu64, limit, sent, replies);
            }
}

/* docs/design.md, Many targets: the run's status from how many targets passed their own policy. */
struct targets_case {
    const char *what;
    uint64_t targets, resolved, passed;
    bool has_required;
    uint32_t required;
    int status;
};

static const struct targets_case targets_cases[] = {
    {"one target that passed", 1, 1, 1, false, 0, EXIT_STATUS_REPLY},
    {"one target that failed", 1, 1, 0, false, 0, EXIT_STATUS_NO_REPLY},
    {"every target passed", 3, 3, 3, false, 0, EXIT_STATUS_REPLY},
    {"one of three failed", 3, 3, 2, false, 0, EXIT_STATUS_NO_REPLY},
    {"none of three passed", 3, 3, 0, false, 0, EXIT_STATUS_NO_REPLY},
    {"an unresolved name fails the run", 3, 2, 2, false, 0, EXIT_STATUS_NO_REPLY},
    {"no name resolved: nothing pinged, as one target that does not resolve", 3, 0, 0, false, 0,
     EXIT_STATUS_ERROR},
    {"no name resolved even with N=0", 2, 0, 0, true, 0, EXIT_STATUS_ERROR},
    {"N=2: exactly 2 of 3", 3, 3, 2, true, 2, EXIT_STATUS_REPLY},
    {"N=2: one short", 3, 3, 1, true, 2, EXIT_STATUS_NO_REPLY},
    {"N=2: more than needed", 3, 3, 3, true, 2, EXIT_STATUS_REPLY},
    {"N=2 counts an unresolved name as failed", 3, 2, 2, true, 2, EXIT_STATUS_REPLY},
    {"N=3 with one unresolved can never be met", 3, 2, 2, true, 3, EXIT_STATUS_NO_REPLY},
    {"N=0: no target needs to pass", 3, 3, 0, true, 0, EXIT_STATUS_REPLY},
    {"N above the number of targets can never be met", 3, 3, 3, true, 4, EXIT_STATUS_NO_REPLY},
    {"N=all of them is the default", 10000, 10000, 10000, true, 10000, EXIT_STATUS_REPLY},
    {"10 000 targets, one failed", 10000, 10000, 9999, false, 0, EXIT_STATUS_NO_REPLY},
    {"10 000 targets, one failed, N=9999", 10000, 10000, 9999, true, 9999, EXIT_STATUS_REPLY},
    {"N at its maximum", UINT32_MAX, UINT32_MAX, UINT32_MAX, true, UINT32_MAX, EXIT_STATUS_REPLY},
};

static void every_case_of_the_targets_table(void)
{
    for (size_t i = 0; i < sizeof targets_cases / sizeof targets_cases[0]; i++) {
        const struct targets_case *c = &targets_cases[i];
        CHECK_INT(
            exit_policy_targets(c->targets, c->resolved, c->passed, c->has_required, c->required),
            c->status, "%s", c->what);
    }
}

int main(void)
{
    RUN(every_case_of_the_table);
    RUN(every_case_of_the_targets_table);
    RUN(the_zero_policy_is_design_c4);
    RUN(max_loss_agrees_with_the_percentage);
    return harness_result();
}
