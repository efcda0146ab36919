/* segment.c — PDF-extracted text becomes passages with respondent and section.
 *
 * Three passes:
 *  1. lines: every source line with its trimmed extent, byte offset and number; the gaps
 *     between text lines are classified: none (consecutive), soft (one empty line — in
 *     double-spaced text, the artefact of PDF extraction) or hard (a whitespace-only line,
 *     several blank lines, or a single blank line in single-spaced surroundings).
 *  2. blocks: lines are joined into blocks (paragraph, bullet, heading, checkbox line,
 *     footnote, title), rejoining hyphenated words and dropping footnote markers.
 *  3. passages: blocks become passages (long paragraphs cut at sentence ends, short bullets
 *     grouped), with their section path; responses are split at title lines and each part's
 *     respondent is detected from who "stiller seg bak", "mener", "støtter" … in the text.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "buf.h"
#include "hsok/segment.h"
#include "hsok/text.h"
#include "segment_internal.h"

#define DEFAULT_MAX_CHARS 1200
#define BULLET_SHORT 120     /* bullets at most this long are grouped */
#define BULLET_GROUP_MAX 5   /* at most this many bullets in one passage */
#define BULLET_GROUP_CHARS 500
#define HEADING_MAX 120      /* longest numbered heading that is not a question */
#define UHEADING_MAX 70      /* longest unnumbered heading */
#define UHEADING_WORDS 8

/* ---------------------------------------------------------------------------------------- */
/* UTF-8 helpers (cp_at, is_letter, is_upper, is_lower, starts_with_ci: segment_internal.h)  */

/* the code point ending just before byte i */
static utf8proc_int32_t cp_before(const char *s, size_t i, size_t *n)
{
    size_t j = i;
    while (j > 0 && ((unsigned char)s[j - 1] & 0xC0) == 0x80 && i - j < 3)
        j--;
    if (j > 0)
        j--;
    size_t k;
    utf8proc_int32_t c = cp_at(s, i, j, &k);
    *n = i - j;
    return c;
}

/* space, tab, NBSP, other Unicode spaces, form feed */
static size_t space_len(const char *s, size_t len, size_t i)
{
    unsigned char b = (unsigned char)s[i];
    if (b == ' ' || b == '\t' || b == '\f' || b == '\v' || b == '\r')
        return 1;
    if (b >= 0xC2) {
        size_t n;
        utf8proc_int32_t c = cp_at(s, len, i, &n);
        if (c == 0xA0 || c == 0x2007 || c == 0x202F || c == 0xFEFF ||
            (c >= 0x2000 && c <= 0x200B) || c == 0x3000)
            return n;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* pass 1: lines and gaps                                                                   */

typedef struct line {
    size_t start, end; /* trimmed content [start, end) in the text */
    unsigned no;       /* 1-based */
    int blank;         /* nothing but whitespace */
    int ws;            /* blank, but with whitespace characters (PDF paragraph break) */
    int ff;            /* contains a form feed (page break) */
} line_t;

enum { GAP_NONE, GAP_SOFT, GAP_HARD };

typedef struct tline {
    size_t start, end;
    unsigned no;
    int gap_before; /* gap between the previous text line and this one */
} tline_t;

/* ---------------------------------------------------------------------------------------- */
/* pass 2: blocks                                                                           */


/* ---------------------------------------------------------------------------------------- */
/* the document                                                                             */

struct hsok_segdoc {
    hsok_passage_t *passages;
    size_t npassages, cap;
    hsok_stance_t *stances;
    size_t nstances, capstances;
    char **respondents;
    size_t nrespondents;
    char **strings; /* everything the passages and stances point at */
    size_t nstrings, capstrings;
};

static const char *keep(hsok_segdoc_t *d, char *s)
{
    if (!s)
        return NULL;
    if (d->nstrings == d->capstrings) {
        size_t nc = d->capstrings ? d->capstrings * 2 : 64;
        char **p = realloc(d->strings, nc * sizeof *p);
        if (!p) {
            free(s);
            return NULL;
        }
        d->strings = p;
        d->capstrings = nc;
    }
    d->strings[d->nstrings++] = s;
    return s;
}

static const char *keepn(hsok_segdoc_t *d, const char *s, size_t n)
{
    return keep(d, hsok_strndup(s, n));
}

void hsok_segdoc_free(hsok_segdoc_t *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nstrings; i++)
        free(d->strings[i]);
    free(d->strings);
    free(d->passages);
    free(d->stances);
    free(d->respondents);
    free(d);
}

size_t hsok_segdoc_passage_count(const hsok_segdoc_t *d) { return d ? d->npassages : 0; }
const hsok_passage_t *hsok_segdoc_passage(const hsok_segdoc_t *d, size_t i)
{
    return d && i < d->npassages ? &d->passages[i] : NULL;
}
size_t hsok_segdoc_stance_count(const hsok_segdoc_t *d) { return d ? d->nstances : 0; }
const hsok_stance_t *hsok_segdoc_stance(const hsok_segdoc_t *d, size_t i)
{
    return d && i < d->nstances ? &d->stances[i] : NULL;
}
size_t hsok_segdoc_respondent_count(const hsok_segdoc_t *d) { return d ? d->nrespondents : 0; }
const char *hsok_segdoc_respondent(const hsok_segdoc_t *d, size_t i)
{
    return d && i < d->nrespondents ? d->respondents[i] : NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* segmentation state                                                                       */

typedef struct seg {
    const char *name;
    const char *t;
    size_t len;
    tline_t *tl;
    size_t ntl;
    block_t *blocks;
    size_t nblocks, capblocks;
    int footnotes[100]; /* footnotes[n]: a footnote line "n text" exists and n is used as a marker */
    int plain_last[4];  /* the last number of each plain_heading style seen */
    int oom;
} seg_t;

static void block_free(block_t *b)
{
    buf_free(&b->text);
    free(b->pieces);
}

static block_t *new_block(seg_t *s, enum bkind kind)
{
    if (s->nblocks == s->capblocks) {
        size_t nc = s->capblocks ? s->capblocks * 2 : 64;
        block_t *p = realloc(s->blocks, nc * sizeof *p);
        if (!p) {
            s->oom = 1;
            return NULL;
        }
        s->blocks = p;
        s->capblocks = nc;
    }
    block_t *b = &s->blocks[s->nblocks++];
    memset(b, 0, sizeof *b);
    buf_init(&b->text);
    b->kind = kind;
    return b;
}

static void add_piece(seg_t *s, block_t *b, size_t src, size_t n, unsigned no)
{
    if (b->npieces == b->cappieces) {
        size_t nc = b->cappieces ? b->cappieces * 2 : 8;
        piece_t *p = realloc(b->pieces, nc * sizeof *p);
        if (!p) {
            s->oom = 1;
            return;
        }
        b->pieces = p;
        b->cappieces = nc;
    }
    b->pieces[b->npieces++] = (piece_t){ b->text.len, src, n, no };
}

/* Map an offset in the block's text to a source offset and line. The piece is found by
 * binary search: a paragraph of one long line can have millions of pieces. */
static void block_src(const block_t *b, size_t out, int is_end, size_t *src, unsigned *no)
{
    /* the first piece after the first one that starts beyond out (at out, for an end) */
    size_t lo = 1, hi = b->npieces;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->pieces[mid].out > out || (is_end && b->pieces[mid].out == out))
            hi = mid;
        else
            lo = mid + 1;
    }
    size_t k = lo - 1;
    if (b->npieces == 0) {
        *src = 0;
        *no = 1;
        return;
    }
    const piece_t *p = &b->pieces[k];
    size_t d = out - p->out;
    if (d > p->n)
        d = p->n;
    *src = p->src + d;
    *no = p->no;
}

/* ---------------------------------------------------------------------------------------- */
/* line classification                                                                      */

static const char *const bullet_marks[] = { "\xe2\x80\xa2", /* • */
                                            "\xe2\x96\xaa", /* ▪ */
                                            "\xe2\x97\xa6", /* ◦ */
                                            "\xe2\x80\xa3", /* ‣ */
                                            "\xe2\x97\x8f", /* ● */
                                            "\xe2\x96\xa0", /* ■ as bullet when alone */
                                            "\xef\x82\xb7", /*  (Symbol font bullet) */
                                            "\xc2\xb7",     /* · */
                                            "*",
                                            NULL };
