/*
 * fuzz_clean_stream.c - libFuzzer target for the streamed cleaners (the
 * clean_*_fd entry points the sandboxed child runs on a top-level file).
 *
 * Every streamed cleaner gets the input twice: as a buffer (clean_mkv...)
 * and written to a memfd and cleaned from descriptor to descriptor
 * (clean_mkv_fd...). Must not crash, leak or read out of bounds, and both
 * must give the same result and, when they clean, the same bytes. Any
 * difference aborts. Also replayed over the ffmpeg-made media of
 * tests/clean/media.sh.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "clean_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	int (*mem)(const unsigned char *, size_t, struct sdbuf *, struct clean_report *);
	int (*fd)(int, uint64_t, int, struct clean_report *);
} pairs[] = {
	{ clean_mkv, clean_mkv_fd },
	{ clean_jpeg, clean_jpeg_fd },
	{ clean_mp3, clean_mp3_fd },
	{ clean_flac, clean_flac_fd },
	{ clean_avi, clean_avi_fd },
	{ clean_asf, clean_asf_fd },
	{ clean_riff, clean_riff_fd },
	{ clean_aiff, clean_aiff_fd },
	{ clean_mp4, clean_mp4_fd },
};

/* A memfd holding n bytes of d (n may be 0), at offset 0. */
static int
memfd_with(const void *d, size_t n)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0 || (n > 0 && write(fd, d, n) != (ssize_t)n) || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		static struct clean_report r1, r2;
		struct sdbuf a = CLEAN_BUF_INIT;
		int in = memfd_with(data, size), out = memfd_with(NULL, 0), e1, e2;
		unsigned char *b;
		off_t n;

		memset(&r1, 0, sizeof r1);
		memset(&r2, 0, sizeof r2);
		e1 = pairs[i].mem(data, size, &a, &r1);
		e2 = pairs[i].fd(in, size, out, &r2);
		if (e1 != e2)
			abort();
		if (e1 == 0) {
			if ((n = lseek(out, 0, SEEK_END)) < 0 || (size_t)n != a.len)
				abort();
			if ((b = malloc(a.len + 1)) == NULL || lseek(out, 0, SEEK_SET) != 0 ||
			    read(out, b, a.len) != (ssize_t)a.len ||
			    (a.len > 0 && memcmp(a.data, b, a.len) != 0))
				abort();
			free(b);
			if (strcmp(r1.removed, r2.removed) != 0 || strcmp(r1.kept, r2.kept) != 0 ||
			    strcmp(r1.uninspected, r2.uninspected) != 0)
				abort();
		}
		sdbuf_free(&a);
		close(in);
		close(out);
	}
	return 0;
}
