/*
 * perms.c - file modes of a new database, for a database shared by one
 * group: data.mdb is created 0640 and lock.mdb, which every reader must
 * write to take a reader slot, gets the group's write bit whenever the
 * group may read data.mdb.  The group is the directory's when it is setgid
 * (the kernel does that), else the creator's.  docs/quell.1 (FILES) and
 * README.md describe the setup; the umask still takes away what it takes
 * (077: nobody but the owner).
 *
 * Knows the two file names of an LMDB environment, nothing else of it.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "perms.h"

static int lock_path(const char *dir, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/lock.mdb", dir);

	return n > 0 && (size_t)n < size;
}

int quell__lock_exists(const char *dir)
{
	char path[4200];
	struct stat st;

	return lock_path(dir, path, sizeof path) && stat(path, &st) == 0;
}

void quell__lock_share(const char *dir)
{
	char data[4200], lock[4200];
	struct stat ds, ls;

	if (!lock_path(dir, lock, sizeof lock) ||
	    snprintf(data, sizeof data, "%s/data.mdb", dir) >= (int)sizeof data)
		return;
	if (stat(data, &ds) != 0 || stat(lock, &ls) != 0 || !(ds.st_mode & S_IRGRP) ||
	    (ls.st_mode & S_IWGRP))
		return;
	(void)chmod(lock, (ls.st_mode & 07777) | S_IRGRP | S_IWGRP);
}
