/*
 * admin_tor.c - the instance's onion services: tor configuration, onion
 * identity keys in tor's file format, and per-journalist client
 * authorisation keys (see admin_tor.h).
 *
 * tor's key files: hs_ed25519_secret_key is a 32-byte header
 * "== ed25519v1-secret: type0 ==\0\0\0" then the 64-byte expanded secret key
 * (clamped SHA-512 of a seed); hs_ed25519_public_key is the same with
 * "public" and the 32-byte key. The address is rend-spec-v3's: base32 of
 * pubkey || checksum[0..2] || 0x03 with checksum = SHA3-256(".onion
 * checksum" || pubkey || 0x03). A client key file holds
 * "descriptor:x25519:<BASE32 public key>".
 */
#include "admin_tor.h"
#include "sdbase32.h"
#include "sderr.h"
#include "sdio.h"
#include "torauth.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <openssl/evp.h>
#include <sodium.h>

#define HDR_BYTES 32
#define SECRET_HDR "== ed25519v1-secret: type0 =="
#define PUBLIC_HDR "== ed25519v1-public: type0 =="
#define ONION_VERSION 3
#define CHECKSUM_PREFIX ".onion checksum"
#define X25519_B32 TORAUTH_KEY_B32
#define CLIENTS_DIR "authorized_clients"

int
admintor_hs_keys_from_seed(const unsigned char seed[ADMINTOR_SEED_BYTES],
    unsigned char expanded[ADMINTOR_EXPANDED_BYTES], unsigned char pk[ADMINTOR_PK_BYTES])
{
	unsigned char h[crypto_hash_sha512_BYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char p[crypto_sign_PUBLICKEYBYTES];
	int e = SD_ERR_CRYPTO;

	if (crypto_hash_sha512(h, seed, ADMINTOR_SEED_BYTES) != 0 ||
	    crypto_sign_seed_keypair(p, sk, seed) != 0)
		goto out;
	/* ed25519 clamping, as tor's ed25519_ref10_seckey_expand does. */
	h[0] &= 248;
	h[31] &= 63;
	h[31] |= 64;
	memcpy(expanded, h, ADMINTOR_EXPANDED_BYTES);
	memcpy(pk, p, ADMINTOR_PK_BYTES);
	e = 0;
out:
	sodium_memzero(h, sizeof h);
	sodium_memzero(sk, sizeof sk);
	return e;
}

int
admintor_onion_from_pk(const unsigned char pk[ADMINTOR_PK_BYTES], char *out, size_t outsz)
{
	unsigned char in[sizeof CHECKSUM_PREFIX - 1 + ADMINTOR_PK_BYTES + 1];
	unsigned char md[EVP_MAX_MD_SIZE], raw[ADMINTOR_PK_BYTES + 3];
	char b32[57];
	unsigned mdlen = 0;

	if (out == NULL || outsz < ADMINTOR_ONION_MAX)
		return SD_ERR_TOOLONG;
	memcpy(in, CHECKSUM_PREFIX, sizeof CHECKSUM_PREFIX - 1);
	memcpy(in + sizeof CHECKSUM_PREFIX - 1, pk, ADMINTOR_PK_BYTES);
	in[sizeof in - 1] = ONION_VERSION;
	if (EVP_Digest(in, sizeof in, md, &mdlen, EVP_sha3_256(), NULL) != 1 || mdlen != 32)
		return SD_ERR_CRYPTO;
	memcpy(raw, pk, ADMINTOR_PK_BYTES);
	raw[ADMINTOR_PK_BYTES] = md[0];
	raw[ADMINTOR_PK_BYTES + 1] = md[1];
	raw[ADMINTOR_PK_BYTES + 2] = ONION_VERSION;
	if (sd_base32_encode(raw, sizeof raw, 0, b32, sizeof b32) != 0)
		return SD_ERR_CRYPTO;
	(void)snprintf(out, outsz, "%s.onion", b32);
	return 0;
}

static int
join(const char *dir, const char *name, char out[PATH_MAX])
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	return n < 0 || n >= PATH_MAX ? SD_ERR_TOOLONG : 0;
}

