/* manifest.c — the CSV manifest of `hsok index --manifest` (see manifest.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "hsok/ingest.h"
#include "hsok/manifest.h"
#include "hsok/segment.h"
#include "hsok/text.h"

#define MANIFEST_MAX (16u * 1024 * 1024)

struct hsok_manifest {
    hsok_manifest_row_t *rows;
    size_t n, cap;
    char **strings;
    size_t nstrings, capstrings;
};

void hsok_manifest_free(hsok_manifest_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nstrings; i++)
        free(m->strings[i]);
    free(m->strings);
    free(m->rows);
    free(m);
}

size_t hsok_manifest_count(const hsok_manifest_t *m)
{
    return m ? m->n : 0;
}

const hsok_manifest_row_t *hsok_manifest_row(const hsok_manifest_t *m, size_t i)
{
    return m && i < m->n ? &m->rows[i] : NULL;
}

static const char *keep(hsok_manifest_t *m, const char *s, size_t n)
{
    if (m->nstrings == m->capstrings) {
        size_t nc = m->capstrings ? m->capstrings * 2 : 64;
        char **p = realloc(m->strings, nc * sizeof *p);
        if (!p)
            return NULL;
        m->strings = p;
        m->capstrings = nc;
    }
    char *c = hsok_strndup(s, n);
    if (c)
        m->strings[m->nstrings++] = c;
    return c;
}

enum { MAXF = 64 };

/* One CSV record from text[*pos..len): its fields into f (NUL-separated in *cells, offsets
 * in off[]), *nf their count. *line advances over the line breaks read. Returns 0, or -1
 * with *why set. */
typedef struct rec {
    buf_t cells;
    size_t off[MAXF];
    size_t nf;
} rec_t;

