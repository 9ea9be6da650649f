/*
 * daemon.h - what sealdrop-source and sealdrop-journalist share as
 * programs: their command line, where they listen, and the life of the
 * HTTP server (listening socket, libmicrohttpd with a thread per
 * connection, the seccomp sandbox, a once-a-second tick on a reaper thread,
 * SIGINT/SIGTERM, a drain and a clean stop). Each main() keeps what is its
 * own: the instance it opens, its sessions, what its tick does.
 *
 * Connection limits (libmicrohttpd has only an inactivity timeout): a table
 * of the open connections, filled by libmicrohttpd's connection
 * notifications, lets the reaper cut (shutdown) a connection whose request
 * line and headers are not complete header_timeout seconds after the
 * request began, whatever it sends meanwhile, and one whose body, after
 * body_grace seconds, brings less than body_min_rate bytes a second over a
 * window of body_window seconds. Time spent in the program's handler (an
 * argon2id derivation, a wait for a slot) never counts against the client.
 * A cut request gets a short 408 page saying why, then the connection is
 * closed; a connection that never sent a request line is just closed.
 *
 * Like every library function here, these return 0 or a negative SD_ERR_*
 * and never exit; the programs die with the message they are given.
 */
#ifndef WEB_DAEMON_H
#define WEB_DAEMON_H
#include <stddef.h>
#include <microhttpd.h>

#include "sderr.h"

#define WEB_LISTEN_MAX 640
#define WEB_DAEMON_MSG_MAX (WEB_LISTEN_MAX + 256)

struct web_daemon {
	/* Set by the program. */
	const char *prog;     /* "sealdrop-source" */
	const char *sockname; /* default socket in the instance */
	MHD_AccessHandlerCallback handle;
	MHD_RequestCompletedCallback completed;
	void (*tick)(unsigned seconds);    /* reaper thread, once a second */
	unsigned max_connections, timeout; /* libmicrohttpd limits */
	unsigned header_timeout;           /* seconds for the request line and headers */
	unsigned body_grace, body_window;  /* seconds */
	unsigned body_min_rate;            /* bytes a second over a window; 0: none */
	unsigned drain_timeout;            /* seconds a stop waits for requests */
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

/* The first steps of a daemon's main(), for its program only: name it in
 * the log (sdlog.h), umask 077, libsodium, the command line (exits 0 after
 * --help, 2 after a usage error), then web_daemon_drop_root; any other
 * failure is fatal with one line. */
void web_daemon_start(struct web_daemon *d, int argc, char **argv);
/* Connection limits and deadlines from sealdrop.conf. */
struct conf;
void web_daemon_set_limits(struct web_daemon *d, const struct conf *conf);
/* web_daemon_run; a failure is fatal with one line. */
void web_daemon_serve(struct web_daemon *d);

/* --instance DIR [--listen SPEC] [--dev] [--help]. 0, 1 when the usage
 * was printed on request (exit 0), SD_ERR_ARG after a usage error printed
 * on stderr (exit 2). */
SD_MUST_CHECK
int web_daemon_args(struct web_daemon *d, int argc, char **argv);
/* Started as root: become the owner of the instance directory (its uid,
 * the primary group of its passwd entry, no supplementary groups; real,
 * effective and saved ids) before anything is opened, so that a daemon
 * started by hand as root runs as the systemd units run it. A root-owned
 * instance keeps root, with a warning in the log (the demo); the sandbox
 * still holds it. Does nothing for another user. 0, or a negative SD_ERR_*
 * with d->msg set (an owner with no passwd entry or group root is
 * refused). */
SD_MUST_CHECK
int web_daemon_drop_root(struct web_daemon *d);
/* The listen spec: --listen, else conf_listen (may be ""), else
 * unix:INSTANCE/SOCKNAME. A TCP listener needs --dev. */
SD_MUST_CHECK
int web_daemon_listen_spec(struct web_daemon *d, const char *conf_listen);
/* Listen, start libmicrohttpd, enter the sandbox, start the reaper, log
 * "listening", wait for SIGINT or SIGTERM, then drain: new requests are
 * refused (web_daemon_refusal) while the requests in flight get up to
 * drain_timeout seconds to finish (a second signal stops at once); then
 * stop everything and remove the unix socket. Returns when stopped. */
SD_MUST_CHECK
int web_daemon_run(struct web_daemon *d);
/* The refusals both daemons check first on a request, before anything
 * else: 503 while the daemon drains for a stop, 400 for a request with
 * more than one Host header or a %00 in its address (libmicrohttpd keeps
 * the first Host and cuts the decoded path at the NUL). 0 when none; else
 * the status, with *msg an English message (I18N_N, in po/) for the
 * program's own translated page. While draining, web_respond and friends
 * add "Retry-After" to a 503 and "Connection: close" to every answer. */
unsigned web_daemon_refusal(struct MHD_Connection *c, const char **msg);
/* 1 from the stop signal on. */
int web_daemon_draining(void);
/* Seconds a client is told to wait (Retry-After) during a drain. */
#define WEB_DRAIN_RETRY_AFTER 30
#endif
