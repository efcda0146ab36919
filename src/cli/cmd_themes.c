/* cmd_themes.c — the theme commands: `hsok themes` (the theme index), `hsok tag` (tag files
 * without indexing, for tuning a theme) and `hsok retag` (re-tag the index after a codebook
 * change); and the codebook loading shared with `hsok index`.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hsok/compound.h"
#include "hsok/codes.h"
#include "hsok/copies.h"
#include "hsok/db.h"
#include "hsok/ingest.h"
#include "hsok/position.h"
#include "hsok/segment.h"
#include "hsok/themes.h"
#include "out.h"

int cli_add_position(const char *cmd, const char *arg, const char **positions, size_t *n,
                     size_t max)
{
    hsok_position_t p;
    if (hsok_position_parse(arg, &p) < 0) {
        cli_usage_error(cmd, "unknown position '%s' for --position (%s)", arg,
                        HSOK_POSITION_NAMES);
        return -1;
    }
    if (*n == max) {
        cli_usage_error(cmd, "too many --position options");
        return -1;
    }
    positions[(*n)++] = p == HSOK_POSITION_NONE ? "ingen" : hsok_position_id(p);
    return 0;
}

int cli_parse_threshold(const char *cmd, const char *arg, double *out)
{
    double v;
    if (hsok_parse_decimal(arg, strlen(arg), &v) || !(v > 0) || v > 1000) {
        cli_usage_error(cmd, "--threshold wants a plain decimal number above 0 and at most "
                        "1000 (like 2.5), not '%s'", arg);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_load_codebook(const char *dir, double threshold, hsok_codebook_t **out)
{
    *out = NULL;
    const char *d = dir ? dir : hsok_codebook_default_dir();
    if (!dir) {
        DIR *probe = opendir(d);
        if (!probe)
            return CLI_OK; /* no codebook installed: index without themes */
        closedir(probe);
    }
    char *err = NULL;
    hsok_status_t st = hsok_codebook_load_dir(d, out, &err);
    if (st != HSOK_OK)
        return cli_fail(st == HSOK_ERR_NOT_FOUND ? HSOK_ERR_IO : st, err, 0);
    if (threshold > 0)
        hsok_codebook_set_threshold(*out, threshold);
    return CLI_OK;
}

/* The evidence words of tag, separated by ", ". */
static void print_evidence(const hsok_tag_t *tag)
{
    for (size_t e = 0; e < tag->nevidence; e++) {
        if (e)
            fputs(", ", stdout);
        out_safe_str(stdout, tag->evidence[e]);
    }
}

static void print_tags_line(const hsok_tag_t *tags, size_t ntags, int color)
{
    fputs("   ", stdout);
    for (size_t t = 0; t < ntags; t++) {
        if (t)
            fputs(";", stdout);
        fputc(' ', stdout);
        out_sgr(stdout, color, OUT_SGR_BOLD);
        out_safe_str(stdout, tags[t].theme);
        if (tags[t].unsure)
            fputc('?', stdout);
        out_sgr(stdout, color, OUT_SGR_RESET);
        printf(" %.1f (", tags[t].score);
        print_evidence(&tags[t]);
        fputs(")", stdout);
    }
    fputc('\n', stdout);
}

static void json_tags(out_json_t *j, const hsok_tag_t *tags, size_t ntags)
{
    oj_key(j, "themes");
    oj_arr_begin(j);
    for (size_t t = 0; t < ntags; t++)
        oj_str(j, tags[t].theme);
    oj_arr_end(j);
    oj_key(j, "scores");
    oj_obj_begin(j);
    for (size_t t = 0; t < ntags; t++) {
        oj_key(j, tags[t].theme);
        oj_double(j, tags[t].score);
    }
    oj_obj_end(j);
    oj_key(j, "evidence");
    oj_obj_begin(j);
    for (size_t t = 0; t < ntags; t++) {
        oj_key(j, tags[t].theme);
        oj_arr_begin(j);
        for (size_t e = 0; e < tags[t].nevidence; e++)
            oj_str(j, tags[t].evidence[e]);
        oj_arr_end(j);
    }
    oj_obj_end(j);
    oj_key(j, "unsure");
    oj_arr_begin(j);
    for (size_t t = 0; t < ntags; t++)
        if (tags[t].unsure)
            oj_str(j, tags[t].theme);
    oj_arr_end(j);
}

/* ---- hsok themes ---- */

static const struct option themes_opts[] = {
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"respondent", required_argument, NULL, 'r'},
    {"respondent-exact", required_argument, NULL, 'R'},
    {"type", required_argument, NULL, CLI_OPT_TYPE},
    {"position", required_argument, NULL, CLI_OPT_POSITION},
    {"with-form-text", no_argument, NULL, CLI_OPT_FORM_TEXT},
    {"limit", required_argument, NULL, 'n'},
    {"color", optional_argument, NULL, CLI_OPT_COLOR},
    {"colour", optional_argument, NULL, CLI_OPT_COLOR},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"check", no_argument, NULL, CLI_OPT_FIRST_LOCAL + 8},
    {"codes", required_argument, NULL, CLI_OPT_FIRST_LOCAL + 9},
    {"by", required_argument, NULL, CLI_OPT_FIRST_LOCAL + 12},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* --check: the tagger against the manual codes (cli_codes_check) of --codes FILE */
static int themes_check;
static const char *themes_codes;
static const char *themes_dbpath; /* the index path, for the codes file beside it */

