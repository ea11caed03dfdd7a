/*
 * render.c - how check results and list entries look, in plain text and as
 * JSON, for every command that prints them (check, show, list), so that the
 * same thing always looks the same.
 *
 * Field sets and orders are part of the documented output (quell(1)); add
 * new fields at the end.
 */
#include "cli.h"

void cli_result_plain(FILE *f, const char *address, const char *verdict,
                      const struct quell_result *r)
{
	struct cli_kv kv = { f, 0 };

	cli_put_enc(f, address, CLI_ENC_FIELD);
	fputc('\t', f);
	fputs(verdict, f);
	fputc('\t', f);
	cli_kv(&kv, "scope", quell_scope_name(r->scope));
	cli_kv(&kv, "key", r->key);
	cli_kv(&kv, "rule", r->rule);
	cli_kv(&kv, "category", r->category);
	cli_kv(&kv, "source", quell_source_name(r->source));
	cli_kv_time(&kv, "until", r->until);
	cli_kv(&kv, "error", r->error);
	fputc('\n', f);
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
