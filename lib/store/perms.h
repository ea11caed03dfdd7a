/*
 * perms.h - the modes of the database files, so that one group can share a
 * database: its members check (readers need to write LMDB's lock file),
 * only the owner writes the data (perms.c).
 */
#ifndef QUELL_PERMS_H
#define QUELL_PERMS_H

/* The mode LMDB creates data.mdb and lock.mdb with, before the umask:
 * owner read-write, group read, others nothing (addresses are personal
 * data). */
#define QUELL__DB_MODE 0640

/* Before the environment is opened: whether dir/lock.mdb exists (1) or
 * not (0). */
int quell__lock_exists(const char *dir);

/* After the environment was opened for writing and created lock.mdb: when
 * data.mdb is readable by its group, make lock.mdb writable by the group
 * too, whatever the umask, so that the group's readers can take a reader
 * slot.  Best effort: a failure only leaves the group unable to read. */
void quell__lock_share(const char *dir);

#endif
