/*
 * admin_settings.c - `sealdrop-admin settings show|set`: the instance
 * settings of store/settings.h from the server's command line, the same
 * ones the journalist interface's /admin/settings page edits.
 *
 *   settings show --instance DIR              one "key<TAB>value" a line
 *   settings set  --instance DIR KEY VALUE    validated, then written
 *
 * Keys: instance_name, default_language (en|fr), accept_files (yes|no, as
 * in sealdrop.conf; 1|0 still accepted; shown as yes or no),
 * max_submission_bytes (1 MiB .. 64 GiB), min_first_message_chars
 * (0..10000), retention_days (0 = keep forever, else 1..3650). A key never
 * set shows its default from sealdrop.conf. Changes are audited with the
 * actor "(admin)"; the daemons read the settings on each request (the
 * source interface) or each hour (the retention purge).
 */
#include "admin.h"
#include "conf.h"
#include "db.h"
#include "sderr.h"
#include "settings.h"

#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void
show(const struct settings *s)
{
	char safe[ADMINPRIV_SAFE_MAX];

	/* Text from the database, which the instance's owner can write. */
	printf("instance_name\t%s\n", adminpriv_safe(s->instance_name, safe, sizeof safe));
	printf("default_language\t%s\n", adminpriv_safe(s->default_language, safe, sizeof safe));
	printf("accept_files\t%s\n", s->accept_files ? "yes" : "no");
	printf("max_submission_bytes\t%llu\n", (unsigned long long)s->max_submission_bytes);
	printf("min_first_message_chars\t%u\n", s->min_first_message_chars);
	printf("retention_days\t%u\n", s->retention_days);
}

/* In the step: the instance is the working directory. */
static void
load(struct db *db, struct settings *s)
{
	char err[CONF_ERR_MAX], why[ADMINPRIV_ERR_MAX], self[64];
	struct conf cf;
	int fd, e;

	conf_defaults(&cf);
	/* A plain file of the owner (no link, FIFO or device), then parsed
	 * through that descriptor: never another file swapped in meanwhile. */
	if (adminpriv_file(AT_FDCWD, "sealdrop.conf", 0, geteuid(), &fd, why) != 0)
		admin_die("%s", why[0] ? why : "sealdrop.conf is missing");
	(void)snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	e = conf_load(self, &cf, err);
	close(fd);
	if (e != 0)
		admin_die("%s", err);
	if (settings_load(db, &cf, s) != 0)
		admin_die("cannot read the settings");
}

static int
set(struct db *db, struct settings *s, const char *key, const char *value)
{
	const char *why = NULL;
	char target[DB_AUDIT_FIELD];
	int e;

	/* Plain words, as sealdrop.conf writes them. */
	if (strcmp(key, "accept_files") == 0 && strcasecmp(value, "yes") == 0)
		value = "1";
	else if (strcmp(key, "accept_files") == 0 && strcasecmp(value, "no") == 0)
		value = "0";
	else if (strcmp(key, "accept_files") == 0 && strcmp(value, "0") != 0 &&
	    strcmp(value, "1") != 0)
		admin_die("accept_files: say yes or no");
	e = settings_set_text(s, key, value, &why);
	if (e == SD_ERR_ARG)
		admin_die("%s: unknown setting (see settings show)", key);
	if (e != 0)
		admin_die("%s: %s", key, why ? why : "bad value");
	(void)snprintf(target, sizeof target, "%s", key);
	if (settings_save(db, s) != 0 ||
	    db_audit_add(db, "(admin)", "changed settings", target) != 0)
		admin_die("cannot write the settings");
	printf("%s set\n", key);
	return 0;
}

struct sstep {
	const char *sub, *key, *value;
};

static int
settings_step(void *ctx)
{
	const struct sstep *a = ctx;
	struct settings s;
	struct db *db = admin_open_db();
	int rc = 0;

	load(db, &s);
	if (a->sub[1] == 'h')
		show(&s);
	else
		rc = set(db, &s, a->key, a->value);
	db_close(db);
	return rc;
}

int
adminsettings_main(const struct admin_args *a)
{
	struct sstep st = { .sub = a->sub };

	if (st.sub[1] == 'e') {
		st.key = a->pos[0];
		st.value = a->pos[1];
	}
	admin_enter(a->instance);
	return admin_step(settings_step, &st);
}
