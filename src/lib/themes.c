/* themes.c — the codebook parser and the passage tagger (see themes.h for the file format and
 * the scoring rule).
 *
 * Terms are analysed once, at load time, with the same analyzer as search (QUERY mode); a
 * passage is analysed once (DOCUMENT mode, so compound parts come from the analyzer's splitter)
 * into a token array, and every theme's terms are matched against that array.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "hsok/ingest.h"
#include "hsok/segment.h"
#include "hsok/themes.h"
#include "hsok_config.h"
#include "lemma.h"

#define PART_FACTOR 0.7      /* a term that is a modifier of a compound ("personvern" in
                              * "personvernhensyn") */
#define HEAD_PART_FACTOR 1.0 /* a term that is its head, the part that names what the
                              * compound is ("forskriften" in "kjernejournalforskriften") */
#define MAX_COUNT_FACTOR 2.0
#define HEADING_FACTOR 0.7 /* a term in the passage's own heading (at 1, more false than true
                            * positives on the tune parts: issue 10) */
#define HEADING_OUTER_FACTOR 0.5 /* a term in a heading above that */
#define HEADING_MAX 200
#define CONTEXT_OWN 0.5       /* context: the passage's own score, of the threshold */
#define CONTEXT_NEIGHBOUR 2.0 /* context: the neighbour's own score, of the threshold (at 1.5
                               * a neighbour with one strong term lent its theme, and
                               * regelverk and styring lost precision on the dev corpus) */

typedef enum { T_WORD, T_PHRASE, T_PREFIX } tkind_t;

typedef struct term {
    tkind_t kind;
    double weight;
    char **stems;   /* T_WORD: 1 stem; T_PHRASE: n stems; T_PREFIX: 1 normalised prefix */
    size_t n;
    char *norm;     /* T_WORD: the word as written, normalised (a passage word whose lemma or
                     * bokmål/nynorsk concept it is matches it too) */
    char *text;     /* as written in the file, for messages */
} term_t;

typedef struct theme {
    hsok_theme_info_t info;
    char *id, *label, *description, *parent, *file;
    term_t *terms;
    size_t nterms, capterms;
    term_t *excl;
    size_t nexcl, capexcl;
    size_t parent_ix; /* index of the parent theme, or (size_t)-1 */
} theme_t;

struct hsok_codebook {
    theme_t *themes;
    size_t n, cap;
    double threshold;
    hsok_analyzer_t *an;
    uint64_t hash;
    char fingerprint[17];
};

/* ---- codebook ---- */

const char *hsok_codebook_default_dir(void)
{
    const char *env = getenv("HSOK_THEMES");
    if (env && *env)
        return env;
    DIR *d = opendir("themes");
    if (d) {
        closedir(d);
        return "themes";
    }
    return HSOK_DATADIR "/themes";
}

hsok_status_t hsok_codebook_new(hsok_codebook_t **out, char **errmsg)
{
    *out = NULL;
    hsok_codebook_t *cb = calloc(1, sizeof *cb);
    if (!cb)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    hsok_status_t st = hsok_analyzer_new(&cb->an, errmsg);
    if (st != HSOK_OK) {
        free(cb);
        return st;
    }
    cb->threshold = HSOK_DEFAULT_THRESHOLD;
    cb->hash = 1469598103934665603ull;
    *out = cb;
    return HSOK_OK;
}

static void term_free(term_t *t)
{
    free(t->norm);
    for (size_t i = 0; i < t->n; i++)
        free(t->stems[i]);
    free(t->stems);
    free(t->text);
}

static void theme_free(theme_t *t)
{
    free(t->id);
    free(t->label);
    free(t->description);
    free(t->parent);
    free(t->file);
    for (size_t i = 0; i < t->nterms; i++)
        term_free(&t->terms[i]);
    free(t->terms);
    for (size_t i = 0; i < t->nexcl; i++)
        term_free(&t->excl[i]);
    free(t->excl);
}

void hsok_codebook_free(hsok_codebook_t *cb)
{
    if (!cb)
        return;
    for (size_t i = 0; i < cb->n; i++)
        theme_free(&cb->themes[i]);
    free(cb->themes);
    hsok_analyzer_free(cb->an);
    free(cb);
}

void hsok_codebook_set_threshold(hsok_codebook_t *cb, double threshold)
{
    if (cb && threshold > 0)
        cb->threshold = threshold;
}

double hsok_codebook_threshold(const hsok_codebook_t *cb)
{
    return cb ? cb->threshold : HSOK_DEFAULT_THRESHOLD;
}

size_t hsok_codebook_count(const hsok_codebook_t *cb)
{
    return cb ? cb->n : 0;
}

const hsok_theme_info_t *hsok_codebook_theme(const hsok_codebook_t *cb, size_t i)
{
    return cb && i < cb->n ? &cb->themes[i].info : NULL;
}

const hsok_theme_info_t *hsok_codebook_find(const hsok_codebook_t *cb, const char *id)
{
    for (size_t i = 0; cb && id && i < cb->n; i++)
        if (!strcmp(cb->themes[i].id, id))
            return &cb->themes[i].info;
    return NULL;
}

const char *hsok_codebook_fingerprint(const hsok_codebook_t *cb)
{
    hsok_codebook_t *m = (hsok_codebook_t *)cb;
    char th[32];
    snprintf(th, sizeof th, "%.6g", cb->threshold);
    uint64_t h = cb->hash ^ hsok_hash64(th, strlen(th));
    snprintf(m->fingerprint, sizeof m->fingerprint, "%016llx", (unsigned long long)h);
    return m->fingerprint;
}

/* ---- parsing ---- */

typedef struct pctx {
    hsok_codebook_t *cb;
    const char *name;
    unsigned line;
    char **errmsg;
} pctx_t;

static hsok_status_t perr(pctx_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static hsok_status_t perr(pctx_t *p, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hsok_seterr(p->errmsg, HSOK_ERR_PARSE, "'%s' line %u: %s", p->name, p->line, msg);
}

typedef struct tokv {
    char **stem;
    char **norm;
    size_t n, cap;
    int stopwords;
    int nomem;
} tokv_t;

static int collect(void *ctx, const hsok_token_t *t)
{
    tokv_t *v = ctx;
    if (t->flags & HSOK_TOKEN_PART)
        return 0;
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 8;
        char **a = realloc(v->stem, nc * sizeof *a);
        if (a)
            v->stem = a;
        char **b = realloc(v->norm, nc * sizeof *b);
        if (b)
            v->norm = b;
        if (!a || !b) {
            v->nomem = 1;
            return 1;
        }
        v->cap = nc;
    }
    v->stem[v->n] = hsok_strndup(t->stem, t->stem_len);
    v->norm[v->n] = hsok_strndup(t->norm, t->norm_len);
    if (!v->stem[v->n] || !v->norm[v->n]) {
        free(v->stem[v->n]);
        free(v->norm[v->n]);
        v->nomem = 1;
        return 1;
    }
    v->stopwords += (t->flags & HSOK_TOKEN_STOPWORD) != 0;
    v->n++;
    return 0;
}

static void tokv_free(tokv_t *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->stem[i]);
        free(v->norm[i]);
    }
    free(v->stem);
    free(v->norm);
}

int hsok_parse_decimal(const char *s, size_t n, double *out)
{
    /* by hand, not strtod: that takes hex, exponents, "inf", "nan", signs and spaces, and
     * reads the decimal point of the locale */
    double mant = 0, scale = 1;
    size_t digits = 0, dots = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (++dots > 1)
                return -1;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (++digits > 15)
                return -1; /* the mantissa stays exact, so the value is correctly rounded */
            mant = mant * 10 + (s[i] - '0');
            if (dots)
                scale *= 10;
        } else {
            return -1;
        }
    }
    if (!digits)
        return -1;
    *out = mant / scale;
    return 0;
}

