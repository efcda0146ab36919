/* reader_eml.c — e-mail messages, RFC 5322 and MIME (reader_internal.h).
 *
 * The text is the subject ("Emne: …", a header field the segmenter leaves out of the passages
 * but reads for the respondent, "Emne: Høringssvar fra X"), then the body: the text/plain parts,
 * or the text/html parts stripped of their tags when there is no text/plain one, then each
 * attachment hsok reads (PDF, Word, OpenDocument, plain text) under a heading with its file
 * name. doc->sender is the From: field ("Name <addr>"). Headers are unfolded and their RFC 2047
 * encoded-words decoded; bodies are decoded from quoted-printable and base64 and transcoded
 * from their charset (any iconv knows; an unknown one is read as UTF-8 or Windows-1252 with a
 * warning). What is not read (an .xlsx, a nested message too deep) is a warning, never an
 * error.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hsok/text.h"
#include "reader_internal.h"

#define MIME_DEPTH_MAX 16 /* multiparts inside multiparts */
#define MIME_PARTS_MAX 1000

typedef struct attachment {
    char *file;  /* its file name (decoded), or "" */
    char *data;  /* decoded bytes */
    size_t len;
} attachment_t;

typedef struct eml {
    const char *name;
    hsok_document_t *doc;
    buf_t plain;        /* the text/plain parts, UTF-8, a blank line between them */
    buf_t html;         /* the text/html parts, UTF-8 */
    attachment_t *att;
    size_t natt;
    size_t parts;
    int err;            /* out of memory */
} eml_t;

/* ---------------------------------------------------------------------------------------- */
/* charsets                                                                                 */

static int is_utf8_name(const char *cs)
{
    return !strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8") || !strcasecmp(cs, "us-ascii") ||
           !strcasecmp(cs, "ascii");
}

/* s[0..n) in charset cs appended to out as UTF-8. Latin-1 is read as Windows-1252, which mail
 * programs write under that name; a byte the charset does not have becomes U+FFFD. -1 when
 * iconv does not know cs (nothing appended). */
static int to_utf8(const char *cs, const char *s, size_t n, buf_t *out)
{
    if (!cs || !*cs || is_utf8_name(cs)) {
        buf_add(out, s, n);
        return 0;
    }
    const char *from = cs;
    if (!strcasecmp(cs, "iso-8859-1") || !strcasecmp(cs, "latin1") ||
        !strcasecmp(cs, "iso8859-1") || !strcasecmp(cs, "iso_8859-1"))
        from = "WINDOWS-1252";
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return -1;
    char *in = (char *)s;
    size_t left = n;
    while (left > 0 && !out->err) {
        if (buf_grow(out, left * 4 + 16))
            break;
        char *o = out->data + out->len;
        size_t room = out->cap - out->len - 1, before = room;
        size_t r = iconv(cd, &in, &left, &o, &room);
        out->len += before - room;
        out->data[out->len] = '\0';
        if (r == (size_t)-1 && (errno == EILSEQ || errno == EINVAL)) {
            buf_addstr(out, "\xef\xbf\xbd");
            in++;
            left--;
        }
    }
    iconv(cd, NULL, NULL, NULL, NULL);
    iconv_close(cd);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* transfer encodings                                                                       */

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Quoted-printable s[0..n) decoded into out; q: the "Q" encoding of RFC 2047 ('_' a space). */
static void qp_decode(const char *s, size_t n, buf_t *out, int q)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '=' && i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
            i++; /* a soft line break */
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
                i++;
        } else if (c == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            buf_addch(out, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
        } else if (q && c == '_') {
            buf_addch(out, ' ');
        } else {
            buf_addch(out, c);
        }
    }
}

