/*
 * cmd_show.c - `quell show ENTRY`: everything known about one key, its
 * current verdict (for an address; a domain is not checked), its list
 * entries on every stream (expired ones too), and its history, newest first.
 *
 * Plain output:
 *   KEY<TAB>VERDICT<TAB>DETAIL                 VERDICT "-" for a domain
 *   entry<TAB>LIST<TAB>DETAIL                  one per list entry
 *   event<TAB>TIME<TAB>ACTION<TAB>DETAIL       one per event, newest first
 * --json: one object {key, scope, verdict, check, entries, history}.
 * A key the database has never seen is no error: verdict allow, no entries.
 *
 * For people - stdout a terminal and no --porcelain - the same lines are
 * readable: values escape only control bytes and invalid UTF-8 (a reason
 * `Ticket #42 from the CEO` as it is, not `Ticket%20#42...`), and a key
 * with an IDN domain has its Unicode form beside it, in parentheses.
 * Into a pipe or a file, the escaped form stays exactly as it was.
 *
 * Knows nothing of how entries or history are stored.
 */
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct option options[] = { CLI_GLOBAL_OPTIONS };

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_show = {
	.name = "show",
	.fn = cmd_show,
	.synopsis = "ENTRY",
	.summary = "everything known about one entry, with its history",
	.flags = 0,
};

static void event_detail(struct cli_kv *kv, const struct quell_event *ev)
{
	cli_kv(kv, "list", quell_list_name(ev->list));
	cli_kv(kv, "stream", ev->stream);
	cli_kv(kv, "source", quell_source_name(ev->source));
	cli_kv(kv, "rule", ev->rule);
	cli_kv(kv, "category", ev->category);
	cli_kv_num(kv, "code", ev->code > 0 ? (uint64_t)ev->code : 0);
	cli_kv(kv, "status", ev->status);
	cli_kv(kv, "reply", ev->reply);
	cli_kv(kv, "reason", ev->reason);
	cli_kv_time(kv, "until", ev->until);
	cli_kv(kv, "verdict", quell_verdict_name(ev->verdict));
	cli_kv(kv, "origin", ev->origin);
	cli_kv_num(kv, "seq", ev->seq);
}

