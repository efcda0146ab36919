/* cmd_code.c — `hsok code`: the analyst's manual codes (+THEME / -THEME on passages).
 *
 * The codes live in their own file (include/hsok/codes.h), never in the index: they are
 * applied whenever passages are shown, so they outlast `index --force`, `retag` and a rebuilt
 * index. This file also holds what search, themes and export share about codes: loading the
 * file for an index, and the agreement of the automatic tagger with the codes (themes
 * --check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hsok/codes.h"
#include "hsok/db.h"
#include "out.h"

#define CODE_CONFIRM 20 /* --query codes more passages than this only with --yes */

int cli_codes_load(const char *explicit_path, const char *db_path, int for_update,
                   hsok_codes_t **out, char **path_out)
{
    *out = NULL;
    int several = 0;
    char *path = cli_db_codes_path(explicit_path, db_path, &several);
    if (!path) {
        if (!several)
            cli_error("out of memory");
        return CLI_ERR;
    }
    char *err = NULL;
    hsok_status_t st = hsok_codes_load(path, for_update, out, &err);
    if (path_out)
        *path_out = path;
    else
        free(path);
    if (st != HSOK_OK) {
        if (path_out) {
            free(*path_out);
            *path_out = NULL;
        }
        cli_error("%s", err ? err : hsok_status_str(st));
        free(err);
        return st == HSOK_ERR_PARSE ? CLI_USAGE : CLI_ERR;
    }
    return CLI_OK;
}

/* Mark which codes point at a passage of db (the form text too: a code on it is no code of
 * a passage gone). */
static hsok_status_t find_all(hsok_db_t *db, hsok_codes_t *codes, hsok_records_t **out,
                              char **err)
{
    hsok_db_with_form_text(db, 1);
    hsok_status_t st = hsok_db_select(db, NULL, out, err);
    hsok_db_with_form_text(db, 0);
    if (st != HSOK_OK)
        return st;
    for (size_t i = 0; i < hsok_records_count(*out); i++) {
        const char *const *a, *const *r;
        size_t na, nr;
        hsok_codes_lookup(codes, hsok_records_get(*out, i), &a, &na, &r, &nr);
    }
    return HSOK_OK;
}

static size_t count_missing(const hsok_codes_t *codes)
{
    size_t missing = 0;
    for (size_t i = 0; i < hsok_codes_count(codes); i++)
        missing += !hsok_codes_found(codes, i);
    return missing;
}

static void say_missing(size_t missing)
{
    if (missing)
        printf("%zu code%s point%s at passages no longer in the index (kept in the file)\n",
               missing, missing == 1 ? "" : "s", missing == 1 ? "s" : "");
}

static int has(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return 1;
    return 0;
}

int cli_code_settles(hsok_codes_t *codes, const hsok_record_t *r, const char *theme)
{
    if (!codes || !hsok_codes_count(codes))
        return 0;
    const char *const *add, *const *rem;
    size_t nadd, nrem;
    hsok_codes_lookup(codes, r, &add, &nadd, &rem, &nrem);
    return has(add, nadd, theme) || has(rem, nrem, theme);
}

typedef struct agree {
    const char *theme;
    size_t tp, fp, fn;
} agree_t;

static agree_t *agree_of(agree_t *v, size_t *n, const char *theme)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(v[i].theme, theme))
            return &v[i];
    v[*n] = (agree_t){ theme, 0, 0, 0 };
    return &v[(*n)++];
}

