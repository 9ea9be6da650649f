/*
 * bundle.c - downloads of ciphertext: one .sdbox file, or a .tar bundle of
 * many (docs/spool.md, "Bundles": members "<source>/<item>.sdbox", the
 * layout sealdrop-open reads), streamed.
 *
 * The bundle is made by libarchive as the client reads: libmicrohttpd asks
 * for bytes, we feed libarchive the next 64 KiB of the current file, and
 * libarchive's output lands in a small bounded buffer that we hand back.
 * Memory stays flat whatever the size of the bundle. Members carry no
 * owner, an mtime of 0 and mode 0600: nothing of the server's clock or
 * users leaks into the archive. Files are opened through the spool's
 * directory fds by id; a file deleted while the bundle streams ends the
 * stream with an error (sealdrop-open refuses a truncated tar).
 *
 * Items are marked seen once the whole bundle was produced; each source in
 * a bundle gets an audit entry.
 */
#include "journalist.h"
#include "sdlog.h"
#include "designation.h"
#include "sdi18n.h"
#include "sderr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#define CHUNK (64U * 1024)
#define OUT_MAX (256U * 1024)

struct bundle {
	struct jn_bundle_item *items;
	size_t n, i;
	struct archive *a;
	int fd;
	uint64_t remaining;
	unsigned char *chunk;
	unsigned char *out;
	size_t out_len, out_off;
	int closed, failed;
};

static la_ssize_t
on_write(struct archive *a, void *cls, const void *buf, size_t len)
{
	struct bundle *b = cls;

	(void)a;
	if (b->out_off > 0 && b->out_off == b->out_len)
		b->out_off = b->out_len = 0;
	if (len > OUT_MAX - b->out_len) {
		b->failed = 1;
		return -1;
	}
	memcpy(b->out + b->out_len, buf, len);
	b->out_len += len;
	return (la_ssize_t)len;
}

static void
bundle_free(void *cls)
{
	struct bundle *b = cls;

	if (b == NULL)
		return;
	if (b->a != NULL)
		archive_write_free(b->a);
	if (b->fd >= 0)
		close(b->fd);
	free(b->items);
	free(b->chunk);
	free(b->out);
	free(b);
}

void
jn_bundle_item_set(struct jn_bundle_item *b, const struct db_source *src, const struct db_item *it)
{
	memcpy(b->source, src->id, SD_ID_BYTES);
	memcpy(b->item, it->id, SD_ID_BYTES);
	b->has_batch = it->has_batch;
	memcpy(b->batch, it->batch, SD_ID_BYTES);
	b->row = it->row;
}