static const char *const dash_marks[] = { "-", "\xe2\x80\x93" /* – */, "\xe2\x80\x94" /* — */,
                                          NULL };

/* Length of a bullet mark plus following space at s (0 if none); *dash set for dashes. */
static size_t bullet_len(const char *s, size_t n, int *dash)
{
    for (int d = 0; d < 2; d++) {
        const char *const *marks = d ? dash_marks : bullet_marks;
        for (size_t i = 0; marks[i]; i++) {
            size_t m = strlen(marks[i]);
            if (n > m && !memcmp(s, marks[i], m)) {
                size_t sp = space_len(s, n, m);
                if (!sp)
                    continue;
                size_t k = m;
                while (k < n && (sp = space_len(s, n, k)) > 0)
                    k += sp;
                if (k >= n)
                    continue;
                *dash = d;
                return k;
            }
        }
    }
    return 0;
}

/* "12" at s: value, or -1; *used gets the digit count (1-3). */
static int number_at(const char *s, size_t n, size_t *used)
{
    size_t i = 0;
    int v = 0;
    while (i < n && i < 3 && isdigit((unsigned char)s[i]))
        v = v * 10 + (s[i++] - '0');
    if (i == 0 || (i < n && isdigit((unsigned char)s[i])))
        return -1;
    *used = i;
    return v;
}

/* "N) " or "N. " (with optional "Spørsmål "): the question number, else -1; *skip: bytes to text */
static int question_at(const char *s, size_t n, size_t *skip)
{
    size_t i = 0, k;
    if (starts_with_ci(s, n, "sp\xc3\xb8rsm\xc3\xa5l ")) {
        i = strlen("sp\xc3\xb8rsm\xc3\xa5l ");
        int v = number_at(s + i, n - i, &k);
        if (v < 1) /* question_no 0 means "no question" */
            return -1;
        i += k;
        if (i < n && (s[i] == ')' || s[i] == '.' || s[i] == ':'))
            i++;
        while (i < n && space_len(s, n, i))
            i += space_len(s, n, i);
        *skip = i;
        return i < n ? v : -1;
    }
    int v = number_at(s, n, &k);
    if (v < 1 || k >= n || (s[k] != ')' && s[k] != '.'))
        return -1;
    i = k + 1;
    if (i >= n || !space_len(s, n, i))
        return -1;
    while (i < n && space_len(s, n, i))
        i += space_len(s, n, i);
    *skip = i;
    return i < n ? v : -1;
}


static const char *const heading_words[] = {
    "m\xc3\xa5l", "hovedm\xc3\xa5l", "delm\xc3\xa5l", "kapittel", "kap.", "del", "tema",
    "innsatsomr\xc3\xa5" "de", "punkt", "omr\xc3\xa5" "de", "tiltak", "vedlegg", "steg",
    "anbefaling", "prinsipp", "artikkel", "\xc2\xa7", NULL };

int seg_count_words(const char *s, size_t n)
{
    int w = 0, in = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\t')
            in = 0;
        else if (!in) {
            in = 1;
            w++;
        }
    }
    return w;
}

/* Short headings numbered "1 Innledning" (style 1), "A. Økonomi" (2), "II. Personvern" (3):
 * the number, or -1. At most 6 words and 60 bytes (12 and 100 when the line stands alone,
 * with a blank line after it), no comma, and no other number ("2 Salten 5 121" is a table
 * row, "1 NOU 2023: 4" a footnote). The caller checks that the numbers follow on. */
static int plain_heading(const char *s, size_t n, int standalone, int *style)
{
    size_t maxn = standalone ? 100 : 60;
    int maxw = standalone ? 12 : 6;
    if (n > maxn || memchr(s, ',', n) || seg_count_words(s, n) > maxw)
        return -1;
    size_t i = 0, k;
    int val = -1, v = number_at(s, n, &k);
    if (v >= 1 && v <= 99 && k < n && (s[k] == ' ' || s[k] == '\t')) {
        i = k;
        val = v;
        *style = 1;
    } else if (n > 3 && s[0] >= 'A' && s[0] <= 'H' && s[1] == '.' && s[2] == ' ') {
        i = 2;
        val = s[0] - 'A' + 1;
        *style = 2;
    } else {
        static const char *const romans[] = { "I", "II", "III", "IV", "V", "VI", "VII", "VIII",
                                               "IX", "X", NULL };
        for (size_t r = 0; romans[r]; r++) {
            size_t rl = strlen(romans[r]);
            if (n > rl + 2 && !memcmp(s, romans[r], rl) && s[rl] == '.' && s[rl + 1] == ' ') {
                i = rl + 1;
                val = (int)r + 1;
                *style = 3;
            }
        }
    }
    if (val < 0)
        return -1;
    for (size_t x = i; x < n; x++)
        if (isdigit((unsigned char)s[x]))
            return -1;
    while (i < n && space_len(s, n, i))
        i += space_len(s, n, i);
    size_t c;
    return i < n && is_upper(cp_at(s, n, i, &c)) ? val : -1;
}

/* "Mål 3: …", "Kapittel 2 …", "2.1 Tittel": returns 1 and the number (goal: 1 if Mål) */
static int keyword_heading(const char *s, size_t n, int *num, int *goal)
{
    size_t k;
    /* "MÅL 3": fold the start (æøå keep their byte length, so offsets stay valid) */
    char low[24];
    size_t ll = seg_lower_word(s, n < 20 ? n : 20, low, sizeof low);
    const char *ls = ll == (n < 20 ? n : 20) ? low : s;
    for (size_t w = 0; heading_words[w]; w++) {
        size_t m = strlen(heading_words[w]);
        if (n > m + 1 && starts_with_ci(ls, ll, heading_words[w]) && space_len(s, n, m)) {
            size_t i = m + space_len(s, n, m);
            int v = number_at(s + i, n - i, &k);
            if (v < 0)
                return 0;
            i += k;
            while (i + 1 < n && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
                i++;
                while (i < n && isdigit((unsigned char)s[i]))
                    i++;
            }
            if (i < n && !(s[i] == ':' || s[i] == '.' || s[i] == ')' || s[i] == ' ' ||
                           s[i] == '-' || (unsigned char)s[i] == 0xE2 || s[i] == '\t'))
                return 0;
            *num = v;
            *goal = w <= 2; /* mål, hovedmål, delmål */
            if (w == 2)
                *goal = 0;
            return 1;
        }
    }
    /* "2.1 Tittel" */
    int v = number_at(s, n, &k);
    if (v >= 0 && k + 2 < n && s[k] == '.' && isdigit((unsigned char)s[k + 1])) {
        size_t i = k;
        while (i + 1 < n && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
            i++;
            while (i < n && isdigit((unsigned char)s[i]))
                i++;
        }
        if (i < n && s[i] == '.')
            i++;
        if (i < n && space_len(s, n, i)) {
            size_t c;
            i += space_len(s, n, i);
            if (i < n && is_upper(cp_at(s, n, i, &c))) {
                *num = v;
                *goal = 0;
                return 1;
            }
        }
    }
    return 0;
}

static const char *const title_words[] = {
    "h\xc3\xb8ringssvar", "h\xc3\xb8ringsuttalelse", "h\xc3\xb8ringsinnspill",
    "h\xc3\xb8ringsfr\xc3\xa5segn", "uttalelse til", "uttalelse om", "innspill til",
    "svar p\xc3\xa5 h\xc3\xb8ring",
    /* nynorsk */
    "h\xc3\xb8yringssvar", "h\xc3\xb8yringsfr\xc3\xa5segn", "h\xc3\xb8yringsuttale",
    "h\xc3\xb8yringsinnspel", "fr\xc3\xa5segn til", "fr\xc3\xa5segn om", "innspel til",
    "svar p\xc3\xa5 h\xc3\xb8yring", NULL };

