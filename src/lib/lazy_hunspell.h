/* lazy_hunspell.h — libhunspell, loaded on first use (lazylib.h): included by lemma.c after
 * <hunspell/hunspell.h>; lazy_hunspell_load() comes before the first call (lemma.c load()).
 * Only indexing, and a query word the index has in no form, read the dictionaries: a search
 * no longer maps and relocates the library at start. Each name below becomes a call through
 * a pointer, so a function of the library used there and missing here fails to link. */
#ifndef HSOK_LAZY_HUNSPELL_H
#define HSOK_LAZY_HUNSPELL_H

#include "lazylib.h"

#define LAZY_HUNSPELL_SYMS(X) \
    X(Hunspell_create) X(Hunspell_destroy) X(Hunspell_free_list) X(Hunspell_stem)

LAZYLIB_DEFINE(hunspell, LAZY_HUNSPELL_SYMS, "the lemma dictionaries (libhunspell)",
               "libhunspell-1.7.so.0", "libhunspell-1.7.so", "libhunspell.so")

#define Hunspell_create (*lazy_hunspell.Hunspell_create)
#define Hunspell_destroy (*lazy_hunspell.Hunspell_destroy)
#define Hunspell_free_list (*lazy_hunspell.Hunspell_free_list)
#define Hunspell_stem (*lazy_hunspell.Hunspell_stem)

#endif
