/*
 * trackrecord/error.h: errors are values.
 *
 * Every library call that can fail returns an int: 0 (TR_OK) on success or
 * one of the codes below, and fills an optional caller-owned struct tr_error
 * with a message that names the file, line and field at fault.  The library
 * never prints and never exits.  Codes, names and default messages come from
 * one list (TR_ERROR_MAP) so they cannot drift apart.
 */
#ifndef TRACKRECORD_ERROR_H
#define TRACKRECORD_ERROR_H

#include <stddef.h>

/* X(code, NAME, default message) */
#define TR_ERROR_MAP(X)                                                     \
    X(1, TR_EUSAGE,     "invalid argument")                                 \
    X(2, TR_EIO,        "input/output error")                               \
    X(3, TR_EFORMAT,    "malformed input")                                  \
    X(4, TR_EUNKNOWN,   "unknown identifier")                               \
    X(5, TR_ECONFLICT,  "conflicting values")                               \
    X(6, TR_ELIMIT,     "input exceeds a limit")                            \
    X(7, TR_ENOMEM,     "out of memory")                                    \
    X(8, TR_ESTORE,     "store error")                                      \
    X(9, TR_ENOTFOUND,  "not found")                                        \
    X(10, TR_EBUSY,     "store is busy")

enum tr_code {
    TR_OK = 0,
#define TR__ENUM(code, name, msg) name = code,
    TR_ERROR_MAP(TR__ENUM)
#undef TR__ENUM
};

#define TR_ERROR_MSG_MAX 512

/* Caller-owned; zero-initialise it.  msg is always NUL-terminated. */
struct tr_error {
    int code;                    /* TR_OK or an enum tr_code */
    char msg[TR_ERROR_MSG_MAX];  /* "streams.csv:1042: streams: ..." */
};

/* Symbolic name of a code ("TR_EFORMAT"); "TR_OK" for 0. Never NULL. */
const char *tr_error_name(int code);
/* Default one-line message for a code. Never NULL. */
const char *tr_strerror(int code);

/*
 * Records an error and returns code, so a failing path can say
 * `return tr_error_set(err, TR_EFORMAT, "%s:%zu: date: ...", ...)`.
 * err may be NULL.  The first error set wins: later calls on an error that
 * already holds a code keep the original message (the root cause).
 */
int tr_error_set(struct tr_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Clears err (code TR_OK, empty message); NULL is a no-op. */
void tr_error_clear(struct tr_error *err);

#endif
