/* fuzz_decode.c — libFuzzer harness for the decoder and the token chain.
 *
 * Input: the bytes of a source file. They go through hsok_source_decode (encoding detection,
 * BOM, CRLF); the raw bytes and, when they decode, the clean text go through hsok_analyze in
 * DOCUMENT mode (with a compound splitter) and QUERY mode, and through hsok_normalize.
 * Checked (with test_text's invariants, on any text): the decoded text is NUL-terminated
 * valid UTF-8 with LF line ends; tokens lie inside the text on character boundaries, in
 * order, with NUL-terminated norm and stem; a word's surface normalises to its norm; parts
 * share their word's position and offsets and come only in DOCUMENT mode. */
#include "fuzz.h"

#include "hsok/compound.h"
#include "hsok/ingest.h"

static hsok_analyzer_t *an;
static hsok_lexicon_t *lex;
static unsigned long inputs;

/* A few lexicon words so that common compounds of the seeds split ("informasjon|s|sikkerhet"). */
static const char lexicon_words[] =
    "informasjon\nsikkerhet\nhelse\ntjeneste\nkommune\ndata\ndeling\nplan\nmål\n"
    "kompetanse\nheving\narbeid\nhverdag\nomsorg\npasient\njournal\nstyring\nsystem\n"
    "teknologi\nvelferd\ntiltak\nrapport\nsektor\nløsning\nvurdering\npersonvern\n";

typedef struct tokcheck {
    const char *text;
    size_t len;
    int query_mode;
    int utf8;          /* the text is valid UTF-8: norm and stem must be too */
    unsigned first;    /* positions start above this */
    unsigned last_pos; /* highest position so far */
    unsigned word_pos; /* position of the last word (not a part) */
    size_t word_start, word_end; /* its offsets */
    size_t last_start;
    size_t ntok;
} tokcheck_t;

static int on_token(void *ctx, const hsok_token_t *t)
{
    tokcheck_t *c = ctx;
    FUZZ_CHECK(t->start < t->end && t->end <= c->len, "token [%zu, %zu) of %zu bytes", t->start,
               t->end, c->len);
    FUZZ_CHECK(t->norm_len > 0, "empty norm at %zu", t->start);
    fuzz_check_str(t->norm, t->norm_len, "token norm");
    fuzz_check_str(t->stem, t->stem_len, "token stem");
    if (c->utf8) {
        fuzz_check_utf8(t->norm, "token norm");
        fuzz_check_utf8(t->stem, "token stem");
    }
    FUZZ_CHECK(t->pos > c->first, "position %u not above the start %u", t->pos, c->first);
    if (c->utf8)
        FUZZ_CHECK(((unsigned char)c->text[t->start] & 0xC0) != 0x80 &&
                       (t->end == c->len || ((unsigned char)c->text[t->end] & 0xC0) != 0x80),
                   "token [%zu, %zu) not on character boundaries", t->start, t->end);
    if (t->flags & HSOK_TOKEN_PART) {
        FUZZ_CHECK(!c->query_mode, "compound part '%s' in QUERY mode", t->norm);
        FUZZ_CHECK(c->ntok > 0 && t->pos == c->word_pos, "part '%s' at %u, its word at %u",
                   t->norm, t->pos, c->word_pos);
        FUZZ_CHECK(t->start == c->word_start && t->end == c->word_end,
                   "part '%s' at [%zu, %zu), its word at [%zu, %zu)", t->norm, t->start, t->end,
                   c->word_start, c->word_end);
    } else if (t->pos > c->last_pos) {
        /* a word's surface normalises to its norm (as test_text checks on its cases) */
        if (c->utf8) {
            size_t n = 0;
            char *norm = hsok_normalize(c->text + t->start, t->end - t->start, &n);
            FUZZ_CHECK(norm && !strcmp(norm, t->norm), "surface [%zu, %zu) normalises to '%s', "
                       "the token says '%s'", t->start, t->end, norm ? norm : "(null)", t->norm);
            free(norm);
        }
        FUZZ_CHECK(t->pos == c->last_pos + 1, "word '%s' at %u after %u", t->norm, t->pos,
                   c->last_pos);
        FUZZ_CHECK(c->ntok == 0 || t->start >= c->last_start, "word at %zu after one at %zu",
                   t->start, c->last_start);
        c->word_pos = t->pos;
        c->word_start = t->start;
        c->word_end = t->end;
        c->last_start = t->start;
    } else {
        /* only a suspended compound ("helse- og omsorg...") goes back to an earlier word */
        FUZZ_CHECK(!c->query_mode, "word '%s' at %u after %u in QUERY mode", t->norm, t->pos,
                   c->last_pos);
        c->word_pos = t->pos;
        c->word_start = t->start;
        c->word_end = t->end;
        FUZZ_CHECK(t->start < c->last_start, "suspended word at %zu not before %zu", t->start,
                   c->last_start);
    }
    if (t->pos > c->last_pos)
        c->last_pos = t->pos;
    c->ntok++;
    return 0;
}

