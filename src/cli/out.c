/* out.c — the CLI's output writer (see out.h). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* TIOCGWINSZ */
#endif
#include "out.h"

#include "hsok/export.h"
#include "hsok/position.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int out_color_parse(const char *arg, out_color_t *mode)
{
    if (arg == NULL || strcmp(arg, "always") == 0)
        *mode = OUT_COLOR_ALWAYS;
    else if (strcmp(arg, "never") == 0)
        *mode = OUT_COLOR_NEVER;
    else if (strcmp(arg, "auto") == 0)
        *mode = OUT_COLOR_AUTO;
    else
        return -1;
    return 0;
}

int out_use_color(out_color_t mode, FILE *f)
{
    if (mode != OUT_COLOR_AUTO)
        return mode == OUT_COLOR_ALWAYS;
    const char *nc = getenv("NO_COLOR");
    if (nc != NULL && nc[0] != '\0')
        return 0;
    return isatty(fileno(f));
}

void out_sgr(FILE *f, int color, const char *sgr)
{
    if (color)
        fputs(sgr, f);
}

void out_json_str(FILE *f, const char *s)
{
    if (s == NULL)
        fputs("null", f);
    else
        hsok_write_json_string(f, s); /* the exports' escaping: one writer for all JSON */
}

void oj_init(out_json_t *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
}

/* Separate a value from the one before it at the current level. */
static void oj_value(out_json_t *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->need_comma[j->depth])
        putc(',', j->f);
    j->need_comma[j->depth] = 1;
}

static void oj_open(out_json_t *j, char c)
{
    oj_value(j);
    putc(c, j->f);
    if (j->depth < OUT_JSON_DEPTH)
        j->depth++;
    j->need_comma[j->depth] = 0;
}

static void oj_close(out_json_t *j, char c)
{
    putc(c, j->f);
    if (j->depth > 0)
        j->depth--;
    if (j->depth == 0) {
        putc('\n', j->f);
        j->need_comma[0] = 0;
    }
}

void oj_obj_begin(out_json_t *j) { oj_open(j, '{'); }
void oj_obj_end(out_json_t *j) { oj_close(j, '}'); }
void oj_arr_begin(out_json_t *j) { oj_open(j, '['); }
void oj_arr_end(out_json_t *j) { oj_close(j, ']'); }

void oj_key(out_json_t *j, const char *key)
{
    oj_value(j);
    out_json_str(j->f, key);
    putc(':', j->f);
    j->after_key = 1;
}

void oj_str(out_json_t *j, const char *s)
{
    oj_value(j);
    out_json_str(j->f, s);
}

void oj_uint(out_json_t *j, uint64_t v)
{
    oj_value(j);
    fprintf(j->f, "%llu", (unsigned long long)v);
}

void oj_double(out_json_t *j, double v)
{
    oj_value(j);
    if (!isfinite(v))
        v = 0;
    fprintf(j->f, "%.6g", v);
}

void oj_bool(out_json_t *j, int v)
{
    oj_value(j);
    fputs(v ? "true" : "false", j->f);
}

void oj_null(out_json_t *j)
{
    oj_value(j);
    fputs("null", j->f);
}

