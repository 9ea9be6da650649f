/*
 * sealdrop-admin - instance set-up and upkeep on the server.
 *
 * One command table (cmds[]: name, subcommand, handler, flags, the options
 * it takes and requires, its positional arguments, its usage line) drives
 * the one option parser (admin_parse) and the usage text, which is printed
 * from the table. `init` and `recipient` are handled here; the other
 * commands live in admin_*.c behind the handler the table names:
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

#define PROG ADMIN_PROG
#define RECIPIENTS_MAX ADMIN_RECIPIENTS_MAX

/* The instance of this run (admin_enter). */
static struct adminpriv_inst g_inst = { .fd = -1, .torfd = -1 };

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
		admin_die("%s: %s", g_inst.path,
		    e == SD_ERR_NOTFOUND ? "not a sealdrop instance (no sealdrop.db)" : why);
	if ((e = db_open("sealdrop.db", 0, &db)) != 0)
		admin_die(
		    "%s/sealdrop.db: cannot open the database: %s", g_inst.path, sd_strerror(e));
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
		    e == SD_ERR_IO ? strerror(errno) : sd_strerror(e),
		    e == SD_ERR_ARG
			? " (the path goes into tor's configuration: no spaces, quotes, '#' or '\\')"
			: "");
	printf("source interface:     http://%s/\n"
	       "journalist interface: http://%s/ (Tor client authorisation)\n"
	       "tor configuration:    %s/" ADMINTOR_TORRC " (see docs/operator-guide.md)\n",
	    so, jo, inst);
}

static int
cmd_init(const struct admin_args *a)
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
			admin_die(
			    "%s: exists and is not empty; refusing to initialise it", a->instance);
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
		       " recipient add --instance %s FILE.pub\n",
		    a->instance);
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

		if ((e = sdkey_pub_encode(r[i].pk, text)) != 0)
			admin_die(
			    "cannot show recipient %" PRId64 "'s key: %s", r[i].id, sd_strerror(e));
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
		if (sdkey_pub_encode(r->pk, text) != 0)
			admin_die("the recipient was added, but its key cannot be shown");
		printf("recipient added: %s\n", text);
	} else {
		if (db_recipient_remove(db, find_recipient(db, r->arg, r->haspk ? r->pk : NULL)) !=
		    0)
			admin_die("cannot remove the recipient");
		printf("recipient removed; files written from now on are not sealed to it\n");
	}
	db_close(db);
	return 0;
}

static int
cmd_recipient(const struct admin_args *a)
{
	struct rstep r = { .sub = a->sub, .label = a->label ? a->label : "" };
	int e;

	if (r.sub[0] != 'l') {
		/* A key file is read here, as the caller, not in the step. */
		r.arg = a->pos[0];
		e = load_recipient(r.arg, r.pk);
		if (e != 0 && r.sub[0] == 'a')
			admin_die("%s: not a public key: %s", r.arg, sd_strerror(e));
		r.haspk = e == 0;
	}
	admin_enter(a->instance);
	return admin_step(recipient_step, &r);
}

/* ---- the command table and its option parser ---------------------------- */

/* The options, one bit each; a row of the table lists those it takes and
 * those it requires. --admin is a flag of `journalist add` and a name for
 * `setup`: two options of one name, never in the same row. */
enum {
	O_INSTANCE = 1u << 0,
	O_NAME = 1u << 1,
	O_LABEL = 1u << 2,
	O_RECIPIENT = 1u << 3,
	O_OUT = 1u << 4,
	O_IN = 1u << 5,
	O_KEY = 1u << 6,
	O_PASSFILE = 1u << 7,
	O_TOR = 1u << 8,
	O_TIMEOUT = 1u << 9,
	O_ADMIN_FLAG = 1u << 10,
	O_ADMIN_NAME = 1u << 11,
	O_PASSPHRASE = 1u << 12,
	O_TOTP = 1u << 13,
	O_TORRC = 1u << 14,
	O_NO_START = 1u << 15,
	O_ADDRESS = 1u << 16,
	O_UNIT = 1u << 17,
	O_NO_RELOAD = 1u << 18,
	O_NOPT = 19
};

