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
#include "opener_export.h"
#include "opener_reader.h"
#include "opener_state.h"
#include "sdi18n.h"
#include "sdbox.h"
#include "sderr.h"
#include "sdio.h"
#include "sdkey.h"
#include "sdlog.h"

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
	const char *key[OPENER_KEYS_MAX];
	size_t nkeys;
	const char *passfile[OPENER_KEYS_MAX];
	size_t npass;
	const char *out;
	int quiet;
	int clean_only;
	int safe_pdf;
	int ocr;                 /* --ocr */
	unsigned office_timeout; /* --office-timeout, seconds */
	int keep_originals;      /* --keep-originals */
	int no_progress;
	const char *lang;         /* --lang, else from the environment */
	const char *export_uwazi; /* --export-uwazi DEST */
	int export_messages;
};

/* The usage in lang (--help on stdout, after an option error on stderr). */
static void
usage(FILE *f, const char *lang)
{
	/* TRANSLATORS: sealdrop-open --help; keep the options as they are and
	 * the columns aligned. */
	/* xgettext:c-format */
	fprintf(f,
	    opener_tr(lang,
		"usage: sealdrop-open --key FILE.key [--key FILE2.key]... [--passphrase-file F]...\n"
		"                     --out DIR INPUT...\n"
		"       sealdrop-open --clean-only --out DIR FILE...\n"
		"       sealdrop-open --out DIR --export-uwazi DEST [--export-messages]\n"
		"Decrypt and verify a spool directory, a .tar bundle or .sdbox files with an\n"
		"offline journalist key, and clean the metadata of every document.\n"
		"  --key FILE.key          secret key made by sealdrop-keygen (up to %d: each\n"
		"                          is tried on every file, for keys that rotated)\n"
		"  --passphrase-file F     read the passphrase from F (else prompt); once for\n"
		"                          every key, or once per --key in the same order\n"
		"  --out DIR               where verified, cleaned plaintext is written; it\n"
		"                          keeps a state, so a later run writes only what is new\n"
		"  --clean-only            clean plain FILEs, no key needed\n"
		"  --safe-pdf              also draw each cleaned PDF or image into a PDF of\n"
		"                          page images only (NAME.safe.pdf beside it);\n"
		"                          office documents are converted by LibreOffice\n"
		"                          in its own sandbox first; an e-mail's attachments\n"
		"                          are saved beside it, cleaned and drawn too\n"
		"  --ocr                   with --safe-pdf: add an invisible text layer read\n"
		"                          by tesseract (English and French)\n"
		"  --office-timeout S      stop a LibreOffice conversion after S seconds\n"
		"                          (1-3600, default 180)\n"
		"  --keep-originals        also keep each cleaned file's verified original,\n"
		"                          NOT cleaned, in %s/ beside it\n"
		"  --export-uwazi DEST     write DIR's cleaned files as an Uwazi CSV import\n"
		"                          (DEST/import.zip, DEST/template.json; DEST is new)\n"
		"  --export-messages       with --export-uwazi: also each source's\n"
		"                          conversation as a printable PDF\n"
		"  --lang en|fr            language of its messages and report.txt, of\n"
		"                          DIR/index.html and of an export (default: from\n"
		"                          LANGUAGE, LC_ALL, LC_MESSAGES or LANG)\n"
		"  --no-progress           no progress bar\n"
		"  --quiet                 print errors only\n"),
	    OPENER_KEYS_MAX, OPENER_ORIGINALS_DIR);
}

