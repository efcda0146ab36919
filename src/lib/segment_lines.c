/* segment_lines.c — pass 1 of the segmenter (see segment.c): the source text becomes text
 * lines with the gap before each (none, soft, hard). Page furniture (page numbers, running
 * headers and footers) is dropped; a blank line between lines is resolved as a PDF's
 * double-spacing artefact or a paragraph break by votes of the surrounding lines; text with
 * one paragraph per line gets a hard gap after each sentence-ending line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "buf.h"
#include "hsok/reader.h"
#include "hsok/segment.h"
#include "segment_internal.h"

/* a source line */
typedef struct line {
    size_t start, end; /* trimmed content [start, end) in the text */
    unsigned no;       /* 1-based */
    int blank;         /* nothing but whitespace */
    int ws;            /* blank, but with whitespace characters (PDF paragraph break) */
    int ff;            /* contains a form feed (page break) */
    size_t raw, eol;   /* the whole line [raw, eol) before trimming */
} line_t;

/* ---------------------------------------------------------------------------------------- */
/* pass 1                                                                                   */

/* A page number line: "Side 2 av 5", "side 3", "2 av 5", "2/5", "2 (5)", "- 2 -", "Page 2", "2". */
static int page_number_line(const char *s, size_t n)
{
    size_t i = 0;
    if (starts_with_ci(s, n, "side"))
        i = 4;
    else if (starts_with_ci(s, n, "page"))
        i = 4;
    else if (starts_with_ci(s, n, "s."))
        i = 2;
    else if (n > 0 && (s[0] == '-' || starts_with_ci(s, n, "\xe2\x80\x93")))
        i = s[0] == '-' ? 1 : 3;
    while (i < n && s[i] == ' ')
        i++;
    size_t d = i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    size_t digits = i - d;
    if (digits == 0 || digits > 4 || (d == 0 && digits > 3))
        return 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i == n)
        return 1;
    /* "av 5", "of 5", "/ 5", "(5)", "-" */
    if (starts_with_ci(s + i, n - i, "av ") || starts_with_ci(s + i, n - i, "of "))
        i += 3;
    else if (s[i] == '/' || s[i] == '(')
        i++;
    else if (s[i] == '-' || starts_with_ci(s + i, n - i, "\xe2\x80\x93"))
        return i + (s[i] == '-' ? 1 : 3) == n;
    else
        return 0;
    while (i < n && s[i] == ' ')
        i++;
    size_t d2 = i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i == d2 || i - d2 > 4)
        return 0;
    if (i < n && s[i] == ')')
        i++;
    return i == n;
}

/* An explicit page label: "Side 2 av 5", "side 3", "Page 2" (dropped wherever it stands). */
static int page_label_line(const char *s, size_t n)
{
    return (starts_with_ci(s, n, "side") || starts_with_ci(s, n, "page")) &&
           page_number_line(s, n);
}

/* The key of a line next to a page break: spaces collapsed, and a trailing page number cut
 * off ("Høringssvar – side 2" and "… side 3" have the same key). */
static size_t page_key(const char *s, size_t n, char *out, size_t cap)
{
    /* "2 Norsk Sykepleierforbund" ~ "3 Norsk Sykepleierforbund": a leading page number */
    size_t lead = 0;
    while (lead < n && lead < 4 && isdigit((unsigned char)s[lead]))
        lead++;
    if (lead > 0 && lead < n && s[lead] == ' ') {
        s += lead + 1;
        n -= lead + 1;
    }
    /* not a bare number: "Kapittel 2" and "Kapittel 3" are different headings */
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == ' ' && page_number_line(s + i + 1, n - i - 1)) {
            int bare = 1;
            for (size_t k = i + 1; k < n; k++)
                bare &= isdigit((unsigned char)s[k]) || s[k] == ' ';
            if (!bare) {
                n = i;
                break;
            }
        }
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\f') {
            while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '\f'))
                i++;
            if (o == 0 || i + 1 == n)
                continue;
            c = ' ';
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return o;
}

typedef struct pcand {
    size_t line;  /* index in lines */
    int top;      /* 1: first line of a page, 0: last line of a page */
    char key[104];
} pcand_t;

static int cmp_pcand(const void *a, const void *b)
{
    const pcand_t *x = a, *y = b;
    if (x->top != y->top)
        return x->top - y->top;
    return strcmp(x->key, y->key);
}

