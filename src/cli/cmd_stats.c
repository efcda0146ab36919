/* cmd_stats.c — `hsok stats`: what the index holds. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hsok/db.h"
#include "out.h"

static const struct option stats_opts[] = {
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Stances grouped by question (its text, as hsok_db_stances groups them): the options of the
 * first stance of each question, and how many respondents checked each. */
typedef struct qsum {
    int question_no;
    int group;
    const char *options;  /* "Ja|Nei|Vet ikke" */
    size_t first, n;      /* stances [first, first + n) */
} qsum_t;

static size_t summarize(const hsok_stances_t *s, qsum_t *q, size_t max)
{
    size_t nq = 0;
    for (size_t i = 0; i < hsok_stances_count(s); i++) {
        const hsok_db_stance_t *x = hsok_stances_get(s, i);
        if (nq && q[nq - 1].group == x->group) {
            q[nq - 1].n++;
            continue;
        }
        if (nq == max)
            break;
        q[nq++] = (qsum_t){ x->question_no, x->group, x->options, i, 1 };
    }
    return nq;
}

/* calls fn for each option of "a|b|c" */
static size_t option_count(const hsok_stances_t *s, const qsum_t *q, const char *opt, size_t ol)
{
    size_t k = 0;
    for (size_t i = q->first; i < q->first + q->n; i++) {
        const char *a = hsok_stances_get(s, i)->answer;
        if (strlen(a) == ol && !strncmp(a, opt, ol))
            k++;
    }
    return k;
}

static void json_stances(out_json_t *j, const hsok_stances_t *s)
{
    qsum_t q[256];
    size_t nq = summarize(s, q, 256);
    oj_key(j, "stances");
    oj_arr_begin(j);
    for (size_t i = 0; i < nq; i++) {
        oj_obj_begin(j);
        oj_key(j, "question_no"); oj_uint(j, (uint64_t)(q[i].question_no > 0 ? q[i].question_no : 0));
        oj_key(j, "question"); oj_str(j, hsok_stances_get(s, q[i].first)->question);
        oj_key(j, "counts");
        oj_obj_begin(j);
        for (const char *o = q[i].options; *o;) {
            const char *bar = strchr(o, '|');
            size_t ol = bar ? (size_t)(bar - o) : strlen(o);
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)(ol < 127 ? ol : 127), o);
            oj_key(j, key);
            oj_uint(j, option_count(s, &q[i], o, ol));
            o += ol + (bar ? 1 : 0);
        }
        oj_obj_end(j);
        oj_key(j, "answers");
        oj_arr_begin(j);
        for (size_t k = q[i].first; k < q[i].first + q[i].n; k++) {
            const hsok_db_stance_t *x = hsok_stances_get(s, k);
            oj_obj_begin(j);
            oj_key(j, "respondent"); oj_str(j, x->respondent);
            oj_key(j, "answer"); oj_str(j, x->answer);
            oj_key(j, "source"); oj_str(j, x->source);
            oj_key(j, "line"); oj_uint(j, x->line);
            oj_obj_end(j);
        }
        oj_arr_end(j);
        oj_obj_end(j);
    }
    oj_arr_end(j);
}

static void print_stances(const hsok_stances_t *s)
{
    qsum_t q[256];
    size_t nq = summarize(s, q, 256);
    if (!nq)
        return;
    printf("stances:\n");
    for (size_t i = 0; i < nq; i++) {
        if (q[i].question_no > 0)
            printf("  Spørsmål %d: ", q[i].question_no);
        else
            printf("  (unnumbered question): ");
        int first = 1;
        for (const char *o = q[i].options; *o;) {
            const char *bar = strchr(o, '|');
            size_t ol = bar ? (size_t)(bar - o) : strlen(o);
            fputs(first ? "" : ", ", stdout);
            out_safe(stdout, o, ol);
            printf(" %zu", option_count(s, &q[i], o, ol));
            first = 0;
            o += ol + (bar ? 1 : 0);
        }
        putchar('\n');
        /* the question's text: two forms' question 3 may differ */
        const char *qt = hsok_stances_get(s, q[i].first)->question;
        if (qt && *qt) {
            fputs("    ", stdout);
            out_safe_str(stdout, qt);
            putchar('\n');
        }
        for (size_t k = q[i].first; k < q[i].first + q[i].n; k++) {
            const hsok_db_stance_t *x = hsok_stances_get(s, k);
            const char *answer = *x->answer ? x->answer : "(none)";
            size_t w = out_safe_width(answer, strlen(answer));
            fputs("      ", stdout);
            out_safe_str(stdout, answer);
            printf("%*s ", w < 10 ? (int)(10 - w) : 0, "");
            out_safe_str(stdout, *x->respondent ? x->respondent : "(unknown respondent)");
            putchar('\n');
        }
    }
}

