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
    size_t uncommitted; /* source bytes indexed since the last commit */
    size_t uncommitted_files;
};

/* The analyzer of db, created on first use. NULL on failure (errmsg set). */
hsok_analyzer_t *db_analyzer(hsok_db_t *db, char **errmsg);

/* A stored passage decoded from a document's data; owns its strings. */
typedef struct db_rec {
    hsok_record_t pub;
    char *mem;            /* unescaped data block the strings point into */
    const char **themes;  /* pub.themes points here */
} db_rec_t;

/* Encode the stored form of a passage (key\tvalue lines, escaped) into out. */
void db_rec_encode(buf_t *out, const hsok_record_t *rec, unsigned kind, int question_no,
                   int goal_no);
/* Decode data[0..len) into rec (caller calls db_rec_clear). -1 on out of memory. */
int db_rec_decode(const char *data, size_t len, db_rec_t *rec);
void db_rec_clear(db_rec_t *rec);
/* Copy a decoded record's public part into dst with strings owned by `strings` arena-like
 * block: used by results. */

/* Normalise a respondent or filter value for XR terms: NFC, case fold, collapsed spaces.
 * malloc'd; NULL on failure. */
char *db_norm_name(const char *s);

#endif
