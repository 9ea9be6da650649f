/*
 * daemon.c - the program life shared by both daemons (see daemon.h): the
 * command line, the switch from root, libmicrohttpd with a thread per
 * connection, the table of open connections that the reaper polices
 * (header deadline, minimum body rate), the shared refusals, the drain on
 * SIGTERM and the stop.
 *
 * The connection table is filled and emptied by libmicrohttpd's connection
 * notifications. libmicrohttpd (0.9.75, daemon.c) calls the CLOSED
 * notification before it closes the socket, and both happen after the
 * connection's thread has ended; the reaper shuts a socket down only under
 * the table's lock and only for an entry still in the table, so it never
 * acts on a descriptor number that was closed and reused.
 */
#include "daemon.h"
#include "conf.h"
#include "http.h"
#include "sdi18n.h"
#include "sandbox.h"
#include "sderr.h"
#include "sdlog.h"
#include "sdpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <grp.h>
#include <pwd.h>
#include <iconv.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

/* The stack of each connection thread: the integration tests of both
 * daemons pass with 96 KiB (docs/decisions.md), so 512 KiB leaves a wide
 * margin; sanitizer builds need more. */
#if defined(__SANITIZE_ADDRESS__)
#define WEB_THREAD_STACK (2U << 20)
#else
#define WEB_THREAD_STACK (512U << 10)
#endif
/* File descriptors a connection may hold (its socket, a spool file, a
 * pipe), and the daemon's own. */
#define WEB_FDS_PER_CONN 2
#define WEB_FDS_BASE 64
#define WEB_CUT_PAGE_MAX 4096

static volatile sig_atomic_t stopping;
static atomic_int draining;

/* ---- the connection table --------------------------------------------- */

enum conn_state {
	CONN_FREE,   /* slot unused */
	CONN_HEAD,   /* waiting for a request's line and headers */
	CONN_BODY,   /* headers done, the body (if any) being read */
	CONN_ANSWER, /* body read or an answer queued: no limit of ours */
};

struct conn {
	enum conn_state state;
	int fd;
	int in_handler;  /* the program's handler runs: not the client's time */
	int uri_seen;    /* the request line of this request arrived */
	int nul_uri;     /* and it has a %00 */
	int cut;         /* shut down by the reaper, waiting for the close */
	uint64_t t0;     /* HEAD: when the request began; BODY: headers done (ms) */
	uint64_t call_t; /* when the running handler call began (ms) */
	uint64_t paused; /* BODY: ms spent in the handler */
	int grace_over;
	uint64_t next_check;   /* BODY: flowing ms at which the window ends */
	uint64_t window_bytes; /* body bytes in the current window */
};

static struct {
	pthread_mutex_t mu;
	struct conn *slot;
	unsigned n;
	const struct web_daemon *d;
	unsigned cut_head, cut_body;
	char page_head[WEB_CUT_PAGE_MAX], page_body[WEB_CUT_PAGE_MAX];
	size_t page_head_len, page_body_len;
} tab = { .mu = PTHREAD_MUTEX_INITIALIZER };

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct conn *
conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *i =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return i != NULL ? i->socket_context : NULL;
}

static void
conn_head(struct conn *k, uint64_t now)
{
	k->state = CONN_HEAD;
	k->t0 = now;
	k->uri_seen = k->nul_uri = 0;
}

static void
notify_conn(
    void *cls, struct MHD_Connection *c, void **ctx, enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *fi;
	struct conn *k = NULL;

	(void)cls;
	pthread_mutex_lock(&tab.mu);
	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if ((k = *ctx) != NULL)
			memset(k, 0, sizeof *k);
		*ctx = NULL;
		pthread_mutex_unlock(&tab.mu);
		return;
	}
	fi = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	for (unsigned i = 0; i < tab.n && fi != NULL; i++)
		if (tab.slot[i].state == CONN_FREE) {
			k = &tab.slot[i];
			break;
		}
	if (k != NULL) {
		memset(k, 0, sizeof *k);
		k->fd = fi->connect_fd;
		conn_head(k, now_ms());
	} else if (fi != NULL) {
		/* More connections than libmicrohttpd's own limit: cannot
		 * happen; a connection that cannot be policed is not served. */
		(void)shutdown(fi->connect_fd, SHUT_RDWR);
	}
	*ctx = k;
	pthread_mutex_unlock(&tab.mu);
}

