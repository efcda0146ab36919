/* test_norwegian.c — compounds, suspended compounds, encodings and nynorsk, end to end.
 *
 * Uses Debian's wnorwegian word lists (installed by scripts/setup) for compound splitting,
 * and small documents written here, indexed into a temporary database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsok/compound.h"
#include "lemma.h"
#include "hsok/db.h"
#include "hsok/ingest.h"
#include "hsok/query.h"
#include "hsok/text.h"

static hsok_lexicon_t *lex;
static char tmpdir[256];
static char dbpath[300];

/* ---- helpers ---- */

static void write_bytes(const char *name, const char *bytes, size_t n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *name, const char *text)
{
    write_bytes(name, text, strlen(text));
}

static hsok_status_t index_one(const char *name, char **err)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    hsok_db_t *db = NULL;
    hsok_status_t st = hsok_db_open(dbpath, HSOK_DB_WRITE, &db, err);
    assert_int_equal(st, HSOK_OK);
    hsok_index_result_t res;
    st = hsok_db_index_file(db, path, NULL, &res, err);
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);
    return st;
}

static hsok_results_t *search(const char *q)
{
    hsok_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(hsok_db_open(dbpath, HSOK_DB_READ, &db, &err), HSOK_OK);
    hsok_results_t *r = NULL;
    hsok_search_opts_t o = { 0 };
    o.limit = 50;
    hsok_status_t st = hsok_search(db, q, &o, &r, &err);
    if (st != HSOK_OK)
        fprintf(stderr, "query '%s': %s\n", q, err);
    assert_int_equal(st, HSOK_OK);
    hsok_db_close(db, NULL);
    return r;
}

/* index of the first hit whose text contains s, or -1 */
static int hit_with(const hsok_results_t *r, const char *s)
{
    for (size_t i = 0; i < hsok_results_count(r); i++)
        if (strstr(hsok_results_get(r, i)->rec.text, s))
            return (int)i;
    return -1;
}

/* is the word w highlighted in hit i's snippet? */
static int highlighted(const hsok_hit_t *h, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i < h->nspans; i++)
        if (h->spans[i].end - h->spans[i].start == n &&
            !memcmp(h->snippet + h->spans[i].start, w, n))
            return 1;
    return 0;
}