static int b64val(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A'
         : c >= 'a' && c <= 'z' ? c - 'a' + 26
         : c >= '0' && c <= '9' ? c - '0' + 52
         : c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Base64 s[0..n) decoded into out; characters outside the alphabet are passed over. */
static void b64_decode(const char *s, size_t n, buf_t *out)
{
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=')
            break;
        int v = b64val((unsigned char)s[i]);
        if (v < 0)
            continue;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_addch(out, (char)((acc >> bits) & 0xFF));
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* header fields                                                                            */

/* End of the header block of s[0..n): *body gets the offset of the body (n if none). */
static size_t header_end(const char *s, size_t n, size_t *body)
{
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        size_t l = e - i - (e > i && s[e - 1] == '\r');
        if (l == 0) {
            *body = nl ? e + 1 : n;
            return i;
        }
        i = e + 1;
    }
    *body = n;
    return n;
}

/* The value of the first header field `field` in h[0..hn), unfolded and trimmed; malloc'd,
 * NULL if there is none (or out of memory). */
static char *header_get(const char *h, size_t hn, const char *field)
{
    size_t fl = strlen(field);
    for (size_t i = 0; i < hn;) {
        const char *nl = memchr(h + i, '\n', hn - i);
        size_t e = nl ? (size_t)(nl - h) : hn;
        if (e - i > fl && h[i + fl] == ':' && !strncasecmp(h + i, field, fl)) {
            buf_t v = BUF_INIT;
            size_t a = i + fl + 1;
            for (;;) {
                size_t z = e;
                if (z > a && h[z - 1] == '\r')
                    z--;
                buf_add(&v, h + a, z - a);
                if (e >= hn || e + 1 >= hn || (h[e + 1] != ' ' && h[e + 1] != '\t'))
                    break;
                a = e + 1; /* a folded line: its whitespace stays */
                nl = memchr(h + a, '\n', hn - a);
                e = nl ? (size_t)(nl - h) : hn;
            }
            size_t s = 0, z = v.len;
            while (s < z && isspace((unsigned char)v.data[s]))
                s++;
            while (z > s && isspace((unsigned char)v.data[z - 1]))
                z--;
            char *r = v.err ? NULL : hsok_strndup(v.data + s, z - s);
            buf_free(&v);
            return r;
        }
        i = e + 1;
    }
    return NULL;
}

/* Bytes that are not UTF-8 read as Windows-1252; the result appended to out. */
static void add_raw(buf_t *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x80) {
            buf_addch(out, s[i++]);
            continue;
        }
        size_t k = hsok_utf8_next(s + i, n - i, NULL);
        if (k) {
            buf_add(out, s + i, k);
            i += k;
        } else {
            to_utf8("windows-1252", s + i, 1, out);
            i++;
        }
    }
}

/* RFC 2047 encoded-words in v decoded: "=?utf-8?Q?H=C3=B8ringssvar?=" is "Høringssvar".
 * Control characters become spaces. malloc'd, NULL out of memory. */
static char *decode_words(const char *v)
{
    buf_t out = BUF_INIT;
    size_t n = strlen(v), i = 0;
    int last_word = 0;
    while (i < n) {
        const char *w = strstr(v + i, "=?");
        size_t at = w ? (size_t)(w - v) : n;
        /* =?charset?X?text?= */
        const char *cs = w ? w + 2 : NULL;
        const char *q1 = cs ? strchr(cs, '?') : NULL;
        const char *q2 = q1 && q1[1] && q1[2] == '?' ? q1 + 2 : NULL;
        const char *end = q2 ? strstr(q2 + 1, "?=") : NULL;
        if (!end) {
            add_raw(&out, v + i, n - i);
            break;
        }
        /* the text before the word; whitespace between two words goes */
        int only_ws = 1;
        for (size_t k = i; k < at; k++)
            only_ws &= v[k] == ' ' || v[k] == '\t';
        if (!(last_word && only_ws))
            add_raw(&out, v + i, at - i);
        char charset[64];
        size_t cl = (size_t)(q1 - cs);
        snprintf(charset, sizeof charset, "%.*s", (int)(cl < 63 ? cl : 63), cs);
        char *star = strchr(charset, '*'); /* RFC 2231 language */
        if (star)
            *star = '\0';
        buf_t raw = BUF_INIT;
        if (q1[1] == 'Q' || q1[1] == 'q')
            qp_decode(q2 + 1, (size_t)(end - q2 - 1), &raw, 1);
        else if (q1[1] == 'B' || q1[1] == 'b')
            b64_decode(q2 + 1, (size_t)(end - q2 - 1), &raw);
        else
            buf_add(&raw, w, (size_t)(end + 2 - w));
        buf_t conv = BUF_INIT;
        if (to_utf8(charset, raw.data, raw.len, &conv) < 0)
            add_raw(&out, raw.data, raw.len);
        else
            add_raw(&out, conv.data, conv.len);
        if (raw.err || conv.err)
            out.err = 1;
        buf_free(&raw);
        buf_free(&conv);
        i = (size_t)(end + 2 - v);
        last_word = 1;
    }
    for (size_t k = 0; k < out.len; k++)
        if ((unsigned char)out.data[k] < 0x20 || out.data[k] == 0x7f)
            out.data[k] = ' ';
    char *r = out.err ? NULL : hsok_strndup(out.data, out.len);
    buf_free(&out);
    return r;
}

