/*
 * policy_client.c - a small Postfix policy client for the CLI tests of
 * `quell policyd` (tests/cli/t_policyd.sh); built by `make cli`.
 *
 *   policy_client [-t SECONDS] [-c N] [-i] [-n IDLE [-w MS]] [-m]
 *                 unix:PATH|inet:HOST:PORT < REQUESTS
 *
 * Reads the requests from stdin, connects (N connections, all open before
 * anything is sent), and sends them:
 *   default  all of stdin, then shutdown(SHUT_WR), reading answers all
 *            the while (poll), until EOF;
 *   -i       one request at a time (up to and including its empty line),
 *            waiting for one answer (up to "\n\n") before the next, as
 *            Postfix does, request k going out on every connection before
 *            answer k is read from any; the client closes at the end.
 * Prints what the first connection received, as it came; "[closed]" on a
 * line of its own when the server closed a connection while an answer was
 * awaited.  Every connection must receive the same bytes.
 *   -n IDLE  first open IDLE more connections that send nothing and stay
 *            open to the end, then go on as above; at the end, says on
 *            stderr how many of them the server had closed:
 *            "policy_client: IDLE idle connections, K closed by the server";
 *   -w MS    wait that long after opening the idle connections (so that
 *            the server has taken them all);
 *   -m       says on stderr how long the requests took, from the first
 *            connect (after the idle ones) to the last answer:
 *            "policy_client: answered in N.NNN ms".
 * The soft limit of open files is raised to the hard limit.
 * *
 * Exit: 0 done, 1 the connections received different bytes, 2 usage or
 * connect error, 3 timeout (-t, default 10 s).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct buf {
	char *p;
	size_t len, cap;
};

struct peer {
	int fd;
	int closed;
	size_t sent;     /* bytes of the input sent (default mode) */
	int eof;         /* the server closed (default mode) */
	struct buf got;
};

static void on_alarm(int sig)
{
	static const char msg[] = "policy_client: timeout\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
		/* nothing more to do */
	}
	_exit(3);
}

static void die(const char *what)
{
	fprintf(stderr, "policy_client: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void put(struct buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *q = realloc(b->p, cap);

		if (q == NULL)
			die("realloc");
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static int connect_to(const char *addr)
{
	int fd;

	if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un sa;

		memset(&sa, 0, sizeof sa);
		sa.sun_family = AF_UNIX;
		if (strlen(addr + 5) >= sizeof sa.sun_path) {
			fprintf(stderr, "policy_client: path too long\n");
			exit(2);
		}
		strncpy(sa.sun_path, addr + 5, sizeof sa.sun_path - 1);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
			die(addr);
		return fd;
	}
	if (strncmp(addr, "inet:", 5) == 0) {
		char host[256];
		const char *colon = strrchr(addr + 5, ':');
		struct addrinfo hints, *res;
		size_t n;

		if (colon == NULL || (n = (size_t)(colon - addr - 5)) >= sizeof host) {
			fprintf(stderr, "policy_client: inet:HOST:PORT\n");
			exit(2);
		}
		memcpy(host, addr + 5, n);
		host[n] = '\0';
		if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
			memmove(host, host + 1, n - 2);
			host[n - 2] = '\0';
		}
		memset(&hints, 0, sizeof hints);
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(host, colon + 1, &hints, &res) != 0) {
			fprintf(stderr, "policy_client: %s: no such host\n", addr);
			exit(2);
		}
		fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
		if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0)
			die(addr);
		freeaddrinfo(res);
		return fd;
	}
	fprintf(stderr, "policy_client: unix:PATH or inet:HOST:PORT\n");
	exit(2);
}

static void send_all(struct peer *p, const char *s, size_t n)
{
	while (n > 0 && !p->closed) {
		ssize_t k = send(p->fd, s, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			p->closed = 1; /* the server hung up: what it sent is kept */
			return;
		}
		s += k;
		n -= (size_t)k;
	}
}

/* Read once; 0 at EOF (or a reset). */
static ssize_t read_some(struct peer *p)
{
	char tmp[4096];
	ssize_t k;

	do
		k = read(p->fd, tmp, sizeof tmp);
	while (k < 0 && errno == EINTR);
	if (k > 0)
		put(&p->got, tmp, (size_t)k);
	return k > 0 ? k : 0;
}

static size_t answers(const struct buf *b)
{
	size_t n = 0;

	for (const char *s = b->p; s != NULL && (s = strstr(s, "\n\n")) != NULL; s += 2)
		n++;
	return n;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* How many of the n idle connections the server has closed (EOF or a
 * reset waiting, seen without blocking). */
static int idle_closed(const int *fds, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		char b;
		ssize_t r = recv(fds[i], &b, 1, MSG_DONTWAIT);

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			k++;
	}
	return k;
}

