/* test_cli.c — end-to-end tests of the hsok program.
 *
 * argv[1] is the path of the hsok executable; HSOK_SOURCE_ROOT names the source tree (for
 * seeds/, meson.build and doc/hsok.1). Every run is a fork+execve with stdout and stderr
 * captured (stderr optionally on a pseudo-terminal, where `hsok index` prints its summary),
 * in an environment without HSOK_DB and with NO_COLOR=1 unless a test says otherwise. The
 * index lives in a mkdtemp directory that is removed at the end.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "json.h"

extern char **environ;

/* ---- fixture ---- */

static const char *hsok_path;  /* argv[1] */
static const char *src_root;   /* $HSOK_SOURCE_ROOT */
static char tmp_dir[1024];      /* mkdtemp */
static char seeds_src[4096];   /* $HSOK_SOURCE_ROOT/seeds (responses and a README.md) */
static char seeds_dir[4096];   /* tmp_dir/seeds: copies of the *.txt of seeds_src */
static char db_dir[4096];      /* tmp_dir/index: the seeds, indexed once by the group setup */
static size_t nseeds;          /* *.txt files in seeds/ */

/* ---- growing byte buffers ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf_t;

static void sb_add(sbuf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        assert_non_null(p);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_adds(sbuf_t *b, const char *s) { sb_add(b, s, strlen(s)); }

static char *sb_take(sbuf_t *b)
{
    if (b->p == NULL)
        sb_add(b, "", 0);
    char *p = b->p;
    memset(b, 0, sizeof *b);
    return p;
}

/* ---- running hsok ---- */

typedef struct run {
    int status;     /* exit code; 128 + signal number if killed */
    char *out, *err;
    size_t out_len, err_len;
    char *cmd;      /* the command line, for messages */
} run_t;

typedef struct run_opts {
    const char *cwd;              /* working directory (NULL: the test's) */
    const char *const *env;       /* NULL-terminated "NAME=value" to set or "NAME" to unset */
    int err_tty;                  /* stderr on a pseudo-terminal */
    const char *stdin_path;       /* the file to read as standard input (NULL: /dev/null) */
} run_opts_t;

static void run_free(run_t *r)
{
    free(r->out);
    free(r->err);
    free(r->cmd);
    memset(r, 0, sizeof *r);
}

static int env_name_eq(const char *entry, const char *name_or_assign)
{
    size_t n = strcspn(name_or_assign, "=");
    return strncmp(entry, name_or_assign, n) == 0 && entry[n] == '=';
}

/* The child's environment: ours without HSOK_DB and COLUMNS, with NO_COLOR=1, then o->env. */
static char **make_env(const run_opts_t *o)
{
    static const char *const base[] = {"HSOK_DB", "COLUMNS", "NO_COLOR=1", NULL};
    size_t n = 0, extra = 0;
    while (environ[n] != NULL)
        n++;
    if (o != NULL && o->env != NULL)
        while (o->env[extra] != NULL)
            extra++;
    char **env = calloc(n + extra + 4, sizeof *env);
    assert_non_null(env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int drop = 0;
        for (size_t b = 0; base[b] != NULL; b++)
            drop |= env_name_eq(environ[i], base[b]);
        for (size_t e = 0; e < extra; e++)
            drop |= env_name_eq(environ[i], o->env[e]);
        if (!drop)
            env[k++] = environ[i];
    }
    for (size_t b = 0; base[b] != NULL; b++) {
        int overridden = 0;
        for (size_t e = 0; e < extra; e++)
            overridden |= strcspn(o->env[e], "=") == strcspn(base[b], "=") &&
                          strncmp(o->env[e], base[b], strcspn(base[b], "=")) == 0;
        if (strchr(base[b], '=') != NULL && !overridden)
            env[k++] = (char *)base[b];
    }
    for (size_t e = 0; e < extra; e++)
        if (strchr(o->env[e], '=') != NULL)
            env[k++] = (char *)o->env[e];
    env[k] = NULL;
    return env;
}

/* Seconds a run may take before it is killed and the test fails (a hang must not hang the
 * suite); tests of what could block set it lower for their runs. */
static int run_timeout = 120;

/* Run hsok with args (NULL-terminated, without argv[0]). Never returns on a failure to run. */
static void run_v(run_t *r, const run_opts_t *o, const char *const *args)
{
    memset(r, 0, sizeof *r);
    size_t nargs = 0;
    while (args[nargs] != NULL)
        nargs++;
    char **argv = calloc(nargs + 2, sizeof *argv);
    assert_non_null(argv);
    argv[0] = (char *)hsok_path;
    sbuf_t cmd = {0};
    sb_adds(&cmd, "hsok");
    for (size_t i = 0; i < nargs; i++) {
        argv[i + 1] = (char *)args[i];
        sb_adds(&cmd, " '");
        sb_adds(&cmd, args[i]);
        sb_adds(&cmd, "'");
    }
    r->cmd = sb_take(&cmd);
    char **env = make_env(o);

    int outp[2], errp[2] = {-1, -1}, slave = -1;
    assert_int_equal(pipe(outp), 0);
    if (o != NULL && o->err_tty) {
        errp[0] = posix_openpt(O_RDWR | O_NOCTTY);
        assert_true(errp[0] >= 0);
        assert_int_equal(grantpt(errp[0]), 0);
        assert_int_equal(unlockpt(errp[0]), 0);
        const char *name = ptsname(errp[0]);
        assert_non_null(name);
        slave = open(name, O_RDWR | O_NOCTTY);
        assert_true(slave >= 0);
        errp[1] = slave;
    } else {
        assert_int_equal(pipe(errp), 0);
    }
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open(o != NULL && o->stdin_path != NULL ? o->stdin_path : "/dev/null",
                           O_RDONLY);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(outp[1], 1) < 0 || dup2(errp[1], 2) < 0)
            _exit(126);
        close(devnull);
        close(outp[0]);
        close(outp[1]);
        close(errp[0]);
        close(errp[1]);
        if (o != NULL && o->cwd != NULL && chdir(o->cwd) != 0)
            _exit(126);
        execve(hsok_path, argv, env);
        dprintf(2, "test_cli: cannot run '%s': %s\n", hsok_path, strerror(errno));
        _exit(127);
    }
    close(outp[1]);
    close(errp[1]);
    free(argv);
    free(env);

    sbuf_t bout = {0}, berr = {0};
    struct pollfd fds[2] = {{outp[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
    sbuf_t *bufs[2] = {&bout, &berr};
    int open_fds = 2;
    time_t deadline = time(NULL) + run_timeout;
    while (open_fds > 0) {
        int n = poll(fds, 2, 1000);
        if (n < 0 && errno == EINTR)
            continue;
        assert_true(n >= 0);
        if (time(NULL) > deadline) {
            kill(pid, SIGKILL);
            fail_msg("%s: still running after %d s", r->cmd, run_timeout);
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            char chunk[8192];
            ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
            if (got > 0) {
                sb_add(bufs[i], chunk, (size_t)got);
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                /* EOF, or EIO from a pty master once the child has closed its side */
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r->out_len = bout.len;
    r->err_len = berr.len;
    r->out = sb_take(&bout);
    r->err = sb_take(&berr);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
/* run(&r, "arg", ...): hsok with the default environment. */
#define run(r, ...) run_v((r), NULL, ARGS(__VA_ARGS__))
#define run_with(r, opts, ...) run_v((r), (opts), ARGS(__VA_ARGS__))

static void dump(const run_t *r)
{
    print_message("command: %s\nexit: %d\n--- stdout (%zu bytes)\n%.4000s\n--- stderr\n%.4000s\n---\n",
                  r->cmd, r->status, r->out_len, r->out, r->err);
}

/* Assert the exit status, showing the command and its output when it differs. */
#define assert_exit(r, code)                                                                   \
    do {                                                                                       \
        if ((r)->status != (code))                                                             \
            dump(r);                                                                           \
        assert_int_equal((r)->status, (code));                                                 \
    } while (0)

#define assert_contains(hay, needle)                                                           \
    do {                                                                                       \
        if (strstr((hay), (needle)) == NULL)                                                   \
            print_message("expected to find \"%s\" in:\n%.4000s\n", (needle),                 \
                          (hay) ? (const char *)(hay) : "(null)");                             \
        assert_non_null(strstr((hay), (needle)));                                              \
    } while (0)

#define assert_not_contains(hay, needle)                                                       \
    do {                                                                                       \
        if (strstr((hay), (needle)) != NULL)                                                   \
            print_message("did not expect \"%s\" in:\n%.4000s\n", (needle),                   \
                          (hay) ? (const char *)(hay) : "(null)");                             \
        assert_null(strstr((hay), (needle)));                                                  \
    } while (0)

/* Occurrences of needle in s. */
static size_t count_str(const char *s, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p += k)
        n++;
    return n;
}

static size_t count_char(const char *s, size_t len, char c)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == c;
    return n;
}

/* stderr is exactly one line "hsok: …\n", and nothing went to stdout. */
#define assert_one_line_error(r)                                                               \
    do {                                                                                       \
        if ((r)->err_len == 0 || count_char((r)->err, (r)->err_len, '\n') != 1 ||              \
            (r)->err[(r)->err_len - 1] != '\n' || strncmp((r)->err, "hsok: ", 6) != 0 ||       \
            (r)->out_len != 0)                                                                 \
            dump(r);                                                                           \
        assert_int_equal(count_char((r)->err, (r)->err_len, '\n'), 1);                         \
        assert_int_equal((r)->err[(r)->err_len - 1], '\n');                                    \
        assert_int_equal(strncmp((r)->err, "hsok: ", 6), 0);                                   \
        assert_int_equal((r)->out_len, 0);                                                     \
    } while (0)

/* The last line of stderr is `hsok: SUMMARY; see above`, the count of what `hsok index` did
 * not index. Returns the number of lines before it. */
static size_t assert_index_summary(const run_t *r, const char *summary)
{
    char want[512];
    snprintf(want, sizeof want, "hsok: %s; see above\n", summary);
    size_t wl = strlen(want);
    if (r->err_len < wl || strcmp(r->err + r->err_len - wl, want) != 0 ||
        (r->err_len > wl && r->err[r->err_len - wl - 1] != '\n')) {
        dump(r);
        fail_msg("stderr does not end in the line \"%.*s\"", (int)wl - 1, want);
    }
    return count_char(r->err, r->err_len - wl, '\n');
}

static int has_esc(const run_t *r)
{
    return memchr(r->out, '\033', r->out_len) != NULL || memchr(r->err, '\033', r->err_len) != NULL;
}

static char *ci_strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay != '\0'; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return (char *)hay;
    return NULL;
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open '%s': %s", path, strerror(errno));
    sbuf_t b = {0};
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_add(&b, chunk, got);
    assert_int_equal(ferror(f), 0);
    fclose(f);
    if (len != NULL)
        *len = b.len;
    return sb_take(&b);
}

static const jval_t *jget_type(const jval_t *o, const char *key, jtype_t t)
{
    const jval_t *v = jget(o, key);
    if (v == NULL || v->t != t)
        print_message("key \"%s\": %s\n", key, v == NULL ? "missing" : "wrong type");
    assert_non_null(v);
    assert_int_equal(v->t, t);
    return v;
}

static const char *jstr(const jval_t *o, const char *key)
{
    return jget_type(o, key, J_STR)->s;
}

static double jnum(const jval_t *o, const char *key)
{
    return jget_type(o, key, J_NUM)->num;
}

/* A JSON number that must be a non-negative integer. */
static size_t juint(const jval_t *o, const char *key)
{
    double d = jnum(o, key);
    assert_true(d >= 0 && d == (double)(uint64_t)d);
    return (size_t)d;
}

typedef struct jlines {
    jval_t **v;
    size_t n;
} jlines_t;

static void jlines_free(jlines_t *jl)
{
    for (size_t i = 0; i < jl->n; i++)
        jfree(jl->v[i]);
    free(jl->v);
    memset(jl, 0, sizeof *jl);
}

/* Every line of r's stdout is one JSON object; the output ends with a newline. */
static void parse_jsonl(const run_t *r, jlines_t *jl)
{
    memset(jl, 0, sizeof *jl);
    if (r->out_len == 0 || r->out[r->out_len - 1] != '\n')
        dump(r);
    assert_true(r->out_len > 0);
    assert_int_equal(r->out[r->out_len - 1], '\n');
    size_t start = 0;
    while (start < r->out_len) {
        const char *nl = memchr(r->out + start, '\n', r->out_len - start);
        size_t end = (size_t)(nl - r->out);
        const char *err = NULL;
        size_t errpos = 0;
        /* an object, and the whole line, with no padding */
        if (end == start || r->out[start] != '{' || r->out[end - 1] != '}')
            fail_msg("%s: line is not an object: %.*s", r->cmd, (int)(end - start),
                     r->out + start);
        jval_t *v = json_parse(r->out + start, end - start, &err, &errpos);
        if (v == NULL)
            fail_msg("%s: invalid JSON (%s at byte %zu): %.*s", r->cmd, err, errpos,
                     (int)(end - start), r->out + start);
        assert_int_equal(v->t, J_OBJ);
        jval_t **nv = realloc(jl->v, (jl->n + 1) * sizeof *nv);
        assert_non_null(nv);
        jl->v = nv;
        jl->v[jl->n++] = v;
        start = end + 1;
    }
}

/* ---- checks of search output ---- */

typedef struct hits {
    jlines_t jl;
    size_t n;               /* hit objects: jl.v[0..n) */
    const jval_t *summary;  /* jl.v[n] */
} hits_t;

/* Parse `hsok … --json` search output and check its structure: hits ranked 1..n with every
 * documented key and type, then exactly one summary whose "hits" is n. */
static void parse_hits_at(const run_t *r, hits_t *h, size_t offset)
{
    parse_jsonl(r, &h->jl);
    assert_true(h->jl.n >= 1);
    h->n = h->jl.n - 1;
    h->summary = h->jl.v[h->n];
    for (size_t i = 0; i < h->n; i++) {
        const jval_t *o = h->jl.v[i];
        assert_int_equal(juint(o, "format_version"), 1);
        assert_string_equal(jstr(o, "type"), "hit");
        static const char *const keys[] = {"rank", "score", "id", "source", "line", "end_line",
                                           "respondent", "section", "themes", "text",
                                           "snippet", "highlights"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (jget(o, keys[k]) == NULL)
                fail_msg("%s: hit %zu has no \"%s\"", r->cmd, i + 1, keys[k]);
        assert_int_equal(juint(o, "rank"), offset + i + 1);
        (void)jnum(o, "score");
        assert_true(strlen(jstr(o, "id")) > 0);
        assert_true(strlen(jstr(o, "source")) > 0);
        size_t line = juint(o, "line");
        assert_true(line >= 1);
        assert_true(juint(o, "end_line") >= line);
        (void)jstr(o, "respondent");
        (void)jstr(o, "section");
        const jval_t *themes = jget_type(o, "themes", J_ARR);
        for (size_t t = 0; t < themes->n; t++)
            assert_int_equal(themes->items[t]->t, J_STR);
        /* all-words hits come before some-words hits */
        int all = jget_type(o, "all_words", J_BOOL)->b;
        if (i > 0 && all)
            assert_true(jget_type(h->jl.v[i - 1], "all_words", J_BOOL)->b);
        assert_true(strlen(jstr(o, "text")) > 0);
        const jval_t *snip = jget_type(o, "snippet", J_STR);
        const jval_t *hl = jget_type(o, "highlights", J_ARR);
        size_t prev_end = 0;
        for (size_t s = 0; s < hl->n; s++) {
            const jval_t *span = hl->items[s];
            assert_int_equal(span->t, J_ARR);
            assert_int_equal(span->n, 2);
            assert_int_equal(span->items[0]->t, J_NUM);
            assert_int_equal(span->items[1]->t, J_NUM);
            size_t a = (size_t)span->items[0]->num, b = (size_t)span->items[1]->num;
            assert_true(a >= prev_end); /* sorted, not overlapping */
            assert_true(a < b);
            assert_true(b <= snip->n);
            prev_end = b;
        }
    }
    const jval_t *s = h->summary;
    assert_int_equal(juint(s, "format_version"), 1);
    assert_string_equal(jstr(s, "type"), "summary");
    assert_int_equal(juint(s, "hits"), h->n);
    assert_true(juint(s, "estimated") >= h->n);
    assert_int_equal(jget_type(s, "relaxed", J_BOOL)->t, J_BOOL);
    assert_true(juint(s, "estimated_all_words") <= juint(s, "estimated"));
    size_t some = 0;
    for (size_t i = 0; i < h->n; i++)
        some += !jget_type(h->jl.v[i], "all_words", J_BOOL)->b;
    assert_int_equal(jget_type(s, "relaxed", J_BOOL)->b, some > 0);
    const jval_t *sugg = jget(s, "suggestion");
    assert_non_null(sugg);
    assert_true(sugg->t == J_NULL || sugg->t == J_STR);
}

static void parse_hits(const run_t *r, hits_t *h)
{
    parse_hits_at(r, h, 0);
}

static void hits_free(hits_t *h)
{
    jlines_free(&h->jl);
}

static int hits_have_respondent(const hits_t *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(jstr(h->jl.v[i], "respondent"), name) == 0)
            return 1;
    return 0;
}

/* ---- setup ---- */

static run_t setup_index; /* `hsok index --db DB SEEDS` run by the group setup */

/* Copy the *.txt files of dir into a new directory to; returns how many. */
static size_t copy_txt(const char *dir, const char *to)
{
    assert_int_equal(mkdir(to, 0700), 0);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= 4 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        char *from = path_join(dir, e->d_name), *dest = path_join(to, e->d_name);
        size_t size;
        char *data = read_file(from, &size);
        write_file(dest, data, size);
        free(data);
        free(dest);
        free(from);
        n++;
    }
    closedir(d);
    return n;
}

static int group_setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/hsok-cli-XXXXXX", t != NULL && *t ? t : "/tmp");
    if (mkdtemp(tmp_dir) == NULL) {
        fprintf(stderr, "mkdtemp %s: %s\n", tmp_dir, strerror(errno));
        return -1;
    }
    snprintf(seeds_src, sizeof seeds_src, "%s/seeds", src_root);
    snprintf(seeds_dir, sizeof seeds_dir, "%s/seeds", tmp_dir);
    snprintf(db_dir, sizeof db_dir, "%s/index", tmp_dir);
    /* `hsok index DIR` names every file it does not read, so the tests that index a
     * directory of responses use one that holds only responses */
    nseeds = copy_txt(seeds_src, seeds_dir);
    run(&setup_index, "index", "--no-themes", "--db", db_dir, seeds_dir);
    return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0)
        fprintf(stderr, "cannot remove '%s': %s\n", path, strerror(errno));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    run_free(&setup_index);
    if (tmp_dir[0] != '\0')
        nftw(tmp_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* The index the group setup built must exist for the tests that search it. */
static void need_index(void)
{
    if (setup_index.status != 0)
        dump(&setup_index);
    assert_int_equal(setup_index.status, 0);
}

/* A fresh directory under tmp_dir. */
static char *new_subdir(const char *parent, const char *name)
{
    char *p = path_join(parent, name);
    assert_int_equal(mkdir(p, 0700), 0);
    return p;
}

static char *new_dir(const char *name)
{
    return new_subdir(tmp_dir, name);
}

/* dir/codebook with one theme file, name, holding def: the codebook's path. */
static char *new_codebook(const char *dir, const char *name, const char *def)
{
    char *cb = new_subdir(dir, "codebook");
    char *theme = path_join(cb, name);
    write_file(theme, def, strlen(def));
    free(theme);
    return cb;
}

/* ---- tests: version and help ---- */

/* The project version from meson.build's project(... version : 'X' ...). */
static char *project_version(void)
{
    char *mb_path = path_join(src_root, "meson.build");
    char *mb = read_file(mb_path, NULL);
    free(mb_path);
    char *version = NULL;
    for (char *p = mb; (p = strstr(p, "version")) != NULL; p++) {
        if (p > mb && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
            continue;
        char *q = p + strlen("version");
        while (*q == ' ')
            q++;
        if (*q != ':')
            continue;
        q++;
        while (*q == ' ')
            q++;
        if (*q != '\'')
            continue;
        char *end = strchr(q + 1, '\'');
        assert_non_null(end);
        version = strndup(q + 1, (size_t)(end - q - 1));
        break;
    }
    free(mb);
    assert_non_null(version);
    return version;
}

static void test_version(void **state)
{
    (void)state;
    char *version = project_version();
    char expect[128];
    snprintf(expect, sizeof expect, "hsok %s\n", version);
    static const char *const flags[] = {"--version", "-V"};
    for (size_t i = 0; i < 2; i++) {
        run_t r;
        run(&r, flags[i]);
        assert_exit(&r, 0);
        assert_string_equal(r.out, expect);
        assert_int_equal(r.err_len, 0);
        run_free(&r);
    }
    free(version);
}

/* The commands the manual and the tests below must cover, at least. */
static const char *const base_commands[] = {"search", "index", "show", "stats", "help"};
#define NBASE (sizeof base_commands / sizeof base_commands[0])

typedef struct cmdlist {
    char *v[64];
    size_t n;
} cmdlist_t;

/* The commands `hsok --help` lists: the lines "  NAME  summary" after "commands:". */
static void help_commands(cmdlist_t *cl)
{
    memset(cl, 0, sizeof *cl);
    run_t r;
    run(&r, "--help");
    assert_exit(&r, 0);
    const char *p = strstr(r.out, "\ncommands:\n");
    assert_non_null(p);
    p += strlen("\ncommands:\n");
    while (strncmp(p, "  ", 2) == 0 && p[2] != ' ') {
        const char *e = p + 2;
        while (*e != ' ' && *e != '\n' && *e != '\0')
            e++;
        assert_true(cl->n < 64);
        cl->v[cl->n] = strndup(p + 2, (size_t)(e - p - 2));
        assert_non_null(cl->v[cl->n]);
        cl->n++;
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    run_free(&r);
    for (size_t i = 0; i < NBASE; i++) {
        int found = 0;
        for (size_t k = 0; k < cl->n; k++)
            found |= strcmp(cl->v[k], base_commands[i]) == 0;
        if (!found)
            fail_msg("'hsok --help' does not list the command %s", base_commands[i]);
    }
}

static void cmdlist_free(cmdlist_t *cl)
{
    for (size_t i = 0; i < cl->n; i++)
        free(cl->v[i]);
    cl->n = 0;
}

static int is_base_command(const char *name)
{
    for (size_t i = 0; i < NBASE; i++)
        if (strcmp(name, base_commands[i]) == 0)
            return 1;
    return 0;
}

static void test_help(void **state)
{
    (void)state;
    run_t r, h;
    run(&r, "--help");
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    assert_int_equal(strncmp(r.out, "usage: hsok", 11), 0);
    /* every command is listed on a line of its own under "commands:" */
    cmdlist_t cl;
    help_commands(&cl);
    cmdlist_free(&cl);
    assert_contains(r.out, "exit status");
    assert_contains(r.out, "**word**");

    run(&h, "-h");
    assert_exit(&h, 0);
    assert_string_equal(h.out, r.out);
    run_free(&h);

    /* `hsok help` is the same text */
    run(&h, "help");
    assert_exit(&h, 0);
    assert_string_equal(h.out, r.out);
    run_free(&h);

    /* no arguments: the help goes to stderr and it is a usage error */
    run(&h, NULL);
    assert_exit(&h, 2);
    assert_int_equal(h.out_len, 0);
    assert_string_equal(h.err, r.out);
    run_free(&h);
    run_free(&r);
}

static void test_command_help(void **state)
{
    (void)state;
    cmdlist_t cl;
    help_commands(&cl);
    for (size_t i = 0; i < cl.n; i++) {
        const char *const *commands = (const char *const *)cl.v;
        run_t r, h;
        run(&r, commands[i], "--help");
        assert_exit(&r, 0);
        assert_int_equal(r.err_len, 0);
        assert_int_equal(strncmp(r.out, "usage: hsok", 11), 0);
        /* the synopsis names the command */
        const char *eol = strchr(r.out, '\n');
        assert_non_null(eol);
        char *synopsis = strndup(r.out, (size_t)(eol - r.out));
        assert_non_null(synopsis);
        assert_contains(synopsis, commands[i]);
        free(synopsis);
        if (is_base_command(commands[i]) && strcmp(commands[i], "help") != 0)
            assert_contains(r.out, "--db DIR");
        if (strcmp(commands[i], "help") != 0) {
            run(&h, commands[i], "-h");
            assert_exit(&h, 0);
            assert_string_equal(h.out, r.out);
            run_free(&h);
        }
        /* `hsok help COMMAND` prints the same */
        run(&h, "help", commands[i]);
        assert_exit(&h, 0);
        assert_string_equal(h.out, r.out);
        run_free(&h);
        run_free(&r);
    }
    cmdlist_free(&cl);
    run_t r;
    run(&r, "help", "frobnicate");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "frobnicate");
    run_free(&r);
}

/* ---- tests: usage errors ---- */

static void test_unknown_option(void **state)
{
    (void)state;
    struct {
        const char *const *args;
        const char *mention;
    } cases[] = {
        {ARGS("--frobnicate", "personvern"), "--frobnicate"},
        {ARGS("search", "--frobnicate", "personvern"), "--frobnicate"},
        {ARGS("search", "-q", "personvern"), "-q"},
        {ARGS("index", "--frobnicate", "x.txt"), "--frobnicate"},
        {ARGS("stats", "--frobnicate"), "--frobnicate"},
        {ARGS("stats", "-x"), "-x"},
        {ARGS("show", "--frobnicate=3", "abc.1"), "--frobnicate"},
        /* a missing or bad option value is a usage error too */
        {ARGS("search", "personvern", "--limit"), "--limit"},
        {ARGS("search", "--limit", "many", "personvern"), "--limit"},
        {ARGS("search", "--limit", "0", "personvern"), "--limit"},
        {ARGS("search", "--offset", "-1", "personvern"), "--offset"},
        {ARGS("search", "--color=sometimes", "personvern"), "--color"},
        {ARGS("show", "--context", "x", "abc.1"), "--context"},
        {ARGS("stats", "extra"), "extra"},
        {ARGS("show", "abc.1", "abc.2"), "abc.2"},
        {ARGS("help", "search", "index"), "too many"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_t r;
        run_v(&r, NULL, cases[i].args);
        assert_exit(&r, 2);
        assert_one_line_error(&r);
        assert_contains(r.err, cases[i].mention);
        /* the message points at the right help */
        assert_contains(r.err, "--help");
        run_free(&r);
    }
    /* the message for a command's option points at that command's help */
    run_t r;
    run(&r, "index", "--frobnicate", "x.txt");
    assert_exit(&r, 2);
    assert_contains(r.err, "'hsok index --help'");
    run_free(&r);
}

static void test_missing_arguments(void **state)
{
    (void)state;
    struct {
        const char *const *args;
        const char *mention;
    } cases[] = {
        {ARGS("search"), "no query"},
        {ARGS("search", "--json", "--db", db_dir), "no query"},
        {ARGS("--json"), "no query"},
        {ARGS("show"), "no passage id"},
        {ARGS("index"), "no path"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_t r;
        run_v(&r, NULL, cases[i].args);
        assert_exit(&r, 2);
        assert_one_line_error(&r);
        assert_contains(r.err, cases[i].mention);
        run_free(&r);
    }
}

/* --threshold and the weights and thresholds of theme files take plain decimal numbers only:
 * hex, inf, nan, exponents and signs are a usage error (exit 2), or for a theme file an
 * error naming the file and line (exit 3), not 16, infinity or 1000. */
static void test_plain_numbers(void **state)
{
    (void)state;
    char *dir = new_dir("numbers");
    char *cb = new_subdir(dir, "codebook");
    char *theme = path_join(cb, "t.theme");
    char *txt = path_join(dir, "a.txt");
    static const char text[] = "Blåbær kommune mener at personvern må styrkes.\n";
    write_file(txt, text, sizeof text - 1);
    static const char good[] = "id: t\nlabel: T\nthreshold: 1.5\n\nterms:\n  2.5 personvern\n";
    write_file(theme, good, sizeof good - 1);
    static const char *const bad[] = { "inf", "nan", "0x2", "-1", "1e1", "infinity", "" };
    run_t r;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        run(&r, "tag", "--themes", cb, "--threshold", bad[i], txt);
        assert_exit(&r, 2);
        assert_one_line_error(&r);
        assert_contains(r.err, "--threshold wants a plain decimal number");
        run_free(&r);
    }
    run(&r, "tag", "--themes", cb, "--threshold", "0.5", txt);
    assert_exit(&r, 0);
    assert_contains(r.out, "personvern");
    run_free(&r);

    static const char *const weights[] = { "0x10", "inf", "nan", "1e3" };
    for (size_t i = 0; i < sizeof weights / sizeof *weights; i++) {
        char def[128];
        int n = snprintf(def, sizeof def, "id: t\nlabel: T\n\nterms:\n  %s  personvern\n",
                         weights[i]);
        write_file(theme, def, (size_t)n);
        run(&r, "tag", "--themes", cb, txt);
        assert_exit(&r, 3);
        assert_one_line_error(&r);
        assert_contains(r.err, "t.theme' line 5: weight");
        run_free(&r);
        n = snprintf(def, sizeof def, "id: t\nlabel: T\nthreshold: %s\n\nterms:\n  personvern\n",
                     weights[i]);
        write_file(theme, def, (size_t)n);
        run(&r, "tag", "--themes", cb, txt);
        assert_exit(&r, 3);
        assert_one_line_error(&r);
        assert_contains(r.err, "t.theme' line 3: threshold");
        run_free(&r);
    }
    free(txt);
    free(theme);
    free(cb);
    free(dir);
}

/* A tag whose own words do not reach twice the threshold, or that came from context, is
 * unsure: "?" beside the theme in `tag`, "unsure" in JSON, kept through the index into the
 * exports; the level moves with --threshold. */
static void test_unsure_tags(void **state)
{
    (void)state;
    char *dir = new_dir("unsure");
    char *cb = new_codebook(dir, "t.theme", "id: t\nlabel: T\n\nterms:\n  3 personvern\n  1 samtykke\n");
    char *txt = path_join(dir, "a.txt");
    /* one strong term (3: below 2 x 2), then two terms (4: sure) */
    static const char text[] = "Personvern er viktig.\n\nPersonvern og samtykke er viktig.\n";
    write_file(txt, text, sizeof text - 1);
    run_t r;
    run(&r, "tag", "--themes", cb, txt);
    assert_exit(&r, 0);
    assert_contains(r.out, " t? 3.0 (Personvern)");
    assert_contains(r.out, " t 4.0 (Personvern, samtykke)");
    run_free(&r);
    run(&r, "tag", "--json", "--themes", cb, txt);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 2);
    const jval_t *u0 = jget_type(jl.v[0], "unsure", J_ARR), *u1 = jget_type(jl.v[1], "unsure", J_ARR);
    assert_int_equal(u0->n, 1);
    assert_string_equal(u0->items[0]->s, "t");
    assert_int_equal(u1->n, 0);
    jlines_free(&jl);
    run_free(&r);
    /* at threshold 1.5 the single term (3) reaches twice it */
    run(&r, "tag", "--themes", cb, "--threshold", "1.5", txt);
    assert_exit(&r, 0);
    assert_contains(r.out, " t 3.0 (Personvern)");
    assert_not_contains(r.out, "t?");
    run_free(&r);
    /* kept through the index: the export says the same */
    char *db = path_join(dir, "index");
    run(&r, "index", "--themes", cb, "--db", db, txt);
    assert_exit(&r, 0);
    run_free(&r);
    run(&r, "export", "--all", "--format", "jsonl", "--db", db);
    assert_exit(&r, 0);
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 2);
    size_t unsure = 0, sure = 0;
    for (size_t i = 0; i < jl.n; i++) {
        const jval_t *u = jget_type(jl.v[i], "unsure", J_ARR);
        const char *t = jstr(jl.v[i], "text");
        if (strstr(t, "samtykke")) {
            assert_int_equal(u->n, 0);
            sure++;
        } else {
            assert_int_equal(u->n, 1);
            assert_string_equal(u->items[0]->s, "t");
            unsure++;
        }
    }
    assert_int_equal(unsure, 1);
    assert_int_equal(sure, 1);
    jlines_free(&jl);
    run_free(&r);
    /* the csv column; search marks the unsure one, in text and in JSON; the theme index
     * counts them (2 passages, 1 unsure) and says what that means */
    struct {
        const char *const *args;
        const char *want[2];
    } shown[] = {
        {ARGS("export", "--all", "--format", "csv", "--db", db),
         {"Personvern er viktig.,,,,,,t\r\n", "Personvern og samtykke er viktig.,,,,,,\r\n"}},
        {ARGS("--db", db, "personvern"), {"tema: t?\n", "tema: t\n"}},
        {ARGS("--db", db, "--json", "samtykke"), {"\"themes\":[\"t\"],\"unsure\":[],", ""}},
        {ARGS("--db", db, "--json", "personvern", "-samtykke"),
         {"\"themes\":[\"t\"],\"unsure\":[\"t\"],", ""}},
        {ARGS("--db", db, "themes"),
         {"  passages  unsure  respondents  label\n",
          "(unsure: the passage's own words reach less than twice the threshold"}},
    };
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        run_v(&r, NULL, shown[i].args);
        assert_exit(&r, 0);
        for (size_t k = 0; k < 2; k++)
            assert_contains(r.out, shown[i].want[k]);
        run_free(&r);
    }
    run(&r, "--db", db, "themes", "--json");
    assert_exit(&r, 0);
    parse_jsonl(&r, &jl);
    size_t seen = 0;
    for (size_t i = 0; i < jl.n; i++)
        if (!strcmp(jstr(jl.v[i], "type"), "theme") && !strcmp(jstr(jl.v[i], "id"), "t")) {
            assert_int_equal(juint(jl.v[i], "passages"), 2);
            assert_int_equal(juint(jl.v[i], "unsure_passages"), 1);
            seen++;
        }
    assert_int_equal(seen, 1);
    jlines_free(&jl);
    run_free(&r);
    free(db);
    free(txt);
    free(cb);
    free(dir);
}

/* hsok tag shows every theme of a passage, however many the codebook has (it kept only the
 * first 64 once, without a word) */
static void test_tag_many_themes(void **state)
{
    (void)state;
    char *dir = new_dir("many");
    char *cb = new_subdir(dir, "codebook");
    for (int i = 0; i < 70; i++) {
        char name[32], def[96];
        snprintf(name, sizeof name, "t%02d.theme", i);
        int n = snprintf(def, sizeof def, "id: t%02d\nlabel: T%d\n\nterms:\n  4 personvern\n", i, i);
        char *f = path_join(cb, name);
        write_file(f, def, (size_t)n);
        free(f);
    }
    char *txt = path_join(dir, "a.txt");
    static const char text[] = "Personvern er viktig.\n";
    write_file(txt, text, sizeof text - 1);
    run_t r;
    run(&r, "tag", "--json", "--themes", cb, txt);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 1);
    const jval_t *th = jget_type(jl.v[0], "themes", J_ARR);
    assert_int_equal(th->n, 70);
    assert_string_equal(th->items[69]->s, "t69");
    jlines_free(&jl);
    run_free(&r);
    free(txt);
    free(cb);
    free(dir);
}

