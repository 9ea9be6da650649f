/*
 * store.c - operations across the database, the spool and .sdbox files
 * (see store.h).
 */
#include "store.h"
#include "sdbuf.h"
#include "sdcrash.h"
#include "sderr.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

int
store_instance_open(const char *inst, const char *owner, struct conf *conf, struct db **db,
    struct spool **sp, unsigned *removed, char err[STORE_ERR_MAX])
{
	char path[PATH_MAX], cerr[CONF_ERR_MAX];
	struct db *d = NULL;
	unsigned left = 0, swept = 0;
	int e;

	conf_defaults(conf);
	if (snprintf(path, sizeof path, "%s/sealdrop.conf", inst) >= (int)sizeof path) {
		(void)snprintf(err, STORE_ERR_MAX, "%s: path too long", inst);
		return SD_ERR_TOOLONG;
	}
	if ((e = conf_load(path, conf, cerr)) != 0) {
		(void)snprintf(err, STORE_ERR_MAX, "%s: %s", path, cerr);
		return e;
	}
	(void)snprintf(path, sizeof path, "%s/sealdrop.db", inst);
	if (access(path, F_OK) != 0) {
		(void)snprintf(err, STORE_ERR_MAX,
		    "%s: not a sealdrop instance (run sealdrop-admin init first)", inst);
		return SD_ERR_NOTFOUND;
	}
	if ((e = db_open(path, 0, &d)) != 0) {
		(void)snprintf(err, STORE_ERR_MAX, "%s: %s", path, sd_strerror(e));
		return e;
	}
	if ((e = spool_open(inst, owner, sp, &left)) != 0) {
		(void)snprintf(err, STORE_ERR_MAX, "%s/spool: %s", inst, sd_strerror(e));
		db_close(d);
		return e;
	}
	if ((e = store_recover(d, *sp, &swept)) != 0) {
		(void)snprintf(err, STORE_ERR_MAX, "%s/spool: cannot remove what a crash left: %s",
		    inst, sd_strerror(e));
		spool_close(*sp);
		*sp = NULL;
		db_close(d);
		return e;
	}
	if (removed)
		*removed = left + swept;
	*db = d;
	return 0;
}

/* spool_sweep's question, answered from the database. */
static int
recover_keep(void *arg, const unsigned char source[SD_ID_BYTES], const unsigned char *batch,
    const unsigned char *item)
{
	struct db *db = arg;
	struct db_source src;
	struct db_item it;
	int e;

	/* Pending sources included: a reply to one is theirs too. */
	if ((e = db_source_by_sid(db, source, &src)) != 0)
		return e == SD_ERR_NOTFOUND ? 0 : e;
	if (item != NULL) {
		if ((e = db_item_by_id(db, item, &it)) != 0)
			return e == SD_ERR_NOTFOUND ? 0 : e;
		if (it.source_row != src.row)
			return 0;
		if (batch == NULL)
			return !it.has_batch;
		return it.has_batch && memcmp(it.batch, batch, SD_ID_BYTES) == 0;
	}
	if (batch != NULL)
		return db_batch_exists(db, src.row, batch);
	return 1;
}

int
store_recover(struct db *db, struct spool *sp, unsigned *removed)
{
	unsigned n = 0;
	int e;

	/* Under the write lock: every commit renames and records inside one,
	 * so nothing seen here is a commit in progress. */
	if ((e = db_begin(db)) != 0)
		return e;
	e = spool_sweep(sp, recover_keep, db, &n);
	db_rollback(db); /* nothing was written to the database */
	if (e == 0 && removed)
		*removed = n;
	return e;
}

int
store_codename_params(struct db *db, struct store_codename_params *out)
{
	char hex[DB_SETTING_MAX], num[DB_SETTING_MAX];
	struct store_codename_params p;
	size_t binlen = 0;
	char *end = NULL;

	if (db_setting_get(db, "codename_salt", hex, sizeof hex) != 0 ||
	    sodium_hex2bin(p.salt, sizeof p.salt, hex, strlen(hex), NULL, &binlen, NULL) != 0 ||
	    binlen != sizeof p.salt)
		return SD_ERR_FORMAT;
	if (db_setting_get(db, "codename_opslimit", num, sizeof num) != 0)
		return SD_ERR_FORMAT;
	p.opslimit = strtoull(num, &end, 10);
	if (*end != '\0' || p.opslimit < 1 || p.opslimit > 16)
		return SD_ERR_FORMAT;
	if (db_setting_get(db, "codename_memlimit", num, sizeof num) != 0)
		return SD_ERR_FORMAT;
	p.memlimit = (size_t)strtoull(num, &end, 10);
	if (*end != '\0' || p.memlimit < 8192 || p.memlimit > (1UL << 30))
		return SD_ERR_FORMAT;
	*out = p;
	return 0;
}

