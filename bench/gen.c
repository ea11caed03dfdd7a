/*
 * gen.c - the benchmark's data: N distinct, realistic addresses and what
 * the benchmarks feed quell and its rivals, all from one seed.
 *
 *   build/bench/gen [--seed S] [--replies M] N DIR
 *
 * writes into DIR (created if missing):
 *   addresses.txt   N distinct addresses (distinct after lowercasing), in
 *                   random order: local parts of 5-20 characters in the
 *                   shapes people use (first.last, initials and digits,
 *                   words, +tags, hyphens), 40% at a handful of big
 *                   providers and the rest over about N/20 small domains
 *                   (a skewed share: a few big companies, a long tail),
 *                   some of them subdomains; some with upper case letters
 *   queries.txt     N queries, random order: half of them addresses of the
 *                   file (some with their case changed), half absent ones
 *                   that look the same, half of those at domains of the
 *                   file, the others at domains it does not have
 *   queries.truth   one byte per query: '1' present, '0' absent
 *   sendgrid.csv    the same N addresses as a SendGrid bounce export
 *                   (email,created,status,reason)
 *   postmap.txt     the same N addresses as a postmap(1) source, "KEY REJECT",
 *                   lowercased (postmap folds the case of queries, not of
 *                   the keys it stores)
 *   replies.txt     M (100000) SMTP replies from the templates of
 *                   gen_replies.h, with random ids, hosts and addresses
 *   gen.info        version, N, seed and counts; written last, so a
 *                   directory that has it is complete
 *
 * Deterministic: the same N and seed give the same bytes.  Distinctness
 * holds for any N: a candidate whose lowercased form's 64-bit hash (index
 * and 32-bit fingerprint) is in an open-addressing set is drawn again, so
 * a false match costs a redraw, never a duplicate.  Memory is that set,
 * 4 bytes x 2.7N slots (about 110 MB at N = 10M); files are streamed.
 *
 * Knows nothing of quell: the output is plain text for any program.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen.h"
#include "gen_replies.h"

#define GEN_VERSION 2 /* changes when the same seed gives other data */
#define TIME_BASE INT64_C(1672531200) /* 2023-01-01: SendGrid "created" */

/* ----------------------------------------------------- the distinct set */

struct set {
	uint32_t *t;
	unsigned bits;
	size_t mask;
};

static int set_init(struct set *s, uint64_t count)
{
	s->bits = 10;
	while ((UINT64_C(1) << s->bits) < count + count / 2 + count / 4 + 16)
		s->bits++;
	s->mask = ((size_t)1 << s->bits) - 1;
	s->t = calloc(s->mask + 1, sizeof *s->t);
	return s->t != NULL ? 0 : -1;
}

static uint64_t hash_lower(const char *a)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *a; a++)
		h = (h ^ (unsigned char)tolower((unsigned char)*a)) * UINT64_C(0x100000001b3);
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	return h ^ (h >> 33);
}

/* 1 if added, 0 if (probably) there already */
static int set_add(struct set *s, const char *a)
{
	uint64_t h = hash_lower(a);
	uint32_t fp = (uint32_t)h ? (uint32_t)h : 1;

	for (size_t i = (size_t)(h >> (64 - s->bits));; i = (i + 1) & s->mask) {
		if (s->t[i] == fp)
			return 0;
		if (s->t[i] == 0) {
			s->t[i] = fp;
			return 1;
		}
	}
}

/* A new address (not in the set, now added) into a[ADDR_MAX]. */
static void new_address(struct rng *r, struct set *s, uint64_t seed, uint64_t ndom, int fresh,
                        char *a)
{
	struct sb b;
	int company;

	for (;;) {
		gen_sb_clear(&b);
		gen_domain(r, seed, ndom, fresh, &b, &company);
		{
			struct sb l;
			gen_local_part(r, &l, company);
			gen_sb_str(&l, "@");
			gen_sb_mem(&l, b.s, b.n);
			if (l.over || l.n >= ADDR_MAX)
				continue;
			memcpy(a, l.s, l.n + 1);
		}
		if (set_add(s, a))
			return;
	}
}

