/*
 * test_safename.c - unit tests of safename_make and safename_uncleaned:
 * untrusted file names from inside uploads become names safe to create on
 * the journalist's machine, and an uncleaned file never keeps the extension
 * the source chose as its last one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "safename.h"

static void
check(const char *in, const char *want)
{
	char out[SAFENAME_MAX + 1];

	safename_make(in, "attachment", out);
	if (strcmp(out, want) != 0)
		fail_msg("safename(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

static void
test_plain_names_kept(void **state)
{
	(void)state;
	check("report.pdf", "report.pdf");
	check("rapport d'été (v2).odt", "rapport d'été (v2).odt");
	check("データ.xlsx", "データ.xlsx");
}

static void
test_path_parts_removed(void **state)
{
	(void)state;
	check("../../etc/passwd", "passwd");
	check("/abs/path/x.txt", "x.txt");
	check("C:\\Users\\me\\doc.docx", "doc.docx");
	check("dir/", "attachment");
	check("..", "attachment");
	check("../", "attachment");
}

static void
test_hidden_and_trailing(void **state)
{
	(void)state;
	check(".bashrc", "bashrc");
	check("...hidden", "hidden");
	check("-rf", "rf");
	check("name. . .", "name");
	check("  spaced  ", "spaced");
	check("", "attachment");
}

static void
test_control_and_reserved_chars(void **state)
{
	(void)state;
	check("a\nb\tc\rd.txt", "a_b_c_d.txt");
	check("x\x1b[31mred.txt", "x_[31mred.txt");
	check("a:b*c?d\"e<f>g|h.txt", "a_b_c_d_e_f_g_h.txt");
	check("del\x7f.txt", "del_.txt");
}

static void
test_bad_utf8_and_bidi(void **state)
{
	(void)state;
	check("bad\xff\xfe.txt", "bad__.txt");
	check("overlong\xc0\xaf.txt", "overlong__.txt");
	check("surrogate\xed\xa0\x80.txt", "surrogate___.txt");
	/* U+202E RIGHT-TO-LEFT OVERRIDE: "invoice\u202Efdp.exe" */
	check("invoice\xe2\x80\xae"
	      "fdp.exe",
	    "invoice___fdp.exe");
	check("zero\xe2\x80\x8bwidth", "zero___width");
	check("c1\xc2\x85.txt", "c1__.txt");
}

static void
test_device_names(void **state)
{
	(void)state;
	check("CON", "_CON");
	check("nul.txt", "_nul.txt");
	check("com1.tar.gz", "_com1.tar.gz");
	check("console.txt", "console.txt");
}

static void
test_length_bound(void **state)
{
	char in[2000], out[SAFENAME_MAX + 1];

	(void)state;
	memset(in, 'a', sizeof in - 5);
	memcpy(in + sizeof in - 5, ".pdf", 5);
	safename_make(in, "attachment", out);
	assert_true(strlen(out) <= SAFENAME_MAX);
	assert_string_equal(out + strlen(out) - 4, ".pdf");
	/* Multi-byte characters are never cut in the middle. */
	for (size_t i = 0; i + 2 < sizeof in - 5; i += 2)
		memcpy(in + i, "\xc3\xa9", 2);
	in[sizeof in - 6] = 'x';
	safename_make(in, "attachment", out);
	assert_true(strlen(out) <= SAFENAME_MAX);
	for (size_t i = 0; out[i] != '\0' && out[i] != '.' && out[i] != 'x'; i += 2)
		assert_memory_equal(out + i, "\xc3\xa9", 2);
}

static void
check_uncleaned(const char *in, const char *want)
{
	char out[SAFENAME_MAX + 1];

	safename_uncleaned(in, "attachment", out);
	if (strcmp(out, want) != 0)
		fail_msg("safename_uncleaned(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

static void
test_uncleaned_extension(void **state)
{
	static const char *const risky[] = { "run.desktop", "setup.exe", "x.sh", "page.html",
		"page.HTM", "logo.svg", "link.lnk", "app.js", "app.jar", "doc.pdf", "a.scr",
		"b.bat", "c.cmd", "d.ps1", "e.vbs", "f.hta", "g.msi", "h.url", "i.appimage", "j.py",
		"k.docm", "l.bin", "m.uncleaned.exe", "n.exe.", "o.exe ", "CON.exe",
		"../../home/j/.config/autostart/x.desktop", NULL };
	char out[SAFENAME_MAX + 1], in[600];

	(void)state;
	check_uncleaned("report.pdf", "report.pdf.uncleaned");
	check_uncleaned("run.desktop", "run.desktop.uncleaned");
	check_uncleaned("blob.bin", "blob.bin.uncleaned");
	check_uncleaned("noext", "noext.uncleaned");
	check_uncleaned("", "attachment.uncleaned");
	check_uncleaned("../.bashrc", "bashrc.uncleaned");
	check_uncleaned("CON", "_CON.uncleaned");
	check_uncleaned("x.uncleaned", "x.uncleaned.uncleaned");
	check_uncleaned("invoice\xe2\x80\xae"
			"fdp.exe",
	    "invoice___fdp.exe.uncleaned");
	/* Whatever the name, the last extension is ours. */
	for (size_t i = 0; risky[i]; i++) {
		size_t l;
		safename_uncleaned(risky[i], "attachment", out);
		l = strlen(out);
		assert_true(l > 10 && l <= SAFENAME_MAX);
		assert_string_equal(strrchr(out, '.'), SAFENAME_UNCLEANED_EXT);
		assert_null(strchr(out, '/'));
		assert_true(out[0] != '.');
	}
	/* Longest names: cut before the source's extension, suffix kept. */
	memset(in, 'a', sizeof in - 6);
	memcpy(in + sizeof in - 6, ".html", 6);
	safename_uncleaned(in, "attachment", out);
	assert_int_equal(strlen(out), SAFENAME_MAX);
	assert_string_equal(out + SAFENAME_MAX - 15, ".html.uncleaned");
	memset(in, 'b', sizeof in - 1);
	in[sizeof in - 1] = '\0';
	safename_uncleaned(in, "attachment", out);
	assert_true(strlen(out) <= SAFENAME_MAX);
	assert_string_equal(strrchr(out, '.'), SAFENAME_UNCLEANED_EXT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_names_kept),
		cmocka_unit_test(test_path_parts_removed),
		cmocka_unit_test(test_hidden_and_trailing),
		cmocka_unit_test(test_control_and_reserved_chars),
		cmocka_unit_test(test_bad_utf8_and_bidi),
		cmocka_unit_test(test_device_names),
		cmocka_unit_test(test_length_bound),
		cmocka_unit_test(test_uncleaned_extension),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
