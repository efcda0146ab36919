/* xap.h — the thin C wrapper over Xapian (implemented in xapian/xap.cc, the only C++ file).
 *
 * Every entry point catches Xapian::Error, std::bad_alloc and everything else and turns it into
 * a status plus a malloc'd message in *errmsg (DatabaseLockError → HSOK_ERR_LOCKED "index 'x'
 * is locked by another process", DatabaseNotFoundError/DatabaseOpeningError on a missing
 * index → HSOK_ERR_NOT_FOUND, bad_alloc → HSOK_ERR_NOMEM, the rest → HSOK_ERR_DB).
 * No exception ever leaves this layer. Strings are byte strings with explicit lengths where
 * terms may hold any bytes; otherwise NUL-terminated.
 */
#ifndef HSOK_XAP_H
#define HSOK_XAP_H

#include <stddef.h>
#include <stdint.h>

#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What to do about a damaged index, in every message that reports one. */
#define XAP_REBUILD "delete it and run 'hsok index' again with the same files"

typedef struct xap_db xap_db_t;
typedef struct xap_doc xap_doc_t;

/* Open (writable: create if missing) the database directory at path, with Xapian's glass
 * backend only. The path is looked at first and nothing is opened unless it is a directory
 * (a symbolic link to one is followed) whose glass files are regular files: a stub database
 * file, whose `remote :PROGRAM` line would run PROGRAM, is refused ("'x' is not an index
 * directory: it is a regular file"). Writing also refuses a directory that holds other files
 * but no index ("'x' holds other files but no hsok index; give an empty or new directory"),
 * and says "index 'x' is read-only: REASON" where Xapian would call a lock it cannot take for
 * want of write permission "locked". All these are HSOK_ERR_DB. */
hsok_status_t xap_open(const char *path, int writable, xap_db_t **out, char **errmsg);

/* Open several indexes read-only as one (Xapian's Database::add_database): specs[i] is an
 * index directory (looked at as by xap_open: never a stub file) or "tcp:HOST:PORT", an index
 * served by xapian-tcpsrv (Xapian::Remote::open over TCP; a program is never run). Searches,
 * term lists and counts see every shard; docids interleave across shards. Metadata, which
 * Xapian reads from the first shard only, is read from each: xap_get_meta answers with the
 * first shard that has the key, xap_meta_keys lists the keys of all. Errors name the shard
 * ("cannot reach index server 'tcp:h:1': ..."). Read-only: writing calls refuse it. */
hsok_status_t xap_open_shards(const char *const *specs, size_t n, xap_db_t **out,
                              char **errmsg);
/* Shards of db: 1 for an index opened by xap_open. xap_shard_name: shard i as given;
 * xap_shard_path: the same for a local directory, NULL for a remote one (or no such shard). */
/* Order documents of equal weight in a relevance-ordered search by the value of `slot` (as a
 * string), then by docid, not by docid alone: docids depend on the order documents were
 * added and interleave across shards, so only a tie order by content is the same for one
 * index and for the same passages in shards (documents of one slot value must have been added
 * in the same order in both). slot < 0: by docid (the default). */
void xap_set_tiebreak(xap_db_t *db, int slot);
size_t xap_shard_count(xap_db_t *db);
const char *xap_shard_name(xap_db_t *db, size_t i);
const char *xap_shard_path(xap_db_t *db, size_t i);

/* Xapian's consistency check of the index directory at path (looked at as by xap_open first):
 * every table block by block, and the document lengths across tables. With `strict` (an index
 * as hsok makes them), also that the termlist table is there and every document has data,
 * which Xapian alone takes for optional. HSOK_OK: no damage found, *docs (if not NULL) the
 * document count. HSOK_ERR_NOT_FOUND: no index there. HSOK_ERR_DB: damaged, *errmsg "index
 * 'x' is damaged: TABLE table: WHAT (delete it and run 'hsok index' again with the same
 * files)", or not an index directory. *report (if not NULL) receives Xapian's own report,
 * malloc'd, whenever the check ran. Xapian's check opens tables read/write (and truncates those
 * of an index never committed), so it runs on a private copy of the index's files in $TMPDIR
 * (else /tmp), taken again if a writer commits while it is copied; the index itself is only
 * read. Copies left there by checks that were killed (unlocked, over a minute old) are
 * removed first. */
hsok_status_t xap_check(const char *path, int strict, unsigned *docs, char **report,
                        char **errmsg);
/* Commit if writable, then close and free. NULL is a no-op. */
hsok_status_t xap_close(xap_db_t *db, char **errmsg);
hsok_status_t xap_commit(xap_db_t *db, char **errmsg);

/* Transactions (writable only): begin, then commit or cancel. A transaction's changes are
 * applied together or not at all; they reach the disk (and readers) at the next xap_commit or
 * xap_close. Cancelling discards the transaction's changes and also any made since the last
 * commit (Xapian's unflushed transactions): commit first when earlier work must survive. */
