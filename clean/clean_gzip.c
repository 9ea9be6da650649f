/*
 * clean_gzip.c - gzip files (.tar.gz, .tgz, .gz), with zlib.
 *
 * A gzip header (RFC 1952) can carry the original file's name, a comment,
 * its modification time, an extra field and the operating system it was
 * made on. Every member of the file is read (its header checked, its data
 * inflated, its CRC-32 and length verified); the data is bounded like an
 * archive's (CLEAN_EXPANDED_MAX, and CLEAN_RATIO_MAX over 1 MiB) and is
 * cleaned by content as a member one level down (a TAR by the TAR cleaner:
 * owners, dates, permissions, pax headers; its members recursively). The
 * result is written as one new gzip member with none of those fields: no
 * name, no comment, no extra field, time 0, operating system "unknown"
 * (255). Bytes after the last member that are not a gzip member make the
 * file malformed: nothing is dropped silently.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define GZ_FTEXT 0x01
#define GZ_FHCRC 0x02
#define GZ_FEXTRA 0x04
#define GZ_FNAME 0x08
#define GZ_FCOMMENT 0x10

#define GZ_CHUNK (256u << 10)

struct gzc_seen {
	int name, comment, extra, mtime;
};

/* Skip a NUL-terminated header field from *i; -1 when it runs off. */
static int
gzc_skip_z(const unsigned char *buf, size_t len, size_t *i)
{
	const unsigned char *z = memchr(buf + *i, 0, len - *i);

	if (z == NULL)
		return -1;
	*i = (size_t)(z - buf) + 1;
	return 0;
}

/* The header of the member at *i: checked, noted in seen, *i moved past. */
static int
gzc_header(const unsigned char *buf, size_t len, size_t *i, struct gzc_seen *seen)
{
	size_t p = *i;
	unsigned flg;

	if (len - p < 10 || buf[p] != 0x1f || buf[p + 1] != 0x8b || buf[p + 2] != 8)
		return -1;
	flg = buf[p + 3];
	if (flg & 0xE0)
		return -1; /* reserved flags must be zero */
	if (buf[p + 4] | buf[p + 5] | buf[p + 6] | buf[p + 7])
		seen->mtime = 1;
	p += 10;
	if (flg & GZ_FEXTRA) {
		size_t xl;
		if (len - p < 2)
			return -1;
		xl = sd_load_le16(buf + p);
		if (len - p - 2 < xl)
			return -1;
		p += 2 + xl;
		seen->extra = 1;
	}
	if ((flg & GZ_FNAME) && (seen->name = 1, gzc_skip_z(buf, len, &p) != 0))
		return -1;
	if ((flg & GZ_FCOMMENT) && (seen->comment = 1, gzc_skip_z(buf, len, &p) != 0))
		return -1;
	if (flg & GZ_FHCRC) {
		if (len - p < 2)
			return -1;
		p += 2;
	}
	*i = p;
	return 0;
}

/* Inflate every member of buf into d, within the archive bounds. */
static int
gzc_inflate(const unsigned char *buf, size_t len, struct sdbuf *d, struct gzc_seen *seen,
    struct clean_report *rep)
{
	unsigned char *chunk = malloc(GZ_CHUNK);
	size_t i = 0;
	int e = SD_ERR_NOMEM, members = 0;

