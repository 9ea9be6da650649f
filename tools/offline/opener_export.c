/*
 * opener_export.c - sealdrop-open --export-uwazi DEST: the opened folder's
 * state turned into what Uwazi's CSV import takes (docs/opener.md, "Export
 * to Uwazi"):
 *
 *   DEST/import.zip      import.csv, then the files it names, at the top
 *   DEST/template.json   the Uwazi template whose property names are the
 *                        CSV's columns (create it in Uwazi before importing)
 *
 * import.csv has one row (an entity) per cleaned file: columns title,
 * source_alias, received (the item's coarse time as YYYY-MM-DD, a date
 * property), doc_language (the export's --lang: declared, not detected),
 * kind, file (the main document: a PDF, the cleaned one or its safe PDF)
 * and attachments (the other files, '|' between them). With messages asked
 * for, one more row per source: its conversation as a printable PDF.
 *
 * What never leaves: files of uncleaned/ (the status says the file was not
 * cleaned) and of originals-NOT-CLEANED/ (--keep-originals), designations and source ids (a source is named by an alias
 * drawn at random for each export, so the export cannot be joined to a
 * seized server's database by it), paths of DIR. Files are named in the
 * zip by their row and their extension only; the title carries the safe
 * name sealdrop-open gave the file.
 */
#include "opener_export.h"

#include "sdi18n.h"
#include "opener.h"
#include "opener_reader.h"
#include "opener_state.h"
#include "sderr.h"
#include "sdio.h"
#include "sdutf8.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ALIAS_MAX 24
#define ZIP_PART "import.zip.part"

struct xitem {
	json_t *o;
	const char *source; /* "" for an item whose ref did not parse */
	json_int_t seq;
	size_t src; /* index into the aliases */
};

struct xsrc {
	char alias[ALIAS_MAX];
};

