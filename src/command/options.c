/*
 * The wping command line on getopt_long.
 *
 * getopt runs in GNU "return in order" mode (a leading '-' in the option string): every
 * non-option comes back to us in place, so options may sit before or after the target, the
 * -j/-k host-list keeps its position, `/x` arguments can be recognised where an option may stand,
 * and a POSIXLY_CORRECT environment cannot switch the permutation off.
 */
#include "options.h"

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <getopt.h>

/* Codes for options that have no short letter. */
enum {
    OPT_HELP = 256, /* not '?': getopt returns that for errors too */
    OPT_VERSION,
    OPT_FORMAT,
    OPT_JSON,
    OPT_TIMESTAMP,
    OPT_QUIET,
    OPT_INTERVAL,
    OPT_DEADLINE,
    OPT_REQUIRE,
    OPT_MAX_LOSS,
    OPT_MTU,
    OPT_TRACEROUTE,
    OPT_MAX_HOPS,
    OPT_TARGETS,
    OPT_PACE,
    OPT_TARGETS_REQUIRED,
};

/*
 * Adding an option: a letter (or an OPT_ code) here, a long name below, a case in
 * S_parse_option(), a range in S_number_rules if it takes a number.
 */
static const char S_short_options[] = "-:tan:l:fi:v:r:s:j:k:w:RS:c:p46";

static const struct option S_long_options[] = {
    {"forever", no_argument, NULL, 't'},
    {"resolve", no_argument, NULL, 'a'},
    {"count", required_argument, NULL, 'n'},
    {"size", required_argument, NULL, 'l'},
    {"dont-fragment", no_argument, NULL, 'f'},
    {"ttl", required_argument, NULL, 'i'},
    {"tos", required_argument, NULL, 'v'},
    {"record-route", required_argument, NULL, 'r'},
    {"ip-timestamp", required_argument, NULL, 's'},
    {"loose-route", required_argument, NULL, 'j'},
    {"strict-route", required_argument, NULL, 'k'},
    {"timeout", required_argument, NULL, 'w'},
    {"reverse-route", no_argument, NULL, 'R'},
    {"source", required_argument, NULL, 'S'},
    {"compartment", required_argument, NULL, 'c'},
    {"interface", required_argument, NULL, 'c'},
    {"provider", no_argument, NULL, 'p'},
    {"ipv4", no_argument, NULL, '4'},
    {"ipv6", no_argument, NULL, '6'},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"json", no_argument, NULL, OPT_JSON},
    {"timestamp", no_argument, NULL, OPT_TIMESTAMP},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {"require", required_argument, NULL, OPT_REQUIRE},
    {"max-loss", required_argument, NULL, OPT_MAX_LOSS},
    {"mtu", no_argument, NULL, OPT_MTU},
    {"traceroute", no_argument, NULL, OPT_TRACEROUTE},
    {"max-hops", required_argument, NULL, OPT_MAX_HOPS},
    {"targets", required_argument, NULL, OPT_TARGETS},
    {"pace", required_argument, NULL, OPT_PACE},
    {"targets-required", required_argument, NULL, OPT_TARGETS_REQUIRED},
    {NULL, 0, NULL, 0},
};

struct number_rule {
    int key;
    uint32_t min, max;
};

/* -w has no documented range in ping.exe: any positive number of milliseconds is accepted. */
static const struct number_rule S_number_rules[] = {
    {'n', 1, UINT32_MAX},
    {'l', 0, 65500},
    {'i', 1, 255},
    {'v', 0, 255},
    {'r', 1, 9},
    {'s', 1, 4},
    {'w', 1, UINT32_MAX},
    {OPT_INTERVAL, 0, UINT32_MAX},
    {OPT_MAX_HOPS, 1, WPING_MAX_HOPS},
    {OPT_TARGETS_REQUIRED, 0, UINT32_MAX},
};

/* An option as the user typed it: "-f", "/f" or "--dont-fragment" (or an abbreviation). */
struct spelling {
    char text[32];
};

/* The state of one wping_parse() call. */
struct parser {
    int argc;
    char **argv;
    struct wping_options *options;
    struct wping_parse_error *error;

