/* test_segment.c — the segmenter: passages, reflow, hyphenation, bullets, headings and
 * sections, stances, footnotes, respondent detection and splitting, and the sidecar reader.
 *
 * The seed cases run on the real PDF-extracted responses in $HSOK_SOURCE_ROOT/seeds (read
 * with hsok_source_read, as the indexer does); the other cases run on small crafted texts.
 * Expected values are derived from the source text (line numbers are looked up in it, texts
 * are the source words rejoined), not copied from the segmenter's output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsok/ingest.h"
#include "hsok/reader.h"
#include "hsok/segment.h"
#include "hsok/text.h"

#define SEED_NHN "000_"   /* Norsk helsenett */
#define SEED_TWO "004_"   /* Drammen kommune, then Helse Sør-Øst RHF */

/* ---- helpers ------------------------------------------------------------------------- */

/* Read the seed whose file name starts with prefix. */
static void read_seed(const char *prefix, hsok_source_t *src, char *path, size_t cap)
{
    const char *root = getenv("HSOK_SOURCE_ROOT");
    assert_non_null(root);
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/seeds", root);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (!strncmp(e->d_name, prefix, strlen(prefix)) && n > 4 &&
            !strcmp(e->d_name + n - 4, ".txt")) {
            snprintf(path, cap, "%s/%s", dir, e->d_name);
            found = 1;
            break;
        }
    }
    closedir(d);
    if (!found)
        fail_msg("no seed %s*.txt in %s", prefix, dir);
    char *err = NULL;
    memset(src, 0, sizeof *src);
    hsok_status_t st = hsok_source_read(path, src, &err);
    if (st != HSOK_OK)
        fail_msg("cannot read seed %s: %s", path, err ? err : "?");
    assert_non_null(src->text);
    assert_true(src->len > 1000);
}

static hsok_segdoc_t *segment_opts(const char *text, size_t len, const hsok_segment_opts_t *o)
{
    hsok_segdoc_t *doc = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_segment("test", text, len, o, &doc, &err);
    if (st != HSOK_OK)
        fail_msg("hsok_segment failed: %d %s", (int)st, err ? err : "");
    assert_null(err);
    assert_non_null(doc);
    return doc;
}

static hsok_segdoc_t *segment_str(const char *text)
{
    return segment_opts(text, strlen(text), NULL);
}

static size_t npass(const hsok_segdoc_t *d) { return hsok_segdoc_passage_count(d); }
static const hsok_passage_t *pass(const hsok_segdoc_t *d, size_t i)
{
    const hsok_passage_t *p = hsok_segdoc_passage(d, i);
    assert_non_null(p);
    return p;
}

/* the first passage whose text contains needle, or NULL */
static const hsok_passage_t *find_passage(const hsok_segdoc_t *d, const char *needle)
{
    for (size_t i = 0; i < npass(d); i++)
        if (strstr(pass(d, i)->text, needle))
            return pass(d, i);
    return NULL;
}

static const hsok_passage_t *must_find(const hsok_segdoc_t *d, const char *needle)
{
    const hsok_passage_t *p = find_passage(d, needle);
    if (!p)
        fail_msg("no passage contains \"%s\"", needle);
    return p;
}

static int any_passage_contains(const hsok_segdoc_t *d, const char *needle)
{
    return find_passage(d, needle) != NULL;
}

/* 1-based line number of byte offset off in text */
static unsigned line_at(const char *text, size_t off)
{
    unsigned no = 1;
    for (size_t i = 0; i < off; i++)
        no += text[i] == '\n';
    return no;
}

/* line of the first occurrence of needle in text (fails if absent) */
static unsigned line_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    if (!p)
        fail_msg("source has no \"%s\"", needle);
    return line_at(text, (size_t)(p - text));
}

/* Unicode characters in s */
static size_t u8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* s with every run of whitespace made one space, trimmed; malloc'd */
static char *collapse_ws(const char *s)
{
    char *o = malloc(strlen(s) + 1);
    assert_non_null(o);
    size_t k = 0;
    int sp = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t') {
            sp = k > 0;
            continue;
        }
        if (sp)
            o[k++] = ' ';
        sp = 0;
        o[k++] = *s;
    }
    o[k] = '\0';
    return o;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* The page of byte off: 1 + the form feeds before it, 0 when the text has none. */
static unsigned page_at(const char *text, size_t len, size_t off)
{
    if (!memchr(text, '\f', len))
        return 0;
    unsigned page = 1;
    for (size_t i = 0; i < off && i < len; i++)
        page += text[i] == '\f';
    return page;
}

/* Properties every segmentation must have. */
static void check_invariants(const hsok_segdoc_t *d, const char *text, size_t len)
{
    size_t prev_start = 0;
    for (size_t i = 0; i < npass(d); i++) {
        const hsok_passage_t *p = pass(d, i);
        assert_non_null(p->text);
        assert_non_null(p->respondent);
        assert_non_null(p->section);
        assert_non_null(p->question);
        size_t n = strlen(p->text);
        if (n == 0)
            fail_msg("passage %zu is empty", i);
        if (u8_chars(p->text) >= 2000)
            fail_msg("passage %zu has %zu chars (a whole page?)", i, u8_chars(p->text));
        assert_true(hsok_utf8_valid(p->text, n, NULL));
        assert_int_equal(p->ordinal, i);
        if (p->line < 1 || p->line > p->end_line)
            fail_msg("passage %zu: line %u, end_line %u", i, p->line, p->end_line);
        if (!(p->start < p->end && p->end <= len))
            fail_msg("passage %zu: offsets [%zu, %zu) in a text of %zu bytes", i, p->start,
                     p->end, len);
        if (p->start < prev_start)
            fail_msg("passage %zu starts at %zu, before passage %zu (%zu)", i, p->start, i - 1,
                     prev_start);
        prev_start = p->start;
        /* the offsets point at the source: it starts with the passage's first word ... */
        size_t w = strcspn(p->text, " \n");
        if (p->start + w > len || memcmp(text + p->start, p->text, w))
            fail_msg("passage %zu: source at %zu reads \"%.40s\", passage starts \"%.*s\"", i,
                     p->start, text + p->start, (int)w, p->text);
        /* ... and ends with its last character */
        if (text[p->end - 1] != p->text[n - 1])
            fail_msg("passage %zu: source byte before %zu is '%c', passage ends with '%c'", i,
                     p->end, text[p->end - 1], p->text[n - 1]);
        /* lines agree with the offsets */
        if (line_at(text, p->start) != p->line)
            fail_msg("passage %zu: start %zu is on line %u, passage says line %u", i, p->start,
                     line_at(text, p->start), p->line);
        if (line_at(text, p->end - 1) != p->end_line)
            fail_msg("passage %zu: end %zu is on line %u, passage says end_line %u", i, p->end,
                     line_at(text, p->end - 1), p->end_line);
        /* pages agree with the form feeds */
        if (page_at(text, len, p->start) != p->page ||
            page_at(text, len, p->end - 1) != p->end_page)
            fail_msg("passage %zu: [%zu, %zu) is on pages %u-%u, passage says %u-%u", i,
                     p->start, p->end, page_at(text, len, p->start),
                     page_at(text, len, p->end - 1), p->page, p->end_page);
        /* reflowed: one line (bullet runs: one line per bullet), no stray spaces */
        if (p->kind != HSOK_PASSAGE_BULLETS && strchr(p->text, '\n'))
            fail_msg("passage %zu (kind %d) has a line break: \"%s\"", i, (int)p->kind, p->text);
        if (p->text[0] == ' ' || p->text[n - 1] == ' ' || strstr(p->text, "  ") ||
            strstr(p->text, "\n\n") || strstr(p->text, " \n") || strstr(p->text, "\n "))
            fail_msg("passage %zu has stray whitespace: \"%s\"", i, p->text);
        /* checkbox lines are stances, not text */
        if (strstr(p->text, "\xe2\x98\x92") || strstr(p->text, "\xe2\x98\x90"))
            fail_msg("passage %zu holds a checkbox: \"%s\"", i, p->text);
        /* a passage's question is the first part of its section */
        if (p->question_no > 0) {
            assert_true(p->question[0] != '\0');
            assert_int_equal(strncmp(p->section, p->question, strlen(p->question)), 0);
        } else {
            assert_string_equal(p->question, "");
        }
    }
    for (size_t i = 0; i < hsok_segdoc_stance_count(d); i++) {
        const hsok_stance_t *s = hsok_segdoc_stance(d, i);
        assert_non_null(s);
        assert_non_null(s->respondent);
        assert_non_null(s->question);
        assert_non_null(s->answer);
        assert_non_null(s->options);
    }
    assert_null(hsok_segdoc_passage(d, npass(d)));
    assert_null(hsok_segdoc_stance(d, hsok_segdoc_stance_count(d)));
    assert_null(hsok_segdoc_respondent(d, hsok_segdoc_respondent_count(d)));
}

typedef struct seed {
    hsok_source_t src;
    hsok_segdoc_t *doc;
    char path[4096];
} seed_t;

static void seed_load(seed_t *s, const char *prefix)
{
    read_seed(prefix, &s->src, s->path, sizeof s->path);
    s->doc = segment_opts(s->src.text, s->src.len, NULL);
    check_invariants(s->doc, s->src.text, s->src.len);
}

static void seed_free(seed_t *s)
{
    hsok_segdoc_free(s->doc);
    hsok_source_clear(&s->src);
}

/* ---- seeds: invariants ------------------------------------------------------------------ */

static void test_seed_invariants(void **state)
{
    (void)state;
    seed_t a, b;
    seed_load(&a, SEED_NHN);
    seed_load(&b, SEED_TWO);
    /* real responses give many passages, not one per page */
    assert_true(npass(a.doc) >= 20);
    assert_true(npass(b.doc) >= 20);
    seed_free(&a);
    seed_free(&b);
}

/* ---- seed 000: Norsk helsenett ---------------------------------------------------------- */

static void test_nhn_question1_several_passages(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_NHN);
    const char *t = s.src.text;
    unsigned q1 = line_of(t, "1) Kan dere stille dere bak");
    unsigned q2 = line_of(t, "2) Har dere tilbakemelding");
    size_t in_q1 = 0;
    for (size_t i = 0; i < npass(s.doc); i++) {
        const hsok_passage_t *p = pass(s.doc, i);
        if (p->line > q1 && p->line < q2) {
            in_q1++;
            if (p->question_no != 1)
                fail_msg("passage on line %u (answer to question 1) has question_no %d",
                         p->line, p->question_no);
        }
        if (p->question_no == 1 && !(p->line > q1 && p->line < q2))
            fail_msg("passage on line %u is outside question 1 but has question_no 1", p->line);
    }
    if (in_q1 < 3)
        fail_msg("the answer to question 1 gave %zu passages, expected several (>= 3)", in_q1);
    seed_free(&s);
}

static void test_nhn_sentence_whole(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_NHN);
    const char *sentence = "Norsk helsenett stiller seg bak retningen som de fem m\xc3\xa5lene i "
                           "utkastet til den nasjonale e-helsestrategien gir.";
    /* in the source it is broken over lines */
    assert_null(strstr(s.src.text, sentence));
    const hsok_passage_t *p = must_find(s.doc, sentence);
    assert_int_equal(p->kind, HSOK_PASSAGE_PARAGRAPH);
    assert_int_equal(p->question_no, 1);
    assert_true(p->end_line > p->line);
    seed_free(&s);
}

static void test_nhn_respondent(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_NHN);
    assert_int_equal(hsok_segdoc_respondent_count(s.doc), 1);
    assert_string_equal(hsok_segdoc_respondent(s.doc, 0), "Norsk helsenett");
    for (size_t i = 0; i < npass(s.doc); i++)
        assert_string_equal(pass(s.doc, i)->respondent, "Norsk helsenett");
    for (size_t i = 0; i < hsok_segdoc_stance_count(s.doc); i++)
        assert_string_equal(hsok_segdoc_stance(s.doc, i)->respondent, "Norsk helsenett");
    seed_free(&s);
}

static void test_nhn_goal_section(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_NHN);
    const char *want = "2) Har dere tilbakemelding p\xc3\xa5 de fem strategiske m\xc3\xa5lene med "
                       "m\xc3\xa5lindikatorer? \xe2\x80\xba M\xc3\xa5l 3: Helsedata til fornying "
                       "og forbedring";
    const char *q2 = "2) Har dere tilbakemelding p\xc3\xa5 de fem strategiske m\xc3\xa5lene med "
                     "m\xc3\xa5lindikatorer?";
    /* a passage written under "Mål 3" inside question 2 */
    const hsok_passage_t *p = must_find(s.doc, "I m\xc3\xa5lformuleringen legges vekt p\xc3\xa5 "
                                               "tilgang til, og bruk av strukturerte data.");
    assert_string_equal(p->section, want);
    assert_string_equal(p->question, q2);
    assert_int_equal(p->question_no, 2);
    assert_int_equal(p->goal_no, 3);
    /* and every passage with question 2 and goal 3 has that section */
    size_t n = 0;
    for (size_t i = 0; i < npass(s.doc); i++) {
        const hsok_passage_t *x = pass(s.doc, i);
        if (x->question_no == 2 && x->goal_no == 3) {
            assert_string_equal(x->section, want);
            n++;
        }
    }
    assert_true(n >= 2);
    /* the goals of question 1 belong to question 1 */
    p = must_find(s.doc, "Samhandlingsplattformen og integrasjonsl\xc3\xb8sningene");
    assert_int_equal(p->question_no, 1);
    assert_int_equal(p->goal_no, 3);
    assert_non_null(strstr(p->section, " \xe2\x80\xba M\xc3\xa5l 3: Helsedata til fornying og "
                                       "forbedring"));
    seed_free(&s);
}

static void test_nhn_unnumbered_heading(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_NHN);
    const hsok_passage_t *p = must_find(s.doc, "Som en generell kommentar til indikatorene");
    assert_int_equal(p->question_no, 4);
    assert_string_equal(p->section,
                        "4) Andre innspill og tilbakemeldinger? \xe2\x80\xba Om indikatorer");
    /* the heading is a section, not a passage of its own */
    for (size_t i = 0; i < npass(s.doc); i++)
        assert_string_not_equal(pass(s.doc, i)->text, "Om indikatorer");
    seed_free(&s);
}

static void test_nhn_stance(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_NHN);
    assert_int_equal(hsok_segdoc_stance_count(s.doc), 1);
    const hsok_stance_t *st = hsok_segdoc_stance(s.doc, 0);
    assert_int_equal(st->question_no, 1);
    assert_string_equal(st->answer, "Ja");
    assert_string_equal(st->options, "Ja|Nei|Vet ikke");
    assert_int_equal(st->line, line_of(s.src.text, "\xe2\x98\x92"));
    assert_true(ends_with(st->question, "omsorgssektoren?"));
    seed_free(&s);
}

static void test_nhn_dash_in_sentence(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_NHN);
    const hsok_passage_t *p = must_find(s.doc, "tilby tjenester - trygt, sikkert og lovlig");
    assert_int_equal(p->kind, HSOK_PASSAGE_PARAGRAPH);
    /* the sentence around it is in the same passage */
    assert_non_null(strstr(p->text, "og n\xc3\xa6ringslivet kan tilby tjenester - trygt, sikkert "
                                    "og lovlig. I dag er cirka 7000 virksomheter"));
    for (size_t i = 0; i < npass(s.doc); i++)
        assert_true(strncmp(pass(s.doc, i)->text, "trygt", 5) != 0);
    seed_free(&s);
}

