/*
 * cmd_policyd.c - `quell policyd`: a Postfix SMTPD access policy
 * delegation server (Postfix's SMTPD_POLICY_README).
 *
 *   policyd --listen unix:PATH|inet:HOST:PORT [--socket-owner USER[:GROUP]]
 *           [--socket-mode MODE] [--reply KEY=TEMPLATE]... [--fail-open]
 *           [--max-connections N] [--idle-timeout DURATION] [--verbose]
 *           [--user USER[:GROUP]] [--syslog]
 *
 * A request in the RCPT state is answered with the verdict for its
 * recipient, through quell_check() as `quell check` does: a suppressed
 * recipient gets a 550 (5.1.1, or 5.7.1 for an unsubscribe or complaint),
 * anything else DUNNO, a backed-off one too unless --reply backoff=...
 * defers it; the texts come from templates (policy_reply.h).  The stream is --stream, else the
 * request's policy_context, else none.  A failed check answers 451 4.3.0
 * (DUNNO with --fail-open).  Never OK.
 *
 * The database is opened read-only; every check is one read transaction,
 * so writers (`record`, `ingest`) are seen at once.  At most once a
 * second, before an answer, the data file is compared with the one open
 * (quell_reopen): a backup moved into place, or the directory removed and
 * made again, is reopened, and a database gone makes checks fail (451, or
 * DUNNO with --fail-open) until it is back; one log line each.  SIGHUP
 * reloads the rules file and reopens the database; SIGTERM and SIGINT stop
 * the server cleanly (exit 0, the unix socket removed).  Log lines go to
 * stderr, one per event: startup, reload, reopen, stop, failures, refused
 * requests, and with --verbose every connection and answer; with --syslog
 * they go to syslog (daemon.c).  With --user, root is given up once the
 * socket is made, and the database is opened after that, as the user.
 * This file: options, answers and log lines; the socket is policyd_net.c,
 * the event loop policyd_loop.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <syslog.h>

#include "daemon.h"
#include "policyd.h"

#define DEFAULT_MODE 0660
#define DEFAULT_MAX_CONNS 512
#define DEFAULT_IDLE_MS (600 * 1000)
#define DB_LOOK_MS 1000 /* how often the database file is looked at */

enum {
	OPT_LISTEN = CLI_OPT_CMD,
	OPT_OWNER,
	OPT_MODE,
	OPT_REPLY,
	OPT_FAIL_OPEN,
	OPT_MAX_CONNS,
	OPT_IDLE,
	OPT_VERBOSE,
	OPT_USER,
	OPT_SYSLOG
};

static const struct option options[] = {
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "socket-owner", required_argument, NULL, OPT_OWNER },
	{ "socket-mode", required_argument, NULL, OPT_MODE },
	{ "reply", required_argument, NULL, OPT_REPLY },
	{ "fail-open", no_argument, NULL, OPT_FAIL_OPEN },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNS },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "syslog", no_argument, NULL, OPT_SYSLOG },
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_policyd = {
	.name = "policyd",
	.fn = cmd_policyd,
	.synopsis = "--listen unix:PATH|inet:HOST:PORT [OPTION...]",
	.summary = "a Postfix policy server answering smtpd's recipient checks",
	.options =
		"  --listen ADDR        unix:PATH, or inet:HOST:PORT ([::1]:PORT for IPv6;\n"
		"                       port 0: any free one, named in the startup line)\n"
		"  --socket-owner U[:G] owner and group of the unix socket (smtpd runs as\n"
		"                       postfix)\n"
		"  --socket-mode MODE   mode of the unix socket, octal (default 0660)\n"
		"  --reply KEY=TEMPLATE the answer for KEY: suppress, unsubscribe, complaint,\n"
		"                       backoff, error, suppress:CATEGORY, backoff:CATEGORY;\n"
		"                       TEMPLATE '5NN X.Y.Z text', REJECT, DEFER_IF_PERMIT...\n"
		"                       or DUNNO, with {category} {source} {rule} {until}...\n"
		"  --fail-open          answer DUNNO, not 451 4.3.0, when a check fails\n"
		"  --max-connections N  clients served at once (default 512)\n"
		"  --idle-timeout D     close a client silent for D (default 10m; forever)\n"
		"  --verbose            log every connection and answer\n"
		"  --user USER[:GROUP]  run as USER once the socket is made (started as root)\n"
		"  --syslog             log to syslog (facility mail), not stderr\n",
	.flags = CLI_RULES,
};

