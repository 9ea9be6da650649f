/*
 * opener_input.c - sealdrop-open's inputs: .sdbox files, spool directories
 * (docs/spool.md: <32 hex>/<32 hex>.sdbox and <32 hex>/<32 hex>/<32 hex>.sdbox,
 * tmp/ skipped, anything else refused) and .tar bundles read with libarchive
 * (members must be exactly <32 hex>/<32 hex>.sdbox regular files). Every
 * .sdbox is decrypted into the staging directory under a temporary name and
 * kept only when the reader verified it to the end. Directories are walked
 * by descriptor (O_NOFOLLOW): a link is refused, never followed. What one
 * input costs in memory is bounded by its good files: after
 * OPENER_REFUSED_MAX refused entries the input is stopped, and failed files
 * past OPENER_FAILED_MAX are only counted.
 */
#include "opener.h"
#include "sdi18n.h"
#include "opener_state.h"
#include "sderr.h"
#include "sdio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

struct opener_item *
opener_item_new(struct opener_run *r, const char *label)
{
	struct opener_item *it;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct opener_item *p = realloc(r->items, cap * sizeof *p);
		if (p == NULL)
			return NULL;
		r->items = p;
		r->cap = cap;
	}
	it = &r->items[r->n++];
	memset(it, 0, sizeof *it);
	(void)snprintf(it->label, sizeof it->label, "%s", label);
	it->order = r->n - 1;
	return it;
}

int
opener_parse_ref(const char *ref, struct opener_item *it)
{
	unsigned char id[SD_ID_BYTES];
	unsigned long seq = 0;
	const char *p;

	if (strlen(ref) < SD_ID_HEX + 2 || ref[SD_ID_HEX] != ':' ||
	    sd_id_parse(ref, SD_ID_HEX, id) != 0)
		return SD_ERR_FORMAT;
	p = ref + SD_ID_HEX + 1;
	if (*p == '0' || strlen(p) > 9)
		return SD_ERR_FORMAT;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return SD_ERR_FORMAT;
		seq = seq * 10 + (unsigned long)(*p - '0');
	}
	memcpy(it->source, id, sizeof id);
	it->seq = seq;
	it->sorted = 1;
	return 0;
}

int
opener_stage_init(struct opener_run *r)
{
	unsigned char rnd[8];

	randombytes_buf(rnd, sizeof rnd);
	(void)snprintf(r->stagename, sizeof r->stagename,
	    ".sealdrop-staging-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3],
	    rnd[4], rnd[5], rnd[6], rnd[7]);
	if (mkdirat(r->outfd, r->stagename, 0700) != 0)
		return SD_ERR_IO;
	r->stagefd =
	    openat(r->outfd, r->stagename, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return r->stagefd >= 0 ? 0 : SD_ERR_IO;
}

void
opener_stage_remove(struct opener_run *r)
{
	if (r->stagefd < 0)
		return;
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].staged[0])
			(void)unlinkat(r->stagefd, r->items[i].staged, 0);
	close(r->stagefd);
	r->stagefd = -1;
	(void)unlinkat(r->outfd, r->stagename, AT_REMOVEDIR);
}

/* Stream the reader's content into fd. */
static int
copy_content(struct sdbox_reader *rd, int fd, uint64_t *size)
{
	const unsigned char *chunk = NULL;
	size_t len = 0;
	int e;

	for (;;) {
		if ((e = sdbox_reader_read(rd, &chunk, &len)) != 0)
			return e;
		if (len == 0)
			return 0;
		if ((e = sd_write_full(fd, chunk, len)) != 0)
			return e;
		*size += len;
	}
}

/* A failed file of the current input: listed while fewer than
 * OPENER_FAILED_MAX were, else counted by reason and its item (the last
 * one) dropped. */
static void
failed_file(struct opener_run *r, int e)
{
	unsigned code = (e < 0 && e > -OPENER_CODES) ? (unsigned)-e : 0;

	if (r->in_failed < OPENER_FAILED_MAX) {
		r->in_failed++;
		return;
	}
	r->n--;
	r->in_more++;
	r->in_codes[code]++;
}

/* The header of one .sdbox read ahead, so that its identity is known before
 * any key is tried and every key can be tried on the same bytes (a bundle
 * member cannot be read twice). The reader reads exactly the header before
 * it says SD_ERR_NOKEY, so nothing past hdr is consumed by a failed key. */
