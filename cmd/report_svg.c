/*
 * report_svg.c - the charts of the HTML page, drawn as inline SVG by
 * quell itself (no library, no external request): a line chart (one
 * polyline a series, each with its own dash pattern and marker shape), a
 * stacked bar chart (each series its own colour and hatching), and
 * sparklines.  Colours are the Okabe-Ito palette, told apart without
 * colour vision too: every series also has a pattern and a text label.
 * Every text is escaped (html_put); numbers are formatted here.
 *
 * Knows nothing of where the values come from.
 */
#include <string.h>

#include "report.h"
#include "report_svg.h"

#define WIDTH 760
#define HEIGHT 260
#define LEFT 56
#define RIGHT 170
#define TOP 16
#define BOTTOM 40

static const char *const colours[SVG_SERIES_MAX] = { "#0072B2", "#D55E00", "#009E73",
	                                             "#CC79A7", "#E69F00", "#56B4E9",
	                                             "#000000", "#F0E442" };
static const char *const dashes[SVG_SERIES_MAX] = { "",    "8 4", "2 3",     "12 3 2 3",
	                                            "4 4", "1 6", "10 2 2 2 2 2", "6 2" };

const char *svg_colour(size_t i) { return colours[i % SVG_SERIES_MAX]; }

/* y of value v on the plot. */
static double ypos(uint64_t v, uint64_t max)
{
	return TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - (max ? (double)v / (double)max : 0));
}

/* x of the centre of period i of n. */
static double xpos(size_t i, size_t n)
{
	double w = (double)(WIDTH - LEFT - RIGHT) / (double)(n ? n : 1);

	return LEFT + w * ((double)i + 0.5);
}

/* The axis top: four grid steps of 1, 2 or 5 times a power of ten that
 * reach max. */
static uint64_t nice(uint64_t max)
{
	uint64_t want = (max + 3) / 4, p = 1;

	while (p * 10 <= want)
		p *= 10;
	return 4 * (want <= p ? p : want <= 2 * p ? 2 * p : want <= 5 * p ? 5 * p : 10 * p);
}

/* The frame: title, grid lines with their values, period labels. */
static void frame(FILE *f, const struct svg_chart *c, uint64_t top)
{
	size_t step = c->n > 12 ? (c->n + 11) / 12 : 1;

	fprintf(f, "<svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" "
	           "aria-labelledby=\"%s-t\"><title id=\"%s-t\">", c->id, WIDTH, HEIGHT, c->id, c->id);
	html_put(f, c->title);
	fputs("</title>", f);
	for (int k = 0; k <= 4; k++) {
		uint64_t v = top * (uint64_t)k / 4;
		double y = ypos(v, top);

		fprintf(f, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
		           "<text class=\"ax\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%llu</text>",
		        LEFT, WIDTH - RIGHT, y, y, LEFT - 6, y + 4, (unsigned long long)v);
	}
	for (size_t i = 0; i < c->n; i += step) {
		fprintf(f, "<text class=\"ax\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
		        xpos(i, c->n), HEIGHT - BOTTOM + 16);
		html_put(f, c->labels[i]);
		fputs("</text>", f);
	}
}

/* The marker of series s at (x, y): a shape of its own. */
static void marker(FILE *f, size_t s, double x, double y)
{
	const char *col = svg_colour(s);

	switch (s % 4) {
	case 0:
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y, col);
		break;
	case 1:
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"6\" height=\"6\" fill=\"%s\"/>", x - 3,
		        y - 3, col);
		break;
	case 2:
		fprintf(f, "<path d=\"M%.1f %.1fl4 6h-8z\" fill=\"%s\"/>", x, y - 4, col);
		break;
	default:
		fprintf(f, "<path d=\"M%.1f %.1fl4 4l-4 4l-4 -4z\" fill=\"%s\"/>", x, y - 4, col);
	}
}

