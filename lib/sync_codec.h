/*
 * sync_codec.h - a change as it travels between the hosts of a fleet
 * (sync_codec.c has the layout).  Knows nothing of LMDB or NATS.
 */
#ifndef QUELL_SYNC_CODEC_H
#define QUELL_SYNC_CODEC_H

#include "codec.h"
#include "store.h"

/* A change decoded: pointers into the encoded bytes. */
struct quell__wire {
	int scope;
	const char *key;
	struct quell_event ev;
	int image;              /* QUELL__IMG_* */
	struct quell__ent ent;  /* QUELL__IMG_ENTRY: the entry (key, scope set) */
	const void *img;        /* ... and its encoding */
	size_t imglen;
};

/* Append a change to b (b->oom on failure): ev[0..evlen) is the history
 * event as stored, img[0..imglen) the entry image (QUELL__IMG_ENTRY). */
void quell__wire_encode(struct quell__buf *b, int scope, const char *key, const void *ev,
                        size_t evlen, int image, const void *img, size_t imglen);

/* Decode and check a change: 0, or -1 when it is malformed. */
int quell__wire_decode(struct quell__wire *c, const void *data, size_t len);

#endif
