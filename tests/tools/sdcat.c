/*
 * sdcat - test helper: decrypt one .sdbox file with a key file, print its
 * metadata on stderr ("kind=N name=... mime=... ref=...", the name with
 * bytes outside printable ASCII as \xNN) and its content on stdout. Exit 1
 * on any error. Not installed.
 *
 *   sdcat KEY PASSFILE FILE.sdbox
 */
#include "sdbox.h"
#include "sderr.h"
#include "sdio.h"
#include "sdkey.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <sodium.h>

static void
print_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f || c == '\\')
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
}

int
main(int argc, char **argv)
{
	unsigned char sk[32], pk[32];
	struct sd_secret pass = { 0 };
	struct sdbox_reader *r = NULL;
	const struct sdbox_meta *m;
	const unsigned char *chunk;
	size_t n;
	int fd, e;

	if (argc != 4 || sodium_init() < 0) {
		fprintf(stderr, "usage: sdcat KEY PASSFILE FILE.sdbox\n");
		return 2;
	}
	if ((e = sd_secret_from_file(argv[2], &pass)) != 0 ||
	    (e = sdkey_load_secret(argv[1], pass.buf, pass.len, sk, pk)) != 0 ||
	    (fd = open(argv[3], O_RDONLY)) < 0 ||
	    (e = sdbox_reader_new(&r, sk, sdbox_fd_read, &fd)) != 0) {
		fprintf(stderr, "sdcat: %s\n", sd_strerror(e ? e : SD_ERR_IO));
		return 1;
	}
	m = sdbox_reader_meta(r);
	fprintf(stderr, "kind=%d name=", (int)m->kind);
	print_escaped(m->name);
	fprintf(stderr, " mime=%s ref=%s\n", m->mime, m->ref);
	while ((e = sdbox_reader_read(r, &chunk, &n)) == 0 && n > 0)
		if (fwrite(chunk, 1, n, stdout) != n)
			return 1;
	if (e != 0)
		fprintf(stderr, "sdcat: %s\n", sd_strerror(e));
	sdbox_reader_free(r);
	sd_secret_free(&pass);
	sodium_memzero(sk, sizeof sk);
	return e == 0 ? 0 : 1;
}
