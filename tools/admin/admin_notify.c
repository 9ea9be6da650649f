/*
 * admin_notify.c - `sealdrop-admin notify`: the daily digest to journalists
 * who opted in, and operator alerts, by OpenPGP-encrypted e-mail sent over
 * Tor (docs/notifications.md). Run by sealdrop-notify.timer at a fixed hour
 * and by sealdrop-notify-alert@.service when a daemon fails; never by the
 * sandboxed daemons, which cannot run gpg or reach the network.
 *
 *   notify run   --instance DIR                 digests, then alerts
 *   notify alert --instance DIR --unit NAME     a unit failed: alert now
 *   notify set   --instance DIR NAME --address ADDR --key FILE
 *   notify clear --instance DIR NAME
 *   notify msmtp-config --instance DIR          the msmtp settings used
 *
 * The [notify] settings come from /etc/sealdrop/notify.conf when it exists
 * (a file the instance's user must not be able to change), else from
 * sealdrop.conf, where a password is refused: the journalist daemon's
 * account can write sealdrop.conf (docs/decisions.md, review of issue 17).
 *
 * Everything is done in a step as the instance's owner (admin_priv.h). Each
 * mail is built in a private directory under $TMPDIR (or /tmp): a throwaway
 * GNUPGHOME per key (gpg --batch --no-autostart, trust model "always"), the
 * armored ciphertext and an msmtp configuration that sends
 * through tor's SOCKS port with a neutral EHLO name ("localhost"), so the
 * mail carries neither the server's address nor its host name; the
 * directory is removed when the run ends. The plaintext never goes there:
 * gpg reads it from memory (memfd), as an unlinked file on a disk-backed
 * /tmp would stay in the disk's free blocks. A run also alerts when the
 * spool's disk is nearly full, `sealdrop-admin check` FAILs or a daemon
 * restarted since the last run (systemd's NRestarts). A digest's plaintext is padded
 * to DIGEST_BYTES and compression is off, so its ciphertext is the same
 * size whatever it says. A key that does not import as exactly one key
 * able to encrypt is refused and reported to the operator. An alert that
 * cannot be sent (tor or the mail server down) is printed on stderr (the
 * journal) and kept in the database to go out with the next one that can.
 */
#include "admin.h"
#include "admin_ops.h"
#include "conf.h"
#include "db.h"
#include "db_notify.h"
#include "sderr.h"
#include "sdtree.h"
#include "sdio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include <sodium.h>

#define NOTIFY_GPG "/usr/bin/gpg"
#define NOTIFY_MSMTP "/usr/bin/msmtp"
#define NOTIFY_SYSTEMCTL "/usr/bin/systemctl"
/* The mail route root keeps (load_conf). */
#define NOTIFY_CONF "/etc/sealdrop/notify.conf"
/* The longest gpg or msmtp may run (SIGALRM, kept across execve). */
#define NOTIFY_CHILD_SECONDS 180
/* Every digest's plaintext is exactly this long. */
#define DIGEST_BYTES 1024
/* What an alert mail and the pending alerts may hold. */
#define ALERT_MAX 3072
#define PENDING_KEY "notify_pending"
#define LAST_KEY "notify_last_hour"
#define CHILD_OUT_MAX 65536
#define UNIT_MAX 128

struct nctx {
	const char *sub;
	const char *name, *addr, *unit;
	char *key; /* notify set: the key file's text */
	struct conf cf;
	char route[PATH_MAX]; /* the root-owned file [notify] came from, or "" */
	char tmp[PATH_MAX];   /* the private directory of this run */
	unsigned seq;         /* names inside it */
	char alerts[ALERT_MAX];
	int alerts_cut;
	int failed;
};

/* ---- small helpers ------------------------------------------------------ */

static void alert_add(struct nctx *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
alert_add(struct nctx *n, const char *fmt, ...)
{
	size_t used = strlen(n->alerts);
	va_list ap;
	int k;

	if (n->alerts_cut)
		return;
	va_start(ap, fmt);
	k = vsnprintf(n->alerts + used, sizeof n->alerts - used, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k + 1 >= sizeof n->alerts - used) {
		n->alerts[used] = '\0';
		(void)snprintf(
		    n->alerts + used, sizeof n->alerts - used, "(more alerts left out)\n");
		n->alerts_cut = 1;
		return;
	}
	(void)snprintf(n->alerts + used + (size_t)k, sizeof n->alerts - used - (size_t)k, "\n");
}

/* tmp/name<seq> into out. */
static void
tmp_name(struct nctx *n, const char *name, char out[PATH_MAX])
{
	if (snprintf(out, PATH_MAX, "%s/%s%u", n->tmp, name, n->seq) >= PATH_MAX)
		admin_die("the temporary directory's path is too long");
}

static void
tmp_remove(struct nctx *n)
{
	if (n->tmp[0] != '\0')
		/* On the way out, best effort: what stays is in the unit's
		 * private /tmp, which systemd removes with the unit. */
		sd_ignore(sd_rmtree_at(AT_FDCWD, n->tmp, SD_TREE_DEPTH_MAX));
	n->tmp[0] = '\0';
}

static void
tmp_make(struct nctx *n)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || base[0] != '/')
		base = "/tmp";
	if (snprintf(n->tmp, sizeof n->tmp, "%s/sealdrop-notify.XXXXXX", base) >=
	    (int)sizeof n->tmp)
		admin_die("TMPDIR is too long");
	if (mkdtemp(n->tmp) == NULL)
		admin_die("cannot make a private directory in %s: %s", base, strerror(errno));
}