static void test_nhn_hyphens(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_NHN);
    /* "helse- og" at a line end keeps its hyphen in the question heading */
    const hsok_stance_t *st = hsok_segdoc_stance(s.doc, 0);
    assert_non_null(st);
    assert_non_null(strstr(st->question, "akt\xc3\xb8rene i helse- og omsorgssektoren?"));
    const hsok_passage_t *p = must_find(s.doc, "EPJ-l\xc3\xb8sninger");
    assert_int_equal(p->goal_no, 2);
    seed_free(&s);
}

/* ---- seed 004: Drammen kommune + Helse Sør-Øst RHF -------------------------------------- */

static void test_two_respondents(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_TWO);
    const char *hso = "Helse S\xc3\xb8r-\xc3\x98st RHF";
    assert_int_equal(hsok_segdoc_respondent_count(s.doc), 2);
    assert_string_equal(hsok_segdoc_respondent(s.doc, 0), "Drammen kommune");
    assert_string_equal(hsok_segdoc_respondent(s.doc, 1), hso);
    /* the split is at the second response's title */
    unsigned title = line_of(s.src.text, "H\xc3\xb8ringssvar - Innspill til");
    size_t before = 0, after = 0;
    for (size_t i = 0; i < npass(s.doc); i++) {
        const hsok_passage_t *p = pass(s.doc, i);
        const char *want = p->line > title ? hso : "Drammen kommune";
        if (strcmp(p->respondent, want))
            fail_msg("passage on line %u (title on line %u): respondent \"%s\", expected \"%s\"",
                     p->line, title, p->respondent, want);
        if (p->line > title)
            after++;
        else
            before++;
    }
    assert_true(before >= 10);
    assert_true(after >= 3);
    /* the second response has no sections of the first */
    const hsok_passage_t *p = must_find(s.doc, "takker for muligheten");
    assert_string_equal(p->respondent, hso);
    assert_int_equal(p->question_no, 0);
    assert_int_equal(p->goal_no, 0);
    assert_string_equal(p->section, "");
    seed_free(&s);
}

static void test_two_question1_heading_and_stance(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_TWO);
    const char *q1 = "1) Kan dere stille dere bak de fem strategiske m\xc3\xa5lene, gitt "
                     "strategiens rolle for \xc3\xa5 skape en felles langsiktig og forutsigbar "
                     "retning for digitalisering p\xc3\xa5 tvers av akt\xc3\xb8rene i helse- og "
                     "omsorgssektoren?";
    const hsok_passage_t *p = must_find(s.doc, "Drammen kommune synes de fem strategiske");
    assert_int_equal(p->question_no, 1);
    assert_string_equal(p->question, q1);
    assert_string_equal(p->section, q1);
    assert_true(ends_with(p->question, "omsorgssektoren?"));

    assert_int_equal(hsok_segdoc_stance_count(s.doc), 1);
    const hsok_stance_t *st = hsok_segdoc_stance(s.doc, 0);
    assert_string_equal(st->answer, "Ja");
    assert_string_equal(st->options, "Ja|Nei|Vet ikke");
    assert_string_equal(st->respondent, "Drammen kommune");
    assert_int_equal(st->question_no, 1);
    assert_string_equal(st->question, q1);
    assert_int_equal(st->line, line_of(s.src.text, "\xe2\x98\x92"));
    seed_free(&s);
}

static void test_two_hyphenation(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_TWO);
    /* "pasient-" / "oppfølgingen": a word broken over lines */
    assert_non_null(strstr(s.src.text, "pasient-\noppf\xc3\xb8lgingen"));
    const hsok_passage_t *p = must_find(s.doc, "ansvaret for pasientoppf\xc3\xb8lgingen ogs\xc3\xa5");
    assert_string_equal(p->respondent, "Helse S\xc3\xb8r-\xc3\x98st RHF");
    assert_false(any_passage_contains(s.doc, "pasient-oppf\xc3\xb8lgingen"));
    assert_false(any_passage_contains(s.doc, "pasient- oppf\xc3\xb8lgingen"));
    /* "Pasient- og" / "brukerombudet" keeps "Pasient- og" */
    must_find(s.doc, "Pasient- og brukerombudet");
    /* hyphens inside a line are kept */
    must_find(s.doc, "Helse S\xc3\xb8r-\xc3\x98st RHF st\xc3\xb8tter ikke kravstillings- og "
                     "kontrolloppgaver");
    seed_free(&s);
}

static void test_two_footnote(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_TWO);
    const hsok_passage_t *p = must_find(s.doc, "Dette da brudd p\xc3\xa5 KIT kan ha store "
                                               "konsekvenser");
    assert_int_equal(p->kind, HSOK_PASSAGE_BULLETS);
    assert_null(strstr(p->text, "KIT1"));
    assert_false(any_passage_contains(s.doc, "KIT1"));
    size_t nfoot = 0;
    const hsok_passage_t *f = NULL;
    for (size_t i = 0; i < npass(s.doc); i++)
        if (pass(s.doc, i)->kind == HSOK_PASSAGE_FOOTNOTE) {
            nfoot++;
            f = pass(s.doc, i);
        }
    assert_int_equal(nfoot, 1);
    assert_non_null(strstr(f->text, "KIT st\xc3\xa5r for: konfidensialitet, integritet og "
                                    "tilgjengelighet"));
    assert_int_equal(f->line, line_of(s.src.text, "KIT st\xc3\xa5r for"));
    assert_string_equal(f->respondent, "Drammen kommune");
    seed_free(&s);
}

static void test_two_bullets(void **state)
{
    (void)state;
    seed_t s;
    seed_load(&s, SEED_TWO);
    /* double-spaced "- " bullets: each long bullet is a passage of its own, whole */
    const hsok_passage_t *p = must_find(s.doc, "Det er tatt med at pasienten gj\xc3\xb8r "
                                               "m\xc3\xa5linger hjemme");
    assert_int_equal(p->kind, HSOK_PASSAGE_BULLETS);
    assert_true(ends_with(p->text, "p\xc3\xa5 egenh\xc3\xa5nd er ikke nevnt."));
    assert_null(strstr(p->text, "I punkt 2"));
    assert_int_equal(p->goal_no, 1);
    assert_int_equal(p->question_no, 2);
    /* the "•" list at the top is bullets, the mark removed */
    p = must_find(s.doc, "Strategisk styring og oppf\xc3\xb8lging av strategien");
    assert_int_equal(p->kind, HSOK_PASSAGE_BULLETS);
    assert_null(strstr(p->text, "\xe2\x80\xa2"));
    seed_free(&s);
}

/* ---- crafted: hyphenation --------------------------------------------------------------- */

static void expect_single(const char *text, const char *want)
{
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    if (npass(d) != 1)
        fail_msg("%zu passages for \"%s\", expected 1", npass(d), text);
    assert_string_equal(pass(d, 0)->text, want);
    hsok_segdoc_free(d);
}

static void test_hyphen_rejoin(void **state)
{
    (void)state;
    expect_single("Dette gjelder informa-\n\nsjon om pasienter.\n",
                  "Dette gjelder informasjon om pasienter.");
    expect_single("Dette gjelder informa-\nsjon om pasienter.\n",
                  "Dette gjelder informasjon om pasienter.");
}

static void test_hyphen_kept(void **state)
{
    (void)state;
    expect_single("Dette gjelder hele helse-\nog omsorgssektoren i landet.\n",
                  "Dette gjelder hele helse- og omsorgssektoren i landet.");
    expect_single("Vi samarbeider med Helse S\xc3\xb8r-\n\xc3\x98st om dette.\n",
                  "Vi samarbeider med Helse S\xc3\xb8r-\xc3\x98st om dette.");
    expect_single("Dette gjelder alle EPJ-\nl\xc3\xb8sninger i sektoren.\n",
                  "Dette gjelder alle EPJ-l\xc3\xb8sninger i sektoren.");
    expect_single("Dette gjelder alle EPJ-\n\nl\xc3\xb8sninger i sektoren.\n",
                  "Dette gjelder alle EPJ-l\xc3\xb8sninger i sektoren.");
}

/* ---- crafted: paragraphs ---------------------------------------------------------------- */

static void expect_texts(const hsok_segdoc_t *d, const char *const *want, size_t n)
{
    if (npass(d) != n) {
        for (size_t i = 0; i < npass(d); i++)
            print_message("  passage %zu: \"%s\"\n", i, pass(d, i)->text);
        fail_msg("%zu passages, expected %zu", npass(d), n);
    }
    for (size_t i = 0; i < n; i++)
        assert_string_equal(pass(d, i)->text, want[i]);
}

static void test_single_spaced_paragraphs(void **state)
{
    (void)state;
    const char *text = "F\xc3\xb8rste avsnitt har en setning. Og enda en setning her.\n"
                       "Den fortsetter p\xc3\xa5 neste linje.\n"
                       "\n"
                       "Andre avsnitt starter her. Det slutter her.\n"
                       "\n"
                       "Tredje avsnitt.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    const char *want[] = { "F\xc3\xb8rste avsnitt har en setning. Og enda en setning her. Den "
                           "fortsetter p\xc3\xa5 neste linje.",
                           "Andre avsnitt starter her. Det slutter her.", "Tredje avsnitt." };
    expect_texts(d, want, 3);
    assert_int_equal(pass(d, 0)->line, 1);
    assert_int_equal(pass(d, 0)->end_line, 2);
    assert_int_equal(pass(d, 1)->line, 4);
    assert_int_equal(pass(d, 2)->line, 6);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(pass(d, i)->kind, HSOK_PASSAGE_PARAGRAPH);
        assert_string_equal(pass(d, i)->respondent, "");
        assert_string_equal(pass(d, i)->section, "");
        assert_int_equal(pass(d, i)->question_no, 0);
        assert_int_equal(pass(d, i)->goal_no, 0);
    }
    hsok_segdoc_free(d);
}

/* Single-spaced text whose paragraphs are set off by blank lines, with a title and a list
 * whose lines end without full stops: the blank lines still separate the paragraphs. */
static void test_single_spaced_with_heading_and_list(void **state)
{
    (void)state;
    const char *text = "H\xc3\xb8ringsuttalelse om ny strategi for helse\n"
                       "\n"
                       "Vi mener at strategien er god. Vi st\xc3\xb8tter de fleste forslagene.\n"
                       "\n"
                       "Det er viktig med samarbeid mellom niv\xc3\xa5" "ene.\n"
                       "\n"
                       "Vi har disse innspillene:\n"
                       "\n"
                       "\xe2\x80\xa2 Mer samarbeid\n"
                       "\xe2\x80\xa2 Bedre finansiering\n"
                       "\n"
                       "Etter listen kommer et nytt avsnitt.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    const hsok_passage_t *p = must_find(d, "Vi mener at strategien er god.");
    assert_string_equal(p->text,
                        "Vi mener at strategien er god. Vi st\xc3\xb8tter de fleste forslagene.");
    p = must_find(d, "Det er viktig med samarbeid");
    assert_string_equal(p->text, "Det er viktig med samarbeid mellom niv\xc3\xa5" "ene.");
    p = must_find(d, "Mer samarbeid");
    assert_int_equal(p->kind, HSOK_PASSAGE_BULLETS);
    assert_string_equal(p->text, "Mer samarbeid\nBedre finansiering");
    p = must_find(d, "Etter listen");
    assert_int_equal(p->kind, HSOK_PASSAGE_PARAGRAPH);
    assert_string_equal(p->text, "Etter listen kommer et nytt avsnitt.");
    hsok_segdoc_free(d);
}

static void test_double_spaced_paragraphs(void **state)
{
    (void)state;
    /* PDF extraction: a blank line after every line; a whitespace-only line between
     * paragraphs */
    const char *text = "F\xc3\xb8rste avsnitt har en setning som g\xc3\xa5r over\n"
                       "\n"
                       "flere linjer i teksten her.\n"
                       "\n"
                       "Den fortsetter p\xc3\xa5 neste linje og\n"
                       "\n"
                       "slutter her.\n"
                       " \n"
                       "Andre avsnitt starter her og g\xc3\xa5r\n"
                       "\n"
                       "videre her.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    const char *want[] = { "F\xc3\xb8rste avsnitt har en setning som g\xc3\xa5r over flere "
                           "linjer i teksten her. Den fortsetter p\xc3\xa5 neste linje og "
                           "slutter her.",
                           "Andre avsnitt starter her og g\xc3\xa5r videre her." };
    expect_texts(d, want, 2);
    assert_int_equal(pass(d, 0)->line, 1);
    assert_int_equal(pass(d, 0)->end_line, 7);
    assert_int_equal(pass(d, 1)->line, 9);
    assert_int_equal(pass(d, 1)->end_line, 11);
    hsok_segdoc_free(d);
}

/* ---- crafted: bullets ------------------------------------------------------------------- */

static void test_bullets(void **state)
{
    (void)state;
    const char *long_bullet =
        "Dette er et langt punkt som inneholder mange ord og g\xc3\xa5r over mer enn hundre og "
        "tjue tegn, for \xc3\xa5 vise at lange punkter st\xc3\xa5r alene i en egen passasje.";
    char text[2048];
    snprintf(text, sizeof text,
             "Vi har f\xc3\xb8lgende innspill:\n"
             "\n"
             "\xe2\x80\xa2 F\xc3\xb8rste punkt\n"
             "\xe2\x80\xa2 Andre punkt\n"
             "\xe2\x96\xaa Tredje punkt\n"
             "- Fjerde punkt\n"
             "\xe2\x80\x93 Femte punkt\n"
             "\xe2\x80\xa2 Sjette punkt\n"
             "\xe2\x80\xa2 Syvende punkt\n"
             "\xe2\x80\xa2 %s\n"
             "- Kort punkt etter det lange\n",
             long_bullet);
    static const char *const shorts[] = { "F\xc3\xb8rste punkt", "Andre punkt", "Tredje punkt",
                                          "Fjerde punkt", "Femte punkt", "Sjette punkt",
                                          "Syvende punkt" };
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_true(npass(d) >= 4);
    const hsok_passage_t *p = pass(d, 0);
    assert_int_equal(p->kind, HSOK_PASSAGE_PARAGRAPH);
    assert_string_equal(p->text, "Vi har f\xc3\xb8lgende innspill:");

    /* the short bullets, in order, in runs of at most 5, marks removed */
    size_t k = 0, i = 1, runs = 0;
    while (i < npass(d) && k < 7) {
        p = pass(d, i++);
        assert_int_equal(p->kind, HSOK_PASSAGE_BULLETS);
        runs++;
        size_t lines = 1;
        for (const char *c = p->text; *c; c++)
            lines += *c == '\n';
        if (lines > 5)
            fail_msg("a bullet passage holds %zu bullets: \"%s\"", lines, p->text);
        char *copy = strdup(p->text);
        assert_non_null(copy);
        char *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            if (k >= 7)
                fail_msg("unexpected bullet \"%s\"", line);
            assert_string_equal(line, shorts[k]);
            k++;
        }
        free(copy);
    }
    assert_int_equal(k, 7);
    assert_true(runs >= 2);   /* 7 short bullets: not one passage */
    assert_true(runs < 7);    /* ... and grouped, not one each */
    assert_int_equal(pass(d, 1)->line, 3);

    /* the long bullet alone */
    p = must_find(d, "Dette er et langt punkt");
    assert_int_equal(p->kind, HSOK_PASSAGE_BULLETS);
    assert_string_equal(p->text, long_bullet);
    p = must_find(d, "Kort punkt etter det lange");
    assert_int_equal(p->kind, HSOK_PASSAGE_BULLETS);
    assert_null(strstr(p->text, "langt punkt"));
    hsok_segdoc_free(d);
}

