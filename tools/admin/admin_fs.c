/*
 * admin_fs.c - the file-system side shared by sealdrop-admin's check,
 * backup and restore (admin_int.h): strict spool names, a walk of the spool
 * against the database's rows, the names allowed under tor/, counting and
 * removing what this process made. Everything goes through directory fds
 * with O_NOFOLLOW; no symlink is followed.
 */
#include "admin_int.h"
#include "sderr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

int
adminops_hex_id(const char *s, size_t len, unsigned char out[ADMINOPS_ID_BYTES])
{
	unsigned char id[ADMINOPS_ID_BYTES];

	if (len != ADMINOPS_HEX_BYTES)
		return SD_ERR_FORMAT;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return SD_ERR_FORMAT;
	if (sodium_hex2bin(id, sizeof id, s, len, NULL, NULL, NULL) != 0)
		return SD_ERR_FORMAT;
	memcpy(out, id, sizeof id);
	return 0;
}

int
adminops_item_name(const char *name, unsigned char item[ADMINOPS_ID_BYTES])
{
	if (strlen(name) != ADMINOPS_HEX_BYTES + 6 || strcmp(name + ADMINOPS_HEX_BYTES, ".sdbox") != 0)
		return SD_ERR_FORMAT;
	return adminops_hex_id(name, ADMINOPS_HEX_BYTES, item);
}

static void
note_first(char *dst, size_t dstsz, const char *a, const char *b)
{
	if (dst[0] == '\0')
		(void)snprintf(dst, dstsz, "spool/%s%s%s", a, b[0] ? "/" : "", b);
}

/* The files of one source directory against the rows. */
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
	*out = d;
	return 0;
}

static void
source_walk(int sfd, const char *srchex, struct adminops_ids *ids, struct adminops_spool_count *k)
{
	struct dirent *ent;
	DIR *d;

	if (adminops_opendir(sfd, &d) != 0) {
		k->strange++;
		note_first(k->first_strange, sizeof k->first_strange, srchex, "");
		return;
	}
	while ((ent = readdir(d)) != NULL) {
		struct adminops_pair p;
		struct stat st;
		size_t i;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		if (adminops_hex_id(srchex, strlen(srchex), p.src) != 0 ||
		    adminops_item_name(ent->d_name, p.item) != 0 ||
		    fstatat(sfd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
			k->strange++;
			note_first(k->first_strange, sizeof k->first_strange, srchex, ent->d_name);
			continue;
		}
		k->files++;
		if (adminops_ids_find(ids, &p, &i) == 0)
			ids->mark[i] = 1;
		else {
			k->orphans++;
			note_first(k->first_orphan, sizeof k->first_orphan, srchex, ent->d_name);
		}
	}
	closedir(d);
}

int
adminops_spool_walk(int spfd, struct adminops_ids *ids, struct adminops_spool_count *k)
{
	struct dirent *ent;
	DIR *d;

	if (adminops_opendir(spfd, &d) != 0)
		return SD_ERR_IO;
	while ((ent = readdir(d)) != NULL) {
		unsigned char id[ADMINOPS_ID_BYTES];
		int sfd;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0 ||
		    strcmp(ent->d_name, "tmp") == 0)
			continue;
		if (adminops_hex_id(ent->d_name, strlen(ent->d_name), id) != 0 ||
		    (sfd = openat(spfd, ent->d_name, DIR_FLAGS)) < 0) {
			k->strange++;
			note_first(k->first_strange, sizeof k->first_strange, ent->d_name, "");
			continue;
		}
		source_walk(sfd, ent->d_name, ids, k);
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

int
adminops_epoch_dirs(int spfd)
{
	static const struct timespec epoch[2] = { { 0, 0 }, { 0, 0 } };
	unsigned char id[ADMINOPS_ID_BYTES];
	int e = 0, fd;
	struct dirent *ent;
	DIR *d;

	if (adminops_opendir(spfd, &d) != 0)
		return SD_ERR_IO;
	while ((ent = readdir(d)) != NULL) {
		if (adminops_hex_id(ent->d_name, strlen(ent->d_name), id) != 0)
			continue;
		if ((fd = openat(spfd, ent->d_name, DIR_FLAGS)) < 0 || futimens(fd, epoch) != 0)
			e = SD_ERR_IO;
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return e;
}

static int rmtree_at(int dirfd, const char *name, int depth);

/* Empty a directory fd: files unlinked, directories recursed into. */
static int
rm_contents(int fd, int depth)
{
	DIR *d;
	struct dirent *ent;
	int e = 0;

	if (adminops_opendir(fd, &d) != 0)
		return SD_ERR_IO;
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, ent->d_name, 0) == 0)
			continue;
		if ((errno != EISDIR && errno != EPERM) || depth >= 16 ||
		    rmtree_at(fd, ent->d_name, depth + 1) != 0)
			e = SD_ERR_IO;
	}
	closedir(d);
	return e;
}

static int
rmtree_at(int dirfd, const char *name, int depth)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), e;

	if (fd < 0)
		return errno == ENOENT ? 0 : SD_ERR_IO;
	e = rm_contents(fd, depth);
	close(fd);
	if (e == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) != 0)
		e = SD_ERR_IO;
	return e;
}

int
adminops_rmtree(int dirfd, const char *name)
{
	return rmtree_at(dirfd, name, 0);
}
