/*
 * retention.c - the retention purge. NOT YET WRITTEN (issue 5 in progress):
 * purges nothing.
 */
#include "journalist.h"

int
jn_retention_run(unsigned *purged)
{
	*purged = 0;
	return 0;
}
