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
#include "hsok/themes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hsok_db hsok_db_t;

typedef enum hsok_db_mode { HSOK_DB_READ = 0, HSOK_DB_WRITE = 1 } hsok_db_mode_t;

/* The index path to use: explicit if not NULL (even "", which hsok_db_open refuses), else
 * $HSOK_DB if set and non-empty, else "index". Borrowed (static or from the environment). */
const char *hsok_db_default_path(const char *explicit_path);

/* Open the index at path: a directory of Xapian's glass backend, never a stub database file
 * (a stub can name a program to run). A path that is not a directory ("'x' is not an index
 * directory: it is a regular file"), or a directory whose index files are not all regular
 * files, is refused with HSOK_ERR_DB before anything is opened; "" is HSOK_ERR_INVALID.
 * HSOK_DB_WRITE creates the index in a new or empty directory, and refuses a directory that
 * holds other files but no index (HSOK_ERR_DB, "'x' holds other files but no hsok index; give
 * an empty or new directory"); an index it may not write to is HSOK_ERR_DB ("index 'x' is
 * read-only: permission denied"); a second writer gets HSOK_ERR_LOCKED. HSOK_DB_READ on a
 * missing index gives HSOK_ERR_NOT_FOUND ("no index at 'x': run 'hsok index' first"); a
 * damaged one HSOK_ERR_DB. Close with hsok_db_close. */
hsok_status_t hsok_db_open(const char *path, hsok_db_mode_t mode, hsok_db_t **out,
                           char **errmsg);

/* Open several indexes read-only as one (an archive in shards): specs[i] is an index
 * directory (as for hsok_db_open: never a stub file) or "tcp:HOST:PORT", an index served by
 * xapian-tcpsrv (a program is never run to reach one). Searches rank over all passages as
 * one index holding them would (Xapian combines the statistics); counts, themes, respondents
 * and exports read every shard's records. The shards must agree on the index format, the
 * codebook, the lemmas, the bokmål/nynorsk table and compound splitting (HSOK_ERR_DB naming
 * two that differ); an unreachable server is HSOK_ERR_DB ("cannot reach index server
 * 'tcp:h:1': ..."). Writing calls refuse the handle. Close with hsok_db_close. */
hsok_status_t hsok_db_open_shards(const char *const *specs, size_t n, hsok_db_t **out,
                                  char **errmsg);
/* Shards of db (1 for hsok_db_open's), and shard i's directory (NULL for a remote one). */
size_t hsok_db_shard_count(hsok_db_t *db);
const char *hsok_db_shard_path(hsok_db_t *db, size_t i);

/* Read a shard list file: one index directory or tcp:HOST:PORT a line, blank lines and lines
 * starting with '#' left out, a relative directory taken from the file's folder. Any other
 * remote form ("remote :PROGRAM", "prog:") is HSOK_ERR_PARSE "'FILE':LINE: ...", as is a
 * malformed tcp: entry or a file naming none. The file is read as a regular file (at most
 * 1 MB). *specs (malloc'd, *n entries) is freed with hsok_shards_free. */
hsok_status_t hsok_shards_read(const char *file, char ***specs, size_t *n, char **errmsg);
void hsok_shards_free(char **specs, size_t n);

/* Commit (when writable) and close; db is freed even on error. NULL is a no-op. */
hsok_status_t hsok_db_close(hsok_db_t *db, char **errmsg);
/* hsok_db_close for a process about to exit (call from its main thread): the word tables
 * (compound lexicon, lemma caches, hunspell's dictionaries; freeing their millions of blocks
 * takes about 0.4 s) are left to the exit. They stay reachable from the library, so leak
 * checkers do not count them; after a few such closes it frees as hsok_db_close does. */
hsok_status_t hsok_db_close_for_exit(hsok_db_t *db, char **errmsg);
/* Free the compound lexicon that hsok_db_index_file loaded (Debian's word lists, about 50 MB)
 * once the files are indexed: the passes over the whole index that follow (form text, copies,
 * compaction) split no words and so run in that much less memory. The next
 * hsok_db_index_file loads it again. NULL or no lexicon is a no-op. */
void hsok_db_drop_lexicon(hsok_db_t *db);

