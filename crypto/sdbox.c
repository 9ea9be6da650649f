/*
 * sdbox.c - the .sdbox streaming writer (version 2) and reader (versions 1
 * and 2); see sdbox.h and docs/spool-format.md for the byte layout.
 *
 * Layout: a header (magic, version, flags, recipient count, reserved, one
 * sealed stanza per recipient, the secretstream header, a keyed BLAKE2b MAC
 * of all that), then frames, each a little-endian u32 ciphertext length and
 * a secretstream message whose associated data is the header MAC and whose
 * plaintext starts with a type byte:
 *   'M' metadata  (TAG_PUSH,    SDBOX_META_BYTES payload),
 *   'C' content   (TAG_MESSAGE, SDBOX_PAYLOAD_BYTES payload),
 *   'P' padding   (TAG_MESSAGE, SDBOX_PAYLOAD_BYTES zero bytes),
 *   'F' final     (TAG_FINAL,   SDBOX_FINAL_BYTES: tail content, zeros,
 *                  trailer = u64 content length; version 1 also had a
 *                  BLAKE2b-256 of the content there, SDBOX_FINAL_V1_BYTES).
 * Every frame of a kind has the same size, so the clear length prefixes
 * reveal only the total frame count, which Padme padding quantises.
 *
 * The writer keeps one plaintext frame and one ciphertext frame: content is
 * copied once (behind the type byte), encrypted once and written with one
 * call per frame. The reader reads a frame, decrypts it into its plaintext
 * buffer and hands out a pointer into it; for a version 1 file it also
 * hashes the content inline.
 */
#include "sdbox.h"
#include "sdbox_int.h"
#include "sdbytes.h"
#include "sderr.h"
#include "sdio.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define TAG_MESSAGE crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_PUSH crypto_secretstream_xchacha20poly1305_TAG_PUSH
#define TAG_FINAL crypto_secretstream_xchacha20poly1305_TAG_FINAL

#define KDF_CONTEXT "sdbox-v1"
#define KDF_ID_STREAM 1
#define KDF_ID_MAC 2

#define TYPE_META 'M'
#define TYPE_CONTENT 'C'
#define TYPE_PAD 'P'
#define TYPE_FINAL 'F'

/* Ciphertext length of a frame with a payload of p bytes. */
#define CLEN(p) (1U + (p) + SS_ABYTES)
#define CLEN_META CLEN(SDBOX_META_BYTES)
#define CLEN_DATA CLEN(SDBOX_PAYLOAD_BYTES)
#define CLEN_FINAL CLEN(SDBOX_FINAL_BYTES)
#define CLEN_FINAL_V1 CLEN(SDBOX_FINAL_V1_BYTES)
#define FRAME_META (4U + CLEN_META)
#define FRAME_DATA (4U + CLEN_DATA)
#define FRAME_FINAL (4U + CLEN_FINAL)

#define HDR_BYTES(n) \
	(SDBOX_FIXED_BYTES + (n)*SDBOX_STANZA_BYTES + SDBOX_STREAMHEADER_BYTES + SDBOX_MAC_BYTES)
#define HDR_MAX HDR_BYTES(SDBOX_RECIPIENTS_MAX)
#define META_FIXED 12U

enum phase { PH_CONTENT, PH_PADDING, PH_TAIL, PH_DONE, PH_FAILED };

struct sdbox_writer {
	crypto_secretstream_xchacha20poly1305_state ss;
	unsigned char mac[SDBOX_MAC_BYTES];
	unsigned char plain[1 + SDBOX_FINAL_BYTES]; /* type byte + payload */
	unsigned char frame[4 + CLEN_FINAL];        /* length + ciphertext */
	size_t fill;                                /* content bytes waiting in plain + 1 */
	size_t nrecip;
	uint64_t content_len;
	enum phase phase;
	sdbox_write_fn fn;
	void *ctx;
};

