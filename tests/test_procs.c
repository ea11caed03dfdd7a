/*
 * test_procs.c - several processes on one database, as quell is used
 * beside Postfix: two writers (one opening a handle per change as `quell
 * add` does, one keeping its handle as `ingest --follow` does) and two
 * readers (a handle per check as `quell check`, one kept handle as
 * `quell policyd`; one handle per process, as LMDB wants) run at once for
 * QUELL_PROCS_SECONDS seconds (3 by default; the closing note's figure is
 * measured with 30).  Every handle starts with a small map, so each open
 * maps just the pages in use and the other processes' commits resize the
 * map under it again and again (MDB_MAP_RESIZED at any transaction start,
 * the first after open included).  Not one operation may fail.
 *
 * Each child writes its counts into a pipe; the parent prints them (the
 * figure) and asserts that nothing failed and that every write is there.
 *
 * And quell_reopen(): a long-running handle follows its directory when
 * another process replaces, removes or makes again the data file.  And a
 * kept handle beside another process that grows the map, while a second
 * handle on the database is opened and closed in the same process.
 */
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define T0 1700000000
#define SMALL_MAP (64 * 1024)

enum role { ADD_PER_OPEN, ADD_KEPT, CHECK_PER_OPEN, CHECK_KEPT, NROLES };

struct tally {
	long ops, failures;
	char first[256]; /* the first failure's message */
};

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void failed(struct tally *t, quell *h, const char *what)
{
	if (t->failures++ == 0)
		snprintf(t->first, sizeof t->first, "%s: %s", what, quell_errmsg(h));
}

static int open_small(quell **h, const char *dir, unsigned flags)
{
	struct quell_options o = QUELL_OPTIONS_INIT;

	o.flags = flags;
	o.map_size = SMALL_MAP;
	return quell_open(dir, &o, h);
}

/* One add; a handle of its own unless *kept is open. */
static void add_one(struct tally *t, const char *dir, quell **kept, const char *addr)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	quell *h = *kept;

	a.now = T0;
	a.reason = "a reason that takes some room in every record, so that pages fill up "
	           "and the file grows while the others have it mapped";
	if (h == NULL && open_small(&h, dir, 0) != 0) {
		failed(t, h, "open");
		quell_close(h);
		return;
	}
	if (quell_add(h, addr, &a) != 0)
		failed(t, h, addr);
	if (*kept == NULL)
		quell_close(h);
}

static void check_one(struct tally *t, quell *h)
{
	struct quell_result res;

	if (quell_check(h, "anchor@example.org", NULL, T0, &res) != 0)
		failed(t, h, "check");
	else if (res.verdict != QUELL_SUPPRESS && t->failures++ == 0)
		snprintf(t->first, sizeof t->first, "check: anchor@example.org is %s",
		         quell_verdict_name(res.verdict));
}

static void child(enum role role, const char *dir, double until, int fd)
{
	struct tally t = { 0, 0, "" };
	quell *kept = NULL, *h = NULL;
	char addr[64];

	if (role == ADD_KEPT && open_small(&kept, dir, 0) != 0)
		failed(&t, kept, "open");
	if (role == CHECK_KEPT && open_small(&kept, dir, QUELL_OPEN_READONLY) != 0)
		failed(&t, kept, "open read-only");
	while (t.failures == 0 && seconds() < until) {
		switch (role) {
		case ADD_PER_OPEN:
		case ADD_KEPT:
			snprintf(addr, sizeof addr, "w%d-%06ld@example.com", (int)role, t.ops);
			add_one(&t, dir, role == ADD_KEPT ? &kept : &h, addr);
			break;
		case CHECK_PER_OPEN: /* as `quell check` does */
			if (open_small(&h, dir, QUELL_OPEN_READONLY) != 0)
				failed(&t, h, "open read-only");
			else
				check_one(&t, h);
			quell_close(h);
			h = NULL;
			break;
		case CHECK_KEPT: /* as `quell policyd` does */
			check_one(&t, kept);
			break;
		case NROLES:
			break;
		}
		t.ops++;
	}
	quell_close(kept);
	if (write(fd, &t, sizeof t) != (ssize_t)sizeof t)
		_exit(2);
	_exit(0);
}

