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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define PROG "sealdrop-admin"
#define TOR_TIMEOUT_DEFAULT 60
#define TOR_TIMEOUT_MAX 600

struct tor_args {
	const char *instance;
	const char *tor;
	unsigned timeout;
	int first;
};

static int
tor_usage(void)
{
	fprintf(stderr, "usage:\n"
	    "  " PROG " tor-client add|remove --instance DIR NAME\n"
	    "  " PROG " tor-check --instance DIR [--tor PATH] [--timeout SECONDS]\n");
	return 2;
}

static int
tor_parse(int argc, char **argv, int start, struct tor_args *a)
{
	static const struct option lo[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "tor", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	char *end = NULL;
	unsigned long v;
	int c;

	a->timeout = TOR_TIMEOUT_DEFAULT;
	optind = start;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		switch (c) {
		case 'i': a->instance = optarg; break;
		case 't': a->tor = optarg; break;
		case 'T':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v == 0 || v > TOR_TIMEOUT_MAX)
				return -1;
			a->timeout = (unsigned)v;
			break;
		default: return -1;
		}
	}
	a->first = optind;
	return a->instance == NULL ? -1 : 0;
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
		fprintf(stderr, PROG ": %s: cannot add the client key: %s\n", inst, tor_strerror(e));
		return 1;
	}
	printf("client key for %s added. Give %s this line, once, over a safe channel\n"
	    "(Tor Browser asks for the part after the last ':'; a tor client takes the\n"
	    "whole line in a ClientOnionAuthDir file):\n%s\n"
	    "then reload tor (systemctl reload tor) for it to take effect.\n", name, name, line);
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
admintor_cmd_client(int argc, char **argv)
{
	struct tor_args a = { 0 };
	const char *sub = argc > 2 ? argv[2] : "";

	if (tor_parse(argc, argv, 3, &a) != 0 || a.first != argc - 1)
		return tor_usage();
	struct tstep t = { .inst = a.instance, .name = argv[a.first] };

	if (strcmp(sub, "add") != 0 && strcmp(sub, "remove") != 0)
		return tor_usage();
	if (!admintor_name_ok(t.name)) {
		fprintf(stderr, PROG ": a client name is 1 to 32 of a-z 0-9 _ -\n");
		return 1;
	}
	admin_enter(a.instance);
	return admin_tor_step(sub[0] == 'a' ? client_add : client_remove, &t);
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
admintor_cmd_check(int argc, char **argv)
{
	struct tor_args a = { 0 };
	struct tstep t;

	if (tor_parse(argc, argv, 2, &a) != 0 || a.first != argc)
		return tor_usage();
	t = (struct tstep){ .inst = a.instance, .tor = a.tor, .timeout = a.timeout };
	admin_enter(a.instance);
	return admin_tor_step(check_step, &t);
}
