/* query.c — the query language: lexer, parser, and the Xapian query tree built from hsok's
 * own tokens (the same analyzer as indexing, in QUERY mode).
 *
 * Grammar:
 *   or    := and ( "OR" and )*
 *   and   := unary ( ["AND"] unary )*         juxtaposition is AND (relaxed to OR if empty)
 *   unary := "NOT" unary | "-" primary | "+" primary | primary
 *   primary := "(" or ")" | "\"" words "\"" | FIELD ":" value | word | word "*"
 * Operators are recognised in capitals only (lowercase "or", "og", "not" are words).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hsok/position.h"
#include "hsok/segment.h"
#include "lemma.h"
#include "prefix.h"
#include "query_internal.h"

/* Parentheses inside one another: the parser recurses once for each. */
#define MAX_DEPTH 50

/* ---- string sets ---- */

/* the slot of p[0..n) in s->slot: where it is, or the empty slot where it would go */
static size_t strset_slot(const strset_t *s, const char *p, size_t n)
{
    size_t mask = s->nslot - 1, i = (size_t)hsok_hash64(p, n) & mask;
    while (s->slot[i]) {
        const char *v = s->v[s->slot[i] - 1];
        if (strlen(v) == n && !memcmp(v, p, n))
            break;
        i = (i + 1) & mask;
    }
    return i;
}

int strset_has(const strset_t *s, const char *p, size_t n)
{
    return s->nslot && s->slot[strset_slot(s, p, n)];
}

int strset_has_prefix(const strset_t *s, const char *p, size_t n)
{
    for (size_t l = 0; l <= n && s->n; l++)
        if (strset_has(s, p, l))
            return 1;
    return 0;
}

int strset_add(strset_t *s, const char *p, size_t n)
{
    if (strset_has(s, p, n))
        return 0;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 8;
        char **v = realloc(s->v, nc * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = nc;
    }
    if ((s->n + 1) * 2 > s->nslot) {
        /* at most half full: rehash into twice the slots */
        size_t ns = s->nslot ? s->nslot * 2 : 16;
        size_t *slot = calloc(ns, sizeof *slot);
        if (!slot)
            return -1;
        free(s->slot);
        s->slot = slot;
        s->nslot = ns;
        for (size_t i = 0; i < s->n; i++)
            s->slot[strset_slot(s, s->v[i], strlen(s->v[i]))] = i + 1;
    }
    if (!(s->v[s->n] = hsok_strndup(p, n)))
        return -1;
    s->slot[strset_slot(s, p, n)] = s->n + 1;
    s->n++;
    return 0;
}

void strset_clear(strset_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    free(s->slot);
    memset(s, 0, sizeof *s);
}

/* ---- lexer ---- */

typedef enum {
    T_END, T_WORD, T_PHRASE, T_FIELD, T_LPAREN, T_RPAREN, T_OR, T_AND, T_NOT
} tok_kind_t;

typedef enum { F_RESPONDENT, F_SECTION, F_GOAL, F_QUESTION, F_THEME, F_POSITION } field_t;

typedef struct qtok {
    tok_kind_t kind;
    size_t start, end;     /* text of word/phrase content/field value */
    size_t at;             /* byte offset of the token start (a column only for messages) */
    int neg, wild;         /* "-" prefix; trailing "*" */
    field_t field;
    int quoted;            /* field value was quoted */
} qtok_t;

static const struct {
    const char *name;
    field_t field;
} field_names[] = {
    { "respondent", F_RESPONDENT }, { "fra", F_RESPONDENT },  { "from", F_RESPONDENT },
    { "section", F_SECTION },       { "seksjon", F_SECTION }, { "del", F_SECTION },
    { "mål", F_GOAL },              { "maal", F_GOAL },       { "goal", F_GOAL },
    { "spørsmål", F_QUESTION },     { "question", F_QUESTION }, { "q", F_QUESTION },
    { "theme", F_THEME },           { "tema", F_THEME },
    { "posisjon", F_POSITION },     { "position", F_POSITION }, { "standpunkt", F_POSITION },
};

/* Length of an opening/closing quote character at s (", “, ”, «, »), else 0. */
static size_t quote_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == '"')
        return 1;
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9C || u[2] == 0x9D || u[2] == 0x9E))
        return 3;
    if (u[0] == 0xC2 && (u[1] == 0xAB || u[1] == 0xBB))
        return 2;
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* byte offset → 1-based column in characters */
static size_t column_of(const char *q, size_t off)
{
    size_t col = 1;
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)q[i] & 0xC0) != 0x80)
            col++;
    return col;
}

typedef struct lexer {
    const char *q;
    size_t len, pos;
    char **errmsg;
} lexer_t;

static hsok_status_t lex_next(lexer_t *lx, qtok_t *t)
{
    const char *q = lx->q;
    memset(t, 0, sizeof *t);
    while (lx->pos < lx->len && is_space(q[lx->pos]))
        lx->pos++;
    size_t s = lx->pos;
    t->at = s;
    if (s >= lx->len) {
        t->kind = T_END;
        return HSOK_OK;
    }
    if (q[s] == '(' || q[s] == ')') {
        t->kind = q[s] == '(' ? T_LPAREN : T_RPAREN;
        lx->pos++;
        return HSOK_OK;
    }
    if ((q[s] == '-' || q[s] == '+') && s + 1 < lx->len && !is_space(q[s + 1]) &&
        q[s + 1] != ')') {
        t->neg = q[s] == '-';
        s++;
        lx->pos = s;
        if (q[s] == '(') {
            /* -( … ) : negate a group: hand back NOT */
            t->kind = t->neg ? T_NOT : T_END;
            if (!t->neg) /* "+(" is just "(" */
                return lex_next(lx, t);
            return HSOK_OK;
        }
    }
    size_t ql = quote_len(q + s);
    if (ql) {
        size_t i = s + ql, close = 0;
        while (i < lx->len && !(close = quote_len(q + i)))
            i++;
        if (!close)
            return hsok_seterr(lx->errmsg, HSOK_ERR_QUERY, "unbalanced quote at column %zu",
                               column_of(q, s));
        t->kind = T_PHRASE;
        t->start = s + ql;
        t->end = i;
        lx->pos = i + close;
        return HSOK_OK;
    }
    size_t e = s;
    while (e < lx->len && !is_space(q[e]) && q[e] != '(' && q[e] != ')' && !quote_len(q + e) &&
           q[e] != ':')
        e++;
    /* field:value */
    if (e < lx->len && q[e] == ':' && e > s) {
        int alpha = 1;
        for (size_t i = s; i < e; i++)
            if (isdigit((unsigned char)q[i]) || q[i] == '-' || q[i] == '.' || q[i] == '/')
                alpha = 0;
        if (alpha) {
            size_t nl = 0;
            char *name = hsok_normalize(q + s, e - s, &nl);
            if (!name)
                return hsok_seterr(lx->errmsg, HSOK_ERR_NOMEM, "out of memory");
            int found = -1;
            for (size_t i = 0; i < sizeof field_names / sizeof *field_names; i++)
                if (!strcmp(name, field_names[i].name))
                    found = (int)i;
            free(name);
            if (found < 0)
                return hsok_seterr(lx->errmsg, HSOK_ERR_QUERY,
                                   "unknown field '%.*s:' at column %zu (fields: respondent:, "
                                   "fra:, section:, mål:, spørsmål:, theme:, tema:, "
                                   "posisjon:)",
                                   (int)(e - s), q + s, column_of(q, t->at));
            t->kind = T_FIELD;
            t->field = field_names[found].field;
            size_t v = e + 1;
            size_t vq = v < lx->len ? quote_len(q + v) : 0;
            if (vq) {
                size_t i = v + vq, close = 0;
                while (i < lx->len && !(close = quote_len(q + i)))
                    i++;
                if (!close)
                    return hsok_seterr(lx->errmsg, HSOK_ERR_QUERY,
                                       "unbalanced quote at column %zu", column_of(q, v));
                t->start = v + vq;
                t->end = i;
                t->quoted = 1;
                lx->pos = i + close;
            } else {
                size_t ve = v;
                while (ve < lx->len && !is_space(q[ve]) && q[ve] != '(' && q[ve] != ')')
                    ve++;
                t->start = v;
                t->end = ve;
                lx->pos = ve;
            }
            if (t->end == t->start)
                return hsok_seterr(lx->errmsg, HSOK_ERR_QUERY,
                                   "field '%.*s:' needs a value at column %zu", (int)(e - s),
                                   q + s, column_of(q, t->at));
            return HSOK_OK;
        }
    }
    /* a word may contain ':' (e.g. "kl.10:30") when it is not a field */
    while (e < lx->len && !is_space(q[e]) && q[e] != '(' && q[e] != ')' && !quote_len(q + e))
        e++;
    lx->pos = e;
    t->start = s;
    t->end = e;
    if (!t->neg) {
        size_t n = e - s;
        if (n == 2 && !memcmp(q + s, "OR", 2)) { t->kind = T_OR; return HSOK_OK; }
        if (n == 3 && !memcmp(q + s, "AND", 3)) { t->kind = T_AND; return HSOK_OK; }
        if (n == 3 && !memcmp(q + s, "NOT", 3)) { t->kind = T_NOT; return HSOK_OK; }
    }
    if (e > s && q[e - 1] == '*') {
        t->wild = 1;
        t->end = e - 1;
        while (t->end > s && q[t->end - 1] == '*')
            t->end--;
    }
    t->kind = T_WORD;
    return HSOK_OK;
}

