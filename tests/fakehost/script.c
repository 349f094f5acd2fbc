/* fakehost's rule file: the strict parser of its lines and the choice of the rule that
 * answers a request (format in README.md beside this file). */
#include "script.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    LINE_MAX_BYTES = 1024,
    COUNT_MAX = 100,
    FLOOD_MAX = 10000,
    /* Largest echo payload that still fits in an IPv4 packet with a bare header. */
    PAYLOAD_MAX = 65507,
};

/* Which actions a line has used, to refuse repeats and contradictions. */
enum {
    SEEN_REPLY = 1 << 0,
    SEEN_SILENT = 1 << 1,
    SEEN_DELAY = 1 << 2,
    SEEN_COUNT = 1 << 3,
    SEEN_FLOOD = 1 << 4,
    SEEN_CORRUPT = 1 << 5,
    SEEN_TRUNCATE = 1 << 6,
    SEEN_OVERSIZE = 1 << 7,
    SEEN_BADSUM = 1 << 8,
    SEEN_ID = 1 << 9,
    SEEN_SEQ = 1 << 10,
    SEEN_TTL = 1 << 11,
    SEEN_TOS = 1 << 12,
    SEEN_ERROR = 1 << 13,
    SEEN_FROM4 = 1 << 14,
    SEEN_FROM6 = 1 << 15,
    SEEN_QUOTE = 1 << 16,
    SEEN_INFO = 1 << 17,
    SEEN_OPTIONS = 1 << 18,
    SEEN_RR = 1 << 19,
    SEEN_MTU = 1 << 20,
};

#define REPLY_ONLY                                                                                 \
    (SEEN_REPLY | SEEN_CORRUPT | SEEN_TRUNCATE | SEEN_OVERSIZE | SEEN_ID | SEEN_SEQ |              \
     SEEN_OPTIONS | SEEN_RR)

static const struct {
    const char *name;
    unsigned flag;
} script_quotes[] = {
    {"truncated", PACKET_QUOTE_TRUNCATED},     {"foreign-id", PACKET_QUOTE_FOREIGN_ID},
    {"foreign-seq", PACKET_QUOTE_FOREIGN_SEQ}, {"bad-ip", PACKET_QUOTE_BAD_IP},
    {"other-dst", PACKET_QUOTE_OTHER_DST},
};

__attribute__((format(printf, 3, 4))) static void fail(char *err, size_t errlen, const char *fmt,
                                                       ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Plain decimal: digits only, no sign or spaces, at most max. */
static bool parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
    unsigned long n = 0;
    if (*s == '\0')
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned digit = (unsigned)(*s - '0');
        if (n > (max - digit) / 10)
            return false;
        n = n * 10 + digit;
    }
    *v = n;
    return true;
}

/* A delta with a mandatory sign, so "seq=+1" never reads like the selector "seq=1". */
static bool parse_delta(const char *s, int *v)
{
    unsigned long n;
    if ((*s != '+' && *s != '-') || !parse_ulong(s + 1, 65535, &n))
        return false;
    *v = *s == '-' ? -(int)n : (int)n;
    return true;
}

/* Milliseconds with up to 6 decimals (nanoseconds), as nanoseconds; at most an hour. */
static bool parse_delay(const char *s, long long *ns)
{
    char whole[16];
    const char *dot = strchr(s, '.');
    size_t wlen = dot ? (size_t)(dot - s) : strlen(s);
    unsigned long ms, frac = 0;
    if (wlen == 0 || wlen >= sizeof whole)
        return false;
    memcpy(whole, s, wlen);
    whole[wlen] = '\0';
    if (!parse_ulong(whole, 3600000, &ms))
        return false;
    if (dot) {
        size_t flen = strlen(dot + 1);
        if (flen == 0 || flen > 6 || !parse_ulong(dot + 1, 999999, &frac))
            return false;
        for (; flen < 6; flen++)
            frac *= 10;
    }
    *ns = (long long)ms * 1000000 + (long long)frac;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool parse_hex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(s);
    if (n == 0 || n % 2 || n / 2 > cap)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return true;
}

