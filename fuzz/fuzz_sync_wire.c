/*
 * fuzz_sync_wire.c - libFuzzer target for lib/sync_codec.c, the decoder of
 * the changes a fleet's hosts send each other (they come off the network).
 *
 * Whatever it accepts must hold a key of the scope it says, an event with
 * an origin and a nonzero seq, and an entry image of the event's list and
 * stream; encoding the decoded change again must decode to the same key,
 * origin, seq, time and image.  A broken property aborts.
 *
 *   make fuzz FUZZ_TIME=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_sync_wire: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quell__wire c, d;
	struct quell__buf ev = { 0 }, w = { 0 };

	if (quell__wire_decode(&c, data, size) != 0)
		return 0;
	if (strlen(c.key) >= QUELL_ENTRY_MAX || c.ev.origin[0] == '\0' || c.ev.seq == 0)
		fail("accepted a change without a key, origin or seq");
	if ((c.scope == QUELL_SCOPE_ADDRESS) != (strchr(c.key, '@') != NULL))
		fail("scope and key disagree");
	if (c.image == QUELL__IMG_ENTRY &&
	    (c.ent.e.list != c.ev.list || strcmp(c.ent.e.stream, c.ev.stream) != 0))
		fail("the image is of another entry");
	quell__event_encode(&ev, &c.ev);
	quell__wire_encode(&w, c.scope, c.key, ev.data, ev.len, c.image, c.img, c.imglen);
	if (!ev.oom && !w.oom) {
		if (quell__wire_decode(&d, w.data, w.len) != 0)
			fail("a change encoded again does not decode");
		if (strcmp(d.key, c.key) != 0 || strcmp(d.ev.origin, c.ev.origin) != 0 ||
		    d.ev.seq != c.ev.seq || d.ev.time != c.ev.time || d.image != c.image)
			fail("a change encoded again decodes differently");
	}
	quell__buf_free(&ev);
	quell__buf_free(&w);
	return 0;
}
