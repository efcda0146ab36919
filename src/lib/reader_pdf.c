/* reader_pdf.c — PDF files through poppler-glib (reader_internal.h).
 *
 * Each page's text comes from poppler_page_get_text, which gives the lines of a page in reading
 * order (a two-column page column by column) but no blank line between paragraphs. The text
 * layout (a box per character) gives each line's place on the page; a paragraph break is put
 * where the gap to the next line is clearly wider than the document's usual line gap, where the
 * text goes up the page (the next column) or where the font size changes. So the segmenter gets
 * what it gets from pdftotext: paragraphs separated by a blank line, and a form feed at the start
 * of each page after the first (reader.h).
 *
 * Poppler reports the faults it meets in a file through GLib's log (domain "Poppler"); while a
 * file is read they are counted (a page without text that caused some is "damaged", not "needs
 * OCR") and never printed: the library does not print.
 */
#include <glib.h>
#include <math.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>

#include "hsok/text.h"
#include "lazy_poppler.h"
#include "reader_internal.h"

/* One line of a page's text: bytes [start, end) of the page text, without its '\n', and its
 * box on the page (points, y grows downwards). */
typedef struct pdf_line {
    size_t start, end;
    double top, bottom, left, right;
    int boxed;  /* the layout gave boxes for its characters */
    int blank;  /* nothing but white space */
    /* wide gaps between two characters (poppler may join the lines of two columns that stand
     * at one height into one line): the byte where the text after it starts, and the gap */
    struct { size_t at; double x0, x1; } gap[3];
    unsigned ngaps;
} pdf_line_t;

typedef struct pdf_page {
    char *text;         /* g_free */
    pdf_line_t *lines;  /* malloc */
    size_t nlines;
    int has_text;
    unsigned faults;    /* poppler log messages while the page was read */
} pdf_page_t;

/* Poppler's log messages while one file is read: counted, never printed. */
static void count_fault(const gchar *domain, GLogLevelFlags level, const gchar *msg,
                        gpointer data)
{
    (void)domain, (void)level, (void)msg;
    (*(unsigned *)data)++;
}

/* The lines of a page's text and their boxes (rects[i] is the box of the i-th character of
 * text, as poppler_page_get_text_layout promises; without it the lines have no boxes). */
