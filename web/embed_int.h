/*
 * embed_int.h - files embedded into sdweb at build time (internal).
 *
 * web/embed.cmake turns a manifest of (name, file) pairs into a generated C
 * file holding each file as a byte array and a table of these blobs. There
 * are three tables: the page templates (names like "source/index"), the
 * static files (names like "source/style.css") and the compiled gettext
 * catalogues (names like "fr"). Every blob is followed by one NUL byte that
 * len does not count. The tables are sorted by nothing in particular.
 */
#ifndef WEB_EMBED_INT_H
#define WEB_EMBED_INT_H

#include <stddef.h>

struct web_blob {
	const char *name;
	const unsigned char *data;
	size_t len;
};

extern const struct web_blob web_tmpl_blobs[];
extern const size_t web_tmpl_blobs_n;
extern const struct web_blob web_static_blobs[];
extern const size_t web_static_blobs_n;
extern const struct web_blob web_mo_blobs[];
extern const size_t web_mo_blobs_n;

#endif
