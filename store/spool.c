/*
 * spool.c - spool directory life cycle (see spool.h, docs/spool.md).
 */
#include "spool.h"
#include "sderr.h"

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

void
spool_hex(const unsigned char id[SPOOL_ID_BYTES], char out[2 * SPOOL_ID_BYTES + 1])
{
	sodium_bin2hex(out, 2 * SPOOL_ID_BYTES + 1, id, SPOOL_ID_BYTES);
}

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

/* Remove every entry of a directory fd (files only; no recursion). */
static int
empty_dir(int dfd, unsigned *removed)
{
	int fd = dup(dfd);
	DIR *d;
	struct dirent *ent;
	unsigned n = 0;
	int e = 0;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return SD_ERR_IO;
	}
	rewinddir(d);
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		if (unlinkat(dfd, ent->d_name, 0) != 0 && errno != ENOENT)
			e = SD_ERR_IO;
		else
			n++;
	}
	closedir(d);
	if (removed)
		*removed = n;
	return e;
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
	if ((e = empty_dir(sp->tmpfd, removed)) != 0)
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
	unsigned char rnd[SPOOL_ID_BYTES];
	char hex[2 * SPOOL_ID_BYTES + 1];
	struct spool_tmp t;

	randombytes_buf(rnd, sizeof rnd);
	spool_hex(rnd, hex);
	(void)snprintf(t.name, sizeof t.name, "%s.part", hex);
	t.fd = openat(sp->tmpfd, t.name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
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
	if (t->name[0] != '\0')
		(void)unlinkat(sp->tmpfd, t->name, 0);
	t->name[0] = '\0';
}

/* Open (creating when missing) the directory of a source. */
static int
source_dir(struct spool *sp, const unsigned char source[SPOOL_ID_BYTES], int create)
{
	char hex[2 * SPOOL_ID_BYTES + 1];
	int fd;

	spool_hex(source, hex);
	fd = openat(sp->dirfd, hex, DIR_FLAGS);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(sp->dirfd, hex, 0700) != 0 && errno != EEXIST)
			return -1;
		if (fsync(sp->dirfd) != 0)
			return -1;
		fd = openat(sp->dirfd, hex, DIR_FLAGS);
	}
	return fd;
}

static void
item_name(const unsigned char item[SPOOL_ID_BYTES], char out[2 * SPOOL_ID_BYTES + 7])
{
	char hex[2 * SPOOL_ID_BYTES + 1];

	spool_hex(item, hex);
	(void)snprintf(out, 2 * SPOOL_ID_BYTES + 7, "%s.sdbox", hex);
}

int
spool_tmp_commit(struct spool *sp, struct spool_tmp *t,
    const unsigned char source[SPOOL_ID_BYTES], const unsigned char item[SPOOL_ID_BYTES])
{
	static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };
	char name[2 * SPOOL_ID_BYTES + 7];
	int sfd = -1, e = SD_ERR_IO;

	item_name(item, name);
	if (fsync(t->fd) != 0 || futimens(t->fd, epoch) != 0)
		goto out;
	if (close(t->fd) != 0) {
		t->fd = -1;
		goto out;
	}
	t->fd = -1;
	if ((sfd = source_dir(sp, source, 1)) < 0)
		goto out;
	/* RENAME_NOREPLACE: an item id is random, a clash means a bug. */
	if (renameat2(sp->tmpfd, t->name, sfd, name, RENAME_NOREPLACE) != 0) {
		e = errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
		goto out;
	}
	t->name[0] = '\0';
	/* Directory mtimes would record when a submission arrived. */
	if (futimens(sfd, epoch) != 0 || futimens(sp->dirfd, epoch) != 0 ||
	    futimens(sp->tmpfd, epoch) != 0 || fsync(sfd) != 0 || fsync(sp->tmpfd) != 0) {
		/* Visible but not durable: take it back, the caller reports failure. */
		(void)unlinkat(sfd, name, 0);
		e = SD_ERR_IO;
		goto out;
	}
	e = 0;
out:
	if (sfd >= 0)
		close(sfd);
	if (t->name[0] != '\0')
		spool_tmp_abort(sp, t);
	return e;
}

int
spool_item_open(struct spool *sp, const unsigned char source[SPOOL_ID_BYTES],
    const unsigned char item[SPOOL_ID_BYTES], int *fd)
{
	char name[2 * SPOOL_ID_BYTES + 7];
	int sfd = source_dir(sp, source, 0), f;

	if (sfd < 0)
		return errno == ENOENT ? SD_ERR_NOKEY : SD_ERR_IO;
	item_name(item, name);
	f = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	close(sfd);
	if (f < 0)
		return errno == ENOENT ? SD_ERR_NOKEY : SD_ERR_IO;
	*fd = f;
	return 0;
}

int
spool_item_remove(struct spool *sp, const unsigned char source[SPOOL_ID_BYTES],
    const unsigned char item[SPOOL_ID_BYTES])
{
	char name[2 * SPOOL_ID_BYTES + 7];
	int sfd = source_dir(sp, source, 0), e = 0;

	if (sfd < 0)
		return errno == ENOENT ? 0 : SD_ERR_IO;
	item_name(item, name);
	if (unlinkat(sfd, name, 0) != 0 && errno != ENOENT)
		e = SD_ERR_IO;
	else if (fsync(sfd) != 0)
		e = SD_ERR_IO;
	close(sfd);
	return e;
}

int
spool_source_remove(struct spool *sp, const unsigned char source[SPOOL_ID_BYTES])
{
	char hex[2 * SPOOL_ID_BYTES + 1];
	int sfd = source_dir(sp, source, 0), e;

	if (sfd < 0)
		return errno == ENOENT ? 0 : SD_ERR_IO;
	e = empty_dir(sfd, NULL);
	close(sfd);
	if (e != 0)
		return e;
	spool_hex(source, hex);
	if (unlinkat(sp->dirfd, hex, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return SD_ERR_IO;
	return fsync(sp->dirfd) == 0 ? 0 : SD_ERR_IO;
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
	int fd = dup(sp->tmpfd);
	DIR *d;
	struct dirent *ent;
	unsigned n = 0;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return SD_ERR_IO;
	}
	rewinddir(d);
	while ((ent = readdir(d)) != NULL)
		if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
			n++;
	closedir(d);
	*out = n;
	return 0;
}
