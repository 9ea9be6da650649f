/*
 * spool.c - spool directory life cycle (see spool.h, docs/spool.md): the
 * tmp/ and staging directories, commits by one rename, removals, the sweep
 * of what a crash left, and the epoch mtimes after every change.
 */
#include "spool.h"
#include "sdcrash.h"
#include "sderr.h"
#include "sdtree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <sodium.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

struct spool {
	int dirfd; /* spool/ */
	int tmpfd; /* spool/tmp/ */
};

int
spool_create(const char *instance_dir)
{
	int dfd = open(instance_dir, DIR_FLAGS), e = 0;

	if (dfd < 0)
		return SD_ERR_IO;
	if ((mkdirat(dfd, "spool", 0700) != 0 && errno != EEXIST))
		e = SD_ERR_IO;
	else {
		int sfd = openat(dfd, "spool", DIR_FLAGS);
		if (sfd < 0 || (mkdirat(sfd, "tmp", 0700) != 0 && errno != EEXIST))
			e = SD_ERR_IO;
		if (sfd >= 0)
			close(sfd);
	}
	close(dfd);
	return e;
}

static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };

/* Reset a directory's (or file's) times to the epoch: nothing the spool
 * keeps records when a source acted. */
static int
settle_times(int fd)
{
	return futimens(fd, epoch) == 0 ? 0 : SD_ERR_IO;
}

/* A directory stream over a duplicate of dfd (dfd stays open). */
static DIR *
dir_stream(int dfd)
{
	int fd = dup(dfd);
	DIR *d;

	if (fd < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	rewinddir(d);
	return d;
}

/* The number of entries of a directory fd (not "." and ".."). */
static int
count_entries(int dfd, unsigned *out)
{
	DIR *d = dir_stream(dfd);
	struct dirent *ent;
	unsigned n = 0;

	if (d == NULL)
		return SD_ERR_IO;
	while ((ent = readdir(d)) != NULL)
		if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
			n++;
	closedir(d);
	*out = n;
	return 0;
}

/* spool/tmp/<owner>/, created when missing. */
static int
open_owner_tmp(int spoolfd, const char *owner)
{
	int tfd = openat(spoolfd, "tmp", DIR_FLAGS), ofd = -1;

	if (tfd < 0)
		return -1;
	if (mkdirat(tfd, owner, 0700) != 0 && errno != EEXIST)
		goto out;
	ofd = openat(tfd, owner, DIR_FLAGS);
	if (ofd >= 0 && settle_times(tfd) != 0) {
		close(ofd);
		ofd = -1;
	}
out:
	close(tfd);
	return ofd;
}

int
spool_open(const char *instance_dir, const char *owner, struct spool **out, unsigned *removed)
{
	struct spool *sp = calloc(1, sizeof *sp);
	int dfd = -1, e = SD_ERR_IO;

	if (sp == NULL)
		return SD_ERR_NOMEM;
	sp->dirfd = sp->tmpfd = -1;
	if (owner == NULL || owner[0] == '\0' || strchr(owner, '/') != NULL || owner[0] == '.') {
		e = SD_ERR_ARG;
		goto out;
	}
	dfd = open(instance_dir, DIR_FLAGS);
	if (dfd < 0 || (sp->dirfd = openat(dfd, "spool", DIR_FLAGS)) < 0 ||
	    (sp->tmpfd = open_owner_tmp(sp->dirfd, owner)) < 0)
		goto out;
	/* Leftover files and staging directories of a previous run. */
	if ((e = sd_dir_empty(sp->tmpfd, 1, removed)) != 0 || (e = settle_times(sp->tmpfd)) != 0)
		goto out;
	*out = sp;
	sp = NULL;
out:
	if (dfd >= 0)
		close(dfd);
	spool_close(sp);
	return e;
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->tmpfd >= 0)
		close(sp->tmpfd);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	free(sp);
}