/* ---- parser: builds xap_query nodes directly ---- */

typedef struct parser {
    lexer_t lx;
    qtok_t tok;
    hsok_db_t *db;
    hsok_analyzer_t *an;
    qplan_t *plan;
    int relaxed;   /* read implicit AND as OR */
    int implicit;  /* the query has an implicit AND of two or more words */
    int collect;   /* collect highlight sets and words (first pass only) */
    int related;   /* add the related forms of compound words (related_query) */
    size_t nrelated; /* compound words given related forms in this pass */
    int in_related;  /* building related forms: stems go to plan->rstems */
    int variants;    /* add the bokmål/nynorsk variants (V terms) of words */
    size_t nvariant; /* words given variants in this pass */
    int in_neg;      /* parsing a negated word or group */
    xap_query_t **vw; /* without variants: the V terms of the words, to weigh only */
    size_t nvw, capvw;
    char **errmsg;
    hsok_status_t st;
    const char *typed; /* the word the user typed that word_query is building, else NULL */
    const hsok_search_opts_t *opts; /* the search's options (theme_codes), or NULL */
} parser_t;

/* the 1-based column of byte offset at, for a message */
static size_t pcol(const parser_t *p, size_t at)
{
    return column_of(p->lx.q, at);
}

/* Zeroed memory that lives as long as the plan. Small pieces are carved from 64 KB blocks:
 * a query of many words makes millions of nodes, and one malloc each was most of its time. */
static void *palloc(parser_t *p, size_t n)
{
    enum { BLOCK = 65536, ALIGN = 16 };
    qplan_t *pl = p->plan;
    n = (n + ALIGN - 1) / ALIGN * ALIGN;
    if (n <= pl->arena_left) {
        void *m = pl->arena;
        pl->arena += n;
        pl->arena_left -= n;
        return m;
    }
    if (pl->npool == pl->cappool) {
        size_t nc = pl->cappool ? pl->cappool * 2 : 32;
        void **v = realloc(pl->pool, nc * sizeof *v);
        if (!v)
            return NULL;
        pl->pool = v;
        pl->cappool = nc;
    }
    size_t bn = n > BLOCK / 4 ? n : BLOCK;
    char *m = calloc(1, bn);
    if (!m)
        return NULL;
    pl->pool[pl->npool++] = m;
    if (bn == BLOCK) {
        pl->arena = m + n;
        pl->arena_left = BLOCK - n;
    }
    return m;
}

static xap_query_t *nomem(parser_t *p)
{
    if (p->st == HSOK_OK)
        p->st = hsok_seterr(p->errmsg, HSOK_ERR_NOMEM, "out of memory");
    return NULL;
}

static xap_query_t *mk(parser_t *p, xap_op_t op, size_t nsub)
{
    xap_query_t *q = palloc(p, sizeof *q);
    if (!q)
        return nomem(p);
    q->op = op;
    q->scale = 1.0;
    if (nsub) {
        q->sub = palloc(p, nsub * sizeof *q->sub);
        if (!q->sub)
            return nomem(p);
    }
    q->nsub = 0;
    return q;
}

static xap_query_t *mk_term(parser_t *p, const char *pfx, const char *s, size_t n, xap_op_t op)
{
    size_t pl = strlen(pfx);
    char *t = palloc(p, pl + n + 1);
    xap_query_t *q = t ? mk(p, op, 0) : NULL;
    if (!q)
        return nomem(p);
    memcpy(t, pfx, pl);
    memcpy(t + pl, s, n);
    q->term = t;
    q->term_len = pl + n;
    return q;
}

static xap_query_t *mk_scale(parser_t *p, xap_query_t *sub, double scale)
{
    xap_query_t *q = sub ? mk(p, XQ_SCALE, 1) : NULL;
    if (!q)
        return NULL;
    q->scale = scale;
    q->sub[q->nsub++] = sub;
    return q;
}

/* Tokens of a piece of query text. */
typedef struct toks {
    char **norm, **stem;
    unsigned *flags;
    size_t n, cap;
    int nomem;
} toks_t;

static int collect_tok(void *ctx, const hsok_token_t *t)
{
    toks_t *ts = ctx;
    if (t->flags & HSOK_TOKEN_PART)
        return 0;
    if (ts->n == ts->cap) {
        size_t nc = ts->cap ? ts->cap * 2 : 8;
        char **a = realloc(ts->norm, nc * sizeof *a);
        if (a) ts->norm = a;
        char **b = realloc(ts->stem, nc * sizeof *b);
        if (b) ts->stem = b;
        unsigned *f = realloc(ts->flags, nc * sizeof *f);
        if (f) ts->flags = f;
        if (!a || !b || !f) {
            ts->nomem = 1;
            return 1;
        }
        ts->cap = nc;
    }
    ts->norm[ts->n] = hsok_strndup(t->norm, t->norm_len);
    ts->stem[ts->n] = hsok_strndup(t->stem, t->stem_len);
    ts->flags[ts->n] = t->flags;
    if (!ts->norm[ts->n] || !ts->stem[ts->n]) {
        free(ts->norm[ts->n]);
        free(ts->stem[ts->n]);
        ts->nomem = 1;
        return 1;
    }
    ts->n++;
    return 0;
}

