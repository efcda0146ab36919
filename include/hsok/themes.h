/* themes.h — the codebook (theme files) and tagging passages with themes.
 *
 * A codebook is a directory of theme files, one theme per file, `NAME.theme`, UTF-8:
 *
 *     # personvern.theme — lines starting with '#' are comments
 *     id: personvern
 *     label: Personvern
 *     description: Privacy and data protection: GDPR, consent, confidentiality, access.
 *     parent: samfunn            (optional: the id of a broader theme)
 *     threshold: 2               (optional: this theme's tagging threshold)
 *
 *     terms:
 *       3    personvern
 *       2    samtykke
 *       2.5  "behandling av personopplysninger"
 *       1    personopplysning*
 *     exclude:
 *       "innsyn i saken"
 *
 * Header keys (`id` and `label` required; `id` is lowercase letters, digits and '-') come
 * before the lists. Weights and thresholds are plain decimal numbers (hsok_parse_decimal:
 * "3", "2.5", ".5"; no sign, exponent, hex, "inf" or "nan"): a weight above 0 and at most 100,
 * a threshold above 0 and at most 1000. Under `terms:` each line is an optional weight
 * (default 1) and a term: a
 * word, a "quoted phrase" or a prefix ending in '*'. Under `exclude:` a term vetoes the theme
 * for a passage it occurs in. Terms go through the same analyzer as search (text.h): a word
 * matches every inflection (same stem) and compounds that end in it (their head: a
 * "kjernejournalforskrift" is a "forskrift") at its full weight, and compounds that contain it
 * as another part ("personvernhensyn" for "personvern") at 0.7 of its weight; a phrase
 * matches its words in order; a prefix matches word forms that start with it.
 *
 * Scoring: each term that occurs in a passage adds weight × (1 + 0.5 × (occurrences − 1)),
 * at most 2 × weight. A theme is tagged when its score reaches its threshold (the theme's own,
 * else the codebook's, default 2). A tagged theme also tags its parent (with the child's score
 * and evidence if the parent did not reach its own threshold). Evidence is the list of distinct
 * word forms, as written in the passage, that matched ("heading: WORD" for a word of the
 * passage's section headings, see hsok_tag_passage; "context: passage before" for a tag its
 * neighbours gave, see hsok_tagging_context). When the analyzer has a lemmatizer (index,
 * retag and `hsok tag` install one), a word term also matches the passage words whose lemma or
 * bokmål concept it is ("ansvar" matches "ansvaret", "sikkerhet" matches "tryggleik"), so
 * write word terms in their base form.
 *
 * What is no evidence: the words of a sentence that only refers to the hearing (a hearing
 * word — høring, høyring… — with "viser/syner til", "takker for", "svar på", or opening the
 * sentence: "Vi viser til høringen om personvern …", "Høring – forskrift om …", or followed by
 * what it is about in a short sentence: "Høringen gjelder …"; the letter that sent it:
 * "Vi viser til brev fra departementet om …"), of a credit
 * ("Høringssvaret er utarbeidet av …", "Skrevet av …"), of a text that is a proposal's title
 * (one line without a sentence's end opening with "Forslag til", "Utkast til", "Framlegg til"
 * or "NOU"), and the parts of an organisation's name (a compound ending in departement, direktorat, kommisjon, utvalg,
 * utval, forening, foreining, forbund, tilsyn, råd, nemnd, ombud: "Justis- og
 * beredskapsdepartementet" is not beredskap); a word term that is the whole name still matches.
 */
#ifndef HSOK_THEMES_H
#define HSOK_THEMES_H

#include <stddef.h>

#include "hsok/hsok.h"
#include "hsok/text.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HSOK_DEFAULT_THRESHOLD 2.0

typedef struct hsok_codebook hsok_codebook_t;

typedef struct hsok_theme_info {
    const char *id;
    const char *label;
    const char *description; /* "" if none */
    const char *parent;      /* parent theme id, "" if none */
    const char *file;        /* the file it came from, "" if parsed from a string */
    double threshold;        /* this theme's threshold, 0 = the codebook's */
    size_t nterms;           /* number of terms (not counting exclusions) */
} hsok_theme_info_t;

/* The codebook directory used when none is given: $HSOK_THEMES if set, else ./themes if it
 * exists, else the installed data directory's themes. Static string. */
const char *hsok_codebook_default_dir(void);

/* Load every *.theme file of dir (in name order). A file with an error gives HSOK_ERR_PARSE and
 * "'dir/x.theme' line N: ...". Duplicate ids, and parents that are not in the codebook (or
 * form a cycle), are errors too. An empty directory is HSOK_ERR_EMPTY. Theme files are read
 * with hsok_read_regular_file: a *.theme that is a FIFO, a device or a directory gives
 * HSOK_ERR_NOT_REGULAR (never waited on), one over 1 MiB HSOK_ERR_TOO_LARGE. */
hsok_status_t hsok_codebook_load_dir(const char *dir, hsok_codebook_t **out, char **errmsg);

/* An empty codebook; add themes with hsok_codebook_add (then call hsok_codebook_check). */
hsok_status_t hsok_codebook_new(hsok_codebook_t **out, char **errmsg);
/* Parse one theme file's text; `name` is used in messages and as the theme's file. */
hsok_status_t hsok_codebook_add(hsok_codebook_t *cb, const char *name, const char *text,
                                size_t len, char **errmsg);
