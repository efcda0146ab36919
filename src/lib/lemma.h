/* lemma.h — base forms (lemmas) of words from hunspell's nb_NO and nn_NO dictionaries, and the
 * bokmål ↔ nynorsk variant table (data/nb-nn.tsv), both cached per distinct word.
 *
 * A lemma list and a variant list are NUL-separated strings ("ansvar\0"), each item followed
 * by its NUL; an empty list has length 0. The dictionaries (about 1.4 s to load) are read on
 * the first lemma_get, never before: a query that finds its words' lemmas in the index never
 * loads them.
 */
#ifndef HSOK_LEMMA_H
#define HSOK_LEMMA_H

#include <stddef.h>

#include "buf.h"

typedef struct hsok_lemmatizer lemma_t;

/* Empty lemmatizer (no table, dictionaries not loaded). NULL on out of memory. */
lemma_t *lemma_new(void);
void lemma_free(lemma_t *lm);

/* Read the variant table text: lines "nynorsk<TAB>bokmål" (lemmas), "#" starts a comment;
 * the bokmål word is the pair's concept. Lines without a tab are skipped. -1 on no memory. */
int lemma_set_table(lemma_t *lm, const char *text, size_t len);
/* The same table as src's, into dst, which has none yet (a copy of the parsed table, without
 * reading its text again). -1 on no memory (dst keeps no table) or if dst has one. */
int lemma_copy_table(lemma_t *dst, const lemma_t *src);

/* Lemmas from somewhere other than the dictionaries: fn appends the NUL-separated lemmas of
 * the normalised word w[0..n) to out. A search's highlighter takes those the index stored
 * for each word (dblemma.c), so a passage's words carry the lemmas and variants they were
 * indexed under; the dictionaries are then never loaded. */
typedef void (*lemma_source_fn)(void *ctx, const char *w, size_t n, buf_t *out);
void lemma_set_source(lemma_t *lm, lemma_source_fn fn, void *ctx);

/* Nonzero if hunspell's dictionaries are there (loads them). */
int lemma_has_dictionaries(lemma_t *lm);

/* Lemmas and variant concepts of the normalised word w[0..n), cached: pointers into lm, valid
 * until the next call. Loads the dictionaries on first use. -1 on out of memory. */
int lemma_get(lemma_t *lm, const char *w, size_t n, const char **lemmas, size_t *llen,
              const char **variants, size_t *vlen);

/* Variant concepts of a word with the given lemma list (the word itself when the list is
 * empty), appended to out as a NUL-separated list. Uses only the table. */
void lemma_variants(const lemma_t *lm, const char *w, size_t n, const char *lemmas,
                    size_t llen, buf_t *out);

/* Cached words in the order they were first looked up (since lemma_clear): word i and its
 * lemma list. Returns the number of cached words. */
size_t lemma_count(const lemma_t *lm);
void lemma_entry(const lemma_t *lm, size_t i, const char **w, size_t *n, const char **lemmas,
                 size_t *llen);

/* Empty the cache of words (the variant table and the dictionaries stay): a word looked up
 * after this is looked up again. */
void lemma_clear(lemma_t *lm);

/* Nonzero if list[0..len) holds s[0..n). */
int lemma_list_has(const char *list, size_t len, const char *s, size_t n);

#endif
