/*
 * admin.c - the admin pages (WEB_RF_ADMIN routes, see journalist.h) for the
 * recipient keys, the instance settings and the audit log, and the helpers
 * the journalist pages (admin_people.c) share.
 *
 * Every change is a POST with the session's CSRF token (checked in
 * dispatch.c), is written to the audit log, and ends with a redirect and a
 * one-shot message. Removing asks for a confirmation first. Recipient ids
 * in URLs are database row ids, parsed strictly as decimal and looked up.
 */
#include "admin_int.h"
#include "sdi18n.h"
#include "sderr.h"
#include "sdkey.h"
#include "settings.h"
#include "sdtmpl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define RECIPIENTS_MAX 32     /* SDBOX_RECIPIENTS_MAX */
#define RECIPIENTS_ADD_MAX 31 /* a reply is also sealed to the source's key */
#define LABEL_CHARS 64
#define AUDIT_PAGE 100

static const char *const not_found = I18N_N("There is no page at this address.");

/* The messages of settings_validate (store/settings.c), listed here so
 * po/update.sh extracts them: keep both in step. */
static const char *const settings_msgs[] __attribute__((unused)) = {
	I18N_N("The name must be 1 to 64 characters, without control characters."),
	I18N_N("The default language must be one of the languages offered."),
	I18N_N("Accepting files must be yes or no."),
	I18N_N("The largest submission must be between 1 MiB and 64 GiB."),
	I18N_N("The minimum length of a first message must be between 0 and 10000 characters."),
	I18N_N("Retention must be 0 (keep forever) or between 1 and 3650 days."),
};

/* ---- shared helpers ----------------------------------------------------- */

int
jn_admin_row_id(const char *seg, int64_t *out)
{
	size_t n = strlen(seg);
	int64_t v = 0;

	if (n == 0 || n > 18 || seg[0] == '0')
		return SD_ERR_FORMAT;
	for (size_t i = 0; i < n; i++) {
		if (seg[i] < '0' || seg[i] > '9')
			return SD_ERR_FORMAT;
		v = v * 10 + (seg[i] - '0');
	}
	*out = v;
	return 0;
}

int
jn_admin_confirmed(const struct jn_req *rq)
{
	const char *cf = web_form_get(&rq->form, "confirm", NULL);

	return cf != NULL && strcmp(cf, "1") == 0;
}

static int recipient_row(struct tmpl_vars *v, const struct db_recipient *r);
static int load_recipients(struct db_recipient *r, size_t *n);

enum MHD_Result
jn_admin_confirm(struct MHD_Connection *c, struct jn_req *rq, const char *action,
    const char *message_msgid, const char *back, const char *name, const char *value)
{
	return jn_admin_confirm_ex(c, rq, action, message_msgid, back, name, value, 0);
}

enum MHD_Result
jn_admin_confirm_ex(struct MHD_Connection *c, struct jn_req *rq, const char *action,
    const char *message_msgid, const char *back, const char *name, const char *value,
    int recipients)
{
	struct tmpl_vars *v = NULL, *x = NULL;
	struct db_recipient r[RECIPIENTS_MAX];
	size_t n = 0;
	int e = 0;

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	tmpl_set(v, "action", action);
	tmpl_set(v, "message", i18n_get(rq->lang, message_msgid));
	tmpl_set(v, "back", back);
	tmpl_set(v, "remove", "1");
	if (name != NULL) {
		tmpl_list_add(v, "fields", &x);
		tmpl_set(x, "name", name);
		tmpl_set(x, "value", value);
	}
	/* The last recipient key is never offered: it cannot be removed. */
	if (recipients && (e = load_recipients(r, &n)) == 0 && n > 1)
		for (size_t i = 0; i < n && e == 0; i++)
			e = recipient_row(v, &r[i]);
	if (e != 0 || tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return MHD_NO;
	}
	return jn_page(c, rq, MHD_HTTP_OK, "confirm", v);
}

enum MHD_Result
jn_admin_oops(struct MHD_Connection *c, struct jn_req *rq)
{
	return jn_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
	    I18N_N("Something went wrong. Please try again later."));
}

