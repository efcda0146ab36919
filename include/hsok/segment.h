/* segment.h — clean text becomes passages, each with its respondent and section.
 *
 * Handles PDF-extracted text: double-spaced lines, sentences broken across lines, words
 * hyphenated across lines ("informa-" / "sjon" → "informasjon", while "helse- og" and "KS-"
 * keep their hyphen), bullets (•, -, –, ▪, *, ◦), checkbox lines ("☒ Ja ☐ Nei ☐ Vet ikke",
 * "Ja ☒ Nei ☐": a line that is nothing but the options is recorded as a stance, not a
 * passage; checkboxes inside a sentence stay text, and a run of them with the usual answers
 * still gives a stance), trailing spaces, footnote markers ("KIT1" with the
 * footnote line "1 KIT står for: …": the marker is removed from the word, the footnote
 * becomes a passage of its own).
 *
 * Passages are paragraphs, single bullets, or short runs of short bullets: typically 1–8
 * sentences, never a whole page (a long paragraph is cut at sentence ends).
 * Web-form exports: "Spørsmål 4: …" / "Spørsmål 4" lines are questions at one level, "Svar: Ja"
 * is the open question's answer, and "Kommentar:", "Begrunnelse:", "Utdyp:", "Merknad:" labels
 * are cut off (the text after them is a passage; an empty label gives none).
 * Sections are headings: numbered questions ("2) Har dere …?"), goals and similar numbered
 * headings ("Mål 3: …"), and short unnumbered heading lines ("Om indikatorer"). A passage's
 * section path joins the open headings with " › ".
 * A reader's structure hints (opts->hints, reader.h) are trusted over these guesses: a hinted
 * heading is a section (a deeper level a sub-section, "A › B"; one that asks "2) …?" a
 * question; "Høringssvar fra X" a title), a list item a bullet (a numbered one that asks a
 * question), a table row a passage of its own never reflowed into the next line (a stance
 * when its last cell is a checkbox line). Lines without a hint are guessed as in text.
 * Respondents are detected from the text (the organisation that writes), can be overridden
 * (options or a sidecar FILE.meta), and a file holding several responses is split between them.
 */
#ifndef HSOK_SEGMENT_H
#define HSOK_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hsok_passage_kind {
    HSOK_PASSAGE_PARAGRAPH,
    HSOK_PASSAGE_BULLETS,  /* one bullet or a short run of bullets */
    HSOK_PASSAGE_FOOTNOTE
} hsok_passage_kind_t;

typedef struct hsok_passage {
    const char *text;        /* reflowed text, one line, UTF-8; bullets of a run joined by "\n" */
    const char *respondent;  /* never NULL; "" if unknown */
    const char *section;     /* section path, "" if none */
    const char *question;    /* the numbered question heading alone ("2) Har dere …?"), or "" */
    int question_no;         /* its number, 0 if none */
    int goal_no;             /* number of an open "Mål N" heading, 0 if none */
    hsok_passage_kind_t kind;
    unsigned ordinal;        /* 0-based, in document order within the file */
    unsigned line;           /* 1-based line of the first character in the source text */
    unsigned end_line;       /* 1-based line of the last character */
    size_t start, end;       /* byte offsets [start, end) in the source text */
    unsigned page, end_page; /* 1-based pages of its first and last character: one more than
                              * the form feeds ('\f', a page break as reader.h says) before
                              * them; 0 when the text holds no form feed */
} hsok_passage_t;

typedef struct hsok_stance {
    const char *respondent;  /* "" if unknown */
    const char *question;    /* the question heading it answers, "" if none */
    int question_no;
    const char *answer;      /* the checked option's label, e.g. "Ja" ("Ja, utdyp gjerne" → "Ja") */
    const char *options;     /* all options, "|" separated: "Ja|Nei|Vet ikke" */
    unsigned line;
} hsok_stance_t;

/* The respondent alias table (aliases.c): other names of a respondent mapped to one name. */
typedef struct hsok_aliases hsok_aliases_t;

/* Parse an alias table (data/respondent-aliases.tsv): lines "alias<TAB>name" or
 * "alias<TAB>name<TAB>type", "#" comments, blank lines. Names match ignoring case and any
 * run of characters other than letters and digits ("IKT Norge" = "IKT-Norge"); a name maps
 * to itself too, so a letterhead in capitals gets the table's spelling. The first line that
 * names an alias wins. `name` is used in messages: "'x.tsv' line N: ..." (HSOK_ERR_PARSE;
 * HSOK_ERR_ENCODING for a line that is not UTF-8). *out is freed with hsok_aliases_free. */
hsok_status_t hsok_aliases_parse(const char *name, const char *text, size_t len,
                                 hsok_aliases_t **out, char **errmsg);
void hsok_aliases_free(hsok_aliases_t *t);

/* Load the alias table: $HSOK_ALIASES (empty: none), else the first of
 * ./data/respondent-aliases.tsv, the installed one and the source tree's. *out is NULL when
 * there is none; errors as hsok_read_regular_file and hsok_aliases_parse. */
hsok_status_t hsok_aliases_load(hsok_aliases_t **out, char **errmsg);

/* A hash of the table's text (0 for NULL): part of an indexed file's signature. */
uint64_t hsok_aliases_hash(const hsok_aliases_t *t);

/* The canonical name of `name` (borrowed from t), or NULL if the table does not know it;
 * *type (may be NULL) gets the table's respondent type for it, or NULL. */
const char *hsok_aliases_lookup(const hsok_aliases_t *t, const char *name, const char **type);