static void legend(FILE *f, const struct svg_chart *c, size_t s, int swatch)
{
	double y = TOP + 8 + 18.0 * (double)s;
	int x = WIDTH - RIGHT + 12;

	if (swatch)
		fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"url(#%s-p%zu)\" "
		           "stroke=\"#333\"/>", x, y - 9, c->id, s);
	else
		fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		           "stroke-width=\"2\" stroke-dasharray=\"%s\"/>", x - 4, x + 14, y - 3, y - 3,
		        svg_colour(s), dashes[s % SVG_SERIES_MAX]);
	if (!swatch)
		marker(f, s, x + 5, y - 3);
	fprintf(f, "<text class=\"lg\" x=\"%d\" y=\"%.1f\">", x + 20, y + 1);
	html_put(f, c->names[s]);
	fputs("</text>", f);
}

void svg_lines(FILE *f, const struct svg_chart *c)
{
	uint64_t max = 0, top;

	for (size_t i = 0; i < c->nser * c->n; i++)
		max = c->v[i] > max ? c->v[i] : max;
	top = nice(max ? max : 1);
	frame(f, c, top);
	for (size_t s = 0; s < c->nser; s++) {
		fprintf(f, "<g class=\"series\"><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
		           "stroke-dasharray=\"%s\" points=\"", svg_colour(s), dashes[s % SVG_SERIES_MAX]);
		for (size_t i = 0; i < c->n; i++)
			fprintf(f, "%s%.1f,%.1f", i ? " " : "", xpos(i, c->n), ypos(c->v[s * c->n + i], top));
		fputs("\"/>", f);
		for (size_t i = 0; i < c->n && c->n <= 60; i++)
			marker(f, s, xpos(i, c->n), ypos(c->v[s * c->n + i], top));
		legend(f, c, s, 0);
		fputs("</g>", f);
	}
	fputs("</svg>\n", f);
}

/* The fills of a stacked chart: a colour and a hatching each. */
static void patterns(FILE *f, const struct svg_chart *c)
{
	static const char *const hatch[4] = { "", "M0 8L8 0", "M0 0L8 8", "M4 0V8" };

	fputs("<defs>", f);
	for (size_t s = 0; s < c->nser; s++) {
		fprintf(f, "<pattern id=\"%s-p%zu\" width=\"8\" height=\"8\" "
		           "patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"%s\"/>",
		        c->id, s, svg_colour(s));
		if (s % 4)
			fprintf(f, "<path d=\"%s\" stroke=\"#fff\" stroke-width=\"1.5\"/>", hatch[s % 4]);
		fputs("</pattern>", f);
	}
	fputs("</defs>", f);
}

void svg_stack(FILE *f, const struct svg_chart *c)
{
	uint64_t max = 0, top;
	double w = (double)(WIDTH - LEFT - RIGHT) / (double)(c->n ? c->n : 1) * 0.8;

	for (size_t i = 0; i < c->n; i++) {
		uint64_t sum = 0;

		for (size_t s = 0; s < c->nser; s++)
			sum += c->v[s * c->n + i];
		max = sum > max ? sum : max;
	}
	top = nice(max ? max : 1);
	frame(f, c, top);
	patterns(f, c);
	for (size_t s = 0; s < c->nser; s++) {
		fputs("<g class=\"series\">", f);
		for (size_t i = 0; i < c->n; i++) {
			uint64_t below = 0, v = c->v[s * c->n + i];

			for (size_t k = 0; k < s; k++)
				below += c->v[k * c->n + i];
			if (v == 0)
				continue;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			           "fill=\"url(#%s-p%zu)\" stroke=\"#fff\" stroke-width=\"0.5\"/>",
			        xpos(i, c->n) - w / 2, ypos(below + v, top), w,
			        ypos(below, top) - ypos(below + v, top), c->id, s);
		}
		legend(f, c, s, 1);
		fputs("</g>", f);
	}
	fputs("</svg>\n", f);
}

void svg_spark(FILE *f, const uint32_t *v, size_t n, const char *label)
{
	uint32_t max = 1;

	for (size_t i = 0; i < n; i++)
		max = v[i] > max ? v[i] : max;
	fputs("<svg class=\"spark\" viewBox=\"0 0 100 20\" role=\"img\" aria-label=\"", f);
	html_put(f, label);
	fputs("\"><polyline fill=\"none\" stroke=\"#D55E00\" stroke-width=\"1.5\" points=\"", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", n > 1 ? 100.0 * (double)i / (double)(n - 1) : 50.0,
		        19 - 18.0 * v[i] / max);
	fputs("\"/></svg>", f);
}
