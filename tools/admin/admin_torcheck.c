/*
 * admin_torcheck.c - `sealdrop-admin tor-check`: proves with tor itself that
 * the instance's tor configuration and keys are what tor accepts.
 *
 * The instance torrc may hold only HiddenService* lines (and comments); each
 * HiddenServiceDir is copied (identity keys and authorized_clients/, never
 * the hostname file) into a private mkdtemp directory (run by sealdrop-admin
 * in tor/ as tor's user: tor/.torcheck.XXXXXX beside the originals, so a
 * killed run leaves no key outside the instance and the next run removes
 * it; called with an instance path, as the unit tests do: in $TMPDIR, else
 * in memory-backed /dev/shm) and the torrc is rewritten to point there, after a header that keeps tor off the network:
 * DisableNetwork 1, SocksPort 0, no other port, its own DataDirectory, a log
 * file. HiddenServicePort targets must be unix sockets or loopback; tor
 * never connects to them here, since no client can arrive. tor is started,
 * waited for (bounded), stopped by its pid, and the directory is removed.
 *
 * Passes when tor wrote, for every service, the hostname the instance
 * expects (its hostname file, and the address of its public key file), the
 * journalist service has at least one client key and the source service
 * none, and tor logged no warning or error (but the one about running as
 * root): a malformed .auth file is only a warning to tor.
 */
#define _XOPEN_SOURCE 700
#include "admin_tor.h"
#include "sdbuf.h"
#include "sderr.h"
#include "sdio.h"
#include "sdtree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <sodium.h>

#define TC_MAX_HS 8
#define TC_LOG_MAX (1024 * 1024)
#define TC_KEY_MAX 4096
#define TC_STOP_SECONDS 10
#define TC_ROOT_WARNING "You are running Tor as root"

struct tc_hs {
	char src[PATH_MAX]; /* the instance's HiddenServiceDir */
	char dst[PATH_MAX]; /* its private copy */
	char expect[ADMINTOR_ONION_MAX];
	unsigned clients; /* .auth files */
};

struct tc {
	const char *inst;
	const char *tor_bin;
	char tmp[PATH_MAX];
	struct tc_hs hs[TC_MAX_HS];
	size_t nhs;
	pid_t pid;
	char *msg;
	size_t msgsz;
};

static int
tc_fail(struct tc *t, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
tc_fail(struct tc *t, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(t->msg, t->msgsz, fmt, ap);
	va_end(ap);
	return err;
}

static int
tc_join(struct tc *t, const char *dir, const char *name, char out[PATH_MAX])
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_MAX)
		return tc_fail(t, SD_ERR_TOOLONG, "%s/%s: path too long", dir, name);
	return 0;
}

/* Copy a small file (maybe a secret key) to a new 0600 file. */
static int
tc_copy(struct tc *t, const char *from, const char *to)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int e;

	if ((e = sd_read_small_file(from, TC_KEY_MAX, &buf, &len)) != 0)
		return tc_fail(t, e, "%s: cannot read: %s", from,
		    e == SD_ERR_IO ? strerror(errno) : sd_strerror(e));
	e = sd_write_file_excl(to, buf, len, 0600);
	sodium_memzero(buf, len);
	free(buf);
	return e == 0 ? 0 : tc_fail(t, e, "%s: cannot write: %s", to, sd_strerror(e));
}

/* Remove what a killed tor-check left in tor/ (".torcheck.XXXXXX"). */
static void
tc_sweep_here(void)
{
	DIR *d = opendir(".");
	struct dirent *ent;

	if (d == NULL)
		return;
	while ((ent = readdir(d)) != NULL)
		if (strncmp(ent->d_name, ".torcheck.", 10) == 0 && strlen(ent->d_name) == 16)
			/* A leftover that cannot go stays beside the keys it
			 * copies, in tor/, and is tried again next run. */
			sd_ignore(sd_rmtree_at(AT_FDCWD, ent->d_name, SD_TREE_DEPTH_MAX));
	closedir(d);
}

