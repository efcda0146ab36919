/* test_text.c — the token chain: splitting, offsets, normalisation, stopwords, stemming,
 * parts and the splitter hook. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsok/ingest.h"
#include "hsok/text.h"

/* ---- collecting tokens ---- */

#define MAX_TOKS 20000

typedef struct tok {
    char norm[128];
    char stem[128];
    size_t start, end;
    unsigned pos, flags;
} tok_t;

typedef struct coll {
    tok_t *t;
    size_t n;
    size_t stop_after; /* 0 = never stop */
} coll_t;

static int collect(void *ctx, const hsok_token_t *t)
{
    coll_t *c = ctx;
    assert_true(c->n < MAX_TOKS);
    assert_int_equal(strlen(t->norm), t->norm_len);
    assert_int_equal(strlen(t->stem), t->stem_len);
    tok_t *o = &c->t[c->n++];
    snprintf(o->norm, sizeof o->norm, "%s", t->norm);
    snprintf(o->stem, sizeof o->stem, "%s", t->stem);
    o->start = t->start;
    o->end = t->end;
    o->pos = t->pos;
    o->flags = t->flags;
    return c->stop_after && c->n >= c->stop_after;
}

static hsok_analyzer_t *an_new(void)
{
    hsok_analyzer_t *an = NULL;
    char *err = NULL;
    assert_int_equal(hsok_analyzer_new(&an, &err), HSOK_OK);
    assert_null(err);
    assert_non_null(an);
    return an;
}

static void run(hsok_analyzer_t *an, const char *text, size_t len, hsok_analyze_mode_t mode,
                coll_t *c)
{
    c->n = 0;
    assert_int_equal(hsok_analyze(an, text, len, mode, NULL, collect, c), HSOK_OK);
}

/* Tokens as "norm norm +part ..." (parts prefixed with "+"). */
static void render(const coll_t *c, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->n && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s%s", i ? " " : "",
                              (c->t[i].flags & HSOK_TOKEN_PART) ? "+" : "", c->t[i].norm);
}

/* Invariants every analysis must keep, checked on every case: offsets lie in the text on
 * UTF-8 boundaries, a word's surface normalises to its norm, parts follow their word at its
 * position and offsets, positions count words from 1. */
static void check_invariants(const char *text, size_t len, const coll_t *c)
{
    unsigned last = 0;
    for (size_t i = 0; i < c->n; i++) {
        const tok_t *t = &c->t[i];
        assert_true(t->start < t->end);
        assert_true(t->end <= len);
        assert_true(((unsigned char)text[t->start] & 0xC0) != 0x80);
        assert_true(t->end == len || ((unsigned char)text[t->end] & 0xC0) != 0x80);
        assert_true(t->norm[0] != '\0');
        assert_true(t->stem[0] != '\0');
        if (t->flags & HSOK_TOKEN_PART) {
            assert_true(i > 0);
            assert_int_equal(t->pos, last);
            assert_int_equal(t->start, c->t[i - 1].start);
            assert_int_equal(t->end, c->t[i - 1].end);
            continue;
        }
        assert_int_equal(t->pos, last + 1);
        last = t->pos;
        size_t n = 0;
        char *norm = hsok_normalize(text + t->start, t->end - t->start, &n);
        assert_non_null(norm);
        assert_string_equal(norm, t->norm);
        free(norm);
    }
}

/* ---- tokenisation ---- */

typedef struct split_case {
    const char *text;
    const char *doc;   /* DOCUMENT mode tokens */
    const char *query; /* QUERY mode tokens; NULL = same as doc without parts */
} split_case_t;

static const split_case_t split_cases[] = {
    { "Helse og omsorg", "helse og omsorg", NULL },
    { "ÆØÅ æøå Blåbær", "æøå æøå blåbær", NULL },
    { "e-helse", "e-helse +helse", "e-helse" },
    { "Sør-Øst", "sør-øst +sør +øst", "sør-øst" },
    { "KS- og kommunene", "ks og kommunene", NULL },
    { "helse- og omsorgssektoren", "helse og omsorgssektoren", NULL },
    { "bl.a. dette", "bl.a. dette", NULL },
    { "f.eks. nå", "f.eks. nå", NULL },
    { "d.v.s. slik", "d.v.s. slik", NULL },
    { "jf. § 23 i loven", "jf § 23 i loven", NULL },
    { "§23", "§ 23", NULL },
    { "covid-19", "covid-19 +covid +19", "covid-19" },
    { "Drammen's og Drammen’s", "drammen's og drammen's", NULL },
    { "‘sitat’", "sitat", NULL },
    { "7000 kroner", "7000 kroner", NULL },
    { "7 000", "7 000", NULL },
    { "2,5 prosent", "2,5 prosent", NULL },
    { "1,2, 3", "1,2 3", NULL },
    { "i 2025.", "i 2025", NULL },
    { "kapittel 4.2.1", "kapittel 4.2.1", NULL },
    { "2020-2025", "2020-2025 +2020 +2025", "2020-2025" },
    { "• Fem mål\n• Styring", "fem mål styring", NULL },
    { "☒ Ja  ☐ Nei", "ja nei", NULL },
    { "(helse), [omsorg]; «sitat»: \"x\"!?", "helse omsorg sitat x", NULL },
    { "slutt.Neste", "slutt neste", NULL },
    { "nhn.no", "nhn no", NULL },
    { "post@nhn.no", "post nhn no", NULL },
    { "https://www.helsenorge.no/om", "https www helsenorge no om", NULL },
    { "-innledende bindestrek", "innledende bindestrek", NULL },
    { "a - b – c — d", "a b c d", NULL },
    { "ord1 5G", "ord1 5g", NULL },
    { "MiXeD CaSe", "mixed case", NULL },
    { "Straße", "strasse", NULL },
    { "a\xCC\x8Apen", "åpen", NULL },         /* NFD "å" */
    { "infor\xC2\xADmasjon", "informasjon", NULL }, /* soft hyphen inside */
    { "e\xE2\x80\x90helse", "e-helse +helse", "e-helse" }, /* U+2010 hyphen */
    { "Москва Αθήνα", "москва αθήνα", NULL },
    { "  \n\t ", "", NULL },
    { "...", "", NULL },
};

