/* codes.h — the analyst's manual codes: +THEME / -THEME on a passage, with a note.
 *
 * Codes live in a plain text file beside the index (never inside it), so that `index
 * --force`, `retag` and a rebuilt index leave them alone; they are applied when passages are
 * read. The file: UTF-8, one code a line, sorted, tab-separated columns
 *
 *     FILE  TEXT_HASH  ID  CODE  DATE  NOTE
 *
 * FILE is the file name (no folder) of the passage's source; TEXT_HASH 16 hex digits, the
 * FNV-1a hash of the passage's text with runs of white space made one space and the ends
 * trimmed; ID the passage id when it was coded (shown only: ids change when a file moves);
 * CODE "+theme" or "-theme"; DATE YYYY-MM-DD; NOTE free text with tab, newline and backslash
 * written \t, \n, \\. Empty lines and lines starting with '#' are comments. A code matches
 * every passage of a file of that name with that text, wherever the file lies and whatever
 * its passage number.
 */
#ifndef HSOK_CODES_H
#define HSOK_CODES_H

#include <stddef.h>

#include "hsok/db.h"
#include "hsok/hsok.h"
#include "hsok/query.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hsok_codes hsok_codes_t;

typedef struct hsok_code {
    const char *file;  /* the source's file name */
    const char *hash;  /* 16 hex digits */
    const char *id;    /* passage id when coded */
    const char *theme; /* theme id */
    int add;           /* 1: +theme, 0: -theme */
    const char *date;  /* YYYY-MM-DD */
    const char *note;  /* "" if none */
} hsok_code_t;

/* The codes file to use: explicit if not NULL, else $HSOK_CODES if set and non-empty, else
 * the index path with trailing '/' taken off and ".codes.tsv" added ("index" →
 * "index.codes.tsv"). malloc'd; NULL when out of memory. */
char *hsok_codes_default_path(const char *explicit_path, const char *db_path);

/* Read the codes file at path; a missing file is an empty set. With for_update nonzero, an
 * exclusive lock (flock on "PATH.lock") is taken first and held until hsok_codes_free, so
 * two writers do not lose each other's codes; a lock held by another gives
 * HSOK_ERR_LOCKED. A malformed line gives HSOK_ERR_PARSE, "'PATH':LINE: WHAT"; a file that
 * is not a regular file or cannot be read HSOK_ERR_IO or HSOK_ERR_NOT_REGULAR. */
hsok_status_t hsok_codes_load(const char *path, int for_update, hsok_codes_t **out,
                              char **errmsg);
void hsok_codes_free(hsok_codes_t *c);

size_t hsok_codes_count(const hsok_codes_t *c);
/* The i-th code, in file order (sorted by file, hash, theme). */
const hsok_code_t *hsok_codes_get(const hsok_codes_t *c, size_t i);

/* Code rec with +theme (add nonzero) or -theme, replacing a code of the same passage and
 * theme (either sign). note and date may be NULL ("" and today). */
hsok_status_t hsok_codes_set(hsok_codes_t *c, const hsok_record_t *rec, const char *theme,
                             int add, const char *note, const char *date, char **errmsg);

/* Write the codes to path (the one loaded), sorted, through a temporary file renamed over
 * it. */
hsok_status_t hsok_codes_save(hsok_codes_t *c, const char *path, char **errmsg);

/* The manual codes of rec: *added (theme ids coded +) and *removed (coded -), borrowed from
 * c, valid until the next call on c; counts in *nadded and *nremoved. Marks the matching
 * codes as found (hsok_codes_found). */
void hsok_codes_lookup(hsok_codes_t *c, const hsok_record_t *rec, const char *const **added,
                       size_t *nadded, const char *const **removed, size_t *nremoved);

/* Nonzero when code i matched a passage in a lookup since the load. */
int hsok_codes_found(const hsok_codes_t *c, size_t i);

/* The themes rec shows with its codes applied: its automatic themes less those removed, then
 * those added that it did not have. *out (malloc'd array of borrowed strings; free() it). */
hsok_status_t hsok_codes_effective(hsok_codes_t *c, const hsok_record_t *rec,
                                   const char ***out, size_t *n, char **errmsg);

/* Apply the codes to every passage of recs, in place: its themes become those of
 * hsok_codes_effective, and the evidence of a removed theme goes. The added theme ids are
 * borrowed from c: free c after recs. */
hsok_status_t hsok_codes_apply(hsok_codes_t *c, hsok_records_t *recs, char **errmsg);

/* hsok_codes_apply, then keep only the passages whose themes, codes applied, hold one of
 * themes[0..nthemes) (when nthemes > 0), or any theme (tagged_only); the order is kept. For
 * a selection by theme that sees the codes: select without the theme filter, then this. */
hsok_status_t hsok_codes_apply_select(hsok_codes_t *c, hsok_records_t *recs,
                                      const char *const *themes, size_t nthemes,
                                      int tagged_only, char **errmsg);

/* The codes of c resolved to the passages of db they match (every passage of an indexed
 * file of the code's file name whose text has the code's hash), for hsok_search_opts_t's
 * theme_codes: *out is malloc'd, its ids owned by it and its themes borrowed from c (free
 * *out with hsok_theme_codes_free before c); *n counts. Reads only the files the codes name. */
hsok_status_t hsok_codes_resolve(hsok_db_t *db, hsok_codes_t *c, hsok_theme_code_t **out,
                                 size_t *n, char **errmsg);
void hsok_theme_codes_free(hsok_theme_code_t *v, size_t n);

#ifdef __cplusplus
}
#endif
#endif
