/*
 * clean_riff.c - RIFF containers by a chunk allow-list: WebP and WAV.
 *
 * WebP keeps VP8, VP8L, VP8X, ALPH, ANIM and ANMF, and clears the ICC, EXIF
 * and XMP flags of VP8X; it drops ICCP, EXIF, XMP and unknown chunks.
 * WAV keeps fmt, fact and data; it drops LIST/INFO (artist, title,
 * software, dates, comments), id3, bext (broadcast originator and dates),
 * iXML, _PMX (XMP), cue/adtl labels and every unknown chunk. Every chunk
 * length is checked against the input, the RIFF size is recomputed, and
 * anything after the RIFF form is dropped. AIFF keeps COMM, SSND and FVER
 * and drops NAME, AUTH, (c), ANNO, COMT, MARK, APPL, ID3 and unknown
 * chunks. AVI is cleaned in place (see clean_avi below). Hand-written: see
 * docs/handwritten.md.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdint.h>
#include <string.h>

static int
kept(int webp, const unsigned char *id)
{
	static const char *const w[] = { "VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF" };
	static const char *const a[] = { "fmt ", "fact", "data" };
	const char *const *l = webp ? w : a;
	size_t n = webp ? 6 : 3;

	for (size_t i = 0; i < n; i++)
		if (memcmp(id, l[i], 4) == 0)
			return 1;
	return 0;
}

static void
note(struct clean_report *rep, const unsigned char *id)
{
	char s[5];

	for (int i = 0; i < 4; i++)
		s[i] = (id[i] >= 0x20 && id[i] < 0x7F) ? (char)id[i] : '?';
	s[4] = '\0';
	if (memcmp(id, "LIST", 4) == 0)
		clean_note_removed(rep, "LIST/INFO tags (artist, title, software, dates, comments)");
	else if (memcmp(id, "EXIF", 4) == 0 || memcmp(id, "XMP ", 4) == 0)
		clean_note_removed(rep, "EXIF and XMP metadata");
	else
		clean_note_removed(rep, "chunk '%s'", s);
}

static int
walk(int webp, const unsigned char *buf, size_t end, struct clean_buf *out,
    struct clean_report *rep, int *have_data)
{
	size_t pos = 12;
	int e;

	while (pos < end) {
		size_t n, padded;
		if (end - pos < 8)
			return CLEAN_E_MALFORMED;
		n = sd_load_le32(buf + pos + 4);
		padded = n + (n & 1);
		if (n > end - pos - 8 || padded > end - pos - 8)
			return CLEAN_E_MALFORMED;
		if (!kept(webp, buf + pos)) {
			note(rep, buf + pos);
		} else {
			size_t at = out->len;
			if ((e = clean_buf_append(out, buf + pos, 8 + padded)) != 0)
				return e;
			if (webp && memcmp(buf + pos, "VP8X", 4) == 0 && n >= 1)
				out->data[at + 8] &= (unsigned char)~0x2C; /* ICC, EXIF, XMP */
			*have_data |= memcmp(buf + pos, webp ? "VP8" : "data", webp ? 3 : 4) == 0 ||
			    memcmp(buf + pos, "ANMF", 4) == 0;
		}
		pos += 8 + padded;
	}
	return 0;
}

int
clean_riff(const unsigned char *buf, size_t len, struct clean_buf *out,
    struct clean_report *rep)
{
	size_t end, start = out->len;
	int webp, e = CLEAN_E_MALFORMED, data = 0;
	uint32_t total;

	if (len < 12 || memcmp(buf, "RIFF", 4) != 0)
		goto out;
	webp = memcmp(buf + 8, "WEBP", 4) == 0;
	if (!webp && memcmp(buf + 8, "WAVE", 4) != 0) {
		e = CLEAN_E_UNSUPPORTED;
		goto out;
	}
	end = (size_t)sd_load_le32(buf + 4);
	if (end > len - 8)
		goto out;
	end += 8;
	if (end < len)
		clean_note_removed(rep, "%zu bytes after the end of the file", len - end);
	if ((e = clean_buf_append(out, buf, 12)) != 0 ||
	    (e = walk(webp, buf, end, out, rep, &data)) != 0)
		goto out;
	if (!data || out->len - start - 8 > UINT32_MAX) {
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	total = (uint32_t)(out->len - start - 8);
	for (int i = 0; i < 4; i++)
		out->data[start + 4 + (size_t)i] = (unsigned char)(total >> (8 * i));
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete %s file (truncated or bad chunk length)",
		    len >= 12 && memcmp(buf + 8, "WEBP", 4) == 0 ? "WebP" : "WAV");
	return e;
}

