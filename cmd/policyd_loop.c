/*
 * policyd_loop.c - the event loop of `quell policyd` and of `quell serve`:
 * one thread, one epoll(7) set with the signal pipe, the listening socket
 * (if any), the command's other descriptors (serve's HTTP listeners) and
 * every client, so that a round costs what is ready, not what is open.
 * The protocol is a parser and an answer (struct policyd_proto): policy
 * requests (policy_req.c) for policyd, socketmap netstrings
 * (socketmap_req.c) for serve, whose main thread runs it with or without
 * --socketmap (pd->lfd < 0: no clients, only signals and descriptors).
 *
 * Each Postfix process keeps its own connection open for many requests,
 * so many connections are served at once.  Per connection:
 *   - input: a fixed buffer of IN_MAX bytes, read only once what was read
 *     before is parsed; the protocol's parser bounds each request;
 *   - output: a fixed buffer for ANSWERS_HELD answers; a request is
 *     answered only when its answer fits, so a client that sends without
 *     reading is simply no longer read (no buffer grows); partial writes
 *     go on when the socket is writable again;
 *   - a malformed request: the answers before it are sent, then the
 *     connection is closed without a reply (Postfix then logs the error
 *     and applies its default_action);
 *   - EOF: pending answers are sent, then the connection is closed;
 *   - --idle-timeout: a connection silent that long is closed.
 * Idle clients may not hold the service: when a client waits and
 * --max-connections are open, or accept(2) runs out of descriptors, the
 * longest-idle connection is closed to make room (Postfix reconnects when
 * it needs one again).  A connection is idle when it has nothing in hand
 * (no request being read, no answer being sent), counted from its last
 * progress; one in the middle of a request, or new and silent so far,
 * becomes a candidate only after EVICT_GRACE_MS, counted from the start
 * of that request or from the accept, so a slow trickle does not protect
 * it and a burst of new clients still takes turns.  With no candidate,
 * new clients wait in the backlog until there is one.  When accept(2) runs
 * out of memory, or of descriptors with nothing to close, it pauses (a
 * second at most) instead of spinning.  policyd_run raises the soft limit
 * of open files to the hard limit (policyd_net.c).
 *
 * Signals arrive through a self-pipe: the handlers only write one byte.
 * SIGTERM and SIGINT stop the loop (everything is closed by the caller);
 * SIGHUP calls pd->hup (reload the rules, reopen the database); pd->tick
 * runs every pd->tick_ms.  SIGPIPE is ignored; writes use MSG_NOSIGNAL.
 * Knows nothing of what requests mean or of the database.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "policyd.h"

#define IN_MAX 4096
#define ANSWERS_HELD 4 /* answers an output buffer holds */
#define ACCEPT_PAUSE_MS 1000
#define ACCEPTS_PER_ROUND 64
#define EVICT_GRACE_MS 1000 /* a request in progress is safe from eviction */
#define EVENTS_MAX 256      /* events taken from one epoll_wait */

