/*
 * The wping command line: every option in its -x, /x and --long forms, before and after the
 * target, every message, every range boundary, and the family rules, as tables of command
 * lines and what each must give.
 */
#include "options.h"

#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 24

/* A command line (without "wping"), NULL-terminated. */
#define ARGS(...)                                                                                  \
    {                                                                                              \
        __VA_ARGS__, NULL                                                                          \
    }

/* A writable copy of a command line, as main() would get it. */
struct command_line {
    int argc;
    char *argv[MAX_ARGS + 2];
    char *original[MAX_ARGS + 2];
    char text[MAX_ARGS + 1][128];
};

static void command_line_init(struct command_line *line, const char *const *args)
{
    memset(line, 0, sizeof *line);
    snprintf(line->text[0], sizeof line->text[0], "wping");
    line->argv[0] = line->text[0];
    line->argc = 1;
    for (int i = 0; args[i] != NULL && i < MAX_ARGS; i++) {
        snprintf(line->text[line->argc], sizeof line->text[0], "%s", args[i]);
        line->argv[line->argc] = line->text[line->argc];
        line->argc++;
    }
    memcpy(line->original, line->argv, sizeof line->argv);
}

static void command_line_join(const char *const *args, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; args[i] != NULL && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s'%s'", i ? " " : "", args[i]);
}

/* The parse, plus the promises about argv: same order, same text ("/x" restored). */
static enum wping_parse_result parse(const char *const *args, struct wping_options *options,
                                     struct wping_parse_error *error)
{
    static struct command_line line; /* the options point into it: keep it alive */
    char joined[512];

    command_line_init(&line, args);
    command_line_join(args, joined, sizeof joined);
    enum wping_parse_result result = wping_parse(line.argc, line.argv, options, error);
    for (int i = 1; i < line.argc; i++) {
        CHECK(line.argv[i] == line.original[i], "argv[%d] kept its place for %s", i, joined);
        CHECK_STR(line.argv[i], args[i - 1], "argv[%d] text unchanged for %s", i, joined);
    }
    return result;
}

static bool points_into(const struct command_line *line, const char *s)
{
    for (int i = 0; i < line->argc; i++)
        if (s >= line->text[i] && s < line->text[i] + sizeof line->text[i])
            return true;
    return false;
}

/* The options that differ from the defaults, in a fixed order, e.g. "target=h count=3". */
static void describe(const struct wping_options *o, char *out, size_t size)
{
    size_t used = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (used < size)                                                                           \
            used += (size_t)snprintf(out + used, size - used, __VA_ARGS__);                        \
    } while (0)
    out[0] = '\0';
    ADD("target=%s", o->target ? o->target : "(none)");
    if (o->forever)
        ADD(" forever");
    if (o->resolve_names)
        ADD(" resolve");
    if (o->count != 4)
        ADD(" count=%lu", (unsigned long)o->count);
    if (o->size != 32)
        ADD(" size=%lu", (unsigned long)o->size);
    if (o->dont_fragment)
        ADD(" df");
    if (o->ttl != WPING_DEFAULT_TTL)
        ADD(" ttl=%d", o->ttl);
    if (o->tos != -1)
        ADD(" tos=%d", o->tos);
    if (o->record_route != 0)
        ADD(" rr=%u", o->record_route);
    if (o->timestamp != 0)
        ADD(" ts=%u", o->timestamp);
    if (o->route_kind != WPING_ROUTE_NONE) {
        ADD(" %s=", o->route_kind == WPING_ROUTE_LOOSE ? "loose" : "strict");
        for (unsigned i = 0; i < o->route_count; i++)
            ADD("%s%s", i ? "," : "", o->route[i]);
    }
    if (o->timeout_ms != 4000)
        ADD(" timeout=%lu", (unsigned long)o->timeout_ms);
    if (o->reverse_route)
        ADD(" reverse");
    if (o->source)
        ADD(" source=%s", o->source);
    if (o->compartment)
        ADD(" compartment=%s", o->compartment);
    if (o->family != WPING_FAMILY_ANY)
        ADD(" family=%d", o->family == WPING_FAMILY_4 ? 4 : 6);
    if (o->implied_family != WPING_FAMILY_ANY)
        ADD(" implied=%d", o->implied_family == WPING_FAMILY_4 ? 4 : 6);
    if (o->output == WPING_OUTPUT_JSON)
        ADD(" json");
    if (o->stamp_lines)
        ADD(" stamps");
    if (o->quiet)
        ADD(" quiet");
    if (o->interval_ms != 1000)
        ADD(" interval=%lu", (unsigned long)o->interval_ms);
    if (o->deadline_ms != 0)
        ADD(" deadline=%llums", (unsigned long long)o->deadline_ms);
    if (o->policy.require == EXIT_POLICY_ALL)
        ADD(" require=all");
    if (o->policy.require == EXIT_POLICY_AT_LEAST)
        ADD(" require=%lu", (unsigned long)o->policy.at_least);
    if (o->policy.has_max_loss)
        ADD(" max-loss=%lu/1000", (unsigned long)o->policy.max_loss_milli);
    if (o->targets)
        ADD(" targets=%s", o->targets);
    if (o->pace_us != 1000)
        ADD(" pace=%lluus", (unsigned long long)o->pace_us);
    if (o->has_targets_required)
        ADD(" targets-required=%lu", (unsigned long)o->targets_required);
#undef ADD
}

struct accepted_case {
    const char *args[MAX_ARGS];
    const char *want;
};

static void check_accepted(const struct accepted_case *cases, size_t n, const char *behaviour)
{
    for (size_t i = 0; i < n; i++) {
        struct wping_options options;
        struct wping_parse_error error;
        char joined[512], got[512];
        command_line_join(cases[i].args, joined, sizeof joined);
        enum wping_parse_result result = parse(cases[i].args, &options, &error);
        CHECK_INT(result, WPING_PARSE_OK, "%s: %s (message \"%s\")", behaviour, joined,
                  error.message);
        if (result != WPING_PARSE_OK)
            continue;
        describe(&options, got, sizeof got);
        CHECK_STR(got, cases[i].want, "%s: %s", behaviour, joined);
    }
}

struct rejected_case {
    const char *args[MAX_ARGS];
    const char *message;
    bool usage_after;
};

static void check_rejected(const struct rejected_case *cases, size_t n, const char *behaviour)
{
    for (size_t i = 0; i < n; i++) {
        struct wping_options options;
        struct wping_parse_error error;
        char joined[512];
        command_line_join(cases[i].args, joined, sizeof joined);
        enum wping_parse_result result = parse(cases[i].args, &options, &error);
        CHECK_INT(result, WPING_PARSE_ERROR, "%s: %s", behaviour, joined);
        CHECK_STR(error.message, cases[i].message, "%s: %s", behaviour, joined);
        CHECK_INT(error.usage_after, cases[i].usage_after, "%s: %s", behaviour, joined);
    }
}

