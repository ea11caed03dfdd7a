/*
 * test_eval_dsn.c - how quell_dsn_parse and the default rules read real
 * bounce messages they were not written from: the Sisimai sample in
 * $QUELL_EVAL_DIR/sisimai/eml/ with its manifest eml.tsv (see
 * ../shared/eval/README.md).
 *
 * Every message is parsed (none may crash or hang; two files are small
 * mboxes, split on "From " lines here).  The expected recipients of a file
 * are eml.tsv's n_rcpt, with their addresses from replies.tsv where it has
 * them (rcpt_index order); a recipient with a known address is found when
 * a report names it (any case), one without when an unclaimed report is
 * left.  Vacation auto-replies (reason "vacation") are not bounces: they
 * are scored neither as recipients nor as decisions, but a report for one
 * is printed as noise.
 *
 * Decisions: the README's suppress set, feedback (an abuse complaint: it
 * suppresses), and notaccept with a 5xx code should suppress; its
 * no-suppress set should not; the ambiguous reasons, labels that changed
 * between Sisimai versions (reason_p5 != reason) and notaccept without a
 * 5xx are left out.  Each found recipient's reply is recorded (through the
 * default rules, complaints as complaints) in a fresh database per
 * message file, and the decision is whether quell_check then says
 * suppress.  A recipient the parser did not find counts as a wrong
 * decision: the score is over every scorable recipient, found or not.
 *
 * Prints "recipients found X/Y (P%)" and "decisions right X/Y (P%)" and
 * fails under 90% on either.  When the data is missing it prints SKIPPED
 * and passes, unless QUELL_REQUIRE_EVAL=1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/CUnit.h>

#include "testutil.h"

#define RMAX 8 /* recipients per file in the manifest */
#define REPS 64

struct want {
	char file[128];
	int n;
	char reason[RMAX][32], p5[RMAX][32], code[RMAX][8], rcpt[RMAX][256];
};

struct got {
	size_t n;
	struct quell_dsn_report r[REPS];
	int used[REPS];
};

static size_t split(char *line, char **f, size_t max, char sep)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		line = strchr(line, sep);
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

static int col(char **f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i], name) == 0)
			return (int)i;
	return -1;
}

/* eml.tsv into w[]; the count, or -1. */
static int load_manifest(const char *dir, struct want *w, int max)
{
	char path[4096], *line = NULL, *f[16], *g[RMAX];
	size_t cap = 0, nf;
	int cfile, cn, creason, ccode, count = 0;
	FILE *in;

	snprintf(path, sizeof path, "%s/sisimai/eml.tsv", dir);
	if ((in = fopen(path, "r")) == NULL || getline(&line, &cap, in) < 0) {
		if (in != NULL)
			fclose(in);
		free(line);
		return -1;
	}
	nf = split(line, f, 16, '\t');
	cfile = col(f, nf, "file");
	cn = col(f, nf, "n_rcpt");
	creason = col(f, nf, "expected_reason");
	ccode = col(f, nf, "expected_smtp_code");
	while (cfile >= 0 && cn >= 0 && creason >= 0 && ccode >= 0 && count < max &&
	       getline(&line, &cap, in) >= 0) {
		struct want *x = &w[count];
		size_t k;

		nf = split(line, f, 16, '\t');
		if (nf <= (size_t)ccode)
			continue;
		memset(x, 0, sizeof *x);
		snprintf(x->file, sizeof x->file, "%s",
		         strrchr(f[cfile], '/') ? strrchr(f[cfile], '/') + 1 : f[cfile]);
		x->n = atoi(f[cn]);
		if (x->n > RMAX)
			x->n = RMAX;
		k = split(f[creason], g, RMAX, ';');
		for (size_t i = 0; i < k && (int)i < x->n; i++)
			snprintf(x->reason[i], sizeof x->reason[i], "%s", g[i]);
		k = split(f[ccode], g, RMAX, ';');
		for (size_t i = 0; i < k && (int)i < x->n; i++)
			snprintf(x->code[i], sizeof x->code[i], "%s", g[i]);
		count++;
	}
	fclose(in);
	free(line);
	return count;
}

