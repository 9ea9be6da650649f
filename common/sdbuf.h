/*
 * sdbuf.h - a bounded dynamic byte buffer (in the spirit of curl's dynbuf).
 *
 * Every buffer has a maximum size set at init; an append that would cross it
 * fails with SD_ERR_TOOLONG and leaves the buffer as it was. The contents are
 * always NUL-terminated (the NUL is not counted in len).
 *
 * It is the one buffer type of the tree: text (pages, replies) reads it
 * as p, bytes (the cleaners' outputs) as data; both name the same memory.
 * A buffer starts as SDBUF_INIT(max) or sdbuf_init(); a zeroed one has
 * max 0 and refuses every non-empty append.
 */
#ifndef SD_BUF_H
#define SD_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "sderr.h"

struct sdbuf {
	union {
		char *p;
		unsigned char *data;
	};
	size_t len, cap, max;
};

#define SDBUF_INIT(m) \
	{ \
		.max = (m) \
	}

void sdbuf_init(struct sdbuf *b, size_t max);
SD_MUST_CHECK
int sdbuf_add(struct sdbuf *b, const void *data, size_t len);
/* Make room for len more bytes at once (exactly, not doubled), so appends
 * up to that much neither move the contents nor hold two copies while
 * they grow; SD_ERR_TOOLONG over max, and the buffer is as it was. */
SD_MUST_CHECK
int sdbuf_reserve(struct sdbuf *b, size_t len);
SD_MUST_CHECK
int sdbuf_adds(struct sdbuf *b, const char *s);
SD_MUST_CHECK
int sdbuf_printf(struct sdbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s with HTML escaping of & < > " ' (and nothing else). */
SD_MUST_CHECK
int sdbuf_add_html(struct sdbuf *b, const char *s, size_t len);
void sdbuf_reset(struct sdbuf *b);
/* Shorten to len bytes (kept NUL-terminated); a longer len changes nothing. */
void sdbuf_cut(struct sdbuf *b, size_t len);
/* Hand the memory to the caller (free() it); the buffer is reset. */
char *sdbuf_take(struct sdbuf *b, size_t *len);
/* Wipe (sodium_memzero) and free; accepts a zeroed struct. */
void sdbuf_free(struct sdbuf *b);

#endif