static void test_split_cases(void **state)
{
    (void)state;
    hsok_analyzer_t *an = an_new();
    coll_t c = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    char got[1024];
    for (size_t i = 0; i < sizeof split_cases / sizeof *split_cases; i++) {
        const split_case_t *k = &split_cases[i];
        size_t len = strlen(k->text);
        run(an, k->text, len, HSOK_ANALYZE_DOCUMENT, &c);
        render(&c, got, sizeof got);
        if (strcmp(got, k->doc))
            fail_msg("document '%s': got '%s', want '%s'", k->text, got, k->doc);
        check_invariants(k->text, len, &c);

        char want[1024];
        if (k->query) {
            snprintf(want, sizeof want, "%s", k->query);
        } else {
            snprintf(want, sizeof want, "%s", k->doc);
        }
        run(an, k->text, len, HSOK_ANALYZE_QUERY, &c);
        render(&c, got, sizeof got);
        if (strcmp(got, want))
            fail_msg("query '%s': got '%s', want '%s'", k->text, got, want);
        check_invariants(k->text, len, &c);
        for (size_t j = 0; j < c.n; j++)
            assert_false(c.t[j].flags & HSOK_TOKEN_PART);
    }
    free(c.t);
    hsok_analyzer_free(an);
}

/* Offsets point at the surface form in the original bytes. */
typedef struct offset_case {
    const char *text;
    const char *surfaces; /* original bytes of each word (not parts), space-separated */
} offset_case_t;

static const offset_case_t offset_cases[] = {
    { "  Sør-Øst  RHF", "Sør-Øst RHF" },
    { "KS- og helse- ", "KS og helse" },
    { "bl.a. f.eks. ok.", "bl.a. f.eks. ok" },
    { "a\xCC\x8Apen dør", "a\xCC\x8Apen dør" },
    { "x\xFFy Drammen’s", "x y Drammen’s" },
    { "§ 23, 2,5 %", "§ 23 2,5" },
};

static void test_offsets(void **state)
{
    (void)state;
    hsok_analyzer_t *an = an_new();
    coll_t c = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    for (size_t i = 0; i < sizeof offset_cases / sizeof *offset_cases; i++) {
        const offset_case_t *k = &offset_cases[i];
        run(an, k->text, strlen(k->text), HSOK_ANALYZE_DOCUMENT, &c);
        char got[512];
        size_t o = 0;
        got[0] = '\0';
        for (size_t j = 0; j < c.n; j++) {
            if (c.t[j].flags & HSOK_TOKEN_PART)
                continue;
            o += (size_t)snprintf(got + o, sizeof got - o, "%s%.*s", o ? " " : "",
                                  (int)(c.t[j].end - c.t[j].start), k->text + c.t[j].start);
        }
        if (strcmp(got, k->surfaces))
            fail_msg("offsets '%s': got '%s', want '%s'", k->text, got, k->surfaces);
    }
    free(c.t);
    hsok_analyzer_free(an);
}

/* ---- flags ---- */

typedef struct flag_case {
    const char *text; /* one word */
    unsigned flags;
} flag_case_t;

static const flag_case_t flag_cases[] = {
    { "og", HSOK_TOKEN_STOPWORD },
    { "Og", HSOK_TOKEN_STOPWORD },
    { "IKKE", HSOK_TOKEN_STOPWORD },
    { "helse", 0 },
    { "2025", HSOK_TOKEN_NUMBER },
    { "2,5", HSOK_TOKEN_NUMBER },
    { "covid-19", 0 },
    { "§", 0 },
    { "Òg", HSOK_TOKEN_STOPWORD },
    { "o\xCC\x80g", HSOK_TOKEN_STOPWORD }, /* NFD òg */
    { "bl.a.", HSOK_TOKEN_STOPWORD },
};

static void test_flags(void **state)
{
    (void)state;
    hsok_analyzer_t *an = an_new();
    coll_t c = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    for (size_t i = 0; i < sizeof flag_cases / sizeof *flag_cases; i++) {
        run(an, flag_cases[i].text, strlen(flag_cases[i].text), HSOK_ANALYZE_QUERY, &c);
        assert_int_equal(c.n, 1);
        if (c.t[0].flags != flag_cases[i].flags)
            fail_msg("flags of '%s': got %u, want %u", flag_cases[i].text, c.t[0].flags,
                     flag_cases[i].flags);
    }
    free(c.t);
    hsok_analyzer_free(an);
}

/* ---- stopwords ---- */

typedef struct stop_case {
    const char *word; /* normalised */
    int stop;
} stop_case_t;

