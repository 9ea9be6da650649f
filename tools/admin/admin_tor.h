/*
 * admin_tor.h - the instance's two Tor v3 onion services, as sealdrop-admin
 * sets them up and keeps them.
 *
 * INSTANCE/tor/ holds a torrc fragment and one HiddenServiceDir per service:
 * tor/source (public, proof-of-work defence on) and tor/journalist (client
 * authorisation: one authorized_clients/NAME.auth per journalist). The onion
 * identity keys are made here with libsodium in tor's own file format, so
 * the addresses are known at init without running tor; SHA3-256 for the
 * address checksum comes from OpenSSL's libcrypto (docs/decisions.md).
 * `sealdrop-admin tor-check` proves with tor itself that it loads them.
 *
 * Functions return 0 or a negative SD_ERR_* and set outputs only on success.
 * Secret keys (the onion identity keys, a client's x25519 private key) are
 * wiped on every path; the private line handed back by admintor_client_add
 * is the caller's to wipe.
 */
#ifndef ADMIN_TOR_H
#define ADMIN_TOR_H

#include <stddef.h>

#include "torauth.h"

#define ADMINTOR_ONION_LEN 62 /* 56 base32 characters + ".onion" */
#define ADMINTOR_ONION_MAX (ADMINTOR_ONION_LEN + 1)
/* "<56 chars>:descriptor:x25519:<52 chars>" and a NUL */
#define ADMINTOR_AUTH_LINE_MAX 128
#define ADMINTOR_NAME_MAX 32 /* client names: [a-z0-9_-]{1,32} */
#define ADMINTOR_SEED_BYTES 32
#define ADMINTOR_EXPANDED_BYTES 64
#define ADMINTOR_PK_BYTES 32

/* Streams one rendezvous circuit may open on each service before tor
 * closes the circuit (HiddenServiceMaxStreams with ...CloseCircuit 1): a
 * page and its few resources need under ten; 20 leaves room for a
 * journalist's tabs and stops one circuit from holding every connection
 * of the daemon (docs/decisions.md). */
#define ADMINTOR_MAX_STREAMS "20"

/* Paths inside the instance directory. */
#define ADMINTOR_DIR "tor"
#define ADMINTOR_TORRC "tor/torrc"
#define ADMINTOR_SOURCE_HS "tor/source"
#define ADMINTOR_JOURNALIST_HS "tor/journalist"
/* Always present in the journalist service's authorized_clients/: a client
 * whose private key was thrown away at init. Tor turns client authorisation
 * off when no .auth file loads, so this keeps the service closed before the
 * first journalist is added and after the last is removed. Its name has a
 * dot, which no client name can have. */
#define ADMINTOR_PLACEHOLDER "sealdrop.placeholder.auth"

/* Write INSTANCE/tor/ (0700): the torrc fragment and both services' keys
 * and hostname files. instance_dir must exist; its absolute path goes into
 * the torrc, so it may not contain white space, quotes, '#', '\' or control
 * characters (SD_ERR_ARG) and INSTANCE/journalist.sock must fit a unix socket
 * address (SD_ERR_TOOLONG). SD_ERR_EXISTS if INSTANCE/tor exists. The two
 * addresses ("<56 chars>.onion") go to source_onion and journalist_onion
 * (each at least ADMINTOR_ONION_MAX bytes). */
int admintor_init(const char *instance_dir, char *source_onion, size_t source_onion_sz,
    char *journalist_onion, size_t journalist_onion_sz);

/* 0 if abs may be written into a torrc as the instance's path: absolute,
 * printable ASCII without white space, quotes, '#' or '\\', and
 * abs/journalist.sock fits a unix socket address; else SD_ERR_ARG or
 * SD_ERR_TOOLONG. */
int admintor_path_ok(const char *abs);

/* The two addresses, derived from the services' public key files. */
int admintor_onions(const char *instance_dir, char *source_onion, size_t source_onion_sz,
    char *journalist_onion, size_t journalist_onion_sz);

/* The same from tor/ open as torfd (AT_FDCWD: the working directory is
 * tor/), no symbolic link followed. */
int admintor_onions_at(
    int torfd, char source_onion[ADMINTOR_ONION_MAX], char journalist_onion[ADMINTOR_ONION_MAX]);

/* A new x25519 client key for the journalist service: writes
 * INSTANCE/tor/journalist/authorized_clients/NAME.auth (0600, exclusive:
 * SD_ERR_EXISTS if NAME has one; owned by the caller) and puts the journalist's Tor Browser line,
 * "<onion without .onion>:descriptor:x25519:<BASE32 private key>", in
 * auth_private_line (at least ADMINTOR_AUTH_LINE_MAX bytes). The private key
 * is not kept. SD_ERR_ARG for a bad name. tor applies it after a reload. */
int admintor_client_add(
    const char *instance_dir, const char *name, char *auth_private_line, size_t linesz);

/* Remove NAME.auth: 0, SD_ERR_NOTFOUND if there is none, SD_ERR_ARG for a bad
 * name. tor applies it after a reload. */
int admintor_client_remove(const char *instance_dir, const char *name);

