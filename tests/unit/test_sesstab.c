/*
 * test_sesstab.c - unit tests of web/sesstab: create and look up, a wrong
 * or malformed id, destroy, drop_if, idle expiry, eviction of the least
 * recently used entry when the table is full, the payload handed to
 * callbacks, a callback's error passed through without touching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "sderr.h"
#include "sesstab.h"

struct pay {
	int n;
	char tag[8];
};

static void
fill(void *p, void *arg)
{
	((struct pay *)p)->n = *(int *)arg;
	memcpy(((struct pay *)p)->tag, "filled", 7);
}

static int
get(void *p, void *arg)
{
	*(struct pay *)arg = *(struct pay *)p;
	return 0;
}

static int
refuse(void *p, void *arg)
{
	(void)p, (void)arg;
	return SD_ERR_FORMAT;
}

static int
is_n(void *p, void *arg)
{
	return ((struct pay *)p)->n == *(int *)arg;
}

static void
test_life(void **state)
{
	struct web_sesstab *t = NULL;
	char id[3][WEB_TOKEN_CHARS + 1];
	struct pay got;
	int64_t left = 0;
	int n;

	(void)state;
	assert_int_equal(web_sesstab_new(3, sizeof(struct pay), 60, 120, &t), 0);
	for (n = 0; n < 3; n++)
		assert_int_equal(web_sesstab_create(t, fill, &n, id[n]), 0);
	assert_int_equal(web_sesstab_with(t, id[1], 1, get, &got, &left), 0);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.tag, "filled");
	assert_true(left > 100 && left <= 120);
	assert_int_equal(web_sesstab_with(t, "nope", 1, get, &got, NULL), SD_ERR_NOTFOUND);
	assert_int_equal(web_sesstab_with(t, NULL, 1, get, &got, NULL), SD_ERR_NOTFOUND);
	/* A callback's error is passed through. */
	assert_int_equal(web_sesstab_with(t, id[1], 1, refuse, &got, NULL), SD_ERR_FORMAT);
	/* destroy and drop_if */
	web_sesstab_destroy(t, id[0]);
	assert_int_equal(web_sesstab_with(t, id[0], 1, get, &got, NULL), SD_ERR_NOTFOUND);
	n = 2;
	assert_int_equal(web_sesstab_drop_if(t, is_n, &n), 1);
	assert_int_equal(web_sesstab_with(t, id[2], 1, get, &got, NULL), SD_ERR_NOTFOUND);
	assert_int_equal(web_sesstab_with(t, id[1], 1, get, &got, NULL), 0);
	web_sesstab_free(t);
	web_sesstab_free(NULL);
}

static void
test_full_evicts_lru(void **state)
{
	struct web_sesstab *t = NULL;
	char id[3][WEB_TOKEN_CHARS + 1];
	struct pay got;
	int n = 0;

	(void)state;
	assert_int_equal(web_sesstab_new(2, sizeof(struct pay), 60, 120, &t), 0);
	assert_int_equal(web_sesstab_create(t, fill, &n, id[0]), 0);
	sleep(1);
	n = 1;
	assert_int_equal(web_sesstab_create(t, fill, &n, id[1]), 0);
	n = 2;
	assert_int_equal(web_sesstab_create(t, fill, &n, id[2]), 0);
	assert_int_equal(web_sesstab_with(t, id[0], 1, get, &got, NULL), SD_ERR_NOTFOUND);
	assert_int_equal(web_sesstab_with(t, id[1], 1, get, &got, NULL), 0);
	assert_int_equal(web_sesstab_with(t, id[2], 1, get, &got, NULL), 0);
	assert_int_equal(got.n, 2);
	web_sesstab_free(t);
}

/* Ranks: a lower-ranked entry never evicts a higher one; pinned entries
 * are never evicted; a group at its bound evicts only its own. */
