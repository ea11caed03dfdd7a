/*
 * postmark.c - rows from Postmark's suppression dumps, JSON
 * ({"Suppressions":[...]}) or CSV, with EmailAddress, SuppressionReason,
 * Origin and CreatedAt: HardBounce -> bounce, SpamComplaint -> complaint,
 * ManualSuppression -> unsubscribe when the recipient made it (Origin
 * Recipient), else manual (Customer, Admin).
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#include "readers.h"

enum { EMAIL, REASON, ORIGIN, CREATED, STREAM, NSLOTS };

static const struct quell__col cols[] = {
	{ "emailaddress", EMAIL },   { "email", EMAIL },
	{ "suppressionreason", REASON }, { "origin", ORIGIN },
	{ "createdat", CREATED },    { "created_at", CREATED },
	{ "messagestream", STREAM }, { "messagestreamid", STREAM },
	{ NULL, 0 },
};

static int start(struct quell__reader *r, const int *present, char *err, size_t errsize)
{
	(void)err;
	(void)errsize;
	if (!present[REASON]) {
		snprintf(err, errsize, "postmark: no 'SuppressionReason' column in the header");
		return QUELL_EDATA;
	}
	r->kindname = "csv";
	return 0;
}

static int map(struct quell__reader *r, struct quell__val *v, struct quell__row *row, char *err,
               size_t errsize)
{
	int rc;

	if ((rc = quell__val_entry(r, &v[EMAIL], row, err, errsize)) != 0 ||
	    (rc = quell__val_time(&v[CREATED], &row->created, err, errsize)) != 0)
		return rc;
	if (v[ORIGIN].type != V_NONE && !quell__val_is(&v[ORIGIN], "Recipient") &&
	    !quell__val_is(&v[ORIGIN], "Customer") && !quell__val_is(&v[ORIGIN], "Admin"))
		return quell__val_bad(&v[ORIGIN], "origin (Recipient, Customer or Admin)", err,
		                      errsize);
	if (quell__val_is(&v[REASON], "HardBounce")) {
		row->source = QUELL_SOURCE_BOUNCE;
	} else if (quell__val_is(&v[REASON], "SpamComplaint")) {
		row->source = QUELL_SOURCE_COMPLAINT;
		row->category = "complaint";
	} else if (quell__val_is(&v[REASON], "ManualSuppression")) {
		if (quell__val_is(&v[ORIGIN], "Recipient")) {
			row->source = QUELL_SOURCE_UNSUBSCRIBE;
			row->category = "unsubscribe";
		} else {
			row->source = QUELL_SOURCE_MANUAL;
			row->category = "manual";
		}
		if ((rc = quell__val_str(&v[STREAM], &row->stream, err, errsize)) != 0)
			return rc;
	} else if (v[REASON].type == V_NONE) {
		snprintf(err, errsize, "no SuppressionReason");
		return QUELL_EDATA;
	} else {
		return quell__val_bad(&v[REASON],
		                      "reason (HardBounce, SpamComplaint or ManualSuppression)", err,
		                      errsize);
	}
	quell__row_mark(row);
	return 1;
}

const struct quell__fmt quell__fmt_postmark = {
	"postmark", cols, NSLOTS, EMAIL, 0, start, map, 0,
};
