/* aliases.c — the respondent alias table (data/respondent-aliases.tsv): other names of an
 * organisation ("Legeforeningen", "KS") mapped to one name ("Den norske legeforening",
 * "Kommunesektorens organisasjon"), so that one respondent is not counted as two. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "buf.h"
#include "hsok/ingest.h"
#include "hsok/segment.h"
#include "hsok/text.h"
#include "hsok_config.h"

#define ALIASES_MAX (1024 * 1024)

typedef struct alias {
    char *key;        /* the normalised name (alias_key) */
    const char *name; /* the canonical name, in names[] */
    const char *type; /* its respondent type, or NULL */
} alias_t;

struct hsok_aliases {
    alias_t *v;
    size_t n, cap;
    char **names; /* strings the entries point at */
    size_t nnames, capnames;
    uint64_t hash; /* of the table's text */
};

static const char *const respondent_types[] = { "kommune", "fylkeskommune", "statsforvalter",
                                                "helseforetak", "statlig", "universitet",
                                                "organisasjon", "fagforening", "bedrift",
                                                "privatperson", "annet", NULL };

const char *hsok_respondent_type_name(const char *s, size_t n)
{
    for (size_t i = 0; respondent_types[i]; i++)
        if (strlen(respondent_types[i]) == n && !memcmp(respondent_types[i], s, n))
            return respondent_types[i];
    return NULL;
}

const char *hsok_respondent_type_at(size_t i)
{
    return i < sizeof respondent_types / sizeof *respondent_types ? respondent_types[i] : NULL;
}

const char *hsok_respondent_type_plural(const char *type)
{
    static const char *const plural[] = { "kommuner", "fylkeskommuner", "statsforvaltere",
                                          "helseforetak", "statlige etater",
                                          "universiteter/høgskoler", "organisasjoner",
                                          "fagforeninger", "bedrifter", "privatpersoner",
                                          "andre" };
    for (size_t i = 0; type && respondent_types[i]; i++)
        if (!strcmp(type, respondent_types[i]))
            return plural[i];
    return "uten type";
}

/* The key a name is looked up by: lower case, every run of characters other than letters and
 * digits one space, trimmed ("IKT-Norge" and "IKT Norge" are "ikt norge"). malloc'd or NULL. */
static char *alias_key(const char *s, size_t n)
{
    buf_t b = BUF_INIT;
    int gap = 0;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0) {
            k = 1;
            c = -1;
        }
        i += (size_t)k;
        utf8proc_category_t cat = c >= 0 ? utf8proc_category(c) : UTF8PROC_CATEGORY_CN;
        int keep = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                   cat == UTF8PROC_CATEGORY_ND;
        if (!keep) {
            gap = b.len > 0;
            continue;
        }
        if (gap)
            buf_addch(&b, ' ');
        gap = 0;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t e = utf8proc_encode_char(utf8proc_tolower(c), enc);
        buf_add(&b, enc, (size_t)e);
    }
    if (b.err) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static int cmp_alias(const void *a, const void *b)
{
    return strcmp(((const alias_t *)a)->key, ((const alias_t *)b)->key);
}

void hsok_aliases_free(hsok_aliases_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].key);
    for (size_t i = 0; i < t->nnames; i++)
        free(t->names[i]);
    free(t->v);
    free(t->names);
    free(t);
}

static const char *keep_name(hsok_aliases_t *t, const char *s, size_t n)
{
    if (t->nnames == t->capnames) {
        size_t nc = t->capnames ? t->capnames * 2 : 32;
        char **p = realloc(t->names, nc * sizeof *p);
        if (!p)
            return NULL;
        t->names = p;
        t->capnames = nc;
    }
    char *c = hsok_strndup(s, n);
    if (c)
        t->names[t->nnames++] = c;
    return c;
}

/* Add key -> name unless key is there already (the first line that names it wins). */
static int add_entry(hsok_aliases_t *t, const char *s, size_t n, const char *name,
                     const char *type)
{
    char *key = alias_key(s, n);
    if (!key)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i].key, key)) {
            free(key);
            return 0;
        }
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        alias_t *p = realloc(t->v, nc * sizeof *p);
        if (!p) {
            free(key);
            return -1;
        }
        t->v = p;
        t->cap = nc;
    }
    t->v[t->n++] = (alias_t){ key, name, type };
    return 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

