/*
 * clean_sandbox.c - run the cleaners on one file in a forked child.
 *
 * The child puts /dev/null on fds 0-2 (no library can write to the
 * journalist's terminal), closes every other descriptor, sets rlimits (CPU
 * time, file size, open files, and an address space derived from the
 * machine's memory: clean_sandbox_mem_limit), sets no_new_privs and loads a
 * libseccomp allow-list: memory management, read/write/lseek/close on
 * descriptors it already holds, and exit. Opening files, sockets and exec
 * are refused (exec, socket and ptrace kill the child). It then detects the
 * type from the first SANDBOX_HEAD_BYTES: a streamed type (the format
 * table's stream column: MP4/MOV, Matroska/WebM...) is cleaned from infd
 * to outfd in bounded memory whatever its size; any other
 * is read whole (when it fits: CLEAN_MEMORY_MAX and half the memory limit),
 * cleaned in memory and written to outfd. The report, prefixed by the
 * result, goes to a pipe.
 *
 * The parent waits with a wall-clock limit; a child that dies, is killed by
 * a limit, hangs or sends a short report makes the file "could not clean"
 * (CLEAN_E_CRASH) and the caller goes on with the next file.
 */
#include "clean_int.h"
#include "sderr.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <seccomp.h>

#define SANDBOX_CPU_SECONDS 60
#define SANDBOX_WALL_MS 120000
#define SANDBOX_FSIZE_BYTES (CLEAN_INPUT_MAX + (64ull << 20)) /* room for new headers */
#define SANDBOX_HEAD_BYTES 65536 /* what the type is decided on before streaming */

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN 1
#endif
#endif

struct sandbox_msg {
	int result;
	unsigned pages;                    /* clean_render_sandboxed: pages drawn */
	unsigned count;                    /* clean_eml_attachment_sandboxed: attachments */
	char name[CLEAN_EML_NAME_MAX + 1]; /* and the one's name */
	struct clean_report rep;
};

/* What a child does: clean (pages NULL), draw a safe PDF (pages set, fates
 * for an e-mail) or decode an e-mail's attachment (attach). */
struct sandbox_job {
	unsigned *pages;
	const char *fates;
	int attach;
	unsigned index;
};

static const int sandbox_allowed[] = {
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(close),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(lseek),
	SCMP_SYS(mmap),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),
	SCMP_SYS(brk),
	SCMP_SYS(madvise),
	SCMP_SYS(mprotect),
	SCMP_SYS(futex),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(sigaltstack),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(tgkill),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday),
	SCMP_SYS(getrandom),
	SCMP_SYS(sched_yield),
	SCMP_SYS(prlimit64),
	SCMP_SYS(getrlimit),
	SCMP_SYS(sched_getaffinity),
};

static const int sandbox_killed[] = {
	SCMP_SYS(execve),
	SCMP_SYS(execveat),
	SCMP_SYS(socket),
	SCMP_SYS(connect),
	SCMP_SYS(ptrace),
	SCMP_SYS(fork),
	SCMP_SYS(vfork),
};

static int
sandbox_seccomp(void)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int e = -1;

	if (f == NULL)
		return -1;
	for (size_t i = 0; i < sizeof sandbox_allowed / sizeof sandbox_allowed[0]; i++)
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, sandbox_allowed[i], 0) != 0)
			goto out;
	for (size_t i = 0; i < sizeof sandbox_killed / sizeof sandbox_killed[0]; i++)
		if (seccomp_rule_add(f, SCMP_ACT_KILL_PROCESS, sandbox_killed[i], 0) != 0)
			goto out;
	e = seccomp_load(f);
out:
	seccomp_release(f);
	return e;
}

uint64_t
clean_sandbox_mem_limit(uint64_t phys)
{
	uint64_t half = phys / 2;

	if (half < CLEAN_SANDBOX_MEM_MIN)
		return CLEAN_SANDBOX_MEM_MIN;
	return half > CLEAN_SANDBOX_MEM_MAX ? CLEAN_SANDBOX_MEM_MAX : half;
}

/* This machine's physical memory in bytes, 0 when unknown. */
static uint64_t
sandbox_phys_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || size <= 0 || (uint64_t)pages > UINT64_MAX / (uint64_t)size)
		return 0;
	return (uint64_t)pages * (uint64_t)size;
}