static int setup_all(void **state)
{
    (void)state;
    char *err = NULL;
    const char *const *paths = hsok_lexicon_default_paths();
    if (hsok_lexicon_load(paths, 2, &lex, &err) != HSOK_OK) {
        fprintf(stderr, "lexicon: %s (scripts/setup installs wnorwegian)\n", err);
        free(err);
        return -1;
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hsok-test-no-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/db", tmpdir);
    unsetenv("HSOK_LEXICON");
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    hsok_lexicon_free(lex);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- compound splitting ---- */

static int splits_into(const char *word, const char *a, const char *b)
{
    size_t s[8], e[8];
    size_t n = hsok_compound_split(lex, word, strlen(word), s, e, 8);
    int fa = 0, fb = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = e[i] - s[i];
        if (l == strlen(a) && !memcmp(word + s[i], a, l))
            fa = 1;
        if (l == strlen(b) && !memcmp(word + s[i], b, l))
            fb = 1;
    }
    return fa && fb;
}

static size_t nparts(const char *word)
{
    size_t s[8], e[8];
    return hsok_compound_split(lex, word, strlen(word), s, e, 8);
}

static void test_true_splits(void **state)
{
    (void)state;
    /* modifier, linking -s-/-e- dropped, head (inflected heads too) */
    assert_true(splits_into("informasjonssikkerhet", "informasjon", "sikkerhet"));
    assert_true(splits_into("informasjonssikkerheten", "informasjon", "sikkerheten"));
    assert_true(splits_into("tilgangsstyring", "tilgang", "styring"));
    assert_true(splits_into("kompetanseheving", "kompetanse", "heving"));
    assert_true(splits_into("arbeidshverdag", "arbeid", "hverdag"));
    assert_true(splits_into("samhandlingsløsninger", "samhandling", "løsninger"));
    assert_true(splits_into("helseopplysninger", "helse", "opplysninger"));
    assert_true(splits_into("pasientsikkerhet", "pasient", "sikkerhet"));
    assert_true(splits_into("velferdsteknologi", "velferd", "teknologi"));
    assert_true(splits_into("helsedata", "helse", "data"));
    assert_true(splits_into("personvern", "person", "vern"));
    assert_true(splits_into("datakvalitet", "data", "kvalitet"));
    assert_true(splits_into("omsorgstjenesten", "omsorg", "tjenesten"));
    /* three parts: the head or modifier splits again */
    assert_true(nparts("kommunehelsetjenesten") >= 3);
    /* three parts whose two-part modifier the word list lacks ("kjernejournal") */
    assert_true(splits_into("kjernejournalforskriften", "journal", "forskriften"));
    assert_true(splits_into("kjernejournalforskriften", "kjerne", "journal"));
    /* the same with a lexicon of the single words only: the modifier is two of them, and
     * so is a head ("journalforskriften"); one lexicon word plus one that is no word and
     * no two words does not split */
    hsok_lexicon_t *l = NULL;
    assert_int_equal(hsok_lexicon_from_string("kjerne\njournal\nforskriften\npasient\n", &l, NULL),
                     HSOK_OK);
    size_t s[8], e[8];
    const char *w = "kjernejournalforskriften";
    size_t n = hsok_compound_split(l, w, strlen(w), s, e, 8);
    int kjerne = 0, journal = 0, forskriften = 0;
    for (size_t i = 0; i < n; i++) {
        kjerne |= s[i] == 0 && e[i] == 6;
        journal |= s[i] == 6 && e[i] == 13;
        forskriften |= s[i] == 13 && e[i] == strlen(w);
    }
    assert_true(kjerne && journal && forskriften);
    w = "pasientkjernejournal";
    assert_true(hsok_compound_split(l, w, strlen(w), s, e, 8) >= 3);
    w = "kjernexyzqwforskriften";
    assert_int_equal(hsok_compound_split(l, w, strlen(w), s, e, 8), 0);
    hsok_lexicon_free(l);
}

static void test_false_splits(void **state)
{
    (void)state;
    /* prefixes, derivations and lexicon fragments are not compounds */
    const char *whole[] = { "forsikring", "samarbeid", "oppfølging", "innbygger",
                            "tilgjengelighet", "betydning", "utvikling", "forbedring",
                            "behandling", "virksomheter", "kommunene", "anerkjenne",
                            "forutsetning", "sikkerhet", "overordnet", "underveis",
                            "gjennomgang", "utfordringer", "teknologi", "kompetanse",
                            "tjenesten",
                            /* a word the list has but cannot split into two of its words
                             * is not taken as a three-part compound (superlative -test) */
                            "tulipanformetest", NULL };
    for (size_t i = 0; whole[i]; i++) {
        if (nparts(whole[i]) != 0)
            fail_msg("'%s' should not split", whole[i]);
    }
    /* short words never split */
    assert_int_equal(nparts("helse"), 0);
    assert_int_equal(nparts(""), 0);
}

/* The split cache is emptied when full (64 Ki words) and fills again: a word splits the same
 * before and after many others came through it */
static void test_split_cache_refills(void **state)
{
    (void)state;
    hsok_lexicon_t *l = NULL;
    assert_int_equal(hsok_lexicon_from_string("kommune\nhelse\ntjeneste\ntjenesten\n", &l,
                                              NULL), HSOK_OK);
    const char *w = "kommunehelsetjenesten";
    size_t s0[8], e0[8], s1[8], e1[8];
    size_t n0 = hsok_compound_split(l, w, strlen(w), s0, e0, 8);
    assert_true(n0 >= 2);
    char other[32];
    for (unsigned i = 0; i < 3 * 65536 + 7; i++) {
        snprintf(other, sizeof other, "kommune%06uhelse", i);
        hsok_compound_split(l, other, strlen(other), s1, e1, 8);
        if (i % 50000 == 0) { /* the same parts, from the cache or split again */
            assert_int_equal(hsok_compound_split(l, w, strlen(w), s1, e1, 8), n0);
            assert_memory_equal(s1, s0, n0 * sizeof *s0);
            assert_memory_equal(e1, e0, n0 * sizeof *e0);
        }
    }
    assert_int_equal(hsok_compound_split(l, w, strlen(w), s1, e1, 8), n0);
    assert_memory_equal(s1, s0, n0 * sizeof *s0);
    assert_memory_equal(e1, e0, n0 * sizeof *e0);
    hsok_lexicon_free(l);
}

/* lemma_clear empties the word cache (indexing does so when it is large, dblemma.c): a word
 * looked up again gets the same lemmas and variants, and is listed again */
static void test_lemma_cache_clear(void **state)
{
    (void)state;
    lemma_t *lm = lemma_new();
    assert_non_null(lm);
    const char *tab = "tenest\ttjeneste\n";
    assert_int_equal(lemma_set_table(lm, tab, strlen(tab)), 0);
    const char *l, *v, *w;
    size_t ll, vl, wl;
    assert_int_equal(lemma_get(lm, "tenesta", 7, &l, &ll, &v, &vl), 0);
    assert_true(lemma_list_has(l, ll, "tenest", 6));
    assert_true(lemma_list_has(v, vl, "tjeneste", 8));
    char *l0 = malloc(ll + 1), *v0 = malloc(vl + 1);
    assert_non_null(l0);
    assert_non_null(v0);
    memcpy(l0, l, ll);
    memcpy(v0, v, vl);
    size_t ll0 = ll, vl0 = vl;
    assert_int_equal(lemma_get(lm, "lederen", 7, &l, &ll, &v, &vl), 0);
    assert_int_equal(lemma_count(lm), 2);
    lemma_clear(lm);
    assert_int_equal(lemma_count(lm), 0);
    assert_int_equal(lemma_get(lm, "tenesta", 7, &l, &ll, &v, &vl), 0);
    assert_int_equal(ll, ll0);
    assert_memory_equal(l, l0, ll);
    assert_int_equal(vl, vl0);
    assert_memory_equal(v, v0, vl);
    assert_int_equal(lemma_count(lm), 1);
    lemma_entry(lm, 0, &w, &wl, &l, &ll);
    assert_int_equal(wl, 7);
    assert_memory_equal(w, "tenesta", 7);
    assert_int_equal(ll, ll0);
    /* the word that was cleared is not there; looked up, it is the second */
    assert_int_equal(lemma_get(lm, "lederen", 7, &l, &ll, &v, &vl), 0);
    assert_true(lemma_list_has(l, ll, "leder", 5));
    assert_int_equal(lemma_count(lm), 2);
    free(l0);
    free(v0);
    lemma_free(lm);
}

static void test_lexicon_from_string(void **state)
{
    (void)state;
    hsok_lexicon_t *l = NULL;
    assert_int_equal(hsok_lexicon_from_string("# comment\nBåt\nhus\nnaust\nbåthus\n", &l, NULL),
                     HSOK_OK);
    assert_true(hsok_lexicon_has(l, "båt", strlen("båt")));   /* case folded */
    assert_true(hsok_lexicon_has(l, "naust", 5));
    assert_false(hsok_lexicon_has(l, "# comment", 9));
    assert_false(hsok_lexicon_has(l, "bil", 3));
    hsok_lexicon_free(l);
    /* no file at all */
    const char *none[] = { "/nonexistent/hsok-lexicon" };
    char *err = NULL;
    assert_int_equal(hsok_lexicon_load(none, 1, &l, &err), HSOK_ERR_NOT_FOUND);
    assert_non_null(err);
    assert_null(l);
    free(err);
    err = NULL;

    /* several lists (read before any is added): the words of each, a missing one skipped;
     * ISO-8859-1 and UTF-8 lists side by side */
    char dir[] = "/tmp/hsok-test-lexicon-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char a[64], b[64], big[64];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(big, sizeof big, "%s/big", dir);
    FILE *f = fopen(a, "w");
    assert_non_null(f);
    fputs("hus\nB\xe5t\n", f); /* "Båt" in ISO-8859-1 */
    fclose(f);
    f = fopen(b, "w");
    assert_non_null(f);
    fputs("naust\nhus\nsj\xc3\xb8\n", f); /* "sjø" in UTF-8 */
    fclose(f);
    f = fopen(big, "w");
    assert_non_null(f);
    for (int i = 0; i < 70000; i++) /* more than the first table holds */
        fprintf(f, "ord%c%c%c%c\n", 'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676 % 26,
                'a' + i / 17576 % 26);
    fclose(f);
    const char *lists[] = { a, "/nonexistent/hsok-lexicon", b, big };
    assert_int_equal(hsok_lexicon_load(lists, 4, &l, &err), HSOK_OK);
    assert_null(err);
    const char *words[] = { "hus", "båt", "naust", "sjø", "ordaaaa", "ordhozd", NULL };
    for (size_t i = 0; words[i]; i++)
        if (!hsok_lexicon_has(l, words[i], strlen(words[i])))
            fail_msg("'%s' should be in the lexicon", words[i]);
    assert_false(hsok_lexicon_has(l, "bil", 3));
    hsok_lexicon_free(l);
    /* a list that cannot be read stops the load, whatever was read before it */
    const char *bad[] = { a, "/dev/null", b };
    assert_int_equal(hsok_lexicon_load(bad, 3, &l, &err), HSOK_ERR_NOT_REGULAR);
    assert_null(l);
    assert_non_null(err);
    assert_non_null(strstr(err, "lexicon '/dev/null'"));
    free(err);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- compounds in search ---- */

/* A search for a compound's part finds a passage holding the compound. */
static void assert_part_finds(const char *part, const char *compound)
{
    hsok_results_t *r = search(part);
    if (hit_with(r, compound) < 0)
        fail_msg("'%s' does not find '%s'", part, compound);
    hsok_results_free(r);
}

static void test_compound_search(void **state)
{
    (void)state;
    write_text("compound.txt",
               "Eksempel kommune mener at tilgangsstyring må bli bedre.\n\n"
               "Vi ser behov for kompetanseheving blant de ansatte.\n\n"
               "En enklere arbeidshverdag er målet for helsepersonell.\n\n"
               "Informasjonssikkerheten i kommunen må styrkes.\n\n"
               "Sikkerhet er viktig for alle tjenester, og sikkerheten må vurderes.\n\n"
               "Eksempel kommune har tegnet forsikring for bygningene.\n\n"
               "Arbeidet med sikkerhet og beredskap må prioriteres.\n\n"
               "Vi støtter endringen i kjernejournalforskriften.\n");
    char *err = NULL;
    assert_int_equal(index_one("compound.txt", &err), HSOK_OK);

    assert_part_finds("tilgang", "tilgangsstyring");
    assert_part_finds("kompetanse", "kompetanseheving");
    assert_part_finds("hverdag", "arbeidshverdag");

    /* an exact or inflected match ranks above a compound part; the compound is found and
     * highlighted as a whole word */
    hsok_results_t *r = search("sikkerhet");
    int exact = hit_with(r, "Sikkerhet er viktig");
    int part = hit_with(r, "Informasjonssikkerheten");
    assert_true(exact >= 0);
    assert_true(part >= 0);
    assert_true(exact < part);
    assert_true(highlighted(hsok_results_get(r, (size_t)part), "Informasjonssikkerheten"));
    hsok_results_free(r);

    /* a compound the index does not have is split with the index's vocabulary, and both
     * parts are required */
    r = search("sikkerhetsarbeid");
    assert_true(hit_with(r, "Arbeidet med sikkerhet") >= 0);
    assert_int_equal(hit_with(r, "Sikkerhet er viktig"), -1);
    hsok_results_free(r);

    /* the middle part of a three-part compound finds it */
    r = search("journal");
    int k = hit_with(r, "kjernejournalforskriften");
    assert_true(k >= 0);
    assert_true(highlighted(hsok_results_get(r, (size_t)k), "kjernejournalforskriften"));
    hsok_results_free(r);

    /* no false split: "sikring" does not find "forsikring" */
    r = search("sikring");
    assert_int_equal(hit_with(r, "forsikring"), -1);
    hsok_results_free(r);
}

/* hsok_db_drop_lexicon between two files: the second is split as the first was (the lexicon
 * is loaded again), and nothing points at the freed one (ASan) */
static void test_drop_lexicon(void **state)
{
    (void)state;
    write_text("drop-a.txt", "Eksempel kommune mener at tilgangsstyring må bli bedre.\n");
    write_text("drop-b.txt", "Vi ser behov for kompetanseheving blant de ansatte.\n");
    char path[600], *err = NULL;
    hsok_db_t *db = NULL;
    hsok_index_result_t res;
    assert_int_equal(hsok_db_open(dbpath, HSOK_DB_WRITE, &db, &err), HSOK_OK);
    snprintf(path, sizeof path, "%s/drop-a.txt", tmpdir);
    assert_int_equal(hsok_db_index_file(db, path, NULL, &res, &err), HSOK_OK);
    hsok_db_drop_lexicon(db);
    hsok_db_drop_lexicon(db); /* none left: a no-op */
    snprintf(path, sizeof path, "%s/drop-b.txt", tmpdir);
    assert_int_equal(hsok_db_index_file(db, path, NULL, &res, &err), HSOK_OK);
    hsok_db_drop_lexicon(db);
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);
    hsok_db_drop_lexicon(NULL);

    assert_part_finds("tilgang", "tilgangsstyring");
    assert_part_finds("kompetanse", "kompetanseheving");
}

/* a compound query: exact and inflected matches first, then its parts apart, then other
 * compounds with its head, marked as related and counted apart */
static void test_compound_related(void **state)
{
    (void)state;
    write_text("related.txt",
               "Informasjonssikkerhet er et krav for hele etaten.\n\n"
               "Vi deler informasjon om sikkerhet med alle ansatte.\n\n"
               "IKT-sikkerheten i skolene er god.\n\n"
               "Datasikkerhet koster penger.\n\n"
               "Vi viser til helseregisterloven og pasientjournalloven.\n\n"
               "Informasjon er ikke det samme som kunnskap.\n");
    char *err = NULL;
    assert_int_equal(index_one("related.txt", &err), HSOK_OK);

    hsok_results_t *r = search("informasjonssikkerhet");
    int exact = hit_with(r, "Informasjonssikkerhet er et krav");
    int parts = hit_with(r, "informasjon om sikkerhet");
    int ikt = hit_with(r, "IKT-sikkerheten");
    int data = hit_with(r, "Datasikkerhet koster");
    assert_true(exact >= 0 && parts >= 0 && ikt >= 0 && data >= 0);
    assert_int_equal(hsok_results_get(r, (size_t)exact)->match, HSOK_MATCH_EXACT);
    assert_int_equal(hsok_results_get(r, (size_t)parts)->match, HSOK_MATCH_RELATED);
    assert_int_equal(hsok_results_get(r, (size_t)ikt)->match, HSOK_MATCH_RELATED);
    assert_int_equal(hsok_results_get(r, (size_t)data)->match, HSOK_MATCH_RELATED);
    /* both parts rank above the head alone */
    assert_true(parts < ikt && parts < data);
    /* the modifier alone is not related */
    assert_int_equal(hit_with(r, "Informasjon er ikke det samme"), -1);
    /* every exact match comes before every related one, and the count says how many are
     * related */
    size_t nrel = 0;
    for (size_t i = 0; i < hsok_results_count(r); i++) {
        const hsok_hit_t *h = hsok_results_get(r, i);
        if (h->match == HSOK_MATCH_RELATED)
            nrel++;
        else
            assert_int_equal(nrel, 0);
        assert_true(h->all_words);
    }
    assert_true(nrel >= 3);
    assert_int_equal(hsok_results_estimated_related(r), nrel);
    assert_true(hsok_results_estimated(r) > nrel);
    hsok_results_free(r);

    /* a word that is not a compound has no related matches */
    r = search("sikkerhet");
    assert_true(hsok_results_count(r) >= 4);
    assert_int_equal(hsok_results_estimated_related(r), 0);
    for (size_t i = 0; i < hsok_results_count(r); i++)
        assert_int_equal(hsok_results_get(r, i)->match, HSOK_MATCH_EXACT);
    hsok_results_free(r);

    /* the leading and the middle part of a three-part compound find it, as exact matches */
    r = search("helseregister");
    int h = hit_with(r, "helseregisterloven");
    assert_true(h >= 0);
    assert_int_equal(hsok_results_get(r, (size_t)h)->match, HSOK_MATCH_EXACT);
    hsok_results_free(r);
    r = search("register");
    assert_true(hit_with(r, "helseregisterloven") >= 0);
    hsok_results_free(r);
    r = search("journal");
    assert_true(hit_with(r, "pasientjournalloven") >= 0);
    hsok_results_free(r);

    /* a compound the index does not have: its parts apart and its head are related */
    r = search("informasjonsarbeid");
    for (size_t i = 0; i < hsok_results_count(r); i++)
        assert_int_equal(hsok_results_get(r, i)->match, HSOK_MATCH_RELATED);
    hsok_results_free(r);
}

static void test_suspended_compounds(void **state)
{
    (void)state;
    write_text("suspended.txt",
               "Eksempel kommune mener at helse- og omsorgstjenesten trenger mer ressurser.\n\n"
               "Satsing på informasjons- og kommunikasjonsteknologi er nødvendig.\n\n"
               "Arbeidet med e-helse går for sakte.\n");
    char *err = NULL;
    assert_int_equal(index_one("suspended.txt", &err), HSOK_OK);
    hsok_results_t *r = search("helsetjenester");
    assert_true(hit_with(r, "helse- og omsorgstjenesten") >= 0);
    hsok_results_free(r);
    r = search("informasjonsteknologi");
    assert_true(hit_with(r, "informasjons- og kommunikasjonsteknologi") >= 0);
    hsok_results_free(r);
    /* a real hyphen stays: "e-helse" is found as itself */
    r = search("\"e-helse\"");
    assert_true(hit_with(r, "e-helse går") >= 0);
    hsok_results_free(r);
}

/* ---- encodings ---- */

static void test_encodings(void **state)
{
    (void)state;
    /* Windows-1252 / ISO-8859-1: "Kommunen ønsker bedre tilgang på helseopplysninger, særlig
     * for små aktører." with CRLF line ends */
    const char cp1252[] = "Eksempel kommune \xf8nsker bedre tilgang p\xe5 helseopplysninger, "
                          "s\xe6rlig for sm\xe5 akt\xf8rer \x96 ogs\xe5 i \xc5lesund.\r\n";
    write_bytes("latin1.txt", cp1252, sizeof cp1252 - 1);
    char *err = NULL;
    assert_int_equal(index_one("latin1.txt", &err), HSOK_OK);
    hsok_results_t *r = search("aktører");
    int i = hit_with(r, "særlig for små aktører – også i Ålesund.");
    assert_true(i >= 0);
    /* CR removed */
    assert_null(strchr(hsok_results_get(r, (size_t)i)->rec.text, '\r'));
    hsok_results_free(r);

    /* UTF-8 with BOM and CRLF */
    const char bom[] = "\xef\xbb\xbf"
                       "Eksempel kommune st\xc3\xb8tter forslaget om \xc3\xa5pne data.\r\n";
    write_bytes("bom.txt", bom, sizeof bom - 1);
    assert_int_equal(index_one("bom.txt", &err), HSOK_OK);
    r = search("forslaget");
    i = hit_with(r, "støtter forslaget om åpne data.");
    assert_true(i >= 0);
    assert_ptr_equal(strstr(hsok_results_get(r, (size_t)i)->rec.text, "Eksempel"),
                     hsok_results_get(r, (size_t)i)->rec.text); /* no BOM left */
    hsok_results_free(r);

    /* binary: refused with a message naming the file; the index is intact */
    const char bin[] = "Eksempel\0\x01\x02\xff\xfe binary";
    write_bytes("binary.txt", bin, sizeof bin - 1);
    err = NULL;
    hsok_status_t st = index_one("binary.txt", &err);
    assert_int_equal(st, HSOK_ERR_ENCODING);
    assert_non_null(err);
    assert_non_null(strstr(err, "binary.txt"));
    assert_null(strchr(err, '\n'));
    free(err);
    r = search("forslaget");
    assert_true(hit_with(r, "åpne data") >= 0);
    hsok_results_free(r);
}

static void test_decode_direct(void **state)
{
    (void)state;
    hsok_source_t src = { 0 };
    char *err = NULL;
    /* æøå ÆØÅ in Latin-1 → UTF-8 exactly */
    const char l1[] = "\xe6\xf8\xe5 \xc6\xd8\xc5";
    assert_int_equal(hsok_source_decode("l1", l1, sizeof l1 - 1, &src, &err), HSOK_OK);
    assert_string_equal(src.text, "æøå ÆØÅ");
    assert_int_equal(src.encoding, HSOK_ENC_CP1252);
    hsok_source_clear(&src);
    /* valid UTF-8 stays as is, CRLF and lone CR become LF */
    const char u[] = "æ\r\nø\rå";
    assert_int_equal(hsok_source_decode("u", u, sizeof u - 1, &src, &err), HSOK_OK);
    assert_string_equal(src.text, "æ\nø\nå");
    assert_int_equal(src.encoding, HSOK_ENC_UTF8);
    hsok_source_clear(&src);
    /* bytes undefined in Windows-1252 (0x81) and not UTF-8: refused, naming file and offset */
    const char bad[] = "abc \x81\x8d";
    assert_int_equal(hsok_source_decode("bad.txt", bad, sizeof bad - 1, &src, &err),
                     HSOK_ERR_ENCODING);
    assert_non_null(strstr(err, "bad.txt"));
    free(err);
    /* a PDF, UTF-16 text and a .docx get a message that names the format and the way out */
    const struct { const char *bytes; size_t len; const char *says; } wrong[] = {
        { "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", 22, "pdftotext" },
        { "\xff\xfeH\0e\0i\0", 8, "UTF-16" },
        { "\xfe\xff\0H\0e\0i", 8, "UTF-16" },
        { "PK\x03\x04\x14\0\x06\0", 8, "docx" },
    };
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
        err = NULL;
        assert_int_equal(hsok_source_decode("in.txt", wrong[i].bytes, wrong[i].len, &src, &err),
                         HSOK_ERR_ENCODING);
        assert_non_null(strstr(err, "'in.txt'"));
        assert_non_null(strstr(err, wrong[i].says));
        assert_null(strchr(err, '\n'));
        assert_null(src.text);
        free(err);
    }
}

