/* Unit test of fakehost's packet and script modules: requests are built byte by byte here,
 * fed to the parser and builders, and the answers are checked field by field. */
#include "packet.h"
#include "script.h"

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, __func__, #cond); \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static const uint8_t client4[4] = {198, 18, 1, 2};
static const uint8_t target4[4] = {198, 18, 2, 5};
static const uint8_t client6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2};
static const uint8_t target6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 5};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void fill_payload(uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)('a' + i % 23);
}

/* An IPv4 echo request with optional IP options (a multiple of 4 bytes). */
static size_t make_request4(uint8_t *p, uint16_t id, uint16_t seq, size_t plen, const uint8_t *opts,
                            size_t olen)
{
    size_t hlen = 20 + olen, total = hlen + 8 + plen;
    memset(p, 0, total);
    p[0] = (uint8_t)(0x40 | hlen / 4);
    p[1] = 0x10;
    put16(p + 2, (uint16_t)total);
    put16(p + 4, 0x1234);
    put16(p + 6, 0x4000); /* DF */
    p[8] = 63;
    p[9] = 1;
    memcpy(p + 12, client4, 4);
    memcpy(p + 16, target4, 4);
    if (olen)
        memcpy(p + 20, opts, olen);
    put16(p + 10, packet_checksum(p, hlen, 0));
    uint8_t *icmp = p + hlen;
    icmp[0] = 8;
    put16(icmp + 4, id);
    put16(icmp + 6, seq);
    fill_payload(icmp + 8, plen);
    put16(icmp + 2, packet_checksum(icmp, 8 + plen, 0));
    return total;
}

/* An IPv6 echo request, with a hop-by-hop header (PadN only) when hbh is set. */
static size_t make_request6(uint8_t *p, uint16_t id, uint16_t seq, size_t plen, int hbh)
{
    size_t ext = hbh ? 8 : 0, total = 40 + ext + 8 + plen;
    memset(p, 0, total);
    p[0] = 0x6a; /* traffic class 0xa0 */
    put16(p + 4, (uint16_t)(total - 40));
    p[6] = hbh ? 0 : 58;
    p[7] = 61;
    memcpy(p + 8, client6, 16);
    memcpy(p + 24, target6, 16);
    if (hbh) {
        p[40] = 58;
        p[41] = 0;
        p[42] = 1; /* PadN */
        p[43] = 4;
    }
    uint8_t *icmp = p + 40 + ext;
    icmp[0] = 128;
    put16(icmp + 4, id);
    put16(icmp + 6, seq);
    fill_payload(icmp + 8, plen);
    put16(icmp + 2, packet_checksum6(client6, target6, icmp, 8 + plen));
    return total;
}

static uint8_t in[PACKET_MAX], out[PACKET_MAX];

static void test_checksum_matches_rfc1071_example(void)
{
    static const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(packet_checksum(data, sizeof data, 0) == (uint16_t)~0xddf2);
    static const uint8_t odd[] = {0x01, 0x02, 0x03};
    CHECK(packet_checksum(odd, sizeof odd, 0) == (uint16_t)~0x0402);
}

static void test_parse_reads_ipv4_echo_request(void)
{
    static const uint8_t nops[4] = {1, 1, 1, 0};
    size_t n = make_request4(in, 0xbeef, 7, 32, nops, sizeof nops);
    struct packet_echo req;
    CHECK(packet_parse(in, n, &req) == NULL);
    CHECK(req.family == 4);
    CHECK(req.id == 0xbeef && req.seq == 7);
    CHECK(req.payload_len == 32 && req.payload[0] == 'a' && req.payload[31] == 'i');
    CHECK(memcmp(req.src, client4, 4) == 0 && memcmp(req.dst, target4, 4) == 0);
    CHECK(req.ttl == 63 && req.tos == 0x10);
    CHECK(req.ip_hlen == 24 && req.options_len == 4 && req.options == in + 20);
}

