/* reader_office.c — Word .docx and OpenDocument .odt (reader_internal.h), and the HTML of
 * e-mails (hsok_html_text, for reader_eml.c): every use of libxml2 is here.
 *
 * Both formats are zip archives of XML parts (libzip reads them from memory). The text is one
 * paragraph after another, a blank line between them; a heading, a list item and a table row
 * (its cells joined by " | ") each get a hint, list items their bullet "• " or number ("2.",
 * "b)") as Word or LibreOffice shows it. Footnotes follow the body, text boxes their paragraph.
 *
 * Hostile files: no DTD is read (a part that declares one is refused, so no entity is ever
 * expanded: a "billion laughs" part is refused before it is parsed), no network (XML_PARSE_NONET),
 * the parts read unpack to at most 256 MB together and no large part unpacks at a ratio a real
 * document never has (a zip bomb); such a file, a damaged zip or XML part gives
 * HSOK_ERR_PARSE naming the file and the part. libxml2 reports nothing on stderr: its messages
 * are collected and the first one goes into the error message.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "lazy_xml.h"
#include "lazy_zip.h"
#include "reader_internal.h"

/* Uncompressed bytes of all parts read from one archive. */
#define UNZIP_MAX ((zip_uint64_t)256 << 20)
/* A part over UNZIP_RATIO_FROM bytes that unpacks more than UNZIP_RATIO_MAX times its packed
 * size is a bomb (real XML packs 5 to 30 times). */
#define UNZIP_RATIO_FROM ((zip_uint64_t)16 << 20)
#define UNZIP_RATIO_MAX 200

/* ---------------------------------------------------------------------------------------- */
/* libxml2 without a word on stderr                                                         */

typedef struct xml_errs {
    char first[160]; /* the first message, one line */
    int line;
    int n;
} xml_errs_t;

static void xml_collect(void *ctx, xmlErrorPtr e)
{
    xml_errs_t *x = ctx;
    if (x->n++ || !e || !e->message)
        return;
    snprintf(x->first, sizeof x->first, "%s", e->message);
    for (char *p = x->first; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    size_t n = strlen(x->first);
    while (n && x->first[n - 1] == ' ')
        x->first[--n] = '\0';
    x->line = e->line;
}

static void xml_silent(void *ctx, const char *fmt, ...)
{
    (void)ctx, (void)fmt;
}

/* Whether data[0..len) holds "<!DOCTYPE", in UTF-8 or UTF-16 (either byte order). */
static int has_doctype(const char *data, size_t len)
{
    static const char mark[] = "<!DOCTYPE";
    for (size_t i = 0; i < len; i++) {
        if (data[i] != '<')
            continue;
        for (size_t step = 1; step <= 2; step++) {
            size_t k = 0;
            while (k < 9 && i + k * step < len && data[i + k * step] == mark[k] &&
                   (step == 1 || (i + k * step + 1 < len && data[i + k * step + 1] == 0) ||
                    (i > 0 && data[i + k * step - 1] == 0)))
                k++;
            if (k == 9)
                return 1;
        }
    }
    return 0;
}

/* Parse data[0..len), the part `part` of the file `name` (part NULL: the file itself), as XML
 * or (html) as UTF-8 HTML. NULL with *st and *errmsg set on failure. */
static xmlDocPtr xml_read(const char *name, const char *part, const char *data, size_t len,
                          int html, hsok_status_t *st, char **errmsg)
{
    if (lazy_xml_load(errmsg) != HSOK_OK) {
        *st = HSOK_ERR_UNSUPPORTED;
        return NULL;
    }
    char where[300];
    if (part)
        snprintf(where, sizeof where, "'%s': '%s'", name, part);
    else
        snprintf(where, sizeof where, "'%s'", name);
    if (len > (size_t)INT32_MAX) {
        *st = hsok_seterr(errmsg, HSOK_ERR_TOO_LARGE, "%s is too large to read", where);
        return NULL;
    }
    /* office XML never has a DTD: refusing one means no entity is ever declared or expanded */
    if (!html && has_doctype(data, len)) {
        *st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "%s declares a DTD, which no Word or "
                          "OpenDocument file has; not read", where);
        return NULL;
    }
    xml_errs_t xe = { 0 };
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    xmlStructuredErrorFunc old_structured = xmlStructuredError;
    void *old_structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, xml_silent);
    xmlSetStructuredErrorFunc(&xe, xml_collect);
    xmlDocPtr doc;
    if (html)
        doc = htmlReadMemory(data, (int)len, NULL, "UTF-8",
                             HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_RECOVER);
    else
        doc = xmlReadMemory(data, (int)len, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_NOCDATA);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
    if (doc && !html && (doc->intSubset || doc->extSubset)) {
        xmlFreeDoc(doc); /* a DTD in another encoding than UTF-8 */
        *st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "%s declares a DTD, which no Word or "
                          "OpenDocument file has; not read", where);
        return NULL;
    }
    if (!doc || !xmlDocGetRootElement(doc)) {
        if (doc)
            xmlFreeDoc(doc);
        if (xe.n)
            *st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "%s is damaged: line %d: %s", where,
                              xe.line, xe.first);
        else
            *st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "%s is damaged: no XML in it", where);
        return NULL;
    }
    return doc;
}

/* ---------------------------------------------------------------------------------------- */
/* zip parts                                                                                */

typedef struct zipdoc {
    zip_t *za;
    const char *name;
    zip_uint64_t budget; /* bytes the parts read may still unpack to */
} zipdoc_t;

static hsok_status_t zip_open_mem(zipdoc_t *z, const char *name, const char *bytes, size_t len,
                                  char **errmsg)
{
    if (lazy_zip_load(errmsg) != HSOK_OK)
        return HSOK_ERR_UNSUPPORTED;
    zip_error_t ze;
    zip_error_init(&ze);
    z->name = name;
    z->budget = UNZIP_MAX;
    zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
    }
    z->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z->za) {
        zip_source_free(src);
        hsok_status_t st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': a damaged zip archive (%s)",
                                       name, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);
    return HSOK_OK;
}

static void zip_close_mem(zipdoc_t *z)
{
    if (z->za)
        zip_discard(z->za);
    z->za = NULL;
}

/* The part `entry` whole into out. A part that is not there: HSOK_ERR_NOT_FOUND without a
 * message when !required. */