int cli_codes_check(hsok_db_t *db, hsok_codes_t *codes, int json)
{
    hsok_records_t *recs = NULL;
    char *err = NULL;
    hsok_status_t st = find_all(db, codes, &recs, &err);
    if (st != HSOK_OK)
        return cli_fail(st, err, 0);
    size_t nc = hsok_codes_count(codes), na = 0;
    agree_t *ag = calloc(nc + 1, sizeof *ag);
    if (!ag) {
        hsok_records_free(recs);
        cli_error("out of memory");
        return CLI_ERR;
    }
    /* a +THEME is a positive: found by the tagger (tp) or not (fn); a -THEME on a passage
       the tagger tagged is a false positive */
    for (size_t i = 0; i < hsok_records_count(recs); i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        const char *const *add, *const *rem;
        size_t nadd, nrem;
        hsok_codes_lookup(codes, r, &add, &nadd, &rem, &nrem);
        for (size_t k = 0; k < nadd; k++) {
            agree_t *a = agree_of(ag, &na, add[k]);
            if (has(r->themes, r->nthemes, add[k]))
                a->tp++;
            else
                a->fn++;
        }
        for (size_t k = 0; k < nrem; k++) {
            agree_t *a = agree_of(ag, &na, rem[k]);
            if (has(r->themes, r->nthemes, rem[k]))
                a->fp++;
        }
    }
    size_t missing = count_missing(codes);
    out_json_t j;
    if (json)
        oj_init(&j, stdout);
    else
        printf("the automatic tagger against %zu manual code%s:\n%-24s %5s %5s %5s %9s %6s\n",
               nc, nc == 1 ? "" : "s", "theme", "tp", "fp", "fn", "precision", "recall");
    for (size_t i = 0; i < na; i++) {
        const agree_t *a = &ag[i];
        double p = a->tp + a->fp ? (double)a->tp / (double)(a->tp + a->fp) : -1;
        double rc = a->tp + a->fn ? (double)a->tp / (double)(a->tp + a->fn) : -1;
        if (json) {
            oj_obj_begin(&j);
            oj_key(&j, "type"); oj_str(&j, "agreement");
            oj_key(&j, "theme"); oj_str(&j, a->theme);
            oj_key(&j, "tp"); oj_uint(&j, a->tp);
            oj_key(&j, "fp"); oj_uint(&j, a->fp);
            oj_key(&j, "fn"); oj_uint(&j, a->fn);
            oj_key(&j, "precision");
            if (p < 0) oj_null(&j); else oj_double(&j, p);
            oj_key(&j, "recall");
            if (rc < 0) oj_null(&j); else oj_double(&j, rc);
            oj_obj_end(&j);
            continue;
        }
        printf("%-24s %5zu %5zu %5zu ", a->theme, a->tp, a->fp, a->fn);
        if (p < 0) printf("%9s ", "-"); else printf("%9.2f ", p);
        if (rc < 0) printf("%6s\n", "-"); else printf("%6.2f\n", rc);
    }
    if (json) {
        oj_obj_begin(&j);
        oj_key(&j, "type"); oj_str(&j, "summary");
        oj_key(&j, "codes"); oj_uint(&j, nc);
        oj_key(&j, "missing"); oj_uint(&j, missing);
        oj_obj_end(&j);
    } else {
        if (!na)
            printf("(no code points at a passage of the index)\n");
        say_missing(missing);
    }
    free(ag);
    hsok_records_free(recs);
    return CLI_OK;
}

