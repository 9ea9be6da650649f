/*
 * designation.h - the journalist-facing name of a source: two words derived
 * from its random source id, computed the same way on the server and on the
 * air-gapped machine (docs/spool.md, "Designations").
 */
#ifndef SD_DESIGNATION_H
#define SD_DESIGNATION_H

#include "sdid.h"

#define SD_DESIGNATION_MAX (2 * 9 + 1) /* word-word, without NUL */

/* "word-word" for a source id; out holds SD_DESIGNATION_MAX + 1 bytes. */
void sd_designation(const unsigned char id[SD_ID_BYTES], char out[SD_DESIGNATION_MAX + 1]);

#endif