static int
sandbox_limits(uint64_t mem)
{
	struct rlimit cpu = { SANDBOX_CPU_SECONDS, SANDBOX_CPU_SECONDS + 1 };
	struct rlimit fsz = { SANDBOX_FSIZE_BYTES, SANDBOX_FSIZE_BYTES };
	struct rlimit nof = { 16, 16 };

	if (setrlimit(RLIMIT_CPU, &cpu) != 0 || setrlimit(RLIMIT_FSIZE, &fsz) != 0 ||
	    setrlimit(RLIMIT_NOFILE, &nof) != 0 ||
	    setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 }) != 0)
		return -1;
#ifndef SANDBOX_ASAN
	/* ASan reserves terabytes of shadow memory: no address-space limit there. */
	if (setrlimit(RLIMIT_AS, &(struct rlimit){ mem, mem }) != 0)
		return -1;
#else
	(void)mem;
#endif
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : -1;
}

/* Move the three descriptors the child keeps above 2 (the parent may have
 * been started with fds 0-2 closed), then put /dev/null on 0, 1 and 2:
 * whatever a library prints goes nowhere, never to the journalist's
 * terminal, and nothing is read from it. */
static int
sandbox_stdio(int *fds)
{
	int nul;

	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0 && fds[i] <= 2 && (fds[i] = fcntl(fds[i], F_DUPFD, 3)) < 0)
			return -1;
	if ((nul = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY)) < 0)
		return -1;
	for (int fd = 0; fd <= 2; fd++)
		if (nul != fd && dup2(nul, fd) != fd)
			return -1;
	if (nul > 2)
		close(nul);
	return 0;
}

static void
close_others(int a, int b, int c)
{
	int keep[3] = { a, b, c }, t;
	unsigned lo = 3;

	for (int i = 0; i < 3; i++) /* sort the three */
		for (int j = i + 1; j < 3; j++)
			if (keep[j] < keep[i]) {
				t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	for (int i = 0; i < 3; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < lo)
			continue;
		if ((unsigned)keep[i] > lo)
			(void)close_range(lo, (unsigned)keep[i] - 1, 0);
		lo = (unsigned)keep[i] + 1;
	}
	(void)close_range(lo, ~0u, 0);
}

static int
write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static unsigned char *
read_input(int fd, size_t size)
{
	unsigned char *d = malloc(size ? size : 1);
	size_t got = 0;

	while (d != NULL && got < size) {
		ssize_t r = read(fd, d + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(d);
			return NULL;
		}
		got += (size_t)r;
	}
	return d;
}

/* Clean a file held whole in memory (every type but the streamed ones),
 * when it fits: its copy and the cleaned copy must both fit in mem. */
static int
child_memory(struct clean_ctx *c, int infd, int outfd, uint64_t size, uint64_t mem,
    const struct sandbox_job *job, struct sandbox_msg *m)
{
	struct clean_report *rep = &m->rep;
	struct sdbuf out = CLEAN_BUF_INIT;
	unsigned char *in;
	int e;

	if (size > CLEAN_MEMORY_MAX) {
		clean_set_error(rep,
		    "file too large to clean (over %u MiB, and its type is "
		    "not cleaned by streaming)",
		    CLEAN_MEMORY_MAX >> 20);
		return CLEAN_E_LIMIT;
	}
	if (size > mem / 2) {
		clean_set_error(rep,
		    "file too large to clean on this machine (over %llu MiB: "
		    "the cleaner's memory limit, set from this machine's memory, is %llu MiB)",
		    (unsigned long long)(mem / 2 >> 20), (unsigned long long)(mem >> 20));
		return CLEAN_E_LIMIT;
	}
	if (lseek(infd, 0, SEEK_SET) != 0 || (in = read_input(infd, (size_t)size)) == NULL)
		_exit(3);
	if (job->attach) {
		if ((e = clean_detect(c, in, (size_t)size, rep->type)) == 0 &&
		    strcmp(rep->type, "message/rfc822") != 0) {
			clean_set_error(rep, "not an e-mail (%s)", rep->type);
			e = CLEAN_E_UNSUPPORTED;
		}
		if (e == 0)
			e = clean_eml_attachment(
			    in, (size_t)size, job->index, &out, m->name, sizeof m->name, &m->count);
	} else if (job->pages == NULL) {
		/* A cleaned copy is about as large as the file: room for it at
		 * once, so one no larger than the file is built without the
		 * buffer holding two copies while it doubles (sdbuf moves, it
		 * does not realloc): the file and its cleaned copy fit in mem.
		 * When the room cannot be had the cleaner still tries: its
		 * output may be smaller, and growing fails the same way if not. */
		sd_ignore(sdbuf_reserve(&out, (size_t)size));
		e = clean_any(c, in, (size_t)size, 0, &out, rep);
	} else if ((e = clean_detect(c, in, (size_t)size, rep->type)) == 0) {
		e = clean_render_pdf(in, (size_t)size, rep->type, job->fates, &out, &m->pages, rep);
	}
	if (e == 0 && write_all(outfd, out.data, out.len) != 0)
		e = SD_ERR_IO;
	free(in);
	sdbuf_free(&out);
	return e;
}

