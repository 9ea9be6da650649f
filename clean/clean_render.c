/*
 * clean_render.c - safe PDFs: a document drawn to pixels, and a new PDF
 * built from nothing but those pixels (Dangerzone's idea).
 *
 * clean_render_pdf() opens an already cleaned PDF or image with MuPDF
 * (Debian's libmupdf, its fonts built in: no file is opened), draws each
 * page with its annotations to an RGB pixmap, and writes a PDF of its own
 * making: one page per page, each holding one Flate-compressed image and a
 * content stream that paints it. The output has no /Info, no XMP, no
 * producer, no fonts, no text, no links, no scripts, no forms and no
 * attachments: nothing of the input's structure crosses, only its pixels.
 *
 * It runs only in the sandboxed child (clean_render_sandboxed, in
 * clean_sandbox.c): MuPDF parses hostile bytes. Bounds: CLEAN_RENDER_PAGES_MAX
 * pages, CLEAN_RENDER_PIXELS_MAX pixels per page (a larger page is drawn at a
 * lower resolution, and the report says so), CLEAN_RENDER_OUT_MAX bytes of
 * output; the sandbox adds its CPU, memory and wall-clock limits.
 */
#include "clean_int.h"
#include "sderr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mupdf/fitz.h>
#include <zlib.h>

/* The MIME types (libmagic's names) drawn to a safe PDF, and MuPDF's
 * handler name for each. */
static const struct {
	const char *mime, *magic;
} render_types[] = {
	{ "application/pdf", "application/pdf" },
	{ "image/jpeg", "image/jpeg" },
	{ "image/png", "image/png" },
	{ "image/gif", "image/gif" },
	{ "image/tiff", "image/tiff" },
	{ "image/bmp", "image/bmp" },
	{ "image/x-ms-bmp", "image/bmp" },
	/* Its text body as XHTML first (clean_render_eml.c). */
	{ "message/rfc822", "application/xhtml+xml" },
};

int
clean_render_supported(const char *mime)
{
	for (size_t i = 0; i < sizeof render_types / sizeof render_types[0]; i++)
		if (strcmp(mime, render_types[i].mime) == 0)
			return 1;
	return 0;
}

static const char *
render_magic(const char *mime)
{
	for (size_t i = 0; i < sizeof render_types / sizeof render_types[0]; i++)
		if (strcmp(mime, render_types[i].mime) == 0)
			return render_types[i].magic;
	return NULL;
}

static int
render_printf(struct sdbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
render_printf(struct sdbuf *b, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line)
		return CLEAN_E_INTERNAL;
	return sdbuf_add(b, line, (size_t)n);
}

/* The writer of the new PDF: object k's offset in off[k]. */
struct render_pdf {
	struct sdbuf *out;
	size_t *off;
	size_t nobj;
};

static int
render_obj(struct render_pdf *p, size_t k)
{
	if (k >= p->nobj)
		return CLEAN_E_INTERNAL;
	p->off[k] = p->out->len;
	return render_printf(p->out, "%zu 0 obj\n", k);
}

/* One page: its image (w x h RGB samples, stride bytes a row) on a page of
 * pw x ph points. Objects 3 + 3i (page), 4 + 3i (content), 5 + 3i (image). */
