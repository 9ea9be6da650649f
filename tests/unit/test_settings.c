/*
 * test_settings.c - unit tests of store/settings: defaults from
 * sealdrop.conf when nothing is stored, save and load back, every bound of
 * settings_validate (just inside and just outside), UTF-8 and control
 * characters in the name, damaged stored values ignored, and the text
 * setter of `sealdrop-admin settings set`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "conf.h"
#include "db.h"
#include "sderr.h"
#include "settings.h"

static char path[64];

static struct db *
fresh(void)
{
	struct db *db = NULL;
	int fd;

	(void)snprintf(path, sizeof path, "/tmp/sd-test-settings.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(db_open(path, 1, &db), 0);
	return db;
}

static void
done(struct db *db)
{
	db_close(db);
	unlink(path);
}

static void
test_defaults(void **state)
{
	struct db *db = fresh();
	struct conf c;
	struct settings s;

	(void)state;
	conf_defaults(&c);
	(void)snprintf(c.name, sizeof c.name, "Conf name");
	c.accept_files = 0;
	c.max_submission_bytes = 5ULL << 20;
	assert_int_equal(settings_load(db, &c, &s), 0);
	assert_string_equal(s.instance_name, "Conf name");
	assert_string_equal(s.default_language, c.default_language);
	assert_int_equal(s.accept_files, 0);
	assert_true(s.max_submission_bytes == 5ULL << 20);
	assert_int_equal(s.min_first_message_chars, 0);
	assert_int_equal(s.retention_days, 0);
	done(db);
}

static struct settings
good(void)
{
	struct settings s;

	memset(&s, 0, sizeof s);
	(void)snprintf(s.instance_name, sizeof s.instance_name, "Collectif Technopolice — dépôt");
	(void)snprintf(s.default_language, sizeof s.default_language, "fr");
	s.accept_files = 1;
	s.max_submission_bytes = 2ULL << 30;
	s.min_first_message_chars = 40;
	s.retention_days = 90;
	return s;
}

static void
test_save_load(void **state)
{
	struct db *db = fresh();
	struct settings s = good(), t;
	struct conf c;

	(void)state;
	conf_defaults(&c);
	assert_int_equal(settings_save(db, &s), 0);
	assert_int_equal(settings_load(db, &c, &t), 0);
	assert_memory_equal(&s, &t, sizeof s);
	/* An invalid struct is not written. */
	t.retention_days = 3651;
	assert_int_equal(settings_save(db, &t), SD_ERR_RANGE);
	assert_int_equal(settings_load(db, &c, &t), 0);
	assert_int_equal(t.retention_days, 90);
	/* Damaged rows are ignored: the defaults apply. */
	assert_int_equal(db_setting_set(db, "retention_days", "12x"), 0);
	assert_int_equal(db_setting_set(db, "max_submission_bytes", "99999999999999999999"), 0);
	assert_int_equal(db_setting_set(db, "default_language", "de"), 0);
	assert_int_equal(db_setting_set(db, "instance_name", "bad\nname"), 0);
	assert_int_equal(db_setting_set(db, "accept_files", "2"), 0);
	assert_int_equal(settings_load(db, &c, &t), 0);
	assert_int_equal(t.retention_days, 0);
	assert_true(t.max_submission_bytes == c.max_submission_bytes);
	assert_string_equal(t.default_language, c.default_language);
	assert_string_equal(t.instance_name, c.name);
	assert_int_equal(t.accept_files, c.accept_files ? 1 : 0);
	done(db);
}

static void
expect_bad(const struct settings *s, const char *word)
{
	const char *why = NULL;

	assert_int_equal(settings_validate(s, &why), SD_ERR_RANGE);
	assert_non_null(why);
	assert_non_null(strstr(why, word));
}

