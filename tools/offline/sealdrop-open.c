/*
 * sealdrop-open - the air-gapped side: decrypt and verify .sdbox files with
 * the journalist's offline secret key, then clean their metadata.
 *
 *   sealdrop-open --key FILE.key [--passphrase-file F] --out DIR INPUT...
 *   sealdrop-open --clean-only --out DIR FILE...
 *
 * INPUT is a spool directory, a .tar bundle or a .sdbox file. Each .sdbox is
 * decrypted into a private staging directory in DIR and kept only when the
 * whole file verified (header MAC, every frame, trailer, end of file). Then
 * the key is wiped, and each attachment is cleaned in a sandboxed child
 * (clean/clean.h) into one folder per source (docs/opener.md). A file that
 * fails verification leaves nothing in DIR. Exit status 0 only when every
 * input verified and no cleaner failed; a type no cleaner handles is put in
 * uncleaned/ and reported, which is not a failure.
 */
#include "clean.h"
#include "opener.h"
#include "sdbox.h"
#include "sderr.h"
#include "sdio.h"
#include "sdkey.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#define PROG "sealdrop-open"
#define PROGRESS_BYTES (64u << 20)
#define PROGRESS_FILES 20

struct opts {
	const char *key;
	const char *passfile;
	const char *out;
	int quiet;
	int clean_only;
	int no_progress;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " --key FILE.key [--passphrase-file F] --out DIR INPUT...\n"
	    "       " PROG " --clean-only --out DIR FILE...\n"
	    "Decrypt and verify a spool directory, a .tar bundle or .sdbox files with an\n"
	    "offline journalist key, and clean the metadata of every document.\n"
	    "  --key FILE.key          secret key made by sealdrop-keygen\n"
	    "  --passphrase-file F     read the passphrase from F (else prompt)\n"
	    "  --out DIR               where verified, cleaned plaintext is written\n"
	    "  --clean-only            clean plain FILEs, no key needed\n"
	    "  --no-progress           no progress bar\n"
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
		{ "clean-only", no_argument, NULL, 'c' },
		{ "no-progress", no_argument, NULL, 'P' },
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
		case 'c': o->clean_only = 1; break;
		case 'P': o->no_progress = 1; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (o->out == NULL || optind >= argc || (o->key == NULL) != (o->clean_only != 0)) {
		fprintf(stderr, PROG ": --out, at least one input, and either --key or "
		    "--clean-only are required\n");
		return -1;
	}
	return optind;
}

