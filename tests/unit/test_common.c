/*
 * test_common.c - common/'s shared vocabulary: error codes (sderr.h), each
 * with one meaning and its own sentence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sderr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
