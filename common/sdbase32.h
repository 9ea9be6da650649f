/*
 * sdbase32.h - RFC 4648 base32 without padding: the one encoder and
 * decoder, for journalists' public key text (crypto/sdkey.c, lower case)
 * and Tor's onion addresses and client authorisation keys
 * (tools/admin/admin_tor.c, upper or lower case).
 *
 * A key may pass through the encoder: it keeps nothing of its input once
 * it returns.
 */
#ifndef SD_BASE32_H
#define SD_BASE32_H

#include <stddef.h>

#include "sderr.h"

/* Characters of the text form of len bytes (the last one's unused low
 * bits are zero). */
#define SD_BASE32_CHARS(len) (((len)*8 + 4) / 5)

/* in[0..inlen) into out as SD_BASE32_CHARS(inlen) characters and a NUL,
 * upper case if upper, else lower. 0, SD_ERR_ARG (NULL, or inlen too
 * large) or SD_ERR_TOOLONG (outsz too small; out untouched). */
SD_MUST_CHECK
int sd_base32_encode(const unsigned char *in, size_t inlen, int upper, char *out, size_t outsz);

/* Exactly SD_BASE32_CHARS(outlen) characters in[0..len), either case, into
 * out[0..outlen); the spare low bits must be zero, so that each value has
 * one text. 0, or SD_ERR_FORMAT with out untouched (wrong length, a
 * character outside the alphabet, spare bits set) or SD_ERR_ARG (NULL). */
SD_MUST_CHECK
int sd_base32_decode(const char *in, size_t len, unsigned char *out, size_t outlen);

#endif