/* --type values of `hsok themes` */
static const char *themes_types[16];
static size_t themes_ntypes;
static const char *themes_positions[16]; /* --position */
static size_t themes_npositions;
static int themes_form_text; /* --with-form-text */
static int themes_by_type;   /* --by type */
static size_t themes_ncoded; /* manual codes that met a passage the counts take in */

/* Columns s takes when written with out_safe. */
static size_t ncols(const char *s)
{
    return out_safe_width(s, strlen(s));
}

static void pad(size_t n)
{
    while (n--)
        fputc(' ', stdout);
}

/* Columns " (type)" takes after a respondent's name; 0 for no type. */
static size_t type_cols(const char *type)
{
    return type && *type ? ncols(type) + 3 : 0;
}

/* "respondents by type: 14 kommuner, 2 uten type" and a newline */
static void print_type_census(const hsok_theme_matrix_t *m)
{
    fputs("respondents by type:", stdout);
    for (size_t k = 0; k < m->ntypes; k++)
        printf("%s %zu %s", k ? "," : "", m->type_respondents[k],
               hsok_respondent_type_plural(m->types[k]));
    fputc('\n', stdout);
}

/* --by type: per theme "id: 11 of 14 kommuner, …" */
static int print_by_type(const hsok_theme_matrix_t *m, size_t idw)
{
    fputc('\n', stdout);
    print_type_census(m);
    for (size_t t = 0; t < m->nthemes; t++) {
        char *s = hsok_theme_matrix_by_type(m, t, "of");
        if (!s) {
            fflush(stdout);
            cli_error("out of memory");
            return CLI_ERR;
        }
        out_safe_str(stdout, m->themes[t].id);
        fputc(':', stdout);
        pad(idw - ncols(m->themes[t].id) + 1);
        printf("%s\n", s);
        free(s);
    }
    return CLI_OK;
}

/* Respondents per theme and position: a table whose columns are the positions' labels, and
 * a last row over every passage; nothing when no passage states a position. */
static void print_positions(const hsok_theme_matrix_t *m, size_t idw, int color)
{
    const size_t P = HSOK_POSITION_COUNT, nt = m->nthemes;
    size_t any = 0;
    for (size_t p = 1; p < P; p++)
        any += m->theme_position_passages[nt * P + p];
    if (!any)
        return;
    if (idw < 13)
        idw = 13;
    fputs("\nrespondents by position (one that states several on a theme counts under each;\n"
          "the passages: hsok search --position P, or posisjon:P in a query)\n", stdout);
    out_sgr(stdout, color, OUT_SGR_BOLD);
    fputs("theme", stdout);
    pad(idw - 5);
    for (size_t p = 1; p < P; p++)
        printf("  %s", hsok_position_label((hsok_position_t)p));
    fputs("\n", stdout);
    out_sgr(stdout, color, OUT_SGR_RESET);
    for (size_t t = 0; t <= nt; t++) {
        const char *id = t < nt ? m->themes[t].id : "all passages";
        out_safe_str(stdout, id);
        pad(idw - ncols(id));
        for (size_t p = 1; p < P; p++) {
            char num[32];
            size_t c = m->theme_position_respondents[t * P + p];
            snprintf(num, sizeof num, "%zu", c);
            pad(2 + ncols(hsok_position_label((hsok_position_t)p)) - strlen(num));
            if (!c)
                out_sgr(stdout, color, OUT_SGR_DIM);
            fputs(num, stdout);
            if (!c)
                out_sgr(stdout, color, OUT_SGR_RESET);
        }
        fputc('\n', stdout);
    }
}

