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
#include "admin_int.h"
#include "sdlog.h"
#include "account.h"
#include "sdi18n.h"
#include "daemon.h"
#include "sderr.h"
#include "static.h"
#include "sdtmpl.h"

#include <malloc.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#define PROG "sealdrop-journalist"

static struct web_daemon daemon_ctx = { .prog = PROG, .sockname = "journalist.sock" };

static void
open_instance(const char *inst)
{
	char err[STORE_ERR_MAX];
	unsigned removed = 0;

	if (store_instance_open(
		inst, "journalist", &jn_app.conf, &jn_app.db, &jn_app.spool, &removed, err) != 0)
		sdlog_fatalx("%s", err);
	if (removed > 0)
		sdlog_info("removed %u unfinished files left by a previous run", removed);
	if (snprintf(jn_app.instance, sizeof jn_app.instance, "%s", inst) >=
	    (int)sizeof jn_app.instance)
		sdlog_fatalx("%s: path too long", inst);
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

/* Once a second on the reaper thread: sessions, then the retention
 * purge a few seconds after start and hourly. */
static void
tick(unsigned seconds)
{
	unsigned purged = 0;

	if (seconds % 30 == 0)
		(void)jnsess_expire();
	if (seconds % 3600 == 3 && jn_retention_run(&purged) != 0)
		sdlog_info("the retention purge failed; it runs again in an hour");
}

static void
init_all(void)
{
	int e;

	open_instance(daemon_ctx.instance);
	if ((e = jn_torkey_init(daemon_ctx.instance)) != 0)
		sdlog_fatalx("%s/tor-clients: cannot open the Tor client-key requests: %s",
		    daemon_ctx.instance, sd_strerror(e));
	if (web_daemon_listen_spec(&daemon_ctx, jn_app.conf.journalist_listen) != 0)
		sdlog_fatalx("%s", daemon_ctx.msg);
	if ((e = web_pages_init()) != 0 || (e = i18n_init()) != 0)
		sdlog_fatalx("cannot load the pages: %s", sd_strerror(e));
	if (jnsess_init(jn_app.conf.journalist_idle_minutes * 60U,
		jn_app.conf.journalist_max_minutes * 60U) != 0)
		sdlog_fatalx("out of memory");
	if (account_init() != 0)
		sdlog_fatalx("cannot initialise liboath");
	if (pthread_mutex_init(&jn_app.db_mu, NULL) != 0 ||
	    pthread_mutex_init(&jn_app.throttle_mu, NULL) != 0 ||
	    sem_init(&jn_app.argon2, 0, jn_app.conf.argon2_concurrency) != 0)
		sdlog_fatalx("cannot initialise locks");
	json_set_alloc_funcs(json_wiping_malloc, json_wiping_free);
	daemon_ctx.handle = jn_handle;
	daemon_ctx.completed = jn_completed;
	daemon_ctx.tick = tick;
	web_daemon_set_limits(&daemon_ctx, &jn_app.conf);
}

int
main(int argc, char **argv)
{
	web_daemon_start(&daemon_ctx, argc, argv);
	jn_app.dev = daemon_ctx.dev;
	init_all();
	/* jansson's hash seed, from libsodium: the sandbox keeps it from
	 * reading /dev/urandom itself later. */
	json_object_seed(randombytes_random() | 1U);
	web_daemon_serve(&daemon_ctx);
	jnsess_shutdown();
	spool_close(jn_app.spool);
	db_close(jn_app.db);
	return 0;
}