/* Called with the raw request line's address, before libmicrohttpd
 * decodes it (a %00 would cut the path short). NULL keeps the program's
 * first-call test (*rc == NULL) working. */
static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn *k = conn_of(c);
	int nul = 0;

	(void)cls;
	for (const char *p = uri; p != NULL && (p = strchr(p, '%')) != NULL; p++)
		if (p[1] == '0' && p[2] == '0') {
			nul = 1;
			break;
		}
	if (k != NULL) {
		pthread_mutex_lock(&tab.mu);
		k->uri_seen = 1;
		k->nul_uri = nul;
		pthread_mutex_unlock(&tab.mu);
	}
	return NULL;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **rc)
{
	const struct web_daemon *d = cls;
	struct conn *k = conn_of(c);
	enum MHD_Result r;
	uint64_t t;

	if (k != NULL) {
		pthread_mutex_lock(&tab.mu);
		k->call_t = now_ms();
		if (k->state == CONN_HEAD) {
			k->state = CONN_BODY;
			k->t0 = k->call_t;
			k->paused = 0;
			k->grace_over = 0;
			k->window_bytes = 0;
		} else if (*size == 0) {
			k->state = CONN_ANSWER;
		} else {
			k->window_bytes += *size;
		}
		k->in_handler = 1;
		pthread_mutex_unlock(&tab.mu);
	}
	r = d->handle(NULL, c, url, method, version, data, size, rc);
	if (k != NULL) {
		int answered = MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS) != NULL;
		pthread_mutex_lock(&tab.mu);
		t = now_ms();
		k->paused += t - k->call_t;
		k->in_handler = 0;
		if (answered)
			k->state = CONN_ANSWER;
		pthread_mutex_unlock(&tab.mu);
	}
	return r;
}

static void
completed(void *cls, struct MHD_Connection *c, void **rc, enum MHD_RequestTerminationCode toe)
{
	const struct web_daemon *d = cls;
	struct conn *k = conn_of(c);

	if (d->completed != NULL)
		d->completed(NULL, c, rc, toe);
	if (k != NULL) {
		pthread_mutex_lock(&tab.mu);
		conn_head(k, now_ms()); /* the next request on this connection */
		pthread_mutex_unlock(&tab.mu);
	}
}

/* Under the lock: a short answer saying why, then no more of this
 * connection (libmicrohttpd sees the end and closes it). */
