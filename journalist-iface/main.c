/*
 * main.c - sealdrop-journalist: the site journalists use through the
 * journalist onion service (with client authorisation), and its JSON API.
 *
 *   sealdrop-journalist --instance DIR [--listen unix:PATH|HOST:PORT] [--dev]
 *
 * Start-up (any failure is fatal, with one clear line): read sealdrop.conf,
 * open the database and the spool (its own tmp directory, for replies),
 * parse the embedded templates and catalogues, open the listening socket
 * (unix:DIR/journalist.sock by default), start libmicrohttpd. Then the main
 * thread waits for SIGINT or SIGTERM while a reaper thread wipes idle
 * sessions and runs the retention purge once an hour.
 *
 * This process never holds a journalist secret key and never sees a
 * plaintext submission. Logs name events only: never a designation, a file
 * name, a size, an address or a User-Agent.
 */
#include "journalist.h"
#include "account.h"
#include "i18n.h"
#include "sandbox.h"
#include "sderr.h"
#include "tmpl.h"

#include <malloc.h>

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

#define PROG "sealdrop-journalist"



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
		case 'd': jn_app.dev = 1; break;
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

	conf_defaults(&jn_app.conf);
	if (snprintf(path, sizeof path, "%s/sealdrop.conf", inst) >= (int)sizeof path)
		die("%s: path too long", inst);
	if ((e = conf_load(path, &jn_app.conf, err)) != 0)
		die("%s: %s", path, err);
	(void)snprintf(path, sizeof path, "%s/sealdrop.db", inst);
	if (access(path, F_OK) != 0)
		die("%s: not a sealdrop instance (run sealdrop-admin init first)", inst);
	if ((e = db_open(path, 0, &jn_app.db)) != 0)
		die("%s: %s", path, sd_strerror(e));
	if ((e = spool_open(inst, "journalist", &jn_app.spool, &removed)) != 0)
		die("%s/spool: %s", inst, sd_strerror(e));
	if (removed > 0)
		jn_log("removed %u unfinished files left by a previous run", removed);
	if (snprintf(jn_app.instance, sizeof jn_app.instance, "%s", inst) >=
	    (int)sizeof jn_app.instance)
		die("%s: path too long", inst);
}

/* jansson's allocations hold API bodies (a passphrase at /api/v1/token):
 * wiped when freed. */
static void *
json_wiping_malloc(size_t n)
{
	return malloc(n);
}

static void
json_wiping_free(void *p)
{
	if (p != NULL)
		sodium_memzero(p, malloc_usable_size(p));
	free(p);
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
			(void)jnsess_expire();
		if (ticks % 3600 == 3) { /* soon after start, then hourly */
			unsigned purged = 0;
			if (jn_retention_run(&purged) != 0)
				jn_log("the retention purge failed; it runs again in an hour");
		}
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

	return MHD_start_daemon(flags, 0, NULL, NULL, jn_handle, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)jn_app.conf.max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)jn_app.conf.connection_timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, jn_completed, NULL,
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
	else if (jn_app.conf.journalist_listen[0])
		(void)snprintf(listen, listensz, "%s", jn_app.conf.journalist_listen);
	else if (snprintf(listen, listensz, "unix:%s/journalist.sock", o->instance) >= (int)listensz)
		die("%s: path too long for a socket", o->instance);
	if (strncmp(listen, "unix:", 5) != 0 && !jn_app.dev)
		die("--listen %s: a TCP listener is for development; add --dev", listen);
	if ((e = tmpl_init()) != 0 || (e = i18n_init()) != 0)
		die("cannot load the pages: %s", sd_strerror(e));
	if (jnsess_init(jn_app.conf.journalist_idle_minutes * 60U,
	        jn_app.conf.journalist_max_minutes * 60U) != 0)
		die("out of memory");
	if (account_init() != 0)
		die("cannot initialise liboath");
	if (pthread_mutex_init(&jn_app.db_mu, NULL) != 0 ||
	    pthread_mutex_init(&jn_app.throttle_mu, NULL) != 0 ||
	    sem_init(&jn_app.argon2, 0, jn_app.conf.argon2_concurrency) != 0)
		die("cannot initialise locks");
	json_set_alloc_funcs(json_wiping_malloc, json_wiping_free);
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
	jn_log("listening on %s%s", listen, jn_app.dev ? " (development mode)" : "");
	while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	stopping = 1;
	jn_log("stopping");
	MHD_stop_daemon(d);
	close(fd);
	if (is_unix)
		web_unlisten(listen);
	pthread_join(rt, NULL);
	jnsess_shutdown();
	spool_close(jn_app.spool);
	db_close(jn_app.db);
	return 0;
}
