/* position.c — the position a passage states (see position.h).
 *
 * The text is read as words (lower-cased, with byte offsets) in sentences. Each sentence that
 * is not a question yields cues: support ("støtter", "er enig i", "positive til", "slutter
 * seg til"), opposition ("støtter ikke", "går imot", "uenig", "kritisk til", "frårår"),
 * partial support ("delvis enig", "støtter i hovedsak"), a change asked for ("ber om",
 * "foreslår at … endres", "bør utredes") and reservations ("usikre på", "savner"). The
 * passage's position weighs them: support with a reservation after "men", "imidlertid",
 * "samtidig" … is partial, as is support beside opposition; opposition outweighs a change
 * asked for; support outweighs a change asked for without a "but".
 *
 * No allocation: a sentence is read in windows of at most MAXW words.
 */
#include "hsok/position.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAXW 160  /* words of a sentence read at once (a longer one is read in parts) */
#define WORDLEN 48 /* longest word compared, in bytes; longer words match nothing */

typedef struct word {
    size_t start, end;   /* bytes in the text */
    char low[WORDLEN];   /* lower-cased (ASCII and æøå), NUL-terminated; "" if too long */
    int cap;             /* begins with a capital letter */
    int comma;           /* a comma (or other clause break) stands right before it */
} word_t;

/* One cue found: kind and the words that gave it. */
typedef struct cue {
    int found;
    size_t wi;           /* passage-wide index of its first word */
    size_t start, end;   /* bytes */
} cue_t;

enum { C_SUPPORT, C_OPPOSE, C_PARTIAL, C_CHANGE, C_RESERVE, C_CONTRAST, C_NCUES };

typedef struct state {
    cue_t first[C_NCUES];   /* the first cue of each kind */
    cue_t contrast_after;   /* the first contrast after the first support */
    cue_t reserve_after;    /* the first reservation, opposition or change after that contrast */
    size_t base;            /* passage-wide index of the window's first word */
} state_t;

/* ---- words ---- */

/* Length of a UTF-8 sequence that is punctuation or space (not part of a word), else 0. */
static size_t punct_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80) {
        unsigned char c = s[0];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        return alnum ? 0 : 1;
    }
    if (n >= 2 && s[0] == 0xc2 && (s[1] == 0xa0 || s[1] == 0xab || s[1] == 0xbb || s[1] == 0xb7))
        return 2; /* nbsp « » · */
    if (n >= 3 && s[0] == 0xe2 && (s[1] == 0x80 || s[1] == 0x81))
        return 3; /* dashes, quotes, bullets, spaces of U+2000–U+206F */
    if (n >= 3 && s[0] == 0xe2 && (s[1] == 0x96 || s[1] == 0x97 || s[1] == 0x98))
        return 3; /* ▪ ◦ ☐ ☒ */
    return 0;
}

/* Lower-case s[0..n) into out[0..n] (ASCII and Æ Ø Å; other bytes as they are). */
static void lower_copy(const char *s, size_t n, char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = u[i];
        if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c + 32);
        } else if (c == 0xc3 && i + 1 < n &&
                   (u[i + 1] == 0x86 || u[i + 1] == 0x98 || u[i + 1] == 0x85)) {
            out[i] = (char)c;
            out[i + 1] = (char)(u[i + 1] + 0x20);
            i++;
            continue;
        }
        out[i] = (char)c;
    }
    out[n] = 0;
}

/* The word s[0..n) lower-cased into out ("" when it is too long to match anything); *cap
 * says whether it begins with a capital. */
static void lower_word(const char *s, size_t n, char *out, int *cap)
{
    const unsigned char *u = (const unsigned char *)s;
    *cap = (u[0] >= 'A' && u[0] <= 'Z') ||
           (n >= 2 && u[0] == 0xc3 && (u[1] == 0x86 || u[1] == 0x98 || u[1] == 0x85));
    if (n >= WORDLEN)
        out[0] = 0;
    else
        lower_copy(s, n, out);
}

static int eq(const word_t *w, const char *s)
{
    return !strcmp(w->low, s);
}

static int in(const word_t *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(w->low, list[i]))
            return 1;
    return 0;
}

static int pre(const word_t *w, const char *p)
{
    return !strncmp(w->low, p, strlen(p));
}

/* ---- word lists ---- */

static const char *const neg[] = { "ikke", "ikkje", "aldri", NULL };
static const char *const pronoun[] = { "vi", "me", "jeg", "eg", NULL };
/* a word before a verb that makes it no statement of the writer's */
static const char *const not_subject[] = { "som", "å", "dette", "det", "den", "denne", "disse",
                                           "desse", "hvordan", "korleis", "hva", "kva",
                                           "hvilke", "kva", "kor", "hvor", NULL };
static const char *const support_verb[] = { "støtter", "støttar", "støttet", "støtta",
                                            "støttast", NULL };
