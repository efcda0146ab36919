/* dbthemes.c — themes and stances in the index: re-tagging, the respondent × theme matrix,
 * selecting passages for export, and the checkbox answers (see db.h).
 */
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "formtext.h"
#include "hsok/codes.h"
#include "hsok/position.h"
#include "hsok/copies.h"
#include "hsok/segment.h"
#include "prefix.h"
#include "query_internal.h"

/* Every document matching q, with its data. */
static hsok_status_t all_hits(hsok_db_t *db, const xap_query_t *q, xap_hits_t **out,
                              char **errmsg)
{
    unsigned n = xap_doccount(db->x);
    return xap_search(db->x, q, 0, n ? n : 1, -1, out, errmsg);
}

/* ---- retag ---- */

typedef struct retag_item {
    char *filekey;
    unsigned ordinal;
    size_t hit; /* index in the hits */
} retag_item_t;

static int cmp_retag(const void *a, const void *b)
{
    const retag_item_t *x = a, *y = b;
    int c = strcmp(x->filekey, y->filekey);
    if (c)
        return c;
    if (x->ordinal != y->ordinal)
        return x->ordinal < y->ordinal ? -1 : 1;
    return x->hit < y->hit ? -1 : x->hit > y->hit;
}

hsok_status_t hsok_db_retag(hsok_db_t *db, const hsok_codebook_t *cb, size_t *passages,
                            char **errmsg)
{
    if (passages)
        *passages = 0;
    if (!db->writable)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "index '%s' is open read-only", db->path);
    if (!cb)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no codebook");
    hsok_status_t st = db_need_lexicon(db, errmsg);
    if (st != HSOK_OK)
        return st;
    xap_query_t all = { XQ_ALL, NULL, 0, 0, 0, NULL, 0 };
    xap_hits_t *hits = NULL;
    st = all_hits(db, &all, &hits, errmsg);
    if (st != HSOK_OK)
        return st;
    /* one transaction: the index is re-tagged as a whole or not at all */
    st = hsok_db_commit(db, errmsg);
    if (st == HSOK_OK)
        st = xap_begin(db->x, errmsg);
    int in_txn = st == HSOK_OK;
    if (st == HSOK_OK)
        st = db_store_codebook(db, cb, errmsg);
    size_t done = 0;
    /* each file's passages in document order, so that each respondent's passages are tagged
     * in context (hsok_tagging_context) */
    retag_item_t *items = calloc(hits->n ? hits->n : 1, sizeof *items);
    if (!items && st == HSOK_OK)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    size_t nitems = 0;
    for (size_t i = 0; i < hits->n && st == HSOK_OK; i++, nitems++) {
        db_rec_t rec;
        st = db_rec_load(db, hits->hits[i].data, hits->hits[i].data_len, &rec, errmsg);
        if (st != HSOK_OK)
            break;
        items[i].filekey = strdup(rec.filekey ? rec.filekey : "");
        items[i].ordinal = rec.pub.ordinal;
        items[i].hit = i;
        db_rec_clear(&rec);
        if (!items[i].filekey)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    if (st == HSOK_OK)
        qsort(items, nitems, sizeof *items, cmp_retag);
    hsok_analyzer_t *an = st == HSOK_OK ? db_analyzer(db, errmsg) : NULL;
    if (st == HSOK_OK && !an)
        st = HSOK_ERR_NOMEM;
    for (size_t g = 0, e; g < nitems && st == HSOK_OK; g = e) {
        for (e = g + 1; e < nitems && !strcmp(items[e].filekey, items[g].filekey); e++)
            ;
        size_t m = e - g, loaded = 0;
        db_rec_t *recs = calloc(m, sizeof *recs);
        hsok_tagging_t **tgs = calloc(m, sizeof *tgs);
        if (!recs || !tgs)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        for (size_t j = 0; j < m && st == HSOK_OK; j++) {
            const xap_hit_t *h = &hits->hits[items[g + j].hit];
            st = db_rec_load(db, h->data, h->data_len, &recs[j], errmsg);
            if (st != HSOK_OK)
                break;
            loaded++;
            recs[j].pub.section = recs[j].own_section; /* the form's label is set again after */
            recs[j].pub.form_text = 0;
            st = hsok_tag_passage(cb, an, recs[j].pub.text, strlen(recs[j].pub.text),
                                  recs[j].pub.section, &tgs[j], errmsg);
        }
        for (size_t j = 0, run = 0; j < m && st == HSOK_OK; j++)
            if (j + 1 == m || strcmp(recs[j].pub.respondent ? recs[j].pub.respondent : "",
                                     recs[j + 1].pub.respondent ? recs[j + 1].pub.respondent
                                                                : "")) {
                st = hsok_tagging_context(cb, tgs + run, j + 1 - run, errmsg);
                run = j + 1;
            }
        for (size_t j = 0; j < m && st == HSOK_OK; j++) {
            xap_doc_t *doc = NULL;
            st = db_build_doc(db, &recs[j].pub, recs[j].kind, recs[j].filekey, cb, tgs[j], &doc,
                              errmsg);
            if (st == HSOK_OK)
                st = xap_replace(db->x, hits->hits[items[g + j].hit].docid, doc, errmsg);
            xap_doc_free(doc);
            done++;
        }
        for (size_t j = 0; j < loaded; j++)
            db_rec_clear(&recs[j]);
        for (size_t j = 0; tgs && j < m; j++)
            hsok_tagging_free(tgs[j]);
        free(recs);
        free(tgs);
    }
    for (size_t i = 0; i < nitems; i++)
        free(items[i].filekey);
    free(items);
    if (st == HSOK_OK)
        st = db_store_lemmas(db, errmsg);
    if (in_txn) {
        hsok_status_t e = xap_end(db->x, st == HSOK_OK, st == HSOK_OK ? errmsg : NULL);
        if (st == HSOK_OK)
            st = e;
    }
    if (st == HSOK_OK)
        st = hsok_db_commit(db, errmsg);
    xap_hits_free(hits);
    /* the documents were rebuilt without their form-text marks */
    if (st == HSOK_OK)
        st = hsok_db_mark_form_text(db, NULL, errmsg);
    /* and their copy groups' collapse keys */
    if (st == HSOK_OK)
        st = hsok_db_find_copies(db, NULL, NULL, errmsg);
    if (st == HSOK_OK && passages)
        *passages = done;
    return st;
}

