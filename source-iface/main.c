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
#include "sdlog.h"
#include "sdi18n.h"
#include "daemon.h"
#include "sderr.h"
#include "static.h"
#include "sdtmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#define PROG "sealdrop-source"

struct src_app src_app;
static struct web_daemon daemon_ctx = { .prog = PROG, .sockname = "source.sock" };

/* The key of submit tokens (session.h), made once and kept in the
 * database so a form outlives a restart. */
static void
load_token_key(const char *inst)
{
	char hex[2 * 32 + 1];
	unsigned char key[32];
	size_t n = 0;
	int e;

	e = db_setting_get(src_app.db, "submit_token_key", hex, sizeof hex);
	if (e == 1) {
		randombytes_buf(key, sizeof key);
		sodium_bin2hex(hex, sizeof hex, key, sizeof key);
		e = db_setting_set(src_app.db, "submit_token_key", hex);
	} else if (e == 0 &&
	    (sodium_hex2bin(key, sizeof key, hex, strlen(hex), NULL, &n, NULL) != 0 ||
		n != sizeof key)) {
		e = SD_ERR_FORMAT;
	}
	sodium_memzero(hex, sizeof hex);
	if (e != 0)
		sdlog_fatalx("%s/sealdrop.db: the submit token key: %s", inst, sd_strerror(e));
	srcsess_set_token_key(key);
	sodium_memzero(key, sizeof key);
}

static void
open_instance(const char *inst)
{
	char err[STORE_ERR_MAX];
	unsigned removed = 0;

	if (store_instance_open(
		inst, "source", &src_app.conf, &src_app.db, &src_app.spool, &removed, err) != 0)
		sdlog_fatalx("%s", err);
	if (store_codename_params(src_app.db, &src_app.cn) != 0)
		sdlog_fatalx(
		    "%s/sealdrop.db: the instance settings are damaged (codename salt)", inst);
	if (db_setting_get(src_app.db, "instance_name", src_app.instance_name,
		sizeof src_app.instance_name) != 0)
		(void)snprintf(
		    src_app.instance_name, sizeof src_app.instance_name, "%s", src_app.conf.name);
	if (removed > 0)
		sdlog_info("removed %u unfinished uploads left by a previous run", removed);
	load_token_key(inst);
}

/* Once a second on the reaper thread. */
static void
tick(unsigned seconds)
{
	if (seconds % 30 == 0)
		(void)srcsess_expire();
	if (seconds % 3600 == 0)
		src_prune_pending();
}

static void
init_all(void)
{
	int e;

	open_instance(daemon_ctx.instance);
	if (web_daemon_listen_spec(&daemon_ctx, src_app.conf.source_listen) != 0)
		sdlog_fatalx("%s", daemon_ctx.msg);
	if ((e = web_pages_init()) != 0 || (e = i18n_init()) != 0)
		sdlog_fatalx("cannot load the pages: %s", sd_strerror(e));
	if (srcsess_init(src_app.conf.max_sessions, src_app.conf.session_idle_minutes * 60U,
		src_app.conf.session_max_minutes * 60U) != 0)
		sdlog_fatalx("out of memory");
	if (pthread_mutex_init(&src_app.db_mu, NULL) != 0 ||
	    web_gate_new(
		src_app.conf.argon2_concurrency, src_app.conf.argon2_queue, &src_app.argon2) != 0)
		sdlog_fatalx("cannot initialise locks");
	src_prune_pending();
	daemon_ctx.handle = src_handle;
	daemon_ctx.completed = src_completed;
	daemon_ctx.tick = tick;
	web_daemon_set_limits(&daemon_ctx, &src_app.conf);
}

int
main(int argc, char **argv)
{
	web_daemon_start(&daemon_ctx, argc, argv);
	src_app.dev = daemon_ctx.dev;
	init_all();
	/* jansson's hash seed, from libsodium: the sandbox keeps it from
	 * reading /dev/urandom itself later. */
	json_object_seed(randombytes_random() | 1U);
	web_daemon_serve(&daemon_ctx);
	srcsess_shutdown();
	spool_close(src_app.spool);
	db_close(src_app.db);
	return 0;
}
