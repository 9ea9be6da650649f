/*
 * test_sdlog.c - unit tests of common/sdlog: the "PROG: message" line,
 * control characters written as '?', the errno text of sdlog_warn (errno
 * kept), the bound of a line, and sdlog_fatalx's exit status (in a child).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "sdlog.h"

/* Run fn with stderr going to a temporary file; its text in out. */
static void
capture(void (*fn)(void), char *out, size_t cap)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	fn();
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, cap - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

static void
log_plain(void)
{
	sdlog_info("started, %d workers", 4);
}

static void
log_control(void)
{
	sdlog_warnx("a\nforged: line\r\x1b[31m%s", "\x7f end");
}

static void
log_errno(void)
{
	errno = ENOENT;
	sdlog_warn("cannot open %s", "x");
	assert_int_equal(errno, ENOENT);
}

static void
log_long(void)
{
	char big[3 * SDLOG_LINE_MAX];

	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	sdlog_info("%s", big);
}

static void
test_lines(void **state)
{
	char out[4 * SDLOG_LINE_MAX];

	(void)state;
	sdlog_init("sealdrop-test");
	assert_string_equal(sdlog_prog(), "sealdrop-test");
	capture(log_plain, out, sizeof out);
	assert_string_equal(out, "sealdrop-test: started, 4 workers\n");
	capture(log_control, out, sizeof out);
	assert_string_equal(out, "sealdrop-test: a?forged: line??[31m? end\n");
	capture(log_errno, out, sizeof out);
	assert_string_equal(out, "sealdrop-test: cannot open x: No such file or directory\n");
	capture(log_long, out, sizeof out);
	assert_int_equal(strlen(out), SDLOG_LINE_MAX - 1);
	assert_int_equal(out[SDLOG_LINE_MAX - 2], '\n');
	assert_int_equal(strncmp(out, "sealdrop-test: zzz", 18), 0);
}

static void
test_fatal(void **state)
{
	int st = 0;
	pid_t p;

	(void)state;
	p = fork();
	assert_true(p >= 0);
	if (p == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			(void)dup2(null, STDERR_FILENO);
		sdlog_fatalx("cannot go on: %s", "test");
	}
	assert_int_equal(waitpid(p, &st, 0), p);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_fatal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
