/*
 * admin_backup.c - sealdrop-admin backup: a consistent snapshot of an
 * instance in one tar archive (docs/backup.md), safe while the daemons run.
 *
 * Order: the database is copied first, through SQLite's online backup API
 * into an in-memory database (one read transaction, a few milliseconds);
 * then the spool files that snapshot lists are copied (committed spool files
 * never change; one deleted meanwhile has its row dropped from the snapshot,
 * so the archive never lists a file it lacks); the snapshot is serialised
 * last. Files written after the snapshot are left out (the next backup has
 * them). The archive is written to a temporary name (O_EXCL, 0600), fsynced
 * and renamed to its name, never replacing a file; with recipients its bytes
 * go through the .sdbox writer first.
 */
#include "admin_int.h"
#include "admin_priv.h"
#include "admin_ops.h"
#include "sdbox.h"
#include "sderr.h"
#include "sdio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <sqlite3.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define COPY_BYTES 65536
#define SMALL_FILE_MAX (1024 * 1024) /* sealdrop.conf, files under tor/ */

struct bk {
	const struct adminops_backup_opts *o;
	struct adminops_backup_stats st;
	char *err;
	int dfd, outdirfd, fd;
	char tmpname[NAME_MAX + 1];
	char base[NAME_MAX + 1];
	struct archive *a;
	struct sdbox_writer *w;
	struct sqlite3 *mem;
	struct adminops_ids ids;
	unsigned char *buf;
};

static int fail(struct bk *b, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Record the first error (one line) and return e. */
static int
fail(struct bk *b, int e, const char *fmt, ...)
{
	va_list ap;

	if (b->err[0] == '\0') {
		va_start(ap, fmt);
		(void)vsnprintf(b->err, ADMINOPS_ERR_MAX, fmt, ap);
		va_end(ap);
	}
	return e;
}

/* libarchive's output: the file, or the .sdbox writer in front of it. */
static la_ssize_t
bk_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct bk *b = ctx;
	int e = b->w ? sdbox_writer_write(b->w, buf, len) : sd_write_full(b->fd, buf, len);

	if (e != 0) {
		archive_set_error(a, EIO, "%s", sd_strerror(e));
		return -1;
	}
	b->st.bytes += len;
	return (la_ssize_t)len;
}

static int
bk_header(struct bk *b, const char *name, mode_t type, uint64_t size)
{
	struct archive_entry *ae = archive_entry_new();
	int rc;

	if (ae == NULL)
		return fail(b, SD_ERR_NOMEM, "out of memory");
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, (unsigned)type);
	archive_entry_set_perm(ae, type == AE_IFDIR ? 0700 : 0600);
	archive_entry_set_size(ae, type == AE_IFDIR ? 0 : (la_int64_t)size);
	archive_entry_set_mtime(ae, 0, 0);
	rc = archive_write_header(b->a, ae);
	archive_entry_free(ae);
	if (rc != ARCHIVE_OK)
		return fail(b, SD_ERR_IO, "%s: cannot write the archive: %s", name,
		    archive_error_string(b->a));
	return 0;
}

static int
bk_data(struct bk *b, const char *name, const void *p, size_t len)
{
	if (len > 0 && archive_write_data(b->a, p, len) != (la_ssize_t)len)
		return fail(b, SD_ERR_IO, "%s: cannot write the archive: %s", name,
		    archive_error_string(b->a));
	return 0;
}

/* A member holding exactly the size bytes of an open file. */
static int
bk_file(struct bk *b, const char *name, int fd, uint64_t size)
{
	uint64_t left = size;
	int e;

	if ((e = bk_header(b, name, AE_IFREG, size)) != 0)
		return e;
	while (left > 0) {
		size_t want = left < COPY_BYTES ? (size_t)left : COPY_BYTES, got = 0;
		if (sd_read_full(fd, b->buf, want, &got) != 0 || got != want)
			return fail(b, SD_ERR_IO, "%s: short read (changed while being read?)", name);
		if ((e = bk_data(b, name, b->buf, got)) != 0)
			return e;
		left -= got;
	}
	return 0;
}

/* A small regular file of the instance (never a link). */
static int
bk_small(struct bk *b, int dirfd, const char *rel, const char *name)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), e;
	struct stat st;

	if (fd < 0)
		return fail(b, SD_ERR_IO, "%s: %s", name, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SMALL_FILE_MAX)
		e = fail(b, SD_ERR_FORMAT, "%s: not a regular file of at most 1 MiB", name);
	else
		e = bk_file(b, name, fd, (uint64_t)st.st_size);
	close(fd);
	return e;
}

