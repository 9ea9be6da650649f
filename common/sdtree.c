/*
 * sdtree.c - removing a directory tree by descriptors (see sdtree.h).
 */
#include "sdtree.h"
#include "sderr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* A directory stream over a duplicate of fd, from its first entry (fd
 * stays open; a duplicate shares the read position, hence the rewind). */
static DIR *
dir_stream(int fd)
{
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d;

	if (dfd < 0)
		return NULL;
	if ((d = fdopendir(dfd)) == NULL) {
		int saved = errno;

		close(dfd);
		errno = saved;
		return NULL;
	}
	rewinddir(d);
	return d;
}

int
sd_dir_empty(int fd, int maxdepth, unsigned *removed)
{
	struct dirent *ent;
	unsigned n = 0;
	int e = 0, saved = 0;
	DIR *d;

	if (maxdepth < 0 || maxdepth > SD_TREE_DEPTH_MAX)
		return SD_ERR_ARG;
	if ((d = dir_stream(fd)) == NULL)
		return SD_ERR_IO;
	while ((ent = readdir(d)) != NULL) {
		int flags = 0;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		if (maxdepth > 0) {
			int sfd = openat(fd, ent->d_name, DIR_FLAGS);

			if (sfd >= 0) {
				unsigned k = 0;

				if (sd_dir_empty(sfd, maxdepth - 1, &k) != 0)
					e = SD_ERR_IO, saved = errno;
				n += k;
				close(sfd);
				flags = AT_REMOVEDIR;
			}
		}
		if (unlinkat(fd, ent->d_name, flags) == 0)
			n++;
		else if (errno != ENOENT)
			e = SD_ERR_IO, saved = errno;
	}
	closedir(d);
	if (removed != NULL)
		*removed = n;
	if (e != 0)
		errno = saved;
	return e;
}

int
sd_rmtree_at(int dirfd, const char *name, int maxdepth)
{
	int fd, e;

	if (name == NULL || maxdepth < 0 || maxdepth > SD_TREE_DEPTH_MAX)
		return SD_ERR_ARG;
	if ((fd = openat(dirfd, name, DIR_FLAGS)) < 0)
		return errno == ENOENT ? 0 : SD_ERR_IO;
	e = sd_dir_empty(fd, maxdepth, NULL);
	close(fd);
	if (e == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		e = SD_ERR_IO;
	return e;
}
