/*
 * admin_priv.c - sealdrop-admin's privilege steps, checked opens and
 * terminal-safe strings (admin_priv.h).
 *
 * When root runs a command on an instance, the work is done by a child that
 * became the instance's owner (or tor/'s owner for tor/'s files), with its
 * working directory set by descriptor: root keeps only fork and wait, and
 * touches no path the owner controls. Not root (a developer's own
 * instance), the same steps run in this process.
 */
#include "admin_priv.h"
#include "sderr.h"
#include "sdpriv.h"
#include "sdutf8.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

int
adminpriv_id_for(uid_t uid, struct adminpriv_id *id, char err[ADMINPRIV_ERR_MAX])
{
	struct passwd *pw;

	if (geteuid() != 0 || uid == 0) {
		*id = (struct adminpriv_id){ geteuid(), getegid(), 0 };
		return 0;
	}
	/* The user's own primary group, as the daemons take it: not the
	 * directory's group, which is tor's in a deployed instance. */
	errno = 0;
	if ((pw = getpwuid(uid)) == NULL || pw->pw_gid == 0) {
		(void)snprintf(err, ADMINPRIV_ERR_MAX, "uid %u %s: give it to a user of its own",
		    (unsigned)uid, pw == NULL ? "has no passwd entry" : "has group root");
		return SD_ERR_ARG;
	}
	*id = (struct adminpriv_id){ uid, pw->pw_gid, 1 };
	return 0;
}

