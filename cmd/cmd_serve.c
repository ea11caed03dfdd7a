/*
 * cmd_serve.c - `quell serve`: the HTTP/JSON API (docs/http-api.md).
 *
 *   serve [--listen inet:HOST:PORT|unix:PATH]... [--tokens FILE]
 *         [--tls-cert FILE --tls-key FILE] [--threads N]
 *         [--max-connections N] [--max-body SIZE] [--max-header-size SIZE]
 *         [--idle-timeout DURATION] [--verbose]
 *         [--socketmap unix:PATH [--socketmap-owner U[:G]] [--socketmap-mode M]
 *          [--socketmap-fail-open]] [--user USER[:GROUP]] [--syslog]
 *
 * Listens on inet:127.0.0.1:8025 when no --listen is given; refuses an
 * address that is not loopback unless --tokens is given.  The database is
 * opened for writing (routes add and remove entries) and shared by every
 * worker thread; with --user, after root is given up.  The main thread
 * waits (serve_wait, serve_socketmap.c): accepts connections for MHD,
 * serves the Postfix socketmap, looks at the database file once a second
 * (a backup moved into place is reopened), SIGHUP reloads the rules and
 * the tokens and reopens the database, SIGTERM and SIGINT stop the server
 * (exit 0, unix sockets removed).  Log lines on stderr, or syslog with
 * --syslog.  This file: options and startup; the sockets are serve_net.c, HTTP serve_http.c, the routes
 * serve_route.c and the serve_*.c files it names.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

#define DEFAULT_LISTEN "inet:127.0.0.1:8025"
#define DEFAULT_MAX_CONNS 1024
#define DEFAULT_MAX_BODY ((size_t)64 << 20)
/* libmicrohttpd's memory per connection.  It zeroes all of it before
 * every request (at 32K some 7% of a GET /v1/check's CPU time), but it
 * also bounds the chunks of a streamed answer: at 16K, POST /v1/check
 * answered a quarter fewer addresses a second. */
#define DEFAULT_MAX_HEADER ((size_t)32 << 10)
#define DEFAULT_IDLE_S 60
#define DB_LOOK_MS 1000

enum {
	OPT_LISTEN = CLI_OPT_CMD,
	OPT_TOKENS,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_THREADS,
	OPT_MAX_CONNS,
	OPT_MAX_BODY,
	OPT_MAX_HEADER,
	OPT_IDLE,
	OPT_VERBOSE
};
enum { OPT_SM = CLI_OPT_CMD + 0x40 }; /* + SERVE_SM_*: serve_socketmap.c's */

static const struct option options[] = {
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "tokens", required_argument, NULL, OPT_TOKENS },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNS },
	{ "max-body", required_argument, NULL, OPT_MAX_BODY },
	{ "max-header-size", required_argument, NULL, OPT_MAX_HEADER },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "socketmap", required_argument, NULL, OPT_SM + SERVE_SM_SOCKETMAP },
	{ "socketmap-owner", required_argument, NULL, OPT_SM + SERVE_SM_OWNER },
	{ "socketmap-mode", required_argument, NULL, OPT_SM + SERVE_SM_MODE },
	{ "socketmap-fail-open", no_argument, NULL, OPT_SM + SERVE_SM_FAIL_OPEN },
	{ "user", required_argument, NULL, OPT_SM + SERVE_SM_USER },
	{ "syslog", no_argument, NULL, OPT_SM + SERVE_SM_SYSLOG },
	SERVE_WEBHOOK_OPTIONS /* serve_webhooks.c */
	CLI_GLOBAL_OPTIONS
};

