/*
 * unit_rmtree.h - what unit tests share to remove the temporary directory
 * tree they made: unit_rmtree(DIR), depth first, never following links.
 * 0, or -1 with errno set.
 */
#ifndef UNIT_RMTREE_H
#define UNIT_RMTREE_H
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static inline int
unit_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static inline int
unit_rmtree(const char *dir)
{
	return nftw(dir, unit_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
#endif
