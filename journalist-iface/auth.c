/*
 * auth.c - journalist login: user name, passphrase (argon2id) and a TOTP
 * code, with throttling that a stranger cannot turn against a journalist.
 *
 * Throttling (docs/journalist-interface.md, docs/decisions.md):
 *  - Per user name, in memory: JN_NAME_PER_MINUTE attempts a minute for
 *    each name typed, known or not (by a keyed hash, in two bounded
 *    tables: names of accounts, other names); past it, 429 for that name
 *    only, for the rest of the minute. A storm on one name leaves every
 *    other account alone. An attempt that brings a valid TOTP code of the
 *    account (a cheap check, made before the passphrase's) draws on a
 *    budget of its own: whoever does not hold the journalist's TOTP
 *    secret cannot use it up, so a storm of wrong passphrases on a
 *    journalist's name does not keep the journalist out. The answers do
 *    not differ: a wrong passphrase is 403 with or without a valid code.
 *  - Unknown names together, in memory: JN_UNKNOWN_PER_MINUTE attempts a
 *    minute may run a dummy argon2id check, and never in the last free
 *    argon2id slot, so unknown names cannot starve known accounts of it.
 *    Any other unknown-name attempt gets the same answer after waiting as
 *    long as the last real check took, computing nothing: by answer and
 *    timing it looks like a known account with a wrong passphrase.
 *  - Per account, in the database: only failures with the right passphrase
 *    (a wrong or replayed code) count, so whoever does not hold the
 *    passphrase cannot lock an account. JN_FAILURES_FREE of them are free;
 *    one is forgiven every JN_FORGIVE seconds; while JN_FAILURES_FREE are
 *    outstanding the account is locked until the next is forgiven
 *    (db_journalist_attempt). A lock never outlives its last failure by
 *    more than JN_FORGIVE seconds, so sparse attempts never keep it alive.
 *  - Refusals are audited: each lock and refusal of a known account, and
 *    the first refusal of each minute for a name or for unknown names
 *    (never the name typed when it is unknown: it may be a passphrase).
 * Admins see locks and names throttled now, and clear both.
 * A code is accepted once: its time step is claimed with a conditional
 * UPDATE (db_journalist_use_step).
 */
#include "journalist.h"
#include "account.h"
#include "codename.h"
#include "sderr.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define JN_NAME_PER_MINUTE 10
#define JN_UNKNOWN_PER_MINUTE 30
#define JN_NAMES 256 /* names tracked at once */
#define JN_FAILURES_FREE 5
#define JN_FORGIVE 900                  /* seconds per failure forgiven */
#define JN_CHECK_NS_DEFAULT 300000000LL /* before the first real check */

static const char *const anonymous = "(anonymous)";

struct name_budget {
	unsigned char h[crypto_generichash_BYTES_MIN];
	int64_t minute;
	unsigned count;
	int audited;
};

/* Under jn_app.throttle_mu. */
static struct {
	int keyed;
	unsigned char key[crypto_generichash_KEYBYTES];
	struct name_budget known[JN_NAMES];   /* names of accounts */
	struct name_budget unknown[JN_NAMES]; /* other names: their churn never
	                                          evicts an account's entry */
	int64_t unknown_minute;
	unsigned unknown_count;
	int unknown_audited;
	int64_t check_ns; /* how long the last argon2id check took */
} thr;

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The entry of name for this minute in table t (caller holds the lock);
 * with create, a new one when name has none, else NULL. */