int
spool_tmp_create(struct spool *sp, struct spool_tmp *out)
{
	unsigned char rnd[SD_ID_BYTES];
	char hex[SD_ID_HEX + 1];
	struct spool_tmp t;

	randombytes_buf(rnd, sizeof rnd);
	sd_id_hex(rnd, hex);
	(void)snprintf(t.name, sizeof t.name, "%s.part", hex);
	t.fd =
	    openat(sp->tmpfd, t.name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (t.fd < 0)
		return SD_ERR_IO;
	*out = t;
	return 0;
}

void
spool_tmp_abort(struct spool *sp, struct spool_tmp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->name[0] != '\0') {
		(void)unlinkat(sp->tmpfd, t->name, 0);
		(void)settle_times(sp->tmpfd);
	}
	t->name[0] = '\0';
}

/* Open the directory of a source; with create, make it when missing
 * (*created tells). */
static int
source_dir(struct spool *sp, const unsigned char source[SD_ID_BYTES], int create, int *created)
{
	char hex[SD_ID_HEX + 1];
	int fd;

	sd_id_hex(source, hex);
	fd = openat(sp->dirfd, hex, DIR_FLAGS);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(sp->dirfd, hex, 0700) != 0)
			return -1;
		if (created)
			*created = 1;
		fd = openat(sp->dirfd, hex, DIR_FLAGS);
	}
	return fd;
}

int
spool_file_settle(int fd)
{
	int e = 0;

	if (fsync(fd) != 0 || futimens(fd, epoch) != 0)
		e = SD_ERR_IO;
	if (close(fd) != 0)
		e = SD_ERR_IO;
	return e;
}

int
spool_tmp_commit(struct spool *sp, struct spool_tmp *t, const unsigned char source[SD_ID_BYTES],
    const unsigned char item[SD_ID_BYTES])
{
	char name[SD_SPOOL_NAME_LEN + 1];
	int sfd = -1, created = 0, fd = t->fd, e = SD_ERR_IO;

	sd_spool_name(item, name);
	t->fd = -1;
	if (spool_file_settle(fd) != 0)
		goto out;
	if ((sfd = source_dir(sp, source, 1, &created)) < 0)
		goto out;
	sd_crashpoint("reply-before-rename");
	/* RENAME_NOREPLACE: an item id is random, a clash means a bug. */
	if (renameat2(sp->tmpfd, t->name, sfd, name, RENAME_NOREPLACE) != 0) {
		e = errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
		goto out;
	}
	t->name[0] = '\0';
	sd_crashpoint("reply-after-rename");
	/* Directory mtimes would record when a reply was written. */
	if (settle_times(sfd) != 0 || settle_times(sp->dirfd) != 0 ||
	    settle_times(sp->tmpfd) != 0 || fsync(sfd) != 0 || fsync(sp->tmpfd) != 0 ||
	    (created && fsync(sp->dirfd) != 0)) {
		/* Visible but not durable: take it back, the caller reports failure. */
		(void)unlinkat(sfd, name, 0);
		e = SD_ERR_IO;
		goto out;
	}
	e = 0;
out:
	if (e != 0 && created && sfd >= 0) {
		char hex[SD_ID_HEX + 1];
		sd_id_hex(source, hex);
		(void)unlinkat(sp->dirfd, hex, AT_REMOVEDIR);
		(void)settle_times(sp->dirfd);
	}
	if (sfd >= 0)
		close(sfd);
	if (t->name[0] != '\0')
		spool_tmp_abort(sp, t);
	return e;
}

int
spool_batch_create(struct spool *sp, struct spool_batch *b)
{
	char hex[SD_ID_HEX + 1];
	struct spool_batch nb;

	randombytes_buf(nb.id, sizeof nb.id);
	sd_id_hex(nb.id, hex);
	if (mkdirat(sp->tmpfd, hex, 0700) != 0)
		return errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
	if ((nb.fd = openat(sp->tmpfd, hex, DIR_FLAGS)) < 0) {
		(void)unlinkat(sp->tmpfd, hex, AT_REMOVEDIR);
		return SD_ERR_IO;
	}
	*b = nb;
	return 0;
}

int
spool_batch_file(struct spool_batch *b, const unsigned char item[SD_ID_BYTES], int *fd)
{
	char name[SD_SPOOL_NAME_LEN + 1];
	int f;

	if (b->fd < 0)
		return SD_ERR_STATE;
	sd_spool_name(item, name);
	f = openat(b->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f < 0)
		return errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
	*fd = f;
	return 0;
}