/* A passage as stored. All strings are borrowed from the handle that returned the record. */
typedef struct hsok_record {
    const char *id;          /* stable passage id, e.g. "3fa2b1c4.12" */
    const char *source;      /* the path as given when indexed */
    const char *respondent;  /* "" if unknown */
    const char *section;     /* section path, "" if none */
    const char *text;        /* the whole reflowed passage */
    unsigned line, end_line; /* 1-based lines in the source */
    unsigned page, end_page; /* 1-based pages of a paged source (PDF, text with form feeds),
                                0 when it has none */
    unsigned ordinal;        /* position of the passage in its file, from 0 */
    size_t start, end;       /* byte offsets in the decoded source */
    const char *const *themes; /* theme ids of tags[], in codebook order */
    size_t nthemes;
    const hsok_tag_t *tags;  /* the themes with score and evidence */
    size_t ntags;
    int question_no;         /* the numbered question the passage answers, 0 if none */
    int goal_no;             /* the "Mål N" it is under, 0 if none */
    const char *respondent_type; /* "kommune" … "annet" (segment.h), "" if unknown; NULL
                                    when stored: from the respondent's name */
    int form_text;           /* read back: the passage is the hearing's form text (found only
                                with hsok_db_with_form_text; hsok_db_mark_form_text) */
    const char *position;    /* the position it states (position.h): "stotter", "imot",
                                "delvis", "endring", "" none; NULL when stored: detected from
                                the text, else the form's answer */
    const char *position_evidence; /* the words that gave it ("støtter i hovedsak"; two spans
                                joined by " … "), or the form's answer "svar: Ja"; "" none */
} hsok_record_t;

/* The tag of theme on r (its score, evidence and whether it is unsure), NULL when the tagger
 * gave r no such theme (a manual code has no tag). */
const hsok_tag_t *hsok_record_tag(const hsok_record_t *r, const char *theme);

/* The pages of a citation, "s. 3" or "s. 3\u20134" (an en dash between), into buf (cap bytes,
 * 24 are enough); "" when page is 0 (the source has no pages). Returns buf. */
const char *hsok_page_label(unsigned page, unsigned end_page, char *buf, size_t cap);

typedef struct hsok_index_opts {
    const char *respondent; /* override respondent detection for this file (NULL: detect,
                               or the sidecar FILE.meta if it names one) */
    int force;              /* re-index even if the file is unchanged */
    const hsok_codebook_t *codebook; /* tag passages with these themes (NULL: no tagging) */
    const char *type;       /* respondent type for this file (a name hsok_respondent_type_name
                               knows; NULL: the sidecar's "type:", the manifest's, or
                               detected from the respondent's name) */
    const char *manifest_respondent; /* from a manifest row (NULL: none): below the option */
    const char *manifest_type;       /* and the sidecar, above detection */
} hsok_index_opts_t;

typedef struct hsok_index_result {
    int unchanged;          /* nonzero: skipped, same content as indexed */
    size_t passages;        /* passages stored for the file */
    size_t bytes;           /* size of the file */
    size_t respondents;     /* distinct respondents found */
    const char *encoding;   /* static name of the detected encoding */
    size_t invalid_bytes;   /* bytes that were not UTF-8, replaced by U+FFFD (see ingest.h) */
    size_t first_invalid;   /* file offset of the first of them, if invalid_bytes */
    const char *format;     /* static name of the file's format (reader.h: "text", "pdf" ...),
                             * "" when unchanged or not read */
    const char *const *warnings; /* what the reader could not read but went on without, one
                                  * line each without the file name ("page 3: no text layer;
                                  * needs OCR"); owned by the db, valid until the next call */
    size_t nwarnings;
    const char *duplicate_of; /* not NULL: the file was not indexed because another file with
                               * the same content (and the same given respondent and type) is
                               * indexed at this path, still there and unchanged; owned by the
                               * db, valid until the next call */
} hsok_index_result_t;

/* The size limit of a file hsok_db_index_file reads: max bytes (0: HSOK_MAX_SOURCE_BYTES of
 * ingest.h, 64 MiB). A larger file gives HSOK_ERR_TOO_LARGE and is not indexed. */
void hsok_db_set_max_file_size(hsok_db_t *db, size_t max);

/* Index one file (replacing its earlier passages). A file is known by its content (plus the
 * respondent and type given for it): a renamed or moved file keeps its passages and their ids
 * and is re-read only to record its new path; a file whose content changed replaces what was
 * indexed from the same path; a second file with the same content as one indexed elsewhere is
 * not indexed again (res->duplicate_of). On error nothing of the file is changed in
 * the index and *errmsg names the file: "cannot read 'x': ...", "'x': not valid text ...".
 * What must be skipped, not read, gives HSOK_ERR_NOT_REGULAR or HSOK_ERR_TOO_LARGE with
 * "'x': REASON" (see hsok_read_regular_file); for a sidecar that is no regular file,
 * "'x': sidecar 'x.meta': a FIFO, not a regular file". */
