/* search.c — run a query plan, decode hits, cut snippets, highlight, suggest spellings.
 *
 * Highlighting re-reads the passage with the same analyzer (DOCUMENT mode) and marks every
 * token whose stem, exact form or prefix the query asked for, or whose lemma or bokmål/nynorsk
 * variant is one of the query's (the analyzer then carries the lemmas the index stored for
 * each word: db_stored_lemmatizer); a compound whose part matched is marked as a whole word.
 * Offsets come from the tokens, so snippets are cut from the original bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "hsok/copies.h"
#include "prefix.h"
#include "query_internal.h"

typedef struct hit_priv {
    db_rec_t rec;
    char *snippet;
    hsok_span_t *spans;
    hsok_copy_group_t *copy;
} hit_priv_t;

struct hsok_results {
    hsok_hit_t *hits;
    hit_priv_t *priv;
    size_t n;
    size_t estimated;
    size_t estimated_all; /* of them, passages with all the words */
    size_t estimated_related; /* of them, passages that matched only as related */
    size_t estimated_variant; /* of them, passages that matched only through a variant */
    size_t passages; /* every matching passage, also those folded into a hit */
    int exact; /* the counts are exact, else lower bounds */
    int relaxed;
    char *suggestion;
};

/* exact, variant, related; with all the words, then with some (hsok_search) */
#define NTIERS 6

typedef struct spans {
    hsok_span_t *v;
    size_t n, cap;
    const qplan_t *plan;
    int nomem;
    int related; /* a related hit: the parts of compound words are highlighted too */
} spans_t;

/* s is a stem the hit was asked for (rstems only in a related hit) */
static int asked(const spans_t *sp, const char *s, size_t n)
{
    return strset_has(&sp->plan->stems, s, n) ||
           (sp->related && strset_has(&sp->plan->rstems, s, n));
}

/* MIN_HEAD of lemma.c: the shortest table word that ends a compound's variant */
#define MIN_VARIANT_HEAD 5

/* Do the token's lemmas or variants meet the query's L or V terms ("ansvaret" for ansvar,
 * "løysinga" for løsning)? A variant that is a compound ending in a query variant
 * ("informasjonssikkerhet" of "informasjonstryggleiken" for sikkerhet) meets it as its part
 * did at index time. */
static int lemma_hit(const qplan_t *pl, const hsok_token_t *t)
{
    for (size_t off = 0; off < t->lemmas_len; off += strlen(t->lemmas + off) + 1)
        if (strset_has(&pl->lemmas, t->lemmas + off, strlen(t->lemmas + off)))
            return 1;
    for (size_t off = 0; off < t->variants_len; off += strlen(t->variants + off) + 1) {
        const char *v = t->variants + off;
        size_t vl = strlen(v);
        if (strset_has(&pl->variants, v, vl))
            return 1;
        for (size_t i = 0; i < pl->variants.n; i++) {
            size_t l = strlen(pl->variants.v[i]);
            if (l >= MIN_VARIANT_HEAD && l < vl && !memcmp(v + vl - l, pl->variants.v[i], l))
                return 1;
        }
    }
    return 0;
}

static int on_highlight(void *ctx, const hsok_token_t *t)
{
    spans_t *sp = ctx;
    const qplan_t *pl = sp->plan;
    int hit;
    if (t->flags & HSOK_TOKEN_PART)
        hit = asked(sp, t->stem, t->stem_len) ||
              strset_has_prefix(&pl->stems, t->norm, t->norm_len) ||
              (sp->related && strset_has_prefix(&pl->rstems, t->norm, t->norm_len));
    else
        hit = asked(sp, t->stem, t->stem_len) ||
              strset_has(&pl->forms, t->norm, t->norm_len) ||
              strset_has_prefix(&pl->prefixes, t->norm, t->norm_len);
    if (!hit && !lemma_hit(pl, t))
        return 0;
    /* Spans stay in text order, one per word: a part has its word's offsets, and a suspended
     * compound ("helse- og omsorgstjenesten" read as "helsetjenesten") comes after the words
     * that follow it, at its first word's offsets (found by fuzz_query). */
    size_t at = sp->n;
    while (at > 0 && sp->v[at - 1].start > t->start)
        at--;
    if (at > 0 && sp->v[at - 1].start == t->start)
        return 0; /* the word is marked already */
    if (sp->n == sp->cap) {
        size_t nc = sp->cap ? sp->cap * 2 : 16;
        hsok_span_t *v = realloc(sp->v, nc * sizeof *v);
        if (!v) {
            sp->nomem = 1;
            return 1;
        }
        sp->v = v;
        sp->cap = nc;
    }
    memmove(sp->v + at + 1, sp->v + at, (sp->n - at) * sizeof *sp->v);
    sp->v[at].start = t->start;
    sp->v[at].end = t->end;
    sp->n++;
    return 0;
}

