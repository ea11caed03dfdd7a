/*
 * gen_text.c - the text bench/gen.c writes: a seeded random number
 * generator (splitmix64 seeding xoshiro256**), bounded string building,
 * local parts in the shapes people use, small domain names as a pure
 * function of (seed, number), capitalization, and SMTP replies expanded
 * from templates.
 *
 * Knows nothing of files or of which addresses were already drawn.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "gen_words.h"

/* ------------------------------------------------------------ randomness */

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void gen_rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
uint64_t gen_rng_next(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* uniform in [0, n) */
uint32_t gen_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static double gen_unit(struct rng *r)
{
	return (double)(gen_rng_next(r) >> 11) / 9007199254740992.0;
}

int gen_chance(struct rng *r, unsigned per_mille)
{
	return gen_below(r, 1000) < per_mille;
}

#define PICK(r, a) ((a)[gen_below((r), (uint32_t)COUNT(a))])

static const char *pick_weighted(struct rng *r, const struct weighted *w, size_t n)
{
	unsigned total = 0, x;

	for (size_t i = 0; i < n; i++)
		total += w[i].weight;
	x = gen_below(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < w[i].weight)
			return w[i].name;
		x -= w[i].weight;
	}
	return w[n - 1].name;
}

/* ------------------------------------------------------- bounded strings */

