/*
 * Fuzzes the command-line parser wping_parse. The input is split at NUL bytes into the
 * arguments after argv[0] ("a\0b" is `wping a b`), each in its own exactly sized heap buffer.
 * The parser must never crash, exit or print, must leave argv as it found it, must keep its
 * results inside the documented ranges, and must give the same answer when asked twice
 * (getopt's global state is reset between calls).
 */
#include <getopt.h>

#include "fuzz.h"
#include "options.h"

#define MAX_ARGS 64

struct command_line {
    int argc;
    char *argv[MAX_ARGS + 2];
    char *original[MAX_ARGS + 1]; /* what each argument held before parsing */
};

/* An argument of exactly length + 1 bytes: its text and the terminating NUL. */
static char *copy_string(const uint8_t *bytes, size_t length)
{
    char *s = malloc(length + 1);
    if (s == NULL)
        abort();
    memcpy(s, bytes, length);
    s[length] = '\0';
    return s;
}

static void split(const uint8_t *data, size_t size, struct command_line *line)
{
    line->argc = 0;
    line->argv[line->argc++] = copy_string((const uint8_t *)"wping", 5);
    size_t start = 0;
    while (size > 0 && line->argc <= MAX_ARGS) {
        const uint8_t *nul = memchr(data + start, '\0', size - start);
        size_t end = nul != NULL ? (size_t)(nul - data) : size;
        line->argv[line->argc++] = copy_string(data + start, end - start);
        if (nul == NULL)
            break;
        start = end + 1;
        if (start == size)
            break; /* a trailing NUL ends the last argument; it does not start another */
    }
    line->argv[line->argc] = NULL;
    for (int i = 0; i < line->argc; i++)
        line->original[i] = copy_string((const uint8_t *)line->argv[i], strlen(line->argv[i]));
}

static void release(struct command_line *line)
{
    for (int i = 0; i < line->argc; i++) {
        free(line->argv[i]);
        free(line->original[i]);
    }
}

/* NULL, or a pointer into (or to the end of) one of the argument strings. */
static bool points_into_argv(const struct command_line *line, const char *s)
{
    for (int i = 0; i < line->argc; i++)
        if (fuzz_within(s, 1, line->argv[i], strlen(line->argv[i]) + 1))
            return true;
    return false;
}

static void check_argv_untouched(const struct command_line *line, char *const *seen)
{
    for (int i = 0; i < line->argc; i++) {
        FUZZ_CHECK(line->argv[i] == seen[i]);
        FUZZ_CHECK(strcmp(line->argv[i], line->original[i]) == 0);
    }
    FUZZ_CHECK(line->argv[line->argc] == NULL);
}

static void check_ok(const struct command_line *line, const struct wping_options *o)
{
    FUZZ_CHECK(o->target != NULL && o->target[0] != '\0' && points_into_argv(line, o->target));
    FUZZ_CHECK(o->count >= 1 && o->size <= 65500 && o->timeout_ms >= 1);
    FUZZ_CHECK(o->ttl >= 0 && o->ttl <= 255 && o->tos >= -1 && o->tos <= 255);
    FUZZ_CHECK(o->record_route <= 9 && o->timestamp <= 4);
    FUZZ_CHECK(o->route_count <= WPING_MAX_ROUTE_HOPS);
    FUZZ_CHECK((o->route_kind == WPING_ROUTE_NONE) == (o->route_count == 0));
    FUZZ_CHECK(o->route_kind == WPING_ROUTE_NONE || o->route_kind == WPING_ROUTE_LOOSE ||
               o->route_kind == WPING_ROUTE_STRICT);
    for (unsigned i = 0; i < o->route_count; i++)
        FUZZ_CHECK(o->route[i] != NULL && points_into_argv(line, o->route[i]));
    FUZZ_CHECK(o->source == NULL || points_into_argv(line, o->source));
    if (o->compartment != NULL) {
        FUZZ_CHECK(points_into_argv(line, o->compartment));
        size_t length = strlen(o->compartment);
        FUZZ_CHECK(length >= 1 && length <= 15);
    }
    /* docs/design.md, Address family: a forced family is the implied one; options of one family
     * rule out the other. */
    FUZZ_CHECK(o->family == WPING_FAMILY_ANY || o->implied_family == o->family);
    bool ipv4_only = o->dont_fragment || o->tos != -1 || o->record_route != 0 ||
                     o->timestamp != 0 || o->route_kind != WPING_ROUTE_NONE;
    FUZZ_CHECK(!ipv4_only || o->implied_family == WPING_FAMILY_4);
    FUZZ_CHECK(!o->reverse_route || o->implied_family == WPING_FAMILY_6);
}

static bool same_options(const struct wping_options *a, const struct wping_options *b)
{
    if (a->target != b->target || a->forever != b->forever ||
        a->resolve_names != b->resolve_names || a->count != b->count || a->size != b->size ||
        a->dont_fragment != b->dont_fragment || a->ttl != b->ttl || a->tos != b->tos ||
        a->record_route != b->record_route || a->timestamp != b->timestamp ||
        a->route_kind != b->route_kind || a->route_count != b->route_count ||
        a->timeout_ms != b->timeout_ms || a->reverse_route != b->reverse_route ||
        a->source != b->source || a->compartment != b->compartment || a->family != b->family ||
        a->implied_family != b->implied_family)
        return false;
    for (unsigned i = 0; i < a->route_count && i < WPING_MAX_ROUTE_HOPS; i++)
        if (a->route[i] != b->route[i])
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct command_line line;
    split(data, size, &line);
    char *seen[MAX_ARGS + 2];
    memcpy(seen, line.argv, sizeof seen);

    struct wping_options options, again;
    struct wping_parse_error error, error_again;
    optind = 0; /* glibc: reinitialise getopt, whatever an earlier input left behind */
    enum wping_parse_result result = wping_parse(line.argc, line.argv, &options, &error);
    check_argv_untouched(&line, seen);

    FUZZ_CHECK(result == WPING_PARSE_OK || result == WPING_PARSE_HELP ||
               result == WPING_PARSE_VERSION || result == WPING_PARSE_ERROR);
    FUZZ_CHECK(memchr(error.message, '\0', sizeof error.message) != NULL);
    if (result == WPING_PARSE_ERROR)
        FUZZ_CHECK(error.message[0] != '\0' || error.usage_after); /* never silent */
    if (result == WPING_PARSE_OK)
        check_ok(&line, &options);

    /* The same command line again, after getopt has run to the end once: the same answer. */
    optind = 0;
    enum wping_parse_result result_again = wping_parse(line.argc, line.argv, &again, &error_again);
    check_argv_untouched(&line, seen);
    FUZZ_CHECK(result_again == result);
    FUZZ_CHECK(strcmp(error.message, error_again.message) == 0);
    FUZZ_CHECK(error.usage_after == error_again.usage_after);
    if (result == WPING_PARSE_OK)
        FUZZ_CHECK(same_options(&options, &again));

    release(&line);
    return 0;
}
