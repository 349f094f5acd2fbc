/* fakehost: a scripted host behind a TUN device for wping's network lab.
 *
 * main() parses the options and the script, creates the TUN device, announces readiness and
 * runs one poll loop over three descriptors: the TUN (echo requests in), a timerfd (delayed
 * answers out, kept in a heap ordered by due time) and a signalfd (SIGTERM/SIGINT end the run).
 * A packet socket on the TUN device gives each request's kernel arrival time, from which its
 * delay counts (README "Timing"). Packet bytes are made by packet.c, the rules come from
 * script.c. */
#include "packet.h"
#include "script.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum {
    EXIT_USAGE = 2,
    SCRIPT_MAX_BYTES = 1 << 20,
    QUEUE_MAX = 4096,
    READ_BURST = 64,
    /* The timer is armed this long before a delayed answer is due and the rest is waited out
     * on the clock, so wake-up latency does not show in the measured RTT. */
    SPIN_NS = 200000,
};

struct fakehost_options {
    const char *tun, *script, *log, *ready, *timing;
    long max_seconds;
    int check;
};

struct pending {
    long long due_ns;
    long long arrival_ns; /* the kernel's, or the read's when the kernel gave none */
    long long read_ns;
    uint16_t seq;
    bool kernel_arrival;
    unsigned long order; /* keeps answers due at the same time in arrival order */
    unsigned copies;
    size_t len;
    uint8_t *data;
};

struct fakehost {
    const struct fakehost_options *opt;
    struct script script;
    FILE *log, *timing;
    int tun, timer, sig, tap; /* tap: packet socket on the TUN, for arrival stamps */
    struct pending heap[QUEUE_MAX];
    size_t queued;
    unsigned long order;
    unsigned long nth;
    uint16_t ip_id;
    uint8_t buf[PACKET_MAX + 1], out[PACKET_MAX + 1];
};

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* IPv4 timestamp option value: milliseconds since midnight UT. */
static uint32_t timestamp_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint32_t)((ts.tv_sec % 86400) * 1000 + ts.tv_nsec / 1000000);
}

static void usage(FILE *to)
{
    fputs("usage: fakehost --tun NAME --script FILE [--log FILE] [--ready-file FILE]\n"
          "                [--max-seconds N] [--timing FILE]\n"
          "       fakehost --check --script FILE\n"
          "Creates TUN device NAME and answers the echo requests routed into it as FILE says.\n"
          "Prints \"ready\" (or writes the ready file) once the device exists; runs until\n"
          "SIGTERM or SIGINT, or for at most N seconds (default 120). --check only parses FILE.\n",
          to);
}

