/* export_html.c — the HTML report for leadership (export.h, `hsok export --format html`).
 *
 * One self-contained file: inline CSS and inline SVG charts, no script, no network request,
 * (with opts->stylesheet, for `hsok serve` /report: the same CSS linked from that URL and no
 * style attribute anywhere, so a CSP style-src 'self' lets the page show as it prints),
 * every value from a document or the index written through hsok_write_html (or ex_html_strn).
 * Order: the overview first (key figures; respondents by type, each theme by type and the
 * positions per theme as bar charts, each with its table), the checkbox answers per question,
 * then per theme a few chosen quotes with citations "Respondent (type), s. 3", and last the
 * appendices: the respondent × theme matrix, every passage once with all its themes, and who
 * answered what. The layout fits A4 portrait and landscape: the matrix has rotated column
 * heads and is split into tables of at most MATRIX_COLS themes, so it is never cut or
 * scrolled; tests/browser/ prints it with Chromium and measures it.
 *
 * Quotes are chosen per theme (choose_quotes): at most QUOTES_PER_THEME, one per respondent,
 * a passage quoted under an earlier theme is not quoted again (a "see also" line refers to
 * it); among the rest those of a readable length (QUOTE_MIN..QUOTE_MAX characters) first, then
 * those that state a position, then by the theme's score, then in report order.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"
#include "hsok/copies.h"
#include "hsok/export.h"
#include "hsok/position.h"
#include "hsok/segment.h"
#include "hsok/text.h"

#define QUOTES_PER_THEME 5
#define QUOTE_MIN 60    /* characters: a shorter passage is rarely a quote that says something */
#define QUOTE_MAX 700   /* characters: a longer one is a page, not a quote */
#define MATRIX_COLS 16  /* themes per matrix table: 16 rotated heads fit A4 portrait */
#define CHART_LABEL 26  /* characters of a chart's row label before it is cut with "…" */

static const char html_css[] =
    ":root{color-scheme:light}\n"
    "*{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{font-family:Georgia,'Times New Roman',serif;line-height:1.5;color:#1a1a1a;"
    "background:#fff;max-width:78rem;margin:0 auto;padding:1.5rem 2rem}\n"
    "h1,h2,h3,nav,table,figure,.meta,.attr,.kpis,.legend,.seealso,.rule{font-family:system-ui,"
    "-apple-system,'Segoe UI',Helvetica,Arial,sans-serif}\n"
    "h1{font-size:1.9rem;margin:0 0 .3rem}\n"
    "h2{font-size:1.4rem;margin-top:2.4rem;border-bottom:2px solid #2b5d8a;padding-bottom:.2rem}\n"
    "h3{font-size:1.05rem;margin:1.6rem 0 .5rem;color:#2b5d8a}\n"
    "p,blockquote,.meta{max-width:52rem}\n"
    ".meta{color:#555;font-size:.95rem;margin:.2rem 0}\n"
    ".rule{font-size:.9rem;color:#444;background:#f4f6f8;border-left:4px solid #9aa8b5;"
    "padding:.4rem .8rem;max-width:52rem}\n"
    "nav ol{padding-left:1.4rem;columns:2 18rem;font-size:.95rem}\n"
    "a{color:#2b5d8a}\n"
    ".kpis{display:flex;flex-wrap:wrap;gap:.8rem;list-style:none;padding:0;margin:1rem 0}\n"
    ".kpis li{border:1px solid #c8cdd2;border-radius:4px;padding:.35rem .9rem;min-width:8.5rem}\n"
    ".kpis strong{display:block;font-size:1.6rem;color:#2b5d8a}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:0 2.5rem}\n"
    "figure.chart{margin:1rem 0;flex:0 1 34rem;break-inside:avoid}\n"
    "figure.chart svg{display:block;width:100%;height:auto}\n"
    "figure.chart svg text{font-family:system-ui,Helvetica,Arial,sans-serif;font-size:13px;"
    "fill:#1a1a1a}\n"
    "figcaption{font-weight:600;margin-bottom:.3rem}\n"
    ".legend{list-style:none;padding:0;margin:.3rem 0;font-size:.85rem;display:flex;"
    "flex-wrap:wrap;gap:.2rem 1rem}\n"
    ".sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-.1rem;"
    "border-radius:2px}\n"
    "table{border-collapse:collapse;font-size:.85rem;margin:.8rem 0}\n"
    "th,td{border:1px solid #c8cdd2;padding:.25rem .45rem}\n"
    "th{background:#f1f3f5;text-align:left;vertical-align:bottom;font-weight:600}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tfoot td,tfoot th{font-weight:bold;background:#f1f3f5}\n"
    "table.heatmap{table-layout:fixed;width:100%;font-size:.78rem}\n"
    "table.heatmap th,table.heatmap td{padding:.15rem .2rem;overflow-wrap:anywhere}\n"
    "table.heatmap th.rot{height:10.5rem;text-align:center;vertical-align:bottom}\n"
    "table.heatmap th.rot div{writing-mode:vertical-rl;transform:rotate(180deg);"
    "max-height:10rem;margin:0 auto;text-align:left;line-height:1.1;font-weight:600}\n"
    "table.heatmap th.name{width:14rem}\n"
    "table.heatmap th.total{width:3.4rem}\n"
    ".tally{font-size:.95rem;color:#333}\n"
    "blockquote{margin:.8rem 0 1.2rem;padding:.5rem .9rem;border-left:4px solid #2b5d8a;"
    "background:#f7f9fb}\n"
    "blockquote p{margin:0;white-space:pre-line}\n"
    "blockquote.utdrag{border-left-color:#9aa8b5;background:#fafbfc;font-size:.95rem}\n"
    ".attr{display:block;margin-top:.4rem;font-size:.85rem;color:#444;font-style:normal}\n"
    ".qno{font-weight:bold;color:#2b5d8a;margin-right:.3rem}\n"
    ".tags,.pos{color:#555}\n"
    ".pid{color:#888;font-size:.8rem}\n"
    ".seealso{font-size:.9rem;color:#444}\n"
    "mark{background:#ffe58a;color:inherit;padding:0 .1em}\n"
    /* the heatmap's cells by class when no style attribute may be written (heat_style) */
    "td.h1{background-color:hsl(208,60%,89%)}td.h2{background-color:hsl(208,60%,84%)}\n"
    "td.h3{background-color:hsl(208,60%,78%)}td.h4{background-color:hsl(208,60%,72%)}\n"
    "td.h5{background-color:hsl(208,60%,67%)}\n"
    "td.h6{background-color:hsl(208,60%,61%);color:#fff}\n"
    "td.h7{background-color:hsl(208,60%,55%);color:#fff}\n"
    "td.h8{background-color:hsl(208,60%,49%);color:#fff}\n"
    "td.h9{background-color:hsl(208,60%,44%);color:#fff}\n"
    "td.h10{background-color:hsl(208,60%,38%);color:#fff}\n"
    "figure.chart svg.sw{display:inline-block;width:.8rem;height:.8rem}\n"
    "@page{margin:14mm 12mm}\n"
    "@media print{\n"
    "body{max-width:none;margin:0;padding:0;font-size:10pt}\n"
    "nav{display:none}\n"
    "a{color:inherit;text-decoration:none}\n"
    "h2{break-after:avoid;page-break-after:avoid}\n"
    "h3{break-after:avoid;page-break-after:avoid}\n"
    "section.appendix{break-before:page;page-break-before:always}\n"
    "blockquote,tr,figure,.kpis{break-inside:avoid;page-break-inside:avoid}\n"
    "table{font-size:8pt}\n"
    "table.heatmap{font-size:7pt}\n"
    "table.heatmap th.name{width:40mm}\n"
    "table.heatmap th.total{width:10mm}\n"
    "table.heatmap th.rot{height:34mm}\n"
    "table.heatmap th.rot div{max-height:32mm}\n"
    "thead{display:table-header-group}\n"
    ".charts{display:block}\n"
    "figure.chart{max-width:125mm}\n"
    "tfoot{display:table-row-group}\n"
    "}\n";