/* ---- nynorsk ---- */

static void test_nynorsk(void **state)
{
    (void)state;
    write_text("nynorsk.txt",
               "Høyringsfråsegn frå Vestland fylkeskommune\n\n"
               "Vestland fylkeskommune meiner at kommunane ikkje har nok kompetanse på "
               "informasjonstryggleik.\n\n"
               "Vi støttar forslaget, men kva som skjer med dei minste kommunane er uklart. "
               "Eg meiner òg at tenestene må vere tilgjengelege for alle.\n");
    char *err = NULL;
    assert_int_equal(index_one("nynorsk.txt", &err), HSOK_OK);
    hsok_results_t *r = search("kommunane");
    assert_true(hit_with(r, "meiner at kommunane") >= 0);
    assert_true(hit_with(r, "dei minste kommunane") >= 0);
    assert_string_equal(hsok_results_get(r, 0)->rec.respondent, "Vestland fylkeskommune");
    hsok_results_free(r);
    /* nynorsk stopwords are ignored in a query with other words */
    r = search("ikkje kompetanse");
    assert_true(hit_with(r, "nok kompetanse") >= 0);
    assert_false(hsok_results_relaxed(r));
    hsok_results_free(r);
    /* inflection: "tenesta" / "tenestene" share a stem */
    r = search("tenestene");
    assert_true(hit_with(r, "tenestene må vere") >= 0);
    hsok_results_free(r);
    /* a nynorsk compound splits with the nynorsk word list */
    r = search("tryggleik");
    assert_true(hit_with(r, "informasjonstryggleik") >= 0);
    hsok_results_free(r);
}

