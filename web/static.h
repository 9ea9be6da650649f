/*
 * static.h - static files (style sheets, images) embedded at build time from
 * source-iface/static/ and journalist-iface/static/, served by the daemons
 * without touching the file system.
 */
#ifndef WEB_STATIC_H
#define WEB_STATIC_H

#include <stddef.h>

/*
 * The embedded file at path, namespaced like templates: "source/style.css"
 * is source-iface/static/style.css (the source daemon maps a request for
 * /static/style.css to it). Returns NULL when there is none or path is
 * malformed; otherwise the bytes (followed by a NUL not counted in *len),
 * their length in *len and a Content-Type value in *content_type (either
 * output pointer may be NULL).
 */
const unsigned char *web_static_get(const char *path, size_t *len,
    const char **content_type);

#endif
