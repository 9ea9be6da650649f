/*
 * designation.h - the journalist-facing name of a source: two words derived
 * from its random source id, computed the same way on the server and on the
 * air-gapped machine (docs/spool.md, "Designations").
 */
#ifndef SD_DESIGNATION_H
#define SD_DESIGNATION_H

#include <stddef.h>

#define SD_SOURCE_ID_BYTES 16
#define SD_SOURCE_ID_HEX (2 * SD_SOURCE_ID_BYTES)
#define SD_DESIGNATION_MAX (2 * 9 + 1) /* word-word, without NUL */

/* "word-word" for a source id; out holds SD_DESIGNATION_MAX + 1 bytes. */
void sd_designation(const unsigned char id[SD_SOURCE_ID_BYTES],
    char out[SD_DESIGNATION_MAX + 1]);

/* Parse 32 lower-case hex characters (exactly) into id. 0 or SD_ERR_FORMAT. */
int sd_source_id_parse(const char *hex, size_t len, unsigned char id[SD_SOURCE_ID_BYTES]);

#endif
