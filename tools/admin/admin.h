/*
 * admin.h - what the files of sealdrop-admin share: the program name, the
 * fatal-error exit and opening an instance's database. Each subcommand
 * family lives in its own file (admin_*.c) behind one entry point.
 */
#ifndef ADMIN_H
#define ADMIN_H
#include "admin_priv.h"
#include "db.h"

#define ADMIN_PROG "sealdrop-admin"
#define ADMIN_JOURNALISTS_MAX 256

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

/* admin_journalist.c: `journalist add|list|remove|reset` (argv[1] is
 * "journalist"); returns the exit status. */
int adminj_main(int argc, char **argv);
/* admin_settings.c: `settings show|set` (store/settings.h). */
int admins_main(int argc, char **argv);
/* admin_setup.c: `setup`, a fresh package install into a running drop. */
int adminsetup_main(int argc, char **argv);
/* admin_notify.c: `notify run|alert|set|clear|msmtp-config`. */
int adminn_main(int argc, char **argv);

/* admin_torclients.c: `tor-clients-apply`, the web admin's client-key
 * requests applied as root by the path unit. */
int admintc_main(int argc, char **argv);
#endif
