/*
 * test_common.c - common/'s shared vocabulary: error codes (sderr.h), each
 * with one meaning and its own sentence; byte order (sdbytes.h); ids and
 * the spool's names (sdid.h); the UTF-8 decoder (sdutf8.h);
 * base32 (sdbase32.h); removing a tree (sdtree.h); the one buffer type
 * (sdbuf.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "sdbase32.h"
#include "sdbuf.h"
#include "sdbytes.h"
#include "sderr.h"
#include "sdid.h"
#include "sdtree.h"
#include "sdutf8.h"

/* Every code from SD_ERR_NOMEM to SD_ERR_NOTFOUND has its own sentence, none
 * the "unknown" one: "not found" is not "this key is not a recipient". */
static void
test_sderr(void **state)
{
	const char *unknown = sd_strerror(1);

	(void)state;
	assert_string_equal(sd_strerror(SD_ERR_NOTFOUND), "not found");
	assert_int_not_equal(SD_ERR_NOTFOUND, SD_ERR_NOKEY);
	for (int a = SD_ERR_NOMEM; a >= SD_ERR_NOTFOUND; a--) {
		assert_string_not_equal(sd_strerror(a), unknown);
		for (int b = a - 1; b >= SD_ERR_NOTFOUND; b--)
			assert_string_not_equal(sd_strerror(a), sd_strerror(b));
	}
	assert_string_equal(sd_strerror(SD_ERR_NOTFOUND - 1), unknown);
}

/* Loads and stores against fixed byte strings, both orders, all widths. */
static void
test_bytes(void **state)
{
	static const unsigned char b[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	unsigned char o[9];

	(void)state;
	assert_int_equal(sd_load_le16(b), 0x2301);
	assert_int_equal(sd_load_be16(b), 0x0123);
	assert_int_equal(sd_load_le32(b), 0x67452301);
	assert_int_equal(sd_load_be32(b), 0x01234567);
	assert_true(sd_load_le64(b) == 0xefcdab8967452301ULL);
	assert_true(sd_load_be64(b) == 0x0123456789abcdefULL);
	assert_int_equal(sd_load_be32(b + 4), 0x89abcdefU); /* high bit set: no sign */
	memset(o, 0x5a, sizeof o);
	sd_store_le16(o, 0x2301);
	assert_memory_equal(o, b, 2);
	sd_store_be16(o, 0x0123);
	assert_memory_equal(o, b, 2);
	sd_store_le32(o, 0x67452301);
	assert_memory_equal(o, b, 4);
	sd_store_be32(o, 0x01234567);
	assert_memory_equal(o, b, 4);
	sd_store_le64(o, 0xefcdab8967452301ULL);
	assert_memory_equal(o, b, 8);
	sd_store_be64(o, 0x0123456789abcdefULL);
	assert_memory_equal(o, b, 8);
	assert_int_equal(o[8], 0x5a); /* nothing past the width */
}

static const unsigned char id_a[SD_ID_BYTES] = { 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
	0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0xff };
#define HEX_A "000123456789abcdeffedcba987654ff"
static const unsigned char id_b[SD_ID_BYTES] = { 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
	0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00 };
#define HEX_B "ffeeddccbbaa99887766554433221100"

/* The text form and its parser: exactly 32 lower-case hex digits. */
static void
test_id(void **state)
{
	static const char *const bad[] = {
		"000123456789ABCDEFFEDCBA987654FF",  /* upper case */
		"000123456789abcdeffedcba987654f",   /* 31 */
		"000123456789abcdeffedcba987654fff", /* 33 */
		"000123456789abcdeffedcba987654fg",
		" 00123456789abcdeffedcba987654ff",
		"0x0123456789abcdeffedcba987654ff",
		"000123456789abcdeffedcba9876\0"
		"4ff",
		"",
	};
	char hex[SD_ID_HEX + 1];
	unsigned char id[SD_ID_BYTES];

	(void)state;
	sd_id_hex(id_a, hex);
	assert_string_equal(hex, HEX_A);
	assert_int_equal(sd_id_parse(HEX_A, SD_ID_HEX, id), 0);
	assert_memory_equal(id, id_a, SD_ID_BYTES);
	/* len is what counts, not a NUL: a prefix of a longer string. */
	assert_int_equal(sd_id_parse(HEX_B "/rest", SD_ID_HEX, id), 0);
	assert_memory_equal(id, id_b, SD_ID_BYTES);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t len = strlen(bad[i]) == 28 ? SD_ID_HEX : strlen(bad[i]);
		assert_int_equal(sd_id_parse(bad[i], len, id), SD_ERR_FORMAT);
		assert_memory_equal(id, id_b, SD_ID_BYTES); /* untouched */
	}
	assert_int_equal(sd_id_parse(NULL, SD_ID_HEX, id), SD_ERR_FORMAT);
}