/* Option errors and the usage are in lang (early_lang). */
static int
parse_opts(int argc, char **argv, struct opts *o, const char *lang)
{
	static const struct option lo[] = { { "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
		{ "clean-only", no_argument, NULL, 'c' }, { "no-progress", no_argument, NULL, 'P' },
		{ "safe-pdf", no_argument, NULL, 'S' },
		{ "office-timeout", required_argument, NULL, 'T' },
		{ "ocr", no_argument, NULL, 'R' }, { "keep-originals", no_argument, NULL, 'K' },
		{ "lang", required_argument, NULL, 'L' },
		{ "export-uwazi", required_argument, NULL, 'U' },
		{ "export-messages", no_argument, NULL, 'M' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	int c;

	opterr = 0; /* getopt's own messages would be in English: ours follow */
	while ((c = getopt_long(argc, argv, ":k:p:o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (o->nkeys == OPENER_KEYS_MAX) {
				fputs(PROG ": ", stderr);
				/* xgettext:c-format */
				fprintf(
				    stderr, opener_tr(lang, "at most %d --key\n"), OPENER_KEYS_MAX);
				return -1;
			}
			o->key[o->nkeys++] = optarg;
			break;
		case 'p':
			if (o->npass == OPENER_KEYS_MAX) {
				fputs(PROG ": ", stderr);
				/* xgettext:c-format */
				fprintf(stderr, opener_tr(lang, "at most %d --passphrase-file\n"),
				    OPENER_KEYS_MAX);
				return -1;
			}
			o->passfile[o->npass++] = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'c':
			o->clean_only = 1;
			break;
		case 'P':
			o->no_progress = 1;
			break;
		case 'S':
			o->safe_pdf = 1;
			break;
		case 'R':
			o->ocr = 1;
			break;
		case 'T': {
			char *end;
			unsigned long v;
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || v < 1 || v > 3600 ||
			    optarg[0] == '-') {
				fprintf(stderr, PROG ": %s",
				    opener_tr(lang, "--office-timeout: seconds from 1 to 3600\n"));
				return -1;
			}
			o->office_timeout = (unsigned)v;
			break;
		}
		case 'K':
			o->keep_originals = 1;
			break;
		case 'U':
			o->export_uwazi = optarg;
			break;
		case 'M':
			o->export_messages = 1;
			break;
		case 'L':
			if (!i18n_supported(optarg)) {
				fprintf(stderr, PROG ": %s",
				    opener_tr(lang, "--lang: one of en, fr\n"));
				return -1;
			}
			o->lang = optarg;
			break;
		case 'h':
			usage(stdout, lang);
			exit(0);
		case ':':
			fputs(PROG ": ", stderr);
			/* xgettext:c-format */
			fprintf(stderr, opener_tr(lang, "%s needs a value\n"), argv[optind - 1]);
			return -1;
		default:
			fputs(PROG ": ", stderr);
			/* xgettext:c-format */
			fprintf(stderr, opener_tr(lang, "%s: unknown option\n"),
			    optopt != 0 && optopt != '?' ? (char[]){ '-', (char)optopt, '\0' }
							 : argv[optind - 1]);
			return -1;
		}
	}
	if ((o->ocr || o->office_timeout) && !o->safe_pdf) {
		fprintf(stderr, PROG ": %s",
		    opener_tr(lang, "--ocr and --office-timeout go with --safe-pdf\n"));
		return -1;
	}
	if (o->export_uwazi != NULL || o->export_messages) {
		if (o->export_uwazi == NULL || o->out == NULL || optind < argc || o->nkeys ||
		    o->npass || o->clean_only || o->safe_pdf || o->keep_originals) {
			fprintf(stderr, PROG ": %s",
			    opener_tr(lang,
				"--export-uwazi DEST takes --out "
				"DIR (a folder sealdrop-open opened into) and no key, input or other "
				"mode\n"));
			return -1;
		}
		return optind;
	}
	if (o->out == NULL || optind >= argc || (o->nkeys == 0) != (o->clean_only != 0)) {
		fprintf(stderr, PROG ": %s",
		    opener_tr(lang,
			"--out, at least one input, and "
			"either --key or --clean-only are required\n"));
		return -1;
	}
	if (o->npass > 1 && o->npass != o->nkeys) {
		fprintf(stderr, PROG ": %s",
		    opener_tr(lang, "give --passphrase-file once, or once per --key\n"));
		return -1;
	}
	return optind;
}

/* Key i; its passphrase from the file given for it, or the only one. */
static int
load_key(const struct opts *o, size_t i, unsigned char *sk)
{
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	const char *what = NULL, *pf = o->npass == 0 ? NULL : o->passfile[o->npass == 1 ? 0 : i];
	char prompt[600];
	int e;

	if (o->nkeys == 1)
		(void)snprintf(prompt, sizeof prompt, "%s",
		    opener_tr(o->lang, "Passphrase for the secret key: "));
	else
		/* xgettext:c-format */
		(void)snprintf(prompt, sizeof prompt, opener_tr(o->lang, "Passphrase for %.500s: "),
		    o->key[i]);
	e = sdkey_unlock(o->key[i], pf, prompt, sk, pk, &what);
	sodium_memzero(pk, sizeof pk);
	if (e != 0)
		fprintf(stderr, PROG ": %s: %s\n", what, sd_strerror(e));
	return e;
}

static int
prepare_out(const char *dir, const char *lang)
{
	int fd;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		/* xgettext:c-format */
		fprintf(stderr, opener_tr(lang, "sealdrop-open: %s: cannot create: %s\n"), dir,
		    strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		/* xgettext:c-format */
		fprintf(stderr, opener_tr(lang, "sealdrop-open: %s: cannot open: %s\n"), dir,
		    strerror(errno));
	return fd;
}

/* Decrypt every input into staging, then wipe and unmap the keys. */
static int
decrypt_all(const struct opts *o, struct opener_run *r, int argc, char **argv, int first)
{
	unsigned char *sk[OPENER_KEYS_MAX] = { NULL };
	struct opener_keys keys = { .n = o->nkeys };
	int e = 0;

	for (size_t i = 0; i < o->nkeys && e == 0; i++) {
		if ((sk[i] = sodium_malloc(SDKEY_SECRETKEYBYTES)) == NULL)
			e = SD_ERR_NOMEM;
		else
			e = load_key(o, i, sk[i]);
		keys.sk[i] = sk[i];
	}
	if (e != 0)
		goto out;
	if ((e = opener_stage_init(r)) != 0) {
		fputs(PROG ": ", stderr);
		/* xgettext:c-format */
		fprintf(stderr, opener_tr(o->lang, "%s: cannot create the staging directory: %s\n"),
		    o->out, strerror(errno));
		goto out;
	}
	for (int i = first; i < argc; i++)
		(void)opener_collect(r, argv[i], &keys);
	opener_progress_count(r, 1);
out:
	for (size_t i = 0; i < o->nkeys; i++)
		sodium_free(sk[i]); /* wiped and unmapped before any cleaner is forked */
	return e;
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
			(void)snprintf(it->error, sizeof it->error, I18N_N("not a regular file"));
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
		size_t k = it->summary == OPENER_SUMMARY_STOPPED ? 0
		    : it->summary == OPENER_SUMMARY_MORE_FAILED  ? it->count
								 : 1;
		*files += k;
		if (it->status == NULL || strcmp(it->status, OPENER_STATUS_VERIFY_FAILED) == 0 ||
		    strcmp(it->status, OPENER_STATUS_NOCLEAN) == 0 ||
		    strcmp(it->status, OPENER_STATUS_STOPPED) == 0) {
			*failed_files += k;
			char label[OPENER_LABEL_MAX], reason[CLEAN_ERROR_MAX + 1];
			opener_printable(it->label, label, sizeof label);
			char tr[800];
			opener_printable(why[0] ? why : "failed", reason, sizeof reason);
			fprintf(stderr, PROG ": %s: %s%s%s\n", label,
			    it->status && strcmp(it->status, OPENER_STATUS_NOCLEAN) == 0
				? opener_tr(r->lang, "could not clean: ")
				: "",
			    opener_note_tr(r->lang, reason, tr, sizeof tr),
			    it->out[0] ? opener_tr(r->lang, " (original kept in uncleaned/)") : "");
			failed++;
		}
		/* an e-mail's attachments that could not be saved or cleaned */
		for (size_t j = 0; j < it->natt; j++) {
			const struct opener_item *a = &it->att[j];
			char label[OPENER_LABEL_MAX], name[OPENER_LABEL_MAX],
			    reason[CLEAN_ERROR_MAX + 1];
			*files += 1;
			if (a->status != NULL &&
			    strcmp(a->status, OPENER_STATUS_VERIFY_FAILED) != 0 &&
			    strcmp(a->status, OPENER_STATUS_NOCLEAN) != 0)
				continue;
			*failed_files += 1;
			opener_printable(it->label, label, sizeof label);
			opener_printable(a->name[0] ? a->label : opener_tr(r->lang, "(no name)"),
			    name, sizeof name);
			char tr[800];
			opener_printable(a->error[0]                 ? a->error
				: a->rep != NULL && a->rep->error[0] ? a->rep->error
								     : "failed",
			    reason, sizeof reason);
			fputs(PROG ": ", stderr);
			/* xgettext:c-format */
			fprintf(stderr, opener_tr(r->lang, "%s: attachment %s: %s%s%s\n"), label,
			    name,
			    a->status && strcmp(a->status, OPENER_STATUS_NOCLEAN) == 0
				? opener_tr(r->lang, "could not clean: ")
				: "",
			    opener_note_tr(r->lang, reason, tr, sizeof tr),
			    a->out[0] ? opener_tr(r->lang, " (original kept in uncleaned/)") : "");
			failed++;
		}
	}
	return failed;
}

static void
free_run(struct opener_run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		for (size_t k = 0; k < r->items[i].natt; k++)
			free(r->items[i].att[k].rep);
		free(r->items[i].att);
		free(r->items[i].rep);
	}
	free(r->items);
}

/* The language of the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG:
 * the first set), "fr_FR.UTF-8" counting as "fr"; "en" otherwise. */
static const char *
env_lang(void)
{
	static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v == NULL || v[0] == '\0')
			continue;
		return strncmp(v, "fr", 2) == 0 && (v[2] == '\0' || strchr("_.:@-", v[2])) ? "fr"
											   : "en";
	}
	return "en";
}

