/* query_bench.c — in-process query latency of libhsok, for bench/run.
 *
 * Usage: query_bench DB RUNS < QUERIES
 * Opens the index DB once, then for each query (one per line of stdin) runs hsok_search
 * once to warm up and RUNS times measured, with the options `hsok QUERY` uses by default
 * (10 hits, snippets), reading every hit's snippet as the CLI would. Writes one JSON object
 * per line: first {"open_ms": …}, then per query
 * {"query": N, "hits": H, "status": S, "ms": [...], "cpu_ms": [...]} where N counts from 0,
 * ms is wall time and cpu_ms the process's CPU time (user+sys) of each run. A query that
 * fails (status != 0) has empty lists. Not installed and not run by the tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hsok/db.h"
#include "hsok/query.h"

static double now_ms(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One search as `hsok QUERY` does it: run, touch every hit's snippet and spans, free.
 * Returns the status; *hits gets the number of hits returned. */
static hsok_status_t one_search(hsok_db_t *db, const char *q, size_t *hits, size_t *sink)
{
    hsok_search_opts_t opts;
    memset(&opts, 0, sizeof opts);
    hsok_results_t *res = NULL;
    hsok_status_t st = hsok_search(db, q, &opts, &res, NULL);
    if (st != HSOK_OK)
        return st;
    size_t n = hsok_results_count(res);
    for (size_t i = 0; i < n; i++) {
        const hsok_hit_t *h = hsok_results_get(res, i);
        *sink += strlen(h->snippet) + h->nspans + strlen(h->rec.respondent);
    }
    *sink += hsok_results_estimated(res);
    *hits = n;
    hsok_results_free(res);
    return HSOK_OK;
}

static void print_list(const char *name, const double *v, int n)
{
    printf(", \"%s\": [", name);
    for (int i = 0; i < n; i++)
        printf("%s%.4f", i ? ", " : "", v[i]);
    printf("]");
}

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: query_bench DB RUNS < QUERIES\n");
        return 2;
    }
    int runs = atoi(argv[2]);
    double *wall = calloc((size_t)runs, sizeof *wall);
    double *cpu = calloc((size_t)runs, sizeof *cpu);
    if (wall == NULL || cpu == NULL)
        return 3;
    hsok_db_t *db = NULL;
    char *err = NULL;
    double t0 = now_ms(CLOCK_MONOTONIC);
    hsok_status_t st = hsok_db_open(argv[1], HSOK_DB_READ, &db, &err);
    if (st != HSOK_OK) {
        fprintf(stderr, "query_bench: %s\n", err ? err : hsok_status_str(st));
        free(err);
        return 3;
    }
    printf("{\"open_ms\": %.4f}\n", now_ms(CLOCK_MONOTONIC) - t0);
    char line[4096];
    size_t sink = 0;
    for (int qno = 0; fgets(line, sizeof line, stdin) != NULL; qno++) {
        line[strcspn(line, "\n")] = '\0';
        size_t hits = 0;
        st = one_search(db, line, &hits, &sink); /* warm-up */
        int done = 0;
        for (; st == HSOK_OK && done < runs; done++) {
            double w = now_ms(CLOCK_MONOTONIC), c = now_ms(CLOCK_PROCESS_CPUTIME_ID);
            st = one_search(db, line, &hits, &sink);
            cpu[done] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c;
            wall[done] = now_ms(CLOCK_MONOTONIC) - w;
        }
        printf("{\"query\": %d, \"hits\": %zu, \"status\": %d", qno, hits, (int)st);
        print_list("ms", wall, st == HSOK_OK ? done : 0);
        print_list("cpu_ms", cpu, st == HSOK_OK ? done : 0);
        printf("}\n");
        fflush(stdout);
    }
    hsok_db_close(db, NULL);
    free(wall);
    free(cpu);
    return sink == (size_t)-1; /* keeps the reads of the results from being optimised away */
}
