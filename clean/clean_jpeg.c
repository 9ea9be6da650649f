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
 */
#include "clean_int.h"
#include "sderr.h"

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
put_orientation(struct clean_buf *out, unsigned o)
{
	unsigned char s[36] = {
		0xFF, 0xE1, 0x00, 34, 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, 42, 0, 0, 0, 8,   /* TIFF header, IFD0 at 8 */
		0, 1,                          /* one entry */
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, /* Orientation SHORT 1 */
		0, 0, 0, 0                     /* no next IFD */
	};
	s[29] = (unsigned char)o;
	return clean_buf_append(out, s, sizeof s);
}

/* Entropy-coded data from p: length up to the next real marker, or 0 when
 * the file ends inside it. */
static size_t
scan_len(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != 0xFF)
			continue;
		if (p[i + 1] == 0x00 || (p[i + 1] >= 0xD0 && p[i + 1] <= 0xD7) ||
		    p[i + 1] == 0xFF) {
			if (p[i + 1] != 0xFF)
				i++;
			continue;
		}
		return i;
	}
	return 0;
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

struct jstate {
	unsigned orient;
	int sof, sos;
};

/* One marker segment at buf[*pos] (after the 0xFF and marker byte m). */
static int
segment(unsigned m, const unsigned char *buf, size_t len, size_t *pos,
    struct clean_buf *out, struct clean_report *rep, struct jstate *st)
{
	size_t seglen, sl;
	const unsigned char *seg;
	int e;

	if (len - *pos < 2 || (seglen = sd_load_be16(buf + *pos)) < 2 || seglen > len - *pos)
		return CLEAN_E_MALFORMED;
	seg = buf + *pos + 2;
	if (m == 0xDA) {
		if (!st->sof)
			return CLEAN_E_MALFORMED;
		sl = scan_len(buf + *pos + seglen, len - *pos - seglen);
		if (sl == 0)
			return CLEAN_E_MALFORMED;
		st->sos = 1;
		if ((e = clean_buf_append(out, buf + *pos - 2, seglen + 2 + sl)) != 0)
			return e;
		*pos += seglen + sl;
		return 0;
	}
	if (keep_marker(m, seg, seglen - 2)) {
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xCC)
			st->sof = 1;
		e = clean_buf_append(out, buf + *pos - 2, seglen + 2);
	} else {
		if (m == 0xE1 && st->orient == 0)
			st->orient = exif_orientation(seg, seglen - 2);
		note_dropped(rep, m, seg, seglen - 2);
		e = 0;
	}
	*pos += seglen;
	return e;
}

static int
walk(const unsigned char *buf, size_t len, struct clean_buf *out,
    struct clean_report *rep, struct jstate *st)
{
	size_t pos = 2;
	int e;

	for (;;) {
		unsigned m;
		if (pos >= len || buf[pos] != 0xFF)
			return CLEAN_E_MALFORMED;
		while (pos < len && buf[pos] == 0xFF)
			pos++;
		if (pos >= len)
			return CLEAN_E_MALFORMED;
		m = buf[pos++];
		if (m == 0xD9) {
			if (!st->sos)
				return CLEAN_E_MALFORMED;
			if (pos < len)
				clean_note_removed(rep, "%zu bytes after the end of the image",
				    len - pos);
			return clean_buf_append(out, "\xFF\xD9", 2);
		}
		if ((m >= 0xD0 && m <= 0xD7) || m == 0x01 || m == 0x00 || m == 0xD8)
			return CLEAN_E_MALFORMED;
		if ((e = segment(m, buf, len, &pos, out, rep, st)) != 0)
			return e;
	}
}

int
clean_jpeg(const unsigned char *buf, size_t len, struct clean_buf *out,
    struct clean_report *rep)
{
	struct clean_buf tmp = { 0 };
	struct jstate st = { 0 };
	int e;

	if (len < 4 || buf[0] != 0xFF || buf[1] != 0xD8) {
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if ((e = clean_buf_append(&tmp, "\xFF\xD8", 2)) != 0)
		goto out;
	if ((e = walk(buf, len, &tmp, rep, &st)) != 0)
		goto out;
	if ((e = clean_buf_append(out, tmp.data, 2)) != 0)
		goto out;
	if (st.orient > 1) {
		if ((e = put_orientation(out, st.orient)) != 0)
			goto out;
		clean_note_kept(rep, "EXIF Orientation (%u) kept so the image displays upright",
		    st.orient);
	}
	e = clean_buf_append(out, tmp.data + 2, tmp.len - 2);
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete JPEG (truncated or corrupt marker structure)");
	clean_buf_free(&tmp);
	return e;
}