/* the genitive of -het nouns stems with the noun (Snowball alone gives "sikkerh") */
static void test_genitive_stem(void **state)
{
    (void)state;
    hsok_analyzer_t *an = NULL;
    assert_int_equal(hsok_analyzer_new(&an, NULL), HSOK_OK);
    const char *pairs[][2] = { { "sikkerhets", "sikkerhet" }, { "virksomhets", "virksomhet" },
                               { "sikkerhetens", "sikkerhet" }, { "kommunens", "kommune" } };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        size_t n;
        const char *s = hsok_stem(an, pairs[i][0], strlen(pairs[i][0]), &n);
        char a[64];
        assert_true(n < sizeof a);
        memcpy(a, s, n);
        a[n] = '\0';
        s = hsok_stem(an, pairs[i][1], strlen(pairs[i][1]), &n);
        if (strlen(a) != n || memcmp(a, s, n))
            fail_msg("'%s' and '%s' stem apart: '%s' vs '%.*s'", pairs[i][0], pairs[i][1], a,
                     (int)n, s);
    }
    hsok_analyzer_free(an);
}


/* ---- lemmas and bokmål/nynorsk (issue 9) ---- */

/* Index the text under name into its own database at tmpdir/name.db; the path in out. */
static void index_into(const char *name, const char *text, char *out, size_t outn)
{
    write_text(name, text);
    snprintf(out, outn, "%s/%s.db", tmpdir, name);
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    hsok_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(hsok_db_open(out, HSOK_DB_WRITE, &db, &err), HSOK_OK);
    hsok_index_result_t res;
    hsok_status_t st = hsok_db_index_file(db, path, NULL, &res, &err);
    if (st != HSOK_OK)
        fail_msg("indexing '%s': %s", name, err);
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);
}

