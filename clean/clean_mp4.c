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
 * one that points outside every mdat makes the file malformed.
 *
 * Fragmented files (moof, as cameras, screen recorders and ffmpeg's
 * fragmented output write them) keep every movie fragment at its size:
 * user data, metadata and uuid boxes in it become zeroed free space (sample
 * offsets count from the fragment's start), and an explicit base data
 * offset moves with its box. Indexes (sidx, mfra), producer reference
 * times (prft) and event messages go with the other top-level boxes.
 *
 * The file is read in two passes over its top-level boxes; only the movie
 * header (moov, at most MP4_MOOV_MAX) and one fragment header at a time are
 * held in memory, media data is copied CLEAN_STREAM_CHUNK bytes at a time
 * (clean_stream.c's source and sink), so clean_mp4_fd cleans a file of any
 * size in bounded memory. Every box size
 * is checked against its parent. Hand-written: see docs/handwritten.md.
 */
#include "clean_int.h"
#include "sderr.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MP4_BOXES_MAX 10000000
#define MP4_DEPTH_MAX 16
#define MP4_TABLES_MAX 4096
#define MP4_TOP_MAX (1u << 20)     /* kept top-level boxes (fragments) */
#define MP4_MOOV_MAX (64ull << 20) /* the movie header, read whole */
#define MP4_MOOF_MAX (16ull << 20) /* one fragment header, read whole */

/* A kept top-level box: where it was, its header length and size, and
 * where it goes. */
struct mp4_top {
	char type[4];
	uint64_t off, hdr, size, dst;
};

struct mp4 {
	struct clean_report *rep;
	size_t boxes;
	struct {
		size_t at, n;
		int wide;
	} tab[MP4_TABLES_MAX]; /* offset tables in moov */
	size_t ntab;
	struct mp4_top *top;
	size_t ntop, ctop;
};

int
clean_box_at(const unsigned char *p, size_t n, struct clean_box *b)
{
	uint64_t sz;

	if (n < 8)
		return CLEAN_E_MALFORMED;
	b->p = p;
	memcpy(b->type, p + 4, 4);
	sz = sd_load_be32(p);
	b->hdr = 8;
	if (sz == 1) {
		if (n < 16)
			return CLEAN_E_MALFORMED;
		sz = sd_load_be64(p + 8);
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
	static const char *const c[] = { "moov", "trak", "mdia", "minf", "stbl", "edts", "dinf",
		"mvex", NULL };
	for (const char *const *t = c; *t; t++)
		if (clean_box_is(b, *t))
			return 1;
	return 0;
}

int
clean_box_header(struct sdbuf *o, const char *type, size_t n)
{
	unsigned char h[16];

	if (n > UINT32_MAX - 8) {
		uint64_t s = (uint64_t)n + 16;
		memcpy(h, "\0\0\0\1", 4);
		memcpy(h + 4, type, 4);
		for (int i = 0; i < 8; i++)
			h[8 + i] = (unsigned char)(s >> (56 - 8 * i));
		return sdbuf_add(o, h, 16);
	}
	for (int i = 0; i < 4; i++)
		h[i] = (unsigned char)((n + 8) >> (24 - 8 * i));
	memcpy(h + 4, type, 4);
	return sdbuf_add(o, h, 8);
}

/* Copy a leaf box, zeroing times or noting an offset table. */
static int
leaf(struct mp4 *m, const struct clean_box *b, struct sdbuf *o)
{
	size_t at = o->len, pl = b->size - b->hdr;
	const unsigned char *q = b->p + b->hdr;
	int e, wide = clean_box_is(b, "co64");

	if ((e = sdbuf_add(o, b->p, b->size)) != 0)
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
		n = sd_load_be32(q + 4);
		if (n > (pl - 8) / (wide ? 8 : 4))
			return CLEAN_E_MALFORMED;
		m->tab[m->ntab].at = at + b->hdr + 8;
		m->tab[m->ntab].n = n;
		m->tab[m->ntab++].wide = wide;
	}
	return 0;
}

static int
children(struct mp4 *m, const unsigned char *p, size_t n, unsigned depth, struct sdbuf *o)
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
			clean_note_removed(m->rep, "%s",
			    clean_box_is(&b, "udta")
				? "user data (GPS position, make, model, software, dates, authors)"
				: clean_box_is(&b, "meta")
				? "metadata (location, make, model, software)"
				: clean_box_is(&b, "uuid") ? "uuid boxes (XMP, vendor data)"
							   : "free space");
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
				o->data[at + (size_t)i] =
				    (unsigned char)((o->len - at) >> (24 - 8 * i));
		} else if ((e = leaf(m, &b, o)) != 0) {
			return e;
		}
	}
	return 0;
}

/* Where the kept top-level boxes go. Entries are in file order, so both
 * the old and the new places are increasing: binary search. */
