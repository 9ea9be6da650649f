/*
 * admin.h - what the files of sealdrop-admin share: the program name, the
 * fatal-error exit and opening an instance's database. Each subcommand
 * family lives in its own file (admin_*.c) behind one entry point.
 */
#ifndef ADMIN_H
#define ADMIN_H
#include "db.h"

#define ADMIN_PROG "sealdrop-admin"
#define ADMIN_JOURNALISTS_MAX 256

/* Print "sealdrop-admin: MESSAGE" on stderr and exit 1. */
void admin_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The database of an existing instance, or die. */
struct db *admin_open_db(const char *inst);

/* admin_journalist.c: `journalist add|list|remove|reset` (argv[1] is
 * "journalist"); returns the exit status. */
int adminj_main(int argc, char **argv);
/* admin_settings.c: `settings show|set` (store/settings.h). */
int admins_main(int argc, char **argv);
#endif