void policyd_info(struct policyd *pd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (pd->cli->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cli_log(pd->cli, LOG_INFO, "%s", msg);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Log what a reopen did: one line when the database changed or was lost,
 * nothing more while it stays lost. */
static void reopened(struct policyd *pd, int rc, int changed, const char *why)
{
	struct cli *cli = pd->cli;

	if (rc != 0) {
		if (!pd->db_lost)
			cli_warn(cli, "%s%s; checks fail until it is back", why, quell_errmsg(cli->h));
		pd->db_lost = 1;
		return;
	}
	if (*why != '\0')
		policyd_info(pd, "%sdatabase reopened", why);
	else if (pd->db_lost)
		policyd_info(pd, "the database is back; reopened");
	else if (changed)
		policyd_info(pd, "the database file was replaced; reopened");
	pd->db_lost = 0;
}

/* At most once a second, before an answer: is the database file still
 * the one open?  A backup moved into place, or the directory removed and
 * made again, is reopened (one stat(2) when nothing changed). */
static void look_at_db(struct policyd *pd)
{
	int64_t now = mono_ms();
	int changed = 0, rc;

	if (now - pd->db_looked_ms < DB_LOOK_MS)
		return;
	pd->db_looked_ms = now;
	rc = quell_reopen(pd->cli->h, 0, &changed);
	reopened(pd, rc, changed, "");
}

/* The answer the loop runs for each request: the verdict, as an action
 * line. */
static size_t answer(struct policyd *pd, const void *req_, unsigned long id, char *out)
{
	const struct policy_req *req = req_;
	struct policy_answer a;
	struct cli *cli = pd->cli;
	int n;

	look_at_db(pd);
	if (policy_answer(cli->h, req, &pd->replies, cli->stream, cli->now,
	                  pd->fail_open, &a) != 0) {
		cli_warn(cli, "client %lu: request refused: %s; closed without a reply", id,
		         a.error);
		return 0;
	}
	if (a.failed)
		cli_warn(cli, "client %lu: %s: cannot check: %s; answered %s", id, a.recipient,
		         a.error, a.action);
	else if (pd->verbose && a.checked)
		policyd_info(pd, "client %lu: %s%s%s: %s%s%s%s: %s", id, a.recipient,
		             a.stream ? " stream=" : "", a.stream ? a.stream : "",
		             quell_verdict_name(a.res.verdict), a.res.error[0] ? " (" : "",
		             a.res.error, a.res.error[0] ? ")" : "", a.action);
	else if (pd->verbose)
		policyd_info(pd, "client %lu: %s: %s", id,
		             a.recipient != NULL ? "empty recipient" : "not checked", a.action);
	n = snprintf(out, POLICYD_ANSWER_MAX, "action=%s\n\n", a.action);
	return n > 0 && (size_t)n < POLICYD_ANSWER_MAX ? (size_t)n : 0;
}

/* The protocol's other parts, for the loop. */
static void reset(void *req)
{
	policy_req_reset(req);
}

static int feed(void *req, const char *data, size_t n, size_t *used)
{
	return policy_req_feed(req, data, n, used);
}

static int partial(const void *req)
{
	return policy_req_partial(req);
}

static void refused(struct policyd *pd, const void *req_, unsigned long id)
{
	const struct policy_req *req = req_;

	cli_warn(pd->cli, "client %lu: malformed request, line %zu: %s; closed without a reply",
	         id, req->lineno, req->error);
}

static const struct policyd_proto policy_proto = {
	sizeof(struct policy_req), POLICYD_ANSWER_MAX, reset, feed, partial, refused, answer,
};

void policyd_reload(struct policyd *pd)
{
	struct cli *cli = pd->cli;
	size_t n = 0;
	int changed = 0, rc;

	if (quell_rules_load(cli->h, pd->rules) != 0) {
		cli_warn(cli, "SIGHUP: %s; keeping the rules loaded before", quell_errmsg(cli->h));
	} else {
		quell_rules_count(cli->h, &n);
		policyd_info(pd, "SIGHUP: rules reloaded from %s (%zu rules)",
		             pd->rules ? pd->rules : "<default rules>", n);
	}
	pd->db_lost = 0; /* say what this reopen finds */
	rc = quell_reopen(cli->h, QUELL_REOPEN_FORCE, &changed);
	pd->db_looked_ms = mono_ms();
	reopened(pd, rc, changed, "SIGHUP: ");
}

static int parse_mode(struct policyd *pd, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 8);
	if (*s < '0' || *s > '7' || *end != '\0' || errno != 0 || v > 0777)
		return cli_usage_error(pd->cli, "--socket-mode: an octal mode, 0 to 0777: '%s'", s);
	pd->mode = (mode_t)v;
	return 0;
}

static int parse_count(struct policyd *pd, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < 1 || v > 100000)
		return cli_usage_error(pd->cli, "--max-connections: a number, 1 to 100000: '%s'",
		                       s);
	pd->max_conns = v;
	return 0;
}