static bool parse_selector(struct script_rule *r, const char *tok)
{
    unsigned long a, b;
    const char *pct;
    if (strcmp(tok, "*") == 0) {
        r->selector = SCRIPT_ANY;
        return true;
    }
    if (strncmp(tok, "seq=", 4) == 0 && parse_ulong(tok + 4, 65535, &a)) {
        r->selector = SCRIPT_SEQ;
        r->a = a;
        return true;
    }
    if (strncmp(tok, "nth=", 4) != 0)
        return false;
    pct = strchr(tok + 4, '%');
    if (!pct) {
        if (!parse_ulong(tok + 4, 1000000000, &a) || a == 0)
            return false;
        r->selector = SCRIPT_NTH;
        r->a = a;
        return true;
    }
    char num[16];
    size_t nlen = (size_t)(pct - (tok + 4));
    if (nlen == 0 || nlen >= sizeof num)
        return false;
    memcpy(num, tok + 4, nlen);
    num[nlen] = '\0';
    if (!parse_ulong(num, 1000000000, &a) || !parse_ulong(pct + 1, 1000000000, &b) || b == 0 ||
        a >= b)
        return false;
    r->selector = SCRIPT_NTH_MOD;
    r->a = a;
    r->b = b;
    return true;
}

static bool parse_error_type(struct script_rule *r, const char *v)
{
    char num[8];
    const char *slash = strchr(v, '/');
    unsigned long type, code;
    size_t tlen = slash ? (size_t)(slash - v) : 0;
    if (!slash || tlen == 0 || tlen >= sizeof num)
        return false;
    memcpy(num, v, tlen);
    num[tlen] = '\0';
    if (!parse_ulong(num, 255, &type) || !parse_ulong(slash + 1, 255, &code))
        return false;
    r->error.type = (uint8_t)type;
    r->error.code = (uint8_t)code;
    return true;
}

static bool parse_from(struct script_rule *r, const char *v, unsigned *flag)
{
    if (inet_pton(AF_INET, v, r->from4) == 1) {
        *flag = SEEN_FROM4;
        r->has_from4 = true;
        return true;
    }
    if (inet_pton(AF_INET6, v, r->from6) == 1) {
        *flag = SEEN_FROM6;
        r->has_from6 = true;
        return true;
    }
    return false;
}

static bool parse_quote(struct script_rule *r, const char *v, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof script_quotes / sizeof script_quotes[0]; i++) {
        if (strcmp(v, script_quotes[i].name) != 0)
            continue;
        if (r->error.quote & script_quotes[i].flag) {
            fail(err, errlen, "'quote=%s' given twice", v);
            return false;
        }
        r->error.quote |= script_quotes[i].flag;
        return true;
    }
    fail(err, errlen,
         "unknown quote mode '%s' (truncated, foreign-id, foreign-seq, bad-ip, "
         "other-dst)",
         v);
    return false;
}

