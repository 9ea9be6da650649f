/*
 * clean_formats.h - the one table of what clean/ cleans: for each detected
 * MIME type (libmagic's words), its cleaner, the extensions a cleaned file
 * of that type may carry (the first is the one sealdrop-open adds when a
 * name does not fit its content), and the cleaner that streams a
 * top-level file from descriptor to descriptor (NULL: read whole). Included by clean_core.c only, after the adapters it names.
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
	{ "image/jpeg", clean_jpeg, NULL, ".jpg .jpeg .jpe .jfif", clean_jpeg_fd },
	{ "image/png", clean_png, NULL, ".png .apng", NULL },
	{ "image/gif", clean_gif, NULL, ".gif", NULL },
	{ "image/webp", clean_riff, NULL, ".webp", clean_riff_fd },
	{ "image/tiff", clean_tiff, NULL, ".tif .tiff", NULL },
	{ "image/heic image/heif", clean_heif, NULL, ".heic .heif", NULL },
	{ "image/avif", clean_heif, NULL, ".avif", NULL },
	/* Image sequences: clean_heif says they are not supported. */
	{ "image/heic-sequence image/heif-sequence", clean_heif, NULL, ".heics .heifs", NULL },
	{ "application/pdf", NULL, clean_pdf, ".pdf", NULL },

	{ "audio/mpeg", clean_mp3, NULL, ".mp3 .mp2 .mpga", clean_mp3_fd },
	{ "audio/flac audio/x-flac", clean_flac, NULL, ".flac", clean_flac_fd },
	{ "audio/x-wav audio/wav audio/vnd.wave", clean_riff, NULL, ".wav .wave", clean_riff_fd },
	{ "audio/ogg", clean_ogg, NULL, ".ogg .oga .opus", NULL },
	{ "application/ogg", clean_ogg, NULL, ".ogg .oga .ogx .opus", NULL },
	{ "audio/x-vorbis+ogg", clean_ogg, NULL, ".ogg .oga", NULL },
	{ "audio/opus", clean_ogg, NULL, ".opus .ogg", NULL },
	{ "audio/x-aiff audio/aiff", clean_aiff, NULL, ".aiff .aif .aifc", clean_aiff_fd },

	{ "video/mp4", clean_mp4, NULL, ".mp4 .m4v .m4a", clean_mp4_fd },
	{ "video/quicktime", clean_mp4, NULL, ".mov .qt", clean_mp4_fd },
	{ "audio/x-m4a audio/mp4", clean_mp4, NULL, ".m4a .mp4", clean_mp4_fd },
	{ "video/3gpp", clean_mp4, NULL, ".3gp .3gpp", clean_mp4_fd },
	{ "video/3gpp2", clean_mp4, NULL, ".3g2 .3gpp2", clean_mp4_fd },
	{ "video/x-m4v", clean_mp4, NULL, ".m4v .mp4", clean_mp4_fd },
	{ "video/x-ms-asf", clean_asf, NULL, ".wmv .wma .asf", clean_asf_fd },
	{ "video/x-ms-wmv", clean_asf, NULL, ".wmv .asf", clean_asf_fd },
	{ "audio/x-ms-wma audio/x-ms-asf", clean_asf, NULL, ".wma .asf", clean_asf_fd },
	{ "application/vnd.ms-asf", clean_asf, NULL, ".asf .wmv .wma", clean_asf_fd },
	{ "video/x-msvideo video/avi video/msvideo", clean_avi, NULL, ".avi", clean_avi_fd },
	{ "video/x-matroska", clean_mkv, NULL, ".mkv .mka .mk3d", clean_mkv_fd },
	{ "video/webm", clean_mkv, NULL, ".webm", clean_mkv_fd },
	{ "audio/webm", clean_mkv, NULL, ".webm .weba", clean_mkv_fd },
	{ "audio/x-matroska", clean_mkv, NULL, ".mka .mkv", clean_mkv_fd },

	{ "application/x-tar", NULL, clean_tar, ".tar", NULL },
	{ "application/gzip application/x-gzip", NULL, clean_gzip, ".gz .tgz", NULL },
	{ "application/x-xz", NULL, clean_xz, ".xz .txz", NULL },
	{ "application/x-bzip2", NULL, clean_bzip2, ".bz2 .tbz2 .tbz", NULL },
	{ "application/zstd", NULL, clean_zstd, ".zst .tzst", NULL },
	{ "application/epub+zip", NULL, clean_zip, ".epub", NULL },
	/* libmagic calls some Office files made by other tools a plain ZIP (or
	 * octet-stream, see clean_any); the ZIP cleaner knows them by their
	 * content and cleans them as such. */
	{ "application/zip application/octet-stream+zip", NULL, clean_zip,
	    ".zip .docx .xlsx .pptx .odt .ods .odp .odg", NULL },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", NULL,
	    clean_zip, ".docx", NULL },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", NULL, clean_zip,
	    ".xlsx", NULL },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation", NULL,
	    clean_zip, ".pptx", NULL },
	{ "application/vnd.ms-excel", NULL, clean_zip, ".xlsx .xls", NULL },
	{ "application/vnd.oasis.opendocument.text", NULL, clean_zip, ".odt", NULL },
	{ "application/vnd.oasis.opendocument.spreadsheet", NULL, clean_zip, ".ods", NULL },
	{ "application/vnd.oasis.opendocument.presentation", NULL, clean_zip, ".odp", NULL },
	{ "application/vnd.oasis.opendocument.graphics", NULL, clean_zip, ".odg", NULL },
	/* Templates and the rarer kinds: a name with none of these gets .zip
	 * (a ZIP is what they are; no macro-enabled extension is listed). */
	{ "application/vnd.openxmlformats-officedocument.*", NULL, clean_zip,
	    ".zip .dotx .xltx .potx .ppsx .docx .xlsx .pptx", NULL },
	{ "application/vnd.oasis.opendocument.*", NULL, clean_zip,
	    ".zip .ott .ots .otp .otg .odf .odc", NULL },

	{ "image/svg+xml", NULL, clean_core_svg, ".svg", NULL },
	/* libmagic calls an SVG without an XML declaration or doctype text/xml;
	 * another XML document is not supported. */
	{ "text/xml application/xml", NULL, clean_core_xml, ".svg", NULL },
	{ "text/html", NULL, clean_core_html, ".html .htm", NULL },
	{ "text/plain", clean_core_text, NULL,
	    ".txt .text .md .markdown .csv .tsv .log .css .json .rst .srt .vtt", NULL },
	{ "application/x-empty", clean_core_text, NULL, ".txt .text .md .csv .log", NULL },
};

#endif
