/*
 * admin_torrc.c - the one place sealdrop-admin reads and rewrites a
 * configuration file of tor's (admin_tor.h): the instance's tor/torrc
 * and, for `setup`, /etc/tor/torrc and AppArmor's local file for tor.
 *
 * admintor_conf_read takes a bounded regular file (no link, FIFO or
 * device); admintor_conf_replace writes a new file beside the old one
 * (its mode and owner), syncs it and renames it over the old one, so a
 * reader sees the old text or the new, never a part.
 *
 * A restore into another directory: the torrc fragment that sealdrop-admin
 * init writes (admin_tor.c) names the instance's absolute path
 * (HiddenServiceDir, the unix sockets), so it is rewritten for the new
 * path. The old path is read from the source service's HiddenServiceDir
 * line; a torrc without one is left alone and reported. Whether the new
 * path fits a torrc is admin_tor.c's one rule, admintor_path_ok.
 */
#include "admin_tor.h"
#include "sdbuf.h"
#include "sderr.h"
#include "sdio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

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

int
admintor_torrc_rewrite(char *text, admintor_line_fn fn, void *ctx, struct sdbuf *out)
{
	char *line, *next;
	unsigned no = 0;
	int e = 0;

	for (line = text; line != NULL && e == 0; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		/* The empty rest after a final '\n' is no line. */
		if (next == NULL && *line == '\0' && line != text)
			break;
		e = fn(ctx, line, ++no, next != NULL, out);
	}
	return e;
}

/* restore: every occurrence of the old instance path in a line (its
 * HiddenServiceDir, its sockets, the comments naming it) becomes the new
 * one; everything else stays as it was, byte for byte. */
struct move_ctx {
	const char *from, *to;
};

static int
move_line(void *ctx, char *line, unsigned no, int nl, struct sdbuf *out)
{
	const struct move_ctx *m = ctx;
	size_t fl = strlen(m->from);
	const char *p = line, *q;
	int e = 0;

	(void)no;
	while (e == 0 && (q = strstr(p, m->from)) != NULL) {
		if ((e = sdbuf_add(out, p, (size_t)(q - p))) == 0)
			e = sdbuf_adds(out, m->to);
		p = q + fl;
	}
	if (e == 0)
		e = sdbuf_adds(out, p);
	if (e == 0 && nl)
		e = sdbuf_add(out, "\n", 1);
	return e;
}

int
admintor_conf_replace(int dirfd, const char *name, const char *tmpname, const char *text,
    size_t len, const struct stat *like)
{
	int fd = -1, e = SD_ERR_IO, saved = 0;

	/* A leftover of a killed run: ours, never read. */
	(void)unlinkat(dirfd, tmpname, 0);
	fd = openat(dirfd, tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return SD_ERR_IO;
	if (like != NULL &&
	    (fchown(fd, like->st_uid, like->st_gid) != 0 || fchmod(fd, like->st_mode & 07777) != 0))
		goto out;
	if (sd_write_full(fd, text, len) != 0 || fsync(fd) != 0)
		goto out;
	e = close(fd) != 0 ? SD_ERR_IO : 0;
	fd = -1;
	if (e == 0 && renameat(dirfd, tmpname, dirfd, name) != 0)
		e = SD_ERR_IO;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (e != 0)
		(void)unlinkat(dirfd, tmpname, 0);
	errno = saved;
	return e;
}

static int
torrc_move(int torfd, char *text, const char *newpath, int *moved)
{
	char old[PATH_MAX];
	struct move_ctx m = { old, newpath };
	struct sdbuf out;
	int e;

	if (torrc_old_path(text, old) != 0 || admintor_path_ok(newpath) != 0) {
		*moved = -1;
		return 0;
	}
	if (strcmp(old, newpath) == 0) {
		*moved = 0;
		return 0;
	}
	/* Each line can grow by the new path at most PATH_MAX / 2 times. */
	sdbuf_init(&out, (size_t)ADMINTOR_TORRC_MAX * 8);
	if ((e = admintor_torrc_rewrite(text, move_line, &m, &out)) == 0 &&
	    (e = admintor_conf_replace(
		 torfd, "torrc", "torrc.new", out.p ? out.p : "", out.len, NULL)) == 0)
		*moved = 1;
	sdbuf_free(&out);
	return e;
}

int
admintor_conf_read(int dirfd, const char *name, size_t max, char **text, struct stat *st)
{
	int fd, e = SD_ERR_IO, saved = 0;
	char *t = NULL;
	size_t got = 0;
	struct stat sb;

	/* O_NONBLOCK: a FIFO put there is refused, not waited on. */
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		e = errno == ENOENT ? SD_ERR_NOTFOUND : SD_ERR_IO;
		goto out;
	}
	if (fstat(fd, &sb) != 0)
		goto out;
	if (!S_ISREG(sb.st_mode)) {
		e = SD_ERR_FORMAT;
		goto out;
	}
	if ((uint64_t)sb.st_size > (uint64_t)max) {
		e = SD_ERR_TOOLONG;
		goto out;
	}
	if ((t = malloc((size_t)sb.st_size + 1)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	if (sd_read_full(fd, t, (size_t)sb.st_size, &got) != 0)
		goto out;
	t[got] = '\0';
	*text = t;
	t = NULL;
	if (st != NULL)
		*st = sb;
	e = 0;
out:
	saved = errno;
	free(t);
	if (fd >= 0)
		close(fd);
	errno = saved;
	return e;
}

int
admintor_torrc_names(int torfd, char *out)
{
	char *text = NULL, path[PATH_MAX];
	int e = admintor_conf_read(torfd, "torrc", ADMINTOR_TORRC_MAX, &text, NULL);

	if (e == 0 && (e = torrc_old_path(text, path)) == 0)
		memcpy(out, path, strlen(path) + 1);
	free(text);
	return e;
}

int
admintor_torrc_move(int stagefd, const char *newpath, int *moved)
{
	int torfd = openat(stagefd, "tor", DIR_FLAGS), e;
	char *text = NULL;

	if (torfd < 0)
		return errno == ENOENT ? (*moved = 0) : SD_ERR_IO;
	e = admintor_conf_read(torfd, "torrc", ADMINTOR_TORRC_MAX, &text, NULL);
	if (e == SD_ERR_NOTFOUND) {
		*moved = 0;
		e = 0;
	} else if (e == 0)
		e = torrc_move(torfd, text, newpath, moved);
	free(text);
	close(torfd);
	return e;
}
