/*
 * sdbox_int.h - internals of the .sdbox format for crypto/sdbox.c and its
 * unit tests only (not for programs; the public API is sdbox.h): the
 * version numbers, the frame and trailer layout, and the version of an
 * opened file. A program that needs one of these is reading the format by
 * hand and should ask sdbox.h for what it wants instead.
 */
#ifndef SDBOX_INT_H
#define SDBOX_INT_H

#include "sdbox.h"

#define SDBOX_VERSION 2   /* what the writer writes */
#define SDBOX_VERSION_1 1 /* still read, with its content hash */
#define SDBOX_FILEKEYBYTES 32
#define SDBOX_META_BYTES 1024 /* metadata frame payload */
#define SDBOX_TRAILER_BYTES 8 /* v2: u64 content length */
#define SDBOX_FINAL_BYTES (SDBOX_PAYLOAD_BYTES + SDBOX_TRAILER_BYTES)
#define SDBOX_TRAILER_V1_BYTES 40 /* v1: u64 content length + BLAKE2b-256 */
#define SDBOX_FINAL_V1_BYTES (SDBOX_PAYLOAD_BYTES + SDBOX_TRAILER_V1_BYTES)
#define SDBOX_FRAME_OVERHEAD 22 /* u32 length + type byte + 17 ABYTES */

/* Format version of the file (SDBOX_VERSION_1 or SDBOX_VERSION). */
int sdbox_reader_version(const struct sdbox_reader *r);

#endif