/* ---- recipient keys ----------------------------------------------------- */

static int
load_recipients(struct db_recipient *r, size_t *n)
{
	int e;

	JN_DB_LOCK();
	e = db_recipient_list(jn_app.db, r, RECIPIENTS_MAX, n);
	JN_DB_UNLOCK();
	return e;
}

static int
recipient_row(struct tmpl_vars *v, const struct db_recipient *r)
{
	struct tmpl_vars *x = NULL;
	char text[SDKEY_PUBTEXT_BYTES + 1];
	int e;

	if ((e = tmpl_list_add(v, "recipients", &x)) != 0)
		return e;
	if (sdkey_pub_encode(r->pk, text) != 0)
		return SD_ERR_FORMAT;
	tmpl_setf(x, "id", "%" PRId64, r->id);
	tmpl_set(x, "key", text);
	tmpl_set(x, "label", r->label);
	tmpl_set(x, "added_day", r->added_day);
	return tmpl_vars_error(v);
}

/* The list with an optional error and the typed values kept. */
static enum MHD_Result
recipients_page(struct MHD_Connection *c, struct jn_req *rq, unsigned status, const char *err)
{
	struct db_recipient r[RECIPIENTS_MAX];
	struct tmpl_vars *v = NULL;
	const char *key = web_form_get(&rq->form, "key", NULL),
		   *label = web_form_get(&rq->form, "label", NULL);
	size_t n = 0;
	int e;

	if (load_recipients(r, &n) != 0 || tmpl_vars_new(&v) != 0)
		return jn_admin_oops(c, rq);
	tmpl_setf(v, "count", "%zu", n);
	tmpl_set(v, "can_add", n < RECIPIENTS_ADD_MAX ? "1" : "");
	tmpl_set(v, "can_remove", n > 1 ? "1" : "");
	if (err != NULL) {
		tmpl_set(v, "error", i18n_get(rq->lang, err));
		tmpl_set(v, "key_value", key && strlen(key) <= 200 ? key : "");
		tmpl_set(v, "label_value", label && strlen(label) <= 256 ? label : "");
	}
	e = tmpl_vars_error(v);
	for (size_t i = 0; i < n && e == 0; i++)
		e = recipient_row(v, &r[i]);
	if (e != 0) {
		tmpl_vars_free(v);
		return jn_admin_oops(c, rq);
	}
	return jn_page(c, rq, status, "admin_recipients", v);
}

enum MHD_Result
jn_admin_recipients(struct MHD_Connection *c, struct jn_req *rq)
{
	return recipients_page(c, rq, MHD_HTTP_OK, NULL);
}

/* Check the typed key and label; a message or NULL. */
static const char *
recipient_input(struct jn_req *rq, unsigned char pk[SDKEY_PUBLICKEYBYTES])
{
	size_t klen = 0, llen = 0;
	const char *key = web_form_get(&rq->form, "key", &klen);
	const char *label = web_form_get(&rq->form, "label", &llen);
	long chars;
	int e;

	if (key == NULL || klen == 0 || klen > 200)
		return I18N_N("Paste a public key: it starts with sdpk1_.");
	e = sdkey_pub_decode(key, klen, pk);
	if (e == SD_ERR_CHECKSUM)
		return I18N_N("This key's checksum does not match: a character was mistyped or "
			      "lost. Copy the key again from the .pub file.");
	if (e != 0)
		return I18N_N("This is not a public key: it is sdpk1_ followed by 58 letters "
			      "and digits, as in the .pub file sealdrop-keygen makes.");
	chars = label ? settings_text_chars(label, llen) : 0;
	if (chars < 0 || chars > LABEL_CHARS || llen >= sizeof(((struct db_recipient *)0)->label))
		return I18N_N("A label is at most 64 characters, without control characters.");
	return NULL;
}