int
adminpriv_open(const char *path, struct adminpriv_inst *pi, char err[ADMINPRIV_ERR_MAX])
{
	struct adminpriv_inst p = { .path = path, .fd = -1, .torfd = -1 };
	struct stat st;
	int e;

	err[0] = '\0';
	if ((p.fd = open(path, DIR_FLAGS)) < 0) {
		e = SD_ERR_IO;
		(void)snprintf(err, ADMINPRIV_ERR_MAX, "%s: %s", path,
		    errno == ELOOP ? "is a symbolic link: give the instance directory itself"
				   : strerror(errno));
		goto out;
	}
	if (fstat(p.fd, &st) != 0) {
		e = SD_ERR_IO;
		(void)snprintf(err, ADMINPRIV_ERR_MAX, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((e = adminpriv_id_for(st.st_uid, &p.owner, err)) != 0)
		goto out;
	if ((p.torfd = openat(p.fd, "tor", DIR_FLAGS)) < 0) {
		if (errno == ENOENT)
			(void)snprintf(p.torerr, sizeof p.torerr, "there is no tor/ directory");
		else
			(void)snprintf(p.torerr, sizeof p.torerr, "tor/ cannot be opened: %s",
			    errno == ELOOP || errno == ENOTDIR ? "not a directory (a symbolic "
								 "link?)"
							       : strerror(errno));
	} else if (fstat(p.torfd, &st) != 0) {
		(void)snprintf(p.torerr, sizeof p.torerr, "tor/: %s", strerror(errno));
	} else if (p.owner.drop && st.st_uid == p.owner.uid) {
		/* Deployed, tor/ is tor's (operator-guide.md, section 2); one the
		 * instance's owner made or swapped in is not trusted as tor's. */
		(void)snprintf(p.torerr, sizeof p.torerr,
		    "tor/ belongs to the instance's owner "
		    "(uid %u), not to tor's user: give it to tor's user (docs/operator-guide.md, "
		    "section 2)",
		    (unsigned)st.st_uid);
	} else if ((st.st_mode & 077) != 0) {
		(void)snprintf(p.torerr, sizeof p.torerr, "tor/ has mode %04o: tor wants 0700",
		    (unsigned)(st.st_mode & 07777));
	} else {
		if (adminpriv_id_for(st.st_uid, &p.tor, p.torerr) != 0 && p.torerr[0] == '\0')
			(void)snprintf(p.torerr, sizeof p.torerr, "tor/: no user to run as");
	}
	if (p.torerr[0] != '\0' && p.torfd >= 0) {
		close(p.torfd);
		p.torfd = -1;
	}
	*pi = p;
	p.fd = -1;
	e = 0;
out:
	if (p.fd >= 0)
		close(p.fd);
	return e;
}

void
adminpriv_close(struct adminpriv_inst *pi)
{
	if (pi->fd >= 0)
		close(pi->fd);
	if (pi->torfd >= 0)
		close(pi->torfd);
	pi->fd = pi->torfd = -1;
}

/* Seconds a step run by adminpriv_run may take (0: no bound, as for
 * backup's readers, which bound their own statements): the owner can swap
 * a checked file for a FIFO before SQLite or the configuration reader
 * opens it by path, and a step must end rather than hang. The child's own
 * alarm does not stop a child its user stopped (SIGSTOP): root's wait is
 * bounded too (wait_bounded). */
static unsigned step_alarm;

/* In a new child: become id (when id->drop) in dirfd, run fn, exit with
 * its status. */
static void
child_run(int dirfd, const struct adminpriv_id *id, adminpriv_fn fn, void *ctx)
{
	int rc;

	if (step_alarm > 0)
		(void)alarm(step_alarm);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || fchdir(dirfd) != 0 ||
	    (id->drop && (rc = sdpriv_become(id->uid, id->gid)) != 0)) {
		fprintf(stderr, "sealdrop-admin: cannot become uid %u, gid %u: %s\n",
		    (unsigned)id->uid, (unsigned)id->gid, strerror(errno));
		(void)fflush(stderr);
		_exit(1);
	}
	/* The owner may not trace the step or read its memory (secrets). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		_exit(1);
	rc = fn(ctx);
	(void)fflush(stdout);
	(void)fflush(stderr);
	_exit(rc < 0 || rc > 255 ? 1 : rc);
}

int
adminpriv_spawn(int dirfd, const struct adminpriv_id *id, adminpriv_fn fn, void *ctx, pid_t *pid)
{
	pid_t p;

	(void)fflush(stdout);
	(void)fflush(stderr);
	if ((p = fork()) < 0) {
		fprintf(stderr, "sealdrop-admin: fork: %s\n", strerror(errno));
		return SD_ERR_IO;
	}
	if (p == 0)
		child_run(dirfd, id, fn, ctx);
	*pid = p;
	return 0;
}

struct timespec
adminpriv_deadline(unsigned seconds)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += (time_t)seconds;
	return t;
}

long
adminpriv_ms_left(struct timespec deadline)
{
	struct timespec t;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &t);
	ms = ((long long)deadline.tv_sec - (long long)t.tv_sec) * 1000 +
	    (deadline.tv_nsec - t.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (long)ms;
}

/* The child's status into *st, waiting at most until deadline (NULL: no
 * bound): then root kills it with SIGKILL, which ends it even when its
 * user stopped it (SIGSTOP holds back every other signal, its own alarm
 * too). 1 when it was killed here, 0 when it ended, -1 on error. */
static int
wait_bounded(pid_t pid, const struct timespec *deadline, int *st)
{
	const struct timespec nap = { 0, 50 * 1000000L };
	pid_t w;

	while (deadline != NULL) {
		if ((w = waitpid(pid, st, WNOHANG)) == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -1;
		if (adminpriv_ms_left(*deadline) == 0) {
			(void)kill(pid, SIGKILL);
			while ((w = waitpid(pid, st, 0)) < 0 && errno == EINTR)
				;
			return w == pid ? 1 : -1;
		}
		(void)nanosleep(&nap, NULL);
	}
	while ((w = waitpid(pid, st, 0)) < 0 && errno == EINTR)
		;
	return w == pid ? 0 : -1;
}

static int
wait_step(
    pid_t pid, const struct adminpriv_id *id, const struct timespec *deadline, unsigned seconds)
{
	int st = 0, k;

	if ((k = wait_bounded(pid, deadline, &st)) < 0) {
		fprintf(stderr, "sealdrop-admin: waitpid: %s\n", strerror(errno));
		return 1;
	}
	if (k == 1) {
		fprintf(stderr,
		    "sealdrop-admin: the step running as uid %u did not end within %u "
		    "seconds and was killed (stopped by that user, or a file of the instance that "
		    "never answers, such as a FIFO?)\n",
		    (unsigned)id->uid, seconds);
		return 1;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		fprintf(stderr,
		    "sealdrop-admin: the step running as uid %u took longer than %u "
		    "seconds and was stopped (a file of the instance that never answers, such as "
		    "a FIFO?)\n",
		    (unsigned)id->uid, seconds);
	else
		fprintf(stderr,
		    "sealdrop-admin: the step running as uid %u was killed (signal %d)\n",
		    (unsigned)id->uid, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 1;
}

int
adminpriv_wait(pid_t pid, const struct adminpriv_id *id)
{
	return wait_step(pid, id, NULL, ADMINPRIV_STEP_SECONDS);
}

int
adminpriv_wait_until(
    pid_t pid, const struct adminpriv_id *id, struct timespec deadline, unsigned seconds)
{
	return wait_step(pid, id, &deadline, seconds);
}

int
adminpriv_run(int dirfd, const struct adminpriv_id *id, adminpriv_fn fn, void *ctx)
{
	return adminpriv_run_for(dirfd, id, fn, ctx, ADMINPRIV_STEP_SECONDS);
}

int
adminpriv_run_for(
    int dirfd, const struct adminpriv_id *id, adminpriv_fn fn, void *ctx, unsigned seconds)
{
	struct timespec deadline;
	pid_t pid;
	int e;

	(void)fflush(stdout);
	(void)fflush(stderr);
	if (!id->drop) {
		if (fchdir(dirfd) != 0) {
			fprintf(stderr, "sealdrop-admin: cannot enter the directory: %s\n",
			    strerror(errno));
			return 1;
		}
		return fn(ctx);
	}
	step_alarm = seconds;
	deadline = adminpriv_deadline(seconds);
	e = adminpriv_spawn(dirfd, id, fn, ctx, &pid);
	step_alarm = 0;
	if (e != 0)
		return 1;
	return adminpriv_wait_until(pid, id, deadline, seconds);
}

int
adminpriv_file(int dirfd, const char *name, int wr, uid_t uid, int *fd, char why[ADMINPRIV_ERR_MAX])
{
	char proc[64];
	struct stat st, st2;
	int pfd, f = -1, e;

	why[0] = '\0';
	/* O_PATH opens nothing: a FIFO or a device is not even opened. */
	if ((pfd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return SD_ERR_NOTFOUND;
		(void)snprintf(why, ADMINPRIV_ERR_MAX, "%s: %s", name, strerror(errno));
		return SD_ERR_IO;
	}
	e = SD_ERR_FORMAT;
	if (fstat(pfd, &st) != 0) {
		e = SD_ERR_IO;
		(void)snprintf(why, ADMINPRIV_ERR_MAX, "%s: %s", name, strerror(errno));
	} else if (S_ISLNK(st.st_mode)) {
		(void)snprintf(why, ADMINPRIV_ERR_MAX, "%s is a symbolic link", name);
	} else if (!S_ISREG(st.st_mode)) {
		(void)snprintf(why, ADMINPRIV_ERR_MAX, "%s is not a regular file (%s)", name,
		    S_ISFIFO(st.st_mode)       ? "a FIFO"
			: S_ISDIR(st.st_mode)  ? "a directory"
			: S_ISSOCK(st.st_mode) ? "a socket"
					       : "a device");
	} else if (st.st_nlink != 1) {
		(void)snprintf(why, ADMINPRIV_ERR_MAX, "%s has %ju hard links, not one", name,
		    (uintmax_t)st.st_nlink);
	} else if (st.st_uid != uid) {
		(void)snprintf(why, ADMINPRIV_ERR_MAX, "%s is owned by uid %u, not uid %u", name,
		    (unsigned)st.st_uid, (unsigned)uid);
	} else {
		(void)snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
		f = open(proc, (wr ? O_RDWR : O_RDONLY) | O_NOCTTY | O_CLOEXEC);
		if (f < 0 || fstat(f, &st2) != 0) {
			e = SD_ERR_IO;
			(void)snprintf(why, ADMINPRIV_ERR_MAX, "%s: %s", name, strerror(errno));
		} else if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
			(void)snprintf(why, ADMINPRIV_ERR_MAX, "%s changed while opened", name);
		} else {
			e = 0;
		}
	}
	close(pfd);
	if (e != 0) {
		if (f >= 0)
			close(f);
		return e;
	}
	*fd = f;
	return 0;
}

int
adminpriv_db_files(int dirfd, const char *name, uid_t uid, char why[ADMINPRIV_ERR_MAX])
{
	static const char *const side[] = { "", "-journal", "-wal", "-shm" };
	char path[256];
	int fd, e;

	for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
		if (snprintf(path, sizeof path, "%s%s", name, side[i]) >= (int)sizeof path)
			return SD_ERR_TOOLONG;
		e = adminpriv_file(dirfd, path, 0, uid, &fd, why);
		if (e == SD_ERR_NOTFOUND && i > 0)
			continue;
		if (e == SD_ERR_NOTFOUND)
			(void)snprintf(why, ADMINPRIV_ERR_MAX, "%s is missing", name);
		if (e != 0)
			return e;
		close(fd);
	}
	return 0;
}

char *
adminpriv_safe(const char *s, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0;

	while (*p != '\0') {
		char tmp[16];
		uint32_t cp = 0;
		size_t n = sd_utf8_decode(p, strnlen((const char *)p, 4), &cp), t;

		if (n == 0)
			t = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", *p), n = 1;
		else if (cp == '\\')
			t = (size_t)snprintf(tmp, sizeof tmp, "\\\\");
		else if (cp < 0x20 || cp == 0x7f)
			t = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", (unsigned)cp);
		else if ((cp >= 0x80 && cp < 0xa0) || (cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0xfeff)
			t = (size_t)snprintf(tmp, sizeof tmp, "\\u{%04x}", (unsigned)cp);
		else
			memcpy(tmp, p, n), t = n;
		if (o + t + 4 > outsz) {
			if (outsz >= 4) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, tmp, t);
		o += t;
		p += n;
	}
	if (outsz > 0)
		out[o < outsz ? o : outsz - 1] = '\0';
	return out;
}
