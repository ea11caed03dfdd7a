/*
 * report_tab.c - the string sets of the report (report.h): the recipient
 * domains, the rule and category names, the (rule, status) groups of the
 * reasons, each mapped to the index of its row.
 *
 * Knows nothing of LMDB, of events or of what the rows hold.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int quell__strtab_init(struct quell__strtab *t, size_t max, struct quell__arena *arena)
{
	size_t ns = 16;

	memset(t, 0, sizeof *t);
	while (ns < 2 * max)
		ns *= 2;
	t->max = max;
	t->arena = arena;
	t->nslots = ns;
	t->slots = calloc(ns, sizeof *t->slots);
	t->keys = malloc(max * sizeof *t->keys);
	if (t->slots == NULL || t->keys == NULL) {
		quell__strtab_free(t);
		return QUELL_ENOMEM;
	}
	return 0;
}

void quell__strtab_free(struct quell__strtab *t)
{
	free(t->slots);
	free(t->keys);
	t->slots = NULL;
	t->keys = NULL;
}

int quell__strtab_get(struct quell__strtab *t, const char *s, size_t len, size_t *index,
                      int *fresh)
{
	size_t mask = t->nslots - 1, i = (size_t)fnv(s, len) & mask;
	char *copy;

	*fresh = 0;
	for (; t->slots[i] != 0; i = (i + 1) & mask) {
		const char *k = t->keys[t->slots[i] - 1];

		if (strncmp(k, s, len) == 0 && k[len] == '\0') {
			*index = t->slots[i] - 1;
			return 0;
		}
	}
	if (t->n == t->max)
		return 1;
	if ((copy = (char *)quell__arena_copy(t->arena, s, len + 1)) == NULL)
		return QUELL_ENOMEM;
	copy[len] = '\0';
	t->keys[t->n] = copy;
	t->slots[i] = (uint32_t)(t->n + 1);
	*index = t->n++;
	*fresh = 1;
	return 0;
}