/* The private directory with an empty defaults file and a data directory. */
static int
tc_mktemp(struct tc *t)
{
	const char *base = getenv("TMPDIR");
	char path[PATH_MAX], here[PATH_MAX];
	struct stat st;
	int n, e;

	if (t->inst == NULL && getcwd(here, sizeof here) != NULL) {
		/* Run in tor/ as its owner: the copies of the keys stay beside
		 * the originals, readable by nobody else, and a run killed
		 * before it removed them leaves nothing outside the instance
		 * (the next run removes it; sealdrop-admin check names it). */
		tc_sweep_here();
		n = snprintf(t->tmp, sizeof t->tmp, "%s/.torcheck.XXXXXX", here);
		goto make;
	}
	/* Memory-backed by default: the copies of the keys never reach a disk. */
	if (base == NULL || base[0] != '/')
		base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
			access("/dev/shm", W_OK | X_OK) == 0
		    ? "/dev/shm"
		    : "/tmp";
	n = snprintf(t->tmp, sizeof t->tmp, "%s/sealdrop-torcheck.XXXXXX", base);
make:
	if (n < 0 || (size_t)n >= sizeof t->tmp || mkdtemp(t->tmp) == NULL) {
		t->tmp[0] = '\0';
		return tc_fail(t, SD_ERR_IO, "cannot make a temporary directory for tor-check");
	}
	if ((e = tc_join(t, t->tmp, "data", path)) != 0)
		return e;
	if (mkdir(path, 0700) != 0)
		return tc_fail(t, SD_ERR_IO, "%s: %s", path, strerror(errno));
	if ((e = tc_join(t, t->tmp, "defaults", path)) != 0)
		return e;
	if ((e = sd_write_file_excl(path, "", 0, 0600)) != 0)
		return tc_fail(t, e, "%s: cannot write", path);
	return 0;
}

/* A HiddenServicePort value: "VIRTPORT [TARGET]" with a unix or loopback
 * target (none means 127.0.0.1:VIRTPORT). */
static int
tc_port_ok(const char *v)
{
	const char *target = strpbrk(v, " \t");

	if (target == NULL)
		return 1;
	target += strspn(target, " \t");
	return strncmp(target, "unix:", 5) == 0 || strncmp(target, "127.", 4) == 0 ||
	    strncmp(target, "[::1]:", 6) == 0 || target[strspn(target, "0123456789")] == '\0';
}

/* One line of the instance torrc, rewritten into out (an
 * admintor_line_fn): comments dropped, HiddenServiceDir pointing at the
 * private copy, every other line a checked HiddenService* directive. */