static int list_codes(hsok_db_t *db, hsok_codes_t *codes, const char *path, int json)
{
    hsok_records_t *recs = NULL;
    char *err = NULL;
    hsok_status_t st = find_all(db, codes, &recs, &err);
    if (st != HSOK_OK)
        return cli_fail(st, err, 0);
    hsok_records_free(recs);
    size_t n = hsok_codes_count(codes), missing = count_missing(codes);
    out_json_t j;
    if (json)
        oj_init(&j, stdout);
    for (size_t i = 0; i < n; i++) {
        const hsok_code_t *c = hsok_codes_get(codes, i);
        if (json) {
            oj_obj_begin(&j);
            oj_key(&j, "type"); oj_str(&j, "code");
            oj_key(&j, "file"); oj_str(&j, c->file);
            oj_key(&j, "text_hash"); oj_str(&j, c->hash);
            oj_key(&j, "id"); oj_str(&j, c->id);
            oj_key(&j, "theme"); oj_str(&j, c->theme);
            oj_key(&j, "add"); oj_bool(&j, c->add);
            oj_key(&j, "date"); oj_str(&j, c->date);
            oj_key(&j, "note"); oj_str(&j, c->note);
            oj_key(&j, "in_index"); oj_bool(&j, hsok_codes_found(codes, i));
            oj_obj_end(&j);
            continue;
        }
        printf("%c", c->add ? '+' : '-');
        out_safe_str(stdout, c->theme);
        fputs("  ", stdout);
        out_safe_str(stdout, c->file);
        fputs(" [", stdout);
        out_safe_str(stdout, c->id);
        printf("]  %s", c->date);
        if (*c->note) {
            fputs("  ", stdout);
            out_safe_str(stdout, c->note);
        }
        if (!hsok_codes_found(codes, i))
            fputs("  (not in the index)", stdout);
        putchar('\n');
    }
    if (json) {
        oj_obj_begin(&j);
        oj_key(&j, "type"); oj_str(&j, "summary");
        oj_key(&j, "codes"); oj_uint(&j, n);
        oj_key(&j, "missing"); oj_uint(&j, missing);
        oj_key(&j, "file"); oj_str(&j, path);
        oj_obj_end(&j);
    } else {
        printf("%zu code%s in '", n, n == 1 ? "" : "s");
        out_safe_str(stdout, path);
        printf("'\n");
        say_missing(missing);
    }
    return n ? CLI_OK : CLI_NONE;
}

/* Every themes[i] + off is a theme of the index, or a usage error naming the index's
 * themes (off 1 skips the '+' or '-' of a code). */
static int check_themes(hsok_db_t *db, char *const *themes, size_t n, size_t off)
{
    hsok_theme_matrix_t *m = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_db_theme_matrix(db, NULL, &m, &err);
    if (st != HSOK_OK)
        return cli_fail(st, err, 0);
    int rc = CLI_OK;
    for (size_t i = 0; i < n && rc == CLI_OK; i++) {
        size_t t = 0;
        while (t < m->nthemes && strcmp(m->themes[t].id, themes[i] + off))
            t++;
        if (t < m->nthemes)
            continue;
        char known[2048] = "";
        size_t len = 0;
        for (size_t k = 0; k < m->nthemes && len + 64 < sizeof known; k++)
            len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", k ? ", " : "",
                                    m->themes[k].id);
        rc = cli_usage_error("code", "unknown theme '%s' (the index has: %s)", themes[i] + off,
                             m->nthemes ? known : "no themes; run 'hsok retag'");
    }
    hsok_theme_matrix_free(m);
    return rc;
}

static int opt_value(int argc, char **argv, int *i, const char *name, const char **out)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n))
        return 0;
    if (a[n] == '=') {
        *out = a + n + 1;
        return 1;
    }
    if (a[n])
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *out = argv[++*i];
    return 1;
}

/* ---- code --review: settle the unsure automatic tags one by one ---- */

typedef struct review_item {
    const hsok_record_t *rec;
    const hsok_tag_t *tag;
} review_item_t;

/* Why tag is unsure, for the prompt. */
static const char *unsure_why(const hsok_tag_t *tag)
{
    for (size_t e = 0; e < tag->nevidence; e++)
        if (!strncmp(tag->evidence[e], "context: ", 9))
            return "it came from the passage next to it";
    return "its own words reach less than twice the threshold";
}