void
spool_batch_drop(struct spool_batch *b, const unsigned char item[SD_ID_BYTES])
{
	char name[SD_SPOOL_NAME_LEN + 1];

	if (b->fd < 0)
		return;
	sd_spool_name(item, name);
	(void)unlinkat(b->fd, name, 0);
}

int
spool_batch_commit(
    struct spool *sp, struct spool_batch *b, const unsigned char source[SD_ID_BYTES], int *created)
{
	char hex[SD_ID_HEX + 1];
	int sfd = -1, made = 0, e = SD_ERR_IO;

	if (b->fd < 0)
		return SD_ERR_STATE;
	sd_id_hex(b->id, hex);
	/* The files were settled; the directory itself must be durable and
	 * timeless before it becomes visible. */
	if (settle_times(b->fd) != 0 || fsync(b->fd) != 0)
		goto out;
	if ((sfd = source_dir(sp, source, 1, &made)) < 0)
		goto out;
	sd_crashpoint("batch-before-rename");
	if (renameat2(sp->tmpfd, hex, sfd, hex, RENAME_NOREPLACE) != 0) {
		e = errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
		goto out;
	}
	sd_crashpoint("batch-after-rename");
	if (settle_times(sfd) != 0 || settle_times(sp->tmpfd) != 0 ||
	    settle_times(sp->dirfd) != 0 || fsync(sfd) != 0 || fsync(sp->tmpfd) != 0 ||
	    (made && fsync(sp->dirfd) != 0)) {
		/* Visible but not durable: take it back, the caller reports failure. */
		(void)renameat2(sfd, hex, sp->tmpfd, hex, RENAME_NOREPLACE);
		goto out;
	}
	close(b->fd);
	b->fd = -1;
	*created = made;
	made = 0;
	e = 0;
out:
	if (made) {
		char shex[SD_ID_HEX + 1];
		sd_id_hex(source, shex);
		(void)unlinkat(sp->dirfd, shex, AT_REMOVEDIR);
		(void)settle_times(sp->dirfd);
	}
	if (sfd >= 0)
		close(sfd);
	return e;
}

int
spool_batch_withdraw(struct spool *sp, const unsigned char source[SD_ID_BYTES],
    const unsigned char batch[SD_ID_BYTES], int created)
{
	char hex[SD_ID_HEX + 1], shex[SD_ID_HEX + 1];
	int sfd = source_dir(sp, source, 0, NULL), e;

	if (sfd < 0)
		return errno == ENOENT ? 0 : SD_ERR_IO;
	sd_id_hex(batch, hex);
	/* Out of sight by one rename first: a copy of the spool never sees
	 * the batch half removed. Then removed from tmp/. */
	if (renameat2(sfd, hex, sp->tmpfd, hex, RENAME_NOREPLACE) == 0)
		e = sd_rmtree_at(sp->tmpfd, hex, 0);
	else
		e = sd_rmtree_at(sfd, hex, 0);
	if (e == 0)
		e = settle_times(sfd) == 0 && fsync(sfd) == 0 ? 0 : SD_ERR_IO;
	close(sfd);
	if (e == 0 && created) {
		sd_id_hex(source, shex);
		if (unlinkat(sp->dirfd, shex, AT_REMOVEDIR) != 0 && errno != ENOENT)
			e = SD_ERR_IO;
	}
	if (settle_times(sp->dirfd) != 0 || fsync(sp->dirfd) != 0)
		e = SD_ERR_IO;
	return e;
}

void
spool_batch_abort(struct spool *sp, struct spool_batch *b)
{
	char hex[SD_ID_HEX + 1];

	if (b->fd < 0)
		return;
	/* Best effort on a path that already failed: what stays in tmp/ is
	 * removed by the next spool_open, and unlinkat below then fails too. */
	sd_ignore(sd_dir_empty(b->fd, 0, NULL));
	close(b->fd);
	b->fd = -1;
	sd_id_hex(b->id, hex);
	(void)unlinkat(sp->tmpfd, hex, AT_REMOVEDIR);
	(void)settle_times(sp->tmpfd);
}

