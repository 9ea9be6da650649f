/*
 * test_sandbox.c - unit tests of web/sandbox: each case forks a child that
 * enters (part of) the sandbox and reports the first check that went
 * wrong as its exit status, or dies of the signal the filter sends.
 *
 *  - landlock: inside the directory, files and directories are made,
 *    written, read, renamed and removed; outside it (a sibling directory,
 *    /etc) nothing opens, and no fifo or symlink is made inside it;
 *    (the ABI web_landlock reports is the kernel's, asked directly);
 *  - seccomp: threads, files and time still work; an ioctl or another
 *    prctl fails with EPERM, and so do chmod and utimensat by path,
 *    prlimit on another process, tgkill to another process, fcntl
 *    F_SETOWN; clone3 gets ENOSYS; a new socket, a program, a new process,
 *    a signal to another process and ptrace each kill the process (SIGSYS);
 *  - web_sandbox: the two together, as the daemons enter them, and refused
 *    in a process that already has a second thread.
 *
 * Children end with _exit so that no sanitizer runtime runs at exit inside
 * the filter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "sderr.h"
#include "sdtree.h"

static char base[64], inside[96], outside[128];

/* Run fn in a child; its wait status. */
static int
in_child(int (*fn)(void))
{
	int status = 0;
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0)
		_exit(fn());
	assert_int_equal(waitpid(p, &status, 0), p);
	return status;
}

/* The kernel's landlock ABI asked directly, not through web_landlock. */
static int
kernel_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U /* VERSION */);

	return abi < 0 ? 0 : (int)abi;
}

/* The ABI web_landlock reports, from a child. */
static int
landlock_abi(void)
{
	int abi = 0;
	pid_t p = fork();

	if (p == 0)
		_exit(web_landlock(base, &abi) == 0 ? abi : 255);
	(void)waitpid(p, &abi, 0);
	return WIFEXITED(abi) ? WEXITSTATUS(abi) : 255;
}

static int
opens(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int
landlock_child(void)
{
	char a[160], b[160];
	int abi = 0;

	if (web_landlock(inside, &abi) != 0 || abi < 1)
		return 1;
	(void)snprintf(a, sizeof a, "%s/d", inside);
	(void)snprintf(b, sizeof b, "%s/d/f", inside);
	if (mkdir(a, 0700) != 0 || !opens(b, O_WRONLY | O_CREAT))
		return 2;
	(void)snprintf(a, sizeof a, "%s/g", inside);
	if (rename(b, a) != 0 || !opens(a, O_RDONLY) || unlink(a) != 0)
		return 3;
	(void)snprintf(a, sizeof a, "%s/d", inside);
	if (rmdir(a) != 0)
		return 4;
	(void)snprintf(a, sizeof a, "%s/secret", outside);
	if (opens(a, O_RDONLY) || errno != EACCES)
		return 5;
	if (opens("/etc/passwd", O_RDONLY) || opens(outside, O_RDONLY | O_DIRECTORY))
		return 6;
	(void)snprintf(a, sizeof a, "%s/new", outside);
	if (opens(a, O_WRONLY | O_CREAT))
		return 7;
	(void)snprintf(a, sizeof a, "%s/fifo", inside);
	(void)snprintf(b, sizeof b, "%s/link", inside);
	if (mkfifo(a, 0600) == 0 || symlink("/etc/passwd", b) == 0)
		return 8;
	return 0;
}

static void
test_landlock(void **state)
{
	(void)state;
	if (kernel_abi() < 2) { /* ABI 1 cannot rename between directories */
		assert_int_equal(landlock_abi(), 0);
		print_message("this kernel has no landlock ABI 2: not tested here\n");
		skip();
	}
	assert_int_equal(landlock_abi(), kernel_abi());
	int st = in_child(landlock_child);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void *
thread_main(void *arg)
{
	return arg;
}

static int
enter_seccomp(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && web_seccomp() == 0;
}

/* The calls allowed only with some arguments. */
static int
seccomp_narrowed(void)
{
	char path[160];
	struct rlimit rl;
	int fd;

	(void)snprintf(path, sizeof path, "%s/secret", outside);
	if (chmod(path, 0666) == 0 || errno != EPERM || utimensat(AT_FDCWD, path, NULL, 0) == 0)
		return 10;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || prlimit(1, RLIMIT_NOFILE, NULL, &rl) == 0)
		return 11;
	if (syscall(SYS_tgkill, getppid(), getppid(), 0) == 0 || errno != EPERM)
		return 12;
	if (syscall(SYS_clone3, NULL, 0) == 0 || errno != ENOSYS)
		return 13;
	(void)snprintf(path, sizeof path, "%s/t", inside);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return 14;
	int bad = futimens(fd, NULL) != 0 || fcntl(fd, F_GETFL) < 0 ||
	    fcntl(fd, F_SETOWN, getpid()) == 0 || errno != EPERM;
	close(fd);
	(void)unlink(path);
	return bad ? 15 : 0;
}

static int
seccomp_child(void)
{
	struct winsize ws;
	struct timespec ts;
	char path[160];
	pthread_t t;
	void *ret = NULL;
	int x = 7;

	if (!enter_seccomp())
		return 1;
	if (pthread_create(&t, NULL, thread_main, &x) != 0 || pthread_join(t, &ret) != 0 ||
	    ret != &x)
		return 2;
	(void)snprintf(path, sizeof path, "%s/s", inside);
	if (!opens(path, O_WRONLY | O_CREAT) || unlink(path) != 0)
		return 3;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 4;
	if (ioctl(0, TIOCGWINSZ, &ws) == 0 || errno != EPERM)
		return 5;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 || errno != EPERM)
		return 6;
	if (prctl(PR_SET_NAME, "named", 0, 0, 0) != 0)
		return 7;
	return seccomp_narrowed();
}

