/*
 * rules_match.c - find the first rule a reply matches; the lifetime and
 * accessors of a rule set.
 *
 * Matching reads the set only, so any number of threads may match at once.
 * Per rule, the cheap tests run first (a bitmap for the code, then status
 * patterns, then the domain); the regular expression runs last, at most
 * once per distinct pattern per call (equal patterns share a result).
 * Before the first one runs, the literal prefilter (prefilter.h) scans the
 * reply once and tells which patterns cannot match it: those are not run
 * at all.  The PCRE2 match data lives in a small arena on the caller's
 * stack, so a match allocates nothing on the heap when the patterns were
 * JIT-compiled and the text is short or valid UTF-8 (the interpreter, and
 * the repair of a long text that is not UTF-8, take memory from malloc).
 *
 * Knows nothing of YAML or of the database.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

void quell__rules_free(struct quell__rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nrules; i++) {
		struct quell__cond *cond[2] = { &r->rules[i].when, &r->rules[i].unless };

		for (int k = 0; k < 2; k++) {
			for (size_t d = 0; d < cond[k]->ndomain; d++)
				free(cond[k]->domain[d].name);
			free(cond[k]->domain);
			free(cond[k]->status);
		}
	}
	free(r->rules);
	for (size_t i = 0; i < r->nregex; i++) {
		pcre2_code_free(r->regex[i].code);
		free(r->regex[i].pattern);
	}
	free(r->regex);
	quell__pf_free(r->pf);
	for (size_t i = 0; i < r->nprotect; i++)
		free(r->protect[i].name);
	free(r->protect);
	pcre2_match_context_free(r->mctx);
	free(r->name);
	free(r);
}

struct quell__rules *quell__rules_ref(struct quell__rules *r)
{
	if (r != NULL)
		atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
	return r;
}

void quell__rules_unref(struct quell__rules *r)
{
	if (r != NULL && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1)
		quell__rules_free(r);
}

/* ------------------------------------------------------------ matching */

/* A bump allocator over a stack buffer for PCRE2's match data; what does
 * not fit comes from malloc. */
#define ARENA_SIZE 1024
struct arena {
	size_t used;
	union {
		max_align_t align;
		unsigned char bytes[ARENA_SIZE];
	} u;
};

static void *arena_malloc(PCRE2_SIZE size, void *data)
{
	struct arena *a = data;
	size_t need = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);

	if (need >= size && need <= ARENA_SIZE - a->used) {
		void *p = a->u.bytes + a->used;

		a->used += need;
		return p;
	}
	return malloc(size);
}

static void arena_free(void *p, void *data)
{
	struct arena *a = data;
	uintptr_t x = (uintptr_t)p, lo = (uintptr_t)a->u.bytes;

	if (x >= lo && x < lo + ARENA_SIZE)
		return; /* freed with the arena */
	free(p);
}

size_t quell__rl_utf8_char(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
			return 0;
		return 3;
	}
	if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80 ||
	    (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
		return 0;
	return 4;
}

/* What one call of quell__rules_match needs for regular expressions. */
#define MEMO_MAX 256
#define FIXED_MAX 2048
#define SLACK 64 /* zeroed bytes after a repaired text: JIT reads ahead */
_Static_assert(QUELL__PF_PATTERNS <= MEMO_MAX, "prefiltered patterns have a memo");
struct matcher {
	const struct quell__rules *set;
	const char *text;              /* valid UTF-8 once prepared */
	size_t len;
	int prepared;                  /* 1 ready, -1 cannot match (out of memory) */
	char *owned;                   /* a long repaired text, from malloc */
	char fixed[FIXED_MAX + SLACK]; /* a short repaired text */
	struct arena arena;
	pcre2_general_context *gctx;
	pcre2_match_data *md;          /* made before the first PCRE2 run */
	uint64_t maybe[QUELL__PF_WORDS]; /* prefilter: bit i clear, pattern i
	                                    cannot match (index < QUELL__PF_PATTERNS) */
	signed char memo[MEMO_MAX];    /* 0 unknown, 1 match, -1 no match */
};