static int
tc_line(void *ctx, char *line, unsigned no, int nl, struct sdbuf *out)
{
	struct tc *t = ctx;
	char *key = line + strspn(line, " \t"), *val;
	size_t klen = strcspn(key, " \t\r");
	int n;

	(void)nl;
	if (*key == '\0' || *key == '#' || *key == '\r')
		return 0;
	val = key + klen + strspn(key + klen, " \t");
	val[strcspn(val, "\r")] = '\0';
	for (size_t vl = strlen(val); vl > 0 && (val[vl - 1] == ' ' || val[vl - 1] == '\t'); vl--)
		val[vl - 1] = '\0';
	if (klen < 13 || strncasecmp(key, "HiddenService", 13) != 0)
		return tc_fail(t, SD_ERR_FORMAT,
		    "torrc line %u: only HiddenService* lines "
		    "belong in the instance torrc, not '%.*s'",
		    no, (int)klen, key);
	if (klen == 16 && strncasecmp(key, "HiddenServiceDir", 16) == 0) {
		struct tc_hs *h = &t->hs[t->nhs];
		char num[16];
		if (t->nhs == TC_MAX_HS || val[0] != '/' || strpbrk(val, "\"' \t") != NULL)
			return tc_fail(t, SD_ERR_FORMAT,
			    "torrc line %u: HiddenServiceDir must be "
			    "an absolute path without quotes or spaces (at most %d)",
			    no, TC_MAX_HS);
		if (t->inst == NULL) {
			/* Run in tor/ (admintor_check_here): the service is the
			 * directory of that name under it, not whatever the path
			 * leads to now. */
			const char *base = strrchr(val, '/') + 1;
			size_t bl = strlen(base), vl = strlen(val);
			if (bl == 0 || bl > 32 ||
			    strspn(base, "abcdefghijklmnopqrstuvwxyz") != bl || vl < bl + 5 ||
			    strncmp(val + vl - bl - 5, "/tor/", 5) != 0)
				return tc_fail(t, SD_ERR_FORMAT,
				    "torrc line %u: HiddenServiceDir is "
				    "not a directory of tor/",
				    no);
			(void)snprintf(h->src, sizeof h->src, "%s", base);
		} else {
			(void)snprintf(h->src, sizeof h->src, "%s", val);
		}
		(void)snprintf(num, sizeof num, "hs%zu", t->nhs);
		if (tc_join(t, t->tmp, num, h->dst) != 0)
			return SD_ERR_TOOLONG;
		t->nhs++;
		if ((n = sdbuf_adds(out, "HiddenServiceDir ")) == 0 &&
		    (n = sdbuf_adds(out, h->dst)) == 0)
			n = sdbuf_add(out, "\n", 1);
	} else {
		if (klen == 17 && strncasecmp(key, "HiddenServicePort", 17) == 0 &&
		    !tc_port_ok(val))
			return tc_fail(t, SD_ERR_FORMAT,
			    "torrc line %u: HiddenServicePort target "
			    "is not a unix socket or loopback address",
			    no);
		/* sdbuf_add, not a format: a line may be long. */
		if ((n = sdbuf_add(out, key, klen)) == 0 && (n = sdbuf_add(out, " ", 1)) == 0 &&
		    (n = sdbuf_adds(out, val)) == 0)
			n = sdbuf_add(out, "\n", 1);
	}
	if (n != 0)
		return tc_fail(t, n, "torrc line %u: %s", no,
		    n == SD_ERR_TOOLONG ? "too long" : sd_strerror(n));
	return 0;
}

/* The private torrc: a header that keeps tor off the network, then the
 * instance's lines with HiddenServiceDir pointing at the copies. */
static int
tc_torrc(struct tc *t)
{
	char path[PATH_MAX], *in = NULL;
	struct sdbuf out;
	int e;

	sdbuf_init(&out, ADMINTOR_TORRC_MAX + 4096 + TC_MAX_HS * PATH_MAX);
	if (t->inst == NULL)
		(void)snprintf(path, sizeof path, "torrc");
	else if ((e = tc_join(t, t->inst, ADMINTOR_TORRC, path)) != 0)
		return e;
	/* No link followed, no FIFO waited on (admin_torrc.c). */
	if ((e = admintor_conf_read(AT_FDCWD, path, ADMINTOR_TORRC_MAX, &in, NULL)) != 0)
		return tc_fail(t, e, "%s: cannot read: %s", path,
		    e == SD_ERR_IO             ? strerror(errno)
			: e == SD_ERR_NOTFOUND ? strerror(ENOENT)
			: e == SD_ERR_FORMAT   ? "not a regular file"
					       : sd_strerror(e));
	if ((e = sdbuf_adds(&out,
		 "DisableNetwork 1\nSocksPort 0\nControlPort 0\nORPort 0\n"
		 "DNSPort 0\nTransPort 0\nNATDPort 0\nClientOnly 1\nRunAsDaemon 0\n"
		 "DataDirectory ")) != 0 ||
	    (e = sdbuf_adds(&out, t->tmp)) != 0 ||
	    (e = sdbuf_adds(&out, "/data\nLog notice file ")) != 0 ||
	    (e = sdbuf_adds(&out, t->tmp)) != 0 || (e = sdbuf_adds(&out, "/tor.log\n")) != 0) {
		e = tc_fail(t, e, "out of memory");
		goto out;
	}
	e = admintor_torrc_rewrite(in, tc_line, t, &out);
	if (e == 0 && t->nhs == 0)
		e = tc_fail(t, SD_ERR_FORMAT, "%s: no HiddenServiceDir", path);
	if (e == 0 && (e = tc_join(t, t->tmp, "torrc", path)) == 0 &&
	    (e = sd_write_file_excl(path, out.p, out.len, 0600)) != 0)
		e = tc_fail(t, e, "%s: cannot write", path);
out:
	sdbuf_free(&out);
	free(in);
	return e;
}