/* Every occurrence of the evidence is highlighted, however many: hsok tag, a theme's passage
 * list (markers without colour), the Markdown (bold) and HTML (<mark>) exports. The CLI kept
 * only the first 64 without a word. Same rule everywhere (hsok_evidence_spans). */
static void test_evidence_every_occurrence(void **state)
{
    (void)state;
    char *dir = new_dir("marks");
    char *cb = new_codebook(dir, "t.theme", "id: t\nlabel: T\n\nterms:\n  3 personvern\n");
    char *txt = path_join(dir, "a.txt");
    char text[80 * 11 + 64];
    size_t len = 0;
    for (int i = 0; i < 80; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "personvern ");
    /* an inflected form is evidence of its own, marked whole (not "personvern" in it) */
    len += (size_t)snprintf(text + len, sizeof text - len, "personvernet.\n");
    write_file(txt, text, len);
    run_t r;
    run(&r, "tag", "--color=never", "--themes", cb, txt);
    assert_exit(&r, 0);
    assert_int_equal(count_str(r.out, "**personvern**"), 80);
    assert_int_equal(count_str(r.out, "**personvernet**"), 1);
    run_free(&r);
    char *db = path_join(dir, "index");
    run(&r, "index", "--themes", cb, "--db", db, txt);
    assert_exit(&r, 0);
    run_free(&r);
    run(&r, "themes", "--color=never", "--db", db, "t");
    assert_exit(&r, 0);
    assert_int_equal(count_str(r.out, "**personvern**"), 80);
    run_free(&r);
    run(&r, "export", "--all", "--format", "md", "--db", db);
    assert_exit(&r, 0);
    assert_int_equal(count_str(r.out, "**personvern**"), 80);
    run_free(&r);
    run(&r, "export", "--all", "--format", "html", "--db", db);
    assert_exit(&r, 0);
    /* the report quotes the passage more than once (by theme, by respondent): 80 each time */
    size_t quoted = count_str(r.out, "<mark>personvernet</mark>");
    assert_true(quoted >= 1);
    assert_int_equal(count_str(r.out, "<mark>personvern</mark>"), 80 * quoted);
    run_free(&r);
    free(db);
    free(txt);
    free(cb);
    free(dir);
}

/* hsok code --review: the unsure tags one by one, answered on standard input; y and n are
 * codes saved at once, s and unreached ones come back, sure and settled tags never do. */
static void review_with(run_t *r, const char *dir, const char *answers, const char *const *args)
{
    char *in = path_join(dir, "answers.txt");
    write_file(in, answers, strlen(answers));
    run_opts_t o = {NULL, NULL, 0, in};
    run_v(r, &o, args);
    free(in);
}

static void test_code_review(void **state)
{
    (void)state;
    char *dir = new_dir("review");
    char *cb = new_codebook(dir, "t.theme", "id: t\nlabel: T\n\nterms:\n  3 personvern\n  1 samtykke\n");
    char *txt = path_join(dir, "svar.txt");
    /* three unsure tags (3.0: one term) and a sure one (4.0) */
    static const char text[] = "Personvern er viktig for oss.\n\n"
                               "Vi er opptatt av personvern i skolen.\n\n"
                               "Personvern må sikres i alle ledd.\n\n"
                               "Personvern og samtykke henger sammen.\n";
    write_file(txt, text, sizeof text - 1);
    char *db = path_join(dir, "index");
    char *codes = path_join(dir, "index.codes.tsv");
    run_t r;
    run(&r, "index", "--themes", cb, "--db", db, txt);
    assert_exit(&r, 0);
    run_free(&r);
    review_with(&r, dir, "y\nn\nkanskje\ns\n", ARGS("code", "--review", "--db", db));
    assert_exit(&r, 0);
    assert_contains(r.out, "3 unsure tags to review");
    assert_contains(r.out, "[1/3]");
    assert_contains(r.out, "keep t? [y]es, [n]o, [s]kip, [q]uit: ");
    assert_contains(r.out, "unsure: its own words reach less than twice the threshold");
    assert_contains(r.out, "(answer y, n, s or q)");
    assert_not_contains(r.out, "samtykke henger"); /* the sure tag is not asked */
    assert_contains(r.out, "reviewed 3 of 3: 1 kept (coded +THEME), 1 removed (coded -THEME), "
                           "1 skipped (asked again next time)");
    run_free(&r);
    char *file = read_file(codes, NULL);
    assert_int_equal(count_str(file, "\t+t\t"), 1);
    assert_int_equal(count_str(file, "\t-t\t"), 1);
    free(file);
    /* the kept one is manual, the removed one gone, in search */
    run(&r, "--db", db, "personvern");
    assert_exit(&r, 0);
    assert_contains(r.out, "tema: t (manual)");
    assert_int_equal(count_str(r.out, "tema: t?"), 1); /* the skipped one */
    run_free(&r);
    /* the tagger against the answers: one right, one wrong */
    run(&r, "themes", "--check", "--json", "--db", db);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_string_equal(jstr(jl.v[0], "theme"), "t");
    assert_int_equal(juint(jl.v[0], "tp"), 1);
    assert_int_equal(juint(jl.v[0], "fp"), 1);
    jlines_free(&jl);
    run_free(&r);
    /* only the skipped tag comes back; end of input quits and says so */
    review_with(&r, dir, "", ARGS("code", "--review", "t", "--db", db));
    assert_exit(&r, 0);
    assert_contains(r.out, "1 unsure tag to review");
    assert_contains(r.out, "sikres i alle ledd"); /* the one skipped */
    assert_contains(r.out, "reviewed 0 of 1: 0 kept (coded +THEME), 0 removed (coded -THEME), "
                           "0 skipped, 1 not reached (asked again next time)");
    run_free(&r);
    review_with(&r, dir, "ja\n", ARGS("code", "--review", "--db", db));
    assert_exit(&r, 0);
    run_free(&r);
    review_with(&r, dir, "y\n", ARGS("code", "--review", "--db", db));
    assert_exit(&r, 1);
    assert_contains(r.out, "no unsure tag to review (3 settled by hand already)");
    run_free(&r);
    file = read_file(codes, NULL);
    assert_int_equal(count_str(file, "\t+t\t"), 2);
    free(file);
    /* a theme the index lacks, or a code sign, is a usage error */
    run(&r, "code", "--review", "nosuch", "--db", db);
    assert_exit(&r, 2);
    assert_contains(r.err, "unknown theme 'nosuch'");
    run_free(&r);
    run(&r, "code", "--review", "+t", "--db", db);
    assert_exit(&r, 2);
    run_free(&r);
    free(codes);
    free(db);
    free(txt);
    free(cb);
    free(dir);
}

/* ---- tests: indexing ---- */

static void test_index_seeds(void **state)
{
    (void)state;
    assert_true(nseeds >= 2);
    need_index();
    /* not on a terminal: quiet */
    assert_int_equal(setup_index.out_len, 0);
    assert_int_equal(setup_index.err_len, 0);
    run_t r;
    run(&r, "stats", "--json", "--db", db_dir);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 1);
    assert_int_equal(juint(jl.v[0], "files"), nseeds);
    assert_true(juint(jl.v[0], "passages") > nseeds);
    jlines_free(&jl);
    run_free(&r);
}

static void check_seed_stats(const char *db)
{
    run_t r;
    run(&r, "stats", "--db", db, "--json");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 1);
    assert_int_equal(juint(jl.v[0], "files"), nseeds);
    assert_int_equal(jget_type(jl.v[0], "respondents", J_ARR)->n, 3);
    jlines_free(&jl);
    run_free(&r);
}

/* A directory: *.txt and *.TXT at any depth are indexed; hidden files and *.meta sidecars
 * are passed over in silence; other names are not indexed, but named and counted (exit 4). */
static void test_index_directory_walk(void **state)
{
    (void)state;
    char *dir = new_dir("walk");
    char *db = path_join(dir, "index");
    char *docs = path_join(dir, "docs");
    char *sub = path_join(docs, "sub");
    assert_int_equal(mkdir(docs, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    static const char *const names[] = { "a.txt", "B.TXT", "sub/c.Txt", ".hidden.txt",
                                         "a.txt.meta", "notes.md", "d.doc" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *p = path_join(docs, names[i]);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        if (strstr(names[i], ".meta"))
            fputs("respondent: Eksempel kommune\n", f);
        else
            fprintf(f, "Eksempel kommune mener at ordet nr%zu er viktig.\n", i);
        fclose(f);
        free(p);
    }
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 4);
    assert_int_equal(assert_index_summary(&r, "2 files skipped (1 doc, 1 other), 0 failed"), 2);
    char *pdf = path_join(docs, "d.doc"), *md = path_join(docs, "notes.md"), want[4200];
    snprintf(want, sizeof want, "hsok: skipped '%s': an old Word document (.doc); hsok does not "
             "read it: convert it (libreoffice --headless --convert-to docx FILE.doc)\n", pdf);
    assert_contains(r.err, want);
    snprintf(want, sizeof want, "hsok: skipped '%s': not a document hsok reads (.txt, .pdf, "
             ".docx, .odt, .eml; name it on the command line to index it as text)\n", md);
    assert_contains(r.err, want);
    free(md);
    free(pdf);
    assert_not_contains(r.err, "hidden");
    assert_not_contains(r.err, ".meta");
    run_free(&r);
    run(&r, "stats", "--json", "--db", db);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(juint(jl.v[0], "files"), 3);
    jlines_free(&jl);
    run_free(&r);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char word[8];
        snprintf(word, sizeof word, "\"nr%zu\"", i);
        run(&r, "--db", db, "--json", word);
        assert_exit(&r, i < 3 ? 0 : 1);
        run_free(&r);
    }
    free(sub);
    free(docs);
    free(db);
    free(dir);
}

static int pty_available(void);

/* Write "Eksempel kommune mener at ordet WORD er viktig." to dir/name. */
static void write_response(const char *dir, const char *name, const char *word)
{
    char *p = path_join(dir, name);
    char text[256];
    int n = snprintf(text, sizeof text, "Eksempel kommune mener at ordet %s er viktig.\n", word);
    write_file(p, text, (size_t)n);
    free(p);
}

/* `hsok stats --json` files of db. */
static size_t indexed_files(const char *db)
{
    run_t r;
    run(&r, "stats", "--json", "--db", db);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    size_t n = juint(jl.v[0], "files");
    jlines_free(&jl);
    run_free(&r);
    return n;
}

/* The sources of the hits for word in db, one per line, sorted by the search. */
static char *hit_sources(const char *db, const char *word)
{
    run_t r;
    run(&r, "--db", db, "--json", "-n", "100", word);
    sbuf_t b = {0};
    if (r.status == 0) {
        hits_t h;
        parse_hits(&r, &h);
        for (size_t i = 0; i < h.n; i++) {
            sb_adds(&b, jstr(h.jl.v[i], "source"));
            sb_adds(&b, "\n");
        }
        hits_free(&h);
    } else {
        assert_exit(&r, 1);
    }
    run_free(&r);
    return sb_take(&b);
}

/* A folder of documents hsok cannot read: each is named with why and what to do, counted by
 * kind in a last line (also off a terminal), and the exit status is 4, where it was "indexed
 * 0 files ... 0 failed" and 0. A .pdf, .docx, .odt or .eml is read by what it holds: a broken
 * PDF fails, a zip that is no Word file is skipped, text under such a name is indexed as text.
 * The index directory inside the folder and the sidecar of a .txt are not reported; a sidecar
 * without its file is. */
static void test_index_unread_documents(void **state)
{
    (void)state;
    char *dir = new_dir("unread");
    char *docs = path_join(dir, "docs");
    assert_int_equal(mkdir(docs, 0700), 0);
    static const char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";
    static const char zip[] = "PK\x03\x04\x14\x00\x06\x00";
    char *p = path_join(docs, "svar 1.pdf");
    write_file(p, pdf, sizeof pdf - 1);
    free(p);
    p = path_join(docs, "svar 2.docx");
    write_file(p, zip, sizeof zip - 1);
    free(p);

    /* only a broken pdf and a zip that is no Word file: nothing indexed, and said so */
    char *db0 = path_join(dir, "index0");
    run_t r;
    run(&r, "index", "--no-themes", "--db", db0, docs);
    assert_exit(&r, 4);
    assert_int_equal(r.out_len, 0);
    assert_int_equal(assert_index_summary(&r, "1 file skipped (1 docx), 1 failed"), 2);
    char want[4200];
    snprintf(want, sizeof want, "hsok: '%s/svar 1.pdf': a damaged PDF file that cannot be "
             "opened (", docs);
    assert_contains(r.err, want);
    snprintf(want, sizeof want, "hsok: skipped '%s/svar 2.docx': a zip archive but not a Word "
             "(.docx) or OpenDocument (.odt) text; hsok does not read it\n", docs);
    assert_contains(r.err, want);
    run_free(&r);
    assert_int_equal(indexed_files(db0), 0);

    /* with responses, the other kinds, sidecars and the index inside the folder */
    write_response(docs, "a.txt", "alfa");
    write_response(docs, "b.TXT", "beta");
    static const char side[] = "respondent: Sidevogn kommune\n";
    p = path_join(docs, "a.txt.meta");
    write_file(p, side, sizeof side - 1);
    free(p);
    p = path_join(docs, "b.meta");
    write_file(p, side, sizeof side - 1);
    free(p);
    p = path_join(docs, "c.meta"); /* no c.txt */
    write_file(p, side, sizeof side - 1);
    free(p);
    write_response(docs, "d.odt", "delta");
    write_response(docs, "e.eml", "ekko");
    write_response(docs, "f.rtf", "foxtrot");
    write_response(docs, "notes.md", "notat");
    write_response(docs, ".hidden.pdf", "skjult");
    char *db = path_join(docs, "index");
    static const char *const expect =
        "4 files skipped (1 lone sidecar, 1 rtf, 1 other, 1 docx), 1 failed";
    for (int pass = 0; pass < 2; pass++) { /* the second time, the index is in the folder */
        run(&r, "index", "--no-themes", "--db", db, docs);
        assert_exit(&r, 4);
        assert_int_equal(assert_index_summary(&r, expect), 5);
        assert_contains(r.err, "c.meta': a sidecar without its .txt file next to it\n");
        assert_not_contains(r.err, "d.odt"); /* text, read as text */
        assert_not_contains(r.err, "e.eml");
        assert_contains(r.err, "f.rtf': an RTF document; hsok does not read it: convert it "
                               "(libreoffice --headless --convert-to docx FILE.rtf)\n");
        assert_contains(r.err, "notes.md': not a document hsok reads (.txt, .pdf, .docx, .odt, "
                               ".eml; name it on the command line");
        assert_not_contains(r.err, "a.txt");
        assert_not_contains(r.err, "b.meta");
        assert_not_contains(r.err, "hidden");
        assert_not_contains(r.err, db); /* nothing of the index's own files */
        run_free(&r);
    }
    assert_int_equal(indexed_files(db), 4);
    char *src = hit_sources(db, "alfa");
    snprintf(want, sizeof want, "%s/a.txt\n", docs);
    assert_string_equal(src, want);
    free(src);

    /* on a terminal the summary line counts them too */
    if (pty_available()) {
        run_opts_t tty = {NULL, NULL, 1, NULL};
        run_with(&r, &tty, "index", "--no-themes", "--db", db, docs);
        assert_exit(&r, 4);
        assert_contains(r.err, "4 unchanged, 4 skipped, 1 failed");
        assert_contains(r.err, "by type: 2 txt, 1 odt, 1 eml unchanged; 1 pdf failed");
        assert_contains(r.err, expect);
        run_free(&r);
    }

    /* a file named on the command line is read whatever its name */
    p = path_join(docs, "notes.md");
    run(&r, "index", "--no-themes", "--db", db, p);
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    run_free(&r);
    free(p);
    assert_int_equal(indexed_files(db), 5);

    /* the real seeds/ folder holds a README.md beside the responses */
    char *db2 = path_join(dir, "seeds-index");
    run(&r, "index", "--no-themes", "--db", db2, seeds_src);
    assert_exit(&r, 4);
    snprintf(want, sizeof want, "hsok: skipped '%s/README.md': not a document hsok reads",
             seeds_src);
    assert_contains(r.err, want);
    assert_int_equal(assert_index_summary(&r, "1 file skipped (1 other), 0 failed"), 1);
    run_free(&r);
    assert_int_equal(indexed_files(db2), nseeds);

    free(db2);
    free(db);
    free(db0);
    free(docs);
    free(dir);
}

/* Symbolic links: one to a file or folder inside the indexed folder is followed, and each
 * real file is indexed once, under its own path; one that leads out of the folder (like
 * shadow.txt -> /etc/shadow) is named and skipped unless --follow is given; with --follow a
 * link back into the folder (a loop) ends. */
static void test_index_symlinks(void **state)
{
    (void)state;
    char *dir = new_dir("links");
    char *docs = path_join(dir, "docs"), *out = path_join(dir, "outside");
    char *sub = path_join(docs, "sub");
    assert_int_equal(mkdir(docs, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(mkdir(out, 0700), 0);
    write_response(docs, "a.txt", "alfa");
    write_response(sub, "c.txt", "charlie");
    write_response(out, "o.txt", "oscar");
    static const struct {
        const char *target, *name;
    } links[] = {
        {"a.txt", "docs/0-alias.txt"},        /* sorts before a.txt: a.txt keeps its path */
        {"sub", "docs/0-sublink"},            /* the same folder again */
        {"../outside/o.txt", "docs/out.txt"}, /* out of the folder */
        {"../outside", "docs/outdir"},        /* out of the folder, holding o.txt again */
        {"../docs", "outside/back"},          /* from there back in: a loop */
        {"missing.txt", "docs/broken.txt"},
    };
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        char *p = path_join(dir, links[i].name);
        assert_int_equal(symlink(links[i].target, p), 0);
        free(p);
    }
    char *db = path_join(dir, "index");
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 4);
    assert_int_equal(
        assert_index_summary(&r, "3 files skipped (1 broken link, 2 links out of the folder), "
                                 "0 failed"),
        3);
    char want[4200];
    snprintf(want, sizeof want, "hsok: skipped '%s/outdir': a symbolic link out of the indexed "
             "folder (give --follow to follow it)\n", docs);
    assert_contains(r.err, want);
    snprintf(want, sizeof want, "hsok: skipped '%s/out.txt': a symbolic link out of the indexed "
             "folder (give --follow to follow it)\n", docs);
    assert_contains(r.err, want);
    assert_contains(r.err, "broken.txt': a symbolic link to nothing");
    run_free(&r);
    assert_int_equal(indexed_files(db), 2);
    char *src = hit_sources(db, "alfa");
    snprintf(want, sizeof want, "%s/a.txt\n", docs);
    assert_string_equal(src, want);
    free(src);
    src = hit_sources(db, "charlie");
    snprintf(want, sizeof want, "%s/sub/c.txt\n", docs);
    assert_string_equal(src, want);
    free(src);
    src = hit_sources(db, "oscar");
    assert_string_equal(src, "");
    free(src);

    /* --follow: the file out of the folder is indexed once, the loop ends */
    char *p = path_join(docs, "broken.txt");
    assert_int_equal(unlink(p), 0);
    free(p);
    char *db2 = path_join(dir, "index2");
    run_timeout = 30;
    run(&r, "index", "--no-themes", "--follow", "--db", db2, docs);
    run_timeout = 120;
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    run_free(&r);
    assert_int_equal(indexed_files(db2), 3);
    src = hit_sources(db2, "oscar");
    assert_int_equal(count_char(src, strlen(src), '\n'), 1);
    assert_contains(src, "docs/out");
    free(src);

    free(db2);
    free(db);
    free(sub);
    free(out);
    free(docs);
    free(dir);
}

/* FIFOs and devices are reported and skipped, never waited on: named on the command line,
 * met in a folder, as the .meta sidecar of a response and as a .theme file. Each run has 20
 * seconds: one that blocks fails the test instead of hanging the suite. */
