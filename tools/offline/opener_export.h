/*
 * opener_export.h - sealdrop-open --export-uwazi: an opened folder's
 * cleaned files (and, when asked, each source's conversation as a printable
 * PDF) written from its state as what Uwazi's CSV import takes: DEST/import.zip
 * (import.csv and the files it names) and DEST/template.json (the Uwazi
 * template the CSV's columns are named after). Every source gets an alias
 * drawn at random for this export in place of its designation; nothing in
 * DEST names a designation, a source id, or a file of uncleaned/.
 * docs/opener.md, "Export to Uwazi".
 */
#ifndef OPENER_EXPORT_H
#define OPENER_EXPORT_H

#include "sdbuf.h"

#include <stddef.h>
#include <stdint.h>

struct opener_state;

#define OPENER_EXPORT_CSV_MAX (64u << 20)  /* bytes of import.csv */
#define OPENER_EXPORT_PDF_MAX (256u << 20) /* bytes of one conversation PDF */
#define OPENER_EXPORT_PDF_PAGES_MAX 5000u  /* pages of one conversation PDF */
#define OPENER_EXPORT_PDF_COLS 80u         /* characters on a line (Courier 10) */

struct opener_export_opts {
	const char *lang; /* the export's language ("en", "fr") */
	int messages;     /* also each source's conversation as a PDF */
};

struct opener_export_result {
	size_t entities; /* rows of import.csv */
	size_t files;    /* files in import.zip besides import.csv */
	size_t skipped;  /* recorded files missing or unreadable in DIR */
};

/* Export the state of the folder outfd into the new folder dest (created
 * 0700; refused with SD_ERR_EXISTS when it exists). A recorded file missing
 * from the folder is skipped with a line on stderr and counted in
 * res->skipped. On an error dest is removed. 0 or SD_ERR_*. */
int opener_export_uwazi(int outfd, const struct opener_state *st, const char *dest,
    const struct opener_export_opts *o, struct opener_export_result *res);

/* One conversation as a PDF of text in Courier (the base-14 font, no font
 * embedded), WinAnsi encoding: n texts, each with its heading, in order;
 * characters outside what that encoding shows are written '?' and counted
 * in *replaced, and the first page says so. 0, SD_ERR_RANGE (over the
 * bounds above), SD_ERR_NOMEM. out is initialised by the caller. */
struct opener_export_text {
	const char *heading; /* "#3 Reply, 2026-12-06" */
	const unsigned char *text;
	size_t len;
};
int opener_export_pdf(const char *title, const char *note, const struct opener_export_text *t,
    size_t n, struct sdbuf *out, size_t *replaced);

#endif
