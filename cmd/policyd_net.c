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
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"
#include "netaddr.h"
#include "policyd.h"

#define FDS_OTHER 16 /* descriptors besides the clients: stdio, the database,
                        the sockets, the epoll set */

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
		else if (daemon_number(user, &v) == 0 && v < (unsigned long)(uid_t)-1)
			pd->uid = (uid_t)v;
		else
			return cli_usage_error(pd->cli, "--socket-owner: no user '%s'", user);
	}
	if (colon != NULL && colon[1] != '\0' && daemon_gid(colon + 1, &pd->gid) != 0)
		return cli_usage_error(pd->cli, "--socket-owner: no group '%s'", colon + 1);
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

static int listen_inet(struct policyd *pd)
{
	int gai;

	pd->lfd = netaddr_listen_tcp(pd->host, pd->port, NULL, &gai);
	if (gai != 0) {
		cli_warn(pd->cli, "--listen: %s: %s", pd->host, gai_strerror(gai));
		return CLI_EX_IOERR;
	}
	if (pd->lfd < 0)
		return fail(pd, pd->listen);
	netaddr_bound(pd->lfd, pd->where, sizeof pd->where);
	return 0;
}

int policyd_parse_listen(struct policyd *pd)
{
	const char *spec = pd->listen + 5, *msg;
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
	msg = netaddr_split(spec, pd->host, sizeof pd->host, pd->port);
	if (msg != NULL)
		return -cli_usage_error(pd->cli, "%s", msg);
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
