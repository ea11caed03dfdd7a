/*
 * render.c - how check results, list entries and reply outcomes look, in
 * plain text and as JSON, for every command that prints them (check, show,
 * list; record, rules explain), so that the same thing always looks the
 * same.
 *
 * Field sets and orders are part of the documented output (quell(1)); add
 * new fields at the end.
 */
#include <string.h>

#include "cli.h"

void cli_result_plain(FILE *f, const char *address, const char *verdict,
                      const struct quell_result *r)
{
	struct cli_line l;
	struct cli_kv kv = { f, 0, &l, 0 };

	l.f = f;
	l.n = 0;
	cli_line_enc(&l, address, CLI_ENC_FIELD);
	cli_line_put(&l, "\t", 1);
	cli_line_put(&l, verdict, strlen(verdict));
	cli_line_put(&l, "\t", 1);
	cli_result_detail(&kv, r);
	cli_line_put(&l, "\n", 1);
	cli_line_flush(&l);
}

void cli_result_detail(struct cli_kv *kv, const struct quell_result *r)
{
	cli_kv(kv, "scope", quell_scope_name(r->scope));
	cli_kv(kv, "key", r->key);
	cli_kv(kv, "rule", r->rule);
	cli_kv(kv, "category", r->category);
	cli_kv(kv, "source", quell_source_name(r->source));
	cli_kv_time(kv, "until", r->until);
	cli_kv(kv, "error", r->error);
}

json_t *cli_result_json(const char *address, const struct quell_result *r)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= cli_jset(o, "address", *address ? cli_jstr(address) : json_string(""));
	bad |= cli_jset(o, "normalized", cli_jstr(r->normalized));
	bad |= cli_jset(o, "verdict", cli_jstr(quell_verdict_name(r->verdict)));
	bad |= cli_jset(o, "scope", cli_jstr(quell_scope_name(r->scope)));
	bad |= cli_jset(o, "key", cli_jstr(r->key));
	bad |= cli_jset(o, "rule", cli_jstr(r->rule));
	bad |= cli_jset(o, "category", cli_jstr(r->category));
	bad |= cli_jset(o, "source", cli_jstr(quell_source_name(r->source)));
	bad |= cli_jset(o, "reply", cli_jstr(r->reply));
	bad |= cli_jset(o, "since", cli_jtime(r->since));
	bad |= cli_jset(o, "until", cli_jtime(r->until));
	bad |= cli_jset(o, "error", cli_jstr(r->error));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void cli_entry_detail(struct cli_kv *kv, const struct quell_entry *e, int full)
{
	cli_kv(kv, "scope", quell_scope_name(e->scope));
	cli_kv(kv, "stream", e->stream);
	cli_kv(kv, "source", quell_source_name(e->source));
	cli_kv(kv, "category", e->category);
	cli_kv(kv, "rule", e->rule);
	cli_kv_num(kv, "code", e->code > 0 ? (uint64_t)e->code : 0);
	cli_kv(kv, "status", e->status);
	if (full)
		cli_kv(kv, "reply", e->reply);
	cli_kv(kv, "reason", e->reason);
	cli_kv_time(kv, "created", e->created);
	cli_kv_time(kv, "updated", e->updated);
	cli_kv_time(kv, "expires", e->expires);
	cli_kv_time(kv, "until", e->until);
	if (full)
		cli_kv_time(kv, "first_failure", e->first_failure);
	cli_kv_num(kv, "attempts", e->attempts);
	if (full)
		cli_kv_num(kv, "count", e->count);
}

json_t *cli_entry_json(const struct quell_entry *e)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= cli_jset(o, "entry", cli_jstr(e->key));
	bad |= cli_jset(o, "list", cli_jstr(quell_list_name(e->list)));
	bad |= cli_jset(o, "scope", cli_jstr(quell_scope_name(e->scope)));
	bad |= cli_jset(o, "stream", cli_jstr(e->stream));
	bad |= cli_jset(o, "source", cli_jstr(quell_source_name(e->source)));
	bad |= cli_jset(o, "category", cli_jstr(e->category));
	bad |= cli_jset(o, "rule", cli_jstr(e->rule));
	bad |= cli_jset(o, "code", cli_jnum0(e->code > 0 ? (uint64_t)e->code : 0));
	bad |= cli_jset(o, "status", cli_jstr(e->status));
	bad |= cli_jset(o, "reply", cli_jstr(e->reply));
	bad |= cli_jset(o, "reason", cli_jstr(e->reason));
	bad |= cli_jset(o, "created", cli_jtime(e->created));
	bad |= cli_jset(o, "updated", cli_jtime(e->updated));
	bad |= cli_jset(o, "expires", cli_jtime(e->expires));
	bad |= cli_jset(o, "until", cli_jtime(e->until));
	bad |= cli_jset(o, "first_failure", cli_jtime(e->first_failure));
	bad |= cli_jset(o, "attempts", cli_jnum0(e->attempts));
	bad |= cli_jset(o, "count", cli_jnum0(e->count));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A reply the CLI or the library refused (error set) is answered `invalid`
 * with the error alone: what else the outcome holds is not an answer. */
