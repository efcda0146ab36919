/* runhsok.c — see runhsok.h. */
#define _POSIX_C_SOURCE 200809L
#include "runhsok.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

char *hsok_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = NULL;
    size_t n = 0, cap = 0;
    for (int c; (c = fgetc(f)) != EOF;) {
        if (n + 2 > cap) {
            cap = cap ? cap * 2 : 4096;
            s = realloc(s, cap);
            assert_non_null(s);
        }
        s[n++] = (char)c;
    }
    fclose(f);
    if (!s)
        s = calloc(1, 1);
    else
        s[n] = '\0';
    assert_non_null(s);
    if (len)
        *len = n;
    return s;
}

void hsok_runv(hsok_run_t *r, const char *hsok, const char *dir, const char *themes,
               const char *const *args)
{
    const char *argv[96];
    size_t n = 0;
    argv[n++] = hsok;
    for (size_t i = 0; args[i]; i++) {
        assert_true(n < 95);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    char outp[4096], errp[4096];
    assert_true((size_t)snprintf(outp, sizeof outp, "%s/.out", dir) < sizeof outp);
    assert_true((size_t)snprintf(errp, sizeof errp, "%s/.err", dir) < sizeof errp);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(127);
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0)
            _exit(127);
        dup2(o, 1);
        dup2(e, 2);
        setenv("HSOK_ALIASES", "", 1);
        setenv("HSOK_THEMES", themes, 1);
        setenv("NO_COLOR", "1", 1);
        unsetenv("HSOK_DB");
        unsetenv("HSOK_CODES");
        execv(hsok, (char *const *)argv);
        _exit(127);
    }
    int ws = 0;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r->out = hsok_slurp(outp, NULL);
    r->err = hsok_slurp(errp, NULL);
    assert_non_null(r->out);
    assert_non_null(r->err);
}

void hsok_run(hsok_run_t *r, const char *hsok, const char *dir, const char *themes, ...)
{
    const char *args[96];
    size_t n = 0;
    va_list ap;
    va_start(ap, themes);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
        assert_true(n < 95);
        args[n++] = a;
    }
    va_end(ap);
    args[n] = NULL;
    hsok_runv(r, hsok, dir, themes, args);
}

void hsok_run_free(hsok_run_t *r)
{
    free(r->out);
    free(r->err);
}