static const stop_case_t stop_cases[] = {
    /* bokmål */
    { "og", 1 }, { "i", 1 }, { "det", 1 }, { "som", 1 }, { "ikke", 1 }, { "hvordan", 1 },
    { "også", 1 }, { "være", 1 }, { "denne", 1 }, { "f.eks.", 1 },
    /* nynorsk */
    { "ikkje", 1 }, { "eg", 1 }, { "kva", 1 }, { "dei", 1 }, { "òg", 1 }, { "korleis", 1 },
    { "kven", 1 }, { "noko", 1 }, { "nokon", 1 }, { "mykje", 1 }, { "berre", 1 },
    { "frå", 1 }, { "vere", 1 }, { "vore", 1 }, { "hjå", 1 },
    /* content words analysts search */
    { "mål", 0 }, { "helse", 0 }, { "ja", 0 }, { "nei", 0 }, { "må", 0 }, { "bør", 0 },
    { "kommune", 0 }, { "år", 0 }, { "del", 0 }, { "og2", 0 }, { "", 0 },
};

static void test_stopwords(void **state)
{
    (void)state;
    hsok_analyzer_t *an = an_new();
    for (size_t i = 0; i < sizeof stop_cases / sizeof *stop_cases; i++) {
        const stop_case_t *k = &stop_cases[i];
        if (!hsok_is_stopword(an, k->word, strlen(k->word)) != !k->stop)
            fail_msg("stopword '%s': want %d", k->word, k->stop);
    }
    /* length matters: "og" is a stopword, its prefix "o" and "ogx" are not */
    assert_false(hsok_is_stopword(an, "ogx", 3));
    assert_true(hsok_is_stopword(an, "ogx", 2));
    hsok_analyzer_free(an);
}

/* Every word in the source lists is compiled in and found after normalisation. */
static void test_stopword_files(void **state)
{
    (void)state;
    const char *root = getenv("HSOK_SOURCE_ROOT");
    if (!root)
        skip();
    hsok_analyzer_t *an = an_new();
    const char *names[] = { "stopwords/nb.txt", "stopwords/nn.txt" };
    for (size_t f = 0; f < 2; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", root, names[f]);
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        char line[256];
        size_t words = 0;
        while (fgets(line, sizeof line, fp)) {
            char *h = strchr(line, '#');
            if (h)
                *h = '\0';
            char *w = strtok(line, " \t\r\n");
            if (!w)
                continue;
            size_t n = 0;
            char *norm = hsok_normalize(w, strlen(w), &n);
            assert_non_null(norm);
            if (!hsok_is_stopword(an, norm, n))
                fail_msg("'%s' from %s is not a stopword", w, names[f]);
            free(norm);
            words++;
        }
        fclose(fp);
        assert_true(words > 50);
    }
    hsok_analyzer_free(an);
}

/* ---- normalisation ---- */

typedef struct norm_case {
    const char *in;
    const char *out; /* NULL = must fail */
} norm_case_t;

static const norm_case_t norm_cases[] = {
    { "Å", "å" },
    { "ÆØÅ", "æøå" },
    { "a\xCC\x8A", "å" },      /* NFD å composes, the ring is not stripped */
    { "A\xCC\x8A", "å" },
    { "o\xCC\x88", "ö" },
    { "Drammen’s", "drammen's" },
    { "Straße", "strasse" },
    { "infor\xC2\xADmasjon", "informasjon" },
    { "e\xE2\x80\x91helse", "e-helse" },
    { "Norsk Helsenett SF", "norsk helsenett sf" },
    { "", "" },
    { "bad\xFF", NULL },
    { "\xC3", NULL },
};

static void test_normalize(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof norm_cases / sizeof *norm_cases; i++) {
        const norm_case_t *k = &norm_cases[i];
        size_t n = 12345;
        char *got = hsok_normalize(k->in, strlen(k->in), &n);
        if (!k->out) {
            assert_null(got);
            continue;
        }
        if (!got)
            fail_msg("normalize '%s' failed", k->in);
        assert_string_equal(got, k->out);
        assert_int_equal(n, strlen(k->out));
        free(got);
    }
}

typedef struct utf8_case {
    const char *s;
    size_t len;
    int valid;
    size_t bad;
} utf8_case_t;

static const utf8_case_t utf8_cases[] = {
    { "", 0, 1, 0 },
    { "æøå", 6, 1, 0 },
    { "ab\xFF", 3, 0, 2 },
    { "a\xC3", 2, 0, 1 },            /* truncated */
    { "a\xC0\xAF", 3, 0, 1 },        /* overlong "/" */
    { "\xED\xA0\x80", 3, 0, 0 },     /* surrogate */
    { "x\xF4\x90\x80\x80", 5, 0, 1 }, /* above U+10FFFF */
    { "\xF0\x9F\x98\x80", 4, 1, 0 },
};

static void test_utf8_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof utf8_cases / sizeof *utf8_cases; i++) {
        size_t bad = 999;
        int v = hsok_utf8_valid(utf8_cases[i].s, utf8_cases[i].len, &bad);
        assert_int_equal(!!v, utf8_cases[i].valid);
        if (!v)
            assert_int_equal(bad, utf8_cases[i].bad);
    }
    assert_false(hsok_utf8_valid("\xFF", 1, NULL));
}

