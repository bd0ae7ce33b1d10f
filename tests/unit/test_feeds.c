/*
 * test_feeds.c: sales and award nominations (formats/extras.c), imported into
 * a temporary store through the public API and read back.
 *
 * The expected figures are those of tests/data/feeds/layover/sales.csv and
 * awards.csv (copies of the Layover fixture bundle's files): one Hanteo
 * first week of 1,670,000 copies from 2023-09-08 to 2023-09-14 counted in
 * Asia/Seoul; three MAMA 2023 nominations, one for the album and two for
 * "Love Me Again" (0SftJDguUa1F5SsQwwkLw4).
 */
#include "store_fixture.h"

#define BUNDLE "tests/data/feeds/layover"

static void check_layover(struct tr_store *s)
{
    struct tr_error err = {0};
    struct tr_sale *sales;
    struct tr_award *aw;
    size_t n;
    char d[TR_DATE_LEN];

    uint32_t rel = find_id(s, TR_SUBJECT_RELEASE, "layover");
    assert_int_equal(tr_store_sales(s, rel, &sales, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(sales[0].release, "layover");
    assert_string_equal(sales[0].source, "hanteo");
    assert_string_equal(tr_day_format(sales[0].period_start, d), "2023-09-08");
    assert_string_equal(tr_day_format(sales[0].period_end, d), "2023-09-14");
    assert_string_equal(sales[0].timezone, "Asia/Seoul");
    assert_int_equal(sales[0].copies, 1670000);
    /* the unquoted note with quotes inside is kept as written */
    assert_string_equal(sales[0].note, "first week; published as \"over 1.67 million\"");
    free(sales);

    /* the pre-release single has no sales */
    assert_int_equal(tr_store_sales(s, find_id(s, TR_SUBJECT_RELEASE, "layover-pre"), &sales, &n, &err), 0);
    assert_int_equal(n, 0);
    free(sales);

    assert_int_equal(tr_store_awards(s, TR_SUBJECT_RELEASE, rel, &aw, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(aw[0].ceremony, "MAMA Awards");
    assert_int_equal(aw[0].year, 2023);
    assert_string_equal(aw[0].category, "Album of the Year");
    assert_string_equal(aw[0].result, "nominated");
    free(aw);

    uint32_t lma = find_track(s, "0SftJDguUa1F5SsQwwkLw4");
    assert_int_equal(tr_store_awards(s, TR_SUBJECT_TRACK, lma, &aw, &n, &err), 0);
    assert_int_equal(n, 2);
    /* ordered by category */
    assert_string_equal(aw[0].category, "Best Vocal Performance - Male Solo");
    assert_string_equal(aw[1].category, "Song of the Year");
    assert_int_equal(aw[1].nominee_type, TR_SUBJECT_TRACK);
    free(aw);

    assert_int_equal(tr_store_awards(s, -1, TR_NONE, &aw, &n, &err), 0);
    assert_int_equal(n, 3);
    free(aw);
}

static void test_sales_awards_bundle(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    assert_int_equal(import_path(f->s, BUNDLE, NULL, &rep, &err), 0);
    /* the two files are recognised inside the bundle */
    int seen = 0;
    for (size_t i = 0; i < rep.n_files; i++) {
        if (strcmp(rep.files[i].format, "sales") == 0) {
            seen |= 1;
            assert_int_equal(rep.files[i].rows, 1);
            assert_int_equal(rep.files[i].taken, 1);
        }
        if (strcmp(rep.files[i].format, "awards") == 0) {
            seen |= 2;
            assert_int_equal(rep.files[i].rows, 3);
        }
    }
    assert_int_equal(seen, 3);
    tr_import_report_release(&rep);
    check_layover(f->s);

    /* re-importing replaces by key: still one sale and three nominations */
    assert_int_equal(import_path(f->s, BUNDLE, NULL, NULL, &err), 0);
    check_layover(f->s);
}

static void test_refused(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    assert_int_equal(import_path(f->s, BUNDLE, NULL, NULL, &err), 0);
    static const char SH[] = "release,source,period_start,period_end,timezone,copies,note\n";
    static const char AH[] = "ceremony,year,category,nominee_kind,nominee,result\n";
    char text[512];

    snprintf(text, sizeof text, "%slayover,circle,2023-09-08,2023-09-14,Asia/Seoul,1000,\n"
                                "nosuch,hanteo,2023-09-08,,Asia/Seoul,5,\n", SH);
    expect_refused(f, "sales.csv", text, TR_EUNKNOWN, "sales.csv:3: release: unknown release 'nosuch'");
    snprintf(text, sizeof text, "%slayover,hanteo,2023-09-08,2023-09-14,Asia/Seoul,1.67M,\n", SH);
    expect_refused(f, "sales.csv", text, TR_EFORMAT, "sales.csv:2: copies");
    snprintf(text, sizeof text, "%slayover,hanteo,2023-09-08,2023-09-01,Asia/Seoul,5,\n", SH);
    expect_refused(f, "sales.csv", text, TR_EFORMAT, "sales.csv:2: period_end: '2023-09-01' is before");
    snprintf(text, sizeof text, "%sMAMA,2023,Song,song,0SftJDguUa1F5SsQwwkLw4,won\n", AH);
    expect_refused(f, "awards.csv", text, TR_EFORMAT, "awards.csv:2: nominee_kind: expected track, release or artist, found 'song'");
    snprintf(text, sizeof text, "%sMAMA,2023,Song,track,nosuch,won\n", AH);
    expect_refused(f, "awards.csv", text, TR_EUNKNOWN, "awards.csv:2: nominee: unknown track 'nosuch'");
    snprintf(text, sizeof text, "%sMAMA,twenty,Song,track,0SftJDguUa1F5SsQwwkLw4,won\n", AH);
    expect_refused(f, "awards.csv", text, TR_EFORMAT, "awards.csv:2: year");

    /* the refused imports left nothing behind: the circle row of the first
     * refused file was rolled back with the rest */
    check_layover(f->s);
    struct tr_sale *sales;
    size_t n;
    assert_int_equal(tr_store_sales(f->s, TR_NONE, &sales, &n, &err), 0);
    assert_int_equal(n, 1);
    free(sales);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sales_awards_bundle, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_refused, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
