/*
 * test_milestone_sort.c: tr_milestone_sort puts events in tr_milestone_cmp
 * order, as qsort does: events of many days and subjects, one subject's
 * several crossings of a day in any order, chart scopes, and dates too far
 * apart for the radix key (the qsort fallback).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "milestones/engine.h"

static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* n events over `days` days from day0 and `subjects` subjects; the
 * values tell events apart, so that an order is checked field by field. */
static struct tr_milestone *events(size_t n, tr_day day0, uint32_t days, uint32_t subjects,
                                   bool scopes, uint64_t seed)
{
    struct tr_milestone *ev = calloc(n, sizeof *ev);
    assert_non_null(ev);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng_next(&seed);
        ev[i].date = day0 + (tr_day)(r % days);
        ev[i].kind = (enum tr_milestone_kind)((r >> 20) % TR_MS_KIND_COUNT);
        ev[i].subject_type = (enum tr_subject_type)((r >> 24) % 3);
        ev[i].subject = (uint32_t)((r >> 28) % subjects);
        ev[i].threshold = 1000000ULL * (1 + (r >> 50) % 5);
        ev[i].value = i;
        if (scopes && (r >> 60) % 2) {
            char s[TR_SCOPE_LEN + 1];
            snprintf(s, sizeof s, "weekly:%c%c", 'a' + (int)((r >> 40) % 3), 'a' + (int)((r >> 44) % 2));
            assert_int_equal(tr_scope_intern(s, strlen(s), &ev[i].scope), 0);
        }
    }
    return ev;
}

/* Sorted by tr_milestone_sort, the events are in order, and are the
 * ones qsort puts there (equal events may differ only in value). */
static void check(struct tr_milestone *ev, size_t n)
{
    struct tr_milestone *want = malloc(n * sizeof *want);
    assert_non_null(want);
    memcpy(want, ev, n * sizeof *want);
    qsort(want, n, sizeof *want, tr_milestone_cmp);
    tr_milestone_sort(ev, n);
    uint8_t *seen = calloc(n, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tr_milestone_cmp(&ev[i], &want[i]), 0);
        assert_true(ev[i].value < n);
        assert_false(seen[ev[i].value]);    /* each event once: none lost or doubled */
        seen[ev[i].value] = 1;
    }
    free(seen);
    free(want);
}

/* Events as events() makes them, sorted and checked. */
static void sort_and_check(size_t n, tr_day day0, uint32_t days, uint32_t subjects, bool scopes,
                           uint64_t seed)
{
    struct tr_milestone *ev = events(n, day0, days, subjects, scopes, seed);
    check(ev, n);
    free(ev);
}

static void test_days_and_subjects(void **state)
{
    (void)state;
    /* 200 days x 50 subjects: a subject crosses several thresholds a day */
    sort_and_check(100000, 19723, 200, 50, false, 1);
}

static void test_a_million_subjects(void **state)
{
    (void)state;
    sort_and_check(200000, 19000, 3650, 1000000, false, 2);
}

static void test_scopes(void **state)
{
    (void)state;
    sort_and_check(20000, 19723, 10, 20, true, 3);
}

static void test_dates_far_apart(void **state)
{
    (void)state;
    /* dates two million years apart and subjects up to 2^32-1 do not fit
     * a 64-bit key: qsort's way */
    sort_and_check(20000, -400000000, 800000000, UINT32_MAX, false, 4);
}

static void test_one_subject_many_scopes(void **state)
{
    (void)state;
    /* one subject and day, 600 scopes: a long run of one key; the scopes
     * are named in another order than their names sort in */
    struct tr_milestone *ev = events(3000, 19723, 1, 1, true, 6);
    for (size_t i = 0; i < 3000; i++) {
        ev[i].kind = TR_MS_CHART_PEAK;
        ev[i].subject_type = TR_SUBJECT_TRACK;
        char s[TR_SCOPE_LEN + 1];
        snprintf(s, sizeof s, "weekly:%03zu", (i * 7919) % 600);
        assert_int_equal(tr_scope_intern(s, strlen(s), &ev[i].scope), 0);
    }
    check(ev, 3000);
    free(ev);
}

static void test_small(void **state)
{
    (void)state;
    tr_milestone_sort(NULL, 0);
    sort_and_check(2, 19723, 1, 1, false, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_and_subjects),
        cmocka_unit_test(test_a_million_subjects),
        cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_dates_far_apart),
        cmocka_unit_test(test_one_subject_many_scopes),
        cmocka_unit_test(test_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