static const char *const support_passive[] = { "støttes", "støttast", NULL };
static const char *const modal[] = { "kan", "kunne", "vil", "ville", "må", "skal", "bør",
                                     "kann", NULL };
static const char *const agree[] = { "enig", "enige", "einig", "einige", "samd", "samde",
                                     "omforent", NULL };
static const char *const disagree[] = { "uenig", "uenige", "ueinig", "ueinige", "usamd",
                                        "usamde", NULL };
static const char *const positive[] = { "positiv", "positive", "positivt", NULL };
static const char *const negative[] = { "negativ", "negative", "negativt", "kritisk",
                                        "kritiske", NULL };
static const char *const contrast[] = { "men", "imidlertid", "likevel", "allikevel",
                                        "derimot", "dog", "samtidig", NULL };
/* what a proposal is called: the object of a support verb */
static const char *const proposal_pfx[] = {
    "forslag", "framlegg", "lovforslag", "lovendring", "intensjon", "vurdering", "anbefaling",
    "tilråding", "endring", "departement", "utval", "kommisjon", "høringsuttal",
    "høyringsuttal", "høringssvar", "høyringssvar", "syn", "retning", "tiltak", "hovedlinj",
    "prinsipp", "forskrift", "innføring", "utkast", "føring", "målsetting", "mål", "ks", NULL
};
static const char *const proposal_word[] = { "at", "dette", "det", "den", "disse", "desse",
                                             NULL };
/* verbs (passive, infinitive) that change a text */
static const char *const change_verb[] = {
    "endres", "endrast", "endre", "endra", "justeres", "justerast", "justere", "utredes",
    "utredast", "utgreiast", "utgreies", "utgreie", "utrede", "utreda", "vurderes",
    "vurderast", "revurderes", "revurderast", "revurdere", "omfattes", "omfattast",
    "presiseres", "presiserast", "presisere", "tydeliggjøres", "tydeleggjerast",
    "tydeliggjerast", "klargjøres", "klargjerast", "revideres", "reviderast", "suppleres",
    "supplerast", "strykes", "strykast", "stryke", "fjernes", "fjernast", "fjerne", "reguleres",
    "regulerast", "inkluderes", "inkluderast", "inkludere", "inntas", "innarbeides",
    "innarbeidast", "videreutvikles", "vidareutviklast", "forbedres", "forbetrast",
    "utvides", "utvidast", "avgrenses", "avgrensast", "konkretiseres", "konkretiserast",
    "lovfestes", "lovfestast", "nedfelles", "tilføyes", "tilføyast", "forskriftsfestes",
    "forskriftsfestast", "utsettes", "utsetjast", "omarbeides", "omarbeidast", NULL
};
/* "tas inn", "takast med": a verb that changes a text with its particle */
static const char *const take_verb[] = { "tas", "takast", "tatt", "teke", "tekne", NULL };
static const char *const asked_object[] = { "innspill", "innspel", "merknader", "merknadar",
                                            "høringssvar", "høyringssvar", "kommentarer",
                                            "kommentarar", "tilbakemelding", "tilbakemeldingar",
                                            "tilbakemeldinger", "uttalelse", "fråsegn", NULL };
static const char *const qualifier2[][2] = { { "i", "hovedsak" }, { "i", "hovudsak" },
                                             { "i", "utgangspunktet" }, { "på", "vei" },
                                             { "i", "prinsippet" }, { "med", "forbehold" },
                                             { "under", "tvil" }, { "i", "hovedtrekk" },
                                             { "i", "hovudtrekk" }, { NULL, NULL } };
static const char *const qualifier1[] = { "hovedsakelig", "hovudsakleg", "prinsipielt",
                                          "delvis", NULL };

/* ---- cues ---- */

static void add_cue(state_t *st, int kind, const word_t *w, size_t i, size_t j)
{
    size_t wi = st->base + i;
    cue_t c = { 1, wi, w[i].start, w[j].end };
    if (!st->first[kind].found)
        st->first[kind] = c;
    if (kind == C_CONTRAST && st->first[C_SUPPORT].found && !st->contrast_after.found &&
        wi > st->first[C_SUPPORT].wi)
        st->contrast_after = c;
    if ((kind == C_RESERVE || kind == C_OPPOSE || kind == C_CHANGE) && st->contrast_after.found &&
        !st->reserve_after.found && wi > st->contrast_after.wi)
        st->reserve_after = c;
}

/* A negation among the two words before i, with no "at"/"om" between it and i. */
static int negated_before(const word_t *w, size_t i)
{
    for (size_t k = 1; k <= 2 && k <= i; k++) {
        if (eq(&w[i - k], "at") || eq(&w[i - k], "om") || w[i - k + 1].comma)
            return 0;
        if (in(&w[i - k], neg))
            return 1;
    }
    return 0;
}

