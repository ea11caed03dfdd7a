/*
 * sync_codec.c - a change as it travels between the hosts of a fleet
 * (quell_change.data, what quell_apply takes): encoded from the change
 * feed, decoded and checked on the way in.
 *
 * Layout, version 1:
 *   u8 'q', u8 version (1), u8 scope, key bytes and a NUL, u8 image
 *   (QUELL__IMG_*), varint length + the history event (codec.h's event
 *   format, with its origin and seq), and for an entry image varint length
 *   + its one-entry record (codec.h's record format).
 * A decoded change points into the bytes.  Anything malformed is refused,
 * never read past: the bytes come from other hosts.
 *
 * Knows nothing of LMDB or NATS.
 */
#include <string.h>

#include "sync_codec.h"

#define MAGIC 'q'
#define VERSION 1

void quell__wire_encode(struct quell__buf *b, int scope, const char *key, const void *ev,
                        size_t evlen, int image, const void *img, size_t imglen)
{
	quell__buf_u8(b, MAGIC);
	quell__buf_u8(b, VERSION);
	quell__buf_u8(b, (unsigned)scope);
	quell__buf_cstr(b, key, strlen(key));
	quell__buf_u8(b, (unsigned)image);
	quell__buf_varint(b, evlen);
	quell__buf_put(b, ev, evlen);
	if (image == QUELL__IMG_ENTRY) {
		quell__buf_varint(b, imglen);
		quell__buf_put(b, img, imglen);
	}
}

/* The next n bytes of r, or NULL (r->bad set). */
static const unsigned char *take(struct quell__rd *r, uint64_t n)
{
	const unsigned char *p = r->p;

	if (r->bad || n > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	return p;
}

static int event_ok(const struct quell_event *ev)
{
	return ev->list >= QUELL_LIST_NONE && ev->list <= QUELL_LIST_BACKOFF &&
	       ev->action >= QUELL_ACTION_NONE && ev->action <= QUELL_ACTION_EXPIRE &&
	       ev->source >= QUELL_SOURCE_NONE && ev->source <= QUELL_SOURCE_IMPORT &&
	       ev->verdict >= QUELL_ALLOW && ev->verdict <= QUELL_INVALID && ev->origin[0] != '\0' &&
	       strlen(ev->origin) < QUELL_NAME_MAX &&
	       (ev->stream[0] == '\0' || quell_stream_valid(ev->stream)) && ev->seq != 0;
}

int quell__wire_decode(struct quell__wire *c, const void *data, size_t len)
{
	struct quell__rd r = { data, (const unsigned char *)data + len, 0 };
	const unsigned char *p;
	uint64_t n;

	memset(c, 0, sizeof *c);
	if (quell__rd_uint(&r, 1) != MAGIC || quell__rd_uint(&r, 1) != VERSION)
		return -1;
	c->scope = (int)quell__rd_uint(&r, 1);
	c->key = quell__rd_cstr(&r);
	c->image = (int)quell__rd_uint(&r, 1);
	n = quell__rd_varint(&r);
	if ((p = take(&r, n)) == NULL || quell__event_decode(&c->ev, p, (size_t)n) != 0)
		return -1;
	if (c->image == QUELL__IMG_ENTRY) {
		struct quell__rec_iter it;

		n = quell__rd_varint(&r);
		if ((p = take(&r, n)) == NULL || quell__rec_begin(&it, p, (size_t)n) != 0 ||
		    quell__rec_next(&it, &c->ent) != 1 ||
		    quell__rec_next(&it, &c->ent) != 0) /* (the end leaves ent alone) */
			return -1;
		c->img = p;
		c->imglen = (size_t)n;
		if (c->ent.e.list != c->ev.list || strcmp(c->ent.e.stream, c->ev.stream) != 0)
			return -1;
	} else if (c->image != QUELL__IMG_NONE && c->image != QUELL__IMG_REMOVED) {
		return -1;
	}
	if (r.bad || r.p != r.end || c->key[0] == '\0' || strlen(c->key) >= QUELL_ENTRY_MAX)
		return -1;
	if (c->scope != (strchr(c->key, '@') != NULL ? QUELL_SCOPE_ADDRESS : QUELL_SCOPE_DOMAIN))
		return -1;
	if (c->image != QUELL__IMG_NONE && !(c->ev.list == QUELL_LIST_SUPPRESS ||
	                                     c->ev.list == QUELL_LIST_ALLOW))
		return -1;
	c->ent.e.key = c->key;
	c->ent.e.scope = c->scope;
	return event_ok(&c->ev) ? 0 : -1;
}
