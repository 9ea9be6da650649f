/*
 * opener_state.c - sealdrop-open's state in --out: which items it opened and
 * where it put them (opener_state.h has the file format and the rules).
 *
 * Loading checks everything before anything is trusted: the header line,
 * the size bound, the checksum, then every field of every record (types,
 * bounds, a known kind and status, a relative output path with no hidden
 * or empty component, an identity of 64 hex digits seen once). The ids live
 * in an open-addressing set so that a spool of many items is checked in
 * linear time.
 */
#include "opener_state.h"
#include "sdi18n.h"
#include "sderr.h"
#include "sdio.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <sodium.h>

#define HEXID (2 * OPENER_ID_BYTES)
#define SUMLINE "blake2b-256 "

/* why = fmt's message (in English: sealdrop-open shows it translated, so
 * each is a message of po/ too). */
static void
why_set(char *why, size_t whysz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
why_set(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whysz == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
}

int
opener_state_lock(int outfd)
{
	if (flock(outfd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	return errno == EWOULDBLOCK ? SD_ERR_BUSY : SD_ERR_IO;
}

/* ---- the id set ---------------------------------------------------------- */

static const unsigned char zero_id[OPENER_ID_BYTES];

static size_t
slot_of(const unsigned char *id, size_t cap)
{
	uint64_t h;

	memcpy(&h, id, sizeof h); /* ids are BLAKE2b output: uniform */
	return (size_t)h & (cap - 1);
}

static int
ids_grow(struct opener_state *st)
{
	size_t cap = st->ids_cap ? 2 * st->ids_cap : 1024;
	unsigned char *v = calloc(cap, OPENER_ID_BYTES);

	if (v == NULL)
		return SD_ERR_NOMEM;
	for (size_t i = 0; i < st->ids_cap; i++) {
		const unsigned char *id = st->ids + i * OPENER_ID_BYTES;
		size_t s;
		if (memcmp(id, zero_id, OPENER_ID_BYTES) == 0)
			continue;
		for (s = slot_of(id, cap);
		     memcmp(v + s * OPENER_ID_BYTES, zero_id, OPENER_ID_BYTES) != 0;
		     s = (s + 1) & (cap - 1))
			;
		memcpy(v + s * OPENER_ID_BYTES, id, OPENER_ID_BYTES);
	}
	free(st->ids);
	st->ids = v;
	st->ids_cap = cap;
	return 0;
}

int
opener_state_known(const struct opener_state *st, const unsigned char id[OPENER_ID_BYTES])
{
	if (st == NULL || st->ids_cap == 0)
		return 0;
	for (size_t s = slot_of(id, st->ids_cap);; s = (s + 1) & (st->ids_cap - 1)) {
		const unsigned char *v = st->ids + s * OPENER_ID_BYTES;
		if (memcmp(v, zero_id, OPENER_ID_BYTES) == 0)
			return 0;
		if (memcmp(v, id, OPENER_ID_BYTES) == 0)
			return 1;
	}
}

int
opener_state_mark(struct opener_state *st, const unsigned char id[OPENER_ID_BYTES])
{
	size_t s;
	int e;

	if (memcmp(id, zero_id, OPENER_ID_BYTES) == 0)
		return SD_ERR_ARG;
	if (opener_state_known(st, id))
		return SD_ERR_EXISTS;
	if (2 * (st->ids_n + 1) > st->ids_cap && (e = ids_grow(st)) != 0)
		return e;
	for (s = slot_of(id, st->ids_cap);
	     memcmp(st->ids + s * OPENER_ID_BYTES, zero_id, OPENER_ID_BYTES) != 0;
	     s = (s + 1) & (st->ids_cap - 1))
		;
	memcpy(st->ids + s * OPENER_ID_BYTES, id, OPENER_ID_BYTES);
	st->ids_n++;
	return 0;
}

/* ---- checking a loaded state --------------------------------------------- */

static int
printable_ok(const char *s)
{
	char c[OPENER_STATE_STRING_MAX + 1];

	if (strlen(s) > OPENER_STATE_STRING_MAX)
		return 0;
	opener_printable(s, c, sizeof c);
	return strcmp(c, s) == 0;
}

int
opener_state_path_ok(const char *p)
{
	size_t parts = 0;

	if (p == NULL || strlen(p) >= OPENER_PATH_MAX || !printable_ok(p))
		return 0;
	while (*p) {
		size_t l = strcspn(p, "/");
		if (l == 0 || p[0] == '.' || ++parts > 3)
			return 0;
		p += l;
		if (*p == '/' && *++p == '\0')
			return 0;
	}
	return parts > 0;
}

static int
hex_ok(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static const char *const kinds[] = { "message", "file", "reply", NULL };
static const char *const statuses[] = { OPENER_STATUS_TEXT, OPENER_STATUS_CLEANED,
	OPENER_STATUS_PARTLY, OPENER_STATUS_UNCLEANED, OPENER_STATUS_NOCLEAN, NULL };

static int
one_of(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (strcmp(s, *l) == 0)
			return 1;
	return 0;
}

/* A string field: absent is fine unless required; present must be a
 * printable string within the bound. */
static int
str_field(json_t *o, const char *k, int required)
{
	json_t *v = json_object_get(o, k);

	if (v == NULL)
		return !required;
	return json_is_string(v) && printable_ok(json_string_value(v));
}

static int
int_field(json_t *o, const char *k, int required, json_int_t max)
{
	json_t *v = json_object_get(o, k);

	if (v == NULL)
		return !required;
	return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= max;
}

static int
notes_field(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k), *x;
	size_t i;

	if (v == NULL)
		return 1;
	if (!json_is_array(v) || json_array_size(v) > 1000)
		return 0;
	json_array_foreach(
	    v, i, x) if (!json_is_string(x) || !printable_ok(json_string_value(x))) return 0;
	return 1;
}

static const char *const item_keys[] = { "id", "source", "seq", "kind", "time", "name", "size",
	"status", "output", "type", "removed", "kept", "not_inspected", "renamed", "error", "run",
	"pdf", "pdf_error", "pdf_note", "original", "attachments", "attachments_total", NULL };

/* The fields of an e-mail's attachment (opener_item_json's, less the ids). */
static const char *const att_keys[] = { "name", "status", "output", "type", "removed", "kept",
	"not_inspected", "renamed", "error", "pdf", "pdf_error", "pdf_note", "original", NULL };

/* An e-mail's attachments: NULL when good, else which rule they break. */
static const char *
check_attachments(json_t *o)
{
	json_t *a = json_object_get(o, "attachments"), *x, *v;
	const char *k;
	size_t i;

	if (a == NULL)
		return json_object_get(o, "attachments_total") != NULL
		    ? I18N_N("a record counts attachments but lists none")
		    : NULL;
	if (!json_is_array(a) || json_array_size(a) > CLEAN_EML_ATTACH_MAX ||
	    !int_field(o, "attachments_total", 1, 1000000) ||
	    json_integer_value(json_object_get(o, "attachments_total")) <
		(json_int_t)json_array_size(a))
		return I18N_N("a record's attachments are not a list within bounds");
	json_array_foreach(a, i, x)
	{
		if (!json_is_object(x))
			return I18N_N("an attachment is not an object");
		json_object_foreach(x, k, v) if (!one_of(k, att_keys)) return I18N_N(
		    "an attachment has an unknown field");
		if (!json_is_string(json_object_get(x, "status")) ||
		    (!one_of(json_string_value(json_object_get(x, "status")), statuses) &&
			strcmp(json_string_value(json_object_get(x, "status")),
			    OPENER_STATUS_VERIFY_FAILED) != 0))
			return I18N_N("an attachment's status is unknown");
		if (!json_is_null(v = json_object_get(x, "output")) &&
		    (!json_is_string(v) || !opener_state_path_ok(json_string_value(v))))
			return I18N_N(
			    "an attachment's output is not a relative path inside the folder");
		if ((v = json_object_get(x, "pdf")) != NULL &&
		    (!json_is_string(v) || !opener_state_path_ok(json_string_value(v))))
			return I18N_N(
			    "an attachment's safe PDF is not a relative path inside the folder");
		if ((v = json_object_get(x, "original")) != NULL &&
		    (!json_is_string(v) || !opener_state_path_ok(json_string_value(v))))
			return I18N_N(
			    "an attachment's kept original is not a relative path inside the folder");
		if (!str_field(x, "name", 1) || !str_field(x, "type", 0) ||
		    !str_field(x, "error", 0) || !notes_field(x, "removed") ||
		    !notes_field(x, "kept") || !notes_field(x, "not_inspected") ||
		    !notes_field(x, "renamed") || !notes_field(x, "pdf_error") ||
		    !notes_field(x, "pdf_note"))
			return I18N_N(
			    "an attachment's name, type or notes are not printable text within "
			    "bounds");
	}
	return NULL;
}

/* One record; NULL when it is good, else which rule it breaks. */
static const char *
check_item(struct opener_state *st, json_t *o, json_int_t runs)
{
	const char *k, *id;
	unsigned char bin[OPENER_ID_BYTES], sid[SD_ID_BYTES];
	json_t *v;

	if (!json_is_object(o))
		return I18N_N("a record is not an object");
	json_object_foreach(o, k, v) if (!one_of(k, item_keys)) return I18N_N(
	    "a record has an unknown field");
	if (!json_is_string(json_object_get(o, "id")) ||
	    !hex_ok(id = json_string_value(json_object_get(o, "id")), HEXID))
		return I18N_N("a record's id is not 64 hex digits");
	if (json_object_get(o, "source") != NULL) {
		if (!json_is_string(json_object_get(o, "source")) ||
		    sd_id_parse(json_string_value(json_object_get(o, "source")),
			json_string_length(json_object_get(o, "source")), sid) != 0 ||
		    !int_field(o, "seq", 1, 999999999))
			return I18N_N("a record's source or sequence number is wrong");
	} else if (json_object_get(o, "seq") != NULL) {
		return I18N_N("a record has a sequence number but no source");
	}
	if (!json_is_string(json_object_get(o, "kind")) ||
	    !one_of(json_string_value(json_object_get(o, "kind")), kinds))
		return I18N_N("a record's kind is unknown");
	if (!json_is_string(json_object_get(o, "status")) ||
	    !one_of(json_string_value(json_object_get(o, "status")), statuses))
		return I18N_N("a record's status is unknown");
	if (!json_is_string(json_object_get(o, "output")) ||
	    !opener_state_path_ok(json_string_value(json_object_get(o, "output"))))
		return I18N_N("a record's output is not a relative path inside the folder");
	if ((v = json_object_get(o, "pdf")) != NULL &&
	    (!json_is_string(v) || !opener_state_path_ok(json_string_value(v))))
		return I18N_N("a record's safe PDF is not a relative path inside the folder");
	if ((v = json_object_get(o, "original")) != NULL &&
	    (!json_is_string(v) || !opener_state_path_ok(json_string_value(v))))
		return I18N_N("a record's kept original is not a relative path inside the folder");
	if (!int_field(o, "time", 1, (json_int_t)1 << 40) ||
	    !int_field(o, "size", 1, (json_int_t)1 << 50) || !int_field(o, "run", 1, runs) ||
	    json_integer_value(json_object_get(o, "run")) < 1)
		return I18N_N("a record's time, size or run is missing or out of range");
	if (!str_field(o, "name", 1) || !str_field(o, "type", 0) || !str_field(o, "error", 0) ||
	    !notes_field(o, "removed") || !notes_field(o, "kept") ||
	    !notes_field(o, "not_inspected") || !notes_field(o, "renamed") ||
	    !notes_field(o, "pdf_error") || !notes_field(o, "pdf_note"))
		return I18N_N(
		    "a record's name, type or notes are not printable text within bounds");
	if ((k = check_attachments(o)) != NULL)
		return k;
	if (sodium_hex2bin(bin, sizeof bin, id, HEXID, NULL, NULL, NULL) != 0)
		return I18N_N("a record's id is not 64 hex digits");
	switch (opener_state_mark(st, bin)) {
	case 0:
		return NULL;
	case SD_ERR_EXISTS:
		return I18N_N("two records have the same id");
	case SD_ERR_NOMEM:
		return I18N_N("out of memory");
	default:
		return I18N_N("a record's id is not valid");
	}
}

static const char *
check_failed(json_t *o)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return I18N_N("a failure is not an object");
	json_object_foreach(o, k, v) if (strcmp(k, "input") != 0 && strcmp(k, "error") != 0 &&
	    strcmp(k, "status") != 0 &&
	    strcmp(k, "count") != 0) return I18N_N("a failure has an unknown field");
	if (!str_field(o, "input", 1) || !str_field(o, "error", 1) || !str_field(o, "status", 1) ||
	    !int_field(o, "count", 0, (json_int_t)1 << 40))
		return I18N_N("a failure's fields are wrong");
	return NULL;
}

static const char *
check_root(struct opener_state *st, json_t *root)
{
	json_t *items, *failed, *v;
	const char *k, *bad;
	json_int_t runs;
	size_t i;

	if (!json_is_object(root))
		return I18N_N("its content is not a JSON object");
	json_object_foreach(root, k, v) if (strcmp(k, "runs") != 0 && strcmp(k, "items") != 0 &&
	    strcmp(k, "failed") != 0) return I18N_N("it has an unknown field");
	if (!int_field(root, "runs", 1, (json_int_t)1 << 40) ||
	    !json_is_array(items = json_object_get(root, "items")) ||
	    !json_is_array(failed = json_object_get(root, "failed")))
		return I18N_N("\"runs\", \"items\" or \"failed\" is missing or of the wrong type");
	runs = json_integer_value(json_object_get(root, "runs"));
	if (json_array_size(items) > OPENER_STATE_ITEMS_MAX ||
	    json_array_size(failed) > OPENER_STATE_FAILED_MAX)
		return I18N_N("it lists more items or failures than allowed");
	json_array_foreach(items, i, v) if ((bad = check_item(st, v, runs)) != NULL) return bad;
	json_array_foreach(failed, i, v) if ((bad = check_failed(v)) != NULL) return bad;
	return NULL;
}

static int
empty_state(struct opener_state *st)
{
	st->root = json_pack("{s:i, s:[], s:[]}", "runs", 0, "items", "failed");
	return st->root ? 0 : SD_ERR_NOMEM;
}

int
opener_state_parse(const char *data, size_t len, struct opener_state *st, char *why, size_t whysz)
{
	unsigned char sum[crypto_generichash_BYTES], want[crypto_generichash_BYTES];
	size_t ml = strlen(OPENER_STATE_MAGIC), hl = ml + strlen(SUMLINE) + 2 * sizeof sum + 1;
	struct opener_state s = { 0 };
	json_error_t je;
	const char *bad;
	int e;

	if (len < ml || memcmp(data, OPENER_STATE_MAGIC, ml) != 0) {
		why_set(why, whysz,
		    "not a sealdrop-open state (foreign file, or made by "
		    "another version of sealdrop-open)");
		return SD_ERR_FORMAT;
	}
	if (len < hl || memcmp(data + ml, SUMLINE, strlen(SUMLINE)) != 0 || data[hl - 1] != '\n' ||
	    sodium_hex2bin(want, sizeof want, data + ml + strlen(SUMLINE), 2 * sizeof sum, NULL,
		NULL, NULL) != 0) {
		why_set(why, whysz, "damaged: its checksum line is missing or malformed");
		return SD_ERR_CHECKSUM;
	}
	crypto_generichash(sum, sizeof sum, (const unsigned char *)data + hl, len - hl, NULL, 0);
	if (sodium_memcmp(sum, want, sizeof sum) != 0) {
		why_set(why, whysz, "damaged: its content does not match its checksum");
		return SD_ERR_CHECKSUM;
	}
	s.root = json_loadb(data + hl, len - hl, JSON_REJECT_DUPLICATES, &je);
	if (s.root == NULL) {
		why_set(why, whysz, "damaged: its content is not valid JSON");
		e = SD_ERR_CHECKSUM;
		goto out;
	}
	if ((bad = check_root(&s, s.root)) != NULL) {
		why_set(why, whysz, "damaged: %s", bad);
		e = SD_ERR_CHECKSUM;
		goto out;
	}
	s.existed = 1;
	*st = s;
	return 0;
out:
	opener_state_free(&s);
	return e;
}

int
opener_state_load(int outfd, struct opener_state *st, char *why, size_t whysz)
{
	struct stat sb;
	char *data = NULL;
	size_t got = 0;
	int fd = openat(outfd, OPENER_STATE_FILE,
		O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK),
	    e;

	if (fd < 0 && errno == ENOENT) {
		if (fstatat(outfd, "report.json", &sb, AT_SYMLINK_NOFOLLOW) == 0) {
			why_set(why, whysz,
			    "holds the output of an earlier sealdrop-open but no "
			    "state (%s): it cannot tell what is already there; choose a new --out "
			    "folder",
			    OPENER_STATE_FILE);
			return SD_ERR_EXISTS;
		}
		memset(st, 0, sizeof *st);
		return empty_state(st);
	}
	if (fd < 0) {
		why_set(why, whysz, "cannot open %s: %s", OPENER_STATE_FILE, strerror(errno));
		return errno == ELOOP ? SD_ERR_FORMAT : SD_ERR_IO;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		why_set(why, whysz, "%s is not a regular file", OPENER_STATE_FILE);
		e = SD_ERR_FORMAT;
		goto out;
	}
	if ((uint64_t)sb.st_size > OPENER_STATE_BYTES_MAX) {
		why_set(
		    why, whysz, "%s is larger than the 64 MiB a state may be", OPENER_STATE_FILE);
		e = SD_ERR_RANGE;
		goto out;
	}
	if ((data = malloc((size_t)sb.st_size + 1)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	if ((e = sd_read_full(fd, data, (size_t)sb.st_size + 1, &got)) != 0) {
		why_set(why, whysz, "cannot read %s: %s", OPENER_STATE_FILE, strerror(errno));
		goto out;
	}
	if (got != (size_t)sb.st_size) {
		why_set(why, whysz, "%s changed while it was read", OPENER_STATE_FILE);
		e = SD_ERR_IO;
		goto out;
	}
	e = opener_state_parse(data, got, st, why, whysz);
out:
	free(data);
	close(fd);
	return e;
}

size_t
opener_state_count(const struct opener_state *st)
{
	return json_array_size(json_object_get(st->root, "items"));
}

static json_t *
record_of(const struct opener_item *it, json_int_t run)
{
	static const char *const kn[] = { "plain", "message", "file", "reply" };
	char hex[HEXID + 1], src[SD_ID_HEX + 1], name[SDBOX_NAME_MAX + 1];
	json_t *o = opener_item_json(it, NULL);

	if (o == NULL)
		return NULL;
	(void)json_object_del(o, "input");
	sodium_bin2hex(hex, sizeof hex, it->id, sizeof it->id);
	opener_printable(it->name, name, sizeof name);
	if (json_object_set_new(o, "id", json_string(hex)) != 0 ||
	    json_object_set_new(o, "kind", json_string(kn[it->kind & 3])) != 0 ||
	    json_object_set_new(o, "time", json_integer((json_int_t)it->time)) != 0 ||
	    json_object_set_new(o, "size", json_integer((json_int_t)it->size)) != 0 ||
	    json_object_set_new(o, "run", json_integer(run)) != 0 ||
	    json_object_set_new(o, "name", json_string(name)) != 0)
		goto bad;
	if (it->sorted) {
		sd_id_hex(it->source, src);
		if (json_object_set_new(o, "source", json_string(src)) != 0)
			goto bad;
	} else {
		(void)json_object_del(o, "seq");
	}
	return o;
bad:
	json_decref(o);
	return NULL;
}

int
opener_state_add_run(struct opener_state *st, const struct opener_run *r)
{
	json_t *items = json_object_get(st->root, "items"), *failed = json_array();
	json_int_t run = json_integer_value(json_object_get(st->root, "runs")) + 1;
	int e = SD_ERR_NOMEM;

	if (failed == NULL)
		return SD_ERR_NOMEM;
	for (size_t i = 0; i < r->n; i++) {
		const struct opener_item *it = &r->items[i];
		json_t *o;
		if (it->verified && it->has_id && it->out[0] && it->kind != 0 && it->status &&
		    strcmp(it->status, OPENER_STATUS_VERIFY_FAILED) != 0) {
			if (json_array_size(items) >= OPENER_STATE_ITEMS_MAX) {
				e = SD_ERR_RANGE;
				goto out;
			}
			if ((o = record_of(it, run)) == NULL ||
			    json_array_append_new(items, o) != 0)
				goto out;
			continue;
		}
		if (it->out[0] == '\0' && json_array_size(failed) < OPENER_STATE_FAILED_MAX) {
			char label[OPENER_LABEL_MAX], err[600];
			opener_printable(it->label, label, sizeof label);
			opener_printable(it->error[0]          ? it->error
				: it->rep && it->rep->error[0] ? it->rep->error
							       : "failed",
			    err, sizeof err);
			o = json_pack("{s:s, s:s, s:s}", "input", label, "error", err, "status",
			    it->status ? it->status : OPENER_STATUS_VERIFY_FAILED);
			if (o == NULL || json_array_append_new(failed, o) != 0)
				goto out;
			if (it->summary == OPENER_SUMMARY_MORE_FAILED)
				(void)json_object_set_new(
				    o, "count", json_integer((json_int_t)it->count));
		}
	}
	if (json_object_set(st->root, "failed", failed) != 0 ||
	    json_object_set_new(st->root, "runs", json_integer(run)) != 0)
		goto out;
	e = 0;
out:
	json_decref(failed);
	return e;
}

int
opener_state_save(int outfd, const struct opener_state *st)
{
	unsigned char sum[crypto_generichash_BYTES], rnd[8];
	char head[128], hex[2 * sizeof sum + 1], tmp[64];
	char *js = json_dumps(st->root, JSON_COMPACT);
	size_t jl;
	int fd = -1, e;

	if (js == NULL)
		return SD_ERR_NOMEM;
	jl = strlen(js);
	if (jl + sizeof head > OPENER_STATE_BYTES_MAX) {
		e = SD_ERR_RANGE;
		goto out;
	}
	crypto_generichash(sum, sizeof sum, (const unsigned char *)js, jl, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
	(void)snprintf(head, sizeof head, "%s%s%s\n", OPENER_STATE_MAGIC, SUMLINE, hex);
	randombytes_buf(rnd, sizeof rnd);
	(void)snprintf(tmp, sizeof tmp, ".sealdrop-state-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0],
	    rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	fd = openat(outfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = SD_ERR_IO;
		goto out;
	}
	if ((e = sd_write_full(fd, head, strlen(head))) != 0 ||
	    (e = sd_write_full(fd, js, jl)) != 0)
		goto out;
	if (fsync(fd) != 0 || renameat(outfd, tmp, outfd, OPENER_STATE_FILE) != 0 ||
	    fsync(outfd) != 0) {
		e = SD_ERR_IO;
		goto out;
	}
	tmp[0] = '\0';
	e = 0;
out:
	if (fd >= 0)
		close(fd);
	if (e != 0 && fd >= 0 && tmp[0])
		(void)unlinkat(outfd, tmp, 0);
	free(js);
	return e;
}

void
opener_state_free(struct opener_state *st)
{
	if (st == NULL)
		return;
	json_decref(st->root);
	free(st->ids);
	memset(st, 0, sizeof *st);
}
