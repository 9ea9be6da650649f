/*
 * admin_torclients.c - `sealdrop-admin tor-clients-apply --instance DIR
 * [--no-reload]`: apply the Tor client-key requests the journalist daemon
 * left in INSTANCE/tor-clients/requests/ (crypto/torauth.h), run as root
 * by the sealdrop-tor-clients path unit (docs/decisions.md).
 *
 * Root only forks and waits (admin_priv.h). As tor/'s owner: read the
 * journalist onion address. As the instance's owner: keep
 * tor-clients/journalist.onion, claim each request by renaming it into
 * work/, and check it strictly: a name NAME.auth or NAME.remove with NAME
 * a client name, opened without following a link, a regular file with one
 * link owned by the instance's user, NAME.auth exactly one public line
 * (torauth_pub_line_ok), NAME.remove empty. A refused request is moved to
 * refused/ and named on stderr (the journal); the others come back to
 * root over a pipe, are checked again, and are applied as tor/'s owner
 * (admintor_client_put_at / admintor_client_remove_at). Then the applied
 * requests are deleted (after a failure they all stay in work/ for the
 * next run: applying one twice changes nothing), in batches of 256 until
 * work/ is empty (at most 64), and, when a key changed,
 * tor is reloaded (`systemctl reload tor@default.service`, as the operator
 * guide always said for client keys; --no-reload skips it). One run at a
 * time (a lock on tor/). Exit 0 when every request was applied, 1 when one
 * was refused or failed, 2 on bad usage.
 */
#include "admin.h"
#include "admin_priv.h"
#include "admin_tor.h"
#include "sderr.h"
#include "sdio.h"
#include "sdtree.h"
#include "torauth.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG ADMIN_PROG
#define REQ_MAX 256      /* requests applied in one batch */
#define BATCH_MAX 64     /* batches in one run; the rest wait in work/ for the next */
#define REFUSED_NAMED 32 /* refused requests named on stderr in one step */
#define FILE_MAX (TORAUTH_NAME_MAX + sizeof TORAUTH_REQ_REMOVE)
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
/* The longest one step may take before root kills it: the instance's user
 * can stop (SIGSTOP) the steps that run as it, and each takes milliseconds;
 * a quarter of the unit's TimeoutStartSec (120 s), so that a run with one
 * stopped step still ends on its own and says why. */
#define TC_STEP_SECONDS 30

/* One checked request: kind 'A' (set the key to line) or 'R' (remove). */
struct req {
	char kind;
	char name[TORAUTH_NAME_MAX + 1];
	char line[TORAUTH_PUB_LINE_MAX];
};

struct run {
	int wfd; /* the pipe to root (owner steps) */
	char onion[TORAUTH_ONION_FILE_LEN + 1];
	struct req reqs[REQ_MAX];
	size_t n;
};

/* NAME of a request file "NAME.auth" / "NAME.remove": its kind, or 0. */
static char
req_kind(const char *file, char name[TORAUTH_NAME_MAX + 1])
{
	size_t n = strlen(file), la = sizeof TORAUTH_REQ_ADD - 1,
	       lr = sizeof TORAUTH_REQ_REMOVE - 1;
	char kind = 0;
	size_t base = 0;

	if (n > la && strcmp(file + n - la, TORAUTH_REQ_ADD) == 0) {
		kind = 'A';
		base = n - la;
	} else if (n > lr && strcmp(file + n - lr, TORAUTH_REQ_REMOVE) == 0) {
		kind = 'R';
		base = n - lr;
	}
	if (kind == 0 || base > TORAUTH_NAME_MAX)
		return 0;
	memcpy(name, file, base);
	name[base] = '\0';
	return torauth_name_ok(name) ? kind : 0;
}

/* ---- as tor/'s owner ---------------------------------------------------- */

static int
onion_step(void *ctx)
{
	struct run *r = ctx;
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX];
	int e = admintor_onions_at(AT_FDCWD, so, jo);

	if (e != 0) {
		fprintf(stderr, PROG ": cannot read the journalist onion address: %s\n",
		    sd_strerror(e));
		return 1;
	}
	return sd_write_full(r->wfd, jo, strlen(jo)) == 0 ? 0 : 1;
}

