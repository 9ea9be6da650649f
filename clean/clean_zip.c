/*
 * clean_zip.c - ZIP containers: plain ZIP, Office Open XML (docx, xlsx,
 * pptx) and OpenDocument (odt, ods, odp), read and rewritten with libzip.
 *
 * Every member name is checked (no absolute path, no "..", no backslash,
 * no control character) and every member type (a symbolic link or a device
 * in the Unix attributes is refused). Limits: nesting depth, member count,
 * total expanded bytes and the expansion ratio of large members; the CRC of
 * every member is checked by libzip while reading. Each member is cleaned
 * by content (office XML by clean_office_xml, anything else by clean_any,
 * recursively) and written to a new archive whose headers are normalised:
 * DOS time 1980-01-01 00:00, mode 0644, no extra fields, no comments.
 * Office thumbnails are dropped, and so are the OOXML parts that hold
 * comments, people, custom XML data and printer settings
 * (clean_office_part_dropped). An EPUB (its "mimetype" member says so)
 * keeps that member first and stored, like ODF; its package document, NCX
 * and META-INF XML go through clean_opf, its XHTML chapters through
 * clean_markup as XHTML, and META-INF/metadata.xml and signatures.xml are
 * dropped. Members no cleaner handles are kept and listed as "not
 * inspected" in the report.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zip.h>

enum zkind { ZK_PLAIN, ZK_OOXML, ZK_ODF, ZK_EPUB };

struct zjob {
	struct clean_ctx *c;
	zip_t *in, *out;
	zip_source_t *osrc;
	enum zkind kind;
	unsigned depth;
	size_t expanded;
	struct clean_report *rep;
};

static int
is_thumbnail(const struct zjob *j, const char *n)
{
	if (j->kind == ZK_OOXML)
		return strncmp(n, "docProps/thumbnail", 18) == 0;
	if (j->kind == ZK_ODF)
		return strncmp(n, "Thumbnails/", 11) == 0;
	return 0;
}

static int
is_office_xml(const struct zjob *j, const char *n)
{
	size_t l = strlen(n);

	if (j->kind == ZK_PLAIN || j->kind == ZK_EPUB)
		return 0;
	return (l > 4 && strcmp(n + l - 4, ".xml") == 0) ||
	    (l > 5 && strcmp(n + l - 5, ".rels") == 0) ||
	    (j->kind == ZK_ODF && l > 4 && strcmp(n + l - 4, ".rdf") == 0);
}

/* The ODF "mimetype" member: a short MIME type, nothing else. */
static int
odf_mimetype_ok(const unsigned char *d, size_t n)
{
	if (n == 0 || n > 100)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((d[i] >= 'a' && d[i] <= 'z') || (d[i] >= '0' && d[i] <= '9') || d[i] == '.' ||
			d[i] == '-' || d[i] == '+' || d[i] == '/'))
			return 0;
	return 1;
}

/* Check a member's type, limits and name; 0 to go on. */
static int
check_member(struct zjob *j, zip_uint64_t i, const zip_stat_t *st)
{
	zip_uint8_t os = 0;
	zip_uint32_t attr = 0;

	if (!clean_member_name_safe(st->name)) {
		clean_set_error(
		    j->rep, "archive member with an absolute or '..' path: %.120s", st->name);
		return CLEAN_E_UNSAFE;
	}
	if (zip_file_get_external_attributes(j->in, i, 0, &os, &attr) == 0 &&
	    os == ZIP_OPSYS_UNIX) {
		unsigned t = (attr >> 16) & S_IFMT;
		if (t != 0 && t != S_IFREG && t != S_IFDIR) {
			clean_set_error(
			    j->rep, "archive member is a link or a device: %.120s", st->name);
			return CLEAN_E_UNSAFE;
		}
	}
	if (st->encryption_method != ZIP_EM_NONE) {
		clean_set_error(j->rep, "encrypted archive member: %.120s", st->name);
		return CLEAN_E_MALFORMED;
	}
	if (st->size > CLEAN_EXPANDED_MAX - j->expanded ||
	    (st->size > (1u << 20) && st->size / (st->comp_size + 1) > CLEAN_RATIO_MAX)) {
		clean_set_error(j->rep, "archive expands too much (zip bomb?): %.120s", st->name);
		return CLEAN_E_LIMIT;
	}
	j->expanded += (size_t)st->size;
	return 0;
}

