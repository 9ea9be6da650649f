/*
 * retention.c - the retention purge (journalist.h): when the instance's
 * retention_days setting is above 0, every item (message, file or reply)
 * created before now - retention_days is deleted, row then file, in
 * batches under the database lock; then every source with no item left
 * whose last activity is before the cutoff day is deleted. One audit entry
 * per source, actor "(retention)": "purged N items" or "purged the source",
 * target its designation. The reaper in main.c runs it a few seconds after
 * start-up, then hourly.
 */
#include "journalist.h"
#include "sdlog.h"
#include "designation.h"
#include "sderr.h"
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 256
#define TALLY_MAX 4096 /* sources counted in one run; more: audited at once */
#define ACTOR "(retention)"

struct tally {
	int64_t row;
	unsigned char id[SD_ID_BYTES];
	unsigned n;
};

static void
cutoff(unsigned days, char hour[17], char day[11])
{
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;

	(void)gmtime_r(&t, &tm);
	(void)strftime(hour, 17, "%Y-%m-%d %H:00", &tm);
	(void)strftime(day, 11, "%Y-%m-%d", &tm);
}

/* Write "purged N items" for each counted source (lock held). */
static int
audit_tally(struct tally *t, size_t *nt)
{
	char des[SD_DESIGNATION_MAX + 1], what[DB_AUDIT_FIELD];
	int e = 0;

	for (size_t i = 0; i < *nt && e == 0; i++) {
		sd_designation(t[i].id, des);
		(void)snprintf(
		    what, sizeof what, "purged %u item%s", t[i].n, t[i].n == 1 ? "" : "s");
		e = db_audit_add(jn_app.db, ACTOR, what, des);
	}
	*nt = 0;
	return e;
}

/* Count one item against its source (lock held). */
static int
count_item(struct tally *t, size_t *nt, const struct db_source *src)
{
	int e;

	for (size_t i = 0; i < *nt; i++)
		if (t[i].row == src->row) {
			t[i].n++;
			return 0;
		}
	if (*nt == TALLY_MAX && (e = audit_tally(t, nt)) != 0)
		return e;
	t[*nt].row = src->row;
	memcpy(t[*nt].id, src->id, SD_ID_BYTES);
	t[(*nt)++].n = 1;
	return 0;
}

/* One batch of old items; *n gets how many were deleted. */
static int
purge_batch(const char *hour, struct db_item *it, struct tally *t, size_t *nt, size_t *n)
{
	struct db_source src;
	size_t k = 0;
	int e;

	*n = 0;
	JN_DB_LOCK();
	e = db_item_older(jn_app.db, hour, it, BATCH, &k);
	for (size_t i = 0; i < k && e == 0; i++) {
		e = db_source_by_row(jn_app.db, it[i].source_row, &src);
		if (e == 0)
			e = store_item_delete(jn_app.db, jn_app.spool, &src, &it[i]);
		if (e == 0)
			e = count_item(t, nt, &src);
		if (e == 0)
			(*n)++;
	}
	JN_DB_UNLOCK();
	return e;
}

/* Sources with nothing left and idle since before day. */
static int
purge_sources(const char *day)
{
	struct db_source src[BATCH];
	char des[SD_DESIGNATION_MAX + 1];
	size_t k = 0;
	int e;

	do {
		JN_DB_LOCK();
		e = db_source_idle(jn_app.db, day, src, BATCH, &k);
		for (size_t i = 0; i < k && e == 0; i++) {
			sd_designation(src[i].id, des);
			e = store_source_delete(jn_app.db, jn_app.spool, &src[i]);
			if (e == 0)
				e = db_audit_add(jn_app.db, ACTOR, "purged the source", des);
		}
		JN_DB_UNLOCK();
	} while (e == 0 && k == BATCH);
	return e;
}

int
jn_retention_run(unsigned *purged)
{
	struct db_item *it = calloc(BATCH, sizeof *it);
	struct tally *t = calloc(TALLY_MAX, sizeof *t);
	struct settings s;
	char hour[17], day[11];
	size_t nt = 0, n = 0;
	int e;

	*purged = 0;
	if (it == NULL || t == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	JN_DB_LOCK();
	e = settings_load(jn_app.db, &jn_app.conf, &s);
	JN_DB_UNLOCK();
	if (e != 0 || s.retention_days == 0)
		goto out;
	cutoff(s.retention_days, hour, day);
	do {
		e = purge_batch(hour, it, t, &nt, &n);
		*purged += (unsigned)n;
	} while (e == 0 && n == BATCH);
	JN_DB_LOCK();
	if (audit_tally(t, &nt) != 0 && e == 0)
		e = SD_ERR_IO;
	JN_DB_UNLOCK();
	if (e == 0)
		e = purge_sources(day);
	if (*purged > 0)
		sdlog_info("retention: old items purged");
out:
	free(it);
	free(t);
	return e;
}