static void test_index_special_files(void **state)
{
    (void)state;
    char *dir = new_dir("special");
    char *docs = path_join(dir, "docs");
    assert_int_equal(mkdir(docs, 0700), 0);
    write_response(docs, "a.txt", "alfa");
    write_response(docs, "b.txt", "bravo");
    write_response(docs, "c.txt", "charlie");
    char *fifo = path_join(docs, "rør.txt");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    char *bmeta = path_join(docs, "b.txt.meta");
    assert_int_equal(mkfifo(bmeta, 0600), 0);
    char *cmeta = path_join(docs, "c.meta");
    assert_int_equal(symlink("/dev/zero", cmeta), 0);
    char *db = path_join(dir, "index");
    char want[4200];
    run_t r;
    run_timeout = 20;

    run(&r, "index", "--no-themes", "--db", db, fifo, "/dev/null");
    assert_exit(&r, 4);
    assert_int_equal(assert_index_summary(&r, "2 files skipped (1 FIFO, 1 device), 0 failed"),
                     2);
    snprintf(want, sizeof want, "hsok: skipped '%s': a FIFO, not a regular file\n", fifo);
    assert_contains(r.err, want);
    assert_contains(r.err, "hsok: skipped '/dev/null': a character device, not a regular file\n");
    run_free(&r);

    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 4);
    assert_int_equal(
        assert_index_summary(&r, "3 files skipped (1 FIFO, 2 sidecars not files), 0 failed"), 3);
    assert_contains(r.err, want);
    snprintf(want, sizeof want, "hsok: skipped '%s/b.txt': sidecar '", docs);
    assert_contains(r.err, want);
    assert_contains(r.err, "b.txt.meta': a FIFO, not a regular file\n");
    snprintf(want, sizeof want, "hsok: skipped '%s/c.txt': sidecar '", docs);
    assert_contains(r.err, want);
    assert_contains(r.err, "c.meta': a character device, not a regular file\n");
    run_free(&r);
    assert_int_equal(indexed_files(db), 1);

    /* tag reads the sidecar the same way */
    char *btxt = path_join(docs, "b.txt");
    char *themes = path_join(dir, "themes");
    assert_int_equal(mkdir(themes, 0700), 0);
    char *theme = path_join(themes, "a.theme");
    static const char def[] = "id: a\nlabel: A\n\nterms:\n  3 viktig\n";
    write_file(theme, def, sizeof def - 1);
    run(&r, "tag", "--themes", themes, btxt);
    assert_exit(&r, 4);
    assert_contains(r.err, "b.txt.meta': a FIFO, not a regular file");
    run_free(&r);

    /* a FIFO among the theme files: an error naming it, at once */
    char *tfifo = path_join(themes, "b.theme");
    assert_int_equal(mkfifo(tfifo, 0600), 0);
    char *atxt = path_join(docs, "a.txt");
    run(&r, "index", "--themes", themes, "--db", db, atxt);
    assert_exit(&r, 3);
    assert_one_line_error(&r);
    snprintf(want, sizeof want, "'%s': a FIFO, not a regular file", tfifo);
    assert_contains(r.err, want);
    run_free(&r);
    run(&r, "tag", "--themes", themes, atxt);
    assert_exit(&r, 3);
    assert_contains(r.err, want);
    run_free(&r);
    run_timeout = 120;

    free(atxt);
    free(tfifo);
    free(theme);
    free(themes);
    free(btxt);
    free(db);
    free(cmeta);
    free(bmeta);
    free(fifo);
    free(docs);
    free(dir);
}

/* --max-size: a larger file is skipped with the limit and how to raise it; the default is
 * 64 MiB; values are bytes or k/M/G. */
static void test_index_max_size(void **state)
{
    (void)state;
    char *dir = new_dir("maxsize");
    char *db = path_join(dir, "index");
    char *txt = path_join(dir, "lang.txt");
    sbuf_t b = {0};
    while (b.len < 1500) /* between 1k and 2k */
        sb_adds(&b, "Eksempel kommune mener at personvern er viktig for alle. ");
    write_file(txt, b.p, b.len);
    free(b.p);
    run_t r;
    run(&r, "index", "--no-themes", "--max-size", "1k", "--db", db, txt);
    assert_exit(&r, 4);
    char want[4200];
    snprintf(want, sizeof want, "hsok: skipped '%s': larger than the 1 KB limit (raise it with "
             "--max-size)\n", txt);
    assert_contains(r.err, want);
    assert_int_equal(assert_index_summary(&r, "1 file skipped (1 too large), 0 failed"), 1);
    run_free(&r);
    run(&r, "index", "--no-themes", "--max-size=2K", "--db", db, txt);
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    run_free(&r);
    assert_int_equal(indexed_files(db), 1);

    /* the default: one byte over 64 MiB (a sparse file; nothing of it is read) */
    char *huge = path_join(dir, "stor.txt");
    int fd = open(huge, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, ((off_t)64 << 20) + 1), 0);
    close(fd);
    run_timeout = 20;
    run(&r, "index", "--no-themes", "--db", db, huge);
    run_timeout = 120;
    assert_exit(&r, 4);
    assert_contains(r.err, "larger than the 64 MB limit (raise it with --max-size)");
    run_free(&r);

    static const char *const bad[] = {"0", "", "1x", "-5", "k", "1.5M", "99999999999G"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        run(&r, "index", "--max-size", bad[i], "--db", db, txt);
        assert_exit(&r, 2);
        assert_one_line_error(&r);
        assert_contains(r.err, "--max-size");
        run_free(&r);
    }
    free(huge);
    free(txt);
    free(db);
    free(dir);
}

enum { DEEP_LEVELS = 24 }; /* 24 folders of 200 characters: a path longer than PATH_MAX */

/* Remove the chain of DEEP_LEVELS folders named name under dirfd, and what they hold, without
 * ever naming a path longer than one component (nftw cannot). */
static void rm_deep(int dirfd, const char *name, int level)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd >= 0) {
        if (level + 1 < DEEP_LEVELS)
            rm_deep(fd, name, level + 1);
        unlinkat(fd, "svar.txt", 0);
        close(fd);
    }
    unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* A response deeper than PATH_MAX is reported as failed with its path, never left out in
 * silence (it vanished, with exit 0). */
static void test_index_path_too_long(void **state)
{
    (void)state;
    char *dir = new_dir("deep");
    char *docs = path_join(dir, "docs");
    assert_int_equal(mkdir(docs, 0700), 0);
    write_response(docs, "a.txt", "alfa");
    char name[201];
    memset(name, 'd', 200);
    name[200] = '\0';
    int fd = open(docs, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    for (int i = 0; i < DEEP_LEVELS; i++) {
        assert_int_equal(mkdirat(fd, name, 0700), 0);
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
        assert_true(sub >= 0);
        close(fd);
        fd = sub;
    }
    int t = openat(fd, "svar.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(t >= 0);
    static const char text[] = "Dyp kommune mener at ordet dypt er viktig.\n";
    assert_int_equal(write(t, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(t);
    close(fd);

    char *db = path_join(dir, "index");
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 4);
    assert_int_equal(assert_index_summary(&r, "0 files skipped, 1 failed"), 1);
    char want[4200];
    snprintf(want, sizeof want, "hsok: cannot access '%s/%s/", docs, name);
    assert_contains(r.err, want);
    assert_contains(r.err, "': file name too long\n");
    run_free(&r);
    assert_int_equal(indexed_files(db), 1);

    fd = open(docs, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    rm_deep(fd, name, 0);
    close(fd);
    free(db);
    free(docs);
    free(dir);
}

/* --respondent that is not UTF-8 is a usage error before anything is read or written (it
 * was "out of memory" for each file); no codebook is said on stderr, unless --no-themes. */
static void test_index_respondent_and_codebook(void **state)
{
    (void)state;
    char *dir = new_dir("resp");
    char *db = path_join(dir, "index");
    write_response(dir, "a.txt", "alfa");
    char *txt = path_join(dir, "a.txt");
    run_t r;
    run(&r, "index", "--no-themes", "--respondent", "Bl\xe5\x62\xe6r kommune", "--db", db, txt);
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "--respondent");
    assert_contains(r.err, "not UTF-8");
    run_free(&r);
    struct stat st;
    assert_int_not_equal(stat(db, &st), 0);
    run(&r, "tag", "-r", "\xff", txt);
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "not UTF-8");
    run_free(&r);

    char *none = path_join(dir, "no-themes-here");
    char env_themes[4200];
    snprintf(env_themes, sizeof env_themes, "HSOK_THEMES=%s", none);
    const char *env[] = {env_themes, NULL};
    run_opts_t o = {NULL, env, 0, NULL};
    run_with(&r, &o, "index", "--db", db, txt);
    assert_exit(&r, 0);
    char want[4300];
    snprintf(want, sizeof want, "hsok: note: no codebook at '%s': indexing without themes (give "
             "--themes DIR, or --no-themes)\n", none);
    assert_string_equal(r.err, want);
    run_free(&r);
    run_with(&r, &o, "index", "--no-themes", "--force", "--db", db, txt);
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    run_free(&r);
    run(&r, "index", "--no-themes", "--themes", none, "--db", db, txt);
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    run_free(&r);
    free(none);
    free(txt);
    free(db);
    free(dir);
}

/* Stances are grouped by the question's text, not its number (issue 9 item 5): two forms
 * whose question 3 differs give two tables, one question under numbers 3 and 5 one table;
 * the web form's "Svar:"/"Kommentar:" labels are not in the passages. */
static void test_stances_by_question_text(void **state)
{
    (void)state;
    char *dir = new_dir("stances");
    char *db = path_join(dir, "index");
    static const struct {
        const char *file, *resp, *text;
    } forms[] = {
        {"a.txt", "Alfa kommune",
         "Sp\xc3\xb8rsm\xc3\xa5l 3: St\xc3\xb8tter dere forslaget om felles journal?\n\n"
         "Svar: Ja\n\nKommentar: Alfa viser til vedtak i kommunestyret.\n"},
        {"b.txt", "Beta kommune",
         "Sp\xc3\xb8rsm\xc3\xa5l 3: B\xc3\xb8r fristen forlenges?\n\n"
         "Svar: Nei\n\nKommentar: Beta mener fristen holder.\n"},
        {"c.txt", "Gamma kommune",
         "Sp\xc3\xb8rsm\xc3\xa5l 5: St\xc3\xb8tter dere  forslaget om felles journal\n\n"
         "Svar: Nei\n\nKommentar: Gamma savner en kostnadsvurdering.\n"},
    };
    for (size_t i = 0; i < 3; i++) {
        char *f = path_join(dir, forms[i].file);
        write_file(f, forms[i].text, strlen(forms[i].text));
        run_t r;
        run(&r, "index", "--no-themes", "-r", forms[i].resp, "--db", db, f);
        assert_exit(&r, 0);
        run_free(&r);
        free(f);
    }
    run_t r;
    run(&r, "export", "--format", "md", "--all", "--db", db);
    assert_exit(&r, 0);
    const char *q3 = strstr(r.out, "### Sp\xc3\xb8rsm\xc3\xa5l 3: St\xc3\xb8tter dere forslaget");
    const char *qb = strstr(r.out, "### Sp\xc3\xb8rsm\xc3\xa5l 3: B\xc3\xb8r fristen forlenges?");
    if (!q3 || !qb)
        dump(&r);
    assert_non_null(q3);
    assert_non_null(qb);
    /* one heading per question text: no heading for question 5, no second for question 3 */
    assert_null(strstr(r.out, "### Sp\xc3\xb8rsm\xc3\xa5l 5"));
    assert_null(strstr(q3 + 1, "### Sp\xc3\xb8rsm\xc3\xa5l 3: St\xc3\xb8tter"));
    /* each table holds its own respondents: Alfa and Gamma together, Beta alone */
    const char *end3 = strstr(q3 + 4, "###"), *endb = strstr(qb + 4, "###");
    size_t len3 = end3 ? (size_t)(end3 - q3) : strlen(q3);
    size_t lenb = endb ? (size_t)(endb - qb) : strlen(qb);
    char *t3 = strndup(q3, len3), *tb = strndup(qb, lenb);
    assert_contains(t3, "| Alfa kommune | Ja");
    assert_contains(t3, "| Gamma kommune | Nei");
    assert_null(strstr(t3, "Beta"));
    assert_contains(tb, "| Beta kommune | Nei");
    assert_null(strstr(tb, "Alfa"));
    assert_null(strstr(tb, "Gamma"));
    free(t3);
    free(tb);
    assert_contains(r.out, "Alfa viser til vedtak");
    assert_null(strstr(r.out, "Kommentar:"));
    assert_null(strstr(r.out, "Svar:"));
    run_free(&r);
    free(db);
    free(dir);
}

/* The number of hits for word (with extra, an option or NULL), 0 when none. */
static size_t hit_count(const char *db, const char *word, const char *extra)
{
    run_t r;
    if (extra)
        run(&r, "--db", db, "--json", "-n", "100", extra, word);
    else
        run(&r, "--db", db, "--json", "-n", "100", word);
    size_t n = 0;
    if (r.status == 0) {
        hits_t h;
        parse_hits(&r, &h);
        n = h.n;
        hits_free(&h);
    } else {
        assert_exit(&r, 1);
    }
    run_free(&r);
    return n;
}

/* A hearing's form text (issue 9 item 5): three responses to one form (the same preamble
 * and questions, different answers) and a campaign letter sent by two organisations. The
 * form's preamble and questions are no respondent's passages: searches and exports leave
 * them out, --with-form-text shows them; the campaign letter, a rhetorical question in it
 * included, stays (once per respondent). The marks follow the index: with two of the three
 * forms pruned, the one left is its respondent's own text again. */
static void test_form_text(void **state)
{
    (void)state;
    char *dir = new_dir("formtext");
    char *db = path_join(dir, "index");
    char *docs = path_join(dir, "docs");
    assert_int_equal(mkdir(docs, 0700), 0);
    static const char *const names[] = {"Alfa kommune", "Beta kommune", "Gamma kommune"};
    static const char *const answers[][2] = {
        {"Vi st\xc3\xb8tter forslaget fullt ut og ber om rask innf\xc3\xb8ring.",
         "Kostnadene er for lavt ansl\xc3\xa5tt i notatet."},
        {"Vi er usikre og \xc3\xb8nsker mer utredning av forslaget.",
         "Ingen ytterligere merknader fra kommunen her."},
        {"Forslaget b\xc3\xb8r ikke gjennomf\xc3\xb8res i denne formen.",
         "Departementet m\xc3\xa5 se p\xc3\xa5 finansieringen p\xc3\xa5 nytt."},
    };
    for (int i = 0; i < 3; i++) {
        char text[2048], name[64];
        snprintf(text, sizeof text,
                 "H\xc3\xb8ringssvar fra %s\n\n"
                 "Dette skjemaet brukes for \xc3\xa5 svare p\xc3\xa5 h\xc3\xb8ringen om felles "
                 "pasientjournal. Svar kort under hvert sp\xc3\xb8rsm\xc3\xa5l.\n\n"
                 "Hva mener dere om forslaget om felles pasientjournal?\n\n%s\n\n"
                 "Hvilke \xc3\xb8konomiske konsekvenser ser dere?\n\n%s\n",
                 names[i], answers[i][0], answers[i][1]);
        snprintf(name, sizeof name, "form%d.txt", i + 1);
        char *f = path_join(docs, name);
        write_file(f, text, strlen(text));
        free(f);
    }
    static const char *const orgs[] = {"Delta pasientforening", "Epsilon pasientforening"};
    for (int i = 0; i < 2; i++) {
        char text[1024], name[64];
        snprintf(text, sizeof text,
                 "H\xc3\xb8ringssvar fra %s\n\n"
                 "Vi mener at felles pasientjournal truer personvernet til alle pasienter.\n\n"
                 "Hvorfor skal staten samle alle helseopplysninger p\xc3\xa5 ett sted?\n\n"
                 "Vi krever at forslaget trekkes tilbake i sin helhet.\n",
                 orgs[i]);
        snprintf(name, sizeof name, "kampanje%d.txt", i + 1);
        char *f = path_join(docs, name);
        write_file(f, text, strlen(text));
        free(f);
    }
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 0);
    run_free(&r);
    /* the form's preamble and questions: found only when asked for */
    assert_int_equal(hit_count(db, "skjemaet", NULL), 0);
    assert_int_equal(hit_count(db, "skjemaet", "--with-form-text"), 3);
    assert_int_equal(hit_count(db, "\"konsekvenser ser dere\"", NULL), 0);
    assert_int_equal(hit_count(db, "\"konsekvenser ser dere\"", "--with-form-text"), 3);
    /* the answers are the respondents' own */
    assert_int_equal(hit_count(db, "finansieringen", NULL), 1);
    assert_int_equal(hit_count(db, "utredning", NULL), 1);
    /* the campaign letter is no form: each copy counts, its question too */
    assert_int_equal(hit_count(db, "personvernet", NULL), 2);
    assert_int_equal(hit_count(db, "helseopplysninger", NULL), 2);
    /* the form's question is the section of the answer under it, in human and JSON output
     * and in exports; the form's own passages are marked as such when shown */
    run(&r, "--db", db, "finansieringen");
    assert_exit(&r, 0);
    assert_contains(r.out, "Gamma kommune (kommune) \xe2\x80\x94 Hvilke \xc3\xb8konomiske "
                           "konsekvenser ser dere?\n");
    assert_null(strstr(r.out, "(form text)"));
    run_free(&r);
    run(&r, "--db", db, "--json", "utredning");
    assert_exit(&r, 0);
    assert_contains(r.out, "\"section\":\"Hva mener dere om forslaget om felles "
                           "pasientjournal?\"");
    assert_null(strstr(r.out, "\"form_text\""));
    run_free(&r);
    run(&r, "export", "--format", "csv", "--all", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "Alfa kommune,Hvilke \xc3\xb8konomiske konsekvenser ser dere?,");
    run_free(&r);
    run(&r, "--db", db, "--json", "--with-form-text", "skjemaet");
    assert_exit(&r, 0);
    assert_contains(r.out, "\"section\":\"\",\"form_text\":true,");
    run_free(&r);
    run(&r, "--db", db, "--with-form-text", "\"konsekvenser ser dere\"");
    assert_exit(&r, 0);
    assert_contains(r.out, "1. Alfa kommune (kommune)  (form text)\n");
    run_free(&r);
    /* exports leave the form text out too */
    run(&r, "export", "--format", "jsonl", "--all", "--db", db);
    assert_exit(&r, 0);
    assert_null(strstr(r.out, "skjemaet"));
    /* the question is no passage of its own, only the label of the answers under it */
    assert_null(strstr(r.out, "\"text\":\"Hva mener dere om forslaget"));
    assert_contains(r.out, "\"section\":\"Hva mener dere om forslaget om felles "
                           "pasientjournal?\"");
    assert_non_null(strstr(r.out, "Departementet m\xc3\xa5 se p\xc3\xa5 finansieringen"));
    assert_non_null(strstr(r.out, "helseopplysninger"));
    run_free(&r);
    run(&r, "export", "--format", "jsonl", "--all", "--with-form-text", "--db", db);
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "skjemaet"));
    run_free(&r);
    /* two forms gone: the third one's text is its own again */
    for (int i = 1; i <= 2; i++) {
        char name[64];
        snprintf(name, sizeof name, "form%d.txt", i);
        char *f = path_join(docs, name);
        assert_int_equal(unlink(f), 0);
        free(f);
    }
    run(&r, "index", "--no-themes", "--prune", "--db", db, docs);
    assert_exit(&r, 0);
    run_free(&r);
    assert_int_equal(hit_count(db, "skjemaet", NULL), 1);
    assert_int_equal(hit_count(db, "\"konsekvenser ser dere\"", NULL), 1);
    assert_int_equal(hit_count(db, "personvernet", NULL), 2);
    /* and the question above its answer is no longer its label */
    run(&r, "--db", db, "--json", "finansieringen");
    assert_exit(&r, 0);
    assert_contains(r.out, "\"section\":\"\",");
    assert_null(strstr(r.out, "form_text"));
    run_free(&r);
    run(&r, "--db", db, "--with-form-text", "skjemaet");
    assert_exit(&r, 0);
    assert_null(strstr(r.out, "(form text)"));
    run_free(&r);
    free(docs);
    free(db);
    free(dir);
}

/* A file is known by its content (issue 11 item 3): a moved and renamed file keeps its
 * passages and their ids and is not counted twice before --prune; a second copy of a file is
 * indexed once, with a note; new content at a path replaces what was indexed from it. */
static char *hit_ids(const run_t *r);

static void test_index_content_identity(void **state)
{
    (void)state;
    char *dir = new_dir("identity");
    char *db = path_join(dir, "index");
    char *docs = path_join(dir, "docs");
    char *sub = path_join(docs, "sub");
    assert_int_equal(mkdir(docs, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    char *a = path_join(docs, "a.txt");
    char *b = path_join(sub, "b.txt");
    char *c = path_join(docs, "c.txt");
    const char *text = "Høringssvar fra Lillevik kommune\n\n"
                       "Lillevik kommune mener at blåbærsyltetøyet må vurderes nærmere.\n\n"
                       "Kommunen ber om at blåbærsyltetøyet omtales i veilederen.\n";
    write_file(a, text, strlen(text));
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 0);
    run_free(&r);
    run(&r, "--db", db, "--json", "blåbærsyltetøyet");
    assert_exit(&r, 0);
    char *ids = hit_ids(&r);
    assert_contains(r.out, "/a.txt\"");
    run_free(&r);
    assert_int_equal(hit_count(db, "blåbærsyltetøyet", NULL), 2);

    /* moved and renamed: the same passages and ids, at the new path, not counted twice */
    assert_int_equal(rename(a, b), 0);
    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 0);
    run_free(&r);
    run(&r, "--db", db, "--json", "blåbærsyltetøyet");
    assert_exit(&r, 0);
    char *ids2 = hit_ids(&r);
    assert_string_equal(ids2, ids);
    assert_contains(r.out, "/sub/b.txt\"");
    assert_null(strstr(r.out, "/a.txt\""));
    run_free(&r);

    /* a second copy: indexed once, said so */
    write_file(c, text, strlen(text));
    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 0);
    assert_contains(r.err, "c.txt': same content as '");
    assert_contains(r.err, "b.txt', indexed once");
    run_free(&r);
    assert_int_equal(hit_count(db, "blåbærsyltetøyet", NULL), 2);

    /* new content at a path replaces what was indexed from it */
    const char *other = "Høringssvar fra Lillevik kommune\n\nVi støtter tyttebærsaften.\n";
    write_file(c, other, strlen(other));
    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 0);
    assert_null(strstr(r.err, "same content"));
    run_free(&r);
    assert_int_equal(hit_count(db, "tyttebærsaften", NULL), 1);
    const char *third = "Høringssvar fra Lillevik kommune\n\nVi støtter multekremen.\n";
    write_file(c, third, strlen(third));
    run(&r, "index", "--no-themes", "--db", db, c);
    assert_exit(&r, 0);
    run_free(&r);
    assert_int_equal(hit_count(db, "tyttebærsaften", NULL), 0);
    assert_int_equal(hit_count(db, "multekremen", NULL), 1);
    assert_int_equal(hit_count(db, "blåbærsyltetøyet", NULL), 2);

    /* the moved file's passages go with --prune once it is gone, and only then */
    assert_int_equal(unlink(b), 0);
    run(&r, "index", "--no-themes", "--db", db, c);
    assert_exit(&r, 0);
    run_free(&r);
    assert_int_equal(hit_count(db, "blåbærsyltetøyet", NULL), 2);
    run(&r, "index", "--no-themes", "--prune", "--db", db, c);
    assert_exit(&r, 0);
    run_free(&r);
    assert_int_equal(hit_count(db, "blåbærsyltetøyet", NULL), 0);
    assert_int_equal(hit_count(db, "multekremen", NULL), 1);

    free(ids);
    free(ids2);
    free(a);
    free(b);
    free(c);
    free(sub);
    free(docs);
    free(db);
    free(dir);
}

/* The respondent alias table: $HSOK_ALIASES names the table, a respondent goes by its
 * canonical name, a changed table re-reads the file without --force, a malformed table fails
 * the file with the table's name and line. */
static void test_index_aliases(void **state)
{
    (void)state;
    char *dir = new_dir("aliases");
    char *db = path_join(dir, "index");
    char *txt = path_join(dir, "svar.txt");
    char *tsv = path_join(dir, "aliases.tsv");
    const char *text = "Legeforeningen takker for invitasjonen.\n\n"
                       "Legeforeningen mener forslaget er godt.\n";
    write_file(txt, text, strlen(text));
    const char *table = "Legeforeningen\tDen norske legeforening\tfagforening\n";
    write_file(tsv, table, strlen(table));
    char env_aliases[4200];
    snprintf(env_aliases, sizeof env_aliases, "HSOK_ALIASES=%s", tsv);
    const char *env[] = {env_aliases, NULL};
    run_opts_t o = {NULL, env, 0, NULL};
    run_t r;
    jlines_t jl;
    run_with(&r, &o, "index", "--no-themes", "--db", db, txt);
    assert_exit(&r, 0);
    run_free(&r);
    run_with(&r, &o, "export", "--db", db, "--all", "--format", "jsonl");
    assert_exit(&r, 0);
    parse_jsonl(&r, &jl);
    assert_true(jl.n >= 1);
    for (size_t i = 0; i < jl.n; i++)
        assert_string_equal(jstr(jl.v[i], "respondent"), "Den norske legeforening");
    jlines_free(&jl);
    run_free(&r);

    /* an empty table: the name as written, and the file is read again without --force */
    write_file(tsv, "# none\n", 7);
    run_with(&r, &o, "index", "--no-themes", "--db", db, txt);
    assert_exit(&r, 0);
    run_free(&r);
    run_with(&r, &o, "export", "--db", db, "--all", "--format", "jsonl");
    parse_jsonl(&r, &jl);
    assert_true(jl.n >= 1);
    assert_string_equal(jstr(jl.v[0], "respondent"), "Legeforeningen");
    jlines_free(&jl);
    run_free(&r);

    const char *bad = "# x\nLegeforeningen Den norske legeforening\n";
    write_file(tsv, bad, strlen(bad));
    run_with(&r, &o, "index", "--no-themes", "--force", "--db", db, txt);
    assert_exit(&r, 4);
    char want[4400];
    snprintf(want, sizeof want, "'%s' line 2: expected 'alias<TAB>name'", tsv);
    assert_contains(r.err, want);
    run_free(&r);
    free(tsv);
    free(txt);
    free(db);
    free(dir);
}

static void test_index_missing_path(void **state)
{
    (void)state;
    char *dir = new_dir("partial");
    char *db = path_join(dir, "index");
    char *missing = path_join(dir, "no-such-response.txt");
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, seeds_dir, missing);
    assert_exit(&r, 4);
    /* one line naming it, and the count of what was not indexed */
    assert_int_equal(assert_index_summary(&r, "0 files skipped, 1 failed"), 1);
    assert_int_equal(strncmp(r.err, "hsok: ", 6), 0);
    assert_int_equal(r.out_len, 0);
    assert_contains(r.err, missing);
    assert_contains(r.err, "no such file");
    /* the seeds were indexed all the same */
    check_seed_stats(db);
    run_free(&r);

    /* the missing path first makes no difference */
    char *db2 = path_join(dir, "index2");
    run(&r, "index", "--no-themes", "--db", db2, missing, seeds_dir);
    assert_exit(&r, 4);
    assert_int_equal(assert_index_summary(&r, "0 files skipped, 1 failed"), 1);
    assert_contains(r.err, missing);
    check_seed_stats(db2);
    run_free(&r);
    free(db2);
    free(missing);
    free(db);
    free(dir);
}

static void test_index_bad_files(void **state)
{
    (void)state;
    char *dir = new_dir("bad");
    char *db = path_join(dir, "index");
    char *binary = path_join(dir, "binary.txt");
    char *invalid = path_join(dir, "invalid.txt");
    char *good = path_join(seeds_dir, "000_a029a37dc8fc4944.txt");
    static const char bin[] = "Høringssvar\n\x00\x01\x02\x03 ELF\x7f";
    write_file(binary, bin, sizeof bin - 1);
    /* more bytes that are not UTF-8 than UTF-8 characters (so not UTF-8 with a stray byte),
     * and 0x81 is undefined in Windows-1252 */
    static const char bad[] = "Høringssvar fra Eksempel kommune\n\nVi st\x81tter forslaget \x81.\n";
    write_file(invalid, bad, sizeof bad - 1);

    run_t r;
    run(&r, "index", "--no-themes", "--db", db, binary, good, invalid);
    assert_exit(&r, 4);
    assert_int_equal(r.out_len, 0);
    /* one line per bad file, each naming it, then their count */
    assert_int_equal(assert_index_summary(&r, "0 files skipped, 2 failed"), 2);
    char *nl = strchr(r.err, '\n');
    char *first = strndup(r.err, (size_t)(nl - r.err));
    assert_non_null(first);
    assert_int_equal(strncmp(first, "hsok: ", 6), 0);
    assert_contains(first, "binary.txt");
    assert_int_equal(strncmp(nl + 1, "hsok: ", 6), 0);
    assert_contains(nl + 1, "invalid.txt");
    assert_not_contains(nl + 1, "binary.txt");
    free(first);
    run_free(&r);

    /* the good file is in, the bad ones are not */
    run(&r, "stats", "--db", db, "--json");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(juint(jl.v[0], "files"), 1);
    jlines_free(&jl);
    run_free(&r);

    /* a file that is all bad is still exit 4 (some files failed) */
    run(&r, "index", "--no-themes", "--db", db, binary);
    assert_exit(&r, 4);
    assert_int_equal(assert_index_summary(&r, "0 files skipped, 1 failed"), 1);
    assert_contains(r.err, binary);
    run_free(&r);

    free(good);
    free(invalid);
    free(binary);
    free(db);
    free(dir);
}