static void review_show(const review_item_t *it, size_t k, size_t n, int color, unsigned width)
{
    const hsok_record_t *r = it->rec;
    printf("\n[%zu/%zu] ", k, n);
    out_sgr(stdout, color, OUT_SGR_BOLD);
    out_safe_str(stdout, *r->respondent ? r->respondent : "(unknown respondent)");
    out_sgr(stdout, color, OUT_SGR_RESET);
    if (r->respondent_type && *r->respondent_type) {
        fputs(" (", stdout);
        out_safe_str(stdout, r->respondent_type);
        fputc(')', stdout);
    }
    fputs("  ", stdout);
    const char *base = strrchr(r->source, '/');
    out_safe_str(stdout, base ? base + 1 : r->source);
    printf(":%u  [", r->line);
    out_safe_str(stdout, r->id);
    fputc(']', stdout);
    if (*r->section) {
        fputs("  ", stdout);
        out_section(stdout, r->section, 60);
    }
    fputc('\n', stdout);
    hsok_span_t *spans = NULL;
    size_t ns = 0;
    if (hsok_evidence_spans(r->text, it->tag, 1, &spans, &ns) != HSOK_OK)
        cli_error("%s: out of memory: evidence not highlighted", r->id);
    out_wrapped(stdout, r->text, strlen(r->text), spans, ns, "    ", width, color);
    free(spans);
    fputs("    ", stdout);
    out_safe_str(stdout, it->tag->theme);
    printf("? score %.1f, evidence: ", it->tag->score);
    for (size_t e = 0; e < it->tag->nevidence; e++) {
        if (e)
            fputs(", ", stdout);
        out_safe_str(stdout, it->tag->evidence[e]);
    }
    printf("\n    unsure: %s\n", unsure_why(it->tag));
}

/* The answer to "keep THEME?": 'y', 'n', 's', 'q' (EOF: 'q'). Asks again on anything else. */
static int review_ask(const char *theme)
{
    char *line = NULL;
    size_t cap = 0;
    int a = 0;
    while (!a) {
        fputs("keep ", stdout);
        out_safe_str(stdout, theme);
        fputs("? [y]es, [n]o, [s]kip, [q]uit: ", stdout);
        fflush(stdout);
        ssize_t got = getline(&line, &cap, stdin);
        if (got < 0) {
            a = 'q';
            putchar('\n');
            break;
        }
        char *w = line;
        while (*w == ' ' || *w == '\t')
            w++;
        size_t len = strcspn(w, " \t\r\n");
        w[len] = '\0';
        if (!strcmp(w, "y") || !strcmp(w, "yes") || !strcmp(w, "j") || !strcmp(w, "ja"))
            a = 'y';
        else if (!strcmp(w, "n") || !strcmp(w, "no") || !strcmp(w, "nei"))
            a = 'n';
        else if (!strcmp(w, "s") || !strcmp(w, "skip"))
            a = 's';
        else if (!strcmp(w, "q") || !strcmp(w, "quit"))
            a = 'q';
        else
            fputs("(answer y, n, s or q)\n", stdout);
    }
    free(line);
    return a;
}

/* hsok code --review: every unsure automatic tag (of the given themes, on the passages query
 * selects) that no manual code settles yet, shown with its evidence; y codes +THEME, n
 * -THEME, each saved at once. */