#define PRE_HDR_MAX \
	(SDBOX_FIXED_BYTES + SDBOX_RECIPIENTS_MAX * SDBOX_STANZA_BYTES + \
	    SDBOX_STREAMHEADER_BYTES + SDBOX_MAC_BYTES)

struct pre_ctx {
	sdbox_read_fn fn;
	void *ctx;
	unsigned char hdr[PRE_HDR_MAX];
	size_t have, pos;
	int err;    /* the read ahead failed */
	int passed; /* bytes were read past hdr */
};

static int
pre_read(void *c, unsigned char *buf, size_t len, size_t *got)
{
	struct pre_ctx *p = c;
	size_t k = 0, more = 0;
	int e;

	if (p->pos < p->have) {
		k = p->have - p->pos < len ? p->have - p->pos : len;
		memcpy(buf, p->hdr + p->pos, k);
		p->pos += k;
	}
	if (k < len) {
		if (p->err != 0)
			return p->err;
		if ((e = p->fn(p->ctx, buf + k, len - k, &more)) != 0)
			return e;
		p->passed |= more > 0;
	}
	*got = k + more;
	return 0;
}

/* Read the header ahead; 1 when it is whole (the identity is then set). */
static int
pre_fill(struct pre_ctx *p, unsigned char id[OPENER_ID_BYTES])
{
	size_t got = 0, want;

	if ((p->err = p->fn(p->ctx, p->hdr, SDBOX_FIXED_BYTES, &got)) != 0)
		return 0;
	p->have = got;
	if (got < SDBOX_FIXED_BYTES || memcmp(p->hdr, SDBOX_MAGIC, SDBOX_MAGIC_BYTES) != 0 ||
	    p->hdr[10] < 1 || p->hdr[10] > SDBOX_RECIPIENTS_MAX)
		return 0;
	want = SDBOX_FIXED_BYTES + (size_t)p->hdr[10] * SDBOX_STANZA_BYTES +
	    SDBOX_STREAMHEADER_BYTES + SDBOX_MAC_BYTES;
	if ((p->err = p->fn(p->ctx, p->hdr + got, want - got, &got)) != 0)
		return 0;
	p->have += got;
	if (p->have != want)
		return 0;
	crypto_generichash(id, OPENER_ID_BYTES, p->hdr, p->have, NULL, 0);
	return 1;
}

/* Decrypt one .sdbox from fn/ctx into staging as item it (the last item),
 * trying each key in turn. An item the state already holds is dropped and
 * counted in r->already, never decrypted again. */
static int
decrypt_one(struct opener_run *r, struct opener_item *it, const struct opener_keys *keys,
    sdbox_read_fn fn, void *ctx)
{
	struct sdbox_reader *rd = NULL;
	const struct sdbox_meta *m;
	struct pre_ctx pre = { .fn = fn, .ctx = ctx };
	int fd = -1, e = SD_ERR_NOKEY;

	(void)snprintf(it->staged, sizeof it->staged, "%zu.part", r->n);
	it->has_id = pre_fill(&pre, it->id);
	if (it->has_id && r->state != NULL && opener_state_known(r->state, it->id)) {
		r->n--; /* it is the last item: opened before, nothing to do */
		r->already++;
		return 0;
	}
	for (size_t k = 0; k < keys->n && e == SD_ERR_NOKEY && !pre.passed; k++) {
		pre.pos = 0;
		sdbox_reader_free(rd);
		rd = NULL;
		e = sdbox_reader_new(&rd, keys->sk[k], pre_read, &pre);
	}
	if (e != 0)
		goto out;
	fd = openat(
	    r->stagefd, it->staged, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = SD_ERR_IO;
		goto out;
	}
	if ((e = copy_content(rd, fd, &it->size)) != 0)
		goto out;
	m = sdbox_reader_meta(rd);
	it->kind = (int)m->kind;
	it->time = m->time;
	(void)snprintf(it->name, sizeof it->name, "%s", m->name);
	if (opener_parse_ref(m->ref, it) != 0)
		it->sorted = 0;
	if (it->has_id && r->state != NULL && (e = opener_state_mark(r->state, it->id)) != 0)
		goto out;
	it->verified = 1;
	r->total_bytes += it->size;
	opener_progress_count(r, 0);
out:
	if (fd >= 0)
		close(fd);
	if (e != 0) {
		(void)snprintf(it->error, sizeof it->error, "%s",
		    e == SD_ERR_NOKEY && keys->n > 1
			? I18N_N(
			      "none of the keys is a recipient of the file (or its header is damaged)")
			: sd_strerror(e));
		it->status = OPENER_STATUS_VERIFY_FAILED;
		(void)unlinkat(r->stagefd, it->staged, 0);
		it->staged[0] = '\0';
		failed_file(r, e);
	}
	sdbox_reader_free(rd);
	return e;
}

