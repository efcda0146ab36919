/* reader_eml.c — e-mail messages (reader_internal.h). Not built yet. */
#include "reader_internal.h"

hsok_status_t hsok_read_eml(const char *name, const char *bytes, size_t len,
                            hsok_document_t *doc, char **errmsg)
{
    (void)bytes, (void)len, (void)doc;
    return hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED,
                       "'%s': an e-mail; hsok does not read .eml yet: save the message as plain "
                       "text (UTF-8) first", name);
}
