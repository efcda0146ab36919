/* respondent.c — who wrote a response: the organisation on the letterhead, in a title
 * ("Høringssvar fra X", "Høyringssvar frå X – …"), in "X mener/støtter …" sentences, under
 * the closing, or in header fields ("Fra:", "Avsender:"). Reads the blocks segment.c made. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "hsok/text.h"
#include "segment_internal.h"

typedef struct cand {
    char *name;
    int verbs;
    int strong;
    int letterhead;
    int signer; /* a person's name under the closing: the respondent when nobody else is */
    int order;
} cand_t;

typedef struct cands {
    cand_t *v;
    size_t n, cap;
    int oom;
} cands_t;

static cand_t *cand_get(cands_t *c, const char *s, size_t n)
{
    for (size_t i = 0; i < c->n; i++)
        if (strlen(c->v[i].name) == n && !memcmp(c->v[i].name, s, n))
            return &c->v[i];
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        cand_t *p = realloc(c->v, nc * sizeof *p);
        if (!p) {
            c->oom = 1;
            return NULL;
        }
        c->v = p;
        c->cap = nc;
    }
    char *name = hsok_strndup(s, n);
    if (!name) {
        c->oom = 1;
        return NULL;
    }
    c->v[c->n] = (cand_t){ .name = name, .order = (int)c->n };
    return &c->v[c->n++];
}

static void cands_free(cands_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].name);
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* words that start sentences but never organisation names */
static const char *const not_name[] = {
    "det", "dette", "den", "denne", "de", "dei", "disse", "desse", "vi", "me", "vår", "våre",
    "vårt", "i", "en", "et", "ein", "eit", "som", "her", "når", "for", "og", "men", "med", "på",
    "til", "fra", "frå", "om", "at", "alle", "mange", "flere", "fleire", "noen", "nokre",
    "hvis", "dersom", "slik", "derfor", "difor", "også", "samtidig", "videre", "vidare", "han",
    "hun", "ho", "man", "jeg", "eg", "du", "dere", "de", "hvordan", "korleis", "hva", "kva",
    "hvor", "kor", "hvorfor", "kvifor", "ved", "etter", "under", "over", "innen", "uten",
    "mellom", "både", "enten", "ikke", "ikkje", "kun", "bare", "berre", "ny", "nye",
    "strategien", "forslaget", "utkastet", "departementet", "direktoratet", "regjeringen",
    "høringsnotatet", "meldingen", "dokumentet", "rapporten", "utvalget", "kommunene",
    "kommunen", "helsepersonell", "pasienter", "brukere", "innbyggere", NULL };

/* organisation words: a name containing one is very likely the writer */
static const char *const org_words[] = {
    "kommune", "fylkeskommune", "fylke", "rhf", "hf", "helseforetak", "sykehus", "sykehuset",
    "universitet", "universitetet", "høgskole", "høgskolen", "direktoratet", "direktorat",
    "departementet", "tilsynet", "forening", "foreningen", "forbund", "forbundet", "as", "asa",
    "sa", "iks", "ks", "rådet", "ombudet", "etaten", "senter", "senteret", "stiftelse",
    "stiftelsen", "institutt", "instituttet", "helsenett", "organisasjon", "nettverk",
    "kommunesektorens", "statsforvalteren", "fylkesmannen", "helse", "nav", "lo", "nho",
    "unio", "ys", "akademikerne", "sintef", "ehelse", NULL };

static const char *const verbs[] = {
    "takker", "takkar", "støtter", "støttar", "stiller seg", "mener", "meiner", "synes",
    "ønsker", "ønskjer", "foreslår", "føreslår", "anbefaler", "tilrår", "savner", "saknar",
    "viser til", "er enig", "er samd", "er uenig", "er usamd", "er positiv", "er positive",
    "er kritisk", "er kritiske", "er av den oppfatning", "er opptatt", "er oppteken",
    "er bekymret", "er glad", "er fornøyd", "vil trekke", "vil understreke", "vil påpeke",
    "vil peike", "vil peke", "vil bidra", "vil også", "vil gjerne", "ber om", "opplever",
    "deler", "slutter seg", "har følgende", "har ingen", "har merknader", "har noen",
    "har vurdert", "bidrar gjerne", "bidreg", "registrerer", "merker seg", "understreker",
    "påpeker", "peker på", "erfarer", "skal bidra", "kan stille", "gir sin", "etterlyser",
    "imøteser", "avgir", "uttaler", "legger til grunn", "har lest", "har gått gjennom",
    "er godt fornøyd", "stiller", "går inn for", "anser", "vurderer", "ser positivt",
    "ser behov", "ser det", NULL };