/* replies.tsv: the recipients' addresses and reason_p5, by file and index. */
static void load_replies(const char *dir, struct want *w, int nw)
{
	char path[4096], *line = NULL, *f[32];
	size_t cap = 0, nf;
	int cs, ci, cr, cp;
	FILE *in;

	snprintf(path, sizeof path, "%s/sisimai/replies.tsv", dir);
	if ((in = fopen(path, "r")) == NULL)
		return;
	if (getline(&line, &cap, in) >= 0) {
		nf = split(line, f, 32, '\t');
		cs = col(f, nf, "source_file");
		ci = col(f, nf, "rcpt_index");
		cr = col(f, nf, "recipient");
		cp = col(f, nf, "reason_p5");
		while (cs >= 0 && ci >= 0 && cr >= 0 && cp >= 0 && getline(&line, &cap, in) >= 0) {
			int idx;

			nf = split(line, f, 32, '\t');
			if (nf <= (size_t)cs || nf <= (size_t)ci || nf <= (size_t)cr || nf <= (size_t)cp)
				continue;
			idx = atoi(f[ci]) - 1;
			for (int i = 0; i < nw; i++)
				if (strcmp(w[i].file, f[cs]) == 0 && idx >= 0 && idx < w[i].n) {
					snprintf(w[i].rcpt[idx], sizeof w[i].rcpt[idx], "%s", f[cr]);
					snprintf(w[i].p5[idx], sizeof w[i].p5[idx], "%s", f[cp]);
				}
		}
	}
	fclose(in);
	free(line);
}

static int collect(void *arg, const struct quell_dsn_report *r)
{
	struct got *g = arg;

	if (g->n < REPS)
		g->r[g->n++] = *r;
	return 0;
}

/* Parse the file: one message, or an mbox of several. */
static int parse_file(const char *path, struct got *g)
{
	FILE *in = fopen(path, "rb");
	char *buf;
	long size;
	size_t n, start = 0;
	int rc = 0;

	if (in == NULL)
		return -1;
	fseek(in, 0, SEEK_END);
	size = ftell(in);
	rewind(in);
	buf = malloc((size_t)size + 1);
	if (buf == NULL || fread(buf, 1, (size_t)size, in) != (size_t)size) {
		free(buf);
		fclose(in);
		return -1;
	}
	fclose(in);
	n = (size_t)size;
	if (n >= 5 && memcmp(buf, "From ", 5) == 0) {
		/* an mbox: messages start after "From " lines */
		size_t i = 0;

		while (i < n) {
			size_t body = i, end;
			const char *nl = memchr(buf + i, '\n', n - i);

			body = nl != NULL ? (size_t)(nl - buf) + 1 : n;
			for (end = body; end < n; end++)
				if (buf[end] == '\n' && end + 6 <= n && memcmp(buf + end + 1, "From ", 5) == 0)
					break;
			if (rc == 0)
				rc = quell_dsn_parse(buf + body, (end < n ? end + 1 : n) - body, collect, g,
				                     NULL);
			i = end < n ? end + 1 : n;
		}
	} else {
		rc = quell_dsn_parse(buf + start, n, collect, g, NULL);
	}
	free(buf);
	return rc;
}

struct score {
	unsigned rcpt_total, found, dec_total, right, found_scored, found_right;
};

/* 1 suppress, 0 keep, -1 left out. */
static int wanted(const struct want *w, int i)
{
	const char *r = w->reason[i];

	if (w->p5[i][0] != '\0' && strcmp(w->p5[i], r) != 0)
		return -1;
	if (strcmp(r, "notaccept") == 0)
		return w->code[i][0] == '5' ? 1 : -1;
	if (strcmp(r, "feedback") == 0)
		return 1; /* an abuse report: the recipient's complaint */
	return tu_eval_label(r);
}

static int decide(quell *h, const struct quell_dsn_report *r)
{
	struct quell_record_options o = QUELL_RECORD_OPTIONS_INIT;
	struct quell_outcome out;
	struct quell_result res;

	o.now = 1795860000;
	o.message_id = r->message_id[0] != '\0' ? r->message_id : NULL;
	if (r->complaint)
		o.source = QUELL_SOURCE_COMPLAINT;
	if (quell_record(h, r->recipient, r->reply, &o, &out) != 0)
		return 0;
	return quell_check(h, r->recipient, NULL, o.now, &res) == 0 && res.verdict == QUELL_SUPPRESS;
}

