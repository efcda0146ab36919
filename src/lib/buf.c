#include "buf.h"
#include "hsok/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty_[1];

void buf_init(buf_t *b)
{
    b->data = buf_empty_;
    b->len = b->cap = 0;
    b->err = 0;
}

void buf_free(buf_t *b)
{
    if (b->cap)
        free(b->data);
    buf_init(b);
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    b->data[0] = '\0';
}

int buf_grow(buf_t *b, size_t extra)
{
    if (b->err)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < b->len + extra + 1) {
        if (ncap > SIZE_MAX / 2) {
            b->err = 1;
            return -1;
        }
        ncap *= 2;
    }
    char *p = b->cap ? realloc(b->data, ncap) : malloc(ncap);
    if (!p) {
        b->err = 1;
        return -1;
    }
    if (!b->cap)
        p[0] = '\0';
    b->data = p;
    b->cap = ncap;
    return 0;
}

void buf_add(buf_t *b, const void *p, size_t n)
{
    if (n == 0 || buf_grow(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_addstr(buf_t *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addch(buf_t *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_vaddf(buf_t *b, const char *fmt, va_list ap)
{
    if (b->err)
        return;
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        b->err = 1;
        return;
    }
    if (buf_grow(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_addf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

char *buf_detach(buf_t *b, size_t *len)
{
    if (b->err) {
        buf_free(b);
        return NULL;
    }
    char *p = b->cap ? b->data : calloc(1, 1);
    if (len)
        *len = b->len;
    buf_init(b);
    return p;
}

hsok_status_t hsok_seterr(char **errmsg, hsok_status_t st, const char *fmt, ...)
{
    if (!errmsg)
        return st;
    buf_t b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    free(*errmsg);
    /* A message is one line whatever a value put into it holds (a respondent or file name
     * with a newline or an escape sequence): control and bidi characters are written as the
     * CLI shows them, "\n", "\x1b", "\u202e" (hsok_visible_next), as the headers promise. */
    buf_t v = BUF_INIT;
    char esc[HSOK_ESCAPE_MAX];
    for (size_t i = 0, n; b.data && i < b.len; i += n) {
        n = hsok_visible_next(b.data + i, b.len - i, esc);
        if (esc[0])
            buf_addstr(&v, esc);
        else
            buf_add(&v, b.data + i, n);
    }
    buf_free(&b);
    *errmsg = buf_detach(&v, NULL);
    return st;
}

char *hsok_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int sv_push(strvec_t *s, const char *p, size_t n)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        char **v = realloc(s->v, nc * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = nc;
    }
    if (!(s->v[s->n] = hsok_strndup(p, n)))
        return -1;
    s->n++;
    return 0;
}

void sv_free(strvec_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

uint64_t hsok_hash64(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}
