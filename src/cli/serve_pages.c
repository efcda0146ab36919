/* serve_pages.c — the pages of `hsok serve` (serve_pages.h): search, the respondent × theme
 * matrix, a whole response, coding a passage, the exports and the report shown (/report),
 * rendered as HTML from what libhsok returns. Each request opens the index anew (a running
 * `hsok index` commits in between) and the manual codes file; no page takes a path from the
 * request to the disk: a response is named by a passage id or a respondent, a file filter
 * compares strings with the sources the index lists. Every value goes through html()
 * (hsok_write_html after control, bidi and invalid bytes are made visible), every URL part
 * through url().
 */
#define _GNU_SOURCE /* asprintf, strcasestr */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "hsok/codes.h"
#include "hsok/copies.h"
#include "hsok/db.h"
#include "hsok/export.h"
#include "hsok/manifest.h"
#include "hsok/ingest.h"
#include "hsok/position.h"
#include "hsok/query.h"
#include "hsok/segment.h"
#include "serve_pages.h"

#define PAGE_HITS 20          /* hits per page */
#define FILE_FILTER_MAX 2000  /* hits looked at when a file filter narrows a search */
#define MAX_QUERY 2000        /* bytes of a query: a longer one (a 60,000-letter word takes
                                 seconds to analyse) would hold the server for everyone */
#define MAX_PARAM 4096        /* bytes of any other parameter */
#define MAX_NAMES 500         /* respondents offered in the search form */

const char serve_css[] =
    "*{box-sizing:border-box}\n"
    "body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}\n"
    "header{background:#243b53;color:#fff;padding:.5em 1em}\n"
    "header a{color:#fff;margin-right:1.2em;text-decoration:none;font-weight:600}\n"
    "main{padding:1em;max-width:1260px}\n"
    "#readonly{background:#fff3cd;border:1px solid #e0c36a;padding:.4em .8em;margin-bottom:1em}\n"
    "form#search{display:flex;flex-wrap:wrap;gap:.5em;align-items:end;margin-bottom:1em}\n"
    "form#search label{display:flex;flex-direction:column;font-size:.85em}\n"
    "form#search input[name=q]{width:28em}\n"
    "form#search label.check{flex-direction:row;align-items:center;gap:.3em}\n"
    "input,select,button{font:inherit;padding:.2em .4em}\n"
    ".error{background:#fde2e1;border:1px solid #d9534f;padding:.4em .8em}\n"
    "ol#hits{padding-left:1.5em}\n"
    ".hit{margin-bottom:1em;background:#fff;border:1px solid #ddd;padding:.5em .8em}\n"
    ".hit.related,.hit.variant{border-left:4px solid #b08900}\n"
    ".hit.some-words{border-style:dashed}\n"
    ".sep{list-style:none;color:#666;margin:1em 0 .5em -1.5em}\n"
    ".meta{color:#555;font-size:.88em}\n"
    ".match{background:#f5e6b3;padding:0 .3em;font-size:.8em;margin-left:.5em}\n"
    "mark{background:#ffe066}\n"
    "span.theme{display:inline-block;background:#e3ecf5;border-radius:3px;padding:0 .35em;"
    "margin-right:.3em;font-size:.85em}\n"
    "span.theme.manual{background:#d4edda}\n"
    "span.theme.unsure{background:#fff3cd}\n"
    ".position{font-size:.85em;color:#0b5394;margin-left:.5em}\n"
    "details.coding{margin-top:.3em;font-size:.9em}\n"
    "form.code{display:flex;flex-wrap:wrap;gap:.4em;align-items:center}\n"
    "#export a{margin-right:1em}\n"
    "table#matrix{border-collapse:collapse;font-size:12px;table-layout:auto}\n"
    "table#matrix th,table#matrix td{border:1px solid #ccc;padding:1px 3px;text-align:right}\n"
    "table#matrix th.resp{text-align:left;max-width:22em;overflow:hidden;text-overflow:ellipsis;"
    "white-space:nowrap;font-weight:normal}\n"
    "table#matrix thead th{vertical-align:bottom;text-align:left}\n"
    "table#matrix thead th.theme{writing-mode:vertical-rl;transform:rotate(180deg);"
    "white-space:nowrap;vertical-align:bottom}\n"
    "table#matrix td a{display:block;text-decoration:none;color:inherit}\n"
    ".c1{background:#deebf7}.c2{background:#9ecae1}.c3{background:#4292c6;color:#fff}"
    ".c4{background:#08519c;color:#fff}\n"
    ".passage{background:#fff;border:1px solid #ddd;padding:.5em .8em;margin-bottom:.6em}\n"
    ".passage:target{border-color:#b08900;box-shadow:0 0 0 2px #f5e6b3}\n"
    ".stance{margin:.4em 0 .8em;padding:.3em .8em;border-left:4px solid #0b5394;"
    "background:#eef4fb}\n"
    "h2.section{font-size:1.05em;margin:1.2em 0 .4em;color:#243b53}\n"
    ".pager a{margin-right:1em}\n";

/* ---- writing ---- */

/* Text from the index or the request, HTML-escaped: characters a terminal or a reader
 * would not see as they are (controls, bidi controls, bytes that are not UTF-8) become
 * their visible escapes (hsok_visible_next), tab and line ends a space; the rest goes
 * through hsok_write_html. */
static void html_n(FILE *f, const char *s, size_t len)
{
    if (!s)
        return;
    char *clean = malloc(len * 8 + 1);
    if (!clean)
        return;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        char esc[HSOK_ESCAPE_MAX];
        size_t n = hsok_visible_next(s + i, len - i, esc);
        if (n == 0)
            break;
        if (!esc[0] && s[i] != '\0') {
            memcpy(clean + o, s + i, n);
            o += n;
        } else if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
            clean[o++] = ' ';
        } else {
            size_t e = strlen(esc);
            memcpy(clean + o, esc, e);
            o += e;
        }
        i += n;
    }
    clean[o] = '\0';
    hsok_write_html(f, clean);
    free(clean);
}

static void html(FILE *f, const char *s)
{
    if (s)
        html_n(f, s, strlen(s));
}

/* s percent-encoded for a URL's query (every byte but ALPHA DIGIT - . _ ~); safe in an
 * HTML attribute as it is. */
static void url(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~')
            putc(*p, f);
        else
            fprintf(f, "%%%02X", *p);
    }
}

static const char *param(const serve_req_t *req, const char *key)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (!strcmp(req->params[i].key, key))
            return req->params[i].value ? req->params[i].value : "";
    return NULL;
}

/* a parameter's value, "" when absent */
static const char *pval(const serve_req_t *req, const char *key)
{
    const char *v = param(req, key);
    return v ? v : "";
}

int serve_secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;
    for (size_t i = 0; i < la; i++)
        d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
    return d == 0;
}

int serve_index_locked(const char *db_path)
{
    /* Xapian's glass backend holds an fcntl lock on DIR/flintlock while a writer has the
     * index open; F_GETLK asks about it without taking it */
    char path[4096];
    if (snprintf(path, sizeof path, "%s/flintlock", db_path) >= (int)sizeof path)
        return 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat sb;
    int locked = 0;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
#ifdef F_OFD_GETLK
        if (fcntl(fd, F_OFD_GETLK, &fl) == 0)
            locked = fl.l_type != F_UNLCK;
        else
#endif
        if (fcntl(fd, F_GETLK, &fl) == 0)
            locked = fl.l_type != F_UNLCK;
    }
    close(fd);
    return locked;
}

