/* reader.c — the format of a response file, and the dispatch to its reader (reader.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "reader_internal.h"

const char *hsok_format_name(hsok_format_t f)
{
    switch (f) {
    case HSOK_FORMAT_TEXT: return "text";
    case HSOK_FORMAT_PDF: return "pdf";
    case HSOK_FORMAT_DOCX: return "docx";
    case HSOK_FORMAT_ODT: return "odt";
    case HSOK_FORMAT_EML: return "eml";
    case HSOK_FORMAT_OTHER: return "other";
    }
    return "other";
}

static int ends_with(const char *name, const char *ext)
{
    size_t n = name ? strlen(name) : 0, e = strlen(ext);
    return n >= e && strcasecmp(name + n - e, ext) == 0;
}

/* Whether bytes[0..len) hold needle[0..e) (e > 0). */
static int holds(const char *bytes, size_t len, const char *needle, size_t e)
{
    for (size_t i = 0; i + e <= len; i++) {
        const char *p = memchr(bytes + i, needle[0], len - i);
        if (!p || (size_t)(p - bytes) + e > len)
            return 0;
        i = (size_t)(p - bytes);
        if (memcmp(p, needle, e) == 0)
            return 1;
    }
    return 0;
}

/* Whether the zip archive bytes[0..len) names `entry` in its local headers or directory. */
static int zip_names(const char *bytes, size_t len, const char *entry)
{
    return holds(bytes, len, entry, strlen(entry));
}

/* Whether text starts with an e-mail header block: "Name: value" lines that include From: or
 * Received: or Message-ID:, before the first blank line. */
static int looks_like_mail(const char *bytes, size_t len)
{
    size_t i = 0, lines = 0;
    int known = 0;
    while (i < len && lines < 200) {
        const char *nl = memchr(bytes + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - bytes) : len;
        size_t n = end - i;
        if (n && bytes[end - 1] == '\r')
            n--;
        if (n == 0)
            break;
        const char *l = bytes + i;
        if (l[0] != ' ' && l[0] != '\t') {
            const char *colon = memchr(l, ':', n);
            if (!colon || colon == l)
                return 0;
            for (const char *c = l; c < colon; c++)
                if (*c == ' ' || (unsigned char)*c < 33 || (unsigned char)*c > 126)
                    return 0;
            size_t k = (size_t)(colon - l);
            if ((k == 4 && !strncasecmp(l, "from", 4)) || (k == 8 && !strncasecmp(l, "received", 8))
                || (k == 10 && !strncasecmp(l, "message-id", 10))
                || (k == 12 && !strncasecmp(l, "mime-version", 12)))
                known = 1;
        }
        lines++;
        i = end + 1;
    }
    return known && lines >= 2;
}

hsok_format_t hsok_format_of(const char *name, const char *bytes, size_t len)
{
    if (bytes && len >= 5 && memcmp(bytes, "%PDF-", 5) == 0)
        return HSOK_FORMAT_PDF;
    if (bytes && len >= 4 && memcmp(bytes, "PK\x03\x04", 4) == 0) {
        if (zip_names(bytes, len, "application/vnd.oasis.opendocument.text"))
            return HSOK_FORMAT_ODT;
        if (zip_names(bytes, len, "word/document.xml"))
            return HSOK_FORMAT_DOCX;
        return HSOK_FORMAT_OTHER;
    }
    if (bytes && len >= 8 && memcmp(bytes, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
        return HSOK_FORMAT_OTHER; /* OLE2: .doc, .msg */
    if (bytes && len >= 5 && memcmp(bytes, "{\\rtf", 5) == 0)
        return HSOK_FORMAT_OTHER;
    /* a header block makes an e-mail of any file but a .txt (text that quotes one) */
    if (bytes && !ends_with(name, ".txt") && looks_like_mail(bytes, len))
        return HSOK_FORMAT_EML;
    return HSOK_FORMAT_TEXT;
}

/* What to tell about a format hsok does not read. */
static hsok_status_t unsupported(const char *name, const char *bytes, size_t len, char **errmsg)
{
    if (len >= 8 && memcmp(bytes, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0) {
        /* a password-protected .docx/.odt is an OLE2 file holding the stream
         * "EncryptedPackage" (names in UTF-16LE) */
        static const char enc[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
        if (holds(bytes, len, enc, sizeof enc - 1))
            return hsok_seterr(errmsg, HSOK_ERR_NO_TEXT,
                               "'%s': encrypted (a Word or OpenDocument file); needs its "
                               "password: save it without one first", name);
        if (ends_with(name, ".msg"))
            return hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED,
                               "'%s': an Outlook message; hsok does not read .msg: save it as "
                               ".eml or as plain text (UTF-8) first", name);
        return hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED,
                           "'%s': an old Word document (.doc); hsok does not read it: convert it "
                           "(libreoffice --headless --convert-to docx FILE.doc)", name);
    }
    if (len >= 5 && memcmp(bytes, "{\\rtf", 5) == 0)
        return hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED,
                           "'%s': an RTF document; hsok does not read it: convert it "
                           "(libreoffice --headless --convert-to docx FILE.rtf)", name);
    return hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED,
                       "'%s': a zip archive but not a Word (.docx) or OpenDocument (.odt) text; "
                       "hsok does not read it", name);
}

hsok_status_t hsok_document_read(const char *name, const char *bytes, size_t len,
                                 hsok_document_t *doc, char **errmsg)
{
    memset(doc, 0, sizeof *doc);
    if (!name)
        name = "(input)";
    if (!bytes && len)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "'%s': no input", name);
    hsok_format_t f = hsok_format_of(name, bytes, len);
    doc->format = f;
    switch (f) {
    case HSOK_FORMAT_PDF: return hsok_read_pdf(name, bytes, len, doc, errmsg);
    case HSOK_FORMAT_DOCX: return hsok_read_docx(name, bytes, len, doc, errmsg);
    case HSOK_FORMAT_ODT: return hsok_read_odt(name, bytes, len, doc, errmsg);
    case HSOK_FORMAT_EML: return hsok_read_eml(name, bytes, len, doc, errmsg);
    case HSOK_FORMAT_OTHER: return unsupported(name, bytes, len, errmsg);
    case HSOK_FORMAT_TEXT: break;
    }
    return hsok_source_decode(name, bytes, len, &doc->src, errmsg);
}

void hsok_document_clear(hsok_document_t *doc)
{
    if (!doc)
        return;
    hsok_source_clear(&doc->src);
    free(doc->hints);
    free(doc->sender);
    for (size_t i = 0; i < doc->nwarnings; i++)
        free(doc->warnings[i]);
    free(doc->warnings);
    memset(doc, 0, sizeof *doc);
}

int hsok_document_warn(hsok_document_t *doc, const char *fmt, ...)
{
    buf_t b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    char **w = b.err ? NULL : realloc(doc->warnings, (doc->nwarnings + 1) * sizeof *w);
    if (!w) {
        buf_free(&b);
        return -1;
    }
    doc->warnings = w;
    w[doc->nwarnings++] = b.data;
    return 0;
}

int hsok_document_hint(hsok_document_t *doc, size_t offset, hsok_hint_kind_t kind,
                       unsigned level)
{
    hsok_hint_t *h = realloc(doc->hints, (doc->nhints + 1) * sizeof *h);
    if (!h)
        return -1;
    doc->hints = h;
    h[doc->nhints].offset = offset;
    h[doc->nhints].kind = (unsigned char)kind;
    h[doc->nhints].level = (unsigned char)(level > 255 ? 255 : level);
    doc->nhints++;
    return 0;
}