hsok_status_t hsok_db_index_file(hsok_db_t *db, const char *path, const hsok_index_opts_t *opts,
                                 hsok_index_result_t *res, char **errmsg);

/* Remove the passages of indexed files that no longer exist. fn (may be NULL) is called with
 * each removed file's path. *removed counts them. */
hsok_status_t hsok_db_prune(hsok_db_t *db, void (*fn)(void *ctx, const char *path), void *ctx,
                            size_t *removed, char **errmsg);

/* One respondent of one indexed file, as `hsok respondents` lists it. */
typedef struct hsok_file_respondent {
    const char *source;         /* the file's path as given when indexed */
    const char *respondent;     /* "" if none was found */
    const char *respondent_how; /* what found it: "option", "sidecar", "manifest", or what
                                   hsok_segdoc_respondent_how says ("letterhead", "title",
                                   "signer" …); "" if none */
    const char *type;           /* respondent type, "" if unknown */
    const char *type_how;       /* "option", "sidecar", "manifest", "alias table", "name", ""
                                   (unknown) */
    int type_doubt;             /* the type comes from a rule that is often wrong */
    size_t passages;
} hsok_file_respondent_t;

/* Each indexed file's respondents (a file with no respondent gives one entry with
 * respondent ""), by source path. *out (free with free()) owns the strings; *n counts. Files
 * indexed by an older hsok have none until "hsok index" reads them again (it does, by
 * itself: the index format changed). */
hsok_status_t hsok_db_respondents(hsok_db_t *db, hsok_file_respondent_t **out, size_t *n,
                                  char **errmsg);

/* Commit pending changes. */
hsok_status_t hsok_db_commit(hsok_db_t *db, char **errmsg);

/* Commit, then pack the index's tables full (Xapian's compaction, swapped in atomically;
 * xap_compact in xap.h): about half the size after updates. Passages, document ids, ranking
 * and every stored value stay the same. *done (if not NULL): 1 if the index was packed, 0 if it
 * could not be here (no write permission beside the index, a file system that cannot swap
 * directories) and was left as it was. */
hsok_status_t hsok_db_compact(hsok_db_t *db, int *done, char **errmsg);

typedef struct hsok_stat_respondent {
    const char *name;
    const char *type; /* respondent type of its first passage, "" if unknown */
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
    size_t unknown_passages;   /* passages without a respondent */
    size_t nunknown_files;     /* files in which no respondent was found */
    const char *const *unknown_files; /* their paths as indexed, sorted */
} hsok_stats_t;

/* Counts for `hsok stats`. The index is checked for damage first (as by hsok_db_check), since
 * a damaged index can give wrong counts without an error. *out is freed with
 * hsok_stats_free. */
hsok_status_t hsok_db_stats(hsok_db_t *db, hsok_stats_t **out, char **errmsg);
void hsok_stats_free(hsok_stats_t *st);

/* What the index's Norwegian analysis lacks because a word list was missing when its files
 * were indexed: *no_lemmas when hunspell's nb/nn dictionaries (Debian's hunspell-no, read with
 * libhunspell) were not found, so no base forms were indexed; *no_compounds when no compound
 * lexicon (Debian's wnorwegian, or $HSOK_LEXICON) was, so no compound was split. Both 0 when
 * the index says nothing (no file indexed yet). */
hsok_status_t hsok_db_analysis_gaps(hsok_db_t *db, int *no_lemmas, int *no_compounds,
                                    char **errmsg);

/* Check the index at path for damage: Xapian's consistency check (every table, block by
 * block) and that every passage's record is there, on a copy of the index's files in $TMPDIR
 * (else /tmp): the index is only read, and no lock is taken. Refuses what hsok_db_open
 * refuses. HSOK_OK: sound, *passages (if not NULL) its passage count. HSOK_ERR_NOT_FOUND: no
 * index there. HSOK_ERR_DB: damaged (or not an index directory); *errmsg says what and what
 * to do ("index 'x' is damaged: postlist table: ... (delete it and run 'hsok index' again with
 * the same files)"). HSOK_ERR_IO: the copy could not be made. *report (if not NULL) receives
 * Xapian's own report, malloc'd, whenever the check ran. */
hsok_status_t hsok_db_check(const char *path, size_t *passages, char **report, char **errmsg);

typedef struct hsok_records hsok_records_t;

/* ---- the bundled samples ---- */

/* The folder of the bundled sample responses: the source tree's seeds/. Static. */
const char *hsok_samples_dir(void);
/* Nonzero when path is a bundled sample: its real path lies in hsok_samples_dir(). */
int hsok_is_sample_path(const char *path);
/* How many of the index's files are bundled samples (*samples) of all its *files (an index
 * made from another copy of the source tree does not count them). files may be NULL: counting
 * them reads a key per file of the index, counting the samples only the few in seeds/. */