int serve_form_decode(const char *s, size_t len, serve_param_t **params, size_t *n,
                      char **store)
{
    *params = NULL;
    *n = 0;
    *store = malloc(len + 2);
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += s[i] == '&';
    *params = calloc(cap, sizeof **params);
    if (!*store || !*params) {
        free(*store);
        free(*params);
        *store = NULL;
        *params = NULL;
        return -1;
    }
    char *o = *store;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && s[e] != '&')
            e++;
        char *key = o, *value = NULL;
        int bad = 0;
        for (size_t k = i; k < e; k++) {
            unsigned char c = (unsigned char)s[k];
            if (c == '=' && !value) {
                *o++ = '\0';
                value = o;
                continue;
            }
            if (c == '+') {
                c = ' ';
            } else if (c == '%' && k + 2 < e && isxdigit((unsigned char)s[k + 1]) &&
                       isxdigit((unsigned char)s[k + 2])) {
                char hex[3] = { s[k + 1], s[k + 2], '\0' };
                c = (unsigned char)strtoul(hex, NULL, 16);
                k += 2;
            }
            if (c == '\0')
                bad = 1;
            *o++ = (char)c;
        }
        *o++ = '\0';
        if (!value) {
            value = o - 1; /* "" */
        }
        if (!bad && e > i) {
            (*params)[*n].key = key;
            (*params)[*n].value = value;
            (*n)++;
        }
        i = e + 1;
    }
    return 0;
}

/* ---- a page ---- */

typedef struct page {
    FILE *f;
    char *buf;
    size_t len;
    unsigned status;
} page_t;

static int page_open(page_t *p)
{
    memset(p, 0, sizeof *p);
    p->status = 200;
    p->f = open_memstream(&p->buf, &p->len);
    return p->f ? 0 : -1;
}

static void head(page_t *p, const serve_ctx_t *ctx, const char *title, const char *why_ro)
{
    FILE *f = p->f;
    fputs("<!DOCTYPE html>\n<html lang=\"nb\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<title>",
          f);
    html(f, title);
    fputs(" – hsok</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>\n"
          "<body><header><nav id=\"nav\"><a href=\"/search\">Søk</a>"
          "<a href=\"/matrix\">Tema × respondent</a><a href=\"/report\">Rapport</a></nav>"
          "</header>\n<main id=\"main\">\n",
          f);
    (void)ctx;
    if (why_ro) {
        fputs("<p id=\"readonly\">Bare lesing: koding er slått av (", f);
        html(f, why_ro);
        fputs(").</p>\n", f);
    }
}

static void foot(page_t *p)
{
    fputs("</main></body></html>\n", p->f);
}

static void error_box(FILE *f, const char *msg)
{
    fputs("<p class=\"error\" id=\"error\">", f);
    html(f, msg);
    fputs("</p>\n", f);
}

/* Why coding is off now, or NULL when it is on. */
static const char *read_only_reason(const serve_ctx_t *ctx)
{
    if (ctx->read_only)
        return "startet med --read-only";
    if (serve_index_locked(ctx->db_path))
        return "indeksen er låst: 'hsok index' kjører";
    return NULL;
}

static void finish(page_t *p, serve_resp_t *resp)
{
    if (fclose(p->f) != 0) {
        free(p->buf);
        p->buf = NULL;
        p->len = 0;
        p->status = 500;
    }
    resp->status = p->status;
    resp->content_type = "text/html; charset=utf-8";
    resp->body = p->buf;
    resp->len = p->len;
}

/* A plain page with a message and a status. */
static void simple_page(const serve_ctx_t *ctx, serve_resp_t *resp, unsigned status,
                        const char *title, const char *msg)
{
    page_t p;
    if (page_open(&p) != 0) {
        resp->status = 500;
        resp->content_type = "text/plain; charset=utf-8";
        return;
    }
    p.status = status;
    head(&p, ctx, title, NULL);
    fputs("<h1>", p.f);
    html(p.f, title);
    fputs("</h1>\n", p.f);
    error_box(p.f, msg);
    foot(&p);
    finish(&p, resp);
}

static unsigned status_http(hsok_status_t st)
{
    switch (st) {
    case HSOK_ERR_QUERY:
    case HSOK_ERR_INVALID: return 400;
    case HSOK_ERR_NOT_FOUND: return 404;
    case HSOK_ERR_LOCKED: return 409;
    default: return 500;
    }
}

/* ---- what a request shares: the index, the codes, the themes ---- */

typedef struct view {
    hsok_db_t *db;
    hsok_codes_t *codes;
    const hsok_theme_matrix_t *themes; /* the whole index's matrix: its themes and
                                          respondents (the cache's) */
} view_t;

/* The whole index's matrix, with the codes applied, is most of a page's time on a big index
 * (3 s of 3.3 on 100 MB of responses): it is kept until the index (its iamglass, rewritten
 * by every commit) or the codes file changes. serve_handle runs one request at a time. */
static struct {
    struct stat db, codes;
    hsok_theme_matrix_t *m;
} cache;

static void stamp(const char *path, const char *name, struct stat *sb)
{
    char buf[4096];
    memset(sb, 0, sizeof *sb);
    if (name && snprintf(buf, sizeof buf, "%s/%s", path, name) >= (int)sizeof buf)
        return;
    if (stat(name ? buf : path, sb) != 0)
        memset(sb, 0, sizeof *sb);
}

static int same_stamp(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

void serve_cache_free(void)
{
    if (cache.m)
        hsok_theme_matrix_free(cache.m);
    memset(&cache, 0, sizeof cache);
}

static hsok_status_t view_open(const serve_ctx_t *ctx, view_t *v, char **err)
{
    memset(v, 0, sizeof *v);
    struct stat dbs, cs; /* before reading: a change meanwhile is seen next time */
    stamp(ctx->db_path, "iamglass", &dbs);
    stamp(ctx->codes_path, NULL, &cs);
    hsok_status_t st = hsok_db_open(ctx->db_path, HSOK_DB_READ, &v->db, err);
    if (st == HSOK_OK)
        st = hsok_codes_load(ctx->codes_path, 0, &v->codes, err);
    if (st == HSOK_OK && !(cache.m && same_stamp(&dbs, &cache.db) &&
                           same_stamp(&cs, &cache.codes))) {
        hsok_select_t sel = { 0 };
        sel.codes = v->codes;
        hsok_theme_matrix_t *m = NULL;
        st = hsok_db_theme_matrix(v->db, &sel, &m, err);
        if (st == HSOK_OK) {
            serve_cache_free();
            cache.m = m;
            cache.db = dbs;
            cache.codes = cs;
        }
    }
    v->themes = cache.m;
    return st;
}

static void view_close(view_t *v)
{
    hsok_codes_free(v->codes);
    if (v->db)
        hsok_db_close(v->db, NULL);
}

static const char *theme_label(const view_t *v, const char *id)
{
    for (size_t t = 0; t < v->themes->nthemes; t++)
        if (!strcmp(v->themes->themes[t].id, id))
            return v->themes->themes[t].label;
    return id;
}

/* view_open and page_open, or on failure the error page in resp (-1) */
static int view_page(const serve_ctx_t *ctx, view_t *v, page_t *p, serve_resp_t *resp)
{
    char *err = NULL;
    hsok_status_t st = view_open(ctx, v, &err);
    if (st == HSOK_OK && page_open(p) == 0)
        return 0;
    view_close(v);
    if (st == HSOK_OK)
        resp->status = 500;
    else
        simple_page(ctx, resp, status_http(st), "Feil", err ? err : hsok_status_str(st));
    free(err);
    return -1;
}

/* ---- pieces of pages ---- */

static void option(FILE *f, const char *value, const char *label, const char *selected)
{
    fputs("<option value=\"", f);
    html(f, value);
    fputs("\"", f);
    if (selected && !strcmp(selected, value))
        fputs(" selected", f);
    fputs(">", f);
    html(f, label);
    fputs("</option>", f);
}

/* The filters of a search (GET parameters). */
typedef struct filters {
    const char *q, *theme, *respondent, *type, *position, *section, *file;
    int exact;     /* respondent is the whole name */
    int unsure;    /* only passages with an unsure automatic tag (of theme) not coded by hand */
    unsigned offset;
} filters_t;

static void filters_read(const serve_req_t *req, filters_t *fl)
{
    fl->q = pval(req, "q");
    fl->theme = pval(req, "theme");
    fl->respondent = pval(req, "respondent");
    fl->type = pval(req, "type");
    fl->position = pval(req, "position");
    fl->section = pval(req, "section");
    fl->file = pval(req, "file");
    fl->exact = !strcmp(pval(req, "exact"), "1");
    fl->unsure = !strcmp(pval(req, "unsure"), "1");
    const char *o = pval(req, "offset");
    char *end;
    unsigned long off = strtoul(o, &end, 10);
    fl->offset = *o && !*end && off < 1000000 ? (unsigned)off : 0;
}

/* the filters as URL parameters ("&amp;" between them), without the offset */
static void filters_url(FILE *f, const filters_t *fl)
{
    static const char *const keys[] = { "q", "theme", "respondent", "type", "position",
                                        "section", "file" };
    const char *vals[] = { fl->q, fl->theme, fl->respondent, fl->type, fl->position,
                           fl->section, fl->file };
    int first = 1;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (!*vals[i])
            continue;
        fprintf(f, "%s%s=", first ? "" : "&amp;", keys[i]);
        url(f, vals[i]);
        first = 0;
    }
    if (fl->exact && *fl->respondent) {
        fputs(first ? "exact=1" : "&amp;exact=1", f);
        first = 0;
    }
    if (fl->unsure)
        fputs(first ? "unsure=1" : "&amp;unsure=1", f);
}

