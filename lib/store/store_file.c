/*
 * store_file.c - the store's data file as a file: its sizes (stats), a
 * compacted backup written under a temporary name and linked into place,
 * and trimming the map's pages from the resident set (found in
 * /proc/self/maps: LMDB reports the map's address only for MDB_FIXEDMAP
 * environments).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "error.h"
#include "store_int.h"

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
			rc = quell__store_closed(h, s);
			break;
		}
		/* the copy gets the mode of the original */
		if (tries == 0 && mdb_env_get_fd(s->env, &src) == 0 && fstat(src, &st) == 0)
			fchmod(fd, st.st_mode & 0777);
		rc = mdb_env_copyfd2(s->env, fd, MDB_CP_COMPACT);
		pthread_rwlock_unlock(&s->resize);
		if (rc == 0)
			break;
		r = tries < 40 ? quell__store_recover(h, s, NULL, rc) : 0;
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
static void trim(struct quell__store *s)
{
	uintptr_t start, end;
	MDB_envinfo info;
	int known;

	/* reading /proc/self/maps costs more than a trim: the range found is
	 * kept while the environment and its map size stay (the map moves
	 * only when it is resized, or the environment opened again) */
	if (s->env == NULL || mdb_env_info(s->env, &info) != 0)
		return;
	pthread_mutex_lock(&s->pool_lock);
	known = s->trim_env == s->env && s->trim_size == info.me_mapsize;
	start = s->trim_start;
	end = s->trim_end;
	pthread_mutex_unlock(&s->pool_lock);
	if (!known) {
		if (map_range(s, &start, &end) != 0)
			return;
		pthread_mutex_lock(&s->pool_lock);
		s->trim_env = s->env;
		s->trim_size = info.me_mapsize;
		s->trim_start = start;
		s->trim_end = end;
		pthread_mutex_unlock(&s->pool_lock);
	}
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

/* This process's resident set in bytes (/proc/self/statm), 0 if unknown.
 * The file is opened once and read again from its start (one pread
 * instead of open, read and close: the importer looks every few rows). */
static size_t resident(struct quell__store *s)
{
	char buf[128];
	unsigned long size = 0, res = 0;
	ssize_t n;
	int fd;

	pthread_mutex_lock(&s->pool_lock);
	if (s->statm_fd < 0)
		s->statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	fd = s->statm_fd;
	pthread_mutex_unlock(&s->pool_lock);
	if (fd < 0)
		return 0;
	n = pread(fd, buf, sizeof buf - 1, 0);
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
	if (over == 0 || resident(h->store) > over)
		trim(h->store);
}

void quell__store_rtrim(quell *h, struct quell__txn *txn, size_t over)
{
	(void)txn; /* a read transaction holds the resize lock shared: the map stays put */
	if (over == 0 || resident(h->store) > over)
		trim(h->store);
}

int quell__store_stat(quell *h, struct quell__txn *txn, struct quell__store_stat *st)
{
	MDB_txn *t = quell__mtxn(txn);
	MDB_val v;
	MDB_stat ms;
	MDB_envinfo info;
	struct stat sb;
	char path[4200];
	int rc;

	memset(st, 0, sizeof *st);
	if ((rc = mdb_stat(t, h->store->dbi[QUELL__T_HISTORY], &ms)) != 0)
		return quell__mdb_error(h, rc, "stat history");
	st->events = ms.ms_entries;
	if (h->store->dhistory) {
		if ((rc = mdb_stat(t, h->store->dbi[QUELL__T_DHISTORY], &ms)) != 0)
			return quell__mdb_error(h, rc, "stat history");
		st->events += ms.ms_entries;
	}
	if (quell__store_get_meta(t, h->store->dbi[QUELL__T_META], "seq", &v) == 0 &&
	    v.mv_size == 8)
		st->last_seq = quell__be64_get(v.mv_data);
	if ((rc = mdb_stat(t, h->store->dbi[QUELL__T_ADDR], &ms)) != 0)
		return quell__mdb_error(h, rc, "stat");
	mdb_env_info(mdb_txn_env(t), &info);
	st->map_bytes = info.me_mapsize;
	st->used_bytes = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
	snprintf(path, sizeof path, "%s/data.mdb", h->store->path);
	if (stat(path, &sb) == 0)
		st->db_bytes = (uint64_t)sb.st_size;
	return 0;
}
