/*
 * daemon.c - the program life shared by both daemons (see daemon.h).
 */
#include "daemon.h"
#include "http.h"
#include "sandbox.h"
#include "sderr.h"
#include "sdpriv.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <grp.h>
#include <pwd.h>
#include <iconv.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

void
web_daemon_log(const struct web_daemon *d, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", d->prog, line);
}

int
web_daemon_args(struct web_daemon *d, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "listen", required_argument, NULL, 'l' },
		{ "dev", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i': d->instance = optarg; break;
		case 'l': d->listen_opt = optarg; break;
		case 'd': d->dev = 1; break;
		case 'h':
			printf("usage: %s --instance DIR [--listen unix:PATH|HOST:PORT] [--dev]\n",
			    d->prog);
			return 1;
		default:
			fprintf(stderr, "usage: %s --instance DIR [--listen unix:PATH|HOST:PORT] "
			    "[--dev]\n", d->prog);
			return SD_ERR_ARG;
		}
	}
	if (d->instance == NULL || optind != argc) {
		fprintf(stderr, "%s: --instance DIR is required\n", d->prog);
		return SD_ERR_ARG;
	}
	return 0;
}

int
web_daemon_drop_root(struct web_daemon *d)
{
	struct passwd *pw;
	struct stat st;
	int e;

	if (geteuid() != 0)
		return 0;
	if (stat(d->instance, &st) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "%s: %s", d->instance, strerror(errno));
		return SD_ERR_IO;
	}
	if (st.st_uid == 0) {
		web_daemon_log(d, "warning: running as root, the owner of %s; chown the "
		    "instance to the daemon's user (sealdrop) and it runs as that user", d->instance);
		return 0;
	}
	/* The owner's own primary group, as systemd's User= gives it: not the
	 * directory's group, which is tor's in a deployed instance. */
	errno = 0;
	if ((pw = getpwuid(st.st_uid)) == NULL || pw->pw_gid == 0) {
		(void)snprintf(d->msg, sizeof d->msg, "started as root, %s is owned by uid %u, "
		    "which %s: start the daemon as a user of its own", d->instance,
		    (unsigned)st.st_uid, pw == NULL ? "has no passwd entry" : "has group root");
		return SD_ERR_ARG;
	}
	if ((e = sdpriv_become(st.st_uid, pw->pw_gid)) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot become uid %u, gid %u: %s",
		    (unsigned)st.st_uid, (unsigned)pw->pw_gid,
		    e == SD_ERR_IO ? strerror(errno) : "root could be taken back");
		return e;
	}
	web_daemon_log(d, "started as root: running as uid %u, gid %u (the owner of the instance)",
	    (unsigned)st.st_uid, (unsigned)pw->pw_gid);
	return 0;
}

int
web_daemon_listen_spec(struct web_daemon *d, const char *conf_listen)
{
	int n;

	if (d->listen_opt != NULL)
		n = snprintf(d->listen, sizeof d->listen, "%s", d->listen_opt);
	else if (conf_listen != NULL && conf_listen[0] != '\0')
		n = snprintf(d->listen, sizeof d->listen, "%s", conf_listen);
	else
		n = snprintf(d->listen, sizeof d->listen, "unix:%s/%s", d->instance, d->sockname);
	if (n < 0 || (size_t)n >= sizeof d->listen) {
		(void)snprintf(d->msg, sizeof d->msg, "%s: path too long for a socket", d->instance);
		return SD_ERR_TOOLONG;
	}
	if (strncmp(d->listen, "unix:", 5) != 0 && !d->dev) {
		(void)snprintf(d->msg, sizeof d->msg,
		    "--listen %s: a TCP listener is for development; add --dev", d->listen);
		return SD_ERR_ARG;
	}
	return 0;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	/* libmicrohttpd's messages may name a client; keep only that one came. */
	(void)cls, (void)fmt, (void)ap;
}

static struct MHD_Daemon *
start_http(const struct web_daemon *d, int fd)
{
	/* A thread per connection (bounded by max_connections): an argon2id
	 * derivation or a slow upload blocks only its own connection. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_POLL | MHD_USE_ERROR_LOG;

	return MHD_start_daemon(flags, 0, NULL, NULL, d->handle, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, d->max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, d->timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, d->completed, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_END);
}

static void *
reaper(void *arg)
{
	const struct web_daemon *d = arg;
	unsigned seconds = 0;

	while (!stopping) {
		struct timespec ts = { 1, 0 }; /* short: stopping waits for it */
		nanosleep(&ts, NULL);
		if (d->tick != NULL && !stopping)
			d->tick(++seconds);
	}
	return NULL;
}

/* Listen and start serving; on failure d->msg says why. */
static int
serve(struct web_daemon *d, int *fd, int *is_unix, struct MHD_Daemon **mhd)
{
	iconv_t cd;
	int e;

	if ((e = web_listen(d->listen, fd, is_unix)) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot listen on %s: %s", d->listen,
		    e == SD_ERR_IO ? strerror(errno) : sd_strerror(e));
		return e;
	}
	/* Before the first thread: landlock holds for the threads started
	 * after it only. What glibc reads lazily from files is read now,
	 * while they are reachable: the time zone (libmicrohttpd's Date
	 * header) and the iconv configuration (libarchive's name charsets). */
	tzset();
	if ((cd = iconv_open("UTF-8", "ISO-8859-1")) != (iconv_t)-1)
		(void)iconv_close(cd);
	if ((e = web_sandbox(d->instance, &d->landlock_abi)) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot enter the sandbox: %s", sd_strerror(e));
		return e;
	}
	if ((*mhd = start_http(d, *fd)) == NULL) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot start the HTTP server");
		return SD_ERR_IO;
	}
	return 0;
}

int
web_daemon_run(struct web_daemon *d)
{
	struct MHD_Daemon *mhd = NULL;
	pthread_t rt;
	sigset_t set;
	int fd = -1, is_unix = 0, sig = 0, e, reaping = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((e = serve(d, &fd, &is_unix, &mhd)) != 0)
		goto out;
	if (pthread_create(&rt, NULL, reaper, d) != 0) {
		(void)snprintf(d->msg, sizeof d->msg, "cannot start the reaper thread");
		e = SD_ERR_NOMEM;
		goto out;
	}
	reaping = 1;
	if (d->landlock_abi > 0)
		web_daemon_log(d, "sandbox: seccomp allow-list, landlock ABI %d", d->landlock_abi);
	else
		web_daemon_log(d, "warning: %s", d->landlock_abi == 0 ?
		    "this kernel has no landlock: files outside the instance stay reachable" :
		    "sanitizer build: no sandbox");
	web_daemon_log(d, "listening on %s%s", d->listen, d->dev ? " (development mode)" : "");
	while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	web_daemon_log(d, "stopping");
out:
	stopping = 1;
	if (mhd != NULL)
		MHD_stop_daemon(mhd);
	if (fd >= 0)
		close(fd);
	if (is_unix)
		web_unlisten(d->listen);
	if (reaping)
		pthread_join(rt, NULL);
	return e;
}
