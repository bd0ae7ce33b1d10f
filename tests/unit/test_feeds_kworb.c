/*
 * test_feeds_kworb.c: kworb-style song totals (formats/kworb.c) and their feed
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
 *
 * The album totals of the same four days (gzipped copies of
 * ../shared/data/kworb_theweeknd/albums/2025-10-0[1-4].json), figures
 * computed with jq from the raw files before the reader was run:
 *   - 2025-10-02 repeats 2025-10-01 for all 27 albums (a stale day):
 *       jq -n --slurpfile a 2025-10-01.json --slurpfile b 2025-10-02.json \
 *         '[range(0;27) as $i | select($a[0][$i].streams_total == $b[0][$i].streams_total)] | length'
 *   - from 2025-10-03 to 2025-10-04 every gain is 2.04x to 2.15x the daily
 *     count (27 of 27, a skipped day; none unchanged), same command with
 *     (.streams_total - previous) / .streams_daily;
 *   - "^The Highlights (Deluxe)" on 2025-10-04: 49,127,996,681, daily
 *     22,364,363; the second "Trilogy" record: 5,001,928,741, daily 3,056,414:
 *       jq -c '.[] | select(.title == "Trilogy") | [.id, .streams_total, .streams_daily]' 2025-10-04.json
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

#define ADIR "tests/data/feeds/kworb_albums/"

static const char *const ALBUMS[] = {ADIR "2025-10-01.json.gz", ADIR "2025-10-02.json.gz",
                                     ADIR "2025-10-03.json.gz", ADIR "2025-10-04.json.gz"};

/* The reported totals of the release with this id; the caller frees *v. */
static void release_totals(struct tr_store *s, const char *id, struct tr_release_total **v,
                           size_t *n)
{
    struct tr_error err = {0};
    assert_int_equal(tr_store_release_totals(s, find_id(s, TR_SUBJECT_RELEASE, id), v, n, &err), 0);
}

static void test_album_totals(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    struct tr_import_options o = {.date = TR_DAY_NONE, .add_tracks = true};
    assert_int_equal(tr_import(f->s, ALBUMS, 4, &o, &rep, &err), 0);
    assert_int_equal(rep.n_files, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(rep.files[i].format, "kworb-albums");
    /* the album files show the songs' quirks: the stale day is left out whole */
    assert_int_equal(rep.files[1].rows, 27);
    assert_int_equal(rep.files[1].refused, 27);
    assert_non_null(strstr(rep.files[1].note,
                           "stale day 2025-10-02: 27 of 27 totals equal those of 2025-10-01; the file is left out"));
    assert_int_equal(rep.files[2].taken, 27);
    assert_non_null(strstr(rep.files[3].note, "two-day jump on 2025-10-04: for 27 of 27 releases"));
    assert_non_null(strstr(rep.files[3].note, "0 unchanged, 0 decreased of 27 totals known before"));
    assert_int_equal(rep.tracks_added, 0);
    tr_import_report_release(&rep);

    /* a bare release per album: '^' dropped from the title, a compilation */
    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    uint32_t r = find_id(f->s, TR_SUBJECT_RELEASE, "kworb:thehighlightsdeluxe");
    assert_string_equal(c->releases[r].title, "The Highlights (Deluxe)");
    assert_int_equal(c->releases[r].type, TR_RELEASE_COMPILATION);
    assert_int_equal(c->releases[find_id(f->s, TR_SUBJECT_RELEASE, "kworb:starboy")].type,
                     TR_RELEASE_UNKNOWN);

    struct tr_release_total *v;
    size_t n;
    char d[TR_DATE_LEN];
    release_totals(f->s, "kworb:thehighlightsdeluxe", &v, &n);
    assert_int_equal(n, 3);     /* none on the stale day */
    assert_string_equal(tr_day_format(v[0].date, d), "2025-10-01");
    assert_string_equal(tr_day_format(v[1].date, d), "2025-10-03");
    assert_string_equal(tr_day_format(v[2].date, d), "2025-10-04");
    assert_string_equal(v[2].source, "kworb");
    assert_int_equal(v[2].total, 49127996681ULL);
    assert_int_equal(v[2].daily, 22364363);
    free(v);
    /* two versions under one title stay two releases */
    release_totals(f->s, "kworb:trilogy-2", &v, &n);
    assert_int_equal(n, 3);
    assert_int_equal(v[2].total, 5001928741ULL);
    assert_int_equal(v[2].daily, 3056414);
    free(v);

    /* a re-import replaces by key: nothing is added */
    assert_int_equal(tr_import(f->s, ALBUMS, 4, &o, &rep, &err), 0);
    assert_int_equal(rep.catalog_changes, 0);
    tr_import_report_release(&rep);
    release_totals(f->s, "kworb:thehighlightsdeluxe", &v, &n);
    assert_int_equal(n, 3);
    assert_int_equal(v[2].total, 49127996681ULL);
    free(v);
}

static void test_album_unknown_and_by_title(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    /* without --add-tracks, an album the catalog lacks refuses the file */
    assert_int_equal(tr_import(f->s, ALBUMS, 1, NULL, NULL, &err), TR_EUNKNOWN);
    if (!strstr(err.msg, "2025-10-01.json.gz: record 1: title: no release titled '^The Highlights (Deluxe)'"))
        fail_msg("unexpected message: %s", err.msg);

    /* a catalog release is found by its title, case and punctuation aside */
    const char *rel = fixture_write(f, "releases.csv", "id,title,artists,type,date\n"
                                    "starboy-dlx,Starboy (Deluxe),,album,2016-11-25\n");
    assert_int_equal(import_path(f->s, rel, NULL, NULL, &err), 0);
    const char *js = fixture_write(f, "albums.json",
                                   "[{\"id\": \"kworb:album:starboy\", \"rank\": 4,"
                                   " \"title\": \"STARBOY deluxe\", \"streams_total\": 17669739806,"
                                   " \"streams_daily\": 6867684, \"spotify_data_date\": \"2025-10-01\"}]");
    struct tr_import_report rep;
    assert_int_equal(import_path(f->s, js, NULL, &rep, &err), 0);
    assert_string_equal(rep.files[0].format, "kworb-albums");
    tr_import_report_release(&rep);
    struct tr_release_total *v;
    size_t n;
    release_totals(f->s, "starboy-dlx", &v, &n);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].total, 17669739806ULL);
    assert_int_equal(v[0].daily, 6867684);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stale_day_and_jump, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_track_and_broken, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_album_totals, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_album_unknown_and_by_title, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
