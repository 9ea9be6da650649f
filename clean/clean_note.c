/*
 * clean_note.c - the leaf of the cleaning library: report notes, result
 * words and archive member names (output buffers are common/sdbuf.h's).
 * It calls nothing else in clean/, so every cleaner can use it without a cycle through the
 * dispatch in clean_core.c.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_MORE "(more not listed)"

/* Append a line to a '\n'-separated list unless it is already there; when
 * it does not fit, end the list with NOTE_MORE (once). */
static void
note_add(char *list, size_t cap, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

static void
note_add(char *list, size_t cap, const char *fmt, va_list ap)
{
	char line[512];
	size_t have = strlen(list), n;
	const char *p;
	int k = vsnprintf(line, sizeof line, fmt, ap);

	if (k <= 0)
		return;
	n = strlen(line);
	for (p = list; (p = strstr(p, line)) != NULL; p++)
		if ((p == list || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return;
	if (have + n + 2 + sizeof NOTE_MORE > cap) {
		size_t m = sizeof NOTE_MORE - 1;
		if (have >= m && strcmp(list + have - m, NOTE_MORE) == 0)
			return;
		if (have + m + 2 > cap)
			return; /* cannot happen: room for it is always kept */
		if (have > 0)
			list[have++] = '\n';
		memcpy(list + have, NOTE_MORE, m + 1);
		return;
	}
	if (have > 0)
		list[have++] = '\n';
	memcpy(list + have, line, n + 1);
}

void
clean_note_removed(struct clean_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note_add(r->removed, sizeof r->removed, fmt, ap);
	va_end(ap);
}

void
clean_note_kept(struct clean_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note_add(r->kept, sizeof r->kept, fmt, ap);
	va_end(ap);
}

void
clean_note_uninspected(struct clean_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note_add(r->uninspected, sizeof r->uninspected, fmt, ap);
	va_end(ap);
}

int
clean_report_full(const struct clean_report *r)
{
	return r->uninspected[0] == '\0';
}

void
clean_set_error(struct clean_report *r, const char *fmt, ...)
{
	va_list ap;
	if (r->error[0] != '\0')
		return; /* keep the first, innermost reason */
	va_start(ap, fmt);
	(void)vsnprintf(r->error, sizeof r->error, fmt, ap);
	va_end(ap);
}

const char *
clean_strerror(int e)
{
	switch (e) {
	case 0:
		return "cleaned";
	case CLEAN_E_UNSUPPORTED:
		return "type not supported";
	case CLEAN_E_MALFORMED:
		return "malformed file";
	case CLEAN_E_LIMIT:
		return "limit exceeded";
	case CLEAN_E_UNSAFE:
		return "unsafe archive member";
	case CLEAN_E_CRASH:
		return "cleaner crashed or hung";
	case CLEAN_E_INTERNAL:
		return "internal error";
	default:
		return sd_strerror(e);
	}
}

int
clean_member_name_safe(const char *n)
{
	const char *p = n;

	if (n[0] == '\0' || n[0] == '/' || strchr(n, '\\') != NULL)
		return 0;
	for (const unsigned char *u = (const unsigned char *)n; *u; u++)
		if (*u < 0x20 || *u == 0x7F)
			return 0;
	while (*p) {
		size_t l = strcspn(p, "/");
		if ((l == 2 && p[0] == '.' && p[1] == '.') || (l == 1 && p[0] == '.'))
			return 0;
		p += l;
		if (*p == '/')
			p++;
	}
	return 1;
}

void
clean_note_member(struct clean_report *r, const char *name, const struct clean_report *sub)
{
	for (const char *p = sub->removed, *q; *p; p = q) {
		q = p + strcspn(p, "\n");
		clean_note_removed(r, "%.120s: %.*s", name, (int)(q - p), p);
		if (*q)
			q++;
	}
	for (const char *p = sub->kept, *q; *p; p = q) {
		q = p + strcspn(p, "\n");
		clean_note_kept(r, "%.120s: %.*s", name, (int)(q - p), p);
		if (*q)
			q++;
	}
	for (const char *p = sub->uninspected, *q; *p; p = q) {
		q = p + strcspn(p, "\n");
		clean_note_uninspected(r, "%.120s: %.*s", name, (int)(q - p), p);
		if (*q)
			q++;
	}
}
