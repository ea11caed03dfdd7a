/*
 * store.c - the LMDB environment behind a handle: open and create, reopen
 * (the data file replaced under a long-running handle), close, and the
 * mapping of LMDB's codes to QUELL_E*, here and nowhere else.  Transactions
 * are store_txn.c's, tables store_table.c's, backup and trimming the map
 * store_file.c's.
 *
 * Other processes: every transaction start, the open's own included,
 * takes a map another process grew (MDB_MAP_RESIZED) and clears the
 * reader slots of processes that died (MDB_READERS_FULL; also at open and
 * once a minute on the read path).  Nothing reads the map before the data
 * file is known to hold the pages its meta page names (a truncated file
 * would be SIGBUS), nor before a missing lock file has its blocks (LMDB
 * writes it through a map: SIGBUS on a full file system).  A creation
 * that committed nothing removes its files.  The modes of new files, for
 * a database shared by a group, are perms.c's.
 *
 * One environment per database per process, as LMDB demands: its locks
 * (POSIX fcntl locks on lock.mdb) belong to the process, and closing an
 * environment drops every one the process holds on that file and frees
 * every reader slot of the process's pid, the other environment's too.
 * A second handle on a database this process has open (a probe, policyd
 * or serve opening one more for a moment) therefore shares the first
 * one's store, counted, instead of opening the file again (see "shared").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "perms.h"
#include "store_int.h"

#define DEFAULT_MAP ((size_t)64 << 20)
/* The default limit of the map: far more than any suppression list needs
 * (millions of entries with their history take a few GiB), yet a runaway
 * writer stops long before it fills a disk; the map is address space, so
 * a 32-bit process gets 1 GiB. */
#define DEFAULT_MAX (sizeof(size_t) >= 8 ? (size_t)64 << 30 : (size_t)1 << 30)
#define LOOSE_SLACK 8     /* pages a sound data file may end short */
#define LOCK_BYTES 8192   /* LMDB's lock file, default 126 readers */
#define FILE_MODE QUELL__DB_MODE /* data.mdb and lock.mdb (perms.h) */

/* The environments this process has open, by data file: a mutable static,
 * against the house rule, because what it guards is per process too
 * (LMDB's locks and reader slots, see the top).  A child after fork()
 * finds its parent's entries but never shares them (pid). */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static struct quell__store *shared_list;


/* Seconds on the monotonic clock. */
int64_t quell__store_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int quell__mdb_error(const quell *h, int rc, const char *what)
{
	int code;

	switch (rc) {
	case MDB_MAP_FULL:
		code = QUELL__EMAPFULL;
		break;
	case MDB_NOTFOUND:
		code = QUELL_ENOTFOUND;
		break;
	case ENOMEM:
		code = QUELL_ENOMEM;
		break;
	case EACCES:
	case EROFS:
	case EIO:
	case ENOSPC:
	case EPERM:
	case ENOENT:
		code = QUELL_EIO;
		break;
	default:
		code = QUELL_EDB;
		break;
	}
	return quell__error(h, code, "database: %s: %s", what, mdb_strerror(rc));
}

static int mkdirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof path)
		return ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return errno;
		*p = '/';
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return errno;
	return 0;
}

int quell__store_get_meta(MDB_txn *txn, MDB_dbi meta, const char *name, MDB_val *v)
{
	MDB_val k = { strlen(name), (void *)name };

	return mdb_get(txn, meta, &k, v);
}

int quell__store_put_meta(MDB_txn *txn, MDB_dbi meta, const char *name, const void *p, size_t n)
{
	MDB_val k = { strlen(name), (void *)name }, v = { n, (void *)p };

	return mdb_put(txn, meta, &k, &v, 0);
}

/* by enum quell__table */
static const char *const table_names[QUELL__T_COUNT] = { "addr", "domain", "history", "changes",
	                                                 "seen", "meta", "dhistory" };