/* Decrypt the .sdbox open on fd (closed here) as a new item. */
static int
open_fd(struct opener_run *r, const char *label, int fd, const struct opener_keys *keys)
{
	struct opener_item *it = opener_item_new(r, label);
	int e;

	if (it == NULL) {
		close(fd);
		return SD_ERR_NOMEM;
	}
	e = decrypt_one(r, it, keys, sdbox_fd_read, &fd);
	close(fd);
	return e;
}

static int
open_file(struct opener_run *r, const char *path, const struct opener_keys *keys)
{
	struct opener_item *it;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);

	if (fd >= 0)
		return open_fd(r, path, fd, keys);
	if ((it = opener_item_new(r, path)) == NULL)
		return SD_ERR_NOMEM;
	(void)snprintf(it->error, sizeof it->error, "%s", strerror(errno));
	it->status = OPENER_STATUS_VERIFY_FAILED;
	failed_file(r, SD_ERR_IO);
	return SD_ERR_IO;
}

/* "<32 hex>" exactly: a source or batch directory. */
static int
id_name(const char *n)
{
	unsigned char id[SD_ID_BYTES];

	return sd_id_parse(n, strlen(n), id) == 0;
}

/* "<32 hex>.sdbox" exactly: an item. */
static int
item_name(const char *n)
{
	unsigned char id[SD_ID_BYTES];

	return sd_spool_name_parse(n, id) == 0;
}

/* "<32 hex>/<32 hex>.sdbox" exactly (a bundle member). */
static int
spool_member_name(const char *n)
{
	unsigned char src[SD_ID_BYTES], id[SD_ID_BYTES];

	return sd_spool_member_parse(n, src, id) == 0;
}

static int
bad_input(struct opener_run *r, const char *label, const char *why)
{
	struct opener_item *it = opener_item_new(r, label);

	if (it == NULL)
		return SD_ERR_NOMEM;
	(void)snprintf(it->error, sizeof it->error, "%s", why);
	it->status = OPENER_STATUS_VERIFY_FAILED;
	return SD_ERR_FORMAT;
}

/* Refuse one entry of the current input. Past OPENER_REFUSED_MAX, one
 * summary line for the input instead, and the input is stopped. */
static int
refuse(struct opener_run *r, const char *input, const char *label, const char *why)
{
	struct opener_item *it;

	if (r->in_stopped)
		return SD_ERR_RANGE;
	if (r->in_refused < OPENER_REFUSED_MAX) {
		r->in_refused++;
		return bad_input(r, label, why);
	}
	r->in_stopped = 1;
	if ((it = opener_item_new(r, input)) == NULL)
		return SD_ERR_NOMEM;
	(void)snprintf(it->error, sizeof it->error,
	    I18N_N("stopped reading this input: more than %d "
		   "of its entries were refused; the next refused one and everything after it "
		   "were not read"),
	    OPENER_REFUSED_MAX);
	it->status = OPENER_STATUS_STOPPED;
	it->summary = OPENER_SUMMARY_STOPPED;
	return SD_ERR_RANGE;
}

/* The names in the directory dfd that may be valid at depth (0: the spool,
 * 1: a source, 2: a batch), sorted, as an array of 40-byte names; any other
 * name is refused as it is read, so refused names are never kept. */
