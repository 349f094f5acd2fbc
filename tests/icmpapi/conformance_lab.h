/*
 * Conformance cases against a network that the caller (tests/bats/icmpapi_conformance.bats)
 * built with the lab: silent, unreachable and too-far destinations, local and foreign
 * sources, a small MTU, a firewall that refuses our sends. Addresses come as arguments.
 * Included by conformance.c only.
 */
#ifndef WPING_CONFORMANCE_LAB_H
#define WPING_CONFORMANCE_LAB_H

#define LAB_TIMEOUT 300

static IPAddr S_ipv4(const char *text)
{
    IPAddr address = inet_addr(text);
    CHECK(address != INADDR_NONE, "not an IPv4 address: %s", text);
    return address;
}

static void S_check_elapsed(double start, const char *what)
{
    double elapsed = util_now_ms() - start;
    CHECK(elapsed >= LAB_TIMEOUT - 5 && elapsed < LAB_TIMEOUT + 700, "%s after %.0f ms, Timeout %d",
          what, elapsed, LAB_TIMEOUT);
}

/* A timed-out IPv4 reply: the whole structure zero but for Status. */
static void S_check_timed_out4(const unsigned char *reply)
{
    ICMP_ECHO_REPLY r = util_reply4(reply), blank;
    memset(&blank, 0, sizeof(blank));
    blank.Status = IP_REQ_TIMED_OUT;
    CHECK(memcmp(&r, &blank, sizeof(r)) == 0, "zeroed but for Status %lu", (unsigned long)r.Status);
}

/* timeout4 DEST: DEST never answers; every mode ends after Timeout with IP_REQ_TIMED_OUT. */
static void lab_timeout4(char **args)
{
    HANDLE icmp = S_open4();
    IPAddr destination = S_ipv4(args[0]);
    unsigned char reply[REPLY4 + 32 + 8];

    double start = util_now_ms();
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho(icmp, destination, S_data, 32, NULL, reply, sizeof(reply), LAB_TIMEOUT),
              0, "%s", "");
    CHECK_LAST_ERROR(IP_REQ_TIMED_OUT, "%s", "");
    S_check_elapsed(start, "IcmpSendEcho");
    S_check_timed_out4(reply);

    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    start = util_now_ms();
    CHECK_INT(IcmpSendEcho2(icmp, event, NULL, NULL, destination, S_data, 32, NULL, reply,
                            sizeof(reply), LAB_TIMEOUT),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_IO_PENDING, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 5000), WAIT_OBJECT_0, "%s", "");
    S_check_elapsed(start, "event");
    S_check_timed_out4(reply);
    SetLastError(GARBAGE);
    CHECK_INT(IcmpParseReplies(reply, sizeof(reply)), 0, "%s", "");
    CHECK_LAST_ERROR(IP_REQ_TIMED_OUT, "%s", "");

    struct util_apc record;
    memset(&record, 0, sizeof(record));
    start = util_now_ms();
    CHECK_INT(IcmpSendEcho2(icmp, NULL, util_apc_routine, &record, destination, S_data, 32, NULL,
                            reply, sizeof(reply), LAB_TIMEOUT),
              0, "%s", "");
    util_wait_apc(&record, 1, 5000);
    CHECK_INT(record.calls, 1, "%s", "");
    S_check_elapsed(start, "APC");
    CHECK_INT(record.status, STATUS_SUCCESS, "%s", "");
    CHECK_INT(record.information, REPLY4, "Information = the structure alone");
    S_check_timed_out4(reply);
    CloseHandle(event);
    IcmpCloseHandle(icmp);
}