static hsok_status_t zip_part(zipdoc_t *z, const char *entry, int required, buf_t *out,
                              char **errmsg)
{
    buf_reset(out);
    zip_int64_t idx = zip_name_locate(z->za, entry, 0);
    if (idx < 0) {
        if (!required)
            return HSOK_ERR_NOT_FOUND;
        return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': a damaged document: no '%s' in it",
                           z->name, entry);
    }
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(z->za, (zip_uint64_t)idx, 0, &zs) != 0)
        return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': cannot read '%s' in it: %s", z->name,
                           entry, zip_strerror(z->za));
    if ((zs.valid & ZIP_STAT_SIZE) &&
        (zs.size > z->budget ||
         ((zs.valid & ZIP_STAT_COMP_SIZE) && zs.size > UNZIP_RATIO_FROM &&
          zs.size / (zs.comp_size ? zs.comp_size : 1) > UNZIP_RATIO_MAX)))
        goto bomb;
    zip_file_t *f = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
    if (!f)
        return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': cannot read '%s' in it: %s", z->name,
                           entry, zip_strerror(z->za));
    for (;;) {
        size_t chunk = 1 << 16;
        if (buf_grow(out, chunk)) {
            zip_fclose(f);
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", z->name);
        }
        zip_int64_t n = zip_fread(f, out->data + out->len, chunk);
        if (n < 0) {
            hsok_status_t st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                                           "'%s': a damaged document: cannot unpack '%s': %s",
                                           z->name, entry, zip_file_strerror(f));
            zip_fclose(f);
            return st;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
        /* the sizes in the archive may lie: count what comes out */
        if (out->len > z->budget ||
            ((zs.valid & ZIP_STAT_COMP_SIZE) && out->len > UNZIP_RATIO_FROM &&
             out->len / (zs.comp_size ? zs.comp_size : 1) > UNZIP_RATIO_MAX)) {
            zip_fclose(f);
            goto bomb;
        }
    }
    int rc = zip_fclose(f);
    if (rc != 0)
        return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': a damaged document: cannot unpack "
                           "'%s': %s", z->name, entry, zip_error_strerror(zip_get_error(z->za)));
    z->budget -= out->len;
    return HSOK_OK;
bomb:
    buf_reset(out);
    return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': '%s' unpacks to more than %d MB or "
                       "at a ratio no document has (a zip bomb?); not read", z->name, entry,
                       (int)(UNZIP_MAX >> 20));
}

/* ---------------------------------------------------------------------------------------- */
/* the text being built                                                                     */

typedef struct textout {
    hsok_document_t *doc;
    buf_t text; /* paragraphs, a blank line between them */
    buf_t para; /* the paragraph being collected */
    int last;   /* the hint kind of the paragraph emitted last (0: none) */
    int list, last_list; /* the list of a list item (set by the caller), and of the last */
    int err;    /* out of memory on a hint */
} textout_t;

/* Append s[0..n) to b: control characters become spaces (tab and newline stay, CR goes);
 * collapse: whitespace runs become one space, as ODF and HTML read them. */
static void add_clean(buf_t *b, const char *s, size_t n, int collapse)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (collapse && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            if (b->len && b->data[b->len - 1] != ' ' && b->data[b->len - 1] != '\n')
                buf_addch(b, ' ');
            continue;
        }
        if (c == '\r')
            continue;
        buf_addch(b, c < 0x20 && c != '\t' && c != '\n' ? ' ' : (char)c);
    }
}

static void add_text_node(buf_t *b, const xmlNode *n, int collapse)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            add_clean(b, (const char *)c->content, strlen((const char *)c->content), collapse);
}

/* Emit the collected paragraph (to->para) with its marker and hint; empty ones are dropped.
 * Its lines are trimmed and empty lines inside it dropped, so it stays one paragraph. A list
 * item right after another of the same list follows it on the next line, as a list reads in
 * text. */
static void emit_para(textout_t *to, const char *marker, hsok_hint_kind_t kind, unsigned level)
{
    buf_t *p = &to->para, *t = &to->text;
    size_t start = t->len, lines = 0;
    for (size_t i = 0; i < p->len;) {
        const char *nl = memchr(p->data + i, '\n', p->len - i);
        size_t e = nl ? (size_t)(nl - p->data) : p->len, a = i, z = e;
        while (a < z && (p->data[a] == ' ' || p->data[a] == '\t'))
            a++;
        while (z > a && (p->data[z - 1] == ' ' || p->data[z - 1] == '\t'))
            z--;
        if (z > a) {
            if (!lines++) {
                if (t->len)
                    buf_addstr(t, kind == HSOK_HINT_LIST_ITEM &&
                                          to->last == HSOK_HINT_LIST_ITEM &&
                                          to->list == to->last_list ? "\n" : "\n\n");
                start = t->len;
                if (marker && *marker) {
                    buf_addstr(t, marker);
                    buf_addch(t, ' ');
                }
            } else {
                buf_addch(t, '\n');
            }
            buf_add(t, p->data + a, z - a);
        }
        i = e + 1;
    }
    if (lines && kind && hsok_document_hint(to->doc, start, kind, level))
        to->err = 1;
    if (lines) {
        to->last = kind;
        to->last_list = to->list;
    }
    buf_reset(p);
}

/* Add the text of a table cell (its lines run together, trimmed) to the row collected in
 * to->para, after " | " when it is not the row's first (*cells counts them); cell is reset. */
static void row_cell(textout_t *to, buf_t *cell, int *cells)
{
    size_t a = 0, z = cell->len;
    for (size_t i = 0; i < z; i++)
        if (cell->data[i] == '\n' || cell->data[i] == '\t')
            cell->data[i] = ' ';
    while (a < z && cell->data[a] == ' ')
        a++;
    while (z > a && cell->data[z - 1] == ' ')
        z--;
    if ((*cells)++)
        buf_addstr(&to->para, " | ");
    buf_add(&to->para, cell->data + a, z - a);
    if (cell->err)
        to->err = 1;
    buf_reset(cell);
}

/* Emit the row collected in to->para as a table row; a row of empty cells is nothing. */
static void row_end(textout_t *to)
{
    int text = 0;
    for (size_t i = 0; i < to->para.len && !text; i++)
        text = !strchr(" |", to->para.data[i]);
    if (!text)
        buf_reset(&to->para);
    emit_para(to, NULL, HSOK_HINT_TABLE_ROW, 0);
}

