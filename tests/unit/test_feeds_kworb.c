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
#include "store_fixture.h"

#define DIR "tests/data/feeds/kworb/"

static const char *const FILES[] = {DIR "2025-10-01.json.gz", DIR "2025-10-02.json.gz",
                                    DIR "2025-10-03.json.gz", DIR "2025-10-04.json.gz"};

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
    uint32_t t = find_track(f->s, "kworb:blinding lights@unknown");
    assert_string_equal(c->tracks[t].title, "Blinding Lights");
    struct tr_point *p;
    size_t n;
    char d[TR_DATE_LEN];
    track_history(f->s, "kworb:blinding lights@unknown", &p, &n);
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

    static const char BAD[] = "[{\"id\":\"x\",\"title\":\"X\",\"role\":\"lead\",\"streams_total\":\"12\","
                              "\"spotify_data_date\":\"2025-10-01\"}]";
    const char *path = fixture_write(f, "songs.json", BAD);
    memset(&err, 0, sizeof err);
    struct tr_import_options o = {.date = TR_DAY_NONE, .add_tracks = true};
    assert_int_equal(import_path(f->s, path, &o, NULL, &err), TR_EFORMAT);
    if (!strstr(err.msg, "record 1: streams_total: missing or not a whole number"))
        fail_msg("unexpected message: %s", err.msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stale_day_and_jump, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_track_and_broken, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
