/*
 * sesstab.c - sessions in one sodium_malloc'd table (see sesstab.h).
 */
#include "sesstab.h"
#include "sderr.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

struct hdr {
	int used;
	int rank;      /* eviction class: a lower rank goes first */
	int pins;      /* > 0: in use by a request, never evicted */
	int64_t group; /* the caller's grouping (a source); 0: none */
	char id[WEB_TOKEN_CHARS + 1];
	time_t created, seen;
};

struct web_sesstab {
	pthread_mutex_t mu;
	unsigned char *block; /* slots * stride bytes, sodium_malloc'd */
	size_t slots, stride, payload;
	unsigned idle_s, max_s;
	unsigned group_max; /* live entries of one group; 0: no bound */
};

#define ALIGN 16

static time_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct hdr *
at(const struct web_sesstab *t, size_t i)
{
	return (struct hdr *)(void *)(t->block + i * t->stride);
}

static void *
payload_of(struct hdr *h)
{
	return (unsigned char *)h + ((sizeof *h + ALIGN - 1) / ALIGN) * ALIGN;
}

static void
wipe(const struct web_sesstab *t, struct hdr *h)
{
	sodium_memzero(h, t->stride);
}

int
web_sesstab_new(size_t slots, size_t payload_size, unsigned idle_seconds, unsigned max_seconds,
    struct web_sesstab **out)
{
	struct web_sesstab *t;
	size_t head = ((sizeof(struct hdr) + ALIGN - 1) / ALIGN) * ALIGN;

	if (slots == 0 || payload_size > SIZE_MAX / 2 - head)
		return SD_ERR_ARG;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return SD_ERR_NOMEM;
	t->stride = ((head + payload_size + ALIGN - 1) / ALIGN) * ALIGN;
	if (slots > SIZE_MAX / t->stride || (t->block = sodium_malloc(slots * t->stride)) == NULL) {
		free(t);
		return SD_ERR_NOMEM;
	}
	sodium_memzero(t->block, slots * t->stride);
	if (pthread_mutex_init(&t->mu, NULL) != 0) {
		sodium_free(t->block);
		free(t);
		return SD_ERR_NOMEM;
	}
	t->slots = slots;
	t->payload = payload_size;
	t->idle_s = idle_seconds;
	t->max_s = max_seconds;
	*out = t;
	return 0;
}

