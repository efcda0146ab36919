/* export.c — tagged excerpts as CSV, JSON lines, Markdown or HTML (see export.h).
 *
 * Every string that comes from a document or from the index goes out through one of the four
 * escaping helpers (hsok_write_csv_cell, hsok_write_json_string, hsok_write_html,
 * hsok_write_md) or their length-bounded internal forms; fixed text is written with fputs.
 * Write errors are sticky in the FILE, so the format writers check ferror() once at the end.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "export_internal.h"
#include "formtext.h"
#include "hsok/codes.h"
#include "hsok/copies.h"
#include "hsok/export.h"
#include "hsok/position.h"
#include "hsok/segment.h"
#include "hsok/text.h"


/* ---- format names ---- */

int hsok_export_format_parse(const char *name, hsok_export_format_t *out)
{
    static const struct {
        const char *name;
        hsok_export_format_t fmt;
    } names[] = {
        {"csv", HSOK_EXPORT_CSV},  {"jsonl", HSOK_EXPORT_JSONL},   {"json", HSOK_EXPORT_JSONL},
        {"md", HSOK_EXPORT_MD},    {"markdown", HSOK_EXPORT_MD}, {"html", HSOK_EXPORT_HTML},
        {"xlsx", HSOK_EXPORT_XLSX},
    };
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].fmt;
            return 0;
        }
    return -1;
}

/* ---- escaping helpers ---- */

#define PUTC(c, f)                                                                            \
    do {                                                                                      \
        if (putc((c), (f)) == EOF)                                                            \
            return -1;                                                                        \
    } while (0)
#define PUTS(s, f)                                                                            \
    do {                                                                                      \
        if (fputs((s), (f)) == EOF)                                                           \
            return -1;                                                                        \
    } while (0)

static int csv_neutralise(const char *s)
{
    return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
           s[0] == '\r';
}

int hsok_write_csv_cell(FILE *out, const char *s)
{
    if (s == NULL)
        s = "";
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        PUTC('"', out);
    if (csv_neutralise(s))
        PUTC('\'', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            PUTC('"', out);
        PUTC(*p, out);
    }
    if (quote)
        PUTC('"', out);
    return 0;
}

static int visible_escaped(const unsigned char *s, size_t len)
{
    char esc[HSOK_ESCAPE_MAX];
    hsok_visible_next((const char *)s, len, esc);
    return esc[0] != '\0';
}

static int json_strn(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    PUTC('"', out);
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = hsok_utf8_next((const char *)p + i, len - i, &cp);
            if (n == 0) {
                PUTS("\\ufffd", out); /* each byte of an invalid sequence */
                i++;
            } else if (cp == 0x2028 || cp == 0x2029 || visible_escaped(p + i, len - i)) {
                /* U+2028/9: valid JSON as they are, but not valid JavaScript string content;
                 * C1 and bidi controls: so JSON shown in a terminal runs or hides nothing */
                if (fprintf(out, "\\u%04x", (unsigned)cp) < 0)
                    return -1;
                i += n;
            } else {
                if (fwrite(p + i, 1, n, out) != n)
                    return -1;
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"': PUTS("\\\"", out); break;
        case '\\': PUTS("\\\\", out); break;
        case '\b': PUTS("\\b", out); break;
        case '\f': PUTS("\\f", out); break;
        case '\n': PUTS("\\n", out); break;
        case '\r': PUTS("\\r", out); break;
        case '\t': PUTS("\\t", out); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                if (fprintf(out, "\\u%04x", c) < 0)
                    return -1;
            } else {
                PUTC(c, out);
            }
        }
        i++;
    }
    PUTC('"', out);
    return 0;
}

int hsok_write_json_string(FILE *out, const char *s)
{
    if (s == NULL)
        s = "";
    return json_strn(out, s, strlen(s));
}

int ex_html_strn(FILE *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '&': PUTS("&amp;", out); break;
        case '<': PUTS("&lt;", out); break;
        case '>': PUTS("&gt;", out); break;
        case '"': PUTS("&quot;", out); break;
        case '\'': PUTS("&#39;", out); break;
        default: PUTC(s[i], out);
        }
    }
    return 0;
}

int hsok_write_html(FILE *out, const char *s)
{
    if (s == NULL)
        return 0;
    return ex_html_strn(out, s, strlen(s));
}

/* ---- characters that must not reach a terminal raw (export.h) ---- */

/* The first row that holds a code point decides its escape: a fixed text, else \x and two or
 * \u and four hex digits. */
static const struct visible_escape {
    uint32_t lo, hi;
    const char *text;
    int digits;
} visible_escapes[] = {
    {0x09, 0x09, "\\t", 0},
    {0x0a, 0x0a, "\\n", 0},
    {0x0d, 0x0d, "\\r", 0},
    {0x00, 0x1f, NULL, 2},       /* C0 controls: ESC, BEL, BS, ... */
    {0x7f, 0x7f, NULL, 2},       /* DEL */
    {0x80, 0x9f, NULL, 4},       /* C1 controls: CSI U+009B, OSC U+009D */
    {0x061c, 0x061c, NULL, 4},   /* Bidi_Control: arabic letter mark */
    {0x200e, 0x200f, NULL, 4},   /* left-to-right and right-to-left marks */
    {0x202a, 0x202e, NULL, 4},   /* embeddings and overrides (U+202E turns text around) */
    {0x2066, 0x2069, NULL, 4},   /* isolates */
};

