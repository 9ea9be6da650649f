/*
 * designation.c - source designations (see designation.h).
 */
#include "designation.h"
#include "sdbytes.h"
#include "sderr.h"
#include "wordlist.h"

#include <stdio.h>

void
sd_designation(const unsigned char id[SD_SOURCE_ID_BYTES], char out[SD_DESIGNATION_MAX + 1])
{
	unsigned a = (unsigned)sd_load_le16(id) % SD_WORDLIST_SIZE;
	unsigned b = (unsigned)sd_load_le16(id + 2) % SD_WORDLIST_SIZE;

	(void)snprintf(out, SD_DESIGNATION_MAX + 1, "%.9s-%.9s", sd_wordlist[a], sd_wordlist[b]);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
sd_source_id_parse(const char *hex, size_t len, unsigned char id[SD_SOURCE_ID_BYTES])
{
	unsigned char tmp[SD_SOURCE_ID_BYTES];

	if (hex == NULL || len != SD_SOURCE_ID_HEX)
		return SD_ERR_FORMAT;
	for (size_t i = 0; i < SD_SOURCE_ID_BYTES; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return SD_ERR_FORMAT;
		tmp[i] = (unsigned char)(hi << 4 | lo);
	}
	for (size_t i = 0; i < SD_SOURCE_ID_BYTES; i++)
		id[i] = tmp[i];
	return 0;
}