/* The expected address of a service: its hostname file, which must agree
 * with its public key file when there is one. */
static int
tc_expect(struct tc *t, struct tc_hs *h)
{
	char path[PATH_MAX];
	unsigned char *buf = NULL;
	size_t len = 0;
	int e;

	if ((e = tc_join(t, h->src, "hostname", path)) != 0)
		return e;
	if ((e = sd_read_small_file(path, ADMINTOR_ONION_LEN + 2, &buf, &len)) != 0)
		return tc_fail(t, e, "%s: cannot read the expected address", path);
	if (len >= ADMINTOR_ONION_LEN && (len == ADMINTOR_ONION_LEN || buf[len - 1] == '\n') &&
	    memcmp(buf + ADMINTOR_ONION_LEN - 6, ".onion", 6) == 0) {
		memcpy(h->expect, buf, ADMINTOR_ONION_LEN);
		h->expect[ADMINTOR_ONION_LEN] = '\0';
	} else {
		e = tc_fail(t, SD_ERR_FORMAT, "%s: not a v3 onion address", path);
	}
	free(buf);
	return e;
}

/* Copy every regular file of SRC/authorized_clients; count the .auth ones. */
static int
tc_copy_clients(struct tc *t, struct tc_hs *h)
{
	char from[PATH_MAX], to[PATH_MAX], f[PATH_MAX], d[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int e = 0;

	if ((e = tc_join(t, h->src, "authorized_clients", from)) != 0 ||
	    (e = tc_join(t, h->dst, "authorized_clients", to)) != 0)
		return e;
	if ((dir = opendir(from)) == NULL)
		return errno == ENOENT ? 0 : tc_fail(t, SD_ERR_IO, "%s: %s", from, strerror(errno));
	if (mkdir(to, 0700) != 0)
		e = tc_fail(t, SD_ERR_IO, "%s: %s", to, strerror(errno));
	while (e == 0 && (de = readdir(dir)) != NULL) {
		size_t nl = strlen(de->d_name);
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((e = tc_join(t, from, de->d_name, f)) != 0 ||
		    (e = tc_join(t, to, de->d_name, d)) != 0)
			break;
		if (lstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
			e = tc_fail(t, SD_ERR_FORMAT, "%s: not a regular file", f);
			break;
		}
		if ((e = tc_copy(t, f, d)) == 0 && nl > 5 &&
		    strcmp(de->d_name + nl - 5, ".auth") == 0)
			h->clients++;
	}
	closedir(dir);
	return e;
}

/* Copy one service directory (keys and client keys, not the hostname). */
static int
tc_copy_hs(struct tc *t, struct tc_hs *h)
{
	static const char *const keys[] = { "hs_ed25519_secret_key", "hs_ed25519_public_key" };
	char from[PATH_MAX], to[PATH_MAX];
	int e;

	if ((e = tc_expect(t, h)) != 0)
		return e;
	if (mkdir(h->dst, 0700) != 0)
		return tc_fail(t, SD_ERR_IO, "%s: %s", h->dst, strerror(errno));
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if ((e = tc_join(t, h->src, keys[i], from)) != 0 ||
		    (e = tc_join(t, h->dst, keys[i], to)) != 0)
			return e;
		if ((e = tc_copy(t, from, to)) != 0)
			return e;
	}
	return tc_copy_clients(t, h);
}

/* sealdrop's own rules on the instance's two services: its address agrees
 * with its public key; the journalist service is closed, the source open. */