static void toks_clear(toks_t *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        free(ts->norm[i]);
        free(ts->stem[i]);
    }
    free(ts->norm);
    free(ts->stem);
    free(ts->flags);
    memset(ts, 0, sizeof *ts);
}

static int analyze_text(parser_t *p, size_t s, size_t e, toks_t *ts)
{
    memset(ts, 0, sizeof *ts);
    hsok_analyze(p->an, p->lx.q + s, e - s, HSOK_ANALYZE_QUERY, NULL, collect_tok, ts);
    if (ts->nomem) {
        toks_clear(ts);
        nomem(p);
        return -1;
    }
    return 0;
}

static size_t termfreq(parser_t *p, const char *prefix, const char *t, size_t n)
{
    char buf[256];
    size_t pl = strlen(prefix);
    if (!p->db || pl + n >= sizeof buf)
        return 0;
    memcpy(buf, prefix, pl);
    memcpy(buf + pl, t, n);
    return xap_termfreq(p->db->x, buf, pl + n);
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Is w[0..n) a word of the index (as written, or a stem of a word or of a compound part)? */
static int in_vocabulary(parser_t *p, const char *w, size_t n)
{
    if (termfreq(p, "", w, n))
        return 1;
    size_t sl;
    const char *st = hsok_stem(p->an, w, n, &sl);
    return st && (termfreq(p, PFX_STEM, st, sl) || termfreq(p, PFX_PART, st, sl));
}

static xap_query_t *word_query(parser_t *p, const char *norm, const char *stem);

/* Keep v to weigh the query (p->vw). -1 on no memory. */
static int push_weight(parser_t *p, xap_query_t *v)
{
    if (p->nvw == p->capvw) {
        size_t nc = p->capvw ? p->capvw * 2 : 8;
        xap_query_t **a = palloc(p, nc * sizeof *a);
        if (!a) {
            nomem(p);
            return -1;
        }
        if (p->nvw)
            memcpy(a, p->vw, p->nvw * sizeof *a);
        p->vw = a;
        p->capvw = nc;
    }
    p->vw[p->nvw++] = v;
    return 0;
}

/* The query q AND_MAYBE the variants kept while it was built (p->vw, then emptied): in the
 * exact tiers a variant finds nothing by itself but still weighs, since a bokmål word is its
 * own concept and its V term also marks the word and its compounds. One node at the top:
 * Xapian 1.4 reads uninitialised memory when AND_MAYBE nodes stand under an AND. */
static xap_query_t *with_weights(parser_t *p, xap_query_t *q)
{
    if (!q || !p->nvw)
        return q;
    xap_query_t *m = mk(p, XQ_AND_MAYBE, 2), *or = mk(p, XQ_OR, 0);
    if (!m || !or)
        return NULL;
    or->sub = p->vw;
    or->nsub = p->nvw;
    p->vw = NULL;
    p->nvw = p->capvw = 0;
    m->sub[m->nsub++] = q;
    m->sub[m->nsub++] = or;
    return m;
}

/* Keep the items of the NUL-separated list that are terms of the index with this prefix;
 * add their number to *n. In the first pass, also add them to the highlight set hl. */
static int keep_indexed(parser_t *p, const char *pfx, buf_t *list, size_t *n, strset_t *hl)
{
    size_t w = 0;
    for (size_t off = 0; off < list->len;) {
        size_t l = strlen(list->data + off);
        if (termfreq(p, pfx, list->data + off, l)) {
            if (p->collect && !p->in_related && strset_add(hl, list->data + off, l))
                return -1;
            memmove(list->data + w, list->data + off, l + 1);
            w += l + 1;
            (*n)++;
        }
        off += l + 1;
    }
    list->len = w;
    return 0;
}

/* Is the stem of w[0..n) a stopword? Such a part would find every passage with the
 * stopword ("virksomhet" split as "virk" + "somhet", whose stem is "som"). */
static int stem_is_stopword(parser_t *p, const char *w, size_t n)
{
    size_t sl;
    const char *st = hsok_stem(p->an, w, n, &sl);
    return st && hsok_is_stopword(p->an, st, sl);
}

/* Related forms are added for this many compound words of a query at most (each costs a few
 * term look-ups per letter). */
#define MAX_RELATED_WORDS 16

/* What a compound query word is related to, ranked after the word itself. It is split with
 * the index's own vocabulary, no lexicon needed: the most balanced split into two words the
 * index has (as words or as compound parts), dropping a linking -s-/-e-. Passages with both
 * parts in any form ("informasjon … sikkerhet") rank first, then those with the head alone or
 * in another compound
 * ("IKT-sikkerhet", "datasikkerheten", "sikkerheten i systemene"). NULL if it does not split
 * (or on no memory: p->st says so). */
static xap_query_t *related_query(parser_t *p, const char *norm)
{
    size_t n = strlen(norm);
    if (!p->db || utf8_chars(norm, n) < 8 || n > 120 || p->nrelated >= MAX_RELATED_WORDS)
        return NULL;
    size_t best = 0, best_me = 0, best_score = 0;
    for (size_t i = 1; i < n; i++) {
        if (((unsigned char)norm[i] & 0xC0) == 0x80)
            continue;
        size_t hc = utf8_chars(norm + i, n - i);
        if (hc < 4 || hsok_is_stopword(p->an, norm + i, n - i) ||
            stem_is_stopword(p, norm + i, n - i))
            continue;
        size_t me = 0;
        if ((norm[i - 1] == 's' || norm[i - 1] == 'e') && utf8_chars(norm, i - 1) >= 4 &&
            !hsok_is_stopword(p->an, norm, i - 1) && in_vocabulary(p, norm, i - 1))
            me = i - 1;
        else if (utf8_chars(norm, i) >= 4 && !hsok_is_stopword(p->an, norm, i) &&
                 in_vocabulary(p, norm, i))
            me = i;
        if (!me || !in_vocabulary(p, norm + i, n - i))
            continue;
        size_t mc = utf8_chars(norm, me);
        size_t score = mc < hc ? mc : hc;
        if (score > best_score) {
            best_score = score;
            best = i;
            best_me = me;
        }
    }
    if (!best_score)
        return NULL;
    p->nrelated++;
    /* the parts' own queries get no related forms of their own */
    int saved = p->related;
    p->related = 0;
    p->in_related = 1;
    /* modifier, head, and the head again for the OR (a node is not shared by two parents) */
    char *parts[3] = { hsok_strndup(norm, best_me), hsok_strndup(norm + best, n - best),
                       hsok_strndup(norm + best, n - best) };
    xap_query_t *sub[3] = { NULL, NULL, NULL };
    for (int k = 0; k < 3; k++) {
        if (!parts[k]) {
            nomem(p);
            break;
        }
        size_t sl;
        const char *st = hsok_stem(p->an, parts[k], strlen(parts[k]), &sl);
        char *stem = st ? hsok_strndup(st, sl) : NULL;
        if (st && !stem)
            nomem(p);
        sub[k] = stem ? word_query(p, parts[k], stem) : NULL;
        free(stem);
        if (!sub[k])
            break;
    }
    xap_query_t *q = NULL, *both = NULL;
    if (sub[0] && sub[1] && sub[2] && (both = mk(p, XQ_AND, 2)) && (q = mk(p, XQ_OR, 2))) {
        both->sub[both->nsub++] = sub[0];
        both->sub[both->nsub++] = sub[1];
        q->sub[q->nsub++] = both;
        if (!(q->sub[q->nsub++] = mk_scale(p, sub[2], 0.5)))
            q = NULL;
    }
    p->related = saved;
    p->in_related = 0;
    for (int k = 0; k < 3; k++)
        free(parts[k]);
    return q;
}

/* One analysed word: every inflection (Z+stem), a bonus for the exact form, and compounds
 * that contain it as a part at a lower weight; for a compound word, its related forms
 * (related_query). A compound the index does not have at all is searched by those alone. */
static xap_query_t *word_query(parser_t *p, const char *norm, const char *stem)
{
    /* With an index, terms it does not have are left out (Xapian's matcher slows down with
     * every term of an OR, present or not): a word the index lacks in every form matches
     * nothing */
    int has_z = !p->db || termfreq(p, PFX_STEM, stem, strlen(stem));
    int has_raw = !p->db || termfreq(p, "", norm, strlen(norm));
    int has_part = !p->db || termfreq(p, PFX_PART, stem, strlen(stem));
    /* lemmas (base and inflected forms) and bokmål/nynorsk variants the index has */
    buf_t lem = BUF_INIT, var = BUF_INIT;
    size_t nlv = 0;
    /* only a word the user typed may load the dictionaries, not a piece of one */
    hsok_status_t st = p->db ? db_word_forms(p->db, norm, strlen(norm), norm == p->typed, &lem,
                                             &var, p->errmsg)
                             : HSOK_OK;
    if (st != HSOK_OK) {
        buf_free(&lem);
        buf_free(&var);
        p->st = st;
        return NULL;
    }
    size_t nv = 0;
    if (keep_indexed(p, PFX_LEMMA, &lem, &nlv, &p->plan->lemmas) ||
        keep_indexed(p, PFX_VARIANT, &var, &nv, &p->plan->variants)) {
        buf_free(&lem);
        buf_free(&var);
        return nomem(p);
    }
    if (nv)
        p->nvariant++;
    /* In the exact tiers a variant only adds weight: it finds nothing by itself, so that a
     * passage found only through the other written standard ranks after the exact ones
     * (qplan_t.variant). A bokmål word is its own concept, so its V term also weighs where
     * the word or a compound with it is. */
    size_t nvariant_alone = p->variants ? nv : 0;
    nlv += nvariant_alone;
    if (!has_z && !has_raw && !has_part && !nlv) {
        buf_free(&lem);
        buf_free(&var);
        /* a compound the index does not have at all ("sikkerhetsarbeid") matches only as
         * related: by its parts, then by its head; in the exact pass it matches nothing */
        xap_query_t *rq = p->related ? related_query(p, norm) : NULL;
        if (rq)
            return rq;
        if (p->st != HSOK_OK)
            return NULL;
    }
    int any = has_z || has_raw || has_part || nlv;
    xap_query_t *q = mk(p, any ? XQ_OR : XQ_NONE, 3 + nlv);
    /* a lemma weighs as much as the stem; a variant (the other written standard) less, so
     * that exact and inflected forms come first. A word that is a lemma itself has its other
     * lemmas at half weight: the dictionaries also read "leder" as a form of the verb lede
     * and "sikkerhet" as coming from sikker, and "ledet" or "sikre" should not rank with
     * "lederen" or "sikkerheten". */
    int own = lemma_list_has(lem.data, lem.len, norm, strlen(norm));
    for (size_t off = 0; q && off < lem.len; off += strlen(lem.data + off) + 1) {
        size_t l = strlen(lem.data + off);
        xap_query_t *t = mk_term(p, PFX_LEMMA, lem.data + off, l, XQ_TERM);
        if (own && t && (l != strlen(norm) || memcmp(lem.data + off, norm, l)))
            t = mk_scale(p, t, 0.5);
        if (!(q->sub[q->nsub++] = t))
            q = NULL;
    }
    /* the variants: in q, or (exact tiers) kept to weigh the whole query (qplan_build) */
    for (size_t off = 0; q && any && off < var.len; off += strlen(var.data + off) + 1) {
        xap_query_t *v = mk_scale(p, mk_term(p, PFX_VARIANT, var.data + off,
                                             strlen(var.data + off), XQ_TERM), 0.5);
        if (!v)
            q = NULL;
        else if (nvariant_alone)
            q->sub[q->nsub++] = v;
        else if (!p->in_neg && push_weight(p, v))
            q = NULL;
    }
    buf_free(&lem);
    buf_free(&var);
    if (!q)
        return NULL;
    xap_query_t *z = has_z ? mk_term(p, PFX_STEM, stem, strlen(stem), XQ_TERM) : NULL;
    xap_query_t *raw = has_raw ? mk_term(p, "", norm, strlen(norm), XQ_TERM) : NULL;
    xap_query_t *part =
        has_part ? mk_scale(p, mk_term(p, PFX_PART, stem, strlen(stem), XQ_TERM), 0.5) : NULL;
    if ((has_z && !z) || (has_raw && !raw) || (has_part && !part))
        return NULL;
    if (z)
        q->sub[q->nsub++] = z;
    if (raw)
        q->sub[q->nsub++] = raw;
    if (part)
        q->sub[q->nsub++] = part;
    if (p->collect &&
        strset_add(p->in_related ? &p->plan->rstems : &p->plan->stems, stem, strlen(stem)))
        return nomem(p);
    /* a compound word the index has: its related forms too, well below the word itself (the
     * search also ranks every exact match first: qplan_t.exact) */
    if (q->op != XQ_NONE && p->related) {
        xap_query_t *rq = related_query(p, norm);
        if (!rq)
            return p->st == HSOK_OK ? q : NULL;
        xap_query_t *both = mk(p, XQ_OR, 2);
        if (!both || !(both->sub[1] = mk_scale(p, rq, 0.3)))
            return NULL;
        both->sub[0] = q;
        both->nsub = 2;
        return both;
    }
    return q;
}

static xap_query_t *phrase_query(parser_t *p, toks_t *ts)
{
    if (ts->n == 1) {
        if (p->collect && strset_add(&p->plan->forms, ts->norm[0], strlen(ts->norm[0])))
            return nomem(p);
        return mk_term(p, "", ts->norm[0], strlen(ts->norm[0]), XQ_TERM);
    }
    xap_query_t *q = mk(p, XQ_PHRASE, ts->n);
    if (!q)
        return NULL;
    for (size_t i = 0; i < ts->n; i++) {
        xap_query_t *t = mk_term(p, "", ts->norm[i], strlen(ts->norm[i]), XQ_TERM);
        if (!t)
            return NULL;
        q->sub[q->nsub++] = t;
        if (p->collect && strset_add(&p->plan->forms, ts->norm[i], strlen(ts->norm[i])))
            return nomem(p);
    }
    return q;
}

typedef struct resp_match {
    const char *want;
    const char *alias; /* the alias table's name for want, or NULL */
    int exact;
    parser_t *p;
    xap_query_t *or;
    size_t cap;
} resp_match_t;

static int match_respondent(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    resp_match_t *m = ctx;
    size_t pl = strlen(PFX_RESPONDENT);
    char *name = hsok_strndup(term + pl, len - pl);
    if (!name)
        return 1;
    int hit = qfilter_name_matches(name, m->want, m->alias, m->exact);
    free(name);
    if (!hit)
        return 0;
    if (m->or->nsub == m->cap) {
        size_t nc = m->cap * 2;
        xap_query_t **v = palloc(m->p, nc * sizeof *v);
        if (!v)
            return 1;
        memcpy(v, m->or->sub, m->or->nsub * sizeof *v);
        m->or->sub = v;
        m->cap = nc;
    }
    xap_query_t *t = mk_term(m->p, "", term, len, XQ_TERM);
    if (!t)
        return 1;
    m->or->sub[m->or->nsub++] = t;
    return 0;
}

/* Filter for a respondent name: every indexed respondent whose name contains `value`, or
 * with exact is it (normalised, case-insensitive; or the name the alias table gives value).
 * No match → a query that matches nothing. */
static xap_query_t *respondent_filter(parser_t *p, const char *value, size_t n, int exact)
{
    char *tmp = hsok_strndup(value, n);
    char *want = tmp ? db_norm_name(tmp) : NULL;
    free(tmp);
    if (!want)
        return nomem(p);
    xap_query_t *q = NULL;
    if (!p->db) {
        q = mk_term(p, PFX_RESPONDENT, want, strlen(want), XQ_TERM);
    } else {
        resp_match_t m = { want, qfilter_alias(value, n), exact, p, mk(p, XQ_OR, 8), 8 };
        if (m.or) {
            hsok_status_t st = xap_terms(p->db->x, PFX_RESPONDENT, strlen(PFX_RESPONDENT),
                                         match_respondent, &m, p->errmsg);
            if (st != HSOK_OK && p->st == HSOK_OK)
                p->st = st;
            q = m.or->nsub ? m.or : mk(p, XQ_NONE, 0);
        }
        free((char *)m.alias);
    }
    free(want);
    return q;
}

/* The passages that state position value[0..n) (position.h names; "ingen": none stated).
 * An unknown value is HSOK_ERR_QUERY. */
static xap_query_t *position_filter(parser_t *p, const char *value, size_t n)
{
    char *tmp = hsok_strndup(value, n);
    if (!tmp)
        return nomem(p);
    hsok_position_t pos;
    int bad = hsok_position_parse(tmp, &pos);
    if (bad) {
        if (p->st == HSOK_OK)
            p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY, "unknown position '%.40s' (%s)", tmp,
                                HSOK_POSITION_NAMES);
        free(tmp);
        return NULL;
    }
    free(tmp);
    if (pos != HSOK_POSITION_NONE) {
        const char *id = hsok_position_id(pos);
        return mk_term(p, PFX_POSITION, id, strlen(id), XQ_TERM);
    }
    /* none stated: every passage but those with a position term */
    xap_query_t *nq = mk(p, XQ_AND_NOT, HSOK_POSITION_COUNT), *all = mk(p, XQ_ALL, 0);
    if (!nq || !all)
        return NULL;
    nq->sub[nq->nsub++] = all;
    for (int i = 1; i < HSOK_POSITION_COUNT; i++) {
        const char *id = hsok_position_id((hsok_position_t)i);
        xap_query_t *t = mk_term(p, PFX_POSITION, id, strlen(id), XQ_TERM);
        if (!t)
            return NULL;
        nq->sub[nq->nsub++] = t;
    }
    return nq;
}

