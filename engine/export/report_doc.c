/*
 * report_doc.c - a minimal page model for the printable report on cairo's PDF
 * surface: A4 pages (595 x 842 pt, or landscape), a writing position that
 * moves down the page, paragraphs wrapped word by word with cairo's text
 * extents, table rows whose cells wrap and whose height is the tallest cell,
 * banners, and a footer on every page (the report's title and the page
 * number). A row or paragraph that does not fit starts a new page. DejaVu
 * Sans is embedded by cairo as a subset, so the PDF prints the same
 * everywhere. Cost: O(characters) with one text measurement per word.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>

#include "export/report_int.h"

#define A4_W 595.0
#define A4_H 842.0
#define LINE 1.28 /* line height as a multiple of the font size */

static void font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static void footer(senda__doc *d)
{
    if (d->page_no == 0)
        return;
    cairo_t *cr = d->cr;
    font(cr, 7.5, 0);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_move_to(cr, d->margin, d->page_h - d->margin / 2);
    cairo_show_text(cr, d->footer);
    char num[32];
    snprintf(num, sizeof num, "%d", d->page_no);
    cairo_text_extents_t te;
    cairo_text_extents(cr, num, &te);
    cairo_move_to(cr, d->page_w - d->margin - te.x_advance, d->page_h - d->margin / 2);
    cairo_show_text(cr, num);
}

void senda__doc_page(senda__doc *d, int landscape)
{
    if (d->page_no > 0) {
        footer(d);
        cairo_show_page(d->cr);
    }
    d->page_w = landscape ? A4_H : A4_W;
    d->page_h = landscape ? A4_W : A4_H;
    cairo_pdf_surface_set_size(d->surface, d->page_w, d->page_h);
    d->page_no++;
    d->y = d->margin;
}

void senda__doc_need(senda__doc *d, double h)
{
    if (d->y + h > d->page_h - d->margin)
        senda__doc_page(d, d->page_w > d->page_h);
}

/* text wrapped to width into lines (at most max_lines); returns their count.
 * A newline in text ends a line. */
static int wrap(cairo_t *cr, const char *text, double width, char lines[][256], int max_lines)
{
    int n = 0;
    char line[256] = "";
    const char *p = text;
    while (*p && n < max_lines) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " \n");
        char word[256];
        snprintf(word, sizeof word, "%.*s", (int)(len < 255 ? len : 255), p);
        char trial[256];
        if (snprintf(trial, sizeof trial, "%s%s%s", line, line[0] ? " " : "", word) >=
            (int)sizeof trial)
            trial[sizeof trial - 1] = 0; /* a 255-byte line is wider than any page */
        cairo_text_extents_t te;
        cairo_text_extents(cr, trial, &te);
        if (te.x_advance > width && line[0]) {
            snprintf(lines[n++], 256, "%s", line);
            snprintf(line, sizeof line, "%s", word);
        } else {
            snprintf(line, sizeof line, "%s", trial);
        }
        p += len;
        if (*p == '\n') {
            if (n < max_lines)
                snprintf(lines[n++], 256, "%s", line);
            line[0] = 0;
            p++;
        }
    }
    if (line[0] && n < max_lines)
        snprintf(lines[n++], 256, "%s", line);
    return n;
}

void senda__doc_para(senda__doc *d, double size, int bold, const char *text)
{
    enum { MAX = 80 };
    char lines[MAX][256];
    cairo_t *cr = d->cr;
    font(cr, size, bold);
    int n = wrap(cr, text, d->page_w - 2 * d->margin, lines, MAX);
    for (int i = 0; i < n; i++) {
        senda__doc_need(d, size * LINE);
        font(cr, size, bold);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_move_to(cr, d->margin, d->y + size);
        cairo_show_text(cr, lines[i]);
        d->y += size * LINE;
    }
    d->y += size * 0.5;
}

void senda__doc_heading(senda__doc *d, const char *text)
{
    senda__doc_need(d, 60);
    d->y += 6;
    senda__doc_para(d, 14, 1, text);
    cairo_set_source_rgb(d->cr, 0.55, 0.12, 0.12);
    cairo_rectangle(d->cr, d->margin, d->y - 4, 60, 1.5);
    cairo_fill(d->cr);
    d->y += 4;
}

void senda__doc_row(senda__doc *d, int n, const double *widths, const char *const *cells,
                    int header)
{
    enum { MAX = 12 };
    const double size = 8.0, pad = 3.0, text_w = d->page_w - 2 * d->margin;
    char lines[8][MAX][256];
    int n_lines[8] = {0}, rows = 1;
    cairo_t *cr = d->cr;
    font(cr, size, header);
    for (int c = 0; c < n && c < 8; c++) {
        n_lines[c] = wrap(cr, cells[c] ? cells[c] : "", widths[c] * text_w - 2 * pad, lines[c],
                          MAX);
        if (n_lines[c] > rows)
            rows = n_lines[c];
    }
    double h = rows * size * LINE + 2 * pad;
    senda__doc_need(d, h);
    font(cr, size, header);
    double x = d->margin;
    if (header) {
        cairo_set_source_rgb(cr, 0.90, 0.90, 0.90);
        cairo_rectangle(cr, x, d->y, text_w, h);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.80, 0.80, 0.80);
    cairo_set_line_width(cr, 0.4);
    cairo_move_to(cr, x, d->y + h);
    cairo_line_to(cr, x + text_w, d->y + h);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    for (int c = 0; c < n && c < 8; c++) {
        for (int i = 0; i < n_lines[c]; i++) {
            cairo_move_to(cr, x + pad, d->y + pad + size + i * size * LINE);
            cairo_show_text(cr, lines[c][i]);
        }
        x += widths[c] * text_w;
    }
    d->y += h;
}

void senda__doc_banner(senda__doc *d, const char *text, double r, double g, double b)
{
    enum { MAX = 6 };
    char lines[MAX][256];
    cairo_t *cr = d->cr;
    font(cr, 10.5, 1);
    int n = wrap(cr, text, d->page_w - 2 * d->margin - 16, lines, MAX);
    double h = n * 10.5 * LINE + 12;
    senda__doc_need(d, h + 6);
    cairo_set_source_rgb(cr, r, g, b);
    cairo_rectangle(cr, d->margin, d->y, d->page_w - 2 * d->margin, h);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    for (int i = 0; i < n; i++) {
        cairo_move_to(cr, d->margin + 8, d->y + 6 + 10.5 + i * 10.5 * LINE);
        cairo_show_text(cr, lines[i]);
    }
    d->y += h + 8;
}

int senda__doc_finish(senda__doc *d)
{
    footer(d);
    cairo_show_page(d->cr);
    cairo_surface_finish(d->surface);
    return cairo_surface_status(d->surface) == CAIRO_STATUS_SUCCESS;
}