static void test_parse_ignores_what_is_not_a_valid_echo_request(void)
{
    struct packet_echo req;
    size_t n = make_request4(in, 1, 1, 8, NULL, 0);
    CHECK(strcmp(packet_parse(in, 10, &req), "short") == 0);
    CHECK(strcmp(packet_parse(in, n - 1, &req), "short") == 0);
    in[0] = 0x55;
    CHECK(strcmp(packet_parse(in, n, &req), "version") == 0);

    make_request4(in, 1, 1, 8, NULL, 0);
    in[8] = 1; /* TTL changed, header checksum not */
    CHECK(strcmp(packet_parse(in, n, &req), "header-checksum") == 0);

    make_request4(in, 1, 1, 8, NULL, 0);
    in[30] ^= 1;
    CHECK(strcmp(packet_parse(in, n, &req), "checksum") == 0);

    make_request4(in, 1, 1, 8, NULL, 0);
    in[20] = 0; /* an echo reply */
    put16(in + 22, 0);
    put16(in + 22, packet_checksum(in + 20, n - 20, 0));
    CHECK(strcmp(packet_parse(in, n, &req), "not-echo-request") == 0);

    make_request4(in, 1, 1, 8, NULL, 0);
    put16(in + 6, 0x2000); /* more fragments */
    put16(in + 10, 0);
    put16(in + 10, packet_checksum(in, 20, 0));
    CHECK(strcmp(packet_parse(in, n, &req), "fragment") == 0);

    n = make_request6(in, 1, 1, 8, 0);
    in[6] = 17;
    CHECK(strcmp(packet_parse(in, n, &req), "not-icmp") == 0);
}

static void test_parse_reads_ipv6_echo_request_after_extension_header(void)
{
    size_t n = make_request6(in, 0x4242, 65535, 56, 1);
    struct packet_echo req;
    CHECK(packet_parse(in, n, &req) == NULL);
    CHECK(req.family == 6 && req.id == 0x4242 && req.seq == 65535);
    CHECK(req.ip_hlen == 48 && req.payload_len == 56);
    CHECK(req.ttl == 61 && req.tos == 0xa0);
    CHECK(memcmp(req.src, client6, 16) == 0 && memcmp(req.dst, target6, 16) == 0);
}

static void test_reply4_swaps_addresses_with_valid_checksums(void)
{
    size_t n = make_request4(in, 0x1111, 3, 40, NULL, 0);
    struct packet_echo req;
    struct packet_reply_spec spec;
    CHECK(packet_parse(in, n, &req) == NULL);
    packet_reply_spec_init(&spec);
    size_t len = packet_build_reply(&req, &spec, 0, out, sizeof out);
    CHECK(len == n);
    CHECK(out[0] == 0x45 && get16(out + 2) == n && out[8] == 64 && out[9] == 1);
    CHECK(get16(out + 6) == 0); /* DF clear */
    CHECK(memcmp(out + 12, target4, 4) == 0 && memcmp(out + 16, client4, 4) == 0);
    CHECK(packet_checksum(out, 20, 0) == 0);
    CHECK(packet_checksum(out + 20, len - 20, 0) == 0);
    CHECK(out[20] == 0 && out[21] == 0 && get16(out + 24) == 0x1111 && get16(out + 26) == 3);
    CHECK(memcmp(out + 28, in + 28, 40) == 0);
    CHECK(packet_build_reply(&req, &spec, 0, out, n - 1) == 0);
}