static int review(hsok_db_t *db, hsok_codes_t *codes, const char *path, const char *query,
                  char *const *themes, size_t nthemes, const char *note, int color)
{
    hsok_records_t *recs = NULL;
    char *err = NULL;
    hsok_select_t sel = { 0 };
    sel.query = query;
    hsok_status_t st = hsok_db_select(db, query ? &sel : NULL, &recs, &err);
    if (st != HSOK_OK)
        return cli_fail(st, err, 0);
    size_t nrec = hsok_records_count(recs), n = 0, cap = 0, settled = 0;
    review_item_t *items = NULL;
    int rc = CLI_OK;
    for (size_t i = 0; i < nrec && rc == CLI_OK; i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        for (size_t t = 0; t < r->ntags; t++) {
            const hsok_tag_t *tag = &r->tags[t];
            if (!tag->unsure)
                continue;
            int wanted = !nthemes;
            for (size_t k = 0; k < nthemes && !wanted; k++)
                wanted = !strcmp(themes[k], tag->theme);
            if (!wanted)
                continue;
            if (cli_code_settles(codes, r, tag->theme)) {
                settled++;
                continue;
            }
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 32;
                review_item_t *g = realloc(items, nc * sizeof *g);
                if (!g) {
                    cli_error("out of memory");
                    rc = CLI_ERR;
                    break;
                }
                items = g;
                cap = nc;
            }
            items[n++] = (review_item_t){ r, tag };
        }
    }
    if (rc == CLI_OK && !n) {
        printf("no unsure tag to review");
        if (settled)
            printf(" (%zu settled by hand already)", settled);
        putchar('\n');
        rc = CLI_NONE;
    }
    size_t kept = 0, removed = 0, skipped = 0, k = 0;
    unsigned width = out_width(stdout);
    if (rc == CLI_OK)
        printf("%zu unsure tag%s to review; each answer is saved at once\n", n,
               n == 1 ? "" : "s");
    for (; rc == CLI_OK && k < n; k++) {
        review_show(&items[k], k + 1, n, color, width);
        int a = review_ask(items[k].tag->theme);
        if (a == 'q')
            break;
        if (a == 's') {
            skipped++;
            continue;
        }
        st = hsok_codes_set(codes, items[k].rec, items[k].tag->theme, a == 'y', note, NULL,
                            &err);
        if (st == HSOK_OK)
            st = hsok_codes_save(codes, path, &err);
        if (st != HSOK_OK) {
            rc = cli_fail(st, err, 0);
            break;
        }
        if (a == 'y')
            kept++;
        else
            removed++;
    }
    if (n && rc == CLI_OK) {
        printf("\nreviewed %zu of %zu: %zu kept (coded +THEME), %zu removed (coded -THEME), "
               "%zu skipped", kept + removed + skipped, n, kept, removed, skipped);
        if (k < n)
            printf(", %zu not reached", n - k);
        if (skipped || k < n)
            printf(" (asked again next time)");
        fputs("\ncodes in '", stdout);
        out_safe_str(stdout, path);
        fputs("'; how the tagger agrees with them: hsok themes --check\n", stdout);
    }
    free(items);
    hsok_records_free(recs);
    return rc;
}

