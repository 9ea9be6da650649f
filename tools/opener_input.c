/*
 * opener_input.c - sealdrop-open's inputs: .sdbox files, spool directories
 * (docs/spool.md: <32 hex>/<32 hex>.sdbox, tmp/ skipped) and .tar bundles
 * read with libarchive (members must be exactly <32 hex>/<32 hex>.sdbox
 * regular files). Every .sdbox is decrypted into the staging directory under
 * a temporary name and kept only when the reader verified it to the end.
 */
#include "opener.h"
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
	unsigned char id[SD_SOURCE_ID_BYTES];
	unsigned long seq = 0;
	const char *p;

	if (strlen(ref) < SD_SOURCE_ID_HEX + 2 || ref[SD_SOURCE_ID_HEX] != ':' ||
	    sd_source_id_parse(ref, SD_SOURCE_ID_HEX, id) != 0)
		return SD_ERR_FORMAT;
	p = ref + SD_SOURCE_ID_HEX + 1;
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
	    ".sealdrop-staging-%02x%02x%02x%02x%02x%02x%02x%02x",
	    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	if (mkdirat(r->outfd, r->stagename, 0700) != 0)
		return SD_ERR_IO;
	r->stagefd = openat(r->outfd, r->stagename, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
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

/* Decrypt one .sdbox from fn/ctx into staging as item it. */
static int
decrypt_one(struct opener_run *r, struct opener_item *it, const unsigned char *sk,
    sdbox_read_fn fn, void *ctx)
{
	struct sdbox_reader *rd = NULL;
	const struct sdbox_meta *m;
	int fd = -1, e;

	(void)snprintf(it->staged, sizeof it->staged, "%zu.part", r->n);
	if ((e = sdbox_reader_new(&rd, sk, fn, ctx)) != 0)
		goto out;
	fd = openat(r->stagefd, it->staged, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		e = SD_ERR_IO;
		goto out;
	}
	if ((e = copy_content(rd, fd, &it->size)) != 0)
		goto out;
	m = sdbox_reader_meta(rd);
	it->kind = (int)m->kind;
	(void)snprintf(it->name, sizeof it->name, "%s", m->name);
	if (opener_parse_ref(m->ref, it) != 0)
		it->sorted = 0;
	it->verified = 1;
	r->total_bytes += it->size;
	opener_progress_count(r, 0);
out:
	if (fd >= 0)
		close(fd);
	if (e != 0) {
		(void)snprintf(it->error, sizeof it->error, "%s", sd_strerror(e));
		it->status = OPENER_STATUS_VERIFY_FAILED;
		(void)unlinkat(r->stagefd, it->staged, 0);
		it->staged[0] = '\0';
	}
	sdbox_reader_free(rd);
	return e;
}

static int
open_file(struct opener_run *r, const char *path, const unsigned char *sk)
{
	struct opener_item *it = opener_item_new(r, path);
	int fd, e;

	if (it == NULL)
		return SD_ERR_NOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0) {
		(void)snprintf(it->error, sizeof it->error, "%s", strerror(errno));
		it->status = OPENER_STATUS_VERIFY_FAILED;
		return SD_ERR_IO;
	}
	e = decrypt_one(r, it, sk, sdbox_fd_read, &fd);
	close(fd);
	return e;
}

