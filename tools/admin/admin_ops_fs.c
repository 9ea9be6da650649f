/*
 * admin_ops_fs.c - the file-system side shared by sealdrop-admin's check,
 * backup and restore (admin_ops_int.h): strict spool names, the one rule for
 * an item file a backup takes, a walk of the spool (items at depth 2 and
 * 3) against the database's rows, the names allowed under tor/, counting and
 * removing what this process made. Everything goes through directory fds
 * with O_NOFOLLOW; no symlink is followed.
 */
#include "admin_ops_int.h"
#include "sdbox.h"
#include "sderr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

int
adminops_opendir(int fd, DIR **out)
{
	int dup_fd = dup(fd);
	DIR *d;

	if (dup_fd < 0)
		return SD_ERR_IO;
	if ((d = fdopendir(dup_fd)) == NULL) {
		int saved = errno;

		close(dup_fd);
		errno = saved;
		return SD_ERR_IO;
	}
	/* A duplicate shares the read position: start from the first entry
	 * whoever read the directory before. */
	rewinddir(d);
	*out = d;
	return 0;
}

/* A name for a message: spool/<a>[/<b>[/<c>]] (each part already checked to
 * be short, or cut). */
static void
note_first(char *dst, size_t dstsz, const char *a, const char *b, const char *c)
{
	if (dst[0] == '\0')
		(void)snprintf(dst, dstsz, "spool/%.38s%s%.38s%s%.38s", a, b[0] ? "/" : "", b,
		    c[0] ? "/" : "", c);
}

void
adminops_item_path(const struct db_admin_pair *p, char *out)
{
	char s[SD_ID_HEX + 1], i[SD_SPOOL_NAME_LEN + 1], b[SD_ID_HEX + 1];

	sd_id_hex(p->src, s);
	sd_spool_name(p->item, i);
	sd_id_hex(p->batch, b);
	(void)snprintf(out, ADMINOPS_ITEM_PATH_MAX, "spool/%s/%s%s%s", s, p->has_batch ? b : "",
	    p->has_batch ? "/" : "", i);
}

/* More than this many bytes of holes is a sparse file, which a sealed
 * file never is (its bytes are random). */
#define SPARSE_SLACK (1024 * 1024)

int
adminops_item_open(int dirfd, const char *name, int *fd, uint64_t *size, char why[ADMINOPS_WHY_MAX])
{
	unsigned char head[SDBOX_MAGIC_BYTES];
	struct stat st, st2;
	int f = -1, e = SD_ERR_FORMAT;

	why[0] = '\0';
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return SD_ERR_NOTFOUND;
		(void)snprintf(why, ADMINOPS_WHY_MAX, "%s", strerror(errno));
		return SD_ERR_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)snprintf(why, ADMINOPS_WHY_MAX, "not a regular file (%s)",
		    S_ISLNK(st.st_mode)        ? "a symbolic link"
			: S_ISDIR(st.st_mode)  ? "a directory"
			: S_ISFIFO(st.st_mode) ? "a FIFO"
			: S_ISSOCK(st.st_mode) ? "a socket"
					       : "a device");
		return e;
	}
	f = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (f < 0 || fstat(f, &st2) != 0) {
		if (f < 0 && errno == ENOENT)
			return SD_ERR_NOTFOUND;
		(void)snprintf(why, ADMINOPS_WHY_MAX, "cannot be opened: %s", strerror(errno));
		e = SD_ERR_IO;
		goto out;
	}
	if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino || !S_ISREG(st2.st_mode))
		(void)snprintf(why, ADMINOPS_WHY_MAX, "changed while being opened");
	else if (st2.st_nlink != 1)
		(void)snprintf(
		    why, ADMINOPS_WHY_MAX, "has %ju hard links, not one", (uintmax_t)st2.st_nlink);
	else if (st2.st_uid != geteuid())
		(void)snprintf(why, ADMINOPS_WHY_MAX,
		    "is owned by uid %u, not the instance's uid %u", (unsigned)st2.st_uid,
		    (unsigned)geteuid());
	else if ((uint64_t)st2.st_size < sdbox_file_size(0, 1) ||
	    (uint64_t)st2.st_size > ADMINOPS_ITEM_MAX)
		(void)snprintf(why, ADMINOPS_WHY_MAX,
		    "has %jd bytes: not the size of a sealed file", (intmax_t)st2.st_size);
	else if ((uint64_t)st2.st_blocks * 512 + SPARSE_SLACK < (uint64_t)st2.st_size)
		(void)snprintf(why, ADMINOPS_WHY_MAX, "is sparse (%jd bytes, %ju allocated)",
		    (intmax_t)st2.st_size, (uintmax_t)st2.st_blocks * 512);
	else if (pread(f, head, sizeof head, 0) != (ssize_t)sizeof head ||
	    memcmp(head, SDBOX_MAGIC, sizeof head) != 0)
		(void)snprintf(why, ADMINOPS_WHY_MAX, "is not a sealed (.sdbox) file");
	else if (fcntl(f, F_SETFL, 0) != 0)
		(void)snprintf(why, ADMINOPS_WHY_MAX, "fcntl: %s", strerror(errno));
	else
		e = 0;
	if (e != 0)
		goto out;
	*size = (uint64_t)st2.st_size;
	if (fd != NULL) {
		*fd = f;
		f = -1;
	}