size_t hsok_visible_next(const char *s, size_t len, char esc[HSOK_ESCAPE_MAX])
{
    esc[0] = '\0';
    if (len == 0)
        return 0;
    unsigned char c = (unsigned char)s[0];
    if (c >= 0x20 && c < 0x7f)
        return 1;
    uint32_t cp = c;
    size_t n = 1;
    if (c >= 0x80 && (n = hsok_utf8_next(s, len, &cp)) == 0) {
        snprintf(esc, HSOK_ESCAPE_MAX, "\\x%02x", c);
        return 1;
    }
    for (size_t i = 0; i < sizeof visible_escapes / sizeof visible_escapes[0]; i++) {
        const struct visible_escape *e = &visible_escapes[i];
        if (cp < e->lo || cp > e->hi)
            continue;
        if (e->text != NULL)
            snprintf(esc, HSOK_ESCAPE_MAX, "%s", e->text);
        else
            snprintf(esc, HSOK_ESCAPE_MAX, e->digits == 2 ? "\\x%02x" : "\\u%04x",
                     (unsigned)cp);
        break;
    }
    return n;
}

/* Markdown writer state: whether the next character starts a line, and what to write after a
 * newline (a block quote's "> "). With oneline, newlines become spaces (headings, cells). */
typedef struct md_ctx {
    int at_start;
    int oneline;
    const char *nl_prefix;
} md_ctx_t;

static int md_special(char c)
{
    return c != '\0' && strchr("\\`*_[]<>#|&~", c) != NULL;
}

static int md_strn(FILE *out, md_ctx_t *m, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
                i++;
            i++;
            if (m->oneline) {
                PUTC(' ', out);
            } else {
                PUTC('\n', out);
                PUTS(m->nl_prefix, out);
                m->at_start = 1;
            }
            continue;
        }
        if (m->at_start) {
            /* Indentation would make a code block or continue a list: drop it. */
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            m->at_start = 0;
            /* "- x", "+ x", "---", "===" (a heading underline), "~~~" (a fence) */
            if (c == '-' || c == '+' || c == '=') {
                PUTC('\\', out);
                PUTC(c, out);
                i++;
                continue;
            }
            /* "1. x" and "1) x": an ordered list */
            size_t d = 0;
            while (i + d < len && d < 10 && s[i + d] >= '0' && s[i + d] <= '9')
                d++;
            if (d > 0 && i + d < len && (s[i + d] == '.' || s[i + d] == ')') &&
                (i + d + 1 == len || s[i + d + 1] == ' ' || s[i + d + 1] == '\t' ||
                 s[i + d + 1] == '\n' || s[i + d + 1] == '\r')) {
                if (fwrite(s + i, 1, d, out) != d)
                    return -1;
                PUTC('\\', out);
                PUTC(s[i + d], out);
                i += d + 1;
                continue;
            }
        }
        if (c != '\t') {
            /* a whole character at a time, so a multi-byte one is checked as one */
            char esc[HSOK_ESCAPE_MAX];
            size_t n = hsok_visible_next(s + i, len - i, esc);
            if (esc[0] != '\0' || n > 1) {
                if (esc[0] != '\0')
                    PUTS(esc, out);
                else if (fwrite(s + i, 1, n, out) != n)
                    return -1;
                i += n;
                continue;
            }
        }
        if (md_special(c))
            PUTC('\\', out);
        PUTC(c, out);
        i++;
    }
    return 0;
}

int hsok_write_md(FILE *out, const char *s)
{
    if (s == NULL)
        return 0;
    md_ctx_t m = {1, 0, ""};
    return md_strn(out, &m, s, strlen(s));
}

/* Markdown inline text (no line-start rules, newlines as spaces). */
static int md_inline(FILE *out, const char *s)
{
    if (s == NULL)
        return 0;
    md_ctx_t m = {0, 1, ""};
    return md_strn(out, &m, s, strlen(s));
}

/* ---- evidence marks ---- */


/* ---- selection helpers shared by md and html ---- */

int ex_record_has_theme(const hsok_record_t *r, const char *theme)
{
    for (size_t i = 0; i < r->nthemes; i++)
        if (r->themes[i] != NULL && strcmp(r->themes[i], theme) == 0)
            return 1;
    return 0;
}

const char *ex_respondent_of(const hsok_record_t *r)
{
    return r->respondent != NULL ? r->respondent : "";
}

/* " (type)" after a respondent's name when its type is known, escaped by put (md_inline or
 * hsok_write_html). */