/* ---- crafted: long paragraphs ----------------------------------------------------------- */

/* sentences of varying length, wrapped at about 75 columns, single-spaced */
static char *long_paragraph(size_t want_chars)
{
    static const char *const sents[] = {
        "Kommunen har i lengre tid arbeidet med digital samhandling mellom tjenestene.",
        "Dette gjelder f.eks. Helseplattformen og bl.a. Kjernejournal, som brukes daglig.",
        "Vi ser et stort behov for bedre informasjonsflyt p\xc3\xa5 tvers av niv\xc3\xa5" "ene i "
        "helsetjenesten, og for l\xc3\xb8sninger som er enkle \xc3\xa5 bruke for "
        "helsepersonell.",
        "Personvern og informasjonssikkerhet m\xc3\xa5 ivaretas.",
        "Det er viktig at strategien f\xc3\xb8lges opp med tilstrekkelig finansiering, bl.a. "
        "Helsedirektoratet og f.eks. Norsk helsenett har en rolle her.",
        "Innbyggerne forventer gode digitale tjenester.",
        "Samtidig m\xc3\xa5 vi unng\xc3\xa5 digitalt utenforskap for dem som ikke kan eller vil "
        "bruke slike tjenester, og det krever alternative kanaler.",
        "Vi st\xc3\xb8tter derfor forslaget om en felles plan for gjennomf\xc3\xb8ring.",
    };
    size_t cap = want_chars + 1024, n = 0, col = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    for (size_t i = 0; n < want_chars; i++) {
        const char *s = sents[i % (sizeof sents / sizeof *sents)];
        /* word by word, wrapping lines */
        const char *w = s;
        while (*w) {
            size_t wl = strcspn(w, " ");
            if (col > 0 && col + 1 + wl > 75) {
                t[n++] = '\n';
                col = 0;
            } else if (n > 0 && t[n - 1] != '\n') {
                t[n++] = ' ';
                col++;
            }
            memcpy(t + n, w, wl);
            n += wl;
            col += wl;
            w += wl;
            while (*w == ' ')
                w++;
        }
    }
    t[n++] = '\n';
    t[n] = '\0';
    return t;
}

static void test_long_paragraph_cut(void **state)
{
    (void)state;
    char *text = long_paragraph(4000);
    size_t len = strlen(text);
    hsok_segdoc_t *d = segment_opts(text, len, NULL);
    check_invariants(d, text, len);
    if (npass(d) < 4)
        fail_msg("a paragraph of %zu chars gave %zu passages, expected >= 4", u8_chars(text),
                 npass(d));
    size_t total = 0;
    for (size_t i = 0; i < npass(d); i++) {
        const hsok_passage_t *p = pass(d, i);
        assert_int_equal(p->kind, HSOK_PASSAGE_PARAGRAPH);
        size_t c = u8_chars(p->text);
        if (c > 1200)
            fail_msg("passage %zu has %zu chars, more than 1200", i, c);
        total += strlen(p->text) + (i > 0);
        /* cut at sentence ends: never mid-word, never after an abbreviation */
        if (!ends_with(p->text, "."))
            fail_msg("passage %zu ends mid-sentence: \"...%s\"", i,
                     p->text + (strlen(p->text) > 40 ? strlen(p->text) - 40 : 0));
        if (ends_with(p->text, "f.eks.") || ends_with(p->text, "bl.a."))
            fail_msg("passage %zu is cut after an abbreviation", i);
        if (i > 0) {
            const char *prev = pass(d, i - 1)->text;
            /* a cut is at the end of one of the sentences */
            assert_true(ends_with(prev, "daglig.") || ends_with(prev, "helsepersonell.") ||
                        ends_with(prev, "ivaretas.") || ends_with(prev, "her.") ||
                        ends_with(prev, "tjenester.") || ends_with(prev, "kanaler.") ||
                        ends_with(prev, "gjennomf\xc3\xb8ring.") ||
                        ends_with(prev, "tjenestene."));
            assert_true(p->line >= pass(d, i - 1)->end_line);
        }
    }
    /* nothing lost: the passages joined with spaces are the reflowed paragraph */
    char *want = collapse_ws(text);
    char *got = malloc(total + 1);
    assert_non_null(got);
    got[0] = '\0';
    for (size_t i = 0; i < npass(d); i++) {
        if (i > 0)
            strcat(got, " ");
        strcat(got, pass(d, i)->text);
    }
    assert_string_equal(got, want);
    free(got);
    free(want);
    hsok_segdoc_free(d);
    free(text);
}

static void test_abbreviations_no_cut(void **state)
{
    (void)state;
    /* long sentences (about 250 chars) full of abbreviations followed by capitalised words;
     * with a limit of 300 a passage holds one sentence, and the last "sentence end" before
     * the limit would be an abbreviation in the next sentence if those counted */
    const char *sent = "Tiltak i f.eks. Bergen og bl.a. Oslo og f.eks. Troms\xc3\xb8 og bl.a. "
                       "Bod\xc3\xb8 og f.eks. Hamar og bl.a. Molde og f.eks. Lillehammer og "
                       "bl.a. Gj\xc3\xb8vik og f.eks. Kongsberg og bl.a. Drammen og f.eks. "
                       "Arendal og bl.a. Kristiansand og f.eks. Stavanger viser dette.";
    char text[8192] = "";
    for (int i = 0; i < 20; i++) {
        strcat(text, sent);
        strcat(text, i % 3 == 2 ? "\n" : " ");
    }
    hsok_segment_opts_t o = { .respondent = NULL, .max_passage_chars = 300 };
    hsok_segdoc_t *d = segment_opts(text, strlen(text), &o);
    check_invariants(d, text, strlen(text));
    assert_true(npass(d) >= 4);
    for (size_t i = 0; i < npass(d); i++) {
        const hsok_passage_t *p = pass(d, i);
        if (u8_chars(p->text) > 300)
            fail_msg("passage %zu has %zu chars, limit 300", i, u8_chars(p->text));
        if (strncmp(p->text, "Tiltak i f.eks. Bergen", 22) || !ends_with(p->text, "viser dette."))
            fail_msg("passage %zu is cut inside a sentence: \"%s\"", i, p->text);
    }
    hsok_segdoc_free(d);
}

/* ---- crafted: empty input and headings --------------------------------------------------- */

static void test_empty(void **state)
{
    (void)state;
    static const char *const texts[] = { "", " ", "\n", "  \n\n \t \n", "\n\n\n" };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        hsok_segdoc_t *d = segment_str(texts[i]);
        assert_int_equal(npass(d), 0);
        assert_int_equal(hsok_segdoc_stance_count(d), 0);
        assert_int_equal(hsok_segdoc_respondent_count(d), 0);
        hsok_segdoc_free(d);
    }
    /* no text at all */
    hsok_segdoc_t *d = segment_opts(NULL, 0, NULL);
    assert_int_equal(npass(d), 0);
    hsok_segdoc_free(d);
}

static void test_heading_only_kept(void **state)
{
    (void)state;
    static const char *const texts[] = { "Om personvern\n", "Om personvern",
                                         "1) Har dere andre innspill?\n",
                                         "M\xc3\xa5l 2: Enklere arbeidshverdag\n" };
    static const char *const words[] = { "Om personvern", "Om personvern",
                                         "Har dere andre innspill?", "Enklere arbeidshverdag" };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        hsok_segdoc_t *d = segment_str(texts[i]);
        check_invariants(d, texts[i], strlen(texts[i]));
        if (!any_passage_contains(d, words[i]))
            fail_msg("the text \"%s\" is lost (%zu passages)", texts[i], npass(d));
        hsok_segdoc_free(d);
    }
}

static void test_unnumbered_heading(void **state)
{
    (void)state;
    const char *text = "Om personvern\n"
                       "Vi mener personvernet m\xc3\xa5 styrkes i alle nye l\xc3\xb8sninger.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(npass(d), 1);
    const hsok_passage_t *p = pass(d, 0);
    assert_string_equal(p->text, "Vi mener personvernet m\xc3\xa5 styrkes i alle nye "
                                 "l\xc3\xb8sninger.");
    assert_string_equal(p->section, "Om personvern");
    assert_int_equal(p->line, 2);
    assert_int_equal(p->question_no, 0);
    hsok_segdoc_free(d);
}

/* An unnumbered heading set off by a blank line, then two one-sentence paragraphs. */
static void test_heading_then_paragraphs(void **state)
{
    (void)state;
    const char *text = "Om personvern\n"
                       "\n"
                       "Vi mener at strategien er god.\n"
                       "\n"
                       "Det er viktig med samarbeid.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    const char *want[] = { "Vi mener at strategien er god.", "Det er viktig med samarbeid." };
    expect_texts(d, want, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(pass(d, i)->section, "Om personvern");
        assert_int_equal(pass(d, i)->kind, HSOK_PASSAGE_PARAGRAPH);
    }
    hsok_segdoc_free(d);
}

/* A numbered list ("1. …") is text: none of it may be lost. */
static void test_numbered_list_kept(void **state)
{
    (void)state;
    const char *text = "Vi har tre innspill til strategien:\n"
                       "\n"
                       "1. Bedre samarbeid mellom kommunene.\n"
                       "2. Mer penger til drift.\n"
                       "3. Tydeligere ansvar.\n"
                       "\n"
                       "Vi ser frem til videre arbeid.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    static const char *const items[] = { "Vi har tre innspill til strategien:",
                                         "Bedre samarbeid mellom kommunene.",
                                         "Mer penger til drift.", "Tydeligere ansvar.",
                                         "Vi ser frem til videre arbeid." };
    for (size_t i = 0; i < sizeof items / sizeof *items; i++)
        if (!any_passage_contains(d, items[i]))
            fail_msg("\"%s\" is in no passage: text lost", items[i]);
    hsok_segdoc_free(d);
}

/* ---- respondents on real letters (issue 9 item 4) ---------------------------------------- */

/* the one respondent of text, which must be `want` */
static void expect_respondent(const char *text, const char *want)
{
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    if (hsok_segdoc_respondent_count(d) != 1 || strcmp(hsok_segdoc_respondent(d, 0), want))
        fail_msg("respondent \"%s\" (%zu in all), expected \"%s\"",
                 hsok_segdoc_respondent_count(d) ? hsok_segdoc_respondent(d, 0) : "(none)",
                 hsok_segdoc_respondent_count(d), want);
    hsok_segdoc_free(d);
}

/* A municipal letterhead in capitals over a department: the municipality, in ordinary case. */
static void test_respondent_caps_letterhead(void **state)
{
    (void)state;
    expect_respondent("LILLEVIK KOMMUNE\n"
                      "Helse og omsorg\n"
                      "\n"
                      "Helse- og omsorgsdepartementet\n"
                      "Postboks 8011 Dep\n"
                      "0030 Oslo\n"
                      "\n"
                      "H\xc3\xb8ringssvar \xe2\x80\x93 endringer i pasientjournalloven\n"
                      "\n"
                      "Vi st\xc3\xb8tter forslaget, men savner en plan for opplæring.\n",
                      "Lillevik kommune");
}

/* A nynorsk title with the respondent and the hearing's name after a dash. */
static void test_respondent_title_dash(void **state)
{
    (void)state;
    expect_respondent("H\xc3\xb8yringssvar fr\xc3\xa5 Helse Vestfjord HF \xe2\x80\x93 Nasjonal "
                      "strategi for digital samhandling\n"
                      "\n"
                      "Vi meiner strategien er god, men han manglar ei tidsplan.\n",
                      "Helse Vestfjord HF");
}

/* An organisation's letter signed by a person: the organisation (named with its acronym in
 * brackets), not the person who signed. */
static void test_respondent_org_not_signer(void **state)
{
    (void)state;
    expect_respondent("H\xc3\xb8ringsuttalelse \xe2\x80\x93 forslag til ny pasientlov\n"
                      "\n"
                      "Norsk Eksempelforbund (NEF) takker for muligheten til "
                      "\xc3\xa5 gi innspill.\n"
                      "\n"
                      "NEF mener at forslaget styrker pasientenes rettigheter.\n"
                      "\n"
                      "NEF ber departementet utrede kostnadene.\n"
                      "\n"
                      "Med vennlig hilsen\n"
                      "\n"
                      "Kari Eksempel\n"
                      "generalsekret\xc3\xa6r\n",
                      "Norsk Eksempelforbund");
}

/* A forwarded e-mail: the organisation in the body, not the mailbox that forwarded it. */
static void test_respondent_forwarded_mail(void **state)
{
    (void)state;
    expect_respondent("Fra: Postmottak HOD <postmottak@hod.example>\n"
                      "Sendt: 3. mars 2024 10:12\n"
                      "Til: Saksbehandler\n"
                      "Emne: VS: H\xc3\xb8ring om digital samhandling\n"
                      "\n"
                      "Eksempelfjord kommune viser til h\xc3\xb8ringsbrevet av 1. februar.\n"
                      "\n"
                      "Eksempelfjord kommune st\xc3\xb8tter forslaget om felles l\xc3\xb8sninger.\n",
                      "Eksempelfjord kommune");
}

/* A running header "X høringssvar" on every page loses to the organisation's full name. */
static void test_respondent_running_header(void **state)
{
    (void)state;
    expect_respondent("Brilleforeningen h\xc3\xb8ringssvar\n"
                      "\n"
                      "Den norske brilleforening viser til h\xc3\xb8ringsnotatet om syn.\n"
                      "\n"
                      "Den norske brilleforening mener at synstester b\xc3\xb8r v\xc3\xa6re gratis.\n"
                      "\n"
                      "Brilleforeningen h\xc3\xb8ringssvar\n"
                      "\n"
                      "Vi ber departementet utrede kostnadene.\n",
                      "Den norske brilleforening");
}

/* "Xs høringssvar" and "X' høringssvar" name the respondent X. */
static void test_respondent_possessive(void **state)
{
    (void)state;
    expect_respondent("Innledning\n"
                      "\n"
                      "Vi viser til h\xc3\xb8ringen. Eksempelvirkes h\xc3\xb8ringssvar er "
                      "utarbeidet av sekretariatet.\n",
                      "Eksempelvirke");
    expect_respondent("Vi viser til h\xc3\xb8ringen. Punktene utdypes i NEKS\xe2\x80\x99 "
                      "h\xc3\xb8ringssvar nedenfor.\n",
                      "NEKS");
}

/* A name broken at a hyphen by the PDF ("Sør- Odal") is joined again. */
static void test_respondent_hyphen_space(void **state)
{
    (void)state;
    expect_respondent("H\xc3\xb8ringssvar fra N\xc3\xb8rd- Eksempel kommune\n"
                      "\n"
                      "Kommunen st\xc3\xb8tter forslaget.\n",
                      "N\xc3\xb8rd-Eksempel kommune");
}

/* The addressee over a street address is not the respondent; an organisation that states
 * its views twice is. */
static void test_respondent_street_addressee(void **state)
{
    (void)state;
    expect_respondent("H\xc3\xb8ringsuttalelse\n"
                      "\n"
                      "Eksempelrådet\n"
                      "Storgata 6\n"
                      "0160 Oslo\n"
                      "\n"
                      "Tannhelseforeningen har f\xc3\xb8lgende kommentarer til saken.\n"
                      "\n"
                      "Tannhelseforeningen mener at saken er d\xc3\xa5rlig opplyst.\n",
                      "Tannhelseforeningen");
}

