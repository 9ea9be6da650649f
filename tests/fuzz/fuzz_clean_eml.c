/*
 * fuzz_clean_eml.c - libFuzzer target for the e-mail reader of the safe-PDF
 * path (clean_render_eml, clean/clean_render_eml.c): MIME headers and
 * folding, multipart nesting and boundaries, base64 and quoted-printable,
 * charsets, attachment names.
 *
 * Besides the sanitizers it checks the XHTML it writes: after <body> the
 * only markup is the reader's own (<p>, <h1> and their ends, the closing
 * </body></html>), so nothing of the message became markup; no control
 * byte but the newline; and the text is valid UTF-8 (MuPDF reads it as
 * XML).
 */
#include "clean_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t l = p[0] < 0x80             ? 1
	    : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
	    : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
	    : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
					   : 0;

	if (l == 0 || l > n)
		return 0;
	for (size_t i = 1; i < l; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return l;
}

static void
check(const unsigned char *s, size_t n)
{
	static const char *const tags[] = { "<p>", "</p>", "<h1>", "</h1>", "</body></html>" };
	const unsigned char *b = memmem(s, n, "<body>\n", 7);
	size_t i;

	if (b == NULL)
		abort();
	for (i = (size_t)(b - s) + 7; i < n;) {
		size_t l = utf8_len(s + i, n - i), k;
		if (l == 0 || (s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7f)
			abort();
		if (s[i] == '<') {
			for (k = 0; k < sizeof tags / sizeof tags[0]; k++)
				if (n - i >= strlen(tags[k]) &&
				    memcmp(s + i, tags[k], strlen(tags[k])) == 0)
					break;
			if (k == sizeof tags / sizeof tags[0])
				abort();
			l = strlen(tags[k]); /* the whole tag */
		}
		i += l;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report *rep = calloc(1, sizeof *rep);

	if (rep == NULL)
		return 0;
	if (clean_render_eml(data, size, &out, rep) == 0)
		check(out.data, out.len);
	sdbuf_free(&out);
	free(rep);
	return 0;
}