/* Open item i and write its tar header. */
static int
next_member(struct bundle *b)
{
	const struct jn_bundle_item *it = &b->items[b->i];
	struct archive_entry *ae = NULL;
	char name[SD_SPOOL_MEMBER_LEN + 1];
	struct stat st;
	int e;

	if ((e = spool_item_open(jn_app.spool, it->source, it->has_batch ? it->batch : NULL,
		 it->item, &b->fd)) != 0)
		return e;
	if (fstat(b->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return SD_ERR_IO;
	sd_spool_member(it->source, it->item, name);
	if ((ae = archive_entry_new()) == NULL)
		return SD_ERR_NOMEM;
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0600);
	archive_entry_set_size(ae, st.st_size);
	archive_entry_set_mtime(ae, 0, 0);
	e = archive_write_header(b->a, ae) == ARCHIVE_OK ? 0 : SD_ERR_IO;
	archive_entry_free(ae);
	b->remaining = (uint64_t)st.st_size;
	return e;
}

/* One step: a header, a chunk of content, or the end of the archive. */
static int
advance(struct bundle *b)
{
	ssize_t r;
	size_t want;

	if (b->fd < 0) {
		if (b->i == b->n) {
			b->closed = 1;
			return archive_write_close(b->a) == ARCHIVE_OK ? 0 : SD_ERR_IO;
		}
		return next_member(b);
	}
	if (b->remaining == 0) {
		close(b->fd);
		b->fd = -1;
		b->i++;
		return archive_write_finish_entry(b->a) == ARCHIVE_OK ? 0 : SD_ERR_IO;
	}
	want = b->remaining < CHUNK ? (size_t)b->remaining : CHUNK;
	do
		r = read(b->fd, b->chunk, want);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return SD_ERR_IO; /* shorter than at open: changed under us */
	b->remaining -= (uint64_t)r;
	return archive_write_data(b->a, b->chunk, (size_t)r) == r ? 0 : SD_ERR_IO;
}

static void
mark_seen(const struct bundle *b)
{
	JN_DB_LOCK();
	for (size_t i = 0; i < b->n; i++)
		jn_not_recorded(
		    db_item_set_seen(jn_app.db, b->items[i].row, 1), "a downloaded item as seen");
	JN_DB_UNLOCK();
}

static ssize_t
on_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct bundle *b = cls;
	size_t n;

	(void)pos;
	while (b->out_off == b->out_len) {
		if (b->closed) {
			mark_seen(b);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (b->failed || advance(b) != 0) {
			sdlog_info("a bundle could not be completed");
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
	n = b->out_len - b->out_off < max ? b->out_len - b->out_off : max;
	memcpy(buf, b->out + b->out_off, n);
	b->out_off += n;
	return (ssize_t)n;
}

static struct bundle *
bundle_new(const struct jn_bundle_item *items, size_t n)
{
	struct bundle *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	b->fd = -1;
	b->n = n;
	b->items = malloc(n * sizeof *items);
	b->chunk = malloc(CHUNK);
	b->out = malloc(OUT_MAX);
	b->a = archive_write_new();
	if (b->items == NULL || b->chunk == NULL || b->out == NULL || b->a == NULL ||
	    archive_write_set_format_pax_restricted(b->a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(b->a) != ARCHIVE_OK ||
	    archive_write_open2(b->a, b, NULL, on_write, NULL, NULL) != ARCHIVE_OK) {
		bundle_free(b);
		return NULL;
	}
	memcpy(b->items, items, n * sizeof *items);
	return b;
}

/* One audit entry per source of the bundle. */
static void
audit_sources(struct jn_req *rq, const struct jn_bundle_item *items, size_t n)
{
	char des[SD_DESIGNATION_MAX + 1];

	JN_DB_LOCK();
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && memcmp(items[i].source, items[i - 1].source, SD_ID_BYTES) == 0)
			continue;
		sd_designation(items[i].source, des);
		jn_not_recorded(
		    jn_audit(rq, "downloaded submissions", des), "a download in the audit log");
	}
	JN_DB_UNLOCK();
}

enum MHD_Result
jn_bundle_respond(
    struct MHD_Connection *c, struct jn_req *rq, const struct jn_bundle_item *items, size_t n)
{
	const char *const hdr[] = { "Content-Disposition",
		"attachment; filename=\"sealdrop-bundle.tar\"", NULL };
	struct bundle *b = n > 0 ? bundle_new(items, n) : NULL;
	struct MHD_Response *r;

	if (b == NULL)
		return jn_error(
		    c, rq, 500, I18N_N("Something went wrong. Please try again later."));
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, on_read, b, bundle_free);
	if (r == NULL) {
		bundle_free(b);
		return MHD_NO;
	}
	if (!rq->head) /* a HEAD request downloads nothing */
		audit_sources(rq, items, n);
	return web_queue_download(c, r, "application/x-tar", hdr);
}

enum MHD_Result
jn_file_respond(struct MHD_Connection *c, struct jn_req *rq, const struct db_source *src,
    const struct db_item *it)
{
	char name[SD_SPOOL_NAME_LEN + 1], disp[SD_SPOOL_NAME_LEN + 96];
	const char *const hdr[] = { "Content-Disposition", disp, NULL };
	struct MHD_Response *r;
	struct stat st;
	int fd = -1;

	if (it->source_deleted)
		return jn_error(c, rq, MHD_HTTP_GONE,
		    I18N_N("The source read this reply and deleted it: nothing is kept."));
	if (spool_item_open(jn_app.spool, src->id, it->has_batch ? it->batch : NULL, it->id, &fd) !=
		0 ||
	    fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return jn_error(
		    c, rq, MHD_HTTP_NOT_FOUND, I18N_N("There is no page at this address."));
	}
	sd_spool_name(it->id, name);
	(void)snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", name);
	r = MHD_create_response_from_fd((uint64_t)st.st_size, fd); /* closes fd */
	if (r == NULL) {
		close(fd);
		return MHD_NO;
	}
	if (!rq->head) { /* a HEAD request downloads nothing */
		JN_DB_LOCK();
		jn_not_recorded(
		    db_item_set_seen(jn_app.db, it->row, 1), "a downloaded item as seen");
		JN_DB_UNLOCK();
	}
	return web_queue_download(c, r, "application/octet-stream", hdr);
}
