/*
 * test_torauth.c - crypto/torauth: the strict form of a .auth line, client
 * names, onion addresses, and that a new pair's private line and public
 * line belong together (the public key is x25519(private, base point)).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sderr.h"
#include "sdbase32.h"
#include "torauth.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define ONION "t7o3dyuvd64jbxuviv4v63gc54im7gjef5hzign7mr2lr6iafv7c6bad"
#define KEY "2H56TBSH7ZSD4KFHV4DCYLTMTLL5TSJ57V4JXSALSUJE3NUZ4TWQ"

static int
line_ok(const char *s)
{
	return torauth_pub_line_ok(s, strlen(s));
}

static void
test_pub_line(void **state)
{
	static const char *const bad[] = {
		"",
		"descriptor:x25519:" KEY,
		"descriptor:x25519:" KEY "\n\n",
		"descriptor:x25519:" KEY "\r\n",
		" descriptor:x25519:" KEY "\n",
		"descriptor:x448:" KEY "\n",
		"Descriptor:x25519:" KEY "\n",
		"descriptor:x25519:" KEY "A\n",
		"descriptor:x25519:2H56TBSH7ZSD4KFHV4DCYLTMTLL5TSJ57V4JXSALSUJE3NUZ4TW\n",
		"descriptor:x25519:2h56tbsh7zsd4kfhv4dcyltmtll5tsj57v4jxsalsuje3nuz4twq\n",
		/* stray bits in the last character */
		"descriptor:x25519:2H56TBSH7ZSD4KFHV4DCYLTMTLL5TSJ57V4JXSALSUJE3NUZ4TWB\n",
		"descriptor:x25519:2H56TBSH7ZSD4KFHV4DCYLTMTLL5TSJ57V4JXSALSUJE3NUZ4T1Q\n",
		"descriptor:x25519:2H56TBSH7ZSD4KFHV4DCYLTMTLL5TSJ57V4JXSALSUJE3NUZ4T=Q\n",
	};

	(void)state;
	assert_int_equal(line_ok("descriptor:x25519:" KEY "\n"), 1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(line_ok(bad[i]), 0);
	/* A NUL inside is refused even at the right length. */
	char nul[] = "descriptor:x25519:" KEY "\n";
	nul[30] = '\0';
	assert_int_equal(torauth_pub_line_ok(nul, sizeof nul - 1), 0);
	assert_int_equal(torauth_pub_line_ok(NULL, 71), 0);
}

static void
test_onion(void **state)
{
	(void)state;
	assert_int_equal(torauth_onion_ok(ONION, 0), 1);
	assert_int_equal(torauth_onion_ok(ONION ".onion", 1), 1);
	assert_int_equal(torauth_onion_ok(ONION ".onion", 0), 0);
	assert_int_equal(torauth_onion_ok(ONION, 1), 0);
	/* upper case, version 2 ('c'), one character short */
	assert_int_equal(
	    torauth_onion_ok("T7o3dyuvd64jbxuviv4v63gc54im7gjef5hzign7mr2lr6iafv7c6bad", 0), 0);
	assert_int_equal(
	    torauth_onion_ok("t7o3dyuvd64jbxuviv4v63gc54im7gjef5hzign7mr2lr6iafv7c6bac", 0), 0);
	assert_int_equal(
	    torauth_onion_ok("t7o3dyuvd64jbxuviv4v63gc54im7gjef5hzign7mr2lr6iafv7c6ba", 0), 0);
	assert_int_equal(torauth_onion_ok(NULL, 0), 0);
}

static void
test_keypair(void **state)
{
	char pub[TORAUTH_PUB_LINE_MAX], priv[TORAUTH_PRIV_LINE_MAX], b32[TORAUTH_KEY_B32 + 1];
	unsigned char sk[32], pk[32];
	const size_t pre = strlen(ONION ":descriptor:x25519:");

	(void)state;
	assert_int_equal(torauth_keypair(ONION ".onion", pub, sizeof pub, priv, sizeof priv), 0);
	assert_int_equal(line_ok(pub), 1);
	assert_int_equal(strncmp(priv, ONION ":descriptor:x25519:", pre), 0);
	assert_int_equal(strlen(priv), pre + TORAUTH_KEY_B32);
	/* Decode the private key (base32, 52 characters) and derive its public key. */
	memset(sk, 0, sizeof sk);
	for (size_t i = 0, bits = 0, acc = 0, o = 0; i < TORAUTH_KEY_B32; i++) {
		const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
		const char *p = strchr(abc, priv[pre + i]);
		assert_non_null(p);
		acc = (acc << 5) | (size_t)(p - abc);
		bits += 5;
		if (bits >= 8 && o < sizeof sk) {
			sk[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
			acc &= (1u << bits) - 1u;
		}
	}
	assert_int_equal(crypto_scalarmult_base(pk, sk), 0);
	assert_int_equal(sd_base32_encode(pk, sizeof pk, 1, b32, sizeof b32), 0);
	assert_int_equal(strncmp(pub + strlen(TORAUTH_PREFIX), b32, TORAUTH_KEY_B32), 0);
	/* Bad onion or small buffers: refused, outputs untouched. */
	memset(pub, 'x', sizeof pub);
	assert_int_equal(
	    torauth_keypair("nope.onion", pub, sizeof pub, priv, sizeof priv), SD_ERR_ARG);
	assert_int_equal(pub[0], 'x');
	assert_int_equal(
	    torauth_keypair(ONION, pub, sizeof pub - 1, priv, sizeof priv), SD_ERR_ARG);
	assert_int_equal(torauth_keypair(ONION, pub, sizeof pub, priv, 100), SD_ERR_ARG);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(priv, sizeof priv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pub_line),
		cmocka_unit_test(test_onion),
		cmocka_unit_test(test_keypair),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