int
store_recipients(struct db *db, unsigned char (*pks)[SDBOX_PUBLICKEYBYTES], size_t max, size_t *n)
{
	struct db_recipient r[SDBOX_RECIPIENTS_MAX];
	size_t k = 0;
	int e;

	if ((e = db_recipient_list(db, r, SDBOX_RECIPIENTS_MAX, &k)) != 0)
		return e;
	if (k == 0)
		return SD_ERR_NOTFOUND;
	if (k > max)
		return SD_ERR_RANGE;
	for (size_t i = 0; i < k; i++)
		memcpy(pks[i], r[i].pk, SDBOX_PUBLICKEYBYTES);
	*n = k;
	return 0;
}

void
store_ref(const unsigned char source[SD_ID_BYTES], int64_t seq, char out[SDBOX_REF_MAX + 1])
{
	char hex[SD_ID_HEX + 1];

	sd_id_hex(source, hex);
	(void)snprintf(out, SDBOX_REF_MAX + 1, "%s:%lld", hex, (long long)seq);
}

/* Seal len bytes into a new tmp file with the given recipients. */
static int
seal_tmp(struct spool *sp, const unsigned char (*rcpt)[SDBOX_PUBLICKEYBYTES], size_t n,
    const struct sdbox_meta *m, const char *data, size_t len, struct spool_tmp *out)
{
	struct sdbox_writer *w = NULL;
	struct spool_tmp t = { -1, "" };
	int e;

	if ((e = spool_tmp_create(sp, &t)) != 0)
		return e;
	if ((e = sdbox_writer_new(&w, rcpt, n, m, sdbox_fd_write, &t.fd)) != 0 ||
	    (e = sdbox_writer_write(w, data, len)) != 0 || (e = sdbox_writer_finish(w)) != 0)
		goto out;
	*out = t;
out:
	sdbox_writer_free(w);
	if (e != 0)
		spool_tmp_abort(sp, &t);
	return e;
}

int
store_reply_add(struct db *db, struct spool *sp, const struct db_source *src, const char *text,
    size_t len, struct db_item *item_out)
{
	unsigned char rcpt[SDBOX_RECIPIENTS_MAX][SDBOX_PUBLICKEYBYTES];
	struct sdbox_meta m = { .kind = SDBOX_KIND_REPLY };
	struct db_item it = { .source_row = src->row, .kind = DB_KIND_REPLY };
	struct spool_tmp t = { -1, "" };
	struct db_source now;
	size_t n = 0;
	int e, moved = 0;

	if (len > STORE_REPLY_MAX)
		return SD_ERR_TOOLONG;
	/* The source's reply key first, then every journalist recipient. */
	memcpy(rcpt[0], src->reply_pk, SDBOX_PUBLICKEYBYTES);
	if ((e = store_recipients(db, rcpt + 1, SDBOX_RECIPIENTS_MAX - 1, &n)) != 0 ||
	    (e = db_source_next_seq(db, src->row, 1, &it.seq)) != 0)
		return e;
	randombytes_buf(it.id, sizeof it.id);
	store_ref(src->id, it.seq, m.ref);
	m.time = (uint64_t)time(NULL);
	db_this_hour(it.created_hour);
	it.size = sdbox_file_size(len, n + 1);
	if ((e = seal_tmp(sp, (const unsigned char(*)[SDBOX_PUBLICKEYBYTES])rcpt, n + 1, &m, text,
		 len, &t)) != 0)
		return e;
	/* Renamed and recorded under one write lock: the start-up sweep never
	 * sees a reply between the two, only one a crash left there. A source
	 * deleted meanwhile gets no directory back. */
	if ((e = db_begin(db)) != 0)
		goto out;
	if ((e = db_source_by_row(db, src->row, &now)) != 0 ||
	    (e = spool_tmp_commit(sp, &t, src->id, it.id)) != 0)
		goto out;
	moved = 1;
	sd_crashpoint("reply-before-db");
	if ((e = db_item_add(db, &it)) != 0 || (e = db_commit(db)) != 0)
		goto out;
	moved = 0;
	if (item_out)
		e = db_item_by_id(db, it.id, item_out); /* with its row id */
	return e;
out:
	if (moved)
		/* e is what failed; a file left without its row is removed
		 * by the next store_recover (spool_sweep keeps only rows). */
		sd_ignore(spool_item_remove(sp, src->id, NULL, it.id));
	db_rollback(db);
	spool_tmp_abort(sp, &t);
	return e;
}

