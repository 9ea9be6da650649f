/*
 * clean_hook.c - deliberate faults for the tests of the sandbox. Only a
 * build with SD_CLEAN_TEST_HOOKS (the test presets) reads the environment
 * variables; a production build compiles this to "return 0".
 */
#include "clean_int.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

int
clean_test_hook(const char *mime)
{
#ifdef SD_CLEAN_TEST_HOOKS
	const char *crash = getenv("SEALDROP_TEST_CLEAN_CRASH");
	const char *hang = getenv("SEALDROP_TEST_CLEAN_HANG");

	if (crash != NULL && strcmp(crash, mime) == 0) {
		volatile int *volatile p = NULL;
		(void)raise(SIGSEGV);
		return *p;
	}
	if (hang != NULL && strcmp(hang, mime) == 0)
		for (volatile unsigned long i = 0;; i++)
			;
#else
	(void)mime;
#endif
	return 0;
}
