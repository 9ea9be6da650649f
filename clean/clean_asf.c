/*
 * clean_asf.c - ASF files (WMV, WMA), cleaned in place.
 *
 * An ASF file is a list of objects (a GUID, a 64-bit little-endian size,
 * data). Every dropped object is overwritten by a Padding object of the
 * same size filled with zeros, so the header's object count, the data
 * object and the indexes stay valid and nothing moves. Allow-lists:
 *  - top level: the Header object (cleaned), the Data object (the media,
 *    copied as it is) and the index objects; anything else is padded out;
 *  - in the Header: File Properties (its creation date zeroed), Stream
 *    Properties, Header Extension (cleaned), Bitrate Mutual Exclusion,
 *    Error Correction, Stream Bitrate Properties, content encryption
 *    objects, Padding (zeroed). Content Description (title, author,
 *    copyright, description, rating), Extended Content Description
 *    (WM/ tags: album, genre, encoder, tool names and versions...), Codec
 *    List (codec names and descriptions written by the encoder), Script
 *    Command, Marker (marker names), Content Branding (banner, copyright
 *    URL), Digital Signature and unknown objects are padded out;
 *  - in the Header Extension: Extended Stream Properties (with its stream
 *    names zeroed), Language List, the mutual-exclusion, prioritisation,
 *    bandwidth-sharing, index-parameter and compatibility objects, Padding.
 *    Metadata and Metadata Library objects (per-stream tags, pictures,
 *    encoder data) and unknown objects are padded out.
 * The coded audio and video in the Data object are not inspected.
 *
 * Streamed (clean_asf_fd) and in memory by the same code: the walk reads
 * object headers (the Data object is skipped by its size) and collects the
 * Padding objects and zeroed fields as clean_stream.c patches; the input
 * is then copied with them applied. Memory: the copy chunk and the patch
 * list.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdint.h>
#include <string.h>

/* GUIDs as ASF stores them (the first three fields little-endian). */
#define G(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) \
	{ \
		(a) & 0xFF, ((a) >> 8) & 0xFF, ((a) >> 16) & 0xFF, ((a) >> 24) & 0xFF, (b)&0xFF, \
		    ((b) >> 8) & 0xFF, (c)&0xFF, ((c) >> 8) & 0xFF, d0, d1, d2, d3, d4, d5, d6, d7 \
	}

static const unsigned char asf_header[16] =
    G(0x75B22630u, 0x668E, 0x11CF, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C);
static const unsigned char asf_data[16] =
    G(0x75B22636u, 0x668E, 0x11CF, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C);
static const unsigned char asf_padding[16] =
    G(0x1806D474u, 0xCADF, 0x4509, 0xA4, 0xBA, 0x9A, 0xAB, 0xCB, 0x96, 0xAA, 0xE8);
static const unsigned char asf_fileprops[16] =
    G(0x8CABDCA1u, 0xA947, 0x11CF, 0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65);
static const unsigned char asf_headerext[16] =
    G(0x5FBF03B5u, 0xA92E, 0x11CF, 0x8E, 0xE3, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65);
static const unsigned char asf_extstream[16] =
    G(0x14E6A5CBu, 0xC672, 0x4332, 0x83, 0x99, 0xA9, 0x69, 0x52, 0x06, 0x5B, 0x5A);
static const unsigned char asf_contentdesc[16] =
    G(0x75B22633u, 0x668E, 0x11CF, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C);
static const unsigned char asf_extcontentdesc[16] =
    G(0xD2D0A440u, 0xE307, 0x11D2, 0x97, 0xF0, 0x00, 0xA0, 0xC9, 0x5E, 0xA8, 0x50);
static const unsigned char asf_codeclist[16] =
    G(0x86D15240u, 0x311D, 0x11D0, 0xA3, 0xA4, 0x00, 0xA0, 0xC9, 0x03, 0x48, 0xF6);
static const unsigned char asf_metadata[16] =
    G(0xC5F8CBEAu, 0x5BAF, 0x4877, 0x84, 0x67, 0xAA, 0x8C, 0x44, 0xFA, 0x4C, 0xCA);
static const unsigned char asf_metalib[16] =
    G(0x44231C94u, 0x9498, 0x49D1, 0xA1, 0x41, 0x1D, 0x13, 0x4E, 0x45, 0x70, 0x54);