/* A path written into the torrc: absolute, printable ASCII with nothing
 * tor's config parser would read as a quote, an escape, a comment or a
 * separator; and INSTANCE/journalist.sock must fit sun_path. */
int
admintor_path_ok(const char *abs)
{
	struct sockaddr_un sa;

	if (abs[0] != '/')
		return SD_ERR_ARG;
	for (const char *p = abs; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || strchr("\"'\\#", *p) != NULL)
			return SD_ERR_ARG;
	if (strlen(abs) + sizeof "/journalist.sock" > sizeof sa.sun_path)
		return SD_ERR_TOOLONG;
	return 0;
}

/* One service directory: identity keys and hostname, like tor writes them. */
static int
write_service(const char *abs, const char *sub, char onion[ADMINTOR_ONION_MAX])
{
	unsigned char seed[ADMINTOR_SEED_BYTES];
	unsigned char sec[HDR_BYTES + ADMINTOR_EXPANDED_BYTES], pub[HDR_BYTES + ADMINTOR_PK_BYTES];
	char dir[PATH_MAX], path[PATH_MAX], host[ADMINTOR_ONION_MAX + 1];
	int e;

	if ((e = join(abs, sub, dir)) != 0)
		return e;
	if (mkdir(dir, 0700) != 0)
		return errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
	memset(sec, 0, HDR_BYTES);
	memset(pub, 0, HDR_BYTES);
	memcpy(sec, SECRET_HDR, sizeof SECRET_HDR - 1);
	memcpy(pub, PUBLIC_HDR, sizeof PUBLIC_HDR - 1);
	randombytes_buf(seed, sizeof seed);
	if ((e = admintor_hs_keys_from_seed(seed, sec + HDR_BYTES, pub + HDR_BYTES)) != 0 ||
	    (e = admintor_onion_from_pk(pub + HDR_BYTES, host, ADMINTOR_ONION_MAX)) != 0)
		goto out;
	if ((e = join(dir, "hs_ed25519_secret_key", path)) != 0 ||
	    (e = sd_write_file_excl(path, sec, sizeof sec, 0600)) != 0 ||
	    (e = join(dir, "hs_ed25519_public_key", path)) != 0 ||
	    (e = sd_write_file_excl(path, pub, sizeof pub, 0600)) != 0)
		goto out;
	memcpy(onion, host, ADMINTOR_ONION_MAX);
	host[ADMINTOR_ONION_LEN] = '\n';
	if ((e = join(dir, "hostname", path)) != 0 ||
	    (e = sd_write_file_excl(path, host, ADMINTOR_ONION_LEN + 1, 0600)) != 0)
		goto out;
out:
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(sec, sizeof sec);
	return e;
}

static int
write_torrc(const char *abs)
{
	char path[PATH_MAX], text[4096 + 8 * PATH_MAX];
	int n;

	n = snprintf(text, sizeof text,
	    "# tor configuration of the sealdrop instance %s,\n"
	    "# written by `sealdrop-admin init`. Use it from /etc/tor/torrc with\n"
	    "#   %%include %s/" ADMINTOR_TORRC "\n"
	    "# once tor owns %s/" ADMINTOR_DIR " (docs/operator-guide.md), and check it\n"
	    "# with `sealdrop-admin tor-check --instance %s`.\n"
	    "\n"
	    "# Source interface: public, proof-of-work defence against floods.\n"
	    "HiddenServiceDir %s/" ADMINTOR_SOURCE_HS "\n"
	    "HiddenServicePort 80 unix:%s/source.sock\n"
	    "HiddenServicePoWDefensesEnabled 1\n"
	    "# One page load needs a few streams; a circuit opening more is a flood:\n"
	    "# tor closes it (docs/decisions.md).\n"
	    "HiddenServiceMaxStreams " ADMINTOR_MAX_STREAMS "\n"
	    "HiddenServiceMaxStreamsCloseCircuit 1\n"
	    "\n"
	    "# Journalist interface: only Tor Browsers holding a key listed in\n"
	    "# authorized_clients/ (sealdrop-admin journalist add) can reach it.\n"
	    "HiddenServiceDir %s/" ADMINTOR_JOURNALIST_HS "\n"
	    "HiddenServicePort 80 unix:%s/journalist.sock\n"
	    "HiddenServiceMaxStreams " ADMINTOR_MAX_STREAMS "\n"
	    "HiddenServiceMaxStreamsCloseCircuit 1\n",
	    abs, abs, abs, abs, abs, abs, abs, abs);
	if (n < 0 || (size_t)n >= sizeof text)
		return SD_ERR_TOOLONG;
	if (join(abs, ADMINTOR_TORRC, path) != 0)
		return SD_ERR_TOOLONG;
	return sd_write_file_excl(path, text, (size_t)n, 0600);
}

