/*
 * prefilter.c - the automaton of the literal prefilter (prefilter.h): the
 * literals of every pattern (prefilter_parse.c finds them) in one
 * Aho-Corasick automaton, made a full DFA over a small alphabet (the
 * folded bytes that occur in some literal, the boundary byte, and one
 * class for every other byte), and the scan of a reply through it.
 *
 * The reply's boundaries (where \b would match: the "wordness" of a byte
 * differs from the one before, with non-word characters before the start
 * and after the end, as PCRE2 sees it without PCRE2_UCP) are not fed as
 * bytes of their own: a second table holds, for each state and class,
 * where the boundary byte and then that class lead, and the scan takes it
 * where the wordness changes; the literals that end right after such a
 * boundary are looked up per state then.  A literal that is enough alone
 * sets its pattern's bit; one of a clause sets the clause's bit, and after
 * the scan a pattern may match also when every clause of one of its terms
 * was found.  States that end a literal are
 * numbered last, so the scan reads most bytes with two table lookups and
 * one comparison.  A reply holding U+017F or U+212A
 * (which PCRE2 matches caselessly against s and k, while the folding here
 * is ASCII only) is not prefiltered: every pattern may match.
 *
 * Knows nothing of rules or of how patterns are written.
 */
/* memmem: _GNU_SOURCE comes from the Makefile */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "prefilter.h"

#define STATES_MAX 65535 /* states are uint16_t */
#define CLAUSES 512      /* clauses of all patterns' terms */
#define WORDS (QUELL__PF_WORDS + CLAUSES / 64) /* a pattern's bit, then a clause's */
#define DEBRUIJN 0x03f79d71b4cb0a89ull /* (x & -x) * DEBRUIJN >> 58: x's lowest bit */

/* A term: pattern may match when every bit (a clause's) was found. */
struct term {
	uint16_t pattern;
	uint16_t n;
	uint16_t bit[QUELL__PF_AND_MAX];
};

struct quell__pf {
	size_t npat;                      /* patterns looked at (<= QUELL__PF_PATTERNS) */
	size_t nlit;                      /* of them, with literals */
	uint64_t covered[QUELL__PF_WORDS]; /* bits of the patterns looked at */
	uint64_t always[QUELL__PF_WORDS]; /* no literals: may always match */
	uint64_t high[WORDS];             /* found when a byte >= 0x80 is there */
	size_t nclause, nterm;
	size_t cbase;                     /* the first clause's bit: after the patterns' */
	size_t nw;                        /* words of bits in use */
	struct term *terms;
	uint16_t cterm[CLAUSES];          /* each clause's term */
	uint64_t first[WORDS];            /* the bit of each term's first clause */
	unsigned char lowbit[64];         /* see DEBRUIJN */
	unsigned char cls[256];           /* a reply's byte -> its class (0: none) */
	unsigned char word[256];          /* a reply's byte is a word character */
	unsigned cb;                      /* the boundary byte's class */
	size_t ncls;                      /* classes, 0 included */
	size_t nstate;
	size_t first_out;                 /* states from here on end a literal */
	uint16_t *delta;                  /* [b][state * ncls + class]: the next
	                                     state, b = 1 after a boundary */
	uint64_t (*outs)[WORDS];          /* [state - first_out]: its patterns, clauses */
	uint16_t *bout;                   /* per state: 0, or 1 + index into bouts */
	uint64_t (*bouts)[WORDS];         /* the patterns, clauses of "a boundary now" */
};

static unsigned char fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + 32);
	if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
		return ' ';
	return c;
}

void quell__pf_free(struct quell__pf *pf)
{
	if (pf == NULL)
		return;
	free(pf->delta);
	free(pf->outs);
	free(pf->bout);
	free(pf->bouts);
	free(pf->terms);
	free(pf);
}

size_t quell__pf_count(const struct quell__pf *pf)
{
	return pf != NULL ? pf->nlit : 0;
}

/* The trie while it is built. */
struct trie {
	size_t n, cap, ncls;
	uint16_t *next;                    /* [state * ncls + class], 0: none */
	uint64_t (*set)[WORDS];            /* patterns, clauses whose literal ends here */
};

static int trie_grow(struct trie *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256;
	uint16_t *next;
	uint64_t(*set)[WORDS];

	if (cap > STATES_MAX + 1)
		cap = STATES_MAX + 1;
	if ((next = realloc(t->next, cap * t->ncls * sizeof *next)) == NULL)
		return QUELL_ENOMEM;
	t->next = next;
	if ((set = realloc(t->set, cap * sizeof *set)) == NULL)
		return QUELL_ENOMEM;
	t->set = set;
	t->cap = cap;
	return 0;
}