/* The text ends with one newline; the document's text is it. */
static hsok_status_t finish_text(textout_t *to, const char *name, char **errmsg)
{
    if (to->text.len)
        buf_addch(&to->text, '\n');
    if (to->text.err || to->para.err || to->err)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
    if (!to->text.len)
        return hsok_seterr(errmsg, HSOK_ERR_NO_TEXT, "'%s': no text in the document (only "
                           "images? it needs OCR)", name);
    size_t n = 0;
    to->doc->src.text = buf_detach(&to->text, &n);
    to->doc->src.len = n;
    to->doc->src.encoding = HSOK_ENC_UTF8;
    return HSOK_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* list numbers                                                                             */

/* "1", "b", "iv" … for the value v in the number format fmt. */
static void add_number(buf_t *b, const char *fmt, int v)
{
    if (v < 1)
        v = 1;
    if (!strcasecmp(fmt, "lowerLetter") || !strcasecmp(fmt, "upperLetter") ||
        !strcmp(fmt, "a") || !strcmp(fmt, "A")) {
        int up = fmt[0] == 'u' || fmt[0] == 'A';
        char c = (char)((up ? 'A' : 'a') + (v - 1) % 26);
        for (int k = 0; k <= (v - 1) / 26 && k < 4; k++)
            buf_addch(b, c);
    } else if (!strcasecmp(fmt, "lowerRoman") || !strcasecmp(fmt, "upperRoman") ||
               !strcmp(fmt, "i") || !strcmp(fmt, "I")) {
        static const int val[] = { 1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1 };
        static const char *const sym[] = { "m", "cm", "d", "cd", "c", "xc", "l", "xl",
                                           "x", "ix", "v", "iv", "i" };
        int up = fmt[0] == 'u' || fmt[0] == 'I';
        for (int k = 0; k < 13 && v > 0; k++)
            while (v >= val[k] && v < 4000) {
                for (const char *s = sym[k]; *s; s++)
                    buf_addch(b, up ? (char)toupper((unsigned char)*s) : *s);
                v -= val[k];
            }
    } else {
        buf_addf(b, "%d", v);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Word .docx                                                                               */

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char W_NS_STRICT[] = "http://purl.oclc.org/ooxml/wordprocessingml/main";

static int is_w(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           (!strcmp((const char *)n->ns->href, W_NS) ||
            !strcmp((const char *)n->ns->href, W_NS_STRICT)) &&
           !strcmp((const char *)n->name, local);
}

static const xmlNode *w_child(const xmlNode *n, const char *local)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_w(c, local))
            return c;
    return NULL;
}

/* The w:val (or another attribute of the w namespace) of n; NULL if none. malloc'd. */
static char *w_attr(const xmlNode *n, const char *attr)
{
    if (!n)
        return NULL;
    xmlChar *v = xmlGetNsProp(n, (const xmlChar *)attr, (const xmlChar *)W_NS);
    if (!v)
        v = xmlGetNsProp(n, (const xmlChar *)attr, (const xmlChar *)W_NS_STRICT);
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    xmlFree(v);
    return s;
}

static int w_int(const xmlNode *n, const char *attr, int dflt)
{
    char *v = w_attr(n, attr);
    int r = v ? atoi(v) : dflt;
    free(v);
    return r;
}

typedef struct wstyle {
    char *id, *based_on;
    int level;  /* heading level, 0 for none */
    int num_id; /* numbering of the style, 0 for none */
    int ilvl;
} wstyle_t;

typedef struct wlevel {
    char fmt[24];   /* numFmt: "bullet", "decimal", "lowerLetter" … */
    char text[40];  /* lvlText: "%1.", "%1.%2" … */
    int start;
} wlevel_t;

typedef struct wnum {
    int num_id;
    wlevel_t lvl[9];
    int count[9];
} wnum_t;

typedef struct docx {
    textout_t to;
    wstyle_t *styles;
    size_t nstyles;
    wnum_t *nums;
    size_t nnums;
} docx_t;

/* "heading 2", "Heading2", "Overskrift 2", "overskrift2": 2; else 0. */
static int heading_name_level(const char *s)
{
    static const char *const names[] = { "heading", "overskrift", NULL };
    if (!s)
        return 0;
    for (size_t i = 0; names[i]; i++) {
        size_t l = strlen(names[i]);
        if (strncasecmp(s, names[i], l))
            continue;
        const char *p = s + l;
        if (*p == ' ')
            p++;
        if (*p >= '1' && *p <= '9' && !p[1])
            return *p - '0';
    }
    return 0;
}

static void read_styles(docx_t *d, xmlDocPtr x)
{
    const xmlNode *root = xmlDocGetRootElement(x);
    size_t n = 0;
    for (const xmlNode *s = root->children; s; s = s->next)
        n += is_w(s, "style");
    d->styles = calloc(n ? n : 1, sizeof *d->styles);
    if (!d->styles) {
        d->to.err = 1;
        return;
    }
    for (const xmlNode *s = root->children; s; s = s->next) {
        if (!is_w(s, "style"))
            continue;
        char *type = w_attr(s, "type");
        int para = !type || !strcmp(type, "paragraph");
        free(type);
        if (!para)
            continue;
        wstyle_t *e = &d->styles[d->nstyles];
        e->id = w_attr(s, "styleId");
        if (!e->id)
            continue;
        d->nstyles++;
        e->based_on = w_attr(w_child(s, "basedOn"), "val");
        char *nm = w_attr(w_child(s, "name"), "val");
        e->level = heading_name_level(nm);
        if (!e->level)
            e->level = heading_name_level(e->id);
        free(nm);
        const xmlNode *ppr = w_child(s, "pPr");
        const xmlNode *ol = w_child(ppr, "outlineLvl");
        if (ol) {
            int v = w_int(ol, "val", 9);
            e->level = v >= 0 && v < 9 ? v + 1 : 0;
        }
        const xmlNode *np = w_child(ppr, "numPr");
        if (np) {
            e->num_id = w_int(w_child(np, "numId"), "val", 0);
            e->ilvl = w_int(w_child(np, "ilvl"), "val", 0);
        }
    }
}

static const wstyle_t *find_style(const docx_t *d, const char *id)
{
    for (size_t i = 0; id && i < d->nstyles; i++)
        if (!strcmp(d->styles[i].id, id))
            return &d->styles[i];
    return NULL;
}

/* Heading level and numbering of style id, through its basedOn chain. */
static void style_props(const docx_t *d, const char *id, int *level, int *num_id, int *ilvl)
{
    int got_level = 0, got_num = 0;
    for (int depth = 0; id && depth < 12; depth++) {
        const wstyle_t *s = find_style(d, id);
        if (!s)
            break;
        if (!got_level && s->level) {
            *level = s->level;
            got_level = 1;
        }
        if (!got_num && s->num_id) {
            *num_id = s->num_id;
            *ilvl = s->ilvl;
            got_num = 1;
        }
        id = s->based_on;
    }
}

static void read_numbering(docx_t *d, xmlDocPtr x)
{
    const xmlNode *root = xmlDocGetRootElement(x);
    size_t n = 0;
    for (const xmlNode *s = root->children; s; s = s->next)
        n += is_w(s, "num");
    d->nums = calloc(n ? n : 1, sizeof *d->nums);
    if (!d->nums) {
        d->to.err = 1;
        return;
    }
    for (const xmlNode *s = root->children; s; s = s->next) {
        if (!is_w(s, "num"))
            continue;
        wnum_t *e = &d->nums[d->nnums++];
        e->num_id = w_int(s, "numId", 0);
        int abs = w_int(w_child(s, "abstractNumId"), "val", -1);
        for (const xmlNode *a = root->children; a; a = a->next) {
            if (!is_w(a, "abstractNum") || w_int(a, "abstractNumId", -2) != abs)
                continue;
            for (const xmlNode *l = a->children; l; l = l->next) {
                int k = is_w(l, "lvl") ? w_int(l, "ilvl", -1) : -1;
                if (k < 0 || k > 8)
                    continue;
                char *fmt = w_attr(w_child(l, "numFmt"), "val");
                char *txt = w_attr(w_child(l, "lvlText"), "val");
                snprintf(e->lvl[k].fmt, sizeof e->lvl[k].fmt, "%s", fmt ? fmt : "decimal");
                snprintf(e->lvl[k].text, sizeof e->lvl[k].text, "%s", txt ? txt : "");
                e->lvl[k].start = w_int(w_child(l, "start"), "val", 1);
                free(fmt);
                free(txt);
            }
            break;
        }
        /* a w:lvlOverride's startOverride restarts the count */
        for (const xmlNode *o = s->children; o; o = o->next) {
            int k = is_w(o, "lvlOverride") ? w_int(o, "ilvl", -1) : -1;
            const xmlNode *so = k >= 0 && k <= 8 ? w_child(o, "startOverride") : NULL;
            if (so)
                e->lvl[k].start = w_int(so, "val", 1);
        }
    }
}

/* The bullet to show for the bullet text t: itself when text has it, else "•" (Word's
 * bullets are mostly Symbol or Wingdings characters of the private use area). */
static const char *bullet_char(const char *t)
{
    static const char *const known[] = { "-", "*", "\xe2\x80\x93" /* – */,
                                         "\xe2\x80\x94" /* — */, "\xe2\x80\xa2" /* • */,
                                         "\xc2\xb7" /* · */, "\xe2\x97\xa6" /* ◦ */,
                                         "\xe2\x96\xaa" /* ▪ */, "\xe2\x97\x8f" /* ● */,
                                         "\xe2\x96\xa0" /* ■ */, NULL };
    for (size_t i = 0; t && known[i]; i++)
        if (!strcmp(t, known[i]))
            return known[i];
    return "\xe2\x80\xa2";
}

/* The marker Word shows before a numbered paragraph ("•", "2.", "1.3", "b)"), into m; it
 * counts the paragraph. Empty for a numbering Word shows nothing for. */
static void number_marker(docx_t *d, int num_id, int ilvl, buf_t *m)
{
    wnum_t *e = NULL;
    for (size_t i = 0; i < d->nnums; i++)
        if (d->nums[i].num_id == num_id)
            e = &d->nums[i];
    if (ilvl < 0 || ilvl > 8)
        ilvl = 0;
    if (!e) {
        buf_addstr(m, "\xe2\x80\xa2"); /* • */
        return;
    }
    /* count: this level up one, the deeper ones start over */
    int start = e->lvl[ilvl].start ? e->lvl[ilvl].start : 1;
    e->count[ilvl] = e->count[ilvl] ? e->count[ilvl] + 1 : start;
    for (int k = ilvl + 1; k < 9; k++)
        e->count[k] = 0;
    const wlevel_t *l = &e->lvl[ilvl];
    if (!strcmp(l->fmt, "bullet") || !l->fmt[0]) {
        buf_addstr(m, bullet_char(l->text));
        return;
    }
    if (!strcmp(l->fmt, "none"))
        return;
    for (const char *p = l->text; *p; p++) {
        if (*p == '%' && p[1] >= '1' && p[1] <= '9') {
            int k = p[1] - '1';
            int v = e->count[k] ? e->count[k] : (e->lvl[k].start ? e->lvl[k].start : 1);
            add_number(m, k == ilvl ? l->fmt : e->lvl[k].fmt[0] ? e->lvl[k].fmt : "decimal", v);
            p++;
        } else {
            buf_addch(m, *p);
        }
    }
}

static void docx_blocks(docx_t *d, const xmlNode *parent);

/* The text of the runs under n into b; text boxes go into boxes (up to 8), to follow. */
static void docx_runs(docx_t *d, const xmlNode *n, buf_t *b, const xmlNode **boxes, int *nboxes)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *nm = (const char *)c->name;
        int w = is_w(c, nm);
        if (w && !strcmp(nm, "t"))
            add_text_node(b, c, 0);
        else if (w && !strcmp(nm, "tab"))
            buf_addch(b, '\t');
        else if (w && (!strcmp(nm, "br") || !strcmp(nm, "cr")))
            buf_addch(b, '\n');
        else if (w && !strcmp(nm, "noBreakHyphen"))
            buf_addch(b, '-');
        else if (w && (!strcmp(nm, "pPr") || !strcmp(nm, "rPr") || !strcmp(nm, "del") ||
                       !strcmp(nm, "delText") || !strcmp(nm, "instrText") ||
                       !strcmp(nm, "moveFrom") || !strcmp(nm, "softHyphen")))
            continue; /* properties, deleted text, field codes */
        else if (w && !strcmp(nm, "txbxContent")) {
            if (*nboxes < 8)
                boxes[(*nboxes)++] = c;
        } else if (!w && !strcmp(nm, "Fallback"))
            continue; /* mc:AlternateContent: the mc:Choice holds the same text */
        else
            docx_runs(d, c, b, boxes, nboxes); /* w:r, w:hyperlink, w:ins, w:smartTag … */
    }
}

