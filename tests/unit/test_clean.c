/*
 * test_clean.c - unit tests of the cleaning library on hand-built inputs:
 * the JPEG marker and PNG chunk allow-lists (what goes, what stays, the
 * orientation segment, truncation, bad lengths and CRCs), the office XML
 * rules, type detection by content, and one run through the sandbox.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "clean_int.h"

static int
contains(const struct sdbuf *b, const void *needle, size_t n)
{
	for (size_t i = 0; b->len >= n && i <= b->len - n; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return 1;
	return 0;
}

static void
put(struct sdbuf *b, const void *p, size_t n)
{
	assert_int_equal(sdbuf_add(b, p, n), 0);
}

/* A marker segment with its length. */
static void
seg(struct sdbuf *b, unsigned m, const void *p, size_t n)
{
	unsigned char h[4] = { 0xFF, (unsigned char)m, (unsigned char)((n + 2) >> 8),
		(unsigned char)(n + 2) };
	put(b, h, 4);
	put(b, p, n);
}

/* A small JPEG-shaped file: metadata everywhere, orientation 3. */
static void
make_jpeg(struct sdbuf *b)
{
	static const unsigned char exif[] = "Exif\0\0MM\0*\0\0\0\x08\0\x02"
					    "\x01\x12\0\x03\0\0\0\x01\0\x03\0\0"
					    "\x01\x3b\0\x02\0\0\0\x09\0\0\0\x26"
					    "\0\0\0\0SDCANARY";
	static const unsigned char sof[] = { 8, 0, 16, 0, 16, 1, 1, 0x11, 0 };
	static const unsigned char sos[] = { 1, 1, 0, 0, 63, 0 };
	unsigned char dqt[65] = { 0 };

	put(b, "\xFF\xD8", 2);
	seg(b, 0xE0, "JFIF\0SDCANARY", 13);
	seg(b, 0xE1, exif, sizeof exif - 1);
	seg(b, 0xFE, "SDCANARY comment", 16);
	seg(b, 0xDB, dqt, sizeof dqt);
	seg(b, 0xC0, sof, sizeof sof);
	seg(b, 0xC4, "\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05",
	    18);
	seg(b, 0xDA, sos, sizeof sos);
	put(b, "\x12\x34\xFF\x00\x56\xFF\xD0\x78", 8); /* stuffed byte and a restart */
	put(b, "\xFF\xD9SDCANARY trailer", 19);
}

static void
jpeg_strips_and_keeps(void **state)
{
	struct sdbuf in = CLEAN_BUF_INIT, out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };
	static const unsigned char sof[] = { 0xFF, 0xC0, 0, 11, 8, 0, 16, 0, 16, 1, 1, 0x11, 0 };
	static const unsigned char orient[] = { 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 3 };

	(void)state;
	make_jpeg(&in);
	assert_int_equal(clean_jpeg(in.data, in.len, &out, &rep), 0);
	assert_false(contains(&out, "SDCANARY", 8));
	assert_false(contains(&out, "JFIF", 4));
	assert_true(contains(&out, sof, sizeof sof));
	assert_true(contains(&out, "\x12\x34\xFF\x00\x56\xFF\xD0\x78\xFF\xD9", 10));
	assert_true(contains(&out, orient, sizeof orient));
	assert_memory_equal(out.data, "\xFF\xD8\xFF\xE1", 4);
	assert_memory_equal(out.data + out.len - 2, "\xFF\xD9", 2);
	assert_non_null(strstr(rep.removed, "EXIF"));
	assert_non_null(strstr(rep.removed, "comment"));
	assert_non_null(strstr(rep.removed, "after the end"));
	sdbuf_free(&in);
	sdbuf_free(&out);
}

static void
jpeg_refuses_broken(void **state)
{
	struct sdbuf in = CLEAN_BUF_INIT, out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };

	(void)state;
	make_jpeg(&in);
	/* Truncated in the scan: no EOI. */
	assert_int_equal(clean_jpeg(in.data, in.len - 21, &out, &rep), CLEAN_E_MALFORMED);
	assert_non_null(strstr(rep.error, "truncated"));
	/* Truncated inside a segment. */
	sdbuf_reset(&out);
	assert_int_equal(clean_jpeg(in.data, 30, &out, &rep), CLEAN_E_MALFORMED);
	/* A segment length beyond the end. */
	in.data[4] = 0x7F;
	sdbuf_reset(&out);
	assert_int_equal(clean_jpeg(in.data, in.len, &out, &rep), CLEAN_E_MALFORMED);
	/* Not a JPEG. */
	sdbuf_reset(&out);
	assert_int_equal(
	    clean_jpeg((const unsigned char *)"GIF89a", 6, &out, &rep), CLEAN_E_MALFORMED);
	sdbuf_free(&in);
	sdbuf_free(&out);
}

