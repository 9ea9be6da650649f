/*
 * clean_mkv.c - Matroska and WebM (EBML), cleaned in place.
 *
 * The cleaned file has the input's size and layout: every element that is
 * dropped is overwritten by a Void element of the same size, so the
 * positions the SeekHead, the Cues and the clusters hold stay right and no
 * offset is rewritten. Allow-lists at every level the cleaner enters:
 *  - EBML header: version fields and the DocType ("matroska" or "webm");
 *  - Segment: SeekHead, Info, Tracks, Cluster, Cues, Void; anything else
 *    (Tags, Attachments, Chapters, unknown elements) becomes Void;
 *  - Info: TimestampScale and Duration only (Title, MuxingApp, WritingApp,
 *    DateUTC, SegmentUID, file names, families... become Void);
 *  - Tracks/TrackEntry: the fields a player needs (number, type, codec id
 *    and private data, flags, language, video and audio settings, content
 *    encodings); Name, CodecName and unknown fields become Void;
 *  - SeekHead: Seek entries pointing at a dropped element become Void;
 *  - Cluster: timestamps, positions and blocks; anything else becomes Void.
 * A master element whose first child is a CRC-32 gets it recomputed after
 * a change. An unknown-size Segment runs to the end of the file; an
 * unknown-size Cluster (browser recordings) ends at the first element that
 * cannot be in a cluster. Bytes after the last top-level element that are
 * not an EBML element make the file malformed.
 *
 * Streamed (clean_mkv_fd) and in memory (clean_mkv) by the same code: the
 * walk reads element headers through clean_stream.c's patch list (bounded
 * reads, payloads skipped by their sizes) and collects the Voids and
 * CRC-32s as patches; the input is then copied with the patches applied.
 * Memory: CLEAN_STREAM_CHUNK for the copy, MKV_TMP for a CRC-32 and at
 * most CLEAN_PATCH_MAX patches, whatever the file's size.
 *
 * The coded video and audio in the blocks are not inspected (an encoder
 * may write its name and settings into the stream, as in any video). A
 * subtitle track's header (its codec private data: an ASS script's info,
 * with its author) is free text: kept and reported as not inspected.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define MKV_EBML 0x1A45DFA3u
#define MKV_SEGMENT 0x18538067u
#define MKV_SEEKHEAD 0x114D9B74u
#define MKV_INFO 0x1549A966u
#define MKV_TRACKS 0x1654AE6Bu
#define MKV_CLUSTER 0x1F43B675u
#define MKV_CUES 0x1C53BB6Bu
#define MKV_TAGS 0x1254C367u
#define MKV_ATTACHMENTS 0x1941A469u
#define MKV_CHAPTERS 0x1043A770u
#define MKV_VOID 0xECu
#define MKV_CRC 0xBFu
#define MKV_TRACKENTRY 0xAEu
#define MKV_SEEK 0x4DBBu
#define MKV_SEEKID 0x53ABu

#define MKV_TMP 65536u /* bytes read at a time for a CRC-32 or a check */

struct mkv_el {
	uint64_t start, data, end;
	uint32_t id;
	int unknown; /* size "unknown": end is the parent's end until found */
};

struct mkv_job {
	const struct clean_src *s;
	struct clean_patches pl; /* the Voids and CRC-32s, applied on every read */
	unsigned char *tmp;      /* MKV_TMP bytes */
	struct clean_report *rep;
};

/* n bytes at off, as they will be written. */
static int
mkv_read(struct mkv_job *j, uint64_t off, void *d, size_t n)
{
	return clean_patch_read(j->s, &j->pl, off, d, n);
}

/* The element at at, inside [at, limit). CLEAN_E_MALFORMED when there is
 * none; an I/O error passes through. */