hsok_status_t hsok_db_codebook_fingerprint(hsok_db_t *db, char **out, char **errmsg)
{
    return xap_get_meta(db->x, "codebook", out, errmsg);
}

/* ---- themes stored in the index ---- */

typedef struct stored_themes {
    hsok_db_theme_t *v;
    size_t n;
    char **mem; /* one block per theme */
} stored_themes_t;

static char *field_of(char *rec, const char *key)
{
    size_t kl = strlen(key);
    for (char *line = rec; line && *line;) {
        char *nl = strchr(line, '\n');
        if (!strncmp(line, key, kl) && line[kl] == '\t') {
            if (nl)
                *nl = '\0';
            /* unescape in place */
            char *r = line + kl + 1, *w = r;
            for (char *p = r; *p; p++) {
                if (*p == '\\' && p[1]) {
                    p++;
                    *w++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
                } else {
                    *w++ = *p;
                }
            }
            *w = '\0';
            return r;
        }
        line = nl ? nl + 1 : NULL;
    }
    return NULL;
}

static void stored_free(stored_themes_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->mem[i]);
    free(s->mem);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static hsok_status_t stored_load(hsok_db_t *db, stored_themes_t *s, char **errmsg)
{
    memset(s, 0, sizeof *s);
    char *list = NULL;
    hsok_status_t st = xap_get_meta(db->x, "themes", &list, errmsg);
    if (st != HSOK_OK)
        return st;
    size_t n = *list ? 1 : 0;
    for (char *p = list; *p; p++)
        n += *p == ',';
    s->v = calloc(n ? n : 1, sizeof *s->v);
    s->mem = calloc(n ? n : 1, sizeof *s->mem);
    if (!s->v || !s->mem) {
        free(list);
        stored_free(s);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    for (char *id = list; n && id && *id && st == HSOK_OK;) {
        char *c = strchr(id, ',');
        if (c)
            *c = '\0';
        buf_t k = BUF_INIT;
        buf_addf(&k, "theme:%s", id);
        char *val = NULL;
        st = k.err ? HSOK_ERR_NOMEM : xap_get_meta(db->x, k.data, &val, errmsg);
        buf_free(&k);
        if (st == HSOK_OK) {
            /* block: id \0 then the record */
            size_t il = strlen(id), vl = strlen(val);
            char *m = malloc(il + vl + 2);
            if (!m) {
                free(val);
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                break;
            }
            memcpy(m, id, il + 1);
            memcpy(m + il + 1, val, vl + 1);
            free(val);
            s->mem[s->n] = m;
            hsok_db_theme_t *t = &s->v[s->n++];
            t->id = m;
            /* field_of edits in place and ends the line: extract in file order */
            char *rec = m + il + 1;
            char *label = field_of(rec, "label");
            char *after = label ? label + strlen(label) + 1 : rec;
            char *desc = field_of(after, "description");
            char *after2 = desc ? desc + strlen(desc) + 1 : after;
            char *parent = field_of(after2, "parent");
            t->label = label ? label : id;
            t->description = desc ? desc : "";
            t->parent = parent ? parent : "";
        }
        id = c ? c + 1 : NULL;
    }
    free(list);
    if (st != HSOK_OK)
        stored_free(s);
    return st;
}

/* ---- matrix ---- */

typedef struct matrix_priv {
    hsok_theme_matrix_t pub;
    stored_themes_t themes;
    char **respondents;
    size_t *counts, *tp, *tr, *rp, *tu;
    hsok_copies_t *copies;        /* the index's groups of copies, NULL when none */
    const hsok_copy_group_t **seen; /* the group of each counted copy (copies) */
    const char **rtypes;          /* per respondent */
    const char *types[16];
    size_t ntr[16], *ttr;         /* per type; [t * ntypes + k] */
    unsigned char *pflags;        /* [r * (nt + 1) + t]: bit p set when respondent r has a
                                     passage tagged t (t = nt: any passage) stating position p */
    size_t *tpr, *tpp;            /* [t * HSOK_POSITION_COUNT + p], row nt: any passage */
} matrix_priv_t;

void hsok_theme_matrix_free(hsok_theme_matrix_t *m)
{
    if (!m)
        return;
    matrix_priv_t *p = (matrix_priv_t *)m;
    stored_free(&p->themes);
    for (size_t i = 0; i < m->nrespondents; i++)
        free(p->respondents[i]);
    free(p->respondents);
    free(p->counts);
    free(p->tp);
    free(p->tu);
    free(p->tr);
    free(p->rp);
    hsok_copies_free(p->copies);
    free(p->seen);
    free(p->rtypes);
    free(p->ttr);
    free(p->pflags);
    free(p->tpr);
    free(p->tpp);
    free(p);
}

/* ---- respondent types ---- */

static hsok_status_t select_hits(hsok_db_t *db, const hsok_select_t *sel, xap_hits_t **out,
                                 char **errmsg);

/* Every respondent of a selection with its type (the first its passages carry, "" none). */
typedef struct census {
    char **name;
    const char **type; /* static (hsok_respondent_type_name) or "" */
    size_t n, cap, last;
} census_t;

static void census_free(census_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->name[i]);
    free(c->name);
    free(c->type);
    memset(c, 0, sizeof *c);
}