static const unsigned char asf_marker[16] =
    G(0xF487CD01u, 0xA951, 0x11CF, 0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65);
static const unsigned char asf_script[16] =
    G(0x1EFB1A30u, 0x0B62, 0x11D0, 0xA3, 0x9B, 0x00, 0xA0, 0xC9, 0x03, 0x48, 0xF6);
static const unsigned char asf_branding[16] =
    G(0x2211B3FAu, 0xBD23, 0x11D2, 0xB4, 0xB7, 0x00, 0xA0, 0xC9, 0x55, 0xFC, 0x6E);

/* Top level: indexes. */
static const unsigned char asf_top_keep[][16] = {
	G(0x33000890u, 0xE5B1, 0x11CF, 0x89, 0xF4, 0x00, 0xA0, 0xC9, 0x03, 0x49,
	    0xCB), /* simple index */
	G(0xD6E229D3u, 0x35DA, 0x11D1, 0x90, 0x34, 0x00, 0xA0, 0xC9, 0x03, 0x49, 0xBE), /* index */
	G(0xFEB103F8u, 0x12AD, 0x4C64, 0x84, 0x0F, 0x2A, 0x1D, 0x2F, 0x7A, 0xD4,
	    0x8C), /* media object index */
	G(0x3CB73FD0u, 0x0C4A, 0x4803, 0x95, 0x3D, 0xED, 0xF7, 0xB6, 0x22, 0x8F,
	    0x0C), /* timecode index */
};
/* In the Header object. */
static const unsigned char asf_hdr_keep[][16] = {
	G(0xB7DC0791u, 0xA9B7, 0x11CF, 0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53,
	    0x65), /* stream properties */
	G(0xD6E229DCu, 0x35DA, 0x11D1, 0x90, 0x34, 0x00, 0xA0, 0xC9, 0x03, 0x49,
	    0xBE), /* bitrate mutual exclusion */
	G(0x75B22635u, 0x668E, 0x11CF, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE,
	    0x6C), /* error correction */
	G(0x7BF875CEu, 0x468D, 0x11D1, 0x8D, 0x82, 0x00, 0x60, 0x97, 0xC9, 0xA2,
	    0xB2), /* stream bitrate properties */
	G(0x2211B3FBu, 0xBD23, 0x11D2, 0xB4, 0xB7, 0x00, 0xA0, 0xC9, 0x55, 0xFC,
	    0x6E), /* content encryption */
	G(0x298AE614u, 0x2622, 0x4C17, 0xB9, 0x35, 0xDA, 0xE0, 0x7E, 0xE9, 0x28,
	    0x9C), /* extended content encryption */
};
/* In the Header Extension object. */
static const unsigned char asf_ext_keep[][16] = {
	G(0xD6E229DFu, 0x35DA, 0x11D1, 0x90, 0x34, 0x00, 0xA0, 0xC9, 0x03, 0x49,
	    0xBE), /* language list */
	G(0xA08649CFu, 0x4775, 0x4670, 0x8A, 0x16, 0x6E, 0x35, 0x35, 0x75, 0x66,
	    0xCD), /* advanced mutual exclusion */
	G(0xD1465A40u, 0x5A79, 0x4338, 0xB7, 0x1B, 0xE3, 0x6B, 0x8F, 0xD6, 0xC2,
	    0x49), /* group mutual exclusion */
	G(0xD4FED15Bu, 0x88D3, 0x454F, 0x81, 0xF0, 0xED, 0x5C, 0x45, 0x99, 0x9E,
	    0x24), /* stream prioritization */
	G(0xA69609E6u, 0x517B, 0x11D2, 0xB6, 0xAF, 0x00, 0xC0, 0x4F, 0xD9, 0x08,
	    0xE9), /* bandwidth sharing */
	G(0xD6E229E0u, 0x35DA, 0x11D1, 0x90, 0x34, 0x00, 0xA0, 0xC9, 0x03, 0x49,
	    0xBE), /* index parameters */
	G(0x26F18B5Du, 0x4584, 0x47EC, 0x9F, 0x5F, 0x0E, 0x65, 0x1F, 0x04, 0x52,
	    0xC9), /* compatibility */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t
asf_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int
asf_in(const unsigned char *g, const unsigned char (*l)[16], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(g, l[i], 16) == 0)
			return 1;
	return 0;
}