static int
tc_rules(struct tc *t)
{
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX], real[PATH_MAX];
	char js[PATH_MAX], ss[PATH_MAX], jr[PATH_MAX], sr[PATH_MAX];
	int e, seen = 0;

	if (t->inst == NULL) {
		/* In tor/: the services are tor/source and tor/journalist. */
		if ((e = admintor_onions_at(AT_FDCWD, so, jo)) != 0)
			return tc_fail(t, e, "tor/: cannot read the services' public keys: %s",
			    sd_strerror(e));
		(void)snprintf(jr, sizeof jr, "journalist");
		(void)snprintf(sr, sizeof sr, "source");
	} else if ((e = admintor_onions(t->inst, so, sizeof so, jo, sizeof jo)) != 0)
		return tc_fail(
		    t, e, "%s: cannot read the services' public keys: %s", t->inst, sd_strerror(e));
	if (t->inst == NULL)
		;
	else if ((e = tc_join(t, t->inst, ADMINTOR_JOURNALIST_HS, js)) != 0 ||
	    (e = tc_join(t, t->inst, ADMINTOR_SOURCE_HS, ss)) != 0)
		return e;
	else if (realpath(js, jr) == NULL || realpath(ss, sr) == NULL)
		return tc_fail(t, SD_ERR_IO, "%s: %s", t->inst, strerror(errno));
	for (size_t i = 0; i < t->nhs; i++) {
		struct tc_hs *h = &t->hs[i];
		int is_j, is_s;
		if (t->inst == NULL)
			(void)snprintf(real, sizeof real, "%s", h->src);
		else if (realpath(h->src, real) == NULL)
			return tc_fail(t, SD_ERR_IO, "%s: %s", h->src, strerror(errno));
		is_j = strcmp(jr, real) == 0;
		is_s = strcmp(sr, real) == 0;
		if ((is_j && strcmp(h->expect, jo) != 0) || (is_s && strcmp(h->expect, so) != 0))
			return tc_fail(
			    t, SD_ERR_FORMAT, "%s: hostname and public key disagree", h->src);
		if (is_j && h->clients == 0)
			return tc_fail(t, SD_ERR_FORMAT,
			    "%s: no client key in authorized_clients: "
			    "anyone with the address could reach the journalist interface",
			    h->src);
		if (is_s && h->clients > 0)
			return tc_fail(t, SD_ERR_FORMAT,
			    "%s: client keys in authorized_clients: "
			    "sources could not reach the source interface",
			    h->src);
		seen |= (is_j ? 1 : 0) | (is_s ? 2 : 0);
	}
	if (seen != 3)
		return tc_fail(t, SD_ERR_FORMAT, "%s/" ADMINTOR_TORRC " does not serve %s/%s",
		    t->inst ? t->inst : "tor/..", t->inst ? t->inst : "tor/..",
		    (seen & 1) ? ADMINTOR_SOURCE_HS : ADMINTOR_JOURNALIST_HS);
	return 0;
}

