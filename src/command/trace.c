/*
 * --traceroute: the route to the target as tracert.exe prints it (docs/design.md, Traceroute),
 * three probes per hop.
 *
 * tracert.exe waits for each probe before it sends the next, so a silent hop costs it three
 * timeouts and a path of n hops n round trips. Here the probes of a window of hops go out
 * together and the rows are printed in order as they complete: the whole trace takes about
 * the slowest round trip plus one timeout for all silent hops together. The window moves on
 * by a hop for each row printed, so a long path does not send every TTL at once.
 */
#include "path.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wping/address.h>
#include <wping/timespec.h>

#include "diag.h"
#include "exit_status.h"

/* Hops whose probes may be out at once. */
#define TRACE_WINDOW 10

struct trace;

/* One probe: TTL `hop`, number `index` of the hop's three. */
struct trace_probe {
    struct trace *trace;
    bool started, done;
    struct echo_outcome outcome;
};

struct trace {
    const struct path_run *run;
    unsigned max_hops;
    struct trace_probe *probes; /* [hop - 1][index] */
    unsigned started_hops;      /* hops 1..started_hops have their probes out */
    unsigned next_row;          /* the hop whose row is shown next */
    unsigned char *payload;
};

static void S_on_outcome(void *context, const struct echo_outcome *outcome)
{
    struct trace_probe *probe = context;

    probe->outcome = *outcome;
    probe->done = true;
}

static struct trace_probe *S_probe(struct trace *t, unsigned hop, int index)
{
    return &t->probes[(hop - 1) * FORMAT_TRACE_PROBES + (unsigned)index];
}

static void S_fail_locally(struct trace_probe *probe)
{
    memset(&probe->outcome, 0, sizeof(probe->outcome));
    probe->outcome.status = ECHO_GENERAL_FAILURE;
    probe->outcome.send_errno = EADDRNOTAVAIL;
    probe->done = true;
}

/* Starts probe `index` of every hop from `first` to `last`. Returns 0 or a negative
 * enum echo_error. */
static int S_start(struct trace *t, unsigned first, unsigned last, int index)
{
    const struct path_run *run = t->run;
    struct echo_request request;

    memset(&request, 0, sizeof(request));
    request.destination = (const struct sockaddr *)run->target;
    request.destination_len = run->target_len;
    request.data = t->payload;
    request.size = run->options->size;
    request.tos = run->options->tos >= 0 ? run->options->tos : 0;
    request.dont_fragment = run->options->dont_fragment;
    /* With -f every probe must reach the router that decides: a size the path-MTU cache
     * learnt from another probe of this very trace would otherwise be refused here. */
    request.probe_mtu = run->options->dont_fragment;
    request.timeout_ms = run->options->timeout_ms;
    for (unsigned hop = first; hop <= last; hop++) {
        struct trace_probe *probe = S_probe(t, hop, index);

        probe->trace = t;
        probe->started = true;
        if (run->source_not_local) {
            S_fail_locally(probe);
            continue;
        }
        request.ttl = (int)hop;
        int result = echo_start(run->handle, &request, S_on_outcome, probe);
        if (result != ECHO_OK)
            return result;
    }
    return ECHO_OK;
}

/* Starts every probe of hops started_hops + 1 .. `last`, probe by probe across the hops. */
static int S_start_hops(struct trace *t, unsigned last)
{
    if (last > t->max_hops)
        last = t->max_hops;
    if (last <= t->started_hops)
        return ECHO_OK;
    for (int index = 0; index < FORMAT_TRACE_PROBES; index++) {
        int result = S_start(t, t->started_hops + 1, last, index);
        if (result != ECHO_OK)
            return result;
    }
    t->started_hops = last;
    return ECHO_OK;
}

static bool S_hop_done(struct trace *t, unsigned hop)
{
    for (int i = 0; i < FORMAT_TRACE_PROBES; i++)
        if (!S_probe(t, hop, i)->done)
            return false;
    return true;
}

static bool S_next_row_done(void *context)
{
    struct trace *t = context;

    return S_hop_done(t, t->next_row);
}

static socklen_t S_length(const struct sockaddr_storage *address)
{
    return address->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                          : sizeof(struct sockaddr_in);
}

