/* webform.c — the lines of web-form exports for the segmenter (see segment_internal.h):
 * question labels ("Spørsmål 4: Støtter dere …?", "Spørsmål 4", "Spm. 4"), written answers
 * ("Svar: Ja", "Svar: Ja, fordi …", "Svar: <free text>") and comment labels ("Kommentar:",
 * "Kommentar til spørsmål 3:", "Begrunnelse:", "Utdyp:", "Merknad:", nynorsk "Grunngiving:",
 * "Utdjup:").
 *
 * A question label is a question heading whatever its text ends with: a new one closes the one
 * before (they never nest). A label is not the respondent's text: it is cut off, and the text
 * after it is a passage under the open question; a label with nothing after it (an empty
 * "Kommentar:") gives no passage.
 */
#include <ctype.h>
#include <string.h>

#include "segment_internal.h"

#define LABEL_TAIL_MAX 60 /* longest "til spørsmål 3" between a label word and its colon */

/* question labels, lower case */
static const char *const question_words[] = { "sp\xc3\xb8rsm\xc3\xa5l", "spm.", "spm", NULL };

/* comment labels, lower case; "eventuelle kommentarer" and the like by their last word */
static const char *const comment_words[] = {
    "kommentar", "kommentarer", "begrunnelse", "begrunnelser", "utdyp", "utdyping",
    "utdypning", "merknad", "merknader", "fritekst", "tilleggskommentar",
    /* nynorsk */
    "grunngiving", "grunngjeving", "utdjup", "utdjuping", "merknadar", NULL };

static const char *const comment_modifiers[] = {
    "eventuelle", "eventuell", "eventuelt", "evt.", "ev.", "andre", "\xc3\xb8vrige", "generelle",
    "utfyllende", "ytterligere", NULL };

/* The lower-cased word at s (up to a space, ':' or the end) in low: its length in s. */
static size_t word_at(const char *s, size_t n, char *low, size_t cap)
{
    size_t e = 0;
    while (e < n && s[e] != ' ' && s[e] != ':' && s[e] != '\t')
        e++;
    if (e >= cap) {
        low[0] = '\0';
        return e;
    }
    seg_lower_word(s, e, low, cap);
    return e;
}

static int word_in(const char *low, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(low, list[i]))
            return 1;
    return 0;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
    while (i < n && space_len(s, n, i))
        i += space_len(s, n, i);
    return i;
}

/* After a label word at s[i]: an optional tail ("til spørsmål 3", "for svaret") and the colon.
 * The offset of the text after the colon and its spaces, or 0 if there is no colon. */
static size_t label_colon(const char *s, size_t n, size_t i)
{
    i = skip_spaces(s, n, i);
    if (i < n && s[i] == ':')
        return skip_spaces(s, n, i + 1);
    static const char *const tails[] = { "til ", "for ", "p\xc3\xa5 ", "om ", NULL };
    int tail = 0;
    for (size_t k = 0; tails[k] && !tail; k++)
        tail = starts_with_ci(s + i, n - i, tails[k]);
    if (!tail)
        return 0;
    for (size_t k = i; k < n && k - i <= LABEL_TAIL_MAX; k++) {
        if (s[k] == ':')
            return skip_spaces(s, n, k + 1);
        if (s[k] == '.' && (k + 1 == n || s[k + 1] == ' ') && !(k > i && isdigit((unsigned char)s[k - 1])))
            return 0; /* a sentence, not a label */
        if (s[k] == '?' || s[k] == '!')
            return 0;
    }
    return 0;
}

int wf_question_at(const char *s, size_t n, size_t *skip)
{
    char low[16];
    size_t w = word_at(s, n, low, sizeof low);
    if (!low[0] || !word_in(low, question_words) || !is_upper(cp_at(s, n, 0, &(size_t){ 0 })))
        return -1;
    size_t i = skip_spaces(s, n, w);
    if (starts_with_ci(s + i, n - i, "nr."))
        i = skip_spaces(s, n, i + 3);
    size_t d = i;
    int v = 0;
    while (i < n && i - d < 3 && isdigit((unsigned char)s[i]))
        v = v * 10 + (s[i++] - '0');
    if (i == d || (i < n && isdigit((unsigned char)s[i])) || v < 1)
        return -1; /* question_no 0 means "no question" */
    /* "4.1" is a section number, "Spørsmål 3 i høringsnotatet" a sentence */
    if (i + 1 < n && s[i] == '.' && isdigit((unsigned char)s[i + 1]))
        return -1;
    if (i < n && (s[i] == ':' || s[i] == ')' || s[i] == '.')) {
        i++;
    } else if (i < n) {
        /* "Spørsmål 4 – Støtter …", "Spørsmål 4 Støtter …"; not "Spørsmål 3 i notatet" */
        size_t j = skip_spaces(s, n, i), cn;
        if (j == i)
            return -1;
        if (j < n && s[j] == '-')
            i = j + 1;
        else if (starts_with_ci(s + j, n - j, "\xe2\x80\x93") ||
                 starts_with_ci(s + j, n - j, "\xe2\x80\x94"))
            i = j + 3;
        else if (j < n && (is_upper(cp_at(s, n, j, &cn)) || s[j] == '"' ||
                           starts_with_ci(s + j, n - j, "\xe2\x80\x9c") ||
                           starts_with_ci(s + j, n - j, "\xc2\xab")))
            i = j; /* a capital or an opening quote: the question's text */
        else
            return -1;
    }
    *skip = skip_spaces(s, n, i);
    return v;
}

size_t wf_comment_label(const char *s, size_t n)
{
    char low[40];
    size_t cn;
    if (n == 0 || !is_upper(cp_at(s, n, 0, &cn)))
        return 0;
    size_t w = word_at(s, n, low, sizeof low);
    if (low[0] && word_in(low, comment_modifiers)) {
        size_t i = skip_spaces(s, n, w);
        w = i + word_at(s + i, n - i, low, sizeof low);
    }
    if (!low[0] || !word_in(low, comment_words))
        return 0;
    return label_colon(s, n, w);
}

size_t wf_answer_label(const char *s, size_t n, size_t *ans_len)
{
    *ans_len = 0;
    char low[8];
    size_t cn;
    /* "Svar: ☒ Ja ☐ Nei …" is read by stance.c, and its text kept */
    if (n < 5 || !is_upper(cp_at(s, n, 0, &cn)) || seg_has_box(s, n))
        return 0;
    size_t w = word_at(s, n, low, sizeof low);
    if (strcmp(low, "svar"))
        return 0;
    size_t at = label_colon(s, n, w);
    if (!at)
        return 0;
    size_t m = seg_usual_answer(s + at, n - at);
    if (m) {
        /* "Ja", "Ja.", "Ja, fordi …", "Nei – vi mener …": the answer ends at punctuation */
        size_t e = at + m;
        if (e == n || s[e] == ',' || s[e] == '.' || s[e] == ';' || s[e] == ' ' || s[e] == '!')
            *ans_len = m;
    }
    return at;
}

size_t wf_after_answer(const char *s, size_t n, size_t at)
{
    while (at < n) {
        if (strchr(",.;:!-", s[at]))
            at++;
        else if (starts_with_ci(s + at, n - at, "\xe2\x80\x93") ||
                 starts_with_ci(s + at, n - at, "\xe2\x80\x94"))
            at += 3;
        else if (space_len(s, n, at))
            at += space_len(s, n, at);
        else
            break;
    }
    return at;
}