/* Does query q, run on the open db, find a passage containing `want`? */
static int finds(hsok_db_t *db, const char *q, const char *want)
{
    hsok_results_t *r = NULL;
    hsok_search_opts_t o = { 0 };
    o.limit = 20;
    char *err = NULL;
    if (hsok_search(db, q, &o, &r, &err) != HSOK_OK)
        fail_msg("query '%s': %s", q, err);
    int ok = hit_with(r, want) >= 0;
    hsok_results_free(r);
    return ok;
}

/* The pair list of tests/lemma/pairs.tsv (made by tests/lemma/gen-pairs from hunspell-no):
 * each base form finds its inflected form and the reverse, through the index. */
static void test_lemma_pairs(void **state)
{
    (void)state;
    const char *root = getenv("HSOK_SOURCE_ROOT");
    assert_non_null(root);
    char path[600];
    snprintf(path, sizeof path, "%s/tests/lemma/pairs.tsv", root);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char (*base)[80] = calloc(1000, sizeof *base), (*form)[80] = calloc(1000, sizeof *form);
    assert_non_null(base);
    assert_non_null(form);
    size_t n = 0, la = 0, lb = 0;
    char line[400];
    while (n < 1000 && fgets(line, sizeof line, f)) {
        char lang[8], kind[16];
        if (sscanf(line, "%7[^\t]\t%15[^\t]\t%79[^\t]\t%79[^\t\n]", lang, kind, base[n],
                   form[n]) == 4)
            n++;
    }
    fclose(f);
    assert_true(n >= 300);
    char *ta = malloc(n * 120 + 1), *tb = malloc(n * 120 + 1);
    assert_non_null(ta);
    assert_non_null(tb);
    for (size_t i = 0; i < n; i++) {
        la += (size_t)sprintf(ta + la, "Ordet %s står her.\n\n", base[i]);
        lb += (size_t)sprintf(tb + lb, "Ordet %s står her.\n\n", form[i]);
    }
    char dba[700], dbb[700];
    index_into("bases.txt", ta, dba, sizeof dba);
    index_into("forms.txt", tb, dbb, sizeof dbb);
    size_t found[2] = { 0, 0 };
    for (int dir = 0; dir < 2; dir++) {
        hsok_db_t *db = NULL;
        assert_int_equal(hsok_db_open(dir ? dba : dbb, HSOK_DB_READ, &db, NULL), HSOK_OK);
        for (size_t i = 0; i < n; i++) {
            const char *q = dir ? form[i] : base[i], *w = dir ? base[i] : form[i];
            char want[120];
            snprintf(want, sizeof want, "Ordet %s står", w);
            if (finds(db, q, want))
                found[dir]++;
            else
                fprintf(stderr, "  %s: '%s' does not find '%s'\n",
                        dir ? "inflected→base" : "base→inflected", q, w);
        }
        hsok_db_close(db, NULL);
    }
    fprintf(stderr, "lemma pairs: %zu; base finds inflected %.1f%%, inflected finds base %.1f%%\n",
            n, 100.0 * (double)found[0] / (double)n, 100.0 * (double)found[1] / (double)n);
    assert_true(found[0] * 100 >= n * 98);
    assert_true(found[1] * 100 >= n * 98);
    free(base);
    free(form);
    free(ta);
    free(tb);
}

