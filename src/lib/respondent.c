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
    int poss;   /* "Xs høringssvar", "X’ høringsuttalelse", "X sitt høyringssvar" */
    char acr[16]; /* "Norsk studentorganisasjon (NSO)": NSO, whose statements are this name's */
    int merged;   /* an acronym counted with its full name */
    int order;
    /* how it was found, for resp_detect's *how */
    const char *strong_how; /* "title", "header" or "by line": what gave it strong */
    int top;      /* letterhead at the top (not an organisation under the closing) */
    int sigorg;   /* an organisation under the closing */
    int mailbox;  /* the sender of an e-mail ("Fra: Postmottak HOD <…>"), maybe forwarded */
} cand_t;

typedef struct cands {
    cand_t *v;
    size_t n, cap;
    int oom;
} cands_t;

/* A name as written, tidied: a hyphen before a space and a capital ("Sør- Odal", a word
 * broken at the end of a PDF line) is joined again ("Sør-Odal"); "Digitaliserings- og …"
 * keeps its space. Returns the new length of s (edited in place, nul-terminated). */
static size_t tidy_name(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        s[o++] = s[i];
        if (s[i] == '-' && i > 0 && s[i - 1] != ' ' && i + 2 < n && s[i + 1] == ' ') {
            size_t cn;
            if (is_upper(cp_at(s, n, i + 2, &cn)))
                i++;
        }
    }
    s[o] = '\0';
    return o;
}

static int word_in(const char *const *list, const char *s, size_t n);
static int org_suffix(const char *low, size_t ll);
static int all_caps(const char *s);

/* A name in capitals only ("LILLEVIK KOMMUNE", "HELSE VESTFJORD HF") in ordinary case: the
 * first word capitalised; organisation words (kommune, forening …), "norsk(e)" and function
 * words in lower case; other words capitalised; words of up to 3 letters (HF, IKS, NAV) kept.
 * In place (Norwegian letters are as long in either case). */
static void uncap_name(char *s)
{
    static const char *const plain[] = { "norsk", "norske", "nasjonal", "nasjonale", NULL };
    size_t n = strlen(s);
    int letters = 0, long_word = 0;
    for (size_t i = 0; i < n;) {
        size_t cn;
        utf8proc_int32_t c = cp_at(s, n, i, &cn);
        if (is_lower(c))
            return;
        letters += is_letter(c);
        i += cn;
    }
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && s[e] != ' ')
            e++;
        long_word |= e - i > 4;
        i = e < n ? e + 1 : e;
    }
    if (letters < 6 || !long_word)
        return;
    buf_t out = BUF_INIT;
    for (size_t i = 0, w = 0; i < n; w++) {
        size_t e = i;
        while (e < n && s[e] != ' ')
            e++;
        char low[128];
        size_t ll = seg_lower_word(s + i, e - i, low, sizeof low);
        size_t chars = 0;
        for (size_t k = 0; k < ll; k++)
            chars += ((unsigned char)low[k] & 0xC0) != 0x80;
        if (chars <= 3 && !seg_in_list(seg_function_words, low, ll)) {
            buf_add(&out, s + i, e - i);
        } else if (w > 0 && (org_suffix(low, ll) || seg_in_list(plain, low, ll) ||
                             seg_in_list(seg_function_words, low, ll))) {
            buf_add(&out, low, ll);
        } else {
            size_t cn;
            utf8proc_int32_t c = cp_at(low, ll, 0, &cn);
            utf8proc_uint8_t up[4];
            utf8proc_ssize_t k = c >= 0 ? utf8proc_encode_char(utf8proc_toupper(c), up) : 0;
            buf_add(&out, (const char *)up, (size_t)k);
            buf_add(&out, low + cn, ll - cn);
        }
        if (e < n)
            buf_addch(&out, ' ');
        i = e < n ? e + 1 : e;
    }
    if (!out.err && out.len == n)
        memcpy(s, out.data, n + 1);
    buf_free(&out);
}