/* The language of the usage and option errors, before the options are
 * read: --lang's when it is supported, else the environment's. */
static const char *
early_lang(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc && i18n_supported(argv[i + 1]))
			return argv[i + 1];
		if (strncmp(argv[i], "--lang=", 7) == 0 && i18n_supported(argv[i] + 7))
			return argv[i] + 7;
	}
	return env_lang();
}

/* Take DIR's lock and load its state; a refused state stops the run
 * before any passphrase is asked. */
static int
open_state(const struct opts *o, struct opener_run *r, struct opener_state *st)
{
	char why[512];
	int e;

	if ((e = opener_state_lock(r->outfd)) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", o->out,
		    e == SD_ERR_BUSY
			? opener_tr(o->lang,
			      "another sealdrop-open is using this folder; wait for it "
			      "to finish")
			: opener_tr(o->lang, "cannot lock the folder"));
		return e;
	}
	why[0] = '\0';
	if ((e = opener_state_load(r->outfd, st, why, sizeof why)) != 0) {
		char tr[800], hint[400];
		hint[0] = '\0';
		if (e == SD_ERR_FORMAT || e == SD_ERR_CHECKSUM || e == SD_ERR_RANGE)
			/* xgettext:c-format */
			(void)snprintf(hint, sizeof hint,
			    opener_tr(o->lang,
				" (the state is never "
				"rebuilt over: keep the folder as it is, and open into a new --out "
				"folder, or restore %s from a backup)"),
			    OPENER_STATE_FILE);
		fputs(PROG ": ", stderr);
		/* xgettext:c-format */
		fprintf(stderr, opener_tr(o->lang, "%s: %s; nothing was opened%s\n"), o->out,
		    why[0] ? opener_note_tr(o->lang, why, tr, sizeof tr) : sd_strerror(e), hint);
		return e;
	}
	r->state = st;
	return 0;
}

