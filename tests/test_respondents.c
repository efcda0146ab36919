/* test_respondents.c — respondent types (rtype.c), the --manifest CSV (manifest.c), the
 * sidecar's "type:" line, and through the hsok binary (argv[1]): `hsok index --type/--manifest`
 * and their precedence, `hsok respondents [--json] [--doubtful]`, and the --type filter of
 * search and export. Names and texts are made up here; none is a real response. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runhsok.h"
#include "hsok/manifest.h"
#include "hsok/segment.h"
#include "json.h"

static const char *hsok_path;
static char tmp[1024];

/* ---- types from names ---- */

typedef struct tcase {
    const char *name, *type; /* type NULL: unknown */
    int doubt;
} tcase_t;

static void test_type_rules(void **state)
{
    (void)state;
    static const tcase_t cases[] = {
        {"Lillevik kommune", "kommune", 0},
        {"LILLEVIK KOMMUNE", "kommune", 0},
        {"Kvamsøy herad", "kommune", 0},
        {"Lillevik kommune, Helse og omsorg", "kommune", 0},
        {"Nordfjell fylkeskommune", "fylkeskommune", 0},
        {"Statsforvaltaren i Nordfjell", "statsforvalter", 0},
        {"Statsforvalteren i Sørfjell", "statsforvalter", 0},
        {"Fylkesmannen i Sørfjell", "statsforvalter", 0},
        {"Helse Nordfjell HF", "helseforetak", 0},
        {"Helse Midtland RHF", "helseforetak", 0},
        {"Sykehuset Østfjell HF", "helseforetak", 0},
        {"Sykehuset Østfjell", "helseforetak", 1},
        {"Nordfjell universitetssykehus HF", "helseforetak", 0},
        {"Norsk fjellnett SF", "statlig", 0},
        {"Universitetet i Nordfjell", "universitet", 0},
        {"Nordfjell universitet", "universitet", 0},
        {"Høgskulen i Vestfjell", "universitet", 0},
        {"NTNU", "universitet", 0},
        {"Institutt for fjellfag, Universitetet i Nordfjell", "universitet", 0},
        {"Skogdirektoratet", "statlig", 0},
        {"Direktoratet for fjellsikkerhet", "statlig", 0},
        {"Havtilsynet", "statlig", 0},
        {"Vegetaten", "statlig", 0},
        {"Fjelldepartementet", "statlig", 0},
        {"Statens fjellverk", "statlig", 0},
        {"Nasjonal fjellmyndighet", "statlig", 0},
        {"Fjellombudet", "statlig", 0},
        {"Norsk Kokkeforbund", "fagforening", 1},
        {"Kokkeforbundet", "fagforening", 1},
        {"Norsk Handikapforbund", "organisasjon", 0},
        {"Fjellbyen Data AS", "bedrift", 0},
        {"Nordlys ASA", "bedrift", 0},
        {"Advokatfirmaet Berg", "bedrift", 0},
        {"Kari Nordmann", "privatperson", 0},
        {"Ola Berg-Hansen", "privatperson", 0},
        {"Privatperson", "privatperson", 0},
        {"Person som ikke har oppgitt navn", "privatperson", 0},
        {"Norsk forening for fjellvett", "organisasjon", 0},
        {"Fjellvettforeningen", "organisasjon", 0},
        {"Fjellvettforeningens fagråd", "organisasjon", 0},
        {"Lillevik kommunes eldreråd", "kommune", 0},
        {"Landsforeningen for fjellfolk", "organisasjon", 0},
        {"Rødt Fjellbygd", "annet", 0},
        {"Fjellbygd Senterparti", "annet", 0},
        {"FJELLVETT", "organisasjon", 1},
        {"Fjellbygd Medisinsk Laboratorium", NULL, 0},
        {"xyzzy", NULL, 0},
        {"", NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *how = "unset";
        int doubt = -1;
        const char *t = hsok_respondent_type(cases[i].name, NULL, &how, &doubt);
        if (cases[i].type == NULL) {
            if (t != NULL)
                fail_msg("'%s': type %s, want none", cases[i].name, t);
            assert_null(how);
            assert_int_equal(doubt, 0);
            continue;
        }
        if (t == NULL || strcmp(t, cases[i].type))
            fail_msg("'%s': type %s, want %s", cases[i].name, t ? t : "(none)", cases[i].type);
        assert_string_equal(how, "name");
        if (doubt != cases[i].doubt)
            fail_msg("'%s': doubt %d, want %d", cases[i].name, doubt, cases[i].doubt);
        /* the static names of hsok_respondent_type_name */
        assert_ptr_equal(t, hsok_respondent_type_name(t, strlen(t)));
    }
}

static void test_type_from_alias_table(void **state)
{
    (void)state;
    static const char table[] = "Fjellvettforeningen\tFjellvett\tfagforening\n"
                                "FV\tFjellvett\tfagforening\n"
                                "Nordfjell kommune\tNordfjell kommune\n";
    hsok_aliases_t *a = NULL;
    char *err = NULL;
    assert_int_equal(hsok_aliases_parse("t.tsv", table, strlen(table), &a, &err), HSOK_OK);
    const char *how = NULL;
    int doubt = -1;
    /* the table's type wins over the name rule (organisasjon) */
    assert_string_equal(hsok_respondent_type("Fjellvett", a, &how, &doubt), "fagforening");
    assert_string_equal(how, "alias table");
    assert_int_equal(doubt, 0);
    assert_string_equal(hsok_respondent_type("fv", a, &how, &doubt), "fagforening");
    /* a line without a type: the name rules */
    assert_string_equal(hsok_respondent_type("Nordfjell kommune", a, &how, &doubt), "kommune");
    assert_string_equal(how, "name");
    hsok_aliases_free(a);
}

/* ---- the manifest ---- */

static hsok_manifest_t *parse_ok(const char *text)
{
    hsok_manifest_t *m = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_manifest_parse("m.csv", text, strlen(text), &m, &err);
    if (st != HSOK_OK)
        fail_msg("manifest refused: %s", err ? err : "?");
    return m;
}

static void parse_bad(const char *text, hsok_status_t want, const char *needle)
{
    hsok_manifest_t *m = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_manifest_parse("m.csv", text, strlen(text), &m, &err);
    assert_null(m);
    assert_int_equal(st, want);
    assert_non_null(err);
    if (!strstr(err, needle))
        fail_msg("message '%s' does not hold '%s'", err, needle);
    free(err);
}

static void test_manifest_parse(void **state)
{
    (void)state;
    /* a byte order mark, ';' as Norwegian Excel writes it, CRLF, quoted fields holding the
     * separator, a quote and a line break; columns in another order, one more column */
    hsok_manifest_t *m = parse_ok("\xef\xbb\xbfType;Nr;File;Respondent\r\n"
                                  "kommune;1;a.txt;Lillevik kommune\r\n"
                                  "\r\n"
                                  "organisasjon;2;\"sub/b;c.txt\";\"Foreningen \"\"Fjell\"\"; X\"\r\n"
                                  ";3;d.txt;\"To\r\nlinjer\"\r\n"
                                  "privatperson;4;e.txt;\r\n");
    assert_int_equal(hsok_manifest_count(m), 4);
    const hsok_manifest_row_t *r = hsok_manifest_row(m, 0);
    assert_string_equal(r->file, "a.txt");
    assert_string_equal(r->respondent, "Lillevik kommune");
    assert_string_equal(r->type, "kommune");
    assert_int_equal(r->line, 2);
    r = hsok_manifest_row(m, 1);
    assert_string_equal(r->file, "sub/b;c.txt");
    assert_string_equal(r->respondent, "Foreningen \"Fjell\"; X");
    assert_string_equal(r->type, "organisasjon");
    assert_int_equal(r->line, 4);
    r = hsok_manifest_row(m, 2);
    assert_string_equal(r->respondent, "To\r\nlinjer");
    assert_null(r->type);
    assert_int_equal(r->line, 5);
    r = hsok_manifest_row(m, 3);
    assert_string_equal(r->file, "e.txt");
    assert_string_equal(r->respondent, "");
    assert_string_equal(r->type, "privatperson");
    assert_int_equal(r->line, 7);
    assert_null(hsok_manifest_row(m, 4));
    hsok_manifest_free(m);

    /* ',' separated, no final line break */
    m = parse_ok("file,respondent,type\nx.txt,\"Berg, Kari\",privatperson");
    assert_int_equal(hsok_manifest_count(m), 1);
    assert_string_equal(hsok_manifest_row(m, 0)->respondent, "Berg, Kari");
    assert_string_equal(hsok_manifest_row(m, 0)->url, ""); /* no url column */
    hsok_manifest_free(m);

    /* the optional url column (any case), trimmed, empty when the cell is */
    m = parse_ok("file;URL;respondent;type\na.txt; https://example.org/a.pdf?x=1&y=2 ;A;\n"
                 "b.txt;;B;\n");
    assert_string_equal(hsok_manifest_row(m, 0)->url, "https://example.org/a.pdf?x=1&y=2");
    assert_string_equal(hsok_manifest_row(m, 1)->url, "");
    hsok_manifest_free(m);
}

static void test_manifest_errors(void **state)
{
    (void)state;
    parse_bad("file,respondent,type\na.txt,\"open,kommune\n", HSOK_ERR_PARSE,
              "'m.csv' line 2: a quoted field is not closed");
    parse_bad("file,respondent,type\na.txt,X,kommune\nb.txt,Y,kommunen\n", HSOK_ERR_PARSE,
              "'m.csv' line 3: unknown respondent type 'kommunen'");
    parse_bad("file,respondent,type\na.txt,X,kommune,extra\n", HSOK_ERR_PARSE,
              "'m.csv' line 2: 4 fields, the header has 3");
    parse_bad("file;respondent\na.txt;X\n", HSOK_ERR_PARSE,
              "'m.csv' line 1: the header row must name the columns file, respondent and type");
    parse_bad("file,respondent,type\na.txt,X,\nb.txt,Y,\na.txt,Z,\n", HSOK_ERR_PARSE,
              "'m.csv' line 4: 'a.txt' again (first on line 2)");
    parse_bad("file,respondent,type\n,X,kommune\n", HSOK_ERR_PARSE,
              "'m.csv' line 2: the file cell is empty");
    parse_bad("file,respondent,type\na.txt,X\"y,kommune\n", HSOK_ERR_PARSE,
              "'m.csv' line 2: a quote inside an unquoted field");
    parse_bad("file,respondent,type\na.txt,\"X\"y,kommune\n", HSOK_ERR_PARSE,
              "'m.csv' line 2: text after a closing quote");
    parse_bad("file,respondent,type\na.txt,Bj\xf8rn,kommune\n", HSOK_ERR_ENCODING,
              "'m.csv' line 2: not UTF-8");
    parse_bad("", HSOK_ERR_PARSE, "'m.csv': empty");
}

/* ---- files ---- */

static void put(const char *rel, const char *text)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", tmp, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void test_sidecar_type(void **state)
{
    (void)state;
    mkdir(strcat(strcpy((char[1200]){0}, tmp), "/side"), 0755);
    put("side/x.txt", "Tekst.\n");
    put("side/x.txt.meta", "# sidecar\nrespondent: Fjellvett\ntype: organisasjon\n");
    char path[1200], *r = NULL, *t = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s/side/x.txt", tmp);
    assert_int_equal(hsok_read_meta_type(path, &r, &t, &err), HSOK_OK);
    assert_string_equal(r, "Fjellvett");
    assert_string_equal(t, "organisasjon");
    free(r);
    free(t);
    put("side/x.txt.meta", "respondent: Fjellvett\ntype: kommunen\n");
    assert_int_equal(hsok_read_meta_type(path, &r, &t, &err), HSOK_ERR_PARSE);
    assert_null(r);
    assert_null(t);
    assert_non_null(strstr(err, "x.txt.meta' line 2: unknown respondent type 'kommunen'"));
    free(err);
    err = NULL;
    put("side/x.txt.meta", "type: kommune\ntype: statlig\n");
    assert_int_equal(hsok_read_meta_type(path, &r, &t, &err), HSOK_ERR_PARSE);
    assert_non_null(strstr(err, "line 2: a second 'type' line (the first is line 1)"));
    free(err);
}

/* ---- the binary ---- */

typedef hsok_run_t run_t;

/* Run hsok with the NULL-ended arguments, in tmp, without an alias table or themes (runhsok.h). */
#define run(r, ...) hsok_run((r), hsok_path, tmp, "", __VA_ARGS__)
#define run_free hsok_run_free

#define EXPECT_EXIT(r, code)                                                                    \
    do {                                                                                       \
        if ((r)->status != (code))                                                             \
            fail_msg("exit %d, want %d; stderr: %s", (r)->status, (code), (r)->err);           \
    } while (0)

/* The JSON lines of s, parsed; *n counts them. */
static jval_t **json_lines(const char *s, size_t *n)
{
    jval_t **v = NULL;
    *n = 0;
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *err = NULL;
        jval_t *j = json_parse(p, len, &err, NULL);
        if (!j)
            fail_msg("not JSON (%s): %.*s", err, (int)len, p);
        v = realloc(v, (*n + 1) * sizeof *v);
        assert_non_null(v);
        v[(*n)++] = j;
        p = nl ? nl + 1 : p + len;
    }
    return v;
}

