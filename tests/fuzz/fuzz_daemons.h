/*
 * fuzz_daemons.h - what the driver of the fuzz_daemons target (fuzz_daemons.c)
 * asks of its two halves: fuzz_daemons_src.c sets up sealdrop-source's app
 * context over a temporary instance, fuzz_daemons_jn.c sealdrop-journalist's
 * (each in its own file: both daemons have a session.h of their own). Each
 * half keeps a live session (and, for the journalist, an admin account and
 * an API token) and hands out what a request needs to carry. Any setup
 * failure aborts: the target is useless without it.
 */
#ifndef FUZZ_DAEMONS_H
#define FUZZ_DAEMONS_H
#include <microhttpd.h>

#define FZD_TOKEN 44 /* WEB_TOKEN_CHARS + 1 */
#define FZD_HEX 33   /* 32 hex digits + NUL */

/* What the next request may use. */
struct fzd_creds {
	char sess[FZD_TOKEN]; /* page session cookie */
	char csrf[FZD_TOKEN]; /* its CSRF token */
	char api[FZD_TOKEN];  /* journalist only: API bearer token */
	char source[FZD_HEX]; /* the source with the session (source side) or a
	                           source the journalist can see */
	char me[24];          /* journalist only: the account's row id */
};

void fzd_src_open(const char *inst);
/* The session of the fuzz source, re-created when a request ended it; with
 * reset, the source and everything it submitted is deleted first (keeps
 * the spool small over a long run). */
void fzd_src_creds(int reset, struct fzd_creds *out);
extern const MHD_AccessHandlerCallback fzd_src_handle;
extern const MHD_RequestCompletedCallback fzd_src_completed;

void fzd_jn_open(const char *inst);
/* The admin account, its page session and API token, re-created when a
 * request removed or reset them; source: the fuzz source's id. */
void fzd_jn_creds(const char *source, struct fzd_creds *out);
extern const MHD_AccessHandlerCallback fzd_jn_handle;
extern const MHD_RequestCompletedCallback fzd_jn_completed;
#endif