/* Highlighting needs no lexicon: a word is split where a query stem (at least 4 bytes) occurs
 * inside it, which is what matched its compound part at index time ("sikker" in
 * "informasjonssikkerhet"). The part runs from there to the end of the word, or from the start
 * of the word to the end of the stem for a modifier ("tilgang" in "tilgangsstyring"). */
static size_t query_split(void *ctx, const char *word, size_t len, size_t starts[], size_t ends[],
                          size_t max)
{
    const spans_t *sp = ctx;
    const qplan_t *pl = sp->plan;
    size_t n = 0, nst = pl->stems.n + (sp->related ? pl->rstems.n : 0);
    for (size_t i = 0; i < nst && n + 2 <= max; i++) {
        const char *st = i < pl->stems.n ? pl->stems.v[i] : pl->rstems.v[i - pl->stems.n];
        size_t sl = strlen(st);
        if (sl < 4 || sl >= len)
            continue;
        for (size_t p = 0; p + sl <= len; p++) {
            if (memcmp(word + p, st, sl))
                continue;
            if (p > 0) {
                starts[n] = p;
                ends[n++] = len;
            } else {
                starts[n] = 0;
                ends[n++] = sl;
            }
            break;
        }
    }
    return n;
}

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Choose [*ws, *we) of at most width bytes covering as many spans as possible, starting at a
 * sentence start when one is close before the first covered span, else at a word start. */
static void choose_window(const char *text, size_t len, const spans_t *sp, size_t width,
                          size_t *ws, size_t *we)
{
    if (len <= width) {
        *ws = 0;
        *we = len;
        return;
    }
    size_t best = 0, best_count = 0;
    for (size_t i = 0; i < sp->n; i++) {
        size_t count = 0;
        for (size_t j = i; j < sp->n && sp->v[j].end <= sp->v[i].start + width * 3 / 4; j++)
            count++;
        if (count > best_count) {
            best_count = count;
            best = i;
        }
    }
    size_t anchor = sp->n ? sp->v[best].start : 0;
    size_t s = anchor;
    /* back to a sentence start within a third of the width, else some words of lead-in */
    size_t limit = anchor > width / 3 ? anchor - width / 3 : 0;
    size_t k = anchor;
    int found = anchor == 0;
    while (k > limit) {
        if ((text[k - 1] == ' ' || text[k - 1] == '\n') && k >= 2 &&
            (text[k - 2] == '.' || text[k - 2] == '?' || text[k - 2] == '!' ||
             text[k - 2] == ':' || text[k - 2] == '\n')) {
            found = 1;
            break;
        }
        k--;
    }
    if (found || k == 0) {
        s = k;
    } else {
        s = anchor > 40 ? anchor - 40 : 0;
        while (s > 0 && text[s - 1] != ' ' && text[s - 1] != '\n')
            s--;
    }
    size_t e = s + width < len ? s + width : len;
    if (e < len) {
        size_t e2 = e;
        while (e2 > s && text[e2] != ' ' && text[e2] != '\n')
            e2--;
        if (e2 > s)
            e = e2;
        while (e > s && is_cont((unsigned char)text[e]))
            e--;
    }
    while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\n'))
        e--;
    *ws = s;
    *we = e;
}

