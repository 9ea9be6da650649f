/*
 * clean_mp4.c - ISO base media files (MP4, MOV, M4A, 3GP) by a box
 * allow-list.
 *
 * Top level: ftyp and mdat are kept, moov is cleaned, everything else goes
 * (uuid boxes with XMP, top-level meta and udta, free space, unknown
 * boxes). Inside moov, only the structure a player needs is kept; every
 * udta (©xyz GPS position, ©mak, ©mod, ©swr, ©day, authors), meta (Apple
 * keys: location, make, model, software), uuid and free box goes, and the
 * creation and modification times of mvhd, tkhd and mdhd are set to zero.
 * Chunk offsets (stco, co64) are moved to where mdat lands in the new file;
 * one that points outside every mdat makes the file malformed. Fragmented
 * files (moof) are not supported. Every box size is checked against its
 * parent. Hand-written: see docs/handwritten.md.
 */
#include "clean.h"
#include "clean_int.h"
#include "sderr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MP4_BOXES_MAX 100000
#define MP4_DEPTH_MAX 16
#define MP4_MDAT_MAX 64
#define MP4_TABLES_MAX 4096

struct mp4 {
	struct clean_report *rep;
	size_t boxes;
	struct { size_t at, n; int wide; } tab[MP4_TABLES_MAX]; /* offset tables in moov */
	size_t ntab;
	struct { uint64_t from, to, dst; } map[MP4_MDAT_MAX];   /* mdat payloads */
	size_t nmap;
};

int
clean_box_at(const unsigned char *p, size_t n, struct clean_box *b)
{
	uint64_t sz;

	if (n < 8)
		return CLEAN_E_MALFORMED;
	b->p = p;
	memcpy(b->type, p + 4, 4);
	sz = clean_be32(p);
	b->hdr = 8;
	if (sz == 1) {
		if (n < 16)
			return CLEAN_E_MALFORMED;
		sz = clean_be64(p + 8);
		b->hdr = 16;
	} else if (sz == 0) {
		sz = n;
	}
	if (sz < b->hdr || sz > n)
		return CLEAN_E_MALFORMED;
	b->size = (size_t)sz;
	return 0;
}

int
clean_box_is(const struct clean_box *b, const char *t)
{
	return memcmp(b->type, t, 4) == 0;
}

static int
container(const struct clean_box *b)
{
	static const char *const c[] = { "moov", "trak", "mdia", "minf", "stbl", "edts",
		"dinf", "mvex", NULL };
	for (const char *const *t = c; *t; t++)
		if (clean_box_is(b, *t))
			return 1;
	return 0;
}

int
clean_box_header(struct clean_buf *o, const char *type, size_t n)
{
	unsigned char h[16];

	if (n > UINT32_MAX - 8) {
		uint64_t s = (uint64_t)n + 16;
		memcpy(h, "\0\0\0\1", 4);
		memcpy(h + 4, type, 4);
		for (int i = 0; i < 8; i++)
			h[8 + i] = (unsigned char)(s >> (56 - 8 * i));
		return clean_buf_append(o, h, 16);
	}
	for (int i = 0; i < 4; i++)
		h[i] = (unsigned char)((n + 8) >> (24 - 8 * i));
	memcpy(h + 4, type, 4);
	return clean_buf_append(o, h, 8);
}

/* Copy a leaf box, zeroing times or noting an offset table. */
static int
leaf(struct mp4 *m, const struct clean_box *b, struct clean_buf *o)
{
	size_t at = o->len, pl = b->size - b->hdr;
	const unsigned char *q = b->p + b->hdr;
	int e, wide = clean_box_is(b, "co64");

	if ((e = clean_buf_append(o, b->p, b->size)) != 0)
		return e;
	if ((clean_box_is(b, "mvhd") || clean_box_is(b, "tkhd") || clean_box_is(b, "mdhd")) &&
	    pl >= 4) {
		size_t tl = q[0] == 1 ? 8 : 4;
		if (pl < 4 + 2 * tl)
			return CLEAN_E_MALFORMED;
		memset(o->data + at + b->hdr + 4, 0, 2 * tl);
		clean_note_removed(m->rep, "creation and modification times");
	}
	if (clean_box_is(b, "stco") || wide) {
		size_t n;
		if (pl < 8 || m->ntab == MP4_TABLES_MAX)
			return CLEAN_E_MALFORMED;
		n = clean_be32(q + 4);
		if (n > (pl - 8) / (wide ? 8 : 4))
			return CLEAN_E_MALFORMED;
		m->tab[m->ntab].at = at + b->hdr + 8;
		m->tab[m->ntab].n = n;
		m->tab[m->ntab++].wide = wide;
	}
	return 0;
}