#define ACCEPTS(table) check_accepted(table, sizeof table / sizeof table[0], __func__)
#define REJECTS(table) check_rejected(table, sizeof table / sizeof table[0], __func__)

static void target_alone_gets_ping_exe_defaults(void)
{
    struct wping_options o;
    wping_options_init(&o);
    CHECK(o.target == NULL, "no target by default");
    CHECK(!o.forever && !o.resolve_names && !o.dont_fragment && !o.reverse_route, "flags off");
    CHECK_INT(o.count, 4, "ping.exe sends 4 requests");
    CHECK_INT(o.size, 32, "ping.exe sends 32 bytes");
    CHECK_INT(o.ttl, 128, "ping.exe's TTL 128, not the system's");
    CHECK_INT(o.tos, -1, "TOS not set");
    CHECK_INT(o.record_route, 0, "no record route");
    CHECK_INT(o.timestamp, 0, "no timestamp");
    CHECK_INT(o.route_kind, WPING_ROUTE_NONE, "no source route");
    CHECK_INT(o.route_count, 0, "no hops");
    CHECK_INT(o.timeout_ms, 4000, "ping.exe waits 4000 ms");
    CHECK(o.source == NULL && o.compartment == NULL, "no source, no interface");
    CHECK_INT(o.family, WPING_FAMILY_ANY, "no family forced");
    CHECK_INT(o.implied_family, WPING_FAMILY_ANY, "no family implied");

    static const struct accepted_case cases[] = {
        {ARGS("host"), "target=host"},
        {ARGS("--", "host"), "target=host"},
        {ARGS("-"), "target=-"},
    };
    ACCEPTS(cases);
}

static void every_flag_works_as_dash_slash_and_long_before_and_after_the_target(void)
{
    static const struct accepted_case cases[] = {
        {ARGS("-t", "h"), "target=h forever"},
        {ARGS("h", "-t"), "target=h forever"},
        {ARGS("/t", "h"), "target=h forever"},
        {ARGS("h", "/t"), "target=h forever"},
        {ARGS("--forever", "h"), "target=h forever"},
        {ARGS("h", "--forever"), "target=h forever"},
        {ARGS("-a", "h"), "target=h resolve"},
        {ARGS("h", "/a"), "target=h resolve"},
        {ARGS("h", "--resolve"), "target=h resolve"},
        {ARGS("-f", "h"), "target=h df implied=4"},
        {ARGS("h", "/f"), "target=h df implied=4"},
        {ARGS("--dont-fragment", "h"), "target=h df implied=4"},
        {ARGS("-R", "h"), "target=h reverse implied=6"},
        {ARGS("h", "/R"), "target=h reverse implied=6"},
        {ARGS("h", "--reverse-route"), "target=h reverse implied=6"},
        {ARGS("-4", "h"), "target=h family=4 implied=4"},
        {ARGS("h", "/4"), "target=h family=4 implied=4"},
        {ARGS("--ipv4", "h"), "target=h family=4 implied=4"},
        {ARGS("-6", "h"), "target=h family=6 implied=6"},
        {ARGS("h", "/6"), "target=h family=6 implied=6"},
        {ARGS("h", "--ipv6"), "target=h family=6 implied=6"},
        {ARGS("-ta", "h"), "target=h forever resolve"},
        {ARGS("-t", "-a", "-f", "-4", "h"), "target=h forever resolve df family=4 implied=4"},
    };
    ACCEPTS(cases);
}

static void every_value_option_works_as_dash_slash_and_long_before_and_after_the_target(void)
{
    static const struct accepted_case cases[] = {
        {ARGS("-n", "3", "h"), "target=h count=3"},
        {ARGS("h", "-n", "3"), "target=h count=3"},
        {ARGS("/n", "3", "h"), "target=h count=3"},
        {ARGS("h", "/n", "3"), "target=h count=3"},
        {ARGS("--count", "3", "h"), "target=h count=3"},
        {ARGS("h", "--count=3"), "target=h count=3"},
        {ARGS("-n3", "h"), "target=h count=3"},
        {ARGS("h", "/n3"), "target=h count=3"},
        {ARGS("-tn", "3", "h"), "target=h count=3"},
        {ARGS("-l", "1400", "h"), "target=h size=1400"},
        {ARGS("h", "/l", "1400"), "target=h size=1400"},
        {ARGS("--size", "1400", "h"), "target=h size=1400"},
        {ARGS("-i", "64", "h"), "target=h ttl=64"},
        {ARGS("h", "/i", "64"), "target=h ttl=64"},
        {ARGS("h", "--ttl=64"), "target=h ttl=64"},
        {ARGS("-v", "184", "h"), "target=h tos=184 implied=4"},
        {ARGS("h", "/v", "184"), "target=h tos=184 implied=4"},
        {ARGS("--tos", "184", "h"), "target=h tos=184 implied=4"},
        {ARGS("-r", "9", "h"), "target=h rr=9 implied=4"},
        {ARGS("h", "/r", "9"), "target=h rr=9 implied=4"},
        {ARGS("--record-route", "9", "h"), "target=h rr=9 implied=4"},
        {ARGS("-s", "4", "h"), "target=h ts=4 implied=4"},
        {ARGS("h", "/s", "4"), "target=h ts=4 implied=4"},
        {ARGS("h", "--ip-timestamp=4"), "target=h ts=4 implied=4"},
        {ARGS("-w", "500", "h"), "target=h timeout=500"},
        {ARGS("h", "/w", "500"), "target=h timeout=500"},
        {ARGS("--timeout", "500", "h"), "target=h timeout=500"},
        {ARGS("-S", "127.0.0.1", "h"), "target=h source=127.0.0.1 implied=4"},
        {ARGS("h", "/S", "::1"), "target=h source=::1 implied=6"},
        {ARGS("--source=127.0.0.2", "h"), "target=h source=127.0.0.2 implied=4"},
        {ARGS("-c", "eth0", "h"), "target=h compartment=eth0"},
        {ARGS("h", "/c", "vrf-blue"), "target=h compartment=vrf-blue"},
        {ARGS("--compartment", "lo", "h"), "target=h compartment=lo"},
        {ARGS("h", "--interface=lo"), "target=h compartment=lo"},
        /* A number is a routing compartment: the default one (1, or 0 for "current") binds
         * nothing. */
        {ARGS("-c", "1", "h"), "target=h"},
        {ARGS("h", "/c", "0"), "target=h"},
        {ARGS("-c", "eth0", "-c", "1", "h"), "target=h"},
        {ARGS("-n", "2", "-l", "0", "-w", "1000", "-i", "1", "h"),
         "target=h count=2 size=0 ttl=1 timeout=1000"},
        /* ping.exe takes the value from the next argument, whatever it looks like */
        {ARGS("-c", "-n", "h"), "target=h compartment=-n"},
        {ARGS("h", "-c", "/n"), "target=h compartment=/n"},
        /* abbreviated long names, as GNU getopt_long allows */
        {ARGS("--cou", "5", "h"), "target=h count=5"},
        {ARGS("h", "--dont"), "target=h df implied=4"},
    };
    ACCEPTS(cases);
}