out:
	if (f >= 0)
		close(f);
	return e;
}

/* One entry with an item's name under a source or batch directory. */
static void
item_entry(int dirfd, const char *name, struct db_admin_pair *p, const char *a, const char *b,
    struct db_admin_ids *ids, struct adminops_spool_count *k)
{
	char why[ADMINOPS_WHY_MAX], where[ADMINOPS_ITEM_PATH_MAX];
	uint64_t size;
	size_t i;
	int e = adminops_item_open(dirfd, name, NULL, &size, why);

	if (e == SD_ERR_NOTFOUND)
		return; /* removed meanwhile (a daemon at work) */
	if (e != 0) {
		k->bad++;
		if (k->first_bad[0] == '\0') {
			note_first(where, sizeof where, a, b, name);
			(void)snprintf(k->first_bad, sizeof k->first_bad, "%s %s", where, why);
		}
		return;
	}
	k->files++;
	if (db_admin_ids_find(ids, p, &i) != 0) {
		k->orphans++;
		note_first(k->first_orphan, sizeof k->first_orphan, a, b, name);
	} else if (ids->v[i].has_batch != p->has_batch ||
	    (p->has_batch && memcmp(ids->v[i].batch, p->batch, SD_ID_BYTES) != 0)) {
		k->misplaced++;
		note_first(k->first_misplaced, sizeof k->first_misplaced, a, b, name);
	} else {
		ids->mark[i] = 1;
	}
}

static void
strange(struct adminops_spool_count *k, const char *a, const char *b, const char *c)
{
	k->strange++;
	note_first(k->first_strange, sizeof k->first_strange, a, b, c);
}

/* A batch directory <source>/<batch>/: items only, no deeper entry. */
static void
batch_walk(int bfd, struct db_admin_pair *p, const char *srchex, const char *bhex,
    struct db_admin_ids *ids, struct adminops_spool_count *k)
{
	struct dirent *ent;
	unsigned n = 0;
	DIR *d;

	if (adminops_opendir(bfd, &d) != 0) {
		strange(k, srchex, bhex, "");
		return;
	}
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		n++;
		if (sd_spool_name_parse(ent->d_name, p->item) != 0) {
			strange(k, srchex, bhex, ent->d_name);
			continue;
		}
		item_entry(bfd, ent->d_name, p, srchex, bhex, ids, k);
	}
	closedir(d);
	if (n == 0) {
		k->empty++;
		note_first(k->first_empty, sizeof k->first_empty, srchex, bhex, "");
	}
}

/* A source directory: items (depth 2) and batch directories. */
static void
source_walk(int sfd, struct db_admin_pair *p, const char *srchex, struct db_admin_ids *ids,
    struct adminops_spool_count *k)
{
	struct dirent *ent;
	unsigned n = 0;
	DIR *d;

	if (adminops_opendir(sfd, &d) != 0) {
		strange(k, srchex, "", "");
		return;
	}
	while ((ent = readdir(d)) != NULL) {
		struct stat st;
		int bfd;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		n++;
		if (sd_spool_name_parse(ent->d_name, p->item) == 0) {
			p->has_batch = 0;
			memset(p->batch, 0, sizeof p->batch);
			item_entry(sfd, ent->d_name, p, srchex, "", ids, k);
			continue;
		}
		if (sd_id_parse(ent->d_name, strlen(ent->d_name), p->batch) != 0 ||
		    fstatat(sfd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode) || (bfd = openat(sfd, ent->d_name, DIR_FLAGS)) < 0) {
			strange(k, srchex, ent->d_name, "");
			continue;
		}
		p->has_batch = 1;
		batch_walk(bfd, p, srchex, ent->d_name, ids, k);
		close(bfd);
	}
	closedir(d);
	if (n == 0) {
		k->empty++;
		note_first(k->first_empty, sizeof k->first_empty, srchex, "", "");
	}
}

int
adminops_spool_walk(int spfd, struct db_admin_ids *ids, const struct db_admin_idset *srcs,
    struct adminops_spool_count *k)
{
	struct dirent *ent;
	DIR *d;