static void test_reply_modifiers_change_only_what_they_name(void)
{
    size_t n = make_request4(in, 0xfffe, 0, 30, NULL, 0);
    struct packet_echo req;
    struct packet_reply_spec spec;
    CHECK(packet_parse(in, n, &req) == NULL);

    packet_reply_spec_init(&spec);
    spec.corrupt = 5;
    spec.id_delta = 3;
    spec.seq_delta = -1;
    spec.ttl = 7;
    spec.tos = 0x28;
    size_t len = packet_build_reply(&req, &spec, 0, out, sizeof out);
    CHECK(len == n && out[8] == 7 && out[1] == 0x28);
    CHECK(get16(out + 24) == 1 && get16(out + 26) == 0xffff);
    CHECK(out[28 + 5] == (uint8_t) ~('a' + 5) && out[28 + 4] == 'a' + 4 && out[28 + 6] == 'a' + 6);
    CHECK(packet_checksum(out + 20, len - 20, 0) == 0);

    packet_reply_spec_init(&spec);
    spec.truncate = 4;
    len = packet_build_reply(&req, &spec, 0, out, sizeof out);
    CHECK(len == 20 + 8 + 4 && get16(out + 2) == len);
    CHECK(packet_checksum(out + 20, len - 20, 0) == 0);

    packet_reply_spec_init(&spec);
    spec.oversize = 50;
    len = packet_build_reply(&req, &spec, 0, out, sizeof out);
    CHECK(len == 20 + 8 + 50);
    CHECK(out[28 + 29] == 'a' + 6 && out[28 + 30] == 'a' + 7 && out[28 + 49] == 'a' + 3);
    CHECK(packet_checksum(out + 20, len - 20, 0) == 0);

    packet_reply_spec_init(&spec);
    spec.badsum = true;
    len = packet_build_reply(&req, &spec, 0, out, sizeof out);
    CHECK(packet_checksum(out + 20, len - 20, 0) != 0 && packet_checksum(out, 20, 0) == 0);

    packet_reply_spec_init(&spec);
    spec.corrupt = 30; /* beyond the payload: nothing to flip */
    len = packet_build_reply(&req, &spec, 0, out, sizeof out);
    CHECK(len == n && memcmp(out + 28, in + 28, 30) == 0);
}

static void test_reply_rr_fills_next_record_route_and_timestamp_slots(void)
{
    /* RR with 3 slots, the first already used by a router; TS (flag 0) with 2 slots. */
    static const uint8_t opts[28] = {7, 15, 8,  198, 18, 1, 1, 0, 0, 0, 0, 0, 0, 0,
                                     0, 68, 12, 5,   0,  0, 0, 0, 0, 0, 0, 0, 0, 1};
    size_t n = make_request4(in, 9, 9, 8, opts, sizeof opts);
    struct packet_echo req;
    struct packet_reply_spec spec;
    CHECK(packet_parse(in, n, &req) == NULL);
    packet_reply_spec_init(&spec);
    spec.rr = true;
    size_t len = packet_build_reply(&req, &spec, 0x01020304, out, sizeof out);
    /* 15 + 12 option bytes padded to 28 (the trailing NOP is dropped) */
    CHECK(len == 20 + 28 + 8 + 8 && out[0] == 0x4c);
    const uint8_t *rr = out + 20, *ts = out + 35;
    CHECK(rr[0] == 7 && rr[1] == 15 && rr[2] == 12);
    CHECK(memcmp(rr + 3, (const uint8_t[]){198, 18, 1, 1}, 4) == 0);
    CHECK(memcmp(rr + 7, target4, 4) == 0);
    CHECK(ts[0] == 68 && ts[2] == 9 && ts[3] == 0);
    CHECK(memcmp(ts + 4, (const uint8_t[]){1, 2, 3, 4}, 4) == 0);
    CHECK(out[47] == 0);
    CHECK(packet_checksum(out, 48, 0) == 0 && packet_checksum(out + 48, 16, 0) == 0);

    /* A full timestamp option only counts the overflow. */
    static const uint8_t full[8] = {68, 8, 9, 1, 0, 0, 0, 0};
    n = make_request4(in, 9, 9, 8, full, sizeof full);
    CHECK(packet_parse(in, n, &req) == NULL);
    len = packet_build_reply(&req, &spec, 5, out, sizeof out);
    CHECK(len == n && out[22] == 9 && out[23] == 0x11);
}

