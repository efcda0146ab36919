/* test_copies.c — `hsok copies` and groups of copies in search, themes and export, through the
 * hsok binary (argv[1]).
 *
 * The planted corpus is built at test time from responses of the dev corpus
 * (../shared/devcorpus beside the source tree, never copied into the repository): each of
 * four responses (a family) is written once under its own name and five times under others,
 * as an exact copy, with a name put into every paragraph, with its paragraphs in reverse
 * order, with a sentence added to every paragraph of 20 words or more, and with two words
 * misspelt in every paragraph of 40 words or more. Every passage of 20 words or more of an
 * original must be in a group with all six senders, and no group may mix families. The
 * whole dev corpus (68 responses to 25 hearings, several to the same one) must give no
 * group; the seeds give the one text both quote from the hearing's form. Without
 * ../shared/devcorpus those tests are skipped. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runhsok.h"
#include "json.h"

static const char *hsok_path;
static char tmp[1024];
static char devcorpus[2048]; /* "" when there is none */
static char src_root[2048];

#define FAMILIES 4
#define COPIES 5 /* per family, besides the original */

/* ---- running hsok ---- */

typedef hsok_run_t run_t;

/* the shipped codebook */
static const char *themes(void)
{
    static char t[2100];
    snprintf(t, sizeof t, "%s/themes", src_root);
    return t;
}

/* Run hsok with the NULL-ended arguments in tmp, with the shipped themes (runhsok.h). */
#define run(r, ...) hsok_run((r), hsok_path, tmp, themes(), __VA_ARGS__)
#define run_free hsok_run_free

#define EXPECT_EXIT(r, code)                                                                    \
    do {                                                                                       \
        if ((r)->status != (code))                                                             \
            fail_msg("exit %d, want %d; stderr: %s", (r)->status, (code), (r)->err);           \
    } while (0)

/* ---- JSON ---- */

typedef struct lines {
    jval_t **v;
    size_t n;
} lines_t;

static lines_t json_lines(const char *s)
{
    lines_t l = { NULL, 0 };
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *err = NULL;
        jval_t *j = json_parse(p, len, &err, NULL);
        if (!j)
            fail_msg("not JSON (%s): %.*s", err, (int)len, p);
        l.v = realloc(l.v, (l.n + 1) * sizeof *l.v);
        assert_non_null(l.v);
        l.v[l.n++] = j;
        p = nl ? nl + 1 : p + len;
    }
    return l;
}

static void lines_free(lines_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        jfree(l->v[i]);
    free(l->v);
}

/* `hsok --db DB copies --json`, exit 0: its lines (the groups, then the summary). */
static lines_t copies_json(const char *db)
{
    run_t r;
    run(&r, "--db", db, "copies", "--json", NULL);
    EXPECT_EXIT(&r, 0);
    lines_t l = json_lines(r.out);
    run_free(&r);
    return l;
}

static const jval_t *jreq(const jval_t *o, const char *k, jtype_t t)
{
    const jval_t *v = jget(o, k);
    if (!v || v->t != t)
        fail_msg("no \"%s\" of the right type", k);
    return v;
}

/* Is name among the strings of array a? */
static int arr_has(const jval_t *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->items[i]->t == J_STR && !strcmp(a->items[i]->s, name))
            return 1;
    return 0;
}

/* ---- files ---- */

static void put(const char *rel, const char *text, size_t len)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", tmp, rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void put_response(const char *rel, const char *text, size_t len, const char *respondent)
{
    put(rel, text, len);
    char meta[512], body[512];
    assert_true((size_t)snprintf(meta, sizeof meta, "%s.meta", rel) < sizeof meta);
    assert_true((size_t)snprintf(body, sizeof body, "respondent: %s\n", respondent) < sizeof body);
    put(meta, body, strlen(body));
}

static void mkdir_in(const char *rel)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", tmp, rel);
    assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
}