static const struct mp4_top *
find_top(const struct mp4 *m, uint64_t v)
{
	size_t lo = 0, hi = m->ntop;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v < m->top[mid].off)
			hi = mid;
		else if (v >= m->top[mid].off + m->top[mid].size)
			lo = mid + 1;
		else
			return &m->top[mid];
	}
	return NULL;
}

/* Move every chunk offset in the cleaned moov to the new mdat place. */
static int
patch(struct mp4 *m, struct sdbuf *moov)
{
	for (size_t t = 0; t < m->ntab; t++) {
		size_t w = m->tab[t].wide ? 8 : 4;
		for (size_t i = 0; i < m->tab[t].n; i++) {
			unsigned char *q = moov->data + m->tab[t].at + w * i;
			uint64_t v = w == 8 ? sd_load_be64(q) : sd_load_be32(q), nv = 0;
			const struct mp4_top *k = find_top(m, v);
			if (k == NULL || memcmp(k->type, "mdat", 4) != 0 || v < k->off + k->hdr)
				return CLEAN_E_MALFORMED;
			nv = v - k->off + k->dst;
			if (w == 4 && nv > UINT32_MAX)
				return CLEAN_E_LIMIT;
			for (size_t j = 0; j < w; j++)
				q[j] = (unsigned char)(nv >> (8 * (w - 1 - j)));
		}
	}
	return 0;
}

/* The top-level box header at off. */
static int
top_at(const struct clean_src *s, uint64_t off, struct mp4_top *b)
{
	unsigned char h[16];
	uint64_t left = s->len - off, sz;
	size_t n = left < 16 ? (size_t)left : 16;
	int e;

	if (n < 8)
		return CLEAN_E_MALFORMED;
	if ((e = clean_src_read(s, off, h, n)) != 0)
		return e;
	memcpy(b->type, h + 4, 4);
	b->off = off;
	b->hdr = 8;
	sz = sd_load_be32(h);
	if (sz == 1) {
		if (n < 16)
			return CLEAN_E_MALFORMED;
		sz = sd_load_be64(h + 8);
		b->hdr = 16;
	} else if (sz == 0) {
		sz = left;
	}
	if (sz < b->hdr || sz > left)
		return CLEAN_E_MALFORMED;
	b->size = sz;
	return 0;
}

/* A whole top-level box into memory (moov, moof), at most max bytes. */
static int
read_box(const struct clean_src *s, const struct mp4_top *b, uint64_t max, unsigned char **out)
{
	int e;

	if (b->size > max)
		return CLEAN_E_LIMIT;
	if ((*out = malloc(b->size ? (size_t)b->size : 1)) == NULL)
		return SD_ERR_NOMEM;
	if ((e = clean_src_read(s, b->off, *out, (size_t)b->size)) != 0) {
		free(*out);
		*out = NULL;
	}
	return e;
}

static int
top_is(const struct mp4_top *b, const char *t)
{
	return memcmp(b->type, t, 4) == 0;
}

/* A movie fragment, cleaned in place so that it keeps its size (sample
 * offsets in trun count from its start): user data, metadata, uuid and
 * free boxes become zeroed free space; an explicit base data offset in
 * tfhd moves with the box it points into. */
static int
fragment(struct mp4 *m, unsigned char *p, size_t n, unsigned depth)
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
		if (clean_box_is(&b, "traf")) {
			if ((e = fragment(m, p + off + b.hdr, b.size - b.hdr, depth + 1)) != 0)
				return e;
		} else if (clean_box_is(&b, "udta") || clean_box_is(&b, "meta") ||
		    clean_box_is(&b, "uuid") || clean_box_is(&b, "free") ||
		    clean_box_is(&b, "skip")) {
			if (!clean_box_is(&b, "free") && !clean_box_is(&b, "skip"))
				clean_note_removed(m->rep,
				    "user data, metadata and uuid boxes in "
				    "movie fragments");
			memcpy(p + off + 4, "free", 4);
			memset(p + off + b.hdr, 0, b.size - b.hdr);
		} else if (clean_box_is(&b, "tfhd") && b.size - b.hdr >= 4 &&
		    (sd_load_be32(b.p + b.hdr) & 1)) {
			unsigned char *q = p + off + b.hdr + 8;
			const struct mp4_top *k;
			uint64_t v, nv;
			if (b.size - b.hdr < 16)
				return CLEAN_E_MALFORMED;
			v = sd_load_be64(q);
			if ((k = find_top(m, v)) == NULL || top_is(k, "moov"))
				return CLEAN_E_MALFORMED;
			nv = v - k->off + k->dst;
			for (int j = 0; j < 8; j++)
				q[j] = (unsigned char)(nv >> (56 - 8 * j));
		}
	}
	return 0;
}

/* First pass: the top-level boxes kept and their new places; moov is
 * cleaned into moov. */
