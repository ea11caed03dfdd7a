/*
 * store.c - the LMDB environment behind a handle: open and create, reopen
 * (the data file replaced under a long-running handle), the read
 * transaction pool, write transactions that grow the map on MDB_MAP_FULL,
 * the primitive reads and writes of records, events, seen reply ids and
 * meta values (marks), backup, and trimming the map's pages from the resident set (found in
 * /proc/self/maps: LMDB reports the map's address only for MDB_FIXEDMAP
 * environments).
 *
 * Other processes: every transaction start, the open's own included,
 * takes a map another process grew (MDB_MAP_RESIZED) and clears the
 * reader slots of processes that died (MDB_READERS_FULL; also at open and
 * once a minute on the read path).  Nothing reads the map before the data
 * file is known to hold the pages its meta page names (a truncated file
 * would be SIGBUS), nor before a missing lock file has its blocks (LMDB
 * writes it through a map: SIGBUS on a full file system).  A creation
 * that committed nothing removes its files; a backup is written under a
 * temporary name and linked into place.
 *
 * LMDB's codes are mapped to QUELL_E* here and nowhere else.  The modes
 * of new files, for a database shared by a group, are perms.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "perms.h"
#include "store.h"

#define DEFAULT_MAP ((size_t)64 << 20)
#define LOOSE_SLACK 8     /* pages a sound data file may end short */
#define LOCK_BYTES 8192   /* LMDB's lock file, default 126 readers */
#define FILE_MODE QUELL__DB_MODE /* data.mdb and lock.mdb (perms.h) */
#define READERS_EVERY 60 /* seconds between looks for dead readers' slots */
#define READERS_READS 1024 /* read transactions between looks at the clock */

/* Seconds on the monotonic clock. */
static int64_t mono(void)
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

static int get_meta(MDB_txn *txn, MDB_dbi meta, const char *name, MDB_val *v)
{
	MDB_val k = { strlen(name), (void *)name };

	return mdb_get(txn, meta, &k, v);
}

static int put_meta(MDB_txn *txn, MDB_dbi meta, const char *name, const void *p, size_t n)
{
	MDB_val k = { strlen(name), (void *)name }, v = { n, (void *)p };

	return mdb_put(txn, meta, &k, &v, 0);
}

static const char *const table_names[] = { "addr", "domain", "history", "changes", "meta",
	                                       "seen" };

