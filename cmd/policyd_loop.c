/*
 * policyd_loop.c - the event loop of `quell policyd`: one thread, one
 * poll(2) over the signal pipe, the listening socket and every client.
 *
 * Each Postfix smtpd process keeps its own connection open for many
 * requests, so many connections are served at once.  Per connection:
 *   - input: a fixed buffer of IN_MAX bytes, read only once what was read
 *     before is parsed; the parser (policy_req.c) bounds each request;
 *   - output: a fixed buffer for a few answers; a request is answered only
 *     when its answer fits, so a client that sends without reading is
 *     simply no longer read (no buffer grows); partial writes go on when
 *     the socket is writable again;
 *   - a malformed request: the answers before it are sent, then the
 *     connection is closed without a reply (Postfix then logs the error
 *     and applies its default_action);
 *   - EOF: pending answers are sent, then the connection is closed;
 *   - --idle-timeout: a connection silent that long is closed.
 * At --max-connections the listening socket is left alone (new clients
 * wait in the backlog).  When accept(2) runs out of descriptors or memory
 * it pauses for a second instead of spinning.
 *
 * Signals arrive through a self-pipe: the handlers only write one byte.
 * SIGTERM and SIGINT stop the loop (everything is closed by the caller);
 * SIGHUP reloads the rules and reopens the database.  SIGPIPE is ignored;
 * writes use MSG_NOSIGNAL.
 * Knows nothing of what requests mean or of the database.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "policyd.h"

#define IN_MAX 4096
#define OUT_MAX (4 * POLICYD_ANSWER_MAX)
#define ACCEPT_PAUSE_MS 1000
#define ACCEPTS_PER_ROUND 64

struct conn {
	int fd;
	unsigned long id;
	int eof;          /* the client closed its side */
	int closing;      /* refused request: send what is pending, then close */
	int dead;         /* close it now */
	int64_t last;     /* monotonic ms of the last progress */
	size_t inoff, inlen, outoff, outlen;
	char in[IN_MAX];
	char out[OUT_MAX];
	struct quell__preq req;
};

/* The self-pipe: written by signal handlers, read by the loop. */
static int sig_fd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	char c = sig == SIGHUP ? 'H' : 'T';

	if (write(sig_fd, &c, 1) < 0) {
		/* full pipe: a byte is already waiting */
	}
	errno = saved;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop {
	struct policyd *pd;
	struct conn **conns;
	size_t n;
	struct pollfd *pfd;
	unsigned long next_id;
	int64_t accept_paused_until;
	int stop;
};

/* ------------------------------------------------------------ connections */

static void flush(struct loop *l, struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);

		if (n > 0) {
			c->outoff += (size_t)n;
			c->last = now_ms();
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (l->pd->verbose)
			policyd_info(l->pd, "client %lu: write: %s", c->id, strerror(errno));
		c->dead = 1;
		return;
	}
	c->outoff = c->outlen = 0;
}

/* Parse and answer what was read, as far as answers fit; send them. */
static void service(struct loop *l, struct conn *c)
{
	size_t used, n;
	int rc;

	for (;;) {
		while (!c->closing && c->inoff < c->inlen &&
		       OUT_MAX - c->outlen >= POLICYD_ANSWER_MAX) {
			rc = quell__preq_feed(&c->req, c->in + c->inoff, c->inlen - c->inoff, &used);
			c->inoff += used;
			if (rc == 1) {
				n = policyd_answer(l->pd, &c->req, c->id, c->out + c->outlen);
				if (n == 0)
					c->closing = 1;
				c->outlen += n;
			} else if (rc != 0) {
				cli_warn(l->pd->cli,
				         "client %lu: malformed request, line %zu: %s; closed "
				         "without a reply", c->id, c->req.lineno, c->req.error);
				c->closing = 1;
			}
		}
		if (c->inoff == c->inlen)
			c->inoff = c->inlen = 0;
		flush(l, c);
		if (c->dead || c->outlen > 0 || c->closing || c->inlen == 0)
			break;
	}
	if (c->outlen == 0 && (c->closing || (c->eof && c->inlen == 0))) {
		if (c->eof && !c->closing && quell__preq_partial(&c->req))
			cli_warn(l->pd->cli, "client %lu: closed in the middle of a request", c->id);
		c->dead = 1;
	}
}

static void on_readable(struct loop *l, struct conn *c)
{
	ssize_t n;

	do
		n = read(c->fd, c->in + c->inlen, IN_MAX - c->inlen);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		c->inlen += (size_t)n;
		c->last = now_ms();
	} else if (n == 0) {
		c->eof = 1;
	} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
		if (l->pd->verbose)
			policyd_info(l->pd, "client %lu: read: %s", c->id, strerror(errno));
		c->dead = 1;
		return;
	}
	service(l, c);
}

static void drop(struct loop *l, size_t i)
{
	struct conn *c = l->conns[i];

	if (l->pd->verbose)
		policyd_info(l->pd, "client %lu: closed", c->id);
	close(c->fd);
	free(c);
	l->conns[i] = l->conns[--l->n];
}

