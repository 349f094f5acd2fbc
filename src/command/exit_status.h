/*
 * The exit status of wping (wping(1), EXIT STATUS), named once. Unlike ping.exe, ICMP error replies
 * such as "Destination host unreachable" do not count as a reply, and an interrupted run (Ctrl-C,
 * SIGTERM) still ends by these rules rather than by the signal.
 */
#ifndef WPING_EXIT_STATUS_H
#define WPING_EXIT_STATUS_H

enum exit_status {
    EXIT_STATUS_REPLY = 0,    /* at least one echo reply succeeded */
    EXIT_STATUS_NO_REPLY = 1, /* none did: all lost, or only ICMP errors */
    EXIT_STATUS_ERROR = 2,    /* usage error, name not resolved, or a system error */
};

#endif /* WPING_EXIT_STATUS_H */
