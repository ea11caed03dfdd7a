/*
 * raw_lmdb.c - the baseline: what plain LMDB calls cost for the work a
 * quell import and a quell check do, with nothing else around them.
 *
 *   build/bench/raw_lmdb load [--batch N] DIR FILE
 *   build/bench/raw_lmdb probe [--batch B] [--limit L] [--no-warm] DIR QUERIES [TRUTH]
 *
 * load: one address per line of FILE, lowercased (ASCII), put with
 * mdb_put into table "addr" in the file's order (random), with a value of
 * VALUE_SIZE bytes (a quell import record is about that size).  One write
 * transaction for the whole file, or one per N rows with --batch; every
 * commit is synced (no MDB_NOSYNC), as quell's are.  An empty table
 * "domain" is made too, as in a database of addresses only.  The map is
 * made large enough at the start (quell starts at 64 MiB and doubles).
 *
 * probe: for each query (read into memory first): a lowercased copy, an
 * mdb_get in "addr", then one in "domain" for the domain and for each of
 * its parent domains down to the top-level label (mail.x.co.uk, x.co.uk,
 * co.uk, uk: what quell probes).  All probes are made for every query,
 * found or not.  One read transaction, reset and renewed every B queries
 * (B = 1: each query, as quell_check; 64 and 1024: as quell_check_many's
 * batches).  Without --batch, passes with B = 1, 64 and 1024 are timed,
 * after one untimed pass (--no-warm: none) that faults the map in.
 * With TRUTH (queries.truth), every answer (address found or not) is
 * checked and a wrong one stops the program with status 1.
 *
 * Output, one line per timed pass:
 *   raw_probe batch=B queries=N found=F ns_per_query=X
 *   raw_load rows=N seconds=S rows_per_s=R
 *
 * Knows nothing of quell.
 */
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define PROG "raw_lmdb"
#define KEY_MAX 256
#define VALUE_SIZE 80

static int mdb_fail(int rc, const char *what)
{
	fprintf(stderr, PROG ": %s: %s\n", what, mdb_strerror(rc));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: " PROG " load [--batch N] DIR FILE\n"
	                "       " PROG " probe [--batch B] [--limit L] [--no-warm] DIR QUERIES "
	                "[TRUTH]\n");
	return 64;
}

/* ASCII lowercase copy of s[0..n) into out[KEY_MAX]; -1 if too long. */
static int lower(const char *s, size_t n, char *out)
{
	if (n >= KEY_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[n] = '\0';
	return 0;
}

static int open_env(const char *dir, int readonly, size_t mapsize, MDB_env **env)
{
	int rc;

	if ((rc = mdb_env_create(env)) != 0)
		return mdb_fail(rc, "create environment");
	if ((rc = mdb_env_set_maxdbs(*env, 4)) != 0 ||
	    (mapsize && (rc = mdb_env_set_mapsize(*env, mapsize)) != 0))
		return mdb_fail(rc, "configure environment");
	if ((rc = mdb_env_open(*env, dir, MDB_NOTLS | (readonly ? MDB_RDONLY : 0), 0644)) != 0)
		return mdb_fail(rc, dir);
	return 0;
}

static int load(const char *dir, const char *path, size_t batch)
{
	static const char value[VALUE_SIZE] = "raw baseline value, sized like a quell record";
	struct bench_lines in;
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi addr, dom;
	char key[KEY_MAX];
	size_t rows = 0;
	double t0 = bench_now(), t;
	int rc;

	if (bench_read(PROG, path, 1, &in) != 0)
		return 1;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, PROG ": %s: %s\n", dir, strerror(errno));
		return 1;
	}
	/* room for the rows with their B-tree overhead, never regrown */
	if (open_env(dir, 0, ((size_t)1 << 30) + in.n * 1024, &env) != 0)
		return 1;
	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0)
		return mdb_fail(rc, "begin");
	if ((rc = mdb_dbi_open(txn, "addr", MDB_CREATE, &addr)) != 0 ||
	    (rc = mdb_dbi_open(txn, "domain", MDB_CREATE, &dom)) != 0)
		return mdb_fail(rc, "open tables");
	for (size_t i = 0; i < in.n; i++) {
		size_t n = strlen(in.v[i]);
		MDB_val k = { n, key }, v = { sizeof value, (void *)value };

		if (n == 0)
			continue;
		if (lower(in.v[i], n, key) != 0) {
			fprintf(stderr, PROG ": %s:%zu: line too long\n", path, i + 1);
			return 1;
		}
		if ((rc = mdb_put(txn, addr, &k, &v, 0)) != 0)
			return mdb_fail(rc, "put");
		if (++rows % batch == 0) {
			if ((rc = mdb_txn_commit(txn)) != 0)
				return mdb_fail(rc, "commit");
			if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0)
				return mdb_fail(rc, "begin");
		}
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return mdb_fail(rc, "commit");
	if ((rc = mdb_env_sync(env, 1)) != 0)
		return mdb_fail(rc, "sync");
	mdb_env_close(env);
	t = bench_now() - t0;
	printf("raw_load rows=%zu seconds=%.3f rows_per_s=%.0f\n", rows, t, (double)rows / t);
	bench_lines_free(&in);
	return 0;
}