static void test_reply_options_are_copied_and_padded(void)
{
    static const uint8_t raw[3] = {0x94, 0x04, 0x00};
    size_t n = make_request4(in, 1, 2, 0, NULL, 0);
    struct packet_echo req;
    struct packet_reply_spec spec;
    CHECK(packet_parse(in, n, &req) == NULL);
    packet_reply_spec_init(&spec);
    spec.options = raw;
    spec.options_len = sizeof raw;
    size_t len = packet_build_reply(&req, &spec, 0, out, sizeof out);
    CHECK(len == 24 + 8 && out[0] == 0x46);
    CHECK(out[20] == 0x94 && out[21] == 4 && out[22] == 0 && out[23] == 0);
    CHECK(packet_checksum(out, 24, 0) == 0);
}

static void test_reply6_has_valid_pseudo_header_checksum(void)
{
    size_t n = make_request6(in, 77, 5, 16, 1);
    struct packet_echo req;
    struct packet_reply_spec spec;
    CHECK(packet_parse(in, n, &req) == NULL);
    packet_reply_spec_init(&spec);
    spec.ttl = 200;
    spec.tos = 0xb8;
    size_t len = packet_build_reply(&req, &spec, 0, out, sizeof out);
    CHECK(len == 40 + 8 + 16); /* the extension header is not echoed */
    CHECK(out[0] == 0x6b && out[1] == 0x80 && out[6] == 58 && out[7] == 200);
    CHECK(get16(out + 4) == 24);
    CHECK(memcmp(out + 8, target6, 16) == 0 && memcmp(out + 24, client6, 16) == 0);
    CHECK(out[40] == 129 && get16(out + 44) == 77 && get16(out + 46) == 5);
    CHECK(packet_checksum6(out + 8, out + 24, out + 40, len - 40) == 0);
}

static void test_error4_quotes_header_and_8_bytes(void)
{
    static const uint8_t router[4] = {198, 18, 9, 9};
    size_t n = make_request4(in, 0x0102, 0x0304, 100, NULL, 0);
    struct packet_echo req;
    struct packet_error_spec spec;
    CHECK(packet_parse(in, n, &req) == NULL);
    packet_error_spec_init(&spec);
    spec.type = 3;
    spec.code = 4;
    spec.info = 1000;
    spec.from = router;
    size_t len = packet_build_error(&req, &spec, out, sizeof out);
    CHECK(len == 20 + 8 + 28);
    CHECK(memcmp(out + 12, router, 4) == 0 && memcmp(out + 16, client4, 4) == 0);
    CHECK(out[20] == 3 && out[21] == 4 && get16(out + 24) == 0 && get16(out + 26) == 1000);
    CHECK(memcmp(out + 28, in, 28) == 0);
    CHECK(packet_checksum(out, 20, 0) == 0 && packet_checksum(out + 20, len - 20, 0) == 0);

    spec.from = NULL;
    spec.quote = PACKET_QUOTE_FOREIGN_ID | PACKET_QUOTE_FOREIGN_SEQ | PACKET_QUOTE_OTHER_DST;
    len = packet_build_error(&req, &spec, out, sizeof out);
    CHECK(memcmp(out + 12, target4, 4) == 0);
    CHECK(get16(out + 28 + 24) == 0xfefd && get16(out + 28 + 26) == 0xfcfb);
    CHECK(out[28 + 19] == (uint8_t)~5 && memcmp(out + 28 + 12, client4, 4) == 0);

    spec.quote = PACKET_QUOTE_TRUNCATED | PACKET_QUOTE_BAD_IP;
    len = packet_build_error(&req, &spec, out, sizeof out);
    CHECK(len == 20 + 8 + 24);
    CHECK(out[28] == 0xf5 && out[28 + 9] == 17);
    CHECK(packet_checksum(out + 20, len - 20, 0) == 0);
}

