/* cmd_check.c — `hsok check`: is the index sound, or damaged (and what to do then)? */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "hsok/db.h"
#include "out.h"

static const struct option check_opts[] = {
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_check(int argc, char **argv)
{
    const char *dbpath = NULL;
    int json = 0, c;
    while ((c = cli_getopt(argc, argv, "h", check_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("check")); return CLI_OK;
        case CLI_OPT_JSON: json = 1; break;
        case CLI_OPT_DB: dbpath = optarg; break;
        default: return CLI_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    if (cli_db_several())
        return cli_usage_error(argv[0], "check takes one index: run it once for each (a remote "
                               "one where it is served)");

    const char *path = hsok_db_default_path(dbpath);
    size_t passages = 0;
    char *report = NULL, *err = NULL;
    hsok_status_t st = hsok_db_check(path, &passages, &report, &err);
    /* without a report the check did not run: no index there, or not an index directory */
    if (st != HSOK_OK && report == NULL)
        return cli_fail(st, err, 0);
    if (json) {
        out_json_t j;
        oj_init(&j, stdout);
        oj_obj_begin(&j);
        oj_key(&j, "format_version"); oj_uint(&j, 1);
        oj_key(&j, "index"); oj_str(&j, path);
        oj_key(&j, "sound"); oj_bool(&j, st == HSOK_OK);
        oj_key(&j, "passages"); oj_uint(&j, passages);
        oj_key(&j, "problem"); oj_str(&j, st == HSOK_OK ? NULL : err);
        oj_key(&j, "report"); oj_str(&j, report);
        oj_obj_end(&j);
    } else if (st == HSOK_OK) {
        fputs("index '", stdout);
        out_safe_str(stdout, path);
        printf("' is sound (%zu passage%s)\n", passages, passages == 1 ? "" : "s");
    }
    free(report);
    if (st != HSOK_OK)
        return cli_fail(st, err, 0);
    return CLI_OK;
}
