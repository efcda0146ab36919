/* text.h — the one token chain, used by indexing, querying, theme matching and highlighting.
 *
 * split → normalise (utf8proc NFC + case fold; never strips marks, so æ ø å survive)
 *       → stopword flag (stopwords/nb.txt + stopwords/nn.txt, compiled in)
 *       → compound parts (optional splitter, see hsok_analyzer_set_splitter)
 *       → stem (libstemmer "norwegian") → lemmas and bokmål/nynorsk variants (when a
 *         lemmatizer is installed, see hsok_analyzer_set_lemmatizer) → callback.
 *
 * Word rules: a word is a run of letters and digits (any script), keeping æøå; inner "-" joins
 * when both sides are alphanumeric ("e-helse", "Sør-Øst", "covid-19") and a trailing "-" after a
 * word followed by space ("KS-", "helse- og") is kept out of the word; inner "." joins when both
 * sides are letters and the next part is short ("bl.a.", "f.eks.") — a trailing "." after such an
 * abbreviation belongs to it; inner "'" / "’" joins letters ("Drammen's" stays one word);
 * "§" is a word of its own ("§ 23" → "§", "23"). Digits alone are words ("2025", "23").
 */
#ifndef HSOK_TEXT_H
#define HSOK_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hsok_analyzer hsok_analyzer_t;

typedef enum hsok_analyze_mode {
    HSOK_ANALYZE_DOCUMENT, /* every token, stopwords flagged */
    HSOK_ANALYZE_QUERY     /* same tokens and forms; compound parts are not emitted */
} hsok_analyze_mode_t;

enum {
    HSOK_TOKEN_STOPWORD = 1u << 0, /* norm is in a stopword list */
    HSOK_TOKEN_PART = 1u << 1,     /* compound part, colocated with the word before it */
    HSOK_TOKEN_NUMBER = 1u << 2    /* only digits */
};

typedef struct hsok_token {
    const char *norm;   /* NFC + case-folded surface form, NUL-terminated; borrowed for the call */
    size_t norm_len;
    const char *stem;   /* Norwegian Snowball stem of norm, NUL-terminated; borrowed */
    size_t stem_len;
    size_t start, end;  /* byte offsets of the surface form in the analysed text */
    unsigned pos;       /* word position, from 1; a compound part has its word's position */
    unsigned flags;     /* HSOK_TOKEN_* */
    /* With a lemmatizer, for a word or part (not a number, stopword or abbreviation): its
     * lemmas from the nb/nn dictionaries and its variant concepts from the bokmål/nynorsk
     * table, each a list of NUL-terminated strings ("ansvar\0") of total length *_len;
     * borrowed. Length 0 (none) otherwise. */
    const char *lemmas;
    size_t lemmas_len;
    const char *variants;
    size_t variants_len;
} hsok_token_t;

/* Called once per token, in text order (a word, then its parts). Return 0 to go on, nonzero
 * to stop: hsok_analyze then stops early and returns HSOK_OK; the callback keeps its own
 * error state. */
typedef int (*hsok_token_fn)(void *ctx, const hsok_token_t *tok);

/* Compound splitter: given a normalised word, write up to `max` parts (each a normalised
 * substring given as [start, end) byte offsets into `word`) and return how many; 0 = no split.
 * Parts are emitted as HSOK_TOKEN_PART tokens after the word, in DOCUMENT mode only. */
typedef size_t (*hsok_split_fn)(void *ctx, const char *word, size_t len,
                                size_t starts[], size_t ends[], size_t max);

/* New analyzer with the compiled-in stopword lists and the Norwegian stemmer.
 * Caller frees with hsok_analyzer_free. Not thread-safe; one per thread. */
hsok_status_t hsok_analyzer_new(hsok_analyzer_t **out, char **errmsg);
void hsok_analyzer_free(hsok_analyzer_t *an);

/* Install (or clear, with fn == NULL) a compound splitter. */
void hsok_analyzer_set_splitter(hsok_analyzer_t *an, hsok_split_fn fn, void *ctx);

/* Install (or clear, with NULL) a lemmatizer (src/lib/lemma.h; not owned): tokens then carry
 * lemmas and variants. */
struct hsok_lemmatizer;
void hsok_analyzer_set_lemmatizer(hsok_analyzer_t *an, struct hsok_lemmatizer *lm);
/* A lemmatizer as indexing makes one (the bokmål/nynorsk table from $HSOK_VARIANTS or
 * data/nb-nn.tsv, hunspell's dictionaries loaded on first use), so that tagging outside an
 * index (`hsok tag`) reads words as the index does. Free with hsok_lemmatizer_free. */
hsok_status_t hsok_lemmatizer_open(struct hsok_lemmatizer **out, char **errmsg);
void hsok_lemmatizer_free(struct hsok_lemmatizer *lm);
/* Keep the tokens of each text analysed from position 1 (pos NULL or *pos 0), up to `limit`
 * bytes, so that the same text in the same mode analysed again gets the same tokens replayed
 * instead of analysed anew (indexing analyses each passage for its themes, then for its
 * terms). Clears what was kept; 0 turns it off and frees it. Installing a splitter or a
 * lemmatizer clears it. */
void hsok_analyzer_memo(hsok_analyzer_t *an, size_t limit);
/* The installed lemmatizer, or NULL. */
struct hsok_lemmatizer *hsok_analyzer_lemmatizer(const hsok_analyzer_t *an);

/* Tokenise text[0..len) (UTF-8; invalid sequences are skipped as separators) and call fn for
 * each token. Positions start at *pos + 1 when pos != NULL (and *pos is updated to the last
 * position used), so several fields can share one position space; from 1 when pos == NULL. */
hsok_status_t hsok_analyze(hsok_analyzer_t *an, const char *text, size_t len,
                           hsok_analyze_mode_t mode, unsigned *pos,
                           hsok_token_fn fn, void *ctx);

/* Nonzero if the normalised word is a stopword. */
int hsok_is_stopword(const hsok_analyzer_t *an, const char *norm, size_t len);

/* Stem one normalised word. Returns a pointer into the analyzer (valid until the next call
 * on it) and its length in *outlen. */
const char *hsok_stem(hsok_analyzer_t *an, const char *norm, size_t len, size_t *outlen);

/* NFC + case fold s[0..len). Returns a malloc'd string (caller frees), NULL on failure or
 * invalid UTF-8. */
char *hsok_normalize(const char *s, size_t len, size_t *outlen);

/* Nonzero if s[0..len) is valid UTF-8; else 0 and *bad (if not NULL) is the offset of the
 * first invalid byte. */
int hsok_utf8_valid(const char *s, size_t len, size_t *bad);

/* Length of the valid UTF-8 sequence at s[0..n) (strict: no overlong forms, surrogates or
 * code points above U+10FFFF), its code point in *cp if cp is not NULL; 0 if invalid. */
size_t hsok_utf8_next(const char *s, size_t n, uint32_t *cp);

#ifdef __cplusplus
}
#endif
#endif
