/*
 * cmd_sync.c - `quell sync`: share this database with a fleet through NATS
 * JetStream (docs/fleet.md).
 *
 *   sync --nats URL[,URL...] [--subject-prefix P] [--stream NAME] [--init]
 *        [--replicas N] [--max-age DURATION] [--max-wait DURATION] [--once]
 *        [--host-id ID] [--verbose]
 *
 * One long-running process per host: a publisher thread (sync_pub.c) sends
 * this host's shared events to P.events.HOST, an applier thread
 * (sync_sub.c) applies every other host's from the stream.  Both keep
 * their positions in the database, so a restart resumes exactly.  NATS
 * unreachable: the client reconnects for ever, local work goes on.  --init
 * creates the stream if it is missing (subjects P.events.>, file storage,
 * --replicas, retention --max-age, a 120 s duplicate window, or --max-age
 * when shorter).  SIGTERM and
 * SIGINT stop it cleanly (exit 0).  --once stops when this host's events
 * are acknowledged and the stream's are applied (tests, cron).
 *
 * Exit: 0; 64 usage; 65 the stream lost events this host never applied
 * (bootstrap it from a peer's backup); 69 (EX_UNAVAILABLE) --init could
 * not reach NATS; 74 a database error.  This file: options, connection,
 * stream set-up, threads and signals.
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync.h"

#define EX_UNAVAILABLE 69
#define URLS_MAX 16
#define DUP_WINDOW_NS (INT64_C(120) * 1000000000)

enum {
	OPT_NATS = CLI_OPT_CMD,
	OPT_PREFIX,
	OPT_STREAMNAME,
	OPT_INIT,
	OPT_REPLICAS,
	OPT_MAX_AGE,
	OPT_MAX_WAIT,
	OPT_ONCE,
	OPT_VERBOSE,
	OPT_HOST_ID
};

static const struct option options[] = {
	{ "nats", required_argument, NULL, OPT_NATS },
	{ "subject-prefix", required_argument, NULL, OPT_PREFIX },
	{ "stream", required_argument, NULL, OPT_STREAMNAME }, /* before the global one */
	{ "init", no_argument, NULL, OPT_INIT },
	{ "replicas", required_argument, NULL, OPT_REPLICAS },
	{ "max-age", required_argument, NULL, OPT_MAX_AGE },
	{ "max-wait", required_argument, NULL, OPT_MAX_WAIT },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "host-id", required_argument, NULL, OPT_HOST_ID },
	CLI_GLOBAL_OPTIONS
};

const struct cli_cmd cli_cmd_sync = {
	.name = "sync",
	.fn = cmd_sync,
	.synopsis = "--nats URL[,URL...] [OPTION...]",
	.summary = "share this database with a fleet through NATS JetStream",
	.options =
		"  --nats URLS          NATS servers, nats://HOST:PORT, comma-separated\n"
		"  --subject-prefix P   subjects P.events.HOST (default quell)\n"
		"  --stream NAME        the JetStream stream (default QUELL; here not a\n"
		"                       mail stream: sync shares them all)\n"
		"  --init               create the stream if it is missing\n"
		"  --replicas N         --init: copies of the stream (default 3 with three\n"
		"                       or more servers, else 1)\n"
		"  --max-age D          --init: how long the stream keeps events (default 7d)\n"
		"  --max-wait D         wait for each publish's acknowledgement (default 5s)\n"
		"  --once               stop when caught up, both ways\n"
		"  --host-id ID         store ID as this database's host id first (a host\n"
		"                       made from a peer's backup)\n"
		"  --verbose            log every batch\n",
	.flags = CLI_WRITES,
};

void sync_log(struct sync *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (s->cli->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&s->lock);
	cli_warn(s->cli, "%s", msg);
	pthread_mutex_unlock(&s->lock);
}

void sync_fatal(struct sync *s, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&s->lock);
	cli_warn(s->cli, "%s", msg);
	if (s->status == 0)
		s->status = status;
	pthread_mutex_unlock(&s->lock);
	atomic_store(&s->stop, 1);
}

int sync_sleep(struct sync *s, int64_t ms)
{
	while (ms > 0 && !atomic_load(&s->stop)) {
		int64_t step = ms > 50 ? 50 : ms;
		struct timespec ts = { 0, (long)step * 1000000L };

		nanosleep(&ts, NULL);
		ms -= step;
	}
	return atomic_load(&s->stop);
}

