/*
 * bench_seal.c - throughput of the .sdbox writer and reader (crypto/sdbox.h),
 * linked against the project's static libraries, for bench/seal.sh.
 *
 *   bench_seal [-r REPS] mem [SIZE_MIB]      (default 1024 MiB)
 *   bench_seal seal-file IN OUT PUBKEYFILE
 *   bench_seal open-file IN OUT KEYFILE PASSFILE
 *   bench_seal keygen OUT.key PASSFILE
 *
 * "mem" seals SIZE_MIB of random bytes held in memory, fed in 64 KiB pieces
 * to a writer whose callback discards the output, then opens a stored copy of
 * such a file through a read callback over that memory buffer (content
 * discarded), one recipient, and prints the best of REPS runs (default 3) as
 * "sdbox-seal-mem MBps=..." and "sdbox-open-mem MBps=...". MB means 10^6
 * bytes of content; padding and framing are not counted.
 *
 * "seal-file" seals a file to the key in PUBKEYFILE with sdbox_fd_write, as
 * the daemon does; "open-file" opens one with the reader alone (no fsync,
 * no rename, unlike sealdrop-open), so it compares with `age -d`. Both print
 * "sdbox-seal-file MBps=..." / "sdbox-open-file MBps=...". "keygen" is a
 * stand-in for sealdrop-keygen at the interactive KDF level, used only when
 * that tool is not built: it writes OUT.key and the matching .pub file.
 */
#define _POSIX_C_SOURCE 200809L

#include "sdbox.h"
#include "sderr.h"
#include "sdio.h"
#include "sdkey.h"

#include "bench_util.h"

#include <sodium.h>

#define PIECE ((size_t)65536)

static void
fail(const char *what, int e)
{
	fprintf(stderr, "bench_seal: %s: %s\n", what, sd_strerror(e));
}

static void
bench_meta(struct sdbox_meta *m)
{
	memset(m, 0, sizeof *m);
	m->kind = SDBOX_KIND_FILE;
	(void)snprintf(m->name, sizeof m->name, "%s", "bench.bin");
	(void)snprintf(m->mime, sizeof m->mime, "%s", "application/octet-stream");
	(void)snprintf(m->ref, sizeof m->ref, "%s", "bench");
	m->time = (uint64_t)time(NULL);
}

/* ---- in-memory callbacks ---------------------------------------------- */

struct membuf {
	unsigned char *p; /* NULL: discard */
	size_t cap;
	size_t off;
};

static int
mem_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct membuf *m = ctx;

	if (len > m->cap - m->off)
		return SD_ERR_IO;
	if (m->p != NULL)
		memcpy(m->p + m->off, buf, len);
	m->off += len;
	return 0;
}

static int
mem_read(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
	struct membuf *m = ctx;
	size_t n = m->cap - m->off < len ? m->cap - m->off : len;

	memcpy(buf, m->p + m->off, n);
	m->off += n;
	*got = n;
	return 0;
}

/* Seal plain[0..size) into out; the time taken in *secs. */
static int
seal_mem(const unsigned char (*rcpt)[SDBOX_PUBLICKEYBYTES], const unsigned char *plain, size_t size,
    struct membuf *out, double *secs)
{
	struct sdbox_writer *w = NULL;
	struct sdbox_meta meta;
	double t0;
	int e;

	bench_meta(&meta);
	out->off = 0;
	t0 = bench_now();
	if ((e = sdbox_writer_new(&w, rcpt, 1, &meta, mem_write, out)) != 0)
		goto out;
	for (size_t off = 0; off < size; off += PIECE) {
		size_t n = size - off < PIECE ? size - off : PIECE;
		if ((e = sdbox_writer_write(w, plain + off, n)) != 0)
			goto out;
	}
	e = sdbox_writer_finish(w);
out:
	sdbox_writer_free(w);
	*secs = bench_now() - t0;
	return e;
}

/* Open in; with check, compare the content with plain. */
static int
open_mem(const unsigned char *sk, struct membuf *in, const unsigned char *plain, size_t size,
    int check, double *secs)
{
	struct sdbox_reader *r = NULL;
	const unsigned char *chunk = NULL;
	size_t len = 0;
	uint64_t total = 0;
	double t0;
	int e;

	in->off = 0;
	t0 = bench_now();
	if ((e = sdbox_reader_new(&r, sk, mem_read, in)) != 0)
		goto out;
	for (;;) {
		if ((e = sdbox_reader_read(r, &chunk, &len)) != 0 || len == 0)
			break;
		if (check && (total + len > size || memcmp(chunk, plain + total, len) != 0)) {
			e = SD_ERR_TRAILER;
			break;
		}
		total += len;
	}
	if (e == 0 && total != size)
		e = SD_ERR_TRAILER;
out:
	sdbox_reader_free(r);
	*secs = bench_now() - t0;
	return e;
}

