/*
 * clean_ogg.c - the comment header of Ogg Vorbis and Ogg Opus files.
 *
 * One logical stream (voice notes, music), Vorbis or Opus. The comment
 * packet (artist, title, dates, encoder, embedded cover pictures) is
 * replaced by an empty one (no vendor string, no comment); the header
 * packets after the first page are paginated afresh, one page per packet,
 * and every later page is copied with its sequence number renumbered and
 * its CRC recomputed. Audio packets are untouched. Every page CRC is
 * checked on reading; several multiplexed or chained streams and other
 * codecs are CLEAN_E_UNSUPPORTED. Hand-written: see docs/handwritten.md.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OGG_HEADER_BYTES (16u << 20)

struct opage {
	const unsigned char *p;
	size_t hdr, len; /* header length (27 + segments), whole page length */
	uint32_t serial;
};

static uint32_t
ogg_crc(uint32_t c, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		c ^= (uint32_t)p[i] << 24;
		for (int k = 0; k < 8; k++)
			c = (c & 0x80000000u) ? (c << 1) ^ 0x04c11db7u : c << 1;
	}
	return c;
}

/* CRC of a page whose bytes are at p, with its CRC field taken as zero. */
static uint32_t
page_crc(const unsigned char *p, size_t hdr, size_t len)
{
	static const unsigned char zero[4];
	uint32_t c = ogg_crc(0, p, 22);

	c = ogg_crc(c, zero, 4);
	c = ogg_crc(c, p + 26, hdr - 26);
	return ogg_crc(c, p + hdr, len - hdr);
}

/* The page at buf + off, CRC checked. */
static int
page_at(const unsigned char *buf, size_t len, size_t off, struct opage *pg)
{
	size_t body = 0, ns;

	if (len - off < 27 || memcmp(buf + off, "OggS", 4) != 0 || buf[off + 4] != 0)
		return CLEAN_E_MALFORMED;
	ns = buf[off + 26];
	if (len - off < 27 + ns)
		return CLEAN_E_MALFORMED;
	for (size_t i = 0; i < ns; i++)
		body += buf[off + 27 + i];
	if (len - off - 27 - ns < body)
		return CLEAN_E_MALFORMED;
	pg->p = buf + off;
	pg->hdr = 27 + ns;
	pg->len = 27 + ns + body;
	pg->serial = sd_load_le32(buf + off + 14);
	return page_crc(pg->p, pg->hdr, pg->len) == sd_load_le32(pg->p + 22) ? 0
									     : CLEAN_E_MALFORMED;
}

/* Write one page holding data (a whole packet, or its continuation). */
static int
put_page(struct sdbuf *o, const struct opage *first, uint32_t seq, unsigned flags,
    const unsigned char *d, size_t n, int ends)
{
	unsigned char h[27 + 255];
	size_t ns = n / 255 + (ends ? 1 : 0);
	size_t at = o->len;
	int e;

	memcpy(h, first->p, 27);
	h[5] = (unsigned char)flags;
	memset(h + 6, 0, 8); /* granule 0: header pages */
	sd_store_le32(h + 18, seq);
	memset(h + 22, 0, 4);
	h[26] = (unsigned char)ns;
	memset(h + 27, 255, ns);
	if (ends)
		h[27 + ns - 1] = (unsigned char)(n % 255);
	if ((e = sdbuf_add(o, h, 27 + ns)) != 0 || (e = sdbuf_add(o, d, n)) != 0)
		return e;
	sd_store_le32(o->data + at + 22, page_crc(o->data + at, 27 + ns, 27 + ns + n));
	return 0;
}

/* Paginate one header packet; *seq is the next page number. */
static int
put_packet(
    struct sdbuf *o, const struct opage *first, uint32_t *seq, const unsigned char *d, size_t n)
{
	int e, cont = 0;

	for (;;) {
		size_t chunk = n > 254 * 255 ? 254 * 255 : n;
		int ends = chunk == n;
		if ((e = put_page(o, first, (*seq)++, cont ? 1u : 0u, d, chunk, ends)) != 0)
			return e;
		if (ends)
			return 0;
		d += chunk;
		n -= chunk;
		cont = 1;
	}
}

struct ostate {
	struct sdbuf pk[3]; /* header packets 1..: comment, setup */
	size_t npk, nhead;  /* packets complete, header packets wanted after the first */
	int in_packet;
	int opus;
};

