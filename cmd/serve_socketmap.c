/*
 * serve_socketmap.c - the main thread of `quell serve` (serve_wait), and
 * what it adds beside the HTTP API:
 *
 *   --socketmap unix:PATH     a Postfix socketmap (socketmap_table(5)) on a
 *                             unix socket: map `transport` answers
 *                             `OK error:5.1.1 ...` for a suppressed
 *                             recipient, NOTFOUND otherwise
 *                             (socketmap_answer.h says all of it)
 *   --socketmap-owner U[:G], --socketmap-mode MODE
 *                             owner and mode of its socket (as policyd's
 *                             --socket-owner, --socket-mode; default 0660)
 *   --socketmap-fail-open     NOTFOUND, not TEMP, when a check fails
 *   --user USER[:GROUP]       give up root once every socket is made; the
 *                             database is then opened as USER (daemon.h)
 *   --syslog                  log lines to syslog, not stderr (daemon.h)
 *
 * The main thread runs policyd's event loop (policyd_loop.c) with the
 * socketmap protocol (socketmap_req.h, socketmap_answer.h): it serves
 * the socketmap clients (with policyd's bounds: --max-connections 512
 * and a 10 minute idle timeout, the longest-idle closed first), accepts
 * the HTTP connections for MHD (serve_accept), looks at the database once
 * a second (serve_look_at_db), reloads on SIGHUP (serve_reload) and stops
 * on SIGTERM or SIGINT.  Without --socketmap the same loop runs with no
 * socket of its own.  Socketmap checks count in /metrics' checks by
 * verdict.  Knows nothing of HTTP or of LMDB.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "daemon.h"
#include "policyd.h"
#include "serve.h"
#include "socketmap_answer.h"

#define SM_MODE 0660
#define SM_MAX_CONNS 512
#define SM_IDLE_MS (600 * 1000)
#define DB_LOOK_MS 1000

struct serve_sm {
	struct policyd pd;         /* the socketmap's socket and loop settings */
	struct daemon_user user;   /* --user, or user.spec NULL */
	int use_syslog, mode_given;
	int fds[POLICYD_EXTRA_MAX]; /* the HTTP listening sockets */
};

static struct serve_sm *sm_of(struct serve *srv)
{
	if (srv->sm == NULL && (srv->sm = calloc(1, sizeof *srv->sm)) != NULL) {
		struct policyd *pd = &srv->sm->pd;

		pd->cli = srv->cli;
		pd->lfd = -1;
		pd->mode = SM_MODE;
		pd->uid = (uid_t)-1;
		pd->gid = (gid_t)-1;
		pd->max_conns = SM_MAX_CONNS;
		pd->idle_ms = SM_IDLE_MS;
		pd->app = srv;
		policy_reply_init(&pd->replies);
	}
	return srv->sm;
}

static int parse_mode(struct serve_sm *sm, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 8);
	if (*s < '0' || *s > '7' || *end != '\0' || errno != 0 || v > 0777)
		return cli_usage_error(sm->pd.cli, "--socketmap-mode: an octal mode, 0 to 0777: '%s'",
		                       s);
	sm->pd.mode = (mode_t)v;
	sm->mode_given = 1;
	return 0;
}

int serve_sm_option(struct serve *srv, int which, const char *arg)
{
	struct serve_sm *sm = sm_of(srv);

	if (sm == NULL)
		return cli_oom(srv->cli);
	switch (which) {
	case SERVE_SM_SOCKETMAP:
		if (strncmp(arg, "unix:", 5) != 0)
			return cli_usage_error(srv->cli, "--socketmap: unix:PATH, not '%s'", arg);
		sm->pd.listen = arg;
		return 0;
	case SERVE_SM_OWNER: sm->pd.owner = arg; return 0;
	case SERVE_SM_MODE: return parse_mode(sm, arg);
	case SERVE_SM_FAIL_OPEN: sm->pd.fail_open = 1; return 0;
	case SERVE_SM_USER: return daemon_user_parse(srv->cli, arg, &sm->user);
	case SERVE_SM_SYSLOG: sm->use_syslog = 1; return 0;
	}
	return 0;
}

int serve_sm_ready(struct serve *srv)
{
	struct serve_sm *sm = sm_of(srv);
	int rc;

	if (sm == NULL)
		return cli_oom(srv->cli);
	if (sm->pd.listen == NULL && (sm->pd.owner != NULL || sm->mode_given || sm->pd.fail_open))
		return cli_usage_error(srv->cli, "--socketmap-owner, --socketmap-mode and "
		                       "--socketmap-fail-open: only with --socketmap");
	if (sm->pd.listen != NULL && (rc = policyd_parse_listen(&sm->pd)) < 0)
		return -rc;
	if (sm->pd.owner != NULL && (rc = policyd_owner(&sm->pd, sm->pd.owner)) != 0)
		return rc;
	if (sm->use_syslog)
		daemon_syslog(srv->cli);
	return 0;
}

