/*
 * test_scope.c: the charts of chart milestones, interned as small ids
 * (tr_scope_intern / tr_scope_name in milestone.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "trackrecord/milestone.h"

static uint16_t id_of(const char *name)
{
    uint16_t id;
    assert_int_equal(tr_scope_intern(name, strlen(name), &id), 0);
    return id;
}

static void test_names_and_ids(void **state)
{
    (void)state;
    assert_int_equal(id_of(""), 0);
    assert_string_equal(tr_scope_name(0), "");
    uint16_t us = id_of("weekly:us"), jp = id_of("weekly:jp");
    assert_true(us != 0 && jp != 0 && us != jp);
    assert_int_equal(id_of("weekly:us"), us);
    assert_string_equal(tr_scope_name(us), "weekly:us");
    assert_string_equal(tr_scope_name(jp), "weekly:jp");
    /* a length shorter than the string, and a NUL within it, cut the name */
    uint16_t id;
    assert_int_equal(tr_scope_intern("weekly:usa", 9, &id), 0);
    assert_int_equal(id, us);
    assert_int_equal(tr_scope_intern("weekly:us\0x", 11, &id), 0);
    assert_int_equal(id, us);
    /* names are at most TR_SCOPE_LEN bytes, as events always kept them */
    uint16_t long_id = id_of("daily:a-very-long-country-name");
    assert_int_equal(strlen(tr_scope_name(long_id)), TR_SCOPE_LEN);
    assert_int_equal(strncmp(tr_scope_name(long_id), "daily:a-very-long-country-name", TR_SCOPE_LEN), 0);
    /* an id never named is none */
    assert_string_equal(tr_scope_name(65535), "");
}

/* Two threads naming the same 500 charts in opposite orders agree on
 * every id (ThreadSanitizer checks the lock-free reads too). */
static uint16_t ids[2][500];

static void *name_all(void *arg)
{
    int k = (int)(intptr_t)arg;
    char name[TR_SCOPE_LEN + 1];
    for (int i = 0; i < 500; i++) {
        int c = k ? 499 - i : i;
        snprintf(name, sizeof name, "weekly:c%03d", c);
        if (tr_scope_intern(name, strlen(name), &ids[k][c]) ||
            strcmp(tr_scope_name(ids[k][c]), name) != 0)
            ids[k][c] = 0;
    }
    return NULL;
}

static void test_threads_agree(void **state)
{
    (void)state;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, name_all, (void *)(intptr_t)1), 0);
    name_all((void *)(intptr_t)0);
    pthread_join(t, NULL);
    for (int c = 0; c < 500; c++) {
        assert_true(ids[0][c] != 0);
        assert_int_equal(ids[0][c], ids[1][c]);
        for (int d = 0; d < c; d++)
            assert_true(ids[0][d] != ids[0][c]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_ids),
        cmocka_unit_test(test_threads_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
