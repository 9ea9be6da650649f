/*
 * clean_int.h - internal helpers shared by the cleaners (not installed).
 * Big-endian readers that the callers bound-check first, and the test-only
 * fault hooks (compiled in only with SD_CLEAN_TEST_HOOKS, see clean_hook.c).
 */
#ifndef CLEAN_INT_H
#define CLEAN_INT_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t
clean_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline unsigned
clean_be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

struct clean_report;

/* An archive member name with no absolute path, "..", "." component,
 * backslash or control character. */
int clean_member_name_safe(const char *n);

/* 1 when an OOXML package member is dropped whole (comments, people,
 * customXml, printer settings); clean_office.c. */
int clean_office_part_dropped(const char *name);

/* Copy a member's notes into the container's report, prefixed by its name. */
void clean_note_member(struct clean_report *r, const char *name,
    const struct clean_report *sub);

/* Test builds: crash or hang on purpose when SEALDROP_TEST_CLEAN_CRASH or
 * SEALDROP_TEST_CLEAN_HANG names the MIME type being cleaned. Returns 0
 * otherwise; a no-op in production builds. */
int clean_test_hook(const char *mime);

/* Test builds: with SEALDROP_TEST_CLEAN_PROBE set, try what the sandbox
 * must forbid (open a file; with "socket", open a socket) and note the
 * outcome in rep. A no-op in production builds. */
void clean_test_probe(struct clean_report *rep);

#endif
