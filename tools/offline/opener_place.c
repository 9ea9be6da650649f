/*
 * opener_place.c - where each verified item goes in --out, and its cleaning.
 *
 *   OUT/<designation>-<8 hex>/0001-message.txt    messages and replies, by seq
 *   OUT/<designation>-<8 hex>/<safe name>         cleaned attachments
 *   OUT/<designation>-<8 hex>/uncleaned/<name>.uncleaned
 *                                                 types no cleaner handles, and
 *                                                 files whose cleaning failed
 *   OUT/unsorted/...                              items whose ref does not parse
 *
 * With --safe-pdf, an e-mail's attachments (eml_attachments) are decoded in
 * the sandboxed child and placed beside it like files of their own: cleaned
 * (or kept in uncleaned/), each with its safe PDF; the e-mail's safe PDF
 * lists what became of each.
 *
 * With --clean-only the files go straight into OUT and OUT/uncleaned/.
 * Cleaned bytes are written by the sandboxed child into a temporary file in
 * the destination directory and linked to a free name; nothing is ever
 * replaced. Staged plaintext is linked (same file system) rather than copied.
 */
#include "opener.h"
#include "safename.h"
#include "sdi18n.h"
#include "sderr.h"
#include "sdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

int
opener_publish(
    int dirfd, const char *tmp, int tmpdirfd, const char *want, char *final, size_t finalsz)
{
	const char *dot = strrchr(want, '.');
	size_t stem = (dot && dot != want) ? (size_t)(dot - want) : strlen(want);
	const char *ext = want + stem;

	for (unsigned i = 1; i < 10000; i++) {
		int n = i == 1 ? snprintf(final, finalsz, "%s", want)
			       : snprintf(final, finalsz, "%.*s (%u)%s", (int)stem, want, i, ext);
		if (n < 0 || (size_t)n >= finalsz)
			return SD_ERR_TOOLONG;
		if (linkat(tmpdirfd, tmp, dirfd, final, 0) == 0)
			return 0;
		if (errno != EEXIST)
			return SD_ERR_IO;
	}
	return SD_ERR_EXISTS;
}

static int
cmp_items(const void *pa, const void *pb)
{
	const struct opener_item *a = pa, *b = pb;
	int c;

	if (a->sorted != b->sorted)
		return a->sorted ? -1 : 1;
	if (a->sorted) {
		if ((c = memcmp(a->source, b->source, sizeof a->source)) != 0)
			return c;
		if (a->seq != b->seq)
			return a->seq < b->seq ? -1 : 1;
	}
	return a->order < b->order ? -1 : a->order > b->order;
}