void ex_put_type(FILE *out, const char *type, int (*put)(FILE *, const char *))
{
    if (type == NULL || type[0] == '\0')
        return;
    fputs(" (", out);
    put(out, type);
    putc(')', out);
}

/* The records in report order: by respondent (unknown last), then as given. */
typedef struct order_key {
    const char *resp;
    size_t ix;
} order_key_t;

/* "posisjon: støtter (EVIDENCE)" between pre and post, the evidence written with put (the
 * format's escaping); nothing when the passage states no position (position.h). */
void ex_put_position(FILE *out, const hsok_record_t *r, const char *pre, const char *post,
                         int (*put)(FILE *, const char *))
{
    hsok_position_t pos;
    if (!r->position || !*r->position || hsok_position_parse(r->position, &pos))
        return;
    fprintf(out, "%sposisjon: %s (", pre, hsok_position_label(pos));
    put(out, r->position_evidence ? r->position_evidence : "");
    fprintf(out, ")%s", post);
}

static int by_respondent(const void *a, const void *b)
{
    const order_key_t *ka = a, *kb = b;
    if ((ka->resp[0] == '\0') != (kb->resp[0] == '\0'))
        return ka->resp[0] == '\0' ? 1 : -1;
    int c = strcmp(ka->resp, kb->resp);
    if (c != 0)
        return c;
    return ka->ix < kb->ix ? -1 : ka->ix > kb->ix ? 1 : 0;
}

void ex_report_free(report_t *r)
{
    free(r->order);
    free(r->themes);
    free(r->respondents);
}

int ex_str_in(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

int ex_report_init(report_t *rp, const hsok_records_t *recs, const hsok_theme_matrix_t *m,
                       const char *const *only, size_t nonly)
{
    memset(rp, 0, sizeof *rp);
    rp->recs = recs;
    rp->n = hsok_records_count(recs);
    size_t ntotal = 0;
    for (size_t i = 0; i < rp->n; i++)
        ntotal += hsok_records_get(recs, i)->nthemes;
    rp->order = malloc((rp->n + 1) * sizeof *rp->order);
    rp->respondents = malloc((rp->n + 1) * sizeof *rp->respondents);
    size_t mthemes = m != NULL ? m->nthemes : 0;
    const char **seen = malloc((ntotal + 1) * sizeof *seen);
    rp->themes = malloc((ntotal + 1) * sizeof *rp->themes);
    if (rp->order == NULL || rp->respondents == NULL || seen == NULL || rp->themes == NULL) {
        free(seen);
        ex_report_free(rp);
        return -1;
    }
    order_key_t *keys = malloc((rp->n + 1) * sizeof *keys);
    if (keys == NULL) {
        free(seen);
        ex_report_free(rp);
        return -1;
    }
    for (size_t i = 0; i < rp->n; i++)
        keys[i] = (order_key_t){ex_respondent_of(hsok_records_get(recs, i)), i};
    qsort(keys, rp->n, sizeof *keys, by_respondent);
    for (size_t i = 0; i < rp->n; i++)
        rp->order[i] = keys[i].ix;
    free(keys);
    for (size_t k = 0; k < rp->n; k++) {
        const char *resp = ex_respondent_of(hsok_records_get(recs, rp->order[k]));
        if (rp->nrespondents == 0 || strcmp(rp->respondents[rp->nrespondents - 1], resp) != 0)
            rp->respondents[rp->nrespondents++] = resp;
    }

    /* themes present in the records: first the matrix's (codebook) order, then the rest in
     * the order they are first seen */
    size_t nseen = 0;
    for (size_t i = 0; i < rp->n; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        if (r->nthemes == 0)
            rp->untagged = 1;
        for (size_t t = 0; t < r->nthemes; t++)
            if (r->themes[t] != NULL && !ex_str_in(seen, nseen, r->themes[t]))
                seen[nseen++] = r->themes[t];
    }
    if (only != NULL && nonly > 0) {
        /* the selected themes only, in the order given */
        for (size_t o = 0; o < nonly; o++)
            for (size_t s = 0; s < nseen; s++)
                if (strcmp(seen[s], only[o]) == 0 && !ex_str_in(rp->themes, rp->nthemes, seen[s]))
                    rp->themes[rp->nthemes++] = seen[s];
        free(seen);
        return 0;
    }
    for (size_t t = 0; t < mthemes; t++)
        if (m->themes[t].id != NULL && ex_str_in(seen, nseen, m->themes[t].id))
            rp->themes[rp->nthemes++] = m->themes[t].id;
    for (size_t s = 0; s < nseen; s++)
        if (!ex_str_in(rp->themes, rp->nthemes, seen[s]))
            rp->themes[rp->nthemes++] = seen[s];
    free(seen);
    return 0;
}

const hsok_db_theme_t *ex_matrix_theme(const hsok_theme_matrix_t *m, const char *id)
{
    if (m == NULL)
        return NULL;
    for (size_t t = 0; t < m->nthemes; t++)
        if (m->themes[t].id != NULL && strcmp(m->themes[t].id, id) == 0)
            return &m->themes[t];
    return NULL;
}

const char *ex_theme_label(const hsok_theme_matrix_t *m, const char *id)
{
    const hsok_db_theme_t *t = ex_matrix_theme(m, id);
    return t != NULL && t->label != NULL && t->label[0] != '\0' ? t->label : id;
}

/* Stances to show: those of the respondents in the report. */
int ex_stance_shown(const report_t *rp, const hsok_db_stance_t *s)
{
    return s != NULL && s->respondent != NULL &&
           ex_str_in(rp->respondents, rp->nrespondents, s->respondent);
}

size_t ex_stances_shown(const report_t *rp, const hsok_stances_t *st)
{
    size_t n = 0;
    size_t total = st != NULL ? hsok_stances_count(st) : 0;
    for (size_t i = 0; i < total; i++)
        if (ex_stance_shown(rp, hsok_stances_get(st, i)))
            n++;
    return n;
}

/* A stance's question without its numbering ("2) Har dere ...", "Spørsmål 2: Har dere ..."),
 * which the heading gives. */
const char *ex_question_text(const hsok_db_stance_t *s)
{
    const char *q = s->question != NULL ? s->question : "";
    return q + ft_lead_label(q, strlen(q));
}

/* ---- CSV ---- */

static void csv_row_end(FILE *out)
{
    fputs("\r\n", out);
}

/* The manual codes of r (none without codes): *add and *rem, counts *nadd, *nrem. */
static void manual_codes(const hsok_export_opts_t *opts, const hsok_record_t *r,
                         const char *const **add, size_t *nadd, const char *const **rem,
                         size_t *nrem)
{
    *nadd = *nrem = 0;
    *add = *rem = NULL;
    if (opts->codes)
        hsok_codes_lookup(opts->codes, r, add, nadd, rem, nrem);
}

/* ids joined by "; " as one CSV cell */
static void csv_id_list(FILE *out, const char *const *v, size_t n)
{
    buf_t b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_addstr(&b, "; ");
        buf_addstr(&b, v[i]);
    }
    hsok_write_csv_cell(out, b.err ? "" : b.data);
    buf_free(&b);
}

