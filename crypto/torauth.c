/*
 * torauth.c - Tor v3 client authorisation keys (base32 from common/sdbase32.h), client names, the
 * strict form of a .auth file and new x25519 pairs (see torauth.h).
 */
#include "torauth.h"
#include "sdbase32.h"
#include "sderr.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

int
torauth_name_ok(const char *name)
{
	size_t n = 0;

	if (name == NULL)
		return 0;
	for (; name[n] != '\0'; n++) {
		char c = name[n];
		if (n >= TORAUTH_NAME_MAX ||
		    !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return n > 0;
}

/* 1 if s[0..n) are base32 characters of one case (upper or lower). */
static int
b32_case_ok(const char *s, size_t n, int upper)
{
	char a = upper ? 'A' : 'a', z = upper ? 'Z' : 'z';

	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= a && s[i] <= z) || (s[i] >= '2' && s[i] <= '7')))
			return 0;
	return 1;
}

int
torauth_onion_ok(const char *s, int with_suffix)
{
	if (s == NULL || strnlen(s, TORAUTH_ONION_CHARS) != TORAUTH_ONION_CHARS ||
	    !b32_case_ok(s, TORAUTH_ONION_CHARS, 0))
		return 0;
	if (s[TORAUTH_ONION_CHARS - 1] != 'd')
		return 0;
	return strcmp(s + TORAUTH_ONION_CHARS, with_suffix ? ".onion" : "") == 0;
}

int
torauth_pub_line_ok(const char *buf, size_t len)
{
	const size_t p = sizeof TORAUTH_PREFIX - 1;
	unsigned char key[32];

	if (buf == NULL || len != TORAUTH_PUB_LINE_LEN || memcmp(buf, TORAUTH_PREFIX, p) != 0 ||
	    buf[len - 1] != '\n')
		return 0;
	if (!b32_case_ok(buf + p, TORAUTH_KEY_B32, 1))
		return 0;
	/* 256 bits in 52 characters: the decoder refuses spare bits set. */
	return sd_base32_decode(buf + p, TORAUTH_KEY_B32, key, sizeof key) == 0;
}

int
torauth_keypair(const char *onion, char *pub_line, size_t pubsz, char *priv_line, size_t privsz)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
	char pb[TORAUTH_KEY_B32 + 1], sb[TORAUTH_KEY_B32 + 1];
	char pl[TORAUTH_PUB_LINE_MAX], sl[TORAUTH_PRIV_LINE_MAX];
	int e = SD_ERR_ARG;

	if (pub_line == NULL || priv_line == NULL || pubsz < TORAUTH_PUB_LINE_MAX ||
	    privsz < TORAUTH_PRIV_LINE_MAX ||
	    !(torauth_onion_ok(onion, 0) || torauth_onion_ok(onion, 1)))
		return SD_ERR_ARG;
	if (crypto_box_keypair(pk, sk) != 0) {
		e = SD_ERR_CRYPTO;
		goto out;
	}
	if ((e = sd_base32_encode(pk, sizeof pk, 1, pb, sizeof pb)) != 0 ||
	    (e = sd_base32_encode(sk, sizeof sk, 1, sb, sizeof sb)) != 0)
		goto out;
	(void)snprintf(pl, sizeof pl, TORAUTH_PREFIX "%s\n", pb);
	(void)snprintf(sl, sizeof sl, "%.56s:" TORAUTH_PREFIX "%s", onion, sb);
	memcpy(pub_line, pl, sizeof pl);
	memcpy(priv_line, sl, sizeof sl);
out:
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(sb, sizeof sb);
	sodium_memzero(sl, sizeof sl);
	return e;
}