static size_t census_find(census_t *c, const char *name)
{
    if (c->last < c->n && !strcmp(c->name[c->last], name))
        return c->last;
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->name[i], name))
            return c->last = i;
    return c->n;
}

/* Note the respondent of rec: -1 when memory ran out. */
static int census_note(census_t *c, const hsok_record_t *rec)
{
    const char *name = rec->respondent ? rec->respondent : "";
    const char *ty = rec->respondent_type;
    ty = ty && *ty ? hsok_respondent_type_name(ty, strlen(ty)) : NULL;
    size_t i = census_find(c, name);
    if (i < c->n) {
        if (!*c->type[i] && ty)
            c->type[i] = ty;
        return 0;
    }
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        char **a = realloc(c->name, nc * sizeof *a);
        if (a)
            c->name = a;
        const char **b = a ? realloc(c->type, nc * sizeof *b) : NULL;
        if (!b)
            return -1;
        c->type = b;
        c->cap = nc;
    }
    if (!(c->name[c->n] = strdup(name)))
        return -1;
    c->type[c->n] = ty ? ty : "";
    c->last = c->n++;
    return 0;
}

/* The respondents of the passages that pass sel's respondent and type filters. */
static hsok_status_t census_build(hsok_db_t *db, const hsok_select_t *sel, census_t *c,
                                  char **errmsg)
{
    hsok_select_t base = { .respondents = sel->respondents, .nrespondents = sel->nrespondents,
                           .respondent_exact = sel->respondent_exact, .types = sel->types,
                           .ntypes = sel->ntypes };
    xap_hits_t *hits = NULL;
    hsok_status_t st = select_hits(db, &base, &hits, errmsg);
    for (size_t i = 0; st == HSOK_OK && i < hits->n; i++) {
        db_rec_t rec;
        st = db_rec_load(db, hits->hits[i].data, hits->hits[i].data_len, &rec, errmsg);
        if (st != HSOK_OK)
            break;
        if (census_note(c, &rec.pub) < 0)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        db_rec_clear(&rec);
    }
    xap_hits_free(hits);
    return st;
}

