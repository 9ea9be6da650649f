/*
 * clean_render_eml.c - an e-mail (.eml, message/rfc822) as a page of text
 * for a safe PDF.
 *
 * clean_render_eml() reads the message in the sandboxed child (it is the
 * uncleaned original: no cleaner handles e-mails) and writes an XHTML
 * document that clean_render_pdf() then draws with MuPDF like any page: the
 * text body (the first text/plain part that is not an attachment, decoded
 * from base64 or quoted-printable, UTF-8 kept, Latin-1 and Windows-1252
 * converted, anything else shown as '?'), then a list of the attachments
 * by name and type, said not to be drawn. No header is drawn (From, To,
 * Subject, Date: they name people, and the sender's copy is kept apart in
 * uncleaned/); an HTML-only message is said to have no text body.
 *
 * Bounds: multipart nesting EML_DEPTH_MAX, EML_PARTS_MAX parts (the parts
 * past either are counted, and the page and the report say how many were
 * not read), EML_ATTACH_LISTED attachments listed (the rest counted), the
 * body cut at EML_TEXT_MAX bytes or EML_LINES_MAX lines (the page says so:
 * MuPDF lays out the whole page before the safe PDF's page limit is
 * checked, and refuses a longer one whole); names and types are
 * cut to 120 printable ASCII characters. A multipart body without its
 * closing delimiter ends with its last part, which is read.
 *
 * clean_eml_attachment() decodes one attachment (base64, quoted-printable
 * or as is), found by the same walk, so that sealdrop-open can clean it and
 * draw it like any file; the caller may give one line per attachment
 * (fates) saying what became of it, drawn beside its name.
 */
#include "clean.h"
#include "clean_int.h"
#include "sderr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EML_DEPTH_MAX 4
#define EML_PARTS_MAX 200
#define EML_ATTACH_LISTED 50
#define EML_TEXT_MAX (2u << 20)
#define EML_LINES_MAX 15000 /* about 300 pages: within the safe PDF's 500 */
#define EML_FIELD_MAX 512

struct eml {
	struct sdbuf text; /* the decoded body, UTF-8 */
	int have_text, cut, html_only, other_charset;
	unsigned parts, attachments;
	unsigned skipped;                    /* parts past the bounds, not read */
	char att[EML_ATTACH_LISTED][2][128]; /* name, type */
	unsigned want;                       /* clean_eml_attachment: which one */
	struct sdbuf *got;                   /* its decoded bytes, or NULL */
	int found;
};

/* Headers end at the first empty line; *body gets where the body starts. */
static size_t
eml_split(const unsigned char *p, size_t n, size_t *body)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < n && p[i + 1] == '\n') {
			*body = i + 2;
			return i + 1;
		}
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n') {
			*body = i + 3;
			return i + 1;
		}
	}
	if (n > 0 && (p[0] == '\n' || (n > 1 && p[0] == '\r' && p[1] == '\n'))) {
		*body = p[0] == '\n' ? 1 : 2;
		return 0;
	}
	*body = n; /* headers only */
	return n;
}

/* The value of header name (unfolded, printable ASCII, cut to vsz - 1),
 * or "" when absent. */
static void
eml_header(const unsigned char *h, size_t hn, const char *name, char *val, size_t vsz)
{
	size_t nl = strlen(name), k = 0;

	val[0] = '\0';
	for (size_t i = 0; i < hn;) {
		size_t end = i;
		while (end < hn && h[end] != '\n')
			end++;
		if (end - i > nl && h[i + nl] == ':' &&
		    strncasecmp((const char *)h + i, name, nl) == 0) {
			size_t j = i + nl + 1;
			while (j < end && (h[j] == ' ' || h[j] == '\t'))
				j++;
			for (;;) {
				for (; j < end && k + 1 < vsz; j++)
					if (h[j] >= 0x20 && h[j] < 0x7f)
						val[k++] = (char)h[j];
					else if (h[j] == '\t')
						val[k++] = ' ';
				/* a folded line goes on the next one */
				if (end + 1 < hn && (h[end + 1] == ' ' || h[end + 1] == '\t')) {
					j = end + 1;
					end = j;
					while (end < hn && h[end] != '\n')
						end++;
					continue;
				}
				break;
			}
			val[k] = '\0';
			while (k > 0 && val[k - 1] == ' ')
				val[--k] = '\0';
			return;
		}
		i = end + 1;
	}
}

