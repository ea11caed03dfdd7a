/*
 * cmd_activity.c - `quell activity [--address A] [--domain D] [--type T]
 * [--since T] [--limit N]`: the stored events, newest first
 * (quell_activity), one line each:
 *
 *   TIME<TAB>TYPE<TAB>KEY<TAB>OUTCOME<TAB>RULE<TAB>REPLY
 *
 * TYPE delivered, bounce, deferral, complaint, unsubscribe or manual;
 * OUTCOME a reply's (delivered, suppressed, backoff, counted, ignored) or
 * a hand edit's action; RULE "-" when none; REPLY the server's reply as
 * "CODE STATUS TEXT" (what is there of it), else the event's reason, else
 * "-", control bytes and invalid UTF-8 as %XX.  With --json one object
 * per event.
 *
 * Knows nothing of how events are stored or found.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_ADDRESS = CLI_OPT_CMD, OPT_DOMAIN, OPT_TYPE, OPT_SINCE, OPT_LIMIT };

static const struct option options[] = {
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_activity = {
	.name = "activity",
	.fn = cmd_activity,
	.synopsis = "[--address A] [--domain D] [--type T] [--since T] [--limit N]",
	.summary = "the stored events, newest first, with the receiving server's reply",
	.options =
		"  --address A          only the events of address A\n"
		"  --domain D           only addresses of domain D and its subdomains\n"
		"  --type T             delivered, bounce, deferral, complaint, unsubscribe\n"
		"                       or manual\n"
		"  --since T            only events at or after T\n"
		"  --limit N            the newest N events (default 100, at most 100000)\n",
	.flags = 0,
};

static void reply_put(FILE *f, const struct quell_event *ev)
{
	int any = 0;

	if (ev->code) {
		fprintf(f, "%d", ev->code);
		any = 1;
	}
	if (ev->status[0]) {
		fprintf(f, "%s%s", any ? " " : "", ev->status);
		any = 1;
	}
	if (ev->reply[0]) {
		fputs(any ? " " : "", f);
		cli_put_enc(f, ev->reply, CLI_ENC_FIELD);
		any = 1;
	}
	if (!any && ev->reason[0]) {
		cli_put_enc(f, ev->reason, CLI_ENC_FIELD);
		any = 1;
	}
	if (!any)
		fputc('-', f);
}

static json_t *item_json(const struct quell_activity_item *it)
{
	const struct quell_event *ev = &it->ev;
	json_t *o = json_object();

	if (o == NULL || cli_jset(o, "time", cli_jtime(ev->time)) ||
	    cli_jset(o, "type", json_string(quell_activity_type_name(it->type))) ||
	    cli_jset(o, "key", cli_jstr(it->key)) ||
	    cli_jset(o, "scope", json_string(quell_scope_name(it->scope))) ||
	    cli_jset(o, "outcome", cli_jstr(it->outcome >= 0 ? quell_outcome_name(it->outcome) : NULL)) ||
	    cli_jset(o, "action", cli_jstr(quell_action_name(ev->action))) ||
	    cli_jset(o, "verdict", json_string(quell_verdict_name(ev->verdict))) ||
	    cli_jset(o, "source", cli_jstr(quell_source_name(ev->source))) ||
	    cli_jset(o, "rule", cli_jstr(ev->rule)) || cli_jset(o, "category", cli_jstr(ev->category)) ||
	    cli_jset(o, "code", cli_jnum0((uint64_t)ev->code)) ||
	    cli_jset(o, "status", cli_jstr(ev->status)) || cli_jset(o, "reply", cli_jstr(ev->reply)) ||
	    cli_jset(o, "reason", cli_jstr(ev->reason)) || cli_jset(o, "stream", cli_jstr(ev->stream)) ||
	    cli_jset(o, "until", cli_jtime(ev->until))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int item(void *payload, const struct quell_activity_item *it)
{
	struct cli *cli = payload;
	char t[QUELL_TIME_MAX];

	if (cli->json) {
		json_t *o = item_json(it);

		return o == NULL ? cli_oom(cli) : cli_json_put(cli, o);
	}
	printf("%s\t%s\t", quell_time_format(it->ev.time, t, sizeof t),
	       quell_activity_type_name(it->type));
	cli_put_enc(stdout, it->key, CLI_ENC_FIELD);
	printf("\t%s\t%s\t",
	       it->outcome >= 0 ? quell_outcome_name(it->outcome) : quell_action_name(it->ev.action),
	       it->ev.rule[0] ? it->ev.rule : "-");
	reply_put(stdout, &it->ev);
	putchar('\n');
	return 0;
}

static int parse(struct cli *cli, int argc, char **argv, struct quell_activity_options *o)
{
	int c, status = 0;
	char *end;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1) {
		switch (c) {
		case CLI_STOP: /* -1: --help printed, stop with 0 */
			return status == 0 ? -1 : status;
		case OPT_ADDRESS:
			o->address = optarg;
			break;
		case OPT_DOMAIN:
			o->domain = optarg;
			break;
		case OPT_TYPE:
			if ((o->type = quell_activity_type_parse(optarg)) < 0)
				return cli_usage_error(cli, "--type: delivered, bounce, deferral, complaint, "
				                            "unsubscribe or manual, not '%s'", optarg);
			break;
		case OPT_SINCE:
			if (quell_time_parse(optarg, &o->since) != 0)
				return cli_usage_error(cli, "--since: not a time: '%s'", optarg);
			break;
		case OPT_LIMIT:
			errno = 0;
			o->limit = (size_t)strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-' || o->limit == 0 ||
			    o->limit > QUELL_ACTIVITY_MAX)
				return cli_usage_error(cli, "--limit: a number from 1 to %d, not '%s'",
				                       QUELL_ACTIVITY_MAX, optarg);
			break;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	return 0;
}

int cmd_activity(struct cli *cli, int argc, char **argv)
{
	struct quell_activity_options o = QUELL_ACTIVITY_OPTIONS_INIT;
	int rc, status;

	if ((status = parse(cli, argc, argv, &o)) != 0)
		return status < 0 ? CLI_EX_OK : status;
	if ((status = cli_open(cli)) != 0)
		return status;
	rc = quell_activity(cli->h, &o, item, cli);
	if (rc > 0) /* item's exit status, already printed */
		return rc;
	if (rc != 0)
		return cli_fail(cli, rc);
	return fflush(stdout) != 0 ? CLI_EX_IOERR : CLI_EX_OK;
}