int seg_title_at(const char *s, size_t n)
{
    /* a title starts with a capital: "høringssvar" in lower case continues a sentence */
    size_t cn;
    if (n == 0 || !is_upper(cp_at(s, n, 0, &cn)))
        return 0;
    char low[40]; /* "HØRINGSSVAR FRA …": Ø is not ASCII, so fold it first */
    size_t ll = seg_lower_word(s, n, low, sizeof low);
    for (size_t i = 0; title_words[i]; i++)
        if (starts_with_ci(low, ll, title_words[i]))
            return 1;
    return 0;
}

/* Footnote definition "1 KIT står for …": the number, or -1 */
static int footnote_def(const seg_t *sg, const char *s, size_t n, size_t *skip)
{
    size_t k;
    int v = number_at(s, n, &k);
    if (v < 1 || v > 99 || k >= n || !space_len(s, n, k) || !sg->footnotes[v])
        return -1;
    /* all the spaces after the number ("1  KIT står for …"), or the text starts with one */
    while (k < n && space_len(s, n, k))
        k += space_len(s, n, k);
    *skip = k;
    return v;
}

/* ---------------------------------------------------------------------------------------- */
/* text helpers for joining                                                                 */

int seg_ends_sentence(const char *s, size_t n)
{
    for (;;) {
        if (n > 0 && (s[n - 1] == ')' || s[n - 1] == '"' || s[n - 1] == '\''))
            n--;
        else if (n >= 2 && !memcmp(s + n - 2, "\xc2\xbb", 2)) /* » */
            n -= 2;
        else if (n >= 3 && (!memcmp(s + n - 3, "\xe2\x80\x9d", 3) || /* ” */
                            !memcmp(s + n - 3, "\xe2\x80\x99", 3)))  /* ’ */
            n -= 3;
        else
            break;
    }
    if (n >= 3 && !memcmp(s + n - 3, "\xe2\x80\xa6", 3)) /* … */
        return 1;
    return n > 0 && (s[n - 1] == '.' || s[n - 1] == '?' || s[n - 1] == '!' || s[n - 1] == ':' ||
                     s[n - 1] == ';');
}

/* the last word of s[0..n) (letters only), lower-cased ASCII compare */
static int last_word_is(const char *s, size_t n, const char *const *words)
{
    size_t e = n, b;
    while (e > 0 && s[e - 1] == ' ')
        e--;
    b = e;
    while (b > 0 && s[b - 1] != ' ')
        b--;
    for (size_t i = 0; words[i]; i++)
        if (e - b == strlen(words[i]) && starts_with_ci(s + b, e - b, words[i]))
            return 1;
    return 0;
}

const char *const seg_function_words[] = {
    "og", "i", "for", "av", "til", "med", "p\xc3\xa5", "om", "fra", "som", "at", "en", "et",
    "den", "det", "de", "eller", "samt", "ved", "etter", "mot", "under", "over", "uten",
    "mellom", "hos", "der", "og/eller", "a", "du", "eit", "ein", "til", "frå", "ikkje", NULL };

static const char *const conj_after_hyphen[] = { "og", "eller", "samt", "enn", "men", "m.m.",
                                                 NULL };

/* ---------------------------------------------------------------------------------------- */
/* pass 2                                                                                   */

/* Append line content [a, b) to block text: collapsed spaces, footnote markers removed. */
static void append_content(seg_t *sg, block_t *bl, size_t a, size_t b, unsigned no)
{
    const char *t = sg->t;
    size_t i = a;
    while (i < b) {
        /* run of non-space */
        size_t j = i;
        while (j < b && !space_len(t, b, j))
            j++;
        /* footnote marker: letters immediately followed by the digits of a known footnote */
        size_t we = j;
        while (we > i && strchr(".,;:)!?\"'", t[we - 1]))
            we--;
        size_t ds = we;
        while (ds > i && isdigit((unsigned char)t[ds - 1]))
            ds--;
        size_t cut_from = j, cut_to = j;
        if (ds < we && we - ds <= 2 && ds > i) {
            size_t cn;
            utf8proc_int32_t c = cp_before(t, ds, &cn);
            int v = atoi(t + ds);
            if (is_letter(c) && v > 0 && v < 100 && sg->footnotes[v] && ds - i >= 2) {
                cut_from = ds;
                cut_to = we;
            }
        }
        if (cut_from < cut_to) {
            add_piece(sg, bl, i, cut_from - i, no);
            buf_add(&bl->text, t + i, cut_from - i);
            add_piece(sg, bl, cut_to, j - cut_to, no);
            buf_add(&bl->text, t + cut_to, j - cut_to);
        } else {
            add_piece(sg, bl, i, j - i, no);
            buf_add(&bl->text, t + i, j - i);
        }
        i = j;
        while (i < b && space_len(t, b, i))
            i += space_len(t, b, i);
        if (i < b)
            buf_addch(&bl->text, ' ');
    }
}

/* Join the next line [a, b) to the block: rejoin hyphenation, else a space. */
static void join_line(seg_t *sg, block_t *bl, size_t a, size_t b, unsigned no)
{
    buf_t *x = &bl->text;
    const char *t = sg->t;
    if (x->len == 0) {
        append_content(sg, bl, a, b, no);
        return;
    }
    size_t n1;
    utf8proc_int32_t next = cp_at(t, b, a, &n1);
    if (x->len >= 2 && x->data[x->len - 1] == '-') {
        size_t cn;
        utf8proc_int32_t before = cp_before(x->data, x->len - 1, &cn);
        if (is_letter(before)) {
            /* the word before the hyphen */
            size_t ws = x->len - 1;
            while (ws > 0 && x->data[ws - 1] != ' ')
                ws--;
            const char *w = x->data + ws;
            size_t wl = x->len - 1 - ws;
            int caps = 1;
            for (size_t i = 0; i < wl; i++)
                if (islower((unsigned char)w[i]) || (unsigned char)w[i] >= 0x80)
                    caps = 0;
            size_t we = a;
            while (we < b && t[we] != ' ')
                we++;
            if (is_lower(next)) {
                int conj = 0;
                for (size_t i = 0; conj_after_hyphen[i]; i++)
                    if (we - a == strlen(conj_after_hyphen[i]) &&
                        !memcmp(t + a, conj_after_hyphen[i], we - a))
                        conj = 1;
                if (conj) {
                    buf_addch(x, ' ');
                } else if (!(caps && wl >= 2)) {
                    x->len--; /* informa- + sjon */
                    x->data[x->len] = '\0';
                }
                append_content(sg, bl, a, b, no);
                return;
            }
            if (is_upper(next) || is_letter(next) || (next >= '0' && next <= '9')) {
                append_content(sg, bl, a, b, no); /* Sør- + Øst */
                return;
            }
        }
    }
    buf_addch(x, ' ');
    append_content(sg, bl, a, b, no);
}

/* Is the line a bullet, given the block it would continue? Returns mark length or 0. */
static size_t line_bullet(const seg_t *sg, const block_t *cur, const char *s, size_t n)
{
    int dash = 0;
    size_t m = bullet_len(s, n, &dash);
    if (!m)
        return 0;
    (void)sg;
    if (dash && cur && !cur->closed && (cur->kind == B_PARA || cur->kind == B_BULLET) &&
        cur->text.len > 0 && !seg_ends_sentence(cur->text.data, cur->text.len)) {
        size_t cn;
        utf8proc_int32_t c = cp_at(s, n, m, &cn);
        if (!is_upper(c) && !(c >= '0' && c <= '9'))
            return 0; /* "tilby tjenester" / "- trygt, sikkert og lovlig": a dash in a sentence */
    }
    return m;
}

static int short_heading_line(const char *s, size_t n)
{
    size_t cn;
    if (n == 0 || n > UHEADING_MAX || !is_upper(cp_at(s, n, 0, &cn)))
        return 0;
    char last = s[n - 1];
    if (strchr(".,;:!?-", last))
        return 0;
    if (last_word_is(s, n, seg_function_words))
        return 0;
    if (seg_has_box(s, n))
        return 0; /* "Svar: ☒ Ja ☐ Nei" is an answer, and stays text */
    int words = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ')
            words++;
    if (words > UHEADING_WORDS)
        return 0;
    /* a heading has letters */
    int letters = 0;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c = cp_at(s, n, i, &cn);
        letters += is_letter(c);
        i += cn;
    }
    return letters >= 3;
}