static int open_tables(quell *h, struct quell__store *s, MDB_txn *txn, unsigned flags)
{
	for (size_t i = 0; i < QUELL__T_COUNT; i++) {
		int rc = mdb_dbi_open(txn, table_names[i], flags, &s->dbi[i]);
		/* a schema 1 database opened read-only: no dhistory, and none
		 * needed (setup_meta); its history table stands in, empty of
		 * domains' events as dhistory would be */
		if (rc == MDB_NOTFOUND && i == QUELL__T_DHISTORY) {
			s->dbi[i] = s->dbi[QUELL__T_HISTORY];
			continue;
		}
		if (rc == MDB_NOTFOUND)
			return quell__error(h, QUELL_EDB, "%s is not a quell database (no table '%s')",
			                    s->path, table_names[i]);
		if (rc != 0)
			return quell__mdb_error(h, rc, "open table");
	}
	return 0;
}

/* Read the meta table, creating it in a new database (txn is a write txn
 * then).  Sets *lc (lowercase_local_part) and, when it is empty, h->origin. */
static int setup_meta(quell *h, struct quell__store *s, MDB_txn *txn, int lowercase_default,
                      int *lc)
{
	MDB_dbi meta = s->dbi[QUELL__T_META];
	MDB_val v;
	int rc = quell__store_get_meta(txn, meta, "schema", &v);

	if (rc == MDB_NOTFOUND && !s->readonly) {
		unsigned char schema = QUELL__SCHEMA, lcb = lowercase_default ? 1 : 0;
		unsigned char seq[8] = { 0 };
		char host[QUELL_NAME_MAX];

		/* the host id: the one the caller gave, else the host name */
		if (h->origin[0] != '\0')
			snprintf(host, sizeof host, "%s", h->origin);
		else if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
			snprintf(host, sizeof host, "localhost");
		host[sizeof host - 1] = '\0';
		if ((rc = quell__store_put_meta(txn, meta, "schema", &schema, 1)) != 0 ||
		    (rc = quell__store_put_meta(txn, meta, "lowercase_local_part", &lcb, 1)) != 0 ||
		    (rc = quell__store_put_meta(txn, meta, "origin", host, strlen(host))) != 0 ||
		    (rc = quell__store_put_meta(txn, meta, "seq", seq, 8)) != 0)
			return quell__mdb_error(h, rc, "create meta table");
		rc = quell__store_get_meta(txn, meta, "schema", &v);
	}
	if (rc == MDB_NOTFOUND)
		return quell__error(h, QUELL_EDB, "%s is not a quell database (no schema)", s->path);
	if (rc != 0)
		return quell__mdb_error(h, rc, "read meta table");
	if (v.mv_size != 1 || *(unsigned char *)v.mv_data < QUELL__SCHEMA_MIN ||
	    *(unsigned char *)v.mv_data > QUELL__SCHEMA)
		return quell__error(h, QUELL_EDB, "%s has database schema %u; this quell reads %d to %d",
		                    s->path, v.mv_size ? *(unsigned char *)v.mv_data : 0,
		                    QUELL__SCHEMA_MIN, QUELL__SCHEMA);
	s->dhistory = *(unsigned char *)v.mv_data >= 2;
	if (s->dhistory && s->dbi[QUELL__T_DHISTORY] == s->dbi[QUELL__T_HISTORY])
		return quell__error(h, QUELL_EDB, "%s is not a quell database (no table 'dhistory')",
		                    s->path);
	rc = quell__store_get_meta(txn, meta, "lowercase_local_part", &v);
	if (rc != 0 || v.mv_size != 1)
		return quell__error(h, QUELL_EDB, "%s: meta table lacks lowercase_local_part",
		                    s->path);
	*lc = *(unsigned char *)v.mv_data != 0;
	if (h->origin[0] == '\0') {
		if ((rc = quell__store_get_meta(txn, meta, "origin", &v)) != 0)
			return quell__error(h, QUELL_EDB, "%s: meta table lacks origin", s->path);
		snprintf(h->origin, sizeof h->origin, "%.*s",
		         (int)(v.mv_size < sizeof h->origin ? v.mv_size : sizeof h->origin - 1),
		         (const char *)v.mv_data);
	}
	return 0;
}

