/*
 * clean_core.c - the cleaning library's plumbing: output buffers, report
 * notes, the libmagic context and the dispatch from a detected MIME type to
 * a cleaner. The type always comes from libmagic on the content; a name or
 * a claimed MIME type is never consulted.
 */
#include "clean.h"
#include "clean_int.h"
#include "sderr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <magic.h>

struct clean_ctx {
	magic_t magic;
};

int
clean_buf_append(struct clean_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / 2 - b->len)
		return SD_ERR_RANGE;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *d;
		while (cap < b->len + n)
			cap *= 2;
		if ((d = realloc(b->data, cap)) == NULL)
			return SD_ERR_NOMEM;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

void
clean_buf_free(struct clean_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

#define NOTE_MORE "(more not listed)"

/* Append a line to a '\n'-separated list unless it is already there; when
 * it does not fit, end the list with NOTE_MORE (once). */
static void note_add(char *list, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

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
	case 0: return "cleaned";
	case CLEAN_E_UNSUPPORTED: return "type not supported";
	case CLEAN_E_MALFORMED: return "malformed file";
	case CLEAN_E_LIMIT: return "limit exceeded";
	case CLEAN_E_UNSAFE: return "unsafe archive member";
	case CLEAN_E_CRASH: return "cleaner crashed or hung";
	case CLEAN_E_INTERNAL: return "internal error";
	default: return sd_strerror(e);
	}
}

int
clean_ctx_new(struct clean_ctx **out)
{
	struct clean_ctx *c = calloc(1, sizeof *c);
	int e = CLEAN_E_INTERNAL;

	if (c == NULL)
		return SD_ERR_NOMEM;
	c->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
	if (c->magic == NULL || magic_load(c->magic, NULL) != 0)
		goto out;
	*out = c;
	c = NULL;
	e = 0;
out:
	clean_ctx_free(c);
	return e;
}

void
clean_ctx_free(struct clean_ctx *c)
{
	if (c == NULL)
		return;
	if (c->magic)
		magic_close(c->magic);
	free(c);
}

int
clean_detect(struct clean_ctx *c, const unsigned char *buf, size_t len, char *type)
{
	const char *t;

	if (len == 0) {
		(void)snprintf(type, CLEAN_TYPE_MAX + 1, "application/x-empty");
		return 0;
	}
	if ((t = magic_buffer(c->magic, buf, len)) == NULL)
		return CLEAN_E_INTERNAL;
	(void)snprintf(type, CLEAN_TYPE_MAX + 1, "%s", t);
	return 0;
}

