/*
 * sandbox.c - what the daemons (sealdrop-source, sealdrop-journalist) give
 * up once their socket is bound, before the first thread starts:
 *
 *  - no new privileges ever (PR_SET_NO_NEW_PRIVS);
 *  - landlock (ABI 2 or later: ABI 1 cannot rename between directories of
 *    the spool), in a process that still has one thread: of the whole file
 *    system only the instance directory stays reachable (read, write, create, rename, remove: never execute, never a
 *    device, fifo, socket or symlink), TCP bind/connect are refused, and
 *    signals and abstract sockets cannot reach outside processes, as far as
 *    the running kernel's landlock ABI goes (templates, static files and
 *    catalogues are embedded, so nothing else is read after start-up);
 *  - a seccomp allow-list on every thread: the system calls the daemons make
 *    (memory, threads, files, the accepted connections, time, randomness);
 *    new processes, programs, tracing, new sockets and outgoing connections,
 *    mounts, modules, kexec, BPF and keyrings kill the process; anything
 *    else fails with EPERM (clone3 with ENOSYS, so glibc falls back to
 *    clone, whose flags the filter can read: threads only). chmod, and
 *    utimensat by path, are refused: landlock does not cover them.
 *
 * Landlock is applied per thread and before any thread exists, so every
 * libmicrohttpd thread inherits it. A kernel without landlock gets the rest
 * and web_sandbox says so (*landlock_abi = 0); seccomp and no_new_privs are
 * required. Sanitizer builds skip it all (*landlock_abi = -1) (their runtime reads /proc and may
 * exec a symboliser).
 */
#include "sandbox.h"
#include "sderr.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <seccomp.h>

/* Landlock access rights newer than the build host's header (stable ABI). */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#define WEB_LL_NET_BIND_TCP (1ULL << 0)
#define WEB_LL_NET_CONNECT_TCP (1ULL << 1)
#define WEB_LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define WEB_LL_SCOPE_SIGNAL (1ULL << 1)
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* Namespace flags a thread never needs. */
#define WEB_CLONE_NS \
	((scmp_datum_t)(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
	    CLONE_NEWNET | CLONE_NEWCGROUP))

/* struct landlock_ruleset_attr as of ABI 6; older kernels get a prefix. */
struct web_ll_attr {
	uint64_t fs, net, scoped;
};

/* What the instance directory keeps: all but execute, devices, fifos,
 * sockets and symlinks. */
#define WEB_LL_INSTANCE \
	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | \
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE)

/* The access rights of a landlock ABI from 2 on (bits 0..13 in ABI 2, then
 * one more in ABI 3 and 5) and the size of the attribute it reads. */
static void
ll_attr_for(int abi, struct web_ll_attr *a, size_t *size)
{
	unsigned bits = abi >= 5 ? 16 : abi >= 3 ? 15 : 14;

	a->fs = (1ULL << bits) - 1;
	a->net = abi >= 4 ? WEB_LL_NET_BIND_TCP | WEB_LL_NET_CONNECT_TCP : 0;
	a->scoped = abi >= 6 ? WEB_LL_SCOPE_ABSTRACT_UNIX | WEB_LL_SCOPE_SIGNAL : 0;
	*size = abi >= 6 ? sizeof *a : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
}

int
web_landlock(const char *dir, int *abi_out)
{
	struct landlock_path_beneath_attr rule = { 0 };
	struct web_ll_attr attr;
	size_t size;
	long abi;
	int rfd = -1, e = SD_ERR_IO;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 2) {
		/* Not built in, turned off, or refused by an outer filter (a
		 * container's seccomp): run without it, and say so. ABI 1 has no
		 * REFER right, so it would refuse every rename from spool/tmp into
		 * a source's directory: treated as none. */
		if (abi < 0 && errno != ENOSYS && errno != EOPNOTSUPP && errno != EPERM)
			return SD_ERR_IO;
		*abi_out = 0;
		return 0;
	}
	ll_attr_for((int)abi, &attr, &size);
	rule.allowed_access = WEB_LL_INSTANCE & attr.fs;
	if ((rule.parent_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out;
	rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (rfd < 0 ||
	    syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0 ||
	    syscall(SYS_landlock_restrict_self, rfd, 0) != 0)
		goto out;
	*abi_out = (int)abi;
	e = 0;
out:
	if (rule.parent_fd >= 0)
		close(rule.parent_fd);
	if (rfd >= 0)
		close(rfd);
	return e;
}

/* One argument comparison (SCMP_A0() leaves datum_b to the compiler). */
static struct scmp_arg_cmp
cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp c = { .arg = arg, .op = op, .datum_a = a, .datum_b = b };

	return c;
}