static int print_matrix(const hsok_theme_matrix_t *m, int color)
{
    printf("%zu passages from %zu respondent%s, %zu with a theme\n\n", m->passages,
           m->nrespondents, m->nrespondents == 1 ? "" : "s", m->tagged);
    if (themes_ncoded)
        printf("(the counts include %zu manual code%s: hsok code)\n\n", themes_ncoded,
               themes_ncoded == 1 ? "" : "s");
    if (m->copies)
        printf("(%zu of these passages are copies of %zu text%s that several respondents "
               "sent, each counted once per respondent: hsok copies)\n\n",
               m->copies, m->copy_groups, m->copy_groups == 1 ? "" : "s");
    size_t idw = 5;
    for (size_t t = 0; t < m->nthemes; t++)
        if (ncols(m->themes[t].id) > idw)
            idw = ncols(m->themes[t].id);
    out_sgr(stdout, color, OUT_SGR_BOLD);
    fputs("theme", stdout);
    pad(idw - 5);
    fputs("  passages  unsure  respondents  label\n", stdout);
    out_sgr(stdout, color, OUT_SGR_RESET);
    for (size_t t = 0; t < m->nthemes; t++) {
        out_safe_str(stdout, m->themes[t].id);
        pad(idw - ncols(m->themes[t].id));
        printf("  %8zu  %6zu  %11zu  ", m->theme_passages[t], m->theme_unsure_passages[t],
               m->theme_respondents[t]);
        out_abbrev(stdout, m->themes[t].label, 48);
        fputc('\n', stdout);
    }
    size_t nunsure = 0;
    for (size_t t = 0; t < m->nthemes; t++)
        nunsure += m->theme_unsure_passages[t];
    if (nunsure)
        fputs("(unsure: the passage's own words reach less than twice the threshold, or the\n"
              "theme came from the passage next to it; on unfamiliar hearings such tags were\n"
              "right about half the time, the others about four times in five: read them\n"
              "before you count them)\n",
              stdout);
    if (themes_by_type)
        return print_by_type(m, idw);
    if (m->ntypes) {
        fputc('\n', stdout);
        print_type_census(m);
        fputs("(per theme and type: hsok themes --by type)\n", stdout);
    }
    print_positions(m, idw, color);
    if (!m->nrespondents || !m->nthemes)
        return CLI_OK;
    /* respondent × theme: column headers are the theme ids; a respondent's type follows its
       name, "Drammen kommune (kommune)" */
    size_t rw = 10;
    for (size_t r = 0; r < m->nrespondents; r++) {
        size_t w = ncols(*m->respondents[r] ? m->respondents[r] : "(unknown)") +
                   type_cols(m->respondent_types[r]);
        if (w > rw)
            rw = w;
    }
    if (rw > 34)
        rw = 34;
    fputc('\n', stdout);
    out_sgr(stdout, color, OUT_SGR_BOLD);
    pad(rw);
    for (size_t t = 0; t < m->nthemes; t++) {
        fputs("  ", stdout);
        out_safe_str(stdout, m->themes[t].id);
    }
    fputs("  all\n", stdout);
    out_sgr(stdout, color, OUT_SGR_RESET);
    for (size_t r = 0; r < m->nrespondents; r++) {
        const char *name = *m->respondents[r] ? m->respondents[r] : "(unknown)";
        const char *type = m->respondent_types[r];
        size_t tw = type_cols(type), w = ncols(name) + tw;
        if (w > rw) { /* rw is 34 here: the longest type takes 16 */
            out_abbrev(stdout, name, rw - tw);
            w = rw;
        } else {
            out_safe_str(stdout, name);
        }
        if (tw) {
            fputs(" (", stdout);
            out_safe_str(stdout, type);
            fputc(')', stdout);
        }
        pad(rw - w);
        for (size_t t = 0; t < m->nthemes; t++) {
            size_t c = m->counts[r * m->nthemes + t];
            char num[32];
            snprintf(num, sizeof num, "%zu", c);
            pad(2 + ncols(m->themes[t].id) - strlen(num));
            if (!c)
                out_sgr(stdout, color, OUT_SGR_DIM);
            fputs(num, stdout);
            if (!c)
                out_sgr(stdout, color, OUT_SGR_RESET);
        }
        printf("  %3zu\n", m->respondent_passages[r]);
    }
    return CLI_OK;
}

/* "by_position": [{"position": "stotter", "respondents": 3, "passages": 5}, …], every
 * position and last "ingen" (none stated); row t of the matrix (nthemes: every passage) */
static void json_by_position(out_json_t *j, const hsok_theme_matrix_t *m, size_t t)
{
    const size_t P = HSOK_POSITION_COUNT;
    oj_key(j, "by_position");
    oj_arr_begin(j);
    for (size_t k = 1; k <= P; k++) {
        size_t p = k % P; /* 1 … 4, then 0 */
        oj_obj_begin(j);
        oj_key(j, "position");
        oj_str(j, p ? hsok_position_id((hsok_position_t)p) : "ingen");
        oj_key(j, "respondents"); oj_uint(j, m->theme_position_respondents[t * P + p]);
        oj_key(j, "passages"); oj_uint(j, m->theme_position_passages[t * P + p]);
        oj_obj_end(j);
    }
    oj_arr_end(j);
}

/* "by_type": [{"type": "kommune", "respondents": 11, "of": 14}, …] ("type" null: none) */
static void json_by_type(out_json_t *j, const hsok_theme_matrix_t *m, size_t t)
{
    oj_key(j, "by_type");
    oj_arr_begin(j);
    for (size_t k = 0; k < m->ntypes; k++) {
        oj_obj_begin(j);
        oj_key(j, "type"); oj_str(j, *m->types[k] ? m->types[k] : NULL);
        if (t < m->nthemes) {
            oj_key(j, "respondents");
            oj_uint(j, m->type_theme_respondents[t * m->ntypes + k]);
            oj_key(j, "of"); oj_uint(j, m->type_respondents[k]);
        } else {
            oj_key(j, "respondents"); oj_uint(j, m->type_respondents[k]);
        }
        oj_obj_end(j);
    }
    oj_arr_end(j);
}

