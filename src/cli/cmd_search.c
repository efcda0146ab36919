/* cmd_search.c — `hsok search`: run a query, print ranked hits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "hsok/codes.h"
#include "hsok/db.h"
#include "hsok/copies.h"
#include "hsok/query.h"
#include "out.h"

enum { OPT_OFFSET = CLI_OPT_FIRST_LOCAL, OPT_NO_COLLAPSE };

static const struct option search_opts[] = {
    {"limit", required_argument, NULL, 'n'},
    {"offset", required_argument, NULL, OPT_OFFSET},
    {"respondent", required_argument, NULL, 'r'},
    {"respondent-exact", required_argument, NULL, 'R'},
    {"theme", required_argument, NULL, 't'},
    {"type", required_argument, NULL, CLI_OPT_TYPE},
    {"position", required_argument, NULL, CLI_OPT_POSITION},
    {"with-form-text", no_argument, NULL, CLI_OPT_FORM_TEXT},
    {"no-collapse", no_argument, NULL, OPT_NO_COLLAPSE},
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"color", optional_argument, NULL, CLI_OPT_COLOR},
    {"colour", optional_argument, NULL, CLI_OPT_COLOR},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct search_args {
    const char *db;
    int json;
    int with_form_text; /* --with-form-text */
    out_color_t color;
    hsok_search_opts_t opts;
    const char **respondents, **themes;
    const char *types[16]; /* --type */
    const char *positions[16]; /* --position */
    char *query;
    struct hsok_codes *codes; /* the manual codes (cmd_code.c), NULL if none */
} search_args_t;

/* A word like "-helse" is an exclusion in the query, not a cluster of short options: before
 * getopt sees it, drop the dash and remember the word's pointer (getopt only permutes
 * pointers), to put the dash back when the query is joined. */
static size_t hide_negations(int argc, char **argv, char **negated)
{
    size_t n = 0;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "-n") == 0 || strcmp(a, "-r") == 0 || strcmp(a, "-t") == 0 ||
            strcmp(a, "-R") == 0 || strcmp(a, "--respondent-exact") == 0 ||
            strcmp(a, "--limit") == 0 || strcmp(a, "--offset") == 0 ||
            strcmp(a, "--respondent") == 0 || strcmp(a, "--theme") == 0 ||
            strcmp(a, "--type") == 0 || strcmp(a, "--position") == 0 ||
            strcmp(a, "--db") == 0 || strcmp(a, "--shards") == 0) {
            k++;
            continue;
        }
        /* "-n5" is --limit 5; any other "-word" is an exclusion ("-tilgang"), so -r and -t
         * take their value as the next word */
        if (a[0] == '-' && a[1] == 'n' && a[2] >= '0' && a[2] <= '9')
            continue;
        if (a[0] == '-' && a[1] != '-' && a[1] != '\0' && a[2] != '\0') {
            argv[k]++;
            negated[n++] = argv[k];
        }
    }
    return n;
}

static int is_negated(char *const *negated, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (negated[i] == w)
            return 1;
    return 0;
}