    int slash_index; /* the `/x` argument currently rewritten to `-x`, or -1 */

    /* Non-option arguments, in order; once -j/-k is seen they form the route list. */
    const char *first_plain;  /* first non-option before any -j/-k */
    const char *second_plain; /* the next one: a second target, or extra with -j/-k */
    bool route_seen;
    const char *route_list[WPING_MAX_ROUTE_HOPS + 1];
    unsigned route_list_count; /* may exceed the array: only counted then */

    /* Spellings kept for the messages that can only be decided after the loop. */
    struct spelling ipv4_only;        /* first of -f -v -r -s -j -k; empty if none */
    struct spelling ipv6_only;        /* -R */
    struct spelling route;            /* -j or -k */
    struct spelling family_option;    /* -4 or -6 */
    struct spelling sized;            /* the first of -f and -l, which --mtu sets itself */
    struct spelling mode;             /* --mtu or --traceroute */
    struct spelling max_hops;         /* --max-hops */
    struct spelling not_with_targets; /* first of -a -r -s -j -k, which --targets excludes */
    struct spelling targets_only;     /* first of --pace, --targets-required */
};

static void S_fail(struct parser *p, bool usage_after, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void S_fail(struct parser *p, bool usage_after, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vsnprintf(p->error->message, sizeof p->error->message, format, ap);
    va_end(ap);
    p->error->usage_after = usage_after;
}

static bool S_is_long(const struct parser *p, int at)
{
    return p->argv[at][0] == '-' && p->argv[at][1] == '-';
}

/*
 * How the option in argv[at] was typed. Long options are spelled up to any '=' (so an
 * abbreviation shows as typed); short ones are the prefix and the letter, as ping.exe echoes
 * them, also from inside a cluster such as -tn.
 */
static void S_spell(const struct parser *p, int at, int letter, struct spelling *out)
{
    const char *arg = p->argv[at];
    if (S_is_long(p, at)) {
        size_t length = strcspn(arg, "=");
        snprintf(out->text, sizeof out->text, "%.*s", (int)length, arg);
    } else {
        snprintf(out->text, sizeof out->text, "%c%c", at == p->slash_index ? '/' : '-', letter);
    }
}

/* Strict decimal: digits only, no sign, no blanks, nothing after; overflow is out of range. */
static bool S_parse_number(const char *text, uint32_t min, uint32_t max, uint32_t *value)
{
    uint64_t result = 0;
    if (*text == '\0')
        return false;
    for (; *text != '\0'; text++) {
        if (*text < '0' || *text > '9')
            return false;
        result = result * 10 + (uint64_t)(*text - '0');
        if (result > max)
            return false;
    }
    if (result < min)
        return false;
    *value = (uint32_t)result;
    return true;
}

/* Plain decimal with up to three decimals ("2", "0.5", "99.999"), in thousandths: as strict as
 * S_parse_number, and a point must have a digit on each side. */
static bool S_parse_milli(const char *text, uint64_t max_milli, uint64_t *milli)
{
    uint64_t whole = 0, fraction = 0;
    unsigned decimals = 0;
    const char *s = text;

    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        whole = whole * 10 + (uint64_t)(*s - '0');
        if (whole > max_milli / 1000)
            return false;
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++) {
            if (++decimals > 3)
                return false;
            fraction = fraction * 10 + (uint64_t)(*s - '0');
        }
        if (decimals == 0)
            return false;
    }
    if (*s != '\0')
        return false;
    for (; decimals < 3; decimals++)
        fraction *= 10;
    if (whole * 1000 + fraction > max_milli)
        return false;
    *milli = whole * 1000 + fraction;
    return true;
}

static bool S_take_number(struct parser *p, int key, const struct spelling *name, const char *text,
                          uint32_t *value)
{
    for (size_t i = 0; i < sizeof S_number_rules / sizeof S_number_rules[0]; i++) {
        const struct number_rule *rule = &S_number_rules[i];
        if (rule->key != key)
            continue;
        if (S_parse_number(text, rule->min, rule->max, value))
            return true;
        S_fail(p, false, "Bad value for option %s, valid range is from %lu to %lu.", name->text,
               (unsigned long)rule->min, (unsigned long)rule->max);
        return false;
    }
    return false;
}

