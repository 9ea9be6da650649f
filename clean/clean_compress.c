/*
 * clean_compress.c - single-stream compressed files: xz, bzip2 and zstd
 * (.xz, .bz2, .zst, and so .tar.xz, .tar.bz2, .tar.zst), through
 * libarchive's filters and its "raw" format (one stream, no members).
 *
 * The stream is decompressed within the archive bounds (CLEAN_EXPANDED_MAX,
 * and CLEAN_RATIO_MAX over 1 MiB); what it holds is cleaned by content one
 * level down (a TAR by the TAR cleaner: owners, dates, permissions, pax
 * headers, its members recursively), then compressed again from scratch
 * with the same compressor. None of the three formats has a name, date,
 * comment or operating-system field like gzip's; what the new stream does
 * not keep of the old one is its framing: xz's block layout and check
 * type, bzip2's block size, zstd's dictionary id, checksum flag and any
 * skippable frames (free data that any program may add and decompressors
 * ignore). The report says so. Content that has no cleaner makes the whole
 * file unsupported (kept apart as uncleaned), as for gzip. Bytes after the
 * compressed data make the file malformed, as for gzip: libarchive refuses
 * them after xz and zstd data but ignores them after bzip2 data, so bzip2
 * is read with libbz2 itself, which says where each stream ends.
 */
#include "clean_int.h"
#include "sderr.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <bzlib.h>

#define CMP_CHUNK (256u << 10)

enum cmp_kind { CMP_XZ, CMP_BZIP2, CMP_ZSTD };

static const struct {
	const char *name;
	int filter; /* libarchive's ARCHIVE_FILTER_* code */
	const char *removed;
} cmp_kinds[] = {
	[CMP_XZ] = { "xz", ARCHIVE_FILTER_XZ,
	    "xz stream: written anew (block layout and check "
	    "type not kept; xz has no name, date or comment field)" },
	[CMP_BZIP2] = { "bzip2", ARCHIVE_FILTER_BZIP2,
	    "bzip2 stream: written anew (block size "
	    "not kept; bzip2 has no name, date or comment field)" },
	[CMP_ZSTD] = { "zstd", ARCHIVE_FILTER_ZSTD,
	    "zstd frames: written anew as one frame "
	    "(dictionary id, checksum flag and any skippable frames of free data not kept; "
	    "zstd has no name, date or comment field)" },
};

static la_ssize_t
cmp_write_cb(struct archive *a, void *ctx, const void *buf, size_t n)
{
	(void)a;
	return sdbuf_add(ctx, buf, n) == 0 ? (la_ssize_t)n : -1;
}

/* True when the output so far is over the archive bounds for len input
 * bytes (the same rule as gzip's). */
static int
cmp_too_big(size_t have, size_t got, size_t len)
{
	return got > CLEAN_EXPANDED_MAX - have ||
	    (have + got > (1u << 20) && (have + got) / CLEAN_RATIO_MAX > len);
}

/* bzip2 with libbz2: each stream of a concatenation in turn (as bzip2 -d
 * reads them); anything after the last one that is not a stream is an
 * error, never dropped silently. */
static int
cmp_bunzip2(const unsigned char *buf, size_t len, struct sdbuf *d, struct clean_report *rep,
    unsigned char *chunk)
{
	size_t i = 0;
	int e = 0;

	if (len > UINT_MAX) {
		clean_set_error(rep, "bzip2 file too large to read at once");
		return CLEAN_E_LIMIT;
	}
	while (e == 0 && i < len) {
		bz_stream s;
		int r = BZ_OK;

		if (len - i < 4 || memcmp(buf + i, "BZh", 3) != 0 || buf[i + 3] < '1' ||
		    buf[i + 3] > '9') {
			clean_set_error(rep,
			    i == 0 ? "not a readable bzip2 stream"
				   : "bytes after the bzip2 data (not a bzip2 stream)");
			return CLEAN_E_MALFORMED;
		}
		memset(&s, 0, sizeof s);
		if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
			return CLEAN_E_INTERNAL;
		s.next_in = (char *)(uintptr_t)(buf + i);
		s.avail_in = (unsigned)(len - i);
		while (e == 0 && r != BZ_STREAM_END) {
			size_t got;
			s.next_out = (char *)chunk;
			s.avail_out = CMP_CHUNK;
			r = BZ2_bzDecompress(&s);
			got = CMP_CHUNK - s.avail_out;
			if ((r != BZ_OK && r != BZ_STREAM_END) ||
			    (r == BZ_OK && s.avail_in == 0 && got < CMP_CHUNK)) {
				clean_set_error(rep, "damaged or truncated bzip2 data");
				e = CLEAN_E_MALFORMED;
			} else if (cmp_too_big(d->len, got, len)) {
				clean_set_error(rep, "bzip2 data expands too much");
				e = CLEAN_E_LIMIT;
			} else {
				e = sdbuf_add(d, chunk, got);
			}
		}
		i = len - s.avail_in;
		(void)BZ2_bzDecompressEnd(&s);
	}
	return e;
}

