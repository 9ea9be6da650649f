/*
 * clean_int.h - internal helpers shared by the cleaners (not installed).
 * Byte order comes from common/sdbytes.h (callers bound-check first); the
 * test-only fault hooks (compiled in only with SD_CLEAN_TEST_HOOKS, see clean_hook.c).
 */
#ifndef CLEAN_INT_H
#define CLEAN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sdbytes.h"

struct clean_report;
struct clean_buf;

/* One ISO base media box (MP4, MOV, HEIF): where it starts, its type, its
 * header length and whole size; clean_mp4.c. */
struct clean_box {
	const unsigned char *p;
	char type[4];
	size_t hdr, size;
};

/* The box at p with n bytes left (a size of 0 runs to the end; a 64-bit
 * size is read); 0, or CLEAN_E_MALFORMED when it does not fit in n. */
int clean_box_at(const unsigned char *p, size_t n, struct clean_box *b);
int clean_box_is(const struct clean_box *b, const char *type);
/* Append a box header for a payload of n bytes (64-bit size when needed). */
int clean_box_header(struct clean_buf *o, const char *type, size_t n);

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
