/*
 * cli.c - the parts every command shares: global options among a command's
 * arguments, finding and opening the database, finding and loading the
 * rules, and turning QUELL_E* codes into sysexits(3) exit statuses and
 * "quell: COMMAND: message" lines; the checks of --stream and durations;
 * "did you mean" for a mistyped option; removing again a database
 * that a command which added nothing had to create (cli_discard_new); and
 * the one place signal handlers are set up (cli_signals); the time an
 * event from outside is recorded at (cli_event_time).
 *
 * Knows nothing of any one command, nor of how the library stores data.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MSG_MAX 2048
#define SYSTEM_RULES "/etc/quell/rules.yaml"

/* "quell: " or "quell: COMMAND: " */
static void prefix(const struct cli *cli)
{
	if (cli->cmd != NULL)
		fprintf(stderr, "quell: %s: ", cli->cmd->name);
	else
		fputs("quell: ", stderr);
}

/* --syslog: one line, escaped as on stderr, at priority prio. */
static void to_syslog(const struct cli *cli, int prio, const char *msg)
{
	char enc[MSG_MAX * 3 + 1];
	FILE *f = fmemopen(enc, sizeof enc, "w");

	if (f == NULL)
		return;
	cli_put_enc(f, msg, CLI_ENC_FIELD);
	fputc('\0', f);
	fclose(f);
	enc[sizeof enc - 1] = '\0'; /* cut when full */
	syslog(prio, "%s%s%s", cli->cmd ? cli->cmd->name : "", cli->cmd ? ": " : "", enc);
}

static void vwarn_at(const struct cli *cli, int prio, const char *fmt, va_list ap)
{
	char msg[MSG_MAX];
	int n = vsnprintf(msg, sizeof msg, fmt, ap);

	if (n < 0)
		snprintf(msg, sizeof msg, "%s", fmt);
	else if ((size_t)n >= sizeof msg)
		memcpy(msg + sizeof msg - 4, "...", 4);
	if (cli->syslog) {
		to_syslog(cli, prio, msg);
		return;
	}
	prefix(cli);
	cli_put_enc(stderr, msg, CLI_ENC_FIELD);
	fputc('\n', stderr);
}

static void vwarn(const struct cli *cli, const char *fmt, va_list ap)
{
	vwarn_at(cli, LOG_WARNING, fmt, ap);
}

void cli_log(struct cli *cli, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(cli, prio, fmt, ap);
	va_end(ap);
}

void cli_warn(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(cli, fmt, ap);
	va_end(ap);
}

int cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(cli, fmt, ap);
	va_end(ap);
	cli_usage(stderr, cli->cmd);
	return CLI_EX_USAGE;
}

int cli_status(int code)
{
	switch (code) {
	case QUELL_OK: return CLI_EX_OK;
	case QUELL_EADDRESS:
	case QUELL_EDATA: return CLI_EX_DATAERR;
	case QUELL_ENODB:
	case QUELL_ENOTFOUND: return CLI_EX_NOINPUT;
	case QUELL_EIO:
	case QUELL_EDB:
	case QUELL_EREADONLY: return CLI_EX_IOERR;
	case QUELL_EINVAL: return CLI_EX_USAGE; /* a bad value from the command line */
	case QUELL_ENOMEM:
	case QUELL_EINTERNAL:
	default: return CLI_EX_SOFTWARE;
	}
}

static const char *message(const struct cli *cli, int code)
{
	const char *m = cli->h != NULL ? quell_errmsg(cli->h) : NULL;

	return m != NULL && *m != '\0' ? m : quell_strerror(code);
}

int cli_fail(struct cli *cli, int code)
{
	cli_warn(cli, "%s", message(cli, code));
	return cli_status(code);
}

int cli_oom(struct cli *cli)
{
	cli_warn(cli, "%s", quell_strerror(QUELL_ENOMEM));
	return CLI_EX_SOFTWARE;
}

int cli_fail_item(struct cli *cli, const char *item, int code)
{
	cli_warn(cli, "%s: %s", item, message(cli, code));
	return cli_status(code);
}

/* The message for an option getopt refused; argv[optind - 1] is the word
 * that held it.  An unknown long option near a known one (a typo) gets a
 * "did you mean". */