void oj_record(out_json_t *j, const hsok_record_t *r, int with_ordinal)
{
    oj_key(j, "id"); oj_str(j, r->id);
    oj_key(j, "source"); oj_str(j, r->source);
    oj_key(j, "line"); oj_uint(j, r->line);
    oj_key(j, "end_line"); oj_uint(j, r->end_line);
    if (r->page) { /* only for a source with pages */
        oj_key(j, "page"); oj_uint(j, r->page);
        oj_key(j, "end_page"); oj_uint(j, r->end_page > r->page ? r->end_page : r->page);
    }
    if (with_ordinal) {
        oj_key(j, "ordinal"); oj_uint(j, r->ordinal);
    }
    oj_key(j, "respondent"); oj_str(j, r->respondent ? r->respondent : "");
    oj_key(j, "respondent_type"); oj_str(j, r->respondent_type ? r->respondent_type : "");
    oj_key(j, "section"); oj_str(j, r->section ? r->section : "");
    if (r->form_text) { /* only on the hearing's form text (--with-form-text) */
        oj_key(j, "form_text"); oj_bool(j, 1);
    }
    oj_key(j, "themes");
    oj_arr_begin(j);
    for (size_t i = 0; i < r->nthemes; i++)
        oj_str(j, r->themes[i]);
    oj_arr_end(j);
    /* the themes whose tag is unsure (below twice the threshold, or from context) */
    oj_key(j, "unsure");
    oj_arr_begin(j);
    for (size_t i = 0; i < r->ntags; i++)
        if (r->tags[i].unsure && r->tags[i].theme)
            oj_str(j, r->tags[i].theme);
    oj_arr_end(j);
    /* the position the passage states (position.h), null when none */
    int pos = r->position && *r->position;
    oj_key(j, "position"); oj_str(j, pos ? r->position : NULL);
    oj_key(j, "position_evidence"); oj_str(j, pos ? r->position_evidence : NULL);
    oj_key(j, "text"); oj_str(j, r->text);
}

void out_position(FILE *f, const hsok_record_t *r)
{
    hsok_position_t p;
    if (r->position && *r->position && !hsok_position_parse(r->position, &p)) {
        fprintf(f, "  [%s]", hsok_position_label(p));
    }
}

void out_pages(FILE *f, const hsok_record_t *r)
{
    char pages[32];
    if (r->page)
        fprintf(f, ", %s", hsok_page_label(r->page, r->end_page, pages, sizeof pages));
}

void out_safe(FILE *f, const char *s, size_t len)
{
    size_t run = 0, i = 0; /* s[run..i) is ordinary text not yet written */
    while (i < len) {
        char esc[HSOK_ESCAPE_MAX];
        size_t n = hsok_visible_next(s + i, len - i, esc);
        if (esc[0] != '\0') {
            fwrite(s + run, 1, i - run, f);
            fputs(esc, f);
            run = i + n;
        }
        i += n;
    }
    fwrite(s + run, 1, len - run, f);
}

void out_safe_str(FILE *f, const char *s)
{
    if (s != NULL)
        out_safe(f, s, strlen(s));
}

size_t out_safe_width(const char *s, size_t len)
{
    size_t w = 0, i = 0;
    while (i < len) {
        char esc[HSOK_ESCAPE_MAX];
        i += hsok_visible_next(s + i, len - i, esc);
        w += esc[0] != '\0' ? strlen(esc) : 1;
    }
    return w;
}

void out_safe_vprintf(FILE *f, const char *fmt, va_list ap)
{
    char small[512];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        out_safe(f, small, (size_t)n);
    } else if (n >= 0) {
        char *big = malloc((size_t)n + 1);
        if (big != NULL && vsnprintf(big, (size_t)n + 1, fmt, again) == n)
            out_safe(f, big, (size_t)n);
        else
            out_safe(f, small, sizeof small - 1); /* out of memory: the start of it */
        free(big);
    }
    va_end(again);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Code points in s[0..n): count the bytes that do not continue a sequence. */
static size_t cp_count(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            k++;
    return k;
}