	if (chunk == NULL)
		return e;
	while (i < len) {
		z_stream z = { 0 };
		size_t start = d->len;
		int zr = Z_OK;
		uLong crc;

		if (gzc_header(buf, len, &i, seen) != 0) {
			clean_set_error(rep,
			    members == 0 ? "damaged gzip header"
					 : "bytes after the gzip data that are not a gzip member");
			e = CLEAN_E_MALFORMED;
			goto out;
		}
		if (inflateInit2(&z, -15) != Z_OK) {
			e = CLEAN_E_INTERNAL;
			goto out;
		}
		z.next_in = (unsigned char *)(uintptr_t)(buf + i);
		z.avail_in = len - i > UINT32_MAX ? UINT32_MAX : (uInt)(len - i);
		while (zr != Z_STREAM_END) {
			size_t got;
			z.next_out = chunk;
			z.avail_out = GZ_CHUNK;
			zr = inflate(&z, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END) {
				(void)inflateEnd(&z);
				clean_set_error(rep, "damaged gzip data");
				e = CLEAN_E_MALFORMED;
				goto out;
			}
			got = GZ_CHUNK - z.avail_out;
			if (got > CLEAN_EXPANDED_MAX - d->len ||
			    (d->len + got > (1u << 20) && (d->len + got) / CLEAN_RATIO_MAX > len)) {
				(void)inflateEnd(&z);
				clean_set_error(rep, "gzip data expands too much");
				e = CLEAN_E_LIMIT;
				goto out;
			}
			if ((e = sdbuf_add(d, chunk, got)) != 0) {
				(void)inflateEnd(&z);
				goto out;
			}
			if (zr == Z_OK && got == 0 && z.avail_in == 0) {
				(void)inflateEnd(&z);
				clean_set_error(rep, "gzip data truncated");
				e = CLEAN_E_MALFORMED;
				goto out;
			}
		}
		i += (size_t)(z.next_in - (buf + i));
		(void)inflateEnd(&z);
		crc = crc32(0L, Z_NULL, 0);
		for (size_t k = start; k < d->len; k += UINT32_MAX / 2) {
			size_t n = d->len - k < UINT32_MAX / 2 ? d->len - k : UINT32_MAX / 2;
			crc = crc32(crc, d->data + k, (uInt)n);
		}
		if (len - i < 8 || sd_load_le32(buf + i) != (uint32_t)crc ||
		    sd_load_le32(buf + i + 4) != (uint32_t)(d->len - start)) {
			clean_set_error(rep, "gzip member truncated or its checksum is wrong");
			e = CLEAN_E_MALFORMED;
			goto out;
		}
		i += 8;
		members++;
	}
	if (members == 0) {
		clean_set_error(rep, "empty gzip file");
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	e = 0;
out:
	free(chunk);
	return e;
}

/* One new gzip member holding p[0..n): no name, comment, extra, time 0,
 * operating system unknown. */
static int
gzc_deflate(const unsigned char *p, size_t n, struct sdbuf *out)
{
	static const unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 };
	unsigned char *chunk = malloc(GZ_CHUNK), tr[8];
	z_stream z = { 0 };
	uLong crc = crc32(0L, Z_NULL, 0);
	size_t i = 0;
	int e = SD_ERR_NOMEM, zr = Z_OK, init = 0;

	if (chunk == NULL)
		goto out;
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		e = CLEAN_E_INTERNAL;
		goto out;
	}
	init = 1;
	if ((e = sdbuf_add(out, hdr, sizeof hdr)) != 0)
		goto out;
	while (zr != Z_STREAM_END) {
		size_t take = n - i < UINT32_MAX / 2 ? n - i : UINT32_MAX / 2;
		if (z.avail_in == 0 && take > 0) {
			z.next_in = (unsigned char *)(uintptr_t)(p + i);
			z.avail_in = (uInt)take;
			crc = crc32(crc, p + i, (uInt)take);
			i += take;
		}
		z.next_out = chunk;
		z.avail_out = GZ_CHUNK;
		zr = deflate(&z, i == n ? Z_FINISH : Z_NO_FLUSH);
		if (zr == Z_STREAM_ERROR) {
			e = CLEAN_E_INTERNAL;
			goto out;
		}
		if ((e = sdbuf_add(out, chunk, GZ_CHUNK - z.avail_out)) != 0)
			goto out;
	}
	for (int k = 0; k < 4; k++) {
		tr[k] = (unsigned char)((uint32_t)crc >> (8 * k));
		tr[4 + k] = (unsigned char)((uint32_t)n >> (8 * k));
	}
	e = sdbuf_add(out, tr, sizeof tr);
out:
	if (init)
		(void)deflateEnd(&z);
	free(chunk);
	return e;
}

int
clean_gzip(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	struct sdbuf d = CLEAN_BUF_INIT, inner = CLEAN_BUF_INIT;
	struct clean_report sub = { 0 };
	struct gzc_seen seen = { 0 };
	size_t start = out->len;
	int e;

	if (depth >= CLEAN_DEPTH_MAX) {
		clean_set_error(rep, "archives nested too deep");
		return CLEAN_E_LIMIT;
	}
	if ((e = gzc_inflate(buf, len, &d, &seen, rep)) != 0)
		goto out;
	e = clean_any(c, d.data, d.len, depth + 1, &inner, &sub);
	if (e == CLEAN_E_UNSUPPORTED) {
		clean_set_error(rep, "gzip-compressed %.100s: %.150s", sub.type,
		    sub.error[0] ? sub.error : "no cleaner for this type");
		goto out;
	}
	if (e != 0) {
		clean_set_error(rep, "gzip-compressed %.100s: %.150s", sub.type,
		    sub.error[0] ? sub.error : clean_strerror(e));
		goto out;
	}
	if ((e = gzc_deflate(inner.data, inner.len, out)) != 0) {
		sdbuf_cut(out, start);
		goto out;
	}
	clean_note_removed(rep,
	    "gzip header: %s%s%s%sthe operating-system byte; a new header "
	    "with no name, no comment, no extra field, time 0, system unknown",
	    seen.name ? "original file name, " : "", seen.comment ? "comment, " : "",
	    seen.extra ? "extra field, " : "", seen.mtime ? "modification time, " : "");
	clean_note_member(rep, sub.type, &sub);
out:
	sdbuf_free(&d);
	sdbuf_free(&inner);
	return e;
}
