/*
 * clean_core.c - the libmagic context and the dispatch from a detected MIME
 * type to a cleaner through the one format table (clean_formats.h). The
 * type always comes from libmagic on the content; a name or a claimed MIME
 * type is never consulted.
 */
#include "clean_int.h"
#include "sderr.h"
#include "sdi18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <magic.h>

struct clean_ctx {
	magic_t magic;
};

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

/* The adapters the table names where a cleaner takes other arguments. */
static int
clean_core_svg(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	return clean_markup(c, buf, len, 0, depth, out, rep);
}

static int
clean_core_html(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	return clean_markup(c, buf, len, 1, depth, out, rep);
}

/* libmagic calls an SVG without an XML declaration or doctype text/xml:
 * one that names the SVG namespace early is cleaned as SVG, another XML
 * document is not supported. */
static int
clean_core_xml(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	static const char ns[] = "http://www.w3.org/2000/svg";
	size_t n = len < 4096 ? len : 4096;

	for (size_t i = 0; i + sizeof ns - 1 <= n; i++)
		if (memcmp(buf + i, ns, sizeof ns - 1) == 0)
			return clean_core_svg(c, buf, len, depth, out, rep);
	return CLEAN_E_UNSUPPORTED;
}

/* Plain text (and Markdown, CSV, source code: libmagic calls them all
 * text/plain) passes as it is: nothing in it was inspected, and a comment
 * or a line in it may name its author. A text that parses as CSS loses its
 * comments (clean_css.c). An empty file holds nothing. */
static int
clean_core_text(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	int e;

	if (len > 0 && (e = clean_css(buf, len, out, rep)) != CLEAN_E_UNSUPPORTED)
		return e;
	if (len > 0)
		clean_note_uninspected(
		    rep, "may contain names in comments (text, passed as it is)");
	return sdbuf_add(out, buf, len);
}

#include "clean_formats.h"

/* 1 when mime is one of the row's space-separated types (or starts with
 * one ending in '*'). */
static int
row_matches(const char *mimes, const char *mime)
{
	size_t ml = strlen(mime);

	for (const char *p = mimes; *p;) {
		size_t l = strcspn(p, " ");
		if (l > 0 && p[l - 1] == '*' ? strncmp(p, mime, l - 1) == 0
					     : l == ml && strncmp(p, mime, l) == 0)
			return 1;
		p += l;
		p += strspn(p, " ");
	}
	return 0;
}

static const struct clean_format *
find_format(const char *mime)
{
	for (size_t i = 0; i < sizeof clean_formats / sizeof clean_formats[0]; i++)
		if (row_matches(clean_formats[i].mimes, mime))
			return &clean_formats[i];
	return NULL;
}

const char *
clean_type_extensions(const char *mime)
{
	const struct clean_format *f = find_format(mime);

	return f != NULL ? f->exts : NULL;
}

int
clean_streamed(const char *mime)
{
	const struct clean_format *f = find_format(mime);

	return f != NULL && f->stream != NULL;
}

int
clean_stream(const char *mime, int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	const struct clean_format *f = find_format(mime);

	if (f == NULL || f->stream == NULL)
		return CLEAN_E_UNSUPPORTED;
	return f->stream(infd, len, outfd, rep);
}

int
clean_buffer(struct clean_ctx *c, const unsigned char *buf, size_t len, const char *mime,
    unsigned depth, struct sdbuf *out, struct clean_report *rep)
{
	const struct clean_format *f;

	if (clean_test_hook(mime) != 0)
		return CLEAN_E_INTERNAL;
	if ((f = find_format(mime)) == NULL)
		return CLEAN_E_UNSUPPORTED;
	return f->plain != NULL ? f->plain(buf, len, out, rep)
				: f->deep(c, buf, len, depth, out, rep);
}

/* Why a type has no cleaner, in the report's words; "" for the rest (marked
 * for the catalogues: sealdrop-open shows it translated). */
static const char *
unsupported_reason(const char *mime, const unsigned char *buf, size_t len)
{
	static const unsigned char ole[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

	if (len >= sizeof ole && memcmp(buf, ole, sizeof ole) == 0)
		return I18N_N(
		    "legacy Microsoft Office or Outlook file (doc, xls, ppt, msg: an OLE "
		    "compound document): not cleaned, no cleaner for this binary format; its "
		    "authors, revisions and comments may be inside");
	if (strcmp(mime, "text/rtf") == 0 || strcmp(mime, "application/rtf") == 0)
		return I18N_N("RTF document: not cleaned, no cleaner for this format; its author, "
			      "revision marks and comments may be inside");
	if (strcmp(mime, "message/rfc822") == 0 || strcmp(mime, "message/news") == 0 ||
	    strcmp(mime, "application/vnd.ms-outlook") == 0)
		return I18N_N(
		    "e-mail: not cleaned, no cleaner for e-mails; its headers name the sender, "
		    "the recipients, their mail servers and addresses");
	return "";
}

int
clean_any(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
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
