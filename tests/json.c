/* json.c — see json.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "json.h"

typedef struct jbuf {
    char *p;
    size_t len, cap;
} jbuf_t;

static void jb_add(jbuf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        assert_non_null(p);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static char *jb_take(jbuf_t *b)
{
    if (b->p == NULL)
        jb_add(b, "", 0);
    char *p = b->p;
    memset(b, 0, sizeof *b);
    return p;
}

typedef struct jparser {
    const char *p, *end, *start;
    const char *err;
    size_t errpos;
    int depth;
} jparser_t;

void jfree(jval_t *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; (v->t == J_ARR || v->t == J_OBJ) && i < v->n; i++) {
        jfree(v->items[i]);
        if (v->keys != NULL)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
    free(v);
}

static jval_t *jerr(jparser_t *jp, const char *msg)
{
    if (jp->err == NULL) {
        jp->err = msg;
        jp->errpos = (size_t)(jp->p - jp->start);
    }
    return NULL;
}

static void jws(jparser_t *jp)
{
    while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
        jp->p++;
}

/* Length of a valid UTF-8 sequence at s (no overlongs, surrogates or > U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp;
    size_t len;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static void put_utf8(jbuf_t *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    jb_add(b, u, n);
}

static int jhex4(jparser_t *jp, unsigned *out)
{
    if (jp->end - jp->p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = jp->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    jp->p += 4;
    *out = v;
    return 0;
}

/* A string at jp->p (at the opening quote): decoded into *out. */
static int jstring(jparser_t *jp, char **out, size_t *outlen)
{
    if (jp->p >= jp->end || *jp->p != '"')
        return jerr(jp, "expected a string"), -1;
    jp->p++;
    jbuf_t b = {0};
    jb_add(&b, "", 0);
    for (;;) {
        if (jp->p >= jp->end) {
            free(b.p);
            return jerr(jp, "unterminated string"), -1;
        }
        unsigned char c = (unsigned char)*jp->p;
        if (c == '"') {
            jp->p++;
            break;
        }
        if (c < 0x20) {
            free(b.p);
            return jerr(jp, "control character in string"), -1;
        }
        if (c >= 0x80) {
            size_t n = utf8_len((const unsigned char *)jp->p, (size_t)(jp->end - jp->p));
            if (n == 0) {
                free(b.p);
                return jerr(jp, "invalid UTF-8 in string"), -1;
            }
            jb_add(&b, jp->p, n);
            jp->p += n;
            continue;
        }
        if (c != '\\') {
            jb_add(&b, jp->p, 1);
            jp->p++;
            continue;
        }
        jp->p++;
        if (jp->p >= jp->end) {
            free(b.p);
            return jerr(jp, "unterminated escape"), -1;
        }
        char e = *jp->p++;
        unsigned cp;
        switch (e) {
        case '"': jb_add(&b, "\"", 1); break;
        case '\\': jb_add(&b, "\\", 1); break;
        case '/': jb_add(&b, "/", 1); break;
        case 'b': jb_add(&b, "\b", 1); break;
        case 'f': jb_add(&b, "\f", 1); break;
        case 'n': jb_add(&b, "\n", 1); break;
        case 'r': jb_add(&b, "\r", 1); break;
        case 't': jb_add(&b, "\t", 1); break;
        case 'u':
            if (jhex4(jp, &cp) < 0) {
                free(b.p);
                return jerr(jp, "bad \\u escape"), -1;
            }
            if (cp >= 0xdc00 && cp <= 0xdfff) {
                free(b.p);
                return jerr(jp, "lone low surrogate"), -1;
            }
            if (cp >= 0xd800 && cp <= 0xdbff) {
                unsigned lo;
                if (jp->end - jp->p < 2 || jp->p[0] != '\\' || jp->p[1] != 'u') {
                    free(b.p);
                    return jerr(jp, "lone high surrogate"), -1;
                }
                jp->p += 2;
                if (jhex4(jp, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
                    free(b.p);
                    return jerr(jp, "bad surrogate pair"), -1;
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            put_utf8(&b, cp);
            break;
        default:
            free(b.p);
            return jerr(jp, "invalid escape"), -1;
        }
    }
    *outlen = b.len;
    *out = jb_take(&b);
    return 0;
}

static int jdigits(jparser_t *jp)
{
    const char *s = jp->p;
    while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
        jp->p++;
    return jp->p > s ? 0 : -1;
}

static jval_t *jvalue(jparser_t *jp);

static jval_t *jnew(jtype_t t)
{
    jval_t *v = calloc(1, sizeof *v);
    assert_non_null(v);
    v->t = t;
    return v;
}

static void jpush(jval_t *v, char *key, jval_t *item)
{
    jval_t **items = realloc(v->items, (v->n + 1) * sizeof *items);
    assert_non_null(items);
    v->items = items;
    if (v->t == J_OBJ) {
        char **keys = realloc(v->keys, (v->n + 1) * sizeof *keys);
        assert_non_null(keys);
        v->keys = keys;
        v->keys[v->n] = key;
    }
    v->items[v->n++] = item;
}

static jval_t *jcontainer(jparser_t *jp, int obj)
{
    if (++jp->depth > 64)
        return jerr(jp, "nested too deeply");
    jp->p++; /* '{' or '[' */
    jval_t *v = jnew(obj ? J_OBJ : J_ARR);
    jws(jp);
    if (jp->p < jp->end && *jp->p == (obj ? '}' : ']')) {
        jp->p++;
        jp->depth--;
        return v;
    }
    for (;;) {
        char *key = NULL;
        jws(jp);
        if (obj) {
            size_t klen;
            if (jstring(jp, &key, &klen) < 0) {
                jfree(v);
                return NULL;
            }
            for (size_t i = 0; i < v->n; i++)
                if (strcmp(v->keys[i], key) == 0) {
                    free(key);
                    jfree(v);
                    return jerr(jp, "duplicate key");
                }
            jws(jp);
            if (jp->p >= jp->end || *jp->p != ':') {
                free(key);
                jfree(v);
                return jerr(jp, "expected ':'");
            }
            jp->p++;
        }
        jval_t *item = jvalue(jp);
        if (item == NULL) {
            free(key);
            jfree(v);
            return NULL;
        }
        jpush(v, key, item);
        jws(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
            continue;
        }
        if (jp->p < jp->end && *jp->p == (obj ? '}' : ']')) {
            jp->p++;
            jp->depth--;
            return v;
        }
        jfree(v);
        return jerr(jp, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static jval_t *jvalue(jparser_t *jp)
{
    jws(jp);
    if (jp->p >= jp->end)
        return jerr(jp, "expected a value");
    char c = *jp->p;
    if (c == '{' || c == '[')
        return jcontainer(jp, c == '{');
    if (c == '"') {
        jval_t *v = jnew(J_STR);
        if (jstring(jp, &v->s, &v->n) < 0) {
            jfree(v);
            return NULL;
        }
        return v;
    }
    static const struct {
        const char *word;
        jtype_t t;
        int b;
    } lits[] = {{"true", J_BOOL, 1}, {"false", J_BOOL, 0}, {"null", J_NULL, 0}};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(lits[i].word);
        if ((size_t)(jp->end - jp->p) >= n && memcmp(jp->p, lits[i].word, n) == 0) {
            jp->p += n;
            jval_t *v = jnew(lits[i].t);
            v->b = lits[i].b;
            return v;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s = jp->p;
        if (*jp->p == '-')
            jp->p++;
        if (jp->p < jp->end && *jp->p == '0')
            jp->p++;
        else if (jdigits(jp) < 0)
            return jerr(jp, "bad number");
        if (jp->p < jp->end && *jp->p == '.') {
            jp->p++;
            if (jdigits(jp) < 0)
                return jerr(jp, "bad fraction");
        }
        if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
            jp->p++;
            if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
                jp->p++;
            if (jdigits(jp) < 0)
                return jerr(jp, "bad exponent");
        }
        char tmp[64];
        size_t n = (size_t)(jp->p - s);
        if (n >= sizeof tmp)
            return jerr(jp, "number too long");
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        jval_t *v = jnew(J_NUM);
        v->num = strtod(tmp, NULL);
        return v;
    }
    return jerr(jp, "unexpected character");
}

/* Parse exactly one JSON value from s[0..len) (surrounding whitespace allowed). */
jval_t *json_parse(const char *s, size_t len, const char **err, size_t *errpos)
{
    jparser_t jp = {s, s + len, s, NULL, 0, 0};
    jval_t *v = jvalue(&jp);
    if (v != NULL) {
        jws(&jp);
        if (jp.p != jp.end) {
            jfree(v);
            v = jerr(&jp, "text after the value");
        }
    }
    *err = jp.err;
    if (errpos != NULL)
        *errpos = jp.errpos;
    return v;
}

const jval_t *jget(const jval_t *o, const char *key)
{
    if (o == NULL || o->t != J_OBJ)
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return o->items[i];
    return NULL;
}