/* The family of a numeric address, without any name lookup; 0 when text is not one. */
static int S_literal_family(const char *text)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_family = AF_UNSPEC};
    struct addrinfo *result = NULL;
    if (text == NULL || getaddrinfo(text, NULL, &hints, &result) != 0 || result == NULL)
        return 0;
    int family = result->ai_family;
    freeaddrinfo(result);
    return family == AF_INET ? 4 : family == AF_INET6 ? 6 : 0;
}

static void S_remember_ipv4_only(struct parser *p, const struct spelling *name)
{
    if (p->ipv4_only.text[0] == '\0')
        p->ipv4_only = *name;
}

static void S_take_plain(struct parser *p, const char *arg)
{
    if (p->route_seen) {
        if (p->route_list_count < sizeof p->route_list / sizeof p->route_list[0])
            p->route_list[p->route_list_count] = arg;
        p->route_list_count++;
    } else if (p->first_plain == NULL) {
        p->first_plain = arg;
    } else if (p->second_plain == NULL) {
        p->second_plain = arg;
    }
}

static void S_remember_first(struct spelling *slot, const struct spelling *name)
{
    if (slot->text[0] == '\0')
        *slot = *name;
}

/* The long-only options of many-target runs. Returns false with the error set. */
static bool S_parse_targets_option(struct parser *p, int key, const struct spelling *name,
                                   const char *value)
{
    struct wping_options *o = p->options;
    uint32_t number = 0;
    uint64_t milli = 0;

    switch (key) {
    case OPT_TARGETS:
        if (value[0] == '\0') {
            S_fail(p, false, "Bad value for option %s, a list of hosts, @FILE or @- is required.",
                   name->text);
            return false;
        }
        o->targets = value;
        return true;
    case OPT_PACE:
        /* milliseconds with up to three decimals: microseconds */
        if (!S_parse_milli(value, (uint64_t)UINT32_MAX * 1000, &milli)) {
            S_fail(p, false,
                   "Bad value for option %s, valid range is from 0 to 4294967295 milliseconds "
                   "(up to 3 decimals).",
                   name->text);
            return false;
        }
        o->pace_us = milli;
        S_remember_first(&p->targets_only, name);
        return true;
    case OPT_TARGETS_REQUIRED:
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->has_targets_required = true;
        o->targets_required = number;
        S_remember_first(&p->targets_only, name);
        return true;
    default:
        return false;
    }
}

/* The long-only options for output and scripting. Returns false with the error set. */
static bool S_parse_scripting_option(struct parser *p, int key, const struct spelling *name,
                                     const char *value)
{
    struct wping_options *o = p->options;
    uint32_t number = 0;
    uint64_t milli = 0;

    switch (key) {
    case OPT_FORMAT:
        if (strcmp(value, "text") == 0) {
            o->output = WPING_OUTPUT_TEXT;
            return true;
        }
        if (strcmp(value, "json") == 0) {
            o->output = WPING_OUTPUT_JSON;
            return true;
        }
        S_fail(p, false, "Bad value for option %s, valid values are text and json.", name->text);
        return false;
    case OPT_JSON:
        o->output = WPING_OUTPUT_JSON;
        return true;
    case OPT_TIMESTAMP:
        o->stamp_lines = true;
        return true;
    case OPT_QUIET:
        o->quiet = true;
        return true;
    case OPT_INTERVAL:
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->interval_ms = number;
        return true;
    case OPT_DEADLINE:
        if (!S_parse_milli(value, UINT32_MAX, &milli) || milli == 0) {
            S_fail(p, false,
                   "Bad value for option %s, valid range is from 0.001 to 4294967.295 seconds.",
                   name->text);
            return false;
        }
        o->deadline_ms = milli;
        return true;
    case OPT_REQUIRE:
        if (strcmp(value, "any") == 0) {
            o->policy.require = EXIT_POLICY_ANY;
            return true;
        }
        if (strcmp(value, "all") == 0) {
            o->policy.require = EXIT_POLICY_ALL;
            return true;
        }
        if (S_parse_number(value, 0, UINT32_MAX, &number)) {
            o->policy.require = EXIT_POLICY_AT_LEAST;
            o->policy.at_least = number;
            return true;
        }
        S_fail(p, false,
               "Bad value for option %s, valid values are any, all or a number from 0 to "
               "4294967295.",
               name->text);
        return false;
    case OPT_MTU:
    case OPT_TRACEROUTE: {
        enum wping_mode mode = key == OPT_MTU ? WPING_MODE_MTU : WPING_MODE_TRACE;
        if (o->mode != WPING_MODE_PING && o->mode != mode) {
            S_fail(p, false, "The options %s and %s cannot be used together.", p->mode.text,
                   name->text);
            return false;
        }
        o->mode = mode;
        p->mode = *name;
        return true;
    }
    case OPT_MAX_HOPS:
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->max_hops = number;
        p->max_hops = *name;
        return true;
    case OPT_MAX_LOSS:
        if (!S_parse_milli(value, 100000, &milli)) {
            S_fail(p, false, "Bad value for option %s, valid range is from 0 to 100 percent.",
                   name->text);
            return false;
        }
        o->policy.has_max_loss = true;
        o->policy.max_loss_milli = (uint32_t)milli;
        return true;
    default:
        return S_parse_targets_option(p, key, name, value);
    }
}