static int bad_option(struct cli *cli, int c, int argc, char **argv,
                      const struct option *longopts)
{
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *guess = NULL;
	unsigned best = 10;

	if (optopt != 0 && strncmp(word, "--", 2) != 0)
		word = shortopt;
	if (c == ':')
		return cli_usage_error(cli, "option '%s' needs a value", word);
	if (strncmp(word, "--", 2) == 0 && word[2] != '\0') {
		size_t n = strcspn(word + 2, "="); /* --strem=x: the name */

		for (const struct option *o = longopts; o->name != NULL; o++) {
			unsigned d = cli_distance(o->name, word + 2, n);

			if (d < best && cli_near(d, o->name)) {
				best = d;
				guess = o->name;
			}
		}
	}
	if (guess != NULL)
		return cli_usage_error(cli, "unknown option '%.*s'; did you mean '--%s'?",
		                       (int)(strcspn(word, "=")), word, guess);
	return cli_usage_error(cli, "unknown option '%s'", word);
}

/* A size in bytes: digits, then K, M, G or T (powers of 1024) or nothing;
 * at least 1.  0, or -1 when it is not one or does not fit a size_t. */
static int parse_size(const char *s, size_t *out)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	const char *u;
	char *end;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || v == 0)
		return -1;
	if (*end != '\0') {
		if (end[1] != '\0' || (u = strchr(units, end[0])) == NULL)
			return -1;
		shift = 10 * (int)(u - units + 1);
	}
	if (v > (unsigned long long)SIZE_MAX >> shift)
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

int cli_getopt(struct cli *cli, int argc, char **argv, const struct option *longopts,
               int *status)
{
	const char *shortopts =
		cli->cmd != NULL && !(cli->cmd->flags & CLI_GROUP) ? ":qhV" : "+:qhV";
	int c;

	for (;;) {
		c = getopt_long(argc, argv, shortopts, longopts, NULL);
		switch (c) {
		case 'q': cli->quiet = 1; break;
		case CLI_OPT_DB: cli->db = optarg; break;
		case CLI_OPT_RULES: cli->rules = optarg; break;
		case CLI_OPT_STREAM:
			if (strcmp(optarg, "*") != 0 && !quell_stream_valid(optarg)) {
				*status = cli_usage_error(cli, "--stream: '%s' is not a stream name: "
				                          CLI_STREAM_RULE, optarg);
				return CLI_STOP;
			}
			cli->stream = optarg;
			break;
		case CLI_OPT_JSON: cli->json = 1; break;
		case CLI_OPT_PORCELAIN: cli->porcelain = 1; break;
		case CLI_OPT_MAX_DB_SIZE:
			if (parse_size(optarg, &cli->max_db_size) != 0) {
				*status = cli_usage_error(cli, "--max-db-size: not a size: '%s' (bytes, "
				                          "or a number with K, M, G or T)", optarg);
				return CLI_STOP;
			}
			break;
		case CLI_OPT_NOW:
			if (quell_time_parse(optarg, &cli->now) != 0) {
				*status = cli_usage_error(cli, "--now: not a time: '%s'", optarg);
				return CLI_STOP;
			}
			break;
		case 'h':
		case CLI_OPT_HELP:
			cli_help(stdout, cli->cmd);
			*status = CLI_EX_OK;
			return CLI_STOP;
		case 'V':
		case CLI_OPT_VERSION:
			printf("quell %s\n", quell_version());
			*status = CLI_EX_OK;
			return CLI_STOP;
		case '?':
		case ':':
			*status = bad_option(cli, c, argc, argv, longopts);
			return CLI_STOP;
		default:
			return c;
		}
	}
}

/* Whether s has a duration's shape (digits and units), whatever its size. */
static int duration_shape(const char *s)
{
	size_t n = strspn(s, "0123456789");

	while (n > 0) {
		s += n;
		if (*s == '\0')
			return 1;
		if (strchr("smhdwy", *s) == NULL)
			return 0;
		n = strspn(++s, "0123456789");
	}
	return *s == '\0' && s[-1] != '\0';
}

int cli_duration(struct cli *cli, const char *opt, const char *text, int64_t *out)
{
	if (quell_duration_parse(text, out) == 0)
		return 0;
	if (duration_shape(text) && strpbrk(text, "123456789") != NULL)
		return cli_usage_error(cli, "%s: '%s' is too long: at most 100y (or forever)", opt,
		                       text);
	return cli_usage_error(cli, "%s: not a duration: '%s'", opt, text);
}

static int join(struct cli *cli, char *buf, size_t size, const char *dir, const char *sub)
{
	int n = snprintf(buf, size, "%s%s", dir, sub);

	if (n < 0 || (size_t)n >= size) {
		cli_warn(cli, "database path too long: %s%s", dir, sub);
		return CLI_EX_USAGE;
	}
	return 0;
}