hsok_status_t hsok_db_samples(hsok_db_t *db, size_t *samples, size_t *files, char **errmsg);

/* ---- themes in the index ---- */

/* Re-tag every passage of the index with cb (no source file is read). The codebook's themes
 * (id, label, description, parent) and fingerprint are stored in the index. *passages counts
 * the passages re-tagged. */
hsok_status_t hsok_db_retag(hsok_db_t *db, const hsok_codebook_t *cb, size_t *passages,
                            char **errmsg);

/* The fingerprint of the codebook the index was last tagged with ("" if never). malloc'd. */
hsok_status_t hsok_db_codebook_fingerprint(hsok_db_t *db, char **out, char **errmsg);

/* A theme as stored in the index by the last tagging. */
typedef struct hsok_db_theme {
    const char *id, *label, *description, *parent;
} hsok_db_theme_t;

/* Respondent × theme counts of passages. */
typedef struct hsok_theme_matrix {
    size_t nthemes;
    const hsok_db_theme_t *themes;    /* codebook order */
    size_t nrespondents;
    const char *const *respondents;   /* by passages, descending */
    const size_t *counts;             /* counts[r * nthemes + t]: passages of respondent r
                                         tagged with theme t */
    const size_t *theme_passages;     /* per theme: passages */
    const size_t *theme_respondents;  /* per theme: respondents with at least one passage */
    const size_t *respondent_passages;/* per respondent: all its passages, tagged or not */
    size_t passages;                  /* passages counted (after the filter) */
    size_t tagged;                    /* of them, with at least one theme */
    size_t copies;                    /* of them, passages in a group of copies (copies.h):
                                         each counts once per respondent that sent it */
    size_t copy_groups;               /* the groups (texts) those copies are of */
    /* By respondent type. A respondent's type is the first its passages carry ("" none). */
    const char *const *respondent_types; /* per respondent: its type, "" if none */
    size_t ntypes;
    const char *const *types;         /* the types present, in the order of
                                         hsok_respondent_type_at, "" (no type) last */
    const size_t *type_respondents;   /* per type: respondents of the type with a passage
                                         that passes the respondent, type and form-text
                                         filters (a query, theme or tagged-only filter does
                                         not shrink it: it is the "of 14") */
    const size_t *type_theme_respondents; /* [t * ntypes + k]: respondents of type k with a
                                         selected passage tagged with theme t */
    /* By position (position.h): [t * HSOK_POSITION_COUNT + p], p from HSOK_POSITION_NONE (no
     * position stated) to HSOK_POSITION_CHANGE; row t = nthemes counts every selected
     * passage, tagged or not. A respondent with passages of several positions on a theme
     * counts under each. */
    const size_t *theme_position_respondents; /* respondents with a passage tagged t that
                                         states p */
    const size_t *theme_position_passages;    /* passages tagged t that state p */
    const size_t *theme_unsure_passages; /* per theme: of theme_passages, those whose tag is
                                         unsure (hsok_tag_t.unsure; not a manual code) */
} hsok_theme_matrix_t;

/* Which passages: all given filters must hold. */
typedef struct hsok_select {
    const char *query;                /* a query (query.h syntax), or NULL for all passages */
    const char *const *themes;        /* tagged with one of these theme ids (OR) */
    size_t nthemes;
    const char *const *respondents;   /* respondent contains one of these, case-insensitive
                                         (see hsok_search_opts_t) */
    size_t nrespondents;
    int tagged_only;                  /* only passages with at least one theme */
    int respondent_exact;             /* respondent is one of these (case-insensitive) */
    const char *const *types;         /* respondent type is one of these (hsok_search_opts_t) */
    size_t ntypes;
    struct hsok_codes *codes;         /* manual codes (codes.h), or NULL: hsok_db_theme_matrix
                                         counts and filters by the themes with them applied */
    const char *const *positions;     /* states one of these positions (hsok_search_opts_t) */
    size_t npositions;
} hsok_select_t;

/* The matrix over the selected passages (sel may be NULL: all). Free with
 * hsok_theme_matrix_free. */
hsok_status_t hsok_db_theme_matrix(hsok_db_t *db, const hsok_select_t *sel,
                                   hsok_theme_matrix_t **out, char **errmsg);
void hsok_theme_matrix_free(hsok_theme_matrix_t *m);