static void docx_para(docx_t *d, const xmlNode *p)
{
    const xmlNode *boxes[8];
    int nboxes = 0;
    const xmlNode *ppr = w_child(p, "pPr");
    int level = 0, num_id = 0, ilvl = 0;
    char *sid = w_attr(w_child(ppr, "pStyle"), "val");
    style_props(d, sid, &level, &num_id, &ilvl);
    if (!level)
        level = heading_name_level(sid);
    free(sid);
    const xmlNode *ol = w_child(ppr, "outlineLvl");
    if (ol) {
        int v = w_int(ol, "val", 9);
        level = v >= 0 && v < 9 ? v + 1 : 0;
    }
    const xmlNode *np = w_child(ppr, "numPr");
    if (np) {
        num_id = w_int(w_child(np, "numId"), "val", num_id);
        ilvl = w_int(w_child(np, "ilvl"), "val", ilvl);
    }
    docx_runs(d, p, &d->to.para, boxes, &nboxes);
    buf_t m = BUF_INIT;
    int has_text = 0;
    for (size_t i = 0; i < d->to.para.len && !has_text; i++)
        has_text = !isspace((unsigned char)d->to.para.data[i]);
    if (num_id > 0 && has_text)
        number_marker(d, num_id, ilvl, &m);
    if (m.err)
        d->to.err = 1;
    if (level)
        emit_para(&d->to, m.data, HSOK_HINT_HEADING, (unsigned)level);
    else if (num_id > 0) {
        d->to.list = num_id;
        emit_para(&d->to, m.data, HSOK_HINT_LIST_ITEM, (unsigned)ilvl + 1);
    }
    else
        emit_para(&d->to, NULL, 0, 0);
    buf_free(&m);
    for (int i = 0; i < nboxes; i++)
        docx_blocks(d, boxes[i]);
}

