/*
 * sdbuf.h - a bounded dynamic byte buffer (in the spirit of curl's dynbuf).
 *
 * Every buffer has a maximum size set at init; an append that would cross it
 * fails with SD_ERR_TOOLONG and leaves the buffer as it was. The contents are
 * always NUL-terminated (the NUL is not counted in len).
 */
#ifndef SD_BUF_H
#define SD_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "sderr.h"

struct sdbuf {
	char *p;
	size_t len, cap, max;
};

void sdbuf_init(struct sdbuf *b, size_t max);
SD_MUST_CHECK
int sdbuf_add(struct sdbuf *b, const void *data, size_t len);
SD_MUST_CHECK
int sdbuf_adds(struct sdbuf *b, const char *s);
SD_MUST_CHECK
int sdbuf_printf(struct sdbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s with HTML escaping of & < > " ' (and nothing else). */
SD_MUST_CHECK
int sdbuf_add_html(struct sdbuf *b, const char *s, size_t len);
void sdbuf_reset(struct sdbuf *b);
/* Hand the memory to the caller (free() it); the buffer is reset. */
char *sdbuf_take(struct sdbuf *b, size_t *len);
/* Wipe (sodium_memzero) and free; accepts a zeroed struct. */
void sdbuf_free(struct sdbuf *b);

#endif
