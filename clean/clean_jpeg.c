/*
 * clean_jpeg.c - lossless JPEG cleaning by a marker allow-list.
 *
 * Kept: SOI, the frame and table segments a decoder needs (SOFn, DHT, DAC,
 * DQT, DRI, DNL), every scan (SOS and its entropy-coded data, RSTn), the
 * Adobe APP14 transform segment (needed to decode CMYK/YCCK) and EOI.
 * Removed: every other APPn (JFIF and its thumbnail, EXIF with GPS and its
 * thumbnail, XMP, ICC profile, Photoshop IRB/IPTC, maker segments), COM,
 * unknown and reserved markers, and anything after EOI. When EXIF says the
 * image is rotated, a minimal EXIF segment holding only the Orientation tag
 * is written back so the picture still displays the right way up.
 * The pixels are never decoded or re-encoded. Hand-written: see
 * docs/handwritten.md.
 *
 * Streamed (clean_jpeg_fd) and in memory (clean_jpeg) by the same code, in
 * two passes: the first checks the markers, notes what goes and finds the
 * orientation (an EXIF segment may come after the first scan in a
 * progressive JPEG); the second writes SOI, the orientation and what is
 * kept, copying scans CLEAN_STREAM_CHUNK bytes at a time. Memory: two
 * JPEG_WIN buffers (a marker segment is at most 64 KiB) and the copy chunk,
 * whatever the file's size.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>

/* Orientation (1..8) from an APP1 EXIF payload, or 0. */
static unsigned
exif_orientation(const unsigned char *p, size_t n)
{
	const unsigned char *t;
	size_t tn, ifd, cnt;
	int le;

	if (n < 6 + 8 || memcmp(p, "Exif\0\0", 6) != 0)
		return 0;
	t = p + 6;
	tn = n - 6;
	if (memcmp(t, "II*\0", 4) == 0)
		le = 1;
	else if (memcmp(t, "MM\0*", 4) == 0)
		le = 0;
	else
		return 0;
#define RD16(q) (le ? sd_load_le16(q) : sd_load_be16(q))
#define RD32(q) (le ? sd_load_le32(q) : sd_load_be32(q))
	ifd = RD32(t + 4);
	if (ifd > tn || tn - ifd < 2)
		return 0;
	cnt = RD16(t + ifd);
	for (size_t i = 0; i < cnt; i++) {
		size_t e = ifd + 2 + 12 * i;
		unsigned v;
		if (e > tn || tn - e < 12)
			return 0;
		if (RD16(t + e) != 0x0112 || RD16(t + e + 2) != 3)
			continue;
		v = RD16(t + e + 8);
		return v >= 1 && v <= 8 ? v : 0;
	}
	return 0;
#undef RD16
#undef RD32
}

/* A minimal APP1 EXIF segment holding only Orientation. */
static int
put_orientation(struct clean_sink *out, unsigned o)
{
	unsigned char s[36] = {
		0xFF, 0xE1, 0x00, 34, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0,
		8,                                        /* TIFF header, IFD0 at 8 */
		0, 1,                                     /* one entry */
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, /* Orientation SHORT 1 */
		0, 0, 0, 0                                /* no next IFD */
	};
	s[29] = (unsigned char)o;
	return clean_sink_put(out, s, sizeof s);
}

static int
keep_marker(unsigned m, const unsigned char *seg, size_t n)
{
	if (m >= 0xC0 && m <= 0xCF && m != 0xC8)
		return 1; /* SOFn, DHT, DAC */
	if (m == 0xDB || m == 0xDD || m == 0xDC)
		return 1; /* DQT, DRI, DNL */
	if (m == 0xEE && n == 12 && memcmp(seg, "Adobe", 5) == 0)
		return 1;
	return 0;
}