enum MHD_Result
jn_admin_recipient_add(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_recipient r[RECIPIENTS_MAX];
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	char text[SDKEY_PUBTEXT_BYTES + 1], target[DB_AUDIT_FIELD];
	const char *label = web_form_get(&rq->form, "label", NULL), *err;
	size_t n = 0;
	int e;

	if ((err = recipient_input(rq, pk)) != NULL)
		return recipients_page(c, rq, MHD_HTTP_BAD_REQUEST, err);
	if (sdkey_pub_encode(pk, text) != 0)
		return jn_admin_oops(c, rq);
	(void)snprintf(target, sizeof target, "%.20s...", text);
	JN_DB_LOCK();
	e = db_recipient_list(jn_app.db, r, RECIPIENTS_MAX, &n);
	if (e == 0 && n >= RECIPIENTS_ADD_MAX)
		e = SD_ERR_RANGE;
	if (e == 0)
		e = db_recipient_add(jn_app.db, pk, label ? label : "");
	if (e == 0)
		e = jn_audit(rq, "added recipient key", target);
	JN_DB_UNLOCK();
	if (e == SD_ERR_RANGE)
		return recipients_page(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("There are already 31 recipient keys, the most a file can be sealed to. "
			   "Remove one first."));
	if (e == SD_ERR_EXISTS)
		return recipients_page(
		    c, rq, MHD_HTTP_BAD_REQUEST, I18N_N("This key is already a recipient."));
	if (e != 0)
		return jn_admin_oops(c, rq);
	return jn_redirect(c, rq, "/admin/recipients",
	    I18N_N("The key was added. New submissions are sealed to it too."));
}

int
jn_admin_recipient_drop(struct jn_req *rq, int64_t id)
{
	struct db_recipient r[RECIPIENTS_MAX];
	char text[SDKEY_PUBTEXT_BYTES + 1], target[DB_AUDIT_FIELD];
	const struct db_recipient *hit = NULL;
	size_t n = 0;
	int e;

	JN_DB_LOCK();
	e = db_recipient_list(jn_app.db, r, RECIPIENTS_MAX, &n); /* under the lock */
	for (size_t i = 0; e == 0 && i < n; i++)
		if (r[i].id == id)
			hit = &r[i];
	if (e == 0 && hit == NULL)
		e = SD_ERR_NOTFOUND;
	if (e == 0 && n <= 1)
		e = SD_ERR_STATE;
	if (e == 0 && (e = sdkey_pub_encode(hit->pk, text)) == 0) {
		(void)snprintf(target, sizeof target, "%.20s...", text);
		e = db_recipient_remove(jn_app.db, id);
	}
	if (e == 0)
		e = jn_audit(rq, "removed recipient key", target);
	JN_DB_UNLOCK();
	return e;
}

enum MHD_Result
jn_admin_recipient_remove(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_recipient r[RECIPIENTS_MAX];
	char action[96];
	const struct db_recipient *hit = NULL;
	int64_t id = 0;
	size_t n = 0;
	int e;

	if (jn_admin_row_id(rq->path.seg[2], &id) != 0)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if (load_recipients(r, &n) != 0)
		return jn_admin_oops(c, rq);
	for (size_t i = 0; i < n; i++)
		if (r[i].id == id)
			hit = &r[i];
	if (hit == NULL)
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	if (n <= 1)
		return recipients_page(c, rq, MHD_HTTP_BAD_REQUEST,
		    I18N_N("This is the last recipient key: without it nobody could read new "
			   "submissions. Add another key first."));
	(void)snprintf(action, sizeof action, "/admin/recipient/%" PRId64 "/remove", id);
	if (!jn_admin_confirmed(rq))
		return jn_admin_confirm(c, rq, action,
		    I18N_N("Remove this recipient key? New submissions will no longer be sealed to "
			   "it; files already received stay readable with it."),
		    "/admin/recipients", NULL, NULL);
	e = jn_admin_recipient_drop(rq, id);
	if (e == SD_ERR_STATE || e == SD_ERR_NOTFOUND)
		return jn_redirect(c, rq, "/admin/recipients", NULL);
	if (e != 0)
		return jn_admin_oops(c, rq);
	return jn_redirect(c, rq, "/admin/recipients", I18N_N("The key was removed."));
}

/* ---- settings ----------------------------------------------------------- */