static void json_matrix(const hsok_theme_matrix_t *m)
{
    out_json_t j;
    for (size_t t = 0; t < m->nthemes; t++) {
        oj_init(&j, stdout);
        oj_obj_begin(&j);
        oj_key(&j, "format_version"); oj_uint(&j, 1);
        oj_key(&j, "type"); oj_str(&j, "theme");
        oj_key(&j, "id"); oj_str(&j, m->themes[t].id);
        oj_key(&j, "label"); oj_str(&j, m->themes[t].label);
        oj_key(&j, "parent"); oj_str(&j, *m->themes[t].parent ? m->themes[t].parent : NULL);
        oj_key(&j, "passages"); oj_uint(&j, m->theme_passages[t]);
        oj_key(&j, "unsure_passages"); oj_uint(&j, m->theme_unsure_passages[t]);
        oj_key(&j, "respondents"); oj_uint(&j, m->theme_respondents[t]);
        oj_key(&j, "by_respondent");
        oj_obj_begin(&j);
        for (size_t r = 0; r < m->nrespondents; r++) {
            size_t c = m->counts[r * m->nthemes + t];
            if (!c)
                continue;
            oj_key(&j, m->respondents[r]);
            oj_uint(&j, c);
        }
        oj_obj_end(&j);
        json_by_type(&j, m, t);
        json_by_position(&j, m, t);
        oj_obj_end(&j);
    }
    oj_init(&j, stdout);
    oj_obj_begin(&j);
    oj_key(&j, "format_version"); oj_uint(&j, 1);
    oj_key(&j, "type"); oj_str(&j, "matrix");
    oj_key(&j, "passages"); oj_uint(&j, m->passages);
    oj_key(&j, "tagged"); oj_uint(&j, m->tagged);
    oj_key(&j, "manual_codes"); oj_uint(&j, themes_ncoded);
    oj_key(&j, "copies"); /* passages in groups of copies (hsok copies), by groups */
    oj_obj_begin(&j);
    oj_key(&j, "passages"); oj_uint(&j, m->copies);
    oj_key(&j, "groups"); oj_uint(&j, m->copy_groups);
    oj_obj_end(&j);
    oj_key(&j, "themes");
    oj_arr_begin(&j);
    for (size_t t = 0; t < m->nthemes; t++)
        oj_str(&j, m->themes[t].id);
    oj_arr_end(&j);
    oj_key(&j, "respondents");
    oj_arr_begin(&j);
    for (size_t r = 0; r < m->nrespondents; r++) {
        oj_obj_begin(&j);
        oj_key(&j, "name"); oj_str(&j, m->respondents[r]);
        oj_key(&j, "respondent_type");
        oj_str(&j, *m->respondent_types[r] ? m->respondent_types[r] : NULL);
        oj_key(&j, "passages"); oj_uint(&j, m->respondent_passages[r]);
        oj_key(&j, "counts");
        oj_arr_begin(&j);
        for (size_t t = 0; t < m->nthemes; t++)
            oj_uint(&j, m->counts[r * m->nthemes + t]);
        oj_arr_end(&j);
        oj_obj_end(&j);
    }
    oj_arr_end(&j);
    json_by_type(&j, m, SIZE_MAX);
    json_by_position(&j, m, m->nthemes);
    oj_obj_end(&j);
}