static void test_error6_quotes_at_most_1280_bytes(void)
{
    size_t n = make_request6(in, 5, 6, 24, 0);
    struct packet_echo req;
    struct packet_error_spec spec;
    CHECK(packet_parse(in, n, &req) == NULL);
    packet_error_spec_init(&spec);
    spec.type = 1;
    spec.code = 4;
    size_t len = packet_build_error(&req, &spec, out, sizeof out);
    CHECK(len == 48 + n && memcmp(out + 48, in, n) == 0);
    CHECK(out[40] == 1 && out[41] == 4 && get16(out + 4) == len - 40);
    CHECK(memcmp(out + 8, target6, 16) == 0 && memcmp(out + 24, client6, 16) == 0);
    CHECK(packet_checksum6(out + 8, out + 24, out + 40, len - 40) == 0);

    n = make_request6(in, 5, 6, 2000, 0);
    CHECK(packet_parse(in, n, &req) == NULL);
    spec.type = 2;
    spec.code = 0;
    spec.info = 1400;
    len = packet_build_error(&req, &spec, out, sizeof out);
    CHECK(len == 1280 && get16(out + 46) == 1400);
    CHECK(packet_checksum6(out + 8, out + 24, out + 40, len - 40) == 0);

    spec.quote = PACKET_QUOTE_BAD_IP | PACKET_QUOTE_TRUNCATED;
    len = packet_build_error(&req, &spec, out, sizeof out);
    CHECK(len == 48 + 44 && out[48] == 0xfa && out[48 + 6] == 17);
}

static void test_script_parses_rules_in_order(void)
{
    static const char text[] = "# loss pattern and specials\n"
                               "\n"
                               "seq=3 delay=20.5 count=2   # duplicate, late\n"
                               "nth=0%4 silent\n"
                               "nth=2 error=3/1 from=198.18.9.9 from=2001:db8::9 quote=foreign-id "
                               "quote=truncated ttl=5\n"
                               "* corrupt=4 id=+1 seq=-2 tos=16 options=9404\n";
    struct script s;
    char err[200] = "";
    CHECK(script_parse(text, &s, err, sizeof err) == 0);
    CHECK(s.count == 4);
    if (s.count != 4)
        return;
    CHECK(s.rules[0].line == 3 && s.rules[0].selector == SCRIPT_SEQ && s.rules[0].a == 3);
    CHECK(s.rules[0].delay_ns == 20500000 && s.rules[0].copies == 2);
    CHECK(s.rules[1].selector == SCRIPT_NTH_MOD && s.rules[1].a == 0 && s.rules[1].b == 4);
    CHECK(s.rules[1].answer == SCRIPT_SILENT);
    const struct script_rule *e = &s.rules[2];
    CHECK(e->answer == SCRIPT_ERROR && e->error.type == 3 && e->error.code == 1);
    CHECK(e->error.quote == (PACKET_QUOTE_FOREIGN_ID | PACKET_QUOTE_TRUNCATED));
    CHECK(e->error.ttl == 5 && script_from(e, 4)[3] == 9 && script_from(e, 6)[15] == 9);
    const struct script_rule *r = &s.rules[3];
    CHECK(r->selector == SCRIPT_ANY && r->reply.corrupt == 4 && r->reply.id_delta == 1);
    CHECK(r->reply.seq_delta == -2 && r->reply.tos == 16 && r->reply.options_len == 2);
    CHECK(r->reply.options == r->options && r->options[0] == 0x94);
    CHECK(script_from(r, 4) == NULL);

    CHECK(script_match(&s, 4, 3, 4) == &s.rules[0]); /* first match wins */
    CHECK(script_match(&s, 6, 9, 8) == &s.rules[1]);
    CHECK(script_match(&s, 4, 9, 2) == &s.rules[2]);
    CHECK(script_match(&s, 6, 9, 5) == &s.rules[3]);
    script_free(&s);

    CHECK(script_parse("nth=1%3 reply\n", &s, err, sizeof err) == 0);
    CHECK(script_match(&s, 4, 0, 1) && script_match(&s, 4, 0, 4) && !script_match(&s, 4, 0, 3));
    script_free(&s);

    CHECK(script_parse("seq=1 family=6 error=1/4\nseq=1 error=3/3 family=4\n", &s, err,
                       sizeof err) == 0);
    CHECK(s.count == 2 && s.rules[0].family == 6 && s.rules[1].family == 4);
    CHECK(script_match(&s, 4, 1, 1) == &s.rules[1] && script_match(&s, 6, 1, 1) == &s.rules[0]);
    script_free(&s);

    CHECK(script_parse("# nothing\n   \n", &s, err, sizeof err) == 0 && s.count == 0);
    CHECK(script_match(&s, 4, 1, 1) == NULL);
    script_free(&s);
}