/* The form's fields as typed (or as stored), and the page. */
struct settings_form {
	const char *name, *lang, *files, *size_mib, *first, *days;
};

static enum MHD_Result
settings_page(struct MHD_Connection *c, struct jn_req *rq, unsigned status,
    const struct settings_form *f, const char *err)
{
	const char *const *langs = i18n_languages();
	struct tmpl_vars *v = NULL, *x = NULL;

	if (tmpl_vars_new(&v) != 0)
		return MHD_NO;
	tmpl_set(v, "name_value", f->name);
	tmpl_set(v, "files_checked", f->files);
	tmpl_set(v, "size_value", f->size_mib);
	tmpl_set(v, "first_value", f->first);
	tmpl_set(v, "days_value", f->days);
	if (err != NULL)
		tmpl_set(v, "error", i18n_get(rq->lang, err));
	for (size_t i = 0; langs[i] != NULL && tmpl_vars_error(v) == 0; i++) {
		tmpl_list_add(v, "choices", &x);
		tmpl_set(x, "code", langs[i]);
		tmpl_set(x, "label", i18n_native_name(langs[i]));
		tmpl_set(x, "selected", strcmp(langs[i], f->lang) == 0 ? "1" : "");
	}
	if (tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return jn_admin_oops(c, rq);
	}
	return jn_page(c, rq, status, "admin_settings", v);
}

enum MHD_Result
jn_admin_settings(struct MHD_Connection *c, struct jn_req *rq)
{
	struct settings s;
	struct settings_form f;
	char size[24], first[16], days[16];
	int e;

	JN_DB_LOCK();
	e = settings_load(jn_app.db, &jn_app.conf, &s);
	JN_DB_UNLOCK();
	if (e != 0)
		return jn_admin_oops(c, rq);
	(void)snprintf(
	    size, sizeof size, "%llu", (unsigned long long)(s.max_submission_bytes >> 20));
	(void)snprintf(first, sizeof first, "%u", s.min_first_message_chars);
	(void)snprintf(days, sizeof days, "%u", s.retention_days);
	f = (struct settings_form){ s.instance_name, s.default_language, s.accept_files ? "1" : "",
		size, first, days };
	return settings_page(c, rq, MHD_HTTP_OK, &f, NULL);
}

/* Parse the form into s; NULL or the message of the first bad field. */
static const char *
settings_parse(const struct settings_form *f, struct settings *s)
{
	uint64_t mib = 0, first = 0, days = 0;
	const char *why = NULL;

	if (f->name == NULL || strlen(f->name) >= sizeof s->instance_name)
		return I18N_N("The name must be 1 to 64 characters, without control characters.");
	memcpy(s->instance_name, f->name, strlen(f->name) + 1);
	if (f->lang == NULL || strlen(f->lang) >= sizeof s->default_language)
		return I18N_N("The default language must be one of the languages offered.");
	memcpy(s->default_language, f->lang, strlen(f->lang) + 1);
	if (f->files != NULL && strcmp(f->files, "1") != 0)
		return I18N_N("Accepting files must be yes or no.");
	s->accept_files = f->files != NULL;
	if (settings_parse_u64(f->size_mib, SETTINGS_SUBMISSION_MAX >> 20, &mib) != 0)
		return I18N_N("The largest submission must be between 1 MiB and 64 GiB.");
	s->max_submission_bytes = mib << 20;
	if (settings_parse_u64(f->first, SETTINGS_FIRST_MESSAGE_MAX, &first) != 0)
		return I18N_N("The minimum length of a first message must be between 0 and 10000 "
			      "characters.");
	s->min_first_message_chars = (unsigned)first;
	if (settings_parse_u64(f->days, SETTINGS_RETENTION_MAX, &days) != 0)
		return I18N_N("Retention must be 0 (keep forever) or between 1 and 3650 days.");
	s->retention_days = (unsigned)days;
	return settings_validate(s, &why) == 0 ? NULL : why;
}

