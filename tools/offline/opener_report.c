/*
 * opener_report.c - what sealdrop-open did, for people and for scripts.
 *
 * The text report goes to stdout (unless --quiet) and to OUT/report.txt;
 * the same facts go to OUT/report.json (jansson). Both files are written
 * only when something was written into OUT, so a run that refuses every
 * input leaves OUT empty. Names in the JSON are the safe output names;
 * every string from a file is passed through safename-like filtering of
 * control characters before it is printed on a terminal.
 * Also the progress bar (stderr, only on a terminal, only for large runs).
 */
#include "opener.h"
#include "sderr.h"
#include "sdi18n.h"
#include "sdio.h"
#include "sdutf8.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdint.h>

#include <jansson.h>
#include <sodium.h>

#define REPORT_MAX (64u << 20)

const char *
opener_tr(const char *lang, const char *msgid)
{
	return i18n_get(lang != NULL ? lang : "en", msgid);
}

const char *
opener_note_tr(const char *lang, const char *note, char *out, size_t sz)
{
	return lang == NULL || strcmp(lang, "en") == 0 ? note : i18n_get_text(lang, note, out, sz);
}

const char *
opener_ntr(const char *lang, const char *msgid, const char *msgid_plural, unsigned long n)
{
	return i18n_nget(lang != NULL ? lang : "en", msgid, msgid_plural, n);
}

