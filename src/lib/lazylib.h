/* lazylib.h — a shared library loaded the first time hsok uses it, not at every start.
 *
 * The PDF, Word/OpenDocument and Excel code needs poppler-glib (with GLib, cairo, NSS, X11 …),
 * libzip, libxml2 and libxlsxwriter: some sixty shared libraries whose loading and relocation
 * took about 35 ms of CPU at the start of every hsok process, a search included, which uses none
 * of them. Each file that uses one of them includes its lazy_*.h after the library's headers:
 * that header turns each library function the file calls into a call through a pointer, filled
 * by lazylib_load() on first use (dlopen of the library, dlsym of each name). Thread-safe. */
#ifndef HSOK_LAZYLIB_H
#define HSOK_LAZYLIB_H

#include <stddef.h>

#include "hsok/hsok.h"

typedef struct lazylib {
    const char *what;             /* for messages: "the PDF reader (poppler-glib)" */
    const char *const *sonames;   /* tried in order, NULL-terminated */
    const char *const *names;     /* the symbols, NULL-terminated */
    void **addr;                  /* receives each symbol's address, in the order of names */
    void (*fill)(void **addr);    /* copies them into the typed pointers (under the lock) */
    int state;                    /* 0 not tried, 1 loaded, -1 failed (under the lock) */
    char err[240];
} lazylib_t;

/* Load l once (later calls return at once): HSOK_OK, or HSOK_ERR_UNSUPPORTED with "cannot
 * load the PDF reader (poppler-glib): DLERROR" when the library or a symbol is missing. */
hsok_status_t lazylib_load(lazylib_t *l, char **errmsg);

/* In a lazy_*.h: the struct lazy_NAME of typed pointers to the symbols of the X-macro list
 * SYMS, and lazy_NAME_load(char **errmsg), which loads the first of the sonames (...) found. */
#define LAZYLIB_FIELD_(f) __typeof__(f) *f;
#define LAZYLIB_NAME_(f) #f,
#define LAZYLIB_SET_(f) s->f = (__typeof__(s->f))addr[i++];
#define LAZYLIB_DEFINE(NAME, SYMS, WHAT, ...)                                                   \
    static struct {                                                                             \
        SYMS(LAZYLIB_FIELD_)                                                                    \
    } lazy_##NAME;                                                                              \
    static void lazy_##NAME##_fill(void **addr)                                                 \
    {                                                                                           \
        __typeof__(lazy_##NAME) *s = &lazy_##NAME;                                              \
        size_t i = 0;                                                                           \
        SYMS(LAZYLIB_SET_)                                                                      \
    }                                                                                           \
    static hsok_status_t lazy_##NAME##_load(char **errmsg)                                      \
    {                                                                                           \
        static const char *const sonames[] = { __VA_ARGS__, NULL };                             \
        static const char *const names[] = { SYMS(LAZYLIB_NAME_) NULL };                        \
        static void *addr[sizeof names / sizeof *names];                                        \
        static lazylib_t lib = { WHAT, sonames, names, addr, lazy_##NAME##_fill, 0, "" };       \
        return lazylib_load(&lib, errmsg);                                                      \
    }

#endif