static void later_of_t_and_n_wins(void)
{
    static const struct accepted_case cases[] = {
        {ARGS("-t", "-n", "3", "h"), "target=h count=3"},
        {ARGS("-n", "3", "-t", "h"), "target=h forever count=3"},
        {ARGS("h", "/t", "/n", "2"), "target=h count=2"},
        {ARGS("-n", "2", "-n", "7", "h"), "target=h count=7"},
        {ARGS("-4", "-4", "h"), "target=h family=4 implied=4"},
    };
    ACCEPTS(cases);
}

static void numbers_are_accepted_at_both_ends_of_each_range(void)
{
    static const struct accepted_case cases[] = {
        {ARGS("-n", "1", "h"), "target=h count=1"},
        {ARGS("-n", "4294967295", "h"), "target=h count=4294967295"},
        {ARGS("-l", "0", "h"), "target=h size=0"},
        {ARGS("-l", "65500", "h"), "target=h size=65500"},
        {ARGS("-i", "1", "h"), "target=h ttl=1"},
        {ARGS("-i", "255", "h"), "target=h ttl=255"},
        {ARGS("-v", "0", "h"), "target=h tos=0 implied=4"},
        {ARGS("-v", "255", "h"), "target=h tos=255 implied=4"},
        {ARGS("-r", "1", "h"), "target=h rr=1 implied=4"},
        {ARGS("-r", "9", "h"), "target=h rr=9 implied=4"},
        {ARGS("-s", "1", "h"), "target=h ts=1 implied=4"},
        {ARGS("-s", "4", "h"), "target=h ts=4 implied=4"},
        {ARGS("-w", "1", "h"), "target=h timeout=1"},
        {ARGS("-w", "4294967295", "h"), "target=h timeout=4294967295"},
        {ARGS("-n", "007", "h"), "target=h count=7"},
    };
    ACCEPTS(cases);
}

static void numbers_outside_each_range_are_bad_values(void)
{
    static const struct rejected_case cases[] = {
        {ARGS("-n", "0", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", "4294967296", "h"),
         "Bad value for option -n, valid range is from 1 to 4294967295.", false},
        {ARGS("-l", "65501", "h"), "Bad value for option -l, valid range is from 0 to 65500.",
         false},
        {ARGS("-i", "0", "h"), "Bad value for option -i, valid range is from 1 to 255.", false},
        {ARGS("-i", "256", "h"), "Bad value for option -i, valid range is from 1 to 255.", false},
        {ARGS("-v", "256", "h"), "Bad value for option -v, valid range is from 0 to 255.", false},
        {ARGS("-r", "0", "h"), "Bad value for option -r, valid range is from 1 to 9.", false},
        {ARGS("-r", "10", "h"), "Bad value for option -r, valid range is from 1 to 9.", false},
        {ARGS("-s", "0", "h"), "Bad value for option -s, valid range is from 1 to 4.", false},
        {ARGS("-s", "5", "h"), "Bad value for option -s, valid range is from 1 to 4.", false},
        {ARGS("-w", "0", "h"), "Bad value for option -w, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-w", "4294967296", "h"),
         "Bad value for option -w, valid range is from 1 to 4294967295.", false},
    };
    REJECTS(cases);
}

static void numbers_are_strict_decimal(void)
{
    static const struct rejected_case cases[] = {
        {ARGS("-n", "3x", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", "abc", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", "", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", " 3", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", "3 ", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", "+3", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", "-3", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", "0x10", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", "3.0", "h"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-n", "18446744073709551617", "h"),
         "Bad value for option -n, valid range is from 1 to 4294967295.", false},
        {ARGS("-n", "99999999999999999999999999", "h"),
         "Bad value for option -n, valid range is from 1 to 4294967295.", false},
        {ARGS("-l", "-1", "h"), "Bad value for option -l, valid range is from 0 to 65500.", false},
        {ARGS("-l", "32k", "h"), "Bad value for option -l, valid range is from 0 to 65500.", false},
        {ARGS("-i", "64.", "h"), "Bad value for option -i, valid range is from 1 to 255.", false},
        {ARGS("-w", "1e3", "h"), "Bad value for option -w, valid range is from 1 to 4294967295.",
         false},
        {ARGS("--count=", "h"),
         "Bad value for option --count, valid range is from 1 to 4294967295.", false},
    };
    REJECTS(cases);
}

static void bad_values_name_the_option_as_typed(void)
{
    static const struct rejected_case cases[] = {
        {ARGS("h", "/n", "0"), "Bad value for option /n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("--count", "0", "h"),
         "Bad value for option --count, valid range is from 1 to 4294967295.", false},
        {ARGS("--cou=0", "h"), "Bad value for option --cou, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-tl", "70000", "h"), "Bad value for option -l, valid range is from 0 to 65500.",
         false},
        {ARGS("/l70000", "h"), "Bad value for option /l, valid range is from 0 to 65500.", false},
        {ARGS("--ttl=0", "h"), "Bad value for option --ttl, valid range is from 1 to 255.", false},
        {ARGS("h", "/v", "300"), "Bad value for option /v, valid range is from 0 to 255.", false},
        {ARGS("h", "--record-route", "10"),
         "Bad value for option --record-route, valid range is from 1 to 9.", false},
        {ARGS("h", "--ip-timestamp", "5"),
         "Bad value for option --ip-timestamp, valid range is from 1 to 4.", false},
        {ARGS("h", "/w", "x"), "Bad value for option /w, valid range is from 1 to 4294967295.",
         false},
        {ARGS("-c", "2", "h"),
         "The routing compartment 2 does not exist: Linux has only the default compartment 1. "
         "Give -c an interface or VRF name instead.",
         false},
        {ARGS("h", "--compartment=4294967295"),
         "The routing compartment 4294967295 does not exist: Linux has only the default "
         "compartment 1. Give --compartment an interface or VRF name instead.",
         false},
    };
    REJECTS(cases);
}