/* ---------------------------------------------------------------- output */

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "gen: %s: %s: %s\n", path, what, strerror(errno));
	return 1;
}

static FILE *create(const char *dir, const char *name, char *path, size_t size)
{
	FILE *f;

	if (snprintf(path, size, "%s/%s", dir, name) >= (int)size) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((f = fopen(path, "w")) != NULL)
		setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

/* ------------------------------------------------------------------ main */

struct out {
	FILE *f;
	char path[4200];
};

static int usage(void)
{
	fprintf(stderr, "usage: gen [--seed S] [--replies M] N DIR\n");
	return 64;
}

static int finish(struct out *o)
{
	if (ferror(o->f) | (fclose(o->f) != 0))
		return fail("cannot write", o->path);
	return 0;
}

/* The address file, N distinct addresses in the order they were drawn. */
static int write_addresses(struct rng *r, struct set *s, uint64_t seed, uint64_t n,
                           uint64_t ndom, const char *dir)
{
	struct out o;
	char a[ADDR_MAX];

	if ((o.f = create(dir, "addresses.txt", o.path, sizeof o.path)) == NULL)
		return fail("cannot create", o.path);
	for (uint64_t i = 0; i < n; i++) {
		new_address(r, s, seed, ndom, 0, a);
		if (gen_chance(r, 60))
			gen_vary_case(r, a);
		fputs(a, o.f);
		fputc('\n', o.f);
	}
	return finish(&o);
}

/* Read the address file back once: every address becomes a SendGrid row
 * and a postmap line; `present` of them, chosen by selection sampling,
 * become queries, interleaved at random with `absent` new addresses. */
static int write_derived(struct rng *r, struct set *s, uint64_t seed, uint64_t n,
                         uint64_t ndom, uint64_t present, uint64_t absent, const char *dir)
{
	struct out in, q, t, sg, pm;
	unsigned w[COUNT(sendgrid_bounces)], total = 0;
	uint64_t seen = 0, chosen = 0, left_abs = absent;
	char line[ADDR_MAX + 2], a[ADDR_MAX];
	struct sb b;
	int rc;

	for (size_t i = 0; i < COUNT(sendgrid_bounces); i++)
		total += w[i] = sendgrid_bounces[i].weight;
	if (snprintf(in.path, sizeof in.path, "%s/addresses.txt", dir) >= (int)sizeof in.path ||
	    (in.f = fopen(in.path, "r")) == NULL)
		return fail("cannot read", in.path);
	if ((q.f = create(dir, "queries.txt", q.path, sizeof q.path)) == NULL ||
	    (t.f = create(dir, "queries.truth", t.path, sizeof t.path)) == NULL ||
	    (sg.f = create(dir, "sendgrid.csv", sg.path, sizeof sg.path)) == NULL ||
	    (pm.f = create(dir, "postmap.txt", pm.path, sizeof pm.path)) == NULL)
		return fail("cannot create", dir);
	fputs("email,created,status,reason\n", sg.f);
	while (seen < n || left_abs > 0) {
		uint64_t left_pres = present - chosen;
		int take;

		/* an absent query next, in proportion to what is left */
		if (left_abs > 0 && gen_rng_next(r) % (left_pres + left_abs) < left_abs) {
			new_address(r, s, seed, ndom, gen_chance(r, 500), a);
			if (gen_chance(r, 60))
				gen_vary_case(r, a);
			fprintf(q.f, "%s\n", a);
			fputc('0', t.f);
			left_abs--;
			continue;
		}
		/* else a present one: address lines up to the next one selection
		 * sampling takes (each with probability still-needed/lines-left),
		 * or, when none is needed any more, the rest of the file */
		do {
			const struct sg_tmpl *g;

			if (fgets(line, sizeof line, in.f) == NULL)
				return fail("ended early", in.path);
			line[strcspn(line, "\n")] = '\0';
			g = &sendgrid_bounces[gen_pick_template(r, w, COUNT(w), total)];
			gen_expand(r, g->text, line, seed, ndom, &b);
			fprintf(sg.f, "%s,%" PRId64 ",%s,\"%s\"\n", line,
			        TIME_BASE + (int64_t)gen_below(r, 2 * 365 * 86400), g->status, b.s);
			for (char *p = line; *p; p++)
				fputc(tolower((unsigned char)*p), pm.f);
			fputs(" REJECT\n", pm.f);
			take = left_pres > 0 && gen_rng_next(r) % (n - seen) < left_pres;
			seen++;
		} while (!take && seen < n);
		if (take) {
			memcpy(a, line, strlen(line) + 1);
			if (gen_chance(r, 80))
				gen_vary_case(r, a);
			fprintf(q.f, "%s\n", a);
			fputc('1', t.f);
			chosen++;
		}
	}
	if (chosen != present || left_abs != 0) {
		fprintf(stderr, "gen: internal error: %" PRIu64 " present, %" PRIu64
		        " absent left\n", chosen, left_abs);
		return 1;
	}
	rc = ferror(in.f) | fclose(in.f);
	rc |= finish(&q) | finish(&t) | finish(&sg) | finish(&pm);
	return rc ? 1 : 0;
}

static int write_replies(struct rng *r, uint64_t seed, uint64_t ndom, uint64_t m,
                         const char *dir)
{
	struct out o;
	unsigned w[COUNT(reply_templates)], total = 0;
	struct sb b;

	for (size_t i = 0; i < COUNT(reply_templates); i++)
		total += w[i] = reply_templates[i].weight;
	if ((o.f = create(dir, "replies.txt", o.path, sizeof o.path)) == NULL)
		return fail("cannot create", o.path);
	for (uint64_t i = 0; i < m; i++) {
		gen_expand(r, reply_templates[gen_pick_template(r, w, COUNT(w), total)].text, NULL, seed,
		       ndom, &b);
		fprintf(o.f, "%s\n", b.s);
	}
	return finish(&o);
}

static int number(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && s[0] != '-' ? 0 : -1;
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, n, m = 100000, ndom;
	struct set set;
	struct rng r;
	struct out info;
	const char *dir;
	int i = 1;

	for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
		uint64_t *v = strcmp(argv[i], "--seed") == 0      ? &seed
		              : strcmp(argv[i], "--replies") == 0 ? &m
		                                                  : NULL;
		if (v == NULL || number(argv[i + 1], v) != 0)
			return usage();
	}
	if (argc - i != 2 || number(argv[i], &n) != 0 || n < 2 || n > UINT64_C(100000000))
		return usage();
	dir = argv[i + 1];
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return fail("cannot create", dir);
	ndom = n / 20 ? n / 20 : 1;
	if (set_init(&set, n + n / 2 + 1) != 0) {
		fprintf(stderr, "gen: out of memory\n");
		return 1;
	}
	gen_rng_seed(&r, seed);
	if (write_addresses(&r, &set, seed, n, ndom, dir) != 0 ||
	    write_derived(&r, &set, seed, n, ndom, n / 2, n - n / 2, dir) != 0 ||
	    write_replies(&r, seed, ndom, m, dir) != 0) {
		free(set.t);
		return 1;
	}
	free(set.t);
	if ((info.f = create(dir, "gen.info", info.path, sizeof info.path)) == NULL)
		return fail("cannot create", info.path);
	fprintf(info.f, "version=%d n=%" PRIu64 " seed=%" PRIu64 " present=%" PRIu64 " absent=%" PRIu64
	        " replies=%" PRIu64 " domains=%" PRIu64 "\n",
	        GEN_VERSION, n, seed, n / 2, n - n / 2, m, ndom);
	return finish(&info);
}