/* Fills the row of `hop` from its probes; `texts` holds the addresses, `name` the -a name. */
static void S_row(struct trace *t, unsigned hop, struct format_hop *row,
                  char texts[FORMAT_TRACE_PROBES][NI_MAXHOST], char *name, size_t name_size)
{
    const struct sockaddr_storage *shown = NULL;
    bool error_named = false;

    memset(row, 0, sizeof(*row));
    row->hop = hop;
    for (int i = 0; i < FORMAT_TRACE_PROBES; i++) {
        const struct echo_outcome *o = &S_probe(t, hop, i)->outcome;
        struct format_trace_probe *p = &row->probe[i];

        p->status = o->status;
        p->rtt_ns = o->status == ECHO_REQ_TIMED_OUT ? 0 : o->rtt_ns;
        if (echo_address_text(&o->responder, texts[i], NI_MAXHOST))
            p->from = texts[i];
        if (o->status == ECHO_SUCCESS) {
            row->reached = true;
        } else if (o->status != ECHO_TTL_EXPIRED_TRANSIT && o->status != ECHO_REQ_TIMED_OUT &&
                   row->error == 0) {
            /* The row names who sent the error: nobody when this host refused the probe. */
            row->error = o->status;
            row->address = p->from;
            shown = p->from != NULL ? &o->responder : NULL;
            error_named = true;
        }
        if (!error_named && row->address == NULL && p->from != NULL) {
            row->address = p->from;
            shown = &o->responder;
        }
    }
    if (row->error != 0)
        row->reached = false;
    name[0] = '\0';
    if (shown != NULL && t->run->options->resolve_names &&
        getnameinfo((const struct sockaddr *)shown, S_length(shown), name, (socklen_t)name_size,
                    NULL, 0, NI_NAMEREQD) == 0)
        row->name = name;
}

static uint64_t S_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)timespec_diff_ns(&now, start);
}

int path_trace(const struct path_run *run)
{
    struct trace t;
    struct format_path *format = format_path_new(run->out, run->json);
    struct timespec start;
    unsigned shown = 0;
    bool reached = false, ended = false;
    int status = EXIT_STATUS_ERROR, result = ECHO_OK;

    memset(&t, 0, sizeof(t));
    t.run = run;
    t.max_hops = run->options->max_hops;
    t.probes = calloc((size_t)t.max_hops * FORMAT_TRACE_PROBES, sizeof(*t.probes));
    t.payload = malloc(run->options->size > 0 ? run->options->size : 1);
    if (format == NULL || t.probes == NULL || t.payload == NULL) {
        diag_error(run->json, DIAG_SYSTEM, "wping: out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < run->options->size; i++)
        t.payload[i] = (unsigned char)('a' + i % 23);
    if (format_trace_begin(format, run->header, t.max_hops) != 0)
        goto write_failed;

    clock_gettime(CLOCK_MONOTONIC, &start);
    result = S_start_hops(&t, TRACE_WINDOW);
    while (result == ECHO_OK && !ended && shown < t.max_hops) {
        t.next_row = shown + 1;
        fflush(run->out); /* what is written goes out before the wait */
        if (ferror(run->out))
            goto write_failed;
        if (run->interrupted()) {
            result = ECHO_ERR_INTERRUPTED;
            break;
        }
        result = echo_wait_for(run->handle, S_next_row_done, &t, NULL, run->wait_mask);
        if (result != 1)
            break;
        result = ECHO_OK;
        struct format_hop row;
        char texts[FORMAT_TRACE_PROBES][NI_MAXHOST];
        char name[NI_MAXHOST];

        shown++;
        S_row(&t, shown, &row, texts, name, sizeof(name));
        if (format_trace_hop(format, &row) != 0)
            goto write_failed;
        reached = row.reached;
        ended = row.reached || row.error != 0;
        if (!ended)
            result = S_start_hops(&t, shown + TRACE_WINDOW);
    }
    if (result != ECHO_OK && result != ECHO_ERR_INTERRUPTED) {
        diag_error(run->json, DIAG_SYSTEM, "wping: %s (%s)", echo_strerror(result),
                   strerror(errno));
        goto out;
    }
    status = reached ? EXIT_STATUS_REPLY : EXIT_STATUS_NO_REPLY;
    if (format_trace_end(format, reached, shown, S_since(&start), status) != 0)
        goto write_failed;
    goto out;

write_failed:
    diag_error(run->json, DIAG_OUTPUT, "wping: cannot write to standard output: %s",
               strerror(errno));
    status = EXIT_STATUS_ERROR;
out:
    format_path_free(format);
    free(t.probes);
    free(t.payload);
    return status;
}