/* Parse "[weight] term" into t. */
static hsok_status_t parse_term(pctx_t *p, char *s, term_t *t, int with_weight)
{
    memset(t, 0, sizeof *t);
    t->weight = 1.0;
    size_t k = with_weight ? strcspn(s, " \t") : 0;
    char *end = NULL;
    if (k && s[k]) {
        /* a first word that reads as a number is a weight: it must be a plain one ("0x10",
         * "inf", "nan", "1e3", "-1" are not taken as 16, infinity, 1000 or a negative) */
        double w;
        char c = s[k];
        s[k] = '\0';
        int plain = hsok_parse_decimal(s, k, &w) == 0;
        int numeric = plain || (strtod(s, &end), end == s + k);
        s[k] = c;
        if (numeric && !plain)
            return perr(p, "weight '%.*s' is not a plain decimal number (digits with at most "
                           "one '.', like 2.5)", (int)k, s);
        if (plain && (!(w > 0) || w > 100))
            return perr(p, "weight %.*s is out of range (0 < weight <= 100)", (int)k, s);
        if (!plain && (isdigit((unsigned char)*s) || *s == '.'))
            return perr(p, "a weight must be a number followed by the term%s", "");
        if (plain) {
            t->weight = w;
            s += k;
            while (*s == ' ' || *s == '\t')
                s++;
        }
    } else if (k && (isdigit((unsigned char)*s) || *s == '.')) {
        return perr(p, "a weight must be a number followed by the term%s", "");
    }
    size_t n = strlen(s);
    int phrase = 0, prefix = 0;
    if (n && (*s == '"' || !strncmp(s, "\xe2\x80\x9c", 3) || !strncmp(s, "\xc2\xab", 2))) {
        size_t open = *s == '"' ? 1 : (unsigned char)*s == 0xE2 ? 3 : 2;
        const char *closers[] = { "\"", "\xe2\x80\x9d", "\xc2\xbb" };
        size_t cl = 0;
        for (int k = 0; k < 3 && !cl; k++) {
            size_t kl = strlen(closers[k]);
            if (n >= open + kl && !memcmp(s + n - kl, closers[k], kl))
                cl = kl;
        }
        if (!cl)
            return perr(p, "unbalanced quote in %s", s);
        s[n - cl] = '\0';
        s += open;
        n = strlen(s);
        phrase = 1;
    } else if (strchr(s, '"')) {
        return perr(p, "stray quote in '%s' (quote a whole phrase: \"two words\")", s);
    } else if (n && s[n - 1] == '*') {
        s[--n] = '\0';
        prefix = 1;
    }
    if (!n)
        return perr(p, "empty term%s", "");
    if (!hsok_utf8_valid(s, n, NULL))
        return perr(p, "term is not UTF-8%s", "");
    t->text = strdup(s);
    if (!t->text)
        return hsok_seterr(p->errmsg, HSOK_ERR_NOMEM, "out of memory");
    tokv_t v = { 0 };
    hsok_analyze(p->cb->an, s, n, HSOK_ANALYZE_QUERY, NULL, collect, &v);
    if (v.nomem) {
        tokv_free(&v);
        return hsok_seterr(p->errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    if (v.n == 0) {
        tokv_free(&v);
        return perr(p, "'%s' has no words", t->text);
    }
    if (prefix) {
        if (v.n != 1) {
            tokv_free(&v);
            return perr(p, "a prefix term is one word: '%s*'", t->text);
        }
        t->kind = T_PREFIX;
        t->stems = malloc(sizeof *t->stems);
        if (!t->stems) {
            tokv_free(&v);
            return hsok_seterr(p->errmsg, HSOK_ERR_NOMEM, "out of memory");
        }
        t->stems[0] = v.norm[0];
        v.norm[0] = NULL;
        t->n = 1;
        tokv_free(&v);
        return HSOK_OK;
    }
    if (v.n == 1 && !phrase && v.stopwords) {
        tokv_free(&v);
        return perr(p, "'%s' is a stopword: it would match almost every passage", t->text);
    }
    t->kind = v.n == 1 ? T_WORD : T_PHRASE;
    t->stems = v.stem;
    t->n = v.n;
    v.stem = NULL;
    if (t->kind == T_WORD) {
        t->norm = v.norm[0];
        v.norm[0] = NULL;
    }
    for (size_t i = 0; i < v.n; i++)
        free(v.norm[i]);
    free(v.norm);
    return HSOK_OK;
}

static int push_term(term_t **v, size_t *n, size_t *cap, term_t *t)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        term_t *p = realloc(*v, nc * sizeof *p);
        if (!p)
            return -1;
        *v = p;
        *cap = nc;
    }
    (*v)[(*n)++] = *t;
    return 0;
}

static int valid_id(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

hsok_status_t hsok_codebook_add(hsok_codebook_t *cb, const char *name, const char *text,
                                size_t len, char **errmsg)
{
    if (!cb || (!text && len))
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no codebook or text");
    if (!name)
        name = "(theme)";
    pctx_t p = { cb, name, 0, errmsg };
    if (!hsok_utf8_valid(text, len, NULL)) {
        p.line = 1;
        size_t bad = 0;
        hsok_utf8_valid(text, len, &bad);
        for (size_t i = 0; i < bad; i++)
            p.line += text[i] == '\n';
        return perr(&p, "not valid UTF-8%s", "");
    }
    theme_t th;
    memset(&th, 0, sizeof th);
    th.parent_ix = (size_t)-1;
    double threshold = 0;
    enum { HEAD, TERMS, EXCL } mode = HEAD;
    hsok_status_t st = HSOK_OK;
    char *copy = hsok_strndup(text ? text : "", len);
    if (!copy)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    char *s = copy;
    if (!strncmp(s, "\xef\xbb\xbf", 3))
        s += 3;
    /* split lines by hand: strtok_r would skip empty lines and break line numbers */
    char *line = s;
    while (line && st == HSOK_OK) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        p.line++;
        char *l = trim(line);
        line = nl ? nl + 1 : NULL;
        if (!*l || *l == '#')
            continue;
        if (!strcmp(l, "terms:")) {
            mode = TERMS;
            continue;
        }
        if (!strcmp(l, "exclude:")) {
            mode = EXCL;
            continue;
        }
        char *colon = strchr(l, ':');
        int is_key = 0;
        if (colon && mode == HEAD) {
            is_key = 1;
        } else if (colon && mode != HEAD) {
            /* "label: x" after the lists is a header line out of place; a term never has an
             * unquoted ':' followed by a space except in phrases */
            char *k = l;
            while (*k && ((*k >= 'a' && *k <= 'z')))
                k++;
            if (k == colon && (colon[1] == ' ' || colon[1] == '\0') && *l != '"')
                is_key = 1;
        }
        if (is_key) {
            if (mode != HEAD) {
                st = perr(&p, "header line '%s' after the term lists", l);
                break;
            }
            *colon = '\0';
            char *key = trim(l), *val = trim(colon + 1);
            char **slot = NULL;
            if (!strcmp(key, "id"))
                slot = &th.id;
            else if (!strcmp(key, "label"))
                slot = &th.label;
            else if (!strcmp(key, "description"))
                slot = &th.description;
            else if (!strcmp(key, "parent"))
                slot = &th.parent;
            else if (!strcmp(key, "threshold")) {
                double v;
                if (hsok_parse_decimal(val, strlen(val), &v) || !(v > 0) || v > 1000) {
                    st = perr(&p, "threshold '%s' is not a plain decimal number above 0 and at "
                                  "most 1000 (like 2.5)", val);
                    break;
                }
                threshold = v;
                continue;
            } else {
                st = perr(&p, "unknown key '%s' (known: id, label, description, parent, "
                              "threshold, terms:, exclude:)", key);
                break;
            }
            if (*slot) {
                st = perr(&p, "'%s' given twice", key);
                break;
            }
            if (slot == &th.id && !valid_id(val)) {
                st = perr(&p, "id '%s' must be lowercase letters, digits and '-'", val);
                break;
            }
            if (slot == &th.parent && *val && !valid_id(val)) {
                st = perr(&p, "parent '%s' is not a theme id", val);
                break;
            }
            if (!(*slot = strdup(val))) {
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                break;
            }
            continue;
        }
        if (mode == HEAD) {
            st = perr(&p, "expected 'key: value' or 'terms:', got '%s'", l);
            break;
        }
        term_t t;
        st = parse_term(&p, l, &t, mode == TERMS);
        if (st != HSOK_OK) {
            term_free(&t);
            break;
        }
        int rc = mode == TERMS ? push_term(&th.terms, &th.nterms, &th.capterms, &t)
                               : push_term(&th.excl, &th.nexcl, &th.capexcl, &t);
        if (rc < 0) {
            term_free(&t);
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        }
    }
    free(copy);
    if (st == HSOK_OK) {
        p.line = 0;
        if (!th.id)
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': no 'id:' line", name);
        else if (!th.label)
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': no 'label:' line", name);
        else if (th.nterms == 0)
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': no terms (add a 'terms:' list)",
                             name);
        else if (hsok_codebook_find(cb, th.id))
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': theme id '%s' is used twice", name,
                             th.id);
    }
    if (st == HSOK_OK && cb->n == cb->cap) {
        size_t nc = cb->cap ? cb->cap * 2 : 8;
        theme_t *v = realloc(cb->themes, nc * sizeof *v);
        if (!v)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        else {
            cb->themes = v;
            cb->cap = nc;
        }
    }
    if (st == HSOK_OK && ((!th.description && !(th.description = strdup(""))) ||
                          (!th.parent && !(th.parent = strdup(""))) ||
                          !(th.file = strdup(name))))
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (st != HSOK_OK) {
        theme_free(&th);
        return st;
    }
    th.info.id = th.id;
    th.info.label = th.label;
    th.info.description = th.description;
    th.info.parent = th.parent;
    th.info.file = th.file;
    th.info.threshold = threshold;
    th.info.nterms = th.nterms;
    cb->themes[cb->n++] = th;
    cb->hash ^= hsok_hash64(text ? text : "", len) + 0x9e3779b97f4a7c15ull + (cb->hash << 6);
    return HSOK_OK;
}

