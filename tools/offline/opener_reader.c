/*
 * opener_reader.c - the offline reader: DIR/index.html and DIR/reader/LANG/,
 * rewritten from the state after each run (docs/opener.md, "The offline
 * reader").
 *
 *   DIR/index.html               the sources, newest activity first (the
 *                                language of --lang)
 *   DIR/reader/LANG/index.html   the same page in each language
 *   DIR/reader/LANG/s-<id>.html  one source's conversation in order:
 *                                messages and replies as escaped text, files
 *                                with kind, size, cleaning status and notes,
 *                                linked to the cleaned copy (and safe PDF)
 *   DIR/reader/LANG/unsorted.html   items whose ref did not parse
 *   DIR/reader/LANG/failed.html  what failed in the last run, and why
 *
 * Pages are rendered by the template engine of common/ (tools/offline/
 * templates/, embedded at build time) in every language of the catalogues.
 * No page holds a script; each carries a Content-Security-Policy that
 * forbids scripts, images and any load, and works from file://. The only
 * submitted content a page holds is the text of messages and replies,
 * HTML-escaped by the engine, with invalid UTF-8 replaced and every control
 * or direction-changing character shown as [U+XXXX] in its place; every
 * other file is only linked to. Each page is written to a temporary name
 * and renamed into place.
 */
#include "opener_reader.h"
#include "opener_state.h"
#include "sdi18n.h"
#include "sdblob.h"
#include "sdbuf.h"
#include "sderr.h"
#include "sdio.h"
#include "sdtmpl.h"
#include "sdutf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

extern const struct sd_blob opener_tmpl_blobs[];
extern const size_t opener_tmpl_blobs_n;

#define SOURCE_KEY_MAX 33

/* One item of the state, for sorting into conversations. */
struct ritem {
	json_t *o;
	char key[SOURCE_KEY_MAX]; /* source hex, "" for unsorted */
	json_int_t seq, run, time;
	size_t pos; /* position in the state */
};

struct rsource {
	size_t first, n; /* range in the sorted items */
	json_int_t newest, lastrun;
	size_t messages, files, replies;
	char designation[OPENER_PATH_MAX];
	char page[48]; /* s-<32 hex>.html or unsorted.html */
};

struct reader {
	int outfd;
	const struct opener_state *st;
	struct ritem *items;
	size_t n;
	struct rsource *src;
	size_t nsrc;
	json_int_t runs;
};