static int
mkv_el_at(struct mkv_job *j, uint64_t at, uint64_t limit, struct mkv_el *e)
{
	unsigned char p[12];
	size_t il, sl, i, n;
	uint64_t v;
	unsigned b;
	int r;

	if (at >= limit)
		return CLEAN_E_MALFORMED;
	n = limit - at < sizeof p ? (size_t)(limit - at) : sizeof p;
	if ((r = mkv_read(j, at, p, n)) != 0)
		return r;
	if (p[0] == 0)
		return CLEAN_E_MALFORMED;
	b = p[0];
	for (il = 1; il <= 4 && !(b & (0x80u >> (il - 1))); il++)
		;
	if (il > 4 || n < il + 1)
		return CLEAN_E_MALFORMED;
	e->id = 0;
	for (i = 0; i < il; i++)
		e->id = e->id << 8 | p[i];
	b = p[il];
	if (b == 0)
		return CLEAN_E_MALFORMED;
	for (sl = 1; !(b & (0x80u >> (sl - 1))); sl++)
		;
	if (n - il < sl)
		return CLEAN_E_MALFORMED;
	v = b & (0xFFu >> sl);
	e->unknown = v == (0xFFu >> sl);
	for (i = 1; i < sl; i++) {
		v = v << 8 | p[il + i];
		if (p[il + i] != 0xFF)
			e->unknown = 0;
	}
	e->start = at;
	e->data = at + il + sl;
	if (e->unknown) {
		e->end = limit;
		return 0;
	}
	if (v > limit - e->data)
		return CLEAN_E_MALFORMED;
	e->end = e->data + v;
	return 0;
}

/* Overwrite [start, end) (at least 2 bytes: a whole element) with a Void
 * element of the same size. */
static int
mkv_void(struct mkv_job *j, uint64_t start, uint64_t end)
{
	unsigned char h[9] = { MKV_VOID };
	uint64_t t = end - start;
	size_t nh = 2;

	if (t >= 9) {
		uint64_t v = t - 9;
		h[1] = 0x01;
		for (size_t k = 0; k < 7; k++)
			h[2 + k] = (unsigned char)(v >> (8 * (6 - k)));
		nh = 9;
	} else {
		h[1] = (unsigned char)(0x80u >> (t - 2));
	}
	return clean_patch_add(&j->pl, start, t, h, nh);
}

/* After a change inside master m, a CRC-32 first child is recomputed over
 * the rest of m as it will be written. */
static int
mkv_fix_crc(struct mkv_job *j, const struct mkv_el *m)
{
	unsigned char v[4];
	struct mkv_el c;
	uLong crc;
	int e;

	if ((e = mkv_el_at(j, m->data, m->end, &c)) != 0)
		return e == CLEAN_E_MALFORMED ? 0 : e;
	if (c.id != MKV_CRC || c.end - c.data != 4)
		return 0;
	crc = crc32(0L, Z_NULL, 0);
	for (uint64_t k = c.end; k < m->end;) {
		size_t n = m->end - k > MKV_TMP ? MKV_TMP : (size_t)(m->end - k);
		if ((e = mkv_read(j, k, j->tmp, n)) != 0)
			return e;
		crc = crc32(crc, j->tmp, (uInt)n);
		k += n;
	}
	for (size_t k = 0; k < 4; k++)
		v[k] = (unsigned char)((uint32_t)crc >> (8 * k));
	return clean_patch_add(&j->pl, c.data, 4, v, 4);
}

static int
in_list(uint32_t id, const uint32_t *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == id)
			return 1;
	return 0;
}

static const uint32_t ebml_keep[] = { 0x4286, 0x42F7, 0x42F2, 0x42F3, 0x4282, 0x4287, 0x4285,
	MKV_VOID, MKV_CRC };
static const uint32_t info_keep[] = { 0x2AD7B1, 0x4489, MKV_VOID, MKV_CRC };
static const uint32_t track_keep[] = { 0xD7, 0x73C5, 0x83, 0xB9, 0x88, 0x55AA, 0x55AB, 0x55AC,
	0x55AD, 0x55AE, 0x55AF, 0x9C, 0x6DE7, 0x6DF8, 0x23E383, 0x234E7A, 0x23314F, 0x55EE,
	0x22B59C, 0x22B59D, 0x86, 0x63A2, 0x56AA, 0x56BB, 0xE0, 0xE1, 0x6D80, 0xAA, MKV_VOID,
	MKV_CRC };
static const uint32_t cluster_keep[] = { 0xE7, 0x5854, 0xA7, 0xAB, 0xA3, 0xA0, 0xAF, MKV_VOID,
	MKV_CRC };
