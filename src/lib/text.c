/* text.c — the token chain: split → normalise → stopword flag → parts → stem → callback.
 *
 * Splitting works on code points of the original bytes and classifies them by Unicode
 * category, so offsets always point into the caller's text. Each word is then normalised on
 * its own (NFC + case fold, typographic apostrophes and hyphens folded to ASCII, default
 * ignorables such as the soft hyphen dropped), into buffers owned by the analyzer: after
 * warm-up a call to hsok_analyze allocates nothing.
 *
 * Decisions beyond text.h:
 * - Numbers: "," and "." join digits when the word so far is all digits, so "2,5", "7.000",
 *   "4.2" and "01.02.2024" are one token each. The decimal comma is common in Norwegian and a
 *   phrase like "2,5 prosent" should match itself; the query side splits the same way.
 *   HSOK_TOKEN_NUMBER is set when every letter-or-digit in the word is a decimal digit
 *   ("2025", "2,5", "2020-2025"); such words are neither stemmed nor stopword-checked.
 * - Abbreviations: an inner "." joins when the segment before it has at most 3 letters and
 *   the segment after it is 1–3 letters followed by another "." ("bl.a.", "f.eks.", "d.v.s.").
 *   The extra condition keeps "nhn.no" and "sektoren.Det" (a lost space) apart. Words with a
 *   "." are not stemmed and not split.
 * - Hyphenated words ("e-helse", "sør-øst", "covid-19"): in DOCUMENT mode each piece of at
 *   least 2 characters is also emitted as a HSOK_TOKEN_PART ("helse"; "sør", "øst"), and the
 *   splitter is called on each piece instead of on the whole word. Parts carry the offsets
 *   of the whole word (highlighting marks the word). A part equal to the word or to an
 *   earlier part of the same word is not emitted twice.
 * - Only "§" is a symbol word; other symbols (•, ☒, %, bullets) are separators.
 */
#include "hsok/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "buf.h"
#include "lemma.h"

extern const char hsok_stopwords_data[];
extern const size_t hsok_stopwords_data_len;

#define NORM_OPTIONS (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)
#define MAX_SPLIT 16
#define ABBREV_SEG 3 /* max letters of a segment in "bl.a."-style abbreviations */

/* The memo (hsok_analyzer_memo): each text analysed from position 1 while it is on, with the
 * tokens it gave, so that the same text analysed again is replayed. Offsets into arena. */
typedef struct memo_tok {
    uint32_t norm, norm_len, stem, stem_len, lemmas, lemmas_len, variants, variants_len;
    uint32_t start, end, pos, flags;
    uint32_t stop_pos; /* the analysis's last position had the callback stopped here */
} memo_tok_t;

typedef struct memo_ent {
    uint64_t hash;
    uint32_t text, len; /* a copy of the text, in arena */
    uint32_t tok, ntok; /* its tokens in toks */
    uint32_t end_pos;   /* the last position used */
    int mode;
} memo_ent_t;

typedef struct memo {
    size_t limit;   /* bytes of arena and tokens kept at most; 0: off */
    buf_t arena;    /* texts and token strings */
    memo_tok_t *toks;
    size_t ntok, captok;
    memo_ent_t *ents;
    size_t nent, capent;
    int recording;  /* the current analysis is being kept, from toks[rec_tok] on */
    size_t rec_tok, rec_arena;
} memo_t;

typedef struct stop_slot {
    uint32_t off; /* into stop_words; 0 = empty (offset 0 holds a NUL sentinel) */
    uint32_t len;
} stop_slot_t;

struct hsok_analyzer {
    struct sb_stemmer *stemmer;
    hsok_split_fn split;
    void *split_ctx;
    lemma_t *lemmas;     /* optional, not owned */

    buf_t stop_words;    /* normalised stopwords, NUL-separated */
    stop_slot_t *stop_tab;
    size_t stop_mask;    /* table size - 1; size is a power of two */

    int32_t *cps;        /* UTF-32 scratch for normalisation */
    size_t cps_cap;
    buf_t word;          /* normalised word of the current token */
    buf_t part;          /* normalised part */
    buf_t stem;          /* result of hsok_stem */
    buf_t seen;          /* parts already emitted for the current word, NUL-separated */
    size_t starts[MAX_SPLIT], ends[MAX_SPLIT];
    buf_t susp;          /* suspended compound: "helse" of "helse- og omsorgstjenesten" */
    memo_t memo;         /* tokens of texts analysed before (hsok_analyzer_memo) */
};