static const char *outcome_action(const struct quell_outcome *o)
{
	const char *name;

	if (o->error[0] != '\0')
		return "invalid";
	name = quell_action_name(o->action);
	return *name != '\0' ? name : "none";
}

void cli_outcome_plain(FILE *f, const char *column, const struct quell_outcome *o)
{
	struct cli_line l;
	struct cli_kv kv = { f, 0, &l, 0 };
	const char *action = outcome_action(o);

	l.f = f;
	l.n = 0;
	if (column != NULL) {
		cli_line_enc(&l, column, CLI_ENC_FIELD);
		cli_line_put(&l, "\t", 1);
	}
	cli_line_put(&l, action, strlen(action));
	cli_line_put(&l, "\t", 1);
	if (o->error[0] == '\0') {
		cli_kv(&kv, "verdict", quell_verdict_name(o->verdict));
		cli_kv(&kv, "scope", quell_scope_name(o->scope));
		cli_kv(&kv, "key", o->key);
		cli_kv(&kv, "rule", o->rule);
		cli_kv(&kv, "category", o->category);
		cli_kv_num(&kv, "code", o->code > 0 ? (uint64_t)o->code : 0);
		cli_kv(&kv, "status", o->status);
		cli_kv_time(&kv, "until", o->until);
		cli_kv_num(&kv, "duplicate", o->duplicate != 0);
	}
	cli_kv(&kv, "error", o->error);
	cli_line_put(&l, "\n", 1);
	cli_line_flush(&l);
}

json_t *cli_outcome_json(const char *address, const struct quell_outcome *o)
{
	json_t *j = json_object();
	int ok = o->error[0] == '\0', bad = 0;

	if (j == NULL)
		return NULL;
	bad |= cli_jset(j, "address", address == NULL ? json_null()
	                               : *address ? cli_jstr(address) : json_string(""));
	bad |= cli_jset(j, "code", cli_jnum0(ok && o->code > 0 ? (uint64_t)o->code : 0));
	bad |= cli_jset(j, "status", cli_jstr(ok ? o->status : NULL));
	bad |= cli_jset(j, "text", cli_jstr(ok ? o->text : NULL));
	bad |= cli_jset(j, "rule", cli_jstr(ok ? o->rule : NULL));
	bad |= cli_jset(j, "category", cli_jstr(ok ? o->category : NULL));
	bad |= cli_jset(j, "action", cli_jstr(outcome_action(o)));
	bad |= cli_jset(j, "scope", cli_jstr(ok ? quell_scope_name(o->scope) : NULL));
	bad |= cli_jset(j, "verdict", cli_jstr(ok ? quell_verdict_name(o->verdict) : NULL));
	bad |= cli_jset(j, "until", cli_jtime(ok ? o->until : 0));
	bad |= cli_jset(j, "error", cli_jstr(o->error));
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int cli_outcome_put(struct cli *cli, int rc, const char *column, const char *address,
                    struct quell_outcome *o, int *invalid)
{
	const char *item = column != NULL ? column : address;

	if (rc == QUELL_EADDRESS || rc == QUELL_EDATA) {
		if (o->error[0] == '\0') {
			const char *m = quell_errmsg(cli->h);

			snprintf(o->error, sizeof o->error, "%s", *m != '\0' ? m : quell_strerror(rc));
		}
		*invalid = 1;
	} else if (rc != 0) {
		return item != NULL ? cli_fail_item(cli, item, rc) : cli_fail(cli, rc);
	}
	if (cli->json)
		return cli_json_put(cli, cli_outcome_json(address, o));
	cli_outcome_plain(stdout, column, o);
	return 0;
}