static void
test_ranks_pins_groups(void **state)
{
	struct web_sesstab *t = NULL;
	char hi[WEB_TOKEN_CHARS + 1], lo[3][WEB_TOKEN_CHARS + 1], g[4][WEB_TOKEN_CHARS + 1];
	struct pay got;
	int64_t groups[8];
	int n = 0;

	(void)state;
	assert_int_equal(web_sesstab_new(3, sizeof(struct pay), 60, 120, &t), 0);
	assert_int_equal(web_sesstab_create_ranked(t, 1, 7, fill, &n, hi), 0);
	assert_int_equal(web_sesstab_create_ranked(t, 0, 8, fill, &n, lo[0]), 0);
	assert_int_equal(web_sesstab_create_ranked(t, 0, 9, fill, &n, lo[1]), 0);
	/* Full: a rank-0 entry evicts a rank-0 one, never hi. */
	assert_int_equal(web_sesstab_create_ranked(t, 0, 10, fill, &n, lo[2]), 0);
	assert_int_equal(web_sesstab_with(t, hi, 0, get, &got, NULL), 0);
	/* Pin both rank-0 entries: nothing left that rank 0 may evict. */
	assert_int_equal(web_sesstab_with(t, lo[1], 0, get, &got, NULL) == 0 ||
		web_sesstab_with(t, lo[0], 0, get, &got, NULL) == 0,
	    1);
	/* (one of lo[0] and lo[1] was evicted: its pin finds nothing) */
	assert_int_equal(
	    (web_sesstab_pin(t, lo[0], 1) == 0) + (web_sesstab_pin(t, lo[1], 1) == 0), 1);
	assert_int_equal(web_sesstab_pin(t, lo[2], 1), 0);
	assert_int_equal(web_sesstab_create_ranked(t, 0, 11, fill, &n, g[0]), SD_ERR_BUSY);
	/* A pinned entry is not evicted by a higher rank either. */
	assert_int_equal(web_sesstab_create_ranked(t, 1, 12, fill, &n, g[0]), 0);
	assert_int_equal(web_sesstab_with(t, hi, 0, get, &got, NULL), SD_ERR_NOTFOUND);
	assert_int_equal(web_sesstab_groups(t, groups, 8), 3);
	web_sesstab_free(t);

	/* Groups: at most 2 live entries of group 5; a third evicts the
	 * group's own oldest, not another group's. */
	assert_int_equal(web_sesstab_new(3, sizeof(struct pay), 60, 120, &t), 0);
	web_sesstab_set_group_max(t, 2);
	assert_int_equal(web_sesstab_create_ranked(t, 1, 6, fill, &n, g[3]), 0);
	assert_int_equal(web_sesstab_create_ranked(t, 1, 5, fill, &n, g[0]), 0);
	assert_int_equal(web_sesstab_create_ranked(t, 1, 5, fill, &n, g[1]), 0);
	assert_int_equal(web_sesstab_create_ranked(t, 1, 5, fill, &n, g[2]), 0);
	assert_int_equal(web_sesstab_with(t, g[3], 0, get, &got, NULL), 0);
	assert_int_equal(web_sesstab_with(t, g[2], 0, get, &got, NULL), 0);
	assert_int_equal((web_sesstab_with(t, g[0], 0, get, &got, NULL) == 0) +
		(web_sesstab_with(t, g[1], 0, get, &got, NULL) == 0),
	    1);
	web_sesstab_free(t);
}

static void
test_expiry(void **state)
{
	struct web_sesstab *t = NULL;
	char id[WEB_TOKEN_CHARS + 1];
	struct pay got;
	int n = 7;

	(void)state;
	/* idle 0: expired as soon as made */
	assert_int_equal(web_sesstab_new(2, sizeof(struct pay), 0, 120, &t), 0);
	assert_int_equal(web_sesstab_create(t, fill, &n, id), 0);
	assert_int_equal(web_sesstab_with(t, id, 1, get, &got, NULL), SD_ERR_NOTFOUND);
	assert_int_equal(web_sesstab_create(t, fill, &n, id), 0);
	assert_int_equal(web_sesstab_expire(t), 1);
	web_sesstab_free(t);
	assert_int_equal(web_sesstab_new(0, 8, 1, 1, &t), SD_ERR_ARG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_life),
		cmocka_unit_test(test_full_evicts_lru),
		cmocka_unit_test(test_ranks_pins_groups),
		cmocka_unit_test(test_expiry),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
