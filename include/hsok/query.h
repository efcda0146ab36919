/* query.h — query string → ranked passages with highlighted snippets.
 *
 * Syntax (see README "Query syntax"): words; "quoted phrases" (exact word forms, in order);
 * -word and NOT word (exclude); a OR b; a AND b; parentheses; field filters respondent:/fra:,
 * section:/mål:, theme:/tema:; trailing wildcard helse*. Several words without an operator
 * rank the passages that have all of them first; when those run out, the results go on
 * with the passages that have only some of them (ranked OR), each marked (all_words = 0,
 * hsok_results_relaxed). Words go through the same analyzer as indexing (text.h):
 * a plain word matches every inflection (stem) and compounds that contain it (lower weight);
 * a quoted word matches only that form.
 */
#ifndef HSOK_QUERY_H
#define HSOK_QUERY_H

#include <stddef.h>

#include "hsok/db.h"
#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A manual code (codes.h) resolved to one passage of the index: theme filters see it. */
typedef struct hsok_theme_code {
    const char *id;    /* the passage's id */
    const char *theme; /* the theme id */
    int add;           /* 1: the passage has the theme (+theme), 0: it has not (-theme) */
} hsok_theme_code_t;

typedef struct hsok_search_opts {
    unsigned limit;               /* 0 = default 10 */
    unsigned offset;              /* skip this many hits */
    const char *const *respondents; /* filters: a passage's respondent must contain one of */
    size_t nrespondents;            /*   these (case-insensitive substring), or the name
                                       the alias table gives it; each must name some
                                       respondent of the index, else HSOK_ERR_QUERY */
    int respondent_exact;           /* the respondent must be the name, not contain it */
    const char *const *themes;    /* filters: passage must carry one of these theme ids */
    size_t nthemes;
    unsigned snippet_chars;       /* 0 = default 240 */
    int no_collapse;              /* passages in a group of copies (copies.h) are hits of
                                     their own; by default a group is one hit */
    const char *const *types;     /* filters: the passage's respondent type is one of these
                                     ("kommune" …, segment.h); another value is
                                     HSOK_ERR_QUERY */
    size_t ntypes;
    const char *const *positions; /* filters: the passage states one of these positions
                                     (position.h names: "stotter", "går imot" …; "ingen":
                                     none stated); another value is HSOK_ERR_QUERY */
    size_t npositions;
    const hsok_theme_code_t *theme_codes; /* the analyst's manual codes (hsok_codes_resolve):
                                     a theme filter (themes above, or theme:/tema: in the
                                     query) keeps a passage coded +theme and drops one coded
                                     -theme, as themes and exports count them */
    size_t ntheme_codes;
} hsok_search_opts_t;


/* How a passage matched (more kinds may be added, with new values). */
typedef enum hsok_match {
    HSOK_MATCH_EXACT = 0,   /* the query's words themselves: any inflection ("ansvaret" for
                               ansvar, also through a dictionary lemma), or a compound that
                               contains the word ("sikkerhet" in "informasjonssikkerheten") */
    HSOK_MATCH_RELATED = 1, /* only through a broader form of a compound query word: its parts
                               apart ("informasjon … sikkerhet") or other compounds with its
                               head ("IKT-sikkerhet", "datasikkerhet"); ranked after exact and
                               variant ones */
    HSOK_MATCH_VARIANT = 2  /* only through the other written standard, bokmål ↔ nynorsk
                               ("løysinga" for løsning, data/nb-nn.tsv and its rules); ranked
                               after exact ones, before related ones */
} hsok_match_t;

typedef struct hsok_hit {
    hsok_record_t rec;            /* the passage; strings borrowed from the results */
    unsigned rank;                /* from 1 */
    double score;                 /* BM25 weight */
    const char *snippet;          /* best window of rec.text, cut at word boundaries; "…" marks cuts */
    const hsok_span_t *spans;     /* highlighted words in snippet, in order */
    size_t nspans;
    unsigned duplicates;          /* other passages of the same respondent with the same
                                     text (or of its group of copies), folded into this hit:
                                     exactly this many when hsok_results_counts_exact, else
                                     at least this many */
    int all_words;                /* 1: matches the query as written; 0: several words
                                     without an operator, and this passage has only some */
    hsok_match_t match;           /* exact, or related (a broader match of a compound) */
    const struct hsok_copy_group *copy; /* the group of copies (copies.h) the passage is
                                     in, or NULL; then, unless no_collapse, duplicates counts
                                     the group's other passages the query matched */
} hsok_hit_t;

typedef struct hsok_results hsok_results_t;

/* The most words a query searches with (the parser takes any number, in linear time; Xapian's
 * matcher slows down more than linearly with the number of terms). */
#define HSOK_MAX_QUERY_WORDS 1000

/* Parse and run `query`. A malformed query gives HSOK_ERR_QUERY with a one-line message
 * naming the position ("unbalanced quote at column 7"); so does a query that is not UTF-8
 * (naming the byte), nests more than 50 parentheses, or has more than HSOK_MAX_QUERY_WORDS
 * words. Free *out with hsok_results_free. */
hsok_status_t hsok_search(hsok_db_t *db, const char *query, const hsok_search_opts_t *opts,
                          hsok_results_t **out, char **errmsg);

size_t hsok_results_count(const hsok_results_t *r);
const hsok_hit_t *hsok_results_get(const hsok_results_t *r, size_t i);
/* The counts below are exact when hsok_results_counts_exact is nonzero, which they are on an
 * index of at most 500,000 passages (every match is checked) or when Xapian's bounds meet;
 * otherwise each is a lower bound: "at least N", never an estimate that may be too high.
 * All matching hits, with all the words, then with some (identical passages of one
 * respondent are one hit, as returned). */
size_t hsok_results_estimated(const hsok_results_t *r);
/* Of those, the hits that match the query as written (all the words). */
size_t hsok_results_estimated_all(const hsok_results_t *r);
/* Of all the hits, those that matched only as related (HSOK_MATCH_RELATED). */
size_t hsok_results_estimated_related(const hsok_results_t *r);
/* Of all the hits, those that matched only through a variant (HSOK_MATCH_VARIANT); exact
 * counts the same as the related ones. */
size_t hsok_results_estimated_variant(const hsok_results_t *r);
/* Every matching passage, counting those folded into a hit as its duplicates. */
size_t hsok_results_passages(const hsok_results_t *r);
/* Nonzero when the counts above are exact, 0 when they are lower bounds. */
int hsok_results_counts_exact(const hsok_results_t *r);
/* Nonzero if some of the returned hits have only some of the words (all_words == 0). */
int hsok_results_relaxed(const hsok_results_t *r);
/* A spelling suggestion for the whole query ("Mente du: …"), or NULL. Borrowed. */
const char *hsok_results_suggestion(const hsok_results_t *r);
void hsok_results_free(hsok_results_t *r);

/* Parse `query` and write a readable form of the parsed tree (for tests and --explain) into
 * *out (malloc'd). db may be NULL (then wildcards and field filters are not expanded). */
hsok_status_t hsok_query_describe(hsok_db_t *db, const char *query, char **out, char **errmsg);

#ifdef __cplusplus
}
#endif
#endif