/* Invalid sequences are separators; nothing crashes or leaks into norms. */
static void test_invalid_utf8(void **state)
{
    (void)state;
    static const struct { const char *s; const char *want; } cases[] = {
        { "bad\xFF\xFEord", "bad ord" },
        { "slutt\xC3", "slutt" },
        { "\xC0\xAFx", "x" },
        { "h\xED\xA0\x80y", "h y" },
        { "\xFF", "" },
        { "e-\xFFhelse", "e helse" },
    };
    hsok_analyzer_t *an = an_new();
    coll_t c = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    char got[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len = strlen(cases[i].s);
        run(an, cases[i].s, len, HSOK_ANALYZE_QUERY, &c);
        render(&c, got, sizeof got);
        if (strcmp(got, cases[i].want))
            fail_msg("invalid '%zu': got '%s', want '%s'", i, got, cases[i].want);
        for (size_t j = 0; j < c.n; j++)
            assert_true(hsok_utf8_valid(c.t[j].norm, strlen(c.t[j].norm), NULL));
        check_invariants(cases[i].s, len, &c);
    }
    free(c.t);
    hsok_analyzer_free(an);
}

/* ---- decoding a source file (ingest.h) ---- */

#define FFFD "\xef\xbf\xbd"

/* A few bytes that are not UTF-8 in a UTF-8 file are replaced, one U+FFFD for each maximal
 * invalid sequence, and reported; a file with no valid multi-byte UTF-8, or fewer valid
 * characters than invalid bytes, is read as Windows-1252. */
static void test_decode_stray_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        hsok_encoding_t enc;
        const char *out;
        size_t invalid, first;
    } cases[] = {
        /* one stray byte of Windows-1252 in UTF-8: the rest is not garbled */
        { "H\xc3\xb8ringssvar fra Bl\xc3\xa5" "b\xc3\xa6r kommune.\n"
          "Vi st\xc3\xb8tter \x92" "forslaget.\n",
          HSOK_ENC_UTF8,
          "H\xc3\xb8ringssvar fra Bl\xc3\xa5" "b\xc3\xa6r kommune.\n"
          "Vi st\xc3\xb8tter " FFFD "forslaget.\n",
          1, 47 },
        /* a character cut short: its two bytes are one U+FFFD */
        { "\xc3\xa6\xc3\xb8\xc3\xa5 \xe2\x80.", HSOK_ENC_UTF8,
          "\xc3\xa6\xc3\xb8\xc3\xa5 " FFFD ".", 2, 7 },
        /* a surrogate is three invalid bytes (ED is no lead for A0) */
        { "\xc3\xa6\xc3\xb8\xc3\xa5\xed\xa0\x80", HSOK_ENC_UTF8,
          "\xc3\xa6\xc3\xb8\xc3\xa5" FFFD FFFD FFFD, 3, 6 },
        /* CR line ends are still converted around a replacement */
        { "\xc3\xa6\r\n\xff\r\n\xc3\xb8", HSOK_ENC_UTF8, "\xc3\xa6\n" FFFD "\n\xc3\xb8", 1, 4 },
        /* after a UTF-8 BOM every invalid byte is replaced */
        { "\xef\xbb\xbfp\xe5 Bl\xe5" "b\xe6r", HSOK_ENC_UTF8_BOM,
          "p" FFFD " Bl" FFFD "b" FFFD "r", 3, 4 },
        /* Windows-1252: no valid multi-byte character */
        { "Vi st\xf8tter forslaget p\xe5 Bl\xe5" "b\xe6r.", HSOK_ENC_CP1252,
          "Vi st\xc3\xb8tter forslaget p\xc3\xa5 Bl\xc3\xa5" "b\xc3\xa6r.", 0, 0 },
        /* Windows-1252 with one pair that happens to be UTF-8 ("Å" and a no-break space) */
        { "P\xc5\xa0 Bl\xe5" "b\xe6r st\xf8tter.", HSOK_ENC_CP1252,
          "P\xc3\x85\xc2\xa0 Bl\xc3\xa5" "b\xc3\xa6r st\xc3\xb8tter.", 0, 0 },
        /* valid UTF-8 */
        { "Bl\xc3\xa5" "b\xc3\xa6r", HSOK_ENC_UTF8, "Bl\xc3\xa5" "b\xc3\xa6r", 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hsok_source_t src;
        char *err = NULL;
        hsok_status_t st = hsok_source_decode("x.txt", cases[i].in, strlen(cases[i].in), &src,
                                              &err);
        if (st != HSOK_OK)
            fail_msg("case %zu: %s", i, err ? err : "?");
        if (strcmp(src.text, cases[i].out))
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, src.text, cases[i].out);
        assert_int_equal(src.len, strlen(cases[i].out));
        assert_int_equal(src.encoding, cases[i].enc);
        assert_int_equal(src.invalid_bytes, cases[i].invalid);
        if (cases[i].invalid) {
            assert_int_equal(src.first_invalid, cases[i].first);
            assert_int_equal((unsigned char)cases[i].in[cases[i].first] >= 0x80, 1);
        }
        hsok_source_clear(&src);
    }
    /* more invalid bytes than UTF-8 characters, and not Windows-1252 either: refused */
    hsok_source_t src;
    char *err = NULL;
    assert_int_equal(hsok_source_decode("x.txt", "\xc3\xa6 \x81\x81", 5, &src, &err),
                     HSOK_ERR_ENCODING);
    assert_non_null(strstr(err, "'x.txt'"));
    assert_non_null(strstr(err, "byte 3"));
    free(err);
}