hsok_status_t xap_begin(xap_db_t *db, char **errmsg);
hsok_status_t xap_end(xap_db_t *db, int commit, char **errmsg);

/* Document builder. xap_doc_new returns NULL on out of memory. */
xap_doc_t *xap_doc_new(void);
void xap_doc_free(xap_doc_t *doc);
/* Each returns 0, or -1 on out of memory (the doc is then unusable: xap_add refuses it). */
int xap_doc_add_posting(xap_doc_t *doc, const char *term, size_t len, unsigned pos, unsigned wdf);
int xap_doc_add_term(xap_doc_t *doc, const char *term, size_t len, unsigned wdf);
int xap_doc_add_boolean(xap_doc_t *doc, const char *term, size_t len);
int xap_doc_set_value(xap_doc_t *doc, unsigned slot, const char *val, size_t len);
int xap_doc_set_data(xap_doc_t *doc, const char *data, size_t len);

/* Add doc (writable db). *docid may be NULL. */
hsok_status_t xap_add(xap_db_t *db, xap_doc_t *doc, unsigned *docid, char **errmsg);
/* Replace document docid with doc (writable db). */
hsok_status_t xap_replace(xap_db_t *db, unsigned docid, xap_doc_t *doc, char **errmsg);
/* Delete every document indexed by term. */
hsok_status_t xap_delete_term(xap_db_t *db, const char *term, size_t len, char **errmsg);
/* Give document docid the boolean term (on) or take it away (on = 0); a document that
 * already is so is left alone. */
hsok_status_t xap_set_boolean(xap_db_t *db, unsigned docid, const char *term, size_t len, int on,
                              char **errmsg);
/* Set value slot `slot` of document docid to val[0..len) (writable db); a document whose
 * slot holds that already is left alone. */
hsok_status_t xap_set_value(xap_db_t *db, unsigned docid, unsigned slot, const char *val,
                            size_t len, char **errmsg);
/* Replace the data of document docid (writable db). */
hsok_status_t xap_set_data(xap_db_t *db, unsigned docid, const char *data, size_t len,
                           char **errmsg);
/* Data of document docid: *data malloc'd, *len its length. */
hsok_status_t xap_data_by_docid(xap_db_t *db, unsigned docid, char **data, size_t *len,
                                char **errmsg);
/* Add a word to the spelling table (writable db), `freq` occurrences (0 counts as 1). */
hsok_status_t xap_add_spelling(xap_db_t *db, const char *word, size_t len, unsigned freq,
                               char **errmsg);
/* Keep the spelling table in step with the documents (writable db): it holds a word as often
 * as the documents do (its collection frequency, uncommitted changes counted) if that is at
 * least min_freq, else not at all. xap_spelling_sync: the documents' count of `word` changed
 * by delta since the table was last in step (a word the table never held, such as one under
 * a stopword filter, stays out when delta < 0). xap_spelling_resync: every word of the table
 * is put in step, for a table that was not (kept otherwise). */
hsok_status_t xap_spelling_sync(xap_db_t *db, const char *word, size_t len, unsigned min_freq,
                                long delta, char **errmsg);
hsok_status_t xap_spelling_resync(xap_db_t *db, unsigned min_freq, char **errmsg);
/* Call fn for each term of each document indexed by term, with its wdf there (a term of
 * several documents once for each); stop early if fn returns nonzero. */
hsok_status_t xap_doc_terms(xap_db_t *db, const char *term, size_t len,
                            int (*fn)(void *ctx, const char *t, size_t n, unsigned wdf),
                            void *ctx, char **errmsg);
/* Spelling suggestion for one word: *out malloc'd, or NULL if none. */
hsok_status_t xap_spelling(xap_db_t *db, const char *word, size_t len, char **out, char **errmsg);

/* Metadata: *val malloc'd ("" if unset). Setting "" removes the key. */
hsok_status_t xap_get_meta(xap_db_t *db, const char *key, char **val, char **errmsg);
/* The same from shard `shard` alone (0 .. xap_shard_count(db) - 1). */
hsok_status_t xap_get_meta_in(xap_db_t *db, size_t shard, const char *key, char **val,
                              char **errmsg);
hsok_status_t xap_set_meta(xap_db_t *db, const char *key, const char *val, char **errmsg);
/* Call fn for each metadata key starting with prefix (stop early if fn returns nonzero).
 * Keys are collected before the first call, so fn may change metadata. */
hsok_status_t xap_meta_keys(xap_db_t *db, const char *prefix,
                            int (*fn)(void *ctx, const char *key), void *ctx, char **errmsg);
/* The same for the keys of shard `shard` alone. */
hsok_status_t xap_meta_keys_in(xap_db_t *db, size_t shard, const char *prefix,
                               int (*fn)(void *ctx, const char *key), void *ctx, char **errmsg);