/* The alias table: "Legeforeningen" and "Den norske legeforening" are one respondent, names
 * match ignoring case and punctuation, a given respondent is mapped too, and a letterhead in
 * capitals that the table does not know is put in ordinary case. */
static void test_respondent_aliases(void **state)
{
    (void)state;
    static const char table[] = "# comment\n"
                                "\n"
                                "Legeforeningen\tDen norske legeforening\tfagforening\n"
                                "IKT Norge\tIKT-Norge\n"
                                "Legeforeningen\tSomething else\n";
    hsok_aliases_t *t = NULL;
    char *err = NULL;
    assert_int_equal(hsok_aliases_parse("a.tsv", table, strlen(table), &t, &err), HSOK_OK);
    const char *type = "x";
    assert_string_equal(hsok_aliases_lookup(t, "LEGEFORENINGEN", &type), "Den norske legeforening");
    assert_string_equal(type, "fagforening");
    assert_string_equal(hsok_aliases_lookup(t, "den norske  legeforening.", NULL),
                        "Den norske legeforening");
    assert_string_equal(hsok_aliases_lookup(t, "ikt-norge", &type), "IKT-Norge");
    assert_null(type);
    assert_null(hsok_aliases_lookup(t, "Legeforeningens", NULL));
    assert_null(hsok_aliases_lookup(NULL, "Legeforeningen", NULL));

    static const char *const texts[] = {
        "Legeforeningen takker for invitasjonen.\n\nLegeforeningen mener forslaget er godt.\n",
        "H\xc3\xb8ringssvar fra Den norske legeforening\n\nVi st\xc3\xb8tter forslaget.\n",
    };
    for (size_t i = 0; i < 2; i++) {
        hsok_segment_opts_t o = { .aliases = t };
        hsok_segdoc_t *d = segment_opts(texts[i], strlen(texts[i]), &o);
        assert_int_equal(hsok_segdoc_respondent_count(d), 1);
        assert_string_equal(hsok_segdoc_respondent(d, 0), "Den norske legeforening");
        assert_string_equal(pass(d, 0)->respondent, "Den norske legeforening");
        hsok_segdoc_free(d);
    }
    hsok_segment_opts_t o = { .respondent = "IKT Norge", .aliases = t };
    hsok_segdoc_t *d = segment_opts(texts[1], strlen(texts[1]), &o);
    assert_string_equal(pass(d, 0)->respondent, "IKT-Norge");
    hsok_segdoc_free(d);
    /* the letterhead in capitals is not a section under either name */
    const char *caps = "DEN NORSKE LEGEFORENING\n\nVi st\xc3\xb8tter forslaget.\n";
    hsok_segment_opts_t o2 = { .aliases = t };
    d = segment_opts(caps, strlen(caps), &o2);
    assert_string_equal(must_find(d, "Vi st")->respondent, "Den norske legeforening");
    assert_string_equal(must_find(d, "Vi st")->section, "");
    hsok_segdoc_free(d);
    hsok_aliases_free(t);

    static const struct {
        const char *text;
        hsok_status_t st;
        const char *msg;
    } bad[] = {
        { "Legeforeningen\n", HSOK_ERR_PARSE, "'a.tsv' line 1: expected 'alias<TAB>name'" },
        { "# x\nA\t\n", HSOK_ERR_PARSE, "'a.tsv' line 2: expected 'alias<TAB>name'" },
        { "A\tB\tklubb\n", HSOK_ERR_PARSE, "'a.tsv' line 1: unknown respondent type 'klubb'" },
        { "A\tB\xff\n", HSOK_ERR_ENCODING, "'a.tsv' line 1: not UTF-8" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        t = NULL;
        assert_int_equal(hsok_aliases_parse("a.tsv", bad[i].text, strlen(bad[i].text), &t, &err),
                         bad[i].st);
        assert_null(t);
        assert_non_null(err);
        if (strncmp(err, bad[i].msg, strlen(bad[i].msg)))
            fail_msg("case %zu: message \"%s\", expected \"%s...\"", i, err, bad[i].msg);
        free(err);
    }
}

/* A title that runs on into the first sentence: the organisation in that sentence. */
static void test_respondent_after_title_line(void **state)
{
    (void)state;
    expect_respondent("H\xc3\xb8ringsinnspill - forskrift om felles behandlingsansvar\n"
                      "Eksempel- og pr\xc3\xb8vedirektoratet viser til h\xc3\xb8ringen av 1. mars.\n"
                      "Direktoratet st\xc3\xb8tter forslaget.\n",
                      "Eksempel- og pr\xc3\xb8vedirektoratet");
}

/* A letterhead in capitals without an alias: ordinary case, acronyms kept. */
static void test_respondent_caps_case(void **state)
{
    (void)state;
    expect_respondent("HELSE VESTFJORD HF\n\nVi st\xc3\xb8tter forslaget.\n", "Helse Vestfjord HF");
    expect_respondent("NAV\n\nVi st\xc3\xb8tter forslaget.\n", "NAV");
}

/* fuzz_segment: a respondent candidate longer than 255 bytes was cut inside a multi-byte
 * character (here U+FFFD, as the decoder writes for invalid bytes), giving a respondent
 * that is not UTF-8. */
static void test_respondent_long_candidate_utf8(void **state)
{
    (void)state;
    char text[1024] = "H\xc3\xb8ringssvar\n\nM\xc3\xa5l 3: Kompetanse\n\nfut. LLLLLLLLLLLLLLLLL";
    for (int i = 0; i < 115; i++)
        strcat(text, "\xef\xbf\xbd");
    strcat(text, "Kom");
    for (int i = 0; i < 88; i++)
        strcat(text, "\xef\xbf\xbd");
    strcat(text, "mulenII \xc3\xb8nskEr at informa-\nsjonen deles.\n");
    assert_true(hsok_utf8_valid(text, strlen(text), NULL));
    hsok_segdoc_t *d = segment_str(text);
    assert_true(npass(d) >= 1);
    for (size_t i = 0; i < npass(d); i++) {
        const char *r = pass(d, i)->respondent;
        if (!hsok_utf8_valid(r, strlen(r), NULL))
            fail_msg("passage %zu: respondent \"%s\" is not UTF-8", i, r);
    }
    for (size_t i = 0; i < hsok_segdoc_respondent_count(d); i++) {
        const char *r = hsok_segdoc_respondent(d, i);
        assert_true(hsok_utf8_valid(r, strlen(r), NULL));
    }
    hsok_segdoc_free(d);
}

/* fuzz_segment: a footnote line with two spaces after its number ("1  KIT står for …") gave
 * a passage starting with a space. */
static void test_footnote_two_spaces(void **state)
{
    (void)state;
    const char *text = "KIT1 er viktig for oss.\n\n1  KIT st\xc3\xa5r for kunnskap.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    size_t nfoot = 0;
    for (size_t i = 0; i < npass(d); i++)
        if (pass(d, i)->kind == HSOK_PASSAGE_FOOTNOTE) {
            nfoot++;
            assert_string_equal(pass(d, i)->text, "KIT st\xc3\xa5r for kunnskap.");
        }
    assert_int_equal(nfoot, 1);
    hsok_segdoc_free(d);
}

/* fuzz_segment: "0) Har dere …?" was a question with question_no 0, which means "no
 * question"; questions are numbered from 1. */
static void test_question_zero(void **state)
{
    (void)state;
    const char *text = "0) Har dere innspill til forslaget?\n\nVi har ingen innspill.\n\n"
                       "Sp\xc3\xb8rsm\xc3\xa5l 0: Noe annet?\n\nNei.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    must_find(d, "Vi har ingen innspill.");
    for (size_t i = 0; i < npass(d); i++)
        assert_string_equal(pass(d, i)->question, "");
    hsok_segdoc_free(d);
}

/* A web form's export (issue 9 item 5): "Spørsmål N" lines are questions at one level, a new
 * one closing the one before, whether or not the label has text after it; "Svar: Ja" is the
 * stance of the question open at that line; "Kommentar:", "Begrunnelse:", "Utdyp:" labels are
 * cut off and the text after them is a passage under that question; an empty "Kommentar:"
 * gives no passage. */
static void test_webform_export(void **state)
{
    (void)state;
    const char *text =
        "Tromsø kommune\n"
        "\n"
        "Sp\xc3\xb8rsm\xc3\xa5l 3: Hvordan vurderer dere forslaget om felles journal\n"
        "\n"
        "Svar: Ja\n"
        "\n"
        "Kommentar: Kommunen mener journalen gir bedre samhandling.\n"
        "\n"
        "Sp\xc3\xb8rsm\xc3\xa5l 4\n"
        "\n"
        "St\xc3\xb8tter dere at fastlegene f\xc3\xa5r tilgang?\n"
        "\n"
        "Svar: Nei, fordi personvernet ikke er godt nok ivaretatt i dag.\n"
        "\n"
        "Kommentar:\n"
        "\n"
        "Sp\xc3\xb8rsm\xc3\xa5l 5: Har dere andre innspill?\n"
        "Svar: Vi ber om at fristen forlenges.\n"
        "Begrunnelse: Saken er omfattende.\n"
        "Kommentar til sp\xc3\xb8rsm\xc3\xa5l 5:\n"
        "Utdyp: Vi trenger tid til politisk behandling.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    /* exactly one stance per answered question, on the right question */
    assert_int_equal(hsok_segdoc_stance_count(d), 2);
    const hsok_stance_t *s3 = hsok_segdoc_stance(d, 0), *s4 = hsok_segdoc_stance(d, 1);
    assert_int_equal(s3->question_no, 3);
    assert_string_equal(s3->answer, "Ja");
    assert_string_equal(s3->question,
                        "Sp\xc3\xb8rsm\xc3\xa5l 3: Hvordan vurderer dere forslaget om felles journal");
    assert_int_equal(s4->question_no, 4);
    assert_string_equal(s4->answer, "Nei");
    assert_string_equal(s4->question,
                        "Sp\xc3\xb8rsm\xc3\xa5l 4 St\xc3\xb8tter dere at fastlegene f\xc3\xa5r tilgang?");
    assert_int_equal(s4->line, line_of(text, "Svar: Nei"));
    /* no label in any passage, no passage of a label alone, the question text is no passage */
    for (size_t i = 0; i < npass(d); i++) {
        const char *t = pass(d, i)->text;
        if (strstr(t, "Kommentar") || strstr(t, "Svar") || strstr(t, "Begrunnelse") ||
            strstr(t, "Utdyp") || strstr(t, "Sp\xc3\xb8rsm\xc3\xa5l"))
            fail_msg("passage %zu holds a form label: \"%s\"", i, t);
        if (strstr(t, "fastlegene"))
            fail_msg("the question's text is a passage: \"%s\"", t);
        /* questions never nest: a section is one question */
        if (strstr(pass(d, i)->section, "\xe2\x80\xba"))
            fail_msg("passage %zu has a nested section \"%s\"", i, pass(d, i)->section);
    }
    const hsok_passage_t *p = must_find(d, "Kommunen mener journalen");
    assert_string_equal(p->text, "Kommunen mener journalen gir bedre samhandling.");
    assert_int_equal(p->question_no, 3);
    assert_int_equal(p->start, (size_t)(strstr(text, "Kommunen mener") - text));
    p = must_find(d, "fordi personvernet");
    assert_string_equal(p->text, "fordi personvernet ikke er godt nok ivaretatt i dag.");
    assert_int_equal(p->question_no, 4);
    assert_string_equal(p->question, s4->question);
    assert_int_equal(must_find(d, "Vi ber om at fristen")->question_no, 5);
    assert_string_equal(must_find(d, "Saken er omfattende.")->text, "Saken er omfattende.");
    assert_int_equal(must_find(d, "Saken er omfattende.")->question_no, 5);
    assert_int_equal(must_find(d, "Vi trenger tid")->question_no, 5);
    assert_int_equal(npass(d), 5);
    hsok_segdoc_free(d);
}

/* Nynorsk and short labels: "Spm. 2", "Merknad:", "Grunngiving:"; a sentence that starts with
 * "Spørsmål 3 i …" is text, not a question, and "Kommentar" without a colon stays text. */
static void test_webform_labels(void **state)
{
    (void)state;
    const char *text =
        "Spm. 1: Kva meiner de om framlegget?\n"
        "\n"
        "Svar: Ja.\n"
        "\n"
        "Merknad: Vi st\xc3\xb8ttar framlegget.\n"
        "\n"
        "Spm. 2 \xe2\x80\x93 Er konsekvensane greidd ut?\n"
        "\n"
        "Grunngiving: Kostnadene for kommunane er ikkje nemnde.\n"
        "\n"
        "Sp\xc3\xb8rsm\xc3\xa5l 3 i h\xc3\xb8yringsnotatet gjeld finansiering, og det har vi ingen merknad til.\n"
        "\n"
        "Kommentar fr\xc3\xa5 fylket er at dette er bra.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(hsok_segdoc_stance_count(d), 1);
    assert_int_equal(hsok_segdoc_stance(d, 0)->question_no, 1);
    assert_string_equal(hsok_segdoc_stance(d, 0)->answer, "Ja");
    const hsok_passage_t *p = must_find(d, "Vi st\xc3\xb8ttar framlegget.");
    assert_string_equal(p->text, "Vi st\xc3\xb8ttar framlegget.");
    assert_int_equal(p->question_no, 1);
    p = must_find(d, "Kostnadene for kommunane");
    assert_int_equal(p->question_no, 2);
    assert_true(!strncmp(p->text, "Kostnadene", 10));
    p = must_find(d, "i h\xc3\xb8yringsnotatet gjeld finansiering");
    assert_true(!strncmp(p->text, "Sp\xc3\xb8rsm\xc3\xa5l 3 i", 13));
    must_find(d, "Kommentar fr\xc3\xa5 fylket");
    hsok_segdoc_free(d);
}

/* ---- crafted: respondents ---------------------------------------------------------------- */

static void test_respondent_from_title(void **state)
{
    (void)state;
    const char *text = "H\xc3\xb8ringssvar fra Eksempel kommune\n"
                       "\n"
                       "Vi har lest forslaget med interesse. Det er et godt forslag.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(hsok_segdoc_respondent_count(d), 1);
    assert_string_equal(hsok_segdoc_respondent(d, 0), "Eksempel kommune");
    assert_true(npass(d) >= 1);
    for (size_t i = 0; i < npass(d); i++)
        assert_string_equal(pass(d, i)->respondent, "Eksempel kommune");
    must_find(d, "Vi har lest forslaget med interesse.");
    hsok_segdoc_free(d);
}

static void test_respondent_from_nynorsk_title(void **state)
{
    (void)state;
    const char *text = "H\xc3\xb8yringsfr\xc3\xa5segn fr\xc3\xa5 Vestland fylkeskommune\n"
                       "\n"
                       "Vi st\xc3\xb8ttar forslaget om betre samhandling.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(hsok_segdoc_respondent_count(d), 1);
    assert_string_equal(hsok_segdoc_respondent(d, 0), "Vestland fylkeskommune");
    const hsok_passage_t *p = must_find(d, "Vi st\xc3\xb8ttar forslaget");
    assert_string_equal(p->respondent, "Vestland fylkeskommune");
    /* a title, not a section */
    assert_string_equal(p->section, "");
    hsok_segdoc_free(d);
}

/* The organisation's name alone on the first line (a letterhead) names the respondent, even
 * when the text quotes another organisation with a stance verb; it is not a section. */
static void test_respondent_letterhead(void **state)
{
    (void)state;
    const char *text = "Sykehuset Innlandet HF\n"
                       "\n"
                       "1) Har dere innspill til strategien?\n"
                       "\n"
                       "Drammen kommune mener at strategien er for vag. Vi deler ikke det "
                       "synet.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(hsok_segdoc_respondent_count(d), 1);
    assert_string_equal(hsok_segdoc_respondent(d, 0), "Sykehuset Innlandet HF");
    const hsok_passage_t *p = must_find(d, "Drammen kommune mener");
    assert_string_equal(p->respondent, "Sykehuset Innlandet HF");
    assert_null(strstr(p->section, "Sykehuset"));
    assert_int_equal(p->question_no, 1);
    hsok_segdoc_free(d);
}

/* An addressee block (name, postal address) is not the respondent. */
static void test_respondent_not_addressee(void **state)
{
    (void)state;
    const char *text = "Helse- og omsorgsdepartementet\n"
                       "Postboks 8011 Dep\n"
                       "0030 Oslo\n"
                       "\n"
                       "Trondheim kommune st\xc3\xb8tter forslaget om felles journal.\n"
                       "\n"
                       "Trondheim kommune mener at finansieringen m\xc3\xa5 avklares.\n";
    hsok_segdoc_t *d = segment_str(text);
    assert_int_equal(hsok_segdoc_respondent_count(d), 1);
    assert_string_equal(hsok_segdoc_respondent(d, 0), "Trondheim kommune");
    hsok_segdoc_free(d);
}

/* A letter: addressee block, reference and date lines, subject title, numbered headings,
 * closing, signature and the "elektronisk godkjent" note. The furniture is neither a passage
 * nor a section; the content is all there, under its headings. */
static void test_letter_furniture(void **state)
{
    (void)state;
    const char *text =
        "Helse- og omsorgsdepartementet\n"
        "Postboks 8011 Dep\n"
        "0030 Oslo\n"
        "\n"
        "Deres ref.: 23/1234\n"
        "V\xc3\xa5r ref.: 2023/5678-3\n"
        "Dato: 15.03.2024\n"
        "\n"
        "H\xc3\xb8ringssvar \xe2\x80\x93 forslag til endringer i pasientjournalloven\n"
        "\n"
        "Vi viser til h\xc3\xb8ringsbrev av 12. januar 2024 om forslag til endringer.\n"
        "\n"
        "1. Innledning\n"
        "\n"
        "Kommunen har lang erfaring med elektroniske pasientjournaler.\n"
        "\n"
        "2. Merknader til forslaget\n"
        "\n"
        "Vi mener at tilgangsstyringen m\xc3\xa5 bli bedre.\n"
        "\n"
        "Med vennlig hilsen\n"
        "\n"
        "Kari Nordmann\n"
        "kommunaldirekt\xc3\xb8r\n"
        "\n"
        "Ola Hansen\n"
        "seniorr\xc3\xa5" "dgiver\n"
        "\n"
        "Dokumentet er elektronisk godkjent og har derfor ingen h\xc3\xa5ndskrevne "
        "signaturer.\n"
        "\n"
        "for Bergen kommune\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    static const char *const furniture[] = { "Postboks", "0030 Oslo", "omsorgsdepartementet",
                                             "ref.", "15.03.2024", "vennlig hilsen",
                                             "Kari Nordmann", "seniorr", "elektronisk godkjent",
                                             "for Bergen kommune" };
    for (size_t i = 0; i < sizeof furniture / sizeof *furniture; i++) {
        if (any_passage_contains(d, furniture[i]))
            fail_msg("\"%s\" is a passage", furniture[i]);
        for (size_t k = 0; k < npass(d); k++)
            if (strstr(pass(d, k)->section, furniture[i]))
                fail_msg("\"%s\" is in section \"%s\"", furniture[i], pass(d, k)->section);
    }
    assert_int_equal(npass(d), 3);
    assert_string_equal(must_find(d, "Vi viser til")->section, "");
    assert_string_equal(must_find(d, "lang erfaring")->section, "1. Innledning");
    assert_string_equal(must_find(d, "tilgangsstyringen")->section, "2. Merknader til forslaget");
    /* the organisation is named only under the signature */
    assert_int_equal(hsok_segdoc_respondent_count(d), 1);
    assert_string_equal(hsok_segdoc_respondent(d, 0), "Bergen kommune");
    hsok_segdoc_free(d);
}

