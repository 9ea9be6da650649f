/*
 * admin_ops_check.c - sealdrop-admin check: inspect an instance and report one
 * line per check (ok, warn, FAIL). Nothing is changed: the database is
 * opened read-only (no migration), the spool is walked through directory
 * fds and its tmp/ is not emptied. What each check means is in
 * docs/operations.md.
 */
#include "admin_ops_int.h"
#include "admin_tor.h"
#include "admin_priv.h"
#include "admin_ops.h"
#include "conf.h"
#include "db.h"
#include "sderr.h"
#include "sdio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <sodium.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
/* Nothing sealdrop makes is deeper than spool/tmp/<owner>/<batch>/<file>:
 * a directory at this depth (counting from 0 at the instance's entries)
 * is reported, not walked. */
#define PERM_DIR_DEPTH_MAX 4
#define PERM_SHOWN_MAX 10

struct chk {
	const char *inst;  /* the instance as opened ("." in a step) */
	const char *shown; /* as given, for messages */
	int in_tor;        /* the working directory is tor/ (adminops_check_tor) */
	int dfd;           /* the instance directory */
	uid_t uid;         /* who must own the instance: this user (root: the owner) */
	uid_t tor_uid;     /* who owns tor/: this user, or tor's once deployed */
	adminops_report_fn fn;
	void *ctx;
	unsigned fails;
	unsigned perm_bad;
	uint64_t reserve;
};

static void say(struct chk *c, enum adminops_level lv, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
say(struct chk *c, enum adminops_level lv, const char *name, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (lv == ADMINOPS_FAIL)
		c->fails++;
	c->fn(c->ctx, lv, name, detail);
}

/* The mode an entry must have exactly, or 0 for "no group/other bits". */
static mode_t
exact_mode(const char *rel)
{
	if (strcmp(rel, "sealdrop.conf") == 0 || strcmp(rel, "sealdrop.db") == 0)
		return 0600;
	if (strcmp(rel, "spool") == 0 || strcmp(rel, "spool/tmp") == 0)
		return 0700;
	return 0;
}

/* The names sealdrop (its daemons, SQLite, sealdrop-admin) makes in the
 * instance directory. */
static const char *const top_names[] = {
	"sealdrop.conf", "sealdrop.db", "sealdrop.db-journal", "sealdrop.db-wal", "sealdrop.db-shm",
	"spool", "tor", "source.sock", "journalist.sock",
	"tor-clients", /* the web admin's client-key requests (crypto/torauth.h) */
};

/* One entry's type, owner, links and mode; a problem is one FAIL line (the
 * first few of them). */
static void
perm_entry(struct chk *c, const char *rel, const struct stat *st, int depth)
{
	mode_t m = st->st_mode & 07777, want = exact_mode(rel);
	/* Sockets are 0660 by design: tor reaches them through the group; a
	 * directory may inherit the setgid bit of a deployed instance. */
	mode_t forbidden = S_ISSOCK(st->st_mode) ? 07007 : S_ISDIR(st->st_mode) ? 05077 : 07077;
	int in_tor = strcmp(rel, "tor") == 0 || strncmp(rel, "tor/", 4) == 0;
	uid_t owner = in_tor ? c->tor_uid : c->uid;
	char why[160] = "";

	size_t t = 0;

	if (depth == 0)
		for (t = 0; t < sizeof top_names / sizeof top_names[0]; t++)
			if (strcmp(rel, top_names[t]) == 0)
				break;
	if (S_ISLNK(st->st_mode))
		(void)snprintf(why, sizeof why, "is a symbolic link");
	else if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode) && !S_ISSOCK(st->st_mode))
		(void)snprintf(why, sizeof why, "is not a file, directory or socket (%s)",
		    S_ISFIFO(st->st_mode) ? "a FIFO" : "a device");
	else if (S_ISSOCK(st->st_mode) && depth > 0)
		(void)snprintf(why, sizeof why,
		    "is a socket, which only the daemons make, in the "
		    "instance directory itself");
	else if (S_ISREG(st->st_mode) && st->st_nlink != 1)
		(void)snprintf(why, sizeof why,
		    "has %ju hard links, not one (a file of the "
		    "instance is never linked elsewhere)",
		    (uintmax_t)st->st_nlink);
	else if (S_ISDIR(st->st_mode) && depth >= PERM_DIR_DEPTH_MAX)
		(void)snprintf(why, sizeof why,
		    "is a directory nested deeper than sealdrop makes "
		    "any (not looked into)");
	else if (depth == 0 && t == sizeof top_names / sizeof top_names[0])
		(void)snprintf(why, sizeof why, "is not something sealdrop makes");
	else if (st->st_uid != owner)
		(void)snprintf(why, sizeof why, "is owned by uid %u, not by uid %u (%s)",
		    (unsigned)st->st_uid, (unsigned)owner,
		    in_tor ? "the owner of tor/" : "the instance's user");
	else if (want != 0 && (m & ~(mode_t)(S_ISDIR(st->st_mode) ? S_ISGID : 0)) != want)
		(void)snprintf(
		    why, sizeof why, "has mode %04o, want %04o", (unsigned)m, (unsigned)want);
	else if ((m & forbidden) != 0)
		(void)snprintf(
		    why, sizeof why, "has mode %04o: group or other bits set", (unsigned)m);
	if (why[0] == '\0')
		return;
	if (++c->perm_bad <= PERM_SHOWN_MAX)
		say(c, ADMINOPS_FAIL, "permissions", "%s %s", rel, why);
}