/* The passages with the theme v[0..n): tagged with it (XT term), the analyst's manual codes
 * applied (hsok_search_opts_t.theme_codes): not those coded -theme, and those coded +theme. */
static xap_query_t *theme_filter(parser_t *p, const char *v, size_t n)
{
    size_t nl = 0;
    char *norm = hsok_normalize(v, n, &nl);
    if (!norm)
        return nomem(p);
    xap_query_t *q = mk_term(p, PFX_THEME, norm, nl, XQ_TERM);
    const hsok_theme_code_t *tc = p->opts ? p->opts->theme_codes : NULL;
    size_t ntc = p->opts ? p->opts->ntheme_codes : 0, nadd = 0, nrem = 0;
    for (size_t i = 0; i < ntc; i++)
        if (!strcmp(tc[i].theme, norm)) {
            if (tc[i].add)
                nadd++;
            else
                nrem++;
        }
    for (int add = 0; add < 2 && q; add++) {
        if (!(add ? nadd : nrem))
            continue;
        xap_query_t *w = mk(p, add ? XQ_OR : XQ_AND_NOT, 1 + (add ? nadd : nrem));
        if (!w) {
            q = NULL;
            break;
        }
        w->sub[w->nsub++] = q;
        for (size_t i = 0; i < ntc && w; i++) {
            if (strcmp(tc[i].theme, norm) || tc[i].add != add)
                continue;
            xap_query_t *id = mk_term(p, PFX_ID, tc[i].id, strlen(tc[i].id), XQ_TERM);
            if (!id)
                w = NULL;
            else
                w->sub[w->nsub++] = id;
        }
        q = w;
    }
    free(norm);
    return q;
}

