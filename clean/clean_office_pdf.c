/*
 * clean_office_pdf.c - office documents to PDF by LibreOffice, in its own
 * sandbox (the safe-PDF path's second, declared sandbox: DESIGN.md, "The
 * air-gapped workbench").
 *
 * MuPDF cannot draw office formats, so for --safe-pdf a cleaned OOXML or
 * OpenDocument copy (or, for the legacy formats no cleaner handles -
 * .doc, .xls, .ppt, .rtf - the uncleaned original) is converted to PDF by
 * `soffice --headless --convert-to pdf`, and that PDF is then drawn to
 * pixels by clean_render_sandboxed in the ordinary child: nothing
 * LibreOffice writes reaches the journalist but the pixels of its pages.
 *
 * LibreOffice cannot run under the cleaning child's seccomp list (it
 * execs, forks and opens files), so it gets a sandbox of its own:
 *   - a throw-away work folder (mkdtemp under TMPDIR): the input, the
 *     output, HOME, TMPDIR and the user profile (-env:UserInstallation)
 *     all live there, and the folder is removed afterwards; in its
 *     namespaces it works instead in a copy of that folder in a /tmp of
 *     its own, a tmpfs of OFFICE_WORK_BYTES (1 GiB), so that what it
 *     writes cannot fill the machine's TMPDIR: filling it fails there
 *     (ENOSPC) and is reported;
 *   - its own process group, killed whole (SIGKILL) at the wall-clock
 *     limit and after every run, so no helper outlives the conversion;
 *   - new network, mount and PID namespaces (only a loopback that is
 *     down; a private root holding only the system folders, read-only, and
 *     its own /tmp with the work folder, so that no named socket of the
 *     journalist's session - D-Bus, agents - is there to connect to; the
 *     child is PID 1, so that killing it kills even a helper that left
 *     the group): as root directly, otherwise inside a new user
 *     namespace. When the kernel refuses both, it runs on - the
 *     workbench is air-gapped - and the report says that it relied on the
 *     machine being offline, could reach its named sockets and could
 *     leave a helper behind;
 *   - no_new_privs and landlock: reads only of the system's folders and
 *     the work folder (never the journalist's home and its keys), writes
 *     only beneath the work folder (and to /dev/null), no TCP bind or
 *     connect (landlock ABI 4), no signal or abstract socket outside
 *     itself (ABI 6). A kernel without landlock is reported the same way
 *     as the network;
 *   - no capability, even when run by root (office_nocaps);
 *   - rlimits: CPU time, address space, file size, processes, no core;
 *   - fds 0-2 on /dev/null, every other descriptor closed, a small fixed
 *     environment;
 *   - a new profile that turns every macro off (office_profile).
 * The PDF it writes is bounded (CLEAN_OFFICE_PDF_MAX) before it is copied
 * to the caller.
 */
#include "clean.h"
#include "clean_int.h"
#include "sderr.h"
#include "sdio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/securebits.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define OFFICE_CPU_SECONDS 240
#define OFFICE_AS_BYTES (6ull << 30)
#define OFFICE_FSIZE_BYTES (512ull << 20)
#define OFFICE_NPROC 512
#define OFFICE_NOFILE 1024
#define OFFICE_RM_DEPTH 24          /* per pass (the profile is about 8 deep) */
#define OFFICE_TMP_WORK "/tmp/work" /* the work folder, in the private /tmp */
/* The private /tmp's size (a tmpfs): the input, twice over for the
 * converter's own copies, and the largest PDF taken back. Filling it fails
 * inside the sandbox (ENOSPC); the machine's TMPDIR never holds more than
 * the input. */
#define OFFICE_WORK_BYTES (2ull * CLEAN_OFFICE_IN_MAX + CLEAN_OFFICE_PDF_MAX)
#define OFFICE_WORK_FULL (1u << 20) /* less free than this: it filled it */

/* Types converted, the extension given to the input (LibreOffice picks its
 * import filter by content, the extension only helps), and what
 * clean_office_pdf_kind says of it: a cleaned copy or a legacy original. */
static const struct {
	const char *mime, *ext;
	int kind;
} office_types[] = {
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
	    CLEAN_OFFICE_CLEANED },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
	    CLEAN_OFFICE_CLEANED },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx",
	    CLEAN_OFFICE_CLEANED },
	{ "application/vnd.oasis.opendocument.text", "odt", CLEAN_OFFICE_CLEANED },
	{ "application/vnd.oasis.opendocument.spreadsheet", "ods", CLEAN_OFFICE_CLEANED },
	{ "application/vnd.oasis.opendocument.presentation", "odp", CLEAN_OFFICE_CLEANED },
	{ "application/vnd.oasis.opendocument.graphics", "odg", CLEAN_OFFICE_CLEANED },
	{ "application/msword", "doc", CLEAN_OFFICE_LEGACY },
	{ "application/vnd.ms-excel", "xls", CLEAN_OFFICE_LEGACY },
	{ "application/vnd.ms-powerpoint", "ppt", CLEAN_OFFICE_LEGACY },
	{ "text/rtf", "rtf", CLEAN_OFFICE_LEGACY },
	{ "application/rtf", "rtf", CLEAN_OFFICE_LEGACY },
};

int
clean_office_pdf_kind(const char *mime)
{
	for (size_t i = 0; i < sizeof office_types / sizeof office_types[0]; i++)
		if (strcmp(mime, office_types[i].mime) == 0)
			return office_types[i].kind;
	return 0;
}