static void
conn_cut(struct conn *k, const char *page, size_t len)
{
	if (page != NULL)
		(void)send(k->fd, page, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	(void)shutdown(k->fd, SHUT_RDWR);
	k->cut = 1;
}

/* Once a second on the reaper thread. */
static void
police(const struct web_daemon *d)
{
	uint64_t now = now_ms(), flowing;

	pthread_mutex_lock(&tab.mu);
	for (unsigned i = 0; i < tab.n; i++) {
		struct conn *k = &tab.slot[i];

		if (k->state == CONN_FREE || k->cut || k->in_handler)
			continue;
		if (k->state == CONN_HEAD) {
			if (now - k->t0 < (uint64_t)d->header_timeout * 1000)
				continue;
			/* An idle connection (no request line) is just closed;
			 * a request that did not finish its headers is told. */
			if (k->uri_seen)
				conn_cut(k, tab.page_head, tab.page_head_len);
			else
				conn_cut(k, NULL, 0);
			tab.cut_head++;
			continue;
		}
		if (k->state != CONN_BODY || d->body_min_rate == 0)
			continue;
		flowing = now - k->t0 - k->paused;
		if (!k->grace_over) {
			if (flowing < (uint64_t)d->body_grace * 1000)
				continue;
			k->grace_over = 1;
			k->window_bytes = 0;
			k->next_check = flowing + (uint64_t)d->body_window * 1000;
			continue;
		}
		if (flowing < k->next_check)
			continue;
		if (k->window_bytes < (uint64_t)d->body_min_rate * d->body_window) {
			conn_cut(k, tab.page_body, tab.page_body_len);
			tab.cut_body++;
			continue;
		}
		k->window_bytes = 0;
		k->next_check = flowing + (uint64_t)d->body_window * 1000;
	}
	pthread_mutex_unlock(&tab.mu);
}

/* Requests whose headers arrived and that are not finished. */
static unsigned
in_flight(void)
{
	unsigned n = 0;

	pthread_mutex_lock(&tab.mu);
	for (unsigned i = 0; i < tab.n; i++)
		if (tab.slot[i].state == CONN_BODY || tab.slot[i].state == CONN_ANSWER)
			n++;
	pthread_mutex_unlock(&tab.mu);
	return n;
}

/* The raw 408 answer of a cut: the security headers and the message in
 * every language of the catalogue (the request's own language may not be
 * known yet). */
static int
cut_page(const char *title, const char *msg, char *out, size_t cap, size_t *len)
{
	const char *const *langs = i18n_languages();
	char hdr[1024], body[WEB_CUT_PAGE_MAX];
	size_t h, b;
	int n;

	if (web_security_headers_text(hdr, sizeof hdr, &h) != 0)
		return SD_ERR_TOOLONG;
	n = snprintf(body, sizeof body,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%s</title></head><body>\n",
	    title);
	if (n < 0 || (size_t)n >= sizeof body)
		return SD_ERR_TOOLONG;
	b = (size_t)n;
	for (size_t i = 0; langs[i] != NULL; i++) {
		/* Catalogue text, ours: no markup in it to escape. */
		n = snprintf(body + b, sizeof body - b,
		    "<h1 lang=\"%s\">%s</h1>\n<p lang=\"%s\">%s</p>\n", langs[i],
		    i18n_get(langs[i], title), langs[i], i18n_get(langs[i], msg));
		if (n < 0 || (size_t)n >= sizeof body - b)
			return SD_ERR_TOOLONG;
		b += (size_t)n;
	}
	n = snprintf(out, cap,
	    "HTTP/1.1 408 Request Timeout\r\n%s"
	    "Content-Type: text/html; charset=utf-8\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s</body></html>\n",
	    hdr, b + 15, body);
	if (n < 0 || (size_t)n >= cap)
		return SD_ERR_TOOLONG;
	*len = (size_t)n;
	return 0;
}

static int
conntab_init(const struct web_daemon *d)
{
	static const char title[] = I18N_N("Request stopped");
	int e;

	if ((tab.slot = calloc(d->max_connections, sizeof *tab.slot)) == NULL)
		return SD_ERR_NOMEM;
	tab.n = d->max_connections;
	tab.d = d;
	if ((e = cut_page(title,
		 I18N_N("The connection was closed: the request did not "
			"arrive in time. Please try again."),
		 tab.page_head, sizeof tab.page_head, &tab.page_head_len)) != 0 ||
	    (e = cut_page(title,
		 I18N_N("The upload was stopped: its data arrived too slowly "
			"for too long. Please try again, on a faster connection if you can."),
		 tab.page_body, sizeof tab.page_body, &tab.page_body_len)) != 0)
		return e;
	return 0;
}

int
web_daemon_draining(void)
{
	return atomic_load(&draining);
}

static enum MHD_Result
count_host(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	unsigned *n = cls;

	(void)kind, (void)value;
	if (key != NULL && strcasecmp(key, "Host") == 0)
		(*n)++;
	return MHD_YES;
}

unsigned
web_daemon_refusal(struct MHD_Connection *c, const char **msg)
{
	struct conn *k = conn_of(c);
	unsigned hosts = 0;
	int nul = 0;

	if (web_daemon_draining()) {
		*msg = I18N_N("This site is restarting. Please try again in a minute.");
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	if (k != NULL) {
		pthread_mutex_lock(&tab.mu);
		nul = k->nul_uri;
		pthread_mutex_unlock(&tab.mu);
	}
	if (nul) {
		*msg = I18N_N(
		    "This request was refused: its address contains a null character (%00).");
		return MHD_HTTP_BAD_REQUEST;
	}
	(void)MHD_get_connection_values(c, MHD_HEADER_KIND, count_host, &hosts);
	if (hosts > 1) {
		*msg = I18N_N("This request was refused: it names its host more than once.");
		return MHD_HTTP_BAD_REQUEST;
	}
	return 0;
}

void
web_daemon_start(struct web_daemon *d, int argc, char **argv)
{
	int e;

	sdlog_init(d->prog);
	umask(077);
	if (sodium_init() < 0)
		sdlog_fatalx("cannot initialise libsodium");
	if ((e = web_daemon_args(d, argc, argv)) != 0)
		exit(e > 0 ? 0 : 2);
	if (web_daemon_drop_root(d) != 0)
		sdlog_fatalx("%s", d->msg);
}

void
web_daemon_set_limits(struct web_daemon *d, const struct conf *conf)
{
	d->max_connections = conf->max_connections;
	d->timeout = conf->connection_timeout;
	d->header_timeout = conf->header_timeout;
	d->body_grace = conf->body_grace;
	d->body_window = conf->body_window;
	d->body_min_rate = conf->body_min_rate;
	d->drain_timeout = conf->drain_timeout;
}

void
web_daemon_serve(struct web_daemon *d)
{
	if (web_daemon_run(d) != 0)
		sdlog_fatalx("%s", d->msg);
}

int
web_daemon_args(struct web_daemon *d, int argc, char **argv)
{
	static const struct option lo[] = { { "instance", required_argument, NULL, 'i' },
		{ "listen", required_argument, NULL, 'l' }, { "dev", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			d->instance = optarg;
			break;
		case 'l':
			d->listen_opt = optarg;
			break;
		case 'd':
			d->dev = 1;
			break;
		case 'h':
			printf("usage: %s --instance DIR [--listen unix:PATH|HOST:PORT] [--dev]\n",
			    d->prog);
			return 1;
		default:
			fprintf(stderr,
			    "usage: %s --instance DIR [--listen unix:PATH|HOST:PORT] "
			    "[--dev]\n",
			    d->prog);
			return SD_ERR_ARG;
		}
	}
	if (d->instance == NULL || optind != argc) {
		fprintf(stderr, "%s: --instance DIR is required\n", d->prog);
		return SD_ERR_ARG;
	}
	return 0;
}

int
web_daemon_drop_root(struct web_daemon *d)
{
	struct passwd *pw;
	struct stat st;
	int e;

	if (geteuid() != 0)
		return 0;
	if (stat(d->instance, &st) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "%s: %s", d->instance, strerror(errno));
		return SD_ERR_IO;
	}
	if (st.st_uid == 0) {
		sdlog_info("warning: running as root, the owner of %s; chown the "
			   "instance to the daemon's user (sealdrop) and it runs as that user",
		    d->instance);
		return 0;
	}
	/* The owner's own primary group, as systemd's User= gives it: not the
	 * directory's group, which is tor's in a deployed instance. */
	errno = 0;
	if ((pw = getpwuid(st.st_uid)) == NULL || pw->pw_gid == 0) {
		(void)snprintf(d->msg, sizeof d->msg,
		    "started as root, %s is owned by uid %u, "
		    "which %s: start the daemon as a user of its own",
		    d->instance, (unsigned)st.st_uid,
		    pw == NULL ? "has no passwd entry" : "has group root");
		return SD_ERR_ARG;
	}
	if ((e = sdpriv_become(st.st_uid, pw->pw_gid)) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot become uid %u, gid %u: %s",
		    (unsigned)st.st_uid, (unsigned)pw->pw_gid,
		    e == SD_ERR_IO ? strerror(errno) : "root could be taken back");
		return e;
	}
	sdlog_info("started as root: running as uid %u, gid %u (the owner of the instance)",
	    (unsigned)st.st_uid, (unsigned)pw->pw_gid);
	return 0;
}

