/*
 * daemon.c - giving up root (--user), logging to syslog (--syslog) and
 * the name-or-number lookups of users and groups for the long-running
 * commands; daemon.h says what each does.  Knows
 * nothing of sockets, requests or the database.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"

int daemon_number(const char *s, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

int daemon_gid(const char *name, gid_t *gid)
{
	struct group *gr = getgrnam(name);
	unsigned long v;

	if (gr != NULL)
		*gid = gr->gr_gid;
	else if (daemon_number(name, &v) == 0 && v < (unsigned long)(gid_t)-1)
		*gid = (gid_t)v;
	else
		return -1;
	return 0;
}

static int group_of(struct cli *cli, const char *name, struct daemon_user *u)
{
	if (daemon_gid(name, &u->gid) != 0)
		return cli_usage_error(cli, "--user: no group '%s'", name);
	u->group_given = 1;
	return 0;
}

int daemon_user_parse(struct cli *cli, const char *spec, struct daemon_user *u)
{
	const char *colon = strchr(spec, ':');
	size_t ulen = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	struct passwd *pw;
	unsigned long v;

	memset(u, 0, sizeof *u);
	u->spec = spec;
	if (ulen == 0)
		return cli_usage_error(cli, "--user: give USER or USER:GROUP");
	if (ulen >= sizeof u->name)
		return cli_usage_error(cli, "--user: user name too long");
	memcpy(u->name, spec, ulen);
	u->name[ulen] = '\0';
	pw = getpwnam(u->name);
	if (pw == NULL && daemon_number(u->name, &v) == 0 && v < (unsigned long)(uid_t)-1)
		pw = getpwuid((uid_t)v);
	if (pw == NULL)
		return cli_usage_error(cli, "--user: no user '%s'", u->name);
	if (strlen(pw->pw_name) >= sizeof u->name)
		return cli_usage_error(cli, "--user: user name too long");
	memcpy(u->name, pw->pw_name, strlen(pw->pw_name) + 1);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (colon != NULL)
		return colon[1] == '\0' ? cli_usage_error(cli, "--user: empty group after ':'")
		                        : group_of(cli, colon + 1, u);
	return 0;
}

static int failed(struct cli *cli, const struct daemon_user *u, const char *step)
{
	cli_warn(cli, "--user %s: %s: %s; stopped", u->spec, step, strerror(errno));
	return CLI_EX_IOERR;
}

int daemon_user_drop(struct cli *cli, const struct daemon_user *u)
{
	if (u->spec == NULL)
		return 0;
	if (geteuid() != 0) {
		if (geteuid() == u->uid && getegid() == u->gid)
			return 0;
		cli_warn(cli, "--user %s: only root can change user (running as uid %lu); stopped",
		         u->spec, (unsigned long)geteuid());
		return CLI_EX_IOERR;
	}
	if (u->group_given ? setgroups(1, &u->gid) != 0 : initgroups(u->name, u->gid) != 0)
		return failed(cli, u, "setgroups");
	if (setgid(u->gid) != 0)
		return failed(cli, u, "setgid");
	if (setuid(u->uid) != 0)
		return failed(cli, u, "setuid");
	/* root must be gone for good (unless USER is root) */
	if (u->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		errno = EPERM;
		return failed(cli, u, "root could be regained");
	}
	if (getuid() != u->uid || geteuid() != u->uid || getgid() != u->gid ||
	    getegid() != u->gid) {
		errno = EPERM;
		return failed(cli, u, "ids not changed");
	}
	return 0;
}

void daemon_syslog(struct cli *cli)
{
	openlog("quell", LOG_PID | LOG_NDELAY, LOG_MAIL);
	cli->syslog = 1;
}