/* hl: the lemmatizer with the index's stored lemmas (NULL if it has none) */
static int make_snippet(hit_priv_t *h, hsok_hit_t *pub, hsok_analyzer_t *an,
                        struct hsok_lemmatizer *hl, const qplan_t *pl, size_t width)
{
    const char *text = h->rec.pub.text;
    size_t len = strlen(text);
    spans_t sp = { NULL, 0, 0, pl, 0, pub->match == HSOK_MATCH_RELATED };
    struct hsok_lemmatizer *was = hsok_analyzer_lemmatizer(an);
    hsok_analyzer_set_splitter(an, query_split, &sp);
    hsok_analyzer_set_lemmatizer(an, hl);
    hsok_analyze(an, text, len, HSOK_ANALYZE_DOCUMENT, NULL, on_highlight, &sp);
    hsok_analyzer_set_lemmatizer(an, was);
    hsok_analyzer_set_splitter(an, NULL, NULL);
    if (sp.nomem) {
        free(sp.v);
        return -1;
    }
    size_t ws, we;
    choose_window(text, len, &sp, width, &ws, &we);
    static const char ell[] = "\xE2\x80\xA6"; /* … */
    buf_t b = BUF_INIT;
    if (ws > 0)
        buf_addstr(&b, ell);
    size_t shift = b.len;
    buf_add(&b, text + ws, we - ws);
    if (we < len)
        buf_addstr(&b, ell);
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n')
            b.data[i] = ' ';
    size_t n = 0;
    for (size_t i = 0; i < sp.n; i++) {
        if (sp.v[i].start >= ws && sp.v[i].end <= we) {
            sp.v[n].start = sp.v[i].start - ws + shift;
            sp.v[n].end = sp.v[i].end - ws + shift;
            n++;
        }
    }
    h->snippet = buf_detach(&b, NULL);
    h->spans = sp.v;
    if (!h->snippet)
        return -1;
    pub->snippet = h->snippet;
    pub->spans = sp.v;
    pub->nspans = n;
    return 0;
}

static int any_unknown(hsok_db_t *db, hsok_analyzer_t *an, const qplan_t *pl)
{
    for (size_t i = 0; i < pl->nwords; i++) {
        const char *w = pl->words[i].norm;
        size_t n = strlen(w), sl;
        if (xap_termfreq(db->x, w, n) > 0)
            continue;
        const char *st = hsok_stem(an, w, n, &sl);
        if (!st || sl + 2 > 256)
            continue;
        char term[256];
        memcpy(term, PFX_STEM, strlen(PFX_STEM));
        memcpy(term + strlen(PFX_STEM), st, sl);
        if (xap_termfreq(db->x, term, strlen(PFX_STEM) + sl) == 0)
            return 1;
    }
    return 0;
}

static char *suggest(hsok_db_t *db, const char *query, const qplan_t *pl, char **errmsg)
{
    buf_t b = BUF_INIT;
    size_t at = 0;
    int changed = 0;
    for (size_t i = 0; i < pl->nwords; i++) {
        const qword_t *w = &pl->words[i];
        if (xap_termfreq(db->x, w->norm, strlen(w->norm)) > 0 ||
            strlen(w->norm) > HSOK_SPELLING_WORD_MAX + 2 * 4)
            continue; /* (Xapian's suggester took seconds on a word of 50,000 letters) */
        char *s = NULL;
        if (xap_spelling(db->x, w->norm, strlen(w->norm), &s, errmsg) != HSOK_OK || !s)
            continue;
        buf_add(&b, query + at, w->start - at);
        buf_addstr(&b, s);
        at = w->end;
        free(s);
        changed = 1;
    }
    if (!changed) {
        buf_free(&b);
        return NULL;
    }
    buf_addstr(&b, query + at);
    return buf_detach(&b, NULL);
}

