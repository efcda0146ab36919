/* stop.c — Ctrl-C (SIGINT) and SIGTERM while a command writes the index.
 *
 * A handler may do almost nothing safely, so `index` only records the signal and stops between
 * files (see cli.h); `retag`, whose one transaction is lost anyway, ends at once. The index is
 * never harmed by stopping: Xapian keeps the last commit, as it does after a kill.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

volatile sig_atomic_t cli_stop_signal;

static const char *abandon_msg; /* set: the handler prints it and ends the process */
static int stop_note;           /* stderr is a terminal: say that the signal was seen */

static void write_str(const char *s)
{
    ssize_t w = write(STDERR_FILENO, s, strlen(s));
    (void)w; /* nothing to do about a failed write in a handler */
}

static void on_stop(int sig)
{
    if (abandon_msg) {
        write_str(abandon_msg);
        _exit(128 + sig);
    }
    cli_stop_signal = sig;
    if (stop_note && sig == SIGINT)
        write_str("\r\033[K" "hsok: stopping after the current file (Ctrl-C again to stop at "
                  "once)\n");
}

static void catch_signals(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    /* SA_RESTART: reads and writes under way go on rather than fail with EINTR;
     * SA_RESETHAND: the second signal has its default action and ends hsok at once */
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    static const int sigs[] = { SIGINT, SIGTERM };
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        /* a signal ignored when hsok started (nohup, a background job) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

void cli_stop_between(void)
{
    abandon_msg = NULL;
    stop_note = isatty(STDERR_FILENO);
    catch_signals();
}

void cli_stop_abandon(const char *msg)
{
    abandon_msg = msg;
    catch_signals();
}
