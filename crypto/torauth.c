/*
 * torauth.c - Tor v3 client authorisation keys: base32, client names, the
 * strict form of a .auth file and new x25519 pairs (see torauth.h).
 */
#include "torauth.h"
#include "sderr.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

static const char B32_UPPER[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char B32_LOWER[] = "abcdefghijklmnopqrstuvwxyz234567";

int
torauth_base32(const unsigned char *in, size_t inlen, int upper, char *out, size_t outsz)
{
	const char *abc = upper ? B32_UPPER : B32_LOWER;
	unsigned acc = 0, bits = 0;
	size_t o = 0;

	if (in == NULL || out == NULL || inlen > SIZE_MAX / 8 - 5)
		return SD_ERR_ARG;
	if (outsz < (inlen * 8 + 4) / 5 + 1)
		return SD_ERR_TOOLONG;
	for (size_t i = 0; i < inlen; i++) {
		acc = (acc << 8) | (unsigned)in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = abc[(acc >> (bits - 5)) & 31u];
			bits -= 5;
		}
		acc &= (1u << bits) - 1u;
	}
	if (bits > 0)
		out[o++] = abc[(acc << (5 - bits)) & 31u];
	out[o] = '\0';
	acc = 0;
	return 0;
}

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

int
torauth_onion_ok(const char *s, int with_suffix)
{
	if (s == NULL)
		return 0;
	for (size_t i = 0; i < TORAUTH_ONION_CHARS; i++)
		if (s[i] == '\0' || strchr(B32_LOWER, s[i]) == NULL)
			return 0;
	if (s[TORAUTH_ONION_CHARS - 1] != 'd')
		return 0;
	return strcmp(s + TORAUTH_ONION_CHARS, with_suffix ? ".onion" : "") == 0;
}

int
torauth_pub_line_ok(const char *buf, size_t len)
{
	const size_t p = sizeof TORAUTH_PREFIX - 1;

	if (buf == NULL || len != TORAUTH_PUB_LINE_LEN || memcmp(buf, TORAUTH_PREFIX, p) != 0 ||
	    buf[len - 1] != '\n')
		return 0;
	for (size_t i = p; i < p + TORAUTH_KEY_B32; i++)
		if (buf[i] == '\0' || strchr(B32_UPPER, buf[i]) == NULL)
			return 0;
	/* 256 bits in 52 characters: the last carries 1 bit and 4 zero bits. */
	return buf[p + TORAUTH_KEY_B32 - 1] == 'A' || buf[p + TORAUTH_KEY_B32 - 1] == 'Q';
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
	if ((e = torauth_base32(pk, sizeof pk, 1, pb, sizeof pb)) != 0 ||
	    (e = torauth_base32(sk, sizeof sk, 1, sb, sizeof sb)) != 0)
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
