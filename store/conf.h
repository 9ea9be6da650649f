/*
 * conf.h - sealdrop.conf: the operator's settings for an instance, in INI
 * form (parsed with libinih). Every value has a default and a range; an
 * unknown key or a value out of range is an error that names the setting, so
 * a typo never silently falls back to a default.
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include <stdint.h>

#include "sderr.h"

#define CONF_NAME_MAX 128
#define CONF_LISTEN_MAX 200
#define CONF_ERR_MAX 256
#define CONF_NOTIFY_MAX 256

struct conf {
	/* [instance] */
	char name[CONF_NAME_MAX];
	char default_language[8];
	/* [source] */
	char source_listen[CONF_LISTEN_MAX]; /* "" = unix:INSTANCE/source.sock */
	uint64_t max_submission_bytes;       /* default 4 GiB */
	unsigned max_files;                  /* per submission */
	unsigned max_message_chars;          /* characters (UTF-8: 4 bytes at most each) */
	uint64_t spool_reserve_bytes;        /* 507 when it would be crossed */
	unsigned connection_timeout;         /* seconds of inactivity */
	unsigned max_connections;
	/* Connection limits of both daemons (web/daemon.c). */
	unsigned header_timeout;     /* request line and headers, seconds */
	unsigned body_grace;         /* seconds before the body rate counts */
	unsigned body_window;        /* seconds the body rate is averaged over */
	unsigned body_min_rate;      /* bytes per second; 0: no minimum */
	unsigned drain_timeout;      /* seconds a stop waits for requests */
	unsigned argon2_concurrency; /* derivations at once */
	unsigned session_idle_minutes;
	unsigned session_max_minutes;
	int accept_files;
	unsigned argon2_queue;            /* derivations waiting in turn; 503 past it */
	unsigned max_sessions;            /* source sessions held in memory */
	unsigned pending_sources_max;     /* codenames not yet used to submit */
	unsigned pending_source_days;     /* ... forgotten after this many days */
	unsigned unreplied_daily_percent; /* daily share of free space for sources
	                                            no journalist replied to yet */
	/* [journalist] */
	char journalist_listen[CONF_LISTEN_MAX];
	unsigned journalist_idle_minutes; /* default 30 */
	unsigned journalist_max_minutes;  /* default 8 hours */
	/* [notify]: e-mail over Tor (docs/notifications.md); "" = unset. */
	char notify_from[CONF_NOTIFY_MAX]; /* sender address; unset: nothing is sent */
	char notify_smtp_host[CONF_NOTIFY_MAX];
	unsigned notify_smtp_port;                  /* default 587 */
	char notify_tls[16];                        /* starttls (default), smtps or off */
	char notify_smtp_user[CONF_NOTIFY_MAX];     /* "" = no authentication */
	char notify_password_file[CONF_NOTIFY_MAX]; /* its first line is the password */
	char notify_socks[CONF_NOTIFY_MAX];         /* tor's SOCKS "host:port", or "off" */
	char notify_operator[CONF_NOTIFY_MAX];      /* alerts' address */
	char notify_operator_key[CONF_NOTIFY_MAX];  /* file of its armored OpenPGP key */
	unsigned notify_disk_percent;               /* alert when the spool's disk is this full */
};

void conf_defaults(struct conf *c);

/* Parse path over the defaults. On error, err says where and why. */
SD_MUST_CHECK
int conf_load(const char *path, struct conf *c, char err[CONF_ERR_MAX]);

/* Write a commented default file (exclusive, 0600). */
SD_MUST_CHECK
int conf_write_default(const char *path, const char *name);

#endif
