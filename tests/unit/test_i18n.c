/*
 * test_i18n.c - unit tests of the translations (web/i18n.c): the public
 * lookups over the embedded catalogues, and the .mo reader on hand-made
 * catalogues (both byte orders) and on corrupted ones: every header field,
 * table and string out of bounds, missing NULs, unsorted originals, every
 * truncation and single-byte corruptions of the real embedded catalogue.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sdblob.h"
#include "sdi18n.h"
#include "sdi18n_int.h"
#include "sderr.h"

/* ---- a hand-made .mo ------------------------------------------------- */

#define MO_CAP 4096

struct mo_img {
	unsigned char b[MO_CAP];
	size_t len;
};

static void
put32(unsigned char *p, uint32_t v, int be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* Header, originals table, translations table, then the strings; a byte
 * \x01 in a string is written as a NUL (a message with a plural form is
 * "singular\0plural", its forms likewise). */
static void
mo_build(struct mo_img *m, const char *const *orig, const char *const *tr, uint32_t n, int be)
{
	size_t off = 28 + (size_t)n * 16;

	memset(m, 0, sizeof *m);
	put32(m->b, 0x950412deu, be);
	put32(m->b + 4, 0, be);
	put32(m->b + 8, n, be);
	put32(m->b + 12, 28, be);
	put32(m->b + 16, 28 + n * 8, be);
	for (uint32_t k = 0; k < 2 * n; k++) {
		const char *s = k < n ? orig[k] : tr[k - n];
		size_t l = strlen(s);
		assert_true(off + l + 1 <= MO_CAP);
		put32(m->b + 28 + k * 8, (uint32_t)l, be);
		put32(m->b + 28 + k * 8 + 4, (uint32_t)off, be);
		memcpy(m->b + off, s, l + 1);
		for (size_t i = 0; i < l; i++)
			if (m->b[off + i] == 1)
				m->b[off + i] = 0;
		off += l + 1;
	}
	m->len = off;
}

static const char *const orig3[] = { "", "Hello", "World" };
static const char *const tr3[] = { "Content-Type: text/plain; charset=UTF-8\n", "Bonjour",
	"Monde" };

static void
test_mo_parse_both_orders(void **state)
{
	struct mo_img m;
	struct i18n_mo mo;

	(void)state;
	for (int be = 0; be < 2; be++) {
		mo_build(&m, orig3, tr3, 3, be);
		assert_int_equal(i18n_mo_parse(m.b, m.len, &mo), 0);
		assert_string_equal(i18n_mo_lookup(&mo, "Hello"), "Bonjour");
		assert_string_equal(i18n_mo_lookup(&mo, "World"), "Monde");
		assert_null(i18n_mo_lookup(&mo, "Nope"));
		assert_null(i18n_mo_lookup(&mo, "")); /* never the header */
		assert_null(i18n_mo_lookup(&mo, "Hell"));
		assert_null(i18n_mo_lookup(&mo, "Hello!"));
		assert_null(i18n_mo_lookup(NULL, "Hello"));
	}
	/* an empty catalogue is valid and finds nothing */
	mo_build(&m, orig3, tr3, 0, 0);
	assert_int_equal(i18n_mo_parse(m.b, m.len, &mo), 0);
	assert_null(i18n_mo_lookup(&mo, "Hello"));
}

static void
test_mo_empty_translation_is_none(void **state)
{
	static const char *const o[] = { "A", "B" };
	static const char *const t[] = { "", "b" };
	struct mo_img m;
	struct i18n_mo mo;

	(void)state;
	mo_build(&m, o, t, 2, 0);
	assert_int_equal(i18n_mo_parse(m.b, m.len, &mo), 0);
	assert_null(i18n_mo_lookup(&mo, "A"));
	assert_string_equal(i18n_mo_lookup(&mo, "B"), "b");
}

static void
expect_bad(const struct mo_img *m, size_t len)
{
	struct i18n_mo mo;

	memset(&mo, 0x5a, sizeof mo);
	if (i18n_mo_parse(m->b, len, &mo) >= 0)
		fail_msg("a corrupted catalogue was accepted");
	assert_int_equal(mo.n, 0x5a5a5a5au); /* output untouched */
}

static void
test_mo_header_corruptions(void **state)
{
	struct mo_img m;
	struct i18n_mo mo;

	(void)state;
	mo_build(&m, orig3, tr3, 3, 0);
	for (size_t l = 0; l < 20; l++)
		expect_bad(&m, l);
	m.b[0] ^= 1; /* magic */
	expect_bad(&m, m.len);
	mo_build(&m, orig3, tr3, 3, 0);
	put32(m.b + 4, 0x10000, 0); /* major revision 1 */
	expect_bad(&m, m.len);
	mo_build(&m, orig3, tr3, 3, 0);
	put32(m.b + 8, 0xffffffffu, 0); /* count */
	expect_bad(&m, m.len);
	put32(m.b + 8, 400, 0); /* tables past the end */
	expect_bad(&m, m.len);
	mo_build(&m, orig3, tr3, 3, 0);
	put32(m.b + 12, 0xfffffff0u, 0); /* originals offset */
	expect_bad(&m, m.len);
	mo_build(&m, orig3, tr3, 3, 0);
	put32(m.b + 16, (uint32_t)m.len - 8, 0); /* translations table cut */
	expect_bad(&m, m.len);
	assert_int_equal(i18n_mo_parse(NULL, 100, NULL), SD_ERR_ARG);
	assert_int_equal(i18n_mo_parse(m.b, I18N_MO_MAX + 1u, &mo), SD_ERR_TOOLONG);
}

static void
test_mo_string_corruptions(void **state)
{
	static const char *const o[] = { "B", "A" }; /* not sorted */
	static const char *const dup[] = { "A", "A" };
	struct mo_img m;
	size_t e;

	(void)state;
	for (uint32_t k = 0; k < 6; k++) {
		e = 28 + k * 8;
		mo_build(&m, orig3, tr3, 3, 0);
		put32(m.b + e, (uint32_t)m.len, 0); /* length past the end */
		expect_bad(&m, m.len);
		mo_build(&m, orig3, tr3, 3, 0);
		put32(m.b + e, 0xffffffffu, 0); /* length overflow */
		expect_bad(&m, m.len);
		mo_build(&m, orig3, tr3, 3, 0);
		put32(m.b + e + 4, (uint32_t)m.len, 0); /* offset at the end */
		expect_bad(&m, m.len);
		mo_build(&m, orig3, tr3, 3, 0);
		put32(m.b + e + 4, 0xfffffffcu, 0); /* offset overflow */
		expect_bad(&m, m.len);
	}
	mo_build(&m, orig3, tr3, 3, 0);
	m.b[m.len - 1] = 'x'; /* last string's NUL */
	expect_bad(&m, m.len);
	mo_build(&m, orig3, tr3, 3, 0);
	put32(m.b + 28 + 8, 2, 0); /* "He" has no NUL after */
	expect_bad(&m, m.len);
	mo_build(&m, o, o, 2, 0);
	expect_bad(&m, m.len);
	mo_build(&m, dup, dup, 2, 0); /* duplicate originals */
	expect_bad(&m, m.len);
}

/* Truncations and byte flips of the real catalogue never read out of
 * bounds (ASan) and, when accepted, every lookup stays inside. */
static void
test_mo_real_catalogue_mutations(void **state)
{
	const struct sd_blob *b = NULL;
	struct i18n_mo mo;
	unsigned char *copy;

	(void)state;
	for (size_t i = 0; i < sd_mo_blobs_n; i++)
		if (strcmp(sd_mo_blobs[i].name, "fr") == 0)
			b = &sd_mo_blobs[i];
	assert_non_null(b);
	assert_int_equal(i18n_mo_parse(b->data, b->len, &mo), 0);
	for (size_t l = 0; l < b->len; l++) {
		copy = malloc(l ? l : 1);
		assert_non_null(copy);
		memcpy(copy, b->data, l);
		if (i18n_mo_parse(copy, l, &mo) == 0)
			(void)i18n_mo_lookup(&mo, "Log out");
		free(copy);
	}
	copy = malloc(b->len);
	assert_non_null(copy);
	for (size_t pos = 0; pos < b->len && pos < 4096; pos++) {
		for (unsigned v = 0; v < 256; v += 51) {
			memcpy(copy, b->data, b->len);
			copy[pos] = (unsigned char)(copy[pos] ^ (v | 1));
			if (i18n_mo_parse(copy, b->len, &mo) == 0) {
				(void)i18n_mo_lookup(&mo, "Log out");
				(void)i18n_mo_lookup(&mo, "zzz");
			}
		}
	}
	free(copy);
}

/* ---- the public API ---------------------------------------------- */

static void
test_languages(void **state)
{
	const char *const *l = i18n_languages();

	(void)state;
	assert_string_equal(l[0], "en");
	assert_string_equal(l[1], "fr");
	assert_null(l[2]);
	assert_true(i18n_supported("en"));
	assert_true(i18n_supported("fr"));
	assert_false(i18n_supported("de"));
	assert_false(i18n_supported(""));
	assert_false(i18n_supported(NULL));
	assert_false(i18n_supported("fr_FR"));
	assert_string_equal(i18n_native_name("en"), "English");
	assert_string_equal(i18n_native_name("fr"), "Français");
	assert_string_equal(i18n_native_name("xx"), "xx");
}

static void
test_get(void **state)
{
	const char *id = "Log out";

	(void)state;
	assert_ptr_equal(i18n_get("en", id), id);
	assert_string_equal(i18n_get("fr", id), "Se déconnecter");
	assert_string_equal(i18n_get("fr", "not a message"), "not a message");
	assert_ptr_equal(i18n_get("de", id), id);
	assert_ptr_equal(i18n_get(NULL, id), id);
	assert_string_equal(i18n_get("fr", ""), "");
	assert_string_equal(i18n_get("fr", NULL), "");
}

/* Plural forms: the form by the catalogue's rule, a message without plural
 * forms is none, a missing form is none, a rule not known is refused. */
static void
test_plural_forms(void **state)
{
	static const char *const o[] = { "", "%d file\x01%d files", "one" };
	static const char *const t_fr[] = {
		"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n > 1);\n",
		"%d fichier\x01%d fichiers", "un"
	};
	static const char *const t_en[] = { "Content-Type: text/plain\n", "%d f\x01", "1" };
	static const char *const t_bad[] = {
		"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 ? 1 : 2);\n", "a\x01b", "c"
	};
	struct mo_img m;
	struct i18n_mo mo;
	enum i18n_plural rule = I18N_PLURAL_NOT_ONE;

	(void)state;
	mo_build(&m, o, t_fr, 3, 0);
	assert_int_equal(i18n_mo_parse(m.b, m.len, &mo), 0);
	assert_int_equal(i18n_mo_plural_rule(&mo, &rule), 0);
	assert_int_equal(rule, I18N_PLURAL_GT_ONE);
	assert_string_equal(i18n_mo_nlookup(&mo, "%d file", 0), "%d fichier");
	assert_string_equal(i18n_mo_nlookup(&mo, "%d file", 1), "%d fichiers");
	assert_null(i18n_mo_nlookup(&mo, "%d file", 2));
	assert_null(i18n_mo_nlookup(&mo, "one", 0)); /* no plural form */
	assert_string_equal(i18n_mo_lookup(&mo, "%d file"), "%d fichier");
	mo_build(&m, o, t_en, 3, 1);
	assert_int_equal(i18n_mo_parse(m.b, m.len, &mo), 0);
	assert_int_equal(i18n_mo_plural_rule(&mo, &rule), 0);
	assert_int_equal(rule, I18N_PLURAL_NOT_ONE); /* no header line: English's */
	assert_string_equal(i18n_mo_nlookup(&mo, "%d file", 0), "%d f");
	assert_null(i18n_mo_nlookup(&mo, "%d file", 1)); /* an empty form is none */
	mo_build(&m, o, t_bad, 3, 0);
	assert_int_equal(i18n_mo_parse(m.b, m.len, &mo), 0);
	assert_int_equal(i18n_mo_plural_rule(&mo, &rule), SD_ERR_FORMAT);
	/* the embedded French catalogue: 0 and 1 are singular, 2 plural */
	assert_string_equal(
	    i18n_nget("fr", "%zu uncleaned", "%zu uncleaned", 0), "%zu non nettoyé");
	assert_string_equal(
	    i18n_nget("fr", "%zu uncleaned", "%zu uncleaned", 1), "%zu non nettoyé");
	assert_string_equal(
	    i18n_nget("fr", "%zu uncleaned", "%zu uncleaned", 2), "%zu non nettoyés");
	assert_string_equal(i18n_nget("en", "%zu file", "%zu files", 0), "%zu files");
	assert_string_equal(i18n_nget("en", "%zu file", "%zu files", 1), "%zu file");
	assert_string_equal(i18n_nget("fr", "no such", "no suches", 2), "no suches");
	assert_string_equal(i18n_nget("fr", NULL, "x", 2), "");
}

/* A note already formatted in English back to its translation: fixed,
 * with numbers and strings, a member's prefix with the note inside; what no
 * message formats to stays as it is (the same pointer); output bounded. */
static void
test_get_text(void **state)
{
	char out[256], small[12];
	const char *t;

	(void)state;
	assert_int_equal(i18n_init(), 0);
	assert_string_equal(
	    i18n_get_text("fr", "EXIF (camera, dates, GPS, thumbnail)", out, sizeof out),
	    "EXIF (appareil, dates, GPS, vignette)");
	assert_string_equal(
	    i18n_get_text("fr", "12 bytes after the end of the image", out, sizeof out),
	    "12 octets après la fin de l’image");
	assert_string_equal(i18n_get_text("fr",
				"the document has 600 pages, more than the 500 "
				"a safe PDF is made of",
				out, sizeof out),
	    "le document a 600 pages, plus que les 500 dont un PDF sûr est fait");
	/* a member's prefix (clean_note.c: "%.120s: %.*s"), its note translated */
	assert_string_equal(
	    i18n_get_text("fr", "a: b.jpg: EXIF (camera, dates, GPS, thumbnail)", out, sizeof out),
	    "a: b.jpg\u00a0: EXIF (appareil, dates, GPS, vignette)");
	/* a %.0s in a translation drops its argument */
	assert_string_equal(
	    i18n_get_text("fr", "2 attachments listed by name, not drawn", out, sizeof out),
	    "2 pièce(s) jointe(s) nommée(s), non dessinée(s)");
	/* nothing formats to it, or only punctuation would: unchanged */
	t = "a note no catalogue has";
	assert_ptr_equal(i18n_get_text("fr", t, out, sizeof out), t);
	t = "photo.jpg: a note no catalogue has";
	assert_ptr_equal(i18n_get_text("fr", t, out, sizeof out), t);
	t = "EXIF (camera, dates, GPS, thumbnail)";
	assert_ptr_equal(i18n_get_text("en", t, out, sizeof out), t);
	assert_ptr_equal(i18n_get_text("de", t, out, sizeof out), t);
	assert_string_equal(i18n_get_text("fr", NULL, out, sizeof out), "");
	/* cut at a UTF-8 boundary: "retiré" is not cut inside its é */
	t = i18n_get_text("fr", "12 bytes after the end of the image", small, sizeof small);
	assert_ptr_equal(t, small);
	assert_true(strlen(small) < sizeof small);
	assert_string_equal(small, "12 octets a");
	t = i18n_get_text("fr", "EXIF (camera, dates, GPS, thumbnail)", small, 7);
	assert_string_equal(small, "EXIF (");
}

static int
setup(void **state)
{
	(void)state;
	return i18n_init() == 0 && i18n_init() == 0 ? 0 : -1;
}

/* Accept-Language: the supported language with the highest q. */
static void
test_from_accept(void **state)
{
	(void)state;
	assert_int_equal(i18n_init(), 0);
	assert_string_equal(i18n_from_accept("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"), "fr");
	assert_string_equal(i18n_from_accept("en-US,en;q=0.5"), "en");
	assert_string_equal(i18n_from_accept("de-DE, fr-CA;q=0.3, en;q=0.2"), "fr");
	assert_string_equal(i18n_from_accept("FR"), "fr");
	assert_string_equal(i18n_from_accept("en;q=0.4, fr;q=0.6"), "fr");
	assert_null(i18n_from_accept("de, es;q=0.9"));
	assert_null(i18n_from_accept("fr;q=0, de"));
	assert_null(i18n_from_accept(""));
	assert_null(i18n_from_accept(NULL));
	assert_null(i18n_from_accept(";;,,q=1,fr;q=7"));
	assert_null(i18n_from_accept("francais"));
	assert_string_equal(i18n_from_accept("x;q=abc, fr"), "fr");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mo_parse_both_orders),
		cmocka_unit_test(test_mo_empty_translation_is_none),
		cmocka_unit_test(test_mo_header_corruptions),
		cmocka_unit_test(test_mo_string_corruptions),
		cmocka_unit_test(test_mo_real_catalogue_mutations),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_plural_forms),
		cmocka_unit_test(test_get_text),
		cmocka_unit_test(test_from_accept),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