hsok_status_t hsok_codebook_check(hsok_codebook_t *cb, char **errmsg)
{
    for (size_t i = 0; i < cb->n; i++) {
        theme_t *t = &cb->themes[i];
        t->parent_ix = (size_t)-1;
        if (!*t->parent)
            continue;
        for (size_t j = 0; j < cb->n; j++)
            if (!strcmp(cb->themes[j].id, t->parent))
                t->parent_ix = j;
        if (t->parent_ix == (size_t)-1)
            return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': parent '%s' is not a theme",
                               t->file, t->parent);
        if (t->parent_ix == i)
            return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': theme '%s' is its own parent",
                               t->file, t->id);
    }
    for (size_t i = 0; i < cb->n; i++) {
        size_t k = i, steps = 0;
        while (cb->themes[k].parent_ix != (size_t)-1) {
            k = cb->themes[k].parent_ix;
            if (++steps > cb->n)
                return hsok_seterr(errmsg, HSOK_ERR_PARSE,
                                   "'%s': the parents of theme '%s' form a cycle",
                                   cb->themes[i].file, cb->themes[i].id);
        }
    }
    return HSOK_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

hsok_status_t hsok_codebook_load_dir(const char *dir, hsok_codebook_t **out, char **errmsg)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return hsok_seterr(errmsg, errno == ENOENT ? HSOK_ERR_NOT_FOUND : HSOK_ERR_IO,
                           "cannot open theme directory '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    hsok_status_t st = HSOK_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 7 || strcmp(e->d_name + l - 6, ".theme"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **v = realloc(names, cap * sizeof *v);
            if (!v) {
                st = HSOK_ERR_NOMEM;
                break;
            }
            names = v;
        }
        if (!(names[n] = strdup(e->d_name))) {
            st = HSOK_ERR_NOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    hsok_codebook_t *cb = NULL;
    if (st == HSOK_OK)
        st = hsok_codebook_new(&cb, errmsg);
    else
        hsok_seterr(errmsg, st, "out of memory");
    if (st == HSOK_OK && n == 0)
        st = hsok_seterr(errmsg, HSOK_ERR_EMPTY, "no *.theme files in '%s'", dir);
    if (st == HSOK_OK)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n && st == HSOK_OK; i++) {
        buf_t path = BUF_INIT;
        buf_addf(&path, "%s/%s", dir, names[i]);
        char *data = NULL;
        size_t len = 0;
        if (path.err)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        else
            st = hsok_read_regular_file(path.data, HSOK_MAX_CONTROL_BYTES, &data, &len, errmsg);
        if (st == HSOK_ERR_NOT_FOUND) /* gone since the listing */
            st = HSOK_ERR_IO;
        if (st == HSOK_OK)
            st = hsok_codebook_add(cb, path.data, data, len, errmsg);
        buf_free(&path);
        free(data);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (st == HSOK_OK)
        st = hsok_codebook_check(cb, errmsg);
    if (st != HSOK_OK) {
        hsok_codebook_free(cb);
        return st;
    }
    *out = cb;
    return HSOK_OK;
}

/* ---- tagging ---- */

typedef struct ptok {
    char *norm, *stem;
    size_t start, end;  /* the surface word (a part carries its word's offsets) */
    unsigned pos;
    int part;
    int head;   /* a part that ends its word: the compound's head */
    int skip;   /* names the hearing or an organisation: no evidence (see mark_names) */
    char *lv;   /* its lemmas and variant concepts, NUL-separated (with a lemmatizer) */
    size_t lvlen;
} ptok_t;

typedef struct ptoks {
    ptok_t *v;
    size_t n, cap;
    int nomem;
    const char *text; /* the analysed text */
    size_t len;
} ptoks_t;

static int collect_passage(void *ctx, const hsok_token_t *t)
{
    ptoks_t *p = ctx;
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 64;
        ptok_t *v = realloc(p->v, nc * sizeof *v);
        if (!v) {
            p->nomem = 1;
            return 1;
        }
        p->v = v;
        p->cap = nc;
    }
    ptok_t *k = &p->v[p->n];
    k->norm = hsok_strndup(t->norm, t->norm_len);
    k->stem = hsok_strndup(t->stem, t->stem_len);
    if (!k->norm || !k->stem) {
        free(k->norm);
        free(k->stem);
        p->nomem = 1;
        return 1;
    }
    k->start = t->start;
    k->end = t->end;
    k->pos = t->pos;
    k->part = (t->flags & HSOK_TOKEN_PART) != 0;
    k->head = 0;
    if (k->part && p->n > 0) {
        /* parts follow their word: the word is the last token that is not a part */
        size_t w = p->n;
        while (w > 0 && p->v[w - 1].part)
            w--;
        if (w > 0) {
            size_t wl = strlen(p->v[w - 1].norm);
            k->head = wl > t->norm_len && p->v[w - 1].start == k->start &&
                      !memcmp(p->v[w - 1].norm + wl - t->norm_len, t->norm, t->norm_len);
        }
    }
    k->skip = 0;
    k->lv = NULL;
    k->lvlen = t->lemmas_len + t->variants_len;
    if (k->lvlen) {
        k->lv = malloc(k->lvlen);
        if (!k->lv) {
            free(k->norm);
            free(k->stem);
            p->nomem = 1;
            return 1;
        }
        memcpy(k->lv, t->lemmas, t->lemmas_len);
        memcpy(k->lv + t->lemmas_len, t->variants, t->variants_len);
    }
    p->n++;
    return 0;
}

static void ptoks_free(ptoks_t *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].norm);
        free(p->v[i].stem);
        free(p->v[i].lv);
    }
    free(p->v);
}

typedef struct tagacc {
    double score;
    int vetoed;
    buf_t ev;       /* evidence words, NUL-separated, distinct */
    size_t nev;
    const char *pfx; /* put before each evidence word added ("heading: "), or NULL */
} tagacc_t;

static void add_evidence(tagacc_t *a, const char *s, size_t n)
{
    size_t pl = a->pfx ? strlen(a->pfx) : 0;
    for (size_t off = 0; off < a->ev.len;) {
        const char *w = a->ev.data + off;
        size_t wl = strlen(w);
        if (wl == pl + n && !memcmp(w, a->pfx ? a->pfx : "", pl) && !memcmp(w + pl, s, n))
            return;
        off += wl + 1;
    }
    if (pl)
        buf_add(&a->ev, a->pfx, pl);
    buf_add(&a->ev, s, n);
    buf_addch(&a->ev, '\0');
    a->nev++;
}

/* ---- what only names the hearing or an organisation ---- */

#define SKIP_REF 1 /* in a sentence that refers to the hearing ("Vi viser til høringen om …") */
#define SKIP_ORG 2 /* an organisation's name or a part of it ("beredskapsdepartementet") */
#define SKIP_URL 3 /* a word of a web address ("…/forslag-til-ny-arkivlov/") */
#define SHORT_SENTENCE 20 /* words: "Vi har gitt høyringssvar til framlegget om ny lov." */