static const char *
office_ext(const char *mime)
{
	for (size_t i = 0; i < sizeof office_types / sizeof office_types[0]; i++)
		if (strcmp(mime, office_types[i].mime) == 0)
			return office_types[i].ext;
	return NULL;
}

/* LibreOffice's launcher: Debian's path, else its program folder. */
static const char *
office_soffice(void)
{
	static const char *const paths[] = {
		"/usr/bin/soffice",
		"/usr/lib/libreoffice/program/soffice",
	};

#ifdef SD_CLEAN_TEST_HOOKS
	/* Tests only: a program that never finishes, in soffice's place. */
	const char *t = getenv("SEALDROP_TEST_OFFICE_PROGRAM");
	if (t != NULL && t[0] == '/' && access(t, X_OK) == 0)
		return t;
#endif
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* What runs in the sandbox: LibreOffice converting document.EXT, or the
 * OCR (mutool draws the pages of document.pdf, a safe PDF, to PNG files,
 * tesseract writes them with an invisible text layer to out/document.pdf). */
struct office_tool {
	const char *name; /* for the report: "LibreOffice", "the OCR" */
	const char *prog; /* what is executed */
	const char *ext;  /* of the input, document.EXT */
	int ocr;
};

/* The OCR's script, run by /bin/sh in the work folder. */
#define OFFICE_OCR_SCRIPT \
	"mutool draw -r 150 -o page-%04d.png document.pdf && " \
	"ls page-*.png >pages.txt && exec tesseract pages.txt out/document -l eng+fra pdf"

/* Empty the folder fd (depth levels below the work folder top): files
 * unlinked, folders emptied and removed; a folder at the depth bound is
 * moved up into top under a new name instead, for the next pass. Counts
 * what it removed or moved in *done; -1 when something could not be, else
 * 1 when something was moved up, else 0 (all gone). */
static int
office_rm_walk(int top, int fd, unsigned depth, unsigned long *serial, size_t *done)
{
	DIR *d;
	struct dirent *de;
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0), e = 0;

	if (dfd < 0 || (d = fdopendir(dfd)) == NULL) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		int sub;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0) {
			(*done)++;
			continue;
		}
		if (errno != EISDIR && errno != EPERM) {
			e = -1;
			continue;
		}
		if (depth + 1 >= OFFICE_RM_DEPTH) {
			char up[40];
			(void)snprintf(up, sizeof up, ".rm-%lu", ++*serial);
			if (renameat(fd, de->d_name, top, up) != 0)
				e = -1;
			else if ((*done)++, e == 0)
				e = 1;
			continue;
		}
		/* its mode may have been taken away (the folder is its owner's);
		 * when it cannot be given back, openat says so */
		if (fchmodat(fd, de->d_name, 0700, AT_SYMLINK_NOFOLLOW) != 0)
			(void)0;
		if ((sub = openat(
			 fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			e = -1;
			continue;
		}
		switch (office_rm_walk(top, sub, depth + 1, serial, done)) {
		case 0:
			break;
		case 1:
			e = e == 0 ? 1 : e;
			break;
		default:
			e = -1;
		}
		close(sub);
		if (unlinkat(fd, de->d_name, AT_REMOVEDIR) == 0)
			(*done)++;
		else
			e = -1;
	}
	closedir(d);
	return e;
}

/* Remove the work folder and everything in it, whatever its depth (it is
 * the converter's, written by what may be a hostile document; its links
 * are never followed): passes of office_rm_walk, each taking the tree
 * OFFICE_RM_DEPTH levels further, until one leaves nothing or makes no
 * progress. 0 when the folder is gone. */
static int
office_rm(const char *work)
{
	unsigned long serial = 0;
	int top = open(work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), r = -1;

	if (top < 0 && errno == EACCES && chmod(work, 0700) == 0)
		top = open(work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top < 0)
		return errno == ENOENT ? 0 : -1;
	if (fchmod(top, 0700) != 0) /* what it stops is counted below */
		(void)0;
	for (;;) {
		size_t done = 0;
		if ((r = office_rm_walk(top, top, 0, &serial, &done)) == 0 || done == 0)
			break;
	}
	close(top);
	return r == 0 && rmdir(work) == 0 ? 0 : -1;
}

/* The landlock attribute as of ABI 6 (older kernels read a prefix). */
struct office_ll_attr {
	uint64_t fs, net, scoped;
};

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#define OFFICE_LL_WRITES \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
	    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | \
	    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)
#define OFFICE_LL_REFER (1ULL << 13)    /* ABI 2 */
#define OFFICE_LL_TRUNCATE (1ULL << 14) /* ABI 3 */
#define OFFICE_LL_NET_BIND (1ULL << 0)  /* ABI 4 */
#define OFFICE_LL_NET_CONNECT (1ULL << 1)
#define OFFICE_LL_SCOPE_UNIX (1ULL << 0) /* ABI 6 */
#define OFFICE_LL_SCOPE_SIGNAL (1ULL << 1)