static int
apply_step(void *ctx)
{
	struct run *r = ctx;
	int bad = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct req *q = &r->reqs[i];
		int e = q->kind == 'A'
		    ? admintor_client_put_at(AT_FDCWD, q->name, q->line, strlen(q->line))
		    : admintor_client_remove_at(AT_FDCWD, q->name);
		if (e == SD_ERR_NOTFOUND && q->kind == 'R')
			e = 0; /* nothing to revoke: already gone */
		if (e != 0) {
			fprintf(stderr, PROG ": tor-clients: %s: cannot %s the client key: %s\n",
			    q->name, q->kind == 'A' ? "write" : "remove", sd_strerror(e));
			bad = 1;
		} else {
			printf("tor-clients: %s: client key %s\n", q->name,
			    q->kind == 'A' ? "set" : "removed");
		}
	}
	return bad;
}

/* ---- as the instance's owner -------------------------------------------- */

/* dir under parent, made 0700 when missing; no link followed. */
static int
subdir(int parent, const char *dir, int *out)
{
	int fd;

	if (mkdirat(parent, dir, 0700) != 0 && errno != EEXIST)
		return SD_ERR_IO;
	if ((fd = openat(parent, dir, DIR_FLAGS)) < 0)
		return errno == ENOTDIR || errno == ELOOP ? SD_ERR_FORMAT : SD_ERR_IO;
	*out = fd;
	return 0;
}