/* Parse argv into *a. Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, search_args_t *a)
{
    char **negated = malloc((size_t)argc * sizeof *negated);
    a->respondents = malloc((size_t)argc * sizeof *a->respondents);
    a->themes = malloc((size_t)argc * sizeof *a->themes);
    if (negated == NULL || a->respondents == NULL || a->themes == NULL) {
        free(negated);
        cli_error("out of memory");
        return CLI_ERR;
    }
    size_t nneg = hide_negations(argc, argv, negated);
    int c, rc = -1;
    while (rc < 0 && (c = cli_getopt(argc, argv, "hn:r:R:t:", search_opts)) != -1) {
        switch (c) {
        case 'h':
            cli_cmd_help(cli_find_cmd("search"));
            rc = CLI_OK;
            break;
        case 'n':
            if (cli_parse_uint(argv[0], "--limit", optarg, 100000, &a->opts.limit) < 0)
                rc = CLI_USAGE;
            else if (a->opts.limit == 0)
                rc = cli_usage_error(argv[0], "--limit must be at least 1");
            break;
        case OPT_OFFSET:
            if (cli_parse_uint(argv[0], "--offset", optarg, 10000000, &a->opts.offset) < 0)
                rc = CLI_USAGE;
            break;
        case 'r':
        case 'R':
            if (cli_respondent_mode(argv[0], c == 'R', &a->opts.respondent_exact) < 0)
                rc = CLI_USAGE;
            a->respondents[a->opts.nrespondents++] = optarg;
            break;
        case 't': a->themes[a->opts.nthemes++] = optarg; break;
        case CLI_OPT_TYPE:
            if (cli_add_type(argv[0], optarg, a->types, &a->opts.ntypes, 16) < 0)
                rc = CLI_USAGE;
            break;
        case CLI_OPT_POSITION:
            if (cli_add_position(argv[0], optarg, a->positions, &a->opts.npositions, 16) < 0)
                rc = CLI_USAGE;
            break;
        case CLI_OPT_JSON: a->json = 1; break;
        case CLI_OPT_FORM_TEXT: a->with_form_text = 1; break;
        case OPT_NO_COLLAPSE: a->opts.no_collapse = 1; break;
        case CLI_OPT_COLOR:
            if (out_color_parse(optarg, &a->color) < 0)
                rc = cli_usage_error(argv[0], "invalid value '%s' for --color: expected "
                                              "auto, always or never", optarg);
            break;
        case CLI_OPT_DB: a->db = optarg; break;
        default: rc = CLI_USAGE; break;
        }
    }
    if (rc < 0 && optind >= argc)
        rc = cli_usage_error(argv[0], "no query given");
    if (rc < 0) {
        size_t len = 0;
        FILE *q = open_memstream(&a->query, &len);
        if (q == NULL) {
            cli_error("out of memory");
            rc = CLI_ERR;
        } else {
            for (int k = optind; k < argc; k++) {
                if (k > optind)
                    putc(' ', q);
                if (is_negated(negated, nneg, argv[k]))
                    putc('-', q);
                fputs(argv[k], q);
            }
            if (fclose(q) != 0) {
                cli_error("out of memory");
                rc = CLI_ERR;
            }
        }
    }
    free(negated);
    a->opts.respondents = a->respondents;
    a->opts.themes = a->themes;
    a->opts.types = a->types;
    a->opts.positions = a->positions;
    return rc;
}

/* how a hit matched, in JSON ("exact", "variant", "related") */
static const char *match_name(hsok_match_t m)
{
    return m == HSOK_MATCH_RELATED ? "related" : m == HSOK_MATCH_VARIANT ? "variant" : "exact";
}

static void print_hit_json(out_json_t *j, const hsok_hit_t *h, const cli_coded_t *cd)
{
    const hsok_record_t *r = &cd->rec;
    oj_obj_begin(j);
    oj_key(j, "format_version"); oj_uint(j, 1);
    oj_key(j, "type"); oj_str(j, "hit");
    oj_key(j, "rank"); oj_uint(j, h->rank);
    oj_key(j, "score"); oj_double(j, h->score);
    oj_record(j, r, 0);
    cli_coded_json(j, cd);
    oj_key(j, "snippet"); oj_str(j, h->snippet);
    oj_key(j, "duplicates"); oj_uint(j, h->duplicates);
    if (h->copy) /* only for a passage in a group of copies */
        cli_copy_json(j, h->copy);
    oj_key(j, "all_words"); oj_bool(j, h->all_words);
    oj_key(j, "match"); oj_str(j, match_name(h->match));
    oj_key(j, "highlights");
    oj_arr_begin(j);
    for (size_t i = 0; i < h->nspans; i++) {
        oj_arr_begin(j);
        oj_uint(j, h->spans[i].start);
        oj_uint(j, h->spans[i].end);
        oj_arr_end(j);
    }
    oj_arr_end(j);
    oj_obj_end(j);
}