static int
tc_start(struct tc *t, const char *tor_bin)
{
	char torrc[PATH_MAX], defaults[PATH_MAX], outp[PATH_MAX];
	int out, null, e;

	if ((e = tc_join(t, t->tmp, "torrc", torrc)) != 0 ||
	    (e = tc_join(t, t->tmp, "defaults", defaults)) != 0 ||
	    (e = tc_join(t, t->tmp, "tor.out", outp)) != 0)
		return e;
	out = open(outp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (out < 0 || null < 0 || (t->pid = fork()) < 0) {
		e = tc_fail(t, SD_ERR_IO, "cannot start tor: %s", strerror(errno));
		t->pid = 0;
	} else if (t->pid == 0) {
		char bin[PATH_MAX], opt_d[] = "--defaults-torrc", opt_f[] = "-f";
		char *argv[] = { bin, opt_d, defaults, opt_f, torrc, NULL };
		(void)snprintf(bin, sizeof bin, "%s", tor_bin);
		/* tor never outlives this process (which is killed with its
		 * parent, admin_priv.c). */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
			_exit(126);
		if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(126);
		execvp(tor_bin, argv);
		_exit(127);
	}
	if (out >= 0)
		close(out);
	if (null >= 0)
		close(null);
	return e;
}

/* The first warning or error tor printed (but the root one), or NULL; also
 * the version, from the start-up line. */
static const char *
tc_problem(char *log, char *version, size_t versionsz)
{
	const char *v = strstr(log, "[notice] Tor ");
	char *line, *next;

	if (v != NULL && versionsz > 0)
		(void)snprintf(version, versionsz, "%.*s", (int)strcspn(v + 13, " \n"), v + 13);
	for (line = log; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((strstr(line, "[warn]") != NULL || strstr(line, "[err]") != NULL) &&
		    strstr(line, TC_ROOT_WARNING) == NULL) {
			const char *m = strstr(line, "] ");
			return m ? m + 2 : line;
		}
	}
	return NULL;
}

/* tor's log file and its standard output, one after the other. */
static char *
tc_read_logs(struct tc *t)
{
	static const char *const names[] = { "tor.out", "tor.log" };
	char path[PATH_MAX], *all = NULL;
	size_t used = 0;

	if ((all = calloc(1, 2 * (TC_LOG_MAX + 1))) == NULL)
		return NULL;
	for (size_t i = 0; i < 2; i++) {
		unsigned char *buf = NULL;
		size_t len = 0;
		if (tc_join(t, t->tmp, names[i], path) != 0 ||
		    sd_read_small_file(path, TC_LOG_MAX, &buf, &len) != 0)
			continue;
		memcpy(all + used, buf, len);
		used += len;
		all[used++] = '\n';
		free(buf);
	}
	return all;
}

/* 1 when tor has written every hostname file and logged its bootstrap
 * start, which comes after it loaded the services and their client keys. */
static int
tc_ready(struct tc *t)
{
	char path[PATH_MAX], *log;
	int ready;

	for (size_t i = 0; i < t->nhs; i++)
		if (tc_join(t, t->hs[i].dst, "hostname", path) != 0 || access(path, F_OK) != 0)
			return 0;
	if ((log = tc_read_logs(t)) == NULL)
		return 0;
	ready = strstr(log, "Bootstrapped ") != NULL;
	free(log);
	return ready;
}

/* A failure quoting tor's line, with the private copies' paths put back to
 * the instance's. */
static int
tc_said(struct tc *t, const char *prefix, const char *line)
{
	size_t used;

	(void)snprintf(t->msg, t->msgsz, "%s", prefix);
	used = strlen(t->msg);
	while (line != NULL && *line != '\0' && used + 1 < t->msgsz) {
		size_t i, dl = 0;
		for (i = 0; i < t->nhs; i++)
			if ((dl = strlen(t->hs[i].dst)) > 0 && strncmp(line, t->hs[i].dst, dl) == 0)
				break;
		if (i < t->nhs) {
			(void)snprintf(t->msg + used, t->msgsz - used, "%s", t->hs[i].src);
			used = strlen(t->msg);
			line += dl;
		} else {
			t->msg[used++] = *line++;
			t->msg[used] = '\0';
		}
	}
	return SD_ERR_FORMAT;
}

static int
tc_wait(struct tc *t, unsigned timeout_s)
{
	struct timespec start, now, tick = { 0, 100 * 1000 * 1000 };
	char *log, version[32] = "", prefix[64];
	const char *why;
	int st;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (waitpid(t->pid, &st, WNOHANG) == t->pid) {
			t->pid = 0;
			log = tc_read_logs(t);
			why = log ? tc_problem(log, version, sizeof version) : NULL;
			if (why == NULL && WIFEXITED(st) && WEXITSTATUS(st) == 127) {
				free(log);
				return tc_fail(
				    t, SD_ERR_IO, "cannot run %s (is tor installed?)", t->tor_bin);
			}
			(void)snprintf(prefix, sizeof prefix, "tor exited (%s %d)%s",
			    WIFEXITED(st) ? "status" : "signal",
			    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), why ? ": " : "");
			(void)tc_said(t, prefix, why);
			free(log);
			return SD_ERR_FORMAT;
		}
		if (tc_ready(t))
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)timeout_s)
			return tc_fail(
			    t, SD_ERR_IO, "tor did not load the services within %u s", timeout_s);
		nanosleep(&tick, NULL);
	}
}

