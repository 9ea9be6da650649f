/*
 * safename.h - turn an untrusted file name (from inside an encrypted upload)
 * into one that is safe to create on the journalist's machine.
 *
 * The result has no path parts, no control or shell-hostile characters, no
 * leading dot (hidden file), no trailing dot or space, is valid UTF-8, is
 * not a Windows device name, and is at most SAFENAME_MAX bytes, keeping the
 * extension when it has to shorten. An empty result becomes the fallback.
 */
#ifndef SAFENAME_H
#define SAFENAME_H

#include <stddef.h>

#define SAFENAME_MAX 200

/* out must hold SAFENAME_MAX + 1 bytes. Never fails. */
void safename_make(const char *in, const char *fallback, char out[SAFENAME_MAX + 1]);

/* The name of a file that was not cleaned (sealdrop-open's uncleaned/):
 * safename_make's name with SAFENAME_UNCLEANED_EXT always appended, so the
 * extension the source chose (.desktop, .exe, .html, .svg, .lnk, .jar...)
 * is never the last one and no desktop opens or runs the file by its name
 * on a double-click ("report.pdf" becomes "report.pdf.uncleaned"). The
 * result is at most SAFENAME_MAX bytes, shortened before the source's
 * extension when needed. out must hold SAFENAME_MAX + 1 bytes. */
#define SAFENAME_UNCLEANED_EXT ".uncleaned"
void safename_uncleaned(const char *in, const char *fallback, char out[SAFENAME_MAX + 1]);

#endif