/* Write journalist.onion when it differs: a new file renamed over it. */
static int
keep_onion(int stage, const char *onion)
{
	char want[TORAUTH_ONION_FILE_LEN + 1], have[TORAUTH_ONION_FILE_LEN + 2],
	    why[ADMINPRIV_ERR_MAX];
	const char *tmp = ".new-" TORAUTH_ONION_FILE;
	size_t got = 0;
	int fd, e;

	(void)snprintf(want, sizeof want, "%.62s\n", onion);
	if (adminpriv_file(stage, TORAUTH_ONION_FILE, 0, geteuid(), &fd, why) == 0) {
		e = sd_read_full(fd, have, sizeof have - 1, &got);
		close(fd);
		if (e == 0 && got == strlen(want) && memcmp(have, want, got) == 0)
			return 0;
	}
	if (unlinkat(stage, tmp, 0) != 0 && errno != ENOENT)
		return SD_ERR_IO;
	if ((fd = openat(stage, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) <
	    0)
		return SD_ERR_IO;
	e = sd_write_full(fd, want, strlen(want));
	if (e == 0 && (fchmod(fd, 0600) != 0 || fsync(fd) != 0))
		e = SD_ERR_IO;
	close(fd);
	if (e == 0 && (renameat(stage, tmp, stage, TORAUTH_ONION_FILE) != 0 || fsync(stage) != 0))
		e = SD_ERR_IO;
	return e;
}

/* Remove dir/name whatever it is (a directory with what it holds, no link
 * followed): the older entry a newer one replaces, which rename cannot
 * replace when it is a directory or the newer one is. 0 when it is gone. */
static int
clear_at(int dir, const char *name)
{
	if (unlinkat(dir, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return SD_ERR_IO;
	return sd_rmtree_at(dir, name, SD_TREE_DEPTH_MAX);
}

/* Rename from/file to to/file, replacing what to/file is. */
static int
move_over(int from, int to, const char *file)
{
	if (renameat(from, file, to, file) == 0)
		return 0;
	if (errno != EISDIR && errno != ENOTDIR && errno != ENOTEMPTY && errno != EEXIST)
		return SD_ERR_IO;
	if (clear_at(to, file) != 0 || renameat(from, file, to, file) != 0)
		return SD_ERR_IO;
	return 0;
}

/* Move work/FILE to refused/ (replacing an older refusal of that name),
 * named on stderr when loud (the first REFUSED_NAMED of a run: the
 * daemon's account can plant any number). */
static void
refuse(int work, int refused, const char *file, const char *why, int loud)
{
	char safe[ADMINPRIV_SAFE_MAX];

	if (loud)
		fprintf(stderr,
		    PROG ": tor-clients: refused request '%s': %s; moved to " TORAUTH_STAGE_DIR
			 "/" TORAUTH_REFUSED_DIR "/\n",
		    adminpriv_safe(file, safe, sizeof safe), why);
	if (move_over(work, refused, file) != 0 && loud)
		fprintf(stderr, PROG ": tor-clients: cannot move it aside: %s\n", strerror(errno));
}

/* Check work/FILE; 0 and *q filled, or SD_ERR_FORMAT with why. */
static int
check_one(int work, const char *file, struct req *q, char why[ADMINPRIV_ERR_MAX])
{
	char buf[TORAUTH_PUB_LINE_MAX + 1];
	size_t got = 0;
	int fd, e;

	memset(q, 0, sizeof *q);
	if ((q->kind = req_kind(file, q->name)) == 0) {
		(void)snprintf(why, ADMINPRIV_ERR_MAX,
		    "not NAME" TORAUTH_REQ_ADD " or NAME" TORAUTH_REQ_REMOVE
		    " with NAME 1 to 32 of a-z 0-9 _ -");
		return SD_ERR_FORMAT;
	}
	if ((e = adminpriv_file(work, file, 0, geteuid(), &fd, why)) != 0) {
		if (e == SD_ERR_NOTFOUND)
			(void)snprintf(why, ADMINPRIV_ERR_MAX, "it vanished");
		return SD_ERR_FORMAT;
	}
	/* One byte past the longest valid content shows a longer file. */
	e = sd_read_full(fd, buf, sizeof buf, &got);
	close(fd);
	if (e != 0) {
		(void)snprintf(why, ADMINPRIV_ERR_MAX, "cannot be read");
		return SD_ERR_FORMAT;
	}
	if (q->kind == 'R' && got != 0) {
		(void)snprintf(why, ADMINPRIV_ERR_MAX, "a removal request must be empty");
		return SD_ERR_FORMAT;
	}
	if (q->kind == 'A') {
		if (!torauth_pub_line_ok(buf, got)) {
			(void)snprintf(why, ADMINPRIV_ERR_MAX,
			    "not exactly one line "
			    "'descriptor:x25519:' and 52 base32 characters");
			return SD_ERR_FORMAT;
		}
		memcpy(q->line, buf, got);
		q->line[got] = '\0';
	}
	return 0;
}

/* Move every entry of requests/ into work/. A request in requests/ is
 * newer than any in work/ (left by a run that could not apply it): it
 * replaces one of the same name and kind, and one of the other kind is
 * deleted first, so the last action wins (a revocation is never undone by
 * an older key request applied after it, nor a new key by an old removal). */
static int
claim(int reqfd, int work)
{
	char name[TORAUTH_NAME_MAX + 1], other[FILE_MAX + 1];
	struct dirent *d;
	DIR *dir;
	int e = 0, dup;
	char kind;

	if ((dup = fcntl(reqfd, F_DUPFD_CLOEXEC, 0)) < 0 || (dir = fdopendir(dup)) == NULL) {
		fprintf(stderr,
		    PROG ": tor-clients: cannot list " TORAUTH_STAGE_DIR "/" TORAUTH_REQ_DIR
			 "/: %s\n",
		    strerror(errno));
		if (dup >= 0)
			close(dup);
		return SD_ERR_IO;
	}
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if ((kind = req_kind(d->d_name, name)) != 0) {
			(void)snprintf(other, sizeof other, "%s%s", name,
			    kind == 'A' ? TORAUTH_REQ_REMOVE : TORAUTH_REQ_ADD);
			if (clear_at(work, other) != 0) {
				char safe[ADMINPRIV_SAFE_MAX];
				fprintf(stderr,
				    PROG ": tor-clients: cannot drop the older request "
					 "'%s': %s; '%s' waits for the next run\n",
				    other, strerror(errno),
				    adminpriv_safe(d->d_name, safe, sizeof safe));
				e = SD_ERR_IO;
				continue;
			}
		}
		/* Whatever work/ holds under that name is older: replaced, also a
		 * directory, so that requests/ empties and the path unit
		 * (DirectoryNotEmpty=) does not start this again and again. */
		if (move_over(reqfd, work, d->d_name) != 0) {
			char safe[ADMINPRIV_SAFE_MAX];
			fprintf(stderr, PROG ": tor-clients: cannot claim request '%s': %s\n",
			    adminpriv_safe(d->d_name, safe, sizeof safe), strerror(errno));
			e = SD_ERR_IO;
		}
	}
	closedir(dir);
	return e;
}

/* The owner's first step: onion file, claim, check, send the good ones. */
static int
collect_step(void *ctx)
{
	struct run *r = ctx;
	char why[ADMINPRIV_ERR_MAX];
	int stage = -1, reqfd = -1, work = -1, refused = -1, bad = 0, e;
	size_t sent = 0, nrefused = 0;
	struct dirent *d;
	DIR *dir = NULL;

	if ((e = subdir(AT_FDCWD, TORAUTH_STAGE_DIR, &stage)) != 0 ||
	    (e = subdir(stage, TORAUTH_REQ_DIR, &reqfd)) != 0 ||
	    (e = subdir(stage, TORAUTH_WORK_DIR, &work)) != 0 ||
	    (e = subdir(stage, TORAUTH_REFUSED_DIR, &refused)) != 0) {
		fprintf(stderr, PROG ": tor-clients: cannot open " TORAUTH_STAGE_DIR "/: %s\n",
		    e == SD_ERR_FORMAT ? "a part is not a directory" : strerror(errno));
		bad = 1;
		goto out;
	}
	if ((e = keep_onion(stage, r->onion)) != 0) {
		fprintf(stderr,
		    PROG ": tor-clients: cannot write " TORAUTH_STAGE_DIR "/" TORAUTH_ONION_FILE
			 ": %s\n",
		    sd_strerror(e));
		bad = 1;
	}
	if (claim(reqfd, work) != 0)
		bad = 1; /* said by claim */
	{
		int dup = fcntl(work, F_DUPFD_CLOEXEC, 0);
		if (dup < 0 || (dir = fdopendir(dup)) == NULL) {
			fprintf(stderr,
			    PROG ": tor-clients: cannot list " TORAUTH_STAGE_DIR
				 "/" TORAUTH_WORK_DIR "/: %s\n",
			    strerror(errno));
			if (dup >= 0)
				close(dup);
			bad = 1;
			goto out;
		}
	}
	while ((d = readdir(dir)) != NULL && sent < REQ_MAX) {
		struct req q;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (check_one(work, d->d_name, &q, why) != 0) {
			refuse(work, refused, d->d_name, why, nrefused < REFUSED_NAMED);
			nrefused++;
			bad = 1;
			continue;
		}
		/* A record: kind, name, NUL, line, NUL: parsed again by root. */
		if (dprintf(r->wfd, "%c%s%c%s%c", q.kind, q.name, '\0', q.line, '\0') < 0) {
			bad = 1;
			break;
		}
		sent++;
	}
out:
	if (nrefused > REFUSED_NAMED)
		fprintf(stderr,
		    PROG ": tor-clients: %zu more requests refused (not named here); "
			 "moved to " TORAUTH_STAGE_DIR "/" TORAUTH_REFUSED_DIR "/\n",
		    nrefused - REFUSED_NAMED);
	if (dir != NULL)
		closedir(dir);
	if (stage >= 0)
		close(stage);
	if (reqfd >= 0)
		close(reqfd);
	if (work >= 0)
		close(work);
	if (refused >= 0)
		close(refused);
	return bad;
}

/* The owner's last step: delete the applied requests from work/. */
static int
done_step(void *ctx)
{
	struct run *r = ctx;
	char file[FILE_MAX + 1];
	int work, bad = 0;

	if ((work = openat(AT_FDCWD, TORAUTH_STAGE_DIR "/" TORAUTH_WORK_DIR, DIR_FLAGS)) < 0)
		return 1;
	for (size_t i = 0; i < r->n; i++) {
		(void)snprintf(file, sizeof file, "%s%s", r->reqs[i].name,
		    r->reqs[i].kind == 'A' ? TORAUTH_REQ_ADD : TORAUTH_REQ_REMOVE);
		if (unlinkat(work, file, 0) != 0 && errno != ENOENT)
			bad = 1;
	}
	if (fsync(work) != 0)
		bad = 1;
	close(work);
	return bad;
}

/* As the instance's owner in the instance (admin.h). */
int
admintc_revoke_step(void *ctx)
{
	const char *name = ctx;
	char file[FILE_MAX + 1], tmp[FILE_MAX + 16] = "";
	int stage = -1, reqfd = -1, work = -1, fd = -1, e = SD_ERR_IO;

	if (!torauth_name_ok(name))
		return 1;
	if ((stage = openat(AT_FDCWD, TORAUTH_STAGE_DIR, DIR_FLAGS)) < 0) {
		if (errno == ENOENT)
			return 0; /* no web admin here: nothing pending */
		goto out;
	}
	if (subdir(stage, TORAUTH_REQ_DIR, &reqfd) != 0)
		goto out;
	/* work/ is made by the first run: absent, nothing is left there. */
	if ((work = openat(stage, TORAUTH_WORK_DIR, DIR_FLAGS)) < 0 && errno != ENOENT)
		goto out;
	(void)snprintf(file, sizeof file, "%s%s", name, TORAUTH_REQ_ADD);
	if (clear_at(reqfd, file) != 0 || (work >= 0 && clear_at(work, file) != 0))
		goto out;
	/* And a removal request, written aside then renamed in, for a run
	 * that had already taken a key request for name: it runs again. */
	(void)snprintf(file, sizeof file, "%s%s", name, TORAUTH_REQ_REMOVE);
	(void)snprintf(tmp, sizeof tmp, ".admin-%s", file); /* not the daemon's .new- */
	if ((unlinkat(stage, tmp, 0) != 0 && errno != ENOENT) ||
	    (fd = openat(stage, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) <
		0 ||
	    fsync(fd) != 0 || renameat(stage, tmp, reqfd, file) != 0 || fsync(reqfd) != 0)
		goto out;
	e = 0;
out:
	if (e != 0) {
		fprintf(stderr,
		    PROG ": warning: tor-clients: cannot cancel the pending key "
			 "requests for %s: %s; a run of tor-clients-apply may set the key again\n",
		    name, strerror(errno));
		if (stage >= 0 && tmp[0] != '\0')
			(void)unlinkat(stage, tmp, 0);
	}
	if (fd >= 0)
		close(fd);
	if (work >= 0)
		close(work);
	if (reqfd >= 0)
		close(reqfd);
	if (stage >= 0)
		close(stage);
	return e != 0;
}

/* ---- root ---------------------------------------------------------------- */

/* Read fd until its end, cap bytes or deadline: 0 at the end or at cap,
 * 1 at the deadline, SD_ERR_IO on error. *got: bytes read. */
static int
read_until(int fd, char *buf, size_t cap, size_t *got, struct timespec deadline)
{
	*got = 0;
	while (*got < cap) {
		struct pollfd pf = { fd, POLLIN, 0 };
		long left = adminpriv_ms_left(deadline);
		ssize_t n;
		int k;

		if (left == 0)
			return 1;
		if ((k = poll(&pf, 1, left > 1000 ? 1000 : (int)left)) < 0 && errno != EINTR)
			return SD_ERR_IO;
		if (k <= 0)
			continue;
		if ((n = read(fd, buf + *got, cap - *got)) == 0)
			return 0;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return SD_ERR_IO;
		if (n > 0)
			*got += (size_t)n;
	}
	return 0;
}

/* Run fn as id in dirfd with a pipe to us; up to cap bytes into buf. The
 * step, and our reading of it, end within TC_STEP_SECONDS: then root kills
 * it and nothing it sent is kept (*got 0). */
static int
piped(int dirfd, const struct adminpriv_id *id, adminpriv_fn fn, struct run *r, char *buf,
    size_t cap, size_t *got)
{
	struct timespec deadline;
	int p[2], rc, e;
	pid_t pid;

	*got = 0;
	if (pipe2(p, O_CLOEXEC) != 0)
		return 1;
	r->wfd = p[1];
	deadline = adminpriv_deadline(TC_STEP_SECONDS);
	if (adminpriv_spawn(dirfd, id, fn, r, &pid) != 0) {
		close(p[0]);
		close(p[1]);
		return 1;
	}
	close(p[1]);
	e = read_until(p[0], buf, cap, got, deadline);
	close(p[0]); /* a step still writing past cap gets EPIPE */
	rc = adminpriv_wait_until(pid, id, deadline, TC_STEP_SECONDS);
	if (e == 1)
		*got = 0; /* cut short: said by adminpriv_wait_until */
	return e != 0 ? 1 : rc;
}

/* Parse what the collect step sent, checking every record again. */
static int
parse_reqs(const char *buf, size_t len, struct run *r)
{
	size_t at = 0;

	r->n = 0;
	while (at < len && r->n < REQ_MAX) {
		struct req *q = &r->reqs[r->n];
		const char *name = buf + at + 1, *nul1, *nul2;
		size_t nl, ll;

		if ((nul1 = memchr(name, '\0', len - at - 1)) == NULL)
			return SD_ERR_FORMAT;
		nl = (size_t)(nul1 - name);
		if ((nul2 = memchr(nul1 + 1, '\0', len - (size_t)(nul1 + 1 - buf))) == NULL)
			return SD_ERR_FORMAT;
		ll = (size_t)(nul2 - nul1 - 1);
		memset(q, 0, sizeof *q);
		q->kind = buf[at];
		if (nl > TORAUTH_NAME_MAX || ll >= sizeof q->line)
			return SD_ERR_FORMAT;
		memcpy(q->name, name, nl);
		memcpy(q->line, nul1 + 1, ll);
		if (!torauth_name_ok(q->name) ||
		    !((q->kind == 'R' && ll == 0) ||
			(q->kind == 'A' && torauth_pub_line_ok(q->line, ll))))
			return SD_ERR_FORMAT;
		r->n++;
		at = (size_t)(nul2 - buf) + 1;
	}
	return at == len ? 0 : SD_ERR_FORMAT;
}

static int
reload_tor(void)
{
	pid_t pid;
	int st = 0;

	(void)fflush(stdout);
	if ((pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		execlp("systemctl", "systemctl", "reload", "tor@default.service", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

int
admintc_main(const struct admin_args *a)
{
	const struct adminpriv_inst *pi;
	const char *inst = a->instance;
	struct run *r = NULL;
	char *buf = NULL;
	size_t got = 0, cap = REQ_MAX * (3 + TORAUTH_NAME_MAX + TORAUTH_PUB_LINE_MAX);
	int noreload = a->no_reload, bad = 0, changed = 0, malformed;

	pi = admin_enter(inst);
	if (pi->torfd < 0)
		admin_die("%s", pi->torerr);
	/* One run at a time (a manual run beside the unit's): on tor/, which
	 * the instance's user cannot open, so it cannot hold runs back. */
	while (flock(pi->torfd, LOCK_EX) != 0)
		if (errno != EINTR)
			admin_die("tor-clients: cannot lock tor/: %s", strerror(errno));
	if ((r = calloc(1, sizeof *r)) == NULL || (buf = malloc(cap)) == NULL)
		admin_die("out of memory");
	if (piped(pi->torfd, &pi->tor, onion_step, r, r->onion, sizeof r->onion - 1, &got) != 0)
		admin_die("tor-clients: cannot read the journalist onion address");
	r->onion[got] = '\0';
	if (!torauth_onion_ok(r->onion, 1))
		admin_die("tor-clients: tor/journalist gives no valid onion address");
	/* Batches of REQ_MAX until work/ is empty: nothing starts a run for
	 * what is left there (the path unit watches requests/ only). */
	for (int batch = 0; batch < BATCH_MAX; batch++) {
		bad |= piped(pi->fd, &pi->owner, collect_step, r, buf, cap, &got) != 0;
		malformed = parse_reqs(buf, got, r) != 0;
		if (malformed && !changed)
			admin_die(
			    "tor-clients: the requests step sent a malformed record; nothing applied");
		if (malformed) {
			/* Earlier batches changed keys: tor is still reloaded. */
			fprintf(stderr,
			    PROG ": tor-clients: the requests step sent a malformed "
				 "record; nothing more applied\n");
			bad = 1;
			break;
		}
		if (r->n == 0)
			break;
		/* Which failed is on stderr; then every request of the batch
		 * stays in work/ for the next run (applying one twice changes
		 * nothing). */
		changed = 1;
		if (adminpriv_run_for(pi->torfd, &pi->tor, apply_step, r, TC_STEP_SECONDS) != 0 ||
		    adminpriv_run_for(pi->fd, &pi->owner, done_step, r, TC_STEP_SECONDS) != 0) {
			/* Nothing watches work/: say how to run again. */
			fprintf(stderr,
			    PROG
			    ": tor-clients: the requests not applied stay in " TORAUTH_STAGE_DIR
			    "/" TORAUTH_WORK_DIR "/; once the cause is fixed, run "
			    "systemctl start sealdrop-tor-clients.service (or " PROG
			    " tor-clients-apply)\n");
			bad = 1;
			break;
		}
		if (r->n < REQ_MAX)
			break;
	}
	if (changed && !noreload) {
		if (reload_tor() != 0) {
			fprintf(stderr,
			    PROG ": tor-clients: systemctl reload tor@default.service "
				 "failed; the keys apply when tor next starts\n");
			bad = 1;
		} else {
			printf("tor-clients: tor reloaded\n");
		}
	} else if (!changed) {
		printf("tor-clients: no request to apply; tor not reloaded\n");
	}
	free(buf);
	free(r);
	return bad;
}