static void close_heading_if_done(block_t *b)
{
    if (b->kind == B_QUESTION) {
        if (b->text.len && b->text.data[b->text.len - 1] == '?')
            b->closed = 1;
    } else if (b->kind == B_HEADING || b->kind == B_TITLE) {
        if (!last_word_is(b->text.data, b->text.len, seg_function_words) &&
            !(b->text.len && (b->text.data[b->text.len - 1] == '-' ||
                              b->text.data[b->text.len - 1] == ',')))
            b->closed = 1;
    }
}

/* Does the numbered line at text line li end, within it and the next lines that continue it
 * (at most 4 lines, no hard gap), with a '?' before any sentence end? */
static int question_ends_ahead(const seg_t *sg, size_t li)
{
    for (size_t k = li; k < sg->ntl && k < li + 4; k++) {
        if (k > li && sg->tl[k].gap_before == GAP_HARD)
            return 0;
        const char *s = sg->t + sg->tl[k].start;
        size_t n = sg->tl[k].end - sg->tl[k].start;
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '?')
                return 1;
            if ((s[i] == '.' || s[i] == '!') && (i + 1 == n || s[i + 1] == ' ') &&
                !(k == li && i < 4)) /* "1." itself */
                return 0;
        }
    }
    return 0;
}

/* Labels of letter, form and e-mail header fields ("Vår ref.:", "Dato:", "Subject:"). */
static const char *const field_labels[] = {
    "fra", "frå", "til", "kopi", "kopi til", "dato", "vår dato", "deres dato", "sendt", "emne",
    "sak", "saksnr", "saksnummer", "vår ref", "vår referanse", "deres ref", "deres referanse",
    "dykkar ref", "dykkar referanse", "arkivkode", "arkivnr", "saksbehandler", "sakshandsamar",
    "avsender", "innsender", "mottaker", "adresse", "postadresse", "besøksadresse", "telefon",
    "tlf", "e-post", "epost", "org.nr", "org. nr", "org.nr.", "organisasjonsnummer",
    "kontaktperson", "høringsinstans", "navn på organisasjon", "organisasjon", "virksomhet",
    "vedr", "vedrørende", "navn", "namn", "innsendt", "innsendt av", "type høringsinstans",
    "navn på kontaktperson", "from", "to", "cc", "sent", "subject", "date", NULL };

/* Length of the header-field label at the start of s ("Vår ref.: " → 10), or 0. */
static size_t field_label(const char *s, size_t n)
{
    size_t best = 0;
    for (size_t i = 0; field_labels[i]; i++) {
        size_t l = strlen(field_labels[i]);
        if (!starts_with_ci(s, n, field_labels[i]))
            continue;
        size_t k = l;
        if (k < n && s[k] == '.')
            k++;
        while (k < n && s[k] == ' ')
            k++;
        if (k < n && s[k] == ':' && k + 1 > best)
            best = k + 1;
    }
    while (best && best < n && s[best] == ' ')
        best++;
    return best;
}

static int single_line_block(const block_t *b)
{
    return b->npieces > 0 && b->pieces[0].no == b->pieces[b->npieces - 1].no;
}

/* "a) …", "(b) …": an item of a lettered list */
static int letter_item(const char *s, size_t n)
{
    size_t i = n > 0 && s[0] == '(' ? 1 : 0;
    return n > i + 3 && s[i] >= 'a' && s[i] <= 'z' && s[i + 1] == ')' && s[i + 2] == ' ';
}

static void build_blocks(seg_t *sg)
{
    const char *t = sg->t;
    block_t *cur = NULL;
    for (size_t li = 0; li < sg->ntl && !sg->oom; li++) {
        const tline_t *L = &sg->tl[li];
        const char *s = t + L->start;
        size_t n = L->end - L->start;
        size_t cn;
        utf8proc_int32_t first = cp_at(s, n, 0, &cn);
        int hard = L->gap_before == GAP_HARD;

        /* a page break or a hard gap inside a sentence: keep going when the next line
         * plainly continues it (lower-case start after no sentence end) */
        if (hard && cur && !cur->closed && cur->kind != B_CHECKBOX && cur->kind != B_META &&
            is_lower(first) &&
            !seg_ends_sentence(cur->text.data, cur->text.len))
            hard = 0;

        int checked;
        (void)checked;
        size_t skip = 0, bm = 0;
        int qn = -1, fnn = -1, hnum = 0, hgoal = 0, pn = -1, pstyle = 0;
        enum bkind kind = B_PARA;
        int starts = 0;
        size_t ans_at = 0, ans_len = 0;
        /* the current paragraph's sentence goes on into this line */
        int runs_on = cur && cur->kind == B_PARA && !cur->closed && !hard &&
                      !seg_ends_sentence(cur->text.data, cur->text.len);
        if (seg_form_line(s, n)) {
            kind = B_CHECKBOX;
            starts = 1;
        } else if ((ans_len = seg_answer_line(s, n, &ans_at)) > 0) {
            kind = B_CHECKBOX;
            starts = 1;
        } else if (n <= 200 && is_upper(first) && field_label(s, n) > 0 && !runs_on) {
            /* a header field line, "Dato: 15.03.2024"; not a sentence that runs on into
             * "Til: …" */
            kind = B_META;
            starts = 1;
        } else if ((bm = line_bullet(sg, cur, s, n)) > 0) {
            kind = B_BULLET;
            starts = 1;
        } else if (letter_item(s, n) &&
                   !(runs_on && !(single_line_block(cur) &&
                                  seg_count_words(cur->text.data, cur->text.len) <= 4 &&
                                  short_heading_line(cur->text.data, cur->text.len)))) {
            /* not "… punkt 4.2 bokstav / a) og b) …": a sentence running on */
            kind = B_BULLET; /* the letter stays in the text: "b) Samhandling: …" */
            bm = 0;
            starts = 1;
        } else if ((fnn = footnote_def(sg, s, n, &skip)) > 0) {
            kind = B_FOOTNOTE;
            starts = 1;
        } else if ((qn = question_at(s, n, &skip)) >= 0) {
            /* "2) Har dere …?" is a question; "1. Innledning" a numbered heading; "1. Bedre
             * samarbeid." an item of a numbered list */
            int q = question_ends_ahead(sg, li);
            if (q) {
                kind = B_QUESTION;
            } else if (n <= UHEADING_MAX && !seg_ends_sentence(s, n) &&
                       !last_word_is(s, n, seg_function_words)) {
                kind = B_HEADING;
                hnum = qn;
                hgoal = 0;
            } else {
                kind = B_BULLET;
                bm = 0;
            }
            starts = 1;
        } else if (n <= HEADING_MAX && keyword_heading(s, n, &hnum, &hgoal) &&
                   !seg_ends_sentence(s, n)) {
            kind = B_HEADING;
            starts = 1;
        } else if (!seg_ends_sentence(s, n) &&
                   (pn = plain_heading(s, n, li + 1 == sg->ntl ||
                                                 sg->tl[li + 1].gap_before == GAP_HARD,
                                       &pstyle)) > sg->plain_last[pstyle] &&
                   pn <= sg->plain_last[pstyle] + 2) {
            /* "1 Innledning", then "2 …" or "3 …": numbers that follow on ("E. Berg" under a
             * signature does not) */
            sg->plain_last[pstyle] = pn;
            kind = B_HEADING;
            hnum = pn;
            hgoal = 0;
            starts = 1;
        } else if (n <= 200 && seg_title_at(s, n) && !seg_ends_sentence(s, n)) {
            kind = B_TITLE;
            starts = 1;
        }

        if (!starts && cur && !cur->closed && !hard && cur->kind != B_CHECKBOX &&
            cur->kind != B_META) {
            /* an unnumbered heading: a short first line followed by a capitalised line */
            if (cur->kind == B_PARA && cur->npieces > 0 && cur->pieces[0].no == cur->pieces[cur->npieces - 1].no &&
                (is_upper(first) || (first >= '0' && first <= '9')) &&
                short_heading_line(cur->text.data, cur->text.len)) {
                cur->kind = B_UHEADING;
                cur->closed = 1;
            } else {
                join_line(sg, cur, L->start, L->end, L->no);
                close_heading_if_done(cur);
                continue;
            }
        }
        /* a single-line paragraph that looks like a heading and ended at a hard gap */
        if (cur && cur->kind == B_PARA && cur->npieces > 0 &&
            cur->pieces[0].no == cur->pieces[cur->npieces - 1].no &&
            short_heading_line(cur->text.data, cur->text.len))
            cur->kind = B_UHEADING;

        cur = new_block(sg, kind);
        if (!cur)
            return;
        if (kind == B_QUESTION)
            cur->number = qn;
        if (kind == B_HEADING) {
            cur->number = hnum;
            cur->goal = hgoal;
        }
        if (kind == B_FOOTNOTE)
            cur->number = fnn;
        cur->answer_len = ans_len;
        size_t from = L->start + (kind == B_BULLET ? bm : kind == B_FOOTNOTE ? skip : 0);
        append_content(sg, cur, from, L->end, L->no);
        if (kind == B_CHECKBOX || kind == B_META)
            cur->closed = 1;
        close_heading_if_done(cur);
    }
    if (cur && cur->kind == B_PARA && cur->npieces > 0 &&
        cur->pieces[0].no == cur->pieces[cur->npieces - 1].no &&
        short_heading_line(cur->text.data, cur->text.len) && sg->nblocks > 1)
        cur->kind = B_UHEADING;
}

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
    size_t nc = 0;
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
                    question_at(ls, ln, &skip) < 0) {
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
    size_t pages = breaks + 1;
    for (size_t a = 0; a < nc;) {
        size_t b = a + 1;
        while (b < nc && c[b].top == c[a].top && strcmp(c[b].key, c[a].key) == 0)
            b++;
        if (c[a].key[0] && b - a >= 2 && (b - a) * 2 >= pages)
            for (size_t x = a; x < b; x++)
                lines[c[x].line].blank = 1;
        a = b;
    }
    free(c);
}

