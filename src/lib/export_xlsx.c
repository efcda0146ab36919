/* export_xlsx.c — an Excel workbook of the selected passages (export.h, libxlsxwriter).
 *
 * Three sheets: "Utdrag" (one row per passage: respondent, type, section, pages, themes,
 * position, text, citation, id, source, line), "Tema og respondent" (respondent × theme
 * counts, from the matrix) and "Standpunkt" (per theme and position: respondents and
 * passages). Each has a bold, frozen header row, an autofilter and set column widths. Every
 * value from a document is written as a string cell (never a formula, whatever it starts
 * with); characters XML cannot hold become spaces, and a text over Excel's 32,767 characters
 * is cut with a mark saying so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "lazy_xlsx.h"

#include "buf.h"
#include "hsok/codes.h"
#include "hsok/export.h"
#include "hsok/position.h"

#define XLSX_CELL_MAX 32767 /* characters in a cell, Excel's limit */

typedef struct xw {
    lxw_workbook *wb;
    lxw_format *head, *wrap;
    buf_t tmp;
    lxw_error err;
} xw_t;

/* s made fit for a cell in x->tmp: C0 controls but tab and newline as spaces, at most
 * XLSX_CELL_MAX characters (counted as UTF-8 sequences), cut with " […]". */
static const char *cell_text(xw_t *x, const char *s)
{
    buf_reset(&x->tmp);
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if ((*p & 0xC0) != 0x80 && ++chars > XLSX_CELL_MAX - 6) {
            buf_addstr(&x->tmp, " [\xe2\x80\xa6]");
            break;
        }
        buf_addch(&x->tmp, (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f ? ' ' : (char)*p);
    }
    buf_addch(&x->tmp, '\0');
    return x->tmp.err ? "" : x->tmp.data;
}

static void put_str(xw_t *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                    lxw_format *f)
{
    if (x->err == LXW_NO_ERROR)
        x->err = worksheet_write_string(ws, row, col, cell_text(x, s), f);
}

static void put_num(xw_t *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v)
{
    if (x->err == LXW_NO_ERROR)
        x->err = worksheet_write_number(ws, row, col, v, NULL);
}

