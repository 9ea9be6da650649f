/*
 * admin_ops_backup.c - sealdrop-admin backup: a consistent snapshot of an
 * instance in one tar archive (docs/operations.md), safe while the daemons
 * run, made without root reading a file of the instance.
 *
 * Two sides. The readers are steps (admin_priv.h): one runs as the
 * instance's owner in the instance directory and one, when tor/ belongs to
 * tor's user, as that user in tor/. They read through directory fds with
 * O_NOFOLLOW|O_NONBLOCK and send each member down a pipe as a record (a
 * header, the name, the bytes). The writer is this process: it checks
 * every record against restore's member rules (adminops_member_kind and
 * its bounds, an .sdbox's magic) before a byte of it reaches the archive,
 * so what a reader sends can only be a member restore takes.
 *
 * Order: the owner's reader copies the database first, through SQLite's
 * online backup API into an in-memory database (one read transaction), and
 * sends its schema version, which goes into the first member; then
 * sealdrop.conf, tor/ (when it is the owner's), every spool file the
 * snapshot lists (a file deleted meanwhile, or one restore would refuse -
 * not an .sdbox, sparse, hard-linked, not the owner's - loses its row in
 * the snapshot and is counted), the snapshot itself last. Files written
 * after the snapshot are left out (the next backup has them). The archive
 * is written to an unnamed file in the output directory (O_TMPFILE), so an
 * interrupted run leaves nothing, and linked to its name at the end, never
 * replacing a file; with recipients its bytes go through the .sdbox writer
 * first.
 */
#include "admin_ops_int.h"
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
#include <sys/wait.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define COPY_BYTES 65536
/* The reader's database work (opening, copying) ends within this, or the
 * reader is stopped: a FIFO swapped in after the check never hangs it. */
#define DB_SECONDS_MAX 900

/* A record from a reader: a header, then namelen bytes of name, then size
 * bytes (of a file; a directory has none). */
enum { REC_SCHEMA = 1, REC_FILE, REC_DIR, REC_STATS, REC_ERROR, REC_END };
struct rec {
	uint32_t type;
	uint32_t namelen;
	uint64_t size;
};

/* What a reader counted, sent in one REC_STATS record. */
struct rd_stats {
	uint64_t items, vanished, refused, left_out, tor_files, tor_skipped;
	int32_t has_tor, schema;
	char first_refused[ADMINOPS_ITEM_PATH_MAX + ADMINOPS_WHY_MAX];
};

/* The writer: this process. */
struct bk {
	const struct adminops_backup_opts *o;
	struct adminops_backup_stats st;
	char *err;
	int outdirfd, fd, tmpfile;
	char tmpname[NAME_MAX + 1];
	char base[NAME_MAX + 1];
	struct archive *a;
	struct sdbox_writer *w;
	unsigned char *buf;
	int have[M_TORDIR + 1];
};

/* A reader: a step of its own. */
struct rd {
	int out;          /* the pipe's write end */
	int close_fds[3]; /* the writer's descriptors, closed first */
	int tor;          /* 1: tor/'s reader (working directory tor/) */
	int with_tor;     /* the owner's reader also sends tor/ */
	struct db *mem;
	struct db_admin_ids ids;
	struct rd_stats st;
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

/* ---- the readers ------------------------------------------------------ */

static int
rd_send(struct rd *r, uint32_t type, const char *name, uint64_t size, const void *data, size_t len)
{
	struct rec h = { type, name ? (uint32_t)strlen(name) : 0, size };
	int e;

	if ((e = sd_write_full(r->out, &h, sizeof h)) != 0 ||
	    (h.namelen > 0 && (e = sd_write_full(r->out, name, h.namelen)) != 0) ||
	    (len > 0 && (e = sd_write_full(r->out, data, len)) != 0))
		return e;
	return 0;
}

static int rd_error(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Tell the writer why this reader stops (one line), and stop. */
static int
rd_error(struct rd *r, const char *fmt, ...)
{
	char msg[ADMINOPS_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)rd_send(r, REC_ERROR, NULL, strlen(msg), msg, strlen(msg));
	return 1;
}

/* A member holding exactly size bytes of an open file. A file that
 * changes size under the reader breaks the stream: the writer sees it end
 * early and writes no archive. */
static int
rd_file(struct rd *r, const char *name, int fd, uint64_t size)
{
	uint64_t left = size;
	int e;

	if ((e = rd_send(r, REC_FILE, name, size, NULL, 0)) != 0)
		return e;
	while (left > 0) {
		size_t want = left < COPY_BYTES ? (size_t)left : COPY_BYTES, got = 0;
		if (sd_read_full(fd, r->buf, want, &got) != 0 || got != want)
			return SD_ERR_TRUNCATED;
		if ((e = sd_write_full(r->out, r->buf, got)) != 0)
			return e;
		left -= got;
	}
	return 0;
}

/* A small regular file (never a link, FIFO or device). */
static int
rd_small(struct rd *r, int dirfd, const char *rel, const char *name)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), e;
	struct stat st;