static int
is_zip_type(const char *m)
{
	return strcmp(m, "application/zip") == 0 ||
	    strncmp(m, "application/vnd.openxmlformats-officedocument.", 46) == 0 ||
	    strncmp(m, "application/vnd.oasis.opendocument.", 35) == 0 ||
	    strcmp(m, "application/vnd.ms-excel") == 0 || strcmp(m, "application/epub+zip") == 0 ||
	    strcmp(m, "application/octet-stream+zip") == 0;
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

/* libmagic calls an SVG without an XML declaration or doctype text/xml. */
static int
is_svg(const char *mime, const unsigned char *buf, size_t len)
{
	static const char ns[] = "http://www.w3.org/2000/svg";
	size_t n = len < 4096 ? len : 4096;

	if (strcmp(mime, "text/xml") != 0 && strcmp(mime, "application/xml") != 0)
		return 0;
	for (size_t i = 0; i + sizeof ns - 1 <= n; i++)
		if (memcmp(buf + i, ns, sizeof ns - 1) == 0)
			return 1;
	return 0;
}

/* Plain text (and Markdown, CSV, source code: libmagic calls them all
 * text/plain) passes as it is: nothing in it was inspected, and a comment
 * or a line in it may name its author. A text that parses as CSS loses its
 * comments (clean_css.c). An empty file holds nothing. */
static int
clean_text(const unsigned char *buf, size_t len, struct clean_buf *out,
    struct clean_report *rep)
{
	int e;

	if (len > 0 && (e = clean_css(buf, len, out, rep)) != CLEAN_E_UNSUPPORTED)
		return e;
	if (len > 0)
		clean_note_uninspected(rep, "may contain names in comments (text, passed as it is)");
	return clean_buf_append(out, buf, len);
}

static int
is_mp4_type(const char *m)
{
	return strcmp(m, "video/mp4") == 0 || strcmp(m, "video/quicktime") == 0 ||
	    strcmp(m, "audio/x-m4a") == 0 || strcmp(m, "audio/mp4") == 0 ||
	    strcmp(m, "video/3gpp") == 0 || strcmp(m, "video/3gpp2") == 0 ||
	    strcmp(m, "video/x-m4v") == 0;
}

int
clean_streamed(const char *mime)
{
	return is_mp4_type(mime);
}

int
clean_buffer(struct clean_ctx *c, const unsigned char *buf, size_t len,
    const char *mime, unsigned depth, struct clean_buf *out, struct clean_report *rep)
{
	if (clean_test_hook(mime) != 0)
		return CLEAN_E_INTERNAL;
	if (strcmp(mime, "image/jpeg") == 0)
		return clean_jpeg(buf, len, out, rep);
	if (strcmp(mime, "image/png") == 0)
		return clean_png(buf, len, out, rep);
	if (strcmp(mime, "application/pdf") == 0)
		return clean_pdf(c, buf, len, depth, out, rep);
	if (is_zip_type(mime))
		return clean_zip(c, buf, len, depth, out, rep);
	if (is_mp4_type(mime))
		return clean_mp4(buf, len, out, rep);
	if (strcmp(mime, "image/heic") == 0 || strcmp(mime, "image/heif") == 0 ||
	    strcmp(mime, "image/avif") == 0 || strcmp(mime, "image/heic-sequence") == 0 ||
	    strcmp(mime, "image/heif-sequence") == 0)
		return clean_heif(buf, len, out, rep);
	if (strcmp(mime, "image/tiff") == 0)
		return clean_tiff(buf, len, out, rep);
	if (strcmp(mime, "image/gif") == 0)
		return clean_gif(buf, len, out, rep);
	if (strcmp(mime, "image/webp") == 0 || strcmp(mime, "audio/x-wav") == 0 ||
	    strcmp(mime, "audio/wav") == 0 || strcmp(mime, "audio/vnd.wave") == 0)
		return clean_riff(buf, len, out, rep);
	if (strcmp(mime, "audio/ogg") == 0 || strcmp(mime, "application/ogg") == 0 ||
	    strcmp(mime, "audio/x-vorbis+ogg") == 0 || strcmp(mime, "audio/opus") == 0)
		return clean_ogg(buf, len, out, rep);
	if (strcmp(mime, "audio/x-aiff") == 0 || strcmp(mime, "audio/aiff") == 0)
		return clean_aiff(buf, len, out, rep);
	if (strcmp(mime, "audio/mpeg") == 0)
		return clean_mp3(buf, len, out, rep);
	if (strcmp(mime, "audio/flac") == 0 || strcmp(mime, "audio/x-flac") == 0)
		return clean_flac(buf, len, out, rep);
	if (strcmp(mime, "image/svg+xml") == 0 || is_svg(mime, buf, len))
		return clean_markup(c, buf, len, 0, depth, out, rep);
	if (strcmp(mime, "text/html") == 0)
		return clean_markup(c, buf, len, 1, depth, out, rep);
	if (strcmp(mime, "application/x-tar") == 0)
		return clean_tar(c, buf, len, depth, out, rep);
	if (strcmp(mime, "video/x-matroska") == 0 || strcmp(mime, "video/webm") == 0 ||
	    strcmp(mime, "audio/webm") == 0 || strcmp(mime, "audio/x-matroska") == 0)
		return clean_mkv(buf, len, out, rep);
	if (strcmp(mime, "video/x-msvideo") == 0 || strcmp(mime, "video/avi") == 0 ||
	    strcmp(mime, "video/msvideo") == 0)
		return clean_avi(buf, len, out, rep);
	if (strcmp(mime, "video/x-ms-asf") == 0 || strcmp(mime, "video/x-ms-wmv") == 0 ||
	    strcmp(mime, "audio/x-ms-wma") == 0 || strcmp(mime, "audio/x-ms-asf") == 0 ||
	    strcmp(mime, "application/vnd.ms-asf") == 0)
		return clean_asf(buf, len, out, rep);
	if (strcmp(mime, "application/gzip") == 0 || strcmp(mime, "application/x-gzip") == 0)
		return clean_gzip(c, buf, len, depth, out, rep);
	if (strcmp(mime, "text/plain") == 0 || strcmp(mime, "application/x-empty") == 0)
		return clean_text(buf, len, out, rep);
	return CLEAN_E_UNSUPPORTED;
}

/* Why a type has no cleaner, in the report's words; "" for the rest. */
static const char *
unsupported_reason(const char *mime, const unsigned char *buf, size_t len)
{
	static const unsigned char ole[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

	if (len >= sizeof ole && memcmp(buf, ole, sizeof ole) == 0)
		return "legacy Microsoft Office or Outlook file (doc, xls, ppt, msg: an OLE "
		    "compound document): not cleaned, no cleaner for this binary format; its "
		    "authors, revisions and comments may be inside";
	if (strcmp(mime, "text/rtf") == 0 || strcmp(mime, "application/rtf") == 0)
		return "RTF document: not cleaned, no cleaner for this format; its author, "
		    "revision marks and comments may be inside";
	if (strcmp(mime, "message/rfc822") == 0 || strcmp(mime, "message/news") == 0 ||
	    strcmp(mime, "application/vnd.ms-outlook") == 0)
		return "e-mail: not cleaned, no cleaner for e-mails; its headers name the sender, "
		    "the recipients, their mail servers and addresses";
	return "";
}

int
clean_any(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct clean_buf *out, struct clean_report *rep)
{
	int e;

	if ((e = clean_detect(c, buf, len, rep->type)) != 0) {
		clean_set_error(rep, "libmagic could not decide the type");
		return e;
	}
	/* libmagic names some OOXML files made by other tools octet-stream. */
	if (strcmp(rep->type, "application/octet-stream") == 0 && len >= 4 &&
	    memcmp(buf, "PK\x03\x04", 4) == 0)
		(void)snprintf(rep->type, sizeof rep->type, "application/zip");
	if (unsupported_reason(rep->type, buf, len)[0] != '\0') {
		clean_set_error(rep, "%s", unsupported_reason(rep->type, buf, len));
		return CLEAN_E_UNSUPPORTED;
	}
	if ((e = clean_buffer(c, buf, len, rep->type, depth, out, rep)) == CLEAN_E_UNSUPPORTED)
		clean_set_error(rep, "no cleaner for this type (%s)", rep->type);
	return e;
}