void out_wrapped(FILE *f, const char *text, size_t len, const hsok_span_t *spans,
                 size_t nspans, const char *indent, unsigned width, int color)
{
    size_t avail = width;
    size_t iw = cp_count(indent, strlen(indent));
    avail = avail > iw + 20 ? avail - iw : 20;
    const char *open = color ? OUT_SGR_MATCH : OUT_MARK_OPEN;
    const char *close = color ? OUT_SGR_RESET : OUT_MARK_CLOSE;

    size_t col = 0, si = 0, p = 0;
    int started = 0;
    while (p < len) {
        while (p < len && is_space((unsigned char)text[p]))
            p++;
        if (p == len)
            break;
        size_t ws = p;
        while (p < len && !is_space((unsigned char)text[p]))
            p++;
        size_t we = p;
        size_t w = out_safe_width(text + ws, we - ws);
        if (!started) {
            fputs(indent, f);
            started = 1;
        } else if (col + 1 + w > avail) {
            putc('\n', f);
            fputs(indent, f);
            col = 0;
        } else {
            putc(' ', f);
            col++;
        }
        /* A span crossing whitespace is closed at each word end and reopened at the next
         * word, so markers and colours never straddle a line break. */
        int in = 0;
        for (size_t q = ws; q < we;) {
            while (si < nspans && spans[si].end <= q)
                si++;
            int inside = si < nspans && spans[si].start <= q && q < spans[si].end;
            if (inside != in) {
                fputs(inside ? open : close, f);
                in = inside;
            }
            char esc[HSOK_ESCAPE_MAX];
            size_t n = hsok_visible_next(text + q, we - q, esc);
            if (esc[0] != '\0')
                fputs(esc, f);
            else
                fwrite(text + q, 1, n, f);
            q += n;
        }
        if (in)
            fputs(close, f);
        col += w;
    }
    if (started)
        putc('\n', f);
}

void out_abbrev(FILE *f, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (max < 2 || out_safe_width(s, n) <= max) {
        out_safe(f, s, n);
        return;
    }
    /* The bytes that fit in max - 1 columns, leaving room for the ellipsis. */
    size_t cut = 0, w = 0;
    while (cut < n) {
        char esc[HSOK_ESCAPE_MAX];
        size_t k = hsok_visible_next(s + cut, n - cut, esc);
        size_t cw = esc[0] != '\0' ? strlen(esc) : 1;
        if (w + cw > max - 1)
            break;
        w += cw;
        cut += k;
    }
    size_t sp = cut;
    while (sp > 0 && cp_count(s + sp, cut - sp) < 15 && s[sp - 1] != ' ')
        sp--;
    if (sp > 0 && s[sp - 1] == ' ')
        cut = sp - 1;
    while (cut > 0 && s[cut - 1] == ' ')
        cut--;
    out_safe(f, s, cut);
    fputs("…", f);
}

void out_human_size(char *buf, size_t size, uint64_t n)
{
    static const char *const unit[] = {"kB", "MB", "GB", "TB"};
    if (n < 1000) {
        snprintf(buf, size, "%llu B", (unsigned long long)n);
        return;
    }
    double v = (double)n / 1000.0;
    size_t u = 0;
    while (v >= 999.95 && u + 1 < sizeof unit / sizeof unit[0]) {
        v /= 1000.0;
        u++;
    }
    snprintf(buf, size, "%.1f %s", v, unit[u]);
}

unsigned out_width(FILE *f)
{
    long w = 0;
    if (!isatty(fileno(f)))
        return 80;
    const char *cols = getenv("COLUMNS");
    if (cols != NULL && cols[0] != '\0')
        w = strtol(cols, NULL, 10);
    if (w <= 0) {
        struct winsize ws;
        if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0)
            w = ws.ws_col;
    }
    if (w <= 0)
        w = 80;
    if (w > 100)
        w = 100;
    if (w < 40)
        w = 40;
    return (unsigned)w;
}

void out_section(FILE *f, const char *s, size_t max)
{
    static const char sep[] = " \xe2\x80\xba "; /* " › " */
    size_t len = strlen(s);
    if (out_safe_width(s, len) <= max) {
        out_safe(f, s, len);
        return;
    }
    /* the last separator */
    const char *last = NULL;
    for (const char *p = strstr(s, sep); p; p = strstr(p + 1, sep))
        last = p;
    if (!last) {
        out_abbrev(f, s, max);
        return;
    }
    const char *tail = last + strlen(sep);
    size_t tl = out_safe_width(tail, strlen(tail));
    if (tl + 8 >= max) {
        out_abbrev(f, tail, max);
        return;
    }
    size_t head_max = max - tl - 3;
    char *head = malloc((size_t)(last - s) + 1);
    if (!head) {
        out_abbrev(f, s, max);
        return;
    }
    memcpy(head, s, (size_t)(last - s));
    head[last - s] = '\0';
    out_abbrev(f, head, head_max);
    free(head);
    fputs(sep, f);
    out_safe_str(f, tail);
}