static void
chunk(struct sdbuf *b, const char *type, const void *p, size_t n)
{
	unsigned char h[8] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
		(unsigned char)(n >> 8), (unsigned char)n, 0, 0, 0, 0 };
	uLong c;
	unsigned char crc[4];

	memcpy(h + 4, type, 4);
	c = crc32(0L, h + 4, 4);
	c = crc32(c, p, (uInt)n);
	crc[0] = (unsigned char)(c >> 24);
	crc[1] = (unsigned char)(c >> 16);
	crc[2] = (unsigned char)(c >> 8);
	crc[3] = (unsigned char)c;
	put(b, h, 8);
	put(b, p, n);
	put(b, crc, 4);
}

static void
make_png(struct sdbuf *b)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0 };

	put(b, "\x89PNG\r\n\x1a\n", 8);
	chunk(b, "IHDR", ihdr, sizeof ihdr);
	chunk(b, "tEXt", "Author\0SDCANARY", 15);
	chunk(b, "tIME", "\x07\xe4\x01\x02\x03\x04\x05", 7);
	chunk(b, "prVt", "SDCANARY", 8);
	chunk(b, "IDAT", "\x78\x9c\x63\x00\x00\x00\x01\x00\x01", 9);
	chunk(b, "IEND", "", 0);
}

static void
png_strips_and_keeps(void **state)
{
	struct sdbuf in = CLEAN_BUF_INIT, out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };

	(void)state;
	make_png(&in);
	assert_int_equal(clean_png(in.data, in.len, &out, &rep), 0);
	assert_false(contains(&out, "SDCANARY", 8));
	assert_false(contains(&out, "tIME", 4));
	assert_true(contains(&out, "IDAT\x78\x9c", 6));
	assert_true(contains(&out, "IEND", 4));
	assert_int_equal(out.len, in.len - (15 + 12) - (7 + 12) - (8 + 12));
	/* A flipped CRC is refused. */
	in.data[in.len - 13] ^= 1;
	sdbuf_reset(&out);
	assert_int_equal(clean_png(in.data, in.len, &out, &rep), CLEAN_E_MALFORMED);
	/* Truncated before IEND. */
	sdbuf_reset(&out);
	assert_int_equal(clean_png(in.data, in.len - 12, &out, &rep), CLEAN_E_MALFORMED);
	sdbuf_free(&in);
	sdbuf_free(&out);
}

static void
office_xml_rules(void **state)
{
	static const char doc[] =
	    "<?xml version=\"1.0\"?><!-- SDCANARY --><w:document xmlns:w=\"urn:w\" "
	    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><w:p w:rsidR=\"00AB\">"
	    "<w:ins w:author=\"SDCANARY\" w:date=\"2020\"/><dc:creator>SDCANARY</dc:creator>"
	    "<w:rsids><w:rsid w:val=\"00AB\"/></w:rsids><w:t>kept text</w:t></w:p></w:document>";
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };

	(void)state;
	assert_int_equal(clean_office_xml("word/document.xml", (const unsigned char *)doc,
			     strlen(doc), &out, &rep),
	    0);
	assert_false(contains(&out, "SDCANARY", 8));
	assert_false(contains(&out, "rsid", 4));
	assert_false(contains(&out, "w:date", 6));
	assert_true(contains(&out, "kept text", 9));
	assert_true(contains(&out, "w:author=\"\"", 11));
	sdbuf_reset(&out);
	assert_int_equal(clean_office_xml("docProps/core.xml", (const unsigned char *)doc,
			     strlen(doc), &out, &rep),
	    0);
	assert_false(contains(&out, "SDCANARY", 8));
	sdbuf_reset(&out);
	assert_int_equal(
	    clean_office_xml("word/x.xml", (const unsigned char *)"<a><b>", 6, &out, &rep),
	    CLEAN_E_MALFORMED);
	sdbuf_reset(&out);
	assert_int_equal(clean_office_xml("Configurations2/accelerator/current.xml",
			     (const unsigned char *)"", 0, &out, &rep),
	    0);
	assert_int_equal(out.len, 0);
	sdbuf_free(&out);
}

/* Tracked changes accepted (deleted text gone, inserted text kept and
 * unwrapped), comment marks, picture descriptions and relationships to
 * comment parts removed; the report says cleaned with nothing uninspected. */
static void
office_revisions(void **state)
{
	static const char doc[] =
	    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
	    " xmlns:wp=\"urn:wp\"><w:body><w:p><w:r><w:t>one </w:t></w:r>"
	    "<w:ins w:id=\"1\"><w:r><w:t>inserted</w:t></w:r></w:ins>"
	    "<w:del w:id=\"2\"><w:r><w:delText>SDCANARYdeleted</w:delText></w:r></w:del>"
	    "<w:commentRangeStart w:id=\"0\"/><w:r><w:commentReference w:id=\"0\"/></w:r>"
	    "<w:r><w:drawing><wp:docPr id=\"1\" name=\"p\" descr=\"C:\\SDCANARY.jpg\"/>"
	    "</w:drawing></w:r></w:p></w:body></w:document>";
	static const char rels[] =
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"r1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	    "relationships/comments\" Target=\"comments.xml\"/><Relationship Id=\"r2\" Type=\""
	    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
	    "Target=\"styles.xml\"/></Relationships>";
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };

	(void)state;
	assert_int_equal(clean_office_xml("word/document.xml", (const unsigned char *)doc,
			     strlen(doc), &out, &rep),
	    0);
	assert_false(contains(&out, "SDCANARY", 8));
	assert_true(contains(&out, "<w:t>inserted</w:t>", 19));
	assert_false(contains(&out, "w:ins", 5));
	assert_false(contains(&out, "comment", 7));
	assert_true(contains(&out, "name=\"p\"", 8));
	assert_true(clean_report_full(&rep));
	sdbuf_reset(&out);
	assert_int_equal(clean_office_xml("word/_rels/document.xml.rels",
			     (const unsigned char *)rels, strlen(rels), &out, &rep),
	    0);
	assert_false(contains(&out, "comments.xml", 12));
	assert_true(contains(&out, "styles.xml", 10));
	assert_true(clean_office_part_dropped("word/comments.xml"));
	assert_true(clean_office_part_dropped("customXml/item1.xml"));
	assert_false(clean_office_part_dropped("word/document.xml"));
	sdbuf_free(&out);
}