static int list_theme(hsok_db_t *db, const hsok_theme_matrix_t *m, const char *theme,
                      const char *const *resp, size_t nresp, int exact, unsigned limit,
                      int json, int color)
{
    size_t ti = m->nthemes;
    for (size_t t = 0; t < m->nthemes; t++)
        if (!strcmp(m->themes[t].id, theme))
            ti = t;
    if (ti == m->nthemes) {
        fflush(stdout);
        fputs("hsok: no theme '", stderr);
        out_safe_str(stderr, theme);
        fputs("' in the index", stderr);
        for (size_t t = 0; t < m->nthemes; t++) {
            fputs(t ? ", " : "; themes: ", stderr);
            out_safe_str(stderr, m->themes[t].id);
        }
        if (!m->nthemes)
            fputs("; the index has no themes (see 'hsok index --help')", stderr);
        fputc('\n', stderr);
        return CLI_USAGE;
    }
    /* the manual codes: a passage coded +theme is listed, one whose theme was removed by
       hand is shown marked and not counted */
    struct hsok_codes *codes = NULL;
    int crc = cli_codes_load(themes_codes, themes_dbpath, 0, &codes, NULL);
    if (crc != CLI_OK)
        return crc;
    int coded = hsok_codes_count(codes) > 0;
    const char *themes[1] = { theme };
    hsok_select_t sel = { .themes = themes, .nthemes = coded ? 0 : 1, .respondents = resp,
                          .nrespondents = nresp, .tagged_only = !coded,
                          .respondent_exact = exact, .types = themes_types,
                          .ntypes = themes_ntypes, .positions = themes_positions,
                          .npositions = themes_npositions };
    hsok_records_t *recs = NULL;
    hsok_copies_t *copies = NULL; /* a passage sent by several respondents is marked so */
    char *err = NULL;
    hsok_status_t st = hsok_db_select(db, &sel, &recs, &err);
    if (st == HSOK_OK && hsok_db_has_copies(db))
        st = hsok_copies_load(db, &copies, &err);
    if (st != HSOK_OK) {
        hsok_records_free(recs);
        hsok_codes_free(codes);
        return cli_fail(st, err, 0);
    }
    size_t all = hsok_records_count(recs), n = 0, nrem = 0;
    const hsok_record_t **rv = malloc((all ? all : 1) * sizeof *rv);
    char *rmv = malloc(all ? all : 1); /* rv[i]'s theme: 1 removed, 2 given only by hand */
    for (size_t i = 0; rv && rmv && i < all; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        const char *const *add, *const *rem;
        size_t nadd, nr;
        hsok_codes_lookup(codes, r, &add, &nadd, &rem, &nr);
        int autotag = !coded, added = 0, removed = 0;
        for (size_t k = 0; k < r->nthemes && !autotag; k++)
            autotag = !strcmp(r->themes[k], theme);
        for (size_t k = 0; k < nadd; k++)
            added |= !strcmp(add[k], theme);
        for (size_t k = 0; k < nr; k++)
            removed |= !strcmp(rem[k], theme);
        if (!autotag && !added)
            continue;
        removed = removed && autotag;
        rmv[n] = (char)(removed ? 1 : autotag ? 0 : 2);
        rv[n++] = r;
        nrem += removed;
    }
    if (!rv || !rmv) {
        free(rv);
        free(rmv);
        hsok_records_free(recs);
        hsok_codes_free(codes);
        hsok_copies_free(copies);
        cli_error("out of memory");
        return CLI_ERR;
    }
    if (!json) {
        out_sgr(stdout, color, OUT_SGR_BOLD);
        out_safe_str(stdout, m->themes[ti].id);
        fputs(" — ", stdout);
        out_safe_str(stdout, m->themes[ti].label);
        out_sgr(stdout, color, OUT_SGR_RESET);
        printf(": %zu passage%s", n - nrem, n - nrem == 1 ? "" : "s");
        if (nrem)
            printf(" (and %zu whose theme was removed by hand, shown marked)", nrem);
        fputc('\n', stdout);
    }
    unsigned width = out_width(stdout);
    const char *cur = NULL;
    unsigned shown = 0;
    for (size_t i = 0; i < n; i++) {
        const hsok_record_t *r = rv[i];
        if (!cur || strcmp(cur, r->respondent)) {
            cur = r->respondent;
            shown = 0;
            if (!json) {
                size_t k = 0;
                for (size_t j = i; j < n && !strcmp(rv[j]->respondent, cur); j++)
                    k += rmv[j] != 1;
                fputc('\n', stdout);
                out_sgr(stdout, color, OUT_SGR_BOLD);
                out_safe_str(stdout, *cur ? cur : "(unknown respondent)");
                out_sgr(stdout, color, OUT_SGR_RESET);
                printf(" (%zu)\n", k);
            }
        }
        if (limit && shown >= limit)
            continue;
        shown++;
        cli_coded_t cd;
        if (cli_coded(codes, r, &cd) != 0) {
            free(rv);
            free(rmv);
            hsok_codes_free(codes);
            hsok_copies_free(copies);
            hsok_records_free(recs);
            cli_error("out of memory");
            return CLI_ERR;
        }
        const hsok_copy_group_t *copy = hsok_copies_of(copies, r->id);
        int removed = 0, manual = 0;
        for (size_t k = 0; k < cd.nremoved; k++)
            removed |= !strcmp(cd.removed[k], theme);
        for (size_t k = 0; k < cd.nadded; k++)
            manual |= !strcmp(cd.added[k], theme);
        cli_coded_free(&cd);
        if (json) {
            out_json_t j;
            oj_init(&j, stdout);
            oj_obj_begin(&j);
            oj_key(&j, "format_version"); oj_uint(&j, 1);
            oj_key(&j, "type"); oj_str(&j, "passage");
            oj_key(&j, "theme"); oj_str(&j, theme);
            oj_key(&j, "id"); oj_str(&j, r->id);
            oj_key(&j, "source"); oj_str(&j, r->source);
            oj_key(&j, "line"); oj_uint(&j, r->line);
            oj_key(&j, "respondent"); oj_str(&j, r->respondent);
            oj_key(&j, "section"); oj_str(&j, r->section);
            json_tags(&j, r->tags, r->ntags);
            cli_coded_json(&j, &cd);
            oj_key(&j, "position"); oj_str(&j, *r->position ? r->position : NULL);
            oj_key(&j, "position_evidence");
            oj_str(&j, *r->position ? r->position_evidence : NULL);
            if (copy) /* only for a passage in a group of copies */
                cli_copy_json(&j, copy);
            oj_key(&j, "text"); oj_str(&j, r->text);
            oj_obj_end(&j);
            continue;
        }
        const hsok_tag_t *tag = hsok_record_tag(r, theme);
        fputs("  ", stdout);
        out_safe_str(stdout, r->source);
        printf(":%u  [", r->line);
        out_safe_str(stdout, r->id);
        putchar(']');
        char pages[32];
        if (r->page)
            printf("  %s", hsok_page_label(r->page, r->end_page, pages, sizeof pages));
        out_position(stdout, r);
        if (removed)
            fputs("  (removed by hand: hsok code)", stdout);
        else if (rmv[i] == 2)
            fputs("  (coded by hand: hsok code)", stdout);
        else if (manual)
            fputs("  (also coded by hand)", stdout);
        if (*r->section) {
            fputs("  ", stdout);
            out_section(stdout, r->section, 70);
        }
        fputc('\n', stdout);
        if (copy) { /* counted once per respondent: each sender's copy is listed */
            fputs("    ", stdout);
            cli_copy_human(stdout, copy, 1);
        }
        hsok_span_t *spans = NULL;
        size_t ns = 0;
        if (tag && hsok_evidence_spans(r->text, tag, 1, &spans, &ns) != HSOK_OK)
            cli_error("%s: out of memory: evidence not highlighted", r->id);
        out_wrapped(stdout, r->text, strlen(r->text), spans, ns, "    ", width, color);
        free(spans);
        if (tag) {
            fputs("    evidence: ", stdout);
            print_evidence(tag);
            printf(" (score %.1f%s)\n", tag->score,
                   tag->unsure ? ", unsure: below twice the threshold or from context" : "");
        }
    }
    free(rv);
    free(rmv);
    hsok_records_free(recs);
    hsok_codes_free(codes);
    hsok_copies_free(copies);
    return n ? CLI_OK : CLI_NONE;
}