static int read_record(const char *t, size_t len, size_t *pos, char sep, rec_t *r,
                       unsigned *line, const char **why)
{
    size_t i = *pos;
    buf_reset(&r->cells);
    r->nf = 0;
    for (;;) {
        if (r->nf == MAXF) {
            *why = "more than 64 columns";
            return -1;
        }
        r->off[r->nf++] = r->cells.len;
        if (i < len && t[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) {
                    *why = "a quoted field is not closed (a '\"' is missing)";
                    return -1;
                }
                if (t[i] == '"') {
                    if (i + 1 < len && t[i + 1] == '"') {
                        buf_addch(&r->cells, '"');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (t[i] == '\n')
                    (*line)++;
                buf_addch(&r->cells, t[i++]);
            }
            if (i < len && t[i] == '\r')
                i++;
            if (i < len && t[i] != sep && t[i] != '\n') {
                *why = "text after a closing quote (write a quote inside a quoted field as "
                       "\"\")";
                return -1;
            }
        } else {
            while (i < len && t[i] != sep && t[i] != '\n') {
                if (t[i] == '"') {
                    *why = "a quote inside an unquoted field (quote the whole field, and "
                           "write the quote as \"\")";
                    return -1;
                }
                buf_addch(&r->cells, t[i++]);
            }
            /* CRLF */
            size_t e = r->cells.len;
            if (e > r->off[r->nf - 1] && r->cells.data[e - 1] == '\r' &&
                (i >= len || t[i] == '\n'))
                r->cells.len--;
        }
        buf_addch(&r->cells, '\0');
        if (i < len && t[i] == sep) {
            i++;
            continue;
        }
        if (i < len && t[i] == '\n') {
            i++;
            (*line)++;
        }
        break;
    }
    *pos = i;
    return r->cells.err ? -2 : 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* The header's separator: ';' if the first line (outside quotes) has more of them than ','. */
static char guess_sep(const char *t, size_t len)
{
    size_t semi = 0, comma = 0;
    int q = 0;
    for (size_t i = 0; i < len && (q || t[i] != '\n'); i++) {
        if (t[i] == '"')
            q = !q;
        else if (!q)
            semi += t[i] == ';', comma += t[i] == ',';
    }
    return semi > comma ? ';' : ',';
}

hsok_status_t hsok_manifest_parse(const char *name, const char *text, size_t len,
                                  hsok_manifest_t **out, char **errmsg)
{
    *out = NULL;
    size_t bad = 0;
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
        text += 3, len -= 3;
    if (memchr(text, '\0', len))
        return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': binary data (a nul byte), not a "
                           "CSV file", name);
    if (!hsok_utf8_valid(text, len, &bad)) {
        unsigned line = 1;
        for (size_t i = 0; i < bad && i < len; i++)
            line += text[i] == '\n';
        return hsok_seterr(errmsg, HSOK_ERR_ENCODING,
                           "'%s' line %u: not UTF-8 (save the file as CSV UTF-8)", name, line);
    }
    hsok_manifest_t *m = calloc(1, sizeof *m);
    if (!m)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    char sep = guess_sep(text, len);
    rec_t r = { .cells = BUF_INIT };
    size_t pos = 0;
    unsigned line = 1;
    int cfile = -1, cresp = -1, ctype = -1, curl = -1;
    size_t ncols = 0;
    hsok_status_t st = HSOK_OK;
    const char *why = NULL;
    while (pos < len) {
        unsigned start = line;
        int rc = read_record(text, len, &pos, sep, &r, &line, &why);
        if (rc == -2) {
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            break;
        }
        if (rc < 0) {
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s' line %u: %s", name, start, why);
            break;
        }
        /* a blank line */
        if (r.nf == 1 && r.cells.data[0] == '\0')
            continue;
        if (!ncols) {
            ncols = r.nf;
            for (size_t k = 0; k < r.nf; k++) {
                const char *c = r.cells.data + r.off[k];
                size_t cl = strlen(c);
                trim(&c, &cl);
                if (cl == 4 && !strncasecmp(c, "file", 4))
                    cfile = (int)k;
                else if (cl == 10 && !strncasecmp(c, "respondent", 10))
                    cresp = (int)k;
                else if (cl == 4 && !strncasecmp(c, "type", 4))
                    ctype = (int)k;
                else if (cl == 3 && !strncasecmp(c, "url", 3))
                    curl = (int)k;
            }
            if (cfile < 0 || cresp < 0 || ctype < 0) {
                st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                                 "'%s' line %u: the header row must name the columns file, "
                                 "respondent and type (separated by '%c')",
                                 name, start, sep);
                break;
            }
            continue;
        }
        if (r.nf > ncols) {
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                             "'%s' line %u: %zu fields, the header has %zu (quote a field "
                             "that holds '%c')",
                             name, start, r.nf, ncols, sep);
            break;
        }
        const char *cell[4] = { "", "", "", "" };
        size_t cl[4] = { 0, 0, 0, 0 };
        int cols[4] = { cfile, cresp, ctype, curl };
        for (int k = 0; k < 4; k++)
            if (cols[k] >= 0 && (size_t)cols[k] < r.nf) {
                cell[k] = r.cells.data + r.off[cols[k]];
                cl[k] = strlen(cell[k]);
                trim(&cell[k], &cl[k]);
            }
        if (!cl[0]) {
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s' line %u: the file cell is empty",
                             name, start);
            break;
        }
        const char *type = NULL;
        if (cl[2] && !(type = hsok_respondent_type_name(cell[2], cl[2]))) {
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                             "'%s' line %u: unknown respondent type '%.*s' (%s)", name, start,
                             (int)(cl[2] > 40 ? 40 : cl[2]), cell[2], HSOK_RESPONDENT_TYPES);
            break;
        }
        for (size_t k = 0; k < m->n; k++)
            if (strlen(m->rows[k].file) == cl[0] && !memcmp(m->rows[k].file, cell[0], cl[0])) {
                st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                                 "'%s' line %u: '%.*s' again (first on line %u); a file has "
                                 "one row",
                                 name, start, (int)cl[0], cell[0], m->rows[k].line);
                break;
            }
        if (st != HSOK_OK)
            break;
        if (m->n == m->cap) {
            size_t nc = m->cap ? m->cap * 2 : 64;
            hsok_manifest_row_t *p = realloc(m->rows, nc * sizeof *p);
            if (!p) {
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                break;
            }
            m->rows = p;
            m->cap = nc;
        }
        hsok_manifest_row_t *row = &m->rows[m->n];
        row->file = keep(m, cell[0], cl[0]);
        row->respondent = keep(m, cell[1], cl[1]);
        row->type = type;
        row->url = keep(m, cell[3], cl[3]);
        row->line = start;
        if (!row->file || !row->respondent || !row->url) {
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            break;
        }
        m->n++;
    }
    if (st == HSOK_OK && !ncols)
        st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                         "'%s': empty; expected a header row naming the columns file, "
                         "respondent and type",
                         name);
    buf_free(&r.cells);
    if (st != HSOK_OK) {
        hsok_manifest_free(m);
        return st;
    }
    *out = m;
    return HSOK_OK;
}

hsok_status_t hsok_manifest_load(const char *path, hsok_manifest_t **out, char **errmsg)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    hsok_status_t st = hsok_read_regular_file(path, MANIFEST_MAX, &text, &len, errmsg);
    if (st == HSOK_OK)
        st = hsok_manifest_parse(path, text, len, out, errmsg);
    free(text);
    return st;
}
