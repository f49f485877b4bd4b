/*
 * report_int.h - the printable report's page model (report_doc.c), its words
 * in Spanish and English (report_text.c) and the product readers it is made
 * from (report.c).
 */
#ifndef SENDA_REPORT_INT_H
#define SENDA_REPORT_INT_H

#include <cairo.h>

#include "export/export_int.h"

/** A document being written: a cairo PDF surface, the current page and the
 *  writing position on it. Units are PostScript points (1/72 in). */
typedef struct senda__doc {
    cairo_surface_t *surface;
    cairo_t *cr;
    double page_w, page_h, margin;
    double y;             /* baseline of the next line */
    int page_no;
    int spanish;          /* 1: Spanish words */
    char decimal, group;  /* number format: '.' and ',' (es-MX, en) or ',' and '.' (es-ES) */
    char footer[200];     /* printed at the foot of every page */
} senda__doc;

/** Spanish or English for an English message (the message itself when the
 *  document is in English or the message has no translation). Static. */
const char *senda__tr(const senda__doc *d, const char *en);

/** v with `decimals` decimals and the document's separators. */
void senda__doc_num(const senda__doc *d, double v, int decimals, char *out, size_t size);

/** Close the current page (with its footer) and open a new A4 page,
 *  portrait or landscape. */
void senda__doc_page(senda__doc *d, int landscape);
/** Start a new page when less than h points are left on this one. */
void senda__doc_need(senda__doc *d, double h);
/** A section heading. */
void senda__doc_heading(senda__doc *d, const char *text);
/** A paragraph wrapped to the text width (size in points). */
void senda__doc_para(senda__doc *d, double size, int bold, const char *text);
/** One table row: n cells in columns of the given widths (fractions of the
 *  text width), each wrapped; header rows bold on grey. */
void senda__doc_row(senda__doc *d, int n, const double *widths, const char *const *cells,
                    int header);
/** A coloured banner across the text width (warnings on the cover). */
void senda__doc_banner(senda__doc *d, const char *text, double r, double g, double b);
/** Finish the last page. Returns 0 when cairo reported an error. */
int senda__doc_finish(senda__doc *d);

#endif