/* ---- small writers ---- */

static void put_html(FILE *out, const char *s)
{
    hsok_write_html(out, s);
}

static const char *resp_name(const char *s)
{
    return s && s[0] ? s : NO_RESPONDENT_LABEL;
}

/* s cut to max characters (code points) with "…", escaped. */
static void put_html_cut(FILE *out, const char *s, size_t max)
{
    size_t len = strlen(s), i = 0, chars = 0;
    while (i < len && chars < max) {
        size_t n = 1;
        while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
            n++;
        i += n;
        chars++;
    }
    ex_html_strn(out, s, i);
    if (i < len)
        fputs("\xe2\x80\xa6", out);
}

/* An http(s) URL without characters that would need more than attribute escaping. */
static int url_ok(const char *u)
{
    if (u == NULL || (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0))
        return 0;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

static const char *link_of(const hsok_export_opts_t *opts, const char *source)
{
    for (size_t i = 0; source && i < opts->nlinks; i++)
        if (opts->links[i].source && strcmp(opts->links[i].source, source) == 0)
            return url_ok(opts->links[i].url) ? opts->links[i].url : NULL;
    return NULL;
}

/* "Respondent (type), s. 3", a link to the original document when its URL is known. */
static void put_citation(FILE *out, const hsok_export_opts_t *opts, const hsok_record_t *r)
{
    const char *url = link_of(opts, r->source);
    if (url) {
        fputs("<a href=\"", out);
        put_html(out, url);
        fputs("\" rel=\"noreferrer\">", out);
    }
    put_html(out, resp_name(r->respondent));
    ex_put_type(out, r->respondent_type, hsok_write_html);
    char pages[32];
    if (r->page)
        fprintf(out, ", %s", hsok_page_label(r->page, r->end_page, pages, sizeof pages));
    if (url)
        fputs("</a>", out);
}

/* The themes of r by label, joined by ", ". */
static void put_theme_list(FILE *out, const hsok_theme_matrix_t *m, const hsok_record_t *r)
{
    for (size_t t = 0; t < r->nthemes; t++) {
        if (t)
            fputs(", ", out);
        put_html(out, ex_theme_label(m, r->themes[t]));
        const hsok_tag_t *tag = hsok_record_tag(r, r->themes[t]);
        if (tag && tag->unsure)
            fputs(" (usikker)", out);
    }
}

static void put_attr_id(FILE *out, const char *theme)
{
    fputs("tema-", out);
    put_html(out, theme);
}

/* ---- evidence marks over several tags ---- */

/* text with the evidence of tags[0..ntags) marked (where: hsok_evidence_spans). */
static hsok_status_t put_marked(FILE *out, const char *text, const hsok_tag_t *tags,
                                size_t ntags)
{
    hsok_span_t *all = NULL;
    size_t nall = 0;
    if (hsok_evidence_spans(text, tags, ntags, &all, &nall) != HSOK_OK)
        return HSOK_ERR_NOMEM;
    text = text ? text : "";
    size_t at = 0;
    for (size_t s = 0; s < nall; s++) {
        ex_html_strn(out, text + at, all[s].start - at);
        fputs("<mark>", out);
        ex_html_strn(out, text + all[s].start, all[s].end - all[s].start);
        fputs("</mark>", out);
        at = all[s].end;
    }
    ex_html_strn(out, text + at, strlen(text) - at);
    free(all);
    return HSOK_OK;
}

/* ---- charts (inline SVG) ---- */

static const char *const type_colours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                           "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                                           "#9c755f", "#bcbd22", "#d37295", "#bab0ac"};
#define NTYPE_COLOURS (sizeof type_colours / sizeof type_colours[0])
static const char *const position_colours[HSOK_POSITION_COUNT] = {"#bab0ac", "#3a8a4f",
                                                                   "#c8423b", "#e3b53c",
                                                                   "#4e79a7"};

typedef struct chart {
    const char *id, *caption, *desc;
    size_t nrows, nseg;
    const char *const *labels;   /* per row (escaped when written) */
    const size_t *v;             /* v[row * nseg + seg] */
    const char *const *segnames; /* per segment */
    const char *const *colours;  /* per segment */
    const size_t *order;         /* rows in this order */
    int legend;                  /* write the segments' legend */
} chart_t;

/* A horizontal stacked bar chart with a legend (when more than one segment); linked: no
 * style attribute (a legend swatch is a small SVG filled with its colour). */
static void put_chart(FILE *out, const chart_t *c, int linked)
{
    const int W = 560, L = 214, R = 36, ROW = 24, BAR = 16, TOP = 4;
    size_t max = 0;
    for (size_t r = 0; r < c->nrows; r++) {
        size_t tot = 0;
        for (size_t s = 0; s < c->nseg; s++)
            tot += c->v[r * c->nseg + s];
        if (tot > max)
            max = tot;
    }
    int H = TOP * 2 + ROW * (int)(c->nrows ? c->nrows : 1);
    fprintf(out, "<figure class=\"chart\" id=\"%s\">\n<figcaption>", c->id);
    put_html(out, c->caption);
    fprintf(out, "</figcaption>\n<svg viewBox=\"0 0 %d %d\" "
                 "role=\"img\" aria-labelledby=\"%s-t\"><title id=\"%s-t\">",
            W, H, c->id, c->id);
    put_html(out, c->desc);
    fputs("</title>\n", out);
    double scale = max ? (double)(W - L - R) / (double)max : 0;
    for (size_t k = 0; k < c->nrows; k++) {
        size_t r = c->order ? c->order[k] : k;
        int y = TOP + ROW * (int)k;
        fputs("<g><title>", out);
        put_html(out, c->labels[r]);
        size_t tot = 0;
        for (size_t s = 0; s < c->nseg; s++) {
            size_t n = c->v[r * c->nseg + s];
            tot += n;
            if (n && c->nseg > 1) {
                fputs(" \xc2\xb7 ", out);
                put_html(out, c->segnames[s]);
                fprintf(out, ": %zu", n);
            }
        }
        fprintf(out, "</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", L - 8,
                y + BAR - 3);
        put_html_cut(out, c->labels[r], CHART_LABEL);
        fputs("</text>", out);
        double x = L;
        for (size_t s = 0; s < c->nseg; s++) {
            size_t n = c->v[r * c->nseg + s];
            if (!n)
                continue;
            double w = (double)n * scale;
            fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                         "</rect>",
                    x, y + 1, w, BAR, c->colours[s]);
            x += w;
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%d\">%zu</text></g>\n", x + 5, y + BAR - 3, tot);
    }
    fputs("</svg>\n", out);
    if (c->legend) {
        fputs("<ul class=\"legend\">", out);
        for (size_t s = 0; s < c->nseg; s++) {
            if (linked)
                fprintf(out, "<li><svg class=\"sw\" viewBox=\"0 0 1 1\" aria-hidden=\"true\">"
                             "<rect width=\"1\" height=\"1\" fill=\"%s\"></rect></svg>",
                        c->colours[s]);
            else
                fprintf(out, "<li><span class=\"sw\" style=\"background:%s\"></span>",
                        c->colours[s]);
            put_html(out, c->segnames[s]);
            fputs("</li>", out);
        }
        fputs("</ul>\n", out);
    }
    fputs("</figure>\n", out);
}