/* tor/journalist/authorized_clients/ under torfd (tor/), no symbolic link
 * followed: a directory fd, or SD_ERR_*. */
static int
clients_dir(int torfd, int *out)
{
	int hs, fd;

	if ((hs = openat(torfd, "journalist", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOTDIR || errno == ELOOP ? SD_ERR_FORMAT : SD_ERR_IO;
	fd = openat(hs, CLIENTS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP)) {
		close(hs);
		return SD_ERR_FORMAT;
	}
	close(hs);
	if (fd < 0)
		return SD_ERR_IO;
	*out = fd;
	return 0;
}

/* "NAME.auth" for a valid client name. */
static int
client_file(const char *name, char file[ADMINTOR_NAME_MAX + sizeof ".auth"])
{
	if (!torauth_name_ok(name))
		return SD_ERR_ARG;
	(void)snprintf(file, ADMINTOR_NAME_MAX + sizeof ".auth", "%s.auth", name);
	return 0;
}

/* Write body (len bytes: a client's public key line) as file under
 * authorized_clients/ (dirfd): an unnamed file, written and synced, then
 * linked to its name, so an interrupted run leaves nothing. replace 0:
 * never replacing a file (SD_ERR_EXISTS); 1: linked to a name tor does not
 * load (no ".auth" ending) and renamed over file. It belongs to whoever
 * runs this: tor/'s owner (admin_priv.h). */
static int
write_line_at(int dirfd, const char *file, const char *body, size_t len, int replace)
{
	char proc[64], tmp[TORAUTH_NAME_MAX + sizeof ".auth" + sizeof ".new-"];
	int e = 0, fd;

	(void)snprintf(tmp, sizeof tmp, ".new-%s", file);
	if ((fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)) < 0)
		return SD_ERR_IO;
	(void)snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if ((e = sd_write_full(fd, body, len)) != 0 || fchmod(fd, 0600) != 0 || fsync(fd) != 0)
		e = e ? e : SD_ERR_IO;
	else if (!replace && linkat(AT_FDCWD, proc, dirfd, file, AT_SYMLINK_FOLLOW) != 0)
		e = errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
	else if (replace &&
	    ((unlinkat(dirfd, tmp, 0) != 0 && errno != ENOENT) ||
		linkat(AT_FDCWD, proc, dirfd, tmp, AT_SYMLINK_FOLLOW) != 0 ||
		renameat(dirfd, tmp, dirfd, file) != 0))
		e = SD_ERR_IO;
	else if (fsync(dirfd) != 0)
		e = SD_ERR_IO;
	close(fd);
	return e;
}

static int
write_client_at(int dirfd, const char *file, const unsigned char pk[crypto_box_PUBLICKEYBYTES])
{
	char b32[X25519_B32 + 1], body[TORAUTH_PUB_LINE_MAX];
	int e, n;

	if ((e = sd_base32_encode(pk, crypto_box_PUBLICKEYBYTES, 1, b32, sizeof b32)) != 0)
		return e;
	n = snprintf(body, sizeof body, TORAUTH_PREFIX "%s\n", b32);
	return write_line_at(dirfd, file, body, (size_t)n, 0);
}

/* The placeholder client: a real key whose private half is dropped. */
static int
write_placeholder(const char *abs)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
	char hs[PATH_MAX], dir[PATH_MAX];
	int e, fd;

	if ((e = join(abs, ADMINTOR_JOURNALIST_HS, hs)) != 0 ||
	    (e = join(hs, CLIENTS_DIR, dir)) != 0)
		return e;
	if (mkdir(dir, 0700) != 0)
		return SD_ERR_IO;
	if (crypto_box_keypair(pk, sk) != 0) {
		sodium_memzero(sk, sizeof sk);
		return SD_ERR_CRYPTO;
	}
	sodium_memzero(sk, sizeof sk);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return SD_ERR_IO;
	e = write_client_at(fd, ADMINTOR_PLACEHOLDER, pk);
	close(fd);
	return e;
}

