/* db_internal.h — what index.c, query.c and search.c share about an open index. */
#ifndef HSOK_DB_INTERNAL_H
#define HSOK_DB_INTERNAL_H

#include "buf.h"
#include "hsok/db.h"
#include "hsok/text.h"
#include "xap.h"

struct hsok_db {
    xap_db_t *x;
    char *path;
    int writable;
    hsok_analyzer_t *an; /* created on first use */
    struct hsok_lexicon *lex; /* compound lexicon, loaded when the first file is indexed */
    int lex_tried;
    struct hsok_lemmatizer *lm; /* lemmas and variants (dblemma.c), created on first use */
    int lemma_state;      /* 0 not looked at, 1 the index has lemmas, -1 it has none */
    size_t lemma_stored;  /* cached words of lm whose lemmas are in the metadata */
    struct hsok_lemmatizer *hl; /* the highlighter's: lemmas as stored (db_stored_lemmatizer) */
    const hsok_codebook_t *stored_cb; /* codebook whose themes are in the metadata */
    size_t uncommitted; /* bytes of passage text indexed since the last commit */
    size_t uncommitted_files;
    double last_commit;   /* monotonic seconds at the last commit (or the open) */
    double commit_secs;   /* how long the last commit took */
    size_t max_file_size; /* limit of a source file; 0: HSOK_MAX_SOURCE_BYTES */
    int with_form_text;   /* searches take in form text (hsok_db_with_form_text) */
    char **warnings;      /* hsok_index_result_t.warnings of the last indexed file */
    size_t nwarnings;
    char *dup_path;       /* hsok_index_result_t.duplicate_of of the last indexed file */
    int spelling_ok;      /* the spelling table is kept as index.c add_spellings keeps it */
};

/* Searches of db order passages of equal score by source path, then docid: place in the file
 * (shards.c): the same order for one index and for the same passages in shards. */
void db_set_tiebreak(hsok_db_t *db);

/* The analyzer of db, created on first use. NULL on failure (errmsg set). */
hsok_analyzer_t *db_analyzer(hsok_db_t *db, char **errmsg);

/* A stored passage decoded from a document's data; owns its strings. */
typedef struct db_rec {
    hsok_record_t pub;
    char *mem;            /* unescaped data block the strings point into */
    const char **themes;  /* pub.themes points here */
    hsok_tag_t *tags;     /* pub.tags points here */
    const char **evs;     /* evidence pointers of all tags */
    const char *filekey;  /* key of the file (XF term) */
    unsigned kind;        /* hsok_passage_kind_t */
    const char *own_section; /* the section as segmented; pub.section is the form's
                                question label when dbform.c set one ("fsection") */
} db_rec_t;

struct hsok_records {
    db_rec_t *recs;
    size_t n;
};

/* One key\tvalue line of a stored record, the value escaped. */
void db_rec_add_field(buf_t *b, const char *key, const char *val);
/* The key\tvalue line of stored data at *p (before end; the value escaped as
 * db_rec_add_field writes it), unescaped into *w: *key and *val point there, NUL-terminated;
 * *p moves past the line, *w past what was written: no more than the line with its newline,
 * or one byte more for a last line without one (so len + 1 bytes hold all of data[0..len)). */
void db_field_next(const char **p, const char *end, char **w, const char **key, char **val);
/* Encode the stored form of a passage (key\tvalue lines, escaped) into out. */
void db_rec_encode(buf_t *out, const hsok_record_t *rec, unsigned kind, const char *filekey);

/* Build the Xapian document of a passage: its terms, values, data and, if cb is not NULL, its
 * themes (rec's themes/tags are ignored and replaced by a fresh tagging). *out is freed with
 * xap_doc_free. Words are not added to the spelling table. */
hsok_status_t db_build_doc(hsok_db_t *db, const hsok_record_t *rec, unsigned kind,
                           const char *filekey, const hsok_codebook_t *cb,
                           const hsok_tagging_t *tagged, xap_doc_t **out, char **errmsg);

/* The form key of a passage's text (dbform.c): the hex hash of its normalised text
 * (formtext.h), "" when it has fewer than three words. */
void db_form_key(const char *text, char out[17]);

/* The search collapse key (SLOT_DUP) of a passage of respondent with text: 16 hex digits. */
void db_dup_key(const char *respondent, const char *text, char out[17]);

/* Load the compound lexicon for indexing (once per handle). */
hsok_status_t db_need_lexicon(hsok_db_t *db, char **errmsg);

/* Indexing: the lemmatizer with hunspell's dictionaries and the variant table ($HSOK_VARIANTS,
 * ./data/nb-nn.tsv, the installed or the source tree's data/nb-nn.tsv) on the analyzer, the
 * table stored in the index (once per handle). */
hsok_status_t db_need_lemmas(hsok_db_t *db, char **errmsg);
/* Indexing: store the lemmas of words seen since the last call (inside the transaction). */
hsok_status_t db_store_lemmas(hsok_db_t *db, char **errmsg);
/* Querying: lemmas and variant concepts of the normalised word w[0..n) as the index knows
 * them, appended to the NUL-separated lists; loads the dictionaries (if may_load) only for a
 * word the index has neither as a word nor as a lemma nor as a regular inflection of one.
 * An index that cannot be read is an error. */
hsok_status_t db_word_forms(hsok_db_t *db, const char *w, size_t n, int may_load,
                            buf_t *lemmas, buf_t *variants, char **errmsg);

/* Searching: the lemmatizer a highlighter puts on the analyzer, so that a passage's words
 * carry the lemmas the index stored for them and the variants of those from the index's
 * table: the same L and V terms they were indexed under, without the dictionaries. Created on
 * first use, owned by db. NULL with HSOK_OK when the index has no lemmas. */
hsok_status_t db_stored_lemmatizer(hsok_db_t *db, struct hsok_lemmatizer **out,
                                   char **errmsg);

/* Store the codebook's themes and fingerprint in the index metadata. */
hsok_status_t db_store_codebook(hsok_db_t *db, const hsok_codebook_t *cb, char **errmsg);
/* Decode data[0..len) into rec (caller calls db_rec_clear). -1 on out of memory. */
int db_rec_decode(const char *data, size_t len, db_rec_t *rec);
/* db_rec_decode for a passage read from db: a document without a record (no id: its data
 * was lost with a damaged table) is HSOK_ERR_DB "index 'x' is damaged: ...", out of memory
 * HSOK_ERR_NOMEM. On success the caller calls db_rec_clear. */
hsok_status_t db_rec_load(const hsok_db_t *db, const char *data, size_t len, db_rec_t *rec,
                          char **errmsg);
void db_rec_clear(db_rec_t *rec);
/* Copy a decoded record's public part into dst with strings owned by `strings` arena-like
 * block: used by results. */

/* Normalise a respondent or filter value for XR terms: NFC, case fold, collapsed spaces.
 * malloc'd; NULL on failure. */
char *db_norm_name(const char *s);

#endif
