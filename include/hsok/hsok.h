/* hsok.h — status codes and version of libhsok.
 *
 * The pipeline, one header per stage:
 *   ingest.h   file → clean UTF-8 text (encoding detection, BOM, CRLF)
 *   segment.h  clean text → reflowed passages with respondent and section
 *   text.h     text → tokens (normalise, stopwords, stem): shared by indexing and querying
 *   db.h       passages → Xapian index; stats; passages by id
 *   query.h    query string → query; search → ranked hits with snippets
 *
 * Conventions: functions return hsok_status_t; constructors hand the object out through a
 * pointer; a `char **errmsg` out-parameter, when given and an error occurs, receives a
 * malloc'd one-line message (lowercase, no full stop) that the caller frees. The library
 * never prints and never exits.
 */
#ifndef HSOK_HSOK_H
#define HSOK_HSOK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hsok_status {
    HSOK_OK = 0,
    HSOK_ERR_NOMEM,     /* out of memory */
    HSOK_ERR_IO,        /* cannot read or write a file */
    HSOK_ERR_ENCODING,  /* input is in no supported encoding */
    HSOK_ERR_PARSE,     /* malformed input file (sidecar, theme file) */
    HSOK_ERR_QUERY,     /* malformed query */
    HSOK_ERR_NOT_FOUND, /* no such passage, index or file */
    HSOK_ERR_LOCKED,    /* index is locked by another writer */
    HSOK_ERR_DB,        /* any other index error */
    HSOK_ERR_INVALID,   /* invalid argument */
    HSOK_ERR_EMPTY,     /* input holds no text */
    HSOK_ERR_NOT_REGULAR, /* a FIFO, device, socket or directory where a file is read: skipped */
    HSOK_ERR_TOO_LARGE, /* a file over the size limit of its reader: skipped */
    HSOK_ERR_NO_TEXT,   /* a document without text (image-only or encrypted PDF): skipped */
    HSOK_ERR_UNSUPPORTED /* a format hsok does not read (.doc, .rtf, .msg): skipped */
} hsok_status_t;

/* A short, static description of a status ("out of memory"). Never NULL. */
const char *hsok_status_str(hsok_status_t st);

/* A marked stretch text[start, end) of a text, in bytes: a highlighted word of a search
 * snippet (query.h), a tag's evidence in a passage (themes.h). */
typedef struct hsok_span {
    size_t start, end;
} hsok_span_t;

/* The library version, e.g. "0.1.0". Static. */
const char *hsok_version(void);

#ifdef __cplusplus
}
#endif
#endif
