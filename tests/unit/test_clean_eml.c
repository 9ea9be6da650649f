/*
 * test_clean_eml.c - clean_render_eml (clean/clean_render_eml.c): an
 * e-mail's text body and attachment names as XHTML, no header; nesting,
 * part and text bounds; escaping; broken encodings read without overrun.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean_int.h"
#include "sderr.h"

/* The XHTML of msg, NUL-terminated (the caller frees it). */
static char *
xhtml(const char *msg, size_t len, struct clean_report *rep)
{
	struct sdbuf out = CLEAN_BUF_INIT;
	char *s;

	assert_int_equal(clean_render_eml((const unsigned char *)msg, len, &out, rep), 0);
	s = calloc(1, out.len + 1);
	assert_non_null(s);
	memcpy(s, out.data, out.len);
	sdbuf_free(&out);
	return s;
}

static void
body_and_attachments(void **state)
{
	static const char msg[] =
	    "From: Alice <SDCANARYfrom@example.org>\r\n"
	    "Subject: SDCANARYsubject\r\n"
	    "Content-Type: multipart/mixed;\r\n boundary=\"b1\"\r\n\r\n"
	    "preamble SDCANARYpre\r\n--b1\r\n"
	    "Content-Type: multipart/alternative; boundary=b2\r\n\r\n"
	    "--b2\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "caf=E9 <b>&amp; long=\r\nline\r\n\r\nend\r\n"
	    "--b2\r\nContent-Type: text/html\r\n\r\n<p>SDCANARYhtml</p>\r\n--b2--\r\n"
	    "--b1\r\nContent-Type: image/png; name=\"a<b>.png\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
	    "--b1\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nSDCANARYinner\r\n"
	    "--b1--\r\nepilogue SDCANARYepi\r\n";
	struct clean_report rep = { 0 };
	char *s = xhtml(msg, sizeof msg - 1, &rep);

	(void)state;
	assert_non_null(strstr(s, "<p>caf\xc3\xa9 &lt;b&gt;&amp;amp; longline</p>"));
	assert_non_null(strstr(s, "<p>&#160;</p>\n<p>end</p>"));
	assert_non_null(strstr(s, "Attachments, not drawn: 2"));
	assert_non_null(strstr(s, "<p>a&lt;b&gt;.png (image/png)</p>"));
	assert_non_null(strstr(s, "<p>(no name) (message/rfc822)</p>"));
	assert_null(strstr(s, "SDCANARY"));
	assert_non_null(strstr(rep.uninspected, "2 attachments listed by name"));
	free(s);
}

static void
no_text_and_html_only(void **state)
{
	static const char html[] = "Content-Type: text/html\n\n<p>x</p>\n";
	static const char headers[] = "Subject: SDCANARY\nFrom: x";
	struct clean_report rep = { 0 };
	char *s;

	(void)state;
	s = xhtml(html, sizeof html - 1, &rep);
	assert_non_null(strstr(s, "no plain-text body"));
	free(s);
	s = xhtml(headers, sizeof headers - 1, &rep);
	assert_null(strstr(s, "SDCANARY"));
	free(s);
	s = xhtml("", 0, &rep);
	assert_non_null(strstr(s, "</html>"));
	free(s);
}

static void
broken_encodings(void **state)
{
	/* Each ends in the middle of an escape; bytes that are not UTF-8 are
	 * '?', and a charset not read is said. */
	static const char *const msgs[] = {
		"Content-Transfer-Encoding: quoted-printable\n\nab=",
		"Content-Transfer-Encoding: quoted-printable\n\nab=4",
		"Content-Transfer-Encoding: base64\n\nQUJD\x01RE",
		"Content-Type: text/plain; charset=utf-8\n\nA\xff\xc3(B\xe2\x82",
		"Content-Type: text/plain; charset=koi8-r\n\nA\xc1",
		/* not Latin-1, though its name starts like it: not read as it */
		"Content-Type: text/plain; charset=iso-8859-13\n\nA\xe0",
		"Content-Type: text/plain; charset=latin10\n\nA\xe0",
		"Content-Type: multipart/mixed; boundary=x\n\n--x\n",
		"Content-Type: multipart/mixed; boundary=\"\"\n\n--\n--\n",
		"Content-Type: multipart/mixed\n\n--x\n\n--x--",
	};
	struct clean_report rep = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
		char *s = xhtml(msgs[i], strlen(msgs[i]), &rep);
		if (i == 3)
			assert_non_null(strstr(s, "<p>A?\?(B?\?</p>"));
		if (i == 4 || i == 5 || i == 6)
			assert_non_null(strstr(s, "character set is not read"));
		if (i == 5 || i == 6)
			assert_non_null(strstr(s, "<p>A?</p>"));
		free(s);
	}
}