static void a_missing_value_is_reported_as_typed(void)
{
    static const struct rejected_case cases[] = {
        {ARGS("h", "-n"), "Value must be supplied for option -n.", false},
        {ARGS("h", "/n"), "Value must be supplied for option /n.", false},
        {ARGS("h", "--count"), "Value must be supplied for option --count.", false},
        {ARGS("h", "-tn"), "Value must be supplied for option -n.", false},
        {ARGS("h", "-l"), "Value must be supplied for option -l.", false},
        {ARGS("h", "/i"), "Value must be supplied for option /i.", false},
        {ARGS("h", "-v"), "Value must be supplied for option -v.", false},
        {ARGS("h", "-r"), "Value must be supplied for option -r.", false},
        {ARGS("h", "-s"), "Value must be supplied for option -s.", false},
        {ARGS("h", "-w"), "Value must be supplied for option -w.", false},
        {ARGS("h", "/S"), "Value must be supplied for option /S.", false},
        {ARGS("h", "-c"), "Value must be supplied for option -c.", false},
        {ARGS("h", "--interface"), "Value must be supplied for option --interface.", false},
        {ARGS("-j"), "Value must be supplied for option -j.", false},
        {ARGS("/k"), "Value must be supplied for option /k.", false},
    };
    REJECTS(cases);
}

static void unknown_options_are_bad_and_followed_by_the_usage(void)
{
    static const struct rejected_case cases[] = {
        {ARGS("-d", "h"), "Bad option -d.", true},
        {ARGS("h", "/d"), "Bad option /d.", true},
        {ARGS("h", "-N", "3"), "Bad option -N.", true},
        {ARGS("h", "-T"), "Bad option -T.", true},
        {ARGS("h", "-W", "5"), "Bad option -W.", true},
        {ARGS("h", "-tx"), "Bad option -x.", true},
        {ARGS("h", "/tx"), "Bad option /x.", true},
        {ARGS("h", "-:"), "Bad option -:.", true},
        {ARGS("h", "--bogus"), "Bad option --bogus.", true},
        {ARGS("h", "--bogus=1"), "Bad option --bogus=1.", true},
        {ARGS("h", "--forever=1"), "Bad option --forever=1.", true},
        {ARGS("h", "--re"), "Bad option --re.", true}, /* ambiguous: resolve, record-route... */
        /* near the scripting options, but none of them */
        {ARGS("h", "--jsonl"), "Bad option --jsonl.", true},
        {ARGS("h", "--json=1"), "Bad option --json=1.", true},
        {ARGS("h", "--quiet=yes"), "Bad option --quiet=yes.", true},
        {ARGS("h", "-q"), "Bad option -q.", true},
        /* the first problem in command-line order wins */
        {ARGS("-d", "-n", "0", "h"), "Bad option -d.", true},
        {ARGS("-n", "0", "-d", "h"),
         "Bad value for option -n, valid range is from 1 to 4294967295.", false},
    };
    REJECTS(cases);
}

static void the_target_must_be_given_once(void)
{
    static const struct rejected_case cases[] = {
        {ARGS("-n", "3"), "IP address must be specified.", false},
        {ARGS("-t"), "IP address must be specified.", false},
        {ARGS("--"), "IP address must be specified.", false},
        {ARGS(""), "IP address must be specified.", false},
        {ARGS("a", "b"), "Bad parameter b.", false},
        {ARGS("a", "-n", "2", "b", "c"), "Bad parameter b.", false},
        {ARGS("a", "--", "b"), "Bad parameter b.", false},
        {ARGS("a", "--", "-n"), "Bad parameter -n.", false},
    };
    REJECTS(cases);
}

static void no_arguments_at_all_is_just_the_usage_as_an_error(void)
{
    char name[] = "wping";
    char *argv[] = {name, NULL};
    struct wping_options options;
    struct wping_parse_error error;
    CHECK_INT(wping_parse(1, argv, &options, &error), WPING_PARSE_ERROR, "no arguments");
    CHECK_STR(error.message, "", "no message, only the usage");
    CHECK(error.usage_after, "the usage follows");
}

static void help_and_version_are_requests_not_errors(void)
{
    static const struct {
        const char *args[MAX_ARGS];
        enum wping_parse_result result;
    } cases[] = {
        {ARGS("-?"), WPING_PARSE_HELP},
        {ARGS("/?"), WPING_PARSE_HELP},
        {ARGS("--help"), WPING_PARSE_HELP},
        {ARGS("--he"), WPING_PARSE_HELP},
        {ARGS("h", "-?"), WPING_PARSE_HELP},
        {ARGS("-n", "3", "h", "/?"), WPING_PARSE_HELP},
        {ARGS("-t?"), WPING_PARSE_HELP},
        {ARGS("--version"), WPING_PARSE_VERSION},
        {ARGS("h", "--version"), WPING_PARSE_VERSION},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct wping_options options;
        struct wping_parse_error error;
        char joined[256];
        command_line_join(cases[i].args, joined, sizeof joined);
        CHECK_INT(parse(cases[i].args, &options, &error), cases[i].result, "%s", joined);
    }

    static const struct rejected_case errors_first[] = {
        {ARGS("-n", "0", "-?"), "Bad value for option -n, valid range is from 1 to 4294967295.",
         false},
        {ARGS("--help=1"), "Bad option --help=1.", true},
        {ARGS("--version=1"), "Bad option --version=1.", true},
    };
    REJECTS(errors_first);
}

static void host_list_follows_j_or_k_and_the_last_argument_is_the_target(void)
{
    static const struct accepted_case cases[] = {
        {ARGS("-j", "a", "b", "c", "t"), "target=t loose=a,b,c implied=4"},
        {ARGS("/j", "a", "t"), "target=t loose=a implied=4"},
        {ARGS("--loose-route", "a", "t"), "target=t loose=a implied=4"},
        {ARGS("--loose-route=a", "b", "t"), "target=t loose=a,b implied=4"},
        {ARGS("-k", "a", "b", "t"), "target=t strict=a,b implied=4"},
        {ARGS("/k", "a", "t", "-n", "2"), "target=t count=2 strict=a implied=4"},
        {ARGS("--strict-route", "a", "t"), "target=t strict=a implied=4"},
        {ARGS("-ja", "t"), "target=t loose=a implied=4"},
        {ARGS("-j", "a", "-n", "2", "b", "t"), "target=t count=2 loose=a,b implied=4"},
        {ARGS("-j", "1", "2", "3", "4", "5", "6", "7", "8", "t"),
         "target=t loose=1,2,3,4,5,6,7,8 implied=4"},
        {ARGS("-j", "198.18.0.1", "198.18.1.1"), "target=198.18.1.1 loose=198.18.0.1 implied=4"},
    };
    ACCEPTS(cases);

    static const struct rejected_case bad[] = {
        {ARGS("-j", "1", "2", "3", "4", "5", "6", "7", "8", "9", "t"),
         "The option -j accepts at most 8 hosts before the target.", false},
        {ARGS("/k", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "t"),
         "The option /k accepts at most 8 hosts before the target.", false},
        {ARGS("-j", "t"), "The option -j needs a host-list before the target.", false},
        {ARGS("h", "-j", "a", "t"), "Bad parameter h.", false},
        {ARGS("-j", "a", "t", "-k", "b"), "The options -j and -k cannot be used together.", false},
        {ARGS("--strict-route", "a", "/j", "b", "t"),
         "The options --strict-route and /j cannot be used together.", false},
        {ARGS("-j", "a", "-j", "b", "t"), "The option -j may be given only once.", false},
        {ARGS("-j", "a", "t", "-6"), "The option -j is only supported for IPv4.", false},
        {ARGS("-k", "a", "::1"), "The option -k is only supported for IPv4.", false},
    };
    REJECTS(bad);
}

