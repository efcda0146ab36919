/* segment_blocks.c — pass 2 of the segmenter (see segment.c): text lines become blocks
 * (paragraph, bullet, numbered question, heading, unnumbered heading, title, checkbox or
 * answer line, footnote, header field). Lines are classified here (bullets, "2) Har dere …?",
 * "Mål 3: …", "1 Innledning", footnote lines) and joined: hyphenated words are rejoined and
 * footnote markers dropped, with a map from each block's text back to source offsets.
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

#define HEADING_MAX 120      /* longest numbered heading that is not a question */
#define UHEADING_MAX 70      /* longest unnumbered heading */
#define UHEADING_WORDS 8

void seg_block_free(block_t *b)
{
    buf_free(&b->text);
    free(b->pieces);
}

block_t *seg_new_block(seg_t *s, enum bkind kind)
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
void seg_block_src(const block_t *b, size_t out, int is_end, size_t *src, unsigned *no)
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
size_t seg_bullet_len(const char *s, size_t n, int *dash)
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
int seg_question_at(const char *s, size_t n, size_t *skip)
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

static const char *const conj_after_hyphen[] = { "og", "eller", "samt", "enn", "men", "m.m.",
                                                 NULL };


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
    size_t m = seg_bullet_len(s, n, &dash);
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
/* "a) …", "(b) …": an item of a lettered list */
static int letter_item(const char *s, size_t n)
{
    size_t i = n > 0 && s[0] == '(' ? 1 : 0;
    return n > i + 3 && s[i] >= 'a' && s[i] <= 'z' && s[i + 1] == ')' && s[i + 2] == ' ';
}

/* After a web form's "Spørsmål 4" alone: is the text line li its question's text, past a
 * blank line? It is when it asks ("…?") or when an answer or comment label follows it; not
 * when it is a label itself. */
static int wf_question_text_ahead(const seg_t *sg, size_t li)
{
    const char *s = sg->t + sg->tl[li].start;
    size_t n = sg->tl[li].end - sg->tl[li].start, skip, al;
    if (wf_question_at(s, n, &skip) > 0 || wf_answer_label(s, n, &al) || wf_comment_label(s, n) ||
        seg_answer_line(s, n, &skip) || seg_form_line(s, n))
        return 0;
    if (n > 0 && s[n - 1] == '?')
        return 1;
    if (li + 1 >= sg->ntl)
        return 0;
    const char *u = sg->t + sg->tl[li + 1].start;
    size_t m = sg->tl[li + 1].end - sg->tl[li + 1].start;
    return wf_answer_label(u, m, &al) || wf_comment_label(u, m) || seg_answer_line(u, m, &skip) ||
           seg_form_line(u, m);
}

/* The block kind of text line li, which the reader hinted: a heading is a numbered question
 * when it asks one ("2) Har dere …?", "Spørsmål 2: …?"; *qn its number), a title when it
 * is one ("Høringssvar fra X"), else a heading
 * (*hnum, *hgoal as for "Mål 3: …", "1 Innledning"); a list item is a question when it
 * asks one as a numbered question does, else a bullet (*bm the length
 * of its bullet mark, which goes; "1." or "a)" stays); a table row is a paragraph of its own,
 * or a stance when its last cell is a checkbox line (*bm the offset of that cell). */
static enum bkind hinted_kind(seg_t *sg, size_t li, int *qn, int *hnum, int *hgoal, size_t *bm)
{
    const tline_t *L = &sg->tl[li];
    const char *s = sg->t + L->start;
    size_t n = L->end - L->start, skip;
    int dash, style;
    *bm = 0;
    if (L->hint == HSOK_HINT_LIST_ITEM) {
        /* a numbered item that asks is a question ("1) Kan dere …?"), as in text */
        if ((*qn = seg_question_at(s, n, &skip)) >= 0 && question_ends_ahead(sg, li))
            return B_QUESTION;
        *qn = -1;
        *bm = seg_bullet_len(s, n, &dash);
        return B_BULLET;
    }
    if (L->hint == HSOK_HINT_TABLE_ROW) {
        /* "Støtter dere forslaget? | ☒ Ja ☐ Nei": the answer cell is the stance */
        size_t cell = 0;
        for (size_t i = 0; i + 3 <= n; i++)
            if (!memcmp(s + i, " | ", 3))
                cell = i + 3;
        if (seg_form_line(s + cell, n - cell)) {
            *bm = cell;
            return B_CHECKBOX;
        }
        return B_PARA;
    }
    if (memchr(s, '?', n) &&
        ((*qn = wf_question_at(s, n, &skip)) > 0 || (*qn = seg_question_at(s, n, &skip)) > 0))
        return B_QUESTION;
    if (n <= 200 && seg_title_at(s, n) && !seg_ends_sentence(s, n))
        return B_TITLE; /* "Høringssvar fra X": names the respondent, starts a response */
    *qn = -1;
    *hnum = 0;
    *hgoal = 0;
    if (!keyword_heading(s, n, hnum, hgoal)) {
        int pn = plain_heading(s, n, 1, &style);
        *hnum = pn > 0 ? pn : 0;
        *hgoal = 0;
    }
    return B_HEADING;
}

