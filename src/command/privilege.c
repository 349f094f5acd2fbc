/* Capability and set-user-ID handling through the raw capget/capset system calls. */
#include "privilege.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct privilege_caps {
    struct __user_cap_header_struct header;
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
};

static int S_get(struct privilege_caps *caps)
{
    memset(caps, 0, sizeof(*caps));
    caps->header.version = _LINUX_CAPABILITY_VERSION_3;
    caps->header.pid = 0;
    return (int)syscall(SYS_capget, &caps->header, caps->data);
}

static int S_set(struct privilege_caps *caps)
{
    caps->header.version = _LINUX_CAPABILITY_VERSION_3;
    caps->header.pid = 0;
    return (int)syscall(SYS_capset, &caps->header, caps->data);
}

int privilege_suspend(void)
{
    struct privilege_caps caps;

    /* Only the effective IDs change: the saved set-user-ID stays 0, so the permitted set
     * (and with it CAP_NET_RAW) survives until privilege_drop. */
    if (getegid() != getgid() && setegid(getgid()) != 0)
        return -1;
    if (geteuid() != getuid() && seteuid(getuid()) != 0)
        return -1;
    if (S_get(&caps) != 0)
        return -1;
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
        caps.data[i].effective = 0;
    return S_set(&caps);
}

int privilege_raise(void)
{
    struct privilege_caps caps;
    uint32_t mask = CAP_TO_MASK(CAP_NET_RAW);
    int index = CAP_TO_INDEX(CAP_NET_RAW);

    if (S_get(&caps) != 0)
        return -1;
    if ((caps.data[index].permitted & mask) == 0)
        return 0; /* nothing to raise: the datagram socket may still be allowed */
    caps.data[index].effective |= mask;
    return S_set(&caps);
}

bool privilege_may_raw(void)
{
    struct privilege_caps caps;

    if (getuid() == 0)
        return true;
    if (S_get(&caps) != 0)
        return false;
    return (caps.data[CAP_TO_INDEX(CAP_NET_RAW)].permitted & CAP_TO_MASK(CAP_NET_RAW)) != 0;
}

int privilege_drop(void)
{
    struct privilege_caps caps;
    gid_t gid = getgid();
    uid_t uid = getuid();

    /* Setting every ID to the real one needs no capability: an unprivileged process may
     * set each of them to any of its current IDs. */
    if (setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0)
        return -1;
    memset(&caps, 0, sizeof(caps));
    if (S_set(&caps) != 0)
        return -1;
    if (S_get(&caps) != 0)
        return -1;
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        if (caps.data[i].effective != 0 || caps.data[i].permitted != 0 ||
            caps.data[i].inheritable != 0)
            return -1;
    }
    if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        errno = EPERM; /* root must be out of reach for good */
        return -1;
    }
    return 0;
}