enum MHD_Result
jn_admin_settings_save(struct MHD_Connection *c, struct jn_req *rq)
{
	struct settings_form f = {
		web_form_get(&rq->form, "instance_name", NULL),
		web_form_get(&rq->form, "default_language", NULL),
		web_form_get(&rq->form, "accept_files", NULL),
		web_form_get(&rq->form, "max_submission_mib", NULL),
		web_form_get(&rq->form, "min_first_message_chars", NULL),
		web_form_get(&rq->form, "retention_days", NULL),
	};
	struct settings s;
	const char *err;
	int e;

	memset(&s, 0, sizeof s);
	if ((err = settings_parse(&f, &s)) != NULL) {
		/* Shown again as typed (bounded: the body is at most 256 KiB). */
		struct settings_form k = { f.name ? f.name : "", f.lang ? f.lang : "",
			f.files ? "1" : "", f.size_mib ? f.size_mib : "", f.first ? f.first : "",
			f.days ? f.days : "" };
		return settings_page(c, rq, MHD_HTTP_BAD_REQUEST, &k, err);
	}
	JN_DB_LOCK();
	e = settings_save(jn_app.db, &s);
	if (e == 0)
		e = jn_audit(rq, "changed settings", "");
	JN_DB_UNLOCK();
	if (e != 0)
		return jn_admin_oops(c, rq);
	return jn_redirect(c, rq, "/admin/settings", I18N_N("The settings were saved."));
}

/* ---- audit log ---------------------------------------------------------- */

/* The audit log stores short fixed English codes (the daemons' and
 * sealdrop-admin's); the page shows them in plain words, translated. A
 * code not in the table is shown as stored. */
static const struct {
	const char *code, *words;
} audit_words[] = {
	{ "logged in", I18N_N("Logged in") },
	{ "failed login", I18N_N("Failed to log in: wrong passphrase or code") },
	{ "login refused: locked", I18N_N("Login refused: the account was locked") },
	{ "account locked after failed logins", I18N_N("Account locked after failed logins") },
	{ "login throttled: too many unknown user names",
	    I18N_N("Logins slowed down: too many tries with unknown user names") },
	{ "login throttled: too many attempts for this name",
	    I18N_N("Logins slowed down: too many tries for this user name") },
	{ "login throttled: too many attempts for an unknown name",
	    I18N_N("Logins slowed down: too many tries for a user name that does not exist") },
	{ "passphrase check throttled: too many attempts",
	    I18N_N("Passphrase checks slowed down: too many tries") },
	{ "passphrase check refused: locked",
	    I18N_N("Passphrase check refused: the account was locked") },
	{ "failed passphrase check", I18N_N("Typed a wrong passphrase to confirm a change") },
	{ "changed their passphrase", I18N_N("Changed their own passphrase") },
	{ "two-factor changed", I18N_N("Changed their own two-factor code") },
	{ "added journalist", I18N_N("Added a journalist account") },
	{ "journalist added", I18N_N("Added a journalist account") },
	{ "removed journalist", I18N_N("Removed a journalist account") },
	{ "journalist removed", I18N_N("Removed a journalist account") },
	{ "reset passphrase", I18N_N("Gave a journalist a new passphrase") },
	{ "passphrase reset", I18N_N("Gave a journalist a new passphrase") },
	{ "reset two-factor", I18N_N("Gave a journalist a new two-factor code") },
	{ "two-factor reset", I18N_N("Gave a journalist a new two-factor code") },
	{ "cleared the login lock", I18N_N("Unlocked a journalist's account") },
	{ "new Tor client key", I18N_N("Made a journalist a new Tor client key") },
	{ "added recipient key", I18N_N("Added a recipient key") },
	{ "removed recipient key", I18N_N("Removed a recipient key") },
	{ "changed settings", I18N_N("Changed the settings") },
	{ "notifications set", I18N_N("Set an address and key for the daily notice") },
	{ "notifications off", I18N_N("Turned the daily notice off") },
	{ "downloaded submissions", I18N_N("Downloaded a source's submissions") },
	{ "sent a reply", I18N_N("Sent a reply to a source") },
	{ "deleted a reply", I18N_N("Deleted a reply") },
	{ "deleted a submission", I18N_N("Deleted a submission") },
	{ "deleted a source", I18N_N("Deleted a source and everything it sent") },
	{ "deleted sources in triage", I18N_N("Deleted sources after a flood (triage)") },
	{ "purged the source", I18N_N("Deleted a source with nothing left (retention)") },
};