int cmd_code(int argc, char **argv)
{
    const char *db_arg = NULL, *codes_arg = NULL, *note = NULL, *query = NULL;
    int yes = 0, list = 0, json = 0, check = 0, only_ids = 0, review_mode = 0;
    out_color_t cmode = OUT_COLOR_AUTO;
    char **ids = calloc((size_t)argc + 1, sizeof *ids);
    char **themes = calloc((size_t)argc + 1, sizeof *themes);
    size_t nids = 0, nthemes = 0;
    int rc = CLI_OK;
    if (!ids || !themes) {
        cli_error("out of memory");
        rc = CLI_ERR;
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (only_ids) {
            ids[nids++] = argv[i];
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            cli_cmd_help(cli_find_cmd("code"));
            goto out;
        } else if (!strcmp(a, "--")) {
            only_ids = 1;
        } else if ((r = opt_value(argc, argv, &i, "--db", &db_arg)) ||
                   (r = opt_value(argc, argv, &i, "--codes", &codes_arg)) ||
                   (r = opt_value(argc, argv, &i, "--note", &note)) ||
                   (r = opt_value(argc, argv, &i, "--query", &query))) {
            if (r < 0) {
                rc = cli_usage_error("code", "option '%s' needs a value", a);
                goto out;
            }
            if (!strncmp(a, "--db", 4) && cli_db_note(CLI_OPT_DB, db_arg) < 0) {
                rc = cli_fail(HSOK_ERR_NOMEM, NULL, 0);
                goto out;
            }
        } else if (!strcmp(a, "--yes") || !strcmp(a, "-y")) {
            yes = 1;
        } else if (!strcmp(a, "--list")) {
            list = 1;
        } else if (!strcmp(a, "--check")) {
            check = 1;
        } else if (!strcmp(a, "--review")) {
            review_mode = 1;
        } else if (!strcmp(a, "--color") || !strncmp(a, "--color=", 8)) {
            if (out_color_parse(a[7] ? a + 8 : NULL, &cmode) < 0) {
                rc = cli_usage_error("code", "--color takes auto, always or never, not '%s'",
                                     a + 8);
                goto out;
            }
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strncmp(a, "--", 2)) {
            rc = cli_usage_error("code", "unknown option '%s'", a);
            goto out;
        } else if ((a[0] == '+' || a[0] == '-') && a[1]) {
            themes[nthemes++] = argv[i];
        } else {
            ids[nids++] = argv[i];
        }
    }
    if ((list || check) && (nids || nthemes || query || note || review_mode)) {
        rc = cli_usage_error("code", "--list and --check take no passage, theme, --note or "
                                     "--review");
        goto out;
    }
    if (review_mode && (nthemes || yes || json)) {
        rc = cli_usage_error("code", "--review takes theme names without + or - (THEME...), "
                                     "--query, --note; not --yes or --json");
        goto out;
    }
    if (!list && !check && !review_mode) {
        if (!nthemes) {
            rc = cli_usage_error("code", "give at least one +THEME or -THEME");
            goto out;
        }
        if (!nids == !query) {
            rc = cli_usage_error("code", query ? "give passage ids or --query, not both"
                                               : "give a passage ID or --query QUERY");
            goto out;
        }
        for (size_t t = 0; t < nthemes; t++)
            for (size_t u = 0; u < t; u++)
                if (!strcmp(themes[t] + 1, themes[u] + 1)) {
                    rc = cli_usage_error("code", "theme '%s' is given twice", themes[t] + 1);
                    goto out;
                }
    }

    if (cli_db_several()) {
        rc = cli_db_refuse("code");
        goto out;
    }
    const char *dbpath = hsok_db_default_path(db_arg);
    hsok_db_t *db = NULL;
    hsok_codes_t *codes = NULL;
    hsok_records_t *recs = NULL;
    char *path = NULL, *err = NULL;
    hsok_status_t st = hsok_db_open(dbpath, HSOK_DB_READ, &db, &err);
    if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
        goto out;
    }
    rc = cli_codes_load(codes_arg, dbpath, !list && !check, &codes, &path);
    if (rc != CLI_OK)
        goto done;
    if (list) {
        rc = list_codes(db, codes, path, json);
        goto done;
    }
    if (check) {
        rc = cli_codes_check(db, codes, json);
        goto done;
    }
    if (review_mode) {
        rc = check_themes(db, ids, nids, 0);
        if (rc == CLI_OK)
            rc = review(db, codes, path, query, ids, nids, note,
                        out_use_color(cmode, stdout));
        goto done;
    }
    rc = check_themes(db, themes, nthemes, 1);
    if (rc != CLI_OK)
        goto done;

    /* the passages: every id must exist before anything is written */
    const hsok_record_t **targets = NULL;
    size_t ntargets = 0;
    hsok_records_t **held = calloc(nids + 1, sizeof *held);
    if (!held) {
        cli_error("out of memory");
        rc = CLI_ERR;
        goto done;
    }
    if (query) {
        hsok_select_t sel = { 0 };
        sel.query = query;
        st = hsok_db_select(db, &sel, &recs, &err);
        if (st != HSOK_OK) {
            rc = cli_fail(st, err, 0);
            goto free_held;
        }
        ntargets = hsok_records_count(recs);
        if (!ntargets) {
            printf("no passage matches; nothing coded\n");
            rc = CLI_NONE;
            goto free_held;
        }
        if (ntargets > CODE_CONFIRM && !yes) {
            rc = cli_usage_error("code",
                                 "the query matches %zu passages; give --yes to code them all",
                                 ntargets);
            goto free_held;
        }
    } else {
        for (size_t i = 0; i < nids; i++) {
            size_t target = 0;
            st = hsok_db_passage_context(db, ids[i], 0, 0, &held[i], &target, &err);
            if (st == HSOK_OK && hsok_records_count(held[i]) == 0)
                st = HSOK_ERR_NOT_FOUND;
            if (st == HSOK_ERR_NOT_FOUND) {
                free(err);
                err = NULL;
                cli_error("no passage '%s'; nothing coded", ids[i]);
                rc = CLI_NONE;
                goto free_held;
            }
            if (st != HSOK_OK) {
                rc = cli_fail(st, err, 0);
                goto free_held;
            }
        }
        ntargets = nids;
    }
    targets = calloc(ntargets, sizeof *targets);
    if (!targets) {
        cli_error("out of memory");
        rc = CLI_ERR;
        goto free_held;
    }
    for (size_t i = 0; i < ntargets; i++)
        targets[i] = query ? hsok_records_get(recs, i) : hsok_records_get(held[i], 0);
    for (size_t i = 0; i < ntargets && st == HSOK_OK; i++)
        for (size_t t = 0; t < nthemes && st == HSOK_OK; t++)
            st = hsok_codes_set(codes, targets[i], themes[t] + 1, themes[t][0] == '+', note,
                                NULL, &err);
    if (st == HSOK_OK)
        st = hsok_codes_save(codes, path, &err);
    if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
    } else {
        printf("coded %zu passage%s:", ntargets, ntargets == 1 ? "" : "s");
        for (size_t t = 0; t < nthemes; t++) {
            putchar(' ');
            out_safe_str(stdout, themes[t]);
        }
        fputs(" (in '", stdout);
        out_safe_str(stdout, path);
        fputs("')\n", stdout);
    }
    free(targets);