static void test_writers_and_readers(void)
{
	static const char *const names[] = { "add, a handle per change", "add, one handle",
		                             "check, a handle per check", "check, one handle" };
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_stats *st = NULL;
	struct tally t[NROLES];
	const char *env = getenv("QUELL_PROCS_SECONDS");
	double secs = env != NULL && atof(env) > 0 ? atof(env) : 3;
	pid_t pid[NROLES];
	int fds[NROLES][2];
	char dir[128];
	quell *h;
	struct quell_options o = QUELL_OPTIONS_INIT;

	o.map_size = SMALL_MAP;
	h = tu_open(dir, sizeof dir, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	a.now = T0;
	CU_ASSERT_EQUAL_FATAL(quell_add(h, "anchor@example.org", &a), 0);
	quell_close(h);
	fflush(NULL);
	for (int i = 0; i < NROLES; i++) {
		CU_ASSERT_EQUAL_FATAL(pipe(fds[i]), 0);
		pid[i] = fork();
		CU_ASSERT_FATAL(pid[i] >= 0);
		if (pid[i] == 0) {
			close(fds[i][0]);
			child((enum role)i, dir, seconds() + secs, fds[i][1]);
		}
		close(fds[i][1]);
	}
	for (int i = 0; i < NROLES; i++) {
		int status = 0;
		ssize_t n;

		memset(&t[i], 0, sizeof t[i]);
		do
			n = read(fds[i][0], &t[i], sizeof t[i]);
		while (n < 0 && errno == EINTR);
		close(fds[i][0]);
		waitpid(pid[i], &status, 0);
		if (n != (ssize_t)sizeof t[i] || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "\n  %s: the process died (status %#x)\n", names[i], status);
			CU_FAIL("a process died");
			continue;
		}
		fprintf(stderr, "\n  %.0f s, %s: %ld operations, %ld failed%s%s", secs, names[i],
		        t[i].ops, t[i].failures, t[i].failures ? "; first: " : "", t[i].first);
		TU_EQ_INT(t[i].failures, 0);
		CU_ASSERT(t[i].ops > 0);
	}
	fprintf(stderr, "\n");

	/* every add is there */
	o.flags = QUELL_OPEN_READONLY;
	o.map_size = 0;
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &h), 0);
	CU_ASSERT_EQUAL_FATAL(quell_stats_get(h, T0, &st), 0);
	TU_EQ_INT(st->entries[QUELL_LIST_SUPPRESS][QUELL_SCOPE_ADDRESS], 1 + t[0].ops + t[1].ops);
	CU_ASSERT(st->map_bytes > SMALL_MAP);
	quell_stats_free(st);
	tu_close(h, dir);
}

/* A long-running handle follows its directory: a data file replaced by
 * another (as `mv backup/data.mdb db/` does), then removed, then made
 * again. */
