/*
 * sandbox.h - the seccomp deny-list and no_new_privs both daemons enter
 * once they listen (see sandbox.c).
 */
#ifndef WEB_SANDBOX_H
#define WEB_SANDBOX_H
/* 0, or a negative SD_ERR_*; a no-op under sanitizers. */
int web_sandbox(void);
#endif
