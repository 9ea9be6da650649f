/*
 * static.c - lookup of the static files embedded at build time (see
 * static.h). The content type comes from the file name's extension, from a
 * short fixed table; anything else is served as application/octet-stream
 * (with nosniff, the browser will not guess).
 */
#include "static.h"
#include "sdblob.h"
#include "sdtmpl.h"

#include <string.h>

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".webp", "image/webp" },
	{ ".jpg", "image/jpeg" },
};

static const char *
type_of(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t e = strlen(types[i].ext);
		if (n > e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

const unsigned char *
web_static_get(const char *path, size_t *len, const char **content_type)
{
	if (path == NULL)
		return NULL;
	for (size_t i = 0; i < web_static_blobs_n; i++) {
		const struct sd_blob *b = &web_static_blobs[i];
		if (strcmp(b->name, path) != 0)
			continue;
		if (len != NULL)
			*len = b->len;
		if (content_type != NULL)
			*content_type = type_of(b->name);
		return b->data;
	}
	return NULL;
}

int
web_pages_init(void)
{
	return tmpl_init(web_tmpl_blobs, web_tmpl_blobs_n);
}