hsok_status_t hsok_search(hsok_db_t *db, const char *query, const hsok_search_opts_t *opts,
                          hsok_results_t **out, char **errmsg)
{
    static const hsok_search_opts_t defaults = { 0 };
    if (!opts)
        opts = &defaults;
    *out = NULL;
    unsigned limit = opts->limit ? opts->limit : 10;
    size_t width = opts->snippet_chars ? opts->snippet_chars : 240;
    qplan_t plan;
    hsok_status_t st = qplan_build(db, query, opts, &plan, errmsg);
    if (st != HSOK_OK)
        return st;
    hsok_results_t *r = calloc(1, sizeof *r);
    if (!r) {
        qplan_clear(&plan);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    /* The page is filled tier by tier, each excluding the ones before: the passages with
     * all the words, exact matches (1: any inflection, also inside a compound), then those
     * found only in the other written standard (2: bokmål/nynorsk variants, "løysinga" for
     * løsning), then related ones (3: a compound word's parts apart, other compounds with
     * its head); then, for several words without an operator, the passages with only some of
     * them (ranked OR) in the same three tiers (4-6), so nothing relevant is hidden. Once the
     * page is full, a tier only counts its passages: it asks for one hit and drops it (with
     * no hit asked, Xapian does not run the match and its count is a rough guess from the
     * terms' frequencies).
     * A tier the query has no forms for is the same query as the one before it (qplan_t)
     * and is left out. */
    xap_query_t *level[2][3] = { { plan.exact, plan.variant, plan.strict },
                                 { plan.relaxed_exact, plan.relaxed_variant, plan.relaxed } };
    xap_query_t *strict_or[2][2] = { { plan.strict, plan.relaxed_exact },
                                     { plan.strict, plan.relaxed_variant } };
    xap_query_t either[2] = {
        { .op = XQ_OR, .scale = 1.0, .sub = strict_or[0], .nsub = 2 },
        { .op = XQ_OR, .scale = 1.0, .sub = strict_or[1], .nsub = 2 },
    };
    struct {
        xap_query_t *q, *minus;
        int all_words, related;
        hsok_match_t match;
        xap_query_t node;
        xap_query_t *pair[2];
    } tier[NTIERS];
    memset(tier, 0, sizeof tier);
    for (int g = 0; g < 2; g++) {
        for (int k = 0; k < 3; k++) {
            int t = g * 3 + k;
            if (level[g][k] && (k == 0 || level[g][k] != level[g][k - 1]))
                tier[t].q = level[g][k];
            tier[t].minus = k ? (g ? &either[k - 1] : level[g][k - 1]) : (g ? plan.strict : NULL);
            tier[t].all_words = !g;
            tier[t].match = k == 0 ? HSOK_MATCH_EXACT : k == 1 ? HSOK_MATCH_VARIANT
                                                               : HSOK_MATCH_RELATED;
            tier[t].related = k == 2;
        }
    }
    xap_hits_t *th[NTIERS] = { NULL };
    size_t use[NTIERS] = { 0 }; /* hits of each tier on this page */
    size_t got = 0, before = 0;
    r->exact = 1;
    for (int t = 0; t < NTIERS; t++) {
        if (!tier[t].q)
            continue;
        xap_query_t *q = tier[t].q;
        if (tier[t].minus) {
            tier[t].pair[0] = tier[t].q;
            tier[t].pair[1] = tier[t].minus;
            tier[t].node = (xap_query_t){ .op = XQ_AND_NOT, .scale = 1.0, .sub = tier[t].pair,
                                          .nsub = 2 };
            q = &tier[t].node;
        }
        int room = got < limit && opts->offset + got >= before;
        unsigned skip = opts->offset > before ? (unsigned)(opts->offset - before) : 0;
        /* identical passages of one respondent ("see our general comment in part 4",
         * repeated under every goal) are one hit, and so is a group of copies (copies.c
         * gives its passages the group's key) unless every copy is asked for */
        st = xap_search_collapse(db->x, q, room ? skip : 0, room ? limit - (unsigned)got : 1,
                                 -1, opts->no_collapse ? SLOT_OWNDUP : SLOT_DUP, &th[t],
                                 errmsg);
        if (st != HSOK_OK)
            goto fail;
        use[t] = room ? th[t]->n : 0;
        got += use[t];
        before += th[t]->count;
        r->passages += th[t]->passages;
        r->exact = r->exact && th[t]->count_exact && th[t]->passages_exact;
        if (tier[t].all_words)
            r->estimated_all += th[t]->count;
        if (tier[t].match == HSOK_MATCH_VARIANT)
            r->estimated_variant += th[t]->count;
        if (tier[t].related)
            r->estimated_related += th[t]->count;
        if (!tier[t].all_words && use[t])
            r->relaxed = 1;
    }
    r->estimated = before;
    size_t total = got;
    if (total) {
        r->hits = calloc(total, sizeof *r->hits);
        r->priv = calloc(total, sizeof *r->priv);
        if (!r->hits || !r->priv)
            goto nomem;
    }
    hsok_analyzer_t *an = db_analyzer(db, errmsg);
    if (!an)
        goto nomem;
    struct hsok_lemmatizer *hl = NULL;
    if (total && (st = db_stored_lemmatizer(db, &hl, errmsg)) != HSOK_OK)
        goto fail;
    int copies = total && hsok_db_has_copies(db);
    for (size_t i = 0, t = 0, k = 0; i < total; i++, k++) {
        while (k >= use[t]) {
            t++;
            k = 0;
        }
        const xap_hit_t *x = &th[t]->hits[k];
        hit_priv_t *h = &r->priv[i];
        st = db_rec_load(db, x->data, x->data_len, &h->rec, errmsg);
        if (st != HSOK_OK)
            goto fail;
        r->n++;
        hsok_hit_t *pub = &r->hits[i];
        pub->rec = h->rec.pub;
        pub->rank = opts->offset + (unsigned)i + 1;
        pub->score = x->score;
        pub->duplicates = x->collapsed;
        pub->all_words = tier[t].all_words;
        pub->match = tier[t].match;
        if (make_snippet(h, pub, an, hl, &plan, width))
            goto nomem;
        if (copies && (st = hsok_db_copy_group_of(db, pub->rec.id, &h->copy, errmsg)) != HSOK_OK)
            goto fail;
        pub->copy = h->copy;
    }
    /* a spelling suggestion when little is found, or when a word is not in the index in any
     * form (it may still have matched through its parts: "informasjonsikkerhet") */
    if (r->estimated < 3 || any_unknown(db, an, &plan))
        r->suggestion = suggest(db, query, &plan, NULL);
    for (int t = 0; t < NTIERS; t++)
        xap_hits_free(th[t]);
    qplan_clear(&plan);
    *out = r;
    return HSOK_OK;
nomem:
    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
fail:
    for (int t = 0; t < NTIERS; t++)
        xap_hits_free(th[t]);
    qplan_clear(&plan);
    hsok_results_free(r);
    return st;
}

size_t hsok_results_count(const hsok_results_t *r)
{
    return r ? r->n : 0;
}

const hsok_hit_t *hsok_results_get(const hsok_results_t *r, size_t i)
{
    return r && i < r->n ? &r->hits[i] : NULL;
}

size_t hsok_results_estimated(const hsok_results_t *r)
{
    return r ? r->estimated : 0;
}

size_t hsok_results_passages(const hsok_results_t *r)
{
    return r ? r->passages : 0;
}

int hsok_results_counts_exact(const hsok_results_t *r)
{
    return r ? r->exact : 1;
}

size_t hsok_results_estimated_variant(const hsok_results_t *r)
{
    return r ? r->estimated_variant : 0;
}

size_t hsok_results_estimated_all(const hsok_results_t *r)
{
    return r ? r->estimated_all : 0;
}

size_t hsok_results_estimated_related(const hsok_results_t *r)
{
    return r ? r->estimated_related : 0;
}

int hsok_results_relaxed(const hsok_results_t *r)
{
    return r ? r->relaxed : 0;
}

const char *hsok_results_suggestion(const hsok_results_t *r)
{
    return r ? r->suggestion : NULL;
}

void hsok_results_free(hsok_results_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        db_rec_clear(&r->priv[i].rec);
        free(r->priv[i].snippet);
        free(r->priv[i].spans);
        hsok_copy_group_free(r->priv[i].copy);
    }
    free(r->priv);
    free(r->hits);
    free(r->suggestion);
    free(r);
}