/* "<item>.sdbox" and "<source>/<item>.sdbox": written and parsed by the same
 * code; anything but the exact form is refused and nothing is set. */
static void
test_spool_names(void **state)
{
	static const char *const bad_name[] = {
		HEX_A ".SDBOX",
		HEX_A ".sdbox ",
		HEX_A ".sdbo",
		HEX_A,
		HEX_A ".sdbox.tmp",
		"x" HEX_A ".sdbox",
		"00012345678ABCDEFfedcba987654ff.sdbox",
		".sdbox",
		"../" HEX_A ".sdbox",
		HEX_B "/" HEX_A ".sdbox",
	};
	static const char *const bad_member[] = {
		HEX_B HEX_A ".sdbox",
		HEX_B "//" HEX_A ".sdbox",
		"/" HEX_B "/" HEX_A ".sdbox",
		HEX_B "/" HEX_A ".sdbox/",
		HEX_B "/" HEX_A,
		HEX_B "/../" HEX_A ".sdbo",
		"FFEEDDCCBBAA99887766554433221100/" HEX_A ".sdbox",
		HEX_A ".sdbox",
		HEX_B "/" HEX_B "/" HEX_A ".sdbox",
		"",
	};
	char name[SD_SPOOL_NAME_LEN + 1], member[SD_SPOOL_MEMBER_LEN + 1];
	unsigned char s[SD_ID_BYTES], i[SD_ID_BYTES];

	(void)state;
	sd_spool_name(id_a, name);
	assert_string_equal(name, HEX_A ".sdbox");
	assert_int_equal(strlen(name), SD_SPOOL_NAME_LEN);
	assert_int_equal(sd_spool_name_parse(name, i), 0);
	assert_memory_equal(i, id_a, SD_ID_BYTES);
	sd_spool_member(id_b, id_a, member);
	assert_string_equal(member, HEX_B "/" HEX_A ".sdbox");
	assert_int_equal(strlen(member), SD_SPOOL_MEMBER_LEN);
	memset(s, 0, sizeof s);
	memset(i, 0, sizeof i);
	assert_int_equal(sd_spool_member_parse(member, s, i), 0);
	assert_memory_equal(s, id_b, SD_ID_BYTES);
	assert_memory_equal(i, id_a, SD_ID_BYTES);
	for (size_t k = 0; k < sizeof bad_name / sizeof bad_name[0]; k++)
		assert_int_equal(sd_spool_name_parse(bad_name[k], i), SD_ERR_FORMAT);
	assert_int_equal(sd_spool_name_parse(NULL, i), SD_ERR_FORMAT);
	for (size_t k = 0; k < sizeof bad_member / sizeof bad_member[0]; k++)
		assert_int_equal(sd_spool_member_parse(bad_member[k], s, i), SD_ERR_FORMAT);
	assert_memory_equal(s, id_b, SD_ID_BYTES);
	assert_memory_equal(i, id_a, SD_ID_BYTES);
}

