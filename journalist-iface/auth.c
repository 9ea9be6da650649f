/*
 * auth.c - journalist login: user name, passphrase (argon2id) and a TOTP
 * code, with throttling.
 *
 * Throttling, in order: an overall budget of JN_LOGINS_PER_MINUTE attempts
 * for the whole daemon (in memory), then per account: after
 * JN_FAILURES_FREE consecutive failures the account is locked for a time
 * that doubles with each further failure (1 minute up to 1 hour), recorded
 * in the database so a restart does not reset it. A locked account is
 * refused before its passphrase is checked. An unknown user name costs the
 * same argon2id time as a known one. A code is accepted once: its time
 * step is claimed with a conditional UPDATE (db_journalist_use_step).
 */
#include "journalist.h"
#include "account.h"
#include "codename.h"
#include "sderr.h"

#include <string.h>
#include <time.h>

#include <sodium.h>

#define JN_LOGINS_PER_MINUTE 30
#define JN_FAILURES_FREE 5
#define JN_LOCK_MAX 3600

/* Take one attempt from the overall budget; 0 or SD_ERR_LOCKED. */
static int
overall_budget(void)
{
	int64_t minute = (int64_t)time(NULL) / 60;
	int e = 0;

	pthread_mutex_lock(&jn_app.throttle_mu);
	if (jn_app.throttle_window != minute) {
		jn_app.throttle_window = minute;
		jn_app.throttle_count = 0;
	}
	if (jn_app.throttle_count >= JN_LOGINS_PER_MINUTE)
		e = SD_ERR_LOCKED;
	else
		jn_app.throttle_count++;
	pthread_mutex_unlock(&jn_app.throttle_mu);
	return e;
}

/* Claim an attempt on a known account before its passphrase is checked
 * (counted as a failure until it succeeds, and refused when locked), in
 * one statement, so attempts at the same moment cannot all pass an
 * unlocked account. 0, SD_ERR_LOCKED or another error. */
static int
claim_attempt(const struct db_journalist *j)
{
	int e;

	JN_DB_LOCK();
	e = db_journalist_attempt(jn_app.db, j->id, (int64_t)time(NULL), JN_FAILURES_FREE,
	    JN_LOCK_MAX);
	JN_DB_UNLOCK();
	return e;
}

/* Passphrase and code against account j; 0, SD_ERR_AUTH or SD_ERR_REPLAY. */
static int
check_secrets(const struct db_journalist *j, const char *pass, size_t passlen,
    const char *code)
{
	int64_t step = 0;
	int e;

	if ((e = account_verify(j->pw_hash, pass, passlen)) != 0)
		return e == SD_ERR_AUTH ? e : SD_ERR_AUTH;
	if (account_totp_check(j->totp_secret, code, time(NULL), &step) != 0)
		return SD_ERR_AUTH;
	JN_DB_LOCK();
	e = db_journalist_use_step(jn_app.db, j->id, step);
	JN_DB_UNLOCK();
	return e;
}

int
jn_authenticate(const char *user, const char *raw, size_t rawlen, const char *code,
    struct db_journalist *out, unsigned char cred[JNSESS_CRED_BYTES])
{
	struct db_journalist j;
	char norm[CODENAME_MAX + 1];
	const char *pass = raw;
	size_t passlen = rawlen;
	int e, found;

	memset(&j, 0, sizeof j);
	/* Passphrases are generated words: forgive case and extra spaces the
	 * way codenames do. */
	if (codename_normalize(raw, rawlen, norm, &passlen) == 0)
		pass = norm;
	else
		passlen = rawlen;
	if ((e = overall_budget()) != 0)
		goto out;
	JN_DB_LOCK();
	found = account_name_ok(user) && db_journalist_get(jn_app.db, user, &j) == 0;
	JN_DB_UNLOCK();
	if (sem_trywait(&jn_app.argon2) != 0) {
		e = SD_ERR_STATE; /* busy: not an attempt */
		goto out;
	}
	if (!found) {
		account_verify_dummy(pass, passlen);
		e = SD_ERR_AUTH;
	} else if ((e = claim_attempt(&j)) == 0) {
		e = check_secrets(&j, pass, passlen, code);
	}
	sem_post(&jn_app.argon2);
	if (!found)
		goto out;
	JN_DB_LOCK();
	if (e == 0)
		(void)db_journalist_succeeded(jn_app.db, j.id); /* clears the claim */
	(void)db_audit_add(jn_app.db, j.name, e == 0 ? "logged in" : e == SD_ERR_LOCKED
	    ? "login refused: locked" : "failed login", "");
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
	int e;

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
	if (sem_trywait(&jn_app.argon2) != 0) {
		e = SD_ERR_STATE; /* busy: not an attempt */
		goto out;
	}
	/* Counted like a login: a stolen session cannot guess the passphrase
	 * here without running into the same lock. */
	if ((e = claim_attempt(&j)) == 0)
		e = account_verify(j.pw_hash, pass, passlen) == 0 ? 0 : SD_ERR_AUTH;
	sem_post(&jn_app.argon2);
	JN_DB_LOCK();
	if (e == 0)
		(void)db_journalist_succeeded(jn_app.db, j.id);
	else
		(void)db_audit_add(jn_app.db, j.name, e == SD_ERR_LOCKED
		    ? "passphrase check refused: locked" : "failed passphrase check", "");
	JN_DB_UNLOCK();
out:
	sodium_memzero(&j, sizeof j);
	sodium_memzero(norm, sizeof norm);
	return e;
}
