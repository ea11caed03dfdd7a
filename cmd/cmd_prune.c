/*
 * cmd_prune.c - `quell prune [--keep N] [--max-age DURATION]`: delete
 * expired entries and past backoffs, and trim history to the newest N
 * events per key (100) none older than DURATION (2 years; `forever` keeps
 * events of any age).  Needs an existing database.
 *
 * Plain: `entries_removed<TAB>N` and `events_removed<TAB>N`; --json: one
 * object with the same names.  Knows nothing of how history is stored.
 */
#include <errno.h>
#include <stdlib.h>

#include "cli.h"

enum { OPT_KEEP = CLI_OPT_CMD, OPT_MAX_AGE };

static const struct option options[] = {
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "max-age", required_argument, NULL, OPT_MAX_AGE },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_prune = {
	.name = "prune",
	.fn = cmd_prune,
	.synopsis = "[--keep N] [--max-age DURATION]",
	.summary = "delete expired entries and trim history",
	.options =
		"  --keep N             keep the newest N events per key (default 100)\n"
		"  --max-age DURATION   drop events older than DURATION (default 2y;\n"
		"                       forever: no age limit)\n",
	.flags = CLI_WRITES | CLI_NOCREATE | CLI_RULES,
};

/* A count of at least 1, digits only. */
static int parse_count(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

int cmd_prune(struct cli *cli, int argc, char **argv)
{
	struct quell_prune_options o = QUELL_PRUNE_OPTIONS_INIT;
	struct quell_prune_result r = { 0, 0 };
	int c, rc, status = 0;
	json_t *j;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_KEEP:
			if (parse_count(optarg, &o.keep) != 0)
				return cli_usage_error(cli, "--keep: not a count of 1 or more: '%s'",
				                       optarg);
			break;
		case OPT_MAX_AGE:
			if ((status = cli_duration(cli, "--max-age", optarg, &o.max_age)) != 0)
				return status;
			if (o.max_age == 0)
				o.max_age = -1; /* forever: no age limit */
			break;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((status = cli_open(cli)) != 0)
		return status;
	o.now = cli->now;
	rc = quell_prune(cli->h, &o, &r);
	if (rc != 0)
		return cli_fail(cli, rc);
	if (!cli->json) {
		printf("entries_removed\t%llu\nevents_removed\t%llu\n",
		       (unsigned long long)r.entries_removed, (unsigned long long)r.events_removed);
		return 0;
	}
	j = json_object();
	if (j != NULL && (cli_jset(j, "entries_removed", cli_jnum(r.entries_removed)) |
	                  cli_jset(j, "events_removed", cli_jnum(r.events_removed)))) {
		json_decref(j);
		j = NULL;
	}
	return cli_json_put(cli, j);
}