/* "ikke"/"ikkje" right after i, but not "ikke bare"/"ikkje berre" */
static int negated_after(const word_t *w, size_t n, size_t i)
{
    return i + 1 < n && in(&w[i + 1], neg) &&
           !(i + 2 < n && (eq(&w[i + 2], "bare") || eq(&w[i + 2], "berre") ||
                           eq(&w[i + 2], "bara")));
}

/* The verb at i stands in a clause under a negated "se at"/"mene at" ("vi kan ikke se at dette
 * støtter …"): up to 6 words back, an "at" with a negation before it. */
static int under_negated_that(const word_t *w, size_t i)
{
    size_t lo = i > 6 ? i - 6 : 0;
    for (size_t k = i; k-- > lo;) {
        if (eq(&w[k], "at") || eq(&w[k], "om")) {
            for (size_t m = k; m-- > (k > 4 ? k - 4 : 0);)
                if (in(&w[m], neg))
                    return 1;
            return 0;
        }
    }
    return 0;
}

static int proposal_within(const word_t *w, size_t n, size_t from, size_t count)
{
    for (size_t k = from; k < n && k < from + count; k++) {
        if (in(&w[k], proposal_word))
            return 1;
        for (size_t p = 0; proposal_pfx[p]; p++)
            if (pre(&w[k], proposal_pfx[p]))
                return 1;
    }
    return 0;
}

/* A qualifier ("i hovedsak", "i utgangspunktet", "delvis") among the words around i: 1 and
 * its words in *qa..*qb (may be NULL), else 0. */
static int qualified_at(const word_t *w, size_t n, size_t i, size_t *qa, size_t *qb)
{
    size_t lo = i > 3 ? i - 3 : 0, hi = i + 6 < n ? i + 6 : n, len = 0, k;
    for (k = lo; k < hi && !len; k++) {
        if (k != i && in(&w[k], qualifier1))
            len = 1;
        for (size_t q = 0; !len && qualifier2[q][0]; q++)
            if (k + 1 < hi && eq(&w[k], qualifier2[q][0]) && eq(&w[k + 1], qualifier2[q][1]))
                len = 2;
        if (!len && k + 3 < hi && eq(&w[k], "i") && eq(&w[k + 1], "det") &&
            eq(&w[k + 2], "store") && eq(&w[k + 3], "og"))
            len = k + 4 < hi && (eq(&w[k + 4], "hele") || eq(&w[k + 4], "heile")) ? 5 : 4;
        if (!len && k + 2 < hi && eq(&w[k], "i") && eq(&w[k + 1], "stor") &&
            eq(&w[k + 2], "grad"))
            len = 3;
        if (len)
            break;
    }
    if (!len)
        return 0;
    if (qa)
        *qa = k;
    if (qb)
        *qb = k + len - 1;
    return 1;
}

static int qualified(const word_t *w, size_t n, size_t i)
{
    return qualified_at(w, n, i, NULL, NULL);
}

/* A support verb at i (active, or after a modal) as the writer's statement: 1 support,
 * -1 opposition ("støtter ikke", "kan ikke støtte"), 2 partial, 0 no statement. */
static int support_at(const word_t *w, size_t n, size_t i)
{
    int inverted = i + 1 < n && in(&w[i + 1], pronoun); /* "Dette støtter vi" */
    if (!inverted && i > 0 && !w[i].comma && in(&w[i - 1], not_subject))
        return 0;
    if (i + 1 < n && (eq(&w[i + 1], "opp") || eq(&w[i + 1], "seg")))
        return 0; /* "støtter opp under", "støtter seg på" */
    if (under_negated_that(w, i))
        return 0;
    if (negated_before(w, i) || negated_after(w, n, i) ||
        (inverted && i + 2 < n && in(&w[i + 2], neg)))
        return -1;
    return qualified(w, n, i) ? 2 : 1;
}

static void cue_support(state_t *st, const word_t *w, size_t n, size_t i, size_t j, int how)
{
    int kind = how == 1 ? C_SUPPORT : how == 2 ? C_PARTIAL : C_OPPOSE;
    size_t qa, qb;
    if (how == 2 && qualified_at(w, n, i, &qa, &qb)) { /* the evidence takes the qualifier in */
        i = qa < i ? qa : i;
        j = qb > j ? qb : j;
    }
    add_cue(st, kind, w, i, j);
}

