/*
 * sendgrid.c - rows from SendGrid's suppression exports (CSV):
 * bounces, blocks, invalid emails, spam reports, global and group
 * unsubscribes.  The kind comes from the columns, or from the file name
 * when it says (see formats.h), and decides source and category.
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#include "readers.h"

enum { EMAIL, CREATED, STATUS, REASON, IP, GROUP, GROUP_ID, NSLOTS };

static const struct quell__col cols[] = {
	{ "email", EMAIL },
	{ "email_address", EMAIL },
	{ "created", CREATED },
	{ "created_at", CREATED },
	{ "status", STATUS },
	{ "reason", REASON },
	{ "ip", IP },
	{ "group", GROUP },
	{ "group_name", GROUP },
	{ "group name", GROUP },
	{ "groupname", GROUP },
	{ "suppression_group", GROUP },
	{ "unsubscribe_group", GROUP },
	{ "asm_group_name", GROUP },
	{ "group_id", GROUP_ID },
	{ "group id", GROUP_ID },
	{ "groupid", GROUP_ID },
	{ "asm_group_id", GROUP_ID },
	{ NULL, 0 },
};

enum { K_BOUNCES = 1, K_BLOCKS, K_INVALID, K_SPAM, K_UNSUB, K_GROUP, K_REASON };

static int start(struct quell__reader *r, const int *present, char *err, size_t errsize)
{
	(void)err;
	(void)errsize;
	/* a kind the file name says wins over the columns */
	if (quell__name_hints(r, "group") && (present[GROUP] || present[GROUP_ID]))
		r->kind = K_GROUP;
	else if (quell__name_hints(r, "unsub"))
		r->kind = present[GROUP] || present[GROUP_ID] ? K_GROUP : K_UNSUB;
	else if (quell__name_hints(r, "spam"))
		r->kind = K_SPAM;
	else if (quell__name_hints(r, "invalidemail"))
		r->kind = K_INVALID;
	else if (quell__name_hints(r, "block"))
		r->kind = K_BLOCKS;
	else if (quell__name_hints(r, "bounce"))
		r->kind = K_BOUNCES;
	else if (present[GROUP] || present[GROUP_ID])
		r->kind = K_GROUP;
	else if (present[IP])
		r->kind = K_SPAM;
	else if (present[STATUS])
		r->kind = K_BOUNCES;
	else if (present[REASON])
		r->kind = K_REASON; /* invalid emails or blocks: told row by row */
	else
		r->kind = K_UNSUB;
	switch (r->kind) {
	case K_BOUNCES: r->kindname = "bounces"; break;
	case K_BLOCKS: r->kindname = "blocks"; break;
	case K_INVALID: r->kindname = "invalid emails"; break;
	case K_SPAM: r->kindname = "spam reports"; break;
	case K_GROUP: r->kindname = "group unsubscribes"; break;
	case K_REASON: r->kindname = "invalid emails or blocks"; break;
	default: r->kindname = "unsubscribes"; break;
	}
	return 0;
}

static int map(struct quell__reader *r, struct quell__val *v, struct quell__row *row, char *err,
               size_t errsize)
{
	const char *reason, *status;
	int kind = r->kind, rc;

	if ((rc = quell__val_entry(r, &v[EMAIL], row, err, errsize)) != 0 ||
	    (rc = quell__val_time(&v[CREATED], &row->created, err, errsize)) != 0 ||
	    (rc = quell__val_str(&v[REASON], &reason, err, errsize)) != 0 ||
	    (rc = quell__val_str(&v[STATUS], &status, err, errsize)) != 0)
		return rc;
	if (kind == K_REASON)
		kind = quell__looks_like_reply(reason) ? K_BLOCKS : K_INVALID;
	switch (kind) {
	case K_BOUNCES:
	case K_BLOCKS: /* the reply goes through the rules */
		row->source = QUELL_SOURCE_BOUNCE;
		row->reply = reason;
		row->status = status;
		break;
	case K_INVALID:
		row->source = QUELL_SOURCE_BOUNCE;
		row->category = "bad-mailbox";
		row->reason = reason;
		break;
	case K_SPAM:
		row->source = QUELL_SOURCE_COMPLAINT;
		row->category = "complaint";
		break;
	default: /* unsubscribes, global or of a group */
		row->source = QUELL_SOURCE_UNSUBSCRIBE;
		row->category = "unsubscribe";
		if ((rc = quell__val_str(&v[GROUP], &row->stream, err, errsize)) != 0)
			return rc;
		if (*row->stream == '\0' && v[GROUP_ID].type != V_NONE) {
			if (v[GROUP_ID].type != V_STR)
				return quell__val_bad(&v[GROUP_ID], "group id", err, errsize);
			row->stream = v[GROUP_ID].s;
		}
		break;
	}
	quell__row_mark(row);
	return 1;
}

const struct quell__fmt quell__fmt_sendgrid = {
	"sendgrid", cols, NSLOTS, EMAIL, 0, start, map, 1u << REASON,
};
