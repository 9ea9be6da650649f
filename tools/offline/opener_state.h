/*
 * opener_state.h - the state sealdrop-open keeps in --out (DIR/.sealdrop-state)
 * so that opening the spool or a later bundle again writes only what is new.
 *
 * The state lists every item opened into DIR: its identity (OPENER_ID_BYTES,
 * the BLAKE2b of its .sdbox header), source, sequence number, kind, coarse
 * time, original name, size, where it was put and what cleaning said. It also
 * keeps the failures of the last run (for the offline reader's page of what
 * failed); failed items are never recorded as opened, so the next run tries
 * them again. The file is a header line, a checksum line and JSON:
 *
 *   sealdrop-open state 1\n
 *   blake2b-256 <64 hex of the JSON bytes that follow>\n
 *   {"runs": N, "items": [...], "failed": [...]}
 *
 * A file that is not this (foreign), of another version, whose checksum
 * does not match or whose content breaks a rule (damaged) is refused with a
 * clear reason and never rebuilt over. It is replaced whole (a temporary
 * file, fsync, rename, fsync of DIR), so a crash leaves the old or the new.
 * docs/opener.md, "Incremental opening".
 */
#ifndef OPENER_STATE_H
#define OPENER_STATE_H

#include "opener.h"

#include <stddef.h>

#include <jansson.h>

#define OPENER_STATE_FILE ".sealdrop-state"
#define OPENER_STATE_MAGIC "sealdrop-open state 1\n"
#define OPENER_STATE_BYTES_MAX (64u << 20) /* bytes of the state file */
#define OPENER_STATE_ITEMS_MAX 500000u     /* items recorded */
#define OPENER_STATE_FAILED_MAX 1000u      /* failures of the last run kept */
#define OPENER_STATE_STRING_MAX 4096u      /* bytes of one string field */

struct opener_state {
	json_t *root;          /* {"runs", "items", "failed"} */
	unsigned char *ids;    /* open-addressing set of ids */
	size_t ids_cap, ids_n; /* slots (a power of 2), used */
	int existed;           /* DIR held a state when loaded */
};

/* Take DIR's lock (one sealdrop-open at a time per DIR): 0, SD_ERR_BUSY
 * when another run holds it, SD_ERR_IO. Released when outfd is closed. */
int opener_state_lock(int outfd);

/* Load DIR's state, or start an empty one when DIR has none. On a refusal,
 * why (whysz bytes) says what is wrong in one sentence: SD_ERR_FORMAT
 * (foreign or of another version), SD_ERR_CHECKSUM (damaged: checksum),
 * SD_ERR_RANGE (too large), SD_ERR_EXISTS (DIR holds an earlier
 * sealdrop-open output without a state), SD_ERR_IO, SD_ERR_NOMEM. */
int opener_state_load(int outfd, struct opener_state *st, char *why, size_t whysz);

/* Parse and check a state file's bytes (the same rules; for the tests). */
int
opener_state_parse(const char *data, size_t len, struct opener_state *st, char *why, size_t whysz);

/* 1 when id was opened before (in the state or earlier in this run). */
int opener_state_known(const struct opener_state *st, const unsigned char id[OPENER_ID_BYTES]);

/* Remember id as seen in this run (its item verified). */
int opener_state_mark(struct opener_state *st, const unsigned char id[OPENER_ID_BYTES]);

/* Record this run: every item placed into DIR becomes a record, the failures
 * replace the last run's, the run counter goes up. */
int opener_state_add_run(struct opener_state *st, const struct opener_run *r);

/* Write the state into DIR (replacing the previous one). */
int opener_state_save(int outfd, const struct opener_state *st);

/* Number of items recorded. */
size_t opener_state_count(const struct opener_state *st);

/* 1 when p is a relative path the state may name: 1 to 3 components, none
 * empty or starting with '.', printable UTF-8, at most OPENER_PATH_MAX. */
int opener_state_path_ok(const char *p);

void opener_state_free(struct opener_state *st);

#endif