static const char *const abbrevs[] = { "f.eks", "bl.a", "dvs", "mv", "osv", "ca", "nr", "jf",
                                       "pkt", "evt", "ev", "kap", "mht", "iht", "vedr", "ift",
                                       "m.m", "o.l", "t.d", "m.a", "pga", "etc", "inkl", "ref",
                                       "jfr", "nb", "st", "mill", "mrd", "kr", NULL };

/* Does s[0..n) end with an abbreviation and its period ("bl.a.", "ca.")? */

static int ends_abbrev(const char *s, size_t n)
{
    if (n < 2 || s[n - 1] != '.')
        return 0;
    size_t b = n - 1;
    while (b > 0 && s[b - 1] != ' ')
        b--;
    return seg_in_list(abbrevs, s + b, n - 1 - b);
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

static int build_lines(seg_t *sg)
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
        line_t L = { i, e, no, 1, 0, 0 };
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
    size_t prev = (size_t)-1;
    for (size_t k = 0; k < nlines; k++) {
        if (lines[k].blank)
            continue;
        int gap = GAP_NONE;
        if (prev != (size_t)-1) {
            size_t between = k - prev - 1;
            int ws = 0, ff = lines[k].ff;
            for (size_t j = prev + 1; j < k; j++) {
                ws |= lines[j].ws;
                ff |= lines[j].ff;
            }
            gap = between == 0 ? GAP_NONE : (between == 1 && !ws && !ff) ? GAP_SOFT : GAP_HARD;
        }
        sg->tl[sg->ntl++] = (tline_t){ lines[k].start, lines[k].end, lines[k].no, gap };
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
            bullet_len(sg->t + sg->tl[k].start, sg->tl[k].end - sg->tl[k].start, &dash))
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
        if (P->end - P->start < 40 || bullet_len(sg->t + P->start, P->end - P->start, &dash) ||
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
            bullet_len(sg->t + P->start, P->end - P->start, &dash) || heading_like(sg, k - 1))
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
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* word helpers (shared with respondent.c)                                                  */

int seg_in_list(const char *const *list, const char *s, size_t n)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && starts_with_ci(s, n, list[i]))
            return 1;
    /* utf-8 letters: compare lower-cased ASCII + exact bytes for the rest */
    return 0;
}


/* lower-case a short UTF-8 word into out (cap bytes); returns length */
size_t seg_lower_word(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t cn;
        utf8proc_int32_t c = cp_at(s, n, i, &cn);
        utf8proc_int32_t l = c >= 0 ? utf8proc_tolower(c) : c;
        utf8proc_uint8_t tmp[4];
        utf8proc_ssize_t k = l >= 0 ? utf8proc_encode_char(l, tmp) : 0;
        if (o + (size_t)k >= cap)
            break;
        memcpy(out + o, tmp, (size_t)k);
        o += (size_t)k;
        i += cn;
    }
    out[o] = '\0';
    return o;
}


int seg_cap_word(const char *s, size_t n)
{
    size_t cn;
    utf8proc_int32_t c = cp_at(s, n, 0, &cn);
    return is_upper(c);
}


/* ---------------------------------------------------------------------------------------- */
/* letter furniture                                                                         */

/* "Postboks 8011 Dep", "Pb. 7700", "0030 Oslo", "0030 OSLO", "N-5020 Bergen": 1; a code that
 * could be a year ("2019 Lillestrøm", but also "2019 Forslaget") before one or two capitalised
 * words: 2 (a postal line only under another address line); else 0. */
int seg_postal_line(const char *s, size_t n)
{
    if (n > 60 || seg_ends_sentence(s, n))
        return 0;
    if (starts_with_ci(s, n, "postboks ") || starts_with_ci(s, n, "pb. ") ||
        starts_with_ci(s, n, "pb ") || starts_with_ci(s, n, "boks "))
        return n > 5 && seg_count_words(s, n) <= 5 ? 1 : 0;
    size_t i = 0;
    if (n > 2 && (s[0] == 'N' || s[0] == 'n') && s[1] == '-')
        i = 2;
    for (size_t k = 0; k < 4; k++)
        if (i + k >= n || !isdigit((unsigned char)s[i + k]))
            return 0;
    if (n > 40 || i + 5 >= n || s[i + 4] != ' ')
        return 0;
    /* the place: one to three words, each capitalised ("Mo i Rana": "i" allowed) */
    int words = 0, upper_only = 1;
    for (size_t k = i + 5; k < n;) {
        size_t e = k;
        while (e < n && s[e] != ' ')
            e++;
        size_t cn;
        utf8proc_int32_t c = cp_at(s, n, k, &cn);
        int small = e - k <= 2 && is_lower(c); /* "i", "på" */
        if (!is_upper(c) && !small)
            return 0;
        for (size_t x = k; x < e; x++)
            if (islower((unsigned char)s[x]))
                upper_only = 0;
        words++;
        k = e;
        while (k < n && s[k] == ' ')
            k++;
    }
    if (words < 1 || words > 3)
        return 0;
    int code = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
    return code >= 1900 && code <= 2099 && !upper_only ? 2 : 1;
}

/* A date line and nothing else: "15.03.2024", "1. februar 2024", "Oslo, 15. mars 2024",
 * not "Ikrafttredelse 1. juli 2025" (a heading with a date in it). */
