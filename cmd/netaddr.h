/*
 * netaddr.h - the TCP side of the listening sockets both servers (`quell
 * policyd`, `quell serve`) make from --listen inet:HOST:PORT: splitting
 * the spec, binding and listening, naming what was bound.  Each caller
 * prints its own messages and keeps its own state.
 *
 * Knows nothing of unix sockets, requests, HTTP or the database.
 */
#ifndef QUELL_CLI_NETADDR_H
#define QUELL_CLI_NETADDR_H

#include <stddef.h>

/* Split "HOST:PORT" ("[V6]:PORT": brackets dropped) into host (hsize
 * bytes) and port (decimal, 0 to 65535): NULL, or the usage message to
 * print ("--listen: ..."). */
const char *netaddr_split(const char *spec, char *host, size_t hsize, char port[8]);

/* A non-blocking, close-on-exec TCP socket listening on the first address
 * of host:port that binds (SO_REUSEADDR): its descriptor; *loopback (when
 * not NULL) 1 if that address is 127.0.0.0/8 or ::1.  -1 on failure:
 * *gai the getaddrinfo(3) error when the name did not resolve, else 0 and
 * errno from the last address tried. */
int netaddr_listen_tcp(const char *host, const char *port, int *loopback, int *gai);

/* "inet:ADDR:PORT" ("inet:[V6]:PORT") of the socket fd is bound to, into
 * where (size bytes); "?" and 0 for what getsockname(2) cannot say. */
void netaddr_bound(int fd, char *where, size_t size);

#endif