/* Write text to a new file path (0600). */
static int
put_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), e;

	if (fd < 0)
		return SD_ERR_IO;
	e = sd_write_full(fd, text, len);
	if (close(fd) != 0 && e == 0)
		e = SD_ERR_IO;
	return e;
}

/* Run prog with argv, stdin from infd when >= 0 (read from its start),
 * else from the file in (or /dev/null), stdout into out
 * (at most outmax - 1 bytes, NUL-terminated; NULL: discarded) and the
 * first line of stderr into err. The child gets a clean environment and no
 * descriptor of ours. Its exit status, or -1 when it could not run or was
 * killed. */
static int
run_prog(struct nctx *n, const char *prog, const char *const argv[], int infd, const char *in,
    char *out, size_t outmax, char *err, size_t errmax)
{
	char opath[PATH_MAX], epath[PATH_MAX], home[PATH_MAX + 8];
	char env_path[] = "PATH=/usr/bin:/bin", env_lc[] = "LC_ALL=C";
	char *envp[] = { env_path, env_lc, home, NULL };
	int status = 0, st = -1;
	pid_t pid;

	n->seq++;
	tmp_name(n, "out", opath);
	tmp_name(n, "err", epath);
	(void)snprintf(home, sizeof home, "HOME=%s", n->tmp);
	if (err != NULL && errmax > 0)
		err[0] = '\0';
	(void)fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int ifd = infd >= 0 ? (lseek(infd, 0, SEEK_SET) == 0 ? infd : -1)
				    : open(in ? in : "/dev/null", O_RDONLY | O_NOFOLLOW);
		int ofd = open(opath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
		int efd = open(epath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);

		if (ifd < 0 || ofd < 0 || efd < 0 || dup2(ifd, 0) < 0 || dup2(ofd, 1) < 0 ||
		    dup2(efd, 2) < 0)
			_exit(127);
		char *av[32];
		size_t k = 0;

		for (; argv[k] != NULL && k < 31; k++)
			if ((av[k] = strdup(argv[k])) == NULL)
				_exit(127);
		av[k] = NULL;
		for (int fd = 3; fd < 1024; fd++)
			(void)close(fd);
		/* Never outlives this process; never runs past its time. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
			_exit(127);
		(void)signal(SIGALRM, SIG_DFL);
		alarm(NOTIFY_CHILD_SECONDS);
		execve(prog, av, envp);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		st = WEXITSTATUS(status);
	if (out != NULL) {
		unsigned char *buf = NULL;
		size_t len = 0;

		out[0] = '\0';
		if (sd_read_small_file(opath, outmax - 1, &buf, &len) == 0) {
			memcpy(out, buf, len + 1);
			free(buf);
		}
	}
	if (err != NULL && errmax > 0) {
		int fd = open(epath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		size_t got = 0;

		if (fd >= 0) {
			if (sd_read_full(fd, err, errmax - 1, &got) != 0)
				got = 0; /* no reason to give: err stays empty */
			close(fd);
		}
		err[got] = '\0';
		err[strcspn(err, "\n")] = '\0';
	}
	(void)unlink(opath);
	(void)unlink(epath);
	return st == 127 ? -1 : st;
}

/* ---- configuration ------------------------------------------------------ */

/* 1 when path (st its lstat) is writable by this process: its mode bits
 * (for its owner, one of our groups, or everyone), which a read-only mount
 * such as the unit's ProtectSystem=strict does not hide, or access(2)
 * (ACLs). */
static int
writable_by_us(const char *path, const struct stat *st)
{
	gid_t gs[256];
	int k;

	if (st->st_uid == geteuid() || (st->st_mode & S_IWOTH) ||
	    faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0)
		return 1;
	if (!(st->st_mode & S_IWGRP))
		return 0;
	if (st->st_gid == getegid())
		return 1;
	if ((k = getgroups((int)(sizeof gs / sizeof gs[0]), gs)) < 0)
		return 1; /* cannot tell: count it as writable */
	for (int i = 0; i < k; i++)
		if (gs[i] == st->st_gid)
			return 1;
	return 0;
}

/* 1 when this process (the instance's user) could change the file real
 * (a resolved path): own it (chmod) or write it, or own or write a
 * directory on its way (rename something else in). A sticky directory
 * (/tmp) others own is fine: only an entry's owner renames it there. */
static int
user_can_change(const char *real)
{
	char p[PATH_MAX];
	struct stat st;
	char *slash;

	if (geteuid() == 0)
		return 0; /* an instance of root's: no other user to guard against */
	if (snprintf(p, sizeof p, "%s", real) >= (int)sizeof p || p[0] != '/')
		return 1;
	if (lstat(p, &st) != 0 || writable_by_us(p, &st))
		return 1;
	while ((slash = strrchr(p, '/')) != NULL) {
		slash[slash == p] = '\0'; /* "/a/b" to "/a", "/a" to "/" */
		if (lstat(p, &st) != 0 || st.st_uid == geteuid() ||
		    (writable_by_us(p, &st) && !(st.st_mode & S_ISVTX)))
			return 1;
		if (strcmp(p, "/") == 0)
			break;
	}
	return 0;
}

/* In the step: sealdrop.conf of the instance (a plain file of the owner,
 * parsed through its descriptor); then, when it exists, the [notify]
 * section of NOTIFY_CONF (SEALDROP_NOTIFY_CONF for the tests), which the
 * instance's user must not be able to change, replaces the instance's:
 * sealdrop.conf is writable by the journalist daemon's account, so the mail
 * route that carries the SMTP password is taken from there only. */
