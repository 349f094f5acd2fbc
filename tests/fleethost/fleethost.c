/* fleethost: a whole fleet of hosts behind one TUN device, for many-target tests and benches.
 *
 * It answers every ICMP echo request to an address of an IPv4 prefix (default 198.18.64.0/18,
 * 16384 hosts) and an IPv6 prefix (default 2001:db8:f::/112, 65536 hosts), each address with
 * its own delay and loss as the --rule options say. Answers wait in a heap ordered by due
 * time, so a thousand delayed answers cost one wake-up each, not a thread or a sleep each.
 * SIGUSR1 writes the counts to the --stats file; SIGTERM/SIGINT end the run (and write them).
 *
 * Usage: fleethost --tun NAME [--prefix4 CIDR] [--prefix6 CIDR] [--delay MS]
 *                  [--rule CIDR,delay=MS,loss=N]... [--ready-file F] [--stats F]
 *                  [--max-seconds N]
 * A rule applies to the addresses of CIDR (inside the prefixes); later rules win. delay=MS
 * (decimals allowed) holds each answer that long; loss=N drops every N-th request to each
 * address of the rule (1: all of them, 0: none).
 */
#include "fleet_packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

enum {
    EXIT_USAGE = 2,
    PACKET_MAX = 65535,
    READ_BURST = 256,
    MAX_RULES = 64,
};

struct rule {
    int family;
    uint8_t address[16];
    unsigned length;
    uint32_t delay_us;
    uint32_t loss;
};

/* One answer waiting for its time. */
struct answer {
    int64_t due;
    uint64_t order; /* answers due at the same time leave in arrival order */
    size_t length;
    uint8_t *data;
};

/* Per address of one prefix: its delay, its loss and how many requests it has had. */
struct fleet_family {
    uint32_t span;
    uint32_t *delay_us;
    uint32_t *loss;
    uint32_t *seen;
};

struct fleet {
    struct fleet_prefixes prefixes;
    struct fleet_family family[2]; /* IPv4, IPv6 */
    int tun, sig;
    struct answer *heap;
    size_t queued, capacity;
    uint64_t order;
    uint64_t requests, answered, dropped, ignored, write_errors, max_queued;
    const char *stats;
    uint8_t in[PACKET_MAX], out[PACKET_MAX];
};

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void usage(void)
{
    fprintf(stderr, "usage: fleethost --tun NAME [--prefix4 CIDR] [--prefix6 CIDR] [--delay MS]\n"
                    "                 [--rule CIDR,delay=MS,loss=N]... [--ready-file F]\n"
                    "                 [--stats F] [--max-seconds N]\n");
}

/* Milliseconds with up to three decimals, as microseconds. */
static bool parse_ms(const char *text, uint32_t *us)
{
    char *end;
    double ms = strtod(text, &end);

    if (end == text || *end != '\0' || ms < 0 || ms > 600000)
        return false;
    *us = (uint32_t)(ms * 1000 + 0.5);
    return true;
}

/* "CIDR,delay=MS,loss=N" */
static bool parse_rule(const char *text, struct rule *rule)
{
    char copy[160];
    char *save = NULL, *part;

    if (strlen(text) >= sizeof(copy))
        return false;
    snprintf(copy, sizeof(copy), "%s", text);
    part = strtok_r(copy, ",", &save);
    if (part == NULL)
        return false;
    rule->family = strchr(part, ':') != NULL ? 6 : 4;
    /* a rule may be as narrow as one address: parse with the family's full range */
    char *slash = strchr(part, '/');
    if (slash == NULL)
        return false;
    unsigned length = (unsigned)strtoul(slash + 1, NULL, 10);
    unsigned bits = rule->family == 4 ? 32 : 128;
    if (length > bits)
        return false;
    *slash = '\0';
    if (inet_pton(rule->family == 4 ? AF_INET : AF_INET6, part, rule->address) != 1)
        return false;
    rule->length = length;
    while ((part = strtok_r(NULL, ",", &save)) != NULL) {
        char *end;
        if (strncmp(part, "delay=", 6) == 0) {
            if (!parse_ms(part + 6, &rule->delay_us))
                return false;
        } else if (strncmp(part, "loss=", 5) == 0) {
            unsigned long loss = strtoul(part + 5, &end, 10);
            if (*end != '\0' || end == part + 5 || loss > UINT32_MAX)
                return false;
            rule->loss = (uint32_t)loss;
        } else {
            return false;
        }
    }
    return true;
}

static bool rule_matches(const struct rule *rule, const uint8_t *address)
{
    for (unsigned bit = 0; bit < rule->length; bit++) {
        uint8_t mask = (uint8_t)(0x80u >> (bit % 8));
        if ((address[bit / 8] & mask) != (rule->address[bit / 8] & mask))
            return false;
    }
    return true;
}

