/*
 * mark.c - quell_mark_set and quell_mark_get: a caller's few bytes under a
 * name in the meta table ("mark:NAME"), such as the position a followed
 * log was read to (see quell.h, "marks").
 *
 * Knows nothing of what a mark means; the store (store_table.c) holds the LMDB
 * side.
 */
#include <string.h>

#include "error.h"
#include "store.h"

#define PREFIX "mark:"
#define KEY_MAX (sizeof PREFIX - 1 + QUELL_MARK_NAME_MAX)

/* "mark:NAME" into key; its length, or 0 for a bad name. */
static size_t mark_key(const char *name, char *key)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n >= QUELL_MARK_NAME_MAX)
		return 0;
	memcpy(key, PREFIX, sizeof PREFIX - 1);
	memcpy(key + sizeof PREFIX - 1, name, n);
	return sizeof PREFIX - 1 + n;
}

struct put {
	const char *key;
	size_t klen;
	const void *value;
	size_t len;
};

static int put_fn(quell *h, struct quell__wtxn *w, void *vctx)
{
	const struct put *p = vctx;

	return quell__store_meta_put(h, w, p->key, p->klen, p->value, p->len);
}

int quell_mark_set(quell *h, const char *name, const void *value, size_t len)
{
	char key[KEY_MAX];
	struct put p = { key, 0, value, len };

	if (h == NULL || (value == NULL && len > 0))
		return quell__error(h, QUELL_EINVAL, "mark: NULL argument");
	if ((p.klen = mark_key(name, key)) == 0)
		return quell__error(h, QUELL_EINVAL, "mark: a name of 1 to %d bytes is needed",
		                    QUELL_MARK_NAME_MAX - 1);
	if (len > QUELL_MARK_MAX)
		return quell__error(h, QUELL_EINVAL, "mark %s: value of %zu bytes, over %d", name,
		                    len, QUELL_MARK_MAX);
	return quell__store_write(h, put_fn, &p);
}

int quell_mark_get(quell *h, const char *name, void *buf, size_t size, size_t *len)
{
	char key[KEY_MAX];
	size_t klen;
	struct quell__txn *txn;
	struct quell__val v;
	int rc;

	if (h == NULL || len == NULL || (buf == NULL && size > 0))
		return quell__error(h, QUELL_EINVAL, "mark: NULL argument");
	*len = 0;
	if ((klen = mark_key(name, key)) == 0)
		return quell__error(h, QUELL_EINVAL, "mark: a name of 1 to %d bytes is needed",
		                    QUELL_MARK_NAME_MAX - 1);
	if ((rc = quell__store_read_begin(h, &txn)) != 0)
		return rc;
	rc = quell__store_meta_get(h, txn, key, klen, &v);
	if (rc == 1) {
		rc = quell__error(h, QUELL_ENOTFOUND, "mark %s: none", name);
	} else if (rc == 0) {
		*len = v.len;
		if (v.len > size)
			rc = quell__error(h, QUELL_EINVAL, "mark %s: %zu bytes, buffer of %zu", name,
			                  v.len, size);
		else if (v.len > 0)
			memcpy(buf, v.data, v.len);
	}
	quell__store_read_end(h, txn);
	return rc;
}
