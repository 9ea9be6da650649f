/*
 * test_designation.c - the embedded word list, designations and source id
 * parsing (common/designation.h, common/wordlist.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "designation.h"
#include "sderr.h"
#include "wordlist.h"

static void
test_wordlist(void **state)
{
	(void)state;
	assert_string_equal(sd_wordlist[0], "abacus");
	assert_string_equal(sd_wordlist[SD_WORDLIST_SIZE - 1], "zoom");
	for (size_t i = 0; i < SD_WORDLIST_SIZE; i++) {
		size_t n = strlen(sd_wordlist[i]);
		assert_true(n >= 3 && n <= SD_WORD_MAX);
		assert_int_equal(strspn(sd_wordlist[i], "abcdefghijklmnopqrstuvwxyz-"), n);
		if (i > 0)
			assert_true(strcmp(sd_wordlist[i - 1], sd_wordlist[i]) < 0);
	}
}

static void
test_designation(void **state)
{
	unsigned char id[SD_ID_BYTES] = { 0 };
	char d[SD_DESIGNATION_MAX + 1];

	(void)state;
	sd_designation(id, d);
	assert_string_equal(d, "abacus-abacus");
	id[0] = 1;
	id[2] = 0x60, id[3] = 0x1e; /* 7776 wraps to 0 */
	sd_designation(id, d);
	assert_string_equal(d, "abdomen-abacus");
	id[2] = 0x5f; /* 7775 */
	sd_designation(id, d);
	assert_string_equal(d, "abdomen-zoom");
}

static void
test_source_id_parse(void **state)
{
	unsigned char id[SD_ID_BYTES], want[SD_ID_BYTES];
	const char *good = "00112233445566778899aabbccddeeff";

	(void)state;
	for (int i = 0; i < SD_ID_BYTES; i++)
		want[i] = (unsigned char)(i * 0x11);
	assert_int_equal(sd_id_parse(good, 32, id), 0);
	assert_memory_equal(id, want, sizeof id);
	memset(id, 0xEE, sizeof id);
	assert_int_equal(sd_id_parse(good, 31, id), SD_ERR_FORMAT);
	assert_int_equal(sd_id_parse("00112233445566778899AABBCCDDEEFF", 32, id), SD_ERR_FORMAT);
	assert_int_equal(sd_id_parse("00112233445566778899aabbccddeefg", 32, id), SD_ERR_FORMAT);
	assert_int_equal(sd_id_parse("../../etc/passwd0000000000000000", 32, id), SD_ERR_FORMAT);
	assert_int_equal(sd_id_parse(NULL, 32, id), SD_ERR_FORMAT);
	assert_int_equal(id[0], 0xEE); /* untouched on failure */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wordlist),
		cmocka_unit_test(test_designation),
		cmocka_unit_test(test_source_id_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