/* A header row, frozen, with widths; the autofilter is set when the rows are known. */
static void header(xw_t *x, lxw_worksheet *ws, const char *const *names, const double *widths,
                   size_t n)
{
    for (size_t c = 0; c < n; c++) {
        put_str(x, ws, 0, (lxw_col_t)c, names[c], x->head);
        if (x->err == LXW_NO_ERROR)
            x->err = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c],
                                          c == 6 && n > 7 ? x->wrap : NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

static const char *position_label(const char *id)
{
    for (int p = 1; id && *id && p < HSOK_POSITION_COUNT; p++)
        if (!strcmp(hsok_position_id((hsok_position_t)p), id))
            return hsok_position_label((hsok_position_t)p);
    return "";
}

static void passages_sheet(xw_t *x, const hsok_records_t *recs, const hsok_export_opts_t *opts)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Utdrag");
    if (!ws) {
        x->err = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return;
    }
    static const char *const names[] = { "respondent", "type", "section", "page", "end_page",
                                         "themes", "text", "position", "citation", "id",
                                         "source", "line", "themes_unsure", "themes_manual",
                                         "themes_removed" };
    static const double widths[] = { 28, 14, 30, 6, 8, 24, 80, 12, 34, 14, 30, 6, 16, 16, 16 };
    size_t ncols = opts->codes ? 15 : 13;
    header(x, ws, names, widths, ncols);
    buf_t b = BUF_INIT;
    size_t n = hsok_records_count(recs);
    for (size_t i = 0; i < n && x->err == LXW_NO_ERROR; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        lxw_row_t row = (lxw_row_t)(i + 1);
        const char *type = r->respondent_type ? r->respondent_type : "";
        put_str(x, ws, row, 0, r->respondent, NULL);
        put_str(x, ws, row, 1, type, NULL);
        put_str(x, ws, row, 2, r->section, NULL);
        if (r->page) {
            put_num(x, ws, row, 3, r->page);
            put_num(x, ws, row, 4, r->end_page > r->page ? r->end_page : r->page);
        }
        buf_reset(&b);
        for (size_t t = 0; t < r->nthemes; t++)
            buf_addf(&b, "%s%s", t ? "; " : "", r->themes[t] ? r->themes[t] : "");
        buf_addch(&b, '\0');
        put_str(x, ws, row, 5, b.err ? "" : b.data, NULL);
        put_str(x, ws, row, 6, r->text, x->wrap);
        put_str(x, ws, row, 7, position_label(r->position), NULL);
        /* the citation as a report gives it: "Respondent (type), s. 3" */
        buf_reset(&b);
        buf_addstr(&b, r->respondent && *r->respondent ? r->respondent : "(ukjent respondent)");
        if (*type)
            buf_addf(&b, " (%s)", type);
        char pages[32];
        if (r->page)
            buf_addf(&b, ", %s", hsok_page_label(r->page, r->end_page, pages, sizeof pages));
        buf_addch(&b, '\0');
        put_str(x, ws, row, 8, b.err ? "" : b.data, NULL);
        put_str(x, ws, row, 9, r->id, NULL);
        put_str(x, ws, row, 10, r->source, NULL);
        put_num(x, ws, row, 11, r->line);
        /* the themes tagged below twice the threshold or from context */
        buf_reset(&b);
        for (size_t t = 0, k = 0; t < r->ntags; t++)
            if (r->tags[t].unsure && r->tags[t].theme)
                buf_addf(&b, "%s%s", k++ ? "; " : "", r->tags[t].theme);
        buf_addch(&b, '\0');
        put_str(x, ws, row, 12, b.err ? "" : b.data, NULL);
        if (opts->codes) {
            const char *const *add, *const *rem;
            size_t nadd, nrem;
            hsok_codes_lookup(opts->codes, r, &add, &nadd, &rem, &nrem);
            for (int k = 0; k < 2; k++) {
                buf_reset(&b);
                for (size_t t = 0; t < (k ? nrem : nadd); t++)
                    buf_addf(&b, "%s%s", t ? "; " : "", k ? rem[t] : add[t]);
                buf_addch(&b, '\0');
                put_str(x, ws, row, (lxw_col_t)(13 + k), b.err ? "" : b.data, NULL);
            }
        }
        if (b.err)
            x->err = LXW_ERROR_MEMORY_MALLOC_FAILED;
    }
    buf_free(&b);
    if (x->err == LXW_NO_ERROR)
        x->err = worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, (lxw_col_t)(ncols - 1));
}

static void matrix_sheet(xw_t *x, const hsok_theme_matrix_t *m)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Tema og respondent");
    if (!ws) {
        x->err = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return;
    }
    put_str(x, ws, 0, 0, "respondent", x->head);
    put_str(x, ws, 0, 1, "type", x->head);
    put_str(x, ws, 0, 2, "passages", x->head);
    worksheet_set_column(ws, 0, 0, 34, NULL);
    worksheet_set_column(ws, 1, 1, 14, NULL);
    worksheet_set_column(ws, 2, 2, 10, NULL);
    for (size_t t = 0; t < m->nthemes; t++) {
        const hsok_db_theme_t *th = &m->themes[t];
        put_str(x, ws, 0, (lxw_col_t)(3 + t), th->id, x->head);
        worksheet_set_column(ws, (lxw_col_t)(3 + t), (lxw_col_t)(3 + t), 12, NULL);
    }
    worksheet_freeze_panes(ws, 1, 1);
    for (size_t r = 0; r < m->nrespondents && x->err == LXW_NO_ERROR; r++) {
        lxw_row_t row = (lxw_row_t)(r + 1);
        put_str(x, ws, row, 0, *m->respondents[r] ? m->respondents[r] : "(ukjent respondent)",
                NULL);
        put_str(x, ws, row, 1, m->respondent_types ? m->respondent_types[r] : "", NULL);
        put_num(x, ws, row, 2, (double)m->respondent_passages[r]);
        for (size_t t = 0; t < m->nthemes; t++)
            put_num(x, ws, row, (lxw_col_t)(3 + t), (double)m->counts[r * m->nthemes + t]);
    }
    if (x->err == LXW_NO_ERROR)
        x->err = worksheet_autofilter(ws, 0, 0, (lxw_row_t)m->nrespondents,
                                      (lxw_col_t)(2 + m->nthemes));
}