int
web_daemon_listen_spec(struct web_daemon *d, const char *conf_listen)
{
	int n;

	if (d->listen_opt != NULL)
		n = snprintf(d->listen, sizeof d->listen, "%s", d->listen_opt);
	else if (conf_listen != NULL && conf_listen[0] != '\0')
		n = snprintf(d->listen, sizeof d->listen, "%s", conf_listen);
	else
		n = snprintf(d->listen, sizeof d->listen, "unix:%s/%s", d->instance, d->sockname);
	if (n < 0 || (size_t)n >= sizeof d->listen) {
		(void)snprintf(
		    d->msg, sizeof d->msg, "%s: path too long for a socket", d->instance);
		return SD_ERR_TOOLONG;
	}
	if (strncmp(d->listen, "unix:", 5) != 0 && !d->dev) {
		(void)snprintf(d->msg, sizeof d->msg,
		    "--listen %s: a TCP listener is for development; add --dev", d->listen);
		return SD_ERR_ARG;
	}
	return 0;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	/* libmicrohttpd's messages may name a client; keep only that one came. */
	(void)cls, (void)fmt, (void)ap;
}

static struct MHD_Daemon *
start_http(struct web_daemon *d, int fd)
{
	/* A thread per connection (bounded by max_connections, with small
	 * stacks): an argon2id derivation, a wait for an argon2id slot or a
	 * slow upload blocks only its own connection (docs/decisions.md).
	 * No Date header: it would give the server's clock away. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_USE_SUPPRESS_DATE_NO_CLOCK;

	return MHD_start_daemon(flags, 0, NULL, NULL, handle, d, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, d->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
	    d->timeout, MHD_OPTION_THREAD_STACK_SIZE, (size_t)WEB_THREAD_STACK,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, d, MHD_OPTION_NOTIFY_CONNECTION, notify_conn, d,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_log, d, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_END);
}

/* Room for max_connections: the soft limit on open files is raised up to
 * the hard one when it is too low. */
static int
fd_limit(struct web_daemon *d)
{
	rlim_t need = (rlim_t)d->max_connections * WEB_FDS_PER_CONN + WEB_FDS_BASE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return SD_ERR_IO;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
			(void)snprintf(d->msg, sizeof d->msg,
			    "max_connections = %u needs %lu open "
			    "files, the hard limit is %lu: raise it (LimitNOFILE=) or lower "
			    "max_connections",
			    d->max_connections, (unsigned long)need, (unsigned long)rl.rlim_max);
			return SD_ERR_RANGE;
		}
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			(void)snprintf(d->msg, sizeof d->msg,
			    "cannot raise the open files limit "
			    "to %lu: %s",
			    (unsigned long)need, strerror(errno));
			return SD_ERR_IO;
		}
	}
	return 0;
}