/* Feed one page's packets into st; 1 when the headers are complete. */
static int
gather(struct ostate *st, const struct opage *pg)
{
	size_t ns = pg->hdr - 27, pos = pg->hdr;
	int e;

	if ((pg->p[5] & 1) != st->in_packet)
		return CLEAN_E_MALFORMED;
	for (size_t i = 0; i < ns; i++) {
		size_t l = pg->p[27 + i];
		if (st->npk >= st->nhead)
			return CLEAN_E_UNSUPPORTED; /* audio on a header page */
		if ((e = sdbuf_add(&st->pk[st->npk], pg->p + pos, l)) != 0)
			return e;
		if (st->pk[st->npk].len > OGG_HEADER_BYTES)
			return CLEAN_E_LIMIT;
		pos += l;
		st->in_packet = l == 255;
		if (l < 255)
			st->npk++;
	}
	return st->npk == st->nhead && !st->in_packet;
}

static int
headers(struct ostate *st, const unsigned char *buf, size_t len, size_t *off,
    const struct opage *first, struct clean_report *rep)
{
	struct opage pg;
	int e = 0;

	while (e == 0) {
		if (*off >= len)
			return CLEAN_E_MALFORMED;
		if ((e = page_at(buf, len, *off, &pg)) != 0)
			return e;
		if (pg.serial != first->serial)
			return CLEAN_E_UNSUPPORTED;
		*off += pg.len;
		e = gather(st, &pg);
	}
	if (e < 0)
		return e;
	if (st->pk[0].len < 8 ||
	    memcmp(st->pk[0].data, st->opus ? "OpusTags" : "\x03vorbis", st->opus ? 8 : 7) != 0)
		return CLEAN_E_MALFORMED;
	clean_note_removed(rep, "comments (artist, title, dates, encoder, cover pictures)");
	return 0;
}

static int
rewrite(struct ostate *st, const unsigned char *buf, size_t len, size_t off,
    const struct opage *first, struct sdbuf *out)
{
	static const unsigned char vc[] = "\x03vorbis\0\0\0\0\0\0\0\0\x01";
	static const unsigned char oc[] = "OpusTags\0\0\0\0\0\0\0\0";
	uint32_t seq = 1;
	struct opage pg;
	int e;

	if ((e = sdbuf_add(out, first->p, first->len)) != 0 ||
	    (e = put_packet(out, first, &seq, st->opus ? oc : vc, 16)) != 0)
		return e;
	for (size_t i = 1; i < st->npk; i++)
		if ((e = put_packet(out, first, &seq, st->pk[i].data, st->pk[i].len)) != 0)
			return e;
	for (; off < len; off += pg.len) {
		size_t at = out->len;
		if ((e = page_at(buf, len, off, &pg)) != 0)
			return e;
		if (pg.serial != first->serial || (pg.p[5] & 2))
			return CLEAN_E_UNSUPPORTED; /* multiplexed or chained */
		if ((e = sdbuf_add(out, pg.p, pg.len)) != 0)
			return e;
		sd_store_le32(out->data + at + 18, seq++);
		sd_store_le32(out->data + at + 22, page_crc(out->data + at, pg.hdr, pg.len));
	}
	return 0;
}

int
clean_ogg(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct ostate st = { .pk = { CLEAN_BUF_INIT, CLEAN_BUF_INIT, CLEAN_BUF_INIT } };
	struct opage first;
	size_t off;
	int e;

	if ((e = page_at(buf, len, 0, &first)) != 0)
		goto out;
	/* The first page holds exactly the identification header. */
	if (!(first.p[5] & 2) || first.hdr != 28 || first.p[27] == 255) {
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if (first.len - first.hdr >= 8 && memcmp(first.p + first.hdr, "OpusHead", 8) == 0)
		st.opus = 1, st.nhead = 1;
	else if (first.len - first.hdr >= 7 && memcmp(first.p + first.hdr, "\x01vorbis", 7) == 0)
		st.nhead = 2;
	else {
		e = CLEAN_E_UNSUPPORTED;
		goto out;
	}
	off = first.len;
	if ((e = headers(&st, buf, len, &off, &first, rep)) == 0)
		e = rewrite(&st, buf, len, off, &first, out);
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a readable Ogg stream (bad page, CRC or header)");
	else if (e == CLEAN_E_UNSUPPORTED)
		clean_set_error(rep,
		    "Ogg codec or stream layout not supported (only one Vorbis "
		    "or Opus stream)");
	for (size_t i = 0; i < 3; i++)
		sdbuf_free(&st.pk[i]);
	return e;
}