/* One round of drop_page_furniture: page numbers at the edges of pages, and the outermost
 * other line at the top (bottom) of each page when the same line stands there on at least
 * half the `pages` pages with text, and on two. c has room for two candidates a page.
 * Returns the lines dropped. */
static size_t drop_page_edges(const char *t, line_t *lines, size_t nlines, pcand_t *c,
                              size_t pages)
{
    size_t nc = 0, dropped = 0;
    for (size_t a = 0; a < nlines;) {
        size_t b = a + 1;
        while (b < nlines && !lines[b].ff)
            b++;
        for (int top = 1; top >= 0; top--) {
            size_t seen = 0;
            for (size_t i = 0; i < b - a && seen < 3; i++) {
                line_t *L = &lines[top ? a + i : b - 1 - i];
                if (L->blank)
                    continue;
                seen++;
                if (page_number_line(t + L->start, L->end - L->start)) {
                    L->blank = 1;
                    continue;
                }
                const char *ls = t + L->start;
                size_t ln = L->end - L->start, at, skip;
                /* answers and questions are never furniture, however often they repeat */
                if (ln <= 100 && !seg_answer_line(ls, ln, &at) && !seg_form_line(ls, ln) &&
                    seg_question_at(ls, ln, &skip) < 0 && wf_question_at(ls, ln, &skip) < 0) {
                    c[nc].line = (size_t)(L - lines);
                    c[nc].top = top;
                    page_key(t + L->start, L->end - L->start, c[nc].key, sizeof c[nc].key);
                    nc++;
                }
                break;
            }
        }
        a = b;
    }
    qsort(c, nc, sizeof *c, cmp_pcand);
    for (size_t a = 0; a < nc;) {
        size_t b = a + 1;
        while (b < nc && c[b].top == c[a].top && strcmp(c[b].key, c[a].key) == 0)
            b++;
        if (c[a].key[0] && b - a >= 2 && (b - a) * 2 >= pages)
            for (size_t x = a; x < b; x++) {
                lines[c[x].line].blank = 1;
                dropped++;
            }
        a = b;
    }
    return dropped;
}

/* Page furniture becomes blank (keeping the page break): "Side 2 av 5" anywhere; next to a
 * page break (form feed), a page number in any form ("2", "2 (5)", "- 2 -") and the running
 * header or footer: the same line at the top (or bottom) of at least half the pages, and of
 * at least two. Only files with form feeds have pages. */
static void drop_page_furniture(const char *t, line_t *lines, size_t nlines)
{
    for (size_t k = 0; k < nlines; k++)
        if (!lines[k].blank && page_label_line(t + lines[k].start, lines[k].end - lines[k].start))
            lines[k].blank = 1;
    size_t breaks = 0;
    for (size_t k = 0; k < nlines; k++)
        breaks += lines[k].ff;
    if (!breaks)
        return;
    /* the first and last lines of each page; a page number there is furniture at once, and
     * the line beyond it is the candidate. Page i is lines [start_i, start_i+1): a page
     * starts at line 0 and at each line with a form feed. */
    pcand_t *c = malloc(2 * (breaks + 1) * sizeof *c);
    if (!c)
        return; /* only a cleanup: the text is still whole */
    /* pages with text: pdftotext ends its output with a form feed, which starts no page */
    size_t pages = 0;
    for (size_t a = 0; a < nlines;) {
        size_t b = a + 1;
        int text = !lines[a].blank;
        while (b < nlines && !lines[b].ff)
            text |= !lines[b++].blank;
        pages += text;
        a = b;
    }
    /* a running header of two or three lines ("Drammen kommune" over "Høringssvar"): each
     * round takes the outermost line left, until a round drops none */
    for (int round = 0; round < 3; round++)
        if (!drop_page_edges(t, lines, nlines, c, pages))
            break;
    free(c);
}

/* Does s[0..n) end with an abbreviation and its period ("bl.a.", "ca.")? */

static int ends_abbrev(const char *s, size_t n)
{
    if (n < 2 || s[n - 1] != '.')
        return 0;
    size_t b = n - 1;
    while (b > 0 && s[b - 1] != ' ')
        b--;
    return seg_in_list(seg_abbrevs, s + b, n - 1 - b);
}

/* A line that looks like a heading for the spacing votes: at most 72 bytes, a capital or
 * digit first, no sentence end, and the next line starts with a capital. Headings neither
 * wrap nor end sentences, so they must not vote. */
