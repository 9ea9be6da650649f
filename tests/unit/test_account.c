/*
 * test_account.c - unit tests of the journalist credentials (store/account)
 * and the schema-2 queries (store/db_journalist.c): RFC 6238 test vectors
 * through liboath, one step of drift and no more, codes refused when
 * malformed, TOTP steps claimed once (replay), passphrase hashes,
 * user-name rules, failure counting and locks, the audit log's order and
 * paging, and the sources list ordering (starred first, then newest) with
 * unread counts.
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

#include "account.h"
#include "db.h"
#include "sderr.h"

static char path[64];

static int
setup(void **state)
{
	int fd;

	(void)state;
	if (sodium_init() < 0 || account_init() != 0)
		return -1;
	(void)snprintf(path, sizeof path, "/tmp/sd-test-account.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return -1;
	close(fd);
	unlink(path);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* RFC 6238 appendix B, SHA-1: secret "12345678901234567890", 8 digits
 * truncated to our 6 (the last 6 digits of the 8-digit values). */
static void
test_totp_rfc6238(void **state)
{
	static const struct {
		time_t t;
		const char *code;
	} v[] = {
		{ 59, "287082" },
		{ 1111111109, "081804" },
		{ 1111111111, "050471" },
		{ 1234567890, "005924" },
		{ 2000000000, "279037" },
	};
	unsigned char secret[DB_TOTP_BYTES];
	char code[7];
	int64_t step = 0;

	(void)state;
	memcpy(secret, "12345678901234567890", DB_TOTP_BYTES);
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(account_totp_code(secret, v[i].t, code), 0);
		assert_string_equal(code, v[i].code);
		assert_int_equal(account_totp_check(secret, v[i].code, v[i].t, &step), 0);
		assert_int_equal(step, v[i].t / 30);
	}
	/* One step of drift either way, not two. */
	assert_int_equal(account_totp_check(secret, "081804", 1111111109 + 30, &step), 0);
	assert_int_equal(step, 1111111109 / 30);
	assert_int_equal(account_totp_check(secret, "081804", 1111111109 - 30, &step), 0);
	assert_int_equal(account_totp_check(secret, "081804", 1111111109 + 60, &step), SD_ERR_AUTH);
	assert_int_equal(account_totp_check(secret, "081804", 1111111109 - 60, &step), SD_ERR_AUTH);
	/* Malformed codes. */
	assert_int_equal(account_totp_check(secret, "", 59, &step), SD_ERR_AUTH);
	assert_int_equal(account_totp_check(secret, "28708", 59, &step), SD_ERR_AUTH);
	assert_int_equal(account_totp_check(secret, "2870822", 59, &step), SD_ERR_AUTH);
	assert_int_equal(account_totp_check(secret, "28708a", 59, &step), SD_ERR_AUTH);
	assert_int_equal(account_totp_check(secret, " 87082", 59, &step), SD_ERR_AUTH);
}