struct sdbox_reader {
	crypto_secretstream_xchacha20poly1305_state ss;
	crypto_generichash_state hash; /* version 1: BLAKE2b of the content */
	unsigned char mac[SDBOX_MAC_BYTES];
	unsigned char plain[1 + SDBOX_FINAL_V1_BYTES];
	unsigned char frame[CLEN_FINAL_V1];
	int version;
	size_t final_bytes; /* payload of the final frame for this version */
	struct sdbox_meta meta;
	uint64_t seen;        /* content bytes handed out */
	uint64_t content_len; /* from the trailer */
	size_t tail;          /* content bytes in the final frame */
	enum phase phase;
	sdbox_read_fn fn;
	void *ctx;
};

static int
all_zero(const unsigned char *p, size_t n)
{
	unsigned char acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

int
sdbox_fd_write(void *ctx, const unsigned char *buf, size_t len)
{
	return sd_write_full(*(int *)ctx, buf, len);
}

int
sdbox_fd_read(void *ctx, unsigned char *buf, size_t len, size_t *got)
{
	return sd_read_full(*(int *)ctx, buf, len, got);
}

/* Padme (Nikitin et al., PETS 2019): round n up so that at most
 * floor(log2 E) + 1 significant bits remain, E = floor(log2 n). */
static uint64_t
padme(uint64_t n)
{
	unsigned e = 0, s = 0;
	uint64_t mask;

	if (n < 2)
		return n;
	while ((n >> (e + 1)) != 0)
		e++;
	while ((e >> s) != 0)
		s++;
	if (e <= s)
		return n;
	mask = ((uint64_t)1 << (e - s)) - 1;
	return (n + mask) & ~mask;
}

/*
 * Padding frames to add after nfull content frames. Frames are the unit of
 * size an observer sees (every frame of a kind has one length), so Padme is
 * applied to the frame count: the nfull content frames and the final frame
 * become padme(nfull + 1) frames. Below 8 frames (512 KiB) the count is
 * exact, which already hides the size to 64 KiB; above, the overhead stays
 * under 12 % and the number of possible sizes grows as log log of the size.
 */
static uint64_t
pad_frames(uint64_t nfull)
{
	return padme(nfull + 1) - (nfull + 1);
}

uint64_t
sdbox_file_size(uint64_t content_len, size_t n)
{
	uint64_t nfull = content_len / SDBOX_PAYLOAD_BYTES;

	return HDR_BYTES(n) + FRAME_META + FRAME_FINAL + (nfull + pad_frames(nfull)) * FRAME_DATA;
}

/* Derive the stream and MAC subkeys from the file key. */
static int
derive_keys(const unsigned char filekey[SDBOX_FILEKEYBYTES],
    unsigned char skey[crypto_secretstream_xchacha20poly1305_KEYBYTES],
    unsigned char mkey[crypto_generichash_KEYBYTES])
{
	if (crypto_kdf_derive_from_key(skey, crypto_secretstream_xchacha20poly1305_KEYBYTES,
		KDF_ID_STREAM, KDF_CONTEXT, filekey) != 0 ||
	    crypto_kdf_derive_from_key(
		mkey, crypto_generichash_KEYBYTES, KDF_ID_MAC, KDF_CONTEXT, filekey) != 0)
		return SD_ERR_CRYPTO;
	return 0;
}

static int
header_mac(const unsigned char *hdr, size_t len, const unsigned char *mkey,
    unsigned char mac[SDBOX_MAC_BYTES])
{
	if (crypto_generichash(mac, SDBOX_MAC_BYTES, hdr, len, mkey, crypto_generichash_KEYBYTES) !=
	    0)
		return SD_ERR_CRYPTO;
	return 0;
}

/* ---- writer ------------------------------------------------------------ */

static int
meta_check(const struct sdbox_meta *m, size_t *nl, size_t *ml, size_t *rl)
{
	if (m->kind != SDBOX_KIND_MESSAGE && m->kind != SDBOX_KIND_FILE &&
	    m->kind != SDBOX_KIND_REPLY)
		return SD_ERR_ARG;
	*nl = strnlen(m->name, sizeof m->name);
	*ml = strnlen(m->mime, sizeof m->mime);
	*rl = strnlen(m->ref, sizeof m->ref);
	if (*nl > SDBOX_NAME_MAX || *ml > SDBOX_MIME_MAX || *rl > SDBOX_REF_MAX)
		return SD_ERR_TOOLONG;
	return 0;
}

/* Encode meta into p (SDBOX_META_BYTES, zeroed by the caller). */
static int
meta_encode(const struct sdbox_meta *m, unsigned char *p)
{
	size_t nl, ml, rl;
	int r;

	if ((r = meta_check(m, &nl, &ml, &rl)) != 0)
		return r;
	p[0] = (unsigned char)m->kind;
	p[1] = (unsigned char)nl;
	p[2] = (unsigned char)ml;
	p[3] = (unsigned char)rl;
	sd_store_le64(p + 4, m->time - m->time % 3600);
	memcpy(p + META_FIXED, m->name, nl);
	memcpy(p + META_FIXED + nl, m->mime, ml);
	memcpy(p + META_FIXED + nl + ml, m->ref, rl);
	return 0;
}

/* Encrypt w->plain[0 .. 1 + payload) as one frame and write it. */
static int
writer_emit(struct sdbox_writer *w, unsigned char type, unsigned char tag, size_t payload)
{
	unsigned long long clen = 0;
	int r;

	w->plain[0] = type;
	if (crypto_secretstream_xchacha20poly1305_push(&w->ss, w->frame + 4, &clen, w->plain,
		1 + payload, w->mac, sizeof w->mac, tag) != 0)
		return SD_ERR_CRYPTO;
	sd_store_le32(w->frame, (uint32_t)clen);
	if ((r = w->fn(w->ctx, w->frame, 4 + (size_t)clen)) != 0)
		return r < 0 ? r : SD_ERR_IO;
	return 0;
}

/* Build and write the header; leaves w->ss initialised and w->mac set. */
static int
writer_header(struct sdbox_writer *w, const unsigned char (*rcpt)[SDBOX_PUBLICKEYBYTES], size_t n)
{
	unsigned char hdr[HDR_MAX];
	unsigned char filekey[SDBOX_FILEKEYBYTES];
	unsigned char skey[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char mkey[crypto_generichash_KEYBYTES];
	size_t off = SDBOX_FIXED_BYTES;
	int r = SD_ERR_CRYPTO;

	memcpy(hdr, SDBOX_MAGIC, SDBOX_MAGIC_BYTES);
	hdr[8] = SDBOX_VERSION;
	hdr[9] = 0;
	hdr[10] = (unsigned char)n;
	hdr[11] = 0;
	randombytes_buf(filekey, sizeof filekey);
	for (size_t i = 0; i < n; i++, off += SDBOX_STANZA_BYTES)
		if (crypto_box_seal(hdr + off, filekey, sizeof filekey, rcpt[i]) != 0)
			goto out;
	if ((r = derive_keys(filekey, skey, mkey)) != 0)
		goto out;
	r = SD_ERR_CRYPTO;
	if (crypto_secretstream_xchacha20poly1305_init_push(&w->ss, hdr + off, skey) != 0)
		goto out;
	off += SDBOX_STREAMHEADER_BYTES;
	if ((r = header_mac(hdr, off, mkey, w->mac)) != 0)
		goto out;
	memcpy(hdr + off, w->mac, SDBOX_MAC_BYTES);
	off += SDBOX_MAC_BYTES;
	r = w->fn(w->ctx, hdr, off);
	if (r > 0)
		r = SD_ERR_IO;
out:
	sodium_memzero(filekey, sizeof filekey);
	sodium_memzero(skey, sizeof skey);
	sodium_memzero(mkey, sizeof mkey);
	return r;
}

int
sdbox_writer_new(struct sdbox_writer **out, const unsigned char (*recipients)[SDBOX_PUBLICKEYBYTES],
    size_t n, const struct sdbox_meta *meta, sdbox_write_fn fn, void *ctx)
{
	struct sdbox_writer *w = NULL;
	int r;

	if (out == NULL || recipients == NULL || meta == NULL || fn == NULL)
		return SD_ERR_ARG;
	if (n < 1 || n > SDBOX_RECIPIENTS_MAX)
		return SD_ERR_RANGE;
	w = sodium_malloc(sizeof *w);
	if (w == NULL)
		return SD_ERR_NOMEM;
	memset(w, 0, sizeof *w);
	w->fn = fn;
	w->ctx = ctx;
	w->nrecip = n;
	if ((r = meta_encode(meta, w->plain + 1)) != 0)
		goto out;
	if ((r = writer_header(w, recipients, n)) != 0 ||
	    (r = writer_emit(w, TYPE_META, TAG_PUSH, SDBOX_META_BYTES)) != 0)
		goto out;
	sodium_memzero(w->plain, 1 + SDBOX_META_BYTES);
	w->phase = PH_CONTENT;
	*out = w;
	w = NULL;
out:
	sdbox_writer_free(w);
	return r;
}

static int
writer_flush_full(struct sdbox_writer *w)
{
	int r;

	if ((r = writer_emit(w, TYPE_CONTENT, TAG_MESSAGE, SDBOX_PAYLOAD_BYTES)) != 0)
		return r;
	w->fill = 0;
	return 0;
}

int
sdbox_writer_write(struct sdbox_writer *w, const void *data, size_t len)
{
	const unsigned char *p = data;
	int r;

	if (w == NULL || (data == NULL && len > 0))
		return SD_ERR_ARG;
	if (w->phase != PH_CONTENT)
		return SD_ERR_STATE;
	if (len > UINT64_MAX - w->content_len) {
		w->phase = PH_FAILED;
		return SD_ERR_RANGE;
	}
	while (len > 0) {
		size_t take = SDBOX_PAYLOAD_BYTES - w->fill;
		if (take > len)
			take = len;
		memcpy(w->plain + 1 + w->fill, p, take);
		w->fill += take;
		w->content_len += take;
		p += take;
		len -= take;
		if (w->fill == SDBOX_PAYLOAD_BYTES && (r = writer_flush_full(w)) != 0) {
			w->phase = PH_FAILED;
			return r;
		}
	}
	return 0;
}

/* Write npad padding frames: type 'P' and a zero payload. */
static int
writer_pad(struct sdbox_writer *w, uint64_t npad)
{
	unsigned char *zero;
	unsigned long long clen = 0;
	int r = 0;

	if (npad == 0)
		return 0;
	zero = calloc(1, 1 + SDBOX_PAYLOAD_BYTES);
	if (zero == NULL)
		return SD_ERR_NOMEM;
	zero[0] = TYPE_PAD;
	for (uint64_t i = 0; i < npad && r == 0; i++) {
		if (crypto_secretstream_xchacha20poly1305_push(&w->ss, w->frame + 4, &clen, zero,
			1 + SDBOX_PAYLOAD_BYTES, w->mac, sizeof w->mac, TAG_MESSAGE) != 0) {
			r = SD_ERR_CRYPTO;
			break;
		}
		sd_store_le32(w->frame, (uint32_t)clen);
		if ((r = w->fn(w->ctx, w->frame, 4 + (size_t)clen)) > 0)
			r = SD_ERR_IO;
	}
	free(zero);
	return r;
}

static int
writer_final(struct sdbox_writer *w)
{
	unsigned char *trailer = w->plain + 1 + SDBOX_FINAL_BYTES - SDBOX_TRAILER_BYTES;
	uint64_t npad = pad_frames(w->content_len / SDBOX_PAYLOAD_BYTES);
	size_t tail = w->fill;
	int r;

	/* The tail waits in plain while the padding frames go out. */
	if ((r = writer_pad(w, npad)) != 0)
		return r;
	memset(w->plain + 1 + tail, 0, SDBOX_FINAL_BYTES - SDBOX_TRAILER_BYTES - tail);
	sd_store_le64(trailer, w->content_len);
	return writer_emit(w, TYPE_FINAL, TAG_FINAL, SDBOX_FINAL_BYTES);
}

int
sdbox_writer_finish(struct sdbox_writer *w)
{
	int r;

	if (w == NULL)
		return SD_ERR_ARG;
	if (w->phase != PH_CONTENT)
		return SD_ERR_STATE;
	r = writer_final(w);
	w->phase = r == 0 ? PH_DONE : PH_FAILED;
	sodium_memzero(w->plain, sizeof w->plain);
	return r;
}

uint64_t
sdbox_writer_content_len(const struct sdbox_writer *w)
{
	return w ? w->content_len : 0;
}

void
sdbox_writer_free(struct sdbox_writer *w)
{
	if (w == NULL)
		return;
	sodium_free(w); /* wipes the whole structure, keys included */
}

/* ---- reader ------------------------------------------------------------ */

/* Read exactly len bytes; SD_ERR_TRUNCATED on a short read. */
static int
read_exact(struct sdbox_reader *r, unsigned char *buf, size_t len)
{
	size_t got = 0;
	int e = r->fn(r->ctx, buf, len, &got);

	if (e != 0)
		return e < 0 ? e : SD_ERR_IO;
	if (got > len)
		return SD_ERR_IO;
	return got == len ? 0 : SD_ERR_TRUNCATED;
}

/* Try each stanza; on success set up r->ss and r->mac. */
static int
reader_open_stanzas(
    struct sdbox_reader *r, const unsigned char *hdr, size_t n, const unsigned char *sk)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	unsigned char filekey[SDBOX_FILEKEYBYTES];
	unsigned char skey[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char mkey[crypto_generichash_KEYBYTES];
	const unsigned char *sshdr = hdr + SDBOX_FIXED_BYTES + n * SDBOX_STANZA_BYTES;
	size_t maclen = (size_t)(sshdr - hdr) + SDBOX_STREAMHEADER_BYTES;
	int e = SD_ERR_NOKEY;

	if (crypto_scalarmult_base(pk, sk) != 0)
		return SD_ERR_CRYPTO;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *st = hdr + SDBOX_FIXED_BYTES + i * SDBOX_STANZA_BYTES;
		if (crypto_box_seal_open(filekey, st, SDBOX_STANZA_BYTES, pk, sk) != 0)
			continue;
		if ((e = derive_keys(filekey, skey, mkey)) != 0 ||
		    (e = header_mac(hdr, maclen, mkey, r->mac)) != 0)
			goto out;
		if (sodium_memcmp(r->mac, hdr + maclen, SDBOX_MAC_BYTES) != 0) {
			e = SD_ERR_HEADER_MAC;
			continue;
		}
		e = crypto_secretstream_xchacha20poly1305_init_pull(&r->ss, sshdr, skey)
		    ? SD_ERR_FORMAT
		    : 0;
		goto out;
	}
out:
	sodium_memzero(filekey, sizeof filekey);
	sodium_memzero(skey, sizeof skey);
	sodium_memzero(mkey, sizeof mkey);
	return e;
}

static int
reader_header(struct sdbox_reader *r, const unsigned char *sk)
{
	unsigned char hdr[HDR_MAX];
	size_t n;
	int e;

	if ((e = read_exact(r, hdr, SDBOX_FIXED_BYTES)) != 0)
		return e;
	if (memcmp(hdr, SDBOX_MAGIC, SDBOX_MAGIC_BYTES) != 0 ||
	    (hdr[8] != SDBOX_VERSION && hdr[8] != SDBOX_VERSION_1) || hdr[9] != 0 || hdr[11] != 0)
		return SD_ERR_FORMAT;
	/* The version byte is under the header MAC, which every frame
	 * authenticates: it cannot be changed without the file key. */
	r->version = hdr[8];
	r->final_bytes = r->version == SDBOX_VERSION_1 ? SDBOX_FINAL_V1_BYTES : SDBOX_FINAL_BYTES;
	n = hdr[10];
	if (n < 1 || n > SDBOX_RECIPIENTS_MAX)
		return SD_ERR_RANGE;
	if ((e = read_exact(r, hdr + SDBOX_FIXED_BYTES, HDR_BYTES(n) - SDBOX_FIXED_BYTES)) != 0)
		return e;
	return reader_open_stanzas(r, hdr, n, sk);
}

/* Read the next frame into r->plain. *type and *payload describe it. */
static int
reader_frame(struct sdbox_reader *r, unsigned char *type, unsigned char *tag, size_t *payload)
{
	unsigned char lenbuf[4];
	unsigned long long plen = 0;
	uint32_t clen;
	int e;

	if ((e = read_exact(r, lenbuf, 4)) != 0)
		return e;
	clen = sd_load_le32(lenbuf);
	if (clen != CLEN_META && clen != CLEN_DATA && clen != CLEN(r->final_bytes))
		return SD_ERR_RANGE;
	if ((e = read_exact(r, r->frame, clen)) != 0)
		return e;
	if (crypto_secretstream_xchacha20poly1305_pull(
		&r->ss, r->plain, &plen, tag, r->frame, clen, r->mac, sizeof r->mac) != 0)
		return SD_ERR_FRAME;
	*type = r->plain[0];
	*payload = (size_t)plen - 1;
	return 0;
}

/* Copy a length-prefixed string out of the metadata payload. */
static int
meta_string(const unsigned char *p, size_t len, char *dst)
{
	if (memchr(p, '\0', len) != NULL)
		return SD_ERR_FORMAT;
	memcpy(dst, p, len);
	dst[len] = '\0';
	return 0;
}

static int
meta_decode(const unsigned char *p, struct sdbox_meta *m)
{
	size_t nl = p[1], ml = p[2], rl = p[3], used;
	int e;

	if (p[0] != SDBOX_KIND_MESSAGE && p[0] != SDBOX_KIND_FILE && p[0] != SDBOX_KIND_REPLY)
		return SD_ERR_FORMAT;
	if (rl > SDBOX_REF_MAX)
		return SD_ERR_RANGE;
	used = META_FIXED + nl + ml + rl;
	if (!all_zero(p + used, SDBOX_META_BYTES - used))
		return SD_ERR_FORMAT;
	m->kind = (enum sdbox_kind)p[0];
	m->time = sd_load_le64(p + 4);
	if (m->time % 3600 != 0)
		return SD_ERR_FORMAT;
	if ((e = meta_string(p + META_FIXED, nl, m->name)) != 0 ||
	    (e = meta_string(p + META_FIXED + nl, ml, m->mime)) != 0 ||
	    (e = meta_string(p + META_FIXED + nl + ml, rl, m->ref)) != 0)
		return e;
	return 0;
}

static int
reader_meta(struct sdbox_reader *r)
{
	unsigned char type = 0, tag = 0;
	size_t payload = 0;
	int e;

	if ((e = reader_frame(r, &type, &tag, &payload)) != 0)
		return e;
	if (type != TYPE_META || tag != TAG_PUSH || payload != SDBOX_META_BYTES)
		return SD_ERR_ORDER;
	return meta_decode(r->plain + 1, &r->meta);
}

int
sdbox_reader_new(struct sdbox_reader **out, const unsigned char sk[SDBOX_SECRETKEYBYTES],
    sdbox_read_fn fn, void *ctx)
{
	struct sdbox_reader *r = NULL;
	int e;

	if (out == NULL || sk == NULL || fn == NULL)
		return SD_ERR_ARG;
	r = sodium_malloc(sizeof *r);
	if (r == NULL)
		return SD_ERR_NOMEM;
	memset(r, 0, sizeof *r);
	r->fn = fn;
	r->ctx = ctx;
	if ((e = reader_header(r, sk)) != 0 || (e = reader_meta(r)) != 0)
		goto out;
	if (r->version == SDBOX_VERSION_1 &&
	    crypto_generichash_init(&r->hash, NULL, 0, crypto_generichash_BYTES) != 0) {
		e = SD_ERR_CRYPTO;
		goto out;
	}
	r->phase = PH_CONTENT;
	*out = r;
	r = NULL;
out:
	sdbox_reader_free(r);
	return e;
}

const struct sdbox_meta *
sdbox_reader_meta(const struct sdbox_reader *r)
{
	return r ? &r->meta : NULL;
}

/* Version 1's trailer hash: BLAKE2b of the whole content must match. */
static int
reader_v1_hash(
    struct sdbox_reader *r, const unsigned char *tail, size_t len, const unsigned char *want)
{
	unsigned char digest[crypto_generichash_BYTES];
	int e = 0;

	if (crypto_generichash_update(&r->hash, tail, len) != 0 ||
	    crypto_generichash_final(&r->hash, digest, sizeof digest) != 0)
		e = SD_ERR_CRYPTO;
	else if (sodium_memcmp(digest, want, sizeof digest) != 0)
		e = SD_ERR_TRAILER;
	sodium_memzero(digest, sizeof digest);
	return e;
}

/* The final frame: check trailer, zeros, (v1) hash and end of input. */
static int
reader_final(struct sdbox_reader *r)
{
	const unsigned char *p = r->plain + 1;
	const unsigned char *trailer = p + SDBOX_PAYLOAD_BYTES;
	unsigned char extra;
	uint64_t clen = sd_load_le64(trailer);
	size_t got = 0;
	int e;

	if (clen < r->seen || clen - r->seen >= SDBOX_PAYLOAD_BYTES)
		return SD_ERR_TRAILER;
	r->tail = (size_t)(clen - r->seen);
	if (!all_zero(p + r->tail, SDBOX_PAYLOAD_BYTES - r->tail))
		return SD_ERR_FORMAT;
	if (r->version == SDBOX_VERSION_1 && (e = reader_v1_hash(r, p, r->tail, trailer + 8)) != 0)
		return e;
	if ((e = r->fn(r->ctx, &extra, 1, &got)) != 0)
		return e < 0 ? e : SD_ERR_IO;
	if (got != 0)
		return SD_ERR_TRAILING;
	r->content_len = clen;
	return 0;
}

/* One frame of the body; sets *chunk and *len for content, 0 len otherwise. */
static int
reader_step(struct sdbox_reader *r, const unsigned char **chunk, size_t *len)
{
	unsigned char type = 0, tag = 0;
	size_t payload = 0;
	int e;

	*len = 0;
	if ((e = reader_frame(r, &type, &tag, &payload)) != 0)
		return e;
	if (type == TYPE_CONTENT && tag == TAG_MESSAGE && payload == SDBOX_PAYLOAD_BYTES &&
	    r->phase == PH_CONTENT) {
		if (r->version == SDBOX_VERSION_1 &&
		    crypto_generichash_update(&r->hash, r->plain + 1, payload) != 0)
			return SD_ERR_CRYPTO;
		r->seen += payload;
		*chunk = r->plain + 1;
		*len = payload;
		return 0;
	}
	if (type == TYPE_PAD && tag == TAG_MESSAGE && payload == SDBOX_PAYLOAD_BYTES) {
		r->phase = PH_PADDING;
		return all_zero(r->plain + 1, payload) ? 0 : SD_ERR_FORMAT;
	}
	if (type == TYPE_FINAL && tag == TAG_FINAL && payload == r->final_bytes) {
		if ((e = reader_final(r)) != 0)
			return e;
		r->phase = PH_TAIL;
		*chunk = r->plain + 1;
		*len = r->tail;
		return 0;
	}
	return SD_ERR_ORDER;
}

int
sdbox_reader_read(struct sdbox_reader *r, const unsigned char **chunk, size_t *len)
{
	int e = 0;

	if (r == NULL || chunk == NULL || len == NULL)
		return SD_ERR_ARG;
	*len = 0;
	if (r->phase == PH_FAILED)
		return SD_ERR_STATE;
	if (r->phase == PH_TAIL)
		r->phase = PH_DONE;
	if (r->phase == PH_DONE)
		return 0;
	do {
		e = reader_step(r, chunk, len);
	} while (e == 0 && *len == 0 && r->phase != PH_TAIL);
	if (e != 0) {
		r->phase = PH_FAILED;
		*len = 0;
		return e;
	}
	if (*len == 0)
		r->phase = PH_DONE;
	return 0;
}

uint64_t
sdbox_reader_content_len(const struct sdbox_reader *r)
{
	return r ? r->content_len : 0;
}

int
sdbox_reader_version(const struct sdbox_reader *r)
{
	return r ? r->version : 0;
}

void
sdbox_reader_free(struct sdbox_reader *r)
{
	if (r == NULL)
		return;
	sodium_free(r); /* wipes the whole structure: keys, hash state, plaintext */
}
