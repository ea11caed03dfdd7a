/*
 * cmd_export.c - `quell export [--format F] [--list L] [--category C]
 * [--since TIME] [FILE|-]`: the entries of the global --stream in quell's
 * csv (the default) or jsonl, one key per line (plain), or a provider's
 * import shape, through quell_export in one read transaction.  Without
 * --stream, csv and jsonl (the lossless backups) carry every stream, the
 * other formats the stream-less entries; `--stream '*'` is every stream
 * for all of them.
 *
 * Output goes to stdout, or to FILE: written to a temporary file in the
 * same directory, flushed to disk and renamed into place only when all of
 * it was written, so that a failed export never leaves half a file (an
 * existing FILE keeps its permissions; a FILE that is no regular file,
 * such as a device or a pipe, is written directly).  The summary "N
 * entries (format F)" goes to stderr unless -q, or with --json (and a
 * FILE) as one object on stdout.
 *
 * Read-only: a missing database is 66 and is never created.  Knows
 * nothing of the formats beyond their names.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum { OPT_FORMAT = CLI_OPT_CMD, OPT_LIST, OPT_CATEGORY, OPT_SINCE };

static const struct option options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "list", required_argument, NULL, OPT_LIST },
	{ "category", required_argument, NULL, OPT_CATEGORY },
	{ "since", required_argument, NULL, OPT_SINCE },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_export = {
	.name = "export",
	.fn = cmd_export,
	.synopsis = "[--format F] [--list L] [--category C] [--since TIME] [FILE|-]",
	.summary = "bulk export: quell's csv or jsonl, plain, provider import shapes",
	.options =
		"  --format F           csv (default), jsonl, plain, sendgrid, mailgun, ses or\n"
		"                       postmark\n"
		"  --list L             only list L: suppress, allow or backoff (default: all\n"
		"                       for csv and jsonl, suppress for the others; providers\n"
		"                       take suppress only)\n"
		"  --category C         only entries of category C\n"
		"  --since TIME         only entries updated at or after TIME\n"
		"  --stream S           only stream S ('*': every stream; default: every\n"
		"                       stream for csv and jsonl, stream-less entries for\n"
		"                       the others)\n",
	.flags = CLI_ALLSTREAMS,
};

/* The names --format takes; the first ones write every list. */
static const char *const formats[] = { "csv",     "jsonl", "plain",    "sendgrid",
	                               "mailgun", "ses",   "postmark", NULL };
#define FORMATS "csv, jsonl, plain, sendgrid, mailgun, ses or postmark"
#define LOSSLESS 2 /* formats[] below this index (csv, jsonl) carry every stream */
#define ANY_LIST 3 /* formats[] below this index take any list */

/* Where the export goes. */
struct out {
	const char *name; /* FILE as given, or NULL: stdout */
	FILE *f;
	char target[4096]; /* the file renamed into place */
	char tmp[4096];    /* the temporary file, or "" when written directly */
	mode_t mode;       /* for the new file */
};

