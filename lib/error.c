/*
 * error.c - per-thread error messages of a handle, and the names of codes.
 *
 * Each handle owns a pthread key; a thread's first failure allocates its
 * message buffer, freed when the thread exits or the handle closes.  When
 * that allocation itself fails, quell_errmsg() says "out of memory".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "handle.h"

/* What a thread's slot holds when its message buffer could not be
 * allocated (never written, never freed). */
static char oom_msg[] = "out of memory";

static void drop(void *buf)
{
	if (buf != oom_msg)
		free(buf);
}

int quell__error_init(quell *h)
{
	if (pthread_key_create(&h->errkey, drop) != 0)
		return QUELL_ENOMEM;
	h->errkey_ok = 1;
	return 0;
}

void quell__error_fini(quell *h)
{
	if (!h->errkey_ok)
		return;
	drop(pthread_getspecific(h->errkey));
	pthread_setspecific(h->errkey, NULL);
	pthread_key_delete(h->errkey);
	h->errkey_ok = 0;
}

static char *slot(const quell *h, int create)
{
	char *buf;

	if (h == NULL || !h->errkey_ok)
		return NULL;
	buf = pthread_getspecific(h->errkey);
	if ((buf == NULL || buf == oom_msg) && create) {
		char *nb = calloc(1, QUELL__ERRMSG_MAX);

		if (nb == NULL || pthread_setspecific(h->errkey, nb) != 0) {
			free(nb);
			/* no room for the message: quell_errmsg() says why */
			(void)pthread_setspecific(h->errkey, oom_msg);
			return NULL;
		}
		buf = nb;
	}
	return buf == oom_msg ? NULL : buf;
}

int quell__error(const quell *h, int code, const char *fmt, ...)
{
	char *buf = slot(h, 1);
	va_list ap;
	int n;

	if (buf == NULL)
		return code;
	va_start(ap, fmt);
	n = vsnprintf(buf, QUELL__ERRMSG_MAX, fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(buf, QUELL__ERRMSG_MAX, "%s", quell_strerror(code));
	/* one line: fold any newline that came in through a %s */
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return code;
}

void quell__error_clear(const quell *h)
{
	char *buf = h != NULL && h->errkey_ok ? pthread_getspecific(h->errkey) : NULL;

	if (buf == oom_msg)
		(void)pthread_setspecific(h->errkey, NULL);
	else if (buf != NULL)
		buf[0] = '\0';
}

const char *quell_errmsg(const quell *h)
{
	char *buf;

	if (h == NULL)
		return oom_msg;
	buf = h->errkey_ok ? pthread_getspecific(h->errkey) : NULL;
	return buf != NULL ? buf : "";
}

const char *quell_strerror(int code)
{
	switch (code) {
	case QUELL_OK: return "success";
	case QUELL_ENOMEM: return oom_msg;
	case QUELL_EINVAL: return "invalid argument";
	case QUELL_EADDRESS: return "invalid address";
	case QUELL_EDATA: return "bad input data";
	case QUELL_ENOTFOUND: return "not found";
	case QUELL_ENODB: return "no such database";
	case QUELL_EIO: return "input/output error";
	case QUELL_EDB: return "database error";
	case QUELL_EREADONLY: return "database is open read-only";
	case QUELL_EINTERNAL: return "internal error";
	case QUELL_ECANCELED: return "canceled";
	default: return "unknown error";
	}
}