static int parse_options(int argc, char **argv, struct fakehost_options *opt)
{
    static const struct option longopts[] = {
        {"tun", required_argument, NULL, 't'},
        {"script", required_argument, NULL, 's'},
        {"log", required_argument, NULL, 'l'},
        {"ready-file", required_argument, NULL, 'r'},
        {"max-seconds", required_argument, NULL, 'm'},
        {"timing", required_argument, NULL, 'T'},
        {"check", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    char *end;
    memset(opt, 0, sizeof *opt);
    opt->max_seconds = 120;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            opt->tun = optarg;
            break;
        case 's':
            opt->script = optarg;
            break;
        case 'l':
            opt->log = optarg;
            break;
        case 'r':
            opt->ready = optarg;
            break;
        case 'T':
            opt->timing = optarg;
            break;
        case 'm':
            errno = 0;
            opt->max_seconds = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || opt->max_seconds < 1 ||
                opt->max_seconds > 86400) {
                fprintf(stderr, "fakehost: --max-seconds must be 1..86400, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'c':
            opt->check = 1;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "fakehost: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    if (!opt->script || (!opt->tun && !opt->check)) {
        fprintf(stderr, "fakehost: --script and --tun are required\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    if (opt->tun && strlen(opt->tun) >= IFNAMSIZ) {
        fprintf(stderr, "fakehost: interface name '%s' is too long\n", opt->tun);
        return EXIT_USAGE;
    }
    return 0;
}

/* Reads and parses the script; every failure is a start-up error with exit status 2. */
static int load_script(const char *path, struct script *script)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "fakehost: %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    char *text = malloc(SCRIPT_MAX_BYTES + 1);
    size_t n = text ? fread(text, 1, SCRIPT_MAX_BYTES + 1, f) : 0;
    int bad = !text || ferror(f);
    fclose(f);
    if (bad || n > SCRIPT_MAX_BYTES) {
        fprintf(stderr, "fakehost: %s: %s\n", path, bad ? "cannot read" : "larger than 1 MiB");
        free(text);
        return EXIT_USAGE;
    }
    text[n] = '\0';
    if (strlen(text) != n) {
        fprintf(stderr, "fakehost: %s: contains a NUL byte\n", path);
        free(text);
        return EXIT_USAGE;
    }
    char err[256];
    int line = script_parse(text, script, err, sizeof err);
    free(text);
    if (line != 0) {
        fprintf(stderr, "fakehost: %s:%d: %s\n", path, line, err);
        return EXIT_USAGE;
    }
    return 0;
}

static int tun_open(const char *name)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "fakehost: /dev/net/tun: %s\n", strerror(errno));
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    memcpy(ifr.ifr_name, name, strlen(name) + 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        fprintf(stderr, "fakehost: cannot create TUN device %s: %s\n", name, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* A packet socket on the TUN device sees each request as the kernel hands it to the device
 * (an outgoing packet there) and stamps it then (SO_TIMESTAMPNS, CLOCK_REALTIME): the arrival
 * time that a TUN read cannot give. -1 when it cannot be had: reads are the arrival then. */
static int tap_open(const char *name)
{
    int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0)
        return -1;
    int on = 1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, name, strlen(name) + 1);
    struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
    if (ioctl(fd, SIOCGIFINDEX, &ifr) == 0)
        ll.sll_ifindex = ifr.ifr_ifindex;
    if (ll.sll_ifindex == 0 || setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0 ||
        bind(fd, (struct sockaddr *)&ll, sizeof ll) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The kernel's arrival time (CLOCK_MONOTONIC ns) of the request just read from the TUN
 * (`data`, `len`), or -1: reads the tap until the copy of those bytes comes, dropping older
 * entries (requests the TUN already gave) and the answers fakehost wrote itself. `read_mono`
 * and `read_real` are the two clocks read together after the TUN read. */
static long long tap_arrival(struct fakehost *fh, const uint8_t *data, size_t len,
                             long long read_mono, long long read_real)
{
    if (fh->tap < 0)
        return -1;
    for (int i = 0; i < QUEUE_MAX; i++) {
        uint8_t copy[256];
        _Alignas(struct cmsghdr) char control[128];
        struct sockaddr_ll from;
        struct iovec iov = {copy, sizeof copy};
        struct msghdr msg = {.msg_name = &from,
                             .msg_namelen = sizeof from,
                             .msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control,
                             .msg_controllen = sizeof control};
        ssize_t n = recvmsg(fh->tap, &msg, MSG_TRUNC);
        if (n < 0)
            return -1;
        size_t compare = len < sizeof copy ? len : sizeof copy;
        if (from.sll_pkttype != PACKET_OUTGOING || (size_t)n != len ||
            memcmp(copy, data, compare) != 0)
            continue;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
                continue;
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            long long before = read_real - ((long long)ts.tv_sec * 1000000000 + ts.tv_nsec);
            /* A stamp after the read, or a second before it, is a clock step: not used. */
            return before >= 0 && before < 1000000000 ? read_mono - before : -1;
        }
        return -1;
    }
    return -1;
}

static long long real_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The ready file appears complete or not at all: written aside, then renamed. */
static int announce_ready(const char *path)
{
    if (!path) {
        fputs("ready\n", stdout);
        return fflush(stdout) == 0 ? 0 : -1;
    }
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return -1;
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    int bad = fputs("ready\n", f) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static void send_packet(struct fakehost *fh, const uint8_t *data, size_t len, unsigned copies)
{
    for (unsigned i = 0; i < copies; i++) {
        if (write(fh->tun, data, len) < 0) {
            fprintf(stderr, "fakehost: write to %s: %s\n", fh->opt->tun, strerror(errno));
            return;
        }
    }
}

static bool pending_before(const struct pending *a, const struct pending *b)
{
    return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->order < b->order);
}

static void heap_swap(struct fakehost *fh, size_t i, size_t j)
{
    struct pending t = fh->heap[i];
    fh->heap[i] = fh->heap[j];
    fh->heap[j] = t;
}

static void heap_pop(struct fakehost *fh)
{
    size_t i = 0;
    free(fh->heap[0].data);
    fh->heap[0] = fh->heap[--fh->queued];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, min = i;
        if (l < fh->queued && pending_before(&fh->heap[l], &fh->heap[min]))
            min = l;
        if (r < fh->queued && pending_before(&fh->heap[r], &fh->heap[min]))
            min = r;
        if (min == i)
            return;
        heap_swap(fh, i, min);
        i = min;
    }
}

static void arm_timer(struct fakehost *fh, long long at_ns)
{
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (at_ns > 0) {
        its.it_value.tv_sec = (time_t)(at_ns / 1000000000);
        its.it_value.tv_nsec = (long)(at_ns % 1000000000);
    }
    timerfd_settime(fh->timer, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Sends every answer that is due, waiting out the last SPIN_NS of each on the clock, and
 * re-arms the timer for the next one. */
static void service_queue(struct fakehost *fh)
{
    while (fh->queued > 0) {
        const struct pending *top = &fh->heap[0];
        long long now = mono_ns();
        if (top->due_ns - now > SPIN_NS) {
            arm_timer(fh, top->due_ns - SPIN_NS);
            return;
        }
        while (now < top->due_ns)
            now = mono_ns();
        send_packet(fh, top->data, top->len, top->copies);
        if (fh->timing) {
            long long written = mono_ns();
            fprintf(fh->timing, "seq=%u arrival=%s read_after_ns=%lld late_ns=%lld write_ns=%lld\n",
                    top->seq, top->kernel_arrival ? "kernel" : "read",
                    top->read_ns - top->arrival_ns, now - top->due_ns, written - now);
        }
        heap_pop(fh);
    }
    arm_timer(fh, 0);
}

/* Queues an answer; false when the queue is full or memory runs out. */
static bool enqueue(struct fakehost *fh, long long due_ns, const uint8_t *data, size_t len,
                    unsigned copies, const struct pending *times)
{
    if (fh->queued == QUEUE_MAX)
        return false;
    uint8_t *copy = malloc(len);
    if (!copy)
        return false;
    memcpy(copy, data, len);
    size_t i = fh->queued++;
    fh->heap[i] = *times;
    fh->heap[i].due_ns = due_ns;
    fh->heap[i].order = fh->order++;
    fh->heap[i].copies = copies;
    fh->heap[i].len = len;
    fh->heap[i].data = copy;
    while (i > 0 && pending_before(&fh->heap[i], &fh->heap[(i - 1) / 2])) {
        heap_swap(fh, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
    service_queue(fh);
    return true;
}

static void format_addr(int family, const uint8_t *addr, char *out, size_t len)
{
    if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, out, (socklen_t)len))
        snprintf(out, len, "?");
}

/* Decides and sends (or queues) the answer to one echo request; its delay counts from
 * `times->arrival_ns`. */
static void answer(struct fakehost *fh, const struct packet_echo *req, const struct pending *times)
{
    static const struct script_rule none = {
        .answer = SCRIPT_REPLY,
        .copies = 1,
        .reply = {.ttl = 64, .corrupt = -1, .truncate = -1, .oversize = -1},
        .error = {.ttl = 64},
    };
    unsigned long nth = ++fh->nth;
    const struct script_rule *rule = script_match(&fh->script, req->family, req->seq, nth);
    if (!rule)
        rule = &none;

    const char *action = "reply";
    size_t len = 0;
    bool too_big = rule->mtu != 0 && req->ip_len > rule->mtu;
    if (rule->answer == SCRIPT_SILENT) {
        action = "silent";
    } else if (rule->answer == SCRIPT_ERROR || too_big) {
        struct packet_error_spec spec = rule->error;
        if (too_big) {
            spec.type = req->family == 4 ? 3 : 2;
            spec.code = req->family == 4 ? 4 : 0;
            spec.info = rule->mtu;
        }
        spec.from = script_from(rule, req->family);
        spec.ip_id = fh->ip_id++;
        action = too_big ? "too-big" : "error";
        len = packet_build_error(req, &spec, fh->out, sizeof fh->out);
    } else {
        struct packet_reply_spec spec = rule->reply;
        spec.ip_id = fh->ip_id++;
        len = packet_build_reply(req, &spec, timestamp_ms(), fh->out, sizeof fh->out);
    }
    if (rule->answer != SCRIPT_SILENT && len == 0)
        action = "dropped-too-large";
    else if (len > 0 && rule->delay_ns == 0)
        send_packet(fh, fh->out, len, rule->copies);
    else if (len > 0 &&
             !enqueue(fh, times->arrival_ns + rule->delay_ns, fh->out, len, rule->copies, times))
        action = "dropped-queue-full";

    if (!fh->log)
        return;
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
    format_addr(req->family, req->src, src, sizeof src);
    format_addr(req->family, req->dst, dst, sizeof dst);
    fprintf(fh->log, "seq=%u nth=%lu family=%d id=%u bytes=%zu src=%s dst=%s rule=%d action=%s",
            req->seq, nth, req->family, req->id, req->payload_len, src, dst, rule->line, action);
    if (len > 0 && rule->delay_ns > 0)
        fprintf(fh->log, " delay_ms=%.3f", (double)rule->delay_ns / 1e6);
    if (len > 0 && rule->copies > 1)
        fprintf(fh->log, " copies=%u", rule->copies);
    fputc('\n', fh->log);
    fflush(fh->log);
}

/* Reads what the TUN has (a bounded burst, so due answers are not held up). */
static int read_tun(struct fakehost *fh)
{
    for (int i = 0; i < READ_BURST; i++) {
        ssize_t n = read(fh->tun, fh->buf, sizeof fh->buf);
        struct pending times = {.read_ns = mono_ns()};
        long long read_real = real_ns();
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return 0;
        if (n < 0) {
            fprintf(stderr, "fakehost: read from %s: %s\n", fh->opt->tun, strerror(errno));
            return -1;
        }
        struct packet_echo req;
        const char *why = packet_parse(fh->buf, (size_t)n, &req);
        if (!why) {
            times.arrival_ns = tap_arrival(fh, fh->buf, (size_t)n, times.read_ns, read_real);
            times.kernel_arrival = times.arrival_ns >= 0;
            if (!times.kernel_arrival)
                times.arrival_ns = times.read_ns;
            times.seq = req.seq;
            answer(fh, &req, &times);
        } else if (fh->log) {
            fprintf(fh->log, "ignored family=%d bytes=%zd reason=%s\n", n > 0 ? fh->buf[0] >> 4 : 0,
                    n, why);
            fflush(fh->log);
        }
    }
    return 0;
}

static int run(struct fakehost *fh)
{
    long long end_ns = mono_ns() + (long long)fh->opt->max_seconds * 1000000000;
    struct pollfd fds[3] = {
        {.fd = fh->sig, .events = POLLIN},
        {.fd = fh->timer, .events = POLLIN},
        {.fd = fh->tun, .events = POLLIN},
    };
    for (;;) {
        long long left = end_ns - mono_ns();
        if (left <= 0) {
            fprintf(stderr, "fakehost: --max-seconds %ld reached, exiting\n", fh->opt->max_seconds);
            return 0;
        }
        long long wait_ms = left / 1000000 + 1;
        int ready = poll(fds, 3, wait_ms > INT_MAX ? INT_MAX : (int)wait_ms);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0) {
            fprintf(stderr, "fakehost: poll: %s\n", strerror(errno));
            return 1;
        }
        if (fds[0].revents & POLLIN)
            return 0;
        if (fds[1].revents & POLLIN) {
            uint64_t expirations;
            if (read(fh->timer, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
                return 1;
            service_queue(fh);
        }
        if ((fds[2].revents & POLLIN) && read_tun(fh) < 0)
            return 1;
        if (fds[2].revents & (POLLERR | POLLHUP)) {
            fprintf(stderr, "fakehost: %s went away\n", fh->opt->tun);
            return 1;
        }
    }
}

int main(int argc, char **argv)
{
    static struct fakehost fh; /* large buffers: not on the stack */
    struct fakehost_options opt;
    int status = parse_options(argc, argv, &opt);
    if (status != 0)
        return status;
    fh.opt = &opt;
    fh.tun = fh.timer = fh.sig = fh.tap = -1;
    status = load_script(opt.script, &fh.script);
    if (status != 0 || opt.check)
        goto out;

    status = 1;
    if (opt.log && !(fh.log = fopen(opt.log, "w"))) {
        fprintf(stderr, "fakehost: %s: %s\n", opt.log, strerror(errno));
        goto out;
    }
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    signal(SIGPIPE, SIG_IGN);
    /* The default 50 us timer slack would show up in every delayed answer. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 ||
        (fh.sig = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
        (fh.timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0) {
        fprintf(stderr, "fakehost: %s\n", strerror(errno));
        goto out;
    }
    if ((fh.tun = tun_open(opt.tun)) < 0)
        goto out;
    fh.tap = tap_open(opt.tun);
    if (opt.timing && !(fh.timing = fopen(opt.timing, "w"))) {
        fprintf(stderr, "fakehost: %s: %s\n", opt.timing, strerror(errno));
        goto out;
    }
    if (fh.timing)
        setvbuf(fh.timing, NULL, _IOLBF, 0);
    if (announce_ready(opt.ready) != 0) {
        fprintf(stderr, "fakehost: cannot announce readiness%s%s\n", opt.ready ? " in " : "",
                opt.ready ? opt.ready : "");
        goto out;
    }
    status = run(&fh);
out:
    while (fh.queued > 0)
        heap_pop(&fh);
    if (fh.tun >= 0)
        close(fh.tun);
    if (fh.timer >= 0)
        close(fh.timer);
    if (fh.sig >= 0)
        close(fh.sig);
    if (fh.tap >= 0)
        close(fh.tap);
    if (fh.timing)
        fclose(fh.timing);
    if (fh.log)
        fclose(fh.log);
    script_free(&fh.script);
    return status;
}