/* The type, from the file's first bytes; a streamed type is cleaned from
 * infd to outfd without holding the file, anything else in memory. */
static int
child_clean(struct clean_ctx *c, int infd, int outfd, uint64_t size, uint64_t mem,
    const struct sandbox_job *job, struct sandbox_msg *m)
{
	struct clean_report *rep = &m->rep;
	size_t n = size < SANDBOX_HEAD_BYTES ? (size_t)size : SANDBOX_HEAD_BYTES;
	unsigned char *head;
	int e;

	if (job->pages != NULL || job->attach) /* always from memory */
		return child_memory(c, infd, outfd, size, mem, job, m);
	if ((head = read_input(infd, n)) == NULL)
		_exit(3);
	e = clean_detect(c, head, n, rep->type);
	free(head);
	if (e == 0 && size > 0 && clean_test_hook(rep->type) == 0 && clean_streamed(rep->type))
		return clean_stream(rep->type, infd, size, outfd, rep);
	memset(rep->type, 0, sizeof rep->type);
	return child_memory(c, infd, outfd, size, mem, job, m);
}

static _Noreturn void
child(struct clean_ctx *c, int infd, int outfd, int rp, uint64_t size, uint64_t mem,
    const struct sandbox_job *job)
{
	static struct sandbox_msg m;
	int fds[3] = { infd, outfd, rp };

	if (sandbox_stdio(fds) != 0)
		_exit(6);
	infd = fds[0];
	outfd = fds[1];
	rp = fds[2];
	close_others(infd, outfd, rp);
	if (sandbox_limits(mem) != 0 || sandbox_seccomp() != 0)
		_exit(4);
	clean_test_probe(&m.rep);
	m.result = child_clean(c, infd, outfd, size, mem, job, &m);
	if (write_all(rp, &m, sizeof m) != 0)
		_exit(5);
	_exit(0);
}

/* The wall-clock limit: SANDBOX_WALL_MS, plus a second per 32 MiB so a
 * large video streamed from a slow disk is not cut off. */
static int
wall_ms(uint64_t size)
{
#ifdef SD_CLEAN_TEST_HOOKS
	const char *t = getenv("SEALDROP_TEST_CLEAN_TIMEOUT_MS");
	if (t != NULL && strtol(t, NULL, 10) > 0 && strtol(t, NULL, 10) < SANDBOX_WALL_MS)
		return (int)strtol(t, NULL, 10);
#endif
	return SANDBOX_WALL_MS + (int)(size >> 25) * 1000;
}

