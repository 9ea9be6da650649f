/*
 * sandbox.h - what both daemons give up once their socket is bound and
 * before their first thread: no_new_privs, landlock (the instance
 * directory only) and a seccomp allow-list (see sandbox.c).
 */
#ifndef WEB_SANDBOX_H
#define WEB_SANDBOX_H

#include "sderr.h"
/*
 * All three on the calling process; call it while it has one thread.
 * 0 and *landlock_abi set to the kernel's landlock ABI version (0: this
 * kernel has no landlock, the rest still applies), or a negative SD_ERR_*.
 * A no-op under sanitizers (*landlock_abi = -1).
 */
SD_MUST_CHECK
int web_sandbox(const char *instance, int *landlock_abi);

/* The parts, for tests: landlock on the calling thread (and the threads it
 * starts later) with only DIR reachable; the seccomp filter on all threads
 * (needs no_new_privs or CAP_SYS_ADMIN). Same returns as web_sandbox. */
SD_MUST_CHECK
int web_landlock(const char *dir, int *abi);
SD_MUST_CHECK
int web_seccomp(void);
#endif