static void search_form(FILE *f, const view_t *v, const filters_t *fl)
{
    fputs("<form id=\"search\" method=\"get\" action=\"/search\" role=\"search\">\n"
          "<label>Søk<input type=\"search\" name=\"q\" value=\"", f);
    html(f, fl->q);
    fputs("\" placeholder=\"personvern -GDPR, &quot;digital kompetanse&quot;, helse*\" "
          "autofocus></label>\n<label>Tema<select name=\"theme\">", f);
    option(f, "", "alle", fl->theme);
    for (size_t t = 0; t < v->themes->nthemes; t++)
        option(f, v->themes->themes[t].id, v->themes->themes[t].label, fl->theme);
    fputs("</select></label>\n<label>Respondent<input name=\"respondent\" list=\"respondents\" "
          "value=\"", f);
    html(f, fl->respondent);
    fputs("\"></label><datalist id=\"respondents\">", f);
    /* the respondents with the most passages: a name list, not a directory of thousands */
    for (size_t r = 0; r < v->themes->nrespondents && r < MAX_NAMES; r++) {
        fputs("<option value=\"", f);
        html(f, v->themes->respondents[r]);
        fputs("\"></option>", f);
    }
    fputs("</datalist>\n", f);
    if (fl->exact)
        fputs("<input type=\"hidden\" name=\"exact\" value=\"1\">", f);
    fputs("<label>Type<select name=\"type\">", f);
    option(f, "", "alle", fl->type);
    for (size_t i = 0; hsok_respondent_type_at(i); i++)
        option(f, hsok_respondent_type_at(i), hsok_respondent_type_at(i), fl->type);
    fputs("</select></label>\n<label>Standpunkt<select name=\"position\">", f);
    option(f, "", "alle", fl->position);
    for (int p = HSOK_POSITION_SUPPORT; p < HSOK_POSITION_COUNT; p++)
        option(f, hsok_position_id((hsok_position_t)p), hsok_position_label((hsok_position_t)p),
               fl->position);
    option(f, "ingen", "uten standpunkt", fl->position);
    fputs("</select></label>\n<label>Del<input name=\"section\" value=\"", f);
    html(f, fl->section);
    fputs("\"></label>\n<label>Fil<input name=\"file\" value=\"", f);
    html(f, fl->file);
    fputs("\" placeholder=\"stien som i indeksen\"></label>\n"
          "<label class=\"check\" title=\"avsnitt med et tema merket usikkert (svake ord eller fra "
          "avsnittet ved siden av) som ikke er kodet for hånd: gå gjennom og kod dem\">"
          "<input type=\"checkbox\" name=\"unsure\" value=\"1\"", f);
    if (fl->unsure)
        fputs(" checked", f);
    fputs(">bare usikre temaer</label>\n"
          "<button type=\"submit\">Søk</button></form>\n", f);
}

/* The coding form of passage id: +/- a theme, a note. Afterwards back to the search of
 * back_search (the list of unsure tags, at its page), or else to /response?back_key=back_value. */