	if (fd < 0)
		return rd_error(r, "%s: %s", name, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid() || (uint64_t)st.st_size > ADMINOPS_SMALL_MAX)
		e = rd_error(r,
		    "%s: not a regular file of this instance's user with one link and "
		    "at most 1 MiB",
		    name);
	else
		e = rd_file(r, name, fd, (uint64_t)st.st_size);
	close(fd);
	return e;
}

static int rd_tor_dir(struct rd *r, int fd, const char *rel, int depth);

/* One entry under tor/: a directory (recursed into), a small file, or
 * something skipped and counted (a link, a socket, an unusual name, a
 * hard-linked file). */
static int
rd_tor_entry(struct rd *r, int fd, const char *name, const char *rel, int depth)
{
	char sub[PATH_MAX];
	struct stat st;
	int cfd, e;

	if (!adminops_tor_name_ok(name, strlen(name)) ||
	    fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) ||
	    (S_ISREG(st.st_mode) && st.st_nlink != 1) ||
	    (S_ISDIR(st.st_mode) && depth >= ADMINOPS_TOR_DEPTH_MAX)) {
		r->st.tor_skipped++;
		return 0;
	}
	(void)snprintf(sub, sizeof sub, "%s/%s", rel, name);
	if (S_ISREG(st.st_mode)) {
		r->st.tor_files++;
		return rd_small(r, fd, name, sub);
	}
	if ((e = rd_send(r, REC_DIR, sub, 0, NULL, 0)) != 0)
		return e;
	if ((cfd = openat(fd, name, DIR_FLAGS)) < 0)
		return rd_error(r, "%s: %s", sub, strerror(errno));
	e = rd_tor_dir(r, cfd, sub, depth + 1);
	close(cfd);
	return e;
}

static int
rd_tor_dir(struct rd *r, int fd, const char *rel, int depth)
{
	struct dirent *ent;
	int e = 0;
	DIR *d;

	if (adminops_opendir(fd, &d) != 0)
		return rd_error(r, "%s: cannot list: %s", rel, strerror(errno));
	while (e == 0 && (ent = readdir(d)) != NULL)
		if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
			e = rd_tor_entry(r, fd, ent->d_name, rel, depth);
	closedir(d);
	return e;
}

/* tor/ opened as fd. */
static int
rd_tor(struct rd *r, int fd)
{
	int e;

	r->st.has_tor = 1;
	if ((e = rd_send(r, REC_DIR, "tor", 0, NULL, 0)) != 0)
		return e;
	return rd_tor_dir(r, fd, "tor", 1);
}

/* One item of the snapshot. A file deleted since, or one that restore
 * would refuse, loses its row (counted and said). */
