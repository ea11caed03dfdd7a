/*
 * testutil.c - see testutil.h.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"
#include "rules.h"
#include "testutil.h"

quell *tu_open(char *dir, size_t dirsize, const struct quell_options *opts)
{
	struct quell_options o = QUELL_OPTIONS_INIT;
	const char *tmp = getenv("QUELL_TEST_TMPDIR");
	quell *h = NULL;
	int rc;

	/* a memory file system when there is one: tests commit thousands of
	 * transactions, and each durable commit waits for the disk */
	if (tmp == NULL || *tmp == '\0')
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	snprintf(dir, dirsize, "%s/quell-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return NULL;
	}
	if (opts != NULL)
		o = *opts;
	o.flags |= QUELL_OPEN_CREATE;
	rc = quell_open(dir, &o, &h);
	if (rc != 0) {
		fprintf(stderr, "tu_open: %s\n", quell_errmsg(h));
		quell_close(h);
		tu_rmtree(dir);
		return NULL;
	}
	return h;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void tu_close(quell *h, const char *dir)
{
	quell_close(h);
	tu_rmtree(dir);
}

/* The 1-based face of tests/alloc.h's hooks, for the suites that use it. */
void tu_alloc_fail_at(long i)
{
	quell_test_alloc_fail_at(i > 0 ? i - 1 : -1);
}

long tu_alloc_seen(void)
{
	return quell_test_alloc_count();
}

int tu_eval_label(const char *reason)
{
	static const char *const suppress[] = { "userunknown", "hasmoved", "hostunknown", NULL };
	static const char *const keep[] = {
		"mailboxfull", "blocked", "rejected", "spamdetected", "policyviolation",
		"authfailure", "requireptr", "securityerror", "norelaying", "networkerror",
		"systemerror", "toomanyconn", "speeding", "exceedlimit", "mesgtoobig",
		"contenterror", "virusdetected", "syntaxerror", "badreputation", "notcompliantrfc",
		"failedstarttls", "delivered", NULL
	};

	for (size_t i = 0; suppress[i] != NULL; i++)
		if (strcmp(suppress[i], reason) == 0)
			return 1;
	for (size_t i = 0; keep[i] != NULL; i++)
		if (strcmp(keep[i], reason) == 0)
			return 0;
	return -1;
}

size_t tu_split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

struct quell__rules *tu_default_rules(void)
{
	struct quell__rules *r = NULL;
	char err[512];

	if (quell__rules_load((const char *)quell__default_rules, quell__default_rules_len,
	                      "config/rules.yaml", &r, err, sizeof err) != 0)
		fprintf(stderr, "\n%s\n", err);
	return r;
}

/* Feed in[0..len) in pieces of `step` bytes (0: at `split`, in two). */
static int feed_pieces(const struct tu_feeder *f, void *p, const char *in, size_t len,
                       size_t step, size_t split, size_t *total)
{
	size_t off = 0, used;
	int rc = 0;

	*total = 0;
	f->reset(p);
	while (off < len || len == 0) {
		size_t n = step ? step : (off < split ? split - off : len - off);

		if (n > len - off)
			n = len - off;
		rc = f->feed(p, in + off, n, &used);
		CU_ASSERT(used <= n);
		*total += used;
		off += n;
		if (rc != 0 || len == 0)
			break;
		CU_ASSERT_EQUAL(used, n);
	}
	return rc;
}

void tu_feed_ways(const struct tu_feeder *f, void *p, const char *in, size_t len,
                  void (*check)(void *ctx, int rc, size_t used, const char *how), void *ctx)
{
	size_t used;
	int rc;

	rc = feed_pieces(f, p, in, len, len ? len : 1, 0, &used);
	check(ctx, rc, used, "whole");
	rc = feed_pieces(f, p, in, len, 1, 0, &used);
	check(ctx, rc, used, "byte by byte");
	for (size_t k = 1; k < len; k++) {
		rc = feed_pieces(f, p, in, len, 0, k, &used);
		check(ctx, rc, used, "split in two");
	}
}

int tu_seed_answers(quell *h, int64_t now)
{
	struct quell_add_options o = QUELL_ADD_OPTIONS_INIT;
	struct quell_record_options ro = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome out;
	int rc = 0;

	o.now = ro.now = now;
	rc |= quell_record(h, "gone@example.com", "550 5.1.1 <gone@example.com>: User unknown",
	                   &ro, &out);
	rc |= quell_record(h, "later@example.com", "450 4.2.0 Greylisted, come back later", &ro,
	                   &out);
	o.source = QUELL_SOURCE_UNSUBSCRIBE;
	o.stream = "news";
	rc |= quell_add(h, "reader@example.com", &o);
	o.source = QUELL_SOURCE_COMPLAINT;
	o.stream = NULL;
	rc |= quell_add(h, "angry@example.com", &o);
	o.source = QUELL_SOURCE_MANUAL;
	rc |= quell_add(h, "@dead.example", &o);
	return rc;
}