static xap_query_t *field_query(parser_t *p, const qtok_t *t)
{
    const char *v = p->lx.q + t->start;
    size_t n = t->end - t->start;
    int numeric = n > 0 && n < 6;
    for (size_t i = 0; i < n && numeric; i++)
        numeric = isdigit((unsigned char)v[i]);
    switch (t->field) {
    case F_RESPONDENT:
        return respondent_filter(p, v, n, 0);
    case F_POSITION:
        return position_filter(p, v, n);
    case F_THEME:
        return theme_filter(p, v, n);
    case F_GOAL:
    case F_QUESTION:
    case F_SECTION:
        if (numeric)
            return mk_term(p, t->field == F_GOAL ? PFX_GOAL : PFX_QUESTION, v, n, XQ_TERM);
        break;
    }
    /* words of the section path: all required */
    toks_t ts;
    if (analyze_text(p, t->start, t->end, &ts))
        return NULL;
    xap_query_t *q = mk(p, XQ_AND, ts.n ? ts.n : 1);
    for (size_t i = 0; q && i < ts.n; i++) {
        if (ts.flags[i] & HSOK_TOKEN_STOPWORD)
            continue;
        xap_query_t *s = mk_term(p, PFX_SECTION, ts.stem[i], strlen(ts.stem[i]), XQ_TERM);
        if (!s) {
            q = NULL;
            break;
        }
        q->sub[q->nsub++] = s;
    }
    toks_clear(&ts);
    if (q && !q->nsub)
        return hsok_seterr(p->errmsg, HSOK_ERR_QUERY, "field at column %zu has no searchable "
                           "word", pcol(p, t->at)), p->st = HSOK_ERR_QUERY, (xap_query_t *)NULL;
    return q;
}

