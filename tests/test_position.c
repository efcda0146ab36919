/* test_position.c — the position detector (position.h) on sentences written for the test:
 * bokmål, nynorsk, negation and scope, questions, evidence, form answers and names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hsok/position.h"

typedef struct pcase {
    const char *text;
    hsok_position_t want;
    const char *evidence; /* the first span's words, or NULL for no position */
    const char *evidence2; /* the second span's (a partial position's reservation), or NULL */
} pcase_t;

#define S HSOK_POSITION_SUPPORT
#define O HSOK_POSITION_OPPOSE
#define D HSOK_POSITION_PARTIAL
#define C HSOK_POSITION_CHANGE
#define N HSOK_POSITION_NONE

static const pcase_t cases[] = {
    /* support, bokmål */
    { "Kommunen støtter forslaget om felles journal.", S, "støtter", NULL },
    { "Helseforetaket er positive til at ordningen blir permanent.", S, "positive til", NULL },
    { "Vi er enige i departementets vurdering av behovet.", S, "enige", NULL },
    { "Foreningen slutter seg til utvalgets tilrådinger.", S, "slutter seg til", NULL },
    { "Rådet stiller seg bak hovedgrepet i lovutkastet.", S, "stiller seg bak", NULL },
    { "Dette støtter vi fullt ut.", S, "støtter", NULL },
    { "Forslaget om en felles plattform støttes.", S, "støttes", NULL },
    { "Etaten ser positivt på at fristen forlenges.", S, "positivt på", NULL },
    /* support, nynorsk */
    { "Vi støttar framlegget om ny forskrift.", S, "støttar", NULL },
    { "Fylkeskommunen er samd i at lova bør endrast.", S, "samd", NULL },
    { "Me sluttar oss til framlegget frå utvalet.", S, "sluttar oss til", NULL },
    { "Statsforvaltaren tilrår at framlegget blir vedteke.", S, "tilrår", NULL },
    /* opposition and negation */
    { "Forbundet går imot forslaget om å flytte tilsynet.", O, "går imot", NULL },
    { "Vi kan ikke støtte endringen slik den er utformet.", O, "kan ikke støtte", NULL },
    { "Kommunen støtter ikke forslaget.", O, "støtter ikke", NULL },
    { "Me støttar ikkje framlegget om sentralisering.", O, "støttar ikkje", NULL },
    { "Vi er ikke enige i at gebyret skal dobles.", O, "ikke enige", NULL },
    { "Me er ikkje einige i vurderinga til departementet.", O, "ikkje einige", NULL },
    { "Foreningen er uenig i forslaget.", O, "uenig", NULL },
    { "Laget er kritisk til at ansvaret flyttes.", O, "kritisk til", NULL },
    { "Fylkesmannen frårår at ordninga blir innført no.", O, "frårår", NULL },
    { "Eg set meg sterkt i mot denne lova.", O, "set meg sterkt i mot", NULL },
    { "Ordningen bør ikke innføres før den er utredet.", O, "bør ikke innføres", NULL },
    /* partial */
    { "Vi er delvis enige i forslaget.", D, "delvis enige", NULL },
    { "Kommunen støtter i hovedsak forslaget.", D, "støtter i hovedsak", NULL },
    { "Vi støtter formålet, men kan ikke se at tiltaket vil virke.", D, "støtter",
      "kan ikke se" },
    { "Vi støttar intensjonen. Likevel er vi usikre på om fristen held.", D, "støttar",
      "usikre på" },
    { "Vi støtter forslaget om tilsyn, men går imot gebyrene.", D, "støtter", "går imot" },
    /* a change asked for */
    { "Vi ber departementet endre kravet til dokumentasjon.", C, "ber departementet", NULL },
    { "Vi foreslår at fristen i § 4 endres til seks måneder.", C, "foreslår", NULL },
    { "Me ber om at fristen blir utvida.", C, "ber om", NULL },
    { "Kravet bør etter vår mening tas inn i forskriften.", C, "bør etter vår mening tas", NULL },
    { "Følgjene for små kommunar må utgreiast betre.", C, "må utgreiast", NULL },
    /* no position: scope, questions, others' views, descriptions */
    { "Vi kan ikke se at dette støtter målet om bedre tjenester.", N, NULL, NULL },
    { "Støtter dere forslaget?", N, NULL, NULL },
    { "Stør de framlegget? Kva meiner de om fristen?", N, NULL, NULL },
    { "Tiltak som støtter elevenes læring er viktige.", N, NULL, NULL },
    { "Departementet foreslår at loven endres.", N, NULL, NULL },
    { "Kunnskapsdepartementet ber om høringssvar innen 1. mars.", N, NULL, NULL },
    { "Kommunen har ingen merknader til høringen.", N, NULL, NULL },
    { "Systemet støtter opp under arbeidet i kommunene.", N, NULL, NULL },
    { "Vi viser til høringsbrevet av 3. mai.", N, NULL, NULL },
    { "", N, NULL, NULL },
};

