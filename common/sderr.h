/*
 * sderr.h - error codes shared by every sealdrop module.
 *
 * Library functions return 0 on success or one of these negative codes; they
 * never exit and set their outputs only on success. sd_strerror() gives a
 * short English sentence suitable for a one-line message on stderr.
 */
#ifndef SD_ERR_H
#define SD_ERR_H

enum sd_err {
	SD_OK = 0,
	SD_ERR_NOMEM = -1,       /* out of memory */
	SD_ERR_IO = -2,          /* read or write failed (errno kept) */
	SD_ERR_ARG = -3,         /* invalid argument from the caller */
	SD_ERR_FORMAT = -4,      /* bad magic, version, flags or field */
	SD_ERR_RANGE = -5,       /* a length or count out of its bound */
	SD_ERR_TRUNCATED = -6,   /* end of input before the end of the format */
	SD_ERR_TRAILING = -7,    /* bytes after the end of the format */
	SD_ERR_NOKEY = -8,       /* no recipient stanza opens with this key (only) */
	SD_ERR_HEADER_MAC = -9,  /* header MAC mismatch */
	SD_ERR_FRAME = -10,      /* a frame failed authentication */
	SD_ERR_ORDER = -11,      /* frames in a wrong order */
	SD_ERR_TRAILER = -12,    /* trailer disagrees with the content */
	SD_ERR_PASSPHRASE = -13, /* wrong passphrase or corrupted key file */
	SD_ERR_CHECKSUM = -14,   /* checksum of a text form does not match */
	SD_ERR_CRYPTO = -15,     /* libsodium failed unexpectedly */
	SD_ERR_STATE = -16,      /* call in the wrong state (API misuse) */
	SD_ERR_EXISTS = -17,     /* output already exists */
	SD_ERR_TOOLONG = -18,    /* input longer than its bound */
	SD_ERR_REPLAY = -19,     /* a one-time value used again */
	SD_ERR_LOCKED = -20,     /* refused for now: too many attempts */
	SD_ERR_AUTH = -21,       /* wrong credentials */
	SD_ERR_BUSY = -22,       /* every slot taken: try again later */
	SD_ERR_NOTFOUND = -23    /* no such row, file, entry or name */
};

/*
 * SD_MUST_CHECK marks a function whose result the caller must look at: one
 * that returns 0 or an SD_ERR_* after allocating, parsing, verifying,
 * decrypting, writing or checking something. The compiler warns (an error
 * in the dev build) at a call that drops it. Functions whose result is
 * routinely and rightly dropped (closing, freeing, the template setters
 * with their sticky error) are not marked.
 *
 * Where dropping a marked result is right, say so with sd_ignore() and a
 * comment saying why: GCC warns even on a (void) cast.
 */
#if defined(__GNUC__) || defined(__clang__)
#define SD_MUST_CHECK __attribute__((warn_unused_result))
#else
#define SD_MUST_CHECK
#endif

static inline void
sd_ignore(int result)
{
	(void)result;
}

/* A short sentence for err; never NULL. */
const char *sd_strerror(int err);

#endif