static int
read_member(struct zjob *j, zip_uint64_t i, size_t size, unsigned char **out)
{
	zip_file_t *f = zip_fopen_index(j->in, i, 0);
	unsigned char *d = malloc(size + 1);
	zip_int64_t got;
	int e = CLEAN_E_MALFORMED;

	if (f == NULL || d == NULL) {
		e = d == NULL ? SD_ERR_NOMEM : CLEAN_E_MALFORMED;
		goto out;
	}
	got = zip_fread(f, d, size + 1);
	if (got < 0 || (size_t)got != size)
		goto out;
	*out = d;
	d = NULL;
	e = 0;
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(j->rep, "archive member unreadable (bad CRC or size)");
	if (f)
		zip_fclose(f);
	free(d);
	return e;
}

static int
ends_with(const char *s, const char *t)
{
	size_t a = strlen(s), b = strlen(t);

	return a >= b && strcmp(s + a - b, t) == 0;
}

/* Clean one member's bytes into mout. */
static int
clean_member(struct zjob *j, const char *name, const unsigned char *d, size_t n, struct sdbuf *mout)
{
	struct clean_report sub = { 0 };
	int e;

	if (is_office_xml(j, name)) {
		e = clean_office_xml(name, d, n, mout, &sub);
	} else if (j->kind == ZK_OOXML && n > 4 && strlen(name) > 4 &&
	    strcmp(name + strlen(name) - 4, ".vml") == 0) {
		/* VML drawings (comment boxes, legacy shapes): cleaned as XML when
		 * they parse; Word and Excel write some that are not XML, which are
		 * kept as they are and named. */
		e = clean_office_xml(name, d, n, mout, &sub);
		if (e == CLEAN_E_MALFORMED) {
			clean_note_uninspected(j->rep,
			    "%.120s (VML that is not XML): kept as is, "
			    "not cleaned",
			    name);
			memset(&sub, 0, sizeof sub);
			sdbuf_reset(mout);
			e = sdbuf_add(mout, d, n);
		}
	} else if (j->kind == ZK_EPUB &&
	    (ends_with(name, ".xhtml") || ends_with(name, ".html") || ends_with(name, ".htm"))) {
		e = clean_markup(j->c, d, n, 2, j->depth + 1, mout, &sub);
	} else if (j->kind == ZK_EPUB &&
	    (ends_with(name, ".opf") || ends_with(name, ".ncx") ||
		(strncmp(name, "META-INF/", 9) == 0 && ends_with(name, ".xml")))) {
		e = clean_opf(d, n, mout, &sub);
	} else if ((j->kind == ZK_ODF || j->kind == ZK_EPUB) && strcmp(name, "mimetype") == 0) {
		e = odf_mimetype_ok(d, n) ? sdbuf_add(mout, d, n) : CLEAN_E_MALFORMED;
		if (e == CLEAN_E_MALFORMED)
			clean_set_error(&sub, "the mimetype member is not a MIME type");
	} else {
		e = clean_any(j->c, d, n, j->depth + 1, mout, &sub);
		if (e == CLEAN_E_UNSUPPORTED) {
			clean_note_uninspected(
			    j->rep, "%.120s (%s): kept as is, not cleaned", name, sub.type);
			sdbuf_reset(mout);
			e = sdbuf_add(mout, d, n);
		}
	}
	if (e == 0)
		clean_note_member(j->rep, name, &sub);
	if (e != 0)
		clean_set_error(
		    j->rep, "%.120s: %.120s", name, sub.error[0] ? sub.error : clean_strerror(e));
	return e;
}