/* Read the child's message; 1 when complete, 0 on timeout, -1 otherwise. */
static int
collect(int rp, struct sandbox_msg *m, uint64_t size)
{
	size_t got = 0;
	int ms = wall_ms(size);
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got < sizeof *m) {
		struct pollfd p = { .fd = rp, .events = POLLIN };
		long left;
		ssize_t r;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = ms - ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -1;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		r = read(rp, (unsigned char *)m + got, sizeof *m - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 1;
}

static void
terminate(struct clean_report *r)
{
	r->type[sizeof r->type - 1] = '\0';
	r->removed[sizeof r->removed - 1] = '\0';
	r->kept[sizeof r->kept - 1] = '\0';
	r->uninspected[sizeof r->uninspected - 1] = '\0';
	r->error[sizeof r->error - 1] = '\0';
}

static int
finish(pid_t pid, int got, struct sandbox_msg *m, struct clean_report *rep)
{
	int st = 0;

	if (got == 0)
		(void)kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (got == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		terminate(&m->rep);
		*rep = m->rep;
		return m->result;
	}
	if (got == 0)
		clean_set_error(rep, "the cleaner did not finish in time and was killed");
	else if (WIFSIGNALED(st))
		clean_set_error(rep, "the cleaner crashed (signal %d)", WTERMSIG(st));
	else if (WEXITSTATUS(st) >= 3 && WEXITSTATUS(st) <= 6)
		clean_set_error(rep, "the cleaner failed (exit status %d: %s)", WEXITSTATUS(st),
		    (const char *const[]){ "it could not read the file into memory",
			"it could not enter its sandbox", "it could not send its report",
			"it could not put /dev/null on its standard descriptors" }[WEXITSTATUS(st) -
			3]);
	else
		clean_set_error(rep, "the cleaner failed (exit status %d)", WEXITSTATUS(st));
	return CLEAN_E_CRASH;
}

/* One file in a sandboxed child: cleaned, drawn to a safe PDF
 * (clean_render.c, job->pages gets its page count) or an e-mail's
 * attachment decoded (clean_render_eml.c). */
static int
sandbox_run(struct clean_ctx *c, int infd, int outfd, const struct sandbox_job *job,
    struct sandbox_msg **msg, struct clean_report *rep)
{
	static struct sandbox_msg m;
	uint64_t mem = clean_sandbox_mem_limit(sandbox_phys_bytes());
	struct stat st;
	int p[2] = { -1, -1 }, got, e;
	pid_t pid;

	memset(rep, 0, sizeof *rep);
	memset(&m, 0, sizeof m);
	if (fstat(infd, &st) != 0 || !S_ISREG(st.st_mode))
		return SD_ERR_IO;
	if ((uint64_t)st.st_size > CLEAN_INPUT_MAX) {
		clean_set_error(rep, "file too large to clean (over %llu MiB)",
		    (unsigned long long)(CLEAN_INPUT_MAX >> 20));
		return CLEAN_E_LIMIT;
	}
	if (lseek(infd, 0, SEEK_SET) != 0 || pipe2(p, O_CLOEXEC) != 0)
		return SD_ERR_IO;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return SD_ERR_IO;
	}
	if (pid == 0) {
		close(p[0]);
		child(c, infd, outfd, p[1], (uint64_t)st.st_size, mem, job);
	}
	close(p[1]);
	got = collect(p[0], &m, (uint64_t)st.st_size);
	close(p[0]);
	e = finish(pid, got, &m, rep);
	if (e == 0 && job->pages != NULL)
		*job->pages = m.pages;
	if (msg != NULL)
		*msg = got == 1 ? &m : NULL;
	return e;
}

int
clean_file_sandboxed(struct clean_ctx *c, int infd, int outfd, struct clean_report *rep)
{
	const struct sandbox_job job = { 0 };

	return sandbox_run(c, infd, outfd, &job, NULL, rep);
}

int
clean_render_sandboxed(
    struct clean_ctx *c, int infd, int outfd, unsigned *pages, struct clean_report *rep)
{
	const struct sandbox_job job = { .pages = pages };

	return sandbox_run(c, infd, outfd, &job, NULL, rep);
}

int
clean_render_eml_sandboxed(struct clean_ctx *c, int infd, int outfd, const char *fates,
    unsigned *pages, struct clean_report *rep)
{
	const struct sandbox_job job = { .pages = pages, .fates = fates };

	return sandbox_run(c, infd, outfd, &job, NULL, rep);
}

int
clean_eml_attachment_sandboxed(struct clean_ctx *c, int infd, unsigned index, int outfd,
    char name[CLEAN_EML_NAME_MAX + 1], unsigned *count, struct clean_report *rep)
{
	const struct sandbox_job job = { .attach = 1, .index = index };
	struct sandbox_msg *m = NULL;
	int e = sandbox_run(c, infd, outfd, &job, &m, rep);

	if (m == NULL)
		return e != 0 ? e : CLEAN_E_INTERNAL;
	/* the child's answer is read as untrusted as the rest of its report */
	m->name[sizeof m->name - 1] = '\0';
	for (char *p = m->name; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	if (e == 0 || e == SD_ERR_NOTFOUND)
		*count = m->count < CLEAN_EML_COUNT_MAX ? m->count : CLEAN_EML_COUNT_MAX;
	if (e == 0)
		(void)snprintf(name, CLEAN_EML_NAME_MAX + 1, "%s", m->name);
	return e;
}
