/*
 * sdutf8.h - the one UTF-8 decoder (RFC 3629), for every check of text
 * from outside: settings from the web admin, file names in archives and
 * spool items, reports and pages shown on a terminal.
 *
 * It decodes well-formed sequences only: no overlong form, no surrogate
 * (U+D800..U+DFFF), nothing above U+10FFFF, no stray or missing
 * continuation byte, never a byte past the n it is given. What a caller
 * then allows (controls, bidi overrides...) is the caller's policy.
 */
#ifndef SD_UTF8_H
#define SD_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length (1 to 4) of the sequence at p, which has n bytes left, and
 * its code point in *cp; 0 (and *cp untouched) when p does not start a
 * well-formed sequence within those n bytes or n is 0. */
size_t sd_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

#endif
