/*
 * test_opener.c - unit tests of sealdrop-open's helpers: parsing the
 * authenticated ref into source id and sequence number, the printable
 * filter used for every name shown on a terminal or in the report, and
 * publishing under a free name without ever replacing a file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "opener.h"
#include "opener_reader.h"
#include "opener_state.h"
#include "sderr.h"

#include <sodium.h>

static void
parse_ref(void **state)
{
	struct opener_item it;
	static const char *const bad[] = { "", "src-4f2a",
		"0123456789abcdef0123456789abcdef", /* no seq */
		"0123456789abcdef0123456789abcdef:", "0123456789abcdef0123456789abcdef:0",
		"0123456789abcdef0123456789abcdef:01", "0123456789abcdef0123456789abcdef:1x",
		"0123456789abcdef0123456789abcdef:-1",
		"0123456789abcdef0123456789abcdef:1234567890", "0123456789ABCDEF0123456789abcdef:1",
		"0123456789abcdef0123456789abcde:12", "0123456789abcdef0123456789abcdefa:1", NULL };

	(void)state;
	memset(&it, 0, sizeof it);
	assert_int_equal(opener_parse_ref("0123456789abcdef0123456789abcdef:42", &it), 0);
	assert_true(it.sorted);
	assert_int_equal(it.seq, 42);
	assert_int_equal(it.source[0], 0x01);
	assert_int_equal(it.source[15], 0xef);
	assert_int_equal(opener_parse_ref("ffffffffffffffffffffffffffffffff:999999999", &it), 0);
	assert_int_equal(it.seq, 999999999);
	for (size_t i = 0; bad[i]; i++) {
		memset(&it, 0, sizeof it);
		assert_int_not_equal(opener_parse_ref(bad[i], &it), 0);
		assert_false(it.sorted);
	}
}

static void
printable(void **state)
{
	char out[64];

	(void)state;
	opener_printable("plain name.pdf", out, sizeof out);
	assert_string_equal(out, "plain name.pdf");
	opener_printable("rapport-\xc3\xa9t\xc3\xa9.odt", out, sizeof out); /* valid UTF-8 */
	assert_string_equal(out, "rapport-\xc3\xa9t\xc3\xa9.odt");
	opener_printable("a\x1b[31mb\x7f\n", out, sizeof out); /* C0, DEL */
	assert_string_equal(out, "a?[31mb??");
	opener_printable("c\xc2\x9b"
			 "1m",
	    out, sizeof out); /* C1 CSI */
	assert_string_equal(out, "c??1m");
	opener_printable("d\xff\xfe\xc3", out, sizeof out); /* invalid */
	assert_string_equal(out, "d???");
	opener_printable("\xe0\x80\xaf", out, sizeof out); /* overlong */
	assert_string_equal(out, "???");
	opener_printable("0123456789", out, 5); /* bounded */
	assert_string_equal(out, "0123");
}

static void
publish_never_replaces(void **state)
{
	char dir[] = "/tmp/test_opener_XXXXXX", final[64];
	int dfd, fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	for (int i = 0; i < 4; i++) {
		fd = openat(dfd, "tmp", O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "x", 1), 1);
		close(fd);
		assert_int_equal(
		    opener_publish(dfd, "tmp", dfd, "photo.jpg", final, sizeof final), 0);
		assert_string_equal(final,
		    i == 0       ? "photo.jpg"
			: i == 1 ? "photo (2).jpg"
			: i == 2 ? "photo (3).jpg"
				 : "photo (4).jpg");
		assert_int_equal(unlinkat(dfd, "tmp", 0), 0);
	}
	assert_int_equal(opener_publish(dfd, "missing", dfd, "x", final, sizeof final), -2);
	for (int i = 0; i < 4; i++) {
		char n[32];
		(void)snprintf(n, sizeof n, i ? "photo (%d).jpg" : "photo.jpg", i + 1);
		assert_int_equal(unlinkat(dfd, n, 0), 0);
	}
	close(dfd);
	assert_int_equal(rmdir(dir), 0);
}

/* Text shown by the reader: controls and direction characters marked,
 * invalid UTF-8 replaced, CRLF made LF, the rest kept. */