static cand_t *cand_get(cands_t *c, const char *s0, size_t n0)
{
    char tmp[256];
    if (n0 >= sizeof tmp) {
        /* cut before a character, not inside one (fuzz_segment found names ending in half
         * of a multi-byte character) */
        n0 = sizeof tmp - 1;
        while (n0 > 0 && ((unsigned char)s0[n0] & 0xC0) == 0x80)
            n0--;
    }
    memcpy(tmp, s0, n0);
    tmp[n0] = '\0';
    size_t n = tidy_name(tmp, n0);
    const char *s = tmp;
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
    "ser behov", "ser det", "har merket seg", "har merka seg", "setter pris", "set pris",
    "har uttalt seg", "har uttala seg", "tar til orde", "tek til orde", "gir følgende",
    "har følgjande", "ser positivt", "er einig", "er ueinig", "er nøgd", NULL };

/* what "X er …" says about an attitude, a few words on ("X er i utgangspunktet, og jamt over,
 * einig i …") */
static const char *const attitudes[] = {
    "enig", "einig", "samd", "uenig", "ueinig", "usamd", "positiv", "positive", "negativ",
    "negative", "kritisk", "kritiske", "bekymret", "uroa", "glad", "fornøyd", "nøgd",
    "skeptisk", "skeptiske", NULL };



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
    if (k < nw && w[k].b - w[k].a == 2 && starts_with_ci(s + w[k].a, 2, "er"))
        for (size_t j = k + 1; j < nw && j <= k + 6; j++) {
            if (word_in(attitudes, s + w[j].a, w[j].b - w[j].a))
                return 1;
            char e = s[w[j].b];
            if (w[j].punct && e != ',')
                break;
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
        static const char *const den[] = { "den", "det", NULL };
        int the = word_in(den, s + w[k].a, wl); /* "Den norske legeforening mener" */
        if (sentence_start && seg_cap_word(s + w[k].a, wl) &&
            (the || !word_in(not_name, s + w[k].a, wl))) {
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
                    char low[64];
                    size_t lwl = seg_lower_word(lw, ll, low, sizeof low);
                    int ok = seg_cap_word(lw, ll) || word_in(org_words, lw, ll) ||
                             org_suffix(low, lwl) ||
                             (len == 2 && !word_in(seg_function_words, lw, ll)) ||
                             (word_in(joiners, lw, ll) && k + len < nw);
                    if (!ok || word_in(verbs, lw, ll))
                        break;
                }
                /* "Norsk studentorganisasjon (NSO) takker": the name without its acronym */
                size_t after = k + len;
                char acr[16] = "";
                size_t al = after < nw ? w[after].b - w[after].a : 0;
                if (after + 1 < nw && al > 1 && al < sizeof acr && s[w[after].a - 1] == '(' &&
                    w[after].b < n && s[w[after].b] == ')' && !w[k + len - 1].punct) {
                    memcpy(acr, s + w[after].a, al);
                    acr[al] = '\0';
                    if (all_caps(acr))
                        after++;
                    else
                        acr[0] = '\0';
                }
                if (w[k + len - 1].punct)
                    break;
                if (verb_at(s, w, nw, after)) {
                    /* a name does not end in a joiner */
                    static const char *const joiners[] = { "for", "i", "og", "på", NULL };
                    if (word_in(joiners, s + last->a, last->b - last->a))
                        continue;
                    if (the) { /* "Det …", "Den …" only before an organisation's name */
                        char low[64];
                        size_t l = seg_lower_word(s + last->a, last->b - last->a, low, sizeof low);
                        if (len < 2 || !org_suffix(low, l))
                            break;
                    }
                    cand_t *c = cand_get(cs, s + w[k].a, w[k + len - 1].b - w[k].a);
                    if (c) {
                        c->verbs++;
                        if (acr[0])
                            memcpy(c->acr, acr, sizeof acr);
                    }
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

/* The first word's length in s[0..n). */
static size_t word_len(const char *s, size_t n)
{
    size_t l = 0;
    while (l < n && s[l] != ' ')
        l++;
    return l;
}

/* Where a name that starts at s[a] ends: at a comma, a line end, a sentence end, a bracket,
 * a dash between spaces (- – —) or " til " / " om " (the title's subject). */
static size_t name_end(const char *s, size_t n, size_t a)
{
    size_t b = a;
    /* "Barne-, ungdoms- og familiedirektoratet": a comma after a word's hyphen is inside */
    while (b < n && (s[b] != ',' || (b > a && s[b - 1] == '-')) && s[b] != '\n' &&
           s[b] != '(' && s[b] != '<' &&
           !(b + 2 < n && !memcmp(s + b, " - ", 3)) &&
           !(b + 4 < n && !memcmp(s + b, " \xe2\x80\x93 ", 5)) &&
           !(b + 4 < n && !memcmp(s + b, " \xe2\x80\x94 ", 5)) &&
           !(b + 1 < n && s[b] == '.' && s[b + 1] == ' ') &&
           !(b + 4 < n && !memcmp(s + b, " til ", 5)) && !(b + 3 < n && !memcmp(s + b, " om ", 4)))
        b++;
    return b;
}

/* Past the titles before a person's name ("Professor Kari Nordmann", "Dr. Ola Hansen"). */
static size_t skip_titles(const char *s, size_t n, size_t a)
{
    static const char *const titles[] = { "professor", "prof.", "dr.", "førsteamanuensis",
                                          "postdoktor", "stipendiat", NULL };
    for (int again = 1; again;) {
        again = 0;
        size_t l = word_len(s + a, n - a);
        if (l < n - a && word_in(titles, s + a, l)) {
            a += l + 1;
            again = 1;
        }
    }
    return a;
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
    /* header fields on one line: "Til: … Fra: Professor Kari Nordmann, PhD Dato: …" */
    if (starts_with_ci(s, n, "til:"))
        for (size_t i = 4; i + 6 < n; i++)
            if (s[i] == ' ' && (starts_with_ci(s + i + 1, n - i - 1, "fra:") ||
                                starts_with_ci(s + i + 1, n - i - 1, "fr\xc3\xa5:"))) {
                s += i + 1;
                n -= i + 1;
                break;
            }
    size_t a = 0;
    int mail = 0; /* "Fra: Postmottak HOD <postmottak@…>": who sent an e-mail, maybe forwarded */
    for (size_t i = 0; labels[i]; i++)
        if (starts_with_ci(s, n, labels[i]))
            a = strlen(labels[i]);
    int label = a > 0;
    if (a && (memchr(s, '@', n) || memchr(s, '<', n)))
        mail = 1;
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
    b = name_end(s, n, a);
    if (mail) {
        const char *lt = memchr(s + a, '<', b - a);
        if (lt)
            b = (size_t)(lt - s);
    }
    while (b > a && strchr(" .;:", s[b - 1]))
        b--;
    a = skip_titles(s, b, a);
    if (b > a && b - a <= 80 && seg_cap_word(s + a, b - a)) {
        cand_t *c = cand_get(cs, s + a, b - a);
        if (c && mail) {
            c->signer = 1;
            c->mailbox = 1;
        } else if (c) {
            c->strong++;
            if (!c->strong_how)
                c->strong_how = label ? "header" : "title";
        }
    }
}

/* "… er avgitt av Studentorganisasjonen i Agder (STA).": strong evidence */
static void scan_by(cands_t *cs, const char *s, size_t n)
{
    static const char *const by[] = { " avgitt av ", " avgjeve av ", " avgjeven av ",
                                      " sendt inn av ", " utarbeidet av ", " utarbeidd av ",
                                      NULL };
    for (size_t k = 0; by[k]; k++) {
        size_t bl = strlen(by[k]);
        for (size_t i = 0; i + bl < n; i++) {
            if (!starts_with_ci(s + i, n - i, by[k]))
                continue;
            size_t a = i + bl, b = name_end(s, n, a);
            while (b > a && strchr(" .;:", s[b - 1]))
                b--;
            if (b > a && b - a <= 80 && seg_cap_word(s + a, b - a) &&
                !word_in(not_name, s + a, word_len(s + a, b - a))) {
                cand_t *c = cand_get(cs, s + a, b - a);
                if (c) {
                    c->strong++;
                    if (!c->strong_how)
                        c->strong_how = "by line";
                }
            }
        }
    }
}

/* Is s[0..n) a word of a response's own name for itself: "høringssvar", "høyringsfråsegn",
 * "høringsuttalelse", "høringsarbeid", "innspill", "innspel"? */
static int response_word(const char *s, size_t n)
{
    /* not "høringsnotat", "høringsbrev": the hearing's own documents */
    static const char *const words[] = {
        "h\xc3\xb8ringssvar", "h\xc3\xb8ringsuttalel", "h\xc3\xb8ringsinnspill",
        "h\xc3\xb8ringsfr\xc3\xa5segn", "h\xc3\xb8ringsarbeid",
        "h\xc3\xb8yringssvar", "h\xc3\xb8yringsfr\xc3\xa5segn", "h\xc3\xb8yringsuttal",
        "h\xc3\xb8yringsinnspel", "innspill", "innspel", NULL };
    char low[64];
    size_t ll = seg_lower_word(s, n, low, sizeof low);
    for (size_t i = 0; words[i]; i++)
        if (starts_with_ci(low, ll, words[i]))
            return 1;
    return 0;
}

/* "Legeforeningens høringsuttalelse", "KS’ høringssvar", "FUG sitt høyringssvar": the owner
 * of a response named with a possessive. Not after "til", "støtter", "med", "og" … ("Vi viser
 * til KS’ høringssvar" quotes another's). */
static void scan_possessive(cands_t *cs, const char *s, size_t n)
{
    static const char *const quoting[] = { "til", "støtter", "støttar", "med", "og", "fra",
                                           "frå", "på", "som", "enn", NULL };
    static const char *const sitt[] = { "sitt", "si", "sine", "sin", NULL };
    size_t ws[8][2];
    size_t nw = 0; /* the last words before i, ws[nw-1] the nearest */
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == ' ' || s[i] == '\n'))
            i++;
        size_t a = i;
        while (i < n && s[i] != ' ' && s[i] != '\n')
            i++;
        size_t b = i;
        if (a == b)
            break;
        size_t wb = b;
        while (wb > a && strchr(".,;:!?)\"", s[wb - 1]))
            wb--;
        if (nw >= 1 && response_word(s + a, wb - a)) {
            size_t o = nw - 1; /* the owner's last word */
            size_t oa = ws[o][0], ob = ws[o][1];
            int by_sitt = 0;
            if (word_in(sitt, s + oa, ob - oa) && o >= 1) {
                by_sitt = 1;
                o--;
                oa = ws[o][0];
                ob = ws[o][1];
            }
            size_t cut = 0;
            if (by_sitt)
                cut = 0;
            else if (ob - oa > 3 && !memcmp(s + ob - 3, "\xe2\x80\x99", 3))
                cut = 3; /* KS’ */
            else if (ob - oa > 1 && s[ob - 1] == '\'')
                cut = 1;
            else if (ob - oa > 2 && s[ob - 1] == 's')
                cut = 1;
            else
                o = (size_t)-1;
            if (o != (size_t)-1 && seg_cap_word(s + oa, ob - oa)) {
                size_t first = o;
                /* earlier capitalised words of the same name: "Norsk Sykepleierforbunds" */
                while (first > 0 && first + 4 > o && seg_cap_word(s + ws[first - 1][0], 1) &&
                       !word_in(not_name, s + ws[first - 1][0], ws[first - 1][1] - ws[first - 1][0]) &&
                       !strchr(".,;:!?", s[ws[first - 1][1] - 1]))
                    first--;
                int quoted = first > 0 && word_in(quoting, s + ws[first - 1][0],
                                                  ws[first - 1][1] - ws[first - 1][0]);
                size_t nl = ob - cut - ws[first][0];
                if (!quoted && !word_in(not_name, s + ws[first][0], word_len(s + ws[first][0], nl))) {
                    cand_t *c = cand_get(cs, s + ws[first][0], nl);
                    if (c)
                        c->poss++;
                }
            }
        }
        if (nw == 8) {
            memmove(ws, ws + 1, 7 * sizeof ws[0]);
            nw--;
        }
        ws[nw][0] = a;
        ws[nw][1] = b;
        nw++;
        /* a sentence ends: the owner is not in an earlier sentence */
        if (wb < b && strchr(".!?:", s[b - 1]))
            nw = 0;
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

/* Does the lower-case word low[0..ll) end like an organisation ("…foreningen", "…kommune",
 * "Fiberforening.no")? */
static int org_suffix(const char *low, size_t ll)
{
    static const char *const suffixes[] = {
        "kommune", "foreningen", "forening", "forbundet", "forbund", "direktoratet",
        "direktorat", "departementet", "tilsynet", "tilsyn", "sykehus", "sykehuset",
        "instituttet", "institutt", "rådet", "ombudet", "ombud", "etaten", "etat",
        "senteret", "senter", "selskap", "selskapet", "stiftelsen", "nemnda", "nemnd",
        "utvalget", "utvalet", "foretak", "foretaket", "universitet", "universitetet",
        "høgskole", "høgskolen", "høgskulen", "fylkeskommune", "interkommunale", "tinget",
        "registeret", "registret", "kontoret", "verket", "klinikken", "organisasjon",
        "organisasjonen", "statsforvalteren", "statsforvaltaren", "fylkesmannen", "forvaltaren",
        NULL };
    if (ll > 3 && (!memcmp(low + ll - 3, ".no", 3) || !memcmp(low + ll - 3, ".nu", 3)))
        ll -= 3;
    for (size_t i = 0; suffixes[i]; i++) {
        size_t sl = strlen(suffixes[i]);
        if (ll >= sl && !memcmp(low + ll - sl, suffixes[i], sl))
            return 1;
    }
    return 0;
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
        if (org_suffix(low, ll))
            return 1;
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
    /* a running header "Tannlegeforeningen høringssvar" names a document, not a sender */
    for (size_t i = 0; i < n;) {
        size_t l = word_len(s + i, n - i);
        if (response_word(s + i, l))
            return 0;
        i += l + (i + l < n);
    }
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
                if (pass == 0 && org_line(cs, s, n)) {
                    cand_t *c = cand_get(cs, s, n);
                    if (c)
                        c->sigorg = 1;
                    return;
                }
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
/* "Adressat", "Mottaker:", "Til": a label alone on its line, the addressee under it. */
static int label_line(const char *s, size_t n)
{
    static const char *const labels[] = { "adressat", "mottaker", "mottakar", "til", NULL };
    while (n > 0 && (s[n - 1] == ':' || s[n - 1] == ' '))
        n--;
    return n > 0 && word_in(labels, s, n);
}

/* A street address: "Storgata 6", "Fridtjof Nansens plass 6B" — capitalised, at most five
 * words, ending in a house number (and maybe a letter). */
static int street_line(const char *s, size_t n)
{
    if (n < 4 || n > 40 || !seg_cap_word(s, n) || seg_count_words(s, n) > 5 ||
        seg_count_words(s, n) < 2)
        return 0;
    size_t e = n;
    if (e > 0 && isalpha((unsigned char)s[e - 1]))
        e--;
    size_t d = e;
    while (d > 0 && isdigit((unsigned char)s[d - 1]))
        d--;
    return d < e && e - d <= 4 && d > 0 && s[d - 1] == ' ';
}

/* Is block i, marked as a line of an address, rather the letterhead above one: a name line
 * (not itself postal) with a blank line between it and the address's own lines ("LILLEVIK
 * KOMMUNE" / "Helse og omsorg" / blank / "Helse- og omsorgsdepartementet" / "Postboks …")? */
static int above_address(const block_t *blocks, size_t i, size_t to)
{
    const block_t *b = &blocks[i];
    if (seg_postal_line(b->text.data, b->text.len) || b->npieces == 0)
        return 0;
    /* the gap must be wider than those inside the address (double-spaced text has a blank
     * line between every two) */
    unsigned last = b->pieces[b->npieces - 1].no, gap = 0, inner = 0;
    for (size_t k = i + 1; k < to && blocks[k].postal && blocks[k].npieces; k++) {
        unsigned g = blocks[k].pieces[0].no - last;
        if (!gap && g > 1) /* the first blank line: where the letterhead's lines end */
            gap = g;
        else if (gap && g > inner)
            inner = g;
        if (seg_postal_line(blocks[k].text.data, blocks[k].text.len))
            return gap > 1 && gap > inner;
        last = blocks[k].pieces[blocks[k].npieces - 1].no;
    }
    return 0;
}

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
        if (b->kind == B_TITLE || b->npieces == 0 || (b->postal && !above_address(blocks, i, to)))
            continue; /* b->postal: a line of an (addressee's) address block */
        /* the line after "Adressat", "Mottaker", "Til" is the addressee */
        if (i > from && label_line(blocks[i - 1].text.data, blocks[i - 1].text.len))
            continue;
        const char *s = b->text.data;
        size_t n = b->text.len;
        if (b->pieces[0].no != b->pieces[b->npieces - 1].no) {
            /* "LILLEVIK KOMMUNE" over "Helse og omsorg" in one block: the first line */
            if (b->kind == B_QUESTION || b->kind == B_FOOTNOTE)
                continue;
            size_t k = 1;
            while (k < b->npieces && b->pieces[k].no == b->pieces[0].no)
                k++;
            n = k < b->npieces ? b->pieces[k].out : n;
            while (n > 0 && s[n - 1] == ' ')
                n--;
        }
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
                (nl >= 4 && isdigit((unsigned char)nx[0]) && isdigit((unsigned char)nx[3])) ||
                street_line(nx, nl))
                continue;
        }
        if (org_line(cs, s, n))
            return;
    }
}

