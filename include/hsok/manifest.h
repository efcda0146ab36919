/* manifest.h — a hearing's list of responses: which file is whose, and of what type.
 *
 * `hsok index --manifest FILE.csv` reads a CSV file (RFC 4180: fields in double quotes may
 * hold the separator, line breaks and "" for a quote; UTF-8, a byte order mark is skipped)
 * with a header row naming the columns file, respondent and type (any order, any case; other
 * columns are ignored; an optional column url gives the original document's address, which
 * `hsok export --manifest` links the report's citations to). The separator is ',' or ';'
 * (as Norwegian Excel writes it): the one the header row uses. A row's respondent or type
 * may be empty (then hsok detects it).
 */
#ifndef HSOK_MANIFEST_H
#define HSOK_MANIFEST_H

#include <stddef.h>

#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hsok_manifest_row {
    const char *file;       /* as written: a path relative to the manifest's folder */
    const char *respondent; /* "" when the cell is empty */
    const char *type;       /* a type hsok_respondent_type_name knows, or NULL when empty */
    const char *url;        /* the url cell, "" when empty or there is no such column */
    unsigned line;          /* the line of the manifest where the row starts, from 1 */
} hsok_manifest_row_t;

typedef struct hsok_manifest hsok_manifest_t;

/* Parse text[0..len); `name` is used in messages. Errors (HSOK_ERR_PARSE, naming the line:
 * "'m.csv' line 4: ..."): no header row or no file/respondent/type column in it, a quote
 * left open, text after a closing quote, a row with more fields than the header, an empty
 * file cell, the same file on two rows, an unknown type; HSOK_ERR_ENCODING for text that is
 * not UTF-8. Free *out with hsok_manifest_free. */
hsok_status_t hsok_manifest_parse(const char *name, const char *text, size_t len,
                                  hsok_manifest_t **out, char **errmsg);

/* Read the regular file at path (at most 16 MiB) and parse it. */
hsok_status_t hsok_manifest_load(const char *path, hsok_manifest_t **out, char **errmsg);

size_t hsok_manifest_count(const hsok_manifest_t *m);
const hsok_manifest_row_t *hsok_manifest_row(const hsok_manifest_t *m, size_t i);
void hsok_manifest_free(hsok_manifest_t *m);

#ifdef __cplusplus
}
#endif
#endif
