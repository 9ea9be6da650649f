/*
 * clean_pdf.c - PDF cleaning with the libqpdf C API.
 *
 * The document is read from memory and every object reachable from the
 * trailer is visited once (an explicit work list, no recursion). Removed:
 * the trailer's /Info dictionary, /Metadata (XMP) streams on every object,
 * /PieceInfo (application private data), /Thumb page thumbnails,
 * /LastModified, the author (/T), dates (/M, /CreationDate), text
 * (/Contents, /RC: a sticky note's words), subject and name (/Subj, /NM) of
 * markup annotations (a free-text annotation keeps its text, drawn on the
 * page), every trailer entry but /Root (LibreOffice's /DocChecksum). DCT (JPEG) image streams are cleaned with
 * clean_jpeg; attached files (/EmbeddedFile streams) are cleaned like any
 * file (clean_any) and lose their /Params dates. The file is then written
 * anew by qpdf: unreachable objects and
 * earlier revisions (incremental updates) are dropped, the original object
 * ids are not kept, and the original /ID is removed before writing, so
 * that qpdf computes both elements from the cleaned content (deterministic
 * ID; with an /ID in the trailer it would keep the first element, the
 * file's permanent identifier). Encryption without a
 * user password is removed; a password-protected file fails.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#define PDF_WORK_MAX 4000000u /* object handles visited in one document */

/* Text of markup annotations: a sticky note's words, its rich-text copy,
 * its subject, its unique name (often the author's tool and a time). */
static const char *const pdf_annot_text[] = { "/Contents", "/RC", "/Subj", "/NM" };

static const char *const pdf_drop_keys[] = { "/Metadata", "/PieceInfo", "/Thumb", "/LastModified" };

struct pdf_walk {
	struct clean_ctx *c;
	unsigned depth;
	qpdf_data q;
	qpdf_oh *stack;
	size_t n, cap;
	unsigned char *seen; /* one byte per object id */
	size_t seen_cap;
	size_t visits;
	struct clean_report *rep;
};

static int
push(struct pdf_walk *w, qpdf_oh oh)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 1024;
		qpdf_oh *s = realloc(w->stack, cap * sizeof *s);
		if (s == NULL)
			return SD_ERR_NOMEM;
		w->stack = s;
		w->cap = cap;
	}
	w->stack[w->n++] = oh;
	return 0;
}

/* 1 when the indirect object was seen already (marks it otherwise). */
static int
seen(struct pdf_walk *w, qpdf_oh oh)
{
	int id;

	if (!qpdf_oh_is_indirect(w->q, oh))
		return 0;
	id = qpdf_oh_get_object_id(w->q, oh);
	if (id <= 0)
		return 1;
	if ((size_t)id >= w->seen_cap) {
		size_t cap = (size_t)id * 2 + 64;
		unsigned char *s = realloc(w->seen, cap);
		if (s == NULL)
			return 1;
		memset(s + w->seen_cap, 0, cap - w->seen_cap);
		w->seen = s;
		w->seen_cap = cap;
	}
	if (w->seen[id])
		return 1;
	w->seen[id] = 1;
	return 0;
}

static void
clean_annot(struct pdf_walk *w, qpdf_oh d)
{
	static const char *const k[] = { "/T", "/M", "/CreationDate" };
	qpdf_oh st = qpdf_oh_get_key(w->q, d, "/Subtype");

	if (qpdf_oh_has_key(w->q, d, "/Rect") && qpdf_oh_is_name(w->q, st) &&
	    !qpdf_oh_is_name_and_equals(w->q, st, "/Widget") &&
	    !qpdf_oh_is_name_and_equals(w->q, st, "/Link")) {
		for (size_t i = 0; i < 3; i++) {
			if (qpdf_oh_has_key(w->q, d, k[i])) {
				qpdf_oh_remove_key(w->q, d, k[i]);
				clean_note_removed(w->rep, "annotation authors and dates");
			}
		}
		/* The text of a free-text annotation is drawn on the page: content. */
		int freetext = qpdf_oh_is_name_and_equals(w->q, st, "/FreeText");
		for (size_t i = 0; i < sizeof pdf_annot_text / sizeof pdf_annot_text[0]; i++) {
			if (!qpdf_oh_has_key(w->q, d, pdf_annot_text[i]))
				continue;
			if (freetext &&
			    (strcmp(pdf_annot_text[i], "/Contents") == 0 ||
				strcmp(pdf_annot_text[i], "/RC") == 0)) {
				clean_note_kept(w->rep,
				    "text of free-text annotations (drawn on the "
				    "page)");
				continue;
			}
			qpdf_oh_remove_key(w->q, d, pdf_annot_text[i]);
			clean_note_removed(w->rep,
			    "annotation text (sticky notes: /Contents, /RC), "
			    "subjects and names (/Subj, /NM)");
		}
	}
	qpdf_oh_release(w->q, st);
}

