/* export_internal.h — what export.c shares with the report writer export_html.c.
 *
 * The selection helpers (report order, theme labels, stances, positions, copies) and the
 * evidence marks are the same for the Markdown and the HTML report; they live in export.c.
 */
#ifndef HSOK_EXPORT_INTERNAL_H
#define HSOK_EXPORT_INTERNAL_H

#include <stdio.h>

#include "hsok/db.h"
#include "hsok/export.h"
#include "hsok/position.h"

#define DEFAULT_TITLE "Utdrag fra høringssvar"
#define NO_THEME_LABEL "Uten tema"
#define NO_RESPONDENT_LABEL "Ukjent respondent"

typedef struct report {
    const hsok_records_t *recs;
    size_t n;
    size_t *order;            /* record indices by respondent */
    const char **themes;      /* theme ids to group by, in report order */
    size_t nthemes;
    int untagged;             /* some record has no theme */
    size_t nrespondents;      /* distinct respondents among the records */
    const char **respondents; /* the distinct respondents, in report order */
} report_t;

/* The report's order and themes over recs (only: the selected theme ids, or NULL). 0, or -1
 * when memory ran out. Free with ex_report_free. */
int ex_report_init(report_t *rp, const hsok_records_t *recs, const hsok_theme_matrix_t *m,
                   const char *const *only, size_t nonly);
void ex_report_free(report_t *r);

int ex_html_strn(FILE *out, const char *s, size_t len); /* hsok_write_html of s[0..len) */
int ex_record_has_theme(const hsok_record_t *r, const char *theme);
const char *ex_respondent_of(const hsok_record_t *r); /* "" when unknown */
/* " (type)" when the type is known, written with put */
void ex_put_type(FILE *out, const char *type, int (*put)(FILE *, const char *));
/* pre "posisjon: støtter (EVIDENCE)" post, nothing when the passage states no position */
void ex_put_position(FILE *out, const hsok_record_t *r, const char *pre, const char *post,
                     int (*put)(FILE *, const char *));
int ex_str_in(const char *const *list, size_t n, const char *s);
const hsok_db_theme_t *ex_matrix_theme(const hsok_theme_matrix_t *m, const char *id);
const char *ex_theme_label(const hsok_theme_matrix_t *m, const char *id);
int ex_stance_shown(const report_t *rp, const hsok_db_stance_t *s);
size_t ex_stances_shown(const report_t *rp, const hsok_stances_t *st);
const char *ex_question_text(const hsok_db_stance_t *s); /* without its numbering */
/* before "N av utdragene er kopier av M tekster ..." after, when any are; -1 out of memory */
int ex_copies_note(FILE *out, const hsok_export_opts_t *opts, const hsok_records_t *recs,
                   const char *before, const char *after);
extern const char *const ex_position_heads[HSOK_POSITION_COUNT]; /* "", "Støtter", … */
/* before "N av temamerkene er usikre: …" after, when any tag of recs is unsure */
void ex_unsure_note(FILE *out, const hsok_records_t *recs, const char *before, const char *after);
int ex_any_position(const hsok_theme_matrix_t *m); /* some selected passage states one */

/* The HTML report (export_html.c). */
hsok_status_t ex_export_html(FILE *out, const hsok_records_t *recs,
                             const hsok_export_opts_t *opts);

#endif
