/*
 * db_notify.c - notification addresses and keys of journalists, and the
 * digest's one bit of activity (see db_notify.h).
 */
#include "db_notify.h"
#include "db.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "db_int.h"

#define KEY_BEGIN "-----BEGIN PGP PUBLIC KEY BLOCK-----"
#define KEY_END "-----END PGP PUBLIC KEY BLOCK-----"

int
dbn_check_addr(const char *addr)
{
	size_t n = strlen(addr);
	const char *at = strchr(addr, '@');

	if (n > DBN_ADDR_MAX)
		return SD_ERR_TOOLONG;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)addr[i];
		if (ch <= 0x20 || ch >= 0x7f || strchr("\"<>(),;:\\[]", ch) != NULL)
			return SD_ERR_FORMAT;
	}
	if (at == NULL || at == addr || strchr(at + 1, '@') != NULL || at[1] == '\0' ||
	    at[1] == '.' || strchr(at + 1, '.') == NULL || addr[n - 1] == '.')
		return SD_ERR_FORMAT;
	return 0;
}

int
dbn_check_key(const char *key, size_t len)
{
	const char *p = key, *end;

	if (len > DBN_KEY_MAX)
		return SD_ERR_TOOLONG;
	if (memchr(key, '\0', len) != NULL)
		return SD_ERR_FORMAT;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)key[i];
		if (ch >= 0x7f || (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t'))
			return SD_ERR_FORMAT;
	}
	while (p < key + len && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	if ((size_t)(key + len - p) < strlen(KEY_BEGIN) ||
	    memcmp(p, KEY_BEGIN, strlen(KEY_BEGIN)) != 0)
		return SD_ERR_FORMAT;
	/* One block: one END line, and only blank space after it. */
	end = strstr(p, KEY_END);
	if (end == NULL || strstr(end + 1, KEY_END) != NULL || strstr(p + 1, KEY_BEGIN) != NULL)
		return SD_ERR_FORMAT;
	for (end += strlen(KEY_END); end < key + len; end++)
		if (*end != ' ' && *end != '\n' && *end != '\r' && *end != '\t')
			return SD_ERR_FORMAT;
	return 0;
}

int
dbn_set(struct db *db, int64_t id, const char *addr, const char *key)
{
	sqlite3_stmt *st = NULL;
	int clear = addr[0] == '\0' && key[0] == '\0', e;

	if (!clear &&
	    ((e = dbn_check_addr(addr)) != 0 || (e = dbn_check_key(key, strlen(key))) != 0))
		return e;
	if (db_prepare(db, "UPDATE journalists SET notify_addr = ?1, notify_key = ?2 WHERE id = ?3",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	if ((e = db_step_done(db, st)) != 0)
		return e;
	return sqlite3_changes(db->h) == 1 ? 0 : SD_ERR_NOTFOUND;
}

int
dbn_get(struct db *db, int64_t id, char addr[DBN_ADDR_MAX + 1], int *has_key)
{
	sqlite3_stmt *st = NULL;
	int rc, e = SD_ERR_IO;

	if (db_prepare(db,
		"SELECT notify_addr, length(notify_key) > 0 FROM journalists "
		"WHERE id = ?1",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		e = SD_ERR_NOTFOUND;
	} else if (rc == SQLITE_ROW) {
		db_col_text(st, 0, addr, DBN_ADDR_MAX + 1);
		*has_key = sqlite3_column_int(st, 1) != 0;
		e = 0;
	}
	sqlite3_finalize(st);
	return e;
}

void
dbn_free(struct dbn_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].key);
		e[i].key = NULL;
	}
}

int
dbn_list(struct db *db, struct dbn_entry *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t k = 0;
	int rc, e = 0;

	if (db_prepare(db,
		"SELECT id, name, notify_addr, notify_key FROM journalists "
		"WHERE notify_addr != '' AND notify_key != '' ORDER BY id",
		&st) != 0)
		return SD_ERR_IO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *key = sqlite3_column_text(st, 3);
		int len = sqlite3_column_bytes(st, 3);

		if (k == max) {
			e = SD_ERR_RANGE;
			goto out;
		}
		if (key == NULL || len < 0 || (size_t)len > DBN_KEY_MAX) {
			e = SD_ERR_FORMAT;
			goto out;
		}
		memset(&out[k], 0, sizeof out[k]);
		out[k].id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, out[k].name, sizeof out[k].name);
		db_col_text(st, 2, out[k].addr, sizeof out[k].addr);
		if ((out[k].key = malloc((size_t)len + 1)) == NULL) {
			e = SD_ERR_NOMEM;
			goto out;
		}
		memcpy(out[k].key, key, (size_t)len);
		out[k].key[len] = '\0';
		k++;
	}
	if (rc != SQLITE_DONE)
		e = SD_ERR_IO;
out:
	sqlite3_finalize(st);
	if (e != 0) {
		dbn_free(out, k);
		return e;
	}
	*n = k;
	return 0;
}

int
dbn_activity_since(struct db *db, const char *hour, int *yes)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (db_prepare(db,
		"SELECT EXISTS (SELECT 1 FROM items WHERE created_hour >= ?1 "
		"AND kind IN (1, 2))",
		&st) != 0)
		return SD_ERR_IO;
	sqlite3_bind_text(st, 1, hour, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*yes = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : SD_ERR_IO;
}
