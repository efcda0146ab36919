/* rtype.c — the respondent type of a name (hsok_respondent_type, see segment.h): the alias
 * table's TYPE column first, then Norwegian naming conventions. The rules read the name's
 * own words ("Lillevik kommune", "Statsforvaltaren i X", "Helse X HF", "X AS"), never a list
 * of particular respondents: those belong in data/respondent-aliases.tsv. */
#include <stdlib.h>
#include <string.h>

#include "hsok/segment.h"
#include "hsok/text.h"
#include "segment_internal.h"

enum { MAXW = 24 };

typedef struct words {
    char w[MAXW][64]; /* lower case, without surrounding punctuation */
    size_t end[MAXW]; /* byte offset in the name where each ends */
    size_t n;
} words_t;

static void split_words(const char *s, size_t n, words_t *out)
{
    out->n = 0;
    for (size_t i = 0; i < n && out->n < MAXW;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        size_t a = i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        size_t b = i;
        while (a < b && strchr("(\"'«", s[a]))
            a++;
        while (b > a && strchr(".,;:)\"'»", s[b - 1]))
            b--;
        if (b > a) {
            out->end[out->n] = b;
            seg_lower_word(s + a, b - a, out->w[out->n++], sizeof out->w[0]);
        }
    }
}

static int ends_with(const char *w, const char *suf)
{
    size_t l = strlen(w), sl = strlen(suf);
    return l >= sl && !strcmp(w + l - sl, suf);
}

static int is_any(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(w, list[i]))
            return 1;
    return 0;
}

static int ends_any(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (ends_with(w, list[i]))
            return 1;
    return 0;
}

static int starts_any(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strncmp(w, list[i], strlen(list[i])))
            return 1;
    return 0;
}

/* The core of a name: up to a comma, a bracket or " ved "/" v/" ("Oslo kommune, Helseetaten",
 * "Direktoratet for e-helse (Ehelse)"). */
static size_t core_len(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '(' || !strncmp(s + i, " ved ", 5) ||
            !strncmp(s + i, " v/", 3) || !strncmp(s + i, " - ", 3) ||
            !strncmp(s + i, " \xe2\x80\x93 ", 5))
            return i;
    return n;
}