/* Applies one recognised option. Returns false with the error set. */
static bool S_parse_option(struct parser *p, int key, const struct spelling *name,
                           const char *value)
{
    struct wping_options *o = p->options;
    uint32_t number = 0;

    switch (key) {
    case 't':
        o->forever = true;
        return true;
    case 'a':
        o->resolve_names = true;
        S_remember_first(&p->not_with_targets, name);
        return true;
    case 'n':
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->count = number;
        o->count_given = true;
        o->forever = false; /* as in ping.exe, the later of -t and -n wins */
        return true;
    case 'l':
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->size = number;
        if (p->sized.text[0] == '\0')
            p->sized = *name;
        return true;
    case 'f':
        o->dont_fragment = true;
        if (p->sized.text[0] == '\0')
            p->sized = *name;
        S_remember_ipv4_only(p, name);
        return true;
    case 'i':
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->ttl = (int)number;
        return true;
    case 'v':
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->tos = (int)number;
        S_remember_ipv4_only(p, name);
        return true;
    case 'r':
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->record_route = number;
        S_remember_ipv4_only(p, name);
        S_remember_first(&p->not_with_targets, name);
        return true;
    case 's':
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->timestamp = number;
        S_remember_ipv4_only(p, name);
        S_remember_first(&p->not_with_targets, name);
        return true;
    case 'j':
    case 'k': {
        enum wping_route_kind kind = key == 'j' ? WPING_ROUTE_LOOSE : WPING_ROUTE_STRICT;
        if (p->route_seen) {
            if (o->route_kind == kind)
                S_fail(p, false, "The option %s may be given only once.", name->text);
            else
                S_fail(p, false, "The options %s and %s cannot be used together.", p->route.text,
                       name->text);
            return false;
        }
        o->route_kind = kind;
        p->route_seen = true;
        p->route = *name;
        S_remember_ipv4_only(p, name);
        S_remember_first(&p->not_with_targets, name);
        S_take_plain(p, value); /* the first host of the list */
        return true;
    }
    case 'w':
        if (!S_take_number(p, key, name, value, &number))
            return false;
        o->timeout_ms = number;
        return true;
    case 'R':
        o->reverse_route = true;
        p->ipv6_only = *name;
        return true;
    case 'S':
        if (S_literal_family(value) == 0) {
            S_fail(p, false, "Bad value for option %s, an IPv4 or IPv6 address is required.",
                   name->text);
            return false;
        }
        o->source = value;
        return true;
    case 'c':
        /* A number is a routing compartment, as in Windows scripts: 1 is the default one
         * (0 asks for "the current" one, which is it), the only one Linux has. */
        if (S_parse_number(value, 0, UINT32_MAX, &number)) {
            if (number > 1) {
                S_fail(p, false,
                       "The routing compartment %s does not exist: Linux has only the default "
                       "compartment 1. Give %s an interface or VRF name instead.",
                       value, name->text);
                return false;
            }
            o->compartment = NULL;
            return true;
        }
        /* Linux interface (and VRF device) names are 1 to IFNAMSIZ - 1 characters long. */
        if (value[0] == '\0' || strlen(value) > 15) {
            S_fail(p, false,
                   "Bad value for option %s, an interface or VRF name of 1 to 15 characters is "
                   "required.",
                   name->text);
            return false;
        }
        o->compartment = value;
        return true;
    case 'p':
        S_fail(
            p, false,
            "The option %s is not supported: Hyper-V provider addresses have no meaning on Linux.",
            name->text);
        return false;
    case '4':
    case '6': {
        enum wping_family_choice family = key == '4' ? WPING_FAMILY_4 : WPING_FAMILY_6;
        if (o->family != WPING_FAMILY_ANY && o->family != family) {
            S_fail(p, false, "The options %s and %s cannot be used together.",
                   p->family_option.text, name->text);
            return false;
        }
        o->family = family;
        p->family_option = *name;
        return true;
    }
    default:
        return S_parse_scripting_option(p, key, name, value);
    }
}