/* The last parts of compounds that name an organisation, and their inflection endings. */
static const char *const org_heads[] = {
    "departement", "direktorat", "kommisjon", "utvalg", "utval", "forening", "foreining",
    "forbund", "tilsyn", "råd", "nemnd", "ombud", NULL
};
static const char *const org_endings[] = { "", "s", "et", "ets", "en", "ens", "a", "as", "e",
                                           "ene", "ane", NULL };

/* Does norm name an organisation: a compound (something before the head) ending in an
 * organisation word ("personvernkommisjonen", "beredskapsdepartementets")? */
static int is_org_name(const char *norm)
{
    size_t n = strlen(norm);
    for (size_t h = 0; org_heads[h]; h++) {
        size_t hl = strlen(org_heads[h]);
        for (size_t e = 0; org_endings[e]; e++) {
            size_t el = strlen(org_endings[e]);
            if (n < hl + el + 3)
                continue;
            if (!memcmp(norm + n - el, org_endings[e], el) &&
                !memcmp(norm + n - el - hl, org_heads[h], hl))
                return 1;
        }
    }
    return 0;
}

static int starts_with(const char *s, const char *pfx)
{
    return !strncmp(s, pfx, strlen(pfx));
}

/* The word "høring" itself (bokmål, nynorsk), not a compound of it */
static int is_bare_hearing(const char *norm)
{
    return !strcmp(norm, "høring") || !strcmp(norm, "høyring") || !strcmp(norm, "horing");
}

/* Is norm one of the words of the NULL-terminated list w? */
static int in_list(const char *norm, const char *const *w)
{
    for (size_t k = 0; w[k]; k++)
        if (!strcmp(norm, w[k]))
            return 1;
    return 0;
}

/* A past form of sending or laying out ("sendt/sende/lagt/lagd ut på høring"), bokmål and
 * nynorsk; not "sendes", which asks for it */
static int is_sent_out(const char *norm)
{
    static const char *const w[] = { "sendt", "sendte", "sende", "lagt", "lagd", "lagde", NULL };
    return in_list(norm, w);
}

/* A word about the hearing itself: høring, høringsnotat, høyringsbrev, … */
static int is_hearing_word(const char *norm)
{
    /* "horing": written without ø, as some sites do ("Til horingen: …") */
    return starts_with(norm, "høring") || starts_with(norm, "høyring") ||
           starts_with(norm, "horing");
}

/* The letter that sent the hearing, in "Vi viser til brev fra departementet av …": a hearing
 * word only with "viser til", "takker for", "svar på" ("brev fra NAV" alone says nothing
 * about the hearing) */
static int is_letter_word(const char *norm)
{
    return !strcmp(norm, "brev") || !strcmp(norm, "brevet") || !strcmp(norm, "brevets");
}

/* What a short referring sentence names instead of the hearing: the proposal ("Det vises til
 * oversendt forslag til …"), or the respondent's own input ("Vi takker for muligheten til å
 * gi innspill til utkast til …", "… har mottatt forslaget til uttalelse") */
static int is_input_word(const char *norm)
{
    static const char *const w[] = { "innspill", "innspel", "uttalelse", "uttalelsen",
                                     "uttale", "fråsegn", "fråsegna", "kommentarer",
                                     "merknader", "merknadar", NULL };
    return in_list(norm, w);
}

/* "mottatt" (bokmål), "motteke", "mottok": "Vi har mottatt forslaget til uttalelse" */
static int is_received(const char *norm)
{
    static const char *const w[] = { "mottatt", "mottatte", "motteke", "mottok", NULL };
    return in_list(norm, w);
}

/* Does text[i..len) begin with s? (The text need not end in a NUL.) */
static int at(const char *t, size_t len, size_t i, const char *s)
{
    size_t n = strlen(s);
    return len - i >= n && !memcmp(t + i, s, n);
}

/* Is token i followed by a dash or a colon, as in a title "Høring – …", "Høringssak: …"? */
static int title_dash(const ptoks_t *p, size_t i)
{
    size_t o = p->v[i].end;
    while (o < p->len && (p->text[o] == ' ' || p->text[o] == '\t'))
        o++;
    return o < p->len && (p->text[o] == '-' || p->text[o] == ':' ||
                          at(p->text, p->len, o, "\xe2\x80\x93") ||
                          at(p->text, p->len, o, "\xe2\x80\x94"));
}

/* The index of the next word (not a compound part) after token i, or b if none before b. */
static size_t next_word(const ptoks_t *p, size_t i, size_t b)
{
    size_t j = i + 1;
    while (j < b && p->v[j].part)
        j++;
    return j;
}

/* Does a proposal's name start with w: "forslag", "utkast", "framlegg", "NOU", "endring…"? */
static int is_proposal_word(const char *w)
{
    return w && (!strcmp(w, "forslag") || !strcmp(w, "forslaget") || !strcmp(w, "utkast") ||
                 !strcmp(w, "utkastet") || !strcmp(w, "framlegg") || !strcmp(w, "framlegget") ||
                 !strcmp(w, "nou") || starts_with(w, "endring"));
}

/* Is the hearing word at token i followed by what it is about ("høringen om …", "høyringssvar
 * til …", "høringsnotat fra …", "høringen gjelder …", "høyringa gjeld …", "høring av forslag
 * til …", "høringssvar på forslag til …")? The deadline ("høringsfristen på tre uker") is not
 * the hearing's subject. */
static int names_subject(const ptoks_t *p, size_t i, size_t b)
{
    if (strstr(p->v[i].norm, "frist") || strstr(p->v[i].norm, "instans"))
        return 0;
    /* "høring av forslag …", "høringssvar på utkast …": only before a proposal's name
     * ("Høringen av barn …" hears a child) */
    size_t j1 = next_word(p, i, b);
    if (j1 < b && (!strcmp(p->v[j1].norm, "av") || !strcmp(p->v[j1].norm, "på"))) {
        size_t j2 = next_word(p, j1, b);
        return j2 < b && is_proposal_word(p->v[j2].norm);
    }
    static const char *const next[] = { "om", "til", "fra", "frå", "vedrørende", "vedr",
                                        "gjelder", "gjeld", NULL };
    if (j1 >= b)
        return 0;
    for (size_t k = 0; next[k]; k++)
        if (!strcmp(p->v[j1].norm, next[k]))
            return 1;
    return 0;
}

static int is_title(const ptoks_t *p);

/* Does word i open a proposal's title: "NOU …", "Forslag til …", "Utkast til …", "Framlegg
 * til …" (the next word before b)? */
static int opens_title(const ptoks_t *p, size_t i, size_t b)
{
    static const char *const first[] = { "forslag", "utkast", "framlegg", NULL };
    if (!strcmp(p->v[i].norm, "nou"))
        return 1;
    size_t j = next_word(p, i, b);
    if (j >= b || strcmp(p->v[j].norm, "til"))
        return 0;
    for (size_t k = 0; first[k]; k++)
        if (!strcmp(p->v[i].norm, first[k]))
            return 1;
    return 0;
}

/* Is w[0..n) an abbreviation: a dot inside it ("m.v", "m.m.", "bl.a.") or one of "mv.", "mm.",
 * "osv.", "mfl."? A word with only a final dot ("personvern.") ends a sentence. */
static int is_abbreviation(const char *w, size_t n)
{
    static const char *const plain[] = { "mv.", "mm.", "osv.", "mfl.", NULL };
    const char *dot = memchr(w, '.', n);
    if (dot && dot + 1 < w + n)
        return 1;
    for (size_t k = 0; plain[k]; k++)
        if (strlen(plain[k]) == n && !memcmp(w, plain[k], n))
            return 1;
    return 0;
}

/* "utarbeidet", "skrevet", "avgitt" (bokmål, nynorsk): before "av", who wrote the response */
static int is_credit_verb(const char *w)
{
    static const char *const verbs[] = { "utarbeidet", "utarbeidd", "utarbeida", "skrevet",
                                         "skrive", "skriven", "avgitt", "avgjeve", NULL };
    for (size_t k = 0; verbs[k]; k++)
        if (!strcmp(w, verbs[k]))
            return 1;
    return 0;
}

/* Does text t begin with a capital letter (A-Z, Æ, Ø, Å, É)? */
static int starts_capital(const char *t, size_t n)
{
    const unsigned char *u = (const unsigned char *)t;
    if (n >= 1 && u[0] >= 'A' && u[0] <= 'Z')
        return 1;
    return n >= 2 && u[0] == 0xc3 && (u[1] == 0x86 || u[1] == 0x98 || u[1] == 0x85 || u[1] == 0x89);
}