void seg_build_blocks(seg_t *sg)
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
        if (hard && cur && !cur->closed && !cur->hinted && cur->kind != B_CHECKBOX &&
            cur->kind != B_META && is_lower(first) &&
            !seg_ends_sentence(cur->text.data, cur->text.len))
            hard = 0;
        /* "Spørsmål 4" alone, then its text after a blank line */
        if (hard && cur && cur->label_only && wf_question_text_ahead(sg, li))
            hard = 0;

        int checked;
        (void)checked;
        size_t skip = 0, bm = 0;
        int qn = -1, fnn = -1, hnum = 0, hgoal = 0, pn = -1, pstyle = 0;
        enum bkind kind = B_PARA;
        int starts = 0;
        size_t ans_at = 0, ans_len = 0;
        size_t wf_text = 0; /* a web form's label line: the offset of the text after it */
        /* the current paragraph's sentence goes on into this line */
        int runs_on = cur && cur->kind == B_PARA && !cur->closed && !hard &&
                      !seg_ends_sentence(cur->text.data, cur->text.len);
        if (L->hint) {
            /* what the reader knows: no guessing (a checkbox line in a table stays a stance) */
            hard = 1;
            starts = 1;
            kind = hinted_kind(sg, li, &qn, &hnum, &hgoal, &bm);
        } else if (seg_form_line(s, n)) {
            kind = B_CHECKBOX;
            starts = 1;
        } else if ((ans_len = seg_answer_line(s, n, &ans_at)) > 0) {
            kind = B_CHECKBOX;
            starts = 1;
        } else if ((qn = wf_question_at(s, n, &skip)) > 0) {
            /* a web form's question, whatever its text ends with: it closes the one before */
            kind = B_QUESTION;
            wf_text = skip;
            starts = 1;
        } else if ((wf_text = wf_answer_label(s, n, &ans_len)) > 0 ||
                   (wf_text = wf_comment_label(s, n)) > 0) {
            /* "Svar: Ja, fordi …", "Kommentar: …": the answer is a stance, the label goes,
             * the text after it is a paragraph; an empty "Kommentar:" gives nothing */
            kind = ans_len ? B_CHECKBOX : B_PARA;
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
        } else if ((qn = seg_question_at(s, n, &skip)) >= 0) {
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

        if (!starts && cur && cur->label_only && !hard) {
            join_line(sg, cur, L->start, L->end, L->no);
            cur->label_only = 0;
            close_heading_if_done(cur);
            continue;
        }
        if (!starts && cur && !cur->closed && !hard && cur->kind != B_CHECKBOX &&
            cur->kind != B_META) {
            /* an unnumbered heading: a short first line followed by a capitalised line */
            if (cur->kind == B_PARA && !cur->hinted && cur->npieces > 0 && cur->pieces[0].no == cur->pieces[cur->npieces - 1].no &&
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
        if (cur && cur->kind == B_PARA && !cur->hinted && cur->npieces > 0 &&
            cur->pieces[0].no == cur->pieces[cur->npieces - 1].no &&
            short_heading_line(cur->text.data, cur->text.len))
            cur->kind = B_UHEADING;

        if (wf_text && kind != B_QUESTION) {
            size_t rest = wf_text;
            if (kind == B_CHECKBOX) {
                /* "Svar: Ja" as a block of its own, then what follows the answer */
                cur = seg_new_block(sg, B_CHECKBOX);
                if (!cur)
                    return;
                cur->answer_len = ans_len;
                cur->closed = 1;
                append_content(sg, cur, L->start, L->start + wf_text + ans_len, L->no);
                rest = wf_after_answer(s, n, wf_text + ans_len);
            }
            if (rest >= n) {
                /* nothing after the label: the next line starts a block of its own */
                if (kind != B_CHECKBOX)
                    cur = NULL;
                continue;
            }
            cur = seg_new_block(sg, B_PARA);
            if (!cur)
                return;
            append_content(sg, cur, L->start + rest, L->end, L->no);
            continue;
        }
        cur = seg_new_block(sg, kind);
        if (!cur)
            return;
        if (kind == B_QUESTION)
            cur->number = qn;
        if (kind == B_QUESTION && wf_text) {
            cur->label_only = wf_text >= n;
            append_content(sg, cur, L->start, L->end, L->no);
            /* a web form's question ends where its sentence does */
            if (!cur->label_only && seg_ends_sentence(cur->text.data, cur->text.len))
                cur->closed = 1;
            continue;
        }
        if (kind == B_HEADING) {
            cur->number = hnum;
            cur->goal = hgoal;
        }
        if (L->hint) {
            cur->hinted = 1;
            cur->level = L->hint == HSOK_HINT_HEADING ? (L->level ? L->level : 1) : 0;
            /* a heading or a table row takes no further line; a list item takes its own */
            cur->closed = L->hint != HSOK_HINT_LIST_ITEM;
        }
        if (kind == B_FOOTNOTE)
            cur->number = fnn;
        cur->answer_len = ans_len;
        size_t from = L->start + (kind == B_BULLET || L->hint ? bm : kind == B_FOOTNOTE ? skip : 0);
        append_content(sg, cur, from, L->end, L->no);
        if (kind == B_CHECKBOX || kind == B_META)
            cur->closed = 1;
        close_heading_if_done(cur);
    }
    if (cur && cur->kind == B_PARA && !cur->hinted && cur->npieces > 0 &&
        cur->pieces[0].no == cur->pieces[cur->npieces - 1].no &&
        short_heading_line(cur->text.data, cur->text.len) && sg->nblocks > 1)
        cur->kind = B_UHEADING;
}

/* footnote numbers: a line "N text" and a word ending in N elsewhere */
void seg_find_footnotes(seg_t *sg)
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