static int
children(struct mp4 *m, const unsigned char *p, size_t n, unsigned depth, struct clean_buf *o)
{
	struct clean_box b;
	int e;

	if (depth > MP4_DEPTH_MAX)
		return CLEAN_E_LIMIT;
	for (size_t off = 0; off < n; off += b.size) {
		if ((e = clean_box_at(p + off, n - off, &b)) != 0)
			return e;
		if (++m->boxes > MP4_BOXES_MAX)
			return CLEAN_E_LIMIT;
		if (clean_box_is(&b, "udta") || clean_box_is(&b, "meta") ||
		    clean_box_is(&b, "uuid") || clean_box_is(&b, "free") ||
		    clean_box_is(&b, "skip")) {
			clean_note_removed(m->rep, "%s", clean_box_is(&b, "udta") ?
			    "user data (GPS position, make, model, software, dates, authors)" :
			    clean_box_is(&b, "meta") ?
			    "metadata (location, make, model, software)" :
			    clean_box_is(&b, "uuid") ? "uuid boxes (XMP, vendor data)" : "free space");
			continue;
		}
		if (container(&b)) {
			size_t at = o->len;
			if ((e = clean_box_header(o, b.type, 0)) != 0 ||
			    (e = children(m, b.p + b.hdr, b.size - b.hdr, depth + 1, o)) != 0)
				return e;
			if (o->len - at - 8 > UINT32_MAX - 8)
				return CLEAN_E_LIMIT;
			for (int i = 0; i < 4; i++)
				o->data[at + (size_t)i] = (unsigned char)((o->len - at) >> (24 - 8 * i));
		} else if ((e = leaf(m, &b, o)) != 0) {
			return e;
		}
	}
	return 0;
}

/* Move every chunk offset in the cleaned moov to the new mdat place. */
static int
patch(struct mp4 *m, struct clean_buf *moov)
{
	for (size_t t = 0; t < m->ntab; t++) {
		size_t w = m->tab[t].wide ? 8 : 4;
		for (size_t i = 0; i < m->tab[t].n; i++) {
			unsigned char *q = moov->data + m->tab[t].at + w * i;
			uint64_t v = w == 8 ? clean_be64(q) : clean_be32(q), nv = 0;
			size_t k;
			for (k = 0; k < m->nmap; k++)
				if (v >= m->map[k].from && v < m->map[k].to)
					break;
			if (k == m->nmap)
				return CLEAN_E_MALFORMED;
			nv = v - m->map[k].from + m->map[k].dst;
			if (w == 4 && nv > UINT32_MAX)
				return CLEAN_E_LIMIT;
			for (size_t j = 0; j < w; j++)
				q[j] = (unsigned char)(nv >> (8 * (w - 1 - j)));
		}
	}
	return 0;
}

/* The top-level boxes kept, with the new place of every mdat payload. */
static int
plan(struct mp4 *m, const unsigned char *buf, size_t len, struct clean_buf *moov,
    struct clean_box *keep, size_t *nkeep)
{
	struct clean_box b;
	uint64_t pos = 0;
	int e, seen_moov = 0;

	*nkeep = 0;
	for (size_t off = 0; off < len; off += b.size) {
		if ((e = clean_box_at(buf + off, len - off, &b)) != 0)
			return e;
		if (clean_box_is(&b, "moof") || clean_box_is(&b, "mvex"))
			return CLEAN_E_UNSUPPORTED;
		if (!clean_box_is(&b, "ftyp") && !clean_box_is(&b, "moov") &&
		    !clean_box_is(&b, "mdat")) {
			clean_note_removed(m->rep, "top-level boxes other than ftyp, moov and mdat "
			    "(XMP, metadata, free space)");
			continue;
		}
		if (*nkeep == MP4_MDAT_MAX || (clean_box_is(&b, "moov") && seen_moov++))
			return CLEAN_E_MALFORMED;
		if (clean_box_is(&b, "moov")) {
			if ((e = children(m, b.p + b.hdr, b.size - b.hdr, 1, moov)) != 0)
				return e;
			pos += moov->len + (moov->len > UINT32_MAX - 8 ? 16 : 8);
		} else {
			if (clean_box_is(&b, "mdat")) {
				m->map[m->nmap].from = off + b.hdr;
				m->map[m->nmap].to = off + b.size;
				m->map[m->nmap++].dst = pos + b.hdr;
			}
			pos += b.size;
		}
		keep[(*nkeep)++] = b;
	}
	return seen_moov ? 0 : CLEAN_E_MALFORMED;
}

int
clean_mp4(const unsigned char *buf, size_t len, struct clean_buf *out,
    struct clean_report *rep)
{
	struct mp4 *m = calloc(1, sizeof *m);
	struct clean_box keep[MP4_MDAT_MAX];
	struct clean_buf moov = { 0 };
	size_t nkeep = 0;
	int e;

	if (m == NULL)
		return SD_ERR_NOMEM;
	m->rep = rep;
	if ((e = plan(m, buf, len, &moov, keep, &nkeep)) != 0 || (e = patch(m, &moov)) != 0)
		goto out;
	for (size_t i = 0; e == 0 && i < nkeep; i++) {
		if (clean_box_is(&keep[i], "moov") &&
		    (e = clean_box_header(out, "moov", moov.len)) == 0)
			e = clean_buf_append(out, moov.data, moov.len);
		else if (!clean_box_is(&keep[i], "moov"))
			e = clean_buf_append(out, keep[i].p, keep[i].size);
	}
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a readable MP4/QuickTime file (bad box sizes or offsets)");
	else if (e == CLEAN_E_UNSUPPORTED)
		clean_set_error(rep, "fragmented MP4 is not supported");
	clean_buf_free(&moov);
	free(m);
	return e;
}
