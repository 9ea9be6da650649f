/*
 * test_sdbox.c - unit tests of the .sdbox writer (version 2) and reader
 * (versions 1 and 2), in memory.
 *
 * Round trips at frame boundaries and for 1..32 recipients, metadata bounds,
 * Padme sizes, and the reader's refusals: every truncation offset of a small
 * file, a trailing byte, a flipped bit in every header byte and in each
 * frame, stanzas swapped between files, frames reordered and duplicated, a
 * length over the bound, a wrong key, API misuse. Version 1 files (the
 * committed vectors in tests/vectors/v1, made by the version 1 writer) still
 * open, their content hash is still checked, and neither version can be
 * relabelled as the other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "sdbox.h"
#include "sdbox_int.h"
#include "sderr.h"

#define HDR1 (SDBOX_FIXED_BYTES + SDBOX_STANZA_BYTES + SDBOX_STREAMHEADER_BYTES + SDBOX_MAC_BYTES)
#define FRAME_META (4 + 1 + SDBOX_META_BYTES + 17)
#define FRAME_DATA (4 + 1 + SDBOX_PAYLOAD_BYTES + 17)
#define FRAME_FINAL (4 + 1 + SDBOX_FINAL_BYTES + 17)
#define FRAME_FINAL_V1 (4 + 1 + SDBOX_FINAL_V1_BYTES + 17)

/* The secret key of tests/vectors/key.key (a published test key). */
static const unsigned char vector_sk[32] = {
	0xf2,
	0x45,
	0x1a,
	0x1d,
	0x55,
	0x6f,
	0xf3,
	0x73,
	0x02,
	0xac,
	0x56,
	0x21,
	0x00,
	0xb6,
	0x6c,
	0x9d,
	0x4d,
	0x3f,
	0xeb,
	0x5d,
	0x90,
	0x80,
	0x7c,
	0x36,
	0x60,
	0x8d,
	0xa0,
	0x80,
	0xa2,
	0x87,
	0xdd,
	0x66,
};

struct membuf {
	unsigned char *p;
	size_t len, cap, pos;
	int fail_after; /* writes allowed before failing; -1: never fail */
};

static int
mem_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct membuf *m = ctx;

	if (m->fail_after == 0)
		return SD_ERR_IO;
	if (m->fail_after > 0)
		m->fail_after--;
	if (m->len + len > m->cap) {
		size_t cap = (m->cap + len) * 2;
		unsigned char *np = realloc(m->p, cap);
		if (np == NULL)
			return SD_ERR_NOMEM;
		m->p = np;
		m->cap = cap;
	}
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	return 0;
}

struct memin {
	const unsigned char *p;
	size_t len, pos;
};

static int
mem_read(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
	struct memin *m = ctx;
	size_t n = m->len - m->pos;

	if (n > len)
		n = len;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	*got = n;
	return 0;
}

static unsigned char pk[SDBOX_RECIPIENTS_MAX][32], sk[SDBOX_RECIPIENTS_MAX][32];
static unsigned char other_pk[32], other_sk[32];

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (int i = 0; i < SDBOX_RECIPIENTS_MAX; i++)
		crypto_box_keypair(pk[i], sk[i]);
	crypto_box_keypair(other_pk, other_sk);
	return 0;
}

static void
default_meta(struct sdbox_meta *m)
{
	memset(m, 0, sizeof *m);
	m->kind = SDBOX_KIND_FILE;
	snprintf(m->name, sizeof m->name, "report.pdf");
	snprintf(m->mime, sizeof m->mime, "application/pdf");
	snprintf(m->ref, sizeof m->ref, "src-123");
	m->time = 1700000000;
}

/* Seal data for the first n keys into a fresh membuf. */
static struct membuf
seal(const unsigned char *data, size_t len, size_t n, size_t step)
{
	struct membuf out = { .fail_after = -1 };
	struct sdbox_writer *w = NULL;
	struct sdbox_meta m;

	default_meta(&m);
	assert_int_equal(
	    sdbox_writer_new(&w, (const unsigned char(*)[32])pk, n, &m, mem_write, &out), 0);
	for (size_t off = 0; off < len; off += step)
		assert_int_equal(
		    sdbox_writer_write(w, data + off, len - off < step ? len - off : step), 0);
	assert_int_equal(sdbox_writer_finish(w), 0);
	assert_int_equal(sdbox_writer_content_len(w), len);
	sdbox_writer_free(w);
	return out;
}