/* Add pattern p's literals (those of clause k > 0 as bit cbase + k - 1);
 * 1 when they do not fit (nothing added). */
static int trie_add(struct trie *t, const struct quell__pf *pf,
                    const struct quell__pf_lits *l, size_t p, size_t cbase)
{
	size_t need = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (l->len[i] == 0 || (l->len[i] == 1 && l->lit[i][0] == QUELL__PF_B))
			return 1; /* the root must end no literal */
		need += l->len[i];
	}
	if (t->n + need > STATES_MAX)
		return 1;
	for (size_t i = 0; i < l->n; i++) {
		size_t s = 0, len = l->len[i], bit;

		for (size_t k = 0; k < len; k++) {
			unsigned char b = l->lit[i][k];
			unsigned c = b == QUELL__PF_B ? pf->cb : pf->cls[b];
			uint16_t *slot = &t->next[s * t->ncls + c];

			if (*slot == 0) {
				if (t->n == t->cap && trie_grow(t) != 0)
					return QUELL_ENOMEM;
				slot = &t->next[s * t->ncls + c]; /* it may have moved */
				memset(&t->next[t->n * t->ncls], 0, t->ncls * sizeof *t->next);
				memset(t->set[t->n], 0, sizeof t->set[t->n]);
				*slot = (uint16_t)t->n++;
			}
			s = *slot;
		}
		if (l->clause[i] > 0)
			bit = cbase + l->clause[i] - 1;
		else
			bit = p;
		t->set[s][bit / 64] |= (uint64_t)1 << (bit % 64);
	}
	return 0;
}

/* Turn the trie into the DFA: fail links by breadth, then each missing
 * edge follows its state's fail link; outputs collect along fail links.
 * Then number the states that end a literal last, and make the table of
 * "a boundary, then this class". */
static int finish(struct quell__pf *pf, struct trie *t)
{
	uint16_t *queue = malloc(t->n * sizeof *queue), *fail = calloc(t->n, sizeof *fail);
	uint16_t *map = malloc(t->n * sizeof *map);
	size_t head = 0, tail = 0, k, nc = t->ncls, n = t->n, nb = 0;
	int rc = QUELL_ENOMEM;

	if (queue == NULL || fail == NULL || map == NULL)
		goto done;
	queue[tail++] = 0;
	while (head < tail) {
		size_t s = queue[head++];

		for (size_t c = 0; c < nc; c++) {
			uint16_t *slot = &t->next[s * nc + c];

			if (*slot != 0) {
				size_t child = *slot, f = s == 0 ? 0 : t->next[fail[s] * nc + c];

				fail[child] = (uint16_t)f;
				for (int w = 0; w < WORDS; w++)
					t->set[child][w] |= t->set[f][w];
				queue[tail++] = (uint16_t)child;
			} else {
				*slot = s == 0 ? 0 : t->next[fail[s] * nc + c];
			}
		}
	}
	/* states without output first (the root is one: no literal is empty) */
	k = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t s = 0; s < n; s++) {
			int any = 0;

			for (int w = 0; w < WORDS; w++)
				any |= t->set[s][w] != 0;
			if (any == pass) {
				if (pass == 1 && pf->first_out == 0)
					pf->first_out = k;
				map[s] = (uint16_t)k++;
			}
		}
	if (pf->first_out == 0)
		pf->first_out = n;
	pf->delta = malloc(2 * n * nc * sizeof *pf->delta);
	pf->outs = malloc((n - pf->first_out + 1) * sizeof *pf->outs);
	pf->bout = calloc(n, sizeof *pf->bout);
	pf->bouts = malloc(n * sizeof *pf->bouts);
	if (pf->delta == NULL || pf->outs == NULL || pf->bout == NULL || pf->bouts == NULL)
		goto done;
	for (size_t s = 0; s < n; s++) {
		size_t to = map[s], after_b = t->next[s * nc + pf->cb];

		for (size_t c = 0; c < nc; c++) {
			pf->delta[to * nc + c] = map[t->next[s * nc + c]];
			pf->delta[n * nc + to * nc + c] = map[t->next[after_b * nc + c]];
		}
		if (to >= pf->first_out)
			memcpy(pf->outs[to - pf->first_out], t->set[s], sizeof pf->outs[0]);
		if (map[after_b] >= pf->first_out) { /* literals that end with a boundary */
			memcpy(pf->bouts[nb], t->set[after_b], sizeof pf->bouts[0]);
			pf->bout[to] = (uint16_t)++nb;
		}
	}
	pf->nstate = n;
	rc = 0;
