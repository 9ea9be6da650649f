/*
 * safename.c - safe file names from untrusted ones (see safename.h): one
 * function for the names of cleaned files, one for the names of files kept
 * uncleaned, which always end in SAFENAME_UNCLEANED_EXT.
 */
#include "safename.h"
#include "sdutf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Length of a valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp = 0;
	size_t len = sd_utf8_decode(p, n, &cp);

	/* C1 controls, bidi overrides and isolates, zero-width and BOM. */
	if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF)
		return 0;
	return len;
}

static int
bad_ascii(unsigned char c)
{
	return c < 0x20 || c == 0x7F || strchr("/\\:*?\"<>|", c) != NULL;
}

/* Copy the last path component, replacing bad bytes with '_'. */
static size_t
clean_copy(const char *in, char *buf, size_t bufsz)
{
	const char *base = in, *s;
	size_t o = 0, n = strlen(in);

	for (s = in; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	n -= (size_t)(base - in);
	for (size_t i = 0; i < n && o + 4 < bufsz;) {
		const unsigned char *p = (const unsigned char *)base + i;
		size_t l = utf8_len(p, n - i);
		if (l == 0 || (l == 1 && bad_ascii(p[0]))) {
			buf[o++] = '_';
			i += l ? l : 1;
			continue;
		}
		memcpy(buf + o, p, l);
		o += l;
		i += l;
	}
	buf[o] = '\0';
	return o;
}

/* Windows device names, with or without an extension. */
static int
is_device(const char *s)
{
	static const char *const dev[] = { "con", "prn", "aux", "nul", "com1", "com2", "com3",
		"com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4",
		"lpt5", "lpt6", "lpt7", "lpt8", "lpt9" };
	size_t stem = strcspn(s, ".");

	for (size_t i = 0; i < sizeof dev / sizeof dev[0]; i++)
		if (strlen(dev[i]) == stem && strncasecmp(s, dev[i], stem) == 0)
			return 1;
	return 0;
}

/* Shorten to max bytes on a UTF-8 boundary, keeping a short extension. */
static void
shorten(char *s, size_t len, size_t max)
{
	const char *dot = strrchr(s, '.');
	size_t ext = dot ? strlen(dot) : 0, keep;

	if (len <= max)
		return;
	if (ext > 16)
		ext = 0;
	keep = max - ext;
	while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
		keep--;
	memmove(s + keep, s + len - ext, ext + 1);
}

void
safename_make(const char *in, const char *fallback, char out[SAFENAME_MAX + 1])
{
	char buf[4096]; /* longer inputs are cut (and lose their extension) */
	size_t len = clean_copy(in ? in : "", buf, sizeof buf), start = 0;

	while (start < len && (buf[start] == '.' || buf[start] == ' ' || buf[start] == '-'))
		start++;
	while (len > start && (buf[len - 1] == '.' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	if (len == start) {
		(void)snprintf(out, SAFENAME_MAX + 1, "%s", fallback);
		return;
	}
	memmove(buf, buf + start, len - start + 1);
	len -= start;
	shorten(buf, len, SAFENAME_MAX - 1);
	len = strlen(buf); /* now at most SAFENAME_MAX - 1 */
	start = is_device(buf) ? 1 : 0;
	out[0] = '_';
	memcpy(out + start, buf, len + 1);
}

void
safename_uncleaned(const char *in, const char *fallback, char out[SAFENAME_MAX + 1])
{
	size_t ext = sizeof SAFENAME_UNCLEANED_EXT - 1, len;

	safename_make(in, fallback, out);
	len = strlen(out);
	/* Room for the suffix; the source's own extension is kept when short. */
	shorten(out, len, SAFENAME_MAX - ext);
	len = strlen(out);
	memcpy(out + len, SAFENAME_UNCLEANED_EXT, ext + 1);
}
