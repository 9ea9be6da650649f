/*
 * http.c - HTTP plumbing on libmicrohttpd (see http.h).
 */
#include "http.h"
#include "daemon.h"
#include "sderr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <sodium.h>

/* Connections waiting to be accepted: hundreds may arrive at once. */
#define WEB_LISTEN_BACKLOG 512

#define CSP \
	"default-src 'none'; style-src 'self'; img-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static int
listen_unix(const char *path, int *fd)
{
	struct sockaddr_un sa;
	struct stat st;
	int s;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path)
		return SD_ERR_TOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return SD_ERR_EXISTS;
		(void)unlink(path);
	}
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return SD_ERR_IO;
	/* tor connects as its own user: the socket is group-accessible and the
	 * instance directory decides who reaches it. */
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || chmod(path, 0660) != 0 ||
	    listen(s, WEB_LISTEN_BACKLOG) != 0) {
		close(s);
		return SD_ERR_IO;
	}
	*fd = s;
	return 0;
}

static int
listen_tcp(const char *spec, int *fd)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	struct sockaddr_in sa;
	char *end = NULL;
	unsigned long port;
	int s, one = 1;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof host)
		return SD_ERR_FORMAT;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	port = strtoul(colon + 1, &end, 10);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (*end != '\0' || port == 0 || port > 65535 ||
	    inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return SD_ERR_FORMAT;
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return SD_ERR_IO;
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, WEB_LISTEN_BACKLOG) != 0) {
		close(s);
		return SD_ERR_IO;
	}
	*fd = s;
	return 0;
}

int
web_listen(const char *spec, int *fd, int *is_unix)
{
	int e;

	if (strncmp(spec, "unix:", 5) == 0) {
		if ((e = listen_unix(spec + 5, fd)) == 0)
			*is_unix = 1;
		return e;
	}
	if ((e = listen_tcp(spec, fd)) == 0)
		*is_unix = 0;
	return e;
}

void
web_unlisten(const char *spec)
{
	struct stat st;

	if (strncmp(spec, "unix:", 5) == 0 && lstat(spec + 5, &st) == 0 && S_ISSOCK(st.st_mode))
		(void)unlink(spec + 5);
}

static const char *const security_headers[][2] = {
	{ "Content-Security-Policy", CSP },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Cache-Control", "no-store" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Cross-Origin-Resource-Policy", "same-origin" },
	{ "X-Frame-Options", "DENY" },
	{ "Permissions-Policy", "interest-cohort=()" },
};
#define N_SECURITY_HEADERS (sizeof security_headers / sizeof security_headers[0])

int
web_security_headers(struct MHD_Response *r)
{
	for (size_t i = 0; i < N_SECURITY_HEADERS; i++)
		if (MHD_add_response_header(r, security_headers[i][0], security_headers[i][1]) !=
		    MHD_YES)
			return SD_ERR_NOMEM;
	return 0;
}

int
web_security_headers_text(char *out, size_t cap, size_t *len)
{
	size_t n = 0;

	for (size_t i = 0; i < N_SECURITY_HEADERS; i++) {
		int w = snprintf(
		    out + n, cap - n, "%s: %s\r\n", security_headers[i][0], security_headers[i][1]);
		if (w < 0 || (size_t)w >= cap - n)
			return SD_ERR_TOOLONG;
		n += (size_t)w;
	}
	*len = n;
	return 0;
}

/* Response memory may hold a codename or a reply: wipe before freeing. */
struct wiped {
	size_t len;
	char data[];
};

static void
wiped_free(void *cls)
{
	struct wiped *w = cls;

	sodium_memzero(w->data, w->len);
	free(w);
}

/* While the daemon drains: no keep-alive, and a 503 says when to come
 * back. */
static int
drain_headers(struct MHD_Response *r, unsigned status)
{
	char secs[16];

	(void)snprintf(secs, sizeof secs, "%u", (unsigned)WEB_DRAIN_RETRY_AFTER);
	if (MHD_add_response_header(r, "Connection", "close") != MHD_YES ||
	    (status == MHD_HTTP_SERVICE_UNAVAILABLE &&
		MHD_add_response_header(r, "Retry-After", secs) != MHD_YES))
		return SD_ERR_NOMEM;
	return 0;
}

