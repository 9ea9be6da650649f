/*
 * clean_tiff.c - lossless TIFF cleaning by a tag allow-list, rebuilding the
 * file.
 *
 * Classic TIFF (not BigTIFF), either byte order, every page of the IFD
 * chain (at most TIFF_PAGES_MAX). Of each IFD only the tags needed to draw
 * the image are kept (size, samples, compression, photometric, strips or
 * tiles, resolution, orientation, colour map, predictor, YCbCr, JPEG
 * tables...). Everything else goes: EXIF and GPS IFDs (camera, serial
 * numbers, position, dates), XMP, IPTC, Photoshop data, ICC profile,
 * Artist, Make, Model, Software, DateTime, HostComputer, ImageDescription,
 * DocumentName, PageName, Copyright, SubIFDs (previews and thumbnails),
 * private tags. The new file holds only the kept values and the strip or
 * tile data, laid out afresh, so bytes hidden between structures go too.
 * Old-style JPEG (compression 6) is refused. Every offset and count is
 * checked against the input. Hand-written: see docs/handwritten.md.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TIFF_PAGES_MAX 1000
#define TIFF_ENTRIES_MAX 1024
#define TIFF_STRIPS_MAX 1000000

static const uint16_t tiff_keep[] = { 254, 255, 256, 257, 258, 259, 262, 263, 266, 273, 274, 277,
	278, 279, 280, 281, 282, 283, 284, 292, 293, 296, 301, 317, 318, 319, 320, 322, 323, 324,
	325, 332, 338, 339, 347, 530, 531, 532 };

struct tctx {
	const unsigned char *b;
	size_t len;
	int le;
	struct sdbuf *out;
	struct clean_report *rep;
};

struct tentry {
	uint16_t tag, type;
	uint32_t count;
	const unsigned char *val; /* value bytes in the input */
	size_t size;
};

static uint32_t
rd(const struct tctx *t, const unsigned char *p, int n)
{
	uint32_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint32_t)p[t->le ? i : n - 1 - i] << (8 * i);
	return v;
}

static void
wr(const struct tctx *t, unsigned char *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[t->le ? i : n - 1 - i] = (unsigned char)(v >> (8 * i));
}

static size_t
type_size(unsigned type)
{
	static const unsigned char sz[] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4 };
	return type < sizeof sz ? sz[type] : 0;
}

static int
kept(uint16_t tag)
{
	for (size_t i = 0; i < sizeof tiff_keep / sizeof tiff_keep[0]; i++)
		if (tiff_keep[i] == tag)
			return 1;
	return 0;
}

/* Read entry i of the IFD at off; 0, or CLEAN_E_MALFORMED. */
static int
entry(const struct tctx *t, size_t off, size_t i, struct tentry *e)
{
	const unsigned char *p = t->b + off + 2 + 12 * i;
	size_t ts;

	e->tag = (uint16_t)rd(t, p, 2);
	e->type = (uint16_t)rd(t, p + 2, 2);
	e->count = rd(t, p + 4, 4);
	e->val = NULL;
	e->size = 0;
	if (!kept(e->tag))
		return 0;                   /* dropped: its value is never looked at */
	if ((ts = type_size(e->type)) == 0) /* size below cannot overflow: 8 * 2^32 */
		return CLEAN_E_MALFORMED;
	e->size = ts * e->count;
	if (e->size <= 4) {
		e->val = p + 8;
	} else {
		size_t at = rd(t, p + 8, 4);
		if (at > t->len || e->size > t->len - at)
			return CLEAN_E_MALFORMED;
		e->val = t->b + at;
	}
	return 0;
}

static uint32_t
array_at(const struct tctx *t, const struct tentry *e, size_t i)
{
	return e->type == 3 ? rd(t, e->val + 2 * i, 2) : rd(t, e->val + 4 * i, 4);
}

/* Append bytes at a word boundary; *at gets their offset. */
static int
put(struct tctx *t, const void *p, size_t n, uint32_t *at)
{
	int e;

	if (t->out->len & 1 && (e = sdbuf_add(t->out, "", 1)) != 0)
		return e;
	if (t->out->len > UINT32_MAX - n || t->out->len + n > 4 * t->len + (1u << 20))
		return CLEAN_E_LIMIT; /* pages sharing data could multiply the size */
	*at = (uint32_t)t->out->len;
	return sdbuf_add(t->out, p, n);
}

/* Copy the strips or tiles of offs/counts; the new offsets go to newoffs. */
static int
copy_data(
    struct tctx *t, const struct tentry *offs, const struct tentry *cnts, unsigned char **newoffs)
{
	unsigned char *a;
	int e = 0;

	if ((offs->type != 3 && offs->type != 4) || (cnts->type != 3 && cnts->type != 4) ||
	    offs->count != cnts->count || offs->count == 0 || offs->count > TIFF_STRIPS_MAX)
		return CLEAN_E_MALFORMED;
	if ((a = malloc((size_t)offs->count * 4)) == NULL)
		return SD_ERR_NOMEM;
	for (size_t i = 0; e == 0 && i < offs->count; i++) {
		size_t o = array_at(t, offs, i), n = array_at(t, cnts, i);
		uint32_t at = 0;
		if (o > t->len || n > t->len - o)
			e = CLEAN_E_MALFORMED;
		else if ((e = put(t, t->b + o, n, &at)) == 0)
			wr(t, a + 4 * i, at, 4);
	}
	if (e != 0) {
		free(a);
		return e;
	}
	*newoffs = a;
	return 0;
}

