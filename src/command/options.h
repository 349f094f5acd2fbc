/*
 * The wping command line: ping.exe options with `-` or `/`, before or after the target, plus
 * GNU long names, parsed with getopt_long into struct wping_options. The parser never exits
 * and never prints: it returns what happened and leaves a message for the caller to print.
 */
#ifndef WPING_OPTIONS_H
#define WPING_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exit_policy.h"

/* At most this many source-route hops may precede the target of -j / -k. */
#define WPING_MAX_ROUTE_HOPS 8

enum wping_family_choice {
    WPING_FAMILY_ANY = 0,
    WPING_FAMILY_4, /* -4 */
    WPING_FAMILY_6, /* -6 */
};

enum wping_route_kind {
    WPING_ROUTE_NONE = 0,
    WPING_ROUTE_LOOSE,  /* -j */
    WPING_ROUTE_STRICT, /* -k */
};

enum wping_mode {
    WPING_MODE_PING = 0, /* echo requests, ping.exe's way (the default) */
    WPING_MODE_MTU,      /* --mtu: find the path MTU (docs/design.md) */
    WPING_MODE_TRACE,    /* --traceroute: tracert.exe's route (docs/design.md) */
};

/* --max-hops: default and largest value (the TTL field's range). */
#define WPING_DEFAULT_MAX_HOPS 30
#define WPING_MAX_HOPS 255

enum wping_output {
    WPING_OUTPUT_TEXT = 0, /* --format=text: ping.exe's text (the default) */
    WPING_OUTPUT_JSON,     /* --format=json, --json: JSON Lines */
};

/* The TTL (IPv6: hop limit) of requests without -i: ping.exe's 128, not Linux's 64. */
#define WPING_DEFAULT_TTL 128

/* The least --pace, in microseconds, for a process without CAP_NET_RAW: one send a millisecond
 * (fping's floor for other users). */
#define WPING_MIN_USER_PACE_US 1000

/* The least --interval for a process without CAP_NET_RAW (root, set-user-ID root or the file
 * capability): as in iputils, faster sending is for privileged users. */
#define WPING_MIN_USER_INTERVAL_MS 2

/* Everything the command line asked for. Defaults are those of ping.exe. */
struct wping_options {
    const char *target;                      /* the one non-option argument (points into argv) */
    bool forever;                            /* -t */
    bool resolve_names;                      /* -a */
    uint32_t count;                          /* -n, 1..4294967295, default 4 */
    uint32_t size;                           /* -l, 0..65500, default 32 */
    bool dont_fragment;                      /* -f */
    int ttl;                                 /* -i, 1..255; default WPING_DEFAULT_TTL */
    int tos;                                 /* -v, 0..255; -1 = not given */
    unsigned record_route;                   /* -r, 1..9; 0 = off */
    unsigned timestamp;                      /* -s, 1..4; 0 = off */
    enum wping_route_kind route_kind;        /* -j / -k */
    const char *route[WPING_MAX_ROUTE_HOPS]; /* hops as typed, before the target */
    unsigned route_count;
    uint32_t timeout_ms;             /* -w, default 4000 */
    bool reverse_route;              /* -R (IPv6 only) */
    const char *source;              /* -S, as typed; NULL = none */
    const char *compartment;         /* -c: interface or VRF name; NULL = none */
    enum wping_family_choice family; /* -4 / -6 */
    /*
     * The family the command line fixes, by docs/design.md (Address family): -4/-6, else the family
     * of a literal -S address, else that of a literal target, else IPv4 for the IPv4-only options
     * (-f -v -r -s -j -k) or IPv6 for -R; WPING_FAMILY_ANY leaves it to the resolver's first
     * answer.
     */
    enum wping_family_choice implied_family;

    /* wping's own long options for output and scripting. */
    enum wping_output output;  /* --format, --json */
    bool stamp_lines;          /* --timestamp: local time before each reply line (text) */
    bool quiet;                /* --quiet: header (start) and statistics only */
    uint32_t interval_ms;      /* --interval, 0..4294967295, default 1000 */
    uint64_t deadline_ms;      /* --deadline in seconds with up to 3 decimals; 0 = none */
    bool count_given;          /* -n was given (a --deadline run without it runs until the
                                  deadline, not for the default 4 requests) */
    struct exit_policy policy; /* --require, --max-loss */

    /* The path: --mtu and --traceroute (mtu.c, trace.c). */
    enum wping_mode mode;
    uint32_t max_hops; /* --max-hops, 1..255, default 30 (--traceroute only) */
    /* Many targets (docs/design.md). */
    const char *targets; /* --targets LIST as typed (a comma list, @FILE or @-); NULL = none */
    uint64_t pace_us;    /* --pace, least gap between two sends of the run; default 1 ms */
    bool has_targets_required; /* --targets-required given */
    uint32_t targets_required; /* targets that must pass for exit status 0 */
};

enum wping_parse_result {
    WPING_PARSE_OK = 0,  /* options filled in; run */
    WPING_PARSE_HELP,    /* --help, -?, /?: print the usage to stdout, exit 0 */
    WPING_PARSE_VERSION, /* --version: print the version to stdout, exit 0 */
    WPING_PARSE_ERROR,   /* print the message, if any, then the usage when usage_after is set, to
                            stderr; exit 2. No arguments at all: empty message, usage_after set */
};

/* What went wrong, ready to print. */
struct wping_parse_error {
    char message[256]; /* one of ping.exe's strings, e.g. "Bad option -x." (no newline) */
    bool usage_after;  /* ping.exe prints the usage after this message ("Bad option") */
};

/* Sets the ping.exe defaults (wping_parse does this itself first). */
void wping_options_init(struct wping_options *options);

/*
 * Parses argv. Does not exit, does not print, does not resolve names, does not read the
 * --targets list (target_list.h does). Family conflicts that
 * the command line alone reveals (-f with -6, -R with -4, a literal target or -S address of
 * the other family) are reported here. The first problem in command-line order wins; then the
 * target (none, a second one, the -j/-k list; with --targets the positional target may be
 * left out and fixes no family), then family conflicts. --pace and --targets-required need
 * --targets; -a, -r, -s, -j and -k cannot be combined with it. argv keeps its order, but
 * its strings must be writable: a `/x` argument is rewritten to `-x` while getopt reads it and
 * restored before returning. The strings in options point into argv. -S must be a numeric
 * address; -c a name of 1..15 characters. Uses getopt's global state: not thread-safe.
 */
enum wping_parse_result wping_parse(int argc, char **argv, struct wping_options *options,
                                    struct wping_parse_error *error);

/*
 * Whether the command line asks for JSON output (--json or --format=json, the last of them
 * counting, long names possibly abbreviated, before any "--"), looked at without parsing the
 * rest: so that a usage error can be reported in the output format asked for.
 */
bool wping_json_requested(int argc, char *const *argv);

/* The usage text, ping.exe's layout, followed by wping's long options; ends with "\n\n". */
const char *wping_usage(void);

#endif /* WPING_OPTIONS_H */
