/*
 * sdblob.h - files embedded into a program at build time.
 *
 * common/embed.cmake turns a manifest of (name, file) pairs into a
 * generated C file holding each file as a byte array and a table of these
 * blobs. common/ embeds the compiled gettext catalogues (names like "fr",
 * sd_mo_blobs, read by i18n.c); each side embeds its own page templates and
 * static files (web/: the daemons' pages, names like "source/index") and
 * hands the templates to tmpl_init. Every blob is followed by one NUL byte
 * that len does not count. A table ends with an entry whose name is NULL.
 */
#ifndef SD_BLOB_H
#define SD_BLOB_H

#include <stddef.h>

struct sd_blob {
	const char *name;
	const unsigned char *data;
	size_t len;
};

/* The compiled catalogues (po/LANG.po), embedded in common/. */
extern const struct sd_blob sd_mo_blobs[];
extern const size_t sd_mo_blobs_n;

#endif