static void print_json(const hsok_stats_t *st, const hsok_stances_t *stances, size_t form,
                       const int gaps[2])
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
    oj_key(&j, "lemmas"); oj_bool(&j, !gaps[0]);
    oj_key(&j, "compound_splitting"); oj_bool(&j, !gaps[1]);
    oj_key(&j, "respondents");
    oj_arr_begin(&j);
    for (size_t i = 0; i < st->nrespondents; i++) {
        oj_obj_begin(&j);
        oj_key(&j, "name"); oj_str(&j, st->respondents[i].name);
        oj_key(&j, "type"); oj_str(&j, st->respondents[i].type ? st->respondents[i].type : "");
        oj_key(&j, "passages"); oj_uint(&j, st->respondents[i].passages);
        oj_obj_end(&j);
    }
    oj_arr_end(&j);
    oj_key(&j, "unknown_respondent");
    oj_obj_begin(&j);
    oj_key(&j, "passages"); oj_uint(&j, st->unknown_passages);
    oj_key(&j, "files");
    oj_arr_begin(&j);
    for (size_t i = 0; i < st->nunknown_files; i++)
        oj_str(&j, st->unknown_files[i]);
    oj_arr_end(&j);
    oj_obj_end(&j);
    oj_key(&j, "form_text_passages"); oj_uint(&j, form);
    json_stances(&j, stances);
    oj_obj_end(&j);
}

static void print_human(const hsok_stats_t *st, const hsok_stances_t *stances, size_t form,
                        const int gaps[2])
{
    char size[32];
    out_human_size(size, sizeof size, st->bytes_on_disk);
    fputs("index:        ", stdout);
    out_safe_str(stdout, st->path);
    putchar('\n');
    printf("files:        %zu\n", st->files);
    printf("passages:     %zu\n", st->passages);
    printf("terms:        %zu\n", st->terms);
    printf("size:         %s\n", size);
    printf("analysis:     %s, %s\n",
           gaps[0] ? "no base forms (hunspell-no was not found when indexing)" : "base forms",
           gaps[1] ? "no compound splitting (no word list was used when indexing)"
                   : "compound splitting");
    printf("respondents:  %zu\n", st->nrespondents);
    for (size_t i = 0; i < st->nrespondents; i++) {
        const char *name = st->respondents[i].name;
        printf("  %8zu  ", st->respondents[i].passages);
        const char *type = st->respondents[i].type;
        out_safe_str(stdout, name && name[0] ? name : "(unknown respondent)");
        if (type && type[0]) {
            fputs(" (", stdout);
            out_safe_str(stdout, type);
            putchar(')');
        }
        putchar('\n');
    }
    if (st->unknown_passages)
        printf("  %8zu  (no respondent found)\n", st->unknown_passages);
    if (st->nunknown_files) {
        enum { SHOWN = 5 };
        printf("files with no respondent: %zu (give one with a FILE.meta sidecar or hsok "
               "index --respondent)\n", st->nunknown_files);
        for (size_t i = 0; i < st->nunknown_files && i < SHOWN; i++) {
            fputs("            ", stdout);
            out_safe_str(stdout, st->unknown_files[i]);
            putchar('\n');
        }
        if (st->nunknown_files > SHOWN)
            printf("            and %zu more (hsok stats --json lists them all)\n",
                   st->nunknown_files - SHOWN);
    }
    if (form)
        printf("form text:    %zu passage%s (the hearing's, not a respondent's: left out of "
               "searches, themes and exports)\n", form, form == 1 ? "" : "s");
    print_stances(stances);
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
    hsok_status_t s = cli_db_open(dbpath, HSOK_DB_READ, &db, &err);
    if (s != HSOK_OK)
        return cli_fail(s, err, 0);
    s = hsok_db_stats(db, &st, &err);
    hsok_stances_t *stances = NULL;
    size_t form = 0;
    int gaps[2] = { 0, 0 };
    if (s == HSOK_OK) {
        s = hsok_db_stances(db, &stances, &err);
        if (s == HSOK_OK)
            s = hsok_db_form_text_count(db, &form, &err);
        if (s == HSOK_OK)
            s = hsok_db_analysis_gaps(db, &gaps[0], &gaps[1], &err);
        if (s != HSOK_OK) {
            hsok_stats_free(st);
            hsok_stances_free(stances);
        }
    }
    int rc = CLI_OK;
    if (s != HSOK_OK) {
        rc = cli_fail(s, err, 0);
    } else {
        if (json)
            print_json(st, stances, form, gaps);
        else
            print_human(st, stances, form, gaps);
        cli_note_samples(db, hsok_db_default_path(dbpath));
        hsok_stats_free(st);
        hsok_stances_free(stances);
    }
    hsok_db_close(db, NULL);
    return rc;
}