struct asf_job {
	const struct clean_src *s;
	struct clean_patches pl; /* Padding objects and zeroed fields */
	struct clean_report *rep;
};

/* n bytes at off, as they will be written. */
static int
asf_read(struct asf_job *j, uint64_t off, void *d, size_t n)
{
	return clean_patch_read(j->s, &j->pl, off, d, n);
}

/* [off, off + n) zeroed (nothing when n is 0). */
static int
asf_zero(struct asf_job *j, uint64_t off, uint64_t n)
{
	return n > 0 ? clean_patch_add(&j->pl, off, n, NULL, 0) : 0;
}

/* The object at pos inside [pos, end): its GUID into g, its size into
 * *size. */
static int
asf_obj(struct asf_job *j, uint64_t pos, uint64_t end, unsigned char *g, uint64_t *size)
{
	unsigned char h[24];
	uint64_t n;
	int e;

	if (end - pos < 24)
		return CLEAN_E_MALFORMED;
	if ((e = asf_read(j, pos, h, 24)) != 0)
		return e;
	n = asf_le(h + 16, 8);
	if (n < 24 || n > end - pos)
		return CLEAN_E_MALFORMED;
	memcpy(g, h, 16);
	*size = n;
	return 0;
}

static int
asf_pad(struct asf_job *j, const unsigned char *g, uint64_t pos, uint64_t size)
{
	unsigned char h[24];
	struct clean_report *rep = j->rep;

	if (memcmp(g, asf_contentdesc, 16) == 0)
		clean_note_removed(rep,
		    "content description (title, author, copyright, "
		    "description, rating)");
	else if (memcmp(g, asf_extcontentdesc, 16) == 0)
		clean_note_removed(rep,
		    "extended content description (WM/ tags: album, genre, "
		    "year, encoder and tool names and settings...)");
	else if (memcmp(g, asf_codeclist, 16) == 0)
		clean_note_removed(rep, "codec list (codec names and descriptions)");
	else if (memcmp(g, asf_metadata, 16) == 0 || memcmp(g, asf_metalib, 16) == 0)
		clean_note_removed(rep,
		    "metadata and metadata library objects (per-stream tags, "
		    "pictures)");
	else if (memcmp(g, asf_marker, 16) == 0)
		clean_note_removed(rep, "markers (with their names)");
	else if (memcmp(g, asf_script, 16) == 0)
		clean_note_removed(rep, "script commands (URLs, captions)");
	else if (memcmp(g, asf_branding, 16) == 0)
		clean_note_removed(rep, "content branding (banner image, copyright URL)");
	else if (memcmp(g, asf_padding, 16) != 0)
		clean_note_removed(rep, "unknown ASF objects");
	memcpy(h, asf_padding, 16);
	for (int i = 0; i < 8; i++)
		h[16 + i] = (unsigned char)(size >> (8 * i));
	return clean_patch_add(&j->pl, pos, size, h, sizeof h);
}

/* Extended Stream Properties: the stream names' characters zeroed. */
static int
asf_extstream_names(struct asf_job *j, uint64_t pos, uint64_t size)
{
	uint64_t p = pos + 24 + 64, end = pos + size;
	unsigned char h[4];
	unsigned names;
	int e;

	if (end - (pos + 24) < 64 + 4)
		return CLEAN_E_MALFORMED;
	if ((e = asf_read(j, p, h, 2)) != 0)
		return e;
	names = (unsigned)asf_le(h, 2);
	p += 4;
	for (unsigned i = 0; i < names; i++) {
		uint64_t n;
		if (end - p < 4)
			return CLEAN_E_MALFORMED;
		if ((e = asf_read(j, p, h, 4)) != 0)
			return e;
		n = asf_le(h + 2, 2);
		if (end - p - 4 < n)
			return CLEAN_E_MALFORMED;
		if ((e = asf_zero(j, p + 4, n)) != 0)
			return e;
		p += 4 + n;
	}
	if (names > 0)
		clean_note_removed(j->rep, "stream names (zeroed)");
	return 0;
}

