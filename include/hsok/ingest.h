/* ingest.h — a source file becomes clean UTF-8 text.
 *
 * Reads the whole file, strips a UTF-8 BOM, turns CRLF and lone CR into LF, and decodes:
 * valid UTF-8 is kept as is; otherwise, if the bytes read as Windows-1252 (a superset of the
 * printable ISO-8859-1 range) without undefined bytes, they are transcoded to UTF-8 and the
 * encoding is reported; otherwise the file is refused with HSOK_ERR_ENCODING and a message
 * naming the file and the byte offset. NUL bytes make a file binary: refused the same way.
 */
#ifndef HSOK_INGEST_H
#define HSOK_INGEST_H

#include <stddef.h>

#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hsok_encoding {
    HSOK_ENC_UTF8,
    HSOK_ENC_UTF8_BOM,
    HSOK_ENC_CP1252 /* Windows-1252 / ISO-8859-1, transcoded */
} hsok_encoding_t;

typedef struct hsok_source {
    char *text;        /* clean UTF-8, LF line ends, NUL-terminated; owned by the struct */
    size_t len;
    hsok_encoding_t encoding;
    int had_crlf;      /* nonzero if CR line ends were converted */
} hsok_source_t;

/* Decode bytes[0..len) into src (caller calls hsok_source_clear). `name` is used in messages. */
hsok_status_t hsok_source_decode(const char *name, const char *bytes, size_t len,
                                 hsok_source_t *src, char **errmsg);

/* Read and decode the file at path. Errors name the path: "cannot open 'x': ...". */
hsok_status_t hsok_source_read(const char *path, hsok_source_t *src, char **errmsg);

/* Free what src owns and zero it. */
void hsok_source_clear(hsok_source_t *src);

/* Name of an encoding: "utf-8", "utf-8 with bom", "windows-1252". Static. */
const char *hsok_encoding_name(hsok_encoding_t enc);

#ifdef __cplusplus
}
#endif
#endif