/* least: "" when the counts are exact, else "at least " (hsok_results_counts_exact) */
static void print_hit_human(const hsok_hit_t *h, const cli_coded_t *cd, int color,
                            unsigned width, const char *least, int no_collapse)
{
    const hsok_record_t *r = &cd->rec;
    out_sgr(stdout, color, OUT_SGR_BOLD);
    printf("%u. ", h->rank);
    out_safe_str(stdout,
                 r->respondent && r->respondent[0] ? r->respondent : "(unknown respondent)");
    if (r->respondent_type && r->respondent_type[0]) {
        fputs(" (", stdout);
        out_safe_str(stdout, r->respondent_type);
        putchar(')');
    }
    out_pages(stdout, r);
    if (r->section && r->section[0]) {
        fputs(" — ", stdout);
        out_section(stdout, r->section, 90);
    }
    out_sgr(stdout, color, OUT_SGR_RESET);
    out_position(stdout, r);
    if (r->form_text)
        fputs("  (form text)", stdout);
    if (h->match == HSOK_MATCH_RELATED)
        fputs("  (related)", stdout);
    else if (h->match == HSOK_MATCH_VARIANT)
        fputs("  (bokmål/nynorsk)", stdout);
    putchar('\n');
    out_sgr(stdout, color, OUT_SGR_DIM);
    fputs("   ", stdout);
    out_safe_str(stdout, r->source);
    printf(":%u  [", r->line);
    out_safe_str(stdout, r->id);
    putchar(']');
    if (r->nthemes) {
        fputs("  tema: ", stdout);
        cli_coded_human(stdout, cd, ",");
    }
    out_sgr(stdout, color, OUT_SGR_RESET);
    putchar('\n');
    const char *s = h->snippet ? h->snippet : "";
    if (h->copy) {
        out_sgr(stdout, color, OUT_SGR_DIM);
        fputs("   ", stdout);
        cli_copy_human(stdout, h->copy, no_collapse);
        out_sgr(stdout, color, OUT_SGR_RESET);
    } else if (h->duplicates) {
        out_sgr(stdout, color, OUT_SGR_DIM);
        printf("   (+%s%u more passage%s from this respondent with the same text)\n", least,
               h->duplicates, h->duplicates == 1 && !*least ? "" : "s");
        out_sgr(stdout, color, OUT_SGR_RESET);
    }
    out_wrapped(stdout, s, strlen(s), h->spans, h->nspans, "   ", width, color);
    putchar('\n');
}

/* Whether the query q holds field (ASCII, lower case, with its colon) in any case. */
static int names_field(const char *q, const char *field)
{
    size_t n = strlen(field);
    for (; q && *q; q++)
        if (!strncasecmp(q, field, n))
            return 1;
    return 0;
}

/* print hit i with the manual codes applied; -1 when out of memory */
static int print_hit(const search_args_t *a, const hsok_results_t *res, size_t i,
                     out_json_t *j, int color, unsigned width, const char *least)
{
    const hsok_hit_t *h = hsok_results_get(res, i);
    cli_coded_t cd;
    if (cli_coded(a->codes, &h->rec, &cd) != 0)
        return -1;
    if (j)
        print_hit_json(j, h, &cd);
    else
        print_hit_human(h, &cd, color, width, least, a->opts.no_collapse);
    cli_coded_free(&cd);
    return 0;
}