done:
	free(queue);
	free(fail);
	free(map);
	return rc;
}

/* The literals of each pattern into lits[]; a pattern without any is
 * always "may match".  The bytes of the literals are marked in pf->cls.
 * 0 or QUELL_ENOMEM. */
static int extract_all(struct quell__pf *pf, const char *const *patterns, const size_t *lens,
                       struct quell__pf_lits *lits)
{
	for (size_t p = 0; p < pf->npat; p++) {
		int rc;

		pf->covered[p / 64] |= (uint64_t)1 << (p % 64);
		rc = quell__pf_extract(patterns[p], lens[p], &lits[p]);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			lits[p].n = 0;
			lits[p].nonascii = 0;
			pf->always[p / 64] |= (uint64_t)1 << (p % 64);
			continue;
		}
		for (size_t i = 0; i < lits[p].n; i++)
			for (size_t k = 0; k < lits[p].len[i]; k++)
				pf->cls[lits[p].lit[i][k]] = 1; /* marked for now */
	}
	return 0;
}

/* From the marked bytes, the classes: one per byte that occurs in a
 * literal (folded), one for the boundary, 0 for every other byte; a
 * reply's byte goes straight to its class.  And which bytes are word
 * characters. */
static void make_classes(struct quell__pf *pf)
{
	unsigned char byfold[128];

	pf->ncls = 1;
	for (int b = 0; b < 0x80; b++)
		if (pf->cls[b])
			pf->cls[b] = (unsigned char)pf->ncls++;
	pf->cb = pf->ncls++;
	pf->cls[QUELL__PF_B] = 0;
	for (int b = 0x80; b < 256; b++)
		pf->cls[b] = 0;
	for (int b = 0x7F; b >= 0; b--) {
		unsigned char f = fold((unsigned char)b);

		pf->word[b] = (unsigned char)((f >= 'a' && f <= 'z') || (f >= '0' && f <= '9') ||
		                              f == '_');
	}
	memcpy(byfold, pf->cls, sizeof byfold);
	for (int b = 0; b < 0x80; b++)
		pf->cls[b] = byfold[fold((unsigned char)b)];
}

/* Pattern p's terms (its clauses are bits cbase...) into pf->terms, and
 * which of its clauses a byte >= 0x80 satisfies. */
static void add_terms(struct quell__pf *pf, const struct quell__pf_lits *l, size_t p,
                      size_t cbase)
{
	size_t first = pf->nterm;

	for (size_t k = 1; k <= l->nclause; k++) {
		size_t bit = cbase + k - 1, ti = first + l->term[k];
		struct term *tm = &pf->terms[ti];

		if (ti >= pf->nterm)
			pf->nterm = ti + 1;
		if (tm->n == 0)
			pf->first[bit / 64] |= (uint64_t)1 << (bit % 64);
		pf->cterm[bit - pf->cbase] = (uint16_t)ti;
		tm->pattern = (uint16_t)p;
		tm->bit[tm->n++] = (uint16_t)bit;
		if (l->cnonascii[k])
			pf->high[bit / 64] |= (uint64_t)1 << (bit % 64);
	}
}

/* The trie of every pattern's literals, and the terms; a pattern that
 * finds no room left gets no prefilter.  0 or QUELL_ENOMEM. */
static int fill_trie(struct quell__pf *pf, struct trie *t, struct quell__pf_lits *lits)
{
	int rc;

	t->ncls = pf->ncls;
	if ((rc = trie_grow(t)) != 0)
		return rc;
	memset(t->next, 0, t->ncls * sizeof *t->next);
	memset(t->set[0], 0, sizeof t->set[0]);
	t->n = 1;
	pf->cbase = (pf->npat + 63) / 64 * 64;
	for (size_t p = 0; p < pf->npat; p++) {
		if (lits[p].n == 0 && !lits[p].nonascii)
			continue;
		rc = 1;
		if (pf->nclause + lits[p].nclause <= CLAUSES &&
		    (rc = trie_add(t, pf, &lits[p], p, pf->cbase + pf->nclause)) < 0)
			return rc;
		if (rc == 1) { /* no room left: no prefilter for it */
			pf->always[p / 64] |= (uint64_t)1 << (p % 64);
			continue;
		}
		if (lits[p].nonascii)
			pf->high[p / 64] |= (uint64_t)1 << (p % 64);
		add_terms(pf, &lits[p], p, pf->cbase + pf->nclause);
		pf->nclause += lits[p].nclause;
		pf->nlit++;
	}
	pf->nw = (pf->cbase + pf->nclause + 63) / 64;
	return 0;
}