/* ---- copies (copies.h) ---- */

static int cmp_group_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;
    return x < y ? -1 : x > y;
}

/* How many of recs are in a group of copies, and (*groups) of how many groups; -1 when memory
 * ran out. */
static long copies_tally(const hsok_export_opts_t *opts, const hsok_records_t *recs,
                         size_t *groups)
{
    *groups = 0;
    size_t n = hsok_records_count(recs), k = 0;
    if (!opts->copies || !hsok_copies_count(opts->copies) || !n)
        return 0;
    const hsok_copy_group_t **seen = malloc(n * sizeof *seen);
    if (!seen)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const hsok_copy_group_t *g = hsok_copies_of(opts->copies, hsok_records_get(recs, i)->id);
        if (g)
            seen[k++] = g;
    }
    if (k)
        qsort(seen, k, sizeof *seen, cmp_group_ptr);
    for (size_t i = 0; i < k; i++)
        *groups += i == 0 || seen[i] != seen[i - 1];
    free(seen);
    return (long)k;
}

/* The md/html note on copies: "3 av utdragene er kopier av 1 tekst som flere respondenter
 * sendte; hver teller én gang per respondent (hsok copies)." */
int ex_copies_note(FILE *out, const hsok_export_opts_t *opts, const hsok_records_t *recs,
                       const char *before, const char *after)
{
    size_t groups;
    long k = copies_tally(opts, recs, &groups);
    if (k > 0)
        fprintf(out, "%s%ld av utdragene er kopier av %zu tekst%s som flere respondenter "
                     "sendte; hver teller \xc3\xa9n gang per respondent (hsok copies).%s",
                before, k, groups, groups == 1 ? "" : "er", after);
    return k < 0 ? -1 : 0;
}

void ex_unsure_note(FILE *out, const hsok_records_t *recs, const char *before, const char *after)
{
    size_t k = 0, all = 0, n = hsok_records_count(recs);
    for (size_t i = 0; i < n; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        for (size_t t = 0; t < r->ntags; t++) {
            all++;
            k += r->tags[t].unsure != 0;
        }
    }
    if (k > 0)
        fprintf(out, "%s%zu av %zu temamerker er usikre: temaet hviler p\xc3\xa5 f\xc3\xa5 eller "
                     "svake ord, eller p\xc3\xa5 utdraget ved siden av. P\xc3\xa5 h\xc3\xb8ringer "
                     "hsok ikke var tilpasset, var usikre merker riktige omtrent halvparten av "
                     "gangene, de andre omtrent fire av fem ganger; les utdraget f\xc3\xb8r du "
                     "teller det.%s",
                before, k, all, after);
}