static void code_form(FILE *f, const serve_ctx_t *ctx, const view_t *v, const char *id,
                      const char *back_key, const char *back_value,
                      const filters_t *back_search, const char *why_ro)
{
    fputs("<details class=\"coding\"><summary>Kod</summary>", f);
    if (why_ro) {
        fputs("<p class=\"code-off\">Koding er slått av: ", f);
        html(f, why_ro);
        fputs("</p></details>\n", f);
        return;
    }
    fputs("<form class=\"code\" method=\"post\" action=\"/code\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"", f);
    html(f, ctx->csrf);
    fputs("\"><input type=\"hidden\" name=\"id\" value=\"", f);
    html(f, id);
    if (back_search) {
        fputs("\"><input type=\"hidden\" name=\"back\" value=\"/search?", f);
        filters_url(f, back_search);
        if (back_search->offset)
            fprintf(f, "&amp;offset=%u", back_search->offset);
    } else {
        fputs("\"><input type=\"hidden\" name=\"back\" value=\"/response?", f);
        fputs(back_key, f);
        putc('=', f);
        url(f, back_value);
    }
    fputs("\"><select name=\"sign\"><option value=\"+\">+ legg til</option>"
          "<option value=\"-\">− fjern</option></select><select name=\"theme\">", f);
    for (size_t t = 0; t < v->themes->nthemes; t++)
        option(f, v->themes->themes[t].id, v->themes->themes[t].label, NULL);
    fputs("</select><input name=\"note\" placeholder=\"notat\" maxlength=\"2000\">"
          "<button type=\"submit\">Lagre</button></form></details>\n", f);
}

/* The themes of r with the codes applied; the manual ones marked. */
static void themes_of(FILE *f, const view_t *v, const hsok_record_t *r)
{
    cli_coded_t cd;
    if (cli_coded(v->codes, r, &cd) != 0)
        return;
    if (cd.rec.nthemes)
        fputs("<span class=\"themes\">", f);
    for (size_t i = 0; i < cd.rec.nthemes; i++) {
        int manual = 0;
        for (size_t k = 0; k < cd.nadded; k++)
            manual |= !strcmp(cd.added[k], cd.rec.themes[i]);
        const hsok_tag_t *tag = hsok_record_tag(&cd.rec, cd.rec.themes[i]);
        int unsure = !manual && tag && tag->unsure;
        fprintf(f, "<span class=\"theme%s\" data-theme=\"",
                manual ? " manual" : unsure ? " unsure" : "");
        html(f, cd.rec.themes[i]);
        fputs("\" title=\"", f);
        html(f, theme_label(v, cd.rec.themes[i]));
        fputs(manual   ? " (manuell)\">"
              : unsure ? " (usikker: svake ord eller fra avsnittet ved siden av)\">"
                       : "\">",
              f);
        html(f, cd.rec.themes[i]);
        if (unsure)
            fputc('?', f);
        fputs("</span>", f);
    }
    if (cd.rec.nthemes)
        fputs("</span>", f);
    for (size_t k = 0; k < cd.nremoved; k++) {
        fputs("<span class=\"theme removed\" title=\"fjernet manuelt\"><s>", f);
        html(f, cd.removed[k]);
        fputs("</s></span>", f);
    }
    cli_coded_free(&cd);
}

/* "Respondent (type), s. 3 — section" and the position; in a whole response (with_name 0)
 * the name and the section are its headings, not repeated */
static void passage_meta(FILE *f, const hsok_record_t *r, int with_name)
{
    char pages[32];
    hsok_page_label(r->page, r->end_page, pages, sizeof pages);
    if (with_name) {
        fputs("<span class=\"respondent\">", f);
        html(f, r->respondent && *r->respondent ? r->respondent : "(ukjent respondent)");
        fputs("</span>", f);
        if (r->respondent_type && *r->respondent_type) {
            fputs(" <span class=\"rtype\">(", f);
            html(f, r->respondent_type);
            fputs(")</span>", f);
        }
    }
    if (*pages) {
        fputs(" <span class=\"page\">", f);
        html(f, pages);
        fputs("</span>", f);
    }
    if (with_name && r->section && *r->section) {
        fputs(" — <span class=\"section\">", f);
        html(f, r->section);
        fputs("</span>", f);
    }
    hsok_position_t pos;
    if (r->position && *r->position && hsok_position_parse(r->position, &pos) == 0) {
        fputs("<span class=\"position\" data-position=\"", f);
        html(f, r->position);
        fputs("\">", f);
        html(f, hsok_position_label(pos));
        fputs("</span>", f);
    }
    if (r->form_text)
        fputs(" <span class=\"form-text\">(skjematekst)</span>", f);
}

/* ---- search ---- */

static int file_matches(const filters_t *fl, const hsok_record_t *r)
{
    return !*fl->file || !strcmp(fl->file, r->source);
}

/* The unsure filter: r has an automatic tag marked unsure (of the theme filter's theme, if
 * one is chosen) that no manual code settles, + or -. */
static int unsure_matches(const filters_t *fl, const view_t *v, const hsok_record_t *r)
{
    if (!fl->unsure)
        return 1;
    for (size_t t = 0; t < r->ntags; t++) {
        const hsok_tag_t *tag = &r->tags[t];
        if (tag->unsure && (!*fl->theme || !strcmp(fl->theme, tag->theme)) &&
            !cli_code_settles(v->codes, r, tag->theme))
            return 1;
    }
    return 0;
}

static void hit_html(FILE *f, const serve_ctx_t *ctx, const view_t *v, const hsok_record_t *r,
                     const hsok_hit_t *h, const filters_t *back_search, const char *why_ro)
{
    const char *cls = !h ? "" : h->match == HSOK_MATCH_RELATED ? " related"
                              : h->match == HSOK_MATCH_VARIANT ? " variant" : "";
    fprintf(f, "<li class=\"hit%s%s\" id=\"hit-", cls, h && !h->all_words ? " some-words" : "");
    html(f, r->id);
    fputs("\" data-id=\"", f);
    html(f, r->id);
    fputs("\"><div class=\"meta\">", f);
    passage_meta(f, r, 1);
    if (h && h->match == HSOK_MATCH_RELATED)
        fputs("<span class=\"match\" title=\"bare gjennom delene av et sammensatt ord, eller "
              "andre sammensetninger med samme siste ledd\">relatert</span>", f);
    else if (h && h->match == HSOK_MATCH_VARIANT)
        fputs("<span class=\"match\" title=\"bare gjennom den andre målformen\">"
              "bokmål/nynorsk</span>", f);
    fputs("</div>\n<p class=\"snippet\">", f);
    if (h && h->snippet) {
        const char *s = h->snippet;
        size_t at = 0, len = strlen(s);
        for (size_t i = 0; i < h->nspans; i++) {
            size_t a = h->spans[i].start, b = h->spans[i].end;
            if (a < at || b < a || b > len)
                continue;
            html_n(f, s + at, a - at);
            fputs("<mark>", f);
            html_n(f, s + a, b - a);
            fputs("</mark>", f);
            at = b;
        }
        html_n(f, s + at, len - at);
    } else {
        html(f, r->text);
    }
    fputs("</p>\n<div class=\"meta\">", f);
    themes_of(f, v, r);
    if (h && h->copy)
        fputs(" <span class=\"copy\">(en kopi: samme tekst fra flere respondenter)</span>", f);
    else if (h && h->duplicates)
        fprintf(f, " <span class=\"dups\">(+%u like avsnitt fra samme respondent)</span>",
                h->duplicates);
    fputs(" <a class=\"response\" href=\"/response?id=", f);
    url(f, r->id);
    fputs("#p-", f);
    url(f, r->id);
    fputs("\">Hele svaret</a></div>\n", f);
    code_form(f, ctx, v, r->id, "id", r->id, back_search, why_ro);
    fputs("</li>\n", f);
}

static void separator(FILE *f, const hsok_hit_t *h, const hsok_hit_t *prev, size_t i,
                      size_t nall)
{
    if (!h->all_words && (!prev || prev->all_words))
        fprintf(f, "<li class=\"sep\" data-sep=\"some\">%s</li>\n",
                i == 0 && nall == 0 ? "Ingen avsnitt har alle ordene; avsnitt med noen av dem"
                                    : "Avsnitt med bare noen av ordene");
    if (h->match == HSOK_MATCH_VARIANT &&
        (!prev || prev->match != HSOK_MATCH_VARIANT || prev->all_words != h->all_words))
        fputs("<li class=\"sep\" data-sep=\"variant\">Bokmål/nynorsk: ordene i den andre målformen</li>\n",
              f);
    if (h->match == HSOK_MATCH_RELATED &&
        (!prev || prev->match != HSOK_MATCH_RELATED || prev->all_words != h->all_words))
        fputs("<li class=\"sep\" data-sep=\"related\">Relatert: delene av det sammensatte ordet hver for seg, "
              "eller andre sammensetninger med samme siste ledd</li>\n", f);
}

static void pager(FILE *f, const filters_t *fl, size_t shown, int more)
{
    if (!fl->offset && !more)
        return;
    fputs("<p class=\"pager\">", f);
    if (fl->offset) {
        fputs("<a id=\"prev\" href=\"/search?", f);
        filters_url(f, fl);
        fprintf(f, "&amp;offset=%u\">← forrige</a>",
                fl->offset > PAGE_HITS ? fl->offset - PAGE_HITS : 0);
    }
    if (more) {
        fputs("<a id=\"next\" href=\"/search?", f);
        filters_url(f, fl);
        fprintf(f, "&amp;offset=%zu\">neste →</a>", fl->offset + shown);
    }
    fputs("</p>\n", f);
}

static void export_links(FILE *f, const filters_t *fl)
{
    static const char *const fmts[][2] = { { "csv", "CSV" }, { "jsonl", "JSONL" },
                                           { "md", "Markdown" }, { "html", "HTML" },
                                           { "xlsx", "Excel" } };
    fputs("<p id=\"export\">Last ned: ", f);
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) {
        fprintf(f, "<a class=\"export\" data-format=\"%s\" href=\"/export?format=%s&amp;",
                fmts[i][0], fmts[i][0]);
        filters_url(f, fl);
        fprintf(f, "\" download>%s</a>", fmts[i][1]);
    }
    fputs(" · <a id=\"report-link\" href=\"/report?", f);
    filters_url(f, fl);
    fputs("\">Vis som rapport</a></p>\n", f);
}

/* the filters' lists, borrowed by opts (or sel) */
typedef struct filter_lists {
    const char *themes[1], *respondents[1], *types[1], *positions[1];
} filter_lists_t;