static void span_is(const char *text, const hsok_position_evidence_t *ev, size_t i,
                    const char *want)
{
    assert_true(ev->nspans > i);
    assert_true(ev->start[i] < ev->end[i]);
    size_t n = ev->end[i] - ev->start[i];
    if (n != strlen(want) || memcmp(text + ev->start[i], want, n))
        fail_msg("'%s': evidence %zu is '%.*s', want '%s'", text, i, (int)n,
                 text + ev->start[i], want);
}

static void test_detect_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const pcase_t *c = &cases[i];
        hsok_position_evidence_t ev;
        memset(&ev, 0xab, sizeof ev);
        hsok_position_t p = hsok_position_detect(c->text, strlen(c->text), &ev);
        if (p != c->want)
            fail_msg("'%s': position '%s', want '%s'", c->text, hsok_position_id(p),
                     hsok_position_id(c->want));
        if (!c->evidence) {
            assert_int_equal(ev.nspans, 0);
            continue;
        }
        span_is(c->text, &ev, 0, c->evidence);
        if (c->evidence2)
            span_is(c->text, &ev, 1, c->evidence2);
        else
            assert_int_equal(ev.nspans, 1);
    }
}

/* Evidence may be NULL; a text without a NUL after len is read only up to len. */
static void test_detect_bounds(void **state)
{
    (void)state;
    const char text[] = "Vi støtter ikke forslaget";
    assert_int_equal(hsok_position_detect(text, strlen(text), NULL), O);
    /* only "Vi støtter" is read: the negation after len does not count */
    assert_int_equal(hsok_position_detect(text, strlen("Vi støtter"), NULL), S);
    assert_int_equal(hsok_position_detect(NULL, 0, NULL), N);
    /* invalid UTF-8 and a very long sentence do not break it */
    char big[6000];
    size_t n = 0;
    while (n + 10 < sizeof big - 40) {
        memcpy(big + n, "ord \xff\xfe ", 8);
        n += 8;
    }
    memcpy(big + n, "vi støtter forslaget", strlen("vi støtter forslaget"));
    n += strlen("vi støtter forslaget");
    assert_int_equal(hsok_position_detect(big, n, NULL), S);
}

static void test_from_answer(void **state)
{
    (void)state;
    assert_int_equal(hsok_position_from_answer("3) Støtter dere forslaget om X?", "Ja"), S);
    assert_int_equal(hsok_position_from_answer("Støttar de framlegget?", "Nei"), O);
    assert_int_equal(hsok_position_from_answer("Er dere enige i vurderingen?", "Delvis"), D);
    assert_int_equal(hsok_position_from_answer("Er de einige i dette?", "Ja, utdyp gjerne"), S);
    assert_int_equal(hsok_position_from_answer("Er dere positive til endringen?", "nei"), O);
    /* a question that does not ask for a position, and other answers */
    assert_int_equal(hsok_position_from_answer("Har dere kommentarer?", "Ja"), N);
    assert_int_equal(hsok_position_from_answer("Støtter dere forslaget?", "Vet ikke"), N);
    assert_int_equal(hsok_position_from_answer("Støtter dere forslaget?", ""), N);
    assert_int_equal(hsok_position_from_answer(NULL, "Ja"), N);
    assert_int_equal(hsok_position_from_answer("Støtter dere forslaget?", NULL), N);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(hsok_position_id(S), "stotter");
    assert_string_equal(hsok_position_id(O), "imot");
    assert_string_equal(hsok_position_id(D), "delvis");
    assert_string_equal(hsok_position_id(C), "endring");
    assert_string_equal(hsok_position_id(N), "");
    assert_string_equal(hsok_position_label(S), "støtter");
    assert_string_equal(hsok_position_label(O), "går imot");
    assert_string_equal(hsok_position_label(C), "ber om endring");
    assert_string_equal(hsok_position_id((hsok_position_t)99), "");
    static const struct {
        const char *s;
        hsok_position_t p;
    } ok[] = { { "stotter", S }, { "Støtter", S }, { "støttar", S },
               { "imot", O },    { "går imot", O }, { "STØTTER IKKE", O },
               { "delvis", D },  { "endring", C },  { "ber om endring", C },
               { "ingen", N } };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        hsok_position_t p = (hsok_position_t)77;
        assert_int_equal(hsok_position_parse(ok[i].s, &p), 0);
        assert_int_equal(p, ok[i].p);
    }
    hsok_position_t p = S;
    assert_int_equal(hsok_position_parse("støtte-ish", &p), -1);
    assert_int_equal(hsok_position_parse("", &p), -1);
    assert_int_equal(hsok_position_parse(NULL, &p), -1);
    assert_int_equal(p, S);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_table),
        cmocka_unit_test(test_detect_bounds),
        cmocka_unit_test(test_from_answer),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
