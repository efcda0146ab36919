/* cli.h — declarations shared by the hsok command-line front end.
 *
 * The CLI parses arguments, calls libhsok, prints and picks the exit code; nothing else.
 * Each command lives in cmd_<name>.c and is listed once in the command table in main.c.
 */
#ifndef HSOK_CLI_H
#define HSOK_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "hsok/hsok.h"

/* Exit codes, documented in hsok(1) and `hsok --help`. */
enum {
    CLI_OK = 0,      /* success */
    CLI_NONE = 1,    /* no result / not found */
    CLI_USAGE = 2,   /* usage error (bad option, bad value, malformed query) */
    CLI_ERR = 3,     /* error: index missing or locked, I/O */
    CLI_PARTIAL = 4  /* index: some files failed, the rest were indexed */
};

/* A command: argv[0] is the command name; options may precede or follow the other words. */
typedef struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary; /* one line, for `hsok --help` */
    const char *usage;   /* synopsis line(s) without "usage: " */
    const char *options; /* option help, one option per line, or "" */
} cli_cmd_t;

/* The command called name, or NULL. */
const cli_cmd_t *cli_find_cmd(const char *name);

/* Print `hsok NAME --help` to stdout. */
void cli_cmd_help(const cli_cmd_t *cmd);

/* Long option shared by every command (value is CLI_OPT_DB) and common option values. */
enum {
    CLI_OPT_DB = 0x100,
    CLI_OPT_HELP = 'h',
    CLI_OPT_JSON = 0x101,
    CLI_OPT_COLOR = 0x102,
    CLI_OPT_THEMES = 0x103,
    CLI_OPT_THRESHOLD = 0x104,
    CLI_OPT_TYPE = 0x105,      /* --type TYPE: respondent type (cli_add_type) */
    CLI_OPT_FORM_TEXT = 0x106, /* --with-form-text: also the hearing's form text */
    CLI_OPT_POSITION = 0x107,  /* --position P: the position a passage states (cli_add_position) */
    CLI_OPT_SHARDS = 0x10f,    /* --shards FILE: taken by cli_getopt itself (dbopen.c) */
    CLI_OPT_FIRST_LOCAL = 0x110 /* commands number their own long-only options from here */
};

/* Several indexes searched as one (dbopen.c). cli_getopt records each --db and each
 * --shards FILE (the latter it never returns); cli_db_note does so for a command that parses
 * its own options. cli_db_several: --db more than once, a --db tcp:HOST:PORT, or --shards.
 * cli_db_open opens what was given (one index as hsok_db_open(hsok_db_default_path(dbpath)),
 * several with hsok_db_open_shards; several and HSOK_DB_WRITE is HSOK_ERR_INVALID).
 * cli_db_refuse prints why a writing command takes one index and returns CLI_USAGE.
 * cli_db_codes_path: the manual codes file for what was given (over several indexes the one
 * beside a local index that has one; beside more than one: says so, sets *several, NULL). */
#include "hsok/db.h"
int cli_db_note(int opt, const char *arg);
int cli_db_several(void);
int cli_db_refuse(const char *cmd);
hsok_status_t cli_db_open(const char *dbpath, hsok_db_mode_t mode, hsok_db_t **out,
                          char **err);
char *cli_db_codes_path(const char *explicit_path, const char *db_path, int *several);

/* getopt_long over argv with opterr off. Returns the option value like getopt_long; on an
 * unknown option or a missing value prints the usage error and returns -2. */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Usage error: "hsok: <message>; see 'hsok <cmd> --help'" on stderr. Returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse a non-negative decimal number for option `opt` (max `max`); on error print a usage
 * error and return -1. */
int cli_parse_uint(const char *cmd, const char *opt, const char *arg, unsigned max,
                   unsigned *out);

/* -r NAME (part of a respondent's name) and -R NAME (--respondent-exact: the whole name) do
 * not mix in one command: *mode is -1 before the first, then 0 for -r, 1 for -R. On a mix,
 * prints a usage error and returns -1. */
int cli_respondent_mode(const char *cmd, int exact, int *mode);

/* When the index at path (open as db) holds the bundled sample responses beside other files,
 * say once on stderr that its counts include the samples. */
struct hsok_db;
void cli_note_samples(struct hsok_db *db, const char *path);

/* Print "hsok: <errmsg or status string>" to stderr, free errmsg, return the exit code that
 * fits the status (CLI_USAGE for a malformed query or argument, CLI_NONE for not found when
 * not_found_is_none, else CLI_ERR). */
int cli_fail(hsok_status_t st, char *errmsg, int not_found_is_none);

/* Print "hsok: <formatted>" to stderr. The formatted message goes through out_safe (out.h),
 * as in cli_usage_error and cli_fail: control and bidi characters of the paths and names in
 * it are shown as visible escapes. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strerror(e) with a lowercase first letter, as hsok's messages are (static buffer). */
const char *cli_strerror(int e);

int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_respondents(int argc, char **argv);

/* --type TYPE of search, themes and export: add the respondent type arg (one of
 * HSOK_RESPONDENT_TYPES) to types[*n] (room for max). An unknown type, or more than max:
 * prints a usage error and returns -1. */
int cli_add_type(const char *cmd, const char *arg, const char **types, size_t *n, size_t max);

/* --position P of search, themes and export (cmd_themes.c): add the position arg names
 * (position.h: "stotter", "går imot", "ingen" …) to positions[*n] as its id ("ingen" for
 * none; room for max). An unknown name, or more than max: prints a usage error and returns
 * -1. */