static const uint32_t segment_keep[] = { MKV_SEEKHEAD, MKV_INFO, MKV_TRACKS, MKV_CLUSTER, MKV_CUES,
	MKV_VOID };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *
mkv_name(uint32_t id)
{
	switch (id) {
	case 0x7BA9:
		return "title";
	case 0x4D80:
		return "muxing application";
	case 0x5741:
		return "writing application";
	case 0x4461:
		return "date";
	case 0x73A4:
		return "segment UID";
	case 0x7384:
		return "segment file name";
	case 0x3CB923:
	case 0x3EB923:
		return "previous or next segment UID";
	case 0x3C83AB:
	case 0x3E83BB:
		return "previous or next file name";
	case 0x4444:
		return "segment family";
	case 0x536E:
		return "track name";
	case 0x258688:
		return "codec name";
	case MKV_TAGS:
		return "tags (title, artist, comment, encoder, dates...)";
	case MKV_ATTACHMENTS:
		return "attached files (with their names and descriptions)";
	case MKV_CHAPTERS:
		return "chapters (with their names)";
	default:
		return NULL;
	}
}

/* Children of m not in keep become Void; with sub, a kept child of id
 * subid is cleaned by sub. Returns 1 in *changed when anything changed. */
static int
mkv_master(struct mkv_job *j, const struct mkv_el *m, const char *what, const uint32_t *keep,
    size_t nkeep, uint32_t subid, int (*sub)(struct mkv_job *, const struct mkv_el *, int *),
    int *changed)
{
	uint64_t at = m->data;
	int e, any = 0;

	if (m->unknown) {
		clean_set_error(j->rep, "Matroska %s of unknown size", what);
		return CLEAN_E_MALFORMED;
	}
	while (at < m->end) {
		struct mkv_el c;
		if ((e = mkv_el_at(j, at, m->end, &c)) != 0 || c.unknown) {
			if (e != 0 && e != CLEAN_E_MALFORMED)
				return e;
			clean_set_error(j->rep, "damaged Matroska %s", what);
			return CLEAN_E_MALFORMED;
		}
		if (!in_list(c.id, keep, nkeep)) {
			const char *nm = mkv_name(c.id);
			if (nm != NULL)
				clean_note_removed(j->rep, "%s", nm);
			else
				clean_note_removed(j->rep, "other %s fields", what);
			if ((e = mkv_void(j, c.start, c.end)) != 0)
				return e;
			any = 1;
		} else if (sub != NULL && c.id == subid) {
			int ch = 0;
			if ((e = sub(j, &c, &ch)) != 0)
				return e;
			any |= ch;
		}
		at = c.end;
	}
	if (any && (e = mkv_fix_crc(j, m)) != 0)
		return e;
	*changed |= any;
	return 0;
}

static int
mkv_track(struct mkv_job *j, const struct mkv_el *m, int *changed)
{
	uint64_t at;
	int e, subtitle = 0, priv = 0;

	if ((e = mkv_master(j, m, "track", track_keep, N(track_keep), 0, NULL, changed)) != 0)
		return e;
	/* A subtitle track's private data is its file's header (an ASS
	 * "Original Script:" line, WebVTT notes): free text, not inspected. */
	for (at = m->data; at < m->end;) {
		unsigned char id[2];
		struct mkv_el c;
		if ((e = mkv_el_at(j, at, m->end, &c)) != 0) {
			if (e != CLEAN_E_MALFORMED)
				return e;
			break;
		}
		if (c.id == 0x86 && c.end - c.data >= 2) {
			if ((e = mkv_read(j, c.data, id, 2)) != 0)
				return e;
			if (id[0] == 'S' && id[1] == '_')
				subtitle = 1;
		}
		if (c.id == 0x63A2 && c.end > c.data)
			priv = 1;
		at = c.end;
	}
	if (subtitle && priv)
		clean_note_uninspected(j->rep,
		    "subtitle track header (codec private data) kept as "
		    "is: it may name its author (ASS \"Original Script\", WebVTT notes)");
	return 0;
}