/* Well-formed sequences of each length at their bounds decode; overlong
 * forms, surrogates, code points past U+10FFFF, stray and missing
 * continuation bytes and a sequence cut by n do not, and *cp stays. */
static void
test_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} good[] = {
		{ "\x00", 1, 0 },
		{ "A", 1, 'A' },
		{ "\x7F", 1, 0x7F },
		{ "\xC2\x80", 2, 0x80 },
		{ "\xDF\xBF", 2, 0x7FF },
		{ "\xE0\xA0\x80", 3, 0x800 },
		{ "\xED\x9F\xBF", 3, 0xD7FF },
		{ "\xEE\x80\x80", 3, 0xE000 },
		{ "\xEF\xBB\xBF", 3, 0xFEFF },
		{ "\xF0\x90\x80\x80", 4, 0x10000 },
		{ "\xF4\x8F\xBF\xBF", 4, 0x10FFFF },
	};
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
		{ "\x80", 1 },
		{ "\xBF", 1 }, /* stray continuation */
		{ "\xC0\x80", 2 },
		{ "\xC1\xBF", 2 }, /* overlong 2 */
		{ "\xE0\x80\x80", 3 },
		{ "\xE0\x9F\xBF", 3 }, /* overlong 3 */
		{ "\xF0\x80\x80\x80", 4 },
		{ "\xF0\x8F\xBF\xBF", 4 }, /* overlong 4 */
		{ "\xED\xA0\x80", 3 },
		{ "\xED\xBF\xBF", 3 }, /* surrogates */
		{ "\xF4\x90\x80\x80", 4 },
		{ "\xF5\x80\x80\x80", 4 },
		{ "\xFF", 1 },
		{ "\xC3\x28", 2 },
		{ "\xE2\x82\x28", 3 }, /* bad continuation */
		{ "\xC3\xA9", 1 },
		{ "\xE2\x82\xAC", 2 },
		{ "\xF0\x9F\x98\x80", 3 }, /* cut */
		{ "A", 0 },
	};
	uint32_t cp;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		cp = 0xDEAD;
		assert_int_equal(sd_utf8_decode((const unsigned char *)good[i].s, good[i].len, &cp),
		    good[i].len);
		assert_int_equal(cp, good[i].cp);
	}
	/* A longer buffer: only the first sequence is taken. */
	assert_int_equal(sd_utf8_decode((const unsigned char *)"\xC3\xA9t\xC3\xA9", 5, &cp), 2);
	assert_int_equal(cp, 0xE9);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cp = 0xDEAD;
		assert_int_equal(sd_utf8_decode((const unsigned char *)bad[i].s, bad[i].n, &cp), 0);
		assert_int_equal(cp, 0xDEAD);
	}
}

/* RFC 4648's vectors (section 10) without padding, both cases; too small an
 * output is refused and left alone. */
static void
test_base32_encode(void **state)
{
	static const char *const want[] = { "", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB",
		"MZXW6YTBOI" };
	char out[16];

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(
		    sd_base32_encode((const unsigned char *)"foobar", i, 1, out, sizeof out), 0);
		assert_string_equal(out, want[i]);
		assert_int_equal(strlen(out), SD_BASE32_CHARS(i));
	}
	assert_int_equal(
	    sd_base32_encode((const unsigned char *)"foobar", 6, 0, out, sizeof out), 0);
	assert_string_equal(out, "mzxw6ytboi");
	memset(out, 'x', sizeof out);
	assert_int_equal(
	    sd_base32_encode((const unsigned char *)"foobar", 6, 1, out, 10), SD_ERR_TOOLONG);
	assert_int_equal(out[0], 'x');
	assert_int_equal(sd_base32_encode(NULL, 0, 1, out, sizeof out), SD_ERR_ARG);
}

/* The decoder takes back what the encoder gives, in either case, and
 * refuses a wrong length, a character outside the alphabet (padding
 * included) and set spare bits, writing nothing then. */
