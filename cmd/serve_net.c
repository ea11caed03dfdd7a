/*
 * serve_net.c - the listening sockets and the connections of `quell serve`.
 *
 *   unix:PATH        a Unix stream socket (mode 0660; a stale socket file
 *                    is removed, a live one or any other file refused)
 *   inet:HOST:PORT   TCP; [IPv6] in brackets; port 0: any free one, named
 *                    in the startup line
 *
 * A listener is "loopback" when it is a unix socket or every address it
 * is bound to is 127.0.0.0/8 or ::1; cmd_serve.c refuses any other one
 * without --tokens.
 *
 * We accept connections ourselves and hand them to libmicrohttpd
 * (MHD_add_connection; MHD has no listening socket of its own), so that
 * the main thread's loop owns every socket, and so that at the connection
 * limit the longest-idle connection can be closed for a new client (MHD
 * only refuses the new one: 1000 idle connections would lock real clients
 * out).  The table of open connections is kept from MHD's connection
 * notifications; "idle" is the time since the last request ended (or
 * since the accept), never a connection inside a request.  Closing one is
 * shutdown(2) on its socket, under the table's lock, so MHD, which sees
 * end of file and closes it, cannot have reused the descriptor meanwhile
 * (MHD tells us, taking the same lock, before it closes).  Knows nothing
 * of HTTP requests or of the database.  MHD takes a new connection on
 * its worker thread, a moment after MHD_add_connection returned: until
 * its notification comes it counts as pending, so that a burst of
 * clients cannot pass the limit unseen.
 */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "netaddr.h"
#include "serve.h"

struct serve_conn {
	int fd;
	int busy, evicted;
	int64_t last_ms;
	size_t slot; /* index in srv->conns */
	struct serve_req req;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fail(struct serve *srv, struct serve_listener *l, const char *what)
{
	cli_warn(srv->cli, "%s: %s", what, strerror(errno));
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	return CLI_EX_IOERR;
}

/* A socket file at path: 0 when there is none (any more), else an exit
 * status (printed). */
static int clear_path(struct serve *srv, struct serve_listener *l, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) != 0)
		return errno == ENOENT ? 0 : fail(srv, l, sa->sun_path);
	if (!S_ISSOCK(st.st_mode)) {
		cli_warn(srv->cli, "%s: exists and is not a socket", sa->sun_path);
		return CLI_EX_IOERR;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(srv, l, "socket");
	rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	if (rc == 0) {
		cli_warn(srv->cli, "%s: a server is listening there already", sa->sun_path);
		return CLI_EX_IOERR;
	}
	if (errno != ECONNREFUSED || (unlink(sa->sun_path) != 0 && errno != ENOENT))
		return fail(srv, l, sa->sun_path);
	serve_info(srv, "removed the stale socket %s", sa->sun_path);
	return 0;
}

