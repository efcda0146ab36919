/* rusage.c — run a command and report its own time and peak memory, for bench/run.
 *
 * Usage: rusage REPORT CMD [ARG…]
 * Runs CMD (stdin, stdout and stderr inherited), waits for it and writes one line into the
 * file REPORT: "WALL_S USER_S SYS_S MAXRSS_KB EXIT". EXIT is CMD's exit code, or 128+N when
 * signal N ended it; rusage exits with the same code (127 when CMD cannot be run).
 * Why: a program started straight from python inherits python's memory high-water mark
 * (Linux keeps ru_maxrss across execve), so small peaks read as python's ~25 MB. Forked
 * from this small process, CMD's ru_maxrss is its own. Not installed and not a test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: rusage REPORT CMD [ARG...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "rusage: cannot fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "rusage: cannot run '%s': %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "rusage: wait: %s\n", strerror(errno));
            return 127;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *f = fopen(argv[1], "w");
    if (f == NULL) {
        fprintf(stderr, "rusage: cannot write '%s': %s\n", argv[1], strerror(errno));
        return 127;
    }
    fprintf(f, "%.6f %.6f %.6f %ld %d\n",
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_maxrss, code);
    if (fclose(f) != 0)
        return 127;
    return code;
}