/* --mtu picks every probe's size and sets DF itself; --max-hops belongs to --traceroute. */
static bool S_settle_mode(struct parser *p)
{
    struct wping_options *o = p->options;

    if (o->mode == WPING_MODE_MTU && p->sized.text[0] != '\0') {
        S_fail(p, false,
               "The option %s cannot be used with %s: %s chooses the size of every probe and "
               "sets Don't Fragment itself.",
               p->sized.text, p->mode.text, p->mode.text);
        return false;
    }
    if (p->max_hops.text[0] != '\0' && o->mode != WPING_MODE_TRACE) {
        S_fail(p, false, "The option %s needs --traceroute.", p->max_hops.text);
        return false;
    }
    return true;
}

/* Target and -j/-k list, once every argument has been seen. */
static bool S_settle_target(struct parser *p)
{
    struct wping_options *o = p->options;

    if (!p->route_seen) {
        if (p->second_plain != NULL) {
            S_fail(p, false, "Bad parameter %.200s.", p->second_plain);
            return false;
        }
        if (o->targets != NULL && p->first_plain == NULL)
            return true; /* --targets alone names them all */
        if (p->first_plain == NULL || p->first_plain[0] == '\0') {
            S_fail(p, false, "IP address must be specified.");
            return false;
        }
        o->target = p->first_plain;
        return true;
    }

    /* With -j/-k the last non-option is the target; those before the list are extra. */
    if (p->first_plain != NULL) {
        S_fail(p, false, "Bad parameter %.200s.", p->first_plain);
        return false;
    }
    unsigned hops = p->route_list_count - 1;
    if (hops > WPING_MAX_ROUTE_HOPS) {
        S_fail(p, false, "The option %s accepts at most %d hosts before the target.", p->route.text,
               WPING_MAX_ROUTE_HOPS);
        return false;
    }
    if (hops == 0) {
        S_fail(p, false, "The option %s needs a host-list before the target.", p->route.text);
        return false;
    }
    for (unsigned i = 0; i < hops; i++)
        o->route[i] = p->route_list[i];
    o->route_count = hops;
    o->target = p->route_list[hops];
    if (o->target[0] == '\0') {
        S_fail(p, false, "IP address must be specified.");
        return false;
    }
    return true;
}

/* The options that go only with --targets, and those that do not go with it. */
static bool S_settle_targets(struct parser *p)
{
    if (p->options->targets == NULL && p->targets_only.text[0] != '\0') {
        S_fail(p, false, "The option %s needs --targets.", p->targets_only.text);
        return false;
    }
    if (p->options->targets != NULL && p->mode.text[0] != '\0') {
        S_fail(p, false, "The option %s cannot be used with --targets.", p->mode.text);
        return false;
    }
    if (p->options->targets != NULL && p->not_with_targets.text[0] != '\0') {
        S_fail(p, false, "The option %s cannot be used with --targets.", p->not_with_targets.text);
        return false;
    }
    return true;
}

/* docs/design.md, Address family: decide the family the command line fixes, and report
 * contradictions. */
