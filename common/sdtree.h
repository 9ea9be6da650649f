/*
 * sdtree.h - removing a directory tree by directory descriptors: the one
 * remover for the spool (store/spool.c: withdrawn batches, the start-up
 * sweep, tmp/), sealdrop-admin (a restore's staging directory, tor-check's
 * scratch directory) and whoever else needs one.
 *
 * It never follows a symbolic link (a link is unlinked, not its target),
 * works from a directory descriptor so a renamed parent cannot redirect
 * it, and goes at most maxdepth directory levels down: a tree deeper than
 * the caller expects (a spool written by a compromised daemon) is an error
 * and its deep part stays, instead of a walk without bound.
 */
#ifndef SD_TREE_H
#define SD_TREE_H

#include "sderr.h"

/* The deepest tree a caller without a format of its own asks for. */
#define SD_TREE_DEPTH_MAX 16

/* Empty the directory fd: every file, link and other entry unlinked, every
 * directory at most maxdepth levels down emptied and removed (maxdepth 0:
 * fd may hold no directory). Carries on past a failure to remove what it
 * can; 0, or SD_ERR_IO (errno of a failure kept) or SD_ERR_ARG (maxdepth
 * negative or past SD_TREE_DEPTH_MAX). *removed, if not NULL, counts the
 * entries removed at every level, also on failure. fd stays open. */
SD_MUST_CHECK
int sd_dir_empty(int fd, int maxdepth, unsigned *removed);

/* Remove the directory name under dirfd (AT_FDCWD or a directory
 * descriptor) and its contents, by sd_dir_empty's rules. A name that does
 * not exist, or goes while removed, is not an error: 0. name itself must
 * be a directory, not a link to one (SD_ERR_IO). */
SD_MUST_CHECK
int sd_rmtree_at(int dirfd, const char *name, int maxdepth);

#endif