/* themes --check: closes db */
static int themes_check_codes(hsok_db_t *db, const char *dbpath, int json)
{
    struct hsok_codes *codes = NULL;
    char *path = NULL;
    int rc = cli_codes_load(themes_codes, hsok_db_default_path(dbpath), 0, &codes, &path);
    if (rc == CLI_OK && !hsok_codes_count(codes)) {
        cli_error("no manual codes in '%s': code passages with 'hsok code ID +THEME'", path);
        rc = CLI_NONE;
    } else if (rc == CLI_OK) {
        rc = cli_codes_check(db, codes, json);
    }
    hsok_codes_free(codes);
    free(path);
    hsok_db_close(db, NULL);
    return rc;
}

int cmd_themes(int argc, char **argv)
{
    const char *dbpath = NULL;
    const char *resp[64];
    size_t nresp = 0;
    unsigned limit = 0;
    int json = 0, c, exact = -1;
    out_color_t cmode = OUT_COLOR_AUTO;
    while ((c = cli_getopt(argc, argv, "hr:R:n:", themes_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("themes")); return CLI_OK;
        case CLI_OPT_JSON: json = 1; break;
        case CLI_OPT_FORM_TEXT: themes_form_text = 1; break;
        case CLI_OPT_TYPE:
            if (cli_add_type(argv[0], optarg, themes_types, &themes_ntypes, 16) < 0)
                return CLI_USAGE;
            break;
        case CLI_OPT_POSITION:
            if (cli_add_position(argv[0], optarg, themes_positions, &themes_npositions, 16) < 0)
                return CLI_USAGE;
            break;
        case 'r':
        case 'R':
            if (nresp == 64)
                return cli_usage_error(argv[0], "too many --respondent options");
            if (cli_respondent_mode(argv[0], c == 'R', &exact) < 0)
                return CLI_USAGE;
            resp[nresp++] = optarg;
            break;
        case 'n':
            if (cli_parse_uint(argv[0], "--limit", optarg, 100000, &limit) < 0)
                return CLI_USAGE;
            break;
        case CLI_OPT_COLOR:
            if (out_color_parse(optarg, &cmode) < 0)
                return cli_usage_error(argv[0], "--color wants auto, always or never");
            break;
        case CLI_OPT_DB: dbpath = optarg; break;
        case CLI_OPT_FIRST_LOCAL + 8: themes_check = 1; break;
        case CLI_OPT_FIRST_LOCAL + 9: themes_codes = optarg; break;
        case CLI_OPT_FIRST_LOCAL + 12:
            if (!strcmp(optarg, "type"))
                themes_by_type = 1;
            else if (!strcmp(optarg, "respondent"))
                themes_by_type = 0;
            else
                return cli_usage_error(argv[0], "--by wants type or respondent, not '%s'",
                                       optarg);
            break;
        default: return CLI_USAGE;
        }
    }
    if (themes_check && (argc > optind || nresp || themes_ntypes || themes_npositions))
        return cli_usage_error(argv[0], "--check takes no theme, --respondent, --type or "
                                        "--position");
    if (themes_by_type && (argc > optind || themes_check))
        return cli_usage_error(argv[0], "--by type takes no THEME and no --check");
    if (argc - optind > 1)
        return cli_usage_error(argv[0], "one theme at a time ('%s' and '%s')", argv[optind],
                               argv[optind + 1]);
    int color = !json && out_use_color(cmode, stdout);
    hsok_db_t *db = NULL;
    char *err = NULL;
    hsok_status_t st = cli_db_open(dbpath, HSOK_DB_READ, &db, &err);
    if (st != HSOK_OK)
        return cli_fail(st, err, 0);
    if (themes_check)
        return themes_check_codes(db, dbpath, json);
    hsok_db_with_form_text(db, themes_form_text);
    themes_dbpath = hsok_db_default_path(dbpath);
    hsok_select_t sel = { .respondents = resp, .nrespondents = nresp,
                          .respondent_exact = exact == 1, .types = themes_types,
                          .ntypes = themes_ntypes, .positions = themes_positions,
                          .npositions = themes_npositions };
    hsok_theme_matrix_t *m = NULL;
    /* the overview counts with the manual codes applied (the list of one theme loads them
       itself) */
    struct hsok_codes *codes = NULL;
    int rc = optind < argc ? CLI_OK
                           : cli_codes_load(themes_codes, themes_dbpath, 0, &codes, NULL);
    if (rc != CLI_OK) {
        hsok_db_close(db, NULL);
        return rc;
    }
    sel.codes = codes;
    st = hsok_db_theme_matrix(db, &sel, &m, &err);
    for (size_t i = 0; i < hsok_codes_count(codes); i++)
        themes_ncoded += hsok_codes_found(codes, i) != 0;
    hsok_codes_free(codes);
    if (st == HSOK_OK)
        cli_note_samples(db, hsok_db_default_path(dbpath));
    if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
    } else if (optind < argc) {
        rc = list_theme(db, m, argv[optind], resp, nresp, exact == 1, limit, json, color);
    } else if (json) {
        json_matrix(m);
    } else {
        if (m->nthemes == 0) {
            fflush(stdout);
            cli_error("the index has no themes: index with a codebook (hsok index --themes "
                      "DIR) or run 'hsok retag'");
            rc = CLI_NONE;
        } else {
            rc = print_matrix(m, color);
        }
    }
    hsok_theme_matrix_free(m);
    hsok_db_close(db, NULL);
    return rc;
}

/* ---- hsok tag ---- */

enum { OPT_ALL = CLI_OPT_FIRST_LOCAL };