static struct name_budget *
name_entry(struct name_budget *t, const char *name, int64_t minute, int create)
{
	unsigned char h[crypto_generichash_BYTES_MIN];
	struct name_budget *old = &t[0], *b = NULL;

	if (!thr.keyed) {
		randombytes_buf(thr.key, sizeof thr.key);
		thr.keyed = 1;
	}
	crypto_generichash(
	    h, sizeof h, (const unsigned char *)name, strlen(name), thr.key, sizeof thr.key);
	for (size_t i = 0; i < JN_NAMES && b == NULL; i++) {
		if (t[i].minute != 0 && sodium_memcmp(t[i].h, h, sizeof h) == 0)
			b = &t[i];
		else if (t[i].minute < old->minute ||
		    (t[i].minute == old->minute && t[i].count < old->count))
			old = &t[i];
	}
	if (b == NULL) {
		if (!create)
			return NULL;
		/* The entry of the oldest minute, else the one with the fewest
		 * attempts: evicting a name throttled now takes as many names
		 * throttled in the same minute as the table holds. */
		b = old;
		memset(b, 0, sizeof *b);
		memcpy(b->h, h, sizeof h);
	}
	if (b->minute != minute) {
		b->minute = minute;
		b->count = 0;
		b->audited = 0;
	}
	return b;
}

/* Take one attempt for name (of an account when known): 0, or
 * SD_ERR_LOCKED with *audit set on the first refusal of the minute. */
static int
name_take(const char *name, int known, int *audit)
{
	struct name_budget *b;
	int e = 0;

	pthread_mutex_lock(&jn_app.throttle_mu);
	b = name_entry(known ? thr.known : thr.unknown, name, (int64_t)time(NULL) / 60, 1);
	if (b->count >= JN_NAME_PER_MINUTE) {
		e = SD_ERR_LOCKED;
		*audit = !b->audited;
		b->audited = 1;
	} else {
		b->count++;
	}
	pthread_mutex_unlock(&jn_app.throttle_mu);
	return e;
}

int
jn_throttled(const char *name)
{
	struct name_budget *b;
	int t;

	pthread_mutex_lock(&jn_app.throttle_mu);
	b = name_entry(thr.known, name, (int64_t)time(NULL) / 60, 0);
	t = b != NULL && b->count >= JN_NAME_PER_MINUTE;
	pthread_mutex_unlock(&jn_app.throttle_mu);
	return t;
}

void
jn_throttle_clear(const char *name)
{
	struct name_budget *b;

	char coded[DB_NAME_MAX + 2];

	(void)snprintf(coded, sizeof coded, "\001%s", name);
	pthread_mutex_lock(&jn_app.throttle_mu);
	if ((b = name_entry(thr.known, name, (int64_t)time(NULL) / 60, 0)) != NULL)
		b->count = 0;
	if ((b = name_entry(thr.known, coded, (int64_t)time(NULL) / 60, 0)) != NULL)
		b->count = 0;
	pthread_mutex_unlock(&jn_app.throttle_mu);
}

/* Decide what an unknown-name attempt does: 1, run a dummy check (the
 * caller posts jn_app.argon2 after it); 0, only wait (*audit set on the
 * first refusal of the minute); -1, every argon2id slot is busy, the
 * answer a known account gets then. */
static int
unknown_take(int *audit)
{
	int64_t minute = (int64_t)time(NULL) / 60;
	int r = 0, left = 0;

	pthread_mutex_lock(&jn_app.throttle_mu);
	if (thr.unknown_minute != minute) {
		thr.unknown_minute = minute;
		thr.unknown_count = 0;
		thr.unknown_audited = 0;
	}
	if (sem_getvalue(&jn_app.argon2, &left) == 0 && left < 1) {
		r = -1;
	} else if (thr.unknown_count >= JN_UNKNOWN_PER_MINUTE) {
		*audit = !thr.unknown_audited;
		thr.unknown_audited = 1;
	} else {
		thr.unknown_count++;
		/* Never the last free slot: that one is for known accounts (only
		 * unknown names take slots under this lock). */
		r = left >= 2 && sem_trywait(&jn_app.argon2) == 0;
	}
	pthread_mutex_unlock(&jn_app.throttle_mu);
	return r;
}

static void
check_took(int64_t start)
{
	int64_t d = now_ns() - start;

	pthread_mutex_lock(&jn_app.throttle_mu);
	thr.check_ns = d;
	pthread_mutex_unlock(&jn_app.throttle_mu);
}