static void accept_some(struct loop *l)
{
	struct policyd *pd = l->pd;

	for (int k = 0; k < ACCEPTS_PER_ROUND && l->n < pd->max_conns; k++) {
		struct conn *c;
		int fd = accept4(pd->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM and the like: wait */
			cli_warn(pd->cli, "accept: %s; not accepting for %d ms", strerror(errno),
			         ACCEPT_PAUSE_MS);
			l->accept_paused_until = now_ms() + ACCEPT_PAUSE_MS;
			return;
		}
		c = malloc(sizeof *c);
		if (c == NULL) {
			close(fd);
			cli_warn(pd->cli, "accept: %s; not accepting for %d ms",
			         quell_strerror(QUELL_ENOMEM), ACCEPT_PAUSE_MS);
			l->accept_paused_until = now_ms() + ACCEPT_PAUSE_MS;
			return;
		}
		c->fd = fd;
		c->id = ++l->next_id;
		c->eof = c->closing = c->dead = 0;
		c->last = now_ms();
		c->inoff = c->inlen = c->outoff = c->outlen = 0;
		quell__preq_reset(&c->req);
		l->conns[l->n++] = c;
		if (pd->verbose)
			policyd_info(pd, "client %lu: connected", c->id);
	}
}

/* ---------------------------------------------------------------- signals */

static void read_signals(struct loop *l, int fd)
{
	char buf[64];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == 'T')
				l->stop = 1;
			else if (buf[i] == 'H')
				policyd_reload(l->pd);
		}
	}
}

static const int caught[] = { SIGTERM, SIGINT, SIGHUP, SIGPIPE };
#define NCAUGHT (sizeof caught / sizeof caught[0])

static void signals(int on, struct sigaction old[NCAUGHT])
{
	struct sigaction sa;

	for (size_t i = 0; i < NCAUGHT; i++) {
		if (!on) {
			sigaction(caught[i], &old[i], NULL);
			continue;
		}
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = caught[i] == SIGPIPE ? SIG_IGN : on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(caught[i], &sa, &old[i]);
		/* SIGINT ignored when we started (a background job): stays so */
		if (caught[i] == SIGINT && old[i].sa_handler == SIG_IGN)
			sigaction(caught[i], &old[i], NULL);
	}
}

/* ------------------------------------------------------------------- loop */

/* Milliseconds poll may sleep: until the first idle deadline or the end of
 * an accept pause; -1 for none. */
static int timeout(const struct loop *l, int64_t now)
{
	int64_t t = -1;

	if (l->accept_paused_until > now)
		t = l->accept_paused_until - now;
	if (l->pd->idle_ms > 0) {
		for (size_t i = 0; i < l->n; i++) {
			int64_t left = l->conns[i]->last + l->pd->idle_ms - now;

			if (left < 0)
				left = 0;
			if (t < 0 || left < t)
				t = left;
		}
	}
	return t > 1000000 ? 1000000 : (int)t;
}

static int serve(struct loop *l, int sigr)
{
	struct policyd *pd = l->pd;

	while (!l->stop) {
		int64_t now = now_ms();
		size_t np = 0, first;
		int accepting = l->n < pd->max_conns && l->accept_paused_until <= now;

		l->pfd[np++] = (struct pollfd){ sigr, POLLIN, 0 };
		l->pfd[np++] = (struct pollfd){ accepting ? pd->lfd : -1, POLLIN, 0 };
		first = np;
		for (size_t i = 0; i < l->n; i++) {
			struct conn *c = l->conns[i];
			short ev = 0;

			if (!c->eof && !c->closing && c->inlen == 0)
				ev |= POLLIN;
			if (c->outlen > c->outoff)
				ev |= POLLOUT;
			l->pfd[np++] = (struct pollfd){ c->fd, ev, 0 };
		}
		if (poll(l->pfd, (nfds_t)np, timeout(l, now)) < 0) {
			if (errno == EINTR)
				continue;
			cli_warn(pd->cli, "poll: %s", strerror(errno));
			return CLI_EX_IOERR;
		}
		now = now_ms();
		for (size_t i = 0; i < l->n; i++) {
			struct conn *c = l->conns[i];
			short re = l->pfd[first + i].revents;

			if (re & (POLLERR | POLLNVAL))
				c->dead = 1;
			else if (re & (POLLIN | POLLHUP) && !c->eof && !c->closing && c->inlen == 0)
				on_readable(l, c);
			else if (re & (POLLOUT | POLLHUP))
				service(l, c);
			if (!c->dead && pd->idle_ms > 0 && now - c->last >= pd->idle_ms) {
				if (pd->verbose)
					policyd_info(pd, "client %lu: idle, closed", c->id);
				c->dead = 1;
			}
		}
		for (size_t i = l->n; i-- > 0;)
			if (l->conns[i]->dead)
				drop(l, i);
		if (l->pfd[1].revents & POLLIN)
			accept_some(l);
		if (l->pfd[0].revents & POLLIN)
			read_signals(l, sigr);
	}
	return 0;
}

int policyd_run(struct policyd *pd)
{
	struct sigaction old[NCAUGHT];
	struct loop l;
	int pipefd[2], status;

	memset(&l, 0, sizeof l);
	l.pd = pd;
	if (pipe2(pipefd, O_NONBLOCK | O_CLOEXEC) != 0) {
		cli_warn(pd->cli, "pipe: %s", strerror(errno));
		return CLI_EX_IOERR;
	}
	l.conns = calloc(pd->max_conns, sizeof *l.conns);
	l.pfd = calloc(pd->max_conns + 2, sizeof *l.pfd);
	if (l.conns == NULL || l.pfd == NULL) {
		free(l.conns);
		free(l.pfd);
		close(pipefd[0]);
		close(pipefd[1]);
		return cli_oom(pd->cli);
	}
	sig_fd = pipefd[1];
	signals(1, old);
	status = serve(&l, pipefd[0]);
	signals(0, old);
	sig_fd = -1;
	while (l.n > 0) {
		close(l.conns[l.n - 1]->fd);
		free(l.conns[--l.n]);
	}
	free(l.conns);
	free(l.pfd);
	close(pipefd[0]);
	close(pipefd[1]);
	return status;
}
