/*
 * test_common.c - common/'s shared vocabulary: error codes (sderr.h), each
 * with one meaning and its own sentence; byte order (sdbytes.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sdbytes.h"
#include "sderr.h"

/* Every code from SD_ERR_NOMEM to SD_ERR_NOTFOUND has its own sentence, none
 * the "unknown" one: "not found" is not "this key is not a recipient". */
static void
test_sderr(void **state)
{
	const char *unknown = sd_strerror(1);

	(void)state;
	assert_string_equal(sd_strerror(SD_ERR_NOTFOUND), "not found");
	assert_int_not_equal(SD_ERR_NOTFOUND, SD_ERR_NOKEY);
	for (int a = SD_ERR_NOMEM; a >= SD_ERR_NOTFOUND; a--) {
		assert_string_not_equal(sd_strerror(a), unknown);
		for (int b = a - 1; b >= SD_ERR_NOTFOUND; b--)
			assert_string_not_equal(sd_strerror(a), sd_strerror(b));
	}
	assert_string_equal(sd_strerror(SD_ERR_NOTFOUND - 1), unknown);
}

/* Loads and stores against fixed byte strings, both orders, all widths. */
static void
test_bytes(void **state)
{
	static const unsigned char b[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	unsigned char o[9];

	(void)state;
	assert_int_equal(sd_load_le16(b), 0x2301);
	assert_int_equal(sd_load_be16(b), 0x0123);
	assert_int_equal(sd_load_le32(b), 0x67452301);
	assert_int_equal(sd_load_be32(b), 0x01234567);
	assert_true(sd_load_le64(b) == 0xefcdab8967452301ULL);
	assert_true(sd_load_be64(b) == 0x0123456789abcdefULL);
	assert_int_equal(sd_load_be32(b + 4), 0x89abcdefU); /* high bit set: no sign */
	memset(o, 0x5a, sizeof o);
	sd_store_le16(o, 0x2301);
	assert_memory_equal(o, b, 2);
	sd_store_be16(o, 0x0123);
	assert_memory_equal(o, b, 2);
	sd_store_le32(o, 0x67452301);
	assert_memory_equal(o, b, 4);
	sd_store_be32(o, 0x01234567);
	assert_memory_equal(o, b, 4);
	sd_store_le64(o, 0xefcdab8967452301ULL);
	assert_memory_equal(o, b, 8);
	sd_store_be64(o, 0x0123456789abcdefULL);
	assert_memory_equal(o, b, 8);
	assert_int_equal(o[8], 0x5a); /* nothing past the width */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sderr),
		cmocka_unit_test(test_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