/* A transaction could not start because of what other processes did: a
 * map another process grew past ours (MDB_MAP_RESIZED: take its size), or
 * reader slots left taken by processes that died (MDB_READERS_FULL: clear
 * them).  1 when the cause is gone and the start may be tried again, 0
 * when it is not that (the caller reports rc), or an error.  `s` is the
 * shared store whose lock keeps transactions out while the map moves, or
 * NULL for an environment no other thread sees yet (`env`). */
int quell__store_recover(const quell *h, struct quell__store *s, MDB_env *env, int rc)
{
	int dead = 0, r;

	if (rc != MDB_MAP_RESIZED && rc != MDB_READERS_FULL)
		return 0;
	if (s != NULL) {
		if (rc == MDB_MAP_RESIZED)
			pthread_rwlock_wrlock(&s->resize);
		else
			pthread_rwlock_rdlock(&s->resize);
		env = s->env;
	}
	if (env == NULL)
		r = 1; /* closed meanwhile (reopen): the next try says so */
	else if (rc == MDB_MAP_RESIZED)
		r = (rc = mdb_env_set_mapsize(env, 0)) != 0 ? -1 : 1;
	else
		r = mdb_reader_check(env, &dead) == 0 && dead > 0;
	if (s != NULL)
		pthread_rwlock_unlock(&s->resize);
	return r < 0 ? quell__mdb_error(h, rc, "adopt map size") : r;
}

/* A data file shorter than its own pages (truncated, a half-written copy,
 * a damaged meta page) would be read through the map past its end, which
 * is SIGBUS, not an error: compare before anything else reads the map.
 * The meta pages themselves were read with read(2) by mdb_env_open.  A
 * sound file may end a few pages short: LMDB does not write pages that a
 * transaction took from the end and freed again ("loose" pages, free and
 * never read), hence LOOSE_SLACK. */
static int check_size(quell *h, struct quell__store *s)
{
	mdb_filehandle_t fd;
	MDB_envinfo info;
	MDB_stat ms;
	struct stat st;
	unsigned long long need;

	/* the meta first: the file only grows, and other writers commit */
	if (mdb_env_info(s->env, &info) != 0 || mdb_env_stat(s->env, &ms) != 0)
		return quell__error(h, QUELL_EDB, "%s/data.mdb is damaged", s->path);
	if (mdb_env_get_fd(s->env, &fd) != 0 || fstat(fd, &st) != 0)
		return quell__error(h, QUELL_EIO, "%s/data.mdb: %s", s->path, strerror(errno));
	s->data_dev = st.st_dev;
	s->data_ino = st.st_ino;
	s->trim_env = NULL; /* a new map: find it again */
	need = ((unsigned long long)info.me_last_pgno + 1) * ms.ms_psize;
	if (info.me_last_pgno >= SIZE_MAX / ms.ms_psize ||
	    need > (unsigned long long)st.st_size + LOOSE_SLACK * ms.ms_psize)
		return quell__error(h, QUELL_EDB, "%s/data.mdb is truncated or damaged: %lld bytes, "
		                    "its pages need %llu; restore it from a backup", s->path,
		                    (long long)st.st_size, need);
	return 0;
}

/* LMDB maps its lock file and writes to it through the map: a lock file
 * it makes on a full file system (a sparse file) is SIGBUS on the first
 * write.  So a missing lock file is made here first, its blocks allocated
 * (posix_fallocate); LOCK_BYTES is what LMDB 0.9 makes for its default
 * 126 readers (a larger file would only give more slots, a smaller one
 * LMDB grows itself).  Only a lack of space is an error: anything else
 * (a read-only directory) is left for LMDB to say. */
static int make_lock_file(quell *h, struct quell__store *s, int fresh)
{
	char path[4200];
	int fd, rc;

	snprintf(path, sizeof path, "%s/lock.mdb", s->path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, FILE_MODE);
	if (fd < 0)
		return 0; /* there already, or not ours to make */
	rc = posix_fallocate(fd, 0, LOCK_BYTES);
	close(fd);
	if (rc != ENOSPC && rc != EDQUOT)
		return 0;
	unlink(path);
	if (fresh)
		return quell__error(h, QUELL_EIO, "cannot create a database in %s: %s", s->path,
		                    strerror(rc));
	return quell__error(h, QUELL_EIO, "%s: %s", path, strerror(rc));
}