/* Every option sealdrop-admin knows; val is the bit's index. */
static const struct option admin_opts[O_NOPT] = {
	{ "instance", required_argument, NULL, 0 },
	{ "name", required_argument, NULL, 1 },
	{ "label", required_argument, NULL, 2 },
	{ "recipient", required_argument, NULL, 3 },
	{ "out", required_argument, NULL, 4 },
	{ "in", required_argument, NULL, 5 },
	{ "key", required_argument, NULL, 6 },
	{ "passphrase-file", required_argument, NULL, 7 },
	{ "tor", required_argument, NULL, 8 },
	{ "timeout", required_argument, NULL, 9 },
	{ "admin", no_argument, NULL, 10 },
	{ "admin", required_argument, NULL, 11 },
	{ "passphrase", no_argument, NULL, 12 },
	{ "totp", no_argument, NULL, 13 },
	{ "torrc", required_argument, NULL, 14 },
	{ "no-start", no_argument, NULL, 15 },
	{ "address", required_argument, NULL, 16 },
	{ "unit", required_argument, NULL, 17 },
	{ "no-reload", no_argument, NULL, 18 },
};
#define O_HELP_VAL 'h'

/* Flags of a row. */
#define C_ROOT 1u /* only root may run it (checked after the command line) */

struct admin_cmd {
	const char *name, *sub; /* sub NULL: the command has none */
	int (*fn)(const struct admin_args *a);
	unsigned flags;
	unsigned opts, required; /* O_* bits */
	int npos;                /* positional arguments, exactly */
	const char *usage;       /* after "sealdrop-admin NAME [SUB] " */
	const char *why_root;    /* C_ROOT: why, said when run by another user */
};