static void
clean_image(struct pdf_walk *w, qpdf_oh s, qpdf_oh d)
{
	qpdf_oh f = qpdf_oh_get_key(w->q, d, "/Filter");
	qpdf_oh dp = qpdf_oh_get_key(w->q, d, "/DecodeParms");
	unsigned char *raw = NULL;
	size_t len = 0;
	QPDF_BOOL filtered = QPDF_FALSE;
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report sub = { 0 };

	if (!qpdf_oh_is_name_and_equals(w->q, f, "/DCTDecode"))
		goto out;
	if ((qpdf_oh_get_stream_data(w->q, s, qpdf_dl_none, &filtered, &raw, &len) & QPDF_ERRORS) !=
		0 ||
	    raw == NULL)
		goto out;
	if (clean_jpeg(raw, len, &out, &sub) == 0) {
		if (sub.removed[0] != '\0')
			clean_note_removed(w->rep, "metadata of embedded JPEG images");
		qpdf_oh_replace_stream_data(w->q, s, out.data, out.len, f, dp);
	} else {
		clean_note_uninspected(
		    w->rep, "an embedded JPEG image that did not parse (kept as is)");
	}
out:
	free(raw);
	sdbuf_free(&out);
	qpdf_oh_release(w->q, f);
	qpdf_oh_release(w->q, dp);
}

/* An attached file: cleaned like any file, its /Params (dates, size,
 * checksum) dropped; kept and reported when it cannot be cleaned. */
static void
clean_embedded(struct pdf_walk *w, qpdf_oh s, qpdf_oh d)
{
	unsigned char *raw = NULL;
	size_t len = 0;
	QPDF_BOOL filtered = QPDF_FALSE;
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report sub = { 0 };
	qpdf_oh null = qpdf_oh_new_null(w->q);
	int e = CLEAN_E_UNSUPPORTED;

	if (w->c != NULL && w->depth + 1 < CLEAN_DEPTH_MAX &&
	    (qpdf_oh_get_stream_data(w->q, s, qpdf_dl_generalized, &filtered, &raw, &len) &
		QPDF_ERRORS) == 0 &&
	    raw != NULL && filtered)
		e = clean_any(w->c, raw, len, w->depth + 1, &out, &sub);
	if (e == 0) {
		qpdf_oh_replace_stream_data(w->q, s, out.data, out.len, null, null);
		qpdf_oh_remove_key(w->q, d, "/Params");
		clean_note_removed(w->rep, "metadata of attached files (%s)", sub.type);
	} else {
		clean_note_uninspected(w->rep,
		    "an attached file (%s) that could not be cleaned: %s",
		    sub.type[0] ? sub.type : "unknown type", clean_strerror(e));
	}
	free(raw);
	sdbuf_free(&out);
	qpdf_oh_release(w->q, null);
}

/* Strip one dictionary (or a stream's dictionary) and queue its values. */
static int
visit_dict(struct pdf_walk *w, qpdf_oh d, qpdf_oh stream)
{
	int e = 0;

	for (size_t i = 0; i < sizeof pdf_drop_keys / sizeof pdf_drop_keys[0]; i++) {
		if (qpdf_oh_has_key(w->q, d, pdf_drop_keys[i])) {
			qpdf_oh_remove_key(w->q, d, pdf_drop_keys[i]);
			clean_note_removed(w->rep, "%s",
			    pdf_drop_keys[i][1] == 'M' ? "XMP metadata streams"
				: pdf_drop_keys[i][1] == 'P'
				? "PieceInfo (application private data)"
				: pdf_drop_keys[i][1] == 'T' ? "page thumbnails"
							     : "LastModified dates");
		}
	}
	clean_annot(w, d);
	if (stream != 0 && qpdf_oh_is_dictionary_of_type(w->q, d, "", "/Image"))
		clean_image(w, stream, d);
	if (stream != 0 && qpdf_oh_is_dictionary_of_type(w->q, d, "/EmbeddedFile", ""))
		clean_embedded(w, stream, d);
	qpdf_oh_begin_dict_key_iter(w->q, d);
	while (e == 0 && qpdf_oh_dict_more_keys(w->q)) {
		const char *k = qpdf_oh_dict_next_key(w->q);
		e = push(w, qpdf_oh_get_key(w->q, d, k));
	}
	return e;
}

static int
visit(struct pdf_walk *w, qpdf_oh oh)
{
	int e = 0;

	if (seen(w, oh))
		return 0;
	if (++w->visits > PDF_WORK_MAX)
		return CLEAN_E_LIMIT;
	if (qpdf_oh_is_stream(w->q, oh)) {
		qpdf_oh d = qpdf_oh_get_dict(w->q, oh);
		e = visit_dict(w, d, oh);
		qpdf_oh_release(w->q, d);
	} else if (qpdf_oh_is_dictionary(w->q, oh)) {
		e = visit_dict(w, oh, 0);
	} else if (qpdf_oh_is_array(w->q, oh)) {
		int n = qpdf_oh_get_array_n_items(w->q, oh);
		for (int i = 0; e == 0 && i < n; i++)
			e = push(w, qpdf_oh_get_array_item(w->q, oh, i));
	}
	return e;
}

/* The trailer keeps /Root and what qpdf rewrites itself (/Size, /Encrypt,
 * /Prev, /XRefStm); anything else goes (LibreOffice's /DocChecksum is an
 * MD5 of the original file). The /ID goes too: qpdf would keep its first
 * element, the file's permanent identifier, and it writes a new one
 * computed from the cleaned content instead. */