/* Rows by their total, largest first (stable). */
static size_t *order_by_total(const size_t *v, size_t nrows, size_t nseg)
{
    size_t *o = malloc((nrows + 1) * sizeof *o), *tot = malloc((nrows + 1) * sizeof *tot);
    if (!o || !tot) {
        free(o);
        free(tot);
        return NULL;
    }
    for (size_t r = 0; r < nrows; r++) {
        o[r] = r;
        tot[r] = 0;
        for (size_t s = 0; s < nseg; s++)
            tot[r] += v[r * nseg + s];
    }
    for (size_t i = 1; i < nrows; i++) /* insertion sort: stable, few rows */
        for (size_t j = i; j > 0 && tot[o[j]] > tot[o[j - 1]]; j--) {
            size_t x = o[j];
            o[j] = o[j - 1];
            o[j - 1] = x;
        }
    free(tot);
    return o;
}

/* A type's colour, the same in every report: by its place among the types. */
static const char *type_colour(const char *type)
{
    const char *t;
    for (size_t i = 0; type && type[0] && (t = hsok_respondent_type_at(i)) != NULL; i++)
        if (strcmp(t, type) == 0)
            return type_colours[i % (NTYPE_COLOURS - 1)];
    return type_colours[NTYPE_COLOURS - 1];
}

/* The three charts of the overview. 0, or -1 when memory ran out. */
static int put_charts(FILE *out, const hsok_theme_matrix_t *m, int linked)
{
    const size_t T = m->nthemes, K = m->ntypes, P = HSOK_POSITION_COUNT;
    const char **tlabels = malloc((T + 1) * sizeof *tlabels);
    const char **klabels = malloc((K + 1) * sizeof *klabels);
    const char **kcolours = malloc((K + 1) * sizeof *kcolours);
    size_t *kv = malloc((K * K + 1) * sizeof *kv);
    size_t *pv = malloc((T * (P - 1) + 1) * sizeof *pv);
    size_t *o = NULL;
    int rc = -1;
    if (!tlabels || !klabels || !kcolours || !kv || !pv)
        goto done;
    for (size_t t = 0; t < T; t++)
        tlabels[t] = ex_theme_label(m, m->themes[t].id);
    for (size_t k = 0; k < K; k++) {
        klabels[k] = hsok_respondent_type_plural(m->types[k]);
        kcolours[k] = type_colour(m->types[k]);
    }
    fputs("<div class=\"charts\">\n", out);
    if (K > 0) {
        /* respondents by type: one bar per type, in its colour (a diagonal of segments) */
        memset(kv, 0, (K * K + 1) * sizeof *kv);
        for (size_t k = 0; k < K; k++)
            kv[k * K + k] = m->type_respondents[k];
        if (!(o = order_by_total(kv, K, K)))
            goto done;
        chart_t c = {"diagram-type", "Svar etter respondenttype",
                     "Antall respondenter av hver type", K, K, klabels, kv, klabels, kcolours,
                     o, 0};
        put_chart(out, &c, linked);
        free(o);
        o = NULL;
        /* each theme by type */
        if (T > 0) {
            if (!(o = order_by_total(m->type_theme_respondents, T, K)))
                goto done;
            chart_t d = {"diagram-tema-type", "Tema etter respondenttype",
                         "Respondenter som tar opp hvert tema, etter type", T, K, tlabels,
                         m->type_theme_respondents, klabels, kcolours, o, 1};
            put_chart(out, &d, linked);
            free(o);
            o = NULL;
        }
    }
    if (T > 0 && ex_any_position(m)) {
        for (size_t t = 0; t < T; t++)
            for (size_t p = 1; p < P; p++)
                pv[t * (P - 1) + p - 1] = m->theme_position_respondents[t * P + p];
        if (!(o = order_by_total(pv, T, P - 1)))
            goto done;
        chart_t c = {"diagram-posisjon", "Posisjoner per tema",
                     "Respondenter per tema etter posisjonen de tar (en respondent kan telle "
                     "under flere)",
                     T, P - 1, tlabels, pv, ex_position_heads + 1, position_colours + 1, o, 1};
        put_chart(out, &c, linked);
    }
    fputs("</div>\n", out);
    rc = 0;
done:
    free(o);
    free(tlabels);
    free(klabels);
    free(kcolours);
    free(kv);
    free(pv);
    return rc;
}

