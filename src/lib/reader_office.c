/* reader_office.c — Word .docx and OpenDocument .odt (reader_internal.h). Not built yet. */
#include "reader_internal.h"

hsok_status_t hsok_read_docx(const char *name, const char *bytes, size_t len,
                             hsok_document_t *doc, char **errmsg)
{
    (void)bytes, (void)len, (void)doc;
    return hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED,
                       "'%s': a Word document; hsok does not read .docx yet: save it as plain "
                       "text (UTF-8) first", name);
}

hsok_status_t hsok_read_odt(const char *name, const char *bytes, size_t len,
                            hsok_document_t *doc, char **errmsg)
{
    (void)bytes, (void)len, (void)doc;
    return hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED,
                       "'%s': an OpenDocument text; hsok does not read .odt yet: save it as "
                       "plain text (UTF-8) first", name);
}
