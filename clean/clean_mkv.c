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
 * The coded video and audio in the blocks are not inspected (an encoder
 * may write its name and settings into the stream, as in any video). A
 * subtitle track's header (its codec private data: an ASS script's info,
 * with its author) is free text: kept and reported as not inspected.
 */
#include "clean_int.h"
#include "sderr.h"

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

struct mkv_el {
	size_t start, data, end;
	uint32_t id;
	int unknown; /* size "unknown": end is the parent's end until found */
};

struct mkv_job {
	unsigned char *o;
	struct clean_report *rep;
};

/* The element at at, inside [at, limit). */
static int
mkv_el_at(const unsigned char *p, size_t at, size_t limit, struct mkv_el *e)
{
	size_t il, sl, i;
	uint64_t v;
	unsigned b;

	if (at >= limit || p[at] == 0)
		return CLEAN_E_MALFORMED;
	b = p[at];
	for (il = 1; il <= 4 && !(b & (0x80u >> (il - 1))); il++)
		;
	if (il > 4 || limit - at < il + 1)
		return CLEAN_E_MALFORMED;
	e->id = 0;
	for (i = 0; i < il; i++)
		e->id = e->id << 8 | p[at + i];
	b = p[at + il];
	if (b == 0)
		return CLEAN_E_MALFORMED;
	for (sl = 1; !(b & (0x80u >> (sl - 1))); sl++)
		;
	if (limit - at - il < sl)
		return CLEAN_E_MALFORMED;
	v = b & (0xFFu >> sl);
	e->unknown = v == (0xFFu >> sl);
	for (i = 1; i < sl; i++) {
		v = v << 8 | p[at + il + i];
		if (p[at + il + i] != 0xFF)
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
	e->end = e->data + (size_t)v;
	return 0;
}

/* Overwrite [start, end) (at least 2 bytes: a whole element) with a Void
 * element of the same size. */
static void
mkv_void(unsigned char *o, size_t start, size_t end)
{
	size_t t = end - start;

	memset(o + start, 0, t);
	o[start] = MKV_VOID;
	if (t >= 9) {
		uint64_t v = t - 9;
		o[start + 1] = 0x01;
		for (size_t k = 0; k < 7; k++)
			o[start + 2 + k] = (unsigned char)(v >> (8 * (6 - k)));
	} else {
		o[start + 1] = (unsigned char)(0x80u >> (t - 2));
	}
}

/* After a change inside master m, a CRC-32 first child is recomputed. */
static void
mkv_fix_crc(unsigned char *o, const struct mkv_el *m)
{
	struct mkv_el c;
	uLong crc;
	size_t n;

	if (mkv_el_at(o, m->data, m->end, &c) != 0 || c.id != MKV_CRC || c.end - c.data != 4)
		return;
	crc = crc32(0L, Z_NULL, 0);
	for (size_t k = c.end; k < m->end; k += n) {
		n = m->end - k > (1u << 30) ? (1u << 30) : m->end - k;
		crc = crc32(crc, o + k, (uInt)n);
	}
	for (size_t k = 0; k < 4; k++)
		o[c.data + k] = (unsigned char)((uint32_t)crc >> (8 * k));
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
	0x22B59C, 0x22B59D, 0x86, 0x63A2, 0x56AA, 0x56BB, 0xE0, 0xE1, 0x6D80, 0xAA,
	MKV_VOID, MKV_CRC };
static const uint32_t cluster_keep[] = { 0xE7, 0x5854, 0xA7, 0xAB, 0xA3, 0xA0, 0xAF,
	MKV_VOID, MKV_CRC };
static const uint32_t segment_keep[] = { MKV_SEEKHEAD, MKV_INFO, MKV_TRACKS, MKV_CLUSTER,
	MKV_CUES, MKV_VOID };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *
mkv_name(uint32_t id)
{
	switch (id) {
	case 0x7BA9: return "title";
	case 0x4D80: return "muxing application";
	case 0x5741: return "writing application";
	case 0x4461: return "date";
	case 0x73A4: return "segment UID";
	case 0x7384: return "segment file name";
	case 0x3CB923: case 0x3EB923: return "previous or next segment UID";
	case 0x3C83AB: case 0x3E83BB: return "previous or next file name";
	case 0x4444: return "segment family";
	case 0x536E: return "track name";
	case 0x258688: return "codec name";
	case MKV_TAGS: return "tags (title, artist, comment, encoder, dates...)";
	case MKV_ATTACHMENTS: return "attached files (with their names and descriptions)";
	case MKV_CHAPTERS: return "chapters (with their names)";
	default: return NULL;
	}
}

/* Children of m not in keep become Void; with sub, a kept child of id
 * subid is cleaned by sub. Returns 1 in *changed when anything changed. */
static int
mkv_master(struct mkv_job *j, const struct mkv_el *m, const char *what, const uint32_t *keep,
    size_t nkeep, uint32_t subid, int (*sub)(struct mkv_job *, const struct mkv_el *, int *),
    int *changed)
{
	size_t at = m->data;
	int e, any = 0;

	if (m->unknown) {
		clean_set_error(j->rep, "Matroska %s of unknown size", what);
		return CLEAN_E_MALFORMED;
	}
	while (at < m->end) {
		struct mkv_el c;
		if ((e = mkv_el_at(j->o, at, m->end, &c)) != 0 || c.unknown) {
			clean_set_error(j->rep, "damaged Matroska %s", what);
			return CLEAN_E_MALFORMED;
		}
		if (!in_list(c.id, keep, nkeep)) {
			const char *nm = mkv_name(c.id);
			if (nm != NULL)
				clean_note_removed(j->rep, "%s", nm);
			else
				clean_note_removed(j->rep, "other %s fields", what);
			mkv_void(j->o, c.start, c.end);
			any = 1;
		} else if (sub != NULL && c.id == subid) {
			int ch = 0;
			if ((e = sub(j, &c, &ch)) != 0)
				return e;
			any |= ch;
		}
		at = c.end;
	}
	if (any)
		mkv_fix_crc(j->o, m);
	*changed |= any;
	return 0;
}

static int
mkv_track(struct mkv_job *j, const struct mkv_el *m, int *changed)
{
	size_t at;
	int e, subtitle = 0, priv = 0;

	if ((e = mkv_master(j, m, "track", track_keep, N(track_keep), 0, NULL, changed)) != 0)
		return e;
	/* A subtitle track's private data is its file's header (an ASS
	 * "Original Script:" line, WebVTT notes): free text, not inspected. */
	for (at = m->data; at < m->end;) {
		struct mkv_el c;
		if (mkv_el_at(j->o, at, m->end, &c) != 0)
			break;
		if (c.id == 0x86 && c.end - c.data >= 2 && j->o[c.data] == 'S' &&
		    j->o[c.data + 1] == '_')
			subtitle = 1;
		if (c.id == 0x63A2 && c.end > c.data)
			priv = 1;
		at = c.end;
	}
	if (subtitle && priv)
		clean_note_uninspected(j->rep, "subtitle track header (codec private data) kept as "
		    "is: it may name its author (ASS \"Original Script\", WebVTT notes)");
	return 0;
}

/* A Seek entry is kept only when it points at an element that is kept. */
static int
mkv_seek(struct mkv_job *j, const struct mkv_el *m, int *changed)
{
	size_t at = m->data;
	uint32_t target = 0;
	int found = 0;

	while (at < m->end) {
		struct mkv_el c;
		if (mkv_el_at(j->o, at, m->end, &c) != 0 || c.unknown) {
			clean_set_error(j->rep, "damaged Matroska seek entry");
			return CLEAN_E_MALFORMED;
		}
		if (c.id == MKV_SEEKID && c.end - c.data >= 1 && c.end - c.data <= 4) {
			target = 0;
			for (size_t k = c.data; k < c.end; k++)
				target = target << 8 | j->o[k];
			found = 1;
		}
		at = c.end;
	}
	if (!found || !in_list(target, segment_keep, N(segment_keep)) || target == MKV_VOID) {
		mkv_void(j->o, m->start, m->end);
		*changed = 1;
	}
	return 0;
}

static int
mkv_segment(struct mkv_job *j, const struct mkv_el *seg)
{
	static const uint32_t seekhead_keep[] = { MKV_SEEK, MKV_VOID, MKV_CRC };
	static const uint32_t tracks_keep[] = { MKV_TRACKENTRY, MKV_VOID, MKV_CRC };
	size_t at = seg->data;
	int e, ch = 0;

	while (at < seg->end) {
		struct mkv_el c;
		if ((e = mkv_el_at(j->o, at, seg->end, &c)) != 0) {
			clean_set_error(j->rep, "damaged Matroska segment");
			return e;
		}
		switch (c.id) {
		case MKV_SEEKHEAD:
			e = mkv_master(j, &c, "seek head", seekhead_keep, N(seekhead_keep), MKV_SEEK,
			    mkv_seek, &ch);
			break;
		case MKV_INFO:
			e = mkv_master(j, &c, "segment info", info_keep, N(info_keep), 0, NULL, &ch);
			break;
		case MKV_TRACKS:
			e = mkv_master(j, &c, "tracks", tracks_keep, N(tracks_keep), MKV_TRACKENTRY,
			    mkv_track, &ch);
			break;
		case MKV_CLUSTER:
			if (c.unknown) {
				/* ends at the first element a cluster cannot hold */
				size_t k = c.data;
				struct mkv_el b;
				while (k < seg->end && mkv_el_at(j->o, k, seg->end, &b) == 0 &&
				    !b.unknown && in_list(b.id, cluster_keep, N(cluster_keep)))
					k = b.end;
				c.end = k;
				break;
			}
			e = mkv_master(j, &c, "cluster", cluster_keep, N(cluster_keep), 0, NULL, &ch);
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
			clean_note_removed(j->rep, "%s", mkv_name(c.id) ? mkv_name(c.id) :
			    "unknown top-level elements");
			mkv_void(j->o, c.start, c.end);
			break;
		}
		if (e != 0)
			return e;
		at = c.end;
	}
	return 0;
}

/* The EBML header names the document type: "matroska" or "webm" only (it
 * is free text otherwise). */
static int
mkv_doctype_ok(const unsigned char *o, const struct mkv_el *h)
{
	size_t at = h->data;

	while (at < h->end) {
		struct mkv_el c;
		if (mkv_el_at(o, at, h->end, &c) != 0)
			return 0;
		if (c.id == 0x4282) {
			size_t n = c.end - c.data;
			while (n > 0 && o[c.data + n - 1] == 0)
				n--; /* EBML strings may be padded with NULs */
			return (n == 8 && memcmp(o + c.data, "matroska", 8) == 0) ||
			    (n == 4 && memcmp(o + c.data, "webm", 4) == 0);
		}
		at = c.end;
	}
	return 0;
}

int
clean_mkv(const unsigned char *buf, size_t len, struct clean_buf *out, struct clean_report *rep)
{
	struct mkv_job j = { .rep = rep };
	size_t start = out->len, at = 0;
	int e, segments = 0, ch = 0;

	if ((e = clean_buf_append(out, buf, len)) != 0)
		return e;
	j.o = out->data + start;
	while (at < len) {
		struct mkv_el c;
		if (mkv_el_at(j.o, at, len, &c) != 0) {
			clean_set_error(rep, segments ? "bytes after the Matroska segment that are not "
			    "an element" : "damaged Matroska header");
			e = CLEAN_E_MALFORMED;
			goto out;
		}
		if (at == 0 && c.id != MKV_EBML) {
			clean_set_error(rep, "not a Matroska file");
			e = CLEAN_E_MALFORMED;
			goto out;
		}
		if (c.id == MKV_EBML) {
			e = mkv_master(&j, &c, "EBML header", ebml_keep, N(ebml_keep), 0, NULL, &ch);
			if (e == 0 && !mkv_doctype_ok(j.o, &c)) {
				clean_set_error(rep, "Matroska document type is neither matroska nor webm");
				e = CLEAN_E_MALFORMED;
			}
		}
		else if (c.id == MKV_SEGMENT) {
			segments++;
			e = mkv_segment(&j, &c);
		} else if (c.id == MKV_VOID && !c.unknown)
			e = 0;
		else {
			clean_set_error(rep, "unexpected element after the Matroska segment");
			e = CLEAN_E_MALFORMED;
		}
		if (e != 0)
			goto out;
		at = c.end;
	}
	if (segments == 0) {
		clean_set_error(rep, "Matroska file without a segment");
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	e = 0;
out:
	if (e != 0)
		out->len = start;
	return e;
}
