/*
 * sealdrop-admin - instance set-up and upkeep on the server.
 *
 *   sealdrop-admin init --instance DIR [--name NAME] [--recipient FILE.pub]...
 *   sealdrop-admin recipient add --instance DIR [--label L] FILE.pub|sdpk1_...
 *   sealdrop-admin recipient list --instance DIR
 *   sealdrop-admin recipient remove --instance DIR ID|sdpk1_...
 *
 * An instance directory (0700) holds sealdrop.conf (0600), sealdrop.db
 * (0600) and spool/ (0700). The codename salt and argon2id parameters are
 * instance settings in the database, drawn once at init. The process runs
 * with umask 077 so nothing it creates is readable by others.
 */
#include "admin.h"
#include "admin_ops.h"
#include "conf.h"
#include "db.h"
#include "sderr.h"
#include "sdkey.h"
#include "sdlog.h"
#include "spool.h"
#include "admin_tor.h"
#include "admin_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <sodium.h>

#define PROG "sealdrop-admin"
#define RECIPIENTS_MAX 32

/* The instance of this run (admin_enter). */
static struct adminpriv_inst g_inst = { .fd = -1, .torfd = -1 };

struct args {
	const char *instance;
	const char *name;
	const char *label;
	const char *recipients[RECIPIENTS_MAX];
	size_t nrecipients;
	int first; /* index of the first positional argument */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage:\n"
	    "  " PROG " setup --recipient FILE.pub|sdpk1_... [--instance DIR] [--name NAME]\n"
	    "      [--admin NAME] [--torrc FILE] [--no-start]\n"
	    "  " PROG " init --instance DIR [--name NAME] [--recipient FILE.pub]...\n"
	    "  " PROG " tor-check --instance DIR [--tor PATH] [--timeout SECONDS]\n"
	    "  " PROG " tor-client add|remove --instance DIR NAME\n"
	    "  " PROG " recipient add --instance DIR [--label LABEL] FILE.pub|sdpk1_...\n"
	    "  " PROG " recipient list --instance DIR\n"
	    "  " PROG " recipient remove --instance DIR ID|sdpk1_...\n"
	    "  " PROG " journalist add --instance DIR NAME [--admin]\n"
	    "  " PROG " journalist list --instance DIR\n"
	    "  " PROG " journalist remove --instance DIR NAME\n"
	    "  " PROG " journalist reset --instance DIR NAME [--passphrase] [--totp]\n"
	    "  " PROG " settings show --instance DIR\n"
	    "  " PROG " settings set --instance DIR KEY VALUE\n"
	    "  " PROG " check --instance DIR\n"
	    "  " PROG " backup --instance DIR --out FILE [--recipient FILE.pub|sdpk1_...]...\n"
	    "  " PROG " restore --in FILE --instance NEWDIR [--key FILE.key [--passphrase-file F]]\n");
}