/* Words that open a sentence without naming anyone: "Det er en …", "Dette er et …", "At …" */
static int is_opening_word(const char *norm)
{
    static const char *const w[] = { "at", "det", "dette", "den", "denne", "dei", "de", "disse",
                                     "desse", "vi", "eg", "jeg", "i", "på", "for", "med", "når",
                                     "som", "hvis", "dersom", "men", "og", "så", "derfor",
                                     "difor", "her", "der", "slik", "etter", "generelt",
                                     "samtidig", "videre", "dessuten", "forslaget",
                                     "framlegget", "utkastet", "tiltaket", "ordningen",
                                     "ordninga", "løsningen", "løysinga", "hvem", "kven",
                                     "hva", "kva", "hvorvidt", "korvidt", "hvordan", "korleis",
                                     "hvorfor", "kvifor", NULL };
    return in_list(norm, w);
}

/* Does norm end in a word for a body ("…organisasjon", "…forening", "fagorgan", "stiftelse")? */
static int is_body_word(const char *norm)
{
    static const char *const heads[] = { "organisasjon", "forening", "foreining", "forbund",
                                         "nettverk", "råd", "komité", "komite", "stiftelse",
                                         "organ", "instans", "utvalg", "utval", "selskap",
                                         "institutt", "senter", "senteret", "fellesskap",
                                         "direktorat", "etat",
                                         /* "en av tre fagkomiteer", "ein av fleire organisasjonar" */
                                         "komiteer", "komitéer", "organisasjoner",
                                         "organisasjonar", "foreninger", "foreiningar",
                                         "stiftelser", "organer", "instanser", "instansar",
                                         "selskaper", "institutter", NULL };
    size_t n = strlen(norm);
    for (size_t h = 0; heads[h]; h++) {
        size_t hl = strlen(heads[h]);
        /* the word itself, or a compound's head ("samarbeidsråd"; not "tråd") */
        if ((n == hl || n >= hl + 3) && !memcmp(norm + n - hl, heads[h], hl))
            return 1;
    }
    return 0;
}

/* Does the sentence [a, b) describe the respondent rather than say something: a name opening
 * it ("NEM", "Skate", "Nasjonalforeningen for folkehelsen") followed within a few words by "er
 * en/et … organisasjon/fagorgan/samarbeidsråd …", "består av …" or "representerer … (members,
 * a number)"? ("NEM er en av tre fagkomiteer …", "FEK består av tre nasjonale
 * forskningsetiske komiteer …"). What it goes on to say in later sentences still counts. */
static int is_self_description(const ptoks_t *p, size_t a, size_t b)
{
    size_t w[24], nw = 0;
    for (size_t i = a; i < b && nw < 24; i++)
        if (!p->v[i].part)
            w[nw++] = i;
    if (nw < 3)
        return 0;
    const ptok_t *f = &p->v[w[0]];
    if (!starts_capital(p->text + f->start, p->len - f->start) || is_opening_word(f->norm))
        return 0;
    for (size_t j = 1; j < nw && j <= 8; j++) {
        const char *v = p->v[w[j]].norm;
        if (!strcmp(v, "består") && j + 1 < nw &&
            !strcmp(p->v[w[j + 1]].norm, "av"))
            return 1;
        if (!strcmp(v, "representerer")) {
            for (size_t k = j + 1; k < nw && k <= j + 8; k++) {
                const ptok_t *x = &p->v[w[k]];
                if (starts_with(x->norm, "medlem") || (x->norm[0] >= '0' && x->norm[0] <= '9'))
                    return 1;
            }
            return 0;
        }
        if (!strcmp(v, "er")) {
            if (j + 1 >= nw)
                return 0;
            for (size_t k = j + 1; k < nw && k <= j + 6; k++)
                if (is_body_word(p->v[w[k]].norm))
                    return 1;
            return 0;
        }
    }
    return 0;
}

/* Does the sentence of tokens [a, b) (words only) refer to the hearing rather than say
 * something: a hearing word (or the letter: "brev") and either "viser/syner til", "takker for",
 * "svar på", or the hearing word opening the sentence as a title ("Høring – forslag til …",
 * "Til høringen: …"), followed by what it is about in a short sentence ("Høringen gjelder …"),
 * or sent out ("… har sendt forslaget på høring")? */
static int is_reference(const ptoks_t *p, size_t a, size_t b)
{
    int hearing = 0, refers = 0, first = 1, named = 0, cue = 0;
    size_t since_sent = SIZE_MAX; /* words since the last is_sent_out word */
    const char *prev = "";
    size_t words = 0;
    for (size_t i = a; i < b; i++)
        words += !p->v[i].part;
    for (size_t i = a; i < b; i++) {
        const ptok_t *k = &p->v[i];
        if (k->part)
            continue;
        if (is_letter_word(k->norm))
            hearing = 1;
        if ((is_proposal_word(k->norm) && !starts_with(k->norm, "endring")) ||
            is_input_word(k->norm))
            named = 1;
        if (is_received(k->norm))
            cue = 1;
        if (is_hearing_word(k->norm)) {
            hearing = 1;
            /* a title: "Høring – …", "Høringssak: …", and a page's label before the
             * hearing's title, "Til høringen: Høring – …" (not "Til høringen: Vi mener …") */
            if (first && title_dash(p, i))
                refers = 1;
            if (i > a && !strcmp(prev, "til") && p->v[i - 1].start == p->v[a].start &&
                title_dash(p, i)) {
                size_t j = next_word(p, i, b);
                if (j < b && (is_hearing_word(p->v[j].norm) || is_proposal_word(p->v[j].norm)))
                    refers = 1;
            }
            if (names_subject(p, i, b) && words <= SHORT_SENTENCE)
                refers = 1;
            /* "… har sendt forslaget på høring", "vart lagd ut på høyring": what was done, in
             * a short sentence; not "før forslaget sendes på høring" (a demand) nor a compound
             * ("høringsmøtet") */
            if (!strcmp(prev, "på") && since_sent <= 3 && words <= SHORT_SENTENCE &&
                is_bare_hearing(k->norm))
                refers = 1;
        }
        if ((!strcmp(k->norm, "til") &&
             (starts_with(prev, "vise") || starts_with(prev, "viste") || !strcmp(prev, "vist") ||
              !strcmp(prev, "syner") || !strcmp(prev, "synte") || !strcmp(prev, "vises"))) ||
            (!strcmp(k->norm, "for") && (starts_with(prev, "takk"))) ||
            (!strcmp(k->norm, "på") && !strcmp(prev, "svar"))) {
            refers = 1;
            /* "Vi viser til at …", "Vi takker for at …" go on to say something */
            size_t j = next_word(p, i, b);
            if (j >= b || (strcmp(p->v[j].norm, "at") && strcmp(p->v[j].norm, "om")))
                cue = 1;
        }
        /* a credit: "Høringssvaret er utarbeidet av lovutvalget for IKT og personvern",
         * "Skrevet av …" */
        if (!strcmp(k->norm, "av") && is_credit_verb(prev))
            hearing = refers = 1;
        if (since_sent != SIZE_MAX)
            since_sent++;
        if (is_sent_out(k->norm))
            since_sent = 0;
        prev = k->norm;
        first = 0;
    }
    /* the proposal or one's own input named in a short sentence that only refers to it, in
     * one clause ("Det vises til oversendt forslag til endringer i …"; not "Vi takker for
     * muligheten til å gi innspill, og vil peke på …") */
    if (named && cue && words <= SHORT_SENTENCE &&
        !memchr(p->text + p->v[a].start, ',', p->v[b - 1].end - p->v[a].start) &&
        !memchr(p->text + p->v[a].start, ';', p->v[b - 1].end - p->v[a].start))
        return 1;
    return (hearing && refers) ||
           (a == 0 && b == p->n && is_title(p));
}

/* Is the whole text the title of a proposal: one line without a sentence's end, opening with
 * "Forslag til", "Utkast til", "Framlegg til" or "NOU" ("Forslag til forskrift om felles
 * behandlingsansvar …")? */
