/* evidence.c — where a tag's evidence is in a passage's text: the stretches that `hsok tag`,
 * a theme's passage list, Markdown (bold) and HTML (<mark>) exports highlight. One rule for
 * all of them: the word forms as written, case-sensitive, whole words (a form that starts or
 * ends with a letter or digit needs a word boundary there, by Unicode category), leftmost and
 * then longest, never overlapping, every occurrence (no cap). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "hsok/text.h"
#include "hsok/themes.h"

/* Whether code point c is part of a word: a letter, a mark or a number. */
static int is_word_cp(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    switch (utf8proc_category((utf8proc_int32_t)c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

/* Whether the code point that ends just before s[i] is a word character. */
static int word_before(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    size_t k = i - 1, back = 0;
    while (k > 0 && back < 3 && ((unsigned char)s[k] & 0xc0) == 0x80) {
        k--;
        back++;
    }
    uint32_t cp;
    size_t n = hsok_utf8_next(s + k, i - k, &cp);
    return n == i - k && is_word_cp(cp);
}

/* Whether the code point that starts at s[i] (s is len bytes) is a word character. */
static int word_at(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    uint32_t cp;
    return hsok_utf8_next(s + i, len - i, &cp) != 0 && is_word_cp(cp);
}

static int by_length_desc(const void *a, const void *b)
{
    size_t la = strlen(*(const char *const *)a), lb = strlen(*(const char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

hsok_status_t hsok_evidence_spans(const char *text, const hsok_tag_t *tags, size_t ntags,
                                  hsok_span_t **spans, size_t *nspans)
{
    *spans = NULL;
    *nspans = 0;
    size_t nall = 0;
    for (size_t t = 0; t < ntags; t++)
        nall += tags[t].nevidence;
    if (text == NULL || nall == 0)
        return HSOK_OK;
    const char **words = malloc(nall * sizeof *words);
    if (words == NULL)
        return HSOK_ERR_NOMEM;
    size_t nw = 0;
    for (size_t t = 0; t < ntags; t++)
        for (size_t i = 0; i < tags[t].nevidence; i++)
            if (tags[t].evidence[i] != NULL && tags[t].evidence[i][0] != '\0')
                words[nw++] = tags[t].evidence[i];
    qsort(words, nw, sizeof *words, by_length_desc);

    size_t len = strlen(text), cap = 0, n = 0;
    hsok_span_t *out = NULL;
    size_t i = 0;
    int prev_word = 0;
    while (i < len) {
        size_t step = 1;
        uint32_t cp;
        size_t k = hsok_utf8_next(text + i, len - i, &cp);
        int here_word = k != 0 && is_word_cp(cp);
        if (k != 0)
            step = k;
        if (!prev_word) {
            for (size_t w = 0; w < nw; w++) {
                size_t wl = strlen(words[w]);
                if (wl > len - i || memcmp(text + i, words[w], wl) != 0)
                    continue;
                /* A form that starts or ends with a word character needs a boundary there. */
                if (word_at(text, len, i + wl) && word_before(text, i + wl))
                    continue;
                if (n == cap) {
                    cap = cap ? 2 * cap : 8;
                    hsok_span_t *grown = realloc(out, cap * sizeof *out);
                    if (grown == NULL) {
                        free(out);
                        free(words);
                        return HSOK_ERR_NOMEM;
                    }
                    out = grown;
                }
                out[n++] = (hsok_span_t){i, i + wl};
                step = wl;
                here_word = word_before(text, i + wl);
                break;
            }
        }
        prev_word = here_word;
        i += step;
    }
    free(words);
    *spans = out;
    *nspans = n;
    return HSOK_OK;
}