static enum MHD_Result
queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r, const char *ctype)
{
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	if (web_security_headers(r) != 0 ||
	    (ctype && MHD_add_response_header(r, "Content-Type", ctype) != MHD_YES) ||
	    (web_daemon_draining() && drain_headers(r, status) != 0)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Add cookies and extra headers; destroys r and returns -1 on failure. */
static int
decorate(
    struct MHD_Response *r, const struct web_cookie *cookies, size_t n, const char *const *headers)
{
	for (size_t i = 0; i < n; i++)
		if (web_set_cookie(r, cookies[i].name, cookies[i].value, cookies[i].clear) != 0)
			goto fail;
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i += 2)
		if (headers[i + 1] == NULL ||
		    MHD_add_response_header(r, headers[i], headers[i + 1]) != MHD_YES)
			goto fail;
	return 0;
fail:
	MHD_destroy_response(r);
	return -1;
}

enum MHD_Result
web_respond(struct MHD_Connection *c, unsigned status, const char *content_type, struct sdbuf *body)
{
	return web_respond_ex(c, status, content_type, body, NULL, 0, NULL);
}

enum MHD_Result
web_respond_ex(struct MHD_Connection *c, unsigned status, const char *content_type,
    struct sdbuf *body, const struct web_cookie *cookies, size_t n, const char *const *headers)
{
	struct wiped *w = malloc(sizeof *w + body->len + 1);
	struct MHD_Response *r;

	if (w == NULL) {
		sdbuf_free(body);
		return MHD_NO;
	}
	w->len = body->len;
	if (body->len > 0)
		memcpy(w->data, body->p, body->len);
	sdbuf_free(body);
	r = MHD_create_response_from_buffer_with_free_callback_cls(w->len, w->data, wiped_free, w);
	if (r == NULL) {
		wiped_free(w);
		return MHD_NO;
	}
	if (decorate(r, cookies, n, headers) != 0)
		return MHD_NO;
	return queue(c, status, r, content_type);
}

enum MHD_Result
web_redirect(struct MHD_Connection *c, const char *location)
{
	return web_redirect_ex(c, location, NULL, 0);
}

enum MHD_Result
web_redirect_ex(
    struct MHD_Connection *c, const char *location, const struct web_cookie *cookies, size_t n)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	const char *const hdr[] = { "Location", location, NULL };

	if (r == NULL || decorate(r, cookies, n, hdr) != 0)
		return MHD_NO;
	return queue(c, MHD_HTTP_SEE_OTHER, r, NULL);
}

enum MHD_Result
web_respond_static(
    struct MHD_Connection *c, const unsigned char *data, size_t len, const char *content_type)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_PERSISTENT);

	return queue(c, MHD_HTTP_OK, r, content_type);
}

int
web_set_cookie(struct MHD_Response *r, const char *name, const char *value, int clear)
{
	char line[256];
	int n = snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", name,
	    value, clear ? "; Max-Age=0" : "");

	if (n < 0 || (size_t)n >= sizeof line)
		return SD_ERR_TOOLONG;
	return MHD_add_response_header(r, "Set-Cookie", line) == MHD_YES ? 0 : SD_ERR_NOMEM;
}

int
web_host_is_onion(struct MHD_Connection *c)
{
	return web_host_str_is_onion(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host"));
}

int
web_host_str_is_onion(const char *h)
{
	size_t i;

	if (h == NULL)
		return 0;
	for (i = 0; i < 56; i++) {
		char ch = h[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '7')))
			return 0;
	}
	if (strncmp(h + 56, ".onion", 6) != 0)
		return 0;
	h += 62;
	if (*h == '\0')
		return 1;
	if (*h++ != ':' || *h == '\0')
		return 0;
	for (i = 0; h[i] != '\0'; i++)
		if (h[i] < '0' || h[i] > '9' || i >= 5)
			return 0;
	return 1;
}

void
web_token_new(char out[WEB_TOKEN_CHARS + 1])
{
	unsigned char rnd[WEB_TOKEN_BYTES];

	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2base64(
	    out, WEB_TOKEN_CHARS + 1, rnd, sizeof rnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof rnd);
}

int
web_token_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL || strlen(a) != WEB_TOKEN_CHARS ||
	    strnlen(b, WEB_TOKEN_CHARS + 1) != WEB_TOKEN_CHARS)
		return 0;
	return sodium_memcmp(a, b, WEB_TOKEN_CHARS) == 0;
}

enum MHD_Result
web_queue_download(struct MHD_Connection *c, struct MHD_Response *r, const char *content_type,
    const char *const *headers)
{
	if (r == NULL || decorate(r, NULL, 0, headers) != 0)
		return MHD_NO;
	return queue(c, MHD_HTTP_OK, r, content_type);
}

enum MHD_Result
web_respond_broken_page(struct MHD_Connection *c)
{
	static const char msg[] = "Something went wrong. Please try again later.\n";

	struct MHD_Response *r = MHD_create_response_from_buffer(
	    sizeof msg - 1, (void *)(uintptr_t)msg, MHD_RESPMEM_PERSISTENT);

	return queue(c, MHD_HTTP_INTERNAL_SERVER_ERROR, r, "text/plain; charset=utf-8");
}