static void
bounds(void **state)
{
	size_t cap = 1u << 20, n = 0;
	char *m = malloc(cap), *s;
	struct clean_report rep = { 0 };

	(void)state;
	assert_non_null(m);
	/* 10 levels of nesting, a text part at the bottom: past the depth
	 * limit, not read. */
	for (int d = 0; d < 10; d++)
		n += (size_t)snprintf(m + n, cap - n,
		    "Content-Type: multipart/mixed; "
		    "boundary=l%d\n\n--l%d\n",
		    d, d);
	n += (size_t)snprintf(m + n, cap - n, "Content-Type: text/plain\n\nDEEPTEXT\n");
	s = xhtml(m, n, &rep);
	assert_null(strstr(s, "DEEPTEXT"));
	free(s);
	/* 300 attachments: 200 parts walked, 50 listed, the rest said. */
	n = (size_t)snprintf(m, cap, "Content-Type: multipart/mixed; boundary=z\n\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(m + n, cap - n,
		    "--z\nContent-Type: application/pdf; "
		    "name=f%d.pdf\n\nx\n",
		    i);
	n += (size_t)snprintf(m + n, cap - n, "--z--\n");
	s = xhtml(m, n, &rep);
	assert_non_null(strstr(s, "Attachments, not drawn: 199"));
	assert_non_null(strstr(s, "f49.pdf"));
	assert_null(strstr(s, "f50.pdf"));
	assert_non_null(strstr(s, "(more not listed)"));
	free(s);
	free(m);
}

/* clean_eml_attachment: each attachment decoded by its own encoding, its
 * name and the count; the one past the last is SD_ERR_NOTFOUND; the e-mail's
 * page with fates says what became of each. */
static void
attachments_decoded(void **state)
{
	static const char msg[] =
	    "Subject: SDCANARYsubject\r\n"
	    "Content-Type: multipart/mixed; boundary=b1\r\n\r\n"
	    "--b1\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
	    "--b1\r\nContent-Type: application/pdf\r\n"
	    "Content-Disposition: attachment; filename=\"../x.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\nJVBE\r\nRi0x\r\n"
	    "--b1\r\nContent-Type: text/csv\r\n"
	    "Content-Disposition: attachment\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\na=3Db,=\r\nc\r\n"
	    "--b1--\r\n";
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };
	char name[128];
	unsigned count = 0;
	char *s;

	(void)state;
	assert_int_equal(clean_eml_attachment((const unsigned char *)msg, sizeof msg - 1, 0, &out,
			     name, sizeof name, &count),
	    0);
	assert_int_equal(count, 2);
	assert_string_equal(name, "../x.pdf");
	assert_int_equal(out.len, 6);
	assert_memory_equal(out.data, "%PDF-1", 6);
	sdbuf_free(&out);
	assert_int_equal(clean_eml_attachment((const unsigned char *)msg, sizeof msg - 1, 1, &out,
			     name, sizeof name, &count),
	    0);
	assert_string_equal(name, "");
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.data, "a=b,c", 5);
	sdbuf_free(&out);
	assert_int_equal(clean_eml_attachment((const unsigned char *)msg, sizeof msg - 1, 2, &out,
			     name, sizeof name, &count),
	    SD_ERR_NOTFOUND);
	assert_int_equal(out.len, 0);
	assert_int_equal(clean_render_eml_fates((const unsigned char *)msg, sizeof msg - 1,
			     "saved as x.pdf <ok>\nnot saved", &out, &rep),
	    0);
	s = calloc(1, out.len + 1);
	assert_non_null(s);
	memcpy(s, out.data, out.len);
	assert_non_null(strstr(s, "<h1>Attachments: 2</h1>"));
	assert_non_null(strstr(s, "<p>../x.pdf (application/pdf): saved as x.pdf &lt;ok&gt;</p>"));
	assert_non_null(strstr(s, "<p>(no name) (text/csv): not saved</p>"));
	assert_null(strstr(s, "SDCANARY"));
	assert_string_equal(rep.uninspected, "");
	free(s);
	sdbuf_free(&out);
}

