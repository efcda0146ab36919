/* test_search.c — index the real seeds, then search, filter, show and prune them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsok/db.h"
#include "hsok/query.h"
#include "hsok/text.h"

static char tmpdir[256];
static char dbpath[300];
static char seed000[512], seed004[512];

static void rm_rf(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

static int setup_all(void **state)
{
    (void)state;
    const char *root = getenv("HSOK_SOURCE_ROOT");
    if (!root)
        root = ".";
    snprintf(seed000, sizeof seed000, "%s/seeds/000_a029a37dc8fc4944.txt", root);
    snprintf(seed004, sizeof seed004, "%s/seeds/004_6450df641f7c9d61.txt", root);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hsok-test-search-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/db", tmpdir);
    hsok_db_t *db = NULL;
    char *err = NULL;
    if (hsok_db_open(dbpath, HSOK_DB_WRITE, &db, &err) != HSOK_OK) {
        fprintf(stderr, "open: %s\n", err);
        return -1;
    }
    const char *files[] = { seed000, seed004 };
    for (int i = 0; i < 2; i++) {
        hsok_index_result_t res;
        if (hsok_db_index_file(db, files[i], NULL, &res, &err) != HSOK_OK) {
            fprintf(stderr, "index: %s\n", err);
            return -1;
        }
    }
    return hsok_db_close(db, &err) == HSOK_OK ? 0 : -1;
}

static int teardown_all(void **state)
{
    (void)state;
    rm_rf(tmpdir);
    return 0;
}

static hsok_db_t *open_read(void)
{
    hsok_db_t *db = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_db_open(dbpath, HSOK_DB_READ, &db, &err);
    if (st != HSOK_OK)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(st, HSOK_OK);
    return db;
}

static hsok_results_t *run(hsok_db_t *db, const char *q, const hsok_search_opts_t *o)
{
    hsok_results_t *r = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_search(db, q, o, &r, &err);
    if (st != HSOK_OK)
        fprintf(stderr, "query '%s': %s\n", q, err);
    assert_int_equal(st, HSOK_OK);
    free(err);
    return r;
}

/* case-insensitive (ASCII + æøå as bytes after lowering ASCII) substring */
static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* hsok_db_close_for_exit commits and unlocks as hsok_db_close does (the word tables it
 * leaves are checked by the leak checker of the sanitizer build) */