/* Read the cues of one sentence window w[0..n). */
static void read_window(state_t *st, const word_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const word_t *x = &w[i];
        if (!x->low[0])
            continue;
        size_t last = i + 1 < n ? i + 1 : i;
        if (in(x, contrast)) {
            add_cue(st, C_CONTRAST, w, i, i);
            continue;
        }
        /* støtter / støttar / støtta */
        if (in(x, support_verb)) {
            int how = support_at(w, n, i);
            if (how)
                cue_support(st, w, n, i, how == -1 && negated_after(w, n, i) ? last : i, how);
            continue;
        }
        /* "kan ikke støtte", "vil støtte" */
        if (eq(x, "støtte") && i > 0 && (in(&w[i - 1], modal) || in(&w[i - 1], neg))) {
            size_t k = i - 1;
            if (k > 0 && (in(&w[k - 1], neg) || in(&w[k - 1], modal)))
                k--;
            int how = support_at(w, n, i);
            if (!how && in(&w[i - 1], neg))
                how = under_negated_that(w, i) ? 0 : -1;
            if (how)
                cue_support(st, w, n, k, i, how);
            continue;
        }
        /* "forslaget støttes", "støttes ikke" */
        if (in(x, support_passive)) {
            if (i > 0 && eq(&w[i - 1], "som"))
                continue;
            if (!proposal_within(w, i, 0, i) && !(i + 2 < n && eq(&w[i + 1], "fullt")))
                continue;
            int how = negated_after(w, n, i) || negated_before(w, i) ? -1
                      : qualified(w, n, i)                          ? 2
                                                                    : 1;
            cue_support(st, w, n, i, how == -1 && negated_after(w, n, i) ? last : i, how);
            continue;
        }
        /* enig / einig / samd, uenig */
        if (in(x, agree) || in(x, disagree)) {
            int dis = in(x, disagree);
            int follows = i + 1 < n && (eq(&w[i + 1], "i") || eq(&w[i + 1], "med") ||
                                        eq(&w[i + 1], "at") || eq(&w[i + 1], "om") ||
                                        eq(&w[i + 1], "på"));
            int be = i > 0 && (pre(&w[i - 1], "er") || pre(&w[i - 1], "var") ||
                               in(&w[i - 1], neg) || eq(&w[i - 1], "delvis") ||
                               eq(&w[i - 1], "helt") || eq(&w[i - 1], "seg") ||
                               eq(&w[i - 1], "også") || eq(&w[i - 1], "og") ||
                               eq(&w[i - 1], "òg"));
            if (!follows && !be)
                continue;
            if (i > 0 && eq(&w[i - 1], "som"))
                continue;
            if (i > 0 && eq(&w[i - 1], "delvis")) {
                add_cue(st, C_PARTIAL, w, i - 1, i);
            } else if (dis) {
                add_cue(st, C_OPPOSE, w, i, i);
            } else if (i > 1 && eq(&w[i - 1], "helt") && in(&w[i - 2], neg)) {
                add_cue(st, C_PARTIAL, w, i - 2, i); /* "ikke helt enig" */
            } else if (negated_before(w, i) || (i > 2 && in(&w[i - 3], neg) &&
                                                 !eq(&w[i - 2], "at") && !eq(&w[i - 1], "at"))) {
                add_cue(st, C_OPPOSE, w, i > 2 && in(&w[i - 3], neg) ? i - 3 : i - 1, i);
            } else if (qualified(w, n, i)) {
                add_cue(st, C_PARTIAL, w, i, i);
            } else {
                add_cue(st, C_SUPPORT, w, i, i);
            }
            continue;
        }
        /* "positive til", "ser positivt på"; "negative til", "kritisk til" */
        if ((in(x, positive) || in(x, negative)) && i + 1 < n &&
            (eq(&w[i + 1], "til") || (eq(x, "positivt") && eq(&w[i + 1], "på")))) {
            if (in(x, negative))
                add_cue(st, C_OPPOSE, w, i, i + 1);
            else if (negated_before(w, i))
                add_cue(st, C_OPPOSE, w, i - 1, i + 1);
            else if (i > 0 && eq(&w[i - 1], "delvis"))
                add_cue(st, C_PARTIAL, w, i - 1, i + 1);
            else
                add_cue(st, qualified(w, n, i) ? C_PARTIAL : C_SUPPORT, w, i, i + 1);
            continue;
        }
        /* "slutter seg til", "sluttar seg og til", "stiller seg bak" */
        if ((pre(x, "slutte") || pre(x, "slutta") || pre(x, "stiller") || pre(x, "stille")) &&
            i + 2 < n && (eq(&w[i + 1], "seg") || eq(&w[i + 1], "oss") || eq(&w[i + 1], "meg"))) {
            size_t k = i + 2;
            if (k + 1 < n && (eq(&w[k], "og") || eq(&w[k], "også") || eq(&w[k], "òg") ||
                              eq(&w[k], "fullt") || eq(&w[k], "derfor") || eq(&w[k], "difor")))
                k++;
            int til = pre(x, "slutt") && eq(&w[k], "til");
            int bak = pre(x, "still") && eq(&w[k], "bak");
            if (til || bak)
                cue_support(st, w, n, i, k, support_at(w, n, i) == -1 ? -1 : 1);
            continue;
        }
        /* "deler synet", "deler grunnsynet", "deler vurderingen" */
        if (eq(x, "deler") && i + 1 < n) {
            for (size_t k = i + 1; k < n && k < i + 4; k++)
                if (pre(&w[k], "syn") || pre(&w[k], "grunnsyn") || pre(&w[k], "vurdering") ||
                    pre(&w[k], "oppfatning") || pre(&w[k], "oppfatting")) {
                    cue_support(st, w, n, i, k, support_at(w, n, i) == -1 ? -1 : 1);
                    break;
                }
            continue;
        }
        /* "likar tiltaka", "liker forslaget" */
        if ((eq(x, "likar") || eq(x, "liker")) && proposal_within(w, n, i + 1, 3)) {
            cue_support(st, w, n, i, i, support_at(w, n, i));
            continue;
        }
        /* "setter pris på at", "set vi pris på endringane", "setter derfor pris på" */
        if (eq(x, "setter") || eq(x, "set") || eq(x, "sette")) {
            size_t k = i + 1;
            while (k < n && k < i + 3 && !eq(&w[k], "pris"))
                k++;
            if (k + 2 < n && eq(&w[k], "pris") && eq(&w[k + 1], "på") &&
                (eq(&w[k + 2], "at") || ((k + 3 < n) && (pre(&w[k + 3], "endring") ||
                                                         pre(&w[k + 3], "forslag"))) ||
                 pre(&w[k + 2], "endring") || pre(&w[k + 2], "forslag")))
                add_cue(st, C_SUPPORT, w, i, k + 1);
            continue;
        }
        /* "går imot", "går mot", "går i mot", "set seg sterkt i mot" */
        if (eq(x, "imot") || eq(x, "mot") || (eq(x, "i") && i + 1 < n && eq(&w[i + 1], "mot"))) {
            size_t e = eq(x, "i") ? i + 1 : i;
            for (size_t k = i; k-- > 0 && i - k <= 3;) {
                if (eq(&w[k], "går") || eq(&w[k], "gå") || eq(&w[k], "gikk") ||
                    eq(&w[k], "gjekk")) {
                    add_cue(st, C_OPPOSE, w, k, e);
                    break;
                }
                if (k > 0 && (eq(&w[k], "seg") || eq(&w[k], "meg") || eq(&w[k], "oss")) &&
                    (pre(&w[k - 1], "set") || eq(&w[k - 1], "satt") ||
                     (k > 1 && in(&w[k - 1], pronoun) && pre(&w[k - 2], "set")))) {
                    add_cue(st, C_OPPOSE, w, k - 1, e);
                    break;
                }
                if (w[k + 1].comma)
                    break;
            }
            if (eq(x, "i"))
                i++;
            continue;
        }
        /* frårår, fraråder, advarer mot */
        if (pre(x, "frårå") || pre(x, "frarå") || ((eq(x, "advarer") || eq(x, "åtvarar")) &&
                                                   i + 1 < n && eq(&w[i + 1], "mot"))) {
            if (i > 0 && eq(&w[i - 1], "som"))
                continue;
            add_cue(st, C_OPPOSE, w, i, i);
            continue;
        }
        /* "må skrotast", "bør ikke vedtas/innføres" */
        if (pre(x, "skrot")) {
            add_cue(st, C_OPPOSE, w, i, i);
            continue;
        }
        /* "bør ikke vedtas", "ikke bør innføres", "må ikkje utvidast" */
        if (pre(x, "vedta") || pre(x, "innføre") || pre(x, "innførast") || pre(x, "utvide") ||
            pre(x, "utvida") || pre(x, "gjennomføre")) {
            for (size_t k = i; k-- > 0 && i - k <= 4;) {
                if (w[k + 1].comma)
                    break;
                if ((eq(&w[k], "bør") || eq(&w[k], "må")) &&
                    ((k + 1 < i && in(&w[k + 1], neg)) || (k > 0 && in(&w[k - 1], neg)))) {
                    add_cue(st, C_OPPOSE, w, k > 0 && in(&w[k - 1], neg) ? k - 1 : k, i);
                    break;
                }
            }
            if (st->first[C_OPPOSE].found && st->first[C_OPPOSE].end == w[i].end)
                continue;
        }
        /* tilrår: support, or a change when a change verb follows */
        if (eq(x, "tilrår") || eq(x, "tilrar")) {
            if (i > 0 && (eq(&w[i - 1], "som") || pre(&w[i - 1], "utval") ||
                          pre(&w[i - 1], "departement") || pre(&w[i - 1], "kommisjon")))
                continue;
            int change = 0;
            for (size_t k = i + 1; k < n; k++)
                if (in(&w[k], change_verb))
                    change = 1;
            if (negated_after(w, n, i) || negated_before(w, i))
                add_cue(st, C_OPPOSE, w, i, i);
            else
                add_cue(st, change ? C_CHANGE : C_SUPPORT, w, i, i);
            continue;
        }
        /* ber / bed / be om …, anmoder, oppmoder */
        if (eq(x, "ber") || eq(x, "bed") || eq(x, "be") || pre(x, "anmode") ||
            pre(x, "oppmode") || eq(x, "oppfordrer") || eq(x, "oppfordrar")) {
            if (eq(x, "be") && !(i > 0 && in(&w[i - 1], modal)))
                continue;
            if (i > 0 && (eq(&w[i - 1], "som") || pre(&w[i - 1], "departement") ||
                          pre(&w[i - 1], "direktorat") || pre(&w[i - 1], "regjering")))
                continue;
            int ok = 0, asked = 0;
            for (size_t k = i + 1; k < n && k < i + 5; k++) {
                if (in(&w[k], asked_object))
                    asked = 1;
                if (eq(&w[k], "om") || pre(&w[k], "departement") || pre(&w[k], "regjering") ||
                    pre(&w[k], "stortinget") || eq(&w[k], "dere") || eq(&w[k], "dykk") ||
                    pre(&w[k], "myndighet") || pre(&w[k], "direktorat"))
                    ok = 1;
            }
            if (ok && !asked) /* "ber om", "ber departementet", else the verb alone */
                add_cue(st, C_CHANGE, w, i,
                        i + 1 < n && (eq(&w[i + 1], "om") || pre(&w[i + 1], "departement") ||
                                      pre(&w[i + 1], "regjering"))
                            ? i + 1
                            : i);
            continue;
        }
        /* "foreslår at … endres", "foreslår å endre" */
        if (eq(x, "foreslår") || eq(x, "føreslår")) {
            if (i > 0 && (eq(&w[i - 1], "som") || pre(&w[i - 1], "departement") ||
                          pre(&w[i - 1], "utval") || pre(&w[i - 1], "kommisjon") ||
                          pre(&w[i - 1], "regjering") || pre(&w[i - 1], "direktorat")))
                continue;
            for (size_t k = i + 1; k < n; k++)
                if (in(&w[k], change_verb) ||
                    (in(&w[k], take_verb) && k + 1 < n &&
                     (eq(&w[k + 1], "inn") || eq(&w[k + 1], "med")))) {
                    add_cue(st, C_CHANGE, w, i, i);
                    break;
                }
            continue;
        }
        /* a modal and a change verb: "bør endres", "må takast inn", "bør etter vår mening
         * utredes" */
        if (eq(x, "bør") || eq(x, "må") || eq(x, "burde") || eq(x, "lyt")) {
            int indirect = 0; /* "spørsmålet om X bør inntas": a question asked, not a wish */
            for (size_t k = i; k-- > 0 && i - k <= 4;)
                if (eq(&w[k], "om") || eq(&w[k], "hvorvidt") || eq(&w[k], "kvar") ||
                    eq(&w[k], "hvordan") || eq(&w[k], "korleis"))
                    indirect = 1;
            if (indirect || (i + 1 < n && in(&w[i + 1], neg)) || (i > 0 && in(&w[i - 1], neg)))
                continue;
            for (size_t k = i + 1; k < n && k < i + 8; k++) {
                if (w[k].comma && k > i + 1)
                    break;
                if (in(&w[k], change_verb) ||
                    (in(&w[k], take_verb) && k + 1 < n &&
                     (eq(&w[k + 1], "inn") || eq(&w[k + 1], "med"))) ||
                    ((eq(&w[k], "sendes") || eq(&w[k], "sendast")) && k + 1 < n &&
                     eq(&w[k + 1], "på"))) {
                    add_cue(st, C_CHANGE, w, i, k);
                    break;
                }
            }
            continue;
        }
        /* "tar til orde for", "etterlyser", "savner" */
        if ((eq(x, "tar") || eq(x, "tek")) && i + 3 < n && eq(&w[i + 1], "til") &&
            eq(&w[i + 2], "orde") && eq(&w[i + 3], "for")) {
            add_cue(st, C_CHANGE, w, i, i + 3);
            continue;
        }
        if (pre(x, "etterlys") || eq(x, "savner") || eq(x, "saknar")) {
            if (i > 0 && eq(&w[i - 1], "som"))
                continue;
            add_cue(st, C_CHANGE, w, i, i);
            continue;
        }
        /* "forslag til endringer" of the writer's own */
        if (eq(x, "forslag") && i + 2 < n && eq(&w[i + 1], "til") && pre(&w[i + 2], "endring")) {
            for (size_t k = i > 4 ? i - 4 : 0; k < i; k++)
                if (eq(&w[k], "våre") || eq(&w[k], "vårt") || eq(&w[k], "vår") ||
                    eq(&w[k], "våre") || eq(&w[k], "våra")) {
                    add_cue(st, C_CHANGE, w, i, i + 2);
                    break;
                }
            continue;
        }
        /* "det vil være fordelaktig om", "det er ønskelig at" */
        if ((eq(x, "fordelaktig") || pre(x, "ønskel")) && i + 1 < n &&
            (eq(&w[i + 1], "om") || eq(&w[i + 1], "at")) && !negated_before(w, i)) {
            add_cue(st, C_CHANGE, w, i, i + 1);
            continue;
        }
        /* reservations: "usikre på", "kan ikke se", "stiller spørsmål ved", "bekymret" */
        if (((pre(x, "usikr") || pre(x, "usikker")) && i + 1 < n && eq(&w[i + 1], "på")) ||
            pre(x, "bekymr") || eq(x, "uroa") || pre(x, "skeptisk") ||
            (eq(x, "spørsmål") && i + 1 < n && eq(&w[i + 1], "ved")) ||
            ((eq(x, "se") || eq(x, "sjå")) && i > 0 && in(&w[i - 1], neg))) {
            size_t a = i, b = i;
            if (eq(x, "se") || eq(x, "sjå")) { /* "kan ikke se" */
                a = i - 1;
                if (a > 0 && in(&w[a - 1], modal))
                    a--;
            } else if (i + 1 < n && eq(&w[i + 1], "på")) {
                b = i + 1; /* "usikre på" */
            }
            add_cue(st, C_RESERVE, w, a, b);
            continue;
        }
    }
}