/* Rules beyond plain allow: threads only (no namespace flags), signals
 * to ourselves only, prctl only to name a thread, prlimit only to read our
 * own, utimensat only on a descriptor (futimens: chmod, chown and utimes by
 * path are not landlock's to refuse), fcntl only for flags, locks and
 * duplicates (not F_SETOWN/F_SETSIG, which can signal other processes). */
static int
seccomp_narrow(scmp_filter_ctx ctx)
{
	static const int fcntl_ok[] = {
		F_DUPFD,
		F_DUPFD_CLOEXEC,
		F_GETFD,
		F_SETFD,
		F_GETFL,
		F_SETFL,
		F_GETLK,
		F_SETLK,
		F_SETLKW,
		F_OFD_GETLK,
		F_OFD_SETLK,
		F_OFD_SETLKW,
	};
	const scmp_datum_t self = (scmp_datum_t)getpid();

	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
		cmp(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD | WEB_CLONE_NS, CLONE_THREAD)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), 1,
		cmp(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0 ||
	    seccomp_rule_add(
		ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, cmp(0, SCMP_CMP_EQ, self, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
		cmp(0, SCMP_CMP_EQ, PR_SET_NAME, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2, cmp(0, SCMP_CMP_EQ, 0, 0),
		cmp(2, SCMP_CMP_EQ, 0, 0)) != 0 ||
	    seccomp_rule_add(
		ctx, SCMP_ACT_ALLOW, SCMP_SYS(utimensat), 1, cmp(1, SCMP_CMP_EQ, 0, 0)) != 0)
		return SD_ERR_IO;
	for (size_t i = 0; i < sizeof fcntl_ok / sizeof fcntl_ok[0]; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
			cmp(1, SCMP_CMP_EQ, (scmp_datum_t)fcntl_ok[i], 0)) != 0)
			return SD_ERR_IO;
	return 0;
}

/* Add one action for a list of system calls; a call this architecture does
 * not have (a negative pseudo number) is skipped. */
static int
seccomp_add_all(scmp_filter_ctx ctx, uint32_t action, const int *calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (calls[i] >= 0 && seccomp_rule_add(ctx, action, calls[i], 0) != 0)
			return SD_ERR_IO;
	return 0;
}

