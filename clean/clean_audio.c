/*
 * clean_audio.c - tags of MP3 and FLAC files.
 *
 * MP3: every ID3v2 tag at the start (artist, album, comments, pictures,
 * encoder settings, private frames), an ID3v1 tag and an APEv2 tag at the
 * end are removed; what remains must begin with an MPEG audio frame sync.
 * FLAC: an ID3v2 tag in front is removed; of the metadata blocks only
 * STREAMINFO and SEEKTABLE are kept (VORBIS_COMMENT, PICTURE, APPLICATION,
 * CUESHEET and PADDING go) and the last-block flag is set again; the audio
 * frames are copied untouched. Every length is checked against the input.
 * Hand-written: see docs/handwritten.md.
 *
 * Streamed (clean_mp3_fd, clean_flac_fd) and in memory by the same code:
 * tags and block headers are read a few bytes at a time (FLAC in two
 * passes over its metadata blocks, to know which kept block is the last),
 * everything else is copied CLEAN_STREAM_CHUNK bytes at a time. Memory:
 * the copy chunk, whatever the file's size.
 */
#include "clean_int.h"
#include "sderr.h"

#include <string.h>

/* Bytes of ID3v2 tags at the start of the input, into *n. */
static int
id3v2_len(const struct clean_src *s, uint64_t *n)
{
	uint64_t pos = 0;
	unsigned char h[10];
	int e;

	while (s->len - pos >= 10) {
		uint64_t t;
		if ((e = clean_src_read(s, pos, h, 10)) != 0)
			return e;
		if (memcmp(h, "ID3", 3) != 0 || ((h[6] | h[7] | h[8] | h[9]) & 0x80))
			break;
		t = (uint64_t)h[6] << 21 | (uint64_t)h[7] << 14 | (uint64_t)h[8] << 7 | h[9];
		t += (h[5] & 0x10) ? 20u : 10u;
		if (t > s->len - pos)
			break;
		pos += t;
	}
	*n = pos;
	return 0;
}

/* Strip one ID3v1 or APEv2 tag from the end: 1 if one went, 0, or < 0. */
static int
strip_tail(const struct clean_src *s, uint64_t start, uint64_t *end, struct clean_report *rep)
{
	unsigned char f[32];
	uint64_t n;
	int e;

	if (*end - start >= 128) {
		if ((e = clean_src_read(s, *end - 128, f, 3)) != 0)
			return e;
		if (memcmp(f, "TAG", 3) == 0) {
			*end -= 128;
			clean_note_removed(rep, "ID3v1 tag");
			return 1;
		}
	}
	if (*end - start < 32)
		return 0;
	if ((e = clean_src_read(s, *end - 32, f, 32)) != 0)
		return e;
	if (memcmp(f, "APETAGEX", 8) != 0)
		return 0;
	n = sd_load_le32(f + 12);
	if (f[23] & 0x80)
		n += 32; /* a header too */
	if (n < 32 || n > *end - start) {
		clean_set_error(rep, "damaged APE tag");
		return CLEAN_E_MALFORMED;
	}
	*end -= n;
	clean_note_removed(rep, "APEv2 tag");
	return 1;
}

static int
mp3_run(const struct clean_src *s, struct clean_sink *k, struct clean_report *rep)
{
	unsigned char h[2];
	uint64_t start, end = s->len;
	int r;

	if ((r = id3v2_len(s, &start)) != 0)
		return r;
	if (start > 0)
		clean_note_removed(rep, "ID3v2 tags (artist, title, comments, pictures)");
	while ((r = strip_tail(s, start, &end, rep)) == 1)
		;
	if (r < 0)
		return r;
	if (end - start < 4 || (r = clean_src_read(s, start, h, 2)) != 0 || h[0] != 0xFF ||
	    (h[1] & 0xE0) != 0xE0) {
		if (r != 0 && r != CLEAN_E_MALFORMED)
			return r;
		clean_set_error(rep, "no MPEG audio frame after the tags");
		return CLEAN_E_MALFORMED;
	}
	return clean_sink_copy(k, s, start, end - start);
}

/* The metadata blocks from *pos: pass 1 (k NULL) checks them, notes what
 * goes and counts what is kept in *kept; pass 2 writes the kept ones, the
 * last-block flag on the last (the kept-th) only. *pos ends at the audio. */