static int
rd_item(struct rd *r, int spfd, const struct db_admin_pair *p)
{
	char s[SD_ID_HEX + 1], bt[SD_ID_HEX + 1], i[SD_SPOOL_NAME_LEN + 1];
	char name[ADMINOPS_ITEM_PATH_MAX], why[ADMINOPS_WHY_MAX];
	int dfd, bfd, fd = -1, e;
	uint64_t size = 0;

	adminops_item_path(p, name);
	sd_id_hex(p->src, s);
	sd_id_hex(p->batch, bt);
	sd_spool_name(p->item, i);
	why[0] = '\0';
	if ((dfd = openat(spfd, s, DIR_FLAGS)) >= 0 && p->has_batch) {
		bfd = openat(dfd, bt, DIR_FLAGS);
		close(dfd);
		dfd = bfd;
	}
	if (dfd < 0)
		e = errno == ENOENT ? SD_ERR_NOTFOUND : SD_ERR_FORMAT;
	else
		e = adminops_item_open(dfd, i, &fd, &size, why);
	if (dfd >= 0)
		close(dfd);
	if (e == SD_ERR_NOTFOUND)
		r->st.vanished++;
	else if (e != 0 && r->st.refused++ == 0)
		(void)snprintf(r->st.first_refused, sizeof r->st.first_refused, "%s %s", name,
		    why[0] ? why : "cannot be opened");
	if (e != 0) {
		if (db_admin_drop_item(r->mem, p->item) != 0)
			return rd_error(r, "cannot update the database snapshot");
		return 0;
	}
	e = rd_file(r, name, fd, size);
	close(fd);
	if (e == 0)
		r->st.items++;
	return e;
}

static int
rd_spool(struct rd *r)
{
	struct adminops_spool_count k = { 0 };
	int spfd = openat(AT_FDCWD, "spool", DIR_FLAGS), e;

	if (spfd < 0)
		return rd_error(r, "spool/: %s", strerror(errno));
	e = rd_send(r, REC_DIR, "spool", 0, NULL, 0);
	for (size_t i = 0; e == 0 && i < r->ids.n; i++)
		e = rd_item(r, spfd, &r->ids.v[i]);
	if (e == 0 && adminops_spool_walk(spfd, &r->ids, NULL, &k) == 0)
		r->st.left_out = k.orphans;
	close(spfd);
	return e;
}

/* The snapshot, after the rows of vanished and refused files went. */
static int
rd_db(struct rd *r)
{
	unsigned char *img = NULL;
	size_t len = 0;
	int e;

	if (db_admin_integrity(r->mem) != 0)
		return rd_error(r, "the database snapshot fails integrity_check");
	if ((e = db_admin_image(r->mem, &img, &len)) != 0)
		return rd_error(r, "cannot serialise the database snapshot");
	if ((e = rd_send(r, REC_FILE, "sealdrop.db", len, NULL, 0)) == 0)
		e = sd_write_full(r->out, img, len);
	db_admin_image_free(img, len);
	return e;
}

/* The database snapshot and the rows it lists; its schema goes first. */
static int
rd_snapshot(struct rd *r)
{
	char why[ADMINPRIV_ERR_MAX];
	int e;

	/* SQLite opens the side files it finds: each must be a plain file of
	 * the instance's owner with one link, never a FIFO or a link to a file
	 * of someone else. */
	if ((e = adminpriv_db_files(AT_FDCWD, "sealdrop.db", geteuid(), why)) != 0)
		return rd_error(r, "not backed up: %s",
		    e == SD_ERR_NOTFOUND ? "not a sealdrop instance (no sealdrop.db)" : why);
	alarm(DB_SECONDS_MAX);
	e = db_admin_snapshot("sealdrop.db", &r->mem);
	alarm(0);
	if (e == SD_ERR_FORMAT)
		return rd_error(r,
		    "sealdrop.db holds a view, a trigger or another object "
		    "sealdrop never makes, or lacks its tables: not backed up");
	if (e != 0)
		return rd_error(r, "sealdrop.db: cannot copy the database (busy or damaged)");
	if (db_admin_integrity(r->mem) != 0)
		return rd_error(r, "sealdrop.db: integrity_check fails; not backing it up");
	if (db_admin_version(r->mem, &r->st.schema) != 0 || db_admin_items(r->mem, &r->ids) != 0)
		return rd_error(r, "sealdrop.db: cannot read the items");
	return rd_send(r, REC_SCHEMA, NULL, (uint64_t)r->st.schema, NULL, 0);
}