static void print_results(const search_args_t *a, const hsok_results_t *res)
{
    size_t n = hsok_results_count(res), est = hsok_results_estimated(res);
    int relaxed = hsok_results_relaxed(res), exact = hsok_results_counts_exact(res);
    const char *sugg = hsok_results_suggestion(res);

    if (a->json) {
        out_json_t j;
        oj_init(&j, stdout);
        for (size_t i = 0; i < n; i++)
            print_hit(a, res, i, &j, 0, 0, "");
        oj_obj_begin(&j);
        oj_key(&j, "format_version"); oj_uint(&j, 1);
        oj_key(&j, "type"); oj_str(&j, "summary");
        oj_key(&j, "hits"); oj_uint(&j, n);
        oj_key(&j, "count"); oj_uint(&j, est);
        oj_key(&j, "count_exact"); oj_bool(&j, exact);
        oj_key(&j, "count_all_words"); oj_uint(&j, hsok_results_estimated_all(res));
        oj_key(&j, "count_related"); oj_uint(&j, hsok_results_estimated_related(res));
        oj_key(&j, "count_variant"); oj_uint(&j, hsok_results_estimated_variant(res));
        oj_key(&j, "passages"); oj_uint(&j, hsok_results_passages(res));
        /* the keys of format 1 before exact counts: the same numbers */
        oj_key(&j, "estimated"); oj_uint(&j, est);
        oj_key(&j, "estimated_all_words"); oj_uint(&j, hsok_results_estimated_all(res));
        oj_key(&j, "relaxed"); oj_bool(&j, relaxed);
        oj_key(&j, "estimated_related"); oj_uint(&j, hsok_results_estimated_related(res));
        oj_key(&j, "suggestion"); oj_str(&j, sugg);
        oj_obj_end(&j);
        return;
    }

    int color = out_use_color(a->color, stdout);
    unsigned width = out_width(stdout);
    for (size_t i = 0; i < n; i++) {
        const hsok_hit_t *h = hsok_results_get(res, i);
        if (!h->all_words && (i == 0 || hsok_results_get(res, i - 1)->all_words)) {
            out_sgr(stdout, color, OUT_SGR_DIM);
            printf(i == 0 && hsok_results_estimated_all(res) == 0
                       ? "── no passage has all the words; passages with some of them ──\n\n"
                       : "── passages with only some of the words ──\n\n");
            out_sgr(stdout, color, OUT_SGR_RESET);
        }
        const hsok_hit_t *prev = i ? hsok_results_get(res, i - 1) : NULL;
        if (h->match == HSOK_MATCH_VARIANT &&
            (!prev || prev->match != HSOK_MATCH_VARIANT || prev->all_words != h->all_words)) {
            out_sgr(stdout, color, OUT_SGR_DIM);
            printf("── bokmål/nynorsk: the words in the other written standard ──\n\n");
            out_sgr(stdout, color, OUT_SGR_RESET);
        }
        if (h->match == HSOK_MATCH_RELATED &&
            (!prev || prev->match != HSOK_MATCH_RELATED || prev->all_words != h->all_words)) {
            out_sgr(stdout, color, OUT_SGR_DIM);
            printf("── related: the parts of the compound apart, or other compounds with its "
                   "last part ──\n\n");
            out_sgr(stdout, color, OUT_SGR_RESET);
        }
        print_hit(a, res, i, NULL, color, width, exact ? "" : "at least ");
    }
    size_t all = hsok_results_estimated_all(res), passages = hsok_results_passages(res);
    /* counts are exact, or lower bounds said as such: never "about" */
    const char *least = exact ? "" : "at least ";
    const char *unit = passages == est && exact ? "passage" : "hit";
    if (n == 0)
        printf("no passage matches\n");
    else if (!exact || est > a->opts.offset + n || a->opts.offset > 0)
        printf("%zu of %s%zu %s%s\n", n, least, est, unit, est == 1 && exact ? "" : "s");
    else
        printf("%zu %s%s\n", n, unit, n == 1 ? "" : "s");
    if (n > 0 && strcmp(unit, "hit") == 0)
        printf("(%s%zu passage%s: identical passages of one respondent are one hit)\n", least,
               passages, passages == 1 && exact ? "" : "s");
    size_t related = hsok_results_estimated_related(res);
    size_t variant = hsok_results_estimated_variant(res);
    if ((related || variant) && n > 0) {
        printf("(%s%zu exact", least, est - related - variant);
        if (variant)
            printf(", %s%zu bokmål/nynorsk", least, variant);
        if (related)
            printf(", %s%zu related", least, related);
        printf(")\n");
    }
    if (relaxed && n > 0)
        printf("(%s%zu with all the words, the rest with some of them)\n", least, all);
    if (sugg != NULL) {
        fputs("Mente du: ", stdout);
        out_safe_str(stdout, sugg);
        fputs("?\n", stdout);
    }
}

int cmd_search(int argc, char **argv)
{
    search_args_t a;
    memset(&a, 0, sizeof a);
    a.color = OUT_COLOR_AUTO;
    a.opts.respondent_exact = -1; /* neither -r nor -R yet */
    int rc = parse_args(argc, argv, &a);
    a.opts.respondent_exact = a.opts.respondent_exact == 1;
    if (rc >= 0)
        goto out;

    hsok_db_t *db = NULL;
    hsok_results_t *res = NULL;
    char *err = NULL;
    hsok_status_t st = cli_db_open(a.db, HSOK_DB_READ, &db, &err);
    if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
        goto out;
    }
    hsok_db_with_form_text(db, a.with_form_text);
    rc = cli_codes_load(NULL, hsok_db_default_path(a.db), 0, &a.codes, NULL);
    if (rc != CLI_OK) {
        hsok_db_close(db, NULL);
        goto out;
    }
    /* theme filters see the manual codes, as themes and exports count them */
    hsok_theme_code_t *tcodes = NULL;
    size_t ntcodes = 0;
    int theme_filter = a.opts.nthemes > 0 || names_field(a.query, "tema:") ||
                       names_field(a.query, "theme:");
    st = theme_filter ? hsok_codes_resolve(db, a.codes, &tcodes, &ntcodes, &err) : HSOK_OK;
    a.opts.theme_codes = tcodes;
    a.opts.ntheme_codes = ntcodes;
    if (st == HSOK_OK)
        st = hsok_search(db, a.query, &a.opts, &res, &err);
    if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
    } else {
        print_results(&a, res);
        cli_note_samples(db, hsok_db_default_path(a.db));
        rc = hsok_results_count(res) > 0 ? CLI_OK : CLI_NONE;
    }
    if (res != NULL)
        hsok_results_free(res);
    hsok_db_close(db, NULL);
    hsok_theme_codes_free(tcodes, ntcodes);
    hsok_codes_free(a.codes);
out:
    free(a.respondents);
    free(a.themes);
    free(a.query);
    return rc;
}