static hsok_status_t advance(parser_t *p)
{
    hsok_status_t st = lex_next(&p->lx, &p->tok);
    if (st != HSOK_OK && p->st == HSOK_OK)
        p->st = st;
    return st;
}

static xap_query_t *parse_or(parser_t *p, int depth);

/* Result of parsing one operand: a node, and what it is for the enclosing AND. */
typedef enum { R_POS, R_NEG, R_FILTER, R_SKIP, R_STOP } role_t;

static xap_query_t *parse_word(parser_t *p, const qtok_t *t, int *stop)
{
    *stop = 0;
    if (t->wild) {
        size_t nl = 0;
        char *norm = hsok_normalize(p->lx.q + t->start, t->end - t->start, &nl);
        if (!norm)
            return nomem(p);
        if (nl == 0) {
            free(norm);
            p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY,
                                "wildcard at column %zu needs letters before '*'", pcol(p, t->at));
            return NULL;
        }
        xap_query_t *q = mk_term(p, "", norm, nl, XQ_WILDCARD);
        if (q && p->collect && strset_add(&p->plan->prefixes, norm, nl))
            q = nomem(p);
        free(norm);
        return q;
    }
    toks_t ts;
    if (analyze_text(p, t->start, t->end, &ts))
        return NULL;
    xap_query_t *q = NULL;
    if (ts.n == 0) {
        *stop = 1; /* punctuation only: ignored */
    } else if (ts.n == 1) {
        *stop = (ts.flags[0] & HSOK_TOKEN_STOPWORD) != 0;
        p->typed = ts.norm[0];
        q = word_query(p, ts.norm[0], ts.stem[0]);
        p->typed = NULL;
        if (q && p->collect && !t->neg) {
            qplan_t *pl = p->plan;
            size_t nc = pl->nwords < pl->capwords ? pl->capwords
                                                  : pl->capwords ? pl->capwords * 2 : 8;
            qword_t *w = nc == pl->capwords ? pl->words : realloc(pl->words, nc * sizeof *w);
            if (!w) {
                q = nomem(p);
            } else {
                pl->words = w;
                pl->capwords = nc;
                w[pl->nwords].start = t->start;
                w[pl->nwords].end = t->end;
                w[pl->nwords].norm = strdup(ts.norm[0]);
                if (!w[pl->nwords].norm)
                    q = nomem(p);
                else
                    pl->nwords++;
            }
        }
    } else {
        q = phrase_query(p, &ts); /* "helse/omsorg", "2,5": the pieces in order */
    }
    toks_clear(&ts);
    return q;
}

static xap_query_t *parse_primary(parser_t *p, int depth, role_t *role);

static xap_query_t *parse_unary(parser_t *p, int depth, role_t *role)
{
    /* "NOT NOT x" is NOT x; read in a loop, so that no number of them runs out of stack */
    int negated = 0;
    while (p->tok.kind == T_NOT) {
        size_t at = p->tok.at;
        if (advance(p))
            return NULL;
        if (p->tok.kind == T_END || p->tok.kind == T_RPAREN || p->tok.kind == T_OR ||
            p->tok.kind == T_AND) {
            p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY,
                                "'NOT' at column %zu needs a word after it", pcol(p, at));
            return NULL;
        }
        negated = 1;
    }
    int was = p->in_neg;
    p->in_neg = was || negated || p->tok.neg;
    xap_query_t *q = parse_primary(p, depth, role);
    p->in_neg = was;
    if (negated)
        *role = R_NEG;
    return q;
}

static xap_query_t *parse_primary(parser_t *p, int depth, role_t *role)
{
    *role = R_POS;
    qtok_t t = p->tok;
    switch (t.kind) {
    case T_LPAREN: {
        if (depth >= MAX_DEPTH) {
            /* the parser recurses once per parenthesis: bounded, so no query can exhaust
             * the stack */
            p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY,
                                "query nests too deeply: more than %d parentheses inside one "
                                "another at column %zu", MAX_DEPTH, pcol(p, t.at));
            return NULL;
        }
        if (advance(p))
            return NULL;
        xap_query_t *q = parse_or(p, depth + 1);
        if (!q && p->st != HSOK_OK)
            return NULL;
        if (p->tok.kind != T_RPAREN) {
            p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY,
                                "unbalanced parenthesis at column %zu", pcol(p, t.at));
            return NULL;
        }
        if (advance(p))
            return NULL;
        if (!q)
            *role = R_SKIP;
        return q;
    }
    case T_PHRASE: {
        if (advance(p))
            return NULL;
        toks_t ts;
        if (analyze_text(p, t.start, t.end, &ts))
            return NULL;
        xap_query_t *q = ts.n ? phrase_query(p, &ts) : NULL;
        toks_clear(&ts);
        if (!q && p->st == HSOK_OK)
            *role = R_SKIP;
        else if (t.neg)
            *role = R_NEG;
        return q;
    }
    case T_FIELD: {
        if (advance(p))
            return NULL;
        xap_query_t *q = field_query(p, &t);
        *role = t.neg ? R_NEG : R_FILTER;
        return q;
    }
    case T_WORD: {
        if (advance(p))
            return NULL;
        int stop = 0;
        xap_query_t *q = parse_word(p, &t, &stop);
        if (!q && p->st == HSOK_OK)
            *role = R_SKIP;
        else if (t.neg)
            *role = R_NEG;
        else if (stop)
            *role = R_STOP; /* a stopword: used only if nothing else remains */
        return q;
    }
    case T_RPAREN:
        p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY, "unbalanced parenthesis at column %zu",
                            pcol(p, t.at));
        return NULL;
    default:
        p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY, "unexpected '%.*s' at column %zu",
                            t.kind == T_OR ? 2 : 3, t.kind == T_OR ? "OR" : "AND", pcol(p, t.at));
        return NULL;
    }
}

/* A growing list of operands (in the plan's pool, freed with it). */
typedef struct qvec {
    xap_query_t **v;
    size_t n, cap;
} qvec_t;

static int qvec_push(parser_t *p, qvec_t *qv, xap_query_t *q)
{
    if (qv->n == qv->cap) {
        size_t nc = qv->cap ? qv->cap * 2 : 8;
        xap_query_t **v = palloc(p, nc * sizeof *v);
        if (!v) {
            nomem(p);
            return -1;
        }
        if (qv->n)
            memcpy(v, qv->v, qv->n * sizeof *v);
        qv->v = v;
        qv->cap = nc;
    }
    qv->v[qv->n++] = q;
    return 0;
}

/* A node op over the operands of qv (which it takes over). */
static xap_query_t *mk_of(parser_t *p, xap_op_t op, const qvec_t *qv)
{
    xap_query_t *q = mk(p, op, 0);
    if (q) {
        q->sub = qv->v;
        q->nsub = qv->n;
    }
    return q;
}

/* A node op over first and the operands of rest. */
static xap_query_t *mk_first(parser_t *p, xap_op_t op, xap_query_t *first, const qvec_t *rest)
{
    xap_query_t *q = mk(p, op, rest->n + 1);
    if (!q)
        return NULL;
    q->sub[q->nsub++] = first;
    memcpy(q->sub + 1, rest->v, rest->n * sizeof *rest->v);
    q->nsub += rest->n;
    return q;
}

