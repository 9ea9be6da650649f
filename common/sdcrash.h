/*
 * sdcrash.h - crash points for tests of what a kill at a given step leaves
 * behind (a submission half committed, a reply renamed but not recorded).
 *
 * In a build configured with SD_CRASHPOINTS (the dev and asan presets; never
 * a package), sd_crashpoint(name) ends the process at once, as a SIGKILL
 * would (no cleanup, no atexit), when the environment variable
 * SEALDROP_CRASH_AT equals name. In any other build it is nothing.
 */
#ifndef SD_CRASH_H
#define SD_CRASH_H

#ifdef SD_CRASHPOINTS
void sd_crashpoint(const char *name);
#else
#define sd_crashpoint(name) ((void)(name))
#endif

#endif
