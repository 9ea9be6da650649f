/*
 * main.c - sealdrop-source: the no-JavaScript site sources use through the
 * source onion service.
 *
 *   sealdrop-source --instance DIR [--listen unix:PATH|HOST:PORT] [--dev]
 *
 * Start-up (any failure is fatal, with one clear line): read sealdrop.conf,
 * open the database and the spool (emptying spool/tmp/), parse the embedded
 * templates and catalogues, open the listening socket (unix:DIR/source.sock
 * by default), start libmicrohttpd's thread pool. Then the main thread waits
 * for SIGINT or SIGTERM while a reaper thread wipes idle sessions.
 *
 * Logs go to stderr and name events only: never a codename, a file name, a
 * size, an address or a User-Agent.
 */
#include "source.h"
#include "i18n.h"
#include "sandbox.h"
#include "sdhash.h"
#include "sderr.h"
#include "tmpl.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#define PROG "sealdrop-source"

struct src_app src_app;

void
src_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": %s\n", line);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

struct opts {
	const char *instance;
	const char *listen;
};

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "listen", required_argument, NULL, 'l' },
		{ "dev", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o->instance = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'd': src_app.dev = 1; break;
		case 'h':
			printf("usage: " PROG " --instance DIR [--listen unix:PATH|HOST:PORT] [--dev]\n");
			exit(0);
		default:
			fprintf(stderr, "usage: " PROG " --instance DIR [--listen unix:PATH|HOST:PORT] "
			    "[--dev]\n");
			exit(2);
		}
	}
	if (o->instance == NULL || optind != argc) {
		fprintf(stderr, PROG ": --instance DIR is required\n");
		exit(2);
	}
}

static void
open_instance(const char *inst)
{
	char path[PATH_MAX], err[CONF_ERR_MAX];
	unsigned removed = 0;
	int e;

	conf_defaults(&src_app.conf);
	if (snprintf(path, sizeof path, "%s/sealdrop.conf", inst) >= (int)sizeof path)
		die("%s: path too long", inst);
	if ((e = conf_load(path, &src_app.conf, err)) != 0)
		die("%s: %s", path, err);
	(void)snprintf(path, sizeof path, "%s/sealdrop.db", inst);
	if (access(path, F_OK) != 0)
		die("%s: not a sealdrop instance (run sealdrop-admin init first)", inst);
	if ((e = db_open(path, 0, &src_app.db)) != 0)
		die("%s: %s", path, sd_strerror(e));
	if ((e = store_codename_params(src_app.db, &src_app.cn)) != 0)
		die("%s: the instance settings are damaged (codename salt)", path);
	if (db_setting_get(src_app.db, "instance_name", src_app.instance_name,
	        sizeof src_app.instance_name) != 0)
		(void)snprintf(src_app.instance_name, sizeof src_app.instance_name, "%s",
		    src_app.conf.name);
	if ((e = spool_open(inst, "source", &src_app.spool, &removed)) != 0)
		die("%s/spool: %s", inst, sd_strerror(e));
	if (removed > 0)
		src_log("removed %u unfinished uploads left by a previous run", removed);
}

static volatile sig_atomic_t stopping;

static void *
reaper(void *arg)
{
	(void)arg;
	while (!stopping) {
		struct timespec ts = { 1, 0 }; /* short: stopping waits for it */
		static unsigned ticks;
		nanosleep(&ts, NULL);
		if (++ticks % 30 == 0)
			(void)srcsess_expire();
	}
	return NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	/* libmicrohttpd's messages may name a client; keep only that one came. */
	(void)cls, (void)fmt, (void)ap;
}

static struct MHD_Daemon *
start_http(int fd)
{
	/* A thread per connection (bounded by max_connections): an argon2id
	 * derivation or a slow upload blocks only its own connection. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_POLL | MHD_USE_ERROR_LOG;

	return MHD_start_daemon(flags, 0, NULL, NULL, src_handle, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)src_app.conf.max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)src_app.conf.connection_timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, src_completed, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_END);
}

static void
init_all(const struct opts *o, char *listen, size_t listensz)
{
	int e;

	open_instance(o->instance);
	if (o->listen)
		(void)snprintf(listen, listensz, "%s", o->listen);
	else if (src_app.conf.source_listen[0])
		(void)snprintf(listen, listensz, "%s", src_app.conf.source_listen);
	else if (snprintf(listen, listensz, "unix:%s/source.sock", o->instance) >= (int)listensz)
		die("%s: path too long for a socket", o->instance);
	if (strncmp(listen, "unix:", 5) != 0 && !src_app.dev)
		die("--listen %s: a TCP listener is for development; add --dev", listen);
	if ((e = tmpl_init()) != 0 || (e = i18n_init()) != 0)
		die("cannot load the pages: %s", sd_strerror(e));
	if (srcsess_init(src_app.conf.session_idle_minutes * 60U,
	        src_app.conf.session_max_minutes * 60U) != 0)
		die("out of memory");
	if (pthread_mutex_init(&src_app.db_mu, NULL) != 0 ||
	    sem_init(&src_app.argon2, 0, src_app.conf.argon2_concurrency) != 0)
		die("cannot initialise locks");
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct MHD_Daemon *d;
	char listen[CONF_LISTEN_MAX + 16];
	pthread_t rt;
	sigset_t set;
	int fd = -1, is_unix = 0, sig = 0, e;

	umask(077);
	if (sodium_init() < 0)
		die("cannot initialise libsodium");
	/* The BLAKE2b of each upload's content runs on a helper thread of the
	 * upload, started only once a file passes one 64 KiB frame. */
	sdhash_set_threaded(1);
	parse_opts(argc, argv, &o);
	init_all(&o, listen, sizeof listen);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((e = web_listen(listen, &fd, &is_unix)) != 0)
		die("cannot listen on %s: %s", listen, e == SD_ERR_IO ? strerror(errno) : sd_strerror(e));
	if ((d = start_http(fd)) == NULL)
		die("cannot start the HTTP server");
	if ((e = web_sandbox()) != 0)
		die("cannot enter the sandbox: %s", sd_strerror(e));
	if (pthread_create(&rt, NULL, reaper, NULL) != 0)
		die("cannot start the session reaper");
	src_log("listening on %s%s", listen, src_app.dev ? " (development mode)" : "");
	while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	stopping = 1;
	src_log("stopping");
	MHD_stop_daemon(d);
	close(fd);
	if (is_unix)
		web_unlisten(listen);
	pthread_join(rt, NULL);
	srcsess_shutdown();
	spool_close(src_app.spool);
	db_close(src_app.db);
	return 0;
}