static int
add_member(struct zjob *j, const char *name, struct sdbuf *mout)
{
	zip_source_t *zs = zip_source_buffer(j->out, mout->data, mout->len, 1);
	zip_int64_t idx;

	if (zs == NULL)
		return SD_ERR_NOMEM;
	mout->data = NULL;
	mout->len = mout->cap = 0;
	idx = zip_file_add(j->out, name, zs, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(zs);
		clean_set_error(j->rep, "duplicate or invalid member name: %.120s", name);
		return CLEAN_E_MALFORMED;
	}
	if (zip_file_set_dostime(j->out, (zip_uint64_t)idx, 0, 33, 0) != 0 ||
	    zip_file_set_external_attributes(
		j->out, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX, 0100644u << 16) != 0 ||
	    zip_set_file_compression(j->out, (zip_uint64_t)idx,
		strcmp(name, "mimetype") == 0 ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) != 0)
		return CLEAN_E_INTERNAL;
	return 0;
}

static int
do_member(struct zjob *j, zip_uint64_t i)
{
	zip_stat_t st;
	unsigned char *d = NULL;
	struct sdbuf mout = CLEAN_BUF_INIT;
	size_t nl;
	int e;

	zip_stat_init(&st);
	if (zip_stat_index(j->in, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
	    !(st.valid & ZIP_STAT_SIZE)) {
		clean_set_error(j->rep, "archive member without a name or size");
		return CLEAN_E_MALFORMED;
	}
	if ((e = check_member(j, i, &st)) != 0)
		return e;
	nl = strlen(st.name);
	if (st.name[nl - 1] == '/') {
		zip_int64_t idx = zip_dir_add(j->out, st.name, ZIP_FL_ENC_UTF_8);
		if (idx < 0)
			return CLEAN_E_MALFORMED;
		return zip_file_set_dostime(j->out, (zip_uint64_t)idx, 0, 33, 0) ? CLEAN_E_INTERNAL
										 : 0;
	}
	if (is_thumbnail(j, st.name)) {
		clean_note_removed(j->rep, "document thumbnail (%.80s)", st.name);
		return 0;
	}
	if (j->kind == ZK_OOXML && clean_office_part_dropped(st.name)) {
		clean_note_removed(j->rep, "%s",
		    strncmp(st.name, "customXml/", 10) == 0 ? "custom XML data (customXml/)"
			: strstr(st.name, "printerSettings")
			? "printer settings"
			: "comments with their text, authors and people");
		return 0;
	}
	if (j->kind == ZK_EPUB &&
	    (strcmp(st.name, "META-INF/metadata.xml") == 0 ||
		strcmp(st.name, "META-INF/signatures.xml") == 0)) {
		clean_note_removed(j->rep, "%s",
		    st.name[9] == 'm' ? "container metadata "
					"(META-INF/metadata.xml)"
				      : "signatures (META-INF/signatures.xml: the signer)");
		return 0;
	}
	if (j->kind == ZK_ODF && strcmp(st.name, "layout-cache") == 0) {
		clean_note_removed(j->rep, "LibreOffice's layout cache");
		return 0;
	}
	if (j->kind == ZK_OOXML && strncmp(st.name, "ppt/notesSlides/", 16) == 0)
		clean_note_kept(j->rep, "speaker notes (content of the presentation)");
	if ((e = read_member(j, i, (size_t)st.size, &d)) != 0)
		goto out;
	if ((e = clean_member(j, st.name, d, (size_t)st.size, &mout)) != 0)
		goto out;
	e = add_member(j, st.name, &mout);
out:
	free(d);
	sdbuf_free(&mout);
	return e;
}

/* Read the finished output archive back from its memory source. */
static int
collect(zip_source_t *src, struct sdbuf *out)
{
	zip_stat_t st;
	unsigned char tmp[16384];
	zip_int64_t n;
	int e = 0;

	zip_stat_init(&st);
	if (zip_source_open(src) != 0)
		return CLEAN_E_INTERNAL;
	while ((n = zip_source_read(src, tmp, sizeof tmp)) > 0 && e == 0)
		e = sdbuf_add(out, tmp, (size_t)n);
	if (n < 0)
		e = CLEAN_E_INTERNAL;
	zip_source_close(src);
	return e;
}

/* An EPUB: its "mimetype" member says application/epub+zip. */
static int
is_epub(struct zjob *j, zip_uint64_t i)
{
	static const char want[] = "application/epub+zip";
	char got[sizeof want];
	zip_file_t *f = zip_fopen_index(j->in, i, 0);
	zip_int64_t n;

	if (f == NULL)
		return 0;
	n = zip_fread(f, got, sizeof got);
	zip_fclose(f);
	return n == (zip_int64_t)sizeof want - 1 && memcmp(got, want, sizeof want - 1) == 0;
}

static int
run(struct zjob *j)
{
	zip_int64_t n = zip_get_num_entries(j->in, 0);
	zip_int64_t first = zip_name_locate(j->in, "mimetype", 0);
	const char *cm;
	int e = 0, clen = 0;

	if (n < 0 || n > CLEAN_ENTRIES_MAX) {
		clean_set_error(j->rep, "archive has too many members");
		return CLEAN_E_LIMIT;
	}
	if (zip_name_locate(j->in, "[Content_Types].xml", 0) >= 0)
		j->kind = ZK_OOXML;
	else if (first >= 0)
		j->kind = is_epub(j, (zip_uint64_t)first) ? ZK_EPUB : ZK_ODF;
	if (j->kind == ZK_ODF || j->kind == ZK_EPUB)
		e = do_member(j, (zip_uint64_t)first);
	for (zip_int64_t i = 0; e == 0 && i < n; i++)
		if ((j->kind != ZK_ODF && j->kind != ZK_EPUB) || i != first)
			e = do_member(j, (zip_uint64_t)i);
	cm = zip_get_archive_comment(j->in, &clen, 0);
	if (e == 0 && cm != NULL && clen > 0)
		clean_note_removed(j->rep, "archive comment");
	return e;
}

int
clean_zip(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	struct zjob j = { .c = c, .depth = depth, .rep = rep };
	zip_source_t *src = NULL;
	zip_error_t err;
	int e = CLEAN_E_MALFORMED;

	zip_error_init(&err);
	if (depth >= CLEAN_DEPTH_MAX) {
		clean_set_error(rep, "archives nested too deep");
		e = CLEAN_E_LIMIT;
		goto out;
	}
	if ((src = zip_source_buffer_create(buf, len, 0, &err)) == NULL)
		goto out;
	if ((j.in = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err)) == NULL)
		goto out;
	src = NULL; /* owned by j.in now */
	if ((j.osrc = zip_source_buffer_create(NULL, 0, 0, &err)) == NULL)
		goto out;
	zip_source_keep(j.osrc);
	if ((j.out = zip_open_from_source(j.osrc, ZIP_TRUNCATE, &err)) == NULL)
		goto out;
	if ((e = run(&j)) != 0)
		goto out;
	if (zip_close(j.out) != 0) {
		e = CLEAN_E_INTERNAL;
		goto out;
	}
	j.out = NULL;
	clean_note_removed(
	    rep, "member dates, permissions, extra fields and comments (normalised)");
	e = collect(j.osrc, out);
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a readable ZIP archive");
	if (j.out)
		zip_discard(j.out);
	if (j.in)
		zip_discard(j.in);
	if (src)
		zip_source_free(src);
	if (j.osrc)
		zip_source_free(j.osrc);
	zip_error_fini(&err);
	return e;
}
