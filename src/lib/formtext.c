/* formtext.c — the normalised text of a form's question or passage (see formtext.h). */
#include <ctype.h>
#include <string.h>

#include <utf8proc.h>

#include "formtext.h"
#include "segment_internal.h"

size_t ft_lead_label(const char *s, size_t n)
{
    size_t skip, i = 0;
    if (wf_question_at(s, n, &skip) > 0)
        return skip;
    int dash;
    if ((skip = seg_bullet_len(s, n, &dash)) > 0)
        return skip;
    if (i < n && s[i] == '(')
        i++;
    size_t d = i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i > d) {
        while (i + 1 < n && s[i] == '.' && isdigit((unsigned char)s[i + 1]))
            for (i++; i < n && isdigit((unsigned char)s[i]);)
                i++;
    } else if (i < n && s[i] >= 'a' && s[i] <= 'z' && i + 1 < n && s[i + 1] == ')') {
        i++;
    } else {
        return 0;
    }
    if (i < n && (s[i] == ')' || s[i] == '.' || s[i] == ':'))
        i++;
    else if (!(i < n && space_len(s, n, i)) || d == 0)
        return 0; /* "2024 var …" is text; "4 Innledning" a numbered heading */
    size_t k = i;
    while (k < n && space_len(s, n, k))
        k += space_len(s, n, k);
    return k > i || k == n ? k : 0;
}

size_t ft_normalise(const char *s, size_t n, buf_t *out)
{
    size_t l;
    for (int k = 0; k < 3 && (l = ft_lead_label(s, n)) > 0; k++) {
        s += l;
        n -= l;
    }
    size_t words = 0;
    int in_word = 0;
    for (size_t i = 0; i < n;) {
        size_t cn;
        utf8proc_int32_t c = cp_at(s, n, i, &cn);
        i += cn;
        utf8proc_category_t cat = c >= 0 ? utf8proc_category(c) : UTF8PROC_CATEGORY_CN;
        int alnum = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                    cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_MN;
        if (!alnum) {
            in_word = 0;
            continue;
        }
        if (!in_word) {
            if (words)
                buf_addch(out, ' ');
            words++;
            in_word = 1;
        }
        utf8proc_uint8_t tmp[4];
        utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(c), tmp);
        buf_add(out, tmp, (size_t)m);
    }
    return words;
}