/* One query: *found is 1 when the address is there.  0, or an LMDB code. */
static int probe(MDB_txn *txn, MDB_dbi addr, MDB_dbi dom, const char *q, int *found)
{
	char key[KEY_MAX];
	size_t n = strlen(q);
	MDB_val k, v;
	char *at, *d, *end;
	int rc;

	*found = 0;
	if (lower(q, n, key) != 0 || (at = strrchr(key, '@')) == NULL)
		return 0;
	k.mv_size = n;
	k.mv_data = key;
	rc = mdb_get(txn, addr, &k, &v);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	*found = rc == 0;
	end = key + n;
	for (d = at + 1; d < end;) {
		char *dot = memchr(d, '.', (size_t)(end - d));

		k.mv_size = (size_t)(end - d);
		k.mv_data = d;
		rc = mdb_get(txn, dom, &k, &v);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return rc;
		if (dot == NULL)
			break;
		d = dot + 1;
	}
	return 0;
}

/* One pass over q[0..n): renew every `batch` queries; found count or -1. */
static long pass(MDB_txn *txn, MDB_dbi addr, MDB_dbi dom, const struct bench_lines *q,
                 size_t n, size_t batch, const struct bench_lines *truth)
{
	long found = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		int r;

		if (i % batch == 0) {
			mdb_txn_reset(txn);
			if ((rc = mdb_txn_renew(txn)) != 0)
				return mdb_fail(rc, "renew"), -1;
		}
		if ((rc = probe(txn, addr, dom, q->v[i], &r)) != 0)
			return mdb_fail(rc, q->v[i]), -1;
		if (bench_verify(PROG, truth, i, q->v[i], r) != 0)
			return -1;
		found += r;
	}
	return found;
}

static int probe_all(const char *dir, const char *qpath, const char *tpath, size_t only,
                     size_t limit, int warm)
{
	static const size_t batches[] = { 1, 64, 1024 };
	struct bench_lines q, truth;
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi addr, dom;
	size_t n;
	int rc;

	if (bench_read(PROG, qpath, 1, &q) != 0)
		return 1;
	if (tpath != NULL && bench_read(PROG, tpath, 0, &truth) != 0)
		return 1;
	n = limit && limit < q.n ? limit : q.n;
	if (open_env(dir, 1, 0, &env) != 0)
		return 1;
	/* table handles outlive only a committed transaction */
	if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0)
		return mdb_fail(rc, "begin");
	if ((rc = mdb_dbi_open(txn, "addr", 0, &addr)) != 0 ||
	    (rc = mdb_dbi_open(txn, "domain", 0, &dom)) != 0)
		return mdb_fail(rc, "open tables");
	if ((rc = mdb_txn_commit(txn)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0)
		return mdb_fail(rc, "begin");
	if (warm && pass(txn, addr, dom, &q, n, 1024, NULL) < 0)
		return 1;
	for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
		size_t batch = only ? only : batches[b];
		double t0 = bench_now(), t;
		long found = pass(txn, addr, dom, &q, n, batch, tpath ? &truth : NULL);

		t = bench_now() - t0;
		if (found < 0)
			return 1;
		printf("raw_probe batch=%zu queries=%zu found=%ld ns_per_query=%.1f\n", batch, n,
		       found, t * 1e9 / (double)n);
		if (only)
			break;
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
	bench_lines_free(&q);
	if (tpath != NULL)
		bench_lines_free(&truth);
	return 0;
}

static int count(const char *s, size_t *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *v > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	size_t batch = 0, limit = 0;
	int warm = 1, i = 2;

	if (argc < 2)
		return usage();
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--no-warm") == 0)
			warm = 0;
		else if (i + 1 < argc && strcmp(argv[i], "--batch") == 0)
			i++, batch = count(argv[i], &batch) == 0 ? batch : (size_t)-1;
		else if (i + 1 < argc && strcmp(argv[i], "--limit") == 0)
			i++, limit = count(argv[i], &limit) == 0 ? limit : (size_t)-1;
		else
			return usage();
	}
	if (batch == (size_t)-1 || limit == (size_t)-1)
		return usage();
	if (strcmp(argv[1], "load") == 0 && argc - i == 2)
		return load(argv[i], argv[i + 1], batch ? batch : (size_t)-1);
	if (strcmp(argv[1], "probe") == 0 && (argc - i == 2 || argc - i == 3))
		return probe_all(argv[i], argv[i + 1], argc - i == 3 ? argv[i + 2] : NULL, batch,
		                 limit, warm);
	return usage();
}