static void
test_seccomp_allows(void **state)
{
	(void)state;
	int st = in_child(seccomp_child);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static int
try_socket(void)
{
	return enter_seccomp() ? (socket(AF_UNIX, SOCK_STREAM, 0) >= 0 ? 100 : 101) : 1;
}

static int
try_exec(void)
{
	char arg0[] = "true";
	char *argv[] = { arg0, NULL };

	return enter_seccomp() ? (execv("/bin/true", argv), 100) : 1;
}

static int
try_fork(void)
{
	if (!enter_seccomp())
		return 1;
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	return 100;
}

static int
try_kill(void)
{
	return enter_seccomp() ? (kill(getppid(), 0), 100) : 1;
}

static int
try_ptrace(void)
{
	return enter_seccomp() ? ((void)ptrace(PTRACE_TRACEME, 0, NULL, NULL), 100) : 1;
}

static void
test_seccomp_kills(void **state)
{
	int (*const tries[])(void) = { try_socket, try_exec, try_fork, try_kill, try_ptrace };

	(void)state;
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
		int st = in_child(tries[i]);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSYS)
			fail_msg("try %zu: not killed by SIGSYS (status %#x)", i, (unsigned)st);
	}
}

static int
whole_child(void)
{
	char path[160];
	int abi = -2;

	if (web_sandbox(inside, &abi) != 0)
		return 1;
	if (abi == -1) /* a sanitizer build: web_sandbox does nothing */
		return 0;
	(void)snprintf(path, sizeof path, "%s/secret", outside);
	if (abi > 0 && opens(path, O_RDONLY))
		return 2;
	(void)snprintf(path, sizeof path, "%s/w", inside);
	if (!opens(path, O_WRONLY | O_CREAT) || unlink(path) != 0)
		return 3;
	(void)socket(AF_UNIX, SOCK_STREAM, 0);
	return 4;
}

static void *
sleeper(void *arg)
{
	(void)pause();
	return arg;
}

/* A second thread would escape landlock: web_sandbox refuses. */
static int
threaded_child(void)
{
	pthread_t t;
	int abi = -2, e;

	if (pthread_create(&t, NULL, sleeper, NULL) != 0)
		return 1;
	e = web_sandbox(inside, &abi);
	if (abi == -1) /* a sanitizer build: web_sandbox does nothing */
		return 0;
	return e == SD_ERR_STATE ? 0 : 2;
}

static void
test_sandbox_one_thread(void **state)
{
	(void)state;
	int st = in_child(threaded_child);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_web_sandbox(void **state)
{
	(void)state;
	int st = in_child(whole_child);
	if (WIFEXITED(st))
		assert_int_equal(WEXITSTATUS(st), 0); /* sanitizer build */
	else
		assert_int_equal(WTERMSIG(st), SIGSYS);
}

static int
setup(void **state)
{
	char secret[160];

	(void)state;
	(void)snprintf(base, sizeof base, "/tmp/sd-sandbox.XXXXXX");
	if (mkdtemp(base) == NULL)
		return -1;
	(void)snprintf(inside, sizeof inside, "%s/inside", base);
	(void)snprintf(outside, sizeof outside, "%s/outside", base);
	(void)snprintf(secret, sizeof secret, "%s/secret", outside);
	if (mkdir(inside, 0700) != 0 || mkdir(outside, 0700) != 0 ||
	    !opens(secret, O_WRONLY | O_CREAT))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return sd_rmtree_at(AT_FDCWD, base, SD_TREE_DEPTH_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_landlock),
		cmocka_unit_test(test_seccomp_allows),
		cmocka_unit_test(test_seccomp_kills),
		cmocka_unit_test(test_web_sandbox),
		cmocka_unit_test(test_sandbox_one_thread),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
