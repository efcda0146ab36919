/* cmd_show.c — `hsok show ID`: a passage with its neighbours in the same file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hsok/db.h"
#include "out.h"

static const struct option show_opts[] = {
    {"context", required_argument, NULL, 'C'},
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"color", optional_argument, NULL, CLI_OPT_COLOR},
    {"colour", optional_argument, NULL, CLI_OPT_COLOR},
    {"db", required_argument, NULL, CLI_OPT_DB},
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

int cmd_show(int argc, char **argv)
{
    const char *dbpath = NULL;
    int json = 0, c;
    unsigned context = 0;
    out_color_t cmode = OUT_COLOR_AUTO;
    while ((c = cli_getopt(argc, argv, "hC:", show_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("show")); return CLI_OK;
        case 'C':
            if (cli_parse_uint(argv[0], "--context", optarg, 10000, &context) < 0)
                return CLI_USAGE;
            break;
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
    if (optind >= argc)
        return cli_usage_error(argv[0], "no passage id given");
    if (optind + 1 < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind + 1]);
    const char *id = argv[optind];

    hsok_db_t *db = NULL;
    hsok_records_t *recs = NULL;
    size_t target = 0;
    char *err = NULL;
    hsok_status_t st = hsok_db_open(hsok_db_default_path(dbpath), HSOK_DB_READ, &db, &err);
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
