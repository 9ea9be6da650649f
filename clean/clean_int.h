/*
 * clean_int.h - the inside of the cleaning library (not installed): what
 * clean.h's callers need not see. Every file of clean/ includes this one
 * only (it includes clean.h); unit tests and fuzz targets include it to
 * reach the per-format cleaners. It holds the output buffers and report
 * notes (clean_note.c, a leaf that calls nothing else in clean/), the
 * dispatch (clean_core.c and its table clean_formats.h), the per-format
 * cleaners (byte order comes from common/sdbytes.h; callers bound-check
 * first), and the
 * test-only fault hooks (compiled in only with SD_CLEAN_TEST_HOOKS, see
 * clean_hook.c).
 */
#ifndef CLEAN_INT_H
#define CLEAN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "clean.h"
#include "sdbuf.h"
#include "sdbytes.h"

/* Outputs are built in common/sdbuf.h's buffers (read as .data). Every
 * one in clean/ starts as CLEAN_BUF_INIT: the bound is above the largest
 * output a cleaner builds in memory (an input of at most CLEAN_MEMORY_MAX
 * rewritten, a drawing of at most CLEAN_RENDER_OUT_MAX, an office PDF of
 * at most CLEAN_OFFICE_PDF_MAX) with room for what a rewrite adds, so it
 * refuses only a runaway. */
#define CLEAN_BUF_MAX ((size_t)CLEAN_MEMORY_MAX * 2)
#define CLEAN_BUF_INIT SDBUF_INIT(CLEAN_BUF_MAX)

/* Add a note (deduplicated; when a list is full its last line says that
 * more was not listed, so a full list never reads as complete). */