void gen_sb_mem(struct sb *b, const char *p, size_t n)
{
	if (b->n + n >= sizeof b->s) {
		b->over = 1;
		return;
	}
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void gen_sb_str(struct sb *b, const char *s)
{
	gen_sb_mem(b, s, strlen(s));
}

static void gen_sb_fmt_u(struct sb *b, uint64_t v)
{
	char t[24];
	int n = snprintf(t, sizeof t, "%" PRIu64, v);

	gen_sb_mem(b, t, (size_t)n);
}

void gen_sb_clear(struct sb *b)
{
	b->n = 0;
	b->over = 0;
	b->s[0] = '\0';
}

/* ------------------------------------------------- names, domains, parts */

static void put_digits(struct rng *r, struct sb *b)
{
	switch (gen_below(r, 4)) {
	case 0: gen_sb_fmt_u(b, gen_below(r, 10)); break;
	case 1: gen_sb_fmt_u(b, 10 + gen_below(r, 90)); break;
	case 2: gen_sb_fmt_u(b, 1950 + gen_below(r, 60)); break;
	default: gen_sb_fmt_u(b, gen_below(r, 10000)); break;
	}
}

static void put_initial(struct rng *r, struct sb *b, const char *const *names, size_t n)
{
	gen_sb_mem(b, names[gen_below(r, (uint32_t)n)], 1);
}

/* One local part in a shape people use; 5-20 characters (redrawn until). */
void gen_local_part(struct rng *r, struct sb *b, int company)
{
	static const char seps[] = { '.', '.', '.', '_', '-' };

	do {
		char sep[2] = { seps[gen_below(r, sizeof seps)], '\0' };
		unsigned x = gen_below(r, 100);

		gen_sb_clear(b);
		if (company && x < 12) { /* role mailbox */
			gen_sb_str(b, PICK(r, roles));
		} else if (x < 30) { /* john.smith */
			gen_sb_str(b, PICK(r, first_names));
			gen_sb_str(b, sep);
			gen_sb_str(b, PICK(r, last_names));
		} else if (x < 38) { /* johnsmith */
			gen_sb_str(b, PICK(r, first_names));
			gen_sb_str(b, PICK(r, last_names));
		} else if (x < 46) { /* j.smith, jsmith */
			put_initial(r, b, first_names, COUNT(first_names));
			if (gen_chance(r, 500))
				gen_sb_str(b, ".");
			gen_sb_str(b, PICK(r, last_names));
		} else if (x < 58) { /* john.smith84, johnsmith1990 */
			gen_sb_str(b, PICK(r, first_names));
			if (gen_chance(r, 600))
				gen_sb_str(b, sep);
			gen_sb_str(b, PICK(r, last_names));
			put_digits(r, b);
		} else if (x < 64) { /* jd1987, abk42 */
			for (unsigned i = 0, k = 2 + gen_below(r, 2); i < k; i++)
				put_initial(r, b, first_names, COUNT(first_names));
			put_digits(r, b);
		} else if (x < 72) { /* bluesky, coffee.lover, dark-moon */
			gen_sb_str(b, PICK(r, words));
			if (gen_chance(r, 400))
				gen_sb_str(b, sep);
			gen_sb_str(b, PICK(r, words));
		} else if (x < 80) { /* sunny2010 */
			gen_sb_str(b, PICK(r, words));
			if (gen_chance(r, 200))
				gen_sb_str(b, "_");
			put_digits(r, b);
		} else if (x < 84) { /* john+news, john.smith+shop */
			gen_sb_str(b, PICK(r, first_names));
			if (gen_chance(r, 500)) {
				gen_sb_str(b, ".");
				gen_sb_str(b, PICK(r, last_names));
			}
			gen_sb_str(b, "+");
			gen_sb_str(b, PICK(r, tags));
		} else if (x < 88) { /* mary-jane.doe */
			gen_sb_str(b, PICK(r, first_names));
			gen_sb_str(b, "-");
			gen_sb_str(b, PICK(r, first_names));
			gen_sb_str(b, ".");
			gen_sb_str(b, PICK(r, last_names));
		} else if (x < 93) { /* john.m.smith */
			gen_sb_str(b, PICK(r, first_names));
			gen_sb_str(b, ".");
			put_initial(r, b, first_names, COUNT(first_names));
			gen_sb_str(b, ".");
			gen_sb_str(b, PICK(r, last_names));
		} else if (x < 97) { /* smith.john */
			gen_sb_str(b, PICK(r, last_names));
			gen_sb_str(b, sep);
			gen_sb_str(b, PICK(r, first_names));
			if (gen_chance(r, 300))
				put_digits(r, b);
		} else { /* john1985 */
			gen_sb_str(b, PICK(r, first_names));
			put_digits(r, b);
		}
	} while (b->over || b->n < 5 || b->n > 20);
}

static void brand(struct rng *r, struct sb *b)
{
	for (unsigned i = 0, k = 2 + gen_below(r, 2); i < k; i++)
		gen_sb_str(b, PICK(r, syllables));
}

/* A name in a domain label: letters only (o'neill -> oneill). */
static void label_name(struct sb *b, const char *name)
{
	for (; *name; name++)
		if (*name != '\'')
			gen_sb_mem(b, name, 1);
}

/* The name of small domain number idx: a pure function of seed and idx. */
void gen_small_domain(uint64_t seed, uint64_t idx, struct sb *b)
{
	struct rng r;
	unsigned x;

	gen_rng_seed(&r, seed ^ (idx * UINT64_C(0xd1b54a32d192ed03)) ^ UINT64_C(0x5bd1e995));
	x = gen_below(&r, 100);
	if (gen_chance(&r, 120)) {
		gen_sb_str(b, PICK(&r, sublabels));
		gen_sb_str(b, ".");
	}
	if (x < 30) { /* zentrova */
		brand(&r, b);
	} else if (x < 50) { /* bluepeak, blue-peak */
		gen_sb_str(b, PICK(&r, words));
		if (gen_chance(&r, 300))
			gen_sb_str(b, "-");
		gen_sb_str(b, PICK(&r, words));
	} else if (x < 70) { /* smith-law, kalimexdigital */
		if (gen_chance(&r, 500))
			label_name(b, PICK(&r, last_names));
		else
			brand(&r, b);
		if (gen_chance(&r, 500))
			gen_sb_str(b, "-");
		gen_sb_str(b, PICK(&r, biz));
	} else if (x < 85) { /* riverdesign */
		gen_sb_str(b, PICK(&r, words));
		gen_sb_str(b, PICK(&r, biz));
	} else if (x < 93) { /* smithandjones, smith-family */
		label_name(b, PICK(&r, last_names));
		gen_sb_str(b, gen_chance(&r, 500) ? "-" : "and");
		label_name(b, gen_chance(&r, 500) ? PICK(&r, last_names) : "family");
	} else { /* brand24 */
		brand(&r, b);
		gen_sb_fmt_u(b, gen_below(&r, 100));
	}
	gen_sb_str(b, ".");
	gen_sb_str(b, pick_weighted(&r, tlds, COUNT(tlds)));
}

/* A domain as the address file spreads them: 40% big providers, the rest
 * small domains 0..ndom-1, skewed towards the low numbers.  fresh: a small
 * domain beyond ndom, which the address file does not use. */
void gen_domain(struct rng *r, uint64_t seed, uint64_t ndom, int fresh, struct sb *b,
                   int *company)
{
	*company = 0;
	if (!fresh && gen_below(r, 1000) < PROVIDER_PER_MILLE) {
		gen_sb_str(b, pick_weighted(r, providers, COUNT(providers)));
		return;
	}
	*company = 1;
	if (fresh) {
		gen_small_domain(seed, ndom + (gen_rng_next(r) % (4 * ndom)), b);
	} else {
		double u = gen_unit(r);
		gen_small_domain(seed, (uint64_t)(u * u * (double)ndom), b);
	}
}

/* Someone typed this address with capitals: John.Smith@Gmail.com. */
void gen_vary_case(struct rng *r, char *a)
{
	char *at = strrchr(a, '@');
	unsigned x = gen_below(r, 1000);

	if (x < 50) { /* John.Smith */
		for (char *p = a; p < at; p++)
			if (p == a || p[-1] == '.' || p[-1] == '-' || p[-1] == '_')
				*p = (char)toupper((unsigned char)*p);
	} else if (x < 60) { /* JSMITH */
		for (char *p = a; p < at; p++)
			*p = (char)toupper((unsigned char)*p);
	} else if (x < 85) { /* Gmail.com */
		at[1] = (char)toupper((unsigned char)at[1]);
	} else if (x < 90) { /* GMAIL.COM */
		for (char *p = at + 1; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	}
}

static void random_ip(struct rng *r, struct sb *b)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			gen_sb_str(b, ".");
		gen_sb_fmt_u(b, i == 0 ? 11 + gen_below(r, 200) : gen_below(r, 256));
	}
}

