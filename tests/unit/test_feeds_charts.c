/*
 * test_feeds_charts.c: Spotify Charts CSVs (formats/charts.c) and chart runs
 * (charts.c), through the public API on a temporary store.
 *
 * tests/data/feeds/charts_us/ holds five real US weekly charts (old
 * format with the saved set's extra columns, gzipped as they were), weeks
 * 2020-08-14 to 2020-09-11.  The expected figures were read off the files
 * independently of the code, with
 *     cd tests/data/feeds/charts_us; for f in *.gz; do
 *         zcat $f | awk -F, -v f=$f '/Dynamite/ && /BTS/ {print f, $2, $5, $6}'; done
 * (and the same with `$2==1` for #1, and a grep of the track id for One
 * Beer):
 *   - BTS "Dynamite" 0v1x6rN6JHRapa03JElljE: #4 in week 2020-08-21 only
 *     (8,547,583 streams); the id then changes to 0t1kP63rueHleOhQkYSXFY:
 *     #9 (2020-08-28), #12, #12: 3 weeks, 6,086,706 + 5,194,330 +
 *     4,999,112 = 16,280,148 streams.
 *   - "WAP" 4Oun2ylbjFKMPTiaSbbCih, Cardi B: #1 all five weeks,
 *     19,663,515 + 18,436,479 + 17,139,159 + 15,398,897 + 13,483,532 =
 *     84,121,582 streams.
 *   - "One Beer" 5FmvaZGd6fulojSToozLRD: #190 (2020-08-14), off two weeks,
 *     back at #167 (2020-09-04) and #197: one re-entry, peak 167.
 */
#include "store_fixture.h"

#define CHARTS "tests/data/feeds/charts_us"

/* The single run of a track (asserting there is exactly one). */
static struct tr_chart_run run_of(struct tr_store *s, const char *id)
{
    struct tr_error err = {0};
    struct tr_chart_run *r;
    size_t n;
    assert_int_equal(tr_store_chart_runs(s, find_track(s, id), &r, &n, &err), 0);
    assert_int_equal(n, 1);
    struct tr_chart_run one = r[0];
    free(r);
    return one;
}

static const char *day(tr_day d)
{
    static char buf[TR_DATE_LEN];
    return tr_day_format(d, buf);
}

static void check_us_runs(struct tr_store *s)
{
    /* Dynamite: listed under the single's id in its first week and the
     * album's after, one song (same title and artist on the chart, never
     * in one week): one run from either id, naming both */
    const char *ids[] = {"0v1x6rN6JHRapa03JElljE", "0t1kP63rueHleOhQkYSXFY"};
    struct tr_chart_run r;
    for (int i = 0; i < 2; i++) {
        r = run_of(s, ids[i]);
        assert_string_equal(r.chart, "weekly");
        assert_string_equal(r.country, "us");
        assert_string_equal(day(r.debut_date), "2020-08-21");
        assert_int_equal(r.debut_rank, 4);
        assert_int_equal(r.peak_rank, 4);
        assert_string_equal(day(r.peak_date), "2020-08-21");
        assert_string_equal(day(r.last_date), "2020-09-11");
        assert_int_equal(r.periods_on_chart, 4);
        assert_int_equal(r.periods_at_1, 0);
        assert_int_equal(r.reentries, 0);
        assert_int_equal(r.chart_streams, 8547583 + 16280148);
        assert_int_equal(r.n_ids, 2);
        assert_string_equal(r.ids[0], ids[0]);   /* in the order first listed */
        assert_string_equal(r.ids[1], ids[1]);
    }

    r = run_of(s, "4Oun2ylbjFKMPTiaSbbCih");
    assert_int_equal(r.debut_rank, 1);
    assert_int_equal(r.periods_on_chart, 5);
    assert_int_equal(r.periods_at_1, 5);
    assert_int_equal(r.chart_streams, 84121582);

    r = run_of(s, "5FmvaZGd6fulojSToozLRD");
    assert_string_equal(day(r.debut_date), "2020-08-14");
    assert_int_equal(r.debut_rank, 190);
    assert_int_equal(r.peak_rank, 167);
    assert_string_equal(day(r.peak_date), "2020-09-04");
    assert_int_equal(r.periods_on_chart, 3);
    assert_int_equal(r.reentries, 1);
}