static hsok_status_t export_csv(FILE *out, const hsok_records_t *recs,
                                const hsok_export_opts_t *opts)
{
    static const char *const header[] = {"id",       "respondent", "section", "themes",
                                         "evidence", "source",     "line",    "text",
                                         "respondent_type", "page", "end_page"};
    if (opts->excel)
        fputs("\xef\xbb\xbf", out);
    for (size_t i = 0; i < sizeof header / sizeof header[0]; i++) {
        if (i > 0)
            putc(',', out);
        hsok_write_csv_cell(out, header[i]);
    }
    fputs(",position,position_evidence,themes_unsure", out);
    if (opts->codes)
        fputs(",themes_manual,themes_removed", out);
    int copies = opts->copies && hsok_copies_count(opts->copies);
    if (copies)
        fputs(",copy_group,copy_respondents", out);
    csv_row_end(out);

    buf_t themes = BUF_INIT, evidence = BUF_INIT;
    size_t n = hsok_records_count(recs);
    for (size_t i = 0; i < n; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        buf_reset(&themes);
        buf_reset(&evidence);
        for (size_t t = 0; t < r->nthemes; t++) {
            if (t > 0)
                buf_addstr(&themes, "; ");
            buf_addstr(&themes, r->themes[t] ? r->themes[t] : "");
        }
        for (size_t t = 0; t < r->ntags; t++) {
            const hsok_tag_t *tag = &r->tags[t];
            if (t > 0)
                buf_addstr(&evidence, "; ");
            buf_addstr(&evidence, tag->theme ? tag->theme : "");
            buf_addch(&evidence, ':');
            for (size_t e = 0; e < tag->nevidence; e++) {
                buf_addstr(&evidence, e > 0 ? ", " : " ");
                buf_addstr(&evidence, tag->evidence[e] ? tag->evidence[e] : "");
            }
        }
        if (themes.err || evidence.err) {
            buf_free(&themes);
            buf_free(&evidence);
            return HSOK_ERR_NOMEM;
        }
        char line[24];
        snprintf(line, sizeof line, "%u", r->line);
        hsok_write_csv_cell(out, r->id);
        putc(',', out);
        hsok_write_csv_cell(out, r->respondent);
        putc(',', out);
        hsok_write_csv_cell(out, r->section);
        putc(',', out);
        hsok_write_csv_cell(out, themes.data);
        putc(',', out);
        hsok_write_csv_cell(out, evidence.data);
        putc(',', out);
        hsok_write_csv_cell(out, r->source);
        putc(',', out);
        hsok_write_csv_cell(out, line);
        putc(',', out);
        hsok_write_csv_cell(out, r->text);
        putc(',', out);
        hsok_write_csv_cell(out, r->respondent_type ? r->respondent_type : "");
        /* the pages: empty cells when the source has none */
        if (r->page)
            fprintf(out, ",%u,%u", r->page, r->end_page > r->page ? r->end_page : r->page);
        else
            fputs(",,", out);
        putc(',', out); /* the position the passage states, its evidence; empty for none */
        hsok_write_csv_cell(out, r->position ? r->position : "");
        putc(',', out);
        hsok_write_csv_cell(out, r->position && *r->position && r->position_evidence
                                     ? r->position_evidence
                                     : "");
        putc(',', out); /* the themes tagged below twice the threshold or from context */
        buf_reset(&evidence);
        for (size_t t = 0; t < r->ntags; t++)
            if (r->tags[t].unsure && r->tags[t].theme) {
                if (evidence.len)
                    buf_addstr(&evidence, "; ");
                buf_addstr(&evidence, r->tags[t].theme);
            }
        hsok_write_csv_cell(out, evidence.err || !evidence.data ? "" : evidence.data);
        if (opts->codes) {
            const char *const *add, *const *rem;
            size_t nadd, nrem;
            manual_codes(opts, r, &add, &nadd, &rem, &nrem);
            putc(',', out);
            csv_id_list(out, add, nadd);
            putc(',', out);
            csv_id_list(out, rem, nrem);
        }
        const hsok_copy_group_t *g = copies ? hsok_copies_of(opts->copies, r->id) : NULL;
        if (copies) {
            putc(',', out);
            hsok_write_csv_cell(out, g ? g->id : "");
            buf_reset(&themes);
            for (size_t k = 0; g && k < g->nrespondents; k++) {
                if (k)
                    buf_addstr(&themes, "; ");
                buf_addstr(&themes, g->respondents[k]);
            }
            if (themes.err)
                break;
            putc(',', out);
            hsok_write_csv_cell(out, themes.data);
        }
        csv_row_end(out);
        if (ferror(out))
            break;
    }
    buf_free(&themes);
    buf_free(&evidence);
    return HSOK_OK;
}

/* ---- JSON lines ---- */

static void json_key(FILE *out, const char *key, int first)
{
    if (!first)
        putc(',', out);
    hsok_write_json_string(out, key);
    putc(':', out);
}

static void json_number(FILE *out, double v)
{
    if (!isfinite(v))
        v = 0;
    char num[40];
    snprintf(num, sizeof num, "%.6g", v);
    for (char *p = num; *p; p++)
        if (*p == ',') /* a locale's decimal comma */
            *p = '.';
    fputs(num, out);
}

