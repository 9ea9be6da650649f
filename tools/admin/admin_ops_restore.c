/*
 * admin_ops_restore.c - sealdrop-admin restore: a backup archive (plain tar or
 * sealed .sdbox, docs/backup.md) into a new instance directory.
 *
 * The target must not exist or be an empty directory. Everything is
 * unpacked into a private staging directory beside it (0700), through
 * directory fds, O_EXCL|O_NOFOLLOW, so a member can never land outside it.
 * Every member is checked before a byte of it is written: its name must be
 * one of the layout's (no absolute path, no "..", nothing unexpected), its
 * type a regular file or a directory (no link, no device), its size within
 * the bound of its kind and the free space. Then the configuration must
 * parse, the database pass integrity_check with a schema this sealdrop
 * knows, and every spool file it lists be there; only then is the staging
 * directory renamed to the target. On any failure it is removed: nothing
 * is left behind, also when SIGINT, SIGTERM or SIGHUP interrupts it (not
 * SIGKILL: a killed restore leaves its .sealdrop-restore-* directory,
 * which root alone can read). Modes are 0700 for directories and 0600 for files; spool
 * mtimes are the epoch (docs/spool.md).
 */
#include "admin_ops_int.h"
#include "admin_tor.h"
#include "admin_ops.h"
#include "conf.h"
#include "db.h"
#include "sdbox.h"
#include "sderr.h"
#include "sdio.h"
#include "sdtree.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define COPY_BYTES 65536
#define MEMBERS_MAX 10000000ULL
#define MANIFEST_MAX ADMINOPS_MANIFEST_MAX
#define MEMBER_NAME_MAX ADMINOPS_MEMBER_NAME_MAX
#define BACKUP_NAME "sealdrop-backup.tar" /* name inside a sealed backup */

struct rs {
	const struct adminops_restore_opts *o;
	struct adminops_restore_stats st;
	char *err;
	int parentfd, sfd, in_fd, target_exists;
	char dir[PATH_MAX], base[NAME_MAX + 1], stage[NAME_MAX + 1];
	struct archive *a;
	struct sdbox_reader *r;
	int r_done;
	unsigned char *buf;
	uint64_t members;
	int have[M_TORDIR + 1];
};