/* Open the environment of directory s->path into s (env, tables, the data
 * file's identity): the work of opening, and of reopening with no other
 * transaction running.  On failure s->env is NULL and, with *fresh set (a
 * database being created), the files are removed again when nothing was
 * ever committed to them, so a creation that failed (a full file system)
 * leaves no half database behind. */
static int env_open(quell *h, struct quell__store *s, size_t map_size, int lowercase_default,
                    int *lc, int fresh)
{
	MDB_txn *txn = NULL;
	int rc, tries = 0, opened = 0, lock_existed;

	if ((rc = mdb_env_create(&s->env)) != 0) {
		s->env = NULL;
		return quell__mdb_error(h, rc, "create environment");
	}
	if ((rc = mdb_env_set_maxdbs(s->env, 8)) != 0 ||
	    (rc = mdb_env_set_mapsize(s->env, map_size)) != 0) {
		rc = quell__mdb_error(h, rc, "configure environment");
		goto fail;
	}
	lock_existed = quell__lock_exists(s->path);
	if ((rc = make_lock_file(h, s, fresh)) != 0)
		goto fail;
	rc = mdb_env_open(s->env, s->path, MDB_NOTLS | (s->readonly ? MDB_RDONLY : 0),
	                  FILE_MODE);
	if (rc != 0) {
		rc = fresh ? quell__error(h, rc == ENOSPC || rc == EIO ? QUELL_EIO : QUELL_EDB,
		                          "cannot create a database in %s: %s", s->path,
		                          mdb_strerror(rc))
		           : quell__mdb_error(h, rc, s->path);
		goto fail;
	}
	opened = 1;
	if (!lock_existed && !s->readonly)
		quell__lock_share(s->path); /* a group that reads the data may lock */
	if ((rc = check_size(h, s)) != 0)
		goto fail;
	mdb_reader_check(s->env, NULL); /* slots of readers that died */
	while ((rc = mdb_txn_begin(s->env, NULL, s->readonly ? MDB_RDONLY : 0, &txn)) != 0) {
		int r = tries++ < 40 ? quell__store_recover(h, NULL, s->env, rc) : 0;
		if (r <= 0) {
			rc = r < 0 ? r : quell__mdb_error(h, rc, "begin transaction");
			goto fail;
		}
	}
	rc = open_tables(h, s, txn, s->readonly ? 0 : MDB_CREATE);
	if (rc == 0)
		rc = setup_meta(h, s, txn, lowercase_default, lc);
	if (rc != 0) {
		mdb_txn_abort(txn);
		goto fail;
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		rc = quell__mdb_error(h, rc, fresh ? "create the tables" : "commit");
		goto fail;
	}
	return 0;
fail:
	if (fresh) {
		MDB_envinfo info;
		char path[4200];

		/* nothing committed: no other process has written to it */
		if (!opened || mdb_env_info(s->env, &info) != 0 || info.me_last_txnid == 0) {
			snprintf(path, sizeof path, "%s/data.mdb", s->path);
			unlink(path);
			snprintf(path, sizeof path, "%s/lock.mdb", s->path);
			unlink(path);
		}
	}
	mdb_env_close(s->env);
	s->env = NULL;
	return rc;
}