/* ---- the passage ---- */

static int sentence_end(const char *s, size_t len, size_t i, int *question)
{
    char c = s[i];
    if (c == '\n') {
        *question = 0;
        return 1;
    }
    if (c != '.' && c != '!' && c != '?' && c != ';')
        return 0;
    if (i + 1 < len && s[i + 1] != ' ' && s[i + 1] != '\n' && s[i + 1] != '"' &&
        s[i + 1] != ')' && (unsigned char)s[i + 1] < 0x80)
        return 0; /* "17.4.5", "bl.a" */
    *question = c == '?';
    return 1;
}

static hsok_position_t decide(const state_t *st, hsok_position_evidence_t *ev)
{
    const cue_t *a = NULL, *b = NULL;
    hsok_position_t p = HSOK_POSITION_NONE;
    const cue_t *f = st->first;
    if (f[C_PARTIAL].found) {
        p = HSOK_POSITION_PARTIAL;
        a = &f[C_PARTIAL];
    } else if (f[C_SUPPORT].found && f[C_OPPOSE].found) {
        p = HSOK_POSITION_PARTIAL;
        a = f[C_SUPPORT].wi < f[C_OPPOSE].wi ? &f[C_SUPPORT] : &f[C_OPPOSE];
        b = a == &f[C_SUPPORT] ? &f[C_OPPOSE] : &f[C_SUPPORT];
    } else if (f[C_SUPPORT].found && st->reserve_after.found) {
        p = HSOK_POSITION_PARTIAL;
        a = &f[C_SUPPORT];
        b = &st->reserve_after;
    } else if (f[C_SUPPORT].found) {
        p = HSOK_POSITION_SUPPORT;
        a = &f[C_SUPPORT];
    } else if (f[C_OPPOSE].found) {
        p = HSOK_POSITION_OPPOSE;
        a = &f[C_OPPOSE];
    } else if (f[C_CHANGE].found) {
        p = HSOK_POSITION_CHANGE;
        a = &f[C_CHANGE];
    }
    if (ev) {
        ev->nspans = 0;
        if (a) {
            ev->start[0] = a->start;
            ev->end[0] = a->end;
            ev->nspans = 1;
        }
        if (b) {
            ev->start[1] = b->start;
            ev->end[1] = b->end;
            ev->nspans = 2;
        }
    }
    return p;
}

