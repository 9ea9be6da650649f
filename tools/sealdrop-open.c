/*
 * sealdrop-open - the air-gapped side: decrypt and verify .sdbox files with
 * the journalist's offline secret key.
 *
 *   sealdrop-open --key FILE.key [--passphrase-file F] --out DIR INPUT...
 *
 * Each input is decrypted into a temporary file in DIR (O_EXCL, 0600) that
 * is renamed to its final name only after the whole file verified (header
 * MAC, every frame, trailer, end of file). A file that fails leaves nothing
 * in DIR. Exit status 0 only when every input was fully handled.
 *
 * This first version reads .sdbox files; spool directories, .tar bundles
 * and metadata cleaning are described in docs/ as coming next.
 */
#include "sdbox.h"
#include "sdhash.h"
#include "sderr.h"
#include "sdio.h"
#include "sdkey.h"
#include "safename.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#define PROG "sealdrop-open"

struct opts {
	const char *key;
	const char *passfile;
	const char *out;
	int quiet;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " --key FILE.key [--passphrase-file F] --out DIR INPUT...\n"
	    "Decrypt and verify .sdbox files with an offline journalist key.\n"
	    "  --key FILE.key          secret key made by sealdrop-keygen\n"
	    "  --passphrase-file F     read the passphrase from F (else prompt)\n"
	    "  --out DIR               where verified plaintext is written\n"
	    "  --quiet                 print errors only\n");
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "k:p:o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'k': o->key = optarg; break;
		case 'p': o->passfile = optarg; break;
		case 'o': o->out = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (o->key == NULL || o->out == NULL || optind >= argc) {
		fprintf(stderr, PROG ": --key, --out and at least one input are required\n");
		return -1;
	}
	return optind;
}

/* The name the plaintext of this file gets in the output directory. */
static void
output_name(const struct sdbox_meta *m, char name[SAFENAME_MAX + 1])
{
	switch (m->kind) {
	case SDBOX_KIND_MESSAGE: safename_make("message.txt", "message.txt", name); break;
	case SDBOX_KIND_REPLY: safename_make("reply.txt", "reply.txt", name); break;
	default: safename_make(m->name, "attachment", name); break;
	}
}

/* Link tmp to a free name based on want inside dirfd: "a.txt", "a (2).txt"... */
static int
publish(int dirfd, const char *tmp, const char *want, char *final, size_t finalsz)
{
	const char *dot = strrchr(want, '.');
	size_t stem = (dot && dot != want) ? (size_t)(dot - want) : strlen(want);
	const char *ext = want + stem;

	for (unsigned i = 1; i < 10000; i++) {
		int n = i == 1 ? snprintf(final, finalsz, "%s", want)
		               : snprintf(final, finalsz, "%.*s (%u)%s", (int)stem, want, i, ext);
		if (n < 0 || (size_t)n >= finalsz)
			return SD_ERR_TOOLONG;
		if (linkat(dirfd, tmp, dirfd, final, 0) == 0)
			return 0;
		if (errno != EEXIST)
			return SD_ERR_IO;
	}
	return SD_ERR_EXISTS;
}

/* Stream the content of r into fd. */
static int
copy_content(struct sdbox_reader *r, int fd)
{
	const unsigned char *chunk = NULL;
	size_t len = 0;
	int e;

	for (;;) {
		if ((e = sdbox_reader_read(r, &chunk, &len)) != 0)
			return e;
		if (len == 0)
			return 0;
		if ((e = sd_write_full(fd, chunk, len)) != 0)
			return e;
	}
}

/* Decrypt one .sdbox file into dirfd. */
static int
open_one(const char *path, int dirfd, const unsigned char *sk, char *final, size_t finalsz)
{
	struct sdbox_reader *r = NULL;
	char tmp[64], want[SAFENAME_MAX + 1];
	unsigned char rnd[8];
	int in = -1, outfd = -1, e;

	randombytes_buf(rnd, sizeof rnd);
	(void)snprintf(tmp, sizeof tmp, ".sealdrop-tmp-%02x%02x%02x%02x%02x%02x%02x%02x",
	    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	in = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (in < 0) {
		e = SD_ERR_IO;
		goto out;
	}
	if ((e = sdbox_reader_new(&r, sk, sdbox_fd_read, &in)) != 0)
		goto out;
	outfd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (outfd < 0) {
		e = SD_ERR_IO;
		goto out;
	}
	if ((e = copy_content(r, outfd)) != 0)
		goto out;
	if (fsync(outfd) != 0 || close(outfd) != 0) {
		outfd = -1;
		e = SD_ERR_IO;
		goto out;
	}
	outfd = -1;
	output_name(sdbox_reader_meta(r), want);
	if ((e = publish(dirfd, tmp, want, final, finalsz)) != 0)
		goto out;
	e = fsync(dirfd) == 0 ? 0 : SD_ERR_IO;
out:
	if (outfd >= 0)
		close(outfd);
	(void)unlinkat(dirfd, tmp, 0);
	if (in >= 0)
		close(in);
	sdbox_reader_free(r);
	return e;
}

static int
load_key(const struct opts *o, unsigned char *sk)
{
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	struct sd_secret pass = { 0 };
	int e;

	e = o->passfile ? sd_secret_from_file(o->passfile, &pass)
	                : sd_secret_prompt("Passphrase for the secret key: ", 0, &pass);
	if (e != 0) {
		fprintf(stderr, PROG ": cannot read the passphrase: %s\n", sd_strerror(e));
		return e;
	}
	e = sdkey_load_secret(o->key, pass.buf, pass.len, sk, pk);
	sd_secret_free(&pass);
	if (e != 0)
		fprintf(stderr, PROG ": %s: %s\n", o->key, sd_strerror(e));
	return e;
}

static int
prepare_out(const char *dir)
{
	int fd;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, PROG ": %s: cannot create: %s\n", dir, strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, PROG ": %s: cannot open: %s\n", dir, strerror(errno));
	return fd;
}

static int
handle_input(const char *path, int dirfd, const unsigned char *sk, int quiet)
{
	char final[SAFENAME_MAX + 16];
	struct stat st;
	int e;

	if (stat(path, &st) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, PROG ": %s: not a .sdbox file (spool directories and bundles "
		    "are not supported by this version)\n", path);
		return -1;
	}
	e = open_one(path, dirfd, sk, final, sizeof final);
	if (e != 0) {
		fprintf(stderr, PROG ": %s: %s\n", path,
		    e == SD_ERR_IO && errno ? strerror(errno) : sd_strerror(e));
		return -1;
	}
	if (!quiet)
		printf("%s: verified -> %s\n", path, final);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	unsigned char *sk = NULL;
	int first, dirfd = -1, failed = 0;

	if (sodium_init() < 0) {
		fprintf(stderr, PROG ": cannot initialise libsodium\n");
		return 1;
	}
	/* Hash the content on the second core while the first decrypts. */
	sdhash_set_threaded(1);
	if ((first = parse_opts(argc, argv, &o)) < 0) {
		usage(stderr);
		return 2;
	}
	sk = sodium_malloc(SDKEY_SECRETKEYBYTES);
	if (sk == NULL || load_key(&o, sk) != 0 || (dirfd = prepare_out(o.out)) < 0) {
		if (sk)
			sodium_free(sk);
		return 1;
	}
	for (int i = first; i < argc; i++)
		if (handle_input(argv[i], dirfd, sk, o.quiet) != 0)
			failed++;
	sodium_free(sk);
	close(dirfd);
	if (failed > 0)
		fprintf(stderr, PROG ": %d of %d inputs failed\n", failed, argc - first);
	return failed ? 1 : 0;
}