/* The format table answers the dispatch and sealdrop-open's extensions:
 * every type it cleans has an extension list, aliases and prefix rows
 * included; a type with no cleaner has none. */
static void
format_table(void **state)
{
	const char *e;

	(void)state;
	assert_string_equal(clean_type_extensions("image/jpeg"), ".jpg .jpeg .jpe .jfif");
	assert_non_null(e = clean_type_extensions("image/heic"));
	assert_int_equal(strncmp(e, ".heic ", 6), 0);
	assert_string_equal(clean_type_extensions("image/avif"), ".avif");
	assert_string_equal(clean_type_extensions("audio/x-flac"), ".flac");
	assert_non_null(
	    e = clean_type_extensions(
		"application/vnd.openxmlformats-officedocument.wordprocessingml.template"));
	assert_int_equal(strncmp(e, ".zip ", 5), 0);
	assert_string_equal(
	    clean_type_extensions(
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
	    ".docx");
	assert_null(clean_type_extensions("application/x-msdownload"));
	assert_null(clean_type_extensions("image/"));
	assert_null(clean_type_extensions(""));
	assert_true(clean_streamed("video/quicktime"));
	assert_true(clean_streamed("audio/mp4"));
	assert_true(clean_streamed("image/jpeg"));
	assert_true(clean_streamed("video/webm"));
	assert_false(clean_streamed("image/png"));
	assert_false(clean_streamed("application/x-msdownload"));
}

/* bzip2 (made by bzip2 1.0.8 from "short notes\n"): cleaned as text; a
 * second stream is read too; bytes after the data are refused, not dropped;
 * a truncated stream is malformed. */
static void
bzip2_streams(void **state)
{
	static const unsigned char bz[] = { 0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53,
		0x59, 0xf8, 0x55, 0xed, 0x74, 0x00, 0x00, 0x04, 0xd1, 0x80, 0x00, 0x10, 0x40, 0x00,
		0x02, 0x41, 0x9c, 0x00, 0x20, 0x00, 0x22, 0x06, 0x87, 0xa4, 0x20, 0xc9, 0x88, 0x1c,
		0x52, 0xde, 0x01, 0xaf, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90, 0xf8, 0x55, 0xed,
		0x74 };
	unsigned char two[2 * sizeof bz + 5];
	struct clean_ctx *c = NULL;
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };

	(void)state;
	assert_int_equal(clean_ctx_new(&c), 0);
	assert_int_equal(clean_bzip2(c, bz, sizeof bz, 0, &out, &rep), 0);
	assert_true(out.len > 3 && memcmp(out.data, "BZh", 3) == 0);
	assert_non_null(strstr(rep.removed, "bzip2 stream: written anew"));
	assert_non_null(strstr(rep.uninspected, "text, passed as it is"));
	memcpy(two, bz, sizeof bz);
	memcpy(two + sizeof bz, bz, sizeof bz);
	memset(&rep, 0, sizeof rep);
	sdbuf_reset(&out);
	assert_int_equal(clean_bzip2(c, two, 2 * sizeof bz, 0, &out, &rep), 0);
	memcpy(two + sizeof bz, "after", 5);
	memset(&rep, 0, sizeof rep);
	sdbuf_reset(&out);
	assert_int_equal(clean_bzip2(c, two, sizeof bz + 5, 0, &out, &rep), CLEAN_E_MALFORMED);
	assert_non_null(strstr(rep.error, "bytes after the bzip2 data"));
	memset(&rep, 0, sizeof rep);
	assert_int_equal(clean_bzip2(c, bz, sizeof bz - 6, 0, &out, &rep), CLEAN_E_MALFORMED);
	assert_non_null(strstr(rep.error, "truncated"));
	assert_int_equal(clean_bzip2(c, bz, sizeof bz, CLEAN_DEPTH_MAX, &out, &rep), CLEAN_E_LIMIT);
	sdbuf_free(&out);
	clean_ctx_free(c);
}