static void positions_sheet(xw_t *x, const hsok_theme_matrix_t *m)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Standpunkt");
    if (!ws) {
        x->err = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return;
    }
    static const char *const names[] = { "theme", "label", "position", "respondents",
                                         "passages" };
    static const double widths[] = { 20, 30, 22, 12, 10 };
    header(x, ws, names, widths, 5);
    lxw_row_t row = 1;
    for (size_t t = 0; m->theme_position_respondents && t <= m->nthemes; t++)
        for (int p = 0; p < HSOK_POSITION_COUNT && x->err == LXW_NO_ERROR; p++) {
            size_t k = t * HSOK_POSITION_COUNT + (size_t)p;
            size_t nr = m->theme_position_respondents[k], np = m->theme_position_passages[k];
            if (!nr && !np)
                continue;
            put_str(x, ws, row, 0, t < m->nthemes ? m->themes[t].id : "(alle)", NULL);
            put_str(x, ws, row, 1, t < m->nthemes ? m->themes[t].label : "alle utdrag", NULL);
            put_str(x, ws, row, 2, p ? hsok_position_label((hsok_position_t)p)
                                     : "ingen standpunkt", NULL);
            put_num(x, ws, row, 3, (double)nr);
            put_num(x, ws, row, 4, (double)np);
            row++;
        }
    if (x->err == LXW_NO_ERROR)
        x->err = worksheet_autofilter(ws, 0, 0, row - 1, 4);
}

hsok_status_t hsok_export_xlsx(const char *path, const hsok_records_t *recs,
                               const hsok_export_opts_t *opts, char **errmsg)
{
    if (!path || !recs || !opts)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "export: no path, records or options");
    if (lazy_xlsx_load(errmsg) != HSOK_OK)
        return HSOK_ERR_UNSUPPORTED;
    lxw_workbook_options wo = { .constant_memory = LXW_FALSE, .tmpdir = NULL, .use_zip64 = 0 };
    xw_t x = { 0 };
    x.tmp = (buf_t)BUF_INIT;
    x.wb = workbook_new_opt(path, &wo);
    if (!x.wb)
        return hsok_seterr(errmsg, HSOK_ERR_IO, "cannot write '%s'", path);
    x.head = workbook_add_format(x.wb);
    x.wrap = workbook_add_format(x.wb);
    if (!x.head || !x.wrap) {
        x.err = LXW_ERROR_MEMORY_MALLOC_FAILED;
    } else {
        format_set_bold(x.head);
        format_set_text_wrap(x.wrap);
        format_set_align(x.wrap, LXW_ALIGN_VERTICAL_TOP);
        passages_sheet(&x, recs, opts);
        if (opts->matrix) {
            matrix_sheet(&x, opts->matrix);
            positions_sheet(&x, opts->matrix);
        }
    }
    lxw_error close = workbook_close(x.wb); /* frees the workbook in every case */
    buf_free(&x.tmp);
    if (x.err == LXW_NO_ERROR)
        x.err = close;
    if (x.err == LXW_ERROR_MEMORY_MALLOC_FAILED)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (x.err != LXW_NO_ERROR)
        return hsok_seterr(errmsg, HSOK_ERR_IO, "cannot write '%s': %s", path,
                           lxw_strerror(x.err));
    return HSOK_OK;
}
