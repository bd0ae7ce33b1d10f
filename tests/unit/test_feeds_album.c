/*
 * test_feeds_album.c: saved album play-count JSON (formats/album_json.c), both
 * shapes, on the Layover catalog (tests/data/feeds/layover).
 *
 * No saved album JSON is among the real data sets, so the two files in
 * tests/data/feeds/album_json/ are written by hand in the two shapes, with
 * counts chosen so that each track's value tells which file and track it
 * came from (the last digit is the track number): getAlbum for 2024-02-25
 * (counts as strings), the older discs[] shape for 2024-02-26 (integers).
 * The day comes from the file name.
 *
 * love-me-again-s4a.csv is a Spotify for Artists timeline (fmt_s4a.c) for
 * "Love Me Again" (0SftJDguUa1F5SsQwwkLw4), 2024-02-23 to 02-27, anchored
 * on the latest of its days with a known total, 641,100,003 on 02-26 (the
 * discs file): 02-27 = 641,100,003 + 1,090,000 = 642,190,003; 02-25 =
 * 641,100,003 - 1,100,000 = 640,000,003 (the getAlbum file agrees, so no
 * conflict); 02-24 = 640,000,003 - 1,070,000 = 638,930,003; 02-23 =
 * 638,930,003 - 1,050,000 = 637,880,003.
 */
#include "store_fixture.h"

#define DIR "tests/data/feeds/album_json/"

/* A store holding the Layover catalog. */
static int setup(void **state)
{
    struct tr_error err = {0};
    if (store_setup(state))
        return -1;
    struct fixture *f = *state;
    if (import_path(f->s, "tests/data/feeds/layover", NULL, NULL, &err)) {
        store_teardown(state);
        return -1;
    }
    return 0;
}

static void test_both_shapes(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    const char *paths[] = {DIR "layover-getAlbum-2024-02-25.json", DIR "layover-discs-2024-02-26.json"};
    assert_int_equal(tr_import(f->s, paths, 2, NULL, &rep, &err), 0);
    assert_int_equal(rep.n_files, 2);
    assert_string_equal(rep.files[0].format, "album-json");
    assert_string_equal(rep.files[1].format, "album-json");
    assert_int_equal(rep.files[0].rows, 6);
    assert_string_equal(rep.files[0].note, "6 tracks on 2024-02-25");
    assert_int_equal(rep.added, 12);
    tr_import_report_release(&rep);

    struct tr_point *p;
    size_t n;
    char d[TR_DATE_LEN];
    track_history(f->s, "0SftJDguUa1F5SsQwwkLw4", &p, &n);
    assert_int_equal(n, 2);
    assert_string_equal(tr_day_format(p[0].day, d), "2024-02-25");
    assert_int_equal(p[0].value, 640000003);
    assert_string_equal(tr_day_format(p[1].day, d), "2024-02-26");
    assert_int_equal(p[1].value, 641100003);
    free(p);
    track_history(f->s, "7pgbDdy7ax962o9d2xJceV", &p, &n);
    assert_int_equal(n, 2);
    assert_int_equal(p[0].value, 80000006);
    assert_int_equal(p[1].value, 80200006);
    free(p);
}

static void test_s4a_timeline(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    const char *paths[] = {DIR "love-me-again-s4a.csv", DIR "layover-getAlbum-2024-02-25.json",
                           DIR "layover-discs-2024-02-26.json"};
    struct tr_import_options o = {.date = TR_DAY_NONE, .track = "0SftJDguUa1F5SsQwwkLw4"};
    /* without a known total on its days, or without --track, it is refused
     * (the catalog alone holds no totals yet) */
    struct tr_import_options o2 = {.date = TR_DAY_NONE, .track = "2UU11hvjN1JIn4iihEodNT"};
    assert_int_equal(import_path(f->s, DIR "love-me-again-s4a.csv", &o2, NULL, &err), TR_EUNKNOWN);
    assert_non_null(strstr(err.msg, "no total of track '2UU11hvjN1JIn4iihEodNT' is known on any day from 2024-02-23 to 2024-02-27"));
    memset(&err, 0, sizeof err);
    assert_int_equal(import_path(f->s, DIR "love-me-again-s4a.csv", NULL, NULL, &err), TR_EUSAGE);
    assert_non_null(strstr(err.msg, "give --track ID"));
    memset(&err, 0, sizeof err);
    assert_int_equal(tr_import(f->s, paths, 3, &o, &rep, &err), 0);
    /* the timeline is read after the totals it is anchored on */
    assert_string_equal(rep.files[2].format, "s4a-timeline");
    assert_non_null(strstr(rep.files[2].note, "anchored on its total 641100003 on 2024-02-26"));
    tr_import_report_release(&rep);
    struct tr_point *p;
    size_t n;
    char d[TR_DATE_LEN];
    track_history(f->s, "0SftJDguUa1F5SsQwwkLw4", &p, &n);
    assert_int_equal(n, 5);
    static const uint64_t want[] = {637880003, 638930003, 640000003, 641100003, 642190003};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(p[i].value, want[i]);
    assert_string_equal(tr_day_format(p[0].day, d), "2024-02-23");
    free(p);

}

static void test_refused(void **state)
{
    struct fixture *f = *state;
    expect_refused(f, "a-2024-02-25.json",
            "{\"data\":{\"albumUnion\":{\"tracks\":{\"items\":[{\"track\":{\"uri\":\"spotify:track:0SftJDguUa1F5SsQwwkLw4\","
            "\"playcount\":\"64O000003\"}}]}}}}",
            TR_EFORMAT, "a-2024-02-25.json: data.albumUnion.tracks.items[0].track.playcount: not a whole number: '64O000003'");
    expect_refused(f, "a-2024-02-25.json",
            "{\"discs\":[{\"tracks\":[{\"uri\":\"spotify:track:nosuch\",\"playcount\":5}]}]}",
            TR_EUNKNOWN, "unknown track 'nosuch'");
    expect_refused(f, "s4a.csv", "date,streams\n2024-02-23,5\n2024-02-25,6\n", TR_EFORMAT,
            "s4a.csv:3: date: '2024-02-25' does not follow '2024-02-23' (line 2)");
    expect_refused(f, "album.json",
            "{\"discs\":[{\"tracks\":[{\"uri\":\"spotify:track:0SftJDguUa1F5SsQwwkLw4\",\"playcount\":5}]}]}",
            TR_EFORMAT, "album.json: date: the file name holds no date");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_both_shapes, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_s4a_timeline, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