static int listen_unix(struct serve *srv, struct serve_listener *l, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int rc;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (*path == '\0' || strlen(path) >= sizeof sa.sun_path)
		return cli_usage_error(srv->cli, "--listen: a socket path of 1 to %zu bytes",
		                       sizeof sa.sun_path - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((rc = clear_path(srv, l, &sa)) != 0)
		return rc;
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return fail(srv, l, "socket");
	old = umask(0117);
	rc = bind(l->fd, (const struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0 || lstat(path, &st) != 0)
		return fail(srv, l, path);
	memcpy(l->path, path, strlen(path) + 1);
	l->is_unix = 1;
	l->loopback = 1;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	if (listen(l->fd, SOMAXCONN) != 0)
		return fail(srv, l, "listen");
	snprintf(l->where, sizeof l->where, "unix:%s", path);
	return 0;
}

static int listen_inet(struct serve *srv, struct serve_listener *l, const char *spec)
{
	char host[256], port[8];
	const char *msg = netaddr_split(spec, host, sizeof host, port);
	int gai;

	if (msg != NULL)
		return cli_usage_error(srv->cli, "%s", msg);
	l->fd = netaddr_listen_tcp(host, port, &l->loopback, &gai);
	if (gai != 0) {
		cli_warn(srv->cli, "--listen: %s: %s", host, gai_strerror(gai));
		return CLI_EX_IOERR;
	}
	if (l->fd < 0)
		return fail(srv, l, l->spec);
	netaddr_bound(l->fd, l->where, sizeof l->where);
	return 0;
}

int serve_listen(struct serve *srv)
{
	int rc = 0;

	for (size_t i = 0; i < srv->nlisten && rc == 0; i++) {
		struct serve_listener *l = &srv->listen[i];

		l->fd = -1;
		if (strncmp(l->spec, "unix:", 5) == 0)
			rc = listen_unix(srv, l, l->spec + 5);
		else if (strncmp(l->spec, "inet:", 5) == 0)
			rc = listen_inet(srv, l, l->spec + 5);
		else
			rc = cli_usage_error(srv->cli, "--listen: unix:PATH or inet:HOST:PORT, not '%s'",
			                     l->spec);
	}
	return rc;
}

void serve_unlisten(struct serve *srv)
{
	struct stat st;

	for (size_t i = 0; i < srv->nlisten; i++) {
		struct serve_listener *l = &srv->listen[i];

		if (l->fd >= 0)
			close(l->fd);
		l->fd = -1;
		if (l->is_unix && lstat(l->path, &st) == 0 && st.st_dev == l->dev &&
		    st.st_ino == l->ino)
			unlink(l->path);
		l->is_unix = 0;
	}
}

/* ------------------------------------------------------- the connections */

struct serve_req *serve_conn_req(struct serve_conn *c)
{
	return &c->req;
}

struct serve_conn *serve_conn_open(struct serve *srv, int fd)
{
	struct serve_conn *c = malloc(sizeof *c);

	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->busy = 0;
	c->evicted = 0;
	c->last_ms = mono_ms();
	memset(&c->req, 0, offsetof(struct serve_req, scratch));
	pthread_mutex_lock(&srv->conns_lock);
	if (srv->nconns == srv->conns_cap) {
		size_t cap = srv->conns_cap ? srv->conns_cap * 2 : 64;
		struct serve_conn **t = realloc(srv->conns, cap * sizeof *t);

		if (t == NULL) {
			pthread_mutex_unlock(&srv->conns_lock);
			free(c);
			return NULL;
		}
		srv->conns = t;
		srv->conns_cap = cap;
	}
	c->slot = srv->nconns;
	srv->conns[srv->nconns++] = c;
	if (srv->pending > 0)
		srv->pending--;
	pthread_mutex_unlock(&srv->conns_lock);
	return c;
}

/* Called by MHD before it closes the socket (under the lock: see above). */
void serve_conn_close(struct serve *srv, struct serve_conn *c)
{
	struct serve_conn *last;

	pthread_mutex_lock(&srv->conns_lock);
	last = srv->conns[--srv->nconns];
	last->slot = c->slot;
	srv->conns[c->slot] = last;
	pthread_mutex_unlock(&srv->conns_lock);
	free(c->req.body);
	if (c->req.cache_free != NULL)
		c->req.cache_free(c->req.cache);
	free(c);
}

void serve_conn_busy(struct serve *srv, struct serve_conn *c, int busy)
{
	(void)srv;
	/* one writer (the connection's thread); the evictor reads it under
	 * the lock and at worst picks a connection that just became busy */
	__atomic_store_n(&c->busy, busy, __ATOMIC_RELAXED);
	__atomic_store_n(&c->last_ms, mono_ms(), __ATOMIC_RELAXED);
}

/* Under conns_lock: shut the longest-idle connection down; 1 if one was. */
static int evict_one(struct serve *srv)
{
	struct serve_conn *best = NULL;
	int64_t best_ms = INT64_MAX;

	for (size_t i = 0; i < srv->nconns; i++) {
		struct serve_conn *c = srv->conns[i];
		int64_t t = __atomic_load_n(&c->last_ms, __ATOMIC_RELAXED);

		if (!c->evicted && !__atomic_load_n(&c->busy, __ATOMIC_RELAXED) && t < best_ms) {
			best = c;
			best_ms = t;
		}
	}
	if (best == NULL)
		return 0;
	best->evicted = 1;
	shutdown(best->fd, SHUT_RDWR);
	return 1;
}

/* Room for one more connection: 1, or 0 when every one is busy. */
static int make_room(struct serve *srv)
{
	int ok = 1;
	size_t evicting = 0;

	pthread_mutex_lock(&srv->conns_lock);
	for (size_t i = 0; i < srv->nconns; i++)
		evicting += srv->conns[i]->evicted != 0;
	if (srv->nconns + srv->pending - evicting >= srv->max_conns) {
		ok = evict_one(srv);
		if (ok)
			atomic_fetch_add(&srv->m.evicted, 1);
	}
	if (ok)
		srv->pending++;
	pthread_mutex_unlock(&srv->conns_lock);
	return ok;
}

void serve_accept(struct serve *srv, int lfd)
{
	for (int n = 0; n < 64; n++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				/* out of descriptors: make room as for the limit; the
				 * client waits in the backlog for the next round */
				pthread_mutex_lock(&srv->conns_lock);
				if (evict_one(srv))
					atomic_fetch_add(&srv->m.evicted, 1);
				pthread_mutex_unlock(&srv->conns_lock);
				usleep(1000);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			           errno != ECONNABORTED) {
				cli_warn(srv->cli, "accept: %s", strerror(errno));
			}
			return;
		}
		if (!make_room(srv)) {
			atomic_fetch_add(&srv->m.refused, 1);
			close(fd);
			continue;
		}
		/* MHD closes fd itself when it fails */
		if (MHD_add_connection(srv->mhd, fd, (const struct sockaddr *)&ss, len) != MHD_YES) {
			atomic_fetch_add(&srv->m.refused, 1);
			pthread_mutex_lock(&srv->conns_lock);
			if (srv->pending > 0)
				srv->pending--;
			pthread_mutex_unlock(&srv->conns_lock);
		}
	}
}