static void
note_dropped(struct clean_report *rep, unsigned m, const unsigned char *seg, size_t n)
{
	if (m == 0xE1 && n >= 6 && memcmp(seg, "Exif\0\0", 6) == 0)
		clean_note_removed(rep, "EXIF (camera, dates, GPS, thumbnail)");
	else if (m == 0xE1)
		clean_note_removed(rep, "XMP or other APP1 metadata");
	else if (m == 0xE0)
		clean_note_removed(rep, "JFIF/JFXX header and thumbnail (APP0)");
	else if (m == 0xE2)
		clean_note_removed(rep, "ICC profile or FlashPix (APP2)");
	else if (m == 0xED)
		clean_note_removed(rep, "Photoshop/IPTC (APP13)");
	else if (m == 0xFE)
		clean_note_removed(rep, "JPEG comment");
	else if (m >= 0xE0 && m <= 0xEF)
		clean_note_removed(rep, "APP%u segment", m - 0xE0);
	else
		clean_note_removed(rep, "unknown marker 0x%02X", m);
}

#define JPEG_WIN 65536u /* the read window: a segment fits in it */

struct jstate {
	const struct clean_src *s;
	struct clean_sink *k; /* pass 2 writes here; NULL in pass 1 */
	struct clean_report *rep;
	unsigned char *win; /* JPEG_WIN bytes of the input from woff */
	uint64_t woff;
	size_t wlen;
	unsigned char *seg; /* one segment's payload */
	unsigned orient;
	int sof, sos;
};

/* The byte at off (< the input's length), through the window. */
static int
jbyte(struct jstate *st, uint64_t off, unsigned *b)
{
	int e;

	if (off < st->woff || off - st->woff >= st->wlen) {
		size_t n = st->s->len - off < JPEG_WIN ? (size_t)(st->s->len - off) : JPEG_WIN;
		st->wlen = 0;
		if ((e = clean_src_read(st->s, off, st->win, n)) != 0)
			return e;
		st->woff = off;
		st->wlen = n;
	}
	*b = st->win[off - st->woff];
	return 0;
}

/* Entropy-coded data from off: in *n its length up to the next real
 * marker, 0 when the input ends inside it. */
static int
scan_len(struct jstate *st, uint64_t off, uint64_t *n)
{
	uint64_t len = st->s->len, ff = UINT64_MAX; /* a 0xFF waiting for its next byte */
	unsigned b;
	int e;

	*n = 0;
	for (uint64_t k = off; k < len;) {
		const unsigned char *w;
		size_t avail, i = 0;
		if ((e = jbyte(st, k, &b)) != 0) /* the window now holds k */
			return e;
		w = st->win + (k - st->woff);
		avail = st->wlen - (size_t)(k - st->woff);
		while (i < avail) {
			if (ff == UINT64_MAX) {
				const unsigned char *q = memchr(w + i, 0xFF, avail - i);
				if (q == NULL)
					break;
				i = (size_t)(q - w);
				ff = k + i++;
				continue;
			}
			b = w[i];
			if (b == 0x00 || (b >= 0xD0 && b <= 0xD7))
				ff = UINT64_MAX; /* stuffed byte or restart marker */
			else if (b == 0xFF)
				ff = k + i; /* fill: the next 0xFF is looked at */
			else {
				*n = ff - off;
				return 0;
			}
			i++;
		}
		k += avail;
	}
	return 0;
}

static int
put(struct jstate *st, const void *p, size_t n)
{
	return st->k != NULL ? clean_sink_put(st->k, p, n) : 0;
}

/* One marker segment at *pos (after the 0xFF and marker byte m). */
static int
segment(struct jstate *st, unsigned m, uint64_t *pos)
{
	uint64_t len = st->s->len, sl;
	unsigned char h[2];
	size_t seglen;
	int e;

	if (len - *pos < 2 || (e = clean_src_read(st->s, *pos, h, 2)) != 0)
		return CLEAN_E_MALFORMED;
	if ((seglen = sd_load_be16(h)) < 2 || seglen > len - *pos)
		return CLEAN_E_MALFORMED;
	if (m == 0xDA) {
		if (!st->sof)
			return CLEAN_E_MALFORMED;
		if ((e = scan_len(st, *pos + seglen, &sl)) != 0)
			return e;
		if (sl == 0)
			return CLEAN_E_MALFORMED;
		st->sos = 1;
		if (st->k != NULL &&
		    (e = clean_sink_copy(st->k, st->s, *pos - 2, seglen + 2 + sl)) != 0)
			return e;
		*pos += seglen + sl;
		return 0;
	}
	if ((e = clean_src_read(st->s, *pos + 2, st->seg, seglen - 2)) != 0)
		return e;
	if (keep_marker(m, st->seg, seglen - 2)) {
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xCC)
			st->sof = 1;
		if (st->k != NULL && (e = clean_sink_copy(st->k, st->s, *pos - 2, seglen + 2)) != 0)
			return e;
	} else if (st->k == NULL) {
		if (m == 0xE1 && st->orient == 0)
			st->orient = exif_orientation(st->seg, seglen - 2);
		note_dropped(st->rep, m, st->seg, seglen - 2);
	}
	*pos += seglen;
	return 0;
}

