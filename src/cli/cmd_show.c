/* cmd_show.c — `hsok show ID`: a passage with its neighbours in the same file; `hsok show
 * --file PATH` and `--respondent NAME`: a whole response in document order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hsok/codes.h"
#include "hsok/db.h"
#include "out.h"

static const struct option show_opts[] = {
    {"context", required_argument, NULL, 'C'},
    {"file", required_argument, NULL, 'f'},
    {"respondent", required_argument, NULL, 'r'},
    {"with-form-text", no_argument, NULL, CLI_OPT_FORM_TEXT},
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"color", optional_argument, NULL, CLI_OPT_COLOR},
    {"colour", optional_argument, NULL, CLI_OPT_COLOR},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void print_json(out_json_t *j, const hsok_record_t *r, int target)
{
    oj_obj_begin(j);
    oj_key(j, "format_version"); oj_uint(j, 1);
    oj_key(j, "type"); oj_str(j, "passage");
    oj_key(j, "target"); oj_bool(j, target);
    oj_record(j, r, 1);
    oj_obj_end(j);
}

/* The target's lines carry "> " in the margin (and are bold in colour). */
static void print_human(const hsok_record_t *r, int target, int color, unsigned width)
{
    const char *margin = target ? "> " : "  ";
    if (target)
        out_sgr(stdout, color, OUT_SGR_BOLD);
    printf("%s[", margin);
    out_safe_str(stdout, r->id);
    fputs("]  ", stdout);
    out_safe_str(stdout,
                 r->respondent && r->respondent[0] ? r->respondent : "(unknown respondent)");
    out_pages(stdout, r);
    if (r->section && r->section[0]) {
        fputs(" — ", stdout);
        out_section(stdout, r->section, 90);
    }
    if (r->form_text)
        fputs("  (form text)", stdout);
    if (target)
        out_sgr(stdout, color, OUT_SGR_RESET);
    putchar('\n');
    fputs(margin, stdout);
    out_sgr(stdout, color, OUT_SGR_DIM);
    out_safe_str(stdout, r->source);
    if (r->end_line > r->line)
        printf(":%u-%u", r->line, r->end_line);
    else
        printf(":%u", r->line);
    out_sgr(stdout, color, OUT_SGR_RESET);
    putchar('\n');
    const char *t = r->text ? r->text : "";
    out_wrapped(stdout, t, strlen(t), NULL, 0, margin, width, 0);
}

/* ---- a whole response ---- */

typedef struct resp_view {
    const hsok_records_t *recs;
    const hsok_stances_t *st;
    const hsok_db_stance_t **order; /* the stances shown, by source and line */
    size_t norder, next;
    int by_respondent;  /* --respondent: only its stances */
    const char *who;    /* the respondent then */
    int json, color;
    unsigned width;
    out_json_t j;
    const char *source, *respondent, *section; /* what the last heading showed */
    struct hsok_codes *codes;
} resp_view_t;