static void family_is_fixed_by_options_source_and_literal_target(void)
{
    static const struct accepted_case cases[] = {
        {ARGS("127.0.0.1"), "target=127.0.0.1 implied=4"},
        {ARGS("::1"), "target=::1 implied=6"},
        {ARGS("localhost"), "target=localhost"},
        {ARGS("-4", "localhost"), "target=localhost family=4 implied=4"},
        {ARGS("-S", "::1", "localhost"), "target=localhost source=::1 implied=6"},
        {ARGS("-6", "-S", "::1", "::1"), "target=::1 source=::1 family=6 implied=6"},
        {ARGS("-S", "127.0.0.1", "127.0.0.1"), "target=127.0.0.1 source=127.0.0.1 implied=4"},
        {ARGS("-f", "-v", "8", "127.0.0.1"), "target=127.0.0.1 df tos=8 implied=4"},
        {ARGS("-R", "-6", "::1"), "target=::1 reverse family=6 implied=6"},
        {ARGS("-S", "fe80::1%lo", "h"), "target=h source=fe80::1%lo implied=6"},
    };
    ACCEPTS(cases);
}

static void family_conflicts_are_usage_errors(void)
{
    static const struct rejected_case cases[] = {
        {ARGS("-4", "-6", "h"), "The options -4 and -6 cannot be used together.", false},
        {ARGS("h", "/6", "--ipv4"), "The options /6 and --ipv4 cannot be used together.", false},
        {ARGS("-6", "-f", "h"), "The option -f is only supported for IPv4.", false},
        {ARGS("-6", "h", "/v", "8"), "The option /v is only supported for IPv4.", false},
        {ARGS("--ipv6", "-r", "3", "h"), "The option -r is only supported for IPv4.", false},
        {ARGS("-6", "--ip-timestamp=2", "h"),
         "The option --ip-timestamp is only supported for IPv4.", false},
        {ARGS("-f", "::1"), "The option -f is only supported for IPv4.", false},
        {ARGS("-S", "::1", "-f", "h"), "The option -f is only supported for IPv4.", false},
        {ARGS("-4", "-R", "h"), "The option -R is only supported for IPv6.", false},
        {ARGS("/R", "127.0.0.1"), "The option /R is only supported for IPv6.", false},
        {ARGS("-S", "127.0.0.1", "--reverse-route", "h"),
         "The option --reverse-route is only supported for IPv6.", false},
        {ARGS("-f", "-R", "h"), "The options -f and -R cannot be used together.", false},
        {ARGS("-4", "::1"), "The target ::1 is not an IPv4 address.", false},
        {ARGS("-6", "127.0.0.1"), "The target 127.0.0.1 is not an IPv6 address.", false},
        {ARGS("-4", "-S", "::1", "h"), "The source address ::1 is not an IPv4 address.", false},
        {ARGS("-6", "-S", "127.0.0.1", "h"), "The source address 127.0.0.1 is not an IPv6 address.",
         false},
        {ARGS("-S", "127.0.0.1", "::1"),
         "The source address 127.0.0.1 and the target ::1 are not of the same address family.",
         false},
        {ARGS("::1", "-S", "198.18.0.1"),
         "The source address 198.18.0.1 and the target ::1 are not of the same address family.",
         false},
    };
    REJECTS(cases);
}

static void source_interface_and_provider_values_are_checked(void)
{
    static const struct rejected_case cases[] = {
        {ARGS("-S", "localhost", "h"),
         "Bad value for option -S, an IPv4 or IPv6 address is required.", false},
        {ARGS("h", "--source="),
         "Bad value for option --source, an IPv4 or IPv6 address is required.", false},
        {ARGS("-c", "", "h"),
         "Bad value for option -c, an interface or VRF name of 1 to 15 characters is required.",
         false},
        {ARGS("h", "/c", "a-name-of-16-chr"),
         "Bad value for option /c, an interface or VRF name of 1 to 15 characters is required.",
         false},
        {ARGS("-p", "h"),
         "The option -p is not supported: Hyper-V provider addresses have no meaning on Linux.",
         false},
        {ARGS("h", "/p"),
         "The option /p is not supported: Hyper-V provider addresses have no meaning on Linux.",
         false},
        {ARGS("h", "--provider"),
         "The option --provider is not supported: Hyper-V provider addresses have no meaning on "
         "Linux.",
         false},
    };
    REJECTS(cases);

    static const struct accepted_case fits[] = {
        {ARGS("-c", "a-name-of-15-ch", "h"), "target=h compartment=a-name-of-15-ch"},
    };
    ACCEPTS(fits);
}

static void slash_only_means_an_option_where_an_option_may_stand(void)
{
    static const struct accepted_case cases[] = {
        {ARGS("-c", "/t", "h"), "target=h compartment=/t"},
        {ARGS("h", "--interface", "/t"), "target=h compartment=/t"},
        {ARGS("--", "/t"), "target=/t"},
        {ARGS("/"), "target=/"},
        {ARGS("/-n"), "target=/-n"},
    };
    ACCEPTS(cases);
}

static void posixly_correct_does_not_stop_options_after_the_target(void)
{
    static const struct accepted_case cases[] = {
        {ARGS("h", "-n", "3", "/w", "500"), "target=h count=3 timeout=500"},
    };
    setenv("POSIXLY_CORRECT", "1", 1);
    ACCEPTS(cases);
    unsetenv("POSIXLY_CORRECT");
}

static void parsed_strings_point_into_argv(void)
{
    static const char *const args[] =
        ARGS("-S", "127.0.0.1", "-c", "lo", "-j", "198.18.0.1", "127.0.0.1");
    struct command_line line;
    struct wping_options o;
    struct wping_parse_error error;
    command_line_init(&line, args);
    CHECK_INT(wping_parse(line.argc, line.argv, &o, &error), WPING_PARSE_OK, "%s", error.message);
    CHECK(points_into(&line, o.target), "target points into argv");
    CHECK(points_into(&line, o.source), "source points into argv");
    CHECK(points_into(&line, o.compartment), "compartment points into argv");
    CHECK(o.route_count == 1 && points_into(&line, o.route[0]), "hops point into argv");
}

