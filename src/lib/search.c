/* search.c — run a query plan, decode hits, cut snippets, highlight, suggest spellings.
 *
 * Highlighting re-reads the passage with the same analyzer (DOCUMENT mode) and marks every
 * token whose stem, exact form or prefix the query asked for; a compound whose part matched
 * is marked as a whole word. Offsets come from the tokens, so snippets are cut from the
 * original bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "prefix.h"
#include "query_internal.h"

typedef struct hit_priv {
    db_rec_t rec;
    char *snippet;
    hsok_span_t *spans;
} hit_priv_t;

struct hsok_results {
    hsok_hit_t *hits;
    hit_priv_t *priv;
    size_t n;
    size_t estimated;
    size_t estimated_all; /* of them, passages with all the words */
    int relaxed;
    char *suggestion;
};

typedef struct spans {
    hsok_span_t *v;
    size_t n, cap;
    const qplan_t *plan;
    int nomem;
} spans_t;

static int on_highlight(void *ctx, const hsok_token_t *t)
{
    spans_t *sp = ctx;
    const qplan_t *pl = sp->plan;
    int hit;
    if (t->flags & HSOK_TOKEN_PART)
        hit = strset_has(&pl->stems, t->stem, t->stem_len) ||
              strset_has_prefix(&pl->stems, t->norm, t->norm_len);
    else
        hit = strset_has(&pl->stems, t->stem, t->stem_len) ||
              strset_has(&pl->forms, t->norm, t->norm_len) ||
              strset_has_prefix(&pl->prefixes, t->norm, t->norm_len);
    if (!hit)
        return 0;
    if (sp->n && sp->v[sp->n - 1].start == t->start)
        return 0; /* a part of a word already marked */
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
    sp->v[sp->n].start = t->start;
    sp->v[sp->n].end = t->end;
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
    const qplan_t *pl = ctx;
    size_t n = 0;
    for (size_t i = 0; i < pl->stems.n && n + 2 <= max; i++) {
        const char *st = pl->stems.v[i];
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

static int make_snippet(hit_priv_t *h, hsok_hit_t *pub, hsok_analyzer_t *an, const qplan_t *pl,
                        size_t width)
{
    const char *text = h->rec.pub.text;
    size_t len = strlen(text);
    spans_t sp = { NULL, 0, 0, pl, 0 };
    hsok_analyzer_set_splitter(an, query_split, (void *)pl);
    hsok_analyze(an, text, len, HSOK_ANALYZE_DOCUMENT, NULL, on_highlight, &sp);
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
        if (xap_termfreq(db->x, w->norm, strlen(w->norm)) > 0)
            continue;
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
    xap_hits_t *hits = NULL, *more = NULL;
    /* identical passages of one respondent ("see our general comment in part 4", repeated
     * under every goal) are one hit */
    st = xap_search_collapse(db->x, plan.strict, opts->offset, limit, -1, SLOT_DUP, &hits,
                             errmsg);
    if (st != HSOK_OK)
        goto fail;
    r->estimated = r->estimated_all = hits->estimated;
    /* Several words without an operator: the passages with all of them come first; when
     * they run out within this page, the page goes on with the passages that have only
     * some of them (ranked OR, excluding the first set), so nothing relevant is hidden.
     * When the page is full, that query only counts them (limit 0). */
    if (plan.relaxed) {
        xap_query_t *pair[2] = { plan.relaxed, plan.strict };
        xap_query_t rest = { .op = XQ_AND_NOT, .scale = 1.0, .sub = pair, .nsub = 2 };
        size_t strict_n = hits->estimated;
        int room = hits->n < limit && opts->offset + hits->n >= strict_n;
        unsigned skip = opts->offset > strict_n ? (unsigned)(opts->offset - strict_n) : 0;
        st = xap_search_collapse(db->x, &rest, room ? skip : 0,
                                 room ? limit - (unsigned)hits->n : 0, -1, SLOT_DUP, &more,
                                 errmsg);
        if (st != HSOK_OK)
            goto fail;
        r->estimated = strict_n + more->estimated;
        r->relaxed = more->n > 0;
    }
    size_t total = hits->n + (more ? more->n : 0);
    if (total) {
        r->hits = calloc(total, sizeof *r->hits);
        r->priv = calloc(total, sizeof *r->priv);
        if (!r->hits || !r->priv)
            goto nomem;
    }
    hsok_analyzer_t *an = db_analyzer(db, errmsg);
    if (!an)
        goto nomem;
    for (size_t i = 0; i < total; i++) {
        int all = i < hits->n;
        const xap_hit_t *x = all ? &hits->hits[i] : &more->hits[i - hits->n];
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
        pub->all_words = all;
        if (make_snippet(h, pub, an, &plan, width))
            goto nomem;
    }
    /* a spelling suggestion when little is found, or when a word is not in the index in any
     * form (it may still have matched through its parts: "informasjonsikkerhet") */
    if (r->estimated < 3 || any_unknown(db, an, &plan))
        r->suggestion = suggest(db, query, &plan, NULL);
    xap_hits_free(hits);
    xap_hits_free(more);
    qplan_clear(&plan);
    *out = r;
    return HSOK_OK;
nomem:
    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
fail:
    xap_hits_free(hits);
    xap_hits_free(more);
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

size_t hsok_results_estimated_all(const hsok_results_t *r)
{
    return r ? r->estimated_all : 0;
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
    }
    free(r->priv);
    free(r->hits);
    free(r->suggestion);
    free(r);
}