/* Open buf with key; returns the error and, on success, the content. */
static int
open_buf(const unsigned char *buf, size_t len, const unsigned char *key, unsigned char **content,
    size_t *clen, struct sdbox_meta *meta)
{
	struct memin in = { .p = buf, .len = len };
	struct sdbox_reader *r = NULL;
	unsigned char *acc = NULL;
	const unsigned char *chunk;
	size_t total = 0, n;
	int e;

	if ((e = sdbox_reader_new(&r, key, mem_read, &in)) != 0)
		return e;
	if (meta)
		*meta = *sdbox_reader_meta(r);
	for (;;) {
		if ((e = sdbox_reader_read(r, &chunk, &n)) != 0 || n == 0)
			break;
		acc = realloc(acc, total + n);
		assert_non_null(acc);
		memcpy(acc + total, chunk, n);
		total += n;
	}
	if (e == 0)
		assert_int_equal(sdbox_reader_content_len(r), total);
	sdbox_reader_free(r);
	if (e == 0 && content) {
		*content = acc;
		*clen = total;
	} else {
		free(acc);
	}
	return e;
}

static void
roundtrip_size(size_t len, size_t n, size_t step)
{
	unsigned char *data = malloc(len + 1), *back = NULL;
	struct sdbox_meta meta;
	struct membuf f;
	size_t blen = 0;

	assert_non_null(data);
	randombytes_buf(data, len);
	f = seal(data, len, n, step);
	assert_int_equal(f.len, sdbox_file_size(len, n));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(open_buf(f.p, f.len, sk[i], &back, &blen, &meta), 0);
		assert_int_equal(blen, len);
		assert_true(len == 0 || memcmp(back, data, len) == 0);
		assert_string_equal(meta.name, "report.pdf");
		assert_string_equal(meta.mime, "application/pdf");
		assert_string_equal(meta.ref, "src-123");
		assert_int_equal(meta.kind, SDBOX_KIND_FILE);
		assert_int_equal(meta.time, 1700000000 - 1700000000 % 3600);
		free(back);
		back = NULL;
	}
	assert_int_equal(open_buf(f.p, f.len, other_sk, NULL, NULL, NULL), SD_ERR_NOKEY);
	free(f.p);
	free(data);
}

static void
test_roundtrip_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, 65535, 65536, 65537, 131072, 3 * 65536 + 5,
		1000000 };
	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		roundtrip_size(sizes[i], 1, 4096);
		roundtrip_size(sizes[i], 1, 70000);
	}
}

static void
test_recipients(void **state)
{
	struct sdbox_writer *w = NULL;
	struct membuf out = { .fail_after = -1 };
	struct sdbox_meta m;

	(void)state;
	roundtrip_size(5000, 2, 1000);
	roundtrip_size(70000, SDBOX_RECIPIENTS_MAX, 777);
	default_meta(&m);
	assert_int_equal(
	    sdbox_writer_new(&w, (const unsigned char(*)[32])pk, 0, &m, mem_write, &out),
	    SD_ERR_RANGE);
	assert_int_equal(sdbox_writer_new(&w, (const unsigned char(*)[32])pk,
			     SDBOX_RECIPIENTS_MAX + 1, &m, mem_write, &out),
	    SD_ERR_RANGE);
	assert_null(w);
	assert_int_equal(out.len, 0);
	free(out.p);
}

