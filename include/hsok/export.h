/* export.h — tagged excerpts in the formats a summary report is written from.
 *
 * One writer per format behind one call (after notmuch's sprinter); every string that comes
 * from a document goes through the small escaping helpers below, which are tested on their own.
 *
 *  csv   RFC 4180, UTF-8, CRLF line ends, a header row; one row per passage. With `excel`, a
 *        UTF-8 BOM first. A cell that begins with '=', '+', '-', '@', TAB or CR is neutralised
 *        with a leading apostrophe (spreadsheet formula injection).
 *        Columns: id, respondent, section, themes (ids joined by "; "), evidence
 *        ("theme: word, word; theme: …"), source, line, text, respondent_type, page and
 *        end_page (empty when the source has no pages), position, position_evidence,
 *        themes_unsure (the ids of the tags marked unsure, hsok_tag_t.unsure).
 *  jsonl One JSON object per passage and line: format_version, type "passage", id, source,
 *        line, end_line, page and end_page (only when the source has pages), respondent,
 *        section, question, goal, themes (array of ids), evidence
 *        (object: theme id → array of words), scores (object: theme id → number), unsure
 *        (array of the ids whose tag is unsure), position, position_evidence, text.
 *  md    A title, then a heading per theme (label and id), under it a sub-heading per
 *        respondent and each passage as a block quote with its attribution
 *        ("— Respondent, s. 3, section, source:line"; the page only from a paged source);
 *        passages without themes under "Uten tema" (only when they were selected). Markdown special characters in document text are
 *        escaped so a quote renders as the text it is; control and bidi characters are
 *        written as visible escapes (hsok_visible_next), as the file is also read in
 *        terminals and editors.
 *  html  A report for leadership in one self-contained UTF-8 file (inline CSS and SVG, no
 *        scripts, no network requests; export_html.c): a title and what was selected; an
 *        overview (key figures, bar charts of the respondents by type, of each theme by type
 *        and of the positions per theme); the checkbox answers per question;
 *        per theme a few chosen quotes (at most 5, one per respondent, each passage quoted
 *        once in the report: those of a fitting length first, then those that state a
 *        position, then by the theme's score) cited "Respondent (type), s. 3", linked to the
 *        original document when opts->links knows its URL; then appendices: the numbers of
 *        the charts (ids etter-type, etter-posisjon), the respondent × theme matrix (split into tables of at most 16 themes, rotated headers, so it fits
 *        A4 portrait), every selected passage once with all its themes, by respondent, and
 *        who answered what. Laid out for the screen and for A4 portrait and landscape.
 *        Everything from a document is HTML-escaped.
 */
#ifndef HSOK_EXPORT_H
#define HSOK_EXPORT_H

#include <stdio.h>

#include "hsok/db.h"
#include "hsok/hsok.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hsok_export_format {
    HSOK_EXPORT_CSV,
    HSOK_EXPORT_JSONL,
    HSOK_EXPORT_MD,
    HSOK_EXPORT_HTML,
    HSOK_EXPORT_XLSX   /* a workbook: hsok_export_xlsx (to a file, not a stream) */
} hsok_export_format_t;

/* "csv", "jsonl" (also "json"), "md" (also "markdown"), "html", "xlsx": 0 and *out set,
 * else -1. */
int hsok_export_format_parse(const char *name, hsok_export_format_t *out);

/* A source file's original document on the web (a manifest's url column), for the html
 * report's citations. */
typedef struct hsok_export_link {
    const char *source;                 /* the path as indexed (hsok_record_t.source) */
    const char *url;                    /* an http:// or https:// URL; others are not linked */
} hsok_export_link_t;