static int open_new(quell *h, const char *dir, unsigned flags, size_t map_size,
                    size_t max_size, int lowercase_default)
{
	struct quell__store *s;
	pthread_rwlockattr_t attr;
	char data[4200];
	struct stat st;
	int rc, fresh = 0, lc = lowercase_default;

	if (dir == NULL || *dir == '\0')
		return quell__error(h, QUELL_EINVAL, "no database directory given");
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	h->store = s;
	s->refs = 1;
	s->pid = getpid();
	s->statm_fd = -1;
	s->readonly = (flags & QUELL_OPEN_READONLY) != 0;
	s->max_size = max_size ? max_size : DEFAULT_MAX;
	s->map_size = map_size ? map_size : DEFAULT_MAP;
	if (s->map_size > s->max_size)
		s->map_size = s->max_size;
	if (snprintf(s->path, sizeof s->path, "%s", dir) >= (int)sizeof s->path ||
	    snprintf(data, sizeof data, "%s/data.mdb", dir) >= (int)sizeof data)
		return quell__error(h, QUELL_EINVAL, "database path too long");
	if (pthread_rwlockattr_init(&attr) != 0)
		return quell__error(h, QUELL_ENOMEM, "cannot set up a lock");
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	rc = pthread_rwlock_init(&s->resize, &attr);
	pthread_rwlockattr_destroy(&attr);
	if (rc != 0)
		return quell__error(h, QUELL_ENOMEM, "cannot set up a lock");
	s->locks |= 1;
	if (pthread_mutex_init(&s->pool_lock, NULL) != 0)
		return quell__error(h, QUELL_ENOMEM, "cannot set up a lock");
	s->locks |= 2;
	if (pthread_mutex_init(&s->dc_lock, NULL) != 0)
		return quell__error(h, QUELL_ENOMEM, "cannot set up a lock");
	s->locks |= 4;

	if (stat(data, &st) != 0) {
		if (errno != ENOENT)
			return quell__error(h, QUELL_EIO, "%s: %s", data, strerror(errno));
		if (!(flags & QUELL_OPEN_CREATE) || s->readonly)
			return quell__error(h, QUELL_ENODB, "no database in %s", dir);
		if ((rc = mkdirs(dir)) != 0)
			return quell__error(h, QUELL_EIO, "cannot create %s: %s", dir, strerror(rc));
		fresh = 1;
	} else if (st.st_size == 0 && !(flags & QUELL_OPEN_CREATE)) {
		/* LMDB would take it for a new database */
		return quell__error(h, QUELL_EDB, "%s is empty: not a database", data);
	}
	if ((rc = env_open(h, s, s->map_size, lowercase_default, &lc, fresh)) != 0)
		return rc;
	h->lowercase_local = s->lc = lc;
	s->readers_checked = quell__store_mono();
	return 0;
}

/* This process's open environment on the data file `st`, or NULL.  A
 * read-write handle cannot use a read-only environment (it then opens its
 * own, as before).  The caller holds shared_lock. */
static struct quell__store *find_shared(const struct stat *st, int readonly)
{
	pid_t pid = getpid();

	for (struct quell__store *s = shared_list; s != NULL; s = s->next) {
		int same;

		if (s->pid != pid || (s->readonly && !readonly))
			continue;
		pthread_rwlock_rdlock(&s->resize);
		same = s->env != NULL && s->data_dev == st->st_dev && s->data_ino == st->st_ino;
		pthread_rwlock_unlock(&s->resize);
		if (same)
			return s;
	}
	return NULL;
}

/* The handle takes the shared store s: its settings, and the origin the
 * meta table names unless the caller gave one (read here, not through
 * store_txn.c's pool, which calls into this file). */
static int share(quell *h, struct quell__store *s)
{
	MDB_txn *txn = NULL;
	MDB_val v;
	int rc;

	s->refs++;
	h->store = s;
	h->lowercase_local = s->lc;
	if (h->origin[0] != '\0')
		return 0;
	for (int tries = 0;; tries++) {
		pthread_rwlock_rdlock(&s->resize);
		if (s->env == NULL) { /* a reopen failed: say what it met */
			rc = quell__error(h, s->lost_code, "%s", s->lost);
			pthread_rwlock_unlock(&s->resize);
			return rc;
		}
		if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) == 0)
			break;
		pthread_rwlock_unlock(&s->resize);
		if (tries >= 40 || quell__store_recover(h, s, NULL, rc) <= 0)
			return quell__mdb_error(h, rc, "begin read transaction");
	}
	rc = quell__store_get_meta(txn, s->dbi[QUELL__T_META], "origin", &v);
	if (rc == 0)
		snprintf(h->origin, sizeof h->origin, "%.*s",
		         (int)(v.mv_size < sizeof h->origin ? v.mv_size : sizeof h->origin - 1),
		         (const char *)v.mv_data);
	mdb_txn_abort(txn);
	pthread_rwlock_unlock(&s->resize);
	return rc ? quell__error(h, QUELL_EDB, "%s: meta table lacks origin", s->path) : 0;
}

