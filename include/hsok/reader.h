/* reader.h — a response file of any supported format becomes text for the segmenter.
 *
 * One reader per format (text, PDF, Word .docx, OpenDocument .odt, e-mail .eml) yields the same
 * thing: clean UTF-8 text with LF line ends (as ingest.h gives for text), page breaks, and
 * structure hints. The segmenter does not need to know where the text came from.
 *
 *  - Pages: a form feed '\f' at the start of a line starts the next page (as pdftotext writes
 *    it); the text before the first '\f' is page 1. `pages` is the number of pages of a paged
 *    format (PDF), 0 for formats without pages (text, docx, odt, eml); a .txt file that holds
 *    form feeds (pdftotext output) is paged the same way by the segmenter.
 *  - Hints: what the format knows for certain about a line ("this is a heading of level 2",
 *    "a list item", "a table row"), by the byte offset of the line's first character. Sorted by
 *    offset, at most one per line. The segmenter trusts a hint over its own guess.
 *  - The format is told by content (magic bytes, the zip's mimetype or [Content_Types].xml, an
 *    e-mail's header block), then by the file name's extension.
 *
 * Documents that hold no text (an image-only or encrypted PDF) give HSOK_ERR_NO_TEXT with a
 * message that names the file and says why ("'x.pdf': no text layer; needs OCR"): the caller
 * counts such a file as skipped. Damaged files give HSOK_ERR_PARSE naming the file.
 */
#ifndef HSOK_READER_H
#define HSOK_READER_H

#include <stddef.h>

#include "hsok/hsok.h"
#include "hsok/ingest.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hsok_format {
    HSOK_FORMAT_TEXT,
    HSOK_FORMAT_PDF,
    HSOK_FORMAT_DOCX,
    HSOK_FORMAT_ODT,
    HSOK_FORMAT_EML,
    HSOK_FORMAT_OTHER /* a format hsok does not read (.doc, .rtf, .msg, other zip files ...) */
} hsok_format_t;

typedef enum hsok_hint_kind {
    HSOK_HINT_HEADING = 1, /* level 1.. in `level` */
    HSOK_HINT_LIST_ITEM,
    HSOK_HINT_TABLE_ROW
} hsok_hint_kind_t;

typedef struct hsok_hint {
    size_t offset;      /* byte offset in text of the first character of the line */
    unsigned char kind; /* hsok_hint_kind_t */
    unsigned char level;
} hsok_hint_t;

typedef struct hsok_document {
    hsok_source_t src;     /* the text (see ingest.h); its encoding fields for text files */
    hsok_format_t format;
    unsigned pages;        /* pages of a paged format, 0 otherwise */
    hsok_hint_t *hints;    /* sorted by offset; owned */
    size_t nhints;
    char *sender;          /* e-mail: the sender ("Name <addr>" as in From:), else NULL; owned */
    char **warnings;       /* what the reader could not read but went on without, one line each
                            * without the file name ("page 3: no text layer; needs OCR"); owned */
    size_t nwarnings;
} hsok_document_t;

/* The format of bytes[0..len) named `name` (its extension is used when content does not tell). */
hsok_format_t hsok_format_of(const char *name, const char *bytes, size_t len);

/* "text", "pdf", "docx", "odt", "eml", "other". Static. */
const char *hsok_format_name(hsok_format_t f);

/* Read bytes[0..len) of the file `name` into doc (caller calls hsok_document_clear, also on
 * error). Text goes through hsok_source_decode. */
hsok_status_t hsok_document_read(const char *name, const char *bytes, size_t len,
                                 hsok_document_t *doc, char **errmsg);

/* The name in an e-mail sender "Name <addr>" (doc->sender): "Name", the address when it has
 * no name. malloc'd (caller frees); NULL for NULL or out of memory. */
char *hsok_sender_name(const char *sender);

/* Free what doc owns and zero it. */
void hsok_document_clear(hsok_document_t *doc);

#ifdef __cplusplus
}
#endif
#endif