static void json_int_or_null(FILE *out, int v)
{
    if (v > 0)
        fprintf(out, "%d", v);
    else
        fputs("null", out);
}

static void json_id_list(FILE *out, const char *key, const char *const *v, size_t n)
{
    json_key(out, key, 0);
    putc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            putc(',', out);
        hsok_write_json_string(out, v[i]);
    }
    putc(']', out);
}

static hsok_status_t export_jsonl(FILE *out, const hsok_records_t *recs,
                                  const hsok_export_opts_t *opts)
{
    size_t n = hsok_records_count(recs);
    for (size_t i = 0; i < n && !ferror(out); i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        putc('{', out);
        json_key(out, "format_version", 1);
        fputs("1", out);
        json_key(out, "type", 0);
        hsok_write_json_string(out, "passage");
        json_key(out, "id", 0);
        hsok_write_json_string(out, r->id);
        json_key(out, "source", 0);
        hsok_write_json_string(out, r->source);
        json_key(out, "line", 0);
        fprintf(out, "%u", r->line);
        json_key(out, "end_line", 0);
        fprintf(out, "%u", r->end_line);
        if (r->page) { /* only for a source with pages */
            json_key(out, "page", 0);
            fprintf(out, "%u", r->page);
            json_key(out, "end_page", 0);
            fprintf(out, "%u", r->end_page > r->page ? r->end_page : r->page);
        }
        json_key(out, "respondent", 0);
        hsok_write_json_string(out, r->respondent);
        json_key(out, "respondent_type", 0);
        hsok_write_json_string(out, r->respondent_type ? r->respondent_type : "");
        json_key(out, "section", 0);
        hsok_write_json_string(out, r->section);
        json_key(out, "question", 0);
        json_int_or_null(out, r->question_no);
        json_key(out, "goal", 0);
        json_int_or_null(out, r->goal_no);
        json_key(out, "themes", 0);
        putc('[', out);
        for (size_t t = 0; t < r->nthemes; t++) {
            if (t > 0)
                putc(',', out);
            hsok_write_json_string(out, r->themes[t]);
        }
        putc(']', out);
        if (opts->codes) {
            const char *const *add, *const *rem;
            size_t nadd, nrem;
            manual_codes(opts, r, &add, &nadd, &rem, &nrem);
            json_id_list(out, "themes_manual", add, nadd);
            json_id_list(out, "themes_removed", rem, nrem);
        }
        const hsok_copy_group_t *g = opts->copies ? hsok_copies_of(opts->copies, r->id) : NULL;
        if (g) { /* only on a passage in a group of copies */
            json_key(out, "copies", 0);
            putc('{', out);
            json_key(out, "group", 1);
            hsok_write_json_string(out, g->id);
            json_key(out, "respondents", 0);
            putc('[', out);
            for (size_t k = 0; k < g->nrespondents; k++) {
                if (k)
                    putc(',', out);
                hsok_write_json_string(out, g->respondents[k]);
            }
            putc(']', out);
            json_key(out, "similarity", 0);
            json_number(out, g->similarity);
            putc('}', out);
        }
        json_key(out, "evidence", 0);
        putc('{', out);
        for (size_t t = 0; t < r->ntags; t++) {
            const hsok_tag_t *tag = &r->tags[t];
            json_key(out, tag->theme ? tag->theme : "", t == 0);
            putc('[', out);
            for (size_t e = 0; e < tag->nevidence; e++) {
                if (e > 0)
                    putc(',', out);
                hsok_write_json_string(out, tag->evidence[e]);
            }
            putc(']', out);
        }
        putc('}', out);
        json_key(out, "scores", 0);
        putc('{', out);
        for (size_t t = 0; t < r->ntags; t++) {
            json_key(out, r->tags[t].theme ? r->tags[t].theme : "", t == 0);
            json_number(out, r->tags[t].score);
        }
        putc('}', out);
        json_key(out, "unsure", 0);
        putc('[', out);
        for (size_t t = 0, k = 0; t < r->ntags; t++)
            if (r->tags[t].unsure && r->tags[t].theme) {
                if (k++ > 0)
                    putc(',', out);
                hsok_write_json_string(out, r->tags[t].theme);
            }
        putc(']', out);
        int pos = r->position && *r->position;
        json_key(out, "position", 0);
        if (pos)
            hsok_write_json_string(out, r->position);
        else
            fputs("null", out);
        json_key(out, "position_evidence", 0);
        if (pos)
            hsok_write_json_string(out, r->position_evidence ? r->position_evidence : "");
        else
            fputs("null", out);
        json_key(out, "text", 0);
        hsok_write_json_string(out, r->text);
        fputs("}\n", out);
    }
    return HSOK_OK;
}

/* ---- positions (position.h) ---- */

const char *const ex_position_heads[HSOK_POSITION_COUNT] = { "", "Støtter", "Går imot",
                                                                  "Delvis", "Ber om endring" };

