/*
 * http.h - HTTP plumbing shared by sealdrop-source and sealdrop-journalist,
 * on libmicrohttpd: listening sockets (unix by default), the security
 * headers every response carries, responses whose memory is wiped when
 * libmicrohttpd frees it, cookies, the onion-only Host check and tokens.
 * Forms are form.h's, routes route.h's.
 */
#ifndef WEB_HTTP_H
#define WEB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#include "sdbuf.h"
#include "sderr.h"

#define WEB_TOKEN_BYTES 32
#define WEB_TOKEN_CHARS 43 /* base64url without padding of 32 bytes */

/*
 * Open a listening socket. spec is "unix:PATH" or "HOST:PORT" (HOST an IP
 * literal; a TCP listener is for development). A stale unix socket at PATH
 * is replaced; any other file there is an error. *is_unix says which.
 */
SD_MUST_CHECK
int web_listen(const char *spec, int *fd, int *is_unix);

/* Remove the unix socket of spec, if it is one. */
void web_unlisten(const char *spec);

/* The headers of DESIGN.md, "HTTP contract": CSP, Referrer-Policy,
 * X-Content-Type-Options, Cache-Control, Cross-Origin-Opener-Policy. */
SD_MUST_CHECK
int web_security_headers(struct MHD_Response *r);
/* The same headers as "Name: value\r\n" lines, for an answer written
 * directly on a socket (a cut connection's 408). */
SD_MUST_CHECK
int web_security_headers_text(char *out, size_t cap, size_t *len);

/* A cookie to set (or clear) with a response. */
struct web_cookie {
	const char *name;
	const char *value;
	int clear;
};

/* Queue body (taken over: freed and wiped after sending) with the security
 * headers and content type. */
enum MHD_Result web_respond(
    struct MHD_Connection *c, unsigned status, const char *content_type, struct sdbuf *body);
/* The same with n cookies set or cleared, and extra headers (pairs of
 * name, value; NULL-terminated list, may be NULL). */
enum MHD_Result web_respond_ex(struct MHD_Connection *c, unsigned status, const char *content_type,
    struct sdbuf *body, const struct web_cookie *cookies, size_t n, const char *const *headers);
/* A 303 redirect to a local path, with n cookies. */
enum MHD_Result web_redirect(struct MHD_Connection *c, const char *location);
enum MHD_Result web_redirect_ex(
    struct MHD_Connection *c, const char *location, const struct web_cookie *cookies, size_t n);
/* Queue a prepared response (a file or a stream) with status 200, the
 * security headers, the content type and extra headers (pairs, NULL-
 * terminated); r is consumed in every case. */
enum MHD_Result web_queue_download(struct MHD_Connection *c, struct MHD_Response *r,
    const char *content_type, const char *const *headers);
/* The answer when a page cannot be rendered: a plain-text 500 that says
 * so (never a dropped connection). */
enum MHD_Result web_respond_broken_page(struct MHD_Connection *c);
/* A response for bytes that live forever (static files). */
enum MHD_Result web_respond_static(
    struct MHD_Connection *c, const unsigned char *data, size_t len, const char *content_type);

/* Add "Set-Cookie: name=value; Path=/; HttpOnly; SameSite=Strict" (and
 * "; Max-Age=0" when clear) to a response about to be queued. */
SD_MUST_CHECK
int web_set_cookie(struct MHD_Response *r, const char *name, const char *value, int clear);

/* 1 when the Host header is a v3 onion name (56 base32 characters and
 * ".onion", optional port). */
SD_MUST_CHECK
int web_host_is_onion(struct MHD_Connection *c);
/* The same check on a header value (NULL allowed). */
SD_MUST_CHECK
int web_host_str_is_onion(const char *host);

/* Random token as base64url (WEB_TOKEN_CHARS characters and a NUL). */
void web_token_new(char out[WEB_TOKEN_CHARS + 1]);
/* Constant-time comparison of two tokens; 1 when equal and well-formed. */
SD_MUST_CHECK
int web_token_equal(const char *a, const char *b);

#endif