static int
rd_owner(struct rd *r)
{
	int e, tfd;

	if ((e = rd_snapshot(r)) != 0)
		return e;
	if ((e = rd_small(r, AT_FDCWD, "sealdrop.conf", "sealdrop.conf")) != 0)
		return e;
	if (r->with_tor) {
		if ((tfd = openat(AT_FDCWD, "tor", DIR_FLAGS)) < 0 && errno != ENOENT)
			return rd_error(r, "tor/: %s",
			    errno == ELOOP || errno == ENOTDIR
				? "not a directory (a symbolic link?)"
				: strerror(errno));
		if (tfd >= 0) {
			e = rd_tor(r, tfd);
			close(tfd);
			if (e != 0)
				return e;
		}
	}
	if ((e = rd_spool(r)) != 0 || (e = rd_db(r)) != 0)
		return e;
	return 0;
}

/* A reader step: the owner's, or tor/'s. */
static int
rd_step(void *ctx)
{
	struct rd *r = ctx;
	int e, fd;

	for (size_t i = 0; i < sizeof r->close_fds / sizeof r->close_fds[0]; i++)
		if (r->close_fds[i] >= 0)
			close(r->close_fds[i]);
	if ((r->buf = malloc(COPY_BYTES)) == NULL)
		return rd_error(r, "out of memory");
	if (r->tor) {
		if ((fd = open(".", DIR_FLAGS)) < 0)
			e = rd_error(r, "tor/: %s", strerror(errno));
		else {
			e = rd_tor(r, fd);
			close(fd);
		}
	} else {
		e = rd_owner(r);
	}
	if (e == 0 && (e = rd_send(r, REC_STATS, NULL, sizeof r->st, &r->st, sizeof r->st)) == 0)
		e = rd_send(r, REC_END, NULL, 0, NULL, 0);
	db_close(r->mem);
	db_admin_ids_free(&r->ids);
	if (r->buf != NULL) {
		sodium_memzero(r->buf, COPY_BYTES);
		free(r->buf);
	}
	return e == 0 ? 0 : 1;
}

/* ---- the writer --------------------------------------------------------- */

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

/* Exactly len bytes from a reader, or an error: it stopped. */
static int
bk_in(struct bk *b, int in, void *p, size_t len)
{
	size_t got = 0;

	if (sd_read_full(in, p, len, &got) != 0 || got != len)
		return fail(b, SD_ERR_TRUNCATED,
		    "the reading step stopped before the end (see "
		    "above)");
	return 0;
}

/* One member from a reader: checked by restore's rules, then written. */
static int
bk_member(struct bk *b, int in, const struct rec *h, int tor_only)
{
	char name[ADMINOPS_MEMBER_NAME_MAX + 1], shown[ADMINPRIV_SAFE_MAX];
	uint64_t left = h->size;
	int kind, dir = h->type == REC_DIR, e;

	if (h->namelen == 0 || h->namelen > ADMINOPS_MEMBER_NAME_MAX)
		return fail(b, SD_ERR_FORMAT, "a member name of %u bytes refused", h->namelen);
	if ((e = bk_in(b, in, name, h->namelen)) != 0)
		return e;
	name[h->namelen] = '\0';
	(void)adminpriv_safe(name, shown, sizeof shown);
	kind = strlen(name) == h->namelen ? adminops_member_kind(name, dir) : -1;
	if (kind < 0 || kind == M_MANIFEST || (tor_only && kind != M_TORFILE && kind != M_TORDIR))
		return fail(
		    b, SD_ERR_FORMAT, "member '%s' refused: not part of a sealdrop backup", shown);
	if (dir ? h->size != 0
		: (h->size > adminops_member_max(kind) ||
		      (kind == M_ITEM && h->size < sdbox_file_size(0, 1))))
		return fail(b, SD_ERR_RANGE, "member '%s' refused: size out of bounds", shown);
	if (kind <= M_DB && b->have[kind]++)
		return fail(b, SD_ERR_FORMAT, "member '%s' twice", shown);
	if ((e = bk_header(b, name, dir ? AE_IFDIR : AE_IFREG, h->size)) != 0)
		return e;
	while (left > 0) {
		size_t want = left < COPY_BYTES ? (size_t)left : COPY_BYTES;
		if (kind == M_ITEM && left == h->size)
			want = SDBOX_MAGIC_BYTES;
		if ((e = bk_in(b, in, b->buf, want)) != 0)
			return e;
		if (kind == M_ITEM && left == h->size &&
		    memcmp(b->buf, SDBOX_MAGIC, SDBOX_MAGIC_BYTES) != 0)
			return fail(
			    b, SD_ERR_FORMAT, "member '%s' refused: not an .sdbox file", shown);
		if ((e = bk_data(b, name, b->buf, want)) != 0)
			return e;
		left -= want;
	}
	return 0;
}