/* Parses one action token into r; *flag receives the SEEN_ bit it used. */
static bool parse_action(struct script_rule *r, const char *tok, unsigned *flag, char *err,
                         size_t errlen)
{
    const char *eq = strchr(tok, '=');
    const char *v = eq ? eq + 1 : NULL;
    size_t klen = eq ? (size_t)(eq - tok) : strlen(tok);
    unsigned long n;
    bool ok = true;
#define KEY(name) (klen == sizeof(name) - 1 && strncmp(tok, name, klen) == 0)
    if (!eq && KEY("reply")) {
        *flag = SEEN_REPLY;
    } else if (!eq && KEY("silent")) {
        *flag = SEEN_SILENT;
        r->answer = SCRIPT_SILENT;
    } else if (!eq && KEY("badsum")) {
        *flag = SEEN_BADSUM;
        r->reply.badsum = r->error.badsum = true;
    } else if (!eq && KEY("rr")) {
        *flag = SEEN_RR;
        r->reply.rr = true;
    } else if (!eq) {
        fail(err, errlen, "unknown action '%s'", tok);
        return false;
    } else if (KEY("delay")) {
        *flag = SEEN_DELAY;
        ok = parse_delay(v, &r->delay_ns);
    } else if (KEY("count") || KEY("flood")) {
        bool flood = KEY("flood");
        *flag = flood ? SEEN_FLOOD : SEEN_COUNT;
        ok = parse_ulong(v, flood ? FLOOD_MAX : COUNT_MAX, &n) && n > 0;
        r->copies = (unsigned)n;
    } else if (KEY("corrupt")) {
        *flag = SEEN_CORRUPT;
        ok = parse_ulong(v, PAYLOAD_MAX - 1, &n);
        r->reply.corrupt = (long)n;
    } else if (KEY("truncate")) {
        *flag = SEEN_TRUNCATE;
        ok = parse_ulong(v, PAYLOAD_MAX, &n);
        r->reply.truncate = (long)n;
    } else if (KEY("oversize")) {
        *flag = SEEN_OVERSIZE;
        ok = parse_ulong(v, PAYLOAD_MAX, &n);
        r->reply.oversize = (long)n;
    } else if (KEY("id")) {
        *flag = SEEN_ID;
        ok = parse_delta(v, &r->reply.id_delta);
    } else if (KEY("seq")) {
        *flag = SEEN_SEQ;
        ok = parse_delta(v, &r->reply.seq_delta);
    } else if (KEY("ttl") || KEY("tos")) {
        bool ttl = KEY("ttl");
        *flag = ttl ? SEEN_TTL : SEEN_TOS;
        ok = parse_ulong(v, 255, &n);
        if (ttl)
            r->reply.ttl = r->error.ttl = (uint8_t)n;
        else
            r->reply.tos = r->error.tos = (uint8_t)n;
    } else if (KEY("error")) {
        *flag = SEEN_ERROR;
        r->answer = SCRIPT_ERROR;
        ok = parse_error_type(r, v);
    } else if (KEY("info")) {
        *flag = SEEN_INFO;
        ok = parse_ulong(v, 4294967295ul, &n);
        r->error.info = (uint32_t)n;
    } else if (KEY("from")) {
        ok = parse_from(r, v, flag);
    } else if (KEY("quote")) {
        *flag = SEEN_QUOTE;
        return parse_quote(r, v, err, errlen);
    } else if (KEY("options")) {
        *flag = SEEN_OPTIONS;
        ok = parse_hex(v, r->options, sizeof r->options, &r->reply.options_len);
    } else if (KEY("mtu")) {
        *flag = SEEN_MTU;
        ok = parse_ulong(v, 65535, &n) && n >= 68;
        r->mtu = (uint32_t)n;
    } else {
        fail(err, errlen, "unknown action '%s'", tok);
        return false;
    }
#undef KEY
    if (!ok)
        fail(err, errlen, "bad value in '%s'", tok);
    return ok;
}

/* Refuses combinations that cannot describe one answer. */
static bool check_rule(unsigned seen, char *err, size_t errlen)
{
    static const struct {
        unsigned both;
        const char *message;
    } excl[] = {
        {SEEN_TRUNCATE | SEEN_OVERSIZE, "'truncate' and 'oversize' exclude each other"},
        {SEEN_OPTIONS | SEEN_RR, "'options' and 'rr' exclude each other"},
        {SEEN_COUNT | SEEN_FLOOD, "'count' and 'flood' exclude each other"},
        {SEEN_ERROR | SEEN_MTU, "'error' and 'mtu' exclude each other"},
    };
    if ((seen & SEEN_SILENT) && seen != SEEN_SILENT) {
        fail(err, errlen, "'silent' cannot be combined with other actions");
        return false;
    }
    if ((seen & SEEN_ERROR) && (seen & REPLY_ONLY)) {
        fail(err, errlen,
             "'error' cannot be combined with echo reply actions (reply, corrupt, "
             "truncate, oversize, id, seq, options, rr)");
        return false;
    }
    for (size_t i = 0; i < sizeof excl / sizeof excl[0]; i++) {
        if ((seen & excl[i].both) == excl[i].both) {
            fail(err, errlen, "%s", excl[i].message);
            return false;
        }
    }
    if ((seen & (SEEN_FROM4 | SEEN_FROM6 | SEEN_QUOTE | SEEN_INFO)) &&
        !(seen & (SEEN_ERROR | SEEN_MTU))) {
        fail(err, errlen, "'from', 'quote' and 'info' need 'error' or 'mtu'");
        return false;
    }
    return true;
}