static pdf_line_t *split_lines(const char *text, const PopplerRectangle *rects, guint nrects,
                               size_t *nlines)
{
    size_t cap = 16, n = 0;
    pdf_line_t *v = malloc(cap * sizeof *v);
    if (!v)
        return NULL;
    size_t len = strlen(text), ch = 0;
    int use_boxes = rects && (size_t)g_utf8_strlen(text, (gssize)len) == (size_t)nrects;
    pdf_line_t cur;
    memset(&cur, 0, sizeof cur);
    cur.blank = 1;
    for (size_t i = 0; i <= len;) {
        if (i == len || text[i] == '\n') {
            cur.end = i;
            if (cur.end > cur.start || i < len) {
                if (n == cap) {
                    pdf_line_t *w = realloc(v, (cap *= 2) * sizeof *w);
                    if (!w) {
                        free(v);
                        return NULL;
                    }
                    v = w;
                }
                v[n++] = cur;
            }
            if (i == len)
                break;
            i++;
            ch++;
            memset(&cur, 0, sizeof cur);
            cur.start = i;
            cur.blank = 1;
            continue;
        }
        const char *next = g_utf8_next_char(text + i);
        size_t k = (size_t)(next - (text + i));
        if (k == 0 || i + k > len)
            k = 1;
        unsigned char c = (unsigned char)text[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\f')
            cur.blank = 0;
        if (use_boxes && ch < nrects && c != ' ') {
            const PopplerRectangle *r = &rects[ch];
            double top = r->y1 < r->y2 ? r->y1 : r->y2, bottom = r->y1 < r->y2 ? r->y2 : r->y1;
            double left = r->x1 < r->x2 ? r->x1 : r->x2, right = r->x1 < r->x2 ? r->x2 : r->x1;
            if (bottom > top) {
                if (cur.boxed && left - cur.right > bottom - top && cur.ngaps < 3) {
                    cur.gap[cur.ngaps].at = i;
                    cur.gap[cur.ngaps].x0 = cur.right;
                    cur.gap[cur.ngaps].x1 = left;
                    cur.ngaps++;
                }
                if (!cur.boxed || right > cur.right)
                    cur.right = right;
                if (!cur.boxed || top < cur.top)
                    cur.top = top;
                if (!cur.boxed || bottom > cur.bottom)
                    cur.bottom = bottom;
                if (!cur.boxed || left < cur.left)
                    cur.left = left;
                cur.boxed = 1;
            }
        }
        i += k;
        ch++;
    }
    *nlines = n;
    return v;
}

/* ---- two columns ----
 * poppler orders the blocks of a page by its own rules, and on a page of two columns a block
 * at the foot of the left column can come after the right column. Where the lines of a page
 * stand in two columns side by side (a gutter that few lines cross, at least four lines on
 * each side, beside each other, the right column's lines starting at one edge), they are put
 * in order here: the lines that cross the gutter (a title, a footer) cut the page into bands,
 * and in each band the left column comes before the right one, each from the top down. */

typedef struct line_key {
    size_t band;
    int col;      /* -1 a line across the gutter, 0 left, 1 right */
    double top, left;
    size_t index;
} line_key_t;

static int cmp_key(const void *a, const void *b)
{
    const line_key_t *x = a, *y = b;
    if (x->band != y->band)
        return x->band < y->band ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    if (x->top != y->top)
        return x->top < y->top ? -1 : 1;
    if (x->left != y->left)
        return x->left < y->left ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Whether line l crosses x (not in one of its wide gaps). */
static int crosses(const pdf_line_t *l, double x)
{
    if (l->blank || l->left >= x || l->right <= x)
        return 0;
    for (unsigned g = 0; g < l->ngaps; g++)
        if (l->gap[g].x0 <= x && x <= l->gap[g].x1)
            return 0;
    return 1;
}

/* Put the lines of a page of two columns in reading order (see above); other pages, and pages
 * whose lines have no boxes, stay as poppler gave them. -1 out of memory. */
static int order_columns(pdf_page_t *pg, double width)
{
    size_t n = 0;
    for (size_t i = 0; i < pg->nlines; i++) {
        if (pg->lines[i].blank)
            continue;
        if (!pg->lines[i].boxed)
            return 0;
        n++;
    }
    if (n < 8 || width <= 0)
        return 0;
    /* the gutter: the x in the middle of the page that the fewest lines cross */
    double gx = 0;
    size_t cross = (size_t)-1;
    for (double x = 0.3 * width; x <= 0.7 * width; x += 1) {
        size_t c = 0;
        for (size_t i = 0; i < pg->nlines; i++)
            c += crosses(&pg->lines[i], x);
        if (c < cross || (c == cross && fabs(x - width / 2) < fabs(gx - width / 2)))
            cross = c, gx = x;
    }
    if (cross * 3 > n)
        return 0;
    /* a line of both columns (poppler joined them) is cut at the gutter */
    pdf_line_t *cut = malloc(2 * n * sizeof *cut);
    if (!cut)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < pg->nlines; i++) {
        const pdf_line_t *l = &pg->lines[i];
        if (l->blank)
            continue;
        cut[m] = *l;
        for (unsigned g = 0; g < l->ngaps; g++)
            if (l->left < gx && gx < l->right && l->gap[g].x0 <= gx && gx <= l->gap[g].x1) {
                cut[m].end = l->gap[g].at;
                cut[m].right = l->gap[g].x0;
                cut[++m] = *l;
                cut[m].start = l->gap[g].at;
                cut[m].left = l->gap[g].x1;
                break;
            }
        m++;
    }
    size_t nl = 0, nr = 0, beside = 0, edge = 0;
    double redge = width;
    for (size_t i = 0; i < m; i++) {
        nl += cut[i].right <= gx;
        if (cut[i].left >= gx) {
            nr++;
            if (cut[i].left < redge)
                redge = cut[i].left;
        }
    }
    for (size_t i = 0; i < m; i++) {
        const pdf_line_t *r = &cut[i];
        if (r->left < gx)
            continue;
        edge += r->left - redge < 3;
        for (size_t j = 0; j < m; j++) {
            const pdf_line_t *l = &cut[j];
            if (l->right <= gx && l->top < r->bottom && r->top < l->bottom) {
                beside++;
                break;
            }
        }
    }
    if (nl < 4 || nr < 4 || beside < 3 || edge * 2 < nr) {
        free(cut);
        return 0;
    }
    free(pg->lines);
    pg->lines = cut;
    pg->nlines = n = m;

    line_key_t *keys = malloc(n * sizeof *keys);
    pdf_line_t *lines = malloc(n * sizeof *lines);
    if (!keys || !lines) {
        free(keys);
        free(lines);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const pdf_line_t *l = &pg->lines[i];
        int col = l->right <= gx ? 0 : l->left >= gx ? 1 : -1;
        size_t band = 0; /* the lines across the gutter above this one */
        for (size_t j = 0; j < n; j++) {
            const pdf_line_t *s = &pg->lines[j];
            if (s->left < gx && gx < s->right && j != i &&
                (s->top < l->top || (s->top == l->top && j < i)))
                band++;
        }
        keys[i] = (line_key_t){ col < 0 ? 2 * band + 1 : 2 * band, col, l->top, l->left, i };
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    for (size_t i = 0; i < n; i++)
        lines[i] = pg->lines[keys[i].index];
    free(keys);
    free(pg->lines);
    pg->lines = lines;
    pg->nlines = n;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Whether a line b that follows line a on the same page is in the same column, below it. */
static int follows_below(const pdf_line_t *a, const pdf_line_t *b)
{
    double h = a->bottom - a->top;
    return a->boxed && b->boxed && b->top >= a->top + 0.5 * h;
}

/* The usual gap between two lines of one paragraph in the document: the fifth of the gaps
 * between consecutive lines of a column (most lines follow a line of their own paragraph). */
static double usual_gap(const pdf_page_t *pages, size_t npages)
{
    size_t n = 0, cap = 0;
    double *gaps = NULL, usual = 0;
    for (size_t p = 0; p < npages; p++)
        for (size_t i = 0; i + 1 < pages[p].nlines; i++) {
            const pdf_line_t *a = &pages[p].lines[i], *b = &pages[p].lines[i + 1];
            if (a->blank || b->blank || !follows_below(a, b))
                continue;
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 256;
                double *g = realloc(gaps, nc * sizeof *g);
                if (!g) {
                    free(gaps);
                    return 0;
                }
                gaps = g;
                cap = nc;
            }
            gaps[n++] = b->top - a->bottom;
        }
    if (n) {
        qsort(gaps, n, sizeof *gaps, cmp_double);
        usual = gaps[n / 5];
    }
    free(gaps);
    return usual;
}

/* Whether a paragraph ends between line a and the line b after it. */
static int paragraph_break(const pdf_line_t *a, const pdf_line_t *b, double usual)
{
    if (!a->boxed || !b->boxed)
        return 0;
    double ha = a->bottom - a->top, hb = b->bottom - b->top;
    double h = ha > hb ? ha : hb;
    if (!follows_below(a, b))
        return 1; /* the next column, or a line beside this one */
    if (ha > 1.25 * hb || hb > 1.25 * ha)
        return 1; /* another font size: a heading */
    double gap = b->top - a->bottom;
    return gap > 0.5 * h && (gap > usual + 0.35 * h || gap > 0.9 * h);
}

/* Append s[0..n) cleaned: valid UTF-8, control characters as spaces, ligatures spelled out,
 * soft hyphens dropped (one that ends the line becomes '-', for the reflow to judge), trailing
 * white space cut. */
static void add_clean(buf_t *out, const char *s, size_t n)
{
    size_t mark = out->len;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = hsok_utf8_next(s + i, n - i, &cp);
        if (!k) {
            buf_add(out, "\xef\xbf\xbd", 3);
            i++;
            continue;
        }
        static const char *const lig[] = { "ff", "fi", "fl", "ffi", "ffl", "st", "st" };
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            buf_addch(out, ' ');
        else if (cp >= 0xfb00 && cp <= 0xfb06)
            buf_addstr(out, lig[cp - 0xfb00]);
        else if (cp == 0xad) {
            size_t j = i + k;
            while (j < n && (s[j] == ' ' || s[j] == '\t'))
                j++;
            if (j == n)
                buf_addch(out, '-');
        } else
            buf_add(out, s + i, k);
        i += k;
    }
    while (out->len > mark && out->data[out->len - 1] == ' ')
        out->data[--out->len] = '\0';
}

/* Read page i of d into pg. */
static hsok_status_t read_page(PopplerDocument *d, int i, pdf_page_t *pg, unsigned *faults,
                               const char *name, char **errmsg)
{
    unsigned before = *faults;
    PopplerPage *page = poppler_document_get_page(d, i);
    if (!page) {
        pg->faults = 1;
        return HSOK_OK;
    }
    pg->text = poppler_page_get_text(page);
    PopplerRectangle *rects = NULL;
    guint nrects = 0;
    if (pg->text && *pg->text && !poppler_page_get_text_layout(page, &rects, &nrects))
        rects = NULL, nrects = 0;
    if (pg->text) {
        pg->lines = split_lines(pg->text, rects, nrects, &pg->nlines);
        if (!pg->lines) {
            g_free(rects);
            g_object_unref(page);
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
        }
        for (size_t k = 0; k < pg->nlines; k++)
            if (!pg->lines[k].blank)
                pg->has_text = 1;
        double width = 0, height = 0;
        poppler_page_get_size(page, &width, &height);
        if (pg->has_text && order_columns(pg, width) < 0) {
            g_free(rects);
            g_object_unref(page);
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
        }
    }
    g_free(rects);
    g_object_unref(page);
    pg->faults = *faults - before;
    return HSOK_OK;
}

/* Whether page i shows an image (a scan) where it has no text. */
static int page_has_image(PopplerDocument *d, int i)
{
    PopplerPage *page = poppler_document_get_page(d, i);
    if (!page)
        return 0;
    GList *imgs = poppler_page_get_image_mapping(page);
    int yes = imgs != NULL;
    poppler_page_free_image_mapping(imgs);
    g_object_unref(page);
    return yes;
}

/* "page 3" or "pages 3-5". */
static void warn_pages(hsok_document_t *doc, int from, int to, const char *why, int *nomem)
{
    int r = from == to ? hsok_document_warn(doc, "page %d: %s", from, why)
                       : hsok_document_warn(doc, "pages %d-%d: %s", from, to, why);
    if (r < 0)
        *nomem = 1;
}

/* The pages without text, one warning per run of pages with the same reason; blank pages
 * (neither text nor image) say nothing. */
static int warn_empty_pages(PopplerDocument *d, const pdf_page_t *pages, int npages,
                            hsok_document_t *doc)
{
    int nomem = 0, from = 0, kind = 0; /* kind of the open run: 1 needs OCR, 2 damaged */
    static const char *const why[] = { "", "no text layer; needs OCR",
                                       "damaged; its text could not be read" };
    for (int i = 0; i <= npages; i++) {
        int k = 0;
        if (i < npages && !pages[i].has_text)
            k = pages[i].faults ? 2 : page_has_image(d, i) ? 1 : 0;
        if (k != kind) {
            if (kind)
                warn_pages(doc, from + 1, i, why[kind], &nomem);
            kind = k;
            from = i;
        }
    }
    return nomem ? -1 : 0;
}

/* The text of the pages: paragraphs separated by a blank line, '\f' before each page after the
 * first. */
static int join_pages(const pdf_page_t *pages, size_t npages, buf_t *out)
{
    double usual = usual_gap(pages, npages);
    for (size_t p = 0; p < npages; p++) {
        const pdf_page_t *pg = &pages[p];
        if (p > 0)
            buf_addch(out, '\f');
        if (!pg->has_text)
            continue;
        const pdf_line_t *prev = NULL;
        int gap = 0;
        for (size_t i = 0; i < pg->nlines; i++) {
            const pdf_line_t *l = &pg->lines[i];
            size_t mark = out->len;
            if (prev && (gap || paragraph_break(prev, l, usual)))
                buf_addch(out, '\n');
            size_t at = out->len;
            add_clean(out, pg->text + l->start, l->end - l->start);
            if (out->len == at) { /* a blank line: a break, once the next line comes */
                out->len = mark;
                out->data[mark] = '\0';
                gap = prev != NULL;
                continue;
            }
            buf_addch(out, '\n');
            prev = l;
            gap = 0;
        }
        if (p + 1 < npages)
            buf_addch(out, '\n');
    }
    return out->err ? -1 : 0;
}

/* "Document is damaged" → "document is damaged"; "PDF document …" stays. */
static void lower_first(char *s)
{
    if (s && *s >= 'A' && *s <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
        *s = (char)(*s - 'A' + 'a');
}

hsok_status_t hsok_read_pdf(const char *name, const char *bytes, size_t len,
                            hsok_document_t *doc, char **errmsg)
{
    if (lazy_poppler_load(errmsg) != HSOK_OK)
        return HSOK_ERR_UNSUPPORTED;
    unsigned faults = 0;
    guint handler = g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL |
                                                     G_LOG_FLAG_RECURSION,
                                      count_fault, &faults);
    GError *gerr = NULL;
    GBytes *gb = g_bytes_new_static(bytes, len);
    PopplerDocument *d = poppler_document_new_from_bytes(gb, NULL, &gerr);
    hsok_status_t st = HSOK_OK;
    pdf_page_t *pages = NULL;
    int npages = 0;
    buf_t out = BUF_INIT;
    if (!d) {
        int encrypted = gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED;
        char *why = g_strdup(gerr && gerr->message ? gerr->message : "unknown error");
        lower_first(why);
        if (encrypted)
            st = hsok_seterr(errmsg, HSOK_ERR_NO_TEXT,
                             "'%s': encrypted; needs its password: save a copy without it "
                             "(qpdf --decrypt --password=PASSWORD FILE.pdf COPY.pdf) and index "
                             "that", name);
        else
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': a damaged PDF file that cannot be "
                             "opened (%s)", name, why);
        g_free(why);
        goto out;
    }
    npages = poppler_document_get_n_pages(d);
    if (npages <= 0) {
        st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': a damaged PDF file: no pages", name);
        goto out;
    }
    pages = calloc((size_t)npages, sizeof *pages);
    if (!pages) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
        goto out;
    }
    int with_text = 0, damaged = 0;
    for (int i = 0; i < npages && st == HSOK_OK; i++) {
        st = read_page(d, i, &pages[i], &faults, name, errmsg);
        with_text += pages[i].has_text;
        damaged += !pages[i].has_text && pages[i].faults;
    }
    if (st != HSOK_OK)
        goto out;
    if (!with_text) {
        if (damaged)
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                             "'%s': a damaged PDF file: no page could be read", name);
        else
            st = hsok_seterr(errmsg, HSOK_ERR_NO_TEXT,
                             "'%s': no text layer; needs OCR (ocrmypdf FILE.pdf COPY.pdf adds "
                             "one)", name);
        goto out;
    }
    if (warn_empty_pages(d, pages, npages, doc) < 0 || join_pages(pages, (size_t)npages, &out) < 0) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
        goto out;
    }
    doc->pages = (unsigned)npages;
    doc->src.encoding = HSOK_ENC_UTF8;
    doc->src.text = buf_detach(&out, &doc->src.len);
    if (!doc->src.text)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
out:
    for (int i = 0; pages && i < npages; i++) {
        g_free(pages[i].text);
        free(pages[i].lines);
    }
    free(pages);
    buf_free(&out);
    if (d)
        g_object_unref(d);
    g_bytes_unref(gb);
    if (gerr)
        g_error_free(gerr);
    g_log_remove_handler("Poppler", handler);
    return st;
}
