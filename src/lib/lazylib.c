/* lazylib.c — load a shared library on first use (lazylib.h). */
#include "lazylib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "buf.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void load(lazylib_t *l)
{
    void *h = NULL;
    const char *why = "no library named";
    for (size_t i = 0; !h && l->sonames[i]; i++) {
        h = dlopen(l->sonames[i], RTLD_NOW | RTLD_LOCAL);
        if (!h && dlerror() && i == 0)
            why = "not found";
    }
    if (!h) {
        snprintf(l->err, sizeof l->err, "'%s' %s", l->sonames[0], why);
        l->state = -1;
        return;
    }
    for (size_t i = 0; l->names[i]; i++) {
        dlerror();
        l->addr[i] = dlsym(h, l->names[i]);
        if (!l->addr[i]) {
            snprintf(l->err, sizeof l->err, "no symbol '%s' in '%s'", l->names[i],
                     l->sonames[0]);
            l->state = -1; /* the handle stays open: it costs nothing more */
            return;
        }
    }
    l->fill(l->addr);
    l->state = 1;
}

hsok_status_t lazylib_load(lazylib_t *l, char **errmsg)
{
    pthread_mutex_lock(&lock);
    if (l->state == 0)
        load(l);
    int ok = l->state == 1;
    pthread_mutex_unlock(&lock);
    if (ok)
        return HSOK_OK;
    return hsok_seterr(errmsg, HSOK_ERR_UNSUPPORTED, "cannot load %s: %s", l->what, l->err);
}
