/*
 * admin.h - what the files of sealdrop-admin share: the program name, the
 * command line as the one option parser read it (struct admin_args), the
 * fatal-error exit and opening an instance's database. Each subcommand
 * family lives in its own file (admin_*.c) behind one handler, which the
 * command table of sealdrop-admin.c names; that table also gives each
 * command's options, positional arguments and usage line.
 */
#ifndef ADMIN_H
#define ADMIN_H
#include "admin_priv.h"
#include "db.h"

#define ADMIN_PROG "sealdrop-admin"
#define ADMIN_JOURNALISTS_MAX 256
/* --recipient may be given at most this often (a reply is also sealed to
 * the source's key: an instance holds one fewer). */
#define ADMIN_RECIPIENTS_MAX 32
#define ADMIN_POSITIONAL_MAX 2
/* The account `setup` gives an instance to (the units' User=). */
#define ADMIN_SETUP_USER "sealdrop"

/* A command line as the option parser of sealdrop-admin.c read it: only
 * the options of the command's row are accepted, each required one is
 * there, and pos holds exactly the positional arguments the row takes. */
struct admin_args {
	const char *cmd, *sub; /* "journalist", "add"; sub NULL when none */
	const char *instance, *name, *label, *out, *in, *key, *passfile;
	const char *tor, *timeout, *admin, *torrc, *address, *unit;
	const char *recipients[ADMIN_RECIPIENTS_MAX];
	size_t nrecipients;
	int is_admin, passphrase, totp, no_start, no_reload; /* flags */
	const char *pos[ADMIN_POSITIONAL_MAX];
	int npos;
};

/* The usage lines of cmd (every row of the table with that name) on
 * stderr; returns 2, the exit status of a usage error. */
int admin_usage(const char *cmd);

/* Print "sealdrop-admin: MESSAGE" on stderr and exit 1. */
void admin_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Open the instance directory of this run once (admin_priv.h), or die. */
const struct adminpriv_inst *admin_enter(const char *inst);
/* The same, NULL with err filled instead of dying. */
const struct adminpriv_inst *admin_enter_try(const char *inst, char err[ADMINPRIV_ERR_MAX]);
/* Run fn as the instance's owner in the instance directory, or as tor/'s
 * owner in tor/ (admin_priv.h); the step's exit status. */
int admin_step(adminpriv_fn fn, void *ctx);
int admin_tor_step(adminpriv_fn fn, void *ctx);
/* In a step: the database of the instance (its files checked first), or
 * die. */
struct db *admin_open_db(void);

/* The handlers of the command table; each returns the exit status. */
/* admin_journalist.c: `journalist add|list|remove|reset`. */
int adminjournalist_main(const struct admin_args *a);
/* admin_settings.c: `settings show|set` (store/settings.h). */
int adminsettings_main(const struct admin_args *a);
/* admin_setup.c: `setup`, a fresh package install into a running drop. */
int adminsetup_main(const struct admin_args *a);
/* admin_notify.c: `notify run|alert|set|clear|msmtp-config`. */
int adminn_main(const struct admin_args *a);
/* admin_torclients.c: `tor-clients-apply`, the web admin's client-key
 * requests applied as root by the path unit. */
int admintc_main(const struct admin_args *a);
/* A step (admin_step, as the instance's owner) for a client removed on the
 * command line, ctx its name: the web admin's key requests for it still
 * in tor-clients/requests/ or work/ are deleted and a removal request is
 * left, so no run of tor-clients-apply sets the removed key again. 0, or 1
 * with a warning on stderr. */
int admintc_revoke_step(void *ctx);
#endif