static void
detect_by_content(void **state)
{
	struct clean_ctx *c = NULL;
	struct sdbuf in = CLEAN_BUF_INIT, out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };
	static const unsigned char rnd[] = { 0x00, 0xF3, 0x17, 0x99, 0x00, 0x01, 0xFE, 0x42 };

	(void)state;
	assert_int_equal(clean_ctx_new(&c), 0);
	make_png(&in);
	assert_int_equal(clean_any(c, in.data, in.len, 0, &out, &rep), 0);
	assert_string_equal(rep.type, "image/png");
	memset(&rep, 0, sizeof rep);
	sdbuf_reset(&out);
	assert_int_equal(
	    clean_any(c, (const unsigned char *)"plain words\n", 12, 0, &out, &rep), 0);
	assert_string_equal(rep.type, "text/plain");
	assert_int_equal(out.len, 12);
	memset(&rep, 0, sizeof rep);
	assert_int_equal(clean_any(c, rnd, sizeof rnd, 0, &out, &rep), CLEAN_E_UNSUPPORTED);
	memset(&rep, 0, sizeof rep);
	assert_int_equal(clean_zip(c, in.data, in.len, CLEAN_DEPTH_MAX, &out, &rep), CLEAN_E_LIMIT);
	clean_ctx_free(c);
	sdbuf_free(&in);
	sdbuf_free(&out);
}

static void
sandboxed_run(void **state)
{
	struct clean_ctx *c = NULL;
	struct sdbuf in = CLEAN_BUF_INIT, ref = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 }, rep2 = { 0 };
	char ipath[] = "/tmp/test_clean_in_XXXXXX", opath[] = "/tmp/test_clean_out_XXXXXX";
	unsigned char got[4096];
	int ifd, ofd;
	ssize_t n;

	(void)state;
	assert_int_equal(clean_ctx_new(&c), 0);
	make_jpeg(&in);
	assert_int_equal(clean_jpeg(in.data, in.len, &ref, &rep2), 0);
	ifd = mkstemp(ipath);
	ofd = mkstemp(opath);
	assert_true(ifd >= 0 && ofd >= 0);
	unlink(ipath);
	unlink(opath);
	assert_int_equal(write(ifd, in.data, in.len), (ssize_t)in.len);
	assert_int_equal(clean_file_sandboxed(c, ifd, ofd, &rep), 0);
	assert_string_equal(rep.type, "image/jpeg");
	n = pread(ofd, got, sizeof got, 0);
	assert_int_equal(n, (ssize_t)ref.len);
	assert_memory_equal(got, ref.data, ref.len);
	/* The input on fd 0, as when sealdrop-open is started with stdin
	 * closed: the child moves it before it puts /dev/null there. */
	{
		int saved = dup(0);
		assert_true(saved >= 0);
		assert_int_equal(dup2(ifd, 0), 0);
		assert_int_equal(ftruncate(ofd, 0), 0);
		assert_int_equal(lseek(ofd, 0, SEEK_SET), 0);
		assert_int_equal(clean_file_sandboxed(c, 0, ofd, &rep), 0);
		assert_int_equal(pread(ofd, got, sizeof got, 0), (ssize_t)ref.len);
		assert_int_equal(dup2(saved, 0), 0);
		close(saved);
	}
	close(ifd);
	close(ofd);
	clean_ctx_free(c);
	sdbuf_free(&in);
	sdbuf_free(&ref);
}

/* The cleaner's address-space limit: half the machine's memory, between
 * 512 MiB and 4 GiB; 512 MiB when the memory is unknown (docs/cleaning.md). */
static void
sandbox_mem_limit(void **state)
{
	const uint64_t mib = 1ull << 20, gib = 1ull << 30;

	(void)state;
	assert_true(CLEAN_SANDBOX_MEM_MIN == 512 * mib && CLEAN_SANDBOX_MEM_MAX == 4 * gib);
	assert_true(clean_sandbox_mem_limit(0) == 512 * mib);         /* unknown */
	assert_true(clean_sandbox_mem_limit(256 * mib) == 512 * mib); /* floor */
	assert_true(clean_sandbox_mem_limit(1 * gib) == 512 * mib);
	assert_true(clean_sandbox_mem_limit(1 * gib + 2 * mib) == 512 * mib + 1 * mib);
	assert_true(clean_sandbox_mem_limit(2 * gib) == 1 * gib);
	assert_true(clean_sandbox_mem_limit(3 * gib) == 1536 * mib);
	assert_true(clean_sandbox_mem_limit(7 * gib + 1) == 3 * gib + 512 * mib);
	assert_true(clean_sandbox_mem_limit(8 * gib) == 4 * gib);
	assert_true(clean_sandbox_mem_limit(64 * gib) == 4 * gib); /* ceiling */
	assert_true(clean_sandbox_mem_limit(UINT64_MAX) == 4 * gib);
}

/* "cleaned" is full only with nothing uninspected: text never is, an empty
 * file is; a full notes list says that more was not listed. */