/* Call fn for each term starting with prefix, with its document frequency. */
hsok_status_t xap_terms(xap_db_t *db, const char *prefix, size_t prefix_len,
                        int (*fn)(void *ctx, const char *term, size_t len, unsigned freq),
                        void *ctx, char **errmsg);

/* Counts; 0 on an error, which every later call on db that returns a status then returns (a
 * damaged index is not taken for one that lacks the term). */
unsigned xap_doccount(xap_db_t *db);
unsigned xap_termfreq(xap_db_t *db, const char *term, size_t len);

/* Data of the first document indexed by term: *data malloc'd, *len its length;
 * HSOK_ERR_NOT_FOUND if none. */
hsok_status_t xap_data_by_term(xap_db_t *db, const char *term, size_t tlen, char **data,
                               size_t *len, char **errmsg);

/* Query tree built by C code; the wrapper turns it into a Xapian::Query. */
typedef enum xap_op {
    XQ_TERM,      /* term (with wqf 1) */
    XQ_AND,
    XQ_OR,
    XQ_AND_NOT,   /* sub[0] AND NOT (sub[1] OR sub[2] ...) */
    XQ_AND_MAYBE, /* sub[0] AND_MAYBE sub[1..] */
    XQ_FILTER,    /* sub[0] filtered by sub[1..] (no weight from the filters) */
    XQ_PHRASE,    /* subs (terms) in order, adjacent (window = nsub) */
    XQ_NEAR,      /* subs within `window` positions */
    XQ_SCALE,     /* sub[0] with weights multiplied by scale */
    XQ_WILDCARD,  /* every term starting with term (OR), at most 200 expansions */
    XQ_ALL,       /* every document (for pure NOT queries and filter-only queries) */
    XQ_NONE       /* no document */
} xap_op_t;

typedef struct xap_query {
    xap_op_t op;
    const char *term;       /* XQ_TERM, XQ_WILDCARD */
    size_t term_len;
    double scale;           /* XQ_SCALE */
    unsigned window;        /* XQ_NEAR */
    struct xap_query **sub;
    size_t nsub;
} xap_query_t;

typedef struct xap_hit {
    unsigned docid;
    double score;
    char *data;             /* document data, owned by the hits */
    size_t data_len;
    unsigned collapsed;     /* with a collapse slot: other matches with the same key (lower
                               bound), not returned */
} xap_hit_t;

typedef struct xap_hits {
    xap_hit_t *hits;
    size_t n;
    size_t estimated;       /* matches estimated */
    size_t count;           /* matches (one per collapse key): exactly this many when
                               count_exact, else at least this many (Xapian's lower bound) */
    int count_exact;
    size_t passages;        /* the same before collapsing: every matching document */
    int passages_exact;
} xap_hits_t;

/* An index of at most this many passages is counted exactly by every search (Xapian checks
 * every match); a larger one gives exact counts when Xapian's bounds meet, else at least. */
#define XAP_EXACT_COUNT_MAX 500000

/* Run q with BM25 (Xapian defaults), returning hits [offset, offset+limit). Free with
 * xap_hits_free. Optional sort by value slot: sort_slot < 0 means by relevance. */
hsok_status_t xap_search(xap_db_t *db, const xap_query_t *q, unsigned offset, unsigned limit,
                         int sort_slot, xap_hits_t **out, char **errmsg);
/* The same, returning only the best match of each value of collapse_slot (if >= 0). */
hsok_status_t xap_search_collapse(xap_db_t *db, const xap_query_t *q, unsigned offset,
                                  unsigned limit, int sort_slot, int collapse_slot,
                                  xap_hits_t **out, char **errmsg);
/* Tests only: with on, a collapsing search by relevance that sees every match (one local
 * index of at most XAP_EXACT_COUNT_MAX) runs through Xapian's own collapser, as before
 * xap_search_collapse grouped the matches itself; both give the same hits and counts. */
void xap_set_xapian_collapse(xap_db_t *db, int on);
void xap_hits_free(xap_hits_t *h);

/* Readable description of q as Xapian prints it (for tests); malloc'd. */
char *xap_query_describe(const xap_query_t *q);

/* Commit, then rewrite the writable index db packed full (Xapian's compaction, document ids
 * kept): updates leave its B-tree blocks about half empty, so this halves its size. The packed
 * copy is written beside the index (".NAME.compact-XXXXXX" in the same parent directory) under
 * the index's write lock, then swapped in with one atomic rename (renameat2 RENAME_EXCHANGE),
 * and the old tables are removed: a process killed at any moment leaves the old or the new
 * index whole, and a leftover copy is removed by the next compaction. Readers that opened the
 * index before keep reading the old tables. Where the copy cannot be made or swapped (no
 * write permission beside the index, a file system without RENAME_EXCHANGE) nothing changes
 * and *done is 0; else 1. db stays open and writable on the packed index. */
hsok_status_t xap_compact(xap_db_t *db, int *done, char **errmsg);

#ifdef __cplusplus
}
#endif
#endif
