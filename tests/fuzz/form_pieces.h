/*
 * form_pieces.h - how the request fuzz targets (fuzz_request, fuzz_jrequest)
 * read a form from fuzz input: a sequence of pieces "key-length byte, key,
 * offset byte, size byte, data", each handed to put as libmicrohttpd's post
 * processor would hand a piece of a field.
 */
#ifndef FUZZ_FORM_PIECES_H
#define FUZZ_FORM_PIECES_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef void (*fuzz_form_put)(void *form, const char *key, const char *val, uint64_t off,
    size_t len);

static inline void
fuzz_form_pieces(const uint8_t *p, size_t n, fuzz_form_put put, void *form)
{
	char key[64], val[300];

	while (n >= 3) {
		size_t kl = p[0] % sizeof key, vl;
		uint64_t off;
		if (n < 1 + kl + 2)
			break;
		memcpy(key, p + 1, kl);
		key[kl] = '\0';
		off = p[1 + kl];
		vl = p[2 + kl];
		p += 3 + kl;
		n -= 3 + kl;
		if (vl > n)
			vl = n;
		memcpy(val, p, vl);
		put(form, key, val, off, vl);
		p += vl;
		n -= vl;
	}
}
#endif
