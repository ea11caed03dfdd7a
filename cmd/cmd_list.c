/*
 * cmd_list.c - `quell list [--suppress|--allow|--backoff]
 * [--domains|--addresses] [--category C] [--since TIME]`: the live entries
 * of the global --stream (stream-less without it; `--stream '*'` for every
 * stream), domains first, then addresses, each in key order.
 *
 * Plain: KEY<TAB>LIST<TAB>DETAIL; --json: one object per entry with the CSV
 * field names.  Streams entries from the library's callback: nothing is
 * gathered in memory.  Knows nothing of how entries are stored.
 */
#include "cli.h"

enum {
	OPT_SUPPRESS = CLI_OPT_CMD,
	OPT_ALLOW,
	OPT_BACKOFF,
	OPT_DOMAINS,
	OPT_ADDRESSES,
	OPT_CATEGORY,
	OPT_SINCE
};

static const struct option options[] = {
	{ "suppress", no_argument, NULL, OPT_SUPPRESS },
	{ "allow", no_argument, NULL, OPT_ALLOW },
	{ "backoff", no_argument, NULL, OPT_BACKOFF },
	{ "domains", no_argument, NULL, OPT_DOMAINS },
	{ "addresses", no_argument, NULL, OPT_ADDRESSES },
	{ "category", required_argument, NULL, OPT_CATEGORY },
	{ "since", required_argument, NULL, OPT_SINCE },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_list = {
	.name = "list",
	.fn = cmd_list,
	.synopsis = "[--suppress|--allow|--backoff] [--domains|--addresses] [--category C] [--since TIME]",
	.summary = "list the live entries",
	.options =
		"  --suppress, --allow, --backoff   only this list (default: all three)\n"
		"  --domains, --addresses           only this scope (default: both)\n"
		"  --category C                     only entries of category C\n"
		"  --since TIME                     only entries updated at or after TIME\n",
	.flags = CLI_ALLSTREAMS,
};

struct ctx {
	struct cli *cli;
	int status; /* exit status when the callback stopped the walk */
};

static int each(void *arg, const struct quell_entry *e)
{
	struct ctx *x = arg;
	struct cli_kv kv = { stdout, 0, NULL, 0 };

	if (x->cli->json) {
		x->status = cli_json_put(x->cli, cli_entry_json(e));
		return x->status;
	}
	cli_put_enc(stdout, e->key, CLI_ENC_FIELD);
	printf("\t%s\t", quell_list_name(e->list));
	cli_entry_detail(&kv, e, 0);
	putchar('\n');
	return 0;
}

/* Set *slot to v unless another value of the same group came first. */
static int pick(struct cli *cli, int *slot, int v, const char *group)
{
	if (*slot != 0 && *slot != v) {
		cli_usage_error(cli, "give at most one of %s", group);
		return -1;
	}
	*slot = v;
	return 0;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	static const char lists[] = "--suppress, --allow, --backoff";
	static const char scopes[] = "--domains, --addresses";
	struct quell_list_options o = QUELL_LIST_OPTIONS_INIT;
	struct ctx x = { cli, 0 };
	int c, rc, bad = 0, status = 0;

	while (!bad && (c = cli_getopt(cli, argc, argv, options, &status)) != -1) {
		switch (c) {
		case CLI_STOP: return status;
		case OPT_SUPPRESS: bad = pick(cli, &o.list, QUELL_LIST_SUPPRESS, lists); break;
		case OPT_ALLOW: bad = pick(cli, &o.list, QUELL_LIST_ALLOW, lists); break;
		case OPT_BACKOFF: bad = pick(cli, &o.list, QUELL_LIST_BACKOFF, lists); break;
		case OPT_DOMAINS: bad = pick(cli, &o.scope, QUELL_SCOPE_DOMAIN, scopes); break;
		case OPT_ADDRESSES: bad = pick(cli, &o.scope, QUELL_SCOPE_ADDRESS, scopes); break;
		case OPT_CATEGORY: o.category = optarg; break;
		case OPT_SINCE:
			if (quell_time_parse(optarg, &o.since) != 0)
				return cli_usage_error(cli, "--since: not a time: '%s'", optarg);
			break;
		}
	}
	if (bad)
		return CLI_EX_USAGE;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((status = cli_open(cli)) != 0)
		return status;
	o.stream = cli->stream;
	o.now = cli->now;
	rc = quell_list(cli->h, &o, each, &x);
	if (x.status != 0)
		return x.status;
	return rc != 0 ? cli_fail(cli, rc) : 0;
}