/* After placing: record the run in the state and write it, so the next run
 * skips what is now in DIR. Only when the state existed or something was
 * written, so a run that refused everything still leaves DIR empty. */
static int
save_state(const struct opts *o, struct opener_run *r, struct opener_state *st)
{
	size_t placed = 0;
	int e;

	for (size_t i = 0; i < r->n; i++)
		placed += r->items[i].out[0] != '\0';
	if (!st->existed && placed == 0)
		return 0;
	r->replace_reports = 1;
	if ((e = opener_state_add_run(st, r)) == 0)
		e = opener_state_save(r->outfd, st);
	if (e != 0) {
		fputs(PROG ": ", stderr);
		/* xgettext:c-format */
		fprintf(stderr,
		    opener_tr(o->lang,
			"%s: cannot write the state %s: %s; the next "
			"run would open these items again\n"),
		    o->out, OPENER_STATE_FILE, sd_strerror(e));
		return e;
	}
	if ((e = opener_reader_write(r->outfd, st, o->lang)) != 0) {
		fputs(PROG ": ", stderr);
		/* xgettext:c-format */
		fprintf(stderr,
		    opener_tr(o->lang,
			"%s: cannot write the offline reader "
			"(index.html): %s\n"),
		    o->out, sd_strerror(e));
	}
	return e;
}

/* --export-uwazi: DIR's state (under its lock, so no run changes it
 * meanwhile) written into the new folder DEST. */