static const struct option tag_opts[] = {
    {"themes", required_argument, NULL, CLI_OPT_THEMES},
    {"threshold", required_argument, NULL, CLI_OPT_THRESHOLD},
    {"all", no_argument, NULL, OPT_ALL},
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"respondent", required_argument, NULL, 'r'},
    {"color", optional_argument, NULL, CLI_OPT_COLOR},
    {"colour", optional_argument, NULL, CLI_OPT_COLOR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int tag_file(const char *path, const hsok_codebook_t *cb, hsok_analyzer_t *an,
                    const char *respondent, int all, int json, int color, unsigned width)
{
    hsok_source_t src = { 0 };
    char *err = NULL, *meta = NULL, *meta_type = NULL;
    hsok_status_t st = hsok_source_read(path, &src, &err);
    if (st == HSOK_OK)
        cli_warn_replaced(path, src.invalid_bytes, src.first_invalid);
    if (st == HSOK_OK && !respondent)
        st = hsok_read_meta_type(path, &meta, &meta_type, &err);
    hsok_segdoc_t *doc = NULL;
    hsok_aliases_t *aliases = NULL;
    if (st == HSOK_OK)
        st = hsok_aliases_load(&aliases, &err);
    if (st == HSOK_OK) {
        hsok_segment_opts_t so = { .respondent = respondent ? respondent : meta,
                                   .aliases = aliases };
        st = hsok_segment(path, src.text, src.len, &so, &doc, &err);
    }
    /* every passage's themes first: each respondent's passages are tagged in context */
    size_t np = st == HSOK_OK ? hsok_segdoc_passage_count(doc) : 0;
    hsok_tagging_t **tgs = np ? calloc(np, sizeof *tgs) : NULL;
    if (np && !tgs) {
        st = HSOK_ERR_NOMEM;
        np = 0;
    }
    if (st == HSOK_OK && np)
        st = hsok_tag_segdoc(cb, an, doc, tgs, &err);
    for (size_t i = 0; st == HSOK_OK && i < np; i++) {
        const hsok_passage_t *p = hsok_segdoc_passage(doc, i);
        /* the type as 'hsok index' would store it: the sidecar's, else from the name */
        const char *rtype = meta_type ? meta_type
                            : *p->respondent ? hsok_respondent_type(p->respondent, aliases,
                                                                    NULL, NULL)
                                             : NULL;
        const hsok_tagging_t *tg = tgs[i];
        size_t nt = hsok_tagging_count(tg);
        const hsok_tag_t *tags = hsok_tagging_get(tg, 0); /* all nt of them */
        if (nt || all) {
            if (json) {
                out_json_t j;
                oj_init(&j, stdout);
                oj_obj_begin(&j);
                oj_key(&j, "format_version"); oj_uint(&j, 1);
                oj_key(&j, "type"); oj_str(&j, "passage");
                oj_key(&j, "source"); oj_str(&j, path);
                oj_key(&j, "line"); oj_uint(&j, p->line);
                oj_key(&j, "ordinal"); oj_uint(&j, p->ordinal);
                oj_key(&j, "respondent"); oj_str(&j, p->respondent);
                oj_key(&j, "respondent_type"); oj_str(&j, rtype ? rtype : "");
                oj_key(&j, "section"); oj_str(&j, p->section);
                json_tags(&j, tags, nt);
                oj_key(&j, "text"); oj_str(&j, p->text);
                oj_obj_end(&j);
            } else {
                out_sgr(stdout, color, OUT_SGR_BOLD);
                out_safe_str(stdout, path);
                printf(":%u", p->line);
                out_sgr(stdout, color, OUT_SGR_RESET);
                fputs("  ", stdout);
                out_safe_str(stdout, *p->respondent ? p->respondent : "(unknown respondent)");
                if (rtype) {
                    fputs(" (", stdout);
                    out_safe_str(stdout, rtype);
                    fputc(')', stdout);
                }
                if (*p->section) {
                    fputs(" — ", stdout);
                    out_section(stdout, p->section, 70);
                }
                fputc('\n', stdout);
                if (nt)
                    print_tags_line(tags, nt, color);
                else
                    fputs("    (no theme)\n", stdout);
                hsok_span_t *spans = NULL;
                size_t ns = 0;
                if (hsok_evidence_spans(p->text, tags, nt, &spans, &ns) != HSOK_OK)
                    cli_error("%s: out of memory: evidence not highlighted", path);
                out_wrapped(stdout, p->text, strlen(p->text), spans, ns, "    ", width, color);
                free(spans);
                fputc('\n', stdout);
            }
        }
    }
    for (size_t i = 0; i < np; i++)
        hsok_tagging_free(tgs[i]);
    free(tgs);
    hsok_aliases_free(aliases);
    hsok_segdoc_free(doc);
    hsok_source_clear(&src);
    free(meta);
    free(meta_type);
    if (st != HSOK_OK) {
        cli_error("%s", err ? err : hsok_status_str(st));
        free(err);
        return st == HSOK_ERR_NOMEM ? CLI_ERR : CLI_PARTIAL;
    }
    return CLI_OK;
}

int cmd_tag(int argc, char **argv)
{
    const char *dir = NULL, *respondent = NULL;
    double threshold = 0;
    int all = 0, json = 0, c;
    out_color_t cmode = OUT_COLOR_AUTO;
    while ((c = cli_getopt(argc, argv, "hr:", tag_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("tag")); return CLI_OK;
        case CLI_OPT_THEMES: dir = optarg; break;
        case CLI_OPT_THRESHOLD:
            if (cli_parse_threshold(argv[0], optarg, &threshold) < 0)
                return CLI_USAGE;
            break;
        case OPT_ALL: all = 1; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'r': respondent = optarg; break;
        case CLI_OPT_COLOR:
            if (out_color_parse(optarg, &cmode) < 0)
                return cli_usage_error(argv[0], "--color wants auto, always or never");
            break;
        default: return CLI_USAGE;
        }
    }
    if (optind >= argc)
        return cli_usage_error(argv[0], "no file given");
    if (respondent && !hsok_utf8_valid(respondent, strlen(respondent), NULL))
        return cli_usage_error(argv[0], "the --respondent value is not UTF-8 text");
    hsok_codebook_t *cb = NULL;
    int rc = cli_load_codebook(dir, threshold, &cb);
    if (rc != CLI_OK)
        return rc;
    if (!cb) {
        cli_error("no codebook: no directory '%s' (give --themes DIR)",
                  hsok_codebook_default_dir());
        return CLI_ERR;
    }
    hsok_analyzer_t *an = NULL;
    hsok_lexicon_t *lex = NULL;
    char *err = NULL;
    if (hsok_analyzer_new(&an, &err) != HSOK_OK) {
        hsok_codebook_free(cb);
        return cli_fail(HSOK_ERR_NOMEM, err, 0);
    }
    /* compound parts, as at index time (without the word list, words only) */
    if (hsok_lexicon_load(hsok_lexicon_default_paths(), 2, &lex, NULL) == HSOK_OK)
        hsok_analyzer_set_splitter(an, hsok_compound_split, lex);
    /* lemmas and bokmål/nynorsk variants, as at index time */
    struct hsok_lemmatizer *lm = NULL;
    hsok_status_t lst = hsok_lemmatizer_open(&lm, &err);
    if (lst != HSOK_OK) {
        hsok_analyzer_free(an);
        hsok_lexicon_free(lex);
        hsok_codebook_free(cb);
        return cli_fail(lst, err, 0);
    }
    hsok_analyzer_set_lemmatizer(an, lm);
    int color = !json && out_use_color(cmode, stdout);
    unsigned width = out_width(stdout);
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        int r = tag_file(argv[i], cb, an, respondent, all, json, color, width);
        if (r == CLI_ERR) {
            rc = CLI_ERR;
            break;
        }
        failed |= r != CLI_OK;
    }
    hsok_analyzer_free(an);
    hsok_lemmatizer_free(lm);
    hsok_lexicon_free(lex);
    hsok_codebook_free(cb);
    if (rc == CLI_OK && failed)
        rc = CLI_PARTIAL;
    return rc;
}