int cli_add_position(const char *cmd, const char *arg, const char **positions, size_t *n,
                     size_t max);
int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_themes(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_retag(int argc, char **argv);
int cmd_code(int argc, char **argv);
int cmd_copies(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* A passage's group of copies (copies.h), as search shows it: "same text from 3
 * respondents: A, B, C (group ID, similarity 0.97)" and a newline (at most 8 names, then "and
 * N more"); JSON: the key "copies" with {group, respondents, similarity, passages}. */
struct hsok_copy_group;
void cli_copy_human(FILE *f, const struct hsok_copy_group *g, int no_collapse);
struct out_json;
void cli_copy_json(struct out_json *j, const struct hsok_copy_group *g);

/* The manual codes file (cmd_code.c) for the index at db_path: explicit_path (--codes FILE),
 * else $HSOK_CODES, else beside the index (hsok_codes_default_path). for_update locks it for
 * writing. *path_out (may be NULL) gets the path, malloc'd. Returns CLI_OK, or prints the
 * error ("'FILE':LINE: ..." for a malformed line) and returns CLI_USAGE (malformed) or
 * CLI_ERR. */
struct hsok_codes;
int cli_codes_load(const char *explicit_path, const char *db_path, int for_update,
                   struct hsok_codes **out, char **path_out);
/* Print how well the automatic tagger agrees with the manual codes: tp, fp, fn, precision and
 * recall per coded theme, and how many codes point at passages no longer in the index. */
int cli_codes_check(struct hsok_db *db, struct hsok_codes *codes, int json);

/* A passage as shown with its manual codes applied (cli_coded): rec is the passage with
 * themes replaced by the shown ones (automatic less those coded -, then those coded +);
 * added and removed are the themes coded + and - on it. */
#include <stdio.h>

#include "hsok/db.h"
struct out_json;
typedef struct cli_coded {
    struct hsok_record rec;
    const char **shown;               /* malloc'd; rec.themes points here */
    const char *const *added, *const *removed;
    size_t nadded, nremoved;
} cli_coded_t;
/* Fill *out for r (codes may be NULL: no codes). Returns 0, or -1 when out of memory. Free
 * with cli_coded_free; valid until the next cli_coded on the same codes. */
int cli_coded(struct hsok_codes *codes, const struct hsok_record *r, cli_coded_t *out);
void cli_coded_free(cli_coded_t *c);
/* JSON keys "themes_manual" (coded +) and "themes_removed" (coded -): arrays of theme ids. */
void cli_coded_json(struct out_json *j, const cli_coded_t *c);
/* The shown themes separated by sep, those coded + marked " (manual)": "kit,samhandling
 * (manual)"; nothing when there are none. Escaped for the terminal. */
void cli_coded_human(FILE *f, const cli_coded_t *c, const char *sep);
/* Whether a manual code, + or -, settles theme on r (codes may be NULL: none). */
int cli_code_settles(struct hsok_codes *codes, const struct hsok_record *r, const char *theme);

/* The checkbox answers (stances) of a whole response recs (hsok_db_response), as `hsok show
 * --file/--respondent` shows them: those of the files recs holds (and of respondent who, when
 * not NULL), by source and line. *out (malloc'd; free it) borrows from st. -1: out of memory. */
int cli_response_stances(const hsok_records_t *recs, const hsok_stances_t *st, const char *who,
                         const hsok_db_stance_t ***out, size_t *n);

/* The codebook for --themes DIR (NULL: the default directory) with --threshold (0: default).
 * *out is NULL when no DIR was given and the default directory does not exist (no tagging).
 * Returns CLI_OK, or prints the error (naming the file and line) and returns CLI_ERR. */
struct hsok_codebook;
int cli_load_codebook(const char *dir, double threshold, struct hsok_codebook **out);

/* Warn that n bytes of the file at path were not UTF-8 and were replaced by U+FFFD, the first
 * at byte `first` (nothing when n is 0): "hsok: 'x.txt': 1 invalid UTF-8 byte replaced by
 * U+FFFD (first at byte 1234)". */
void cli_warn_replaced(const char *path, size_t n, size_t first);

/* Ctrl-C and SIGTERM for commands that write the index (stop.c). A signal ignored when hsok
 * started stays ignored.
 * cli_stop_between: the first signal only sets cli_stop_signal to its number (on a terminal,
 * Ctrl-C also says "stopping after the current file"); the command stops at its next safe
 * point, commits what is finished, says so and exits 128 + the signal (130 for Ctrl-C, 143
 * for SIGTERM). The default action is put back, so a second signal ends hsok at once.
 * cli_stop_abandon: the signal writes msg to stderr and ends hsok at once with 128 + the
 * signal, for a command whose single transaction is lost anyway. */
extern volatile sig_atomic_t cli_stop_signal;
void cli_stop_between(void);
void cli_stop_abandon(const char *msg);

/* Parse a --threshold value (> 0); on error print a usage error and return -1. */
int cli_parse_threshold(const char *cmd, const char *arg, double *out);

/* The links of the manifest at path (its url column) to the sources of recs: a row's file,
 * taken relative to the manifest's folder, is the same file as a source (or, a bare file
 * name, the one source of that name). *links (free) borrows from *mf (hsok_manifest_free)
 * and recs. Returns -1 to go on, else the exit code; warn 0 prints nothing (links.c). */
struct hsok_records;
struct hsok_manifest;
struct hsok_export_link;
int cli_manifest_links(const char *path, const struct hsok_records *recs,
                       struct hsok_manifest **mf, struct hsok_export_link **links,
                       size_t *nlinks, int warn);

#endif