/* The type the name's words give, or NULL; *doubt when the rule is often wrong. */
static const char *type_by_rules(const char *name, int *doubt)
{
    static const char *const municipal[] = { "kommune", "kommunen", "herad", "heradet", NULL };
    static const char *const county[] = { "fylkeskommune", "fylkeskommunen", NULL };
    static const char *const governor[] = { "statsforvalteren", "statsforvaltaren",
                                            "statsforvalter", "statsforvaltar", "fylkesmannen",
                                            "fylkesmann", NULL };
    static const char *const hospital_trust[] = { "hf", "rhf", NULL };
    static const char *const state_enterprise[] = { "sf", NULL };
    static const char *const company[] = { "as", "asa", "sa", "ans", "da", "a/s", "ab", "ltd",
                                           "inc", "gmbh", "llc", "plc", "nuf", NULL };
    static const char *const firm[] = { "advokatfirma", "advokatfirmaet", "konsern",
                                        "konsernet", NULL };
    static const char *const higher_ed[] = { "universitet", "universitetet", "høgskole",
                                             "høgskolen", "høyskole", "høyskolen", "høgskule",
                                             "høgskulen", "handelshøyskolen", "vitskapelege",
                                             NULL };
    /* the Norwegian universities' own short names */
    static const char *const uni_acr[] = { "ntnu", "uio", "uib", "uit", "nmbu", "oslomet", "uia",
                                           "uis", "usn", "hvl", NULL };
    static const char *const state_suffix[] = { "direktoratet", "direktorat", "tilsynet",
                                                "tilsyn", "etaten", "etat", "departementet",
                                                "departement", "ombudet", "ombod", "ombodet",
                                                "ombud", "verket", "nemnda", "nemnd",
                                                "revisjonen", NULL };
    static const char *const state_first[] = { "direktoratet", "statens", "riksadvokaten",
                                               "riksrevisjonen", "regjeringsadvokaten",
                                               "politiet", "forsvaret", "nav", "regjeringa",
                                               "regjeringen", NULL };
    static const char *const union_word[] = { "fagforening", "fagforeningen", "fagforbund",
                                              "fagforbundet", "fellesforbundet", "lærerlag",
                                              "lærarlag", "arbeidstakerorganisasjon", NULL };
    /* "-forbund" is a union's name ("Utdanningsforbundet", "Norsk Sykepleierforbund") except
     * for patients', disabled people's and sports' federations */
    static const char *const forbund[] = { "forbund", "forbundet", NULL };
    static const char *const not_union[] = { "handikap", "idrett", "diabetes", "blinde",
                                             "revmatik", "allergi", "hørsel", "kreft", "nyre",
                                             "hjerte", "lunge", "epilepsi", "autism",
                                             "funksjonshem", "pasient", "bruker", "kristeleg",
                                             "kristelig", "sentralforbund", "landsforbund",
                                             "student", "elev", "ungdom", "pensjonist", NULL };
    static const char *const private_first[] = { "privatperson", "privat", "anonym", "anonymt",
                                                 NULL };
    static const char *const org_first[] = { "norsk", "norske", "norges", "noregs", "landsforeningen",
                                             "landslaget", "foreningen", "stiftelsen",
                                             "organisasjonen", "nasjonalforeningen", NULL };
    static const char *const org_suffix[] = { "forening", "foreningen", "organisasjon",
                                              "organisasjonen", "stiftelse", "stiftelsen",
                                              "forbund", "forbundet", "lag", "laget", "rådet",
                                              "råd", "nettverk", "nettverket", "senter",
                                              "senteret", "institutt", "instituttet",
                                              "samskipnad", "samskipnaden", "allianse",
                                              "alliansen", "union", "unionen", NULL };
    /* political parties and their local branches: "annet" */
    static const char *const party_suffix[] = { "partiet", "parti", "partilag", NULL };
    static const char *const party_first[] = { "rødt", "raudt", "høyre", "venstre", "frp",
                                               "krf", "sv", "mdg", "ap", "sp", "framstegspartiet",
                                               "fremskrittspartiet", NULL };
    /* words of ordinary language, not of a person's name ("Medisinsk", "Laboratorium") */
    static const char *const not_person[] = { "isk", "iske", "ium", "sjon", "tet", "het",
                                              "lig", "ing", "else", "eri", "ologi", "tek",
                                              "tikk", "senter", "gruppen", "gruppe", "klinikk",
                                              "kontor", "partner", "partners", "consulting",
                                              "solutions", "group", "data", "tech", "digital",
                                              "helse", "media", "system", "systems", "lab",
                                              "service", "services", NULL };
    *doubt = 0;
    words_t all, core;
    split_words(name, strlen(name), &all);
    split_words(name, core_len(name), &core);
    if (all.n == 0)
        return NULL;
    if (core.n == 0)
        core = all;
    const char *first = core.w[0], *last = core.w[core.n - 1];
    if (is_any(first, private_first) ||
        (core.n >= 3 && !strcmp(first, "person") && !strcmp(core.w[1], "som")))
        return "privatperson";
    for (size_t i = 0; i < core.n; i++)
        if (is_any(core.w[i], county))
            return "fylkeskommune";
    for (size_t i = 1; i < core.n; i++)
        if (is_any(core.w[i], municipal))
            return "kommune";
    if (is_any(first, governor))
        return "statsforvalter";
    if (core.n >= 2 && is_any(last, hospital_trust))
        return "helseforetak";
    for (size_t i = 0; i < core.n; i++)
        if (ends_with(core.w[i], "sykehus") || ends_with(core.w[i], "sykehuset") ||
            ends_with(core.w[i], "sjukehus") || ends_with(core.w[i], "sjukehuset")) {
            *doubt = 1; /* not every hospital is a health trust's */
            return "helseforetak";
        }
    if (core.n == 2 && !strcmp(first, "helse")) {
        *doubt = 1; /* "Helse Vest": a regional health trust without its "RHF" */
        return "helseforetak";
    }
    if (core.n >= 2 && is_any(last, state_enterprise))
        return "statlig";
    if (core.n >= 2 && is_any(last, company))
        return "bedrift";
    if (is_any(first, firm))
        return "bedrift";
    for (size_t i = 0; i < all.n; i++)
        if (is_any(all.w[i], higher_ed) || ends_with(all.w[i], "høgskulen") ||
            ends_with(all.w[i], "høyskolen") || ends_with(all.w[i], "høgskolen"))
            return "universitet";
    if (is_any(first, uni_acr))
        return "universitet";
    if (ends_any(last, state_suffix) || is_any(first, state_first) ||
        ends_with(last, "myndighet") || ends_with(last, "myndigheten") ||
        ends_with(last, "sentralbyrå"))
        return "statlig";
    for (size_t i = 0; i < core.n; i++)
        if (ends_any(core.w[i], party_suffix) || (i == 0 && core.n <= 3 &&
                                                  is_any(core.w[i], party_first)))
            return "annet";
    for (size_t i = 0; i < core.n; i++)
        if (is_any(core.w[i], union_word))
            return "fagforening";
    for (size_t i = 0; i < core.n; i++)
        if (ends_any(core.w[i], forbund)) {
            if (starts_any(core.w[i], not_union) || is_any(core.w[i], forbund))
                return "organisasjon";
            *doubt = 1;
            return "fagforening";
        }
    int orgish = 0;
    for (size_t i = 0; i < core.n && !orgish; i++)
        orgish = (ends_any(core.w[i], org_suffix) && !ends_with(core.w[i], "forlag")) ||
                 (i == 0 && is_any(core.w[i], org_first));
    if (orgish)
        return "organisasjon";
    size_t cl = core_len(name);
    if (resp_org_name(name)) {
        *doubt = 1;
        return "organisasjon";
    }
    for (size_t i = 0; i < core.n; i++)
        if (ends_any(core.w[i], not_person))
            return NULL;
    if (resp_person_name(name, cl))
        return "privatperson";
    return NULL;
}