static void
test_meta_bounds(void **state)
{
	struct sdbox_writer *w = NULL;
	struct membuf out = { .fail_after = -1 };
	struct sdbox_meta m, back;

	(void)state;
	default_meta(&m);
	memset(m.name, 'a', sizeof m.name); /* no NUL: too long */
	assert_int_equal(
	    sdbox_writer_new(&w, (const unsigned char(*)[32])pk, 1, &m, mem_write, &out),
	    SD_ERR_TOOLONG);
	default_meta(&m);
	m.kind = (enum sdbox_kind)9;
	assert_int_equal(
	    sdbox_writer_new(&w, (const unsigned char(*)[32])pk, 1, &m, mem_write, &out),
	    SD_ERR_ARG);
	assert_null(w);
	/* Longest values round-trip. */
	default_meta(&m);
	memset(m.name, 'n', SDBOX_NAME_MAX);
	m.name[SDBOX_NAME_MAX] = '\0';
	memset(m.mime, 'm', SDBOX_MIME_MAX);
	m.mime[SDBOX_MIME_MAX] = '\0';
	memset(m.ref, 'r', SDBOX_REF_MAX);
	m.ref[SDBOX_REF_MAX] = '\0';
	m.kind = SDBOX_KIND_REPLY;
	assert_int_equal(
	    sdbox_writer_new(&w, (const unsigned char(*)[32])pk, 1, &m, mem_write, &out), 0);
	assert_int_equal(sdbox_writer_finish(w), 0);
	sdbox_writer_free(w);
	assert_int_equal(open_buf(out.p, out.len, sk[0], NULL, NULL, &back), 0);
	assert_string_equal(back.name, m.name);
	assert_string_equal(back.mime, m.mime);
	assert_string_equal(back.ref, m.ref);
	assert_int_equal(back.kind, SDBOX_KIND_REPLY);
	free(out.p);
}

/* Number of data-sized frames (content + padding) in a file of len bytes. */
static uint64_t
data_frames(uint64_t len)
{
	return (sdbox_file_size(len, 1) - HDR1 - FRAME_META - FRAME_FINAL) / FRAME_DATA;
}

static void
test_padme_buckets(void **state)
{
	uint64_t prev = 0;
	size_t distinct = 0;

	(void)state;
	/* The size is header + metadata + k data frames + final frame. */
	for (uint64_t len = 0; len < (1ULL << 36); len = len * 2 + 12345) {
		uint64_t s = sdbox_file_size(len, 1);
		assert_int_equal((s - HDR1 - FRAME_META - FRAME_FINAL) % FRAME_DATA, 0);
		assert_true(data_frames(len) >= len / SDBOX_PAYLOAD_BYTES);
	}
	/* Exact frame counts up to 7 frames: no padding frame at all. */
	for (uint64_t k = 0; k < 7; k++)
		assert_int_equal(data_frames(k * 65536 + 5), k);
	/* Frame counts 1 + data are Padme buckets: 8..15 even, 16..31 even,
	 * 32..63 multiples of 4, 64..127 multiples of 8. */
	assert_int_equal(data_frames(8 * 65536) + 1, 10);
	assert_int_equal(data_frames(31 * 65536) + 1, 32);
	assert_int_equal(data_frames(33 * 65536) + 1, 36);
	assert_int_equal(data_frames(65 * 65536) + 1, 72);
	/* Sizes only grow; few distinct sizes cover 0..1 GiB; overhead < 12 %. */
	for (uint64_t len = 0; len <= 1ULL << 30; len += 65536) {
		uint64_t s = sdbox_file_size(len, 1);
		assert_true(s >= prev);
		if (s != prev)
			distinct++;
		prev = s;
		if (len > (1ULL << 20))
			assert_true(s < len + len / 8 + 200000);
	}
	assert_true(distinct < 400);
	/* A message of 1 byte and one of 60000 bytes have the same size. */
	assert_int_equal(sdbox_file_size(1, 1), sdbox_file_size(60000, 1));
}

static void
test_truncation_every_offset(void **state)
{
	unsigned char data[300];
	struct membuf f;

	(void)state;
	randombytes_buf(data, sizeof data);
	f = seal(data, sizeof data, 1, sizeof data);
	for (size_t cut = 0; cut < f.len; cut++) {
		int e = open_buf(f.p, cut, sk[0], NULL, NULL, NULL);
		if (e == 0)
			fail_msg("a file cut at %zu of %zu was accepted", cut, f.len);
		if (e != SD_ERR_TRUNCATED)
			fail_msg("cut at %zu: %s", cut, sd_strerror(e));
	}
	free(f.p);
}

static void
test_trailing_byte(void **state)
{
	struct membuf f;
	unsigned char x = 0;

	(void)state;
	f = seal((const unsigned char *)"hello", 5, 1, 5);
	assert_int_equal(mem_write(&f, &x, 1), 0);
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), SD_ERR_TRAILING);
	free(f.p);
}