static int
render_page(struct render_pdf *p, size_t i, const unsigned char *rgb, int w, int h, size_t stride,
    double pw, double ph, struct clean_report *rep)
{
	size_t row = (size_t)w * 3, raw = row * (size_t)h, k = 3 + 3 * i;
	uLongf zlen;
	unsigned char *plain = NULL, *z = NULL;
	char content[160];
	int e, n;

	if ((plain = malloc(raw ? raw : 1)) == NULL)
		return SD_ERR_NOMEM;
	for (int y = 0; y < h; y++)
		memcpy(plain + (size_t)y * row, rgb + (size_t)y * stride, row);
	zlen = compressBound((uLong)raw);
	if ((z = malloc(zlen)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	if (compress2(z, &zlen, plain, (uLong)raw, 6) != Z_OK) {
		clean_set_error(rep, "could not compress page %zu", i + 1);
		e = CLEAN_E_INTERNAL;
		goto out;
	}
	if (p->out->len + zlen > CLEAN_RENDER_OUT_MAX) {
		clean_set_error(rep,
		    "the safe PDF would be larger than %u MiB (stopped at page %zu)",
		    CLEAN_RENDER_OUT_MAX >> 20, i + 1);
		e = CLEAN_E_LIMIT;
		goto out;
	}
	n = snprintf(content, sizeof content, "q %.2f 0 0 %.2f 0 0 cm /I Do Q\n", pw, ph);
	if (n < 0 || (size_t)n >= sizeof content) {
		e = CLEAN_E_INTERNAL;
		goto out;
	}
	if ((e = render_obj(p, k)) != 0 ||
	    (e = render_printf(p->out,
		 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
		 "/Resources << /XObject << /I %zu 0 R >> >> /Contents %zu 0 R >>\nendobj\n",
		 pw, ph, k + 2, k + 1)) != 0 ||
	    (e = render_obj(p, k + 1)) != 0 ||
	    (e = render_printf(p->out, "<< /Length %d >>\nstream\n", n)) != 0 ||
	    (e = sdbuf_add(p->out, content, (size_t)n)) != 0 ||
	    (e = render_printf(p->out, "endstream\nendobj\n")) != 0 ||
	    (e = render_obj(p, k + 2)) != 0 ||
	    (e = render_printf(p->out,
		 "<< /Type /XObject /Subtype /Image /Width %d /Height %d "
		 "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %lu >>\n"
		 "stream\n",
		 w, h, (unsigned long)zlen)) != 0 ||
	    (e = sdbuf_add(p->out, z, zlen)) != 0 ||
	    (e = render_printf(p->out, "\nendstream\nendobj\n")) != 0)
		goto out;
out:
	free(plain);
	free(z);
	return e;
}

/* The scale from points to pixels for a page of w x h points: dpi / 72,
 * lowered so the page has at most CLEAN_RENDER_PIXELS_MAX pixels and
 * CLEAN_RENDER_SIDE_MAX on a side; 0 for an empty or absurd page. */
static double
render_scale(double w, double h, int *lowered)
{
	double s = CLEAN_RENDER_DPI / 72.0;

	*lowered = 0;
	if (!(w >= 1 && h >= 1 && w < 1e6 && h < 1e6))
		return 0;
	if (w * s * h * s > CLEAN_RENDER_PIXELS_MAX) {
		s = sqrt(CLEAN_RENDER_PIXELS_MAX / (w * h));
		*lowered = 1;
	}
	if (w * s > CLEAN_RENDER_SIDE_MAX || h * s > CLEAN_RENDER_SIDE_MAX) {
		s = CLEAN_RENDER_SIDE_MAX / (w > h ? w : h);
		*lowered = 1;
	}
	return w * s >= 1 && h * s >= 1 ? s : 0;
}

/* Page i of doc drawn to RGB pixels (its annotations and form fields as
 * they look), and its size in points; NULL when it cannot be. */
static fz_pixmap *
render_draw(fz_context *ctx, fz_document *doc, int i, double *pw, double *ph, int *lowered)
{
	fz_page *volatile page = NULL;
	fz_pixmap *volatile pix = NULL;

	fz_try(ctx)
	{
		fz_rect b;
		double s;
		page = fz_load_page(ctx, doc, i);
		b = fz_bound_page(ctx, page);
		*pw = b.x1 - b.x0;
		*ph = b.y1 - b.y0;
		if ((s = render_scale(*pw, *ph, lowered)) == 0)
			fz_throw(ctx, FZ_ERROR_GENERIC, "page size");
		pix = fz_new_pixmap_from_page(
		    ctx, page, fz_scale((float)s, (float)s), fz_device_rgb(ctx), 0);
	}
	fz_always(ctx)
	{
		if (page != NULL)
			fz_drop_page(ctx, page);
	}
	fz_catch(ctx)
	{
		return NULL;
	}
	return pix;
}

static int render_doc(const unsigned char *buf, size_t len, const char *mime, struct sdbuf *out,
    unsigned *pages_out, struct clean_report *rep);

int
clean_render_pdf(const unsigned char *buf, size_t len, const char *mime, const char *fates,
    struct sdbuf *out, unsigned *pages_out, struct clean_report *rep)
{
	struct sdbuf eml = CLEAN_BUF_INIT;
	int e;

	if (strcmp(mime, "message/rfc822") != 0)
		return render_doc(buf, len, mime, out, pages_out, rep);
	/* An e-mail: its text body as XHTML first (clean_render_eml.c). */
	if ((e = clean_render_eml_fates(buf, len, fates, &eml, rep)) == 0)
		e = render_doc(eml.data, eml.len, mime, out, pages_out, rep);
	sdbuf_free(&eml);
	return e;
}

static int
render_doc(const unsigned char *buf, size_t len, const char *mime, struct sdbuf *out,
    unsigned *pages_out, struct clean_report *rep)
{
	const char *magic = render_magic(mime);
	fz_context *ctx;
	fz_document *volatile doc = NULL;
	fz_pixmap *volatile pix = NULL;
	fz_stream *volatile stm = NULL;
	struct sdbuf pdf = CLEAN_BUF_INIT;
	struct render_pdf p = { &pdf, NULL, 0 };
	volatile int e = 0, lowered_any = 0, npages = 0;
	size_t xref;

	if (magic == NULL) {
		clean_set_error(rep, "no safe PDF is made from this type (%s)", mime);
		return CLEAN_E_UNSUPPORTED;
	}
	if ((ctx = fz_new_context(NULL, NULL, 64u << 20)) == NULL)
		return SD_ERR_NOMEM;
	fz_try(ctx)
	{
		fz_register_document_handlers(ctx);
		stm = fz_open_memory(ctx, buf, len);
		doc = fz_open_document_with_stream(ctx, magic, stm);
		if (fz_needs_password(ctx, doc))
			fz_throw(ctx, FZ_ERROR_GENERIC, "password");
		npages = fz_count_pages(ctx, doc);
	}
	fz_catch(ctx)
	{
		if (doc != NULL && fz_needs_password(ctx, doc))
			clean_set_error(rep, "the document needs a password: no safe PDF");
		else
			clean_set_error(rep, "the document could not be opened for drawing");
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if (npages < 1) {
		clean_set_error(rep, "the document has no page to draw");
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if (npages > CLEAN_RENDER_PAGES_MAX) {
		clean_set_error(rep,
		    "the document has %d pages, more than the %d a safe PDF is "
		    "made of",
		    npages, CLEAN_RENDER_PAGES_MAX);
		e = CLEAN_E_LIMIT;
		goto out;
	}
	p.nobj = 3 + 3 * (size_t)npages;
	if ((p.off = calloc(p.nobj, sizeof *p.off)) == NULL) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	if ((e = render_printf(&pdf, "%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n")) != 0 ||
	    (e = render_obj(&p, 1)) != 0 ||
	    (e = render_printf(&pdf, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")) != 0 ||
	    (e = render_obj(&p, 2)) != 0 ||
	    (e = render_printf(&pdf, "<< /Type /Pages /Count %d /Kids [", npages)) != 0)
		goto out;
	for (int i = 0; i < npages && e == 0; i++)
		e = render_printf(&pdf, "%s%d 0 R", i ? " " : "", 3 + 3 * i);
	if (e != 0 || (e = render_printf(&pdf, "] >>\nendobj\n")) != 0)
		goto out;
	for (int i = 0; i < npages; i++) {
		int lowered = 0;
		double pw = 0, ph = 0;
		if ((pix = render_draw(ctx, doc, i, &pw, &ph, &lowered)) == NULL) {
			clean_set_error(rep, "page %d could not be drawn", i + 1);
			e = CLEAN_E_MALFORMED;
			goto out;
		}
		if (fz_pixmap_components(ctx, pix) != 3 || fz_pixmap_width(ctx, pix) < 1 ||
		    fz_pixmap_height(ctx, pix) < 1) {
			clean_set_error(rep, "page %d was drawn in an unexpected form", i + 1);
			e = CLEAN_E_INTERNAL;
			goto out;
		}
		lowered_any |= lowered;
		e = render_page(&p, (size_t)i, fz_pixmap_samples(ctx, pix),
		    fz_pixmap_width(ctx, pix), fz_pixmap_height(ctx, pix),
		    (size_t)fz_pixmap_stride(ctx, pix), pw, ph, rep);
		fz_drop_pixmap(ctx, pix);
		pix = NULL;
		if (e != 0)
			goto out;
	}
	xref = pdf.len;
	if ((e = render_printf(&pdf, "xref\n0 %zu\n0000000000 65535 f \n", p.nobj)) != 0)
		goto out;
	for (size_t k = 1; k < p.nobj && e == 0; k++)
		e = render_printf(&pdf, "%010zu 00000 n \n", p.off[k]);
	if (e != 0 ||
	    (e = render_printf(&pdf,
		 "trailer\n<< /Size %zu /Root 1 0 R >>\n"
		 "startxref\n%zu\n%%%%EOF\n",
		 p.nobj, xref)) != 0)
		goto out;
	if ((e = sdbuf_add(out, pdf.data, pdf.len)) != 0)
		goto out;
	clean_note_removed(rep,
	    "everything but the pixels of its %d page%s: text, fonts, "
	    "links, scripts, forms, annotations as objects, attachments, metadata",
	    npages, npages == 1 ? "" : "s");
	if (lowered_any)
		clean_note_kept(rep, "a page too large for %d dpi was drawn at a lower resolution",
		    CLEAN_RENDER_DPI);
	*pages_out = (unsigned)npages;
out:
	if (pix != NULL)
		fz_drop_pixmap(ctx, pix);
	if (doc != NULL)
		fz_drop_document(ctx, doc);
	if (stm != NULL)
		fz_drop_stream(ctx, stm);
	fz_drop_context(ctx);
	free(p.off);
	sdbuf_free(&pdf);
	return e;
}