static int cmp_stance_order(const void *a, const void *b)
{
    const hsok_db_stance_t *x = *(const hsok_db_stance_t *const *)a;
    const hsok_db_stance_t *y = *(const hsok_db_stance_t *const *)b;
    int c = strcmp(x->source, y->source);
    return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

int cli_response_stances(const hsok_records_t *recs, const hsok_stances_t *st, const char *who,
                         const hsok_db_stance_t ***out, size_t *n)
{
    size_t ns = hsok_stances_count(st), nr = hsok_records_count(recs);
    *n = 0;
    *out = malloc((ns ? ns : 1) * sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < ns; i++) {
        const hsok_db_stance_t *s = hsok_stances_get(st, i);
        if (who && strcmp(s->respondent, who))
            continue;
        int shown = 0;
        for (size_t k = 0; k < nr && !shown; k++)
            shown = !strcmp(hsok_records_get(recs, k)->source, s->source);
        if (shown)
            (*out)[(*n)++] = s;
    }
    qsort(*out, *n, sizeof **out, cmp_stance_order);
    return 0;
}

/* The stances of the files shown (and of the respondent, with --respondent), in order. */
static int pick_stances(resp_view_t *v)
{
    return cli_response_stances(v->recs, v->st, v->by_respondent ? v->who : NULL, &v->order,
                                &v->norder);
}

/* "RESPONDENT (type) — SOURCE" over a file's passages, and again where the respondent
 * changes inside a file */
static void print_response_head(resp_view_t *v, const char *source, const char *respondent,
                                const char *type)
{
    if (v->source)
        putchar('\n');
    out_sgr(stdout, v->color, OUT_SGR_BOLD);
    out_safe_str(stdout, respondent && *respondent ? respondent : "(unknown respondent)");
    if (type && *type) {
        fputs(" (", stdout);
        out_safe_str(stdout, type);
        putchar(')');
    }
    out_sgr(stdout, v->color, OUT_SGR_RESET);
    fputs(" \xe2\x80\x94 ", stdout);
    out_safe_str(stdout, source);
    putchar('\n');
    v->source = source;
    v->respondent = respondent;
    v->section = "";
}

#define SECTION_SEP " \xe2\x80\xba " /* " › " between the headings of a section path */

/* The headings of the section path that the last one shown does not share, each on a line of
 * its own and indented by its level: "2) Har dere …?" then "  Mål 1: …", and where only
 * the goal changes, "  Mål 2: …" alone. */
static void print_heading(resp_view_t *v, const char *section)
{
    const char *a = section, *b = v->section;
    size_t sl = strlen(SECTION_SEP);
    /* skip the headings both paths start with */
    for (;;) {
        const char *ea = strstr(a, SECTION_SEP), *eb = strstr(b, SECTION_SEP);
        size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
        if (!*b || la != lb || memcmp(a, b, la) || !ea)
            break;
        a += la + sl;
        b += lb + (eb ? sl : 0);
    }
    unsigned level = 0;
    for (const char *p = section; p < a; p++)
        level += !strncmp(p, SECTION_SEP, sl);
    putchar('\n');
    while (*a) {
        const char *e = strstr(a, SECTION_SEP);
        size_t n = e ? (size_t)(e - a) : strlen(a);
        for (unsigned k = 0; k < level; k++)
            fputs("  ", stdout);
        out_sgr(stdout, v->color, OUT_SGR_BOLD);
        out_safe(stdout, a, n);
        out_sgr(stdout, v->color, OUT_SGR_RESET);
        putchar('\n');
        level++;
        a += n + (e ? sl : 0);
    }
    v->section = section;
}

static void print_stance(resp_view_t *v, const hsok_db_stance_t *s)
{
    if (v->json) {
        oj_obj_begin(&v->j);
        oj_key(&v->j, "format_version"); oj_uint(&v->j, 1);
        oj_key(&v->j, "type"); oj_str(&v->j, "stance");
        oj_key(&v->j, "source"); oj_str(&v->j, s->source);
        oj_key(&v->j, "line"); oj_uint(&v->j, s->line);
        oj_key(&v->j, "respondent"); oj_str(&v->j, s->respondent);
        oj_key(&v->j, "question_no"); oj_uint(&v->j, s->question_no > 0 ? (unsigned)s->question_no : 0);
        oj_key(&v->j, "question"); oj_str(&v->j, s->question);
        oj_key(&v->j, "answer"); oj_str(&v->j, s->answer);
        oj_key(&v->j, "options");
        oj_arr_begin(&v->j);
        for (const char *o = s->options; *o;) {
            const char *bar = strchr(o, '|');
            size_t ol = bar ? (size_t)(bar - o) : strlen(o);
            char *opt = strndup(o, ol);
            oj_str(&v->j, opt ? opt : "");
            free(opt);
            o += ol + (bar ? 1 : 0);
        }
        oj_arr_end(&v->j);
        oj_obj_end(&v->j);
        return;
    }
    /* an answer before the file's first passage: the file's heading first */
    if (!v->source || strcmp(v->source, s->source) || strcmp(v->respondent, s->respondent)) {
        const char *type = "";
        for (size_t k = 0; k < hsok_records_count(v->recs) && !*type; k++) {
            const hsok_record_t *r = hsok_records_get(v->recs, k);
            if (!strcmp(r->source, s->source) && !strcmp(r->respondent, s->respondent))
                type = r->respondent_type ? r->respondent_type : "";
        }
        print_response_head(v, s->source, s->respondent, type);
    }
    /* the question as a heading, unless the section shown already starts with it */
    if (s->question[0] && strncmp(v->section, s->question, strlen(s->question)))
        print_heading(v, s->question);
    fputs("  answer: ", stdout);
    out_sgr(stdout, v->color, OUT_SGR_BOLD);
    out_safe_str(stdout, s->answer[0] ? s->answer : "(none ticked)");
    out_sgr(stdout, v->color, OUT_SGR_RESET);
    out_sgr(stdout, v->color, OUT_SGR_DIM);
    fputs("  (", stdout);
    for (const char *o = s->options; *o; o++) {
        if (*o == '|')
            fputs(" / ", stdout);
        else
            out_safe(stdout, o, 1);
    }
    putchar(')');
    out_sgr(stdout, v->color, OUT_SGR_RESET);
    putchar('\n');
}

/* the stances before line `line` of `source` (all that are left with source NULL) */
static void flush_stances(resp_view_t *v, const char *source, unsigned line)
{
    for (; v->next < v->norder; v->next++) {
        const hsok_db_stance_t *s = v->order[v->next];
        int c = source ? strcmp(s->source, source) : -1;
        if (c > 0 || (c == 0 && s->line >= line))
            break;
        print_stance(v, s);
    }
}

static int print_response_passage(resp_view_t *v, const hsok_record_t *r)
{
    cli_coded_t cd;
    if (cli_coded(v->codes, r, &cd) != 0)
        return -1;
    if (v->json) {
        oj_obj_begin(&v->j);
        oj_key(&v->j, "format_version"); oj_uint(&v->j, 1);
        oj_key(&v->j, "type"); oj_str(&v->j, "passage");
        oj_record(&v->j, &cd.rec, 1);
        cli_coded_json(&v->j, &cd);
        oj_obj_end(&v->j);
        cli_coded_free(&cd);
        return 0;
    }
    if (!v->source || strcmp(v->source, r->source) || strcmp(v->respondent, r->respondent))
        print_response_head(v, r->source, r->respondent, r->respondent_type);
    if (r->section[0] && strcmp(v->section, r->section))
        print_heading(v, r->section);
    putchar('\n');
    out_sgr(stdout, v->color, OUT_SGR_DIM);
    fputs("  [", stdout);
    out_safe_str(stdout, r->id);
    putchar(']');
    char pages[32];
    if (r->page)
        printf("  %s", hsok_page_label(r->page, r->end_page, pages, sizeof pages));
    printf("  line %u", r->line);
    out_position(stdout, r);
    if (r->form_text)
        fputs("  (form text)", stdout);
    if (cd.rec.nthemes) {
        fputs("  tema: ", stdout);
        cli_coded_human(stdout, &cd, ", ");
    }
    out_sgr(stdout, v->color, OUT_SGR_RESET);
    putchar('\n');
    out_wrapped(stdout, r->text, strlen(r->text), NULL, 0, "  ", v->width, 0);
    cli_coded_free(&cd);
    return 0;
}

static int show_response(const char *dbpath, const hsok_response_sel_t *sel, int json,
                         int form_text, out_color_t cmode)
{
    hsok_db_t *db = NULL;
    hsok_records_t *recs = NULL;
    hsok_stances_t *st = NULL;
    char *err = NULL, *which = NULL;
    resp_view_t v = { 0 };
    hsok_status_t s = cli_db_open(dbpath, HSOK_DB_READ, &db, &err);
    if (s != HSOK_OK)
        return cli_fail(s, err, 0);
    hsok_db_with_form_text(db, form_text);
    int rc = cli_codes_load(NULL, hsok_db_default_path(dbpath), 0, &v.codes, NULL);
    if (rc != CLI_OK)
        goto out;
    s = hsok_db_response(db, sel, &recs, &which, &err);
    if (s == HSOK_OK)
        s = hsok_db_stances(db, &st, &err);
    if (s != HSOK_OK) {
        rc = cli_fail(s, err, 0);
        err = NULL;
        goto out;
    }
    v.recs = recs;
    v.st = st;
    v.section = "";
    v.by_respondent = sel->respondent != NULL;
    v.who = which;
    v.json = json;
    v.color = out_use_color(cmode, stdout);
    v.width = out_width(stdout);
    oj_init(&v.j, stdout);
    if (pick_stances(&v) < 0) {
        cli_error("out of memory");
        rc = CLI_ERR;
        goto out;
    }
    size_t n = hsok_records_count(recs);
    if (n == 0 && v.norder == 0) {
        cli_error("'%s' has no passages to show%s", which,
                  form_text ? "" : " (only form text: give --with-form-text)");
        rc = CLI_NONE;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        flush_stances(&v, r->source, r->line);
        if (print_response_passage(&v, r) < 0) {
            cli_error("out of memory");
            rc = CLI_ERR;
            goto out;
        }
    }
    flush_stances(&v, NULL, 0);
out:
    free(v.order);
    hsok_stances_free(st);
    hsok_records_free(recs);
    hsok_codes_free(v.codes);
    free(which);
    free(err);
    hsok_db_close(db, NULL);
    return rc;
}

int cmd_show(int argc, char **argv)
{
    const char *dbpath = NULL;
    int json = 0, c, form_text = 0, context_given = 0;
    unsigned context = 0;
    hsok_response_sel_t sel = { 0 };
    out_color_t cmode = OUT_COLOR_AUTO;
    while ((c = cli_getopt(argc, argv, "hC:f:r:", show_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("show")); return CLI_OK;
        case 'C':
            if (cli_parse_uint(argv[0], "--context", optarg, 10000, &context) < 0)
                return CLI_USAGE;
            context_given = 1;
            break;
        case 'f': sel.file = optarg; break;
        case 'r': sel.respondent = optarg; break;
        case CLI_OPT_FORM_TEXT: form_text = 1; break;
        case CLI_OPT_JSON: json = 1; break;
        case CLI_OPT_COLOR:
            if (out_color_parse(optarg, &cmode) < 0)
                return cli_usage_error(argv[0], "invalid value '%s' for --color: expected "
                                                "auto, always or never", optarg);
            break;
        case CLI_OPT_DB: dbpath = optarg; break;
        default: return CLI_USAGE;
        }
    }
    if (sel.file && sel.respondent)
        return cli_usage_error(argv[0], "give --file or --respondent, not both");
    if (sel.file || sel.respondent) {
        if (optind < argc)
            return cli_usage_error(argv[0], "unexpected argument '%s' with --%s",
                                   argv[optind], sel.file ? "file" : "respondent");
        if (context_given)
            return cli_usage_error(argv[0], "--context is for a passage id, not with --%s",
                                   sel.file ? "file" : "respondent");
        if ((sel.file && !*sel.file) || (sel.respondent && !*sel.respondent))
            return cli_usage_error(argv[0], "empty value for --%s",
                                   sel.file ? "file" : "respondent");
        return show_response(dbpath, &sel, json, form_text, cmode);
    }
    if (optind >= argc)
        return cli_usage_error(argv[0], "no passage id given");
    if (optind + 1 < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind + 1]);
    const char *id = argv[optind];

    hsok_db_t *db = NULL;
    hsok_records_t *recs = NULL;
    size_t target = 0;
    char *err = NULL;
    hsok_status_t st = cli_db_open(dbpath, HSOK_DB_READ, &db, &err);
    if (st != HSOK_OK)
        return cli_fail(st, err, 0);
    st = hsok_db_passage_context(db, id, context, context, &recs, &target, &err);
    int rc = CLI_OK;
    if (st == HSOK_OK && hsok_records_count(recs) == 0)
        st = HSOK_ERR_NOT_FOUND;
    if (st == HSOK_ERR_NOT_FOUND) {
        cli_error("no passage '%s'", id);
        rc = CLI_NONE;
    } else if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
        err = NULL;
    } else {
        size_t n = hsok_records_count(recs);
        out_json_t j;
        oj_init(&j, stdout);
        int color = out_use_color(cmode, stdout);
        unsigned width = out_width(stdout);
        for (size_t i = 0; i < n; i++) {
            const hsok_record_t *r = hsok_records_get(recs, i);
            if (json) {
                print_json(&j, r, i == target);
            } else {
                if (i > 0)
                    putchar('\n');
                print_human(r, i == target, color, width);
            }
        }
    }
    if (recs != NULL)
        hsok_records_free(recs);
    free(err);
    hsok_db_close(db, NULL);
    return rc;
}
