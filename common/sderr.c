/*
 * sderr.c - text for the shared error codes (see sderr.h).
 */
#include "sderr.h"

const char *
sd_strerror(int err)
{
	switch (err) {
	case SD_OK:
		return "success";
	case SD_ERR_NOMEM:
		return "out of memory";
	case SD_ERR_IO:
		return "input/output error";
	case SD_ERR_ARG:
		return "invalid argument";
	case SD_ERR_FORMAT:
		return "not a valid file of this format (bad magic, version or field)";
	case SD_ERR_RANGE:
		return "a length or count is out of range";
	case SD_ERR_TRUNCATED:
		return "file is truncated";
	case SD_ERR_TRAILING:
		return "unexpected data after the end of the file";
	case SD_ERR_NOKEY:
		return "this key is not a recipient of the file (or its header is damaged)";
	case SD_ERR_HEADER_MAC:
		return "header authentication failed (file tampered or corrupted)";
	case SD_ERR_FRAME:
		return "data authentication failed (file tampered or corrupted)";
	case SD_ERR_ORDER:
		return "frames out of order (file tampered or corrupted)";
	case SD_ERR_TRAILER:
		return "trailer does not match the content (file tampered or corrupted)";
	case SD_ERR_PASSPHRASE:
		return "wrong passphrase or corrupted key file";
	case SD_ERR_CHECKSUM:
		return "checksum mismatch (mistyped or truncated key?)";
	case SD_ERR_CRYPTO:
		return "cryptographic library failure";
	case SD_ERR_STATE:
		return "operation not valid in this state";
	case SD_ERR_EXISTS:
		return "output already exists";
	case SD_ERR_TOOLONG:
		return "input too long";
	case SD_ERR_REPLAY:
		return "already used";
	case SD_ERR_LOCKED:
		return "too many attempts, try again later";
	case SD_ERR_AUTH:
		return "wrong credentials";
	case SD_ERR_BUSY:
		return "busy: every slot is taken, try again later";
	case SD_ERR_NOTFOUND:
		return "not found";
	default:
		return "unknown error";
	}
}
