/*
 * conf.c - sealdrop.conf parsing and the default file (see conf.h).
 */
#include "conf.h"
#include "sderr.h"
#include "sdio.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

struct conf_ctx {
	struct conf *c;
	char *err;
	int failed;
};

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof *c);
	(void)snprintf(c->name, sizeof c->name, "sealdrop");
	(void)snprintf(c->default_language, sizeof c->default_language, "en");
	c->max_submission_bytes = 4ULL << 30;
	c->max_files = 20;
	c->max_message_chars = 25000;
	c->spool_reserve_bytes = 1ULL << 30;
	c->connection_timeout = 120;
	c->max_connections = 512;
	c->header_timeout = 60;
	c->body_grace = 60;
	c->body_window = 120;
	c->body_min_rate = 512;
	c->drain_timeout = 60;
	c->argon2_concurrency = 2;
	c->session_idle_minutes = 30;
	c->session_max_minutes = 240;
	c->accept_files = 1;
	c->argon2_queue = 128;
	c->max_sessions = 1024;
	c->pending_sources_max = 1000;
	c->pending_source_days = 3;
	c->unreplied_daily_percent = 25;
	c->journalist_idle_minutes = 30;
	c->journalist_max_minutes = 480;
	c->notify_smtp_port = 587;
	(void)snprintf(c->notify_tls, sizeof c->notify_tls, "starttls");
	(void)snprintf(c->notify_socks, sizeof c->notify_socks, "127.0.0.1:9050");
	c->notify_disk_percent = 90;
}

/* Parse an unsigned decimal in [lo, hi]. */
static int
parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (*s == '\0' || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
set_uint(unsigned *dst, const char *v, uint64_t lo, uint64_t hi)
{
	uint64_t x;

	if (parse_u64(v, lo, hi, &x) != 0)
		return -1;
	*dst = (unsigned)x;
	return 0;
}

static int
set_str(char *dst, size_t dstsz, const char *v)
{
	size_t n = strlen(v);

	if (n >= dstsz)
		return -1;
	memcpy(dst, v, n + 1);
	return 0;
}

static int
set_bool(int *dst, const char *v)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*dst = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*dst = 0;
	else
		return -1;
	return 0;
}

static int
conf_source(struct conf *c, const char *k, const char *v)
{
	if (strcmp(k, "listen") == 0)
		return set_str(c->source_listen, sizeof c->source_listen, v);
	if (strcmp(k, "max_submission_bytes") == 0)
		return parse_u64(v, 1, 1ULL << 44, &c->max_submission_bytes);
	if (strcmp(k, "max_files") == 0)
		return set_uint(&c->max_files, v, 0, 1000);
	if (strcmp(k, "max_message_chars") == 0)
		return set_uint(&c->max_message_chars, v, 1, 4U << 20);
	/* Before version 0.3 the limit was in bytes and the page said a
	 * quarter of it in characters: an old setting keeps what it showed. */
	if (strcmp(k, "max_message_bytes") == 0) {
		int r = set_uint(&c->max_message_chars, v, 4, 16U << 20);
		if (r == 0)
			c->max_message_chars /= 4;
		return r;
	}
	if (strcmp(k, "spool_reserve_bytes") == 0)
		return parse_u64(v, 0, UINT64_MAX / 2, &c->spool_reserve_bytes);
	if (strcmp(k, "connection_timeout") == 0)
		return set_uint(&c->connection_timeout, v, 5, 3600);
	if (strcmp(k, "max_connections") == 0)
		return set_uint(&c->max_connections, v, 1, 4096);
	if (strcmp(k, "header_timeout") == 0)
		return set_uint(&c->header_timeout, v, 1, 3600);
	if (strcmp(k, "body_grace") == 0)
		return set_uint(&c->body_grace, v, 0, 3600);
	if (strcmp(k, "body_window") == 0)
		return set_uint(&c->body_window, v, 1, 3600);
	if (strcmp(k, "body_min_rate") == 0)
		return set_uint(&c->body_min_rate, v, 0, 1U << 30);
	if (strcmp(k, "drain_timeout") == 0)
		return set_uint(&c->drain_timeout, v, 0, 3600);
	if (strcmp(k, "argon2_concurrency") == 0)
		return set_uint(&c->argon2_concurrency, v, 1, 64);
	if (strcmp(k, "session_idle_minutes") == 0)
		return set_uint(&c->session_idle_minutes, v, 1, 24 * 60);
	if (strcmp(k, "session_max_minutes") == 0)
		return set_uint(&c->session_max_minutes, v, 1, 7 * 24 * 60);
	if (strcmp(k, "accept_files") == 0)
		return set_bool(&c->accept_files, v);
	if (strcmp(k, "argon2_queue") == 0)
		return set_uint(&c->argon2_queue, v, 0, 4096);
	if (strcmp(k, "max_sessions") == 0)
		return set_uint(&c->max_sessions, v, 1, 65536);
	if (strcmp(k, "pending_sources_max") == 0)
		return set_uint(&c->pending_sources_max, v, 1, 1000000);
	if (strcmp(k, "pending_source_days") == 0)
		return set_uint(&c->pending_source_days, v, 1, 90);
	if (strcmp(k, "unreplied_daily_percent") == 0)
		return set_uint(&c->unreplied_daily_percent, v, 1, 100);
	return -2;
}