static bool S_settle_family(struct parser *p)
{
    struct wping_options *o = p->options;
    int forced = o->family == WPING_FAMILY_4 ? 4 : o->family == WPING_FAMILY_6 ? 6 : 0;
    int source = o->source != NULL ? S_literal_family(o->source) : 0;
    /* with --targets each target of the list has its own family, the positional one too */
    int target = o->targets != NULL ? 0 : S_literal_family(o->target);

    if (forced != 0 && source != 0 && source != forced) {
        S_fail(p, false, "The source address %.100s is not an IPv%d address.", o->source, forced);
        return false;
    }
    if (forced != 0 && target != 0 && target != forced) {
        S_fail(p, false, "The target %.100s is not an IPv%d address.", o->target, forced);
        return false;
    }
    if (source != 0 && target != 0 && source != target) {
        S_fail(p, false,
               "The source address %.100s and the target %.100s are not of the same "
               "address family.",
               o->source, o->target);
        return false;
    }

    int fixed = forced != 0 ? forced : source != 0 ? source : target;
    bool wants4 = p->ipv4_only.text[0] != '\0';
    bool wants6 = p->ipv6_only.text[0] != '\0';
    if (wants4 && (fixed == 6 || (fixed == 0 && wants6))) {
        if (fixed == 0) {
            S_fail(p, false, "The options %s and %s cannot be used together.", p->ipv4_only.text,
                   p->ipv6_only.text);
            return false;
        }
        S_fail(p, false, "The option %s is only supported for IPv4.", p->ipv4_only.text);
        return false;
    }
    if (wants6 && fixed == 4) {
        S_fail(p, false, "The option %s is only supported for IPv6.", p->ipv6_only.text);
        return false;
    }
    if (fixed == 0)
        fixed = wants4 ? 4 : wants6 ? 6 : 0;
    o->implied_family = fixed == 4   ? WPING_FAMILY_4
                        : fixed == 6 ? WPING_FAMILY_6
                                     : WPING_FAMILY_ANY;
    return true;
}

/* A `/x` argument where an option may stand: rewrite it so that getopt reads it as `-x`. */
static bool S_is_slash_option(const char *arg)
{
    return arg[0] == '/' && arg[1] != '\0' && arg[1] != '-';
}

static void S_restore_slash(struct parser *p)
{
    if (p->slash_index >= 0) {
        p->argv[p->slash_index][0] = '/';
        p->slash_index = -1;
    }
}

static enum wping_parse_result S_parse_arguments(struct parser *p)
{
    for (;;) {
        /* In this mode getopt always reads argv[optind] next (optind 0 means "start at 1"). */
        int at = optind > 0 ? optind : 1;
        optopt = 0;
        int key = getopt_long(p->argc, p->argv, S_short_options, S_long_options, NULL);
        if (key == -1)
            break;

        struct spelling name;
        switch (key) {
        case 1: /* a non-option, left in place */
            if (S_is_slash_option(optarg)) {
                S_restore_slash(p);
                p->slash_index = at;
                p->argv[at][0] = '-';
                optind = at; /* read it again, as an option */
                continue;
            }
            S_take_plain(p, optarg);
            continue;
        case ':':
            S_spell(p, at, optopt, &name);
            S_fail(p, false, "Value must be supplied for option %s.", name.text);
            return WPING_PARSE_ERROR;
        case '?':
            if (S_is_long(p, at)) {
                /* unknown, ambiguous, or given a value it does not take: show it all */
                S_fail(p, true, "Bad option %.200s.", p->argv[at]);
                return WPING_PARSE_ERROR;
            }
            /* -? is not in S_short_options: getopt reports it as the unknown option '?'. */
            if (optopt == '?')
                return WPING_PARSE_HELP;
            S_spell(p, at, optopt, &name);
            S_fail(p, true, "Bad option %s.", name.text);
            return WPING_PARSE_ERROR;
        case OPT_HELP:
            return WPING_PARSE_HELP;
        case OPT_VERSION:
            return WPING_PARSE_VERSION;
        default:
            S_spell(p, at, key, &name);
            if (!S_parse_option(p, key, &name, optarg))
                return WPING_PARSE_ERROR;
            continue;
        }
    }

