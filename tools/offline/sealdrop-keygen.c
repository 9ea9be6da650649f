/*
 * sealdrop-keygen - make a journalist keypair, on the air-gapped machine.
 *
 *   sealdrop-keygen --out FILE.key [--passphrase-file F]
 *                   [--kdf interactive|moderate|sensitive]
 *
 * Writes FILE.key (mode 0600: the X25519 secret key sealed under
 * argon2id(passphrase), see crypto/sdkey.h) and FILE.pub (mode 0644: the
 * public key text form and a newline). FILE.pub is --out with its ".key"
 * suffix replaced by ".pub", or with ".pub" appended when --out does not end
 * in ".key". Neither file is ever overwritten: an existing one is an error.
 * Without --passphrase-file the passphrase is asked twice on the terminal,
 * without echo; passphrases shorter than 12 bytes are refused. On success
 * the public key text form and the two paths are printed on stdout.
 *
 * Exit status: 0 on success, 1 on any error (one line on stderr), 2 for a
 * usage error. The secret key and the passphrase live in sodium_malloc'd
 * memory and are wiped on every path.
 */
#include "sderr.h"
#include "sdio.h"
#include "sdkey.h"
#include "sdlog.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <sodium.h>

#define PROG "sealdrop-keygen"
#define PASS_MIN 12
#define EXIT_USAGE 2

struct opts {
	const char *out;
	const char *passfile;
	enum sdkey_kdf_level level;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " --out FILE.key [--passphrase-file F]"
	    " [--kdf interactive|moderate|sensitive]\n"
	    "Make a journalist keypair: FILE.key (0600, secret key sealed under the\n"
	    "passphrase) and FILE.pub (0644, public key text form). Never overwrites.\n"
	    "  --out FILE.key          secret key file to create\n"
	    "  --passphrase-file F     read the passphrase from the first line of F\n"
	    "                          (else it is asked twice on the terminal)\n"
	    "  --kdf LEVEL             argon2id cost: interactive (64 MiB, tests only),\n"
	    "                          moderate (256 MiB, default), sensitive (1 GiB)\n"
	    "  --help                  show this help\n");
}

static int
parse_level(const char *s, enum sdkey_kdf_level *level)
{
	if (strcmp(s, "interactive") == 0)
		*level = SDKEY_KDF_INTERACTIVE;
	else if (strcmp(s, "moderate") == 0)
		*level = SDKEY_KDF_MODERATE;
	else if (strcmp(s, "sensitive") == 0)
		*level = SDKEY_KDF_SENSITIVE;
	else
		return -1;
	return 0;
}

/* One line for a usage error; main() exits with status 2. */
static void
usage_error(const char *what, const char *arg)
{
	fprintf(
	    stderr, PROG ": %s%s%s (see " PROG " --help)\n", what, arg ? " " : "", arg ? arg : "");
}

/* getopt_long's error: an unknown option, or one missing its argument. */
static void
option_error(int c, char **argv)
{
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *last = argv[optind - 1];
	const char *arg = (strncmp(last, "--", 2) == 0 || optopt == 0) ? last : shortopt;

	usage_error(c == ':' ? "missing argument for option" : "unknown or malformed option", arg);
}

/* 0 to go on, 1 when --help was asked for, -1 for a usage error. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = { { "out", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "kdf", required_argument, NULL, 'k' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:p:k:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'p':
			o->passfile = optarg;
			break;
		case 'k':
			if (parse_level(optarg, &o->level) != 0) {
				usage_error("--kdf must be interactive, moderate or sensitive, not",
				    optarg);
				return -1;
			}
			break;
		case 'h':
			return 1;
		default:
			option_error(c, argv);
			return -1;
		}
	}
	if (optind < argc) {
		usage_error("unexpected argument", argv[optind]);
		return -1;
	}
	if (o->out == NULL || o->out[0] == '\0') {
		usage_error("--out FILE.key is required", NULL);
		return -1;
	}
	return 0;
}

/* FILE.key -> FILE.pub, anything else -> anything.pub. */
static int
pub_path(const char *keypath, char *out, size_t outsz)
{
	size_t n = strnlen(keypath, outsz);
	int w;

	if (n >= outsz)
		return -1;
	if (n > 4 && strcmp(keypath + n - 4, ".key") == 0)
		w = snprintf(out, outsz, "%.*s.pub", (int)(n - 4), keypath);
	else
		w = snprintf(out, outsz, "%s.pub", keypath);
	return (w < 0 || (size_t)w >= outsz) ? -1 : 0;
}

static int
refuse_existing(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0) {
		fprintf(stderr, PROG ": %s already exists; refusing to overwrite it\n", path);
		return -1;
	}
	if (errno != ENOENT) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
