/*
 * ses.c - rows from Amazon SES's account suppression list: the CSV
 * and JSON Lines of its bulk import (email,reason; {"emailAddress",
 * "reason"}), and the JSON of `aws sesv2 list-suppressed-destinations`
 * ({"SuppressedDestinationSummaries":[{"EmailAddress","Reason",
 * "LastUpdateTime"}]}).  BOUNCE -> bounce, COMPLAINT -> complaint.
 *
 * Knows nothing of LMDB, rules or address normalization.
 */
#include "readers.h"

enum { EMAIL, REASON, UPDATED, NSLOTS };

/* The first name is the one messages use; for CSV without a header the
 * slots are the columns (readers.c). */
static const struct quell__col cols[] = {
	{ "email", EMAIL },
	{ "emailaddress", EMAIL },
	{ "email_address", EMAIL },
	{ "email address", EMAIL },
	{ "reason", REASON },
	{ "lastupdatetime", UPDATED },
	{ "last_update_time", UPDATED },
	{ NULL, 0 },
};

static int start(struct quell__reader *r, const int *present, char *err, size_t errsize)
{
	(void)present;
	(void)err;
	(void)errsize;
	r->kindname = "csv";
	return 0;
}

static int map(struct quell__reader *r, struct quell__val *v, struct quell__row *row, char *err,
               size_t errsize)
{
	int rc;

	if ((rc = quell__val_entry(r, &v[EMAIL], row, err, errsize)) != 0 ||
	    (rc = quell__val_time(&v[UPDATED], &row->created, err, errsize)) != 0)
		return rc;
	if (quell__val_is(&v[REASON], "BOUNCE")) {
		row->source = QUELL_SOURCE_BOUNCE;
	} else if (quell__val_is(&v[REASON], "COMPLAINT")) {
		row->source = QUELL_SOURCE_COMPLAINT;
		row->category = "complaint";
	} else if (v[REASON].type == V_NONE) {
		snprintf(err, errsize, "no reason (BOUNCE or COMPLAINT)");
		return QUELL_EDATA;
	} else {
		return quell__val_bad(&v[REASON], "reason (BOUNCE or COMPLAINT)", err, errsize);
	}
	quell__row_mark(row);
	return 1;
}

const struct quell__fmt quell__fmt_ses = {
	"ses", cols, NSLOTS, EMAIL, 0, start, map, 0,
};
