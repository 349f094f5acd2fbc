/* script: fakehost's rule file, parsed strictly, and the choice of the rule for a request.
 * The format is described in README.md beside this file. */
#ifndef FAKEHOST_SCRIPT_H
#define FAKEHOST_SCRIPT_H

#include "packet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum script_selector { SCRIPT_ANY, SCRIPT_SEQ, SCRIPT_NTH, SCRIPT_NTH_MOD };

enum script_answer {
    SCRIPT_REPLY,  /* an echo reply (reply fields apply) */
    SCRIPT_SILENT, /* nothing */
    SCRIPT_ERROR,  /* an ICMP error (error fields apply) */
};

struct script_rule {
    int line; /* in the script file, 1-based */
    enum script_selector selector;
    unsigned long a, b; /* seq=a, nth=a, nth=a%b */
    int family;         /* 4 or 6: the rule applies to that family only; 0: both */

    enum script_answer answer;
    long long delay_ns; /* before the answer is sent */
    unsigned copies;    /* count=K or flood=K; 1 by default */
    uint32_t mtu;       /* answer "too big" to larger requests instead; 0: off */
    struct packet_reply_spec reply;
    uint8_t options[PACKET_OPTIONS_MAX]; /* storage for reply.options */
    struct packet_error_spec error;      /* type/code/info/quote/badsum; ttl/tos shared */
    bool has_from4, has_from6;
    uint8_t from4[4], from6[16];
};

struct script {
    struct script_rule *rules;
    size_t count;
};

/* Parses the NUL-terminated script text. Returns 0 and fills *out (release with script_free),
 * or returns the 1-based number of the first bad line with a message in err (errlen bytes);
 * returns -1 when memory runs out. */
int script_parse(const char *text, struct script *out, char *err, size_t errlen);

void script_free(struct script *script);

/* The first rule matching an echo request of this family (4 or 6) with sequence number seq
 * that is the nth request received (1-based), or NULL when none does. */
const struct script_rule *script_match(const struct script *script, int family, uint16_t seq,
                                       unsigned long nth);

/* The error source address a rule asks for, for a request of this family, or NULL. */
const uint8_t *script_from(const struct script_rule *rule, int family);

#endif