/* An e-mail: the header lines are furniture, the subject names the respondent; a nynorsk
 * closing ends the text. */
static void test_email_headers(void **state)
{
    (void)state;
    const char *text =
        "From: post@legeforeningen.no\n"
        "Sent: 3. mars 2024 10:12\n"
        "To: postmottak@hod.dep.no\n"
        "Subject: H\xc3\xb8ringssvar fra Den norske legeforening - Nasjonal helse- og "
        "samhandlingsplan\n"
        "\n"
        "Legeforeningen takker for muligheten til \xc3\xa5 gi innspill.\n"
        "\n"
        "Planen mangler konkrete tiltak for \xc3\xa5 redusere dokumentasjonsbyrden.\n"
        "\n"
        "Venleg helsing\n"
        "Per Olsen\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(npass(d), 2);
    assert_false(any_passage_contains(d, "postmottak"));
    assert_false(any_passage_contains(d, "Subject"));
    assert_false(any_passage_contains(d, "Per Olsen"));
    for (size_t k = 0; k < npass(d); k++) {
        assert_string_equal(pass(d, k)->section, "");
        assert_string_equal(pass(d, k)->respondent, "Den norske legeforening");
    }
    hsok_segdoc_free(d);
}

/* Not furniture: "til: …" running on from the line above, a paragraph that begins "Hilsen"
 * as a word in a sentence too long for a closing, and an all-caps title that splits. */
static void test_furniture_lookalikes(void **state)
{
    (void)state;
    const char *text =
        "Bergen kommune\n"
        "\n"
        "Vi har tre forslag til:\n"
        "til: Tilgang til riktig informasjon til riktig tid er viktig for oss.\n"
        "\n"
        "Hilsen til alle som har arbeidet med strategien: den er grundig, godt skrevet og "
        "lett \xc3\xa5 lese, og den viser at direktoratet har lyttet til innspillene fra "
        "kommunene.\n"
        "\n"
        "H\xc3\x98RINGSSVAR FRA LEGEFORENINGEN\n"
        "\n"
        "Legeforeningen mener at planen er for vag.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    must_find(d, "forslag til: til: Tilgang til riktig");
    must_find(d, "Hilsen til alle");
    assert_int_equal(hsok_segdoc_respondent_count(d), 2);
    assert_string_equal(must_find(d, "planen er for vag")->respondent, "Legeforeningen");
    assert_string_equal(must_find(d, "Hilsen til alle")->respondent, "Bergen kommune");
    hsok_segdoc_free(d);
}

/* A web form's export: "Svar: Ja" is the answer to the question (a stance, not a section);
 * a longer "Svar: …" is a passage; lettered items "a) …" are list items, so the heading
 * above them stays a heading. */
static void test_written_answers_and_lettered_items(void **state)
{
    (void)state;
    const char *text =
        "Stavanger kommune\n"
        "\n"
        "Sp\xc3\xb8rsm\xc3\xa5l 1: Er dere enige i forslaget om felles kjernejournal?\n"
        "\n"
        "Svar: Ja\n"
        "\n"
        "Kommentar: Stavanger kommune st\xc3\xb8tter forslaget.\n"
        "\n"
        "Sp\xc3\xb8rsm\xc3\xa5l 2: Har dere merknader til konsekvensene?\n"
        "\n"
        "Svar: Delvis.\n"
        "\n"
        "Svar: Kostnadene er undervurdert.\n"
        "\n"
        "Konkrete innspill\n"
        "\n"
        "a) Kunstig intelligens: Det trengs en nasjonal ramme for kvalitetssikring.\n"
        "\n"
        "b) Samhandling: Felles standarder m\xc3\xa5 prioriteres.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(hsok_segdoc_stance_count(d), 2);
    const hsok_stance_t *s1 = hsok_segdoc_stance(d, 0), *s2 = hsok_segdoc_stance(d, 1);
    assert_int_equal(s1->question_no, 1);
    assert_string_equal(s1->answer, "Ja");
    assert_string_equal(s1->options, "Ja|Nei|Vet ikke");
    assert_string_equal(s1->respondent, "Stavanger kommune");
    assert_int_equal(s2->question_no, 2);
    assert_string_equal(s2->answer, "Delvis");
    assert_string_equal(s2->options, "Ja|Nei|Vet ikke|Delvis");
    assert_false(any_passage_contains(d, "Svar: Ja"));
    /* the labels are the form's, not the respondent's text (issue 9 item 5) */
    assert_false(any_passage_contains(d, "Kommentar:"));
    assert_false(any_passage_contains(d, "Svar:"));
    const hsok_passage_t *p = must_find(d, "Stavanger kommune st\xc3\xb8tter forslaget.");
    assert_true(!strncmp(p->text, "Stavanger kommune st", 20));
    assert_null(strstr(p->section, "Svar"));
    assert_int_equal(p->question_no, 1);
    assert_int_equal(must_find(d, "Kostnadene er undervurdert.")->question_no, 2);
    p = must_find(d, "a) Kunstig intelligens");
    assert_non_null(strstr(p->section, "Konkrete innspill"));
    assert_null(strstr(p->text, "Konkrete innspill"));
    assert_non_null(strstr(must_find(d, "b) Samhandling")->section, "Konkrete innspill"));
    hsok_segdoc_free(d);
}

/* No text vanishes: the passages' words, one passage after the other, are the words of text
 * (for a text that is all prose: no headings, form lines or letter furniture). */
static void assert_all_words_kept(const hsok_segdoc_t *d, const char *text)
{
    size_t cap = strlen(text) + 2, k = 0;
    char *all = malloc(cap);
    assert_non_null(all);
    for (size_t i = 0; i < npass(d); i++) {
        const char *t = pass(d, i)->text;
        size_t n = strlen(t);
        if (k + n + 2 > cap) {
            cap = (k + n + 2) * 2;
            all = realloc(all, cap);
            assert_non_null(all);
        }
        if (k)
            all[k++] = ' ';
        memcpy(all + k, t, n);
        k += n;
    }
    all[k] = '\0';
    char *got = collapse_ws(all), *want = collapse_ws(text);
    size_t i = 0;
    while (got[i] && got[i] == want[i])
        i++;
    if (got[i] || want[i])
        fail_msg("passages differ from the text at byte %zu: text \"%.60s\", passages \"%.60s\"",
                 i, want + i, got + i);
    free(got);
    free(want);
    free(all);
}

/* A checkbox inside a paragraph is text: every word stays in a passage, and the run of boxes
 * with the usual answers still gives a stance; boxes with other labels, or none ticked, give
 * none. */
static void test_checkbox_in_prose(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *answer; /* NULL: no stance */
        const char *options;
    } cases[] = {
        { "Vi har lest forslaget n\xc3\xb8ye, og vi st\xc3\xb8tter derfor forslaget \xe2\x98\x92 Ja "
          "\xe2\x98\x90 Nei fullt ut. Kommunen \xc3\xb8nsker at tiltaket settes i verk raskt.\n",
          "Ja", "Ja|Nei" },
        /* broken across lines as pdftotext does, the boxes at the start of a line */
        { "Vi har lest forslaget n\xc3\xb8ye, og vi st\xc3\xb8tter derfor forslaget\n"
          "\xe2\x98\x90 Ja \xe2\x98\x92 Nei, som det st\xc3\xa5r. Kommunen \xc3\xb8nsker at "
          "tiltaket\nsettes i verk raskt og uten nye utredninger.\n",
          "Nei", "Ja|Nei" },
        /* a line of its own, but with more than the options on it */
        { "Kommunen har lest forslaget.\n\nSvar: \xe2\x98\x92 Ja \xe2\x98\x90 Nei\n\n"
          "Vi har ingen flere merknader om dette.\n",
          "Ja", "Ja|Nei" },
        { "Kommunen har vurdert \xe2\x98\x90 Ja \xe2\x98\x90 Nei uten \xc3\xa5 ta stilling, og "
          "ber om mer tid.\n", NULL, NULL },
        { "Vi krysset av \xe2\x98\x92 for tiltak A og \xe2\x98\x90 for tiltak B i skjemaet, "
          "slik veilederen ba om.\n", NULL, NULL },
        { "[x] Ja [ ] Nei er det vi svarte i fjor, og svaret st\xc3\xa5r seg i \xc3\xa5r "
          "ogs\xc3\xa5 etter en ny runde.\n", "Ja", "Ja|Nei" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hsok_segdoc_t *d = segment_str(cases[i].text);
        assert_all_words_kept(d, cases[i].text);
        if (!cases[i].answer) {
            assert_int_equal(hsok_segdoc_stance_count(d), 0);
        } else {
            assert_int_equal(hsok_segdoc_stance_count(d), 1);
            const hsok_stance_t *st = hsok_segdoc_stance(d, 0);
            assert_string_equal(st->answer, cases[i].answer);
            assert_string_equal(st->options, cases[i].options);
            const char *tick = strstr(cases[i].text, "[x]") ? "[x]" : "\xe2\x98\x92";
            assert_int_equal(st->line, line_of(cases[i].text, tick));
        }
        hsok_segdoc_free(d);
    }
}

/* Lines that are nothing but checkbox options are stances, labels after the boxes or before
 * them, and are no passages; the words of the text around them all stay. */
static void test_checkbox_form_lines(void **state)
{
    (void)state;
    const char *text =
        "1) St\xc3\xb8tter dere forslaget?\n"
        "\n"
        "\xe2\x98\x92 Ja \xe2\x98\x90 Nei \xe2\x98\x90 Vet ikke\n"
        "\n"
        "Vi st\xc3\xb8tter forslaget fordi det gir bedre tjenester.\n"
        "\n"
        "2) Er dere enige i tidsplanen?\n"
        "\n"
        "Ja \xe2\x98\x90 Nei \xe2\x98\x92\n"
        "\n"
        "3) Har dere andre merknader?\n"
        "\n"
        "  \xe2\x98\x90 Ja, utdyp gjerne    \xe2\x98\x92 Nei, utdyp gjerne  \n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(npass(d), 1);
    assert_int_equal(pass(d, 0)->question_no, 1);
    assert_int_equal(hsok_segdoc_stance_count(d), 3);
    static const char *const answers[] = { "Ja", "Nei", "Nei" };
    static const char *const options[] = { "Ja|Nei|Vet ikke", "Ja|Nei", "Ja|Nei" };
    const char *at = text;
    for (size_t i = 0; i < 3; i++) {
        const hsok_stance_t *st = hsok_segdoc_stance(d, i);
        assert_int_equal(st->question_no, (int)i + 1);
        assert_string_equal(st->answer, answers[i]);
        assert_string_equal(st->options, options[i]);
        at = strstr(at, "\xe2\x98\x92");
        assert_non_null(at);
        assert_int_equal(st->line, line_at(text, (size_t)(at - text)));
        at += 3;
    }
    hsok_segdoc_free(d);
}

/* A 5 MB line of prose with checkboxes in it is cut into passages that keep every word (it
 * was taken whole for a stance label). */
