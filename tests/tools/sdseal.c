/*
 * sdseal - test helper: seal a file into .sdbox (version 2) for given recipients.
 * Used to make the spool-format test vectors and by the benches; the
 * daemons seal in-process. Not installed.
 *
 *   sdseal [--kind message|file|reply] [--name N] [--mime M] [--ref R]
 *          [--time UNIX] --recipient FILE.pub [--recipient ...] IN OUT
 */
#include "sdbox.h"
#include "sderr.h"
#include "sdio.h"
#include "sdkey.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

static unsigned char rcpt[SDBOX_RECIPIENTS_MAX][SDBOX_PUBLICKEYBYTES];
static size_t nrcpt;

static int
parse_kind(const char *s, enum sdbox_kind *k)
{
	if (strcmp(s, "message") == 0)
		*k = SDBOX_KIND_MESSAGE;
	else if (strcmp(s, "file") == 0)
		*k = SDBOX_KIND_FILE;
	else if (strcmp(s, "reply") == 0)
		*k = SDBOX_KIND_REPLY;
	else
		return -1;
	return 0;
}

static int
copy_str(char *dst, size_t dstsz, const char *src)
{
	int n = snprintf(dst, dstsz, "%s", src);
	return (n < 0 || (size_t)n >= dstsz) ? -1 : 0;
}

static int
parse(int argc, char **argv, struct sdbox_meta *m)
{
	static const struct option lo[] = { { "kind", required_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' }, { "mime", required_argument, NULL, 'm' },
		{ "ref", required_argument, NULL, 'r' }, { "time", required_argument, NULL, 't' },
		{ "recipient", required_argument, NULL, 'R' }, { NULL, 0, NULL, 0 } };
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'k':
			bad |= parse_kind(optarg, &m->kind);
			break;
		case 'n':
			bad |= copy_str(m->name, sizeof m->name, optarg);
			break;
		case 'm':
			bad |= copy_str(m->mime, sizeof m->mime, optarg);
			break;
		case 'r':
			bad |= copy_str(m->ref, sizeof m->ref, optarg);
			break;
		case 't':
			m->time = strtoull(optarg, NULL, 10);
			break;
		case 'R':
			if (nrcpt >= SDBOX_RECIPIENTS_MAX ||
			    sdkey_load_public(optarg, rcpt[nrcpt]) != 0) {
				fprintf(stderr, "sdseal: bad recipient %s\n", optarg);
				return -1;
			}
			nrcpt++;
			break;
		default:
			return -1;
		}
	}
	if (bad || argc - optind != 2) {
		fprintf(stderr,
		    "usage: sdseal [--kind K] [--name N] [--mime M] [--ref R] "
		    "[--time T] --recipient PUB... IN OUT\n");
		return -1;
	}
	return optind;
}

static int
seal(int in, int out, const struct sdbox_meta *m)
{
	struct sdbox_writer *w = NULL;
	static unsigned char buf[1 << 20];
	size_t got;
	int e;

	if ((e = sdbox_writer_new(
		 &w, (const unsigned char(*)[32])rcpt, nrcpt, m, sdbox_fd_write, &out)) != 0)
		goto out;
	do {
		if ((e = sd_read_full(in, buf, sizeof buf, &got)) != 0 ||
		    (e = sdbox_writer_write(w, buf, got)) != 0)
			goto out;
	} while (got == sizeof buf);
	e = sdbox_writer_finish(w);
out:
	sdbox_writer_free(w);
	return e;
}

int
main(int argc, char **argv)
{
	struct sdbox_meta m = { .kind = SDBOX_KIND_FILE };
	int i, in, out, e;

	if (sodium_init() < 0 || (i = parse(argc, argv, &m)) < 0)
		return 2;
	in = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY | O_CLOEXEC);
	out = open(argv[i + 1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (in < 0 || out < 0) {
		fprintf(stderr, "sdseal: cannot open input or create output\n");
		return 1;
	}
	e = seal(in, out, &m);
	if (e == 0 && (fsync(out) != 0 || close(out) != 0))
		e = SD_ERR_IO;
	if (e != 0) {
		fprintf(stderr, "sdseal: %s\n", sd_strerror(e));
		unlink(argv[i + 1]);
		return 1;
	}
	return 0;
}