/* Does any selected passage state a position? */
int ex_any_position(const hsok_theme_matrix_t *m)
{
    size_t any = 0;
    for (size_t p = 1; m && m->theme_position_passages && p < HSOK_POSITION_COUNT; p++)
        any += m->theme_position_passages[m->nthemes * HSOK_POSITION_COUNT + p];
    return any > 0;
}

/* Respondents per theme and position as a Markdown table, a last row over every passage. */
static void md_positions(FILE *out, const hsok_theme_matrix_t *m)
{
    const size_t P = HSOK_POSITION_COUNT;
    fputs("Respondenter etter posisjon (en respondent som sier flere ting om et tema, telles "
          "under hver):\n\n| Tema |", out);
    for (size_t p = 1; p < P; p++)
        fprintf(out, " %s |", ex_position_heads[p]);
    fputs("\n| --- |", out);
    for (size_t p = 1; p < P; p++)
        fputs(" ---: |", out);
    putc('\n', out);
    for (size_t t = 0; t <= m->nthemes; t++) {
        fputs("| ", out);
        if (t < m->nthemes) {
            md_inline(out, ex_theme_label(m, m->themes[t].id));
            fputs(" (", out);
            md_inline(out, m->themes[t].id);
            fputs(")", out);
        } else {
            fputs("Alle utdrag", out);
        }
        fputs(" |", out);
        for (size_t p = 1; p < P; p++)
            fprintf(out, " %zu |", m->theme_position_respondents[t * P + p]);
        putc('\n', out);
    }
    putc('\n', out);
}

/* ---- Markdown ---- */

/* Passage text as a block quote, evidence words in bold. */
static hsok_status_t md_quote(FILE *out, const hsok_record_t *r, const hsok_tag_t *tag)
{
    hsok_span_t *spans;
    size_t nspans;
    if (hsok_evidence_spans(r->text, tag, tag ? 1 : 0, &spans, &nspans) != HSOK_OK)
        return HSOK_ERR_NOMEM;
    const char *text = r->text != NULL ? r->text : "";
    md_ctx_t m = {1, 0, "> "};
    fputs("> ", out);
    size_t at = 0;
    for (size_t s = 0; s < nspans; s++) {
        md_strn(out, &m, text + at, spans[s].start - at);
        m.at_start = 0;
        fputs("**", out);
        md_strn(out, &m, text + spans[s].start, spans[s].end - spans[s].start);
        fputs("**", out);
        at = spans[s].end;
    }
    md_strn(out, &m, text + at, strlen(text) - at);
    free(spans);
    fputs("\n>\n> — ", out);
    md_inline(out, r->respondent && r->respondent[0] ? r->respondent : NO_RESPONDENT_LABEL);
    ex_put_type(out, r->respondent_type, md_inline);
    char pages[32];
    if (r->page)
        fprintf(out, ", %s", hsok_page_label(r->page, r->end_page, pages, sizeof pages));
    if (r->section && r->section[0]) {
        fputs(", ", out);
        md_inline(out, r->section);
    }
    fputs(", ", out);
    md_inline(out, r->source);
    fprintf(out, ":%u", r->line);
    ex_put_position(out, r, " · ", "", md_inline);
    if (tag != NULL && tag->unsure)
        fputs(" · usikker", out);
    fputs("\n\n", out);
    return HSOK_OK;
}

/* The passages of one theme (NULL: those without a theme), by respondent. */
static hsok_status_t md_group(FILE *out, const report_t *rp, const char *theme)
{
    const char *cur = NULL;
    for (size_t k = 0; k < rp->n; k++) {
        const hsok_record_t *r = hsok_records_get(rp->recs, rp->order[k]);
        if (theme != NULL ? !ex_record_has_theme(r, theme) : r->nthemes != 0)
            continue;
        const char *resp = ex_respondent_of(r);
        if (cur == NULL || strcmp(cur, resp) != 0) {
            fputs("### ", out);
            md_inline(out, resp[0] ? resp : NO_RESPONDENT_LABEL);
            ex_put_type(out, r->respondent_type, md_inline);
            fputs("\n\n", out);
            cur = resp;
        }
        hsok_status_t st = md_quote(out, r, theme != NULL ? hsok_record_tag(r, theme) : NULL);
        if (st != HSOK_OK)
            return st;
    }
    return HSOK_OK;
}

static void md_stances(FILE *out, const report_t *rp, const hsok_stances_t *st)
{
    size_t total = hsok_stances_count(st);
    fputs("## Standpunkt\n\n", out);
    int group = -1;
    for (size_t i = 0; i < total; i++) {
        const hsok_db_stance_t *s = hsok_stances_get(st, i);
        if (!ex_stance_shown(rp, s))
            continue;
        /* one table per question text (hsok_db_stances groups them), under its number */
        if (s->group != group) {
            if (group != -1)
                putc('\n', out);
            group = s->group;
            fprintf(out, "### Spørsmål %d", s->question_no);
            if (ex_question_text(s)[0]) {
                fputs(": ", out);
                md_inline(out, ex_question_text(s));
            }
            fputs("\n\n| Respondent | Svar |\n| --- | --- |\n", out);
        }
        fputs("| ", out);
        md_inline(out, s->respondent[0] ? s->respondent : NO_RESPONDENT_LABEL);
        fputs(" | ", out);
        if (s->answer && s->answer[0])
            md_inline(out, s->answer);
        else
            fputs("(ikke avkrysset)", out);
        fputs(" |\n", out);
    }
    fputs("\n", out);
}