static int fail(struct rs *r, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Set by SIGINT, SIGTERM or SIGHUP during a restore: the work stops at
 * the next member or block and the staging directory is removed. */
static volatile sig_atomic_t g_stop;

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static int
fail(struct rs *r, int e, const char *fmt, ...)
{
	va_list ap;

	if (r->err[0] == '\0') {
		va_start(ap, fmt);
		(void)vsnprintf(r->err, ADMINOPS_ERR_MAX, fmt, ap);
		va_end(ap);
	}
	return e;
}

/* A member name fit for a message: bounded, control characters replaced. */
static void
printable(const char *s, char out[96])
{
	size_t i = 0;

	for (; s[i] != '\0' && i < 95; i++)
		out[i] = (s[i] > 0 && s[i] < 0x20) || s[i] == 0x7f ? '?' : s[i];
	out[i] = '\0';
}

/* Check a member's name, type and size; *kind and name (a directory's
 * without its trailing slash) on success. */
static int
rs_check(struct rs *r, struct archive_entry *ae, char name[MEMBER_NAME_MAX + 1], int *kind)
{
	const char *n = archive_entry_pathname(ae);
	unsigned type = archive_entry_filetype(ae);
	char shown[96];
	size_t len;
	int k;

	if (n == NULL)
		return fail(r, SD_ERR_FORMAT, "a member has no name");
	printable(n, shown);
	if (++r->members > MEMBERS_MAX)
		return fail(r, SD_ERR_RANGE, "too many members");
	if ((len = strlen(n)) == 0 || len > MEMBER_NAME_MAX)
		return fail(
		    r, SD_ERR_FORMAT, "member '%s' refused: empty or too long a name", shown);
	if (archive_entry_hardlink(ae) != NULL || archive_entry_symlink(ae) != NULL ||
	    (type != AE_IFREG && type != AE_IFDIR))
		return fail(r, SD_ERR_FORMAT,
		    "member '%s' refused: a link, a device or not a "
		    "regular file or directory",
		    shown);
	memcpy(name, n, len + 1);
	if (type == AE_IFDIR && name[len - 1] == '/')
		name[--len] = '\0';
	if ((k = adminops_member_kind(name, type == AE_IFDIR)) < 0)
		return fail(r, SD_ERR_FORMAT,
		    "member '%s' refused: not part of a sealdrop backup "
		    "(an absolute path, '..' or an unexpected name)",
		    shown);
	if (r->members == 1 && k != M_MANIFEST)
		return fail(r, SD_ERR_FORMAT,
		    "not a sealdrop backup (its first member is not "
		    "sealdrop-backup)");
	if (type == AE_IFREG &&
	    (!archive_entry_size_is_set(ae) || archive_entry_size(ae) < 0 ||
		(uint64_t)archive_entry_size(ae) > adminops_member_max(k) ||
		(k == M_ITEM && (uint64_t)archive_entry_size(ae) < sdbox_file_size(0, 1))))
		return fail(r, SD_ERR_RANGE, "member '%s' refused: size out of bounds", shown);
	if (k <= M_DB && r->have[k])
		return fail(r, SD_ERR_FORMAT, "member '%s' appears twice", shown);
	*kind = k;
	return 0;
}

/* The directory that holds name (its components before the last made as
 * needed, 0700); *last points at the last component. An fd or -1. */
static int
rs_parent(struct rs *r, const char *name, const char **last)
{
	char comp[NAME_MAX + 1];
	const char *p = name, *slash;
	int fd = dup(r->sfd), nfd;

	while (fd >= 0 && (slash = strchr(p, '/')) != NULL) {
		size_t len = (size_t)(slash - p);
		if (len == 0 || len > NAME_MAX) {
			close(fd);
			return -1;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		nfd = mkdirat(fd, comp, 0700) == 0 || errno == EEXIST ? openat(fd, comp, DIR_FLAGS)
								      : -1;
		close(fd);
		fd = nfd;
		p = slash + 1;
	}
	*last = p;
	return fd;
}

static int
rs_dir(struct rs *r, const char *name)
{
	const char *last;
	int fd = rs_parent(r, name, &last), e = 0;
	struct stat st;

	if (fd < 0)
		return fail(r, SD_ERR_IO, "%s: cannot create: %s", name, strerror(errno));
	if ((mkdirat(fd, last, 0700) != 0 && errno != EEXIST) ||
	    fstatat(fd, last, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
		e = fail(r, SD_ERR_FORMAT, "member '%s': cannot be a directory here", name);
	close(fd);
	return e;
}

/* The manifest, read and checked, not written: it is not part of an
 * instance. */
static int
rs_manifest(struct rs *r)
{
	static const char want[] = "sealdrop-backup 1\n";
	size_t have = 0;
	la_ssize_t n;

	while ((n = archive_read_data(r->a, r->buf + have, MANIFEST_MAX - have)) > 0)
		have += (size_t)n;
	if (n < 0)
		return fail(r, SD_ERR_TRUNCATED, "the archive is damaged or truncated: %s",
		    archive_error_string(r->a));
	if (have < sizeof want - 1 || memcmp(r->buf, want, sizeof want - 1) != 0)
		return fail(r, SD_ERR_FORMAT,
		    "not a sealdrop backup of a version this sealdrop "
		    "knows (the first line of sealdrop-backup is not 'sealdrop-backup 1')");
	return 0;
}

/* Copy the member's data into fd; exactly size bytes. An .sdbox must
 * start with its magic. */
static int
rs_copy(struct rs *r, const char *name, int fd, int kind, uint64_t size)
{
	uint64_t total = 0;
	la_ssize_t n;

	while ((n = archive_read_data(r->a, r->buf, COPY_BYTES)) > 0) {
		if (g_stop)
			return fail(r, SD_ERR_STATE, "interrupted: nothing restored");
		if (kind == M_ITEM && total == 0 &&
		    ((size_t)n < SDBOX_MAGIC_BYTES ||
			memcmp(r->buf, SDBOX_MAGIC, SDBOX_MAGIC_BYTES) != 0))
			return fail(r, SD_ERR_FORMAT, "member '%s' is not an .sdbox file", name);
		total += (uint64_t)n;
		if (total > size)
			return fail(
			    r, SD_ERR_RANGE, "member '%s' is longer than its header says", name);
		if (sd_write_full(fd, r->buf, (size_t)n) != 0)
			return fail(r, SD_ERR_IO, "%s: cannot write: %s", name, strerror(errno));
	}
	if (n < 0 || total != size)
		return fail(r, SD_ERR_TRUNCATED,
		    "the archive is damaged or truncated (in '%s'): %s", name,
		    n < 0 ? archive_error_string(r->a) : "short member");
	return 0;
}

static int
rs_file(struct rs *r, const char *name, int kind, uint64_t size)
{
	static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };
	const char *last;
	struct statvfs vfs;
	int pfd = rs_parent(r, name, &last), fd = -1, e;

	if (pfd < 0)
		return fail(r, SD_ERR_FORMAT, "member '%s': its directory cannot be made", name);
	if (fstatvfs(r->sfd, &vfs) != 0 ||
	    (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize <= size) {
		e = fail(r, SD_ERR_RANGE, "not enough free space for member '%s'", name);
		goto out;
	}
	fd = openat(pfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = fail(r, errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO, "member '%s': %s", name,
		    errno == EEXIST ? "appears twice" : strerror(errno));
		goto out;
	}
	if ((e = rs_copy(r, name, fd, kind, size)) != 0)
		goto out;
	if (kind == M_ITEM && futimens(fd, epoch) != 0)
		e = fail(r, SD_ERR_IO, "%s: %s", name, strerror(errno));
out:
	if (fd >= 0 && close(fd) != 0 && e == 0)
		e = fail(r, SD_ERR_IO, "%s: %s", name, strerror(errno));
	close(pfd);
	return e;
}

/* libarchive's input from a sealed backup: the .sdbox reader's chunks. */
static la_ssize_t
rs_read(struct archive *a, void *ctx, const void **out)
{
	struct rs *r = ctx;
	const unsigned char *chunk = NULL;
	size_t len = 0;
	int e;

	if (r->r_done)
		return 0;
	if ((e = sdbox_reader_read(r->r, &chunk, &len)) != 0) {
		archive_set_error(a, EIO, "sealed backup: %s", sd_strerror(e));
		return -1;
	}
	if (len == 0)
		r->r_done = 1;
	*out = chunk;
	return (la_ssize_t)len;
}

/* Read the sealed input to its verified end (the tar may end before). */
static int
rs_drain(struct rs *r)
{
	const unsigned char *chunk;
	size_t len = 1;
	int e;

	while (!r->r_done) {
		if ((e = sdbox_reader_read(r->r, &chunk, &len)) != 0)
			return fail(r, e, "the sealed backup does not verify: %s", sd_strerror(e));
		if (len == 0)
			r->r_done = 1;
	}
	return 0;
}

static int
rs_open_sealed(struct rs *r)
{
	const struct sdbox_meta *m;
	int e;

	if (r->o->sk == NULL)
		return fail(r, SD_ERR_ARG, "%s is a sealed backup: give --key FILE.key", r->o->in);
	e = sdbox_reader_new(&r->r, r->o->sk, sdbox_fd_read, &r->in_fd);
	sodium_memzero(r->o->sk, ADMINOPS_KEYBYTES);
	if (e != 0)
		return fail(
		    r, e, "%s: cannot open the sealed backup: %s", r->o->in, sd_strerror(e));
	m = sdbox_reader_meta(r->r);
	if (m->kind != SDBOX_KIND_FILE || strcmp(m->name, BACKUP_NAME) != 0)
		return fail(
		    r, SD_ERR_FORMAT, "%s: a sealed file, but not a sealed backup", r->o->in);
	return 0;
}

static int
rs_open_input(struct rs *r)
{
	unsigned char head[SDBOX_MAGIC_BYTES];
	int rc, e;

	if ((r->in_fd = open(r->o->in, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return fail(r, SD_ERR_IO, "%s: %s", r->o->in, strerror(errno));
	if ((r->a = archive_read_new()) == NULL)
		return fail(r, SD_ERR_NOMEM, "out of memory");
	archive_read_support_format_tar(r->a);
	if (pread(r->in_fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
	    memcmp(head, SDBOX_MAGIC, sizeof head) == 0) {
		if ((e = rs_open_sealed(r)) != 0)
			return e;
		rc = archive_read_open(r->a, r, NULL, rs_read, NULL);
	} else {
		if (r->o->sk != NULL)
			sodium_memzero(r->o->sk, ADMINOPS_KEYBYTES);
		r->r_done = 1;
		rc = archive_read_open_fd(r->a, r->in_fd, COPY_BYTES);
	}
	if (rc != ARCHIVE_OK)
		return fail(r, SD_ERR_FORMAT, "%s: not a backup archive: %s", r->o->in,
		    archive_error_string(r->a));
	return 0;
}

/* Every member, checked then written; then, sealed, the input's end. */
static int
rs_members(struct rs *r)
{
	struct archive_entry *ae;
	char name[MEMBER_NAME_MAX + 1];
	int rc, kind, e;

	while ((rc = archive_read_next_header(r->a, &ae)) == ARCHIVE_OK) {
		if (g_stop)
			return fail(r, SD_ERR_STATE, "interrupted: nothing restored");
		if ((e = rs_check(r, ae, name, &kind)) != 0)
			return e;
		if (kind == M_MANIFEST)
			e = rs_manifest(r);
		else if (kind >= M_SPOOLDIR)
			e = rs_dir(r, name);
		else
			e = rs_file(r, name, kind, (uint64_t)archive_entry_size(ae));
		if (e != 0)
			return e;
		r->have[kind] = 1;
		if (kind == M_TORFILE)
			r->st.tor_files++;
		if (kind == M_TORDIR)
			r->st.has_tor = 1;
	}
	if (rc != ARCHIVE_EOF)
		return fail(r, SD_ERR_TRUNCATED, "the archive is damaged or truncated: %s",
		    archive_error_string(r->a));
	if (r->members == 0)
		return fail(r, SD_ERR_FORMAT, "%s: an empty archive", r->o->in);
	if (!r->have[M_CONF] || !r->have[M_DB])
		return fail(r, SD_ERR_TRUNCATED, "the archive lacks %s (truncated?)",
		    r->have[M_CONF] ? "sealdrop.db" : "sealdrop.conf");
	return rs_drain(r);
}

/* The target: absent, or an empty directory; the staging directory beside. */
static int
rs_target(struct rs *r)
{
	const char *slash = strrchr(r->o->instance, '/');
	const char *base = slash ? slash + 1 : r->o->instance;
	unsigned char rnd[8];
	char hex[17];
	struct stat st;
	unsigned n = 1;
	int fd;

	if (strlen(r->o->instance) >= sizeof r->dir || strlen(base) > NAME_MAX || base[0] == '\0' ||
	    strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return fail(r, SD_ERR_ARG,
		    "%s: give the new instance directory's path without a "
		    "trailing slash",
		    r->o->instance);
	(void)snprintf(r->base, sizeof r->base, "%s", base);
	(void)snprintf(r->dir, sizeof r->dir, "%.*s", slash ? (int)(slash - r->o->instance) : 1,
	    slash ? r->o->instance : ".");
	if (r->dir[0] == '\0')
		(void)snprintf(r->dir, sizeof r->dir, "/");
	if ((r->parentfd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail(r, SD_ERR_IO, "%s: %s", r->dir, strerror(errno));
	if (fstatat(r->parentfd, r->base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode) && (fd = openat(r->parentfd, r->base, DIR_FLAGS)) >= 0) {
			(void)adminops_count_entries(fd, &n);
			close(fd);
		}
		if (n != 0)
			return fail(r, SD_ERR_EXISTS,
			    "%s exists and is not an empty directory; "
			    "restore only into a new one",
			    r->o->instance);
		r->target_exists = 1;
	}
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	(void)snprintf(r->stage, sizeof r->stage, ".sealdrop-restore-%s", hex);
	if (mkdirat(r->parentfd, r->stage, 0700) != 0) {
		r->stage[0] = '\0';
		return fail(r, SD_ERR_IO, "%s: cannot create a directory there: %s", r->dir,
		    strerror(errno));
	}
	if ((r->sfd = openat(r->parentfd, r->stage, DIR_FLAGS)) < 0)
		return fail(r, SD_ERR_IO, "%s: %s", r->stage, strerror(errno));
	return 0;
}

/* A path inside the staging directory. */
static int
stage_path(struct rs *r, const char *name, char out[PATH_MAX])
{
	if (snprintf(out, PATH_MAX, "%s/%s/%s", r->dir, r->stage, name) >= PATH_MAX)
		return fail(r, SD_ERR_TOOLONG, "%s: path too long", r->dir);
	return 0;
}

/* spool/ and spool/tmp/ exist; spool directories carry epoch mtimes. */
static int
rs_spool_dirs(struct rs *r, int *spfd)
{
	static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };
	int fd, tfd;

	if ((mkdirat(r->sfd, "spool", 0700) != 0 && errno != EEXIST) ||
	    (fd = openat(r->sfd, "spool", DIR_FLAGS)) < 0)
		return fail(r, SD_ERR_IO, "spool/: %s", strerror(errno));
	if ((mkdirat(fd, "tmp", 0700) != 0 && errno != EEXIST) ||
	    (tfd = openat(fd, "tmp", DIR_FLAGS)) < 0) {
		close(fd);
		return fail(r, SD_ERR_IO, "spool/tmp/: %s", strerror(errno));
	}
	(void)futimens(tfd, epoch);
	close(tfd);
	if (adminops_epoch_dirs(fd) != 0 || futimens(fd, epoch) != 0) {
		close(fd);
		return fail(r, SD_ERR_IO, "spool/: cannot be finished");
	}
	*spfd = fd;
	return 0;
}

/* The database: integrity, a schema this sealdrop knows; the spool holds
 * exactly the files it lists, each where its row says, as backup takes
 * them. */
static int
rs_verify_db(struct rs *r, int spfd)
{
	char path[PATH_MAX], first[ADMINOPS_ITEM_PATH_MAX] = "";
	struct db_admin_ids ids = { 0 };
	struct adminops_spool_count k = { 0 };
	struct db *h = NULL;
	uint64_t missing = 0;
	int e;

	if ((e = stage_path(r, "sealdrop.db", path)) != 0)
		goto out;
	if ((e = db_admin_open_ro(path, &h)) == SD_ERR_FORMAT) {
		e = fail(r, e,
		    "the database in the archive holds a view, a trigger or another "
		    "object sealdrop never makes, or lacks its tables");
		goto out;
	}
	if (e != 0 || db_admin_integrity(h) != 0) {
		e = fail(r, SD_ERR_FORMAT, "the database in the archive fails integrity_check");
		goto out;
	}
	if ((e = db_admin_version(h, &r->st.schema)) != 0 || r->st.schema > DB_SCHEMA_VERSION) {
		e = fail(r, SD_ERR_FORMAT,
		    "the database's schema (%d) is newer than this "
		    "sealdrop's (%d)",
		    r->st.schema, DB_SCHEMA_VERSION);
		goto out;
	}
	if ((e = db_admin_items(h, &ids)) != 0 ||
	    (e = adminops_spool_walk(spfd, &ids, NULL, &k)) != 0) {
		e = fail(r, e, "the database's items or the spool cannot be read");
		goto out;
	}
	for (size_t i = 0; i < ids.n; i++)
		if (!ids.mark[i] && missing++ == 0)
			adminops_item_path(&ids.v[i], first);
	if (k.bad > 0)
		e = fail(r, SD_ERR_FORMAT, "%s", k.first_bad);
	else if (missing > 0)
		e = fail(r, SD_ERR_FORMAT, "the database lists %s, which the archive lacks", first);
	else if (k.misplaced > 0)
		e = fail(r, SD_ERR_FORMAT, "%s is in another batch than its row says",
		    k.first_misplaced);
	else if (k.orphans > 0)
		e = fail(
		    r, SD_ERR_FORMAT, "%s is not listed by the archive's database", k.first_orphan);
	else if (k.strange > 0 || k.empty > 0)
		e = fail(r, SD_ERR_FORMAT, "%s is not part of a spool",
		    k.strange ? k.first_strange : k.first_empty);
	if (e != 0)
		goto out;
	r->st.items = ids.n;
out:
	db_admin_ids_free(&ids);
	db_close(h);
	return e;
}

static int
rs_verify(struct rs *r)
{
	char path[PATH_MAX], err[CONF_ERR_MAX] = "";
	struct conf c;
	int spfd = -1, e;

	if ((e = stage_path(r, "sealdrop.conf", path)) != 0)
		return e;
	conf_defaults(&c);
	if (conf_load(path, &c, err) != 0)
		return fail(
		    r, SD_ERR_FORMAT, "the archive's sealdrop.conf does not parse: %s", err);
	if ((e = rs_spool_dirs(r, &spfd)) != 0)
		return e;
	e = rs_verify_db(r, spfd);
	close(spfd);
	/* A database in WAL mode opened read-only leaves these two beside it:
	 * this process made them, the instance needs neither. */
	if (e == 0 &&
	    ((unlinkat(r->sfd, "sealdrop.db-wal", 0) != 0 && errno != ENOENT) ||
		(unlinkat(r->sfd, "sealdrop.db-shm", 0) != 0 && errno != ENOENT)))
		e = fail(
		    r, SD_ERR_IO, "sealdrop.db-wal or -shm cannot be removed: %s", strerror(errno));
	return e;
}

/* Everything on disk, then the staging directory becomes the target. */
static int
rs_commit(struct rs *r)
{
	char real[PATH_MAX], target[PATH_MAX];
	int rc;

	if (realpath(r->dir, real) == NULL ||
	    snprintf(target, sizeof target, "%s/%s", strcmp(real, "/") ? real : "", r->base) >=
		(int)sizeof target)
		return fail(r, SD_ERR_IO, "%s: cannot resolve the path", r->dir);
	if (r->st.has_tor && admintor_torrc_move(r->sfd, target, &r->st.torrc) != 0)
		return fail(r, SD_ERR_IO, "tor/torrc cannot be rewritten for %s", target);
	if (syncfs(r->sfd) != 0)
		return fail(r, SD_ERR_IO, "%s: sync: %s", r->dir, strerror(errno));
	if (r->target_exists)
		rc = renameat(r->parentfd, r->stage, r->parentfd, r->base);
	else
		rc = renameat2(r->parentfd, r->stage, r->parentfd, r->base, RENAME_NOREPLACE);
	if (rc != 0)
		return fail(r, SD_ERR_EXISTS, "%s: cannot put the restored instance there: %s",
		    r->o->instance, strerror(errno));
	r->stage[0] = '\0';
	if (fsync(r->parentfd) != 0)
		return fail(r, SD_ERR_IO, "%s: directory fsync: %s", r->dir, strerror(errno));
	return 0;
}

int
adminops_restore(const struct adminops_restore_opts *o, struct adminops_restore_stats *st,
    char err[ADMINOPS_ERR_MAX])
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct rs r = { .o = o, .err = err, .parentfd = -1, .sfd = -1, .in_fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal }, old[3];
	int e;

	err[0] = '\0';
	g_stop = 0;
	for (size_t i = 0; i < 3; i++)
		(void)sigaction(sigs[i], &sa, &old[i]);
	if ((r.buf = malloc(COPY_BYTES)) == NULL) {
		e = fail(&r, SD_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((e = rs_target(&r)) != 0 || (e = rs_open_input(&r)) != 0 || (e = rs_members(&r)) != 0 ||
	    (e = rs_verify(&r)) != 0)
		goto out;
	if (g_stop) {
		e = fail(&r, SD_ERR_STATE, "interrupted: nothing restored");
		goto out;
	}
	if ((e = rs_commit(&r)) != 0)
		goto out;
	*st = r.st;
out:
	if (o->sk != NULL)
		sodium_memzero(o->sk, ADMINOPS_KEYBYTES);
	if (r.a != NULL)
		archive_read_free(r.a);
	sdbox_reader_free(r.r);
	if (r.in_fd >= 0)
		close(r.in_fd);
	if (r.sfd >= 0)
		close(r.sfd);
	if (r.stage[0] != '\0' && sd_rmtree_at(r.parentfd, r.stage, SD_TREE_DEPTH_MAX) != 0 &&
	    e == 0)
		e = fail(&r, SD_ERR_IO, "%s/%s: could not be removed", r.dir, r.stage);
	if (r.parentfd >= 0)
		close(r.parentfd);
	if (r.buf != NULL) {
		sodium_memzero(r.buf, COPY_BYTES);
		free(r.buf);
	}
	for (size_t i = 0; i < 3; i++)
		(void)sigaction(sigs[i], &old[i], NULL);
	return e;
}