static void *
reaper(void *arg)
{
	const struct web_daemon *d = arg;
	unsigned seconds = 0;

	while (!stopping) {
		struct timespec ts = { 1, 0 }; /* short: stopping waits for it */
		nanosleep(&ts, NULL);
		if (stopping)
			break;
		police(d);
		if (d->tick != NULL)
			d->tick(++seconds);
	}
	return NULL;
}

static void
settle_instance_time(const char *instance)
{
	static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };
	int fd = open(instance, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		(void)futimens(fd, epoch);
		close(fd);
	}
}

/* After the stop signal: new requests are refused with a 503 page
 * (web_daemon_refusal); the requests in flight get up to drain_timeout
 * seconds; a second signal stops at once. */
static void
drain(const struct web_daemon *d, const sigset_t *set)
{
	const struct timespec step = { 0, 200 * 1000 * 1000 };
	uint64_t end = now_ms() + (uint64_t)d->drain_timeout * 1000;
	unsigned n = in_flight();

	atomic_store(&draining, 1);
	if (n == 0) {
		sdlog_info("stopping");
		return;
	}
	sdlog_info("stopping: new requests are refused; %u in flight get up to %u "
		   "seconds to finish",
	    n, d->drain_timeout);
	for (;;) {
		if ((n = in_flight()) == 0) {
			sdlog_info("stopping: every request in flight finished");
			return;
		}
		if (now_ms() >= end) {
			sdlog_info("stopping: drain_timeout reached, %u requests cut", n);
			return;
		}
		if (sigtimedwait(set, NULL, &step) > 0) {
			sdlog_info("stopping at once (second signal), %u requests cut", n);
			return;
		}
	}
}

