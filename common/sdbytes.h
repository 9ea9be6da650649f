/*
 * sdbytes.h - fixed-size integers in byte buffers: the one set of
 * little- and big-endian loads and stores every module uses (file formats,
 * the .sdbox frames, key files, .mo catalogues, cleaned media).
 *
 * Each reads or writes exactly 2, 4 or 8 bytes at p; the caller has
 * checked that they are there. No alignment is needed.
 */
#ifndef SD_BYTES_H
#define SD_BYTES_H

#include <stdint.h>

static inline uint16_t
sd_load_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t
sd_load_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t
sd_load_le64(const unsigned char *p)
{
	return (uint64_t)sd_load_le32(p) | (uint64_t)sd_load_le32(p + 4) << 32;
}

static inline uint16_t
sd_load_be16(const unsigned char *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
sd_load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t
sd_load_be64(const unsigned char *p)
{
	return (uint64_t)sd_load_be32(p) << 32 | (uint64_t)sd_load_be32(p + 4);
}

static inline void
sd_store_le16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v & 0xffU);
	p[1] = (unsigned char)(v >> 8);
}

static inline void
sd_store_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void
sd_store_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void
sd_store_be16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)(v & 0xffU);
}

static inline void
sd_store_be32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * (3 - i)));
}

static inline void
sd_store_be64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * (7 - i)));
}

#endif
