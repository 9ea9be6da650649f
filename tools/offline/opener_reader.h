/*
 * opener_reader.h - the offline reader sealdrop-open writes into --out
 * (DIR/index.html and the pages under DIR/reader/LANG/) from its state after each run;
 * opener_reader.c says what each page holds.
 */
#ifndef OPENER_READER_H
#define OPENER_READER_H

#include "sdbuf.h"

#include <stddef.h>

struct opener_state;

/* Bytes of one message or reply shown on a page (the rest is in its file,
 * and the page says so). */
#define OPENER_READER_TEXT_MAX (2u << 20)
/* Items shown on one conversation page (the page says when more exist). */
#define OPENER_READER_ITEMS_MAX 2000u
/* Bytes of one rendered page. */
#define OPENER_READER_PAGE_MAX (256u << 20)

/* Parse the reader's embedded templates and load the catalogues (once). */
int opener_reader_init(void);

/* Write every page from the state; DIR/index.html in lang ("en" when lang
 * is not a supported language). 0 or a negative SD_ERR_*. */
int opener_reader_write(int outfd, const struct opener_state *st, const char *lang);

/* Open read-only a file named by a state path (checked by
 * opener_state_path_ok) under outfd, without following a link at any
 * step: a descriptor, or -1. */
int opener_open_beneath(int outfd, const char *path);

/* Append to out the text in[0..len) as it may be shown: invalid UTF-8
 * replaced by U+FFFD, CRLF made LF, and every other control character
 * (C0 but newline and tab, DEL, C1) and every character that changes the
 * text's direction (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069) written as "[U+XXXX]"; *marked is set when any was. */
int opener_reader_text(const unsigned char *in, size_t len, struct sdbuf *out, int *marked);

#endif