void
opener_progress(const struct opener_run *r, const char *what, size_t done, size_t total)
{
	char bar[41];
	size_t fill;

	if (!r->progress || total == 0)
		return;
	fill = done * 40 / total;
	memset(bar, '#', fill);
	memset(bar + fill, '.', 40 - fill);
	bar[40] = '\0';
	fprintf(stderr, "\r%s [%s] %zu/%zu", opener_tr(r->lang, what), bar, done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

void
opener_progress_count(struct opener_run *r, int last)
{
	if (!r->tty)
		return;
	if (!r->counting && (r->n >= 20 || r->total_bytes >= (64u << 20)))
		r->counting = 1;
	if (!r->counting)
		return;
	fputc('\r', stderr);
	/* xgettext:c-format */
	fprintf(stderr,
	    opener_ntr(r->lang, "decrypting: %zu file, %llu MiB verified",
		"decrypting: %zu files, %llu MiB verified", r->n),
	    r->n, (unsigned long long)(r->total_bytes >> 20));
	if (last)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Length of a valid UTF-8 sequence at p that is not a C0/C1 control or
 * DEL, or 0. */
static size_t
utf8_ok(const unsigned char *p)
{
	uint32_t cp = 0;
	size_t n = sd_utf8_decode(p, strnlen((const char *)p, 4), &cp);

	if (n == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
		return 0;
	return n;
}

void
opener_printable(const char *in, char *out, size_t sz)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0;

	while (*p && i + 1 < sz) {
		size_t n = utf8_ok(p);
		if (n == 0 || i + n + 1 > sz) {
			out[i++] = '?';
			p++;
			continue;
		}
		memmove(out + i, p, n);
		i += n;
		p += n;
	}
	out[i] = '\0';
}

/* A JSON string of s; bytes of invalid UTF-8 (a hostile member name) are
 * replaced by '?' so the report stays valid JSON. */
static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s);
	char *c;

	if (j != NULL || (c = strdup(s)) == NULL)
		return j;
	for (char *p = c; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(c);
	free(c);
	return j;
}

static json_t *
notes_json(const char *notes, const char *lang)
{
	json_t *a = json_array();

	while (a != NULL && *notes) {
		size_t l = strcspn(notes, "\n");
		char line[600], tr[800];
		(void)snprintf(line, sizeof line, "%.*s", (int)(l < 590 ? l : 590), notes);
		opener_printable(line, line, sizeof line);
		(void)json_array_append_new(a, jstr(opener_note_tr(lang, line, tr, sizeof tr)));
		notes += l;
		if (*notes)
			notes++;
	}
	return a;
}

json_t *
opener_item_json(const struct opener_item *it, const char *lang)
{
	static const char *const kinds[] = { "plain", "message", "file", "reply" };
	char label[OPENER_LABEL_MAX];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	opener_printable(it->label, label, sizeof label);
	(void)json_object_set_new(o, "input", jstr(label));
	(void)json_object_set_new(
	    o, "kind", json_string(kinds[it->kind >= 0 && it->kind <= 3 ? it->kind : 0]));
	(void)json_object_set_new(o, "status", json_string(it->status ? it->status : "failed"));
	(void)json_object_set_new(o, "output", it->out[0] ? jstr(it->out) : json_null());
	if (it->sorted)
		(void)json_object_set_new(o, "seq", json_integer((json_int_t)it->seq));
	if (it->summary == OPENER_SUMMARY_MORE_FAILED)
		(void)json_object_set_new(o, "count", json_integer((json_int_t)it->count));
	if (it->rep != NULL) {
		(void)json_object_set_new(o, "type", jstr(it->rep->type));
		(void)json_object_set_new(o, "removed", notes_json(it->rep->removed, lang));
		(void)json_object_set_new(o, "kept", notes_json(it->rep->kept, lang));
		(void)json_object_set_new(
		    o, "not_inspected", notes_json(it->rep->uninspected, lang));
	}
	if (it->renamed[0])
		(void)json_object_set_new(o, "renamed", notes_json(it->renamed, lang));
	if (it->pdf[0])
		(void)json_object_set_new(o, "pdf", jstr(it->pdf));
	if (it->pdf_error[0])
		(void)json_object_set_new(o, "pdf_error", notes_json(it->pdf_error, lang));
	if (it->pdf_note[0])
		(void)json_object_set_new(o, "pdf_note", notes_json(it->pdf_note, lang));
	if (it->original[0])
		(void)json_object_set_new(o, "original", jstr(it->original));
	if (it->error[0] || (it->rep && it->rep->error[0])) {
		char err[600], tr[800];
		opener_printable(it->error[0] ? it->error : it->rep->error, err, sizeof err);
		(void)json_object_set_new(
		    o, "error", jstr(opener_note_tr(lang, err, tr, sizeof tr)));
	}
	if (it->natt > 0 || it->att_total > 0) {
		json_t *a = json_array();
		for (size_t i = 0; a != NULL && i < it->natt; i++) {
			json_t *x = opener_item_json(&it->att[i], lang);
			if (x != NULL) { /* its name in the e-mail ("": none), not an input */
				char name[sizeof it->att[i].name];
				opener_printable(it->att[i].name, name, sizeof name);
				(void)json_object_set_new(x, "name", jstr(name));
				(void)json_object_del(x, "input");
				(void)json_object_del(x, "kind");
			}
			(void)json_array_append_new(a, x);
		}
		(void)json_object_set_new(o, "attachments", a);
		(void)json_object_set_new(o, "attachments_total", json_integer(it->att_total));
	}
	return o;
}

static void
notes_text(FILE *f, const char *lang, const char *indent, const char *title, const char *notes)
{
	while (*notes) {
		size_t l = strcspn(notes, "\n");
		char line[600], tr[800];
		(void)snprintf(line, sizeof line, "%.*s", (int)(l < 590 ? l : 590), notes);
		opener_printable(line, line, sizeof line);
		fputs(indent, f);
		/* TRANSLATORS: a note of report.txt: its kind, then the note. */
		fprintf(f, opener_tr(lang, "    %s: %s\n"), title,
		    opener_note_tr(lang, line, tr, sizeof tr));
		notes += l;
		if (*notes)
			notes++;
	}
}

static void
item_text(FILE *f, const char *lang, const struct opener_item *it)
{
	char label[OPENER_LABEL_MAX];
	const char *pdf = opener_tr(lang, "safe PDF"), *in = it->in_mail ? "    " : "";

	opener_printable(
	    it->in_mail && it->name[0] == '\0' ? opener_tr(lang, "(no name)") : it->label, label,
	    sizeof label);
	if (it->in_mail)
		/* TRANSLATORS: an e-mail's attachment in report.txt: its name as
		 * the e-mail gives it, then its status. */
		fprintf(f, opener_tr(lang, "    attachment %s: %s"), label,
		    opener_tr(lang, it->status ? it->status : OPENER_STATUS_VERIFY_FAILED));
	else
		/* TRANSLATORS: a file of report.txt: its name, then its status. */
		fprintf(f, opener_tr(lang, "%s: %s"), label,
		    opener_tr(lang, it->status ? it->status : OPENER_STATUS_VERIFY_FAILED));
	if (it->out[0])
		fprintf(f, " -> %s", it->out);
	if (it->rep != NULL && it->rep->type[0])
		fprintf(f, " [%s]", it->rep->type);
	fputc('\n', f);
	if (it->rep != NULL) {
		notes_text(f, lang, in, opener_tr(lang, "removed"), it->rep->removed);
		notes_text(f, lang, in, opener_tr(lang, "kept"), it->rep->kept);
		notes_text(f, lang, in, opener_tr(lang, "not inspected"), it->rep->uninspected);
		if (it->rep->error[0])
			notes_text(f, lang, in, opener_tr(lang, "error"), it->rep->error);
	}
	notes_text(f, lang, in, opener_tr(lang, "renamed"), it->renamed);
	if (it->pdf[0])
		notes_text(f, lang, in, pdf, it->pdf);
	notes_text(f, lang, in, pdf, it->pdf_note);
	notes_text(f, lang, in, pdf, it->pdf_error);
	notes_text(f, lang, in, opener_tr(lang, "original, NOT cleaned"), it->original);
	if (it->error[0])
		notes_text(f, lang, in, opener_tr(lang, "error"), it->error);
	if (it->att_total > it->natt) {
		char line[200];
		/* xgettext:c-format */
		(void)snprintf(line, sizeof line,
		    opener_tr(lang,
			"%u in the e-mail, only the first "
			"%zu saved (the others are listed by name on its safe PDF)"),
		    it->att_total, it->natt);
		notes_text(f, lang, in, opener_tr(lang, "attachments"), line);
	}
	for (size_t i = 0; i < it->natt; i++)
		item_text(f, lang, &it->att[i]);
}

static int
write_report(struct opener_run *r, const char *name, const char *data, size_t len)
{
	char tmp[64], final[96];
	int fd, e;

	(void)snprintf(tmp, sizeof tmp, ".sealdrop-report-%s", name);
	(void)unlinkat(r->outfd, tmp, 0);
	fd = openat(r->outfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return SD_ERR_IO;
	e = sd_write_full(fd, data, len);
	if (e == 0 && fsync(fd) != 0)
		e = SD_ERR_IO;
	close(fd);
	if (e == 0 && r->replace_reports) /* the state's folder: the last run's report */
		e = renameat(r->outfd, tmp, r->outfd, name) == 0 ? 0 : SD_ERR_IO;
	else if (e == 0)
		e = opener_publish(r->outfd, tmp, r->outfd, name, final, sizeof final);
	(void)unlinkat(r->outfd, tmp, 0);
	return e;
}

/* How many files ended in each status; a summary line of failed files
 * stands for its count, the line of a stopped input for none. */
static const char *const statuses[] = {
	OPENER_STATUS_CLEANED,
	OPENER_STATUS_PARTLY,
	OPENER_STATUS_UNCLEANED,
	OPENER_STATUS_NOCLEAN,
	OPENER_STATUS_TEXT,
	OPENER_STATUS_VERIFY_FAILED,
};
#define NSTATUS (sizeof statuses / sizeof statuses[0])
/* "3 cleaned": status s counted in the summary line, the status word
 * agreeing with the count in French ("2 nettoyés"). */
static void
status_count(FILE *f, const char *lang, size_t s, size_t n)
{
	/* TRANSLATORS: counts of files in the summary of report.txt. */
	switch (s) {
	case 0:
		fprintf(f, opener_ntr(lang, "%zu cleaned", "%zu cleaned", n), n);
		break;
	case 1:
		fprintf(
		    f, opener_ntr(lang, "%zu not fully cleaned", "%zu not fully cleaned", n), n);
		break;
	case 2:
		fprintf(f, opener_ntr(lang, "%zu uncleaned", "%zu uncleaned", n), n);
		break;
	case 3:
		fprintf(f, opener_ntr(lang, "%zu could not clean", "%zu could not clean", n), n);
		break;
	case 4:
		fprintf(f, opener_ntr(lang, "%zu text", "%zu text", n), n);
		break;
	default:
		fprintf(f, opener_ntr(lang, "%zu failed", "%zu failed", n), n);
		break;
	}
}

static void
count_statuses(const struct opener_run *r, size_t n[NSTATUS])
{
	memset(n, 0, NSTATUS * sizeof n[0]);
	for (size_t i = 0; i < r->n; i++) {
		const struct opener_item *it = &r->items[i];
		const char *st = it->status ? it->status : OPENER_STATUS_VERIFY_FAILED;
		size_t k = it->summary == OPENER_SUMMARY_STOPPED ? 0
		    : it->summary == OPENER_SUMMARY_MORE_FAILED  ? it->count
								 : 1;
		for (size_t s = 0; s < NSTATUS; s++)
			if (strcmp(st, statuses[s]) == 0)
				n[s] += k;
		for (size_t a = 0; a < it->natt; a++) { /* an e-mail's attachments */
			st = it->att[a].status ? it->att[a].status : OPENER_STATUS_VERIFY_FAILED;
			for (size_t s = 0; s < NSTATUS; s++)
				if (strcmp(st, statuses[s]) == 0)
					n[s]++;
		}
	}
}

static json_t *
summary_json(const struct opener_run *r)
{
	size_t n[NSTATUS];
	json_t *o = json_object();

	count_statuses(r, n);
	for (size_t s = 0; o != NULL && s < NSTATUS; s++)
		(void)json_object_set_new(o, statuses[s], json_integer((json_int_t)n[s]));
	return o;
}

/* One line: "summary: 3 cleaned, 1 not fully cleaned, ..." (zeros left out). */
static void
summary_text(FILE *f, const struct opener_run *r)
{
	size_t n[NSTATUS];
	const char *sep = " ";

	count_statuses(r, n);
	fputs(opener_tr(r->lang, "summary:"), f);
	for (size_t s = 0; s < NSTATUS; s++) {
		if (n[s] == 0)
			continue;
		fputs(sep, f);
		status_count(f, r->lang, s, n[s]);
		sep = ", ";
	}
	if (sep[0] == ' ')
		fputs(opener_tr(r->lang, " no files"), f);
	if (r->state != NULL)
		fprintf(f,
		    opener_ntr(r->lang, "; %zu already opened before (not written again)",
			"; %zu already opened before (not written again)", r->already),
		    r->already);
	fputc('\n', f);
}

static int
report_files(struct opener_run *r, const char *txt, size_t txtlen)
{
	json_t *root = json_object(), *files = json_array();
	char *js = NULL;
	int e = SD_ERR_NOMEM;

	if (root == NULL || files == NULL)
		goto out;
	for (size_t i = 0; i < r->n; i++)
		(void)json_array_append_new(files, opener_item_json(&r->items[i], r->lang));
	(void)json_object_set_new(root, "version", json_integer(2));
	/* the language of the free-text notes (keys and statuses stay English) */
	(void)json_object_set_new(root, "lang", json_string(r->lang != NULL ? r->lang : "en"));
	(void)json_object_set_new(root, "summary", summary_json(r));
	if (r->state != NULL)
		(void)json_object_set_new(
		    root, "already_opened", json_integer((json_int_t)r->already));
	(void)json_object_set_new(root, "files", files);
	files = NULL;
	if ((js = json_dumps(root, JSON_INDENT(2))) == NULL)
		goto out;
	if ((e = write_report(r, "report.txt", txt, txtlen)) == 0)
		e = write_report(r, "report.json", js, strlen(js));
	if (e == 0 && fsync(r->outfd) != 0)
		e = SD_ERR_IO;
out:
	free(js);
	json_decref(files);
	json_decref(root);
	return e;
}

int
opener_report(struct opener_run *r, int clean_only)
{
	char *txt = NULL;
	size_t txtlen = 0, written = 0;
	FILE *f = open_memstream(&txt, &txtlen);
	int e = 0;

	if (f == NULL)
		return SD_ERR_NOMEM;
	/* xgettext:c-format */
	fprintf(
	    f, opener_tr(r->lang, "sealdrop-open %s report\n"), clean_only ? "--clean-only" : "");
	for (size_t i = 0; i < r->n; i++) {
		item_text(f, r->lang, &r->items[i]);
		written += r->items[i].out[0] != '\0';
	}
	summary_text(f, r);
	if (fclose(f) != 0 || txt == NULL)
		return SD_ERR_NOMEM;
	if (!r->quiet)
		fputs(txt + strcspn(txt, "\n") + 1, stdout);
	if ((written > 0 || r->replace_reports) && txtlen < REPORT_MAX)
		e = report_files(r, txt, txtlen);
	free(txt);
	return e;
}
