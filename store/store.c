/*
 * store.c - operations across the database, the spool and .sdbox files
 * (see store.h).
 */
#include "store.h"
#include "sdbuf.h"
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
store_instance_open(const char *inst, const char *owner, struct conf *conf,
    struct db **db, struct spool **sp, unsigned *removed, char err[STORE_ERR_MAX])
{
	char path[PATH_MAX], cerr[CONF_ERR_MAX];
	struct db *d = NULL;
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
		return SD_ERR_NOKEY;
	}
	if ((e = db_open(path, 0, &d)) != 0) {
		(void)snprintf(err, STORE_ERR_MAX, "%s: %s", path, sd_strerror(e));
		return e;
	}
	if ((e = spool_open(inst, owner, sp, removed)) != 0) {
		(void)snprintf(err, STORE_ERR_MAX, "%s/spool: %s", inst, sd_strerror(e));
		db_close(d);
		return e;
	}
	*db = d;
	return 0;
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
store_recipients(struct db *db, unsigned char (*pks)[SDBOX_PUBLICKEYBYTES], size_t max,
    size_t *n)
{
	struct db_recipient r[SDBOX_RECIPIENTS_MAX];
	size_t k = 0;
	int e;

	if ((e = db_recipient_list(db, r, SDBOX_RECIPIENTS_MAX, &k)) != 0)
		return e;
	if (k == 0)
		return SD_ERR_NOKEY;
	if (k > max)
		return SD_ERR_RANGE;
	for (size_t i = 0; i < k; i++)
		memcpy(pks[i], r[i].pk, SDBOX_PUBLICKEYBYTES);
	*n = k;
	return 0;
}

void
store_ref(const unsigned char source[DB_ID_BYTES], int64_t seq, char out[SDBOX_REF_MAX + 1])
{
	char hex[2 * DB_ID_BYTES + 1];

	spool_hex(source, hex);
	(void)snprintf(out, SDBOX_REF_MAX + 1, "%s:%lld", hex, (long long)seq);
}

/* Seal len bytes into a committed spool item with the given recipients. */
static int
seal_item(struct spool *sp, const unsigned char (*rcpt)[SDBOX_PUBLICKEYBYTES], size_t n,
    const struct sdbox_meta *m, const char *data, size_t len,
    const unsigned char source[DB_ID_BYTES], const unsigned char item[DB_ID_BYTES],
    uint64_t *size)
{
	struct sdbox_writer *w = NULL;
	struct spool_tmp t = { -1, "" };
	int e;

	if ((e = spool_tmp_create(sp, &t)) != 0)
		return e;
	if ((e = sdbox_writer_new(&w, rcpt, n, m, sdbox_fd_write, &t.fd)) != 0 ||
	    (e = sdbox_writer_write(w, data, len)) != 0 || (e = sdbox_writer_finish(w)) != 0)
		goto out;
	*size = sdbox_file_size(len, n);
	e = spool_tmp_commit(sp, &t, source, item);
out:
	sdbox_writer_free(w);
	if (e != 0)
		spool_tmp_abort(sp, &t);
	return e;
}

int
store_reply_add(struct db *db, struct spool *sp, const struct db_source *src,
    const char *text, size_t len, struct db_item *item_out)
{
	unsigned char rcpt[SDBOX_RECIPIENTS_MAX][SDBOX_PUBLICKEYBYTES];
	struct sdbox_meta m = { .kind = SDBOX_KIND_REPLY };
	struct db_item it = { .source_row = src->row, .kind = DB_KIND_REPLY };
	size_t n = 0;
	int e;

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
	if ((e = seal_item(sp, (const unsigned char (*)[SDBOX_PUBLICKEYBYTES])rcpt, n + 1, &m,
	         text, len, src->id, it.id, &it.size)) != 0)
		return e;
	if ((e = db_item_add(db, &it)) != 0) {
		(void)spool_item_remove(sp, src->id, it.id);
		return e;
	}
	if (item_out)
		return db_item_by_id(db, it.id, item_out); /* with its row id */
	return 0;
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
	if ((e = spool_item_open(sp, src->id, item->id, &fd)) != 0 ||
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
store_item_delete(struct db *db, struct spool *sp, const struct db_source *src,
    const struct db_item *item)
{
	int e;

	if (item->source_row != src->row)
		return SD_ERR_ARG;
	if ((e = db_item_delete(db, item->row)) != 0)
		return e;
	return spool_item_remove(sp, src->id, item->id);
}

int
store_source_delete(struct db *db, struct spool *sp, const struct db_source *src)
{
	int e;

	if ((e = db_source_delete(db, src->row)) != 0)
		return e;
	return spool_source_remove(sp, src->id);
}