/* The text of a table cell, its paragraphs and nested tables joined by spaces, into b. */
static void docx_cell(docx_t *d, const xmlNode *n, buf_t *b)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (is_w(c, "p")) {
            const xmlNode *boxes[8];
            int nboxes = 0;
            if (b->len && b->data[b->len - 1] != ' ')
                buf_addch(b, ' ');
            docx_runs(d, c, b, boxes, &nboxes);
        } else if (c->type == XML_ELEMENT_NODE && !is_w(c, "tcPr")) {
            docx_cell(d, c, b); /* w:tbl, w:tr, w:tc, w:sdt … inside the cell */
        }
    }
}

static void docx_table(docx_t *d, const xmlNode *tbl)
{
    for (const xmlNode *r = tbl->children; r; r = r->next) {
        if (is_w(r, "sdt") || is_w(r, "customXml")) {
            const xmlNode *in = w_child(r, "sdtContent");
            docx_table(d, in ? in : r);
            continue;
        }
        if (!is_w(r, "tr"))
            continue;
        int cells = 0;
        buf_t cell = BUF_INIT;
        for (const xmlNode *c = r->children; c; c = c->next) {
            const xmlNode *tc = c;
            if (is_w(c, "sdt"))
                tc = w_child(w_child(c, "sdtContent"), "tc");
            if (!is_w(tc, "tc"))
                continue;
            docx_cell(d, tc, &cell);
            row_cell(&d->to, &cell, &cells);
        }
        buf_free(&cell);
        row_end(&d->to);
    }
}

static void docx_blocks(docx_t *d, const xmlNode *parent)
{
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (is_w(c, "p"))
            docx_para(d, c);
        else if (is_w(c, "tbl"))
            docx_table(d, c);
        else if (is_w(c, "sdt"))
            docx_blocks(d, w_child(c, "sdtContent") ? w_child(c, "sdtContent") : c);
        else if (is_w(c, "customXml") || is_w(c, "ins") || is_w(c, "smartTag") ||
                 is_w(c, "body"))
            docx_blocks(d, c);
    }
}

/* An optional part parsed; NULL (and no error) when it is not there. */
static xmlDocPtr optional_part(zipdoc_t *z, const char *entry, buf_t *tmp, hsok_status_t *st,
                               char **errmsg)
{
    *st = zip_part(z, entry, 0, tmp, errmsg);
    if (*st == HSOK_ERR_NOT_FOUND) {
        *st = HSOK_OK;
        return NULL;
    }
    if (*st != HSOK_OK)
        return NULL;
    return xml_read(z->name, entry, tmp->data, tmp->len, 0, st, errmsg);
}

static const char *const R_NS[] = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships" };

/* Whether the on/off property n (w:titlePg …) is on: present without w:val="0"/"false". */
static int w_on(const xmlNode *n)
{
    char *v = w_attr(n, "val");
    int on = n && (!v || (strcmp(v, "0") && strcmp(v, "false") && strcmp(v, "off")));
    free(v);
    return on;
}

/* The header of the first page (the letterhead: a page's header that PDF text would start
 * with), parsed, or NULL: the first section's first-page header when it has one, else its
 * default one, found through word/_rels/document.xml.rels. A header that cannot be read is
 * passed over in silence: the body is what counts. */
static xmlDocPtr first_header(zipdoc_t *z, const xmlNode *body, buf_t *tmp)
{
    const xmlNode *sect = NULL;
    for (const xmlNode *c = body->children; c && !sect; c = c->next)
        sect = is_w(c, "sectPr") ? c
             : is_w(c, "p")      ? w_child(w_child(c, "pPr"), "sectPr")
                                 : NULL;
    const char *want = w_on(w_child(sect, "titlePg")) ? "first" : "default";
    const xmlNode *pick = NULL;
    for (const xmlNode *h = sect ? sect->children : NULL; h; h = h->next) {
        char *type = is_w(h, "headerReference") ? w_attr(h, "type") : NULL;
        int wanted = type && !strcmp(type, want), dflt = type && !strcmp(type, "default");
        free(type);
        if (wanted || (dflt && !pick))
            pick = h;
        if (wanted)
            break;
    }
    xmlChar *rid = NULL;
    for (size_t i = 0; pick && !rid && i < 2; i++)
        rid = xmlGetNsProp(pick, (const xmlChar *)"id", (const xmlChar *)R_NS[i]);
    hsok_status_t st = HSOK_OK;
    xmlDocPtr rels = rid ? optional_part(z, "word/_rels/document.xml.rels", tmp, &st, NULL)
                         : NULL;
    char part[300] = "";
    for (const xmlNode *r = rels ? xmlDocGetRootElement(rels)->children : NULL; r; r = r->next) {
        if (r->type != XML_ELEMENT_NODE || strcmp((const char *)r->name, "Relationship"))
            continue;
        xmlChar *id = xmlGetProp(r, (const xmlChar *)"Id");
        xmlChar *target = xmlGetProp(r, (const xmlChar *)"Target");
        if (id && target && !strcmp((const char *)id, (const char *)rid)) {
            const char *t = (const char *)target; /* relative to word/, or from the root */
            snprintf(part, sizeof part, "%s%s", t[0] == '/' ? "" : "word/",
                     t[0] == '/' ? t + 1 : t);
        }
        xmlFree(id);
        xmlFree(target);
    }
    if (rels)
        xmlFreeDoc(rels);
    xmlFree(rid);
    return part[0] ? optional_part(z, part, tmp, &st, NULL) : NULL;
}

