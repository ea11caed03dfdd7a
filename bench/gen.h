/*
 * gen.h - what bench/gen.c and bench/gen_text.c share: the random number
 * generator, bounded strings, and the makers of addresses, domains and
 * replies.  The benchmark's data generator only; quell never sees this.
 */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#define ADDR_MAX 256      /* a whole address with its NUL */
#define GEN_LINE_MAX 4096 /* a reply or a CSV row */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* xoshiro256**, seeded through splitmix64 */
struct rng {
	uint64_t s[4];
};

void gen_rng_seed(struct rng *r, uint64_t seed);
uint64_t gen_rng_next(struct rng *r);
uint32_t gen_below(struct rng *r, uint32_t n); /* uniform in [0, n) */
int gen_chance(struct rng *r, unsigned per_mille);

/* A bounded string: what does not fit sets `over` and is dropped. */
struct sb {
	char s[GEN_LINE_MAX];
	size_t n;
	int over;
};

void gen_sb_clear(struct sb *b);
void gen_sb_mem(struct sb *b, const char *p, size_t n);
void gen_sb_str(struct sb *b, const char *s);

/* A local part of 5-20 characters; company: role mailboxes may come. */
void gen_local_part(struct rng *r, struct sb *b, int company);

/* Small domain number idx, a pure function of (seed, idx), appended. */
void gen_small_domain(uint64_t seed, uint64_t idx, struct sb *b);

/* A domain as the address file spreads them (40% big providers, the rest
 * small domains below ndom, skewed), or with fresh a small domain at or
 * beyond ndom.  *company: 1 for a small domain. */
void gen_domain(struct rng *r, uint64_t seed, uint64_t ndom, int fresh, struct sb *b,
                int *company);

/* Capitals as someone typed them (John.Smith@Gmail.com), in place. */
void gen_vary_case(struct rng *r, char *address);

/* Expand a reply template (gen_replies.h) into b; addr fills %a, a new
 * address does when it is NULL. */
void gen_expand(struct rng *r, const char *tmpl, const char *addr, uint64_t seed, uint64_t ndom,
                struct sb *b);

/* An index in [0, n) drawn with the given weights (total: their sum). */
size_t gen_pick_template(struct rng *r, const unsigned *weights, size_t n, unsigned total);

#endif