static void
test_base32_decode(void **state)
{
	static const char *const in[] = { "", "MY", "mzxq", "MZXW6", "mZxW6yQ", "MZXW6YTB",
		"mzxw6ytboi" };
	static const struct {
		const char *s;
		size_t outlen;
	} bad[] = {
		{ "MZ", 1 },   /* spare bits set (MY is the one text of "f") */
		{ "MZXR", 2 }, /* spare bits set */
		{ "MZXW6YTBOJ", 6 }, { "MY======", 1 }, /* padding: wrong length */
		{ "M", 1 }, { "MYA", 1 }, { "M1", 1 }, { "M8", 1 }, { "M ", 1 },
		{ "M=", 1 }, /* outside the alphabet */
	};
	unsigned char out[8], all[256], back[256];
	char text[SD_BASE32_CHARS(256) + 1];

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		memset(out, 0, sizeof out);
		assert_int_equal(sd_base32_decode(in[i], strlen(in[i]), out, i), 0);
		assert_memory_equal(out, "foobar", i);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(out, 0xA5, sizeof out);
		assert_int_equal(sd_base32_decode(bad[i].s, strlen(bad[i].s), out, bad[i].outlen),
		    SD_ERR_FORMAT);
		for (size_t k = 0; k < sizeof out; k++)
			assert_int_equal(out[k], 0xA5);
	}
	/* Every byte value, every length: a round trip. */
	for (size_t i = 0; i < sizeof all; i++)
		all[i] = (unsigned char)(255 - i);
	for (size_t n = 0; n <= sizeof all; n += 1 + n / 8) {
		assert_int_equal(sd_base32_encode(all, n, (int)(n & 1), text, sizeof text), 0);
		assert_int_equal(sd_base32_decode(text, strlen(text), back, n), 0);
		assert_memory_equal(back, all, n);
	}
	assert_int_equal(sd_base32_decode(NULL, 0, out, 0), SD_ERR_ARG);
}

static void
touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	close(fd);
}

/* A tree two levels deep with links out of it: a remover allowed one level
 * fails and leaves the deep part; allowed two it removes the tree and
 * never what the links point to; a missing tree is no error. */
static void
test_rmtree(void **state)
{
	char base[] = "/tmp/sd-test-tree-XXXXXX", p[256], q[256];
	unsigned n = 99;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(base));
	(void)snprintf(p, sizeof p, "%s/out", base);
	assert_int_equal(mkdir(p, 0700), 0);
	(void)snprintf(p, sizeof p, "%s/out/keep", base);
	touch(p);
	(void)snprintf(p, sizeof p, "%s/t", base);
	assert_int_equal(mkdir(p, 0700), 0);
	(void)snprintf(p, sizeof p, "%s/t/f", base);
	touch(p);
	(void)snprintf(p, sizeof p, "%s/t/a", base);
	assert_int_equal(mkdir(p, 0700), 0);
	(void)snprintf(p, sizeof p, "%s/t/a/b", base);
	assert_int_equal(mkdir(p, 0700), 0);
	(void)snprintf(p, sizeof p, "%s/t/a/b/g", base);
	touch(p);
	(void)snprintf(p, sizeof p, "%s/t/a/dlink", base);
	(void)snprintf(q, sizeof q, "%s/out", base);
	assert_int_equal(symlink(q, p), 0);
	(void)snprintf(p, sizeof p, "%s/t/flink", base);
	(void)snprintf(q, sizeof q, "%s/out/keep", base);
	assert_int_equal(symlink(q, p), 0);

	(void)snprintf(p, sizeof p, "%s/t", base);
	assert_int_equal(sd_rmtree_at(AT_FDCWD, p, 1), SD_ERR_IO);
	(void)snprintf(p, sizeof p, "%s/t/a/b/g", base);
	assert_int_equal(access(p, F_OK), 0); /* too deep: stays */
	(void)snprintf(p, sizeof p, "%s/t/f", base);
	assert_int_equal(access(p, F_OK), -1); /* the rest went */
	(void)snprintf(p, sizeof p, "%s/t", base);
	assert_int_equal(sd_rmtree_at(AT_FDCWD, p, 2), 0);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	(void)snprintf(q, sizeof q, "%s/out/keep", base);
	assert_int_equal(access(q, F_OK), 0);              /* links were not followed */
	assert_int_equal(sd_rmtree_at(AT_FDCWD, p, 2), 0); /* missing: nothing to do */
	assert_int_equal(sd_rmtree_at(AT_FDCWD, p, -1), SD_ERR_ARG);
	assert_int_equal(sd_rmtree_at(AT_FDCWD, p, SD_TREE_DEPTH_MAX + 1), SD_ERR_ARG);

	/* A link to a directory given as the tree itself is refused. */
	(void)snprintf(p, sizeof p, "%s/dlink", base);
	(void)snprintf(q, sizeof q, "%s/out", base);
	assert_int_equal(symlink(q, p), 0);
	assert_int_equal(sd_rmtree_at(AT_FDCWD, p, 2), SD_ERR_IO);
	assert_int_equal(unlink(p), 0);

	/* Emptying keeps the directory and counts what went. */
	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(sd_dir_empty(fd, 1, &n), 0);
	assert_int_equal(n, 2); /* out/keep, out */
	close(fd);
	assert_int_equal(rmdir(base), 0);
}