static int
flac_blocks(const struct clean_src *s, struct clean_sink *k, uint64_t *pos, unsigned *kept,
    struct clean_report *rep)
{
	unsigned char h[4];
	unsigned n_kept = 0;
	int e, last = 0;

	while (!last) {
		unsigned type;
		uint64_t n;
		if (s->len - *pos < 4)
			return CLEAN_E_MALFORMED;
		if ((e = clean_src_read(s, *pos, h, 4)) != 0)
			return e;
		last = h[0] & 0x80;
		type = h[0] & 0x7F;
		n = (uint64_t)h[1] << 16 | (uint64_t)h[2] << 8 | h[3];
		if (n > s->len - *pos - 4 || type == 127)
			return CLEAN_E_MALFORMED;
		if (type == 0 || type == 3) {
			n_kept++;
			h[0] = (unsigned char)(type | (k != NULL && n_kept == *kept ? 0x80 : 0));
			if (k != NULL &&
			    ((e = clean_sink_put(k, h, 4)) != 0 ||
				(e = clean_sink_copy(k, s, *pos + 4, n)) != 0))
				return e;
		} else if (k == NULL) {
			clean_note_removed(rep, "%s",
			    type == 4       ? "Vorbis comments (tags)"
				: type == 6 ? "embedded pictures"
				: type == 1 ? "padding"
					    : "application, cue sheet and other metadata blocks");
		}
		*pos += 4 + n;
	}
	if (k == NULL)
		*kept = n_kept;
	return 0;
}

static int
flac_run(const struct clean_src *s, struct clean_sink *k, struct clean_report *rep)
{
	unsigned char h[8];
	uint64_t start, pos;
	unsigned kept = 0;
	int e;

	if ((e = id3v2_len(s, &start)) != 0)
		return e;
	if (start > 0)
		clean_note_removed(rep, "ID3v2 tag in front of the stream");
	if (s->len - start < 8 || (e = clean_src_read(s, start, h, 8)) != 0 ||
	    memcmp(h, "fLaC", 4) != 0 || (h[4] & 0x7F) != 0)
		goto bad;
	pos = start + 4;
	if ((e = flac_blocks(s, NULL, &pos, &kept, rep)) != 0)
		goto bad;
	if (kept == 0 || s->len - pos < 2 || (e = clean_src_read(s, pos, h, 2)) != 0 ||
	    h[0] != 0xFF || (h[1] & 0xFC) != 0xF8)
		goto bad;
	pos = start + 4;
	if ((e = clean_sink_put(k, "fLaC", 4)) != 0 ||
	    (e = flac_blocks(s, k, &pos, &kept, rep)) != 0)
		return e;
	return clean_sink_copy(k, s, pos, s->len - pos);
bad:
	if (e != 0 && e != CLEAN_E_MALFORMED)
		return e;
	clean_set_error(rep, "not a complete FLAC stream (bad metadata blocks)");
	return CLEAN_E_MALFORMED;
}

/* A buffer cleaner and a descriptor cleaner over the same run function. */
static int
run_buf(int (*run)(const struct clean_src *, struct clean_sink *, struct clean_report *),
    const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	struct clean_src s = { buf, -1, len, NULL };
	struct clean_sink k = { out, -1, NULL };
	size_t start = out->len;
	int e = run(&s, &k, rep);

	if (e != 0)
		sdbuf_cut(out, start);
	clean_sink_free(&k);
	return e;
}

static int
run_fd(int (*run)(const struct clean_src *, struct clean_sink *, struct clean_report *), int infd,
    uint64_t len, int outfd, struct clean_report *rep)
{
	struct clean_src_win w = { 0 };
	struct clean_src s = { NULL, infd, len, &w };
	struct clean_sink k = { NULL, outfd, NULL };
	int e = run(&s, &k, rep);

	clean_sink_free(&k);
	clean_src_win_free(&w);
	return e;
}

int
clean_mp3(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	return run_buf(mp3_run, buf, len, out, rep);
}

int
clean_mp3_fd(int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	return run_fd(mp3_run, infd, len, outfd, rep);
}

int
clean_flac(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	return run_buf(flac_run, buf, len, out, rep);
}

int
clean_flac_fd(int infd, uint64_t len, int outfd, struct clean_report *rep)
{
	return run_fd(flac_run, infd, len, outfd, rep);
}