static void judge(const char *dir, const struct want *w, struct score *sc)
{
	char path[4096], dbdir[64];
	struct got *g = calloc(1, sizeof *g);
	quell *h;

	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	snprintf(path, sizeof path, "%s/sisimai/eml/%s", dir, w->file);
	if (parse_file(path, g) != 0)
		fprintf(stderr, "  unreadable %s\n", w->file);
	h = tu_open(dbdir, sizeof dbdir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	for (int i = 0; i < w->n; i++) {
		const struct quell_dsn_report *r = NULL;
		int want = wanted(w, i), got;

		if (strcmp(w->reason[i], "vacation") == 0) {
			for (size_t k = 0; k < g->n; k++)
				fprintf(stderr, "  noise   %s: vacation reported: %s\n", w->file,
				        g->r[k].recipient);
			continue;
		}
		for (size_t k = 0; k < g->n && r == NULL && w->rcpt[i][0] != '\0'; k++)
			if (!g->used[k] && strcasecmp(g->r[k].recipient, w->rcpt[i]) == 0)
				r = &g->r[k], g->used[k] = 1;
		for (size_t k = 0; k < g->n && r == NULL && w->rcpt[i][0] == '\0'; k++)
			if (!g->used[k])
				r = &g->r[k], g->used[k] = 1;
		sc->rcpt_total++;
		if (r != NULL)
			sc->found++;
		else
			fprintf(stderr, "  missing %s #%d %s [%s] (%zu reports)\n", w->file, i + 1,
			        w->rcpt[i], w->reason[i], g->n);
		if (want < 0)
			continue;
		sc->dec_total++;
		if (r == NULL)
			continue;
		got = decide(h, r);
		sc->found_scored++;
		if (got == want) {
			sc->right++;
			sc->found_right++;
		} else {
			fprintf(stderr, "  %s %s #%d %s [%s]: %s\n", want ? "missed " : "false  ",
			        w->file, i + 1, r->recipient, w->reason[i], r->reply);
		}
	}
	tu_close(h, dbdir);
	free(g);
}

static double pct(unsigned a, unsigned b)
{
	return b == 0 ? 0.0 : 100.0 * a / b;
}

static void test_eval_dsn(void)
{
	const char *dir = getenv("QUELL_EVAL_DIR"), *req = getenv("QUELL_REQUIRE_EVAL");
	struct want *w = calloc(512, sizeof *w);
	struct score sc = { 0, 0, 0, 0, 0, 0 };
	int nw;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	nw = dir != NULL ? load_manifest(dir, w, 512) : -1;
	if (nw <= 0) {
		free(w);
		if (req != NULL && strcmp(req, "1") == 0)
			CU_FAIL_FATAL("eval data not found and QUELL_REQUIRE_EVAL=1");
		fprintf(stderr, "\nSKIPPED: eval data not found at %s/sisimai/eml.tsv\n",
		        dir != NULL ? dir : "(QUELL_EVAL_DIR unset)");
		return;
	}
	load_replies(dir, w, nw);
	fprintf(stderr, "\n");
	for (int i = 0; i < nw; i++)
		judge(dir, &w[i], &sc);
	fprintf(stderr, "messages: %d\n", nw);
	fprintf(stderr, "recipients found %u/%u (%.1f%%)\n", sc.found, sc.rcpt_total,
	        pct(sc.found, sc.rcpt_total));
	fprintf(stderr, "decisions right %u/%u (%.1f%%) (recipients not found count as wrong)\n",
	        sc.right, sc.dec_total, pct(sc.right, sc.dec_total));
	fprintf(stderr, "decisions right on found recipients %u/%u (%.1f%%)\n", sc.found_right,
	        sc.found_scored, pct(sc.found_right, sc.found_scored));
	CU_ASSERT(sc.rcpt_total > 0 && sc.dec_total > 0);
	CU_ASSERT(pct(sc.found, sc.rcpt_total) >= 90.0);
	CU_ASSERT(pct(sc.right, sc.dec_total) >= 90.0);
	free(w);
}

static CU_TestInfo eval_dsn_tests[] = {
	{ "sisimai bounce messages: recipients and decisions", test_eval_dsn },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo quell_suites_eval_dsn[] = {
	{ "eval-dsn", NULL, NULL, NULL, NULL, eval_dsn_tests },
	CU_SUITE_INFO_NULL,
};