static int
asf_header_ext(struct asf_job *j, uint64_t pos, uint64_t size)
{
	uint64_t end = pos + size, p = pos + 24 + 22, n, dlen;
	unsigned char g[16], h[4];
	int e;

	if (size < 24 + 22)
		return CLEAN_E_MALFORMED;
	if ((e = asf_read(j, pos + 24 + 18, h, 4)) != 0)
		return e;
	dlen = asf_le(h, 4);
	if (dlen != size - 24 - 22)
		return CLEAN_E_MALFORMED;
	for (; p < end; p += n) {
		if ((e = asf_obj(j, p, end, g, &n)) != 0)
			return e;
		if (memcmp(g, asf_extstream, 16) == 0)
			e = asf_extstream_names(j, p, n);
		else if (!asf_in(g, asf_ext_keep, N(asf_ext_keep)))
			e = asf_pad(j, g, p, n);
		if (e != 0)
			return e;
	}
	return 0;
}

static int
asf_header_obj(struct asf_job *j, uint64_t pos, uint64_t size)
{
	uint64_t end = pos + size, p = pos + 30, n, count, seen = 0;
	unsigned char g[16], h[8];
	int e;

	if (size < 30)
		return CLEAN_E_MALFORMED;
	if ((e = asf_read(j, pos + 24, h, 4)) != 0)
		return e;
	count = asf_le(h, 4);
	for (; p < end; p += n, seen++) {
		if ((e = asf_obj(j, p, end, g, &n)) != 0)
			return e;
		if (memcmp(g, asf_fileprops, 16) == 0) {
			if (n < 24 + 80)
				return CLEAN_E_MALFORMED;
			if ((e = asf_read(j, p + 48, h, 8)) != 0)
				return e;
			if (asf_le(h, 8) != 0)
				clean_note_removed(j->rep, "creation date (file properties)");
			e = asf_zero(j, p + 48, 8);
		} else if (memcmp(g, asf_headerext, 16) == 0) {
			e = asf_header_ext(j, p, n);
		} else if (memcmp(g, asf_padding, 16) == 0) {
			e = asf_zero(j, p + 24, n - 24);
		} else if (!asf_in(g, asf_hdr_keep, N(asf_hdr_keep))) {
			e = asf_pad(j, g, p, n);
		}
		if (e != 0)
			return e;
	}
	return seen == count ? 0 : CLEAN_E_MALFORMED;
}

static int
asf_run(const struct clean_src *s, struct clean_sink *k, struct clean_report *rep)
{
	struct asf_job j = { .s = s, .rep = rep };
	uint64_t pos = 0, len = s->len, n;
	unsigned char g[16];
	int e = 0, data = 0;

	if (len < 30 || (e = clean_src_read(s, 0, g, 16)) != 0 || memcmp(g, asf_header, 16) != 0) {
		if (e != 0 && e != CLEAN_E_MALFORMED)
			return e;
		clean_set_error(rep, "not an ASF file");
		return CLEAN_E_MALFORMED;
	}
	for (; pos < len; pos += n) {
		if ((e = asf_obj(&j, pos, len, g, &n)) != 0)
			goto out;
		if (pos == 0)
			e = asf_header_obj(&j, pos, n);
		else if (memcmp(g, asf_data, 16) == 0)
			data = 1;
		else if (!asf_in(g, asf_top_keep, N(asf_top_keep)))
			e = asf_pad(&j, g, pos, n);
		if (e != 0)
			goto out;
	}
	e = data ? clean_patch_copy(s, &j.pl, len, k) : CLEAN_E_MALFORMED;
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete ASF file (truncated or bad object size)");
	else if (e == CLEAN_E_LIMIT)
		clean_set_error(rep,
		    "too many ASF metadata objects or stream names to clean "
		    "(over %u)",
		    CLEAN_PATCH_MAX);
	clean_patch_free(&j.pl);
	return e;
}

int
clean_asf(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct clean_src s = { buf, -1, len, NULL };
	struct clean_sink k = { out, -1, NULL };
	size_t start = out->len;
	int e = asf_run(&s, &k, rep);

	if (e != 0)
		sdbuf_cut(out, start);
	clean_sink_free(&k);
	return e;
}

int
clean_asf_fd(int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	struct clean_src_win w = { 0 };
	struct clean_src s = { NULL, infd, len, &w };
	struct clean_sink k = { NULL, outfd, NULL };
	int e = asf_run(&s, &k, rep);

	clean_sink_free(&k);
	clean_src_win_free(&w);
	return e;
}