static int bk_tor_dir(struct bk *b, int fd, const char *rel, int depth);

/* One entry under tor/: a directory (recursed into), a small file, or
 * something skipped and counted (a link, a socket, an unusual name). */
static int
bk_tor_entry(struct bk *b, int fd, const char *name, const char *rel, int depth)
{
	char sub[PATH_MAX];
	struct stat st;
	int cfd, e;

	(void)snprintf(sub, sizeof sub, "%s/%s", rel, name);
	if (!adminops_tor_name_ok(name, strlen(name)) ||
	    fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) ||
	    (S_ISDIR(st.st_mode) && depth >= ADMINOPS_TOR_DEPTH_MAX)) {
		b->st.tor_skipped++;
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		b->st.tor_files++;
		return bk_small(b, fd, name, sub);
	}
	if ((e = bk_header(b, sub, AE_IFDIR, 0)) != 0)
		return e;
	if ((cfd = openat(fd, name, DIR_FLAGS)) < 0)
		return fail(b, SD_ERR_IO, "%s: %s", sub, strerror(errno));
	e = bk_tor_dir(b, cfd, sub, depth + 1);
	close(cfd);
	return e;
}

static int
bk_tor_dir(struct bk *b, int fd, const char *rel, int depth)
{
	struct dirent *ent;
	int e = 0;
	DIR *d;

	if (adminops_opendir(fd, &d) != 0)
		return fail(b, SD_ERR_IO, "%s: cannot list: %s", rel, strerror(errno));
	while (e == 0 && (ent = readdir(d)) != NULL)
		if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
			e = bk_tor_entry(b, fd, ent->d_name, rel, depth);
	closedir(d);
	return e;
}

static int
bk_tor(struct bk *b)
{
	int fd = openat(b->dfd, "tor", DIR_FLAGS), e;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return fail(b, SD_ERR_IO, "tor/: %s", strerror(errno));
	b->st.has_tor = 1;
	if ((e = bk_header(b, "tor", AE_IFDIR, 0)) == 0)
		e = bk_tor_dir(b, fd, "tor", 1);
	close(fd);
	return e;
}