static int
plan(struct mp4 *m, const struct clean_src *s, struct sdbuf *moov)
{
	struct mp4_top b;
	uint64_t pos = 0;
	int e, seen_moov = 0;

	for (uint64_t off = 0; off < s->len; off += b.size) {
		if ((e = top_at(s, off, &b)) != 0)
			return e;
		if (!top_is(&b, "ftyp") && !top_is(&b, "styp") && !top_is(&b, "moov") &&
		    !top_is(&b, "mdat") && !top_is(&b, "moof")) {
			if (top_is(&b, "sidx") || top_is(&b, "ssix") || top_is(&b, "mfra"))
				clean_note_removed(m->rep,
				    "segment and random-access indexes (sidx, "
				    "mfra: players do without them)");
			else
				clean_note_removed(m->rep,
				    "top-level boxes other than ftyp, moov, "
				    "moof and mdat (XMP, metadata, producer times, free space)");
			continue;
		}
		if (m->ntop == m->ctop) {
			size_t c = m->ctop ? m->ctop * 2 : 64;
			struct mp4_top *t;
			if (m->ntop == MP4_TOP_MAX)
				return CLEAN_E_LIMIT;
			if (c > MP4_TOP_MAX)
				c = MP4_TOP_MAX;
			if ((t = realloc(m->top, c * sizeof *t)) == NULL)
				return SD_ERR_NOMEM;
			m->top = t;
			m->ctop = c;
		}
		if (top_is(&b, "moov")) {
			unsigned char *d = NULL;
			if (seen_moov++)
				return CLEAN_E_MALFORMED;
			if ((e = read_box(s, &b, MP4_MOOV_MAX, &d)) != 0) {
				if (e == CLEAN_E_LIMIT)
					clean_set_error(m->rep,
					    "the MP4 movie header (moov) is over %u MiB",
					    (unsigned)(MP4_MOOV_MAX >> 20));
				return e;
			}
			e = children(m, d + b.hdr, (size_t)b.size - (size_t)b.hdr, 1, moov);
			free(d);
			if (e != 0)
				return e;
		}
		b.dst = pos;
		pos +=
		    top_is(&b, "moov") ? moov->len + (moov->len > UINT32_MAX - 8 ? 16 : 8) : b.size;
		m->top[m->ntop++] = b;
	}
	return seen_moov ? 0 : CLEAN_E_MALFORMED;
}

/* Second pass: write the kept boxes in order. */
static int
emit(struct mp4 *m, const struct clean_src *s, const struct sdbuf *moov, struct clean_sink *k)
{
	int e;

	for (size_t i = 0; i < m->ntop; i++) {
		const struct mp4_top *b = &m->top[i];
		if (top_is(b, "moov")) {
			struct sdbuf tmp = CLEAN_BUF_INIT;
			if ((e = clean_box_header(&tmp, "moov", moov->len)) == 0 &&
			    (e = clean_sink_put(k, tmp.data, tmp.len)) == 0)
				e = clean_sink_put(k, moov->data, moov->len);
			sdbuf_free(&tmp);
		} else if (top_is(b, "moof")) {
			unsigned char *d = NULL;
			if ((e = read_box(s, b, MP4_MOOF_MAX, &d)) == 0) {
				if ((e = fragment(m, d + b->hdr, (size_t)(b->size - b->hdr), 1)) ==
				    0)
					e = clean_sink_put(k, d, (size_t)b->size);
				free(d);
			}
			if (e == CLEAN_E_LIMIT)
				clean_set_error(m->rep,
				    "an MP4 movie fragment header (moof) is over "
				    "%u MiB",
				    (unsigned)(MP4_MOOF_MAX >> 20));
		} else {
			e = clean_sink_copy(k, s, b->off, b->size);
		}
		if (e != 0)
			return e;
	}
	return 0;
}

static int
mp4_run(const struct clean_src *s, struct clean_sink *k, struct clean_report *rep)
{
	struct mp4 *m = calloc(1, sizeof *m);
	struct sdbuf moov = CLEAN_BUF_INIT;
	int e;

	if (m == NULL)
		return SD_ERR_NOMEM;
	m->rep = rep;
	if ((e = plan(m, s, &moov)) != 0 || (e = patch(m, &moov)) != 0 ||
	    (e = emit(m, s, &moov, k)) != 0)
		goto out;
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(
		    rep, "not a readable MP4/QuickTime file (bad box sizes or offsets)");
	sdbuf_free(&moov);
	free(m->top);
	free(m);
	return e;
}

int
clean_mp4(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct clean_src s = { buf, -1, len, NULL };
	struct clean_sink k = { out, -1, NULL };

	return mp4_run(&s, &k, rep);
}

int
clean_mp4_fd(int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	struct clean_src_win w = { 0 };
	struct clean_src s = { NULL, infd, len, &w };
	struct clean_sink k = { NULL, outfd, NULL };
	int e = mp4_run(&s, &k, rep);

	clean_sink_free(&k);
	clean_src_win_free(&w);
	return e;
}