int serve_sm_user(struct serve *srv)
{
	return srv->sm != NULL && srv->sm->user.spec != NULL;
}

int serve_sm_listen(struct serve *srv)
{
	struct serve_sm *sm = srv->sm;
	int rc;

	if (sm->pd.listen != NULL) {
		if ((rc = policyd_listen(&sm->pd)) != 0)
			return rc;
		serve_info(srv, "socketmap on %s%s", sm->pd.where,
		           sm->pd.fail_open ? " (--socketmap-fail-open)" : "");
	}
	if (sm->user.spec == NULL)
		return 0;
	if ((rc = daemon_user_drop(srv->cli, &sm->user)) != 0)
		return rc;
	return cli_open(srv->cli);
}

void serve_sm_free(struct serve *srv)
{
	if (srv->sm == NULL)
		return;
	policyd_unlisten(&srv->sm->pd);
	free(srv->sm);
	srv->sm = NULL;
}

/* ------------------------------------------------------------- the loop */

/* The socketmap's answer to one request, as a netstring. */
static size_t sm_answer(struct policyd *pd, const void *req, unsigned long id, char *out)
{
	struct serve *srv = pd->app;
	struct cli *cli = pd->cli;
	struct socketmap_answer a;
	const char *key = socketmap_req_key(req);

	socketmap_answer(cli->h, req, &pd->replies, NULL, cli->now, pd->fail_open, &a);
	if (a.checked && !a.failed && a.res.verdict >= 0 && a.res.verdict < 4)
		atomic_fetch_add(&srv->m.checks[a.res.verdict], 1);
	if (a.failed)
		cli_warn(cli, "socketmap client %lu: %s: cannot check: %s; answered %s", id, key,
		         a.error, a.body);
	else if (strncmp(a.body, "PERM", 4) == 0)
		cli_warn(cli, "socketmap client %lu: map '%s' asked: %s", id,
		         socketmap_req_name(req), a.body);
	else if (pd->verbose && a.checked)
		policyd_info(pd, "socketmap client %lu: %s: %s: %s", id, key,
		             quell_verdict_name(a.res.verdict), a.body);
	else if (pd->verbose)
		policyd_info(pd, "socketmap client %lu: %s: not an address: %s", id, key, a.body);
	return socketmap_netstring(a.body, strlen(a.body), out, SOCKETMAP_ANSWER_MAX);
}

static void sm_reset(void *req)
{
	socketmap_req_reset(req);
}

static int sm_feed(void *req, const char *data, size_t n, size_t *used)
{
	return socketmap_req_feed(req, data, n, used);
}

static int sm_partial(const void *req)
{
	return socketmap_req_partial(req);
}

static void sm_refused(struct policyd *pd, const void *req, unsigned long id)
{
	cli_warn(pd->cli, "socketmap client %lu: malformed request: %s; closed without a reply",
	         id, ((const struct socketmap_req *)req)->error);
}

static const struct policyd_proto sm_proto = {
	sizeof(struct socketmap_req), SOCKETMAP_ANSWER_MAX, sm_reset, sm_feed, sm_partial,
	sm_refused, sm_answer,
};

static void on_listener(struct policyd *pd, int fd)
{
	serve_accept(pd->app, fd);
}

static void on_tick(struct policyd *pd)
{
	serve_look_at_db(pd->app);
}

static void on_hup(struct policyd *pd)
{
	serve_reload(pd->app);
}

int serve_wait(struct serve *srv)
{
	struct serve_sm *sm = sm_of(srv);
	struct policyd *pd;

	if (sm == NULL)
		return cli_oom(srv->cli);
	pd = &sm->pd;
	if (srv->nlisten > POLICYD_EXTRA_MAX) {
		cli_warn(srv->cli, "--listen: at most %d", POLICYD_EXTRA_MAX);
		return CLI_EX_USAGE;
	}
	for (size_t i = 0; i < srv->nlisten; i++)
		sm->fds[i] = srv->listen[i].fd;
	pd->extra_fd = sm->fds;
	pd->nextra = srv->nlisten;
	pd->ready = on_listener;
	pd->tick = on_tick;
	pd->tick_ms = DB_LOOK_MS;
	pd->hup = on_hup;
	pd->verbose = srv->verbose;
	return policyd_run(pd, &sm_proto);
}
