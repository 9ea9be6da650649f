/*
 * admin_setup.c - `sealdrop-admin setup`: a freshly installed
 * sealdrop-server package into a running drop, as root, in one command.
 *
 *   sealdrop-admin setup --recipient FILE.pub|sdpk1_... [--recipient ...]
 *       [--instance DIR] [--name NAME] [--admin NAME] [--torrc FILE]
 *       [--no-start]
 *
 * The steps, each said on stdout as it is done; the first that fails stops
 * setup with one line saying which, and what was done before it stays:
 *   1. the instance: `init` (a child running this same program) when DIR
 *      does not exist or is empty; an existing instance is never touched
 *      (its data, configuration and keys stay as they are);
 *   2. ownership: a root-owned instance (just made, or left by an
 *      interrupted setup) is given to the units' user: DIR
 *      sealdrop:debian-tor 2710, its contents sealdrop, tor/ debian-tor
 *      (docs/operator-guide.md "Layout"); no symbolic link is followed;
 *      an instance owned by anyone else is refused;
 *   3. the first administrator (`journalist add --admin`, which prints the
 *      passphrase, TOTP secret and QR code and the Tor client-auth line
 *      once) when the instance has no journalist yet;
 *   4. `tor-check`, then tor's configuration: one `%include` line for the
 *      instance's torrc in /etc/tor/torrc (--torrc), one `include if exists`
 *      line for the packaged AppArmor rules in
 *      /etc/apparmor.d/local/system_tor (not with --no-start), each added
 *      only when absent, by writing a new file and renaming it; tor's
 *      profile reloaded when the kernel has AppArmor;
 *   5. unless --no-start: systemd reloaded, both units enabled and started,
 *      tor enabled and restarted (only when its configuration changed or it
 *      was not running), their states checked;
 *   6. the addresses and what to do next.
 * Run again, it finds each step done and says so: it never makes a second
 * instance, administrator or line.
 */
#include "admin.h"
#include "admin_tor.h"
#include "sderr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef SD_SETUP_INSTANCE
#define SD_SETUP_INSTANCE "/var/lib/sealdrop"
#endif
#ifndef SD_SETUP_APPARMOR
#define SD_SETUP_APPARMOR "/usr/share/sealdrop/apparmor/system_tor.sealdrop"
#endif
#define SETUP_USER ADMIN_SETUP_USER
#define SETUP_TOR_USER "debian-tor"
#define SETUP_TORRC "/etc/tor/torrc"
#define SETUP_AA_LOCAL "/etc/apparmor.d/local/system_tor"
#define SETUP_AA_PROFILE "/etc/apparmor.d/system_tor"
#define SETUP_AA_ENABLED "/sys/module/apparmor/parameters/enabled"
#define SETUP_SYSTEMCTL "/bin/systemctl"
#define SETUP_APPARMOR_PARSER "/sbin/apparmor_parser"
#define SETUP_RECIPIENTS_MAX 31
#define SETUP_ARGV_MAX (16 + 2 * SETUP_RECIPIENTS_MAX)
#define SETUP_CONF_MAX (256 * 1024) /* a torrc or AppArmor file we edit */
#define SETUP_DEPTH_MAX 8           /* the instance's deepest path is 4 */
#define SETUP_TOR_WAIT_S 60         /* for tor@default to be active */
#define SETUP_UNITS "sealdrop-source.service", "sealdrop-journalist.service"

struct setup {
	const char *instance, *name, *admin, *torrc;
	const char *recipients[SETUP_RECIPIENTS_MAX];
	size_t nrecipients;
	int nostart;
	uid_t uid; /* sealdrop */
	gid_t gid;
	uid_t tor_uid; /* debian-tor */
	gid_t tor_gid;
};

/* Run this program (or path, when not NULL) with argv and wait: its exit
 * status, or 1 when it could not run or was killed (said on stderr). The
 * environment is a fixed minimal one: setup runs as root. */
