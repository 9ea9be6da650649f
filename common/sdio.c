/*
 * sdio.c - bounded I/O helpers (see sdio.h).
 */
#include "sdio.h"
#include "sderr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bsd/readpassphrase.h>
#include <sodium.h>

int
sd_write_full(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return SD_ERR_IO;
		}
		p += (size_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int
sd_read_full(int fd, void *buf, size_t len, size_t *got)
{
	unsigned char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return SD_ERR_IO;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	return 0;
}

static int
secret_alloc(struct sd_secret *s)
{
	s->buf = sodium_malloc(SD_PASSPHRASE_MAX + 1);
	if (s->buf == NULL)
		return SD_ERR_NOMEM;
	memset(s->buf, 0, SD_PASSPHRASE_MAX + 1);
	s->len = 0;
	return 0;
}

void
sd_secret_free(struct sd_secret *s)
{
	if (s == NULL)
		return;
	if (s->buf != NULL)
		sodium_free(s->buf); /* sodium_free wipes before freeing */
	s->buf = NULL;
	s->len = 0;
}

/* Keep the first line of s->buf[0..n), strip "\n" / "\r\n". */
static void
secret_first_line(struct sd_secret *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s->buf[i] == '\n' || s->buf[i] == '\0')
			break;
	if (i > 0 && s->buf[i - 1] == '\r')
		i--;
	sodium_memzero(s->buf + i, SD_PASSPHRASE_MAX + 1 - i);
	s->len = i;
}

int
sd_secret_from_file(const char *path, struct sd_secret *out)
{
	struct sd_secret s = { 0 };
	size_t got = 0;
	int fd = -1, r;

	if ((r = secret_alloc(&s)) != 0)
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = SD_ERR_IO;
		goto out;
	}
	if ((r = sd_read_full(fd, s.buf, SD_PASSPHRASE_MAX + 1, &got)) != 0)
		goto out;
	secret_first_line(&s, got);
	if (s.len > SD_PASSPHRASE_MAX) {
		r = SD_ERR_TOOLONG;
		goto out;
	}
	if (s.len == 0) {
		r = SD_ERR_ARG;
		goto out;
	}
	*out = s;
	s.buf = NULL;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	sd_secret_free(&s);
	return r;
}

/* Read one line from the terminal without echo, through libbsd's
 * readpassphrase: it opens /dev/tty itself (RPP_REQUIRE_TTY: no terminal
 * is an error, stdin is never read), turns echo off, and restores the
 * terminal before a signal that interrupts it (SIGINT, SIGQUIT, SIGTERM,
 * SIGTSTP...) is delivered again, so Ctrl-C at the prompt leaves echo on.
 * The line is read into a buffer one byte longer than s accepts, so a
 * passphrase that is too long is refused, never silently cut. */
static int
tty_read_line(const char *prompt, struct sd_secret *s)
{
	const size_t cap = SD_PASSPHRASE_MAX + 2;
	char *line = sodium_malloc(cap);
	size_t n;
	int r = 0;

	if (line == NULL)
		return SD_ERR_NOMEM;
	memset(line, 0, cap);
	if (readpassphrase(prompt, line, cap, RPP_REQUIRE_TTY) == NULL) {
		r = SD_ERR_IO;
		goto out;
	}
	n = strlen(line);
	if (n > SD_PASSPHRASE_MAX) {
		r = SD_ERR_TOOLONG;
		goto out;
	}
	memcpy(s->buf, line, n + 1);
	s->len = n;
out:
	sodium_free(line); /* wiped before it is freed */
	return r;
}

int
sd_secret_prompt(const char *prompt, int confirm, struct sd_secret *out)
{
	struct sd_secret a = { 0 }, b = { 0 };
	int r;

	if ((r = secret_alloc(&a)) != 0 || (r = secret_alloc(&b)) != 0)
		goto out;
	if ((r = tty_read_line(prompt, &a)) != 0)
		goto out;
	if (a.len == 0) {
		r = SD_ERR_ARG;
		goto out;
	}
	if (confirm) {
		if ((r = tty_read_line("Repeat to confirm: ", &b)) != 0)
			goto out;
		if (a.len != b.len || sodium_memcmp(a.buf, b.buf, a.len) != 0) {
			r = SD_ERR_ARG;
			goto out;
		}
	}
	*out = a;
	a.buf = NULL;
	r = 0;
out:
	sd_secret_free(&a);
	sd_secret_free(&b);
	return r;
}

/* Directory part of path into dir (bounded). */
static int
path_dir(const char *path, char *dir, size_t dirsz)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return snprintf(dir, dirsz, ".") < (int)dirsz ? 0 : SD_ERR_TOOLONG;
	n = (size_t)(slash - path);
	if (n == 0)
		n = 1;
	if (n >= dirsz)
		return SD_ERR_TOOLONG;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

int
sd_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return SD_ERR_IO;
	if (fsync(fd) != 0)
		r = SD_ERR_IO;
	close(fd);
	return r;
}

int
sd_write_file_excl(const char *path, const void *buf, size_t len, mode_t mode)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 32];
	unsigned char rnd[8];
	int fd = -1, r;

	if ((r = path_dir(path, dir, sizeof dir)) != 0)
		return r;
	randombytes_buf(rnd, sizeof rnd);
	if (snprintf(tmp, sizeof tmp, "%s.tmp-%02x%02x%02x%02x%02x%02x%02x%02x", path, rnd[0],
		rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]) >= (int)sizeof tmp)
		return SD_ERR_TOOLONG;
	if (access(path, F_OK) == 0)
		return SD_ERR_EXISTS;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return SD_ERR_IO;
	if ((r = sd_write_full(fd, buf, len)) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		r = r ? r : SD_ERR_IO;
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = SD_ERR_IO;
		goto out;
	}
	fd = -1;
	/* link() fails with EEXIST instead of replacing: never overwrite. */
	if (link(tmp, path) != 0) {
		r = errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
		goto out;
	}
	r = sd_fsync_dir(dir);
out:
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	return r;
}

int
sd_read_small_file(const char *path, size_t max, unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;
	size_t got = 0;
	int fd, r;

	if (max == SIZE_MAX)
		return SD_ERR_ARG;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return SD_ERR_IO;
	buf = malloc(max + 2);
	if (buf == NULL) {
		r = SD_ERR_NOMEM;
		goto out;
	}
	if ((r = sd_read_full(fd, buf, max + 1, &got)) != 0)
		goto out;
	if (got > max) {
		r = SD_ERR_TOOLONG;
		goto out;
	}
	buf[got] = '\0';
	*out = buf;
	*outlen = got;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}