/* Open the directory an item is in: the source's, or a batch in it. */
static int
item_dir(struct spool *sp, const unsigned char source[SD_ID_BYTES], const unsigned char *batch,
    int *sfd_out)
{
	char hex[SD_ID_HEX + 1];
	int sfd = source_dir(sp, source, 0, NULL), bfd;

	if (sfd < 0)
		return -1;
	if (batch == NULL) {
		*sfd_out = -1;
		return sfd;
	}
	sd_id_hex(batch, hex);
	bfd = openat(sfd, hex, DIR_FLAGS);
	if (bfd < 0) {
		int keep = errno;
		close(sfd);
		errno = keep;
		return -1;
	}
	*sfd_out = sfd;
	return bfd;
}

int
spool_item_open(struct spool *sp, const unsigned char source[SD_ID_BYTES],
    const unsigned char *batch, const unsigned char item[SD_ID_BYTES], int *fd)
{
	char name[SD_SPOOL_NAME_LEN + 1];
	int sfd = -1, dfd = item_dir(sp, source, batch, &sfd), f;

	if (dfd < 0)
		return errno == ENOENT ? SD_ERR_NOTFOUND : SD_ERR_IO;
	sd_spool_name(item, name);
	f = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	close(dfd);
	if (sfd >= 0)
		close(sfd);
	if (f < 0)
		return errno == ENOENT ? SD_ERR_NOTFOUND : SD_ERR_IO;
	*fd = f;
	return 0;
}

int
spool_item_remove(struct spool *sp, const unsigned char source[SD_ID_BYTES],
    const unsigned char *batch, const unsigned char item[SD_ID_BYTES])
{
	char name[SD_SPOOL_NAME_LEN + 1], hex[SD_ID_HEX + 1];
	int sfd = -1, dfd = item_dir(sp, source, batch, &sfd), e = 0;

	if (dfd < 0)
		return errno == ENOENT ? 0 : SD_ERR_IO;
	sd_spool_name(item, name);
	if (unlinkat(dfd, name, 0) != 0 && errno != ENOENT)
		e = SD_ERR_IO;
	else if (settle_times(dfd) != 0 || fsync(dfd) != 0)
		e = SD_ERR_IO;
	if (e == 0 && sfd >= 0) {
		/* The last file of a batch takes its directory with it. */
		sd_id_hex(batch, hex);
		if (unlinkat(sfd, hex, AT_REMOVEDIR) != 0 && errno != ENOTEMPTY &&
		    errno != EEXIST && errno != ENOENT)
			e = SD_ERR_IO;
		else if (settle_times(sfd) != 0 || fsync(sfd) != 0)
			e = SD_ERR_IO;
	}
	close(dfd);
	if (sfd >= 0)
		close(sfd);
	return e;
}