/* Check parents (exist, no cycles). */
hsok_status_t hsok_codebook_check(hsok_codebook_t *cb, char **errmsg);
void hsok_codebook_free(hsok_codebook_t *cb);

/* Read s[0..n) as a plain decimal number, the only form of a weight or a threshold: digits
 * with at most one '.' ("2", "2.5", ".5", "3."), 15 digits at most. No sign, exponent, hex,
 * "inf" or "nan", no spaces. Returns 0 with the value in *out, else -1. */
int hsok_parse_decimal(const char *s, size_t n, double *out);

/* The default threshold for themes without their own (must be > 0). */
void hsok_codebook_set_threshold(hsok_codebook_t *cb, double threshold);
double hsok_codebook_threshold(const hsok_codebook_t *cb);

size_t hsok_codebook_count(const hsok_codebook_t *cb);
const hsok_theme_info_t *hsok_codebook_theme(const hsok_codebook_t *cb, size_t i);
const hsok_theme_info_t *hsok_codebook_find(const hsok_codebook_t *cb, const char *id);

/* A 16-hex-digit fingerprint of the codebook's content and threshold (written to the index,
 * so hsok can tell when passages were tagged with another codebook). Static per codebook. */
const char *hsok_codebook_fingerprint(const hsok_codebook_t *cb);

/* One theme on one passage. */
typedef struct hsok_tag {
    const char *theme;            /* theme id */
    double score;
    const char *const *evidence;  /* distinct matched word forms, as written */
    size_t nevidence;
    /* 1: the passage's own words (and headings) do not reach twice the theme's threshold, or
     * the tag came from context: on responses to unfamiliar hearings such tags were right
     * about half the time, those at twice the threshold or more about four times in five
     * (tests/themes/README.md, "How sure a tag is"). 0: sure. Shown as "?" beside the theme. */
    int unsure;
} hsok_tag_t;

typedef struct hsok_tagging hsok_tagging_t;

/* Tag text[0..len) with the codebook, using an analyzer (no splitter needed: compound parts
 * are found by the splitter installed on `an` if any, else the word forms alone are matched).
 * *out lists the tagged themes in codebook order; free with hsok_tagging_free. */
hsok_status_t hsok_tag_text(const hsok_codebook_t *cb, hsok_analyzer_t *an, const char *text,
                            size_t len, hsok_tagging_t **out, char **errmsg);
/* The same for a passage under a section path (headings joined by " › ", "" or NULL for
 * none): the passage's own heading is evidence at 0.7 of the weight of its terms, the headings
 * above it at half, each shown as "heading: WORD" in the tag's evidence (a heading over 200
 * bytes is not read). */
hsok_status_t hsok_tag_passage(const hsok_codebook_t *cb, hsok_analyzer_t *an,
                               const char *text, size_t len, const char *section,
                               hsok_tagging_t **out, char **errmsg);
/* Context: tag each passage of one response with the themes its neighbours are sure of.
 * v[0..n) are the taggings of the passages of one response in document order (from
 * hsok_tag_passage with cb; NULL entries are passed over and break no adjacency). A theme
 * the passage's own words reach at least half the threshold for (but not the threshold) is
 * tagged when the passage just before or just after it has the theme by its own words with
 * a score of at least twice the threshold; the tag keeps its own score and evidence
 * words and adds "context: passage before" or "context: passage after". A theme a passage
 * has only from context is not passed on to its neighbours. Tags are added in place. */
hsok_status_t hsok_tagging_context(const hsok_codebook_t *cb, hsok_tagging_t *const *v,
                                   size_t n, char **errmsg);
/* Every passage of a segmented response tagged, each respondent's run of passages in context
 * (hsok_tag_passage, then hsok_tagging_context): out[i] (an array of the response's passage
 * count, filled here; free each with hsok_tagging_free, also after an error) is passage i's. */
struct hsok_segdoc;
hsok_status_t hsok_tag_segdoc(const hsok_codebook_t *cb, hsok_analyzer_t *an,
                              const struct hsok_segdoc *doc, hsok_tagging_t **out,
                              char **errmsg);
/* The tags are one array: hsok_tagging_get(t, 0) points at all hsok_tagging_count(t) of them
 * (NULL when there is none). */
size_t hsok_tagging_count(const hsok_tagging_t *t);
const hsok_tag_t *hsok_tagging_get(const hsok_tagging_t *t, size_t i);
void hsok_tagging_free(hsok_tagging_t *t);

/* Where the evidence of tags[0..ntags) is in text, for highlighting:
 * each evidence word form as written, case-sensitive, as a whole word (a form that starts or
 * ends with a letter or digit needs a word boundary there), leftmost and then longest, not
 * overlapping, every occurrence, in order. *spans is malloc'd (NULL when there is none);
 * HSOK_ERR_NOMEM leaves it NULL. */
hsok_status_t hsok_evidence_spans(const char *text, const hsok_tag_t *tags, size_t ntags,
                                  hsok_span_t **spans, size_t *nspans);

#ifdef __cplusplus
}
#endif
#endif