/* A parameter of a header value (name=value or name="value"), or "". */
static void
eml_param(const char *v, const char *name, char *out, size_t osz)
{
	size_t nl = strlen(name), k = 0;

	out[0] = '\0';
	for (const char *p = strchr(v, ';'); p != NULL; p = strchr(p + 1, ';')) {
		const char *q = p + 1;
		while (*q == ' ')
			q++;
		if (strncasecmp(q, name, nl) != 0 || q[nl] != '=')
			continue;
		q += nl + 1;
		if (*q == '"') {
			for (q++; *q && *q != '"' && k + 1 < osz; q++)
				out[k++] = *q;
		} else {
			for (; *q && *q != ';' && *q != ' ' && k + 1 < osz; q++)
				out[k++] = *q;
		}
		out[k] = '\0';
		return;
	}
}

static int
eml_hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0'
	    : c >= 'A' && c <= 'F'  ? c - 'A' + 10
	    : c >= 'a' && c <= 'f'  ? c - 'a' + 10
				    : -1;
}

/* Decode a part's body into out (never longer than the input). */
static int
eml_decode(const unsigned char *p, size_t n, const char *cte, struct sdbuf *out)
{
	unsigned char *d = malloc(n ? n : 1);
	size_t k = 0;
	int e;

	if (d == NULL)
		return SD_ERR_NOMEM;
	if (strncasecmp(cte, "base64", 6) == 0) {
		uint32_t acc = 0;
		int bits = 0;
		for (size_t i = 0; i < n && p[i] != '='; i++) {
			const char *a =
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
			const char *f = p[i] ? strchr(a, p[i]) : NULL;
			if (f == NULL)
				continue;
			acc = (acc << 6) | (uint32_t)(f - a);
			if ((bits += 6) >= 8) {
				bits -= 8;
				d[k++] = (unsigned char)(acc >> bits);
			}
		}
	} else if (strncasecmp(cte, "quoted-printable", 16) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (p[i] != '=') {
				d[k++] = p[i];
			} else if (i + 1 < n && p[i + 1] == '\n') {
				i++;
			} else if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n') {
				i += 2;
			} else if (i + 2 < n && eml_hex(p[i + 1]) >= 0 && eml_hex(p[i + 2]) >= 0) {
				d[k++] =
				    (unsigned char)(eml_hex(p[i + 1]) << 4 | eml_hex(p[i + 2]));
				i += 2;
			} else {
				d[k++] = '=';
			}
		}
	} else {
		memcpy(d, p, n);
		k = n;
	}
	e = sdbuf_add(out, d, k);
	free(d);
	return e;
}

