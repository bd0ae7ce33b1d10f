/*
 * test_feeds_kworb.c: kworb-style song totals (fmt_kworb.c) and their feed
 * hygiene, on the real four days of The Weeknd's songs (gzipped copies of
 * ../shared/data/kworb_theweeknd/songs/2025-10-0[1-4].json).
 *
 * Expected figures, computed from the files with a short Python script
 * (json module, records matched by id) before the reader was run:
 *   - 2025-10-02 holds the same totals as 2025-10-01 for all 315 songs:
 *     a stale day;
 *   - from 2025-10-03 to 2025-10-04, for all 306 songs with a daily count
 *     and a gain, the gain is 1.5x the daily count or more (Blinding Lights:
 *     5,054,189,592 -> 5,057,910,757, +3,721,165 against a daily count of
 *     1,815,510): a skipped day; 11 totals are unchanged;
 *   - 318 distinct ids over the four days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trackrecord/trackrecord.h"

#define DIR "tests/data/feeds/kworb/"

static const char *const FILES[] = {DIR "2025-10-01.json.gz", DIR "2025-10-02.json.gz",
                                    DIR "2025-10-03.json.gz", DIR "2025-10-04.json.gz"};

struct fixture {
    char path[64];
    struct tr_store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/tr_kworb_XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    struct tr_error err = {0};
    if (tr_store_open(f->path, 0, &f->s, &err))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char p[80];
    tr_store_close(f->s);
    unlink(f->path);
    snprintf(p, sizeof p, "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", f->path);
    unlink(p);
    free(f);
    return 0;
}

static void test_stale_day_and_jump(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    struct tr_import_options o = {.date = TR_DAY_NONE, .add_tracks = true};
    assert_int_equal(tr_import(f->s, FILES, 4, &o, &rep, &err), 0);
    assert_int_equal(rep.n_files, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(rep.files[i].format, "kworb");
    /* the stale day is left out whole, and said so */
    assert_int_equal(rep.files[1].rows, 315);
    assert_int_equal(rep.files[1].refused, 315);
    assert_non_null(strstr(rep.files[1].note, "stale day 2025-10-02: 315 of 315 totals equal those of 2025-10-01"));
    assert_int_equal(rep.files[2].refused, 0);
    assert_non_null(strstr(rep.files[3].note, "two-day jump on 2025-10-04: for 306 of 306 tracks"));
    assert_non_null(strstr(rep.files[3].note, "11 unchanged, 0 decreased"));
    assert_int_equal(rep.tracks_added, 318);
    tr_import_report_release(&rep);

    /* Blinding Lights: three days stored, none on the stale day */
    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    uint32_t t = tr_catalog_track(c, "kworb:blinding lights@unknown");
    assert_int_not_equal(t, TR_NONE);
    assert_string_equal(c->tracks[t].title, "Blinding Lights");
    struct tr_point *p;
    size_t n;
    char d[TR_DATE_LEN];
    assert_int_equal(tr_store_history(f->s, t, &p, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(tr_day_format(p[0].day, d), "2025-10-01");
    assert_string_equal(tr_day_format(p[1].day, d), "2025-10-03");
    assert_int_equal(p[1].value, 5054189592ULL);
    assert_int_equal(p[2].value, 5057910757ULL);
    free(p);
}

static void test_unknown_track_and_broken(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    /* without --add-tracks, an unmatched song is refused */
    assert_int_equal(tr_import(f->s, FILES, 1, NULL, NULL, &err), TR_EUNKNOWN);
    assert_non_null(strstr(err.msg, "2025-10-01.json.gz:1: id: unknown track 'kworb:blinding lights@unknown'"));

    char path[] = "/tmp/tr_kworb_XXXXXX.json";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    static const char BAD[] = "[{\"id\":\"x\",\"title\":\"X\",\"role\":\"lead\",\"streams_total\":\"12\","
                              "\"spotify_data_date\":\"2025-10-01\"}]";
    assert_int_equal(write(fd, BAD, sizeof BAD - 1), (ssize_t)(sizeof BAD - 1));
    close(fd);
    const char *paths[] = {path};
    memset(&err, 0, sizeof err);
    struct tr_import_options o = {.date = TR_DAY_NONE, .add_tracks = true};
    assert_int_equal(tr_import(f->s, paths, 1, &o, NULL, &err), TR_EFORMAT);
    if (!strstr(err.msg, "record 1: streams_total: missing or not a whole number"))
        fail_msg("unexpected message: %s", err.msg);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stale_day_and_jump, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_track_and_broken, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
