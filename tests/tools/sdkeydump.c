/*
 * sdkeydump - test helper: print the raw secret key of a key file in hex,
 * so the wipe test knows which bytes must not survive in a process image.
 * Not installed; test keys only.
 */
#include "sdio.h"
#include "sdkey.h"

#include <stdio.h>

#include <sodium.h>

int
main(int argc, char **argv)
{
	unsigned char sk[32], pk[32];
	char hex[65];
	struct sd_secret pass = { 0 };

	if (argc != 3 || sodium_init() < 0 || sd_secret_from_file(argv[2], &pass) != 0 ||
	    sdkey_load_secret(argv[1], pass.buf, pass.len, sk, pk) != 0) {
		fprintf(stderr, "usage: sdkeydump KEY PASSFILE\n");
		return 1;
	}
	sodium_bin2hex(hex, sizeof hex, sk, sizeof sk);
	puts(hex);
	sodium_memzero(sk, sizeof sk);
	sd_secret_free(&pass);
	return 0;
}