/* Decompress buf (one stream of kind k, nothing else) into d, bounded. */
static int
cmp_inflate(enum cmp_kind k, const unsigned char *buf, size_t len, struct sdbuf *d,
    struct clean_report *rep)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	unsigned char *chunk = malloc(CMP_CHUNK);
	la_ssize_t got;
	int e = SD_ERR_NOMEM;

	if (a == NULL || chunk == NULL)
		goto out;
	if (k == CMP_BZIP2) {
		e = cmp_bunzip2(buf, len, d, rep, chunk);
		goto out;
	}
	if (k == CMP_XZ)
		archive_read_support_filter_xz(a);
	else
		archive_read_support_filter_zstd(a);
	archive_read_support_format_raw(a);
	e = CLEAN_E_MALFORMED;
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK ||
	    archive_filter_code(a, 0) != cmp_kinds[k].filter) {
		const char *why = archive_error_string(a);
		clean_set_error(rep,
		    "%s data damaged, truncated or followed by other bytes: "
		    "%.120s",
		    cmp_kinds[k].name, why ? why : "not recognised");
		goto out;
	}
	/* Filters are stacked while one recognises the data: one layer of
	 * this compressor and the "none" filter under it, nothing else. */
	if (archive_filter_count(a) != 2) {
		clean_set_error(rep, "%s stream compressed more than once", cmp_kinds[k].name);
		goto out;
	}
	while ((got = archive_read_data(a, chunk, CMP_CHUNK)) > 0) {
		if (cmp_too_big(d->len, (size_t)got, len)) {
			clean_set_error(rep, "%s data expands too much", cmp_kinds[k].name);
			e = CLEAN_E_LIMIT;
			goto out;
		}
		if ((e = sdbuf_add(d, chunk, (size_t)got)) != 0)
			goto out;
	}
	e = 0;
	if (got < 0) {
		const char *why = archive_error_string(a);
		clean_set_error(rep,
		    "%s data damaged, truncated or followed by other bytes: "
		    "%.120s",
		    cmp_kinds[k].name, why ? why : "libarchive error");
		e = CLEAN_E_MALFORMED;
	}
out:
	if (a != NULL)
		archive_read_free(a);
	free(chunk);
	return e;
}

/* Compress p (n bytes) anew into out with kind k. */
static int
cmp_deflate(enum cmp_kind k, const unsigned char *p, size_t n, struct sdbuf *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	int e = SD_ERR_NOMEM, r;

	if (a == NULL || ae == NULL)
		goto out;
	r = k == CMP_XZ      ? archive_write_add_filter_xz(a)
	    : k == CMP_BZIP2 ? archive_write_add_filter_bzip2(a)
			     : archive_write_add_filter_zstd(a);
	e = CLEAN_E_INTERNAL;
	if (r != ARCHIVE_OK || archive_write_set_format_raw(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
	    archive_write_open2(a, out, NULL, cmp_write_cb, NULL, NULL) != ARCHIVE_OK)
		goto out;
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_size(ae, (la_int64_t)n);
	if (archive_write_header(a, ae) != ARCHIVE_OK ||
	    (n > 0 && archive_write_data(a, p, n) != (la_ssize_t)n) ||
	    archive_write_close(a) != ARCHIVE_OK)
		goto out;
	e = 0;
out:
	if (a != NULL)
		archive_write_free(a);
	archive_entry_free(ae);
	return e;
}

static int
cmp_clean(enum cmp_kind k, struct clean_ctx *c, const unsigned char *buf, size_t len,
    unsigned depth, struct sdbuf *out, struct clean_report *rep)
{
	struct sdbuf d = CLEAN_BUF_INIT, inner = CLEAN_BUF_INIT;
	struct clean_report sub = { 0 };
	size_t start = out->len;
	int e;

	if (depth >= CLEAN_DEPTH_MAX) {
		clean_set_error(rep, "archives nested too deep");
		return CLEAN_E_LIMIT;
	}
	if ((e = cmp_inflate(k, buf, len, &d, rep)) != 0)
		goto out;
	e = clean_any(c, d.data, d.len, depth + 1, &inner, &sub);
	if (e != 0) {
		clean_set_error(rep, "%s-compressed %.100s: %.150s", cmp_kinds[k].name, sub.type,
		    sub.error[0]                   ? sub.error
			: e == CLEAN_E_UNSUPPORTED ? "no cleaner for this type"
						   : clean_strerror(e));
		goto out;
	}
	if ((e = cmp_deflate(k, inner.data, inner.len, out)) != 0) {
		clean_set_error(
		    rep, "cannot compress the cleaned content again (%s)", cmp_kinds[k].name);
		sdbuf_cut(out, start);
		goto out;
	}
	clean_note_removed(rep, "%s", cmp_kinds[k].removed);
	clean_note_member(rep, sub.type, &sub);
out:
	sdbuf_free(&d);
	sdbuf_free(&inner);
	return e;
}

int
clean_xz(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	return cmp_clean(CMP_XZ, c, buf, len, depth, out, rep);
}

int
clean_bzip2(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	return cmp_clean(CMP_BZIP2, c, buf, len, depth, out, rep);
}

int
clean_zstd(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	return cmp_clean(CMP_ZSTD, c, buf, len, depth, out, rep);
}