static void
test_bitflips(void **state)
{
	static unsigned char data[8 * 65536 + 7]; /* 9 frames: one padding frame */
	struct membuf f;

	(void)state;
	randombytes_buf(data, sizeof data);
	f = seal(data, sizeof data, 2, sizeof data);
	assert_int_equal(data_frames(sizeof data), 9);
	/* Every byte of the header. */
	for (size_t i = 0; i < HDR1 + SDBOX_STANZA_BYTES; i++) {
		f.p[i] ^= 0x01;
		if (open_buf(f.p, f.len, sk[0], NULL, NULL, NULL) == 0)
			fail_msg("flip in header byte %zu accepted", i);
		f.p[i] ^= 0x01;
	}
	/* Samples in every frame: length prefix, first, middle and last bytes. */
	for (size_t off = HDR1 + SDBOX_STANZA_BYTES; off < f.len;) {
		size_t flen = 4 + (size_t)(f.p[off] | f.p[off + 1] << 8 | f.p[off + 2] << 16);
		size_t pick[] = { off, off + 3, off + 4, off + 5, off + flen / 2, off + flen - 1 };
		for (size_t k = 0; k < sizeof pick / sizeof pick[0]; k++) {
			f.p[pick[k]] ^= 0x80;
			if (open_buf(f.p, f.len, sk[0], NULL, NULL, NULL) == 0)
				fail_msg("flip at %zu accepted", pick[k]);
			f.p[pick[k]] ^= 0x80;
		}
		off += flen;
	}
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), 0);
	free(f.p);
}

static void
test_stanza_swap(void **state)
{
	struct membuf a, b;

	(void)state;
	a = seal((const unsigned char *)"file a", 6, 1, 6);
	b = seal((const unsigned char *)"file b", 6, 1, 6);
	memcpy(a.p + SDBOX_FIXED_BYTES, b.p + SDBOX_FIXED_BYTES, SDBOX_STANZA_BYTES);
	assert_int_equal(open_buf(a.p, a.len, sk[0], NULL, NULL, NULL), SD_ERR_HEADER_MAC);
	free(a.p);
	free(b.p);
}

static void
test_frames_reordered(void **state)
{
	size_t len = 3 * 65536 + 10;
	unsigned char *data = malloc(len), *copy;
	size_t c1 = HDR1 + FRAME_META, c2 = c1 + FRAME_DATA;
	struct membuf f;

	(void)state;
	assert_non_null(data);
	randombytes_buf(data, len);
	f = seal(data, len, 1, len);
	copy = malloc(f.len);
	assert_non_null(copy);
	/* Swap the first two content frames. */
	memcpy(copy, f.p, f.len);
	memcpy(copy + c1, f.p + c2, FRAME_DATA);
	memcpy(copy + c2, f.p + c1, FRAME_DATA);
	assert_int_equal(open_buf(copy, f.len, sk[0], NULL, NULL, NULL), SD_ERR_FRAME);
	/* Duplicate the first content frame over the second. */
	memcpy(copy, f.p, f.len);
	memcpy(copy + c2, f.p + c1, FRAME_DATA);
	assert_int_equal(open_buf(copy, f.len, sk[0], NULL, NULL, NULL), SD_ERR_FRAME);
	/* Drop a content frame. */
	memcpy(copy, f.p, c2);
	memcpy(copy + c2, f.p + c2 + FRAME_DATA, f.len - c2 - FRAME_DATA);
	assert_int_equal(open_buf(copy, f.len - FRAME_DATA, sk[0], NULL, NULL, NULL), SD_ERR_FRAME);
	/* A length prefix over the bound. */
	memcpy(copy, f.p, f.len);
	copy[c1 + 2] = 0x7f;
	assert_int_equal(open_buf(copy, f.len, sk[0], NULL, NULL, NULL), SD_ERR_RANGE);
	free(copy);
	free(f.p);
	free(data);
}

static void
test_header_fields(void **state)
{
	struct membuf f;

	(void)state;
	f = seal((const unsigned char *)"x", 1, 1, 1);
	assert_int_equal(f.p[8], SDBOX_VERSION);
	f.p[8] = 3; /* version */
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), SD_ERR_FORMAT);
	f.p[8] = 0;
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), SD_ERR_FORMAT);
	/* Relabelled as version 1: the header MAC covers the version byte. */
	f.p[8] = SDBOX_VERSION_1;
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), SD_ERR_HEADER_MAC);
	f.p[8] = SDBOX_VERSION;
	f.p[9] = 1; /* flags */
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), SD_ERR_FORMAT);
	f.p[9] = 0;
	f.p[10] = 0; /* no recipient */
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), SD_ERR_RANGE);
	f.p[10] = 33;
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), SD_ERR_RANGE);
	f.p[10] = 1;
	f.p[0] = 'X';
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), SD_ERR_FORMAT);
	f.p[0] = 0x89;
	assert_int_equal(open_buf(f.p, f.len, sk[0], NULL, NULL, NULL), 0);
	free(f.p);
}