/* The records of one reader until its end; the owner's starts with the
 * schema, which the manifest carries. */
static int
bk_pump(struct bk *b, int in, int tor_only)
{
	struct rd_stats rs;
	struct rec h;
	int e, schema_seen = tor_only;

	for (;;) {
		if ((e = bk_in(b, in, &h, sizeof h)) != 0)
			return e;
		if (!schema_seen && h.type != REC_SCHEMA && h.type != REC_ERROR)
			return fail(b, SD_ERR_FORMAT, "the reading step sent no schema first");
		switch (h.type) {
		case REC_SCHEMA:
			if (schema_seen || h.size > 1000000)
				return fail(
				    b, SD_ERR_FORMAT, "a second or impossible schema record");
			schema_seen = 1;
			b->st.schema = (int)h.size;
			if ((e = bk_manifest(b)) != 0)
				return e;
			break;
		case REC_FILE:
		case REC_DIR:
			if ((e = bk_member(b, in, &h, tor_only)) != 0)
				return e;
			break;
		case REC_STATS:
			if (h.namelen != 0 || h.size != sizeof rs ||
			    (e = bk_in(b, in, &rs, sizeof rs)) != 0)
				return fail(b, SD_ERR_FORMAT, "a bad statistics record");
			rs.first_refused[sizeof rs.first_refused - 1] = '\0';
			b->st.items += rs.items;
			b->st.vanished += rs.vanished;
			b->st.refused += rs.refused;
			b->st.left_out += rs.left_out;
			b->st.tor_files += rs.tor_files;
			b->st.tor_skipped += rs.tor_skipped;
			b->st.has_tor |= rs.has_tor != 0;
			if (b->st.first_refused[0] == '\0')
				(void)snprintf(b->st.first_refused, sizeof b->st.first_refused,
				    "%s", rs.first_refused);
			break;
		case REC_ERROR: {
			char msg[ADMINOPS_ERR_MAX], shown[ADMINPRIV_SAFE_MAX];

			if (h.namelen != 0 || h.size >= sizeof msg ||
			    bk_in(b, in, msg, h.size) != 0)
				return fail(b, SD_ERR_FORMAT, "a bad error record");
			msg[h.size] = '\0';
			return fail(b, SD_ERR_IO, "%s", adminpriv_safe(msg, shown, sizeof shown));
		}
		case REC_END:
			return schema_seen ? 0 : fail(b, SD_ERR_FORMAT, "no schema");
		default:
			return fail(
			    b, SD_ERR_FORMAT, "the reading step sent a record of type %u", h.type);
		}
	}
}

/* Run one reader step and take its records. */
static int
bk_read(struct bk *b, int dirfd, const struct adminpriv_id *id, struct rd *r)
{
	int p[2], e, rc;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return fail(b, SD_ERR_IO, "pipe: %s", strerror(errno));
	r->out = p[1];
	r->close_fds[0] = p[0];
	r->close_fds[1] = b->fd;
	r->close_fds[2] = b->outdirfd;
	e = adminpriv_spawn(dirfd, id, rd_step, r, &pid);
	close(p[1]);
	if (e != 0) {
		close(p[0]);
		return fail(b, SD_ERR_IO, "cannot start the reading step");
	}
	e = bk_pump(b, p[0], r->tor);
	close(p[0]); /* a reader still writing gets EPIPE */
	rc = adminpriv_wait(pid, id);
	if (e == 0 && rc != 0)
		e = fail(b, SD_ERR_IO, "the reading step failed (exit %d)", rc);
	return e;
}