/* ---- hsok retag ---- */

static const struct option retag_opts[] = {
    {"themes", required_argument, NULL, CLI_OPT_THEMES},
    {"threshold", required_argument, NULL, CLI_OPT_THRESHOLD},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_retag(int argc, char **argv)
{
    const char *dir = NULL, *dbpath = NULL;
    double threshold = 0;
    int c;
    while ((c = cli_getopt(argc, argv, "h", retag_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("retag")); return CLI_OK;
        case CLI_OPT_THEMES: dir = optarg; break;
        case CLI_OPT_THRESHOLD:
            if (cli_parse_threshold(argv[0], optarg, &threshold) < 0)
                return CLI_USAGE;
            break;
        case CLI_OPT_DB: dbpath = optarg; break;
        default: return CLI_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    if (cli_db_several())
        return cli_db_refuse("retag");
    /* the re-tag is one transaction: stopped, nothing of it is kept, so stop at once */
    cli_stop_abandon("hsok: interrupted: the re-tag was stopped and not saved; the index "
                     "keeps its earlier tags\n");
    hsok_codebook_t *cb = NULL;
    int rc = cli_load_codebook(dir, threshold, &cb);
    if (rc != CLI_OK)
        return rc;
    if (!cb) {
        cli_error("no codebook: no directory '%s' (give --themes DIR)",
                  hsok_codebook_default_dir());
        return CLI_ERR;
    }
    hsok_db_t *db = NULL;
    char *err = NULL;
    const char *path = hsok_db_default_path(dbpath);
    /* retag needs an existing index: check read-only first, so a typo does not create one */
    hsok_status_t st = hsok_db_open(path, HSOK_DB_READ, &db, &err);
    if (st == HSOK_OK) {
        hsok_db_close(db, NULL);
        db = NULL;
        st = hsok_db_open(path, HSOK_DB_WRITE, &db, &err);
    }
    if (st != HSOK_OK) {
        hsok_codebook_free(cb);
        return cli_fail(st, err, 0);
    }
    size_t n = 0;
    st = hsok_db_retag(db, cb, &n, &err);
    cli_stop_between(); /* committed: a late signal no longer changes the outcome */
    if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
        hsok_db_close(db, NULL);
    } else {
        st = hsok_db_close(db, &err);
        if (st != HSOK_OK)
            rc = cli_fail(st, err, 0);
        else
            printf("re-tagged %zu passage%s with %zu theme%s\n", n, n == 1 ? "" : "s",
                   hsok_codebook_count(cb), hsok_codebook_count(cb) == 1 ? "" : "s");
    }
    hsok_codebook_free(cb);
    return rc;
}