hsok_status_t hsok_read_docx(const char *name, const char *bytes, size_t len,
                             hsok_document_t *doc, char **errmsg)
{
    zipdoc_t z = { 0 };
    docx_t d = { .to = { .doc = doc, .text = BUF_INIT, .para = BUF_INIT } };
    buf_t tmp = BUF_INIT;
    xmlDocPtr x = NULL;
    hsok_status_t st = zip_open_mem(&z, name, bytes, len, errmsg);
    if (st != HSOK_OK)
        return st;
    xmlDocPtr aux = optional_part(&z, "word/styles.xml", &tmp, &st, errmsg);
    if (aux) {
        read_styles(&d, aux);
        xmlFreeDoc(aux);
    }
    if (st == HSOK_OK && (aux = optional_part(&z, "word/numbering.xml", &tmp, &st, errmsg))) {
        read_numbering(&d, aux);
        xmlFreeDoc(aux);
    }
    if (st == HSOK_OK)
        st = zip_part(&z, "word/document.xml", 1, &tmp, errmsg);
    if (st == HSOK_OK && !(x = xml_read(name, "word/document.xml", tmp.data, tmp.len, 0, &st,
                                        errmsg)) && st == HSOK_OK)
        st = HSOK_ERR_PARSE;
    if (st == HSOK_OK) {
        const xmlNode *root = xmlDocGetRootElement(x);
        const xmlNode *body = w_child(root, "body");
        if (!is_w(root, "document") || !body)
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': 'word/document.xml' is not a Word "
                             "document (no w:body)", name);
        else {
            xmlDocPtr hdr = first_header(&z, body, &tmp);
            if (hdr) {
                docx_blocks(&d, xmlDocGetRootElement(hdr));
                xmlFreeDoc(hdr);
            }
            docx_blocks(&d, body);
        }
    }
    /* footnotes and endnotes after the body, each a paragraph */
    static const char *const notes[][2] = { { "word/footnotes.xml", "footnote" },
                                            { "word/endnotes.xml", "endnote" } };
    for (size_t k = 0; k < 2 && st == HSOK_OK; k++) {
        if (!(aux = optional_part(&z, notes[k][0], &tmp, &st, errmsg)))
            continue;
        for (const xmlNode *f = xmlDocGetRootElement(aux)->children; f; f = f->next) {
            char *type = is_w(f, notes[k][1]) ? w_attr(f, "type") : NULL;
            int skip = !is_w(f, notes[k][1]) || (type && strcmp(type, "normal"));
            free(type);
            if (!skip)
                docx_blocks(&d, f);
        }
        xmlFreeDoc(aux);
    }
    if (st == HSOK_OK)
        st = finish_text(&d.to, name, errmsg);
    if (x)
        xmlFreeDoc(x);
    for (size_t i = 0; i < d.nstyles; i++) {
        free(d.styles[i].id);
        free(d.styles[i].based_on);
    }
    free(d.styles);
    free(d.nums);
    buf_free(&d.to.text);
    buf_free(&d.to.para);
    buf_free(&tmp);
    zip_close_mem(&z);
    return st;
}

/* ---------------------------------------------------------------------------------------- */
/* OpenDocument .odt                                                                        */

static const char TEXT_NS[] = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
static const char TABLE_NS[] = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
static const char OFFICE_NS[] = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
static const char DRAW_NS[] = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";

static int is_ns(const xmlNode *n, const char *ns, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, ns) &&
           (!local || !strcmp((const char *)n->name, local));
}

static int ns_int(const xmlNode *n, const char *ns, const char *attr, int dflt)
{
    xmlChar *v = xmlGetNsProp(n, (const xmlChar *)attr, (const xmlChar *)ns);
    int r = v ? atoi((const char *)v) : dflt;
    xmlFree(v);
    return r;
}

static const char STYLE_NS[] = "urn:oasis:names:tc:opendocument:xmlns:style:1.0";

typedef struct odt {
    textout_t to;
    const xmlNode *notes[256]; /* note bodies, to follow the text */
    size_t nnotes;
    const xmlNode *lists[256]; /* the text:list-style elements */
    size_t nlists;
} odt_t;

/* The list a list item is in: its style, level (1 ..) and items so far. */
typedef struct olist {
    const xmlNode *style;
    int level, count;
} olist_t;

static void odt_blocks(odt_t *o, const xmlNode *parent, const olist_t *lc);

