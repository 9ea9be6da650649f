/*
 * clean_stream.c - the leaf every streamed cleaner reads and writes through
 * (it calls nothing in clean/ but clean_note.c's buffers).
 *
 * A source is a buffer (a file held in memory, or an archive member) or a
 * descriptor read piece by piece with lseek and read (all the sandbox
 * allows; small reads, such as element headers, come from a window of
 * CLEAN_SRC_WINDOW bytes read at once); a sink is a growable buffer or a
 * descriptor written in order.
 * The same cleaner code runs over both, so a file cleaned in memory and the
 * same file streamed give the same bytes by construction.
 *
 * The in-place cleaners (Matroska, AVI, WAV, ASF: the output has the
 * input's layout) collect a patch list: byte ranges to overwrite, each a
 * few head bytes followed by zeros (a Void element, a JUNK chunk, a
 * Padding object, a CRC). Patches never overlap and are kept in offset
 * order; reads through the list (clean_patch_read) see the input as it
 * will be written, so a checksum over a changed element comes out right.
 * The copy (clean_patch_copy) then streams the input (or its first bytes)
 * to the sink
 * CLEAN_STREAM_CHUNK bytes at a time with the patches applied. Memory: the
 * chunk and at most CLEAN_PATCH_MAX patches, whatever the file's size.
 */
#include "clean_int.h"
#include "sderr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* n bytes at off read from the descriptor itself. */
static int
src_fd_read(int fd, uint64_t off, unsigned char *p, size_t n)
{
	if (off > INT64_MAX || lseek(fd, (off_t)off, SEEK_SET) != (off_t)off)
		return SD_ERR_IO;
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return SD_ERR_IO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int
clean_src_read(const struct clean_src *s, uint64_t off, void *d, size_t n)
{
	struct clean_src_win *w = s->win;
	int e;

	if (off > s->len || n > s->len - off)
		return CLEAN_E_MALFORMED;
	if (n == 0)
		return 0;
	if (s->buf != NULL) {
		memcpy(d, s->buf + off, n);
		return 0;
	}
	/* Headers of a few bytes each: one read per window, not one per header. */
	if (w != NULL && n <= CLEAN_SRC_WINDOW / 4 &&
	    (w->buf != NULL || (w->buf = malloc(CLEAN_SRC_WINDOW)) != NULL)) {
		if (off < w->off || off - w->off > w->len || n > w->len - (off - w->off)) {
			size_t m = s->len - off < CLEAN_SRC_WINDOW ? (size_t)(s->len - off)
								   : CLEAN_SRC_WINDOW;
			w->len = 0;
			if ((e = src_fd_read(s->fd, off, w->buf, m)) != 0)
				return e;
			w->off = off;
			w->len = m;
		}
		memcpy(d, w->buf + (off - w->off), n);
		return 0;
	}
	return src_fd_read(s->fd, off, d, n);
}

void
clean_src_win_free(struct clean_src_win *w)
{
	free(w->buf);
	memset(w, 0, sizeof *w);
}

int
clean_sink_put(struct clean_sink *k, const void *p, size_t n)
{
	const unsigned char *b = p;

	if (k->buf != NULL)
		return sdbuf_add(k->buf, p, n);
	while (n > 0) {
		ssize_t w = write(k->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return SD_ERR_IO;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The sink's copy buffer, allocated on first use. */
static unsigned char *
sink_chunk(struct clean_sink *k)
{
	if (k->chunk == NULL)
		k->chunk = malloc(CLEAN_STREAM_CHUNK);
	return k->chunk;
}

int
clean_sink_copy(struct clean_sink *k, const struct clean_src *s, uint64_t off, uint64_t n)
{
	int e;

	if (off > s->len || n > s->len - off)
		return CLEAN_E_MALFORMED;
	if (s->buf != NULL)
		return clean_sink_put(k, s->buf + off, (size_t)n);
	if (n > 0 && sink_chunk(k) == NULL)
		return SD_ERR_NOMEM;
	while (n > 0) {
		size_t c = n < CLEAN_STREAM_CHUNK ? (size_t)n : CLEAN_STREAM_CHUNK;
		if ((e = clean_src_read(s, off, k->chunk, c)) != 0 ||
		    (e = clean_sink_put(k, k->chunk, c)) != 0)
			return e;
		off += c;
		n -= c;
	}
	return 0;
}

void
clean_sink_free(struct clean_sink *k)
{
	free(k->chunk);
	k->chunk = NULL;
}

/* Index of the first patch that ends after off. */
static size_t
patch_first(const struct clean_patches *l, uint64_t off)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->p[mid].off + l->p[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
clean_patch_add(struct clean_patches *l, uint64_t off, uint64_t len, const void *head, size_t nhead)
{
	struct clean_patch *p;
	size_t i;

	if (len == 0 || nhead > CLEAN_PATCH_HEAD || nhead > len || off > UINT64_MAX - len)
		return CLEAN_E_INTERNAL;
	i = patch_first(l, off);
	if (i < l->n && l->p[i].off < off + len)
		return CLEAN_E_MALFORMED; /* overlaps a patch: elements that overlap */
	if (l->n == CLEAN_PATCH_MAX)
		return CLEAN_E_LIMIT;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		if ((p = realloc(l->p, cap * sizeof *p)) == NULL)
			return SD_ERR_NOMEM;
		l->p = p;
		l->cap = cap;
	}
	memmove(l->p + i + 1, l->p + i, (l->n - i) * sizeof *l->p);
	p = &l->p[i];
	memset(p, 0, sizeof *p);
	p->off = off;
	p->len = len;
	p->nhead = (unsigned char)nhead;
	if (nhead > 0)
		memcpy(p->head, head, nhead);
	l->n++;
	return 0;
}

/* Apply the patches to d, which holds the n input bytes at off. */
static void
patch_apply(const struct clean_patches *l, uint64_t off, unsigned char *d, size_t n)
{
	for (size_t i = patch_first(l, off); i < l->n && l->p[i].off < off + n; i++) {
		const struct clean_patch *p = &l->p[i];
		uint64_t a = p->off > off ? p->off : off;
		uint64_t b = p->off + p->len < off + n ? p->off + p->len : off + n;
		for (uint64_t k = a; k < b; k++) {
			uint64_t r = k - p->off;
			d[k - off] = r < p->nhead ? p->head[r] : 0;
		}
	}
}

int
clean_patch_read(
    const struct clean_src *s, const struct clean_patches *l, uint64_t off, void *d, size_t n)
{
	int e = clean_src_read(s, off, d, n);

	if (e == 0)
		patch_apply(l, off, d, n);
	return e;
}

int
clean_patch_copy(
    const struct clean_src *s, const struct clean_patches *l, uint64_t len, struct clean_sink *k)
{
	uint64_t off = 0;
	int e;

	if (len > s->len)
		return CLEAN_E_INTERNAL;
	if (sink_chunk(k) == NULL)
		return SD_ERR_NOMEM;
	while (off < len) {
		size_t c =
		    len - off < CLEAN_STREAM_CHUNK ? (size_t)(len - off) : CLEAN_STREAM_CHUNK;
		if ((e = clean_patch_read(s, l, off, k->chunk, c)) != 0 ||
		    (e = clean_sink_put(k, k->chunk, c)) != 0)
			return e;
		off += c;
	}
	return 0;
}

void
clean_patch_free(struct clean_patches *l)
{
	free(l->p);
	memset(l, 0, sizeof *l);
}