/* Fill m's by-type counts from the census c of its selection. */
static hsok_status_t matrix_by_type(matrix_priv_t *m, census_t *c, char **errmsg)
{
    size_t nr = m->pub.nrespondents, nt = m->themes.n;
    m->rtypes = calloc(nr ? nr : 1, sizeof *m->rtypes);
    if (!m->rtypes)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < nr; r++) {
        size_t i = census_find(c, m->respondents[r]);
        m->rtypes[r] = i < c->n ? c->type[i] : "";
    }
    size_t nk = 0;
    for (size_t i = 0; nk < 15; i++) {
        const char *ty = hsok_respondent_type_at(i);
        if (!ty)
            ty = "";
        size_t n = 0;
        for (size_t j = 0; j < c->n; j++)
            n += !strcmp(c->type[j], ty);
        if (n) {
            m->types[nk] = ty;
            m->ntr[nk++] = n;
        }
        if (!*ty)
            break;
    }
    m->ttr = calloc(nt * nk + 1, sizeof *m->ttr);
    if (!m->ttr)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < nr; r++) {
        size_t k = 0;
        while (k < nk && strcmp(m->types[k], m->rtypes[r]))
            k++;
        if (k == nk)
            continue;
        for (size_t t = 0; t < nt; t++)
            m->ttr[t * nk + k] += m->counts[r * nt + t] > 0;
    }
    m->pub.respondent_types = m->rtypes;
    m->pub.ntypes = nk;
    m->pub.types = m->types;
    m->pub.type_respondents = m->ntr;
    m->pub.type_theme_respondents = m->ttr;
    return HSOK_OK;
}