static void
reader_text(void **state)
{
	static const char in[] = "a<b>\r\n\xe2\x80\xae"
				 "x\x07\xff\xc3\xa9\xe2\x81\xa7\tz";
	struct sdbuf b;
	int marked = 0;

	(void)state;
	sdbuf_init(&b, 4096);
	assert_int_equal(
	    opener_reader_text((const unsigned char *)in, sizeof in - 1, &b, &marked), 0);
	assert_string_equal(b.p, "a<b>\n[U+202E]x[U+0007]\xef\xbf\xbd\xc3\xa9[U+2067]\tz");
	assert_true(marked);
	sdbuf_free(&b);
	sdbuf_init(&b, 4096);
	assert_int_equal(opener_reader_text((const unsigned char *)"plain", 5, &b, &marked), 0);
	assert_string_equal(b.p, "plain");
	assert_false(marked);
	sdbuf_free(&b);
}

/* A state file with the right checksum over body. */
static char *
state_file(const char *body, size_t *len)
{
	unsigned char sum[32];
	char hex[65], *s;
	size_t cap = strlen(body) + 200;
	int n;

	crypto_generichash(sum, sizeof sum, (const unsigned char *)body, strlen(body), NULL, 0);
	sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);

	s = malloc(cap);
	assert_non_null(s);
	n = snprintf(s, cap, "sealdrop-open state 1\nblake2b-256 %s\n%s", hex, body);
	assert_true(n > 0 && (size_t)n < cap);
	*len = (size_t)n;
	return s;
}

static void
state_rules(void **state)
{
#define GOOD_STATE \
	"{\"runs\":1,\"failed\":[],\"items\":[{\"id\":\"%s\",\"kind\":\"message\"," \
	"\"status\":\"text\",\"output\":\"%s\",\"time\":3600,\"size\":3,\"run\":1," \
	"\"name\":\"\"}]}"
	static const char *const outs[] = { "a-b-01234567/0001-message.txt", "../x", "/etc/passwd",
		"a/../b", ".hidden/x", "a//b", "a/b/", "a/b/c/d", "a/\\u001b[31m", NULL };
	char id[65], body[1024], why[256];
	struct opener_state st;
	size_t len;
	char *f;

	(void)state;
	memset(id, 'a', 64);
	id[64] = '\0';
	for (size_t i = 0; outs[i]; i++) {
		(void)snprintf(body, sizeof body, GOOD_STATE, id, outs[i]);
		f = state_file(body, &len);
		memset(&st, 0, sizeof st);
		assert_int_equal(
		    opener_state_parse(f, len, &st, why, sizeof why), i == 0 ? 0 : SD_ERR_CHECKSUM);
		if (i == 0) {
			unsigned char bin[32];
			memset(bin, 0xaa, sizeof bin);
			assert_int_equal(opener_state_count(&st), 1);
			assert_true(opener_state_known(&st, bin));
			bin[0] = 0;
			assert_false(opener_state_known(&st, bin));
		} else {
			assert_non_null(strstr(why, "damaged"));
		}
		opener_state_free(&st);
		free(f);
	}
	/* Two records with one id; a checksum off by one byte; a foreign file. */
	(void)snprintf(body, sizeof body,
	    "{\"runs\":1,\"failed\":[],\"items\":["
	    "{\"id\":\"%s\",\"kind\":\"reply\",\"status\":\"text\",\"output\":\"a/b\","
	    "\"time\":0,\"size\":0,\"run\":1,\"name\":\"\"},"
	    "{\"id\":\"%s\",\"kind\":\"reply\",\"status\":\"text\",\"output\":\"a/c\","
	    "\"time\":0,\"size\":0,\"run\":1,\"name\":\"\"}]}",
	    id, id);
	f = state_file(body, &len);
	assert_int_equal(opener_state_parse(f, len, &st, why, sizeof why), SD_ERR_CHECKSUM);
	assert_non_null(strstr(why, "same id"));
	f[len - 2] ^= 1;
	assert_int_equal(opener_state_parse(f, len, &st, why, sizeof why), SD_ERR_CHECKSUM);
	assert_non_null(strstr(why, "checksum"));
	free(f);
	assert_int_equal(
	    opener_state_parse("{\"runs\":0}", 11, &st, why, sizeof why), SD_ERR_FORMAT);
	assert_non_null(strstr(why, "not a sealdrop-open state"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_ref),
		cmocka_unit_test(printable),
		cmocka_unit_test(publish_never_replaces),
		cmocka_unit_test(reader_text),
		cmocka_unit_test(state_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
