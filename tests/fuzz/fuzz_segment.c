/* fuzz_segment.c — libFuzzer harness for the reflow and segmenter.
 *
 * Input: the bytes of a source file. As in `hsok index`, they are decoded first
 * (hsok_source_decode) and the clean text is segmented (hsok_segment) twice: with respondent
 * detection and the default passage size, and with a respondent override and the smallest
 * passage size (which cuts long paragraphs at sentences most often).
 * Checked: every passage and stance has its strings (valid UTF-8, one line but for the bullets
 * of a run), offsets inside the text, lines inside the file, ordinals in order; respondents
 * are distinct. */
#include "fuzz.h"

#include "hsok/ingest.h"
#include "hsok/segment.h"

static void check_doc(const hsok_segdoc_t *doc, const char *text, size_t len, const char *who)
{
    unsigned nlines = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n' && i + 1 < len)
            nlines++;
    size_t np = hsok_segdoc_passage_count(doc);
    for (size_t i = 0; i < np; i++) {
        const hsok_passage_t *p = hsok_segdoc_passage(doc, i);
        FUZZ_CHECK(p != NULL, "passage %zu of %zu is NULL", i, np);
        fuzz_check_utf8(p->text, "passage text");
        FUZZ_CHECK(*p->text, "passage %zu is empty", i);
        fuzz_check_utf8(p->respondent, "passage respondent");
        fuzz_check_utf8(p->section, "passage section");
        fuzz_check_utf8(p->question, "passage question");
        /* one line: only the bullets of a run are joined by "\n" */
        FUZZ_CHECK(p->kind == HSOK_PASSAGE_BULLETS || !strchr(p->text, '\n'),
                   "passage %zu (kind %d) has a newline: '%s'", i, (int)p->kind, p->text);
        FUZZ_CHECK(!strchr(p->respondent, '\n') && !strchr(p->section, '\n') &&
                       !strchr(p->question, '\n'),
                   "newline in respondent '%s', section '%s' or question '%s'", p->respondent,
                   p->section, p->question);
        if (who)
            FUZZ_CHECK(!strcmp(p->respondent, who), "respondent '%s', override '%s'",
                       p->respondent, who);
        FUZZ_CHECK(p->kind == HSOK_PASSAGE_PARAGRAPH || p->kind == HSOK_PASSAGE_BULLETS ||
                       p->kind == HSOK_PASSAGE_FOOTNOTE, "passage kind %d", (int)p->kind);
        FUZZ_CHECK(p->ordinal == i, "passage %zu has ordinal %u", i, p->ordinal);
        FUZZ_CHECK(p->start <= p->end && p->end <= len, "passage [%zu, %zu) of %zu bytes",
                   p->start, p->end, len);
        FUZZ_CHECK(p->line >= 1 && p->line <= p->end_line && p->end_line <= nlines,
                   "passage lines %u-%u of %u", p->line, p->end_line, nlines);
        FUZZ_CHECK(p->question_no >= 0 && p->goal_no >= 0, "question %d, goal %d",
                   p->question_no, p->goal_no);
    }
    size_t ns = hsok_segdoc_stance_count(doc);
    for (size_t i = 0; i < ns; i++) {
        const hsok_stance_t *s = hsok_segdoc_stance(doc, i);
        FUZZ_CHECK(s != NULL, "stance %zu of %zu is NULL", i, ns);
        fuzz_check_utf8(s->respondent, "stance respondent");
        fuzz_check_utf8(s->question, "stance question");
        fuzz_check_utf8(s->answer, "stance answer");
        fuzz_check_utf8(s->options, "stance options");
        FUZZ_CHECK(s->line >= 1 && s->line <= nlines, "stance line %u of %u", s->line, nlines);
    }
    size_t nr = hsok_segdoc_respondent_count(doc);
    for (size_t i = 0; i < nr; i++) {
        const char *r = hsok_segdoc_respondent(doc, i);
        fuzz_check_utf8(r, "respondent");
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(r, hsok_segdoc_respondent(doc, j)) != 0,
                       "respondent '%s' listed twice", r);
    }
}

static void segment(const hsok_source_t *src, const hsok_segment_opts_t *opts)
{
    hsok_segdoc_t *doc = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_segment("fuzz.txt", src->text, src->len, opts, &doc, &err);
    FUZZ_CHECK(st == HSOK_OK, "hsok_segment: %s: %s", hsok_status_str(st), err ? err : "");
    check_doc(doc, src->text, src->len, opts ? opts->respondent : NULL);
    hsok_segdoc_free(doc);
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hsok_source_t src;
    if (hsok_source_decode("fuzz.txt", (const char *)data, size, &src, NULL) != HSOK_OK)
        return 0;
    segment(&src, NULL);
    hsok_segment_opts_t opts = { .respondent = "Fuzz kommune", .max_passage_chars = 1 };
    segment(&src, &opts);
    hsok_source_clear(&src);
    return 0;
}
