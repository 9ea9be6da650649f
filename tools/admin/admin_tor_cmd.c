/*
 * admin_tor_cmd.c - sealdrop-admin's tor subcommands:
 *
 *   sealdrop-admin tor-client add|remove --instance DIR NAME
 *   sealdrop-admin tor-check --instance DIR [--tor PATH] [--timeout SECONDS]
 *
 * `tor-client` makes or drops one client key of the journalist onion service
 * (`sealdrop-admin journalist add|remove` do the same for accounts); it
 * prints the private line once and keeps no copy. `tor-check` runs tor,
 * off the network, on a copy of the instance's tor files (admin_torcheck.c).
 * Both print one line on stderr and return 1 on failure, 2 on bad usage.
 */
#include "admin.h"
#include "admin_priv.h"
#include "admin_tor.h"
#include "sderr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define PROG ADMIN_PROG
#define TOR_TIMEOUT_DEFAULT 60
#define TOR_TIMEOUT_MAX 600

/* --timeout SECONDS: 1..TOR_TIMEOUT_MAX, TOR_TIMEOUT_DEFAULT without it. */
static int
tor_timeout(const char *arg, unsigned *out)
{
	char *end = NULL;
	unsigned long v;

	*out = TOR_TIMEOUT_DEFAULT;
	if (arg == NULL)
		return 0;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v == 0 || v > TOR_TIMEOUT_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static const char *
tor_strerror(int e)
{
	return e == SD_ERR_IO ? strerror(errno) : sd_strerror(e);
}

struct tstep {
	const char *inst, *name, *tor;
	unsigned timeout;
};

/* The steps below run as tor/'s owner with tor/ as working directory. */
static int
client_add(void *ctx)
{
	const struct tstep *t = ctx;
	const char *inst = t->inst, *name = t->name;
	char line[ADMINTOR_AUTH_LINE_MAX];
	int e = admintor_client_add_at(AT_FDCWD, name, line, sizeof line);

	if (e == SD_ERR_ARG) {
		fprintf(stderr, PROG ": %s: a client name is 1 to 32 of a-z 0-9 _ -\n", name);
		return 1;
	}
	if (e == SD_ERR_EXISTS) {
		fprintf(stderr, PROG ": %s already has a client key; remove it first\n", name);
		return 1;
	}
	if (e != 0) {
		fprintf(
		    stderr, PROG ": %s: cannot add the client key: %s\n", inst, tor_strerror(e));
		return 1;
	}
	printf("client key for %s added. Give %s this line, once, over a safe channel\n"
	       "(Tor Browser asks for the part after the last ':'; a tor client takes the\n"
	       "whole line in a ClientOnionAuthDir file):\n%s\n"
	       "then reload tor (systemctl reload tor) for it to take effect.\n",
	    name, name, line);
	sodium_memzero(line, sizeof line);
	return 0;
}

static int
client_remove(void *ctx)
{
	const struct tstep *t = ctx;
	const char *inst = t->inst, *name = t->name;
	int e = admintor_client_remove_at(AT_FDCWD, name);

	if (e == SD_ERR_NOTFOUND) {
		fprintf(stderr, PROG ": %s has no client key\n", name);
		return 1;
	}
	if (e != 0) {
		fprintf(stderr, PROG ": %s: cannot remove the client key of %s: %s\n", inst, name,
		    e == SD_ERR_ARG ? "not a client name" : tor_strerror(e));
		return 1;
	}
	printf("client key of %s removed; reload tor (systemctl reload tor) to apply it\n", name);
	return 0;
}

int
admintor_cmd_client(const struct admin_args *a)
{
	struct tstep t = { .inst = a->instance, .name = a->pos[0] };
	char nm[TORAUTH_NAME_MAX + 1];
	int rc;

	if (!torauth_name_ok(t.name)) {
		fprintf(stderr, PROG ": a client name is 1 to 32 of a-z 0-9 _ -\n");
		return 1;
	}
	admin_enter(a->instance);
	if (a->sub[0] == 'a')
		return admin_tor_step(client_add, &t);
	/* A key request from the web admin still pending would set it again. */
	(void)snprintf(nm, sizeof nm, "%s", t.name);
	rc = admin_step(admintc_revoke_step, nm);
	return admin_tor_step(client_remove, &t) | rc;
}

static int
check_step(void *ctx)
{
	const struct tstep *t = ctx;
	char msg[1024], safe[ADMINPRIV_SAFE_MAX];
	int e = admintor_check(NULL, t->tor, t->timeout, msg, sizeof msg);

	/* What tor and the files said: shown, never obeyed by the terminal. */
	if (e != 0) {
		fprintf(stderr, PROG ": tor-check: %s\n",
		    adminpriv_safe(msg[0] ? msg : sd_strerror(e), safe, sizeof safe));
		return 1;
	}
	printf("%s\n", adminpriv_safe(msg, safe, sizeof safe));
	return 0;
}

int
admintor_cmd_check(const struct admin_args *a)
{
	struct tstep t = { .inst = a->instance, .tor = a->tor };

	if (tor_timeout(a->timeout, &t.timeout) != 0) {
		fprintf(stderr, PROG ": --timeout: 1 to %d seconds\n", TOR_TIMEOUT_MAX);
		return admin_usage(a->cmd);
	}
	admin_enter(a->instance);
	return admin_tor_step(check_step, &t);
}