/* timeout6 DEST */
static void lab_timeout6(char **args)
{
    HANDLE icmp = S_open6();
    struct sockaddr_in6 source = S_any6, destination = util_sockaddr6(args[0]);
    unsigned char reply[REPLY6 + 32 + 8];
    double start = util_now_ms();
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6SendEcho2(icmp, NULL, NULL, NULL, &source, &destination, S_data, 32, NULL, reply,
                             sizeof(reply), LAB_TIMEOUT),
              0, "%s", "");
    CHECK_LAST_ERROR(IP_REQ_TIMED_OUT, "%s", "");
    S_check_elapsed(start, "Icmp6SendEcho2");
    CHECK_INT(util_reply6(reply).Status, IP_REQ_TIMED_OUT, "%s", "");

    HANDLE event = CreateEvent(NULL, FALSE, FALSE, NULL);
    start = util_now_ms();
    CHECK_INT(Icmp6SendEcho2(icmp, event, NULL, NULL, &source, &destination, S_data, 32, NULL,
                             reply, sizeof(reply), LAB_TIMEOUT),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_IO_PENDING, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 5000), WAIT_OBJECT_0, "%s", "");
    S_check_elapsed(start, "event");
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6ParseReplies(reply, sizeof(reply)), 0, "%s", "");
    CHECK_LAST_ERROR(IP_REQ_TIMED_OUT, "%s", "");
    CloseHandle(event);
    IcmpCloseHandle(icmp);
}

/* The first reply of an IPv4 ICMP error: counted, from the router, no data. */
static void S_check_error4(const unsigned char *reply, IPAddr router, ULONG status)
{
    ICMP_ECHO_REPLY r = util_reply4(reply);
    CHECK_INT(r.Status, status, "%s", "");
    CHECK_INT(r.Address, router, "Address is the router that sent the error");
    CHECK_INT(r.DataSize, 0, "%s", "");
    CHECK(r.RoundTripTime < 1000, "%s", "");
}

/* error4 DEST ROUTER STATUS [TTL]: ROUTER answers echoes to DEST (sent with TTL) with an
 * ICMP error that maps to STATUS; IPv4 counts it as a reply. */
static void lab_error4(char **args, int ttl)
{
    HANDLE icmp = S_open4();
    IPAddr destination = S_ipv4(args[0]), router = S_ipv4(args[1]);
    ULONG status = (ULONG)strtoul(args[2], NULL, 10);
    IP_OPTION_INFORMATION options;
    memset(&options, 0, sizeof(options));
    options.Ttl = (UCHAR)ttl;
    unsigned char reply[REPLY4 + 32 + 8];
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho(icmp, destination, S_data, 32, &options, reply, sizeof(reply), 2000), 1,
              "error %lu", (unsigned long)GetLastError());
    CHECK_LAST_ERROR(NO_ERROR, "an ICMP error is a reply: the call succeeded");
    S_check_error4(reply, router, status);
    CHECK_INT(util_reply4(reply).Reserved, 0, "%s", "");

    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK_INT(IcmpSendEcho2(icmp, event, NULL, NULL, destination, S_data, 32, &options, reply,
                            sizeof(reply), 2000),
              0, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 5000), WAIT_OBJECT_0, "%s", "");
    CHECK_INT(util_reply4(reply).Reserved, 1, "%s", "");
    S_check_error4(reply, router, status);
    CHECK_INT(IcmpParseReplies(reply, sizeof(reply)), 1, "%s", "");
    CloseHandle(event);
    IcmpCloseHandle(icmp);
}

static void lab_unreachable4(char **args)
{
    lab_error4(args, 0);
}

/* ttl_expired4 DEST ROUTER: TTL 1 dies at ROUTER. */
static void lab_ttl_expired4(char **args)
{
    char status[16];
    snprintf(status, sizeof(status), "%d", IP_TTL_EXPIRED_TRANSIT);
    char *with_status[3] = {args[0], args[1], status};
    lab_error4(with_status, 1);
}

