/*
 * report_page.h - the tables of the HTML page (report_page.c).
 */
#ifndef QUELL_CMD_REPORT_PAGE_H
#define QUELL_CMD_REPORT_PAGE_H

#include <stdio.h>

#include "report.h"

void page_domains(FILE *f, const struct quell_report *r); /* trouble domains, sparklines */
void page_backoff(FILE *f, const struct quell_report *r); /* domains in backoff now */
void page_reasons(FILE *f, const struct quell_report *r); /* top reasons */
void page_activity(FILE *f, const struct act_list *l);    /* the searchable events */

#endif