/* ---- UTF-8 and character classes ---- */

enum cclass {
    C_SEP,     /* separator: space, punctuation, symbols */
    C_LETTER,  /* L*, Nl, No */
    C_DIGIT,   /* Nd */
    C_MARK,    /* M*: continues a word, never starts one */
    C_HYPHEN,  /* - U+2010 U+2011 */
    C_APOS,    /* ' U+2019 U+02BC */
    C_DOT,
    C_COMMA,
    C_IGNORE,  /* default ignorable (soft hyphen, zero-width joiners) */
    C_SECTION  /* § */
};

/* Decode one code point at s[0..n). Returns its byte length, or -1 if invalid (then one
 * byte should be skipped). */
size_t hsok_utf8_next(const char *s, size_t n, uint32_t *cp)
{
    utf8proc_int32_t u;
    utf8proc_ssize_t k = n ? utf8proc_iterate((const utf8proc_uint8_t *)s,
                                              n > 4 ? 4 : (utf8proc_ssize_t)n, &u)
                           : 0;
    if (k <= 0 || u < 0)
        return 0;
    if (cp)
        *cp = (uint32_t)u;
    return (size_t)k;
}

static int decode(const char *s, size_t n, int32_t *cp)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    uint32_t u;
    size_t k = hsok_utf8_next(s, n, &u);
    if (!k)
        return -1;
    *cp = (int32_t)u;
    return (int)k;
}

static enum cclass classify(int32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return C_LETTER;
        if (cp >= '0' && cp <= '9')
            return C_DIGIT;
        switch (cp) {
        case '-': return C_HYPHEN;
        case '\'': return C_APOS;
        case '.': return C_DOT;
        case ',': return C_COMMA;
        default: return C_SEP;
        }
    }
    switch (cp) {
    case 0x2010: case 0x2011: return C_HYPHEN;
    case 0x2019: case 0x02BC: return C_APOS;
    case 0x00A7: return C_SECTION;
    default: break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return C_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    default:
        break;
    }
    if (utf8proc_get_property(cp)->ignorable)
        return C_IGNORE;
    return C_SEP;
}

/* Class of the code point at s[i..n), C_SEP at the end or on invalid bytes. */
static enum cclass class_at(const char *s, size_t n, size_t i, int *k)
{
    int32_t cp;
    if (i >= n) {
        *k = 0;
        return C_SEP;
    }
    *k = decode(s + i, n - i, &cp);
    if (*k < 0) {
        *k = 1;
        return C_SEP;
    }
    return classify(cp);
}

static int is_alnum(enum cclass c)
{
    return c == C_LETTER || c == C_DIGIT || c == C_MARK;
}

int hsok_utf8_valid(const char *s, size_t len, size_t *bad)
{
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        int k = decode(s + i, len - i, &cp);
        if (k < 0) {
            if (bad)
                *bad = i;
            return 0;
        }
        i += (size_t)k;
    }
    return 1;
}

/* ---- normalisation ---- */

static utf8proc_int32_t fold_custom(utf8proc_int32_t cp, void *data)
{
    (void)data;
    switch (cp) {
    case 0x2019: case 0x02BC: case 0x2018: return '\'';
    case 0x2010: case 0x2011: return '-';
    default: return cp;
    }
}

/* Normalise s[0..len) (valid UTF-8) into the UTF-32 scratch and return a pointer to the
 * NUL-terminated UTF-8 result inside it, or NULL (out of memory or invalid input). */
