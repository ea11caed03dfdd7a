/*
 * cmd_report.c - `quell report [--since T] [--until T] [--by day|week]
 * [--domain D] [--top N] [--csv] [--html FILE]`: the stored history and
 * lists as a report (quell_report, docs/report.md): aligned text tables
 * on stdout, or with --json one object, with --csv rows
 * section,period,name,metric,value, with --html FILE one self-contained
 * page (the activity's newest events in it too).  The global --stream
 * narrows it to stream-less events and that stream's.
 *
 * Knows nothing of how the figures are made (the library) or drawn
 * (report_*.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

enum { OPT_SINCE = CLI_OPT_CMD, OPT_UNTIL, OPT_BY, OPT_DOMAIN, OPT_TOP, OPT_CSV, OPT_HTML };

static const struct option options[] = {
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "by", required_argument, NULL, OPT_BY },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "html", required_argument, NULL, OPT_HTML },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_report = {
	.name = "report",
	.fn = cmd_report,
	.synopsis = "[--since T] [--until T] [--by day|week] [--domain D] [--top N] [--csv]\n"
	            "[--since T] [--until T] [--by day|week] [--domain D] [--top N] --html FILE",
	.summary = "replies by outcome, new suppressions, list sizes, trouble domains and "
	           "top reasons over time",
	.options =
		"  --since T            from T (default: 30 periods back from --until)\n"
		"  --until T            up to T, not included (default: now)\n"
		"  --by day|week        periods: UTC days (default) or weeks from Monday\n"
		"  --domain D           only addresses of domain D and its subdomains\n"
		"  --top N              rows of each top list (default 10)\n"
		"  --csv                rows section,period,name,metric,value\n"
		"  --html FILE          one self-contained HTML page with charts ('-': stdout)\n"
		"  --stream S           only stream-less events and those of stream S\n",
	.flags = 0,
};

struct args {
	struct quell_report_options o;
	int csv;
	const char *html;
};

static int parse(struct cli *cli, int argc, char **argv, struct args *a)
{
	int c, status = 0;
	char *end;

	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1) {
		switch (c) {
		case CLI_STOP: /* -1: --help printed, stop with 0 */
			return status == 0 ? -1 : status;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (quell_time_parse(optarg, c == OPT_SINCE ? &a->o.since : &a->o.until) != 0)
				return cli_usage_error(cli, "--%s: not a time: '%s'",
				                       c == OPT_SINCE ? "since" : "until", optarg);
			break;
		case OPT_BY:
			if (strcmp(optarg, "day") != 0 && strcmp(optarg, "week") != 0)
				return cli_usage_error(cli, "--by: day or week, not '%s'", optarg);
			a->o.by = optarg[0] == 'w' ? QUELL_REPORT_WEEK : QUELL_REPORT_DAY;
			break;
		case OPT_DOMAIN:
			a->o.domain = optarg;
			break;
		case OPT_TOP:
			errno = 0;
			a->o.top = (size_t)strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || a->o.top == 0 || a->o.top > 1000)
				return cli_usage_error(cli, "--top: a number from 1 to 1000, not '%s'",
				                       optarg);
			break;
		case OPT_CSV:
			a->csv = 1;
			break;
		case OPT_HTML:
			a->html = optarg;
			break;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (a->csv + (a->html != NULL) + cli->json > 1)
		return cli_usage_error(cli, "--csv, --html and --json exclude each other");
	return 0;
}

/* The filters in words, for the page's heading. */
static void describe(const struct quell_report *r, const struct args *a, char *buf, size_t n)
{
	char s[QUELL_TIME_MAX], u[QUELL_TIME_MAX];

	snprintf(buf, n, "%.10s to %.10s, by %s%s%s", quell_time_format(r->since, s, sizeof s),
	         quell_time_format(r->until - 1, u, sizeof u),
	         r->by == QUELL_REPORT_WEEK ? "week" : "day", a->o.domain ? ", domain " : "",
	         a->o.domain ? a->o.domain : "");
}

static int html(struct cli *cli, const struct quell_report *r, const struct args *a)
{
	struct quell_activity_options ao = QUELL_ACTIVITY_OPTIONS_INIT;
	struct page_opts p = { "quell report", NULL, 0, NULL };
	struct act_list l = { 0, 0, NULL };
	char q[256];
	FILE *f = stdout;
	int rc, bad;

	ao.domain = a->o.domain;
	ao.since = r->since;
	ao.limit = 500;
	if ((rc = act_collect(cli->h, &ao, &l)) != 0) {
		act_free(&l);
		return rc > 0 ? cli_oom(cli) : cli_fail(cli, rc);
	}
	describe(r, a, q, sizeof q);
	p.query = q;
	p.act = &l;
	if (strcmp(a->html, "-") != 0 && (f = fopen(a->html, "w")) == NULL) {
		cli_warn(cli, "%s: %s", a->html, strerror(errno));
		act_free(&l);
		return CLI_EX_IOERR;
	}
	bad = report_html(f, r, &p) != 0;
	bad |= f != stdout ? fclose(f) != 0 : fflush(f) != 0;
	act_free(&l);
	if (bad) {
		cli_warn(cli, "%s: %s", a->html, strerror(errno));
		return CLI_EX_IOERR;
	}
	return CLI_EX_OK;
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
	struct args a = { QUELL_REPORT_OPTIONS_INIT, 0, NULL };
	struct quell_report *r = NULL;
	int rc, status;

	if ((status = parse(cli, argc, argv, &a)) != 0)
		return status < 0 ? CLI_EX_OK : status;
	a.o.stream = cli->stream;
	a.o.now = cli->now;
	if ((status = cli_open(cli)) != 0)
		return status;
	if ((rc = quell_report(cli->h, &a.o, &r)) != 0)
		return cli_fail(cli, rc);
	if (a.html != NULL) {
		status = html(cli, r, &a);
	} else if (cli->json) {
		json_t *j = report_json(r);

		status = j == NULL ? cli_oom(cli) : cli_json_put(cli, j);
	} else {
		if (a.csv)
			report_csv(stdout, r);
		else
			report_text(stdout, r);
		status = fflush(stdout) != 0 ? CLI_EX_IOERR : CLI_EX_OK;
	}
	quell_report_free(r);
	return status;
}