	if (adminops_opendir(spfd, &d) != 0)
		return SD_ERR_IO;
	while ((ent = readdir(d)) != NULL) {
		struct db_admin_pair p = { 0 };
		struct stat st;
		int sfd;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0 ||
		    strcmp(ent->d_name, "tmp") == 0)
			continue;
		if (sd_id_parse(ent->d_name, strlen(ent->d_name), p.src) != 0 ||
		    fstatat(spfd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode) || (sfd = openat(spfd, ent->d_name, DIR_FLAGS)) < 0) {
			strange(k, ent->d_name, "", "");
			continue;
		}
		if (srcs != NULL && !db_admin_idset_has(srcs, p.src)) {
			k->unknown++;
			note_first(k->first_unknown, sizeof k->first_unknown, ent->d_name, "", "");
		}
		source_walk(sfd, &p, ent->d_name, ids, k);
		close(sfd);
	}
	closedir(d);
	return 0;
}

int
adminops_count_entries(int dirfd, unsigned *n)
{
	struct dirent *ent;
	unsigned k = 0;
	DIR *d;

	if (adminops_opendir(dirfd, &d) != 0)
		return SD_ERR_IO;
	while ((ent = readdir(d)) != NULL)
		if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
			k++;
	closedir(d);
	*n = k;
	return 0;
}

/* Components under tor/: each an allowed name, 1..ADMINOPS_TOR_DEPTH_MAX. */
static int
tor_path_ok(const char *p)
{
	int depth = 0;

	while (*p != '\0') {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (!adminops_tor_name_ok(p, len) || ++depth > ADMINOPS_TOR_DEPTH_MAX)
			return 0;
		p += len;
		if (*p == '/' && *++p == '\0')
			return 0;
	}
	return depth > 0;
}

/* n is "spool/<hex>" followed by parts more "/<hex>" and then tail. */
static int
spool_path_ok(const char *n, int parts, const char *tail)
{
	unsigned char id[SD_ID_BYTES];
	size_t tl = strlen(tail);

	if (strncmp(n, "spool/", 6) != 0)
		return 0;
	n += 6;
	for (int i = 0; i <= parts; i++) {
		if (strlen(n) < SD_ID_HEX || sd_id_parse(n, SD_ID_HEX, id) != 0)
			return 0;
		n += SD_ID_HEX;
		if (i < parts && *n++ != '/')
			return 0;
	}
	return strlen(n) == tl && memcmp(n, tail, tl) == 0;
}

int
adminops_member_kind(const char *n, int dir)
{
	if (!dir) {
		if (strcmp(n, "sealdrop-backup") == 0)
			return M_MANIFEST;
		if (strcmp(n, "sealdrop.conf") == 0)
			return M_CONF;
		if (strcmp(n, "sealdrop.db") == 0)
			return M_DB;
		if (spool_path_ok(n, 1, ".sdbox") || spool_path_ok(n, 2, ".sdbox"))
			return M_ITEM;
		if (strncmp(n, "tor/", 4) == 0 && tor_path_ok(n + 4))
			return M_TORFILE;
		return -1;
	}
	if (strcmp(n, "spool") == 0)
		return M_SPOOLDIR;
	if (spool_path_ok(n, 0, ""))
		return M_SRCDIR;
	if (spool_path_ok(n, 1, ""))
		return M_BATCHDIR;
	if (strcmp(n, "tor") == 0 || (strncmp(n, "tor/", 4) == 0 && tor_path_ok(n + 4)))
		return M_TORDIR;
	return -1;
}

uint64_t
adminops_member_max(int kind)
{
	switch (kind) {
	case M_MANIFEST:
		return ADMINOPS_MANIFEST_MAX;
	case M_DB:
		return ADMINOPS_DB_MAX;
	case M_ITEM:
		return ADMINOPS_ITEM_MAX;
	default:
		return ADMINOPS_SMALL_MAX;
	}
}

int
adminops_tor_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > ADMINOPS_TOR_NAME_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* The mtime of dirfd's directories with an id's name (and, depth 0, of
 * theirs) to the epoch. */
static int
epoch_at(int dirfd, int depth)
{
	static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };
	unsigned char id[SD_ID_BYTES];
	int e = 0, fd;
	struct dirent *ent;
	DIR *d;

	if (adminops_opendir(dirfd, &d) != 0)
		return SD_ERR_IO;
	while ((ent = readdir(d)) != NULL) {
		if (sd_id_parse(ent->d_name, strlen(ent->d_name), id) != 0)
			continue;
		if ((fd = openat(dirfd, ent->d_name, DIR_FLAGS)) < 0 ||
		    (depth == 0 && epoch_at(fd, 1) != 0) || futimens(fd, epoch) != 0)
			e = SD_ERR_IO;
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return e;
}

int
adminops_epoch_dirs(int spfd)
{
	return epoch_at(spfd, 0);
}
