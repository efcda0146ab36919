/* filters.c — the --respondent and --theme values of a search or selection: which indexed
 * respondents a value names (a part of the name, or the whole name), and a usage error that
 * names what the index has when a value names nothing, so a typo is not read as "no passage".
 */
#include <stdlib.h>
#include <string.h>

#include "hsok/segment.h"
#include "prefix.h"
#include "query_internal.h"

char *qfilter_alias(const char *value, size_t n)
{
    hsok_aliases_t *t = NULL;
    if (hsok_aliases_load(&t, NULL) != HSOK_OK || !t)
        return NULL;
    char *v = hsok_strndup(value, n);
    const char *canon = v ? hsok_aliases_lookup(t, v, NULL) : NULL;
    char *norm = canon ? db_norm_name(canon) : NULL;
    free(v);
    hsok_aliases_free(t);
    return norm;
}

int qfilter_name_matches(const char *name, const char *want, const char *alias, int exact)
{
    if (exact)
        return !strcmp(name, want) || (alias && !strcmp(name, alias));
    return strstr(name, want) || (alias && strstr(name, alias));
}

size_t qfilter_part_distance(const char *want, const char *name)
{
    size_t m = strlen(want), n = strlen(name);
    size_t *d = malloc((m + 1) * sizeof *d);
    if (!d)
        return (size_t)-1;
    for (size_t i = 0; i <= m; i++)
        d[i] = i;
    size_t best = d[m];
    for (size_t j = 1; j <= n; j++) {
        size_t diag = d[0]; /* d[0] stays 0: a match may start at any byte of name */
        for (size_t i = 1; i <= m; i++) {
            size_t up = d[i];
            size_t v = diag + (want[i - 1] != name[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (d[i - 1] + 1 < v)
                v = d[i - 1] + 1;
            d[i] = v;
            diag = up;
        }
        if (d[m] < best)
            best = d[m];
    }
    free(d);
    return best;
}

typedef struct resp_scan {
    const char *want, *alias;
    int exact;
    int found;
    size_t nnames;
    size_t best;     /* qfilter_part_distance of the nearest name */
    char *best_term; /* its XR term */
    size_t best_len;
    int nomem;
} resp_scan_t;

static int scan_respondent(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    resp_scan_t *s = ctx;
    size_t pl = strlen(PFX_RESPONDENT);
    char *name = hsok_strndup(term + pl, len - pl);
    if (!name) {
        s->nomem = 1;
        return 1;
    }
    s->nnames++;
    if (qfilter_name_matches(name, s->want, s->alias, s->exact)) {
        s->found = 1;
        free(name);
        return 1; /* one is enough */
    }
    /* the nearest name: a part of it within a few edits (0 for a name that holds the value,
     * with --respondent-exact), the shorter name on a tie */
    size_t dist = qfilter_part_distance(s->want, name);
    if (s->alias) {
        size_t da = qfilter_part_distance(s->alias, name);
        dist = da < dist ? da : dist;
    }
    free(name);
    if (!s->best_term || dist < s->best || (dist == s->best && len < s->best_len)) {
        char *t = hsok_strndup(term, len);
        if (!t) {
            s->nomem = 1;
            return 1;
        }
        free(s->best_term);
        s->best_term = t;
        s->best_len = len;
        s->best = dist;
    }
    return 0;
}

/* The respondent as written in the passages (the XR term is normalised): its first
 * passage's record. NULL on any failure. */
static char *display_name(hsok_db_t *db, const char *term, size_t len)
{
    char *data = NULL, *name = NULL;
    size_t dlen = 0;
    if (xap_data_by_term(db->x, term, len, &data, &dlen, NULL) != HSOK_OK)
        return NULL;
    db_rec_t rec;
    if (db_rec_decode(data, dlen, &rec) == 0) {
        name = strdup(rec.pub.respondent);
        db_rec_clear(&rec);
    }
    free(data);
    return name;
}

static hsok_status_t check_respondent(hsok_db_t *db, const char *value, int exact,
                                      char **errmsg)
{
    char *want = db_norm_name(value);
    if (!want)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    resp_scan_t s = { want, qfilter_alias(value, strlen(value)), exact, 0, 0, 0, NULL, 0, 0 };
    hsok_status_t st = xap_terms(db->x, PFX_RESPONDENT, strlen(PFX_RESPONDENT),
                                 scan_respondent, &s, errmsg);
    if (st == HSOK_OK && s.nomem)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (st == HSOK_OK && !s.found) {
        size_t wl = strlen(want);
        char *near = s.best_term && s.best <= (wl / 3 > 2 ? wl / 3 : 2)
                         ? display_name(db, s.best_term, s.best_len)
                         : NULL;
        if (s.nnames == 0)
            st = hsok_seterr(errmsg, HSOK_ERR_QUERY, "no respondent '%s' in the index; no "
                             "passage in it has a respondent", value);
        else if (near)
            st = hsok_seterr(errmsg, HSOK_ERR_QUERY, "no respondent '%s' in the index; did "
                             "you mean '%s'?", value, near);
        else
            st = hsok_seterr(errmsg, HSOK_ERR_QUERY, "no respondent '%s' in the index ('hsok "
                             "stats' lists them)", value);
        free(near);
    }
    free(s.best_term);
    free((char *)s.alias);
    free(want);
    return st;
}

static hsok_status_t check_theme(hsok_db_t *db, const char *value, char **errmsg)
{
    size_t nl = 0;
    char *norm = hsok_normalize(value, strlen(value), &nl);
    char *list = NULL;
    if (!norm)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    hsok_status_t st = xap_get_meta(db->x, "themes", &list, errmsg);
    if (st != HSOK_OK) {
        free(norm);
        return st;
    }
    int found = 0;
    for (const char *id = list; *id && !found;) {
        const char *c = strchr(id, ',');
        size_t il = c ? (size_t)(c - id) : strlen(id);
        found = il == nl && !memcmp(id, norm, nl);
        id += il + (c ? 1 : 0);
    }
    if (!found && !*list)
        st = hsok_seterr(errmsg, HSOK_ERR_QUERY, "no theme '%s' in the index; its passages "
                         "have no themes (index with --themes DIR, or run 'hsok retag')",
                         value);
    else if (!found) {
        buf_t b = BUF_INIT;
        for (const char *p = list; *p; p++) {
            if (*p == ',')
                buf_addstr(&b, ", ");
            else
                buf_addch(&b, *p);
        }
        st = b.err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory")
                   : hsok_seterr(errmsg, HSOK_ERR_QUERY, "no theme '%s' in the index; themes: "
                                 "%s", value, b.data);
        buf_free(&b);
    }
    free(list);
    free(norm);
    return st;
}

hsok_status_t qfilter_check(hsok_db_t *db, const hsok_search_opts_t *o, char **errmsg)
{
    hsok_status_t st = HSOK_OK;
    for (size_t i = 0; db && o && i < o->nrespondents && st == HSOK_OK; i++)
        st = check_respondent(db, o->respondents[i], o->respondent_exact, errmsg);
    for (size_t i = 0; db && o && i < o->nthemes && st == HSOK_OK; i++)
        st = check_theme(db, o->themes[i], errmsg);
    return st;
}
