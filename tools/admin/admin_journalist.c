/*
 * admin_journalist.c - `sealdrop-admin journalist add|list|remove|reset`:
 * journalist accounts from the server's command line.
 *
 *   journalist add    --instance DIR NAME [--admin]
 *   journalist list   --instance DIR
 *   journalist remove --instance DIR NAME
 *   journalist reset  --instance DIR NAME [--passphrase] [--totp]
 *
 * add and reset print the new credentials once (a 7-word passphrase, the
 * TOTP secret as base32 and as an otpauth:// URI with a QR code for the
 * terminal); the database keeps only the argon2id hash of the passphrase.
 * Every change is written to the audit log with the actor "(admin)".
 */
#include "admin.h"
#include "account.h"
#include "admin_tor.h"
#include "db.h"
#include "sderr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qrencode.h>
#include <sodium.h>

#define ACTOR "(admin)"

/* The QR code of text in the terminal, two modules per character cell. */
static void
print_qr(const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int w;

	if (q == NULL)
		return;
	w = q->width;
	for (int y = -2; y < w + 2; y += 2) {
		fputs("  ", stdout);
		for (int x = -2; x < w + 2; x++) {
			int top = y >= 0 && y < w && x >= 0 && x < w && (q->data[y * w + x] & 1);
			int bot = y + 1 >= 0 && y + 1 < w && x >= 0 && x < w &&
			    (q->data[(y + 1) * w + x] & 1);
			/* Light text on a dark terminal: draw the light modules. */
			fputs(top ? (bot ? " " : "\u2584") : (bot ? "\u2580" : "\u2588"), stdout);
		}
		fputc('\n', stdout);
	}
	sodium_memzero(q->data, (size_t)w * (size_t)w);
	QRcode_free(q);
}

static void
print_totp(const char *issuer, const char *name, const unsigned char secret[DB_TOTP_BYTES])
{
	char b32[ACCOUNT_TOTP_B32_MAX + 1], uri[ACCOUNT_URI_MAX];

	if (account_totp_b32(secret, b32) != 0 || account_totp_uri(issuer, name, secret, uri) != 0)
		admin_die("cannot encode the TOTP secret");
	printf("  totp secret: %s\n", b32);
	printf("  otpauth uri: %s\n", uri);
	if (isatty(STDOUT_FILENO))
		print_qr(uri);
	sodium_memzero(b32, sizeof b32);
	sodium_memzero(uri, sizeof uri);
}

struct jstep {
	const struct admin_args *a;
	const char *sub, *name;
};

/* As tor/'s owner in tor/: the journalist's client key. */
static int
tor_add_step(void *ctx)
{
	const struct jstep *s = ctx;
	const char *name = s->name;
	char line[256];
	int e = admintor_client_add_at(AT_FDCWD, name, line, sizeof line);

	if (e != 0) {
		fprintf(stderr, "warning: no tor client key made for %s: %s\n", name,
		    e == SD_ERR_IO ? strerror(errno) : sd_strerror(e));
		return 1;
	}
	printf("  tor client authorisation (Tor Browser, for the journalist onion):\n"
	       "    %s\n"
	       "  then make tor read the new client key: systemctl reload tor\n",
	    line);
	sodium_memzero(line, sizeof line);
	return 0;
}

/* As tor/'s owner in tor/: drop the journalist's client key. */
static int
tor_remove_step(void *ctx)
{
	const struct jstep *s = ctx;
	int e = admintor_client_remove_at(AT_FDCWD, s->name);

	if (e != 0) {
		fprintf(stderr, "warning: no tor client key of %s removed: %s\n", s->name,
		    e == SD_ERR_NOTFOUND ? "there is none"
			: e == SD_ERR_IO ? strerror(errno)
					 : sd_strerror(e));
		return 1;
	}
	return 0;
}

static int
cmd_add(struct db *db, const struct admin_args *a, const char *name)
{
	char pass[ACCOUNT_PASSPHRASE_MAX + 1], hash[DB_PWHASH_MAX];
	char b32[ACCOUNT_TOTP_B32_MAX + 1], issuer[DB_SETTING_MAX];
	unsigned char totp[DB_TOTP_BYTES];
	int e;

	if (account_passphrase_new(pass) != 0 || account_hash(pass, strlen(pass), hash) != 0 ||
	    account_totp_new(totp, b32) != 0)
		admin_die("cannot make the credentials");
	e = db_journalist_add(db, name, hash, totp, a->is_admin);
	if (e == SD_ERR_EXISTS)
		admin_die("%s: a journalist with this name exists", name);
	if (e != 0 || db_audit_add(db, ACTOR, "journalist added", name) != 0)
		admin_die("cannot add the journalist: %s", sd_strerror(e));
	if (db_setting_get(db, "instance_name", issuer, sizeof issuer) != 0)
		(void)snprintf(issuer, sizeof issuer, "sealdrop");
	printf("journalist %s added%s. Give these to %s in person; they are shown once:\n", name,
	    a->is_admin ? " (admin)" : "", name);
	printf("  user name:   %s\n  passphrase:  %s\n", name, pass);
	print_totp(issuer, name, totp);
	sodium_memzero(pass, sizeof pass);
	sodium_memzero(totp, sizeof totp);
	sodium_memzero(b32, sizeof b32);
	return 0;
}

