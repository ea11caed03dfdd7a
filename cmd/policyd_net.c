/*
 * policyd_net.c - the listening socket of `quell policyd`.
 *
 *   unix:PATH          a Unix stream socket; a stale socket file at PATH
 *                      (nobody answers a connect) is removed, a live one
 *                      or any other file is refused.  The file is made
 *                      under umask 0177, then given --socket-owner and
 *                      --socket-mode, so it is never open wider than asked.
 *   inet:HOST:PORT     a TCP socket; HOST a name or address, [IPv6] in
 *                      brackets; PORT a number (0: the system picks one,
 *                      and the startup line says which).
 *
 * Also the limit of open files the loop needs (policyd_raise_nofile).
 * Non-blocking, close-on-exec.  On exit the unix socket file is removed
 * only if it is still the one we made (same device and inode).  Knows
 * nothing of requests or of the database.
 */
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "policyd.h"

#define FDS_OTHER 16 /* descriptors besides the clients: stdio, the database,
                        the sockets, the epoll set */

static int number(const char *s, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

int policyd_owner(struct policyd *pd, const char *spec)
{
	const char *colon = strchr(spec, ':');
	char user[256];
	size_t ulen = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	unsigned long v;

	pd->uid = (uid_t)-1;
	pd->gid = (gid_t)-1;
	if (ulen >= sizeof user)
		return cli_usage_error(pd->cli, "--socket-owner: user name too long");
	memcpy(user, spec, ulen);
	user[ulen] = '\0';
	if (ulen > 0) {
		struct passwd *pw = getpwnam(user);

		if (pw != NULL)
			pd->uid = pw->pw_uid;
		else if (number(user, &v) == 0 && v < (unsigned long)(uid_t)-1)
			pd->uid = (uid_t)v;
		else
			return cli_usage_error(pd->cli, "--socket-owner: no user '%s'", user);
	}
	if (colon != NULL && colon[1] != '\0') {
		struct group *gr = getgrnam(colon + 1);

		if (gr != NULL)
			pd->gid = gr->gr_gid;
		else if (number(colon + 1, &v) == 0 && v < (unsigned long)(gid_t)-1)
			pd->gid = (gid_t)v;
		else
			return cli_usage_error(pd->cli, "--socket-owner: no group '%s'", colon + 1);
	}
	if (pd->uid == (uid_t)-1 && pd->gid == (gid_t)-1)
		return cli_usage_error(pd->cli, "--socket-owner: give USER, USER:GROUP or :GROUP");
	return 0;
}

static int fail(struct policyd *pd, const char *what)
{
	cli_warn(pd->cli, "%s: %s", what, strerror(errno));
	if (pd->lfd >= 0)
		close(pd->lfd);
	pd->lfd = -1;
	return CLI_EX_IOERR;
}

/* A socket file at path: 0 when there is none (any more), else an exit
 * status (printed). */
static int clear_path(struct policyd *pd, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) != 0)
		return errno == ENOENT ? 0 : fail(pd, sa->sun_path);
	if (!S_ISSOCK(st.st_mode)) {
		cli_warn(pd->cli, "%s: exists and is not a socket", sa->sun_path);
		return CLI_EX_IOERR;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(pd, "socket");
	rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	if (rc == 0) {
		cli_warn(pd->cli, "%s: a server is listening there already", sa->sun_path);
		return CLI_EX_IOERR;
	}
	if (errno != ECONNREFUSED)
		return fail(pd, sa->sun_path);
	if (unlink(sa->sun_path) != 0 && errno != ENOENT)
		return fail(pd, sa->sun_path);
	policyd_info(pd, "removed the stale socket %s", sa->sun_path);
	return 0;
}

