/* reader_pdf.c — PDF files (reader_internal.h). Not built yet: the "pdf" work replaces this. */
#include "reader_internal.h"

hsok_status_t hsok_read_pdf(const char *name, const char *bytes, size_t len,
                            hsok_document_t *doc, char **errmsg)
{
    (void)bytes, (void)len, (void)doc;
    return hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED,
                       "'%s': a PDF file; hsok does not read PDF yet: extract the text first "
                       "(pdftotext FILE.pdf FILE.txt)", name);
}