static const char *
jstrv(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int
cmp_ritem(const void *pa, const void *pb)
{
	const struct ritem *a = pa, *b = pb;
	int c;

	if ((a->key[0] == '\0') != (b->key[0] == '\0'))
		return a->key[0] == '\0' ? 1 : -1;
	if ((c = strcmp(a->key, b->key)) != 0)
		return c;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int
cmp_rsource(const void *pa, const void *pb)
{
	const struct rsource *a = pa, *b = pb;

	if (a->newest != b->newest)
		return a->newest > b->newest ? -1 : 1;
	if (a->lastrun != b->lastrun)
		return a->lastrun > b->lastrun ? -1 : 1;
	return strcmp(a->designation, b->designation);
}

/* Sort the state's items into conversations; sources newest first. */
static int
group(struct reader *rd)
{
	json_t *items = json_object_get(rd->st->root, "items"), *o;
	size_t i;

	rd->n = json_array_size(items);
	if (rd->n > 0 && (rd->items = calloc(rd->n, sizeof *rd->items)) == NULL)
		return SD_ERR_NOMEM;
	json_array_foreach(items, i, o)
	{
		struct ritem *r = &rd->items[i];
		r->o = o;
		(void)snprintf(r->key, sizeof r->key, "%s", jstrv(o, "source"));
		r->seq = json_integer_value(json_object_get(o, "seq"));
		r->run = json_integer_value(json_object_get(o, "run"));
		r->time = json_integer_value(json_object_get(o, "time"));
		r->pos = i;
	}
	if (rd->n > 1)
		qsort(rd->items, rd->n, sizeof *rd->items, cmp_ritem);
	for (i = 0; i < rd->n; i++) {
		struct ritem *r = &rd->items[i];
		struct rsource *s;
		const char *kind = jstrv(r->o, "kind"), *out = jstrv(r->o, "output");
		if (i == 0 || strcmp(r->key, rd->items[i - 1].key) != 0) {
			struct rsource *p = realloc(rd->src, (rd->nsrc + 1) * sizeof *p);
			if (p == NULL)
				return SD_ERR_NOMEM;
			rd->src = p;
			s = &rd->src[rd->nsrc++];
			memset(s, 0, sizeof *s);
			s->first = i;
			/* The folder name: "<designation>-<8 hex>" or "unsorted". */
			(void)snprintf(s->designation, sizeof s->designation, "%.*s",
			    (int)strcspn(out, "/"), out);
			(void)snprintf(s->page, sizeof s->page, "%s%s.html",
			    r->key[0] ? "s-" : "unsorted", r->key);
		}
		s = &rd->src[rd->nsrc - 1];
		s->n++;
		s->newest = r->time > s->newest ? r->time : s->newest;
		s->lastrun = r->run > s->lastrun ? r->run : s->lastrun;
		s->messages += strcmp(kind, "message") == 0;
		s->files += strcmp(kind, "file") == 0;
		s->replies += strcmp(kind, "reply") == 0;
	}
	if (rd->nsrc > 1)
		qsort(rd->src, rd->nsrc, sizeof *rd->src, cmp_rsource);
	return 0;
}

/* ---- text and links ------------------------------------------------------ */

/* Percent-encode a relative path for an href (the engine escapes it for
 * HTML as well). */
static void
href_path(const char *root, const char *p, char *out, size_t sz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = (size_t)snprintf(out, sz, "%s", root);

	for (; *p && o + 4 < sz; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o < sz ? o : sz - 1] = '\0';
}

/* Characters that change the direction of the text around them. */
static int
is_bidi(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

int
opener_reader_text(const unsigned char *in, size_t len, struct sdbuf *out, int *marked)
{
	size_t i = 0;
	int e = 0;

	*marked = 0;
	while (i < len && e == 0) {
		uint32_t cp = 0;
		size_t l = sd_utf8_decode(in + i, len - i, &cp);
		if (l == 0) {
			e = sdbuf_add(out, "\xEF\xBF\xBD", 3); /* U+FFFD */
			i++;
			continue;
		}
		if (cp == '\r' && i + 1 < len && in[i + 1] == '\n') {
			i++;
			continue;
		}
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp <= 0x9F) ||
		    is_bidi(cp)) {
			char m[16];
			int k = snprintf(m, sizeof m, "[U+%04X]", (unsigned)cp);
			e = sdbuf_add(out, m, (size_t)k);
			*marked = 1;
		} else {
			e = sdbuf_add(out, in + i, l);
		}
		i += l;
	}
	return e;
}

int
opener_open_beneath(int outfd, const char *path)
{
	char part[OPENER_PATH_MAX];
	int dfd = dup(outfd), fd;

	while (dfd >= 0) {
		size_t l = strcspn(path, "/");
		(void)snprintf(part, sizeof part, "%.*s", (int)l, path);
		if (path[l] == '\0') {
			fd = openat(
			    dfd, part, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
			close(dfd);
			return fd;
		}
		fd = openat(dfd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		dfd = fd;
		path += l + 1;
	}
	return -1;
}

/* The text of a message or reply, at most OPENER_READER_TEXT_MAX bytes. */
static int
read_text(int outfd, const char *path, struct tmpl_vars *v)
{
	struct sdbuf raw, clean;
	unsigned char buf[65536];
	struct stat sb;
	int fd = opener_open_beneath(outfd, path), e = 0, marked = 0, cut = 0;

	sdbuf_init(&raw, OPENER_READER_TEXT_MAX);
	sdbuf_init(&clean, 8 * (size_t)OPENER_READER_TEXT_MAX + 16);

	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		return tmpl_set(v, "text_missing", "1");
	}
	for (;;) {
		size_t got = 0, want = OPENER_READER_TEXT_MAX - raw.len;
		if (want == 0) {
			cut = 1;
			break;
		}
		if ((e = sd_read_full(fd, buf, want < sizeof buf ? want : sizeof buf, &got)) != 0 ||
		    got == 0)
			break;
		if ((e = sdbuf_add(&raw, buf, got)) != 0)
			break;
	}
	cut |= (uint64_t)sb.st_size > raw.len;
	close(fd);
	if (e == 0)
		e = opener_reader_text(
		    (const unsigned char *)(raw.p ? raw.p : ""), raw.len, &clean, &marked);
	if (e == 0)
		e = tmpl_set(v, "text", clean.p ? clean.p : "");
	if (e == 0 && cut)
		e = tmpl_set(v, "text_cut", "1");
	if (e == 0 && marked)
		e = tmpl_set(v, "bidi", "1");
	sdbuf_free(&raw);
	sdbuf_free(&clean);
	return e;
}

static void
fmt_time(json_int_t t, const char *lang, char *out, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
		(void)snprintf(out, sz, "%s", i18n_get(lang, "time unknown"));
		return;
	}
	(void)strftime(out, sz, "%Y-%m-%d %H:00 UTC", &tm);
}

static void
fmt_size(json_int_t n, const char *lang, char *out, size_t sz)
{
	if (n < 1024)
		(void)snprintf(out, sz, "%lld %s", (long long)n, i18n_get(lang, "bytes"));
	else if (n < 1024 * 1024)
		(void)snprintf(out, sz, "%.1f KiB", (double)n / 1024);
	else
		(void)snprintf(out, sz, "%.1f MiB", (double)n / (1024 * 1024));
}

/* ---- pages ----------------------------------------------------------------- */

static const char *const status_msgs[] = {
	I18N_N("text"),
	I18N_N("cleaned"),
	I18N_N("not fully cleaned"),
	I18N_N("uncleaned"),
	I18N_N("could not clean"),
	I18N_N("failed"),
	I18N_N("stopped"),
};

static const char *
tr_status(const char *lang, const char *s)
{
	for (size_t i = 0; i < sizeof status_msgs / sizeof status_msgs[0]; i++)
		if (strcmp(s, status_msgs[i]) == 0)
			return i18n_get(lang, status_msgs[i]);
	return s;
}

/* The variables every page has: language, links to itself in the other
 * languages and to the index. root is the way from the page to DIR. */
static int
page_vars(
    struct tmpl_vars *v, const char *lang, const char *root, const char *self, const char *title)
{
	const char *const *langs = i18n_languages();
	char href[OPENER_PATH_MAX];

	tmpl_set(v, "lang", lang);
	tmpl_set(v, "title", title);
	(void)snprintf(href, sizeof href, "%sreader/%s/index.html", root, lang);
	tmpl_set(v, "index_href", href);
	for (size_t i = 0; langs[i] && tmpl_vars_error(v) == 0; i++) {
		struct tmpl_vars *l; /* NULL on failure: the set calls do nothing */
		tmpl_list_add(v, "languages", &l);
		(void)snprintf(href, sizeof href, "%sreader/%s/%s", root, langs[i], self);
		tmpl_set(l, "code", langs[i]);
		tmpl_set(l, "name", i18n_native_name(langs[i]));
		tmpl_set(l, "href", href);
		if (strcmp(langs[i], lang) == 0)
			tmpl_set(l, "current", "1");
	}
	return tmpl_vars_error(v);
}

/* Write data into dirfd/name: a temporary file renamed into place. */
static int
write_page(int dirfd, const char *name, const struct sdbuf *b)
{
	char tmp[96];
	unsigned char rnd[6];
	int fd, e;

	randombytes_buf(rnd, sizeof rnd);
	(void)snprintf(tmp, sizeof tmp, ".sealdrop-page-%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
	    rnd[2], rnd[3], rnd[4], rnd[5]);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return SD_ERR_IO;
	e = sd_write_full(fd, b->p ? b->p : "", b->len);
	if (e == 0 && fsync(fd) != 0)
		e = SD_ERR_IO;
	close(fd);
	if (e == 0 && renameat(dirfd, tmp, dirfd, name) != 0)
		e = SD_ERR_IO;
	if (e != 0)
		(void)unlinkat(dirfd, tmp, 0);
	return e;
}

static int
render_to(
    int dirfd, const char *name, const char *tmpl, const char *lang, const struct tmpl_vars *v)
{
	struct sdbuf b;
	int e;

	sdbuf_init(&b, OPENER_READER_PAGE_MAX);
	e = tmpl_render(tmpl, lang, v, &b);

	if (e == 0)
		e = write_page(dirfd, name, &b);
	sdbuf_free(&b);
	return e;
}

static int
index_page(struct reader *rd, int dirfd, const char *name, const char *lang, const char *root)
{
	struct tmpl_vars *v = NULL;
	json_t *failed = json_object_get(rd->st->root, "failed");
	char buf[OPENER_PATH_MAX];
	int e;

	if ((e = tmpl_vars_new(&v)) != 0)
		return e;
	if ((e = page_vars(v, lang, root, "index.html", i18n_get(lang, "Sources"))) != 0)
		goto out;
	tmpl_setf(v, "nsources", "%zu", rd->nsrc);
	tmpl_setf(v, "nitems", "%zu", rd->n);
	tmpl_setf(v, "runs", "%lld", (long long)rd->runs);
	tmpl_setf(v, "nfailed", "%zu", json_array_size(failed));
	if (json_array_size(failed) == 0)
		tmpl_set(v, "nfailed", "");
	(void)snprintf(buf, sizeof buf, "%sreader/%s/failed.html", root, lang);
	tmpl_set(v, "failed_href", buf);
	for (size_t i = 0; i < rd->nsrc && tmpl_vars_error(v) == 0; i++) {
		const struct rsource *s = &rd->src[i];
		struct tmpl_vars *l; /* NULL on failure: the set calls do nothing */
		tmpl_list_add(v, "sources", &l);
		(void)snprintf(buf, sizeof buf, "%sreader/%s/%s", root, lang, s->page);
		tmpl_set(l, "href", buf);
		tmpl_set(l, "designation", s->designation);
		fmt_time(s->newest, lang, buf, sizeof buf);
		tmpl_set(l, "newest", buf);
		tmpl_setf(l, "messages", "%zu", s->messages);
		tmpl_setf(l, "files", "%zu", s->files);
		tmpl_setf(l, "replies", "%zu", s->replies);
		if (s->lastrun == rd->runs)
			tmpl_set(l, "new", "1");
	}
	/* the first error a set call recorded, if any, before rendering */
	e = render_to(dirfd, name, "reader/index", lang, v);
out:
	tmpl_vars_free(v);
	return e;
}

static int
notes_vars(struct tmpl_vars *it, json_t *o, const char *key, const char *title, const char *lang)
{
	json_t *a = json_object_get(o, key), *x;
	struct tmpl_vars *n, *l;
	size_t i;
	int e;

	if (json_array_size(a) == 0)
		return 0;
	if ((e = tmpl_list_add(it, "notes", &n)) != 0 ||
	    (e = tmpl_set(n, "title", i18n_get(lang, title))) != 0)
		return e;
	json_array_foreach(a, i, x)
	{
		char tr[800];
		if ((e = tmpl_list_add(n, "lines", &l)) != 0 ||
		    (e = tmpl_set(l, "line",
			 opener_note_tr(lang, json_string_value(x), tr, sizeof tr))) != 0)
			return e;
	}
	return 0;
}

/* A file's name, type, cleaning, links and notes (o: a record, or one of
 * an e-mail's attachments, which has no size). */
static int
file_vars(struct tmpl_vars *it, json_t *o, const char *lang)
{
	const char *status = jstrv(o, "status");
	char buf[OPENER_PATH_MAX * 3 + 8];
	int e;

	tmpl_set(it, "name", jstrv(o, "name")[0] ? jstrv(o, "name") : i18n_get(lang, "(no name)"));
	tmpl_set(it, "type", jstrv(o, "type"));
	if (json_object_get(o, "size") != NULL) {
		fmt_size(json_integer_value(json_object_get(o, "size")), lang, buf, sizeof buf);
		tmpl_set(it, "size", buf);
	}
	tmpl_set(it, "status", tr_status(lang, status));
	tmpl_set(it, "status_class",
	    strcmp(status, OPENER_STATUS_CLEANED) == 0      ? "good"
		: strcmp(status, OPENER_STATUS_PARTLY) == 0 ? "warn"
							    : "bad");
	if (json_is_string(json_object_get(o, "output"))) {
		href_path("../../", jstrv(o, "output"), buf, sizeof buf);
		tmpl_set(it, "href", buf);
	}
	if (strcmp(status, OPENER_STATUS_UNCLEANED) == 0 ||
	    strcmp(status, OPENER_STATUS_NOCLEAN) == 0) {
		tmpl_set(it, "uncleaned", "1");
		tmpl_set(it, "link_label", i18n_get(lang, "The original, not cleaned"));
	} else {
		tmpl_set(it, "link_label", i18n_get(lang, "The cleaned copy"));
	}
	if (json_object_get(o, "pdf") != NULL) {
		href_path("../../", jstrv(o, "pdf"), buf, sizeof buf);
		tmpl_set(it, "pdf_href", buf);
	}
	if (json_object_get(o, "original") != NULL) { /* --keep-originals */
		href_path("../../", jstrv(o, "original"), buf, sizeof buf);
		tmpl_set(it, "original_href", buf);
	}
	if ((e = tmpl_vars_error(it)) != 0)
		return e;
	if ((e = notes_vars(it, o, "removed", I18N_N("Removed:"), lang)) != 0 ||
	    (e = notes_vars(it, o, "kept", I18N_N("Kept:"), lang)) != 0 ||
	    (e = notes_vars(it, o, "not_inspected", I18N_N("Not inspected:"), lang)) != 0 ||
	    (e = notes_vars(it, o, "renamed", I18N_N("Renamed:"), lang)) != 0 ||
	    (e = notes_vars(it, o, "pdf_note", I18N_N("Safe PDF:"), lang)) != 0 ||
	    (e = notes_vars(it, o, "pdf_error", I18N_N("Safe PDF:"), lang)) != 0)
		return e;
	if (json_object_get(o, "error") != NULL) {
		struct tmpl_vars *nv, *l;
		char tr[800];
		if ((e = tmpl_list_add(it, "notes", &nv)) != 0 ||
		    (e = tmpl_set(nv, "title", i18n_get(lang, "Error:"))) != 0 ||
		    (e = tmpl_list_add(nv, "lines", &l)) != 0 ||
		    (e = tmpl_set(
			 l, "line", opener_note_tr(lang, jstrv(o, "error"), tr, sizeof tr))) != 0)
			return e;
	}
	return 0;
}

static int
item_vars(
    struct reader *rd, struct tmpl_vars *it, const struct ritem *r, size_t n, const char *lang)
{
	static const char *const klabels[] = { I18N_N("Message"), I18N_N("File"), I18N_N("Reply") };
	const char *kind = jstrv(r->o, "kind");
	const char *out = jstrv(r->o, "output");
	char buf[OPENER_PATH_MAX * 3 + 8];
	int text = strcmp(kind, "file") != 0, e;
	json_t *x;
	size_t i;

	tmpl_set(it, "kind", kind);
	tmpl_set(it, "kind_label",
	    i18n_get(lang,
		klabels[strcmp(kind, "message") == 0 ? 0
			: strcmp(kind, "file") == 0  ? 1
						     : 2]));
	tmpl_setf(it, "n", "%zu", n);
	if (r->seq > 0)
		tmpl_setf(it, "seq", "%lld", (long long)r->seq);
	fmt_time(r->time, lang, buf, sizeof buf);
	tmpl_set(it, "time", buf);
	if (r->run == rd->runs)
		tmpl_set(it, "new", "1");
	href_path("../../", out, buf, sizeof buf);
	tmpl_set(it, "href", buf);
	tmpl_set(it, "output", out);
	if (text)
		tmpl_set(it, "is_text", "1");
	if ((e = tmpl_vars_error(it)) != 0)
		return e;
	if (text)
		return read_text(rd->outfd, out, it);
	if ((e = file_vars(it, r->o, lang)) != 0)
		return e;
	/* an e-mail's attachments, each under it (--safe-pdf) */
	json_array_foreach(json_object_get(r->o, "attachments"), i, x)
	{
		struct tmpl_vars *a;
		if ((e = tmpl_list_add(it, "attachments", &a)) != 0 ||
		    (e = file_vars(a, x, lang)) != 0)
			return e;
	}
	if (json_integer_value(json_object_get(r->o, "attachments_total")) >
	    (json_int_t)json_array_size(json_object_get(r->o, "attachments")))
		e = tmpl_setf(it, "attachments_more", "%lld",
		    (long long)json_integer_value(json_object_get(r->o, "attachments_total")));
	return e;
}

static int
source_page(struct reader *rd, int dirfd, const struct rsource *s, const char *lang)
{
	struct tmpl_vars *v = NULL;
	char buf[64];
	size_t shown = s->n < OPENER_READER_ITEMS_MAX ? s->n : OPENER_READER_ITEMS_MAX;
	int e;

	if ((e = tmpl_vars_new(&v)) != 0)
		return e;
	if ((e = page_vars(v, lang, "../../", s->page, s->designation)) != 0)
		goto out;
	tmpl_set(v, "designation", s->designation);
	tmpl_setf(v, "messages", "%zu", s->messages);
	tmpl_setf(v, "files", "%zu", s->files);
	tmpl_setf(v, "replies", "%zu", s->replies);
	fmt_time(s->newest, lang, buf, sizeof buf);
	tmpl_set(v, "newest", buf);
	if (shown < s->n)
		tmpl_set(v, "cut", "1");
	if ((e = tmpl_vars_error(v)) != 0)
		goto out;
	for (size_t i = 0; i < shown && e == 0; i++) {
		struct tmpl_vars *it;
		if ((e = tmpl_list_add(v, "items", &it)) == 0)
			e = item_vars(rd, it, &rd->items[s->first + i], i + 1, lang);
	}
	if (e == 0)
		e = render_to(dirfd, s->page, "reader/source", lang, v);
out:
	tmpl_vars_free(v);
	return e;
}

static int
failed_page(struct reader *rd, int dirfd, const char *lang)
{
	json_t *failed = json_object_get(rd->st->root, "failed"), *o;
	struct tmpl_vars *v = NULL;
	size_t i;
	int e;

	if ((e = tmpl_vars_new(&v)) != 0)
		return e;
	if ((e = page_vars(v, lang, "../../", "failed.html",
		 i18n_get(lang, "What failed in the last run"))) != 0)
		goto out;
	json_array_foreach(failed, i, o)
	{
		struct tmpl_vars *l;
		char err[700];
		json_int_t count = json_integer_value(json_object_get(o, "count"));
		if ((e = tmpl_list_add(v, "failed", &l)) != 0)
			break;
		(void)snprintf(err, sizeof err, "%s", jstrv(o, "error"));
		if (count > 0 && strlen(err) + 32 < sizeof err)
			(void)snprintf(err + strlen(err), sizeof err - strlen(err), " (%lld)",
			    (long long)count);
		tmpl_set(l, "input", jstrv(o, "input"));
		tmpl_set(l, "error", err);
		if ((e = tmpl_vars_error(v)) != 0)
			break;
	}
	if (e == 0)
		e = render_to(dirfd, "failed.html", "reader/failed", lang, v);
out:
	tmpl_vars_free(v);
	return e;
}

static int
mkdir_open(int parent, const char *name)
{
	if (mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
		return -1;
	return openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int
opener_reader_init(void)
{
	return tmpl_init(opener_tmpl_blobs, opener_tmpl_blobs_n);
}

int
opener_reader_write(int outfd, const struct opener_state *st, const char *lang)
{
	struct reader rd = { .outfd = outfd, .st = st };
	const char *const *langs = i18n_languages();
	int rfd = -1, lfd = -1, e;

	rd.runs = json_integer_value(json_object_get(st->root, "runs"));
	if ((e = opener_reader_init()) != 0 || (e = group(&rd)) != 0)
		goto out;
	if ((rfd = mkdir_open(outfd, "reader")) < 0) {
		e = SD_ERR_IO;
		goto out;
	}
	for (size_t k = 0; langs[k] && e == 0; k++) {
		if ((lfd = mkdir_open(rfd, langs[k])) < 0) {
			e = SD_ERR_IO;
			break;
		}
		e = index_page(&rd, lfd, "index.html", langs[k], "../../");
		if (e == 0)
			e = failed_page(&rd, lfd, langs[k]);
		for (size_t i = 0; i < rd.nsrc && e == 0; i++)
			e = source_page(&rd, lfd, &rd.src[i], langs[k]);
		close(lfd);
	}
	if (e == 0)
		e = index_page(&rd, outfd, "index.html", i18n_supported(lang) ? lang : "en", "");
	if (e == 0 && fsync(outfd) != 0)
		e = SD_ERR_IO;
out:
	if (rfd >= 0)
		close(rfd);
	free(rd.items);
	free(rd.src);
	return e;
}