    /* Whatever follows "--" is not an option. */
    for (int i = optind; i < p->argc; i++)
        S_take_plain(p, p->argv[i]);

    if (!S_settle_mode(p) || !S_settle_targets(p) || !S_settle_target(p) || !S_settle_family(p))
        return WPING_PARSE_ERROR;
    return WPING_PARSE_OK;
}

void wping_options_init(struct wping_options *options)
{
    *options = (struct wping_options){
        .count = 4,
        .size = 32,
        .ttl = WPING_DEFAULT_TTL,
        .tos = -1,
        .timeout_ms = 4000,
        .route_kind = WPING_ROUTE_NONE,
        .family = WPING_FAMILY_ANY,
        .implied_family = WPING_FAMILY_ANY,
        .output = WPING_OUTPUT_TEXT,
        .interval_ms = 1000,
        .mode = WPING_MODE_PING,
        .max_hops = WPING_DEFAULT_MAX_HOPS,
        .pace_us = 1000,
    };
}

/* The long option `name` (the text after "--", up to any '=') stands for, as getopt_long
 * reads it: an exact name, else the one option all names it begins are spellings of; NULL
 * when none or ambiguous. */
static const struct option *S_long_option_named(const char *name, size_t length)
{
    const struct option *found = NULL;

    for (const struct option *o = S_long_options; o->name != NULL; o++) {
        if (strncmp(o->name, name, length) != 0)
            continue;
        if (strlen(o->name) == length)
            return o;
        if (found != NULL && found->val != o->val)
            return NULL;
        found = o;
    }
    return length > 0 ? found : NULL;
}

bool wping_json_requested(int argc, char *const *argv)
{
    bool json = false;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value;
        const struct option *option;
        size_t length;

        if (strcmp(arg, "--") == 0)
            break;
        if (strncmp(arg, "--", 2) != 0)
            continue;
        length = strcspn(arg + 2, "=");
        option = S_long_option_named(arg + 2, length);
        if (option == NULL)
            continue;
        if (option->val == OPT_JSON) {
            json = true;
        } else if (option->val == OPT_FORMAT) {
            value = arg[2 + length] == '=' ? arg + 3 + length : i + 1 < argc ? argv[++i] : "";
            json = strcmp(value, "json") == 0;
        }
    }
    return json;
}

enum wping_parse_result wping_parse(int argc, char **argv, struct wping_options *options,
                                    struct wping_parse_error *error)
{
    wping_options_init(options);
    *error = (struct wping_parse_error){0};

    if (argc <= 1) {
        error->usage_after = true; /* ping.exe with no arguments prints just the usage */
        return WPING_PARSE_ERROR;
    }

    struct parser p = {
        .argc = argc,
        .argv = argv,
        .options = options,
        .error = error,
        .slash_index = -1,
    };
    optind = 0; /* GNU getopt: start afresh, also after an earlier call */
    opterr = 0;
    enum wping_parse_result result = S_parse_arguments(&p);
    S_restore_slash(&p);
    return result;
}

/*
 * ping.exe's Windows 10 text, line for line and column for column; the lines where wping does
 * something else say what it does. Then wping's long names.
 */
