/*
 * fuzz_daemons.c - libFuzzer target for both daemons as libmicrohttpd runs
 * them: each input becomes one HTTP request, sent over a socketpair to an
 * in-process libmicrohttpd daemon (no listening socket, no TCP: the
 * connection is handed over with MHD_add_connection) whose handlers are
 * the real ones, src_handle or jn_handle, over a temporary instance. The
 * bodies so go through libmicrohttpd's own parser and post processor into
 * our iterators (upload.c, web/http.c, form.c) and JSON readers, then into
 * the route handlers.
 *
 * Input: three header bytes, then the body.
 *   byte 0, flags: bit 0 the journalist daemon (else the source daemon);
 *     bit 1 carry the session (page cookie; API token under /api/v1/);
 *     bit 2 chunked transfer encoding (else Content-Length); bit 3 put a
 *     valid csrf_token field first (encoded for the content type); bit 4 a
 *     Host that is not an onion; bits 5-7 the chunk size.
 *   byte 1, the route (of a table of each daemon's routes); the last one
 *     takes "METHOD PATH" from the first line of the rest.
 *   byte 2, the content type (of a table); the last one takes it from the
 *     next line of the rest.
 *   "%S" in a path is the fuzz source's id, "%J" the fuzz journalist's row.
 * The connection is closed by the server after its answer (Connection:
 * close); the answer is read and dropped. Besides the sanitizers, one
 * check: every request is answered or closed within FZD_WAIT_MS (a stuck
 * handler aborts, with the input saved by libFuzzer).
 *
 * With FUZZ_DAEMONS_VERBOSE set in the environment, each request and its
 * answer are written to stderr (to see what a corpus file does).
 *
 * The instance lives in a temporary directory removed at exit (not after
 * a crash). Every FZD_RESET inputs the fuzz source is deleted with all it
 * submitted, so a long run does not fill the disk.
 */
#include "fuzz_daemons.h"
#include "conf.h"
#include "db.h"
#include "sdi18n.h"
#include "spool.h"
#include "static.h"
#include "sdtmpl.h"
#include "sdtree.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZD_RESET 512
#define FZD_WAIT_MS 60000 /* far past libmicrohttpd's 10 s idle timeout */
#define FZD_LINE_MAX 300
#define ONION "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"
#define ANON_CSRF "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define BOUNDARY "fzB"

static const char *const src_routes[] = { "POST /submit", "POST /generate", "POST /login",
	"POST /reply/delete", "POST /logout", "GET /lookup", "POST /", NULL };
static const char *const jn_routes[] = { "POST /login", "POST /logout", "POST /sources",
	"POST /source/%S/items", "POST /source/%S/reply", "POST /source/%S/delete",
	"POST /source/%S/star", "POST /account/totp", "POST /admin/journalists",
	"POST /admin/journalist/%J/reset", "POST /admin/journalist/%J/remove",
	"POST /admin/recipients", "POST /admin/recipient/1/remove", "POST /admin/settings",
	"POST /api/v1/token", "POST /api/v1/logout", "POST /api/v1/bundle",
	"POST /api/v1/sources/%S/star", "POST /api/v1/sources/%S/bundle",
	"POST /api/v1/sources/%S/replies", "DELETE /api/v1/sources/%S", "GET /sources", NULL };
static const char *const types[] = { "multipart/form-data; boundary=" BOUNDARY,
	"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
	"multipart/form-data; boundary=\"" BOUNDARY "\"", "multipart/form-data", "application/json",
	"text/plain", "", NULL };

static char dir[64];
static struct MHD_Daemon *src_mhd, *jn_mhd;
static unsigned long inputs;
static int verbose; /* FUZZ_DAEMONS_VERBOSE set: each request and answer on stderr */

static void
quiet(void *cls, const char *fmt, va_list ap)
{
	(void)cls, (void)fmt, (void)ap;
}

static struct MHD_Daemon *
start(MHD_AccessHandlerCallback h, MHD_RequestCompletedCallback done)
{
	/* As web/daemon.c runs them: a thread per connection, poll. */
	struct MHD_Daemon *d =
	    MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
		    MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC,
		0, NULL, NULL, h, NULL, MHD_OPTION_CONNECTION_LIMIT, 64U,
		MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, quiet, NULL, MHD_OPTION_END);

	if (d == NULL)
		abort();
	return d;
}

static void
cleanup(void)
{
	if (src_mhd != NULL)
		MHD_stop_daemon(src_mhd);
	if (jn_mhd != NULL)
		MHD_stop_daemon(jn_mhd);
	src_mhd = jn_mhd = NULL;
	if (dir[0] != '\0')
		sd_ignore(sd_rmtree_at(AT_FDCWD, dir, SD_TREE_DEPTH_MAX)); /* a scratch dir */
}