/* "Advokatforeningens lovutvalg for …", "Oslo kommunes eldreråd": a body of the organisation
 * named with a possessive has its owner's type. The owner's name (malloc'd), or NULL. */
static char *possessive_owner(const char *name)
{
    static const char *const owners[] = { "foreningen", "forening", "forbundet", "forbund",
                                          "kommune", "kommunen", "direktoratet", "tilsynet",
                                          "etaten", "departementet", "universitetet",
                                          "universitet", "høgskolen", "høgskulen",
                                          "organisasjonen", "rådet", "ombudet", "instituttet",
                                          "senteret", "stiftelsen", "laget", "partiet", "hf",
                                          "rhf", "statsforvalteren", "statsforvaltaren",
                                          "fylkesmannen", NULL };
    words_t w;
    size_t n = core_len(name);
    split_words(name, n, &w);
    for (size_t i = 0; i + 1 < w.n; i++) {
        size_t l = strlen(w.w[i]);
        if (l < 3 || w.w[i][l - 1] != 's')
            continue;
        w.w[i][l - 1] = '\0';
        if (ends_any(w.w[i], owners) && w.end[i] > 1)
            return hsok_strndup(name, w.end[i] - 1);
        return NULL; /* only the first possessive word */
    }
    return NULL;
}

const char *hsok_respondent_type(const char *name, const hsok_aliases_t *aliases,
                                 const char **how, int *doubt)
{
    int d = 0;
    const char *type = NULL, *h = NULL;
    char *owner = name && *name ? possessive_owner(name) : NULL;
    if (owner) {
        type = hsok_respondent_type(owner, aliases, &h, &d);
        free(owner);
        if (type)
            name = NULL; /* found */
    }
    if (name && *name) {
        if (hsok_aliases_lookup(aliases, name, &type) && type) {
            h = "alias table";
        } else {
            type = type_by_rules(name, &d);
            h = type ? "name" : NULL;
        }
    }
    if (how)
        *how = h;
    if (doubt)
        *doubt = type ? d : 0;
    /* the one static copy of each name, as hsok_respondent_type_name gives it */
    return type ? hsok_respondent_type_name(type, strlen(type)) : NULL;
}
