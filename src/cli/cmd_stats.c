/* cmd_stats.c — `hsok stats`: what the index holds. */
#include <stdio.h>

#include "cli.h"
#include "hsok/db.h"
#include "out.h"

static const struct option stats_opts[] = {
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void print_json(const hsok_stats_t *st)
{
    out_json_t j;
    oj_init(&j, stdout);
    oj_obj_begin(&j);
    oj_key(&j, "format_version"); oj_uint(&j, 1);
    oj_key(&j, "index"); oj_str(&j, st->path);
    oj_key(&j, "files"); oj_uint(&j, st->files);
    oj_key(&j, "passages"); oj_uint(&j, st->passages);
    oj_key(&j, "terms"); oj_uint(&j, st->terms);
    oj_key(&j, "bytes_on_disk"); oj_uint(&j, st->bytes_on_disk);
    oj_key(&j, "respondents");
    oj_arr_begin(&j);
    for (size_t i = 0; i < st->nrespondents; i++) {
        oj_obj_begin(&j);
        oj_key(&j, "name"); oj_str(&j, st->respondents[i].name);
        oj_key(&j, "passages"); oj_uint(&j, st->respondents[i].passages);
        oj_obj_end(&j);
    }
    oj_arr_end(&j);
    oj_obj_end(&j);
}

static void print_human(const hsok_stats_t *st)
{
    char size[32];
    out_human_size(size, sizeof size, st->bytes_on_disk);
    printf("index:        %s\n", st->path ? st->path : "");
    printf("files:        %zu\n", st->files);
    printf("passages:     %zu\n", st->passages);
    printf("terms:        %zu\n", st->terms);
    printf("size:         %s\n", size);
    printf("respondents:  %zu\n", st->nrespondents);
    for (size_t i = 0; i < st->nrespondents; i++) {
        const char *name = st->respondents[i].name;
        printf("  %8zu  %s\n", st->respondents[i].passages,
               name && name[0] ? name : "(unknown respondent)");
    }
}

int cmd_stats(int argc, char **argv)
{
    const char *dbpath = NULL;
    int json = 0, c;
    while ((c = cli_getopt(argc, argv, "h", stats_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("stats")); return CLI_OK;
        case CLI_OPT_JSON: json = 1; break;
        case CLI_OPT_DB: dbpath = optarg; break;
        default: return CLI_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);

    hsok_db_t *db = NULL;
    hsok_stats_t *st = NULL;
    char *err = NULL;
    hsok_status_t s = hsok_db_open(hsok_db_default_path(dbpath), HSOK_DB_READ, &db, &err);
    if (s != HSOK_OK)
        return cli_fail(s, err, 0);
    s = hsok_db_stats(db, &st, &err);
    int rc = CLI_OK;
    if (s != HSOK_OK) {
        rc = cli_fail(s, err, 0);
    } else {
        if (json)
            print_json(st);
        else
            print_human(st);
        hsok_stats_free(st);
    }
    hsok_db_close(db, NULL);
    return rc;
}
