/* dblemma.c — lemmas and bokmål/nynorsk variants in the index.
 *
 * Indexing adds L+lemma and V+concept terms for each word (index.c on_token) and stores, for
 * each distinct word whose lemmas are not just itself, "lemma:<word>" → its lemmas. The table
 * the index was built with is stored too. A query thus finds a word's lemmas in the index
 * (metadata, or the word itself when it is an L term) and its variants from the stored table,
 * without loading hunspell's dictionaries (about 1.4 s); only a word the index knows in no
 * form makes it load them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "hsok/ingest.h"
#include "hsok_config.h"
#include "lemma.h"
#include "prefix.h"

#define TABLE_MAX (1024 * 1024)
/* Indexing empties the lemma cache, once its words' lemmas are stored, when it holds this many
 * words: about 70 bytes each (the word, its lemmas and variants, table slots), so 9 MB, 18 with
 * the arrays' room to grow. A corpus keeps bringing new words (860,000 distinct ones in the
 * 100 MB gen-corpus, 180,000 in 10 MB), so a cache of all of them grows with the corpus; a
 * word met again after the cache was emptied is looked up again (hunspell) and its "lemma:"
 * record written again, with the same value. */
#define LEMMA_CACHE_MAX ((size_t)1 << 17)

/* The variant table file: $HSOK_VARIANTS (empty: none), ./data/nb-nn.tsv, the installed one,
 * the source tree's. NULL if none is there. */
static const char *table_path(void)
{
    const char *env = getenv("HSOK_VARIANTS");
    if (env)
        return *env ? env : NULL;
    static const char *const paths[] = { "data/nb-nn.tsv", HSOK_DATADIR "/nb-nn.tsv",
                                         HSOK_SOURCE_ROOT "/data/nb-nn.tsv" };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        FILE *f = fopen(paths[i], "r");
        if (f) {
            fclose(f);
            return paths[i];
        }
    }
    return NULL;
}

hsok_status_t hsok_lemmatizer_open(lemma_t **out, char **errmsg)
{
    *out = lemma_new();
    if (!*out)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    const char *path = table_path();
    if (!path)
        return HSOK_OK;
    char *text = NULL;
    size_t len = 0;
    hsok_status_t st = hsok_read_regular_file(path, TABLE_MAX, &text, &len, errmsg);
    if (st == HSOK_OK && lemma_set_table(*out, text, len))
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    free(text);
    if (st != HSOK_OK) {
        lemma_free(*out);
        *out = NULL;
    }
    return st;
}

void hsok_lemmatizer_free(lemma_t *lm)
{
    lemma_free(lm);
}

hsok_status_t db_need_lemmas(hsok_db_t *db, char **errmsg)
{
    if (db->lm)
        return HSOK_OK;
    hsok_analyzer_t *an = db_analyzer(db, errmsg);
    if (!an || !(db->lm = lemma_new()))
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    const char *path = table_path();
    char *text = NULL;
    size_t len = 0;
    if (path) {
        hsok_status_t st = hsok_read_regular_file(path, TABLE_MAX, &text, &len, errmsg);
        if (st != HSOK_OK)
            return st;
        if (lemma_set_table(db->lm, text, len)) {
            free(text);
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        }
    }
    hsok_status_t st = xap_set_meta(db->x, META_VARIANTS, text ? text : "", errmsg);
    free(text);
    if (st == HSOK_OK)
        st = xap_set_meta(db->x, META_LEMMAS, lemma_has_dictionaries(db->lm) ? "on" : "off",
                          errmsg);
    if (st == HSOK_OK) {
        hsok_analyzer_set_lemmatizer(an, db->lm);
        db->lemma_state = 1;
    }
    return st;
}