static int heading_like(const seg_t *sg, size_t k)
{
    const tline_t *P = &sg->tl[k];
    const char *s = sg->t + P->start;
    size_t n = P->end - P->start, cn;
    if (n > 72 || k + 1 >= sg->ntl || seg_ends_sentence(s, n))
        return 0;
    utf8proc_int32_t c = cp_at(s, n, 0, &cn);
    if (!is_upper(c) && !(c >= '0' && c <= '9'))
        return 0;
    const tline_t *N = &sg->tl[k + 1];
    return is_upper(cp_at(sg->t + N->start, N->end - N->start, 0, &cn));
}

/* Does the text line P, the last of a page, run on into the first of the next? When P is a
 * full line (40 bytes or more) that ends no sentence. (A next line that starts a block of its
 * own, a bullet or heading, still does; a lower-case one after a shorter P is joined by the
 * block pass.) */
static int page_runs_on(const char *t, const line_t *P)
{
    size_t pn = P->end - P->start;
    return pn >= 40 && !seg_ends_sentence(t + P->start, pn);
}

/* The reader's hints decide the gaps around the lines it knows: a hinted line starts a block;
 * a heading or a table row also ends one (the next line is never reflowed into it). Other
 * gaps are judged as in text: a Word file made from a PDF's text holds its double spacing,
 * and a list item its own wrapped lines. */
static void hint_gaps(seg_t *sg)
{
    for (size_t k = 0; k < sg->ntl; k++) {
        unsigned char hint = sg->tl[k].hint;
        if (!hint)
            continue;
        if (k > 0)
            sg->tl[k].gap_before = GAP_HARD;
        if (k + 1 >= sg->ntl)
            continue;
        if (hint == HSOK_HINT_HEADING || hint == HSOK_HINT_TABLE_ROW)
            sg->tl[k + 1].gap_before = GAP_HARD;
    }
}

