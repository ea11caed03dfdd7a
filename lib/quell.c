/*
 * quell.c - the handle: open, reopen (the data file replaced under a
 * long-running handle), close, and the address entry points that need
 * the handle's settings (lowercase_local_part, public suffix data).
 *
 * Public suffix data (libpsl) is loaded on the first domain entry, not at
 * open: the check path never needs it.
 */
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "error.h"
#include "handle.h"
#include "rules.h"
#include "store.h"

int quell_open(const char *dir, const struct quell_options *opts, quell **out)
{
	struct quell_options def = QUELL_OPTIONS_INIT;
	quell *h;
	int rc;

	if (out == NULL)
		return QUELL_EINVAL;
	*out = NULL;
	if (opts == NULL)
		opts = &def;
	h = calloc(1, sizeof *h);
	if (h == NULL)
		return QUELL_ENOMEM;
	if (quell__error_init(h) != 0) {
		free(h);
		return QUELL_ENOMEM;
	}
	*out = h;
	if (pthread_mutex_init(&h->rules_lock, NULL) != 0)
		return quell__error(h, QUELL_ENOMEM, "cannot set up a lock");
	h->rules_lock_ok = 1;
	if (pthread_mutex_init(&h->psl_lock, NULL) != 0)
		return quell__error(h, QUELL_ENOMEM, "cannot set up a lock");
	h->psl_lock_ok = 1;
	if (opts->version < 1 || opts->version > QUELL_OPTIONS_VERSION)
		return quell__error(h, QUELL_EINVAL, "options version %u is not supported",
		                    opts->version);
	h->flags = opts->flags;
	h->lowercase_local = opts->lowercase_local_part != 0;
	if (opts->origin != NULL && opts->origin[0] != '\0' &&
	    snprintf(h->origin, sizeof h->origin, "%s", opts->origin) >= (int)sizeof h->origin)
		return quell__error(h, QUELL_EINVAL, "origin longer than %d bytes",
		                    QUELL_NAME_MAX - 1);
	if (opts->flags & QUELL_OPEN_NODB)
		return 0;
	rc = quell__store_open(h, dir, opts->flags, opts->map_size,
	                       opts->version >= 2 ? opts->max_db_size : 0, h->lowercase_local);
	if (rc == 0 && (opts->flags & QUELL_OPEN_FILTER))
		rc = quell__store_filter_init(h);
	return rc;
}

int quell_reopen(quell *h, unsigned int flags, int *changed)
{
	int c = 0, rc;

	if (changed != NULL)
		*changed = 0;
	if (h == NULL)
		return QUELL_EINVAL;
	if (h->store == NULL)
		return quell__error(h, QUELL_EINVAL, "no database is open");
	rc = quell__store_reopen(h, (flags & QUELL_REOPEN_FORCE) != 0, &c);
	if (changed != NULL)
		*changed = c;
	return rc;
}

void quell_close(quell *h)
{
	if (h == NULL)
		return;
	quell__store_close(h->store);
	h->store = NULL;
	quell__rules_unref(h->rules);
	h->rules = NULL;
	if (h->psl != NULL)
		psl_free(h->psl);
	if (h->psl_lock_ok)
		pthread_mutex_destroy(&h->psl_lock);
	if (h->rules_lock_ok)
		pthread_mutex_destroy(&h->rules_lock);
	quell__error_fini(h);
	free(h);
}

int quell_lowercase_local_part(const quell *h)
{
	return h != NULL && h->lowercase_local;
}

const psl_ctx_t *quell__psl(quell *h)
{
	const psl_ctx_t *p;

	pthread_mutex_lock(&h->psl_lock);
	if (h->psl == NULL)
		h->psl = psl_latest(NULL);
	p = h->psl != NULL ? h->psl : psl_builtin();
	pthread_mutex_unlock(&h->psl_lock);
	return p;
}

int quell_address_normalize(quell *h, const char *address, char *out, size_t outsize)
{
	char err[QUELL_ERROR_MAX];
	int rc;

	if (h == NULL || address == NULL || out == NULL)
		return quell__error(h, QUELL_EINVAL, "address_normalize: NULL argument");
	rc = quell__address_parse(address, strlen(address), h->lowercase_local, out, outsize,
	                          NULL, err, sizeof err);
	if (rc == QUELL_EINVAL)
		return quell__error(h, rc, "output buffer too small");
	return rc ? quell__error(h, rc, "%s", err) : 0;
}

int quell_entry_normalize(quell *h, const char *entry, char *out, size_t outsize, int *scope)
{
	char err[QUELL_ERROR_MAX];
	int sc = QUELL_SCOPE_NONE, rc;

	if (h == NULL || entry == NULL || out == NULL)
		return quell__error(h, QUELL_EINVAL, "entry_normalize: NULL argument");
	rc = quell__entry_parse(entry, strlen(entry), h->lowercase_local, quell__psl(h), out,
	                        outsize, &sc, err, sizeof err);
	if (scope != NULL)
		*scope = sc;
	if (rc == QUELL_EINVAL)
		return quell__error(h, rc, "output buffer too small");
	return rc ? quell__error(h, rc, "%s", err) : 0;
}
