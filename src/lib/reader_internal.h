/* reader_internal.h — the format readers behind hsok_document_read (reader.h).
 *
 * Each reader fills doc (text, pages, hints, sender, warnings) from bytes[0..len) of the file
 * `name`, or returns a status with a message naming the file. doc is zeroed on entry. */
#ifndef HSOK_READER_INTERNAL_H
#define HSOK_READER_INTERNAL_H

#include "buf.h"
#include "hsok/reader.h"

hsok_status_t hsok_read_pdf(const char *name, const char *bytes, size_t len,
                            hsok_document_t *doc, char **errmsg);     /* reader_pdf.c */
hsok_status_t hsok_read_docx(const char *name, const char *bytes, size_t len,
                             hsok_document_t *doc, char **errmsg);    /* reader_office.c */
hsok_status_t hsok_read_odt(const char *name, const char *bytes, size_t len,
                            hsok_document_t *doc, char **errmsg);     /* reader_office.c */
hsok_status_t hsok_read_eml(const char *name, const char *bytes, size_t len,
                            hsok_document_t *doc, char **errmsg);     /* reader_eml.c */

/* The text of the HTML document html[0..len) (UTF-8; an e-mail body) appended to out as
 * paragraphs with a blank line between them; headings, list items and table rows get hints in
 * doc by their offset in out. reader_office.c, which holds every use of libxml2. */
hsok_status_t hsok_html_text(const char *name, const char *html, size_t len, buf_t *out,
                             hsok_document_t *doc, char **errmsg);

/* Add a warning line to doc (formatted). 0 on success, -1 out of memory. */
int hsok_document_warn(hsok_document_t *doc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Add a hint for the line starting at `offset`. 0 on success, -1 out of memory. */
int hsok_document_hint(hsok_document_t *doc, size_t offset, hsok_hint_kind_t kind,
                       unsigned level);

#endif
