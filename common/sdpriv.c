/*
 * sdpriv.c - giving up root for good (sdpriv.h): setgroups, setresgid,
 * setresuid, each checked, then every id read back and a return to root
 * tried, which must fail.
 */
#include "sdpriv.h"
#include "sderr.h"

#include <grp.h>
#include <unistd.h>

int
sdpriv_become(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0)
		return SD_ERR_IO;
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 || ru != uid ||
	    eu != uid || su != uid || rg != gid || eg != gid || sg != gid || setuid(0) == 0 ||
	    setgid(0) == 0 || getgroups(0, NULL) != 0)
		return SD_ERR_STATE;
	return 0;
}