static void test_us_weekly_old_format(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    assert_int_equal(import_path(f->s, CHARTS, NULL, &rep, &err), 0);
    assert_int_equal(rep.n_files, 5);
    for (size_t i = 0; i < rep.n_files; i++) {
        assert_string_equal(rep.files[i].format, "charts");
        assert_int_equal(rep.files[i].rows, 200);
        assert_non_null(strstr(rep.files[i].note, "weekly chart, us"));
    }
    tr_import_report_release(&rep);
    check_us_runs(f->s);

    /* tracks and artists off the catalog were added from the chart */
    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    const struct tr_track *t = &c->tracks[find_track(f->s, "0t1kP63rueHleOhQkYSXFY")];
    assert_string_equal(t->title, "Dynamite");
    assert_int_equal(t->n_artists, 1);
    assert_string_equal(c->artists[t->artists[0]].id, "bts");
    assert_string_equal(c->artists[t->artists[0]].name, "BTS");
    uint32_t cardi = find_id(f->s, TR_SUBJECT_ARTIST, "cardi-b");
    assert_string_equal(c->artists[cardi].country, "");

    /* a re-import replaces each period: the runs are unchanged */
    assert_int_equal(import_path(f->s, CHARTS, NULL, NULL, &err), 0);
    check_us_runs(f->s);
}

static const char NEW_DAILY[] =
    "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n"
    "1,spotify:track:0v1x6rN6JHRapa03JElljE,BTS,Dynamite,BIGHIT,1,-1,1,7778950\n"
    "2,spotify:track:4Oun2ylbjFKMPTiaSbbCih,\"Cardi B, Megan Thee Stallion\",WAP,Atlantic,1,1,14,5000000\n";

static const char NEW_DAILY_2[] =
    "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n"
    "1,spotify:track:0v1x6rN6JHRapa03JElljE,BTS,Dynamite,BIGHIT,1,1,2,6000000\n";

static const char OLD_NOTE[] =
    ",,,\"Note that these figures are generated using a formula that protects against any artificial inflation of streams.\",\n"
    "Position,\"Track Name\",Artist,Streams,URL\n"
    "1,\"Dynamite\",BTS,1000,https://open.spotify.com/track/0v1x6rN6JHRapa03JElljE\n";

static void test_new_format_and_note_line(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    const char *p = fixture_write(f, "regional-global-daily-2020-08-21.csv", NEW_DAILY);
    assert_int_equal(import_path(f->s, p, NULL, NULL, &err), 0);
    p = fixture_write(f, "regional-global-daily-2020-08-22.csv", NEW_DAILY_2);
    assert_int_equal(import_path(f->s, p, NULL, NULL, &err), 0);
    struct tr_chart_run r = run_of(f->s, "0v1x6rN6JHRapa03JElljE");
    assert_string_equal(r.chart, "daily");
    assert_string_equal(r.country, "global");
    assert_int_equal(r.periods_on_chart, 2);
    assert_int_equal(r.periods_at_1, 2);
    assert_int_equal(r.chart_streams, 7778950 + 6000000);
    /* both artists of the new format's list */
    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    assert_int_equal(c->tracks[find_track(f->s, "4Oun2ylbjFKMPTiaSbbCih")].n_artists, 2);

    /* the old format under its note line; chart, country and date given
     * as options since the name says nothing */
    struct tr_import_options o = {.date = TR_DAY_NONE, .chart = "weekly", .country = "JP"};
    assert_int_equal(tr_day_parse("2020-08-21", 10, &o.date), 0);
    p = fixture_write(f, "chart.csv", OLD_NOTE);
    assert_int_equal(import_path(f->s, p, &o, NULL, &err), 0);
    struct tr_chart_run *runs;
    size_t n;
    assert_int_equal(tr_store_chart_runs(f->s, find_track(f->s, "0v1x6rN6JHRapa03JElljE"), &runs, &n, &err), 0);
    assert_int_equal(n, 2);     /* daily/global, then weekly/jp */
    assert_string_equal(runs[1].chart, "weekly");
    assert_string_equal(runs[1].country, "jp");
    assert_int_equal(runs[1].chart_streams, 1000);
    free(runs);
}