static int
clean_trailer(struct pdf_walk *w, qpdf_oh t)
{
	char *drop[64];
	size_t n = 0;
	int e = 0;

	qpdf_oh_begin_dict_key_iter(w->q, t);
	while (qpdf_oh_dict_more_keys(w->q)) {
		const char *k = qpdf_oh_dict_next_key(w->q);
		if (strcmp(k, "/Root") == 0 || strcmp(k, "/Size") == 0 ||
		    strcmp(k, "/Encrypt") == 0 || strcmp(k, "/Prev") == 0 ||
		    strcmp(k, "/XRefStm") == 0)
			continue;
		if (n == sizeof drop / sizeof drop[0]) {
			clean_set_error(w->rep, "malformed PDF: too many trailer entries");
			e = CLEAN_E_LIMIT;
			break;
		}
		if ((drop[n] = strdup(k)) == NULL) {
			e = SD_ERR_NOMEM;
			break;
		}
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		if (e == 0) {
			qpdf_oh_remove_key(w->q, t, drop[i]);
			if (strcmp(drop[i], "/ID") == 0)
				clean_note_removed(w->rep,
				    "the original document /ID (a new one is "
				    "computed from the cleaned content)");
			else
				clean_note_removed(w->rep, "trailer entry %.40s", drop[i]);
		}
		free(drop[i]);
	}
	return e;
}

static int
walk_all(struct pdf_walk *w)
{
	qpdf_oh t = qpdf_get_trailer(w->q);
	int e;

	if (qpdf_oh_has_key(w->q, t, "/Info")) {
		qpdf_oh_remove_key(w->q, t, "/Info");
		clean_note_removed(
		    w->rep, "document information (/Info: author, title, dates, producer)");
	}
	if ((e = clean_trailer(w, t)) != 0)
		return e;
	if ((e = push(w, t)) != 0)
		return e;
	while (w->n > 0 && e == 0) {
		qpdf_oh oh = w->stack[--w->n];
		e = visit(w, oh);
		qpdf_oh_release(w->q, oh);
	}
	return e;
}

static int
write_out(qpdf_data q, struct sdbuf *out)
{
	if ((qpdf_init_write_memory(q) & QPDF_ERRORS) != 0)
		return CLEAN_E_MALFORMED;
	qpdf_set_deterministic_ID(q, QPDF_TRUE);
	qpdf_set_suppress_original_object_IDs(q, QPDF_TRUE);
	qpdf_set_preserve_encryption(q, QPDF_FALSE);
	qpdf_set_object_stream_mode(q, qpdf_o_generate);
	qpdf_set_compress_streams(q, QPDF_TRUE);
	if ((qpdf_write(q) & QPDF_ERRORS) != 0)
		return CLEAN_E_MALFORMED;
	return sdbuf_add(out, qpdf_get_buffer(q), qpdf_get_buffer_length(q));
}

/* qpdf can write, from a damaged input, a file it cannot read back (seen
 * with a trailer missing /Size): read the output again before accepting it. */
static int
reads_back(const struct sdbuf *b)
{
	qpdf_data q = qpdf_init();
	int ok;

	if (q == NULL)
		return 0;
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	ok = (qpdf_read_memory(q, "output", (const char *)b->data, b->len, "") &
		 (QPDF_ERRORS | QPDF_WARNINGS)) == 0 &&
	    !qpdf_more_warnings(q);
	if (qpdf_has_error(q))
		(void)qpdf_get_error(q); /* handled: keeps qpdf_cleanup quiet */
	qpdf_cleanup(&q);
	return ok;
}

int
clean_pdf(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	struct pdf_walk w = { .c = c, .depth = depth, .rep = rep };
	int e;

	if ((w.q = qpdf_init()) == NULL)
		return SD_ERR_NOMEM;
	qpdf_silence_errors(w.q);
	qpdf_set_suppress_warnings(w.q, QPDF_TRUE);
	if ((qpdf_read_memory(w.q, "input", (const char *)buf, len, "") & QPDF_ERRORS) != 0) {
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if ((e = walk_all(&w)) != 0)
		goto out;
	if (qpdf_has_error(w.q)) {
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if ((e = write_out(w.q, out)) == 0 && !reads_back(out)) {
		clean_set_error(
		    rep, "malformed PDF: the rewritten file does not read back cleanly");
		e = CLEAN_E_MALFORMED;
	}
out:
	if (e == CLEAN_E_MALFORMED) {
		const char *d = qpdf_has_error(w.q)
		    ? qpdf_get_error_full_text(w.q, qpdf_get_error(w.q))
		    : "qpdf refused it";
		clean_set_error(rep, "malformed PDF: %.200s", d);
	}
	if (qpdf_more_warnings(w.q))
		clean_note_removed(rep, "structural damage (repaired by qpdf; check the output)");
	if (qpdf_has_error(w.q))
		(void)qpdf_get_error(w.q);
	free(w.stack);
	free(w.seen);
	qpdf_cleanup(&w.q);
	return e;
}
