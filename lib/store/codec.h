/*
 * codec.h - the byte layout of what the store keeps, and nothing else:
 * a key's record (all its list entries, every stream, in one value, so a
 * check costs one B-tree probe per key) and a history event.
 *
 * Key record, format 2 (written now):
 *   u8 format (2), u8 number of entries, then per entry:
 *   varint length of the rest of the entry,
 *   u8 list, u8 source, varints code, attempts, count,
 *   zigzag varints created, updated - created, expires, until, first_failure,
 *   strings stream, category, rule, status, reply, reason (each its bytes
 *     and a NUL, so decoded strings point into the value),
 *   varint length + bytes of `ext`, state owned by the decision code
 *     (decide.c: a count's failure times); opaque here.  The reply ids
 *     already counted live in the store's seen table, not in records.
 * Varints are LEB128 (buf.h): a plain suppressed address takes ~30 bytes
 * where format 1 took ~85, and the B-trees are that much smaller.
 *
 * Key record, format 1 (still read; a record is rewritten as format 2 the
 * next time it changes):
 *   u8 format (1), u8 number of entries, then per entry:
 *   u32 length of the rest of the entry,
 *   u8 list, u8 source, u16 code, u32 attempts, u32 count,
 *   i64 created, updated, expires, until, first_failure,
 *   strings stream, category, rule, status, reply, reason
 *     (each u16 length, bytes, NUL, so decoded strings point into the value),
 *   u16 length + bytes of `ext`, as in format 2.
 * Integers are little-endian.  Decoding allocates nothing and never reads
 * past the value: a malformed record decodes as an error, never a crash.
 *
 * History event, format 2: u8 format, zigzag varint time, varint seq, u8 list,
 * u8 source, u8 action, u8 verdict, varint code, zigzag varint until,
 * strings (bytes and a NUL) origin, stream, rule, category, status, reply,
 * reason.
 * History event, format 1 (still read): u8 format, i64 time, u64 seq, u8
 * list, u8 source, u8 action, u8 verdict, u16 code, i64 until, strings
 * origin, stream, rule, category, status, reply, reason (u16 length, bytes,
 * NUL).
 *
 * This file knows nothing of LMDB.
 */
#ifndef QUELL_CODEC_H
#define QUELL_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "quell.h"

#define QUELL__REC_FORMAT 2
#define QUELL__EVENT_FORMAT 2
#define QUELL__REC_MAX 64      /* entries per key (lists x streams) */
#define QUELL__TEXT_MAX 4096   /* longest reply or reason kept */

/* An internal list beside the public ones: soft-bounce count state. */
#define QUELL__LIST_COUNT 4

/* One entry as decoded: the public struct plus the opaque ext state. */
struct quell__ent {
	struct quell_entry e;
	const unsigned char *ext;
	size_t extlen;
};

/* Iterate the entries of a record value. */
struct quell__rec_iter {
	const unsigned char *p, *end;
	unsigned left;
	int format;
};

/* Start on a value; returns 0, or -1 when it is not a record. */
int quell__rec_begin(struct quell__rec_iter *it, const void *data, size_t len);

/* Next entry into *out (key and scope left as they are).
 * Returns 1 with an entry, 0 at the end, -1 on a malformed record. */
int quell__rec_next(struct quell__rec_iter *it, struct quell__ent *out);

/* A whole record decoded for editing (pointers into the stored value or
 * into caller memory: encode before the value is overwritten). */
struct quell__rec {
	size_t n;
	struct quell__ent ent[QUELL__REC_MAX];
};

int quell__rec_decode(struct quell__rec *r, const void *data, size_t len);

/* Append the encoding of r to b (b->oom on failure). */
void quell__rec_encode(struct quell__buf *b, const struct quell__rec *r);

/* Append the encoding of a record holding the one entry *ent (the image of
 * an entry a change feed carries, sync.h). */
void quell__rec_encode_one(struct quell__buf *b, const struct quell__ent *ent);

/* Index of the entry of this list and stream, or -1. */
int quell__rec_find(const struct quell__rec *r, int list, const char *stream);

/* Remove entry i, keeping the order of the others. */
void quell__rec_remove(struct quell__rec *r, size_t i);

/* Encode / decode one history event (strings point into the value). */
void quell__event_encode(struct quell__buf *b, const struct quell_event *ev);
int quell__event_decode(struct quell_event *ev, const void *data, size_t len);

/* A bounded little-endian reader, shared by the record and spill formats:
 * reading past the end sets `bad` and yields zeros and "". */
struct quell__rd {
	const unsigned char *p, *end;
	int bad;
};
uint64_t quell__rd_uint(struct quell__rd *r, int n);
/* A string written as lenbytes (2 or 4) of length, the bytes, a NUL. */
const char *quell__rd_str(struct quell__rd *r, int lenbytes);
/* A varint (buf.h), and a string ended by a NUL (the NUL is skipped). */
uint64_t quell__rd_varint(struct quell__rd *r);
const char *quell__rd_cstr(struct quell__rd *r);
void quell__wr_str(struct quell__buf *b, const char *s, size_t max, int lenbytes);


#endif