get_passphrase(const struct opts *o, struct sd_secret *pass)
{
	int r;

	if (o->passfile != NULL) {
		r = sd_secret_from_file(o->passfile, pass);
		if (r == SD_ERR_IO)
			fprintf(stderr, PROG ": cannot read passphrase file %s: %s\n", o->passfile,
			    strerror(errno));
		else if (r == SD_ERR_ARG)
			fprintf(stderr, PROG ": passphrase file %s is empty\n", o->passfile);
		else if (r != 0)
			fprintf(stderr, PROG ": passphrase file %s: %s (at most %d bytes)\n",
			    o->passfile, sd_strerror(r), SD_PASSPHRASE_MAX);
	} else {
		r = sd_secret_prompt("New passphrase for the secret key: ", 1, pass);
		if (r == SD_ERR_IO)
			fprintf(stderr,
			    PROG ": no terminal to ask for the passphrase;"
				 " use --passphrase-file\n");
		else if (r == SD_ERR_ARG)
			fprintf(stderr, PROG ": passphrase empty, or the two entries differ\n");
		else if (r != 0)
			fprintf(stderr, PROG ": passphrase: %s (at most %d bytes)\n",
			    sd_strerror(r), SD_PASSPHRASE_MAX);
	}
	if (r == 0 && pass->len < PASS_MIN) {
		fprintf(
		    stderr, PROG ": passphrase too short: use at least %d characters\n", PASS_MIN);
		r = SD_ERR_ARG;
	}
	return r;
}

static int
write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	int r = sd_write_file_excl(path, buf, len, mode);

	if (r == SD_ERR_EXISTS)
		fprintf(stderr, PROG ": %s already exists; refusing to overwrite it\n", path);
	else if (r == SD_ERR_IO)
		fprintf(stderr, PROG ": cannot write %s: %s\n", path, strerror(errno));
	else if (r != 0)
		fprintf(stderr, PROG ": cannot write %s: %s\n", path, sd_strerror(r));
	return r;
}

/* Make the keypair, seal it, write FILE.key then FILE.pub (removing
 * FILE.key again if FILE.pub cannot be written). */
static int
make_keys(const struct opts *o, const struct sd_secret *pass, const char *pubpath)
{
	unsigned char pk[SDKEY_PUBLICKEYBYTES], file[SDKEY_FILE_BYTES];
	char text[SDKEY_PUBTEXT_BYTES + 2];
	unsigned char *sk = sodium_malloc(SDKEY_SECRETKEYBYTES);
	int r;

	if (sk == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		return SD_ERR_NOMEM;
	}
	if ((r = sdkey_keypair(pk, sk)) != 0 ||
	    (r = sdkey_seal(sk, pk, pass->buf, pass->len, o->level, file)) != 0 ||
	    (r = sdkey_pub_encode(pk, text)) != 0) {
		fprintf(stderr, PROG ": cannot make the key: %s\n", sd_strerror(r));
		goto out;
	}
	text[SDKEY_PUBTEXT_BYTES] = '\n';
	text[SDKEY_PUBTEXT_BYTES + 1] = '\0';
	if ((r = write_file(o->out, file, sizeof file, 0600)) != 0)
		goto out;
	if ((r = write_file(pubpath, text, SDKEY_PUBTEXT_BYTES + 1, 0644)) != 0) {
		(void)unlink(o->out);
		goto out;
	}
	printf(
	    "%.*s\nsecret key: %s\npublic key: %s\n", SDKEY_PUBTEXT_BYTES, text, o->out, pubpath);
	r = fflush(stdout) == 0 ? 0 : SD_ERR_IO;
out:
	sodium_free(sk);
	sodium_memzero(file, sizeof file);
	return r;
}

int
main(int argc, char **argv)
{
	struct opts o = { NULL, NULL, SDKEY_KDF_MODERATE };
	struct sd_secret pass = { 0 };
	struct rlimit nocore = { 0, 0 };
	char pubpath[PATH_MAX];
	int r;

	sdlog_init(PROG);
	if (sodium_init() < 0)
		sdlog_fatalx("cannot initialise libsodium");
	(void)setrlimit(RLIMIT_CORE, &nocore);
	if ((r = parse_opts(argc, argv, &o)) != 0) {
		if (r > 0)
			usage(stdout);
		return r > 0 ? 0 : EXIT_USAGE;
	}
	if (pub_path(o.out, pubpath, sizeof pubpath) != 0) {
		usage_error("--out path too long", NULL);
		return EXIT_USAGE;
	}
	if (refuse_existing(o.out) != 0 || refuse_existing(pubpath) != 0)
		return 1;
	if (get_passphrase(&o, &pass) != 0) {
		sd_secret_free(&pass);
		return 1;
	}
	r = make_keys(&o, &pass, pubpath);
	sd_secret_free(&pass);
	return r == 0 ? 0 : 1;
}