/* A Seek entry is kept only when it points at an element that is kept. */
static int
mkv_seek(struct mkv_job *j, const struct mkv_el *m, int *changed)
{
	uint64_t at = m->data;
	uint32_t target = 0;
	int e, found = 0;

	while (at < m->end) {
		unsigned char v[4];
		struct mkv_el c;
		if ((e = mkv_el_at(j, at, m->end, &c)) != 0 || c.unknown) {
			if (e != 0 && e != CLEAN_E_MALFORMED)
				return e;
			clean_set_error(j->rep, "damaged Matroska seek entry");
			return CLEAN_E_MALFORMED;
		}
		if (c.id == MKV_SEEKID && c.end - c.data >= 1 && c.end - c.data <= 4) {
			if ((e = mkv_read(j, c.data, v, (size_t)(c.end - c.data))) != 0)
				return e;
			target = 0;
			for (size_t k = 0; k < c.end - c.data; k++)
				target = target << 8 | v[k];
			found = 1;
		}
		at = c.end;
	}
	if (!found || !in_list(target, segment_keep, N(segment_keep)) || target == MKV_VOID) {
		if ((e = mkv_void(j, m->start, m->end)) != 0)
			return e;
		*changed = 1;
	}
	return 0;
}

static int
mkv_segment(struct mkv_job *j, const struct mkv_el *seg)
{
	static const uint32_t seekhead_keep[] = { MKV_SEEK, MKV_VOID, MKV_CRC };
	static const uint32_t tracks_keep[] = { MKV_TRACKENTRY, MKV_VOID, MKV_CRC };
	uint64_t at = seg->data;
	int e, ch = 0;

	while (at < seg->end) {
		struct mkv_el c;
		if ((e = mkv_el_at(j, at, seg->end, &c)) != 0) {
			if (e == CLEAN_E_MALFORMED)
				clean_set_error(j->rep, "damaged Matroska segment");
			return e;
		}
		switch (c.id) {
		case MKV_SEEKHEAD:
			e = mkv_master(j, &c, "seek head", seekhead_keep, N(seekhead_keep),
			    MKV_SEEK, mkv_seek, &ch);
			break;
		case MKV_INFO:
			e = mkv_master(
			    j, &c, "segment info", info_keep, N(info_keep), 0, NULL, &ch);
			break;
		case MKV_TRACKS:
			e = mkv_master(j, &c, "tracks", tracks_keep, N(tracks_keep), MKV_TRACKENTRY,
			    mkv_track, &ch);
			break;
		case MKV_CLUSTER:
			if (c.unknown) {
				/* ends at the first element a cluster cannot hold */
				uint64_t k = c.data;
				struct mkv_el b;
				while (k < seg->end && (e = mkv_el_at(j, k, seg->end, &b)) == 0 &&
				    !b.unknown && in_list(b.id, cluster_keep, N(cluster_keep)))
					k = b.end;
				if (e == CLEAN_E_MALFORMED)
					e = 0;
				c.end = k;
				break;
			}
			e = mkv_master(
			    j, &c, "cluster", cluster_keep, N(cluster_keep), 0, NULL, &ch);
			break;
		case MKV_CUES:
		case MKV_VOID:
			if (c.unknown) {
				clean_set_error(j->rep, "Matroska element of unknown size");
				return CLEAN_E_MALFORMED;
			}
			break;
		default:
			if (c.unknown) {
				clean_set_error(j->rep, "Matroska element of unknown size");
				return CLEAN_E_MALFORMED;
			}
			clean_note_removed(j->rep, "%s",
			    mkv_name(c.id) ? mkv_name(c.id) : "unknown top-level elements");
			e = mkv_void(j, c.start, c.end);
			break;
		}
		if (e != 0)
			return e;
		at = c.end;
	}
	return 0;
}

/* 1 when the n bytes at off are all zero, 0 when not, or an error. */
static int
mkv_zeros(struct mkv_job *j, uint64_t off, uint64_t n)
{
	int e;

	while (n > 0) {
		size_t c = n > MKV_TMP ? MKV_TMP : (size_t)n;
		if ((e = mkv_read(j, off, j->tmp, c)) != 0)
			return e;
		for (size_t k = 0; k < c; k++)
			if (j->tmp[k] != 0)
				return 0;
		off += c;
		n -= c;
	}
	return 1;
}

/* The EBML header names the document type: "matroska" or "webm" only (it
 * is free text otherwise; EBML strings may be padded with NULs). 1 when it
 * does, 0 when not, or an error. */