/* The paragraphs of a response: text between blank lines, trimmed. */
typedef struct paras {
    char **v;
    size_t n;
} paras_t;

static paras_t split_paras(const char *t)
{
    paras_t p = { NULL, 0 };
    const char *s = t;
    while (*s) {
        const char *e = strstr(s, "\n\n");
        size_t len = e ? (size_t)(e - s) : strlen(s);
        while (len && isspace((unsigned char)*s))
            s++, len--;
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        if (len) {
            p.v = realloc(p.v, (p.n + 1) * sizeof *p.v);
            assert_non_null(p.v);
            p.v[p.n] = strndup(s, len);
            assert_non_null(p.v[p.n]);
            p.n++;
        }
        if (!e)
            break;
        s = e + 2;
    }
    return p;
}

static void paras_free(paras_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
}

static size_t words(const char *s)
{
    size_t n = 0;
    for (int in = 0; *s; s++) {
        int w = !isspace((unsigned char)*s);
        n += w && !in;
        in = w;
    }
    return n;
}

/* A response the perturbations keep as passages: at least 3 paragraphs of 20 words or more,
 * each paragraph starting with a capital or digit (one starting in lower case continues the
 * one before, so reordering would change the passages) and none near the 1200-character cut. */
static int usable(const paras_t *p)
{
    size_t longer = 0;
    for (size_t i = 0; i < p->n; i++) {
        unsigned char c = (unsigned char)p->v[i][0];
        if (islower(c) || strlen(p->v[i]) > 1000)
            return 0;
        longer += words(p->v[i]) >= 20;
    }
    return longer >= 3;
}

/* Word k (from 0) of the paragraph replaced by rep. */
static char *replace_word(const char *para, size_t k, const char *rep)
{
    size_t n = strlen(para);
    char *o = malloc(n + strlen(rep) + 1);
    assert_non_null(o);
    size_t w = 0, i = 0, at = 0;
    while (i < n) {
        while (i < n && isspace((unsigned char)para[i]))
            o[at++] = para[i++];
        if (i >= n)
            break;
        size_t s = i;
        while (i < n && !isspace((unsigned char)para[i]))
            i++;
        if (w == k) {
            memcpy(o + at, rep, strlen(rep));
            at += strlen(rep);
        } else {
            memcpy(o + at, para + s, i - s);
            at += i - s;
        }
        w++;
    }
    o[at] = '\0';
    return o;
}

/* Word k misspelt: its 2nd and 3rd letters swapped when they are ASCII and differ. */
static void misspell(char *para, size_t k)
{
    size_t w = 0;
    for (char *s = para; *s;) {
        while (*s && isspace((unsigned char)*s))
            s++;
        char *b = s;
        while (*s && !isspace((unsigned char)*s))
            s++;
        if (b < s && w++ == k && s - b > 3 && isalpha((unsigned char)b[1]) &&
            isalpha((unsigned char)b[2]) && b[1] != b[2]) {
            char c = b[1];
            b[1] = b[2];
            b[2] = c;
            return;
        }
    }
}

typedef struct joined {
    char *p;
    size_t len;
} joined_t;

static void jadd(joined_t *j, const char *s)
{
    size_t n = strlen(s);
    j->p = realloc(j->p, j->len + n + 3);
    assert_non_null(j->p);
    memcpy(j->p + j->len, s, n);
    j->len += n;
    memcpy(j->p + j->len, "\n\n", 3);
    j->len += 2;
}

static const char added[] = " Dette er en setning vi har lagt til for å vise vårt eget syn på saken.";