char *hsok_theme_matrix_by_type(const hsok_theme_matrix_t *m, size_t t, const char *of)
{
    buf_t b = BUF_INIT;
    buf_addstr(&b, "");
    for (size_t k = 0; m && t < m->nthemes && k < m->ntypes; k++)
        buf_addf(&b, "%s%zu %s %zu %s", k ? ", " : "",
                 m->type_theme_respondents[t * m->ntypes + k], of, m->type_respondents[k],
                 hsok_respondent_type_plural(m->types[k]));
    if (b.err) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* The plan for a selection: the query with the filters, or the filters alone. Unlike a search,
 * a selection never falls back to passages with only some of the words: an export holds
 * exactly what the query says. */
static hsok_status_t select_hits(hsok_db_t *db, const hsok_select_t *sel, xap_hits_t **out,
                                 char **errmsg)
{
    hsok_search_opts_t o = { 0 };
    if (sel) {
        o.respondents = sel->respondents;
        o.nrespondents = sel->nrespondents;
        o.respondent_exact = sel->respondent_exact;
        o.types = sel->types;
        o.ntypes = sel->ntypes;
        o.themes = sel->themes;
        o.nthemes = sel->nthemes;
        o.positions = sel->positions;
        o.npositions = sel->npositions;
    }
    qplan_t plan;
    hsok_status_t st = sel && sel->query && *sel->query
                           ? qplan_build(db, sel->query, &o, &plan, errmsg)
                           : qplan_filters(db, &o, &plan, errmsg);
    if (st != HSOK_OK)
        return st;
    st = all_hits(db, plan.strict, out, errmsg);
    qplan_clear(&plan);
    return st;
}

/* Apply the manual codes to rec's themes (rec owns the new array); 1 when rec passes sel's
 * theme and tagged-only filters with them applied, 0 when not, -1 when memory ran out. */
static int codes_keep(hsok_codes_t *codes, const hsok_select_t *sel, db_rec_t *rec)
{
    const char **shown = NULL;
    size_t n = 0;
    if (hsok_codes_effective(codes, &rec->pub, &shown, &n, NULL) != HSOK_OK)
        return -1;
    free(rec->themes);
    rec->themes = shown;
    rec->pub.themes = shown;
    rec->pub.nthemes = n;
    if (!sel->nthemes)
        return !sel->tagged_only || n > 0;
    for (size_t t = 0; t < sel->nthemes; t++)
        for (size_t k = 0; k < n; k++)
            if (!strcmp(shown[k], sel->themes[t]))
                return 1;
    return 0;
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;
    return x < y ? -1 : x > y;
}

hsok_status_t hsok_db_theme_matrix(hsok_db_t *db, const hsok_select_t *sel,
                                   hsok_theme_matrix_t **out, char **errmsg)
{
    *out = NULL;
    /* with manual codes, select without the theme filters, then filter with them applied */
    hsok_codes_t *codes = sel && hsok_codes_count(sel->codes) ? sel->codes : NULL;
    hsok_select_t csel = { 0 };
    if (codes) {
        csel = *sel;
        csel.themes = NULL;
        csel.nthemes = 0;
        csel.tagged_only = 0;
    }
    matrix_priv_t *m = calloc(1, sizeof *m);
    if (!m)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    hsok_status_t st = stored_load(db, &m->themes, errmsg);
    xap_hits_t *hits = NULL;
    if (st == HSOK_OK && hsok_db_has_copies(db))
        st = hsok_copies_load(db, &m->copies, errmsg);
    size_t ncp = hsok_copies_passages(m->copies);
    if (st == HSOK_OK && ncp && !(m->seen = calloc(ncp, sizeof *m->seen)))
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (st == HSOK_OK)
        st = select_hits(db, codes ? &csel : sel, &hits, errmsg);
    size_t nt = m->themes.n;
    size_t cap = 0;
    /* the "of N" of the types: the selection's respondents unless a query, theme or
     * tagged-only filter narrows it (then a pass of its own) */
    census_t census = { 0 };
    int narrow = sel && ((sel->query && *sel->query) || sel->nthemes || sel->tagged_only ||
                         sel->npositions);
    if (st == HSOK_OK && narrow)
        st = census_build(db, sel, &census, errmsg);
    if (st == HSOK_OK) {
        m->tp = calloc(nt + 1, sizeof *m->tp);
        m->tu = calloc(nt + 1, sizeof *m->tu);
        m->tr = calloc(nt + 1, sizeof *m->tr);
        m->tpr = calloc((nt + 1) * HSOK_POSITION_COUNT, sizeof *m->tpr);
        m->tpp = calloc((nt + 1) * HSOK_POSITION_COUNT, sizeof *m->tpp);
        if (!m->tp || !m->tu || !m->tr || !m->tpr || !m->tpp)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; st == HSOK_OK && i < hits->n; i++) {
        db_rec_t rec;
        st = db_rec_load(db, hits->hits[i].data, hits->hits[i].data_len, &rec, errmsg);
        if (st != HSOK_OK)
            break;
        int keep = codes ? codes_keep(codes, sel, &rec)
                         : !(sel && sel->tagged_only && rec.pub.nthemes == 0);
        if (keep <= 0) {
            db_rec_clear(&rec);
            if (keep < 0) {
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                break;
            }
            continue;
        }
        if (!narrow && census_note(&census, &rec.pub) < 0) {
            db_rec_clear(&rec);
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            break;
        }
        const char *resp = *rec.pub.respondent ? rec.pub.respondent : "";
        size_t r = 0;
        while (r < m->pub.nrespondents && strcmp(m->respondents[r], resp))
            r++;
        if (r == m->pub.nrespondents) {
            if (r == cap) {
                size_t nc = cap ? cap * 2 : 8;
                char **a = realloc(m->respondents, nc * sizeof *a);
                size_t *c = a ? realloc(m->counts, nc * (nt + 1) * sizeof *c) : NULL;
                size_t *rp = c ? realloc(m->rp, nc * sizeof *rp) : NULL;
                if (a)
                    m->respondents = a;
                if (c)
                    m->counts = c;
                if (rp)
                    m->rp = rp;
                if (!a || !c || !rp) {
                    db_rec_clear(&rec);
                    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                    break;
                }
                memset(m->counts + cap * (nt + 1), 0, (nc - cap) * (nt + 1) * sizeof *c);
                memset(m->rp + cap, 0, (nc - cap) * sizeof *rp);
                unsigned char *pf = realloc(m->pflags, nc * (nt + 1));
                if (!pf) {
                    db_rec_clear(&rec);
                    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                    break;
                }
                m->pflags = pf;
                memset(pf + cap * (nt + 1), 0, (nc - cap) * (nt + 1));
                cap = nc;
            }
            if (!(m->respondents[r] = strdup(resp))) {
                db_rec_clear(&rec);
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                break;
            }
            m->pub.nrespondents++;
        }
        m->rp[r]++;
        m->pub.passages++;
        const hsok_copy_group_t *g = hsok_copies_of(m->copies, rec.pub.id);
        if (g)
            m->seen[m->pub.copies++] = g;
        if (rec.pub.nthemes)
            m->pub.tagged++;
        for (size_t k = 0; k < rec.pub.nthemes; k++)
            for (size_t t = 0; t < nt; t++)
                if (!strcmp(rec.pub.themes[k], m->themes.v[t].id)) {
                    m->counts[r * (nt + 1) + t]++;
                    m->tp[t]++;
                    /* the tagger's own tag, when unsure (a manual code has none) */
                    const hsok_tag_t *tag = hsok_record_tag(&rec.pub, rec.pub.themes[k]);
                    m->tu[t] += tag && tag->unsure;
                }
        /* positions: by theme, and (row nt) over every passage */
        hsok_position_t pos = HSOK_POSITION_NONE;
        if (*rec.pub.position && hsok_position_parse(rec.pub.position, &pos))
            pos = HSOK_POSITION_NONE;
        unsigned char bit = (unsigned char)(1u << pos);
        m->pflags[r * (nt + 1) + nt] |= bit;
        m->tpp[nt * HSOK_POSITION_COUNT + pos]++;
        for (size_t k = 0; k < rec.pub.nthemes; k++)
            for (size_t t = 0; t < nt; t++)
                if (!strcmp(rec.pub.themes[k], m->themes.v[t].id)) {
                    m->pflags[r * (nt + 1) + t] |= bit;
                    m->tpp[t * HSOK_POSITION_COUNT + pos]++;
                }
        db_rec_clear(&rec);
    }
    xap_hits_free(hits);
    if (st != HSOK_OK) {
        census_free(&census);
        hsok_theme_matrix_free(&m->pub);
        return st;
    }
    /* respondents by passages, descending (stable by name) */
    size_t nr = m->pub.nrespondents;
    for (size_t r = 0; r < nr; r++) /* positions by respondents: before the rows move */
        for (size_t t = 0; t <= nt; t++)
            for (size_t p = 0; p < HSOK_POSITION_COUNT; p++)
                m->tpr[t * HSOK_POSITION_COUNT + p] += (m->pflags[r * (nt + 1) + t] >> p) & 1;
    for (size_t a = 1; a < nr; a++) {
        for (size_t b = a; b > 0; b--) {
            size_t x = b - 1, y = b;
            int swap = m->rp[y] > m->rp[x] ||
                       (m->rp[y] == m->rp[x] && strcmp(m->respondents[y], m->respondents[x]) < 0);
            if (!swap)
                break;
            char *tn = m->respondents[x];
            m->respondents[x] = m->respondents[y];
            m->respondents[y] = tn;
            size_t tc = m->rp[x];
            m->rp[x] = m->rp[y];
            m->rp[y] = tc;
            for (size_t t = 0; t <= nt; t++) {
                size_t v = m->counts[x * (nt + 1) + t];
                m->counts[x * (nt + 1) + t] = m->counts[y * (nt + 1) + t];
                m->counts[y * (nt + 1) + t] = v;
            }
        }
    }
    /* pack counts to [r * nt + t] */
    for (size_t r = 0; r < nr; r++)
        for (size_t t = 0; t < nt; t++)
            m->counts[r * nt + t] = m->counts[r * (nt + 1) + t];
    for (size_t t = 0; t < nt; t++)
        for (size_t r = 0; r < nr; r++)
            m->tr[t] += m->counts[r * nt + t] > 0;
    m->pub.nthemes = nt;
    m->pub.themes = m->themes.v;
    m->pub.respondents = (const char *const *)m->respondents;
    m->pub.counts = m->counts;
    m->pub.theme_passages = m->tp;
    m->pub.theme_unsure_passages = m->tu;
    m->pub.theme_respondents = m->tr;
    m->pub.respondent_passages = m->rp;
    m->pub.theme_position_respondents = m->tpr;
    m->pub.theme_position_passages = m->tpp;
    if (m->pub.copies) /* the groups among the copies counted */
        qsort(m->seen, m->pub.copies, sizeof *m->seen, cmp_ptr);
    for (size_t i = 0; i < m->pub.copies; i++)
        m->pub.copy_groups += i == 0 || m->seen[i] != m->seen[i - 1];
    st = matrix_by_type(m, &census, errmsg);
    census_free(&census);
    if (st != HSOK_OK) {
        hsok_theme_matrix_free(&m->pub);
        return st;
    }
    *out = &m->pub;
    return HSOK_OK;
}

/* ---- select ---- */


static int cmp_recs(const void *a, const void *b)
{
    const hsok_record_t *x = &((const db_rec_t *)a)->pub, *y = &((const db_rec_t *)b)->pub;
    int c = strcmp(x->respondent, y->respondent);
    if (c)
        return c;
    c = strcmp(x->source, y->source);
    if (c)
        return c;
    return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

hsok_status_t hsok_db_select(hsok_db_t *db, const hsok_select_t *sel, hsok_records_t **out,
                             char **errmsg)
{
    *out = NULL;
    xap_hits_t *hits = NULL;
    hsok_status_t st = select_hits(db, sel, &hits, errmsg);
    if (st != HSOK_OK)
        return st;
    hsok_records_t *r = calloc(1, sizeof *r);
    if (!r || !(r->recs = calloc(hits->n ? hits->n : 1, sizeof *r->recs))) {
        free(r);
        xap_hits_free(hits);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < hits->n; i++) {
        db_rec_t *rec = &r->recs[r->n];
        st = db_rec_load(db, hits->hits[i].data, hits->hits[i].data_len, rec, errmsg);
        if (st != HSOK_OK)
            break;
        if (sel && sel->tagged_only && rec->pub.nthemes == 0) {
            db_rec_clear(rec);
            continue;
        }
        r->n++;
    }
    xap_hits_free(hits);
    if (st != HSOK_OK) {
        hsok_records_free(r);
        return st;
    }
    if (r->n)
        qsort(r->recs, r->n, sizeof *r->recs, cmp_recs);
    *out = r;
    return HSOK_OK;
}

/* ---- stances ---- */

struct hsok_stances {
    hsok_db_stance_t *v;
    size_t n, cap;
    char **mem;
    size_t nmem;
};

size_t hsok_stances_count(const hsok_stances_t *s)
{
    return s ? s->n : 0;
}

const hsok_db_stance_t *hsok_stances_get(const hsok_stances_t *s, size_t i)
{
    return s && i < s->n ? &s->v[i] : NULL;
}

void hsok_stances_free(hsok_stances_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nmem; i++)
        free(s->mem[i]);
    free(s->mem);
    free(s->v);
    free(s);
}

/* unescape \\ \n \t in place */
static void unescape(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            *w++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
}

typedef struct stance_ctx {
    hsok_db_t *db;
    hsok_stances_t *s;
    hsok_status_t st;
    char **errmsg;
} stance_ctx_t;

static char *kv(char *line, const char *key)
{
    /* line of "k=v\tk=v" fields: returns v of key (in place, NUL at the tab) */
    size_t kl = strlen(key);
    for (char *f = line; f && *f;) {
        char *tab = strchr(f, '\t');
        if (!strncmp(f, key, kl) && f[kl] == '=') {
            if (tab)
                *tab = '\0';
            return f + kl + 1;
        }
        f = tab ? tab + 1 : NULL;
    }
    return NULL;
}

static int on_file_meta(void *ctx, const char *key)
{
    stance_ctx_t *c = ctx;
    char *val = NULL;
    c->st = xap_get_meta(c->db->x, key, &val, c->errmsg);
    if (c->st != HSOK_OK)
        return 1;
    /* first line: fields; then "stance\tN\trespondent\tanswer\toptions\tline\tquestion" */
    char *nl = strchr(val, '\n');
    if (!nl) {
        free(val);
        return 0;
    }
    *nl = '\0';
    char *first = val;
    char *path = kv(first, "path");
    const char *source = path ? path : "";
    if (path)
        unescape(path);
    int any = 0;
    for (char *line = nl + 1; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!strncmp(line, "stance\t", 7)) {
            char *f[6] = { 0 };
            char *p = line + 7;
            for (int i = 0; i < 6 && p; i++) {
                f[i] = p;
                char *t = i < 5 ? strchr(p, '\t') : NULL;
                if (t)
                    *t++ = '\0';
                p = t;
            }
            if (f[5]) {
                if (c->s->n == c->s->cap) {
                    size_t ncap = c->s->cap ? c->s->cap * 2 : 16;
                    hsok_db_stance_t *v = realloc(c->s->v, ncap * sizeof *v);
                    if (!v) {
                        c->st = hsok_seterr(c->errmsg, HSOK_ERR_NOMEM, "out of memory");
                        free(val);
                        return 1;
                    }
                    c->s->v = v;
                    c->s->cap = ncap;
                }
                for (int i = 1; i < 6; i++)
                    unescape(f[i]);
                hsok_db_stance_t *s = &c->s->v[c->s->n++];
                s->question_no = atoi(f[0]);
                s->respondent = f[1];
                s->answer = f[2];
                s->options = f[3];
                s->line = (unsigned)strtoul(f[4], NULL, 10);
                s->question = f[5];
                s->source = source;
                any = 1;
            }
        }
        line = next;
    }
    if (!any) {
        free(val);
        return 0;
    }
    char **m = realloc(c->s->mem, (c->s->nmem + 1) * sizeof *m);
    if (!m) {
        free(val);
        c->st = hsok_seterr(c->errmsg, HSOK_ERR_NOMEM, "out of memory");
        return 1;
    }
    c->s->mem = m;
    c->s->mem[c->s->nmem++] = val;
    return 0;
}