static int
seccomp_lists(scmp_filter_ctx ctx)
{
	static const int allow[] = {
		/* memory (mlock: sodium_malloc) */
		SCMP_SYS(brk),
		SCMP_SYS(mmap),
		SCMP_SYS(munmap),
		SCMP_SYS(mremap),
		SCMP_SYS(mprotect),
		SCMP_SYS(madvise),
		SCMP_SYS(mlock),
		SCMP_SYS(mlock2),
		SCMP_SYS(munlock),
		/* threads and signals */
		SCMP_SYS(set_robust_list),
		SCMP_SYS(rseq),
		SCMP_SYS(exit),
		SCMP_SYS(exit_group),
		SCMP_SYS(futex),
		SCMP_SYS(gettid),
		SCMP_SYS(getpid),
		SCMP_SYS(sched_yield),
		SCMP_SYS(sched_getaffinity),
		SCMP_SYS(rt_sigprocmask),
		SCMP_SYS(rt_sigaction),
		SCMP_SYS(rt_sigreturn),
		SCMP_SYS(rt_sigtimedwait),
		SCMP_SYS(restart_syscall),
		SCMP_SYS(sigaltstack),
		SCMP_SYS(getuid),
		SCMP_SYS(geteuid),
		SCMP_SYS(getgid),
		SCMP_SYS(getegid),
		SCMP_SYS(sysinfo),
		/* time and randomness */
		SCMP_SYS(clock_gettime),
		SCMP_SYS(clock_getres),
		SCMP_SYS(clock_nanosleep),
		SCMP_SYS(nanosleep),
		SCMP_SYS(gettimeofday),
		SCMP_SYS(time),
		SCMP_SYS(getrandom),
		/* descriptors */
		SCMP_SYS(read),
		SCMP_SYS(write),
		SCMP_SYS(readv),
		SCMP_SYS(writev),
		SCMP_SYS(pread64),
		SCMP_SYS(pwrite64),
		SCMP_SYS(lseek),
		SCMP_SYS(close),
		SCMP_SYS(dup),
		SCMP_SYS(dup3),
		SCMP_SYS(sendfile),
		SCMP_SYS(fsync),
		SCMP_SYS(fdatasync),
		SCMP_SYS(ftruncate),
		SCMP_SYS(fallocate),
		SCMP_SYS(eventfd2),
		SCMP_SYS(pipe2),
		SCMP_SYS(poll),
		SCMP_SYS(ppoll),
		/* files (landlock keeps them inside the instance) */
		SCMP_SYS(openat),
		SCMP_SYS(open),
		SCMP_SYS(newfstatat),
		SCMP_SYS(fstat),
		SCMP_SYS(stat),
		SCMP_SYS(lstat),
		SCMP_SYS(statx),
		SCMP_SYS(fstatfs),
		SCMP_SYS(statfs),
		SCMP_SYS(getdents64),
		SCMP_SYS(unlink),
		SCMP_SYS(unlinkat),
		SCMP_SYS(rename),
		SCMP_SYS(renameat),
		SCMP_SYS(renameat2),
		SCMP_SYS(mkdir),
		SCMP_SYS(mkdirat),
		SCMP_SYS(rmdir),
		SCMP_SYS(link),
		SCMP_SYS(linkat),
		SCMP_SYS(fchown),
		SCMP_SYS(fchmod),
		SCMP_SYS(umask),
		SCMP_SYS(access),
		SCMP_SYS(faccessat),
		SCMP_SYS(readlink),
		SCMP_SYS(readlinkat),
		SCMP_SYS(getcwd),
		SCMP_SYS(flock),
		/* the connections libmicrohttpd accepts */
		SCMP_SYS(accept4),
		SCMP_SYS(accept),
		SCMP_SYS(recvfrom),
		SCMP_SYS(recvmsg),
		SCMP_SYS(sendto),
		SCMP_SYS(sendmsg),
		SCMP_SYS(shutdown),
		SCMP_SYS(getsockopt),
		SCMP_SYS(setsockopt),
		SCMP_SYS(getsockname),
		SCMP_SYS(getpeername),
	};
	static const int deadly[] = {
		SCMP_SYS(fork),
		SCMP_SYS(vfork),
		SCMP_SYS(execve),
		SCMP_SYS(execveat),
		SCMP_SYS(kill),
		SCMP_SYS(tkill),
		SCMP_SYS(ptrace),
		SCMP_SYS(process_vm_readv),
		SCMP_SYS(process_vm_writev),
		SCMP_SYS(socket),
		SCMP_SYS(socketpair),
		SCMP_SYS(connect),
		SCMP_SYS(bind),
		SCMP_SYS(listen),
		SCMP_SYS(mount),
		SCMP_SYS(umount2),
		SCMP_SYS(pivot_root),
		SCMP_SYS(chroot),
		SCMP_SYS(init_module),
		SCMP_SYS(finit_module),
		SCMP_SYS(delete_module),
		SCMP_SYS(kexec_load),
		SCMP_SYS(kexec_file_load),
		SCMP_SYS(bpf),
		SCMP_SYS(perf_event_open),
		SCMP_SYS(keyctl),
		SCMP_SYS(add_key),
		SCMP_SYS(request_key),
		SCMP_SYS(userfaultfd),
		SCMP_SYS(setns),
		SCMP_SYS(unshare),
		SCMP_SYS(personality),
		SCMP_SYS(swapon),
		SCMP_SYS(swapoff),
		SCMP_SYS(reboot),
	};
	int e;

	if ((e = seccomp_add_all(ctx, SCMP_ACT_ALLOW, allow, sizeof allow / sizeof allow[0])) !=
		0 ||
	    (e = seccomp_add_all(
		 ctx, SCMP_ACT_KILL_PROCESS, deadly, sizeof deadly / sizeof deadly[0])) != 0)
		return e;
	return seccomp_narrow(ctx);
}

int
web_seccomp(void)
{
	scmp_filter_ctx ctx = NULL;
	int e = SD_ERR_IO;

	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL)
		return SD_ERR_NOMEM;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) != 0 || (e = seccomp_lists(ctx)) != 0)
		goto out;
	e = seccomp_load(ctx) == 0 ? 0 : SD_ERR_IO;
out:
	seccomp_release(ctx);
	return e;
}

/* 0 when the process has one thread (landlock would miss the others),
 * SD_ERR_STATE when it has more; 0 too when /proc cannot tell. */
static int
one_thread(void)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nThreads:")) == NULL)
		return 0;
	p += strlen("\nThreads:");
	while (*p == ' ' || *p == '\t')
		p++;
	return p[0] == '1' && p[1] == '\n' ? 0 : SD_ERR_STATE;
}

int
web_sandbox(const char *instance, int *landlock_abi)
{
	int abi = 0, e;

#if defined(__SANITIZE_ADDRESS__)
	(void)instance, (void)abi, (void)e;
	*landlock_abi = -1;
	return 0;
#endif
	if ((e = one_thread()) != 0)
		return e;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return SD_ERR_IO;
	if ((e = web_landlock(instance, &abi)) != 0 || (e = web_seccomp()) != 0)
		return e;
	*landlock_abi = abi;
	return 0;
}