static int is_title(const ptoks_t *p)
{
    size_t w[2], nw = 0;
    for (size_t i = 0; i < p->n && nw < 2; i++)
        if (!p->v[i].part)
            w[nw++] = i;
    if (nw < 2 || memchr(p->text, '\n', p->len))
        return 0;
    /* no sentence in it: no full stop, or only those of an abbreviation that ends the title
     * ("… pasientjournalloven m.v", "… m.m.", "… mv."); "jf. pkt. 2" inside is a sentence's */
    const char *t = p->text;
    size_t end = p->len, last = 0;
    while (end > 0 && (t[end - 1] == ' ' || t[end - 1] == '\t' || t[end - 1] == '\r'))
        end--;
    for (size_t i = end; i > 0; i--)
        if (t[i - 1] == ' ' || t[i - 1] == '\t') {
            last = i;
            break;
        }
    for (size_t i = 0; i < p->len; i++)
        if (t[i] == '?' || t[i] == '!' || (t[i] == '.' && i < last))
            return 0;
    if (memchr(t + last, '.', end - last) && !is_abbreviation(t + last, end - last))
        return 0;
    return opens_title(p, w[0], p->n);
}

/* Is byte i of text the end of a sentence: '.', '!' or '?' followed by space and a capital
 * letter, or a line break? */
static int sentence_end(const char *text, size_t len, size_t i)
{
    if (text[i] == '\n')
        return 1;
    if (text[i] != '.' && text[i] != '!' && text[i] != '?')
        return 0;
    size_t j = i + 1;
    if (j >= len || (text[j] != ' ' && text[j] != '\t'))
        return 0;
    while (j < len && (text[j] == ' ' || text[j] == '\t'))
        j++;
    if (j >= len)
        return 0;
    unsigned char c = (unsigned char)text[j];
    if (c >= 'A' && c <= 'Z')
        return 1;
    /* Æ Ø Å */
    return c == 0xC3 && j + 1 < len &&
           ((unsigned char)text[j + 1] == 0x86 || (unsigned char)text[j + 1] == 0x98 ||
            (unsigned char)text[j + 1] == 0x85);
}

/* Mark the words of web addresses: "https://…", "http://…", "www.…" up to the next space. */
static void mark_urls(ptoks_t *p)
{
    const char *t = p->text;
    size_t len = p->len, k = 0; /* tokens are in text order: one pass over both */
    for (size_t i = 0; i < len; i++) {
        if ((i > 0 && t[i - 1] != ' ' && t[i - 1] != '\n' && t[i - 1] != '\t' && t[i - 1] != '(' &&
             t[i - 1] != '<') ||
            !(at(t, len, i, "http://") || at(t, len, i, "https://") || at(t, len, i, "www.")))
            continue;
        size_t e = i;
        while (e < len && t[e] != ' ' && t[e] != '\n' && t[e] != '\t')
            e++;
        while (k < p->n && p->v[k].start < i)
            k++;
        for (; k < p->n && p->v[k].start < e; k++)
            p->v[k].skip = SKIP_URL;
        i = e;
    }
}

/* Mark the words of a quoted title: «Høring – forslag til …», «Høyringsnotat – …», «Forslag til
 * ny arkivlov»: between « and » (or "…"), opening with a hearing word, "forslag/utkast/framlegg
 * til" or "NOU". */
static void mark_quoted_titles(ptoks_t *p)
{
    static const char *const open[] = { "\xc2\xab", "\xe2\x80\x9c", "\"" };  /* « “ " */
    static const char *const close[] = { "\xc2\xbb", "\xe2\x80\x9d", "\"" }; /* » ” " */
    const char *t = p->text;
    size_t len = p->len, k0 = 0; /* tokens are in text order: one pass over both */
    size_t dead[3] = { 0, 0, 0 }; /* no closing quote of that kind before this offset's line end */
    for (size_t i = 0; i < len; i++) {
        size_t q = 0, e;
        while (q < 3 && !at(t, len, i, open[q]))
            q++;
        if (q == 3 || i < dead[q] ||
            (q == 2 && i > 0 && t[i - 1] != ' ' && t[i - 1] != '\n'))
            continue;
        size_t ol = strlen(open[q]), cl = strlen(close[q]);
        for (e = i + ol; e + cl <= len && !at(t, len, e, close[q]) && t[e] != '\n'; e++)
            ;
        if (e + cl > len || t[e] == '\n') {
            dead[q] = e; /* openers of this kind up to here find no closer either */
            i += ol - 1;
            continue;
        }
        while (k0 < p->n && p->v[k0].start < i + ol)
            k0++;
        /* a hearing word opens a title when written as one: capital, then a dash or colon
         * or what it is about («Høring – …», «Høyringsnotat om …»), not a quoted sentence
         * («Høringsinstansene har …») */
        int title = k0 < p->n && p->v[k0].start < e &&
                    ((is_hearing_word(p->v[k0].norm) && t[p->v[k0].start] == 'H' &&
                      (title_dash(p, k0) || names_subject(p, k0, p->n))) ||
                     opens_title(p, k0, p->n));
        for (; k0 < p->n && p->v[k0].start < e; k0++)
            if (title)
                p->v[k0].skip = SKIP_REF;
        i = e + cl - 1;
    }
}

/* Mark the tokens that are no evidence of a theme: the words of sentences that refer to the
 * hearing (its title names the theme, but the respondent says nothing about it there), and
 * organisation names with their parts ("Justis- og beredskapsdepartementet" is not about
 * beredskap). A term that is the whole name still matches it (see match_term). */
static void mark_names(ptoks_t *p)
{
    const char *text = p->text;
    size_t len = p->len;
    for (size_t i = 0; i < p->n; i++) {
        ptok_t *k = &p->v[i];
        if (k->part || !is_org_name(k->norm))
            continue;
        k->skip = SKIP_ORG;
        for (size_t j = i + 1; j < p->n && p->v[j].part && p->v[j].start == k->start; j++)
            p->v[j].skip = SKIP_ORG;
    }
    mark_urls(p);
    mark_quoted_titles(p);
    size_t a = 0; /* first token of the current sentence */
    for (size_t i = 0; i <= len; i++) {
        if (i < len && !sentence_end(text, len, i))
            continue;
        size_t b = a;
        while (b < p->n && p->v[b].start <= i)
            b++;
        if (b > a && (is_reference(p, a, b) || is_self_description(p, a, b)))
            for (size_t j = a; j < b; j++)
                p->v[j].skip = SKIP_REF;
        a = b;
    }
}

/* Count a term's occurrences in the passage: *full (word/phrase as such), *head (as the
 * head of a compound), *part (as another compound part). Evidence words are added to acc
 * when acc != NULL. */
