#include "hsok/hsok.h"
#include "hsok_config.h"

const char *hsok_status_str(hsok_status_t st)
{
    switch (st) {
    case HSOK_OK: return "ok";
    case HSOK_ERR_NOMEM: return "out of memory";
    case HSOK_ERR_IO: return "input/output error";
    case HSOK_ERR_ENCODING: return "unsupported text encoding";
    case HSOK_ERR_PARSE: return "malformed input";
    case HSOK_ERR_QUERY: return "malformed query";
    case HSOK_ERR_NOT_FOUND: return "not found";
    case HSOK_ERR_LOCKED: return "index is locked";
    case HSOK_ERR_DB: return "index error";
    case HSOK_ERR_INVALID: return "invalid argument";
    case HSOK_ERR_EMPTY: return "no text";
    case HSOK_ERR_NOT_REGULAR: return "not a regular file";
    case HSOK_ERR_TOO_LARGE: return "file too large";
    case HSOK_ERR_NO_TEXT: return "no text to read";
    case HSOK_ERR_UNSUPPORTED: return "format not supported";
    }
    return "unknown error";
}

const char *hsok_version(void)
{
    return HSOK_VERSION;
}