/* Split the comma-separated URLs (in place). */
static int split_urls(char *list, const char **urls, int *n)
{
	*n = 0;
	for (char *p = strtok(list, ","); p != NULL; p = strtok(NULL, ",")) {
		if (*n == URLS_MAX)
			return -1;
		urls[(*n)++] = p;
	}
	return *n > 0 ? 0 : -1;
}

static natsStatus connect_nats(struct sync *s, const char **urls, int n)
{
	natsOptions *o = NULL;
	jsOptions jo;
	char name[SYNC_NAME_MAX];
	natsStatus st;

	snprintf(name, sizeof name, "quell sync %s", quell_origin(s->cli->h));
	if ((st = natsOptions_Create(&o)) != NATS_OK)
		return st;
	if ((st = natsOptions_SetServers(o, urls, n)) == NATS_OK &&
	    (st = natsOptions_SetName(o, name)) == NATS_OK &&
	    (st = natsOptions_SetMaxReconnect(o, -1)) == NATS_OK &&
	    (st = natsOptions_SetReconnectWait(o, 500)) == NATS_OK &&
	    (st = natsOptions_SetRetryOnFailedConnect(o, true, NULL, NULL)) == NATS_OK) {
		st = natsConnection_Connect(&s->nc, o);
		if (st == NATS_NOT_YET_CONNECTED)
			st = NATS_OK; /* it goes on trying */
	}
	natsOptions_Destroy(o);
	if (st != NATS_OK)
		return st;
	jsOptions_Init(&jo);
	jo.PublishAsync.MaxPending = 4096;
	jo.PublishAsync.ErrHandler = sync_pub_error;
	jo.PublishAsync.ErrHandlerClosure = s;
	return natsConnection_JetStream(&s->js, s->nc, &jo);
}

/* --init: the stream, unless it is there. */
static int init_stream(struct sync *s, int replicas, int64_t max_age)
{
	jsStreamConfig c;
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	const char *subjects[1] = { s->subject_all };
	natsStatus st = js_GetStreamInfo(&si, s->js, s->stream, NULL, &jerr);

	if (st == NATS_OK) {
		jsStreamInfo_Destroy(si);
		sync_log(s, "stream %s is there", s->stream);
		return 0;
	}
	jsStreamConfig_Init(&c);
	c.Name = s->stream;
	c.Subjects = subjects;
	c.SubjectsLen = 1;
	c.Storage = js_FileStorage;
	c.Retention = js_LimitsPolicy;
	c.Replicas = replicas;
	c.MaxAge = max_age * INT64_C(1000000000);
	/* the window cannot be longer than the stream keeps messages */
	c.Duplicates = c.MaxAge < DUP_WINDOW_NS ? c.MaxAge : DUP_WINDOW_NS;
	st = js_AddStream(&si, s->js, &c, NULL, &jerr);
	if (st != NATS_OK) {
		sync_fatal(s, EX_UNAVAILABLE, "creating stream %s: %s (%d)", s->stream,
		           natsStatus_GetText(st), (int)jerr);
		return -1;
	}
	jsStreamInfo_Destroy(si);
	sync_log(s, "stream %s created: %s, %d replicas", s->stream, s->subject_all, replicas);
	return 0;
}