static int date_line(const char *s, size_t n)
{
    if (n < 8 || n > 40)
        return 0;
    static const char *const months[] = { "januar", "februar", "mars", "april", "mai", "juni",
                                          "juli", "august", "september", "oktober", "november",
                                          "desember", NULL };
    size_t i = 0;
    /* an optional place: capitalised words and a comma */
    size_t cn;
    if (is_upper(cp_at(s, n, 0, &cn))) {
        while (i < n && !isdigit((unsigned char)s[i]) && s[i] != ',')
            i++;
        if (i < n && s[i] == ',')
            i++;
        else
            return 0;
        for (size_t k = 0; k < i; k++) /* the place has no lower-case word after the first */
            if (k > 0 && s[k - 1] == ' ' && islower((unsigned char)s[k]))
                return 0;
        while (i < n && s[i] == ' ')
            i++;
    }
    size_t d = i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i == d || i - d > 2 || i >= n || s[i] != '.')
        return 0;
    i++;
    while (i < n && s[i] == ' ')
        i++;
    if (i < n && isdigit((unsigned char)s[i])) { /* dd.mm.yyyy */
        size_t m = i;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
        if (i - m > 2 || i >= n || s[i] != '.')
            return 0;
        i++;
    } else { /* d. month yyyy */
        size_t m = i;
        while (i < n && s[i] != ' ')
            i++;
        char low[16];
        if (i - m >= sizeof low)
            return 0;
        size_t ll = seg_lower_word(s + m, i - m, low, sizeof low);
        int ok = 0;
        for (size_t k = 0; months[k] && !ok; k++)
            ok = ll == strlen(months[k]) && memcmp(low, months[k], ll) == 0;
        if (!ok)
            return 0;
        while (i < n && s[i] == ' ')
            i++;
    }
    size_t y = i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    return i == n && i - y == 4;
}

/* The closing formula at the start of s ("Med vennlig hilsen", "Venleg helsing", "Mvh"):
 * its length, or 0. */
size_t seg_closing_at(const char *s, size_t n)
{
    static const char *const closings[] = {
        "med vennlig hilsen", "med vennleg helsing", "med venleg helsing", "med vennlig helsing",
        "med beste hilsen", "med hilsen", "med helsing", "vennlig hilsen", "vennlige hilsener",
        "vennleg helsing", "venleg helsing", "beste hilsen", "hilsen", "helsing", "mvh", NULL };
    for (size_t i = 0; closings[i]; i++) {
        size_t l = strlen(closings[i]);
        if (starts_with_ci(s, n, closings[i]) &&
            (l == n || s[l] == ' ' || s[l] == ',' || s[l] == '.' || s[l] == '!'))
            return l;
    }
    return 0;
}

/* A block that is a closing: the formula alone, or with a name after it on the same line
 * ("Med vennlig hilsen, for Bergen kommune"); not "Hilsen fra ungdomsrådet: vi vil …". */
static int closing_line(const char *s, size_t n)
{
    size_t l = seg_closing_at(s, n);
    if (!l || n > 100)
        return 0;
    while (l < n && strchr(" ,.!", s[l]))
        l++;
    if (l == n)
        return 1;
    const char *r = s + l;
    size_t rn = n - l;
    return rn <= 60 && !seg_ends_sentence(r, rn) && !memchr(r, ':', rn) &&
           (seg_cap_word(r, rn) || starts_with_ci(r, rn, "for ") || starts_with_ci(r, rn, "på vegne"));
}

/* The note under a signature: "Dokumentet er elektronisk godkjent og har derfor ingen
 * håndskrevne signaturer." — not a sentence that only mentions electronic signing. */
static int is_boilerplate(const char *s, size_t n)
{
    static const char *const signed_[] = { "elektronisk godkjent", "elektronisk godkjend",
                                           "godkjent elektronisk", "godkjend elektronisk",
                                           "elektronisk signert", "signert elektronisk", NULL };
    static const char *const notes[] = { "signatur", "underskrift", NULL };
    static const char *const openings[] = { "dokumentet er ", "brevet er ", "dette dokumentet er ",
                                            "dette brevet er ", "dokumentet er ", NULL };
    if (n > 200)
        return 0;
    char low[208];
    size_t ll = seg_lower_word(s, n, low, sizeof low);
    int is_signed = 0, note = 0, opening = 0;
    for (size_t i = 0; ll && signed_[i]; i++)
        is_signed |= strstr(low, signed_[i]) != NULL;
    for (size_t i = 0; ll && notes[i]; i++)
        note |= strstr(low, notes[i]) != NULL;
    for (size_t i = 0; ll && openings[i]; i++)
        opening |= strncmp(low, openings[i], strlen(openings[i])) == 0;
    return is_signed && (note || opening);
}

/* Do blocks a and b (a before b) lie on lines at most one blank line apart? */
static int adjacent_lines(const block_t *a, const block_t *b)
{
    return a->npieces > 0 && b->npieces > 0 &&
           b->pieces[0].no <= a->pieces[a->npieces - 1].no + 2;
}

/* Mark postal addresses, date lines, the closing and signature, and the "electronically
 * approved" note as B_META: they are neither passages nor sections. */
