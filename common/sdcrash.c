/*
 * sdcrash.c - crash points for tests (see sdcrash.h).
 */
#include "sdcrash.h"

#ifdef SD_CRASHPOINTS
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
sd_crashpoint(const char *name)
{
	const char *at = getenv("SEALDROP_CRASH_AT");

	if (at != NULL && strcmp(at, name) == 0)
		_exit(86);
}
#else
typedef int sd_crash_unused; /* ISO C wants a translation unit to declare something */
#endif