static json_t *event_json(const struct quell_event *ev)
{
	json_t *o = json_object();
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= cli_jset(o, "time", cli_jtime(ev->time));
	bad |= cli_jset(o, "action", cli_jstr(quell_action_name(ev->action)));
	bad |= cli_jset(o, "list", cli_jstr(quell_list_name(ev->list)));
	bad |= cli_jset(o, "stream", cli_jstr(ev->stream));
	bad |= cli_jset(o, "source", cli_jstr(quell_source_name(ev->source)));
	bad |= cli_jset(o, "rule", cli_jstr(ev->rule));
	bad |= cli_jset(o, "category", cli_jstr(ev->category));
	bad |= cli_jset(o, "code", cli_jnum0(ev->code > 0 ? (uint64_t)ev->code : 0));
	bad |= cli_jset(o, "status", cli_jstr(ev->status));
	bad |= cli_jset(o, "reply", cli_jstr(ev->reply));
	bad |= cli_jset(o, "reason", cli_jstr(ev->reason));
	bad |= cli_jset(o, "until", cli_jtime(ev->until));
	bad |= cli_jset(o, "verdict", cli_jstr(quell_verdict_name(ev->verdict)));
	bad |= cli_jset(o, "origin", cli_jstr(ev->origin));
	bad |= cli_jset(o, "seq", cli_jnum(ev->seq));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The first line for people: the key, its Unicode form beside it when it
 * has an IDN domain, the verdict, and the readable pairs. */
static void readable_head(const char *key, const char *verdict, const struct quell_result *r)
{
	struct cli_kv kv = { stdout, 0, NULL, 1 };
	char u[QUELL_ENTRY_MAX * 4];

	cli_put_enc(stdout, key, CLI_ENC_FIELD);
	if (quell_entry_unicode(key, u, sizeof u) == 1) {
		fputs(" (", stdout);
		cli_put_enc(stdout, u, CLI_ENC_FIELD);
		fputc(')', stdout);
	}
	printf("\t%s\t", verdict);
	cli_result_detail(&kv, r);
	putchar('\n');
}

static void show_plain(const char *key, const struct quell_result *r,
                       const struct quell_info *info, int readable)
{
	struct quell_result none;
	struct cli_kv kv;
	char t[QUELL_TIME_MAX];
	const char *verdict = r != NULL ? quell_verdict_name(r->verdict) : "-";

	if (r == NULL) {
		memset(&none, 0, sizeof none);
		r = &none;
	}
	if (readable)
		readable_head(key, verdict, r);
	else
		cli_result_plain(stdout, key, verdict, r);
	for (size_t i = 0; info != NULL && i < info->nentries; i++) {
		const struct quell_entry *e = &info->entries[i];

		printf("entry\t%s\t", quell_list_name(e->list));
		kv = (struct cli_kv){ stdout, 0, NULL, readable };
		cli_entry_detail(&kv, e, 1);
		putchar('\n');
	}
	for (size_t i = 0; info != NULL && i < info->nevents; i++) {
		const struct quell_event *ev = &info->events[i];

		printf("event\t%s\t%s\t", quell_time_format(ev->time, t, sizeof t),
		       quell_action_name(ev->action));
		kv = (struct cli_kv){ stdout, 0, NULL, readable };
		event_detail(&kv, ev);
		putchar('\n');
	}
}

json_t *cli_show_json(const char *key, int scope, const char *entry,
                      const struct quell_result *r, const struct quell_info *info)
{
	json_t *o = json_object(), *entries = json_array(), *history = json_array();
	int bad = o == NULL || entries == NULL || history == NULL;

	for (size_t i = 0; !bad && info != NULL && i < info->nentries; i++)
		bad |= json_array_append_new(entries, cli_entry_json(&info->entries[i])) != 0;
	for (size_t i = 0; !bad && info != NULL && i < info->nevents; i++)
		bad |= json_array_append_new(history, event_json(&info->events[i])) != 0;
	if (bad) {
		json_decref(o);
		json_decref(entries);
		json_decref(history);
		return NULL;
	}
	bad |= cli_jset(o, "key", cli_jstr(key));
	bad |= cli_jset(o, "scope", cli_jstr(quell_scope_name(scope)));
	bad |= cli_jset(o, "verdict", r != NULL ? cli_jstr(quell_verdict_name(r->verdict))
	                                        : json_null());
	bad |= cli_jset(o, "check", r != NULL ? cli_result_json(entry, r) : json_null());
	bad |= cli_jset(o, "entries", entries);
	bad |= cli_jset(o, "history", history);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	struct quell_info *info = NULL;
	struct quell_result res;
	char key[QUELL_ENTRY_MAX];
	const char *entry;
	int c, rc, scope = QUELL_SCOPE_NONE, status = 0;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind >= argc)
		return cli_usage_error(cli, "no entry given");
	if (optind + 1 < argc)
		return cli_usage_error(cli, "one entry at a time");
	entry = argv[optind];
	if ((status = cli_open(cli)) != 0)
		return status;
	rc = quell_entry_normalize(cli->h, entry, key, sizeof key, &scope);
	if (rc != 0)
		return cli_fail_item(cli, entry, rc);
	if (scope == QUELL_SCOPE_ADDRESS) {
		rc = quell_check(cli->h, entry, cli->stream, cli->now, &res);
		if (rc != 0)
			return cli_fail_item(cli, entry, rc);
	}
	rc = quell_show(cli->h, entry, 0, &info);
	if (rc != 0 && rc != QUELL_ENOTFOUND)
		return cli_fail_item(cli, entry, rc);
	if (cli->json)
		status = cli_json_put(cli, cli_show_json(key, scope, entry,
		                                         scope == QUELL_SCOPE_ADDRESS ? &res : NULL,
		                                         info));
	else
		show_plain(key, scope == QUELL_SCOPE_ADDRESS ? &res : NULL, info,
		           !cli->porcelain && isatty(STDOUT_FILENO));
	if (info != NULL)
		quell_info_free(info);
	return status;
}