static int
open_dir(int parent, const char *name)
{
	if (mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
		return -1;
	return openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static void
folder_name(const struct opener_item *it, char *out, size_t sz)
{
	char d[SD_DESIGNATION_MAX + 1];

	if (it->kind == 0) {
		out[0] = '\0';
		return;
	}
	if (!it->sorted) {
		(void)snprintf(out, sz, "unsorted");
		return;
	}
	sd_designation(it->source, d);
	(void)snprintf(out, sz, "%s-%02x%02x%02x%02x", d, it->source[0], it->source[1],
	    it->source[2], it->source[3]);
}

static void
want_name(const struct opener_item *it, char want[SAFENAME_MAX + 1])
{
	const char *what = it->kind == SDBOX_KIND_REPLY ? "reply" : "message";

	if (it->kind == SDBOX_KIND_MESSAGE || it->kind == SDBOX_KIND_REPLY) {
		if (it->sorted)
			(void)snprintf(want, SAFENAME_MAX + 1, "%04lu-%s.txt", it->seq, what);
		else
			(void)snprintf(want, SAFENAME_MAX + 1, "%s.txt", what);
		return;
	}
	safename_make(it->name, "attachment", want);
}

static void
tmp_name(char *tmp, size_t sz)
{
	unsigned char rnd[8];

	randombytes_buf(rnd, sizeof rnd);
	(void)snprintf(tmp, sz, ".sealdrop-tmp-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
	    rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
}

/* Copy infd into a new temporary file in dirfd (--clean-only originals,
 * --keep-originals). */
static int
copy_to_tmp(int infd, int dirfd, const char *tmp)
{
	unsigned char b[65536];
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int e = 0;

	if (fd < 0 || lseek(infd, 0, SEEK_SET) != 0) {
		if (fd >= 0)
			close(fd);
		return SD_ERR_IO;
	}
	for (;;) {
		size_t got = 0;
		if ((e = sd_read_full(infd, b, sizeof b, &got)) != 0 || got == 0)
			break;
		if ((e = sd_write_full(fd, b, got)) != 0)
			break;
	}
	if (fsync(fd) != 0)
		e = SD_ERR_IO;
	close(fd);
	return e;
}

/* Put the original (verified) bytes under uncleaned/, under a name that
 * always ends in ".uncleaned" (safename_uncleaned), whatever the source
 * called it. */
static int
place_uncleaned(
    struct opener_run *r, struct opener_item *it, int folder, int infd, char *final, size_t sz)
{
	char tmp[48], want[SAFENAME_MAX + 1];
	int ufd = open_dir(folder, "uncleaned"), e;

	safename_uncleaned(it->name, "attachment", want);

	if (ufd < 0)
		return SD_ERR_IO;
	if (it->kind != 0) {
		e = opener_publish(ufd, it->staged, r->stagefd, want, final, sz);
	} else {
		tmp_name(tmp, sizeof tmp);
		e = copy_to_tmp(infd, ufd, tmp);
		if (e == 0)
			e = opener_publish(ufd, tmp, ufd, want, final, sz);
		(void)unlinkat(ufd, tmp, 0);
	}
	if (e == 0 && fsync(ufd) != 0)
		e = SD_ERR_IO;
	close(ufd);
	return e;
}

/* A name whose extension is not one of its content's (or is missing) gets
 * the right one added ("photo.txt" holding a JPEG becomes "photo.txt.jpg"),
 * so the journalist's desktop opens it with a viewer for what it is, never
 * with the program the source's extension names. The extensions of each
 * type are clean's format table's (clean_type_extensions, clean/
 * clean_formats.h); a type with none listed keeps its name. */
static void
fix_extension(char want[SAFENAME_MAX + 1], struct opener_item *it)
{
	const char *dot = strrchr(want, '.');
	const char *l = clean_type_extensions(it->rep->type);
	char ext[16], orig[SAFENAME_MAX + 1];
	size_t el, wl;

	if (l == NULL || l[0] == '\0')
		return;
	el = strcspn(l, " ");
	wl = strlen(want);
	if (dot != NULL && dot != want && strlen(dot) < sizeof ext) {
		size_t k = 0;
		for (; dot[k]; k++)
			ext[k] = (char)((dot[k] >= 'A' && dot[k] <= 'Z') ? dot[k] + 32 : dot[k]);
		ext[k] = '\0';
		for (const char *p = l; *p; p += strcspn(p, " ") + (p[strcspn(p, " ")] == ' '))
			if (strncmp(p, ext, strcspn(p, " ")) == 0 && strcspn(p, " ") == k)
				return;
	}
	(void)snprintf(orig, sizeof orig, "%s", want);
	if (wl + el > SAFENAME_MAX)
		wl = SAFENAME_MAX - el;
	(void)snprintf(want, SAFENAME_MAX + 1, "%.*s%.*s", (int)wl, orig, (int)el, l);
	(void)snprintf(it->renamed, sizeof it->renamed,
	    I18N_N("its name did not match its "
		   "content: \"%.100s\" saved as \"%.100s\""),
	    orig, want);
}

/* Office documents (clean_office_pdf_kind): srcfd converted to PDF by
 * LibreOffice in its own sandbox, into a new temporary file tmp in folder,
 * open on *pdffd (rewound) on success; it->pdf_note says where the PDF
 * came from and what that sandbox lacked here. */
static int
office_to_pdf(struct opener_run *r, struct opener_item *it, int folder, int srcfd, int kind,
    const char *tmp, int *pdffd, struct clean_report *rep)
{
	int fd, rc;

	if ((fd = openat(folder, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) <
	    0)
		return SD_ERR_IO;
	rc = clean_office_pdf(srcfd, it->rep->type, fd, r->office_timeout_ms, rep);
	if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
		rc = SD_ERR_IO;
	if (rc != 0) {
		close(fd);
		(void)unlinkat(folder, tmp, 0);
		return rc;
	}
	(void)snprintf(it->pdf_note, sizeof it->pdf_note, "%s%s%.200s",
	    kind == CLEAN_OFFICE_LEGACY
		? I18N_N(
		      "legacy format: converted from the uncleaned original in LibreOffice's sandbox; "
		      "only page images cross")
		: I18N_N(
		      "converted from the cleaned copy in LibreOffice's sandbox; only page images cross"),
	    rep->kept[0] ? "\n" : "", rep->kept);
	*pdffd = fd;
	return 0;
}

/* Add a line to it->pdf_note. */
static void
pdf_note_add(struct opener_item *it, const char *line)
{
	size_t l = strlen(it->pdf_note);

	(void)snprintf(it->pdf_note + l, sizeof it->pdf_note - l, "%s%s", l ? "\n" : "", line);
}

/* --ocr: the safe PDF folder/tmp (pages pages) read by the OCR in its
 * sandbox, its output cleaned like any PDF (tesseract stamps its name),
 * into a new temporary file whose name goes to done. 0 on success; else
 * it->pdf_note says why there is no text layer and the safe PDF stays as
 * it is. */
static int
ocr_layer(struct clean_ctx *cc, struct opener_item *it, int folder, const char *tmp, unsigned pages,
    char *done, size_t donesz)
{
	struct clean_report *rep = calloc(1, sizeof *rep);
	char o1[48], line[320];
	int in = -1, fd1 = -1, fd2 = -1, rc = SD_ERR_IO;
	unsigned long ms = (unsigned long)pages * CLEAN_OCR_MS_PER_PAGE + 60000ul;

	tmp_name(o1, sizeof o1);
	tmp_name(done, donesz);
	if (rep == NULL || (in = openat(folder, tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
	    (fd1 = openat(folder, o1, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) <
		0 ||
	    (fd2 = openat(
		 folder, done, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		goto out;
	rc = clean_ocr_pdf(in, fd1, ms > 3600000ul ? 3600000u : (unsigned)ms, rep);
	if (rc == 0 && lseek(fd1, 0, SEEK_SET) != 0)
		rc = SD_ERR_IO;
	if (rc == 0 && (rc = clean_file_sandboxed(cc, fd1, fd2, rep)) == 0 &&
	    strcmp(rep->type, "application/pdf") != 0)
		rc = CLEAN_E_MALFORMED;
	if (rc == 0 && fsync(fd2) != 0)
		rc = SD_ERR_IO;
out:
	if (rc == 0) {
		pdf_note_add(it,
		    I18N_N("OCR text layer (tesseract, English and French): invisible text "
			   "over the page images, as the OCR read them"));
	} else {
		(void)snprintf(line, sizeof line, I18N_N("no OCR text layer: %.200s"),
		    rep != NULL && rep->error[0] ? rep->error
			: rc == SD_ERR_IO        ? strerror(errno)
						 : clean_strerror(rc));
		pdf_note_add(it, line);
	}
	if (in >= 0)
		close(in);
	if (fd1 >= 0)
		close(fd1);
	(void)unlinkat(folder, o1, 0);
	if (fd2 >= 0)
		close(fd2);
	if (rc != 0)
		(void)unlinkat(folder, done, 0);
	free(rep);
	return rc;
}

/* --safe-pdf: draw srcfd - the cleaned copy (never the original), or for
 * a legacy office format no cleaner handles, the original, which only
 * LibreOffice's sandbox reads - into "<base>.safe.pdf" in folder, in the
 * sandboxed child. A type that is not drawn gets nothing; a failure is
 * named in it->pdf_error and the cleaned copy stays. */
static void
safe_pdf(struct opener_run *r, struct clean_ctx *cc, struct opener_item *it, int folder, int srcfd,
    const char *base, const char *fates)
{
	struct clean_report *rep = NULL;
	char tmp[48], otmp[48], ocr[48] = "", want[SAFENAME_MAX + 16], final[SAFENAME_MAX + 32];
	int outfd = -1, pdffd = -1, rc = SD_ERR_IO, kind = clean_office_pdf_kind(it->rep->type);
	unsigned pages = 0;

	if (!clean_render_supported(it->rep->type) && kind == 0)
		return;
	tmp_name(tmp, sizeof tmp);
	tmp_name(otmp, sizeof otmp);
	if ((rep = calloc(1, sizeof *rep)) == NULL ||
	    (outfd = openat(
		 folder, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		goto out;
	if (kind != 0 && (rc = office_to_pdf(r, it, folder, srcfd, kind, otmp, &pdffd, rep)) != 0)
		goto out;
	rc = fates != NULL
	    ? clean_render_eml_sandboxed(cc, srcfd, outfd, fates, &pages, rep)
	    : clean_render_sandboxed(cc, pdffd >= 0 ? pdffd : srcfd, outfd, &pages, rep);
	if (rc == 0 && strcmp(it->rep->type, "message/rfc822") == 0)
		(void)snprintf(it->pdf_note, sizeof it->pdf_note, "%s",
		    fates != NULL
			? I18N_N(
			      "e-mail: its text body drawn from the uncleaned original in the sandboxed "
			      "child; no header drawn; its attachments listed with what became of each")
			: it->in_mail
			? I18N_N(
			      "e-mail: its text body drawn from the uncleaned original in "
			      "the sandboxed child; no header drawn; attachments of an attached e-mail "
			      "listed by name, not drawn")
			: I18N_N(
			      "e-mail: its text body drawn from the uncleaned original in the sandboxed "
			      "child; no header drawn; attachments listed by name, not drawn"));
	if (rc == 0 && fsync(outfd) != 0)
		rc = SD_ERR_IO;
	if (rc == 0 && r->ocr && ocr_layer(cc, it, folder, tmp, pages, ocr, sizeof ocr) != 0)
		ocr[0] = '\0';
	if (rc == 0 && snprintf(want, sizeof want, "%s.safe.pdf", base) >= (int)sizeof want)
		rc = SD_ERR_TOOLONG;
	if (rc == 0)
		rc = opener_publish(folder, ocr[0] ? ocr : tmp, folder, want, final, sizeof final);
	if (rc == 0)
		(void)snprintf(it->pdf, sizeof it->pdf, "%s", final);
out:
	if (rc != 0) {
		it->pdf_note[0] = '\0';
		(void)snprintf(it->pdf_error, sizeof it->pdf_error, I18N_N("no safe PDF: %.200s"),
		    rep != NULL && rep->error[0] ? rep->error
			: rc == SD_ERR_IO        ? strerror(errno)
						 : clean_strerror(rc));
	}
	if (pdffd >= 0) {
		close(pdffd);
		(void)unlinkat(folder, otmp, 0);
	}
	if (ocr[0])
		(void)unlinkat(folder, ocr, 0);
	if (outfd >= 0) {
		close(outfd);
		(void)unlinkat(folder, tmp, 0);
	}
	free(rep);
}

/* --keep-originals: a copy of the verified original (infd) of a file that
 * was cleaned into OPENER_ORIGINALS_DIR/ of folder, named like an
 * uncleaned file (".uncleaned" last, whatever the source called it). */
static int
keep_original(struct opener_item *it, int folder, int infd)
{
	char tmp[48], want[SAFENAME_MAX + 1], got[SAFENAME_MAX + 16];
	int ofd = open_dir(folder, OPENER_ORIGINALS_DIR), e;

	if (ofd < 0)
		return SD_ERR_IO;
	safename_uncleaned(it->name, "attachment", want);
	tmp_name(tmp, sizeof tmp);
	e = copy_to_tmp(infd, ofd, tmp);
	if (e == 0)
		e = opener_publish(ofd, tmp, ofd, want, got, sizeof got);
	(void)unlinkat(ofd, tmp, 0);
	if (e == 0 && fsync(ofd) != 0)
		e = SD_ERR_IO;
	close(ofd);
	if (e == 0)
		(void)snprintf(
		    it->original, sizeof it->original, "%s/%s", OPENER_ORIGINALS_DIR, got);
	return e;
}

static int clean_into(struct opener_run *r, struct clean_ctx *cc, struct opener_item *it,
    int folder, int infd, const char *want, char *final, size_t sz);

/* An item's paths (out, pdf, original), relative to its folder, made
 * relative to --out; 0, or SD_ERR_TOOLONG (then that path is dropped). */
static int
prefix_paths(struct opener_item *it, const char *folder)
{
	char *const paths[] = { it->out, it->pdf, it->original };
	char was[OPENER_PATH_MAX];
	int e = 0;

	if (folder[0] == '\0')
		return 0;
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		if (paths[i][0] == '\0')
			continue;
		(void)snprintf(was, sizeof was, "%s", paths[i]);
		if (snprintf(paths[i], OPENER_PATH_MAX, "%s/%s", folder, was) >= OPENER_PATH_MAX) {
			paths[i][0] = '\0';
			e = SD_ERR_TOOLONG;
		}
	}
	return e;
}

/* What became of attachment a, one line for the e-mail's safe PDF (names
 * relative to the source's folder, never the folder itself). */
static void
eml_fate(const struct opener_run *r, const struct opener_item *a, char *line, size_t sz)
{
	char out[OPENER_PATH_MAX], pdf[OPENER_PATH_MAX], why[CLEAN_ERROR_MAX + 1];
	const char *st = a->status ? a->status : OPENER_STATUS_VERIFY_FAILED;

	opener_printable(a->out, out, sizeof out);
	opener_printable(a->pdf, pdf, sizeof pdf);
	if (a->out[0] == '\0') {
		opener_printable(a->error[0] ? a->error
			: a->rep != NULL     ? a->rep->error
					     : "",
		    why, sizeof why);
		/* xgettext:c-format */
		(void)snprintf(line, sz, opener_tr(r->lang, "not saved (%s): %s"),
		    opener_tr(r->lang, st), why);
	} else if (a->pdf[0]) {
		/* xgettext:c-format */
		(void)snprintf(line, sz, opener_tr(r->lang, "saved as %s (%s), safe PDF %s"), out,
		    opener_tr(r->lang, st), pdf);
	} else {
		/* xgettext:c-format */
		(void)snprintf(line, sz, opener_tr(r->lang, "saved as %s (%s), no safe PDF"), out,
		    opener_tr(r->lang, st));
	}
	for (char *p = line; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

/* --safe-pdf, an e-mail whose original is on infd (not an attachment
 * itself: one level only): its first CLEAN_EML_ATTACH_MAX attachments,
 * each decoded in the sandboxed child into a temporary file in folder, then
 * placed like any file of the source (clean_into: cleaned beside the
 * e-mail or kept in uncleaned/, with its own safe PDF). it->att says what
 * became of each; fates (fsz bytes) gets one line per attachment for the
 * e-mail's safe PDF. */
static void
eml_attachments(struct opener_run *r, struct clean_ctx *cc, struct opener_item *it, int folder,
    int infd, char *fates, size_t fsz)
{
	char fname[64];
	unsigned total = 0;
	size_t fl = 0;

	fates[0] = '\0';
	folder_name(it, fname, sizeof fname);
	if ((it->att = calloc(CLEAN_EML_ATTACH_MAX, sizeof *it->att)) == NULL)
		return;
	for (unsigned i = 0; i < CLEAN_EML_ATTACH_MAX && (i == 0 || i < total); i++) {
		struct opener_item *a = &it->att[i];
		struct clean_report xrep = { 0 };
		char tmp[48], name[CLEAN_EML_NAME_MAX + 1] = "", want[SAFENAME_MAX + 1],
							final[SAFENAME_MAX + 32], line[700];
		int fd, rc;

		tmp_name(tmp, sizeof tmp);
		fd = openat(folder, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		rc = fd < 0 ? SD_ERR_IO
			    : clean_eml_attachment_sandboxed(cc, infd, i, fd, name, &total, &xrep);
		if (rc == SD_ERR_NOTFOUND) {
			close(fd);
			(void)unlinkat(folder, tmp, 0);
			break;
		}
		it->natt = i + 1;
		a->in_mail = 1;
		a->verified = 1;
		(void)snprintf(a->name, sizeof a->name, "%s", name);
		(void)snprintf(a->label, sizeof a->label, "%s", name[0] ? name : "(no name)");
		if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
			rc = SD_ERR_IO;
		if (rc != 0) {
			a->status = OPENER_STATUS_NOCLEAN;
			(void)snprintf(a->error, sizeof a->error,
			    I18N_N("could not be decoded: %.200s"),
			    rc == SD_ERR_IO     ? strerror(errno)
				: xrep.error[0] ? xrep.error
						: clean_strerror(rc));
		} else {
			safename_make(a->name, "attachment", want);
			if ((rc = clean_into(r, cc, a, folder, fd, want, final, sizeof final)) ==
			    0) {
				(void)snprintf(a->out, sizeof a->out, "%s", final);
			} else {
				(void)snprintf(a->error, sizeof a->error,
				    I18N_N("cannot write the output: %s"),
				    rc == SD_ERR_IO ? strerror(errno) : sd_strerror(rc));
				a->status = OPENER_STATUS_VERIFY_FAILED;
			}
		}
		eml_fate(r, a, line, sizeof line);
		if (fl + strlen(line) + 2 < fsz)
			fl += (size_t)snprintf(fates + fl, fsz - fl, "%s\n", line);
		(void)prefix_paths(a, fname);
		if (fd >= 0) {
			close(fd);
			(void)unlinkat(folder, tmp, 0);
		}
	}
	it->att_total = total > it->natt ? total : (unsigned)it->natt;
	for (unsigned i = (unsigned)it->natt; i < it->att_total && fl + 2 < fsz; i++) {
		/* xgettext:c-format */
		int n = snprintf(fates + fl, fsz - fl,
		    opener_tr(r->lang,
			"not saved: only the "
			"first %u attachments of an e-mail are saved\n"),
		    CLEAN_EML_ATTACH_MAX);
		if (n < 0 || (size_t)n >= fsz - fl)
			break;
		fl += (size_t)n;
	}
}

/* Clean infd into folder; uncleaned/ when no cleaner could. */
static int
clean_into(struct opener_run *r, struct clean_ctx *cc, struct opener_item *it, int folder, int infd,
    const char *want, char *final, size_t sz)
{
	char tmp[48], got[SAFENAME_MAX + 16];
	int outfd, rc, e;

	tmp_name(tmp, sizeof tmp);
	outfd = openat(folder, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (outfd < 0 || (it->rep = calloc(1, sizeof *it->rep)) == NULL) {
		if (outfd >= 0)
			close(outfd);
		return SD_ERR_IO;
	}
	rc = clean_file_sandboxed(cc, infd, outfd, it->rep);
	e = (rc == 0 && fsync(outfd) != 0) ? SD_ERR_IO : 0;
	close(outfd);
	if (rc == 0 && e == 0) {
		char fixed[SAFENAME_MAX + 1];
		(void)snprintf(fixed, sizeof fixed, "%s", want);
		fix_extension(fixed, it);
		e = opener_publish(folder, tmp, folder, fixed, final, sz);
		it->status =
		    clean_report_full(it->rep) ? OPENER_STATUS_CLEANED : OPENER_STATUS_PARTLY;
		if (e == 0 && r->safe_pdf) {
			int cfd = openat(folder, final, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			if (cfd < 0) {
				(void)snprintf(it->pdf_error, sizeof it->pdf_error,
				    I18N_N("no safe PDF: %s"), strerror(errno));
			} else {
				safe_pdf(r, cc, it, folder, cfd, final, NULL);
				close(cfd);
			}
		}
		if (e == 0 && r->keep_originals)
			e = keep_original(it, folder, infd);
	} else {
		it->status =
		    rc == CLEAN_E_UNSUPPORTED ? OPENER_STATUS_UNCLEANED : OPENER_STATUS_NOCLEAN;
		if (rc != CLEAN_E_UNSUPPORTED && it->rep->error[0] == '\0')
			(void)snprintf(
			    it->rep->error, sizeof it->rep->error, "%s", clean_strerror(rc));
		e = place_uncleaned(r, it, folder, infd, got, sizeof got);
		(void)snprintf(final, sz, "uncleaned/%s", got);
		if (e == 0 && r->safe_pdf && rc == CLEAN_E_UNSUPPORTED &&
		    strcmp(it->rep->type, "message/rfc822") == 0 && !it->in_mail) {
			char *fates = malloc(CLEAN_EML_ATTACH_MAX * 1024);
			if (fates != NULL)
				eml_attachments(
				    r, cc, it, folder, infd, fates, CLEAN_EML_ATTACH_MAX * 1024);
			if (fates == NULL)
				(void)snprintf(it->pdf_error, sizeof it->pdf_error,
				    I18N_N("no safe PDF: %s"), sd_strerror(SD_ERR_NOMEM));
			else
				safe_pdf(r, cc, it, folder, infd, want, fates);
			free(fates);
		} else if (e == 0 && r->safe_pdf && rc == CLEAN_E_UNSUPPORTED &&
		    (clean_office_pdf_kind(it->rep->type) == CLEAN_OFFICE_LEGACY ||
			strcmp(it->rep->type, "message/rfc822") == 0)) {
			safe_pdf(r, cc, it, folder, infd, want, NULL);
		}
	}
	(void)unlinkat(folder, tmp, 0);
	return e;
}

static int
place_one(struct opener_run *r, struct clean_ctx *cc, struct opener_item *it)
{
	char folder[64], want[SAFENAME_MAX + 1], final[SAFENAME_MAX + 32];
	int fd = -1, infd = -1, e;

	folder_name(it, folder, sizeof folder);
	want_name(it, want);
	fd = folder[0] ? open_dir(r->outfd, folder) : dup(r->outfd);
	if (fd < 0) {
		e = SD_ERR_IO;
		goto out;
	}
	if (it->kind == SDBOX_KIND_MESSAGE || it->kind == SDBOX_KIND_REPLY) {
		e = opener_publish(fd, it->staged, r->stagefd, want, final, sizeof final);
		it->status = OPENER_STATUS_TEXT;
	} else {
		infd = it->kind == 0
		    ? open(it->path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
		    : openat(r->stagefd, it->staged, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		e = infd < 0 ? SD_ERR_IO
			     : clean_into(r, cc, it, fd, infd, want, final, sizeof final);
	}
	if (e == 0 && fsync(fd) != 0)
		e = SD_ERR_IO;
	if (e == 0) {
		(void)snprintf(it->out, sizeof it->out, "%s", final);
		(void)prefix_paths(it, folder);
	}
out:
	if (e != 0) {
		(void)snprintf(it->error, sizeof it->error, I18N_N("cannot write the output: %s"),
		    e == SD_ERR_IO ? strerror(errno) : sd_strerror(e));
		it->status = OPENER_STATUS_VERIFY_FAILED;
	}
	if (infd >= 0)
		close(infd);
	if (fd >= 0)
		close(fd);
	return e;
}

int
opener_place_all(struct opener_run *r, struct clean_ctx *cc)
{
	size_t todo = 0, done = 0;
	int bad = 0;

	qsort(r->items, r->n, sizeof *r->items, cmp_items);
	for (size_t i = 0; i < r->n; i++)
		todo += r->items[i].verified != 0;
	for (size_t i = 0; i < r->n; i++) {
		if (!r->items[i].verified)
			continue;
		bad |= place_one(r, cc, &r->items[i]) != 0;
		opener_progress(r, I18N_N("cleaning"), ++done, todo);
	}
	return bad ? SD_ERR_IO : 0;
}