typedef struct hsok_export_opts {
    hsok_export_format_t format;
    int excel;                          /* csv: write a UTF-8 BOM first */
    const char *title;                  /* md/html title; NULL: "Utdrag fra høringssvar" */
    const char *selection;              /* md/html: what was selected, e.g. "tema: kit"; or NULL */
    const hsok_theme_matrix_t *matrix;  /* html heatmap, md table, theme labels; may be NULL */
    const hsok_stances_t *stances;      /* md/html: answers per question; may be NULL */
    const char *const *themes;          /* md/html: group only by these theme ids, in this
                                           order (the selected themes); NULL: every theme */
    size_t nthemes;
    struct hsok_codes *codes;           /* the manual codes (codes.h), applied to recs with
                                           hsok_codes_apply; NULL: none. When set, csv gets
                                           the columns themes_manual and themes_removed
                                           (ids joined by "; ") and jsonl the keys of the
                                           same names (arrays of ids): the themes coded +
                                           and - on the passage */
    const struct hsok_copies *copies;   /* the index's groups of copies (copies.h), or NULL.
                                           When it has any: csv gets the columns copy_group
                                           and copy_respondents ("; "), jsonl the key
                                           "copies" ({group, respondents, similarity}) on a
                                           passage in a group, md and html a note of how
                                           many passages are copies of how many texts */
    const hsok_export_link_t *links;    /* html: each citation of a passage from one of these
                                           sources links to its url; NULL: none */
    size_t nlinks;
    const char *stylesheet;             /* html: link this stylesheet URL (serving the text
                                           of hsok_export_html_css) instead of inlining the
                                           CSS, and write no style attribute (heatmap cells
                                           and legend swatches by class), so the page shows
                                           under a server's CSP style-src 'self' (`hsok
                                           serve` /report); NULL: one self-contained file */
} hsok_export_opts_t;

/* The CSS of the html report: the text the export inlines, or serves at opts->stylesheet. */
const char *hsok_export_html_css(void);

/* Write recs as an Excel workbook to the file at path (export_xlsx.c), replacing it: a sheet
 * "Utdrag" of the passages (respondent, type, section, page, end_page, themes, text,
 * position, citation "Respondent (type), s. 3", id, source, line; with opts->codes also
 * themes_manual and themes_removed), and with opts->matrix "Tema og respondent" (respondent
 * × theme counts) and "Standpunkt" (respondents and passages per theme and position). Header
 * rows bold and frozen, autofilters on, column widths set; every value a string or number
 * cell, never a formula. HSOK_ERR_IO "cannot write 'x': ..." when the file fails. */
hsok_status_t hsok_export_xlsx(const char *path, const hsok_records_t *recs,
                               const hsok_export_opts_t *opts, char **errmsg);

/* Write recs to out (not HSOK_EXPORT_XLSX: HSOK_ERR_INVALID). Errors: HSOK_ERR_IO ("cannot
 * write: ...") if out fails. */
hsok_status_t hsok_export(FILE *out, const hsok_records_t *recs, const hsok_export_opts_t *opts,
                          char **errmsg);

/* Escaping helpers (each returns 0, or -1 on a write error). */
int hsok_write_csv_cell(FILE *out, const char *s);      /* quoted when needed, neutralised */
int hsok_write_json_string(FILE *out, const char *s);   /* with the quotes; \u escapes for
                                                           control characters, C1 and bidi
                                                           controls, U+2028 and U+2029 */
int hsok_write_html(FILE *out, const char *s);          /* & < > " ' escaped */
int hsok_write_md(FILE *out, const char *s);            /* \ ` * _ [ ] < > # | escaped; a line
                                                           start that would be a list or a
                                                           heading is escaped too; the
                                                           characters of hsok_visible_next
                                                           as its visible escapes */

/* Text for a terminal or a plain-text file must not carry characters that a terminal runs or
 * that disguise the text around them: C0 controls (ESC starts escape sequences that set the
 * window title, clear the screen or hide a link; BEL ends them), DEL, C1 controls
 * (U+0080-U+009F: U+009B is a CSI on some terminals) and Unicode's Bidi_Control characters
 * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: they reorder what is shown).
 *
 * hsok_visible_next looks at the character at s[0..len) and returns its length in bytes (1
 * for a byte that does not start valid UTF-8; 0 only when len is 0). When the character is
 * one of the above, esc receives its visible escape: "\t", "\n", "\r", "\x1b" for the other
 * C0 controls and DEL, "\u009b" or "\u202e" for C1 and bidi controls, and "\xff" for each
 * invalid byte; else esc is "" and the character is written as it is. The one place that
 * decides this, for the CLI's text output (src/cli/out.c) and the Markdown export. */
#define HSOK_ESCAPE_MAX 8 /* the longest escape, "\u202e", and its NUL */
size_t hsok_visible_next(const char *s, size_t len, char esc[HSOK_ESCAPE_MAX]);

#ifdef __cplusplus
}
#endif
#endif
