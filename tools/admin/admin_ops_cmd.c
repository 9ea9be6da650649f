/*
 * admin_ops_cmd.c - the command lines of sealdrop-admin check, backup and
 * restore (admin_ops.h): options, key loading, what is printed, exit
 * status (0 done, 1 failed or a check FAILed, 2 usage).
 *
 *   check   --instance DIR
 *   backup  --instance DIR --out FILE [--recipient FILE.pub|sdpk1_...]...
 *   restore --in FILE --instance NEWDIR [--key FILE.key [--passphrase-file F]]
 *
 * A backup holds secrets (onion service keys, journalists' passphrase
 * hashes and TOTP secrets): both commands say so. The secret key of a
 * sealed backup lives in sodium_malloc'd memory and is wiped once the
 * archive's header is read.
 */
#include "admin.h"
#include "admin_ops.h"
#include "admin_priv.h"
#include "conf.h"
#include "sderr.h"
#include "sdio.h"
#include "sdkey.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#define PROG ADMIN_PROG

static void
print_line(void *ctx, enum adminops_level level, const char *name, const char *detail)
{
	static const char *const tag[] = { "ok  ", "warn", "FAIL" };
	char n[128], d[ADMINPRIV_SAFE_MAX];

	/* Names found in the instance reach the terminal only made safe. */
	(void)ctx;
	printf("%s %s: %s\n", tag[level], adminpriv_safe(name, n, sizeof n),
	    adminpriv_safe(detail, d, sizeof d));
}

/* The exit status of a check step: 100 when it could not run, else its
 * FAIL lines (at most 99). */
#define CHECK_NOT_RUN 100

struct check_step_ctx {
	const char *shown;
	int skip_tor;
};

static int
check_step(void *ctx)
{
	const struct check_step_ctx *k = ctx;
	unsigned fails = 0;
	int e = adminops_check(".", k->shown, k->skip_tor, print_line, NULL, &fails);

	if (e != 0) {
		fprintf(stderr, PROG ": check: %s\n", sd_strerror(e));
		return CHECK_NOT_RUN;
	}
	return fails > 99 ? 99 : (int)fails;
}

static int
check_tor_step(void *ctx)
{
	const struct check_step_ctx *k = ctx;
	unsigned fails = 0;

	(void)adminops_check_tor(k->shown, print_line, NULL, &fails);
	return fails > 99 ? 99 : (int)fails;
}

int
adminops_cmd_check(const struct admin_args *o)
{
	const struct adminpriv_inst *pi;
	struct check_step_ctx k;
	unsigned fails = 0;
	int e;

	{
		char err[ADMINPRIV_ERR_MAX];

		if ((pi = admin_enter_try(o->instance, err)) == NULL) {
			print_line(NULL, ADMINOPS_FAIL, "instance", err);
			printf("1 check FAILED\n");
			return 1;
		}
	}
	/* tor/ of another user is checked by that user, in a step of its own. */
	k = (struct check_step_ctx){ o->instance, pi->torfd >= 0 && pi->tor.uid != pi->owner.uid };
	if ((e = admin_step(check_step, &k)) >= CHECK_NOT_RUN)
		return 1;
	fails = (unsigned)e;
	if (k.skip_tor) {
		if ((e = admin_tor_step(check_tor_step, &k)) >= CHECK_NOT_RUN)
			return 1;
		fails += (unsigned)e;
	} else if (pi->torfd < 0 && pi->torerr[0] != '\0' &&
	    strstr(pi->torerr, "no tor/") == NULL) {
		print_line(NULL, ADMINOPS_FAIL, "tor", pi->torerr);
		fails++;
	}
	if (fails > 0)
		printf("%u check%s FAILED\n", fails, fails == 1 ? "" : "s");
	return fails > 0 ? 1 : 0;
}

/* A public key from a file or its text form. */
static int
cmd_recipient(const char *arg, unsigned char pk[ADMINOPS_KEYBYTES])
{
	if (strncasecmp(arg, SDKEY_PUBTEXT_PREFIX, strlen(SDKEY_PUBTEXT_PREFIX)) == 0)
		return sdkey_pub_decode(arg, strlen(arg), pk);
	return sdkey_load_public(arg, pk);
}

static void
backup_report(const struct admin_args *o, const struct adminops_backup_stats *st)
{
	printf("backup written: %s (%llu spool files, %s, database schema %d)\n", o->out,
	    (unsigned long long)st->items, st->has_tor ? "tor/ included" : "no tor/ directory",
	    st->schema);
	if (st->vanished > 0)
		printf("note: %llu items the database listed had no file (deleted during the "
		       "backup, or missing: run check); they are not in the backup\n",
		    (unsigned long long)st->vanished);
	if (st->refused > 0) {
		char shown[ADMINPRIV_SAFE_MAX];

		printf("WARNING: %llu spool files the database lists are NOT in the backup: "
		       "restore would refuse them (first: %s); run check\n",
		    (unsigned long long)st->refused,
		    adminpriv_safe(st->first_refused, shown, sizeof shown));
	}
	if (st->left_out > 0)
		printf("note: %llu spool files the database snapshot does not list (written "
		       "during the backup, or orphans) are not in the backup\n",
		    (unsigned long long)st->left_out);
	if (st->tor_skipped > 0)
		printf("note: %llu entries under tor/ (links, sockets, unusual names) were "
		       "skipped\n",
		    (unsigned long long)st->tor_skipped);
	if (o->nrecipients)
		printf("sealed to %zu key%s: restoring needs one of their secret keys "
		       "(restore --key); keep that key off this server\n",
		    o->nrecipients, o->nrecipients == 1 ? "" : "s");
	else
		printf("WARNING: this archive is NOT encrypted. It holds the onion services' "
		       "private keys, the journalists' passphrase hashes and TOTP secrets and the "
		       "sources' login tags: whoever reads it can impersonate this drop. Keep it "
		       "offline and encrypted, or use --recipient.\n");
}