static void mark_furniture(seg_t *sg)
{
    for (size_t i = 0; i < sg->nblocks; i++) {
        block_t *b = &sg->blocks[i];
        const char *s = b->text.data;
        size_t n = b->text.len;
        if (b->kind != B_PARA && b->kind != B_UHEADING)
            continue;
        int postal = single_line_block(b) ? seg_postal_line(s, n) : 0;
        if (postal == 2 && !(i > 0 && sg->blocks[i - 1].postal &&
                             adjacent_lines(&sg->blocks[i - 1], b)))
            postal = 0;
        if (postal) {
            b->kind = B_META;
            b->postal = 1;
            /* the lines of the address just above it ("Helse- og omsorgsdepartementet"):
             * single short lines, at most one blank line apart */
            for (size_t k = i; k > 0 && i - k < 3; k--) {
                block_t *a = &sg->blocks[k - 1];
                if (!adjacent_lines(a, &sg->blocks[k]))
                    break;
                if (a->kind == B_META)
                    continue;
                if ((a->kind != B_PARA && a->kind != B_UHEADING) || !single_line_block(a) ||
                    a->text.len > 60 || seg_ends_sentence(a->text.data, a->text.len))
                    break;
                a->kind = B_META;
                a->postal = 1;
            }
        } else if (single_line_block(b) && date_line(s, n)) {
            b->kind = B_META;
        } else if (is_boilerplate(s, n)) {
            b->kind = B_META;
        } else if (closing_line(s, n)) {
            b->kind = B_META;
            b->sig = 1;
            /* the signature: names, titles, the organisation; it ends at a sentence */
            for (size_t j = i + 1, k = 0; j < sg->nblocks && k < 6; j++, k++) {
                block_t *c = &sg->blocks[j];
                if (c->kind == B_META)
                    continue;
                if (c->kind == B_PARA && is_boilerplate(c->text.data, c->text.len)) {
                    c->kind = B_META;
                    continue;
                }
                if ((c->kind != B_PARA && c->kind != B_UHEADING) ||
                    seg_ends_sentence(c->text.data, c->text.len) ||
                    c->text.len > (single_line_block(c) ? 60u : 100u))
                    break;
                /* a heading over a paragraph: the letter goes on after the signature */
                if (j + 1 < sg->nblocks && sg->blocks[j + 1].kind == B_PARA &&
                    seg_ends_sentence(sg->blocks[j + 1].text.data, sg->blocks[j + 1].text.len) &&
                    !is_boilerplate(sg->blocks[j + 1].text.data, sg->blocks[j + 1].text.len))
                    break;
                c->kind = B_META;
                c->sig = 2;
            }
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* pass 3: passages                                                                         */

typedef struct ctx {
    hsok_segdoc_t *d;
    seg_t *sg;
    const char *respondent;
    const char *found;     /* the respondent's name as the text writes it (the letterhead) */
    const hsok_aliases_t *aliases;
    const char *q, *g, *u; /* open headings */
    int g_caps;            /* g is an all-caps heading */
    int qno, gno;
    const char *section;   /* path, kept */
    unsigned max_chars;
} ctx_t;

static const char *section_path(ctx_t *c)
{
    buf_t p = BUF_INIT;
    const char *parts[3] = { c->q, c->g, c->u };
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        if (p.len)
            buf_addstr(&p, " \xe2\x80\xba "); /* › */
        buf_addstr(&p, parts[i]);
    }
    if (p.len == 0) {
        buf_free(&p);
        return "";
    }
    return keep(c->d, buf_detach(&p, NULL));
}

static int add_passage(ctx_t *c, const char *text, size_t n, const block_t *first, size_t fo,
                       const block_t *last, size_t lo, hsok_passage_kind_t kind)
{
    hsok_segdoc_t *d = c->d;
    while (n > 0 && text[n - 1] == ' ')
        n--;
    if (n == 0)
        return 0;
    if (d->npassages == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 64;
        hsok_passage_t *p = realloc(d->passages, nc * sizeof *p);
        if (!p)
            return -1;
        d->passages = p;
        d->cap = nc;
    }
    hsok_passage_t *p = &d->passages[d->npassages];
    memset(p, 0, sizeof *p);
    p->text = keepn(d, text, n);
    if (!p->text)
        return -1;
    p->respondent = c->respondent;
    p->section = c->section;
    p->question = c->q ? c->q : "";
    p->question_no = c->qno;
    p->goal_no = c->gno;
    p->kind = kind;
    p->ordinal = (unsigned)d->npassages;
    block_src(first, fo, 0, &p->start, &p->line);
    block_src(last, lo, 1, &p->end, &p->end_line);
    if (p->end < p->start)
        p->end = p->start;
    d->npassages++;
    return 0;
}

/* byte offsets just after sentence ends in s[0..n) */
static int sentence_end_at(const char *s, size_t n, size_t i)
{
    /* s[i] is '.', '?' or '!' and s[i+1] == ' ' */
    if (i + 2 >= n || s[i + 1] != ' ')
        return 0;
    size_t cn;
    utf8proc_int32_t c = cp_at(s, n, i + 2, &cn);
    if (!(is_upper(c) || (c >= '0' && c <= '9') || c == '"' || c == 0xAB /* « */ ||
          c == '(' || c == '-'))
        return 0;
    if (s[i] == '.') {
        size_t b = i;
        while (b > 0 && s[b - 1] != ' ')
            b--;
        if (seg_in_list(abbrevs, s + b, i - b))
            return 0;
        if (i - b == 1) /* "A. Hansen", "1." */
            return 0;
    }
    return 1;
}

static int emit_long(ctx_t *c, const block_t *b, hsok_passage_kind_t kind)
{
    const char *s = b->text.data;
    size_t n = b->text.len;
    size_t max = c->max_chars;
    if (n <= max)
        return add_passage(c, s, n, b, 0, b, n, kind);
    size_t parts = (n + max - 1) / max;
    size_t target = n / parts;
    size_t start = 0;
    while (start < n) {
        size_t rest = n - start;
        if (rest <= max)
            return add_passage(c, s + start, rest, b, start, b, n, kind);
        size_t cut = 0, last_ok = 0;
        for (size_t i = start; i < start + max && i < n; i++) {
            if ((s[i] == '.' || s[i] == '?' || s[i] == '!') && sentence_end_at(s, n, i)) {
                last_ok = i + 1;
                if (i + 1 - start >= target) {
                    cut = i + 1;
                    break;
                }
            }
        }
        if (!cut)
            cut = last_ok;
        if (!cut || cut - start < max / 4) {
            /* no sentence end: cut at a space near the limit */
            cut = start + max;
            while (cut > start + max / 2 && s[cut] != ' ')
                cut--;
            if (s[cut] != ' ')
                cut = start + max;
            while (cut < n && ((unsigned char)s[cut] & 0xC0) == 0x80)
                cut++;
        }
        if (add_passage(c, s + start, cut - start, b, start, b, cut, kind) < 0)
            return -1;
        start = cut;
        while (start < n && s[start] == ' ')
            start++;
    }
    return 0;
}

/* Record the stance of block b, if it holds one: a form line, a written answer, or (from =
 * SEG_PROSE) a run of checkboxes in a paragraph or bullet that stays text. */
static int add_stance(ctx_t *c, const block_t *b, seg_stance_from_t from)
{
    hsok_segdoc_t *d = c->d;
    buf_t opts = BUF_INIT;
    size_t at = 0, alen = 0;
    int r = seg_read_stance(b->text.data, b->text.len, from, &opts, &at, &alen);
    if (r <= 0) {
        buf_free(&opts);
        return r;
    }
    const char *answer = b->text.data + at;
    if (d->nstances == d->capstances) {
        size_t nc = d->capstances ? d->capstances * 2 : 8;
        hsok_stance_t *p = realloc(d->stances, nc * sizeof *p);
        if (!p) {
            buf_free(&opts);
            return -1;
        }
        d->stances = p;
        d->capstances = nc;
    }
    hsok_stance_t *st = &d->stances[d->nstances];
    st->respondent = c->respondent;
    st->question = c->q ? c->q : "";
    st->question_no = c->qno;
    st->answer = keepn(d, answer, alen);
    st->options = keep(d, buf_detach(&opts, NULL));
    size_t src;
    block_src(b, at, 0, &src, &st->line); /* the line of the ticked box's label */
    if (!st->answer || !st->options)
        return -1;
    d->nstances++;
    return 0;
}

static int add_respondent(hsok_segdoc_t *d, const char *r)
{
    if (!*r)
        return 0;
    for (size_t i = 0; i < d->nrespondents; i++)
        if (!strcmp(d->respondents[i], r))
            return 0;
    char **p = realloc(d->respondents, (d->nrespondents + 1) * sizeof *p);
    if (!p)
        return -1;
    d->respondents = p;
    d->respondents[d->nrespondents++] = (char *)r;
    return 0;
}

/* emit passages for blocks [from, to) of one response */
/* inherit: the respondent when this part names none (a form that starts again at question 1
 * with no new letterhead or title is taken to be the same respondent's) */
/* All letters upper case: "GENERELLE MERKNADER", "INNLEDNING" (not "NHN", "GDPR") */
static int caps_heading(const char *s, size_t n)
{
    int letters = 0;
    for (size_t i = 0; i < n;) {
        size_t cn;
        utf8proc_int32_t c = cp_at(s, n, i, &cn);
        if (is_lower(c))
            return 0;
        letters += is_upper(c);
        i += cn;
    }
    return (letters >= 4 && memchr(s, ' ', n) != NULL) || letters >= 7;
}

static int emit_part(ctx_t *c, size_t from, size_t to, const char *override, const char *inherit)
{
    seg_t *sg = c->sg;
    c->found = "";
    if (override) {
        c->respondent = override;
    } else {
        char *r = resp_detect(sg->blocks, from, to);
        if (r) {
            if (!(c->found = keep(c->d, r)) ||
                !(c->respondent = keep(c->d, resp_canonical(r, c->aliases))))
                return -1;
        } else {
            c->respondent = inherit ? inherit : "";
        }
    }
    if (add_respondent(c->d, c->respondent) < 0)
        return -1;
    c->q = c->g = c->u = NULL;
    c->g_caps = 0;
    c->qno = c->gno = 0;
    c->section = "";
    for (size_t i = from; i < to; i++) {
        block_t *b = &sg->blocks[i];
        switch (b->kind) {
        case B_TITLE:
            c->q = c->g = c->u = NULL;
            c->qno = c->gno = 0;
            c->section = "";
            break;
        case B_QUESTION:
            c->q = keepn(c->d, b->text.data, b->text.len);
            c->qno = b->number;
            c->g = c->u = NULL;
            c->gno = 0;
            c->section = section_path(c);
            /* "2) Støtter dere forslaget? ☒ Ja ☐ Nei" answers itself */
            if (add_stance(c, b, SEG_PROSE) < 0)
                return -1;
            break;
        case B_HEADING:
            c->g_caps = 0;
            c->g = keepn(c->d, b->text.data, b->text.len);
            c->gno = b->goal ? b->number : 0;
            c->u = NULL;
            c->section = section_path(c);
            break;
        case B_UHEADING:
            /* the letterhead naming the respondent is not a section */
            if (!c->q && !c->g && !c->u && *c->found && b->text.len == strlen(c->found) &&
                !memcmp(b->text.data, c->found, b->text.len))
                break;
            if (caps_heading(b->text.data, b->text.len) && (!c->g || c->g_caps) && i + 1 < to &&
                (sg->blocks[i + 1].kind == B_PARA || sg->blocks[i + 1].kind == B_BULLET)) {
                /* "GENERELLE MERKNADER" over text: a heading of the document's own level
                 * (unless under a numbered heading: then a sub-heading; and "SAKSFRAMLEGG"
                 * right over another heading is a label, not a section) */
                c->g_caps = 1;
                c->g = keepn(c->d, b->text.data, b->text.len);
                c->gno = 0;
                c->u = NULL;
                c->section = section_path(c);
                break;
            }
            c->u = keepn(c->d, b->text.data, b->text.len);
            c->section = section_path(c);
            break;
        case B_CHECKBOX:
            if (add_stance(c, b, b->answer_len ? SEG_ANSWER_LINE : SEG_FORM_LINE) < 0)
                return -1;
            break;
        case B_META:
            break;
        case B_FOOTNOTE:
            if (emit_long(c, b, HSOK_PASSAGE_FOOTNOTE) < 0)
                return -1;
            break;
        case B_PARA:
            /* a letterhead too short to be a heading ("KS") is no passage either */
            if (!c->q && !c->g && !c->u && *c->found && b->text.len == strlen(c->found) &&
                !memcmp(b->text.data, c->found, b->text.len) && single_line_block(b))
                break;
            if (emit_long(c, b, HSOK_PASSAGE_PARAGRAPH) < 0 || add_stance(c, b, SEG_PROSE) < 0)
                return -1;
            break;
        case B_BULLET: {
            if (b->text.len > BULLET_SHORT) {
                if (emit_long(c, b, HSOK_PASSAGE_BULLETS) < 0 || add_stance(c, b, SEG_PROSE) < 0)
                    return -1;
                break;
            }
            /* a run of short bullets */
            size_t j = i + 1, total = b->text.len;
            while (j < to && j - i < BULLET_GROUP_MAX && sg->blocks[j].kind == B_BULLET &&
                   sg->blocks[j].text.len <= BULLET_SHORT &&
                   total + sg->blocks[j].text.len + 1 <= BULLET_GROUP_CHARS) {
                total += sg->blocks[j].text.len + 1;
                j++;
            }
            buf_t g = BUF_INIT;
            for (size_t k = i; k < j; k++) {
                if (k > i)
                    buf_addch(&g, '\n');
                buf_add(&g, sg->blocks[k].text.data, sg->blocks[k].text.len);
                if (add_stance(c, &sg->blocks[k], SEG_PROSE) < 0)
                    g.err = 1;
            }
            int rc = g.err ? -1
                           : add_passage(c, g.data, g.len, b, 0, &sg->blocks[j - 1],
                                         sg->blocks[j - 1].text.len, HSOK_PASSAGE_BULLETS);
            buf_free(&g);
            if (rc < 0)
                return -1;
            i = j - 1;
            break;
        }
        }
        if (!c->section || (b->kind == B_QUESTION && !c->q))
            return -1;
    }
    return 0;
}

/* Is there a passage's worth of text in blocks [from, to)? With short_lines 0, a short line
 * alone does not count: a letterhead ("KS") above a title is not a response of its own. */
static int has_content(const seg_t *sg, size_t from, size_t to, int short_lines)
{
    for (size_t i = from; i < to; i++) {
        const block_t *b = &sg->blocks[i];
        if (!short_lines && b->kind == B_PARA && single_line_block(b) && b->text.len <= 80 &&
            !seg_ends_sentence(b->text.data, b->text.len))
            continue;
        if (b->kind == B_PARA || b->kind == B_BULLET)
            return 1;
    }
    return 0;
}

/* footnote numbers: a line "N text" and a word ending in N elsewhere */
static void find_footnotes(seg_t *sg)
{
    const char *t = sg->t;
    for (size_t li = 0; li < sg->ntl; li++) {
        const char *s = t + sg->tl[li].start;
        size_t n = sg->tl[li].end - sg->tl[li].start, k;
        int v = number_at(s, n, &k);
        if (v < 1 || v > 99 || k >= n || !space_len(s, n, k))
            continue;
        char num[4];
        snprintf(num, sizeof num, "%d", v);
        size_t nl = strlen(num);
        /* the marker comes before its footnote, as in a PDF's reading order; after it only
         * when the footnote line is no short heading ("NIS2" after "2 Merknader" is no
         * marker) */
        int heading = seg_count_words(s, n) < 4;
        for (size_t lj = 0; lj < sg->ntl && !sg->footnotes[v]; lj++) {
            if (lj == li || (lj > li && heading))
                continue;
            const char *u = t + sg->tl[lj].start;
            size_t m = sg->tl[lj].end - sg->tl[lj].start;
            for (size_t i = 2; i + nl <= m; i++) {
                if (memcmp(u + i, num, nl))
                    continue;
                if (i + nl < m && (isdigit((unsigned char)u[i + nl]) ||
                                   !strchr(" .,;:)!?", u[i + nl])))
                    continue;
                size_t cn;
                utf8proc_int32_t c1 = cp_before(u, i, &cn);
                if (!is_letter(c1) || i < cn + 1)
                    continue;
                utf8proc_int32_t c0 = cp_before(u, i - cn, &cn);
                if (is_letter(c0)) {
                    sg->footnotes[v] = 1;
                    break;
                }
            }
        }
    }
}

hsok_status_t hsok_segment(const char *name, const char *text, size_t len,
                           const hsok_segment_opts_t *opts, hsok_segdoc_t **out, char **errmsg)
{
    *out = NULL;
    if (!name)
        name = "(text)";
    if (!text && len)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "%s: no text", name);
    hsok_segdoc_t *d = calloc(1, sizeof *d);
    if (!d)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    seg_t sg = { 0 };
    sg.name = name;
    sg.t = text ? text : "";
    sg.len = len;
    hsok_status_t st = HSOK_OK;
    if (build_lines(&sg) < 0) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    find_footnotes(&sg);
    build_blocks(&sg);
    mark_furniture(&sg);
    if (sg.oom) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < sg.nblocks; i++)
        if (sg.blocks[i].text.err) {
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            goto out;
        }

    ctx_t c = { 0 };
    c.d = d;
    c.sg = &sg;
    c.max_chars = opts && opts->max_passage_chars ? opts->max_passage_chars : DEFAULT_MAX_CHARS;
    if (c.max_chars < 200)
        c.max_chars = 200;
    c.aliases = opts ? opts->aliases : NULL;
    const char *given = opts && opts->respondent && *opts->respondent ? opts->respondent : NULL;
    const char *canon = given ? hsok_aliases_lookup(c.aliases, given, NULL) : NULL;
    const char *override = given ? keep(d, strdup(canon ? canon : given)) : NULL;
    if (opts && opts->respondent && *opts->respondent && !override) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* split into responses at title lines, and where a form restarts at question 1 */
    size_t from = 0;
    int maxq = 0, restarted = 0; /* the part at `from` began where the form restarted */
    for (size_t i = 0; i <= sg.nblocks; i++) {
        int split = 0;
        if (i < sg.nblocks && i > from) {
            const block_t *b = &sg.blocks[i];
            if (b->kind == B_TITLE && has_content(&sg, from, i, 0))
                split = 1;
            if (b->kind == B_QUESTION && b->number == 1 && maxq >= 2 &&
                has_content(&sg, from, i, 1))
                split = 2;
        }
        if (i == sg.nblocks || split) {
            const char *prev = c.respondent && *c.respondent ? c.respondent : NULL;
            if (emit_part(&c, from, i, override, restarted ? prev : NULL) < 0) {
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                goto out;
            }
            from = i;
            maxq = 0;
            restarted = split == 2;
        }
        if (i < sg.nblocks && sg.blocks[i].kind == B_QUESTION && sg.blocks[i].number > maxq)
            maxq = sg.blocks[i].number;
    }
    if (d->npassages == 0 && len > 0) {
        int any = 0;
        for (size_t i = 0; i < len; i++)
            if (!isspace((unsigned char)text[i]))
                any = 1;
        if (any && d->nstances == 0 && sg.nblocks > 0) {
            /* only headings: keep them as passages, so no text is lost */
            for (size_t i = 0; i < sg.nblocks; i++)
                if (emit_long(&c, &sg.blocks[i], HSOK_PASSAGE_PARAGRAPH) < 0) {
                    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                    goto out;
                }
        }
    }
out:
    for (size_t i = 0; i < sg.nblocks; i++)
        block_free(&sg.blocks[i]);
    free(sg.blocks);
    free(sg.tl);
    if (st != HSOK_OK) {
        hsok_segdoc_free(d);
        return st;
    }
    *out = d;
    return HSOK_OK;
}
