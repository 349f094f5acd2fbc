/*
 * Privileges (docs/design.md, Privileges). wping may run with CAP_NET_RAW in its permitted set (the
 * file capability cap_net_raw+p), as root, or set-user-ID root. It holds no effective privilege
 * except while opening its ICMP socket, and none at all afterwards:
 *
 *   privilege_suspend()  at start: empty the effective set; a set-user-ID process runs with
 *                        its real user and group IDs as effective ones.
 *   privilege_raise()    just before echo_open: CAP_NET_RAW effective, if permitted.
 *   privilege_drop()     right after echo_open, before any packet: every ID back to the real
 *                        ones and every capability set emptied, for good.
 *
 * Each returns 0, or -1 with errno set. Capabilities are handled with the capget/capset
 * system calls (no libcap).
 */
#ifndef WPING_PRIVILEGE_H
#define WPING_PRIVILEGE_H

#include <stdbool.h>

int privilege_suspend(void);
int privilege_raise(void);
int privilege_drop(void);

/* Whether this process could open a raw socket: root, or CAP_NET_RAW permitted. */
bool privilege_may_raw(void);

#endif /* WPING_PRIVILEGE_H */
