/*
 * admin_torrc.c - a restore into another directory: the torrc fragment that
 * sealdrop-admin init writes (tools/admin_tor.c) names the instance's
 * absolute path (HiddenServiceDir, the unix sockets), so it is rewritten
 * for the new path. The old path is read from the source service's
 * HiddenServiceDir line; a torrc without one is left alone and reported.
 * The new file replaces the old by rename, in the staging directory.
 */
#include "admin_int.h"
#include "sderr.h"
#include "sdio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/un.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define TORRC_MAX (64 * 1024)

/* The instance path in "HiddenServiceDir <path>/tor/source". */
static int
torrc_old_path(const char *text, char out[PATH_MAX])
{
	static const char key[] = "HiddenServiceDir ", tail[] = "/tor/source";
	const size_t klen = sizeof key - 1, tlen = sizeof tail - 1;
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > klen + tlen && strncmp(p, key, klen) == 0 &&
		    memcmp(p + len - tlen, tail, tlen) == 0) {
			size_t n = len - klen - tlen;
			if (n >= PATH_MAX || p[klen] != '/')
				return SD_ERR_FORMAT;
			memcpy(out, p + klen, n);
			out[n] = '\0';
			return 0;
		}
		p = eol ? eol + 1 : NULL;
	}
	return SD_ERR_NOTFOUND;
}

/* What tor's parser reads as one path, and short enough for the sockets. */
static int
torrc_path_ok(const char *abs)
{
	struct sockaddr_un sa;

	if (abs[0] != '/' || strlen(abs) + sizeof "/journalist.sock" > sizeof sa.sun_path)
		return 0;
	for (const char *p = abs; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || strchr("\"'\\#", *p) != NULL)
			return 0;
	return 1;
}

/* text with every occurrence of from replaced by to, malloc'd. */
static int
replace_all(const char *text, const char *from, const char *to, char **out, size_t *outlen)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0, cap;
	const char *p, *q;
	char *buf, *w;

	for (p = text; (q = strstr(p, from)) != NULL; p = q + fl)
		n++;
	cap = strlen(text) + n * tl + 1;
	if ((buf = malloc(cap)) == NULL)
		return SD_ERR_NOMEM;
	for (w = buf, p = text; (q = strstr(p, from)) != NULL; p = q + fl) {
		memcpy(w, p, (size_t)(q - p));
		w += q - p;
		memcpy(w, to, tl);
		w += tl;
	}
	memcpy(w, p, strlen(p) + 1);
	*outlen = (size_t)(w - buf) + strlen(p);
	*out = buf;
	return 0;
}

/* Write text as torfd's torrc, through torrc.new and a rename. */
static int
torrc_replace(int torfd, const char *text, size_t len)
{
	int fd = openat(torfd, "torrc.new", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	int e = 0;

	if (fd < 0)
		return SD_ERR_IO;
	if (sd_write_full(fd, text, len) != 0 || fsync(fd) != 0)
		e = SD_ERR_IO;
	if (close(fd) != 0)
		e = SD_ERR_IO;
	if (e == 0 && renameat(torfd, "torrc.new", torfd, "torrc") != 0)
		e = SD_ERR_IO;
	if (e != 0)
		(void)unlinkat(torfd, "torrc.new", 0);
	return e;
}

static int
torrc_rewrite(int torfd, const char *text, const char *newpath, int *moved)
{
	char old[PATH_MAX], *out = NULL;
	size_t len = 0;
	int e;

	if (torrc_old_path(text, old) != 0 || !torrc_path_ok(newpath)) {
		*moved = -1;
		return 0;
	}
	if (strcmp(old, newpath) == 0) {
		*moved = 0;
		return 0;
	}
	if ((e = replace_all(text, old, newpath, &out, &len)) != 0)
		return e;
	if ((e = torrc_replace(torfd, out, len)) == 0)
		*moved = 1;
	free(out);
	return e;
}

/* tor/torrc under torfd, NUL-terminated, malloc'd. */
static int
torrc_read(int torfd, char **out)
{
	int fd = openat(torfd, "torrc", O_RDONLY | O_NOFOLLOW | O_CLOEXEC), e = SD_ERR_IO;
	char *text = NULL;
	size_t got = 0;
	struct stat st;

	if (fd < 0) {
		e = errno == ENOENT ? SD_ERR_NOTFOUND : SD_ERR_IO;
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > TORRC_MAX)
		goto out;
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	if (sd_read_full(fd, text, (size_t)st.st_size, &got) != 0)
		goto out;
	text[got] = '\0';
	*out = text;
	text = NULL;
	e = 0;
out:
	free(text);
	if (fd >= 0)
		close(fd);
	return e;
}

int
adminops_torrc_names(int torfd, char out[PATH_MAX])
{
	char *text = NULL, path[PATH_MAX];
	int e = torrc_read(torfd, &text);

	if (e == 0 && (e = torrc_old_path(text, path)) == 0)
		memcpy(out, path, strlen(path) + 1);
	free(text);
	return e;
}

int
adminops_torrc_move(int stagefd, const char *newpath, int *moved)
{
	int torfd = openat(stagefd, "tor", DIR_FLAGS), e;
	char *text = NULL;

	if (torfd < 0)
		return errno == ENOENT ? (*moved = 0) : SD_ERR_IO;
	e = torrc_read(torfd, &text);
	if (e == SD_ERR_NOTFOUND) {
		*moved = 0;
		e = 0;
	} else if (e == 0)
		e = torrc_rewrite(torfd, text, newpath, moved);
	free(text);
	close(torfd);
	return e;
}