static int
cmd_reset(struct db *db, const struct admin_args *a, const struct db_journalist *j)
{
	int both = !a->passphrase && !a->totp;
	char pass[ACCOUNT_PASSPHRASE_MAX + 1], hash[DB_PWHASH_MAX], issuer[DB_SETTING_MAX];
	char b32[ACCOUNT_TOTP_B32_MAX + 1];
	unsigned char totp[DB_TOTP_BYTES];

	printf("journalist %s reset. Give these to %s in person; they are shown once:\n", j->name,
	    j->name);
	if (both || a->passphrase) {
		if (account_passphrase_new(pass) != 0 ||
		    account_hash(pass, strlen(pass), hash) != 0 ||
		    db_journalist_set_pwhash(db, j->id, hash) != 0 ||
		    db_audit_add(db, ACTOR, "passphrase reset", j->name) != 0)
			admin_die("cannot reset the passphrase");
		printf("  passphrase:  %s\n", pass);
		sodium_memzero(pass, sizeof pass);
	}
	if (both || a->totp) {
		if (account_totp_new(totp, b32) != 0 ||
		    db_journalist_set_totp(db, j->id, totp) != 0 ||
		    db_audit_add(db, ACTOR, "two-factor reset", j->name) != 0)
			admin_die("cannot reset the two-factor secret");
		if (db_setting_get(db, "instance_name", issuer, sizeof issuer) != 0)
			(void)snprintf(issuer, sizeof issuer, "sealdrop");
		print_totp(issuer, j->name, totp);
		sodium_memzero(totp, sizeof totp);
		sodium_memzero(b32, sizeof b32);
	}
	return 0;
}

static int
cmd_list(struct db *db)
{
	struct db_journalist *js = calloc(ADMIN_JOURNALISTS_MAX, sizeof *js);
	time_t now = time(NULL);
	size_t n = 0;

	if (js == NULL || db_journalist_list(db, js, ADMIN_JOURNALISTS_MAX, &n) != 0)
		admin_die("cannot list the journalists");
	if (n == 0)
		printf("no journalist yet: add one with " ADMIN_PROG " journalist add\n");
	for (size_t i = 0; i < n; i++) {
		/* The database is the owner's: its strings are not trusted. */
		char nm[ADMINPRIV_SAFE_MAX], cd[64], ld[64];

		printf("%s\t%s\tcreated %s\tlast login %s%s\n",
		    adminpriv_safe(js[i].name, nm, sizeof nm),
		    js[i].is_admin ? "admin" : "journalist",
		    adminpriv_safe(js[i].created_day, cd, sizeof cd),
		    js[i].last_day[0] ? adminpriv_safe(js[i].last_day, ld, sizeof ld) : "never",
		    js[i].locked_until > now ? "\tlocked" : "");
	}
	free(js);
	return 0;
}

static int
cmd_remove(struct db *db, const struct db_journalist *j)
{
	int64_t admins = 0;

	if (db_journalist_remove(db, j->id) != 0 ||
	    db_audit_add(db, ACTOR, "journalist removed", j->name) != 0)
		admin_die("cannot remove the journalist");
	if (db_journalist_count(db, 1, &admins) == 0 && admins == 0)
		fprintf(stderr,
		    "warning: no administrator is left; add one with " ADMIN_PROG
		    " journalist add --admin\n");
	printf("journalist %s removed; their sessions end at their next request.\n"
	       "Make tor forget their client key: systemctl reload tor\n",
	    j->name);
	return 0;
}

/* As the instance's owner in the instance: the database part. */
static int
db_step(void *ctx)
{
	const struct jstep *s = ctx;
	struct db_journalist j;
	struct db *db = admin_open_db();
	int rc;

	if (s->sub[0] == 'l') {
		rc = cmd_list(db);
	} else if (s->sub[0] == 'a') {
		rc = cmd_add(db, s->a, s->name);
	} else {
		if (db_journalist_get(db, s->name, &j) != 0)
			admin_die("%s: no such journalist", s->name);
		rc = s->sub[2] == 'm' ? cmd_remove(db, &j) : cmd_reset(db, s->a, &j);
		sodium_memzero(&j, sizeof j);
	}
	db_close(db);
	return rc;
}

int
adminjournalist_main(const struct admin_args *a)
{
	struct jstep s = { .a = a, .sub = a->sub };
	int rc;

	if (strcmp(s.sub, "list") == 0) {
		admin_enter(a->instance);
		return admin_step(db_step, &s);
	}
	s.name = a->pos[0];
	if (!account_name_ok(s.name))
		admin_die("%s: a name is 1 to %d of a-z, 0-9, '-' and '_'", s.name, DB_NAME_MAX);
	if (account_init() != 0)
		admin_die("cannot initialise liboath");
	admin_enter(a->instance);
	if ((rc = admin_step(db_step, &s)) != 0)
		return rc;
	/* The tor client key, as tor/'s owner; a failure there is a warning
	 * (the account itself is done). */
	if (s.sub[0] == 'a')
		(void)admin_tor_step(tor_add_step, &s);
	else if (s.sub[2] == 'm') {
		char nm[DB_NAME_MAX + 1];

		(void)snprintf(nm, sizeof nm, "%s", s.name);
		(void)admin_step(admintc_revoke_step, nm);
		(void)admin_tor_step(tor_remove_step, &s);
	}
	return 0;
}
