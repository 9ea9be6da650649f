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

#endif
