/*
 * clean_png.c - lossless PNG (and APNG) cleaning by a chunk allow-list.
 *
 * Kept: IHDR, PLTE, IDAT, IEND and the chunks that change how pixels look
 * (tRNS, gAMA, cHRM, sRGB, sBIT, bKGD, pHYs) plus the APNG animation chunks
 * (acTL, fcTL, fdAT). Removed: tEXt, zTXt, iTXt (author, software,
 * comments, XMP), eXIf, tIME, iCCP (its profile name is free text), every
 * private or unknown chunk, and anything after IEND. Every chunk's length is
 * checked against the input and its CRC verified before it is copied; the
 * pixels are never decoded. Hand-written: see docs/handwritten.md.
 */
#include "clean_int.h"
#include "sderr.h"

#include <string.h>

#include <zlib.h>

static const char *const png_keep[] = { "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM",
	"sRGB", "sBIT", "bKGD", "pHYs", "acTL", "fcTL", "fdAT" };

static int
chunk_kept(const unsigned char *type)
{
	for (size_t i = 0; i < sizeof png_keep / sizeof png_keep[0]; i++)
		if (memcmp(type, png_keep[i], 4) == 0)
			return 1;
	return 0;
}

static void
note_chunk(struct clean_report *rep, const unsigned char *t)
{
	if (memcmp(t, "tEXt", 4) == 0 || memcmp(t, "zTXt", 4) == 0 || memcmp(t, "iTXt", 4) == 0)
		clean_note_removed(rep, "text chunks (author, software, comments, XMP)");
	else if (memcmp(t, "eXIf", 4) == 0)
		clean_note_removed(rep, "EXIF chunk");
	else if (memcmp(t, "tIME", 4) == 0)
		clean_note_removed(rep, "modification time (tIME)");
	else if (memcmp(t, "iCCP", 4) == 0)
		clean_note_removed(rep, "embedded ICC profile (iCCP)");
	else
		clean_note_removed(rep, "chunk %c%c%c%c",
		    (t[0] >= 0x20 && t[0] < 0x7F) ? t[0] : '?',
		    (t[1] >= 0x20 && t[1] < 0x7F) ? t[1] : '?',
		    (t[2] >= 0x20 && t[2] < 0x7F) ? t[2] : '?',
		    (t[3] >= 0x20 && t[3] < 0x7F) ? t[3] : '?');
}

static int
crc_ok(const unsigned char *chunk, size_t datalen)
{
	uLong c = crc32(0L, Z_NULL, 0);
	c = crc32(c, chunk + 4, (uInt)(datalen + 4));
	return (uint32_t)c == sd_load_be32(chunk + 8 + datalen);
}

static int
walk(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	size_t pos = 8;
	int e, first = 1;

	for (;;) {
		size_t n;
		const unsigned char *c = buf + pos;
		if (len - pos < 12)
			return CLEAN_E_MALFORMED;
		n = sd_load_be32(c);
		if (n > 0x7FFFFFFFu || n > len - pos - 12 || !crc_ok(c, n))
			return CLEAN_E_MALFORMED;
		if (first && memcmp(c + 4, "IHDR", 4) != 0)
			return CLEAN_E_MALFORMED;
		first = 0;
		if (chunk_kept(c + 4)) {
			if ((e = sdbuf_add(out, c, n + 12)) != 0)
				return e;
		} else {
			note_chunk(rep, c + 4);
		}
		pos += n + 12;
		if (memcmp(c + 4, "IEND", 4) == 0) {
			if (pos < len)
				clean_note_removed(
				    rep, "%zu bytes after the end of the image", len - pos);
			return 0;
		}
	}
}

int
clean_png(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	int e;

	if (len < 8 || memcmp(buf, "\x89PNG\r\n\x1a\n", 8) != 0) {
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if ((e = sdbuf_add(out, buf, 8)) != 0)
		goto out;
	e = walk(buf, len, out, rep);
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete PNG (truncated, bad length or CRC)");
	return e;
}