hsok_status_t hsok_aliases_parse(const char *name, const char *text, size_t len,
                                 hsok_aliases_t **out, char **errmsg)
{
    *out = NULL;
    hsok_aliases_t *t = calloc(1, sizeof *t);
    if (!t)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    unsigned lineno = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        const char *s = text + i;
        size_t n = e - i;
        i = e + 1;
        lineno++;
        if (memchr(s, '\0', n)) {
            hsok_aliases_free(t);
            return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s' line %u: a nul byte", name, lineno);
        }
        if (!hsok_utf8_valid(s, n, NULL)) {
            hsok_aliases_free(t);
            return hsok_seterr(errmsg, HSOK_ERR_ENCODING, "'%s' line %u: not UTF-8", name,
                               lineno);
        }
        const char *f[3] = { 0 };
        size_t fl[3] = { 0 };
        size_t nf = 0;
        const char *p = s;
        size_t rest = n;
        while (nf < 3) {
            const char *tab = memchr(p, '\t', rest);
            size_t l = tab ? (size_t)(tab - p) : rest;
            f[nf] = p;
            fl[nf] = l;
            trim(&f[nf], &fl[nf]);
            nf++;
            if (!tab)
                break;
            p = tab + 1;
            rest -= l + 1;
        }
        const char *first = f[0];
        size_t firstl = fl[0];
        if ((nf == 1 && firstl == 0) || (firstl > 0 && first[0] == '#'))
            continue;
        if (nf < 2 || !firstl || !fl[1] || (nf == 3 && memchr(f[2], '\t', fl[2]))) {
            hsok_aliases_free(t);
            return hsok_seterr(errmsg, HSOK_ERR_PARSE,
                               "'%s' line %u: expected 'alias<TAB>name' or "
                               "'alias<TAB>name<TAB>type'",
                               name, lineno);
        }
        const char *type = NULL;
        if (nf == 3 && fl[2]) {
            type = hsok_respondent_type_name(f[2], fl[2]);
            if (!type) {
                hsok_aliases_free(t);
                return hsok_seterr(errmsg, HSOK_ERR_PARSE,
                                   "'%s' line %u: unknown respondent type '%.*s' (kommune, "
                                   "fylkeskommune, statsforvalter, helseforetak, statlig, "
                                   "universitet, organisasjon, fagforening, bedrift, "
                                   "privatperson, annet)",
                                   name, lineno, (int)fl[2], f[2]);
            }
        }
        const char *canon = keep_name(t, f[1], fl[1]);
        if (!canon || add_entry(t, f[0], fl[0], canon, type) ||
            add_entry(t, f[1], fl[1], canon, type)) {
            hsok_aliases_free(t);
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        }
    }
    if (t->n) /* t->v is NULL for an empty table */
        qsort(t->v, t->n, sizeof *t->v, cmp_alias);
    t->hash = hsok_hash64(text, len);
    *out = t;
    return HSOK_OK;
}

uint64_t hsok_aliases_hash(const hsok_aliases_t *t)
{
    return t ? t->hash : 0;
}

hsok_status_t hsok_aliases_load(hsok_aliases_t **out, char **errmsg)
{
    *out = NULL;
    const char *path = getenv("HSOK_ALIASES");
    if (path && !*path)
        return HSOK_OK;
    if (!path) {
        static const char *const paths[] = { "data/respondent-aliases.tsv",
                                             HSOK_DATADIR "/respondent-aliases.tsv",
                                             HSOK_SOURCE_ROOT "/data/respondent-aliases.tsv" };
        for (size_t i = 0; i < sizeof paths / sizeof *paths && !path; i++)
            if (access(paths[i], F_OK) == 0)
                path = paths[i];
        if (!path)
            return HSOK_OK;
    }
    char *text = NULL;
    size_t len = 0;
    hsok_status_t st = hsok_read_regular_file(path, ALIASES_MAX, &text, &len, errmsg);
    if (st == HSOK_OK)
        st = hsok_aliases_parse(path, text, len, out, errmsg);
    free(text);
    return st;
}

const char *hsok_aliases_lookup(const hsok_aliases_t *t, const char *name, const char **type)
{
    if (type)
        *type = NULL;
    if (!t || !name || !*name || !t->n)
        return NULL;
    char *key = alias_key(name, strlen(name));
    if (!key)
        return NULL;
    alias_t k = { key, NULL, NULL };
    const alias_t *hit = bsearch(&k, t->v, t->n, sizeof *t->v, cmp_alias);
    free(key);
    if (!hit)
        return NULL;
    if (type)
        *type = hit->type;
    return hit->name;
}