/* text (ASCII and Latin-1 bytes) in UTF-16 or UTF-32, LE or BE, with or without a BOM */
static char *widen(const char *latin1, int width, int be, int bom, size_t *len)
{
    size_t n = strlen(latin1) + (bom ? 1 : 0);
    unsigned char *w = calloc(n, (size_t)width);
    assert_non_null(w);
    for (size_t i = 0; i < n; i++) {
        unsigned c = bom ? (i == 0 ? 0xFEFF : (unsigned char)latin1[i - 1])
                         : (unsigned char)latin1[i];
        for (int b = 0; b < width; b++) {
            unsigned byte = (c >> (8 * b)) & 0xFF;
            w[i * (size_t)width + (size_t)(be ? width - 1 - b : b)] = (unsigned char)byte;
        }
    }
    *len = n * (size_t)width;
    return (char *)w;
}

/* UTF-16 and UTF-32 are named, with or without a byte order mark, with the command that
 * converts them; other nul bytes are binary data. */
static void test_decode_wide(void **state)
{
    (void)state;
    static const char *const names[2][2] = { { "UTF-16LE", "UTF-16BE" },
                                             { "UTF-32LE", "UTF-32BE" } };
    const char *text = "H\xf8ringssvar fra Bl\xe5" "b\xe6r kommune.\nVi st\xf8tter forslaget.\n";
    for (int wide = 0; wide < 2; wide++)
        for (int be = 0; be < 2; be++)
            for (int bom = 0; bom < 2; bom++) {
                size_t len;
                char *bytes = widen(text, wide ? 4 : 2, be, bom, &len);
                hsok_source_t src;
                char *err = NULL;
                assert_int_equal(hsok_source_decode("in.txt", bytes, len, &src, &err),
                                 HSOK_ERR_ENCODING);
                char want[128];
                snprintf(want, sizeof want, "'in.txt': %s text", names[wide][be]);
                if (!strstr(err, want))
                    fail_msg("%s%s: \"%s\"", names[wide][be], bom ? " with BOM" : "", err);
                snprintf(want, sizeof want, "iconv -f %s -t UTF-8", names[wide][be]);
                assert_non_null(strstr(err, want));
                assert_null(src.text);
                free(err);
                free(bytes);
            }
    static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0\x01\0\0\0";
    hsok_source_t src;
    char *err = NULL;
    assert_int_equal(hsok_source_decode("a.out", elf, sizeof elf - 1, &src, &err),
                     HSOK_ERR_ENCODING);
    assert_non_null(strstr(err, "binary data"));
    free(err);
}

/* ---- stemming ---- */

/* Each row: words that must share one stem. */
static const char *const stem_groups[][6] = {
    { "kommune", "kommunen", "kommuner", "kommunene", "kommunenes", NULL },
    { "informasjonssikkerhet", "informasjonssikkerheten", NULL },
    { "strategi", "strategien", "strategiene", "strategiar", NULL },
    { "tjeneste", "tjenesten", "tjenester", "tjenestene", NULL },
    { "løsning", "løsningen", "løsninger", "løsningene", NULL },
    { "helse", "helsen", NULL },
    { "e-helse", "e-helsen", NULL },
};

static void test_stem_groups(void **state)
{
    (void)state;
    hsok_analyzer_t *an = an_new();
    for (size_t g = 0; g < sizeof stem_groups / sizeof *stem_groups; g++) {
        char first[128];
        size_t n = 0;
        const char *s = hsok_stem(an, stem_groups[g][0], strlen(stem_groups[g][0]), &n);
        assert_non_null(s);
        assert_int_equal(strlen(s), n);
        snprintf(first, sizeof first, "%s", s);
        for (size_t i = 1; stem_groups[g][i]; i++) {
            s = hsok_stem(an, stem_groups[g][i], strlen(stem_groups[g][i]), &n);
            assert_non_null(s);
            if (strcmp(s, first))
                fail_msg("stem of '%s' is '%s', of '%s' is '%s'", stem_groups[g][0], first,
                         stem_groups[g][i], s);
        }
    }
    /* æøå survive stemming, and a hyphenated word is stemmed by its last piece */
    size_t n;
    assert_string_equal(hsok_stem(an, "målene", strlen("målene"), &n), "mål");
    assert_string_equal(hsok_stem(an, "e-helse", strlen("e-helse"), &n), "e-hels");
    assert_string_equal(hsok_stem(an, "helse", strlen("helse"), &n), "hels");
    /* tokens carry the stem of their norm; numbers and abbreviations keep their norm */
    coll_t c = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    const char *text = "Kommunene 2025 bl.a. Målene";
    run(an, text, strlen(text), HSOK_ANALYZE_QUERY, &c);
    assert_int_equal(c.n, 4);
    assert_string_equal(c.t[0].stem, "kommun");
    assert_string_equal(c.t[1].stem, "2025");
    assert_string_equal(c.t[2].stem, "bl.a.");
    assert_string_equal(c.t[3].stem, "mål");
    free(c.t);
    hsok_analyzer_free(an);
}

/* ---- splitter hook ---- */

typedef struct split_ctx {
    int calls;
    char words[16][64];
    int bogus; /* return out-of-range parts */
} split_ctx_t;