static char *ns_attr(const xmlNode *n, const char *ns, const char *attr)
{
    xmlChar *v = xmlGetNsProp(n, (const xmlChar *)attr, (const xmlChar *)ns);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* Keep the text:list-style elements under n (office:automatic-styles, office:styles). */
static void odt_list_styles(odt_t *o, const xmlNode *root)
{
    for (const xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        if (!is_ns(c, OFFICE_NS, "automatic-styles") && !is_ns(c, OFFICE_NS, "styles"))
            continue;
        for (const xmlNode *k = c->children; k; k = k->next)
            if (is_ns(k, TEXT_NS, "list-style") && o->nlists < 256)
                o->lists[o->nlists++] = k;
    }
}

static const xmlNode *odt_list_style(const odt_t *o, const xmlNode *list)
{
    char *nm = ns_attr(list, TEXT_NS, "style-name");
    const xmlNode *r = NULL;
    for (size_t i = 0; nm && i < o->nlists && !r; i++) {
        char *sn = ns_attr(o->lists[i], STYLE_NS, "name");
        if (sn && !strcmp(sn, nm))
            r = o->lists[i];
        free(sn);
    }
    free(nm);
    return r;
}

/* The marker LibreOffice shows for the count-th item of a list at lc's level, into m. */
static void odt_marker(const olist_t *lc, buf_t *m)
{
    const xmlNode *ls = NULL;
    for (const xmlNode *k = lc->style ? lc->style->children : NULL; k && !ls; k = k->next)
        if ((is_ns(k, TEXT_NS, "list-level-style-bullet") ||
             is_ns(k, TEXT_NS, "list-level-style-number")) &&
            ns_int(k, TEXT_NS, "level", 0) == lc->level)
            ls = k;
    if (!ls || is_ns(ls, TEXT_NS, "list-level-style-bullet")) {
        char *b = ls ? ns_attr(ls, TEXT_NS, "bullet-char") : NULL;
        buf_addstr(m, bullet_char(b));
        free(b);
        return;
    }
    char *fmt = ns_attr(ls, STYLE_NS, "num-format");
    char *pre = ns_attr(ls, STYLE_NS, "num-prefix");
    char *suf = ns_attr(ls, STYLE_NS, "num-suffix");
    if (fmt && *fmt) {
        buf_addstr(m, pre ? pre : "");
        add_number(m, fmt, ns_int(ls, TEXT_NS, "start-value", 1) + lc->count - 1);
        buf_addstr(m, suf ? suf : "");
    }
    free(fmt);
    free(pre);
    free(suf);
}

/* The inline content of n into b: text:s, text:tab, text:line-break, spans and links; notes
 * and text boxes are kept to follow. */
static void odt_inline(odt_t *o, const xmlNode *n, buf_t *b, const xmlNode **boxes, int *nboxes)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            add_clean(b, (const char *)c->content, strlen((const char *)c->content), 1);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *nm = (const char *)c->name;
        if (is_ns(c, TEXT_NS, "s")) {
            int k = ns_int(c, TEXT_NS, "c", 1);
            for (int i = 0; i < k && i < 100; i++)
                buf_addch(b, ' ');
        } else if (is_ns(c, TEXT_NS, "tab")) {
            buf_addch(b, '\t');
        } else if (is_ns(c, TEXT_NS, "line-break")) {
            buf_addch(b, '\n');
        } else if (is_ns(c, TEXT_NS, "note")) {
            const xmlNode *body = NULL;
            for (const xmlNode *k = c->children; k; k = k->next)
                if (is_ns(k, TEXT_NS, "note-body"))
                    body = k;
            if (body && o->nnotes < sizeof o->notes / sizeof o->notes[0])
                o->notes[o->nnotes++] = body;
        } else if (is_ns(c, DRAW_NS, "text-box")) {
            if (*nboxes < 8)
                boxes[(*nboxes)++] = c;
        } else if (is_ns(c, OFFICE_NS, "annotation") || is_ns(c, OFFICE_NS, "annotation-end") ||
                   is_ns(c, TEXT_NS, "tracked-changes") || is_ns(c, TEXT_NS, "deletion")) {
            continue;
        } else if (!strcmp(nm, "bookmark") || !strcmp(nm, "soft-page-break")) {
            continue;
        } else {
            odt_inline(o, c, b, boxes, nboxes); /* text:span, text:a, draw:frame … */
        }
    }
}

static void odt_para(odt_t *o, const xmlNode *p, const char *marker, hsok_hint_kind_t kind,
                     unsigned level)
{
    const xmlNode *boxes[8];
    int nboxes = 0;
    odt_inline(o, p, &o->to.para, boxes, &nboxes);
    emit_para(&o->to, marker, kind, level);
    for (int i = 0; i < nboxes; i++)
        odt_blocks(o, boxes[i], NULL);
}

static void odt_cell(odt_t *o, const xmlNode *n, buf_t *b)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (is_ns(c, TEXT_NS, "p") || is_ns(c, TEXT_NS, "h")) {
            const xmlNode *boxes[8];
            int nboxes = 0;
            if (b->len && b->data[b->len - 1] != ' ')
                buf_addch(b, ' ');
            odt_inline(o, c, b, boxes, &nboxes);
        } else if (c->type == XML_ELEMENT_NODE) {
            odt_cell(o, c, b); /* lists, nested tables */
        }
    }
}

static void odt_rows(odt_t *o, const xmlNode *t)
{
    for (const xmlNode *r = t->children; r; r = r->next) {
        if (is_ns(r, TABLE_NS, "table-header-rows") || is_ns(r, TABLE_NS, "table-rows") ||
            is_ns(r, TABLE_NS, "table-row-group")) {
            odt_rows(o, r);
            continue;
        }
        if (!is_ns(r, TABLE_NS, "table-row"))
            continue;
        int cells = 0;
        buf_t cell = BUF_INIT;
        for (const xmlNode *c = r->children; c; c = c->next) {
            if (!is_ns(c, TABLE_NS, "table-cell"))
                continue;
            odt_cell(o, c, &cell);
            row_cell(&o->to, &cell, &cells);
        }
        buf_free(&cell);
        row_end(&o->to);
    }
}

static void odt_block(odt_t *o, const xmlNode *c, const olist_t *lc)
{
    if (is_ns(c, TEXT_NS, "p")) {
        odt_para(o, c, NULL, 0, 0);
    } else if (is_ns(c, TEXT_NS, "h")) {
        int lv = ns_int(c, TEXT_NS, "outline-level", 1);
        odt_para(o, c, NULL, HSOK_HINT_HEADING, (unsigned)(lv < 1 ? 1 : lv > 10 ? 10 : lv));
    } else if (is_ns(c, TEXT_NS, "list")) {
        /* a nested list without a style of its own has its parent's */
        const xmlNode *st = odt_list_style(o, c);
        if (!lc)
            o->to.list++; /* a new list: not run on from the one before */
        olist_t in = { st ? st : lc ? lc->style : NULL, lc ? lc->level + 1 : 1, 0 };
        for (const xmlNode *item = c->children; item; item = item->next) {
            if (!is_ns(item, TEXT_NS, "list-item") && !is_ns(item, TEXT_NS, "list-header"))
                continue;
            /* the item's first paragraph is the item; more paragraphs follow it */
            int first = 1;
            for (const xmlNode *k = item->children; k; k = k->next) {
                if (first && (is_ns(k, TEXT_NS, "p") || is_ns(k, TEXT_NS, "h"))) {
                    buf_t m = BUF_INIT;
                    in.count++;
                    odt_marker(&in, &m);
                    if (m.err)
                        o->to.err = 1;
                    odt_para(o, k, m.data, HSOK_HINT_LIST_ITEM, (unsigned)in.level);
                    buf_free(&m);
                    first = 0;
                } else {
                    odt_block(o, k, &in);
                }
            }
        }
    } else if (is_ns(c, TABLE_NS, "table")) {
        odt_rows(o, c);
    } else if (is_ns(c, TEXT_NS, "section") || is_ns(c, TEXT_NS, "index-body") ||
               is_ns(c, TEXT_NS, "table-of-content") || is_ns(c, OFFICE_NS, "text") ||
               is_ns(c, OFFICE_NS, "body") || is_ns(c, DRAW_NS, "text-box")) {
        odt_blocks(o, c, lc);
    }
}