static int
aiff_chunks(const unsigned char *buf, size_t end, struct clean_buf *out,
    struct clean_report *rep)
{
	int e, comm = 0, ssnd = 0;

	for (size_t pos = 12; pos < end;) {
		size_t n, padded;
		const unsigned char *c = buf + pos;
		if (end - pos < 8)
			return CLEAN_E_MALFORMED;
		n = sd_load_be32(c + 4);
		padded = n + (n & 1);
		if (n > end - pos - 8 || padded > end - pos - 8)
			return CLEAN_E_MALFORMED;
		if (memcmp(c, "COMM", 4) == 0 || memcmp(c, "SSND", 4) == 0 ||
		    memcmp(c, "FVER", 4) == 0) {
			comm |= memcmp(c, "COMM", 4) == 0;
			ssnd |= memcmp(c, "SSND", 4) == 0;
			if ((e = clean_buf_append(out, c, 8 + padded)) != 0)
				return e;
		} else {
			clean_note_removed(rep, "text, comment, marker and tag chunks (name, author, "
			    "copyright, annotations, ID3)");
		}
		pos += 8 + padded;
	}
	return comm && ssnd ? 0 : CLEAN_E_MALFORMED;
}

int
clean_aiff(const unsigned char *buf, size_t len, struct clean_buf *out,
    struct clean_report *rep)
{
	size_t end, start = out->len;
	uint32_t total;
	int e = CLEAN_E_MALFORMED;

	if (len < 12 || memcmp(buf, "FORM", 4) != 0 ||
	    (memcmp(buf + 8, "AIFF", 4) != 0 && memcmp(buf + 8, "AIFC", 4) != 0))
		goto out;
	if ((end = sd_load_be32(buf + 4)) > len - 8)
		goto out;
	end += 8;
	if (end < len)
		clean_note_removed(rep, "%zu bytes after the end of the file", len - end);
	if ((e = clean_buf_append(out, buf, 12)) != 0 ||
	    (e = aiff_chunks(buf, end, out, rep)) != 0)
		goto out;
	if (out->len - start - 8 > UINT32_MAX) {
		e = CLEAN_E_LIMIT;
		goto out;
	}
	total = (uint32_t)(out->len - start - 8);
	for (int i = 0; i < 4; i++)
		out->data[start + 4 + (size_t)i] = (unsigned char)(total >> (24 - 8 * i));
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete AIFF file (truncated or bad chunk length)");
	return e;
}

/*
 * AVI (RIFF 'AVI ', and the OpenDML 'AVIX' forms after it), cleaned in
 * place: a dropped chunk becomes a JUNK chunk of the same size with zeros
 * in it, so the absolute offsets of OpenDML indexes (indx) and the movi
 * offsets of idx1 stay right. Allow-lists: at the top of a form LIST hdrl,
 * LIST movi (copied as it is: the media) and idx1; in hdrl avih, LIST strl
 * and LIST odml (dmlh); in strl strh, strf, indx and vprp. Everything else
 * (LIST INFO with title, artist, comments, software ISFT and dates; IDIT,
 * the digitization date; strn, stream names; strd, camera data; unknown
 * chunks) is overwritten, and the contents of existing JUNK chunks are
 * zeroed (cameras write text into them).
 */
enum avi_level { AVI_TOP, AVI_HDRL, AVI_STRL, AVI_ODML };

static void
avi_blank(unsigned char *o, size_t pos, size_t n, struct clean_report *rep)
{
	const unsigned char *c = o + pos;

	if (memcmp(c, "LIST", 4) == 0 && n >= 4 && memcmp(c + 8, "INFO", 4) == 0)
		clean_note_removed(rep, "LIST/INFO tags (title, artist, comments, copyright, "
		    "software, dates)");
	else if (memcmp(c, "IDIT", 4) == 0)
		clean_note_removed(rep, "digitization date (IDIT)");
	else if (memcmp(c, "strn", 4) == 0)
		clean_note_removed(rep, "stream names (strn)");
	else if (memcmp(c, "strd", 4) == 0)
		clean_note_removed(rep, "stream data (strd: camera or codec notes)");
	else if (memcmp(c, "JUNK", 4) == 0) {
		size_t k = 0;
		while (k < n && c[8 + k] == 0)
			k++;
		if (k == n)
			return;
		clean_note_removed(rep, "contents of JUNK padding chunks (zeroed)");
	} else
		note(rep, c);
	memcpy(o + pos, "JUNK", 4);
	memset(o + pos + 8, 0, n);
}

