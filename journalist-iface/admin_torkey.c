/*
 * admin_torkey.c - Tor client keys of the journalist onion service, made
 * from the web admin (docs/decisions.md, "onboarding from the web admin").
 *
 * The daemon cannot reach tor/ (the unit's InaccessiblePaths= and tor/'s
 * owner keep the onion keys out of its reach), so it writes requests into
 * the instance's staging directory tor-clients/ (crypto/torauth.h), opened
 * by descriptor at start-up before the sandbox: a new x25519 pair is made
 * here with libsodium, its public line goes to requests/NAME.auth (written
 * under tor-clients/, synced, then renamed into requests/, so the root
 * path unit never sees half a file) and its private line is handed back
 * once to be shown on the result page, never stored. Revoking writes an
 * empty requests/NAME.remove. A pending request of the other kind for the
 * same name is deleted first, so the last action wins. The onion address
 * for the private line is tor-clients/journalist.onion, kept by
 * `sealdrop-admin tor-clients-apply`; read at each request (regular file,
 * no link, bounded, exact form).
 */
#include "admin_int.h"
#include "sderr.h"
#include "sdi18n.h"
#include "sdio.h"
#include "torauth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define FILE_MAX (TORAUTH_NAME_MAX + sizeof TORAUTH_REQ_REMOVE)

static int stage_fd = -1, req_fd = -1;
static pthread_mutex_t torkey_mu = PTHREAD_MUTEX_INITIALIZER;

static int
open_sub(int parent, const char *name, int *out)
{
	int fd;

	if (mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
		return SD_ERR_IO;
	if ((fd = openat(parent, name, DIR_FLAGS)) < 0)
		return errno == ENOTDIR || errno == ELOOP ? SD_ERR_FORMAT : SD_ERR_IO;
	*out = fd;
	return 0;
}

int
jn_torkey_init(const char *instance)
{
	int inst = -1, st = -1, rq = -1, e;

	if ((inst = open(instance, DIR_FLAGS)) < 0)
		return SD_ERR_IO;
	if ((e = open_sub(inst, TORAUTH_STAGE_DIR, &st)) != 0 ||
	    (e = open_sub(st, TORAUTH_REQ_DIR, &rq)) != 0)
		goto out;
	stage_fd = st;
	req_fd = rq;
	st = rq = -1;
out:
	if (st >= 0)
		close(st);
	if (rq >= 0)
		close(rq);
	close(inst);
	return e;
}

/* tor-clients/journalist.onion: "<56>.onion\n" exactly. */
static int
read_onion(char onion[TORAUTH_ONION_FILE_LEN + 1])
{
	char buf[TORAUTH_ONION_FILE_LEN + 1];
	struct stat st;
	size_t got = 0;
	int fd, e;

	if ((fd = openat(
		 stage_fd, TORAUTH_ONION_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
		return errno == ENOENT ? SD_ERR_NOTFOUND : SD_ERR_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return SD_ERR_FORMAT;
	}
	e = sd_read_full(fd, buf, sizeof buf, &got);
	close(fd);
	if (e != 0)
		return e;
	if (got != TORAUTH_ONION_FILE_LEN || buf[got - 1] != '\n')
		return SD_ERR_FORMAT;
	buf[got - 1] = '\0';
	if (!torauth_onion_ok(buf, 1))
		return SD_ERR_FORMAT;
	memcpy(onion, buf, got);
	return 0;
}

/* Write body as requests/FILE: a new file under tor-clients/, synced, then
 * renamed into requests/ (replacing a pending request of that name). */
static int
put_request(const char *file, const char *body, size_t len)
{
	char tmp[FILE_MAX + 16];
	int fd, e;

	(void)snprintf(tmp, sizeof tmp, ".new-%s", file);
	if (unlinkat(stage_fd, tmp, 0) != 0 && errno != ENOENT)
		return SD_ERR_IO;
	if ((fd = openat(
		 stage_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return SD_ERR_IO;
	e = sd_write_full(fd, body, len);
	if (e == 0 && fsync(fd) != 0)
		e = SD_ERR_IO;
	close(fd);
	if (e == 0 && (renameat(stage_fd, tmp, req_fd, file) != 0 || fsync(req_fd) != 0))
		e = SD_ERR_IO;
	if (e != 0)
		(void)unlinkat(stage_fd, tmp, 0);
	return e;
}

/* Drop a pending request of kind suffix for name (absent is fine). */
static int
drop_request(const char *name, const char *suffix)
{
	char file[FILE_MAX + 1];

	(void)snprintf(file, sizeof file, "%s%s", name, suffix);
	return unlinkat(req_fd, file, 0) == 0 || errno == ENOENT ? 0 : SD_ERR_IO;
}

int
jn_torkey_request(const char *name, char *priv_line, size_t linesz)
{
	char onion[TORAUTH_ONION_FILE_LEN + 1], pub[TORAUTH_PUB_LINE_MAX];
	char line[TORAUTH_PRIV_LINE_MAX], file[FILE_MAX + 1];
	int e;

	if (!torauth_name_ok(name) || priv_line == NULL || linesz < TORAUTH_PRIV_LINE_MAX)
		return SD_ERR_ARG;
	if (stage_fd < 0)
		return SD_ERR_STATE;
	pthread_mutex_lock(&torkey_mu);
	if ((e = read_onion(onion)) != 0 ||
	    (e = torauth_keypair(onion, pub, sizeof pub, line, sizeof line)) != 0)
		goto out;
	(void)snprintf(file, sizeof file, "%s%s", name, TORAUTH_REQ_ADD);
	if ((e = drop_request(name, TORAUTH_REQ_REMOVE)) != 0 ||
	    (e = put_request(file, pub, strlen(pub))) != 0)
		goto out;
	memcpy(priv_line, line, sizeof line);
out:
	pthread_mutex_unlock(&torkey_mu);
	sodium_memzero(line, sizeof line);
	return e;
}

int
jn_torkey_revoke(const char *name)
{
	char file[FILE_MAX + 1];
	int e;

	if (!torauth_name_ok(name))
		return SD_ERR_ARG;
	if (stage_fd < 0)
		return SD_ERR_STATE;
	(void)snprintf(file, sizeof file, "%s%s", name, TORAUTH_REQ_REMOVE);
	pthread_mutex_lock(&torkey_mu);
	if ((e = drop_request(name, TORAUTH_REQ_ADD)) == 0)
		e = put_request(file, "", 0);
	pthread_mutex_unlock(&torkey_mu);
	return e;
}

const char *
jn_torkey_why(int e)
{
	if (e == SD_ERR_NOTFOUND)
		return I18N_N("The server does not know the journalist onion address yet "
			      "(tor-clients/journalist.onion): the operator runs sealdrop-admin "
			      "tor-clients-apply once. No Tor client key was made.");
	return I18N_N("The Tor client key could not be requested. No key was made; try "
		      "“New Tor key” again, or ask the operator to look at the server’s log.");
}