/*
 * Make the text safe for patterns compiled with PCRE2_UTF: a reply that is
 * not UTF-8 (Latin-1 from an old server, a cut character) is matched with
 * each stray byte read as '?'.  (PCRE2_MATCH_INVALID_UTF would do this
 * without a copy, but PCRE2 10.42's JIT then fails \S, \W and \D on every
 * non-ASCII character: PCRE2 issue #224.)  Then the prefilter scans what
 * PCRE2 would see.
 */
void quell__rl_repair(const char *text, size_t len, char *out)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t i = 0, k;

	while (i < len) {
		if ((k = quell__rl_utf8_char(t + i, len - i)) == 0) {
			out[i++] = '?';
			continue;
		}
		memcpy(out + i, t + i, k);
		i += k;
	}
}

/* Whether t[0..len) is all ASCII, read eight bytes at a time. */
static int ascii(const unsigned char *t, size_t len)
{
	uint64_t any = 0, v;
	size_t j = 0;

	for (; j + 8 <= len; j += 8) {
		memcpy(&v, t + j, 8);
		any |= v;
	}
	for (; j < len; j++)
		any |= t[j];
	return (any & 0x8080808080808080ull) == 0;
}

static int prepare(struct matcher *m)
{
	const unsigned char *t = (const unsigned char *)m->text;
	size_t i = 0, k;
	char *out;

	if (ascii(t, m->len)) /* the common case: nothing to repair */
		i = m->len;
	while (i < m->len && (k = quell__rl_utf8_char(t + i, m->len - i)) > 0)
		i += k;
	if (i < m->len) {
		out = m->len <= FIXED_MAX ? m->fixed : (m->owned = malloc(m->len + SLACK));
		if (out == NULL)
			return -1;
		memset(out + m->len, 0, SLACK);
		quell__rl_repair(m->text, m->len, out);
		m->text = out;
	}
	quell__pf_scan(m->set->pf, m->text, m->len, m->maybe);
	return 1;
}

/* Match data for PCRE2, from an arena on the stack; 0 or -1. */
static int match_data(struct matcher *m)
{
	m->gctx = pcre2_general_context_create(arena_malloc, arena_free, &m->arena);
	if (m->gctx != NULL)
		m->md = pcre2_match_data_create(1, m->gctx);
	return m->md != NULL ? 0 : -1;
}

static int regex_match(struct matcher *m, int index)
{
	const struct quell__regex *re;
	int rc;

	if (index < MEMO_MAX && m->memo[index] != 0)
		return m->memo[index] > 0;
	if (m->prepared == 0)
		m->prepared = prepare(m);
	if (m->prepared < 0)
		return 0; /* cannot run a regex: it does not match */
	if (index < QUELL__PF_PATTERNS && !(m->maybe[index / 64] >> (index % 64) & 1)) {
		m->memo[index] = -1; /* none of its literals is there */
		return 0;
	}
	if (m->md == NULL && match_data(m) != 0) {
		m->prepared = -1;
		return 0;
	}
	re = &m->set->regex[index];
	rc = PCRE2_ERROR_JIT_STACKLIMIT;
	if (re->jit)
		rc = pcre2_jit_match(re->code, (PCRE2_SPTR)m->text, m->len, 0, 0, m->md,
		                     m->set->mctx);
	/* without JIT, or when a pattern needs more than JIT's default stack:
	 * the interpreter, which keeps its frames on the heap */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(re->code, (PCRE2_SPTR)m->text, m->len, 0,
		                 PCRE2_NO_JIT | PCRE2_NO_UTF_CHECK, m->md, m->set->mctx);
	if (index < MEMO_MAX)
		m->memo[index] = rc >= 0 ? 1 : -1;
	return rc >= 0;
}