/* a stance with its question's normalised text, and the lowest number of that text */
typedef struct keyed_stance {
    hsok_db_stance_t s;
    char *key;
    int first_no;
} keyed_stance_t;

static int cmp_key(const void *a, const void *b)
{
    const keyed_stance_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->s.question_no < y->s.question_no ? -1 : x->s.question_no > y->s.question_no;
}

static int cmp_group(const void *a, const void *b)
{
    const keyed_stance_t *x = a, *y = b;
    if (x->first_no != y->first_no)
        return x->first_no < y->first_no ? -1 : 1;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->s.respondent, y->s.respondent);
}

/* Group s->v by the question's text (formtext.h) and number the groups: -1 when memory ran
 * out. */
static int group_stances(hsok_stances_t *s)
{
    keyed_stance_t *k = calloc(s->n, sizeof *k);
    if (!k)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < s->n; i++) {
        buf_t b = BUF_INIT;
        const char *q = s->v[i].question ? s->v[i].question : "";
        ft_normalise(q, strlen(q), &b);
        k[i].s = s->v[i];
        k[i].key = b.err ? NULL : buf_detach(&b, NULL);
        buf_free(&b);
        if (!k[i].key)
            rc = -1;
    }
    if (rc == 0) {
        qsort(k, s->n, sizeof *k, cmp_key);
        for (size_t i = 0, g = 0; i < s->n; i = g) {
            for (g = i; g < s->n && !strcmp(k[g].key, k[i].key); g++)
                k[g].first_no = k[i].s.question_no;
        }
        qsort(k, s->n, sizeof *k, cmp_group);
        int group = -1;
        for (size_t i = 0; i < s->n; i++) {
            if (i == 0 || strcmp(k[i].key, k[i - 1].key))
                group++;
            s->v[i] = k[i].s;
            s->v[i].group = group;
        }
    }
    for (size_t i = 0; i < s->n; i++)
        free(k[i].key);
    free(k);
    return rc;
}

hsok_status_t hsok_db_stances(hsok_db_t *db, hsok_stances_t **out, char **errmsg)
{
    *out = NULL;
    hsok_stances_t *s = calloc(1, sizeof *s);
    if (!s)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    stance_ctx_t c = { db, s, HSOK_OK, errmsg };
    hsok_status_t st = xap_meta_keys(db->x, META_FILE, on_file_meta, &c, errmsg);
    if (st == HSOK_OK)
        st = c.st;
    if (st != HSOK_OK) {
        hsok_stances_free(s);
        return st;
    }
    if (s->n && group_stances(s) < 0) {
        hsok_stances_free(s);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    *out = s;
    return HSOK_OK;
}