/* What found c, strongest first (see resp_detect). */
static const char *cand_how(const cand_t *c)
{
    if (c->strong)
        return c->strong_how ? c->strong_how : "title";
    if (c->top)
        return "letterhead";
    if (c->poss)
        return "possessive";
    if (c->sigorg)
        return "signature";
    if (c->verbs)
        return "text";
    if (c->mailbox)
        return "mailbox";
    if (c->signer)
        return "signer";
    return "text";
}

char *resp_detect(const block_t *blocks, size_t from, size_t to, const char **how)
{
    cands_t cs = { 0 };
    buf_t all = BUF_INIT;
    if (how)
        *how = NULL;
    scan_letterhead(blocks, from, to, &cs);
    for (size_t i = 0; i < cs.n; i++)
        cs.v[i].top = cs.v[i].letterhead;
    scan_signature(blocks, from, to, &cs);
    for (size_t i = from; i < to; i++) {
        const block_t *b = &blocks[i];
        buf_add(&all, b->text.data, b->text.len);
        buf_addch(&all, '\n');
        if (b->kind == B_TITLE || b->kind == B_UHEADING || b->kind == B_PARA ||
            b->kind == B_HEADING || b->kind == B_META)
            scan_from(&cs, b->text.data, b->text.len);
        if (b->kind == B_PARA || b->kind == B_BULLET || b->kind == B_FOOTNOTE) {
            scan_candidates(&cs, b->text.data, b->text.len);
            scan_by(&cs, b->text.data, b->text.len);
        } else if (b->kind == B_TITLE) {
            /* a title that ran on into the first sentence: "Høringsinnspill - forskrift om …"
             * / "Arbeids- og velferdsdirektoratet viser til …" — read from its second line */
            for (size_t k = 1; k < b->npieces; k++)
                if (b->pieces[k].no != b->pieces[k - 1].no) {
                    size_t o = b->pieces[k].out;
                    scan_candidates(&cs, b->text.data + o, b->text.len - o);
                    break;
                }
        }
        if (b->kind != B_QUESTION && b->kind != B_CHECKBOX)
            scan_possessive(&cs, b->text.data, b->text.len);
    }
    /* an acronym's statements are its full name's: "Norsk studentorganisasjon (NSO) takker …
     * NSO mener …" */
    for (size_t i = 0; i < cs.n; i++)
        for (size_t k = 0; cs.v[i].acr[0] && k < cs.n; k++)
            if (k != i && !strcmp(cs.v[k].name, cs.v[i].acr)) {
                cs.v[i].verbs += cs.v[k].verbs;
                cs.v[i].strong += cs.v[k].strong;
                cs.v[i].poss += cs.v[k].poss;
                cs.v[k].merged = 1;
            }
    char *best = NULL;
    const char *besthow = NULL;
    long bestscore = 0;
    for (size_t i = 0; i < cs.n && !all.err; i++) {
        cand_t *c = &cs.v[i];
        int org = has_org_word(c->name) || all_caps(c->name);
        if (c->merged ||
            (!c->strong && !c->letterhead && !c->signer && !c->poss && !org && c->verbs < 2))
            continue;
        long score = (long)c->strong * 1000 + (c->poss ? 150 + c->poss : 0) +
                     (long)c->letterhead * 100 + c->verbs * 3 +
                     (long)count_mentions(all.data, all.len, c->name) + (org ? 5 : 0);
        if (score > bestscore) {
            bestscore = score;
            best = c->name;
            besthow = cand_how(c);
        }
    }
    char *r = best ? strdup(best) : NULL;
    if (r && how)
        *how = besthow;
    cands_free(&cs);
    buf_free(&all);
    return r;
}

char *resp_canonical(const char *found, const hsok_aliases_t *aliases)
{
    const char *canon = hsok_aliases_lookup(aliases, found, NULL);
    char *r = strdup(canon ? canon : found);
    if (r && !canon)
        uncap_name(r);
    return r;
}

int resp_person_name(const char *s, size_t n)
{
    return person_name(s, n);
}

int resp_org_name(const char *name)
{
    return has_org_word(name) || all_caps(name);
}