/* The ids of `hsok --json informasjonssikkerhet -n 100` on db, one per line. */
static char *search_ids(const char *db)
{
    run_t r;
    run(&r, "--db", db, "--json", "-n", "100", "informasjonssikkerhet");
    assert_exit(&r, 0);
    hits_t h;
    parse_hits(&r, &h);
    sbuf_t b = {0};
    for (size_t i = 0; i < h.n; i++) {
        sb_adds(&b, jstr(h.jl.v[i], "id"));
        sb_adds(&b, "\n");
    }
    hits_free(&h);
    run_free(&r);
    return sb_take(&b);
}

/* Whether this system can give us a pseudo-terminal. */
static int pty_available(void)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* One stray byte in a UTF-8 file: the file is indexed as UTF-8, the byte replaced by U+FFFD,
 * with a warning naming the file and the offset (by `index` and by `tag`); the rest of the
 * text is not read as Windows-1252 ("BlÃ¥bÃ¦r"). */
static void test_index_stray_byte(void **state)
{
    (void)state;
    char *dir = new_dir("stray");
    char *db = path_join(dir, "index");
    char *cb = new_codebook(dir, "journal.theme", "id: journal\nlabel: Journal\n\nterms:\n  3 kjernejournal\n");
    char *txt = path_join(dir, "svar.txt");
    static const char text[] = "Høringssvar fra Blåbær kommune\n\n"
                               "Blåbær kommune støtter \x92" "felles kjernejournal for alle.\n";
    write_file(txt, text, sizeof text - 1);
    char want[4096];
    snprintf(want, sizeof want,
             "hsok: '%s': 1 invalid UTF-8 byte replaced by U+FFFD (first at byte %zu)\n", txt,
             (size_t)(strchr(text, '\x92') - text));

    run_t r;
    run(&r, "index", "--db", db, "--themes", cb, txt);
    assert_exit(&r, 0);
    assert_string_equal(r.err, want);
    run_free(&r);
    run(&r, "--db", db, "Blåbær");
    assert_exit(&r, 0);
    assert_contains(r.out, " kommune støtter \xef\xbf\xbd" "felles kjernejournal");
    assert_not_contains(r.out, "\xc3\x83");
    run_free(&r);

    run(&r, "tag", "--themes", cb, txt);
    assert_exit(&r, 0);
    assert_string_equal(r.err, want);
    assert_contains(r.out, "journal");
    /* the respondent's type, as 'hsok index' stores it */
    assert_contains(r.out, "  Blåbær kommune (kommune)");
    run_free(&r);
    run(&r, "tag", "--json", "--themes", cb, txt);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_true(jl.n > 0);
    for (size_t i = 0; i < jl.n; i++) {
        assert_string_equal(jstr(jl.v[i], "respondent"), "Blåbær kommune");
        assert_string_equal(jstr(jl.v[i], "respondent_type"), "kommune");
    }
    jlines_free(&jl);
    run_free(&r);
    /* the themes table: the respondent's row names its type */
    run(&r, "themes", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "\nBlåbær kommune (kommune)  ");
    run_free(&r);
    free(txt);
    free(cb);
    free(db);
    free(dir);
}

static void test_reindex_unchanged(void **state)
{
    (void)state;
    char *dir = new_dir("reindex");
    char *db = path_join(dir, "index");
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, seeds_dir);
    assert_exit(&r, 0);
    run_free(&r);
    char *ids = search_ids(db);
    assert_true(strlen(ids) > 0);

    /* on a terminal, the summary says the files were unchanged */
    int have_pty = pty_available();
    if (!have_pty)
        print_message("no pseudo-terminal: the summary lines are not checked\n");
    run_opts_t tty = {NULL, NULL, 1, NULL};
    char expect[128];
    if (have_pty) {
        run_with(&r, &tty, "index", "--no-themes", "--db", db, seeds_dir);
        assert_exit(&r, 0);
        assert_int_equal(r.out_len, 0);
        assert_contains(r.err, "indexed 0 files");
        snprintf(expect, sizeof expect, "%zu unchanged", nseeds);
        assert_contains(r.err, expect);
        assert_contains(r.err, "0 failed");
        run_free(&r);
    }

    /* not on a terminal: quiet, and the index is as it was (same passage ids) */
    run(&r, "index", "--no-themes", "--db", db, seeds_dir);
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    run_free(&r);
    char *ids2 = search_ids(db);
    assert_string_equal(ids2, ids);
    free(ids2);

    /* --force indexes them again, to the same ids */
    if (have_pty) {
        run_with(&r, &tty, "index", "--no-themes", "--force", "--db", db, seeds_dir);
        assert_exit(&r, 0);
        snprintf(expect, sizeof expect, "indexed %zu files", nseeds);
        assert_contains(r.err, expect);
        assert_contains(r.err, "0 unchanged");
    } else {
        run(&r, "index", "--no-themes", "--force", "--db", db, seeds_dir);
        assert_exit(&r, 0);
    }
    run_free(&r);
    ids2 = search_ids(db);
    assert_string_equal(ids2, ids);
    free(ids2);
    check_seed_stats(db);

    free(ids);
    free(db);
    free(dir);
}

static void test_sidecar_and_respondent_option(void **state)
{
    (void)state;
    char *dir = new_dir("sidecar");
    char *db = path_join(dir, "index");
    char *txt = path_join(dir, "svar.txt");
    char *meta = path_join(dir, "svar.txt.meta");
    static const char text[] =
        "Høringssvar\n"
        "\n"
        "Vi mener at informasjonssikkerhet må prioriteres i alle kommunene, og at "
        "personvernet må ivaretas.\n";
    write_file(txt, text, sizeof text - 1);
    static const char side[] = "# sidecar\nrespondent: Eksempel kommune\n";
    write_file(meta, side, sizeof side - 1);

    run_t r;
    run(&r, "index", "--db", db, txt);
    assert_exit(&r, 0);
    run_free(&r);
    run(&r, "--db", db, "--json", "informasjonssikkerhet");
    assert_exit(&r, 0);
    hits_t h;
    parse_hits(&r, &h);
    assert_true(h.n >= 1);
    for (size_t i = 0; i < h.n; i++)
        assert_string_equal(jstr(h.jl.v[i], "respondent"), "Eksempel kommune");
    hits_free(&h);
    run_free(&r);

    /* --respondent overrides the sidecar (and counts as a change: re-indexed) */
    run(&r, "index", "--db", db, "--respondent", "Annen etat", txt);
    assert_exit(&r, 0);
    run_free(&r);
    run(&r, "stats", "--db", db, "--json");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    const jval_t *resp = jget_type(jl.v[0], "respondents", J_ARR);
    assert_int_equal(resp->n, 1);
    assert_string_equal(jstr(resp->items[0], "name"), "Annen etat");
    jlines_free(&jl);
    run_free(&r);

    free(meta);
    free(txt);
    free(db);
    free(dir);
}

/* ---- tests: search ---- */

static void test_search_json(void **state)
{
    (void)state;
    need_index();
    run_t r;
    run(&r, "--db", db_dir, "--json", "informasjonssikkerhet");
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    hits_t h;
    parse_hits(&r, &h);
    assert_true(h.n >= 2);
    assert_true(h.n <= 10); /* the default limit */
    assert_true(hits_have_respondent(&h, "Drammen kommune"));
    assert_true(hits_have_respondent(&h, "Helse Sør-Øst RHF"));
    assert_false(jget_type(h.summary, "relaxed", J_BOOL)->b);
    /* every exact hit highlights a form of the word in its snippet; scores do not increase;
     * related hits (the word's parts apart, its head in other compounds) come after them */
    size_t nexact = 0;
    for (size_t i = 0; i < h.n; i++) {
        const jval_t *o = h.jl.v[i];
        const jval_t *snip = jget(o, "snippet");
        const jval_t *hl = jget(o, "highlights");
        if (!strcmp(jstr(o, "match"), "related"))
            continue;
        assert_string_equal(jstr(o, "match"), "exact");
        assert_int_equal(nexact, i);
        nexact++;
        int found = 0;
        for (size_t s = 0; s < hl->n; s++) {
            size_t a = (size_t)hl->items[s]->items[0]->num;
            size_t b = (size_t)hl->items[s]->items[1]->num;
            char *word = strndup(snip->s + a, b - a);
            assert_non_null(word);
            found |= ci_strstr(word, "informasjonssikkerhet") != NULL;
            free(word);
        }
        if (!found)
            fail_msg("hit %zu highlights no form of informasjonssikkerhet: %s", i + 1, snip->s);
        assert_non_null(ci_strstr(jstr(o, "text"), "informasjonssikkerhet"));
        if (i > 0)
            assert_true(jnum(o, "score") <= jnum(h.jl.v[i - 1], "score"));
    }
    assert_true(nexact >= 2);
    assert_true(jnum(h.summary, "estimated_related") >= (double)(h.n - nexact));
    hits_free(&h);
    run_free(&r);

    /* a person sees the related hits marked and counted */
    run(&r, "--db", db_dir, "-n", "50", "informasjonssikkerhet");
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "(related)"));
    assert_non_null(strstr(r.out, "── related:"));
    assert_non_null(strstr(r.out, " related)\n"));
    assert_non_null(strstr(r.out, " exact, "));
    run_free(&r);
}

/* The JSON hit's highlighted words, each as "word" joined by '|' (owned). */
static char *highlighted_words(const jval_t *o)
{
    const jval_t *snip = jget(o, "snippet"), *hl = jget(o, "highlights");
    sbuf_t b = { 0 };
    for (size_t s = 0; s < hl->n; s++) {
        size_t a = (size_t)hl->items[s]->items[0]->num;
        size_t e = (size_t)hl->items[s]->items[1]->num;
        assert_true(a < e && e <= strlen(snip->s));
        sb_adds(&b, "|");
        sb_add(&b, snip->s + a, e - a);
    }
    sb_adds(&b, "|");
    return sb_take(&b);
}

/* query finds one hit in db, with this match and these highlighted words (as
 * highlighted_words gives them) */
static void assert_one_hit(const char *db, const char *query, const char *match,
                           const char *words)
{
    run_t r;
    run(&r, "--db", db, "search", "--json", query);
    assert_exit(&r, 0);
    hits_t h;
    parse_hits(&r, &h);
    assert_int_equal(h.n, 1);
    assert_string_equal(jstr(h.jl.v[0], "match"), match);
    char *w = highlighted_words(h.jl.v[0]);
    assert_string_equal(w, words);
    free(w);
    hits_free(&h);
    run_free(&r);
}

/* Inflected forms are exact matches and a bokmål/nynorsk variant is its own, lower tier
 * ("match":"variant", marked for a person); in both the matched word is highlighted. */
static void test_search_variant_marked(void **state)
{
    (void)state;
    char *dir = new_dir("variant");
    char *db = path_join(dir, "index");
    char *txt = path_join(dir, "svar.txt");
    static const char text[] =
        "Løysinga er god for alle.\n\n"
        "Denne løsningen er bra.\n\n"
        "Kommunen har ansvaret for dette.\n\n"
        "Informasjonstryggleiken må styrkjast.\n";
    write_file(txt, text, sizeof text - 1);
    run_t r;
    run(&r, "--db", db, "index", txt);
    assert_exit(&r, 0);
    run_free(&r);

    run(&r, "--db", db, "search", "--json", "løsning");
    assert_exit(&r, 0);
    hits_t h;
    parse_hits(&r, &h);
    assert_int_equal(h.n, 2);
    assert_string_equal(jstr(h.jl.v[0], "match"), "exact");
    assert_non_null(strstr(jstr(h.jl.v[0], "text"), "løsningen"));
    char *w = highlighted_words(h.jl.v[0]);
    assert_string_equal(w, "|løsningen|");
    free(w);
    assert_string_equal(jstr(h.jl.v[1], "match"), "variant");
    w = highlighted_words(h.jl.v[1]);
    assert_string_equal(w, "|Løysinga|");
    free(w);
    assert_int_equal(juint(h.summary, "count_variant"), 1);
    assert_int_equal(juint(h.summary, "estimated_related"), 0);
    hits_free(&h);
    run_free(&r);

    /* the reverse, and a compound whose nynorsk head is the variant */
    assert_one_hit(db, "sikkerhet", "variant", "|Informasjonstryggleiken|");
    /* the base form finds the definite form: exact, highlighted */
    assert_one_hit(db, "ansvar", "exact", "|ansvaret|");

    /* a person sees the variant marked, after the exact hit, and counted apart */
    run(&r, "--db", db, "search", "løsning");
    assert_exit(&r, 0);
    char *exact = strstr(r.out, "**løsningen**");
    char *mark = strstr(r.out, "(bokmål/nynorsk)");
    assert_non_null(exact);
    assert_non_null(mark);
    assert_true(exact < mark);
    assert_non_null(strstr(mark, "**Løysinga**"));
    assert_non_null(strstr(r.out, "(1 exact, 1 bokmål/nynorsk)\n"));
    run_free(&r);

    free(txt);
    free(db);
    free(dir);
}

static void test_search_limit_offset_respondent(void **state)
{
    (void)state;
    need_index();
    run_t all, r;
    hits_t ha, h;
    run(&all, "--db", db_dir, "--json", "-n", "50", "informasjonssikkerhet");
    assert_exit(&all, 0);
    parse_hits(&all, &ha);
    assert_true(ha.n >= 3);

    run(&r, "--db", db_dir, "--json", "--limit", "1", "informasjonssikkerhet");
    assert_exit(&r, 0);
    parse_hits(&r, &h);
    assert_int_equal(h.n, 1);
    assert_string_equal(jstr(h.jl.v[0], "id"), jstr(ha.jl.v[0], "id"));
    hits_free(&h);
    run_free(&r);

    run(&r, "--db", db_dir, "--json", "--offset", "1", "-n", "1", "informasjonssikkerhet");
    assert_exit(&r, 0);
    parse_hits_at(&r, &h, 1); /* ranks go on from the offset */
    assert_int_equal(h.n, 1);
    assert_string_equal(jstr(h.jl.v[0], "id"), jstr(ha.jl.v[1], "id"));
    hits_free(&h);
    run_free(&r);

    /* -r keeps only that respondent's passages, like the respondent: field */
    static const char *const filters[][2] = {{"-r", "drammen"}, {"--respondent", "DRAMMEN"}};
    for (size_t f = 0; f < 2; f++) {
        run(&r, "--db", db_dir, "--json", filters[f][0], filters[f][1], "-n", "50",
            "informasjonssikkerhet");
        assert_exit(&r, 0);
        parse_hits(&r, &h);
        assert_true(h.n >= 1);
        assert_true(h.n < ha.n);
        for (size_t i = 0; i < h.n; i++)
            assert_string_equal(jstr(h.jl.v[i], "respondent"), "Drammen kommune");
        hits_free(&h);
        run_free(&r);
    }
    run(&r, "--db", db_dir, "--json", "-n", "50", "informasjonssikkerhet", "respondent:drammen");
    assert_exit(&r, 0);
    parse_hits(&r, &h);
    assert_true(h.n >= 1);
    for (size_t i = 0; i < h.n; i++)
        assert_string_equal(jstr(h.jl.v[i], "respondent"), "Drammen kommune");
    hits_free(&h);
    run_free(&r);

    hits_free(&ha);
    run_free(&all);
}

/* The ids of r's hits, one per line. */
static char *hit_ids(const run_t *r)
{
    hits_t h;
    parse_hits(r, &h);
    sbuf_t b = {0};
    sb_add(&b, "", 0);
    for (size_t i = 0; i < h.n; i++) {
        sb_adds(&b, jstr(h.jl.v[i], "id"));
        sb_adds(&b, "\n");
    }
    hits_free(&h);
    return sb_take(&b);
}

static int has_theme(const jval_t *hit, const char *theme)
{
    const jval_t *t = jget_type(hit, "themes", J_ARR);
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i]->t == J_STR && strcmp(t->items[i]->s, theme) == 0)
            return 1;
    return 0;
}

/* -t/--theme and tema: keep the passages tagged with a theme (a codebook of our own). */
static void test_search_theme_filter(void **state)
{
    (void)state;
    char *dir = new_dir("themed");
    char *db = path_join(dir, "index");
    char *cbdir = path_join(dir, "codebook");
    assert_int_equal(mkdir(cbdir, 0700), 0);
    char *theme = path_join(cbdir, "sikker.theme");
    static const char def[] = "# a test theme\n"
                              "id: sikker\n"
                              "label: Informasjonssikkerhet\n"
                              "\n"
                              "terms:\n"
                              "  3 informasjonssikkerhet\n";
    write_file(theme, def, sizeof def - 1);
    run_t r;
    run(&r, "index", "--db", db, "--themes", cbdir, seeds_dir);
    assert_exit(&r, 0);
    run_free(&r);

    run_t all;
    run(&all, "--db", db, "--json", "-n", "100", "digital");
    assert_exit(&all, 0);
    hits_t ha;
    parse_hits(&all, &ha);
    size_t tagged = 0;
    for (size_t i = 0; i < ha.n; i++)
        tagged += has_theme(ha.jl.v[i], "sikker");
    assert_true(tagged >= 1);
    assert_true(tagged < ha.n);

    const char *const *const forms[] = {
        ARGS("-t", "sikker", "digital"),
        ARGS("--theme", "sikker", "digital"),
        ARGS("digital", "tema:sikker"),
        ARGS("theme:sikker", "digital"),
    };
    char *first = NULL;
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        const char *args[16] = {"--db", db, "--json", "-n", "100"};
        size_t n = 5;
        for (size_t k = 0; forms[f][k] != NULL; k++)
            args[n++] = forms[f][k];
        args[n] = NULL;
        run_v(&r, NULL, args);
        assert_exit(&r, 0);
        hits_t h;
        parse_hits(&r, &h);
        assert_int_equal(h.n, tagged);
        for (size_t i = 0; i < h.n; i++)
            assert_true(has_theme(h.jl.v[i], "sikker"));
        hits_free(&h);
        char *ids = hit_ids(&r);
        if (first == NULL)
            first = ids;
        else {
            assert_string_equal(ids, first);
            free(ids);
        }
        run_free(&r);
    }
    free(first);

    /* the human output names the themes of a hit */
    run(&r, "--db", db, "-t", "sikker", "digital");
    assert_exit(&r, 0);
    assert_contains(r.out, "tema: sikker");
    run_free(&r);
    /* a theme the codebook does not have is an error naming the themes, not "no passage" */
    run(&r, "--db", db, "-t", "nosuchtheme", "digital");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "hsok: no theme 'nosuchtheme' in the index; themes: sikker\n");
    assert_int_equal(r.out_len, 0);
    run_free(&r);
    run(&r, "themes", "--db", db, "nosuchtheme");
    assert_exit(&r, 2);
    assert_contains(r.err, "hsok: no theme 'nosuchtheme' in the index; themes: sikker\n");
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "csv", "-t", "nosuchtheme");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "no theme 'nosuchtheme' in the index");
    run_free(&r);

    hits_free(&ha);
    run_free(&all);
    free(theme);
    free(cbdir);
    free(db);
    free(dir);
}

/* A word that starts with '-' is an exclusion in the query, not an option. */
static void test_search_negation(void **state)
{
    (void)state;
    need_index();
    run_t all, r;
    hits_t ha, h;
    run(&all, "--db", db_dir, "--json", "-n", "100", "informasjonssikkerhet");
    assert_exit(&all, 0);
    parse_hits(&all, &ha);
    run(&r, "--db", db_dir, "--json", "-n", "100", "informasjonssikkerhet", "-helse");
    assert_true(r.status == 0 || r.status == 1);
    parse_hits(&r, &h);
    assert_true(h.n < ha.n);
    for (size_t i = 0; i < h.n; i++) {
        const char *text = jstr(h.jl.v[i], "text");
        /* no passage left has the word "helse" on its own */
        for (const char *p = text; (p = ci_strstr(p, "helse")) != NULL; p++) {
            int before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '-' ||
                                      (unsigned char)p[-1] >= 0x80);
            int after = isalnum((unsigned char)p[5]) || (unsigned char)p[5] >= 0x80;
            if (!before && !after)
                fail_msg("hit %zu still has 'helse': %s", i + 1, text);
        }
    }
    hits_free(&h);
    run_free(&r);
    /* NOT word is the same query */
    run_t r2;
    run(&r, "--db", db_dir, "--json", "-n", "100", "informasjonssikkerhet", "-helse");
    run(&r2, "--db", db_dir, "--json", "-n", "100", "informasjonssikkerhet", "NOT", "helse");
    assert_int_equal(r2.status, r.status);
    assert_string_equal(r2.out, r.out);
    run_free(&r2);
    run_free(&r);
    hits_free(&ha);
    run_free(&all);
}

static void test_implicit_search(void **state)
{
    (void)state;
    need_index();
    const char *const *const queries[] = {
        ARGS("informasjonssikkerhet"),
        ARGS("--json", "informasjonssikkerhet"),
        ARGS("-n", "3", "personvern", "kommune"),
        ARGS("zzqxjvkw"),
    };
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        const char *implicit[16] = {"--db", db_dir}, *explicit_[16] = {"--db", db_dir, "search"};
        size_t ni = 2, ne = 3;
        for (size_t k = 0; queries[q][k] != NULL; k++) {
            implicit[ni++] = queries[q][k];
            explicit_[ne++] = queries[q][k];
        }
        implicit[ni] = NULL;
        explicit_[ne] = NULL;
        run_t a, b;
        run_v(&a, NULL, implicit);
        run_v(&b, NULL, explicit_);
        if (a.status != b.status || strcmp(a.out, b.out) != 0 || strcmp(a.err, b.err) != 0) {
            dump(&a);
            dump(&b);
        }
        assert_int_equal(a.status, b.status);
        assert_string_equal(a.out, b.out);
        assert_string_equal(a.err, b.err);
        if (q == 0) {
            assert_exit(&a, 0);
            assert_true(a.out_len > 0);
        }
        run_free(&a);
        run_free(&b);
    }
    /* the command word may also follow the options */
    run_t a, b;
    run(&a, "--db", db_dir, "stats");
    run(&b, "stats", "--db", db_dir);
    assert_exit(&a, 0);
    assert_string_equal(a.out, b.out);
    run_free(&a);
    run_free(&b);
}

static void test_no_hits(void **state)
{
    (void)state;
    need_index();
    run_t r;
    run(&r, "--db", db_dir, "zzqxjvkw");
    assert_exit(&r, 1);
    assert_contains(r.out, "no passage matches");
    assert_int_equal(r.err_len, 0);
    run_free(&r);

    run(&r, "--db", db_dir, "--json", "zzqxjvkw");
    assert_exit(&r, 1);
    hits_t h;
    parse_hits(&r, &h);
    assert_int_equal(h.n, 0);
    assert_int_equal(juint(h.summary, "estimated"), 0);
    hits_free(&h);
    run_free(&r);

    /* a filter that names no respondent is an error, not "no passage" */
    run(&r, "--db", db_dir, "-r", "zzqxjvkw", "informasjonssikkerhet");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "hsok: no respondent 'zzqxjvkw' in the index");
    assert_int_equal(r.out_len, 0);
    run_free(&r);
}

static void test_malformed_query(void **state)
{
    (void)state;
    need_index();
    struct {
        const char *const *args;
        const char *mention;
    } cases[] = {
        {ARGS("\"unbalanced"), "unbalanced quote at column 1"},
        {ARGS("personvern", "\"digital kompetanse"), "unbalanced quote at column 12"},
        {ARGS("(personvern", "OR", "kommune"), "unbalanced parenthesis"},
        {ARGS("personvern)"), "unbalanced parenthesis"},
        {ARGS("personvern", "OR"), "'OR'"},
        {ARGS("AND", "personvern"), "'AND'"},
        {ARGS("NOT"), "'NOT'"},
        {ARGS("nosuchfield:x"), "unknown field"},
        {ARGS("respondent:"), "needs a value"},
        /* not UTF-8: a usage error naming the byte, not "out of memory" */
        {ARGS("person\xffvern"), "the query is not valid UTF-8 (byte 6)"},
        {ARGS("--respondent", "Berg\xe5n", "personvern"),
         "the respondent filter is not valid UTF-8 (byte 4)"},
        {ARGS("(((((((((((((((((((((((((((((((((((((((((((((((((((helse"),
         "more than 50 parentheses"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[16] = {"--db", db_dir};
        size_t n = 2;
        for (size_t k = 0; cases[i].args[k] != NULL; k++)
            args[n++] = cases[i].args[k];
        args[n] = NULL;
        run_t r;
        run_v(&r, NULL, args);
        assert_exit(&r, 2);
        assert_one_line_error(&r);
        assert_contains(r.err, cases[i].mention);
        run_free(&r);
    }
}

static void test_missing_index(void **state)
{
    (void)state;
    char *missing = path_join(tmp_dir, "no-index-here");
    const char *const *const cmds[] = {
        ARGS("search", "informasjonssikkerhet"),
        ARGS("informasjonssikkerhet"),
        ARGS("stats"),
        ARGS("show", "abc.1"),
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        const char *args[8] = {"--db", missing};
        size_t n = 2;
        for (size_t k = 0; cmds[i][k] != NULL; k++)
            args[n++] = cmds[i][k];
        args[n] = NULL;
        run_t r;
        run_v(&r, NULL, args);
        assert_exit(&r, 3);
        assert_one_line_error(&r);
        assert_contains(r.err, missing);
        run_free(&r);
    }
    /* searching did not create it */
    struct stat st;
    assert_int_not_equal(stat(missing, &st), 0);
    free(missing);
}

/* ---- tests: stats, show ---- */

/* Files indexed without a word list say so (at index time, once, and in 'hsok stats'): without
 * hunspell's dictionaries no base forms are indexed, without a compound lexicon nothing is
 * split, and searches then miss forms an analyst expects. An empty HSOK_LEXICON turns
 * splitting off on purpose: no warning, but stats still tells. */
static void test_analysis_gaps(void **state)
{
    (void)state;
    char *dir = new_dir("gaps");
    char *db = path_join(dir, "index");
    char *txt = path_join(dir, "svar.txt");
    static const char body[] = "Kommunen mener informasjonssikkerheten m\xc3\xa5 styrkes.\n";
    write_file(txt, body, sizeof body - 1);
    run_t r;
    const char *missing[] = {"HSOK_HUNSPELL_DIR=/nonexistent-hunspell",
                             "HSOK_LEXICON=/nonexistent-wordlist", NULL};
    run_opts_t o = {NULL, missing, 0, NULL};
    run_with(&r, &o, "index", "--no-themes", "--db", db, txt);
    assert_exit(&r, 0);
    assert_int_equal(count_str(r.err, "hsok: warning: indexed without base forms"), 1);
    assert_int_equal(count_str(r.err, "hsok: warning: indexed without compound splitting"), 1);
    assert_contains(r.err, "hunspell-no");
    assert_contains(r.err, "wnorwegian");
    run_free(&r);
    run(&r, "stats", "--json", "--db", db);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 1);
    assert_int_equal(jget_type(jl.v[0], "lemmas", J_BOOL)->b, 0);
    assert_int_equal(jget_type(jl.v[0], "compound_splitting", J_BOOL)->b, 0);
    jlines_free(&jl);
    run_free(&r);
    run(&r, "stats", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "analysis:     no base forms");
    assert_contains(r.out, "no compound splitting");
    run_free(&r);

    /* the word lists installed: no warning, and stats says both are on */
    run(&r, "index", "--no-themes", "--force", "--db", db, txt);
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    run_free(&r);
    run(&r, "stats", "--json", "--db", db);
    assert_exit(&r, 0);
    parse_jsonl(&r, &jl);
    assert_int_equal(jget_type(jl.v[0], "lemmas", J_BOOL)->b, 1);
    assert_int_equal(jget_type(jl.v[0], "compound_splitting", J_BOOL)->b, 1);
    jlines_free(&jl);
    run_free(&r);

    /* splitting off on purpose: not warned about */
    const char *off[] = {"HSOK_LEXICON=", NULL};
    run_opts_t o2 = {NULL, off, 0, NULL};
    run_with(&r, &o2, "index", "--no-themes", "--force", "--db", db, txt);
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    run_free(&r);
    run(&r, "stats", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "analysis:     base forms, no compound splitting");
    run_free(&r);
    free(txt);
    free(db);
    free(dir);
}