/* The markers after SOI, to EOI: pass 1 (st->k NULL) checks them, notes
 * what goes and finds the orientation; pass 2 writes what is kept. */
static int
walk(struct jstate *st)
{
	uint64_t pos = 2, len = st->s->len;
	unsigned b;
	int e;

	for (;;) {
		unsigned m;
		if (pos >= len)
			return CLEAN_E_MALFORMED;
		if ((e = jbyte(st, pos, &b)) != 0)
			return e;
		if (b != 0xFF)
			return CLEAN_E_MALFORMED;
		while (pos < len && (e = jbyte(st, pos, &b)) == 0 && b == 0xFF)
			pos++;
		if (e != 0)
			return e;
		if (pos >= len)
			return CLEAN_E_MALFORMED;
		m = b;
		pos++;
		if (m == 0xD9) {
			if (!st->sos)
				return CLEAN_E_MALFORMED;
			if (pos < len && st->k == NULL)
				clean_note_removed(st->rep, "%llu bytes after the end of the image",
				    (unsigned long long)(len - pos));
			return put(st, "\xFF\xD9", 2);
		}
		if ((m >= 0xD0 && m <= 0xD7) || m == 0x01 || m == 0x00 || m == 0xD8)
			return CLEAN_E_MALFORMED;
		if ((e = segment(st, m, &pos)) != 0)
			return e;
	}
}

/* Two passes over the input, so the orientation found anywhere before EOI
 * is written right after SOI without holding the file. */
static int
jpeg_run(const struct clean_src *s, struct clean_sink *k, struct clean_report *rep)
{
	struct jstate st = { .s = s, .rep = rep };
	unsigned char h[2];
	int e;

	st.win = malloc(JPEG_WIN);
	st.seg = malloc(JPEG_WIN);
	if (st.win == NULL || st.seg == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	if (s->len < 4 || (e = clean_src_read(s, 0, h, 2)) != 0 || h[0] != 0xFF || h[1] != 0xD8) {
		e = s->len < 4 || e == 0 || e == CLEAN_E_MALFORMED ? CLEAN_E_MALFORMED : e;
		goto out;
	}
	if ((e = walk(&st)) != 0)
		goto out;
	st.k = k;
	st.sof = st.sos = 0;
	if ((e = put(&st, "\xFF\xD8", 2)) != 0)
		goto out;
	if (st.orient > 1) {
		if ((e = put_orientation(k, st.orient)) != 0)
			goto out;
		clean_note_kept(
		    rep, "EXIF Orientation (%u) kept so the image displays upright", st.orient);
	}
	e = walk(&st);
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete JPEG (truncated or corrupt marker structure)");
	free(st.win);
	free(st.seg);
	return e;
}

int
clean_jpeg(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct clean_src s = { buf, -1, len, NULL };
	struct clean_sink k = { out, -1, NULL };
	size_t start = out->len;
	int e = jpeg_run(&s, &k, rep);

	if (e != 0)
		sdbuf_cut(out, start);
	clean_sink_free(&k);
	return e;
}

int
clean_jpeg_fd(int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	struct clean_src_win w = { 0 };
	struct clean_src s = { NULL, infd, len, &w };
	struct clean_sink k = { NULL, outfd, NULL };
	int e = jpeg_run(&s, &k, rep);

	clean_sink_free(&k);
	clean_src_win_free(&w);
	return e;
}
