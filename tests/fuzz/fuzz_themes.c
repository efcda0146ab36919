/* fuzz_themes.c — libFuzzer harness for the theme-file parser and the tagger.
 *
 * Input: one or more theme files separated by form feeds ("\f"), each added with
 * hsok_codebook_add as if it were its own NAME.theme (a file that fails is left out, as
 * `hsok themes check` would report it). When the codebook checks out, a fixed passage is
 * tagged with it, at the codebook's threshold and at a low one.
 * Checked: errors come with a one-line message; every theme has an id, a label and terms;
 * a tag names a theme of the codebook, has a finite positive score and valid UTF-8 evidence
 * taken from the passage. */
#include "fuzz.h"

#include <math.h>

#include "hsok/themes.h"

#define MAX_FILES 8

static hsok_analyzer_t *an;

static const char passage[] =
    "Kommunen støtter arbeidet med personvern og informasjonssikkerhet, men savner en "
    "vurdering av samtykke og behandling av personopplysninger i helse- og omsorgstjenesten. "
    "Finansieringen av velferdsteknologi må avklares før 2026, jf. § 12, f.eks. gjennom "
    "tilskudd. «Kunstig intelligens» (KI) krever kompetanse i alle ledd.";

static void check_error(hsok_status_t st, const char *err, const char *what)
{
    FUZZ_CHECK(st == HSOK_ERR_PARSE || st == HSOK_ERR_ENCODING || st == HSOK_ERR_INVALID,
               "%s: unexpected status %s: %s", what, hsok_status_str(st), err ? err : "");
    FUZZ_CHECK(err != NULL, "%s: %s without a message", what, hsok_status_str(st));
    FUZZ_CHECK(!strchr(err, '\n'), "%s: message of more than one line: %s", what, err);
}

static void tag(const hsok_codebook_t *cb)
{
    hsok_tagging_t *t = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_tag_text(cb, an, passage, sizeof passage - 1, &t, &err);
    FUZZ_CHECK(st == HSOK_OK, "hsok_tag_text: %s: %s", hsok_status_str(st), err ? err : "");
    size_t n = hsok_tagging_count(t);
    FUZZ_CHECK(n <= hsok_codebook_count(cb), "%zu tags from %zu themes", n,
               hsok_codebook_count(cb));
    for (size_t i = 0; i < n; i++) {
        const hsok_tag_t *g = hsok_tagging_get(t, i);
        FUZZ_CHECK(g->theme && hsok_codebook_find(cb, g->theme), "tag of unknown theme '%s'",
                   g->theme ? g->theme : "(null)");
        FUZZ_CHECK(isfinite(g->score) && g->score > 0, "theme '%s' scored %g", g->theme,
                   g->score);
        for (size_t k = 0; k < g->nevidence; k++) {
            fuzz_check_utf8(g->evidence[k], "evidence");
            FUZZ_CHECK(*g->evidence[k], "empty evidence for '%s'", g->theme);
        }
    }
    hsok_tagging_free(t);
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!an && hsok_analyzer_new(&an, NULL) != HSOK_OK)
        abort();
    hsok_codebook_t *cb = NULL;
    if (hsok_codebook_new(&cb, NULL) != HSOK_OK)
        abort();
    const char *text = (const char *)data;
    size_t from = 0;
    for (int file = 0; file < MAX_FILES && from <= size; file++) {
        const char *ff = memchr(text + from, '\f', size - from);
        size_t to = ff ? (size_t)(ff - text) : size;
        if (file == MAX_FILES - 1)
            to = size;
        char name[32], *err = NULL;
        snprintf(name, sizeof name, "t%d.theme", file);
        size_t before = hsok_codebook_count(cb);
        hsok_status_t st = hsok_codebook_add(cb, name, text + from, to - from, &err);
        if (st == HSOK_OK)
            FUZZ_CHECK(hsok_codebook_count(cb) == before + 1, "added 1 theme to %zu, have %zu",
                       before, hsok_codebook_count(cb));
        else {
            check_error(st, err, "hsok_codebook_add");
            FUZZ_CHECK(hsok_codebook_count(cb) == before, "a failed file added a theme");
        }
        free(err);
        from = to + 1;
    }
    for (size_t i = 0; i < hsok_codebook_count(cb); i++) {
        const hsok_theme_info_t *ti = hsok_codebook_theme(cb, i);
        fuzz_check_utf8(ti->id, "theme id");
        FUZZ_CHECK(*ti->id, "theme %zu has an empty id", i);
        fuzz_check_utf8(ti->label, "theme label");
        fuzz_check_utf8(ti->description, "theme description");
        fuzz_check_utf8(ti->parent, "theme parent");
        FUZZ_CHECK(ti->nterms > 0, "theme '%s' has no terms", ti->id);
        FUZZ_CHECK(ti->threshold >= 0 && isfinite(ti->threshold), "theme '%s' threshold %g",
                   ti->id, ti->threshold);
        FUZZ_CHECK(hsok_codebook_find(cb, ti->id) != NULL, "theme '%s' not found", ti->id);
    }
    char *err = NULL;
    hsok_status_t st = hsok_codebook_check(cb, &err);
    if (st == HSOK_OK) {
        const char *fp = hsok_codebook_fingerprint(cb);
        FUZZ_CHECK(fp && strlen(fp) == 16, "fingerprint '%s'", fp ? fp : "(null)");
        tag(cb);
        hsok_codebook_set_threshold(cb, 0.5);
        tag(cb);
    } else {
        check_error(st, err, "hsok_codebook_check");
    }
    free(err);
    hsok_codebook_free(cb);
    return 0;
}