/* The parameter `key` of a Content-Type or Content-Disposition value v ("name", "filename",
 * "charset", "boundary"), with RFC 2231 continuations and charsets, and RFC 2047 words as
 * mail programs put them in quotes; malloc'd, NULL if absent. */
static char *param_get(const char *v, const char *key)
{
    buf_t out = BUF_INIT;
    int found = 0;
    char cs[64] = "";
    size_t kl = strlen(key);
    const char *p = strchr(v, ';');
    while (p) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        const char *eq = strchr(p, '=');
        if (!eq)
            break;
        const char *ke = eq;
        while (ke > p && (ke[-1] == ' ' || ke[-1] == '\t'))
            ke--;
        /* key, key*, key*N, key*N* */
        int ext = 0, match = 0;
        if ((size_t)(ke - p) >= kl && !strncasecmp(p, key, kl)) {
            const char *r = p + kl;
            if (r == ke)
                match = 1;
            else if (*r == '*') {
                r++;
                while (r < ke && isdigit((unsigned char)*r))
                    r++;
                if (r < ke && *r == '*')
                    r++, ext = 1;
                else if (r == p + kl + 1)
                    ext = 1; /* key*= */
                match = r == ke;
            }
        }
        const char *s = eq + 1;
        while (*s == ' ' || *s == '\t')
            s++;
        buf_t val = BUF_INIT;
        if (*s == '"') {
            for (s++; *s && *s != '"'; s++) {
                if (*s == '\\' && s[1])
                    s++;
                buf_addch(&val, *s);
            }
            if (*s == '"')
                s++;
        } else {
            const char *e = s;
            while (*e && *e != ';' && *e != ' ' && *e != '\t')
                e++;
            buf_add(&val, s, (size_t)(e - s));
            s = e;
        }
        if (match) {
            found = 1;
            const char *d = val.data;
            if (ext && !cs[0]) { /* charset'lang'%XX… */
                const char *a1 = strchr(d, '\''), *a2 = a1 ? strchr(a1 + 1, '\'') : NULL;
                if (a2) {
                    snprintf(cs, sizeof cs, "%.*s", (int)(a1 - d < 63 ? a1 - d : 63), d);
                    d = a2 + 1;
                }
            }
            if (ext) {
                for (; *d; d++) {
                    if (*d == '%' && hexval(d[1]) >= 0 && hexval(d[2]) >= 0) {
                        buf_addch(&out, (char)(hexval(d[1]) * 16 + hexval(d[2])));
                        d += 2;
                    } else {
                        buf_addch(&out, *d);
                    }
                }
            } else {
                buf_addstr(&out, d);
            }
        }
        buf_free(&val);
        p = strchr(s, ';');
    }
    char *r = NULL;
    if (found && !out.err) {
        buf_t conv = BUF_INIT;
        if (cs[0] && to_utf8(cs, out.data, out.len, &conv) == 0 && !conv.err)
            r = decode_words(conv.data);
        else
            r = decode_words(out.data);
        buf_free(&conv);
    }
    buf_free(&out);
    return r;
}

/* The media type of a Content-Type value, lower case, into t. */
static void media_type(const char *v, char *t, size_t tn)
{
    size_t k = 0;
    while (v && v[k] && v[k] != ';' && !isspace((unsigned char)v[k]) && k + 1 < tn) {
        t[k] = (char)tolower((unsigned char)v[k]);
        k++;
    }
    t[k] = '\0';
}

/* ---------------------------------------------------------------------------------------- */
/* MIME parts                                                                               */

/* End the text in out for another paragraph to follow: trailing white space goes, then a
 * blank line (nothing when out is empty). */
static void end_para(buf_t *out)
{
    while (out->len && strchr(" \t\n", out->data[out->len - 1]))
        out->data[--out->len] = '\0';
    if (out->len)
        buf_addstr(out, "\n\n");
}