static void test_checkbox_long_line(void **state)
{
    (void)state;
    const char *sentence = "Vi st\xc3\xb8tter forslaget \xe2\x98\x92 Ja \xe2\x98\x90 Nei "
                           "fullt ut, og kommunen \xc3\xb8nsker at tiltaket settes i verk. ";
    size_t sl = strlen(sentence), len = 0, cap = ((size_t)5 << 20) + sl + 2;
    char *text = malloc(cap);
    assert_non_null(text);
    while (len + sl < cap - 2) {
        memcpy(text + len, sentence, sl);
        len += sl;
    }
    text[len - 1] = '\n';
    text[len] = '\0';
    hsok_segdoc_t *d = segment_opts(text, len, NULL);
    assert_true(npass(d) > 1000);
    assert_all_words_kept(d, text);
    /* many runs of boxes in one paragraph: no one stance */
    assert_int_equal(hsok_segdoc_stance_count(d), 0);
    hsok_segdoc_free(d);
    free(text);
}

/* PDF page furniture: page numbers in their usual forms and the running header repeated at
 * each page break are dropped, and a sentence broken by a page break comes back whole. */
static void test_page_furniture(void **state)
{
    (void)state;
    const char *text =
        "B\xc3\xa6rum kommune                      H\xc3\xb8ringsuttalelse\n"
        "\n"
        "B\xc3\xa6rum kommune mener at forslaget er godt begrunnet, og at kommunene\n"
        "b\xc3\xb8r f\xc3\xa5 et tydeligere ansvar for forebygging. Vi mener likevel at\n"
        "\n"
        "Side 1 av 4\n"
        "\f"
        "B\xc3\xa6rum kommune                      H\xc3\xb8ringsuttalelse\n"
        "\n"
        "finansieringen m\xc3\xa5 avklares f\xc3\xb8r loven trer i kraft.\n"
        "\n"
        "2 (4)\n"
        "\f"
        "B\xc3\xa6rum kommune          H\xc3\xb8ringsuttalelse\n"
        "\n"
        "Kommunen har ogs\xc3\xa5 innspill til kapittel 4 om helseoverv\xc3\xa5king.\n"
        "\n"
        "- 3 -\n"
        "\f"
        "Vi ber om at personvernet vurderes n\xc3\xb8ye i 2025.\n"
        "\n"
        "12\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(npass(d), 3);
    must_find(d, "Vi mener likevel at finansieringen m\xc3\xa5 avklares");
    for (size_t i = 0; i < npass(d); i++) {
        const hsok_passage_t *p = pass(d, i);
        assert_null(strstr(p->text, "Side"));
        assert_null(strstr(p->text, "(4)"));
        assert_null(strstr(p->text, "- 3 -"));
        assert_null(strstr(p->text, "H\xc3\xb8ringsuttalelse"));
        assert_null(strstr(p->text, "12"));
        assert_string_equal(p->respondent, "B\xc3\xa6rum kommune");
    }
    must_find(d, "n\xc3\xb8ye i 2025.");
    hsok_segdoc_free(d);

    /* without page breaks, a line repeated in the text is content; a year alone is not a page
     * number */
    const char *plain = "Oslo kommune\n"
                        "\n"
                        "Oslo kommune st\xc3\xb8tter forslaget.\n"
                        "\n"
                        "Om finansiering\n"
                        "\n"
                        "Finansieringen m\xc3\xa5 sikres.\n"
                        "\n"
                        "2024\n"
                        "\n"
                        "Om finansiering\n"
                        "\n"
                        "Kostnadene m\xc3\xa5 deles.\n";
    d = segment_str(plain);
    check_invariants(d, plain, strlen(plain));
    assert_string_equal(must_find(d, "Kostnadene")->section, "Om finansiering");
    hsok_segdoc_free(d);
}

/* Two address blocks at the top: the sender's, then the addressee's. The response says only
 * "Kommunen", so the sender block is the only place that names it. */
static void test_respondent_sender_block(void **state)
{
    (void)state;
    const char *text = "Bergen kommune\n"
                       "Postboks 7700\n"
                       "5020 Bergen\n"
                       "\n"
                       "Helse- og omsorgsdepartementet\n"
                       "Postboks 8011 Dep\n"
                       "0030 Oslo\n"
                       "\n"
                       "H\xc3\xb8ringssvar \xe2\x80\x93 endringer i pasientjournalloven\n"
                       "\n"
                       "Kommunen st\xc3\xb8tter forslaget. Vi mener at finansieringen m\xc3\xa5 "
                       "avklares.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(npass(d), 1);
    assert_string_equal(pass(d, 0)->respondent, "Bergen kommune");
    assert_string_equal(pass(d, 0)->section, "");
    hsok_segdoc_free(d);
}

/* A private person's response: the name under the closing is the respondent; an organisation
 * under the closing wins over the person who signs for it. */
static void test_respondent_signer(void **state)
{
    (void)state;
    const char *text = "Innspill til forslag om endringer i helseregisterloven\n"
                       "\n"
                       "Jeg er sykepleier og mener at pasientene m\xc3\xa5 f\xc3\xa5 bedre innsyn.\n"
                       "\n"
                       "Med vennlig hilsen\n"
                       "Ola Nordmann\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(npass(d), 1);
    assert_string_equal(pass(d, 0)->respondent, "Ola Nordmann");
    hsok_segdoc_free(d);

    const char *org = "Vi mener at pasientene m\xc3\xa5 f\xc3\xa5 bedre innsyn.\n"
                      "\n"
                      "Vennlig hilsen\n"
                      "Kari Hansen\n"
                      "daglig leder\n"
                      "Pasientforeningen\n";
    d = segment_str(org);
    check_invariants(d, org, strlen(org));
    assert_string_equal(must_find(d, "bedre innsyn")->respondent, "Pasientforeningen");
    hsok_segdoc_free(d);
}

/* Lines that look like letter or page furniture but are content: each case keeps its text
 * (and headings stay sections). From a review of the furniture rules. */