/* ---- overview tables ---- */

/* Respondents per theme and position (id "etter-posisjon"). */
static void html_positions(FILE *out, const hsok_theme_matrix_t *m)
{
    const size_t P = HSOK_POSITION_COUNT;
    fputs("<section id=\"etter-posisjon\">\n<h3>Etter posisjon</h3>\n<p class=\"meta\">"
          "Respondenter med minst ett utdrag om temaet som sier dette (en respondent som sier "
          "flere ting om et tema, telles under hver).</p>\n<table class=\"by-position\">\n"
          "<thead><tr><th scope=\"col\">Tema</th>",
          out);
    for (size_t p = 1; p < P; p++)
        fprintf(out, "<th scope=\"col\">%s</th>", ex_position_heads[p]);
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t t = 0; t <= m->nthemes; t++) {
        fputs("<tr><th scope=\"row\">", out);
        put_html(out, t < m->nthemes ? ex_theme_label(m, m->themes[t].id) : "Alle utdrag");
        fputs("</th>", out);
        for (size_t p = 1; p < P; p++)
            fprintf(out, "<td>%zu</td>", m->theme_position_respondents[t * P + p]);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
}

/* Theme by respondent type: "2 av 3 kommuner, …" per theme (id "etter-type"). 0, or -1 out
 * of memory. */
