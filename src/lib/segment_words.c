/* segment_words.c — word and sentence helpers shared by the segmenter's stages
 * (segment_lines.c, segment_blocks.c, segment_furniture.c, segment.c, respondent.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "buf.h"
#include "hsok/segment.h"
#include "segment_internal.h"

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

const char *const seg_function_words[] = {
    "og", "i", "for", "av", "til", "med", "p\xc3\xa5", "om", "fra", "som", "at", "en", "et",
    "den", "det", "de", "eller", "samt", "ved", "etter", "mot", "under", "over", "uten",
    "mellom", "hos", "der", "og/eller", "a", "du", "eit", "ein", "til", "frå", "ikkje", NULL };

const char *const seg_abbrevs[] = { "f.eks", "bl.a", "dvs", "mv", "osv", "ca", "nr", "jf",
                                       "pkt", "evt", "ev", "kap", "mht", "iht", "vedr", "ift",
                                       "m.m", "o.l", "t.d", "m.a", "pga", "etc", "inkl", "ref",
                                       "jfr", "nb", "st", "mill", "mrd", "kr", NULL };

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