static int
run(const char *path, const char *const argv[])
{
	static const char *const cenv[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8",
		NULL };
	char *v[SETUP_ARGV_MAX + 1], *env[3];
	size_t n = 0;
	pid_t pid;
	int st, e;

	/* posix_spawn takes char *const[]; it does not write the strings. */
	while (n < SETUP_ARGV_MAX && argv[n] != NULL)
		n++;
	if (argv[n] != NULL)
		return 1;
	memcpy(v, argv, (n + 1) * sizeof *v);
	memcpy(env, cenv, sizeof env);
	fflush(stdout);
	fflush(stderr);
	e = posix_spawn(&pid, path ? path : "/proc/self/exe", NULL, NULL, v, env);
	if (e != 0) {
		fprintf(
		    stderr, ADMIN_PROG ": cannot run %s: %s\n", path ? path : argv[0], strerror(e));
		return 1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	fprintf(stderr, ADMIN_PROG ": %s was killed by signal %d\n", argv[0], WTERMSIG(st));
	return 1;
}

static void
must_run(const char *what, const char *path, const char *const argv[])
{
	int st = run(path, argv);

	if (st != 0)
		admin_die("setup stopped: %s failed (exit status %d); the steps above were done",
		    what, st);
}

/* ---- step 1: the instance ---------------------------------------------- */

/* 0: DIR absent or an empty directory; 1: a sealdrop instance; dies
 * otherwise (a file, a link, a non-empty directory without a database). */
static int
instance_state(const char *dir)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int fd, n = 0, db = 0;

	if (lstat(dir, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		admin_die("%s: %s", dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		admin_die("%s exists and is not a directory; refusing to touch it", dir);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    (d = fdopendir(fd)) == NULL)
		admin_die("%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		n++;
		if (strcmp(de->d_name, "sealdrop.db") == 0)
			db = 1;
	}
	closedir(d);
	if (n == 0)
		return 0;
	if (!db)
		admin_die(
		    "%s exists, is not empty and holds no sealdrop.db; refusing to touch it", dir);
	return 1;
}

static void
step_init(const struct setup *s)
{
	const char *argv[SETUP_ARGV_MAX + 1];
	size_t n = 0;

	argv[n++] = ADMIN_PROG;
	argv[n++] = "init";
	argv[n++] = "--instance";
	argv[n++] = s->instance;
	argv[n++] = "--name";
	argv[n++] = s->name;
	for (size_t i = 0; i < s->nrecipients; i++) {
		argv[n++] = "--recipient";
		argv[n++] = s->recipients[i];
	}
	argv[n] = NULL;
	printf("== instance: creating %s\n", s->instance);
	must_run("creating the instance (init)", NULL, argv);
}

/* ---- step 2: ownership ------------------------------------------------- */

/* Give everything under dirfd to uid:gid, depth-bounded, without
 * following a symbolic link; tor/ at the top goes to the tor user. */
static int
chown_tree(int dirfd, const struct setup *s, int tor, int depth)
{
	DIR *d;
	struct dirent *de;
	int fd, e = 0;

	if (depth > SETUP_DEPTH_MAX)
		return SD_ERR_RANGE;
	if ((fd = dup(dirfd)) < 0)
		return SD_ERR_IO;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return SD_ERR_IO;
	}
	while (e == 0 && (errno = 0, de = readdir(d)) != NULL) {
		struct stat st;
		int sub, istor;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		istor = tor || (depth == 0 && strcmp(de->d_name, ADMINTOR_DIR) == 0);
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			e = SD_ERR_IO;
			break;
		}
		if (fchownat(dirfd, de->d_name, istor ? s->tor_uid : s->uid,
			istor ? s->tor_gid : s->gid, AT_SYMLINK_NOFOLLOW) != 0) {
			e = SD_ERR_IO;
			break;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			e = SD_ERR_IO;
			break;
		}
		e = chown_tree(sub, s, istor, depth + 1);
		close(sub);
	}
	if (e == 0 && errno != 0)
		e = SD_ERR_IO;
	closedir(d);
	return e;
}