/* Length of a valid UTF-8 sequence at p (at most n bytes), 0 if none. */
static size_t
eml_utf8(const unsigned char *p, size_t n)
{
	size_t l = p[0] < 0x80             ? 1
	    : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
	    : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
	    : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
					   : 0;

	if (l == 0 || l > n)
		return 0;
	for (size_t i = 1; i < l; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((l == 3 && p[0] == 0xE0 && p[1] < 0xA0) || (l == 3 && p[0] == 0xED && p[1] >= 0xA0) ||
	    (l == 4 && p[0] == 0xF0 && p[1] < 0x90) || (l == 4 && p[0] == 0xF4 && p[1] >= 0x90))
		return 0;
	return l;
}

/* The body's bytes in charset, appended to m->text as UTF-8. */
static int
eml_text(struct eml *m, const unsigned char *p, size_t n, const char *charset)
{
	/* whole names: iso-8859-13, -14, -16 and latin10 are other sets */
	int latin = strcasecmp(charset, "iso-8859-1") == 0 ||
	    strcasecmp(charset, "iso-8859-15") == 0 || strcasecmp(charset, "windows-1252") == 0 ||
	    strcasecmp(charset, "latin1") == 0;
	int utf8 = charset[0] == '\0' || strcasecmp(charset, "utf-8") == 0 ||
	    strcasecmp(charset, "us-ascii") == 0;
	int e = 0;

	if (!latin && !utf8)
		m->other_charset = 1;
	for (size_t i = 0; i < n && e == 0;) {
		size_t l;
		if (m->text.len >= EML_TEXT_MAX) {
			m->cut = 1;
			break;
		}
		if (p[i] < 0x80) {
			e = sdbuf_add(&m->text, p + i, 1);
			i++;
		} else if (latin) {
			unsigned char u[2] = { (unsigned char)(0xC0 | p[i] >> 6),
				(unsigned char)(0x80 | (p[i] & 0x3F)) };
			e = p[i] < 0xA0 ? sdbuf_add(&m->text, "?", 1) : sdbuf_add(&m->text, u, 2);
			i++;
		} else if (utf8 && (l = eml_utf8(p + i, n - i)) > 0) {
			e = sdbuf_add(&m->text, p + i, l);
			i += l;
		} else {
			e = sdbuf_add(&m->text, "?", 1);
			i++;
		}
	}
	return e;
}

static void
eml_copy(char *dst, size_t dsz, const char *src)
{
	size_t k = 0;

	for (; *src && k + 1 < dsz && k < 120; src++)
		if ((unsigned char)*src >= 0x20 && (unsigned char)*src < 0x7f)
			dst[k++] = *src;
	dst[k] = '\0';
}

static int eml_walk(struct eml *m, const unsigned char *p, size_t n, unsigned depth);

/* The parts of a multipart body between "--boundary" lines. */
static int
eml_multipart(struct eml *m, const unsigned char *p, size_t n, const char *boundary, unsigned depth)
{
	size_t bl = strlen(boundary), start = 0, i = 0;
	int in = 0, closed = 0, e = 0;

	if (bl == 0 || bl > 70)
		return 0;
	while (i < n && e == 0) {
		size_t end = i;
		while (end < n && p[end] != '\n')
			end++;
		if (end - i >= bl + 2 && p[i] == '-' && p[i + 1] == '-' &&
		    memcmp(p + i + 2, boundary, bl) == 0) {
			int last =
			    end - i >= bl + 4 && p[i + bl + 2] == '-' && p[i + bl + 3] == '-';
			if (in) {
				size_t stop = i > start ? i - 1 : start; /* the newline before */
				if (stop > start && p[stop - 1] == '\r')
					stop--;
				e = eml_walk(m, p + start, stop - start, depth + 1);
			}
			if (last) {
				closed = 1;
				break;
			}
			in = 1;
			start = end + 1 < n ? end + 1 : n;
		}
		i = end + 1;
	}
	/* No closing delimiter: the last part runs to the end, and is read
	 * like the others (as mail programs show it), never left out. */
	if (e == 0 && in && !closed && start < n)
		e = eml_walk(m, p + start, n - start, depth + 1);
	return e;
}

static int
eml_walk(struct eml *m, const unsigned char *p, size_t n, unsigned depth)
{
	char ctype[EML_FIELD_MAX], cte[EML_FIELD_MAX], disp[EML_FIELD_MAX], name[160], charset[64],
	    boundary[80];
	size_t body, hn = eml_split(p, n, &body);
	int e = 0;

	if (depth > EML_DEPTH_MAX || ++m->parts > EML_PARTS_MAX) {
		m->skipped++; /* said on the page and in the report */
		return 0;
	}
	eml_header(p, hn, "Content-Type", ctype, sizeof ctype);
	eml_header(p, hn, "Content-Transfer-Encoding", cte, sizeof cte);
	eml_header(p, hn, "Content-Disposition", disp, sizeof disp);
	if (ctype[0] == '\0')
		(void)snprintf(ctype, sizeof ctype, "text/plain");
	eml_param(disp, "filename", name, sizeof name);
	if (name[0] == '\0')
		eml_param(ctype, "name", name, sizeof name);
	if (strncasecmp(ctype, "multipart/", 10) == 0) {
		eml_param(ctype, "boundary", boundary, sizeof boundary);
		return eml_multipart(m, p + body, n - body, boundary, depth);
	}
	if (strncasecmp(disp, "attachment", 10) == 0 || name[0] != '\0' ||
	    strncasecmp(ctype, "message/", 8) == 0 || strncasecmp(ctype, "text/", 5) != 0) {
		if (m->got != NULL && m->attachments == m->want && !m->found) {
			m->found = 1;
			e = eml_decode(p + body, n - body, cte, m->got);
		}
		if (m->attachments < EML_ATTACH_LISTED) {
			char t[128];
			eml_copy(m->att[m->attachments][0], sizeof m->att[0][0],
			    name[0] ? name : "(no name)");
			(void)snprintf(t, sizeof t, "%.*s", (int)strcspn(ctype, "; "), ctype);
			eml_copy(m->att[m->attachments][1], sizeof m->att[0][1], t);
		}
		m->attachments++;
		return e;
	}
	if (strncasecmp(ctype, "text/plain", 10) == 0 && !m->have_text) {
		struct sdbuf d = CLEAN_BUF_INIT;
		eml_param(ctype, "charset", charset, sizeof charset);
		if ((e = eml_decode(p + body, n - body, cte, &d)) == 0)
			e = eml_text(m, d.data, d.len, charset);
		sdbuf_free(&d);
		m->have_text = 1;
	} else if (strncasecmp(ctype, "text/html", 9) == 0) {
		m->html_only = 1;
	}
	return e;
}

/* Append s to out with XML's special characters escaped, controls but
 * tab dropped. */
static int
eml_escape(struct sdbuf *out, const char *s, size_t n)
{
	int e = 0;

	for (size_t i = 0; i < n && e == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '&')
			e = sdbuf_add(out, "&amp;", 5);
		else if (c == '<')
			e = sdbuf_add(out, "&lt;", 4);
		else if (c == '>')
			e = sdbuf_add(out, "&gt;", 4);
		else if (c == '\t')
			e = sdbuf_add(out, "    ", 4);
		else if (c >= 0x20 && c != 0x7f)
			e = sdbuf_add(out, &s[i], 1);
	}
	return e;
}