static xap_query_t *parse_and(parser_t *p, int depth)
{
    qvec_t pos = { 0 }, neg = { 0 }, flt = { 0 }, stops = { 0 };
    int explicit_and = 0;
    while (p->tok.kind != T_END && p->tok.kind != T_RPAREN && p->tok.kind != T_OR) {
        if (p->tok.kind == T_AND) {
            size_t at = p->tok.at;
            if (pos.n + neg.n + flt.n + stops.n == 0) {
                p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY,
                                    "'AND' at column %zu needs a word before it", pcol(p, at));
                return NULL;
            }
            if (advance(p))
                return NULL;
            if (p->tok.kind == T_END || p->tok.kind == T_RPAREN || p->tok.kind == T_OR ||
                p->tok.kind == T_AND) {
                p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY,
                                    "'AND' at column %zu needs a word after it", pcol(p, at));
                return NULL;
            }
            explicit_and = 1;
            continue;
        }
        role_t role;
        xap_query_t *q = parse_unary(p, depth, &role);
        if (p->st != HSOK_OK)
            return NULL;
        if (!q)
            continue;
        qvec_t *to = role == R_NEG ? &neg : role == R_FILTER ? &flt : role == R_POS ? &pos
                   : role == R_STOP ? &stops : NULL;
        if (to && qvec_push(p, to, q))
            return NULL;
    }
    if (pos.n == 0) /* only stopwords: search them after all */
        pos = stops;
    if (pos.n >= 2 && !explicit_and)
        p->implicit = 1;
    xap_query_t *base = NULL;
    if (pos.n == 1)
        base = pos.v[0];
    else if (pos.n > 1)
        base = mk_of(p, (p->relaxed && !explicit_and) ? XQ_OR : XQ_AND, &pos);
    else if (neg.n || flt.n)
        base = mk(p, XQ_ALL, 0);
    if (base && neg.n)
        base = mk_first(p, XQ_AND_NOT, base, &neg);
    if (base && flt.n)
        base = mk_first(p, XQ_FILTER, base, &flt);
    return base;
}

static xap_query_t *parse_or(parser_t *p, int depth)
{
    if (p->tok.kind == T_OR) {
        p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY, "'OR' at column %zu needs a word before "
                            "it", pcol(p, p->tok.at));
        return NULL;
    }
    xap_query_t *left = parse_and(p, depth);
    if (p->st != HSOK_OK)
        return NULL;
    qvec_t or = { 0 };
    int any_or = 0;
    if (left && qvec_push(p, &or, left))
        return NULL;
    while (p->tok.kind == T_OR) {
        size_t at = p->tok.at;
        if (advance(p))
            return NULL;
        if (p->tok.kind == T_END || p->tok.kind == T_RPAREN || p->tok.kind == T_OR) {
            p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY,
                                "'OR' at column %zu needs a word after it", pcol(p, at));
            return NULL;
        }
        any_or = 1;
        xap_query_t *right = parse_and(p, depth);
        if (p->st != HSOK_OK)
            return NULL;
        if (right && qvec_push(p, &or, right))
            return NULL;
    }
    if (!any_or)
        return left;
    return or.n ? mk_of(p, XQ_OR, &or) : NULL;
}

static xap_query_t *build(parser_t *p, const char *query)
{
    p->lx.q = query;
    p->lx.len = strlen(query);
    p->lx.pos = 0;
    p->lx.errmsg = p->errmsg;
    p->st = HSOK_OK;
    if (advance(p))
        return NULL;
    xap_query_t *q = parse_or(p, 0);
    if (p->st != HSOK_OK)
        return NULL;
    if (p->tok.kind == T_RPAREN) {
        p->st = hsok_seterr(p->errmsg, HSOK_ERR_QUERY, "unbalanced parenthesis at column %zu",
                            pcol(p, p->tok.at));
        return NULL;
    }
    return q;
}

static xap_query_t *with_filters(parser_t *p, xap_query_t *q, const hsok_search_opts_t *o)
{
    if (!o || !q)
        return q;
    xap_query_t *f[4] = { NULL, NULL, NULL, NULL };
    size_t nf = 0;
    if (o->nrespondents) {
        xap_query_t *or = mk(p, XQ_OR, o->nrespondents);
        if (!or)
            return NULL;
        for (size_t i = 0; i < o->nrespondents; i++) {
            xap_query_t *r = respondent_filter(p, o->respondents[i], strlen(o->respondents[i]),
                                               o->respondent_exact);
            if (!r)
                return NULL;
            or->sub[or->nsub++] = r;
        }
        f[nf++] = or;
    }
    if (o->nthemes) {
        xap_query_t *or = mk(p, XQ_OR, o->nthemes);
        if (!or)
            return NULL;
        for (size_t i = 0; i < o->nthemes; i++) {
            xap_query_t *r = theme_filter(p, o->themes[i], strlen(o->themes[i]));
            if (!r)
                return NULL;
            or->sub[or->nsub++] = r;
        }
        f[nf++] = or;
    }
    if (o->ntypes) { /* respondent types: checked in check_utf8 */
        xap_query_t *or = mk(p, XQ_OR, o->ntypes);
        if (!or)
            return NULL;
        for (size_t i = 0; i < o->ntypes; i++) {
            xap_query_t *r = mk_term(p, PFX_RTYPE, o->types[i], strlen(o->types[i]), XQ_TERM);
            if (!r)
                return NULL;
            or->sub[or->nsub++] = r;
        }
        f[nf++] = or;
    }
    if (o->npositions) { /* positions: checked in check_utf8 */
        xap_query_t *or = mk(p, XQ_OR, o->npositions);
        if (!or)
            return NULL;
        for (size_t i = 0; i < o->npositions; i++) {
            xap_query_t *r = position_filter(p, o->positions[i], strlen(o->positions[i]));
            if (!r)
                return NULL;
            or->sub[or->nsub++] = r;
        }
        f[nf++] = or;
    }
    if (!p->db->with_form_text) {
        /* the hearing's form text is nobody's answer (dbform.c) */
        xap_query_t *nq = mk(p, XQ_AND_NOT, 2), *form = mk_term(p, PFX_FORM, "", 0, XQ_TERM);
        if (!nq || !form)
            return NULL;
        nq->sub[nq->nsub++] = q;
        nq->sub[nq->nsub++] = form;
        q = nq;
    }
    if (!nf)
        return q;
    xap_query_t *fq = mk(p, XQ_FILTER, nf + 1);
    if (!fq)
        return NULL;
    fq->sub[fq->nsub++] = q;
    for (size_t i = 0; i < nf; i++)
        fq->sub[fq->nsub++] = f[i];
    return fq;
}

/* The words of a query, counted by the lexer alone (a phrase counts its words), so that an
 * enormous query is refused before its words are analysed. A malformed query counts up to
 * the error: the parser reports it. */
static size_t count_words(const char *query)
{
    lexer_t lx = { query, strlen(query), 0, NULL };
    qtok_t t;
    size_t n = 0;
    while (lex_next(&lx, &t) == HSOK_OK && t.kind != T_END) {
        if (t.kind == T_WORD || t.kind == T_FIELD)
            n++;
        for (size_t i = t.start, in = 0; t.kind == T_PHRASE && i < t.end; i++) {
            n += !in && !is_space(query[i]);
            in = !is_space(query[i]);
        }
    }
    return n;
}