int seg_build_lines(seg_t *sg)
{
    const char *t = sg->t;
    size_t len = sg->len, nlines = 0, cap = 0;
    line_t *lines = NULL;
    size_t i = 0;
    unsigned no = 1;
    while (i < len || (i == len && len == 0 && 0)) {
        size_t e = i;
        while (e < len && t[e] != '\n')
            e++;
        line_t L = { i, e, no, 1, 0, 0, i, e };
        size_t a = i, b = e;
        for (size_t k = i; k < e; k++)
            if (t[k] == '\f')
                L.ff = 1;
        while (a < b && space_len(t, b, a))
            a += space_len(t, b, a);
        while (b > a) {
            size_t cn;
            cp_before(t, b, &cn);
            if (space_len(t, b, b - cn) == cn)
                b -= cn;
            else
                break;
        }
        L.start = a;
        L.end = b;
        L.blank = a == b;
        L.ws = L.blank && e > i;
        if (nlines == cap) {
            cap = cap ? cap * 2 : 256;
            line_t *p = realloc(lines, cap * sizeof *p);
            if (!p) {
                free(lines);
                return -1;
            }
            lines = p;
        }
        lines[nlines++] = L;
        i = e + 1;
        no++;
    }

    drop_page_furniture(t, lines, nlines);

    /* text lines with raw gaps */
    sg->tl = malloc((nlines ? nlines : 1) * sizeof *sg->tl);
    if (!sg->tl) {
        free(lines);
        return -1;
    }
    size_t prev = (size_t)-1, h = 0;
    for (size_t k = 0; k < nlines; k++) {
        if (lines[k].blank)
            continue;
        /* the reader's hint for this line: one whose offset lies in it */
        while (h < sg->nhints && sg->hints[h].offset < lines[k].raw)
            h++;
        unsigned char hint = 0, level = 0;
        if (h < sg->nhints && sg->hints[h].offset <= lines[k].eol) {
            hint = sg->hints[h].kind;
            level = sg->hints[h].level;
        }
        int gap = GAP_NONE;
        if (prev != (size_t)-1) {
            size_t between = k - prev - 1;
            int ws = 0, ff = lines[k].ff;
            for (size_t j = prev + 1; j < k; j++) {
                ws |= lines[j].ws;
                ff |= lines[j].ff;
            }
            gap = between == 0 ? GAP_NONE : (between == 1 && !ws && !ff) ? GAP_SOFT : GAP_HARD;
            /* a page break (its furniture dropped) in mid-sentence: the paragraph goes on
             * ("… mellom kommunene og" / "Helse Sør-Øst …"); a short line is no evidence */
            if (ff && page_runs_on(t, &lines[prev]))
                gap = GAP_NONE;
        }
        sg->tl[sg->ntl++] = (tline_t){ lines[k].start, lines[k].end, lines[k].no, gap, hint, level };
        prev = k;
    }
    free(lines);

    /* resolve soft gaps: in double-spaced surroundings one blank line is an artefact,
     * in single-spaced surroundings it is a paragraph break */
    int *raw = malloc((sg->ntl ? sg->ntl : 1) * sizeof *raw);
    if (!raw)
        return -1;
    for (size_t k = 0; k < sg->ntl; k++) {
        int dash;
        raw[k] = sg->tl[k].gap_before;
        /* bullet lists are often single-spaced in double-spaced text: they don't vote */
        if (raw[k] == GAP_NONE &&
            seg_bullet_len(sg->t + sg->tl[k].start, sg->tl[k].end - sg->tl[k].start, &dash))
            raw[k] = -1;
    }
    /* In PDF extractions most lines are wrapped mid-sentence; in text with one line per
     * paragraph, every line before a blank line ends a sentence: there a blank line is a
     * paragraph break whatever the surroundings. */
    size_t nsoft = 0, wrapped = 0;
    for (size_t k = 1; k < sg->ntl; k++) {
        if (raw[k] != GAP_SOFT)
            continue;
        const tline_t *P = &sg->tl[k - 1];
        int dash;
        /* headings, titles and bullets never end a sentence: only full lines vote */
        if (P->end - P->start < 40 || seg_bullet_len(sg->t + P->start, P->end - P->start, &dash) ||
            seg_title_at(sg->t + P->start, P->end - P->start) || heading_like(sg, k - 1))
            continue;
        nsoft++;
        wrapped += !seg_ends_sentence(sg->t + P->start, P->end - P->start);
    }
    int pdf_like = nsoft > 0 && wrapped * 2 >= nsoft;
    for (size_t k = 1; k < sg->ntl; k++) {
        if (raw[k] != GAP_SOFT)
            continue;
        if (!pdf_like) {
            sg->tl[k].gap_before = GAP_HARD;
            continue;
        }
        int soft = 0, none = 0;
        size_t lo = k > 4 ? k - 4 : 1, hi = k + 4 < sg->ntl ? k + 4 : sg->ntl - 1;
        for (size_t j = lo; j <= hi; j++) {
            if (j == k)
                continue;
            soft += raw[j] == GAP_SOFT;
            none += raw[j] == GAP_NONE;
        }
        sg->tl[k].gap_before = soft > none ? GAP_NONE : GAP_HARD;
    }
    free(raw);

    /* One paragraph per line, no blank lines (text saved from Word, or pasted): nearly every
     * full line that runs straight into the next ends a sentence, where PDF text wraps in
     * mid-sentence. Then a line that ends a sentence ends its paragraph. */
    size_t full = 0, ended = 0;
    for (size_t k = 1; k < sg->ntl; k++) {
        const tline_t *P = &sg->tl[k - 1];
        int dash;
        if (sg->tl[k].gap_before != GAP_NONE || P->end - P->start < 40 ||
            seg_bullet_len(sg->t + P->start, P->end - P->start, &dash) || heading_like(sg, k - 1))
            continue;
        full++;
        ended += seg_ends_sentence(sg->t + P->start, P->end - P->start);
    }
    /* then every line is a paragraph (or heading, or bullet) of its own, unless the next
     * line starts in lower case: "… bl.a." / "for å sikre …" is one sentence */
    if (full >= 3 && ended * 10 >= full * 7)
        for (size_t k = 1; k < sg->ntl; k++) {
            const tline_t *L = &sg->tl[k], *P = &sg->tl[k - 1];
            size_t cn;
            if (L->gap_before == GAP_NONE &&
                !is_lower(cp_at(sg->t + L->start, L->end - L->start, 0, &cn)) &&
                !ends_abbrev(sg->t + P->start, P->end - P->start))
                sg->tl[k].gap_before = GAP_HARD;
        }
    if (sg->nhints)
        hint_gaps(sg);
    return 0;
}