#define EML_PUT(s) sdbuf_add(out, s, strlen(s))

int
clean_eml_attachment(const unsigned char *buf, size_t len, unsigned index, struct sdbuf *out,
    char *name, size_t namesz, unsigned *count)
{
	struct eml *m = calloc(1, sizeof *m);
	struct sdbuf d = CLEAN_BUF_INIT;
	int e;

	if (m == NULL)
		return SD_ERR_NOMEM;
	sdbuf_init(&m->text, CLEAN_BUF_MAX);
	m->want = index;
	m->got = &d;
	if ((e = eml_walk(m, buf, len, 0)) != 0)
		goto out;
	*count = m->attachments;
	if (!m->found) {
		e = SD_ERR_NOTFOUND;
		goto out;
	}
	if ((e = sdbuf_add(out, d.data, d.len)) != 0)
		goto out;
	if (namesz > 0)
		(void)snprintf(name, namesz, "%s",
		    index < EML_ATTACH_LISTED && strcmp(m->att[index][0], "(no name)") != 0
			? m->att[index][0]
			: "");
out:
	sdbuf_free(&d);
	sdbuf_free(&m->text);
	free(m);
	return e;
}

/* Line i of fates ('\n'-separated), or NULL. */
static const char *
eml_fate(const char *fates, unsigned i, size_t *len)
{
	for (; fates != NULL && *fates; i--) {
		size_t l = strcspn(fates, "\n");
		if (i == 0) {
			*len = l;
			return fates;
		}
		fates += l + (fates[l] == '\n');
	}
	return NULL;
}

int
clean_render_eml(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	return clean_render_eml_fates(buf, len, NULL, out, rep);
}

int
clean_render_eml_fates(const unsigned char *buf, size_t len, const char *fates, struct sdbuf *out,
    struct clean_report *rep)
{
	struct eml *m = calloc(1, sizeof *m);
	int e;