static int
export_uwazi(const struct opts *o)
{
	struct opener_export_opts eo = { .lang = o->lang, .messages = o->export_messages };
	struct opener_export_result res = { 0 };
	struct opener_run r = { .stagefd = -1 };
	struct opener_state st = { 0 };
	int e;

	if ((r.outfd = open(o->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		/* xgettext:c-format */
		fprintf(stderr, opener_tr(o->lang, "sealdrop-open: %s: cannot open: %s\n"), o->out,
		    strerror(errno));
		return 1;
	}
	if (open_state(o, &r, &st) != 0) {
		e = 1;
		goto out;
	}
	if (!st.existed) {
		fputs(PROG ": ", stderr);
		/* xgettext:c-format */
		fprintf(stderr,
		    opener_tr(o->lang,
			"%s: holds no %s: nothing was opened into it, "
			"nothing to export\n"),
		    o->out, OPENER_STATE_FILE);
		e = 1;
		goto out;
	}
	if ((e = opener_export_uwazi(r.outfd, &st, o->export_uwazi, &eo, &res)) != 0) {
		fputs(PROG ": ", stderr);
		/* xgettext:c-format */
		fprintf(stderr, opener_tr(o->lang, "%s: %s; nothing was exported\n"),
		    o->export_uwazi,
		    e == SD_ERR_EXISTS        ? opener_tr(o->lang,
						    "already exists: give a folder that "
							   "does not exist yet")
			: e == SD_ERR_TOOLONG ? opener_tr(o->lang,
						    "import.csv would be larger than 64 "
						    "MiB: too many files for one export")
					      : sd_strerror(e));
		e = 1;
		goto out;
	}
	if (!o->quiet)
		/* xgettext:c-format */
		printf(opener_tr(o->lang,
			   "exported %zu entities (%zu files) to %s/import.zip; "
			   "create the template of %s/template.json in Uwazi before importing\n"),
		    res.entities, res.files, o->export_uwazi, o->export_uwazi);
	if (res.skipped)
		fprintf(stderr,
		    opener_ntr(o->lang,
			"sealdrop-open: export: %zu recorded item was "
			"not exported (the lines above say why)\n",
			"sealdrop-open: export: %zu recorded "
			"items were not exported (the lines above say why)\n",
			res.skipped),
		    res.skipped);
	e = res.skipped ? 1 : 0;
out:
	opener_state_free(&st);
	close(r.outfd);
	return e;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct opener_run r = { .stagefd = -1 };
	struct opener_state st = { 0 };
	struct clean_ctx *cc = NULL;
	size_t files = 0, failed_files = 0;
	int first, failed, state_bad = 0;
	const char *early;

	sdlog_init(PROG);
	if (sodium_init() < 0)
		sdlog_fatalx("cannot initialise libsodium");
	/* The catalogues first: --lang is checked against them. */
	if (opener_reader_init() != 0)
		sdlog_fatalx("cannot load the embedded templates and catalogues");
	early = early_lang(argc, argv);
	if ((first = parse_opts(argc, argv, &o, early)) < 0) {
		usage(stderr, early);
		return 2;
	}
	if (o.export_uwazi != NULL) {
		if (o.lang == NULL)
			o.lang = env_lang();
		return export_uwazi(&o);
	}
	if (o.lang == NULL)
		o.lang = env_lang();
	if ((r.outfd = prepare_out(o.out, o.lang)) < 0)
		return 1;
	r.lang = o.lang;
	r.quiet = o.quiet;
	r.safe_pdf = o.safe_pdf;
	r.ocr = o.ocr;
	r.office_timeout_ms = o.office_timeout ? o.office_timeout * 1000u : CLEAN_OFFICE_TIMEOUT_MS;
	r.keep_originals = o.keep_originals;
	r.tty = !o.no_progress && isatty(2);
	if (!o.clean_only && open_state(&o, &r, &st) != 0) {
		opener_state_free(&st);
		close(r.outfd);
		return 1;
	}
	if (o.clean_only ? list_plain(&r, argc, argv, first) != 0
			 : decrypt_all(&o, &r, argc, argv, first) != 0) {
		opener_stage_remove(&r);
		opener_state_free(&st);
		return 1;
	}
	r.progress = !o.no_progress && isatty(2) &&
	    (r.total_bytes >= PROGRESS_BYTES || r.n >= PROGRESS_FILES);
	if (clean_ctx_new(&cc) != 0) {
		fprintf(stderr, PROG ": cannot load the libmagic database\n");
		opener_stage_remove(&r);
		opener_state_free(&st);
		return 1;
	}
	(void)opener_place_all(&r, cc);
	opener_stage_remove(&r);
	if (!o.clean_only)
		state_bad = save_state(&o, &r, &st) != 0;
	if (opener_report(&r, o.clean_only) != 0)
		/* xgettext:c-format */
		fprintf(stderr, opener_tr(o.lang, "sealdrop-open: %s: cannot write the report\n"),
		    o.out);
	failed = count_failures(&r, &files, &failed_files);
	clean_ctx_free(cc);
	if (failed > 0)
		fprintf(stderr,
		    opener_ntr(o.lang, "sealdrop-open: %zu of %zu file failed\n",
			"sealdrop-open: %zu of %zu files failed\n", files),
		    failed_files, files);
	close(r.outfd);
	opener_state_free(&st);
	free_run(&r);
	return failed || state_bad ? 1 : 0;
}