static void
test_misuse_and_io_errors(void **state)
{
	struct sdbox_writer *w = NULL;
	struct membuf out = { .fail_after = -1 };
	struct sdbox_meta m;
	unsigned char big[65536 * 2];

	(void)state;
	default_meta(&m);
	assert_int_equal(
	    sdbox_writer_new(&w, (const unsigned char(*)[32])pk, 1, &m, mem_write, &out), 0);
	assert_int_equal(sdbox_writer_finish(w), 0);
	assert_int_equal(sdbox_writer_write(w, "x", 1), SD_ERR_STATE);
	assert_int_equal(sdbox_writer_finish(w), SD_ERR_STATE);
	sdbox_writer_free(w);
	sdbox_writer_free(NULL);
	sdbox_reader_free(NULL);
	free(out.p);
	/* A failing sink: header ok, then the first content frame fails. */
	memset(&out, 0, sizeof out);
	out.fail_after = 2;
	memset(big, 7, sizeof big);
	assert_int_equal(
	    sdbox_writer_new(&w, (const unsigned char(*)[32])pk, 1, &m, mem_write, &out), 0);
	assert_int_equal(sdbox_writer_write(w, big, sizeof big), SD_ERR_IO);
	assert_int_equal(sdbox_writer_write(w, big, 1), SD_ERR_STATE);
	sdbox_writer_free(w);
	free(out.p);
	/* A sink that fails on the header. */
	memset(&out, 0, sizeof out);
	w = NULL;
	assert_int_equal(
	    sdbox_writer_new(&w, (const unsigned char(*)[32])pk, 1, &m, mem_write, &out),
	    SD_ERR_IO);
	assert_null(w);
}

static void
test_reader_state_after_error(void **state)
{
	struct membuf f;
	struct memin in = { 0 };
	struct sdbox_reader *r = NULL;
	const unsigned char *chunk;
	size_t n;
	unsigned char data[70000];

	(void)state;
	memset(data, 1, sizeof data);
	f = seal(data, sizeof data, 1, sizeof data);
	f.p[f.len - 10] ^= 1; /* inside the final frame */
	in.p = f.p;
	in.len = f.len;
	assert_int_equal(sdbox_reader_new(&r, sk[0], mem_read, &in), 0);
	assert_int_equal(sdbox_reader_read(r, &chunk, &n), 0);
	assert_int_equal(n, 65536);
	assert_int_equal(sdbox_reader_read(r, &chunk, &n), SD_ERR_FRAME);
	assert_int_equal(n, 0);
	assert_int_equal(sdbox_reader_read(r, &chunk, &n), SD_ERR_STATE);
	sdbox_reader_free(r);
	free(f.p);
}

/* The layout of a version 2 file: the final frame carries the content
 * length alone, 32 bytes shorter than version 1's. */
static void
test_v2_layout(void **state)
{
	unsigned char data[65536 + 3];
	struct membuf f;
	struct memin in = { 0 };
	struct sdbox_reader *r = NULL;
	const unsigned char *chunk;
	size_t n;

	(void)state;
	memset(data, 9, sizeof data);
	f = seal(data, sizeof data, 1, 1000);
	assert_int_equal(f.p[8], 2);
	assert_int_equal(f.len, HDR1 + FRAME_META + FRAME_DATA + FRAME_FINAL);
	assert_int_equal(FRAME_FINAL, 4 + 1 + 65536 + 8 + 17);
	/* The last frame's length prefix is the version 2 final frame's. */
	assert_int_equal(f.p[f.len - FRAME_FINAL] | f.p[f.len - FRAME_FINAL + 1] << 8 |
		f.p[f.len - FRAME_FINAL + 2] << 16,
	    FRAME_FINAL - 4);
	in.p = f.p;
	in.len = f.len;
	assert_int_equal(sdbox_reader_new(&r, sk[0], mem_read, &in), 0);
	assert_int_equal(sdbox_reader_version(r), SDBOX_VERSION);
	while (sdbox_reader_read(r, &chunk, &n) == 0 && n > 0)
		;
	assert_int_equal(sdbox_reader_content_len(r), sizeof data);
	sdbox_reader_free(r);
	free(f.p);
}