static void test_refused(void **state)
{
    struct fixture *f = *state;
    static const char H[] = "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n";
    char text[1024];
    snprintf(text, sizeof text, "%s1,spotify:album:xyz,BTS,Dynamite,B,1,1,1,5\n", H);
    expect_refused(f, "regional-us-daily-2020-08-21.csv", text, TR_EFORMAT,
                   "regional-us-daily-2020-08-21.csv:2: uri: not a Spotify track link: 'spotify:album:xyz'");
    snprintf(text, sizeof text, "%s1,spotify:track:0v1x6rN6JHRapa03JElljE,BTS,Dynamite,B,1,1,1,5\n"
                                "1,spotify:track:4Oun2ylbjFKMPTiaSbbCih,BTS,WAP,B,1,1,1,5\n", H);
    expect_refused(f, "regional-us-daily-2020-08-21.csv", text, TR_EFORMAT,
                   "regional-us-daily-2020-08-21.csv:3: rank: position 1 given twice (also line 2)");
    snprintf(text, sizeof text, "%s1,spotify:track:0v1x6rN6JHRapa03JElljE,BTS,Dynamite,B,1,1,1,5.5\n", H);
    expect_refused(f, "regional-us-daily-2020-08-21.csv", text, TR_EFORMAT,
                   "regional-us-daily-2020-08-21.csv:2: streams");
    snprintf(text, sizeof text, "%s1,spotify:track:0v1x6rN6JHRapa03JElljE,BTS,Dynamite,B,1,1,1,5\n", H);
    expect_refused(f, "chart-2020-08-21.csv", text, TR_EFORMAT, "country");
    expect_refused(f, "regional-us-daily.csv", text, TR_EFORMAT, "no chart date");
    /* nothing of the refused files was kept */
    const struct tr_catalog *c;
    struct tr_error err = {0};
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    assert_int_equal(tr_catalog_track(c, "0v1x6rN6JHRapa03JElljE"), TR_NONE);
}

/* The chart bot's entries (formats/chart_entries.c): a sample of
 * ../shared/data/jimin_spotify_charts/jimin_spotify_chart_entries.csv with
 * its 84 Global rows and 3 artist-chart rows.  Figures from a Python script
 * over the sample: "Who" on the Global daily chart 72 days from
 * 2026-05-24 (#109) to 2026-08-21, peak #103 on 2026-06-07, 6 returns after
 * days off, 93,353,907 streams; weekly 12 weeks from 2026-05-21 (#151),
 * peak #121 on 2026-06-11, 1 return, 109,314,110 streams.  The file has
 * no track ids: "Who" is matched by title and artist to the first of the
 * catalog's four "Who" tracks by Jimin, the MUSE album's
 * 7tI8dRuH2Yc6RuoTjxo4dU (jimin.csv, copied beside the sample). */
static void test_bot_entries(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    const char *paths[] = {"tests/data/feeds/bts", "tests/data/feeds/jimin_charts"};
    assert_int_equal(tr_import(f->s, paths, 2, NULL, &rep, &err), 0);
    const struct tr_import_file *ce = &rep.files[rep.n_files - 1];
    assert_string_equal(ce->format, "chart-entries");
    assert_int_equal(ce->rows, 87);
    assert_int_equal(ce->refused, 3);
    assert_int_equal(rep.tracks_added, 0);
    tr_import_report_release(&rep);

    struct tr_chart_run *r;
    size_t n;
    assert_int_equal(tr_store_chart_runs(f->s, find_track(f->s, "7tI8dRuH2Yc6RuoTjxo4dU"), &r, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].chart, "daily");
    assert_string_equal(r[0].country, "global");
    assert_string_equal(day(r[0].debut_date), "2026-05-24");
    assert_int_equal(r[0].debut_rank, 109);
    assert_int_equal(r[0].peak_rank, 103);
    assert_string_equal(day(r[0].peak_date), "2026-06-07");
    assert_string_equal(day(r[0].last_date), "2026-08-21");
    assert_int_equal(r[0].periods_on_chart, 72);
    assert_int_equal(r[0].reentries, 6);
    assert_int_equal(r[0].chart_streams, 93353907);
    assert_string_equal(r[1].chart, "weekly");
    assert_int_equal(r[1].periods_on_chart, 12);
    assert_int_equal(r[1].debut_rank, 151);
    assert_int_equal(r[1].peak_rank, 121);
    assert_string_equal(day(r[1].peak_date), "2026-06-11");
    assert_int_equal(r[1].reentries, 1);
    assert_int_equal(r[1].chart_streams, 109314110);
    free(r);
}