static bool parse_line(struct script_rule *r, char *line, char *err, size_t errlen)
{
    char *save = NULL;
    char *tok = strtok_r(line, " \t\r", &save);
    unsigned seen = 0;
    if (!parse_selector(r, tok)) {
        fail(err, errlen, "bad selector '%s' (expected *, seq=N, nth=N or nth=N%%M)", tok);
        return false;
    }
    while ((tok = strtok_r(NULL, " \t\r", &save)) != NULL) {
        unsigned flag = 0;
        if (strncmp(tok, "family=", 7) == 0) {
            if (r->family != 0 || (strcmp(tok + 7, "4") != 0 && strcmp(tok + 7, "6") != 0)) {
                fail(err, errlen, "bad or repeated '%s' (family=4 or family=6, once)", tok);
                return false;
            }
            r->family = tok[7] - '0';
            continue;
        }
        if (!parse_action(r, tok, &flag, err, errlen))
            return false;
        if ((seen & flag) && flag != SEEN_QUOTE) {
            fail(err, errlen, "'%s' repeats an action given before", tok);
            return false;
        }
        seen |= flag;
    }
    return check_rule(seen, err, errlen);
}

int script_parse(const char *text, struct script *out, char *err, size_t errlen)
{
    size_t cap = 0;
    int line = 0;
    out->rules = NULL;
    out->count = 0;
    while (*text) {
        const char *eol = strchr(text, '\n');
        size_t n = eol ? (size_t)(eol - text) : strlen(text);
        char buf[LINE_MAX_BYTES];
        line++;
        if (n >= sizeof buf) {
            fail(err, errlen, "line longer than %d bytes", LINE_MAX_BYTES - 1);
            goto bad;
        }
        memcpy(buf, text, n);
        buf[n] = '\0';
        text += eol ? n + 1 : n;
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        if (buf[strspn(buf, " \t\r")] == '\0')
            continue;

        struct script_rule r;
        memset(&r, 0, sizeof r);
        r.line = line;
        r.copies = 1;
        packet_reply_spec_init(&r.reply);
        packet_error_spec_init(&r.error);
        if (!parse_line(&r, buf, err, errlen))
            goto bad;
        if (out->count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct script_rule *grown = realloc(out->rules, ncap * sizeof *grown);
            if (!grown) {
                fail(err, errlen, "out of memory");
                line = -1;
                goto bad;
            }
            out->rules = grown;
            cap = ncap;
        }
        out->rules[out->count++] = r;
    }
    /* Only now that the array no longer moves may rules point into themselves. */
    for (size_t i = 0; i < out->count; i++) {
        struct script_rule *r = &out->rules[i];
        r->reply.options = r->reply.options_len ? r->options : NULL;
    }
    return 0;
bad:
    script_free(out);
    return line;
}

void script_free(struct script *script)
{
    free(script->rules);
    script->rules = NULL;
    script->count = 0;
}

const struct script_rule *script_match(const struct script *script, int family, uint16_t seq,
                                       unsigned long nth)
{
    for (size_t i = 0; i < script->count; i++) {
        const struct script_rule *r = &script->rules[i];
        if (r->family != 0 && r->family != family)
            continue;
        switch (r->selector) {
        case SCRIPT_ANY:
            return r;
        case SCRIPT_SEQ:
            if (seq == r->a)
                return r;
            break;
        case SCRIPT_NTH:
            if (nth == r->a)
                return r;
            break;
        case SCRIPT_NTH_MOD:
            if (nth % r->b == r->a)
                return r;
            break;
        }
    }
    return NULL;
}

const uint8_t *script_from(const struct script_rule *rule, int family)
{
    if (family == 4)
        return rule->has_from4 ? rule->from4 : NULL;
    return rule->has_from6 ? rule->from6 : NULL;
}
