/* buf.h — growable byte buffer (after git's strbuf) and small shared helpers.
 *
 * Invariants: `data` is never NULL (it points at a static "" while nothing is allocated) and
 * data[len] == '\0' always. Appends carry a sticky error: once an allocation fails, `err` is set,
 * later appends do nothing, and the caller checks `err` once at the end of a chain.
 */
#ifndef HSOK_BUF_H
#define HSOK_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hsok/hsok.h"

typedef struct buf {
    char *data;
    size_t len;
    size_t cap; /* 0 while data points at the static "" */
    int err;    /* sticky: nonzero after a failed allocation */
} buf_t;

#define BUF_INIT { buf_empty_, 0, 0, 0 }
extern char buf_empty_[1];

void buf_init(buf_t *b);
void buf_free(buf_t *b);
void buf_reset(buf_t *b); /* len = 0, keeps memory */
int buf_grow(buf_t *b, size_t extra);
void buf_add(buf_t *b, const void *p, size_t n);
void buf_addstr(buf_t *b, const char *s);
void buf_addch(buf_t *b, char c);
void buf_addf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(buf_t *b, const char *fmt, va_list ap);
/* Hand the malloc'd string out (caller frees) and reset b. NULL if b->err. */
char *buf_detach(buf_t *b, size_t *len);

/* Set *errmsg (if errmsg != NULL) to a malloc'd formatted message. Returns st. */
hsok_status_t hsok_seterr(char **errmsg, hsok_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* malloc'd copy of s[0..n) with a NUL; NULL on failure. */
char *hsok_strndup(const char *s, size_t n);

/* A growable list of malloc'd strings. */
typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec_t;
/* Append a copy of p[0..n); -1 when memory ran out (s unchanged). */
int sv_push(strvec_t *s, const char *p, size_t n);
/* Free the strings and the list; s is empty after. */
void sv_free(strvec_t *s);

/* 64-bit FNV-1a hash. */
uint64_t hsok_hash64(const void *p, size_t n);

#endif