int cli_db_path(struct cli *cli, char *buf, size_t size)
{
	const char *env;
	struct stat st;

	if (cli->db != NULL) {
		if (*cli->db == '\0')
			return cli_usage_error(cli, "--db: empty directory name");
		return join(cli, buf, size, cli->db, "");
	}
	env = getenv("QUELL_DB");
	if (env != NULL && *env != '\0')
		return join(cli, buf, size, env, "");
	if (stat("/var/lib/quell", &st) == 0 && S_ISDIR(st.st_mode))
		return join(cli, buf, size, "/var/lib/quell", "");
	/* XDG Base Directory: a relative XDG_DATA_HOME is ignored */
	env = getenv("XDG_DATA_HOME");
	if (env != NULL && *env == '/')
		return join(cli, buf, size, env, "/quell");
	env = getenv("HOME");
	if (env != NULL && *env != '\0')
		return join(cli, buf, size, env, "/.local/share/quell");
	cli_warn(cli, "no database directory: use --db DIR or set QUELL_DB");
	return CLI_EX_USAGE;
}

int cli_rules_path(struct cli *cli, const char **path)
{
	const char *env;
	struct stat st;

	*path = NULL;
	if (cli->rules != NULL) {
		if (*cli->rules == '\0')
			return cli_usage_error(cli, "--rules: empty file name");
		*path = cli->rules;
		return 0;
	}
	env = getenv("QUELL_RULES");
	if (env != NULL && *env != '\0')
		*path = env;
	else if (stat(SYSTEM_RULES, &st) == 0)
		*path = SYSTEM_RULES;
	return 0;
}

/* Whether dir is an empty directory (1) or missing (2, and *made the
 * topmost missing directory of its path, malloc'd); 0 otherwise, or when
 * out of memory (then nothing is ever removed). */
static int fresh_dir(const char *dir, char **made)
{
	struct dirent *de;
	struct stat st;
	char *cur, *slash;
	DIR *d;
	int n = 0;

	*made = NULL;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || (d = opendir(dir)) == NULL)
			return 0;
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
				n++;
		closedir(d);
		return n == 0;
	}
	if (errno != ENOENT || (cur = strdup(dir)) == NULL)
		return 0;
	for (;;) { /* up the path while the parent is missing too */
		int parent;

		for (size_t len = strlen(cur); len > 1 && cur[len - 1] == '/'; len--)
			cur[len - 1] = '\0';
		slash = strrchr(cur, '/');
		if (slash == NULL || slash == cur)
			break;
		*slash = '\0';
		parent = stat(cur, &st) == 0;
		if (parent) {
			*slash = '/';
			break;
		}
	}
	*made = cur;
	return 2;
}

/* Close the handle and remove the database cli_open() created (see
 * cli_discard_new); 1 when there was one. */