static int listen_unix(struct policyd *pd)
{
	const char *path = pd->path;
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int rc;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((rc = clear_path(pd, &sa)) != 0)
		return rc;
	pd->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (pd->lfd < 0)
		return fail(pd, "socket");
	old = umask(0177);
	rc = bind(pd->lfd, (const struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0)
		return fail(pd, path);
	if (lstat(path, &st) != 0)
		return fail(pd, path);
	pd->is_unix = 1; /* ours: removed at the end, or on a failure below */
	pd->dev = st.st_dev;
	pd->ino = st.st_ino;
	if ((pd->uid != (uid_t)-1 || pd->gid != (gid_t)-1) && chown(path, pd->uid, pd->gid) != 0)
		return fail(pd, "--socket-owner");
	if (chmod(path, pd->mode) != 0)
		return fail(pd, "--socket-mode");
	if (listen(pd->lfd, SOMAXCONN) != 0)
		return fail(pd, "listen");
	snprintf(pd->where, sizeof pd->where, "unix:%s", path);
	return 0;
}

/* "inet:ADDR:PORT" of the bound socket. */
static void bound(struct policyd *pd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (getsockname(pd->lfd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *in = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
			port = ntohs(in->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
			port = ntohs(in6->sin6_port);
		}
	}
	if (ss.ss_family == AF_INET6)
		snprintf(pd->where, sizeof pd->where, "inet:[%s]:%d", host, port);
	else
		snprintf(pd->where, sizeof pd->where, "inet:%s:%d", host, port);
}

static int listen_inet(struct policyd *pd)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc, one = 1, err = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(pd->host, pd->port, &hints, &res);
	if (rc != 0) {
		cli_warn(pd->cli, "--listen: %s: %s", pd->host, gai_strerror(rc));
		return CLI_EX_IOERR;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		pd->lfd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		                 ai->ai_protocol);
		if (pd->lfd < 0) {
			err = errno;
			continue;
		}
		setsockopt(pd->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(pd->lfd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(pd->lfd, SOMAXCONN) == 0)
			break;
		err = errno;
		close(pd->lfd);
		pd->lfd = -1;
	}
	freeaddrinfo(res);
	if (pd->lfd < 0) {
		errno = err;
		return fail(pd, pd->listen);
	}
	bound(pd);
	return 0;
}

int policyd_parse_listen(struct policyd *pd)
{
	const char *spec = pd->listen + 5, *colon;
	unsigned long port;
	size_t n;

	if (strncmp(pd->listen, "unix:", 5) == 0) {
		n = strlen(spec);
		if (n == 0 || n >= sizeof pd->path || n >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return -cli_usage_error(pd->cli, "--listen: a socket path of 1 to %zu bytes",
			                        sizeof pd->path - 1);
		memcpy(pd->path, spec, n + 1);
		return 1;
	}
	if (strncmp(pd->listen, "inet:", 5) != 0)
		return -cli_usage_error(pd->cli, "--listen: unix:PATH or inet:HOST:PORT, not '%s'",
		                        pd->listen);
	colon = strrchr(spec, ':');
	if (colon == NULL || number(colon + 1, &port) != 0 || port > 65535)
		return -cli_usage_error(pd->cli, "--listen: inet:HOST:PORT, PORT a number");
	n = (size_t)(colon - spec);
	if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']') {
		spec++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof pd->host)
		return -cli_usage_error(pd->cli, "--listen: inet:HOST:PORT, HOST missing or too long");
	memcpy(pd->host, spec, n);
	pd->host[n] = '\0';
	snprintf(pd->port, sizeof pd->port, "%lu", port);
	return 0;
}

int policyd_listen(struct policyd *pd)
{
	pd->lfd = -1;
	return pd->path[0] != '\0' ? listen_unix(pd) : listen_inet(pd);
}

void policyd_unlisten(struct policyd *pd)
{
	struct stat st;

	if (pd->lfd >= 0)
		close(pd->lfd);
	pd->lfd = -1;
	if (pd->is_unix && lstat(pd->path, &st) == 0 && st.st_dev == pd->dev &&
	    st.st_ino == pd->ino)
		unlink(pd->path);
	pd->is_unix = 0;
}

/* As many descriptors as allowed: --max-connections may be more than the
 * soft limit.  When they are still fewer, say so once: EMFILE then finds
 * a connection to close. */
void policyd_raise_nofile(struct policyd *pd)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && pd->max_conns + FDS_OTHER > rl.rlim_cur)
		policyd_info(pd, "--max-connections %zu: only %llu open files allowed; the "
		             "longest-idle connection makes room before that", pd->max_conns,
		             (unsigned long long)rl.rlim_cur);
}