static hsok_status_t export_md(FILE *out, const hsok_records_t *recs,
                               const hsok_export_opts_t *opts)
{
    const hsok_theme_matrix_t *m = opts->matrix;
    report_t rp;
    if (ex_report_init(&rp, recs, m, opts->themes, opts->nthemes) < 0)
        return HSOK_ERR_NOMEM;
    fputs("# ", out);
    md_inline(out, opts->title ? opts->title : DEFAULT_TITLE);
    fputs("\n\n", out);
    if (opts->selection && opts->selection[0]) {
        fputs("Utvalg: ", out);
        md_inline(out, opts->selection);
        fputs("\n\n", out);
    }
    fprintf(out, "%zu utdrag fra %zu respondent%s.\n\n", rp.n, rp.nrespondents,
            rp.nrespondents == 1 ? "" : "er");
    if (ex_copies_note(out, opts, recs, "", "\n\n") < 0) {
        ex_report_free(&rp);
        return HSOK_ERR_NOMEM;
    }
    ex_unsure_note(out, recs, "", "\n\n");

    if (m != NULL && m->nthemes > 0) {
        fputs("## Oversikt\n\n", out);
        if (m->ntypes > 0) {
            fputs("Respondenter etter type:", out);
            for (size_t k = 0; k < m->ntypes; k++)
                fprintf(out, "%s %zu %s", k ? "," : "", m->type_respondents[k],
                        hsok_respondent_type_plural(m->types[k]));
            fputs(".\n\n", out);
        }
        fputs(m->ntypes > 0 ? "| Tema | Utdrag | Respondenter | Etter type |\n"
                              "| --- | ---: | ---: | --- |\n"
                            : "| Tema | Utdrag | Respondenter |\n| --- | ---: | ---: |\n",
              out);
        for (size_t t = 0; t < m->nthemes; t++) {
            fputs("| ", out);
            md_inline(out, ex_theme_label(m, m->themes[t].id));
            fputs(" (", out);
            md_inline(out, m->themes[t].id);
            fprintf(out, ") | %zu | %zu |", m->theme_passages[t], m->theme_respondents[t]);
            if (m->ntypes > 0) {
                char *bt = hsok_theme_matrix_by_type(m, t, "av");
                if (bt == NULL) {
                    ex_report_free(&rp);
                    return HSOK_ERR_NOMEM;
                }
                putc(' ', out);
                md_inline(out, bt);
                fputs(" |", out);
                free(bt);
            }
            putc('\n', out);
        }
        fputs("\n", out);
        if (ex_any_position(m))
            md_positions(out, m);
    }
    if (opts->stances != NULL && ex_stances_shown(&rp, opts->stances) > 0)
        md_stances(out, &rp, opts->stances);

    hsok_status_t st = HSOK_OK;
    for (size_t t = 0; t < rp.nthemes && st == HSOK_OK && !ferror(out); t++) {
        fputs("## ", out);
        md_inline(out, ex_theme_label(m, rp.themes[t]));
        fputs(" (", out);
        md_inline(out, rp.themes[t]);
        fputs(")\n\n", out);
        st = md_group(out, &rp, rp.themes[t]);
    }
    if (st == HSOK_OK && rp.untagged) {
        fputs("## " NO_THEME_LABEL "\n\n", out);
        st = md_group(out, &rp, NULL);
    }
    ex_report_free(&rp);
    return st;
}

/* ---- entry point ---- */

hsok_status_t hsok_export(FILE *out, const hsok_records_t *recs, const hsok_export_opts_t *opts,
                          char **errmsg)
{
    if (out == NULL || recs == NULL || opts == NULL)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "export: no output, records or options");
    hsok_status_t st;
    switch (opts->format) {
    case HSOK_EXPORT_CSV: st = export_csv(out, recs, opts); break;
    case HSOK_EXPORT_JSONL: st = export_jsonl(out, recs, opts); break;
    case HSOK_EXPORT_MD: st = export_md(out, recs, opts); break;
    case HSOK_EXPORT_HTML: st = ex_export_html(out, recs, opts); break;
    case HSOK_EXPORT_XLSX:
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "export: a workbook goes to a file "
                           "(hsok_export_xlsx)");
    default: return hsok_seterr(errmsg, HSOK_ERR_INVALID, "export: unknown format");
    }
    if (st == HSOK_ERR_NOMEM)
        return hsok_seterr(errmsg, st, "out of memory");
    int saved = errno;
    if (fflush(out) != 0 || ferror(out)) {
        int e = errno ? errno : saved;
        return hsok_seterr(errmsg, HSOK_ERR_IO, "cannot write: %s",
                           e ? strerror(e) : "output error");
    }
    return st;
}