static unsigned char *
slurp(const char *name, size_t *len)
{
	char path[4096];
	FILE *fp;
	unsigned char *buf;
	long sz;

	snprintf(path, sizeof path, "%s/tests/vectors/v1/%s", SD_SOURCE_DIR, name);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	sz = ftell(fp);
	assert_true(sz >= 0);
	rewind(fp);
	buf = malloc((size_t)sz + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)sz, fp), (size_t)sz);
	fclose(fp);
	*len = (size_t)sz;
	return buf;
}

/* Version 1 files, as the version 1 writer made them, still open to their
 * exact content; the content hash in their trailer is still checked. */
static void
test_v1_files(void **state)
{
	static const char *const good[] = { "good-empty", "good-small", "good-one-frame",
		"good-two-frames", "good-three-frames", "good-padded", "good-forged" };
	char fname[64];

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		unsigned char *file, *want, *back = NULL;
		size_t flen, wlen, blen = 0;
		struct memin in;
		struct sdbox_reader *r = NULL;

		snprintf(fname, sizeof fname, "%s.sdbox", good[i]);
		file = slurp(fname, &flen);
		snprintf(fname, sizeof fname, "%s.expected", good[i]);
		want = slurp(fname, &wlen);
		assert_int_equal(file[8], SDBOX_VERSION_1);
		assert_int_equal(open_buf(file, flen, vector_sk, &back, &blen, NULL), 0);
		assert_int_equal(blen, wlen);
		assert_true(wlen == 0 || memcmp(back, want, wlen) == 0);
		in = (struct memin){ .p = file, .len = flen };
		assert_int_equal(sdbox_reader_new(&r, vector_sk, mem_read, &in), 0);
		assert_int_equal(sdbox_reader_version(r), SDBOX_VERSION_1);
		sdbox_reader_free(r);
		/* Relabelled as version 2: refused by the header MAC. */
		file[8] = SDBOX_VERSION;
		assert_int_equal(
		    open_buf(file, flen, vector_sk, NULL, NULL, NULL), SD_ERR_HEADER_MAC);
		free(back);
		free(file);
		free(want);
	}
}

/* A version 1 file refused for what only version 1 has: the content hash,
 * and its final frame's length in a version 2 file and the other way. */
static void
test_v1_refusals(void **state)
{
	size_t flen, cut;
	unsigned char *file;

	(void)state;
	file = slurp("bad-forged-trailer-hash-mismatch.sdbox", &flen);
	assert_int_equal(open_buf(file, flen, vector_sk, NULL, NULL, NULL), SD_ERR_TRAILER);
	free(file);
	file = slurp("bad-forged-trailer-length-mismatch.sdbox", &flen);
	assert_int_equal(open_buf(file, flen, vector_sk, NULL, NULL, NULL), SD_ERR_TRAILER);
	free(file);
	/* Every cut of a small version 1 file is a truncation. */
	file = slurp("good-small.sdbox", &flen);
	assert_int_equal(flen, HDR1 + FRAME_META + FRAME_FINAL_V1);
	for (cut = 0; cut < flen; cut++)
		if (open_buf(file, cut, vector_sk, NULL, NULL, NULL) != SD_ERR_TRUNCATED)
			fail_msg("v1 cut at %zu not refused as truncated", cut);
	free(file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_sizes),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_meta_bounds),
		cmocka_unit_test(test_padme_buckets),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_trailing_byte),
		cmocka_unit_test(test_bitflips),
		cmocka_unit_test(test_stanza_swap),
		cmocka_unit_test(test_frames_reordered),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_misuse_and_io_errors),
		cmocka_unit_test(test_reader_state_after_error),
		cmocka_unit_test(test_v2_layout),
		cmocka_unit_test(test_v1_files),
		cmocka_unit_test(test_v1_refusals),
	};

	return cmocka_run_group_tests_name("sdbox", tests, setup, NULL);
}