static hsok_status_t check_filters(const filters_t *fl, filter_lists_t *ls, char **err)
{
    memset(ls, 0, sizeof *ls);
    if (strlen(fl->q) > MAX_QUERY) {
        *err = strdup("the query is longer than 2000 bytes");
        return HSOK_ERR_QUERY;
    }
    ls->themes[0] = fl->theme;
    ls->respondents[0] = fl->respondent;
    if (*fl->type) {
        ls->types[0] = hsok_respondent_type_name(fl->type, strlen(fl->type));
        if (!ls->types[0]) {
            *err = strdup("unknown respondent type");
            return HSOK_ERR_QUERY;
        }
    }
    if (*fl->position) {
        hsok_position_t p;
        if (hsok_position_parse(fl->position, &p) < 0) {
            *err = strdup("unknown position");
            return HSOK_ERR_QUERY;
        }
        ls->positions[0] = p == HSOK_POSITION_NONE ? "ingen" : hsok_position_id(p);
    }
    return HSOK_OK;
}

/* the query with the section filter: "(q) section:"s"", or "section:"s"" alone */
static char *query_with_section(const filters_t *fl)
{
    char *q = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&q, &len);
    if (!f)
        return NULL;
    if (*fl->section) {
        if (*fl->q) /* else the field alone selects */
            fprintf(f, "(%s) ", fl->q);
        fputs("section:\"", f);
        for (const char *s = fl->section; *s; s++)
            putc(*s == '"' ? ' ' : *s, f);
        putc('"', f);
    } else {
        fputs(fl->q, f);
    }
    if (fclose(f) != 0) {
        free(q);
        return NULL;
    }
    return q;
}

/* The selection of the respondent, type and position filters (no query, no theme). */
static void select_of(const filters_t *fl, const filter_lists_t *ls, hsok_select_t *sel)
{
    memset(sel, 0, sizeof *sel);
    sel->respondents = ls->respondents;
    sel->nrespondents = *fl->respondent != '\0';
    sel->respondent_exact = fl->exact;
    sel->types = ls->types;
    sel->ntypes = *fl->type != '\0';
    sel->positions = ls->positions;
    sel->npositions = *fl->position != '\0';
}

/* Hits of a query. */
static hsok_status_t run_query(FILE *f, const serve_ctx_t *ctx, const view_t *v,
                               const filters_t *fl, const filter_lists_t *ls,
                               const char *why_ro, char **err)
{
    hsok_search_opts_t o;
    memset(&o, 0, sizeof o);
    o.limit = *fl->file ? FILE_FILTER_MAX : PAGE_HITS + 1;
    o.offset = *fl->file ? 0 : fl->offset;
    o.respondents = ls->respondents;
    o.nrespondents = *fl->respondent != '\0';
    o.respondent_exact = fl->exact;
    o.themes = ls->themes;
    o.nthemes = *fl->theme != '\0';
    o.types = ls->types;
    o.ntypes = *fl->type != '\0';
    o.positions = ls->positions;
    o.npositions = *fl->position != '\0';
    hsok_theme_code_t *tc = NULL;
    size_t ntc = 0;
    hsok_status_t st = HSOK_OK;
    if (hsok_codes_count(v->codes)) /* theme filters (also tema: in q) see the codes */
        st = hsok_codes_resolve(v->db, v->codes, &tc, &ntc, err);
    o.theme_codes = tc;
    o.ntheme_codes = ntc;
    char *q = query_with_section(fl);
    if (!q && st == HSOK_OK) {
        *err = strdup("out of memory");
        st = HSOK_ERR_NOMEM;
    }
    hsok_results_t *res = NULL;
    if (st == HSOK_OK)
        st = hsok_search(v->db, q, &o, &res, err);
    free(q);
    if (st == HSOK_OK) {
        size_t n = hsok_results_count(res), shown = 0, seen = 0;
        const char *least = hsok_results_counts_exact(res) ? "" : "minst ";
        size_t est = hsok_results_estimated(res);
        if (*fl->file)
            fputs("<p id=\"summary\">", f);
        else
            fprintf(f, "<p id=\"summary\">%s%zu treff (%s%zu avsnitt)", least, est, least,
                    hsok_results_passages(res));
        size_t rel = hsok_results_estimated_related(res), var = hsok_results_estimated_variant(res);
        if (!*fl->file && (rel || var))
            fprintf(f, "; %s%zu eksakte, %s%zu bokmål/nynorsk, %s%zu relaterte", least,
                    est - rel - var, least, var, least, rel);
        const char *sugg = hsok_results_suggestion(res);
        if (sugg) {
            fputs(". Mente du: <a id=\"suggestion\" href=\"/search?q=", f);
            url(f, sugg);
            fputs("\">", f);
            html(f, sugg);
            fputs("</a>?", f);
        }
        fputs("</p>\n<ol id=\"hits\">\n", f);
        const hsok_hit_t *prev = NULL;
        int more = 0;
        for (size_t i = 0; i < n; i++) {
            const hsok_hit_t *h = hsok_results_get(res, i);
            if (!file_matches(fl, &h->rec))
                continue;
            if (*fl->file && seen++ < fl->offset)
                continue;
            if (shown == PAGE_HITS) {
                more = 1;
                break;
            }
            separator(f, h, prev, shown, hsok_results_estimated_all(res));
            hit_html(f, ctx, v, &h->rec, h, NULL, why_ro);
            prev = h;
            shown++;
        }
        fputs("</ol>\n", f);
        if (!shown)
            fputs("<p id=\"none\">Ingen avsnitt passer.</p>\n", f);
        pager(f, fl, shown, more);
        hsok_results_free(res);
    }
    hsok_theme_codes_free(tc, ntc);
    return st;
}

/* The passages the filters select, without a query. */
static hsok_status_t run_select(FILE *f, const serve_ctx_t *ctx, const view_t *v,
                                const filters_t *fl, const filter_lists_t *ls,
                                const char *why_ro, char **err)
{
    hsok_select_t sel;
    select_of(fl, ls, &sel);
    char *q = NULL; /* the unsure filter lists by selection, a query's hits too */
    if (*fl->q || *fl->section) {
        q = query_with_section(fl);
        if (!q) {
            *err = strdup("out of memory");
            return HSOK_ERR_NOMEM;
        }
        sel.query = q;
    }
    int coded = hsok_codes_count(v->codes) > 0;
    if (!coded) {
        sel.themes = ls->themes;
        sel.nthemes = *fl->theme != '\0';
    }
    hsok_records_t *recs = NULL;
    hsok_status_t st = hsok_db_select(v->db, &sel, &recs, err);
    free(q);
    if (st == HSOK_OK && coded)
        st = hsok_codes_apply_select(v->codes, recs, ls->themes, *fl->theme != '\0', 0, err);
    if (st != HSOK_OK)
        return st;
    size_t n = hsok_records_count(recs), matching = 0;
    for (size_t i = 0; i < n; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        matching += file_matches(fl, r) && unsure_matches(fl, v, r);
    }
    fprintf(f, "<p id=\"summary\">%zu avsnitt</p>\n<ol id=\"hits\">\n", matching);
    size_t seen = 0, shown = 0;
    for (size_t i = 0; i < n && shown < PAGE_HITS; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        if (!file_matches(fl, r) || !unsure_matches(fl, v, r) || seen++ < fl->offset)
            continue;
        hit_html(f, ctx, v, r, NULL, fl->unsure ? fl : NULL, why_ro);
        shown++;
    }
    fputs("</ol>\n", f);
    if (!shown)
        fputs("<p id=\"none\">Ingen avsnitt passer.</p>\n", f);
    pager(f, fl, shown, fl->offset + shown < matching);
    hsok_records_free(recs);
    return HSOK_OK;
}