static void
step_owner(const struct setup *s)
{
	struct stat st;
	int fd, e;

	if ((fd = open(s->instance, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0)
		admin_die("%s: %s", s->instance, strerror(errno));
	if (st.st_uid == s->uid) {
		printf("== ownership: %s belongs to " SETUP_USER " already; left as it is "
		       "(`check` reports a wrong owner or mode)\n",
		    s->instance);
		close(fd);
		return;
	}
	if (st.st_uid != 0)
		admin_die("%s belongs to uid %u, neither root nor " SETUP_USER "; refusing to "
			  "change it",
		    s->instance, (unsigned)st.st_uid);
	/* Root-owned: written by init as root, so nothing in it was planted by
	 * a less privileged user. The top directory last: until then the
	 * daemons' user cannot enter it. */
	e = chown_tree(fd, s, 0, 0);
	if (e == 0 && (fchown(fd, s->uid, s->tor_gid) != 0 || fchmod(fd, 02710) != 0))
		e = SD_ERR_IO;
	if (e != 0)
		admin_die("%s: cannot give it to " SETUP_USER " and " SETUP_TOR_USER ": %s",
		    s->instance, e == SD_ERR_IO ? strerror(errno) : sd_strerror(e));
	close(fd);
	printf("== ownership: %s is " SETUP_USER ":" SETUP_TOR_USER " 2710, its files " SETUP_USER
	       ", tor/ " SETUP_TOR_USER "\n",
	    s->instance);
}

/* ---- step 3: the first administrator ------------------------------------ */

/* As the instance's owner: exit 0 when there is no journalist, 3 when
 * there is one or more. */
static int
count_step(void *ctx)
{
	struct db_journalist *j;
	struct db *db = admin_open_db();
	size_t n = 0;
	int e;

	(void)ctx;
	if ((j = calloc(ADMIN_JOURNALISTS_MAX, sizeof *j)) == NULL)
		admin_die("out of memory");
	e = db_journalist_list(db, j, ADMIN_JOURNALISTS_MAX, &n);
	db_close(db);
	free(j);
	if (e == SD_ERR_RANGE)
		return 3;
	if (e != 0)
		admin_die("cannot list the journalists: %s", sd_strerror(e));
	return n > 0 ? 3 : 0;
}

/* 1 when an administrator was added (tor must then read its client key). */
static int
step_admin(const struct setup *s)
{
	const char *argv[] = { ADMIN_PROG, "journalist", "add", "--instance", s->instance, s->admin,
		"--admin", NULL };
	int st;

	admin_enter(s->instance);
	st = admin_step(count_step, NULL);
	if (st == 3) {
		printf("== administrator: the instance has journalists already; none added (their "
		       "credentials were shown once, when each was made: `" ADMIN_PROG
		       " journalist reset` makes new ones)\n");
		return 0;
	}
	if (st != 0)
		admin_die("setup stopped: cannot count the journalists");
	printf("== administrator: adding %s\n", s->admin);
	must_run("adding the first administrator (journalist add)", NULL, argv);
	return 1;
}

/* ---- step 4: tor's configuration ----------------------------------------- */

/* 1 if text has line as one of its lines. */
static int
has_line(const char *text, const char *line)
{
	size_t ll = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, line, ll) == 0 && (p[ll] == '\n' || p[ll] == '\0'))
			return 1;
	return 0;
}

/* Add line (with a comment above it) to path unless it has it: a new file
 * beside it with the old one's mode and owner (0644 root when there was
 * none), written, synced and renamed over it (admintor_conf_replace). 1
 * when added, 0 when it was there. Dies on errors. */
static int
add_line(const char *path, const char *comment, const char *line)
{
	char tmp[PATH_MAX], *text = NULL, *out = NULL;
	struct stat st;
	size_t len, cap;
	int e;

	e = admintor_conf_read(AT_FDCWD, path, SETUP_CONF_MAX, &text, &st);
	if (e == SD_ERR_NOTFOUND) {
		memset(&st, 0, sizeof st);
		st.st_mode = 0644;
	} else if (e == SD_ERR_FORMAT) {
		admin_die("%s: not a regular file", path);
	} else if (e == SD_ERR_TOOLONG) {
		admin_die("%s: larger than %d bytes; not edited", path, SETUP_CONF_MAX);
	} else if (e != 0) {
		admin_die("%s: %s", path, e == SD_ERR_IO ? strerror(errno) : sd_strerror(e));
	}
	if (text != NULL && has_line(text, line)) {
		free(text);
		return 0;
	}
	if (snprintf(tmp, sizeof tmp, "%s.sealdrop-setup", path) >= (int)sizeof tmp)
		admin_die("%s: path too long", path);
	len = text ? strlen(text) : 0;
	/* The old text, a line end if it lacked one, the comment, the line. */
	cap = len + strlen(comment) + strlen(line) + sizeof "\n# \n\n";
	if ((out = malloc(cap)) == NULL)
		admin_die("out of memory");
	(void)snprintf(out, cap, "%s%s# %s\n%s\n", text ? text : "",
	    len > 0 && text[len - 1] != '\n' ? "\n" : "", comment, line);
	free(text);
	e = admintor_conf_replace(AT_FDCWD, path, tmp, out, strlen(out), &st);
	free(out);
	if (e != 0)
		admin_die("%s: cannot write it: %s", path, strerror(errno));
	return 1;
}