/* Write family f (letter L) from the response text t into dir: the original and 5 copies. */
static void plant(const char *dir, char L, const char *t, size_t len)
{
    char rel[512], name[64];
    paras_t p = split_paras(t);
    snprintf(rel, sizeof rel, "%s/%c0.txt", dir, L);
    snprintf(name, sizeof name, "Original %c", L);
    put_response(rel, t, len, name);
    for (int c = 1; c <= COPIES; c++) {
        joined_t j = { NULL, 0 };
        for (size_t k = 0; k < p.n; k++) {
            size_t i = c == 3 ? p.n - 1 - k : k; /* 3: the paragraphs in reverse order */
            char *para = strdup(p.v[i]);
            assert_non_null(para);
            if (c == 2 && words(para) > 3) { /* a name put into every paragraph */
                char *o = replace_word(para, 1, "Storvik kommune");
                free(para);
                para = o;
            } else if (c == 4 && words(para) >= 20) { /* a sentence added */
                para = realloc(para, strlen(para) + sizeof added);
                assert_non_null(para);
                strcat(para, added);
            } else if (c == 5 && words(para) >= 40) { /* two words misspelt */
                misspell(para, 5);
                misspell(para, 25);
            }
            jadd(&j, para);
            free(para);
        }
        snprintf(rel, sizeof rel, "%s/%c%d.txt", dir, L, c);
        snprintf(name, sizeof name, "Kopi %c%d", L, c);
        put_response(rel, j.p, j.len, name);
        free(j.p);
    }
    paras_free(&p);
}

/* The family letter of a planted respondent ("Original B", "Kopi B3"), else 0. */
static char family_of(const char *name)
{
    if (!strncmp(name, "Original ", 9) && name[9] && !name[10])
        return name[9];
    if (!strncmp(name, "Kopi ", 5) && name[5] && isdigit((unsigned char)name[6]) && !name[7])
        return name[5];
    return 0;
}

/* The planted corpus in tmp/plant, indexed into tmp/pidx: fills letters with the families'
 * letters. Returns 0 when there is no dev corpus. */