/* Text of a part in charset cs appended to out, with a blank line before it if out has text.
 * The text is cleaned as a text file is (line ends, stray bytes). */
static void add_part_text(eml_t *e, buf_t *out, const char *cs, const char *s, size_t n)
{
    buf_t conv = BUF_INIT;
    if (cs && *cs && to_utf8(cs, s, n, &conv) < 0) {
        if (hsok_document_warn(e->doc, "a part in the unknown charset '%s' read as UTF-8 or "
                               "Windows-1252", cs))
            e->err = 1;
        buf_add(&conv, s, n);
    } else if (!cs || !*cs) {
        buf_add(&conv, s, n);
    }
    if (conv.err) {
        e->err = 1;
        buf_free(&conv);
        return;
    }
    /* nul bytes and the like: not text; hsok_source_decode says which */
    for (size_t i = 0; i < conv.len; i++)
        if (conv.data[i] == '\0')
            conv.data[i] = ' ';
    hsok_source_t src = { 0 };
    char *msg = NULL;
    if (hsok_source_decode(e->name, conv.data, conv.len, &src, &msg) != HSOK_OK) {
        if (hsok_document_warn(e->doc, "a text part not read: %s", msg ? msg : "not text"))
            e->err = 1;
    } else if (src.len) {
        end_para(out);
        buf_add(out, src.text, src.len);
    }
    free(msg);
    hsok_source_clear(&src);
    buf_free(&conv);
}

static void walk_part(eml_t *e, const char *p, size_t n, int depth);

static void walk_multipart(eml_t *e, const char *body, size_t n, const char *boundary,
                           int depth)
{
    size_t bl = strlen(boundary);
    size_t start = 0;
    int in_part = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(body + i, '\n', n - i);
        size_t eol = nl ? (size_t)(nl - body) : n;
        size_t next = nl ? eol + 1 : n;
        if (eol - i >= bl + 2 && body[i] == '-' && body[i + 1] == '-' &&
            !memcmp(body + i + 2, boundary, bl)) {
            size_t k = i + 2 + bl;
            int close = k + 1 < eol && body[k] == '-' && body[k + 1] == '-';
            if (close)
                k += 2;
            int ok = 1;
            for (; k < eol; k++)
                ok &= body[k] == ' ' || body[k] == '\t' || body[k] == '\r';
            if (ok) {
                if (in_part) {
                    size_t end = i; /* the line break before the delimiter is its own */
                    if (end > start && body[end - 1] == '\n')
                        end--;
                    if (end > start && body[end - 1] == '\r')
                        end--;
                    walk_part(e, body + start, end > start ? end - start : 0, depth + 1);
                }
                if (close)
                    return;
                in_part = 1;
                start = next;
            }
        }
        i = next;
    }
    if (in_part && start < n) /* no closing delimiter: a cut-off message */
        walk_part(e, body + start, n - start, depth + 1);
}