/* The query and the filter values must be UTF-8: the analyzer would skip bytes that are not,
 * and the normaliser refuses them. A usage error naming the byte, not "out of memory". */
static hsok_status_t check_utf8(const char *query, const hsok_search_opts_t *o, char **errmsg)
{
    size_t bad;
    if (query && !hsok_utf8_valid(query, strlen(query), &bad))
        return hsok_seterr(errmsg, HSOK_ERR_QUERY, "the query is not valid UTF-8 (byte %zu)",
                           bad);
    for (size_t i = 0; o && i < o->nrespondents; i++)
        if (!hsok_utf8_valid(o->respondents[i], strlen(o->respondents[i]), &bad))
            return hsok_seterr(errmsg, HSOK_ERR_QUERY,
                               "the respondent filter is not valid UTF-8 (byte %zu)", bad);
    for (size_t i = 0; o && i < o->nthemes; i++)
        if (!hsok_utf8_valid(o->themes[i], strlen(o->themes[i]), &bad))
            return hsok_seterr(errmsg, HSOK_ERR_QUERY,
                               "the theme filter is not valid UTF-8 (byte %zu)", bad);
    for (size_t i = 0; o && i < o->ntypes; i++)
        if (!hsok_respondent_type_name(o->types[i], strlen(o->types[i])))
            return hsok_seterr(errmsg, HSOK_ERR_QUERY, "unknown respondent type '%.40s' (%s)",
                               o->types[i], HSOK_RESPONDENT_TYPES);
    for (size_t i = 0; o && i < o->npositions; i++) {
        hsok_position_t pos;
        if (hsok_position_parse(o->positions[i], &pos))
            return hsok_seterr(errmsg, HSOK_ERR_QUERY, "unknown position '%.40s' (%s)",
                               o->positions[i], HSOK_POSITION_NAMES);
    }
    return HSOK_OK;
}

hsok_status_t qplan_build(hsok_db_t *db, const char *query, const hsok_search_opts_t *opts,
                          qplan_t *plan, char **errmsg)
{
    memset(plan, 0, sizeof *plan);
    hsok_status_t ust = check_utf8(query, opts, errmsg);
    if (ust == HSOK_OK)
        ust = qfilter_check(db, opts, errmsg);
    if (ust != HSOK_OK)
        return ust;
    size_t nw = db ? count_words(query) : 0;
    if (nw > HSOK_MAX_QUERY_WORDS)
        return hsok_seterr(errmsg, HSOK_ERR_QUERY, "the query has %zu words; hsok searches "
                           "with at most %d", nw, HSOK_MAX_QUERY_WORDS);
    parser_t p = { 0 };
    p.db = db;
    p.plan = plan;
    p.errmsg = errmsg;
    p.opts = opts;
    if (db) {
        p.an = db_analyzer(db, errmsg);
        if (!p.an)
            return HSOK_ERR_NOMEM;
    } else if (hsok_analyzer_new(&p.an, errmsg) != HSOK_OK) {
        return HSOK_ERR_NOMEM;
    }
    hsok_status_t st = HSOK_OK;
    p.collect = 1;
    p.related = 1;
    p.variants = 1;
    plan->strict = build(&p, query);
    if (p.st == HSOK_OK && !plan->strict)
        p.st = hsok_seterr(errmsg, HSOK_ERR_QUERY, "query has no searchable words");
    /* compound words got related forms, or words got bokmål/nynorsk variants: the same
     * query without them finds the exact matches, which the search ranks first, and with
     * the variants but without the related forms the next tier */
    int any_related = p.nrelated > 0, any_variant = p.nvariant > 0;
    p.collect = 0;
    for (int relaxed = 0; relaxed < 2 && p.st == HSOK_OK; relaxed++) {
        xap_query_t **tiers[3] = { relaxed ? &plan->relaxed_exact : &plan->exact,
                                   relaxed ? &plan->relaxed_variant : &plan->variant,
                                   relaxed ? &plan->relaxed : &plan->strict };
        if (relaxed && !p.implicit)
            break;
        p.relaxed = relaxed;
        if (relaxed) { /* the whole relaxed query, with related forms and variants */
            p.related = p.variants = 1;
            p.nrelated = 0;
            *tiers[2] = build(&p, query);
        }
        p.related = 0;
        if (p.st == HSOK_OK && any_related && any_variant)
            *tiers[1] = build(&p, query);
        p.variants = 0;
        p.nvw = 0;
        if (p.st == HSOK_OK && (any_related || any_variant))
            *tiers[0] = with_weights(&p, build(&p, query));
        for (int k = 0; k < 3 && p.st == HSOK_OK; k++)
            if (*tiers[k])
                *tiers[k] = with_filters(&p, *tiers[k], opts);
        /* a tier the query has no forms for is the one after it (or, for the variants
         * without related forms, the whole query) */
        if (p.st == HSOK_OK) {
            if (!*tiers[1])
                *tiers[1] = any_related ? *tiers[0] : *tiers[2];
            if (!*tiers[0])
                *tiers[0] = *tiers[1];
        }
    }
    st = p.st;
    if (!db)
        hsok_analyzer_free(p.an);
    if (st != HSOK_OK)
        qplan_clear(plan);
    return st;
}

hsok_status_t qplan_filters(hsok_db_t *db, const hsok_search_opts_t *opts, qplan_t *plan,
                            char **errmsg)
{
    memset(plan, 0, sizeof *plan);
    hsok_status_t ust = check_utf8(NULL, opts, errmsg);
    if (ust == HSOK_OK)
        ust = qfilter_check(db, opts, errmsg);
    if (ust != HSOK_OK)
        return ust;
    parser_t p = { 0 };
    p.db = db;
    p.plan = plan;
    p.errmsg = errmsg;
    p.opts = opts;
    p.an = db_analyzer(db, errmsg);
    if (!p.an)
        return HSOK_ERR_NOMEM;
    xap_query_t *all = mk(&p, XQ_ALL, 0);
    if (all)
        plan->strict = with_filters(&p, all, opts);
    if (p.st == HSOK_OK && !plan->strict)
        p.st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (p.st != HSOK_OK)
        qplan_clear(plan);
    return p.st;
}

void qplan_clear(qplan_t *plan)
{
    for (size_t i = 0; i < plan->npool; i++)
        free(plan->pool[i]);
    free(plan->pool);
    strset_clear(&plan->stems);
    strset_clear(&plan->rstems);
    strset_clear(&plan->lemmas);
    strset_clear(&plan->variants);
    strset_clear(&plan->forms);
    strset_clear(&plan->prefixes);
    for (size_t i = 0; i < plan->nwords; i++)
        free(plan->words[i].norm);
    free(plan->words);
    memset(plan, 0, sizeof *plan);
}

hsok_status_t hsok_query_describe(hsok_db_t *db, const char *query, char **out, char **errmsg)
{
    *out = NULL;
    qplan_t plan;
    hsok_status_t st = qplan_build(db, query, NULL, &plan, errmsg);
    if (st != HSOK_OK)
        return st;
    *out = xap_query_describe(plan.strict);
    qplan_clear(&plan);
    return *out ? HSOK_OK : hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
}
