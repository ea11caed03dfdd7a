/*
 * rules_cache.c - remember which rule matched a reply, for a job that
 * matches many replies with one rule set (an import of a provider's
 * bounce list, where a few texts such as "550 5.1.1 User unknown" come
 * back on many rows).
 *
 * The key is everything quell__rules_match reads: the basic code, the
 * parts of the enhanced status, the text's bytes, and the recipient's
 * domain when a rule of the set tests one (else the domain is never read).
 * Nothing else goes into a match (no clock, no address), so a hit is the
 * very rule the match would find.  A fixed table of sets of two slots: a
 * key goes to the set its hash names, in place of the slot used less
 * recently; a key longer than a slot holds is not cached.  The results belong to one rule set: given another, the
 * cache starts over.
 *
 * Knows nothing of YAML, of the database or of what a job does with the
 * rule.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

#define SETS 512     /* a power of two; two slots each */
#define KEY_MAX 256  /* bytes of text and domain a slot holds */

struct slot {
	uint64_t hash;                   /* 0: empty */
	const struct quell__rule *rule;  /* what matched, NULL: none */
	int code, klass, subject, detail;
	size_t tlen;                     /* text bytes, then the domain's */
	long dlen;                       /* -1: no domain (or not in the key) */
	char key[KEY_MAX];
};

struct quell__rules_cache {
	const struct quell__rules *set;  /* the results are of this set */
	int domains;                     /* a rule of set tests the domain */
	unsigned long hits, misses;
	struct slot slot[SETS][2];
	unsigned char last[SETS];        /* the slot of each set used last */
};

int quell__rules_cache_new(struct quell__rules_cache **out)
{
	*out = calloc(1, sizeof **out);
	return *out != NULL ? 0 : QUELL_ENOMEM;
}

void quell__rules_cache_free(struct quell__rules_cache *c)
{
	free(c);
}

void quell__rules_cache_counts(const struct quell__rules_cache *c, unsigned long *hits,
                               unsigned long *misses)
{
	*hits = c != NULL ? c->hits : 0;
	*misses = c != NULL ? c->misses : 0;
}

/* Whether a condition of a rule of r tests the domain. */
static int tests_domain(const struct quell__rules *r)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].when.ndomain > 0 || r->rules[i].unless.ndomain > 0)
			return 1;
	return 0;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9E3779B97F4A7C15ull;
	return h ^ h >> 29;
}

/* The hash of the key (never 0). */
static uint64_t key_hash(const struct slot *k, const char *text, const char *domain)
{
	uint64_t h = mix((uint64_t)(unsigned)k->code, (uint64_t)(k->klass + 1) << 40 |
	                 (uint64_t)(k->subject + 1) << 20 | (uint64_t)(k->detail + 1));
	const char *part[2] = { text, domain };
	size_t len[2] = { k->tlen, k->dlen > 0 ? (size_t)k->dlen : 0 };

	h = mix(h, (uint64_t)k->tlen << 32 | (uint64_t)(k->dlen + 1));
	for (int p = 0; p < 2; p++) {
		size_t i = 0;

		for (; i + 8 <= len[p]; i += 8) {
			uint64_t v;

			memcpy(&v, part[p] + i, 8);
			h = mix(h, v);
		}
		if (i < len[p]) {
			uint64_t v = 0;

			memcpy(&v, part[p] + i, len[p] - i);
			h = mix(h, v);
		}
	}
	return h != 0 ? h : 1;
}

/* Whether slot s holds key k with these bytes. */
static int same_key(const struct slot *s, const struct slot *k, const char *text,
                    const char *domain)
{
	return s->hash == k->hash && s->code == k->code && s->klass == k->klass &&
	       s->subject == k->subject && s->detail == k->detail && s->tlen == k->tlen &&
	       s->dlen == k->dlen && memcmp(s->key, text, k->tlen) == 0 &&
	       (k->dlen <= 0 || memcmp(s->key + k->tlen, domain, (size_t)k->dlen) == 0);
}

const struct quell__rule *quell__rules_match_cached(struct quell__rules_cache *c,
                                                    const struct quell__rules *r,
                                                    const struct quell__reply *reply,
                                                    const char *domain)
{
	const char *text;
	struct slot k, *s;
	size_t set;

	if (c == NULL || r == NULL || reply == NULL)
		return quell__rules_match(r, reply, domain);
	if (c->set != r) {
		memset(c->slot, 0, sizeof c->slot);
		memset(c->last, 0, sizeof c->last);
		c->set = r;
		c->domains = tests_domain(r);
	}
	text = reply->text != NULL ? reply->text : "";
	k.tlen = reply->text != NULL ? reply->text_len : 0;
	k.dlen = !c->domains || domain == NULL ? -1 : (long)strlen(domain);
	if (k.tlen + (k.dlen > 0 ? (size_t)k.dlen : 0) > KEY_MAX)
		return quell__rules_match(r, reply, domain);
	k.code = reply->code;
	k.klass = reply->klass;
	k.subject = reply->subject;
	k.detail = reply->detail;
	k.hash = key_hash(&k, text, domain);
	set = (k.hash >> 32) & (SETS - 1);
	for (int w = 0; w < 2; w++)
		if (same_key(&c->slot[set][w], &k, text, domain)) {
			c->hits++;
			c->last[set] = (unsigned char)w;
			return c->slot[set][w].rule;
		}
	c->misses++;
	c->last[set] = !c->last[set];
	s = &c->slot[set][c->last[set]];
	k.rule = quell__rules_match(r, reply, domain);
	memcpy(s, &k, offsetof(struct slot, key));
	memcpy(s->key, text, k.tlen);
	if (k.dlen > 0)
		memcpy(s->key + k.tlen, domain, (size_t)k.dlen);
	return k.rule;
}