static void
report_honesty(void **state)
{
	struct clean_ctx *c = NULL;
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 }, rep2 = { 0 }, big = { 0 };
	const char txt[] = "Notes for the meeting, by alice.\nSee you { soon }.\n";
	int last_more;

	(void)state;
	assert_int_equal(clean_ctx_new(&c), 0);
	assert_int_equal(
	    clean_any(c, (const unsigned char *)txt, sizeof txt - 1, 0, &out, &rep), 0);
	assert_string_equal(rep.type, "text/plain");
	assert_false(clean_report_full(&rep));
	assert_non_null(strstr(rep.uninspected, "may contain names in comments"));
	assert_int_equal(out.len, sizeof txt - 1);
	sdbuf_free(&out);
	assert_int_equal(clean_any(c, (const unsigned char *)"", 0, 0, &out, &rep2), 0);
	assert_true(clean_report_full(&rep2));
	sdbuf_free(&out);
	for (int i = 0; i < 2000; i++)
		clean_note_uninspected(&big, "member %d of a long list", i);
	assert_true(strlen(big.uninspected) < sizeof big.uninspected);
	last_more = strcmp(strrchr(big.uninspected, '\n') + 1, "(more not listed)") == 0;
	assert_true(last_more);
	clean_note_uninspected(&big, "one more");
	assert_true(strcmp(strrchr(big.uninspected, '\n') + 1, "(more not listed)") == 0);
	clean_ctx_free(c);
}

/* CSS: comments gone (an empty one kept where tokens would join), full
 * only without strings and url(); text, C and JSON are not taken for CSS. */
static void
css_comments(void **state)
{
	static const struct {
		const char *in, *want;
		int full;
	} ok[] = {
		{ "/* by alice */\np { color: red } /* x */\n", "\np { color: red } \n", 1 },
		{ "@media print { a:hover{color:red;/*c*/} }\n",
		    "@media print { a:hover{color:red;} }\n", 1 },
		{ "a/*x*/b { margin/**/: 0 }", "a/**/b { margin: 0 }", 1 },
		{ "a/*x*//*y*/b{c:d}/*e*//*f*/\f", "a/**/b{c:d}\f", 1 },
		{ "@import \"/*k*/x.css\";\np{}", "@import \"/*k*/x.css\";\np{}", 0 },
		{ "b { background: url(/home/alice/*x.png) }",
		    "b { background: url(/home/alice/*x.png) }", 0 },
		{ "@charset \"utf-8\"; i{content:'a\\'/*'}",
		    "@charset \"utf-8\"; i{content:'a\\'/*'}", 0 },
		{ "a { --x: 1; b { c: d } }\n/* unterminated", "a { --x: 1; b { c: d } }\n", 1 },
	};
	static const char *const not_css[] = {
		"int main(void) { /* c */ return 0; }\n", "{\"a\": 1} /* x */",
		"Hello { world } /* x */", "p { color: red /* x */", "p { color: red } }",
		"x; p { color: red }", "no braces /* at all */", "a { b: 'open string\n' }",
		"/* a { b: c } */ /* only comments { } */\n",
		"a { b: p/*x*/'unclosed\n' }", /* once returned 0 with nothing written */
	};

	(void)state;
	for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
		struct sdbuf out = CLEAN_BUF_INIT;
		struct clean_report rep = { 0 };
		if (clean_css((const unsigned char *)ok[k].in, strlen(ok[k].in), &out, &rep) != 0)
			fail_msg("not taken for CSS: %s", ok[k].in);
		assert_int_equal(out.len, strlen(ok[k].want));
		assert_memory_equal(out.data, ok[k].want, out.len);
		assert_int_equal(clean_report_full(&rep), ok[k].full);
		sdbuf_free(&out);
	}
	for (size_t k = 0; k < sizeof not_css / sizeof not_css[0]; k++) {
		struct sdbuf out = CLEAN_BUF_INIT;
		struct clean_report rep = { 0 };
		assert_int_equal(
		    clean_css((const unsigned char *)not_css[k], strlen(not_css[k]), &out, &rep),
		    CLEAN_E_UNSUPPORTED);
		assert_int_equal(out.len, 0);
		assert_string_equal(rep.removed, "");
	}
}

/* n bytes of data as a gzip file (zlib's own header: time 0, no name). */
static void
gzip_of(const unsigned char *data, size_t n, struct sdbuf *out)
{
	z_stream z = { 0 };
	unsigned char tmp[65536];
	int r;

	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	do {
		z.next_out = tmp;
		z.avail_out = sizeof tmp;
		r = deflate(&z, Z_FINISH);
		put(out, tmp, sizeof tmp - z.avail_out);
	} while (r == Z_OK);
	assert_int_equal(r, Z_STREAM_END);
	deflateEnd(&z);
}

/* gzip: a bomb is a limit, bytes after the data or a bad checksum are
 * malformed, the content is cleaned by its type and the header made anew. */
