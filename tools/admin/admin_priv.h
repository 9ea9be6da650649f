/*
 * admin_priv.h - how sealdrop-admin, run as root, keeps root away from the
 * files of an instance whose owner may be hostile (docs/decisions.md,
 * 2026-12-06).
 *
 * The instance directory is opened once, without following a symbolic
 * link; its owner and the owner of tor/ (opened from that descriptor) are
 * read with fstat. Each piece of work is then a step run by
 * adminpriv_run: when this process is root and the step's user is not, a
 * child process becomes that user (setgroups, setresgid, setresuid, every id
 * checked and root shown unrecoverable), changes into the step's directory
 * by descriptor and does the work; root itself only forks and waits. Paths
 * are then relative to that directory ("." is the instance), so nothing the
 * owner renames or links can make the step reach another file with more
 * rights than the owner has.
 *
 * adminpriv_file opens a file of the instance the one way allowed:
 * openat with O_NOFOLLOW|O_NONBLOCK (a FIFO or device never blocks), then
 * fstat: a regular file with one link and the expected owner, or a
 * refusal saying which. adminpriv_safe makes a string from the instance or
 * its database safe for a terminal.
 */
#ifndef ADMIN_PRIV_H
#define ADMIN_PRIV_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define ADMINPRIV_ERR_MAX 512
/* The longest a step of adminpriv_run may take before it is stopped
 * (SIGALRM in the child; SIGKILL from root when the child was stopped): a
 * file the owner turned into a FIFO, or the owner stopping the step,
 * cannot hang a command. */
#define ADMINPRIV_STEP_SECONDS 1800

/* Who runs a step: uid and its primary gid; drop = 0 runs it in this
 * process (this process is not root, or the user is root). */
struct adminpriv_id {
	uid_t uid;
	gid_t gid;
	int drop;
};

struct adminpriv_inst {
	const char *path; /* as given, for messages only */
	int fd;           /* the instance directory */
	struct adminpriv_id owner;
	int torfd;                      /* tor/, or -1 when there is none */
	struct adminpriv_id tor;        /* tor/'s owner (valid when torfd >= 0) */
	char torerr[ADMINPRIV_ERR_MAX]; /* why tor/ work is refused, or "" */
};

/* Open the instance directory path (a directory, not a symbolic link) and
 * tor/ in it, and find their users. SD_ERR_* with err filled. */
int adminpriv_open(const char *path, struct adminpriv_inst *pi, char err[ADMINPRIV_ERR_MAX]);
void adminpriv_close(struct adminpriv_inst *pi);

/* The user a step for a directory owned by uid runs as: 0 with *id set,
 * or SD_ERR_ARG (no passwd entry, or primary group root) with err filled. */
int adminpriv_id_for(uid_t uid, struct adminpriv_id *id, char err[ADMINPRIV_ERR_MAX]);

/* Run fn(ctx) as id with its working directory dirfd. Returns what fn
 * returned (0..255 from a child), or 1 when the child could not become id
 * or was killed (said on stderr). stdout is flushed before and after. A
 * child that has not ended after ADMINPRIV_STEP_SECONDS (adminpriv_run)
 * or seconds (adminpriv_run_for) is killed by root (SIGKILL), even one its
 * user stopped. */
typedef int (*adminpriv_fn)(void *ctx);
int adminpriv_run(int dirfd, const struct adminpriv_id *id, adminpriv_fn fn, void *ctx);
int adminpriv_run_for(
    int dirfd, const struct adminpriv_id *id, adminpriv_fn fn, void *ctx, unsigned seconds);

/* The same in a child always (also when id->drop is 0), returning at
 * once with its pid; adminpriv_wait gives its exit status (1 when killed,
 * said on stderr). For a step that talks to this process over a pipe. */
int
adminpriv_spawn(int dirfd, const struct adminpriv_id *id, adminpriv_fn fn, void *ctx, pid_t *pid);
int adminpriv_wait(pid_t pid, const struct adminpriv_id *id);
/* adminpriv_wait, but at most until deadline (CLOCK_MONOTONIC, from
 * adminpriv_deadline(seconds)): then root kills the child (SIGKILL, which
 * also ends a child its user stopped with SIGSTOP), says so naming seconds,
 * and returns 1. adminpriv_ms_left: milliseconds until deadline, 0 once
 * past. */
struct timespec adminpriv_deadline(unsigned seconds);
long adminpriv_ms_left(struct timespec deadline);
int adminpriv_wait_until(
    pid_t pid, const struct adminpriv_id *id, struct timespec deadline, unsigned seconds);

/* Open name under dirfd read-only (wr: read-write) with
 * O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC, then require a regular file with one
 * link owned by uid. *fd receives it (O_NONBLOCK cleared). ENOENT gives
 * SD_ERR_NOTFOUND with no message; anything else SD_ERR_IO (cannot open) or
 * SD_ERR_FORMAT (wrong kind, links or owner) with why filled. */
int adminpriv_file(
    int dirfd, const char *name, int wr, uid_t uid, int *fd, char why[ADMINPRIV_ERR_MAX]);

/* SQLite's files of the database name under dirfd: name itself (it must
 * exist) and name-journal, -wal and -shm (each may be absent) pass
 * adminpriv_file. 0, or SD_ERR_* with why filled. */
int adminpriv_db_files(int dirfd, const char *name, uid_t uid, char why[ADMINPRIV_ERR_MAX]);

/* s made safe for a terminal into out (outsz >= 4): valid UTF-8 is kept
 * except control characters (C0, DEL, C1) and bidirectional overrides,
 * which, like invalid bytes and the backslash, are written as \xNN, \u{NNNN}
 * or \\. Truncated with "..." when it does not fit. Returns out. */
char *adminpriv_safe(const char *s, char *out, size_t outsz);
#define ADMINPRIV_SAFE_MAX 4096

#endif
