/*
 * error.c: names and messages for the codes of TR_ERROR_MAP, and the
 * helper that fills a caller's struct tr_error.
 */
#include "trackrecord/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *tr_error_name(int code)
{
    switch (code) {
    case TR_OK: return "TR_OK";
#define TR__NAME(c, name, msg) case name: return #name;
    TR_ERROR_MAP(TR__NAME)
#undef TR__NAME
    default: return "TR_E?";
    }
}

const char *tr_strerror(int code)
{
    switch (code) {
    case TR_OK: return "success";
#define TR__MSG(c, name, msg) case name: return msg;
    TR_ERROR_MAP(TR__MSG)
#undef TR__MSG
    default: return "unknown error";
    }
}

int tr_error_set(struct tr_error *err, int code, const char *fmt, ...)
{
    if (!err || err->code != TR_OK)
        return code;
    err->code = code;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    } else {
        snprintf(err->msg, sizeof err->msg, "%s", tr_strerror(code));
    }
    return code;
}

void tr_error_clear(struct tr_error *err)
{
    if (!err)
        return;
    err->code = TR_OK;
    err->msg[0] = '\0';
}