static void
gzip_bounds(void **state)
{
	struct clean_ctx *c = NULL;
	struct sdbuf in = CLEAN_BUF_INIT, out = CLEAN_BUF_INIT, png = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };
	size_t big = 16u << 20;
	unsigned char *zeros = calloc(1, big);

	(void)state;
	assert_non_null(zeros);
	assert_int_equal(clean_ctx_new(&c), 0);
	gzip_of(zeros, big, &in);
	assert_int_equal(clean_gzip(c, in.data, in.len, 0, &out, &rep), CLEAN_E_LIMIT);
	assert_int_equal(out.len, 0);
	free(zeros);
	sdbuf_free(&in);

	memset(&rep, 0, sizeof rep);
	gzip_of((const unsigned char *)"p { } /* SDCANARY */", 20, &in);
	put(&in, "junk", 4);
	assert_int_equal(clean_gzip(c, in.data, in.len, 0, &out, &rep), CLEAN_E_MALFORMED);
	assert_non_null(strstr(rep.error, "bytes after the gzip data"));
	in.len -= 4;
	in.data[in.len - 5] ^= 1; /* the CRC-32 */
	memset(&rep, 0, sizeof rep);
	assert_int_equal(clean_gzip(c, in.data, in.len, 0, &out, &rep), CLEAN_E_MALFORMED);
	in.data[in.len - 5] ^= 1;
	memset(&rep, 0, sizeof rep);
	assert_int_equal(clean_gzip(c, in.data, in.len, 0, &out, &rep), 0);
	assert_true(out.len > 18 && out.data[3] == 0 && out.data[9] == 255);
	assert_true(clean_report_full(&rep));
	assert_int_equal(
	    clean_gzip(c, in.data, in.len, CLEAN_DEPTH_MAX, &png, &rep), CLEAN_E_LIMIT);
	sdbuf_free(&in);
	sdbuf_free(&out);
	clean_ctx_free(c);
}

/* Matroska: the output has the input's size, dropped elements are Void of
 * the same size, a CRC-32 is recomputed, a bad DocType or a truncated
 * element is refused. */
static void
mkv_in_place(void **state)
{
	static const unsigned char ebml[] = { 0x1A, 0x45, 0xDF, 0xA3, 0x8B, 0x42, 0x82, 0x88, 'm',
		'a', 't', 'r', 'o', 's', 'k', 'a' };
	/* Segment { Info { CRC, Title "SDCANARY", TimestampScale }, Tags {...} } */
	static const unsigned char seg[] = { 0x18, 0x53, 0x80, 0x67, 0x80 | 36, 0x15, 0x49, 0xA9,
		0x66, 0x80 | 22, 0xBF, 0x84, 0, 0, 0, 0, 0x7B, 0xA9, 0x88, 'S', 'D', 'C', 'A', 'N',
		'A', 'R', 'Y', 0x2A, 0xD7, 0xB1, 0x81, 0x40, 0x12, 0x54, 0xC3, 0x67, 0x80 | 4, 0x45,
		0xA3, 0x81, 'x' };
	struct sdbuf in = CLEAN_BUF_INIT, out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };
	uLong crc;

	(void)state;
	put(&in, ebml, sizeof ebml);
	put(&in, seg, sizeof seg);
	assert_int_equal(clean_mkv(in.data, in.len, &out, &rep), 0);
	assert_int_equal(out.len, in.len);
	assert_false(contains(&out, "SDCANARY", 8));
	assert_true(clean_report_full(&rep));
	assert_non_null(strstr(rep.removed, "title"));
	assert_non_null(strstr(rep.removed, "tags"));
	/* Title (11 bytes) became Void of 11 bytes; Tags (9 bytes) too. */
	assert_int_equal(out.data[sizeof ebml + 16], 0xEC);
	assert_int_equal(out.data[sizeof ebml + 17], 0x01);
	assert_int_equal(out.data[sizeof ebml + 24], 2);
	assert_int_equal(out.data[sizeof ebml + 32], 0xEC);
	assert_int_equal(out.data[sizeof ebml + 33], 0x01);
	assert_int_equal(out.data[sizeof ebml + 40], 0);
	assert_memory_equal(out.data + sizeof ebml + 27, "\x2A\xD7\xB1\x81\x40", 5);
	crc = crc32(0L, out.data + sizeof ebml + 16, 16);
	assert_int_equal((uLong)out.data[sizeof ebml + 12] |
		(uLong)out.data[sizeof ebml + 13] << 8 | (uLong)out.data[sizeof ebml + 14] << 16 |
		(uLong)out.data[sizeof ebml + 15] << 24,
	    crc);
	sdbuf_free(&out);
	memset(&rep, 0, sizeof rep);
	assert_int_equal(clean_mkv(in.data, in.len - 1, &out, &rep), CLEAN_E_MALFORMED);
	assert_int_equal(out.len, 0);
	in.data[8] = 'X';
	memset(&rep, 0, sizeof rep);
	assert_int_equal(clean_mkv(in.data, in.len, &out, &rep), CLEAN_E_MALFORMED);
	assert_non_null(strstr(rep.error, "document type"));
	sdbuf_free(&out);
	sdbuf_free(&in);
	{
		/* As a browser records: segment and clusters of unknown size. */
		static const unsigned char live[] = { 0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF,
			0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xE7, 0x81,
			0x00, 0xA3, 0x84, 0x81, 0, 0, 0x80, 0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xE7,
			0x81, 0x10, 0xA3, 0x84, 0x81, 0, 0, 0x80, 0x12, 0x54, 0xC3, 0x67, 0x88,
			0x45, 0xA3, 0x85, 'S', 'D', 'C', 'A', 'N' };
		struct sdbuf lin = CLEAN_BUF_INIT;
		put(&lin, ebml, sizeof ebml);
		put(&lin, live, sizeof live);
		memset(&rep, 0, sizeof rep);
		assert_int_equal(clean_mkv(lin.data, lin.len, &out, &rep), 0);
		assert_int_equal(out.len, lin.len);
		assert_false(contains(&out, "SDCAN", 5));
		assert_memory_equal(out.data + sizeof ebml, live, 40);
		assert_non_null(strstr(rep.removed, "tags"));
		sdbuf_free(&out);
		sdbuf_free(&lin);
	}
}