static void test_close_for_exit(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/exit", tmpdir);
    hsok_db_t *db = NULL;
    char *err = NULL;
    hsok_index_result_t res;
    assert_int_equal(hsok_db_open(path, HSOK_DB_WRITE, &db, &err), HSOK_OK);
    assert_int_equal(hsok_db_index_file(db, seed004, NULL, &res, &err), HSOK_OK);
    assert_int_equal(hsok_db_close_for_exit(db, &err), HSOK_OK);
    assert_null(err);
    /* saved and unlocked: a writer opens it and finds the file unchanged */
    assert_int_equal(hsok_db_open(path, HSOK_DB_WRITE, &db, &err), HSOK_OK);
    memset(&res, 0, sizeof res);
    assert_int_equal(hsok_db_index_file(db, seed004, NULL, &res, &err), HSOK_OK);
    assert_true(res.unchanged);
    assert_int_equal(hsok_db_close_for_exit(db, &err), HSOK_OK);
    assert_int_equal(hsok_db_close_for_exit(NULL, &err), HSOK_OK);
    hsok_results_t *r = NULL;
    assert_int_equal(hsok_db_open(path, HSOK_DB_READ, &db, &err), HSOK_OK);
    r = run(db, "personvern", NULL);
    assert_true(hsok_results_count(r) > 0);
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

static void test_stats_three_respondents(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_stats_t *st = NULL;
    assert_int_equal(hsok_db_stats(db, &st, NULL), HSOK_OK);
    assert_int_equal(st->files, 2);
    assert_true(st->passages > 30);
    assert_true(st->terms > 500);
    assert_true(st->bytes_on_disk > 0);
    assert_int_equal(st->nrespondents, 3);
    const char *want[] = { "Norsk helsenett", "Drammen kommune", "Helse Sør-Øst RHF" };
    for (int w = 0; w < 3; w++) {
        int found = 0;
        for (size_t i = 0; i < st->nrespondents; i++)
            if (!strcmp(st->respondents[i].name, want[w]) && st->respondents[i].passages > 0)
                found = 1;
        assert_true(found);
    }
    hsok_stats_free(st);
    hsok_db_close(db, NULL);
}

static void test_informasjonssikkerhet(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_search_opts_t o = { .limit = 50 };
    hsok_results_t *r = run(db, "informasjonssikkerhet", &o);
    size_t n = hsok_results_count(r);
    assert_true(n >= 3);
    int drammen = 0, hso = 0;
    size_t nexact = 0;
    for (size_t i = 0; i < n; i++) {
        const hsok_hit_t *h = hsok_results_get(r, i);
        assert_int_equal(h->rank, i + 1);
        assert_true(strlen(h->rec.text) < 2000);
        if (h->match == HSOK_MATCH_RELATED) {
            /* after every exact match (checked below): a passage with its parts apart or
             * its head (any form: "sikker", "sikre" share the lemma) in another compound */
            assert_true(contains_ci(h->rec.text, "informasjon") ||
                        contains_ci(h->rec.text, "sikk") || contains_ci(h->rec.text, "sikr"));
            continue;
        }
        assert_true(h->nspans >= 1);
        assert_int_equal(nexact, i);
        nexact++;
        assert_int_equal(h->match, HSOK_MATCH_EXACT);
        assert_true(contains_ci(h->rec.text, "informasjonssikkerhet"));
        drammen += !strcmp(h->rec.respondent, "Drammen kommune");
        hso += !strcmp(h->rec.respondent, "Helse Sør-Øst RHF");
        /* every highlight covers a form of the word */
        for (size_t k = 0; k < h->nspans; k++) {
            assert_true(h->spans[k].end <= strlen(h->snippet));
            assert_true(contains_ci(h->snippet + h->spans[k].start, "informasjonssikkerhet"));
        }
        if (i)
            assert_true(h->score <= hsok_results_get(r, i - 1)->score);
    }
    assert_true(nexact >= 3);
    assert_int_equal(hsok_results_estimated_related(r), n - nexact);
    assert_true(drammen > 0);
    assert_true(hso > 0);
    assert_false(hsok_results_relaxed(r));
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

/* A base form finds its definite form as an exact match, highlighted through the lemma the
 * index stored for it (issue 9: `ansvar` found none of "… har ansvaret …"). */
static void test_lemma_exact_and_highlighted(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_search_opts_t o = { .limit = 50 };
    hsok_results_t *r = run(db, "ansvar", &o);
    size_t seen = 0;
    for (size_t i = 0; i < hsok_results_count(r); i++) {
        const hsok_hit_t *h = hsok_results_get(r, i);
        if (!contains_ci(h->snippet, "ansvaret "))
            continue;
        assert_int_equal(h->match, HSOK_MATCH_EXACT);
        int marked = 0;
        for (size_t k = 0; k < h->nspans; k++)
            marked |= h->spans[k].end - h->spans[k].start == strlen("ansvaret") &&
                      contains_ci(h->snippet + h->spans[k].start, "ansvaret");
        if (!marked)
            fail_msg("'ansvaret' is not highlighted in: %s", h->snippet);
        seen++;
    }
    assert_true(seen >= 1);
    assert_int_equal(hsok_results_estimated_variant(r), 0);
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

/* "kommunene" finds passages that say "kommune", "kommuner" or "kommunen" (other forms). */
static void test_inflection(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_search_opts_t o = { .limit = 100 };
    hsok_results_t *r = run(db, "kommunene", &o);
    int other_form = 0;
    for (size_t i = 0; i < hsok_results_count(r); i++) {
        const char *t = hsok_results_get(r, i)->rec.text;
        if ((contains_ci(t, "kommune ") || contains_ci(t, "kommuner ") ||
             contains_ci(t, "kommunen ")) && !contains_ci(t, "kommunene"))
            other_form = 1;
    }
    assert_true(other_form);
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

static void test_phrase_and_exclusion(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_search_opts_t o = { .limit = 100 };
    hsok_results_t *r = run(db, "\"digital kompetanse\"", &o);
    assert_true(hsok_results_count(r) >= 2);
    for (size_t i = 0; i < hsok_results_count(r); i++)
        assert_true(contains_ci(hsok_results_get(r, i)->rec.text, "digital kompetanse"));
    hsok_results_free(r);

    r = run(db, "informasjonssikkerhet -personvern", &o);
    assert_true(hsok_results_count(r) >= 1);
    for (size_t i = 0; i < hsok_results_count(r); i++)
        assert_false(contains_ci(hsok_results_get(r, i)->rec.text, "personvern"));
    hsok_results_free(r);

    r = run(db, "informasjonssikkerhet NOT personvern", &o);
    for (size_t i = 0; i < hsok_results_count(r); i++)
        assert_false(contains_ci(hsok_results_get(r, i)->rec.text, "personvern"));
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

static size_t count(hsok_db_t *db, const char *q)
{
    hsok_search_opts_t o = { .limit = 500 };
    hsok_results_t *r = run(db, q, &o);
    size_t n = hsok_results_count(r);
    hsok_results_free(r);
    return n;
}

static void test_boolean_operators(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    size_t a = count(db, "helsenettet"), b = count(db, "velferdsteknologi");
    size_t ab = count(db, "helsenettet OR velferdsteknologi");
    assert_true(a > 0 && b > 0);
    assert_true(ab >= a && ab >= b && ab <= a + b);
    size_t both = count(db, "personvern AND informasjonssikkerhet");
    size_t p = count(db, "personvern");
    assert_true(both > 0 && both <= p);
    size_t grouped = count(db, "(personvern OR taushetsplikt) informasjonssikkerhet");
    assert_true(grouped >= both);
    hsok_db_close(db, NULL);
}

/* fuzz_query found it (tests/fuzz/corpus/query/crash-respondent-newline): an unknown
 * respondent filter holding a newline was echoed into a message of two lines. Every message
 * is one line, whatever the value holds: controls are shown as the CLI shows them ("\\n"). */
static void test_unknown_filter_message_one_line(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    const char *resp[] = { "Hels\nnorge\r\x1b[31m" };
    const char *theme[] = { "kit\nx" };
    hsok_search_opts_t o = { .limit = 10, .respondents = resp, .nrespondents = 1 };
    hsok_search_opts_t o2 = { .limit = 10, .themes = theme, .nthemes = 1 };
    const hsok_search_opts_t *opts[] = { &o, &o2 };
    for (size_t k = 0; k < 2; k++) {
        hsok_results_t *r = NULL;
        char *err = NULL;
        assert_int_equal(hsok_search(db, "informasjonssikkerhet", opts[k], &r, &err),
                         HSOK_ERR_QUERY);
        assert_non_null(err);
        assert_null(strchr(err, '\n'));
        assert_null(strchr(err, '\r'));
        assert_null(strchr(err, '\x1b'));
        assert_non_null(strstr(err, k == 0 ? "no respondent 'Hels\\nnorge\\r\\x1b[31m'"
                                           : "no theme 'kit\\nx'"));
        free(err);
        hsok_results_free(r);
    }
    hsok_db_close(db, NULL);
}

static void test_respondent_filter(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    const char *resp[] = { "drammen" };
    hsok_search_opts_t o = { .limit = 100, .respondents = resp, .nrespondents = 1 };
    hsok_results_t *r = run(db, "informasjonssikkerhet", &o);
    assert_true(hsok_results_count(r) > 0);
    for (size_t i = 0; i < hsok_results_count(r); i++)
        assert_string_equal(hsok_results_get(r, i)->rec.respondent, "Drammen kommune");
    hsok_results_free(r);

    hsok_search_opts_t o2 = { .limit = 100 };
    r = run(db, "informasjonssikkerhet fra:\"sør-øst\"", &o2);
    assert_true(hsok_results_count(r) > 0);
    for (size_t i = 0; i < hsok_results_count(r); i++)
        assert_string_equal(hsok_results_get(r, i)->rec.respondent, "Helse Sør-Øst RHF");
    hsok_results_free(r);

    r = run(db, "mål:3", &o2);
    assert_true(hsok_results_count(r) > 0);
    for (size_t i = 0; i < hsok_results_count(r); i++)
        assert_non_null(strstr(hsok_results_get(r, i)->rec.section, "Mål 3"));
    hsok_results_free(r);

    r = run(db, "informasjonssikkerhet respondent:nosuchorganisation", &o2);
    assert_int_equal(hsok_results_count(r), 0);
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

/* Several words: the passages with all of them come first (all_words = 1, each has both
 * words), then those with only some (all_words = 0, each has one); paging across the
 * boundary gives the same list as one long page; an explicit AND never goes on. */
static void test_all_words_first(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_search_opts_t o = { .limit = 10 };
    hsok_results_t *r = run(db, "brukervennlighet løsninger", &o);
    size_t n = hsok_results_count(r);
    assert_int_equal(n, 10);
    size_t nall = hsok_results_estimated_all(r);
    assert_true(nall >= 1 && nall < 10);
    assert_true(hsok_results_relaxed(r));
    assert_true(hsok_results_estimated(r) > nall);
    for (size_t i = 0; i < n; i++) {
        const hsok_hit_t *h = hsok_results_get(r, i);
        assert_int_equal(h->rank, i + 1);
        assert_int_equal(h->all_words, i < nall);
        int bruker = contains_ci(h->rec.text, "brukervennli");
        int losn = contains_ci(h->rec.text, "løsning");
        if (h->all_words)
            assert_true(bruker && losn);
        else
            assert_true(bruker != losn); /* only one of the two */
    }
    /* the passage with only the rare word ranks first among the partial ones */
    assert_true(contains_ci(hsok_results_get(r, nall)->rec.text, "brukervennlighet"));
    /* a page full of all-words hits still counts the some-words passages */
    hsok_search_opts_t one = { .limit = 1 };
    hsok_results_t *first = run(db, "brukervennlighet løsninger", &one);
    assert_int_equal(hsok_results_count(first), 1);
    assert_true(hsok_results_get(first, 0)->all_words);
    assert_false(hsok_results_relaxed(first));
    assert_int_equal(hsok_results_estimated_all(first), nall);
    assert_int_equal(hsok_results_estimated(first), hsok_results_estimated(r));
    hsok_results_free(first);

    /* pages of 3 give the same ids in the same order */
    for (unsigned off = 0; off < 9; off += 3) {
        hsok_search_opts_t p = { .limit = 3, .offset = off };
        hsok_results_t *page = run(db, "brukervennlighet løsninger", &p);
        assert_int_equal(hsok_results_count(page), 3);
        for (size_t i = 0; i < 3; i++) {
            const hsok_hit_t *a = hsok_results_get(page, i), *b = hsok_results_get(r, off + i);
            assert_string_equal(a->rec.id, b->rec.id);
            assert_int_equal(a->rank, b->rank);
            assert_int_equal(a->all_words, b->all_words);
        }
        hsok_results_free(page);
    }
    hsok_results_free(r);

    /* explicit AND: the passages with both words only */
    r = run(db, "brukervennlighet AND løsninger", &o);
    assert_int_equal(hsok_results_count(r), nall);
    assert_false(hsok_results_relaxed(r));
    for (size_t i = 0; i < hsok_results_count(r); i++)
        assert_true(hsok_results_get(r, i)->all_words);
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

static void test_relaxed_and_spelling(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_search_opts_t o = { .limit = 10 };
    hsok_results_t *r = run(db, "informasjonssikkerhet qqqzzzx", &o);
    assert_true(hsok_results_relaxed(r));
    assert_true(hsok_results_count(r) > 0);
    hsok_results_free(r);

    /* one s missing: found through its parts (informasjon + sikkerhet), and corrected */
    r = run(db, "informasjonsikkerhet", &o);
    assert_non_null(hsok_results_suggestion(r));
    assert_string_equal(hsok_results_suggestion(r), "informasjonssikkerhet");
    hsok_results_free(r);

    /* a typo that does not split: nothing found, and corrected */
    r = run(db, "persnvern", &o);
    assert_int_equal(hsok_results_count(r), 0);
    assert_non_null(hsok_results_suggestion(r));
    assert_string_equal(hsok_results_suggestion(r), "personvern");
    hsok_results_free(r);

    /* a word the index has in another form gets no suggestion */
    r = run(db, "kommunene", &o);
    assert_true(hsok_results_count(r) > 0);
    assert_null(hsok_results_suggestion(r));
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

/* Norsk helsenett repeats "Se forøvrig vår generelle kommentar om indikatorer …" under four
 * goals: one hit, which says it stands for the others. */
static void test_identical_passages_fold(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_search_opts_t o = { .limit = 50 };
    hsok_results_t *r = run(db, "generelle kommentar indikatorer", &o);
    size_t same = 0;
    unsigned dups = 0;
    for (size_t i = 0; i < hsok_results_count(r); i++) {
        const hsok_hit_t *h = hsok_results_get(r, i);
        if (!strcmp(h->rec.text, "Se for\xc3\xb8vrig v\xc3\xa5r generelle kommentar om "
                                 "indikatorer i tilbakemeldingens del 4.")) {
            same++;
            dups = h->duplicates;
        }
    }
    assert_int_equal(same, 1);
    assert_true(dups >= 3);
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

/* fuzz_query: a suspended compound ("kravstillings- og kontrolloppgaver" also reads as
 * "kravstillingsoppgaver", at the first word's offsets) was highlighted a second time, after
 * the words that follow it: spans must be in order and each word marked once. */
static void test_highlight_suspended_compound(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_results_t *r = run(db, "kravstilling* oppgaver", NULL);
    size_t checked = 0;
    for (size_t i = 0; i < hsok_results_count(r); i++) {
        const hsok_hit_t *h = hsok_results_get(r, i);
        if (!strstr(h->snippet, "kravstillings- og kontrolloppgaver"))
            continue;
        checked++;
        assert_true(h->nspans >= 2);
        for (size_t k = 1; k < h->nspans; k++)
            if (h->spans[k].start < h->spans[k - 1].end)
                fail_msg("hit %zu: span %zu [%zu, %zu) after [%zu, %zu) in \"%s\"", i, k,
                         h->spans[k].start, h->spans[k].end, h->spans[k - 1].start,
                         h->spans[k - 1].end, h->snippet);
    }
    assert_int_equal(checked, 1);
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

static void test_malformed_queries(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    const char *bad[] = { "\"digital kompetanse", "(personvern OR samtykke", "personvern)",
                          "OR personvern", "personvern OR", "NOT", "AND samtykke",
                          "foo:bar", "respondent:", "*", "" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        hsok_results_t *r = NULL;
        char *err = NULL;
        hsok_status_t st = hsok_search(db, bad[i], NULL, &r, &err);
        if (st != HSOK_ERR_QUERY)
            fprintf(stderr, "query '%s' gave %d\n", bad[i], st);
        assert_int_equal(st, HSOK_ERR_QUERY);
        assert_null(r);
        assert_non_null(err);
        assert_null(strchr(err, '\n'));
        assert_null(strstr(err, "Xapian"));
        free(err);
    }
    hsok_db_close(db, NULL);
}

/* "w0 OR w1 OR …" (or with sep " ": plain words) of n distinct words; malloc'd */
static char *many_words(size_t n, const char *sep)
{
    size_t cap = n * (strlen(sep) + 12) + 1, len = 0;
    char *q = malloc(cap);
    assert_non_null(q);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(q + len, cap - len, "%sord%zu", i ? sep : "", i);
    return q;
}

/* The parser takes a query of any size in linear time (columns are counted only for a
 * message, the sets of words are hashed) and drops none of its words; nesting is bounded
 * with a message, not a stack overflow; searching refuses more than HSOK_MAX_QUERY_WORDS
 * words at once. (No timing here; bench/ has the figures.) */
static void test_huge_queries(void **state)
{
    (void)state;
    static const struct { size_t n; const char *sep; const char *last; } big[] = {
        { 100000, " OR ", "ord99999" },
        { 200000, " ", "ord199999" },
    };
    for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
        char *q = many_words(big[i].n, big[i].sep);
        char *out = NULL, *err = NULL;
        assert_int_equal(hsok_query_describe(NULL, q, &out, &err), HSOK_OK);
        assert_null(err);
        /* every word is in the tree, the first and the last (no cut at 64) */
        assert_non_null(strstr(out, "Zord0 "));
        assert_non_null(strstr(out, big[i].last));
        free(out);

        hsok_db_t *db = open_read();
        hsok_results_t *r = NULL;
        assert_int_equal(hsok_search(db, q, NULL, &r, &err), HSOK_ERR_QUERY);
        assert_null(r);
        char want[64];
        snprintf(want, sizeof want, "has %zu words", big[i].n);
        assert_non_null(strstr(err, want));
        free(err);
        hsok_db_close(db, NULL);
        free(q);
    }
    /* a thousand words are still searched */
    char *q = many_words(HSOK_MAX_QUERY_WORDS, " OR ");
    size_t ql = strlen(q);
    q = realloc(q, ql + 32);
    assert_non_null(q);
    memcpy(q + ql - strlen("ord999"), "personvern", strlen("personvern") + 1);
    hsok_db_t *db = open_read();
    hsok_results_t *r = NULL;
    char *err = NULL;
    assert_int_equal(hsok_search(db, q, NULL, &r, &err), HSOK_OK);
    assert_true(hsok_results_count(r) > 0);
    hsok_results_free(r);
    hsok_db_close(db, NULL);
    free(q);

    /* 100,000 parentheses: a message naming the limit; 100,000 NOTs: one negation */
    static const struct { const char *unit; hsok_status_t want; } deep[] = {
        { "(", HSOK_ERR_QUERY }, { "NOT ", HSOK_OK }, { "-(", HSOK_ERR_QUERY },
    };
    for (size_t i = 0; i < sizeof deep / sizeof *deep; i++) {
        size_t ul = strlen(deep[i].unit), n = 100000;
        char *d = malloc(n * ul + 8);
        assert_non_null(d);
        for (size_t k = 0; k < n; k++)
            memcpy(d + k * ul, deep[i].unit, ul);
        strcpy(d + n * ul, "helse");
        char *out = NULL;
        err = NULL;
        assert_int_equal(hsok_query_describe(NULL, d, &out, &err), deep[i].want);
        if (deep[i].want == HSOK_OK)
            assert_non_null(strstr(out, "Zhels"));
        else
            assert_non_null(strstr(err, "more than 50 parentheses"));
        free(out);
        free(err);
        free(d);
    }
}

/* A query or a filter that is not UTF-8 is a malformed query naming the byte, not "out of
 * memory". */
static void test_query_not_utf8(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    static const char *const bad[] = { "person\xffvern", "respondent:Berg\xe5n", "helse*\xc3",
                                       "\"digital \xe2\x80 kompetanse\"" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        hsok_results_t *r = NULL;
        char *err = NULL;
        assert_int_equal(hsok_search(db, bad[i], NULL, &r, &err), HSOK_ERR_QUERY);
        assert_null(r);
        char want[64];
        size_t at = strcspn(bad[i], "\x80\x81\xa0\xc3\xe2\xe5\xff");
        snprintf(want, sizeof want, "not valid UTF-8 (byte %zu)", at);
        if (!strstr(err, want))
            fail_msg("query %zu: \"%s\", want \"%s\"", i, err, want);
        free(err);
    }
    const char *resp[] = { "Bergen \xff" };
    hsok_search_opts_t o = { 0 };
    o.respondents = resp;
    o.nrespondents = 1;
    hsok_results_t *r = NULL;
    char *err = NULL;
    assert_int_equal(hsok_search(db, "personvern", &o, &r, &err), HSOK_ERR_QUERY);
    assert_non_null(strstr(err, "respondent filter is not valid UTF-8 (byte 7)"));
    free(err);
    hsok_db_close(db, NULL);
}

static void test_wildcard(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_search_opts_t o = { .limit = 100 };
    hsok_results_t *r = run(db, "helsepersonell*", &o);
    assert_true(hsok_results_count(r) > 0);
    for (size_t i = 0; i < hsok_results_count(r); i++) {
        const hsok_hit_t *h = hsok_results_get(r, i);
        assert_true(contains_ci(h->rec.text, "helsepersonell"));
    }
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

static void test_show_context(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_results_t *r = run(db, "helsenettet", NULL);
    assert_true(hsok_results_count(r) > 0);
    const hsok_hit_t *h = hsok_results_get(r, 0);
    hsok_records_t *recs = NULL;
    size_t target = 99;
    assert_int_equal(hsok_db_passage_context(db, h->rec.id, 1, 1, &recs, &target, NULL), HSOK_OK);
    assert_true(hsok_records_count(recs) >= 2 && hsok_records_count(recs) <= 3);
    const hsok_record_t *t = hsok_records_get(recs, target);
    assert_string_equal(t->id, h->rec.id);
    assert_string_equal(t->text, h->rec.text);
    for (size_t i = 1; i < hsok_records_count(recs); i++)
        assert_int_equal(hsok_records_get(recs, i)->ordinal,
                         hsok_records_get(recs, i - 1)->ordinal + 1);
    hsok_records_free(recs);
    hsok_results_free(r);

    char *err = NULL;
    assert_int_equal(hsok_db_passage_context(db, "nosuch.1", 1, 1, &recs, &target, &err),
                     HSOK_ERR_NOT_FOUND);
    assert_non_null(strstr(err, "nosuch.1"));
    free(err);
    hsok_db_close(db, NULL);
}

/* Re-indexing an unchanged file skips it; forcing it replaces its passages (ids stable). */
static void test_reindex_and_prune(void **state)
{
    (void)state;
    char db2[400], copy[400];
    snprintf(db2, sizeof db2, "%s/db2", tmpdir);
    snprintf(copy, sizeof copy, "%s/copy.txt", tmpdir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", seed000, copy);
    assert_int_equal(system(cmd), 0);

    hsok_db_t *db = NULL;
    assert_int_equal(hsok_db_open(db2, HSOK_DB_WRITE, &db, NULL), HSOK_OK);
    hsok_index_result_t res;
    assert_int_equal(hsok_db_index_file(db, copy, NULL, &res, NULL), HSOK_OK);
    assert_false(res.unchanged);
    size_t passages = res.passages;
    assert_true(passages > 5);
    assert_int_equal(hsok_db_index_file(db, seed004, NULL, &res, NULL), HSOK_OK);
    assert_int_equal(hsok_db_index_file(db, copy, NULL, &res, NULL), HSOK_OK);
    assert_true(res.unchanged);
    hsok_index_opts_t force = { .force = 1 };
    assert_int_equal(hsok_db_index_file(db, copy, &force, &res, NULL), HSOK_OK);
    assert_false(res.unchanged);
    assert_int_equal(res.passages, passages);
    hsok_stats_t *st = NULL;
    assert_int_equal(hsok_db_stats(db, &st, NULL), HSOK_OK);
    size_t total = st->passages;
    assert_int_equal(st->files, 2);
    hsok_stats_free(st);

    /* an override respondent is part of the signature: re-indexes */
    hsok_index_opts_t over = { .respondent = "Testkommune" };
    assert_int_equal(hsok_db_index_file(db, copy, &over, &res, NULL), HSOK_OK);
    assert_false(res.unchanged);

    /* a bad file changes nothing */
    char bad[400];
    snprintf(bad, sizeof bad, "%s/binary.txt", tmpdir);
    FILE *f = fopen(bad, "wb");
    assert_non_null(f);
    fwrite("abc\0def\xff", 1, 8, f);
    fclose(f);
    char *err = NULL;
    assert_int_not_equal(hsok_db_index_file(db, bad, NULL, &res, &err), HSOK_OK);
    assert_non_null(strstr(err, "binary.txt"));
    free(err);
    err = NULL;
    assert_int_not_equal(hsok_db_index_file(db, "/nonexistent/x.txt", NULL, &res, &err),
                         HSOK_OK);
    assert_non_null(strstr(err, "/nonexistent/x.txt"));
    free(err);
    assert_int_equal(hsok_db_stats(db, &st, NULL), HSOK_OK);
    assert_int_equal(st->passages, total);
    hsok_stats_free(st);

    unlink(copy);
    size_t removed = 0;
    assert_int_equal(hsok_db_prune(db, NULL, NULL, &removed, NULL), HSOK_OK);
    assert_int_equal(removed, 1);
    assert_int_equal(hsok_db_stats(db, &st, NULL), HSOK_OK);
    assert_int_equal(st->files, 1);
    assert_int_equal(st->passages, total - passages);
    hsok_stats_free(st);
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);
}

/* The spelling table holds the words the indexed files hold at least twice, counted over the
 * whole index as files are added, changed and removed: "Mente du" offers a word seen in two
 * files, not one seen once, and not one whose second file went. */
static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void suggestion_is(const char *dbp, const char *q, const char *want)
{
    hsok_db_t *db = NULL;
    assert_int_equal(hsok_db_open(dbp, HSOK_DB_READ, &db, NULL), HSOK_OK);
    hsok_search_opts_t o = { .limit = 10 };
    hsok_results_t *r = run(db, q, &o);
    const char *got = hsok_results_suggestion(r);
    if (want && (!got || strcmp(got, want)))
        fail_msg("'%s': suggestion '%s', want '%s'", q, got ? got : "(none)", want);
    if (!want && got)
        fail_msg("'%s': suggestion '%s', want none", q, got);
    hsok_results_free(r);
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);
}

static void index_ok(const char *dbp, const char *path)
{
    hsok_db_t *db = NULL;
    assert_int_equal(hsok_db_open(dbp, HSOK_DB_WRITE, &db, NULL), HSOK_OK);
    hsok_index_result_t res;
    char *err = NULL;
    if (hsok_db_index_file(db, path, NULL, &res, &err) != HSOK_OK)
        fail_msg("index '%s': %s", path, err ? err : "?");
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);
}

static void test_spelling_follows_files(void **state)
{
    (void)state;
    char dbp[400], a[400], b[400], c[400];
    snprintf(dbp, sizeof dbp, "%s/dbspell", tmpdir);
    snprintf(a, sizeof a, "%s/spell-a.txt", tmpdir);
    snprintf(b, sizeof b, "%s/spell-b.txt", tmpdir);
    snprintf(c, sizeof c, "%s/spell-c.txt", tmpdir);
    write_text(a, "Kommunen mener at skrivebordsmodellen bør vurderes på nytt.\n");
    write_text(b, "Vi støtter forslaget om felles journal for helsetjenesten.\n");
    index_ok(dbp, a);
    index_ok(dbp, b);
    const char *typo = "skrivebordsmodelen", *word = "skrivebordsmodellen";
    suggestion_is(dbp, typo, NULL); /* seen once */
    write_text(c, "Også fylket ser at skrivebordsmodellen har svakheter.\n");
    index_ok(dbp, c);
    suggestion_is(dbp, typo, word); /* once in each of two files */
    unlink(c);
    hsok_db_t *db = NULL;
    size_t removed = 0;
    assert_int_equal(hsok_db_open(dbp, HSOK_DB_WRITE, &db, NULL), HSOK_OK);
    assert_int_equal(hsok_db_prune(db, NULL, NULL, &removed, NULL), HSOK_OK);
    assert_int_equal(removed, 1);
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);
    suggestion_is(dbp, typo, NULL); /* its second file went */
    /* a changed file: twice in it, then not at all */
    write_text(a, "Kommunen mener at skrivebordsmodellen bør vurderes. Skrivebordsmodellen er "
                  "uprøvd.\n");
    index_ok(dbp, a);
    suggestion_is(dbp, typo, word);
    write_text(a, "Kommunen mener at modellen bør vurderes på nytt.\n");
    index_ok(dbp, a);
    suggestion_is(dbp, typo, NULL);
    suggestion_is(dbp, "helsetjenestn", NULL); /* seen once */
}

static void test_missing_index(void **state)
{
    (void)state;
    hsok_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(hsok_db_open("/nonexistent/hsok-index", HSOK_DB_READ, &db, &err),
                     HSOK_ERR_NOT_FOUND);
    assert_null(db);
    assert_non_null(strstr(err, "/nonexistent/hsok-index"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_three_respondents),
        cmocka_unit_test(test_informasjonssikkerhet),
        cmocka_unit_test(test_inflection),
        cmocka_unit_test(test_lemma_exact_and_highlighted),
        cmocka_unit_test(test_phrase_and_exclusion),
        cmocka_unit_test(test_boolean_operators),
        cmocka_unit_test(test_respondent_filter),
        cmocka_unit_test(test_unknown_filter_message_one_line),
        cmocka_unit_test(test_all_words_first),
        cmocka_unit_test(test_relaxed_and_spelling),
        cmocka_unit_test(test_malformed_queries),
        cmocka_unit_test(test_huge_queries),
        cmocka_unit_test(test_query_not_utf8),
        cmocka_unit_test(test_wildcard),
        cmocka_unit_test(test_show_context),
        cmocka_unit_test(test_reindex_and_prune),
        cmocka_unit_test(test_spelling_follows_files),
        cmocka_unit_test(test_missing_index),
        cmocka_unit_test(test_close_for_exit),
        cmocka_unit_test(test_identical_passages_fold),
        cmocka_unit_test(test_highlight_suspended_compound),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