static int
run_mem(unsigned long mib, unsigned long reps)
{
	size_t size = (size_t)mib * 1024 * 1024;
	uint64_t fsize = sdbox_file_size(size, 1);
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	const unsigned char(*rcpt)[SDBOX_PUBLICKEYBYTES] =
	    (const unsigned char(*)[SDBOX_PUBLICKEYBYTES])pk;
	unsigned char *sk = sodium_malloc(SDKEY_SECRETKEYBYTES);
	unsigned char *plain = malloc(size);
	struct membuf store = { NULL, 0, 0 }, sink = { NULL, SIZE_MAX, 0 };
	double best_seal = 0, best_open = 0, s = 0, o = 0;
	int e, rc = 1;

	if (fsize > SIZE_MAX || sk == NULL || plain == NULL ||
	    (store.p = malloc((size_t)fsize)) == NULL) {
		fprintf(stderr, "bench_seal: out of memory for %lu MiB\n", mib);
		goto out;
	}
	store.cap = (size_t)fsize;
	randombytes_buf(plain, size);
	memset(store.p, 0, store.cap); /* touch every page before timing */
	if ((e = sdkey_keypair(pk, sk)) != 0) {
		fail("keypair", e);
		goto out;
	}
	/* A stored file for the reader, checked once outside the timing. */
	if ((e = seal_mem(rcpt, plain, size, &store, &s)) != 0) {
		fail("seal", e);
		goto out;
	}
	if (store.off != store.cap) {
		fprintf(stderr, "bench_seal: wrote %zu bytes, sdbox_file_size says %zu\n",
		    store.off, store.cap);
		goto out;
	}
	if ((e = open_mem(sk, &store, plain, size, 1, &o)) != 0) {
		fail("open (checked)", e);
		goto out;
	}
	for (unsigned long i = 0; i < reps; i++) {
		if ((e = seal_mem(rcpt, plain, size, &sink, &s)) != 0) {
			fail("seal", e);
			goto out;
		}
		if ((e = open_mem(sk, &store, plain, size, 0, &o)) != 0) {
			fail("open", e);
			goto out;
		}
		bench_best(&best_seal, s);
		bench_best(&best_open, o);
	}
	printf("sdbox-seal-mem MBps=%.1f\n", bench_mbps(size, best_seal));
	printf("sdbox-open-mem MBps=%.1f\n", bench_mbps(size, best_open));
	printf("sdbox-file-bytes content=%zu file=%zu overhead_pct=%.2f\n", size, store.cap,
	    size ? 100.0 * ((double)store.cap - (double)size) / (double)size : 0.0);
	rc = 0;
out:
	if (sk != NULL)
		sodium_free(sk);
	free(plain);
	free(store.p);
	return rc;
}

/* ---- file modes ---------------------------------------------------------- */

static int
seal_file(const char *inpath, const char *outpath, const char *pubpath)
{
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	struct sdbox_writer *w = NULL;
	struct sdbox_meta meta;
	unsigned char *buf = malloc(PIECE);
	int infd = -1, outfd = -1, e, rc = 1;
	size_t got = 0;
	double t0;

	if (buf == NULL)
		goto out;
	if ((e = sdkey_load_public(pubpath, pk)) != 0) {
		fail(pubpath, e);
		goto out;
	}
	bench_meta(&meta);
	t0 = bench_now();
	if (bench_open_files("bench_seal", inpath, outpath, &infd, &outfd) != 0)
		goto out;
	if ((e = sdbox_writer_new(&w, (const unsigned char(*)[SDBOX_PUBLICKEYBYTES])pk, 1, &meta,
		 sdbox_fd_write, &outfd)) != 0) {
		fail("writer", e);
		goto out;
	}
	do {
		if ((e = sd_read_full(infd, buf, PIECE, &got)) != 0 ||
		    (e = sdbox_writer_write(w, buf, got)) != 0) {
			fail("seal", e);
			goto out;
		}
	} while (got == PIECE);
	if ((e = sdbox_writer_finish(w)) != 0) {
		fail("finish", e);
		goto out;
	}
	if (close(outfd) != 0) {
		outfd = -1;
		fprintf(stderr, "bench_seal: %s: %s\n", outpath, strerror(errno));
		goto out;
	}
	outfd = -1;
	printf("sdbox-seal-file MBps=%.1f\n",
	    bench_mbps(sdbox_writer_content_len(w), bench_now() - t0));
	rc = 0;
out:
	sdbox_writer_free(w);
	if (infd >= 0)
		close(infd);
	if (outfd >= 0)
		close(outfd);
	free(buf);
	return rc;
}

static int
load_secret(const char *keypath, const char *passpath, unsigned char *sk)
{
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	struct sd_secret pass = { 0 };
	int e;

	if ((e = sd_secret_from_file(passpath, &pass)) != 0) {
		fail(passpath, e);
		return e;
	}
	e = sdkey_load_secret(keypath, pass.buf, pass.len, sk, pk);
	sd_secret_free(&pass);
	if (e != 0)
		fail(keypath, e);
	return e;
}