/* Works out every address's delay and loss once, so that a packet costs a lookup. */
static int fleet_tables(struct fleet *f, uint32_t delay_us, const struct rule *rules, size_t count)
{
    for (int fam = 0; fam < 2; fam++) {
        struct fleet_family *t = &f->family[fam];
        unsigned bits = fam == 0 ? 32 : 128;
        unsigned length = fam == 0 ? f->prefixes.v4_length : f->prefixes.v6_length;

        t->span = fleet_span(bits, length);
        t->delay_us = calloc(t->span, sizeof(*t->delay_us));
        t->loss = calloc(t->span, sizeof(*t->loss));
        t->seen = calloc(t->span, sizeof(*t->seen));
        if (t->delay_us == NULL || t->loss == NULL || t->seen == NULL)
            return -1;
        for (uint32_t i = 0; i < t->span; i++) {
            uint8_t address[16];
            memcpy(address, fam == 0 ? f->prefixes.v4 : f->prefixes.v6, bits / 8);
            address[bits / 8 - 2] |= (uint8_t)(i >> 8);
            address[bits / 8 - 1] |= (uint8_t)i;
            t->delay_us[i] = delay_us;
            for (size_t r = 0; r < count; r++) {
                if (rules[r].family != (fam == 0 ? 4 : 6) || !rule_matches(&rules[r], address))
                    continue;
                t->delay_us[i] = rules[r].delay_us;
                t->loss[i] = rules[r].loss;
            }
        }
    }
    return 0;
}

/* ---- the heap of answers ---- */

static bool answer_before(const struct answer *a, const struct answer *b)
{
    return a->due != b->due ? a->due < b->due : a->order < b->order;
}

static int heap_push(struct fleet *f, struct answer answer)
{
    if (f->queued == f->capacity) {
        size_t capacity = f->capacity ? f->capacity * 2 : 1024;
        struct answer *heap = realloc(f->heap, capacity * sizeof(*heap));
        if (heap == NULL)
            return -1;
        f->heap = heap;
        f->capacity = capacity;
    }
    size_t at = f->queued++;
    while (at > 0 && answer_before(&answer, &f->heap[(at - 1) / 2])) {
        f->heap[at] = f->heap[(at - 1) / 2];
        at = (at - 1) / 2;
    }
    f->heap[at] = answer;
    if (f->queued > f->max_queued)
        f->max_queued = f->queued;
    return 0;
}

static struct answer heap_pop(struct fleet *f)
{
    struct answer top = f->heap[0], last = f->heap[--f->queued];
    size_t at = 0;

    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= f->queued)
            break;
        if (child + 1 < f->queued && answer_before(&f->heap[child + 1], &f->heap[child]))
            child++;
        if (!answer_before(&f->heap[child], &last))
            break;
        f->heap[at] = f->heap[child];
        at = child;
    }
    if (f->queued > 0)
        f->heap[at] = last;
    return top;
}

/* ---- the work ---- */

static void send_out(struct fleet *f, const uint8_t *data, size_t length)
{
    if (write(f->tun, data, length) != (ssize_t)length)
        f->write_errors++;
    else
        f->answered++;
}

static void handle_packet(struct fleet *f, size_t length)
{
    size_t out_length = 0;
    int family = 0;
    uint32_t index = 0;

    if (fleet_answer(&f->prefixes, f->in, length, f->out, &out_length, &family, &index) !=
        FLEET_ANSWER) {
        f->ignored++;
        return;
    }
    struct fleet_family *t = &f->family[family == 4 ? 0 : 1];
    f->requests++;
    t->seen[index]++;
    if (t->loss[index] != 0 && t->seen[index] % t->loss[index] == 0) {
        f->dropped++;
        return;
    }
    if (t->delay_us[index] == 0) {
        send_out(f, f->out, out_length);
        return;
    }
    struct answer answer = {now_ns() + (int64_t)t->delay_us[index] * 1000, f->order++, out_length,
                            malloc(out_length)};
    if (answer.data == NULL || (memcpy(answer.data, f->out, out_length), heap_push(f, answer))) {
        free(answer.data);
        f->dropped++;
    }
}

static void send_due(struct fleet *f)
{
    int64_t now = now_ns();

    while (f->queued > 0 && f->heap[0].due <= now) {
        struct answer answer = heap_pop(f);
        send_out(f, answer.data, answer.length);
        free(answer.data);
    }
}

static void write_stats(const struct fleet *f)
{
    char temporary[4096];
    FILE *out;

    if (f->stats == NULL)
        return;
    snprintf(temporary, sizeof(temporary), "%s.tmp", f->stats);
    out = fopen(temporary, "w");
    if (out == NULL)
        return;
    fprintf(out,
            "requests=%llu\nanswered=%llu\ndropped=%llu\nignored=%llu\nwrite_errors=%llu\n"
            "queued=%zu\nmax_queued=%llu\n",
            (unsigned long long)f->requests, (unsigned long long)f->answered,
            (unsigned long long)f->dropped, (unsigned long long)f->ignored,
            (unsigned long long)f->write_errors, f->queued, (unsigned long long)f->max_queued);
    if (fclose(out) == 0)
        rename(temporary, f->stats);
}