hsok_position_t hsok_position_detect(const char *text, size_t len,
                                     hsok_position_evidence_t *ev)
{
    state_t st;
    memset(&st, 0, sizeof st);
    word_t w[MAXW];
    size_t n = 0; /* words of the window */
    int comma = 0;
    size_t i = 0;
    if (!text)
        len = 0;
    /* words of one sentence are collected, then read unless the sentence is a question */
    while (i <= len) {
        int question = 0;
        int end = i == len || sentence_end(text, len, i, &question);
        if (end || n == MAXW) {
            if (!question)
                read_window(&st, w, n);
            st.base += n;
            n = 0;
            comma = 0;
            if (i == len)
                break;
            if (end) {
                i++;
                continue;
            }
        }
        size_t p = punct_len((const unsigned char *)text + i, len - i);
        if (p) {
            char c = text[i];
            if (c == ',' || c == ':' || c == '(' || c == ')' || p == 3)
                comma = 1;
            i += p;
            continue;
        }
        size_t s = i;
        while (i < len && !punct_len((const unsigned char *)text + i, len - i) &&
               !(text[i] == '.' || text[i] == '!' || text[i] == '?' || text[i] == ';'))
            i++;
        word_t *x = &w[n++];
        x->start = s;
        x->end = i;
        x->comma = comma;
        comma = 0;
        lower_word(text + s, i - s, x->low, &x->cap);
    }
    return decide(&st, ev);
}