struct exporter {
	int outfd, dfd;
	struct archive *a;
	const struct opener_export_opts *o;
	struct opener_export_result res;
	struct sdbuf csv;
	struct xitem *it;
	size_t n;
	struct xsrc *src;
	size_t nsrc;
	size_t row; /* member names: the row number */
};

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int
cmp_item(const void *pa, const void *pb)
{
	const struct xitem *a = pa, *b = pb;
	int c = strcmp(a->source, b->source);

	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* 1 for a cleaned file the export may carry: kind file, cleaned or not
 * fully cleaned, and no part of its path is uncleaned/ or
 * OPENER_ORIGINALS_DIR/ (--keep-originals: only a record's "original"
 * names that folder, and it is never read here). */
static int
exportable_file(json_t *o)
{
	const char *k = jstr(o, "kind"), *s = jstr(o, "status"), *p = jstr(o, "output");

	if (k == NULL || s == NULL || p == NULL || strcmp(k, "file") != 0)
		return 0;
	if (strcmp(s, OPENER_STATUS_CLEANED) != 0 && strcmp(s, OPENER_STATUS_PARTLY) != 0)
		return 0;
	return strncmp(p, "uncleaned/", 10) != 0 && strstr(p, "/uncleaned/") == NULL &&
	    strncmp(p, OPENER_ORIGINALS_DIR "/", sizeof OPENER_ORIGINALS_DIR) != 0 &&
	    strstr(p, "/" OPENER_ORIGINALS_DIR "/") == NULL;
}

static int
is_text(json_t *o)
{
	const char *k = jstr(o, "kind");
	return k != NULL && (strcmp(k, "message") == 0 || strcmp(k, "reply") == 0);
}

static int
cmp_alias(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The items to export, sorted by source and sequence number, each source
 * given a fresh random alias, unique in this export. */
static int
collect(struct exporter *x, const struct opener_state *st)
{
	json_t *items = json_object_get(st->root, "items"), *v;
	size_t i;

	if ((x->it = calloc(json_array_size(items) + 1, sizeof *x->it)) == NULL)
		return SD_ERR_NOMEM;
	json_array_foreach(items, i, v)
	{
		if (!exportable_file(v) && !(x->o->messages && is_text(v)))
			continue;
		x->it[x->n].o = v;
		x->it[x->n].source = jstr(v, "source") ? jstr(v, "source") : "";
		x->it[x->n].seq = json_integer_value(json_object_get(v, "seq"));
		x->n++;
	}
	qsort(x->it, x->n, sizeof *x->it, cmp_item);
	if ((x->src = calloc(x->n + 1, sizeof *x->src)) == NULL)
		return SD_ERR_NOMEM;
	for (i = 0; i < x->n; i++) {
		if (i == 0 || strcmp(x->it[i].source, x->it[i - 1].source) != 0)
			x->nsrc++;
		x->it[i].src = x->nsrc - 1;
	}
	/* Aliases: 40 random bits each; drawn again until no two are equal
	 * (sorting a copy finds a repeat). */
	for (;;) {
		char(*cp)[ALIAS_MAX];
		int dup = 0;

		for (i = 0; i < x->nsrc; i++) {
			unsigned char r[5];
			char hx[11];
			randombytes_buf(r, sizeof r);
			sodium_bin2hex(hx, sizeof hx, r, sizeof r);
			(void)snprintf(x->src[i].alias, ALIAS_MAX, "source-%s", hx);
		}
		if ((cp = calloc(x->nsrc + 1, ALIAS_MAX)) == NULL)
			return SD_ERR_NOMEM;
		for (i = 0; i < x->nsrc; i++)
			memcpy(cp[i], x->src[i].alias, ALIAS_MAX);
		qsort(cp, x->nsrc, ALIAS_MAX, cmp_alias);
		for (i = 1; i < x->nsrc; i++)
			dup |= strcmp(cp[i], cp[i - 1]) == 0;
		free(cp);
		if (!dup)
			return 0;
	}
}

/* A CSV field: always quoted, a quote doubled. */
static int
csv_field(struct sdbuf *b, const char *s, int last)
{
	int e = sdbuf_adds(b, "\"");

	for (const char *p = s; e == 0 && *p; p++)
		e = *p == '"' ? sdbuf_adds(b, "\"\"") : sdbuf_add(b, p, 1);
	if (e == 0)
		e = sdbuf_adds(b, last ? "\"\r\n" : "\",");
	return e;
}

static int
csv_row(struct exporter *x, const char *title, const char *alias, const char *date,
    const char *kind, const char *file, const char *att)
{
	char safe[OPENER_PATH_MAX + 2];
	int e;

	/* A title a spreadsheet would run as a formula (the file's name is the
	 * source's choice) gets an apostrophe in front, as spreadsheets write it. */
	if (title[0] != '\0' && strchr("=+-@\t\r", title[0]) != NULL) {
		(void)snprintf(safe, sizeof safe, "'%s", title);
		title = safe;
	}
	if ((e = csv_field(&x->csv, title, 0)) == 0 && (e = csv_field(&x->csv, alias, 0)) == 0 &&
	    (e = csv_field(&x->csv, date, 0)) == 0 &&
	    (e = csv_field(&x->csv, x->o->lang, 0)) == 0 &&
	    (e = csv_field(&x->csv, kind, 0)) == 0 && (e = csv_field(&x->csv, file, 0)) == 0)
		e = csv_field(&x->csv, att, 1);
	if (e == 0)
		x->res.entities++;
	return e;
}

static void
fmt_date(json_t *o, char out[16])
{
	json_int_t t = json_integer_value(json_object_get(o, "time"));
	time_t tt = (time_t)t;
	struct tm tm;

	out[0] = '\0';
	if (t > 0 && gmtime_r(&tt, &tm) != NULL)
		(void)strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The extension of path's last part, when it is 1 to 10 ASCII letters or
 * digits (lower-cased), else "". */
static void
safe_ext(const char *path, char out[12])
{
	const char *b = strrchr(path, '/'), *d;
	size_t l = 0;

	b = b ? b + 1 : path;
	out[0] = '\0';
	if ((d = strrchr(b, '.')) == NULL || d == b)
		return;
	for (d++; *d && l < 11; d++, l++) {
		if (!((*d >= 'a' && *d <= 'z') || (*d >= 'A' && *d <= 'Z') ||
			(*d >= '0' && *d <= '9'))) {
			out[0] = '\0';
			return;
		}
		out[l] = (char)(*d | (*d >= 'A' && *d <= 'Z' ? 0x20 : 0));
	}
	out[l] = '\0';
	if (*d != '\0')
		out[0] = '\0';
}

static int
member_header(struct exporter *x, const char *name, int64_t size)
{
	struct archive_entry *ae = archive_entry_new();
	int e;

	if (ae == NULL)
		return SD_ERR_NOMEM;
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0600);
	archive_entry_set_size(ae, size);
	archive_entry_set_mtime(ae, 0, 0);
	e = archive_write_header(x->a, ae) == ARCHIVE_OK ? 0 : SD_ERR_IO;
	archive_entry_free(ae);
	return e;
}

static int
member_bytes(struct exporter *x, const char *name, const void *p, size_t len)
{
	int e = member_header(x, name, (int64_t)len);

	if (e == 0 && len > 0 && archive_write_data(x->a, p, len) != (la_ssize_t)len)
		e = SD_ERR_IO;
	return e;
}

/* Copy DIR's file path into the zip as name. SD_ERR_IO when it cannot be
 * read (missing, not a regular file, changed while read). */
static int
member_file(struct exporter *x, const char *name, const char *path)
{
	unsigned char buf[65536];
	struct stat sb;
	off_t left;
	int fd = opener_open_beneath(x->outfd, path), e = 0;

	if (fd < 0)
		return SD_ERR_IO;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return SD_ERR_IO;
	}
	if ((e = member_header(x, name, (int64_t)sb.st_size)) != 0)
		goto out;
	for (left = sb.st_size; left > 0;) {
		size_t got = 0, want = (size_t)left < sizeof buf ? (size_t)left : sizeof buf;
		if ((e = sd_read_full(fd, buf, want, &got)) != 0)
			goto out;
		if (got != want) {
			e = SD_ERR_TRUNCATED; /* the zip entry cannot be completed */
			goto out;
		}
		if (archive_write_data(x->a, buf, got) != (la_ssize_t)got) {
			e = SD_ERR_IO;
			goto out;
		}
		left -= (off_t)got;
	}
out:
	close(fd);
	return e;
}

/* Readable regular file under DIR: checked before a zip entry is begun,
 * so a missing file is skipped without a half-written entry. */
static int
readable(struct exporter *x, const char *path)
{
	struct stat sb;
	int fd = opener_open_beneath(x->outfd, path), ok;

	if (fd < 0)
		return 0;
	ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	close(fd);
	return ok;
}

static int
is_pdf(json_t *o, const char *ext)
{
	const char *t = jstr(o, "type");
	return strcmp(ext, "pdf") == 0 || (t != NULL && strcmp(t, "application/pdf") == 0);
}

/* One cleaned file (and its safe PDF) as one entity. */
static int
export_file(struct exporter *x, const struct xitem *xi)
{
	const char *out = jstr(xi->o, "output"), *pdf = jstr(xi->o, "pdf");
	const char *base = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
	char ext[12], m1[40], m2[40], date[16];
	int e, has_pdf;

	if (!readable(x, out)) {
		/* xgettext:c-format */
		fprintf(stderr,
		    opener_tr(x->o->lang,
			"sealdrop-open: export: a file recorded in "
			"the state is missing or not a regular file, skipped: %s\n"),
		    base);
		x->res.skipped++;
		return 0;
	}
	has_pdf = pdf != NULL && readable(x, pdf);
	safe_ext(out, ext);
	x->row++;
	(void)snprintf(m1, sizeof m1, "%05zu%s%s", x->row, ext[0] ? "." : "", ext);
	(void)snprintf(m2, sizeof m2, "%05zu.safe.pdf", x->row);
	fmt_date(xi->o, date);
	if ((e = member_file(x, m1, out)) != 0)
		return e;
	x->res.files++;
	if (has_pdf) {
		if ((e = member_file(x, m2, pdf)) != 0)
			return e;
		x->res.files++;
	}
	/* Uwazi's main document is a PDF: the cleaned PDF, else the safe PDF;
	 * what is not a PDF is an attachment. */
	if (is_pdf(xi->o, ext))
		return csv_row(x, base, x->src[xi->src].alias, date, "file", m1, has_pdf ? m2 : "");
	if (has_pdf)
		return csv_row(x, base, x->src[xi->src].alias, date, "file", m2, m1);
	return csv_row(x, base, x->src[xi->src].alias, date, "file", "", m1);
}

/* Read a message's file under DIR, at most OPENER_READER_TEXT_MAX bytes;
 * *cut set when it held more. */
static int
read_message(struct exporter *x, const char *path, unsigned char **p, size_t *len, int *cut)
{
	struct stat sb;
	size_t want, got = 0;
	int fd = opener_open_beneath(x->outfd, path), e;

	*p = NULL;
	*len = 0;
	*cut = 0;
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		return SD_ERR_IO;
	}
	want = (uint64_t)sb.st_size > OPENER_READER_TEXT_MAX ? OPENER_READER_TEXT_MAX
							     : (size_t)sb.st_size;
	*cut = (uint64_t)sb.st_size > OPENER_READER_TEXT_MAX;
	if ((*p = malloc(want + 1)) == NULL) {
		close(fd);
		return SD_ERR_NOMEM;
	}
	e = sd_read_full(fd, *p, want, &got);
	close(fd);
	if (e != 0) {
		free(*p);
		*p = NULL;
		return e;
	}
	*len = got;
	return 0;
}

