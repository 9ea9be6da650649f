/*
 * sandbox.c - what the daemons (sealdrop-source, sealdrop-journalist) give up once
 * they listen: no new
 * privileges ever (PR_SET_NO_NEW_PRIVS) and a seccomp filter, applied to
 * every thread, that kills the process on system calls it never needs after
 * start-up and that an attacker with code execution would want: running a
 * program, tracing or reading other processes, new sockets and outgoing
 * connections, mounts, kernel modules, kexec, BPF, keyrings.
 *
 * This is a deny-list: everything else still works, so no rare path of
 * libmicrohttpd, SQLite or glibc can be broken by it. The allow-list
 * sandbox (with landlock and a privilege drop) is planned with the systemd
 * deployment. Sanitizer builds skip it (their runtime may exec a
 * symboliser).
 */
#include "sandbox.h"
#include "sderr.h"

#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>

#include <seccomp.h>

int
web_sandbox(void)
{
	static const int deny[] = {
		SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace),
		SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
		SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind),
		SCMP_SYS(listen), SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root),
		SCMP_SYS(chroot), SCMP_SYS(init_module), SCMP_SYS(finit_module),
		SCMP_SYS(delete_module), SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
		SCMP_SYS(bpf), SCMP_SYS(perf_event_open), SCMP_SYS(keyctl), SCMP_SYS(add_key),
		SCMP_SYS(request_key), SCMP_SYS(userfaultfd), SCMP_SYS(setns),
		SCMP_SYS(unshare), SCMP_SYS(personality), SCMP_SYS(swapon), SCMP_SYS(swapoff),
		SCMP_SYS(reboot),
	};
	scmp_filter_ctx ctx = NULL;
	int e = SD_ERR_IO;

#if defined(__SANITIZE_ADDRESS__)
	return 0;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return SD_ERR_IO;
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return SD_ERR_NOMEM;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) != 0)
		goto out;
	for (size_t i = 0; i < sizeof deny / sizeof deny[0]; i++)
		if (deny[i] >= 0 && seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, deny[i], 0) != 0)
			goto out;
	e = seccomp_load(ctx) == 0 ? 0 : SD_ERR_IO;
out:
	seccomp_release(ctx);
	return e;
}