hsok_status_t db_store_lemmas(hsok_db_t *db, char **errmsg)
{
    size_t n = lemma_count(db->lm);
    buf_t k = BUF_INIT, v = BUF_INIT;
    hsok_status_t st = HSOK_OK;
    for (; db->lemma_stored < n && st == HSOK_OK; db->lemma_stored++) {
        const char *w, *l;
        size_t wl, ll;
        lemma_entry(db->lm, db->lemma_stored, &w, &wl, &l, &ll);
        /* a word that is its own only lemma is found by its L term */
        if (!ll || wl > 200 || (ll == wl + 1 && !memcmp(l, w, wl)))
            continue;
        buf_reset(&k);
        buf_reset(&v);
        buf_addstr(&k, META_LEMMA);
        buf_add(&k, w, wl);
        for (size_t off = 0; off < ll; off += strlen(l + off) + 1) {
            if (off)
                buf_addch(&v, ' ');
            buf_addstr(&v, l + off);
        }
        st = k.err || v.err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory")
                            : xap_set_meta(db->x, k.data, v.data, errmsg);
    }
    buf_free(&k);
    buf_free(&v);
    if (st == HSOK_OK && n >= LEMMA_CACHE_MAX) {
        lemma_clear(db->lm);
        db->lemma_stored = 0;
    }
    return st;
}

static size_t termfreq(hsok_db_t *db, const char *pfx, const char *w, size_t n)
{
    char t[256];
    size_t pl = strlen(pfx);
    if (pl + n >= sizeof t)
        return 0;
    memcpy(t, pfx, pl);
    memcpy(t + pl, w, n);
    return xap_termfreq(db->x, t, pl + n);
}

/* A lemmatizer with the variant table the index was built with, in *out. */
static hsok_status_t stored_table(hsok_db_t *db, lemma_t **out, char **errmsg)
{
    char *table = NULL;
    hsok_status_t st = xap_get_meta(db->x, META_VARIANTS, &table, errmsg);
    if (st != HSOK_OK)
        return st;
    *out = lemma_new();
    if (!*out || lemma_set_table(*out, table ? table : "", table ? strlen(table) : 0)) {
        free(table);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    free(table);
    return HSOK_OK;
}

/* Querying: the lemmatizer with the index's table, dictionaries not loaded. *on is set to
 * whether the index has lemmas. */
static hsok_status_t query_lemmatizer(hsok_db_t *db, int *on, char **errmsg)
{
    *on = db->lemma_state > 0;
    if (db->lemma_state)
        return HSOK_OK;
    char *val = NULL;
    /* "off" (no dictionaries at index time) still has the variant table */
    hsok_status_t st = xap_get_meta(db->x, META_LEMMAS, &val, errmsg);
    int has = st == HSOK_OK && val && *val;
    free(val);
    if (st != HSOK_OK)
        return st;
    db->lemma_state = -1;
    if (!has)
        return HSOK_OK;
    st = stored_table(db, &db->lm, errmsg);
    if (st != HSOK_OK)
        return st;
    db->lemma_state = 1;
    *on = 1;
    return HSOK_OK;
}

/* The lemmas the index stored for the word w[0..n), appended to the NUL-separated list
 * (without repeating one the list has): its "lemma:" metadata, else the word itself if it is
 * a lemma (L term). 1 if it had any, 0 if none. */
static int stored_lemmas(hsok_db_t *db, const char *w, size_t n, buf_t *lemmas, size_t at,
                         hsok_status_t *st, char **errmsg)
{
    char *val = NULL;
    buf_t key = BUF_INIT;
    buf_addstr(&key, META_LEMMA);
    buf_add(&key, w, n);
    if (key.err) {
        *st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        return 0;
    }
    if (n <= 200)
        *st = xap_get_meta(db->x, key.data, &val, errmsg);
    buf_free(&key);
    if (*st != HSOK_OK)
        return 0;
    int found = 0;
    if (val && *val) {
        for (char *p = val; *p;) {
            char *e = strchr(p, ' ');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            if (l && !lemma_list_has(lemmas->data + at, lemmas->len - at, p, l)) {
                buf_add(lemmas, p, l);
                buf_addch(lemmas, '\0');
            }
            p += l + (e != NULL);
        }
        found = 1;
    } else if (termfreq(db, PFX_LEMMA, w, n)) {
        buf_add(lemmas, w, n);
        buf_addch(lemmas, '\0');
        found = 1;
    }
    free(val);
    return found;
}

/* lemma_source_fn of the highlighter's lemmatizer (an error leaves the word without lemmas:
 * it is then not highlighted, and the index keeps the error for the next call) */
static void stored_source(void *ctx, const char *w, size_t n, buf_t *out)
{
    hsok_status_t st = HSOK_OK;
    stored_lemmas(ctx, w, n, out, out->len, &st, NULL);
}

hsok_status_t db_stored_lemmatizer(hsok_db_t *db, lemma_t **out, char **errmsg)
{
    *out = NULL;
    int on;
    hsok_status_t st = query_lemmatizer(db, &on, errmsg);
    if (st != HSOK_OK || !on)
        return st;
    if (!db->hl && !db->writable) {
        /* the query's lemmatizer holds the stored table (query_lemmatizer) */
        if (!(db->hl = lemma_new()) || lemma_copy_table(db->hl, db->lm)) {
            lemma_free(db->hl);
            db->hl = NULL;
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        }
        lemma_set_source(db->hl, stored_source, db);
    }
    if (!db->hl) {
        st = stored_table(db, &db->hl, errmsg);
        if (st != HSOK_OK)
            return st;
        lemma_set_source(db->hl, stored_source, db);
    }
    *out = db->hl;
    return HSOK_OK;
}

/* A regular inflection of a lemma the index has ("ansvarenes" → "ansvar", "lederen" →
 * "leder"): found without loading the dictionaries (about 1.4 s). Nonzero if one was added. */
static int guess_lemma(hsok_db_t *db, const char *w, size_t n, buf_t *lemmas)
{
    static const char *const ends[] = { "enes", "anes", "ene", "ane", "ens", "ets", "en",
                                        "et", "er", "ar", "a", "e", "s" };
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        size_t el = strlen(ends[i]);
        if (n >= el + 3 && !memcmp(w + n - el, ends[i], el) &&
            termfreq(db, PFX_LEMMA, w, n - el)) {
            buf_add(lemmas, w, n - el);
            buf_addch(lemmas, '\0');
            return 1;
        }
    }
    return 0;
}