static void odt_blocks(odt_t *o, const xmlNode *parent, const olist_t *lc)
{
    for (const xmlNode *c = parent->children; c; c = c->next)
        odt_block(o, c, lc);
}

hsok_status_t hsok_read_odt(const char *name, const char *bytes, size_t len,
                            hsok_document_t *doc, char **errmsg)
{
    zipdoc_t z = { 0 };
    odt_t o = { .to = { .doc = doc, .text = BUF_INIT, .para = BUF_INIT } };
    buf_t tmp = BUF_INIT;
    xmlDocPtr x = NULL;
    hsok_status_t st = zip_open_mem(&z, name, bytes, len, errmsg);
    if (st != HSOK_OK)
        return st;
    /* the mimetype says what the archive is: an .ods or .odp is no text */
    st = zip_part(&z, "mimetype", 0, &tmp, errmsg);
    if (st == HSOK_OK &&
        strncmp(tmp.data, "application/vnd.oasis.opendocument.text", 39) != 0) {
        char mt[80];
        snprintf(mt, sizeof mt, "%.*s", (int)(tmp.len < 60 ? tmp.len : 60), tmp.data);
        for (char *p = mt; *p; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                *p = '?';
        st = hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED, "'%s': an OpenDocument file of type "
                         "'%s', not a text document; hsok reads .odt only", name, mt);
    } else if (st == HSOK_ERR_NOT_FOUND) {
        st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': a damaged OpenDocument file: no "
                         "'mimetype' in it", name);
    }
    xmlDocPtr styles = NULL;
    if (st == HSOK_OK)
        styles = optional_part(&z, "styles.xml", &tmp, &st, errmsg);
    if (st == HSOK_OK)
        st = zip_part(&z, "content.xml", 1, &tmp, errmsg);
    if (st == HSOK_OK && !(x = xml_read(name, "content.xml", tmp.data, tmp.len, 0, &st,
                                        errmsg)) && st == HSOK_OK)
        st = HSOK_ERR_PARSE;
    if (st == HSOK_OK) {
        const xmlNode *root = xmlDocGetRootElement(x), *body = NULL, *text = NULL;
        for (const xmlNode *c = root->children; c; c = c->next)
            if (is_ns(c, OFFICE_NS, "body"))
                body = c;
        for (const xmlNode *c = body ? body->children : NULL; c; c = c->next)
            if (is_ns(c, OFFICE_NS, "text"))
                text = c;
        odt_list_styles(&o, root);
        if (styles)
            odt_list_styles(&o, xmlDocGetRootElement(styles));
        if (!text)
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': 'content.xml' holds no text "
                             "document (no office:text)", name);
        else
            odt_blocks(&o, text, NULL);
        for (size_t i = 0; st == HSOK_OK && i < o.nnotes; i++)
            odt_blocks(&o, o.notes[i], NULL);
    }
    if (st == HSOK_OK)
        st = finish_text(&o.to, name, errmsg);
    if (x)
        xmlFreeDoc(x);
    if (styles)
        xmlFreeDoc(styles);
    buf_free(&o.to.text);
    buf_free(&o.to.para);
    buf_free(&tmp);
    zip_close_mem(&z);
    return st;
}

/* ---------------------------------------------------------------------------------------- */
/* HTML (e-mail bodies)                                                                     */

static int html_block(const char *nm)
{
    static const char *const blocks[] = { "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4",
                                          "h5", "h6", "blockquote", "pre", "table", "ul", "ol",
                                          "dl", "dt", "dd", "hr", "section", "article", "header",
                                          "footer", "address", "body", NULL };
    for (size_t i = 0; blocks[i]; i++)
        if (!strcasecmp(nm, blocks[i]))
            return 1;
    return 0;
}

static void html_walk(textout_t *to, const xmlNode *n, int pre)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            add_clean(&to->para, (const char *)c->content, strlen((const char *)c->content),
                      !pre);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *nm = (const char *)c->name;
        if (!strcasecmp(nm, "script") || !strcasecmp(nm, "style") || !strcasecmp(nm, "head") ||
            !strcasecmp(nm, "title"))
            continue;
        if (!strcasecmp(nm, "br")) {
            buf_addch(&to->para, '\n');
            continue;
        }
        if (!strcasecmp(nm, "td") || !strcasecmp(nm, "th")) {
            if (to->para.len)
                buf_addstr(&to->para, " | ");
            html_walk(to, c, pre);
            continue;
        }
        if (!html_block(nm)) {
            html_walk(to, c, pre);
            continue;
        }
        emit_para(to, NULL, 0, 0);
        if (!strcasecmp(nm, "ul") || !strcasecmp(nm, "ol"))
            to->list++;
        html_walk(to, c, pre || !strcasecmp(nm, "pre"));
        int h = (nm[0] == 'h' || nm[0] == 'H') && nm[1] >= '1' && nm[1] <= '6' && !nm[2];
        if (h)
            emit_para(to, NULL, HSOK_HINT_HEADING, (unsigned)(nm[1] - '0'));
        else if (!strcasecmp(nm, "li"))
            emit_para(to, "\xe2\x80\xa2", HSOK_HINT_LIST_ITEM, 1);
        else if (!strcasecmp(nm, "tr"))
            emit_para(to, NULL, HSOK_HINT_TABLE_ROW, 0);
        else
            emit_para(to, NULL, 0, 0);
    }
}

hsok_status_t hsok_html_text(const char *name, const char *html, size_t len, buf_t *out,
                             hsok_document_t *doc, char **errmsg)
{
    hsok_status_t st = HSOK_OK;
    xmlDocPtr x = xml_read(name, NULL, html, len, 1, &st, errmsg);
    if (!x)
        return st;
    hsok_document_t tmp = { 0 };
    textout_t to = { .doc = doc ? doc : &tmp, .text = BUF_INIT, .para = BUF_INIT };
    /* hints are kept relative to out's end: start the text there */
    to.text = *out;
    html_walk(&to, xmlDocGetRootElement(x), 0);
    emit_para(&to, NULL, 0, 0);
    xmlFreeDoc(x);
    *out = to.text;
    int err = to.err || to.para.err;
    buf_free(&to.para);
    hsok_document_clear(&tmp);
    return err || out->err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name)
                           : HSOK_OK;
}
