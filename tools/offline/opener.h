/*
 * opener.h - internals of sealdrop-open shared by its files: the list of
 * items found in the inputs (opener_input.c), their placement and cleaning
 * into the output folder (opener_place.c) and the report (opener_report.c).
 *
 * Order of work, so that no cleaning child ever holds key material: every
 * input is decrypted and verified into a private staging directory inside
 * --out first; then the key is wiped and unmapped (sodium_free); only then
 * is the cleaning library initialised and are the sandboxed children forked.
 */
#ifndef OPENER_H
#define OPENER_H

#include "clean.h"
#include "designation.h"
#include "sdbox.h"

#include <stddef.h>
#include <stdint.h>

#define OPENER_LABEL_MAX 600
#define OPENER_PATH_MAX 512
/* --keep-originals: the folder, beside the cleaned files, holding their
 * verified originals; never exported, its name says what it holds. */
#define OPENER_ORIGINALS_DIR "originals-NOT-CLEANED"
#define OPENER_STATUS_VERIFY_FAILED "failed"
#define OPENER_STATUS_CLEANED "cleaned"          /* nothing left uninspected */
#define OPENER_STATUS_PARTLY "not fully cleaned" /* written, see "not inspected" */
#define OPENER_STATUS_TEXT "text"
#define OPENER_STATUS_UNCLEANED "uncleaned"
#define OPENER_STATUS_NOCLEAN "could not clean"
#define OPENER_STATUS_STOPPED "stopped"

/* Per input: refused entries (a bad name, a link, a device...) reported one
 * by one; the next one stops the input with one summary line, so a hostile
 * bundle of many refused members costs bounded memory. */
#define OPENER_REFUSED_MAX 100
/* Per input: files that fail verification listed one by one; the others
 * are counted by reason into one summary line (a spool opened by a
 * journalist who was not yet a recipient of its older items is legitimate,
 * so those do not stop the input). */
#define OPENER_FAILED_MAX 100
#define OPENER_CODES 32 /* -SD_ERR_* counted, others in 0 */
/* An item's identity: BLAKE2b-256 of its .sdbox header (recipient stanzas,
 * stream header, header MAC), the same in a spool copy and in a bundle,
 * unique per file (a fresh file key each), known before any key is tried. */
#define OPENER_ID_BYTES 32
/* Secret keys given with --key (keys rotate: each one is tried in turn). */
#define OPENER_KEYS_MAX 8

struct opener_state;

enum opener_summary {
	OPENER_ITEM = 0,           /* one file or entry */
	OPENER_SUMMARY_STOPPED,    /* the input was stopped here */
	OPENER_SUMMARY_MORE_FAILED /* count more files that failed */
};

struct opener_item {
	char label[OPENER_LABEL_MAX];  /* the input, for the report */
	size_t order;                  /* position among the inputs */
	int verified;                  /* plaintext is staged (or a plain file) */
	char error[256];               /* why it failed, or "" */
	int kind;                      /* enum sdbox_kind, 0 for --clean-only */
	char name[SDBOX_NAME_MAX + 1]; /* original name from the metadata */
	int sorted;                    /* ref parsed into source and seq */
	unsigned char source[SD_ID_BYTES];
	unsigned long seq;
	uint64_t time;                     /* coarse time from the metadata */
	int has_id;                        /* id is set (the header was whole) */
	unsigned char id[OPENER_ID_BYTES]; /* BLAKE2b of the .sdbox header */
	char staged[40];                   /* name in the staging directory */
	const char *path;                  /* --clean-only: the input file */
	uint64_t size;
	char out[OPENER_PATH_MAX]; /* output path relative to --out */
	const char *status;
	struct clean_report *rep;  /* after cleaning, or NULL */
	char renamed[256];         /* why the output name differs, or "" */
	char pdf[OPENER_PATH_MAX]; /* --safe-pdf: its path relative to --out */
	char pdf_error[256];       /* why no safe PDF was made, or "" */
	char pdf_note[512];        /* where the safe PDF came from, or "" */

	char original[OPENER_PATH_MAX]; /* --keep-originals: its path relative to --out */
	/* --safe-pdf, an e-mail: its attachments (at most CLEAN_EML_ATTACH_MAX),
	 * each decoded in the sandbox and placed like a file of its own. */
	struct opener_item *att;
	size_t natt;
	unsigned att_total; /* how many the e-mail has */
	int in_mail;        /* this is an attachment of an e-mail */
	int summary;        /* enum opener_summary */
	size_t count;       /* OPENER_SUMMARY_MORE_FAILED: files */
};