/* The same two on tor/ open as torfd: every name below it is opened from
 * that descriptor and no symbolic link is followed, so a renamed or
 * replaced path cannot send them elsewhere; the key file is made unnamed
 * and linked into place once written (nothing is left when interrupted)
 * and belongs to the caller, which sealdrop-admin makes tor/'s owner
 * (admin_priv.h). */
int admintor_client_add_at(int torfd, const char *name, char *auth_private_line, size_t linesz);
int admintor_client_remove_at(int torfd, const char *name);
/* Set NAME's key to the public line given (exactly a .auth file's content,
 * torauth_pub_line_ok, else SD_ERR_FORMAT), replacing any key NAME had:
 * linked under a name tor does not load, then renamed into place. */
int admintor_client_put_at(int torfd, const char *name, const char *line, size_t len);

/* Run tor (tor_bin, "tor" from PATH if NULL) on a private copy of the
 * instance's tor configuration and keys, with DisableNetwork 1 and no port,
 * for at most timeout_s seconds; check that it writes the expected hostnames
 * and logs no warning. msg receives one line: what was checked on success,
 * the reason on failure (also set on failure, unlike other outputs).
 * admin_torcheck.c. */
int admintor_check(
    const char *instance_dir, const char *tor_bin, unsigned timeout_s, char *msg, size_t msgsz);
/* The same, with instance_dir NULL: run with tor/ as the working directory
 * (sealdrop-admin runs it as tor/'s owner, admin_priv.h), reading torrc
 * there and each HiddenServiceDir ".../tor/NAME" as NAME under it. */

/* ---- derivations, exposed for the unit tests ---------------------------- */

/* tor's ed25519 key from a seed: the expanded secret key (clamped
 * SHA-512(seed), the form tor stores) and the public key. */
int admintor_hs_keys_from_seed(const unsigned char seed[ADMINTOR_SEED_BYTES],
    unsigned char expanded[ADMINTOR_EXPANDED_BYTES], unsigned char pk[ADMINTOR_PK_BYTES]);

/* The v3 address of pk: base32(pk || SHA3-256(".onion checksum" || pk ||
 * 0x03)[0..2] || 0x03) in lower case, then ".onion". */
int admintor_onion_from_pk(const unsigned char pk[ADMINTOR_PK_BYTES], char *out, size_t outsz);

/* Client names: torauth_name_ok (crypto/torauth.h, shared with the
 * journalist daemon); base32: sd_base32_encode (common/sdbase32.h). */

/* ---- tor's configuration files (admin_torrc.c) --------------------------- */

struct stat;
struct sdbuf;

/* The largest instance torrc read. */
#define ADMINTOR_TORRC_MAX (64 * 1024)

/* The text of name under dirfd, NUL-ended and malloc'd, when it is a
 * regular file (no link followed, no FIFO waited on) of at most max bytes;
 * its stat in *st (NULL: not wanted). SD_ERR_NOTFOUND missing, SD_ERR_FORMAT
 * not a regular file, SD_ERR_TOOLONG over max, SD_ERR_IO (errno kept). */
int admintor_conf_read(int dirfd, const char *name, size_t max, char **text, struct stat *st);
/* Replace name under dirfd by text: written to tmpname beside it (a
 * leftover removed first; like's mode and owner, or 0600 of this process
 * when like is NULL), synced, renamed over name; tmpname removed on
 * failure. 0 or SD_ERR_IO (errno kept). */
int admintor_conf_replace(int dirfd, const char *name, const char *tmpname, const char *text,
    size_t len, const struct stat *like);

/* The one rewriter of an instance torrc: text (NUL-ended, changed in
 * place) is cut into lines, and fn gets each line (NUL-ended, without its
 * '\n'; its own to change), its number from 1, whether a '\n' ended it,
 * and out (the caller's, bounded) to append what replaces it. The first
 * error fn returns stops the walk and is returned. Used by tor-check (a
 * private copy pointing at copied services) and restore (a new path). */
typedef int (*admintor_line_fn)(void *ctx, char *line, unsigned no, int nl, struct sdbuf *out);
int admintor_torrc_rewrite(char *text, admintor_line_fn fn, void *ctx, struct sdbuf *out);

/* Rewrite tor/torrc under stagefd (a restored instance) for the instance's
 * new absolute path. *moved: 1 rewritten, 0 no torrc or the same path, -1
 * the torrc names no path this code understands or the new path does not
 * fit a torrc (left as it was: edit it by hand). */
int admintor_torrc_move(int stagefd, const char *newpath, int *moved);

/* The instance path tor/torrc (under torfd, tor/) names; out holds
 * PATH_MAX bytes. SD_ERR_NOTFOUND: no torrc, or it names no path. */
int admintor_torrc_names(int torfd, char *out);

/* ---- sealdrop-admin subcommands (admin_tor_cmd.c) ----------------------- */

struct admin_args; /* admin.h: the parsed command line */
/* sealdrop-admin tor-client add|remove --instance DIR NAME */
int admintor_cmd_client(const struct admin_args *a);
/* sealdrop-admin tor-check --instance DIR [--tor PATH] [--timeout SECONDS] */
int admintor_cmd_check(const struct admin_args *a);

#endif