/* Query q on db finds a passage with `word`, with this match, and highlights the word. */
static void assert_found_as(hsok_db_t *db, const char *q, const char *word, hsok_match_t m)
{
    hsok_search_opts_t o = { 0 };
    o.limit = 10;
    hsok_results_t *r = NULL;
    assert_int_equal(hsok_search(db, q, &o, &r, NULL), HSOK_OK);
    int k = hit_with(r, word);
    if (k < 0)
        fail_msg("'%s' does not find '%s'", q, word);
    const hsok_hit_t *h = hsok_results_get(r, (size_t)k);
    if (h->match != m)
        fail_msg("'%s' finds '%s' with match %d, not %d", q, word, h->match, m);
    if (!highlighted(h, word))
        fail_msg("'%s' does not highlight '%s' in '%s'", q, word, h->snippet);
    hsok_results_free(r);
}

/* A word in one written standard finds the other (data/nb-nn.tsv), inflected and inside
 * compounds, ranked below the exact form. */
static void test_bokmal_nynorsk(void **state)
{
    (void)state;
    char dbp[700];
    index_into("nbnn.txt",
               "Løysinga er god for alle.\n\n"
               "Tenesta blir betre no.\n\n"
               "Verksemda har mange tilsette.\n\n"
               "Informasjonstryggleiken må styrkjast.\n\n"
               "Denne løsningen er bra.\n\n"
               "Kommunen har ansvaret for dette.\n\n"
               "Lederen og temaet var nye, og nummeret også.\n\n"
               "Det offentlege må gjere meir.\n",
               dbp, sizeof dbp);
    hsok_db_t *db = NULL;
    assert_int_equal(hsok_db_open(dbp, HSOK_DB_READ, &db, NULL), HSOK_OK);
    const char *cases[][2] = {
        { "løsning", "Løysinga" }, { "tjenesten", "Tenesta" }, { "tjeneste", "Tenesta" },
        { "virksomhet", "Verksemda" }, { "informasjonssikkerhet", "Informasjonstryggleiken" },
        { "sikkerhet", "Informasjonstryggleiken" }, { "løysing", "løsningen" },
        { "ansvar", "ansvaret" }, { "leder", "Lederen" }, { "tema", "temaet" },
        { "nummer", "nummeret" }, { "offentlig", "offentlege" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (!finds(db, cases[i][0], cases[i][1]))
            fail_msg("'%s' does not find '%s'", cases[i][0], cases[i][1]);
    /* not everything: a variant is not a stem */
    assert_false(finds(db, "tjeneste", "Verksemda"));
    /* the exact form first, the nynorsk one after it */
    hsok_results_t *r = NULL;
    hsok_search_opts_t o = { 0 };
    o.limit = 10;
    assert_int_equal(hsok_search(db, "løsningen", &o, &r, NULL), HSOK_OK);
    assert_true(hsok_results_count(r) >= 2);
    assert_non_null(strstr(hsok_results_get(r, 0)->rec.text, "løsningen"));
    assert_true(hit_with(r, "Løysinga") > 0);
    /* marked as a variant, counted as one, and its word highlighted */
    assert_int_equal(hsok_results_get(r, 0)->match, HSOK_MATCH_EXACT);
    const hsok_hit_t *v = hsok_results_get(r, (size_t)hit_with(r, "Løysinga"));
    assert_int_equal(v->match, HSOK_MATCH_VARIANT);
    assert_true(highlighted(v, "Løysinga"));
    assert_true(hsok_results_estimated_variant(r) >= 1);
    hsok_results_free(r);
    /* an inflected form is exact, highlighted through its lemma; a nynorsk compound found
     * through its head's variant is highlighted whole */
    const char *marks[][3] = { { "ansvar", "ansvaret", "e" },
                               { "leder", "Lederen", "e" },
                               { "tjeneste", "Tenesta", "v" },
                               { "virksomhet", "Verksemda", "v" },
                               { "sikkerhet", "Informasjonstryggleiken", "v" } };
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        assert_found_as(db, marks[i][0], marks[i][1],
                        marks[i][2][0] == 'e' ? HSOK_MATCH_EXACT : HSOK_MATCH_VARIANT);
    hsok_db_close(db, NULL);
}

/* Nynorsk words whose dictionary lemma is the verb they come from ("høyringa" → høyre) or
 * that the dictionaries do not know still meet their table word through their regular
 * ending; a word that is a lemma itself ranks its own forms before those of its other
 * lemmas ("leder" is also a form of the verb lede); a compound is not related to a
 * stopword ("virksomhet" is not "virk" + "somhet"). */
static void test_variant_fallbacks_and_lemma_weight(void **state)
{
    (void)state;
    char dbp[700];
    index_into("fallback.txt",
               "Høyringa kom i mars.\n\n"
               "Utgreiinga er grundig.\n\n"
               "Spørreundersøkingar viser mykje.\n\n"
               "Det ble ledet godt av styret.\n\n"
               "Lederen svarte raskt.\n\n"
               "Alle ledere møtes.\n\n"
               "Virksomheten driver tjenester.\n\n"
               "Det er noe som skjer, som vi ser.\n",
               dbp, sizeof dbp);
    hsok_db_t *db = NULL;
    assert_int_equal(hsok_db_open(dbp, HSOK_DB_READ, &db, NULL), HSOK_OK);
    const char *cases[][2] = { { "høring", "Høyringa" }, { "utredning", "Utgreiinga" },
                               { "spørreundersøkelse", "Spørreundersøkingar" } };
    hsok_search_opts_t o = { 0 };
    o.limit = 10;
    hsok_results_t *r = NULL;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_found_as(db, cases[i][0], cases[i][1], HSOK_MATCH_VARIANT);
    assert_int_equal(hsok_search(db, "leder", &o, &r, NULL), HSOK_OK);
    int noun1 = hit_with(r, "Lederen"), noun2 = hit_with(r, "ledere"), verb = hit_with(r, "ledet");
    assert_true(noun1 >= 0 && noun2 >= 0);
    assert_true(verb < 0 || (verb > noun1 && verb > noun2));
    hsok_results_free(r);
    assert_int_equal(hsok_search(db, "virksomhet", &o, &r, NULL), HSOK_OK);
    assert_int_equal(hsok_results_count(r), 1);
    assert_int_equal(hsok_results_estimated_related(r), 0);
    hsok_results_free(r);
    hsok_db_close(db, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_true_splits),
        cmocka_unit_test(test_false_splits),
        cmocka_unit_test(test_split_cache_refills),
        cmocka_unit_test(test_lemma_cache_clear),
        cmocka_unit_test(test_lexicon_from_string),
        cmocka_unit_test(test_compound_search),
        cmocka_unit_test(test_drop_lexicon),
        cmocka_unit_test(test_compound_related),
        cmocka_unit_test(test_suspended_compounds),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_decode_direct),
        cmocka_unit_test(test_nynorsk),
        cmocka_unit_test(test_genitive_stem),
        cmocka_unit_test(test_lemma_pairs),
        cmocka_unit_test(test_bokmal_nynorsk),
        cmocka_unit_test(test_variant_fallbacks_and_lemma_weight),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