static int discard(struct cli *cli)
{
	struct dirent *de;
	char path[4200];
	DIR *d;

	if (!cli->fresh || cli->fresh_dir == NULL)
		return 0;
	quell_close(cli->h);
	cli->h = NULL;
	if ((d = opendir(cli->fresh_dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
			    snprintf(path, sizeof path, "%s/%s", cli->fresh_dir, de->d_name) <
			            (int)sizeof path)
				unlink(path);
		closedir(d);
	}
	if (cli->fresh == 2 && cli->fresh_made != NULL) {
		/* the directories made, from the database's up to the topmost */
		size_t top = strlen(cli->fresh_made);
		char *slash;

		snprintf(path, sizeof path, "%s", cli->fresh_dir);
		for (size_t len = strlen(path); len > 1 && path[len - 1] == '/'; len--)
			path[len - 1] = '\0'; /* as fresh_dir() saw it */
		while (strlen(path) >= top && rmdir(path) == 0 && (slash = strrchr(path, '/')) != NULL)
			*slash = '\0';
	}
	return 1;
}

int cli_discard_new(struct cli *cli)
{
	if (!discard(cli))
		return 0;
	cli_warn(cli, "no database in %s: nothing was added, so none was created",
	         cli->fresh_dir);
	return CLI_EX_NOINPUT;
}

void cli_free(struct cli *cli)
{
	free(cli->fresh_dir);
	free(cli->fresh_made);
	cli->fresh_dir = cli->fresh_made = NULL;
	cli->fresh = 0;
}

int cli_open(struct cli *cli)
{
	struct quell_options opts = QUELL_OPTIONS_INIT;
	unsigned int flags = cli->cmd->flags;
	const char *rules = NULL;
	char dir[4096];
	int status, rc;

	opts.max_db_size = cli->max_db_size;
	/* a usage error before anything is opened or created */
	if ((flags & CLI_RULES) && (status = cli_rules_path(cli, &rules)) != 0)
		return status;
	if (!(flags & (CLI_NODB | CLI_ALLSTREAMS)) && cli->stream != NULL &&
	    strcmp(cli->stream, "*") == 0)
		return cli_usage_error(cli, "--stream '*' (every stream): only list and export "
		                       "take it; name one stream");
	if (flags & CLI_NODB) {
		opts.flags = QUELL_OPEN_NODB;
		rc = quell_open(NULL, &opts, &cli->h);
	} else {
		status = cli_db_path(cli, dir, sizeof dir);
		if (status != 0)
			return status;
		if (!(flags & CLI_WRITES)) {
			opts.flags = QUELL_OPEN_READONLY;
		} else if (!(flags & CLI_NOCREATE)) {
			opts.flags = QUELL_OPEN_CREATE;
			cli_free(cli);
			cli->fresh = fresh_dir(dir, &cli->fresh_made);
			if (cli->fresh && (cli->fresh_dir = strdup(dir)) == NULL)
				cli->fresh = 0;
		}
		/* a database made here takes its host id (docs/fleet.md) from
		 * $QUELL_HOST_ID, else the host name */
		if (cli->fresh && getenv("QUELL_HOST_ID") != NULL && *getenv("QUELL_HOST_ID"))
			opts.origin = getenv("QUELL_HOST_ID");
		opts.flags |= cli->open_flags;
		rc = quell_open(dir, &opts, &cli->h);
	}
	if (rc == 0 && (flags & CLI_RULES))
		rc = quell_rules_load(cli->h, rules);
	if (rc != 0) {
		status = cli_fail(cli, rc);
		discard(cli); /* a bad rules file leaves no new database behind */
		return status;
	}
	return 0;
}

/* ------------------------------------------------------ command groups */

int cli_group(struct cli *cli, int argc, char **argv, const struct cli_cmd *subs,
              const char *names)
{
	static const struct option globals[] = { CLI_GLOBAL_OPTIONS };
	size_t plen = strlen(cli->cmd->name) + 1; /* "rules " */
	const struct cli_cmd *sub;
	int c, first, status = 0;

	/* options up to the subcommand (CLI_GROUP) */
	while ((c = cli_getopt(cli, argc, argv, globals, &status)) != -1)
		if (c == CLI_STOP)
			return status;
	if (optind >= argc)
		return cli_usage_error(cli, "no subcommand given: %s", names);
	first = optind;
	for (sub = subs; sub->name != NULL; sub++)
		if (strcmp(sub->name + plen, argv[first]) == 0)
			break;
	if (sub->name == NULL) {
		const char *guess = cli_guess_command(argv[first], subs, plen);

		if (guess != NULL)
			return cli_usage_error(cli, "unknown subcommand '%s'; did you mean '%s'?",
			                       argv[first], guess);
		return cli_usage_error(cli, "unknown subcommand '%s': %s", argv[first], names);
	}
	cli->cmd = sub;
	optind = 0; /* glibc: start afresh, at argv[1] of the subcommand */
	return sub->fn(cli, argc - first, argv + first);
}

/* --------------------------------------------------------------- signals */

void cli_signals(int on, const struct cli_signal *sigs, size_t n, struct sigaction *old)
{
	struct sigaction sa;

	for (size_t i = 0; i < n; i++) {
		if (!on) {
			sigaction(sigs[i].sig, &old[i], NULL);
			continue;
		}
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = sigs[i].handler;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i].sig, &sa, &old[i]);
		/* ignored when we started: stays so */
		if (sigs[i].keep_ignored && old[i].sa_handler == SIG_IGN)
			sigaction(sigs[i].sig, &old[i], NULL);
	}
}

void cli_catch_signals(int on, void (*handler)(int), struct sigaction old[2])
{
	const struct cli_signal sigs[2] = { { SIGINT, handler, 1 }, { SIGTERM, handler, 1 } };

	cli_signals(on, sigs, 2, old);
}

int64_t cli_event_time(int64_t t, int64_t now)
{
	return t != 0 && t <= (now != 0 ? now : (int64_t)time(NULL)) ? t : now;
}