static int
office_ll_rule(int rfd, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr r = { .allowed_access = access };
	int e;

	if ((r.parent_fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return -1;
	e = (int)syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &r, 0);
	close(r.parent_fd);
	return e;
}

/* Landlock. Writes only beneath work (and to /dev/null; with shared_tmp,
 * when there is no private /tmp, also LibreOffice's instance socket in
 * /tmp). Reads only of the system: its program (/usr and the folder of
 * prog), configuration, fonts and extensions (/etc, /var/cache/fontconfig,
 * /var/spool/libreoffice, /var/lib/libreoffice), /proc and
 * /dev, and work: never the journalist's home, where the keys are (a
 * document that took LibreOffice over could otherwise draw a key into the
 * pixels of its pages). No TCP (ABI 4), no signal or abstract socket
 * outside itself (ABI 6). 1 when in force, 0 when the kernel has no
 * landlock, -1 on failure. */
static int
office_landlock(const char *work, int shared_tmp, const char *progdir)
{
	static const char *const sys_read[] = { "/etc", "/proc", "/dev", "/sys",
		"/var/cache/fontconfig", "/var/spool/libreoffice", "/var/lib/libreoffice", "/bin",
		"/lib", "/lib64", "/sbin" };
	const uint64_t rd = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR,
		       rx = rd | LANDLOCK_ACCESS_FS_EXECUTE;
	struct office_ll_attr a = { 0 };
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	size_t size;
	uint64_t writes;
	int rfd, e = -1;

	if (abi < 1)
		return 0;
	writes = OFFICE_LL_WRITES | (abi >= 2 ? OFFICE_LL_REFER : 0) |
	    (abi >= 3 ? OFFICE_LL_TRUNCATE : 0);
	a.fs = writes | rx;
	a.net = abi >= 4 ? OFFICE_LL_NET_BIND | OFFICE_LL_NET_CONNECT : 0;
	a.scoped = abi >= 6 ? OFFICE_LL_SCOPE_UNIX | OFFICE_LL_SCOPE_SIGNAL : 0;
	size = abi >= 6 ? sizeof a : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
	if ((rfd = (int)syscall(SYS_landlock_create_ruleset, &a, size, 0)) < 0)
		return -1;
	if (office_ll_rule(rfd, work, writes | rd) != 0 ||
	    office_ll_rule(rfd, "/dev/null",
		LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
		    (abi >= 3 ? OFFICE_LL_TRUNCATE : 0)) != 0 ||
	    office_ll_rule(rfd, "/usr", rx) != 0 || office_ll_rule(rfd, progdir, rx) != 0 ||
	    (shared_tmp &&
		office_ll_rule(
		    rfd, "/tmp", LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_READ_DIR) != 0))
		goto out;
	for (size_t i = 0; i < sizeof sys_read / sizeof sys_read[0]; i++)
		if (office_ll_rule(rfd, sys_read[i], rd) != 0 && errno != ENOENT)
			goto out;
	if (syscall(SYS_landlock_restrict_self, rfd, 0) == 0)
		e = 1;
out:
	close(rfd);
	return e;
}

/* Write "ID ID 1" to /proc/self/NAME (our own id mapped to itself). */
static int
office_map(const char *name, unsigned id)
{
	char path[32], map[32];
	int fd, n, ok;

	(void)snprintf(path, sizeof path, "/proc/self/%s", name);
	n = snprintf(map, sizeof map, "%u %u 1", id, id);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	ok = write(fd, map, (size_t)n) == n;
	close(fd);
	return ok ? 0 : -1;
}

/* The child, in new network, mount and PID namespaces when the kernel
 * allows them: cloned straight into them, so that the child is PID 1 of
 * its PID namespace and its pid here is PID 1's; when it ends, or is
 * killed, the kernel kills everything else in the namespace - a helper
 * that left the process group (setsid, a double fork) cannot outlive the
 * conversion. Directly as root, else inside a new user namespace (whose
 * id maps the child writes, office_userns). *ns gets 1 or 2 for these,
 * 0 for a plain fork when the kernel refused both. fork's return value. */
static pid_t
office_clone(int *ns)
{
	const unsigned long f = CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | SIGCHLD;
	long pid;

	if ((pid = syscall(SYS_clone, f, NULL, NULL, NULL, NULL)) >= 0) {
		*ns = 1;
		return (pid_t)pid;
	}
	if ((pid = syscall(SYS_clone, f | CLONE_NEWUSER, NULL, NULL, NULL, NULL)) >= 0) {
		*ns = 2;
		return (pid_t)pid;
	}
	*ns = 0;
	return fork();
}

/* In a new user namespace: map only our own ids (the parent's, given). */
static int
office_userns(uid_t uid, gid_t gid)
{
	int fd;

	if ((fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC)) >= 0) {
		if (write(fd, "deny", 4) != 4) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return office_map("gid_map", (unsigned)gid) == 0 &&
		office_map("uid_map", (unsigned)uid) == 0
	    ? 0
	    : -1;
}

/* The system folders the private root holds (bound from the machine's),
 * or symlinks like the machine's (/bin -> usr/bin on a merged /usr); the
 * program's folder is added when it is outside them. */
static const char *const office_root_dirs[] = { "/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32",
	"/libx32", "/etc", "/sys", "/var/cache/fontconfig", "/var/spool/libreoffice",
	"/var/lib/libreoffice" };
static const char *const office_root_devs[] = { "/dev/null", "/dev/zero", "/dev/random",
	"/dev/urandom" };
#define OFFICE_ROOT "/tmp" /* where the private root is made, before pivot_root */

/* mkdir -p of OFFICE_ROOT + path, in the private root's tmpfs only: a
 * component that exists as anything but a real folder of that tmpfs (a
 * symlink, a bound folder) stops it. */
static int
office_root_mkdir(const char *path)
{
	char p[PATH_MAX];
	struct stat st;
	size_t rl = strlen(OFFICE_ROOT);

	if (snprintf(p, sizeof p, "%s%s", OFFICE_ROOT, path) >= (int)sizeof p)
		return -1;
	for (char *c = p + rl + 1;; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		char keep = *c;
		*c = '\0';
		if (mkdir(p, 0755) != 0) {
			if (errno != EEXIST || lstat(p, &st) != 0 || !S_ISDIR(st.st_mode))
				return -1;
			if (keep == '\0')
				return -1; /* it exists already: a bound folder, or twice */
		}
		*c = keep;
		if (keep == '\0')
			return 0;
	}
}

static int office_root_ro(const char *dst);

/* Add the machine's path to the private root: a folder bound read-only
 * (its own mounts with it, as they are), a device node bound onto an empty
 * file, a symlink copied. Absent: nothing. */
static int
office_root_add(const char *path)
{
	char dst[PATH_MAX], link[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (snprintf(dst, sizeof dst, "%s%s", OFFICE_ROOT, path) >= (int)sizeof dst)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		if ((n = readlink(path, link, sizeof link - 1)) < 0)
			return -1;
		link[n] = '\0';
		return symlink(link, dst);
	}
	if (!S_ISDIR(st.st_mode)) { /* a device node, left writable */
		if ((fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
			return -1;
		close(fd);
		return mount(path, dst, NULL, MS_BIND, NULL);
	}
	if (office_root_mkdir(path) != 0 || mount(path, dst, NULL, MS_BIND | MS_REC, NULL) != 0)
		return -1;
	return office_root_ro(dst);
}

/* The folder bound at dst made read-only, keeping the flags the kernel
 * will not let a user namespace drop. */
static int
office_root_ro(const char *dst)
{
	struct statvfs vfs;

	if (statvfs(dst, &vfs) != 0)
		return -1;
	/* Read-only (in case landlock is missing, when it runs as root), with
	 * the flags the kernel will not let a user namespace drop. */
	return mount(NULL, dst, NULL,
	    MS_REMOUNT | MS_BIND | MS_RDONLY | (vfs.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
		(vfs.f_flag & ST_NODEV ? MS_NODEV : 0) | (vfs.f_flag & ST_NOEXEC ? MS_NOEXEC : 0) |
		(vfs.f_flag & ST_NOATIME ? MS_NOATIME : 0) |
		(vfs.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0) |
		(vfs.f_flag & ST_RELATIME ? MS_RELATIME : 0),
	    NULL);
}

/* 1 when path is one of the root's folders or beneath one. */
static int
office_root_has(const char *path)
{
	for (size_t i = 0; i < sizeof office_root_dirs / sizeof office_root_dirs[0]; i++) {
		size_t l = strlen(office_root_dirs[i]);
		if (strncmp(path, office_root_dirs[i], l) == 0 &&
		    (path[l] == '\0' || path[l] == '/'))
			return 1;
	}
	return 0;
}

static int office_work_make(const struct office_tool *t, int wfd, int infd);

/* In the new mount namespace: a private root of its own, so that nothing
 * of the machine but its system folders is even there - no home, no /run
 * (the session's D-Bus socket, ssh-agent and gpg-agent sockets: landlock
 * does not confine connecting to a named socket), no /media, no machine
 * /tmp (X11's socket), no /dev/shm. It is a tmpfs holding the system
 * folders bound, a /proc, the program's folder, four device
 * nodes, and a /tmp of its own (LibreOffice puts its instance socket in
 * /tmp whatever TMPDIR says): a tmpfs of OFFICE_WORK_BYTES holding the work
 * folder at OFFICE_TMP_WORK, made afresh there (office_work_make, the input
 * copied from the machine's work folder), so that what the converter
 * writes fills at most that tmpfs, and never the machine's TMPDIR. *tfd
 * gets that folder (O_CLOEXEC), which keeps the tmpfs alive for the parent
 * once the namespace is gone. */
static int
office_private_root(const struct office_tool *t, const char *work, const char *progdir, int *tfd)
{
	char opts[64], input[32];
	int wfd, in = -1, twfd = -1, pfd = -1, e = -1;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    (wfd = open(work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	(void)snprintf(input, sizeof input, "document.%s", t->ext);
	(void)snprintf(opts, sizeof opts, "size=%llu,mode=0700", OFFICE_WORK_BYTES);
	if ((in = openat(wfd, input, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto out;
	/* The program's folder, opened before the root's tmpfs hides the
	 * machine's /tmp (where a build, and a test's stand-in, may live). */
	if (!office_root_has(progdir) &&
	    (pfd = open(progdir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out;
	if (mount("tmpfs", OFFICE_ROOT, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=0755") != 0)
		goto out;
	for (size_t i = 0; i < sizeof office_root_dirs / sizeof office_root_dirs[0]; i++)
		if (office_root_add(office_root_dirs[i]) != 0)
			goto out;
	/* /proc: the PID namespace's own (its processes only), else the
	 * machine's bound, where landlock forbids tracing or signalling any
	 * process outside the sandbox. */
	if (office_root_mkdir("/proc") != 0 ||
	    (mount("proc", OFFICE_ROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) !=
		    0 &&
		mount("/proc", OFFICE_ROOT "/proc", NULL, MS_BIND | MS_REC, NULL) != 0))
		goto out;
	if (office_root_mkdir("/dev") != 0)
		goto out;
	for (size_t i = 0; i < sizeof office_root_devs / sizeof office_root_devs[0]; i++)
		if (office_root_add(office_root_devs[i]) != 0)
			goto out;
	if (mkdir(OFFICE_ROOT "/tmp", 0700) != 0 ||
	    mount("tmpfs", OFFICE_ROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0 ||
	    mkdir(OFFICE_ROOT OFFICE_TMP_WORK, 0700) != 0)
		goto out;
	/* After the private /tmp, so that a program's folder beneath /tmp is
	 * bound into it rather than hidden by it. */
	if (pfd >= 0) {
		char src[64], dst[PATH_MAX];

		(void)snprintf(src, sizeof src, "/proc/self/fd/%d", pfd);
		if (snprintf(dst, sizeof dst, "%s%s", OFFICE_ROOT, progdir) >= (int)sizeof dst ||
		    office_root_mkdir(progdir) != 0 ||
		    mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0 || office_root_ro(dst) != 0)
			goto out;
	}
	if ((twfd = open(OFFICE_ROOT OFFICE_TMP_WORK,
		 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    office_work_make(t, twfd, in) != 0)
		goto out;
	/* The tmpfs becomes / and the machine's root is detached beneath it. */
	if (chdir(OFFICE_ROOT) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 ||
	    umount2(".", MNT_DETACH) != 0 || chdir("/") != 0)
		goto out;
	*tfd = twfd;
	twfd = -1;
	e = 0;
out:
	if (twfd >= 0)
		close(twfd);
	if (pfd >= 0)
		close(pfd);
	if (in >= 0)
		close(in);
	close(wfd);
	return e;
}

/* No capability, now or after exec, even as root: the bounding set
 * emptied, root given none at exec (securebits, locked), the ambient set
 * cleared and the process's own sets emptied. Without this, LibreOffice
 * run by root would keep root's capabilities (loading a kernel module,
 * making device nodes, raw I/O: none of them confined by landlock). */
static int
office_nocaps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) != 0)
		return -1;
	if ((d[0].permitted | d[1].permitted) == 0)
		return 0; /* nothing to give up; exec gives none back (not root) */
	for (int c = 0; prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0)
			return -1;
	if (prctl(PR_SET_SECUREBITS,
		SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
		    SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED,
		0, 0, 0) != 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		return -1;
	memset(d, 0, sizeof d);
	return syscall(SYS_capset, &h, d) == 0 ? 0 : -1;
}

/* What the child tells the parent before exec (the pipe closes on exec). */
struct office_msg {
	int stage; /* 0: exec'd; else the step that failed */
	int err;   /* its errno */
	int netns; /* 1: own network namespace and private /tmp */
	int ll;    /* 1: landlock in force */
};

enum {
	OFFICE_STAGE_STDIO = 1,
	OFFICE_STAGE_NETNS,
	OFFICE_STAGE_LIMITS,
	OFFICE_STAGE_LANDLOCK,
	OFFICE_STAGE_EXEC
};

/* Send m to the parent as one packet, with the descriptor fd when it is
 * not -1. */
static int
office_send(int sp, const struct office_msg *m, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} c;
	struct office_msg copy = *m; /* iovec takes a mutable pointer */
	struct iovec iov = { &copy, sizeof copy };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memset(&c, 0, sizeof c);
	if (fd >= 0) {
		mh.msg_control = c.b;
		mh.msg_controllen = sizeof c.b;
		CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &fd, sizeof fd);
	}
	for (;;) {
		ssize_t n = sendmsg(sp, &mh, MSG_NOSIGNAL);
		if (n == (ssize_t)sizeof *m)
			return 0;
		if (n >= 0 || errno != EINTR)
			return SD_ERR_IO;
	}
}

/* Receive one packet from the child into *m: its size (0 at end, when the
 * child exec'd or died), -1 on error. A descriptor that came with it goes
 * to *fd when *fd is -1, else it is closed. */
static ssize_t
office_recv(int sp, struct office_msg *m, int *fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} c;
	struct iovec iov = { m, sizeof *m };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof c.b
	};
	ssize_t n;

	while ((n = recvmsg(sp, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return -1;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); h != NULL; h = CMSG_NXTHDR(&mh, h)) {
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS ||
		    h->cmsg_len < CMSG_LEN(0))
			continue;
		for (size_t i = 0; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int got;
			memcpy(&got, CMSG_DATA(h) + i * sizeof(int), sizeof got);
			if (*fd < 0)
				*fd = got;
			else
				close(got);
		}
	}
	return n;
}

/* The child: work is the work folder's path. Inside its namespaces it
 * works in a copy of the folder at OFFICE_TMP_WORK, in its own bounded
 * /tmp (sent to the parent with the message before exec), else in work. */
static _Noreturn void
office_child(const struct office_tool *t, const char *work, int sp, int ns, uid_t uid, gid_t gid)
{
	const char *soffice = t->prog, *ext = t->ext;
	char env_home[PATH_MAX + 8], env_tmp[PATH_MAX + 8], profile[PATH_MAX + 40],
	    outdir[PATH_MAX + 8], input[PATH_MAX], progdir[PATH_MAX];
	struct office_msg m = { 0 };
	struct rlimit r;
	int nul, ll, tfd = -1;

	(void)setpgid(0, 0);
	m.stage = OFFICE_STAGE_STDIO;
	if ((nul = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 || dup2(nul, 0) < 0 ||
	    dup2(nul, 1) < 0 || dup2(nul, 2) < 0 || dup2(sp, 3) < 0)
		goto fail;
	sp = 3;
	(void)fcntl(sp, F_SETFD, FD_CLOEXEC);
	(void)close_range(4, ~0u, 0);
	(void)snprintf(progdir, sizeof progdir, "%s", soffice);
	if (strrchr(progdir, '/') != NULL && strrchr(progdir, '/') != progdir)
		*strrchr(progdir, '/') = '\0';
	m.stage = OFFICE_STAGE_NETNS;
	m.netns = ns != 0;
	if (ns == 2 && office_userns(uid, gid) != 0)
		goto fail;
	if (m.netns) {
		if (office_private_root(t, work, progdir, &tfd) != 0)
			goto fail;
		work = OFFICE_TMP_WORK;
	}
	if (chdir(work) != 0) /* soffice's script returns to its start folder */
		goto fail;
	m.stage = OFFICE_STAGE_LIMITS;
	r = (struct rlimit){ OFFICE_CPU_SECONDS, OFFICE_CPU_SECONDS + 1 };
	if (setrlimit(RLIMIT_CPU, &r) != 0)
		goto fail;
	r = (struct rlimit){ OFFICE_AS_BYTES, OFFICE_AS_BYTES };
	if (setrlimit(RLIMIT_AS, &r) != 0)
		goto fail;
	r = (struct rlimit){ OFFICE_FSIZE_BYTES, OFFICE_FSIZE_BYTES };
	if (setrlimit(RLIMIT_FSIZE, &r) != 0)
		goto fail;
	r = (struct rlimit){ OFFICE_NPROC, OFFICE_NPROC };
	if (setrlimit(RLIMIT_NPROC, &r) != 0)
		goto fail;
	r = (struct rlimit){ OFFICE_NOFILE, OFFICE_NOFILE };
	if (setrlimit(RLIMIT_NOFILE, &r) != 0 ||
	    setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 }) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || office_nocaps() != 0)
		goto fail;
	m.stage = OFFICE_STAGE_LANDLOCK;
	/* Writes: the private /tmp (holding the work folder), else the folder. */
	if ((ll = office_landlock(m.netns ? "/tmp" : work, !m.netns, progdir)) < 0)
		goto fail;
	m.ll = ll;
	(void)snprintf(env_home, sizeof env_home, "HOME=%s/home", work);
	(void)snprintf(env_tmp, sizeof env_tmp, "TMPDIR=%s/tmp", work);
	(void)snprintf(profile, sizeof profile, "-env:UserInstallation=file://%s/profile", work);
	(void)snprintf(outdir, sizeof outdir, "%s/out", work);
	(void)snprintf(input, sizeof input, "%s/document.%s", work, ext);
	{
		/* execve takes mutable strings: copies of the constants. */
		static char opt[][16] = { "--headless", "--invisible", "--nodefault",
			"--nolockcheck", "--nologo", "--norestore", "--convert-to", "pdf",
			"--outdir" };
		static char env[][24] = { "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
			"SAL_USE_VCLPLUGIN=svp", "OMP_THREAD_LIMIT=1" };
		static char sh_c[] = "-c", script[] = OFFICE_OCR_SCRIPT;
		char prog[PATH_MAX];
		(void)snprintf(prog, sizeof prog, "%s", soffice);
		char *const argv[] = { prog, profile, opt[0], opt[1], opt[2], opt[3], opt[4],
			opt[5], opt[6], opt[7], opt[8], outdir, input, NULL };
		char *const ocr_argv[] = { prog, sh_c, script, NULL };
		char *const envp[] = { env_home, env_tmp, env[0], env[1], env[2], env[3], NULL };
		m.stage = 0;
		/* Sent before exec, with the private work folder: the socket
		 * closes on a successful exec. */
		if (office_send(sp, &m, tfd) != 0)
			_exit(126);
		execve(prog, t->ocr ? ocr_argv : argv, envp);
		m.stage = OFFICE_STAGE_EXEC;
	}
fail:
	m.err = errno;
	/* Exiting either way: a message that cannot be sent leaves the
	 * parent with "no word from it". */
	sd_ignore(office_send(sp, &m, -1));
	_exit(127);
}

/* Milliseconds since t0. */
static long
office_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Wait for the converter with a wall-clock limit; the whole process group
 * is killed in every case. 1 when it exited (status in *st), 0 on timeout. */
static int
office_wait(pid_t pid, unsigned timeout_ms, int *st)
{
	struct timespec t0, nap = { 0, 50 * 1000000L };
	int done = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t w = waitpid(pid, st, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR)) {
			done = w == pid;
			break;
		}
		if (office_ms(&t0) >= (long)timeout_ms)
			break;
		(void)nanosleep(&nap, NULL);
	}
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL); /* also out of its group: PID 1 of its namespace */
	if (!done) {
		while (waitpid(pid, st, 0) < 0 && errno == EINTR)
			;
	}
	/* Its helpers, orphaned to us (the caller made us their subreaper)
	 * and killed with the group: reaped, so none is left even as a
	 * zombie. */
	for (;;) {
		int x;
		if (waitpid(-pid, &x, 0) < 0 && errno != EINTR)
			break;
	}
	return done;
}

/* Copy the first len bytes of infd into a new file dirfd/name. */
static int
office_copy_in(int infd, int dirfd, const char *name)
{
	unsigned char b[65536];
	uint64_t total = 0;
	int fd, e = 0;

	if (lseek(infd, 0, SEEK_SET) != 0 ||
	    (fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) <
		0)
		return SD_ERR_IO;
	for (;;) {
		size_t got = 0;
		if ((e = sd_read_full(infd, b, sizeof b, &got)) != 0 || got == 0)
			break;
		if ((total += got) > CLEAN_OFFICE_IN_MAX) {
			e = CLEAN_E_LIMIT;
			break;
		}
		if ((e = sd_write_full(fd, b, got)) != 0)
			break;
	}
	if (close(fd) != 0 && e == 0)
		e = SD_ERR_IO;
	return e;
}

/* Copy the PDF out/document.pdf of the work folder dirfd, when it is at
 * most CLEAN_OFFICE_PDF_MAX, to outfd. Both names are the converter's to
 * make: neither is followed as a symlink (out pointing at a folder of the
 * journalist's that holds a document.pdf), and anything but a regular file
 * is refused without blocking (a FIFO would have no writer left). */
static int
office_copy_out(const struct office_tool *t, int dirfd, int outfd, struct clean_report *rep)
{
	unsigned char b[65536];
	struct stat st;
	int dfd, fd, e = 0;

	if ((dfd = openat(dirfd, "out", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		clean_set_error(rep, "%s replaced its output folder", t->name);
		return CLEAN_E_MALFORMED;
	}
	fd = openat(dfd, "document.pdf", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0) {
		clean_set_error(rep, "%s wrote no PDF (it could not read the document)", t->name);
		return CLEAN_E_MALFORMED;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		clean_set_error(rep, "%s's output is not a regular file", t->name);
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if ((uint64_t)st.st_size > CLEAN_OFFICE_PDF_MAX || st.st_size == 0) {
		if (st.st_size == 0)
			clean_set_error(rep, "%s wrote an empty PDF", t->name);
		else
			clean_set_error(
			    rep, "%s's PDF is over %u MiB", t->name, CLEAN_OFFICE_PDF_MAX >> 20);
		e = CLEAN_E_LIMIT;
		goto out;
	}
	for (;;) {
		size_t got = 0;
		if ((e = sd_read_full(fd, b, sizeof b, &got)) != 0 || got == 0)
			break;
		if ((e = sd_write_full(outfd, b, got)) != 0)
			break;
	}
out:
	close(fd);
	return e;
}

/* LibreOffice's settings in the new profile, before its first start: no
 * macro of any kind runs (a document's Basic or its event bindings, nor a
 * script of the installation a document names), whatever the default
 * security level of this LibreOffice. */
#define OFFICE_PROFILE_XCU \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" " \
	"xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" " \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n" \
	"<item oor:path=\"/org.openoffice.Office.Common/Security/Scripting\">" \
	"<prop oor:name=\"DisableMacrosExecution\" oor:op=\"fuse\"><value>true</value></prop></item>\n" \
	"<item oor:path=\"/org.openoffice.Office.Common/Security/Scripting\">" \
	"<prop oor:name=\"MacroSecurityLevel\" oor:op=\"fuse\"><value>3</value></prop></item>\n" \
	"<item oor:path=\"/org.openoffice.Office.Common/Security/Scripting\">" \
	"<prop oor:name=\"BlockUntrustedRefererLinks\" oor:op=\"fuse\"><value>true</value></prop></item>\n" \
	"</oor:items>\n"

static int
office_profile(int wfd)
{
	int fd = openat(wfd, "profile/user/registrymodifications.xcu",
		O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600),
	    e;

	if (fd < 0)
		return SD_ERR_IO;
	e = sd_write_full(fd, OFFICE_PROFILE_XCU, sizeof OFFICE_PROFILE_XCU - 1);
	if (close(fd) != 0 && e == 0)
		e = SD_ERR_IO;
	return e;
}

/* Fill the new work folder wfd: its folders, the profile (for
 * LibreOffice) and the input, document.EXT, copied from infd. */
static const char *const office_work_dirs[] = { "home", "tmp", "out", "profile", "profile/user" };

static int
office_work_make(const struct office_tool *t, int wfd, int infd)
{
	char name[24];
	int e;

	for (size_t i = 0; i < sizeof office_work_dirs / sizeof office_work_dirs[0]; i++)
		if (mkdirat(wfd, office_work_dirs[i], 0700) != 0)
			return SD_ERR_IO;
	if (!t->ocr && (e = office_profile(wfd)) != 0)
		return e;
	(void)snprintf(name, sizeof name, "document.%s", t->ext);
	return office_copy_in(infd, wfd, name);
}

/* The work folder: TMPDIR when it is an absolute path that fits, else
 * /tmp. */
static int
office_workdir(char *work, size_t sz)
{
	const char *t = getenv("TMPDIR");

	if (t == NULL || t[0] != '/' || strlen(t) > 200)
		t = "/tmp";
	if (snprintf(work, sz, "%s/sealdrop-office-XXXXXX", t) >= (int)sz)
		return SD_ERR_TOOLONG;
	return mkdtemp(work) == NULL ? SD_ERR_IO : 0;
}

/* Run tool on the document on infd in the sandbox; the PDF it writes goes
 * to outfd. */
static int
office_run(
    const struct office_tool *t, int infd, int outfd, unsigned timeout_ms, struct clean_report *rep)
{
	char work[256] = "";
	struct office_msg m = { .stage = -1 };
	struct statvfs vfs;
	int wfd = -1, tfd = -1, sp[2] = { -1, -1 }, st = 0, subreaper = 0, e, exited, ns = 0;
	ssize_t got = 0;
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t pid;

	if ((e = office_workdir(work, sizeof work)) != 0)
		return e;
	if ((wfd = open(work, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		e = SD_ERR_IO;
		goto out;
	}
	if ((e = office_work_make(t, wfd, infd)) != 0) {
		if (e == CLEAN_E_LIMIT)
			clean_set_error(rep, "document too large to convert (over %u MiB)",
			    CLEAN_OFFICE_IN_MAX >> 20);
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) {
		e = SD_ERR_IO;
		goto out;
	}
	fflush(NULL);
	/* Helpers that outlive the launcher are orphaned to us, not to init,
	 * so that office_wait can reap them. */
	if (prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0) != 0 ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
		e = SD_ERR_IO;
		goto out;
	}
	if ((pid = office_clone(&ns)) < 0) {
		(void)prctl(PR_SET_CHILD_SUBREAPER, subreaper, 0, 0, 0);
		e = SD_ERR_IO;
		goto out;
	}
	if (pid == 0) {
		close(sp[0]);
		office_child(t, work, sp[1], ns, uid, gid);
	}
	close(sp[1]);
	sp[1] = -1;
	(void)setpgid(pid, pid); /* also from here: no kill(-pid) before it exists */
	if ((got = office_recv(sp[0], &m, &tfd)) < 0)
		got = 0; /* no message: said below as "no word from it" */
	exited = office_wait(pid, timeout_ms, &st);
	(void)prctl(PR_SET_CHILD_SUBREAPER, subreaper, 0, 0, 0);
	if (got == sizeof m && m.stage == 0) { /* a second message: exec failed */
		struct office_msg m2 = { 0 };
		if (office_recv(sp[0], &m2, &tfd) == (ssize_t)sizeof m2)
			m = m2;
	}
	if (got != sizeof m || m.stage != 0) {
		static const char *const step[] = { "?", "its standard descriptors",
			"its namespaces", "its limits", "landlock", "starting it" };
		clean_set_error(rep, "%s's sandbox could not be set up (%s: %s)", t->name,
		    got == sizeof m && m.stage > 0 && m.stage <= OFFICE_STAGE_EXEC
			? step[m.stage]
			: "no word from it",
		    got == sizeof m ? strerror(m.err) : "?");
		e = CLEAN_E_INTERNAL;
		goto out;
	}
	if (!m.netns)
		clean_note_kept(rep,
		    "%s ran without a network namespace, a private "
		    "root or a PID namespace (the kernel refused them): it relied on this "
		    "machine being offline, could make its instance socket in /tmp, could "
		    "connect to this machine's named sockets (the session's D-Bus, agents), "
		    "a helper that left its process group could outlive it, and what it "
		    "wrote in TMPDIR was bounded only file by file",
		    t->name);
	if (!m.ll)
		clean_note_kept(rep,
		    "%s ran without landlock (this kernel has none): "
		    "its reads and writes were not confined",
		    t->name);
	if (!exited) {
		clean_set_error(rep,
		    "%s did not finish the conversion within its "
		    "time limit (%u s) and was stopped",
		    t->name, (timeout_ms + 999) / 1000);
		e = CLEAN_E_LIMIT;
		goto out;
	}
	/* Its work space full: whatever it wrote may be cut short. */
	if (tfd >= 0 && fstatvfs(tfd, &vfs) == 0 &&
	    (uint64_t)vfs.f_bavail * vfs.f_frsize < OFFICE_WORK_FULL) {
		clean_set_error(rep, "%s filled its work space (its limit is %llu MiB)", t->name,
		    OFFICE_WORK_BYTES >> 20);
		e = CLEAN_E_LIMIT;
		goto out;
	}
	if (WIFSIGNALED(st)) {
		clean_set_error(rep, "%s was killed (signal %d: %s)", t->name, WTERMSIG(st),
		    WTERMSIG(st) == SIGXCPU       ? "its CPU time limit"
			: WTERMSIG(st) == SIGXFSZ ? "its file size limit"
						  : "it crashed");
		e = CLEAN_E_CRASH;
		goto out;
	}
	/* Its output: in its own /tmp when it had one, else in the folder. */
	e = office_copy_out(t, tfd >= 0 ? tfd : wfd, outfd, rep);
out:
	if (tfd >= 0)
		close(tfd); /* the last reference to its /tmp: freed */
	if (sp[0] >= 0)
		close(sp[0]);
	if (sp[1] >= 0)
		close(sp[1]);
	if (wfd >= 0)
		close(wfd);
	if (work[0] == '/' && office_rm(work) != 0)
		clean_note_kept(rep,
		    "%s's work folder could not be removed entirely (%s): "
		    "remove it by hand",
		    t->name, work);
	return e;
}

int
clean_office_pdf(
    int infd, const char *mime, int outfd, unsigned timeout_ms, struct clean_report *rep)
{
	struct office_tool t = { "LibreOffice", office_soffice(), office_ext(mime), 0 };

	if (t.ext == NULL)
		return CLEAN_E_UNSUPPORTED;
	if (t.prog == NULL) {
		clean_set_error(rep,
		    "LibreOffice is not installed (install "
		    "libreoffice-writer-nogui, -calc-nogui and -impress-nogui)");
		return CLEAN_E_UNSUPPORTED;
	}
	return office_run(&t, infd, outfd, timeout_ms, rep);
}

int
clean_ocr_pdf(int infd, int outfd, unsigned timeout_ms, struct clean_report *rep)
{
	struct office_tool t = { "The OCR", "/bin/sh", "pdf", 1 };

	if (access("/usr/bin/tesseract", X_OK) != 0 || access("/usr/bin/mutool", X_OK) != 0 ||
	    access("/usr/share/tesseract-ocr/5/tessdata/fra.traineddata", R_OK) != 0 ||
	    access("/usr/share/tesseract-ocr/5/tessdata/eng.traineddata", R_OK) != 0) {
		clean_set_error(rep,
		    "the OCR is not installed (install tesseract-ocr, "
		    "tesseract-ocr-eng, tesseract-ocr-fra and mupdf-tools)");
		return CLEAN_E_UNSUPPORTED;
	}
	return office_run(&t, infd, outfd, timeout_ms, rep);
}