static void parsing_again_starts_afresh(void)
{
    struct wping_options o;
    struct wping_parse_error error;
    static const char *const stops_in_a_cluster[] = ARGS("-tx", "-a", "h");
    static const char *const plain[] = ARGS("-a", "h");
    CHECK_INT(parse(stops_in_a_cluster, &o, &error), WPING_PARSE_ERROR, "first parse fails");
    CHECK_INT(parse(plain, &o, &error), WPING_PARSE_OK, "second parse: %s", error.message);
    CHECK(o.resolve_names && !o.forever, "nothing left over from the first parse");
    CHECK_STR(error.message, "", "no message left over");
    CHECK(!error.usage_after, "no usage flag left over");
}

static void scripting_options_are_long_only_and_take_their_values(void)
{
    struct wping_options o;
    wping_options_init(&o);
    CHECK_INT(o.output, WPING_OUTPUT_TEXT, "text by default");
    CHECK(!o.stamp_lines && !o.quiet && !o.count_given, "no stamps, not quiet, no -n");
    CHECK_INT(o.interval_ms, 1000, "one request a second");
    CHECK_INT(o.deadline_ms, 0, "no deadline");
    CHECK_INT(o.policy.require, EXIT_POLICY_ANY, "any reply will do (docs/design.md, Exit status)");
    CHECK(!o.policy.has_max_loss, "no loss limit");

    static const struct accepted_case cases[] = {
        {ARGS("h", "--json"), "target=h json"},
        {ARGS("--json", "h"), "target=h json"},
        {ARGS("h", "--format=json"), "target=h json"},
        {ARGS("h", "--format", "json"), "target=h json"},
        {ARGS("h", "--format=json", "--format=text"), "target=h"},
        {ARGS("h", "--json", "--format=text"), "target=h"},
        {ARGS("h", "--form=json"), "target=h json"},
        {ARGS("h", "--js"), "target=h json"},
        {ARGS("h", "--timestamp"), "target=h stamps"},
        {ARGS("h", "--times"), "target=h stamps"}, /* --time could be --timeout too */
        {ARGS("h", "--quiet"), "target=h quiet"},
        {ARGS("h", "--q"), "target=h quiet"},
        {ARGS("h", "--interval=0"), "target=h interval=0"},
        {ARGS("h", "--interval", "250"), "target=h interval=250"},
        {ARGS("h", "--interval=4294967295"), "target=h interval=4294967295"},
        {ARGS("h", "--interval=1000"), "target=h"},
        {ARGS("h", "--deadline=1"), "target=h deadline=1000ms"},
        {ARGS("h", "--deadline=0.001"), "target=h deadline=1ms"},
        {ARGS("h", "--deadline=2.5"), "target=h deadline=2500ms"},
        {ARGS("h", "--deadline=4294967.295"), "target=h deadline=4294967295ms"},
        {ARGS("h", "--require=any"), "target=h"},
        {ARGS("h", "--require=all"), "target=h require=all"},
        {ARGS("h", "--require", "3"), "target=h require=3"},
        {ARGS("h", "--require=0"), "target=h require=0"},
        {ARGS("h", "--require=all", "--require=any"), "target=h"},
        {ARGS("h", "--max-loss=0"), "target=h max-loss=0/1000"},
        {ARGS("h", "--max-loss=25"), "target=h max-loss=25000/1000"},
        {ARGS("h", "--max-loss=0.5"), "target=h max-loss=500/1000"},
        {ARGS("h", "--max-loss=33.333"), "target=h max-loss=33333/1000"},
        {ARGS("h", "--max-loss=100"), "target=h max-loss=100000/1000"},
        {ARGS("-n", "2", "h", "--json", "--quiet", "--interval=200", "--deadline=3",
              "--require=all", "--max-loss=10"),
         "target=h count=2 json quiet interval=200 deadline=3000ms require=all "
         "max-loss=10000/1000"},
    };
    ACCEPTS(cases);
}

static void count_given_tells_a_deadline_run_apart(void)
{
    struct wping_options o;
    struct wping_parse_error error;

    CHECK_INT(parse((const char *const[])ARGS("h", "--deadline=2"), &o, &error), WPING_PARSE_OK,
              "deadline alone");
    CHECK(!o.count_given, "no -n: the deadline decides");
    CHECK_INT(parse((const char *const[])ARGS("h", "-n", "4", "--deadline=2"), &o, &error),
              WPING_PARSE_OK, "-n 4 and a deadline");
    CHECK(o.count_given, "-n 4 given, even if it is the default");
    CHECK_INT(parse((const char *const[])ARGS("h", "-n", "4", "-t"), &o, &error), WPING_PARSE_OK,
              "-n then -t");
    CHECK(o.forever, "the later -t wins");
}

static void scripting_option_values_are_checked(void)
{
    static const struct rejected_case cases[] = {
        {ARGS("h", "--format=xml"),
         "Bad value for option --format, valid values are text and json.", false},
        {ARGS("h", "--format=JSON"),
         "Bad value for option --format, valid values are text and json.", false},
        {ARGS("h", "--form", ""), "Bad value for option --form, valid values are text and json.",
         false},
        {ARGS("h", "--format"), "Value must be supplied for option --format.", false},
        {ARGS("h", "--interval=-1"),
         "Bad value for option --interval, valid range is from 0 to 4294967295.", false},
        {ARGS("h", "--interval=4294967296"),
         "Bad value for option --interval, valid range is from 0 to 4294967295.", false},
        {ARGS("h", "--interval=0.5"),
         "Bad value for option --interval, valid range is from 0 to 4294967295.", false},
        {ARGS("h", "--deadline=0"),
         "Bad value for option --deadline, valid range is from 0.001 to 4294967.295 seconds.",
         false},
        {ARGS("h", "--deadline=0.0001"),
         "Bad value for option --deadline, valid range is from 0.001 to 4294967.295 seconds.",
         false},
        {ARGS("h", "--deadline=4294967.296"),
         "Bad value for option --deadline, valid range is from 0.001 to 4294967.295 seconds.",
         false},
        {ARGS("h", "--deadline=1."),
         "Bad value for option --deadline, valid range is from 0.001 to 4294967.295 seconds.",
         false},
        {ARGS("h", "--deadline=.5"),
         "Bad value for option --deadline, valid range is from 0.001 to 4294967.295 seconds.",
         false},
        {ARGS("h", "--deadline=1s"),
         "Bad value for option --deadline, valid range is from 0.001 to 4294967.295 seconds.",
         false},
        {ARGS("h", "--require=some"),
         "Bad value for option --require, valid values are any, all or a number from 0 to "
         "4294967295.",
         false},
        {ARGS("h", "--require=-1"),
         "Bad value for option --require, valid values are any, all or a number from 0 to "
         "4294967295.",
         false},
        {ARGS("h", "--require=ALL"),
         "Bad value for option --require, valid values are any, all or a number from 0 to "
         "4294967295.",
         false},
        {ARGS("h", "--max-loss=100.001"),
         "Bad value for option --max-loss, valid range is from 0 to 100 percent.", false},
        {ARGS("h", "--max-loss=101"),
         "Bad value for option --max-loss, valid range is from 0 to 100 percent.", false},
        {ARGS("h", "--max-loss=5%"),
         "Bad value for option --max-loss, valid range is from 0 to 100 percent.", false},
        {ARGS("h", "--max-loss=0.0005"),
         "Bad value for option --max-loss, valid range is from 0 to 100 percent.", false},
        {ARGS("h", "--max-loss=+5"),
         "Bad value for option --max-loss, valid range is from 0 to 100 percent.", false},
        /* still in command-line order */
        {ARGS("h", "--interval=x", "-d"),
         "Bad value for option --interval, valid range is from 0 to 4294967295.", false},
    };
    REJECTS(cases);
}

