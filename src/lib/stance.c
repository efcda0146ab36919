/* stance.c — form answers for the segmenter (see segment_internal.h): checkbox lines
 * ("☒ Ja ☐ Nei ☐ Vet ikke", "Ja ☒ Nei ☐"), checkboxes inside prose, and answers written out
 * ("Svar: Ja").
 *
 * Only a line that is nothing but checkbox options is a form line, recorded as a stance and
 * not as text. Checkboxes inside a sentence stay text (a passage keeps every word); such a
 * sentence still yields a stance when its boxes form one compact run of the usual answers.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "segment_internal.h"

#define FORM_LINE_MAX 300  /* longest form line, in bytes */
#define OPTIONS_MAX 12     /* most boxes in a form line or a run in prose */
#define LABEL_MAX 80       /* longest option label of a form line, in bytes */
#define LABEL_WORDS 5      /* most words of an option label ("Vet ikke, utdyp gjerne") */

static const char *const box_checked[] = { "\xe2\x98\x92" /* ☒ */, "\xe2\x98\x91" /* ☑ */,
                                           "\xe2\x8a\xa0" /* ⊠ */, "\xe2\x96\xa0" /* ■ */,
                                           "[x]", "[X]", NULL };
static const char *const box_empty[] = { "\xe2\x98\x90" /* ☐ */, "\xe2\x96\xa1" /* □ */,
                                         "[ ]", NULL };

/* the usual answers of a form, lower case */
static const char *const answers[] = { "ja", "nei", "vet ikke", "veit ikkje", "delvis",
                                       "usikker", NULL };

/* a checkbox or an option: s[at, at + len) */
typedef struct span {
    size_t at, len;
    int checked;
} span_t;

/* Length of a checkbox at s, 0 if none; *checked set. */
static size_t box_at(const char *s, size_t n, int *checked)
{
    if (n == 0 || (s[0] != '\xe2' && s[0] != '['))
        return 0;
    for (int c = 0; c < 2; c++) {
        const char *const *boxes = c ? box_checked : box_empty;
        for (size_t i = 0; boxes[i]; i++) {
            size_t m = strlen(boxes[i]);
            if (n >= m && !memcmp(s, boxes[i], m)) {
                *checked = c;
                return m;
            }
        }
    }
    return 0;
}

/* The checkboxes of s[0..n) into b; counting stops at max (so a result of max means "max or
 * more"). One pass over the text, however long. */
static size_t find_boxes(const char *s, size_t n, span_t *b, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max;) {
        int c;
        size_t m = box_at(s + i, n - i, &c);
        if (!m) {
            i++;
            continue;
        }
        b[k++] = (span_t){ i, m, c };
        i += m;
    }
    return k;
}

