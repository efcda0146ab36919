/* dbresponse.c — one response, whole (`hsok show --file`, `--respondent`): the passages of one
 * file or one respondent in document order, and what a name or path that names nothing, or
 * names several, should have been.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "query_internal.h"

/* document order: by source file, then position in it */
static int cmp_doc_order(const void *a, const void *b)
{
    const hsok_record_t *x = &((const db_rec_t *)a)->pub, *y = &((const db_rec_t *)b)->pub;
    int c = strcmp(x->source, y->source);
    if (c)
        return c;
    return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

/* Keep the records for which keep(rec, ctx) holds, in document order. */
static void keep_records(hsok_records_t *r, int (*keep)(const hsok_record_t *, const void *),
                         const void *ctx)
{
    size_t w = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (keep(&r->recs[i].pub, ctx))
            r->recs[w++] = r->recs[i];
        else
            db_rec_clear(&r->recs[i]);
    }
    r->n = w;
    if (r->n)
        qsort(r->recs, r->n, sizeof *r->recs, cmp_doc_order);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

static int source_is(const hsok_record_t *r, const void *source)
{
    return !strcmp(r->source, (const char *)source);
}

static int respondent_is(const hsok_record_t *r, const void *name)
{
    return !strcmp(r->respondent, (const char *)name);
}

/* The indexed file `want` names (see hsok_response_sel_t): *source malloc'd. */
static hsok_status_t find_file(hsok_db_t *db, const char *want, char **source, char **errmsg)
{
    *source = NULL;
    hsok_file_respondent_t *files = NULL;
    size_t n = 0;
    hsok_status_t st = hsok_db_respondents(db, &files, &n, errmsg);
    if (st != HSOK_OK)
        return st;
    const char *hit = NULL, *near = NULL;
    size_t nbase = 0, best = (size_t)-1;
    /* the path as given, then the same file by another path, then a unique file name */
    for (size_t i = 0; i < n && !hit; i++)
        if (!strcmp(files[i].source, want))
            hit = files[i].source;
    for (size_t i = 0; i < n && !hit; i++)
        if (same_file(files[i].source, want))
            hit = files[i].source;
    buf_t names = BUF_INIT;
    for (size_t i = 0; i < n && !hit; i++) {
        const char *b = base_name(files[i].source);
        if (!strcmp(b, base_name(want))) {
            /* one entry per respondent of a file: count each file once */
            int seen = 0;
            for (size_t k = 0; k < i && !seen; k++)
                seen = !strcmp(files[k].source, files[i].source);
            if (seen)
                continue;
            if (nbase++ < 5)
                buf_addf(&names, "%s'%s'", names.len ? ", " : "", files[i].source);
            near = files[i].source;
        } else if (!nbase) {
            size_t d = qfilter_part_distance(base_name(want), b);
            if (d < best)
                best = d, near = files[i].source;
        }
    }
    if (!hit && nbase == 1)
        hit = near;
    if (hit) {
        *source = strdup(hit);
        st = *source ? HSOK_OK : hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    } else if (nbase > 1) {
        st = names.err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory")
                       : hsok_seterr(errmsg, HSOK_ERR_QUERY, "'%s' names %zu files: %s%s; give "
                                     "the path", want, nbase, names.data,
                                     nbase > 5 ? ", …" : "");
    } else if (n == 0) {
        st = hsok_seterr(errmsg, HSOK_ERR_QUERY, "no file '%s' in the index; it holds no "
                         "files", want);
    } else if (near && best <= (strlen(base_name(want)) / 3 > 2 ? strlen(base_name(want)) / 3
                                                                  : 2)) {
        st = hsok_seterr(errmsg, HSOK_ERR_QUERY, "no file '%s' in the index; did you mean "
                         "'%s'?", want, near);
    } else {
        st = hsok_seterr(errmsg, HSOK_ERR_QUERY, "no file '%s' in the index ('hsok "
                         "respondents' lists them)", want);
    }
    buf_free(&names);
    free(files);
    return st;
}

/* The one respondent of records r that `want` names: *name malloc'd. Several: the one whose
 * whole name it is, else an error naming them. */
static hsok_status_t one_respondent(const hsok_records_t *r, const char *want, char **name,
                                    char **errmsg)
{
    *name = NULL;
    char *nw = db_norm_name(want);
    if (!nw)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    const char *first = NULL, *whole = NULL;
    size_t distinct = 0;
    buf_t names = BUF_INIT;
    for (size_t i = 0; i < r->n; i++) {
        const char *resp = r->recs[i].pub.respondent;
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strcmp(r->recs[k].pub.respondent, resp);
        if (seen)
            continue;
        if (!first)
            first = resp;
        if (distinct++ < 5)
            buf_addf(&names, "%s%s", names.len ? ", " : "", resp);
        char *nr = db_norm_name(resp);
        if (nr && !strcmp(nr, nw) && !whole)
            whole = resp;
        free(nr);
    }
    free(nw);
    /* none: the respondent's passages are all form text, left out */
    const char *pick = distinct == 0 ? want : distinct == 1 ? first : whole;
    hsok_status_t st = HSOK_OK;
    if (pick) {
        if (!(*name = strdup(pick)))
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    } else if (names.err) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    } else {
        st = hsok_seterr(errmsg, HSOK_ERR_QUERY, "'%s' names %zu respondents: %s%s; give more "
                         "of the name", want, distinct, names.data, distinct > 5 ? ", …" : "");
    }
    buf_free(&names);
    return st;
}

hsok_status_t hsok_db_response(hsok_db_t *db, const hsok_response_sel_t *sel,
                               hsok_records_t **out, char **which, char **errmsg)
{
    *out = NULL;
    if (which)
        *which = NULL;
    int by_file = sel && sel->file && *sel->file;
    if (!by_file && !(sel && sel->respondent && *sel->respondent))
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no file or respondent given");
    char *what = NULL;
    hsok_status_t st;
    hsok_records_t *r = NULL;
    if (by_file) {
        st = find_file(db, sel->file, &what, errmsg);
        if (st == HSOK_OK)
            st = hsok_db_select(db, NULL, &r, errmsg);
        if (st == HSOK_OK)
            keep_records(r, source_is, what);
    } else {
        /* an unknown name: the same message, with a suggestion, as search's --respondent */
        const char *vals[1] = { sel->respondent };
        hsok_search_opts_t o = { 0 };
        o.respondents = vals;
        o.nrespondents = 1;
        st = qfilter_check(db, &o, errmsg);
        hsok_select_t s = { 0 };
        s.respondents = vals;
        s.nrespondents = 1;
        if (st == HSOK_OK)
            st = hsok_db_select(db, &s, &r, errmsg);
        if (st == HSOK_OK)
            st = one_respondent(r, sel->respondent, &what, errmsg);
        if (st == HSOK_OK)
            keep_records(r, respondent_is, what);
    }
    if (st != HSOK_OK) {
        hsok_records_free(r);
        free(what);
        return st;
    }
    *out = r;
    if (which)
        *which = what;
    else
        free(what);
    return HSOK_OK;
}