/* An unnamed file in FILE's directory (FILE must not exist), or a
 * temporary name when the file system has no unnamed files. */
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
	(void)snprintf(
	    dir, sizeof dir, "%.*s", slash ? (int)(slash - b->o->out) : 1, slash ? b->o->out : ".");
	if (dir[0] == '\0')
		(void)snprintf(dir, sizeof dir, "/");
	if ((b->outdirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail(b, SD_ERR_IO, "%s: %s", dir, strerror(errno));
	if (fstatat(b->outdirfd, b->base, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return fail(
		    b, SD_ERR_EXISTS, "%s exists; a backup never replaces a file", b->o->out);
	b->fd = openat(b->outdirfd, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC, 0600);
	if (b->fd >= 0) {
		b->tmpfile = 1;
		return 0;
	}
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	(void)snprintf(b->tmpname, sizeof b->tmpname, ".sealdrop-backup-%s.part", hex);
	b->fd = openat(
	    b->outdirfd, b->tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (b->fd < 0) {
		b->tmpname[0] = '\0';
		return fail(
		    b, SD_ERR_IO, "%s: cannot create a file there: %s", dir, strerror(errno));
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
		return fail(
		    b, SD_ERR_IO, "cannot start the archive: %s", archive_error_string(b->a));
	return 0;
}

/* End the archive (and the .sdbox), fsync, give it its name. */
static int
bk_finish(struct bk *b)
{
	char proc[64];
	int e, rc;

	if (!b->have[M_CONF] || !b->have[M_DB])
		return fail(b, SD_ERR_FORMAT, "the reading step sent no %s",
		    b->have[M_CONF] ? "database" : "sealdrop.conf");
	if (archive_write_close(b->a) != ARCHIVE_OK)
		return fail(
		    b, SD_ERR_IO, "cannot finish the archive: %s", archive_error_string(b->a));
	if (b->w != NULL && (e = sdbox_writer_finish(b->w)) != 0)
		return fail(b, e, "cannot finish the sealed archive: %s", sd_strerror(e));
	if (fsync(b->fd) != 0)
		return fail(b, SD_ERR_IO, "%s: %s", b->o->out, strerror(errno));
	if (b->tmpfile) {
		(void)snprintf(proc, sizeof proc, "/proc/self/fd/%d", b->fd);
		rc = linkat(AT_FDCWD, proc, b->outdirfd, b->base, AT_SYMLINK_FOLLOW);
	} else {
		rc = renameat2(b->outdirfd, b->tmpname, b->outdirfd, b->base, RENAME_NOREPLACE);
	}
	if (rc != 0)
		return fail(b, errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO, "%s: %s", b->o->out,
		    strerror(errno));
	b->tmpname[0] = '\0';
	if (close(b->fd) != 0) {
		b->fd = -1;
		return fail(b, SD_ERR_IO, "%s: %s", b->o->out, strerror(errno));
	}
	b->fd = -1;
	if (fsync(b->outdirfd) != 0)
		return fail(b, SD_ERR_IO, "%s: directory fsync: %s", b->o->out, strerror(errno));
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
	if (b->buf != NULL) {
		sodium_memzero(b->buf, COPY_BYTES);
		free(b->buf);
	}
}

int
adminops_backup(const struct adminops_backup_opts *o, struct adminops_backup_stats *st,
    char err[ADMINOPS_ERR_MAX])
{
	struct bk b = { .o = o, .err = err, .outdirfd = -1, .fd = -1 };
	const struct adminpriv_inst *pi = o->inst;
	/* tor/ of tor's user is read by that user; any other tor/ by the owner. */
	int tor_apart = pi->torfd >= 0 && pi->tor.uid != pi->owner.uid;
	struct rd owner = { .with_tor = !tor_apart }, tor = { .tor = 1 };
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
	if ((e = bk_open_out(&b)) != 0 || (e = bk_open_archive(&b)) != 0 ||
	    (e = bk_read(&b, pi->fd, &pi->owner, &owner)) != 0 ||
	    (tor_apart && (e = bk_read(&b, pi->torfd, &pi->tor, &tor)) != 0) ||
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
