/* out.h — the CLI's output writer: colour decisions, JSON lines, highlighted and wrapped text.
 *
 * Commands print only through these helpers (and plain fputs for fixed text), so escaping
 * and styling live in one place: text that comes from documents, names or paths goes through
 * out_safe (or a writer built on it), JSON through out_json_str. Output errors are checked
 * once at the end through ferror(stdout) by main.
 */
#ifndef HSOK_CLI_OUT_H
#define HSOK_CLI_OUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hsok/query.h"

/* Plain highlight markers, used when colour is off (documented in hsok(1) and --help). */
#define OUT_MARK_OPEN "**"
#define OUT_MARK_CLOSE "**"

/* SGR sequences used when colour is on. */
#define OUT_SGR_MATCH "\033[1;33m"
#define OUT_SGR_BOLD "\033[1m"
#define OUT_SGR_DIM "\033[2m"
#define OUT_SGR_RESET "\033[0m"

typedef enum out_color { OUT_COLOR_AUTO, OUT_COLOR_ALWAYS, OUT_COLOR_NEVER } out_color_t;

/* Parse a --color value ("auto", "always", "never"; NULL means "always", as for a bare
 * --color). Returns 0 and sets *mode, or -1 for anything else. */
int out_color_parse(const char *arg, out_color_t *mode);

/* Whether to colour output to f: ALWAYS/NEVER decide; AUTO means f is a terminal and
 * NO_COLOR is unset or empty. */
int out_use_color(out_color_t mode, FILE *f);

/* Write sgr when color is nonzero. */
void out_sgr(FILE *f, int color, const char *sgr);

/* JSON string literal for s, quotes included (hsok_write_json_string: control characters
 * escaped, each byte of invalid UTF-8 as \ufffd, so the output is always valid JSON); NULL is
 * written as null. */
void out_json_str(FILE *f, const char *s);

/* A streaming writer for one JSON value per line (objects and arrays nested up to
 * OUT_JSON_DEPTH). Keys and values are written in call order; commas are placed by the
 * writer. */
#define OUT_JSON_DEPTH 8
typedef struct out_json {
    FILE *f;
    unsigned depth;
    int after_key;
    int need_comma[OUT_JSON_DEPTH + 1];
} out_json_t;

void oj_init(out_json_t *j, FILE *f);
void oj_obj_begin(out_json_t *j);
void oj_obj_end(out_json_t *j); /* at depth 0 also ends the line */
void oj_arr_begin(out_json_t *j);
void oj_arr_end(out_json_t *j);
void oj_key(out_json_t *j, const char *key);
void oj_str(out_json_t *j, const char *s); /* NULL → null */
void oj_uint(out_json_t *j, uint64_t v);
void oj_double(out_json_t *j, double v);   /* non-finite → 0 */
void oj_bool(out_json_t *j, int v);
void oj_null(out_json_t *j);
/* The members a passage has in every JSON output: id, source, line, end_line, page and
 * end_page (only when the source has pages), ordinal (when with_ordinal), respondent,
 * section, themes and text. */
void oj_record(out_json_t *j, const hsok_record_t *r, int with_ordinal);

/* "  [støtter]" (the position's label, position.h) when the passage states a position, else
 * nothing. */
void out_position(FILE *f, const hsok_record_t *r);

/* ", s. 3" (", s. 3–4") after a respondent when the passage's source has pages, else nothing. */
void out_pages(FILE *f, const hsok_record_t *r);

/* Text from documents, names and paths (respondents, sections, theme labels and evidence,
 * file names, messages that quote them) never reaches a terminal raw: out_safe writes
 * s[0..len) with every character hsok_visible_next names (C0 controls, DEL, C1 controls,
 * bidi controls, bytes that are not UTF-8) as its visible escape ("\x1b", "\x07", "\u009b",
 * "\u202e", "\xff"). It is for one-line fields, so TAB, newline and CR are escapes too
 * ("\t", "\n", "\r"): a name or a path stays on its line and shows what it holds. Running
 * text (out_wrapped) turns whitespace into spaces instead. hsok's own colour sequences are
 * written with out_sgr, never through these. out_safe_str writes a NUL-terminated s (NULL:
 * nothing); out_safe_width is the columns out_safe(s, len) takes (code points, each escape
 * by its length). */
void out_safe(FILE *f, const char *s, size_t len);
void out_safe_str(FILE *f, const char *s);
size_t out_safe_width(const char *s, size_t len);

/* Format fmt like vfprintf and write the result with out_safe (the message as a whole, so
 * a name inside it is neutralised whatever conversion put it there). */
void out_safe_vprintf(FILE *f, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Write text[0..len) word-wrapped to `width` columns (counted in code points), each line
 * starting with indent, ending with a newline. The bytes in spans (sorted, non-overlapping,
 * offsets into text) are highlighted: in colour with OUT_SGR_MATCH, else wrapped in
 * OUT_MARK_OPEN/OUT_MARK_CLOSE. Runs of whitespace (including newlines) become one space;
 * other control characters are written as out_safe does. */
void out_wrapped(FILE *f, const char *text, size_t len, const hsok_span_t *spans,
                 size_t nspans, const char *indent, unsigned width, int color);

/* Write s as out_safe does, cut to at most max columns with "…" at the end if longer (at a
 * space when one is near the cut; an escape is never cut). */
void out_abbrev(FILE *f, const char *s, size_t max);

/* Write a section path ("A › B › C") as out_safe does, in at most max columns: when it is too
 * long, the last (most specific) heading is kept whole if it fits and the ones before it are
 * cut. */
void out_section(FILE *f, const char *s, size_t max);

/* Human size of n bytes ("812 B", "1.2 kB", "3.4 MB", "1.0 GB") into buf. */
void out_human_size(char *buf, size_t size, uint64_t n);

/* The width to wrap at: $COLUMNS or the terminal's width when f is a terminal (at most 100,
 * at least 40), else 80. */
unsigned out_width(FILE *f);

#endif
