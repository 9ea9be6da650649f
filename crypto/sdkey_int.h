/*
 * sdkey_int.h - internals of the secret key file for crypto/sdkey.c and its
 * unit tests only (not for programs; the public API is sdkey.h): the
 * layout's constants and the argon2id bounds a key file may ask for.
 */
#ifndef SDKEY_INT_H
#define SDKEY_INT_H

#include "sdkey.h"

#define SDKEY_MAGIC "\x89SDKEY\r\n"
#define SDKEY_MAGIC_BYTES 8
#define SDKEY_SALTBYTES 16
#define SDKEY_NONCEBYTES 24
/* SDKEY_FILE_BYTES: magic 8, version 1, alg 1, reserved 2, opslimit 4,
 * memlimit_kib 4, salt 16, public key 32, nonce 24, sealed secret key
 * 32 + 16 */

/* Bounds a key file may ask for (argon2id). */
#define SDKEY_OPSLIMIT_MAX 16U
#define SDKEY_MEMLIMIT_MAX (1024UL * 1024UL * 1024UL) /* 1 GiB */

#endif
