/*
 * test_sdio.c - unit tests for common/sdio.c: full reads and writes through
 * a pipe and a file, passphrase files (line endings, empty, too long),
 * exclusive atomic file creation (mode, refusal to overwrite, no temporary
 * file left behind) and bounded small-file reads. Files live in a mkdtemp
 * directory under /tmp, removed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "sderr.h"
#include "sdio.h"

static char dir[64];

static int
group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof dir, "/tmp/test_sdio.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Remove every file of dir, then dir. */
static int
group_teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	(void)state;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		(void)unlink(p);
	}
	closedir(d);
	return rmdir(dir);
}

static size_t
count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
path_of(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
}

static void
write_tmp(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
test_pipe_full(void **state)
{
	unsigned char out[4000], in[8000];
	size_t got = 0;
	int fds[2];

	(void)state;
	randombytes_buf(out, sizeof out);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(sd_write_full(fds[1], out, sizeof out), 0);
	assert_int_equal(close(fds[1]), 0);
	assert_int_equal(sd_read_full(fds[0], in, sizeof in, &got), 0);
	assert_int_equal(got, sizeof out);
	assert_memory_equal(in, out, sizeof out);
	assert_int_equal(sd_read_full(fds[0], in, sizeof in, &got), 0);
	assert_int_equal(got, 0);
	assert_int_equal(close(fds[0]), 0);
	assert_int_equal(sd_write_full(-1, out, 1), SD_ERR_IO);
	assert_int_equal(sd_read_full(-1, in, 1, &got), SD_ERR_IO);
}

static void
test_file_full(void **state)
{
	unsigned char out[100000], in[100000];
	char path[256];
	size_t got = 0;
	int fd;

	(void)state;
	path_of(path, sizeof path, "full.bin");
	randombytes_buf(out, sizeof out);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(sd_write_full(fd, out, sizeof out), 0);
	assert_int_equal(close(fd), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(sd_read_full(fd, in, 1000, &got), 0); /* stops at len */
	assert_int_equal(got, 1000);
	assert_int_equal(sd_read_full(fd, in + 1000, sizeof in - 1000, &got), 0);
	assert_int_equal(got, sizeof in - 1000);
	assert_memory_equal(in, out, sizeof out);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink(path), 0);
}

/* sd_secret_from_file on content must give want (NULL: expect err). */
static void
secret_case(const void *content, size_t len, const char *want, int err)
{
	struct sd_secret s = { 0 };
	char path[256];

	path_of(path, sizeof path, "pass.txt");
	write_tmp(path, content, len);
	assert_int_equal(sd_secret_from_file(path, &s), want ? 0 : err);
	if (want != NULL) {
		assert_int_equal(s.len, strlen(want));
		assert_memory_equal(s.buf, want, s.len + 1); /* NUL included */
	} else {
		assert_null(s.buf);
	}
	sd_secret_free(&s);
	assert_null(s.buf);
	assert_int_equal(unlink(path), 0);
}

static void
test_secret_from_file(void **state)
{
	struct sd_secret s = { 0 };

	(void)state;
	secret_case("hunter2 hunter2\n", 16, "hunter2 hunter2", 0);
	secret_case("hunter2 hunter2\r\n", 17, "hunter2 hunter2", 0);
	secret_case("hunter2 hunter2", 15, "hunter2 hunter2", 0);
	secret_case("first line\nsecond line\n", 23, "first line", 0);
	secret_case(" spaces kept \n", 14, " spaces kept ", 0);
	secret_case("", 0, NULL, SD_ERR_ARG);
	secret_case("\n", 1, NULL, SD_ERR_ARG);
	secret_case("\r\n", 2, NULL, SD_ERR_ARG);
	assert_int_equal(sd_secret_from_file("/nonexistent/sealdrop/pass", &s), SD_ERR_IO);
	assert_null(s.buf);
	sd_secret_free(&s); /* zeroed struct accepted */
}

static void
test_secret_too_long(void **state)
{
	char *buf = malloc(SD_PASSPHRASE_MAX + 10), *want = malloc(SD_PASSPHRASE_MAX + 1);

	(void)state;
	assert_non_null(buf);
	assert_non_null(want);
	memset(buf, 'p', SD_PASSPHRASE_MAX + 10);
	memset(want, 'p', SD_PASSPHRASE_MAX);
	want[SD_PASSPHRASE_MAX] = '\0';
	secret_case(buf, SD_PASSPHRASE_MAX, want, 0);
	buf[SD_PASSPHRASE_MAX] = '\n';
	secret_case(buf, SD_PASSPHRASE_MAX + 1, want, 0);
	secret_case(buf, SD_PASSPHRASE_MAX + 5, want, 0);
	buf[SD_PASSPHRASE_MAX] = 'p';
	secret_case(buf, SD_PASSPHRASE_MAX + 1, NULL, SD_ERR_TOOLONG);
	secret_case(buf, SD_PASSPHRASE_MAX + 10, NULL, SD_ERR_TOOLONG);
	free(buf);
	free(want);
}

static void
check_file(const char *path, const char *content, mode_t mode)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
	assert_int_equal(sd_read_small_file(path, 4096, &buf, &len), 0);
	assert_int_equal(len, strlen(content));
	assert_memory_equal(buf, content, len);
	free(buf);
}