static int
open_file(const char *inpath, const char *outpath, const char *keypath, const char *passpath)
{
	unsigned char *sk = sodium_malloc(SDKEY_SECRETKEYBYTES);
	struct sdbox_reader *r = NULL;
	const unsigned char *chunk = NULL;
	size_t len = 0;
	uint64_t total = 0;
	int infd = -1, outfd = -1, e, rc = 1;
	double t0;

	if (sk == NULL || load_secret(keypath, passpath, sk) != 0)
		goto out;
	t0 = bench_now();
	if (bench_open_files("bench_seal", inpath, outpath, &infd, &outfd) != 0)
		goto out;
	if ((e = sdbox_reader_new(&r, sk, sdbox_fd_read, &infd)) != 0) {
		fail(inpath, e);
		goto out;
	}
	for (;;) {
		if ((e = sdbox_reader_read(r, &chunk, &len)) != 0) {
			fail(inpath, e);
			goto out;
		}
		if (len == 0)
			break;
		if ((e = sd_write_full(outfd, chunk, len)) != 0) {
			fail(outpath, e);
			goto out;
		}
		total += len;
	}
	if (close(outfd) != 0) {
		outfd = -1;
		fprintf(stderr, "bench_seal: %s: %s\n", outpath, strerror(errno));
		goto out;
	}
	outfd = -1;
	printf("sdbox-open-file MBps=%.1f\n", bench_mbps(total, bench_now() - t0));
	rc = 0;
out:
	sdbox_reader_free(r);
	if (infd >= 0)
		close(infd);
	if (outfd >= 0)
		close(outfd);
	if (sk != NULL)
		sodium_free(sk);
	return rc;
}

/* Stand-in for sealdrop-keygen: OUT.key and OUT.pub, interactive KDF. */
static int
keygen(const char *keypath, const char *passpath)
{
	unsigned char pk[SDKEY_PUBLICKEYBYTES], file[SDKEY_FILE_BYTES];
	unsigned char *sk = sodium_malloc(SDKEY_SECRETKEYBYTES);
	char text[SDKEY_PUBTEXT_BYTES + 1], pubpath[4096], line[SDKEY_PUBTEXT_BYTES + 2];
	struct sd_secret pass = { 0 };
	size_t klen = strlen(keypath), stem = klen;
	int e, n, rc = 1;

	if (klen > 4 && strcmp(keypath + klen - 4, ".key") == 0)
		stem = klen - 4;
	n = snprintf(pubpath, sizeof pubpath, "%.*s.pub", (int)stem, keypath);
	if (sk == NULL || n < 0 || (size_t)n >= sizeof pubpath)
		goto out;
	if ((e = sd_secret_from_file(passpath, &pass)) != 0 || (e = sdkey_keypair(pk, sk)) != 0 ||
	    (e = sdkey_seal(sk, pk, pass.buf, pass.len, SDKEY_KDF_INTERACTIVE, file)) != 0 ||
	    (e = sdkey_pub_encode(pk, text)) != 0) {
		fail("keygen", e);
		goto out;
	}
	n = snprintf(line, sizeof line, "%s\n", text);
	if (n < 0 || (size_t)n >= sizeof line)
		goto out;
	if ((e = sd_write_file_excl(keypath, file, sizeof file, 0600)) != 0 ||
	    (e = sd_write_file_excl(pubpath, line, (size_t)n, 0644)) != 0) {
		fail("keygen: writing the key files", e);
		goto out;
	}
	rc = 0;
out:
	sd_secret_free(&pass);
	sodium_memzero(file, sizeof file);
	if (sk != NULL)
		sodium_free(sk);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_seal [-r REPS] mem [SIZE_MIB]\n"
	    "       bench_seal seal-file IN OUT PUBKEYFILE\n"
	    "       bench_seal open-file IN OUT KEYFILE PASSFILE\n"
	    "       bench_seal keygen OUT.key PASSFILE\n");
}

int
main(int argc, char **argv)
{
	unsigned long reps = 3, mib = 1024;
	int i, n, mode;

	if (sodium_init() < 0) {
		fprintf(stderr, "bench_seal: cannot initialise libsodium\n");
		return 1;
	}
	if ((mode = bench_args(argc, argv, &i, &reps, &mib)) == 1)
		return run_mem(mib, reps);
	n = argc - i;
	if (mode == 0 && n == 4 && strcmp(argv[i], "seal-file") == 0)
		return seal_file(argv[i + 1], argv[i + 2], argv[i + 3]);
	if (mode == 0 && n == 5 && strcmp(argv[i], "open-file") == 0)
		return open_file(argv[i + 1], argv[i + 2], argv[i + 3], argv[i + 4]);
	if (mode == 0 && n == 3 && strcmp(argv[i], "keygen") == 0)
		return keygen(argv[i + 1], argv[i + 2]);
	usage();
	return 2;
}