/* Splits a few known compounds; records the words it is asked about. */
static size_t fake_split(void *ctx, const char *word, size_t len, size_t starts[],
                         size_t ends[], size_t max)
{
    split_ctx_t *c = ctx;
    assert_int_equal(strlen(word), len);
    if (c->calls < 16)
        snprintf(c->words[c->calls], sizeof c->words[0], "%s", word);
    c->calls++;
    assert_true(max >= 2);
    if (c->bogus) {
        starts[0] = 0;
        ends[0] = len + 5;  /* past the end */
        starts[1] = 1;
        ends[1] = 2;        /* inside "ø" in "søknad" */
        return 2;
    }
    if (!strcmp(word, "informasjonssikkerhet")) {
        starts[0] = 0, ends[0] = 11;  /* informasjon */
        starts[1] = 12, ends[1] = 21; /* sikkerhet */
        return 2;
    }
    if (!strcmp(word, "helsestrategien")) {
        starts[0] = 0, ends[0] = 5;
        starts[1] = 5, ends[1] = 15;
        return 2;
    }
    return 0;
}

/* Same tokens, all fields, in the same order. */
static void assert_same_tokens(const coll_t *a, const coll_t *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_string_equal(a->t[i].norm, b->t[i].norm);
        assert_string_equal(a->t[i].stem, b->t[i].stem);
        assert_int_equal(a->t[i].start, b->t[i].start);
        assert_int_equal(a->t[i].end, b->t[i].end);
        assert_int_equal(a->t[i].pos, b->t[i].pos);
        assert_int_equal(a->t[i].flags, b->t[i].flags);
    }
}

/* The memo replays a text analysed before (the splitter is not asked again) with the very
 * tokens and last position an analysis gives, stops where the callback stops, and keeps
 * nothing of an analysis that stopped, began past position 0 or did not fit. */
static void test_memo(void **state)
{
    (void)state;
    const char *text = "Helse- og informasjonssikkerhet, bl.a. e-helse og \xc2\xa7 23 i "
                       "helsestrategien.";
    size_t len = strlen(text);
    split_ctx_t sr, sm;
    memset(&sr, 0, sizeof sr);
    memset(&sm, 0, sizeof sm);
    hsok_analyzer_t *ref = an_new(), *an = an_new();
    hsok_analyzer_set_splitter(ref, fake_split, &sr);
    hsok_analyzer_set_splitter(an, fake_split, &sm);
    coll_t want = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    coll_t got = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    unsigned wpos = 0, gpos = 0;
    assert_int_equal(hsok_analyze(ref, text, len, HSOK_ANALYZE_DOCUMENT, &wpos, collect, &want),
                     HSOK_OK);
    assert_true(want.n > 10);

    hsok_analyzer_memo(an, 1 << 20);
    run(an, text, len, HSOK_ANALYZE_DOCUMENT, &got);
    assert_same_tokens(&want, &got);
    int calls = sm.calls;
    assert_true(calls > 0);
    got.n = 0;
    assert_int_equal(hsok_analyze(an, text, len, HSOK_ANALYZE_DOCUMENT, &gpos, collect, &got),
                     HSOK_OK);
    assert_same_tokens(&want, &got);
    assert_int_equal(gpos, wpos);
    assert_int_equal(sm.calls, calls); /* replayed */

    /* a copy of the text elsewhere is the same text */
    char *copy = strdup(text);
    run(an, copy, len, HSOK_ANALYZE_DOCUMENT, &got);
    assert_same_tokens(&want, &got);
    assert_int_equal(sm.calls, calls);

    /* the query mode is another analysis */
    coll_t wq = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    run(ref, text, len, HSOK_ANALYZE_QUERY, &wq);
    run(an, text, len, HSOK_ANALYZE_QUERY, &got);
    assert_same_tokens(&wq, &got);
    assert_true(got.n < want.n);

    /* from another position: analysed, not replayed */
    wpos = gpos = 10;
    want.n = got.n = 0;
    hsok_analyze(ref, text, len, HSOK_ANALYZE_DOCUMENT, &wpos, collect, &want);
    hsok_analyze(an, text, len, HSOK_ANALYZE_DOCUMENT, &gpos, collect, &got);
    assert_same_tokens(&want, &got);
    assert_int_equal(gpos, wpos);
    assert_int_equal(want.t[0].pos, 11);
    assert_true(sm.calls > calls);

    /* a replay stops where the callback stops, with the position an analysis leaves: at
     * every token, including the suspended compound "helsesikkerhet" (given at the position
     * of "helse-", stopping there leaves the position of the word after "og") */
    run(ref, text, len, HSOK_ANALYZE_DOCUMENT, &want);
    int synth = 0;
    for (size_t k = 1; k <= want.n; k++) {
        synth |= !strcmp(want.t[k - 1].norm, "helsesikkerhet");
        coll_t w1 = { want.t + 0, 0, k }, g1 = { got.t, 0, k };
        w1.t = calloc(MAX_TOKS, sizeof(tok_t));
        wpos = gpos = 0;
        hsok_analyze(ref, text, len, HSOK_ANALYZE_DOCUMENT, &wpos, collect, &w1);
        hsok_analyze(an, text, len, HSOK_ANALYZE_DOCUMENT, &gpos, collect, &g1);
        assert_same_tokens(&w1, &g1);
        assert_int_equal(gpos, wpos);
        free(w1.t);
    }
    assert_true(synth);

    /* an analysis the callback stopped is not kept */
    const char *t2 = "helsestrategien og informasjonssikkerhet";
    got.stop_after = 1;
    run(an, t2, strlen(t2), HSOK_ANALYZE_DOCUMENT, &got);
    assert_int_equal(got.n, 1);
    got.stop_after = 0;
    run(ref, t2, strlen(t2), HSOK_ANALYZE_DOCUMENT, &want);
    run(an, t2, strlen(t2), HSOK_ANALYZE_DOCUMENT, &got);
    assert_same_tokens(&want, &got);

    /* another splitter clears the memo: no compound parts now */
    hsok_analyzer_set_splitter(an, NULL, NULL);
    run(an, text, len, HSOK_ANALYZE_DOCUMENT, &got);
    assert_true(got.n > 0);
    for (size_t i = 0; i < got.n; i++)
        assert_string_not_equal(got.t[i].norm, "sikkerhet");

    /* a memo too small keeps nothing: analysed again each time */
    hsok_analyzer_set_splitter(an, fake_split, &sm);
    hsok_analyzer_memo(an, 64);
    run(ref, text, len, HSOK_ANALYZE_DOCUMENT, &want);
    for (int i = 0; i < 2; i++) {
        calls = sm.calls;
        run(an, text, len, HSOK_ANALYZE_DOCUMENT, &got);
        assert_same_tokens(&want, &got);
        assert_true(sm.calls > calls);
    }
    /* off */
    hsok_analyzer_memo(an, 0);
    calls = sm.calls;
    run(an, text, len, HSOK_ANALYZE_DOCUMENT, &got);
    assert_same_tokens(&want, &got);
    assert_true(sm.calls > calls);

    free(copy);
    free(want.t);
    free(got.t);
    free(wq.t);
    hsok_analyzer_free(ref);
    hsok_analyzer_free(an);
}