static void walk_part(eml_t *e, const char *p, size_t n, int depth)
{
    if (e->err)
        return;
    if (++e->parts > MIME_PARTS_MAX) {
        if (e->parts == MIME_PARTS_MAX + 1 &&
            hsok_document_warn(e->doc, "more than %d MIME parts: the rest not read",
                               MIME_PARTS_MAX))
            e->err = 1;
        return;
    }
    size_t body = 0, hn = header_end(p, n, &body);
    char *ctype = header_get(p, hn, "Content-Type");
    char *cte = header_get(p, hn, "Content-Transfer-Encoding");
    char *disp = header_get(p, hn, "Content-Disposition");
    char type[100];
    media_type(ctype ? ctype : "text/plain", type, sizeof type);
    if (!type[0])
        strcpy(type, "text/plain");
    char *file = disp ? param_get(disp, "filename") : NULL;
    if (!file && ctype)
        file = param_get(ctype, "name");
    int attached = disp && !strncasecmp(disp, "attachment", 10);
    buf_t data = BUF_INIT;

    if (!strncmp(type, "multipart/", 10)) {
        char *boundary = ctype ? param_get(ctype, "boundary") : NULL;
        if (depth >= MIME_DEPTH_MAX) {
            if (hsok_document_warn(e->doc, "MIME parts nested more than %d deep not read",
                                   MIME_DEPTH_MAX))
                e->err = 1;
        } else if (boundary && *boundary) {
            walk_multipart(e, p + body, n - body, boundary, depth);
        } else {
            add_part_text(e, &e->plain, NULL, p + body, n - body);
        }
        free(boundary);
        goto out;
    }
    /* the body, decoded */
    if (cte && !strncasecmp(cte, "base64", 6))
        b64_decode(p + body, n - body, &data);
    else if (cte && !strncasecmp(cte, "quoted-printable", 16))
        qp_decode(p + body, n - body, &data, 0);
    else
        buf_add(&data, p + body, n - body);
    if (data.err) {
        e->err = 1;
        goto out;
    }
    if (!strcmp(type, "message/rfc822") && !attached) {
        /* a forwarded message: its body is part of the text */
        if (depth >= MIME_DEPTH_MAX) {
            if (hsok_document_warn(e->doc, "a message nested more than %d deep not read",
                                   MIME_DEPTH_MAX))
                e->err = 1;
        } else {
            size_t ib = 0, ih = header_end(data.data, data.len, &ib);
            char *subj = header_get(data.data, ih, "Subject");
            char *from = header_get(data.data, ih, "From");
            char *ds = subj ? decode_words(subj) : NULL, *df = from ? decode_words(from) : NULL;
            buf_t head = BUF_INIT;
            if (df)
                buf_addf(&head, "Fra: %s\n", df);
            if (ds)
                buf_addf(&head, "Emne: %s\n", ds);
            if (head.len)
                add_part_text(e, &e->plain, NULL, head.data, head.len);
            free(subj), free(from), free(ds), free(df);
            buf_free(&head);
            walk_part(e, data.data, data.len, depth + 1);
        }
        goto out;
    }
    char *cs = ctype ? param_get(ctype, "charset") : NULL;
    if (!attached && !strcmp(type, "text/plain"))
        add_part_text(e, &e->plain, cs, data.data, data.len);
    else if (!attached && !strcmp(type, "text/html"))
        add_part_text(e, &e->html, cs, data.data, data.len);
    else if (attached || file || strncmp(type, "image/", 6)) {
        /* an attachment: read after the body */
        attachment_t *a = realloc(e->att, (e->natt + 1) * sizeof *a);
        if (!a) {
            e->err = 1;
        } else {
            e->att = a;
            a[e->natt].file = file ? file : strdup("");
            a[e->natt].len = data.len;
            a[e->natt].data = buf_detach(&data, NULL);
            if (!a[e->natt].file || !a[e->natt].data) {
                free(a[e->natt].file);
                free(a[e->natt].data);
                e->err = 1;
            } else {
                e->natt++;
            }
            file = NULL;
        }
    }
    free(cs);
out:
    buf_free(&data);
    free(ctype);
    free(cte);
    free(disp);
    free(file);
}

/* ---------------------------------------------------------------------------------------- */
/* the document                                                                             */

