/*
 * codename.c - source codenames (see codename.h).
 *
 * codename_normalize() turns what a source typed into the one canonical
 * string that is hashed: ASCII letters folded to lower case, every run of
 * spaces, tabs, CR or LF turned into one space, ends trimmed. Anything but
 * a-z, '-' and those separators is refused (SD_ERR_FORMAT), and so is raw
 * input longer than CN_INPUT_MAX bytes (SD_ERR_TOOLONG, as for a result
 * longer than CODENAME_MAX), so work on hostile input stays bounded.
 *
 * codename_derive() runs argon2id once over the normalised codename with the
 * instance salt into a 32-byte master key kept in sodium_malloc'd memory,
 * then derives with crypto_kdf (context "sdcodenm") the login tag (subkey 1)
 * and the reply keypair seed (subkey 2). It does not normalise: callers pass
 * the output of codename_normalize(). Every intermediate copy of a codename
 * or key is wiped on every path; outputs are written only on success.
 */
#include "codename.h"
#include "wordlist.h"
#include "sderr.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#define KDF_CONTEXT "sdcodenm"
#define KDF_ID_TAG 1U
#define KDF_ID_SEED 2U
#define MASTER_BYTES crypto_kdf_KEYBYTES
#define CN_INPUT_MAX 4096 /* raw typed bytes, separators included */

_Static_assert(sizeof KDF_CONTEXT - 1 == crypto_kdf_CONTEXTBYTES, "kdf context");
_Static_assert(
    CODENAME_TAGBYTES >= crypto_kdf_BYTES_MIN && CODENAME_TAGBYTES <= crypto_kdf_BYTES_MAX,
    "tag size");
_Static_assert(CODENAME_SEEDBYTES == crypto_box_SEEDBYTES, "seed size");

/* master key, then tag and seed, in one sodium_malloc'd block */
struct cn_secrets {
	unsigned char master[MASTER_BYTES];
	unsigned char tag[CODENAME_TAGBYTES];
	unsigned char seed[CODENAME_SEEDBYTES];
};

static int
is_sep(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
codename_normalize(const char *in, size_t inlen, char out[CODENAME_MAX + 1], size_t *outlen)
{
	char buf[CODENAME_MAX + 1];
	size_t n = 0;
	int pending = 0, r;

	if (in == NULL || out == NULL || outlen == NULL)
		return SD_ERR_ARG;
	if (inlen > CN_INPUT_MAX)
		return SD_ERR_TOOLONG;
	for (size_t i = 0; i < inlen; i++) {
		unsigned char c = (unsigned char)in[i];
		if (is_sep(c)) {
			pending = n > 0;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || c == '-')) {
			r = SD_ERR_FORMAT;
			goto out;
		}
		if (n + (pending ? 2U : 1U) > CODENAME_MAX) {
			r = SD_ERR_TOOLONG;
			goto out;
		}
		if (pending)
			buf[n++] = ' ';
		pending = 0;
		buf[n++] = (char)c;
	}
	if (n == 0) {
		r = SD_ERR_FORMAT;
		goto out;
	}
	buf[n] = '\0';
	memcpy(out, buf, n + 1);
	*outlen = n;
	r = 0;
out:
	sodium_memzero(buf, sizeof buf);
	return r;
}

static int
derive_check(const char *codename, size_t len, const unsigned char *salt,
    unsigned long long opslimit, size_t memlimit)
{
	if (codename == NULL || salt == NULL)
		return SD_ERR_ARG;
	if (len == 0)
		return SD_ERR_FORMAT;
	if (len > CODENAME_MAX)
		return SD_ERR_TOOLONG;
	if (opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
	    opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
	    memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
	    memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX)
		return SD_ERR_RANGE;
	return 0;
}

int
codename_derive(const char *codename, size_t len, const unsigned char salt[CODENAME_SALTBYTES],
    unsigned long long opslimit, size_t memlimit, unsigned char tag[CODENAME_TAGBYTES],
    unsigned char seed[CODENAME_SEEDBYTES])
{
	struct cn_secrets *s = NULL;
	int r;

	if (tag == NULL || seed == NULL)
		return SD_ERR_ARG;
	if ((r = derive_check(codename, len, salt, opslimit, memlimit)) != 0)
		return r;
	if ((s = sodium_malloc(sizeof *s)) == NULL)
		return SD_ERR_NOMEM;
	errno = 0;
	if (crypto_pwhash(s->master, sizeof s->master, codename, len, salt, opslimit, memlimit,
		crypto_pwhash_ALG_ARGON2ID13) != 0) {
		r = errno == ENOMEM ? SD_ERR_NOMEM : SD_ERR_CRYPTO;
		goto out;
	}
	if (crypto_kdf_derive_from_key(s->tag, sizeof s->tag, KDF_ID_TAG, KDF_CONTEXT, s->master) !=
		0 ||
	    crypto_kdf_derive_from_key(
		s->seed, sizeof s->seed, KDF_ID_SEED, KDF_CONTEXT, s->master) != 0) {
		r = SD_ERR_CRYPTO;
		goto out;
	}
	memcpy(tag, s->tag, sizeof s->tag);
	memcpy(seed, s->seed, sizeof s->seed);
	r = 0;
out:
	sodium_free(s); /* wipes the master key, tag and seed copies */
	return r;
}

int
codename_reply_keypair(
    const unsigned char seed[CODENAME_SEEDBYTES], unsigned char pk[32], unsigned char sk[32])
{
	unsigned char tpk[crypto_box_PUBLICKEYBYTES], tsk[crypto_box_SECRETKEYBYTES];
	int r;

	if (seed == NULL || pk == NULL || sk == NULL)
		return SD_ERR_ARG;
	if (crypto_box_seed_keypair(tpk, tsk, seed) != 0) {
		r = SD_ERR_CRYPTO;
		goto out;
	}
	memcpy(pk, tpk, sizeof tpk);
	memcpy(sk, tsk, sizeof tsk);
	r = 0;
out:
	sodium_memzero(tsk, sizeof tsk);
	return r;
}

int
codename_generate(const char *lang, char out[CODENAME_MAX + 1], size_t *outlen)
{
	int fr = lang != NULL && strcmp(lang, "fr") == 0;
	const char *const *list = fr ? sd_wordlist_fr : sd_wordlist;
	uint32_t size = fr ? sd_wordlist_fr_size : SD_WORDLIST_SIZE;
	size_t n = 0;

	for (int i = 0; i < CODENAME_WORDS; i++) {
		const char *w = list[randombytes_uniform(size)];
		size_t wl = strlen(w);
		if (n + wl + 1 > CODENAME_MAX)
			return SD_ERR_TOOLONG; /* cannot happen: 7 * 10 < 160 */
		if (i > 0)
			out[n++] = ' ';
		memcpy(out + n, w, wl);
		n += wl;
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
}