static int
mkv_doctype_ok(struct mkv_job *j, const struct mkv_el *h)
{
	uint64_t at = h->data;
	int e;

	while (at < h->end) {
		unsigned char d[8];
		struct mkv_el c;
		if ((e = mkv_el_at(j, at, h->end, &c)) != 0)
			return e == CLEAN_E_MALFORMED ? 0 : e;
		if (c.id == 0x4282) {
			uint64_t n = c.end - c.data;
			size_t w = n >= 8 ? 8 : (size_t)n;
			if ((e = mkv_read(j, c.data, d, w)) != 0)
				return e;
			if (w == 8 && memcmp(d, "matroska", 8) == 0)
				return mkv_zeros(j, c.data + 8, n - 8);
			if (w >= 4 && memcmp(d, "webm", 4) == 0)
				return mkv_zeros(j, c.data + 4, n - 4);
			return 0;
		}
		at = c.end;
	}
	return 0;
}

/* Walk the file and collect its patches into j->pl. */
static int
mkv_walk(struct mkv_job *j)
{
	uint64_t at = 0, len = j->s->len;
	int e, segments = 0, ch = 0;

	while (at < len) {
		struct mkv_el c;
		if ((e = mkv_el_at(j, at, len, &c)) != 0) {
			if (e != CLEAN_E_MALFORMED)
				return e;
			clean_set_error(j->rep,
			    segments ? "bytes after the Matroska segment that are "
				       "not an element"
				     : "damaged Matroska header");
			return CLEAN_E_MALFORMED;
		}
		if (at == 0 && c.id != MKV_EBML) {
			clean_set_error(j->rep, "not a Matroska file");
			return CLEAN_E_MALFORMED;
		}
		if (c.id == MKV_EBML) {
			e = mkv_master(j, &c, "EBML header", ebml_keep, N(ebml_keep), 0, NULL, &ch);
			if (e == 0 && (e = mkv_doctype_ok(j, &c)) == 0) {
				clean_set_error(j->rep,
				    "Matroska document type is neither matroska nor "
				    "webm");
				e = CLEAN_E_MALFORMED;
			} else if (e == 1)
				e = 0;
		} else if (c.id == MKV_SEGMENT) {
			segments++;
			e = mkv_segment(j, &c);
		} else if (c.id == MKV_VOID && !c.unknown)
			e = 0;
		else {
			clean_set_error(j->rep, "unexpected element after the Matroska segment");
			e = CLEAN_E_MALFORMED;
		}
		if (e != 0)
			return e;
		at = c.end;
	}
	if (segments == 0) {
		clean_set_error(j->rep, "Matroska file without a segment");
		return CLEAN_E_MALFORMED;
	}
	return 0;
}

static int
mkv_run(const struct clean_src *s, struct clean_sink *k, struct clean_report *rep)
{
	struct mkv_job j = { .s = s, .rep = rep };
	int e;

	if ((j.tmp = malloc(MKV_TMP)) == NULL)
		return SD_ERR_NOMEM;
	if ((e = mkv_walk(&j)) == CLEAN_E_LIMIT)
		clean_set_error(
		    rep, "too many Matroska metadata elements to clean (over %u)", CLEAN_PATCH_MAX);
	else if (e == CLEAN_E_MALFORMED && rep->error[0] == '\0')
		clean_set_error(rep, "damaged Matroska file (elements that overlap)");
	else if (e == 0)
		e = clean_patch_copy(s, &j.pl, s->len, k);
	clean_patch_free(&j.pl);
	free(j.tmp);
	return e;
}

int
clean_mkv(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct clean_src s = { buf, -1, len, NULL };
	struct clean_sink k = { out, -1, NULL };
	size_t start = out->len;
	int e = mkv_run(&s, &k, rep);

	if (e != 0)
		sdbuf_cut(out, start);
	clean_sink_free(&k);
	return e;
}

int
clean_mkv_fd(int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	struct clean_src_win w = { 0 };
	struct clean_src s = { NULL, infd, len, &w };
	struct clean_sink k = { NULL, outfd, NULL };
	int e = mkv_run(&s, &k, rep);

	clean_sink_free(&k);
	clean_src_win_free(&w);
	return e;
}
