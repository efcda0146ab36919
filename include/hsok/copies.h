/* copies.h — passages that several respondents sent in the same words (a campaign, an
 * association's template letter): found across the index after each change of its files,
 * stored in it, and read back by `hsok copies`, search (one hit per group), themes and export.
 *
 * The measure (copies.c): a passage's text is normalised as for form text (formtext.h: case,
 * punctuation, spacing and leading numbering ignored) and cut into overlapping 3-word shingles.
 * Two passages are copies when their shingle sets have a Jaccard similarity of at least
 * HSOK_COPY_JACCARD, or when the smaller set lies for HSOK_COPY_CONTAINED of it in the larger,
 * the larger has at most HSOK_COPY_EXTRA shingles more (about one sentence) and their
 * Jaccard similarity is still at least HSOK_COPY_JACCARD_CONTAINED (one text with a sentence
 * added). Candidates come from MinHash signatures banded for locality-sensitive hashing;
 * every candidate pair is then measured exactly. Passages with fewer than
 * HSOK_COPY_MIN_WORDS words, and form text, take no part. A group is a passage (its centre)
 * and the passages that are copies of it, so no chain of small changes joins two texts that
 * differ; it is kept when its passages come from at least two respondents (a file without a
 * respondent counts as one of its own).
 */
#ifndef HSOK_COPIES_H
#define HSOK_COPIES_H

#include <stddef.h>

#include "hsok/db.h"
#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HSOK_COPY_MIN_WORDS 15           /* shorter passages are never copies */
#define HSOK_COPY_JACCARD 0.5            /* shingle sets this similar are copies */
#define HSOK_COPY_CONTAINED 0.8          /* or: this share of the smaller in the larger, */
#define HSOK_COPY_EXTRA 30               /*     the larger this many shingles more at most, */
#define HSOK_COPY_JACCARD_CONTAINED 0.4  /*     with at least this Jaccard similarity */

/* One passage of a group. Strings are owned by the group's container. */
typedef struct hsok_copy_member {
    const char *id;          /* passage id */
    const char *respondent;  /* "" if none was found */
    const char *source;      /* the file's path as indexed */
    unsigned line;           /* 1-based line in the source */
    double similarity;       /* Jaccard similarity of its shingles to the group's centre
                                (1 for the centre and for exact copies) */
} hsok_copy_member_t;

/* One text sent by several respondents. */
typedef struct hsok_copy_group {
    const char *id;           /* 12 hex digits, from the group's smallest passage id: the
                                 same group keeps it while that passage stays in it */
    double similarity;        /* the lowest of its members' similarity (1: identical) */
    const char *text;         /* the centre's text */
    size_t nmembers;          /* passages, by respondent, then source and line */
    const hsok_copy_member_t *members;
    size_t nrespondents;      /* distinct respondents, in the members' order; a member
                                 without a respondent is named by its source path */
    const char *const *respondents;
} hsok_copy_group_t;

/* Find the copies among the passages of db (writable) and store them, replacing what an
 * earlier run stored: each member gets the boolean term PFX_COPY, its search collapse key
 * becomes the group's (so a search shows the group once), and the groups are kept in the
 * index metadata. Passages marked as form text take no part, so run it after
 * hsok_db_mark_form_text, after every change of the index's files (hsok index and retag do).
 * *groups and *passages (each may be NULL) get the number of groups and of their passages.
 * Commits. */
hsok_status_t hsok_db_find_copies(hsok_db_t *db, size_t *groups, size_t *passages,
                                  char **errmsg);

typedef struct hsok_copies hsok_copies_t;

/* Every group stored in db, the largest (by respondents) first, then by id. Free with
 * hsok_copies_free. */
hsok_status_t hsok_copies_load(hsok_db_t *db, hsok_copies_t **out, char **errmsg);
size_t hsok_copies_count(const hsok_copies_t *c);
const hsok_copy_group_t *hsok_copies_get(const hsok_copies_t *c, size_t i);
/* The group the passage `id` belongs to, or NULL. Borrowed from c. */
const hsok_copy_group_t *hsok_copies_of(const hsok_copies_t *c, const char *id);
/* Passages in groups, over all groups. */
size_t hsok_copies_passages(const hsok_copies_t *c);
void hsok_copies_free(hsok_copies_t *c);

/* The group of one passage, read from db's metadata (two look-ups), for a search hit: *out is
 * NULL when the passage is in no group; else free it with hsok_copy_group_free. */
hsok_status_t hsok_db_copy_group_of(hsok_db_t *db, const char *id, hsok_copy_group_t **out,
                                    char **errmsg);
void hsok_copy_group_free(hsok_copy_group_t *g);

/* Whether db holds any copy group (one metadata look-up). */
int hsok_db_has_copies(hsok_db_t *db);

#ifdef __cplusplus
}
#endif
#endif