static int planted_index(void)
{
    static int done = -1;
    if (done >= 0)
        return done;
    done = 0;
    if (!*devcorpus)
        return 0;
    mkdir_in("plant");
    /* one response of each respondent: one organisation's standing text about itself in two
     * of its responses is a copy too */
    char path[2200];
    snprintf(path, sizeof path, "%s/index.tsv", devcorpus);
    char *index = hsok_slurp(path, NULL);
    assert_non_null(index);
    char used[FAMILIES][256];
    int fams = 0;
    for (int d = 1; d <= 68 && fams < FAMILIES; d++) {
        char key[32], who[256] = "";
        snprintf(key, sizeof key, "\nd%03d.txt\t", d);
        const char *row = strstr(index, key);
        if (row)
            sscanf(row + strlen(key), "%255[^\t\n]", who);
        int seen = !*who;
        for (int k = 0; k < fams; k++)
            seen |= !strcmp(used[k], who);
        snprintf(path, sizeof path, "%s/d%03d.txt", devcorpus, d);
        size_t len = 0;
        char *t = seen ? NULL : hsok_slurp(path, &len);
        if (!t)
            continue;
        paras_t p = split_paras(t);
        if (usable(&p)) {
            snprintf(used[fams], sizeof used[fams], "%s", who);
            plant("plant", (char)('A' + fams++), t, len);
        }
        paras_free(&p);
        free(t);
    }
    free(index);
    assert_int_equal(fams, FAMILIES);
    run_t r;
    run(&r, "--db", "pidx", "index", "plant", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    done = 1;
    return 1;
}

/* ---- tests ---- */

/* Every long passage of each original is in a group with its five copies; no group mixes
 * families; exact copies have similarity 1, the group of a changed passage less. */
static void test_planted_groups(void **state)
{
    (void)state;
    if (!planted_index())
        skip();
    run_t r;
    lines_t g = copies_json("pidx");
    assert_true(g.n >= 2);
    size_t members = 0, near = 0;
    for (size_t i = 0; i + 1 < g.n; i++) {
        const jval_t *resp = jreq(g.v[i], "respondents", J_ARR);
        const jval_t *pass = jreq(g.v[i], "passages", J_ARR);
        double sim = jreq(g.v[i], "similarity", J_NUM)->num;
        assert_true(resp->n >= 2);
        assert_true(sim >= 0.4 && sim <= 1.0);
        near += sim < 0.999;
        char fam = family_of(resp->items[0]->s);
        for (size_t k = 0; k < resp->n; k++)
            if (family_of(resp->items[k]->s) != fam || !fam)
                fail_msg("group %s mixes '%s' and '%s'", jreq(g.v[i], "group", J_STR)->s,
                         resp->items[0]->s, resp->items[k]->s);
        for (size_t k = 0; k < pass->n; k++) {
            double ms = jreq(pass->items[k], "similarity", J_NUM)->num;
            assert_true(ms >= sim - 1e-9 && ms <= 1.0);
        }
        members += pass->n;
    }
    assert_true(near >= 1); /* the changed passages are found as near copies */
    const jval_t *sum = g.v[g.n - 1];
    assert_int_equal((size_t)jreq(sum, "groups", J_NUM)->num, g.n - 1);
    assert_int_equal((size_t)jreq(sum, "passages", J_NUM)->num, members);
    lines_free(&g);

    /* every passage of 20 words or more of each original, in a group of its six senders */
    for (int f = 0; f < FAMILIES; f++) {
        char orig[32];
        snprintf(orig, sizeof orig, "Original %c", 'A' + f);
        run(&r, "--db", "pidx", "export", "--format", "jsonl", "--all", "-R", orig, NULL);
        EXPECT_EXIT(&r, 0);
        lines_t e = json_lines(r.out);
        run_free(&r);
        size_t checked = 0;
        for (size_t i = 0; i < e.n; i++) {
            const char *text = jreq(e.v[i], "text", J_STR)->s;
            if (words(text) < 20)
                continue;
            checked++;
            const jval_t *cp = jget(e.v[i], "copies");
            if (!cp)
                fail_msg("%s's passage %s is in no group: %.80s", orig,
                         jreq(e.v[i], "id", J_STR)->s, text);
            const jval_t *resp = jreq(cp, "respondents", J_ARR);
            assert_true(arr_has(resp, orig));
            for (int c = 1; c <= COPIES; c++) {
                char name[32];
                snprintf(name, sizeof name, "Kopi %c%d", 'A' + f, c);
                if (!arr_has(resp, name))
                    fail_msg("%s's passage %s: no copy from '%s' in its group", orig,
                             jreq(e.v[i], "id", J_STR)->s, name);
            }
            assert_int_equal(resp->n, 1 + COPIES);
        }
        assert_true(checked >= 3);
        lines_free(&e);
    }
}

/* The first passage of 20 words or more of Original A, its group and a word of it to search
 * for (8 letters or more, after its 8th word: past the perturbed ones); 0 if none. */
static int pick(char *id, size_t idn, char *gid, size_t gn, char *word, size_t wn)
{
    run_t r;
    run(&r, "--db", "pidx", "export", "--format", "jsonl", "--all", "-R", "Original A", NULL);
    EXPECT_EXIT(&r, 0);
    lines_t e = json_lines(r.out);
    run_free(&r);
    int found = 0;
    for (size_t i = 0; i < e.n && !found; i++) {
        const char *text = jreq(e.v[i], "text", J_STR)->s;
        const jval_t *cp = jget(e.v[i], "copies");
        if (words(text) < 20 || !cp)
            continue;
        size_t w = 0;
        for (const char *s = text; *s && !found;) {
            while (*s && isspace((unsigned char)*s))
                s++;
            const char *b = s;
            while (*s && isalpha((unsigned char)*s) && islower((unsigned char)*s))
                s++;
            size_t n = (size_t)(s - b);
            int plain = n >= 8 && (!*s || isspace((unsigned char)*s));
            while (*s && !isspace((unsigned char)*s))
                s++;
            if (w++ >= 8 && w < 24 && plain && n < wn) {
                snprintf(word, wn, "%.*s", (int)n, b);
                snprintf(id, idn, "%s", jreq(e.v[i], "id", J_STR)->s);
                snprintf(gid, gn, "%s", jreq(cp, "group", J_STR)->s);
                found = 1;
            }
        }
    }
    lines_free(&e);
    return found;
}

/* A search shows a group as one hit naming its six senders; --no-collapse shows each. */
static void test_search_collapse(void **state)
{
    (void)state;
    if (!planted_index())
        skip();
    char id[64], gid[64], word[64];
    assert_true(pick(id, sizeof id, gid, sizeof gid, word, sizeof word));
    run_t r;
    run(&r, "--db", "pidx", "search", "--json", "-n", "1000", word, NULL);
    EXPECT_EXIT(&r, 0);
    lines_t h = json_lines(r.out);
    run_free(&r);
    size_t in_group = 0;
    for (size_t i = 0; i < h.n; i++) {
        const jval_t *cp = jget(h.v[i], "copies");
        if (!cp || strcmp(jreq(cp, "group", J_STR)->s, gid))
            continue;
        in_group++;
        assert_int_equal(jreq(cp, "respondents", J_ARR)->n, 1 + COPIES);
        assert_true(jreq(cp, "similarity", J_NUM)->num > 0.4);
        assert_true(jreq(h.v[i], "duplicates", J_NUM)->num >= COPIES);
    }
    assert_int_equal(in_group, 1);
    lines_free(&h);

    run(&r, "--db", "pidx", "search", "--json", "--no-collapse", "-n", "1000", word, NULL);
    EXPECT_EXIT(&r, 0);
    h = json_lines(r.out);
    run_free(&r);
    const char *seen[64];
    size_t nseen = 0;
    in_group = 0;
    for (size_t i = 0; i < h.n; i++) {
        const jval_t *cp = jget(h.v[i], "copies");
        if (!cp || strcmp(jreq(cp, "group", J_STR)->s, gid))
            continue;
        in_group++;
        const char *who = jreq(h.v[i], "respondent", J_STR)->s;
        size_t k = 0;
        while (k < nseen && strcmp(seen[k], who))
            k++;
        if (k == nseen && nseen < 64)
            seen[nseen++] = who;
    }
    assert_true(in_group >= 1 + COPIES);
    assert_int_equal(nseen, 1 + COPIES);
    lines_free(&h);

    run(&r, "--db", "pidx", "search", "-n", "1000", word, NULL);
    EXPECT_EXIT(&r, 0);
    assert_non_null(strstr(r.out, "same text from 6 respondents: Kopi A1, Kopi A2"));
    assert_non_null(strstr(r.out, gid));
    run_free(&r);
    run(&r, "--db", "pidx", "search", "--no-collapse", "-n", "1000", word, NULL);
    EXPECT_EXIT(&r, 0);
    assert_non_null(strstr(r.out, "a copy: same text from 6 respondents"));
    run_free(&r);
}

/* themes and the exports count each copy (once per respondent) and say how many are. */
static void test_themes_export(void **state)
{
    (void)state;
    if (!planted_index())
        skip();
    run_t r;
    lines_t g = copies_json("pidx");
    const jval_t *sum = g.v[g.n - 1];
    size_t groups = (size_t)jreq(sum, "groups", J_NUM)->num;
    size_t passages = (size_t)jreq(sum, "passages", J_NUM)->num;
    lines_free(&g);

    run(&r, "--db", "pidx", "themes", "--json", NULL);
    EXPECT_EXIT(&r, 0);
    lines_t t = json_lines(r.out);
    run_free(&r);
    const jval_t *cp = NULL;
    char theme[64] = ""; /* the theme with the most passages */
    double most = 0;
    for (size_t i = 0; i < t.n; i++) {
        const jval_t *id = jget(t.v[i], "id"), *np = jget(t.v[i], "passages");
        if (id && id->t == J_STR && np && np->t == J_NUM && np->num > most) {
            snprintf(theme, sizeof theme, "%s", id->s);
            most = np->num;
        }
        if (!cp)
            cp = jget(t.v[i], "copies");
    }
    assert_non_null(cp);
    assert_int_equal((size_t)jreq(cp, "passages", J_NUM)->num, passages);
    assert_int_equal((size_t)jreq(cp, "groups", J_NUM)->num, groups);
    lines_free(&t);
    /* a theme's passages: each sender's copy listed, marked with its group */
    assert_true(*theme);
    run(&r, "--db", "pidx", "themes", "--json", theme, NULL);
    EXPECT_EXIT(&r, 0);
    t = json_lines(r.out);
    run_free(&r);
    size_t marked = 0;
    for (size_t i = 0; i < t.n; i++)
        if ((cp = jget(t.v[i], "copies"))) {
            assert_int_equal(jreq(cp, "respondents", J_ARR)->n, 1 + COPIES);
            marked++;
        }
    assert_true(marked >= 3); /* at least the original, its exact and its reordered copy */
    lines_free(&t);
    run(&r, "--db", "pidx", "themes", theme, NULL);
    EXPECT_EXIT(&r, 0);
    assert_non_null(strstr(r.out, "    a copy: same text from 6 respondents: Kopi "));
    run_free(&r);
    run(&r, "--db", "pidx", "themes", NULL);
    EXPECT_EXIT(&r, 0);
    char want[160];
    snprintf(want, sizeof want, "(%zu of these passages are copies of %zu texts that several "
             "respondents sent, each counted once per respondent: hsok copies)", passages,
             groups);
    assert_non_null(strstr(r.out, want));
    run_free(&r);
    /* one family: its copies only */
    run(&r, "--db", "pidx", "themes", "--json", "-R", "Original B", "-R", "Kopi B1", NULL);
    EXPECT_EXIT(&r, 0);
    t = json_lines(r.out);
    run_free(&r);
    cp = NULL;
    for (size_t i = 0; i < t.n && !cp; i++)
        cp = jget(t.v[i], "copies");
    assert_non_null(cp);
    size_t fp = (size_t)jreq(cp, "passages", J_NUM)->num;
    assert_true(fp >= 6 && fp % 2 == 0);
    assert_int_equal((size_t)jreq(cp, "groups", J_NUM)->num, fp / 2);
    lines_free(&t);

    run(&r, "--db", "pidx", "export", "--format", "csv", "--all", NULL);
    EXPECT_EXIT(&r, 0);
    assert_non_null(strstr(r.out, ",copy_group,copy_respondents\r\n"));
    assert_non_null(strstr(r.out, "Kopi A1; Kopi A2; Kopi A3; Kopi A4; Kopi A5; Original A"));
    run_free(&r);
    run(&r, "--db", "pidx", "export", "--format", "md", "--all", NULL);
    EXPECT_EXIT(&r, 0);
    snprintf(want, sizeof want, "%zu av utdragene er kopier av %zu tekster som flere "
             "respondenter sendte; hver teller \xc3\xa9n gang per respondent", passages, groups);
    assert_non_null(strstr(r.out, want));
    run_free(&r);
    run(&r, "--db", "pidx", "export", "--format", "html", "--all", NULL);
    EXPECT_EXIT(&r, 0);
    assert_non_null(strstr(r.out, want));
    run_free(&r);
}

/* A changed or pruned file changes its groups at the next `hsok index`. */
static void test_update(void **state)
{
    (void)state;
    if (!*devcorpus)
        skip();
    mkdir_in("upd");
    char path[2200];
    size_t len = 0;
    char *t = NULL;
    for (int d = 1; d <= 68 && !t; d++) {
        snprintf(path, sizeof path, "%s/d%03d.txt", devcorpus, d);
        t = hsok_slurp(path, &len);
        paras_t p = split_paras(t ? t : "");
        if (t && !usable(&p)) {
            free(t);
            t = NULL;
        }
        paras_free(&p);
    }
    assert_non_null(t);
    plant("upd", 'U', t, len);
    free(t);
    run_t r;
    run(&r, "--db", "uidx", "index", "--no-themes", "upd", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    lines_t g = copies_json("uidx");
    size_t before = g.n - 1;
    assert_true(before >= 3);
    for (size_t i = 0; i < before; i++)
        assert_int_equal(jreq(g.v[i], "respondents", J_ARR)->n, 6);
    lines_free(&g);

    /* four copies gone: each group has two senders left */
    for (int c = 2; c <= COPIES; c++) {
        char rel[2100];
        snprintf(rel, sizeof rel, "%s/upd/U%d.txt", tmp, c);
        assert_int_equal(unlink(rel), 0);
        strcat(rel, ".meta");
        assert_int_equal(unlink(rel), 0);
    }
    run(&r, "--db", "uidx", "index", "--no-themes", "--prune", "upd", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    g = copies_json("uidx");
    assert_int_equal(g.n - 1, before);
    for (size_t i = 0; i < g.n - 1; i++) {
        const jval_t *resp = jreq(g.v[i], "respondents", J_ARR);
        assert_int_equal(resp->n, 2);
        assert_true(arr_has(resp, "Original U") && arr_has(resp, "Kopi U1"));
    }
    lines_free(&g);

    /* the last copy changed into another text: no group, and a search finds both again */
    static const char other[] = "Vi har ingen merknader til forslaget, men ber om at saken "
                                "blir fulgt opp med en ny vurdering av hvordan kommunene "
                                "skal rapportere.\n";
    put("upd/U1.txt", other, strlen(other));
    run(&r, "--db", "uidx", "index", "--no-themes", "upd", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    run(&r, "--db", "uidx", "copies", "--json", NULL);
    EXPECT_EXIT(&r, 1);
    assert_string_equal(r.out, "{\"groups\":0,\"passages\":0}\n");
    run_free(&r);
    run(&r, "--db", "uidx", "copies", NULL);
    EXPECT_EXIT(&r, 1);
    assert_non_null(strstr(r.out, "no copies"));
    run_free(&r);
}

/* The dev corpus holds no copies, though several responses answer the same hearing. */
static void test_devcorpus_none(void **state)
{
    (void)state;
    if (!*devcorpus)
        skip();
    run_t r;
    run(&r, "--db", "didx", "index", "--no-themes", devcorpus, NULL);
    assert_true(r.status == 0 || r.status == 4); /* its README and tools are skipped */
    run_free(&r);
    run(&r, "--db", "didx", "copies", "--json", NULL);
    EXPECT_EXIT(&r, 1);
    assert_string_equal(r.out, "{\"groups\":0,\"passages\":0}\n");
    run_free(&r);
}

/* The seeds hold no copies: the one text both quote, the hearing form's list of its topics
 * (four bullets in Drammen kommune's response, two in Norsk helsenett's), is 12 words in one
 * of them, under the 15 a copy needs. */
static void test_seeds(void **state)
{
    (void)state;
    char dir[2100], txt[4][2300];
    snprintf(dir, sizeof dir, "%s/seeds", src_root);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 4;) {
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".txt"))
            snprintf(txt[n++], sizeof txt[0], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    assert_int_equal(n, 2); /* the seeds as they are: two responses */
    run_t r;
    run(&r, "--db", "sidx", "index", "--no-themes", "--mix-samples", txt[0], txt[1], NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    run(&r, "--db", "sidx", "copies", "--json", NULL);
    EXPECT_EXIT(&r, 1);
    assert_string_equal(r.out, "{\"groups\":0,\"passages\":0}\n");
    run_free(&r);
}

/* Form text (a question of the hearing's form, answered differently) is no group of copies;
 * the same letter from three of five senders is, and a short passage never (under 15 words).
 * (A text in 90% of the responses would be the form's template: form text.) */
static void test_form_text_apart(void **state)
{
    (void)state;
    static const char q[] = "Hva mener dere om forslaget om at kommunene skal dele data med "
                            "staten gjennom en felles nasjonal løsning?\n\n";
    static const char *const answers[] = {
        "Vi mener forslaget er godt, fordi kommunene da slipper å bygge egne løsninger for "
        "deling av data med statlige etater og kan bruke ressursene på tjenestene.\n\n",
        "Forslaget bekymrer oss. Personvernet til innbyggerne må vurderes grundigere før en "
        "felles løsning tas i bruk, og kostnadene for de minste kommunene er uklare.\n\n",
        "Vi har ingen sterke meninger om løsningen, men ber departementet sørge for god "
        "opplæring av ansatte og en realistisk tidsplan for innføringen i kommunene.\n\n",
        "Løsningen må bygge på åpne standarder, slik at leverandører kan konkurrere og "
        "kommunene ikke blir bundet til én leverandør i mange år fremover.\n\n",
        "Vi savner en analyse av hvilke data som faktisk trengs, og mener staten bør hente "
        "inn mindre, ikke mer, informasjon fra kommunene enn i dag.\n\n",
    };
    static const char letter[] =
        "Vi støtter kampanjen for rent vann i alle norske innsjøer og ber om at regjeringen "
        "setter av midler til opprydding i forurensede vassdrag allerede i neste budsjett.\n\n"
        "Vi er enige.\n";
    mkdir_in("form");
    for (int i = 0; i < 5; i++) {
        char rel[64], name[64];
        joined_t j = { NULL, 0 };
        j.p = malloc(4096);
        assert_non_null(j.p);
        j.len = (size_t)snprintf(j.p, 4096, "%s%s%s", q, answers[i], i < 3 ? letter : "");
        snprintf(rel, sizeof rel, "form/f%d.txt", i);
        snprintf(name, sizeof name, "Forening nummer %d", i + 1);
        put_response(rel, j.p, j.len, name);
        free(j.p);
    }
    run_t r;
    run(&r, "--db", "fidx", "index", "--no-themes", "form", NULL);
    EXPECT_EXIT(&r, 0);
    run_free(&r);
    lines_t g = copies_json("fidx");
    assert_int_equal(g.n, 2); /* one group: the letter, not the question, not "Vi er enige." */
    assert_int_equal(jreq(g.v[0], "respondents", J_ARR)->n, 3);
    assert_non_null(strstr(jreq(g.v[0], "text", J_STR)->s, "rent vann"));
    assert_true(jreq(g.v[0], "similarity", J_NUM)->num == 1.0);
    lines_free(&g);
    /* --with-form-text shows the question; it carries no group */
    run(&r, "--db", "fidx", "search", "--json", "--with-form-text", "nasjonal", NULL);
    EXPECT_EXIT(&r, 0);
    lines_t h = json_lines(r.out);
    run_free(&r);
    assert_int_equal(h.n, 6); /* the question in five responses, as form text */
    for (size_t i = 0; i + 1 < h.n; i++) {
        assert_true(jreq(h.v[i], "form_text", J_BOOL)->b);
        assert_null(jget(h.v[i], "copies"));
    }
    lines_free(&h);
}

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/hsok-copies-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp))
        return -1;
    const char *root = getenv("HSOK_SOURCE_ROOT");
    if (!root || !*root)
        return -1;
    if (!realpath(root, src_root))
        return -1;
    char dc[2100];
    snprintf(dc, sizeof dc, "%s/../shared/devcorpus", src_root);
    if (!realpath(dc, devcorpus))
        devcorpus[0] = '\0';
    if (!*devcorpus)
        print_message("skipping the dev corpus tests: no ../shared/devcorpus beside the source "
                      "tree\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_copies PATH-TO-HSOK\n");
        return 2;
    }
    hsok_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_groups),
        cmocka_unit_test(test_search_collapse),
        cmocka_unit_test(test_themes_export),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_devcorpus_none),
        cmocka_unit_test(test_seeds),
        cmocka_unit_test(test_form_text_apart),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