int
spool_source_remove(struct spool *sp, const unsigned char source[SD_ID_BYTES])
{
	char hex[SD_ID_HEX + 1];
	int sfd = source_dir(sp, source, 0, NULL), e;

	if (sfd < 0)
		return errno == ENOENT ? 0 : SD_ERR_IO;
	e = sd_dir_empty(sfd, 1, NULL);
	close(sfd);
	if (e != 0)
		return e;
	sd_id_hex(source, hex);
	if (unlinkat(sp->dirfd, hex, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return SD_ERR_IO;
	return settle_times(sp->dirfd) == 0 && fsync(sp->dirfd) == 0 ? 0 : SD_ERR_IO;
}

/* Sweep the files of a batch directory; *left counts what stays. */
static int
sweep_batch(int bfd, const unsigned char source[SD_ID_BYTES],
    const unsigned char batch[SD_ID_BYTES], spool_keep_fn keep, void *arg, unsigned *removed,
    unsigned *left)
{
	DIR *d = dir_stream(bfd);
	struct dirent *ent;
	unsigned char id[SD_ID_BYTES];
	unsigned n = 0;
	int e = 0, k, changed = 0;

	if (d == NULL)
		return SD_ERR_IO;
	while (e == 0 && (ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		if (sd_spool_name_parse(ent->d_name, id) != 0) {
			n++; /* not ours: sealdrop-admin check names it */
			continue;
		}
		if ((k = keep(arg, source, batch, id)) < 0)
			e = k;
		else if (k == 0 && unlinkat(bfd, ent->d_name, 0) == 0)
			(*removed)++, changed = 1;
		else
			n++;
	}
	closedir(d);
	if (changed && (settle_times(bfd) != 0 || fsync(bfd) != 0))
		e = e ? e : SD_ERR_IO;
	*left = n;
	return e;
}

/* Sweep one source directory; *empty tells whether nothing is left. */
static int
sweep_source(int sfd, const unsigned char source[SD_ID_BYTES], spool_keep_fn keep, void *arg,
    unsigned *removed, int *empty)
{
	DIR *d = dir_stream(sfd);
	struct dirent *ent;
	unsigned char id[SD_ID_BYTES];
	int e = 0, k, left = 0, changed = 0;

	if (d == NULL)
		return SD_ERR_IO;
	while (e == 0 && (ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		if (sd_spool_name_parse(ent->d_name, id) == 0) {
			if ((k = keep(arg, source, NULL, id)) < 0)
				e = k;
			else if (k == 0 && unlinkat(sfd, ent->d_name, 0) == 0)
				(*removed)++, changed = 1;
			else
				left++;
		} else if (sd_id_parse(ent->d_name, strlen(ent->d_name), id) == 0) {
			unsigned n = 1;
			int bfd = openat(sfd, ent->d_name, DIR_FLAGS), is_empty;
			if (bfd >= 0) {
				(void)count_entries(bfd, &n);
				close(bfd);
			}
			is_empty = n == 0;
			if ((k = keep(arg, source, id, NULL)) < 0) {
				e = k;
			} else if (k == 0 || is_empty) {
				if (sd_rmtree_at(sfd, ent->d_name, 0) == 0)
					(*removed)++, changed = 1;
				else
					left++;
			} else if ((bfd = openat(sfd, ent->d_name, DIR_FLAGS)) >= 0) {
				/* A kept batch: its files one by one (an item
				 * whose row went before its file did). */
				e = sweep_batch(bfd, source, id, keep, arg, removed, &n);
				close(bfd);
				if (e == 0 && n == 0 &&
				    unlinkat(sfd, ent->d_name, AT_REMOVEDIR) == 0)
					(*removed)++, changed = 1;
				else
					left++;
			} else {
				left++;
			}
		} else {
			left++; /* not ours: sealdrop-admin check names it */
		}
	}
	closedir(d);
	if (changed && (settle_times(sfd) != 0 || fsync(sfd) != 0))
		e = e ? e : SD_ERR_IO;
	*empty = left == 0;
	return e;
}

int
spool_sweep(struct spool *sp, spool_keep_fn keep, void *arg, unsigned *removed)
{
	DIR *d = dir_stream(sp->dirfd);
	struct dirent *ent;
	unsigned char id[SD_ID_BYTES];
	unsigned n = 0;
	int e = 0, k, changed = 0;

	if (d == NULL)
		return SD_ERR_IO;
	while (e == 0 && (ent = readdir(d)) != NULL) {
		int sfd, empty = 0;
		if (sd_id_parse(ent->d_name, strlen(ent->d_name), id) != 0)
			continue; /* ".", "..", "tmp" and names not ours */
		if ((k = keep(arg, id, NULL, NULL)) < 0) {
			e = k;
			break;
		}
		if (k == 0) {
			if (sd_rmtree_at(sp->dirfd, ent->d_name, 1) == 0)
				n++, changed = 1;
			continue;
		}
		if ((sfd = openat(sp->dirfd, ent->d_name, DIR_FLAGS)) < 0)
			continue;
		e = sweep_source(sfd, id, keep, arg, &n, &empty);
		close(sfd);
		if (e == 0 && empty && unlinkat(sp->dirfd, ent->d_name, AT_REMOVEDIR) == 0)
			n++, changed = 1;
	}
	closedir(d);
	if (changed && (settle_times(sp->dirfd) != 0 || fsync(sp->dirfd) != 0))
		e = e ? e : SD_ERR_IO;
	if (e == 0 && removed)
		*removed = n;
	return e;
}

int
spool_free_bytes(struct spool *sp, uint64_t *out)
{
	struct statvfs vfs;

	if (fstatvfs(sp->dirfd, &vfs) != 0)
		return SD_ERR_IO;
	*out = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
	return 0;
}

int
spool_tmp_count(struct spool *sp, unsigned *out)
{
	return count_entries(sp->tmpfd, out);
}
