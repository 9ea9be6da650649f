/*
 * static.h - what the daemons embed at build time: their page templates
 * (source-iface/templates/, journalist-iface/templates/) and static files
 * (style sheets, images), served without touching the file system. The
 * template engine and the catalogues themselves are common/ (sdtmpl.h,
 * sdi18n.h), shared with the air-gapped side.
 */
#ifndef WEB_STATIC_H
#define WEB_STATIC_H

#include <stddef.h>

#include "sdblob.h"
#include "sderr.h"

/*
 * The embedded file at path, namespaced like templates: "source/style.css"
 * is source-iface/static/style.css (the source daemon maps a request for
 * /static/style.css to it). Returns NULL when there is none or path is
 * malformed; otherwise the bytes (followed by a NUL not counted in *len),
 * their length in *len and a Content-Type value in *content_type (either
 * output pointer may be NULL).
 */
const unsigned char *web_static_get(const char *path, size_t *len, const char **content_type);

/* The daemons' page templates, and tmpl_init with them (and the
 * translations). */
extern const struct sd_blob web_tmpl_blobs[];
extern const size_t web_tmpl_blobs_n;
extern const struct sd_blob web_static_blobs[];
extern const size_t web_static_blobs_n;
SD_MUST_CHECK
int web_pages_init(void);

#endif
