/*
 * clean_hook.c - deliberate faults for the tests of the sandbox. Only a
 * build with SD_CLEAN_TEST_HOOKS (the test presets) reads the environment
 * variables; a production build compiles this to "return 0".
 */
#include "clean_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
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

void
clean_test_probe(struct clean_report *rep)
{
#ifdef SD_CLEAN_TEST_HOOKS
	const char *p = getenv("SEALDROP_TEST_CLEAN_PROBE");
	int fd;

	if (p == NULL)
		return;
	if (strcmp(p, "socket") == 0)
		(void)socket(AF_INET, SOCK_STREAM, 0); /* the filter kills the child here */
	fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		clean_note_kept(rep, "sandbox probe: open succeeded");
		close(fd);
	} else {
		clean_note_kept(rep, "sandbox probe: open refused (%s)",
		    errno == EPERM ? "EPERM" : "other error");
	}
#else
	(void)rep;
#endif
}