static void
load_conf(struct nctx *n)
{
	char err[CONF_ERR_MAX], why[ADMINPRIV_ERR_MAX], self[64], real[PATH_MAX];
	const char *route = getenv("SEALDROP_NOTIFY_CONF");
	struct conf *cf = &n->cf, r;
	int fd, e;

	conf_defaults(cf);
	if (adminpriv_file(AT_FDCWD, "sealdrop.conf", 0, geteuid(), &fd, why) != 0)
		admin_die("%s", why[0] ? why : "sealdrop.conf is missing");
	(void)snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	e = conf_load(self, cf, err);
	close(fd);
	if (e != 0)
		admin_die("sealdrop.conf: %s", err);
	n->route[0] = '\0';
	if (route == NULL || route[0] == '\0')
		route = NOTIFY_CONF;
	if (realpath(route, real) == NULL) {
		if (errno == ENOENT)
			return;
		admin_die("%s: %s", route, strerror(errno));
	}
	if (user_can_change(real))
		admin_die("%s: the instance's user can change it (its owner, or able to write it "
			  "or a directory on its way): it must be root's, mode 0644 or 0640, in "
			  "root's directories",
		    real);
	conf_defaults(&r);
	if (conf_load(real, &r, err) != 0)
		admin_die("%s: %s", real, err);
	(void)snprintf(cf->notify_from, sizeof cf->notify_from, "%s", r.notify_from);
	(void)snprintf(cf->notify_smtp_host, sizeof cf->notify_smtp_host, "%s", r.notify_smtp_host);
	cf->notify_smtp_port = r.notify_smtp_port;
	(void)snprintf(cf->notify_tls, sizeof cf->notify_tls, "%s", r.notify_tls);
	(void)snprintf(cf->notify_smtp_user, sizeof cf->notify_smtp_user, "%s", r.notify_smtp_user);
	(void)snprintf(cf->notify_password_file, sizeof cf->notify_password_file, "%s",
	    r.notify_password_file);
	(void)snprintf(cf->notify_socks, sizeof cf->notify_socks, "%s", r.notify_socks);
	(void)snprintf(cf->notify_operator, sizeof cf->notify_operator, "%s", r.notify_operator);
	(void)snprintf(
	    cf->notify_operator_key, sizeof cf->notify_operator_key, "%s", r.notify_operator_key);
	cf->notify_disk_percent = r.notify_disk_percent;
	(void)snprintf(n->route, sizeof n->route, "%s", real);
}

/* A value msmtp reads as one word: printable ASCII, no space, quote,
 * backslash or '#'. */
static int
msmtp_word(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || strchr("\"\\#", *s))
			return 0;
	return 1;
}

/* socks = "host:port" split, or *off = 1 for "off". */
static void
socks_parse(const struct conf *cf, char host[CONF_NOTIFY_MAX], char port[8], int *off)
{
	const char *colon = strrchr(cf->notify_socks, ':');
	char *end = NULL;
	long p;

	*off = strcmp(cf->notify_socks, "off") == 0;
	if (*off)
		return;
	if (colon == NULL || colon == cf->notify_socks)
		admin_die(
		    "sealdrop.conf: [notify] socks must be HOST:PORT (tor's SocksPort) or off");
	p = strtol(colon + 1, &end, 10);
	if (*end != '\0' || p < 1 || p > 65535 ||
	    (size_t)(colon - cf->notify_socks) >= CONF_NOTIFY_MAX)
		admin_die(
		    "sealdrop.conf: [notify] socks must be HOST:PORT (tor's SocksPort) or off");
	memcpy(host, cf->notify_socks, (size_t)(colon - cf->notify_socks));
	host[colon - cf->notify_socks] = '\0';
	if (!msmtp_word(host))
		admin_die("sealdrop.conf: [notify] socks: not a host name or address");
	(void)snprintf(port, 8, "%ld", p);
}

/* The msmtp configuration into out (a password is written only when
 * with_password; else a note says where it comes from). Dies on a bad
 * setting, naming it. */