/* Attachment a under a heading with its file name, appended to out, its hints after. */
static hsok_status_t add_attachment(eml_t *e, const attachment_t *a, buf_t *out, char **errmsg)
{
    const char *file = a->file[0] ? a->file : "(no name)";
    hsok_format_t f = hsok_format_of(a->file, a->data, a->len);
    hsok_document_t sub = { 0 };
    char *msg = NULL;
    hsok_status_t st = HSOK_OK;
    if (f == HSOK_FORMAT_PDF || f == HSOK_FORMAT_DOCX || f == HSOK_FORMAT_ODT) {
        st = hsok_document_read(file, a->data, a->len, &sub, &msg);
    } else if (f == HSOK_FORMAT_TEXT) {
        /* plain text only when it says so: a .txt, or no name and no binary */
        size_t fl = strlen(a->file);
        if (fl >= 4 && !strcasecmp(a->file + fl - 4, ".txt"))
            st = hsok_source_decode(a->file, a->data, a->len, &sub.src, &msg);
        else
            st = HSOK_ERR_UNSUPPORTED;
    } else {
        st = HSOK_ERR_UNSUPPORTED;
    }
    if (st == HSOK_ERR_NOMEM) {
        free(msg);
        hsok_document_clear(&sub);
        return hsok_seterr(errmsg, st, "'%s': out of memory", e->name);
    }
    if (st != HSOK_OK || !sub.src.len) {
        int w;
        if (st == HSOK_ERR_UNSUPPORTED && !msg)
            w = hsok_document_warn(e->doc, "attachment '%s' not read (hsok reads PDF, Word, "
                                   "OpenDocument and .txt attachments)", file);
        else
            w = hsok_document_warn(e->doc, "attachment '%s' not read: %s", file,
                                   msg ? msg : "no text in it");
        free(msg);
        hsok_document_clear(&sub);
        return w ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", e->name) : HSOK_OK;
    }
    end_para(out);
    size_t at = out->len;
    int err = hsok_document_hint(e->doc, at, HSOK_HINT_HEADING, 1);
    /* the file name on one line */
    for (const char *c = file; *c; c++)
        buf_addch(out, (unsigned char)*c < 0x20 ? ' ' : *c);
    buf_addstr(out, "\n\n");
    size_t base = out->len;
    buf_add(out, sub.src.text, sub.src.len);
    for (size_t i = 0; i < sub.nhints && !err; i++)
        err = hsok_document_hint(e->doc, base + sub.hints[i].offset, sub.hints[i].kind,
                                 sub.hints[i].level);
    for (size_t i = 0; i < sub.nwarnings && !err; i++)
        err = hsok_document_warn(e->doc, "attachment '%s': %s", file, sub.warnings[i]);
    /* page breaks of a PDF attachment stay; its pages count after the body's */
    e->doc->pages += sub.pages;
    hsok_document_clear(&sub);
    free(msg);
    return err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", e->name) : HSOK_OK;
}

char *hsok_sender_name(const char *sender)
{
    if (!sender)
        return NULL;
    const char *lt = strchr(sender, '<');
    size_t a = 0, z = lt ? (size_t)(lt - sender) : strlen(sender);
    while (a < z && (isspace((unsigned char)sender[a]) || sender[a] == '"'))
        a++;
    while (z > a && (isspace((unsigned char)sender[z - 1]) || sender[z - 1] == '"'))
        z--;
    if (z > a)
        return hsok_strndup(sender + a, z - a);
    if (!lt) /* a bare address */
        return strdup(sender);
    const char *gt = strchr(lt, '>');
    return hsok_strndup(lt + 1, gt ? (size_t)(gt - lt - 1) : strlen(lt + 1));
}

hsok_status_t hsok_read_eml(const char *name, const char *bytes, size_t len,
                            hsok_document_t *doc, char **errmsg)
{
    eml_t e = { .name = name, .doc = doc, .plain = BUF_INIT, .html = BUF_INIT };
    buf_t out = BUF_INIT;
    hsok_status_t st = HSOK_OK;
    size_t body = 0, hn = header_end(bytes, len, &body);
    char *from = header_get(bytes, hn, "From");
    char *subject = header_get(bytes, hn, "Subject");
    if (from && !(doc->sender = decode_words(from)))
        e.err = 1;
    char *subj = subject ? decode_words(subject) : NULL;
    if (subj && *subj)
        buf_addf(&out, "Emne: %s", subj);
    walk_part(&e, bytes, len, 0);
    if (!e.err && e.plain.len) {
        end_para(&out);
        buf_add(&out, e.plain.data, e.plain.len);
    } else if (!e.err && e.html.len) {
        st = hsok_html_text(name, e.html.data, e.html.len, &out, doc, errmsg);
    }
    for (size_t i = 0; st == HSOK_OK && !e.err && i < e.natt; i++)
        st = add_attachment(&e, &e.att[i], &out, errmsg);
    if (st == HSOK_OK && (e.err || out.err))
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
    if (st == HSOK_OK) {
        while (out.len && (out.data[out.len - 1] == '\n' || out.data[out.len - 1] == ' '))
            out.data[--out.len] = '\0';
        buf_addch(&out, '\n');
        size_t n = 0;
        doc->src.text = buf_detach(&out, &n);
        doc->src.len = n;
        doc->src.encoding = HSOK_ENC_UTF8;
        if (!doc->src.text)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
    }
    for (size_t i = 0; i < e.natt; i++) {
        free(e.att[i].file);
        free(e.att[i].data);
    }
    free(e.att);
    free(from);
    free(subject);
    free(subj);
    buf_free(&e.plain);
    buf_free(&e.html);
    buf_free(&out);
    return st;
}