struct opener_run {
	struct opener_item *items;
	size_t n, cap;
	int outfd;   /* --out */
	int stagefd; /* staging directory inside --out, or -1 */
	char stagename[48];
	int quiet;
	int safe_pdf;               /* --safe-pdf: draw safe PDFs too */
	const char *lang;           /* language of its messages ("en", "fr") */
	unsigned office_timeout_ms; /* LibreOffice's wall-clock limit */
	int ocr;                    /* --ocr: safe PDFs get a text layer */

	int keep_originals; /* --keep-originals */
	int progress;       /* draw a progress bar on stderr */
	int tty;            /* stderr is a terminal, bars allowed */
	int counting;       /* the decryption counter is shown */
	uint64_t total_bytes;
	/* The input being collected (reset by opener_collect). */
	size_t in_refused;             /* entries refused and listed */
	size_t in_failed;              /* failed files listed */
	size_t in_more;                /* failed files only counted */
	size_t in_codes[OPENER_CODES]; /* in_more by -error code */
	int in_stopped;                /* OPENER_REFUSED_MAX was passed */
	/* Incremental opening (opener_state.c); NULL with --clean-only. */
	struct opener_state *state;
	size_t already;      /* items skipped: opened by an earlier run */
	int replace_reports; /* report.* are the state's: rewritten */
};

/* The secret keys of one run, each SDBOX_SECRETKEYBYTES, tried in order. */
struct opener_keys {
	const unsigned char *sk[OPENER_KEYS_MAX];
	size_t n;
};

/* A new zeroed item at the end of the list (NULL when out of memory). */
struct opener_item *opener_item_new(struct opener_run *r, const char *label);

/* Parse "<32 hex>:<seq>" into the item; 0 or SD_ERR_FORMAT. */
int opener_parse_ref(const char *ref, struct opener_item *it);

/* Create the staging directory inside --out. */
int opener_stage_init(struct opener_run *r);
/* Remove it and whatever is left in it. */
void opener_stage_remove(struct opener_run *r);

/* Decrypt every .sdbox in one input (file, spool directory or .tar bundle)
 * into staging; every file found becomes an item, verified or not, within
 * the bounds OPENER_REFUSED_MAX and OPENER_FAILED_MAX (then summary items).
 * A spool directory holds items at depth 2 (<source>/<item>.sdbox) and at
 * depth 3 (<source>/<batch>/<item>.sdbox); anything else is refused. */
int opener_collect(struct opener_run *r, const char *path, const struct opener_keys *keys);

/* Sort, clean and place every verified item. */
int opener_place_all(struct opener_run *r, struct clean_ctx *cc);

/* One item as the report's JSON object (NULL when out of memory), its
 * notes in lang (NULL: English, as the cleaners wrote them; the state keeps
 * them so and the reader translates them for each page). */
struct json_t *opener_item_json(const struct opener_item *it, const char *lang);

/* A note (one line a cleaner or sealdrop-open wrote in English) in lang,
 * through common/'s catalogues (i18n_get_text), into out (sz bytes). */
const char *opener_note_tr(const char *lang, const char *note, char *out, size_t sz);

/* Print the text report and write report.txt and report.json in --out
 * (only when something was written there). */
int opener_report(struct opener_run *r, int clean_only);

/* Copy in to out (sz bytes) with control characters replaced by '?', so a
 * hostile name cannot drive the terminal. in and out may be the same. */
void opener_printable(const char *in, char *out, size_t sz);

/* sealdrop-open's own messages (progress, report.txt, errors) in lang,
 * through common/'s catalogues (po/); a format's translation keeps its %
 * directives (msgfmt --check), and the compiler checks the call against
 * the English msgid. Notes written by the cleaners are shown translated
 * (opener_note_tr). */
const char *opener_tr(const char *lang, const char *msgid) __attribute__((format_arg(2)));
/* The same for a message with a plural form, chosen for the count n. */
const char *opener_ntr(const char *lang, const char *msgid, const char *msgid_plural,
    unsigned long n) __attribute__((format_arg(2), format_arg(3)));

/* While decrypting (the total is not known for a spool or a bundle): once
 * 20 files or 64 MiB are reached, a running count on stderr (r->tty). */
void opener_progress_count(struct opener_run *r, int last);

/* Draw the progress bar when r->progress is set. */
void opener_progress(const struct opener_run *r, const char *what, size_t done, size_t total);

/* Link tmp to a free name like want ("a.txt", "a (2).txt"...) in dirfd. */
int opener_publish(
    int dirfd, const char *tmp, int tmpdirfd, const char *want, char *final, size_t finalsz);

#endif