int main(int argc, char **argv)
{
	struct buf in = { NULL, 0, 0 };
	struct peer *peers;
	char tmp[4096];
	int c, nconn = 1, interactive = 0, status = 0, nidle = 0, measure = 0, wait_ms = 0;
	int *idle = NULL;
	unsigned timeout = 10;
	double t0;
	struct rlimit rl;
	ssize_t k;

	while ((c = getopt(argc, argv, "t:c:in:w:m")) != -1) {
		switch (c) {
		case 't': timeout = (unsigned)atoi(optarg); break;
		case 'c': nconn = atoi(optarg); break;
		case 'i': interactive = 1; break;
		case 'n': nidle = atoi(optarg); break;
		case 'm': measure = 1; break;
		case 'w': wait_ms = atoi(optarg); break;
		default: return 2;
		}
	}
	if (optind + 1 != argc || nconn < 1 || nidle < 0 || wait_ms < 0) {
		fprintf(stderr, "usage: policy_client [-t SECONDS] [-c N] [-i] [-n IDLE [-w MS]] [-m] "
		                "ADDR < REQUESTS\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGALRM, on_alarm);
	alarm(timeout);
	put(&in, "", 0);
	while ((k = read(STDIN_FILENO, tmp, sizeof tmp)) > 0)
		put(&in, tmp, (size_t)k);
	peers = calloc((size_t)nconn, sizeof *peers);
	idle = calloc((size_t)nidle + 1, sizeof *idle);
	if (peers == NULL || idle == NULL)
		die("calloc");
	for (int i = 0; i < nidle; i++)
		idle[i] = connect_to(argv[optind]);
	if (wait_ms > 0)
		poll(NULL, 0, wait_ms);
	t0 = now_ms();
	for (int i = 0; i < nconn; i++)
		peers[i].fd = connect_to(argv[optind]);

	if (!interactive) {
		struct pollfd *pfd = calloc((size_t)nconn, sizeof *pfd);
		int open_peers = nconn;

		if (pfd == NULL)
			die("calloc");
		for (int i = 0; i < nconn; i++)
			if (in.len == 0)
				shutdown(peers[i].fd, SHUT_WR);
		while (open_peers > 0) {
			for (int i = 0; i < nconn; i++) {
				pfd[i].fd = peers[i].eof ? -1 : peers[i].fd;
				pfd[i].events = POLLIN | (peers[i].sent < in.len ? POLLOUT : 0);
				pfd[i].revents = 0;
			}
			if (poll(pfd, (nfds_t)nconn, -1) < 0) {
				if (errno == EINTR)
					continue;
				die("poll");
			}
			for (int i = 0; i < nconn; i++) {
				struct peer *p = &peers[i];

				if (pfd[i].revents & POLLOUT && p->sent < in.len) {
					ssize_t w = send(p->fd, in.p + p->sent, in.len - p->sent,
					                 MSG_NOSIGNAL | MSG_DONTWAIT);

					if (w > 0)
						p->sent += (size_t)w;
					else if (w < 0 && errno != EAGAIN && errno != EINTR)
						p->sent = in.len; /* the server hung up */
					if (p->sent == in.len)
						shutdown(p->fd, SHUT_WR);
				}
				if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR) && !p->eof &&
				    read_some(p) == 0) {
					p->eof = 1;
					p->sent = in.len;
					open_peers--;
				}
			}
		}
		free(pfd);
	} else {
		size_t off = 0, nreq = 0;

		while (off < in.len) {
			char *end = strstr(in.p + off, "\n\n");
			size_t len = end != NULL ? (size_t)(end + 2 - (in.p + off)) : in.len - off;

			nreq++;
			for (int i = 0; i < nconn; i++)
				send_all(&peers[i], in.p + off, len);
			for (int i = 0; i < nconn; i++)
				while (!peers[i].closed && answers(&peers[i].got) < nreq)
					if (read_some(&peers[i]) == 0)
						peers[i].closed = 1;
			off += len;
		}
	}
	if (measure)
		fprintf(stderr, "policy_client: answered in %.3f ms\n", now_ms() - t0);
	if (nidle > 0)
		fprintf(stderr, "policy_client: %d idle connections, %d closed by the server\n", nidle,
		        idle_closed(idle, nidle));
	for (int i = 0; i < nidle; i++)
		close(idle[i]);
	free(idle);
	for (int i = 0; i < nconn; i++) {
		if (interactive && peers[i].closed)
			put(&peers[i].got, "[closed]\n", 9);
		if (peers[i].got.len != peers[0].got.len ||
		    memcmp(peers[i].got.p ? peers[i].got.p : "", peers[0].got.p ? peers[0].got.p : "",
		           peers[0].got.len) != 0) {
			fprintf(stderr, "policy_client: connection %d got other bytes than 1\n", i + 1);
			status = 1;
		}
		close(peers[i].fd);
	}
	if (peers[0].got.len > 0)
		fwrite(peers[0].got.p, 1, peers[0].got.len, stdout);
	for (int i = 0; i < nconn; i++)
		free(peers[i].got.p);
	free(peers);
	free(in.p);
	return status;
}
