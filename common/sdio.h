/*
 * sdio.h - small, bounded I/O helpers shared by the tools and daemons.
 *
 * Full reads and writes that retry on EINTR and short counts, reading a
 * passphrase from a file or from the terminal without echo into
 * sodium_malloc'd memory, and writing a file atomically (temporary name in the
 * same directory, fsync, rename, directory fsync).
 */
#ifndef SD_IO_H
#define SD_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "sderr.h"

/* Longest passphrase accepted, in bytes (without the terminating NUL). */
#define SD_PASSPHRASE_MAX 1024

/* Write all of buf to fd. 0 or SD_ERR_IO. */
SD_MUST_CHECK
int sd_write_full(int fd, const void *buf, size_t len);

/* Read up to len bytes, stopping early only at end of file. *got receives the
 * count read. 0 or SD_ERR_IO. */
SD_MUST_CHECK
int sd_read_full(int fd, void *buf, size_t len, size_t *got);

/* A passphrase in sodium_malloc'd memory, NUL-terminated. */
struct sd_secret {
	char *buf; /* sodium_malloc'd, SD_PASSPHRASE_MAX + 1 bytes */
	size_t len;
};

/* Read the first line of path (a trailing "\n" or "\r\n" removed). An empty
 * passphrase is refused (SD_ERR_ARG). */
SD_MUST_CHECK
int sd_secret_from_file(const char *path, struct sd_secret *out);

/* Prompt on /dev/tty without echo (libbsd's readpassphrase: a signal at
 * the prompt, such as Ctrl-C, finds the terminal restored). With confirm,
 * ask twice and require a match. Fails with SD_ERR_IO when there is no
 * terminal, SD_ERR_TOOLONG past SD_PASSPHRASE_MAX, SD_ERR_ARG when empty
 * or the two differ. */
SD_MUST_CHECK
int sd_secret_prompt(const char *prompt, int confirm, struct sd_secret *out);

/* Wipe and free; accepts a zeroed struct. */
void sd_secret_free(struct sd_secret *s);

/* Create path with mode, exclusive (never overwrites: SD_ERR_EXISTS), write
 * the bytes through a temporary file in the same directory, fsync, rename,
 * fsync the directory. */
SD_MUST_CHECK
int sd_write_file_excl(const char *path, const void *buf, size_t len, mode_t mode);

/* Read a whole small file (at most max bytes, else SD_ERR_TOOLONG) into a
 * malloc'd buffer with a NUL after the data. */
/* fsync a directory by path. */
SD_MUST_CHECK
int sd_fsync_dir(const char *dir);

SD_MUST_CHECK
int sd_read_small_file(const char *path, size_t max, unsigned char **out, size_t *outlen);

#endif
