/*
 * sdlog.c - one line on stderr a message, "PROG: message" (see sdlog.h).
 * Each line is formatted into a bounded buffer, control characters made
 * '?', and written with one write(2), so concurrent threads never
 * interleave within a line.
 */
#include "sdlog.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *sdlog_name = "sealdrop";

void
sdlog_init(const char *prog)
{
	if (prog != NULL && prog[0] != '\0')
		sdlog_name = prog;
}

const char *
sdlog_prog(void)
{
	return sdlog_name;
}

/* Write "PROG: message[: why]\n"; why may be NULL. */
static void
sdlog_vline(const char *why, const char *fmt, va_list ap)
{
	char line[SDLOG_LINE_MAX];
	size_t n, p;
	int r;

	r = snprintf(line, sizeof line, "%s: ", sdlog_name);
	p = r < 0 ? 0 : (size_t)r >= sizeof line ? sizeof line - 1 : (size_t)r;
	r = vsnprintf(line + p, sizeof line - p, fmt, ap);
	n = r < 0 ? p : p + (size_t)r >= sizeof line ? sizeof line - 1 : p + (size_t)r;
	if (why != NULL) {
		r = snprintf(line + n, sizeof line - n, ": %s", why);
		n = r < 0 ? n : n + (size_t)r >= sizeof line ? sizeof line - 1 : n + (size_t)r;
	}
	for (size_t i = p; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	if (n >= sizeof line - 1)
		n = sizeof line - 2; /* room for the newline */
	line[n++] = '\n';
	for (size_t off = 0; off < n;) {
		ssize_t w = write(STDERR_FILENO, line + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

/* One line of fmt and the variable arguments, with why (may be NULL);
 * errno is kept. */
#define SDLOG_LINE(why, fmt) \
	do { \
		va_list ap_; \
		int saved_ = errno; \
		va_start(ap_, fmt); \
		sdlog_vline((why), (fmt), ap_); \
		va_end(ap_); \
		errno = saved_; \
	} while (0)

void
sdlog_info(const char *fmt, ...)
{
	SDLOG_LINE(NULL, fmt);
}

void
sdlog_warnx(const char *fmt, ...)
{
	SDLOG_LINE(NULL, fmt);
}

void
sdlog_warn(const char *fmt, ...)
{
	char why[128];

	(void)snprintf(why, sizeof why, "%s", strerror(errno));
	SDLOG_LINE(why, fmt);
}

void
sdlog_fatalx(const char *fmt, ...)
{
	SDLOG_LINE(NULL, fmt);
	exit(1);
}

void
sdlog_fatal(const char *fmt, ...)
{
	char why[128];

	(void)snprintf(why, sizeof why, "%s", strerror(errno));
	SDLOG_LINE(why, fmt);
	exit(1);
}