/* Stop the tor we started, by its pid: TERM, then KILL. */
static void
tc_stop(struct tc *t)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };

	if (t->pid <= 0)
		return;
	(void)kill(t->pid, SIGTERM);
	for (int i = 0; i < TC_STOP_SECONDS * 20; i++) {
		if (waitpid(t->pid, NULL, WNOHANG) == t->pid) {
			t->pid = 0;
			return;
		}
		nanosleep(&tick, NULL);
	}
	(void)kill(t->pid, SIGKILL);
	(void)waitpid(t->pid, NULL, 0);
	t->pid = 0;
}

/* Every address tor wrote is the expected one; no warning in its log. */
static int
tc_verdict(struct tc *t)
{
	char path[PATH_MAX], got[ADMINTOR_ONION_MAX] = "", version[32] = "?", *log;
	const char *why;
	unsigned clients = 0;

	if ((log = tc_read_logs(t)) == NULL)
		return tc_fail(t, SD_ERR_NOMEM, "out of memory");
	why = tc_problem(log, version, sizeof version);
	if (why != NULL)
		(void)tc_said(t, "tor warned: ", why);
	free(log);
	if (why != NULL)
		return SD_ERR_FORMAT;
	for (size_t i = 0; i < t->nhs; i++) {
		unsigned char *buf = NULL;
		size_t len = 0;
		if (tc_join(t, t->hs[i].dst, "hostname", path) == 0 &&
		    sd_read_small_file(path, ADMINTOR_ONION_LEN + 2, &buf, &len) == 0)
			(void)snprintf(
			    got, sizeof got, "%.*s", (int)strcspn((char *)buf, "\n"), buf);
		free(buf);
		if (strcmp(got, t->hs[i].expect) != 0)
			return tc_fail(t, SD_ERR_FORMAT,
			    "%s: tor's address is %s, the instance "
			    "expects %s",
			    t->hs[i].src, got, t->hs[i].expect);
		clients += t->hs[i].clients;
	}
	(void)snprintf(t->msg, t->msgsz,
	    "ok: tor %s loaded %zu onion services with the "
	    "expected addresses and %u client key%s, without a warning",
	    version, t->nhs, clients, clients == 1 ? "" : "s");
	return 0;
}

int
admintor_check(
    const char *instance_dir, const char *tor_bin, unsigned timeout_s, char *msg, size_t msgsz)
{
	struct tc *t;
	int e, r;

	if (msg == NULL || msgsz == 0 || timeout_s == 0)
		return SD_ERR_ARG;
	msg[0] = '\0';
	if ((t = calloc(1, sizeof *t)) == NULL)
		return SD_ERR_NOMEM;
	t->inst = instance_dir;
	t->msg = msg;
	t->msgsz = msgsz;
	if ((e = tc_mktemp(t)) != 0 || (e = tc_torrc(t)) != 0)
		goto out;
	for (size_t i = 0; i < t->nhs; i++)
		if ((e = tc_copy_hs(t, &t->hs[i])) != 0)
			goto out;
	t->tor_bin = tor_bin ? tor_bin : "tor";
	if ((e = tc_rules(t)) != 0 || (e = tc_start(t, t->tor_bin)) != 0 ||
	    (e = tc_wait(t, timeout_s)) != 0)
		goto out;
	tc_stop(t);
	e = tc_verdict(t);
out:
	tc_stop(t);
	/* The directory holds copies of the identity keys: one left behind is
	 * said, and fails a check that had passed. */
	if (t->tmp[0] != '\0' && (r = sd_rmtree_at(AT_FDCWD, t->tmp, SD_TREE_DEPTH_MAX)) != 0) {
		size_t used = strlen(msg);
		if (e == 0)
			e = tc_fail(t, r,
			    "%s: tor-check could not remove its copy of the keys (%s)", t->tmp,
			    sd_strerror(r));
		else if (used + 1 < msgsz)
			(void)snprintf(msg + used, msgsz - used,
			    "; %s: tor-check could not "
			    "remove its copy of the keys (%s)",
			    t->tmp, sd_strerror(r));
	}
	free(t);
	return e;
}
