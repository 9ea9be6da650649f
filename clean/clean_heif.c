/*
 * clean_heif.c - HEIF still images (HEIC, the iPhone camera's default, and
 * AVIF) by removing the metadata items from the boxes directly: nothing is
 * decoded or re-encoded, the coded image data is copied byte for byte.
 *
 * The file is rebuilt as ftyp, meta, mdat. In meta, the items are listed
 * (iinf) and the ones that carry metadata are dropped: EXIF (camera, serial
 * numbers, dates, GPS position), XMP and other MIME or URI items, whatever
 * describes an image ("cdsc" references), thumbnails ("thmb": they may show
 * the picture before it was cropped), and the items only these reach. The
 * kept items are image items of known types (hvc1, av01, grid, iden, iovl);
 * any other type makes the file unsupported. Item names and the handler
 * name are emptied; image properties outside an allow-list, and ICC colour
 * profiles (their description and copyright are free text, as in JPEG), are
 * replaced by free space of the same size so the property indices still
 * hold (an essential one makes the file unsupported); entity groups, XML
 * boxes and top-level boxes other than ftyp, meta and mdat are dropped; the
 * data reference is rewritten as "this file". The new mdat (and idat) hold
 * only the kept items' extents, so data no kept item points to (earlier
 * versions, the removed EXIF) is not carried over; iloc is rewritten with
 * 64-bit offsets to the new places. Image sequences (moov), protected
 * items, external data and extents by index are unsupported. Every length
 * is checked against its box. Hand-written: see docs/handwritten.md.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEIF_ITEMS_MAX 8192
#define HEIF_EXTENTS_MAX 65536
#define HEIF_REFS_MAX 65536
#define HEIF_ROUNDS_MAX 16

struct hitem {
	uint32_t id;
	char type[4];
	unsigned flags; /* infe flags (1: hidden) */
	int drop;
	int located;       /* has an iloc entry */
	unsigned method;   /* construction method: 0 file, 1 idat */
	size_t ext0, next; /* its extents in heif.ex */
};

struct hext {
	uint64_t off, len; /* absolute (method 0) or in idat (method 1) */
	uint64_t dst;      /* new place in the mdat or idat arena */
};

struct href {
	char type[4];
	uint32_t from;
	size_t to0, nto; /* in heif.to */
};

struct heif {
	struct clean_report *rep;
	const unsigned char *buf;
	size_t len;
	struct hitem *it;
	size_t nit;
	struct hext *ex;
	size_t nex;
	struct href *ref;
	size_t nref;
	uint32_t *to;
	size_t nto;
	unsigned iref_wide; /* iref version 1: 32-bit ids */
	uint32_t primary;
	struct clean_box hdlr, pitm, iloc, iinf, iref, iprp, idat;
	int has_hdlr, has_pitm, has_iloc, has_iinf, has_iref, has_iprp, has_idat;
	uint64_t arena[2]; /* bytes of the new mdat and idat */
};

/* A bounded reader over one box's payload. */
struct rd {
	const unsigned char *p;
	size_t n, at;
};

static int
rd_u(struct rd *r, unsigned bytes, uint64_t *v)
{
	uint64_t x = 0;

	if (bytes > 8 || r->n - r->at < bytes)
		return CLEAN_E_MALFORMED;
	for (unsigned i = 0; i < bytes; i++)
		x = x << 8 | r->p[r->at + i];
	r->at += bytes;
	*v = x;
	return 0;
}