struct conn {
	int fd;
	unsigned long id;
	int eof;          /* the client closed its side */
	int closing;      /* refused request: send what is pending, then close */
	int dead;         /* close it now */
	uint32_t events;  /* what the epoll set watches for it */
	int64_t last;     /* monotonic ms of the last progress */
	int64_t begun;    /* ... of the first byte of the request in hand, or
	                     of the accept while none has come yet */
	int asked;        /* a byte has come */
	size_t inoff, inlen, outoff, outlen;
	char in[IN_MAX];
	char *out;        /* ANSWERS_HELD * answer_max bytes, in mem */
	void *req;        /* the parser's state (proto->req_size bytes), in mem */
	max_align_t mem[];
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
	const struct policyd_proto *proto; /* the service: parser and answer */
	size_t out_max;        /* bytes of a connection's output buffer */
	struct conn **conns;
	size_t n;
	int ep;                /* the epoll set */
	uint32_t lfd_events;   /* what it watches on the listening socket */
	char tag_sig, tag_lfd, tag_extra[POLICYD_EXTRA_MAX]; /* their addresses tell
	                          the pipe, the socket, pd->extra_fd[i] apart in events */
	int64_t next_tick;     /* when pd->tick is due (monotonic ms), or 0 */
	unsigned long next_id;
	int64_t accept_paused_until;
	int64_t evict_at;      /* at the limit, none to close: when one may be, or 0 */
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
		       l->out_max - c->outlen >= l->proto->answer_max) {
			rc = l->proto->feed(c->req, c->in + c->inoff, c->inlen - c->inoff, &used);
			c->inoff += used;
			if (rc == 1) {
				n = l->proto->answer(l->pd, c->req, c->id, c->out + c->outlen);
				if (n == 0)
					c->closing = 1;
				c->outlen += n;
			} else if (rc != 0) {
				l->proto->refused(l->pd, c->req, c->id);
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
		if (c->eof && !c->closing && l->proto->partial(c->req))
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
		c->last = now_ms();
		if (c->inlen == 0 && !l->proto->partial(c->req))
			c->begun = c->last;
		c->asked = 1;
		c->inlen += (size_t)n;
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

/* A request being read or answered. */
static int in_hand(const struct loop *l, const struct conn *c)
{
	return c->inlen > 0 || c->outlen > 0 || c->closing || l->proto->partial(c->req);
}

/* Since when c counts as idle, or -1 while it may not be closed to make
 * room (a request in hand, or nothing yet since the accept, for less than
 * EVICT_GRACE_MS). */
static int64_t idle_since(const struct loop *l, const struct conn *c, int64_t now)
{
	if (c->dead)
		return -1;
	if (c->asked && !in_hand(l, c))
		return c->last;
	return now - c->begun >= EVICT_GRACE_MS ? c->begun : -1;
}

/* The index of the longest-idle connection that may be closed, or -1;
 * then *when (if not NULL) is when one may be, or 0 if none ever. */
static ptrdiff_t victim(const struct loop *l, int64_t now, int64_t *when)
{
	ptrdiff_t best = -1;
	int64_t best_t = 0, next = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct conn *c = l->conns[i];
		int64_t t = idle_since(l, c, now);

		if (t >= 0 && (best < 0 || t < best_t)) {
			best = (ptrdiff_t)i;
			best_t = t;
		} else if (t < 0 && !c->dead && (next == 0 || c->begun + EVICT_GRACE_MS < next)) {
			next = c->begun + EVICT_GRACE_MS;
		}
	}
	if (when != NULL)
		*when = best < 0 ? next : 0;
	return best;
}

/* Close the longest-idle connection for a new client; 1 if one was. */
static int evict(struct loop *l)
{
	int64_t now = now_ms();

	/* a few tries: a candidate whose next request has just come is busy */
	for (int tries = 0; tries < 4; tries++) {
		ptrdiff_t i = victim(l, now, NULL);
		struct conn *c;
		int waiting = 0;

		if (i < 0)
			return 0;
		c = l->conns[i];
		if (!in_hand(l, c) && ioctl(c->fd, FIONREAD, &waiting) == 0 && waiting > 0) {
			c->last = now;
			continue;
		}
		if (l->pd->verbose)
			policyd_info(l->pd, "client %lu: idle %lld ms, closed to make room", c->id,
			             (long long)(now - idle_since(l, c, now)));
		drop(l, (size_t)i);
		return 1;
	}
	return 0;
}

/* 1 when a client waits on the listening socket. */
static int waiting_client(int lfd)
{
	struct pollfd p = { lfd, POLLIN, 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void accept_some(struct loop *l)
{
	struct policyd *pd = l->pd;
	int retried = 0;

	for (int k = 0; k < ACCEPTS_PER_ROUND; k++) {
		struct conn *c;
		int fd;

		/* at the limit, make room for a client that waits (the epoll
		 * set saw the first of a round) */
		if (l->n >= pd->max_conns && ((k > 0 && !waiting_client(pd->lfd)) || !evict(l)))
			return;
		fd = accept4(pd->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* out of descriptors: the longest-idle connection makes room,
			 * or will when its grace ends */
			if (errno == EMFILE || errno == ENFILE) {
				int64_t now = now_ms(), when = 0;

				if (!retried && evict(l)) {
					retried = 1;
					k--;
					continue;
				}
				if (victim(l, now, &when) < 0 && when > 0) {
					l->accept_paused_until =
						when < now + ACCEPT_PAUSE_MS ? when : now + ACCEPT_PAUSE_MS;
					return;
				}
			}
			/* ENOBUFS, ENOMEM, or nothing to close: wait */
			cli_warn(pd->cli, "accept: %s; not accepting for %d ms", strerror(errno),
			         ACCEPT_PAUSE_MS);
			l->accept_paused_until = now_ms() + ACCEPT_PAUSE_MS;
			return;
		}
		retried = 0;
		c = malloc(sizeof *c + l->proto->req_size + l->out_max);
		if (c == NULL) {
			close(fd);
			cli_warn(pd->cli, "accept: %s; not accepting for %d ms",
			         quell_strerror(QUELL_ENOMEM), ACCEPT_PAUSE_MS);
			l->accept_paused_until = now_ms() + ACCEPT_PAUSE_MS;
			return;
		}
		c->fd = fd;
		c->req = c->mem; /* first: aligned for any type */
		c->out = (char *)c->mem + l->proto->req_size;
		c->events = EPOLLIN;
		if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd,
		              &(struct epoll_event){ .events = c->events, .data.ptr = c }) != 0) {
			cli_warn(pd->cli, "accept: epoll: %s; not accepting for %d ms",
			         strerror(errno), ACCEPT_PAUSE_MS);
			close(fd);
			free(c);
			l->accept_paused_until = now_ms() + ACCEPT_PAUSE_MS;
			return;
		}
		c->id = ++l->next_id;
		c->eof = c->closing = c->dead = c->asked = 0;
		c->last = c->begun = now_ms();
		c->inoff = c->inlen = c->outoff = c->outlen = 0;
		l->proto->reset(c->req);
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
				l->pd->hup(l->pd);
		}
	}
}