char *hsok_position_evidence_text(const char *text, const hsok_position_evidence_t *ev)
{
    static const char sep[] = " \xe2\x80\xa6 "; /* " … " */
    size_t n = 1, k = ev && text ? ev->nspans : 0;
    if (k > 2)
        k = 2;
    for (size_t i = 0; i < k; i++)
        n += ev->end[i] - ev->start[i] + sizeof sep;
    char *out = malloc(n), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < k; i++) {
        if (i) {
            memcpy(w, sep, sizeof sep - 1);
            w += sizeof sep - 1;
        }
        memcpy(w, text + ev->start[i], ev->end[i] - ev->start[i]);
        w += ev->end[i] - ev->start[i];
    }
    *w = 0;
    return out;
}

/* ---- form answers ---- */

/* Does the question ask for support or agreement? */
static int asks_position(const char *q)
{
    static const char *const asks[] = { "støtte", "støtta", "støttar", "enig", "einig",
                                         "samd", "positiv", "slutte", "slutta", "stille seg bak",
                                         "går inn for", "gå inn for", NULL };
    char low[512];
    size_t n = strlen(q);
    if (n >= sizeof low)
        n = sizeof low - 1;
    lower_copy(q, n, low);
    for (size_t i = 0; asks[i]; i++)
        if (strstr(low, asks[i]))
            return 1;
    return 0;
}

