/* cmd_copies.c — `hsok copies`: the texts several respondents sent in the same words (or
 * nearly), each with its respondents, passages and similarity, as `hsok index` found them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hsok/copies.h"
#include "hsok/db.h"
#include "out.h"

static const struct option copies_opts[] = {
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define TEXT_CHARS 300 /* of the group's text shown on a terminal */
#define NAMES_SHOWN 8

void cli_copy_human(FILE *f, const hsok_copy_group_t *g, int no_collapse)
{
    fprintf(f, "%ssame text from %zu respondents: ", no_collapse ? "a copy: " : "",
            g->nrespondents);
    size_t shown = g->nrespondents > NAMES_SHOWN ? NAMES_SHOWN - 1 : g->nrespondents;
    for (size_t i = 0; i < shown; i++) {
        if (i)
            fputs(", ", f);
        out_safe_str(f, g->respondents[i]);
    }
    if (shown < g->nrespondents)
        fprintf(f, " and %zu more", g->nrespondents - shown);
    fputs(" (group ", f);
    out_safe_str(f, g->id);
    fprintf(f, ", similarity %.2f)\n", g->similarity);
}

void cli_copy_json(out_json_t *j, const hsok_copy_group_t *g)
{
    oj_key(j, "copies");
    oj_obj_begin(j);
    oj_key(j, "group"); oj_str(j, g->id);
    oj_key(j, "respondents");
    oj_arr_begin(j);
    for (size_t i = 0; i < g->nrespondents; i++)
        oj_str(j, g->respondents[i]);
    oj_arr_end(j);
    oj_key(j, "similarity"); oj_double(j, g->similarity);
    oj_key(j, "passages"); oj_uint(j, g->nmembers);
    oj_obj_end(j);
}

static void print_human(const hsok_copy_group_t *g, size_t no)
{
    printf("%zu. group %s: same text from %zu respondents, similarity %.2f\n", no, g->id,
           g->nrespondents, g->similarity);
    for (size_t i = 0; i < g->nmembers; i++) {
        const hsok_copy_member_t *m = &g->members[i];
        fputs("   ", stdout);
        out_safe_str(stdout, *m->respondent ? m->respondent : "(no respondent)");
        fputs("  ", stdout);
        out_safe_str(stdout, m->source);
        printf(":%u [", m->line);
        out_safe_str(stdout, m->id);
        printf("]  %.2f\n", m->similarity);
    }
    /* the text, cut at a character boundary */
    size_t n = strlen(g->text), cut = n;
    if (n > TEXT_CHARS) {
        cut = TEXT_CHARS;
        while (cut > 0 && ((unsigned char)g->text[cut] & 0xc0) == 0x80)
            cut--;
    }
    char *t = malloc(cut + 8);
    if (t) {
        memcpy(t, g->text, cut);
        strcpy(t + cut, cut < n ? "\xe2\x80\xa6" : "");
        out_wrapped(stdout, t, strlen(t), NULL, 0, "   ", out_width(stdout), 0);
        free(t);
    }
    putchar('\n');
}

static void print_json(out_json_t *j, const hsok_copy_group_t *g)
{
    oj_obj_begin(j);
    oj_key(j, "group"); oj_str(j, g->id);
    oj_key(j, "similarity"); oj_double(j, g->similarity);
    oj_key(j, "respondents");
    oj_arr_begin(j);
    for (size_t i = 0; i < g->nrespondents; i++)
        oj_str(j, g->respondents[i]);
    oj_arr_end(j);
    oj_key(j, "passages");
    oj_arr_begin(j);
    for (size_t i = 0; i < g->nmembers; i++) {
        const hsok_copy_member_t *m = &g->members[i];
        oj_obj_begin(j);
        oj_key(j, "id"); oj_str(j, m->id);
        oj_key(j, "respondent"); oj_str(j, m->respondent);
        oj_key(j, "source"); oj_str(j, m->source);
        oj_key(j, "line"); oj_uint(j, m->line);
        oj_key(j, "similarity"); oj_double(j, m->similarity);
        oj_obj_end(j);
    }
    oj_arr_end(j);
    oj_key(j, "text"); oj_str(j, g->text);
    oj_obj_end(j);
}

int cmd_copies(int argc, char **argv)
{
    const char *dbpath = NULL;
    int json = 0, c;
    while ((c = cli_getopt(argc, argv, "h", copies_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("copies")); return CLI_OK;
        case CLI_OPT_JSON: json = 1; break;
        case CLI_OPT_DB: dbpath = optarg; break;
        default: return CLI_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);

    hsok_db_t *db = NULL;
    char *err = NULL;
    hsok_status_t s = cli_db_open(dbpath, HSOK_DB_READ, &db, &err);
    if (s != HSOK_OK)
        return cli_fail(s, err, 0);
    hsok_copies_t *cp = NULL;
    s = hsok_copies_load(db, &cp, &err);
    hsok_db_close(db, NULL);
    if (s != HSOK_OK)
        return cli_fail(s, err, 0);
    size_t n = hsok_copies_count(cp), passages = hsok_copies_passages(cp);
    out_json_t j;
    oj_init(&j, stdout);
    for (size_t i = 0; i < n; i++) {
        if (json)
            print_json(&j, hsok_copies_get(cp, i));
        else
            print_human(hsok_copies_get(cp, i), i + 1);
    }
    if (json) {
        oj_obj_begin(&j);
        oj_key(&j, "groups"); oj_uint(&j, n);
        oj_key(&j, "passages"); oj_uint(&j, passages);
        oj_obj_end(&j);
    } else if (n) {
        printf("%zu text%s sent by several respondents (%zu passages)\n", n, n == 1 ? "" : "s",
               passages);
    } else {
        puts("no copies: no text of 15 words or more stands in the responses of two or more "
             "respondents");
    }
    hsok_copies_free(cp);
    return n ? CLI_OK : CLI_NONE;
}