static int word_in(const char *const *list, const char *s, size_t n)
{
    char low[64];
    size_t l = seg_lower_word(s, n, low, sizeof low);
    return seg_in_list(list, low, l);
}

typedef struct word {
    size_t a, b;  /* bytes of the word without trailing punctuation */
    int punct;    /* trailing punctuation followed */
} word_t;

/* Does the text at word index k start a stance verb phrase? */
static int verb_at(const char *s, const word_t *w, size_t nw, size_t k)
{
    for (size_t v = 0; verbs[v]; v++) {
        const char *p = verbs[v];
        size_t j = k;
        int ok = 1;
        while (*p) {
            const char *sp = strchr(p, ' ');
            size_t pl = sp ? (size_t)(sp - p) : strlen(p);
            if (j >= nw) {
                ok = 0;
                break;
            }
            char low[64];
            size_t l = seg_lower_word(s + w[j].a, w[j].b - w[j].a, low, sizeof low);
            if (l != pl || memcmp(low, p, pl)) {
                ok = 0;
                break;
            }
            j++;
            p += pl;
            if (*p == ' ')
                p++;
        }
        if (ok)
            return 1;
    }
    return 0;
}


/* Find "NAME verb" at sentence starts in s[0..n) and record candidates. */
static void scan_candidates(cands_t *cs, const char *s, size_t n)
{
    word_t w[2048];
    size_t nw = 0;
    for (size_t i = 0; i < n && nw < 2048;) {
        while (i < n && s[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t a = i;
        while (i < n && s[i] != ' ' && s[i] != '\n')
            i++;
        size_t b = i;
        int punct = 0;
        while (b > a && strchr(".,;:!?()\"'", s[b - 1])) {
            punct = 1;
            b--;
        }
        size_t a2 = a;
        while (a2 < b && strchr("(\"'", s[a2]))
            a2++;
        w[nw++] = (word_t){ a2, b, punct };
        if (i < n && s[i] == '\n') {
            w[nw - 1].punct = 1;
            i++;
        }
    }
    int sentence_start = 1;
    for (size_t k = 0; k < nw; k++) {
        size_t wl = w[k].b - w[k].a;
        if (wl == 0) {
            sentence_start = w[k].punct;
            continue;
        }
        if (sentence_start && seg_cap_word(s + w[k].a, wl) && !word_in(not_name, s + w[k].a, wl)) {
            /* NAME: up to 5 words: capitalised or all-caps, or lower-case words after the first,
             * or "for/i/og/på" between name words */
            for (size_t len = 1; len <= 5 && k + len < nw; len++) {
                const word_t *last = &w[k + len - 1];
                if (len > 1) {
                    const char *lw = s + last->a;
                    size_t ll = last->b - last->a;
                    if (ll == 0)
                        break;
                    static const char *const joiners[] = { "for", "i", "og", "på", NULL };
                    int ok = seg_cap_word(lw, ll) || word_in(org_words, lw, ll) ||
                             (len == 2 && !word_in(seg_function_words, lw, ll)) ||
                             (word_in(joiners, lw, ll) && k + len < nw);
                    if (!ok || word_in(verbs, lw, ll))
                        break;
                }
                if (w[k + len - 1].punct)
                    break;
                if (verb_at(s, w, nw, k + len)) {
                    /* a name does not end in a joiner */
                    static const char *const joiners[] = { "for", "i", "og", "på", NULL };
                    if (word_in(joiners, s + last->a, last->b - last->a))
                        continue;
                    cand_t *c = cand_get(cs, s + w[k].a, w[k + len - 1].b - w[k].a);
                    if (c)
                        c->verbs++;
                    break;
                }
            }
        }
        sentence_start = w[k].punct && (s[w[k].b] == '.' || s[w[k].b] == '?' || s[w[k].b] == '!' ||
                                         s[w[k].b] == ':' || (w[k].b < n && s[w[k].b] == '\n'));
        if (wl == 1 && (s[w[k].a] == '-' || (unsigned char)s[w[k].a] == 0xE2))
            sentence_start = 1;
    }
}

/* "Høringssvar fra X", "Fra: X", "Avsender: X": strong evidence */
static void scan_from(cands_t *cs, const char *s, size_t n)
{
    static const char *const labels[] = { "fra:", "avsender:", "innsender:", "organisasjon:",
                                          "høringsinstans:", "navn på organisasjon:",
                                          "virksomhet:", "frå:", "navn:", "namn:",
                                          "innsendt av:", NULL };
    /* "Emne: Høringssvar fra X", "Subject: …": the subject read as a title */
    static const char *const subjects[] = { "emne:", "subject:", "sak:", "vedr.:", "vedr:",
                                            "vedrørende:", NULL };
    for (size_t i = 0; subjects[i]; i++)
        if (starts_with_ci(s, n, subjects[i])) {
            size_t l = strlen(subjects[i]);
            while (l < n && s[l] == ' ')
                l++;
            s += l;
            n -= l;
            break;
        }
    size_t a = 0;
    for (size_t i = 0; labels[i]; i++)
        if (starts_with_ci(s, n, labels[i]))
            a = strlen(labels[i]);
    if (!a && seg_title_at(s, n)) {
        const char *f = NULL;
        for (size_t i = 0; i + 5 < n; i++)
            if (!memcmp(s + i, " fra ", 5) || (i + 6 <= n && !memcmp(s + i, " fr\xc3\xa5 ", 6))) {
                f = s + i + (s[i + 3] == 'a' ? 5 : 6);
                break;
            }
        if (!f)
            return;
        a = (size_t)(f - s);
    }
    if (!a)
        return;
    while (a < n && s[a] == ' ')
        a++;
    size_t b = a;
    while (b < n && s[b] != ',' && s[b] != '\n' && !(b + 2 < n && !memcmp(s + b, " - ", 3)) &&
           !(b + 4 < n && !memcmp(s + b, " til ", 5)) && !(b + 3 < n && !memcmp(s + b, " om ", 4)))
        b++;
    while (b > a && strchr(" .;:", s[b - 1]))
        b--;
    if (b > a && b - a <= 80 && seg_cap_word(s + a, b - a)) {
        cand_t *c = cand_get(cs, s + a, b - a);
        if (c)
            c->strong++;
    }
}

static size_t count_mentions(const char *s, size_t n, const char *name)
{
    size_t m = strlen(name), k = 0;
    if (!m)
        return 0;
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(s + i, name, m))
            k++;
    return k;
}

static int has_org_word(const char *name)
{
    const char *p = name;
    while (*p) {
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        size_t l = (size_t)(e - p);
        if (word_in(org_words, p, l))
            return 1;
        char low[64];
        size_t ll = seg_lower_word(p, l, low, sizeof low);
        static const char *const suffixes[] = {
            "kommune", "foreningen", "forening", "forbundet", "forbund", "direktoratet",
            "direktorat", "departementet", "tilsynet", "tilsyn", "sykehus", "sykehuset",
            "instituttet", "institutt", "rådet", "ombudet", "ombud", "etaten", "etat",
            "senteret", "senter", "selskap", "selskapet", "stiftelsen", "nemnda", "nemnd",
            "utvalget", "foretak", "foretaket", "universitet", "universitetet", "høgskole",
            "høgskolen", "fylkeskommune", "interkommunale", "tinget", "registeret",
            "registret", "kontoret", "verket", "klinikken", NULL };
        for (size_t i = 0; suffixes[i]; i++) {
            size_t sl = strlen(suffixes[i]);
            if (ll >= sl && !memcmp(low + ll - sl, suffixes[i], sl))
                return 1;
        }
        p = *e ? e + 1 : e;
    }
    return 0;
}

static int all_caps(const char *s)
{
    int letters = 0;
    for (; *s; s++) {
        if (islower((unsigned char)*s))
            return 0;
        letters += isupper((unsigned char)*s) != 0;
    }
    return letters >= 2;
}

/* A line that is an organisation's name (at most 8 words, an organisation word such as
 * "kommune" or "HF"; n <= 80): a candidate with the weight of a letterhead. */
static int org_line(cands_t *cs, const char *s, size_t n)
{
    char name[96];
    if (n >= sizeof name || seg_count_words(s, n) > 8)
        return 0;
    memcpy(name, s, n);
    name[n] = '\0';
    /* or an acronym alone: "KS", "NAV", "SINTEF" */
    if (!has_org_word(name) && !(all_caps(name) && n <= 8 && seg_count_words(s, n) == 1))
        return 0;
    cand_t *c = cand_get(cs, s, n);
    if (c)
        c->letterhead = 1;
    return 1;
}

/* "Ola Nordmann", "Kari Berg-Hansen": 2 to 4 capitalised words of letters (and hyphens),
 * at most 40 bytes; the first line of a signature only is taken to be one */
static int person_name(const char *s, size_t n)
{
    if (n > 40)
        return 0;
    int words = 0, at_start = 1;
    for (size_t i = 0; i < n;) {
        size_t cn;
        utf8proc_int32_t c = cp_at(s, n, i, &cn);
        if (c == ' ') {
            at_start = 1;
        } else if (at_start) {
            if (!is_upper(c))
                return 0;
            words++;
            at_start = 0;
        } else if (!is_letter(c) && c != '-' && c != '.') {
            return 0;
        }
        i += cn;
    }
    return words >= 2 && words <= 4;
}

/* The organisation in a signature block ("Med vennlig hilsen / for Bergen kommune"), as a
 * candidate with the weight of a letterhead. */
static void scan_signature(const block_t *blocks, size_t from, size_t to, cands_t *cs)
{
    /* pass 0: an organisation; pass 1: else the first person's name ("Ola Nordmann"). Line
     * by line: "Kari Hansen / daglig leder / Pasientforeningen" may be one block. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = from; i < to; i++) {
            const block_t *b = &blocks[i];
            if (b->kind != B_META || !b->sig)
                continue;
            for (size_t k = 0; k < b->npieces;) {
                size_t e = k + 1;
                while (e < b->npieces && b->pieces[e].no == b->pieces[k].no)
                    e++;
                const char *s = b->text.data + b->pieces[k].out;
                size_t n = (e < b->npieces ? b->pieces[e].out : b->text.len) - b->pieces[k].out;
                int first = k == 0;
                k = e;
                while (n > 0 && s[n - 1] == ' ')
                    n--;
                if (b->sig == 1 && first) {
                    size_t l = seg_closing_at(s, n);
                    while (l < n && strchr(" ,.!", s[l]))
                        l++;
                    s += l;
                    n -= l;
                }
                if (starts_with_ci(s, n, "for "))
                    s += 4, n -= 4;
                else if (starts_with_ci(s, n, "på vegne av "))
                    s += strlen("på vegne av "), n -= strlen("på vegne av ");
                if (n < 4 || n > 80 || seg_ends_sentence(s, n) || !seg_cap_word(s, n))
                    continue;
                if (pass == 0 && org_line(cs, s, n))
                    return;
                if (pass == 1 && person_name(s, n)) {
                    cand_t *c = cand_get(cs, s, n);
                    if (c)
                        c->signer = 1;
                    return;
                }
            }
        }
}

/* A letterhead: the response starts with the organisation's name on a line of its own
 * ("Sykehuset Innlandet HF", "Bergen kommune"). Not an addressee: a line followed by a postal
 * address, or starting with "Til"/"Att", is skipped. */
static void scan_letterhead(const block_t *blocks, size_t from, size_t to, cands_t *cs)
{
    /* two address blocks at the top (name lines over a postal address): the first is the
     * sender's, the second the addressee's. A head is the line right above the first postal
     * line of a block; the search for the second starts past the first block's postal lines. */
    size_t heads[2];
    int nh = 0;
    for (size_t i = from; i + 1 < to && i < from + 12 && nh < 2; i++) {
        const block_t *b = &blocks[i], *nx = &blocks[i + 1];
        if (seg_postal_line(b->text.data, b->text.len) || !nx->postal ||
            !seg_postal_line(nx->text.data, nx->text.len) || b->text.len > 80 ||
            !seg_cap_word(b->text.data, b->text.len))
            continue;
        heads[nh++] = i;
        while (i + 1 < to && blocks[i + 1].postal &&
               seg_postal_line(blocks[i + 1].text.data, blocks[i + 1].text.len))
            i++;
    }
    if (nh == 2) {
        /* the organisation may be the line above a department's: "Bergen kommune" /
         * "Helse og velferd" / "Postboks 7700" */
        const block_t *h = &blocks[heads[0]];
        if (org_line(cs, h->text.data, h->text.len))
            return;
        if (heads[0] > from) {
            const block_t *up = &blocks[heads[0] - 1];
            if (up->postal && up->text.len <= 80 && seg_cap_word(up->text.data, up->text.len) &&
                org_line(cs, up->text.data, up->text.len))
                return;
        }
    }
    for (size_t i = from; i < to && i < from + 4; i++) {
        const block_t *b = &blocks[i];
        if (b->kind == B_QUESTION || b->kind == B_CHECKBOX || b->kind == B_BULLET ||
            b->text.len > 120)
            return;
        if (b->kind == B_TITLE || b->postal || b->npieces == 0 ||
            b->pieces[0].no != b->pieces[b->npieces - 1].no)
            continue; /* b->postal: a line of an (addressee's) address block */
        const char *s = b->text.data;
        size_t n = b->text.len;
        if (n < 2 || n > 80 || seg_ends_sentence(s, n) || !seg_cap_word(s, n))
            continue;
        size_t e = n; /* "… utredning.1": a sentence with a footnote marker */
        while (e > 0 && isdigit((unsigned char)s[e - 1]))
            e--;
        if ((e < n && e > 0 && s[e - 1] == '.') || count_mentions(s, n, ". "))
            continue;
        if (starts_with_ci(s, n, "til ") || starts_with_ci(s, n, "til:") ||
            starts_with_ci(s, n, "om ") || starts_with_ci(s, n, "vedr") ||
            starts_with_ci(s, n, "ref") || starts_with_ci(s, n, "sak") ||
            starts_with_ci(s, n, "att") || starts_with_ci(s, n, "mottaker"))
            continue;
        if (i + 1 < to) {
            const char *nx = blocks[i + 1].text.data;
            size_t nl = blocks[i + 1].text.len;
            if (starts_with_ci(nx, nl, "postboks") || starts_with_ci(nx, nl, "pb.") ||
                (nl >= 4 && isdigit((unsigned char)nx[0]) && isdigit((unsigned char)nx[3])))
                continue;
        }
        if (org_line(cs, s, n))
            return;
    }
}

char *resp_detect(const block_t *blocks, size_t from, size_t to)
{
    cands_t cs = { 0 };
    buf_t all = BUF_INIT;
    scan_letterhead(blocks, from, to, &cs);
    scan_signature(blocks, from, to, &cs);
    for (size_t i = from; i < to; i++) {
        const block_t *b = &blocks[i];
        buf_add(&all, b->text.data, b->text.len);
        buf_addch(&all, '\n');
        if (b->kind == B_TITLE || b->kind == B_UHEADING || b->kind == B_PARA ||
            b->kind == B_HEADING || b->kind == B_META)
            scan_from(&cs, b->text.data, b->text.len);
        if (b->kind == B_PARA || b->kind == B_BULLET || b->kind == B_FOOTNOTE)
            scan_candidates(&cs, b->text.data, b->text.len);
    }
    char *best = NULL;
    long bestscore = 0;
    for (size_t i = 0; i < cs.n && !all.err; i++) {
        cand_t *c = &cs.v[i];
        int org = has_org_word(c->name) || all_caps(c->name);
        int words = 1;
        for (const char *p = c->name; *p; p++)
            words += *p == ' ';
        if (!c->strong && !c->letterhead && !c->signer && !org && c->verbs < 2)
            continue;
        if (!c->strong && !c->letterhead && !c->signer && words == 1 && !org && c->verbs < 3)
            continue;
        long score = (long)c->strong * 1000 + (long)c->letterhead * 100 + c->verbs * 3 +
                     (long)count_mentions(all.data, all.len, c->name) + (org ? 5 : 0);
        if (score > bestscore) {
            bestscore = score;
            best = c->name;
        }
    }
    char *r = best ? strdup(best) : NULL;
    cands_free(&cs);
    buf_free(&all);
    return r;
}