/* error6 DEST ROUTER STATUS [HOPS]: IPv6 reports ICMP errors as failures with the status. */
static void lab_error6(char **args, int hops)
{
    HANDLE icmp = S_open6();
    struct sockaddr_in6 source = S_any6, destination = util_sockaddr6(args[0]),
                        router = util_sockaddr6(args[1]);
    ULONG status = (ULONG)strtoul(args[2], NULL, 10);
    IP_OPTION_INFORMATION options;
    memset(&options, 0, sizeof(options));
    options.Ttl = (UCHAR)hops;
    unsigned char reply[REPLY6 + 32 + 8];
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6SendEcho2(icmp, NULL, NULL, NULL, &source, &destination, S_data, 32,
                             hops ? &options : NULL, reply, sizeof(reply), 2000),
              0, "%s", "");
    CHECK_LAST_ERROR(status, "%s", "");
    ICMPV6_ECHO_REPLY r = util_reply6(reply);
    CHECK_INT(r.Status, status, "%s", "");
    CHECK(util_same6(&r.Address, &router), "Address is the router that sent the error");

    struct util_apc record;
    memset(&record, 0, sizeof(record));
    CHECK_INT(Icmp6SendEcho2(icmp, NULL, util_apc_routine, &record, &source, &destination, S_data,
                             32, hops ? &options : NULL, reply, sizeof(reply), 2000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_IO_PENDING, "%s", "");
    util_wait_apc(&record, 1, 5000);
    CHECK_INT(record.calls, 1, "%s", "");
    CHECK_INT(record.status, STATUS_SUCCESS, "%s", "");
    CHECK_INT(record.information, REPLY6, "no data with an error");
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6ParseReplies(reply, sizeof(reply)), 0, "%s", "");
    CHECK_LAST_ERROR(status, "%s", "");
    IcmpCloseHandle(icmp);
}

static void lab_unreachable6(char **args)
{
    lab_error6(args, 0);
}

static void lab_ttl_expired6(char **args)
{
    char status[16];
    snprintf(status, sizeof(status), "%d", IP_HOP_LIMIT_EXCEEDED);
    char *with_status[3] = {args[0], args[1], status};
    lab_error6(with_status, 1);
}

/* reply4 DEST TTL: DEST answers through the router; the reply's TTL arrives as TTL. */
static void lab_reply4(char **args)
{
    HANDLE icmp = S_open4();
    IPAddr destination = S_ipv4(args[0]);
    unsigned char reply[REPLY4 + 32 + 8];
    util_payload(S_data, 32);
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho(icmp, destination, S_data, 32, NULL, reply, sizeof(reply), 2000), 1,
              "error %lu", (unsigned long)GetLastError());
    ICMP_ECHO_REPLY r = util_reply4(reply);
    CHECK_INT(r.Status, IP_SUCCESS, "%s", "");
    CHECK_INT(r.Address, destination, "%s", "");
    CHECK_INT(r.Options.Ttl, atoi(args[1]), "one router on the way");
    CHECK(memcmp(reply + REPLY4, S_data, 32) == 0, "%s", "");
    IcmpCloseHandle(icmp);
}

/* reply6 DEST */
static void lab_reply6(char **args)
{
    HANDLE icmp = S_open6();
    struct sockaddr_in6 source = S_any6, destination = util_sockaddr6(args[0]);
    unsigned char reply[REPLY6 + 32 + 8];
    util_payload(S_data, 32);
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6SendEcho2(icmp, NULL, NULL, NULL, &source, &destination, S_data, 32, NULL, reply,
                             sizeof(reply), 2000),
              1, "error %lu", (unsigned long)GetLastError());
    ICMPV6_ECHO_REPLY r = util_reply6(reply);
    CHECK(util_same6(&r.Address, &destination), "%s", "");
    CHECK(memcmp(reply + REPLY6, S_data, 32) == 0, "%s", "");
    IcmpCloseHandle(icmp);
}

/* source4 LOCAL FOREIGN DEST: a local source works, a foreign one is refused synchronously. */
static void lab_source4(char **args)
{
    HANDLE icmp = S_open4();
    IPAddr local = S_ipv4(args[0]), foreign = S_ipv4(args[1]), destination = S_ipv4(args[2]);
    unsigned char reply[REPLY4 + 32 + 8];
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho2Ex(icmp, NULL, NULL, NULL, local, destination, S_data, 32, NULL, reply,
                              sizeof(reply), 2000),
              1, "error %lu", (unsigned long)GetLastError());
    CHECK_INT(util_reply4(reply).Address, destination, "%s", "");
    HANDLE event = CreateEvent(NULL, TRUE, FALSE, NULL);
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho2Ex(icmp, event, NULL, NULL, foreign, destination, S_data, 32, NULL,
                              reply, sizeof(reply), 2000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_NETNAME, "%s", "");
    CHECK_INT(WaitForSingleObject(event, 300), WAIT_TIMEOUT, "%s", "");
    CloseHandle(event);
    IcmpCloseHandle(icmp);
}

