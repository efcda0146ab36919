/* sidecar.c — the FILE.meta sidecar next to a source file (hsok_read_meta, see segment.h).
 *
 * A sidecar is a few "key: value" lines a person wrote; it is read whole through
 * hsok_read_regular_file (so a FIFO or a device there is refused, never waited on) with the
 * small limit of a control file, and any doubt about what it says is an error naming the
 * file and line rather than a guess.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "hsok/ingest.h"
#include "hsok/segment.h"
#include "hsok/text.h"

enum { META_MAX_LINE = 4095 };

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Parse the sidecar mp (its bytes in data[0..len), NUL-terminated) into *respondent and
 * *type (type may be NULL: its lines are then ignored). */
static hsok_status_t parse_meta(const char *mp, const char *data, size_t len,
                                char **respondent, char **type, char **errmsg)
{
    unsigned no = 0, respondent_line = 0, type_line = 0;
    const char *p = data, *end = data + len;
    if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
        p += 3;
    while (p < end) {
        no++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(le - p)))
            return hsok_seterr(errmsg, HSOK_ERR_PARSE,
                               "'%s' line %u: binary data (a nul byte), not text", mp, no);
        if (le - p > META_MAX_LINE)
            return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s' line %u: line too long", mp, no);
        const char *s = p, *e = le;
        p = nl ? nl + 1 : end;
        while (s < e && is_blank(*s))
            s++;
        while (e > s && is_blank(e[-1]))
            e--;
        if (s == e || *s == '#')
            continue;
        const char *colon = memchr(s, ':', (size_t)(e - s));
        if (!colon)
            return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s' line %u: expected 'key: value'",
                               mp, no);
        const char *ke = colon, *v = colon + 1;
        while (ke > s && is_blank(ke[-1]))
            ke--;
        while (v < e && is_blank(*v))
            v++;
        if (type && (size_t)(ke - s) == 4 && !strncasecmp(s, "type", 4)) {
            if (type_line)
                return hsok_seterr(errmsg, HSOK_ERR_PARSE,
                                   "'%s' line %u: a second 'type' line (the first is line %u)",
                                   mp, no, type_line);
            type_line = no;
            const char *t = hsok_respondent_type_name(v, (size_t)(e - v));
            if (!t)
                return hsok_seterr(errmsg, HSOK_ERR_PARSE,
                                   "'%s' line %u: unknown respondent type '%.*s' (%s)", mp, no,
                                   (int)(e - v > 40 ? 40 : e - v), v, HSOK_RESPONDENT_TYPES);
            *type = strdup(t);
            if (!*type)
                return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            continue;
        }
        if ((size_t)(ke - s) != strlen("respondent") || strncasecmp(s, "respondent", 10))
            continue; /* other keys are ignored, so newer sidecars still work */
        if (respondent_line)
            return hsok_seterr(errmsg, HSOK_ERR_PARSE,
                               "'%s' line %u: a second 'respondent' line (the first is line "
                               "%u); a file has one respondent", mp, no, respondent_line);
        respondent_line = no;
        if (v == e)
            return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s' line %u: empty respondent", mp, no);
        if (!hsok_utf8_valid(v, (size_t)(e - v), NULL))
            return hsok_seterr(errmsg, HSOK_ERR_ENCODING, "'%s' line %u: not UTF-8", mp, no);
        *respondent = hsok_strndup(v, (size_t)(e - v));
        if (!*respondent)
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    return HSOK_OK;
}

/* Read the sidecar at mp: HSOK_ERR_NOT_FOUND (no message) when there is none. */
static hsok_status_t read_meta_file(const char *mp, char **respondent, char **type,
                                    char **errmsg)
{
    char *data = NULL, *msg = NULL;
    size_t len = 0;
    hsok_status_t st = hsok_read_regular_file(mp, HSOK_MAX_CONTROL_BYTES, &data, &len, &msg);
    if (st == HSOK_ERR_NOT_FOUND) {
        free(msg);
        return st;
    }
    if (st == HSOK_ERR_TOO_LARGE) {
        char lim[32];
        hsok_format_size(HSOK_MAX_CONTROL_BYTES, lim, sizeof lim);
        free(msg);
        return hsok_seterr(errmsg, HSOK_ERR_PARSE,
                           "'%s': larger than %s; a sidecar holds a few 'key: value' lines",
                           mp, lim);
    }
    if (st != HSOK_OK) {
        if (st == HSOK_ERR_NOT_REGULAR)
            hsok_seterr(errmsg, st, "sidecar %s", msg ? msg : mp);
        else if (errmsg) {
            free(*errmsg);
            *errmsg = msg;
            msg = NULL;
        }
        free(msg);
        return st;
    }
    st = parse_meta(mp, data, len, respondent, type, errmsg);
    free(data);
    if (st != HSOK_OK) {
        free(*respondent);
        *respondent = NULL;
        if (type) {
            free(*type);
            *type = NULL;
        }
    }
    return st;
}

hsok_status_t hsok_read_meta(const char *path, char **respondent, char **errmsg)
{
    return hsok_read_meta_type(path, respondent, NULL, errmsg);
}

hsok_status_t hsok_read_meta_type(const char *path, char **respondent, char **type,
                                  char **errmsg)
{
    *respondent = NULL;
    if (type)
        *type = NULL;
    buf_t mp = BUF_INIT;
    /* "x.txt.meta", then "x.meta" */
    buf_addf(&mp, "%s.meta", path);
    if (mp.err)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    hsok_status_t st = read_meta_file(mp.data, respondent, type, errmsg);
    if (st == HSOK_ERR_NOT_FOUND) {
        const char *slash = strrchr(path, '/');
        const char *dot = strrchr(path, '.');
        st = HSOK_OK;
        if (dot && (!slash || dot > slash + 1) && strcmp(dot, ".meta")) {
            buf_reset(&mp);
            buf_add(&mp, path, (size_t)(dot - path));
            buf_addstr(&mp, ".meta");
            if (mp.err) {
                buf_free(&mp);
                return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            }
            st = read_meta_file(mp.data, respondent, type, errmsg);
            if (st == HSOK_ERR_NOT_FOUND)
                st = HSOK_OK;
        }
    }
    buf_free(&mp);
    return st;
}