int seg_has_box(const char *s, size_t n)
{
    span_t b;
    return find_boxes(s, n, &b, 1) > 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Does a sentence end inside s[0..n) with more text after it ("Nei fullt ut. Kommunen")? */
static int sentence_inside(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if ((s[i] == '.' || s[i] == '!' || s[i] == '?' || s[i] == ':') && is_blank(s[i + 1]))
            return 1;
    return 0;
}

/* The option a form line's label s[from, to) stands for: trimmed, cut at its first comma
 * ("Ja, utdyp gjerne" is "Ja"). 0 if the text is no label: empty, too long, or a sentence. */
static int form_label(const char *s, size_t from, size_t to, span_t *o)
{
    while (from < to && is_blank(s[from]))
        from++;
    while (to > from && is_blank(s[to - 1]))
        to--;
    size_t n = to - from;
    if (n == 0 || n > LABEL_MAX || seg_count_words(s + from, n) > LABEL_WORDS ||
        sentence_inside(s + from, n))
        return 0;
    const char *comma = memchr(s + from, ',', n);
    size_t e = comma ? (size_t)(comma - s) : to;
    while (e > from && is_blank(s[e - 1]))
        e--;
    if (e == from)
        return 0;
    o->at = from;
    o->len = e - from;
    return 1;
}

/* The options of a form line into o (OPTIONS_MAX of room): how many, or 0 if s[0..n) is not
 * a form line. Boxes come first ("☒ Ja ☐ Nei": a label follows its box) or last ("Ja ☒ Nei
 * ☐": a label comes before its box); a line that starts and ends with a box is neither. */
static size_t form_options(const char *s, size_t n, span_t *o)
{
    span_t b[OPTIONS_MAX + 1];
    if (n > FORM_LINE_MAX)
        return 0;
    size_t nb = find_boxes(s, n, b, OPTIONS_MAX + 1);
    if (nb < 2 || nb > OPTIONS_MAX)
        return 0;
    int box_first = b[0].at == 0, label_first = b[nb - 1].at + b[nb - 1].len == n;
    if (box_first == label_first)
        return 0;
    for (size_t i = 0; i < nb; i++) {
        size_t from = box_first ? b[i].at + b[i].len : i ? b[i - 1].at + b[i - 1].len : 0;
        size_t to = box_first ? (i + 1 < nb ? b[i + 1].at : n) : b[i].at;
        if (!form_label(s, from, to, &o[i]))
            return 0;
        o[i].checked = b[i].checked;
    }
    return nb;
}

int seg_form_line(const char *s, size_t n)
{
    span_t o[OPTIONS_MAX];
    return form_options(s, n, o) > 0;
}

/* Length of the usual answer that s[0..n) starts with, as a whole word; 0 if none. */
static size_t answer_at(const char *s, size_t n)
{
    for (size_t i = 0; answers[i]; i++) {
        size_t m = strlen(answers[i]);
        int c;
        if (n >= m && !strncasecmp(s, answers[i], m) &&
            (m == n || (!isalnum((unsigned char)s[m]) && (unsigned char)s[m] < 0x80) ||
             box_at(s + m, n - m, &c)))
            return m;
    }
    return 0;
}

size_t seg_usual_answer(const char *s, size_t n)
{
    return answer_at(s, n);
}

size_t seg_answer_line(const char *s, size_t n, size_t *at)
{
    if (n < 4 || strncasecmp(s, "svar", 4))
        return 0;
    size_t a = 4;
    while (a < n && s[a] == ' ')
        a++;
    if (a >= n || s[a] != ':')
        return 0;
    a++;
    while (a < n && s[a] == ' ')
        a++;
    size_t e = n;
    while (e > a && (s[e - 1] == '.' || s[e - 1] == ' '))
        e--;
    if (e == a || answer_at(s + a, e - a) != e - a)
        return 0;
    *at = a;
    return e - a;
}

/* The options of a run of checkboxes in prose into o (OPTIONS_MAX of room): every box in the
 * text is followed by one of the usual answers, and the boxes follow one another with
 * nothing but the answers (and a comma) between them: "forslaget ☒ Ja ☐ Nei fullt ut".
 * Returns how many, or 0. */
static size_t prose_options(const char *s, size_t n, span_t *o)
{
    span_t b[OPTIONS_MAX + 1];
    size_t nb = find_boxes(s, n, b, OPTIONS_MAX + 1);
    if (nb < 2 || nb > OPTIONS_MAX)
        return 0;
    for (size_t i = 0; i < nb; i++) {
        size_t a = b[i].at + b[i].len;
        while (a < n && is_blank(s[a]))
            a++;
        size_t m = answer_at(s + a, n - a);
        if (!m)
            return 0;
        o[i] = (span_t){ a, m, b[i].checked };
        size_t e = a + m;
        if (e < n && s[e] == ',')
            e++;
        while (e < n && is_blank(s[e]))
            e++;
        if (i + 1 < nb && e != b[i + 1].at)
            return 0;
    }
    return nb;
}

int seg_read_stance(const char *s, size_t n, seg_stance_from_t from, buf_t *options,
                    size_t *ans_at, size_t *ans_len)
{
    *ans_at = *ans_len = 0;
    if (from == SEG_ANSWER_LINE) {
        size_t at, len = seg_answer_line(s, n, &at);
        if (!len)
            return 0;
        /* the usual options, and the answer when it is not one of them */
        buf_addstr(options, "Ja|Nei|Vet ikke");
        if (!(len == 2 && !strncasecmp(s + at, "ja", 2)) &&
            !(len == 3 && !strncasecmp(s + at, "nei", 3)) &&
            !(len == 8 && !strncasecmp(s + at, "vet ikke", 8))) {
            buf_addch(options, '|');
            buf_add(options, s + at, len);
        }
        *ans_at = at;
        *ans_len = len;
        return options->err ? -1 : 1;
    }
    span_t o[OPTIONS_MAX];
    size_t k = from == SEG_FORM_LINE ? form_options(s, n, o) : prose_options(s, n, o);
    int checked = 0;
    for (size_t i = 0; i < k; i++)
        checked |= o[i].checked;
    if (k == 0 || (from == SEG_PROSE && !checked))
        return 0; /* prose with boxes but none ticked says nothing */
    for (size_t i = 0; i < k; i++) {
        if (i)
            buf_addch(options, '|');
        buf_add(options, s + o[i].at, o[i].len);
        if (o[i].checked && !*ans_len) {
            *ans_at = o[i].at;
            *ans_len = o[i].len;
        }
    }
    return options->err ? -1 : 1;
}
