/*
 * bench_util.h - what the two throughput programs of bench/ share
 * (raw_secretstream.c, the libsodium baseline, and bench_seal.c, our
 * format): the clock, MB/s, the numeric arguments, the common command line
 * ("[-r REPS] mem [SIZE_MIB]") and opening the input and output of a file
 * mode. Header-only, so the baseline still builds from its one file
 * against libsodium alone.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Seconds on the monotonic clock. */
static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* MB (10^6 bytes) per second; 0 for no time. */
static inline double
bench_mbps(uint64_t bytes, double secs)
{
	return secs > 0 ? (double)bytes / 1e6 / secs : 0.0;
}

/* Keep the shortest time of the runs (*best 0: none yet). */
static inline void
bench_best(double *best, double secs)
{
	if (*best == 0 || secs < *best)
		*best = secs;
}

/* A decimal number in 1..max, the whole string; 0 or -1. */
static inline int
bench_parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * The part of the command line both share: an optional "-r REPS" (1..1000)
 * first, then "mem [SIZE_MIB]" (1..65536). *i is the index of the mode
 * word after "-r". Returns 1 when the mode is mem (*reps and *mib set),
 * 0 for another mode (left to the caller from argv[*i]), -1 on a usage
 * error.
 */
static inline int
bench_args(int argc, char **argv, int *i, unsigned long *reps, unsigned long *mib)
{
	*i = 1;
	if (*i + 1 < argc && strcmp(argv[*i], "-r") == 0) {
		if (bench_parse_num(argv[*i + 1], 1000, reps) != 0)
			return -1;
		*i += 2;
	}
	if (*i < argc && strcmp(argv[*i], "mem") == 0 && argc - *i <= 2) {
		if (argc - *i == 2 && bench_parse_num(argv[*i + 1], 65536, mib) != 0)
			return -1;
		return 1;
	}
	return 0;
}

/* Open a file mode's input and output (created or truncated, 0600); 0, or
 * -1 with the reason on stderr (prog: ...), both descriptors then -1 or
 * open for the caller to close. */
static inline int
bench_open_files(const char *prog, const char *inpath, const char *outpath, int *infd, int *outfd)
{
	*infd = open(inpath, O_RDONLY | O_CLOEXEC);
	*outfd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (*infd < 0 || *outfd < 0) {
		fprintf(stderr, "%s: cannot open %s or %s: %s\n", prog, inpath, outpath,
		    strerror(errno));
		return -1;
	}
	return 0;
}

#endif
