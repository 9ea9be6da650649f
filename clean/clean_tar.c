/*
 * clean_tar.c - TAR archives, read and rewritten with libarchive.
 *
 * Only regular files and directories pass; a symbolic or hard link, a
 * device, a FIFO or a sparse member is refused (CLEAN_E_UNSAFE), and so is
 * an absolute path or a ".." component. Member count and total size are
 * bounded. Each regular member is cleaned by content (clean_any,
 * recursively); a member no cleaner handles is kept and listed as
 * not inspected. The new archive is POSIX pax/ustar with normalised headers:
 * mtime 0, uid/gid 0, no owner or group names, mode 0644 (0755 for
 * directories), no extended attributes, ACLs or pax comments.
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

struct tjob {
	struct clean_ctx *c;
	struct archive *in, *out;
	unsigned depth;
	size_t expanded, entries;
	struct sdbuf *dst;
	struct clean_report *rep;
};

static la_ssize_t
tar_write_cb(struct archive *a, void *ctx, const void *buf, size_t n)
{
	(void)a;
	return sdbuf_add(ctx, buf, n) == 0 ? (la_ssize_t)n : -1;
}

static int
check_entry(struct tjob *j, struct archive_entry *ae, const char *name)
{
	unsigned t = archive_entry_filetype(ae);

	if (name == NULL || !clean_member_name_safe(name)) {
		clean_set_error(j->rep, "archive member with an absolute or '..' path: %.120s",
		    name ? name : "(none)");
		return CLEAN_E_UNSAFE;
	}
	if ((t != AE_IFREG && t != AE_IFDIR) || archive_entry_hardlink(ae) != NULL ||
	    archive_entry_symlink(ae) != NULL || archive_entry_sparse_count(ae) > 0) {
		clean_set_error(
		    j->rep, "archive member is a link, a device or sparse: %.120s", name);
		return CLEAN_E_UNSAFE;
	}
	if (++j->entries > CLEAN_ENTRIES_MAX || archive_entry_size(ae) < 0 ||
	    (uint64_t)archive_entry_size(ae) > CLEAN_EXPANDED_MAX - j->expanded) {
		clean_set_error(j->rep, "archive too large or with too many members");
		return CLEAN_E_LIMIT;
	}
	j->expanded += (size_t)archive_entry_size(ae);
	return 0;
}

static int
read_data(struct tjob *j, size_t size, unsigned char **out)
{
	unsigned char *d = malloc(size ? size : 1);
	size_t got = 0;

	if (d == NULL)
		return SD_ERR_NOMEM;
	while (got < size) {
		la_ssize_t n = archive_read_data(j->in, d + got, size - got);
		if (n <= 0) {
			free(d);
			clean_set_error(j->rep, "archive member truncated");
			return CLEAN_E_MALFORMED;
		}
		got += (size_t)n;
	}
	*out = d;
	return 0;
}

static int
write_entry(struct tjob *j, const char *name, int dir, const struct sdbuf *data)
{
	struct archive_entry *ne = archive_entry_new();
	int e = 0;

	if (ne == NULL)
		return SD_ERR_NOMEM;
	archive_entry_set_pathname(ne, name);
	archive_entry_set_filetype(ne, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(ne, dir ? 0755 : 0644);
	archive_entry_set_size(ne, dir ? 0 : (la_int64_t)data->len);
	archive_entry_set_mtime(ne, 0, 0);
	archive_entry_set_uid(ne, 0);
	archive_entry_set_gid(ne, 0);
	if (archive_write_header(j->out, ne) != ARCHIVE_OK ||
	    (!dir && data->len > 0 &&
		archive_write_data(j->out, data->data, data->len) != (la_ssize_t)data->len)) {
		const char *why = archive_error_string(j->out);
		clean_set_error(j->rep, "cannot rewrite member %.120s: %.100s", name,
		    why ? why : "libarchive error");
		e = CLEAN_E_MALFORMED;
	}
	archive_entry_free(ne);
	return e;
}

static int
do_entry(struct tjob *j, struct archive_entry *ae)
{
	const char *name = archive_entry_pathname(ae);
	struct sdbuf mout = CLEAN_BUF_INIT;
	struct clean_report sub = { 0 };
	unsigned char *d = NULL;
	size_t size;
	int e;

	if ((e = check_entry(j, ae, name)) != 0)
		return e;
	if (archive_entry_filetype(ae) == AE_IFDIR)
		return write_entry(j, name, 1, &mout);
	size = (size_t)archive_entry_size(ae);
	if ((e = read_data(j, size, &d)) != 0)
		goto out;
	e = clean_any(j->c, d, size, j->depth + 1, &mout, &sub);
	if (e == CLEAN_E_UNSUPPORTED) {
		clean_note_uninspected(
		    j->rep, "%.120s (%s): kept as is, not cleaned", name, sub.type);
		sdbuf_reset(&mout);
		e = sdbuf_add(&mout, d, size);
	} else if (e == 0) {
		clean_note_member(j->rep, name, &sub);
	} else {
		clean_set_error(
		    j->rep, "%.120s: %.120s", name, sub.error[0] ? sub.error : clean_strerror(e));
	}
	if (e == 0)
		e = write_entry(j, name, 0, &mout);
out:
	free(d);
	sdbuf_free(&mout);
	return e;
}

static int
run(struct tjob *j, const unsigned char *buf, size_t len)
{
	struct archive_entry *ae;
	int rc, e = 0;

	archive_read_support_format_tar(j->in);
	archive_write_set_format_pax_restricted(j->out);
	archive_write_set_bytes_in_last_block(j->out, 1);
	if (archive_read_open_memory(j->in, buf, len) != ARCHIVE_OK ||
	    archive_write_open2(j->out, j->dst, NULL, tar_write_cb, NULL, NULL) != ARCHIVE_OK) {
		clean_set_error(j->rep, "not a readable TAR archive");
		return CLEAN_E_MALFORMED;
	}
	while (e == 0 && (rc = archive_read_next_header(j->in, &ae)) == ARCHIVE_OK)
		e = do_entry(j, ae);
	if (e == 0 && rc != ARCHIVE_EOF) {
		clean_set_error(j->rep, "damaged TAR archive");
		e = CLEAN_E_MALFORMED;
	}
	if (e == 0 && archive_write_close(j->out) != ARCHIVE_OK)
		e = CLEAN_E_INTERNAL;
	return e;
}

int
clean_tar(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	struct tjob j = { .c = c, .depth = depth, .rep = rep, .dst = out };
	int e = SD_ERR_NOMEM;

	if (depth >= CLEAN_DEPTH_MAX) {
		clean_set_error(rep, "archives nested too deep");
		return CLEAN_E_LIMIT;
	}
	j.in = archive_read_new();
	j.out = archive_write_new();
	if (j.in == NULL || j.out == NULL)
		goto out;
	if ((e = run(&j, buf, len)) == 0)
		clean_note_removed(rep,
		    "member owners, dates, permissions and extended headers "
		    "(normalised)");
out:
	if (j.in)
		archive_read_free(j.in);
	if (j.out)
		archive_write_free(j.out);
	return e;
}
