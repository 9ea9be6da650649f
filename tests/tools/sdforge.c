/*
 * sdforge - test helper: an independent .sdbox encoder (versions 1 and 2),
 * written from docs/spool-format.md with libsodium alone (it shares no code
 * with crypto/sdbox.c). It makes a valid file ("valid", which our reader
 * must accept: a cross-check of the spec) and files that are correctly
 * encrypted and authenticated but break a rule of the format, which our
 * reader must refuse. Version 2 by default; -1 makes version 1 files (the
 * trailer also carries the BLAKE2b of the content). Not installed.
 *
 *   sdforge [-1] MODE RECIPIENT.pub OUT
 */
#include "sdkey.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#define PAYLOAD 65536
#define META 1024
#define FINAL_V1 (PAYLOAD + 40)
#define T_MSG crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define T_PUSH crypto_secretstream_xchacha20poly1305_TAG_PUSH
#define T_FINAL crypto_secretstream_xchacha20poly1305_TAG_FINAL

static crypto_secretstream_xchacha20poly1305_state ss;
static unsigned char mac[32];
static FILE *out;
static unsigned char plain[1 + FINAL_V1], cipher[1 + FINAL_V1 + 17];
static crypto_generichash_state chash;
static int version = 2;
static size_t final_len = PAYLOAD + 8; /* v1: FINAL_V1 */

static void
le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
frame(unsigned char type, unsigned char tag, size_t payload)
{
	unsigned long long clen;
	unsigned char len[4];

	plain[0] = type;
	crypto_secretstream_xchacha20poly1305_push(
	    &ss, cipher, &clen, plain, 1 + payload, mac, sizeof mac, tag);
	le(len, clen, 4);
	fwrite(len, 1, 4, out);
	fwrite(cipher, 1, (size_t)clen, out);
	memset(plain, 0, sizeof plain);
}

static void
header(const unsigned char *pk)
{
	unsigned char hdr[12 + 80 + 24], fk[32], sk[32], mk[32];

	memcpy(hdr, "\x89SDBOX\r\n", 8);
	hdr[8] = (unsigned char)version, hdr[9] = 0, hdr[10] = 1, hdr[11] = 0;
	randombytes_buf(fk, sizeof fk);
	crypto_box_seal(hdr + 12, fk, 32, pk);
	crypto_kdf_derive_from_key(sk, 32, 1, "sdbox-v1", fk);
	crypto_kdf_derive_from_key(mk, 32, 2, "sdbox-v1", fk);
	crypto_secretstream_xchacha20poly1305_init_push(&ss, hdr + 92, sk);
	crypto_generichash(mac, 32, hdr, sizeof hdr, mk, 32);
	fwrite(hdr, 1, sizeof hdr, out);
	fwrite(mac, 1, 32, out);
}

static void
meta(unsigned char kind, const char *name, size_t nl, uint64_t t, unsigned char tag)
{
	plain[1] = kind;
	plain[2] = (unsigned char)nl;
	le(plain + 5, t, 8);
	memcpy(plain + 13, name, nl);
	frame('M', tag, META);
}

/* A content frame of byte value v; hashed into chash. */
static void
content(unsigned char v)
{
	memset(plain + 1, v, PAYLOAD);
	crypto_generichash_update(&chash, plain + 1, PAYLOAD);
	frame('C', T_MSG, PAYLOAD);
}

/* Final frame with tail bytes of value v and a trailer claiming total
 * (version 1: and the content hash, spoilt if badhash). */
static void
final(size_t tail, unsigned char v, uint64_t total, int badhash, unsigned char tag)
{
	unsigned char *tr = plain + 1 + PAYLOAD;

	memset(plain + 1, v, tail);
	crypto_generichash_update(&chash, plain + 1, tail);
	if (version == 1) {
		crypto_generichash_final(&chash, tr + 8, 32);
		if (badhash)
			tr[8] ^= 1;
	}
	le(tr, total, 8);
	frame('F', tag, final_len);
}

static int
run(const char *mode)
{
	const uint64_t t = 1700000000 - 1700000000 % 3600;
	int c2 = 0;

	crypto_generichash_init(&chash, NULL, 0, 32);
	if (strcmp(mode, "missing-meta") == 0) {
		content(1);
		final(0, 0, PAYLOAD, 0, T_FINAL);
		return 0;
	}
	if (strcmp(mode, "meta-tag-message") == 0)
		meta(2, "a.txt", 5, t, T_MSG);
	else if (strcmp(mode, "meta-bad-kind") == 0)
		meta(9, "a.txt", 5, t, T_PUSH);
	else if (strcmp(mode, "meta-time-unrounded") == 0)
		meta(2, "a.txt", 5, t + 5, T_PUSH);
	else if (strcmp(mode, "meta-nul-in-name") == 0)
		meta(2, "a\0b.txt", 7, t, T_PUSH);
	else if (strcmp(mode, "meta-nonzero-tail") == 0) {
		plain[1000] = 1;
		meta(2, "a", 1, t, T_PUSH);
	} else
		meta(2, "forged.bin", 10, t, T_PUSH);
	content(0x41);
	if (strcmp(mode, "no-final") == 0)
		return 0;
	if (strcmp(mode, "content-after-padding") == 0) {
		frame('P', T_MSG, PAYLOAD);
		content(0x42);
		c2 = 1;
	}
	if (strcmp(mode, "padding-nonzero") == 0) {
		plain[500] = 7;
		frame('P', T_MSG, PAYLOAD);
	}
	if (strcmp(mode, "unknown-frame-type") == 0)
		frame('X', T_MSG, PAYLOAD);
	if (strcmp(mode, "final-gap-nonzero") == 0)
		plain[1 + 100 + 5] = 1;
	if (strcmp(mode, "final-of-other-version") == 0)
		final_len = version == 1 ? PAYLOAD + 8 : FINAL_V1;
	{
		uint64_t total = PAYLOAD + (c2 ? PAYLOAD : 0) + 100;
		/* Version 1: one byte more, caught by the hash. Version 2 has no
		 * hash (a longer tail inside the frame is just other content), so
		 * the claim goes past the final frame, or below the content frames. */
		uint64_t adj = strcmp(mode, "trailer-length-mismatch") != 0 ? 0
		    : version == 1                                          ? 1
									    : PAYLOAD;
		if (strcmp(mode, "trailer-length-short") == 0)
			adj = (uint64_t)0 - (total - PAYLOAD + 1);
		unsigned char tag = strcmp(mode, "final-tag-message") == 0 ? T_MSG : T_FINAL;
		final(100, 0x43, total + adj, strcmp(mode, "trailer-hash-mismatch") == 0, tag);
	}
	if (strcmp(mode, "frame-after-final") == 0)
		frame('C', T_MSG, PAYLOAD);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned char pk[32];

	if (argc == 5 && strcmp(argv[1], "-1") == 0) {
		version = 1;
		final_len = FINAL_V1;
		argc--, argv++;
	}
	if (argc != 4 || sodium_init() < 0 || sdkey_load_public(argv[2], pk) != 0) {
		fprintf(stderr, "usage: sdforge [-1] MODE RECIPIENT.pub OUT\n");
		return 2;
	}
	out = fopen(argv[3], "wbx");
	if (out == NULL)
		return 1;
	header(pk);
	run(argv[1]);
	return fclose(out) == 0 ? 0 : 1;
}