static void free_lines(jval_t **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        jfree(v[i]);
    free(v);
}

static const char *jstr(const jval_t *o, const char *k)
{
    const jval_t *v = jget(o, k);
    if (!v || v->t != J_STR)
        fail_msg("no string \"%s\"", k);
    return v->s;
}

/* The object of lines for file name base (the end of "file"), or NULL. */
static const jval_t *line_for(jval_t **v, size_t n, const char *base)
{
    for (size_t i = 0; i < n; i++) {
        const jval_t *f = jget(v[i], "file");
        if (f && f->t == J_STR && strlen(f->s) >= strlen(base) &&
            !strcmp(f->s + strlen(f->s) - strlen(base), base))
            return v[i];
    }
    return NULL;
}

static const char letter_kommune[] = "LILLEVIK KOMMUNE\n\n"
                                     "Høringssvar om fjellvett\n\n"
                                     "Lillevik kommune mener at fjellvett er viktig for "
                                     "innbyggerne.\n\n"
                                     "Kommunen støtter forslaget om merking av stier.\n";
static const char letter_none[] = "Dette er et innspill.\n\n"
                                  "Det bør komme flere stier og bedre merking i fjellet.\n";
static const char letter_person[] = "Hei\n\n"
                                    "Stiene i fjellet er for dårlig merket, og det bør gjøres "
                                    "noe med det snart.\n\n"
                                    "Med vennlig hilsen\n"
                                    "Kari Nordmann\n";