/* SIGINT ignored when we started (a background job): stays so; SIGHUP
 * reloads even under nohup(1). */
static const struct cli_signal caught[] = {
	{ SIGTERM, on_signal, 0 },
	{ SIGINT, on_signal, 1 },
	{ SIGHUP, on_signal, 0 },
	{ SIGPIPE, SIG_IGN, 0 },
};
#define NCAUGHT (sizeof caught / sizeof caught[0])

/* ------------------------------------------------------------------- loop */

/* Milliseconds epoll_wait may sleep: until the first idle deadline, the
 * end of an accept pause, or the time a connection may be closed for a
 * waiting client; -1 for none. */
static int timeout(const struct loop *l, int64_t now)
{
	int64_t t = -1;

	if (l->accept_paused_until > now)
		t = l->accept_paused_until - now;
	if (l->evict_at > 0 && (t < 0 || l->evict_at - now < t))
		t = l->evict_at > now ? l->evict_at - now : 0;
	if (l->next_tick > 0 && (t < 0 || l->next_tick - now < t))
		t = l->next_tick > now ? l->next_tick - now : 0;
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

/* Make the set watch fd for want (its current mask in *have); 0 or -1. */
static int watch(struct loop *l, int fd, uint32_t *have, uint32_t want, void *ptr)
{
	struct epoll_event e = { .events = want, .data.ptr = ptr };

	if (*have == want)
		return 0;
	if (epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &e) != 0)
		return -1;
	*have = want;
	return 0;
}

/* A connection's event, as poll(2) would have said it. */
static void on_event(struct loop *l, struct conn *c, uint32_t re)
{
	if (c->dead)
		return;
	if (re & EPOLLERR)
		c->dead = 1;
	else if (re & (EPOLLIN | EPOLLHUP) && !c->eof && !c->closing && c->inlen == 0)
		on_readable(l, c);
	else if (re & (EPOLLOUT | EPOLLHUP))
		service(l, c);
}