static void test_stats(void **state)
{
    (void)state;
    need_index();
    run_t r;
    run(&r, "stats", "--json", "--db", db_dir);
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 1);
    const jval_t *o = jl.v[0];
    assert_int_equal(juint(o, "format_version"), 1);
    assert_string_equal(jstr(o, "index"), db_dir);
    assert_int_equal(juint(o, "files"), nseeds);
    size_t passages = juint(o, "passages");
    assert_true(juint(o, "terms") > 100);
    assert_true(juint(o, "bytes_on_disk") > 0);
    const jval_t *resp = jget_type(o, "respondents", J_ARR);
    assert_int_equal(resp->n, 3);
    size_t sum = 0, prev = SIZE_MAX;
    int drammen = 0, hso = 0, nhn = 0;
    for (size_t i = 0; i < resp->n; i++) {
        const char *name = jstr(resp->items[i], "name");
        size_t n = juint(resp->items[i], "passages");
        assert_true(n > 0);
        assert_true(n <= prev); /* by passages, descending */
        prev = n;
        sum += n;
        drammen += strcmp(name, "Drammen kommune") == 0;
        hso += strcmp(name, "Helse Sør-Øst RHF") == 0;
        nhn += ci_strstr(name, "Norsk helsenett") != NULL;
        /* each respondent's type, as 'hsok respondents' gives it */
        if (strcmp(name, "Drammen kommune") == 0)
            assert_string_equal(jstr(resp->items[i], "type"), "kommune");
        if (strcmp(name, "Helse Sør-Øst RHF") == 0)
            assert_string_equal(jstr(resp->items[i], "type"), "helseforetak");
    }
    assert_int_equal(drammen, 1);
    assert_int_equal(hso, 1);
    assert_int_equal(nhn, 1);
    assert_int_equal(sum, passages);
    jlines_free(&jl);
    run_free(&r);

    run(&r, "stats", "--db", db_dir);
    assert_exit(&r, 0);
    assert_contains(r.out, "respondents:  3\n");
    assert_contains(r.out, "Drammen kommune (kommune)\n");
    assert_contains(r.out, "Helse Sør-Øst RHF (helseforetak)\n");
    run_free(&r);
}

/* Several words: all-words hits, a separator line, then the some-words hits; the JSON
 * marks each hit. */
static void test_search_some_words(void **state)
{
    (void)state;
    need_index();
    run_t r;
    run(&r, "--db", db_dir, "--json", "brukervennlighet", "løsninger");
    assert_exit(&r, 0);
    hits_t h;
    parse_hits(&r, &h);
    assert_int_equal(h.n, 10);
    size_t all = juint(h.summary, "estimated_all_words");
    assert_true(all >= 1 && all < 10);
    assert_true(jget_type(h.summary, "relaxed", J_BOOL)->b);
    for (size_t i = 0; i < h.n; i++)
        assert_int_equal(jget_type(h.jl.v[i], "all_words", J_BOOL)->b, i < all);
    hits_free(&h);
    run_free(&r);

    run(&r, "--db", db_dir, "brukervennlighet", "løsninger");
    assert_exit(&r, 0);
    const char *sep = strstr(r.out, "── passages with only some of the words ──");
    assert_non_null(sep);
    assert_non_null(strstr(r.out, "1. "));
    assert_true(strstr(r.out, "1. ") < sep);
    assert_contains(r.out, "with all the words, the rest with some of them)");
    run_free(&r);

    /* one word: no separator */
    run(&r, "--db", db_dir, "brukervennlighet");
    assert_exit(&r, 0);
    assert_not_contains(r.out, "some of the words");
    run_free(&r);
}

/* export: -o FILE.ext stands in for --format; an unknown extension without --format is a
 * usage error that writes nothing; an unwritable path names the file. */
static void test_export_format_from_name(void **state)
{
    (void)state;
    need_index();
    char *dir = new_dir("export-name");
    char *html = path_join(dir, "rapport.HTML"); /* the extension in any case */
    char *csv = path_join(dir, "utdrag.csv");
    char *txt = path_join(dir, "utdrag.txt");
    run_t r;
    run(&r, "export", "--all", "--db", db_dir, "-o", html);
    assert_exit(&r, 0);
    run_free(&r);
    char *text = read_file(html, NULL);
    assert_true(strncmp(text, "<!DOCTYPE html>", 15) == 0);
    free(text);
    run(&r, "export", "--all", "--db", db_dir, "-o", csv);
    assert_exit(&r, 0);
    run_free(&r);
    text = read_file(csv, NULL);
    assert_true(strncmp(text, "id,respondent,section,themes", 28) == 0);
    free(text);
    /* --format wins over the name */
    run(&r, "export", "--all", "--format", "jsonl", "--force", "--db", db_dir, "-o", csv);
    assert_exit(&r, 0);
    run_free(&r);
    text = read_file(csv, NULL);
    assert_true(text[0] == '{');
    free(text);
    run(&r, "export", "--all", "--db", db_dir, "-o", txt);
    assert_exit(&r, 2);
    assert_contains(r.err, "--format is required");
    assert_int_equal(access(txt, F_OK), -1);
    run_free(&r);
    run(&r, "export", "--all", "--db", db_dir, "-o", "/nonexistent-hsok-dir/x.csv");
    assert_exit(&r, 3);
    assert_contains(r.err, "'/nonexistent-hsok-dir/x.csv'");
    assert_contains(r.err, "no directory '/nonexistent-hsok-dir'");
    run_free(&r);
    free(html);
    free(csv);
    free(txt);
    free(dir);
}

/* The type of what is at path (lstat), as S_IFMT bits; 0 if nothing. */
static mode_t path_type(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0;
}

/* No temporary file (".NAME.XXXXXX") was left in dir. */
static void assert_no_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            fail_msg("temporary file left in %s: %s", dir, e->d_name);
    closedir(d);
}

/* export -o PATH replaces only a regular file (with --force), keeping its mode and owner;
 * a FIFO, symbolic link, socket, device or directory is refused and left as it is. */
static void test_export_output_safety(void **state)
{
    (void)state;
    need_index();
    char *dir = new_dir("export-safe");
    run_t r;

    /* what is not a regular file: refused with and without --force, exit 2, untouched */
    char *fifo = path_join(dir, "fifo.csv");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    char *target = path_join(dir, "target.csv");
    write_file(target, "keep me\n", 8);
    char *link = path_join(dir, "link.csv");
    assert_int_equal(symlink("target.csv", link), 0);
    char *dangling = path_join(dir, "dangling.csv");
    assert_int_equal(symlink("nowhere.csv", dangling), 0);
    char *sub = path_join(dir, "sub.csv");
    assert_int_equal(mkdir(sub, 0700), 0);
    char *sock = path_join(dir, "sock.csv");
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(sfd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(sock) < sizeof sa.sun_path);
    strcpy(sa.sun_path, sock);
    assert_int_equal(bind(sfd, (struct sockaddr *)&sa, sizeof sa), 0);
    /* a device: as root one made here (never anything under /dev); else /dev/null, which a
     * user cannot replace even if hsok tried */
    char *dev = path_join(dir, "null.csv");
    const char *device = dev;
    if (geteuid() != 0 || mknod(dev, S_IFCHR | 0600, makedev(1, 3)) != 0)
        device = geteuid() != 0 ? "/dev/null" : NULL;
    if (device == NULL)
        print_message("no device case: cannot mknod as root here\n");
    static const struct {
        const char *name, *kind;
        mode_t type;
    } cases[] = {
        {"fifo.csv", "a FIFO, not a regular file", S_IFIFO},
        {"link.csv", "a symbolic link, not a regular file", S_IFLNK},
        {"dangling.csv", "a symbolic link, not a regular file", S_IFLNK},
        {"sub.csv", "a directory, not a regular file", S_IFDIR},
        {"sock.csv", "a socket, not a regular file", S_IFSOCK},
        {NULL, "a character device, not a regular file", S_IFCHR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = cases[i].name ? path_join(dir, cases[i].name) : NULL;
        const char *p = path ? path : device;
        if (p == NULL)
            continue;
        for (int force = 0; force < 2; force++) {
            if (force)
                run(&r, "export", "--all", "--db", db_dir, "--format", "csv", "-o", p, "--force");
            else
                run(&r, "export", "--all", "--db", db_dir, "--format", "csv", "-o", p);
            assert_exit(&r, 2);
            assert_one_line_error(&r);
            assert_contains(r.err, cases[i].kind);
            assert_not_contains(r.err, "use --force");
            assert_int_equal(path_type(p), cases[i].type);
            run_free(&r);
        }
        free(path);
    }
    /* the link's target keeps its text; the dangling link's target was not made */
    char *text = read_file(target, NULL);
    assert_string_equal(text, "keep me\n");
    free(text);
    char *nowhere = path_join(dir, "nowhere.csv");
    assert_int_equal(path_type(nowhere), 0);
    if (device == dev) {
        struct stat st;
        assert_int_equal(lstat(dev, &st), 0);
        assert_true(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
    }

    /* a regular file: refused without --force; with it replaced, keeping mode (and owner,
     * as root) */
    char *priv = path_join(dir, "privat.csv");
    write_file(priv, "old\n", 4);
    assert_int_equal(chmod(priv, 0600), 0);
    int chowned = geteuid() == 0 && chown(priv, 4321, 4321) == 0;
    run(&r, "export", "--all", "--db", db_dir, "-o", priv);
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "already exists; use --force");
    run_free(&r);
    text = read_file(priv, NULL);
    assert_string_equal(text, "old\n");
    free(text);
    run(&r, "export", "--all", "--db", db_dir, "-o", priv, "--force");
    assert_exit(&r, 0);
    run_free(&r);
    struct stat st;
    assert_int_equal(lstat(priv, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
    if (chowned) {
        assert_int_equal(st.st_uid, 4321);
        assert_int_equal(st.st_gid, 4321);
    }
    text = read_file(priv, NULL);
    assert_true(strncmp(text, "id,respondent,section,themes", 28) == 0);
    free(text);
    /* a new file gets 0666 less the umask, not the mode of some other file */
    char *fresh = path_join(dir, "ny.csv");
    run(&r, "export", "--all", "--db", db_dir, "-o", fresh);
    assert_exit(&r, 0);
    run_free(&r);
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(lstat(fresh, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);

    /* into a directory that does not exist, or a path through a file: exit 3, said so */
    char *nodir = path_join(dir, "mangler/x.csv");
    run(&r, "export", "--all", "--db", db_dir, "-o", nodir, "--force");
    assert_exit(&r, 3);
    assert_one_line_error(&r);
    assert_contains(r.err, "no directory '");
    assert_contains(r.err, "/mangler'");
    run_free(&r);
    char *through = path_join(dir, "privat.csv/x.csv");
    run(&r, "export", "--all", "--db", db_dir, "-o", through);
    assert_exit(&r, 3);
    assert_one_line_error(&r);
    assert_contains(r.err, "privat.csv' is not a directory");
    run_free(&r);
    assert_no_temp_files(dir);

    close(sfd);
    free(through);
    free(nodir);
    free(fresh);
    free(priv);
    free(nowhere);
    free(dev);
    free(sock);
    free(sub);
    free(dangling);
    free(link);
    free(target);
    free(fifo);
    free(dir);
}

/* The words of s, separated by single spaces. */
static char *squeeze(const char *s)
{
    sbuf_t b = {0};
    sb_add(&b, "", 0);
    int space = 0;
    for (; *s != '\0'; s++) {
        if (isspace((unsigned char)*s)) {
            space = b.len > 0;
            continue;
        }
        if (space)
            sb_add(&b, " ", 1);
        space = 0;
        sb_add(&b, s, 1);
    }
    return sb_take(&b);
}

static void test_show(void **state)
{
    (void)state;
    need_index();
    run_t s;
    run(&s, "--db", db_dir, "--json", "informasjonssikkerhet");
    assert_exit(&s, 0);
    hits_t h;
    parse_hits(&s, &h);
    assert_true(h.n >= 1);
    const jval_t *hit = h.jl.v[0];
    const char *id = jstr(hit, "id");
    const char *text = jstr(hit, "text");

    /* human: the target's lines carry "> ": header, source:line, then the text */
    run_t r;
    run(&r, "show", "--db", db_dir, "--context", "1", id);
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    sbuf_t target = {0};
    size_t nlines = 0;
    for (const char *p = r.out; *p != '\0';) {
        const char *eol = strchr(p, '\n');
        assert_non_null(eol);
        if (strncmp(p, "> ", 2) == 0) {
            if (nlines == 0) {
                char hdr[256];
                snprintf(hdr, sizeof hdr, "> [%s]  %s", id, jstr(hit, "respondent"));
                assert_int_equal(strncmp(p, hdr, strlen(hdr)), 0);
            } else if (nlines == 1) {
                char src[4096];
                snprintf(src, sizeof src, "> %s:%zu", jstr(hit, "source"), juint(hit, "line"));
                assert_int_equal(strncmp(p, src, strlen(src)), 0);
            } else {
                sb_add(&target, p + 2, (size_t)(eol - p - 2));
                sb_add(&target, " ", 1);
            }
            nlines++;
        }
        p = eol + 1;
    }
    assert_true(nlines >= 3);
    char *shown = squeeze(target.p);
    char *want = squeeze(text);
    assert_string_equal(shown, want);
    free(want);
    free(shown);
    free(target.p);
    /* neighbours are shown too, unmarked */
    assert_non_null(strstr(r.out, "\n  ["));
    run_free(&r);

    /* -C and --json: the target and its neighbours from the same file, in order */
    run(&r, "show", "--db", db_dir, "-C", "1", "--json", id);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_true(jl.n >= 2 && jl.n <= 3);
    size_t ntarget = 0;
    for (size_t i = 0; i < jl.n; i++) {
        const jval_t *o = jl.v[i];
        assert_string_equal(jstr(o, "type"), "passage");
        assert_string_equal(jstr(o, "source"), jstr(hit, "source"));
        if (i > 0)
            assert_int_equal(juint(o, "ordinal"), juint(jl.v[i - 1], "ordinal") + 1);
        if (jget_type(o, "target", J_BOOL)->b) {
            ntarget++;
            assert_string_equal(jstr(o, "id"), id);
            assert_string_equal(jstr(o, "text"), text);
            assert_string_equal(jstr(o, "respondent"), jstr(hit, "respondent"));
            assert_string_equal(jstr(o, "section"), jstr(hit, "section"));
            assert_int_equal(juint(o, "line"), juint(hit, "line"));
        }
    }
    assert_int_equal(ntarget, 1);
    jlines_free(&jl);
    run_free(&r);

    /* without --context: the passage alone */
    run(&r, "--db", db_dir, "show", "--json", id);
    assert_exit(&r, 0);
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 1);
    assert_true(jget_type(jl.v[0], "target", J_BOOL)->b);
    jlines_free(&jl);
    run_free(&r);

    hits_free(&h);
    run_free(&s);
}

/* Pages and whole responses (issue 11 items 1 and 4): a text with form feeds (as pdftotext
 * writes a PDF) cites pages in search (human and JSON) and exports; `show --file` and
 * `show --respondent` give one response in document order with headings, pages and answers;
 * an unknown file or respondent is a one-line usage error with a suggestion. */
static void test_show_response_pages(void **state)
{
    (void)state;
    char *dir = new_dir("pages");
    char *db = path_join(dir, "index");
    char *docs = path_join(dir, "docs");
    assert_int_equal(mkdir(docs, 0700), 0);
    static const char paged[] =
        "Lillevik kommune\n"
        "H\xc3\xb8ringssvar om helsedata\n\n"
        "Lillevik kommune viser til h\xc3\xb8ringsbrevet og takker for muligheten til\n"
        "\xc3\xa5 gi innspill. Kommunen st\xc3\xb8tter forslaget om en felles l\xc3\xb8sning\n"
        "for deling av helsedata mellom kommunene og\n\n\n1\n"
        "\fLillevik kommune\nH\xc3\xb8ringssvar om helsedata, 12.03.2024\n\n"
        "Helse S\xc3\xb8r-\xc3\x98st, men mener at finansieringen m\xc3\xa5 avklares.\n\n"
        "Personvern\n\n"
        "Kommunen er bekymret for personvernet n\xc3\xa5r data deles uten tilgangsstyring.\n\n"
        "2\n"
        "\fLillevik kommune\nH\xc3\xb8ringssvar om helsedata, 12.03.2024\n\n"
        "\xc3\x98konomi\n\n"
        "Kostnadene m\xc3\xa5 dekkes av staten.\n\n3\n\f";
    static const char form[] =
        "H\xc3\xb8ringssvar fra Fjellvettforeningen\n\n"
        "1) St\xc3\xb8tter dere forslaget?\n\n"
        "\xe2\x98\x92 Ja \xe2\x98\x90 Nei \xe2\x98\x90 Vet ikke\n\n"
        "Vi st\xc3\xb8tter forslaget om merking av stier i fjellet.\n\n"
        "2) Andre merknader?\n\n"
        "Stiene m\xc3\xa5 vedlikeholdes hvert \xc3\xa5r av kommunene.\n";
    static const char other[] = "H\xc3\xb8ringssvar fra Bratt kommune\n\n"
                                "Bratt kommune mener stiene er for bratte.\n";
    char *f1 = path_join(docs, "lillevik.txt"), *f2 = path_join(docs, "fjell.txt"),
         *f3 = path_join(docs, "bratt.txt");
    write_file(f1, paged, sizeof paged - 1);
    write_file(f2, form, sizeof form - 1);
    write_file(f3, other, sizeof other - 1);
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, docs);
    assert_exit(&r, 0);
    run_free(&r);

    /* search: "s. 2" beside the respondent; JSON page and end_page, absent without pages */
    run(&r, "--db", db, "tilgangsstyring");
    assert_exit(&r, 0);
    assert_contains(r.out, "1. Lillevik kommune (kommune), s. 2 \xe2\x80\x94 Personvern\n");
    run_free(&r);
    run(&r, "--db", db, "--json", "\"Helse S\xc3\xb8r-\xc3\x98st\"");
    assert_exit(&r, 0);
    assert_contains(r.out, "\"page\":1,\"end_page\":2,");
    assert_contains(r.out, "kommunene og Helse S\xc3\xb8r-\xc3\x98st, men mener");
    assert_not_contains(r.out, "12.03.2024");
    run_free(&r);
    run(&r, "--db", db, "--json", "stiene");
    assert_exit(&r, 0);
    assert_not_contains(r.out, "\"page\"");
    run_free(&r);

    /* exports: csv columns page and end_page (empty without pages), jsonl keys, md and html
     * citations */
    run(&r, "export", "--format", "csv", "--all", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, ",respondent_type,page,end_page,position,position_evidence,"
                           "themes_unsure\r\n");
    assert_contains(r.out, "bekymret for personvernet n\xc3\xa5r data deles uten tilgangsstyring."
                           ",kommune,2,2,,,\r\n");
    assert_contains(r.out, "for bratte.,kommune,,,,,\r\n");
    run_free(&r);
    run(&r, "export", "--format", "jsonl", "--all", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "\"line\":25,\"end_line\":25,\"page\":3,\"end_page\":3,");
    run_free(&r);
    run(&r, "export", "--format", "md", "--all", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "Lillevik kommune (kommune), s. 1\xe2\x80\x93" "2, ");
    assert_contains(r.out, "Lillevik kommune (kommune), s. 2, Personvern, ");
    run_free(&r);
    run(&r, "export", "--format", "html", "--all", "--db", db);
    assert_exit(&r, 0);
    /* the report cites "Respondent (type), s. N" and the section, never the file's path */
    assert_contains(r.out, "Lillevik kommune (kommune), s. 3, \xc3\x98konomi");
    assert_not_contains(r.out, f1);
    run_free(&r);

    /* show --file: the response in order, each heading once, with pages */
    run(&r, "show", "--db", db, "--file", f1);
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    char head[4096];
    snprintf(head, sizeof head, "Lillevik kommune (kommune) \xe2\x80\x94 %s\n", f1);
    assert_int_equal(strncmp(r.out, head, strlen(head)), 0);
    const char *a = strstr(r.out, "viser til"), *b = strstr(r.out, "\nPersonvern\n"),
               *c = strstr(r.out, "bekymret"), *d = strstr(r.out, "\n\xc3\x98konomi\n"),
               *e = strstr(r.out, "Kostnadene");
    assert_true(a && b && c && d && e && a < b && b < c && c < d && d < e);
    /* with the position its text states */
    assert_contains(r.out, "  s. 1\xe2\x80\x93" "2  line 4  [st\xc3\xb8tter]\n");
    assert_contains(r.out, "  s. 3  line 25\n");
    assert_null(strstr(b + 1, "\nPersonvern\n"));
    run_free(&r);
    /* the file name alone names it when one file has that name; --json in document order */
    run(&r, "show", "--db", db, "--json", "--file", "lillevik.txt");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 3);
    for (size_t i = 0; i < jl.n; i++) {
        assert_string_equal(jstr(jl.v[i], "type"), "passage");
        assert_int_equal(juint(jl.v[i], "ordinal"), i);
        assert_int_equal(juint(jl.v[i], "page"), i + 1);
        assert_string_equal(jstr(jl.v[i], "respondent"), "Lillevik kommune");
    }
    assert_int_equal(juint(jl.v[0], "end_page"), 2);
    assert_string_equal(jstr(jl.v[1], "section"), "Personvern");
    jlines_free(&jl);
    run_free(&r);

    /* show --respondent: the answers where they stand; JSON stances in order */
    run(&r, "show", "--db", db, "--respondent", "fjellvett");
    assert_exit(&r, 0);
    const char *q = strstr(r.out, "\n1) St\xc3\xb8tter dere forslaget?\n"),
               *ans = strstr(r.out, "  answer: Ja  (Ja / Nei / Vet ikke)\n"),
               *p1 = strstr(r.out, "merking av stier"), *q2 = strstr(r.out, "\n2) Andre"),
               *p2 = strstr(r.out, "vedlikeholdes");
    assert_true(q && ans && p1 && q2 && p2 && q < ans && ans < p1 && p1 < q2 && q2 < p2);
    assert_null(strstr(q + 1, "\n1) St\xc3\xb8tter dere forslaget?\n"));
    assert_not_contains(r.out, "Lillevik");
    assert_not_contains(r.out, " s. ");
    run_free(&r);
    run(&r, "show", "--db", db, "--json", "-r", "Fjellvettforeningen");
    assert_exit(&r, 0);
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 3);
    assert_string_equal(jstr(jl.v[0], "type"), "stance");
    assert_string_equal(jstr(jl.v[0], "answer"), "Ja");
    assert_int_equal(juint(jl.v[0], "question_no"), 1);
    assert_string_equal(jstr(jl.v[1], "type"), "passage");
    assert_null(jget(jl.v[1], "page"));
    assert_string_equal(jstr(jl.v[2], "type"), "passage");
    assert_true(juint(jl.v[1], "ordinal") < juint(jl.v[2], "ordinal"));
    jlines_free(&jl);
    run_free(&r);

    /* what names nothing, or more than one: a usage error of one line that helps */
    run(&r, "show", "--db", db, "--respondent", "Lilevik");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "no respondent 'Lilevik' in the index; did you mean 'Lillevik kommune'?");
    run_free(&r);
    run(&r, "show", "--db", db, "--respondent", "kommune");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "'kommune' names 2 respondents: ");
    run_free(&r);
    run(&r, "show", "--db", db, "--file", "lilevik.txt");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "no file 'lilevik.txt' in the index; did you mean '");
    run_free(&r);
    run(&r, "show", "--db", db, "--file", f1, "--respondent", "Lillevik kommune");
    assert_exit(&r, 2);
    run_free(&r);
    run(&r, "show", "--db", db, "--file", f1, "abc.1");
    assert_exit(&r, 2);
    run_free(&r);
    /* a theme's passage list cites the page too */
    char *cbdir = path_join(dir, "codebook"), *theme = path_join(cbdir, "pv.theme");
    assert_int_equal(mkdir(cbdir, 0700), 0);
    static const char pv[] = "id: pv\nlabel: Personvern\n\nterms:\n  3 personvernet\n";
    write_file(theme, pv, sizeof pv - 1);
    run(&r, "retag", "--db", db, "--themes", cbdir);
    assert_exit(&r, 0);
    run_free(&r);
    run(&r, "themes", "--db", db, "pv");
    assert_exit(&r, 0);
    assert_contains(r.out, "lillevik.txt:");
    assert_contains(r.out, "]  s. 2  Personvern\n");
    run_free(&r);
    free(theme);
    free(cbdir);
    free(f1);
    free(f2);
    free(f3);
    free(docs);
    free(db);
    free(dir);
}

static void test_show_missing(void **state)
{
    (void)state;
    need_index();
    static const char *const ids[] = {"nonexistent-id", "0123456789abcdef.99999", "abc."};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        run_t r;
        run(&r, "show", "--db", db_dir, ids[i]);
        assert_exit(&r, 1);
        assert_one_line_error(&r);
        assert_contains(r.err, ids[i]);
        run_free(&r);
    }
}

/* ---- tests: output ---- */

static void test_no_color(void **state)
{
    (void)state;
    need_index();
    run_t s;
    run(&s, "--db", db_dir, "--json", "-n", "1", "informasjonssikkerhet");
    assert_exit(&s, 0);
    hits_t h;
    parse_hits(&s, &h);
    char *id = strdup(jstr(h.jl.v[0], "id"));
    hits_free(&h);
    run_free(&s);

    static const char *const env_nc[] = {"NO_COLOR=1", NULL};
    run_opts_t nc = {NULL, env_nc, 0, NULL};
    const char *const *const cmds[] = {
        ARGS("informasjonssikkerhet"),
        ARGS("search", "personvern", "kommune"),
        ARGS("zzqxjvkw"),
        ARGS("stats"),
        ARGS("--help"),
        ARGS("search", "--help"),
        ARGS("\"unbalanced"),
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        const char *args[8] = {"--db", db_dir};
        size_t n = 2;
        for (size_t k = 0; cmds[i][k] != NULL; k++)
            args[n++] = cmds[i][k];
        args[n] = NULL;
        run_t r;
        run_v(&r, &nc, args);
        assert_true(r.out_len + r.err_len > 0);
        if (has_esc(&r))
            dump(&r);
        assert_false(has_esc(&r));
        run_free(&r);
    }
    run_t r;
    run_with(&r, &nc, "show", "--db", db_dir, "-C", "2", id);
    assert_exit(&r, 0);
    assert_false(has_esc(&r));
    run_free(&r);

    /* --color=always colours even so; --color=never never does */
    run_with(&r, &nc, "--db", db_dir, "--color=always", "informasjonssikkerhet");
    assert_exit(&r, 0);
    assert_contains(r.out, "\033[1;33m");
    assert_not_contains(r.out, "**");
    run_free(&r);
    static const char *const env_color[] = {"NO_COLOR", NULL};
    run_opts_t col = {NULL, env_color, 0, NULL};
    run_with(&r, &col, "--db", db_dir, "--color=never", "informasjonssikkerhet");
    assert_exit(&r, 0);
    assert_false(has_esc(&r));
    run_free(&r);
    /* auto: not a terminal, so no colour even without NO_COLOR */
    run_with(&r, &col, "--db", db_dir, "informasjonssikkerhet");
    assert_exit(&r, 0);
    assert_false(has_esc(&r));
    run_free(&r);
    free(id);
}