/* Theme t by respondent type, e.g. "11 of 14 kommuner, 0 of 2 organisasjoner, 1 of 1 uten
 * type" with of = "of" ("av" in a Norwegian report): every type present, in m->types order,
 * with hsok_respondent_type_plural's names. malloc'd; NULL when memory ran out. */
char *hsok_theme_matrix_by_type(const hsok_theme_matrix_t *m, size_t t, const char *of);

/* The selected passages, ordered by respondent, then source file, then ordinal. A malformed
 * query gives HSOK_ERR_QUERY. Free with hsok_records_free. */
hsok_status_t hsok_db_select(hsok_db_t *db, const hsok_select_t *sel, hsok_records_t **out,
                             char **errmsg);

/* ---- one response, whole ---- */

/* What `hsok show --file` or `--respondent` reads: one file or one respondent (set one). */
typedef struct hsok_response_sel {
    const char *file;       /* an indexed file: its path as given when indexed, another path
                               to the same file, or its file name when one file has it */
    const char *respondent; /* a respondent: the whole name (any case) or a part of it that
                               one respondent's name holds (as --respondent matches) */
} hsok_response_sel_t;

/* The passages of sel's file or respondent in document order: by source file, then ordinal
 * (the form text only with hsok_db_with_form_text). *which (may be NULL) gets what sel named,
 * malloc'd: the file's path as indexed, or the respondent's name. A file or respondent the
 * index does not have, or a name or file name that several hold, gives HSOK_ERR_QUERY with a
 * message that helps ("no file 'x' in the index; did you mean 'y'?", "no respondent 'x' in the
 * index; did you mean 'y'?", "'kommune' names 3 respondents: A, B, C; give more of the
 * name"). Free *out with hsok_records_free. */
hsok_status_t hsok_db_response(hsok_db_t *db, const hsok_response_sel_t *sel,
                               hsok_records_t **out, char **which, char **errmsg);

/* ---- form text ---- */

/* Mark the hearing's form text: passages whose text (numbering, case, spacing and punctuation
 * ignored; three words or more) stands in the files of at least two respondents and is
 *   1. a question (ends with '?') followed by different text in different files, or
 *   2. a preamble: in each of its files no question is open at it and a later passage of the
 *      file answers a numbered question, or
 *   3. the template's: it stands in at least 3 files and 90% of the index's files, in none
 *      under a numbered question.
 * The same text from several respondents that is none of these (a campaign's letter) is not
 * marked: it counts once per respondent. Searches, theme counts and exports leave marked
 * passages out unless hsok_db_with_form_text is on. Marks that no longer hold (files pruned) are
 * taken away, so run it after every change of the index's files (hsok index and retag do).
 * A marked passage that asks (ends with '?') labels the unmarked passages after it in its file,
 * up to the next marked passage or where the section or numbered question changes: their
 * records read back with that question as section ("SECTION › QUESTION" under a section);
 * the label is taken away with the mark. Marked passages read back with form_text set.
 * *marked (may be NULL) gets the number of marked passages. Commits. */
hsok_status_t hsok_db_mark_form_text(hsok_db_t *db, size_t *marked, char **errmsg);

/* The number of passages marked as form text, in *n. */
hsok_status_t hsok_db_form_text_count(hsok_db_t *db, size_t *n, char **errmsg);

/* With on nonzero, searches, selections and theme counts on db take in the passages marked
 * as form text too (by default they leave them out). */
void hsok_db_with_form_text(hsok_db_t *db, int on);

/* ---- stances ---- */

/* One respondent's checkbox answer to a numbered question. */
typedef struct hsok_db_stance {
    const char *respondent;
    int question_no;
    const char *question;  /* the question heading, "" if none */
    const char *answer;    /* the checked option, "" if none was checked */
    const char *options;   /* "Ja|Nei|Vet ikke" */
    const char *source;
    unsigned line;
    int group;             /* stances with the same question text share a group (0, 1, …) */
} hsok_db_stance_t;

typedef struct hsok_stances hsok_stances_t;

/* Every stance in the index, grouped by the question's text, not its number: numbering
 * ("3)", "Spørsmål 3:"), case, spacing and punctuation are ignored, so two forms whose
 * question 3 differs give two groups, and one question under different numbers one group.
 * Groups come in the order of their lowest question number, then text; within a group, by
 * respondent. Free with hsok_stances_free. */
hsok_status_t hsok_db_stances(hsok_db_t *db, hsok_stances_t **out, char **errmsg);
size_t hsok_stances_count(const hsok_stances_t *s);
const hsok_db_stance_t *hsok_stances_get(const hsok_stances_t *s, size_t i);
void hsok_stances_free(hsok_stances_t *s);

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