static int
conf_notify(struct conf *c, const char *k, const char *v)
{
#define NSTR(key, f) \
	if (strcmp(k, key) == 0) \
	return set_str(c->f, sizeof c->f, v)
	NSTR("from", notify_from);
	NSTR("smtp_host", notify_smtp_host);
	NSTR("smtp_user", notify_smtp_user);
	NSTR("smtp_password_file", notify_password_file);
	NSTR("socks", notify_socks);
	NSTR("operator", notify_operator);
	NSTR("operator_key", notify_operator_key);
#undef NSTR
	if (strcmp(k, "smtp_port") == 0)
		return set_uint(&c->notify_smtp_port, v, 1, 65535);
	if (strcmp(k, "disk_alert_percent") == 0)
		return set_uint(&c->notify_disk_percent, v, 1, 100);
	if (strcmp(k, "tls") == 0) {
		if (strcmp(v, "starttls") != 0 && strcmp(v, "smtps") != 0 && strcmp(v, "off") != 0)
			return -1;
		return set_str(c->notify_tls, sizeof c->notify_tls, v);
	}
	return -2;
}

static int
conf_handler(void *user, const char *section, const char *key, const char *value)
{
	struct conf_ctx *x = user;
	struct conf *c = x->c;
	int r = -2;

	if (strcmp(section, "instance") == 0) {
		if (strcmp(key, "name") == 0)
			r = set_str(c->name, sizeof c->name, value);
		else if (strcmp(key, "default_language") == 0)
			r = set_str(c->default_language, sizeof c->default_language, value);
	} else if (strcmp(section, "source") == 0) {
		r = conf_source(c, key, value);
	} else if (strcmp(section, "journalist") == 0) {
		if (strcmp(key, "listen") == 0)
			r = set_str(c->journalist_listen, sizeof c->journalist_listen, value);
		else if (strcmp(key, "session_idle_minutes") == 0)
			r = set_uint(&c->journalist_idle_minutes, value, 1, 24 * 60);
		else if (strcmp(key, "session_max_minutes") == 0)
			r = set_uint(&c->journalist_max_minutes, value, 1, 7 * 24 * 60);
	} else if (strcmp(section, "notify") == 0) {
		r = conf_notify(c, key, value);
	}
	if (r == 0)
		return 1;
	if (!x->failed)
		(void)snprintf(x->err, CONF_ERR_MAX, "%s [%s] %s",
		    r == -2 ? "unknown setting" : "invalid value for", section, key);
	x->failed = 1;
	return 0;
}

int
conf_load(const char *path, struct conf *c, char err[CONF_ERR_MAX])
{
	struct conf tmp = *c;
	struct conf_ctx x = { &tmp, err, 0 };
	int r;

	err[0] = '\0';
	r = ini_parse(path, conf_handler, &x);
	if (r == -1) {
		(void)snprintf(err, CONF_ERR_MAX, "cannot open: %s", strerror(errno));
		return SD_ERR_IO;
	}
	if (r != 0) {
		if (!x.failed)
			(void)snprintf(err, CONF_ERR_MAX, "line %d: syntax error", r);
		return SD_ERR_FORMAT;
	}
	*c = tmp;
	return 0;
}

int
conf_write_default(const char *path, const char *name)
{
	struct conf d;
	char text[3584];
	int n;

	conf_defaults(&d);
	n = snprintf(text, sizeof text,
	    "# sealdrop instance settings. Every setting is optional; the values\n"
	    "# shown are the defaults. See docs/operator-guide.md.\n\n"
	    "[instance]\nname = %s\ndefault_language = %s\n\n"
	    "[source]\n"
	    "# listen = unix:/path/to/source.sock   (default: source.sock here)\n"
	    "max_submission_bytes = %" PRIu64 "\nmax_files = %u\nmax_message_chars = %u\n"
	    "spool_reserve_bytes = %" PRIu64 "\nconnection_timeout = %u\n"
	    "max_connections = %u\nheader_timeout = %u\nbody_grace = %u\n"
	    "body_window = %u\nbody_min_rate = %u\ndrain_timeout = %u\n"
	    "argon2_concurrency = %u\n"
	    "session_idle_minutes = %u\nsession_max_minutes = %u\naccept_files = yes\n"
	    "argon2_queue = %u\nmax_sessions = %u\npending_sources_max = %u\n"
	    "pending_source_days = %u\nunreplied_daily_percent = %u\n\n"
	    "[journalist]\n"
	    "# listen = unix:/path/to/journalist.sock   (default: journalist.sock here)\n"
	    "# session_idle_minutes = 30\n"
	    "# session_max_minutes = 480\n\n"
	    "[notify]\n"
	    "# E-mail over Tor: docs/notifications.md. Nothing is sent until\n"
	    "# from and smtp_host are set.\n"
	    "# from = drop-notices@example.org\n# smtp_host = mail.example.org\n"
	    "# smtp_port = 587\n# tls = starttls\n"
	    "# With a login (smtp_user, smtp_password_file), the whole section goes\n"
	    "# in /etc/sealdrop/notify.conf, which this instance's user cannot change.\n"
	    "# socks = 127.0.0.1:9050\n# operator =\n# operator_key =\n"
	    "# disk_alert_percent = 90\n",
	    name, d.default_language, d.max_submission_bytes, d.max_files, d.max_message_chars,
	    d.spool_reserve_bytes, d.connection_timeout, d.max_connections, d.header_timeout,
	    d.body_grace, d.body_window, d.body_min_rate, d.drain_timeout, d.argon2_concurrency,
	    d.session_idle_minutes, d.session_max_minutes, d.argon2_queue, d.max_sessions,
	    d.pending_sources_max, d.pending_source_days, d.unreplied_daily_percent);
	if (n < 0 || (size_t)n >= sizeof text)
		return SD_ERR_TOOLONG;
	return sd_write_file_excl(path, text, (size_t)n, 0600);
}
