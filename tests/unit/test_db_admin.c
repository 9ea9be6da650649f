/*
 * test_db_admin.c - unit tests of store/db_admin.c, the database as
 * sealdrop-admin's check, backup and restore see it: a read-only open
 * that never migrates (an old schema keeps its version and its bytes), the
 * items and sources as sorted sets, a schema with a view refused, and the
 * in-memory snapshot a backup is made from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "db_admin.h"
#include "sderr.h"
#include "sdio.h"

static char dir[64], path[128];

/* A database of schema 1 (no items.batch, no items.source_deleted), as an
 * instance made before the later migrations holds it. */
static const char schema1[] =
    "CREATE TABLE recipients (id INTEGER PRIMARY KEY, pubkey BLOB NOT NULL);"
    "CREATE TABLE sources (id INTEGER PRIMARY KEY, source_id BLOB NOT NULL);"
    "CREATE TABLE items (id INTEGER PRIMARY KEY, source INTEGER NOT NULL,"
    "  item_id BLOB NOT NULL);"
    "INSERT INTO sources VALUES (1, x'22222222222222222222222222222222');"
    "INSERT INTO items VALUES (1, 1, x'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');"
    "INSERT INTO items VALUES (2, 1, x'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');"
    "PRAGMA user_version = 1;";

static int
setup(void **state)
{
	sqlite3 *h = NULL;
	int rc;

	(void)state;
	(void)snprintf(dir, sizeof dir, "/tmp/test_db_admin.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	(void)snprintf(path, sizeof path, "%s/sealdrop.db", dir);
	rc = sqlite3_open(path, &h) == SQLITE_OK &&
	    sqlite3_exec(h, schema1, NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_close(h);
	return rc ? 0 : -1;
}

static int
teardown(void **state)
{
	char j[160];

	(void)state;
	(void)snprintf(j, sizeof j, "%s-journal", path);
	(void)unlink(j);
	(void)unlink(path);
	return rmdir(dir);
}

static void
read_all(unsigned char **buf, size_t *len)
{
	assert_int_equal(sd_read_small_file(path, 1 << 20, buf, len), 0);
}

static void
test_open_ro_no_migration(void **state)
{
	unsigned char *before = NULL, *after = NULL, src[SD_ID_BYTES];
	size_t blen = 0, alen = 0, idx = 9;
	struct db_admin_ids ids = { 0 };
	struct db_admin_idset srcs = { 0 };
	struct db_admin_pair p = { 0 };
	struct db *db = NULL;
	int64_t n = -1;
	int v = 0;

	(void)state;
	read_all(&before, &blen);
	assert_int_equal(db_admin_open_ro(path, &db), 0);
	assert_int_equal(db_admin_integrity(db), 0);
	assert_int_equal(db_admin_version(db, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_admin_recipients(db, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(db_admin_items(db, &ids), 0);
	assert_int_equal(ids.n, 2);
	/* Sorted by item id; no batch before schema 3. */
	assert_int_equal(ids.v[0].item[0], 0xaa);
	assert_int_equal(ids.v[1].item[0], 0xbb);
	assert_int_equal(ids.v[0].has_batch, 0);
	memset(p.src, 0x22, sizeof p.src);
	memset(p.item, 0xbb, sizeof p.item);
	assert_int_equal(db_admin_ids_find(&ids, &p, &idx), 0);
	assert_int_equal(idx, 1);
	memset(p.item, 0xcc, sizeof p.item);
	assert_int_equal(db_admin_ids_find(&ids, &p, &idx), SD_ERR_NOTFOUND);
	assert_int_equal(db_admin_sources(db, &srcs), 0);
	assert_int_equal(srcs.n, 1);
	memset(src, 0x22, sizeof src);
	assert_true(db_admin_idset_has(&srcs, src));
	memset(src, 0x33, sizeof src);
	assert_false(db_admin_idset_has(&srcs, src));
	db_admin_ids_free(&ids);
	db_admin_idset_free(&srcs);
	db_close(db);
	/* Not migrated, not written: the same bytes. */
	read_all(&after, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(before);
	free(after);
}

static void
test_refused(void **state)
{
	struct db *db = NULL;
	sqlite3 *h = NULL;
	char missing[160];

	(void)state;
	(void)snprintf(missing, sizeof missing, "%s/none.db", dir);
	assert_int_equal(db_admin_open_ro(missing, &db), SD_ERR_IO);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE VIEW v AS SELECT 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(db_admin_open_ro(path, &db), SD_ERR_FORMAT);
	assert_null(db);
}

static void
test_snapshot(void **state)
{
	unsigned char item[SD_ID_BYTES], *img = NULL;
	struct db_admin_ids ids = { 0 };
	struct db *mem = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(db_admin_snapshot(path, &mem), 0);
	memset(item, 0xaa, sizeof item);
	assert_int_equal(db_admin_drop_item(mem, item), 0);
	assert_int_equal(db_admin_items(mem, &ids), 0);
	assert_int_equal(ids.n, 1);
	assert_int_equal(ids.v[0].item[0], 0xbb);
	db_admin_ids_free(&ids);
	assert_int_equal(db_admin_image(mem, &img, &len), 0);
	assert_true(len >= 512);
	assert_memory_equal(img, "SQLite format 3", 16);
	db_admin_image_free(img, len);
	db_close(mem);
	/* The file itself still lists both. */
	assert_int_equal(db_admin_open_ro(path, &mem), 0);
	assert_int_equal(db_admin_items(mem, &ids), 0);
	assert_int_equal(ids.n, 2);
	db_admin_ids_free(&ids);
	db_close(mem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_ro_no_migration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
