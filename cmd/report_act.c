/*
 * report_act.c - the activity (quell_activity) copied into rows the
 * caller owns, for the renderers that need them all at once (the HTML
 * page's table), and what a row says it did.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static char *dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	return p ? memcpy(p, s, n) : NULL;
}

static void row_free(struct act_row *a)
{
	free(a->key);
	free(a->rule);
	free(a->category);
	free(a->status);
	free(a->reply);
	free(a->reason);
	free(a->stream);
}

static int add(void *payload, const struct quell_activity_item *it)
{
	struct act_list *l = payload;
	struct act_row *a;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct act_row *v = realloc(l->v, cap * sizeof *v);

		if (v == NULL)
			return 1;
		l->v = v;
		l->cap = cap;
	}
	a = &l->v[l->n];
	memset(a, 0, sizeof *a);
	a->time = it->ev.time;
	a->type = it->type;
	a->outcome = it->outcome;
	a->action = it->ev.action;
	a->verdict = it->ev.verdict;
	a->code = it->ev.code;
	a->scope = it->scope;
	a->key = dup(it->key);
	a->rule = dup(it->ev.rule);
	a->category = dup(it->ev.category);
	a->status = dup(it->ev.status);
	a->reply = dup(it->ev.reply);
	a->reason = dup(it->ev.reason);
	a->stream = dup(it->ev.stream);
	if (!a->key || !a->rule || !a->category || !a->status || !a->reply || !a->reason ||
	    !a->stream) {
		row_free(a);
		return 1;
	}
	l->n++;
	return 0;
}

int act_collect(quell *h, const struct quell_activity_options *o, struct act_list *l)
{
	return quell_activity(h, o, add, l);
}

void act_free(struct act_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		row_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const char *act_did(const struct act_row *a)
{
	return a->outcome >= 0 ? quell_outcome_name(a->outcome) : quell_action_name(a->action);
}