static void analyze(const char *text, size_t len, hsok_analyze_mode_t mode, int utf8)
{
    unsigned pos = 7; /* a second field sharing the position space */
    tokcheck_t c = { .text = text, .len = len, .query_mode = mode == HSOK_ANALYZE_QUERY,
                     .utf8 = utf8, .first = 7, .last_pos = 7 };
    hsok_status_t st = hsok_analyze(an, text, len, mode, &pos, on_token, &c);
    FUZZ_CHECK(st == HSOK_OK, "hsok_analyze: %s", hsok_status_str(st));
    FUZZ_CHECK(pos == c.last_pos, "*pos %u, last token at %u", pos, c.last_pos);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!an && hsok_analyzer_new(&an, NULL) != HSOK_OK)
        abort();
    /* The lexicon caches the split of every word it sees: renew it now and then to keep
     * memory bounded over millions of inputs. */
    if (!lex || ++inputs % 256 == 0) {
        hsok_lexicon_free(lex);
        lex = NULL;
        if (hsok_lexicon_from_string(lexicon_words, &lex, NULL) != HSOK_OK)
            abort();
        hsok_analyzer_set_splitter(an, hsok_compound_split, lex);
    }

    const char *raw = (const char *)data;
    size_t bad = 0;
    int valid = hsok_utf8_valid(raw, size, &bad);
    size_t i = 0;
    while (i < size) {
        size_t k = hsok_utf8_next(raw + i, size - i, NULL);
        if (!k)
            break;
        FUZZ_CHECK(k <= size - i, "hsok_utf8_next: %zu bytes at %zu of %zu", k, i, size);
        i += k;
    }
    FUZZ_CHECK(valid == (i == size), "hsok_utf8_valid %d, hsok_utf8_next stops at %zu of %zu",
               valid, i, size);
    FUZZ_CHECK(valid || bad == i, "first invalid byte %zu, hsok_utf8_next stops at %zu", bad, i);

    /* Invalid sequences are separators to the tokenizer: raw bytes are fair input. */
    analyze(raw, size, HSOK_ANALYZE_DOCUMENT, valid);

    hsok_source_t src;
    char *err = NULL;
    hsok_status_t st = hsok_source_decode("fuzz.txt", raw, size, &src, &err);
    if (st == HSOK_OK) {
        fuzz_check_str(src.text, src.len, "decoded text");
        fuzz_check_utf8(src.text, "decoded text");
        FUZZ_CHECK(!memchr(src.text, '\r', src.len), "CR left in the decoded text");
        FUZZ_CHECK(hsok_encoding_name(src.encoding) != NULL, "no encoding name");
        analyze(src.text, src.len, HSOK_ANALYZE_DOCUMENT, 1);
        analyze(src.text, src.len, HSOK_ANALYZE_QUERY, 1);
        size_t nlen = 0;
        char *norm = hsok_normalize(src.text, src.len, &nlen);
        FUZZ_CHECK(norm != NULL, "hsok_normalize failed on valid UTF-8");
        fuzz_check_str(norm, nlen, "normalised text");
        fuzz_check_utf8(norm, "normalised text");
        free(norm);
    } else {
        FUZZ_CHECK(err != NULL, "hsok_source_decode: %s without a message", hsok_status_str(st));
        FUZZ_CHECK(!strchr(err, '\n'), "message of more than one line: %s", err);
        FUZZ_CHECK(src.text == NULL, "text left after an error");
    }
    hsok_source_clear(&src);
    free(err);
    return 0;
}
