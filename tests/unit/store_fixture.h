/*
 * store_fixture.h: the harness of the tests that import files into a
 * store through the public API.
 *
 * Each test gets a fresh temporary directory holding an empty store
 * (store_setup) and the files the test writes beside it (fixture_write);
 * store_teardown closes the store and removes the directory with all it
 * holds.  The lookups fail the test rather than return "none".  Every
 * helper is static inline, so that a test program that includes this
 * header (each is one .c file) and uses only some of them builds without
 * unused-function warnings.
 */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trackrecord/trackrecord.h"

struct fixture {
    char dir[64];           /* the test's temporary directory */
    struct tr_store *s;     /* an empty store in it, at the start */
};

/* An empty string of cap bytes to write a generated file into (the
 * caller's to free). */
static inline char *fixture_buffer(size_t cap)
{
    char *s = malloc(cap);
    assert_non_null(s);
    s[0] = '\0';
    return s;
}

/* cmocka setup: a fresh directory and an empty store in it. */
static inline int store_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct tr_error err = {0};
    char db[128];
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/tr_test_XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(db, sizeof db, "%s/store.db", f->dir);
    if (tr_store_open(db, 0, &f->s, &err)) {
        rmdir(f->dir);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

/* cmocka teardown: closes the store, removes the directory and its files. */
static inline int store_teardown(void **state)
{
    struct fixture *f = *state;
    char path[512];
    tr_store_close(f->s);
    DIR *d = opendir(f->dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Writes text to the file name in the test's directory; returns its path
 * (a static buffer, valid until the next call). */
static inline const char *fixture_write(const struct fixture *f, const char *name, const char *text)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* Imports one file or bundle directory; o and rep may be NULL. */
static inline int import_path(struct tr_store *s, const char *path, const struct tr_import_options *o,
                              struct tr_import_report *rep, struct tr_error *err)
{
    const char *paths[] = {path};
    return tr_import(s, paths, 1, o, rep, err);
}

/* Writes text to the file name, imports it and checks that the import is
 * refused with code and a message holding msg. */
static inline void expect_refused(const struct fixture *f, const char *name, const char *text,
                                  int code, const char *msg)
{
    struct tr_error err = {0};
    const char *p = fixture_write(f, name, text);
    assert_int_equal(import_path(f->s, p, NULL, NULL, &err), code);
    if (!strstr(err.msg, msg))
        fail_msg("message '%s' lacks '%s'", err.msg, msg);
    unlink(p);
}

/* The index of the track, release or artist with this id; fails the test
 * when the catalog has none. */
static inline uint32_t find_id(struct tr_store *s, enum tr_subject_type t, const char *id)
{
    const struct tr_catalog *c;
    struct tr_error err = {0};
    assert_int_equal(tr_store_catalog(s, &c, &err), 0);
    uint32_t i = t == TR_SUBJECT_TRACK ? tr_catalog_track(c, id)
               : t == TR_SUBJECT_RELEASE ? tr_catalog_release(c, id)
               : tr_catalog_artist(c, id);
    if (i == TR_NONE)
        fail_msg("no %s '%s' in the catalog", tr_subject_type_name(t), id);
    return i;
}

static inline uint32_t find_track(struct tr_store *s, const char *id)
{
    return find_id(s, TR_SUBJECT_TRACK, id);
}

/* The stored totals of the track with this id, by day; the caller frees *p. */
static inline void track_history(struct tr_store *s, const char *id, struct tr_point **p, size_t *n)
{
    struct tr_error err = {0};
    assert_int_equal(tr_store_history(s, find_track(s, id), p, n, &err), 0);
}

#endif