static int html_by_type(FILE *out, const hsok_theme_matrix_t *m)
{
    fputs("<section id=\"etter-type\">\n<h3>Etter respondenttype</h3>\n"
          "<p class=\"meta\">Respondenter etter type:",
          out);
    for (size_t k = 0; k < m->ntypes; k++)
        fprintf(out, "%s %zu %s", k ? "," : "", m->type_respondents[k],
                hsok_respondent_type_plural(m->types[k]));
    fputs(". Per tema: respondenter med minst ett utdrag om temaet, av alle av typen.</p>\n"
          "<table class=\"by-type\">\n<thead><tr><th scope=\"col\">Tema</th><th "
          "scope=\"col\">Respondenter etter type</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t t = 0; t < m->nthemes; t++) {
        char *bt = hsok_theme_matrix_by_type(m, t, "av");
        if (bt == NULL)
            return -1;
        fputs("<tr><th scope=\"row\">", out);
        put_html(out, ex_theme_label(m, m->themes[t].id));
        fputs("</th><td>", out);
        put_html(out, bt);
        fputs("</td></tr>\n", out);
        free(bt);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
    return 0;
}

/* ---- stances ---- */

/* The answers of one question (stances [from, to)) counted by option. */
static void html_tally(FILE *out, const report_t *rp, const hsok_stances_t *st, size_t from,
                       size_t to)
{
    const char *options = hsok_stances_get(st, from)->options;
    fputs("<p class=\"tally\">", out);
    int first = 1;
    size_t matched = 0, unchecked = 0, shown = 0;
    for (size_t i = from; i < to; i++) {
        const hsok_db_stance_t *s = hsok_stances_get(st, i);
        if (!ex_stance_shown(rp, s))
            continue;
        shown++;
        if (s->answer == NULL || s->answer[0] == '\0')
            unchecked++;
    }
    const char *p = options != NULL ? options : "";
    while (*p) {
        size_t len = strcspn(p, "|");
        if (len > 0) {
            size_t count = 0;
            for (size_t i = from; i < to; i++) {
                const hsok_db_stance_t *s = hsok_stances_get(st, i);
                if (ex_stance_shown(rp, s) && s->answer && strlen(s->answer) == len &&
                    memcmp(s->answer, p, len) == 0)
                    count++;
            }
            matched += count;
            if (!first)
                fputs(" · ", out);
            first = 0;
            ex_html_strn(out, p, len);
            fprintf(out, ": <strong>%zu</strong>", count);
        }
        p += len;
        if (*p == '|')
            p++;
    }
    size_t answered = shown - unchecked;
    size_t other = matched < answered ? answered - matched : 0;
    if (other > 0) {
        fprintf(out, "%sannet: <strong>%zu</strong>", first ? "" : " · ", other);
        first = 0;
    }
    if (unchecked > 0)
        fprintf(out, "%sikke avkrysset: <strong>%zu</strong>", first ? "" : " · ", unchecked);
    fputs("</p>\n", out);
}

/* The questions with answers shown: tallies (full 0) or who answered what (full 1). */
static void html_stances(FILE *out, const report_t *rp, const hsok_stances_t *st, int full)
{
    size_t total = hsok_stances_count(st);
    if (full)
        fputs("<section id=\"vedlegg-svar\" class=\"appendix\">\n<h2>Vedlegg D. Hvem svarte "
              "hva</h2>\n<p class=\"meta\">Avkrysningssvar per respondent.</p>\n",
              out);
    else
        fputs("<section id=\"standpunkt\">\n<h2>Standpunkt</h2>\n<p class=\"meta\">"
              "Avkrysningssvar fra respondentene i utvalget (hvem svarte hva: vedlegg D)."
              "</p>\n",
              out);
    size_t i = 0;
    while (i < total) {
        int q = hsok_stances_get(st, i)->question_no;
        int group = hsok_stances_get(st, i)->group;
        size_t end = i, shown = 0;
        while (end < total && hsok_stances_get(st, end)->group == group) {
            if (ex_stance_shown(rp, hsok_stances_get(st, end)))
                shown++;
            end++;
        }
        if (shown > 0) {
            const hsok_db_stance_t *first = hsok_stances_get(st, i);
            fprintf(out, "<h3>Spørsmål %d", q);
            if (ex_question_text(first)[0]) {
                fputs(": ", out);
                put_html(out, ex_question_text(first));
            }
            fputs("</h3>\n", out);
            if (!full) {
                html_tally(out, rp, st, i, end);
            } else {
                fputs("<table>\n<thead><tr><th scope=\"col\">Respondent</th><th scope=\"col\">"
                      "Svar</th></tr></thead>\n<tbody>\n",
                      out);
                for (size_t k = i; k < end; k++) {
                    const hsok_db_stance_t *s = hsok_stances_get(st, k);
                    if (!ex_stance_shown(rp, s))
                        continue;
                    fputs("<tr><td>", out);
                    put_html(out, resp_name(s->respondent));
                    fputs("</td><td>", out);
                    if (s->answer && s->answer[0])
                        put_html(out, s->answer);
                    else
                        fputs("<em>ikke avkrysset</em>", out);
                    fputs("</td></tr>\n", out);
                }
                fputs("</tbody></table>\n", out);
            }
        }
        i = end;
    }
    fputs("</section>\n", out);
}

/* ---- chosen quotes ---- */

typedef struct cand {
    size_t rec;  /* index into recs */
    size_t ord;  /* place in report order */
    int tier;    /* 0 readable length, 1 not */
    int pos;     /* states a position */
    double score;
} cand_t;

static int by_choice(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->tier != y->tier)
        return x->tier - y->tier;
    if (x->pos != y->pos)
        return y->pos - x->pos;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static int states_position(const hsok_record_t *r)
{
    hsok_position_t p;
    return r->position && r->position[0] && !hsok_position_parse(r->position, &p) &&
           p != HSOK_POSITION_NONE;
}

/* Up to QUOTES_PER_THEME records for theme (indices into recs in *chosen, *n), one per
 * respondent, none already quoted (quoted[rec] != 0). -1 out of memory. */
static int choose_quotes(const report_t *rp, const char *theme, const size_t *quoted,
                         size_t *chosen, size_t *n)
{
    *n = 0;
    cand_t *c = malloc((rp->n + 1) * sizeof *c);
    if (!c)
        return -1;
    size_t nc = 0;
    for (size_t k = 0; k < rp->n; k++) {
        const hsok_record_t *r = hsok_records_get(rp->recs, rp->order[k]);
        if (quoted[rp->order[k]] || !ex_record_has_theme(r, theme))
            continue;
        size_t len = 0; /* characters */
        for (const char *p = r->text ? r->text : ""; *p; p++)
            len += ((unsigned char)*p & 0xC0) != 0x80;
        const hsok_tag_t *tag = hsok_record_tag(r, theme);
        c[nc++] = (cand_t){rp->order[k], k, len >= QUOTE_MIN && len <= QUOTE_MAX ? 0 : 1,
                           states_position(r), tag ? tag->score : 0};
    }
    if (nc > 1)
        qsort(c, nc, sizeof *c, by_choice);
    for (size_t i = 0; i < nc && *n < QUOTES_PER_THEME; i++) {
        const char *resp = ex_respondent_of(hsok_records_get(rp->recs, c[i].rec));
        int dup = 0;
        for (size_t j = 0; j < *n && !dup; j++)
            dup = strcmp(ex_respondent_of(hsok_records_get(rp->recs, chosen[j])), resp) == 0;
        if (!dup)
            chosen[(*n)++] = c[i].rec;
    }
    free(c);
    return 0;
}

/* The attribution of a passage: citation, section, themes, position (and with pid its id,
 * for the appendix). */
static void put_attribution(FILE *out, const hsok_export_opts_t *opts,
                            const hsok_theme_matrix_t *m, const hsok_record_t *r, int pid)
{
    fputs("<cite class=\"attr\">— ", out);
    put_citation(out, opts, r);
    if (r->section && r->section[0]) {
        fputs(", ", out);
        put_html(out, r->section);
    }
    if (r->nthemes) {
        fputs(" <span class=\"tags\">· tema: ", out);
        put_theme_list(out, m, r);
        fputs("</span>", out);
    }
    ex_put_position(out, r, " · <span class=\"pos\">", "</span>", hsok_write_html);
    if (pid) {
        fputs(" <span class=\"pid\">", out);
        put_html(out, r->id);
        fputs("</span>", out);
    }
    fputs("</cite>", out);
}

static hsok_status_t put_quote(FILE *out, const hsok_export_opts_t *opts,
                               const hsok_theme_matrix_t *m, const hsok_record_t *r,
                               const char *theme, size_t no)
{
    const hsok_tag_t *tag = hsok_record_tag(r, theme);
    fprintf(out, "<blockquote class=\"sitat\" id=\"sitat-%zu\"><p><span class=\"qno\">[%zu]"
                 "</span>",
            no, no);
    hsok_status_t st = put_marked(out, r->text, tag, tag ? 1 : 0);
    fputs("</p>\n", out);
    put_attribution(out, opts, m, r, 0);
    fputs("</blockquote>\n", out);
    return st;
}

/* Per theme: a count line, the chosen quotes, and the passages quoted under earlier themes
 * that have this theme too. quoted[rec] holds the quote number of a quoted record (0 none).
 */
static hsok_status_t html_theme(FILE *out, const report_t *rp, const hsok_export_opts_t *opts,
                                const char *theme, size_t *quoted, size_t *nquoted,
                                const char **quoted_under)
{
    const hsok_theme_matrix_t *m = opts->matrix;
    size_t chosen[QUOTES_PER_THEME], nchosen;
    /* earlier quotes with this theme, before this theme's own are chosen */
    size_t *also = malloc((*nquoted + 1) * sizeof *also), nalso = 0;
    if (!also)
        return HSOK_ERR_NOMEM;
    for (size_t i = 0; i < rp->n; i++)
        if (quoted[i] && ex_record_has_theme(hsok_records_get(rp->recs, i), theme))
            also[nalso++] = i;
    if (choose_quotes(rp, theme, quoted, chosen, &nchosen) < 0) {
        free(also);
        return HSOK_ERR_NOMEM;
    }
    fputs("<section class=\"theme\" id=\"", out);
    put_attr_id(out, theme);
    fputs("\">\n<h2>", out);
    put_html(out, ex_theme_label(m, theme));
    fputs("</h2>\n", out);
    const hsok_db_theme_t *info = ex_matrix_theme(m, theme);
    if (info != NULL && info->description && info->description[0]) {
        fputs("<p class=\"meta\">", out);
        put_html(out, info->description);
        fputs("</p>\n", out);
    }
    size_t npass = 0, nresp = 0;
    const char *last = NULL;
    for (size_t k = 0; k < rp->n; k++) {
        const hsok_record_t *r = hsok_records_get(rp->recs, rp->order[k]);
        if (!ex_record_has_theme(r, theme))
            continue;
        npass++;
        if (!last || strcmp(last, ex_respondent_of(r)) != 0)
            nresp++;
        last = ex_respondent_of(r);
    }
    fprintf(out, "<p class=\"meta\">%zu utdrag fra %zu respondent%s", npass, nresp,
            nresp == 1 ? "" : "er");
    if (m) {
        for (size_t t = 0; t < m->nthemes; t++) {
            if (!m->themes[t].id || strcmp(m->themes[t].id, theme) != 0)
                continue;
            /* the types that have the theme: "3 av 12 kommuner, 1 av 2 helseforetak" */
            int first = 1;
            for (size_t k = 0; k < m->ntypes; k++) {
                size_t n = m->type_theme_respondents[t * m->ntypes + k];
                if (!n)
                    continue;
                fprintf(out, "%s%zu av %zu %s", first ? ": " : ", ", n,
                        m->type_respondents[k], hsok_respondent_type_plural(m->types[k]));
                first = 0;
            }
            const size_t P = HSOK_POSITION_COUNT;
            if (m->theme_position_respondents) {
                first = 1;
                for (size_t p = 1; p < P; p++) {
                    size_t n = m->theme_position_respondents[t * P + p];
                    if (!n)
                        continue;
                    fprintf(out, "%s%s %zu", first ? ". Posisjon (respondenter): " : ", ",
                            ex_position_heads[p], n);
                    first = 0;
                }
            }
        }
    }
    fputs(".</p>\n", out);
    hsok_status_t st = HSOK_OK;
    for (size_t i = 0; i < nchosen && st == HSOK_OK; i++) {
        quoted[chosen[i]] = ++*nquoted;
        quoted_under[chosen[i]] = theme;
        st = put_quote(out, opts, m, hsok_records_get(rp->recs, chosen[i]), theme, *nquoted);
    }
    if (nalso) {
        fputs("<p class=\"seealso\">Også om temaet: ", out);
        for (size_t i = 0; i < nalso; i++) {
            fprintf(out, "%s<a href=\"#sitat-%zu\">[%zu]</a> (", i ? "; " : "",
                    quoted[also[i]], quoted[also[i]]);
            put_citation(out, opts, hsok_records_get(rp->recs, also[i]));
            fputs(", under ", out);
            put_html(out, ex_theme_label(m, quoted_under[also[i]]));
            fputs(")", out);
        }
        fputs("</p>\n", out);
    }
    free(also);
    fputs("</section>\n", out);
    return st;
}

/* ---- appendices ---- */

/* A heatmap cell's attributes for count/max: class "n" and its inline style; linked: the
 * classes "n hK" instead, the shade in ten steps K (the CSS's td.h1..td.h10). */
static void heat_style(FILE *out, size_t count, size_t max, int linked)
{
    if (count == 0 || max == 0) {
        fputs(" class=\"n\"", out);
        return;
    }
    double t = (double)count / (double)max;
    if (linked) {
        long k = lround(10.0 * t);
        fprintf(out, " class=\"n h%ld\"", k < 1 ? 1 : k);
        return;
    }
    fputs(" class=\"n\"", out);
    int light = (int)lround(95.0 - 57.0 * t); /* 95% (few) .. 38% (most) */
    fprintf(out, " style=\"background-color:hsl(208,60%%,%d%%);color:%s\"", light,
            light < 62 ? "#fff" : "#1a1a1a");
}

/* The respondent × theme matrix, in tables of at most MATRIX_COLS themes. */
static void html_matrix(FILE *out, const hsok_theme_matrix_t *m, int linked)
{
    size_t max = 0;
    for (size_t i = 0; i < m->nrespondents * m->nthemes; i++)
        if (m->counts[i] > max)
            max = m->counts[i];
    size_t ntables = (m->nthemes + MATRIX_COLS - 1) / MATRIX_COLS;
    fputs("<section id=\"oversikt\" class=\"appendix\">\n<h2>Vedlegg B. Respondent og tema</h2>\n"
          "<p class=\"meta\">Antall utdrag per respondent og tema (mørkere: flere; tom: ingen)",
          out);
    if (ntables > 1)
        fprintf(out, ", i %zu tabeller med høyst %d temaer hver", ntables, MATRIX_COLS);
    fputs(".</p>\n", out);
    for (size_t from = 0; from < m->nthemes; from += MATRIX_COLS) {
        size_t to = from + MATRIX_COLS < m->nthemes ? from + MATRIX_COLS : m->nthemes;
        int last = to == m->nthemes;
        fputs("<table class=\"heatmap\">\n<thead><tr><th scope=\"col\" class=\"name\">"
              "Respondent</th>", out);
        for (size_t t = from; t < to; t++) {
            fputs("<th scope=\"col\" class=\"rot\"", out);
            if (m->themes[t].description && m->themes[t].description[0]) {
                fputs(" title=\"", out);
                put_html(out, m->themes[t].description);
                putc('"', out);
            }
            fputs("><div>", out);
            put_html(out, ex_theme_label(m, m->themes[t].id));
            fputs("</div></th>", out);
        }
        if (last)
            fputs("<th scope=\"col\" class=\"rot total\"><div>Utdrag i alt</div></th>", out);
        fputs("</tr></thead>\n<tbody>\n", out);
        for (size_t r = 0; r < m->nrespondents; r++) {
            const char *resp = resp_name(m->respondents[r]);
            fputs("<tr><th scope=\"row\">", out);
            put_html(out, resp);
            ex_put_type(out, m->respondent_types ? m->respondent_types[r] : NULL,
                        hsok_write_html);
            fputs("</th>", out);
            for (size_t t = from; t < to; t++) {
                size_t c = m->counts[r * m->nthemes + t];
                fputs("<td", out);
                heat_style(out, c, max, linked);
                if (c) {
                    fputs(" title=\"", out);
                    put_html(out, resp);
                    fputs(" – ", out);
                    put_html(out, ex_theme_label(m, m->themes[t].id));
                    fprintf(out, ": %zu\">%zu</td>", c, c);
                } else {
                    fputs("></td>", out);
                }
            }
            if (last)
                fprintf(out, "<td class=\"n\">%zu</td>", m->respondent_passages[r]);
            fputs("</tr>\n", out);
        }
        fputs("</tbody>\n<tfoot><tr><th scope=\"row\">Utdrag</th>", out);
        for (size_t t = from; t < to; t++)
            fprintf(out, "<td class=\"n\">%zu</td>", m->theme_passages[t]);
        if (last)
            fprintf(out, "<td class=\"n\">%zu</td>", m->passages);
        fputs("</tr>\n<tr><th scope=\"row\">Respondenter</th>", out);
        for (size_t t = from; t < to; t++)
            fprintf(out, "<td class=\"n\">%zu</td>", m->theme_respondents[t]);
        if (last)
            fprintf(out, "<td class=\"n\">%zu</td>", m->nrespondents);
        fputs("</tr></tfoot>\n</table>\n", out);
    }
    fputs("</section>\n", out);
}

/* Every selected passage once, by respondent, with all its themes marked. */
static hsok_status_t html_all(FILE *out, const report_t *rp, const hsok_export_opts_t *opts,
                              const size_t *quoted)
{
    const hsok_theme_matrix_t *m = opts->matrix;
    fputs("<section id=\"utdrag\" class=\"appendix\">\n<h2>Vedlegg C. Alle utdrag</h2>\n"
          "<p class=\"meta\">Hvert utdrag én gang, med alle temaene det har, etter respondent. "
          "Tallet bak et utdrag er det hsok viser det med (hsok show).</p>\n",
          out);
    hsok_tag_t *tags = NULL; /* the shown ones of a passage's tags */
    size_t cap = 0;
    const char *cur = NULL;
    hsok_status_t st = HSOK_OK;
    for (size_t k = 0; k < rp->n && st == HSOK_OK; k++) {
        size_t i = rp->order[k];
        const hsok_record_t *r = hsok_records_get(rp->recs, i);
        const char *resp = ex_respondent_of(r);
        if (cur == NULL || strcmp(cur, resp) != 0) {
            fputs("<h3>", out);
            put_html(out, resp_name(resp));
            ex_put_type(out, r->respondent_type, hsok_write_html);
            fputs("</h3>\n", out);
            cur = resp;
        }
        if (r->ntags > cap) {
            hsok_tag_t *g = realloc(tags, r->ntags * sizeof *g);
            if (!g) {
                st = HSOK_ERR_NOMEM;
                break;
            }
            tags = g;
            cap = r->ntags;
        }
        size_t nt = 0;
        for (size_t t = 0; t < r->ntags; t++)
            if (r->tags[t].theme && ex_record_has_theme(r, r->tags[t].theme))
                tags[nt++] = r->tags[t];
        fputs("<blockquote class=\"utdrag\"><p>", out);
        if (quoted[i])
            fprintf(out, "<a class=\"qno\" href=\"#sitat-%zu\">[%zu]</a>", quoted[i], quoted[i]);
        st = put_marked(out, r->text, tags, nt);
        fputs("</p>\n", out);
        put_attribution(out, opts, m, r, 1);
        fputs("</blockquote>\n", out);
    }
    free(tags);
    fputs("</section>\n", out);
    return st;
}

/* ---- the report ---- */

static size_t theme_count(const report_t *rp, const char *theme)
{
    size_t n = 0;
    for (size_t i = 0; i < rp->n; i++) {
        const hsok_record_t *r = hsok_records_get(rp->recs, i);
        if (theme != NULL ? ex_record_has_theme(r, theme) : r->nthemes == 0)
            n++;
    }
    return n;
}

const char *hsok_export_html_css(void)
{
    return html_css;
}

static void put_head(FILE *out, const char *title, const char *stylesheet)
{
    fputs("<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ",
          out);
    fputs(stylesheet ? "style-src 'self'\">\n" : "style-src 'unsafe-inline'\">\n", out);
    fputs("<meta name=\"referrer\" content=\"no-referrer\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"hsok ",
          out);
    put_html(out, hsok_version());
    fputs("\">\n<title>", out);
    put_html(out, title);
    fputs("</title>\n", out);
    if (stylesheet) {
        fputs("<link rel=\"stylesheet\" href=\"", out);
        put_html(out, stylesheet);
        fputs("\">\n", out);
    } else {
        fputs("<style>\n", out);
        fputs(html_css, out);
        fputs("</style>\n", out);
    }
    fputs("</head>\n<body>\n", out);
}

hsok_status_t ex_export_html(FILE *out, const hsok_records_t *recs,
                             const hsok_export_opts_t *opts)
{
    const hsok_theme_matrix_t *m = opts->matrix;
    const char *title = opts->title ? opts->title : DEFAULT_TITLE;
    report_t rp;
    if (ex_report_init(&rp, recs, m, opts->themes, opts->nthemes) < 0)
        return HSOK_ERR_NOMEM;
    size_t *quoted = calloc(rp.n + 1, sizeof *quoted);
    const char **quoted_under = calloc(rp.n + 1, sizeof *quoted_under);
    if (!quoted || !quoted_under) {
        free(quoted);
        free(quoted_under);
        ex_report_free(&rp);
        return HSOK_ERR_NOMEM;
    }
    hsok_status_t st = HSOK_OK;
    int has_matrix = m != NULL && m->nthemes > 0 && m->nrespondents > 0;
    int has_stances = opts->stances != NULL && ex_stances_shown(&rp, opts->stances) > 0;
    int has_tables = m != NULL && ((m->nthemes > 0 && m->ntypes > 0) || ex_any_position(m));

    put_head(out, title, opts->stylesheet);
    fputs("<header>\n<h1>", out);
    put_html(out, title);
    fputs("</h1>\n", out);
    if (opts->selection && opts->selection[0]) {
        fputs("<p class=\"meta\">Utvalg: ", out);
        put_html(out, opts->selection);
        fputs("</p>\n", out);
    }
    fprintf(out, "<p class=\"meta\">%zu utdrag fra %zu respondent%s.</p>\n", rp.n,
            rp.nrespondents, rp.nrespondents == 1 ? "" : "er");
    if (ex_copies_note(out, opts, recs, "<p class=\"meta\">", "</p>\n") < 0)
        st = HSOK_ERR_NOMEM;
    ex_unsure_note(out, recs, "<p class=\"meta\">", "</p>\n");
    fputs("</header>\n", out);

    /* contents */
    fputs("<nav>\n<ol>\n<li><a href=\"#sammendrag\">Oversikt</a></li>\n", out);
    if (has_stances)
        fputs("<li><a href=\"#standpunkt\">Standpunkt</a></li>\n", out);
    for (size_t t = 0; t < rp.nthemes; t++) {
        fputs("<li><a href=\"#", out);
        put_attr_id(out, rp.themes[t]);
        fputs("\">", out);
        put_html(out, ex_theme_label(m, rp.themes[t]));
        fprintf(out, "</a> (%zu)</li>\n", theme_count(&rp, rp.themes[t]));
    }
    if (has_tables)
        fputs("<li><a href=\"#tall\">Vedlegg A. Tallene bak diagrammene</a></li>\n", out);
    if (has_matrix)
        fputs("<li><a href=\"#oversikt\">Vedlegg B. Respondent og tema</a></li>\n", out);
    if (rp.n)
        fputs("<li><a href=\"#utdrag\">Vedlegg C. Alle utdrag</a></li>\n", out);
    if (has_stances)
        fputs("<li><a href=\"#vedlegg-svar\">Vedlegg D. Hvem svarte hva</a></li>\n", out);
    fputs("</ol>\n</nav>\n", out);

    /* overview */
    fputs("<section id=\"sammendrag\">\n<h2>Oversikt</h2>\n<ul class=\"kpis\">", out);
    fprintf(out, "<li><strong>%zu</strong>respondenter</li>", rp.nrespondents);
    fprintf(out, "<li><strong>%zu</strong>utdrag</li>", rp.n);
    fprintf(out, "<li><strong>%zu</strong>temaer</li>", rp.nthemes);
    if (rp.untagged)
        fprintf(out, "<li><strong>%zu</strong>utdrag uten tema</li>", theme_count(&rp, NULL));
    fputs("</ul>\n", out);
    if (m != NULL && m->nthemes + m->ntypes > 0 && st == HSOK_OK &&
        put_charts(out, m, opts->stylesheet != NULL) < 0)
        st = HSOK_ERR_NOMEM;
    if (has_tables)
        fputs("<p class=\"meta\">Tallene bak diagrammene: <a href=\"#tall\">vedlegg A</a>."
              "</p>\n", out);
    fputs("</section>\n", out);
    if (st == HSOK_OK && has_stances)
        html_stances(out, &rp, opts->stances, 0);

    fputs("<main>\n", out);
    if (rp.n == 0)
        fputs("<p>Ingen utdrag passer til utvalget.</p>\n", out);
    else if (rp.nthemes > 0)
        fprintf(out, "<p class=\"rule\">Sitatene under hvert tema er valgt slik: høyst %d per "
                     "tema og ett per respondent; et utdrag som er sitert under et tidligere "
                     "tema, siteres ikke igjen, men nevnes under «Også om temaet». Først "
                     "utdrag av lesbar lengde (%d til %d tegn), så de som tar stilling "
                     "(støtter, går imot, delvis, ber om endring), så de som treffer temaet "
                     "best. Alle utdrag står i vedlegg C.</p>\n",
                QUOTES_PER_THEME, QUOTE_MIN, QUOTE_MAX);
    size_t nquoted = 0;
    for (size_t t = 0; t < rp.nthemes && st == HSOK_OK && !ferror(out); t++)
        st = html_theme(out, &rp, opts, rp.themes[t], quoted, &nquoted, quoted_under);
    fputs("</main>\n", out);

    if (st == HSOK_OK && has_tables) {
        fputs("<section id=\"tall\" class=\"appendix\">\n<h2>Vedlegg A. Tallene bak "
              "diagrammene</h2>\n", out);
        if (m->nthemes > 0 && m->ntypes > 0 && html_by_type(out, m) < 0)
            st = HSOK_ERR_NOMEM;
        if (st == HSOK_OK && ex_any_position(m))
            html_positions(out, m);
        fputs("</section>\n", out);
    }
    if (st == HSOK_OK && has_matrix)
        html_matrix(out, m, opts->stylesheet != NULL);
    if (st == HSOK_OK && rp.n)
        st = html_all(out, &rp, opts, quoted);
    if (st == HSOK_OK && has_stances)
        html_stances(out, &rp, opts->stances, 1);
    fputs("</body>\n</html>\n", out);
    free(quoted);
    free(quoted_under);
    ex_report_free(&rp);
    return st;
}