static void
test_totp_text(void **state)
{
	unsigned char secret[DB_TOTP_BYTES];
	char b32[ACCOUNT_TOTP_B32_MAX + 1], uri[ACCOUNT_URI_MAX];

	(void)state;
	memcpy(secret, "12345678901234567890", DB_TOTP_BYTES);
	assert_int_equal(account_totp_b32(secret, b32), 0);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(account_totp_uri("My drop & co", "alice", secret, uri), 0);
	assert_string_equal(uri,
	    "otpauth://totp/My%20drop%20%26%20co:alice?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=My%20drop%20%26%20co"
	    "&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(account_totp_new(secret, b32), 0);
	assert_int_equal(strlen(b32), 32);
}

/* Any instance name the settings accept (64 characters, 127 bytes of
 * UTF-8) and any user name make a URI: the issuer is escaped twice. */
static void
test_totp_uri_long_issuer(void **state)
{
	unsigned char secret[DB_TOTP_BYTES];
	char issuer[128], uri[ACCOUNT_URI_MAX];
	size_t n = 0;

	(void)state;
	memset(secret, 7, sizeof secret);
	for (int i = 0; i < 63; i++) {
		issuer[n++] = (char)0xC3;
		issuer[n++] = (char)0xA9; /* é */
	}
	issuer[n++] = 'x';
	issuer[n] = '\0';
	assert_int_equal(strlen(issuer), 127);
	assert_int_equal(
	    account_totp_uri(issuer, "abcdefghijklmnopqrstuvwxyz012345", secret, uri), 0);
	assert_non_null(strstr(uri, "&issuer=%C3%A9%C3%A9"));
	assert_non_null(strstr(uri, "&period=30"));
}

static void
test_passphrase(void **state)
{
	char pass[ACCOUNT_PASSPHRASE_MAX + 1], hash[DB_PWHASH_MAX];
	size_t words = 1;

	(void)state;
	assert_int_equal(account_passphrase_new(pass), 0);
	for (const char *p = pass; *p; p++)
		words += *p == ' ';
	assert_int_equal(words, 7);
	assert_int_equal(account_hash(pass, strlen(pass), hash), 0);
	assert_memory_equal(hash, "$argon2id$", 10);
	assert_int_equal(account_verify(hash, pass, strlen(pass)), 0);
	pass[0] ^= 1;
	assert_int_equal(account_verify(hash, pass, strlen(pass)), SD_ERR_AUTH);
	assert_int_equal(account_verify(hash, pass, 0), SD_ERR_AUTH);
	assert_int_equal(account_hash("", 0, hash), SD_ERR_RANGE);
}

static void
test_names(void **state)
{
	(void)state;
	assert_true(account_name_ok("alice"));
	assert_true(account_name_ok("a-b_c9"));
	assert_true(account_name_ok("0123456789abcdef0123456789abcdef"));
	assert_false(account_name_ok(""));
	assert_false(account_name_ok("0123456789abcdef0123456789abcdef0"));
	assert_false(account_name_ok("Alice"));
	assert_false(account_name_ok("-x"));
	assert_false(account_name_ok("../x"));
	assert_false(account_name_ok("a b"));
	assert_false(account_name_ok("a\n"));
}

static void
test_journalist_rows(void **state)
{
	unsigned char totp[DB_TOTP_BYTES] = { 1 };
	struct db_journalist j, list[4];
	struct db *db = NULL;
	size_t n = 0;
	int64_t count = 0;

	(void)state;
	assert_int_equal(db_open(path, 1, &db), 0);
	assert_int_equal(db_journalist_add(db, "bob", "$argon2id$x", totp, 0), 0);
	assert_int_equal(db_journalist_add(db, "alice", "$argon2id$y", totp, 1), 0);
	assert_int_equal(db_journalist_add(db, "alice", "$argon2id$z", totp, 0), SD_ERR_EXISTS);
	assert_int_equal(db_journalist_get(db, "nobody", &j), SD_ERR_NOTFOUND);
	assert_int_equal(db_journalist_get(db, "alice", &j), 0);
	assert_string_equal(j.pw_hash, "$argon2id$y");
	assert_int_equal(j.is_admin, 1);
	/* The list never carries secrets. */
	assert_int_equal(db_journalist_list(db, list, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "alice");
	assert_string_equal(list[0].pw_hash, "");
	assert_int_equal(db_journalist_list(db, list, 1, &n), SD_ERR_RANGE);
	/* A step is claimed once, and never an older one. */
	assert_int_equal(db_journalist_use_step(db, j.id, 100), 0);
	assert_int_equal(db_journalist_use_step(db, j.id, 100), SD_ERR_REPLAY);
	assert_int_equal(db_journalist_use_step(db, j.id, 99), SD_ERR_REPLAY);
	assert_int_equal(db_journalist_use_step(db, j.id, 101), 0);
	/* A new secret forgets the last step. */
	assert_int_equal(db_journalist_set_totp(db, j.id, totp), 0);
	assert_int_equal(db_journalist_use_step(db, j.id, 50), 0);
	/* Failures and locks. */
	assert_int_equal(db_journalist_failed(db, j.id, 0), 0);
	assert_int_equal(db_journalist_failed(db, j.id, 12345), 0);
	assert_int_equal(db_journalist_get(db, "alice", &j), 0);
	assert_int_equal(j.failures, 2);
	assert_int_equal(j.locked_until, 12345);
	assert_int_equal(db_journalist_succeeded(db, j.id), 0);
	assert_int_equal(db_journalist_get(db, "alice", &j), 0);
	assert_int_equal(j.failures, 0);
	assert_int_equal(j.locked_until, 0);
	/* Claimed attempts, with a test clock: four free; the fifth locks
	 * until one is forgiven (900 s after it); a locked account is refused
	 * and nothing changes. */
	for (int i = 0; i < 4; i++)
		assert_int_equal(db_journalist_attempt(db, j.id, 1000, 5, 900), 0);
	assert_int_equal(db_journalist_get(db, "alice", &j), 0);
	assert_int_equal(j.failures, 4);
	assert_true(j.locked_until <= 1000); /* not locked */
	assert_int_equal(db_journalist_attempt(db, j.id, 1000, 5, 900), 0);
	assert_int_equal(db_journalist_get(db, "alice", &j), 0);
	assert_int_equal(j.locked_until, 1900);
	assert_int_equal(db_journalist_attempt(db, j.id, 1899, 5, 900), SD_ERR_LOCKED);
	assert_int_equal(db_journalist_get(db, "alice", &j), 0);
	assert_int_equal(j.failures, 5);
	/* At 1900 one failure is forgiven: one more attempt, locked again. */
	assert_int_equal(db_journalist_attempt(db, j.id, 1900, 5, 900), 0);
	assert_int_equal(db_journalist_get(db, "alice", &j), 0);
	assert_int_equal(j.failures, 5);
	assert_int_equal(j.locked_until, 2800);
	/* One attempt an hour (or a day) never keeps the account locked: the
	 * lock ends 900 s after the failure that set it, and by the next
	 * attempt four failures are forgiven. */
	for (int i = 1; i <= 48; i++) {
		int64_t t = 2800 + 3600 * (int64_t)i;
		assert_int_equal(db_journalist_attempt(db, j.id, t, 5, 900), 0);
		assert_int_equal(db_journalist_get(db, "alice", &j), 0);
		assert_true(j.locked_until <= t);
		assert_int_equal(db_journalist_attempt(db, j.id, t + 1, 5, 900), 0);
	}
	for (int i = 0; i < 30; i++) {
		int64_t t = 1000000 + 100000 * (int64_t)i;
		assert_int_equal(db_journalist_attempt(db, j.id, t, 5, 900), 0);
		assert_int_equal(db_journalist_get(db, "alice", &j), 0);
		assert_true(j.locked_until <= t);
	}
	/* A burst still locks, and an admin clears it. */
	for (int i = 0; i < 5; i++) /* each counted; the fifth locks what follows */
		assert_int_equal(db_journalist_attempt(db, j.id, 9000000, 5, 900), 0);
	assert_int_equal(db_journalist_attempt(db, j.id, 9000001, 5, 900), SD_ERR_LOCKED);
	assert_int_equal(db_journalist_unlock(db, j.id), 0);
	assert_int_equal(db_journalist_attempt(db, j.id, 9000001, 5, 900), 0);
	assert_int_equal(db_journalist_unlock(db, 999999), SD_ERR_NOTFOUND);
	assert_int_equal(db_journalist_succeeded(db, j.id), 0);
	assert_int_equal(db_journalist_count(db, 1, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(db_journalist_remove(db, j.id), 0);
	assert_int_equal(db_journalist_remove(db, j.id), SD_ERR_NOTFOUND);
	assert_int_equal(db_journalist_count(db, 0, &count), 0);
	assert_int_equal(count, 1);
	sodium_memzero(&j, sizeof j);
	db_close(db);
}

static void
test_audit_and_listing(void **state)
{
	unsigned char tag[DB_TAG_BYTES], pk[DB_KEY_BYTES] = { 0 };
	struct db_source s[3];
	struct db_source_summary page[3];
	struct db_audit a[3];
	struct db_item it;
	struct db *db = NULL;
	char hour[17];
	size_t n = 0;
	int64_t total = 0;

	(void)state;
	assert_int_equal(db_open(path, 0, &db), 0);
	for (int i = 0; i < 5; i++) {
		char what[16];
		(void)snprintf(what, sizeof what, "action %d", i);
		assert_int_equal(db_audit_add(db, "alice", what, "word-word"), 0);
	}
	assert_int_equal(db_audit_count(db, &total), 0);
	assert_int_equal(total, 5);
	assert_int_equal(db_audit_list(db, 0, a, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].action, "action 4"); /* newest first */
	assert_int_equal(db_audit_list(db, 3, a, 3, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(a[1].action, "action 0");

	for (int i = 0; i < 3; i++) {
		randombytes_buf(tag, sizeof tag);
		assert_int_equal(db_source_create(db, tag, pk, 0, &s[i]), 0);
	}
	/* Two unread items for source 0, one seen for source 1. */
	db_this_hour(hour);
	for (int i = 0; i < 3; i++) {
		memset(&it, 0, sizeof it);
		it.source_row = i < 2 ? s[0].row : s[1].row;
		randombytes_buf(it.id, sizeof it.id);
		it.kind = DB_KIND_MESSAGE;
		it.seq = i + 1;
		(void)snprintf(it.created_hour, sizeof it.created_hour, "%s", hour);
		assert_int_equal(db_item_add(db, &it), 0);
	}
	assert_int_equal(db_item_by_id(db, it.id, &it), 0);
	assert_int_equal(db_item_set_seen(db, it.row, 1), 0);
	assert_int_equal(db_source_set_starred(db, s[2].row, 1), 0);
	assert_int_equal(db_source_page(db, 0, page, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(page[0].s.row, s[2].row); /* starred first */
	assert_int_equal(page[1].s.row, s[1].row); /* then newest */
	assert_int_equal(page[2].s.row, s[0].row);
	assert_int_equal(page[2].unread, 2);
	assert_int_equal(page[1].unread, 0);
	assert_int_equal(page[1].submissions, 1);
	assert_int_equal(db_source_page(db, 2, page, 3, &n), 0);
	assert_int_equal(n, 1);
	{
		struct db_source byid;
		unsigned char unknown[SD_ID_BYTES] = { 0 };
		assert_int_equal(db_source_by_id(db, s[1].id, &byid), 0);
		assert_int_equal(byid.row, s[1].row);
		assert_int_equal(db_source_by_id(db, unknown, &byid), SD_ERR_NOTFOUND);
	}
	/* Retention queries. */
	assert_int_equal(db_item_older(db, "9999-01-01 00:00", &it, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_item_older(db, "2000-01-01 00:00", &it, 1, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(db_source_idle(db, "9999-01-01", s, 3, &n), 0);
	assert_int_equal(n, 1); /* only the source without items */
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totp_rfc6238),
		cmocka_unit_test(test_totp_text),
		cmocka_unit_test(test_totp_uri_long_issuer),
		cmocka_unit_test(test_passphrase),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_journalist_rows),
		cmocka_unit_test(test_audit_and_listing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