static int parse_idle(struct policyd *pd, const char *s)
{
	int64_t sec;

	if (quell_duration_parse(s, &sec) != 0 || sec > INT64_MAX / 1000)
		return cli_usage_error(pd->cli, "--idle-timeout: not a duration: '%s'", s);
	pd->idle_ms = sec * 1000;
	return 0;
}

static int options_of(struct policyd *pd, int argc, char **argv, int *mode_given,
                      struct daemon_user *user, int *use_syslog)
{
	char err[256];
	int c, status = 0;

	while ((c = cli_getopt(pd->cli, argc, argv, options, &status)) != -1) {
		switch (c) {
		case CLI_STOP:
			return status == 0 ? -1 : status;
		case OPT_LISTEN: pd->listen = optarg; break;
		case OPT_OWNER: pd->owner = optarg; break;
		case OPT_MODE: status = parse_mode(pd, optarg); *mode_given = 1; break;
		case OPT_REPLY:
			if (policy_reply_set(&pd->replies, optarg, err, sizeof err) != 0)
				status = cli_usage_error(pd->cli, "--reply: %s", err);
			break;
		case OPT_FAIL_OPEN: pd->fail_open = 1; break;
		case OPT_MAX_CONNS: status = parse_count(pd, optarg); break;
		case OPT_IDLE: status = parse_idle(pd, optarg); break;
		case OPT_VERBOSE: pd->verbose = 1; break;
		case OPT_USER: status = daemon_user_parse(pd->cli, optarg, user); break;
		case OPT_SYSLOG: *use_syslog = 1; break;
		}
		if (status != 0)
			return status;
	}
	if (optind < argc)
		return cli_usage_error(pd->cli, "unexpected argument '%s'", argv[optind]);
	if (pd->listen == NULL)
		return cli_usage_error(pd->cli, "--listen is required");
	if (pd->cli->json)
		return cli_usage_error(pd->cli, "--json: policyd writes no output");
	if (pd->cli->stream != NULL && pd->cli->stream[0] != '\0' &&
	    !quell_name_valid(pd->cli->stream))
		return cli_usage_error(pd->cli, "--stream: '%s' is not a name of [a-z0-9._-]",
		                       pd->cli->stream);
	if ((status = policyd_parse_listen(pd)) < 0)
		return -status;
	if (status == 0 && (pd->owner != NULL || *mode_given))
		return cli_usage_error(pd->cli, "--socket-owner and --socket-mode: only for "
		                       "a unix: socket");
	if (pd->owner != NULL)
		return policyd_owner(pd, pd->owner);
	return 0;
}

int cmd_policyd(struct cli *cli, int argc, char **argv)
{
	struct policyd *pd = calloc(1, sizeof *pd);
	struct daemon_user user = { 0 };
	int status, mode_given = 0, use_syslog = 0;

	if (pd == NULL)
		return cli_oom(cli);
	pd->cli = cli;
	pd->hup = policyd_reload;
	pd->lfd = -1;
	pd->mode = DEFAULT_MODE;
	pd->uid = (uid_t)-1;
	pd->gid = (gid_t)-1;
	pd->max_conns = DEFAULT_MAX_CONNS;
	pd->idle_ms = DEFAULT_IDLE_MS;
	policy_reply_init(&pd->replies);
	status = options_of(pd, argc, argv, &mode_given, &user, &use_syslog);
	if (status == 0 && use_syslog)
		daemon_syslog(cli);
	if (status == 0)
		status = cli_rules_path(cli, &pd->rules);
	/* with --user, the database is opened by the user, after the drop */
	if (status == 0 && user.spec == NULL)
		status = cli_open(cli);
	if (status == 0)
		status = policyd_listen(pd);
	if (status == 0 && user.spec != NULL && (status = daemon_user_drop(cli, &user)) == 0)
		status = cli_open(cli);
	if (status == 0) {
		policyd_info(pd, "listening on %s%s", pd->where,
		             pd->fail_open ? " (--fail-open)" : "");
		status = policyd_run(pd, &policy_proto);
		policyd_info(pd, "stopped");
	}
	policyd_unlisten(pd);
	free(pd);
	return status < 0 ? CLI_EX_OK : status;
}
