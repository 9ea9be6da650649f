/*
 * torauth.h - Tor v3 client authorisation keys of the journalist onion
 * service, the one place both sealdrop-admin (as root, tools/admin) and the
 * journalist daemon (from the web admin) make and check them.
 *
 * A client key is an x25519 pair made with libsodium. tor's side is a file
 * authorized_clients/NAME.auth holding "descriptor:x25519:<52 BASE32 of the
 * public key>" and a newline; the journalist's side is the private line
 * "<56 onion characters>:descriptor:x25519:<52 BASE32 of the private key>"
 * (Tor Browser asks for the part after the last ':'). Base32 is RFC 4648
 * without padding. Client names are [a-z0-9_-]{1,32}, so a name can never
 * be a path, a dot file or the placeholder "sealdrop.placeholder.auth".
 *
 * Functions return 0 or a negative SD_ERR_* and set outputs only on
 * success; private keys and the private line are wiped on every path here
 * (the private line handed back is the caller's to wipe).
 */
#ifndef TORAUTH_H
#define TORAUTH_H

#include <stddef.h>

#include "sderr.h"

#define TORAUTH_NAME_MAX 32
#define TORAUTH_KEY_B32 52     /* base32 characters of a 32-byte key */
#define TORAUTH_ONION_CHARS 56 /* a v3 address without ".onion" */
#define TORAUTH_PREFIX "descriptor:x25519:"
/* "descriptor:x25519:<52>\n": the whole content of a .auth file */
#define TORAUTH_PUB_LINE_LEN (sizeof TORAUTH_PREFIX - 1 + TORAUTH_KEY_B32 + 1)
#define TORAUTH_PUB_LINE_MAX (TORAUTH_PUB_LINE_LEN + 1)
/* "<56>:descriptor:x25519:<52>" and a NUL */
#define TORAUTH_PRIV_LINE_MAX 128

/* The staging directory of the instance, owned by the instance's user
 * (docs/decisions.md, "onboarding from the web admin"): the journalist
 * daemon, which cannot reach tor/, renames requests into requests/ (each
 * written first under tor-clients/, then renamed): NAME.auth holding a
 * public line (set NAME's key) or an empty NAME.remove (drop it).
 * `sealdrop-admin tor-clients-apply`, started as root by a path unit,
 * claims them into work/, checks them, applies them in tor/ as tor/'s
 * owner and reloads tor; a refused request goes to refused/. It also
 * keeps journalist.onion ("<56>.onion\n") there for the daemon. */
#define TORAUTH_STAGE_DIR "tor-clients"
#define TORAUTH_REQ_DIR "requests"
#define TORAUTH_WORK_DIR "work"
#define TORAUTH_REFUSED_DIR "refused"
#define TORAUTH_ONION_FILE "journalist.onion"
#define TORAUTH_REQ_ADD ".auth"
#define TORAUTH_REQ_REMOVE ".remove"
/* "<56>.onion\n" */
#define TORAUTH_ONION_FILE_LEN (TORAUTH_ONION_CHARS + sizeof ".onion" - 1 + 1)

/* 1 if name is a valid client name ([a-z0-9_-]{1,32}), else 0. */
SD_MUST_CHECK
int torauth_name_ok(const char *name);

/* 1 if s is a v3 onion address: 56 of [a-z2-7] ending in 'd' (version 3),
 * optionally followed by ".onion" (with_suffix 1: required; 0: absent). */
SD_MUST_CHECK
int torauth_onion_ok(const char *s, int with_suffix);

/* 1 if buf (len bytes, not NUL-terminated) is exactly a .auth file's
 * content: "descriptor:x25519:", 52 of [A-Z2-7] whose last encodes no
 * stray bits, and one newline. */
SD_MUST_CHECK
int torauth_pub_line_ok(const char *buf, size_t len);

/* A new client key: pub_line receives the .auth file's content (with its
 * newline, TORAUTH_PUB_LINE_MAX bytes), priv_line the journalist's line
 * for the onion (56 characters, ".onion" optional; TORAUTH_PRIV_LINE_MAX
 * bytes). SD_ERR_ARG for a bad onion or buffer. */
SD_MUST_CHECK
int
torauth_keypair(const char *onion, char *pub_line, size_t pubsz, char *priv_line, size_t privsz);

#endif