/* Every entry under a directory fd, recursively (rel is its path). */
static int
perm_walk(struct chk *c, int fd, const char *rel, int depth, uint64_t *n)
{
	struct dirent *ent;
	DIR *d;

	if (adminops_opendir(fd, &d) != 0)
		return SD_ERR_IO;
	while ((ent = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		struct stat st;
		int cfd;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		(void)snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", ent->d_name);
		if (fstatat(fd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue; /* removed meanwhile (a daemon at work) */
		(*n)++;
		perm_entry(c, sub, &st, depth);
		if (!S_ISDIR(st.st_mode) || depth >= PERM_DIR_DEPTH_MAX)
			continue;
		if ((cfd = openat(fd, ent->d_name, DIR_FLAGS)) < 0) {
			if (strcmp(sub, "tor") == 0 && c->tor_uid != c->uid)
				continue; /* tor's own: check_tor says so */
			if (++c->perm_bad <= PERM_SHOWN_MAX)
				say(c, ADMINOPS_FAIL, "permissions", "%s cannot be read: %s", sub,
				    strerror(errno));
			continue;
		}
		(void)perm_walk(c, cfd, sub, depth + 1, n);
		close(cfd);
	}
	closedir(d);
	return 0;
}

static void
check_permissions(struct chk *c)
{
	struct stat st;
	uint64_t n = 0;

	if (fstat(c->dfd, &st) != 0) {
		say(c, ADMINOPS_FAIL, "instance", "%s: %s", c->shown, strerror(errno));
		return;
	}
	if (st.st_uid != c->uid)
		say(c, ADMINOPS_FAIL, "instance",
		    "%s is owned by uid %u, not by this user (uid %u): "
		    "run check as the instance's user",
		    c->shown, (unsigned)st.st_uid, (unsigned)c->uid);
	else if ((st.st_mode & 07777) != 0700 && (st.st_mode & 07777) != 02710)
		say(c, ADMINOPS_FAIL, "instance",
		    "%s has mode %04o, want 0700 (or 2710 with tor's "
		    "group when deployed, docs/operator-guide.md)",
		    c->shown, (unsigned)(st.st_mode & 07777));
	else
		say(c, ADMINOPS_OK, "instance", "%s: owner uid %u, mode %04o", c->shown,
		    (unsigned)c->uid, (unsigned)(st.st_mode & 07777));
	(void)perm_walk(c, c->dfd, "", 0, &n);
	if (c->perm_bad > PERM_SHOWN_MAX)
		say(c, ADMINOPS_FAIL, "permissions", "... and %u more",
		    c->perm_bad - PERM_SHOWN_MAX);
	else if (c->perm_bad == 0)
		say(c, ADMINOPS_OK, "permissions",
		    "%" PRIu64 " entries, owners as expected, "
		    "no group or other access",
		    n);
}

static void
check_conf(struct chk *c)
{
	char path[64], err[CONF_ERR_MAX], why[ADMINPRIV_ERR_MAX];
	struct conf conf;
	int e, fd;

	conf_defaults(&conf);
	c->reserve = conf.spool_reserve_bytes;

	/* Never a link, FIFO or device: one plain file of the owner. */
	if ((e = adminpriv_file(c->dfd, "sealdrop.conf", 0, c->uid, &fd, why)) != 0) {
		say(c, ADMINOPS_FAIL, "config", "%s",
		    e == SD_ERR_NOTFOUND ? "sealdrop.conf is missing" : why);
		return;
	}
	/* Parsed through that descriptor: never a file swapped in meanwhile. */
	(void)snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	err[0] = '\0';
	e = conf_load(path, &conf, err);
	close(fd);
	if (e != 0) {
		say(c, ADMINOPS_FAIL, "config", "sealdrop.conf: %s", err[0] ? err : sd_strerror(e));
		return;
	}
	c->reserve = conf.spool_reserve_bytes;
	say(c, ADMINOPS_OK, "config", "sealdrop.conf parses");
}

static void
check_schema(struct chk *c, struct db *h)
{
	int64_t n = 0;
	int v = 0;

	if (db_admin_version(h, &v) != 0)
		say(c, ADMINOPS_FAIL, "schema", "the schema version cannot be read");
	else if (v > DB_SCHEMA_VERSION)
		say(c, ADMINOPS_FAIL, "schema",
		    "version %d is newer than this sealdrop's (%d): "
		    "the daemons refuse it",
		    v, DB_SCHEMA_VERSION);
	else if (v < DB_SCHEMA_VERSION)
		say(c, ADMINOPS_WARN, "schema",
		    "version %d, current is %d: migrated when a "
		    "daemon or sealdrop-admin next opens it",
		    v, DB_SCHEMA_VERSION);
	else
		say(c, ADMINOPS_OK, "schema", "version %d (current)", v);
	if (db_admin_recipients(h, &n) != 0)
		say(c, ADMINOPS_FAIL, "recipients", "the recipient table cannot be read");
	else if (n == 0)
		say(c, ADMINOPS_FAIL, "recipients",
		    "no recipient key: sources cannot submit "
		    "(sealdrop-admin recipient add)");
	else
		say(c, ADMINOPS_OK, "recipients", "%" PRId64 " recipient key%s", n,
		    n == 1 ? "" : "s");
}

/* Rows whose file is missing, files a backup would refuse, files in the
 * wrong batch: FAIL (an item is lost, or every backup would leave it out).
 * Files with no row, source directories the database does not know, empty
 * directories, other names: warn (a crash between the rename and the
 * insert leaves some; the daemons sweep them at start-up). */
static void
check_spool_items(struct chk *c, int spfd, struct db *h)
{
	struct db_admin_ids ids = { 0 };
	struct db_admin_idset srcs = { 0 };
	struct adminops_spool_count k = { 0 };
	uint64_t missing = 0;
	char first[ADMINOPS_ITEM_PATH_MAX] = "";

	if (db_admin_items(h, &ids) != 0 || db_admin_sources(h, &srcs) != 0 ||
	    adminops_spool_walk(spfd, &ids, &srcs, &k) != 0) {
		say(c, ADMINOPS_FAIL, "spool", "the items or the spool cannot be read");
		goto out;
	}
	for (size_t i = 0; i < ids.n; i++)
		if (!ids.mark[i] && missing++ == 0)
			adminops_item_path(&ids.v[i], first);
	if (missing > 0)
		say(c, ADMINOPS_FAIL, "spool", "%" PRIu64 " of %zu rows have no file (first: %s)",
		    missing, ids.n, first);
	else
		say(c, ADMINOPS_OK, "spool", "%zu rows, each with its file", ids.n);
	if (k.bad > 0)
		say(c, ADMINOPS_FAIL, "spool",
		    "%" PRIu64 " spool files that backup and restore "
		    "refuse (first: %s)",
		    k.bad, k.first_bad);
	if (k.misplaced > 0)
		say(c, ADMINOPS_FAIL, "spool",
		    "%" PRIu64 " files in another batch directory than "
		    "their row says (first: %s)",
		    k.misplaced, k.first_misplaced);
	if (k.orphans > 0)
		say(c, ADMINOPS_WARN, "spool",
		    "%" PRIu64 " orphan files with no row (first: %s): "
		    "left by a crash between writing and recording, or copied in",
		    k.orphans, k.first_orphan);
	if (k.unknown > 0)
		say(c, ADMINOPS_WARN, "spool",
		    "%" PRIu64 " source directories the database does "
		    "not know (first: %s)",
		    k.unknown, k.first_unknown);
	if (k.empty > 0)
		say(c, ADMINOPS_WARN, "spool",
		    "%" PRIu64 " empty source or batch directories "
		    "(first: %s)",
		    k.empty, k.first_empty);
	if (k.strange > 0)
		say(c, ADMINOPS_WARN, "spool",
		    "%" PRIu64 " entries that are not spool items "
		    "(first: %s)",
		    k.strange, k.first_strange);
out:
	db_admin_ids_free(&ids);
	db_admin_idset_free(&srcs);
}

/* Entries under spool/tmp/<owner>/: uploads in progress or leftovers. */
static void
check_tmp(struct chk *c, int spfd)
{
	int tfd = openat(spfd, "tmp", DIR_FLAGS);
	struct dirent *ent;
	uint64_t n = 0;
	DIR *d;

	if (tfd < 0 || adminops_opendir(tfd, &d) != 0) {
		say(c, ADMINOPS_FAIL, "spool/tmp",
		    "missing or unreadable: the daemons cannot start");
		goto out;
	}
	while ((ent = readdir(d)) != NULL) {
		int ofd;
		unsigned k = 0;

		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		if ((ofd = openat(tfd, ent->d_name, DIR_FLAGS)) < 0) {
			n++; /* not an owner directory: a leftover itself */
			continue;
		}
		(void)adminops_count_entries(ofd, &k);
		n += k;
		close(ofd);
	}
	closedir(d);
	if (n > 0)
		say(c, ADMINOPS_WARN, "spool/tmp",
		    "%" PRIu64 " files: uploads in progress, or "
		    "leftovers their daemon removes when it next starts",
		    n);
	else
		say(c, ADMINOPS_OK, "spool/tmp", "empty");
out:
	if (tfd >= 0)
		close(tfd);
}

static void
human(uint64_t n, char out[32])
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024.0 && u + 1 < sizeof unit / sizeof unit[0]) {
		v /= 1024.0;
		u++;
	}
	(void)snprintf(out, 32, u == 0 ? "%.0f %s" : "%.1f %s", v, unit[u]);
}

/* Free space against spool_reserve_bytes: below it sources get 507. */
static void
check_space(struct chk *c, int spfd)
{
	struct statvfs vfs;
	uint64_t avail;
	char a[32], r[32];

	if (fstatvfs(spfd, &vfs) != 0) {
		say(c, ADMINOPS_FAIL, "free space", "statvfs: %s", strerror(errno));
		return;
	}
	avail = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
	human(avail, a);
	human(c->reserve, r);
	if (avail <= c->reserve)
		say(c, ADMINOPS_FAIL, "free space",
		    "%s free, not above spool_reserve_bytes (%s): "
		    "uploads are refused (507)",
		    a, r);
	else if (avail - c->reserve < c->reserve)
		say(c, ADMINOPS_WARN, "free space",
		    "%s free, less than twice spool_reserve_bytes "
		    "(%s)",
		    a, r);
	else
		say(c, ADMINOPS_OK, "free space", "%s free, spool_reserve_bytes %s", a, r);
}

static void
check_spool(struct chk *c, struct db *h)
{
	int spfd = openat(c->dfd, "spool", DIR_FLAGS);

	if (spfd < 0) {
		say(c, ADMINOPS_FAIL, "spool", "spool/ is missing or unreadable: %s",
		    strerror(errno));
		return;
	}
	if (h != NULL)
		check_spool_items(c, spfd, h);
	else
		say(c, ADMINOPS_FAIL, "spool",
		    "not compared with the database, which is unreadable");
	check_tmp(c, spfd);
	check_space(c, spfd);
	close(spfd);
}

/* Opens, passes integrity_check; then the schema, recipients and spool. */
static void
check_database(struct chk *c)
{
	char path[PATH_MAX];
	struct db *h = NULL;
	struct stat st;
	int e;

	char why[ADMINPRIV_ERR_MAX];

	(void)snprintf(path, sizeof path, "%s/sealdrop.db", c->inst);
	if (fstatat(c->dfd, "sealdrop.db", &st, AT_SYMLINK_NOFOLLOW) != 0)
		say(c, ADMINOPS_FAIL, "database", "sealdrop.db is missing");
	else if (adminpriv_db_files(c->dfd, "sealdrop.db", c->uid, why) != 0)
		say(c, ADMINOPS_FAIL, "database", "not opened: %s", why);
	else if ((e = db_admin_open_ro(path, &h)) == SD_ERR_FORMAT)
		say(c, ADMINOPS_FAIL, "database",
		    "sealdrop.db holds a view, a trigger or another "
		    "object sealdrop never makes, or lacks its tables: not read further");
	else if (e != 0)
		say(c, ADMINOPS_FAIL, "database", "sealdrop.db cannot be opened");
	else if ((e = db_admin_integrity(h)) == SD_ERR_FORMAT)
		say(c, ADMINOPS_FAIL, "database", "PRAGMA integrity_check reports damage");
	else if (e != 0)
		say(c, ADMINOPS_FAIL, "database", "sealdrop.db is not a readable SQLite database");
	else {
		say(c, ADMINOPS_OK, "database", "opens, integrity_check ok");
		check_schema(c, h);
		check_spool(c, h);
		db_close(h);
		return;
	}
	db_close(h);
	check_spool(c, NULL);
}

/* The files sealdrop-admin init writes under tor/ (tools/admin_tor.h). */
static const char *const tor_files[] = {
	"torrc",
	"source/hs_ed25519_secret_key",
	"source/hs_ed25519_public_key",
	"journalist/hs_ed25519_secret_key",
	"journalist/hs_ed25519_public_key",
	"journalist/authorized_clients/sealdrop.placeholder.auth",
};

/* The directives sealdrop-admin writes (admin_torrc.c); any other one in
 * tor/torrc is reported. */
static const char *const tor_directives[] = {
	"HiddenServiceDir",
	"HiddenServicePort",
	"HiddenServicePoWDefensesEnabled",
	"HiddenServiceMaxStreams",
	"HiddenServiceMaxStreamsCloseCircuit",
};

/* Every line of tor/torrc is a comment, blank or a known directive. */
static int
check_torrc_lines(struct chk *c, int torfd)
{
	char buf[65536], why[ADMINPRIV_ERR_MAX];
	size_t len = 0;
	unsigned no = 0;
	int fd, e;

	if ((e = adminpriv_file(torfd, "torrc", 0, c->tor_uid, &fd, why)) != 0) {
		say(c, ADMINOPS_FAIL, "tor", "tor/%s",
		    e == SD_ERR_NOTFOUND ? "torrc is missing" : why);
		return -1;
	}
	e = sd_read_full(fd, buf, sizeof buf - 1, &len);
	close(fd);
	if (e != 0 || len == sizeof buf - 1) {
		say(c, ADMINOPS_FAIL, "tor", "tor/torrc cannot be read or is over 64 KiB");
		return -1;
	}
	buf[len] = '\0';
	for (char *line = buf, *next; line != NULL; line = next) {
		char *key = line + strspn(line, " \t");
		size_t k, i;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		no++;
		if (*key == '\0' || *key == '#')
			continue;
		k = strcspn(key, " \t");
		for (i = 0; i < sizeof tor_directives / sizeof tor_directives[0]; i++)
			if (strlen(tor_directives[i]) == k &&
			    strncmp(key, tor_directives[i], k) == 0)
				break;
		if (i == sizeof tor_directives / sizeof tor_directives[0]) {
			say(c, ADMINOPS_FAIL, "tor",
			    "tor/torrc line %u: '%.*s' is not a directive "
			    "sealdrop-admin writes",
			    no, (int)(k > 64 ? 64 : k), key);
			return -1;
		}
	}
	return 0;
}

/* tor/ is there and complete, and its torrc names this directory. */
static void
check_tor_files(struct chk *c, int torfd)
{
	char named[PATH_MAX], real[PATH_MAX];
	struct stat st;
	unsigned n = 0;
	int fd;

	for (size_t i = 0; i < sizeof tor_files / sizeof tor_files[0]; i++)
		if (fstatat(torfd, tor_files[i], &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode)) {
			say(c, ADMINOPS_FAIL, "tor", "tor/%s is missing", tor_files[i]);
			return;
		}
	if (check_torrc_lines(c, torfd) != 0)
		return;
	if (admintor_torrc_names(torfd, named) != 0)
		say(c, ADMINOPS_WARN, "tor",
		    "tor/torrc names no instance path this check "
		    "understands");
	else if (realpath(c->in_tor ? ".." : c->inst, real) == NULL || strcmp(real, named) != 0)
		say(c, ADMINOPS_FAIL, "tor",
		    "tor/torrc is for %s, not this directory (moved? "
		    "restore rewrites it)",
		    named);
	else {
		if ((fd = openat(torfd, "journalist/authorized_clients", DIR_FLAGS)) >= 0) {
			(void)adminops_count_entries(fd, &n);
			close(fd);
		}
		say(c, ADMINOPS_OK, "tor",
		    "torrc for this directory, both services' keys, %u "
		    "journalist client key%s (tor-check runs tor on them)",
		    n ? n - 1 : 0, n == 2 ? "" : "s");
	}
}

/* tor/ (made by sealdrop-admin init since the tor set-up; absent from an
 * instance made before, which still works without onion services). */
static void
check_tor(struct chk *c)
{
	struct stat st;
	int fd;

	if (fstatat(c->dfd, "tor", &st, AT_SYMLINK_NOFOLLOW) != 0) {
		say(c, ADMINOPS_WARN, "tor",
		    "no tor/ directory: this instance was made before "
		    "sealdrop-admin set up onion services (docs/operator-guide.md)");
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		say(c, ADMINOPS_FAIL, "tor", "tor/ is not a directory");
		return;
	}
	if ((fd = openat(c->dfd, "tor", DIR_FLAGS)) < 0) {
		say(c, ADMINOPS_WARN, "tor",
		    "tor/ belongs to uid %u and this user cannot read it: "
		    "not inspected (sealdrop-admin tor-check, as root, does)",
		    (unsigned)st.st_uid);
		return;
	}
	check_tor_files(c, fd);
	close(fd);
}

int
adminops_check_tor(const char *shown, adminops_report_fn fn, void *ctx, unsigned *fails)
{
	struct chk c = { .inst = "..",
		.shown = shown,
		.in_tor = 1,
		.uid = geteuid(),
		.tor_uid = geteuid(),
		.fn = fn,
		.ctx = ctx,
		.dfd = -1 };
	int fd = open(".", DIR_FLAGS);

	/* The working directory is tor/ and this process its owner. */
	if (fd < 0) {
		say(&c, ADMINOPS_FAIL, "tor", "tor/ cannot be read: %s", strerror(errno));
	} else {
		check_tor_files(&c, fd);
		close(fd);
	}
	*fails = c.fails;
	return 0;
}

int
adminops_check(const char *instance, const char *shown, int skip_tor, adminops_report_fn fn,
    void *ctx, unsigned *fails)
{
	struct chk c = {
		.inst = instance, .shown = shown, .uid = geteuid(), .fn = fn, .ctx = ctx, .dfd = -1
	};

	struct stat st;

	c.dfd = open(instance, DIR_FLAGS);
	if (c.dfd < 0) {
		say(&c, ADMINOPS_FAIL, "instance", "%s: %s", shown, strerror(errno));
		*fails = c.fails;
		return 0;
	}
	/* root checks on behalf of the instance's owner. */
	if (c.uid == 0 && fstat(c.dfd, &st) == 0)
		c.uid = st.st_uid;
	c.tor_uid = fstatat(c.dfd, "tor", &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_uid : c.uid;
	check_permissions(&c);
	check_conf(&c);
	check_database(&c);
	if (!skip_tor)
		check_tor(&c);
	close(c.dfd);
	*fails = c.fails;
	return 0;
}