static int open_tables(quell *h, struct quell__store *s, MDB_txn *txn, unsigned flags)
{
	MDB_dbi *dbis[] = { &s->addr, &s->domain, &s->history, &s->changes, &s->meta, &s->seen };

	for (size_t i = 0; i < 6; i++) {
		int rc = mdb_dbi_open(txn, table_names[i], flags, dbis[i]);
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
	MDB_val v;
	int rc = get_meta(txn, s->meta, "schema", &v);

	if (rc == MDB_NOTFOUND && !s->readonly) {
		unsigned char schema = QUELL__SCHEMA, lcb = lowercase_default ? 1 : 0;
		unsigned char seq[8] = { 0 };
		char host[QUELL_NAME_MAX];

		if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
			snprintf(host, sizeof host, "localhost");
		host[sizeof host - 1] = '\0';
		if ((rc = put_meta(txn, s->meta, "schema", &schema, 1)) != 0 ||
		    (rc = put_meta(txn, s->meta, "lowercase_local_part", &lcb, 1)) != 0 ||
		    (rc = put_meta(txn, s->meta, "origin", host, strlen(host))) != 0 ||
		    (rc = put_meta(txn, s->meta, "seq", seq, 8)) != 0)
			return quell__mdb_error(h, rc, "create meta table");
		rc = get_meta(txn, s->meta, "schema", &v);
	}
	if (rc == MDB_NOTFOUND)
		return quell__error(h, QUELL_EDB, "%s is not a quell database (no schema)", s->path);
	if (rc != 0)
		return quell__mdb_error(h, rc, "read meta table");
	if (v.mv_size != 1 || *(unsigned char *)v.mv_data != QUELL__SCHEMA)
		return quell__error(h, QUELL_EDB, "%s has database schema %u; this quell reads %d",
		                    s->path, v.mv_size ? *(unsigned char *)v.mv_data : 0,
		                    QUELL__SCHEMA);
	if ((rc = get_meta(txn, s->meta, "lowercase_local_part", &v)) != 0 || v.mv_size != 1)
		return quell__error(h, QUELL_EDB, "%s: meta table lacks lowercase_local_part",
		                    s->path);
	*lc = *(unsigned char *)v.mv_data != 0;
	if (h->origin[0] == '\0') {
		if ((rc = get_meta(txn, s->meta, "origin", &v)) != 0)
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
static int recover(const quell *h, struct quell__store *s, MDB_env *env, int rc)
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
	    (rc = mdb_env_set_mapsize(s->env, map_size ? map_size : DEFAULT_MAP)) != 0) {
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
		int r = tries++ < 40 ? recover(h, NULL, s->env, rc) : 0;
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

int quell__store_open(quell *h, const char *dir, unsigned flags, size_t map_size,
                      int lowercase_default)
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
	s->readonly = (flags & QUELL_OPEN_READONLY) != 0;
	s->map_size = map_size;
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
	if ((rc = env_open(h, s, map_size, lowercase_default, &lc, fresh)) != 0)
		return rc;
	h->lowercase_local = lc;
	s->readers_checked = mono();
	return 0;
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
		h->lowercase_local = lc;
	return rc;
}

void quell__store_close(struct quell__store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->npool; i++)
		mdb_txn_abort(s->pool[i]);
	if (s->env != NULL)
		mdb_env_close(s->env);
	if (s->locks & 2)
		pthread_mutex_destroy(&s->pool_lock);
	if (s->locks & 1)
		pthread_rwlock_destroy(&s->resize);
	free(s);
}

static int grow(const quell *h, struct quell__store *s)
{
	MDB_envinfo info;
	size_t size;
	int rc;

	pthread_rwlock_wrlock(&s->resize);
	if (s->env == NULL) { /* closed meanwhile (reopen): the next try says so */
		pthread_rwlock_unlock(&s->resize);
		return 0;
	}
	mdb_env_info(s->env, &info);
	size = info.me_mapsize;
	size = size > SIZE_MAX / 2 ? SIZE_MAX : size * 2;
	rc = mdb_env_set_mapsize(s->env, size);
	pthread_rwlock_unlock(&s->resize);
	return rc ? quell__mdb_error(h, rc, "grow map") : 0;
}

/* Whether a minute passed since dead readers' slots were last looked
 * for: a long-running process (policyd) clears them now and then, so
 * that others can still start.  The check path pays one relaxed counter
 * for it; the clock and the lock are for one read in READERS_READS (a
 * process that reads less gets its slots cleared by whoever meets
 * MDB_READERS_FULL, and at open). */
static int readers_due(struct quell__store *s)
{
	int64_t now;
	int due;

	if (atomic_fetch_add_explicit(&s->reads, 1, memory_order_relaxed) % READERS_READS != 0)
		return 0;
	now = mono();

	pthread_mutex_lock(&s->pool_lock);
	due = now - s->readers_checked >= READERS_EVERY;
	if (due)
		s->readers_checked = now;
	pthread_mutex_unlock(&s->pool_lock);
	return due;
}

/* The error for a store whose environment is closed (see reopen): the
 * one that reopen met.  The caller holds s->resize, shared, and releases
 * it. */
static int closed(quell *h, struct quell__store *s)
{
	int rc = quell__error(h, s->lost_code, "%s", s->lost);

	pthread_rwlock_unlock(&s->resize);
	return rc;
}

int quell__store_read_begin(quell *h, MDB_txn **out)
{
	struct quell__store *s = h->store;

	if (s == NULL)
		return quell__error(h, QUELL_EINVAL, "no database is open");
	if (readers_due(s)) {
		pthread_rwlock_rdlock(&s->resize);
		if (s->env != NULL)
			mdb_reader_check(s->env, NULL);
		pthread_rwlock_unlock(&s->resize);
	}
	for (int tries = 0;; tries++) {
		MDB_txn *txn = NULL;
		int rc;

		pthread_rwlock_rdlock(&s->resize);
		if (s->env == NULL)
			return closed(h, s);
		pthread_mutex_lock(&s->pool_lock);
		if (s->npool > 0)
			txn = s->pool[--s->npool];
		pthread_mutex_unlock(&s->pool_lock);
		if (txn != NULL) {
			rc = mdb_txn_renew(txn);
			if (rc != 0)
				mdb_txn_abort(txn);
		} else {
			rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
		}
		if (rc == 0) {
			*out = txn;
			return 0;
		}
		pthread_rwlock_unlock(&s->resize);
		if (tries < 40) {
			int r = recover(h, s, NULL, rc);
			if (r < 0)
				return r;
			if (r > 0)
				continue;
		}
		return quell__mdb_error(h, rc, "begin read transaction");
	}
}

void quell__store_read_end(quell *h, MDB_txn *txn)
{
	struct quell__store *s = h->store;

	mdb_txn_reset(txn);
	pthread_mutex_lock(&s->pool_lock);
	if (s->npool < QUELL__POOL) {
		s->pool[s->npool++] = txn;
		txn = NULL;
	}
	pthread_mutex_unlock(&s->pool_lock);
	if (txn != NULL)
		mdb_txn_abort(txn);
	pthread_rwlock_unlock(&s->resize);
}

int quell__store_write(quell *h, quell__write_fn fn, void *ctx)
{
	struct quell__store *s = h->store;
	struct quell__wtxn w;
	int rc = 0;

	if (s == NULL)
		return quell__error(h, QUELL_EINVAL, "no database is open");
	if (s->readonly)
		return quell__error(h, QUELL_EREADONLY, "the database is open read-only");
	memset(&w, 0, sizeof w);
	for (int attempt = 0; attempt < 40; attempt++) {
		MDB_val v;

		pthread_rwlock_rdlock(&s->resize);
		if (s->env == NULL) {
			rc = closed(h, s);
			break;
		}
		rc = mdb_txn_begin(s->env, NULL, 0, &w.txn);
		if (rc != 0) {
			int r;

			pthread_rwlock_unlock(&s->resize);
			w.txn = NULL;
			if ((r = recover(h, s, NULL, rc)) > 0)
				continue;
			rc = r < 0 ? r : quell__mdb_error(h, rc, "begin write transaction");
			break;
		}
		w.seq = 0;
		w.seq_dirty = 0;
		memset(w.cur, 0, sizeof w.cur); /* the last attempt's went with it */
		if ((rc = get_meta(w.txn, s->meta, "seq", &v)) == 0 && v.mv_size == 8)
			w.seq = quell__be64_get(v.mv_data);
		rc = fn(h, &w, ctx);
		if (rc == 0 && w.seq_dirty) {
			unsigned char seq[8];
			quell__be64_put(seq, w.seq);
			if ((rc = put_meta(w.txn, s->meta, "seq", seq, 8)) != 0)
				rc = quell__mdb_error(h, rc, "write sequence number");
		}
		if (rc == 0) {
			rc = mdb_txn_commit(w.txn);
			if (rc != 0)
				rc = quell__mdb_error(h, rc, "commit");
		} else {
			mdb_txn_abort(w.txn);
		}
		w.txn = NULL;
		pthread_rwlock_unlock(&s->resize);
		if (rc == QUELL__EMAPFULL) {
			if ((rc = grow(h, s)) != 0)
				break;
			continue;
		}
		break;
	}
	quell__buf_free(&w.buf);
	if (rc == QUELL__EMAPFULL)
		rc = quell__error(h, QUELL_EDB, "database: the map is full and cannot grow");
	return rc;
}

/* Make a finished copy durable under its own name: fsync it, give it
 * the name `final` only if nothing has it (link(2) never replaces; a file
 * system without hard links gets a rename after a look), fsync the
 * directory. */
static int publish(quell *h, int fd, const char *tmp, const char *final, const char *dir)
{
	int dfd, rc = 0;

	if (fsync(fd) != 0)
		rc = quell__error(h, QUELL_EIO, "backup: %s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = quell__error(h, QUELL_EIO, "backup: %s: %s", tmp, strerror(errno));
	if (rc != 0)
		return rc;
	if (link(tmp, final) != 0) {
		struct stat st;

		if (errno == EEXIST || stat(final, &st) == 0)
			return quell__error(h, QUELL_EIO, "%s already holds a database; a backup "
			                    "never overwrites one", dir);
		if (rename(tmp, final) != 0)
			return quell__error(h, QUELL_EIO, "backup: %s: %s", final, strerror(errno));
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (fsync(dfd) != 0)
			rc = quell__error(h, QUELL_EIO, "backup: %s: %s", dir, strerror(errno));
		close(dfd);
	}
	return rc;
}

int quell__store_backup(quell *h, const char *dir)
{
	struct quell__store *s = h->store;
	char tmp[4200], final[4200];
	struct stat st;
	int fd, rc = 0;

	if (snprintf(final, sizeof final, "%s/data.mdb", dir) >= (int)sizeof final ||
	    snprintf(tmp, sizeof tmp, "%s/.data.mdb.XXXXXX", dir) >= (int)sizeof tmp)
		return quell__error(h, QUELL_EINVAL, "backup path too long");
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return quell__error(h, QUELL_EIO, "backup: %s: %s", dir, strerror(errno));
	for (int tries = 0;; tries++) {
		mdb_filehandle_t src;
		int r;

		pthread_rwlock_rdlock(&s->resize);
		if (s->env == NULL) {
			rc = closed(h, s);
			break;
		}
		/* the copy gets the mode of the original */
		if (tries == 0 && mdb_env_get_fd(s->env, &src) == 0 && fstat(src, &st) == 0)
			fchmod(fd, st.st_mode & 0777);
		rc = mdb_env_copyfd2(s->env, fd, MDB_CP_COMPACT);
		pthread_rwlock_unlock(&s->resize);
		if (rc == 0)
			break;
		r = tries < 40 ? recover(h, s, NULL, rc) : 0;
		if (r > 0 && ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0)
			continue;
		rc = r < 0 ? r : quell__mdb_error(h, rc, "copy");
		break;
	}
	if (rc == 0)
		rc = publish(h, fd, tmp, final, dir);
	else
		close(fd);
	unlink(tmp);
	return rc;
}

MDB_dbi quell__store_dbi(const quell *h, int scope)
{
	return scope == QUELL_SCOPE_DOMAIN ? h->store->domain : h->store->addr;
}

int quell__store_get(const quell *h, MDB_txn *txn, int scope, const char *key, size_t keylen,
                     MDB_val *val)
{
	MDB_val k = { keylen, (void *)key };
	int rc = mdb_get(txn, quell__store_dbi(h, scope), &k, val);

	if (rc == MDB_NOTFOUND)
		return 1;
	return rc ? quell__mdb_error(h, rc, "read") : 0;
}

int quell__store_wcur(const quell *h, struct quell__wtxn *w, enum quell__table i,
                      MDB_cursor **out)
{
	MDB_dbi dbi[5] = { h->store->addr, h->store->domain, h->store->history,
		           h->store->changes, h->store->seen };
	int rc;

	if (w->cur[i] == NULL && (rc = mdb_cursor_open(w->txn, dbi[i], &w->cur[i])) != 0) {
		w->cur[i] = NULL;
		return quell__mdb_error(h, rc, "open cursor");
	}
	*out = w->cur[i];
	return 0;
}

static int wcur(const quell *h, struct quell__wtxn *w, int i, MDB_cursor **out)
{
	return quell__store_wcur(h, w, (enum quell__table)i, out);
}

int quell__store_seen(quell *h, struct quell__wtxn *w, const void *key, size_t klen, int64_t t)
{
	unsigned char tb[8];
	MDB_val k = { klen, (void *)key }, v = { sizeof tb, tb };
	MDB_cursor *c = NULL;
	int rc;

	if ((rc = wcur(h, w, QUELL__T_SEEN, &c)) != 0)
		return rc;
	quell__be64_put(tb, (uint64_t)t);
	/* one search: insert, or find the id already there */
	rc = mdb_cursor_put(c, &k, &v, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST)
		return 1;
	return rc ? quell__mdb_error(h, rc, "write seen ids") : 0;
}

int quell__store_wget(const quell *h, struct quell__wtxn *w, int scope, const char *key,
                      size_t keylen, MDB_val *val)
{
	MDB_val k = { keylen, (void *)key };
	MDB_cursor *c = NULL;
	int rc;

	if ((rc = wcur(h, w, scope == QUELL_SCOPE_DOMAIN, &c)) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, val, MDB_SET_KEY);
	if (rc == MDB_NOTFOUND)
		return 1;
	return rc ? quell__mdb_error(h, rc, "read") : 0;
}

int quell__store_load(quell *h, struct quell__wtxn *w, int scope, const char *key,
                      struct quell__rec *r)
{
	MDB_val v;
	int rc = quell__store_wget(h, w, scope, key, strlen(key), &v);

	r->n = 0;
	if (rc < 0)
		return rc;
	if (rc == 0 && quell__rec_decode(r, v.mv_data, v.mv_size) != 0)
		return quell__error(h, QUELL_EDB, "database: the record of %s is damaged", key);
	return 0;
}

int quell__store_put(quell *h, struct quell__wtxn *w, int scope, const char *key,
                     const struct quell__rec *r)
{
	MDB_val k = { strlen(key), (void *)key }, v;
	MDB_cursor *c = NULL;
	int rc;

	if (r->n == 0) {
		rc = mdb_del(w->txn, quell__store_dbi(h, scope), &k, NULL);
		return rc && rc != MDB_NOTFOUND ? quell__mdb_error(h, rc, "delete") : 0;
	}
	w->buf.len = 0;
	quell__rec_encode(&w->buf, r);
	if (w->buf.oom)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	v.mv_size = w->buf.len;
	v.mv_data = w->buf.data;
	if ((rc = wcur(h, w, scope == QUELL_SCOPE_DOMAIN, &c)) != 0)
		return rc;
	rc = mdb_cursor_put(c, &k, &v, 0);
	return rc ? quell__mdb_error(h, rc, "write") : 0;
}

size_t quell__history_prefix(const char *key, unsigned char *out)
{
	size_t n = strlen(key);

	memcpy(out, key, n);
	out[n] = '\0';
	return n + 1;
}

int quell__store_event(quell *h, struct quell__wtxn *w, const char *key, struct quell_event *ev)
{
	unsigned char hk[QUELL__HKEY_MAX], sk[8];
	size_t n;
	MDB_val k, v, ck;
	MDB_cursor *c = NULL;
	int rc;

	if (strlen(key) >= QUELL_ENTRY_MAX)
		return quell__error(h, QUELL_EINTERNAL, "history key too long");
	ev->seq = ++w->seq;
	ev->origin = h->origin;
	w->seq_dirty = 1;
	n = quell__history_prefix(key, hk);
	quell__be64_put(hk + n, ~((uint64_t)ev->time ^ (UINT64_C(1) << 63)));
	quell__be64_put(hk + n + 8, ~ev->seq);
	n += 16;
	w->buf.len = 0;
	quell__event_encode(&w->buf, ev);
	if (w->buf.oom)
		return quell__error(h, QUELL_ENOMEM, "out of memory");
	k.mv_size = n;
	k.mv_data = hk;
	v.mv_size = w->buf.len;
	v.mv_data = w->buf.data;
	if ((rc = wcur(h, w, 2, &c)) != 0)
		return rc;
	if ((rc = mdb_cursor_put(c, &k, &v, 0)) != 0)
		return quell__mdb_error(h, rc, "write history");
	quell__be64_put(sk, ev->seq);
	ck.mv_size = 8;
	ck.mv_data = sk;
	if ((rc = wcur(h, w, 3, &c)) != 0)
		return rc;
	rc = mdb_cursor_put(c, &ck, &k, MDB_APPEND);
	if (rc == MDB_KEYEXIST) /* a sequence number reused: keep the newest */
		rc = mdb_cursor_put(c, &ck, &k, 0);
	return rc ? quell__mdb_error(h, rc, "write change feed") : 0;
}

/* Where the map of the data file lies in this process.  LMDB reports it
 * (me_mapaddr) only for MDB_FIXEDMAP environments, so it is looked up in
 * /proc/self/maps by the file's device and inode (taken when the
 * environment was opened).  0, or -1 when unknown (no /proc: then nothing
 * is trimmed). */
static int map_range(const struct quell__store *s, uintptr_t *start, uintptr_t *end)
{
	char line[4400];
	FILE *f;
	int found = -1;

	if (s->data_ino == 0 || (f = fopen("/proc/self/maps", "re")) == NULL)
		return -1;
	while (found != 0 && fgets(line, sizeof line, f) != NULL) {
		unsigned long a, b, ino;
		unsigned maj, mnr;

		if (sscanf(line, "%lx-%lx %*s %*s %x:%x %lu", &a, &b, &maj, &mnr, &ino) == 5 &&
		    ino == (unsigned long)s->data_ino && maj == major(s->data_dev) &&
		    mnr == minor(s->data_dev)) {
			*start = (uintptr_t)a;
			*end = (uintptr_t)b;
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/* The map is shared and read-only (no MDB_WRITEMAP; a write transaction's
 * dirty pages live in its own memory): dropping pages loses nothing, a
 * later read faults them back in from the page cache.  The caller keeps
 * the map from moving (the resize lock, either way). */
static void trim(const struct quell__store *s)
{
	uintptr_t start, end;

	if (map_range(s, &start, &end) == 0)
		madvise((void *)start, end - start, MADV_DONTNEED);
}

void quell__store_trim(quell *h)
{
	if (h->store == NULL)
		return;
	pthread_rwlock_wrlock(&h->store->resize);
	trim(h->store);
	pthread_rwlock_unlock(&h->store->resize);
}

/* This process's resident set in bytes (/proc/self/statm), 0 if unknown. */
static size_t resident(void)
{
	char buf[128];
	unsigned long size = 0, res = 0;
	ssize_t n;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%lu %lu", &size, &res) != 2)
		return 0;
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

void quell__store_wtrim(quell *h, struct quell__wtxn *w, size_t over)
{
	(void)w; /* its transaction holds the resize lock: the map stays put */
	if (over == 0 || resident() > over)
		trim(h->store);
}

/* ------------------------------------------------------------------ marks */

int quell__store_meta_get(quell *h, MDB_txn *txn, const void *name, size_t nlen, MDB_val *v)
{
	MDB_val k = { nlen, (void *)name };
	int rc = mdb_get(txn, h->store->meta, &k, v);

	if (rc == MDB_NOTFOUND)
		return 1;
	return rc ? quell__mdb_error(h, rc, "read meta table") : 0;
}

int quell__store_meta_put(quell *h, struct quell__wtxn *w, const void *name, size_t nlen,
                          const void *value, size_t vlen)
{
	MDB_val k = { nlen, (void *)name }, v = { vlen, (void *)value };
	int rc = mdb_put(w->txn, h->store->meta, &k, &v, 0);

	return rc ? quell__mdb_error(h, rc, "write meta table") : 0;
}
