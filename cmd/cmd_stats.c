/*
 * cmd_stats.c - `quell stats`: counts of live entries per list and scope,
 * per source, per category and per stream, then totals and sizes.
 *
 * Plain: NAME<TAB>VALUE lines, where NAME is the path of the value in the
 * --json object joined with dots (`suppress.address`, `source.bounce`,
 * `category.bad-mailbox`, `stream.marketing`; the stream-less set is
 * `stream.-`, a name no stream can have).  Every list, scope and source is printed,
 * zero or not; categories and streams only when they have entries.
 *
 * The --json object is cli_stats_json (serve's GET /v1/stats answers it too).
 * Knows nothing of how the counts are made.
 */
#include "cli.h"

static const struct option options[] = { CLI_GLOBAL_OPTIONS };

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_stats = {
	.name = "stats",
	.fn = cmd_stats,
	.synopsis = "",
	.summary = "counts per list, scope, source, category, stream; sizes",
	.flags = 0,
};

static const int lists[] = { QUELL_LIST_SUPPRESS, QUELL_LIST_ALLOW, QUELL_LIST_BACKOFF };
static const int scopes[] = { QUELL_SCOPE_ADDRESS, QUELL_SCOPE_DOMAIN };
static const int sources[] = { QUELL_SOURCE_BOUNCE, QUELL_SOURCE_COMPLAINT,
	                       QUELL_SOURCE_UNSUBSCRIBE, QUELL_SOURCE_MANUAL,
	                       QUELL_SOURCE_IMPORT };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The name of a count: "-" for the stream-less set, never an empty name. */
static const char *name_of(const struct quell_count *c)
{
	return c->name[0] != '\0' ? c->name : "-";
}

static void plain_names(const char *group, const struct quell_count *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("%s.", group);
		cli_put_enc(stdout, name_of(&c[i]), CLI_ENC_VALUE);
		printf("\t%llu\n", (unsigned long long)c[i].count);
	}
}

static void plain(const struct quell_stats *s)
{
	for (size_t l = 0; l < N(lists); l++)
		for (size_t k = 0; k < N(scopes); k++)
			printf("%s.%s\t%llu\n", quell_list_name(lists[l]),
			       quell_scope_name(scopes[k]),
			       (unsigned long long)s->entries[lists[l]][scopes[k]]);
	for (size_t i = 0; i < N(sources); i++)
		printf("source.%s\t%llu\n", quell_source_name(sources[i]),
		       (unsigned long long)s->by_source[sources[i]]);
	plain_names("category", s->categories, s->ncategories);
	plain_names("stream", s->streams, s->nstreams);
	printf("keys\t%llu\nexpired\t%llu\nevents\t%llu\nlast_seq\t%llu\n"
	       "db_bytes\t%llu\nused_bytes\t%llu\nmap_bytes\t%llu\n",
	       (unsigned long long)s->keys, (unsigned long long)s->expired,
	       (unsigned long long)s->events, (unsigned long long)s->last_seq,
	       (unsigned long long)s->db_bytes, (unsigned long long)s->used_bytes,
	       (unsigned long long)s->map_bytes);
}

static json_t *names_json(const struct quell_count *c, size_t n)
{
	json_t *o = json_object();
	int bad = o == NULL;

	for (size_t i = 0; !bad && i < n; i++)
		bad |= cli_jset(o, name_of(&c[i]), cli_jnum(c[i].count));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *cli_stats_json(const struct quell_stats *s)
{
	json_t *o = json_object(), *g;
	int bad = o == NULL;

	for (size_t l = 0; !bad && l < N(lists); l++) {
		g = json_object();
		for (size_t k = 0; g != NULL && k < N(scopes); k++)
			bad |= cli_jset(g, quell_scope_name(scopes[k]),
			                cli_jnum(s->entries[lists[l]][scopes[k]]));
		bad |= cli_jset(o, quell_list_name(lists[l]), g);
	}
	if (!bad) {
		g = json_object();
		for (size_t i = 0; g != NULL && i < N(sources); i++)
			bad |= cli_jset(g, quell_source_name(sources[i]),
			                cli_jnum(s->by_source[sources[i]]));
		bad |= cli_jset(o, "source", g);
	}
	if (!bad) {
		bad |= cli_jset(o, "category", names_json(s->categories, s->ncategories));
		bad |= cli_jset(o, "stream", names_json(s->streams, s->nstreams));
		bad |= cli_jset(o, "keys", cli_jnum(s->keys));
		bad |= cli_jset(o, "expired", cli_jnum(s->expired));
		bad |= cli_jset(o, "events", cli_jnum(s->events));
		bad |= cli_jset(o, "last_seq", cli_jnum(s->last_seq));
		bad |= cli_jset(o, "db_bytes", cli_jnum(s->db_bytes));
		bad |= cli_jset(o, "used_bytes", cli_jnum(s->used_bytes));
		bad |= cli_jset(o, "map_bytes", cli_jnum(s->map_bytes));
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
	struct quell_stats *s = NULL;
	int c, rc, status = 0;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((status = cli_open(cli)) != 0)
		return status;
	rc = quell_stats_get(cli->h, cli->now, &s);
	if (rc != 0)
		return cli_fail(cli, rc);
	if (cli->json)
		status = cli_json_put(cli, cli_stats_json(s));
	else
		plain(s);
	quell_stats_free(s);
	return status;
}