int quell__pf_build(struct quell__pf **out, const char *const *patterns, const size_t *lens,
                    size_t n)
{
	struct quell__pf *pf = calloc(1, sizeof *pf);
	struct quell__pf_lits *lits = NULL;
	struct trie t = { 0, 0, 0, NULL, NULL };

	*out = NULL;
	if (pf == NULL)
		return QUELL_ENOMEM;
	pf->npat = n < QUELL__PF_PATTERNS ? n : QUELL__PF_PATTERNS;
	if (pf->npat > 0 && (lits = calloc(pf->npat, sizeof *lits)) == NULL)
		goto fail;
	if (extract_all(pf, patterns, lens, lits) != 0)
		goto fail;
	if ((pf->terms = calloc(CLAUSES, sizeof *pf->terms)) == NULL)
		goto fail;
	for (unsigned i = 0; i < 64; i++)
		pf->lowbit[((uint64_t)1 << i) * DEBRUIJN >> 58] = (unsigned char)i;
	make_classes(pf);
	if (fill_trie(pf, &t, lits) != 0 || finish(pf, &t) != 0)
		goto fail;
	free(t.next);
	free(t.set);
	free(lits);
	*out = pf;
	return 0;
fail:
	free(t.next);
	free(t.set);
	free(lits);
	quell__pf_free(pf);
	return QUELL_ENOMEM;
}

/* Add the patterns and clauses of bits to found (the first nw words). */
static void collect(uint64_t found[WORDS], const uint64_t bits[WORDS], size_t nw)
{
	for (size_t k = 0; k < nw; k++)
		found[k] |= bits[k];
}

/* From what the scan found: the patterns that may match.  A term is
 * looked at only when its first clause was found. */
static void decide(const struct quell__pf *pf, uint64_t found[WORDS], int high,
                   uint64_t maybe[QUELL__PF_WORDS])
{
	if (high)
		collect(found, pf->high, pf->nw);
	for (size_t k = 0; k < QUELL__PF_WORDS; k++)
		maybe[k] = ~pf->covered[k] | pf->always[k] | (k < pf->cbase / 64 ? found[k] : 0);
	for (size_t w = pf->cbase / 64; w < pf->nw; w++) {
		uint64_t cand = found[w] & pf->first[w];

		while (cand != 0) {
			uint64_t low = cand & (~cand + 1);
			const struct term *t =
				&pf->terms[pf->cterm[w * 64 + pf->lowbit[low * DEBRUIJN >> 58] - pf->cbase]];
			size_t k = 1;

			cand ^= low;
			while (k < t->n && (found[t->bit[k] / 64] >> (t->bit[k] % 64) & 1))
				k++;
			if (k == t->n)
				maybe[t->pattern / 64] |= (uint64_t)1 << (t->pattern % 64);
		}
	}
}

void quell__pf_scan(const struct quell__pf *pf, const char *text, size_t len,
                    uint64_t maybe[QUELL__PF_WORDS])
{
	const unsigned char *t = (const unsigned char *)text, *end = t + len, *cls, *word;
	uint64_t found[WORDS] = { 0 };
	const uint16_t *delta, *after_b, *bout;
	size_t s = 0, ncls, first_out, nw;
	unsigned pw = 0, high = 0;

	memset(maybe, 0xFF, QUELL__PF_WORDS * sizeof *maybe);
	if (pf == NULL)
		return;
	nw = pf->nw;
	delta = pf->delta;
	ncls = pf->ncls;
	after_b = delta + pf->nstate * ncls;
	first_out = pf->first_out;
	cls = pf->cls;
	word = pf->word;
	bout = pf->bout;
	for (const unsigned char *p = t; p < end; p++) {
		unsigned b = *p, w = word[b];

		if (w == pw) {
			s = delta[s * ncls + cls[b]];
		} else {
			if (bout[s] != 0)
				collect(found, pf->bouts[bout[s] - 1], nw);
			s = after_b[s * ncls + cls[b]];
			pw = w;
		}
		high |= b;
		if (s >= first_out)
			collect(found, pf->outs[s - first_out], nw);
	}
	if (pw && bout[s] != 0) /* the end, after a word character */
		collect(found, pf->bouts[bout[s] - 1], nw);
	if ((high & 0x80) != 0 &&
	    (memmem(t, len, "\xC5\xBF", 2) != NULL || memmem(t, len, "\xE2\x84\xAA", 3) != NULL))
		return; /* long s or Kelvin sign: caselessly s and k for PCRE2 */
	decide(pf, found, (high & 0x80) != 0, maybe);
}