static void random_chars(struct rng *r, struct sb *b, const char *set, unsigned n)
{
	size_t k = strlen(set);

	for (unsigned i = 0; i < n; i++)
		gen_sb_mem(b, &set[gen_below(r, (uint32_t)k)], 1);
}

/* Expand a template of gen_replies.h; addr fills %a (a fresh one if NULL). */
void gen_expand(struct rng *r, const char *t, const char *addr, uint64_t seed,
                   uint64_t ndom, struct sb *b)
{
	static const char lower_digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char hex[] = "0123456789ABCDEF";

	gen_sb_clear(b);
	for (; *t; t++) {
		struct sb d;
		int company;

		if (*t != '%' || t[1] == '\0') {
			gen_sb_mem(b, t, 1);
			continue;
		}
		switch (*++t) {
		case 'a':
		case 's':
			if (addr != NULL && *t == 'a') {
				gen_sb_str(b, addr);
				break;
			}
			gen_sb_clear(&d);
			gen_domain(r, seed, ndom, 0, &d, &company);
			{
				struct sb l;
				gen_local_part(r, &l, company);
				gen_sb_str(b, l.s);
			}
			gen_sb_str(b, "@");
			gen_sb_str(b, d.s);
			break;
		case 'd':
			gen_sb_clear(&d);
			gen_domain(r, seed, ndom, gen_chance(r, 300), &d, &company);
			gen_sb_str(b, d.s);
			break;
		case 'h':
			gen_sb_clear(&d);
			gen_small_domain(seed, gen_rng_next(r) % (ndom + 1), &d);
			gen_sb_str(b, gen_chance(r, 500) ? "mx" : "mail");
			gen_sb_fmt_u(b, 1 + gen_below(r, 4));
			gen_sb_str(b, ".");
			gen_sb_str(b, d.s);
			break;
		case 'i': random_ip(r, b); break;
		case 'g':
			random_chars(r, b, lower_digits, 12 + gen_below(r, 8));
			gen_sb_str(b, ".");
			gen_sb_fmt_u(b, gen_below(r, 1000));
			break;
		case 'q': random_chars(r, b, hex, 10 + gen_below(r, 2)); break;
		case 'o':
			gen_sb_str(b, PICK(r, ((const char *const[]){ "BN8NAM12FT", "DM6NAM10FT",
			                                          "AM6EUR05FT", "VI1EUR04FT" })));
			gen_sb_fmt_u(b, 10 + gen_below(r, 90));
			gen_sb_str(b, ".eop-nam12.prod.protection.outlook.com");
			break;
		case 'n': gen_sb_fmt_u(b, 1 + gen_below(r, 9999)); break;
		default: gen_sb_mem(b, t, 1); break;
		}
	}
}

size_t gen_pick_template(struct rng *r, const unsigned *weights, size_t n, unsigned total)
{
	unsigned x = gen_below(r, total);
	size_t i = 0;

	while (i + 1 < n && x >= weights[i])
		x -= weights[i++];
	return i;
}

