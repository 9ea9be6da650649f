/*
 * sdid.c - ids and the spool's names (see sdid.h).
 */
#include "sdid.h"
#include "sderr.h"

#include <string.h>

static const char hexdig[] = "0123456789abcdef";

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void
sd_id_hex(const unsigned char id[SD_ID_BYTES], char out[SD_ID_HEX + 1])
{
	for (size_t i = 0; i < SD_ID_BYTES; i++) {
		out[2 * i] = hexdig[id[i] >> 4];
		out[2 * i + 1] = hexdig[id[i] & 15];
	}
	out[SD_ID_HEX] = '\0';
}

int
sd_id_parse(const char *s, size_t len, unsigned char id[SD_ID_BYTES])
{
	unsigned char tmp[SD_ID_BYTES];

	if (s == NULL || len != SD_ID_HEX)
		return SD_ERR_FORMAT;
	for (size_t i = 0; i < SD_ID_BYTES; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return SD_ERR_FORMAT;
		tmp[i] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(id, tmp, sizeof tmp);
	return 0;
}

void
sd_spool_name(const unsigned char item[SD_ID_BYTES], char out[SD_SPOOL_NAME_LEN + 1])
{
	sd_id_hex(item, out);
	memcpy(out + SD_ID_HEX, SD_SPOOL_EXT, sizeof SD_SPOOL_EXT);
}

int
sd_spool_name_parse(const char *name, unsigned char item[SD_ID_BYTES])
{
	if (name == NULL || strlen(name) != SD_SPOOL_NAME_LEN ||
	    memcmp(name + SD_ID_HEX, SD_SPOOL_EXT, sizeof SD_SPOOL_EXT - 1) != 0)
		return SD_ERR_FORMAT;
	return sd_id_parse(name, SD_ID_HEX, item);
}

void
sd_spool_member(const unsigned char source[SD_ID_BYTES], const unsigned char item[SD_ID_BYTES],
    char out[SD_SPOOL_MEMBER_LEN + 1])
{
	sd_id_hex(source, out);
	out[SD_ID_HEX] = '/';
	sd_spool_name(item, out + SD_ID_HEX + 1);
}

int
sd_spool_member_parse(
    const char *name, unsigned char source[SD_ID_BYTES], unsigned char item[SD_ID_BYTES])
{
	unsigned char s[SD_ID_BYTES], i[SD_ID_BYTES];

	if (name == NULL || strlen(name) != SD_SPOOL_MEMBER_LEN || name[SD_ID_HEX] != '/' ||
	    sd_id_parse(name, SD_ID_HEX, s) != 0 ||
	    sd_spool_name_parse(name + SD_ID_HEX + 1, i) != 0)
		return SD_ERR_FORMAT;
	memcpy(source, s, sizeof s);
	memcpy(item, i, sizeof i);
	return 0;
}