int
adminops_cmd_backup(const struct admin_args *o)
{
	unsigned char pks[ADMINOPS_RECIPIENTS_MAX][ADMINOPS_KEYBYTES];
	struct adminops_backup_stats st = { 0 };
	struct adminops_backup_opts bo;
	char err[ADMINOPS_ERR_MAX];
	int e;

	for (size_t i = 0; i < o->nrecipients; i++)
		if ((e = cmd_recipient(o->recipients[i], pks[i])) != 0) {
			fprintf(stderr, PROG ": %s: not a public key: %s\n", o->recipients[i],
			    sd_strerror(e));
			return 1;
		}
	bo = (struct adminops_backup_opts){ admin_enter(o->instance), o->out,
		(const unsigned char(*)[ADMINOPS_KEYBYTES])pks, o->nrecipients };
	if ((e = adminops_backup(&bo, &st, err)) != 0) {
		char shown[ADMINPRIV_SAFE_MAX];

		fprintf(stderr, PROG ": backup: %s\n",
		    adminpriv_safe(err[0] ? err : sd_strerror(e), shown, sizeof shown));
		return 1;
	}
	backup_report(o, &st);
	/* Written, and restorable, but without every item: not a success. */
	return st.refused > 0 ? 1 : 0;
}

/* The secret key of a sealed backup, into sodium_malloc'd sk. */
static int
load_key(const struct admin_args *o, unsigned char *sk)
{
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	const char *what = NULL;
	int e = sdkey_unlock(o->key, o->passfile, "passphrase of the backup key: ", sk, pk, &what);

	if (e != 0)
		fprintf(stderr, PROG ": %s: %s\n", what, sd_strerror(e));
	return e;
}

/* After a restore: what to look at before starting the daemons. */
static void
restore_report(const struct admin_args *o, const struct adminops_restore_stats *st)
{
	char path[PATH_MAX], err[CONF_ERR_MAX];
	struct conf c;

	printf("restored into %s: %llu spool files, database schema %d, %s\n", o->instance,
	    (unsigned long long)st->items, st->schema,
	    st->has_tor ? "tor/ (onion service keys) included" : "no tor/ directory");
	if (st->torrc == 1)
		printf(
		    "tor/torrc rewritten for this directory: point tor's %%include at it, "
		    "give tor/ to tor's user (docs/operator-guide.md), then " PROG " tor-check\n");
	else if (st->torrc < 0)
		printf("WARNING: tor/torrc names paths this command could not rewrite: edit "
		       "them by hand before tor uses it\n");
	(void)snprintf(path, sizeof path, "%s/sealdrop.conf", o->instance);
	conf_defaults(&c);
	if (conf_load(path, &c, err) == 0 && (c.source_listen[0] || c.journalist_listen[0]))
		printf("note: sealdrop.conf sets a listen address; check it still fits this "
		       "directory\n");
	printf("this directory holds the instance's secrets (onion keys, journalists' "
	       "credentials): keep it 0700.\n");
	if (geteuid() == 0)
		printf("restored as root: give it to its users before starting anything "
		       "(docs/operator-guide.md, section 2: chown sealdrop, tor/ to debian-tor, "
		       "chmod 2710)\n");
	printf("next: " PROG " check --instance %s, then " PROG " tor-check\n", o->instance);
}

int
adminops_cmd_restore(const struct admin_args *o)
{
	struct adminops_restore_opts ro = { 0 };
	struct adminops_restore_stats st = { 0 };
	char err[ADMINOPS_ERR_MAX];
	unsigned char *sk = NULL;
	int e;

	if (o->passfile && !o->key) {
		fprintf(stderr, PROG ": --passphrase-file goes with --key\n");
		return admin_usage(o->cmd);
	}
	if (o->key != NULL) {
		if ((sk = sodium_malloc(SDKEY_SECRETKEYBYTES)) == NULL) {
			fprintf(stderr, PROG ": out of memory\n");
			return 1;
		}
		if (load_key(o, sk) != 0) {
			sodium_free(sk);
			return 1;
		}
	}
	ro = (struct adminops_restore_opts){ o->in, o->instance, sk };
	e = adminops_restore(&ro, &st, err);
	sodium_free(sk);
	if (e != 0) {
		fprintf(stderr, PROG ": restore: %s\n", err[0] ? err : sd_strerror(e));
		return 1;
	}
	restore_report(o, &st);
	return 0;
}
