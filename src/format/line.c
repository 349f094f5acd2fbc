/* The line builder and ping.exe's per-request texts that the formatters share (line.h). */
#include "line.h"

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <wping/address.h>

static void S_reserve(struct format_line *b, size_t more)
{
    size_t capacity;
    char *data;

    if (b->failed || b->length + more + 1 <= b->capacity)
        return;
    capacity = b->capacity != 0 ? b->capacity : 256;
    while (capacity < b->length + more + 1)
        capacity *= 2;
    data = realloc(b->data, capacity);
    if (data == NULL) {
        b->failed = true;
        return;
    }
    b->data = data;
    b->capacity = capacity;
}

void format_line_raw(struct format_line *b, const char *text, size_t length)
{
    S_reserve(b, length);
    if (b->failed)
        return;
    memcpy(b->data + b->length, text, length);
    b->length += length;
    b->data[b->length] = '\0';
}

void format_line_vprintf(struct format_line *b, const char *fmt, va_list ap)
{
    char small[128];
    va_list again;
    int length;

    va_copy(again, ap);
    length = vsnprintf(small, sizeof(small), fmt, ap);
    if (length < 0) {
        b->failed = true;
    } else if ((size_t)length < sizeof(small)) {
        format_line_raw(b, small, (size_t)length);
    } else {
        S_reserve(b, (size_t)length);
        if (!b->failed) {
            vsnprintf(b->data + b->length, (size_t)length + 1, fmt, again);
            b->length += (size_t)length;
        }
    }
    va_end(again);
}

void format_line_printf(struct format_line *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    format_line_vprintf(b, fmt, ap);
    va_end(ap);
}

void format_line_start(struct format_line *b)
{
    b->length = 0;
    b->failed = false;
}

int format_line_write(struct format_line *b, FILE *out)
{
    format_line_raw(b, "\n", 1);
    if (b->failed) {
        errno = ENOMEM;
        return -1;
    }
    if (fwrite(b->data, 1, b->length, out) != b->length)
        return -1;
    return 0;
}

void format_line_free(struct format_line *b)
{
    free(b->data);
    *b = (struct format_line){0};
}

const char *format_status_text(uint32_t status)
{
    switch (status) {
    case ECHO_BUF_TOO_SMALL:
        return "Buffer too small.";
    case ECHO_DEST_NET_UNREACHABLE:
        return "Destination net unreachable.";
    case ECHO_DEST_HOST_UNREACHABLE:
        return "Destination host unreachable.";
    case ECHO_DEST_PROT_UNREACHABLE:
        return "Destination protocol unreachable.";
    case ECHO_DEST_PORT_UNREACHABLE:
        return "Destination port unreachable.";
    case ECHO_NO_RESOURCES:
        return "No resources.";
    case ECHO_BAD_OPTION:
        return "Bad option.";
    case ECHO_HW_ERROR:
        return "Hardware error.";
    case ECHO_PACKET_TOO_BIG:
        return "Packet needs to be fragmented but DF set.";
    case ECHO_REQ_TIMED_OUT:
        return "Request timed out.";
    case ECHO_BAD_REQ:
        return "Bad request.";
    case ECHO_BAD_ROUTE:
        return "Bad route.";
    case ECHO_TTL_EXPIRED_TRANSIT:
        return "TTL expired in transit.";
    case ECHO_TTL_EXPIRED_REASSEM:
        return "TTL expired during fragment reassembly.";
    case ECHO_PARAM_PROBLEM:
        return "Parameter problem.";
    case ECHO_SOURCE_QUENCH:
        return "Source quench.";
    case ECHO_OPTION_TOO_BIG:
        return "Option too big.";
    case ECHO_BAD_DESTINATION:
        return "Bad destination.";
    /* The IPv6-only statuses have no known ping.exe text; these are wping's. */
    case ECHO_DEST_UNREACHABLE:
        return "Destination unreachable.";
    case ECHO_TIME_EXCEEDED:
        return "Time exceeded.";
    case ECHO_BAD_HEADER:
        return "Bad header.";
    case ECHO_UNRECOGNIZED_NEXT_HEADER:
        return "Unrecognized next header.";
    case ECHO_ICMP_ERROR:
        return "ICMP error.";
    case ECHO_DEST_SCOPE_MISMATCH:
        return "Destination scope mismatch.";
    case ECHO_GENERAL_FAILURE:
        return "General failure.";
    default:
        return NULL;
    }
}

/* The line for a request that never left: ping.exe tells a firewall refusal ("General
 * failure."), a too-big packet and every other send error apart. */
static const char *S_local_failure(const struct echo_outcome *outcome)
{
    const char *status_text;

    switch (outcome->send_errno) {
    case 0:
        status_text = format_status_text(outcome->status);
        return status_text != NULL ? status_text : "General failure.";
    case EPERM:
    case EACCES:
        return "General failure.";
    case EMSGSIZE:
        return "Packet needs to be fragmented but DF set.";
    default:
        return "PING: transmit failed. General failure.";
    }
}

int format_outcome_line(const struct format_reply *reply, int family, char *out, size_t size)
{
    const struct echo_outcome *outcome = reply->outcome;
    char responder[NI_MAXHOST];
    char bytes[64], time[32], ttl[16] = "";
    uint64_t ms;
    const char *status_text;

    echo_address_text(&outcome->responder, responder, sizeof(responder));
    switch (format_classify(outcome)) {
    case FORMAT_CLASS_TIMEOUT:
        return snprintf(out, size, "Request timed out.");
    case FORMAT_CLASS_LOCAL:
        return snprintf(out, size, "%s", S_local_failure(outcome));
    case FORMAT_CLASS_ICMP_ERROR:
        status_text = format_status_text(outcome->status);
        if (status_text != NULL)
            return snprintf(out, size, "Reply from %s: %s", responder, status_text);
        return snprintf(out, size, "Reply from %s: Unknown IP status %" PRIu32 ".", responder,
                        outcome->status);
    case FORMAT_CLASS_SUCCESS:
        break;
    }

    ms = format_rtt_ms(outcome->rtt_ns);
    if (ms == 0)
        memcpy(time, "time<1ms", sizeof("time<1ms"));
    else
        snprintf(time, sizeof(time), "time=%" PRIu64 "ms", ms);
    /* A reply of another size than the request says so, the way ping.exe is remembered to. */
    if (outcome->data_len != outcome->sent_size)
        snprintf(bytes, sizeof(bytes), "bytes=%zu (sent %zu) ", outcome->data_len,
                 outcome->sent_size);
    else if (family == AF_INET6)
        bytes[0] = '\0'; /* ping.exe's IPv6 replies show neither bytes nor TTL */
    else
        snprintf(bytes, sizeof(bytes), "bytes=%zu ", outcome->data_len);
    if (family != AF_INET6 && outcome->ttl >= 0)
        snprintf(ttl, sizeof(ttl), " TTL=%d", outcome->ttl);
    return snprintf(out, size, "Reply from %s: %s%s%s", responder, bytes, time, ttl);
}