void
web_sesstab_free(struct web_sesstab *t)
{
	if (t == NULL)
		return;
	sodium_free(t->block); /* wipes every entry */
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static int
expired(const struct web_sesstab *t, const struct hdr *h, time_t n)
{
	return n - h->seen >= (time_t)t->idle_s || n - h->created >= (time_t)t->max_s;
}

/* The entry named id (caller holds mu), or NULL. */
static struct hdr *
find(const struct web_sesstab *t, const char *id)
{
	struct hdr *hit = NULL;

	if (id == NULL || strlen(id) != WEB_TOKEN_CHARS)
		return NULL;
	for (size_t i = 0; i < t->slots; i++)
		if (at(t, i)->used && web_token_equal(at(t, i)->id, id))
			hit = at(t, i);
	return hit;
}

/* The least recently seen unpinned live entry of a group when the group
 * has group_max live entries already, else NULL. */
static struct hdr *
group_victim(const struct web_sesstab *t, time_t n, int64_t group)
{
	struct hdr *victim = NULL;
	unsigned live = 0;

	if (group == 0 || t->group_max == 0)
		return NULL;
	for (size_t i = 0; i < t->slots; i++) {
		struct hdr *h = at(t, i);
		if (!h->used || expired(t, h, n) || h->group != group)
			continue;
		live++;
		if (h->pins == 0 && (victim == NULL || h->seen < victim->seen))
			victim = h;
	}
	return live >= t->group_max ? victim : NULL;
}

/* A free slot; when full, the least recently seen entry of the lowest
 * rank, never one ranked above rank nor one pinned (NULL then). */
static struct hdr *
slot(const struct web_sesstab *t, time_t n, int rank)
{
	struct hdr *victim = NULL;

	for (size_t i = 0; i < t->slots; i++) {
		struct hdr *h = at(t, i);
		if (!h->used || (expired(t, h, n) && h->pins == 0))
			return h;
		if (h->rank > rank || h->pins > 0)
			continue;
		if (victim == NULL || h->rank < victim->rank ||
		    (h->rank == victim->rank && h->seen < victim->seen))
			victim = h;
	}
	return victim;
}

int
web_sesstab_create(
    struct web_sesstab *t, web_sesstab_fill fill, void *arg, char id_out[WEB_TOKEN_CHARS + 1])
{
	return web_sesstab_create_ranked(t, WEB_SESSTAB_RANK_TOP, 0, fill, arg, id_out);
}

void
web_sesstab_set_group_max(struct web_sesstab *t, unsigned n)
{
	pthread_mutex_lock(&t->mu);
	t->group_max = n;
	pthread_mutex_unlock(&t->mu);
}

int
web_sesstab_create_ranked(struct web_sesstab *t, int rank, int64_t group, web_sesstab_fill fill,
    void *arg, char id_out[WEB_TOKEN_CHARS + 1])
{
	struct hdr *h;
	time_t n = now();

	pthread_mutex_lock(&t->mu);
	/* A group at its bound gives up its own oldest entry first: one
	 * codename logged in again and again evicts only its own sessions. */
	if ((h = group_victim(t, n, group)) == NULL)
		h = slot(t, n, rank);
	if (h == NULL) {
		pthread_mutex_unlock(&t->mu);
		return SD_ERR_BUSY;
	}
	wipe(t, h);
	fill(payload_of(h), arg);
	h->used = 1;
	h->rank = rank;
	h->group = group;
	h->created = h->seen = n;
	web_token_new(h->id);
	memcpy(id_out, h->id, WEB_TOKEN_CHARS + 1);
	pthread_mutex_unlock(&t->mu);
	return 0;
}

int
web_sesstab_with(
    struct web_sesstab *t, const char *id, int touch, web_sesstab_fn fn, void *arg, int64_t *left)
{
	struct hdr *h;
	time_t n = now();
	int e = SD_ERR_NOTFOUND;

	pthread_mutex_lock(&t->mu);
	if ((h = find(t, id)) != NULL) {
		if (expired(t, h, n)) {
			if (h->pins == 0) /* a pinned one goes when unpinned and swept */
				wipe(t, h);
		} else if ((e = fn(payload_of(h), arg)) == 0) {
			if (touch)
				h->seen = n;
			if (left != NULL)
				*left = (int64_t)t->max_s - (int64_t)(n - h->created);
		}
	}
	pthread_mutex_unlock(&t->mu);
	return e;
}

unsigned
web_sesstab_drop_if(struct web_sesstab *t, web_sesstab_fn match, void *arg)
{
	unsigned k = 0;

	pthread_mutex_lock(&t->mu);
	for (size_t i = 0; i < t->slots; i++)
		if (at(t, i)->used && match(payload_of(at(t, i)), arg) != 0) {
			wipe(t, at(t, i));
			k++;
		}
	pthread_mutex_unlock(&t->mu);
	return k;
}

int
web_sesstab_pin(struct web_sesstab *t, const char *id, int delta)
{
	struct hdr *h;
	int e = SD_ERR_NOTFOUND;

	pthread_mutex_lock(&t->mu);
	if ((h = find(t, id)) != NULL && (delta < 0 || !expired(t, h, now()))) {
		h->pins += delta;
		if (h->pins < 0)
			h->pins = 0;
		e = 0;
	}
	pthread_mutex_unlock(&t->mu);
	return e;
}

size_t
web_sesstab_groups(struct web_sesstab *t, int64_t *out, size_t max)
{
	time_t n = now();
	size_t k = 0;

	pthread_mutex_lock(&t->mu);
	for (size_t i = 0; i < t->slots && k < max; i++) {
		struct hdr *h = at(t, i);
		if (h->used && h->group != 0 && (h->pins > 0 || !expired(t, h, n)))
			out[k++] = h->group;
	}
	pthread_mutex_unlock(&t->mu);
	return k;
}

int
web_sesstab_set_rank(struct web_sesstab *t, const char *id, int rank)
{
	struct hdr *h;
	int e = SD_ERR_NOTFOUND;

	pthread_mutex_lock(&t->mu);
	if ((h = find(t, id)) != NULL && !expired(t, h, now())) {
		h->rank = rank;
		e = 0;
	}
	pthread_mutex_unlock(&t->mu);
	return e;
}

void
web_sesstab_destroy(struct web_sesstab *t, const char *id)
{
	struct hdr *h;

	pthread_mutex_lock(&t->mu);
	if ((h = find(t, id)) != NULL)
		wipe(t, h);
	pthread_mutex_unlock(&t->mu);
}

unsigned
web_sesstab_expire(struct web_sesstab *t)
{
	time_t n = now();
	unsigned k = 0;

	pthread_mutex_lock(&t->mu);
	for (size_t i = 0; i < t->slots; i++)
		if (at(t, i)->used && at(t, i)->pins == 0 && expired(t, at(t, i), n)) {
			wipe(t, at(t, i));
			k++;
		}
	pthread_mutex_unlock(&t->mu);
	return k;
}
