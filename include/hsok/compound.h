/* compound.h — Norwegian compound splitting from a full-form lexicon.
 *
 * The lexicon is a word list, one word per line, in UTF-8 or ISO-8859-1 (Debian's wnorwegian:
 * /usr/share/dict/bokmaal and /usr/share/dict/nynorsk). It is loaded only when indexing:
 * the parts of every corpus word are stored in the index as colocated terms (text.h), so a
 * search never loads it.
 *
 * A word splits into modifier + head where both are lexicon words (the head may itself split
 * again), joined directly or with a linking -s- or -e- ("informasjon|s|sikkerhet",
 * "kompetanse|heving", "arbeid|s|hverdag"). Guards against false splits: the modifier has at
 * least 3 letters and is neither a stopword nor a common prefix ("for", "over", "sam", "til",
 * …: "forsikring" stays whole); the head has at least 4 letters and is not a derivational
 * suffix ("else", "ning", "skap", …).
 */
#ifndef HSOK_COMPOUND_H
#define HSOK_COMPOUND_H

#include <stddef.h>

#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hsok_lexicon hsok_lexicon_t;

/* The lexicon files used by default: a NULL-terminated static array. */
const char *const *hsok_lexicon_default_paths(void);

/* Load the lexicon from the files that exist among paths[0..n) (missing files are skipped;
 * if none exists: HSOK_ERR_NOT_FOUND). Words are normalised (NFC, case fold). Files are read
 * with hsok_read_regular_file (ingest.h): one that is not a regular file gives
 * HSOK_ERR_NOT_REGULAR, one over 256 MiB HSOK_ERR_TOO_LARGE ("lexicon 'x': ..."). */
hsok_status_t hsok_lexicon_load(const char *const *paths, size_t n, hsok_lexicon_t **out,
                                char **errmsg);

/* A lexicon from a string of newline-separated UTF-8 words (for tests and small lists). */
hsok_status_t hsok_lexicon_from_string(const char *words, hsok_lexicon_t **out, char **errmsg);

void hsok_lexicon_free(hsok_lexicon_t *lex);

/* Nonzero if the normalised word is in the lexicon. */
int hsok_lexicon_has(const hsok_lexicon_t *lex, const char *word, size_t len);

/* Split a normalised word: an hsok_split_fn (text.h) whose ctx is the lexicon. Writes up to
 * max parts as byte ranges of `word` (modifier without its linking letter, head, and the
 * parts of a head that splits again) and returns how many; 0 if the word does not split.
 * Results are cached in the lexicon, so this is cheap for repeated words. */
size_t hsok_compound_split(void *lexicon, const char *word, size_t len, size_t starts[],
                           size_t ends[], size_t max);

#ifdef __cplusplus
}
#endif
#endif