hsok_position_t hsok_position_from_answer(const char *question, const char *answer)
{
    if (!question || !answer || !asks_position(question))
        return HSOK_POSITION_NONE;
    size_t n = 0;
    while (answer[n] && answer[n] != ',' && answer[n] != ' ' && answer[n] != '.')
        n++;
    if (n == 2 && !strncasecmp(answer, "ja", 2))
        return HSOK_POSITION_SUPPORT;
    if (n == 3 && !strncasecmp(answer, "nei", 3))
        return HSOK_POSITION_OPPOSE;
    if (n == 6 && !strncasecmp(answer, "delvis", 6))
        return HSOK_POSITION_PARTIAL;
    return HSOK_POSITION_NONE;
}

/* ---- names ---- */

static const char *const ids[HSOK_POSITION_COUNT] = { "", "stotter", "imot", "delvis",
                                                      "endring" };
static const char *const labels[HSOK_POSITION_COUNT] = { "", "støtter", "går imot", "delvis",
                                                         "ber om endring" };

const char *hsok_position_id(hsok_position_t p)
{
    return (unsigned)p < HSOK_POSITION_COUNT ? ids[p] : "";
}

const char *hsok_position_label(hsok_position_t p)
{
    return (unsigned)p < HSOK_POSITION_COUNT ? labels[p] : "";
}

int hsok_position_parse(const char *s, hsok_position_t *out)
{
    static const struct {
        const char *name;
        hsok_position_t p;
    } names[] = {
        { "stotter", HSOK_POSITION_SUPPORT },    { "støtter", HSOK_POSITION_SUPPORT },
        { "støttar", HSOK_POSITION_SUPPORT },    { "støtte", HSOK_POSITION_SUPPORT },
        { "for", HSOK_POSITION_SUPPORT },        { "imot", HSOK_POSITION_OPPOSE },
        { "i mot", HSOK_POSITION_OPPOSE },       { "mot", HSOK_POSITION_OPPOSE },
        { "går imot", HSOK_POSITION_OPPOSE },    { "støtter ikke", HSOK_POSITION_OPPOSE },
        { "stotter-ikke", HSOK_POSITION_OPPOSE }, { "støttar ikkje", HSOK_POSITION_OPPOSE },
        { "uenig", HSOK_POSITION_OPPOSE },       { "delvis", HSOK_POSITION_PARTIAL },
        { "endring", HSOK_POSITION_CHANGE },     { "ber om endring", HSOK_POSITION_CHANGE },
        { "endre", HSOK_POSITION_CHANGE },       { "ingen", HSOK_POSITION_NONE },
        { "none", HSOK_POSITION_NONE },
    };
    if (!s)
        return -1;
    char low[WORDLEN];
    size_t n = strlen(s);
    if (n == 0 || n >= WORDLEN)
        return -1;
    int cap;
    lower_word(s, n, low, &cap);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(low, names[i].name)) {
            *out = names[i].p;
            return 0;
        }
    return -1;
}
