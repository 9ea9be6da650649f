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
 *
 * WebP, WAV and AIFF are streamed (clean_riff_fd, clean_aiff_fd) and
 * cleaned in memory by the same code, in two passes: the first checks the
 * chunks, notes what goes and sums what is kept (the RIFF or FORM size
 * written first), the second writes;
 * chunk data is copied CLEAN_STREAM_CHUNK bytes at a time.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdint.h>
#include <stdlib.h>
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
		clean_note_removed(
		    rep, "LIST/INFO tags (artist, title, software, dates, comments)");
	else if (memcmp(id, "EXIF", 4) == 0 || memcmp(id, "XMP ", 4) == 0)
		clean_note_removed(rep, "EXIF and XMP metadata");
	else
		clean_note_removed(rep, "chunk '%s'", s);
}

/* The chunks of [12, end): pass 1 (k NULL) checks them, notes what goes
 * and adds the size of what is kept to *total; pass 2 writes the kept
 * ones (WebP's VP8X without its ICC, EXIF and XMP flags). */
static int
walk(int webp, const struct clean_src *s, uint64_t end, struct clean_sink *k,
    struct clean_report *rep, uint64_t *total, int *have_data)
{
	uint64_t pos = 12;
	unsigned char h[9];
	int e;

	while (pos < end) {
		uint64_t n, padded;
		if (end - pos < 8)
			return CLEAN_E_MALFORMED;
		if ((e = clean_src_read(s, pos, h, end - pos >= 9 ? 9 : 8)) != 0)
			return e;
		n = sd_load_le32(h + 4);
		padded = n + (n & 1);
		if (n > end - pos - 8 || padded > end - pos - 8)
			return CLEAN_E_MALFORMED;
		if (!kept(webp, h)) {
			if (k == NULL)
				note(rep, h);
		} else if (k == NULL) {
			*total += 8 + padded;
			*have_data |= memcmp(h, webp ? "VP8" : "data", webp ? 3 : 4) == 0 ||
			    memcmp(h, "ANMF", 4) == 0;
		} else if (webp && memcmp(h, "VP8X", 4) == 0 && n >= 1) {
			h[8] &= (unsigned char)~0x2C; /* ICC, EXIF, XMP */
			if ((e = clean_sink_put(k, h, 9)) != 0 ||
			    (e = clean_sink_copy(k, s, pos + 9, padded - 1)) != 0)
				return e;
		} else if ((e = clean_sink_copy(k, s, pos, 8 + padded)) != 0) {
			return e;
		}
		pos += 8 + padded;
	}
	return 0;
}

