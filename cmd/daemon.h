/*
 * daemon.h - what the long-running commands (`quell policyd`, `quell
 * serve`) share besides their event loop: giving up root after binding
 * (--user USER[:GROUP]) and where log lines go (--syslog).
 *
 *   --user USER[:GROUP]  after the sockets are made, as root: the
 *                        supplementary groups of USER (initgroups(3); only
 *                        GROUP when given), setgid(GROUP, else USER's
 *                        primary group), setuid(USER), each checked, and
 *                        then checked again that root cannot be regained;
 *                        any failure ends the command (it never goes on as
 *                        root after a failed drop).  Not root: only the
 *                        user and group it already runs as are accepted
 *                        (a no-op, so that one unit file fits both ways).
 *   --syslog             log lines go to syslog(3) (ident "quell",
 *                        facility LOG_MAIL, as Postfix's), not stderr
 *                        (which journald reads under systemd).
 *
 * Also the number and group lookups both servers' options share
 * (--user, policyd's --socket-owner, the PORT of inet:HOST:PORT).
 *
 * Knows nothing of sockets, requests or the database.
 */
#ifndef QUELL_CLI_DAEMON_H
#define QUELL_CLI_DAEMON_H

#include <sys/types.h>

#include "cli.h"

struct daemon_user {
	const char *spec;  /* --user as given, or NULL */
	char name[64];     /* USER's name (for initgroups) */
	uid_t uid;
	gid_t gid;
	int group_given;   /* USER:GROUP: GROUP alone, no supplementary groups */
};

/* A decimal number s, all digits (no sign, no space), into v: 0, or -1
 * when s is empty, not all digits or out of range. */
int daemon_number(const char *s, unsigned long *v);

/* Group name, else number, into gid: 0, or -1 when there is no such
 * group (and name is no number below (gid_t)-1). */
int daemon_gid(const char *name, gid_t *gid);

/* Parse --user USER[:GROUP] (names or numbers) into u: 0, or 64 after a
 * usage error (printed). */
int daemon_user_parse(struct cli *cli, const char *spec, struct daemon_user *u);

/* Become u (parsed before; u->spec NULL: nothing to do): 0, or 74 with
 * the failed step printed. */
int daemon_user_drop(struct cli *cli, const struct daemon_user *u);

/* --syslog: open the log (ident "quell", LOG_MAIL) and send cli's log
 * lines there from now on. */
void daemon_syslog(struct cli *cli);

#endif
