/* json.h — a strict JSON parser (RFC 8259) for the tests: hsok's JSON Lines and exports are
 * read back with it. Independent of libhsok on purpose: it checks what hsok writes. */
#ifndef HSOK_TEST_JSON_H
#define HSOK_TEST_JSON_H

#include <stddef.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype_t;

typedef struct jval jval_t;
struct jval {
    jtype_t t;
    int b;           /* J_BOOL */
    double num;      /* J_NUM */
    char *s;         /* J_STR: decoded UTF-8, NUL-terminated */
    size_t n;        /* J_STR: bytes; J_ARR, J_OBJ: members */
    jval_t **items;  /* J_ARR, J_OBJ */
    char **keys;     /* J_OBJ */
};

/* Parse exactly one JSON value from s[0..len) (surrounding whitespace allowed); NULL with
 * *err (and *errpos, if not NULL) on an error. Free with jfree. */
jval_t *json_parse(const char *s, size_t len, const char **err, size_t *errpos);
void jfree(jval_t *v);
/* The member key of object o, or NULL (also when o is no object). */
const jval_t *jget(const jval_t *o, const char *key);

#endif