/* One item of the snapshot; a file deleted since loses its row. */
static int
bk_item(struct bk *b, int spfd, const struct adminops_pair *p)
{
	char s[ADMINOPS_HEX_BYTES + 1], i[ADMINOPS_HEX_BYTES + 1], file[48], name[96];
	int sfd, fd = -1, e;
	struct stat st;

	sodium_bin2hex(s, sizeof s, p->src, ADMINOPS_ID_BYTES);
	sodium_bin2hex(i, sizeof i, p->item, ADMINOPS_ID_BYTES);
	(void)snprintf(file, sizeof file, "%s.sdbox", i);
	(void)snprintf(name, sizeof name, "spool/%s/%s", s, file);
	if ((sfd = openat(spfd, s, DIR_FLAGS)) >= 0) {
		fd = openat(sfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		close(sfd);
	}
	if (fd < 0 && errno == ENOENT) {
		b->st.vanished++;
		if (adminops_db_drop_item(b->mem, p->item) != 0)
			return fail(b, SD_ERR_IO, "cannot update the database snapshot");
		return 0;
	}
	if (fd < 0)
		return fail(b, SD_ERR_IO, "%s: %s", name, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		e = fail(b, SD_ERR_FORMAT, "%s: not a regular file", name);
	else if ((e = bk_file(b, name, fd, (uint64_t)st.st_size)) == 0)
		b->st.items++;
	close(fd);
	return e;
}

static int
bk_spool(struct bk *b)
{
	struct adminops_spool_count k = { 0 };
	int spfd = openat(b->dfd, "spool", DIR_FLAGS), e;

	if (spfd < 0)
		return fail(b, SD_ERR_IO, "spool/: %s", strerror(errno));
	e = bk_header(b, "spool", AE_IFDIR, 0);
	for (size_t i = 0; e == 0 && i < b->ids.n; i++)
		e = bk_item(b, spfd, &b->ids.v[i]);
	if (e == 0 && adminops_spool_walk(spfd, &b->ids, &k) == 0)
		b->st.left_out = k.orphans;
	close(spfd);
	return e;
}

/* The first member: what this archive is. */
static int
bk_manifest(struct bk *b)
{
	char text[64];
	int n = snprintf(text, sizeof text, "sealdrop-backup 1\nschema %d\n", b->st.schema), e;

	if ((e = bk_header(b, "sealdrop-backup", AE_IFREG, (uint64_t)n)) != 0)
		return e;
	return bk_data(b, "sealdrop-backup", text, (size_t)n);
}

/* The last member: the snapshot, after the rows of vanished files went. */
static int
bk_db(struct bk *b)
{
	unsigned char *img = NULL;
	size_t len = 0;
	int e;

	if (adminops_db_integrity(b->mem) != 0)
		return fail(b, SD_ERR_FORMAT, "the database snapshot fails integrity_check");
	if ((e = adminops_db_image(b->mem, &img, &len)) != 0)
		return fail(b, e, "cannot serialise the database snapshot");
	if ((e = bk_header(b, "sealdrop.db", AE_IFREG, len)) == 0)
		e = bk_data(b, "sealdrop.db", img, len);
	adminops_db_image_free(img, len);
	return e;
}

/* The temporary output beside FILE (which must not exist). */
static int
bk_open_out(struct bk *b)
{
	char dir[PATH_MAX], hex[17];
	unsigned char rnd[8];
	const char *slash = strrchr(b->o->out, '/');
	const char *base = slash ? slash + 1 : b->o->out;
	struct stat st;

	if (strlen(b->o->out) >= sizeof dir || strlen(base) > NAME_MAX || base[0] == '\0' ||
	    strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return fail(b, SD_ERR_ARG, "%s: not a file name", b->o->out);
	(void)snprintf(b->base, sizeof b->base, "%s", base);
	(void)snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - b->o->out) : 1,
	    slash ? b->o->out : ".");
	if (dir[0] == '\0')
		(void)snprintf(dir, sizeof dir, "/");
	if ((b->outdirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail(b, SD_ERR_IO, "%s: %s", dir, strerror(errno));
	if (fstatat(b->outdirfd, b->base, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return fail(b, SD_ERR_EXISTS, "%s exists; a backup never replaces a file",
		    b->o->out);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	(void)snprintf(b->tmpname, sizeof b->tmpname, ".sealdrop-backup-%s.part", hex);
	b->fd = openat(b->outdirfd, b->tmpname,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (b->fd < 0) {
		b->tmpname[0] = '\0';
		return fail(b, SD_ERR_IO, "%s: cannot create a file there: %s", dir, strerror(errno));
	}
	return 0;
}

static int
bk_open_archive(struct bk *b)
{
	struct sdbox_meta meta = { .kind = SDBOX_KIND_FILE, .time = (uint64_t)time(NULL) };
	int e;

	if (b->o->nrecipients > 0) {
		(void)snprintf(meta.name, sizeof meta.name, "sealdrop-backup.tar");
		(void)snprintf(meta.mime, sizeof meta.mime, "application/x-tar");
		if ((e = sdbox_writer_new(&b->w, b->o->recipients, b->o->nrecipients, &meta,
		         sdbox_fd_write, &b->fd)) != 0)
			return fail(b, e, "cannot seal the archive: %s", sd_strerror(e));
	}
	if ((b->a = archive_write_new()) == NULL)
		return fail(b, SD_ERR_NOMEM, "out of memory");
	if (archive_write_set_format_pax_restricted(b->a) != ARCHIVE_OK ||
	    archive_write_open2(b->a, b, NULL, bk_write, NULL, NULL) != ARCHIVE_OK)
		return fail(b, SD_ERR_IO, "cannot start the archive: %s", archive_error_string(b->a));
	return 0;
}

/* End the archive (and the .sdbox), fsync, rename into place. */
static int
bk_finish(struct bk *b)
{
	int e;

	if (archive_write_close(b->a) != ARCHIVE_OK)
		return fail(b, SD_ERR_IO, "cannot finish the archive: %s", archive_error_string(b->a));
	if (b->w != NULL && (e = sdbox_writer_finish(b->w)) != 0)
		return fail(b, e, "cannot finish the sealed archive: %s", sd_strerror(e));
	if (fsync(b->fd) != 0 || close(b->fd) != 0) {
		b->fd = -1;
		return fail(b, SD_ERR_IO, "%s: %s", b->o->out, strerror(errno));
	}
	b->fd = -1;
	if (renameat2(b->outdirfd, b->tmpname, b->outdirfd, b->base, RENAME_NOREPLACE) != 0)
		return fail(b, errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO, "%s: %s", b->o->out,
		    strerror(errno));
	b->tmpname[0] = '\0';
	if (fsync(b->outdirfd) != 0)
		return fail(b, SD_ERR_IO, "%s: directory fsync: %s", b->o->out, strerror(errno));
	return 0;
}

/* The database snapshot and the rows it lists. */
static int
bk_snapshot(struct bk *b)
{
	char path[PATH_MAX];
	int e;

	if (snprintf(path, sizeof path, "%s/sealdrop.db", b->o->instance) >= (int)sizeof path)
		return fail(b, SD_ERR_TOOLONG, "%s: path too long", b->o->instance);
	char why[ADMINPRIV_ERR_MAX];
	struct stat st;

	if (faccessat(b->dfd, "sealdrop.db", R_OK, AT_SYMLINK_NOFOLLOW) != 0)
		return fail(b, SD_ERR_IO, "%s: not a sealdrop instance (no readable sealdrop.db)",
		    b->o->instance);
	/* SQLite opens the side files it finds: each must be a plain file of
	 * the instance's owner with one link, never a FIFO or a link to a file
	 * of someone else. */
	if (fstat(b->dfd, &st) != 0)
		return fail(b, SD_ERR_IO, "%s: %s", b->o->instance, strerror(errno));
	if ((e = adminpriv_db_files(b->dfd, "sealdrop.db", st.st_uid, why)) != 0)
		return fail(b, e, "%s: not backed up: %s", b->o->instance, why);
	if ((e = adminops_db_snapshot(path, &b->mem)) != 0)
		return fail(b, e, "%s: cannot copy the database (busy or damaged)", path);
	if (adminops_db_integrity(b->mem) != 0)
		return fail(b, SD_ERR_FORMAT, "%s: integrity_check fails; not backing it up", path);
	if ((e = adminops_db_version(b->mem, &b->st.schema)) != 0 ||
	    (e = adminops_db_items(b->mem, &b->ids)) != 0)
		return fail(b, e, "%s: cannot read the items", path);
	return 0;
}

static void
bk_cleanup(struct bk *b)
{
	if (b->a != NULL)
		archive_write_free(b->a);
	sdbox_writer_free(b->w);
	if (b->fd >= 0)
		close(b->fd);
	if (b->tmpname[0] != '\0')
		(void)unlinkat(b->outdirfd, b->tmpname, 0);
	if (b->outdirfd >= 0)
		close(b->outdirfd);
	if (b->dfd >= 0)
		close(b->dfd);
	adminops_db_close(b->mem);
	adminops_ids_free(&b->ids);
	if (b->buf != NULL) {
		sodium_memzero(b->buf, COPY_BYTES);
		free(b->buf);
	}
}

int
adminops_backup(const struct adminops_backup_opts *o, struct adminops_backup_stats *st,
    char err[ADMINOPS_ERR_MAX])
{
	struct bk b = { .o = o, .err = err, .dfd = -1, .outdirfd = -1, .fd = -1 };
	int e;

	err[0] = '\0';
	if (o->nrecipients > ADMINOPS_RECIPIENTS_MAX) {
		e = fail(&b, SD_ERR_RANGE, "at most %d recipients", ADMINOPS_RECIPIENTS_MAX);
		goto out;
	}
	if ((b.buf = malloc(COPY_BYTES)) == NULL) {
		e = fail(&b, SD_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((b.dfd = open(o->instance, DIR_FLAGS)) < 0) {
		e = fail(&b, SD_ERR_IO, "%s: %s", o->instance, strerror(errno));
		goto out;
	}
	if ((e = bk_snapshot(&b)) != 0 || (e = bk_open_out(&b)) != 0 ||
	    (e = bk_open_archive(&b)) != 0 || (e = bk_manifest(&b)) != 0 ||
	    (e = bk_small(&b, b.dfd, "sealdrop.conf", "sealdrop.conf")) != 0 ||
	    (e = bk_tor(&b)) != 0 || (e = bk_spool(&b)) != 0 || (e = bk_db(&b)) != 0 ||
	    (e = bk_finish(&b)) != 0)
		goto out;
	*st = b.st;
out:
	bk_cleanup(&b);
	return e;
}

int
adminops_backup_is_sealed(const char *path, int *sealed)
{
	unsigned char head[SDBOX_MAGIC_BYTES];
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), e;

	if (fd < 0)
		return SD_ERR_IO;
	e = sd_read_full(fd, head, sizeof head, &got);
	close(fd);
	if (e != 0)
		return e;
	*sealed = got == sizeof head && memcmp(head, SDBOX_MAGIC, sizeof head) == 0;
	return 0;
}
