/*
 * raw_secretstream.c - baseline for the spool benchmark: raw libsodium
 * crypto_secretstream_xchacha20poly1305 throughput, with nothing of the
 * .sdbox format around it (no header, no metadata, no padding, no MAC).
 *
 *   raw_secretstream [-r REPS] mem [SIZE_MIB]      (default 1024 MiB)
 *   raw_secretstream seal-file IN OUT KEYFILE
 *   raw_secretstream open-file IN OUT KEYFILE
 *
 * "mem" pushes SIZE_MIB of random bytes held in memory in 64 KiB chunks
 * (ciphertext into a reused frame buffer, like a write callback that
 * discards), then pulls a stored copy of that ciphertext back (plaintext
 * discarded), and prints the best of REPS runs (default 3) as
 * "raw-secretstream-seal MBps=..." and "raw-secretstream-open MBps=...".
 * The file modes stream a file through the same 64 KiB chunks (a raw
 * 32-byte key goes to KEYFILE), without fsync, so the I/O matches the file
 * tests of bench/seal.sh. MB means 10^6 bytes of plaintext.
 */
#define _POSIX_C_SOURCE 200809L

#include "bench_util.h"

#include <sodium.h>

#define CHUNK ((size_t)65536)
#define ABYTES ((size_t)crypto_secretstream_xchacha20poly1305_ABYTES)
#define HBYTES ((size_t)crypto_secretstream_xchacha20poly1305_HEADERBYTES)
#define KBYTES ((size_t)crypto_secretstream_xchacha20poly1305_KEYBYTES)

static int
write_full(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += (size_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read up to len bytes, short only at end of file. */
static int
read_full(int fd, unsigned char *p, size_t len, size_t *got)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = read(fd, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		off += (size_t)n;
	}
	*got = off;
	return 0;
}

/* One timed push over plain; the ciphertext goes to store when not NULL
 * (laid out as header then frames), else to a reused frame buffer. */
static double
mem_seal(const unsigned char *key, const unsigned char *plain, size_t size, unsigned char *store,
    unsigned char *frame)
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	size_t off = 0, pos = HBYTES;
	double t0 = bench_now();

	crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
	if (store != NULL)
		memcpy(store, header, HBYTES);
	while (off < size) {
		size_t n = size - off < CHUNK ? size - off : CHUNK;
		unsigned char tag = off + n == size
		    ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
		    : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
		unsigned char *dst = store != NULL ? store + pos : frame;
		crypto_secretstream_xchacha20poly1305_push(
		    &st, dst, NULL, plain + off, n, NULL, 0, tag);
		off += n;
		pos += n + ABYTES;
	}
	return bench_now() - t0;
}

/* One timed pull over store; -1 when a frame fails. */
static double
mem_open(const unsigned char *key, const unsigned char *store, size_t size, unsigned char *frame)
{
	crypto_secretstream_xchacha20poly1305_state st;
	size_t off = 0, pos = HBYTES;
	double t0 = bench_now();

	if (crypto_secretstream_xchacha20poly1305_init_pull(&st, store, key) != 0)
		return -1;
	while (off < size) {
		size_t n = size - off < CHUNK ? size - off : CHUNK;
		unsigned char tag = 0;
		unsigned long long got = 0;
		if (crypto_secretstream_xchacha20poly1305_pull(
			&st, frame, &got, &tag, store + pos, n + ABYTES, NULL, 0) != 0 ||
		    got != n)
			return -1;
		if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) != (off + n == size))
			return -1;
		off += n;
		pos += n + ABYTES;
	}
	return bench_now() - t0;
}

static int
run_mem(unsigned long mib, unsigned long reps)
{
	size_t size = (size_t)mib * 1024 * 1024;
	size_t nframes = (size + CHUNK - 1) / CHUNK;
	size_t ctlen = HBYTES + size + nframes * ABYTES;
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char *plain = malloc(size), *store = malloc(ctlen);
	unsigned char *frame = malloc(CHUNK + ABYTES);
	double best_seal = 0, best_open = 0;
	int rc = 1;

	if (plain == NULL || store == NULL || frame == NULL) {
		fprintf(stderr, "raw_secretstream: out of memory for %lu MiB\n", mib);
		goto out;
	}
	randombytes_buf(plain, size);
	memset(store, 0, ctlen); /* touch every page before timing */
	crypto_secretstream_xchacha20poly1305_keygen(key);
	(void)mem_seal(key, plain, size, store, frame); /* ciphertext for open */
	for (unsigned long i = 0; i < reps; i++) {
		double s = mem_seal(key, plain, size, NULL, frame);
		double o = mem_open(key, store, size, frame);
		if (o < 0) {
			fprintf(stderr, "raw_secretstream: a frame failed to open\n");
			goto out;
		}
		bench_best(&best_seal, s);
		bench_best(&best_open, o);
	}
	printf("raw-secretstream-seal MBps=%.1f\n", bench_mbps(size, best_seal));
	printf("raw-secretstream-open MBps=%.1f\n", bench_mbps(size, best_open));
	rc = 0;
out:
	sodium_memzero(key, sizeof key);
	free(plain);
	free(store);
	free(frame);
	return rc;
}