hsok_status_t db_word_forms(hsok_db_t *db, const char *w, size_t n, int may_load,
                            buf_t *lemmas, buf_t *variants, char **errmsg)
{
    int on;
    hsok_status_t st = query_lemmatizer(db, &on, errmsg);
    if (st != HSOK_OK || !on)
        return st;
    size_t at = lemmas->len;
    if (stored_lemmas(db, w, n, lemmas, at, &st, errmsg) || st != HSOK_OK) {
        if (st != HSOK_OK)
            return st;
    } else if (!termfreq(db, "", w, n) && !guess_lemma(db, w, n, lemmas) && may_load) {
        /* a word the index has in no form: ask the dictionaries */
        const char *l, *v;
        size_t ll, vl;
        if (lemma_get(db->lm, w, n, &l, &ll, &v, &vl) == 0)
            buf_add(lemmas, l, ll);
    }
    lemma_variants(db->lm, w, n, lemmas->data + at, lemmas->len - at, variants);
    if (lemmas->err || variants->err)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    return HSOK_OK;
}

hsok_status_t hsok_db_analysis_gaps(hsok_db_t *db, int *no_lemmas, int *no_compounds,
                                    char **errmsg)
{
    static const char *const keys[2] = { META_LEMMAS, META_COMPOUNDS };
    int *out[2] = { no_lemmas, no_compounds };
    for (int i = 0; i < 2; i++) {
        char *val = NULL;
        hsok_status_t st = xap_get_meta(db->x, keys[i], &val, errmsg);
        if (st != HSOK_OK)
            return st;
        *out[i] = val && !strcmp(val, "off");
        free(val);
    }
    return HSOK_OK;
}