/* Listen and start serving; on failure d->msg says why. */
static int
serve(struct web_daemon *d, int *fd, int *is_unix, struct MHD_Daemon **mhd)
{
	iconv_t cd;
	int e;

	if ((e = fd_limit(d)) != 0)
		return e;
	if ((e = conntab_init(d)) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot set up the connection table: %s",
		    sd_strerror(e));
		return e;
	}
	if ((e = web_listen(d->listen, fd, is_unix)) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot listen on %s: %s", d->listen,
		    e == SD_ERR_IO ? strerror(errno) : sd_strerror(e));
		return e;
	}
	/* The socket made in the instance directory changed its mtime: set
	 * it back, as every later change does (docs/threat-model.md). */
	if (*is_unix)
		settle_instance_time(d->instance);
	/* Before the first thread: landlock holds for the threads started
	 * after it only. What glibc reads lazily from files is read now,
	 * while they are reachable: the time zone (no Date header is sent,
	 * but glibc's time functions may still want it) and the iconv
	 * configuration (libarchive's name charsets). */
	tzset();
	if ((cd = iconv_open("UTF-8", "ISO-8859-1")) != (iconv_t)-1)
		(void)iconv_close(cd);
	if ((e = web_sandbox(d->instance, &d->landlock_abi)) != 0) {
		(void)snprintf(
		    d->msg, sizeof d->msg, "cannot enter the sandbox: %s", sd_strerror(e));
		return e;
	}
	if ((*mhd = start_http(d, *fd)) == NULL) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot start the HTTP server");
		return SD_ERR_IO;
	}
	return 0;
}

int
web_daemon_run(struct web_daemon *d)
{
	struct MHD_Daemon *mhd = NULL;
	pthread_t rt;
	sigset_t set;
	int fd = -1, is_unix = 0, sig = 0, e, reaping = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((e = serve(d, &fd, &is_unix, &mhd)) != 0)
		goto out;
	if (pthread_create(&rt, NULL, reaper, d) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot start the reaper thread");
		e = SD_ERR_NOMEM;
		goto out;
	}
	reaping = 1;
	if (d->landlock_abi > 0)
		sdlog_info("sandbox: seccomp allow-list, landlock ABI %d", d->landlock_abi);
	else
		sdlog_info("warning: %s",
		    d->landlock_abi == 0
			? "this kernel has no landlock: files outside the instance stay reachable"
			: "sanitizer build: no sandbox");
	sdlog_info("listening on %s%s", d->listen, d->dev ? " (development mode)" : "");
	while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	drain(d, &set);
out:
	stopping = 1;
	if (mhd != NULL)
		MHD_stop_daemon(mhd);
	if (fd >= 0)
		close(fd);
	if (is_unix)
		web_unlisten(d->listen);
	if (reaping)
		pthread_join(rt, NULL);
	if (tab.cut_head + tab.cut_body > 0)
		sdlog_info("connections cut since the start: %u whose request did not arrive "
			   "within header_timeout, %u whose body was slower than body_min_rate",
		    tab.cut_head, tab.cut_body);
	free(tab.slot);
	tab.slot = NULL;
	tab.n = 0;
	return e;
}