/* Two passes: the RIFF size written first is the size of what is kept. */
static int
riff_run(const struct clean_src *s, struct clean_sink *k, struct clean_report *rep)
{
	uint64_t end, total = 4, len = s->len;
	unsigned char h[12];
	int webp = 0, e = CLEAN_E_MALFORMED, data = 0;

	if (len < 12 || (e = clean_src_read(s, 0, h, 12)) != 0) {
		e = e != 0 && e != CLEAN_E_MALFORMED ? e : CLEAN_E_MALFORMED;
		goto out;
	}
	webp = memcmp(h + 8, "WEBP", 4) == 0;
	if (memcmp(h, "RIFF", 4) != 0) {
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if (!webp && memcmp(h + 8, "WAVE", 4) != 0) {
		e = CLEAN_E_UNSUPPORTED;
		goto out;
	}
	e = CLEAN_E_MALFORMED;
	end = sd_load_le32(h + 4);
	if (end > len - 8)
		goto out;
	end += 8;
	if (end < len)
		clean_note_removed(
		    rep, "%llu bytes after the end of the file", (unsigned long long)(len - end));
	if ((e = walk(webp, s, end, NULL, rep, &total, &data)) != 0)
		goto out;
	if (!data || total > UINT32_MAX) {
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	for (int i = 0; i < 4; i++)
		h[4 + i] = (unsigned char)(total >> (8 * i));
	if ((e = clean_sink_put(k, h, 12)) != 0)
		goto out;
	e = walk(webp, s, end, k, rep, &total, &data);
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete %s file (truncated or bad chunk length)",
		    webp ? "WebP" : "WAV");
	return e;
}

int
clean_riff(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct clean_src s = { buf, -1, len, NULL };
	struct clean_sink k = { out, -1, NULL };
	size_t start = out->len;
	int e = riff_run(&s, &k, rep);

	if (e != 0)
		sdbuf_cut(out, start);
	clean_sink_free(&k);
	return e;
}

int
clean_riff_fd(int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	struct clean_src_win w = { 0 };
	struct clean_src s = { NULL, infd, len, &w };
	struct clean_sink k = { NULL, outfd, NULL };
	int e = riff_run(&s, &k, rep);

	clean_sink_free(&k);
	clean_src_win_free(&w);
	return e;
}

/* AIFF's chunks of [12, end), as walk() does WAV's: pass 1 (k NULL)
 * checks, notes and sums what is kept into *total; pass 2 writes it. */
static int
aiff_chunks(const struct clean_src *s, uint64_t end, struct clean_sink *k, struct clean_report *rep,
    uint64_t *total)
{
	unsigned char c[8];
	int e, comm = 0, ssnd = 0;

	for (uint64_t pos = 12; pos < end;) {
		uint64_t n, padded;
		if (end - pos < 8)
			return CLEAN_E_MALFORMED;
		if ((e = clean_src_read(s, pos, c, 8)) != 0)
			return e;
		n = sd_load_be32(c + 4);
		padded = n + (n & 1);
		if (n > end - pos - 8 || padded > end - pos - 8)
			return CLEAN_E_MALFORMED;
		if (memcmp(c, "COMM", 4) == 0 || memcmp(c, "SSND", 4) == 0 ||
		    memcmp(c, "FVER", 4) == 0) {
			comm |= memcmp(c, "COMM", 4) == 0;
			ssnd |= memcmp(c, "SSND", 4) == 0;
			if (k == NULL)
				*total += 8 + padded;
			else if ((e = clean_sink_copy(k, s, pos, 8 + padded)) != 0)
				return e;
		} else if (k == NULL) {
			clean_note_removed(rep,
			    "text, comment, marker and tag chunks (name, author, "
			    "copyright, annotations, ID3)");
		}
		pos += 8 + padded;
	}
	return comm && ssnd ? 0 : CLEAN_E_MALFORMED;
}

/* Two passes: the FORM size written first is the size of what is kept. */
static int
aiff_run(const struct clean_src *s, struct clean_sink *k, struct clean_report *rep)
{
	uint64_t end, total = 4, len = s->len;
	unsigned char h[12];
	int e = CLEAN_E_MALFORMED;

	if (len < 12 || (e = clean_src_read(s, 0, h, 12)) != 0 || memcmp(h, "FORM", 4) != 0 ||
	    (memcmp(h + 8, "AIFF", 4) != 0 && memcmp(h + 8, "AIFC", 4) != 0)) {
		e = e != 0 && e != CLEAN_E_MALFORMED ? e : CLEAN_E_MALFORMED;
		goto out;
	}
	e = CLEAN_E_MALFORMED;
	if ((end = sd_load_be32(h + 4)) > len - 8)
		goto out;
	end += 8;
	if (end < len)
		clean_note_removed(
		    rep, "%llu bytes after the end of the file", (unsigned long long)(len - end));
	if ((e = aiff_chunks(s, end, NULL, rep, &total)) != 0)
		goto out;
	if (total > UINT32_MAX) {
		e = CLEAN_E_LIMIT;
		goto out;
	}
	for (int i = 0; i < 4; i++)
		h[4 + i] = (unsigned char)(total >> (24 - 8 * i));
	if ((e = clean_sink_put(k, h, 12)) != 0)
		goto out;
	e = aiff_chunks(s, end, k, rep, &total);
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete AIFF file (truncated or bad chunk length)");
	return e;
}

int
clean_aiff(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct clean_src s = { buf, -1, len, NULL };
	struct clean_sink k = { out, -1, NULL };
	size_t start = out->len;
	int e = aiff_run(&s, &k, rep);

	if (e != 0)
		sdbuf_cut(out, start);
	clean_sink_free(&k);
	return e;
}

int
clean_aiff_fd(int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	struct clean_src_win w = { 0 };
	struct clean_src s = { NULL, infd, len, &w };
	struct clean_sink k = { NULL, outfd, NULL };
	int e = aiff_run(&s, &k, rep);

	clean_sink_free(&k);
	clean_src_win_free(&w);
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
 *
 * Streamed (clean_avi_fd) and in memory by the same code: the walk reads
 * chunk headers (the movi lists are skipped by their sizes) and collects
 * the JUNK chunks as clean_stream.c patches; the input is then copied with
 * them applied. Memory: the copy chunk, AVI_TMP and the patch list.
 */
enum avi_level { AVI_TOP, AVI_HDRL, AVI_STRL, AVI_ODML };

#define AVI_TMP 65536u /* bytes read at a time to see whether a JUNK chunk is empty */

struct avi_job {
	const struct clean_src *s;
	struct clean_patches pl; /* the chunks overwritten by JUNK */
	unsigned char *tmp;      /* AVI_TMP bytes */
	struct clean_report *rep;
};

/* The chunk at pos with its n bytes of data (its header in c, 12 bytes or
 * fewer when the data is shorter than 4) becomes a zeroed JUNK chunk. */
static int
avi_blank(struct avi_job *j, const unsigned char *c, uint64_t pos, uint64_t n)
{
	unsigned char h[8];
	int e;

	if (memcmp(c, "LIST", 4) == 0 && n >= 4 && memcmp(c + 8, "INFO", 4) == 0)
		clean_note_removed(j->rep,
		    "LIST/INFO tags (title, artist, comments, copyright, "
		    "software, dates)");
	else if (memcmp(c, "IDIT", 4) == 0)
		clean_note_removed(j->rep, "digitization date (IDIT)");
	else if (memcmp(c, "strn", 4) == 0)
		clean_note_removed(j->rep, "stream names (strn)");
	else if (memcmp(c, "strd", 4) == 0)
		clean_note_removed(j->rep, "stream data (strd: camera or codec notes)");
	else if (memcmp(c, "JUNK", 4) == 0) {
		uint64_t k = 0;
		while (k < n) {
			size_t m = n - k > AVI_TMP ? AVI_TMP : (size_t)(n - k), z = 0;
			if ((e = clean_patch_read(j->s, &j->pl, pos + 8 + k, j->tmp, m)) != 0)
				return e;
			while (z < m && j->tmp[z] == 0)
				z++;
			if (z < m)
				break;
			k += m;
		}
		if (k >= n)
			return 0;
		clean_note_removed(j->rep, "contents of JUNK padding chunks (zeroed)");
	} else
		note(j->rep, c);
	memcpy(h, "JUNK", 4);
	memcpy(h + 4, c + 4, 4);
	return clean_patch_add(&j->pl, pos, 8 + n, h, 8);
}

static int
avi_list(struct avi_job *j, uint64_t pos, uint64_t end, enum avi_level lv)
{
	while (pos < end) {
		unsigned char c[12];
		const unsigned char *t = c + 8;
		uint64_t n, padded;
		int e, list;

		if (end - pos < 8)
			return CLEAN_E_MALFORMED;
		if ((e = clean_patch_read(
			 j->s, &j->pl, pos, c, end - pos < 12 ? (size_t)(end - pos) : 12)) != 0)
			return e;
		if (end - pos < 12)
			memset(c + (end - pos), 0, 12 - (size_t)(end - pos));
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
			e = avi_list(j, pos + 12, pos + 8 + n, AVI_HDRL);
		else if (lv == AVI_TOP && list && memcmp(t, "movi", 4) == 0)
			;
		else if (lv == AVI_TOP && memcmp(c, "idx1", 4) == 0)
			;
		else if (lv == AVI_HDRL && memcmp(c, "avih", 4) == 0)
			;
		else if (lv == AVI_HDRL && list && memcmp(t, "strl", 4) == 0)
			e = avi_list(j, pos + 12, pos + 8 + n, AVI_STRL);
		else if (lv == AVI_HDRL && list && memcmp(t, "odml", 4) == 0)
			e = avi_list(j, pos + 12, pos + 8 + n, AVI_ODML);
		else if (lv == AVI_STRL &&
		    (memcmp(c, "strh", 4) == 0 || memcmp(c, "strf", 4) == 0 ||
			memcmp(c, "indx", 4) == 0 || memcmp(c, "vprp", 4) == 0))
			;
		else if (lv == AVI_ODML && memcmp(c, "dmlh", 4) == 0)
			;
		else
			e = avi_blank(j, c, pos, n);
		if (e != 0)
			return e;
		pos += 8 + padded;
	}
	return 0;
}

/* The forms, then the patched copy of the input up to their end. */
static int
avi_run(const struct clean_src *s, struct clean_sink *k, struct clean_report *rep)
{
	struct avi_job j = { .s = s, .rep = rep };
	uint64_t pos = 0, len = s->len;
	unsigned char h[12];
	int e = CLEAN_E_MALFORMED, forms = 0;

	if (len < 12 || (e = clean_src_read(s, 0, h, 12)) != 0 || memcmp(h, "RIFF", 4) != 0 ||
	    memcmp(h + 8, "AVI ", 4) != 0) {
		if (e != 0 && e != CLEAN_E_MALFORMED)
			return e;
		clean_set_error(rep, "not an AVI file");
		return CLEAN_E_MALFORMED;
	}
	if ((j.tmp = malloc(AVI_TMP)) == NULL)
		return SD_ERR_NOMEM;
	/* RIFF 'AVI ', then any OpenDML 'AVIX' forms; anything else ends it. */
	for (;;) {
		uint64_t n;
		if (len - pos < 12)
			break;
		if ((e = clean_patch_read(s, &j.pl, pos, h, 12)) != 0)
			goto out;
		if (memcmp(h, "RIFF", 4) != 0 ||
		    memcmp(h + 8, forms == 0 ? "AVI " : "AVIX", 4) != 0)
			break;
		n = sd_load_le32(h + 4);
		if (n < 4 || n > len - pos - 8) {
			e = CLEAN_E_MALFORMED;
			goto out;
		}
		if ((e = avi_list(&j, pos + 12, pos + 8 + n, AVI_TOP)) != 0)
			goto out;
		pos += 8 + n;
		if ((n & 1) && pos < len)
			pos++;
		forms++;
	}
	if (pos < len)
		clean_note_removed(
		    rep, "%llu bytes after the end of the file", (unsigned long long)(len - pos));
	e = clean_patch_copy(s, &j.pl, pos, k);
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete AVI file (truncated or bad chunk length)");
	else if (e == CLEAN_E_LIMIT)
		clean_set_error(
		    rep, "too many AVI metadata chunks to clean (over %u)", CLEAN_PATCH_MAX);
	clean_patch_free(&j.pl);
	free(j.tmp);
	return e;
}

int
clean_avi(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct clean_src s = { buf, -1, len, NULL };
	struct clean_sink k = { out, -1, NULL };
	size_t start = out->len;
	int e = avi_run(&s, &k, rep);

	if (e != 0)
		sdbuf_cut(out, start);
	clean_sink_free(&k);
	return e;
}

int
clean_avi_fd(int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	struct clean_src_win w = { 0 };
	struct clean_src s = { NULL, infd, len, &w };
	struct clean_sink k = { NULL, outfd, NULL };
	int e = avi_run(&s, &k, rep);

	clean_sink_free(&k);
	clean_src_win_free(&w);
	return e;
}
