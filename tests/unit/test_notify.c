/*
 * test_notify.c - unit tests of store/db_notify.c: the shape checks the
 * sandboxed daemon applies to a notification address and key, schema 5's
 * bounds, set/clear/list, and the digest's one bit of activity.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "db.h"
#include "db_notify.h"
#include "sderr.h"

#define KEY \
	"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ...\n=abcd\n" \
	"-----END PGP PUBLIC KEY BLOCK-----\n"

static void
test_addr(void **state)
{
	char longer[300];

	(void)state;
	assert_int_equal(dbn_check_addr("alice@example.org"), 0);
	assert_int_equal(dbn_check_addr("a.b+c@mail.example.org"), 0);
	assert_int_equal(dbn_check_addr(""), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("alice"), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("@example.org"), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("alice@"), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("alice@localhost"), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("a@b@example.org"), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("alice@example.org."), SD_ERR_FORMAT);
	/* Nothing that could start another header or another recipient. */
	assert_int_equal(dbn_check_addr("alice@example.org\nBcc: x@y.z"), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("alice@example.org,x@y.z"), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("a lice@example.org"), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("<alice@example.org>"), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_addr("-oProxy@example.org"), 0); /* after "--" for msmtp */
	assert_int_equal(dbn_check_addr("al\xc3\xa9@example.org"), SD_ERR_FORMAT);
	memset(longer, 'a', sizeof longer);
	memcpy(longer + 280, "@example.org", 13);
	assert_int_equal(dbn_check_addr(longer), SD_ERR_TOOLONG);
}

static void
test_key(void **state)
{
	char *big;

	(void)state;
	assert_int_equal(dbn_check_key(KEY, strlen(KEY)), 0);
	assert_int_equal(dbn_check_key("\n  " KEY "\n\n", strlen(KEY) + 5), 0);
	assert_int_equal(dbn_check_key("", 0), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_key("not a key", 9), SD_ERR_FORMAT);
	/* A secret key, two blocks, text after the block, a NUL, no END. */
	assert_int_equal(
	    dbn_check_key("-----BEGIN PGP PRIVATE KEY BLOCK-----\n", 38), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_key(KEY KEY, 2 * strlen(KEY)), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_key(KEY "x", strlen(KEY) + 1), SD_ERR_FORMAT);
	assert_int_equal(dbn_check_key(KEY "\0", strlen(KEY) + 1), SD_ERR_FORMAT);
	assert_int_equal(
	    dbn_check_key("-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n", 41), SD_ERR_FORMAT);
	big = malloc(DBN_KEY_MAX + 2);
	assert_non_null(big);
	memset(big, 'A', DBN_KEY_MAX + 1);
	big[DBN_KEY_MAX + 1] = '\0';
	assert_int_equal(dbn_check_key(big, DBN_KEY_MAX + 1), SD_ERR_TOOLONG);
	free(big);
}

static void
test_db(void **state)
{
	char path[] = "/tmp/sd-test-notify.XXXXXX", db_path[64], addr[DBN_ADDR_MAX + 1], hour[17];
	struct dbn_entry e[4];
	struct db *db = NULL;
	sqlite3 *raw = NULL;
	int has_key = 1, yes = 1;
	size_t n = 9;
	struct db_journalist j;
	int64_t id;

	(void)state;
	assert_non_null(mkdtemp(path));
	(void)snprintf(db_path, sizeof db_path, "%s/sealdrop.db", path);
	assert_int_equal(db_open(db_path, 1, &db), 0);
	assert_int_equal(db_journalist_add(db, "alice", "$argon2id$x",
			     (const unsigned char *)"01234567890123456789", 0),
	    0);
	assert_int_equal(db_journalist_get(db, "alice", &j), 0);
	id = j.id;
	assert_int_equal(dbn_get(db, id, addr, &has_key), 0);
	assert_string_equal(addr, "");
	assert_int_equal(has_key, 0);
	assert_int_equal(dbn_list(db, e, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(dbn_set(db, id, "bad", KEY), SD_ERR_FORMAT);
	assert_int_equal(dbn_set(db, id, "alice@example.org", "junk"), SD_ERR_FORMAT);
	assert_int_equal(dbn_set(db, id + 1, "alice@example.org", KEY), SD_ERR_NOTFOUND);
	assert_int_equal(dbn_set(db, id, "alice@example.org", KEY), 0);
	assert_int_equal(dbn_get(db, id, addr, &has_key), 0);
	assert_string_equal(addr, "alice@example.org");
	assert_int_equal(has_key, 1);
	assert_int_equal(dbn_list(db, e, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].name, "alice");
	assert_string_equal(e[0].key, KEY);
	dbn_free(e, n);
	assert_int_equal(dbn_list(db, e, 0, &n), SD_ERR_RANGE);
	assert_int_equal(dbn_set(db, id, "", ""), 0);
	assert_int_equal(dbn_list(db, e, 4, &n), 0);
	assert_int_equal(n, 0);
	/* Activity: none, then an item of this hour; a reply does not count. */
	db_this_hour(hour);
	assert_int_equal(dbn_activity_since(db, hour, &yes), 0);
	assert_int_equal(yes, 0);
	db_close(db);
	/* The schema bounds the columns whatever writes them. */
	assert_int_equal(sqlite3_open(db_path, &raw), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(raw,
				 "UPDATE journalists SET notify_key = "
				 "printf('%.*c', 32769, 'x')",
				 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(raw,
		"INSERT INTO sources(source_id, login_tag, reply_pk, "
		"created_day, last_day) VALUES (zeroblob(16), zeroblob(32), zeroblob(32), '', '');"
		"INSERT INTO items(source, item_id, kind, seq, size, created_hour) VALUES "
		"(1, zeroblob(16), 3, 1, 0, '9999-01-01 00:00')",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(db_open(db_path, 0, &db), 0);
	assert_int_equal(dbn_activity_since(db, "9000-01-01 00:00", &yes), 0);
	assert_int_equal(yes, 0);
	db_close(db);
	assert_int_equal(sqlite3_open(db_path, &raw), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(raw, "UPDATE items SET kind = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(db_open(db_path, 0, &db), 0);
	assert_int_equal(dbn_activity_since(db, "9000-01-01 00:00", &yes), 0);
	assert_int_equal(yes, 1);
	assert_int_equal(dbn_activity_since(db, "9999-01-01 01:00", &yes), 0);
	assert_int_equal(yes, 0);
	db_close(db);
	(void)unlink(db_path);
	(void)rmdir(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_db),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