static int
parse_args(int argc, char **argv, int start, struct args *a)
{
	static const struct option lo[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'n' },
		{ "label", required_argument, NULL, 'l' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = start;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		switch (c) {
		case 'i': a->instance = optarg; break;
		case 'n': a->name = optarg; break;
		case 'l': a->label = optarg; break;
		case 'r':
			if (a->nrecipients == RECIPIENTS_MAX)
				admin_die("at most %d recipients", RECIPIENTS_MAX);
			a->recipients[a->nrecipients++] = optarg;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	a->first = optind;
	if (a->instance == NULL) {
		fprintf(stderr, PROG ": --instance DIR is required\n");
		return -1;
	}
	return 0;
}

/* A path inside the instance directory. */
static void
inst_path(const char *inst, const char *name, char out[PATH_MAX])
{
	if (snprintf(out, PATH_MAX, "%s/%s", inst, name) >= PATH_MAX)
		admin_die("%s: path too long", inst);
}

/* A public key from a file path or from its text form. */
static int
load_recipient(const char *arg, unsigned char pk[SDKEY_PUBLICKEYBYTES])
{
	if (strncmp(arg, SDKEY_PUBTEXT_PREFIX, strlen(SDKEY_PUBTEXT_PREFIX)) == 0 ||
	    strncmp(arg, "SDPK1_", 6) == 0)
		return sdkey_pub_decode(arg, strlen(arg), pk);
	return sdkey_load_public(arg, pk);
}

static struct db *
open_db(const char *inst, int create)
{
	char path[PATH_MAX];
	struct db *db = NULL;
	int e;

	inst_path(inst, "sealdrop.db", path);
	if (!create && access(path, F_OK) != 0)
		admin_die("%s: not a sealdrop instance (no sealdrop.db)", inst);
	if ((e = db_open(path, create, &db)) != 0)
		admin_die("%s: cannot open the database: %s", path, sd_strerror(e));
	return db;
}

void
admin_die(const char *fmt, ...)
{
	char msg[ADMINPRIV_SAFE_MAX], safe[ADMINPRIV_SAFE_MAX];
	va_list ap;

	/* Messages may carry names and text from the instance. */
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sdlog_fatalx("%s", adminpriv_safe(msg, safe, sizeof safe));
}

const struct adminpriv_inst *
admin_enter_try(const char *inst, char err[ADMINPRIV_ERR_MAX])
{
	err[0] = '\0';
	if (g_inst.fd < 0 && adminpriv_open(inst, &g_inst, err) != 0)
		return NULL;
	return &g_inst;
}

const struct adminpriv_inst *
admin_enter(const char *inst)
{
	char err[ADMINPRIV_ERR_MAX];

	if (admin_enter_try(inst, err) == NULL)
		admin_die("%s", err);
	return &g_inst;
}

int
admin_step(adminpriv_fn fn, void *ctx)
{
	return adminpriv_run(g_inst.fd, &g_inst.owner, fn, ctx);
}

int
admin_tor_step(adminpriv_fn fn, void *ctx)
{
	if (g_inst.torfd < 0) {
		fprintf(stderr, PROG ": %s\n", g_inst.torerr);
		return 1;
	}
	return adminpriv_run(g_inst.torfd, &g_inst.tor, fn, ctx);
}

struct db *
admin_open_db(void)
{
	char why[ADMINPRIV_ERR_MAX];
	struct db *db = NULL;
	int e;

	/* In a step: the working directory is the instance; SQLite's files
	 * must be plain files of the owner before SQLite opens any of them. */
	if ((e = adminpriv_db_files(AT_FDCWD, "sealdrop.db", geteuid(), why)) != 0)
		admin_die("%s: %s", g_inst.path, e == SD_ERR_NOKEY ?
		    "not a sealdrop instance (no sealdrop.db)" : why);
	if ((e = db_open("sealdrop.db", 0, &db)) != 0)
		admin_die("%s/sealdrop.db: cannot open the database: %s", g_inst.path,
		    sd_strerror(e));
	return db;
}

static void
add_recipient(struct db *db, const unsigned char pk[SDKEY_PUBLICKEYBYTES], const char *label)
{
	struct db_recipient r[RECIPIENTS_MAX];
	size_t n = 0;
	int e;

	/* A reply is sealed to the source's key and every recipient: 31 at most. */
	if (db_recipient_list(db, r, RECIPIENTS_MAX, &n) != 0 || n >= RECIPIENTS_MAX - 1)
		admin_die("at most %d recipients (a reply also needs the source's key)",
		    RECIPIENTS_MAX - 1);
	e = db_recipient_add(db, pk, label);
	if (e == SD_ERR_EXISTS)
		admin_die("this key is already a recipient");
	if (e != 0)
		admin_die("cannot add the recipient: %s", sd_strerror(e));
}

/* Draw the codename salt and record the argon2id parameters. */
static void
init_settings(struct db *db, const char *name)
{
	unsigned char salt[16];
	char hex[33], num[32];

	randombytes_buf(salt, sizeof salt);
	sodium_bin2hex(hex, sizeof hex, salt, sizeof salt);
	if (db_setting_set(db, "codename_salt", hex) != 0 ||
	    db_setting_set(db, "instance_name", name) != 0)
		admin_die("cannot write the instance settings");
	(void)snprintf(num, sizeof num, "%llu", (unsigned long long)2);
	if (db_setting_set(db, "codename_opslimit", num) != 0)
		admin_die("cannot write the instance settings");
	(void)snprintf(num, sizeof num, "%lu", 64UL * 1024 * 1024);
	if (db_setting_set(db, "codename_memlimit", num) != 0)
		admin_die("cannot write the instance settings");
}

/* INSTANCE/tor: the onion services' keys and torrc (admin_tor.h). */
static void
init_tor(const char *inst)
{
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX];
	int e = admintor_init(inst, so, sizeof so, jo, sizeof jo);

	if (e != 0)
		admin_die("%s: cannot write the tor configuration: %s%s", inst,
		    e == SD_ERR_IO ? strerror(errno) : sd_strerror(e), e == SD_ERR_ARG ?
		    " (the path goes into tor's configuration: no spaces, quotes, '#' or '\\')" : "");
	printf("source interface:     http://%s/\n"
	    "journalist interface: http://%s/ (Tor client authorisation)\n"
	    "tor configuration:    %s/" ADMINTOR_TORRC " (see docs/operator-guide.md)\n",
	    so, jo, inst);
}

static int
cmd_init(const struct args *a)
{
	char path[PATH_MAX];
	const char *name = a->name ? a->name : "sealdrop";
	unsigned char pks[RECIPIENTS_MAX][SDKEY_PUBLICKEYBYTES];
	struct db *db;
	int e;

	for (size_t i = 0; i < a->nrecipients; i++)
		if ((e = load_recipient(a->recipients[i], pks[i])) != 0)
			admin_die("%s: not a public key: %s", a->recipients[i], sd_strerror(e));

	if (mkdir(a->instance, 0700) != 0) {
		if (errno != EEXIST)
			admin_die("%s: cannot create: %s", a->instance, strerror(errno));
		if (rmdir(a->instance) != 0 && errno == ENOTEMPTY)
			admin_die("%s: exists and is not empty; refusing to initialise it", a->instance);
		if (mkdir(a->instance, 0700) != 0)
			admin_die("%s: cannot create: %s", a->instance, strerror(errno));
	}
	inst_path(a->instance, "sealdrop.conf", path);
	if ((e = conf_write_default(path, name)) != 0)
		admin_die("%s: %s", path, sd_strerror(e));
	if ((e = spool_create(a->instance)) != 0)
		admin_die("%s: cannot create the spool: %s", a->instance, sd_strerror(e));
	db = open_db(a->instance, 1);
	init_settings(db, name);
	for (size_t i = 0; i < a->nrecipients; i++)
		add_recipient(db, pks[i], "");
	db_close(db);
	init_tor(a->instance);
	printf("instance created in %s\n", a->instance);
	if (a->nrecipients == 0)
		printf("next: add a journalist public key with\n  " PROG
		    " recipient add --instance %s FILE.pub\n", a->instance);
	return 0;
}

static int
cmd_recipient_list(struct db *db)
{
	struct db_recipient r[RECIPIENTS_MAX];
	char text[SDKEY_PUBTEXT_BYTES + 1];
	size_t n = 0;
	int e;

	if ((e = db_recipient_list(db, r, RECIPIENTS_MAX, &n)) != 0)
		admin_die("cannot list the recipients: %s", sd_strerror(e));
	if (n == 0)
		printf("no recipient: sources cannot submit until one is added\n");
	for (size_t i = 0; i < n; i++) {
		char day[64], label[ADMINPRIV_SAFE_MAX];

		(void)sdkey_pub_encode(r[i].pk, text);
		printf("%" PRId64 "\t%s\t%s\t%s\n", r[i].id, text,
		    adminpriv_safe(r[i].added_day, day, sizeof day),
		    adminpriv_safe(r[i].label, label, sizeof label));
	}
	return 0;
}

/* Find a recipient by key (pk, when arg was one) or by row id. */
static int64_t
find_recipient(struct db *db, const char *arg, const unsigned char *pk)
{
	struct db_recipient r[RECIPIENTS_MAX];
	size_t n = 0;
	int bykey = pk != NULL;
	char *end = NULL;
	long long id = bykey ? 0 : strtoll(arg, &end, 10);

	if (!bykey && (end == arg || *end != '\0' || id <= 0))
		admin_die("%s: not a recipient id or public key", arg);
	if (db_recipient_list(db, r, RECIPIENTS_MAX, &n) != 0)
		admin_die("cannot list the recipients");
	for (size_t i = 0; i < n; i++)
		if ((bykey && sodium_memcmp(r[i].pk, pk, SDKEY_PUBLICKEYBYTES) == 0) ||
		    (!bykey && r[i].id == id))
			return r[i].id;
	admin_die("%s: no such recipient", arg);
}

struct rstep {
	const char *sub, *arg, *label;
	unsigned char pk[SDKEY_PUBLICKEYBYTES];
	int haspk;
};

/* recipient add|list|remove, as the instance's owner in the instance. */
static int
recipient_step(void *ctx)
{
	struct rstep *r = ctx;
	struct db *db = admin_open_db();
	char text[SDKEY_PUBTEXT_BYTES + 1];

	if (r->sub[0] == 'l') {
		cmd_recipient_list(db);
	} else if (r->sub[0] == 'a') {
		add_recipient(db, r->pk, r->label);
		(void)sdkey_pub_encode(r->pk, text);
		printf("recipient added: %s\n", text);
	} else {
		if (db_recipient_remove(db, find_recipient(db, r->arg, r->haspk ? r->pk : NULL)) != 0)
			admin_die("cannot remove the recipient");
		printf("recipient removed; files written from now on are not sealed to it\n");
	}
	db_close(db);
	return 0;
}

static int
cmd_recipient(int argc, char **argv)
{
	struct args a = { 0 };
	struct rstep r = { .sub = argc > 2 ? argv[2] : "" };
	int e;

	if (parse_args(argc, argv, 3, &a) != 0)
		return 2;
	if (!((strcmp(r.sub, "list") == 0 && a.first == argc) ||
	    ((strcmp(r.sub, "add") == 0 || strcmp(r.sub, "remove") == 0) && a.first == argc - 1))) {
		usage(stderr);
		return 2;
	}
	r.label = a.label ? a.label : "";
	if (r.sub[0] != 'l') {
		/* A key file is read here, as the caller, not in the step. */
		r.arg = argv[a.first];
		e = load_recipient(r.arg, r.pk);
		if (e != 0 && r.sub[0] == 'a')
			admin_die("%s: not a public key: %s", r.arg, sd_strerror(e));
		r.haspk = e == 0;
	}
	admin_enter(a.instance);
	return admin_step(recipient_step, &r);
}

int
main(int argc, char **argv)
{
	struct args a = { 0 };

	sdlog_init(PROG);
	umask(077);
	if (sodium_init() < 0)
		admin_die("cannot initialise libsodium");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "init") == 0) {
		if (parse_args(argc, argv, 2, &a) != 0 || a.first != argc) {
			usage(stderr);
			return 2;
		}
		return cmd_init(&a);
	}
	if (strcmp(argv[1], "setup") == 0)
		return adminsetup_main(argc, argv);
	if (strcmp(argv[1], "tor-client") == 0)
		return admintor_cmd_client(argc, argv);
	if (strcmp(argv[1], "tor-check") == 0)
		return admintor_cmd_check(argc, argv);
	if (strcmp(argv[1], "recipient") == 0)
		return cmd_recipient(argc, argv);
	if (strcmp(argv[1], "journalist") == 0)
		return adminj_main(argc, argv);
	if (strcmp(argv[1], "settings") == 0)
		return admins_main(argc, argv);
	if (strcmp(argv[1], "check") == 0)
		return adminops_cmd_check(argc, argv);
	if (strcmp(argv[1], "backup") == 0)
		return adminops_cmd_backup(argc, argv);
	if (strcmp(argv[1], "restore") == 0)
		return adminops_cmd_restore(argc, argv);
	fprintf(stderr, PROG ": unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