	if (m == NULL)
		return SD_ERR_NOMEM;
	sdbuf_init(&m->text, CLEAN_BUF_MAX);
	if ((e = eml_walk(m, buf, len, 0)) != 0)
		goto out;
	if ((e = EML_PUT(
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\""
		 "http://www.w3.org/1999/xhtml\"><head><style>body { font-family: sans-serif; "
		 "font-size: 11pt } p { margin: 0 } h1 { font-size: 12pt; margin-top: 1em }"
		 "</style></head><body>\n")) != 0)
		goto out;
	if (!m->have_text)
		e = EML_PUT(m->html_only ? "<h1>This e-mail has no plain-text body (its HTML "
					   "body is not drawn).</h1>\n"
					 : "<h1>This e-mail has no text body.</h1>\n");
	for (size_t i = 0, lines = 0; i < m->text.len && e == 0; lines++) {
		const char *line = (const char *)m->text.data + i;
		size_t l = 0;
		if (lines == EML_LINES_MAX) {
			e = EML_PUT("<h1>[The text is cut here: only its first 15000 lines are "
				    "drawn.]</h1>\n");
			break;
		}
		while (i + l < m->text.len && line[l] != '\n')
			l++;
		i += l + 1;
		if (l > 0 && line[l - 1] == '\r')
			l--;
		if ((e = EML_PUT("<p>")) == 0 &&
		    (e = l == 0 ? EML_PUT("&#160;") : eml_escape(out, line, l)) == 0)
			e = EML_PUT("</p>\n");
	}
	if (e == 0 && m->cut)
		e = EML_PUT("<h1>[The text is cut here: only its first 2 MiB are drawn.]</h1>\n");
	if (e == 0 && m->other_charset)
		e = EML_PUT("<h1>[The text's character set is not read: its non-ASCII "
			    "characters are shown as ?.]</h1>\n");
	if (e == 0 && m->skipped > 0) {
		char h[200];
		(void)snprintf(h, sizeof h,
		    "<h1>[%u parts of this e-mail are not read (nested "
		    "more than %d deep, or past its first %d parts): any attachment among them is "
		    "not listed.]</h1>\n",
		    m->skipped, EML_DEPTH_MAX, EML_PARTS_MAX);
		e = EML_PUT(h);
	}
	if (e == 0 && m->attachments > 0) {
		char h[96];
		(void)snprintf(h, sizeof h,
		    fates != NULL ? "<h1>Attachments: %u</h1>\n"
				  : "<h1>Attachments, not drawn: %u</h1>\n",
		    m->attachments);
		e = EML_PUT(h);
	}
	for (unsigned i = 0; i < m->attachments && i < EML_ATTACH_LISTED && e == 0; i++) {
		size_t fl = 0;
		const char *f = eml_fate(fates, i, &fl);
		if ((e = EML_PUT("<p>")) == 0 &&
		    (e = eml_escape(out, m->att[i][0], strlen(m->att[i][0]))) == 0 &&
		    (e = EML_PUT(" (")) == 0 &&
		    (e = eml_escape(out, m->att[i][1], strlen(m->att[i][1]))) == 0 &&
		    (e = EML_PUT(")")) == 0 && f != NULL && fl > 0 && (e = EML_PUT(": ")) == 0)
			e = eml_escape(out, f, fl);
		if (e == 0)
			e = EML_PUT("</p>\n");
	}
	if (e == 0 && m->attachments > EML_ATTACH_LISTED)
		e = EML_PUT("<p>(more not listed)</p>\n");
	if (e == 0)
		e = EML_PUT("</body></html>\n");
	if (e == 0) {
		clean_note_removed(rep,
		    "the e-mail's headers (sender, recipients, subject, date): "
		    "not drawn");
		if (m->attachments > 0 && fates == NULL)
			clean_note_uninspected(rep, "%u attachment%s listed by name, not drawn",
			    m->attachments, m->attachments == 1 ? "" : "s");
		else if (m->attachments > 0)
			clean_note_kept(rep,
			    "%u attachment%s listed by name with what became of "
			    "each (saved apart, cleaned and drawn like any file)",
			    m->attachments, m->attachments == 1 ? "" : "s");
		if (m->skipped > 0)
			clean_note_uninspected(rep,
			    "%u part%s of the e-mail not read (nested too "
			    "deep or too many): attachments among them not listed",
			    m->skipped, m->skipped == 1 ? "" : "s");
	}
out:
	sdbuf_free(&m->text);
	free(m);
	return e;
}