static int
write_entry(
    struct tctx *t, unsigned char *ent, const struct tentry *e, const unsigned char *newoffs)
{
	uint32_t at = 0;
	size_t size = newoffs ? 4u * e->count : e->size;
	const unsigned char *val = newoffs ? newoffs : e->val;
	int r;

	wr(t, ent, e->tag, 2);
	wr(t, ent + 2, newoffs ? 4u : e->type, 2);
	wr(t, ent + 4, e->count, 4);
	memset(ent + 8, 0, 4);
	if (size <= 4) {
		memcpy(ent + 8, val, size);
		return 0;
	}
	if ((r = put(t, val, size, &at)) != 0)
		return r;
	wr(t, ent + 8, at, 4);
	return 0;
}

struct tpage {
	struct tentry e[TIFF_ENTRIES_MAX];
	size_t n;
	int offs, cnts; /* indexes of the strip/tile offsets and counts, or -1 */
};

/* Read the kept entries of the IFD at off into pg; *next gets the next IFD. */
static int
read_ifd(struct tctx *t, size_t off, struct tpage *pg, size_t *next)
{
	size_t n;
	int e;

	if (off > t->len || t->len - off < 6 || (n = rd(t, t->b + off, 2)) > TIFF_ENTRIES_MAX ||
	    t->len - off - 6 < 12 * n)
		return CLEAN_E_MALFORMED;
	pg->n = 0;
	pg->offs = pg->cnts = -1;
	for (size_t i = 0; i < n; i++) {
		struct tentry en;
		if ((e = entry(t, off, i, &en)) != 0)
			return e;
		if (!kept(en.tag) || en.size == 0) {
			clean_note_removed(t->rep, "%s",
			    en.tag == 34665       ? "EXIF (camera, serial "
						    "numbers, dates)"
				: en.tag == 34853 ? "GPS position"
				: en.tag == 700   ? "XMP"
				: en.tag == 330
				? "SubIFDs (previews, thumbnails)"
				: "descriptive and private tags (artist, make, model, software, dates...)");
			continue;
		}
		if (en.tag == 259 && en.type != 3 && en.type != 4)
			return CLEAN_E_MALFORMED;
		if (en.tag == 259 && rd(t, en.val, en.type == 3 ? 2 : 4) == 6)
			return CLEAN_E_UNSUPPORTED;
		if (en.tag == 273 || en.tag == 324)
			pg->offs = (int)pg->n;
		if (en.tag == 279 || en.tag == 325)
			pg->cnts = (int)pg->n;
		pg->e[pg->n++] = en;
	}
	*next = rd(t, t->b + off + 2 + 12 * n, 4);
	return pg->offs < 0 || pg->cnts < 0 ? CLEAN_E_MALFORMED : 0;
}

/* Write one page; *link is where its offset must be written. */
static int
write_page(struct tctx *t, struct tpage *pg, size_t link)
{
	unsigned char *newoffs = NULL, *ifd = NULL;
	size_t sz = 2 + 12 * pg->n + 4;
	uint32_t at = 0;
	int e;

	if ((e = copy_data(t, &pg->e[pg->offs], &pg->e[pg->cnts], &newoffs)) != 0)
		return e;
	if ((ifd = calloc(1, sz)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	wr(t, ifd, (uint32_t)pg->n, 2);
	for (size_t i = 0; e == 0 && i < pg->n; i++)
		e = write_entry(
		    t, ifd + 2 + 12 * i, &pg->e[i], (int)i == pg->offs ? newoffs : NULL);
	if (e == 0 && (e = put(t, ifd, sz, &at)) == 0)
		wr(t, t->out->data + link, at, 4);
out:
	free(newoffs);
	free(ifd);
	return e;
}

int
clean_tiff(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct tctx t = { .b = buf, .len = len, .out = out, .rep = rep };
	struct tpage *pg = NULL;
	size_t off, link = 4, base = out->len, seen[TIFF_PAGES_MAX];
	int e = CLEAN_E_MALFORMED, pages = 0;

	if (base != 0 || len < 8 || (memcmp(buf, "II*\0", 4) != 0 && memcmp(buf, "MM\0*", 4) != 0))
		goto out;
	t.le = buf[0] == 'I';
	off = rd(&t, buf + 4, 4);
	if ((pg = malloc(sizeof *pg)) == NULL || (e = sdbuf_add(out, buf, 8)) != 0) {
		e = pg ? e : SD_ERR_NOMEM;
		goto out;
	}
	memset(out->data + 4, 0, 4);
	while (off != 0) {
		if (pages >= TIFF_PAGES_MAX) {
			e = CLEAN_E_LIMIT;
			goto out;
		}
		for (int i = 0; i < pages; i++)
			if (seen[i] == off)
				goto out; /* a loop in the IFD chain: malformed */
		seen[pages++] = off;
		if ((e = read_ifd(&t, off, pg, &off)) != 0 || (e = write_page(&t, pg, link)) != 0)
			goto out;
		link = out->len - 4;
	}
	e = pages > 0 ? 0 : CLEAN_E_MALFORMED;
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a readable TIFF (bad offsets, counts or structure)");
	else if (e == CLEAN_E_UNSUPPORTED)
		clean_set_error(rep, "old-style JPEG compression in TIFF is not supported");
	free(pg);
	return e;
}
