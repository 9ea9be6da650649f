/*
 * daemon.h - what sealdrop-source and sealdrop-journalist share as
 * programs: their command line, where they listen, and the life of the
 * HTTP server (listening socket, libmicrohttpd with a thread per
 * connection, the seccomp sandbox, a once-a-second tick on a reaper thread,
 * SIGINT/SIGTERM, a clean stop). Each main() keeps what is its own: the
 * instance it opens, its sessions, what its tick does.
 *
 * Like every library function here, these return 0 or a negative SD_ERR_*
 * and never exit; the programs die with the message they are given.
 */
#ifndef WEB_DAEMON_H
#define WEB_DAEMON_H
#include <stddef.h>
#include <microhttpd.h>

#define WEB_LISTEN_MAX 640
#define WEB_DAEMON_MSG_MAX (WEB_LISTEN_MAX + 256)

struct web_daemon {
	/* Set by the program. */
	const char *prog;                     /* "sealdrop-source" */
	const char *sockname;                 /* default socket in the instance */
	MHD_AccessHandlerCallback handle;
	MHD_RequestCompletedCallback completed;
	void (*tick)(unsigned seconds);       /* reaper thread, once a second */
	unsigned max_connections, timeout;    /* libmicrohttpd limits */
	/* From the command line. */
	const char *instance;
	const char *listen_opt;
	int dev;
	/* Resolved by web_daemon_listen_spec. */
	char listen[WEB_LISTEN_MAX];
	/* Set by web_daemon_run: the kernel's landlock ABI in force (0: none,
	 * -1: no sandbox at all in a sanitizer build). */
	int landlock_abi;
	/* Why the last call failed, for the program's fatal message. */
	char msg[WEB_DAEMON_MSG_MAX];
};

/* --instance DIR [--listen SPEC] [--dev] [--help]. 0, 1 when the usage
 * was printed on request (exit 0), SD_ERR_ARG after a usage error printed
 * on stderr (exit 2). */
int web_daemon_args(struct web_daemon *d, int argc, char **argv);
/* Started as root: become the owner of the instance directory (its uid,
 * the primary group of its passwd entry, no supplementary groups; real,
 * effective and saved ids) before anything is opened, so that a daemon
 * started by hand as root runs as the systemd units run it. A root-owned
 * instance keeps root, with a warning in the log (the demo); the sandbox
 * still holds it. Does nothing for another user. 0, or a negative SD_ERR_*
 * with d->msg set (an owner with no passwd entry or group root is
 * refused). */
int web_daemon_drop_root(struct web_daemon *d);
/* The listen spec: --listen, else conf_listen (may be ""), else
 * unix:INSTANCE/SOCKNAME. A TCP listener needs --dev. */
int web_daemon_listen_spec(struct web_daemon *d, const char *conf_listen);
/* Listen, start libmicrohttpd, enter the sandbox, start the reaper, log
 * "listening", wait for SIGINT or SIGTERM, then stop everything and
 * remove the unix socket. Returns when stopped. */
int web_daemon_run(struct web_daemon *d);
/* "PROG: message" on stderr. */
void web_daemon_log(const struct web_daemon *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#endif
