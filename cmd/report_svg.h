/*
 * report_svg.h - the SVG charts of the HTML page (report_svg.c).
 */
#ifndef QUELL_CMD_REPORT_SVG_H
#define QUELL_CMD_REPORT_SVG_H

#include <stdint.h>
#include <stdio.h>

#define SVG_SERIES_MAX 8 /* series of a chart (more are summed by the caller) */

/* A chart: nser series of n values each, series-major in v. */
struct svg_chart {
	const char *id;           /* element id, [a-z0-9-] */
	const char *title;        /* text for people (escaped) */
	size_t n;
	const char *const *labels;  /* n labels of the x axis */
	size_t nser;
	const char *const *names;   /* nser names of the series */
	const uint64_t *v;
};

void svg_lines(FILE *f, const struct svg_chart *c);
void svg_stack(FILE *f, const struct svg_chart *c);
/* A sparkline of n values, labelled for screen readers. */
void svg_spark(FILE *f, const uint32_t *v, size_t n, const char *label);
/* The colour of series i. */
const char *svg_colour(size_t i);

#endif