static int
is_hex32(const char *s)
{
	for (int i = 0; i < SD_SOURCE_ID_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* "<32 hex>/<32 hex>.sdbox" exactly. */
static int
spool_member_name(const char *n)
{
	return strlen(n) == 2 * SD_SOURCE_ID_HEX + 7 && is_hex32(n) && n[32] == '/' &&
	    is_hex32(n + 33) && strcmp(n + 65, ".sdbox") == 0;
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

static int
walk_source_dir(struct opener_run *r, const char *dir, const char *sub,
    const unsigned char *sk)
{
	struct dirent **ents = NULL;
	char path[4096], rel[80];
	int n, bad = 0;

	(void)snprintf(path, sizeof path, "%s/%s", dir, sub);
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0)
		return bad_input(r, path, "cannot read the directory");
	for (int i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;
		struct stat st;
		if (strcmp(e, ".") != 0 && strcmp(e, "..") != 0) {
			(void)snprintf(rel, sizeof rel, "%.32s/%.40s", sub, e);
			(void)snprintf(path, sizeof path, "%s/%s", dir, rel);
			if (!spool_member_name(rel) || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
				bad |= bad_input(r, path, "not a spool file (<32 hex>.sdbox)") != 0;
			else
				bad |= open_file(r, path, sk) != 0;
		}
		free(ents[i]);
	}
	free(ents);
	return bad ? SD_ERR_FORMAT : 0;
}

static int
walk_spool(struct opener_run *r, const char *dir, const unsigned char *sk)
{
	struct dirent **ents = NULL;
	char path[4096];
	int n, bad = 0;

	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0)
		return bad_input(r, dir, "cannot read the directory");
	for (int i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;
		struct stat st;
		(void)snprintf(path, sizeof path, "%s/%s", dir, e);
		if (strcmp(e, ".") == 0 || strcmp(e, "..") == 0 || strcmp(e, "tmp") == 0) {
			;
		} else if (strlen(e) == SD_SOURCE_ID_HEX && is_hex32(e) && lstat(path, &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			bad |= walk_source_dir(r, dir, e, sk) != 0;
		} else {
			bad |= bad_input(r, path, "not a spool entry (skipped)") != 0;
		}
		free(ents[i]);
	}
	free(ents);
	return bad ? SD_ERR_FORMAT : 0;
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
tar_member(struct opener_run *r, const char *path, struct archive_entry *ae,
    struct tar_ctx *t, const unsigned char *sk)
{
	const char *n = archive_entry_pathname(ae);
	char label[OPENER_LABEL_MAX];
	struct opener_item *it;

	(void)snprintf(label, sizeof label, "%s:%.300s", path, n ? n : "(no name)");
	if (n != NULL && archive_entry_filetype(ae) == AE_IFDIR && strlen(n) == 33 &&
	    is_hex32(n) && n[32] == '/')
		return 0;
	if (n == NULL || archive_entry_filetype(ae) != AE_IFREG ||
	    archive_entry_hardlink(ae) != NULL || archive_entry_symlink(ae) != NULL)
		return bad_input(r, label, "bundle member refused: a link, a device or "
		    "not a regular file");
	if (!spool_member_name(n))
		return bad_input(r, label, "bundle member refused: its name is not "
		    "<32 hex>/<32 hex>.sdbox (absolute path, '..' or other name)");
	if ((it = opener_item_new(r, label)) == NULL)
		return SD_ERR_NOMEM;
	return decrypt_one(r, it, sk, tar_read, t);
}

static int
walk_tar(struct opener_run *r, const char *path, const unsigned char *sk)
{
	struct tar_ctx t = { archive_read_new() };
	struct archive_entry *ae;
	int bad = 0, rc;

	if (t.a == NULL)
		return SD_ERR_NOMEM;
	archive_read_support_format_tar(t.a);
	if (archive_read_open_filename(t.a, path, 65536) != ARCHIVE_OK) {
		archive_read_free(t.a);
		return bad_input(r, path, "neither a .sdbox file nor a readable .tar bundle");
	}
	while ((rc = archive_read_next_header(t.a, &ae)) == ARCHIVE_OK)
		bad |= tar_member(r, path, ae, &t, sk) != 0;
	if (rc != ARCHIVE_EOF)
		bad |= bad_input(r, path, "the .tar bundle is damaged or truncated") != 0;
	archive_read_free(t.a);
	return bad ? SD_ERR_FORMAT : 0;
}

int
opener_collect(struct opener_run *r, const char *path, const unsigned char *sk)
{
	unsigned char magic[SDBOX_MAGIC_BYTES];
	struct stat st;
	size_t got = 0;
	int fd;

	if (stat(path, &st) != 0)
		return bad_input(r, path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return walk_spool(r, path, sk);
	if (!S_ISREG(st.st_mode))
		return bad_input(r, path, "not a file or a directory");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return bad_input(r, path, strerror(errno));
	if (sd_read_full(fd, magic, sizeof magic, &got) != 0)
		got = 0;
	close(fd);
	if (got == sizeof magic && memcmp(magic, SDBOX_MAGIC, SDBOX_MAGIC_BYTES) == 0)
		return open_file(r, path, sk);
	got = strlen(path);
	if (got >= 6 && strcmp(path + got - 6, ".sdbox") == 0)
		return open_file(r, path, sk); /* reported as not a valid .sdbox */
	return walk_tar(r, path, sk);
}