static void test_highlight_marker(void **state)
{
    (void)state;
    need_index();
    run_t r;
    run(&r, "--db", db_dir, "informasjonssikkerhet");
    assert_exit(&r, 0);
    assert_int_equal(strncmp(r.out, "1. ", 3), 0);
    assert_non_null(ci_strstr(r.out, "**informasjonssikkerhet"));
    /* markers come in pairs on every line */
    for (const char *p = r.out; *p != '\0';) {
        const char *eol = strchr(p, '\n');
        assert_non_null(eol);
        size_t marks = 0;
        for (const char *q = p; q + 1 < eol; q++)
            if (q[0] == '*' && q[1] == '*') {
                marks++;
                q++;
            }
        if (marks % 2 != 0)
            fail_msg("odd number of ** on line: %.*s", (int)(eol - p), p);
        p = eol + 1;
    }
    /* the id shown for the first hit is the one --json reports */
    run_t j;
    run(&j, "--db", db_dir, "--json", "-n", "1", "informasjonssikkerhet");
    assert_exit(&j, 0);
    hits_t h;
    parse_hits(&j, &h);
    char want[128];
    snprintf(want, sizeof want, "  [%s]", jstr(h.jl.v[0], "id"));
    const char *second = strchr(r.out, '\n');
    assert_non_null(second);
    const char *eol = strchr(second + 1, '\n');
    assert_non_null(eol);
    char *line2 = strndup(second + 1, (size_t)(eol - second));
    assert_contains(line2, want);
    free(line2);
    hits_free(&h);
    run_free(&j);
    run_free(&r);
}

/* ---- tests: terminal injection ---- */

/* The length of hsok's own sequence at s (the colours of out.h, the progress line's
 * erase-line), else 0. */
static size_t own_sequence(const char *s)
{
    static const char *const own[] = {"\033[1;33m", "\033[1m", "\033[2m", "\033[0m", "\033[K"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strncmp(s, own[i], strlen(own[i])) == 0)
            return strlen(own[i]);
    return 0;
}

/* s[0..len) holds no raw control character but newline (with own: also CR and hsok's own
 * sequences), no C1 control and no bidi control. what names s in a failure; r (or NULL) is
 * the run shown. */
static void assert_no_raw_controls(const run_t *r, const char *what, const char *s, size_t len,
                                   int own)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        const char *bad = NULL;
        size_t n = own && p[i] == 0x1b ? own_sequence(s + i) : 0;
        if (n > 0) {
            i += n - 1;
            continue;
        }
        if ((p[i] < 0x20 && p[i] != '\n' && !(own && p[i] == '\r')) || p[i] == 0x7f)
            bad = "a control character";
        else if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
            bad = "a C1 control";
        else if (p[i] == 0xe2 && i + 2 < len &&
                 ((p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae) ||
                  (p[i + 1] == 0x81 && p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9)))
            bad = "a bidi control";
        if (bad != NULL) {
            if (r != NULL)
                dump(r);
            fail_msg("%s (0x%02x) at byte %zu of %s", bad, p[i], i, what);
        }
    }
}

/* Neither stdout nor stderr of r carries a raw control, C1 or bidi character. */
static void assert_clean_run(const run_t *r, int own)
{
    assert_no_raw_controls(r, "stdout", r->out, r->out_len, own);
    assert_no_raw_controls(r, "stderr", r->err, r->err_len, own);
}

#define TITLE "\033]0;pwned\007"                  /* sets the window title */
#define CLEAR "\033[2J"                           /* clears the screen */
#define LINK "\033]8;;http://evil\033\\"          /* starts a hidden hyperlink */
#define RLO "\xe2\x80\xae"                        /* U+202E turns the text around */
#define CSI1 "\xc2\x9b"                           /* U+009B, a one-character CSI */
#define TITLE_SHOWN "\\x1b]0;pwned\\x07"
#define CLEAR_SHOWN "\\x1b[2J"
#define LINK_SHOWN "\\x1b]8;;http://evil\\x1b\\"

/* Escape sequences and bidi controls in a document, a sidecar respondent, a --respondent
 * name, a theme label and a file name reach the terminal only as visible escapes, in every
 * command's human output, the progress line and the error messages. */
static void test_terminal_injection(void **state)
{
    (void)state;
    char *dir = new_dir("inject");
    char *db = path_join(dir, "index");
    char *docs = path_join(dir, "docs");
    char *cb = path_join(dir, "codebook");
    assert_int_equal(mkdir(docs, 0700), 0);
    assert_int_equal(mkdir(cb, 0700), 0);
    char *theme = path_join(cb, "vern.theme");
    static const char def[] = "id: vern\n"
                              "label: Vern " TITLE " og " RLO "mot\n"
                              "\n"
                              "terms:\n"
                              "  3 personvernet\n";
    write_file(theme, def, sizeof def - 1);
    char *txt = path_join(docs, "svar" CLEAR RLO ".txt");
    static const char text[] =
        "Høringssvar " TITLE "\n"
        "\n"
        "Vi mener at personvernet " CLEAR "må styrkes, se " LINK "denne lenken\033]8;;\033\\ "
        "og " RLO "dette" CSI1 "2J som er skjult.\n"
        "\n"
        "Personvernet er viktig for alle kommunene i landet, og vi ber om at det " TITLE
        "prioriteres.\n";
    write_file(txt, text, sizeof text - 1);
    char *meta = path_join(docs, "svar" CLEAR RLO ".txt.meta");
    static const char side[] = "respondent: Ond " TITLE " kommune " RLO "\n";
    write_file(meta, side, sizeof side - 1);
    char *other = path_join(dir, "annen.txt");
    static const char text2[] = "Personvernet må tas på alvor i alle ledd av arbeidet.\n";
    write_file(other, text2, sizeof text2 - 1);

    /* with progress (stderr a terminal), then without */
    run_opts_t tty = {NULL, NULL, 1, NULL};
    run_t r;
    run_with(&r, &tty, "index", "--db", db, "--themes", cb, docs);
    assert_exit(&r, 0);
    assert_clean_run(&r, 1);
    assert_contains(r.err, "svar" CLEAR_SHOWN "\\u202e.txt"); /* the progress line */
    run_free(&r);
    run(&r, "index", "--db", db, "--themes", cb, "-r", "Navn " LINK "klikk " RLO, other);
    assert_exit(&r, 0);
    assert_clean_run(&r, 0);
    run_free(&r);

    run_t js;
    run(&js, "--db", db, "--json", "-n", "1", "skjult");
    assert_exit(&js, 0);
    assert_clean_run(&js, 0); /* JSON escapes them as \u001b */
    hits_t h;
    parse_hits(&js, &h);
    assert_int_equal(h.n, 1);
    char *id = strdup(jstr(h.jl.v[0], "id"));
    hits_free(&h);
    run_free(&js);

    static const char *const env_color[] = {"NO_COLOR", NULL};
    run_opts_t col = {NULL, env_color, 0, NULL};
    const char *const *const cmds[] = {
        ARGS("search", "personvernet"),
        ARGS("search", "skjult"),
        ARGS("search", "-n", "5", "alvor"),
        ARGS("show", "-C", "1", id),
        ARGS("themes"),
        ARGS("themes", "vern"),
        ARGS("stats"),
        ARGS("export", "--format", "md", "--all"),
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        for (int color = 0; color < 2; color++) {
            const char *args[16] = {"--db", db};
            size_t n = 2;
            if (color)
                args[n++] = "--color=always";
            for (size_t k = 0; cmds[i][k] != NULL; k++)
                args[n++] = cmds[i][k];
            args[n] = NULL;
            if (color && (strcmp(cmds[i][0], "stats") == 0 || strcmp(cmds[i][0], "export") == 0))
                continue; /* no --color */
            run_v(&r, color ? &col : NULL, args);
            assert_exit(&r, 0);
            assert_clean_run(&r, color);
            run_free(&r);
        }
    }
    /* and the escapes are shown: the document, the names, the file name, the label */
    run(&r, "--db", db, "skjult");
    assert_exit(&r, 0);
    assert_contains(r.out, "Ond " TITLE_SHOWN " kommune \\u202e");
    assert_contains(r.out, "svar" CLEAR_SHOWN "\\u202e.txt:");
    assert_contains(r.out, CLEAR_SHOWN "må");
    assert_contains(r.out, LINK_SHOWN "denne");
    assert_contains(r.out, "\\u202edette\\u009b2J");
    run_free(&r);
    run(&r, "--db", db, "alvor");
    assert_exit(&r, 0);
    assert_contains(r.out, "Navn " LINK_SHOWN "klikk \\u202e");
    run_free(&r);
    run(&r, "themes", "--db", db, "vern");
    assert_exit(&r, 0);
    assert_contains(r.out, "Vern " TITLE_SHOWN " og \\u202emot");
    run_free(&r);
    run(&r, "stats", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "Ond " TITLE_SHOWN " kommune \\u202e");
    run_free(&r);

    /* tag reads the file and its sidecar itself */
    run(&r, "tag", "--themes", cb, txt);
    assert_exit(&r, 0);
    assert_clean_run(&r, 0);
    assert_contains(r.out, "svar" CLEAR_SHOWN "\\u202e.txt:");
    assert_contains(r.out, "Ond " TITLE_SHOWN);
    run_free(&r);

    /* error messages: a missing file, an unknown theme, a missing index, an option value */
    char *missing = path_join(dir, "borte" TITLE ".txt");
    run(&r, "index", "--db", db, missing);
    assert_true(r.status != 0);
    assert_clean_run(&r, 0);
    assert_contains(r.err, "borte" TITLE_SHOWN ".txt");
    run_free(&r);
    run(&r, "tag", "--themes", cb, missing);
    assert_true(r.status != 0);
    assert_clean_run(&r, 0);
    assert_contains(r.err, "borte" TITLE_SHOWN ".txt");
    run_free(&r);
    run(&r, "themes", "--db", db, CLEAR "x");
    assert_exit(&r, 2);
    assert_clean_run(&r, 0);
    assert_contains(r.err, CLEAR_SHOWN "x");
    run_free(&r);
    run(&r, "export", "--db", db, "--all", "-t", LINK, "--format", "csv");
    assert_exit(&r, 2);
    assert_clean_run(&r, 0);
    assert_contains(r.err, LINK_SHOWN);
    run_free(&r);
    char *nodb = path_join(dir, "ingen" RLO "indeks");
    run(&r, "--db", nodb, "personvernet");
    assert_true(r.status != 0);
    assert_clean_run(&r, 0);
    assert_contains(r.err, "ingen\\u202eindeks");
    run_free(&r);
    run(&r, "search", "--db", db, "-n", TITLE, "x");
    assert_exit(&r, 2);
    assert_clean_run(&r, 0);
    assert_contains(r.err, TITLE_SHOWN);
    run_free(&r);

    /* the Markdown report, written to a file */
    char *md = path_join(dir, "rapport.md");
    run(&r, "export", "--db", db, "--all", "-o", md);
    assert_exit(&r, 0);
    run_free(&r);
    size_t mdlen = 0;
    char *report = read_file(md, &mdlen);
    assert_no_raw_controls(NULL, md, report, mdlen, 0);
    assert_contains(report, "\\x1b");
    assert_contains(report, "\\u202e");
    free(report);

    free(md);
    free(nodb);
    free(missing);
    free(id);
    free(other);
    free(meta);
    free(txt);
    free(theme);
    free(cb);
    free(docs);
    free(db);
    free(dir);
}

/* ---- tests: where the index is ---- */

static void test_index_location(void **state)
{
    (void)state;
    need_index();
    char *cwd = new_dir("cwd");
    run_t r;
    /* no --db, no HSOK_DB: ./index, which is not there */
    run_opts_t here = {cwd, NULL, 0, NULL};
    run_with(&r, &here, "stats");
    assert_exit(&r, 3);
    assert_one_line_error(&r);
    assert_contains(r.err, "'index'");
    run_free(&r);

    /* HSOK_DB */
    char env_db[4200];
    snprintf(env_db, sizeof env_db, "HSOK_DB=%s", db_dir);
    const char *env[] = {env_db, NULL};
    run_opts_t with_env = {cwd, env, 0, NULL};
    run_with(&r, &with_env, "stats", "--json");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_string_equal(jstr(jl.v[0], "index"), db_dir);
    jlines_free(&jl);
    run_free(&r);

    /* --db wins over HSOK_DB */
    char *other = path_join(cwd, "elsewhere");
    run_with(&r, &with_env, "stats", "--db", other);
    assert_exit(&r, 3);
    assert_contains(r.err, other);
    run_free(&r);

    /* ./index is used when it is there */
    run_with(&r, &here, "index", seeds_dir);
    assert_exit(&r, 0);
    run_free(&r);
    char *idx = path_join(cwd, "index");
    struct stat st;
    assert_int_equal(stat(idx, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    run_with(&r, &here, "--json", "informasjonssikkerhet");
    assert_exit(&r, 0);
    run_free(&r);
    free(idx);
    free(other);
    free(cwd);
}

/* ---- tests: what is opened as an index ---- */

/* The names in dir, sorted, each followed by '/': to see that nothing was written there. */
static char *dir_listing(const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    sbuf_t b = {0};
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0) {
            sb_adds(&b, names[i]->d_name);
            sb_adds(&b, "/");
        }
        free(names[i]);
    }
    free(names);
    return sb_take(&b);
}

/* A program in dir that creates dir/RAN when run (*marker): the PROGRAM of a Xapian stub line
 * `remote :PROGRAM`. Running it once here shows that it works, so that RAN staying absent
 * later means it was not run. */
static char *marker_program(const char *dir, char **marker)
{
    *marker = path_join(dir, "RAN");
    char *prog = path_join(dir, "leave-marker.sh");
    char body[4200];
    snprintf(body, sizeof body, "#!/bin/sh\ntouch '%s'\nexit 1\n", *marker);
    write_file(prog, body, strlen(body));
    assert_int_equal(chmod(prog, 0755), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(prog, prog, (char *)NULL);
        _exit(127);
    }
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    struct stat st;
    assert_int_equal(stat(*marker, &st), 0);
    assert_int_equal(unlink(*marker), 0);
    return prog;
}

#define assert_absent(path)                                                                    \
    do {                                                                                       \
        struct stat st_;                                                                       \
        if (lstat((path), &st_) == 0)                                                          \
            fail_msg("'%s' exists: the stub's program was run", (path));                       \
    } while (0)

/* A Xapian stub database file runs `remote :PROGRAM` and follows `auto PATH`: hsok opens
 * none, whether it is ./index, --db FILE or $HSOK_DB, for any command. */
static void test_index_path_stubs(void **state)
{
    (void)state;
    need_index();
    char *dir = new_dir("stubs");
    char *marker;
    char *prog = marker_program(dir, &marker);
    char remote[4200];
    snprintf(remote, sizeof remote, "remote :%s\n", prog);
    char *txt = path_join(dir, "svar.txt");
    static const char text[] = "Høringssvar fra Blåbær kommune\n\nVi støtter personvern.\n";
    write_file(txt, text, sizeof text - 1);
    run_t r;

    /* a stub named index in the working folder (an unpacked zip of responses, say) */
    char *cwd_stub = path_join(dir, "index");
    write_file(cwd_stub, remote, strlen(remote));
    run_opts_t here = {dir, NULL, 0, NULL};
    const char *const *const plain[] = {
        ARGS("personvern"), ARGS("stats"), ARGS("check"), ARGS("show", "abc.1"),
        ARGS("themes"), ARGS("export", "--format", "csv"), ARGS("index", "--no-themes", txt),
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        run_v(&r, &here, plain[i]);
        assert_exit(&r, 3);
        assert_one_line_error(&r);
        assert_contains(r.err, "hsok: 'index' is not an index directory: it is a regular file");
        run_free(&r);
        assert_absent(marker);
    }
    char *after = read_file(cwd_stub, NULL);
    assert_string_equal(after, remote);
    free(after);

    /* --db FILE and HSOK_DB=FILE, with `remote` and with `auto` (which would answer the
     * search from the seeds' index) */
    char *stub = path_join(dir, "mystub");
    char *redirect = path_join(dir, "redirect");
    write_file(stub, remote, strlen(remote));
    char autoline[4200];
    snprintf(autoline, sizeof autoline, "auto %s\n", db_dir);
    write_file(redirect, autoline, strlen(autoline));
    const char *const stubs[] = {stub, redirect};
    for (size_t k = 0; k < 2; k++) {
        char env_db[4200];
        snprintf(env_db, sizeof env_db, "HSOK_DB=%s", stubs[k]);
        const char *env[] = {env_db, NULL};
        run_opts_t with_env = {dir, env, 0, NULL};
        for (int how = 0; how < 2; how++) {
            run_opts_t o = how ? with_env : (run_opts_t){NULL, NULL, 0, NULL};
            const char *a[] = {"--db", stubs[k], "informasjonssikkerhet", NULL};
            run_v(&r, &o, how ? a + 2 : a);
            assert_exit(&r, 3);
            assert_one_line_error(&r);
            assert_contains(r.err, "is not an index directory");
            run_free(&r);
            const char *b[] = {"--db", stubs[k], "index", "--no-themes", txt, NULL};
            run_v(&r, &o, how ? b + 2 : b);
            assert_exit(&r, 3);
            assert_contains(r.err, "is not an index directory");
            run_free(&r);
            const char *c[] = {"--db", stubs[k], "check", NULL};
            run_v(&r, &o, how ? c + 2 : c);
            assert_exit(&r, 3);
            assert_one_line_error(&r);
            run_free(&r);
        }
        assert_absent(marker);
    }
    after = read_file(stub, NULL);
    assert_string_equal(after, remote);
    free(after);

    /* a directory holding a XAPIANDB stub is no index, and no place for one */
    char *stubdir = path_join(dir, "stubdir");
    assert_int_equal(mkdir(stubdir, 0700), 0);
    char *xapiandb = path_join(stubdir, "XAPIANDB");
    write_file(xapiandb, remote, strlen(remote));
    run(&r, "--db", stubdir, "personvern");
    assert_exit(&r, 3);
    assert_contains(r.err, "no index at");
    run_free(&r);
    run(&r, "index", "--no-themes", "--db", stubdir, txt);
    assert_exit(&r, 3);
    assert_contains(r.err, "holds other files but no hsok index");
    run_free(&r);
    char *list = dir_listing(stubdir);
    assert_string_equal(list, "XAPIANDB/");
    free(list);
    assert_absent(marker);

    free(xapiandb);
    free(stubdir);
    free(redirect);
    free(stub);
    free(cwd_stub);
    free(txt);
    free(prog);
    free(marker);
    free(dir);
}

/* --db on a folder of the user's files writes nothing there; HSOK_DB=/ is no index; --db ''
 * is a usage error, not ./index; HSOK_DB='' counts as unset. */
static void test_index_path_misleading(void **state)
{
    (void)state;
    char *dir = new_dir("userdirs");
    char *mine = path_join(dir, "mine");
    assert_int_equal(mkdir(mine, 0700), 0);
    char *notes = path_join(mine, "notater.txt");
    write_file(notes, "mine notater\n", 13);
    char *txt = path_join(dir, "svar.txt");
    static const char text[] = "Høringssvar fra Blåbær kommune\n\nVi støtter personvern.\n";
    write_file(txt, text, sizeof text - 1);
    run_t r;

    char want[4200];
    snprintf(want, sizeof want,
             "hsok: '%s' holds other files but no hsok index; give an empty or new directory\n",
             mine);
    run(&r, "index", "--no-themes", "--db", mine, txt);
    assert_exit(&r, 3);
    assert_string_equal(r.err, want);
    run_free(&r);
    char env_db[4200];
    snprintf(env_db, sizeof env_db, "HSOK_DB=%s", mine);
    const char *env[] = {env_db, NULL};
    run_opts_t with_env = {NULL, env, 0, NULL};
    run_with(&r, &with_env, "index", "--no-themes", txt);
    assert_exit(&r, 3);
    assert_string_equal(r.err, want);
    run_free(&r);
    char *list = dir_listing(mine);
    assert_string_equal(list, "notater.txt/");
    free(list);

    const char *root[] = {"HSOK_DB=/", NULL};
    run_opts_t at_root = {NULL, root, 0, NULL};
    run_with(&r, &at_root, "personvern");
    assert_exit(&r, 3);
    assert_one_line_error(&r);
    assert_contains(r.err, "no index at '/'");
    run_free(&r);

    /* with a good ./index in the working folder, --db '' must not fall back to it */
    run_opts_t here = {dir, NULL, 0, NULL};
    run_with(&r, &here, "index", "--no-themes", txt);
    assert_exit(&r, 0);
    run_free(&r);
    const char *const *const cmds[] = {
        ARGS("--db", "", "personvern"), ARGS("stats", "--db", ""), ARGS("check", "--db", ""),
        ARGS("show", "--db", "", "abc.1"), ARGS("index", "--no-themes", "--db", "", txt),
        ARGS("export", "--format", "csv", "--all", "--db", ""), ARGS("themes", "--db", ""),
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        run_v(&r, &here, cmds[i]);
        assert_exit(&r, 2);
        assert_one_line_error(&r);
        assert_contains(r.err, "no index directory given: the path is empty");
        run_free(&r);
    }
    const char *empty[] = {"HSOK_DB=", NULL};
    run_opts_t empty_env = {dir, empty, 0, NULL};
    run_with(&r, &empty_env, "stats", "--json");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_string_equal(jstr(jl.v[0], "index"), "index");
    jlines_free(&jl);
    run_free(&r);

    free(txt);
    free(notes);
    free(mine);
    free(dir);
}

/* A copy of the flat directory from at to. */
static void copy_dir(const char *from, const char *to)
{
    assert_int_equal(mkdir(to, 0700), 0);
    DIR *d = opendir(from);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *a = path_join(from, e->d_name), *b = path_join(to, e->d_name);
        size_t len;
        char *data = read_file(a, &len);
        write_file(b, data, len);
        free(data);
        free(a);
        free(b);
    }
    closedir(d);
}

/* `hsok check` on the seeds' index, and on copies damaged as a disk or a bad copy damages
 * files: check and stats say it is damaged and what to do (exit 3); a search says so too, or
 * answers exactly as from the sound index when the damage is in what it does not read. */
static void test_check(void **state)
{
    (void)state;
    need_index();
    run_t r;
    run(&r, "stats", "--json", "--db", db_dir);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    size_t passages = juint(jl.v[0], "passages");
    jlines_free(&jl);
    run_free(&r);
    assert_true(passages > 0);

    run(&r, "check", "--db", db_dir);
    assert_exit(&r, 0);
    char want[4200];
    snprintf(want, sizeof want, "index '%s' is sound (%zu passages)\n", db_dir, passages);
    assert_string_equal(r.out, want);
    assert_int_equal(r.err_len, 0);
    run_free(&r);
    run(&r, "check", "--json", "--db", db_dir);
    assert_exit(&r, 0);
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 1);
    assert_int_equal(juint(jl.v[0], "format_version"), 1);
    assert_string_equal(jstr(jl.v[0], "index"), db_dir);
    assert_int_equal(jget_type(jl.v[0], "sound", J_BOOL)->b, 1);
    assert_int_equal(juint(jl.v[0], "passages"), passages);
    jget_type(jl.v[0], "problem", J_NULL);
    assert_contains(jstr(jl.v[0], "report"), "postlist");
    jlines_free(&jl);
    run_free(&r);

    char *dir = new_dir("damaged");
    char *missing = path_join(dir, "none");
    run(&r, "check", "--db", missing);
    assert_exit(&r, 3);
    assert_one_line_error(&r);
    assert_contains(r.err, "no index at");
    run_free(&r);
    free(missing);

    run(&r, "--db", db_dir, "--json", "-n", "50", "kommune");
    assert_exit(&r, 0);
    char *sound_hits = r.out;
    r.out = NULL;
    run_free(&r);

    static const char *const cases[] = {"truncated", "scribbled", "no-termlist", "no-docdata",
                                        "zeroed-docdata"};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char *copy = path_join(dir, cases[c]);
        copy_dir(db_dir, copy);
        char *post = path_join(copy, "postlist.glass");
        char *docdata = path_join(copy, "docdata.glass");
        struct stat st;
        assert_int_equal(stat(post, &st), 0);
        assert_true(st.st_size >= 4 * 8192); /* several blocks to damage */
        if (c == 0) {
            assert_int_equal(truncate(post, st.st_size / 2), 0);
        } else if (c == 1 || c == 4) {
            /* bytes overwritten at the start of every block (c == 4: zeroed) */
            const char *file = c == 1 ? post : docdata;
            assert_int_equal(stat(file, &st), 0);
            int fd = open(file, O_WRONLY);
            assert_true(fd >= 0);
            char junk[12];
            memset(junk, c == 1 ? 0x5a : 0, sizeof junk);
            for (off_t at = 0; at < st.st_size; at += 8192)
                assert_int_equal(pwrite(fd, junk, sizeof junk, at + 11), (ssize_t)sizeof junk);
            close(fd);
        } else {
            char *table = path_join(copy, c == 2 ? "termlist.glass" : "docdata.glass");
            assert_int_equal(unlink(table), 0);
            free(table);
        }

        run(&r, "check", "--db", copy);
        assert_exit(&r, 3);
        assert_one_line_error(&r);
        assert_contains(r.err, "is damaged");
        assert_contains(r.err, copy);
        assert_contains(r.err, "(delete it and run 'hsok index' again with the same files)\n");
        run_free(&r);
        run(&r, "check", "--json", "--db", copy);
        assert_exit(&r, 3);
        parse_jsonl(&r, &jl);
        assert_int_equal(jget_type(jl.v[0], "sound", J_BOOL)->b, 0);
        assert_int_equal(juint(jl.v[0], "passages"), 0);
        assert_contains(jstr(jl.v[0], "problem"), "is damaged");
        jlines_free(&jl);
        assert_int_equal(count_char(r.err, r.err_len, '\n'), 1);
        run_free(&r);

        /* stats checks first: a damaged index gives no counts */
        run(&r, "stats", "--db", copy);
        assert_exit(&r, 3);
        assert_one_line_error(&r);
        assert_contains(r.err, copy);
        run_free(&r);

        run(&r, "--db", copy, "--json", "-n", "50", "kommune");
        if (r.status >= 128) {
            /* libxapian itself crashed on the damage: documented, hsok cannot prevent it */
            print_message("note: search on the %s index: killed by signal %d\n", cases[c],
                          r.status - 128);
        } else if (r.status != 0) {
            assert_exit(&r, 3);
            assert_one_line_error(&r);
            assert_contains(r.err, copy);
        } else if (strcmp(r.out, sound_hits) != 0) {
            dump(&r);
            fail_msg("search on the %s index succeeded with other hits than on the sound one",
                     cases[c]);
        }
        run_free(&r);
        free(docdata);
        free(post);
        free(copy);
    }
    free(sound_hits);
    free(dir);
}

/* stats of an index whose passages have no known respondent (qsort was given NULL: caught
 * by UndefinedBehaviorSanitizer in the sanitizer build) */
static void test_stats_no_respondent(void **state)
{
    (void)state;
    char *dir = new_dir("anonymous");
    char *db = path_join(dir, "index");
    char *txt = path_join(dir, "notat.txt");
    static const char text[] = "bare noen ord om personvern uten avsender\n";
    write_file(txt, text, sizeof text - 1);
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, "--respondent", "", txt);
    assert_exit(&r, 0);
    run_free(&r);
    run(&r, "stats", "--json", "--db", db);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(juint(jl.v[0], "passages"), 1);
    const jval_t *resp = jget_type(jl.v[0], "respondents", J_ARR);
    assert_int_equal(resp->n, 0);
    jlines_free(&jl);
    run_free(&r);
    run(&r, "stats", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "respondents:  0\n");
    run_free(&r);
    free(txt);
    free(db);
    free(dir);
}

/* ---- counts an analyst can quote (issue 9 item 6) ---- */

/* Every count of a search is exact on an index of this size: the summary equals what
 * reading every hit gives, and no output says "about". */