/* Open the output.  0 or an exit status (the error printed). */
static int out_open(struct cli *cli, struct out *o)
{
	struct stat st, lst;
	char dir[4096], base[4096];
	int fd, n, exists;

	if (o->name == NULL) {
		o->f = stdout;
		return 0;
	}
	exists = stat(o->name, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) { /* a device, a pipe: write it as it is */
		if ((o->f = fopen(o->name, "w")) == NULL)
			goto fail;
		return 0;
	}
	if (exists) {
		o->mode = st.st_mode & 07777;
	} else {
		mode_t mask = umask(0);
		umask(mask);
		o->mode = 0666 & ~mask;
	}
	/* through a symbolic link: replace what it points to, not the link */
	if (lstat(o->name, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		if (realpath(o->name, o->target) == NULL)
			goto fail;
	} else if (snprintf(o->target, sizeof o->target, "%s", o->name) >= (int)sizeof o->target) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	/* dirname and basename may change their argument: copies */
	memcpy(dir, o->target, sizeof dir);
	memcpy(base, o->target, sizeof base);
	n = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.XXXXXX", dirname(dir), basename(base));
	if (n < 0 || (size_t)n >= sizeof o->tmp) {
		o->tmp[0] = '\0';
		errno = ENAMETOOLONG;
		goto fail;
	}
	if ((fd = mkstemp(o->tmp)) < 0) {
		o->tmp[0] = '\0';
		goto fail;
	}
	if (fchmod(fd, o->mode) != 0 || (o->f = fdopen(fd, "w")) == NULL) {
		int e = errno;
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = '\0';
		errno = e;
		goto fail;
	}
	return 0;
fail:
	cli_warn(cli, "%s: %s", o->name, strerror(errno));
	return CLI_EX_IOERR;
}

/* Finish the output: the temporary file on disk and renamed into place
 * when ok, else removed.  0 or an exit status (the error printed). */
static int out_close(struct cli *cli, struct out *o, int ok)
{
	int e = 0;

	if (o->name == NULL) /* stdout: main() closes it and reports a failure */
		return 0;
	if (ok && (fflush(o->f) != 0 || (o->tmp[0] != '\0' && fsync(fileno(o->f)) != 0)))
		e = errno;
	if (fclose(o->f) != 0 && e == 0)
		e = errno;
	if (o->tmp[0] != '\0') {
		if (ok && e == 0 && rename(o->tmp, o->target) != 0)
			e = errno;
		if (!ok || e != 0)
			unlink(o->tmp);
	}
	if (ok && e != 0) {
		cli_warn(cli, "%s: write error: %s", o->name, strerror(e));
		return CLI_EX_IOERR;
	}
	return 0;
}

static json_t *summary_json(const struct out *o, const char *format, uint64_t n)
{
	json_t *j = json_object();
	int bad = 0;

	if (j == NULL)
		return NULL;
	bad |= cli_jset(j, "file", cli_jstr(o->name));
	bad |= cli_jset(j, "format", cli_jstr(format));
	bad |= cli_jset(j, "entries", cli_jnum(n));
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static int format_index(const char *name)
{
	for (int i = 0; formats[i] != NULL; i++)
		if (strcmp(formats[i], name) == 0)
			return i;
	return -1;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	struct quell_export_options eo = QUELL_EXPORT_OPTIONS_INIT;
	struct out o;
	uint64_t n = 0;
	int c, rc, fmt = 0, status = 0;

	memset(&o, 0, sizeof o);
	while ((c = cli_getopt(cli, argc, argv, options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status;
		case OPT_FORMAT:
			if ((fmt = format_index(optarg)) < 0)
				return cli_usage_error(cli, "--format: unknown format '%s' (" FORMATS ")",
				                       optarg);
			break;
		case OPT_LIST:
			if ((eo.list = quell_list_parse(optarg)) <= 0)
				return cli_usage_error(cli, "--list: not a list: '%s' (suppress, allow or "
				                       "backoff)", optarg);
			break;
		case OPT_CATEGORY: eo.category = optarg; break;
		case OPT_SINCE:
			if (quell_time_parse(optarg, &eo.since) != 0)
				return cli_usage_error(cli, "--since: not a time: '%s'", optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	if (argc == 1 && strcmp(argv[0], "-") != 0)
		o.name = argv[0];
	if (fmt >= ANY_LIST && eo.list != 0 && eo.list != QUELL_LIST_SUPPRESS)
		return cli_usage_error(cli, "--format %s: providers take the suppress list only",
		                       formats[fmt]);
	if (cli->json && o.name == NULL)
		return cli_usage_error(cli, "--json: the export itself goes to stdout; name a FILE "
		                       "for it");
	if ((status = cli_open(cli)) != 0)
		return status;
	eo.format = formats[fmt];
	/* a backup without --stream must restore the unsubscribes of every stream */
	eo.stream = cli->stream != NULL || fmt >= LOSSLESS ? cli->stream : "*";
	eo.now = cli->now;
	if ((status = out_open(cli, &o)) != 0)
		return status;
	rc = quell_export(cli->h, o.f, &eo, &n);
	if (rc != 0) {
		status = o.name != NULL ? cli_fail_item(cli, o.name, rc) : cli_fail(cli, rc);
		out_close(cli, &o, 0);
		return status;
	}
	if ((status = out_close(cli, &o, 1)) != 0)
		return status;
	if (cli->json)
		return cli_json_put(cli, summary_json(&o, eo.format, n));
	if (!cli->quiet) {
		if (o.name != NULL)
			cli_warn(cli, "%s: %llu entr%s (format %s)", o.name, (unsigned long long)n,
			         n == 1 ? "y" : "ies", eo.format);
		else
			cli_warn(cli, "%llu entr%s (format %s)", (unsigned long long)n,
			         n == 1 ? "y" : "ies", eo.format);
	}
	return 0;
}