/* source6 LOCAL FOREIGN DEST */
static void lab_source6(char **args)
{
    HANDLE icmp = S_open6();
    struct sockaddr_in6 local = util_sockaddr6(args[0]), foreign = util_sockaddr6(args[1]),
                        destination = util_sockaddr6(args[2]);
    unsigned char reply[REPLY6 + 32 + 8];
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6SendEcho2(icmp, NULL, NULL, NULL, &local, &destination, S_data, 32, NULL, reply,
                             sizeof(reply), 2000),
              1, "error %lu", (unsigned long)GetLastError());
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6SendEcho2(icmp, NULL, NULL, NULL, &foreign, &destination, S_data, 32, NULL,
                             reply, sizeof(reply), 2000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_INVALID_NETNAME, "%s", "");
    IcmpCloseHandle(icmp);
}

/* too_big4 DEST ROUTER SIZE: SIZE bytes exceed the MTU behind ROUTER. Without DF the echo is
 * fragmented and answered; with IP_FLAG_DF the router refuses it. */
static void lab_too_big4(char **args)
{
    HANDLE icmp = S_open4();
    IPAddr destination = S_ipv4(args[0]), router = S_ipv4(args[1]);
    WORD size = (WORD)atoi(args[2]);
    unsigned char *reply = malloc(REPLY4 + size + 8);
    DWORD reply_size = REPLY4 + size + 8;
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho(icmp, destination, S_data, size, NULL, reply, reply_size, 2000), 1,
              "fragmented (error %lu)", (unsigned long)GetLastError());
    CHECK_INT(util_reply4(reply).Status, IP_SUCCESS, "%s", "");
    IP_OPTION_INFORMATION df;
    memset(&df, 0, sizeof(df));
    df.Flags = IP_FLAG_DF;
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho(icmp, destination, S_data, size, &df, reply, reply_size, 2000), 1,
              "error %lu", (unsigned long)GetLastError());
    S_check_error4(reply, router, IP_PACKET_TOO_BIG);
    free(reply);
    IcmpCloseHandle(icmp);
}

/* send_failure4 DEST / send_failure6 DEST: the client's firewall refuses every echo request;
 * the request completes at once with IP_GENERAL_FAILURE. */
static void lab_send_failure4(char **args)
{
    HANDLE icmp = S_open4();
    unsigned char reply[REPLY4 + 32 + 8];
    double start = util_now_ms();
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho(icmp, S_ipv4(args[0]), S_data, 32, NULL, reply, sizeof(reply), 2000), 0,
              "%s", "");
    CHECK_LAST_ERROR(IP_GENERAL_FAILURE, "%s", "");
    CHECK(util_now_ms() - start < 1000, "no wait for the timeout");
    IcmpCloseHandle(icmp);
}

static void lab_send_failure6(char **args)
{
    HANDLE icmp = S_open6();
    struct sockaddr_in6 source = S_any6, destination = util_sockaddr6(args[0]);
    unsigned char reply[REPLY6 + 32 + 8];
    SetLastError(GARBAGE);
    CHECK_INT(Icmp6SendEcho2(icmp, NULL, NULL, NULL, &source, &destination, S_data, 32, NULL, reply,
                             sizeof(reply), 2000),
              0, "%s", "");
    CHECK_LAST_ERROR(IP_GENERAL_FAILURE, "%s", "");
    IcmpCloseHandle(icmp);
}

/* outstanding_limit4 DEST: DEST never answers; 256 asynchronous requests may wait for it at
 * once, the 257th is refused with ERROR_NOT_ENOUGH_MEMORY, and completions make room again. */