static void
msmtp_config(const struct nctx *nc, int with_password, char *out, size_t outsz)
{
	const struct conf *cf = &nc->cf;
	char host[CONF_NOTIFY_MAX], port[8], pw[2 * SD_PASSPHRASE_MAX + 3] = "";
	const char *tls = cf->notify_tls;
	int off, n;

	if (dbn_check_addr(cf->notify_from) != 0)
		admin_die("sealdrop.conf: [notify] from is not an e-mail address");
	if (!msmtp_word(cf->notify_smtp_host))
		admin_die("sealdrop.conf: [notify] smtp_host is not a host name");
	if (cf->notify_smtp_user[0] != '\0' && !msmtp_word(cf->notify_smtp_user))
		admin_die(
		    "sealdrop.conf: [notify] smtp_user has a space, quote, '#' or control character");
	if (cf->notify_password_file[0] != '\0' && nc->route[0] == '\0')
		admin_die(
		    "[notify] smtp_password_file is taken only from " NOTIFY_CONF " (a file "
		    "the instance's user cannot change), never from sealdrop.conf: the journalist "
		    "daemon's account can write sealdrop.conf, and could send the password to a "
		    "server of its choice (docs/notifications.md)");
	socks_parse(cf, host, port, &off);
	{
		size_t hl = strlen(cf->notify_smtp_host), ol = sizeof ".onion" - 1;
		int onion = hl > ol && strcmp(cf->notify_smtp_host + hl - ol, ".onion") == 0;

		/* Through Tor to a host on the Internet, the last hop is a Tor exit:
		 * without TLS it reads the password, the addresses of the
		 * envelope and the headers (an onion service is end to end). */
		if (strcmp(tls, "off") == 0 && !off && !onion)
			admin_die("sealdrop.conf: [notify] tls = off would send the SMTP password "
				  "and the journalists' addresses in clear through a Tor exit: use "
				  "starttls or smtps (off only for an .onion mail server)");
	}
	if (cf->notify_smtp_user[0] != '\0' && cf->notify_password_file[0] != '\0' &&
	    with_password) {
		struct sd_secret s = { 0 };
		size_t k = 0;
		int e = sd_secret_from_file(cf->notify_password_file, &s);

		if (e != 0)
			admin_die("[notify] smtp_password_file: %s", sd_strerror(e));
		/* Quoted: msmtp reads \\ and \" inside quotes. */
		pw[k++] = '"';
		for (size_t i = 0; i < s.len; i++) {
			if ((unsigned char)s.buf[i] < 0x20 || s.buf[i] == 0x7f) {
				sd_secret_free(&s);
				sodium_memzero(pw, sizeof pw);
				admin_die(
				    "[notify] smtp_password_file: a control character in the password");
			}
			if (s.buf[i] == '"' || s.buf[i] == '\\')
				pw[k++] = '\\';
			pw[k++] = s.buf[i];
		}
		pw[k++] = '"';
		pw[k] = '\0';
		sd_secret_free(&s);
	} else if (cf->notify_smtp_user[0] != '\0') {
		(void)snprintf(pw, sizeof pw, "%s",
		    cf->notify_password_file[0] ? "# password (from smtp_password_file)"
						: "# no smtp_password_file: no password");
	}
	n = snprintf(out, outsz,
	    "defaults\nsyslog off\nlogfile\ntimeout 60\n"
	    "account notify\nhost %s\nport %u\nfrom %s\n"
	    "# the EHLO name: never this server's\ndomain localhost\n"
	    "tls %s\ntls_starttls %s\ntls_trust_file system\n"
	    "auth %s\n%s%s%s%s%s%s"
	    "%s%s%s%s%s"
	    "set_from_header off\nset_date_header off\nset_msgid_header off\n"
	    "undisclosed_recipients off\naccount default : notify\n",
	    cf->notify_smtp_host, cf->notify_smtp_port, cf->notify_from,
	    strcmp(tls, "off") == 0 ? "off" : "on", strcmp(tls, "starttls") == 0 ? "on" : "off",
	    cf->notify_smtp_user[0] ? "on" : "off", cf->notify_smtp_user[0] ? "user " : "",
	    cf->notify_smtp_user, cf->notify_smtp_user[0] ? "\n" : "",
	    pw[0] == '"' ? "password " : "", pw, pw[0] ? "\n" : "",
	    off ? "# socks = off: mail goes out WITHOUT Tor and reveals this server's address\n"
		: "# through tor's SocksPort\nproxy_host ",
	    off ? "" : host, off ? "" : "\nproxy_port ", off ? "" : port, off ? "" : "\n");
	sodium_memzero(pw, sizeof pw);
	if (n < 0 || (size_t)n >= outsz)
		admin_die("sealdrop.conf: [notify]: the msmtp configuration is too long");
}

/* ---- gpg and msmtp ------------------------------------------------------ */

/* Import key into a new GNUPGHOME (home, out) and find its one
 * encryption-capable key: 0 with fpr set, or an error with why filled. */
static int
key_prepare(
    struct nctx *n, const char *key, char home[PATH_MAX], char fpr[64], char *why, size_t whysz)
{
	char kpath[PATH_MAX], err[256], *out = NULL, *line, *save = NULL;
	int pubs = 0, usable = 0, st, e = SD_ERR_FORMAT;

	if (dbn_check_key(key, strlen(key)) != 0) {
		(void)snprintf(why, whysz, "not an armored OpenPGP public key block");
		return SD_ERR_FORMAT;
	}
	n->seq++;
	tmp_name(n, "gnupg", home);
	tmp_name(n, "key", kpath);
	if (mkdir(home, 0700) != 0 || put_file(kpath, key, strlen(key)) != 0) {
		(void)snprintf(
		    why, whysz, "cannot write in the temporary directory: %s", strerror(errno));
		return SD_ERR_IO;
	}
	{
		const char *const imp[] = { "gpg", "--batch", "--no-tty", "--no-autostart",
			"--homedir", home, "--import", kpath, NULL };
		st = run_prog(n, NOTIFY_GPG, imp, -1, NULL, NULL, 0, err, sizeof err);
		if (st != 0) {
			(void)snprintf(
			    why, whysz, "gpg cannot import it (%s)", err[0] ? err : "no message");
			return SD_ERR_FORMAT;
		}
	}
	if ((out = malloc(CHILD_OUT_MAX)) == NULL)
		return SD_ERR_NOMEM;
	{
		const char *const ls[] = { "gpg", "--batch", "--no-tty", "--no-autostart",
			"--homedir", home, "--with-colons", "--fixed-list-mode", "--list-keys",
			NULL };
		st = run_prog(n, NOTIFY_GPG, ls, -1, NULL, out, CHILD_OUT_MAX, err, sizeof err);
	}
	if (st != 0) {
		(void)snprintf(why, whysz, "gpg cannot list it (%s)", err[0] ? err : "no message");
		goto out;
	}
	fpr[0] = '\0';
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *f[13] = { 0 }, *p = line;
		size_t k = 0;

