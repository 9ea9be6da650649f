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
 */
#include "clean_int.h"
#include "sderr.h"

#include <string.h>

/* Bytes of ID3v2 tags at the start of buf. */
static size_t
id3v2_len(const unsigned char *buf, size_t len)
{
	size_t pos = 0;

	while (len - pos >= 10 && memcmp(buf + pos, "ID3", 3) == 0) {
		const unsigned char *s = buf + pos + 6;
		size_t n;
		if ((s[0] | s[1] | s[2] | s[3]) & 0x80)
			break;
		n = (size_t)s[0] << 21 | (size_t)s[1] << 14 | (size_t)s[2] << 7 | s[3];
		n += (buf[pos + 5] & 0x10) ? 20u : 10u;
		if (n > len - pos)
			break;
		pos += n;
	}
	return pos;
}

/* Strip one ID3v1 or APEv2 tag from the end: 1 if one went, 0, or < 0. */
static int
strip_tail(const unsigned char *buf, size_t start, size_t *end, struct clean_report *rep)
{
	const unsigned char *f;
	size_t n;

	if (*end - start >= 128 && memcmp(buf + *end - 128, "TAG", 3) == 0) {
		*end -= 128;
		clean_note_removed(rep, "ID3v1 tag");
		return 1;
	}
	if (*end - start < 32 || memcmp(buf + *end - 32, "APETAGEX", 8) != 0)
		return 0;
	f = buf + *end - 32;
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

int
clean_mp3(const unsigned char *buf, size_t len, struct clean_buf *out,
    struct clean_report *rep)
{
	size_t start = id3v2_len(buf, len), end = len;
	int r;

	if (start > 0)
		clean_note_removed(rep, "ID3v2 tags (artist, title, comments, pictures)");
	while ((r = strip_tail(buf, start, &end, rep)) == 1)
		;
	if (r < 0)
		return r;
	if (end - start < 4 || buf[start] != 0xFF || (buf[start + 1] & 0xE0) != 0xE0) {
		clean_set_error(rep, "no MPEG audio frame after the tags");
		return CLEAN_E_MALFORMED;
	}
	return clean_buf_append(out, buf + start, end - start);
}

int
clean_flac(const unsigned char *buf, size_t len, struct clean_buf *out,
    struct clean_report *rep)
{
	size_t pos = id3v2_len(buf, len), lastkept = 0;
	int e, last = 0;

	if (pos > 0)
		clean_note_removed(rep, "ID3v2 tag in front of the stream");
	if (len - pos < 8 || memcmp(buf + pos, "fLaC", 4) != 0 || (buf[pos + 4] & 0x7F) != 0)
		goto bad;
	if ((e = clean_buf_append(out, "fLaC", 4)) != 0)
		return e;
	for (pos += 4; !last;) {
		unsigned type;
		size_t n;
		if (len - pos < 4)
			goto bad;
		last = buf[pos] & 0x80;
		type = buf[pos] & 0x7F;
		n = (size_t)buf[pos + 1] << 16 | (size_t)buf[pos + 2] << 8 | buf[pos + 3];
		if (n > len - pos - 4 || type == 127)
			goto bad;
		if (type == 0 || type == 3) {
			lastkept = out->len;
			if ((e = clean_buf_append(out, buf + pos, 4 + n)) != 0)
				return e;
			out->data[lastkept] &= 0x7F;
		} else {
			clean_note_removed(rep, "%s", type == 4 ? "Vorbis comments (tags)" :
			    type == 6 ? "embedded pictures" : type == 1 ? "padding" :
			    "application, cue sheet and other metadata blocks");
		}
		pos += 4 + n;
	}
	if (lastkept == 0 || len - pos < 2 || buf[pos] != 0xFF || (buf[pos + 1] & 0xFC) != 0xF8)
		goto bad;
	out->data[lastkept] |= 0x80;
	return clean_buf_append(out, buf + pos, len - pos);
bad:
	clean_set_error(rep, "not a complete FLAC stream (bad metadata blocks)");
	return CLEAN_E_MALFORMED;
}