static void test_splitter(void **state)
{
    (void)state;
    hsok_analyzer_t *an = an_new();
    split_ctx_t sc;
    memset(&sc, 0, sizeof sc);
    hsok_analyzer_set_splitter(an, fake_split, &sc);
    coll_t c = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    char got[512];

    const char *text = "God informasjonssikkerhet og 2025";
    run(an, text, strlen(text), HSOK_ANALYZE_DOCUMENT, &c);
    render(&c, got, sizeof got);
    assert_string_equal(got, "god informasjonssikkerhet +informasjon +sikkerhet og 2025");
    check_invariants(text, strlen(text), &c);
    assert_int_equal(sc.calls, 2); /* "god" and the compound; not the stopword, not the number */
    assert_string_equal(sc.words[0], "god");
    assert_string_equal(sc.words[1], "informasjonssikkerhet");
    assert_int_equal(c.t[2].pos, 2);
    assert_int_equal(c.t[2].flags, HSOK_TOKEN_PART);
    assert_int_equal(c.t[2].start, 4);
    assert_int_equal(c.t[2].end, 25);
    assert_string_equal(c.t[3].stem, "sikker");
    assert_int_equal(c.t[4].pos, 3);

    /* QUERY mode: no parts, the splitter is not called */
    sc.calls = 0;
    run(an, text, strlen(text), HSOK_ANALYZE_QUERY, &c);
    render(&c, got, sizeof got);
    assert_string_equal(got, "god informasjonssikkerhet og 2025");
    assert_int_equal(sc.calls, 0);

    /* hyphenated: the splitter sees each piece; a duplicate part is emitted once */
    sc.calls = 0;
    text = "E-helsestrategien";
    run(an, text, strlen(text), HSOK_ANALYZE_DOCUMENT, &c);
    render(&c, got, sizeof got);
    assert_string_equal(got, "e-helsestrategien +helsestrategien +helse +strategien");
    assert_int_equal(sc.calls, 1);
    assert_string_equal(sc.words[0], "helsestrategien");
    check_invariants(text, strlen(text), &c);

    /* bad offsets from the splitter are ignored */
    sc.calls = 0;
    sc.bogus = 1;
    text = "søknad";
    run(an, text, strlen(text), HSOK_ANALYZE_DOCUMENT, &c);
    render(&c, got, sizeof got);
    assert_string_equal(got, "søknad");
    assert_int_equal(sc.calls, 1);

    /* cleared splitter */
    sc.calls = 0;
    hsok_analyzer_set_splitter(an, NULL, NULL);
    text = "informasjonssikkerhet";
    run(an, text, strlen(text), HSOK_ANALYZE_DOCUMENT, &c);
    assert_int_equal(c.n, 1);
    assert_int_equal(sc.calls, 0);
    free(c.t);
    hsok_analyzer_free(an);
}

/* ---- positions, early stop, empty input, arguments ---- */

