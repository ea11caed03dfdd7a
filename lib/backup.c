/*
 * backup.c - quell_backup: a compacted, consistent copy of the open
 * database written into a directory (made if missing), never over another
 * database.  The copy itself is the store's (quell__store_backup).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "handle.h"
#include "store.h"

int quell_backup(quell *h, const char *dir)
{
	char path[4200];
	struct stat sb;

	if (h == NULL || dir == NULL || *dir == '\0')
		return quell__error(h, QUELL_EINVAL, "no backup directory given");
	if (h->store == NULL)
		return quell__error(h, QUELL_EINVAL, "no database is open");
	if (snprintf(path, sizeof path, "%s/data.mdb", dir) >= (int)sizeof path)
		return quell__error(h, QUELL_EINVAL, "backup path too long");
	if (stat(path, &sb) == 0)
		return quell__error(h, QUELL_EIO, "%s already holds a database; a backup never "
		                    "overwrites one", dir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return quell__error(h, QUELL_EIO, "cannot create %s: %s", dir,
		                    strerror(errno));
	return quell__store_backup(h, dir);
}