#define LAB_OUTSTANDING 256
static void lab_outstanding_limit4(char **args)
{
    HANDLE icmp = S_open4();
    IPAddr destination = S_ipv4(args[0]);
    static unsigned char replies[LAB_OUTSTANDING + 1][REPLY4 + 8];
    static HANDLE events[LAB_OUTSTANDING + 1];
    int started = 0;
    for (int i = 0; i <= LAB_OUTSTANDING; i++)
        events[i] = CreateEvent(NULL, FALSE, FALSE, NULL);
    for (int i = 0; i < LAB_OUTSTANDING; i++) {
        SetLastError(GARBAGE);
        DWORD result = IcmpSendEcho2(icmp, events[i], NULL, NULL, destination, S_data, 8, NULL,
                                     replies[i], REPLY4 + 8, 2000);
        if (result == 0 && GetLastError() == ERROR_IO_PENDING)
            started++;
    }
    CHECK_INT(started, LAB_OUTSTANDING, "%s", "all accepted");
    SetLastError(GARBAGE);
    CHECK_INT(IcmpSendEcho2(icmp, events[LAB_OUTSTANDING], NULL, NULL, destination, S_data, 8, NULL,
                            replies[LAB_OUTSTANDING], REPLY4 + 8, 2000),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_NOT_ENOUGH_MEMORY, "%s", "one too many");
    CHECK_INT(WaitForSingleObject(events[LAB_OUTSTANDING], 0), WAIT_TIMEOUT, "%s",
              "the refused request never completes");
    int timed_out = 0;
    for (int i = 0; i < LAB_OUTSTANDING; i++) {
        if (WaitForSingleObject(events[i], 10000) == WAIT_OBJECT_0 &&
            IcmpParseReplies(replies[i], REPLY4 + 8) == 0 && GetLastError() == IP_REQ_TIMED_OUT)
            timed_out++;
    }
    CHECK_INT(timed_out, LAB_OUTSTANDING, "%s", "every request completed");
    CHECK_INT(IcmpSendEcho2(icmp, events[LAB_OUTSTANDING], NULL, NULL, destination, S_data, 8, NULL,
                            replies[LAB_OUTSTANDING], REPLY4 + 8, 100),
              0, "%s", "");
    CHECK_LAST_ERROR(ERROR_IO_PENDING, "%s", "room again");
    CHECK_INT(WaitForSingleObject(events[LAB_OUTSTANDING], 5000), WAIT_OBJECT_0, "%s", "");
    for (int i = 0; i <= LAB_OUTSTANDING; i++)
        CloseHandle(events[i]);
    IcmpCloseHandle(icmp);
}

struct lab_case {
    const char *name;
    int args;
    const char *usage;
    void (*run)(char **args);
};

static const struct lab_case S_lab_cases[] = {
    {"timeout4", 1, "DEST", lab_timeout4},
    {"timeout6", 1, "DEST", lab_timeout6},
    {"unreachable4", 3, "DEST ROUTER STATUS", lab_unreachable4},
    {"unreachable6", 3, "DEST ROUTER STATUS", lab_unreachable6},
    {"ttl_expired4", 2, "DEST ROUTER", lab_ttl_expired4},
    {"ttl_expired6", 2, "DEST ROUTER", lab_ttl_expired6},
    {"reply4", 2, "DEST TTL", lab_reply4},
    {"reply6", 1, "DEST", lab_reply6},
    {"source4", 3, "LOCAL FOREIGN DEST", lab_source4},
    {"source6", 3, "LOCAL FOREIGN DEST", lab_source6},
    {"too_big4", 3, "DEST ROUTER SIZE", lab_too_big4},
    {"send_failure4", 1, "DEST", lab_send_failure4},
    {"send_failure6", 1, "DEST", lab_send_failure6},
    {"outstanding_limit4", 1, "DEST", lab_outstanding_limit4},
};

static void lab_list(void)
{
    for (size_t i = 0; i < sizeof(S_lab_cases) / sizeof(S_lab_cases[0]); i++)
        printf("lab %s %s\n", S_lab_cases[i].name, S_lab_cases[i].usage);
}

/* Runs one lab case; false when the name or the number of arguments is wrong. */
static bool lab_run(const char *name, int argc, char **argv)
{
    for (size_t i = 0; i < sizeof(S_lab_cases) / sizeof(S_lab_cases[0]); i++) {
        if (strcmp(S_lab_cases[i].name, name) != 0)
            continue;
        if (argc != S_lab_cases[i].args)
            return false;
        S_lab_cases[i].run(argv);
        printf("%s lab %s\n", harness_failures == 0 ? "ok  " : "FAIL", name);
        return true;
    }
    return false;
}

#endif /* WPING_CONFORMANCE_LAB_H */
