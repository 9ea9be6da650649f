/*
 * clean_gif.c - lossless GIF cleaning by a block allow-list.
 *
 * Kept: the header, the logical screen descriptor and its colour table,
 * every image (descriptor, local colour table, LZW data), graphic control
 * extensions (delays, transparency) and the NETSCAPE2.0/ANIMEXTS1.0
 * application extension (the loop count). Removed: comment extensions,
 * plain-text extensions, every other application extension (XMP, ICC
 * profiles, editor data) and anything after the trailer. Every length is
 * checked against the input. Hand-written: see docs/handwritten.md.
 */
#include "clean_int.h"
#include "sderr.h"

#include <string.h>

/* Length of the data sub-block chain at p (up to and with its 0 byte). */
static size_t
subblocks(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t l = p[i];
		if (l == 0)
			return i + 1;
		if (l >= n - i)
			return 0;
		i += l + 1;
	}
	return 0;
}

static int
extension(
    const unsigned char *buf, size_t len, size_t *pos, struct sdbuf *out, struct clean_report *rep)
{
	size_t p = *pos, sb;
	unsigned label;
	int keep;

	if (len - p < 3)
		return CLEAN_E_MALFORMED;
	label = buf[p + 1];
	if ((sb = subblocks(buf + p + 2, len - p - 2)) == 0)
		return CLEAN_E_MALFORMED;
	keep = label == 0xF9 ||
	    (label == 0xFF && buf[p + 2] == 11 && len - p >= 14 &&
		(memcmp(buf + p + 3, "NETSCAPE2.0", 11) == 0 ||
		    memcmp(buf + p + 3, "ANIMEXTS1.0", 11) == 0));
	if (!keep)
		clean_note_removed(rep, "%s",
		    label == 0xFE       ? "GIF comments"
			: label == 0x01 ? "plain-text extensions"
			: label == 0xFF ? "application extensions (XMP, ICC profile, editor data)"
					: "unknown extensions");
	*pos = p + 2 + sb;
	return keep ? sdbuf_add(out, buf + p, 2 + sb) : 0;
}

static int
image(const unsigned char *buf, size_t len, size_t *pos, struct sdbuf *out)
{
	size_t p = *pos, n = 10, sb;

	if (len - p < 10)
		return CLEAN_E_MALFORMED;
	if (buf[p + 9] & 0x80)
		n += (size_t)3 << ((buf[p + 9] & 7) + 1);
	if (n >= len - p)
		return CLEAN_E_MALFORMED;
	n += 1; /* LZW minimum code size */
	if (n >= len - p || (sb = subblocks(buf + p + n, len - p - n)) == 0)
		return CLEAN_E_MALFORMED;
	*pos = p + n + sb;
	return sdbuf_add(out, buf + p, n + sb);
}

int
clean_gif(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	size_t pos = 13;
	int e = CLEAN_E_MALFORMED, images = 0;

	if (len < 14 || (memcmp(buf, "GIF87a", 6) != 0 && memcmp(buf, "GIF89a", 6) != 0))
		goto out;
	if (buf[10] & 0x80)
		pos += (size_t)3 << ((buf[10] & 7) + 1);
	if (pos >= len || (e = sdbuf_add(out, buf, pos)) != 0)
		goto out;
	for (e = CLEAN_E_MALFORMED; pos < len;) {
		if (buf[pos] == 0x3B) {
			if (pos + 1 < len)
				clean_note_removed(
				    rep, "%zu bytes after the end of the image", len - pos - 1);
			e = images > 0 ? sdbuf_add(out, "\x3B", 1) : CLEAN_E_MALFORMED;
			break;
		}
		if (buf[pos] == 0x21)
			e = extension(buf, len, &pos, out, rep);
		else if (buf[pos] == 0x2C && ++images > 0)
			e = image(buf, len, &pos, out);
		else
			e = CLEAN_E_MALFORMED;
		if (e != 0)
			break;
		e = CLEAN_E_MALFORMED; /* until the trailer is seen */
	}
out:
	if (e == CLEAN_E_MALFORMED)
		clean_set_error(rep, "not a complete GIF (truncated or corrupt block structure)");
	return e;
}