static int status_match(const struct quell__cond *rule, const struct quell__reply *reply)
{
	if (reply->klass < 0)
		return 0;
	for (size_t i = 0; i < rule->nstatus; i++) {
		const struct quell__status_pat *p = &rule->status[i];

		if ((p->klass < 0 || p->klass == reply->klass) &&
		    (p->subject < 0 || p->subject == reply->subject) &&
		    (p->detail < 0 || p->detail == reply->detail))
			return 1;
	}
	return 0;
}

/* Whether domain[0..len) is pat, or (subdomains) pat or one of its
 * subdomains. */
static int domain_is(const char *domain, size_t len, const struct quell__domain_pat *pat,
                     int subdomains)
{
	if (len == pat->len)
		return strncasecmp(domain, pat->name, len) == 0;
	return subdomains && len > pat->len && domain[len - pat->len - 1] == '.' &&
	       strncasecmp(domain + len - pat->len, pat->name, pat->len) == 0;
}

static size_t domain_len(const char *domain)
{
	size_t len = strlen(domain);

	return len > 0 && domain[len - 1] == '.' ? len - 1 : len;
}

/* Whether every condition of c holds: the cheap tests first, the regular
 * expression last. */
static int cond_holds(struct matcher *m, const struct quell__cond *c,
                      const struct quell__reply *reply, const char *domain, size_t dlen)
{
	int code = reply->code;

	if (c->has_code && (code < 200 || code > 599 || !(c->codes[code / 64] >> (code % 64) & 1)))
		return 0;
	if (c->nstatus > 0 && !status_match(c, reply))
		return 0;
	if (c->ndomain > 0) {
		size_t d;

		if (domain == NULL)
			return 0;
		for (d = 0; d < c->ndomain; d++)
			if (domain_is(domain, dlen, &c->domain[d], c->domain[d].subdomains))
				break;
		if (d == c->ndomain)
			return 0;
	}
	return c->regex < 0 || regex_match(m, c->regex);
}

const struct quell__rule *quell__rules_match(const struct quell__rules *r,
                                             const struct quell__reply *reply,
                                             const char *domain)
{
	const struct quell__rule *found = NULL;
	struct matcher m;
	size_t dlen = domain != NULL ? domain_len(domain) : 0;

	if (r == NULL || reply == NULL)
		return NULL;
	m.set = r;
	m.text = reply->text != NULL ? reply->text : "";
	m.len = reply->text != NULL ? reply->text_len : 0;
	m.prepared = 0;
	m.owned = NULL;
	m.arena.used = 0;
	m.gctx = NULL;
	m.md = NULL;
	memset(m.memo, 0, r->nregex < MEMO_MAX ? r->nregex : MEMO_MAX);

	for (size_t i = 0; i < r->nrules && found == NULL; i++) {
		const struct quell__rule *rule = &r->rules[i];

		if (cond_holds(&m, &rule->when, reply, domain, dlen) &&
		    !(rule->has_unless && cond_holds(&m, &rule->unless, reply, domain, dlen)))
			found = rule;
	}
	pcre2_match_data_free(m.md);
	pcre2_general_context_free(m.gctx);
	free(m.owned);
	return found;
}

int quell__rules_protected(const struct quell__rules *r, const char *domain)
{
	size_t len;

	if (r == NULL || domain == NULL)
		return 0;
	len = domain_len(domain);
	for (size_t i = 0; i < r->nprotect; i++)
		if (domain_is(domain, len, &r->protect[i], 1))
			return 1;
	return 0;
}

const struct quell__backoff *quell__rules_backoff(const struct quell__rules *r)
{
	return r != NULL ? &r->backoff : NULL;
}

size_t quell__rules_count(const struct quell__rules *r)
{
	return r != NULL ? r->nrules : 0;
}

const struct quell__rule *quell__rules_at(const struct quell__rules *r, size_t i)
{
	return r != NULL && i < r->nrules ? &r->rules[i] : NULL;
}

const char *quell__rules_name(const struct quell__rules *r)
{
	return r != NULL ? r->name : "";
}