/* The command table's entry (main.c): usage, summary and option help. */
const struct cli_cmd cli_cmd_serve = {
	.name = "serve",
	.fn = cmd_serve,
	.synopsis = "[--listen inet:HOST:PORT|unix:PATH]... [OPTION...]",
	.summary = "the HTTP/JSON API: check, stats, Prometheus /metrics",
	.options =
		"  --listen ADDR          inet:HOST:PORT ([::1]:PORT for IPv6; port 0: any\n"
		"                         free one, named in the startup line) or unix:PATH;\n"
		"                         repeatable (default inet:127.0.0.1:8025)\n"
		"  --tokens FILE          bearer tokens, 'TOKEN read|write' a line; needed\n"
		"                         to listen on an address that is not loopback;\n"
		"                         reloaded on SIGHUP\n"
		"  --tls-cert FILE        HTTPS with this PEM certificate (chain) ...\n"
		"  --tls-key FILE         ... and this PEM private key\n"
		"  --threads N            worker threads (default: the CPUs it may run on)\n"
		"  --max-connections N    clients at once (default 1024); a new one closes\n"
		"                         the longest-idle one\n"
		"  --max-body SIZE        request body limit, e.g. 512K, 64M (default 64M)\n"
		"  --max-header-size SIZE request line and headers (default 32K)\n"
		"  --idle-timeout D       close a client silent for D (default 60s)\n"
		"  --verbose              log every request\n"
		"  --socketmap unix:PATH  a Postfix socketmap there: map 'transport' answers\n"
		"                         error:5.1.1 for a suppressed recipient\n"
		"  --socketmap-owner U[:G] owner and group of its socket (Postfix's)\n"
		"  --socketmap-mode MODE  mode of its socket, octal (default 0660)\n"
		"  --socketmap-fail-open  NOTFOUND, not TEMP, when a check fails\n"
		"  --user USER[:GROUP]    run as USER once the sockets are made (as root)\n"
		"  --syslog               log to syslog (facility mail), not stderr\n"
		SERVE_WEBHOOK_HELP, /* serve_webhooks.c */
	.flags = CLI_WRITES | CLI_RULES,
};

void serve_info(struct serve *srv, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (srv->cli->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cli_log(srv->cli, LOG_INFO, "%s", msg);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Log what a reopen did (as policyd does). */
static void reopened(struct serve *srv, int rc, int changed, const char *why)
{
	if (rc != 0) {
		if (!srv->db_lost)
			cli_warn(srv->cli, "%s%s; requests fail until it is back", why,
			         quell_errmsg(srv->cli->h));
		srv->db_lost = 1;
		return;
	}
	if (*why != '\0')
		serve_info(srv, "%sdatabase reopened", why);
	else if (srv->db_lost)
		serve_info(srv, "the database is back; reopened");
	else if (changed)
		serve_info(srv, "the database file was replaced; reopened");
	srv->db_lost = 0;
}

void serve_look_at_db(struct serve *srv)
{
	int64_t now = mono_ms();
	int changed = 0, rc;

	if (now - srv->db_looked_ms < DB_LOOK_MS)
		return;
	srv->db_looked_ms = now;
	rc = quell_reopen(srv->cli->h, 0, &changed);
	reopened(srv, rc, changed, "");
}

void serve_reload(struct serve *srv)
{
	struct cli *cli = srv->cli;
	size_t n = 0;
	int changed = 0, rc;

	if (quell_rules_load(cli->h, srv->rules) != 0) {
		cli_warn(cli, "SIGHUP: %s; keeping the rules loaded before", quell_errmsg(cli->h));
	} else {
		quell_rules_count(cli->h, &n);
		serve_info(srv, "SIGHUP: rules reloaded from %s (%zu rules)",
		           srv->rules ? srv->rules : "<default rules>", n);
	}
	serve_tokens_load(srv, 0);
	srv->db_lost = 0;
	rc = quell_reopen(cli->h, QUELL_REOPEN_FORCE, &changed);
	srv->db_looked_ms = mono_ms();
	reopened(srv, rc, changed, "SIGHUP: ");
}

/* ------------------------------------------------------------- options */

static int parse_count(struct serve *srv, const char *opt, const char *s, unsigned long max,
                       unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < 1 || v > max)
		return cli_usage_error(srv->cli, "%s: a number, 1 to %lu: '%s'", opt, max, s);
	*out = v;
	return 0;
}

/* SIZE: bytes, or with K, M or G (powers of 1024), 1 KiB to 1 GiB. */
static int parse_size(struct serve *srv, const char *opt, const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift != 0)
		end++;
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v > (1ull << 30) ||
	    (v << shift) < 1024 || (v << shift) > (1ull << 30))
		return cli_usage_error(srv->cli, "%s: a size from 1K to 1G: '%s'", opt, s);
	*out = (size_t)(v << shift);
	return 0;
}

