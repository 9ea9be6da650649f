/*
 * sdbase32.c - RFC 4648 base32 without padding (see sdbase32.h).
 */
#include "sdbase32.h"
#include "sderr.h"

#include <stdint.h>

int
sd_base32_encode(const unsigned char *in, size_t inlen, int upper, char *out, size_t outsz)
{
	const char *abc =
	    upper ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" : "abcdefghijklmnopqrstuvwxyz234567";
	unsigned acc = 0, bits = 0;
	size_t o = 0;

	if (in == NULL || out == NULL || inlen > SIZE_MAX / 8 - 5)
		return SD_ERR_ARG;
	if (outsz < SD_BASE32_CHARS(inlen) + 1)
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
	acc = 0; /* no bits of a key left behind */
	return 0;
}

/* Value of a base32 character, either case; -1 if not in the alphabet. */
static int
b32_value(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int
sd_base32_decode(const char *in, size_t len, unsigned char *out, size_t outlen)
{
	unsigned acc = 0, bits = 0;
	size_t n = 0;

	if (in == NULL || out == NULL || outlen > SIZE_MAX / 8 - 5)
		return SD_ERR_ARG;
	if (len != SD_BASE32_CHARS(outlen))
		return SD_ERR_FORMAT;
	/* First check everything, so that out is written only on success. */
	for (size_t i = 0; i < len; i++) {
		int v = b32_value((unsigned char)in[i]);

		if (v < 0)
			return SD_ERR_FORMAT;
		acc = (acc << 5 | (unsigned)v) & 0xffu;
		bits = (bits + 5) % 8;
	}
	if ((acc & ((1u << bits) - 1u)) != 0)
		return SD_ERR_FORMAT;
	acc = 0, bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 5 | (unsigned)b32_value((unsigned char)in[i])) & 0x1fffu;
		bits += 5;
		if (bits >= 8) {
			out[n++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	acc = 0;
	return 0;
}
