/*
 * sdid.h - the 16-byte random id of a source, a submission batch or an
 * item, its text form (32 lower-case hex digits), and the spool's names
 * built from ids (docs/spool.md): an item file "<item>.sdbox", a bundle
 * member or spool path "<source>/<item>.sdbox".
 *
 * The server writes these names (store/spool.c, the journalist bundle) and
 * both sides parse them (the spool sweep, sealdrop-admin's backup and
 * restore, sealdrop-open on the air-gapped machine), so the one format and
 * its one strict parser live here, in common/, which every program links.
 * A parser takes only the exact form: lower-case hex, no sign, no space,
 * nothing before or after.
 */
#ifndef SD_ID_H
#define SD_ID_H

#include <stddef.h>

#include "sderr.h"

#define SD_ID_BYTES 16
#define SD_ID_HEX (2 * SD_ID_BYTES)
#define SD_SPOOL_EXT ".sdbox"
/* "<32 hex>.sdbox", without the NUL. */
#define SD_SPOOL_NAME_LEN (SD_ID_HEX + 6)
/* "<32 hex>/<32 hex>.sdbox", without the NUL. */
#define SD_SPOOL_MEMBER_LEN (SD_ID_HEX + 1 + SD_SPOOL_NAME_LEN)

/* The text form of id: 32 lower-case hex digits and a NUL. */
void sd_id_hex(const unsigned char id[SD_ID_BYTES], char out[SD_ID_HEX + 1]);

/* Exactly SD_ID_HEX lower-case hex digits (the len bytes of s, which need
 * not be NUL-terminated) into id: 0, or SD_ERR_FORMAT and id untouched. */
SD_MUST_CHECK
int sd_id_parse(const char *s, size_t len, unsigned char id[SD_ID_BYTES]);

/* "<item>.sdbox" into out. */
void sd_spool_name(const unsigned char item[SD_ID_BYTES], char out[SD_SPOOL_NAME_LEN + 1]);

/* The NUL-terminated name is exactly "<32 hex>.sdbox": 0 and *item, or
 * SD_ERR_FORMAT. */
SD_MUST_CHECK
int sd_spool_name_parse(const char *name, unsigned char item[SD_ID_BYTES]);

/* "<source>/<item>.sdbox" into out. */
void sd_spool_member(const unsigned char source[SD_ID_BYTES], const unsigned char item[SD_ID_BYTES],
    char out[SD_SPOOL_MEMBER_LEN + 1]);

/* The NUL-terminated name is exactly "<32 hex>/<32 hex>.sdbox": 0 with
 * *source and *item, or SD_ERR_FORMAT and neither touched. */
SD_MUST_CHECK
int sd_spool_member_parse(
    const char *name, unsigned char source[SD_ID_BYTES], unsigned char item[SD_ID_BYTES]);

#endif