static void page_search(const serve_ctx_t *ctx, const serve_req_t *req, serve_resp_t *resp)
{
    filters_t fl;
    filters_read(req, &fl);
    view_t v;
    page_t p;
    if (view_page(ctx, &v, &p, resp) != 0)
        return;
    const char *why_ro = read_only_reason(ctx);
    head(&p, ctx, *fl.q ? fl.q : "Søk", why_ro);
    fputs("<h1>Søk i høringssvarene</h1>\n", p.f);
    search_form(p.f, &v, &fl);
    int any = *fl.q || *fl.theme || *fl.respondent || *fl.type || *fl.position ||
              *fl.section || *fl.file || fl.unsure;
    if (any) {
        filter_lists_t ls;
        char *err = NULL;
        hsok_status_t st = check_filters(&fl, &ls, &err);
        if (st == HSOK_OK && fl.unsure)
            fputs("<p id=\"review-note\">Avsnitt med et tema merket usikkert (svake ord, eller "
                  "fra avsnittet ved siden av) som ikke er kodet for hånd. Kod hvert av dem: "
                  "<b>+</b> beholder temaet, <b>−</b> fjerner det; da går det ut av listen. "
                  "(Eksportene tar alle avsnitt: velg bort «bare usikre temaer» for dem.)</p>\n",
                  p.f);
        else if (st == HSOK_OK)
            export_links(p.f, &fl);
        if (st == HSOK_OK) {
            st = (*fl.q || *fl.section) && !fl.unsure
                     ? run_query(p.f, ctx, &v, &fl, &ls, why_ro, &err)
                     : run_select(p.f, ctx, &v, &fl, &ls, why_ro, &err);
        }
        if (st != HSOK_OK) {
            p.status = status_http(st);
            error_box(p.f, err ? err : hsok_status_str(st));
            free(err);
        }
    } else {
        fprintf(p.f, "<p id=\"summary\">Indeksen har %zu avsnitt fra %zu respondenter. "
                     "Skriv et søk, eller velg et tema eller en respondent.</p>\n",
                v.themes->passages, v.themes->nrespondents);
    }
    foot(&p);
    finish(&p, resp);
    view_close(&v);
}

/* ---- the matrix ---- */