static const char *normalize_scratch(int32_t **cps, size_t *cap, const char *s, size_t len,
                                     size_t *outlen)
{
    for (;;) {
        utf8proc_ssize_t n = utf8proc_decompose_custom(
            (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, *cps,
            (utf8proc_ssize_t)*cap, NORM_OPTIONS, fold_custom, NULL);
        if (n < 0)
            return NULL;
        /* utf8proc_reencode needs one spare byte beyond the code points */
        if ((size_t)n + 1 > *cap) {
            size_t ncap = *cap ? *cap : 64;
            while (ncap < (size_t)n + 1)
                ncap *= 2;
            int32_t *p = realloc(*cps, ncap * sizeof *p);
            if (!p)
                return NULL;
            *cps = p;
            *cap = ncap;
            continue;
        }
        utf8proc_ssize_t b = utf8proc_reencode(*cps, n, NORM_OPTIONS);
        if (b < 0)
            return NULL;
        *outlen = (size_t)b;
        return (const char *)*cps;
    }
}

/* Normalise one word into `out`. ASCII words take a fast path without utf8proc.
 * Returns 0, or -1 on failure. */
static int normalize_word(hsok_analyzer_t *an, const char *s, size_t len, buf_t *out)
{
    buf_reset(out);
    size_t i = 0;
    while (i < len && !((unsigned char)s[i] & 0x80))
        i++;
    if (i == len) {
        if (buf_grow(out, len))
            return -1;
        for (i = 0; i < len; i++) {
            char c = s[i];
            out->data[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        out->len = len;
        out->data[len] = '\0';
        return 0;
    }
    size_t n;
    const char *r = normalize_scratch(&an->cps, &an->cps_cap, s, len, &n);
    if (!r)
        return -1;
    buf_add(out, r, n);
    return out->err ? -1 : 0;
}

char *hsok_normalize(const char *s, size_t len, size_t *outlen)
{
    if (!s && len)
        return NULL;
    if (!hsok_utf8_valid(s, len, NULL))
        return NULL;
    /* room for as many code points as bytes (and the spare one): enough for nearly every
     * text, so utf8proc decomposes it once instead of first measuring it */
    size_t cap = len + 1, n = 0;
    int32_t *cps = malloc(cap * sizeof *cps);
    if (!cps)
        return NULL;
    const char *r = normalize_scratch(&cps, &cap, s ? s : "", len, &n);
    char *res = r ? hsok_strndup(r, n) : NULL;
    free(cps);
    if (res && outlen)
        *outlen = n;
    return res;
}

/* ---- stopwords ---- */

static size_t stop_find(const hsok_analyzer_t *an, const char *w, size_t len, uint64_t h)
{
    size_t i = (size_t)h & an->stop_mask;
    for (;;) {
        const stop_slot_t *sl = &an->stop_tab[i];
        if (!sl->off)
            return i;
        if (sl->len == len && !memcmp(an->stop_words.data + sl->off, w, len))
            return i;
        i = (i + 1) & an->stop_mask;
    }
}

int hsok_is_stopword(const hsok_analyzer_t *an, const char *norm, size_t len)
{
    if (!an || !an->stop_tab || !len)
        return 0;
    size_t i = stop_find(an, norm, len, hsok_hash64(norm, len));
    return an->stop_tab[i].off != 0;
}

/* Parse the embedded lists: one word a line, "#" starts a comment. */
static hsok_status_t load_stopwords(hsok_analyzer_t *an, char **errmsg)
{
    const char *d = hsok_stopwords_data;
    size_t dlen = hsok_stopwords_data_len, nwords = 0;
    buf_addch(&an->stop_words, '\0'); /* offset 0 marks an empty slot */
    for (size_t i = 0; i < dlen;) {
        size_t e = i;
        while (e < dlen && d[e] != '\n')
            e++;
        size_t a = i, z = e;
        for (size_t k = a; k < z; k++)
            if (d[k] == '#')
                z = k;
        while (a < z && (d[a] == ' ' || d[a] == '\t' || d[a] == '\r'))
            a++;
        while (z > a && (d[z - 1] == ' ' || d[z - 1] == '\t' || d[z - 1] == '\r'))
            z--;
        i = e + 1;
        if (a == z)
            continue;
        if (!hsok_utf8_valid(d + a, z - a, NULL))
            return hsok_seterr(errmsg, HSOK_ERR_PARSE, "invalid UTF-8 in stopword list");
        if (normalize_word(an, d + a, z - a, &an->word))
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        buf_add(&an->stop_words, an->word.data, an->word.len + 1);
        nwords++;
    }
    if (an->stop_words.err || an->stop_words.len > UINT32_MAX)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");

    size_t size = 16;
    while (size < nwords * 2)
        size *= 2;
    an->stop_tab = calloc(size, sizeof *an->stop_tab);
    if (!an->stop_tab)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    an->stop_mask = size - 1;
    for (size_t off = 1; off < an->stop_words.len;) {
        const char *w = an->stop_words.data + off;
        size_t len = strlen(w);
        size_t slot = stop_find(an, w, len, hsok_hash64(w, len));
        if (!an->stop_tab[slot].off) {
            an->stop_tab[slot].off = (uint32_t)off;
            an->stop_tab[slot].len = (uint32_t)len;
        }
        off += len + 1;
    }
    return HSOK_OK;
}

/* ---- analyzer ---- */

hsok_status_t hsok_analyzer_new(hsok_analyzer_t **out, char **errmsg)
{
    if (!out)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no analyzer pointer given");
    *out = NULL;
    hsok_analyzer_t *an = calloc(1, sizeof *an);
    if (!an)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    buf_init(&an->stop_words);
    buf_init(&an->word);
    buf_init(&an->part);
    buf_init(&an->stem);
    buf_init(&an->seen);
    buf_init(&an->susp);
    an->stemmer = sb_stemmer_new("norwegian", "UTF_8");
    if (!an->stemmer) {
        hsok_analyzer_free(an);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "cannot create stemmer 'norwegian'");
    }
    hsok_status_t st = load_stopwords(an, errmsg);
    if (st != HSOK_OK) {
        hsok_analyzer_free(an);
        return st;
    }
    *out = an;
    return HSOK_OK;
}

void hsok_analyzer_free(hsok_analyzer_t *an)
{
    if (!an)
        return;
    if (an->stemmer)
        sb_stemmer_delete(an->stemmer);
    free(an->stop_tab);
    free(an->cps);
    buf_free(&an->stop_words);
    buf_free(&an->word);
    buf_free(&an->part);
    buf_free(&an->stem);
    buf_free(&an->seen);
    buf_free(&an->susp);
    hsok_analyzer_memo(an, 0);
    free(an);
}

void hsok_analyzer_set_splitter(hsok_analyzer_t *an, hsok_split_fn fn, void *ctx)
{
    if (!an)
        return;
    an->split = fn;
    an->split_ctx = fn ? ctx : NULL;
    hsok_analyzer_memo(an, an->memo.limit); /* tokens of the old splitter are stale */
}

void hsok_analyzer_set_lemmatizer(hsok_analyzer_t *an, struct hsok_lemmatizer *lm)
{
    if (an) {
        an->lemmas = lm;
        hsok_analyzer_memo(an, an->memo.limit);
    }
}

void hsok_analyzer_memo(hsok_analyzer_t *an, size_t limit)
{
    if (!an)
        return;
    memo_t *m = &an->memo;
    buf_free(&m->arena);
    free(m->toks);
    free(m->ents);
    memset(m, 0, sizeof *m);
    buf_init(&m->arena);
    m->limit = limit;
}

static size_t memo_size(const memo_t *m)
{
    return m->arena.len + m->ntok * sizeof *m->toks + m->nent * sizeof *m->ents;
}

/* Append s[0..n) and a NUL to the arena; its offset. */
static uint32_t memo_str(memo_t *m, const char *s, size_t n)
{
    uint32_t at = (uint32_t)m->arena.len;
    buf_add(&m->arena, s, n);
    buf_addch(&m->arena, '\0');
    return at;
}

/* Keep token t of the analysis being recorded; stop recording when the memo is full. */
static void memo_keep(memo_t *m, const hsok_token_t *t)
{
    size_t need = t->norm_len + t->stem_len + t->lemmas_len + t->variants_len + 4;
    if (memo_size(m) + need + sizeof *m->toks > m->limit || m->arena.len + need > UINT32_MAX ||
        t->end > UINT32_MAX) {
        m->recording = 0;
        return;
    }
    if (m->ntok == m->captok) {
        size_t cap = m->captok ? m->captok * 2 : 1024;
        memo_tok_t *v = realloc(m->toks, cap * sizeof *v);
        if (!v) {
            m->recording = 0;
            return;
        }
        m->toks = v;
        m->captok = cap;
    }
    memo_tok_t *k = &m->toks[m->ntok];
    k->norm = memo_str(m, t->norm, t->norm_len);
    k->norm_len = (uint32_t)t->norm_len;
    k->stem = memo_str(m, t->stem, t->stem_len);
    k->stem_len = (uint32_t)t->stem_len;
    k->lemmas = (uint32_t)m->arena.len;
    buf_add(&m->arena, t->lemmas, t->lemmas_len); /* NUL-terminated strings already */
    k->lemmas_len = (uint32_t)t->lemmas_len;
    k->variants = (uint32_t)m->arena.len;
    buf_add(&m->arena, t->variants, t->variants_len);
    k->variants_len = (uint32_t)t->variants_len;
    k->start = (uint32_t)t->start;
    k->end = (uint32_t)t->end;
    k->pos = t->pos;
    k->flags = t->flags;
    k->stop_pos = t->pos;
    if (m->arena.err)
        m->recording = 0;
    else
        m->ntok++;
}

static const memo_ent_t *memo_find(const memo_t *m, uint64_t h, const char *text, size_t len,
                                   int mode)
{
    for (size_t i = m->nent; i-- > 0;) {
        const memo_ent_t *e = &m->ents[i];
        if (e->hash == h && e->len == len && e->mode == mode &&
            !memcmp(m->arena.data + e->text, text, len))
            return e;
    }
    return NULL;
}

/* Start recording an analysis of text[0..len): its copy goes first. */
static void memo_begin(memo_t *m, const char *text, size_t len)
{
    m->recording = 0;
    m->rec_arena = m->arena.len;
    m->rec_tok = m->ntok;
    if (memo_size(m) + len + 1 + sizeof *m->ents > m->limit || m->arena.len + len > UINT32_MAX)
        return;
    memo_str(m, text, len);
    m->recording = !m->arena.err;
}

/* End the recording: keep it as an entry if the analysis ran to its end, else drop it. */
static void memo_end(memo_t *m, int complete, uint64_t h, size_t len, int mode,
                     unsigned end_pos)
{
    if (m->recording && complete && m->nent == m->capent) {
        size_t cap = m->capent ? m->capent * 2 : 64;
        memo_ent_t *v = realloc(m->ents, cap * sizeof *v);
        if (v) {
            m->ents = v;
            m->capent = cap;
        }
    }
    if (!m->recording || !complete || m->nent == m->capent) {
        if (m->arena.len >= m->rec_arena) {
            m->arena.len = m->rec_arena;
            m->arena.err = 0;
        }
        m->ntok = m->rec_tok;
        m->recording = 0;
        return;
    }
    memo_ent_t *e = &m->ents[m->nent++];
    e->hash = h;
    e->text = (uint32_t)m->rec_arena;
    e->len = (uint32_t)len;
    e->tok = (uint32_t)m->rec_tok;
    e->ntok = (uint32_t)(m->ntok - m->rec_tok);
    e->end_pos = end_pos;
    e->mode = mode;
    m->recording = 0;
}

/* Call fn for the kept tokens of e, as the analysis did; the last position in *pos. */
static void memo_replay(const memo_t *m, const memo_ent_t *e, unsigned *pos, hsok_token_fn fn,
                        void *ctx)
{
    unsigned last = e->end_pos;
    for (size_t i = 0; i < e->ntok; i++) {
        const memo_tok_t *k = &m->toks[e->tok + i];
        const char *a = m->arena.data;
        hsok_token_t t = { a + k->norm, k->norm_len, a + k->stem, k->stem_len, k->start, k->end,
                           k->pos, k->flags, k->lemmas_len ? a + k->lemmas : "", k->lemmas_len,
                           k->variants_len ? a + k->variants : "", k->variants_len };
        if (fn(ctx, &t)) {
            last = k->stop_pos;
            break;
        }
    }
    if (pos)
        *pos = last;
}

struct hsok_lemmatizer *hsok_analyzer_lemmatizer(const hsok_analyzer_t *an)
{
    return an ? an->lemmas : NULL;
}

/* A hyphenated word is stemmed by its last piece ("e-helsen" → "e-" + stem("helsen")):
 * Snowball measures its regions from the start of the word, and "e-helse" would otherwise
 * lose most of its head ("e-h"). */
const char *hsok_stem(hsok_analyzer_t *an, const char *norm, size_t len, size_t *outlen)
{
    if (outlen)
        *outlen = 0;
    if (!an || (!norm && len) || len > INT32_MAX)
        return NULL;
    if (!norm)
        norm = "";
    size_t head = len;
    while (head > 0 && norm[head - 1] != '-')
        head--;
    if (head == len)
        head = 0; /* trailing "-" or none: stem the whole word */
    /* Snowball takes "-ets" off the genitive "sikkerhets" but "-het" off "sikkerhet": drop the
     * genitive -s of -het/-heit nouns first so both meet at "sikker" */
    size_t slen = len - head;
    if ((slen > 5 && !memcmp(norm + len - 4, "hets", 4)) ||
        (slen > 6 && !memcmp(norm + len - 5, "heits", 5)))
        slen--;
    const sb_symbol *s = sb_stemmer_stem(an->stemmer, (const sb_symbol *)norm + head,
                                         (int)slen);
    if (!s)
        return NULL;
    size_t n = (size_t)sb_stemmer_length(an->stemmer);
    buf_reset(&an->stem);
    buf_add(&an->stem, norm, head);
    buf_add(&an->stem, s, n);
    if (an->stem.err)
        return NULL;
    if (outlen)
        *outlen = an->stem.len;
    return an->stem.data;
}

/* ---- emitting tokens ---- */

typedef struct emit {
    hsok_analyzer_t *an;
    hsok_token_fn fn;
    void *ctx;
    size_t start, end;
    unsigned pos;
    int stop;   /* the callback asked to stop */
} emit_t;

/* Characters (code points) in s[0..len) of valid UTF-8. */
static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int all_digits_norm(const char *s, size_t len)
{
    int any = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        int k = decode(s + i, len - i, &cp);
        if (k < 0)
            return 0;
        enum cclass c = classify(cp);
        if (c == C_LETTER || c == C_MARK)
            return 0;
        any |= c == C_DIGIT;
        i += (size_t)k;
    }
    return any;
}

/* Fill in stem and flags for a normalised token and call back. `nostem`: keep norm as stem.
 * Returns 0 to go on, 1 if the callback stopped, -1 on failure. */
static int emit_token(emit_t *e, const char *norm, size_t len, unsigned flags, int nostem)
{
    hsok_token_t t;
    t.norm = norm;
    t.norm_len = len;
    t.start = e->start;
    t.end = e->end;
    t.pos = e->pos;
    if (!(flags & HSOK_TOKEN_NUMBER) && hsok_is_stopword(e->an, norm, len))
        flags |= HSOK_TOKEN_STOPWORD;
    t.flags = flags;
    t.lemmas = t.variants = "";
    t.lemmas_len = t.variants_len = 0;
    if (e->an->lemmas && !nostem &&
        !(flags & (HSOK_TOKEN_NUMBER | HSOK_TOKEN_STOPWORD)) &&
        lemma_get(e->an->lemmas, norm, len, &t.lemmas, &t.lemmas_len, &t.variants,
                  &t.variants_len))
        return -1;
    if (nostem || (flags & HSOK_TOKEN_NUMBER)) {
        t.stem = norm;
        t.stem_len = len;
    } else {
        t.stem = hsok_stem(e->an, norm, len, &t.stem_len);
        if (!t.stem)
            return -1;
    }
    if (e->an->memo.recording)
        memo_keep(&e->an->memo, &t);
    if (e->fn(e->ctx, &t)) {
        e->stop = 1;
        return 1;
    }
    return 0;
}

/* Emit word[a..b) of the current word (an->word) as a part unless it is the word itself or
 * already emitted. */
static int emit_part(emit_t *e, size_t a, size_t b)
{
    hsok_analyzer_t *an = e->an;
    const char *w = an->word.data + a;
    size_t len = b - a;
    if (!len || len == an->word.len)
        return 0;
    for (size_t off = 0; off < an->seen.len;) {
        const char *s = an->seen.data + off;
        size_t sl = strlen(s);
        if (sl == len && !memcmp(s, w, len))
            return 0;
        off += sl + 1;
    }
    buf_add(&an->seen, w, len);
    buf_addch(&an->seen, '\0');
    buf_reset(&an->part);
    buf_add(&an->part, w, len);
    if (an->seen.err || an->part.err)
        return -1;
    unsigned flags = HSOK_TOKEN_PART;
    if (all_digits_norm(an->part.data, an->part.len))
        flags |= HSOK_TOKEN_NUMBER;
    return emit_token(e, an->part.data, an->part.len, flags, 0);
}

static int utf8_boundary(const char *s, size_t len, size_t i)
{
    return i == len || ((unsigned char)s[i] & 0xC0) != 0x80;
}

/* Run the splitter on word[a..b) and emit its parts. */
static int split_parts(emit_t *e, size_t a, size_t b)
{
    hsok_analyzer_t *an = e->an;
    if (!an->split || b <= a)
        return 0;
    /* the splitter gets a NUL-terminated copy so it may treat the word as a C string */
    buf_reset(&an->part);
    buf_add(&an->part, an->word.data + a, b - a);
    if (an->part.err)
        return -1;
    size_t n = an->split(an->split_ctx, an->part.data, an->part.len, an->starts, an->ends,
                         MAX_SPLIT);
    if (n > MAX_SPLIT)
        n = MAX_SPLIT;
    for (size_t i = 0; i < n; i++) {
        size_t s = an->starts[i], z = an->ends[i];
        if (s >= z || z > b - a || !utf8_boundary(an->word.data + a, b - a, s) ||
            !utf8_boundary(an->word.data + a, b - a, z))
            continue;
        int rc = emit_part(e, a + s, a + z);
        if (rc)
            return rc;
    }
    return 0;
}

/* Emit one word text[s..z) and, in DOCUMENT mode, its parts. */
static int emit_word(emit_t *e, const char *text, size_t s, size_t z, unsigned flags,
                     int nostem, int hyphen, hsok_analyze_mode_t mode)
{
    hsok_analyzer_t *an = e->an;
    if (normalize_word(an, text + s, z - s, &an->word))
        return -1;
    if (!an->word.len)
        return 0;
    e->start = s;
    e->end = z;
    e->pos++;
    int rc = emit_token(e, an->word.data, an->word.len, flags, nostem);
    if (rc || mode != HSOK_ANALYZE_DOCUMENT || nostem)
        return rc;
    if (hsok_is_stopword(an, an->word.data, an->word.len))
        return 0;
    buf_reset(&an->seen);
    const char *w = an->word.data;
    size_t wl = an->word.len;
    if (!hyphen) {
        if (flags & HSOK_TOKEN_NUMBER)
            return 0;
        return split_parts(e, 0, wl);
    }
    for (size_t a = 0; a < wl;) {
        size_t b = a;
        while (b < wl && w[b] != '-')
            b++;
        if (count_chars(w + a, b - a) >= 2) {
            rc = emit_part(e, a, b);
            if (!rc && !all_digits_norm(w + a, b - a) && !hsok_is_stopword(an, w + a, b - a))
                rc = split_parts(e, a, b);
            if (rc)
                return rc;
        }
        a = b + 1;
    }
    return 0;
}

/* Letters of the run starting at text[i] (letters and marks), and the class after it. */
static size_t letter_run(const char *text, size_t len, size_t i, enum cclass *after)
{
    size_t n = 0;
    for (;;) {
        int k;
        enum cclass c = class_at(text, len, i, &k);
        if (c == C_LETTER) {
            n++;
        } else if (c != C_MARK) {
            *after = c;
            return n;
        }
        i += (size_t)k;
    }
}

/* Suspended compounds: in "helse- og omsorgstjenesten" the first word stands for
 * "helsetjenesten". After the word that follows "X- og"/"X- eller", X + the head of that word
 * (from the splitter) is emitted as a word of its own at X's position and offsets. */
typedef struct susp {
    int state;      /* 0 none, 1 after "X-", 2 after "X- og" */
    unsigned pos;   /* X's position */
    size_t start, end;
} susp_t;

static int suspended(emit_t *e, susp_t *sp, const char *text, size_t len, size_t s, size_t z)
{
    hsok_analyzer_t *an = e->an;
    const char *w = an->word.data;
    size_t wl = an->word.len;
    int k, k2;
    if (sp->state == 1 && ((wl == 2 && !memcmp(w, "og", 2)) ||
                           (wl == 5 && !memcmp(w, "eller", 5)) ||
                           (wl == 4 && !memcmp(w, "samt", 4)))) {
        sp->state = 2;
        return 0;
    }
    if (sp->state == 2 && wl > 0) {
        sp->state = 0;
        size_t n = an->split(an->split_ctx, w, wl, an->starts, an->ends, MAX_SPLIT);
        size_t head = wl;
        for (size_t j = 0; j < n && j < MAX_SPLIT; j++)
            if (an->ends[j] == wl && an->starts[j] > 0 && an->starts[j] < head)
                head = an->starts[j];
        if (head < wl) {
            buf_t synth = BUF_INIT;
            buf_add(&synth, an->susp.data, an->susp.len);
            buf_add(&synth, w + head, wl - head);
            if (synth.err)
                return -1;
            size_t os = e->start, oe = e->end;
            unsigned op = e->pos;
            e->start = sp->start;
            e->end = sp->end;
            e->pos = sp->pos;
            int rc = emit_token(e, synth.data, synth.len, 0, 0);
            memo_t *m = &an->memo;
            if (m->recording && m->ntok > m->rec_tok)
                m->toks[m->ntok - 1].stop_pos = op; /* a stop here leaves the word's position */
            e->start = os;
            e->end = oe;
            e->pos = op;
            buf_free(&synth);
            if (rc)
                return rc;
        }
    } else {
        sp->state = 0;
    }
    /* "X-" followed by a space: a suspended first part */
    if (z < len && class_at(text, len, z, &k) == C_HYPHEN && wl >= 2 &&
        (z + (size_t)k >= len || class_at(text, len, z + (size_t)k, &k2) == C_SEP)) {
        buf_reset(&an->susp);
        buf_add(&an->susp, w, wl);
        if (an->susp.err)
            return -1;
        sp->state = 1;
        sp->pos = e->pos;
        sp->start = s;
        sp->end = z;
    }
    return 0;
}

hsok_status_t hsok_analyze(hsok_analyzer_t *an, const char *text, size_t len,
                           hsok_analyze_mode_t mode, unsigned *pos,
                           hsok_token_fn fn, void *ctx)
{
    if (!an || !fn || (!text && len))
        return HSOK_ERR_INVALID;
    emit_t e = { an, fn, ctx, 0, 0, pos ? *pos : 0, 0 };
    memo_t *m = &an->memo;
    uint64_t h = 0;
    /* not inside a callback's own analysis on this analyzer: that one is being recorded */
    int memo = m->limit && !e.pos && !m->recording && len <= UINT32_MAX;
    if (memo) {
        const char *tx = text ? text : "";
        h = hsok_hash64(tx, len);
        const memo_ent_t *me = memo_find(m, h, tx, len, (int)mode);
        if (me) {
            memo_replay(m, me, pos, fn, ctx);
            return HSOK_OK;
        }
        memo_begin(m, tx, len);
    }
    int rc = 0;
    size_t i = 0;
    susp_t sp = { 0, 0, 0, 0 };
    while (i < len && !rc) {
        int k;
        enum cclass c = class_at(text, len, i, &k);
        if (c == C_SECTION) {
            rc = emit_word(&e, text, i, i + (size_t)k, 0, 1, 0, mode);
            i += (size_t)k;
            continue;
        }
        if (c != C_LETTER && c != C_DIGIT) {
            i += (size_t)k;
            continue;
        }
        size_t s = i;
        int numeric = c == C_DIGIT, hyphen = 0, dotted = 0;
        size_t seg = c == C_LETTER;   /* letters in the current segment */
        int seg_letters = c == C_LETTER; /* the current segment is letters only */
        enum cclass prev = c;
        i += (size_t)k;
        for (;;) {
            c = class_at(text, len, i, &k);
            if (is_alnum(c)) {
                if (c == C_DIGIT)
                    seg_letters = 0;
                else if (c == C_LETTER) {
                    numeric = 0;
                    seg++;
                }
                prev = c;
                i += (size_t)k;
                continue;
            }
            if (c == C_SEP || k == 0)
                break;
            int k2;
            enum cclass next = class_at(text, len, i + (size_t)k, &k2);
            int join = 0;
            switch (c) {
            case C_IGNORE:
                join = is_alnum(prev) && is_alnum(next);
                break;
            case C_HYPHEN:
                join = is_alnum(prev) && (next == C_LETTER || next == C_DIGIT);
                hyphen |= join;
                break;
            case C_APOS:
                join = (prev == C_LETTER || prev == C_MARK) && next == C_LETTER && !numeric;
                break;
            case C_COMMA:
                join = numeric && prev == C_DIGIT && next == C_DIGIT;
                break;
            case C_DOT:
                if (numeric) {
                    join = prev == C_DIGIT && next == C_DIGIT;
                    break;
                }
                if (prev != C_LETTER && prev != C_MARK)
                    break;
                if (seg_letters && seg <= ABBREV_SEG && next == C_LETTER) {
                    enum cclass after;
                    size_t n = letter_run(text, len, i + (size_t)k, &after);
                    join = n <= ABBREV_SEG && after == C_DOT;
                    dotted |= join;
                }
                if (!join && dotted)
                    i += (size_t)k; /* the final "." of "bl.a." belongs to it */
                break;
            default:
                break;
            }
            if (!join)
                break;
            if (c != C_IGNORE) {
                seg = 0;
                seg_letters = 1;
            }
            prev = c == C_IGNORE ? prev : c;
            i += (size_t)k;
        }
        rc = emit_word(&e, text, s, i, numeric ? HSOK_TOKEN_NUMBER : 0, dotted, hyphen, mode);
        if (!rc && mode == HSOK_ANALYZE_DOCUMENT && an->split)
            rc = suspended(&e, &sp, text, len, s, i);
    }
    if (memo)
        memo_end(m, !rc && !e.stop, h, len, (int)mode, e.pos);
    if (pos)
        *pos = e.pos;
    if (rc < 0)
        return HSOK_ERR_NOMEM;
    return HSOK_OK;
}