static int
put_u(struct sdbuf *o, uint64_t v, unsigned bytes)
{
	unsigned char b[8];

	for (unsigned i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	return sdbuf_add(o, b, bytes);
}

/* Start a box (or a full box with version and flags, when full) whose size
 * is written by box_end. */
static int
box_begin(struct sdbuf *o, const char *type, int full, unsigned version, unsigned flags, size_t *at)
{
	int e;

	*at = o->len;
	if ((e = put_u(o, 0, 4)) != 0 || (e = sdbuf_add(o, type, 4)) != 0)
		return e;
	return full ? put_u(o, (uint64_t)version << 24 | (flags & 0xFFFFFF), 4) : 0;
}

static int
box_end(struct sdbuf *o, size_t at)
{
	size_t n = o->len - at;

	if (n > UINT32_MAX)
		return CLEAN_E_LIMIT;
	for (int i = 0; i < 4; i++)
		o->data[at + (size_t)i] = (unsigned char)(n >> (24 - 8 * i));
	return 0;
}

/* The item with this id (the items are sorted by id once read). */
static struct hitem *
item(struct heif *h, uint32_t id)
{
	size_t lo = 0, hi = h->nit;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->it[mid].id == id)
			return &h->it[mid];
		if (h->it[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
by_id(const void *a, const void *b)
{
	uint32_t x = ((const struct hitem *)a)->id, y = ((const struct hitem *)b)->id;
	return x < y ? -1 : x > y;
}

static int
type_is(const char *t, const char *want)
{
	return memcmp(t, want, 4) == 0;
}

/* The payload of a full box: version, flags and a reader after them. */
static int
full_payload(const struct clean_box *b, unsigned *version, unsigned *flags, struct rd *r)
{
	size_t pl = b->size - b->hdr;

	if (pl < 4)
		return CLEAN_E_MALFORMED;
	*version = b->p[b->hdr];
	*flags = (unsigned)sd_load_be32(b->p + b->hdr) & 0xFFFFFF;
	r->p = b->p + b->hdr + 4;
	r->n = pl - 4;
	r->at = 0;
	return 0;
}

/* iinf: the items, their types and flags. */
static int
parse_iinf(struct heif *h)
{
	unsigned v, fl;
	uint64_t count;
	struct rd r;
	int e;

	if ((e = full_payload(&h->iinf, &v, &fl, &r)) != 0 ||
	    (e = rd_u(&r, v == 0 ? 2 : 4, &count)) != 0)
		return e;
	if (count > HEIF_ITEMS_MAX)
		return CLEAN_E_LIMIT;
	if ((h->it = calloc(count ? count : 1, sizeof *h->it)) == NULL)
		return SD_ERR_NOMEM;
	while (r.at < r.n) {
		struct clean_box b;
		unsigned iv, ifl;
		uint64_t id, prot;
		struct rd ir;
		if ((e = clean_box_at(r.p + r.at, r.n - r.at, &b)) != 0)
			return e;
		r.at += b.size;
		if (!clean_box_is(&b, "infe"))
			continue; /* nothing else belongs here; dropped */
		if (h->nit == count)
			return CLEAN_E_MALFORMED;
		if ((e = full_payload(&b, &iv, &ifl, &ir)) != 0)
			return e;
		if (iv < 2) {
			clean_set_error(h->rep,
			    "HEIF item information of version %u is not "
			    "supported",
			    iv);
			return CLEAN_E_UNSUPPORTED;
		}
		if ((e = rd_u(&ir, iv == 2 ? 2 : 4, &id)) != 0 || (e = rd_u(&ir, 2, &prot)) != 0 ||
		    ir.n - ir.at < 4)
			return e ? e : CLEAN_E_MALFORMED;
		if (prot != 0) {
			clean_set_error(
			    h->rep, "protected (encrypted) HEIF items are not supported");
			return CLEAN_E_UNSUPPORTED;
		}
		h->it[h->nit].id = (uint32_t)id;
		memcpy(h->it[h->nit].type, ir.p + ir.at, 4);
		h->it[h->nit].flags = ifl;
		/* The name (and a MIME item's content type) is not carried over. */
		if (ir.n - ir.at > 4 && ir.p[ir.at + 4] != '\0')
			clean_note_removed(h->rep, "item names");
		h->nit++;
	}
	if (h->nit != count)
		return CLEAN_E_MALFORMED;
	qsort(h->it, h->nit, sizeof *h->it, by_id);
	for (size_t i = 1; i < h->nit; i++)
		if (h->it[i].id == h->it[i - 1].id)
			return CLEAN_E_MALFORMED;
	return 0;
}

/* iref: every reference, with its target ids. */
static int
parse_iref(struct heif *h)
{
	unsigned v, fl;
	struct rd r;
	int e;

	if (!h->has_iref)
		return 0;
	if ((e = full_payload(&h->iref, &v, &fl, &r)) != 0)
		return e;
	if (v > 1)
		return CLEAN_E_MALFORMED;
	h->iref_wide = v;
	/* Every id takes at least 2 bytes: that bounds the tables. */
	if ((h->ref = calloc(r.n / 12 + 1, sizeof *h->ref)) == NULL ||
	    (h->to = calloc(r.n / 2 + 1, sizeof *h->to)) == NULL)
		return SD_ERR_NOMEM;
	while (r.at < r.n) {
		struct clean_box b;
		struct rd br;
		uint64_t from, cnt, to;
		if ((e = clean_box_at(r.p + r.at, r.n - r.at, &b)) != 0)
			return e;
		r.at += b.size;
		br.p = b.p + b.hdr;
		br.n = b.size - b.hdr;
		br.at = 0;
		if ((e = rd_u(&br, v ? 4 : 2, &from)) != 0 || (e = rd_u(&br, 2, &cnt)) != 0)
			return e;
		if (h->nref == HEIF_REFS_MAX)
			return CLEAN_E_LIMIT;
		memcpy(h->ref[h->nref].type, b.type, 4);
		h->ref[h->nref].from = (uint32_t)from;
		h->ref[h->nref].to0 = h->nto;
		for (uint64_t i = 0; i < cnt; i++) {
			if ((e = rd_u(&br, v ? 4 : 2, &to)) != 0)
				return e;
			h->to[h->nto++] = (uint32_t)to;
		}
		h->ref[h->nref].nto = (size_t)cnt;
		if (br.at != br.n)
			return CLEAN_E_MALFORMED;
		h->nref++;
	}
	return 0;
}

static int
known_image(const char *t)
{
	static const char *const ok[] = { "hvc1", "av01", "grid", "iden", "iovl", NULL };
	for (const char *const *k = ok; *k; k++)
		if (type_is(t, *k))
			return 1;
	return 0;
}

/* Decide which items go: metadata items, what describes an image, the
 * thumbnails, and what only dropped items link to. */
static int
choose(struct heif *h)
{
	size_t *links = NULL, *kept = NULL, round;
	int changed = 1, e;

	for (size_t i = 0; i < h->nit; i++) {
		struct hitem *t = &h->it[i];
		if (type_is(t->type, "Exif")) {
			t->drop = 1;
			clean_note_removed(
			    h->rep, "EXIF (camera, serial numbers, dates, GPS position)");
		} else if (type_is(t->type, "mime") || type_is(t->type, "uri ")) {
			t->drop = 1;
			clean_note_removed(h->rep, "XMP and other metadata items");
		}
	}
	for (size_t k = 0; k < h->nref; k++) {
		struct hitem *f = item(h, h->ref[k].from);
		if (f == NULL)
			return CLEAN_E_MALFORMED;
		for (size_t j = 0; j < h->ref[k].nto; j++)
			if (item(h, h->to[h->ref[k].to0 + j]) == NULL ||
			    h->to[h->ref[k].to0 + j] == h->ref[k].from)
				return CLEAN_E_MALFORMED;
		if (type_is(h->ref[k].type, "cdsc") && !f->drop) {
			f->drop = 1;
			clean_note_removed(h->rep, "items describing the image (metadata)");
		} else if (type_is(h->ref[k].type, "thmb") && !f->drop) {
			f->drop = 1;
			clean_note_removed(h->rep,
			    "thumbnails (they may show the picture before "
			    "it was cropped or edited)");
		}
	}
	/* An item all of whose links are with dropped items goes too (the
	 * tiles of a thumbnail grid, its alpha plane); one with no link at all
	 * is an image of its own and stays. Real files settle in two or three
	 * rounds. */
	if ((links = calloc(h->nit ? h->nit : 1, sizeof *links)) == NULL ||
	    (kept = calloc(h->nit ? h->nit : 1, sizeof *kept)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	for (round = 0; changed; round++) {
		if (round == HEIF_ROUNDS_MAX) {
			clean_set_error(h->rep, "HEIF item references too deeply nested");
			e = CLEAN_E_LIMIT;
			goto out;
		}
		changed = 0;
		memset(links, 0, h->nit * sizeof *links);
		memset(kept, 0, h->nit * sizeof *kept);
		for (size_t k = 0; k < h->nref; k++) {
			size_t f = (size_t)(item(h, h->ref[k].from) - h->it);
			for (size_t j = 0; j < h->ref[k].nto; j++) {
				size_t t = (size_t)(item(h, h->to[h->ref[k].to0 + j]) - h->it);
				links[f]++;
				links[t]++;
				kept[f] += !h->it[t].drop;
				kept[t] += !h->it[f].drop;
			}
		}
		for (size_t i = 0; i < h->nit; i++)
			if (!h->it[i].drop && h->it[i].id != h->primary && links[i] > 0 &&
			    kept[i] == 0) {
				h->it[i].drop = changed = 1;
				clean_note_removed(
				    h->rep, "images only thumbnails or metadata used");
			}
	}
	for (size_t i = 0; i < h->nit; i++) {
		if (h->it[i].drop)
			continue;
		if (!known_image(h->it[i].type)) {
			char t[5];
			for (int k = 0; k < 4; k++)
				t[k] = h->it[i].type[k] >= 0x20 && h->it[i].type[k] < 0x7F
				    ? h->it[i].type[k]
				    : '?';
			t[4] = '\0';
			clean_set_error(h->rep, "HEIF item of type \"%s\" is not supported", t);
			e = CLEAN_E_UNSUPPORTED;
			goto out;
		}
	}
	e = item(h, h->primary) != NULL && !item(h, h->primary)->drop ? 0 : CLEAN_E_MALFORMED;
out:
	free(links);
	free(kept);
	return e;
}

/* iloc: where each item's data is; kept extents get their new place. */
static int
parse_iloc(struct heif *h)
{
	unsigned v, fl, osz, lsz, bsz, isz;
	uint64_t sizes, count, x;
	struct rd r;
	int e;

	if ((e = full_payload(&h->iloc, &v, &fl, &r)) != 0 || (e = rd_u(&r, 2, &sizes)) != 0)
		return e;
	if (v > 2)
		return CLEAN_E_MALFORMED;
	osz = (unsigned)(sizes >> 12) & 15;
	lsz = (unsigned)(sizes >> 8) & 15;
	bsz = (unsigned)(sizes >> 4) & 15;
	isz = v >= 1 ? (unsigned)sizes & 15 : 0;
	if ((osz != 0 && osz != 4 && osz != 8) || (lsz != 0 && lsz != 4 && lsz != 8) ||
	    (bsz != 0 && bsz != 4 && bsz != 8) || (isz != 0 && isz != 4 && isz != 8))
		return CLEAN_E_MALFORMED;
	if ((e = rd_u(&r, v < 2 ? 2 : 4, &count)) != 0)
		return e;
	if (count > HEIF_ITEMS_MAX)
		return CLEAN_E_LIMIT;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t id, method = 0, dref, base, n;
		struct hitem *t;
		if ((e = rd_u(&r, v < 2 ? 2 : 4, &id)) != 0)
			return e;
		if (v >= 1 && (e = rd_u(&r, 2, &method)) != 0)
			return e;
		method &= 15;
		if ((e = rd_u(&r, 2, &dref)) != 0 || (e = rd_u(&r, bsz, &base)) != 0 ||
		    (e = rd_u(&r, 2, &n)) != 0)
			return e;
		if ((t = item(h, (uint32_t)id)) == NULL || t->located)
			return CLEAN_E_MALFORMED;
		if (dref != 0 || method > 1) {
			clean_set_error(h->rep, "HEIF items stored %s are not supported",
			    dref != 0 ? "in another file" : "by reference to other items");
			return CLEAN_E_UNSUPPORTED;
		}
		if (n == 0 || n > HEIF_EXTENTS_MAX - h->nex)
			return n == 0 ? CLEAN_E_MALFORMED : CLEAN_E_LIMIT;
		t->located = 1;
		t->method = (unsigned)method;
		t->ext0 = h->nex;
		t->next = (size_t)n;
		for (uint64_t k = 0; k < n; k++) {
			struct hext *x2 = &h->ex[h->nex++];
			uint64_t off, len,
			    lim = method == 0 ? h->len
			    : h->has_idat     ? h->idat.size - h->idat.hdr
					      : 0;
			if ((e = rd_u(&r, isz, &x)) != 0 || (e = rd_u(&r, osz, &off)) != 0 ||
			    (e = rd_u(&r, lsz, &len)) != 0)
				return e;
			if (off > UINT64_MAX - base || len == 0 || base + off > lim ||
			    len > lim - (base + off))
				return CLEAN_E_MALFORMED;
			x2->off = base + off;
			x2->len = len;
		}
	}
	/* The new places, in the order the arenas are written (item order). */
	for (size_t i = 0; i < h->nit; i++) {
		struct hitem *t = &h->it[i];
		if (t->drop)
			continue;
		if (!t->located)
			return CLEAN_E_MALFORMED;
		for (size_t k = 0; k < t->next; k++) {
			h->ex[t->ext0 + k].dst = h->arena[t->method];
			h->arena[t->method] += h->ex[t->ext0 + k].len;
			if (h->arena[t->method] > h->len)
				return CLEAN_E_LIMIT;
		}
	}
	return r.at == r.n ? 0 : CLEAN_E_MALFORMED;
}

static int
write_hdlr(struct heif *h, struct sdbuf *o)
{
	unsigned v, fl;
	struct rd r;
	size_t at;
	int e;

	if ((e = full_payload(&h->hdlr, &v, &fl, &r)) != 0)
		return e;
	if (r.n < 20)
		return CLEAN_E_MALFORMED;
	if (r.n > 21 || (r.n == 21 && r.p[20] != '\0'))
		clean_note_removed(h->rep, "handler name");
	if ((e = box_begin(o, "hdlr", 1, 0, 0, &at)) != 0 || (e = put_u(o, 0, 4)) != 0 ||
	    (e = sdbuf_add(o, r.p + 4, 4)) != 0 || (e = put_u(o, 0, 8)) != 0 ||
	    (e = put_u(o, 0, 5)) != 0)
		return e;
	return box_end(o, at);
}

/* A data reference that says "in this file", whatever the original said. */
static int
write_dinf(struct sdbuf *o)
{
	size_t a, b, c;
	int e;

	if ((e = box_begin(o, "dinf", 0, 0, 0, &a)) != 0 ||
	    (e = box_begin(o, "dref", 1, 0, 0, &b)) != 0 || (e = put_u(o, 1, 4)) != 0 ||
	    (e = box_begin(o, "url ", 1, 0, 1, &c)) != 0 || (e = box_end(o, c)) != 0 ||
	    (e = box_end(o, b)) != 0)
		return e;
	return box_end(o, a);
}

static int
write_iinf(struct heif *h, struct sdbuf *o)
{
	size_t at, n = 0, b;
	int e;

	for (size_t i = 0; i < h->nit; i++)
		n += !h->it[i].drop;
	if ((e = box_begin(o, "iinf", 1, 1, 0, &at)) != 0 || (e = put_u(o, n, 4)) != 0)
		return e;
	for (size_t i = 0; i < h->nit; i++) {
		const struct hitem *t = &h->it[i];
		int wide = t->id > 0xFFFF;
		if (t->drop)
			continue;
		if ((e = box_begin(o, "infe", 1, wide ? 3 : 2, t->flags, &b)) != 0 ||
		    (e = put_u(o, t->id, wide ? 4 : 2)) != 0 || (e = put_u(o, 0, 2)) != 0 ||
		    (e = sdbuf_add(o, t->type, 4)) != 0 || (e = put_u(o, 0, 1)) != 0 ||
		    (e = box_end(o, b)) != 0)
			return e;
	}
	return box_end(o, at);
}

static int
write_iref(struct heif *h, struct sdbuf *o)
{
	unsigned w = h->iref_wide ? 4 : 2;
	size_t at, b, refs = 0;
	int e;

	for (size_t k = 0; k < h->nref; k++) {
		size_t n = 0;
		if (item(h, h->ref[k].from)->drop)
			continue;
		for (size_t j = 0; j < h->ref[k].nto; j++)
			n += !item(h, h->to[h->ref[k].to0 + j])->drop;
		refs += n > 0;
	}
	if (refs == 0)
		return 0;
	if ((e = box_begin(o, "iref", 1, h->iref_wide, 0, &at)) != 0)
		return e;
	for (size_t k = 0; k < h->nref; k++) {
		const struct href *f = &h->ref[k];
		size_t n = 0;
		if (item(h, f->from)->drop)
			continue;
		for (size_t j = 0; j < f->nto; j++)
			n += !item(h, h->to[f->to0 + j])->drop;
		if (n == 0)
			continue;
		if ((e = box_begin(o, "    ", 0, 0, 0, &b)) != 0)
			return e;
		memcpy(o->data + b + 4, f->type, 4);
		if ((e = put_u(o, f->from, w)) != 0 || (e = put_u(o, n, 2)) != 0)
			return e;
		for (size_t j = 0; j < f->nto; j++)
			if (!item(h, h->to[f->to0 + j])->drop &&
			    (e = put_u(o, h->to[f->to0 + j], w)) != 0)
				return e;
		if ((e = box_end(o, b)) != 0)
			return e;
	}
	return box_end(o, at);
}

/* iloc with 64-bit offsets and lengths; the mdat offsets are relative to
 * the new mdat payload until fix_offsets adds where it lands. */
static int
write_iloc(struct heif *h, struct sdbuf *o, size_t *table)
{
	size_t at, n = 0;
	int wide = 0, e;

	for (size_t i = 0; i < h->nit; i++)
		if (!h->it[i].drop) {
			n++;
			wide |= h->it[i].id > 0xFFFF;
		}
	if ((e = box_begin(o, "iloc", 1, wide ? 2 : 1, 0, &at)) != 0 ||
	    (e = put_u(o, 0x8800, 2)) != 0 || (e = put_u(o, n, wide ? 4 : 2)) != 0)
		return e;
	*table = o->len;
	for (size_t i = 0; i < h->nit; i++) {
		const struct hitem *t = &h->it[i];
		if (t->drop)
			continue;
		if ((e = put_u(o, t->id, wide ? 4 : 2)) != 0 || (e = put_u(o, t->method, 2)) != 0 ||
		    (e = put_u(o, 0, 2)) != 0 || (e = put_u(o, t->next, 2)) != 0)
			return e;
		for (size_t k = 0; k < t->next; k++)
			if ((e = put_u(o, h->ex[t->ext0 + k].dst, 8)) != 0 ||
			    (e = put_u(o, h->ex[t->ext0 + k].len, 8)) != 0)
				return e;
	}
	return box_end(o, at);
}

/* Add base to every mdat offset of the iloc table written at table. */
static void
fix_offsets(struct heif *h, struct sdbuf *o, size_t table, uint64_t base, int wide)
{
	size_t p = table;

	for (size_t i = 0; i < h->nit; i++) {
		const struct hitem *t = &h->it[i];
		if (t->drop)
			continue;
		p += (wide ? 4u : 2u) + 6u;
		for (size_t k = 0; k < t->next; k++, p += 16) {
			uint64_t v;
			if (t->method != 0)
				continue;
			v = sd_load_be64(o->data + p) + base;
			for (int j = 0; j < 8; j++)
				o->data[p + (size_t)j] = (unsigned char)(v >> (56 - 8 * j));
		}
	}
}

static int
prop_allowed(const struct clean_box *b)
{
	static const char *const ok[] = { "hvcC", "av1C", "ispe", "pixi", "irot", "imir", "clap",
		"pasp", "auxC", "rloc", "lsel", "a1op", "a1lx", "clli", "mdcv", "cclv", NULL };
	for (const char *const *k = ok; *k; k++)
		if (clean_box_is(b, *k))
			return 1;
	/* A colour box is kept when it holds coded values (nclx), not an ICC
	 * profile, whose description and copyright are free text. */
	return clean_box_is(b, "colr") && b->size - b->hdr >= 4 &&
	    memcmp(b->p + b->hdr, "nclx", 4) == 0;
}

/* ipma: the associations of the kept items; none may be an essential
 * property that was blanked. */
static int
write_ipma(struct heif *h, const struct clean_box *pb, const unsigned char *blanked, size_t nprops,
    struct sdbuf *o)
{
	unsigned v, fl, iw, pw;
	uint64_t count;
	struct rd r;
	size_t at, cnt_at, kept = 0;
	int e;

	if ((e = full_payload(pb, &v, &fl, &r)) != 0 || (e = rd_u(&r, 4, &count)) != 0)
		return e;
	iw = v < 1 ? 2 : 4;
	pw = fl & 1 ? 2 : 1;
	if ((e = box_begin(o, "ipma", 1, v, fl, &at)) != 0)
		return e;
	cnt_at = o->len;
	if ((e = put_u(o, 0, 4)) != 0)
		return e;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t id, n, a;
		struct hitem *t;
		size_t from;
		if ((e = rd_u(&r, iw, &id)) != 0 || (e = rd_u(&r, 1, &n)) != 0)
			return e;
		if ((t = item(h, (uint32_t)id)) == NULL)
			return CLEAN_E_MALFORMED;
		from = r.at;
		for (uint64_t k = 0; k < n; k++) {
			size_t idx;
			if ((e = rd_u(&r, pw, &a)) != 0)
				return e;
			idx = (size_t)(a & (pw == 2 ? 0x7FFF : 0x7F));
			if (idx > nprops)
				return CLEAN_E_MALFORMED;
			if (!t->drop && idx > 0 && blanked[idx - 1] && (a >> (8 * pw - 1))) {
				clean_set_error(h->rep,
				    "a HEIF image needs a property the cleaner "
				    "does not know (essential)");
				return CLEAN_E_UNSUPPORTED;
			}
		}
		if (t->drop)
			continue;
		kept++;
		if ((e = put_u(o, id, iw)) != 0 || (e = put_u(o, n, 1)) != 0 ||
		    (e = sdbuf_add(o, r.p + from, r.at - from)) != 0)
			return e;
	}
	if (r.at != r.n)
		return CLEAN_E_MALFORMED;
	for (int i = 0; i < 4; i++)
		o->data[cnt_at + (size_t)i] = (unsigned char)(kept >> (24 - 8 * i));
	return box_end(o, at);
}

static int
write_iprp(struct heif *h, struct sdbuf *o)
{
	const unsigned char *p = h->iprp.p + h->iprp.hdr;
	size_t n = h->iprp.size - h->iprp.hdr, at, nprops = 0;
	unsigned char *blanked = NULL;
	struct clean_box ipco = { 0 }, b;
	int e, has_ipco = 0;

	for (size_t off = 0; off < n; off += b.size) {
		if ((e = clean_box_at(p + off, n - off, &b)) != 0)
			return e;
		if (clean_box_is(&b, "ipco")) {
			if (has_ipco++)
				return CLEAN_E_MALFORMED;
			ipco = b;
		}
	}
	if (!has_ipco)
		return CLEAN_E_MALFORMED;
	if ((blanked = calloc(ipco.size / 8 + 1, 1)) == NULL)
		return SD_ERR_NOMEM;
	if ((e = box_begin(o, "iprp", 0, 0, 0, &at)) != 0)
		goto out;
	{
		size_t c;
		const unsigned char *q = ipco.p + ipco.hdr;
		size_t qn = ipco.size - ipco.hdr;
		if ((e = box_begin(o, "ipco", 0, 0, 0, &c)) != 0)
			goto out;
		for (size_t off = 0; off < qn; off += b.size, nprops++) {
			if ((e = clean_box_at(q + off, qn - off, &b)) != 0)
				goto out;
			if (prop_allowed(&b)) {
				e = sdbuf_add(o, b.p, b.size);
			} else {
				/* Free space of the same size keeps the indices. */
				size_t z = b.size < 8 ? 8 : b.size, fb;
				blanked[nprops] = 1;
				clean_note_removed(h->rep, "%s",
				    clean_box_is(&b, "colr")
					? "ICC colour profile (its description and copyright are free text)"
					: "image properties the cleaner does not know (user descriptions...)");
				if ((e = box_begin(o, "free", 0, 0, 0, &fb)) != 0)
					goto out;
				for (size_t k = 8; e == 0 && k < z; k++)
					e = put_u(o, 0, 1);
				if (e == 0)
					e = box_end(o, fb);
			}
			if (e != 0)
				goto out;
		}
		if ((e = box_end(o, c)) != 0)
			goto out;
	}
	for (size_t off = 0; off < n; off += b.size) {
		if ((e = clean_box_at(p + off, n - off, &b)) != 0)
			goto out;
		if (clean_box_is(&b, "ipma") && (e = write_ipma(h, &b, blanked, nprops, o)) != 0)
			goto out;
	}
	e = box_end(o, at);
out:
	free(blanked);
	return e;
}

static int
write_idat(struct heif *h, struct sdbuf *o)
{
	size_t at;
	int e;

	if (h->arena[1] == 0)
		return 0;
	if ((e = box_begin(o, "idat", 0, 0, 0, &at)) != 0)
		return e;
	for (size_t i = 0; i < h->nit; i++) {
		const struct hitem *t = &h->it[i];
		if (t->drop || t->method != 1)
			continue;
		for (size_t k = 0; k < t->next; k++)
			if ((e = sdbuf_add(o, h->idat.p + h->idat.hdr + h->ex[t->ext0 + k].off,
				 (size_t)h->ex[t->ext0 + k].len)) != 0)
				return e;
	}
	return box_end(o, at);
}

/* meta's children, one of each. */
static int
parse_meta(struct heif *h, const struct clean_box *meta)
{
	const unsigned char *p = meta->p + meta->hdr + 4;
	size_t n, off;
	struct clean_box b;
	int e;

	if (meta->size - meta->hdr < 4)
		return CLEAN_E_MALFORMED;
	n = meta->size - meta->hdr - 4;
	for (off = 0; off < n; off += b.size) {
		struct clean_box *slot = NULL;
		int *has = NULL;
		if ((e = clean_box_at(p + off, n - off, &b)) != 0)
			return e;
		if (clean_box_is(&b, "hdlr"))
			slot = &h->hdlr, has = &h->has_hdlr;
		else if (clean_box_is(&b, "pitm"))
			slot = &h->pitm, has = &h->has_pitm;
		else if (clean_box_is(&b, "iloc"))
			slot = &h->iloc, has = &h->has_iloc;
		else if (clean_box_is(&b, "iinf"))
			slot = &h->iinf, has = &h->has_iinf;
		else if (clean_box_is(&b, "iref"))
			slot = &h->iref, has = &h->has_iref;
		else if (clean_box_is(&b, "iprp"))
			slot = &h->iprp, has = &h->has_iprp;
		else if (clean_box_is(&b, "idat"))
			slot = &h->idat, has = &h->has_idat;
		else if (clean_box_is(&b, "ipro")) {
			clean_set_error(
			    h->rep, "protected (encrypted) HEIF items are not supported");
			return CLEAN_E_UNSUPPORTED;
		} else if (clean_box_is(&b, "dinf")) {
			continue; /* rewritten as "this file" */
		} else {
			clean_note_removed(h->rep, "other boxes in meta (XML, entity groups)");
			continue;
		}
		if ((*has)++)
			return CLEAN_E_MALFORMED;
		*slot = b;
	}
	if (!h->has_hdlr || !h->has_pitm || !h->has_iloc || !h->has_iinf || !h->has_iprp)
		return CLEAN_E_MALFORMED;
	{
		unsigned v, fl;
		uint64_t id;
		struct rd r;
		if ((e = full_payload(&h->pitm, &v, &fl, &r)) != 0 ||
		    (e = rd_u(&r, v == 0 ? 2 : 4, &id)) != 0)
			return e;
		h->primary = (uint32_t)id;
	}
	if ((e = parse_iinf(h)) != 0 || (e = parse_iref(h)) != 0 || (e = choose(h)) != 0)
		return e;
	if ((h->ex = calloc(HEIF_EXTENTS_MAX, sizeof *h->ex)) == NULL)
		return SD_ERR_NOMEM;
	return parse_iloc(h);
}

static int
write_meta(struct heif *h, struct sdbuf *o, size_t *table, int *wide)
{
	size_t at;
	int e;

	*wide = 0;
	for (size_t i = 0; i < h->nit; i++)
		*wide |= !h->it[i].drop && h->it[i].id > 0xFFFF;
	if ((e = box_begin(o, "meta", 1, 0, 0, &at)) != 0 || (e = write_hdlr(h, o)) != 0 ||
	    (e = write_dinf(o)) != 0 || (e = sdbuf_add(o, h->pitm.p, h->pitm.size)) != 0 ||
	    (e = write_iinf(h, o)) != 0 || (e = write_iref(h, o)) != 0 ||
	    (e = write_iloc(h, o, table)) != 0 || (e = write_iprp(h, o)) != 0 ||
	    (e = write_idat(h, o)) != 0)
		return e;
	return box_end(o, at);
}

int
clean_heif(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct heif *h = calloc(1, sizeof *h);
	struct sdbuf meta = CLEAN_BUF_INIT;
	struct clean_box b, ftyp = { 0 }, mbox = { 0 };
	size_t table = 0;
	uint64_t base, payload = 0;
	int e, wide, nftyp = 0, nmeta = 0;

	if (h == NULL)
		return SD_ERR_NOMEM;
	h->rep = rep;
	h->buf = buf;
	h->len = len;
	for (size_t off = 0; off < len; off += b.size) {
		if ((e = clean_box_at(buf + off, len - off, &b)) != 0)
			goto out;
		if (clean_box_is(&b, "ftyp") && off == 0) {
			ftyp = b;
			nftyp++;
		} else if (clean_box_is(&b, "meta")) {
			mbox = b;
			nmeta++;
		} else if (clean_box_is(&b, "moov")) {
			clean_set_error(rep, "HEIF image sequences (moov) are not supported");
			e = CLEAN_E_UNSUPPORTED;
			goto out;
		} else if (clean_box_is(&b, "mdat")) {
			payload += b.size - b.hdr;
		} else {
			clean_note_removed(rep,
			    "top-level boxes other than ftyp, meta and mdat "
			    "(XMP, vendor data, free space)");
		}
	}
	e = CLEAN_E_MALFORMED;
	if (nftyp != 1 || nmeta != 1)
		goto out;
	if ((e = parse_meta(h, &mbox)) != 0 || (e = write_meta(h, &meta, &table, &wide)) != 0)
		goto out;
	base = (uint64_t)ftyp.size + meta.len + (h->arena[0] > UINT32_MAX - 8 ? 16 : 8);
	fix_offsets(h, &meta, table, base, wide);
	if ((e = sdbuf_add(out, ftyp.p, ftyp.size)) != 0 ||
	    (e = sdbuf_add(out, meta.data, meta.len)) != 0 ||
	    (e = clean_box_header(out, "mdat", (size_t)h->arena[0])) != 0)
		goto out;
	for (size_t i = 0; i < h->nit; i++) {
		const struct hitem *t = &h->it[i];
		if (t->drop || t->method != 0)
			continue;
		for (size_t k = 0; k < t->next; k++)
			if ((e = sdbuf_add(out, buf + h->ex[t->ext0 + k].off,
				 (size_t)h->ex[t->ext0 + k].len)) != 0)
				goto out;
	}
	if (payload + (h->has_idat ? h->idat.size - h->idat.hdr : 0) > h->arena[0] + h->arena[1])
		clean_note_removed(rep, "data no kept image refers to");
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(
		    rep, "not a readable HEIF/AVIF image (bad boxes, items or offsets)");
	sdbuf_free(&meta);
	if (h != NULL) {
		free(h->it);
		free(h->ex);
		free(h->ref);
		free(h->to);
		free(h);
	}
	return e;
}