static void page_matrix(const serve_ctx_t *ctx, const serve_req_t *req, serve_resp_t *resp)
{
    (void)req;
    view_t v;
    page_t p;
    if (view_page(ctx, &v, &p, resp) != 0)
        return;
    const hsok_theme_matrix_t *m = v.themes;
    FILE *f = p.f;
    head(&p, ctx, "Tema × respondent", read_only_reason(ctx));
    fprintf(f, "<h1>Tema × respondent</h1>\n<p id=\"summary\">%zu respondenter, %zu temaer, "
               "%zu avsnitt (%zu med tema). Tallene er avsnitt; klikk for å se dem.</p>\n",
            m->nrespondents, m->nthemes, m->passages, m->tagged);
    size_t max = 1;
    for (size_t i = 0; i < m->nrespondents * m->nthemes; i++)
        if (m->counts[i] > max)
            max = m->counts[i];
    fputs("<table id=\"matrix\"><thead><tr><th class=\"resp\">Respondent</th>"
          "<th class=\"rtype\">Type</th>", f);
    for (size_t t = 0; t < m->nthemes; t++) {
        fputs("<th scope=\"col\" class=\"theme\" data-theme=\"", f);
        html(f, m->themes[t].id);
        fputs("\" title=\"", f);
        html(f, m->themes[t].label);
        fputs("\">", f);
        html(f, m->themes[t].label && *m->themes[t].label ? m->themes[t].label
                                                          : m->themes[t].id);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t r = 0; r < m->nrespondents; r++) {
        const char *name = m->respondents[r];
        fputs("<tr><th scope=\"row\" class=\"resp\"><a href=\"/response?respondent=", f);
        url(f, name);
        fputs("\" title=\"", f);
        html(f, name);
        fputs("\">", f);
        html(f, *name ? name : "(ukjent)");
        fputs("</a></th><td class=\"rtype\">", f);
        html(f, m->respondent_types ? m->respondent_types[r] : "");
        fputs("</td>", f);
        for (size_t t = 0; t < m->nthemes; t++) {
            size_t c = m->counts[r * m->nthemes + t];
            if (!c) {
                fputs("<td class=\"c0\"></td>", f);
                continue;
            }
            unsigned shade = (unsigned)(1 + (3 * (c - 1)) / max);
            fprintf(f, "<td class=\"c%u\"><a href=\"/search?theme=", shade > 4 ? 4 : shade);
            url(f, m->themes[t].id);
            fputs("&amp;respondent=", f);
            url(f, name);
            fprintf(f, "&amp;exact=1\">%zu</a></td>", c);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody><tfoot><tr><th class=\"resp\">Avsnitt</th><td></td>", f);
    for (size_t t = 0; t < m->nthemes; t++) {
        fputs("<td><a href=\"/search?theme=", f);
        url(f, m->themes[t].id);
        fprintf(f, "\">%zu</a></td>", m->theme_passages[t]);
    }
    fputs("</tr></tfoot></table>\n", f);
    foot(&p);
    finish(&p, resp);
    view_close(&v);
}

/* ---- a whole response ---- */

/* a checkbox answer where it stands: the question, the option ticked, the options */
static void stance_html(FILE *f, const hsok_db_stance_t *s)
{
    fprintf(f, "<div class=\"stance\" data-question=\"%d\">", s->question_no);
    if (*s->question) {
        fputs("<span class=\"question\">", f);
        html(f, s->question);
        fputs("</span> ", f);
    }
    fputs("Svar: <strong class=\"answer\">", f);
    html(f, *s->answer ? s->answer : "(ingenting krysset av)");
    fputs("</strong> <span class=\"options\">(", f);
    for (const char *o = s->options; *o;) {
        size_t n = strcspn(o, "|");
        html_n(f, o, n);
        o += n;
        if (*o == '|') {
            fputs(" / ", f);
            o++;
        }
    }
    fputs(")</span></div>\n", f);
}

/* the stances of order[*next..n) before line `line` of `source` (all that are left with
 * source NULL), as cmd_show.c's flush_stances */
static void stances_before(FILE *f, const hsok_db_stance_t **order, size_t n, size_t *next,
                           const char *source, unsigned line)
{
    for (; *next < n; (*next)++) {
        const hsok_db_stance_t *s = order[*next];
        int c = source ? strcmp(s->source, source) : -1;
        if (c > 0 || (c == 0 && s->line >= line))
            break;
        stance_html(f, s);
    }
}

static void page_response(const serve_ctx_t *ctx, const serve_req_t *req, serve_resp_t *resp)
{
    const char *id = param(req, "id"), *who = param(req, "respondent");
    if ((!id || !*id) && (!who || !*who)) {
        simple_page(ctx, resp, 400, "Feil", "give id or respondent");
        return;
    }
    view_t v;
    char *err = NULL, *which = NULL;
    hsok_records_t *ctxrecs = NULL, *recs = NULL;
    hsok_status_t st = view_open(ctx, &v, &err);
    hsok_response_sel_t sel = { 0 };
    if (st == HSOK_OK && id && *id) {
        size_t target = 0;
        hsok_db_with_form_text(v.db, 1);
        st = hsok_db_passage_context(v.db, id, 0, 0, &ctxrecs, &target, &err);
        hsok_db_with_form_text(v.db, 0);
        if (st == HSOK_OK && hsok_records_count(ctxrecs) == 0)
            st = HSOK_ERR_NOT_FOUND;
        if (st == HSOK_ERR_NOT_FOUND) {
            free(err);
            err = strdup("no passage with that id in the index");
        }
        if (st == HSOK_OK)
            sel.file = hsok_records_get(ctxrecs, target)->source;
    } else if (st == HSOK_OK) {
        sel.respondent = who;
    }
    if (st == HSOK_OK)
        st = hsok_db_response(v.db, &sel, &recs, &which, &err);
    hsok_stances_t *stances = NULL;
    const hsok_db_stance_t **order = NULL;
    size_t norder = 0, next = 0;
    if (st == HSOK_OK)
        st = hsok_db_stances(v.db, &stances, &err);
    if (st == HSOK_OK && cli_response_stances(recs, stances, sel.respondent ? which : NULL,
                                              &order, &norder) != 0)
        st = HSOK_ERR_NOMEM;
    if (st == HSOK_ERR_QUERY && sel.respondent)
        st = HSOK_ERR_NOT_FOUND;
    if (st != HSOK_OK) {
        simple_page(ctx, resp, status_http(st), "Fant ikke svaret",
                    err ? err : hsok_status_str(st));
        goto out;
    }
    page_t p;
    if (page_open(&p) != 0) {
        resp->status = 500;
        goto out;
    }
    FILE *f = p.f;
    const char *why_ro = read_only_reason(ctx);
    size_t n = hsok_records_count(recs);
    const hsok_record_t *first = n ? hsok_records_get(recs, 0) : NULL;
    const char *name = sel.respondent ? which : first && *first->respondent ? first->respondent
                                                                            : which;
    head(&p, ctx, name ? name : "Svar", why_ro);
    fputs("<h1 id=\"respondent\">", f);
    html(f, name && *name ? name : "(ukjent respondent)");
    if (first && first->respondent_type && *first->respondent_type) {
        fputs(" <span class=\"rtype\">(", f);
        html(f, first->respondent_type);
        fputs(")</span>", f);
    }
    fprintf(f, "</h1>\n<p class=\"meta\" id=\"source\">%zu avsnitt", n);
    const char *src = "";
    for (size_t i = 0; i < n; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        if (strcmp(src, r->source)) {
            fputs(i ? ", " : " i ", f);
            fputs("<a class=\"file\" title=\"søk i denne filen\" href=\"/search?file=", f);
            url(f, r->source);
            fputs("\">", f);
            html(f, r->source);
            fputs("</a>", f);
            src = r->source;
        }
    }
    fputs("</p>\n<div id=\"response\">\n", f);
    const char *section = "";
    src = "";
    for (size_t i = 0; i < n; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        if (strcmp(src, r->source)) {
            section = "";
            src = r->source;
        }
        stances_before(f, order, norder, &next, r->source, r->line);
        const char *sec = r->section ? r->section : "";
        if (strcmp(section, sec) && *sec) {
            fputs("<h2 class=\"section\">", f);
            html(f, sec);
            fputs("</h2>\n", f);
        }
        section = sec;
        fputs("<div class=\"passage\" id=\"p-", f);
        html(f, r->id);
        fputs("\" data-id=\"", f);
        html(f, r->id);
        fputs("\"><div class=\"meta\">", f);
        passage_meta(f, r, 0);
        fputs(" <span class=\"id\">", f);
        html(f, r->id);
        fputs("</span> ", f);
        themes_of(f, &v, r);
        fputs("</div>\n<p class=\"text\">", f);
        html(f, r->text);
        fputs("</p>\n", f);
        code_form(f, ctx, &v, r->id, sel.respondent ? "respondent" : "id",
                  sel.respondent ? who : id, NULL, why_ro);
        fputs("</div>\n", f);
    }
    stances_before(f, order, norder, &next, NULL, 0);
    fputs("</div>\n", f);
    foot(&p);
    finish(&p, resp);
out:
    free(order);
    if (stances)
        hsok_stances_free(stances);
    free(err);
    free(which);
    if (recs)
        hsok_records_free(recs);
    if (ctxrecs)
        hsok_records_free(ctxrecs);
    view_close(&v);
}

/* ---- coding ---- */

/* back is a path of this server ("/response?..."), never another site's URL */
static int local_path(const char *s)
{
    if (s[0] != '/' || s[1] == '/' || s[1] == '\\')
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || *s == '\\' || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

static void page_code(const serve_ctx_t *ctx, const serve_req_t *req, serve_resp_t *resp)
{
    const char *csrf = pval(req, "csrf"), *id = pval(req, "id"), *theme = pval(req, "theme");
    const char *sign = pval(req, "sign"), *note = pval(req, "note"), *back = pval(req, "back");
    if (!serve_secret_equal(csrf, ctx->csrf)) {
        simple_page(ctx, resp, 403, "Avvist", "the form's token is missing or wrong: reload "
                                              "the page and try again");
        return;
    }
    const char *why_ro = read_only_reason(ctx);
    if (why_ro) {
        simple_page(ctx, resp, 409, "Bare lesing", why_ro);
        return;
    }
    if (!*id || !*theme || (strcmp(sign, "+") && strcmp(sign, "-"))) {
        simple_page(ctx, resp, 400, "Feil", "the form needs id, theme and sign (+ or -)");
        return;
    }
    view_t v;
    char *err = NULL;
    hsok_records_t *recs = NULL;
    hsok_codes_t *codes = NULL;
    size_t target = 0;
    hsok_status_t st = view_open(ctx, &v, &err);
    if (st == HSOK_OK) {
        hsok_db_with_form_text(v.db, 1);
        st = hsok_db_passage_context(v.db, id, 0, 0, &recs, &target, &err);
        if (st == HSOK_OK && hsok_records_count(recs) == 0)
            st = HSOK_ERR_NOT_FOUND;
    }
    if (st == HSOK_OK) {
        size_t t = 0;
        while (t < v.themes->nthemes && strcmp(v.themes->themes[t].id, theme))
            t++;
        if (t == v.themes->nthemes) {
            st = HSOK_ERR_INVALID;
            err = strdup("unknown theme");
        }
    }
    if (st == HSOK_OK)
        st = hsok_codes_load(ctx->codes_path, 1, &codes, &err);
    if (st == HSOK_OK)
        st = hsok_codes_set(codes, hsok_records_get(recs, target), theme, sign[0] == '+',
                            *note ? note : NULL, NULL, &err);
    if (st == HSOK_OK)
        st = hsok_codes_save(codes, ctx->codes_path, &err);
    if (st != HSOK_OK) {
        simple_page(ctx, resp, status_http(st), "Kunne ikke kode",
                    err ? err : hsok_status_str(st));
    } else {
        char *loc = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&loc, &len);
        if (f) {
            if (local_path(back))
                fputs(back, f);
            else {
                fputs("/response?id=", f);
                url(f, id);
            }
            fputs("#p-", f);
            url(f, id);
            if (fclose(f) != 0) {
                free(loc);
                loc = NULL;
            }
        }
        resp->status = loc ? 303 : 500;
        resp->location = loc;
        resp->content_type = "text/plain; charset=utf-8";
    }
    free(err);
    hsok_codes_free(codes);
    if (recs)
        hsok_records_free(recs);
    view_close(&v);
}

/* ---- exports ---- */

/* The export of the page's selection, a download; shown: the html report as a page in the
 * browser (/report), its CSS linked from /static/report.css (the server's CSP blocks inline
 * styles). */
static void export_page(const serve_ctx_t *ctx, const serve_req_t *req, serve_resp_t *resp,
                        int shown)
{
    hsok_export_format_t fmt = HSOK_EXPORT_HTML;
    const char *name = pval(req, "format");
    if (!shown && hsok_export_format_parse(name, &fmt) < 0) {
        simple_page(ctx, resp, 400, "Feil", "unknown format: csv, jsonl, md, html or xlsx");
        return;
    }
    filters_t fl;
    filters_read(req, &fl);
    filter_lists_t ls;
    view_t v;
    char *err = NULL, *q = NULL, *body = NULL, *tmp = NULL;
    size_t blen = 0;
    hsok_records_t *recs = NULL;
    hsok_stances_t *stances = NULL;
    hsok_copies_t *copies = NULL;
    hsok_manifest_t *mf = NULL;       /* --manifest: its url column links the report's */
    hsok_export_link_t *links = NULL; /* citations to the original documents */
    size_t nlinks = 0;
    hsok_status_t st = check_filters(&fl, &ls, &err);
    memset(&v, 0, sizeof v);
    if (st == HSOK_OK)
        st = view_open(ctx, &v, &err);
    hsok_select_t sel;
    memset(&sel, 0, sizeof sel);
    if (st == HSOK_OK) {
        q = *fl.q || *fl.section ? query_with_section(&fl) : NULL;
        select_of(&fl, &ls, &sel);
        sel.query = q;
        sel.tagged_only = !q && !*fl.theme; /* as `hsok export` without --all */
        sel.codes = v.codes;
        hsok_select_t csel = sel;
        int coded = hsok_codes_count(v.codes) > 0;
        if (!coded) {
            csel.themes = ls.themes;
            csel.nthemes = *fl.theme != '\0';
        } else {
            csel.tagged_only = 0;
        }
        st = hsok_db_select(v.db, &csel, &recs, &err);
        if (st == HSOK_OK && coded)
            st = hsok_codes_apply_select(v.codes, recs, ls.themes, *fl.theme != '\0',
                                         sel.tagged_only, &err);
    }
    /* the file filter of the page, on the selected passages */
    if (st == HSOK_OK && *fl.file) {
        /* records cannot be removed from a hsok_records_t: an empty selection instead */
        size_t keep = 0;
        for (size_t i = 0; i < hsok_records_count(recs); i++)
            keep += file_matches(&fl, hsok_records_get(recs, i));
        if (keep != hsok_records_count(recs)) {
            st = HSOK_ERR_INVALID;
            err = strdup("an export of some files only is not supported: leave the file "
                         "filter out (the respondent filter selects one respondent)");
        }
    }
    int report = fmt == HSOK_EXPORT_MD || fmt == HSOK_EXPORT_HTML;
    if (st == HSOK_OK && report)
        st = hsok_db_stances(v.db, &stances, &err);
    if (st == HSOK_OK && hsok_db_has_copies(v.db))
        st = hsok_copies_load(v.db, &copies, &err);
    hsok_theme_matrix_t *matrix = NULL;
    if (st == HSOK_OK && (report || fmt == HSOK_EXPORT_XLSX)) {
        hsok_select_t msel = sel;
        msel.themes = ls.themes;
        msel.nthemes = *fl.theme != '\0';
        st = hsok_db_theme_matrix(v.db, &msel, &matrix, &err);
    }
    if (st == HSOK_OK) {
        hsok_export_opts_t eo;
        memset(&eo, 0, sizeof eo);
        eo.format = fmt;
        eo.matrix = matrix;
        eo.stances = stances;
        eo.themes = *fl.theme ? ls.themes : NULL;
        eo.nthemes = *fl.theme != '\0';
        eo.codes = hsok_codes_count(v.codes) ? v.codes : NULL;
        eo.copies = copies;
        eo.selection = *fl.q ? fl.q : NULL;
        eo.stylesheet = shown ? "/static/report.css" : NULL;
        if (ctx->manifest && fmt == HSOK_EXPORT_HTML &&
            cli_manifest_links(ctx->manifest, recs, &mf, &links, &nlinks, 0) < 0) {
            eo.links = links;
            eo.nlinks = nlinks;
        }
        if (fmt == HSOK_EXPORT_XLSX) {
            const char *dir = getenv("TMPDIR");
            if (asprintf(&tmp, "%s/hsok-serve-XXXXXX.xlsx", dir && *dir ? dir : "/tmp") < 0)
                tmp = NULL;
            int fd = tmp ? mkstemps(tmp, 5) : -1;
            if (fd < 0) {
                st = HSOK_ERR_IO;
                err = strdup("cannot make a temporary file");
            } else {
                close(fd);
                st = hsok_export_xlsx(tmp, recs, &eo, &err);
                if (st == HSOK_OK) {
                    char *data = NULL;
                    size_t dlen = 0;
                    st = hsok_read_regular_file(tmp, 256u << 20, &data, &dlen, &err) == HSOK_OK
                             ? HSOK_OK : HSOK_ERR_IO;
                    body = data;
                    blen = dlen;
                }
                unlink(tmp);
            }
        } else {
            FILE *f = open_memstream(&body, &blen);
            if (!f) {
                st = HSOK_ERR_NOMEM;
            } else {
                st = hsok_export(f, recs, &eo, &err);
                if (fclose(f) != 0 && st == HSOK_OK)
                    st = HSOK_ERR_NOMEM;
            }
        }
    }
    if (st != HSOK_OK) {
        free(body);
        simple_page(ctx, resp, status_http(st), "Kunne ikke eksportere",
                    err ? err : hsok_status_str(st));
    } else {
        static const char *const types[] = {
            [HSOK_EXPORT_CSV] = "text/csv; charset=utf-8",
            [HSOK_EXPORT_JSONL] = "application/x-ndjson; charset=utf-8",
            [HSOK_EXPORT_MD] = "text/markdown; charset=utf-8",
            [HSOK_EXPORT_HTML] = "text/html; charset=utf-8",
            [HSOK_EXPORT_XLSX] =
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        };
        static const char *const exts[] = { "csv", "jsonl", "md", "html", "xlsx" };
        resp->status = 200;
        resp->content_type = types[fmt];
        resp->body = body;
        resp->len = blen;
        if (!shown && asprintf(&resp->filename, "hsok-utdrag.%s", exts[fmt]) < 0)
            resp->filename = NULL;
    }
    free(tmp);
    free(q);
    free(err);
    if (matrix)
        hsok_theme_matrix_free(matrix);
    if (recs)
        hsok_records_free(recs);
    if (stances)
        hsok_stances_free(stances);
    hsok_copies_free(copies);
    free(links);
    if (mf)
        hsok_manifest_free(mf);
    view_close(&v);
}

static void page_export(const serve_ctx_t *ctx, const serve_req_t *req, serve_resp_t *resp)
{
    export_page(ctx, req, resp, 0);
}

static void page_report(const serve_ctx_t *ctx, const serve_req_t *req, serve_resp_t *resp)
{
    export_page(ctx, req, resp, 1);
}

/* ---- dispatch ---- */

void serve_handle(const serve_ctx_t *ctx, const serve_req_t *req, serve_resp_t *resp)
{
    memset(resp, 0, sizeof *resp);
    resp->status = 500;
    resp->content_type = "text/plain; charset=utf-8";
    int post = !strcmp(req->method, "POST");
    const char *path = req->path;
    for (size_t i = 0; i < req->nparams; i++)
        if (strlen(req->params[i].value) > MAX_PARAM && strcmp(req->params[i].key, "q")) {
            simple_page(ctx, resp, 400, "Feil", "a parameter is longer than 4096 bytes");
            return;
        }
    const char *css = post ? NULL
                      : !strcmp(path, "/static/app.css")    ? serve_css
                      : !strcmp(path, "/static/report.css") ? hsok_export_html_css()
                                                            : NULL;
    if (css) { /* the two stylesheets, from memory */
        resp->body = strdup(css);
        resp->len = resp->body ? strlen(resp->body) : 0;
        resp->status = resp->body ? 200 : 500;
        resp->content_type = "text/css; charset=utf-8";
        return;
    }
    if (!strcmp(path, "/code")) {
        if (post)
            page_code(ctx, req, resp);
        else
            simple_page(ctx, resp, 405, "Feil", "coding takes a POST form");
        return;
    }
    static const struct {
        const char *path;
        void (*fn)(const serve_ctx_t *, const serve_req_t *, serve_resp_t *);
    } pages[] = {
        { "/", page_search },         { "/search", page_search },
        { "/matrix", page_matrix },   { "/response", page_response },
        { "/export", page_export },   { "/report", page_report },
    };
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++)
        if (!strcmp(path, pages[i].path)) {
            if (post)
                simple_page(ctx, resp, 405, "Feil", "this page takes GET");
            else
                pages[i].fn(ctx, req, resp);
            return;
        }
    simple_page(ctx, resp, 404, "Finnes ikke", "no such page");
}

void serve_resp_free(serve_resp_t *resp)
{
    free(resp->body);
    free(resp->location);
    free(resp->filename);
    memset(resp, 0, sizeof *resp);
}