/* Run both workers until they end or a signal comes. */
static void run(struct sync *s)
{
	pthread_t pub, sub;
	sigset_t set;
	struct timespec tick = { 0, 100 * 1000000L };

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_create(&pub, NULL, sync_pub_run, s);
	pthread_create(&sub, NULL, sync_sub_run, s);
	while (!atomic_load(&s->stop) && !atomic_load(&s->sub_done)) {
		int sig = sigtimedwait(&set, NULL, &tick);

		if (sig == SIGTERM || sig == SIGINT) {
			sync_log(s, "stopping (%s)", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			atomic_store(&s->stop, 1);
		}
	}
	atomic_store(&s->stop, 1);
	pthread_join(pub, NULL);
	pthread_join(sub, NULL);
}

struct args {
	char *urls;
	const char *host_id;
	int init, replicas;
	int64_t max_age, max_wait;
};

static int parse(struct cli *cli, struct sync *s, struct args *a, int argc, char **argv)
{
	int c, st;

	while ((c = cli_getopt(cli, argc, argv, options, &st)) != -1) {
		switch (c) {
		case CLI_STOP: return st;
		case OPT_NATS: a->urls = optarg; break;
		case OPT_PREFIX: s->prefix = optarg; break;
		case OPT_STREAMNAME: s->stream = optarg; break;
		case OPT_INIT: a->init = 1; break;
		case OPT_REPLICAS:
			a->replicas = atoi(optarg);
			if (a->replicas < 1 || a->replicas > 5)
				return cli_usage_error(cli, "--replicas: 1 to 5");
			break;
		case OPT_MAX_AGE:
			if ((st = cli_duration(cli, "--max-age", optarg, &a->max_age)) != 0)
				return st;
			break;
		case OPT_MAX_WAIT:
			if ((st = cli_duration(cli, "--max-wait", optarg, &a->max_wait)) != 0)
				return st;
			break;
		case OPT_ONCE: s->once = 1; break;
		case OPT_VERBOSE: s->verbose = 1; break;
		case OPT_HOST_ID: a->host_id = optarg; break;
		default: return CLI_EX_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (a->urls == NULL)
		return cli_usage_error(cli, "--nats URL is needed");
	if (!quell_name_valid(s->prefix) || strchr(s->prefix, '*') || strchr(s->prefix, '>'))
		return cli_usage_error(cli, "--subject-prefix: a name of [a-z0-9._-] is needed");
	if (s->stream[0] == '\0' || strlen(s->stream) > 32 || strpbrk(s->stream, ".*> \t/\\"))
		return cli_usage_error(cli, "--stream: 1 to 32 characters, no . * > / or spaces");
	return 0;
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
	struct sync s;
	struct args a = { NULL, NULL, 0, 0, 7 * 86400, 5 };
	const char *urls[URLS_MAX];
	sigset_t set, old;
	int n, rc;

	memset(&s, 0, sizeof s);
	s.cli = cli;
	s.prefix = "quell";
	s.stream = "QUELL";
	if ((rc = parse(cli, &s, &a, argc, argv)) != 0)
		return rc;
	if (split_urls(a.urls, urls, &n) != 0)
		return cli_usage_error(cli, "--nats: 1 to %d URLs, comma-separated", URLS_MAX);
	if (a.replicas == 0)
		a.replicas = n >= 3 ? 3 : 1;
	s.max_wait_ms = a.max_wait * 1000;
	if ((rc = cli_open(cli)) != 0)
		return rc;
	if (a.host_id != NULL && strcmp(a.host_id, quell_origin(cli->h)) != 0) {
		if ((rc = quell_origin_set(cli->h, a.host_id)) != 0)
			return cli_fail(cli, rc);
		cli_warn(cli, "host id: %s", a.host_id);
	}
	snprintf(s.subject_own, sizeof s.subject_own, "%s.events.%s", s.prefix,
	         quell_origin(cli->h));
	snprintf(s.subject_all, sizeof s.subject_all, "%s.events.>", s.prefix);
	snprintf(s.mark, sizeof s.mark, "sync published %s", s.stream);
	if (strpbrk(quell_origin(cli->h), ".*> \t") != NULL)
		return cli_usage_error(cli, "the host id '%s' cannot be a subject token",
		                       quell_origin(cli->h));
	pthread_mutex_init(&s.lock, NULL);
	/* the signals go to run()'s sigtimedwait, not to NATS's threads */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = connect_nats(&s, urls, n);
	if (rc != NATS_OK) {
		sync_fatal(&s, EX_UNAVAILABLE, "NATS: %s", natsStatus_GetText((natsStatus)rc));
	} else if (!a.init || init_stream(&s, a.replicas, a.max_age) == 0) {
		sync_log(&s, "host %s: publishing to %s, applying %s of stream %s",
		         quell_origin(cli->h), s.subject_own, s.subject_all, s.stream);
		run(&s);
	}
	jsCtx_Destroy(s.js);
	natsConnection_Destroy(s.nc);
	nats_CloseAndWait(2000);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_destroy(&s.lock);
	return s.status;
}
