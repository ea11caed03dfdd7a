/*
 * netaddr.c - splitting inet:HOST:PORT, listening on it and naming the
 * bound address, for both servers; netaddr.h says what each does.  Knows
 * nothing of unix sockets, requests or the database.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "daemon.h"
#include "netaddr.h"

const char *netaddr_split(const char *spec, char *host, size_t hsize, char port[8])
{
	const char *colon = strrchr(spec, ':');
	unsigned long p;
	size_t n;

	if (colon == NULL || daemon_number(colon + 1, &p) != 0 || p > 65535)
		return "--listen: inet:HOST:PORT, PORT a number";
	n = (size_t)(colon - spec);
	if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']') {
		spec++;
		n -= 2;
	}
	if (n == 0 || n >= hsize)
		return "--listen: inet:HOST:PORT, HOST missing or too long";
	memcpy(host, spec, n);
	host[n] = '\0';
	snprintf(port, 8, "%lu", p);
	return NULL;
}

static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

int netaddr_listen_tcp(const char *host, const char *port, int *loopback, int *gai)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, one = 1, err = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	*gai = getaddrinfo(host, port, &hints, &res);
	if (*gai != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		            ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0) {
			if (loopback != NULL)
				*loopback = is_loopback(ai->ai_addr);
			break;
		}
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		errno = err;
	return fd;
}

void netaddr_bound(int fd, char *where, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	memset(&ss, 0, sizeof ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
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
	snprintf(where, size, ss.ss_family == AF_INET6 ? "inet:[%s]:%d" : "inet:%s:%d", host, port);
}
