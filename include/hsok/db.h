/* db.h — the passage index (a Xapian database behind a C API).
 *
 * One Xapian document per passage. Term prefixes and value slots are listed once, in
 * src/lib/prefix.h. A file is identified by its real path; re-indexing replaces its passages
 * inside one transaction, so a failure leaves the index as it was.
 */
#ifndef HSOK_DB_H
#define HSOK_DB_H

#include <stddef.h>
#include <stdint.h>

#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hsok_db hsok_db_t;

typedef enum hsok_db_mode { HSOK_DB_READ = 0, HSOK_DB_WRITE = 1 } hsok_db_mode_t;

/* The index path to use: explicit if not NULL, else $HSOK_DB if set and non-empty, else
 * "index". Borrowed (static or from the environment). */
const char *hsok_db_default_path(const char *explicit_path);

/* Open the index at path. HSOK_DB_WRITE creates it if missing; HSOK_DB_READ on a missing
 * index gives HSOK_ERR_NOT_FOUND ("no index at 'x': run 'hsok index' first"). A second writer
 * gets HSOK_ERR_LOCKED. Close with hsok_db_close. */
hsok_status_t hsok_db_open(const char *path, hsok_db_mode_t mode, hsok_db_t **out,
                           char **errmsg);

/* Commit (when writable) and close; db is freed even on error. NULL is a no-op. */
hsok_status_t hsok_db_close(hsok_db_t *db, char **errmsg);

/* A passage as stored. All strings are borrowed from the handle that returned the record. */
typedef struct hsok_record {
    const char *id;          /* stable passage id, e.g. "3fa2b1c4.12" */
    const char *source;      /* the path as given when indexed */
    const char *respondent;  /* "" if unknown */
    const char *section;     /* section path, "" if none */
    const char *text;        /* the whole reflowed passage */
    unsigned line, end_line; /* 1-based lines in the source */
    unsigned ordinal;        /* position of the passage in its file, from 0 */
    size_t start, end;       /* byte offsets in the decoded source */
    const char *const *themes; /* theme ids (empty until themes are tagged) */
    size_t nthemes;
} hsok_record_t;

typedef struct hsok_index_opts {
    const char *respondent; /* override respondent detection for this file (NULL: detect,
                               or the sidecar FILE.meta if it names one) */
    int force;              /* re-index even if the file is unchanged */
} hsok_index_opts_t;

typedef struct hsok_index_result {
    int unchanged;          /* nonzero: skipped, same content as indexed */
    size_t passages;        /* passages stored for the file */
    size_t bytes;           /* size of the file */
    size_t respondents;     /* distinct respondents found */
    const char *encoding;   /* static name of the detected encoding */
} hsok_index_result_t;

/* Index one file (replacing its earlier passages). On error nothing of the file is changed in
 * the index and *errmsg names the file: "cannot read 'x': ...", "'x': not valid text ...". */
hsok_status_t hsok_db_index_file(hsok_db_t *db, const char *path, const hsok_index_opts_t *opts,
                                 hsok_index_result_t *res, char **errmsg);

/* Remove the passages of indexed files that no longer exist. fn (may be NULL) is called with
 * each removed file's path. *removed counts them. */
hsok_status_t hsok_db_prune(hsok_db_t *db, void (*fn)(void *ctx, const char *path), void *ctx,
                            size_t *removed, char **errmsg);

/* Commit pending changes. */
hsok_status_t hsok_db_commit(hsok_db_t *db, char **errmsg);

typedef struct hsok_stat_respondent {
    const char *name;
    size_t passages;
} hsok_stat_respondent_t;

typedef struct hsok_stats {
    size_t files;
    size_t passages;
    size_t terms;              /* distinct word forms */
    uint64_t bytes_on_disk;    /* size of the index directory */
    const char *path;          /* index path */
    size_t nrespondents;
    const hsok_stat_respondent_t *respondents; /* sorted by passages, descending */
} hsok_stats_t;

/* Counts for `hsok stats`. *out is freed with hsok_stats_free. */
hsok_status_t hsok_db_stats(hsok_db_t *db, hsok_stats_t **out, char **errmsg);
void hsok_stats_free(hsok_stats_t *st);

typedef struct hsok_records hsok_records_t;

/* The passage `id` with up to `before` passages before it and `after` after it in the same
 * file. HSOK_ERR_NOT_FOUND if no passage has that id. *target is the index of `id` in *out. */
hsok_status_t hsok_db_passage_context(hsok_db_t *db, const char *id, unsigned before,
                                      unsigned after, hsok_records_t **out, size_t *target,
                                      char **errmsg);
size_t hsok_records_count(const hsok_records_t *r);
const hsok_record_t *hsok_records_get(const hsok_records_t *r, size_t i);
void hsok_records_free(hsok_records_t *r);

#ifdef __cplusplus
}
#endif
#endif