static void test_reopen(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_options o = QUELL_OPTIONS_INIT;
	struct quell_result res;
	char dir[128], other[128], path[300], to[300];
	quell *h, *w = NULL;
	int changed = -1;

	a.now = T0;
	h = tu_open(dir, sizeof dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	w = tu_open(other, sizeof other, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL_FATAL(quell_add(w, "new@example.org", &a), 0);
	quell_close(w);

	/* nothing changed: nothing done */
	TU_EQ_INT(quell_reopen(h, 0, &changed), 0);
	TU_EQ_INT(changed, 0);
	TU_EQ_INT(quell_check(h, "new@example.org", NULL, T0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_ALLOW);

	/* replaced */
	snprintf(path, sizeof path, "%s/data.mdb", other);
	snprintf(to, sizeof to, "%s/data.mdb", dir);
	CU_ASSERT_EQUAL_FATAL(rename(path, to), 0);
	TU_EQ_INT(quell_reopen(h, 0, &changed), 0);
	TU_EQ_INT(changed, 1);
	TU_EQ_INT(quell_check(h, "new@example.org", NULL, T0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);

	/* removed: every call fails until it is back */
	tu_rmtree(dir);
	TU_EQ_INT(quell_reopen(h, 0, &changed), QUELL_ENODB);
	TU_EQ_INT(changed, 1);
	TU_EQ_INT(quell_check(h, "new@example.org", NULL, T0, &res), QUELL_ENODB);
	CU_ASSERT(strstr(quell_errmsg(h), "removed while open") != NULL);
	TU_EQ_INT(quell_add(h, "x@example.org", &a), QUELL_ENODB);
	TU_EQ_INT(quell_reopen(h, 0, &changed), QUELL_ENODB);
	TU_EQ_INT(changed, 0);

	/* made again */
	o.flags = QUELL_OPEN_CREATE;
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &w), 0);
	CU_ASSERT_EQUAL_FATAL(quell_add(w, "again@example.org", &a), 0);
	for (int i = 0; i < 300; i++) { /* pages enough to cut some off */
		char addr[64];
		snprintf(addr, sizeof addr, "fill%03d@example.org", i);
		CU_ASSERT_EQUAL_FATAL(quell_add(w, addr, &a), 0);
	}
	quell_close(w);
	TU_EQ_INT(quell_reopen(h, 0, &changed), 0);
	TU_EQ_INT(changed, 1);
	TU_EQ_INT(quell_check(h, "again@example.org", NULL, T0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);
	TU_EQ_INT(quell_add(h, "x@example.org", &a), 0);

	/* forced: the same file again */
	TU_EQ_INT(quell_reopen(h, QUELL_REOPEN_FORCE, &changed), 0);
	TU_EQ_INT(changed, 1);
	TU_EQ_INT(quell_check(h, "x@example.org", NULL, T0, &res), 0);
	TU_EQ_INT(res.verdict, QUELL_SUPPRESS);

	/* the file cut short: every call says so, none reads past its end */
	CU_ASSERT_EQUAL(truncate(to, 8192), 0); /* the meta pages */
	TU_EQ_INT(quell_reopen(h, QUELL_REOPEN_FORCE, &changed), QUELL_EDB);
	TU_EQ_INT(quell_check(h, "x@example.org", NULL, T0, &res), QUELL_EDB);
	CU_ASSERT(strstr(quell_errmsg(h), "truncated or damaged") != NULL);
	tu_close(h, dir);
	tu_rmtree(other);
}

/* A long-running process that keeps its handle while another process
 * writes and grows the map past this one's, round after round (as `quell
 * policyd` or the fleet probe beside `quell sync`), and opens a second
 * handle on the same database now and then and closes it again (as the
 * probe and `quell serve` do): after each round, the other process's last
 * write is seen through the old handle and through a new one, and the
 * parent's own writes go on.  With two LMDB environments on the file in
 * one process, closing the second freed the first one's reader slots
 * (MDB_BAD_RSLOT at its next read; a writer elsewhere free to reuse pages
 * it still read) and dropped its locks. */
static void writer_child(const char *dir, int cmd, int ack)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	quell *h = NULL;
	char round, addr[64];
	int bad = 0;

	a.now = T0;
	a.reason = "a reason that takes some room in every record, so that pages fill up "
	           "and the file grows while the others have it mapped";
	if (open_small(&h, dir, 0) != 0)
		bad = 1;
	while (read(cmd, &round, 1) == 1) {
		for (int i = 0; i < 40 && !bad; i++) {
			snprintf(addr, sizeof addr, "g%03d-%02d@example.com", (unsigned char)round, i);
			bad = quell_add(h, addr, &a) != 0;
		}
		snprintf(addr, sizeof addr, "last%03d@example.com", (unsigned char)round);
		if (!bad)
			bad = quell_add(h, addr, &a) != 0;
		if (write(ack, bad ? "!" : ".", 1) != 1)
			break;
	}
	quell_close(h);
	_exit(bad);
}

static int suppressed(quell *h, const char *addr)
{
	struct quell_result res;

	int rc = quell_check(h, addr, NULL, T0, &res);

	if (rc != 0) {
		fprintf(stderr, "\n  check %s: %s", addr, quell_errmsg(h));
		return 0;
	}
	return res.verdict == QUELL_SUPPRESS;
}

static void test_kept_handle_sees_growth(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_options o = QUELL_OPTIONS_INIT;
	int cmd[2], ack[2], status = 0, stale_old = 0, stale_new = 0, failed_writes = 0;
	char dir[128], addr[64], c;
	quell *h, *x;
	pid_t pid;

	o.map_size = SMALL_MAP;
	h = tu_open(dir, sizeof dir, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	/* the child gets no handle of ours (under valgrind it would count
	 * our memory as its leak): the kept handle is opened after the fork */
	quell_close(h);
	a.now = T0;
	CU_ASSERT_EQUAL_FATAL(pipe(cmd), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(ack), 0);
	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		writer_child(dir, cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &h), 0);
	for (int r = 0; r < 40; r++) {
		char round = (char)r;

		snprintf(addr, sizeof addr, "own%03d@example.net", r);
		failed_writes += quell_add(h, addr, &a) != 0;
		CU_ASSERT_FATAL(write(cmd[1], &round, 1) == 1);
		CU_ASSERT_FATAL(read(ack[0], &c, 1) == 1);
		CU_ASSERT_FATAL(c == '.');
		snprintf(addr, sizeof addr, "last%03d@example.com", r);
		stale_old += !suppressed(h, addr);
		o.map_size = SMALL_MAP;
		if (quell_open(dir, &o, &x) != 0) {
			stale_new++;
		} else {
			stale_new += !suppressed(x, addr);
			quell_close(x);
		}
		stale_old += !suppressed(h, addr);
	}
	close(cmd[1]);
	waitpid(pid, &status, 0);
	close(ack[0]);
	TU_EQ_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
	TU_EQ_INT(failed_writes, 0);
	TU_EQ_INT(stale_old, 0);
	TU_EQ_INT(stale_new, 0);
	tu_close(h, dir);
}

/* Handles of one process on one database share its environment: a
 * read-only one still cannot write, the others can, each sees the
 * others' writes, and closing one leaves the others working. */
static void test_second_handle(void)
{
	struct quell_add_options a = QUELL_ADD_OPTIONS_INIT;
	struct quell_options o = QUELL_OPTIONS_INIT;
	char dir[128];
	quell *h, *ro = NULL, *rw = NULL;

	a.now = T0;
	h = tu_open(dir, sizeof dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	o.flags = QUELL_OPEN_READONLY;
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &ro), 0);
	CU_ASSERT_STRING_EQUAL(quell_origin(ro), quell_origin(h));
	TU_EQ_INT(quell_add(ro, "no@example.org", &a), QUELL_EREADONLY);
	o.flags = 0;
	CU_ASSERT_EQUAL_FATAL(quell_open(dir, &o, &rw), 0);
	TU_EQ_INT(quell_add(rw, "yes@example.org", &a), 0);
	quell_close(rw);
	CU_ASSERT(suppressed(ro, "yes@example.org"));
	TU_EQ_INT(quell_add(h, "too@example.org", &a), 0);
	quell_close(h);
	CU_ASSERT(suppressed(ro, "too@example.org"));
	CU_ASSERT(!suppressed(ro, "no@example.org"));
	tu_close(ro, dir);
}

static CU_TestInfo tests[] = {
	{ "two writers and two readers in processes of their own", test_writers_and_readers },
	{ "reopen follows a replaced, removed, new data file", test_reopen },
	{ "a kept handle sees another process's writes past its map", test_kept_handle_sees_growth },
	{ "a second handle in one process shares the environment", test_second_handle },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_procs[] = {
	{ "procs", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