static void test_counts_exact(void **state)
{
    (void)state;
    need_index();
    static const char *const queries[] = { "informasjonssikkerhet", "kommune", "sikkerhet",
                                           "personvern kommune", "helse*",
                                           "digital OR kompetanse", "samhandling" };
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        run_t r;
        run(&r, "--db", db_dir, "--json", "-n", "100000", queries[q]);
        assert_exit(&r, 0);
        hits_t h;
        parse_hits(&r, &h);
        const jval_t *s = h.summary;
        size_t passages = 0, related = 0, all = 0;
        for (size_t i = 0; i < h.n; i++) {
            passages += 1 + juint(h.jl.v[i], "duplicates");
            related += strcmp(jstr(h.jl.v[i], "match"), "related") == 0;
            all += jget_type(h.jl.v[i], "all_words", J_BOOL)->b;
        }
        assert_true(jget_type(s, "count_exact", J_BOOL)->b);
        assert_int_equal(juint(s, "count"), h.n);
        assert_int_equal(juint(s, "passages"), passages);
        assert_int_equal(juint(s, "count_related"), related);
        assert_int_equal(juint(s, "count_all_words"), all);
        /* the names format 1 had: the same numbers */
        assert_int_equal(juint(s, "estimated"), h.n);
        assert_int_equal(juint(s, "estimated_all_words"), all);
        assert_int_equal(juint(s, "estimated_related"), related);
        size_t count = h.n;
        hits_free(&h);
        run_free(&r);

        /* the human count line gives the same numbers, exactly */
        run(&r, "--db", db_dir, "-n", "1", queries[q]);
        assert_exit(&r, 0);
        assert_not_contains(r.out, "about");
        assert_not_contains(r.out, "at least");
        char want[64];
        if (count == passages)
            snprintf(want, sizeof want, "\n1 of %zu passage%s\n", count, count == 1 ? "" : "s");
        else
            snprintf(want, sizeof want, "\n1 of %zu hits\n(%zu passages: ", count, passages);
        if (count > 1)
            assert_contains(r.out, want);
        if (related) {
            snprintf(want, sizeof want, "(%zu exact, %zu related)\n", count - related, related);
            assert_contains(r.out, want);
        }
        run_free(&r);
    }
    /* the whole list: "N passages", with no "of" */
    run_t r;
    run(&r, "--db", db_dir, "-n", "100000", "kommune");
    assert_exit(&r, 0);
    assert_not_contains(r.out, " of ");
    assert_not_contains(r.out, "about");
    run_free(&r);
}

/* -r matches a part of the name, -R the whole name (any case, or through the alias table);
 * a name the index does not have is an error naming the nearest one. */
static void test_respondent_filters(void **state)
{
    (void)state;
    need_index();
    run_t r;
    run(&r, "--db", db_dir, "-r", "dramen", "informasjonssikkerhet");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "hsok: no respondent 'dramen' in the index; did you mean 'Drammen "
                           "kommune'?\n");
    run_free(&r);
    /* -R wants the whole name: a part of it is refused, with the name it is part of */
    run(&r, "--db", db_dir, "-R", "drammen", "informasjonssikkerhet");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "did you mean 'Drammen kommune'?");
    run_free(&r);
    run(&r, "--db", db_dir, "-r", "drammen", "-R", "Drammen kommune", "kommune");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "not both");
    run_free(&r);

    /* the same passages by -r drammen and -R "DRAMMEN KOMMUNE" */
    run_t part, whole;
    run(&part, "--db", db_dir, "--json", "-n", "1000", "-r", "drammen", "kommune");
    run(&whole, "--db", db_dir, "--json", "-n", "1000", "--respondent-exact", "DRAMMEN  KOMMUNE",
        "kommune");
    assert_exit(&part, 0);
    assert_exit(&whole, 0);
    hits_t hp, hw;
    parse_hits(&part, &hp);
    parse_hits(&whole, &hw);
    assert_true(hw.n > 0);
    assert_int_equal(hw.n, hp.n);
    for (size_t i = 0; i < hw.n; i++)
        assert_string_equal(jstr(hw.jl.v[i], "respondent"), "Drammen kommune");
    hits_free(&hp);
    hits_free(&hw);
    run_free(&part);
    run_free(&whole);

    /* an alias names its respondent for -R and -r */
    char *dir = new_dir("alias-filter");
    char *tsv = path_join(dir, "aliases.tsv");
    static const char table[] = "DK\tDrammen kommune\n";
    write_file(tsv, table, sizeof table - 1);
    char envv[4200];
    snprintf(envv, sizeof envv, "HSOK_ALIASES=%s", tsv);
    const char *const env[] = { envv, NULL };
    run_opts_t o = { NULL, env, 0, NULL};
    run_v(&r, &o, ARGS("--db", db_dir, "--json", "-R", "dk", "kommune"));
    assert_exit(&r, 0);
    hits_t ha;
    parse_hits(&r, &ha);
    assert_true(ha.n > 0);
    for (size_t i = 0; i < ha.n; i++)
        assert_string_equal(jstr(ha.jl.v[i], "respondent"), "Drammen kommune");
    hits_free(&ha);
    run_free(&r);

    /* themes and export: the same rules */
    run(&r, "themes", "--db", db_dir, "-R", "drammen kommune");
    assert_exit(&r, 1); /* the index has no themes; the respondent is known */
    assert_not_contains(r.err, "no respondent");
    run_free(&r);
    run(&r, "themes", "--db", db_dir, "-r", "zzqxjvkw");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "hsok: no respondent 'zzqxjvkw' in the index");
    run_free(&r);
    run(&r, "export", "--db", db_dir, "--all", "--format", "csv", "-R", "Norsk helsenet");
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    assert_contains(r.err, "did you mean 'Norsk helsenett'?");
    run_free(&r);
    run(&r, "export", "--db", db_dir, "--all", "--format", "jsonl", "-R", "norsk helsenett");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_true(jl.n > 0);
    for (size_t i = 0; i < jl.n; i++)
        assert_string_equal(jstr(jl.v[i], "respondent"), "Norsk helsenett");
    jlines_free(&jl);
    run_free(&r);
    free(tsv);
    free(dir);
}

/* stats names the files in which no respondent was found: the first five, and how many more */
static void test_stats_unknown_respondents(void **state)
{
    (void)state;
    char *dir = new_dir("unknown-respondents");
    char *db = path_join(dir, "index");
    char *src = path_join(dir, "svar");
    assert_int_equal(mkdir(src, 0700), 0);
    for (int i = 1; i <= 7; i++) {
        char name[32], text[128];
        snprintf(name, sizeof name, "notat%d.txt", i);
        int n = snprintf(text, sizeof text, "bare noen ord om personvern nummer %d\n", i);
        char *p = path_join(src, name);
        write_file(p, text, (size_t)n);
        free(p);
    }
    char *named = path_join(src, "named.txt");
    static const char text[] = "noen ord om samhandling\n";
    write_file(named, text, sizeof text - 1);
    char *meta = path_join(src, "named.txt.meta");
    static const char sidecar[] = "respondent: Eksempel kommune\n";
    write_file(meta, sidecar, sizeof sidecar - 1);
    run_t r;
    run(&r, "index", "--no-themes", "--db", db, src);
    assert_exit(&r, 0);
    run_free(&r);
    run(&r, "stats", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "respondents:  1\n");
    assert_contains(r.out, "         7  (no respondent found)\n");
    assert_contains(r.out, "files with no respondent: 7 ");
    assert_contains(r.out, "/notat1.txt\n");
    assert_contains(r.out, "/notat5.txt\n");
    assert_not_contains(r.out, "/notat6.txt");
    assert_not_contains(r.out, "named.txt");
    assert_contains(r.out, "and 2 more");
    run_free(&r);
    run(&r, "stats", "--json", "--db", db);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    const jval_t *u = jget_type(jl.v[0], "unknown_respondent", J_OBJ);
    assert_int_equal(juint(u, "passages"), 7);
    const jval_t *files = jget_type(u, "files", J_ARR);
    assert_int_equal(files->n, 7);
    assert_non_null(strstr(files->items[6]->s, "/notat7.txt"));
    jlines_free(&jl);
    run_free(&r);
    free(meta);
    free(named);
    free(src);
    free(db);
    free(dir);
}

/* The bundled samples (the source tree's seeds/) and an analyst's own files do not mix in
 * one index unless asked; when they do, the counts say so. */
static void test_samples_apart(void **state)
{
    (void)state;
    char *dir = new_dir("samples-apart");
    char *db = path_join(dir, "index");
    /* the samples themselves, as scripts/setup indexes them */
    const char *args[16] = { "index", "--no-themes", "--db", db };
    size_t na = 4;
    DIR *d = opendir(seeds_src);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && na < 15) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".txt") == 0)
            args[na++] = path_join(seeds_src, e->d_name);
    }
    closedir(d);
    args[na] = NULL;
    run_t r;
    run_v(&r, NULL, args);
    assert_exit(&r, 0);
    run_free(&r);
    run_v(&r, NULL, args); /* setup again: the same files, unchanged */
    assert_exit(&r, 0);
    run_free(&r);

    /* copies of the samples are the samples (a file is known by its content) */
    run(&r, "index", "--no-themes", "--mix-samples", "--db", db, seeds_dir);
    assert_exit(&r, 0);
    assert_int_equal(count_str(r.err, "same content as '"), nseeds);
    run_free(&r);

    /* an analyst's folder (the samples' words, each with a line of its own) */
    char *own = path_join(dir, "hearing");
    assert_int_equal(mkdir(own, 0700), 0);
    for (size_t i = 4; i < na; i++) {
        size_t len = 0;
        char *text = read_file(args[i], &len);
        const char *base = strrchr(args[i], '/') + 1;
        char *to = path_join(own, base);
        static const char extra[] = "\nTillegg fra analytikeren.\n";
        char *both = malloc(len + sizeof extra);
        assert_non_null(both);
        memcpy(both, text, len);
        memcpy(both + len, extra, sizeof extra);
        write_file(to, both, len + sizeof extra - 1);
        free(both);
        free(to);
        free(text);
    }
    /* into the samples' index: refused, nothing indexed */
    run(&r, "index", "--no-themes", "--db", db, own);
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    char want[256];
    snprintf(want, sizeof want, "' holds the bundled sample responses (%zu files from ", nseeds);
    assert_contains(r.err, want);
    assert_contains(r.err, "index your hearing into its own index: hsok --db myhearing index ");
    assert_contains(r.err, "(or add --mix-samples)\n");
    run_free(&r);
    run(&r, "stats", "--json", "--db", db);
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(juint(jl.v[0], "files"), nseeds);
    jlines_free(&jl);
    assert_int_equal(r.err_len, 0); /* samples alone: no note */
    run_free(&r);

    /* asked for: indexed, and every count says once that it includes the samples */
    run(&r, "index", "--no-themes", "--mix-samples", "--db", db, own);
    assert_exit(&r, 0);
    run_free(&r);
    static const char note[] = "hsok: note: '";
    run(&r, "--db", db, "kommune");
    assert_exit(&r, 0);
    assert_contains(r.err, note);
    assert_contains(r.err, "every count includes the samples\n");
    assert_int_equal(count_char(r.err, r.err_len, '\n'), 1);
    run_free(&r);
    run(&r, "stats", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.err, "every count includes the samples\n");
    assert_int_equal(count_char(r.err, r.err_len, '\n'), 1);
    run_free(&r);

    /* the other way round: the samples into an index of one's own */
    char *db2 = path_join(dir, "mine");
    run(&r, "index", "--no-themes", "--db", db2, own);
    assert_exit(&r, 0);
    run_free(&r);
    args[3] = db2;
    run_v(&r, NULL, args);
    assert_exit(&r, 2);
    assert_one_line_error(&r);
    snprintf(want, sizeof want, "' holds %zu files of your own; the bundled sample responses",
             nseeds);
    assert_contains(r.err, want);
    run_free(&r);
    run(&r, "--db", db2, "kommune");
    assert_exit(&r, 0);
    assert_int_equal(r.err_len, 0);
    run_free(&r);
    for (size_t i = 4; i < na; i++)
        free((char *)args[i]);
    free(db2);
    free(own);
    free(db);
    free(dir);
}

/* ---- the man page documents every option ---- */

/* The man page as plain text: font escapes dropped, \- as -. */
static char *man_text(void)
{
    char *path = path_join(src_root, "doc/hsok.1");
    char *roff = read_file(path, NULL);
    free(path);
    sbuf_t b = {0};
    for (const char *p = roff; *p != '\0'; p++) {
        if (p[0] == '\\' && p[1] == '-') {
            sb_add(&b, "-", 1);
            p++;
        } else if (p[0] == '\\' && p[1] == 'f' && p[2] != '\0') {
            p += p[2] == '(' && p[3] != '\0' && p[4] != '\0' ? 4 : 2;
        } else if (p[0] == '\\' && p[1] == '&') {
            p++;
        } else {
            sb_add(&b, p, 1);
        }
    }
    free(roff);
    return sb_take(&b);
}

/* The hit of id among the hits of `search --json -n 500 QUERY` on db: its themes with the
 * manual codes applied, and the codes apart (themes_manual, themes_removed), as
 * "themes|manual|removed" ("digi|digi|sikker"). NULL when the query does not find it. */
static char *coded_themes(const char *db, const char *query, const char *id)
{
    run_t r;
    run(&r, "--db", db, "--json", "-n", "500", "--", query);
    assert_exit(&r, 0);
    hits_t h;
    parse_hits(&r, &h);
    char *out = NULL;
    for (size_t i = 0; i < h.n && !out; i++) {
        if (strcmp(jstr(h.jl.v[i], "id"), id) != 0)
            continue;
        sbuf_t b = {0};
        const char *const keys[] = {"themes", "themes_manual", "themes_removed"};
        for (size_t k = 0; k < 3; k++) {
            const jval_t *t = jget_type(h.jl.v[i], keys[k], J_ARR);
            if (k)
                sb_adds(&b, "|");
            for (size_t m = 0; m < t->n; m++) {
                assert_int_equal(t->items[m]->t, J_STR);
                sb_adds(&b, m ? "," : "");
                sb_adds(&b, t->items[m]->s);
            }
        }
        out = sb_take(&b);
    }
    hits_free(&h);
    run_free(&r);
    return out;
}

/* From `themes --json` on db: out[0] theme's passages, out[1] its respondents, out[2] its
 * passages of respondent resp, out[3] the matrix's manual_codes. */
static void theme_counts(const char *db, const char *theme, const char *resp, size_t out[5])
{
    run_t r;
    run(&r, "themes", "--db", db, "--json");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    int seen = 0;
    for (size_t i = 0; i < jl.n; i++) {
        if (!strcmp(jstr(jl.v[i], "type"), "matrix")) {
            out[3] = juint(jl.v[i], "manual_codes");
            seen |= 2;
        } else if (!strcmp(jstr(jl.v[i], "id"), theme)) {
            out[0] = juint(jl.v[i], "passages");
            out[1] = juint(jl.v[i], "respondents");
            out[4] = juint(jl.v[i], "unsure_passages");
            const jval_t *by = jget_type(jl.v[i], "by_respondent", J_OBJ);
            out[2] = jget(by, resp) ? juint(by, resp) : 0;
            seen |= 1;
        }
    }
    assert_int_equal(seen, 3);
    jlines_free(&jl);
    run_free(&r);
}

/* hsok code: +THEME and -THEME on a passage, kept in INDEX.codes.tsv beside the index and
 * applied whenever passages are shown, so they survive index --force, retag and a rebuilt
 * index; --query codes what a query finds; --check and --list; the errors. */
static void test_manual_codes(void **state)
{
    (void)state;
    char *dir = new_dir("codes");
    char *db = path_join(dir, "index");
    char *codes = path_join(dir, "index.codes.tsv");
    char *cbdir = path_join(dir, "codebook");
    assert_int_equal(mkdir(cbdir, 0700), 0);
    char *t1 = path_join(cbdir, "sikker.theme"), *t2 = path_join(cbdir, "digi.theme");
    static const char d1[] = "id: sikker\nlabel: Sikkerhet\n\nterms:\n  3 informasjonssikkerhet\n";
    static const char d2[] = "id: digi\nlabel: Digitalt\n\nterms:\n  3 digitalisering\n";
    write_file(t1, d1, sizeof d1 - 1);
    write_file(t2, d2, sizeof d2 - 1);
    run_t r;
    run(&r, "index", "--db", db, "--themes", cbdir, seeds_dir);
    assert_exit(&r, 0);
    run_free(&r);

    /* a passage the tagger gave sikker and not digi */
    run(&r, "--db", db, "--json", "-n", "500", "-t", "sikker", "informasjonssikkerhet");
    assert_exit(&r, 0);
    hits_t h;
    parse_hits(&r, &h);
    char *id = NULL, *resp = NULL;
    for (size_t i = 0; i < h.n && !id; i++)
        if (!has_theme(h.jl.v[i], "digi")) {
            id = strdup(jstr(h.jl.v[i], "id"));
            resp = strdup(jstr(h.jl.v[i], "respondent"));
        }
    assert_non_null(id);
    hits_free(&h);
    run_free(&r);
    /* the theme counts before any code */
    size_t sik0[5], digi0[5];
    theme_counts(db, "sikker", resp, sik0);
    theme_counts(db, "digi", resp, digi0);
    assert_int_equal(sik0[3], 0);
    assert_true(sik0[2] >= 1);
    run(&r, "themes", "--db", db);
    assert_exit(&r, 0);
    assert_not_contains(r.out, "manual code");
    run_free(&r);
    char *before = coded_themes(db, "informasjonssikkerhet", id);
    assert_non_null(before);
    assert_string_equal(before, "sikker||");
    free(before);

    run(&r, "code", "--db", db, id, "-sikker", "+digi", "--note", "sier lite om sikkerhet");
    assert_exit(&r, 0);
    assert_contains(r.out, "coded 1 passage: -sikker +digi");
    run_free(&r);
    size_t len;
    char *file = read_file(codes, &len);
    assert_contains(file, "\t-sikker\t");
    assert_contains(file, "\t+digi\t");
    assert_contains(file, "\tsier lite om sikkerhet\n");
    assert_contains(file, id);
    free(file);

    /* the same after each way the index can change */
    for (int round = 0; round < 4; round++) {
        if (round == 1)
            run(&r, "index", "--db", db, "--force", "--themes", cbdir, seeds_dir);
        else if (round == 2)
            run(&r, "retag", "--db", db, "--themes", cbdir);
        else if (round == 3) {
            nftw(db, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
            run(&r, "index", "--db", db, "--themes", cbdir, seeds_dir);
        }
        if (round) {
            assert_exit(&r, 0);
            run_free(&r);
        }
        char *now = coded_themes(db, "informasjonssikkerhet", id);
        assert_non_null(now);
        assert_string_equal(now, "digi|digi|sikker"); /* the removed tag stays removed */
        free(now);
    }
    /* the terminal marks the manual tag */
    run(&r, "--db", db, "-n", "500", "informasjonssikkerhet");
    assert_exit(&r, 0);
    assert_contains(r.out, "tema: digi (manual)");
    run_free(&r);
    /* a theme filter sees the codes: -t and tema: keep the passage under digi, not sikker */
    char idl[128];
    snprintf(idl, sizeof idl, "%s\n", id);
    static const char *const filt[][4] = {
        { "-t", "digi", "informasjonssikkerhet", "1" },
        { "-t", "sikker", "informasjonssikkerhet", "0" },
        { "tema:digi informasjonssikkerhet", NULL, NULL, "1" },
        { "TEMA:sikker informasjonssikkerhet", NULL, NULL, "0" },
    };
    for (size_t k = 0; k < sizeof filt / sizeof filt[0]; k++) {
        if (filt[k][1])
            run(&r, "--db", db, "--json", "-n", "500", filt[k][0], filt[k][1], filt[k][2]);
        else
            run(&r, "--db", db, "--json", "-n", "500", filt[k][0]);
        char *ids = r.status == 0 ? hit_ids(&r) : strdup("");
        if ((strstr(ids, idl) != NULL) != (filt[k][3][0] == '1')) {
            dump(&r);
            fail_msg("filter %zu: passage %s %s", k, id,
                     filt[k][3][0] == '1' ? "missing" : "kept");
        }
        free(ids);
        run_free(&r);
    }
    /* the counts of `hsok themes` take the codes in: one passage less under sikker, one more
       under digi, and the respondent counts move when it was the respondent's only one */
    size_t sik1[5], digi1[5];
    theme_counts(db, "sikker", resp, sik1);
    theme_counts(db, "digi", resp, digi1);
    assert_int_equal(sik1[0], sik0[0] - 1);
    assert_int_equal(sik1[1], sik0[1] - (sik0[2] == 1));
    assert_int_equal(sik1[2], sik0[2] - 1);
    assert_int_equal(digi1[0], digi0[0] + 1);
    assert_int_equal(digi1[1], digi0[1] + (digi0[2] == 0));
    assert_int_equal(digi1[2], digi0[2] + 1);
    assert_int_equal(digi1[3], 2);
    /* a manual code is not the tagger's: it adds a passage, not an unsure one */
    assert_int_equal(digi1[4], digi0[4]);
    run(&r, "themes", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "(the counts include 2 manual codes: hsok code)");
    char row[128];
    snprintf(row, sizeof row, "\ndigi    %8zu  %6zu  %11zu  Digitalt\n", digi1[0], digi1[4],
             digi1[1]);
    assert_contains(r.out, row);
    run_free(&r);
    /* the list of a theme holds the passage coded + and counts as the overview does */
    run(&r, "themes", "--db", db, "digi");
    assert_exit(&r, 0);
    char mark[128];
    snprintf(mark, sizeof mark, "[%s]  (coded by hand: hsok code)", id);
    assert_contains(r.out, mark);
    snprintf(row, sizeof row, "digi — Digitalt: %zu passages\n", digi1[0]);
    assert_contains(r.out, row);
    run_free(&r);
    run(&r, "themes", "--db", db, "sikker");
    assert_exit(&r, 0);
    snprintf(row, sizeof row, "sikker — Sikkerhet: %zu passage%s (and 1 whose theme was "
             "removed by hand, shown marked)\n", sik1[0], sik1[0] == 1 ? "" : "s");
    assert_contains(r.out, row);
    run_free(&r);
    /* the theme's own list says which passage lost it by hand */
    run(&r, "themes", "--db", db, "sikker");
    assert_exit(&r, 0);
    snprintf(mark, sizeof mark, "[%s]  (removed by hand: hsok code)", id);
    assert_contains(r.out, mark);
    run_free(&r);
    run(&r, "themes", "--db", db, "--json", "sikker");
    assert_exit(&r, 0);
    jlines_t tl;
    parse_jsonl(&r, &tl);
    size_t marked = 0;
    for (size_t i = 0; i < tl.n; i++) {
        const jval_t *rem = jget_type(tl.v[i], "themes_removed", J_ARR);
        marked += rem->n == 1 && !strcmp(jstr(tl.v[i], "id"), id);
    }
    assert_int_equal(marked, 1);
    jlines_free(&tl);
    run_free(&r);
    /* exports carry the codes apart, and the removed theme's evidence goes with it */
    run(&r, "export", "--db", db, "--format", "jsonl");
    assert_exit(&r, 0);
    jlines_t ex;
    parse_jsonl(&r, &ex);
    size_t found = 0;
    for (size_t i = 0; i < ex.n; i++) {
        if (strcmp(jstr(ex.v[i], "id"), id) != 0)
            continue;
        found++;
        assert_false(has_theme(ex.v[i], "sikker"));
        assert_true(has_theme(ex.v[i], "digi"));
        const jval_t *man = jget_type(ex.v[i], "themes_manual", J_ARR);
        const jval_t *rem = jget_type(ex.v[i], "themes_removed", J_ARR);
        assert_int_equal(man->n, 1);
        assert_string_equal(man->items[0]->s, "digi");
        assert_int_equal(rem->n, 1);
        assert_string_equal(rem->items[0]->s, "sikker");
        assert_null(jget(jget_type(ex.v[i], "evidence", J_OBJ), "sikker"));
    }
    assert_int_equal(found, 1);
    jlines_free(&ex);
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "csv");
    assert_exit(&r, 0);
    assert_contains(r.out, ",respondent_type,page,end_page,position,position_evidence,"
                           "themes_unsure,themes_manual,themes_removed\r\n");
    assert_contains(r.out, ",digi,sikker\r\n");
    run_free(&r);
    /* --theme sees the codes: the passage is exported under digi, no longer under sikker */
    run(&r, "export", "--db", db, "--format", "jsonl", "--theme", "digi");
    assert_exit(&r, 0);
    assert_contains(r.out, id);
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "jsonl", "--theme", "sikker");
    assert_exit(&r, 0);
    char idkey[64];
    snprintf(idkey, sizeof idkey, "\"id\":\"%s\"", id);
    assert_not_contains(r.out, idkey);
    assert_contains(r.out, "\"sikker\""); /* other passages still are */
    run_free(&r);

    /* --check: the removed sikker was a false positive of the tagger, the added digi a miss */
    run(&r, "code", "--db", db, "--check", "--json");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 3);
    size_t seen = 0;
    for (size_t i = 0; i + 1 < jl.n; i++) {
        const char *theme = jstr(jl.v[i], "theme");
        if (!strcmp(theme, "sikker")) {
            assert_int_equal(juint(jl.v[i], "fp"), 1);
            assert_int_equal(juint(jl.v[i], "tp"), 0);
            assert_true(jget(jl.v[i], "precision")->t == J_NUM);
            assert_true(jget(jl.v[i], "recall")->t == J_NULL);
            seen |= 1;
        } else if (!strcmp(theme, "digi")) {
            assert_int_equal(juint(jl.v[i], "fn"), 1);
            assert_true(jnum(jl.v[i], "recall") == 0);
            seen |= 2;
        }
    }
    assert_int_equal(seen, 3);
    assert_int_equal(juint(jl.v[2], "codes"), 2);
    assert_int_equal(juint(jl.v[2], "missing"), 0);
    jlines_free(&jl);
    run_free(&r);
    run(&r, "themes", "--db", db, "--check");
    assert_exit(&r, 0);
    assert_contains(r.out, "sikker");
    assert_contains(r.out, "precision");
    run_free(&r);

    /* errors write nothing */
    char *saved = read_file(codes, &len);
    run(&r, "code", "--db", db, id, "+nosuch");
    assert_exit(&r, 2);
    assert_contains(r.err, "hsok: unknown theme 'nosuch' (the index has: digi, sikker)");
    run_free(&r);
    run(&r, "code", "--db", db, "ffffffff.9999", "+digi");
    assert_exit(&r, 1);
    assert_contains(r.err, "hsok: no passage 'ffffffff.9999'; nothing coded");
    run_free(&r);
    run(&r, "code", "--db", db, "--query", "digitalisering OR informasjonssikkerhet", "+digi");
    assert_exit(&r, 2);
    assert_contains(r.err, "give --yes to code them all");
    run_free(&r);
    char *after = read_file(codes, &len);
    assert_string_equal(after, saved);
    free(after);
    free(saved);

    /* --query codes every passage it matches, and says how many */
    run(&r, "--db", db, "--json", "-n", "500", "--", "\"informasjonssikkerhet\"");
    assert_exit(&r, 0);
    parse_hits(&r, &h);
    size_t nq = h.n;
    hits_free(&h);
    run_free(&r);
    assert_true(nq >= 2);
    run(&r, "code", "--db", db, "--query", "\"informasjonssikkerhet\"", "-sikker");
    assert_exit(&r, 0);
    char want[64];
    snprintf(want, sizeof want, "coded %zu passages: -sikker", nq);
    assert_contains(r.out, want);
    run_free(&r);
    run(&r, "--db", db, "--json", "-n", "500", "-t", "sikker", "--", "\"informasjonssikkerhet\"");
    parse_hits(&r, &h);
    for (size_t i = 0; i < h.n; i++) /* shown themes no longer hold sikker */
        assert_false(has_theme(h.jl.v[i], "sikker"));
    hits_free(&h);
    run_free(&r);

    /* a code whose passage is gone is kept and counted; a malformed line names FILE:LINE */
    FILE *f = fopen(codes, "a");
    assert_non_null(f);
    fputs("gone.txt\t0123456789abcdef\tdeadbeef.1\t+digi\t2026-01-02\t\n", f);
    fclose(f);
    run(&r, "code", "--db", db, "--list");
    assert_exit(&r, 0);
    assert_contains(r.out, "1 code points at passages no longer in the index");
    assert_contains(r.out, "gone.txt [deadbeef.1]  2026-01-02  (not in the index)");
    run_free(&r);
    run(&r, "code", "--db", db, id, "+sikker");
    assert_exit(&r, 0);
    run_free(&r);
    file = read_file(codes, &len);
    assert_contains(file, "gone.txt\t0123456789abcdef\t");
    free(file);
    char *recoded = coded_themes(db, "informasjonssikkerhet", id);
    assert_non_null(recoded);
    assert_string_equal(recoded, "sikker,digi|digi,sikker|"); /* +sikker replaced -sikker */
    free(recoded);

    /* a second writer is refused while the first holds the lock; nothing is written */
    char *lockpath = path_join(dir, "index.codes.tsv.lock");
    int lfd = open(lockpath, O_RDWR | O_CREAT, 0600);
    assert_true(lfd >= 0);
    assert_int_equal(flock(lfd, LOCK_EX | LOCK_NB), 0);
    saved = read_file(codes, &len);
    run(&r, "code", "--db", db, id, "-digi");
    assert_exit(&r, 3);
    assert_contains(r.err, "is being written by another hsok");
    run_free(&r);
    after = read_file(codes, &len);
    assert_string_equal(after, saved);
    free(after);
    free(saved);
    run(&r, "--db", db, "informasjonssikkerhet"); /* readers take no lock */
    assert_exit(&r, 0);
    run_free(&r);
    close(lfd);
    free(lockpath);

    char *bad = path_join(dir, "bad.tsv");
    static const char badtext[] = "# comment\nx.txt\tnot-a-hash\tid\t+digi\t2026-01-01\t\n";
    write_file(bad, badtext, sizeof badtext - 1);
    char env[4200];
    snprintf(env, sizeof env, "HSOK_CODES=%s", bad);
    const char *const envs[] = {env, NULL};
    run_opts_t o = {.env = envs};
    run_v(&r, &o, ARGS("--db", db, "informasjonssikkerhet"));
    assert_exit(&r, 2);
    snprintf(want, sizeof want, "'%s':2: text hash is not 16 hex digits", bad);
    assert_contains(r.err, want);
    run_free(&r);
    run(&r, "code", "--db", db, "--codes", bad, id, "+digi");
    assert_exit(&r, 2);
    assert_contains(r.err, want);
    run_free(&r);

    free(bad);
    free(id);
    free(resp);
    free(t1);
    free(t2);
    free(cbdir);
    free(codes);
    free(db);
    free(dir);
}