struct name_list {
	char (*v)[40];
	size_t n, cap;
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
list_dir(struct opener_run *r, const char *input, const char *dirpath, int dfd, int depth,
    struct name_list *l)
{
	char label[4096];
	struct dirent *de;
	DIR *d;
	int fd = dup(dfd), bad = 0;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return refuse(r, input, dirpath, "cannot read the directory");
	}
	for (;;) {
		const char *e;
		errno = 0;
		if (r->in_stopped || (de = readdir(d)) == NULL)
			break;
		e = de->d_name;
		if (strcmp(e, ".") == 0 || strcmp(e, "..") == 0)
			continue;
		if (item_name(e) || (depth < 2 && id_name(e)) ||
		    (depth == 0 && strcmp(e, "tmp") == 0)) {
			size_t nl = strlen(e); /* at most 38: checked by the names above */
			if (l->n == l->cap) {
				size_t cap = l->cap ? 2 * l->cap : 64;
				char(*p)[40] = realloc(l->v, cap * sizeof *p);
				if (p == NULL) {
					bad = 1;
					break;
				}
				l->v = p;
				l->cap = cap;
			}
			memcpy(l->v[l->n++], e, nl + 1);
			continue;
		}
		(void)snprintf(label, sizeof label, "%s/%s", dirpath, e);
		bad |=
		    refuse(r, input, label,
			depth == 0       ? "not a spool entry (skipped)"
			    : depth == 1 ? "not a spool item (<32 hex>.sdbox, or a <32 hex> batch "
					   "directory)"
					 : "not a spool item (<32 hex>.sdbox)") != 0;
	}
	if (!r->in_stopped && de == NULL && errno != 0)
		bad |= refuse(r, input, dirpath, "cannot read the whole directory") != 0;
	closedir(d);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof l->v[0], cmp_names);
	return bad ? SD_ERR_FORMAT : 0;
}

/* One directory of the spool: depth 0 the spool itself (source
 * directories, tmp/ skipped), 1 a source (items and batch directories),
 * 2 a batch (items only). */
static int
walk_dir(struct opener_run *r, const char *input, const char *dirpath, int dfd, int depth,
    const struct opener_keys *keys)
{
	struct name_list l = { 0 };
	char path[4096];
	int bad = list_dir(r, input, dirpath, dfd, depth, &l) != 0;

	for (size_t i = 0; i < l.n && !r->in_stopped; i++) {
		const char *e = l.v[i];
		struct stat st;
		int fd;
		(void)snprintf(path, sizeof path, "%s/%s", dirpath, e);
		if (depth == 0 && strcmp(e, "tmp") == 0)
			continue;
		if (item_name(e) && depth > 0) {
			fd = openat(
			    dfd, e, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
			if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
				bad |= open_fd(r, path, fd, keys) != 0;
				continue;
			}
			if (fd >= 0)
				close(fd);
			bad |= refuse(r, input, path,
				   "not a regular file (a link, a directory "
				   "or a device)") != 0;
		} else if (id_name(e)) {
			fd = openat(dfd, e, O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW);
			if (fd < 0) {
				bad |=
				    refuse(r, input, path,
					errno != ENOTDIR && errno != ELOOP ? strerror(errno)
					    : depth == 0
					    ? "not a spool entry (a source "
					      "must be a directory, not a file or a link)"
					    : "not a spool item "
					      "(a batch must be a directory, not a file or a link)") !=
				    0;
				continue;
			}
			bad |= walk_dir(r, input, path, fd, depth + 1, keys) != 0;
			close(fd);
		} else {
			bad |= refuse(r, input, path, "not a spool entry (skipped)") != 0;
		}
	}
	free(l.v);
	return bad ? SD_ERR_FORMAT : 0;
}

static int
walk_spool(struct opener_run *r, const char *dir, const struct opener_keys *keys)
{
	int fd = open(dir, O_RDONLY | O_CLOEXEC | O_DIRECTORY), e;

	if (fd < 0)
		return bad_input(r, dir, "cannot read the directory");
	e = walk_dir(r, dir, dir, fd, 0, keys);
	close(fd);
	return e;
}

struct tar_ctx {
	struct archive *a;
};

