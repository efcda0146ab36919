/* ingest.h — a source file becomes clean UTF-8 text.
 *
 * Reads the whole file, strips a UTF-8 BOM, turns CRLF and lone CR into LF, and decodes:
 *  - valid UTF-8 is kept as is;
 *  - UTF-8 with a few invalid bytes (no more of them than valid multi-byte characters, or any
 *    number after a UTF-8 BOM) stays UTF-8: each maximal invalid sequence becomes U+FFFD, and
 *    the count and the offset of the first are reported (invalid_bytes, first_invalid) so the
 *    caller can warn;
 *  - otherwise, if the bytes read as Windows-1252 (a superset of the printable ISO-8859-1
 *    range) without undefined bytes, they are transcoded to UTF-8 and the encoding is
 *    reported;
 *  - otherwise the file is refused with HSOK_ERR_ENCODING and a message naming the file and
 *    the byte offset.
 * UTF-16 and UTF-32 (LE or BE, with a byte order mark or without: then told by the pattern of
 * nul bytes) are refused with a message naming the encoding and the iconv command that
 * converts it; other nul bytes make a file binary, refused the same way. So are PDF files and
 * zip archives (.docx, .odt).
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
    size_t invalid_bytes; /* UTF-8: bytes that were not UTF-8 and were replaced by U+FFFD */
    size_t first_invalid; /* the offset in the file of the first of them (if invalid_bytes) */
} hsok_source_t;

/* Decode bytes[0..len) into src (caller calls hsok_source_clear). `name` is used in messages. */
hsok_status_t hsok_source_decode(const char *name, const char *bytes, size_t len,
                                 hsok_source_t *src, char **errmsg);

/* The default size limit of a source file: 64 MiB (`hsok index --max-size` changes it). */
#define HSOK_MAX_SOURCE_BYTES ((size_t)64 << 20)
/* The size limit of small control files: sidecars (.meta) and theme files (.theme). */
#define HSOK_MAX_CONTROL_BYTES ((size_t)1 << 20)

/* Read the regular file at path, whole, without ever blocking on it: the only way libhsok
 * reads a file a user names (sources, sidecars, theme files, word lists).
 *
 * The file is opened O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC and checked with fstat (after a
 * stat, so that a device is not even opened). What is not a regular file gives
 * HSOK_ERR_NOT_REGULAR, "'x': a FIFO, not a regular file" (a FIFO, a character device, a
 * block device, a socket, a directory). A file over max bytes, or one that grows past max
 * while it is read, gives HSOK_ERR_TOO_LARGE, "'x': larger than the 64 MB limit"; nothing
 * more than max + 1 bytes is ever held. A missing file gives HSOK_ERR_NOT_FOUND, other
 * failures HSOK_ERR_IO ("cannot open 'x': permission denied").
 *
 * On success *data is a malloc'd copy of the bytes with a NUL after the last one (the caller
 * frees it) and *len their number; on error *data is NULL. */
hsok_status_t hsok_read_regular_file(const char *path, size_t max, char **data, size_t *len,
                                     char **errmsg);

/* "a FIFO", "a character device", "a block device", "a socket", "a directory", "a symbolic
 * link" or "not a regular file" for a st_mode that is not S_ISREG; "a regular file" for one
 * that is. Static. */
const char *hsok_file_type_name(unsigned mode);

/* "64 MB", "512 KB", "1000 bytes": a size limit as messages write it, into out[0..n). */
void hsok_format_size(size_t bytes, char *out, size_t n);

/* Read (hsok_read_regular_file, at most HSOK_MAX_SOURCE_BYTES) and decode the file at path.
 * Errors name the path: "cannot open 'x': ...". */
hsok_status_t hsok_source_read(const char *path, hsok_source_t *src, char **errmsg);

/* Free what src owns and zero it. */
void hsok_source_clear(hsok_source_t *src);

/* Name of an encoding: "utf-8", "utf-8 with bom", "windows-1252". Static. */
const char *hsok_encoding_name(hsok_encoding_t enc);

#ifdef __cplusplus
}
#endif
#endif