static void test_man_page(void **state)
{
    (void)state;
    char *man = man_text();
    assert_contains(man, ".TH HSOK 1");
    static const char *const sections[] = {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS",
                                           "QUERY SYNTAX", "ENVIRONMENT", "FILES",
                                           "EXIT STATUS", "EXAMPLES"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        char sh[64];
        snprintf(sh, sizeof sh, "\n.SH \"%s\"", sections[i]);
        char sh2[64];
        snprintf(sh2, sizeof sh2, "\n.SH %s\n", sections[i]);
        if (strstr(man, sh) == NULL && strstr(man, sh2) == NULL)
            fail_msg("hsok.1 has no section %s", sections[i]);
    }
    /* every option of every command's --help, long and short */
    cmdlist_t cl;
    help_commands(&cl);
    const char *const *commands = (const char *const *)cl.v;
    for (size_t i = 0; i < cl.n; i++) {
        run_t r;
        run(&r, commands[i], "--help");
        assert_exit(&r, 0);
        for (const char *p = r.out; (p = strstr(p, "--")) != NULL;) {
            const char *e = p + 2;
            while (islower((unsigned char)*e) || *e == '-')
                e++;
            if (e > p + 2) {
                char opt[64];
                snprintf(opt, sizeof opt, "%.*s", (int)(e - p), p);
                if (strstr(man, opt) == NULL)
                    fail_msg("hsok.1 does not mention %s (from 'hsok %s --help')", opt,
                             commands[i]);
            }
            p = e;
        }
        for (const char *p = r.out; (p = strstr(p, "\n  -")) != NULL; p++) {
            if (p[4] != '-' && p[5] == ',') {
                char opt[4] = {'-', p[4], '\0', '\0'};
                if (strstr(man, opt) == NULL)
                    fail_msg("hsok.1 does not mention %s", opt);
            }
        }
        /* each command has its own subsection */
        char ss[64];
        snprintf(ss, sizeof ss, "\n.SS %s", commands[i]);
        if (strstr(man, ss) == NULL) {
            snprintf(ss, sizeof ss, "\n.SS \"%s", commands[i]);
            if (strstr(man, ss) == NULL)
                fail_msg("hsok.1 has no .SS for command %s", commands[i]);
        }
        run_free(&r);
    }
    cmdlist_free(&cl);
    /* every field name of the query language */
    static const char *const fields[] = {"respondent:", "fra:", "from:", "section:", "seksjon:",
                                         "del:", "mål:", "maal:", "goal:", "spørsmål:",
                                         "question:", "q:", "theme:", "tema:"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strstr(man, fields[i]) == NULL)
            fail_msg("hsok.1 does not mention the field %s", fields[i]);
    free(man);
}

/* One by_type entry of a JSON record: type (NULL: none), respondents, of (-1: no "of"). */
static void assert_by_type(const jval_t *rec, size_t k, const char *type, size_t respondents,
                           long of)
{
    const jval_t *bt = jget_type(rec, "by_type", J_ARR);
    assert_true(k < bt->n);
    const jval_t *e = bt->items[k];
    if (type == NULL)
        assert_int_equal(jget_type(e, "type", J_NULL)->t, J_NULL);
    else
        assert_string_equal(jstr(e, "type"), type);
    assert_int_equal(juint(e, "respondents"), respondents);
    if (of >= 0)
        assert_int_equal(juint(e, "of"), (size_t)of);
    else
        assert_null(jget(e, "of"));
}

/* The JSON record of theme id (or the matrix, id NULL) in jl. */
static const jval_t *theme_record(const jlines_t *jl, const char *id)
{
    for (size_t i = 0; i < jl->n; i++) {
        const char *type = jstr(jl->v[i], "type");
        if (id == NULL ? !strcmp(type, "matrix")
                       : !strcmp(type, "theme") && !strcmp(jstr(jl->v[i], "id"), id))
            return jl->v[i];
    }
    fail_msg("no JSON record for %s", id ? id : "the matrix");
    return NULL;
}

/* A small hearing for the position and type-count tests: in dir, the codebook "codebook"
 * (personvern, and sikker: Informasjonssikkerhet) and each file of files (name, its .meta
 * sidecar, its text) under "src", indexed into db. */
static void index_two_theme_hearing(const char *dir, const char *db,
                                    const char *const (*files)[3], size_t n)
{
    char *cbdir = path_join(dir, "codebook");
    char *src = path_join(dir, "src");
    assert_int_equal(mkdir(cbdir, 0700), 0);
    assert_int_equal(mkdir(src, 0700), 0);
    static const char *const themes[][2] = {
        {"personvern.theme", "id: personvern\nlabel: Personvern\n\nterms:\n  3 personvern\n"},
        {"sikker.theme",
         "id: sikker\nlabel: Informasjonssikkerhet\n\nterms:\n  3 informasjonssikkerhet\n"},
    };
    for (size_t i = 0; i < 2; i++) {
        char *p = path_join(cbdir, themes[i][0]);
        write_file(p, themes[i][1], strlen(themes[i][1]));
        free(p);
    }
    for (size_t i = 0; i < n; i++) {
        char *p = path_join(src, files[i][0]);
        write_file(p, files[i][2], strlen(files[i][2]));
        char *meta = path_join(src, files[i][0]);
        meta = realloc(meta, strlen(meta) + sizeof ".meta");
        assert_non_null(meta);
        strcat(meta, ".meta");
        write_file(meta, files[i][1], strlen(files[i][1]));
        free(meta);
        free(p);
    }
    run_t r;
    run(&r, "index", "--db", db, "--themes", cbdir, src);
    assert_exit(&r, 0);
    run_free(&r);
    free(src);
    free(cbdir);
}

/* Positions (issue 10 item 4): what each passage states (støtter, går imot, delvis, ber om
 * endring), from its wording or its form's answer, in search (human and JSON), the
 * --position filter and posisjon: in a query, the counts of 'hsok themes' and every export
 * format. The texts are written for the test: bokmål, nynorsk, a negation, a scope ("kan ikke
 * se at … støtter": no position) and a web form's "Svar: Ja". */
static void test_positions(void **state)
{
    (void)state;
    char *dir = new_dir("positions");
    char *db = path_join(dir, "index");
    static const char *const files[][3] = {
        {"a.txt", "respondent: Alfa kommune\n",
         "Alfa kommune støtter forslaget om styrket personvern.\n\n"
         "Alfa kommune mener også at informasjonssikkerhet er viktig for innbyggerne.\n"},
        {"b.txt", "respondent: Beta kommune\n",
         "Beta kommune kan ikke støtte forslaget, fordi personvern svekkes.\n"},
        {"c.txt", "respondent: Gamma kommune\n",
         "Gamma kommune støttar i hovudsak framlegget, men meiner personvern må styrkjast.\n"},
        {"d.txt", "respondent: Pasientforeningen\ntype: organisasjon\n",
         "Foreningen ber departementet endre reglene om informasjonssikkerhet.\n"},
        {"e.txt", "respondent: Lesernes forening\ntype: organisasjon\n",
         "Vi kan ikke se at forslaget støtter personvern i praksis.\n"},
        {"f.txt", "respondent: Delta kommune\n",
         "Spørsmål 1: Støtter dere forslaget om personvern?\nSvar: Ja\n"
         "Kommentar: Personvern er viktig for innbyggerne i kommunen.\n"},
    };
    index_two_theme_hearing(dir, db, files, sizeof files / sizeof files[0]);
    run_t r;

    /* search: the position and its evidence on every hit, null when none is stated */
    static const char *const want[][3] = {
        {"Alfa kommune", "stotter", "støtter"},
        {"Beta kommune", "imot", "kan ikke støtte"},
        {"Gamma kommune", "delvis", "støttar i hovudsak"},
        {"Delta kommune", "stotter", "svar: Ja"},
        {"Lesernes forening", NULL, NULL},
    };
    run(&r, "search", "--db", db, "--json", "personvern");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    assert_int_equal(jl.n, 6); /* 5 hits and the summary */
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        size_t found = 0;
        for (size_t i = 0; i + 1 < jl.n; i++) {
            if (strcmp(jstr(jl.v[i], "respondent"), want[w][0]))
                continue;
            found++;
            if (!want[w][1]) {
                jget_type(jl.v[i], "position", J_NULL);
                jget_type(jl.v[i], "position_evidence", J_NULL);
            } else {
                assert_string_equal(jstr(jl.v[i], "position"), want[w][1]);
                assert_string_equal(jstr(jl.v[i], "position_evidence"), want[w][2]);
            }
        }
        assert_int_equal(found, 1);
    }
    jlines_free(&jl);
    run_free(&r);
    run(&r, "search", "--db", db, "personvern");
    assert_exit(&r, 0);
    assert_contains(r.out, "Beta kommune (kommune)  [går imot]\n");
    assert_contains(r.out, "Gamma kommune (kommune)  [delvis]\n");
    assert_not_contains(r.out, "Lesernes forening (organisasjon)  [");
    run_free(&r);

    /* the filter, as an option and in the query; "ingen": none stated */
    static const char *const filters[][4] = {
        {"--position", "stotter", "personvern", "2"},
        {"--position", "går imot", "personvern", "1"},
        {"--position", "ingen", "personvern", "1"},
        {"--position", "endring", "informasjonssikkerhet", "1"},
        {"--theme", "personvern", "posisjon:delvis", "1"},
        {"--theme", "sikker", "posisjon:ingen", "1"},
        {"--theme", "personvern", "posisjon:stotter OR posisjon:imot", "3"},
    };
    for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++) {
        run(&r, "search", "--db", db, "--json", filters[f][0], filters[f][1], filters[f][2]);
        assert_exit(&r, 0);
        parse_jsonl(&r, &jl);
        const jval_t *sum = jl.v[jl.n - 1];
        if ((size_t)jget_type(sum, "count", J_NUM)->num != (size_t)atoi(filters[f][3]))
            fail_msg("%s %s %s: %g hits, want %s", filters[f][0], filters[f][1], filters[f][2],
                     jget_type(sum, "count", J_NUM)->num, filters[f][3]);
        jlines_free(&jl);
        run_free(&r);
    }
    run(&r, "search", "--db", db, "--position", "imot", "--json", "personvern");
    assert_exit(&r, 0);
    assert_contains(r.out, "\"respondent\":\"Beta kommune\"");
    assert_not_contains(r.out, "\"respondent\":\"Alfa kommune\"");
    run_free(&r);
    run(&r, "search", "--db", db, "--position", "kanskje", "personvern");
    assert_exit(&r, 2);
    assert_contains(r.err, "unknown position 'kanskje' for --position (stotter, imot, delvis, "
                           "endring, ingen)");
    run_free(&r);
    run(&r, "search", "--db", db, "posisjon:kanskje");
    assert_exit(&r, 2);
    assert_contains(r.err, "unknown position 'kanskje'");
    run_free(&r);

    /* themes: respondents per theme and position */
    run(&r, "themes", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "theme          støtter  går imot  delvis  ber om endring\n"
                           "personvern           2         1       1               0\n"
                           "sikker               0         0       0               1\n"
                           "all passages         2         1       1               1\n");
    run_free(&r);
    run(&r, "themes", "--db", db, "--json");
    assert_exit(&r, 0);
    parse_jsonl(&r, &jl);
    static const struct {
        const char *theme;
        size_t counts[5]; /* stotter, imot, delvis, endring, ingen */
    } bypos[] = {{"personvern", {2, 1, 1, 0, 1}}, {"sikker", {0, 0, 0, 1, 1}},
                 {NULL, {2, 1, 1, 1, 2}}};
    static const char *const ids[] = {"stotter", "imot", "delvis", "endring", "ingen"};
    for (size_t t = 0; t < 3; t++) {
        const jval_t *bp = jget_type(theme_record(&jl, bypos[t].theme), "by_position", J_ARR);
        assert_int_equal(bp->n, 5);
        for (size_t p = 0; p < 5; p++) {
            assert_string_equal(jstr(bp->items[p], "position"), ids[p]);
            if ((size_t)jget_type(bp->items[p], "respondents", J_NUM)->num !=
                bypos[t].counts[p])
                fail_msg("%s %s: %g respondents, want %zu",
                         bypos[t].theme ? bypos[t].theme : "matrix", ids[p],
                         jget_type(bp->items[p], "respondents", J_NUM)->num,
                         bypos[t].counts[p]);
        }
    }
    jlines_free(&jl);
    run_free(&r);
    run(&r, "themes", "--db", db, "--position", "imot", "personvern");
    assert_exit(&r, 0);
    assert_contains(r.out, "personvern — Personvern: 1 passage\n");
    assert_contains(r.out, "[går imot]");
    run_free(&r);

    /* exports: csv and jsonl columns, md and html counts per theme and position */
    run(&r, "export", "--db", db, "--format", "csv");
    assert_exit(&r, 0);
    assert_contains(r.out, ",position,position_evidence,themes_unsure\r\n");
    /* a theme of one weak term (personvern, 3 < twice the threshold) is unsure */
    assert_contains(r.out, ",imot,kan ikke støtte,personvern\r\n");
    assert_contains(r.out, ",stotter,svar: Ja,personvern\r\n");
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "csv", "--position", "endring");
    assert_exit(&r, 0);
    assert_contains(r.out, ",endring,ber departementet,sikker\r\n");
    assert_not_contains(r.out, "Beta kommune");
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "jsonl");
    assert_exit(&r, 0);
    assert_contains(r.out, "\"position\":\"delvis\",\"position_evidence\":\"støttar i "
                           "hovudsak\"");
    assert_contains(r.out, "\"position\":null,\"position_evidence\":null");
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "md");
    assert_exit(&r, 0);
    assert_contains(r.out, "| Tema | Støtter | Går imot | Delvis | Ber om endring |\n"
                           "| --- | ---: | ---: | ---: | ---: |\n"
                           "| Personvern (personvern) | 2 | 1 | 1 | 0 |\n"
                           "| Informasjonssikkerhet (sikker) | 0 | 0 | 0 | 1 |\n"
                           "| Alle utdrag | 2 | 1 | 1 | 1 |\n");
    /* … and a tag of one weak term is marked unsure, with the note that says what that means */
    assert_contains(r.out, " · posisjon: går imot (kan ikke støtte) · usikker\n");
    assert_contains(r.out, "7 av 7 temamerker er usikre: ");
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "html");
    assert_exit(&r, 0);
    assert_contains(r.out, "<section id=\"etter-posisjon\">");
    assert_contains(r.out, "<tr><th scope=\"row\">Personvern</th><td>2</td><td>1</td><td>1</td>"
                           "<td>0</td></tr>");
    assert_contains(r.out, "<span class=\"pos\">posisjon: delvis (støttar i hovudsak)</span>");
    assert_contains(r.out, "tema: Personvern (usikker)");
    assert_contains(r.out, "<p class=\"meta\">7 av 7 temamerker er usikre: ");
    run_free(&r);
    free(db);
    free(dir);
}

/* Theme counts by respondent type (issue 10 item 5): `themes --by type`, its JSON and the
 * Markdown and HTML reports say "2 of 3 kommuner": respondents, not passages, out of all the
 * respondents of the type the respondent and type filters keep (a theme, query or
 * tagged-only filter does not shrink the "of"). */
static void test_themes_by_type(void **state)
{
    (void)state;
    char *dir = new_dir("bytype");
    char *db = path_join(dir, "index");
    /* 3 kommuner (Beta with two personvern passages), 2 organisasjoner by sidecar (one with
     * no theme at all), 1 respondent of no type */
    static const char *const files[][3] = {
        {"a.txt", "respondent: Alfa kommune\n",
         "Alfa kommune mener at personvern må styrkes i alle ledd.\n\n"
         "Alfa kommune mener også at informasjonssikkerhet er viktig for innbyggerne.\n"},
        {"b.txt", "respondent: Beta kommune\n",
         "Beta kommune mener at personvern er viktig.\n\n"
         "Beta kommune vil ha bedre personvern for pasienter.\n"},
        {"c.txt", "respondent: Gamma kommune\n",
         "Gamma kommune mener at informasjonssikkerhet må prioriteres høyt.\n"},
        {"d.txt", "respondent: Pasientforeningen\ntype: organisasjon\n",
         "Foreningen mener at personvern må ivaretas i løsningen.\n"},
        {"e.txt", "respondent: Lesernes forening\ntype: organisasjon\n",
         "Vi har ingen merknader til forslaget om ny ordning.\n"},
        {"f.txt", "respondent: Qwxz\n",
         "Vi mener at personvern og informasjonssikkerhet henger sammen.\n"},
    };
    index_two_theme_hearing(dir, db, files, sizeof files / sizeof files[0]);
    run_t r;

    /* the overview names the types; --by type gives them per theme */
    run(&r, "themes", "--db", db);
    assert_exit(&r, 0);
    assert_contains(r.out, "respondents by type: 3 kommuner, 2 organisasjoner, 1 uten type\n");
    assert_contains(r.out, "hsok themes --by type");
    run_free(&r);
    run(&r, "themes", "--db", db, "--by", "type");
    assert_exit(&r, 0);
    assert_contains(r.out, "respondents by type: 3 kommuner, 2 organisasjoner, 1 uten type\n");
    assert_contains(r.out,
                    "\npersonvern: 2 of 3 kommuner, 1 of 2 organisasjoner, 1 of 1 uten type\n");
    assert_contains(r.out, "\nsikker:     2 of 3 kommuner, 0 of 2 organisasjoner, 1 of 1 "
                           "uten type\n");
    assert_null(strstr(r.out, "Beta kommune")); /* no respondent table */
    run_free(&r);

    run(&r, "themes", "--db", db, "--by", "type", "--json");
    assert_exit(&r, 0);
    jlines_t jl;
    parse_jsonl(&r, &jl);
    const jval_t *pv = theme_record(&jl, "personvern"), *sk = theme_record(&jl, "sikker");
    assert_int_equal(jget_type(pv, "by_type", J_ARR)->n, 3);
    assert_by_type(pv, 0, "kommune", 2, 3);
    assert_by_type(pv, 1, "organisasjon", 1, 2);
    assert_by_type(pv, 2, NULL, 1, 1);
    assert_by_type(sk, 0, "kommune", 2, 3);
    assert_by_type(sk, 1, "organisasjon", 0, 2);
    assert_by_type(sk, 2, NULL, 1, 1);
    const jval_t *mx = theme_record(&jl, NULL);
    assert_by_type(mx, 0, "kommune", 3, -1);
    assert_by_type(mx, 1, "organisasjon", 2, -1);
    assert_by_type(mx, 2, NULL, 1, -1);
    const jval_t *rs = jget_type(mx, "respondents", J_ARR);
    size_t seen = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const char *name = jstr(rs->items[i], "name");
        if (!strcmp(name, "Qwxz"))
            seen += jget_type(rs->items[i], "respondent_type", J_NULL)->t == J_NULL;
        else if (!strcmp(name, "Lesernes forening"))
            seen += !strcmp(jstr(rs->items[i], "respondent_type"), "organisasjon");
    }
    assert_int_equal(seen, 2);
    jlines_free(&jl);
    run_free(&r);

    /* the filters: --type keeps its types; -r its respondents */
    run(&r, "themes", "--db", db, "--by", "type", "--json", "--type", "kommune");
    assert_exit(&r, 0);
    parse_jsonl(&r, &jl);
    pv = theme_record(&jl, "personvern");
    assert_int_equal(jget_type(pv, "by_type", J_ARR)->n, 1);
    assert_by_type(pv, 0, "kommune", 2, 3);
    jlines_free(&jl);
    run_free(&r);
    run(&r, "themes", "--db", db, "--by", "type", "-r", "Gamma", "-r", "forening");
    assert_exit(&r, 0);
    assert_contains(r.out, "\npersonvern: 0 of 1 kommuner, 1 of 2 organisasjoner\n");
    assert_contains(r.out, "\nsikker:     1 of 1 kommuner, 0 of 2 organisasjoner\n");
    run_free(&r);

    run(&r, "themes", "--db", db, "--by", "passage");
    assert_exit(&r, 2);
    assert_contains(r.err, "--by wants type or respondent");
    run_free(&r);
    run(&r, "themes", "--db", db, "--by", "type", "personvern");
    assert_exit(&r, 2);
    run_free(&r);

    /* the reports: all types present, the "of" not shrunk by the theme or tagged-only
     * filter (Lesernes forening has no theme) */
    run(&r, "export", "--db", db, "--format", "md");
    assert_exit(&r, 0);
    assert_contains(r.out, "Respondenter etter type: 3 kommuner, 2 organisasjoner, 1 uten "
                           "type.\n");
    assert_contains(r.out, "| Tema | Utdrag | Respondenter | Etter type |\n");
    assert_contains(r.out, "| Personvern (personvern) | 5 | 4 | 2 av 3 kommuner, 1 av 2 "
                           "organisasjoner, 1 av 1 uten type |\n");
    assert_contains(r.out, "| Informasjonssikkerhet (sikker) | 3 | 3 | 2 av 3 kommuner, 0 av "
                           "2 organisasjoner, 1 av 1 uten type |\n");
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "md", "--theme", "sikker");
    assert_exit(&r, 0);
    assert_contains(r.out, "| Informasjonssikkerhet (sikker) | 3 | 3 | 2 av 3 kommuner, 0 av "
                           "2 organisasjoner, 1 av 1 uten type |\n");
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "md", "--query", "informasjonssikkerhet");
    assert_exit(&r, 0);
    assert_contains(r.out, "| Personvern (personvern) | 1 | 1 | 0 av 3 kommuner, 0 av 2 "
                           "organisasjoner, 1 av 1 uten type |\n");
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "html");
    assert_exit(&r, 0);
    assert_contains(r.out, "<tr><th scope=\"row\">Personvern</th><td>2 av 3 kommuner, 1 av 2 "
                           "organisasjoner, 1 av 1 uten type</td></tr>");
    run_free(&r);
    run(&r, "export", "--db", db, "--format", "html", "--type", "organisasjon");
    assert_exit(&r, 0);
    assert_contains(r.out, "Respondenter etter type: 2 organisasjoner.");
    assert_contains(r.out, "<tr><th scope=\"row\">Personvern</th><td>1 av 2 "
                           "organisasjoner</td></tr>");
    assert_contains(r.out, "<tr><th scope=\"row\">Informasjonssikkerhet</th><td>0 av 2 "
                           "organisasjoner</td></tr>");
    run_free(&r);
    free(db);
    free(dir);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-HSOK\n", argv[0]);
        return 1;
    }
    /* absolute, since some runs change directory */
    static char hsok_real[4096];
    if (realpath(argv[1], hsok_real) == NULL) {
        fprintf(stderr, "%s: '%s': %s\n", argv[0], argv[1], strerror(errno));
        return 1;
    }
    hsok_path = hsok_real;
    src_root = getenv("HSOK_SOURCE_ROOT");
    if (src_root == NULL || *src_root == '\0') {
        fprintf(stderr, "%s: HSOK_SOURCE_ROOT is not set\n", argv[0]);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_command_help),
        cmocka_unit_test(test_unknown_option),
        cmocka_unit_test(test_missing_arguments),
        cmocka_unit_test(test_plain_numbers),
        cmocka_unit_test(test_unsure_tags),
        cmocka_unit_test(test_tag_many_themes),
        cmocka_unit_test(test_evidence_every_occurrence),
        cmocka_unit_test(test_code_review),
        cmocka_unit_test(test_index_seeds),
        cmocka_unit_test(test_index_directory_walk),
        cmocka_unit_test(test_index_unread_documents),
        cmocka_unit_test(test_index_symlinks),
        cmocka_unit_test(test_index_special_files),
        cmocka_unit_test(test_index_max_size),
        cmocka_unit_test(test_index_respondent_and_codebook),
        cmocka_unit_test(test_index_path_too_long),
        cmocka_unit_test(test_index_content_identity),
        cmocka_unit_test(test_index_aliases),
        cmocka_unit_test(test_stances_by_question_text),
        cmocka_unit_test(test_form_text),
        cmocka_unit_test(test_index_missing_path),
        cmocka_unit_test(test_index_bad_files),
        cmocka_unit_test(test_index_stray_byte),
        cmocka_unit_test(test_reindex_unchanged),
        cmocka_unit_test(test_sidecar_and_respondent_option),
        cmocka_unit_test(test_search_json),
        cmocka_unit_test(test_search_variant_marked),
        cmocka_unit_test(test_search_limit_offset_respondent),
        cmocka_unit_test(test_search_theme_filter),
        cmocka_unit_test(test_search_negation),
        cmocka_unit_test(test_implicit_search),
        cmocka_unit_test(test_no_hits),
        cmocka_unit_test(test_malformed_query),
        cmocka_unit_test(test_missing_index),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_analysis_gaps),
        cmocka_unit_test(test_export_format_from_name),
        cmocka_unit_test(test_export_output_safety),
        cmocka_unit_test(test_search_some_words),
        cmocka_unit_test(test_show),
        cmocka_unit_test(test_show_missing),
        cmocka_unit_test(test_show_response_pages),
        cmocka_unit_test(test_no_color),
        cmocka_unit_test(test_highlight_marker),
        cmocka_unit_test(test_terminal_injection),
        cmocka_unit_test(test_index_location),
        cmocka_unit_test(test_index_path_stubs),
        cmocka_unit_test(test_index_path_misleading),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_stats_no_respondent),
        cmocka_unit_test(test_counts_exact),
        cmocka_unit_test(test_respondent_filters),
        cmocka_unit_test(test_stats_unknown_respondents),
        cmocka_unit_test(test_samples_apart),
        cmocka_unit_test(test_manual_codes),
        cmocka_unit_test(test_themes_by_type),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_man_page),
    };
    /* HSOK_TEST_FILTER=test_show*: only the tests whose names match (a developer's run) */
    const char *only = getenv("HSOK_TEST_FILTER");
    if (only != NULL && *only != '\0')
        cmocka_set_test_filter(only);
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