/* Whether n items fit the day's share of sources without a reply. */
static int
within_share(struct db *db, int64_t source_row, const struct db_item *items, size_t n,
    const struct store_share *share)
{
	struct db_item r;
	uint64_t used = 0, add = 0, limit;
	size_t nr = 0;
	int e;

	if (share == NULL || share->percent >= 100)
		return 0;
	if ((e = db_item_list(db, source_row, DB_KIND_REPLY, &r, 1, &nr)) != 0)
		return e;
	if (nr > 0)
		return 0;
	if ((e = db_unreplied_bytes_today(db, &used)) != 0)
		return e;
	for (size_t i = 0; i < n; i++)
		add += items[i].size;
	limit = (share->free_bytes + used) / 100 * share->percent;
	return used + add <= limit ? 0 : SD_ERR_RANGE;
}

int
store_batch_commit(struct db *db, struct spool *sp, struct spool_batch *b, int64_t source_row,
    struct db_item *items, size_t n, const struct store_share *share)
{
	struct db_source src;
	int e, created = 0, moved = 0;

	if (n == 0)
		return SD_ERR_ARG;
	if ((e = db_begin(db)) != 0)
		return e;
	/* A source deleted while it uploaded gets no directory back. */
	if ((e = db_source_by_row(db, source_row, &src)) != 0 ||
	    (e = within_share(db, source_row, items, n, share)) != 0 ||
	    (e = spool_batch_commit(sp, b, src.id, &created)) != 0)
		goto out;
	moved = 1;
	sd_crashpoint("batch-before-db");
	for (size_t i = 0; i < n && e == 0; i++) {
		items[i].source_row = source_row;
		items[i].has_batch = 1;
		memcpy(items[i].batch, b->id, SD_ID_BYTES);
		e = db_item_add(db, &items[i]);
	}
	if (e == 0 && (e = db_source_touch(db, source_row)) == 0 &&
	    (e = db_source_unpend(db, source_row)) == 0)
		e = db_commit(db);
	if (e == 0)
		return 0;
out:
	if (moved)
		/* e is what failed; a batch left without its rows is
		 * removed by the next store_recover. */
		sd_ignore(spool_batch_withdraw(sp, src.id, b->id, created));
	db_rollback(db);
	return e;
}

static int
read_all(struct sdbox_reader *r, struct sdbuf *b)
{
	const unsigned char *chunk;
	size_t n;
	int e;

	for (;;) {
		if ((e = sdbox_reader_read(r, &chunk, &n)) != 0)
			return e;
		if (n == 0)
			return 0;
		if ((e = sdbuf_add(b, chunk, n)) != 0)
			return e;
	}
}

int
store_reply_read(struct spool *sp, const struct db_source *src, const struct db_item *item,
    const unsigned char sk[32], char **out, size_t *len)
{
	struct sdbox_reader *r = NULL;
	char ref[SDBOX_REF_MAX + 1];
	struct sdbuf b;
	int fd = -1, e;

	sdbuf_init(&b, STORE_REPLY_MAX);
	if (item->kind != DB_KIND_REPLY || item->source_row != src->row)
		return SD_ERR_ARG;
	if ((e = spool_item_open(sp, src->id, NULL, item->id, &fd)) != 0 ||
	    (e = sdbox_reader_new(&r, sk, sdbox_fd_read, &fd)) != 0)
		goto out;
	store_ref(src->id, item->seq, ref);
	if (sdbox_reader_meta(r)->kind != SDBOX_KIND_REPLY ||
	    strcmp(sdbox_reader_meta(r)->ref, ref) != 0) {
		e = SD_ERR_FORMAT;
		goto out;
	}
	if ((e = read_all(r, &b)) != 0)
		goto out;
	*out = sdbuf_take(&b, len);
	e = *out ? 0 : SD_ERR_NOMEM;
out:
	sdbox_reader_free(r);
	if (fd >= 0)
		close(fd);
	sdbuf_free(&b);
	return e;
}

int
store_item_delete(
    struct db *db, struct spool *sp, const struct db_source *src, const struct db_item *item)
{
	int e;

	if (item->source_row != src->row)
		return SD_ERR_ARG;
	if ((e = db_item_delete(db, item->row)) != 0)
		return e;
	return spool_item_remove(sp, src->id, item->has_batch ? item->batch : NULL, item->id);
}

int
store_reply_delete_by_source(
    struct db *db, struct spool *sp, const struct db_source *src, const struct db_item *item)
{
	int e;

	if (item->source_row != src->row || item->kind != DB_KIND_REPLY || item->source_deleted)
		return SD_ERR_NOTFOUND;
	if ((e = db_item_mark_source_deleted(db, item->row)) != 0)
		return e;
	return spool_item_remove(sp, src->id, item->has_batch ? item->batch : NULL, item->id);
}

int
store_source_delete(struct db *db, struct spool *sp, const struct db_source *src)
{
	int e;

	if ((e = db_source_delete(db, src->row)) != 0)
		return e;
	return spool_source_remove(sp, src->id);
}