static const char S_usage_text[] =
    "\n"
    "Usage: wping [-t] [-a] [-n count] [-l size] [-f] [-i TTL] [-v TOS]\n"
    "            [-r count] [-s count] [[-j host-list] | [-k host-list]]\n"
    "            [-w timeout] [-R] [-S srcaddr] [-c compartment] [-p]\n"
    "            [-4] [-6] target_name\n"
    "\n"
    "Options:\n"
    "    -t             Ping the specified host until stopped.\n"
    "                   To see statistics and continue - type Control-Break\n"
    "                   (Control-\\ on Linux, SIGQUIT);\n"
    "                   To stop - type Control-C.\n"
    "    -a             Resolve addresses to hostnames.\n"
    "    -n count       Number of echo requests to send.\n"
    "    -l size        Send buffer size.\n"
    "    -f             Set Don't Fragment flag in packet (IPv4-only).\n"
    "    -i TTL         Time To Live.\n"
    "    -v TOS         Type Of Service (IPv4-only. Unlike ping.exe, wping does set\n"
    "                   the type of service field in the IP Header).\n"
    "    -r count       Record route for count hops (IPv4-only).\n"
    "    -s count       Timestamp for count hops (IPv4-only).\n"
    "    -j host-list   Loose source route along host-list (IPv4-only).\n"
    "    -k host-list   Strict source route along host-list (IPv4-only).\n"
    "    -w timeout     Timeout in milliseconds to wait for each reply.\n"
    "    -R             Use routing header to test reverse route also (IPv6-only).\n"
    "                   Per RFC 5095 the use of this routing header has been\n"
    "                   deprecated. Linux cannot send it: wping accepts -R,\n"
    "                   but it has no effect.\n"
    "    -S srcaddr     Source address to use.\n"
    "    -c compartment Interface or VRF name to send from (the Linux\n"
    "                   counterpart of a routing compartment).\n"
    "    -p             Ping a Hyper-V Network Virtualization provider address\n"
    "                   (not supported on Linux: an error).\n"
    "    -4             Force using IPv4.\n"
    "    -6             Force using IPv6.\n"
    "\n"
    "Long options:\n"
    "    -t, --forever                    -a, --resolve\n"
    "    -n, --count=count                -l, --size=size\n"
    "    -f, --dont-fragment              -i, --ttl=TTL\n"
    "    -v, --tos=TOS                    -r, --record-route=count\n"
    "    -s, --ip-timestamp=count         -j, --loose-route=host-list\n"
    "    -k, --strict-route=host-list     -w, --timeout=timeout\n"
    "    -R, --reverse-route              -S, --source=srcaddr\n"
    "    -c, --compartment=compartment    -c, --interface=compartment\n"
    "    -p, --provider                   -4, --ipv4\n"
    "    -6, --ipv6                       -?, --help\n"
    "        --version\n"
    "\n"
    "Output and scripting (wping's own):\n"
    "    --format=text|json  ping.exe's text (the default), or JSON Lines: one\n"
    "                        object per event on stdout (see wping(1)).\n"
    "    --json              The same as --format=json.\n"
    "    --timestamp         Local date and time before each reply line.\n"
    "    --quiet             Only the header and the statistics.\n"
    "    --interval=ms       Milliseconds between requests, default 1000; below 2\n"
    "                        (0: each as soon as the last is answered) needs\n"
    "                        CAP_NET_RAW or root.\n"
    "    --deadline=seconds  Stop after this long, whatever the count (without\n"
    "                        -n: send until then).\n"
    "    --require=any|all|N Echo replies needed for exit status 0 (default any).\n"
    "    --max-loss=percent  Exit status 1 when more than this share of the\n"
    "                        requests got no echo reply.\n"
    "\n"
    "The path (wping's own):\n"
    "    --mtu               Find the path MTU with Don't Fragment probes (sets -f\n"
    "                        and -l itself); exit 0 when found.\n"
    "    --traceroute        Trace the route as tracert.exe does, three probes\n"
    "                        per hop; -a names the hops.\n"
    "    --max-hops=N        Maximum number of hops to search for the target with\n"
    "                        --traceroute, 1 to 255, default 30.\n";

/* The rest, apart: C17 promises string literals of 4095 characters only. */
static const char S_usage_targets[] =
    "\n"
    "Many targets at once (wping's own):\n"
    "    --targets=LIST      Ping every host of LIST at once: host,host,...,\n"
    "                        @FILE (one a line, # comments) or @- (stdin); any\n"
    "                        target_name is added first. -n, -w, --interval and\n"
    "                        --require apply to each target.\n"
    "    --pace=ms           Least time between any two sends, default 1; below 1\n"
    "                        (0: no pacing) needs CAP_NET_RAW or root.\n"
    "    --targets-required=N  Exit status 0 when at least N targets pass\n"
    "                        (default: all of them).\n"
    "\n";

const char *wping_usage(void)
{
    static char usage[sizeof S_usage_text + sizeof S_usage_targets];

    if (usage[0] == '\0') {
        memcpy(usage, S_usage_text, sizeof S_usage_text - 1);
        memcpy(usage + sizeof S_usage_text - 1, S_usage_targets, sizeof S_usage_targets);
    }
    return usage;
}