free_held:
    for (size_t i = 0; i < nids; i++)
        if (held[i])
            hsok_records_free(held[i]);
    free(held);
done:
    if (recs)
        hsok_records_free(recs);
    hsok_codes_free(codes);
    free(path);
    hsok_db_close(db, NULL);
out:
    free(ids);
    free(themes);
    return rc;
}

int cli_coded(hsok_codes_t *codes, const hsok_record_t *r, cli_coded_t *out)
{
    memset(out, 0, sizeof *out);
    out->rec = *r;
    if (!codes || !hsok_codes_count(codes))
        return 0;
    size_t n = 0;
    if (hsok_codes_effective(codes, r, &out->shown, &n, NULL) != HSOK_OK)
        return -1;
    hsok_codes_lookup(codes, r, &out->added, &out->nadded, &out->removed, &out->nremoved);
    out->rec.themes = out->shown;
    out->rec.nthemes = n;
    return 0;
}

void cli_coded_free(cli_coded_t *c)
{
    free(c->shown);
    c->shown = NULL;
}

static void theme_list(out_json_t *j, const char *const *v, size_t n)
{
    oj_arr_begin(j);
    for (size_t i = 0; i < n; i++)
        oj_str(j, v[i]);
    oj_arr_end(j);
}

void cli_coded_json(out_json_t *j, const cli_coded_t *c)
{
    oj_key(j, "themes_manual");
    theme_list(j, c->added, c->nadded);
    oj_key(j, "themes_removed");
    theme_list(j, c->removed, c->nremoved);
}

void cli_coded_human(FILE *f, const cli_coded_t *c, const char *sep)
{
    for (size_t i = 0; i < c->rec.nthemes; i++) {
        if (i)
            fputs(sep, f);
        out_safe_str(f, c->rec.themes[i]);
        if (has(c->added, c->nadded, c->rec.themes[i])) {
            fputs(" (manual)", f);
            continue;
        }
        const hsok_tag_t *tag = hsok_record_tag(&c->rec, c->rec.themes[i]);
        if (tag && tag->unsure)
            fputc('?', f); /* tagged below twice the threshold, or from context */
    }
}