/* The patch list of the in-place cleaners: reads see the patches (head
 * bytes then zeros), patches that overlap or are too many are refused, the
 * copy from a descriptor stops at the length asked. */
static void
stream_patches(void **state)
{
	static const unsigned char in[16] = "ABCDEFGHIJKLMNOP";
	struct clean_src s = { in, -1, sizeof in, NULL };
	struct clean_patches l = { 0 };
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_sink k = { &out, -1, NULL };
	unsigned char d[16];
	char path[] = "/tmp/sd-stream-XXXXXX";
	int fd;

	(void)state;
	assert_int_equal(clean_patch_add(&l, 10, 4, "xy", 2), 0);
	assert_int_equal(clean_patch_add(&l, 2, 3, "Z", 1), 0); /* before: kept in order */
	assert_int_equal(clean_patch_add(&l, 13, 2, NULL, 0), CLEAN_E_MALFORMED);
	assert_int_equal(clean_patch_add(&l, 0, 3, NULL, 0), CLEAN_E_MALFORMED);
	assert_int_equal(clean_patch_add(&l, 5, 2, "abc", 3), CLEAN_E_INTERNAL);
	assert_int_equal(l.n, 2);
	assert_int_equal(clean_patch_read(&s, &l, 3, d, 9), 0);
	assert_memory_equal(d, "\0\0FGHIJxy", 9);
	assert_int_equal(clean_patch_read(&s, &l, 8, d, 9), CLEAN_E_MALFORMED);
	assert_int_equal(clean_patch_copy(&s, &l, 12, &k), 0);
	assert_int_equal(out.len, 12);
	assert_memory_equal(out.data, "ABZ\0\0FGHIJxy", 12);
	sdbuf_free(&out);
	/* the same from a descriptor to a descriptor */
	assert_true((fd = mkstemp(path)) >= 0);
	unlink(path);
	assert_int_equal(write(fd, in, sizeof in), (ssize_t)sizeof in);
	{
		struct clean_src_win w = { 0 };
		struct clean_src f = { NULL, fd, sizeof in, &w };
		assert_int_equal(clean_patch_read(&f, &l, 0, d, 16), 0);
		assert_memory_equal(d, "ABZ\0\0FGHIJxy\0\0OP", 16);
		/* small reads come from the window, read once */
		assert_non_null(w.buf);
		assert_int_equal(w.len, 16);
		assert_int_equal(clean_src_read(&f, 13, d, 3), 0);
		assert_memory_equal(d, "NOP", 3);
		assert_int_equal(clean_src_read(&f, 14, d, 3), CLEAN_E_MALFORMED);
		clean_src_win_free(&w);
		assert_null(w.buf);
	}
	close(fd);
	clean_patch_free(&l);
	for (unsigned i = 0; i < CLEAN_PATCH_MAX; i++)
		assert_int_equal(clean_patch_add(&l, 2ull * i, 1, NULL, 0), 0);
	assert_int_equal(clean_patch_add(&l, 2ull * CLEAN_PATCH_MAX, 1, NULL, 0), CLEAN_E_LIMIT);
	clean_patch_free(&l);
	clean_sink_free(&k);
}

/* AIFF (two passes now): a FORM size past the end of the file is refused,
 * not cleaned into nothing; the same file with the right size cleans. */
static void
aiff_form_size(void **state)
{
	unsigned char f[12 + 26 + 16] = "FORM\0\0\0\0AIFFCOMM\0\0\0\x12";
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };

	(void)state;
	memcpy(f + 38, "SSND\0\0\0\x08", 8);
	f[7] = sizeof f - 8 + 1; /* one byte past the end */
	assert_int_equal(clean_aiff(f, sizeof f, &out, &rep), CLEAN_E_MALFORMED);
	assert_int_equal(out.len, 0);
	assert_non_null(strstr(rep.error, "AIFF"));
	f[7] = sizeof f - 8;
	memset(&rep, 0, sizeof rep);
	assert_int_equal(clean_aiff(f, sizeof f, &out, &rep), 0);
	assert_int_equal(out.len, sizeof f);
	assert_memory_equal(out.data, f, sizeof f);
	sdbuf_free(&out);
}