int
admintor_init(const char *instance_dir, char *source_onion, size_t source_onion_sz,
    char *journalist_onion, size_t journalist_onion_sz)
{
	char abs[PATH_MAX], dir[PATH_MAX];
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX];
	int e;

	if (instance_dir == NULL || source_onion == NULL || journalist_onion == NULL ||
	    source_onion_sz < ADMINTOR_ONION_MAX || journalist_onion_sz < ADMINTOR_ONION_MAX)
		return SD_ERR_ARG;
	if (realpath(instance_dir, abs) == NULL)
		return SD_ERR_IO;
	if ((e = admintor_path_ok(abs)) != 0 || (e = join(abs, ADMINTOR_DIR, dir)) != 0)
		return e;
	if (mkdir(dir, 0700) != 0)
		return errno == EEXIST ? SD_ERR_EXISTS : SD_ERR_IO;
	if ((e = write_service(abs, ADMINTOR_SOURCE_HS, so)) != 0 ||
	    (e = write_service(abs, ADMINTOR_JOURNALIST_HS, jo)) != 0 ||
	    (e = write_placeholder(abs)) != 0 || (e = write_torrc(abs)) != 0)
		return e;
	memcpy(source_onion, so, ADMINTOR_ONION_MAX);
	memcpy(journalist_onion, jo, ADMINTOR_ONION_MAX);
	return 0;
}

/* The address of one service ("source" or "journalist" under torfd), from
 * its hs_ed25519_public_key: a regular file, no symbolic link followed. */