static const struct {
	const char *code, *words;
} audit_actors[] = {
	{ "(retention)", I18N_N("the server (retention)") },
	{ "(admin)", I18N_N("an operator (sealdrop-admin)") },
	{ "(anonymous)", I18N_N("someone (unknown user name)") },
};

/* The plain words of an audit action in lang, into out. */
static void
audit_words_of(const char *lang, const char *action, char *out, size_t outsz)
{
	const char *p;
	size_t digits;

	for (size_t i = 0; i < sizeof audit_words / sizeof audit_words[0]; i++)
		if (strcmp(action, audit_words[i].code) == 0) {
			(void)snprintf(out, outsz, "%s", i18n_get(lang, audit_words[i].words));
			return;
		}
	/* "purged N item" or "purged N items": the retention purge of a source. */
	if (strncmp(action, "purged ", 7) == 0) {
		p = action + 7;
		digits = strspn(p, "0123456789");
		if (digits > 0 && digits <= 9 &&
		    (strcmp(p + digits, " item") == 0 || strcmp(p + digits, " items") == 0)) {
			(void)snprintf(out, outsz, "%s %.*s",
			    i18n_get(lang, I18N_N("Old items deleted (retention):")), (int)digits,
			    p);
			return;
		}
	}
	(void)snprintf(out, outsz, "%s", action);
}

static const char *
audit_actor(const char *lang, const char *actor)
{
	for (size_t i = 0; i < sizeof audit_actors / sizeof audit_actors[0]; i++)
		if (strcmp(actor, audit_actors[i].code) == 0)
			return i18n_get(lang, audit_actors[i].words);
	return actor;
}

static int
audit_rows(struct jn_req *rq, struct tmpl_vars *v, const struct db_audit *a, size_t n)
{
	struct tmpl_vars *x = NULL;
	char words[256];

	for (size_t i = 0; i < n && tmpl_vars_error(v) == 0; i++) {
		if (tmpl_list_add(v, "entries", &x) != 0)
			break;
		audit_words_of(rq->lang, a[i].action, words, sizeof words);
		tmpl_set(x, "hour", a[i].hour);
		tmpl_set(x, "actor", audit_actor(rq->lang, a[i].actor));
		tmpl_set(x, "action", words);
		tmpl_set(x, "code", a[i].action);
		tmpl_set(x, "target", a[i].target);
	}
	return tmpl_vars_error(v);
}

enum MHD_Result
jn_admin_audit(struct MHD_Connection *c, struct jn_req *rq)
{
	struct db_audit *a = calloc(AUDIT_PAGE, sizeof *a);
	struct tmpl_vars *v = NULL;
	int64_t page = jn_page_arg(c), total = 0, pages;
	size_t n = 0;
	int e;

	if (a == NULL)
		return jn_admin_oops(c, rq);
	JN_DB_LOCK();
	e = db_audit_count(jn_app.db, &total);
	if (e == 0 && page > 0)
		e = db_audit_list(jn_app.db, (page - 1) * AUDIT_PAGE, a, AUDIT_PAGE, &n);
	JN_DB_UNLOCK();
	pages = total == 0 ? 1 : (total + AUDIT_PAGE - 1) / AUDIT_PAGE;
	if (e == 0 && (page == 0 || page > pages)) {
		free(a);
		return jn_error(c, rq, MHD_HTTP_NOT_FOUND, not_found);
	}
	if (e != 0 || tmpl_vars_new(&v) != 0) {
		free(a);
		return jn_admin_oops(c, rq);
	}
	audit_rows(rq, v, a, n);
	free(a);
	jn_paging_vars(v, page, pages, total);
	if (tmpl_vars_error(v) != 0) {
		tmpl_vars_free(v);
		return jn_admin_oops(c, rq);
	}
	return jn_page(c, rq, MHD_HTTP_OK, "admin_audit", v);
}