struct json_case {
    const char *args[MAX_ARGS];
    bool json;
};

static void json_is_recognised_before_parsing(void)
{
    static const struct json_case cases[] = {
        {ARGS("h"), false},
        {ARGS("h", "--json"), true},
        {ARGS("--json", "-x", "h"), true},
        {ARGS("-x", "--json", "h"), true},
        {ARGS("h", "--js"), true},
        {ARGS("h", "--format=json"), true},
        {ARGS("h", "--format", "json"), true},
        {ARGS("h", "--form=json"), true},
        {ARGS("h", "--fo=json"), false}, /* --fo is ambiguous: --forever, --format */
        {ARGS("h", "--format=text"), false},
        {ARGS("h", "--json", "--format=text"), false},
        {ARGS("h", "--format=text", "--json"), true},
        {ARGS("h", "--format"), false},
        {ARGS("h", "--", "--json"), false},
        {ARGS("h", "--jsonl"), false},
        {ARGS("h", "/json"), false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct command_line line;
        char joined[512];
        command_line_init(&line, cases[i].args);
        command_line_join(cases[i].args, joined, sizeof joined);
        CHECK_INT(wping_json_requested(line.argc, line.argv), cases[i].json, "%s", joined);
    }
}

static void usage_has_ping_exe_layout_and_long_options(void)
{
    const char *usage = wping_usage();
    CHECK(strncmp(usage,
                  "\nUsage: wping [-t] [-a] [-n count] [-l size] [-f] [-i TTL] [-v TOS]\n"
                  "            [-r count] [-s count] [[-j host-list] | [-k host-list]]\n"
                  "            [-w timeout] [-R] [-S srcaddr] [-c compartment] [-p]\n"
                  "            [-4] [-6] target_name\n\nOptions:\n",
                  strlen("\nUsage: wping [-t] [-a] [-n count] [-l size] [-f] [-i TTL] [-v TOS]\n"
                         "            [-r count] [-s count] [[-j host-list] | [-k host-list]]\n"
                         "            [-w timeout] [-R] [-S srcaddr] [-c compartment] [-p]\n"
                         "            [-4] [-6] target_name\n\nOptions:\n")) == 0,
          "synopsis as ping.exe's, with wping's name");
    size_t length = strlen(usage);
    CHECK(length > 2 && strcmp(usage + length - 2, "\n\n") == 0, "ends with an empty line");

    /* ping.exe's unchanged option lines, byte for byte */
    static const char *const same[] = {
        "\n    -t             Ping the specified host until stopped.\n",
        "\n                   To stop - type Control-C.\n",
        "\n    -a             Resolve addresses to hostnames.\n",
        "\n    -n count       Number of echo requests to send.\n",
        "\n    -l size        Send buffer size.\n",
        "\n    -f             Set Don't Fragment flag in packet (IPv4-only).\n",
        "\n    -i TTL         Time To Live.\n",
        "\n    -r count       Record route for count hops (IPv4-only).\n",
        "\n    -s count       Timestamp for count hops (IPv4-only).\n",
        "\n    -j host-list   Loose source route along host-list (IPv4-only).\n",
        "\n    -k host-list   Strict source route along host-list (IPv4-only).\n",
        "\n    -w timeout     Timeout in milliseconds to wait for each reply.\n",
        "\n    -R             Use routing header to test reverse route also (IPv6-only).\n",
        "\n    -S srcaddr     Source address to use.\n",
        "\n    -4             Force using IPv4.\n",
        "\n    -6             Force using IPv6.\n\n",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        CHECK(strstr(usage, same[i]) != NULL, "usage has ping.exe's line%s", same[i]);

    /* the lines where wping differs say so */
    CHECK(strstr(usage, "wping does set\n") != NULL, "-v says the TOS is really set");
    CHECK(strstr(usage, "-c compartment Interface or VRF name") != NULL, "-c is an interface");
    CHECK(strstr(usage, "(not supported on Linux") != NULL, "-p is not supported");
    CHECK(strstr(usage, "but it has no effect.") != NULL, "-R has no effect");
    CHECK(strstr(usage, "Control-\\") != NULL, "Control-Break is Control-\\");

    /* every long name is listed */
    static const char *const names[] = {
        "-t, --forever",
        "-a, --resolve",
        "-n, --count=count",
        "-l, --size=size",
        "-f, --dont-fragment",
        "-i, --ttl=TTL",
        "-v, --tos=TOS",
        "-r, --record-route=count",
        "-s, --ip-timestamp=count",
        "-j, --loose-route=",
        "-k, --strict-route=",
        "-w, --timeout=timeout",
        "-R, --reverse-route",
        "-S, --source=srcaddr",
        "-c, --compartment=",
        "-c, --interface=",
        "-p, --provider",
        "-4, --ipv4",
        "-6, --ipv6",
        "-?, --help",
        "    --version\n",
        "    --format=text|json ",
        "    --json ",
        "    --timestamp ",
        "    --quiet ",
        "    --interval=ms ",
        "    --deadline=seconds ",
        "    --require=any|all|N ",
        "    --max-loss=percent ",
        "    --targets=LIST ",
        "    --pace=ms ",
        "    --targets-required=N ",
    };
    const char *long_part = strstr(usage, "\nLong options:\n");
    CHECK(long_part != NULL, "a long options section follows");
    for (size_t i = 0; long_part && i < sizeof names / sizeof names[0]; i++)
        CHECK(strstr(long_part, names[i]) != NULL, "long options list %s", names[i]);

    /* the layout: option lines at 4 spaces, descriptions and continuations at column 19 */
    const char *options = strstr(usage, "Options:\n");
    const char *end = long_part;
    for (const char *line = options ? strchr(options, '\n') + 1 : NULL; line && line < end;) {
        const char *next = strchr(line, '\n');
        if (next == line)
            break;
        CHECK(strncmp(line, "    ", 4) == 0 && line[4] != ' '
                  ? line[4] == '-' && line[18] == ' ' && line[19] != ' '
                  : strncmp(line, "                   ", 19) == 0 && line[19] != ' ',
              "column layout of \"%.*s\"", (int)(next - line), line);
        CHECK(next - line <= 80, "line fits in 80 columns: \"%.*s\"", (int)(next - line), line);
        line = next + 1;
    }
}

static void targets_options_take_a_list_a_pace_and_a_required_count(void)
{
    static const struct accepted_case cases[] = {
        {ARGS("--targets=a,b"), "target=(none) targets=a,b"},
        {ARGS("--targets", "@list.txt"), "target=(none) targets=@list.txt"},
        {ARGS("--targets=@-"), "target=(none) targets=@-"},
        {ARGS("h", "--targets=a"), "target=h targets=a"},
        {ARGS("--targets=a", "h"), "target=h targets=a"},
        {ARGS("--targets=a", "--targets-req=2"), "target=(none) targets=a targets-required=2"},
        {ARGS("--targets=a", "--targets=b"), "target=(none) targets=b"},
        {ARGS("--targets=a", "--pace=0"), "target=(none) targets=a pace=0us"},
        {ARGS("--targets=a", "--pace=1"), "target=(none) targets=a"},
        {ARGS("--targets=a", "--pace", "0.25"), "target=(none) targets=a pace=250us"},
        {ARGS("--targets=a", "--pace=4294967295"), "target=(none) targets=a pace=4294967295000us"},
        {ARGS("--targets=a", "--targets-required=0"), "target=(none) targets=a targets-required=0"},
        {ARGS("--targets=a", "--targets-required", "4294967295"),
         "target=(none) targets=a targets-required=4294967295"},
        {ARGS("--targets=a", "-n", "3", "-w", "500", "-l", "64", "-i", "9", "-v", "8", "-f", "-t",
              "-S", "198.18.0.2", "--deadline=2", "--quiet", "--timestamp", "--interval=10"),
         "target=(none) forever count=3 size=64 df ttl=9 tos=8 timeout=500 source=198.18.0.2 "
         "implied=4 "
         "stamps quiet interval=10 deadline=2000ms targets=a"},
        {ARGS("--targets=a", "-6"), "target=(none) family=6 implied=6 targets=a"},
        /* a literal positional target fixes no family for the others */
        {ARGS("2001:db8::1", "--targets=198.18.0.1"), "target=2001:db8::1 targets=198.18.0.1"},
    };
    ACCEPTS(cases);

    static const struct rejected_case bad[] = {
        {ARGS("--targets="),
         "Bad value for option --targets, a list of hosts, @FILE or @- is "
         "required.",
         false},
        {ARGS("--targets"), "Value must be supplied for option --targets.", false},
        {ARGS("h", "--pace=1"), "The option --pace needs --targets.", false},
        {ARGS("h", "--targets-required=1"), "The option --targets-required needs --targets.",
         false},
        {ARGS("--targets=a", "--pace=-1"),
         "Bad value for option --pace, valid range is from 0 to 4294967295 milliseconds (up to 3 "
         "decimals).",
         false},
        {ARGS("--targets=a", "--pace=0.0001"),
         "Bad value for option --pace, valid range is from 0 to 4294967295 milliseconds (up to 3 "
         "decimals).",
         false},
        {ARGS("--targets=a", "--pace=4294967296"),
         "Bad value for option --pace, valid range is from 0 to 4294967295 milliseconds (up to 3 "
         "decimals).",
         false},
        {ARGS("--targets=a", "--targets-required=x"),
         "Bad value for option --targets-required, valid range is from 0 to 4294967295.", false},
        {ARGS("--targets=a", "-a"), "The option -a cannot be used with --targets.", false},
        {ARGS("--targets=a", "/r", "2"), "The option /r cannot be used with --targets.", false},
        {ARGS("--targets=a", "-s", "2"), "The option -s cannot be used with --targets.", false},
        {ARGS("--targets=a", "-j", "x", "y"), "The option -j cannot be used with --targets.",
         false},
        {ARGS("--targets=a", "--strict-route", "x", "y"),
         "The option --strict-route cannot be used with --targets.", false},
        {ARGS("--targets=a", "h", "g"), "Bad parameter g.", false},
        {ARGS("--targ=a"), "Bad option --targ=a.", true}, /* --targets or --targets-required */
        {ARGS("--targets=a", "--mtu"), "The option --mtu cannot be used with --targets.", false},
        {ARGS("--traceroute", "--targets=a"),
         "The option --traceroute cannot be used with --targets.", false},
    };
    REJECTS(bad);
}

int main(void)
{
    RUN(target_alone_gets_ping_exe_defaults);
    RUN(every_flag_works_as_dash_slash_and_long_before_and_after_the_target);
    RUN(every_value_option_works_as_dash_slash_and_long_before_and_after_the_target);
    RUN(later_of_t_and_n_wins);
    RUN(numbers_are_accepted_at_both_ends_of_each_range);
    RUN(numbers_outside_each_range_are_bad_values);
    RUN(numbers_are_strict_decimal);
    RUN(bad_values_name_the_option_as_typed);
    RUN(a_missing_value_is_reported_as_typed);
    RUN(unknown_options_are_bad_and_followed_by_the_usage);
    RUN(the_target_must_be_given_once);
    RUN(no_arguments_at_all_is_just_the_usage_as_an_error);
    RUN(help_and_version_are_requests_not_errors);
    RUN(host_list_follows_j_or_k_and_the_last_argument_is_the_target);
    RUN(family_is_fixed_by_options_source_and_literal_target);
    RUN(family_conflicts_are_usage_errors);
    RUN(source_interface_and_provider_values_are_checked);
    RUN(slash_only_means_an_option_where_an_option_may_stand);
    RUN(posixly_correct_does_not_stop_options_after_the_target);
    RUN(parsed_strings_point_into_argv);
    RUN(parsing_again_starts_afresh);
    RUN(targets_options_take_a_list_a_pace_and_a_required_count);
    RUN(usage_has_ping_exe_layout_and_long_options);
    RUN(scripting_options_are_long_only_and_take_their_values);
    RUN(count_given_tells_a_deadline_run_apart);
    RUN(scripting_option_values_are_checked);
    RUN(json_is_recognised_before_parsing);
    return harness_result();
}