static void
test_write_file_excl(void **state)
{
	char path[256], path2[256];
	mode_t old;

	(void)state;
	assert_int_equal(count_entries(), 0);
	path_of(path, sizeof path, "secret.key");
	path_of(path2, sizeof path2, "public.pub");
	assert_int_equal(sd_write_file_excl(path, "first", 5, 0600), 0);
	check_file(path, "first", 0600);
	assert_int_equal(sd_write_file_excl(path, "second", 6, 0600), SD_ERR_EXISTS);
	check_file(path, "first", 0600);
	assert_int_equal(count_entries(), 1); /* no temporary file left */
	/* the mode is exact whatever the umask */
	old = umask(077);
	assert_int_equal(sd_write_file_excl(path2, "pub\n", 4, 0644), 0);
	umask(old);
	check_file(path2, "pub\n", 0644);
	assert_int_equal(count_entries(), 2);
	/* an empty file is fine */
	assert_int_equal(unlink(path2), 0);
	assert_int_equal(sd_write_file_excl(path2, "", 0, 0600), 0);
	check_file(path2, "", 0600);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(unlink(path2), 0);
	assert_int_equal(count_entries(), 0);
}

static void
test_write_file_excl_errors(void **state)
{
	char path[256];

	(void)state;
	path_of(path, sizeof path, "nodir/x.key");
	assert_int_equal(sd_write_file_excl(path, "x", 1, 0600), SD_ERR_IO);
	/* a dangling symlink counts as existing and is not followed */
	path_of(path, sizeof path, "link.key");
	assert_int_equal(symlink("/tmp/sealdrop-test-target-should-not-exist", path), 0);
	assert_int_not_equal(sd_write_file_excl(path, "x", 1, 0600), 0);
	assert_int_equal(access("/tmp/sealdrop-test-target-should-not-exist", F_OK), -1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(count_entries(), 0);
}

static void
test_read_small_file(void **state)
{
	unsigned char *buf = NULL, data[100];
	size_t len = 0;
	char path[256];

	(void)state;
	path_of(path, sizeof path, "small.bin");
	memset(data, 'x', sizeof data);
	write_tmp(path, data, sizeof data);
	assert_int_equal(sd_read_small_file(path, 100, &buf, &len), 0);
	assert_int_equal(len, 100);
	assert_memory_equal(buf, data, 100);
	assert_int_equal(buf[100], '\0');
	free(buf);
	buf = NULL;
	assert_int_equal(sd_read_small_file(path, 99, &buf, &len), SD_ERR_TOOLONG);
	assert_null(buf);
	assert_int_equal(sd_read_small_file(path, SIZE_MAX, &buf, &len), SD_ERR_ARG);
	write_tmp(path, "", 0);
	assert_int_equal(sd_read_small_file(path, 0, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(buf[0], '\0');
	free(buf);
	buf = NULL;
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sd_read_small_file(path, 100, &buf, &len), SD_ERR_IO);
	assert_null(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_full),
		cmocka_unit_test(test_file_full),
		cmocka_unit_test(test_secret_from_file),
		cmocka_unit_test(test_secret_too_long),
		cmocka_unit_test(test_write_file_excl),
		cmocka_unit_test(test_write_file_excl_errors),
		cmocka_unit_test(test_read_small_file),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
