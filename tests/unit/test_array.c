/*
 * test_array.c: the growable array (base/array.h): pushes keep every
 * element through the moves, zeroed growth, and sizes past a size_t refused
 * with the array left as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "trackrecord/array.h"

/* The sanitizers' allocators abort on a size no allocator gives unless told
 * to return NULL like malloc; these hooks tell them (unused elsewhere). */
const char *__asan_default_options(void);
const char *__tsan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }
const char *__tsan_default_options(void) { return "allocator_may_return_null=1"; }

struct pair {
    uint32_t a;
    uint64_t b;
};

static void test_push_keeps_elements(void **state)
{
    (void)state;
    struct pair *v = NULL;
    size_t n = 0, cap = 0;
    for (uint32_t i = 0; i < 100000; i++) {
        assert_int_equal(tr_array_reserve(&v, &cap, n + 1), TR_OK);
        assert_true(cap >= n + 1);
        v[n++] = (struct pair){i, (uint64_t)i * i};
    }
    assert_true(cap < 2 * n);   /* doubled, not grown by one or by need */
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(v[i].a, i);
        assert_true(v[i].b == (uint64_t)i * i);
    }
    free(v);
}

static void test_reserve_within_capacity(void **state)
{
    (void)state;
    char *v = NULL;
    size_t cap = 0;
    assert_int_equal(tr_array_reserve(&v, &cap, 0), TR_OK);
    assert_null(v);   /* nothing asked, nothing allocated */
    assert_int_equal(tr_array_reserve(&v, &cap, 1000), TR_OK);
    assert_true(cap >= 1000);
    char *before = v;
    size_t cap_before = cap;
    assert_int_equal(tr_array_reserve(&v, &cap, cap_before), TR_OK);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, cap_before);
    free(v);
}

static void test_zeroed(void **state)
{
    (void)state;
    uint16_t *v = NULL;
    size_t cap = 0;
    assert_int_equal(tr_array_reserve_zeroed(&v, &cap, 10), TR_OK);
    for (size_t i = 0; i < cap; i++) {
        assert_int_equal(v[i], 0);
        v[i] = 7;
    }
    size_t old = cap;
    assert_int_equal(tr_array_reserve_zeroed(&v, &cap, 5000), TR_OK);
    for (size_t i = 0; i < old; i++)
        assert_int_equal(v[i], 7);
    for (size_t i = old; i < cap; i++)
        assert_int_equal(v[i], 0);
    free(v);
}

static void test_overflow_refused(void **state)
{
    (void)state;
    uint64_t *v = NULL;
    size_t cap = 0;
    assert_int_equal(tr_array_reserve(&v, &cap, 4), TR_OK);
    v[3] = 42;
    uint64_t *before = v;
    size_t cap_before = cap;
    /* need * 8 wraps around a size_t: refused, not a small allocation */
    assert_int_equal(tr_array_reserve(&v, &cap, SIZE_MAX / 8 + 1), TR_ELIMIT);
    assert_int_equal(tr_array_reserve(&v, &cap, SIZE_MAX), TR_ELIMIT);
    /* fits a size_t but no allocator gives it */
    assert_int_equal(tr_array_reserve(&v, &cap, SIZE_MAX / 8), TR_ENOMEM);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, cap_before);
    assert_true(v[3] == 42);
    free(v);
}

/* A capacity whose double wraps grows to exactly what was asked (here more
 * than can be had), never to the wrapped double. */
static void test_doubling_does_not_wrap(void **state)
{
    (void)state;
    char *v = NULL;
    size_t cap = SIZE_MAX / 2 + 1;   /* as if held: only its value is read */
    assert_int_equal(tr_array_grow(&v, &cap, cap + 1, 1, false), TR_ENOMEM);
    assert_null(v);
    assert_true(cap == SIZE_MAX / 2 + 1);
    cap = 0;
    assert_int_equal(tr_array_grow(&v, &cap, 1, 0, false), TR_EUSAGE);   /* no element size */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_keeps_elements),
        cmocka_unit_test(test_reserve_within_capacity),
        cmocka_unit_test(test_zeroed),
        cmocka_unit_test(test_overflow_refused),
        cmocka_unit_test(test_doubling_does_not_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