/* The respondent type s[0..n) names ("kommune", "fylkeskommune", "statsforvalter",
 * "helseforetak", "statlig", "universitet", "organisasjon", "fagforening", "bedrift",
 * "privatperson", "annet"), as a static string; NULL if it is none of them. */
const char *hsok_respondent_type_name(const char *s, size_t n);

/* The i-th respondent type in the order above (static), NULL past the last. */
const char *hsok_respondent_type_at(size_t i);

/* The Norwegian plural of a respondent type, for counts ("kommuner", "fylkeskommuner",
 * "statsforvaltere", "helseforetak", "statlige etater", "universiteter/høgskoler",
 * "organisasjoner", "fagforeninger", "bedrifter", "privatpersoner", "andre"); "uten type"
 * for NULL, "" or a name that is no type. Static. */
const char *hsok_respondent_type_plural(const char *type);

/* The types, for messages. */
#define HSOK_RESPONDENT_TYPES                                                                   \
    "kommune, fylkeskommune, statsforvalter, helseforetak, statlig, universitet, "            \
    "organisasjon, fagforening, bedrift, privatperson, annet"

/* The respondent type of the respondent `name` (hsok_respondent_type_name's static string),
 * or NULL when no rule knows it: the alias table's TYPE column for the name (aliases may be
 * NULL), else Norwegian
 * naming conventions: "X kommune"/"X herad" kommune, "X fylkeskommune", "Statsforvalteren/
 * Statsforvaltaren/Fylkesmannen i X" statsforvalter, "X HF"/"RHF" and hospitals helseforetak,
 * "X SF" statlig, "X AS/ASA/SA" bedrift, universities and colleges ("Universitetet i X",
 * "X universitet", "Høgskulen på X", NTNU) universitet, "…direktoratet", "…tilsynet",
 * "…etaten", "…departementet", "…ombudet", "Statens X" statlig, unions ("…forbundet",
 * "fagforening") fagforening, other organisations ("…foreningen", "Norsk X", "…organisasjon")
 * organisasjon, a person's name privatperson. *how (may be NULL) gets "alias table" or
 * "name" (NULL when unknown); *doubt (may be NULL) is nonzero when the rule that gave it is
 * often wrong ("…forbund" may be a patients' federation, an acronym any organisation). */
const char *hsok_respondent_type(const char *name, const hsok_aliases_t *aliases,
                                 const char **how, int *doubt);

typedef struct hsok_segment_opts {
    const char *respondent;  /* if not NULL: every passage gets this respondent (no detection) */
    unsigned max_passage_chars; /* 0 = default (1200): longer paragraphs are cut at sentences */
    const hsok_aliases_t *aliases; /* if not NULL: respondents (detected or given) by their
                                    * canonical names */
    const struct hsok_hint *hints; /* structure hints of a reader (reader.h), sorted by offset;
                                    * NULL for none */
    size_t nhints;
} hsok_segment_opts_t;

typedef struct hsok_segdoc hsok_segdoc_t;

/* Segment text[0..len) (clean UTF-8 from ingest.h). `name` is used in messages only.
 * *out owns all strings of its passages and stances; free with hsok_segdoc_free. */
hsok_status_t hsok_segment(const char *name, const char *text, size_t len,
                           const hsok_segment_opts_t *opts, hsok_segdoc_t **out, char **errmsg);
void hsok_segdoc_free(hsok_segdoc_t *doc);

size_t hsok_segdoc_passage_count(const hsok_segdoc_t *doc);
const hsok_passage_t *hsok_segdoc_passage(const hsok_segdoc_t *doc, size_t i);
size_t hsok_segdoc_stance_count(const hsok_segdoc_t *doc);
const hsok_stance_t *hsok_segdoc_stance(const hsok_segdoc_t *doc, size_t i);
/* Distinct respondents in order of first appearance. */
size_t hsok_segdoc_respondent_count(const hsok_segdoc_t *doc);
const char *hsok_segdoc_respondent(const hsok_segdoc_t *doc, size_t i);
/* What found respondent i, a static string: "title", "header", "by line", "letterhead",
 * "possessive", "signature", "text", "mailbox" or "signer" (weak: a person's name under the
 * closing); "" when it was given (hsok_segment_opts_t.respondent). */
const char *hsok_segdoc_respondent_how(const hsok_segdoc_t *doc, size_t i);

/* Read the sidecar PATH.meta (else PATH without its extension + .meta) if it exists (in
 * sidecar.c): lines "key: value", "#" comments. Known keys: "respondent". *respondent gets a
 * malloc'd value or NULL when there is no file or no key. A malformed line, a second
 * 'respondent' line, a nul byte or a sidecar over 1 MiB gives HSOK_ERR_PARSE with
 * "'x.meta' line N: ..."; a respondent that is not UTF-8 HSOK_ERR_ENCODING. A sidecar that
 * is a FIFO, a device or a directory is not opened for reading: HSOK_ERR_NOT_REGULAR,
 * "sidecar 'x.meta': a FIFO, not a regular file". */
hsok_status_t hsok_read_meta(const char *path, char **respondent, char **errmsg);

/* As hsok_read_meta, and *type (may be NULL) gets the "type:" line's respondent type
 * (malloc'd) or NULL. An unknown type, an empty one or a second 'type' line is
 * HSOK_ERR_PARSE: "'x.meta' line N: unknown respondent type 'kommunen' (kommune, …)". */
hsok_status_t hsok_read_meta_type(const char *path, char **respondent, char **type,
                                  char **errmsg);

#ifdef __cplusplus
}
#endif
#endif