static int parse_idle(struct serve *srv, const char *s)
{
	int64_t sec;

	if (quell_duration_parse(s, &sec) != 0)
		return cli_usage_error(srv->cli, "--idle-timeout: not a duration: '%s'", s);
	srv->idle_s = sec > 0 && sec < 86400 * 365 ? (unsigned int)sec : 0;
	return 0;
}

static int option(struct serve *srv, int c)
{
	unsigned long v;
	int rc;

	switch (c) {
	case OPT_LISTEN:
		if (srv->nlisten == SERVE_LISTEN_MAX)
			return cli_usage_error(srv->cli, "--listen: at most %d", SERVE_LISTEN_MAX);
		srv->listen[srv->nlisten++].spec = optarg;
		return 0;
	case OPT_TOKENS: srv->tokens_path = optarg; return 0;
	case OPT_TLS_CERT: srv->tls_cert = optarg; return 0;
	case OPT_TLS_KEY: srv->tls_key = optarg; return 0;
	case OPT_THREADS:
		rc = parse_count(srv, "--threads", optarg, 256, &v);
		srv->threads = (unsigned int)v;
		return rc;
	case OPT_MAX_CONNS:
		rc = parse_count(srv, "--max-connections", optarg, 100000, &v);
		srv->max_conns = v;
		return rc;
	case OPT_MAX_BODY: return parse_size(srv, "--max-body", optarg, &srv->max_body);
	case OPT_MAX_HEADER: return parse_size(srv, "--max-header-size", optarg, &srv->max_header);
	case OPT_IDLE: return parse_idle(srv, optarg);
	case OPT_VERBOSE: srv->verbose = 1; return 0;
	}
	if (c >= SERVE_OPT_SENDGRID_KEY && c <= SERVE_OPT_POSTMARK_CREDS)
		return serve_webhooks_option(srv, c); /* serve_webhooks.c */
	if (c >= OPT_SM)
		return serve_sm_option(srv, c - OPT_SM, optarg);
	return 0;
}

static int options_of(struct serve *srv, int argc, char **argv)
{
	int c, status = 0;

	while ((c = cli_getopt(srv->cli, argc, argv, options, &status)) != -1) {
		if (c == CLI_STOP)
			return status == 0 ? -1 : status;
		if ((status = option(srv, c)) != 0)
			return status;
	}
	if (optind < argc)
		return cli_usage_error(srv->cli, "unexpected argument '%s'", argv[optind]);
	if (srv->cli->json)
		return cli_usage_error(srv->cli, "--json: serve answers JSON anyway");
	if (srv->cli->stream != NULL)
		return cli_usage_error(srv->cli, "--stream: give it per request (?stream=S)");
	if ((srv->tls_cert == NULL) != (srv->tls_key == NULL))
		return cli_usage_error(srv->cli, "--tls-cert and --tls-key go together");
	if (srv->nlisten == 0)
		srv->listen[srv->nlisten++].spec = DEFAULT_LISTEN;
	return serve_sm_ready(srv);
}

/* The whole of a PEM file, malloc'd into *out; 0 or an exit status. */
static int slurp(struct serve *srv, const char *opt, const char *path, char **out)
{
	FILE *f = fopen(path, "r");
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap);

	if (f == NULL || buf == NULL) {
		int e = errno;

		if (f != NULL)
			fclose(f);
		free(buf);
		cli_warn(srv->cli, "%s: %s: %s", opt, path, strerror(e));
		return e == ENOENT ? CLI_EX_NOINPUT : CLI_EX_IOERR;
	}
	for (;;) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1 || cap > (1u << 20))
			break;
		char *b = realloc(buf, cap *= 2);
		if (b == NULL)
			break;
		buf = b;
	}
	buf[n] = '\0';
	fclose(f);
	*out = buf;
	return 0;
}