/* The one buffer type: a bound from its initialiser (a zeroed one takes
 * nothing), text and bytes views of the same memory, NUL-terminated after
 * every change, a refused append leaves it as it was, and room reserved
 * once is used without moving the contents. */
static void
test_sdbuf(void **state)
{
	struct sdbuf b = SDBUF_INIT(8), z = { 0 };
	const char *at;

	(void)state;
	assert_int_equal(b.max, 8);
	assert_int_equal(sdbuf_add(&z, "x", 1), SD_ERR_TOOLONG);
	assert_int_equal(z.len, 0);
	assert_int_equal(sdbuf_add(&b, "abcdef", 6), 0);
	assert_ptr_equal((void *)b.p, (void *)b.data);
	assert_string_equal(b.p, "abcdef");
	assert_int_equal(b.data[5], 'f');
	assert_int_equal(sdbuf_add(&b, "xyz", 3), SD_ERR_TOOLONG);
	assert_int_equal(b.len, 6);
	assert_string_equal(b.p, "abcdef");
	assert_int_equal(sdbuf_reserve(&b, 3), SD_ERR_TOOLONG);
	assert_int_equal(b.len, 6);
	sdbuf_cut(&b, 2);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.p, "ab");
	sdbuf_cut(&b, 5); /* longer: nothing changes */
	assert_int_equal(b.len, 2);
	sdbuf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.max, 8);

	sdbuf_init(&b, 1u << 20);
	assert_int_equal(sdbuf_add(&b, "head", 4), 0);
	assert_int_equal(sdbuf_reserve(&b, 100000), 0);
	assert_true(b.cap >= 100005);
	at = b.p;
	for (size_t i = 0; i < 10000; i++)
		assert_int_equal(sdbuf_add(&b, "0123456789", 10), 0);
	assert_ptr_equal(b.p, at);
	assert_int_equal(b.len, 100004);
	assert_int_equal(b.p[b.len], '\0');
	assert_int_equal(memcmp(b.p, "head0123456789", 14), 0);
	sdbuf_free(&b);
	/* Reserving on an empty buffer gives an empty string. */
	assert_int_equal(sdbuf_reserve(&b, 10), 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	sdbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sderr),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_spool_names),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_base32_encode),
		cmocka_unit_test(test_base32_decode),
		cmocka_unit_test(test_rmtree),
		cmocka_unit_test(test_sdbuf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