static void test_positions_and_stop(void **state)
{
    (void)state;
    hsok_analyzer_t *an = an_new();
    coll_t c = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    unsigned pos = 10;
    const char *text = "en e-helse to";
    assert_int_equal(hsok_analyze(an, text, strlen(text), HSOK_ANALYZE_DOCUMENT, &pos, collect,
                                  &c), HSOK_OK);
    assert_int_equal(c.n, 4);
    assert_int_equal(c.t[0].pos, 11);
    assert_int_equal(c.t[1].pos, 12);
    assert_int_equal(c.t[2].pos, 12);
    assert_int_equal(c.t[3].pos, 13);
    assert_int_equal(pos, 13);

    /* the second field continues the position space */
    c.n = 0;
    assert_int_equal(hsok_analyze(an, "tre", 3, HSOK_ANALYZE_DOCUMENT, &pos, collect, &c),
                     HSOK_OK);
    assert_int_equal(c.t[0].pos, 14);
    assert_int_equal(pos, 14);

    /* early stop */
    c.n = 0;
    c.stop_after = 2;
    assert_int_equal(hsok_analyze(an, "a b c d", 7, HSOK_ANALYZE_DOCUMENT, NULL, collect, &c),
                     HSOK_OK);
    assert_int_equal(c.n, 2);
    c.stop_after = 0;

    /* empty input */
    c.n = 0;
    pos = 5;
    assert_int_equal(hsok_analyze(an, "", 0, HSOK_ANALYZE_DOCUMENT, &pos, collect, &c), HSOK_OK);
    assert_int_equal(hsok_analyze(an, NULL, 0, HSOK_ANALYZE_QUERY, &pos, collect, &c), HSOK_OK);
    assert_int_equal(c.n, 0);
    assert_int_equal(pos, 5);

    /* only the given length is read */
    run(an, "helse omsorg", 5, HSOK_ANALYZE_QUERY, &c);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.t[0].norm, "helse");

    assert_int_equal(hsok_analyze(an, NULL, 3, HSOK_ANALYZE_QUERY, NULL, collect, &c),
                     HSOK_ERR_INVALID);
    assert_int_equal(hsok_analyze(an, "x", 1, HSOK_ANALYZE_QUERY, NULL, NULL, NULL),
                     HSOK_ERR_INVALID);
    free(c.t);
    hsok_analyzer_free(an);
    hsok_analyzer_free(NULL);
}

/* ---- random input built from awkward fragments ---- */

static size_t any_split(void *ctx, const char *word, size_t len, size_t starts[],
                        size_t ends[], size_t max)
{
    unsigned *seed = ctx;
    (void)word;
    size_t n = 0;
    for (; n < max && n < 3; n++) {
        *seed = *seed * 1103515245u + 12345u;
        starts[n] = (*seed >> 8) % (len + 2);
        ends[n] = (*seed >> 16) % (len + 2);
    }
    return n;
}

static void test_random_input(void **state)
{
    (void)state;
    static const char *const frags[] = {
        "a", "Å", "ø", "-", ".", ",", "'", "’", "\xFF", "\xC3", "1", "§", " ", "\xCC\x8A",
        "\xC2\xAD", "bl", "e", "og", "\xE2\x80\x90", "•", "\n", "Straße", "\xF0\x9F\x98\x80",
    };
    const size_t nfrags = sizeof frags / sizeof *frags;
    hsok_analyzer_t *an = an_new();
    unsigned split_seed = 7, seed = 42;
    hsok_analyzer_set_splitter(an, any_split, &split_seed);
    coll_t c = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    char text[512];
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int n = (int)((seed >> 16) % 40);
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *f = frags[(seed >> 16) % nfrags];
            size_t fl = strlen(f);
            memcpy(text + len, f, fl);
            len += fl;
        }
        text[len] = '\0';
        run(an, text, len, (iter & 1) ? HSOK_ANALYZE_QUERY : HSOK_ANALYZE_DOCUMENT, &c);
        check_invariants(text, len, &c);
        for (size_t j = 0; j < c.n; j++)
            assert_true(hsok_utf8_valid(c.t[j].norm, strlen(c.t[j].norm), NULL));
    }
    free(c.t);
    hsok_analyzer_free(an);
}

/* ---- the seeds ---- */

static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
    s[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return s;
}

static int has_token(const coll_t *c, const char *norm, unsigned flags)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->t[i].norm, norm) && (c->t[i].flags & flags) == flags)
            return 1;
    return 0;
}

static void test_seeds(void **state)
{
    (void)state;
    const char *root = getenv("HSOK_SOURCE_ROOT");
    if (!root)
        skip();
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/seeds", root);
    DIR *d = opendir(dir);
    assert_non_null(d);
    hsok_analyzer_t *an = an_new();
    coll_t c = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    coll_t all = { calloc(MAX_TOKS, sizeof(tok_t)), 0, 0 };
    int files = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt"))
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len;
        char *text = read_file(path, &len);
        run(an, text, len, HSOK_ANALYZE_DOCUMENT, &c);
        assert_true(c.n > 500);
        check_invariants(text, len, &c);
        size_t stops = 0;
        for (size_t i = 0; i < c.n; i++) {
            stops += !!(c.t[i].flags & HSOK_TOKEN_STOPWORD);
            if (all.n < MAX_TOKS)
                all.t[all.n++] = c.t[i];
        }
        /* running text: a fair share of stopwords, but far from all */
        assert_true(stops * 10 > c.n);
        assert_true(stops * 10 < c.n * 7);
        free(text);
        files++;
    }
    closedir(d);
    assert_true(files >= 2);
    assert_true(has_token(&all, "sør-øst", 0));
    assert_true(has_token(&all, "øst", HSOK_TOKEN_PART));
    assert_true(has_token(&all, "helsestrategien", HSOK_TOKEN_PART));
    assert_true(has_token(&all, "informasjonssikkerheten", 0));
    free(c.t);
    free(all.t);
    hsok_analyzer_free(an);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_cases),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_stopwords),
        cmocka_unit_test(test_stopword_files),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_decode_stray_bytes),
        cmocka_unit_test(test_decode_wide),
        cmocka_unit_test(test_stem_groups),
        cmocka_unit_test(test_splitter),
        cmocka_unit_test(test_memo),
        cmocka_unit_test(test_positions_and_stop),
        cmocka_unit_test(test_random_input),
        cmocka_unit_test(test_seeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