static void test_furniture_false_friends(void **state)
{
    (void)state;
    struct {
        const char *text;
        const char *must;      /* a passage containing this */
        const char *section;   /* ... under this section ("" for none) */
    } cases[] = {
        /* a heading with a date in it is not a date line */
        { "Oslo kommune\n\nIkrafttredelse 1. juli 2025\n\nKommunen trenger mer tid til "
          "\xc3\xa5 forberede seg.\n",
          "trenger mer tid", "Ikrafttredelse 1. juli 2025" },
        /* years before capitalised words are not postcodes, and the heading stays */
        { "Oslo kommune\n\nTidslinje for arbeidet\n\n2019 Forslaget sendes ut\n\n2021 Loven "
          "vedtas\n\nVi mener evalueringen kom for sent.\n",
          "2019 Forslaget sendes ut", "Tidslinje for arbeidet" },
        /* a sentence about electronic signing is not the signing note */
        { "Oslo kommune\n\nVi mener at vedtak som er elektronisk signert skal ha samme "
          "gyldighet som papir.\n",
          "elektronisk signert skal", "" },
        /* "Hilsen fra …:" starting a sentence is not a closing */
        { "Oslo kommune\n\nHilsen fra ungdomsr\xc3\xa5" "det: vi vil ha gratis buss.\n\nBussen er "
          "for dyr.\n",
          "Bussen er for dyr", "" },
        /* a heading after the signature: the letter goes on */
        { "Oslo kommune\n\nVi st\xc3\xb8tter forslaget.\n\nMed vennlig hilsen\nKari Nordmann\n\n"
          "Tillegg etter m\xc3\xb8tet i bystyret\n\nBystyret vedtok enstemmig.\n",
          "Bystyret vedtok", "Tillegg etter m\xc3\xb8tet i bystyret" },
        /* a number alone is an answer when there are no pages */
        { "Oslo kommune\n\nHvor mange ansatte ber\xc3\xb8res av forslaget?\n\n120\n", "120", "" },
        /* "a) og b)" running on from the line above is not a list item */
        { "Oslo kommune\n\nVi viser til punkt 4.2 bokstav\na) og b) og mener at de h\xc3\xb8rer "
          "sammen.\n",
          "bokstav a) og b) og mener", "" },
        /* different headings at the tops of pages are not a running header */
        { "Stavanger kommune\n\nKapittel 1\n\nVi st\xc3\xb8tter forslaget.\n\fKapittel 2\n\n"
          "Vi er uenige.\n\fKapittel 3\n\nKostnadene er for h\xc3\xb8ye.\n",
          "uenige", "Kapittel 2" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hsok_segdoc_t *d = segment_str(cases[i].text);
        check_invariants(d, cases[i].text, strlen(cases[i].text));
        const hsok_passage_t *p = find_passage(d, cases[i].must);
        if (!p)
            fail_msg("case %zu: no passage contains \"%s\"", i, cases[i].must);
        if (strcmp(p->section, cases[i].section) != 0)
            fail_msg("case %zu: section \"%s\", want \"%s\"", i, p->section, cases[i].section);
        hsok_segdoc_free(d);
    }

    /* the respondent at the top and under the signature, on different pages: kept */
    const char *t4 = "Bergen kommune\n\nVi st\xc3\xb8tter forslaget, men mener at\n\nSide 1 av 2\n"
                     "\ffinansieringen m\xc3\xa5 avklares.\n\nMed vennlig hilsen\n\nBergen kommune\n";
    hsok_segdoc_t *d = segment_str(t4);
    assert_string_equal(must_find(d, "men mener at finansieringen")->respondent, "Bergen kommune");
    hsok_segdoc_free(d);

    /* the same stance at the bottom of two pages: both stay */
    const char *t6 = "Stavanger kommune\n\nSp\xc3\xb8rsm\xc3\xa5l 1: Er dere enige?\n\nVi st\xc3\xb8tter "
                     "det.\n\nSvar: Ja\n\fSp\xc3\xb8rsm\xc3\xa5l 2: Er dere enige her?\n\nVi st\xc3\xb8tter "
                     "det ogs\xc3\xa5.\n\nSvar: Ja\n\fSp\xc3\xb8rsm\xc3\xa5l 3: Andre merknader?\n\n"
                     "Kostnadene er for h\xc3\xb8ye.\n";
    d = segment_str(t6);
    assert_int_equal(hsok_segdoc_stance_count(d), 2);
    hsok_segdoc_free(d);

    /* a two-line addressee is one address block: the respondent is the person who signs */
    const char *t10 = "Helse- og omsorgsdepartementet\n\nAvdeling for spesialisthelsetjenester\n\n"
                      "Postboks 8011 Dep\n\n0030 Oslo\n\nH\xc3\xb8ringssvar om fastlegeordningen\n\n"
                      "Jeg er fastlege og mener at ordningen m\xc3\xa5 styrkes.\n\nMed vennlig hilsen\n"
                      "Ola Nordmann\n";
    d = segment_str(t10);
    assert_string_equal(must_find(d, "ordningen m")->respondent, "Ola Nordmann");
    assert_false(any_passage_contains(d, "Avdeling for"));
    hsok_segdoc_free(d);
}

/* Pages (pdftotext output: '\f' starts each page after the first, and ends the text): each
 * passage's page and end_page; a paragraph broken by a page break, with a two-line running
 * header and a page number between, comes back whole and cites both pages; a text without
 * form feeds has page 0. */
static void test_pages(void **state)
{
    (void)state;
    const char *text =
        "Lillevik kommune\n"
        "H\xc3\xb8ringssvar om helsedata\n"
        "\n"
        "Lillevik kommune viser til h\xc3\xb8ringsbrevet og takker for muligheten til\n"
        "\xc3\xa5 gi innspill. Kommunen st\xc3\xb8tter forslaget om en felles l\xc3\xb8sning\n"
        "for deling av helsedata mellom kommunene og\n"
        "\n"
        "\n"
        "1\n"
        "\fLillevik kommune\n"
        "H\xc3\xb8ringssvar om helsedata, 12.03.2024\n"
        "\n"
        "Helse S\xc3\xb8r-\xc3\x98st, men mener at finansieringen m\xc3\xa5 avklares.\n"
        "\n"
        "Personvern\n"
        "\n"
        "Kommunen er bekymret for personvernet n\xc3\xa5r data deles mellom mange.\n"
        "\n"
        "2\n"
        "\fLillevik kommune\n"
        "H\xc3\xb8ringssvar om helsedata, 12.03.2024\n"
        "\n"
        "\xc3\x98konomi\n"
        "\n"
        "Kostnadene m\xc3\xa5 dekkes av staten.\n"
        "\n"
        "3\n"
        "\f";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    const hsok_passage_t *p = must_find(d, "mellom kommunene og Helse S\xc3\xb8r-\xc3\x98st, men");
    assert_int_equal(p->page, 1);
    assert_int_equal(p->end_page, 2);
    assert_string_equal(p->respondent, "Lillevik kommune");
    p = must_find(d, "bekymret for personvernet");
    assert_int_equal(p->page, 2);
    assert_int_equal(p->end_page, 2);
    assert_string_equal(p->section, "Personvern");
    p = must_find(d, "Kostnadene");
    assert_int_equal(p->page, 3);
    assert_int_equal(p->end_page, 3);
    assert_string_equal(p->section, "\xc3\x98konomi");
    assert_int_equal(npass(d), 3);
    assert_false(any_passage_contains(d, "12.03.2024"));
    hsok_segdoc_free(d);

    /* the same text without form feeds: no pages */
    const char *plain = "Lillevik kommune\n\nKommunen st\xc3\xb8tter forslaget.\n\n"
                        "Personvern\n\nData m\xc3\xa5 deles trygt.\n";
    d = segment_str(plain);
    check_invariants(d, plain, strlen(plain));
    assert_true(npass(d) >= 2);
    for (size_t i = 0; i < npass(d); i++) {
        assert_int_equal(pass(d, i)->page, 0);
        assert_int_equal(pass(d, i)->end_page, 0);
    }
    hsok_segdoc_free(d);

    /* a sentence that ends at the bottom of a page ends its paragraph; a page that starts
     * with a form feed on a line of its own */
    const char *ended = "Lillevik kommune\n\nKommunen st\xc3\xb8tter forslaget i sin helhet.\n"
                        "\f\nOgs\xc3\xa5 fylket st\xc3\xb8tter forslaget, men ber om mer tid.\n";
    d = segment_str(ended);
    check_invariants(d, ended, strlen(ended));
    p = must_find(d, "Ogs\xc3\xa5 fylket");
    assert_int_equal(p->page, 2);
    assert_null(strstr(p->text, "helhet"));
    assert_int_equal(must_find(d, "i sin helhet.")->end_page, 1);
    hsok_segdoc_free(d);
}

/* A hint at the line of text that starts with `line` (which must be in text). */
static hsok_hint_t hint_at(const char *text, const char *line, hsok_hint_kind_t kind,
                           unsigned level)
{
    const char *p = strstr(text, line);
    if (!p)
        fail_msg("no line \"%s\" in the text", line);
    hsok_hint_t h = { (size_t)(p - text), (unsigned char)kind, (unsigned char)level };
    return h;
}

/* Structure hints of a reader (a Word file's headings, lists and tables) are trusted over the
 * segmenter's guesses: a heading of any length is a section, its level making a sub-section;
 * a "Høringssvar fra X" heading is the title naming the respondent; list items are bullets
 * (the bullet mark goes, a number stays, a wrapped item is one); table rows are passages of
 * their own, never reflowed into the next line; a checkbox row is a stance. Without hints the
 * same text is guessed as before. */
static void test_hints(void **state)
{
    (void)state;
    const char *text =
        "H\xc3\xb8ringssvar fra Lillevik kommune\n\n"
        "Kommentarer til kapittel 4 om finansiering og drift av tjenestene i kommunen\n\n"
        "Kommunen viser til h\xc3\xb8ringen og har noen merknader.\n\n"
        "\xc3\x98konomi og drift\n\n"
        "\xe2\x80\xa2 Kostnadene m\xc3\xa5 dekkes av staten\n"
        "\xe2\x80\xa2 Tiltakene m\xc3\xa5 prioriteres\n\n"
        "1. Bedre samarbeid mellom\nkommunene og staten.\n\n"
        "Tiltak | Kostnad\n"
        "Nye systemer | 5 mill\n\n"
        "St\xc3\xb8tter dere forslaget? | \xe2\x98\x92 Ja \xe2\x98\x90 Nei\n\n"
        "Personvern\n\n"
        "og dette gjelder alle.\n\n"
        "Vi ber om at personvernet vurderes.\n";
    hsok_hint_t hints[] = {
        hint_at(text, "H\xc3\xb8ringssvar fra", HSOK_HINT_HEADING, 1),
        hint_at(text, "Kommentarer til kapittel 4", HSOK_HINT_HEADING, 1),
        hint_at(text, "\xc3\x98konomi og drift", HSOK_HINT_HEADING, 2),
        hint_at(text, "\xe2\x80\xa2 Kostnadene", HSOK_HINT_LIST_ITEM, 1),
        hint_at(text, "\xe2\x80\xa2 Tiltakene", HSOK_HINT_LIST_ITEM, 1),
        hint_at(text, "1. Bedre samarbeid", HSOK_HINT_LIST_ITEM, 1),
        hint_at(text, "Tiltak | Kostnad", HSOK_HINT_TABLE_ROW, 0),
        hint_at(text, "Nye systemer", HSOK_HINT_TABLE_ROW, 0),
        hint_at(text, "St\xc3\xb8tter dere forslaget? |", HSOK_HINT_TABLE_ROW, 0),
        hint_at(text, "Personvern\n", HSOK_HINT_HEADING, 1),
    };
    hsok_segment_opts_t o = { 0 };
    o.hints = hints;
    o.nhints = sizeof hints / sizeof *hints;
    hsok_segdoc_t *d = segment_opts(text, strlen(text), &o);
    check_invariants(d, text, strlen(text));
    const char *chapter = "Kommentarer til kapittel 4 om finansiering og drift av tjenestene i "
                          "kommunen";
    const hsok_passage_t *p = must_find(d, "Kommunen viser til");
    assert_string_equal(p->respondent, "Lillevik kommune");
    assert_string_equal(p->section, chapter);
    p = must_find(d, "Kostnadene m\xc3\xa5 dekkes av staten\nTiltakene m\xc3\xa5 prioriteres");
    assert_int_equal(p->kind, HSOK_PASSAGE_BULLETS);
    char sub[256];
    snprintf(sub, sizeof sub, "%s \xe2\x80\xba \xc3\x98konomi og drift", chapter);
    assert_string_equal(p->section, sub);
    assert_false(any_passage_contains(d, "\xe2\x80\xa2"));
    assert_int_equal(must_find(d, "1. Bedre samarbeid mellom kommunene og staten.")->kind,
                     HSOK_PASSAGE_BULLETS);
    /* each row alone */
    assert_string_equal(must_find(d, "Tiltak | Kostnad")->text, "Tiltak | Kostnad");
    assert_string_equal(must_find(d, "Nye systemer")->text, "Nye systemer | 5 mill");
    assert_int_equal(hsok_segdoc_stance_count(d), 1);
    assert_string_equal(hsok_segdoc_stance(d, 0)->answer, "Ja");
    /* a level-1 heading closes the sub-section; a lower-case line is not joined to it */
    p = must_find(d, "og dette gjelder alle.");
    assert_string_equal(p->section, "Personvern");
    assert_int_equal(strncmp(p->text, "og dette gjelder alle.", 22), 0);
    assert_string_equal(must_find(d, "personvernet vurderes")->section, "Personvern");
    assert_false(any_passage_contains(d, "Kommentarer til kapittel"));
    hsok_segdoc_free(d);

    /* the same text unhinted: guessed (the long heading is text, the two rows one line; the
     * checkbox row runs into a paragraph and stays text, so no check_invariants here) */
    d = segment_str(text);
    assert_non_null(find_passage(d, "Kommentarer til kapittel"));
    assert_non_null(find_passage(d, "Tiltak | Kostnad Nye systemer"));
    hsok_segdoc_free(d);
}

/* Many pages: the page furniture pass stays linear-ish (a regression guard, not a timing
 * test: 20000 pages must simply finish and keep every page's text). */
static void test_many_pages(void **state)
{
    (void)state;
    size_t pages = 20000;
    char *text = malloc(pages * 64);
    assert_non_null(text);
    size_t n = 0;
    for (size_t i = 0; i < pages; i++)
        n += (size_t)sprintf(text + n, "%sHeader\n\nLinje %zu her.\n\nSide %zu av %zu\n",
                             i ? "\f" : "", i, i + 1, pages);
    hsok_segdoc_t *d = segment_opts(text, n, NULL);
    assert_non_null(find_passage(d, "Linje 19999 her."));
    assert_false(any_passage_contains(d, "Header"));
    assert_false(any_passage_contains(d, "Side "));
    hsok_segdoc_free(d);
    free(text);
}

/* One paragraph per line with no blank lines (saved from Word): each line is a paragraph,
 * short lines between them are headings, the closing is furniture. Text wrapped in
 * mid-sentence (PDF) with no blank lines stays one paragraph. */
static void test_line_per_paragraph(void **state)
{
    (void)state;
    const char *text =
        "H\xc3\xb8ringssvar fra Trondheim kommune\n"
        "Trondheim kommune viser til h\xc3\xb8ringsnotat av 1. mars 2024 om endringer i "
        "pasient- og brukerrettighetsloven.\n"
        "Generelt\n"
        "Kommunen st\xc3\xb8tter intensjonen i forslaget. Vi mener imidlertid at de "
        "\xc3\xb8konomiske konsekvensene er undervurdert.\n"
        "Til kapittel 3 Digital samhandling\n"
        "Det er avgj\xc3\xb8rende at nasjonale l\xc3\xb8sninger for deling av "
        "journalopplysninger kommer p\xc3\xa5 plass.\n"
        "Vi st\xc3\xb8tter at pasienten skal f\xc3\xa5 innsyn i logg over hvem som har sett "
        "journalen.\n"
        "Med vennlig hilsen\n"
        "Trondheim kommune\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(npass(d), 4);
    assert_string_equal(must_find(d, "viser til")->section, "");
    assert_string_equal(must_find(d, "intensjonen")->section, "Generelt");
    assert_string_equal(must_find(d, "nasjonale l")->section, "Til kapittel 3 Digital samhandling");
    assert_null(strstr(must_find(d, "innsyn i logg")->text, "nasjonale"));
    assert_false(any_passage_contains(d, "vennlig hilsen"));
    assert_string_equal(must_find(d, "innsyn i logg")->respondent, "Trondheim kommune");
    hsok_segdoc_free(d);

    const char *wrapped =
        "Bergen kommune\n"
        "\n"
        "Kommunen mener at forslaget om felles journal er et viktig steg, men at\n"
        "finansieringen ikke er avklart. Det er heller ikke klart hvem som skal ha\n"
        "ansvaret for driften av l\xc3\xb8sningen. Vi ber derfor departementet om \xc3\xa5\n"
        "utrede dette n\xc3\xa6rmere f\xc3\xb8r loven vedtas. Kommunene har erfaring med\n"
        "liknende prosjekter som viser at kostnadene ofte blir h\xc3\xb8yere enn antatt.\n";
    d = segment_str(wrapped);
    check_invariants(d, wrapped, strlen(wrapped));
    assert_int_equal(npass(d), 1);
    must_find(d, "ansvaret for driften av l\xc3\xb8sningen. Vi ber derfor");
    hsok_segdoc_free(d);
}

/* Heading styles of letters: "1 Innledning" (no dot), "A. Økonomi", "II. Personvern", and an
 * all-caps heading replace the heading above them; "Ad punkt 3.2 …" is a sub-heading. A
 * numbered paragraph's long first line is not a heading. */
static void test_heading_styles(void **state)
{
    (void)state;
    const char *text = "H\xc3\xb8ringssvar fra Troms\xc3\xb8 kommune\n\n"
                       "1 Innledning\n\nKommunen takker for muligheten.\n\n"
                       "1.1 Bakgrunn\n\nKommunen har erfaring med digitale tjenester.\n\n"
                       "GENERELLE MERKNADER\n\nVi mener at forslaget er godt.\n\n"
                       "A. \xc3\x98konomi\n\nKostnadene er for h\xc3\xb8ye.\n\n"
                       "II. Personvern\n\nPersonvernet m\xc3\xa5 ivaretas bedre.\n\n"
                       "Ad punkt 3.2 i h\xc3\xb8ringsnotatet\n\nVi er uenige i vurderingen.\n\n"
                       "12 Kommunen viser til forslaget om nye regler for journalf\xc3\xb8ring og "
                       "mener\nat fristene er for korte.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_string_equal(must_find(d, "takker for")->section, "1 Innledning");
    assert_string_equal(must_find(d, "erfaring med")->section, "1.1 Bakgrunn");
    /* under a numbered heading, a heading in capitals is a sub-heading */
    assert_string_equal(must_find(d, "forslaget er godt")->section,
                        "1.1 Bakgrunn \xe2\x80\xba GENERELLE MERKNADER");
    assert_string_equal(must_find(d, "Kostnadene")->section, "A. \xc3\x98konomi");
    assert_string_equal(must_find(d, "Personvernet m")->section, "II. Personvern");
    assert_string_equal(must_find(d, "uenige")->section,
                        "II. Personvern \xe2\x80\xba Ad punkt 3.2 i h\xc3\xb8ringsnotatet");
    must_find(d, "12 Kommunen viser til forslaget om nye regler for journalf\xc3\xb8ring og mener "
                 "at fristene");
    hsok_segdoc_free(d);

    /* headings in capitals with no numbered heading above are the top level; a label in
     * capitals right over another heading is not a section */
    const char *caps_doc = "SAKSFRAMLEGG\n\nSaksopplysninger\n\nDepartementet har sendt forslaget "
                           "p\xc3\xa5 h\xc3\xb8ring.\n\nGENERELLE MERKNADER\n\nVi st\xc3\xb8tter "
                           "forslaget.\n\nOm kostnadene\n\nKostnadene er undervurdert.\n\n"
                           "S\xc3\x86RSKILTE MERKNADER\n\nFristen er for kort.\n";
    d = segment_str(caps_doc);
    check_invariants(d, caps_doc, strlen(caps_doc));
    assert_string_equal(must_find(d, "sendt forslaget")->section, "Saksopplysninger");
    assert_string_equal(must_find(d, "Vi st")->section, "GENERELLE MERKNADER");
    assert_string_equal(must_find(d, "undervurdert")->section,
                        "GENERELLE MERKNADER \xe2\x80\xba Om kostnadene");
    assert_string_equal(must_find(d, "Fristen")->section, "S\xc3\x86RSKILTE MERKNADER");
    hsok_segdoc_free(d);

    /* a goal heading in capitals is still goal 3 */
    const char *caps = "Oslo kommune\n\nM\xc3\x85L 3: HELSEDATA\n\nVi st\xc3\xb8tter m\xc3\xa5let.\n";
    d = segment_str(caps);
    const hsok_passage_t *p = must_find(d, "Vi st");
    assert_int_equal(p->goal_no, 3);
    assert_string_equal(p->section, "M\xc3\x85L 3: HELSEDATA");
    hsok_segdoc_free(d);
}

/* Cases from an adversarial test of the line-per-paragraph and heading rules: each keeps its
 * sentence whole, under the right section (NULL: any). */
static void test_line_rules_cases(void **state)
{
    (void)state;
    struct {
        const char *text, *must, *section;
        const char *apart; /* not in the same passage (NULL: no check) */
    } cases[] = {
        { "Vi st\xc3\xb8tter forslaget om en nasjonal bemanningsnorm for sykehjemmene.\nDepartementet skriver at kommunene skal sikre \xe2\x80\x9dnok personell med riktig kompetanse.\xe2\x80\x9d\nDette er en god ambisjon, men den er ikke fulgt opp med penger til kommunene.\nVi ber departementet om \xc3\xa5 vurdere finansieringen p\xc3\xa5 nytt f\xc3\xb8r forskriften vedtas.\nVi viser ellers til uttalelsen fra KS og Fagforbundet.\n",
          "Dette er en god ambisjon", "", "kompetanse" },
        { "Merknader til forslaget om endringer i spesialisthelsetjenesteloven\nHelse Nord RHF takker for muligheten til \xc3\xa5 gi innspill til h\xc3\xb8ringen.\nVi st\xc3\xb8tter forslaget om \xc3\xa5 lovfeste s\xc3\xb8rge-for-ansvaret for pasientreiser.\n\xc3\x98konomiske og administrative konsekvenser for helseforetakene\nForslaget vil gi \xc3\xb8kte kostnader for helseforetakene i Nord-Norge.\nVi ansl\xc3\xa5r merkostnadene til om lag 40 millioner kroner \xc3\xa5rlig.\n",
          "Forslaget vil gi", "\xc3\x98konomiske og administrative konsekvenser for helseforetakene", "s\xc3\xb8rge-for" },
        { "1 Innledning\n\nOmbudet viser til h\xc3\xb8ringsnotatet av 12. januar.\n\n2 Merknader til forslaget om endringer i pasientjournalloven\n\nOmbudet st\xc3\xb8tter at pasientene f\xc3\xa5r bedre innsyn i egen journal.\n\n3 Merknader til forslaget om endringer i helsepersonelloven\n\nOmbudet er kritisk til at meldeplikten svekkes.\n",
          "kritisk til at", "3 Merknader til forslaget om endringer i helsepersonelloven", "innsyn" },
        { "Jeg er fastlege i Nord-Troms og vil gi noen innspill til h\xc3\xb8ringen.\nForslaget om listetak vil f\xc3\xa5 store konsekvenser i distriktene.\nDepartementet foresl\xc3\xa5r at kommunene kan fastsette et lavere listetak, bl.a.\nfor \xc3\xa5 sikre tid til legevakt og andre offentlige oppgaver.\nJeg mener dette vil f\xc3\xb8re til at flere innbyggere st\xc3\xa5r uten fastlege.\n",
          "listetak, bl.a. for ", "", NULL },
        { "Bod\xc3\xb8 kommune har f\xc3\xb8lgende merknader til forslaget:\n1. Kommunen st\xc3\xb8tter at det innf\xc3\xb8res en nasjonal norm for legevakt.\n2. Kommunen ber om at staten finansierer de \xc3\xb8kte kostnadene fullt ut.\nKommunen ansl\xc3\xa5r at merkostnadene for Bod\xc3\xb8 vil utgj\xc3\xb8re ca.\n12 millioner kroner \xc3\xa5rlig. Dette er ikke tatt h\xc3\xb8yde for i h\xc3\xb8ringsnotatet.\n",
          "ca. 12 millioner", "", "1. Kommunen" },
        { "2 Merknader\n\nUniversitetet deler bekymringen i Helsepersonellkommisjonens utredning.1\n\n1 NOU 2023: 4\n\n\fUniversitetet ber om at nye studieplasser finansieres fullt ut.\n",
          "studieplasser", "2 Merknader", "NOU" },
        { "1 Innledning\n\nVi viser til h\xc3\xb8ringen om gjennomf\xc3\xb8ring av direktivet i norsk rett.\n\n2 Merknader\n\nVi st\xc3\xb8tter at Norge gjennomf\xc3\xb8rer NIS2.\n",
          "NIS2.", "2 Merknader", NULL },
        { "Tabell 1. Ber\xc3\xb8rte kontorer per region\n\n1 Helgeland 6 84\n2 Salten 5 121\n\nFylkeskommunen ber om at tallene legges til grunn.\n",
          "Helgeland 6 84", NULL, "Fylkeskommunen" },
        { "NSF st\xc3\xb8tter krav om sykepleierkompetanse i alle sykehjem, og mener at dette\n\f2 Norsk Sykepleierforbund\n\nb\xc3\xb8r gjelde fra 2026.\n\f3 Norsk Sykepleierforbund\n\nVi ber om at kravene f\xc3\xb8lges opp med tilsyn.\n",
          "mener at dette b\xc3\xb8r gjelde", "", "Sykepleierforbund" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hsok_segdoc_t *d = segment_str(cases[i].text);
        check_invariants(d, cases[i].text, strlen(cases[i].text));
        const hsok_passage_t *p = find_passage(d, cases[i].must);
        if (!p)
            fail_msg("case %zu: no passage contains \"%s\"", i, cases[i].must);
        if (cases[i].section && strcmp(p->section, cases[i].section) != 0)
            fail_msg("case %zu: section \"%s\", want \"%s\"", i, p->section, cases[i].section);
        if (cases[i].apart && strstr(p->text, cases[i].apart))
            fail_msg("case %zu: \"%s\" is in the passage: %s", i, cases[i].apart, p->text);
        hsok_segdoc_free(d);
    }
}

/* Letterheads of many kinds of organisation, over a title: the letterhead is the respondent
 * of the whole response (an acronym alone too), and is no passage of its own. */
static void test_letterhead_organisations(void **state)
{
    (void)state;
    static const char *const orgs[] = { "Statsforvalteren i Vestland", "Helsedirektoratet",
                                        "Datatilsynet", "Norsk Pasientforening",
                                        "Universitetet i Oslo", "Oslo universitetssykehus HF",
                                        "KS", "NAV", "Apotekforeningen", "Fagforbundet",
                                        "Barneombudet", "Sametinget", "Kreftregisteret",
                                        "Vestland fylkeskommune",
                                        "Den norske tannlegeforening" };
    for (size_t i = 0; i < sizeof orgs / sizeof *orgs; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "%s\n\nH\xc3\xb8ringssvar \xe2\x80\x93 nasjonal helse- og samhandlingsplan\n\n"
                 "Vi viser til h\xc3\xb8ringen og har f\xc3\xb8lgende merknader.\n\n"
                 "Forslaget er godt, men finansieringen m\xc3\xa5 avklares.\n", orgs[i]);
        hsok_segdoc_t *d = segment_str(text);
        check_invariants(d, text, strlen(text));
        assert_int_equal(npass(d), 2);
        for (size_t k = 0; k < npass(d); k++)
            if (strcmp(pass(d, k)->respondent, orgs[i]) != 0)
                fail_msg("%s: passage %zu has respondent \"%s\"", orgs[i], k,
                         pass(d, k)->respondent);
        hsok_segdoc_free(d);
    }
}

/* A form that starts again at question 1 with no new name is the same respondent's. */
static void test_form_restart_same_respondent(void **state)
{
    (void)state;
    const char *text = "Bergen kommune\n"
                       "\n"
                       "1) Har dere innspill til m\xc3\xa5lene?\n"
                       "\n"
                       "Bergen kommune mener at m\xc3\xa5lene er gode.\n"
                       "\n"
                       "2) Har dere innspill til indikatorene?\n"
                       "\n"
                       "Indikatorene er for mange.\n"
                       "\n"
                       "1) Har dere innspill til tiltakene?\n"
                       "\n"
                       "Tiltakene b\xc3\xb8r prioriteres tydeligere.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_string_equal(must_find(d, "Tiltakene b")->respondent, "Bergen kommune");
    assert_int_equal(must_find(d, "Tiltakene b")->question_no, 1);
    hsok_segdoc_free(d);
}

/* "høringssvarskjema" at the start of a wrapped line continues a sentence: no split. */
static void test_lowercase_title_word_no_split(void **state)
{
    (void)state;
    const char *text = "Bergen kommune\n"
                       "\n"
                       "Bergen kommune mener at svarene i det vedlagte\n"
                       "\n"
                       "h\xc3\xb8ringssvarskjema viser hvordan vi har arbeidet med saken, og "
                       "at dette\n"
                       "\n"
                       "bør leses sammen med v\xc3\xa5re tidligere innspill til departementet.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(hsok_segdoc_respondent_count(d), 1);
    assert_true(any_passage_contains(d, "vedlagte h\xc3\xb8ringssvarskjema viser"));
    hsok_segdoc_free(d);
}

static void test_respondent_split(void **state)
{
    (void)state;
    const char *text = "H\xc3\xb8ringsuttalelse om ny strategi for helse\n"
                       "\n"
                       "Bergen kommune mener at strategien er god. Bergen kommune st\xc3\xb8tter de "
                       "fleste forslagene.\n"
                       "\n"
                       "Det er viktig med samarbeid mellom niv\xc3\xa5" "ene.\n"
                       "\n"
                       "H\xc3\xb8ringsuttalelse om forslag til ny forskrift\n"
                       "\n"
                       "Legeforeningen st\xc3\xb8tter forslaget i hovedsak. Legeforeningen mener "
                       "likevel at tidsplanen er for stram.\n"
                       "\n"
                       "Legeforeningen \xc3\xb8nsker en tydeligere plan for finansiering.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(hsok_segdoc_respondent_count(d), 2);
    assert_string_equal(hsok_segdoc_respondent(d, 0), "Bergen kommune");
    assert_string_equal(hsok_segdoc_respondent(d, 1), "Legeforeningen");
    unsigned second = line_of(text, "H\xc3\xb8ringsuttalelse om forslag");
    for (size_t i = 0; i < npass(d); i++) {
        const hsok_passage_t *p = pass(d, i);
        assert_string_equal(p->respondent, p->line > second ? "Legeforeningen" : "Bergen kommune");
    }
    assert_string_equal(must_find(d, "Bergen kommune mener")->respondent, "Bergen kommune");
    assert_string_equal(must_find(d, "samarbeid mellom")->respondent, "Bergen kommune");
    assert_string_equal(must_find(d, "Legeforeningen st\xc3\xb8tter")->respondent,
                        "Legeforeningen");
    assert_string_equal(must_find(d, "plan for finansiering")->respondent, "Legeforeningen");
    hsok_segdoc_free(d);
}

static void test_respondent_nynorsk(void **state)
{
    (void)state;
    const char *text = "Vestland fylkeskommune meiner at strategien er god og viktig for "
                       "regionen.\n"
                       "\n"
                       "Vi st\xc3\xb8ttar forslaget om betre samhandling mellom kommunane og "
                       "sjukehusa.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(hsok_segdoc_respondent_count(d), 1);
    assert_string_equal(hsok_segdoc_respondent(d, 0), "Vestland fylkeskommune");
    for (size_t i = 0; i < npass(d); i++)
        assert_string_equal(pass(d, i)->respondent, "Vestland fylkeskommune");
    hsok_segdoc_free(d);
}

static void test_respondent_unknown(void **state)
{
    (void)state;
    /* no organisation writes here: no respondent rather than a guess */
    const char *text = "Vi mener at strategien er god.\n\nDet er viktig med samarbeid.\n";
    hsok_segdoc_t *d = segment_str(text);
    check_invariants(d, text, strlen(text));
    assert_int_equal(hsok_segdoc_respondent_count(d), 0);
    for (size_t i = 0; i < npass(d); i++)
        assert_string_equal(pass(d, i)->respondent, "");
    hsok_segdoc_free(d);
}

static void test_respondent_override(void **state)
{
    (void)state;
    seed_t s;
    read_seed(SEED_TWO, &s.src, s.path, sizeof s.path);
    char name[] = "Testetaten";
    hsok_segment_opts_t o = { .respondent = name, .max_passage_chars = 0 };
    s.doc = segment_opts(s.src.text, s.src.len, &o);
    name[0] = 'X'; /* the document keeps its own copy */
    check_invariants(s.doc, s.src.text, s.src.len);
    assert_true(npass(s.doc) >= 20);
    assert_int_equal(hsok_segdoc_respondent_count(s.doc), 1);
    assert_string_equal(hsok_segdoc_respondent(s.doc, 0), "Testetaten");
    for (size_t i = 0; i < npass(s.doc); i++)
        assert_string_equal(pass(s.doc, i)->respondent, "Testetaten");
    for (size_t i = 0; i < hsok_segdoc_stance_count(s.doc); i++)
        assert_string_equal(hsok_segdoc_stance(s.doc, i)->respondent, "Testetaten");
    /* the override changes nothing else */
    hsok_segdoc_t *plain = segment_opts(s.src.text, s.src.len, NULL);
    assert_int_equal(npass(plain), npass(s.doc));
    for (size_t i = 0; i < npass(plain); i++) {
        assert_string_equal(pass(plain, i)->text, pass(s.doc, i)->text);
        assert_string_equal(pass(plain, i)->section, pass(s.doc, i)->section);
    }
    hsok_segdoc_free(plain);
    seed_free(&s);
}

/* ---- sidecar ----------------------------------------------------------------------------- */

static char tmpdir[256];

static int meta_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hsok_test_segment_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int meta_teardown(void **state)
{
    (void)state;
    static const char *const names[] = { "x.txt", "x.txt.meta", "y.txt", "y.txt.meta",
                                          "z.txt", "w.txt", "w.txt.meta", NULL };
    char p[512];
    for (size_t i = 0; names[i]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    return rmdir(tmpdir);
}

static void write_file(const char *name, const char *content)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(content, f);
    assert_int_equal(fclose(f), 0);
}

static void test_meta(void **state)
{
    (void)state;
    char path[512];
    char *r = NULL, *err = NULL;

    /* a sidecar with a comment and the respondent */
    write_file("x.txt", "Tekst.\n");
    write_file("x.txt.meta", "# hvem som skriver\n\nrespondent: Foo\n");
    snprintf(path, sizeof path, "%s/x.txt", tmpdir);
    assert_int_equal(hsok_read_meta(path, &r, &err), HSOK_OK);
    assert_null(err);
    assert_non_null(r);
    assert_string_equal(r, "Foo");
    free(r);
    r = NULL;

    /* a malformed line */
    write_file("y.txt", "Tekst.\n");
    write_file("y.txt.meta", "respondent: Foo\nbare tekst uten kolon\n");
    snprintf(path, sizeof path, "%s/y.txt", tmpdir);
    assert_int_equal(hsok_read_meta(path, &r, &err), HSOK_ERR_PARSE);
    assert_null(r);
    assert_non_null(err);
    if (!strstr(err, "y.txt.meta") || !strstr(err, "line 2"))
        fail_msg("message \"%s\" names neither the file nor line 2", err);
    free(err);
    err = NULL;

    /* no sidecar */
    write_file("z.txt", "Tekst.\n");
    snprintf(path, sizeof path, "%s/z.txt", tmpdir);
    r = (char *)"sentinel";
    assert_int_equal(hsok_read_meta(path, &r, &err), HSOK_OK);
    assert_null(r);
    assert_null(err);

    /* a sidecar without the key */
    write_file("w.txt", "Tekst.\n");
    write_file("w.txt.meta", "# tom\nspraak: nb\n");
    snprintf(path, sizeof path, "%s/w.txt", tmpdir);
    assert_int_equal(hsok_read_meta(path, &r, &err), HSOK_OK);
    assert_null(r);
    assert_null(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_invariants),
        cmocka_unit_test(test_letter_furniture),
        cmocka_unit_test(test_email_headers),
        cmocka_unit_test(test_furniture_lookalikes),
        cmocka_unit_test(test_form_restart_same_respondent),
        cmocka_unit_test(test_letterhead_organisations),
        cmocka_unit_test(test_line_rules_cases),
        cmocka_unit_test(test_heading_styles),
        cmocka_unit_test(test_line_per_paragraph),
        cmocka_unit_test(test_furniture_false_friends),
        cmocka_unit_test(test_many_pages),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_hints),
        cmocka_unit_test(test_respondent_sender_block),
        cmocka_unit_test(test_respondent_signer),
        cmocka_unit_test(test_page_furniture),
        cmocka_unit_test(test_written_answers_and_lettered_items),
        cmocka_unit_test(test_checkbox_in_prose),
        cmocka_unit_test(test_checkbox_form_lines),
        cmocka_unit_test(test_checkbox_long_line),
        cmocka_unit_test(test_nhn_question1_several_passages),
        cmocka_unit_test(test_nhn_sentence_whole),
        cmocka_unit_test(test_nhn_respondent),
        cmocka_unit_test(test_nhn_goal_section),
        cmocka_unit_test(test_nhn_unnumbered_heading),
        cmocka_unit_test(test_nhn_stance),
        cmocka_unit_test(test_nhn_dash_in_sentence),
        cmocka_unit_test(test_nhn_hyphens),
        cmocka_unit_test(test_two_respondents),
        cmocka_unit_test(test_two_question1_heading_and_stance),
        cmocka_unit_test(test_two_hyphenation),
        cmocka_unit_test(test_two_footnote),
        cmocka_unit_test(test_two_bullets),
        cmocka_unit_test(test_hyphen_rejoin),
        cmocka_unit_test(test_hyphen_kept),
        cmocka_unit_test(test_single_spaced_paragraphs),
        cmocka_unit_test(test_single_spaced_with_heading_and_list),
        cmocka_unit_test(test_double_spaced_paragraphs),
        cmocka_unit_test(test_bullets),
        cmocka_unit_test(test_long_paragraph_cut),
        cmocka_unit_test(test_abbreviations_no_cut),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_heading_only_kept),
        cmocka_unit_test(test_unnumbered_heading),
        cmocka_unit_test(test_heading_then_paragraphs),
        cmocka_unit_test(test_numbered_list_kept),
        cmocka_unit_test(test_respondent_from_title),
        cmocka_unit_test(test_respondent_from_nynorsk_title),
        cmocka_unit_test(test_respondent_split),
        cmocka_unit_test(test_respondent_letterhead),
        cmocka_unit_test(test_respondent_not_addressee),
        cmocka_unit_test(test_lowercase_title_word_no_split),
        cmocka_unit_test(test_respondent_nynorsk),
        cmocka_unit_test(test_respondent_unknown),
        cmocka_unit_test(test_respondent_override),
        cmocka_unit_test(test_respondent_caps_letterhead),
        cmocka_unit_test(test_respondent_title_dash),
        cmocka_unit_test(test_respondent_org_not_signer),
        cmocka_unit_test(test_respondent_forwarded_mail),
        cmocka_unit_test(test_respondent_running_header),
        cmocka_unit_test(test_respondent_possessive),
        cmocka_unit_test(test_respondent_hyphen_space),
        cmocka_unit_test(test_respondent_street_addressee),
        cmocka_unit_test(test_respondent_aliases),
        cmocka_unit_test(test_respondent_caps_case),
        cmocka_unit_test(test_respondent_after_title_line),
        cmocka_unit_test(test_respondent_long_candidate_utf8),
        cmocka_unit_test(test_footnote_two_spaces),
        cmocka_unit_test(test_question_zero),
        cmocka_unit_test(test_webform_export),
        cmocka_unit_test(test_webform_labels),
        cmocka_unit_test_setup_teardown(test_meta, meta_setup, meta_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