static int serve(struct loop *l, int sigr)
{
	struct policyd *pd = l->pd;
	struct epoll_event ev[EVENTS_MAX];

	while (!l->stop) {
		int64_t now = now_ms();
		int accepting = l->accept_paused_until <= now, got_lfd = 0, got_sig = 0, n;

		/* at the limit, the listening socket is watched only while a
		 * connection could make room */
		l->evict_at = 0;
		if (accepting && l->n >= pd->max_conns && victim(l, now, &l->evict_at) < 0)
			accepting = 0;
		if (pd->lfd >= 0 &&
		    watch(l, pd->lfd, &l->lfd_events, accepting ? EPOLLIN : 0, &l->tag_lfd) != 0) {
			cli_warn(pd->cli, "epoll: %s", strerror(errno));
			return CLI_EX_IOERR;
		}
		for (size_t i = 0; i < l->n; i++) {
			struct conn *c = l->conns[i];
			uint32_t want = 0;

			if (!c->eof && !c->closing && c->inlen == 0)
				want |= EPOLLIN;
			if (c->outlen > c->outoff)
				want |= EPOLLOUT;
			if (watch(l, c->fd, &c->events, want, c) != 0) {
				cli_warn(pd->cli, "client %lu: epoll: %s; closed", c->id, strerror(errno));
				c->dead = 1;
			}
		}
		n = epoll_wait(l->ep, ev, EVENTS_MAX, timeout(l, now));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cli_warn(pd->cli, "epoll_wait: %s", strerror(errno));
			return CLI_EX_IOERR;
		}
		for (int i = 0; i < n; i++) {
			size_t k = 0;

			while (k < pd->nextra && ev[i].data.ptr != (void *)&l->tag_extra[k])
				k++;
			if (k < pd->nextra)
				pd->ready(pd, pd->extra_fd[k]);
			else if (ev[i].data.ptr == &l->tag_sig)
				got_sig = 1;
			else if (ev[i].data.ptr == &l->tag_lfd)
				got_lfd = (ev[i].events & EPOLLIN) != 0;
			else
				on_event(l, ev[i].data.ptr, ev[i].events);
		}
		now = now_ms();
		for (size_t i = 0; i < l->n; i++) {
			struct conn *c = l->conns[i];

			if (!c->dead && pd->idle_ms > 0 && now - c->last >= pd->idle_ms) {
				if (pd->verbose)
					policyd_info(pd, "client %lu: idle, closed", c->id);
				c->dead = 1;
			}
		}
		for (size_t i = l->n; i-- > 0;)
			if (l->conns[i]->dead)
				drop(l, i);
		if (got_lfd)
			accept_some(l);
		if (got_sig)
			read_signals(l, sigr);
		if (l->next_tick > 0 && now_ms() >= l->next_tick) {
			pd->tick(pd);
			l->next_tick = now_ms() + pd->tick_ms;
		}
	}
	return 0;
}

/* The epoll set: the signal pipe sigr, the listening socket if any, the
 * command's other descriptors.  0, or -1 with errno (l->ep may be open). */
static int epoll_set(struct loop *l, int sigr)
{
	struct policyd *pd = l->pd;

	l->lfd_events = EPOLLIN;
	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    epoll_ctl(l->ep, EPOLL_CTL_ADD, sigr,
	              &(struct epoll_event){ .events = EPOLLIN, .data.ptr = &l->tag_sig }) != 0)
		return -1;
	if (pd->lfd >= 0 &&
	    epoll_ctl(l->ep, EPOLL_CTL_ADD, pd->lfd,
	              &(struct epoll_event){ .events = l->lfd_events, .data.ptr = &l->tag_lfd }) != 0)
		return -1;
	if (pd->nextra > POLICYD_EXTRA_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < pd->nextra; i++)
		if (epoll_ctl(l->ep, EPOLL_CTL_ADD, pd->extra_fd[i],
		              &(struct epoll_event){ .events = EPOLLIN,
		                                     .data.ptr = &l->tag_extra[i] }) != 0)
			return -1;
	return 0;
}

int policyd_run(struct policyd *pd, const struct policyd_proto *proto)
{
	struct sigaction old[NCAUGHT];
	struct loop l;
	int pipefd[2], status;

	if (pd->lfd >= 0)
		policyd_raise_nofile(pd);
	memset(&l, 0, sizeof l);
	l.ep = -1;
	l.pd = pd;
	l.proto = proto;
	l.out_max = ANSWERS_HELD * proto->answer_max;
	if (pipe2(pipefd, O_NONBLOCK | O_CLOEXEC) != 0) {
		cli_warn(pd->cli, "pipe: %s", strerror(errno));
		return CLI_EX_IOERR;
	}
	l.conns = calloc(pd->max_conns > 0 ? pd->max_conns : 1, sizeof *l.conns);
	if (l.conns == NULL) {
		close(pipefd[0]);
		close(pipefd[1]);
		return cli_oom(pd->cli);
	}
	if (epoll_set(&l, pipefd[0]) != 0) {
		cli_warn(pd->cli, "epoll: %s", strerror(errno));
		if (l.ep >= 0)
			close(l.ep);
		free(l.conns);
		close(pipefd[0]);
		close(pipefd[1]);
		return CLI_EX_IOERR;
	}
	if (pd->tick != NULL && pd->tick_ms > 0)
		l.next_tick = now_ms() + pd->tick_ms;
	sig_fd = pipefd[1];
	cli_signals(1, caught, NCAUGHT, old);
	status = serve(&l, pipefd[0]);
	cli_signals(0, caught, NCAUGHT, old);
	sig_fd = -1;
	while (l.n > 0) {
		close(l.conns[l.n - 1]->fd);
		free(l.conns[--l.n]);
	}
	free(l.conns);
	close(l.ep);
	close(pipefd[0]);
	close(pipefd[1]);
	return status;
}