/* 1 when tor's configuration changed. */
static int
step_tor(const struct setup *s)
{
	const char *check[] = { ADMIN_PROG, "tor-check", "--instance", s->instance, NULL };
	char line[PATH_MAX + 32], abs[PATH_MAX];
	int changed;

	printf("== tor: checking the instance's onion services with tor, off the network\n");
	must_run("the tor check (tor-check)", NULL, check);
	/* The path init wrote into the instance's torrc (its real path). */
	if (realpath(s->instance, abs) == NULL)
		admin_die("%s: %s", s->instance, strerror(errno));
	if (admintor_path_ok(abs) != 0)
		admin_die("%s: not a path tor's configuration can hold", abs);
	if (snprintf(line, sizeof line, "%%include %s/" ADMINTOR_TORRC, abs) >= (int)sizeof line)
		admin_die("%s: path too long", abs);
	changed = add_line(s->torrc, "sealdrop's two onion services (sealdrop-admin setup)", line);
	printf("== tor: %s %s\n", s->torrc,
	    changed ? "now includes the instance's torrc"
		    : "includes the instance's torrc already");

	/* AppArmor: the packaged rules, through the profile's local file. */
	if (s->nostart) {
		printf("== apparmor: --no-start: %s not edited\n", SETUP_AA_LOCAL);
		return changed;
	}
	if (access(SD_SETUP_APPARMOR, R_OK) != 0 || access(SETUP_AA_PROFILE, R_OK) != 0) {
		printf("== apparmor: %s not found; nothing to do\n",
		    access(SETUP_AA_PROFILE, R_OK) != 0 ? SETUP_AA_PROFILE : SD_SETUP_APPARMOR);
		return changed;
	}
	(void)snprintf(line, sizeof line, "include if exists \"%s\"", SD_SETUP_APPARMOR);
	if (add_line(
		SETUP_AA_LOCAL, "sealdrop: tor may use the instance's tor/ and sockets", line)) {
		changed = 1;
		printf("== apparmor: %s now includes %s\n", SETUP_AA_LOCAL, SD_SETUP_APPARMOR);
	} else {
		printf("== apparmor: %s includes %s already\n", SETUP_AA_LOCAL, SD_SETUP_APPARMOR);
	}
	{
		char buf[4] = "";
		FILE *f = fopen(SETUP_AA_ENABLED, "re");

		if (f != NULL) {
			if (fgets(buf, sizeof buf, f) == NULL)
				buf[0] = '\0';
			fclose(f);
		}
		if (buf[0] == 'Y' && access(SETUP_APPARMOR_PARSER, X_OK) == 0) {
			const char *aa[] = { "apparmor_parser", "-r", "-W", SETUP_AA_PROFILE,
				NULL };

			must_run("reloading tor's AppArmor profile (apparmor_parser -r)",
			    SETUP_APPARMOR_PARSER, aa);
			printf("== apparmor: tor's profile reloaded\n");
		} else {
			printf(
			    "== apparmor: not enabled in this kernel; the rules are in place for "
			    "when it is, and nothing was loaded\n");
		}
	}
	return changed;
}

/* ---- step 5: systemd ---------------------------------------------------- */

static void
systemctl(const char *what, const char *a, const char *b, const char *c, const char *d)
{
	const char *argv[] = { "systemctl", a, b, c, d, NULL };

	must_run(what, SETUP_SYSTEMCTL, argv);
}

static int
active(const char *unit)
{
	const char *argv[] = { "systemctl", "is-active", "--quiet", unit, NULL };

	return run(SETUP_SYSTEMCTL, argv) == 0;
}

static void
step_start(int torchanged)
{
	static const char *const units[] = { SETUP_UNITS };

	systemctl("systemctl daemon-reload", "daemon-reload", NULL, NULL, NULL);
	systemctl("enabling and starting the daemons", "enable", "--now", units[0], units[1]);
	for (size_t i = 0; i < 2; i++)
		if (!active(units[i]))
			admin_die("setup stopped: %s is not running: see journalctl -u %s",
			    units[i], units[i]);
	printf("== systemd: %s and %s enabled and running\n", units[0], units[1]);
	/* tor.service only groups Debian's tor instances; tor@default is the
	 * tor that reads /etc/tor/torrc. A restart, not a reload: tor refuses
	 * some onion changes on SIGHUP. */
	systemctl("enabling tor", "enable", "--now", "--quiet", "tor.service");
	if (torchanged || !active("tor@default.service")) {
		systemctl("restarting tor", "restart", "tor@default.service", NULL, NULL);
		printf("== systemd: tor enabled and restarted with the new configuration\n");
	} else {
		printf("== systemd: tor enabled and running; its configuration did not change\n");
	}
	for (int i = 0; !active("tor@default.service"); i++) {
		if (i == SETUP_TOR_WAIT_S)
			admin_die("setup stopped: tor is not running after %d s: see journalctl -u "
				  "tor@default",
			    SETUP_TOR_WAIT_S);
		sleep(1);
	}
}