int quell__store_open(quell *h, const char *dir, unsigned flags, size_t map_size,
                      size_t max_size, int lowercase_default)
{
	struct quell__store *s;
	char data[4200];
	struct stat st;
	int rc;

	/* the list's lock is held while opening, so that two threads opening
	 * one database do not both open it */
	pthread_mutex_lock(&shared_lock);
	if (dir != NULL && snprintf(data, sizeof data, "%s/data.mdb", dir) < (int)sizeof data &&
	    stat(data, &st) == 0 &&
	    (s = find_shared(&st, (flags & QUELL_OPEN_READONLY) != 0)) != NULL) {
		rc = share(h, s);
		pthread_mutex_unlock(&shared_lock);
		return rc;
	}
	rc = open_new(h, dir, flags, map_size, max_size, lowercase_default);
	if (rc == 0) {
		h->store->next = shared_list;
		shared_list = h->store;
	}
	pthread_mutex_unlock(&shared_lock);
	return rc;
}

int quell__store_reopen(quell *h, int force, int *changed)
{
	struct quell__store *s = h->store;
	char data[4200];
	struct stat st;
	int rc, same, lc = h->lowercase_local;

	*changed = 0;
	if (s == NULL)
		return quell__error(h, QUELL_EINVAL, "no database is open");
	snprintf(data, sizeof data, "%s/data.mdb", s->path);
	rc = stat(data, &st);
	pthread_rwlock_rdlock(&s->resize);
	same = s->env != NULL && rc == 0 && st.st_dev == s->data_dev && st.st_ino == s->data_ino;
	pthread_rwlock_unlock(&s->resize);
	if (same && !force)
		return 0;
	/* no transaction may run while the environment changes; and the old
	 * one is closed before the new one opens: closing an environment
	 * drops every lock this process holds on its lock file */
	pthread_rwlock_wrlock(&s->resize);
	pthread_mutex_lock(&s->pool_lock);
	while (s->npool > 0)
		mdb_txn_abort(s->pool[--s->npool]);
	pthread_mutex_unlock(&s->pool_lock);
	*changed = s->env != NULL;
	pthread_mutex_lock(&s->dc_lock);
	quell__dcache_drop(s); /* another file: its transaction numbers too */
	pthread_mutex_unlock(&s->dc_lock);
	s->gen++; /* ... and the filter of keys goes (store_filter.c) */
	quell__filter_drop(s);
	if (s->env != NULL)
		mdb_env_close(s->env);
	s->env = NULL;
	if (stat(data, &st) != 0)
		rc = quell__error(h, QUELL_ENODB, "no database in %s (removed while open)", s->path);
	else if (st.st_size == 0)
		rc = quell__error(h, QUELL_EDB, "%s is empty: not a database", data);
	else if ((rc = env_open(h, s, s->map_size, lc, &lc, 0)) == 0)
		*changed = 1;
	if (rc != 0) { /* what every call says until a reopen works */
		s->lost_code = rc;
		snprintf(s->lost, sizeof s->lost, "%s", quell_errmsg(h));
	}
	pthread_rwlock_unlock(&s->resize);
	if (rc == 0)
		h->lowercase_local = s->lc = lc;
	return rc;
}

void quell__store_close(struct quell__store *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&shared_lock);
	if (--s->refs > 0) { /* other handles of this process use it */
		pthread_mutex_unlock(&shared_lock);
		return;
	}
	for (struct quell__store **p = &shared_list; *p != NULL; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	pthread_mutex_unlock(&shared_lock);
	quell__filter_close(s); /* its thread reads through the environment */
	for (size_t i = 0; i < s->npool; i++)
		mdb_txn_abort(s->pool[i]);
	if (s->env != NULL)
		mdb_env_close(s->env);
	if (s->statm_fd >= 0)
		close(s->statm_fd);
	if (s->locks & 2)
		pthread_mutex_destroy(&s->pool_lock);
	if (s->locks & 4)
		pthread_mutex_destroy(&s->dc_lock);
	quell__dcache_free(s);
	if (s->locks & 1)
		pthread_rwlock_destroy(&s->resize);
	free(s);
}