/* A RIFF chunk (id, little-endian size, data, pad byte). */
static void
riff_chunk(struct sdbuf *b, const char *id, const void *d, size_t n)
{
	unsigned char h[8];

	memcpy(h, id, 4);
	for (int k = 0; k < 4; k++)
		h[4 + k] = (unsigned char)(n >> (8 * k));
	put(b, h, 8);
	put(b, d, n);
	if (n & 1)
		put(b, "", 1);
}

/* AVI: IDIT, strn, strd, INFO and JUNK text overwritten in place (same
 * size, offsets kept), the media and index kept, a bad length refused. */
static void
avi_in_place(void **state)
{
	struct sdbuf strl = CLEAN_BUF_INIT, hdrl = CLEAN_BUF_INIT, body = CLEAN_BUF_INIT,
		     in = CLEAN_BUF_INIT, out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };
	unsigned char zero56[56] = { 0 };

	(void)state;
	put(&strl, "strl", 4);
	riff_chunk(&strl, "strh", "vidsFMP4", 8);
	riff_chunk(&strl, "strf", "\x28\0\0\0", 4);
	riff_chunk(&strl, "strn", "SDCANARYname", 13);
	riff_chunk(&strl, "strd", "SDCANARYcamera", 14);
	put(&hdrl, "hdrl", 4);
	riff_chunk(&hdrl, "avih", zero56, sizeof zero56);
	riff_chunk(&hdrl, "LIST", strl.data, strl.len);
	riff_chunk(&hdrl, "IDIT", "SDCANARY 2020", 14);
	put(&body, "AVI ", 4);
	riff_chunk(&body, "LIST", hdrl.data, hdrl.len);
	riff_chunk(&body, "LIST", "INFOISFT\x0c\0\0\0SDCANARYsft\0", 24);
	riff_chunk(&body, "JUNK", "SDCANARYjunk", 12);
	riff_chunk(&body, "LIST", "movi00dc\x04\0\0\0DATA", 16);
	riff_chunk(&body, "idx1", "00dc\x10\0\0\0\x04\0\0\0\x04\0\0\0", 16);
	riff_chunk(&in, "RIFF", body.data, body.len);
	put(&in, "SDCANARYtrailer", 15);
	assert_int_equal(clean_avi(in.data, in.len, &out, &rep), 0);
	assert_int_equal(out.len, in.len - 15);
	assert_false(contains(&out, "SDCANARY", 8));
	assert_true(contains(&out, "movi00dc\x04\0\0\0DATA", 16));
	assert_true(contains(&out, "vidsFMP4", 8));
	assert_non_null(strstr(rep.removed, "IDIT"));
	assert_non_null(strstr(rep.removed, "strn"));
	assert_non_null(strstr(rep.removed, "LIST/INFO"));
	assert_true(clean_report_full(&rep));
	sdbuf_free(&out);
	{
		/* an odd last chunk without its pad byte at the very end */
		static const unsigned char odd[21] = { 'R', 'I', 'F', 'F', 13, 0, 0, 0, 'A', 'V',
			'I', ' ', 'J', 'U', 'N', 'K', 1, 0, 0, 0, 'x' };
		memset(&rep, 0, sizeof rep);
		assert_int_equal(clean_avi(odd, sizeof odd, &out, &rep), 0);
		assert_int_equal(out.len, sizeof odd);
		assert_int_equal(out.data[20], 0);
		sdbuf_free(&out);
	}
	in.data[4] ^= 0x40; /* RIFF size past the end */
	memset(&rep, 0, sizeof rep);
	assert_int_equal(clean_avi(in.data, in.len, &out, &rep), CLEAN_E_MALFORMED);
	assert_int_equal(out.len, 0);
	sdbuf_free(&out);
	sdbuf_free(&in);
	sdbuf_free(&body);
	sdbuf_free(&hdrl);
	sdbuf_free(&strl);
}

/* ASF: a bad object size is refused and nothing is written. */
static void
asf_refuses_bad_sizes(void **state)
{
	static const unsigned char hdr[30] = { 0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6,
		0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
		1, 2 };
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report rep = { 0 };

	(void)state;
	assert_int_equal(clean_asf(hdr, sizeof hdr, &out, &rep), CLEAN_E_MALFORMED);
	assert_int_equal(out.len, 0);
	assert_non_null(strstr(rep.error, "ASF"));
	sdbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_table),
		cmocka_unit_test(bzip2_streams),
		cmocka_unit_test(jpeg_strips_and_keeps),
		cmocka_unit_test(jpeg_refuses_broken),
		cmocka_unit_test(png_strips_and_keeps),
		cmocka_unit_test(office_xml_rules),
		cmocka_unit_test(office_revisions),
		cmocka_unit_test(detect_by_content),
		cmocka_unit_test(sandboxed_run),
		cmocka_unit_test(sandbox_mem_limit),
		cmocka_unit_test(report_honesty),
		cmocka_unit_test(css_comments),
		cmocka_unit_test(gzip_bounds),
		cmocka_unit_test(mkv_in_place),
		cmocka_unit_test(stream_patches),
		cmocka_unit_test(aiff_form_size),
		cmocka_unit_test(avi_in_place),
		cmocka_unit_test(asf_refuses_bad_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
