/*
 * sdreply - test helper: seal a reply to the source whose codename is in a
 * file, as the journalist interface will, through store_reply_add. Not
 * installed.
 *
 *   sdreply INSTANCE_DIR CODENAME_FILE TEXT
 */
#include "codename.h"
#include "db.h"
#include "sderr.h"
#include "sdio.h"
#include "spool.h"
#include "store.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

int
main(int argc, char **argv)
{
	char path[PATH_MAX], cn[CODENAME_MAX + 1];
	struct store_codename_params p;
	unsigned char tag[32], seed[32];
	struct sd_secret typed = { 0 };
	struct db_source src;
	struct spool *sp = NULL;
	struct db *db = NULL;
	size_t len = 0;
	int e;

	if (argc != 4 || sodium_init() < 0) {
		fprintf(stderr, "usage: sdreply INSTANCE_DIR CODENAME_FILE TEXT\n");
		return 2;
	}
	(void)snprintf(path, sizeof path, "%s/sealdrop.db", argv[1]);
	if ((e = db_open(path, 0, &db)) != 0 || (e = spool_open(argv[1], "tool", &sp, NULL)) != 0 ||
	    (e = store_codename_params(db, &p)) != 0 ||
	    (e = sd_secret_from_file(argv[2], &typed)) != 0 ||
	    (e = codename_normalize(typed.buf, typed.len, cn, &len)) != 0 ||
	    (e = codename_derive(cn, len, p.salt, p.opslimit, p.memlimit, tag, seed)) != 0 ||
	    (e = db_source_by_tag(db, tag, &src)) != 0 ||
	    (e = store_reply_add(db, sp, &src, argv[3], strlen(argv[3]), NULL)) != 0)
		fprintf(stderr, "sdreply: %s\n", sd_strerror(e));
	sd_secret_free(&typed);
	sodium_memzero(cn, sizeof cn);
	sodium_memzero(seed, sizeof seed);
	spool_close(sp);
	db_close(db);
	return e == 0 ? 0 : 1;
}