static int
service_onion_at(int torfd, const char *sub, char onion[ADMINTOR_ONION_MAX])
{
	unsigned char buf[HDR_BYTES + ADMINTOR_PK_BYTES + 1];
	size_t len = 0;
	struct stat st;
	int hs, fd, e;

	if ((hs = openat(torfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return SD_ERR_IO;
	fd = openat(hs, "hs_ed25519_public_key", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(hs);
	if (fd < 0)
		return SD_ERR_IO;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		e = SD_ERR_FORMAT;
	else
		e = sd_read_full(fd, buf, sizeof buf, &len);
	close(fd);
	if (e != 0)
		return e;
	if (len != HDR_BYTES + ADMINTOR_PK_BYTES || memcmp(buf, PUBLIC_HDR, sizeof PUBLIC_HDR) != 0)
		return SD_ERR_FORMAT;
	return admintor_onion_from_pk(buf + HDR_BYTES, onion, ADMINTOR_ONION_MAX);
}

int
admintor_onions_at(
    int torfd, char source_onion[ADMINTOR_ONION_MAX], char journalist_onion[ADMINTOR_ONION_MAX])
{
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX];
	int e;

	if ((e = service_onion_at(torfd, "source", so)) != 0 ||
	    (e = service_onion_at(torfd, "journalist", jo)) != 0)
		return e;
	memcpy(source_onion, so, ADMINTOR_ONION_MAX);
	memcpy(journalist_onion, jo, ADMINTOR_ONION_MAX);
	return 0;
}

/* tor/ of an instance given by path, no symbolic link followed. */
static int
open_tor(const char *instance_dir, int *out)
{
	int ifd, fd;

	if ((ifd = open(instance_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return SD_ERR_IO;
	fd = openat(ifd, ADMINTOR_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(ifd);
	if (fd < 0)
		return SD_ERR_IO;
	*out = fd;
	return 0;
}

int
admintor_onions(const char *instance_dir, char *source_onion, size_t source_onion_sz,
    char *journalist_onion, size_t journalist_onion_sz)
{
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX];
	int e, fd;

	if (instance_dir == NULL || source_onion == NULL || journalist_onion == NULL ||
	    source_onion_sz < ADMINTOR_ONION_MAX || journalist_onion_sz < ADMINTOR_ONION_MAX)
		return SD_ERR_ARG;
	if ((e = open_tor(instance_dir, &fd)) != 0)
		return e;
	if ((e = service_onion_at(fd, "source", so)) != 0 ||
	    (e = service_onion_at(fd, "journalist", jo)) != 0) {
		close(fd);
		return e;
	}
	close(fd);
	memcpy(source_onion, so, ADMINTOR_ONION_MAX);
	memcpy(journalist_onion, jo, ADMINTOR_ONION_MAX);
	return 0;
}

int
admintor_client_add_at(int torfd, const char *name, char *auth_private_line, size_t linesz)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
	char onion[ADMINTOR_ONION_MAX], b32[X25519_B32 + 1], line[ADMINTOR_AUTH_LINE_MAX];
	char file[ADMINTOR_NAME_MAX + sizeof ".auth"];
	int e, dfd = -1;

	if (auth_private_line == NULL || linesz < ADMINTOR_AUTH_LINE_MAX)
		return SD_ERR_ARG;
	if ((e = client_file(name, file)) != 0 ||
	    (e = service_onion_at(torfd, "journalist", onion)) != 0 ||
	    (e = clients_dir(torfd, &dfd)) != 0)
		return e;
	if (crypto_box_keypair(pk, sk) != 0) {
		e = SD_ERR_CRYPTO;
		goto out;
	}
	if ((e = sd_base32_encode(sk, sizeof sk, 1, b32, sizeof b32)) != 0)
		goto out;
	(void)snprintf(line, sizeof line, "%.56s:descriptor:x25519:%s", onion, b32);
	if ((e = write_client_at(dfd, file, pk)) != 0)
		goto out;
	memcpy(auth_private_line, line, sizeof line);
out:
	close(dfd);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(b32, sizeof b32);
	sodium_memzero(line, sizeof line);
	return e;
}

int
admintor_client_add(
    const char *instance_dir, const char *name, char *auth_private_line, size_t linesz)
{
	int fd, e;

	if (instance_dir == NULL)
		return SD_ERR_ARG;
	if ((e = open_tor(instance_dir, &fd)) != 0)
		return e;
	e = admintor_client_add_at(fd, name, auth_private_line, linesz);
	close(fd);
	return e;
}

int
admintor_client_remove_at(int torfd, const char *name)
{
	char file[ADMINTOR_NAME_MAX + sizeof ".auth"];
	struct stat st;
	int e, dfd = -1;

	if ((e = client_file(name, file)) != 0 || (e = clients_dir(torfd, &dfd)) != 0)
		return e;
	if (fstatat(dfd, file, &st, AT_SYMLINK_NOFOLLOW) != 0)
		e = errno == ENOENT ? SD_ERR_NOTFOUND : SD_ERR_IO;
	else if (!S_ISREG(st.st_mode))
		e = SD_ERR_FORMAT;
	else if (unlinkat(dfd, file, 0) != 0 || fsync(dfd) != 0)
		e = SD_ERR_IO;
	close(dfd);
	return e;
}

int
admintor_client_put_at(int torfd, const char *name, const char *line, size_t len)
{
	char file[ADMINTOR_NAME_MAX + sizeof ".auth"];
	int e, dfd = -1;

	if (!torauth_pub_line_ok(line, len))
		return SD_ERR_FORMAT;
	if ((e = client_file(name, file)) != 0 || (e = clients_dir(torfd, &dfd)) != 0)
		return e;
	e = write_line_at(dfd, file, line, len, 1);
	close(dfd);
	return e;
}

int
admintor_client_remove(const char *instance_dir, const char *name)
{
	int fd, e;

	if (instance_dir == NULL)
		return SD_ERR_ARG;
	if ((e = open_tor(instance_dir, &fd)) != 0)
		return e;
	e = admintor_client_remove_at(fd, name);
	close(fd);
	return e;
}