		while (k < 13 && p != NULL) {
			f[k++] = p;
			if ((p = strchr(p, ':')) != NULL)
				*p++ = '\0';
		}
		if (strcmp(f[0], "pub") == 0) {
			pubs++;
			/* Validity: r revoked, e expired, i invalid; capability
			 * 'E' (upper case): the key as a whole can encrypt. */
			usable = k >= 12 &&
			    strchr("rei", f[1][0] == '\0' ? 'x' : f[1][0]) == NULL &&
			    strchr(f[11], 'E') != NULL;
		} else if (strcmp(f[0], "fpr") == 0 && pubs == 1 && fpr[0] == '\0' && k >= 10 &&
		    strlen(f[9]) < 64) {
			(void)snprintf(fpr, 64, "%s", f[9]);
		}
	}
	if (pubs != 1)
		(void)snprintf(why, whysz, "it holds %d keys, not one", pubs);
	else if (!usable)
		(void)snprintf(why, whysz,
		    "it cannot encrypt (no valid encryption subkey: "
		    "expired, revoked or signing only)");
	else if (fpr[0] == '\0')
		(void)snprintf(why, whysz, "gpg shows no fingerprint for it");
	else
		e = 0;
out:
	free(out);
	return e;
}

/* Encrypt plain (len bytes) to the key of home/fpr into *armor (malloc'd). */
static int
encrypt_to(struct nctx *n, const char *home, const char *fpr, const char *plain, size_t len,
    char **armor, char *why, size_t whysz)
{
	char cpath[PATH_MAX], err[256];
	unsigned char *buf = NULL;
	size_t got = 0;
	int st, pfd;

	n->seq++;
	tmp_name(n, "cipher", cpath);
	/* The text goes to gpg from memory, never through a file: one
	 * unlinked from a disk-backed /tmp stays in its free blocks. */
	if ((pfd = memfd_create("sealdrop-notice", MFD_CLOEXEC)) < 0 ||
	    sd_write_full(pfd, plain, len) != 0) {
		(void)snprintf(why, whysz, "cannot hand the text to gpg: %s", strerror(errno));
		if (pfd >= 0)
			close(pfd);
		return SD_ERR_IO;
	}
	{
		/* No compression: the size then follows the padded plaintext's,
		 * never what it says. No key id in the message. */
		const char *const enc[] = { "gpg", "--batch", "--no-tty", "--no-autostart",
			"--homedir", home, "--trust-model", "always", "--armor",
			"--no-emit-version", "--no-comments", "--compress-algo", "none",
			"--throw-keyids", "--set-filename", "notice.txt", "--recipient", fpr,
			"--output", cpath, "--encrypt", NULL };
		st = run_prog(n, NOTIFY_GPG, enc, pfd, NULL, NULL, 0, err, sizeof err);
	}
	close(pfd);
	if (st != 0) {
		(void)snprintf(
		    why, whysz, "gpg cannot encrypt to it (%s)", err[0] ? err : "no message");
		return SD_ERR_CRYPTO;
	}
	if (sd_read_small_file(cpath, CHILD_OUT_MAX, &buf, &got) != 0) {
		(void)snprintf(why, whysz, "gpg wrote no readable message");
		return SD_ERR_IO;
	}
	(void)unlink(cpath);
	*armor = (char *)buf;
	return 0;
}

/* Send one mail (headers built here, the armored body) with msmtp. 0, or
 * SD_ERR_IO with why filled. */
static int
send_mail(
    struct nctx *n, const char *to, const char *subject, const char *armor, char *why, size_t whysz)
{
	char rc[PATH_MAX], mpath[PATH_MAX], date[64], id[33], err[256];
	char cfgtext[4096 + 2 * SD_PASSPHRASE_MAX];
	unsigned char rnd[16];
	size_t hl, bl = strlen(armor);
	char *mail = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int st, e = SD_ERR_IO;

