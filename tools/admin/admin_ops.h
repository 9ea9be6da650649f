/*
 * admin_ops.h - sealdrop-admin's upkeep commands: check, backup, restore.
 *
 * adminops_check inspects an instance without changing it (the database is
 * opened read-only and never migrated) and reports one line per check.
 * adminops_backup writes a consistent snapshot of an instance into a tar
 * archive (libarchive, pax): the database copied through SQLite's online
 * backup API, sealdrop.conf, every committed spool file the snapshot lists
 * that restore takes, and tor/ when present; optionally sealed in the
 * .sdbox format to one or more public keys. The instance is read by steps
 * running as its owner (and tor/'s), never by root. adminops_restore unpacks such an archive into a new
 * instance directory after checking every member, and leaves nothing behind
 * when anything fails. The layout is in docs/backup.md.
 *
 * These functions return 0 or a negative SD_ERR_*; the ones that can fail
 * for a reason worth naming fill err with one line (no trailing newline).
 */
#ifndef ADMIN_OPS_H
#define ADMIN_OPS_H

#include <stddef.h>
#include <stdint.h>

#define ADMINOPS_ERR_MAX 512
#define ADMINOPS_KEYBYTES 32
#define ADMINOPS_RECIPIENTS_MAX 32

enum adminops_level { ADMINOPS_OK, ADMINOPS_WARN, ADMINOPS_FAIL };

/* One line of a check's result: name is short ("database"), detail says
 * what was found. */
typedef void (*adminops_report_fn)(
    void *ctx, enum adminops_level level, const char *name, const char *detail);

/* Run every check on an instance (opened as instance, named shown in
 * messages; skip_tor: leave tor/ to adminops_check_tor); *fails receives
 * the number of FAIL lines. SD_ERR_* only when the checks themselves could
 * not run (memory). */
int adminops_check(const char *instance, const char *shown, int skip_tor, adminops_report_fn fn,
    void *ctx, unsigned *fails);
/* The checks of tor/, run with tor/ as the working directory by its owner
 * (admin_priv.h): files, torrc directives, the path it names. */
int adminops_check_tor(const char *shown, adminops_report_fn fn, void *ctx, unsigned *fails);

struct adminpriv_inst;

struct adminops_backup_opts {
	const struct adminpriv_inst *inst; /* the instance, opened (admin_priv.h) */
	const char *out;                   /* created; never replaced */
	/* 0: a plain tar archive; else the archive is sealed to these keys. */
	const unsigned char (*recipients)[ADMINOPS_KEYBYTES];
	size_t nrecipients;
};

struct adminops_backup_stats {
	uint64_t items;          /* spool files written */
	uint64_t vanished;       /* rows of the snapshot whose file was deleted meanwhile */
	uint64_t refused;        /* rows whose file restore would refuse (left out) */
	char first_refused[300]; /* the first of them and why */
	uint64_t left_out;       /* spool files the snapshot does not list */
	uint64_t tor_files;      /* files under tor/ */
	uint64_t tor_skipped;    /* entries under tor/ not backed up (links, sockets...) */
	uint64_t bytes;          /* archive content, before sealing */
	int has_tor;             /* tor/ existed */
	int schema;              /* the snapshot's schema version */
};

int adminops_backup(const struct adminops_backup_opts *o, struct adminops_backup_stats *st,
    char err[ADMINOPS_ERR_MAX]);

struct adminops_restore_opts {
	const char *in;
	const char *instance; /* must not exist, or be an empty directory */
	/* The secret key of a sealed backup (NULL for a plain one). It is
	 * wiped as soon as the archive's header has been read. */
	unsigned char *sk;
};

struct adminops_restore_stats {
	uint64_t items;
	uint64_t tor_files;
	int has_tor;
	int schema;
	int torrc; /* 1 tor/torrc rewritten for the new path, -1 edit it by hand */
};

int adminops_restore(const struct adminops_restore_opts *o, struct adminops_restore_stats *st,
    char err[ADMINOPS_ERR_MAX]);

/* *sealed = 1 when the file starts with the .sdbox magic. */
int adminops_backup_is_sealed(const char *path, int *sealed);

/* The sealdrop-admin commands themselves (admin_ops_cmd.c): from the parsed
 * command line (admin.h), print, and return the process exit status. */
struct admin_args;
int adminops_cmd_check(const struct admin_args *a);
int adminops_cmd_backup(const struct admin_args *a);
int adminops_cmd_restore(const struct admin_args *a);

#endif