/* A multipart body whose closing delimiter is missing (cut short, or made
 * so): its last part is read like the others, as mail programs show it,
 * so an attachment there is listed, never silently left out. */
static void
unterminated_multipart(void **state)
{
	static const char msg[] = "Content-Type: multipart/mixed; boundary=x\n\n"
				  "--x\nContent-Type: text/plain\n\nhello\n"
				  "--x\nContent-Type: application/pdf; name=hidden.pdf\n\nx\n";
	struct clean_report rep = { 0 };
	char *s = xhtml(msg, sizeof msg - 1, &rep);

	(void)state;
	assert_non_null(strstr(s, "<p>hello</p>"));
	assert_non_null(strstr(s, "Attachments, not drawn: 1"));
	assert_non_null(strstr(s, "<p>hidden.pdf (application/pdf)</p>"));
	free(s);
}

/* Parts past the bounds (nesting, number of parts) are not read, and the
 * page and the report say so: an attachment there is not listed. */
static void
parts_not_read_said(void **state)
{
	size_t cap = 1u << 20, n = 0;
	char *m = malloc(cap), *s;
	struct clean_report rep = { 0 };

	(void)state;
	assert_non_null(m);
	for (int d = 0; d < 10; d++)
		n += (size_t)snprintf(m + n, cap - n,
		    "Content-Type: multipart/mixed; "
		    "boundary=l%d\n\n--l%d\n",
		    d, d);
	n +=
	    (size_t)snprintf(m + n, cap - n, "Content-Type: application/pdf; name=deep.pdf\n\nx\n");
	s = xhtml(m, n, &rep);
	assert_null(strstr(s, "deep.pdf"));
	assert_non_null(strstr(s, "parts of this e-mail are not read"));
	assert_non_null(strstr(rep.uninspected, "not read"));
	free(s);
	memset(&rep, 0, sizeof rep);
	n = (size_t)snprintf(m, cap, "Content-Type: multipart/mixed; boundary=z\n\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(m + n, cap - n,
		    "--z\nContent-Type: application/pdf; "
		    "name=f%d.pdf\n\nx\n",
		    i);
	n += (size_t)snprintf(m + n, cap - n, "--z--\n");
	s = xhtml(m, n, &rep);
	assert_non_null(strstr(s, "[101 parts of this e-mail are not read"));
	assert_non_null(strstr(rep.uninspected, "101 parts of the e-mail not read"));
	free(s);
	/* within the bounds: nothing said */
	s = xhtml(
	    "Content-Type: text/plain\n\nx\n", strlen("Content-Type: text/plain\n\nx\n"), &rep);
	assert_null(strstr(s, "not read"));
	free(s);
	free(m);
}

/* A body of 100000 empty lines (100 kB): 54000 pages for MuPDF to lay out
 * (a minute and a gigabyte for no safe PDF at all) before the 500-page
 * limit refused it; the lines drawn are now bounded, and the page says
 * where the text is cut. */
static void
lines_bounded(void **state)
{
	size_t n = 100000, h = strlen("Content-Type: text/plain\n\n"), ps = 0;
	char *m = malloc(h + n), *s;
	struct clean_report rep = { 0 };

	(void)state;
	assert_non_null(m);
	memcpy(m, "Content-Type: text/plain\n\n", h);
	memset(m + h, '\n', n);
	s = xhtml(m, h + n, &rep);
	for (const char *q = s; (q = strstr(q, "<p>")) != NULL; q++)
		ps++;
	assert_true(ps <= 15000);
	assert_non_null(strstr(s, "[The text is cut here: only its first 15000 lines are drawn.]"));
	free(s);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(body_and_attachments),
		cmocka_unit_test(no_text_and_html_only),
		cmocka_unit_test(broken_encodings),
		cmocka_unit_test(bounds),
		cmocka_unit_test(attachments_decoded),
		cmocka_unit_test(unterminated_multipart),
		cmocka_unit_test(parts_not_read_said),
		cmocka_unit_test(lines_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
