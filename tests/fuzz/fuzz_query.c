/* fuzz_query.c — libFuzzer harness for the query parser (and search over a tiny index).
 *
 * Input: a query string (cut at its first NUL, as a C string would be). It is parsed without
 * an index (hsok_query_describe with db NULL), then parsed and run against a three-passage
 * index built once in a temporary directory, so field filters and wildcards expand against
 * real terms and snippets are cut and highlighted.
 * The same text is also given as a respondent and a theme filter to a plain search.
 * Checked: a query or filter that is not UTF-8 is refused (HSOK_ERR_QUERY); an error comes
 * with a one-line message; a hit's strings are valid UTF-8, its rank follows the offset, and
 * its highlight spans lie inside its snippet, in order. */
#include "fuzz.h"

#include <ftw.h>
#include <unistd.h>

#include "hsok/db.h"
#include "hsok/query.h"
#include "hsok/themes.h"

static char tmpdir[512];
static hsok_db_t *db;

static const char doc_a[] =
    "Høringssvar fra Fjellvik kommune\n\n"
    "1) Har dere innspill til målene?\n\n"
    "Kommunen støtter arbeidet med informasjonssikkerhet og personvern. Vi mener at "
    "helse- og omsorgstjenesten trenger bedre samhandling, f.eks. gjennom deling av "
    "pasientdata i 2025.\n\n"
    "Mål 3: Kompetanseheving\n\n"
    "• Kompetanse i kommunene må styrkes.\n"
    "• Finansieringen er uklar.\n\n"
    "☒ Ja ☐ Nei ☐ Vet ikke\n";
static const char doc_b[] =
    "Innspill fra Pasientforeningen\n\n"
    "Vi savner en indikator for personvernet til brukerne, jf. § 23. Samtykke må være "
    "frivillig, og «behandling av personopplysninger» må forklares.\n";
static const char theme_text[] =
    "id: personvern\nlabel: Personvern\nterms:\n  3 personvern\n  2 samtykke\n"
    "  2 \"behandling av personopplysninger\"\n";

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void cleanup(void)
{
    hsok_db_close(db, NULL);
    db = NULL;
    nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *dir, const char *name, const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "fuzz_query: cannot write '%s'\n", path);
        abort();
    }
}

static void build_index(void)
{
    fuzz_tmpdir(tmpdir, sizeof tmpdir, "query");
    if (!mkdtemp(tmpdir)) {
        perror("fuzz_query: mkdtemp");
        abort();
    }
    atexit(cleanup);
    char lexicon[1024], a[1024], b[1024], index[1024];
    write_file(tmpdir, "lexicon", "informasjon\nsikkerhet\nkompetanse\nheving\npasient\ndata\n",
               lexicon, sizeof lexicon);
    setenv("HSOK_LEXICON", lexicon, 1);
    write_file(tmpdir, "a.txt", doc_a, a, sizeof a);
    write_file(tmpdir, "b.txt", doc_b, b, sizeof b);
    snprintf(index, sizeof index, "%s/index", tmpdir);

    char *err = NULL;
    hsok_codebook_t *cb = NULL;
    hsok_db_t *w = NULL;
    hsok_index_result_t res;
    size_t tlen = strlen(theme_text);
    if (hsok_codebook_new(&cb, &err) != HSOK_OK ||
        hsok_codebook_add(cb, "personvern.theme", theme_text, tlen, &err) != HSOK_OK ||
        hsok_codebook_check(cb, &err) != HSOK_OK ||
        hsok_db_open(index, HSOK_DB_WRITE, &w, &err) != HSOK_OK)
        goto fail;
    hsok_index_opts_t io = { .codebook = cb };
    if (hsok_db_index_file(w, a, &io, &res, &err) != HSOK_OK ||
        hsok_db_index_file(w, b, &io, &res, &err) != HSOK_OK ||
        hsok_db_retag(w, cb, &res.passages, &err) != HSOK_OK)
        goto fail;
    hsok_status_t st = hsok_db_close(w, &err);
    w = NULL;
    if (st != HSOK_OK || hsok_db_open(index, HSOK_DB_READ, &db, &err) != HSOK_OK)
        goto fail;
    hsok_codebook_free(cb);
    return;
fail:
    fprintf(stderr, "fuzz_query: cannot build the index: %s\n", err ? err : "?");
    abort();
}

static void check_error(hsok_status_t st, const char *err, const char *what)
{
    FUZZ_CHECK(st == HSOK_ERR_QUERY || st == HSOK_ERR_INVALID || st == HSOK_ERR_NOMEM,
               "%s: unexpected status %s: %s", what, hsok_status_str(st), err ? err : "");
    FUZZ_CHECK(err != NULL, "%s: %s without a message", what, hsok_status_str(st));
    FUZZ_CHECK(!strchr(err, '\n'), "%s: message of more than one line: %s", what, err);
}

static void search(const char *q, const hsok_search_opts_t *opts, int utf8)
{
    hsok_results_t *r = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_search(db, q, opts, &r, &err);
    if (!utf8)
        FUZZ_CHECK(st == HSOK_ERR_QUERY, "hsok_search: %s for a query that is not UTF-8",
                   hsok_status_str(st));
    if (st == HSOK_OK) {
        size_t n = hsok_results_count(r);
        FUZZ_CHECK(n <= opts->limit, "%zu hits for a limit of %u", n, opts->limit);
        for (size_t i = 0; i < n; i++) {
            const hsok_hit_t *h = hsok_results_get(r, i);
            FUZZ_CHECK(h->rank == opts->offset + i + 1, "hit %zu has rank %u", i, h->rank);
            fuzz_check_utf8(h->snippet, "snippet");
            fuzz_check_utf8(h->rec.text, "passage text");
            fuzz_check_utf8(h->rec.respondent, "respondent");
            size_t sl = strlen(h->snippet), prev = 0;
            for (size_t k = 0; k < h->nspans; k++) {
                const hsok_span_t *s = &h->spans[k];
                FUZZ_CHECK(s->start >= prev && s->start < s->end && s->end <= sl,
                           "span [%zu, %zu) after %zu in a snippet of %zu bytes", s->start,
                           s->end, prev, sl);
                prev = s->end;
            }
        }
        const char *sug = hsok_results_suggestion(r);
        if (sug)
            fuzz_check_utf8(sug, "suggestion");
    } else {
        check_error(st, err, "hsok_search");
    }
    hsok_results_free(r);
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db)
        build_index();
    char *q = fuzz_cstr(data, size);
    int utf8 = hsok_utf8_valid(q, strlen(q), NULL);

    char *desc = NULL, *err = NULL;
    hsok_status_t st = hsok_query_describe(NULL, q, &desc, &err);
    if (!utf8)
        FUZZ_CHECK(st == HSOK_ERR_QUERY, "hsok_query_describe: %s for a query that is not "
                   "UTF-8", hsok_status_str(st));
    if (st == HSOK_OK)
        FUZZ_CHECK(desc != NULL, "hsok_query_describe: no description");
    else
        check_error(st, err, "hsok_query_describe");
    free(desc);
    free(err);

    hsok_search_opts_t opts = { .limit = 5 };
    search(q, &opts, utf8);
    /* the same text as a respondent and a theme filter, on the second page */
    const char *const filter[] = { q };
    hsok_search_opts_t filtered = { .limit = 3, .offset = 1, .respondents = filter,
                                    .nrespondents = 1, .themes = filter, .nthemes = 1 };
    search("personvern", &filtered, utf8);
    free(q);
    return 0;
}
