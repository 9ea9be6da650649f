/*
 * test_codename.c - unit tests for crypto/codename.c: normalisation (case,
 * whitespace runs, trimming, refused characters, length bound, empty
 * input), the argon2id + crypto_kdf derivation (deterministic, sensitive to
 * the salt and the codename, tag and seed independent, matching a
 * derivation done by hand from the documented construction) and the reply
 * keypair. Small argon2id parameters keep the tests fast.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codename.h"
#include "sderr.h"
#include "wordlist.h"

#include <stdio.h>

static int
cmp_word(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#define OPS crypto_pwhash_argon2id_OPSLIMIT_MIN
#define MEM ((size_t)8 * 1024 * 1024)

static const unsigned char salt1[CODENAME_SALTBYTES] = "0123456789abcdef";
static const unsigned char salt2[CODENAME_SALTBYTES] = "0123456789abcdeg";

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

/* normalize(in) must give want. */
static void
norm_ok(const char *in, const char *want)
{
	char out[CODENAME_MAX + 1];
	size_t n = 0;

	assert_int_equal(codename_normalize(in, strlen(in), out, &n), 0);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static int
norm_err(const char *in, size_t len)
{
	char out[CODENAME_MAX + 1];
	size_t n = 12345;
	int r;

	memset(out, 'Z', sizeof out);
	r = codename_normalize(in, len, out, &n);
	if (r != 0) {
		/* outputs untouched on failure */
		assert_int_equal(n, 12345);
		assert_int_equal(out[0], 'Z');
	}
	return r;
}

static void
test_normalize_case_space(void **state)
{
	(void)state;
	norm_ok("correct horse battery", "correct horse battery");
	norm_ok("Correct HORSE baTTery", "correct horse battery");
	norm_ok("  correct \t\t horse\n\nbattery \r\n", "correct horse battery");
	norm_ok("\tone", "one");
	norm_ok("t-shirt yo-yo", "t-shirt yo-yo");
	norm_ok("a", "a");
}

static void
test_normalize_in_place(void **state)
{
	char buf[CODENAME_MAX + 1] = "  Mixed   CASE words ";
	size_t n = 0;

	(void)state;
	assert_int_equal(codename_normalize(buf, strlen(buf), buf, &n), 0);
	assert_string_equal(buf, "mixed case words");
}

static void
test_normalize_bad_chars(void **state)
{
	static const char *bad[] = { "word1 word", "word_word", "caf\xc3\xa9", "a.b", "a,b", "a'b",
		"a\vb", "a\fb", "\x7f" };

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(norm_err(bad[i], strlen(bad[i])), SD_ERR_FORMAT);
	/* embedded NUL */
	assert_int_equal(norm_err("ab\0cd", 5), SD_ERR_FORMAT);
}

static void
test_normalize_length(void **state)
{
	char in[400], out[CODENAME_MAX + 1];
	size_t n = 0;

	(void)state;
	memset(in, 'a', CODENAME_MAX + 1);
	assert_int_equal(codename_normalize(in, CODENAME_MAX, out, &n), 0);
	assert_int_equal(n, CODENAME_MAX);
	assert_int_equal(out[CODENAME_MAX], '\0');
	assert_int_equal(norm_err(in, CODENAME_MAX + 1), SD_ERR_TOOLONG);
	/* separators around count only once, and not at the ends */
	memset(in, ' ', sizeof in);
	memset(in + 100, 'b', CODENAME_MAX);
	assert_int_equal(codename_normalize(in, sizeof in, out, &n), 0);
	assert_int_equal(n, CODENAME_MAX);
	/* a separator that pushes the result over the bound */
	memset(in, 'c', CODENAME_MAX);
	in[CODENAME_MAX] = ' ';
	in[CODENAME_MAX + 1] = 'c';
	assert_int_equal(norm_err(in, CODENAME_MAX + 2), SD_ERR_TOOLONG);
	assert_int_equal(norm_err(in, CODENAME_MAX + 1), 0); /* trailing space trimmed */
}

/* Raw input is bounded too (4096 bytes), even when it is mostly spaces. */
static void
test_normalize_input_bound(void **state)
{
	char *in = malloc(5000), out[CODENAME_MAX + 1];
	size_t n = 0;

	(void)state;
	assert_non_null(in);
	memset(in, ' ', 5000);
	memcpy(in + 2000, "word", 4);
	assert_int_equal(codename_normalize(in, 4096, out, &n), 0);
	assert_string_equal(out, "word");
	assert_int_equal(norm_err(in, 4097), SD_ERR_TOOLONG);
	free(in);
}

static void
test_normalize_empty(void **state)
{
	char out[CODENAME_MAX + 1];
	size_t n;

	(void)state;
	assert_int_equal(norm_err("", 0), SD_ERR_FORMAT);
	assert_int_equal(norm_err("   \t\n ", 6), SD_ERR_FORMAT);
	assert_int_equal(codename_normalize(NULL, 0, out, &n), SD_ERR_ARG);
}

static void
test_derive_deterministic(void **state)
{
	unsigned char t1[32], s1[32], t2[32], s2[32];

	(void)state;
	assert_int_equal(codename_derive("alpha beta", 10, salt1, OPS, MEM, t1, s1), 0);
	assert_int_equal(codename_derive("alpha beta", 10, salt1, OPS, MEM, t2, s2), 0);
	assert_memory_equal(t1, t2, 32);
	assert_memory_equal(s1, s2, 32);
	assert_memory_not_equal(t1, s1, 32);
}

static void
test_derive_differs(void **state)
{
	unsigned char t1[32], s1[32], t2[32], s2[32];

	(void)state;
	assert_int_equal(codename_derive("alpha beta", 10, salt1, OPS, MEM, t1, s1), 0);
	assert_int_equal(codename_derive("alpha beta", 10, salt2, OPS, MEM, t2, s2), 0);
	assert_memory_not_equal(t1, t2, 32);
	assert_memory_not_equal(s1, s2, 32);
	assert_int_equal(codename_derive("alpha betb", 10, salt1, OPS, MEM, t2, s2), 0);
	assert_memory_not_equal(t1, t2, 32);
	assert_memory_not_equal(s1, s2, 32);
	assert_int_equal(codename_derive("alpha bet", 9, salt1, OPS, MEM, t2, s2), 0);
	assert_memory_not_equal(t1, t2, 32);
	/* parameters are part of the derivation */
	assert_int_equal(codename_derive("alpha beta", 10, salt1, OPS + 1, MEM, t2, s2), 0);
	assert_memory_not_equal(t1, t2, 32);
}

/* The documented construction, by hand. */
static void
test_derive_construction(void **state)
{
	unsigned char master[32], tag[32], seed[32], t[32], s[32];

	(void)state;
	assert_int_equal(crypto_pwhash(master, 32, "alpha beta", 10, salt1, OPS, MEM,
			     crypto_pwhash_ALG_ARGON2ID13),
	    0);
	assert_int_equal(crypto_kdf_derive_from_key(tag, 32, 1, "sdcodenm", master), 0);
	assert_int_equal(crypto_kdf_derive_from_key(seed, 32, 2, "sdcodenm", master), 0);
	assert_int_equal(codename_derive("alpha beta", 10, salt1, OPS, MEM, t, s), 0);
	assert_memory_equal(t, tag, 32);
	assert_memory_equal(s, seed, 32);
	sodium_memzero(master, sizeof master);
}

static void
test_derive_errors(void **state)
{
	unsigned char t[32], s[32], z[32];
	char big[CODENAME_MAX + 1];

	(void)state;
	memset(t, 0x11, sizeof t);
	memset(s, 0x11, sizeof s);
	memset(z, 0x11, sizeof z);
	memset(big, 'a', sizeof big);
	assert_int_equal(codename_derive("", 0, salt1, OPS, MEM, t, s), SD_ERR_FORMAT);
	assert_int_equal(codename_derive(big, sizeof big, salt1, OPS, MEM, t, s), SD_ERR_TOOLONG);
	assert_int_equal(codename_derive(NULL, 3, salt1, OPS, MEM, t, s), SD_ERR_ARG);
	assert_int_equal(codename_derive("abc", 3, NULL, OPS, MEM, t, s), SD_ERR_ARG);
	assert_int_equal(codename_derive("abc", 3, salt1, 0, MEM, t, s), SD_ERR_RANGE);
	assert_int_equal(codename_derive("abc", 3, salt1, OPS, 1024, t, s), SD_ERR_RANGE);
	assert_memory_equal(t, z, 32);
	assert_memory_equal(s, z, 32);
}

static void
test_reply_keypair(void **state)
{
	unsigned char t[32], seed[32], pk[32], sk[32], epk[32], esk[32], chk[32];

	(void)state;
	assert_int_equal(codename_derive("alpha beta", 10, salt1, OPS, MEM, t, seed), 0);
	assert_int_equal(codename_reply_keypair(seed, pk, sk), 0);
	assert_int_equal(crypto_box_seed_keypair(epk, esk, seed), 0);
	assert_memory_equal(pk, epk, 32);
	assert_memory_equal(sk, esk, 32);
	assert_int_equal(crypto_scalarmult_base(chk, sk), 0);
	assert_memory_equal(chk, pk, 32);
	assert_int_equal(codename_reply_keypair(NULL, pk, sk), SD_ERR_ARG);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(esk, sizeof esk);
}

/* The words of a generated codename, checked against a list. */
static int
in_list(const char *w, size_t wl, const char *const *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (strlen(list[i]) == wl && memcmp(list[i], w, wl) == 0)
			return 1;
	return 0;
}

static void
check_words(const char *cn, const char *const *list, unsigned n)
{
	const char *p = cn;
	int words = 0;

	while (*p != '\0') {
		size_t wl = strcspn(p, " ");
		assert_true(in_list(p, wl, list, n));
		words++;
		p += wl;
		if (*p == ' ')
			p++;
	}
	assert_int_equal(words, CODENAME_WORDS);
}

/* A French source gets French words, anyone else English ones; both
 * normalise to themselves (a login accepts either). */
static void
test_generate_by_language(void **state)
{
	char cn[CODENAME_MAX + 1], norm[CODENAME_MAX + 1];
	size_t len = 0, nlen = 0;

	(void)state;
	assert_int_equal(codename_generate("fr", cn, &len), 0);
	check_words(cn, sd_wordlist_fr, sd_wordlist_fr_size);
	assert_int_equal(codename_normalize(cn, len, norm, &nlen), 0);
	assert_string_equal(norm, cn);
	assert_int_equal(codename_generate("en", cn, &len), 0);
	check_words(cn, sd_wordlist, SD_WORDLIST_SIZE);
	assert_int_equal(codename_generate(NULL, cn, &len), 0);
	check_words(cn, sd_wordlist, SD_WORDLIST_SIZE);
}

/* The French list follows the filter of common/gen-wordlist-fr.cmake:
 * at least 7,776 words (7 words >= 90 bits), 3 to 9 letters a-z, sorted
 * and unique, each an entry of the dictionary tagged noun, adjective,
 * verb or adverb, none a proper noun. */
static void
test_french_list(void **state)
{
	FILE *f = fopen(SD_TEST_FR_DIC, "r");
	char line[512];
	unsigned seen = 0;
	unsigned char *hit = calloc(sd_wordlist_fr_size, 1);

	(void)state;
	assert_non_null(f);
	assert_non_null(hit);
	assert_true(sd_wordlist_fr_size >= 7776);
	for (unsigned i = 0; i < sd_wordlist_fr_size; i++) {
		size_t n = strlen(sd_wordlist_fr[i]);
		assert_true(n >= 3 && n <= 9);
		assert_int_equal(strspn(sd_wordlist_fr[i], "abcdefghijklmnopqrstuvwxyz"), n);
		if (i > 0)
			assert_true(strcmp(sd_wordlist_fr[i - 1], sd_wordlist_fr[i]) < 0);
	}
	/* Every word has a common-word entry; no entry of a kept word is a
	 * proper noun or first name. */
	while (fgets(line, sizeof line, f) != NULL) {
		size_t wl = strcspn(line, "/ \t\n");
		char w[16];
		const char *const *at;
		if (wl < 3 || wl > 9)
			continue;
		memcpy(w, line, wl);
		w[wl] = '\0';
		at = bsearch(&(const char *){ w }, sd_wordlist_fr, sd_wordlist_fr_size,
		    sizeof *sd_wordlist_fr, cmp_word);
		if (at == NULL)
			continue;
		assert_null(strstr(line, "po:npr"));
		assert_null(strstr(line, "po:prn"));
		assert_null(strstr(line, "po:patr"));
		if (strstr(line, "po:nom") || strstr(line, "po:adj") || strstr(line, "po:v") ||
		    strstr(line, "po:adv")) {
			if (!hit[at - sd_wordlist_fr])
				seen++;
			hit[at - sd_wordlist_fr] = 1;
		}
	}
	fclose(f);
	assert_int_equal(seen, sd_wordlist_fr_size);
	free(hit);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_case_space),
		cmocka_unit_test(test_normalize_in_place),
		cmocka_unit_test(test_normalize_bad_chars),
		cmocka_unit_test(test_normalize_length),
		cmocka_unit_test(test_normalize_input_bound),
		cmocka_unit_test(test_normalize_empty),
		cmocka_unit_test(test_derive_deterministic),
		cmocka_unit_test(test_derive_differs),
		cmocka_unit_test(test_derive_construction),
		cmocka_unit_test(test_derive_errors),
		cmocka_unit_test(test_reply_keypair),
		cmocka_unit_test(test_generate_by_language),
		cmocka_unit_test(test_french_list),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