/* Ids of one song: the same title and artist on one chart, never in one
 * period; two ids listed the same day stay two songs, a third joins one of
 * them; another title, or the title on another chart only, is its own. */
static void test_one_song_several_ids(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    static const char H[] = "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n";
    static const struct { const char *file, *rows; } days[] = {
        {"regional-us-daily-2020-09-01.csv", "1,spotify:track:AAAAAAAAAAAAAAAAAAAAAA,X,Intro,L,1,1,1,500\n"
                                             "2,spotify:track:BBBBBBBBBBBBBBBBBBBBBB,X,Intro,L,2,2,1,400\n"},
        {"regional-us-daily-2020-09-02.csv", "1,spotify:track:CCCCCCCCCCCCCCCCCCCCCC,X,Intro,L,1,1,2,300\n"
                                             "2,spotify:track:EEEEEEEEEEEEEEEEEEEEEE,X,Intro (2014),L,2,2,1,200\n"},
        {"regional-us-daily-2020-09-03.csv", "1,spotify:track:DDDDDDDDDDDDDDDDDDDDDD,X,INTRO ,L,1,1,3,100\n"},
        {"regional-jp-daily-2020-09-05.csv", "1,spotify:track:FFFFFFFFFFFFFFFFFFFFFF,X,Intro,L,1,1,1,50\n"},
    };
    char text[1024];
    for (size_t i = 0; i < sizeof days / sizeof *days; i++) {
        snprintf(text, sizeof text, "%s%s", H, days[i].rows);
        assert_int_equal(import_path(f->s, fixture_write(f, days[i].file, text), NULL, NULL, &err), 0);
    }
    const char *song[] = {"AAAAAAAAAAAAAAAAAAAAAA", "CCCCCCCCCCCCCCCCCCCCCC", "DDDDDDDDDDDDDDDDDDDDDD"};
    for (int i = 0; i < 3; i++) {
        struct tr_chart_run r = run_of(f->s, song[i]);
        assert_int_equal(r.periods_on_chart, 3);
        assert_int_equal(r.chart_streams, 500 + 300 + 100);
        assert_int_equal(r.n_ids, 3);
        assert_string_equal(r.ids[0], song[0]);
        assert_string_equal(r.ids[2], song[2]);
    }
    const char *alone[] = {"BBBBBBBBBBBBBBBBBBBBBB", "EEEEEEEEEEEEEEEEEEEEEE", "FFFFFFFFFFFFFFFFFFFFFF"};
    for (int i = 0; i < 3; i++) {
        struct tr_chart_run r = run_of(f->s, alone[i]);
        assert_int_equal(r.periods_on_chart, 1);
        assert_int_equal(r.n_ids, 1);
        assert_string_equal(r.ids[0], alone[i]);
    }
    /* chart milestones are the song's, under the id it was first listed as */
    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    struct tr_milestone *ev;
    size_t n;
    struct tr_milestone_filter all = TR_MILESTONE_FILTER_ALL;
    all.kind = TR_MS_CHART_PEAK;
    assert_int_equal(tr_store_milestones(f->s, &all, &ev, &n, &err), 0);
    size_t peaks_us = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = c->tracks[ev[i].subject].id;
        assert_true(strcmp(id, song[1]) != 0 && strcmp(id, song[2]) != 0);
        peaks_us += strcmp(id, song[0]) == 0;
    }
    assert_int_equal(peaks_us, 2);   /* #1 and the top 10, once each */
    free(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_us_weekly_old_format, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_new_format_and_note_line, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_refused, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_bot_entries, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_one_song_several_ids, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
