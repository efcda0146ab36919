/* segment_furniture.c — letter furniture (see segment.c): postal addresses, date lines, the
 * closing formula and the signature under it, and the "elektronisk godkjent" note become
 * B_META blocks: neither passages nor sections, but read for the respondent.
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
void seg_mark_furniture(seg_t *sg)
{
    for (size_t i = 0; i < sg->nblocks; i++) {
        block_t *b = &sg->blocks[i];
        const char *s = b->text.data;
        size_t n = b->text.len;
        if ((b->kind != B_PARA && b->kind != B_UHEADING) || b->hinted)
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
