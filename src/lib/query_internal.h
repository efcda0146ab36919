/* query_internal.h — the parsed query plan shared by query.c (parsing, building) and search.c
 * (running, highlighting, spelling). */
#ifndef HSOK_QUERY_INTERNAL_H
#define HSOK_QUERY_INTERNAL_H

#include "db_internal.h"
#include "hsok/query.h"

/* A set of strings: v in the order they were added, and a hash index over them (slot[i] is
 * an index into v plus 1, or 0 for an empty slot; nslot a power of two, at most half full),
 * so that a query of 100,000 words is not quadratic. */
typedef struct strset {
    char **v;
    size_t n, cap;
    size_t *slot;
    size_t nslot;
} strset_t;

int strset_add(strset_t *s, const char *p, size_t n); /* no duplicates; -1 on no memory */
int strset_has(const strset_t *s, const char *p, size_t n);
/* Is some string of s a prefix of p[0..n) (or p itself)? */
int strset_has_prefix(const strset_t *s, const char *p, size_t n);
void strset_clear(strset_t *s);

/* A word the user typed (outside phrases and fields), for spelling suggestions. */
typedef struct qword {
    size_t start, end; /* byte offsets in the query string */
    char *norm;
} qword_t;

typedef struct qplan {
    xap_query_t *strict;   /* several words: all required */
    xap_query_t *relaxed;  /* the same with implicit AND read as OR; NULL if no difference */
    /* The match tiers (qplan_build sets all three whenever strict is set; two of them are
     * the same pointer when the query has no such forms): exact, then exact plus the
     * bokmål/nynorsk variants, then strict, which adds the related forms of compound words
     * (their parts apart, other compounds with their head). */
    xap_query_t *exact;    /* the words, their inflections and lemmas */
    xap_query_t *variant;  /* exact plus the variants (V terms) of the words */
    xap_query_t *relaxed_exact;   /* the same three for relaxed; NULL if relaxed is NULL */
    xap_query_t *relaxed_variant;
    strset_t stems;        /* stems of query words: highlight words and compound parts */
    strset_t rstems;       /* stems of the parts of compound query words: highlighted in
                              related hits only */
    strset_t lemmas;       /* lemmas (L terms) of query words the index has: a word with one
                              of them among its own lemmas is highlighted */
    strset_t variants;     /* bokmål/nynorsk concepts (V terms) of query words the index has:
                              highlighted likewise (with the word's own variants) */
    strset_t forms;        /* exact forms from phrases and quoted words */
    strset_t prefixes;     /* wildcard prefixes */
    qword_t *words;
    size_t nwords, capwords;
    void **pool;           /* every block of memory of the xap_query trees */
    size_t npool, cappool;
    char *arena;           /* the free part of the last block: nodes are carved from it */
    size_t arena_left;
} qplan_t;

/* Parse `query` and build the plan. db may be NULL (no expansion of field filters: they
 * become the literal term). The search options' respondent and theme filters are applied. */
hsok_status_t qplan_build(hsok_db_t *db, const char *query, const hsok_search_opts_t *opts,
                          qplan_t *plan, char **errmsg);
/* A plan that matches every passage passing the options' respondent and theme filters. */
hsok_status_t qplan_filters(hsok_db_t *db, const hsok_search_opts_t *opts, qplan_t *plan,
                            char **errmsg);
void qplan_clear(qplan_t *plan);

/* filters.c: the respondent and theme filters of the options. */
/* Each --respondent value must name a respondent of the index, each --theme value a theme of
 * its codebook: else HSOK_ERR_QUERY, "no respondent 'X' in the index; did you mean 'Y'?" or
 * "no theme 'x' in the index; themes: a, b, …". */
hsok_status_t qfilter_check(hsok_db_t *db, const hsok_search_opts_t *o, char **errmsg);
/* The name the alias table gives value[0..n), normalised as db_norm_name; NULL if none.
 * malloc'd. */
char *qfilter_alias(const char *value, size_t n);
/* Does the normalised respondent name match the filter value want (normalised) or its alias
 * name (may be NULL): contain it, or with exact be it. */
int qfilter_name_matches(const char *name, const char *want, const char *alias, int exact);
/* The fewest byte edits that turn want into some part of name (Sellers: a match may start and
 * end anywhere in name), so "dramen" is 1 from "drammen kommune"; (size_t)-1 when memory ran
 * out. */
size_t qfilter_part_distance(const char *want, const char *name);

#endif
