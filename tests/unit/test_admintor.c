/*
 * test_admintor.c - unit tests of tools/admin_tor.c: tor's ed25519
 * key expansion and v3 address (RFC 8032 test 1, checked against values
 * computed independently with Python's hashlib), client names, the files
 * admintor_init writes, and client keys: the private line handed out and
 * the public key written for tor are one x25519 pair, names never become
 * paths, the placeholder always stays. tor itself checks these files in
 * integration.tor. Also sealdrop-admin's terminal-safe strings
 * (adminpriv_safe), the names a backup may hold (adminops_member_kind) and
 * the one reader and rewriter of tor's configuration files and of an
 * instance torrc (admin_torrc.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <sodium.h>

#include "admin_ops_int.h"
#include "admin_priv.h"
#include "admin_tor.h"
#include "sdbuf.h"
#include "sderr.h"
#include "sdio.h"
#include "sdtree.h"

#define RFC_SEED "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define RFC_PK "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define RFC_EXPANDED \
	"307c83864f2833cb427a2ef1c00a013cfdff2768d980c0a3a520f006904de94f" \
	"9b4f0afe280b746a778684e75442502057b7473a03f08f96f5a38e9287e01f8f"
#define RFC_ONION "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion"

static char inst[64];

static void
hex(const char *h, unsigned char *out, size_t len)
{
	size_t got = 0;

	assert_int_equal(sodium_hex2bin(out, len, h, strlen(h), NULL, &got, NULL), 0);
	assert_int_equal(got, len);
}

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(inst, sizeof inst, "/tmp/test_admintor.XXXXXX");
	return mkdtemp(inst) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return sd_rmtree_at(AT_FDCWD, inst, SD_TREE_DEPTH_MAX);
}

/* RFC 4648 base32 decoder, upper case, no padding (test-side only). */
static size_t
b32dec(const char *s, unsigned char *out, size_t max)
{
	unsigned acc = 0, bits = 0;
	size_t n = 0;

	for (; *s; s++) {
		const char *p = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", *s);
		assert_non_null(p);
		acc = (acc << 5) | (unsigned)(p - "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
		bits += 5;
		if (bits >= 8) {
			assert_true(n < max);
			out[n++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
		acc &= (1u << bits) - 1u;
	}
	assert_int_equal(acc, 0); /* spare bits are zero */
	return n;
}

static void
test_rfc8032_key_and_address(void **state)
{
	unsigned char seed[32], pk[32], want_pk[32], exp[64], want_exp[64];
	char onion[ADMINTOR_ONION_MAX];

	(void)state;
	hex(RFC_SEED, seed, sizeof seed);
	hex(RFC_PK, want_pk, sizeof want_pk);
	hex(RFC_EXPANDED, want_exp, sizeof want_exp);
	assert_int_equal(admintor_hs_keys_from_seed(seed, exp, pk), 0);
	assert_memory_equal(pk, want_pk, 32);
	assert_memory_equal(exp, want_exp, 64);
	assert_int_equal(admintor_onion_from_pk(pk, onion, sizeof onion), 0);
	assert_string_equal(onion, RFC_ONION);
	/* One bit of the key changes the address, checksum included. */
	pk[0] ^= 1;
	assert_int_equal(admintor_onion_from_pk(pk, onion, sizeof onion), 0);
	assert_string_not_equal(onion, RFC_ONION);
	assert_int_equal(admintor_onion_from_pk(pk, onion, ADMINTOR_ONION_LEN), SD_ERR_TOOLONG);
}

static void
test_names(void **state)
{
	static const char *const good[] = { "a", "alice", "bob_2", "x-y", "0",
		"abcdefghijklmnopqrstuvwxyz012345" };
	static const char *const bad[] = { "", "Alice", "../x", "a/b", "a.b", ".", "..", "a b", "é",
		"abcdefghijklmnopqrstuvwxyz0123456", "sealdrop.placeholder", ADMINTOR_PLACEHOLDER,
		"a\n" };

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(torauth_name_ok(good[i]), 1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(torauth_name_ok(bad[i]), 0);
	assert_int_equal(torauth_name_ok(NULL), 0);
}

static void
read_text(const char *rel, char *out, size_t outsz)
{
	char path[256];
	unsigned char *buf = NULL;
	size_t len = 0;

	(void)snprintf(path, sizeof path, "%s/%s", inst, rel);
	assert_int_equal(sd_read_small_file(path, outsz - 1, &buf, &len), 0);
	memcpy(out, buf, len);
	out[len] = '\0';
	free(buf);
}

static void
assert_mode(const char *rel, mode_t mode)
{
	char path[256];
	struct stat st;

	(void)snprintf(path, sizeof path, "%s/%s", inst, rel);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
}

static void
test_init_files(void **state)
{
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX], so2[ADMINTOR_ONION_MAX];
	char jo2[ADMINTOR_ONION_MAX], text[4096], want[256];

	(void)state;
	assert_int_equal(admintor_init(inst, so, sizeof so, jo, sizeof jo), 0);
	assert_int_equal(strlen(so), ADMINTOR_ONION_LEN);
	assert_string_not_equal(so, jo);
	assert_int_equal(admintor_onions(inst, so2, sizeof so2, jo2, sizeof jo2), 0);
	assert_string_equal(so, so2);
	assert_string_equal(jo, jo2);
	read_text(ADMINTOR_SOURCE_HS "/hostname", text, sizeof text);
	(void)snprintf(want, sizeof want, "%s\n", so);
	assert_string_equal(text, want);
	read_text(ADMINTOR_SOURCE_HS "/hs_ed25519_secret_key", text, sizeof text);
	assert_memory_equal(text, "== ed25519v1-secret: type0 ==\0\0\0", 32);
	read_text(ADMINTOR_TORRC, text, sizeof text);
	(void)snprintf(want, sizeof want,
	    "HiddenServiceDir %s/tor/journalist\n"
	    "HiddenServicePort 80 unix:%s/journalist.sock\n",
	    inst, inst);
	assert_non_null(strstr(text, want));
	(void)snprintf(want, sizeof want,
	    "HiddenServicePort 80 unix:%s/source.sock\n"
	    "HiddenServicePoWDefensesEnabled 1\n",
	    inst);
	assert_non_null(strstr(text, want));
	read_text(
	    ADMINTOR_JOURNALIST_HS "/authorized_clients/" ADMINTOR_PLACEHOLDER, text, sizeof text);
	assert_int_equal(strlen(text), 18 + 52 + 1);
	assert_memory_equal(text, "descriptor:x25519:", 18);
	assert_mode(ADMINTOR_DIR, 0700);
	assert_mode(ADMINTOR_SOURCE_HS, 0700);
	assert_mode(ADMINTOR_JOURNALIST_HS "/authorized_clients", 0700);
	assert_mode(ADMINTOR_SOURCE_HS "/hs_ed25519_secret_key", 0600);
	assert_mode(ADMINTOR_TORRC, 0600);
	/* Never twice. */
	assert_int_equal(admintor_init(inst, so2, sizeof so2, jo2, sizeof jo2), SD_ERR_EXISTS);
}

static void
test_init_refuses_bad_paths(void **state)
{
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX], path[256];

	(void)state;
	(void)snprintf(path, sizeof path, "%s/with space", inst);
	assert_int_equal(mkdir(path, 0700), 0);
	(void)snprintf(so, sizeof so, "%s", "untouched");
	assert_int_equal(admintor_init(path, so, sizeof so, jo, sizeof jo), SD_ERR_ARG);
	assert_string_equal(so, "untouched");
	(void)snprintf(path, sizeof path, "%s/%0100d", inst, 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(admintor_init(path, so, sizeof so, jo, sizeof jo), SD_ERR_TOOLONG);
	assert_int_equal(admintor_init(inst, so, ADMINTOR_ONION_LEN, jo, sizeof jo), SD_ERR_ARG);
}

static void
test_client_keys(void **state)
{
	char so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX], line[ADMINTOR_AUTH_LINE_MAX];
	char text[256], *priv;
	unsigned char sk[40], pk[40], derived[32];
	struct stat st;

	(void)state;
	assert_int_equal(admintor_init(inst, so, sizeof so, jo, sizeof jo), 0);
	assert_int_equal(admintor_client_add(inst, "alice", line, sizeof line), 0);
	/* "<onion without .onion>:descriptor:x25519:<52 base32>" */
	assert_int_equal(strlen(line), 56 + 19 + 52);
	assert_memory_equal(line, jo, 56);
	assert_memory_equal(line + 56, ":descriptor:x25519:", 19);
	priv = line + 56 + 19;
	read_text(ADMINTOR_JOURNALIST_HS "/authorized_clients/alice.auth", text, sizeof text);
	assert_memory_equal(text, "descriptor:x25519:", 18);
	text[18 + 52] = '\0';
	assert_int_equal(b32dec(priv, sk, sizeof sk), 32);
	assert_int_equal(b32dec(text + 18, pk, sizeof pk), 32);
	assert_int_equal(crypto_scalarmult_base(derived, sk), 0);
	assert_memory_equal(derived, pk, 32);
	assert_mode(ADMINTOR_JOURNALIST_HS "/authorized_clients/alice.auth", 0600);

	/* Exclusive; a failed call leaves the line alone. */
	(void)snprintf(line, sizeof line, "%s", "untouched");
	assert_int_equal(admintor_client_add(inst, "alice", line, sizeof line), SD_ERR_EXISTS);
	assert_string_equal(line, "untouched");
	assert_int_equal(admintor_client_add(inst, "../../x", line, sizeof line), SD_ERR_ARG);
	assert_int_equal(
	    admintor_client_add(inst, "sealdrop.placeholder", line, sizeof line), SD_ERR_ARG);
	assert_int_equal(
	    admintor_client_add(inst, "bob", line, ADMINTOR_AUTH_LINE_MAX - 1), SD_ERR_ARG);
	assert_string_equal(line, "untouched");
	(void)snprintf(text, sizeof text, "%s/tor/x.auth", inst);
	assert_int_not_equal(lstat(text, &st), 0);

	assert_int_equal(admintor_client_remove(inst, "alice"), 0);
	assert_int_equal(admintor_client_remove(inst, "alice"), SD_ERR_NOTFOUND);
	assert_int_equal(admintor_client_remove(inst, "../alice"), SD_ERR_ARG);
	assert_int_equal(admintor_client_remove(inst, "sealdrop.placeholder"), SD_ERR_ARG);
	read_text(
	    ADMINTOR_JOURNALIST_HS "/authorized_clients/" ADMINTOR_PLACEHOLDER, text, sizeof text);
	/* A name may be used again once removed. */
	assert_int_equal(admintor_client_add(inst, "alice", line, sizeof line), 0);
	sodium_memzero(line, sizeof line);
}

static void
test_no_tor_dir(void **state)
{
	char line[ADMINTOR_AUTH_LINE_MAX], so[ADMINTOR_ONION_MAX], jo[ADMINTOR_ONION_MAX];

	(void)state;
	assert_int_not_equal(admintor_client_add(inst, "alice", line, sizeof line), 0);
	assert_int_not_equal(admintor_client_remove(inst, "alice"), 0);
	assert_int_not_equal(admintor_onions(inst, so, sizeof so, jo, sizeof jo), 0);
}

static void
safe_is(const char *in, const char *want)
{
	char out[ADMINPRIV_SAFE_MAX];

	assert_string_equal(adminpriv_safe(in, out, sizeof out), want);
}

static void
test_safe(void **state)
{
	char small[12];

	(void)state;
	safe_is("plain text, é and 日本", "plain text, é and 日本");
	safe_is("\033[2Jok", "\\x1b[2Jok");                        /* clear screen */
	safe_is("x\033]52;c;aGk=\007y", "x\\x1b]52;c;aGk=\\x07y"); /* OSC 52 */
	safe_is("a\\b", "a\\\\b");                                 /* no fake escape */
	safe_is("\r\nFAIL\t\177", "\\x0d\\x0aFAIL\\x09\\x7f");
	safe_is("\xc2\x9b"
		"31m",
	    "\\u{009b}31m"); /* C1 CSI */
	safe_is("\xe2\x80\xae"
		"txt.exe",
	    "\\u{202e}txt.exe");                    /* bidi override */
	safe_is("\xff\xfe", "\\xff\\xfe");          /* invalid UTF-8 */
	safe_is("\xc0\xaf", "\\xc0\\xaf");          /* overlong '/' */
	safe_is("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* a surrogate */
	safe_is(NULL, "");
	/* Cut with "..." within the buffer, never inside an escape. */
	assert_string_equal(adminpriv_safe("abcdefghijklmnop", small, sizeof small), "abcdefgh...");
	assert_string_equal(
	    adminpriv_safe("ab\033\033\033\033", small, sizeof small), "ab\\x1b...");
	assert_true(strlen(small) < sizeof small);
}

#define H32 "0123456789abcdef0123456789abcdef"

static void
test_member_kind(void **state)
{
	(void)state;
	assert_int_equal(adminops_member_kind("sealdrop-backup", 0), M_MANIFEST);
	assert_int_equal(adminops_member_kind("sealdrop.conf", 0), M_CONF);
	assert_int_equal(adminops_member_kind("sealdrop.db", 0), M_DB);
	assert_int_equal(adminops_member_kind("spool/" H32 "/" H32 ".sdbox", 0), M_ITEM);
	assert_int_equal(adminops_member_kind("spool/" H32 "/" H32 "/" H32 ".sdbox", 0), M_ITEM);
	assert_int_equal(adminops_member_kind("spool", 1), M_SPOOLDIR);
	assert_int_equal(adminops_member_kind("spool/" H32, 1), M_SRCDIR);
	assert_int_equal(adminops_member_kind("spool/" H32 "/" H32, 1), M_BATCHDIR);
	assert_int_equal(adminops_member_kind("tor/source/hs_ed25519_secret_key", 0), M_TORFILE);
	assert_int_equal(adminops_member_kind("tor/journalist", 1), M_TORDIR);
	/* Not part of a backup. */
	assert_int_equal(
	    adminops_member_kind("spool/" H32 "/" H32 "/" H32 "/" H32 ".sdbox", 0), -1);
	assert_int_equal(adminops_member_kind("spool/" H32 "/" H32 "/" H32, 1), -1);
	assert_int_equal(adminops_member_kind("spool/" H32 "/" H32, 0), -1);
	assert_int_equal(adminops_member_kind("spool/" H32 "/" H32 ".sdbox", 1), -1);
	assert_int_equal(
	    adminops_member_kind("spool/" H32 "/0123456789ABCDEF0123456789abcdef.sdbox", 0), -1);
	assert_int_equal(adminops_member_kind("spool/" H32 "/" H32 ".sdboxx", 0), -1);
	assert_int_equal(adminops_member_kind("spool/tmp/" H32 ".part", 0), -1);
	assert_int_equal(adminops_member_kind("spool/" H32 "/../" H32 ".sdbox", 0), -1);
	assert_int_equal(adminops_member_kind("spool/" H32 "//" H32 ".sdbox", 0), -1);
	assert_int_equal(adminops_member_kind("spool/" H32 "/", 1), -1);
	assert_int_equal(adminops_member_kind("./sealdrop.conf", 0), -1);
	assert_int_equal(adminops_member_kind("tor/../sealdrop.db", 0), -1);
	assert_int_equal(adminops_member_kind("tor/a/b/c/d/e", 0), -1);
	assert_int_equal(adminops_member_kind("sealdrop.db-wal", 0), -1);
}

/* admintor_conf_read / admintor_conf_replace (admin_torrc.c): the one
 * reader and rewriter of tor's configuration files. A FIFO is refused at
 * once (not waited on), a link is not followed, a file over the bound is
 * refused; a replacement keeps the old file's mode, removes a leftover
 * temporary file first and leaves no temporary file behind. */
static void
test_conf_read_replace(void **state)
{
	char path[128], *text = (char *)0x1;
	struct stat st, st2;
	int dfd;

	(void)state;
	assert_true((dfd = open(inst, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(admintor_conf_read(dfd, "none", 100, &text, &st), SD_ERR_NOTFOUND);
	assert_ptr_equal(text, (char *)0x1);
	assert_int_equal(mkfifoat(dfd, "fifo", 0600), 0);
	assert_int_equal(admintor_conf_read(dfd, "fifo", 100, &text, &st), SD_ERR_FORMAT);
	assert_int_equal(mkdirat(dfd, "dir", 0700), 0);
	assert_int_equal(admintor_conf_read(dfd, "dir", 100, &text, &st), SD_ERR_FORMAT);
	(void)snprintf(path, sizeof path, "%s/torrc", inst);
	assert_int_equal(sd_write_file_excl(path, "a\nb", 3, 0640), 0);
	assert_int_equal(symlinkat("torrc", dfd, "link"), 0);
	assert_int_equal(admintor_conf_read(dfd, "link", 100, &text, &st), SD_ERR_IO);
	assert_int_equal(admintor_conf_read(dfd, "torrc", 2, &text, &st), SD_ERR_TOOLONG);
	assert_int_equal(admintor_conf_read(dfd, "torrc", 3, &text, &st), 0);
	assert_string_equal(text, "a\nb");
	assert_int_equal(st.st_mode & 07777, 0640);
	free(text);

	/* A leftover temporary file (a killed run) is replaced, not kept. */
	(void)snprintf(path, sizeof path, "%s/torrc.new", inst);
	assert_int_equal(sd_write_file_excl(path, "old", 3, 0600), 0);
	assert_int_equal(admintor_conf_replace(dfd, "torrc", "torrc.new", "new\n", 4, &st), 0);
	assert_int_equal(faccessat(dfd, "torrc.new", F_OK, 0), -1);
	assert_int_equal(admintor_conf_read(dfd, "torrc", 100, &text, &st2), 0);
	assert_string_equal(text, "new\n");
	assert_int_equal(st2.st_mode & 07777, 0640);
	assert_true(st2.st_ino != st.st_ino);
	free(text);
	/* Without a model: 0600. Into a directory that is in the way: an
	 * error, and no temporary file left. */
	assert_int_equal(admintor_conf_replace(dfd, "fresh", "fresh.tmp", "x", 1, NULL), 0);
	assert_int_equal(fstatat(dfd, "fresh", &st2, 0), 0);
	assert_int_equal(st2.st_mode & 07777, 0600);
	assert_int_equal(admintor_conf_replace(dfd, "dir", "dir.tmp", "x", 1, NULL), SD_ERR_IO);
	assert_int_equal(faccessat(dfd, "dir.tmp", F_OK, 0), -1);
	close(dfd);
}

/* admintor_torrc_rewrite: lines as they were (numbers, the '\n' each had,
 * none after the last when the text lacked it); admintor_torrc_move: the
 * instance path replaced byte for byte, the rest kept, a torrc that names
 * no path left alone. */
static int
upper_line(void *ctx, char *line, unsigned no, int nl, struct sdbuf *out)
{
	unsigned *count = ctx;

	assert_int_equal(no, ++*count);
	for (char *p = line; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	if (sdbuf_adds(out, line) != 0 || (nl && sdbuf_add(out, "\n", 1) != 0))
		return SD_ERR_NOMEM;
	return no == 99 ? SD_ERR_FORMAT : 0;
}

static void
test_torrc_rewrite(void **state)
{
	char text[64], path[128], *got = NULL;
	struct sdbuf out;
	unsigned count = 0;
	int dfd, moved = 7;

	(void)state;
	sdbuf_init(&out, 1024);
	(void)snprintf(text, sizeof text, "a b\n\n# c\nd");
	assert_int_equal(admintor_torrc_rewrite(text, upper_line, &count, &out), 0);
	assert_int_equal(count, 4);
	assert_string_equal(out.p, "A B\n\n# C\nD");
	sdbuf_reset(&out);
	count = 0;
	(void)snprintf(text, sizeof text, "x\ny\n");
	assert_int_equal(admintor_torrc_rewrite(text, upper_line, &count, &out), 0);
	assert_int_equal(count, 2);
	assert_string_equal(out.p, "X\nY\n");
	sdbuf_free(&out);

	assert_true((dfd = open(inst, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(admintor_torrc_move(dfd, "/new/place", &moved), 0);
	assert_int_equal(moved, 0); /* no tor/ */
	assert_int_equal(mkdirat(dfd, "tor", 0700), 0);
	(void)snprintf(path, sizeof path, "%s/tor/torrc", inst);
	{
		static const char old[] = "# of /old/inst\nHiddenServiceDir /old/inst/tor/source\n"
					  "HiddenServicePort 80 unix:/old/inst/source.sock\n\n"
					  "HiddenServiceDir /old/inst/tor/journalist";
		static const char want[] =
		    "# of /new/place\nHiddenServiceDir /new/place/tor/source\n"
		    "HiddenServicePort 80 unix:/new/place/source.sock\n\n"
		    "HiddenServiceDir /new/place/tor/journalist";
		int tfd;

		assert_int_equal(sd_write_file_excl(path, old, sizeof old - 1, 0600), 0);
		assert_int_equal(admintor_torrc_move(dfd, "/new/place", &moved), 0);
		assert_int_equal(moved, 1);
		assert_true((tfd = open(inst, O_RDONLY | O_DIRECTORY)) >= 0);
		{
			int torfd = openat(tfd, "tor", O_RDONLY | O_DIRECTORY);

			assert_true(torfd >= 0);
			assert_int_equal(admintor_conf_read(torfd, "torrc", 4096, &got, NULL), 0);
			assert_string_equal(got, want);
			free(got);
			assert_int_equal(faccessat(torfd, "torrc.new", F_OK, 0), -1);
			close(torfd);
		}
		close(tfd);
		/* Already there: nothing to do; a path tor cannot read: left. */
		assert_int_equal(admintor_torrc_move(dfd, "/new/place", &moved), 0);
		assert_int_equal(moved, 0);
		assert_int_equal(admintor_torrc_move(dfd, "/new place", &moved), 0);
		assert_int_equal(moved, -1);
	}
	close(dfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_key_and_address),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_safe),
		cmocka_unit_test(test_member_kind),
		cmocka_unit_test_setup_teardown(test_init_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_refuses_bad_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_tor_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_read_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torrc_rewrite, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