static void test_cli_respondents(void **state)
{
    (void)state;
    mkdir(strcat(strcpy((char[1200]){0}, tmp), "/r1"), 0755);
    put("r1/a.txt", letter_kommune);
    put("r1/b.txt", letter_none);
    put("r1/c.txt", letter_person);
    run_t r;
    run(&r, "--db", "ix1", "index", "--no-themes", "r1", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);

    run(&r, "--db", "ix1", "respondents", "--json", NULL);
    EXPECT_EXIT(&r, 0);
    size_t n;
    jval_t **v = json_lines(r.out, &n);
    assert_int_equal(n, 4);
    static const char *const keys[] = {"file", "respondent", "respondent_how", "type",
                                       "type_how", "passages", "check", "reasons"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(v[i]->t, J_OBJ);
        assert_int_equal(v[i]->n, sizeof keys / sizeof keys[0]);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!jget(v[i], keys[k]))
                fail_msg("line %zu has no \"%s\"", i + 1, keys[k]);
        assert_int_equal(jget(v[i], "check")->t, J_BOOL);
        assert_int_equal(jget(v[i], "reasons")->t, J_ARR);
        assert_int_equal(jget(v[i], "passages")->t, J_NUM);
    }
    /* the ones to check first */
    assert_true(jget(v[0], "check")->b);
    assert_true(jget(v[1], "check")->b);
    assert_false(jget(v[2], "check")->b);
    const jval_t *a = line_for(v, 3, "/a.txt"), *b = line_for(v, 3, "/b.txt"),
                 *c = line_for(v, 3, "/c.txt");
    assert_ptr_equal(a, v[2]);
    assert_string_equal(jstr(a, "respondent"), "Lillevik kommune");
    assert_string_equal(jstr(a, "respondent_how"), "letterhead");
    assert_string_equal(jstr(a, "type"), "kommune");
    assert_string_equal(jstr(a, "type_how"), "name");
    assert_true(jget(a, "passages")->num >= 2);
    assert_int_equal(jget(a, "reasons")->n, 0);
    assert_string_equal(jstr(b, "respondent"), "");
    assert_string_equal(jstr(b, "type"), "");
    assert_int_equal(jget(b, "reasons")->n, 2);
    assert_string_equal(jget(b, "reasons")->items[0]->s, "no respondent found");
    assert_string_equal(jget(b, "reasons")->items[1]->s, "type unknown");
    assert_string_equal(jstr(c, "respondent"), "Kari Nordmann");
    assert_string_equal(jstr(c, "respondent_how"), "signer");
    assert_string_equal(jstr(c, "type"), "privatperson");
    assert_true(jget(c, "check")->b);
    /* the summary */
    assert_null(jget(v[3], "file"));
    assert_int_equal((int)jget(v[3], "files")->num, 3);
    assert_int_equal((int)jget(v[3], "respondents")->num, 2);
    assert_int_equal((int)jget(v[3], "to_check")->num, 2);
    free_lines(v, n);
    run_free(&r);

    /* human: the same order, the last line counts */
    run(&r, "--db", "ix1", "respondents", NULL);
    EXPECT_EXIT(&r, 0);
    assert_non_null(strstr(r.out, "Lillevik kommune (kommune)  respondent: letterhead, type: name"));
    assert_true(strncmp(r.out, "check  ", 7) == 0);
    assert_non_null(strstr(r.out, "\n3 files, 2 respondents, 2 to check\n"));
    run_free(&r);

    /* --doubtful: only the two to check */
    run(&r, "--db", "ix1", "respondents", "--doubtful", "--json", NULL);
    EXPECT_EXIT(&r, 0);
    v = json_lines(r.out, &n);
    assert_int_equal(n, 3);
    assert_true(jget(v[0], "check")->b && jget(v[1], "check")->b);
    assert_null(line_for(v, n, "/a.txt"));
    free_lines(v, n);
    run_free(&r);

    /* the sidecar's type, and --type over it */
    put("r1/a.txt.meta", "type: fylkeskommune\n");
    run(&r, "--db", "ix1", "index", "--no-themes", "r1", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    run(&r, "--db", "ix1", "respondents", "--json", NULL);
    v = json_lines(r.out, &n);
    a = line_for(v, n, "/a.txt");
    assert_string_equal(jstr(a, "type"), "fylkeskommune");
    assert_string_equal(jstr(a, "type_how"), "sidecar");
    assert_string_equal(jstr(a, "respondent_how"), "letterhead");
    free_lines(v, n);
    run_free(&r);
    run(&r, "--db", "ix1", "index", "--no-themes", "--type", "annet", "r1/a.txt", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    run(&r, "--db", "ix1", "respondents", "--json", NULL);
    v = json_lines(r.out, &n);
    a = line_for(v, n, "/a.txt");
    assert_string_equal(jstr(a, "type"), "annet");
    assert_string_equal(jstr(a, "type_how"), "option");
    free_lines(v, n);
    run_free(&r);

    /* an unknown type: usage errors */
    run(&r, "--db", "ix1", "index", "--type", "kommunen", "r1/a.txt", NULL);
    EXPECT_EXIT(&r, 2);
    assert_non_null(strstr(r.err, "unknown respondent type 'kommunen' for --type"));
    run_free(&r);
    put("r1/b.txt.meta", "respondent: X\ntype: kommunen\n");
    run(&r, "--db", "ix1", "index", "--no-themes", "r1", NULL);
    EXPECT_EXIT(&r, 4);
    assert_non_null(strstr(r.err, "b.txt.meta' line 2: unknown respondent type 'kommunen'"));
    run_free(&r);
}

static void test_cli_manifest(void **state)
{
    (void)state;
    mkdir(strcat(strcpy((char[1200]){0}, tmp), "/m1"), 0755);
    mkdir(strcat(strcpy((char[1200]){0}, tmp), "/m1/sub"), 0755);
    put("m1/a.txt", letter_kommune);
    put("m1/sub/b.txt", letter_none);
    put("m1/c.txt", letter_person);
    put("m1/d.txt", letter_none);
    /* c's sidecar names another respondent: the sidecar wins over the manifest */
    put("m1/c.txt.meta", "respondent: Sidefjell kommune\n");
    put("m1/liste.csv", "file;respondent;type\n"
                        "a.txt;Manifestbyen AS;\n"
                        "b.txt;\"Fjell; og vett\";organisasjon\n"
                        "c.txt;Kari Manifest;privatperson\n"
                        "nope.txt;Ingen;annet\n");
    run_t r;
    run(&r, "--db", "ix2", "index", "--no-themes", "--manifest", "m1/liste.csv", "m1", NULL);
    EXPECT_EXIT(&r, 4); /* a row for a file not there */
    assert_non_null(strstr(r.err, "'m1/liste.csv' line 5: no file 'nope.txt'"));
    assert_null(strstr(r.err, "skipped 'm1/liste.csv'")); /* the manifest is not a response */
    run_free(&r);
    run(&r, "--db", "ix2", "respondents", "--json", NULL);
    EXPECT_EXIT(&r, 0);
    size_t n;
    jval_t **v = json_lines(r.out, &n);
    assert_int_equal(n, 5);
    const jval_t *a = line_for(v, n, "/a.txt"), *b = line_for(v, n, "/b.txt"),
                 *c = line_for(v, n, "/c.txt"), *d = line_for(v, n, "/d.txt");
    /* a: the manifest's respondent, its type from the name (the cell is empty) */
    assert_string_equal(jstr(a, "respondent"), "Manifestbyen AS");
    assert_string_equal(jstr(a, "respondent_how"), "manifest");
    assert_string_equal(jstr(a, "type"), "bedrift");
    assert_string_equal(jstr(a, "type_how"), "name");
    /* b: a bare name that is no file beside the manifest: the one file of that name */
    assert_string_equal(jstr(b, "respondent"), "Fjell; og vett");
    assert_string_equal(jstr(b, "type"), "organisasjon");
    assert_string_equal(jstr(b, "type_how"), "manifest");
    /* c: the sidecar's respondent, the manifest's type */
    assert_string_equal(jstr(c, "respondent"), "Sidefjell kommune");
    assert_string_equal(jstr(c, "respondent_how"), "sidecar");
    assert_string_equal(jstr(c, "type"), "privatperson");
    assert_string_equal(jstr(c, "type_how"), "manifest");
    /* d: in no row: detected */
    assert_string_equal(jstr(d, "respondent_how"), "");
    free_lines(v, n);
    run_free(&r);

    /* --respondent and --type win over the manifest */
    put("m1/liste.csv", "file,respondent,type\na.txt,Manifestbyen AS,bedrift\n");
    run(&r, "--db", "ix2", "index", "--no-themes", "--manifest", "m1/liste.csv", "--respondent",
        "Valgfjell kommune", "--type", "kommune", "m1/a.txt", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    run(&r, "--db", "ix2", "respondents", "--json", NULL);
    v = json_lines(r.out, &n);
    a = line_for(v, n, "/a.txt");
    assert_string_equal(jstr(a, "respondent"), "Valgfjell kommune");
    assert_string_equal(jstr(a, "respondent_how"), "option");
    assert_string_equal(jstr(a, "type"), "kommune");
    assert_string_equal(jstr(a, "type_how"), "option");
    free_lines(v, n);
    run_free(&r);

    /* a malformed line stops everything before indexing: no index is made */
    put("m1/bad.csv", "file,respondent,type\na.txt,X,kommune\nc.txt,\"open,annet\n");
    run(&r, "--db", "ix3", "index", "--no-themes", "--manifest", "m1/bad.csv", "m1", NULL);
    EXPECT_EXIT(&r, 2);
    assert_non_null(strstr(r.err, "'m1/bad.csv' line 3: a quoted field is not closed"));
    run_free(&r);
    struct stat st;
    char ix3[1200];
    snprintf(ix3, sizeof ix3, "%s/ix3", tmp);
    assert_int_equal(stat(ix3, &st), -1);
    put("m1/bad.csv", "file,respondent,type\na.txt,X,kommunen\n");
    run(&r, "--db", "ix3", "index", "--no-themes", "--manifest", "m1/bad.csv", "m1", NULL);
    EXPECT_EXIT(&r, 2);
    assert_non_null(strstr(r.err, "'m1/bad.csv' line 2: unknown respondent type 'kommunen'"));
    run_free(&r);
    assert_int_equal(stat(ix3, &st), -1);
    /* a bare name that two of the files to index have */
    mkdir(strcat(strcpy((char[1200]){0}, tmp), "/m2"), 0755);
    mkdir(strcat(strcpy((char[1200]){0}, tmp), "/m2/x"), 0755);
    mkdir(strcat(strcpy((char[1200]){0}, tmp), "/m2/y"), 0755);
    put("m2/x/s.txt", letter_none);
    put("m2/y/s.txt", letter_none);
    put("m2/m.csv", "file,respondent,type\ns.txt,X,annet\n");
    run(&r, "--db", "ix4", "index", "--no-themes", "--manifest", "m2/m.csv", "m2", NULL);
    EXPECT_EXIT(&r, 2);
    assert_non_null(strstr(r.err, "'m2/m.csv' line 2: 's.txt' names 2 of the files to index"));
    run_free(&r);
}

static void test_cli_type_filter(void **state)
{
    (void)state;
    mkdir(strcat(strcpy((char[1200]){0}, tmp), "/f1"), 0755);
    put("f1/a.txt", letter_kommune);
    put("f1/c.txt", "FJELLVETTFORENINGEN\n\n"
                    "Fjellvettforeningen mener at merking av stier i fjellet er viktig.\n");
    run_t r;
    run(&r, "--db", "ix5", "index", "--no-themes", "f1", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    /* both respondents write about "stier"; --type keeps one */
    run(&r, "--db", "ix5", "--json", "stier", NULL);
    EXPECT_EXIT(&r, 0);
    size_t n;
    jval_t **v = json_lines(r.out, &n);
    int kommune = 0, org = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        kommune += !strcmp(jstr(v[i], "respondent_type"), "kommune");
        org += !strcmp(jstr(v[i], "respondent_type"), "organisasjon");
    }
    assert_true(kommune > 0 && org > 0);
    free_lines(v, n);
    run_free(&r);
    run(&r, "--db", "ix5", "search", "--json", "--type", "kommune", "stier", NULL);
    EXPECT_EXIT(&r, 0);
    v = json_lines(r.out, &n);
    assert_true(n >= 2);
    for (size_t i = 0; i + 1 < n; i++) {
        assert_string_equal(jstr(v[i], "respondent_type"), "kommune");
        assert_string_equal(jstr(v[i], "respondent"), "Lillevik kommune");
    }
    free_lines(v, n);
    run_free(&r);
    /* two types: either */
    run(&r, "--db", "ix5", "search", "--json", "--type", "kommune", "--type", "organisasjon",
        "stier", NULL);
    EXPECT_EXIT(&r, 0);
    v = json_lines(r.out, &n);
    assert_int_equal((int)n - 1, kommune + org);
    free_lines(v, n);
    run_free(&r);
    /* human output: "Respondent (type)" */
    run(&r, "--db", "ix5", "--type", "organisasjon", "stier", NULL);
    EXPECT_EXIT(&r, 0);
    assert_non_null(strstr(r.out, "1. Fjellvettforeningen (organisasjon)"));
    run_free(&r);
    /* a type nobody has: no hits */
    run(&r, "--db", "ix5", "--type", "bedrift", "stier", NULL);
    EXPECT_EXIT(&r, 1);
    run_free(&r);
    /* an unknown type: a usage error, in search, themes and export */
    run(&r, "--db", "ix5", "--type", "kommuner", "stier", NULL);
    EXPECT_EXIT(&r, 2);
    assert_non_null(strstr(r.err, "unknown respondent type 'kommuner' for --type"));
    run_free(&r);
    run(&r, "--db", "ix5", "themes", "--type", "x", NULL);
    EXPECT_EXIT(&r, 2);
    run_free(&r);
    run(&r, "--db", "ix5", "export", "--format", "csv", "--all", "--type", "x", NULL);
    EXPECT_EXIT(&r, 2);
    run_free(&r);
    /* export: the column, and the filter */
    run(&r, "--db", "ix5", "export", "--format", "csv", "--all", "--type", "organisasjon", NULL);
    EXPECT_EXIT(&r, 0);
    assert_non_null(strstr(r.out, ",text,respondent_type,page,end_page,position,position_evidence,"
                                      "themes_unsure\r\n"));
    /* no pages in a .txt file, no position */
    assert_non_null(strstr(r.out, ",organisasjon,,,,,\r\n"));
    assert_null(strstr(r.out, "Lillevik"));
    run_free(&r);
    run(&r, "--db", "ix5", "export", "--format", "jsonl", "--all", "--type", "kommune", NULL);
    EXPECT_EXIT(&r, 0);
    v = json_lines(r.out, &n);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(jstr(v[i], "respondent_type"), "kommune");
    free_lines(v, n);
    run_free(&r);
}

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/hsok-resp-XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_respondents PATH-TO-HSOK\n");
        return 2;
    }
    hsok_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_rules),
        cmocka_unit_test(test_type_from_alias_table),
        cmocka_unit_test(test_manifest_parse),
        cmocka_unit_test(test_manifest_errors),
        cmocka_unit_test(test_sidecar_type),
        cmocka_unit_test(test_cli_respondents),
        cmocka_unit_test(test_cli_manifest),
        cmocka_unit_test(test_cli_type_filter),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