static int open_tun(const char *name)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0)
        return -1;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Returns false when the run should end. */
static bool run_once(struct fleet *f, int64_t end)
{
    struct pollfd fds[2] = {{f->tun, POLLIN, 0}, {f->sig, POLLIN, 0}};
    int64_t now = now_ns(), until = end;
    struct timespec timeout;

    if (f->queued > 0 && f->heap[0].due < until)
        until = f->heap[0].due;
    if (until < now)
        until = now;
    timeout.tv_sec = (time_t)((until - now) / 1000000000);
    timeout.tv_nsec = (long)((until - now) % 1000000000);
    if (ppoll(fds, 2, &timeout, NULL) < 0 && errno != EINTR)
        return false;
    if (fds[1].revents & POLLIN) {
        struct signalfd_siginfo info;
        if (read(f->sig, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
            write_stats(f);
            if (info.ssi_signo != SIGUSR1)
                return false;
        }
    }
    if (fds[0].revents & POLLIN) {
        for (int i = 0; i < READ_BURST; i++) {
            ssize_t n = read(f->tun, f->in, sizeof(f->in));
            if (n <= 0)
                break;
            handle_packet(f, (size_t)n);
            if (i % 16 == 15)
                send_due(f); /* a long burst in does not hold answers back */
        }
    }
    send_due(f);
    return now_ns() < end;
}

int main(int argc, char **argv)
{
    static struct fleet f;
    static struct rule rules[MAX_RULES];
    static const struct option long_options[] = {
        {"tun", required_argument, NULL, 't'},
        {"prefix4", required_argument, NULL, '4'},
        {"prefix6", required_argument, NULL, '6'},
        {"delay", required_argument, NULL, 'd'},
        {"rule", required_argument, NULL, 'r'},
        {"ready-file", required_argument, NULL, 'R'},
        {"stats", required_argument, NULL, 's'},
        {"max-seconds", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    const char *tun = NULL, *ready = NULL;
    const char *prefix4 = "198.18.64.0/18", *prefix6 = "2001:db8:f::/112";
    uint32_t delay_us = 0;
    size_t rule_count = 0;
    long max_seconds = 300;
    int key;

    while ((key = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (key) {
        case 't':
            tun = optarg;
            break;
        case '4':
            prefix4 = optarg;
            break;
        case '6':
            prefix6 = optarg;
            break;
        case 'd':
            if (!parse_ms(optarg, &delay_us)) {
                fprintf(stderr, "fleethost: bad --delay %s\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'r':
            if (rule_count == MAX_RULES || !parse_rule(optarg, &rules[rule_count])) {
                fprintf(stderr, "fleethost: bad --rule %s (or more than %d)\n", optarg, MAX_RULES);
                return EXIT_USAGE;
            }
            rule_count++;
            break;
        case 'R':
            ready = optarg;
            break;
        case 's':
            f.stats = optarg;
            break;
        case 'm':
            max_seconds = strtol(optarg, NULL, 10);
            break;
        default:
            usage();
            return EXIT_USAGE;
        }
    }
    if (tun == NULL || optind != argc || max_seconds <= 0 ||
        !fleet_parse_prefix(prefix4, 4, f.prefixes.v4, &f.prefixes.v4_length) ||
        !fleet_parse_prefix(prefix6, 6, f.prefixes.v6, &f.prefixes.v6_length)) {
        usage();
        return EXIT_USAGE;
    }
    if (fleet_tables(&f, delay_us, rules, rule_count) != 0) {
        fprintf(stderr, "fleethost: out of memory\n");
        return 1;
    }
    /* Bounded: a forgotten fleet host ends by itself. */
    (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
    (void)prctl(PR_SET_TIMERSLACK, 1UL);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGUSR1);
    sigprocmask(SIG_BLOCK, &signals, NULL);
    f.sig = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
    f.tun = open_tun(tun);
    if (f.sig < 0 || f.tun < 0) {
        fprintf(stderr, "fleethost: cannot open TUN %s: %s\n", tun, strerror(errno));
        return 1;
    }
    write_stats(&f);
    if (ready != NULL) {
        FILE *file = fopen(ready, "w");
        if (file == NULL || fclose(file) != 0) {
            fprintf(stderr, "fleethost: cannot write %s\n", ready);
            return 1;
        }
    }
    int64_t end = now_ns() + (int64_t)max_seconds * 1000000000;
    while (run_once(&f, end))
        ;
    write_stats(&f);
    return 0;
}