/* Items [from, to) are one source's: its messages and replies as one PDF. */
static int
export_conversation(struct exporter *x, size_t from, size_t to)
{
	const char *lang = x->o->lang, *alias = x->src[x->it[from].src].alias;
	struct opener_export_text *t = NULL;
	char **heads = NULL, title[128], m[40], date[16], first[16] = "";
	unsigned char **bufs = NULL;
	struct sdbuf pdf;
	size_t n = 0, replaced = 0;
	int e = 0;

	sdbuf_init(&pdf, OPENER_EXPORT_PDF_MAX);
	if ((t = calloc(to - from, sizeof *t)) == NULL ||
	    (heads = calloc(to - from, sizeof *heads)) == NULL ||
	    (bufs = calloc(to - from, sizeof *bufs)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	for (size_t i = from; i < to; i++) {
		json_t *o = x->it[i].o;
		int cut = 0, r;
		if (!is_text(o))
			continue;
		fmt_date(o, date);
		if (first[0] == '\0')
			memcpy(first, date, sizeof first);
		if (read_message(x, jstr(o, "output"), &bufs[n], &t[n].len, &cut) != 0) {
			fputs(
			    opener_tr(lang,
				"sealdrop-open: export: a message recorded in the state "
				"is missing or unreadable; its heading is in the conversation PDF\n"),
			    stderr);
			x->res.skipped++;
		}
		heads[n] = malloc(256);
		if (heads[n] == NULL) {
			if (bufs[n] != NULL)
				sodium_memzero(bufs[n], t[n].len);
			free(bufs[n]);
			e = SD_ERR_NOMEM;
			goto out;
		}
		r = snprintf(heads[n], 256, "#%lld %s, %s%s%s", (long long)x->it[i].seq,
		    i18n_get(lang, strcmp(jstr(o, "kind"), "reply") == 0 ? "Reply" : "Message"),
		    date[0] ? date : i18n_get(lang, "time unknown"),
		    bufs[n] == NULL ? " - "
			: cut       ? " - "
				    : "",
		    bufs[n] == NULL ? i18n_get(lang, "the file of this message is missing")
			: cut       ? i18n_get(lang,
					  "cut: the first 2 MiB are shown, the .txt file holds "
						"all of it")
				    : "");
		if (r < 0)
			heads[n][0] = '\0';
		t[n].heading = heads[n];
		t[n].text = bufs[n];
		n++;
	}
	if (n == 0)
		goto out;
	(void)snprintf(title, sizeof title, "%s %s", i18n_get(lang, "Conversation of"), alias);
	e = opener_export_pdf(title,
	    i18n_get(lang,
		"characters this PDF cannot show "
		"(outside Latin-1) are written ?; the offline reader shows them"),
	    t, n, &pdf, &replaced);
	if (e == SD_ERR_RANGE) {
		/* xgettext:c-format */
		fprintf(stderr,
		    opener_tr(lang,
			"sealdrop-open: export: the conversation of %s is "
			"longer than %u pages and was not exported; the offline reader shows it\n"),
		    alias, OPENER_EXPORT_PDF_PAGES_MAX);
		x->res.skipped++;
		e = 0;
		goto out;
	}
	if (e != 0)
		goto out;
	x->row++;
	(void)snprintf(m, sizeof m, "%05zu.conversation.pdf", x->row);
	if ((e = member_bytes(x, m, pdf.p, pdf.len)) != 0)
		goto out;
	x->res.files++;
	e = csv_row(x, title, alias, first, "conversation", m, "");
out:
	for (size_t i = 0; i < n; i++) {
		if (bufs[i] != NULL)
			sodium_memzero(bufs[i], t[i].len);
		free(bufs[i]);
		free(heads[i]);
	}
	free(bufs);
	free(heads);
	free(t);
	sdbuf_free(&pdf);
	return e;
}

static const char template_json[] =
    "{\n"
    "  \"name\": \"sealdrop submission\",\n"
    "  \"commonProperties\": [\n"
    "    {\"label\": \"Title\", \"name\": \"title\", \"type\": \"text\", \"isCommonProperty\": true},\n"
    "    {\"label\": \"Date added\", \"name\": \"creationDate\", \"type\": \"date\", "
    "\"isCommonProperty\": true},\n"
    "    {\"label\": \"Date modified\", \"name\": \"editDate\", \"type\": \"date\", "
    "\"isCommonProperty\": true}\n"
    "  ],\n"
    "  \"properties\": [\n"
    "    {\"label\": \"Source alias\", \"name\": \"source_alias\", \"type\": \"text\"},\n"
    "    {\"label\": \"Received\", \"name\": \"received\", \"type\": \"date\"},\n"
    "    {\"label\": \"Language\", \"name\": \"doc_language\", \"type\": \"text\"},\n"
    "    {\"label\": \"Kind\", \"name\": \"kind\", \"type\": \"text\"}\n"
    "  ]\n"
    "}\n";

static int
write_all(struct exporter *x)
{
	int e = 0, zfd;
	size_t i, j;

	if ((zfd = openat(
		 x->dfd, ZIP_PART, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return SD_ERR_IO;
	if ((x->a = archive_write_new()) == NULL) {
		close(zfd);
		return SD_ERR_NOMEM;
	}
	if (archive_write_set_format_zip(x->a) != ARCHIVE_OK ||
	    archive_write_open_fd(x->a, zfd) != ARCHIVE_OK) {
		e = SD_ERR_IO;
		goto out;
	}
	if ((e = sdbuf_adds(&x->csv,
		 "title,source_alias,received,doc_language,kind,file,"
		 "attachments\r\n")) != 0)
		goto out;
	for (i = 0; i < x->n && e == 0; i = j) {
		for (j = i; j < x->n && x->it[j].src == x->it[i].src; j++)
			if (exportable_file(x->it[j].o) && (e = export_file(x, &x->it[j])) != 0)
				break;
		if (e == 0 && x->o->messages)
			e = export_conversation(x, i, j);
	}
	if (e == 0)
		e = member_bytes(x, "import.csv", x->csv.p, x->csv.len);
	if (e == 0 && archive_write_close(x->a) != ARCHIVE_OK)
		e = SD_ERR_IO;
out:
	archive_write_free(x->a);
	x->a = NULL;
	if (e == 0 && fsync(zfd) != 0)
		e = SD_ERR_IO;
	close(zfd);
	if (e == 0 && renameat(x->dfd, ZIP_PART, x->dfd, "import.zip") != 0)
		e = SD_ERR_IO;
	if (e == 0) {
		int tfd = openat(x->dfd, "template.json",
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (tfd < 0 || sd_write_full(tfd, template_json, sizeof template_json - 1) != 0 ||
		    fsync(tfd) != 0)
			e = SD_ERR_IO;
		if (tfd >= 0)
			close(tfd);
	}
	if (e == 0 && fsync(x->dfd) != 0)
		e = SD_ERR_IO;
	return e;
}

int
opener_export_uwazi(int outfd, const struct opener_state *st, const char *dest,
    const struct opener_export_opts *o, struct opener_export_result *res)
{
	struct exporter x = { .outfd = outfd, .dfd = -1, .o = o };
	int e;

	sdbuf_init(&x.csv, OPENER_EXPORT_CSV_MAX);
	if ((e = opener_reader_init()) != 0 || (e = collect(&x, st)) != 0)
		goto out;
	if (mkdir(dest, 0700) != 0) {
		e = errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
		goto out;
	}
	if ((x.dfd = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		e = SD_ERR_IO;
		(void)rmdir(dest);
		goto out;
	}
	if ((e = write_all(&x)) != 0) {
		/* Leave nothing half-written: the folder was made by this run. */
		(void)unlinkat(x.dfd, ZIP_PART, 0);
		(void)unlinkat(x.dfd, "import.zip", 0);
		(void)unlinkat(x.dfd, "template.json", 0);
		(void)rmdir(dest);
		goto out;
	}
	*res = x.res;
out:
	if (x.dfd >= 0)
		close(x.dfd);
	sdbuf_free(&x.csv);
	free(x.it);
	free(x.src);
	return e;
}

/* ---- the conversation PDF ---- */

/* WinAnsi (PDF's standard Latin text encoding) byte for code point cp, or 0
 * when it has none. 0x20..0x7E and 0xA0..0xFF are Latin-1's. */
static unsigned char
winansi(uint32_t cp)
{
	static const struct {
		uint32_t cp;
		unsigned char b;
	} extra[] = {
		{ 0x20AC, 0x80 },
		{ 0x201A, 0x82 },
		{ 0x0192, 0x83 },
		{ 0x201E, 0x84 },
		{ 0x2026, 0x85 },
		{ 0x2020, 0x86 },
		{ 0x2021, 0x87 },
		{ 0x02C6, 0x88 },
		{ 0x2030, 0x89 },
		{ 0x0160, 0x8A },
		{ 0x2039, 0x8B },
		{ 0x0152, 0x8C },
		{ 0x017D, 0x8E },
		{ 0x2018, 0x91 },
		{ 0x2019, 0x92 },
		{ 0x201C, 0x93 },
		{ 0x201D, 0x94 },
		{ 0x2022, 0x95 },
		{ 0x2013, 0x96 },
		{ 0x2014, 0x97 },
		{ 0x02DC, 0x98 },
		{ 0x2122, 0x99 },
		{ 0x0161, 0x9A },
		{ 0x203A, 0x9B },
		{ 0x0153, 0x9C },
		{ 0x017E, 0x9E },
		{ 0x0178, 0x9F },
	};

	if ((cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA1 && cp <= 0xFF))
		return (unsigned char)cp;
	if (cp == 0xA0)
		return ' ';
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (extra[i].cp == cp)
			return extra[i].b;
	return 0;
}

/* Next code point of UTF-8 p[0..n): its length, or 1 with *cp = 0xFFFD for
 * a byte that does not start a valid sequence. */
static size_t
utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t l = sd_utf8_decode(p, n, cp);

	if (l == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return l;
}

/* Lines of text as WinAnsi bytes, wrapped at OPENER_EXPORT_PDF_COLS. */
struct lines {
	struct sdbuf b; /* lines, each ended by '\n' */
	size_t n;
	size_t col;
	size_t start; /* offset of the current line */
	size_t replaced;
};

static int
lines_put(struct lines *l, unsigned char c)
{
	int e;

	if (c == '\n') {
		if ((e = sdbuf_add(&l->b, "\n", 1)) != 0)
			return e;
		l->n++;
		l->col = 0;
		l->start = l->b.len;
		return 0;
	}
	if (l->col == OPENER_EXPORT_PDF_COLS) {
		/* A full line: broken after its last space, else where it is. */
		size_t k = l->b.len;
		while (k > l->start && l->b.p[k - 1] != ' ')
			k--;
		if (k > l->start + 1) {
			l->b.p[k - 1] = '\n';
			l->start = k;
		} else {
			if ((e = sdbuf_add(&l->b, "\n", 1)) != 0)
				return e;
			l->start = l->b.len;
		}
		l->n++;
		l->col = l->b.len - l->start;
	}
	l->col++;
	return sdbuf_add(&l->b, &c, 1);
}

static int
lines_text(struct lines *l, const unsigned char *p, size_t n, int count)
{
	int e = 0;

	for (size_t i = 0; i < n && e == 0;) {
		uint32_t cp;
		unsigned char b;
		if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') {
			i++;
			continue;
		}
		i += utf8_next(p + i, n - i, &cp);
		if (cp == '\n' || cp == '\r') {
			e = lines_put(l, '\n');
		} else if (cp == '\t') {
			for (int k = 0; k < 4 && e == 0; k++)
				e = lines_put(l, ' ');
		} else if ((b = winansi(cp)) != 0) {
			e = lines_put(l, b);
		} else {
			l->replaced += count ? 1u : 0u;
			e = lines_put(l, '?');
		}
	}
	return e;
}

static int
lines_end(struct lines *l)
{
	return l->col > 0 ? lines_put(l, '\n') : 0;
}

#define PDF_W 595
#define PDF_H 842
#define PDF_MARGIN 56
#define PDF_SIZE 10
#define PDF_LEAD 13
#define PDF_ROWS ((PDF_H - 2 * PDF_MARGIN) / PDF_LEAD)

/* A page's content stream: lines [*pos, ...) up to PDF_ROWS of them. */
static int
page_content(struct sdbuf *c, const char **pos, const char *end)
{
	int e = sdbuf_printf(c, "BT /F1 %d Tf %d TL %d %d Td\n", PDF_SIZE, PDF_LEAD, PDF_MARGIN,
	    PDF_H - PDF_MARGIN - PDF_SIZE);

	for (int r = 0; r < PDF_ROWS && *pos < end && e == 0; r++) {
		const char *nl = memchr(*pos, '\n', (size_t)(end - *pos));
		e = sdbuf_adds(c, "(");
		for (const char *q = *pos; q < nl && e == 0; q++) {
			unsigned char u = (unsigned char)*q;
			if (u == '(' || u == ')' || u == '\\')
				e = sdbuf_printf(c, "\\%c", u);
			else if (u < 0x20 || u >= 0x7F)
				e = sdbuf_printf(c, "\\%03o", u);
			else
				e = sdbuf_add(c, q, 1);
		}
		if (e == 0)
			e = sdbuf_adds(c, ") Tj T*\n");
		*pos = nl + 1;
	}
	if (e == 0)
		e = sdbuf_adds(c, "ET\n");
	return e;
}

int
opener_export_pdf(const char *title, const char *note, const struct opener_export_text *t, size_t n,
    struct sdbuf *out, size_t *replaced)
{
	struct lines l = { .n = 0 };
	struct sdbuf c;
	size_t *off = NULL, pages, nobj, xref, i;
	const char *pos, *end;
	char num[32];
	int e = 0;

	sdbuf_init(&l.b, OPENER_EXPORT_PDF_MAX);
	sdbuf_init(&c, 1u << 20);
	/* Count what cannot be shown first, so the first page can say it. */
	for (i = 0; i < n && e == 0; i++)
		e = lines_text(&l, t[i].text ? t[i].text : (const unsigned char *)"", t[i].len, 1);
	*replaced = l.replaced;
	sdbuf_reset(&l.b);
	l.n = l.col = l.start = 0;
	if (e == 0)
		e = lines_text(&l, (const unsigned char *)title, strlen(title), 0);
	if (e == 0)
		e = lines_end(&l);
	if (e == 0 && *replaced > 0) {
		(void)snprintf(num, sizeof num, "%zu ", *replaced);
		if ((e = lines_text(&l, (const unsigned char *)num, strlen(num), 0)) == 0 &&
		    (e = lines_text(&l, (const unsigned char *)note, strlen(note), 0)) == 0)
			e = lines_end(&l);
	}
	for (i = 0; i < n && e == 0; i++) {
		if ((e = lines_put(&l, '\n')) == 0 &&
		    (e = lines_text(
			 &l, (const unsigned char *)t[i].heading, strlen(t[i].heading), 0)) == 0 &&
		    (e = lines_end(&l)) == 0 &&
		    (e = lines_text(
			 &l, t[i].text ? t[i].text : (const unsigned char *)"", t[i].len, 0)) == 0)
			e = lines_end(&l);
	}
	if (e != 0)
		goto out;
	pages = l.n / PDF_ROWS + (l.n % PDF_ROWS != 0);
	if (pages == 0)
		pages = 1;
	if (pages > OPENER_EXPORT_PDF_PAGES_MAX) {
		e = SD_ERR_RANGE;
		goto out;
	}
	/* Objects: 1 catalog, 2 pages, 3 font, then page 4+2i and its content
	 * 5+2i. No document information, no metadata. */
	nobj = 4 + 2 * pages;
	if ((off = calloc(nobj, sizeof *off)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	if ((e = sdbuf_adds(out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")) != 0)
		goto out;
	off[1] = out->len;
	if ((e = sdbuf_adds(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")) != 0)
		goto out;
	off[3] = out->len;
	if ((e = sdbuf_adds(out,
		 "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Courier "
		 "/Encoding /WinAnsiEncoding >>\nendobj\n")) != 0)
		goto out;
	pos = l.b.p ? l.b.p : "";
	end = pos + l.b.len;
	for (i = 0; i < pages && e == 0; i++) {
		size_t k = 4 + 2 * i;
		sdbuf_reset(&c);
		if ((e = page_content(&c, &pos, end)) != 0)
			break;
		off[k] = out->len;
		if ((e = sdbuf_printf(out,
			 "%zu 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d "
			 "%d] /Resources << /Font << /F1 3 0 R >> >> /Contents %zu 0 R >>\nendobj\n",
			 k, PDF_W, PDF_H, k + 1)) != 0)
			break;
		off[k + 1] = out->len;
		if ((e = sdbuf_printf(
			 out, "%zu 0 obj\n<< /Length %zu >>\nstream\n", k + 1, c.len)) == 0 &&
		    (e = sdbuf_add(out, c.p, c.len)) == 0)
			e = sdbuf_adds(out, "endstream\nendobj\n");
	}
	if (e != 0)
		goto out;
	off[2] = out->len;
	if ((e = sdbuf_adds(out, "2 0 obj\n<< /Type /Pages /Kids [")) != 0)
		goto out;
	for (i = 0; i < pages && e == 0; i++)
		e = sdbuf_printf(out, "%s%zu 0 R", i ? " " : "", 4 + 2 * i);
	if (e == 0)
		e = sdbuf_printf(out, "] /Count %zu >>\nendobj\n", pages);
	xref = out->len;
	if (e == 0)
		e = sdbuf_printf(out, "xref\n0 %zu\n0000000000 65535 f \n", nobj);
	for (i = 1; i < nobj && e == 0; i++)
		e = sdbuf_printf(out, "%010zu 00000 n \n", off[i]);
	if (e == 0)
		e = sdbuf_printf(out,
		    "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", nobj, xref);
out:
	if (e == SD_ERR_TOOLONG)
		e = SD_ERR_RANGE;
	free(off);
	sdbuf_free(&l.b);
	sdbuf_free(&c);
	return e;
}