static void
test_bounds(void **state)
{
	struct settings s = good(), t;
	const char *why = "x";

	(void)state;
	assert_int_equal(settings_validate(&s, &why), 0);
	assert_null(why);
	t = s;
	t.instance_name[0] = '\0';
	expect_bad(&t, "name");
	t = s;
	memset(t.instance_name, 'a', 64);
	t.instance_name[64] = '\0';
	assert_int_equal(settings_validate(&t, NULL), 0);
	t.instance_name[64] = 'a';
	t.instance_name[65] = '\0';
	expect_bad(&t, "name");
	/* 64 two-byte characters are 128 bytes: over the byte bound. */
	t = s;
	(void)snprintf(t.instance_name, sizeof t.instance_name, "%s", "é");
	assert_int_equal(settings_validate(&t, NULL), 0);
	t = s;
	(void)snprintf(t.instance_name, sizeof t.instance_name, "a\tb");
	expect_bad(&t, "name");
	t = s;
	(void)snprintf(t.instance_name, sizeof t.instance_name, "a\x7f");
	expect_bad(&t, "name");
	t = s;
	(void)snprintf(t.instance_name, sizeof t.instance_name, "a\xc2\x85");
	expect_bad(&t, "name");
	t = s;
	(void)snprintf(t.instance_name, sizeof t.instance_name, "a\xc3");
	expect_bad(&t, "name");
	t = s;
	(void)snprintf(t.instance_name, sizeof t.instance_name, "\xc0\xaf");
	expect_bad(&t, "name");
	t = s;
	(void)snprintf(t.instance_name, sizeof t.instance_name, "\xed\xa0\x80");
	expect_bad(&t, "name");
	t = s;
	(void)snprintf(t.default_language, sizeof t.default_language, "en");
	assert_int_equal(settings_validate(&t, NULL), 0);
	t = s;
	(void)snprintf(t.default_language, sizeof t.default_language, "de");
	expect_bad(&t, "language");
	t = s;
	t.default_language[0] = '\0';
	expect_bad(&t, "language");
	t = s;
	t.accept_files = 0;
	assert_int_equal(settings_validate(&t, NULL), 0);
	t = s;
	t.accept_files = 2;
	expect_bad(&t, "files");
	t = s;
	t.max_submission_bytes = 1ULL << 20;
	assert_int_equal(settings_validate(&t, NULL), 0);
	t.max_submission_bytes = (1ULL << 20) - 1;
	expect_bad(&t, "1 MiB");
	t.max_submission_bytes = 64ULL << 30;
	assert_int_equal(settings_validate(&t, NULL), 0);
	t.max_submission_bytes = (64ULL << 30) + 1;
	expect_bad(&t, "64 GiB");
	t = s;
	t.min_first_message_chars = 0;
	assert_int_equal(settings_validate(&t, NULL), 0);
	t.min_first_message_chars = 10000;
	assert_int_equal(settings_validate(&t, NULL), 0);
	t.min_first_message_chars = 10001;
	expect_bad(&t, "10000");
	t = s;
	t.retention_days = 0;
	assert_int_equal(settings_validate(&t, NULL), 0);
	t.retention_days = 3650;
	assert_int_equal(settings_validate(&t, NULL), 0);
	t.retention_days = 3651;
	expect_bad(&t, "3650");
}

static void
test_text(void **state)
{
	struct settings s = good();
	const char *why = NULL;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(settings_text_chars("\xc3\xa9t\xc3\xa9", 5), 3);
	assert_int_equal(settings_parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(settings_parse_u64("18446744073709551616", UINT64_MAX, &v), SD_ERR_RANGE);
	assert_int_equal(settings_parse_u64("5", 1, &v), SD_ERR_RANGE);
	assert_int_equal(settings_parse_u64("+1", 10, &v), SD_ERR_FORMAT);
	assert_int_equal(settings_parse_u64("", 10, &v), SD_ERR_FORMAT);
	assert_int_equal(settings_set_text(&s, "retention_days", "30", &why), 0);
	assert_int_equal(s.retention_days, 30);
	assert_int_equal(settings_set_text(&s, "retention_days", "3651", &why), SD_ERR_RANGE);
	assert_non_null(why);
	assert_int_equal(s.retention_days, 30);
	assert_int_equal(settings_set_text(&s, "accept_files", "yes", &why), SD_ERR_RANGE);
	assert_int_equal(settings_set_text(&s, "accept_files", "0", &why), 0);
	assert_int_equal(s.accept_files, 0);
	assert_int_equal(settings_set_text(&s, "instance_name", "New", &why), 0);
	assert_string_equal(s.instance_name, "New");
	assert_int_equal(settings_set_text(&s, "default_language", "english", &why), SD_ERR_RANGE);
	assert_int_equal(settings_set_text(&s, "nope", "1", &why), SD_ERR_ARG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_text),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
