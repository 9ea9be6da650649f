/*
 * clean_formats.h - the one table of what clean/ cleans: for each detected
 * MIME type (libmagic's words), its cleaner, the extensions a cleaned file
 * of that type may carry (the first is the one sealdrop-open adds when a
 * name does not fit its content), and whether a top-level file is
 * streamed. Included by clean_core.c only, after the adapters it names.
 *
 * Adding a format: one row here and one clean_<format>.c file (with its
 * prototype in clean_int.h and its line in CMakeLists.txt). A type with no
 * row is CLEAN_E_UNSUPPORTED: kept apart as "uncleaned".
 *
 * mimes is space-separated; an entry ending in '*' matches every type that
 * starts with it (rows are searched in order, so specific rows go first).
 * An extension a desktop would run or interpret as something else
 * (.desktop, .sh, .js, .jar, .docm...) is never listed: docs/decisions.md,
 * "Extensions of cleaned files".
 */
#ifndef CLEAN_FORMATS_H
#define CLEAN_FORMATS_H

static const struct clean_format clean_formats[] = {
	{ "image/jpeg", clean_jpeg, NULL, ".jpg .jpeg .jpe .jfif", 0 },
	{ "image/png", clean_png, NULL, ".png .apng", 0 },
	{ "image/gif", clean_gif, NULL, ".gif", 0 },
	{ "image/webp", clean_riff, NULL, ".webp", 0 },
	{ "image/tiff", clean_tiff, NULL, ".tif .tiff", 0 },
	{ "image/heic image/heif", clean_heif, NULL, ".heic .heif", 0 },
	{ "image/avif", clean_heif, NULL, ".avif", 0 },
	/* Image sequences: clean_heif says they are not supported. */
	{ "image/heic-sequence image/heif-sequence", clean_heif, NULL, ".heics .heifs", 0 },
	{ "application/pdf", NULL, clean_pdf, ".pdf", 0 },

	{ "audio/mpeg", clean_mp3, NULL, ".mp3 .mp2 .mpga", 0 },
	{ "audio/flac audio/x-flac", clean_flac, NULL, ".flac", 0 },
	{ "audio/x-wav audio/wav audio/vnd.wave", clean_riff, NULL, ".wav .wave", 0 },
	{ "audio/ogg", clean_ogg, NULL, ".ogg .oga .opus", 0 },
	{ "application/ogg", clean_ogg, NULL, ".ogg .oga .ogx .opus", 0 },
	{ "audio/x-vorbis+ogg", clean_ogg, NULL, ".ogg .oga", 0 },
	{ "audio/opus", clean_ogg, NULL, ".opus .ogg", 0 },
	{ "audio/x-aiff audio/aiff", clean_aiff, NULL, ".aiff .aif .aifc", 0 },

	{ "video/mp4", clean_mp4, NULL, ".mp4 .m4v .m4a", 1 },
	{ "video/quicktime", clean_mp4, NULL, ".mov .qt", 1 },
	{ "audio/x-m4a audio/mp4", clean_mp4, NULL, ".m4a .mp4", 1 },
	{ "video/3gpp", clean_mp4, NULL, ".3gp .3gpp", 1 },
	{ "video/3gpp2", clean_mp4, NULL, ".3g2 .3gpp2", 1 },
	{ "video/x-m4v", clean_mp4, NULL, ".m4v .mp4", 1 },
	{ "video/x-ms-asf", clean_asf, NULL, ".wmv .wma .asf", 0 },
	{ "video/x-ms-wmv", clean_asf, NULL, ".wmv .asf", 0 },
	{ "audio/x-ms-wma audio/x-ms-asf", clean_asf, NULL, ".wma .asf", 0 },
	{ "application/vnd.ms-asf", clean_asf, NULL, ".asf .wmv .wma", 0 },
	{ "video/x-msvideo video/avi video/msvideo", clean_avi, NULL, ".avi", 0 },
	{ "video/x-matroska", clean_mkv, NULL, ".mkv .mka .mk3d", 0 },
	{ "video/webm", clean_mkv, NULL, ".webm", 0 },
	{ "audio/webm", clean_mkv, NULL, ".webm .weba", 0 },
	{ "audio/x-matroska", clean_mkv, NULL, ".mka .mkv", 0 },

	{ "application/x-tar", NULL, clean_tar, ".tar", 0 },
	{ "application/gzip application/x-gzip", NULL, clean_gzip, ".gz .tgz", 0 },
	{ "application/x-xz", NULL, clean_xz, ".xz .txz", 0 },
	{ "application/x-bzip2", NULL, clean_bzip2, ".bz2 .tbz2 .tbz", 0 },
	{ "application/zstd", NULL, clean_zstd, ".zst .tzst", 0 },
	{ "application/epub+zip", NULL, clean_zip, ".epub", 0 },
	/* libmagic calls some Office files made by other tools a plain ZIP (or
	 * octet-stream, see clean_any); the ZIP cleaner knows them by their
	 * content and cleans them as such. */
	{ "application/zip application/octet-stream+zip", NULL, clean_zip,
	  ".zip .docx .xlsx .pptx .odt .ods .odp .odg", 0 },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", NULL,
	  clean_zip, ".docx", 0 },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", NULL, clean_zip,
	  ".xlsx", 0 },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation", NULL,
	  clean_zip, ".pptx", 0 },
	{ "application/vnd.ms-excel", NULL, clean_zip, ".xlsx .xls", 0 },
	{ "application/vnd.oasis.opendocument.text", NULL, clean_zip, ".odt", 0 },
	{ "application/vnd.oasis.opendocument.spreadsheet", NULL, clean_zip, ".ods", 0 },
	{ "application/vnd.oasis.opendocument.presentation", NULL, clean_zip, ".odp", 0 },
	{ "application/vnd.oasis.opendocument.graphics", NULL, clean_zip, ".odg", 0 },
	/* Templates and the rarer kinds: a name with none of these gets .zip
	 * (a ZIP is what they are; no macro-enabled extension is listed). */
	{ "application/vnd.openxmlformats-officedocument.*", NULL, clean_zip,
	  ".zip .dotx .xltx .potx .ppsx .docx .xlsx .pptx", 0 },
	{ "application/vnd.oasis.opendocument.*", NULL, clean_zip,
	  ".zip .ott .ots .otp .otg .odf .odc", 0 },

	{ "image/svg+xml", NULL, clean_core_svg, ".svg", 0 },
	/* libmagic calls an SVG without an XML declaration or doctype text/xml;
	 * another XML document is not supported. */
	{ "text/xml application/xml", NULL, clean_core_xml, ".svg", 0 },
	{ "text/html", NULL, clean_core_html, ".html .htm", 0 },
	{ "text/plain", clean_core_text, NULL,
	  ".txt .text .md .markdown .csv .tsv .log .css .json .rst .srt .vtt", 0 },
	{ "application/x-empty", clean_core_text, NULL, ".txt .text .md .csv .log", 0 },
};

#endif