static void expect_bad(const char *text, int line, const char *words)
{
    struct script s;
    char err[200] = "";
    int got = script_parse(text, &s, err, sizeof err);
    if (got != line || !strstr(err, words)) {
        fprintf(stderr, "script %s: line %d '%s', expected line %d with '%s'\n", text, got, err,
                line, words);
        failures++;
    }
    CHECK(s.rules == NULL && s.count == 0);
}

static void test_script_rejects_bad_lines_with_their_number(void)
{
    expect_bad("seq=1\nfoo reply\n", 2, "bad selector");
    expect_bad("seq=65536\n", 1, "bad selector");
    expect_bad("nth=0\n", 1, "bad selector");
    expect_bad("nth=3%3\n", 1, "bad selector");
    expect_bad("nth=1%\n", 1, "bad selector");
    expect_bad("\n\n* jump\n", 3, "unknown action 'jump'");
    expect_bad("* delay=-1\n", 1, "bad value in 'delay=-1'");
    expect_bad("* delay=1.2345678\n", 1, "bad value");
    expect_bad("* delay=1.\n", 1, "bad value");
    expect_bad("* count=0\n", 1, "bad value");
    expect_bad("* count=101\n", 1, "bad value");
    expect_bad("* seq=1\n", 1, "bad value in 'seq=1'");
    expect_bad("* ttl=256\n", 1, "bad value");
    expect_bad("* error=3\n", 1, "bad value");
    expect_bad("* options=123\n", 1, "bad value");
    expect_bad("* options=zz\n", 1, "bad value");
    expect_bad("* from=198.18.0.1\n", 1, "need 'error' or 'mtu'");
    expect_bad("* from=nowhere error=3/1\n", 1, "bad value");
    expect_bad("* quote=sideways error=3/1\n", 1, "unknown quote mode");
    expect_bad("* quote=bad-ip quote=bad-ip error=3/1\n", 1, "given twice");
    expect_bad("* delay=1 delay=2\n", 1, "repeats");
    expect_bad("* silent delay=5\n", 1, "'silent' cannot");
    expect_bad("* error=3/1 corrupt=1\n", 1, "'error' cannot");
    expect_bad("* truncate=1 oversize=9\n", 1, "exclude");
    expect_bad("* count=2 flood=9\n", 1, "exclude");
    expect_bad("* mtu=67\n", 1, "bad value");
    expect_bad("* reply=1\n", 1, "unknown action");
    expect_bad("* family=5\n", 1, "family=4 or family=6");
    expect_bad("* family=4 family=6\n", 1, "family=4 or family=6");
}

int main(void)
{
    test_checksum_matches_rfc1071_example();
    test_parse_reads_ipv4_echo_request();
    test_parse_ignores_what_is_not_a_valid_echo_request();
    test_parse_reads_ipv6_echo_request_after_extension_header();
    test_reply4_swaps_addresses_with_valid_checksums();
    test_reply_modifiers_change_only_what_they_name();
    test_reply_rr_fills_next_record_route_and_timestamp_slots();
    test_reply_options_are_copied_and_padded();
    test_reply6_has_valid_pseudo_header_checksum();
    test_error4_quotes_header_and_8_bytes();
    test_error6_quotes_at_most_1280_bytes();
    test_script_parses_rules_in_order();
    test_script_rejects_bad_lines_with_their_number();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    puts("fakehost unit tests passed");
    return 0;
}