/* A fresh instance as sealdrop-admin init makes it, with the cheapest
 * argon2id parameters for codenames and one random recipient key. */
static void
make_instance(const char *inst)
{
	unsigned char salt[16], pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
	char path[256], hex[33];
	struct db *db = NULL;

	if (mkdir(inst, 0700) != 0)
		abort();
	(void)snprintf(path, sizeof path, "%s/sealdrop.conf", inst);
	if (conf_write_default(path, "fuzz") != 0 || spool_create(inst) != 0)
		abort();
	(void)snprintf(path, sizeof path, "%s/sealdrop.db", inst);
	if (db_open(path, 1, &db) != 0)
		abort();
	randombytes_buf(salt, sizeof salt);
	sodium_bin2hex(hex, sizeof hex, salt, sizeof salt);
	crypto_box_keypair(pk, sk);
	if (db_setting_set(db, "codename_salt", hex) != 0 ||
	    db_setting_set(db, "instance_name", "fuzz") != 0 ||
	    db_setting_set(db, "codename_opslimit", "1") != 0 ||
	    db_setting_set(db, "codename_memlimit", "8192") != 0 ||
	    db_recipient_add(db, pk, "fuzz") != 0)
		abort();
	db_close(db);
}

static void
init(void)
{
	char inst[128];
	const char *tmp = getenv("TMPDIR");

	if (sodium_init() < 0 || web_pages_init() != 0 || i18n_init() != 0)
		abort();
	verbose = getenv("FUZZ_DAEMONS_VERBOSE") != NULL;
	json_object_seed(randombytes_random() | 1U);
	signal(SIGPIPE, SIG_IGN);
	umask(077);
	(void)snprintf(
	    dir, sizeof dir, "%s/sdfuzz.XXXXXX", tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	(void)snprintf(inst, sizeof inst, "%s/inst", dir);
	make_instance(inst);
	fzd_src_open(inst);
	fzd_jn_open(inst);
	src_mhd = start(fzd_src_handle, fzd_src_completed);
	jn_mhd = start(fzd_jn_handle, fzd_jn_completed);
}

/* ---- building the request ------------------------------------------------ */

struct out {
	char *p;
	size_t n, cap;
};

static void
put(struct out *o, const void *s, size_t n)
{
	if (o->n + n > o->cap) {
		size_t cap = (o->n + n) * 2 + 256;
		char *p = realloc(o->p, cap);
		if (p == NULL)
			abort();
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* The next line of the input (at most FZD_LINE_MAX bytes, no CR, LF or
 * NUL: it goes into the request head). */
static void
line(const uint8_t **p, size_t *n, char out[FZD_LINE_MAX + 1])
{
	size_t k = 0;

	while (*n > 0 && **p != '\n') {
		if (k < FZD_LINE_MAX && **p != '\r' && **p != '\0')
			out[k++] = (char)**p;
		(*p)++, (*n)--;
	}
	if (*n > 0)
		(*p)++, (*n)--;
	out[k] = '\0';
}

/* route with %S and %J replaced. */
static void
expand(struct out *o, const char *route, const struct fzd_creds *cr)
{
	for (const char *s = route; *s; s++) {
		if (s[0] == '%' && s[1] == 'S')
			puts_(o, cr->source), s++;
		else if (s[0] == '%' && s[1] == 'J')
			puts_(o, cr->me), s++;
		else
			put(o, s, 1);
	}
}

static void
build(const uint8_t *data, size_t size, int *jn, struct out *o)
{
	static const size_t chunk[] = { 1, 3, 7, 16, 64, 200, 1000, 4096 };
	struct fzd_creds cr, jcr;
	char custom[FZD_LINE_MAX + 1], ctype[FZD_LINE_MAX + 1], num[64];
	const char *const *routes;
	const char *route, *ct, *csrf;
	struct out body = { 0 };
	uint8_t fl = data[0], rsel = data[1], tsel = data[2];
	size_t nr = 0, nt = 0, csz = chunk[fl >> 5];
	int api;

	*jn = fl & 1;
	fzd_src_creds(++inputs % FZD_RESET == 0, &cr);
	if (*jn) {
		fzd_jn_creds(cr.source, &jcr);
		cr = jcr;
	}
	routes = *jn ? jn_routes : src_routes;
	while (routes[nr] != NULL)
		nr++;
	while (types[nt] != NULL)
		nt++;
	data += 3, size -= 3;
	route = routes[rsel % (nr + 1)];
	if (route == NULL) {
		line(&data, &size, custom);
		route = custom;
	}
	ct = types[tsel % nt];
	if (ct[0] == '\0') {
		line(&data, &size, ctype);
		ct = ctype;
	}
	api = strstr(route, " /api/v1") != NULL;
	csrf = fl & 2 ? cr.csrf : ANON_CSRF;

	expand(o, route, &cr);
	puts_(o, " HTTP/1.1\r\nHost: ");
	puts_(o, fl & 16 ? "example.com" : ONION);
	puts_(o, "\r\nConnection: close\r\nCookie: ");
	puts_(o, *jn ? "sdj_csrf=" ANON_CSRF : "sd_csrf=" ANON_CSRF);
	if (fl & 2) {
		puts_(o, *jn ? "; sdj_session=" : "; sd_session=");
		puts_(o, cr.sess);
		if (api) {
			puts_(o, "\r\nAuthorization: Token ");
			puts_(o, cr.api);
		}
	}
	puts_(o, "\r\n");
	if (ct[0] != '\0') {
		puts_(o, "Content-Type: ");
		puts_(o, ct);
		puts_(o, "\r\n");
	}
	if (fl & 8) {
		if (strncmp(ct, "multipart/", 10) == 0) {
			puts_(&body,
			    "--" BOUNDARY "\r\nContent-Disposition: form-data; "
			    "name=\"csrf_token\"\r\n\r\n");
			puts_(&body, csrf);
			puts_(&body, "\r\n");
		} else {
			puts_(&body, "csrf_token=");
			puts_(&body, csrf);
			puts_(&body, "&");
		}
	}
	if (size > 0)
		put(&body, data, size);
	if (fl & 4) {
		puts_(o, "Transfer-Encoding: chunked\r\n\r\n");
		for (size_t i = 0; i < body.n; i += csz) {
			size_t k = body.n - i < csz ? body.n - i : csz;
			(void)snprintf(num, sizeof num, "%zx\r\n", k);
			puts_(o, num);
			put(o, body.p + i, k);
			puts_(o, "\r\n");
		}
		puts_(o, "0\r\n\r\n");
	} else {
		(void)snprintf(num, sizeof num, "Content-Length: %zu\r\n\r\n", body.n);
		puts_(o, num);
		if (body.n > 0)
			put(o, body.p, body.n);
	}
	free(body.p);
	sodium_memzero(&cr, sizeof cr);
}

/* ---- one exchange ------------------------------------------------------------- */

/* Write req and read the answer until the server closes the connection. */
static void
exchange(struct MHD_Daemon *d, const struct out *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char sink[65536];
	size_t sent = 0;
	int sv[2];

	if (verbose) {
		(void)fwrite(req->p, 1, req->n, stderr);
		fputs("\n----\n", stderr);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	if (fcntl(sv[1], F_SETFL, O_NONBLOCK) != 0 ||
	    MHD_add_connection(d, sv[0], (const struct sockaddr *)&sa, sizeof sa) != MHD_YES)
		abort(); /* MHD owns sv[0] from here */
	for (;;) {
		struct pollfd pf = { sv[1], POLLIN | (sent < req->n ? POLLOUT : 0), 0 };
		ssize_t r;
		int n = poll(&pf, 1, FZD_WAIT_MS);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			/* libmicrohttpd closes an idle connection after 10 s: a
			 * request neither answered nor closed by then is stuck in
			 * a handler (a lock never released, a loop). */
			fprintf(stderr, "fuzz_daemons: no answer in %d s: a handler is stuck\n",
			    FZD_WAIT_MS / 1000);
			abort();
		}
		if (n < 0)
			abort();
		if ((pf.revents & POLLOUT) && sent < req->n) {
			r = send(sv[1], req->p + sent, req->n - sent, MSG_NOSIGNAL);
			if (r > 0)
				sent += (size_t)r;
			else if (r < 0 && errno != EAGAIN && errno != EINTR)
				sent = req->n; /* the server closed: it answered early */
		}
		if (pf.revents & (POLLIN | POLLHUP | POLLERR)) {
			r = recv(sv[1], sink, sizeof sink, 0);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				break;
			if (r > 0 && verbose)
				(void)fwrite(sink, 1, (size_t)r, stderr);
		}
	}
	close(sv[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct out req = { 0 };
	int jn = 0;

	if (!ready) {
		init();
		ready = 1;
	}
	if (size < 3)
		return 0;
	build(data, size, &jn, &req);
	exchange(jn ? jn_mhd : src_mhd, &req);
	free(req.p);
	return 0;
}
