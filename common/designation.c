/*
 * designation.c - source designations (see designation.h).
 */
#include "designation.h"
#include "sdbytes.h"
#include "wordlist.h"

#include <stdio.h>

void
sd_designation(const unsigned char id[SD_ID_BYTES], char out[SD_DESIGNATION_MAX + 1])
{
	unsigned a = (unsigned)sd_load_le16(id) % SD_WORDLIST_SIZE;
	unsigned b = (unsigned)sd_load_le16(id + 2) % SD_WORDLIST_SIZE;

	(void)snprintf(out, SD_DESIGNATION_MAX + 1, "%.9s-%.9s", sd_wordlist[a], sd_wordlist[b]);
}