void clean_note_removed(struct clean_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void
clean_note_kept(struct clean_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void clean_note_uninspected(struct clean_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void
clean_set_error(struct clean_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* MIME type of buf from its content, into type (CLEAN_TYPE_MAX + 1). */
int clean_detect(struct clean_ctx *c, const unsigned char *buf, size_t len, char *type);

/*
 * Clean buf, whose type was detected as mime, into out (appended). depth
 * counts the containers around it (0 for a top-level file). Returns 0 when
 * out holds a cleaned file, or a negative code (rep->error says why).
 */
int clean_buffer(struct clean_ctx *c, const unsigned char *buf, size_t len, const char *mime,
    unsigned depth, struct sdbuf *out, struct clean_report *rep);

/* Detect and clean in one call (what the sandboxed child runs). */
int clean_any(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep);

/* The per-format cleaners, exposed for the fuzz targets and unit tests. */
int clean_jpeg(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
int clean_png(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* MP4, MOV, M4A, 3GP, fragmented or not. */
int clean_mp4(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* The same, streamed: the len bytes of infd (read with lseek and read) are
 * cleaned into outfd (written in order) holding only the movie header and
 * one fragment header at a time, whatever len. On error outfd holds a
 * partial file that must be discarded. */
int clean_mp4_fd(int infd, uint64_t len, int outfd, struct clean_report *rep);

/* Streaming (clean_stream.c, a leaf): a source is a buffer (buf set) or
 * the len bytes of a descriptor read with lseek and read; a sink is a
 * buffer (buf set) or a descriptor written in order. */
#define CLEAN_STREAM_CHUNK (1u << 20) /* bytes copied at a time */
#define CLEAN_SRC_WINDOW 65536u       /* small reads from a descriptor are served from here */
struct clean_src_win {
	unsigned char *buf; /* CLEAN_SRC_WINDOW bytes, allocated on first use */
	uint64_t off;
	size_t len;
};
struct clean_src {
	const unsigned char *buf;
	int fd;
	uint64_t len;
	struct clean_src_win *win; /* a descriptor's read window, or NULL (none) */
};
void clean_src_win_free(struct clean_src_win *w);
struct clean_sink {
	struct sdbuf *buf;
	int fd;
	unsigned char *chunk; /* CLEAN_STREAM_CHUNK bytes, allocated on first use */
};
/* n bytes at off; CLEAN_E_MALFORMED when they are not all in the source. */
int clean_src_read(const struct clean_src *s, uint64_t off, void *d, size_t n);
int clean_sink_put(struct clean_sink *k, const void *p, size_t n);
/* Copy n bytes of s from off to k, a chunk at a time. */
int clean_sink_copy(struct clean_sink *k, const struct clean_src *s, uint64_t off, uint64_t n);
void clean_sink_free(struct clean_sink *k);

/* A patch list for the in-place cleaners: [off, off + len) is written as
 * head (nhead bytes) followed by zeros. At most CLEAN_PATCH_MAX patches
 * (CLEAN_E_LIMIT beyond), which never overlap (CLEAN_E_MALFORMED). */
#define CLEAN_PATCH_HEAD 24
#define CLEAN_PATCH_MAX 65536u
struct clean_patch {
	uint64_t off, len;
	unsigned char nhead;
	unsigned char head[CLEAN_PATCH_HEAD];
};
struct clean_patches {
	struct clean_patch *p;
	size_t n, cap;
};
int clean_patch_add(
    struct clean_patches *l, uint64_t off, uint64_t len, const void *head, size_t nhead);
/* Read n bytes at off as they will be written (patches applied). */
int clean_patch_read(
    const struct clean_src *s, const struct clean_patches *l, uint64_t off, void *d, size_t n);
/* Write the first len bytes of the source to k with the patches applied. */
int clean_patch_copy(
    const struct clean_src *s, const struct clean_patches *l, uint64_t len, struct clean_sink *k);
void clean_patch_free(struct clean_patches *l);

/* The streamed cleaners: the len bytes of infd (read with lseek and read)
 * cleaned into outfd (written in order) in bounded memory (docs/cleaning.md
 * gives each bound); the same code as the buffer cleaners of the same name,
 * so the outputs are the same bytes. On error outfd holds a partial file
 * that must be discarded. */
int clean_mkv_fd(int infd, uint64_t len, int outfd, struct clean_report *rep);
int clean_jpeg_fd(int infd, uint64_t len, int outfd, struct clean_report *rep);
int clean_mp3_fd(int infd, uint64_t len, int outfd, struct clean_report *rep);
int clean_flac_fd(int infd, uint64_t len, int outfd, struct clean_report *rep);
int clean_avi_fd(int infd, uint64_t len, int outfd, struct clean_report *rep);
int clean_asf_fd(int infd, uint64_t len, int outfd, struct clean_report *rep);
int clean_riff_fd(int infd, uint64_t len, int outfd, struct clean_report *rep);
int clean_aiff_fd(int infd, uint64_t len, int outfd, struct clean_report *rep);

/* The streamed cleaner of a top-level file of this MIME type (from the
 * format table), or CLEAN_E_UNSUPPORTED when the type is not streamed. */
int clean_stream(const char *mime, int infd, uint64_t len, int outfd, struct clean_report *rep);

/* 1 when a top-level file of this MIME type is cleaned by streaming
 * (clean_file_sandboxed then never holds it whole in memory). */
int clean_streamed(const char *mime);
/* AVI: metadata chunks overwritten in place by zeroed JUNK chunks. */
int clean_avi(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* ASF (WMV, WMA): metadata objects overwritten in place by zeroed Padding
 * objects, the creation date and stream names zeroed. */
int clean_asf(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* Matroska and WebM: metadata elements overwritten in place by Void
 * elements of the same size (the output has the input's layout). */
int clean_mkv(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* gzip (.tar.gz, .gz): every member inflated within the archive bounds,
 * the content cleaned by type one level down, written as one new member
 * with no name, comment, extra field or time. */
int clean_gzip(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep);
/* A text that parses as CSS: comments removed (strings and url() kept and
 * reported); CLEAN_E_UNSUPPORTED, out untouched, when it is not CSS. */
int clean_css(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* HEIF still images (HEIC, AVIF): metadata items removed from the boxes,
 * the coded images copied as they are; image sequences are unsupported. */
int clean_heif(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* Classic TIFF, every page; out must be empty (offsets are absolute). */
int clean_tiff(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
int clean_gif(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* WebP and WAV; another RIFF form is CLEAN_E_UNSUPPORTED. */
int clean_riff(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* One Ogg Vorbis or Opus stream: the comment header emptied. */
int clean_ogg(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
int clean_aiff(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
int clean_mp3(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
int clean_flac(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* c may be NULL: attached files are then kept and reported. */
int clean_pdf(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep);
int clean_zip(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep);
int clean_tar(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep);
/* SVG (html == 0), HTML (html == 1) or XHTML (html == 2, written as XML)
 * by element and attribute allow-lists. */
int clean_markup(struct clean_ctx *c, const unsigned char *buf, size_t len, int html,
    unsigned depth, struct sdbuf *out, struct clean_report *rep);
/* An EPUB's package document (OPF), NCX or other XML member. */
int clean_opf(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* Clean one XML member of an office document (name is its path inside). */
int clean_office_xml(const char *name, const unsigned char *buf, size_t len, struct sdbuf *out,
    struct clean_report *rep);

/* A format's row in the table (clean_formats.h): exactly one of plain
 * (a cleaner of one buffer) and deep (a container, or a cleaner that needs
 * the context and the depth) is set. */
struct clean_format {
	const char *mimes;
	int (*plain)(
	    const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
	int (*deep)(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
	    struct sdbuf *out, struct clean_report *rep);
	const char *exts;
	/* the streamed cleaner of a top-level file, or NULL (read whole) */
	int (*stream)(int infd, uint64_t len, int outfd, struct clean_report *rep);
};

/* .xz, .bz2, .zst (and .tar.xz, .tar.bz2, .tar.zst): decompressed through
 * libarchive within the archive bounds, the content cleaned by type one
 * level down, compressed again anew (clean_compress.c). */
int clean_xz(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep);
int clean_bzip2(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep);
int clean_zstd(struct clean_ctx *c, const unsigned char *buf, size_t len, unsigned depth,
    struct sdbuf *out, struct clean_report *rep);

/* An e-mail (message/rfc822) as XHTML for clean_render_pdf: its text body
 * and the names of its attachments, no header (clean_render_eml.c). */
int
clean_render_eml(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep);
/* The same, with fates (NULL, or one '\n'-separated line per attachment in
 * order: what became of it) drawn beside each attachment's name. */
int clean_render_eml_fates(const unsigned char *buf, size_t len, const char *fates,
    struct sdbuf *out, struct clean_report *rep);
/* Attachment index (0-based, in the order the page lists them) of the e-mail
 * buf decoded into out, its name (printable ASCII, "" when it has none) into
 * name; *count gets how many the e-mail has. SD_ERR_NOTFOUND when there is
 * no such attachment (the e-mail's bounds: parts, nesting). */
int clean_eml_attachment(const unsigned char *buf, size_t len, unsigned index, struct sdbuf *out,
    char *name, size_t namesz, unsigned *count);
/* Safe PDFs: buf drawn into out in this process (clean_render.c; see
 * clean_render_sandboxed in clean.h); fates as clean_render_eml_fates's. */
int clean_render_pdf(const unsigned char *buf, size_t len, const char *mime, const char *fates,
    struct sdbuf *out, unsigned *pages, struct clean_report *rep);

struct clean_report;

/* One ISO base media box (MP4, MOV, HEIF): where it starts, its type, its
 * header length and whole size; clean_mp4.c. */
struct clean_box {
	const unsigned char *p;
	char type[4];
	size_t hdr, size;
};

/* The box at p with n bytes left (a size of 0 runs to the end; a 64-bit
 * size is read); 0, or CLEAN_E_MALFORMED when it does not fit in n. */
int clean_box_at(const unsigned char *p, size_t n, struct clean_box *b);
int clean_box_is(const struct clean_box *b, const char *type);
/* Append a box header for a payload of n bytes (64-bit size when needed). */
int clean_box_header(struct sdbuf *o, const char *type, size_t n);

/* An archive member name with no absolute path, "..", "." component,
 * backslash or control character. */
int clean_member_name_safe(const char *n);

/* 1 when an OOXML package member is dropped whole (comments, people,
 * customXml, printer settings); clean_office.c. */
int clean_office_part_dropped(const char *name);

/* Copy a member's notes into the container's report, prefixed by its name. */
void clean_note_member(struct clean_report *r, const char *name, const struct clean_report *sub);

/* Test builds: crash or hang on purpose when SEALDROP_TEST_CLEAN_CRASH or
 * SEALDROP_TEST_CLEAN_HANG names the MIME type being cleaned. Returns 0
 * otherwise; a no-op in production builds. */
int clean_test_hook(const char *mime);

/* Test builds: with SEALDROP_TEST_CLEAN_PROBE set, try what the sandbox
 * must forbid (open a file; with "socket", open a socket) and note the
 * outcome in rep. A no-op in production builds. */
void clean_test_probe(struct clean_report *rep);

#endif