/* Room for --max-connections sockets: the soft limit of open files
 * raised as far as the hard one allows; the startup says when it is
 * still short. */
static void raise_nofile(struct serve *srv)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)srv->max_conns * 2 + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < (rlim_t)srv->max_conns + 64)
		serve_info(srv, "--max-connections %zu: only %llu open files allowed",
		           srv->max_conns, (unsigned long long)rl.rlim_cur);
}

/* Everything before the wait: 0 or an exit status. */
static int startup(struct serve *srv)
{
	int status = 0;

	raise_nofile(srv);
	if (srv->tokens_path != NULL && (status = serve_tokens_load(srv, 1)) != 0)
		return status;
	if ((status = serve_webhooks_load(srv)) != 0) /* serve_webhooks.c */
		return status;
	if (srv->tls_cert != NULL &&
	    ((status = slurp(srv, "--tls-cert", srv->tls_cert, &srv->tls_cert_pem)) != 0 ||
	     (status = slurp(srv, "--tls-key", srv->tls_key, &srv->tls_key_pem)) != 0))
		return status;
	if ((status = serve_listen(srv)) != 0 || (status = serve_sm_listen(srv)) != 0)
		return status;
	for (size_t i = 0; i < srv->nlisten; i++)
		if (!srv->listen[i].loopback && srv->tokens_path == NULL) {
			cli_warn(srv->cli, "--listen %s: not a loopback address; give --tokens FILE "
			         "so that clients must show a token", srv->listen[i].spec);
			return CLI_EX_USAGE;
		}
	if ((status = serve_http_start(srv)) != 0)
		return status;
	for (size_t i = 0; i < srv->nlisten; i++)
		serve_info(srv, "listening on %s%s", srv->listen[i].where,
		           srv->tls_cert_pem != NULL ? " (TLS)" : "");
	return 0;
}

/* The CPUs this process may run on (taskset, cgroup cpusets), else the
 * machine's: the default number of worker threads.  More workers than
 * CPUs only take turns, and a request waits out the other's time slice. */
static long usable_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	return sysconf(_SC_NPROCESSORS_ONLN);
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
	struct serve *srv = calloc(1, sizeof *srv);
	long ncpu = usable_cpus();
	int status;

	if (srv == NULL)
		return cli_oom(cli);
	srv->cli = cli;
	srv->threads = ncpu > 0 && ncpu < 256 ? (unsigned int)ncpu : 2;
	srv->max_conns = DEFAULT_MAX_CONNS;
	srv->max_body = DEFAULT_MAX_BODY;
	srv->max_header = DEFAULT_MAX_HEADER;
	srv->idle_s = DEFAULT_IDLE_S;
	pthread_rwlock_init(&srv->tokens_lock, NULL);
	pthread_mutex_init(&srv->conns_lock, NULL);
	status = options_of(srv, argc, argv);
	if (status == 0 && serve_metrics_init(srv) != 0)
		status = cli_oom(cli);
	if (status == 0)
		status = cli_rules_path(cli, &srv->rules);
	/* a server checks all day: the library keeps a filter of the stored
	 * keys, and most checks never descend the trees (quell.3) */
	cli->open_flags |= QUELL_OPEN_FILTER;
	if (status == 0 && !serve_sm_user(srv))
		status = cli_open(cli);
	if (status == 0 && (status = startup(srv)) == 0) {
		srv->db_looked_ms = mono_ms();
		status = serve_wait(srv);
		serve_info(srv, "stopped");
	}
	serve_http_stop(srv);
	serve_unlisten(srv);
	serve_sm_free(srv);
	serve_tokens_free(srv);
	serve_metrics_free(srv);
	serve_webhooks_free(srv); /* serve_webhooks.c */
	free(srv->conns);
	free(srv->tls_cert_pem);
	free(srv->tls_key_pem);
	pthread_rwlock_destroy(&srv->tokens_lock);
	pthread_mutex_destroy(&srv->conns_lock);
	free(srv);
	return status < 0 ? CLI_EX_OK : status;
}