static void match_term(const term_t *t, const ptoks_t *p, const char *text, int honour_skip,
                       size_t *full, size_t *head, size_t *part, tagacc_t *acc)
{
    *full = *head = *part = 0;
    size_t last_start = (size_t)-1; /* a word counts once, however many of its parts match */
    for (size_t i = 0; i < p->n; i++) {
        const ptok_t *k = &p->v[i];
        if (honour_skip && (k->skip == SKIP_REF || k->skip == SKIP_URL ||
                            (k->skip == SKIP_ORG && (k->part || t->kind == T_PREFIX))))
            continue;
        if (t->kind == T_WORD) {
            if ((strcmp(k->stem, t->stems[0]) &&
                 !(k->lvlen && lemma_list_has(k->lv, k->lvlen, t->norm, strlen(t->norm)))) ||
                k->start == last_start)
                continue;
            last_start = k->start;
            if (k->head) {
                (*head)++;
            } else if (k->part) {
                (*part)++;
            } else {
                (*full)++;
            }
            if (acc)
                add_evidence(acc, text + k->start, k->end - k->start);
        } else if (t->kind == T_PREFIX) {
            size_t pl = strlen(t->stems[0]);
            if (k->part || strncmp(k->norm, t->stems[0], pl))
                continue;
            (*full)++;
            if (acc)
                add_evidence(acc, text + k->start, k->end - k->start);
        } else {
            if (k->part || strcmp(k->stem, t->stems[0]))
                continue;
            /* the next words (skipping compound parts) must follow in order */
            size_t j = i, m = 1;
            size_t last = i;
            while (m < t->n) {
                j++;
                while (j < p->n && p->v[j].part)
                    j++;
                if (j >= p->n || p->v[j].pos != p->v[last].pos + 1 ||
                    strcmp(p->v[j].stem, t->stems[m]))
                    break;
                last = j;
                m++;
            }
            if (m < t->n)
                continue;
            (*full)++;
            if (acc)
                add_evidence(acc, text + k->start, p->v[last].end - k->start);
        }
    }
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct sorted {
    const char **stems, **norms;
    size_t n;
    const char **lvs; /* the passage's lemmas and variant concepts */
    size_t nlv;
} sorted_t;

/* The first of the sorted v[0..n) that is not below key (n if none). */
static size_t lower_bound(const char **v, size_t n, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(v[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Could t occur in the passage? (its first stem is there; for a prefix, some form starts
 * with it) */
static int may_match(const term_t *t, const sorted_t *s)
{
    const char *key = t->stems[0];
    if (t->kind == T_WORD && s->nlv) {
        size_t k = lower_bound(s->lvs, s->nlv, t->norm);
        if (k < s->nlv && !strcmp(s->lvs[k], t->norm))
            return 1;
    }
    const char **v = t->kind == T_PREFIX ? s->norms : s->stems;
    size_t lo = lower_bound(v, s->n, key);
    if (lo == s->n)
        return 0;
    if (t->kind == T_PREFIX)
        return !strncmp(v[lo], key, strlen(key));
    return !strcmp(v[lo], key);
}

#define ON_OWN 1     /* tagged by its own score */
#define ON_PARENT 2  /* implied by a tagged child */
#define ON_CONTEXT 3 /* tagged by its neighbours (hsok_tagging_context) */

struct hsok_tagging {
    hsok_tag_t *tags;
    size_t n;
    const char ***evs; /* each tag's evidence array; the strings are owned */
    /* every theme of the codebook, tagged or not, for hsok_tagging_context */
    const hsok_codebook_t *cb;
    tagacc_t *acc; /* cb->n: score and evidence */
    int *on;       /* cb->n: 0 or ON_* */
};

size_t hsok_tagging_count(const hsok_tagging_t *t)
{
    return t ? t->n : 0;
}

const hsok_tag_t *hsok_tagging_get(const hsok_tagging_t *t, size_t i)
{
    return t && i < t->n ? &t->tags[i] : NULL;
}

static void tags_clear(hsok_tagging_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->evs && t->evs[i]) {
            for (size_t k = 0; k < t->tags[i].nevidence; k++)
                free((char *)t->evs[i][k]);
            free(t->evs[i]);
        }
    }
    free(t->evs);
    free(t->tags);
    t->evs = NULL;
    t->tags = NULL;
    t->n = 0;
}

void hsok_tagging_free(hsok_tagging_t *t)
{
    if (!t)
        return;
    tags_clear(t);
    for (size_t i = 0; t->acc && i < t->cb->n; i++)
        buf_free(&t->acc[i].ev);
    free(t->acc);
    free(t->on);
    free(t);
}

static double theme_threshold(const hsok_codebook_t *cb, size_t i)
{
    return cb->themes[i].info.threshold > 0 ? cb->themes[i].info.threshold : cb->threshold;
}

/* Tag the parents of the themes tagged `how` (ON_OWN or ON_CONTEXT) that are not tagged
 * yet, with the child's score and evidence. */
static void imply_parents(const hsok_codebook_t *cb, tagacc_t *acc, int *on, int how)
{
    for (size_t i = 0; i < cb->n; i++) {
        if (on[i] != how)
            continue;
        size_t k = cb->themes[i].parent_ix;
        size_t child = i;
        while (k != (size_t)-1) {
            if (!on[k]) {
                on[k] = ON_PARENT;
                if (acc[k].score < acc[child].score)
                    acc[k].score = acc[child].score;
                for (size_t off = 0; off < acc[child].ev.len;) {
                    const char *w = acc[child].ev.data + off;
                    size_t wl = strlen(w);
                    add_evidence(&acc[k], w, wl);
                    off += wl + 1;
                }
            }
            child = k;
            k = cb->themes[k].parent_ix;
        }
    }
}

/* (Re)build t's tag list from its themes' on and acc, in codebook order. */
static hsok_status_t tags_build(hsok_tagging_t *tg)
{
    const hsok_codebook_t *cb = tg->cb;
    tags_clear(tg);
    size_t n = 0;
    for (size_t i = 0; i < cb->n; i++)
        n += tg->on[i] != 0;
    tg->tags = calloc(n ? n : 1, sizeof *tg->tags);
    tg->evs = calloc(n ? n : 1, sizeof *tg->evs);
    if (!tg->tags || !tg->evs)
        return HSOK_ERR_NOMEM;
    for (size_t i = 0; i < cb->n; i++) {
        if (!tg->on[i])
            continue;
        tagacc_t *a = &tg->acc[i];
        if (a->ev.err)
            return HSOK_ERR_NOMEM;
        hsok_tag_t *t = &tg->tags[tg->n];
        const char **ev = calloc(a->nev ? a->nev : 1, sizeof *ev);
        if (!ev)
            return HSOK_ERR_NOMEM;
        tg->evs[tg->n] = ev;
        t->theme = cb->themes[i].id;
        t->score = round(a->score * 100.0) / 100.0;
        /* sure: its own words reach the level at which it lends the theme to its neighbours */
        t->unsure = tg->on[i] == ON_CONTEXT ||
                    a->score < CONTEXT_NEIGHBOUR * theme_threshold(cb, i) - 1e-9;
        t->evidence = ev;
        tg->n++;
        size_t k = 0;
        for (size_t off = 0; off < a->ev.len; k++) {
            const char *w = a->ev.data + off;
            size_t wl = strlen(w);
            ev[k] = hsok_strndup(w, wl);
            if (!ev[k])
                return HSOK_ERR_NOMEM;
            t->nevidence = k + 1;
            off += wl + 1;
        }
    }
    return HSOK_OK;
}

/* Score text[0..len) for every theme into acc: its terms' weights times factor, evidence
 * words with acc's prefix. An exclusion vetoes the theme for the passage (veto_all) or only
 * this text's contribution (a heading). */
static hsok_status_t score_text(const hsok_codebook_t *cb, hsok_analyzer_t *an,
                                const char *text, size_t len, double factor, int veto_all,
                                const char *pfx, tagacc_t *acc)
{
    ptoks_t p = { 0 };
    p.text = text ? text : "";
    p.len = len;
    hsok_status_t st = hsok_analyze(an, p.text, len, HSOK_ANALYZE_DOCUMENT, NULL,
                                    collect_passage, &p);
    /* the passage's stems and forms, sorted, so a term that cannot match is skipped without
     * scanning the tokens (a codebook has hundreds of terms) */
    const char **stems = malloc((p.n ? p.n : 1) * sizeof *stems);
    const char **norms = malloc((p.n ? p.n : 1) * sizeof *norms);
    if (st != HSOK_OK || p.nomem || !stems || !norms) {
        free(stems);
        free(norms);
        ptoks_free(&p);
        return HSOK_ERR_NOMEM;
    }
    mark_names(&p);
    for (size_t i = 0; i < p.n; i++) {
        stems[i] = p.v[i].stem;
        norms[i] = p.v[i].norm;
    }
    qsort(stems, p.n, sizeof *stems, cmp_cstr);
    qsort(norms, p.n, sizeof *norms, cmp_cstr);
    size_t nlv = 0;
    for (size_t i = 0; i < p.n; i++)
        for (size_t off = 0; off < p.v[i].lvlen; off += strlen(p.v[i].lv + off) + 1)
            nlv++;
    const char **lvs = malloc((nlv ? nlv : 1) * sizeof *lvs);
    if (!lvs) {
        free(stems);
        free(norms);
        ptoks_free(&p);
        return HSOK_ERR_NOMEM;
    }
    nlv = 0;
    for (size_t i = 0; i < p.n; i++)
        for (size_t off = 0; off < p.v[i].lvlen; off += strlen(p.v[i].lv + off) + 1)
            lvs[nlv++] = p.v[i].lv + off;
    qsort(lvs, nlv, sizeof *lvs, cmp_cstr);
    sorted_t present = { stems, norms, p.n, lvs, nlv };

    for (size_t i = 0; i < cb->n; i++) {
        const theme_t *th = &cb->themes[i];
        tagacc_t *a = &acc[i];
        size_t full, head, part;
        int vetoed = a->vetoed;
        for (size_t e = 0; e < th->nexcl && !vetoed; e++) {
            if (!may_match(&th->excl[e], &present))
                continue;
            match_term(&th->excl[e], &p, text, 0, &full, &head, &part, NULL);
            if (full)
                vetoed = 1;
        }
        if (vetoed && veto_all)
            a->vetoed = 1;
        if (vetoed)
            continue;
        a->pfx = pfx;
        for (size_t k = 0; k < th->nterms; k++) {
            const term_t *t = &th->terms[k];
            if (!may_match(t, &present))
                continue;
            match_term(t, &p, text, 1, &full, &head, &part, NULL);
            size_t c = full + head + part;
            if (!c)
                continue;
            double w = t->weight * (full ? 1.0 : head ? HEAD_PART_FACTOR : PART_FACTOR);
            double f = 1.0 + 0.5 * (double)(c - 1);
            if (f > MAX_COUNT_FACTOR)
                f = MAX_COUNT_FACTOR;
            a->score += w * f * factor;
            match_term(t, &p, text, 1, &full, &head, &part, a);
        }
        a->pfx = NULL;
    }
    free(stems);
    free(norms);
    free(lvs);
    ptoks_free(&p);
    return HSOK_OK;
}

/* The headings of a section path ("1 Innledning › 1.2 Personvern"), innermost first, scored
 * as evidence for the passage under them: the innermost at HEADING_FACTOR of a term's weight,
 * the ones above it at HEADING_OUTER_FACTOR. A heading longer than HEADING_MAX bytes is a
 * paragraph taken for a heading, not a heading. */
#define HEADING_SEP "\xe2\x80\xba" /* › */

/* Is h[0..n) a heading of the consultation's own form rather than the respondent's: a
 * question ("2) Har dere innspill til …?"), a numbered question or goal ("Spørsmål 3",
 * "Mål 2: Helsedata til forbedring", "Delmål 1.2")? The respondent answers under it, so it
 * tells what was asked, not what the passage is about. */
static int is_form_heading(const char *h, size_t n)
{
    static const char *const words[] = { "mål ", "delmål ", "spørsmål ", "spm ", "spm. ",
                                         "spørsmål nr", NULL };
    if (h[n - 1] == '?')
        return 1;
    size_t d = 0;
    while (d < n && h[d] >= '0' && h[d] <= '9')
        d++;
    if (d > 0 && d < n && h[d] == ')')
        return 1;
    for (size_t k = 0; words[k]; k++) {
        size_t wl = strlen(words[k]);
        if (n > wl && !strncasecmp(h, words[k], wl) && h[wl] >= '0' && h[wl] <= '9')
            return 1;
    }
    return 0;
}
static hsok_status_t score_headings(const hsok_codebook_t *cb, hsok_analyzer_t *an,
                                    const char *section, tagacc_t *acc)
{
    size_t len = strlen(section);
    size_t end = len;
    int innermost = 1;
    while (end > 0) {
        /* the last " › " before end */
        size_t start = 0;
        for (size_t i = end; i >= 3; i--)
            if (!memcmp(section + i - 3, HEADING_SEP, 3)) {
                start = i;
                break;
            }
        size_t hs = start, he = end;
        while (hs < he && (section[hs] == ' ' || section[hs] == '\t'))
            hs++;
        while (he > hs && (section[he - 1] == ' ' || section[he - 1] == '\t'))
            he--;
        if (he > hs && he - hs <= HEADING_MAX && !is_form_heading(section + hs, he - hs)) {
            hsok_status_t st = score_text(cb, an, section + hs, he - hs,
                                          innermost ? HEADING_FACTOR : HEADING_OUTER_FACTOR, 0,
                                          "heading: ", acc);
            if (st != HSOK_OK)
                return st;
        }
        innermost = 0;
        end = start >= 3 ? start - 3 : 0;
    }
    return HSOK_OK;
}

hsok_status_t hsok_tag_text(const hsok_codebook_t *cb, hsok_analyzer_t *an, const char *text,
                            size_t len, hsok_tagging_t **out, char **errmsg)
{
    return hsok_tag_passage(cb, an, text, len, NULL, out, errmsg);
}

hsok_status_t hsok_tag_passage(const hsok_codebook_t *cb, hsok_analyzer_t *an,
                               const char *text, size_t len, const char *section,
                               hsok_tagging_t **out, char **errmsg)
{
    *out = NULL;
    if (!cb || !an || (!text && len))
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no codebook, analyzer or text");
    tagacc_t *acc = calloc(cb->n ? cb->n : 1, sizeof *acc);
    hsok_tagging_t *tg = calloc(1, sizeof *tg);
    if (!acc || !tg) {
        free(acc);
        free(tg);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < cb->n; i++)
        buf_init(&acc[i].ev);
    tg->cb = cb;
    tg->acc = acc;
    hsok_status_t st = score_text(cb, an, text, len, 1.0, 1, NULL, acc);
    if (st == HSOK_OK && section && *section)
        st = score_headings(cb, an, section, acc);
    /* tagged themes, then their parents */
    if (st == HSOK_OK && !(tg->on = calloc(cb->n ? cb->n : 1, sizeof *tg->on)))
        st = HSOK_ERR_NOMEM;
    for (size_t i = 0; st == HSOK_OK && i < cb->n; i++)
        if (!acc[i].vetoed && acc[i].score >= theme_threshold(cb, i) - 1e-9)
            tg->on[i] = ON_OWN;
    if (st == HSOK_OK) {
        imply_parents(cb, acc, tg->on, ON_OWN);
        st = tags_build(tg);
    }
    if (st != HSOK_OK) {
        hsok_tagging_free(tg);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    *out = tg;
    return HSOK_OK;
}

hsok_status_t hsok_tagging_context(const hsok_codebook_t *cb, hsok_tagging_t *const *v,
                                   size_t n, char **errmsg)
{
    if (!cb)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no codebook");
    for (size_t k = 0; k < n; k++)
        if (v[k] && v[k]->cb != cb)
            return hsok_seterr(errmsg, HSOK_ERR_INVALID, "a tagging of another codebook");
    /* what each passage gets from its neighbours' own tags, decided before any is added, so
     * a context tag never passes itself on */
    unsigned char *add = calloc(n * cb->n + 1, 1);
    if (!add)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        if (!v[k])
            continue;
        for (size_t i = 0; i < cb->n; i++) {
            const tagacc_t *a = &v[k]->acc[i];
            double th = theme_threshold(cb, i);
            if (v[k]->on[i] || a->vetoed || a->score < CONTEXT_OWN * th - 1e-9)
                continue;
            for (int side = 0; side < 2; side++) {
                const hsok_tagging_t *nb = side == 0 ? (k > 0 ? v[k - 1] : NULL)
                                                     : (k + 1 < n ? v[k + 1] : NULL);
                if (nb && nb->on[i] == ON_OWN &&
                    nb->acc[i].score >= CONTEXT_NEIGHBOUR * th - 1e-9)
                    add[k * cb->n + i] |= (unsigned char)(1u << side);
            }
        }
    }
    hsok_status_t st = HSOK_OK;
    for (size_t k = 0; k < n && st == HSOK_OK; k++) {
        int changed = 0;
        for (size_t i = 0; v[k] && i < cb->n; i++) {
            unsigned char m = add[k * cb->n + i];
            if (!m)
                continue;
            tagacc_t *a = &v[k]->acc[i];
            a->pfx = NULL;
            if (m & 1)
                add_evidence(a, "context: passage before", 23);
            if (m & 2)
                add_evidence(a, "context: passage after", 22);
            v[k]->on[i] = ON_CONTEXT;
            changed = 1;
        }
        if (changed) {
            imply_parents(cb, v[k]->acc, v[k]->on, ON_CONTEXT);
            st = tags_build(v[k]);
        }
    }
    free(add);
    return st == HSOK_OK ? HSOK_OK : hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
}

hsok_status_t hsok_tag_segdoc(const hsok_codebook_t *cb, hsok_analyzer_t *an,
                              const hsok_segdoc_t *doc, hsok_tagging_t **out, char **errmsg)
{
    hsok_status_t st = HSOK_OK;
    size_t np = hsok_segdoc_passage_count(doc);
    for (size_t i = 0, run = 0; i < np && st == HSOK_OK; i++) {
        const hsok_passage_t *p = hsok_segdoc_passage(doc, i);
        st = hsok_tag_passage(cb, an, p->text, strlen(p->text), p->section, &out[i], errmsg);
        if (st == HSOK_OK &&
            (i + 1 == np || strcmp(p->respondent, hsok_segdoc_passage(doc, i + 1)->respondent))) {
            st = hsok_tagging_context(cb, out + run, i + 1 - run, errmsg);
            run = i + 1;
        }
    }
    return st;
}
