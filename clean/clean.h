/*
 * clean.h - metadata cleaning of untrusted documents (the air-gapped side).
 *
 * The type of a file is decided from its content (libmagic), never from its
 * name. Each supported format has a cleaner that works on a memory buffer
 * and writes a new buffer: JPEG, PNG, GIF, WebP and TIFF (segment, chunk,
 * block and tag allow-lists), HEIC and AVIF (metadata items removed), PDF (libqpdf), ZIP containers including Office Open
 * XML, OpenDocument and EPUB (libzip + libxml2), TAR (libarchive) and
 * gzip (zlib), xz, bzip2 and zstd (libarchive), members cleaned recursively, MP4/MOV boxes, Matroska/WebM,
 * AVI and ASF (WMV/WMA) in place, MP3, FLAC, Ogg, WAV and AIFF tags, SVG,
 * HTML and XHTML (libxml2 allow-lists), CSS (comments), plain text
 * (nothing to remove). Anything else is CLEAN_E_UNSUPPORTED: the caller must keep it
 * apart ("uncleaned") and say so.
 *
 * This is the public header (what sealdrop-open calls); the per-format
 * cleaners, buffers and report notes are in clean_int.h (as SQLite keeps
 * btree.h and btreeInt.h apart), and the formats in one table,
 * clean_formats.h.
 *
 * clean_file_sandboxed() runs one file through the cleaners in a forked
 * child with rlimits, no_new_privs and a seccomp allow-list; a crash, a
 * hang or a limit hit in the child is reported as CLEAN_E_CRASH or
 * CLEAN_E_LIMIT, never brings the caller down. The caller must hold no key
 * material when it calls it (see docs/cleaning.md).
 */
#ifndef CLEAN_H
#define CLEAN_H

#include <stddef.h>
#include <stdint.h>

#include "sderr.h"

#define CLEAN_TYPE_MAX 127
#define CLEAN_NOTES_MAX 4095
#define CLEAN_ERROR_MAX 255
#define CLEAN_DEPTH_MAX 4               /* containers inside containers */
#define CLEAN_ENTRIES_MAX 10000         /* members of one archive */
#define CLEAN_EXPANDED_MAX (512u << 20) /* bytes expanded from one archive */
#define CLEAN_RATIO_MAX 200             /* expanded / compressed, members > 1 MiB */
#define CLEAN_INPUT_MAX (4ull << 30)    /* largest input (the upload limit) */
#define CLEAN_MEMORY_MAX (1024u << 20)  /* largest input cleaned in memory */

/* Results beyond the SD_ERR_* codes (all negative, disjoint from them). */
enum clean_result {
	CLEAN_E_UNSUPPORTED = -100, /* no cleaner for this type */
	CLEAN_E_MALFORMED = -101,   /* the file does not parse as its type */
	CLEAN_E_LIMIT = -102,       /* an archive or size limit was hit */
	CLEAN_E_UNSAFE = -103,      /* path traversal, link, device in an archive */
	CLEAN_E_CRASH = -104,       /* the sandboxed cleaner died or hung */
	CLEAN_E_INTERNAL = -105     /* a library failed unexpectedly */
};

/*
 * What happened to one file. Notes are '\n'-separated, NUL-terminated.
 * A cleaned file is "cleaned" (fully) only when uninspected is empty: the
 * cleaner then guarantees that no metadata field its format can carry is
 * left. Anything it did not look at, or knowingly left although it may name
 * someone (a member kept as is, comments in a text file), goes to
 * uninspected; what it kept on purpose because it is content or harmless
 * (the EXIF orientation, speaker notes) goes to kept.
 */
struct clean_report {
	char type[CLEAN_TYPE_MAX + 1];         /* MIME type found by libmagic */
	char removed[CLEAN_NOTES_MAX + 1];     /* what was removed */
	char kept[CLEAN_NOTES_MAX + 1];        /* kept on purpose (not a leak) */
	char uninspected[CLEAN_NOTES_MAX + 1]; /* not inspected: may identify */
	char error[CLEAN_ERROR_MAX + 1];       /* why cleaning failed, or "" */
};

/* 1 when a file cleaned with this report is fully cleaned (nothing left
 * uninspected), 0 otherwise. */
int clean_report_full(const struct clean_report *r);
/* A short English word for a result code. */
const char *clean_strerror(int e);

struct clean_ctx;

/* The extensions a cleaned file of this detected MIME type may carry,
 * space-separated with their dots, the usual one first ("" or NULL: none
 * listed; NULL also when the type has no cleaner). The format table in
 * clean/clean_formats.h answers: sealdrop-open names files by it. */
const char *clean_type_extensions(const char *mime);

/* Load the libmagic database. Call before any key is loaded or after it was
 * wiped; the context is inherited by the sandboxed children. */
SD_MUST_CHECK
int clean_ctx_new(struct clean_ctx **out);
void clean_ctx_free(struct clean_ctx *c);

/* The address-space limit (RLIMIT_AS) of a cleaning child on a machine with
 * phys bytes of physical memory (0 when unknown): half of it, at least
 * CLEAN_SANDBOX_MEM_MIN, at most CLEAN_SANDBOX_MEM_MAX; CLEAN_SANDBOX_MEM_MIN
 * when unknown. A file larger than half the limit is not cleaned
 * (CLEAN_E_LIMIT): its copy in memory and the cleaned copy would not fit. */