/* ---- step 6: the summary ------------------------------------------------ */

static int
onions_step(void *ctx)
{
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX];
	int e = admintor_onions_at(AT_FDCWD, so, jo);

	(void)ctx;
	if (e != 0) {
		fprintf(
		    stderr, ADMIN_PROG ": cannot read the onion addresses: %s\n", sd_strerror(e));
		return 1;
	}
	printf("\nsource address (publish it):     http://%s/\n"
	       "journalist address (client auth): http://%s/\n",
	    so, jo);
	return 0;
}

static void
summary(const struct setup *s)
{
	if (admin_tor_step(onions_step, NULL) != 0)
		admin_die("setup stopped before its summary");
	printf(
	    "\nnext steps (docs/operator-guide.md, installed in /usr/share/doc/sealdrop-server/):\n"
	    "  - hand the administrator's passphrase, TOTP secret and Tor client-auth line\n"
	    "    (printed above, once) to that journalist in person;\n"
	    "  - publish the source address where sources can check it (several places);\n"
	    "  - add journalists: " ADMIN_PROG " journalist add --instance %s NAME\n"
	    "    then systemctl reload tor;\n"
	    "  - check the instance: " ADMIN_PROG " check --instance %s\n"
	    "  - back it up: " ADMIN_PROG " backup --instance %s --out FILE --recipient KEY.pub\n",
	    s->instance, s->instance, s->instance);
	if (s->nostart)
		printf("  - --no-start: start the daemons and tor yourself: systemctl enable --now "
		       "sealdrop-source sealdrop-journalist tor\n");
}

static void
users(struct setup *s)
{
	struct passwd *pw;
	struct group *gr;

	if ((pw = getpwnam(SETUP_USER)) == NULL)
		admin_die("no user " SETUP_USER ": it comes with the sealdrop-server package "
			  "(systemd-sysusers sealdrop.conf makes it)");
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	if ((pw = getpwnam(SETUP_TOR_USER)) == NULL || (gr = getgrnam(SETUP_TOR_USER)) == NULL)
		admin_die("no user or group " SETUP_TOR_USER ": install Debian's tor package");
	s->tor_uid = pw->pw_uid;
	s->tor_gid = gr->gr_gid;
	if (s->uid == 0 || s->gid == 0 || s->tor_uid == 0 || s->tor_gid == 0)
		admin_die(SETUP_USER " and " SETUP_TOR_USER " must not be root");
}

int
adminsetup_main(const struct admin_args *a)
{
	struct setup s = { .instance = a->instance ? a->instance : SD_SETUP_INSTANCE,
		.name = a->name ? a->name : "sealdrop",
		.admin = a->admin ? a->admin : "admin",
		.torrc = a->torrc ? a->torrc : SETUP_TORRC,
		.nostart = a->no_start };
	int exists, torchanged, added;

	if (a->nrecipients > SETUP_RECIPIENTS_MAX)
		admin_die("at most %d recipients", SETUP_RECIPIENTS_MAX);
	for (size_t i = 0; i < a->nrecipients; i++)
		s.recipients[s.nrecipients++] = a->recipients[i];
	if (admintor_path_ok(s.instance) != 0)
		admin_die("--instance: give an absolute path of printable characters without "
			  "spaces, quotes, '#' or '\\' (it goes into tor's configuration)");
	if (!torauth_name_ok(s.admin))
		admin_die("--admin %s: a name is 1 to 32 of a-z, 0-9, '_' and '-' (it names the "
			  "Tor client key too)",
		    s.admin);
	users(&s);

	exists = instance_state(s.instance);
	if (!exists) {
		if (s.nrecipients == 0)
			admin_die(
			    "a new instance needs at least one --recipient (a journalist's .pub "
			    "file or sdpk1_ line, made offline with sealdrop-keygen)");
		step_init(&s);
	} else {
		printf("== instance: %s exists; its data, settings and keys are left as they are\n",
		    s.instance);
		if (s.nrecipients > 0)
			printf("   (--recipient not used on an existing instance: `" ADMIN_PROG
			       " recipient add` adds a key)\n");
	}
	step_owner(&s);
	added = step_admin(&s);
	torchanged = step_tor(&s) || added;
	if (!s.nostart)
		step_start(torchanged);
	else
		printf("== systemd: --no-start: no unit enabled or started\n");
	summary(&s);
	return 0;
}
