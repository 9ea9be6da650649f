/*
 * test_store.c - unit tests of store/: the database (migrations, settings,
 * recipients, sources, items, cascades, pending sources), the spool life
 * cycle (tmp files, batches, commit, abort, leftovers removed at open, the
 * sweep of what a crash left, epoch mtimes, removal), sealdrop.conf parsing
 * (defaults, values, refusals), store_reply_* and store_batch_commit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>
#include <sqlite3.h>

#include "conf.h"
#include "db.h"
#include "sderr.h"
#include "spool.h"
#include "store.h"
#include "sdtree.h"

static char dir[64]; /* "/tmp/sd-test-store.XXXXXX" */

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	(void)snprintf(dir, sizeof dir, "/tmp/sd-test-store.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return sd_rmtree_at(AT_FDCWD, dir, SD_TREE_DEPTH_MAX);
}

static struct db *
fresh_db(const char *name)
{
	char path[PATH_MAX];
	struct db *db = NULL;

	(void)snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(db_open(path, 1, &db), 0);
	return db;
}

static void
test_migrations_and_settings(void **state)
{
	struct db *db = fresh_db("m.db");
	char v[64];
	int ver = 0;

	(void)state;
	assert_int_equal(db_schema_version(db, &ver), 0);
	assert_int_equal(ver, DB_SCHEMA_VERSION);
	assert_int_equal(db_check(db), 0);
	assert_int_equal(db_setting_get(db, "nope", v, sizeof v), 1);
	assert_int_equal(db_setting_set(db, "k", "v1"), 0);
	assert_int_equal(db_setting_set(db, "k", "v2"), 0);
	assert_int_equal(db_setting_get(db, "k", v, sizeof v), 0);
	assert_string_equal(v, "v2");
	assert_int_equal(db_setting_get(db, "k", v, 2), SD_ERR_TOOLONG);
	db_close(db);
	/* Reopening runs no migration twice. */
	db = fresh_db("m.db");
	assert_int_equal(db_schema_version(db, &ver), 0);
	assert_int_equal(ver, DB_SCHEMA_VERSION);
	db_close(db);
	/* A database from a newer sealdrop is refused. */
	{
		char path[PATH_MAX];
		sqlite3 *raw = NULL;
		(void)snprintf(path, sizeof path, "%s/m.db", dir);
		assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
		assert_int_equal(
		    sqlite3_exec(raw, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(raw);
		assert_int_equal(db_open(path, 0, &db), SD_ERR_FORMAT);
	}
}

/* A database made by schema 2 (0.1.0's predecessors: no pending sources, no
 * batches, no read receipts, no first-login change, no notifications) with
 * rows in it is migrated by opening it, and its rows stay. The schema-2
 * shape is made by dropping what migrations 3 to 5 added. */
static void
test_migrate_from_schema2(void **state)
{
	struct db *db = fresh_db("s2.db");
	char path[PATH_MAX];
	sqlite3 *raw = NULL;
	sqlite3_stmt *st = NULL;
	int ver = 0;

	(void)state;
	db_close(db);
	(void)snprintf(path, sizeof path, "%s/s2.db", dir);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(raw,
		"DROP INDEX items_batch; DROP INDEX items_hour; DROP INDEX sources_pending;"
		"ALTER TABLE items DROP COLUMN batch; ALTER TABLE items DROP COLUMN source_deleted;"
		"ALTER TABLE sources DROP COLUMN pending;"
		"ALTER TABLE journalists DROP COLUMN must_change_pw;"
		"ALTER TABLE journalists DROP COLUMN notify_addr;"
		"ALTER TABLE journalists DROP COLUMN notify_key;"
		"INSERT INTO sources (source_id, login_tag, reply_pk, created_day, last_day) VALUES"
		" (zeroblob(16), zeroblob(32), zeroblob(32), '2026-01-01', '2026-01-02');"
		"INSERT INTO items (source, item_id, kind, seq, size, created_hour) VALUES"
		" (1, zeroblob(16), 1, 1, 10, '2026-01-01T10');"
		"INSERT INTO journalists (name, pw_hash, totp_secret, created_day) VALUES"
		" ('alice', 'x', zeroblob(20), '2026-01-01');"
		"PRAGMA user_version = 2;",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(raw);

	assert_int_equal(db_open(path, 0, &db), 0);
	assert_int_equal(db_schema_version(db, &ver), 0);
	assert_int_equal(ver, DB_SCHEMA_VERSION);
	assert_int_equal(db_check(db), 0);
	db_close(db);

	/* The rows are there, with the new columns at their defaults. */
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(raw,
		"SELECT s.pending, i.batch IS NULL, i.source_deleted, i.size, j.must_change_pw"
		" FROM sources s JOIN items i ON i.source = s.id, journalists j",
		-1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	assert_int_equal(sqlite3_column_int(st, 1), 1);
	assert_int_equal(sqlite3_column_int(st, 2), 0);
	assert_int_equal(sqlite3_column_int(st, 3), 10);
	assert_int_equal(sqlite3_column_int(st, 4), 1);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(raw);
}

static void
test_recipients(void **state)
{
	struct db *db = fresh_db("r.db");
	struct db_recipient r[4];
	unsigned char pk1[32], pk2[32];
	size_t n = 0;

	(void)state;
	randombytes_buf(pk1, sizeof pk1);
	randombytes_buf(pk2, sizeof pk2);
	assert_int_equal(db_recipient_add(db, pk1, "alice"), 0);
	assert_int_equal(db_recipient_add(db, pk1, "again"), SD_ERR_EXISTS);
	assert_int_equal(db_recipient_add(db, pk2, NULL), 0);
	assert_int_equal(db_recipient_list(db, r, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(r[0].pk, pk1, 32);
	assert_string_equal(r[0].label, "alice");
	assert_int_equal(db_recipient_list(db, r, 1, &n), SD_ERR_RANGE);
	assert_int_equal(db_recipient_remove(db, r[0].id), 0);
	assert_int_equal(db_recipient_remove(db, r[0].id), SD_ERR_NOTFOUND);
	assert_int_equal(db_recipient_list(db, r, 4, &n), 0);
	assert_int_equal(n, 1);
	db_close(db);
}

static void
test_sources_items_cascade(void **state)
{
	struct db *db = fresh_db("s.db");
	unsigned char tag[32], pk[32], other[32];
	struct db_source s, s2;
	struct db_item it = { 0 }, got, list[8];
	int64_t seq = 0;
	size_t n = 0;

	(void)state;
	randombytes_buf(tag, sizeof tag);
	randombytes_buf(pk, sizeof pk);
	randombytes_buf(other, sizeof other);
	assert_int_equal(db_source_create(db, tag, pk, 0, &s), 0);
	assert_int_equal(db_source_create(db, tag, pk, 0, &s2), SD_ERR_EXISTS);
	assert_int_equal(db_source_by_tag(db, tag, &s2), 0);
	assert_memory_equal(s2.id, s.id, SD_ID_BYTES);
	assert_memory_equal(s2.reply_pk, pk, 32);
	assert_int_equal(db_source_by_tag(db, other, &s2), SD_ERR_NOTFOUND);
	assert_int_equal(db_source_next_seq(db, s.row, 3, &seq), 0);
	assert_int_equal(seq, 1);
	assert_int_equal(db_source_next_seq(db, s.row, 1, &seq), 0);
	assert_int_equal(seq, 4);
	it.source_row = s.row;
	it.kind = DB_KIND_FILE;
	it.seq = 2;
	it.size = 66792;
	db_this_hour(it.created_hour);
	randombytes_buf(it.id, sizeof it.id);
	assert_int_equal(db_item_add(db, &it), 0);
	assert_int_equal(db_item_add(db, &it), SD_ERR_EXISTS);
	it.kind = 9;
	randombytes_buf(it.id, sizeof it.id);
	assert_int_equal(db_item_add(db, &it), SD_ERR_EXISTS); /* CHECK constraint */
	it.kind = DB_KIND_REPLY;
	it.seq = 1;
	assert_int_equal(db_item_add(db, &it), 0);
	assert_int_equal(db_item_list(db, s.row, 0, list, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].seq, 1); /* ascending seq */
	/* More items than room: the first ones, never an error. */
	assert_int_equal(db_item_list(db, s.row, 0, list, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].seq, 1);
	assert_int_equal(db_item_list(db, s.row, DB_KIND_REPLY, list, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_item_by_id(db, it.id, &got), 0);
	assert_int_equal(got.kind, DB_KIND_REPLY);
	/* Deleting the source deletes its items. */
	assert_int_equal(db_source_delete(db, s.row), 0);
	assert_int_equal(db_item_by_id(db, it.id, &got), SD_ERR_NOTFOUND);
	assert_int_equal(db_source_delete(db, s.row), SD_ERR_NOTFOUND);
	db_close(db);
}

static unsigned
count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	unsigned n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_spool_life_cycle(void **state)
{
	struct spool *sp = NULL;
	struct spool_tmp t;
	unsigned char src[16], item[16];
	char path[PATH_MAX + 100], hex[33], ihex[33];
	unsigned removed = 0, n = 9;
	struct stat st;
	int fd;

	(void)state;
	assert_int_equal(spool_create(dir), 0);
	/* A leftover in tmp/ is removed at open. */
	(void)snprintf(path, sizeof path, "%s/spool/tmp/source", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	(void)snprintf(path, sizeof path, "%s/spool/tmp/source/leftover.part", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* Another owner's leftovers are not touched... */
	assert_int_equal(spool_open(dir, "journalist", &sp, &removed), 0);
	assert_int_equal(removed, 0);
	spool_close(sp);
	assert_int_equal(spool_open(dir, "../x", &sp, &removed), SD_ERR_ARG);
	/* ...its own are. */
	assert_int_equal(spool_open(dir, "source", &sp, &removed), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(spool_tmp_count(sp, &n), 0);
	assert_int_equal(n, 0);
	randombytes_buf(src, sizeof src);
	randombytes_buf(item, sizeof item);
	sd_id_hex(src, hex);
	sd_id_hex(item, ihex);
	/* Abort leaves nothing. */
	assert_int_equal(spool_tmp_create(sp, &t), 0);
	assert_int_equal(write(t.fd, "abc", 3), 3);
	assert_int_equal(spool_tmp_count(sp, &n), 0);
	assert_int_equal(n, 1);
	spool_tmp_abort(sp, &t);
	assert_int_equal(spool_tmp_count(sp, &n), 0);
	assert_int_equal(n, 0);
	/* Commit moves it under the source with an epoch mtime. */
	assert_int_equal(spool_tmp_create(sp, &t), 0);
	assert_int_equal(write(t.fd, "hello", 5), 5);
	assert_int_equal(spool_tmp_commit(sp, &t, src, item), 0);
	(void)snprintf(path, sizeof path, "%s/spool/%s/%s.sdbox", dir, hex, ihex);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(st.st_mtime, 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	(void)snprintf(path, sizeof path, "%s/spool/%s", dir, hex);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mtime, 0); /* directories too */
	(void)snprintf(path, sizeof path, "%s/spool/tmp/source", dir);
	assert_int_equal(count_dir(path), 0);
	/* The same item id again is refused, and the tmp file is removed. */
	assert_int_equal(spool_tmp_create(sp, &t), 0);
	assert_int_equal(spool_tmp_commit(sp, &t, src, item), SD_ERR_EXISTS);
	assert_int_equal(count_dir(path), 0);
	assert_int_equal(spool_item_open(sp, src, NULL, item, &fd), 0);
	close(fd);
	assert_int_equal(spool_item_remove(sp, src, NULL, item), 0);
	assert_int_equal(spool_item_open(sp, src, NULL, item, &fd), SD_ERR_NOTFOUND);
	assert_int_equal(spool_item_remove(sp, src, NULL, item), 0); /* missing is fine */
	assert_int_equal(spool_source_remove(sp, src), 0);
	(void)snprintf(path, sizeof path, "%s/spool/%s", dir, hex);
	assert_int_equal(stat(path, &st), -1);
	spool_close(sp);
}

static void
write_text(const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	(void)snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
load(const char *name, struct conf *c, char err[CONF_ERR_MAX])
{
	char path[PATH_MAX];

	(void)snprintf(path, sizeof path, "%s/%s", dir, name);
	conf_defaults(c);
	return conf_load(path, c, err);
}

static void
test_conf(void **state)
{
	char path[PATH_MAX], err[CONF_ERR_MAX];
	struct conf c;

	(void)state;
	(void)snprintf(path, sizeof path, "%s/default.conf", dir);
	assert_int_equal(conf_write_default(path, "My drop"), 0);
	assert_int_equal(conf_write_default(path, "again"), SD_ERR_EXISTS);
	assert_int_equal(load("default.conf", &c, err), 0);
	assert_string_equal(c.name, "My drop");
	assert_int_equal(c.max_submission_bytes, 4ULL << 30);
	assert_int_equal(c.max_connections, 512);
	assert_int_equal(c.header_timeout, 60);
	assert_int_equal(c.body_grace, 60);
	assert_int_equal(c.body_window, 120);
	assert_int_equal(c.body_min_rate, 512);
	assert_int_equal(c.drain_timeout, 60);
	write_text("limits.conf",
	    "[source]\nheader_timeout = 3\nbody_grace = 0\n"
	    "body_window = 4\nbody_min_rate = 0\ndrain_timeout = 0\n");
	assert_int_equal(load("limits.conf", &c, err), 0);
	assert_int_equal(c.header_timeout, 3);
	assert_int_equal(c.body_grace, 0);
	assert_int_equal(c.body_window, 4);
	assert_int_equal(c.body_min_rate, 0);
	assert_int_equal(c.drain_timeout, 0);
	write_text("limits0.conf", "[source]\nheader_timeout = 0\n");
	assert_int_equal(load("limits0.conf", &c, err), SD_ERR_FORMAT);
	assert_non_null(strstr(err, "invalid value for [source] header_timeout"));
	write_text("a.conf",
	    "[source]\nmax_files = 3\naccept_files = no\n"
	    "listen = unix:/run/x.sock\n[instance]\ndefault_language = fr\n");
	assert_int_equal(load("a.conf", &c, err), 0);
	assert_int_equal(c.max_files, 3);
	assert_int_equal(c.accept_files, 0);
	assert_string_equal(c.source_listen, "unix:/run/x.sock");
	assert_string_equal(c.default_language, "fr");
	write_text("b.conf", "[source]\nmax_fils = 3\n");
	assert_int_equal(load("b.conf", &c, err), SD_ERR_FORMAT);
	assert_non_null(strstr(err, "unknown setting [source] max_fils"));
	assert_int_equal(c.max_files, 20); /* untouched on failure */
	write_text("c.conf", "[source]\nmax_files = -1\n");
	assert_int_equal(load("c.conf", &c, err), SD_ERR_FORMAT);
	assert_non_null(strstr(err, "invalid value"));
	write_text("d.conf", "[source]\nmax_submission_bytes = 12abc\n");
	assert_int_equal(load("d.conf", &c, err), SD_ERR_FORMAT);
	write_text("e.conf", "[source]\naccept_files = maybe\n");
	assert_int_equal(load("e.conf", &c, err), SD_ERR_FORMAT);
	write_text("f.conf", "[nosuch]\nx = 1\n");
	assert_int_equal(load("f.conf", &c, err), SD_ERR_FORMAT);
	assert_int_equal(load("missing.conf", &c, err), SD_ERR_IO);
}

static void
test_reply_round_trip(void **state)
{
	struct db *db = fresh_db("reply.db");
	struct spool *sp = NULL;
	unsigned char tag[32], rpk[32], rsk[32], jpk[32], jsk[32];
	struct db_source s;
	struct db_item it;
	char *text = NULL;
	size_t len = 0;
	static char big[STORE_REPLY_MAX + 1];

	(void)state;
	assert_int_equal(spool_create(dir), 0);
	assert_int_equal(spool_open(dir, "source", &sp, NULL), 0);
	randombytes_buf(tag, sizeof tag);
	crypto_box_keypair(rpk, rsk);
	crypto_box_keypair(jpk, jsk);
	assert_int_equal(db_source_create(db, tag, rpk, 0, &s), 0);
	/* No recipient: nobody could read it, so it is refused. */
	assert_int_equal(store_reply_add(db, sp, &s, "hi", 2, &it), SD_ERR_NOTFOUND);
	assert_int_equal(db_recipient_add(db, jpk, "j"), 0);
	assert_int_equal(store_reply_add(db, sp, &s, "hello source", 12, &it), 0);
	assert_int_equal(store_reply_read(sp, &s, &it, rsk, &text, &len), 0);
	assert_int_equal(len, 12);
	assert_memory_equal(text, "hello source", 12);
	free(text);
	/* The journalist key opens it too; another key does not. */
	assert_int_equal(store_reply_read(sp, &s, &it, jsk, &text, &len), 0);
	free(text);
	assert_int_equal(store_reply_read(sp, &s, &it, tag, &text, &len), SD_ERR_NOKEY);
	memset(big, 'x', sizeof big);
	assert_int_equal(store_reply_add(db, sp, &s, big, sizeof big, NULL), SD_ERR_TOOLONG);
	assert_int_equal(store_item_delete(db, sp, &s, &it), 0);
	assert_int_equal(store_reply_read(sp, &s, &it, rsk, &text, &len), SD_ERR_NOTFOUND);
	/* The source deletes a reply: its row stays as a read receipt, marked,
	 * size 0, with no file; a second delete, another source's or a
	 * non-reply item is SD_ERR_NOTFOUND. */
	{
		struct db_item got,
		    msg = { .source_row = s.row, .kind = DB_KIND_MESSAGE, .seq = 99 };
		struct db_source other = s;
		assert_int_equal(store_reply_add(db, sp, &s, "read me", 7, &it), 0);
		other.row = s.row + 1000;
		assert_int_equal(
		    store_reply_delete_by_source(db, sp, &other, &it), SD_ERR_NOTFOUND);
		assert_int_equal(store_reply_delete_by_source(db, sp, &s, &it), 0);
		assert_int_equal(db_item_by_id(db, it.id, &got), 0);
		assert_int_equal(got.source_deleted, 1);
		assert_int_equal(got.size, 0);
		assert_int_equal(got.kind, DB_KIND_REPLY);
		assert_int_equal(store_reply_read(sp, &s, &got, rsk, &text, &len), SD_ERR_NOTFOUND);
		assert_int_equal(store_reply_delete_by_source(db, sp, &s, &got), SD_ERR_NOTFOUND);
		assert_int_equal(db_item_mark_source_deleted(db, got.row), SD_ERR_NOTFOUND);
		randombytes_buf(msg.id, sizeof msg.id);
		db_this_hour(msg.created_hour);
		assert_int_equal(db_item_add(db, &msg), 0);
		assert_int_equal(db_item_by_id(db, msg.id, &got), 0);
		assert_int_equal(store_reply_delete_by_source(db, sp, &s, &got), SD_ERR_NOTFOUND);
		assert_int_equal(db_item_mark_source_deleted(db, got.row), SD_ERR_NOTFOUND);
	}
	assert_int_equal(store_source_delete(db, sp, &s), 0);
	spool_close(sp);
	db_close(db);
}

/* The mtime of dir/rel (-1 when missing). */
static long long
mtime_of(const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	(void)snprintf(path, sizeof path, "%s/%s", dir, rel);
	return lstat(path, &st) == 0 ? (long long)st.st_mtime : -1;
}

static int
exists(const char *rel)
{
	return mtime_of(rel) != -1;
}

/* A batch of two files committed under one rename, with its rows; a
 * withdrawn or aborted one leaves nothing; times stay at the epoch. */
static void
test_batch_commit(void **state)
{
	struct db *db = fresh_db("b.db");
	struct spool *sp = NULL;
	struct spool_batch b;
	struct db_source s;
	struct db_item it[2], got;
	unsigned char tag[32], pk[32];
	char shex[33], bhex[33], ihex[33], rel[256];
	unsigned n = 9;
	int fd;

	(void)state;
	assert_int_equal(spool_create(dir), 0);
	assert_int_equal(spool_open(dir, "source", &sp, NULL), 0);
	randombytes_buf(tag, sizeof tag);
	randombytes_buf(pk, sizeof pk);
	assert_int_equal(db_source_create(db, tag, pk, 1, &s), 0);
	assert_int_equal(s.pending, 1);
	sd_id_hex(s.id, shex);
	assert_int_equal(spool_batch_create(sp, &b), 0);
	sd_id_hex(b.id, bhex);
	memset(it, 0, sizeof it);
	for (int i = 0; i < 2; i++) {
		randombytes_buf(it[i].id, SD_ID_BYTES);
		it[i].kind = i == 0 ? DB_KIND_MESSAGE : DB_KIND_FILE;
		it[i].seq = i + 1;
		it[i].size = 1024;
		db_this_hour(it[i].created_hour);
		assert_int_equal(spool_batch_file(&b, it[i].id, &fd), 0);
		assert_int_equal(write(fd, "data", 4), 4);
		assert_int_equal(spool_file_settle(fd), 0);
	}
	/* Before the commit, nothing of it is under the source. */
	(void)snprintf(rel, sizeof rel, "spool/%s", shex);
	assert_false(exists(rel));
	assert_int_equal(store_batch_commit(db, sp, &b, s.row, it, 2, NULL), 0);
	assert_int_equal(b.fd, -1);
	sd_id_hex(it[1].id, ihex);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s/%s.sdbox", shex, bhex, ihex);
	assert_int_equal(mtime_of(rel), 0);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s", shex, bhex);
	assert_int_equal(mtime_of(rel), 0);
	(void)snprintf(rel, sizeof rel, "spool/%s", shex);
	assert_int_equal(mtime_of(rel), 0);
	assert_int_equal(mtime_of("spool"), 0);
	assert_int_equal(mtime_of("spool/tmp/source"), 0);
	assert_int_equal(spool_tmp_count(sp, &n), 0);
	assert_int_equal(n, 0);
	/* Its rows carry the batch; the source is no longer pending. */
	assert_int_equal(db_item_by_id(db, it[1].id, &got), 0);
	assert_int_equal(got.has_batch, 1);
	assert_memory_equal(got.batch, b.id, SD_ID_BYTES);
	assert_int_equal(db_batch_exists(db, s.row, b.id), 1);
	{
		struct db_source now;
		assert_int_equal(db_source_by_row(db, s.row, &now), 0);
		assert_int_equal(now.pending, 0);
	}
	assert_int_equal(spool_item_open(sp, s.id, got.batch, got.id, &fd), 0);
	close(fd);
	/* Deleting the last item of a batch removes the batch directory and
	 * leaves the source directory's time at the epoch. */
	assert_int_equal(store_item_delete(db, sp, &s, &got), 0);
	assert_int_equal(db_item_by_id(db, it[0].id, &got), 0);
	assert_int_equal(store_item_delete(db, sp, &s, &got), 0);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s", shex, bhex);
	assert_false(exists(rel));
	(void)snprintf(rel, sizeof rel, "spool/%s", shex);
	assert_int_equal(mtime_of(rel), 0);
	/* A source deleted while its upload ran gets no directory back. */
	assert_int_equal(store_source_delete(db, sp, &s), 0);
	assert_int_equal(spool_batch_create(sp, &b), 0);
	assert_int_equal(spool_batch_file(&b, it[0].id, &fd), 0);
	assert_int_equal(spool_file_settle(fd), 0);
	assert_int_equal(store_batch_commit(db, sp, &b, s.row, it, 1, NULL), SD_ERR_NOTFOUND);
	assert_false(exists(rel));
	/* A source without a reply over the day's share: refused, inside
	 * the transaction, nothing visible. */
	{
		struct db_source s2;
		struct store_share sh = { 10, 1000 };
		randombytes_buf(tag, sizeof tag);
		assert_int_equal(db_source_create(db, tag, pk, 0, &s2), 0);
		assert_int_equal(store_batch_commit(db, sp, &b, s2.row, it, 1, &sh), SD_ERR_RANGE);
		sd_id_hex(s2.id, shex);
		(void)snprintf(rel, sizeof rel, "spool/%s", shex);
		assert_false(exists(rel));
		sh.free_bytes = 1ULL << 40;
		assert_int_equal(store_batch_commit(db, sp, &b, s2.row, it, 1, &sh), 0);
		assert_true(exists(rel));
		assert_int_equal(spool_batch_create(sp, &b), 0);
	}
	spool_batch_abort(sp, &b);
	assert_int_equal(spool_tmp_count(sp, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mtime_of("spool/tmp/source"), 0);
	spool_close(sp);
	db_close(db);
	assert_int_equal(sd_rmtree_at(AT_FDCWD, dir, SD_TREE_DEPTH_MAX), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
}

static void
touch(const char *rel, int is_dir)
{
	char path[PATH_MAX];
	int fd;

	(void)snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (is_dir) {
		assert_int_equal(mkdir(path, 0700), 0);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
}

/* What a crash between a rename and its rows leaves is removed at the
 * next start; what the database knows and names not ours stay. */
static void
test_recover(void **state)
{
	struct db *db = fresh_db("r.db");
	struct spool *sp = NULL;
	struct db_source s;
	struct db_item it = { 0 };
	unsigned char tag[32], pk[32], x[16];
	char shex[33], ihex[33], xhex[33], bhex[33], kept[33], rel[256];
	unsigned removed = 0;

	(void)state;
	assert_int_equal(spool_create(dir), 0);
	assert_int_equal(spool_open(dir, "source", &sp, NULL), 0);
	randombytes_buf(tag, sizeof tag);
	randombytes_buf(pk, sizeof pk);
	assert_int_equal(db_source_create(db, tag, pk, 0, &s), 0);
	sd_id_hex(s.id, shex);
	/* A known reply, an orphan reply, an orphan batch, an empty batch,
	 * an unknown source, an empty unknown source, a name not ours. */
	it.source_row = s.row;
	it.kind = DB_KIND_REPLY;
	it.seq = 1;
	randombytes_buf(it.id, sizeof it.id);
	db_this_hour(it.created_hour);
	assert_int_equal(db_item_add(db, &it), 0);
	sd_id_hex(it.id, ihex);
	(void)snprintf(rel, sizeof rel, "spool/%s", shex);
	touch(rel, 1);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s.sdbox", shex, ihex);
	touch(rel, 0);
	randombytes_buf(x, sizeof x);
	sd_id_hex(x, xhex);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s.sdbox", shex, xhex);
	touch(rel, 0);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s", shex, xhex);
	touch(rel, 1);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s/%s.sdbox", shex, xhex, ihex);
	touch(rel, 0);
	randombytes_buf(x, sizeof x);
	sd_id_hex(x, xhex);
	(void)snprintf(rel, sizeof rel, "spool/%s", xhex);
	touch(rel, 1);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s.sdbox", xhex, ihex);
	touch(rel, 0);
	touch("spool/not-ours", 0);
	/* A known batch with one recorded file and one whose row went. */
	it.kind = DB_KIND_FILE;
	it.seq = 2;
	it.has_batch = 1;
	randombytes_buf(it.batch, sizeof it.batch);
	randombytes_buf(it.id, sizeof it.id);
	assert_int_equal(db_item_add(db, &it), 0);
	sd_id_hex(it.batch, bhex);
	sd_id_hex(it.id, kept);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s", shex, bhex);
	touch(rel, 1);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s/%s.sdbox", shex, bhex, kept);
	touch(rel, 0);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s/%s.sdbox", shex, bhex, xhex);
	touch(rel, 0);
	assert_int_equal(store_recover(db, sp, &removed), 0);
	assert_int_equal(removed, 4);
	(void)snprintf(rel, sizeof rel, "spool/%s/%s/%s.sdbox", shex, bhex, kept);
	assert_true(exists(rel));
	(void)snprintf(rel, sizeof rel, "spool/%s/%s/%s.sdbox", shex, bhex, xhex);
	assert_false(exists(rel));
	(void)snprintf(rel, sizeof rel, "spool/%s/%s.sdbox", shex, ihex);
	assert_true(exists(rel));
	(void)snprintf(rel, sizeof rel, "spool/%s", xhex);
	assert_false(exists(rel));
	assert_true(exists("spool/not-ours"));
	assert_int_equal(mtime_of("spool"), 0);
	(void)snprintf(rel, sizeof rel, "spool/%s", shex);
	assert_int_equal(mtime_of(rel), 0);
	/* Nothing more to remove the second time. */
	assert_int_equal(store_recover(db, sp, &removed), 0);
	assert_int_equal(removed, 0);
	spool_close(sp);
	db_close(db);
	assert_int_equal(sd_rmtree_at(AT_FDCWD, dir, SD_TREE_DEPTH_MAX), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
}

/* Pending sources: hidden from the journalists' list, the oldest go past
 * the cap, the expired go, a source that submitted stays. */
static void
test_pending(void **state)
{
	struct db *db = fresh_db("p.db");
	struct db_source s[5], got;
	struct db_source_summary sum[8];
	unsigned char tag[32], pk[32];
	int64_t total = -1;
	size_t n = 0;
	unsigned removed = 0;

	(void)state;
	for (int i = 0; i < 5; i++) {
		randombytes_buf(tag, sizeof tag);
		randombytes_buf(pk, sizeof pk);
		assert_int_equal(db_source_create(db, tag, pk, 1, &s[i]), 0);
	}
	assert_int_equal(db_source_unpend(db, s[0].row), 0);
	assert_int_equal(db_source_count(db, &total), 0);
	assert_int_equal(total, 1);
	assert_int_equal(db_source_page(db, 0, sum, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(sum[0].s.id, s[0].id, SD_ID_BYTES);
	assert_int_equal(db_source_by_id(db, s[1].id, &got), SD_ERR_NOTFOUND);
	/* Keep the 2 newest pending: s[1] and s[2] go, but s[1] is in use
	 * (a session or an upload) and is spared. */
	assert_int_equal(db_source_prune_pending(db, "1970-01-01", 2, &s[1].row, 1, &removed), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(db_source_by_row(db, s[1].row, &got), 0);
	assert_int_equal(db_source_by_row(db, s[2].row, &got), SD_ERR_NOTFOUND);
	assert_int_equal(db_source_by_row(db, s[3].row, &got), 0);
	/* Everything pending made before tomorrow is expired; s[0] stays. */
	assert_int_equal(db_source_prune_pending(db, "9999-12-31", 100, NULL, 0, &removed), 0);
	assert_int_equal(removed, 3);
	assert_int_equal(db_source_by_row(db, s[4].row, &got), SD_ERR_NOTFOUND);
	assert_int_equal(db_source_by_row(db, s[0].row, &got), 0);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations_and_settings),
		cmocka_unit_test(test_migrate_from_schema2),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_sources_items_cascade),
		cmocka_unit_test(test_spool_life_cycle),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_batch_commit),
		cmocka_unit_test(test_recover),
		cmocka_unit_test(test_pending),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