	n->seq++;
	tmp_name(n, "msmtprc", rc);
	tmp_name(n, "mail", mpath);
	msmtp_config(n, 1, cfgtext, sizeof cfgtext);
	st = put_file(rc, cfgtext, strlen(cfgtext));
	sodium_memzero(cfgtext, sizeof cfgtext);
	if (st != 0) {
		(void)snprintf(why, whysz, "cannot write in the temporary directory");
		goto out;
	}
	/* Fixed-width Date in UTC and a random Message-ID on a neutral name:
	 * msmtp adds neither (set_*_header off), so nothing names the host. */
	(void)gmtime_r(&now, &tm);
	(void)strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
	hl = strlen(n->cf.notify_from) + strlen(to) + strlen(subject) + 256;
	if ((mail = malloc(hl + bl + 1)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	st = snprintf(mail, hl + bl + 1,
	    "From: %s\nTo: %s\nSubject: %s\nDate: %s\n"
	    "Message-ID: <%s@localhost>\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n%s",
	    n->cf.notify_from, to, subject, date, id, armor);
	if (st < 0 || (size_t)st > hl + bl || put_file(mpath, mail, (size_t)st) != 0) {
		(void)snprintf(why, whysz, "cannot write the mail in the temporary directory");
		goto out;
	}
	{
		const char *const snd[] = { "msmtp", "-C", rc, "-a", "notify", "--", to, NULL };
		st = run_prog(n, NOTIFY_MSMTP, snd, -1, mpath, NULL, 0, err, sizeof err);
	}
	if (st != 0) {
		(void)snprintf(why, whysz, "msmtp could not send it (%s%s)",
		    st < 0 ? "msmtp did not run or was stopped" : "exit status ",
		    st < 0 ? "" : (snprintf(date, sizeof date, "%d: %.40s", st, err), date));
		goto out;
	}
	e = 0;
out:
	(void)unlink(rc);
	(void)unlink(mpath);
	free(mail);
	return e;
}

/* Encrypt text to key and send it: 0, SD_ERR_FORMAT (the key is refused)
 * or another error (could not send), why filled. */
static int
seal_and_send(struct nctx *n, const char *to, const char *key, const char *subject,
    const char *text, size_t len, char *why, size_t whysz)
{
	char home[PATH_MAX], fpr[64], *armor = NULL;
	int e;

	if ((e = key_prepare(n, key, home, fpr, why, whysz)) != 0)
		return e == SD_ERR_FORMAT ? SD_ERR_FORMAT : SD_ERR_IO;
	if ((e = encrypt_to(n, home, fpr, text, len, &armor, why, whysz)) != 0)
		return SD_ERR_FORMAT;
	e = send_mail(n, to, subject, armor, why, whysz);
	free(armor);
	return e;
}

/* ---- digests and alerts ------------------------------------------------- */

/* The digest's plaintext: the same length whatever it says. */
static void
digest_text(int activity, char out[DIGEST_BYTES])
{
	int k = snprintf(out, DIGEST_BYTES,
	    "Daily notice from your SecureDrop-style drop\n\n"
	    "New submissions since the last notice: %s\n\n"
	    "This notice is sent every day at the same hour whatever happened, and is\n"
	    "always the same size. Log in to the journalist interface to read.\n",
	    activity ? "yes" : "no ");

	memset(out + k, ' ', DIGEST_BYTES - 1 - (size_t)k);
	out[DIGEST_BYTES - 1] = '\n';
}

/* Send the alerts collected (and those kept from earlier runs) to the
 * operator; keep them in the database when that fails. */
static void
alerts_flush(struct nctx *n, struct db *db)
{
	char pending[ALERT_MAX], text[2 * ALERT_MAX + 256], why[512], safe[ADMINPRIV_SAFE_MAX];
	unsigned char *key = NULL;
	size_t klen = 0;
	int e = SD_ERR_ARG;

	if (db_setting_get(db, PENDING_KEY, pending, sizeof pending) != 0)
		pending[0] = '\0';
	if (n->alerts[0] == '\0' && pending[0] == '\0')
		return;
	(void)snprintf(text, sizeof text, "%s%s%s",
	    pending[0] ? "Kept from a run that could not send:\n" : "", pending, n->alerts);
	fprintf(
	    stderr, ADMIN_PROG ": notify: alerts:\n%s", adminpriv_safe(text, safe, sizeof safe));
	if (n->cf.notify_operator[0] == '\0' || n->cf.notify_operator_key[0] == '\0') {
		fprintf(stderr,
		    ADMIN_PROG ": notify: no [notify] operator and operator_key: "
			       "alerts are only shown here\n");
		return;
	}
	if (dbn_check_addr(n->cf.notify_operator) != 0) {
		(void)snprintf(why, sizeof why, "[notify] operator is not an e-mail address");
	} else if ((e = sd_read_small_file(n->cf.notify_operator_key, DBN_KEY_MAX, &key, &klen)) !=
	    0) {
		(void)snprintf(why, sizeof why, "[notify] operator_key: %s", sd_strerror(e));
	} else {
		e = seal_and_send(n, n->cf.notify_operator, (const char *)key, "Operator notice",
		    text, strlen(text), why, sizeof why);
	}
	free(key);
	if (e == 0) {
		printf("alerts sent to the operator\n");
		if ((e = db_setting_set(db, PENDING_KEY, "")) != 0)
			fprintf(stderr,
			    ADMIN_PROG ": notify: the sent alerts could not be cleared "
				       "(%s): the next run sends them again\n",
			    sd_strerror(e));
		return;
	}
	n->failed = 1;
	fprintf(stderr, ADMIN_PROG ": notify: the alerts were not sent: %s\n",
	    adminpriv_safe(why, safe, sizeof safe));
	/* Kept, bounded, for the next run that can send (tor back). */
	{
		char hour[17], keep[ALERT_MAX];

		db_this_hour(hour);
		(void)snprintf(keep, sizeof keep,
		    "%.1400s%.1400s(%s UTC: could not send: %.200s)\n", pending, n->alerts, hour,
		    why);
		if (db_setting_set(db, PENDING_KEY, keep) != 0)
			fprintf(stderr,
			    ADMIN_PROG ": notify: cannot keep the alerts in the database\n");
	}
}

static void
check_line(void *ctx, enum adminops_level level, const char *name, const char *detail)
{
	struct nctx *n = ctx;

	if (level == ADMINOPS_FAIL)
		alert_add(n, "sealdrop-admin check: FAIL %.60s: %.300s", name, detail);
}

/* The daemons' restart counters (systemd's NRestarts) against those of
 * the last run, kept in the database: a restart since is an alert. Quiet
 * when systemd cannot be asked (no systemd, a test). */
static void
restart_alerts(struct nctx *n, struct db *db)
{
	static const char *const units[] = { "sealdrop-source.service",
		"sealdrop-journalist.service" };
	char out[64], key[64], was[32], now_s[32], *end = NULL;

	if (access(NOTIFY_SYSTEMCTL, X_OK) != 0)
		return;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		const char *const av[] = { "systemctl", "show", "--property=NRestarts", "--value",
			units[i], NULL };
		unsigned long long now, before;

		if (run_prog(n, NOTIFY_SYSTEMCTL, av, -1, NULL, out, sizeof out, NULL, 0) != 0)
			continue;
		errno = 0;
		now = strtoull(out, &end, 10);
		if (end == out || (*end != '\n' && *end != '\0') || errno != 0)
			continue;
		(void)snprintf(key, sizeof key, "notify_nrestarts_%.24s", units[i]);
		if (db_setting_get(db, key, was, sizeof was) == 0 && was[0] != '\0') {
			before = strtoull(was, NULL, 10);
			if (now > before)
				alert_add(n, "unit %s restarted %llu time(s) since the last run",
				    units[i], now - before);
		}
		(void)snprintf(now_s, sizeof now_s, "%llu", now);
		if (db_setting_set(db, key, now_s) != 0)
			fprintf(stderr,
			    ADMIN_PROG ": notify: unit %s's restart count could not "
				       "be kept: the next run may report these restarts again\n",
			    units[i]);
	}
}

/* Disk nearly full, `check` failing. */
static void
collect_alerts(struct nctx *n)
{
	struct statvfs vs;
	unsigned fails = 0;

	if (statvfs("spool", &vs) == 0 && vs.f_blocks > 0) {
		unsigned long long used =
		    100ULL - (unsigned long long)vs.f_bavail * 100ULL / vs.f_blocks;

		if (used >= n->cf.notify_disk_percent)
			alert_add(n,
			    "disk nearly full: the spool's file system is %llu%% used "
			    "(alert at [notify] disk_alert_percent = %u)",
			    used, n->cf.notify_disk_percent);
	}
	if (adminops_check(".", ".", 1, check_line, n, &fails) != 0)
		alert_add(n, "sealdrop-admin check could not run");
}

/* The private directory goes also when a step dies (admin_die exits). */
static struct nctx *g_run;

static void
run_atexit(void)
{
	if (g_run != NULL)
		tmp_remove(g_run);
}

static int
run_step(void *ctx)
{
	struct nctx *n = ctx;
	struct dbn_entry *js = NULL;
	char last[64], hour[17], plain[DIGEST_BYTES], why[512], safe[ADMINPRIV_SAFE_MAX];
	char scratch[4096];
	size_t nj = 0, sent = 0, refused = 0, failed = 0;
	int activity = 0, e;
	struct db *db;

	load_conf(n);
	if (n->cf.notify_from[0] == '\0' || n->cf.notify_smtp_host[0] == '\0') {
		/* An alert is at least in the journal. */
		if (n->sub[0] == 'a')
			fprintf(stderr,
			    ADMIN_PROG ": notify: alert: unit %s failed or is restarting\n",
			    n->unit);
		printf("notifications are off: set [notify] from and smtp_host in sealdrop.conf\n");
		return 0;
	}
	if (strcmp(n->cf.notify_socks, "off") == 0)
		fprintf(stderr,
		    ADMIN_PROG ": notify: WARNING: [notify] socks = off: mail goes out "
			       "without Tor and reveals this server's address\n");
	/* A bad [notify] setting stops the run here, before anything is
	 * written (the password is not read yet). */
	msmtp_config(n, 0, scratch, sizeof scratch);
	if (access(NOTIFY_GPG, X_OK) != 0 || access(NOTIFY_MSMTP, X_OK) != 0)
		admin_die(
		    "notifications are configured but %s is missing (apt install gnupg msmtp)",
		    access(NOTIFY_GPG, X_OK) != 0 ? NOTIFY_GPG : NOTIFY_MSMTP);
	db = admin_open_db();
	g_run = n;
	(void)atexit(run_atexit);
	tmp_make(n);
	if (n->sub[0] == 'a') {
		alert_add(n, "unit %s failed or is restarting", n->unit);
		alerts_flush(n, db);
		goto out;
	}
	db_this_hour(hour);
	if (db_setting_get(db, LAST_KEY, last, sizeof last) != 0 || strlen(last) != 16) {
		/* No digest yet: the last day. */
		time_t t = time(NULL) - 24 * 3600;
		struct tm tm;

		(void)gmtime_r(&t, &tm);
		(void)strftime(last, sizeof last, "%Y-%m-%d %H:00", &tm);
	}
	if ((e = dbn_activity_since(db, last, &activity)) != 0)
		admin_die("cannot read the activity: %s", sd_strerror(e));
	digest_text(activity, plain);
	if ((js = calloc(ADMIN_JOURNALISTS_MAX, sizeof *js)) == NULL)
		admin_die("out of memory");
	if ((e = dbn_list(db, js, ADMIN_JOURNALISTS_MAX, &nj)) != 0)
		admin_die("cannot list the journalists who opted in: %s", sd_strerror(e));
	for (size_t i = 0; i < nj; i++) {
		/* The database is writable by the daemons: checked again here. */
		if (dbn_check_addr(js[i].addr) != 0) {
			e = SD_ERR_FORMAT;
			(void)snprintf(why, sizeof why, "the address is not an e-mail address");
		} else {
			e = seal_and_send(n, js[i].addr, js[i].key, "Daily notice", plain,
			    sizeof plain, why, sizeof why);
		}
		if (e == 0) {
			sent++;
			continue;
		}
		if (e == SD_ERR_FORMAT) {
			refused++;
			alert_add(n,
			    "the notification key or address of journalist %s is refused: "
			    "%.300s",
			    js[i].name, why);
		} else {
			failed++;
		}
		fprintf(stderr, ADMIN_PROG ": notify: no digest for journalist %s: ",
		    adminpriv_safe(js[i].name, safe, 256));
		fprintf(stderr, "%s\n", adminpriv_safe(why, safe, sizeof safe));
	}
	sodium_memzero(plain, sizeof plain);
	dbn_free(js, nj);
	free(js);
	if (failed > 0)
		alert_add(n,
		    "%zu digest(s) could not be sent (tor or the mail server unreachable?)",
		    failed);
	else if (db_setting_set(db, LAST_KEY, hour) != 0)
		fprintf(stderr, ADMIN_PROG ": notify: cannot record this digest's hour\n");
	printf("digests: %zu sent, %zu refused key(s), %zu not sent\n", sent, refused, failed);
	collect_alerts(n);
	restart_alerts(n, db);
	alerts_flush(n, db);
	if (refused > 0 || failed > 0)
		n->failed = 1;
out:
	tmp_remove(n);
	db_close(db);
	return n->failed ? 1 : 0;
}

/* ---- set, clear, msmtp-config ------------------------------------------- */

static int
set_step(void *ctx)
{
	struct nctx *n = ctx;
	struct db *db = admin_open_db();
	struct db_journalist j;
	int64_t jid;
	int e;

	if (db_journalist_get(db, n->name, &j) != 0)
		admin_die("no journalist named %s", n->name);
	jid = j.id;
	sodium_memzero(&j, sizeof j); /* the passphrase hash and TOTP secret */
	e = dbn_set(db, jid, n->addr ? n->addr : "", n->key ? n->key : "");
	if (e == SD_ERR_FORMAT || e == SD_ERR_TOOLONG)
		admin_die("%s",
		    n->key && dbn_check_key(n->key, strlen(n->key)) != 0
			? "the key must be one armored OpenPGP public key block of at most 32 KiB"
			: "not an e-mail address (at most 254 characters)");
	if (e != 0)
		admin_die("cannot save: %s", sd_strerror(e));
	if ((e = db_audit_add(
		 db, "(admin)", n->key ? "notifications set" : "notifications off", n->name)) != 0)
		fprintf(stderr,
		    ADMIN_PROG ": notify: saved, but the audit log could not record "
			       "it: %s\n",
		    sd_strerror(e));
	db_close(db);
	printf("%s\n",
	    n->key ? "notifications on: the key is checked by the next "
		     "`sealdrop-admin notify run`"
		   : "notifications off: address and key removed");
	return 0;
}

static int
config_step(void *ctx)
{
	struct nctx *n = ctx;
	char text[4096];

	load_conf(n);
	if (n->cf.notify_from[0] == '\0' || n->cf.notify_smtp_host[0] == '\0')
		admin_die(
		    "notifications are off: set [notify] from and smtp_host in sealdrop.conf");
	msmtp_config(n, 0, text, sizeof text);
	printf(
	    "# [notify] from %s\n", n->route[0] ? n->route : "sealdrop.conf (no " NOTIFY_CONF ")");
	fputs(text, stdout);
	return 0;
}

int
adminn_main(const struct admin_args *a)
{
	static struct nctx n;
	const char *inst = a->instance, *keyfile = a->key, *sub = a->sub;
	size_t klen = 0;
	int rc;

	/* The table (sealdrop-admin.c) took exactly each subcommand's options. */
	n.addr = a->address;
	n.unit = a->unit;
	n.sub = sub;
	if (strcmp(sub, "run") == 0) {
		admin_enter(inst);
		return admin_step(run_step, &n);
	}
	if (strcmp(sub, "alert") == 0) {
		size_t ul = strlen(n.unit);

		if (ul == 0 || ul > UNIT_MAX ||
		    strspn(n.unit,
			"abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@:") != ul)
			admin_die(
			    "--unit: a systemd unit name (letters, digits, -_.@:, at most %d)",
			    UNIT_MAX);
		admin_enter(inst);
		return admin_step(run_step, &n);
	}
	if (strcmp(sub, "msmtp-config") == 0) {
		admin_enter(inst);
		return admin_step(config_step, &n);
	}
	if (strcmp(sub, "set") == 0 || strcmp(sub, "clear") == 0) {
		n.name = a->pos[0];
		if (keyfile != NULL) {
			unsigned char *buf = NULL;
			int e;

			/* Read here, as the caller; checked for shape in the step. */
			if ((e = sd_read_small_file(keyfile, DBN_KEY_MAX, &buf, &klen)) != 0)
				admin_die("%s: %s", keyfile,
				    e == SD_ERR_TOOLONG
					? "longer than 32 KiB: not a public key sealdrop takes"
					: sd_strerror(e));
			n.key = (char *)buf;
			if (strlen(n.key) != klen || dbn_check_key(n.key, klen) != 0)
				admin_die("%s: not one armored OpenPGP public key block "
					  "(gpg --armor --export ADDRESS)",
				    keyfile);
			if (dbn_check_addr(n.addr) != 0)
				admin_die(
				    "--address: not an e-mail address (at most 254 characters)");
		}
		admin_enter(inst);
		rc = admin_step(set_step, &n);
		free(n.key);
		return rc;
	}
	return admin_usage("notify");
}