/* Stream IN to OUT; the key is written to (seal) or read from (open) KEYFILE. */
static int
run_file(int seal, const char *inpath, const char *outpath, const char *keypath)
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char *in = malloc(CHUNK + ABYTES), *out = malloc(CHUNK + ABYTES);
	int infd = -1, outfd = -1, kfd = -1, rc = 1;
	uint64_t total = 0;
	size_t got = 0;
	double t0;

	if (in == NULL || out == NULL)
		goto out;
	if (seal) {
		crypto_secretstream_xchacha20poly1305_keygen(key);
		kfd = open(keypath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (kfd < 0 || write_full(kfd, key, KBYTES) != 0 || close(kfd) != 0) {
			fprintf(stderr, "raw_secretstream: %s: cannot write the key\n", keypath);
			goto out;
		}
	} else {
		kfd = open(keypath, O_RDONLY | O_CLOEXEC);
		if (kfd < 0 || read_full(kfd, key, KBYTES, &got) != 0 || got != KBYTES) {
			fprintf(stderr, "raw_secretstream: %s: cannot read the key\n", keypath);
			goto out;
		}
		close(kfd);
	}
	kfd = -1;
	t0 = bench_now();
	if (bench_open_files("raw_secretstream", inpath, outpath, &infd, &outfd) != 0)
		goto out;
	if (seal) {
		crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
		if (write_full(outfd, header, HBYTES) != 0)
			goto ioerr;
		/* Full chunks are MESSAGE frames; the first short one (maybe
		 * empty) is the FINAL frame. */
		for (;;) {
			unsigned char tag;
			if (read_full(infd, in, CHUNK, &got) != 0)
				goto ioerr;
			tag = got < CHUNK ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
					  : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
			crypto_secretstream_xchacha20poly1305_push(
			    &st, out, NULL, in, got, NULL, 0, tag);
			if (write_full(outfd, out, got + ABYTES) != 0)
				goto ioerr;
			total += got;
			if (got < CHUNK)
				break;
		}
	} else {
		if (read_full(infd, header, HBYTES, &got) != 0 || got != HBYTES ||
		    crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key) != 0)
			goto bad;
		for (;;) {
			unsigned char tag = 0;
			unsigned long long plen = 0;
			if (read_full(infd, in, CHUNK + ABYTES, &got) != 0)
				goto ioerr;
			if (got < ABYTES ||
			    crypto_secretstream_xchacha20poly1305_pull(
				&st, out, &plen, &tag, in, got, NULL, 0) != 0)
				goto bad;
			if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) !=
			    (got < CHUNK + ABYTES))
				goto bad;
			if (write_full(outfd, out, (size_t)plen) != 0)
				goto ioerr;
			total += plen;
			if (got < CHUNK + ABYTES)
				break;
		}
		if (read_full(infd, in, 1, &got) != 0 || got != 0)
			goto bad;
	}
	if (close(outfd) != 0) {
		outfd = -1;
		goto ioerr;
	}
	outfd = -1;
	printf("raw-secretstream-%s-file MBps=%.1f\n", seal ? "seal" : "open",
	    bench_mbps(total, bench_now() - t0));
	rc = 0;
	goto out;
ioerr:
	fprintf(stderr, "raw_secretstream: I/O error: %s\n", strerror(errno));
	goto out;
bad:
	fprintf(stderr, "raw_secretstream: %s: not a valid stream for this key\n", inpath);
out:
	if (infd >= 0)
		close(infd);
	if (outfd >= 0)
		close(outfd);
	sodium_memzero(key, sizeof key);
	free(in);
	free(out);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: raw_secretstream [-r REPS] mem [SIZE_MIB]\n"
	    "       raw_secretstream seal-file IN OUT KEYFILE\n"
	    "       raw_secretstream open-file IN OUT KEYFILE\n");
}

int
main(int argc, char **argv)
{
	unsigned long reps = 3, mib = 1024;
	int i, mode;

	if (sodium_init() < 0) {
		fprintf(stderr, "raw_secretstream: cannot initialise libsodium\n");
		return 1;
	}
	if ((mode = bench_args(argc, argv, &i, &reps, &mib)) == 1)
		return run_mem(mib, reps);
	if (mode == 0 && argc - i == 4 && strcmp(argv[i], "seal-file") == 0)
		return run_file(1, argv[i + 1], argv[i + 2], argv[i + 3]);
	if (mode == 0 && argc - i == 4 && strcmp(argv[i], "open-file") == 0)
		return run_file(0, argv[i + 1], argv[i + 2], argv[i + 3]);
	usage();
	return 2;
}