static const struct admin_cmd cmds[] = {
	{ "setup", NULL, adminsetup_main, C_ROOT,
	    O_RECIPIENT | O_INSTANCE | O_NAME | O_ADMIN_NAME | O_TORRC | O_NO_START, 0, 0,
	    "--recipient FILE.pub|sdpk1_... [--recipient ...] [--instance DIR] [--name NAME]\n"
	    "      [--admin NAME] [--torrc FILE] [--no-start]",
	    "it gives the instance to " ADMIN_SETUP_USER ", edits tor's configuration and starts "
	    "the units" },
	{ "init", NULL, cmd_init, 0, O_INSTANCE | O_NAME | O_RECIPIENT, O_INSTANCE, 0,
	    "--instance DIR [--name NAME] [--recipient FILE.pub]...", NULL },
	{ "tor-check", NULL, admintor_cmd_check, 0, O_INSTANCE | O_TOR | O_TIMEOUT, O_INSTANCE, 0,
	    "--instance DIR [--tor PATH] [--timeout SECONDS]", NULL },
	{ "tor-client", "add", admintor_cmd_client, 0, O_INSTANCE, O_INSTANCE, 1,
	    "--instance DIR NAME", NULL },
	{ "tor-client", "remove", admintor_cmd_client, 0, O_INSTANCE, O_INSTANCE, 1,
	    "--instance DIR NAME", NULL },
	{ "tor-clients-apply", NULL, admintc_main, 0, O_INSTANCE | O_NO_RELOAD, O_INSTANCE, 0,
	    "--instance DIR [--no-reload]", NULL },
	{ "recipient", "add", cmd_recipient, 0, O_INSTANCE | O_LABEL, O_INSTANCE, 1,
	    "--instance DIR [--label LABEL] FILE.pub|sdpk1_...", NULL },
	{ "recipient", "list", cmd_recipient, 0, O_INSTANCE, O_INSTANCE, 0, "--instance DIR",
	    NULL },
	{ "recipient", "remove", cmd_recipient, 0, O_INSTANCE, O_INSTANCE, 1,
	    "--instance DIR ID|sdpk1_...", NULL },
	{ "journalist", "add", adminjournalist_main, 0, O_INSTANCE | O_ADMIN_FLAG, O_INSTANCE, 1,
	    "--instance DIR NAME [--admin]", NULL },
	{ "journalist", "list", adminjournalist_main, 0, O_INSTANCE, O_INSTANCE, 0,
	    "--instance DIR", NULL },
	{ "journalist", "remove", adminjournalist_main, 0, O_INSTANCE, O_INSTANCE, 1,
	    "--instance DIR NAME", NULL },
	{ "journalist", "reset", adminjournalist_main, 0, O_INSTANCE | O_PASSPHRASE | O_TOTP,
	    O_INSTANCE, 1, "--instance DIR NAME [--passphrase] [--totp]", NULL },
	{ "settings", "show", adminsettings_main, 0, O_INSTANCE, O_INSTANCE, 0, "--instance DIR",
	    NULL },
	{ "settings", "set", adminsettings_main, 0, O_INSTANCE, O_INSTANCE, 2,
	    "--instance DIR KEY VALUE", NULL },
	{ "check", NULL, adminops_cmd_check, 0, O_INSTANCE, O_INSTANCE, 0, "--instance DIR", NULL },
	{ "backup", NULL, adminops_cmd_backup, 0, O_INSTANCE | O_OUT | O_RECIPIENT,
	    O_INSTANCE | O_OUT, 0, "--instance DIR --out FILE [--recipient FILE.pub|sdpk1_...]...",
	    NULL },
	{ "restore", NULL, adminops_cmd_restore, 0, O_IN | O_INSTANCE | O_KEY | O_PASSFILE,
	    O_IN | O_INSTANCE, 0,
	    "--in FILE --instance NEWDIR [--key FILE.key [--passphrase-file F]]", NULL },
	{ "notify", "run", adminn_main, 0, O_INSTANCE, O_INSTANCE, 0, "--instance DIR", NULL },
	{ "notify", "alert", adminn_main, 0, O_INSTANCE | O_UNIT, O_INSTANCE | O_UNIT, 0,
	    "--instance DIR --unit NAME", NULL },
	{ "notify", "set", adminn_main, 0, O_INSTANCE | O_ADDRESS | O_KEY,
	    O_INSTANCE | O_ADDRESS | O_KEY, 1, "--instance DIR NAME --address ADDR --key FILE",
	    NULL },
	{ "notify", "clear", adminn_main, 0, O_INSTANCE, O_INSTANCE, 1, "--instance DIR NAME",
	    NULL },
	{ "notify", "msmtp-config", adminn_main, 0, O_INSTANCE, O_INSTANCE, 0, "--instance DIR",
	    NULL },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

/* The usage lines of every row named cmd (NULL: all) on f. */
static void
usage_rows(FILE *f, const char *cmd)
{
	fprintf(f, "usage:\n");
	for (size_t i = 0; i < NCMDS; i++)
		if (cmd == NULL || strcmp(cmds[i].name, cmd) == 0)
			fprintf(f, "  " PROG " %s%s%s %s\n", cmds[i].name, cmds[i].sub ? " " : "",
			    cmds[i].sub ? cmds[i].sub : "", cmds[i].usage);
}

int
admin_usage(const char *cmd)
{
	usage_rows(stderr, cmd);
	return 2;
}

/* The row of argv[1] (and argv[2] when the command has subcommands), or
 * NULL; *known: the command name is in the table. */
static const struct admin_cmd *
find_cmd(int argc, char **argv, int *known)
{
	*known = 0;
	for (size_t i = 0; i < NCMDS; i++) {
		if (strcmp(cmds[i].name, argv[1]) != 0)
			continue;
		*known = 1;
		if (cmds[i].sub == NULL || (argc > 2 && strcmp(cmds[i].sub, argv[2]) == 0))
			return &cmds[i];
	}
	return NULL;
}

/* The options of row c into a, and its positional arguments: the one
 * option parser. 0, 1 when --help was asked, or -1 after saying what is
 * wrong on stderr (the caller prints the usage). */
static int
admin_parse(const struct admin_cmd *c, int argc, char **argv, struct admin_args *a)
{
	struct option lo[O_NOPT + 2];
	size_t n = 0;
	unsigned seen = 0;
	int ch, first = c->sub ? 3 : 2;

	for (int i = 0; i < O_NOPT; i++)
		if (c->opts & (1u << i))
			lo[n++] = admin_opts[i];
	lo[n++] = (struct option){ "help", no_argument, NULL, O_HELP_VAL };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	a->cmd = c->name;
	a->sub = c->sub;
	optind = first;
	opterr = 0;
	/* Options and positional arguments in any order ("--" ends options);
	 * ':' first: a missing value is told from an unknown option. */
	while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		const char *v = optarg;

		if (ch == O_HELP_VAL)
			return 1;
		if (ch == ':') {
			fprintf(stderr, PROG ": %s needs a value\n", argv[optind - 1]);
			return -1;
		}
		if (ch < 0 || ch >= O_NOPT) {
			fprintf(stderr, PROG ": %s: unknown option for this command\n",
			    argv[optind - 1]);
			return -1;
		}
		seen |= 1u << ch;
		switch (1u << ch) {
		case O_INSTANCE:
			a->instance = v;
			break;
		case O_NAME:
			a->name = v;
			break;
		case O_LABEL:
			a->label = v;
			break;
		case O_OUT:
			a->out = v;
			break;
		case O_IN:
			a->in = v;
			break;
		case O_KEY:
			a->key = v;
			break;
		case O_PASSFILE:
			a->passfile = v;
			break;
		case O_TOR:
			a->tor = v;
			break;
		case O_TIMEOUT:
			a->timeout = v;
			break;
		case O_ADMIN_FLAG:
			a->is_admin = 1;
			break;
		case O_ADMIN_NAME:
			a->admin = v;
			break;
		case O_PASSPHRASE:
			a->passphrase = 1;
			break;
		case O_TOTP:
			a->totp = 1;
			break;
		case O_TORRC:
			a->torrc = v;
			break;
		case O_NO_START:
			a->no_start = 1;
			break;
		case O_ADDRESS:
			a->address = v;
			break;
		case O_UNIT:
			a->unit = v;
			break;
		case O_NO_RELOAD:
			a->no_reload = 1;
			break;
		case O_RECIPIENT:
			if (a->nrecipients == ADMIN_RECIPIENTS_MAX)
				admin_die("at most %d recipients", ADMIN_RECIPIENTS_MAX);
			a->recipients[a->nrecipients++] = v;
			break;
		}
	}
	for (int i = 0; i < O_NOPT; i++)
		if ((c->required & (1u << i)) && !(seen & (1u << i))) {
			fprintf(stderr, PROG ": --%s is required\n", admin_opts[i].name);
			return -1;
		}
	if (argc - optind != c->npos) {
		fprintf(stderr, PROG ": %s%s%s takes %d argument%s besides its options\n", c->name,
		    c->sub ? " " : "", c->sub ? c->sub : "", c->npos, c->npos == 1 ? "" : "s");
		return -1;
	}
	for (int i = 0; i < c->npos; i++)
		a->pos[a->npos++] = argv[optind + i];
	return 0;
}

int
main(int argc, char **argv)
{
	struct admin_args a = { 0 };
	const struct admin_cmd *c;
	int known, e;

	sdlog_init(PROG);
	umask(077);
	if (sodium_init() < 0)
		admin_die("cannot initialise libsodium");
	if (argc < 2)
		return admin_usage(NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_rows(stdout, NULL);
		return 0;
	}
	if ((c = find_cmd(argc, argv, &known)) == NULL) {
		if (known && argc > 2 &&
		    (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
			usage_rows(stdout, argv[1]);
			return 0;
		}
		if (!known)
			fprintf(stderr, PROG ": unknown command '%s'\n", argv[1]);
		return admin_usage(known ? argv[1] : NULL);
	}
	if ((e = admin_parse(c, argc, argv, &a)) != 0) {
		if (e > 0) {
			usage_rows(stdout, c->name);
			return 0;
		}
		return admin_usage(c->name);
	}
	if ((c->flags & C_ROOT) && geteuid() != 0)
		admin_die("%s must run as root (%s)", c->name, c->why_root);
	return c->fn(&a);
}