#define CLEAN_SANDBOX_MEM_MIN (512ull << 20)
#define CLEAN_SANDBOX_MEM_MAX (4ull << 30)
uint64_t clean_sandbox_mem_limit(uint64_t phys);

/*
 * Clean the file open on infd into outfd in a sandboxed child, whose fds
 * 0-2 are /dev/null (a cleaning library cannot write to the journalist's
 * terminal) and whose memory is bounded by clean_sandbox_mem_limit() of
 * this machine's physical memory. rep is filled in every case. Returns 0 (cleaned into outfd), CLEAN_E_UNSUPPORTED
 * (outfd untouched: keep the original apart), or another negative code.
 */
SD_MUST_CHECK
int clean_file_sandboxed(struct clean_ctx *c, int infd, int outfd, struct clean_report *rep);

/*
 * Safe PDFs (clean_render.c): an already cleaned PDF or image drawn to
 * pixels with MuPDF and written as a new PDF of page images only (no text,
 * fonts, metadata or producer). pages gets the page count on success.
 * CLEAN_E_UNSUPPORTED for a type that is not drawn (clean_render_supported).
 */
#define CLEAN_RENDER_DPI 150
#define CLEAN_RENDER_PAGES_MAX 500
#define CLEAN_RENDER_PIXELS_MAX (5000.0 * 5000.0)
#define CLEAN_RENDER_SIDE_MAX 10000.0
#define CLEAN_RENDER_OUT_MAX (1024u << 20)
int clean_render_supported(const char *mime);
/* Drawn in a sandboxed child like clean_file_sandboxed's (same limits):
 * infd (a cleaned copy) drawn into outfd. */
SD_MUST_CHECK
int clean_render_sandboxed(
    struct clean_ctx *c, int infd, int outfd, unsigned *pages, struct clean_report *rep);
/* An e-mail (message/rfc822, its uncleaned original on infd) drawn the
 * same way, with fates: NULL, or one '\n'-separated line per attachment (in
 * the order clean_eml_attachment_sandboxed numbers them) saying what became
 * of it, drawn beside its name. */
int clean_render_eml_sandboxed(struct clean_ctx *c, int infd, int outfd, const char *fates,
    unsigned *pages, struct clean_report *rep);

/*
 * E-mail attachments (clean_render_eml.c), decoded in a sandboxed child like
 * clean_file_sandboxed's: attachment index (0-based) of the e-mail on infd
 * (base64 or quoted-printable undone, nothing else: the caller cleans it
 * next, like any file) into outfd; name gets the name the e-mail gives it
 * (printable ASCII, cut; "" when none), *count how many attachments the
 * e-mail has, at most CLEAN_EML_COUNT_MAX (set also with SD_ERR_NOTFOUND,
 * when index >= *count).
 * CLEAN_EML_ATTACH_MAX: how many of one e-mail's attachments a caller
 * decodes (the rest are listed by name only).
 */
#define CLEAN_EML_NAME_MAX 127
#define CLEAN_EML_ATTACH_MAX 20
#define CLEAN_EML_COUNT_MAX 1000 /* *count is never more (the child's word) */
int clean_eml_attachment_sandboxed(struct clean_ctx *c, int infd, unsigned index, int outfd,
    char name[CLEAN_EML_NAME_MAX + 1], unsigned *count, struct clean_report *rep);

/*
 * Office documents to PDF by LibreOffice in its own sandbox
 * (clean_office_pdf.c): the PDF is then drawn by clean_render_sandboxed.
 * clean_office_pdf_kind: CLEAN_OFFICE_CLEANED for a type whose cleaned copy
 * is converted, CLEAN_OFFICE_LEGACY for one no cleaner handles (its
 * uncleaned original is converted), 0 for none. clean_office_pdf writes the
 * PDF of the document on infd (of type mime) to outfd, stopping LibreOffice
 * after timeout_ms; rep->error says why on failure, rep->kept what the
 * sandbox lacked on this machine.
 */
#define CLEAN_OFFICE_CLEANED 1
#define CLEAN_OFFICE_LEGACY 2
#define CLEAN_OFFICE_TIMEOUT_MS 180000u
#define CLEAN_OFFICE_IN_MAX (256u << 20)
#define CLEAN_OFFICE_PDF_MAX (512u << 20)
int clean_office_pdf_kind(const char *mime);
SD_MUST_CHECK
int clean_office_pdf(
    int infd, const char *mime, int outfd, unsigned timeout_ms, struct clean_report *rep);
/* OCR in the same sandbox: the safe PDF on infd (clean_render's, page
 * images only) drawn again to PNG by mutool and written by tesseract
 * (English and French) to outfd as the same pages with an invisible text
 * layer; CLEAN_E_UNSUPPORTED when tesseract, its eng and fra data or mutool
 * are missing. Its output carries tesseract's producer stamp: the caller
 * cleans it (clean_file_sandboxed) before it reaches anyone. */
#define CLEAN_OCR_MS_PER_PAGE 30000u
SD_MUST_CHECK
int clean_ocr_pdf(int infd, int outfd, unsigned timeout_ms, struct clean_report *rep);

#endif
