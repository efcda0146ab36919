/* doctest.c — what the tests of the document readers share (doctest.h). */
#include "doctest.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hsok/ingest.h"
#include "hsok/reader.h"
#include "hsok/segment.h"

int run(char *const argv[], const char *out, const char *err)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int o = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (o < 0 || e < 0)
            _exit(126);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *read_all(const char *path, size_t *len)
{
    char *data = NULL, *err = NULL;
    size_t n = 0;
    hsok_status_t st = hsok_read_regular_file(path, (size_t)1 << 28, &data, &n, &err);
    if (st != HSOK_OK)
        fail_msg("cannot read '%s': %s", path, err ? err : "?");
    if (len)
        *len = n;
    return data;
}

const char *src_root(void)
{
    const char *r = getenv("HSOK_SOURCE_ROOT");
    return r && *r ? r : ".";
}

char *squeeze(const char *s)
{
    size_t n = strlen(s), k = 0;
    char *o = malloc(n + 1);
    assert_non_null(o);
    int sp = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r') {
            sp = k > 0;
            continue;
        }
        if (sp)
            o[k++] = ' ';
        sp = 0;
        o[k++] = (char)c;
    }
    o[k] = '\0';
    return o;
}

int same_passages(const char *label, const char *what, const hsok_segdoc_t *a,
                  const hsok_segdoc_t *b)
{
    size_t na = hsok_segdoc_passage_count(a), nb = hsok_segdoc_passage_count(b);
    int same = na == nb, shown = 0;
    if (!same)
        print_message("%s: %zu passages, %zu from the text\n", what, na, nb);
    for (size_t i = 0; i < na && i < nb && shown < 3; i++) {
        const hsok_passage_t *p = hsok_segdoc_passage(a, i), *q = hsok_segdoc_passage(b, i);
        char *tp = squeeze(p->text), *tq = squeeze(q->text);
        const char *field = strcmp(tp, tq) ? "text"
                            : strcmp(p->respondent, q->respondent) ? "respondent"
                            : strcmp(p->section, q->section) ? "section" : NULL;
        if (field) {
            print_message("%s: passage %zu differs in its %s:\n  %-5s [%s] [%s] %s\n"
                          "  text: [%s] [%s] %s\n", what, i, field, label, p->respondent,
                          p->section, tp, q->respondent, q->section, tq);
            same = 0;
            shown++;
        }
        free(tp);
        free(tq);
    }
    return same;
}

hsok_status_t doc_read(const char *tmpdir, const char *path, hsok_document_t *doc,
                       char **errmsg, char **stderr_text)
{
    size_t len;
    char *bytes = read_all(path, &len);
    char *errfile = path_in(tmpdir, "stderr.txt");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    hsok_status_t st = hsok_document_read(path, bytes, len, doc, errmsg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    *stderr_text = read_all(errfile, NULL);
    free(errfile);
    free(bytes);
    return st;
}