static int
avi_list(unsigned char *o, size_t pos, size_t end, enum avi_level lv, struct clean_report *rep)
{
	while (pos < end) {
		const unsigned char *c = o + pos;
		const unsigned char *t = c + 8;
		size_t n, padded;
		int e, list;

		if (end - pos < 8)
			return CLEAN_E_MALFORMED;
		n = sd_load_le32(c + 4);
		if (n > end - pos - 8)
			return CLEAN_E_MALFORMED;
		/* the pad byte of an odd last chunk is sometimes missing */
		padded = n + (n & 1) <= end - pos - 8 ? n + (n & 1) : n;
		list = memcmp(c, "LIST", 4) == 0;
		if (list && n < 4)
			return CLEAN_E_MALFORMED;
		e = 0;
		if (lv == AVI_TOP && list && memcmp(t, "hdrl", 4) == 0)
			e = avi_list(o, pos + 12, pos + 8 + n, AVI_HDRL, rep);
		else if (lv == AVI_TOP && list && memcmp(t, "movi", 4) == 0)
			;
		else if (lv == AVI_TOP && memcmp(c, "idx1", 4) == 0)
			;
		else if (lv == AVI_HDRL && memcmp(c, "avih", 4) == 0)
			;
		else if (lv == AVI_HDRL && list && memcmp(t, "strl", 4) == 0)
			e = avi_list(o, pos + 12, pos + 8 + n, AVI_STRL, rep);
		else if (lv == AVI_HDRL && list && memcmp(t, "odml", 4) == 0)
			e = avi_list(o, pos + 12, pos + 8 + n, AVI_ODML, rep);
		else if (lv == AVI_STRL && (memcmp(c, "strh", 4) == 0 || memcmp(c, "strf", 4) == 0 ||
		    memcmp(c, "indx", 4) == 0 || memcmp(c, "vprp", 4) == 0))
			;
		else if (lv == AVI_ODML && memcmp(c, "dmlh", 4) == 0)
			;
		else
			avi_blank(o, pos, n, rep);
		if (e != 0)
			return e;
		pos += 8 + padded;
	}
	return 0;
}

int
clean_avi(const unsigned char *buf, size_t len, struct clean_buf *out, struct clean_report *rep)
{
	size_t start = out->len, pos = 0;
	int e = CLEAN_E_MALFORMED, forms = 0;
	unsigned char *o;

	if (len < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "AVI ", 4) != 0) {
		clean_set_error(rep, "not an AVI file");
		return CLEAN_E_MALFORMED;
	}
	if ((e = clean_buf_append(out, buf, len)) != 0)
		return e;
	o = out->data + start;
	/* RIFF 'AVI ', then any OpenDML 'AVIX' forms; anything else ends it. */
	while (len - pos >= 12 && memcmp(o + pos, "RIFF", 4) == 0 &&
	    memcmp(o + pos + 8, forms == 0 ? "AVI " : "AVIX", 4) == 0) {
		size_t n = sd_load_le32(o + pos + 4);
		if (n < 4 || n > len - pos - 8) {
			e = CLEAN_E_MALFORMED;
			goto out;
		}
		if ((e = avi_list(o, pos + 12, pos + 8 + n, AVI_TOP, rep)) != 0)
			goto out;
		pos += 8 + n;
		if ((n & 1) && pos < len)
			pos++;
		forms++;
	}
	if (pos < len) {
		clean_note_removed(rep, "%zu bytes after the end of the file", len - pos);
		out->len = start + pos;
	}
	e = 0;
out:
	if (e != 0) {
		out->len = start;
		if (e == CLEAN_E_MALFORMED)
			clean_set_error(rep, "not a complete AVI file (truncated or bad chunk length)");
	}
	return e;
}