static int
tar_read(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
	struct tar_ctx *t = ctx;
	size_t have = 0;

	while (have < len) {
		la_ssize_t n = archive_read_data(t->a, buf + have, len - have);
		if (n < 0)
			return SD_ERR_IO;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	*got = have;
	return 0;
}

static int
tar_member(struct opener_run *r, const char *path, struct archive_entry *ae, struct tar_ctx *t,
    const struct opener_keys *keys)
{
	const char *n = archive_entry_pathname(ae);
	char label[OPENER_LABEL_MAX];
	unsigned char src[SD_ID_BYTES];
	struct opener_item *it;

	(void)snprintf(label, sizeof label, "%s:%.300s", path, n ? n : "(no name)");
	if (n != NULL && archive_entry_filetype(ae) == AE_IFDIR && strlen(n) == SD_ID_HEX + 1 &&
	    n[SD_ID_HEX] == '/' && sd_id_parse(n, SD_ID_HEX, src) == 0)
		return 0;
	if (n == NULL || archive_entry_filetype(ae) != AE_IFREG ||
	    archive_entry_hardlink(ae) != NULL || archive_entry_symlink(ae) != NULL)
		return refuse(r, path, label,
		    "bundle member refused: a link, a device or "
		    "not a regular file");
	if (!spool_member_name(n))
		return refuse(r, path, label,
		    "bundle member refused: its name is not "
		    "<32 hex>/<32 hex>.sdbox (absolute path, '..' or other name)");
	if ((it = opener_item_new(r, label)) == NULL)
		return SD_ERR_NOMEM;
	return decrypt_one(r, it, keys, tar_read, t);
}

static int
walk_tar(struct opener_run *r, const char *path, const struct opener_keys *keys)
{
	struct tar_ctx t = { archive_read_new() };
	struct archive_entry *ae;
	int bad = 0, rc = ARCHIVE_EOF;

	if (t.a == NULL)
		return SD_ERR_NOMEM;
	archive_read_support_format_tar(t.a);
	if (archive_read_open_filename(t.a, path, 65536) != ARCHIVE_OK) {
		archive_read_free(t.a);
		return bad_input(r, path, "neither a .sdbox file nor a readable .tar bundle");
	}
	while (!r->in_stopped && (rc = archive_read_next_header(t.a, &ae)) == ARCHIVE_OK)
		bad |= tar_member(r, path, ae, &t, keys) != 0;
	if (!r->in_stopped && rc != ARCHIVE_EOF)
		bad |= bad_input(r, path, "the .tar bundle is damaged or truncated") != 0;
	archive_read_free(t.a);
	return bad ? SD_ERR_FORMAT : 0;
}

/* One line for the failed files of this input that were only counted. */
static int
more_failed(struct opener_run *r, const char *path)
{
	struct opener_item *it;
	size_t o = 0;

	if (r->in_more == 0)
		return 0;
	if ((it = opener_item_new(r, path)) == NULL)
		return SD_ERR_NOMEM;
	o = (size_t)snprintf(it->error, sizeof it->error,
	    "%zu more files of this input failed "
	    "and are not listed one by one:",
	    r->in_more);
	for (int c = 0; c < OPENER_CODES && o < sizeof it->error; c++)
		if (r->in_codes[c] > 0)
			o += (size_t)snprintf(it->error + o, sizeof it->error - o, " %zu: %s;",
			    r->in_codes[c], c ? sd_strerror(-c) : "another error");
	if (o >= sizeof it->error)
		o = sizeof it->error - 1;
	if (it->error[o - 1] == ';')
		it->error[o - 1] = '\0';
	it->status = OPENER_STATUS_VERIFY_FAILED;
	it->summary = OPENER_SUMMARY_MORE_FAILED;
	it->count = r->in_more;
	return SD_ERR_FORMAT;
}

int
opener_collect(struct opener_run *r, const char *path, const struct opener_keys *keys)
{
	unsigned char magic[SDBOX_MAGIC_BYTES];
	struct stat st;
	size_t got = 0;
	int fd, e;

	r->in_refused = r->in_failed = r->in_more = 0;
	memset(r->in_codes, 0, sizeof r->in_codes);
	r->in_stopped = 0;
	if (stat(path, &st) != 0)
		return bad_input(r, path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		e = walk_spool(r, path, keys);
	} else if (!S_ISREG(st.st_mode)) {
		return bad_input(r, path, "not a file or a directory");
	} else {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
			return bad_input(r, path, strerror(errno));
		if (sd_read_full(fd, magic, sizeof magic, &got) != 0)
			got = 0;
		close(fd);
		if (got == sizeof magic && memcmp(magic, SDBOX_MAGIC, SDBOX_MAGIC_BYTES) == 0)
			return open_file(r, path, keys);
		got = strlen(path);
		if (got >= 6 && strcmp(path + got - 6, ".sdbox") == 0)
			return open_file(r, path, keys); /* reported as not a valid .sdbox */
		e = walk_tar(r, path, keys);
	}
	if (more_failed(r, path) != 0 && e == 0)
		e = SD_ERR_FORMAT;
	return e;
}