/* Wait as long as the last argon2id check took, computing nothing. */
static void
wait_like_a_check(void)
{
	struct timespec ts;
	int64_t ns;

	pthread_mutex_lock(&jn_app.throttle_mu);
	ns = thr.check_ns > 0 ? thr.check_ns : JN_CHECK_NS_DEFAULT;
	pthread_mutex_unlock(&jn_app.throttle_mu);
	if (ns > 5000000000LL)
		ns = 5000000000LL;
	ts.tv_sec = (time_t)(ns / 1000000000LL);
	ts.tv_nsec = (long)(ns % 1000000000LL);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* An unknown name: the same answer as a wrong passphrase (SD_ERR_AUTH),
 * after an argon2id check within the unknown names' budget, or as long a
 * wait; or SD_ERR_STATE when every slot is busy, as a known name gets. */
/* An audit entry of a login or passphrase check (caller holds the lock):
 * the answer does not depend on it, so a failure is only logged. */
static void
audit_login(const char *actor, const char *what)
{
	jn_not_recorded(db_audit_add(jn_app.db, actor, what, ""), "a login event in the audit log");
}

static int
unknown_attempt(const char *pass, size_t passlen)
{
	int64_t start = now_ns();
	int audit = 0, r = unknown_take(&audit);

	if (r < 0)
		return SD_ERR_STATE;
	if (r > 0) {
		account_verify_dummy(pass, passlen);
		sem_post(&jn_app.argon2);
		check_took(start);
	} else {
		if (audit) {
			JN_DB_LOCK();
			audit_login(anonymous, "login throttled: too many unknown user names");
			JN_DB_UNLOCK();
		}
		wait_like_a_check();
	}
	return SD_ERR_AUTH;
}

/* Count a failure with the right passphrase (or any failure of a
 * passphrase check in a live session) in one statement, refused when the
 * account is locked: attempts at the same moment cannot all pass. 0,
 * SD_ERR_LOCKED or another error; *locked set when this one locked it. */
static int
claim_attempt(const struct db_journalist *j, int *locked)
{
	struct db_journalist after;
	int64_t now = (int64_t)time(NULL);
	int e;

	JN_DB_LOCK();
	e = db_journalist_attempt(jn_app.db, j->id, now, JN_FAILURES_FREE, JN_FORGIVE);
	if (e == 0 && db_journalist_by_id(jn_app.db, j->id, &after) == 0) {
		*locked = after.locked_until > now;
		sodium_memzero(&after, sizeof after);
	}
	JN_DB_UNLOCK();
	return e;
}

int
jn_authenticate(const char *user, const char *raw, size_t rawlen, const char *code,
    struct db_journalist *out, unsigned char cred[JNSESS_CRED_BYTES])
{
	struct db_journalist j;
	char norm[CODENAME_MAX + 1], budget[DB_NAME_MAX + 2];
	const char *pass = raw, *what;
	size_t passlen = rawlen;
	int64_t step = 0, start;
	int e, found, code_ok, audit = 0, locked = 0;

	memset(&j, 0, sizeof j);
	/* Passphrases are generated words: forgive case and extra spaces the
	 * way codenames do. */
	if (codename_normalize(raw, rawlen, norm, &passlen) == 0)
		pass = norm;
	else
		passlen = rawlen;
	JN_DB_LOCK();
	found = account_name_ok(user) && db_journalist_get(jn_app.db, user, &j) == 0;
	JN_DB_UNLOCK();
	code_ok = found && code != NULL &&
	    account_totp_check(j.totp_secret, code, time(NULL), &step) == 0;
	if (code_ok) /* the budget of attempts that hold the second factor */
		(void)snprintf(budget, sizeof budget, "\001%s", j.name);
	if ((e = name_take(code_ok ? budget : found ? j.name : user, found, &audit)) != 0) {
		if (audit) {
			JN_DB_LOCK();
			audit_login(found ? j.name : anonymous,
			    found ? "login throttled: too many attempts for this name"
				  : "login throttled: too many attempts for an unknown name");
			JN_DB_UNLOCK();
		}
		goto out;
	}
	if (!found) {
		e = unknown_attempt(pass, passlen);
		goto out;
	}
	if (j.locked_until > (int64_t)time(NULL)) {
		e = SD_ERR_LOCKED; /* refused before its passphrase is checked */
	} else if (sem_trywait(&jn_app.argon2) != 0) {
		e = SD_ERR_STATE; /* busy: not an attempt */
		goto out;
	} else {
		start = now_ns();
		e = account_verify(j.pw_hash, pass, passlen) == 0 ? 0 : SD_ERR_AUTH;
		sem_post(&jn_app.argon2);
		check_took(start);
		/* The right passphrase: from here every failure counts. */
		if (e == 0 && (e = claim_attempt(&j, &locked)) == 0) {
			if (!code_ok) {
				e = SD_ERR_AUTH;
			} else {
				JN_DB_LOCK();
				e = db_journalist_use_step(jn_app.db, j.id, step);
				JN_DB_UNLOCK();
			}
		}
	}
	what = e == 0 ? "logged in" : e == SD_ERR_LOCKED ? "login refused: locked" : "failed login";
	JN_DB_LOCK();
	if (e == 0)
		jn_not_recorded(db_journalist_succeeded(jn_app.db, j.id), /* clears the claim */
		    "a login's success (its attempt stays counted)");
	audit_login(j.name, what);
	if (e != 0 && locked)
		audit_login(j.name, "account locked after failed logins");
	JN_DB_UNLOCK();
	if (e == 0) {
		jnsess_cred(&j, cred);
		sodium_memzero(j.pw_hash, sizeof j.pw_hash);
		sodium_memzero(j.totp_secret, sizeof j.totp_secret);
		*out = j;
	}
out:
	sodium_memzero(&j, sizeof j);
	sodium_memzero(norm, sizeof norm);
	return e;
}

int
jn_reauthenticate(int64_t id, const char *raw, size_t rawlen)
{
	struct db_journalist j;
	char norm[CODENAME_MAX + 1];
	const char *pass = raw;
	size_t passlen = rawlen;
	int64_t start;
	int e, audit = 0, locked = 0;

	memset(&j, 0, sizeof j);
	if (codename_normalize(raw, rawlen, norm, &passlen) == 0)
		pass = norm;
	else
		passlen = rawlen;
	JN_DB_LOCK();
	e = db_journalist_by_id(jn_app.db, id, &j);
	JN_DB_UNLOCK();
	if (e != 0)
		goto out;
	if ((e = name_take(j.name, 1, &audit)) != 0) {
		if (audit) {
			JN_DB_LOCK();
			audit_login(j.name, "passphrase check throttled: too many attempts");
			JN_DB_UNLOCK();
		}
		goto out;
	}
	if (sem_trywait(&jn_app.argon2) != 0) {
		e = SD_ERR_STATE; /* busy: not an attempt */
		goto out;
	}
	/* Counted like a login with the right passphrase: only a live session
	 * gets here, and a stolen one cannot guess on past the same lock. */
	if ((e = claim_attempt(&j, &locked)) == 0) {
		start = now_ns();
		e = account_verify(j.pw_hash, pass, passlen) == 0 ? 0 : SD_ERR_AUTH;
		check_took(start);
	}
	sem_post(&jn_app.argon2);
	JN_DB_LOCK();
	if (e == 0)
		jn_not_recorded(db_journalist_succeeded(jn_app.db, j.id),
		    "a passphrase check's success (its attempt stays counted)");
	else
		audit_login(j.name,
		    e == SD_ERR_LOCKED ? "passphrase check refused: locked"
				       : "failed passphrase check");
	if (e != 0 && locked)
		audit_login(j.name, "account locked after failed logins");
	JN_DB_UNLOCK();
out:
	sodium_memzero(&j, sizeof j);
	sodium_memzero(norm, sizeof norm);
	return e;
}