static int
load_key(const struct opts *o, unsigned char *sk)
{
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	const char *what = NULL;
	int e = sdkey_unlock(o->key, o->passfile, "Passphrase for the secret key: ", sk, pk, &what);

	if (e != 0)
		fprintf(stderr, PROG ": %s: %s\n", what, sd_strerror(e));
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

/* Decrypt every input into staging, then wipe and unmap the key. */
static int
decrypt_all(const struct opts *o, struct opener_run *r, int argc, char **argv, int first)
{
	unsigned char *sk = sodium_malloc(SDKEY_SECRETKEYBYTES);
	int e;

	if (sk == NULL)
		return SD_ERR_NOMEM;
	if ((e = load_key(o, sk)) != 0) {
		sodium_free(sk);
		return e;
	}
	if ((e = opener_stage_init(r)) != 0) {
		sodium_free(sk);
		fprintf(stderr, PROG ": %s: cannot create the staging directory: %s\n", o->out,
		    strerror(errno));
		return e;
	}
	for (int i = first; i < argc; i++)
		(void)opener_collect(r, argv[i], sk);
	opener_progress_count(r, 1);
	sodium_free(sk); /* wiped and unmapped before any cleaner is forked */
	return 0;
}

static int
list_plain(struct opener_run *r, int argc, char **argv, int first)
{
	for (int i = first; i < argc; i++) {
		struct opener_item *it = opener_item_new(r, argv[i]);
		struct stat st;
		const char *base = strrchr(argv[i], '/');
		if (it == NULL)
			return SD_ERR_NOMEM;
		it->path = argv[i];
		(void)snprintf(it->name, sizeof it->name, "%s", base ? base + 1 : argv[i]);
		if (stat(argv[i], &st) != 0 || !S_ISREG(st.st_mode)) {
			(void)snprintf(it->error, sizeof it->error, "not a regular file");
			it->status = OPENER_STATUS_VERIFY_FAILED;
			continue;
		}
		it->verified = 1;
		it->size = (uint64_t)st.st_size;
		r->total_bytes += it->size;
	}
	return 0;
}

/* Print a one-line error on stderr for every input that failed; count the
 * files (a summary line of failed files stands for its count, the line of
 * a stopped input for none). Returns the number of lines printed. */
static int
count_failures(const struct opener_run *r, size_t *files, size_t *failed_files)
{
	int failed = 0;

	*files = *failed_files = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct opener_item *it = &r->items[i];
		const char *why = it->error[0] ? it->error : it->rep ? it->rep->error : "";
		size_t k = it->summary == OPENER_SUMMARY_STOPPED ? 0 :
		    it->summary == OPENER_SUMMARY_MORE_FAILED ? it->count : 1;
		*files += k;
		if (it->status == NULL || strcmp(it->status, OPENER_STATUS_VERIFY_FAILED) == 0 ||
		    strcmp(it->status, OPENER_STATUS_NOCLEAN) == 0 ||
		    strcmp(it->status, OPENER_STATUS_STOPPED) == 0) {
			*failed_files += k;
			char label[OPENER_LABEL_MAX], reason[CLEAN_ERROR_MAX + 1];
			opener_printable(it->label, label, sizeof label);
			opener_printable(why[0] ? why : "failed", reason, sizeof reason);
			fprintf(stderr, PROG ": %s: %s%s%s\n", label,
			    it->status && strcmp(it->status, OPENER_STATUS_NOCLEAN) == 0 ?
			    "could not clean: " : "", reason,
			    it->out[0] ? " (original kept in uncleaned/)" : "");
			failed++;
		}
	}
	return failed;
}

static void
free_run(struct opener_run *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->items[i].rep);
	free(r->items);
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct opener_run r = { .stagefd = -1 };
	struct clean_ctx *cc = NULL;
	size_t files = 0, failed_files = 0;
	int first, failed;

	if (sodium_init() < 0) {
		fprintf(stderr, PROG ": cannot initialise libsodium\n");
		return 1;
	}
	if ((first = parse_opts(argc, argv, &o)) < 0) {
		usage(stderr);
		return 2;
	}
	if ((r.outfd = prepare_out(o.out)) < 0)
		return 1;
	r.quiet = o.quiet;
	r.tty = !o.no_progress && isatty(2);
	if (o.clean_only ? list_plain(&r, argc, argv, first) != 0 :
	    decrypt_all(&o, &r, argc, argv, first) != 0) {
		opener_stage_remove(&r);
		return 1;
	}
	r.progress = !o.no_progress && isatty(2) &&
	    (r.total_bytes >= PROGRESS_BYTES || r.n >= PROGRESS_FILES);
	if (clean_ctx_new(&cc) != 0) {
		fprintf(stderr, PROG ": cannot load the libmagic database\n");
		opener_stage_remove(&r);
		return 1;
	}
	(void)opener_place_all(&r, cc);
	opener_stage_remove(&r);
	if (opener_report(&r, o.clean_only) != 0)
		fprintf(stderr, PROG ": %s: cannot write the report\n", o.out);
	failed = count_failures(&r, &files, &failed_files);
	clean_ctx_free(cc);
	close(r.outfd);
	if (failed > 0)
		fprintf(stderr, PROG ": %zu of %zu files failed\n", failed_files, files);
	free_run(&r);
	return failed ? 1 : 0;
}
