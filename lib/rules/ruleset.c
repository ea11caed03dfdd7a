/*
 * ruleset.c - the rule set a handle uses: loaded from a file or the
 * defaults compiled in, swapped whole under readers (reference counted), and
 * the defaults loaded on first use by a handle that never loaded any.
 */
#include "error.h"
#include "handle.h"
#include "record.h"
#include "rules.h"

/* The handle's rules with a reference taken (defaults loaded on first use). */
int quell__rules_get(quell *h, struct quell__rules **out)
{
	char err[QUELL__ERRMSG_MAX];
	struct quell__rules *r = NULL;
	int rc;

	pthread_mutex_lock(&h->rules_lock);
	if (h->rules == NULL) {
		rc = quell__rules_load((const char *)quell__default_rules, quell__default_rules_len,
		                       "<default rules>", &h->rules, err, sizeof err);
		if (rc != 0) {
			pthread_mutex_unlock(&h->rules_lock);
			return quell__error(h, rc == QUELL_ENOMEM ? rc : QUELL_EINTERNAL,
			                    "default rules: %s", err);
		}
	}
	r = quell__rules_ref(h->rules);
	pthread_mutex_unlock(&h->rules_lock);
	*out = r;
	return 0;
}

int quell_rules_load(quell *h, const char *path)
{
	char err[QUELL__ERRMSG_MAX];
	struct quell__rules *r = NULL, *old;
	int rc;

	if (h == NULL)
		return QUELL_EINVAL;
	if (path == NULL)
		rc = quell__rules_load((const char *)quell__default_rules, quell__default_rules_len,
		                       "<default rules>", &r, err, sizeof err);
	else
		rc = quell__rules_load_file(path, &r, err, sizeof err);
	if (rc != 0)
		return quell__error(h, rc, "%s", err);
	pthread_mutex_lock(&h->rules_lock);
	old = h->rules;
	h->rules = r;
	pthread_mutex_unlock(&h->rules_lock);
	quell__rules_unref(old);
	return 0;
}

int quell_rules_check(quell *h, const char *path, quell_rules_error_cb cb, void *payload,
                      size_t *nrules)
{
	char err[QUELL__ERRMSG_MAX];
	struct quell__rules *r = NULL;
	int rc;

	if (h == NULL)
		return QUELL_EINVAL;
	rc = quell__rules_check(NULL, 0, path, cb, payload, &r, err, sizeof err);
	if (rc != 0)
		return quell__error(h, rc, "%s", err);
	if (nrules != NULL)
		*nrules = quell__rules_count(r);
	quell__rules_unref(r);
	return 0;
}

int quell_rules_count(quell *h, size_t *count)
{
	struct quell__rules *r;
	int rc;

	if (h == NULL || count == NULL)
		return quell__error(h, QUELL_EINVAL, "rules_count: NULL argument");
	if ((rc = quell__rules_get(h, &r)) != 0)
		return rc;
	*count = quell__rules_count(r);
	quell__rules_unref(r);
	return 0;
}
