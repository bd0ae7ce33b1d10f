/*
 * test_milestones.c: the milestone rules, through the public API on small
 * hand-made bundles (docs/milestones.md states the rules checked here).
 */
#include "store_fixture.h"

static struct fixture *F;      /* the running test's, from setup */

/* A catalog: artist a; release R (album, 2024-01-10) with tracks t1, t2
 * and t2p (a piano version of t2); single P (2024-01-01) with p1, the
 * pre-release id of t1 (same_as t1). */
static const char artists[] = "id,name,country,kind,gender,genres,member_of\n"
                              "a,Act,KR,solo,male,k-pop,\n";
static const char releases[] = "id,title,artists,type,date\n"
                               "P,Pre,a,single,2024-01-01\n"
                               "R,Album,a,album,2024-01-10\n";
static const char tracks[] = "id,title,artists,released,same_as,version_of\n"
                             "p1,One,a,2024-01-01,t1,\n"
                             "t1,One,a,2024-01-01,,\n"
                             "t2,Two,a,2024-01-10,,\n"
                             "t2p,Two (Piano),a,2024-01-10,,t2\n";
static const char tracklist[] = "release,position,track\n"
                                "P,1,p1\n"
                                "R,1,t1\nR,2,t2\nR,3,t2p\n";

/* A store, and the catalog's files beside it. */
static int setup(void **state)
{
    if (store_setup(state))
        return -1;
    F = *state;
    fixture_write(F, "artists.csv", artists);
    fixture_write(F, "releases.csv", releases);
    fixture_write(F, "tracks.csv", tracks);
    fixture_write(F, "tracklist.csv", tracklist);
    return 0;
}

/* Imports the catalog and the given streams under ladder. */
static void load(const char *streams, const char *ladder)
{
    fixture_write(F, "streams.csv", streams);
    struct tr_import_options o = {.date = TR_DAY_NONE, .ladder = ladder};
    struct tr_error err = {0};
    int rc = import_path(F->s, F->dir, &o, NULL, &err);
    if (rc)
        fail_msg("import: %s", err.msg);
}

/* The stored event of (kind, subject id, threshold), or fails. */
static struct tr_milestone find(enum tr_milestone_kind kind, const char *id, uint64_t threshold,
                                bool *found)
{
    const struct tr_catalog *c;
    struct tr_error err = {0};
    assert_int_equal(tr_store_catalog(F->s, &c, &err), 0);
    struct tr_milestone *ev, out = {0};
    size_t n;
    assert_int_equal(tr_store_milestones(F->s, &(struct tr_milestone_filter)TR_MILESTONE_FILTER_ALL,
                                         &ev, &n, &err), 0);
    *found = false;
    for (size_t i = 0; i < n; i++) {
        const char *sid = ev[i].subject_type == TR_SUBJECT_TRACK ? c->tracks[ev[i].subject].id
                        : ev[i].subject_type == TR_SUBJECT_RELEASE ? c->releases[ev[i].subject].id
                        : c->artists[ev[i].subject].id;
        if (ev[i].kind == kind && ev[i].threshold == threshold && strcmp(sid, id) == 0) {
            out = ev[i];
            *found = true;
        }
    }
    free(ev);
    return out;
}

/* The stored event of (kind, subject id, threshold); fails the test when
 * there is none. */
static struct tr_milestone must_find(enum tr_milestone_kind kind, const char *id, uint64_t threshold)
{
    bool found;
    struct tr_milestone m = find(kind, id, threshold, &found);
    if (!found)
        fail_msg("no milestone of kind %d for '%s' at %llu", (int)kind, id,
                 (unsigned long long)threshold);
    return m;
}

static tr_day D(const char *s)
{
    tr_day d;
    assert_int_equal(tr_day_parse(s, strlen(s), &d), 0);
    return d;
}

static void test_ladder(void **state)
{
    (void)state;
    struct tr_ladder *l;
    struct tr_error err = {0};
    assert_int_equal(tr_ladder_parse(TR_LADDER_TRACK_DEFAULT, &l, &err), 0);
    assert_int_equal(tr_ladder_next(l, 0), 1000000);
    assert_int_equal(tr_ladder_next(l, 1000000), 5000000);
    assert_int_equal(tr_ladder_next(l, 5000000), 10000000);
    assert_int_equal(tr_ladder_next(l, 99999999), 100000000);
    assert_int_equal(tr_ladder_next(l, 100000000), 150000000);
    assert_int_equal(tr_ladder_next(l, 1000000000), 1100000000);
    assert_int_equal(tr_ladder_next(l, 7000000000), 7100000000);
    tr_ladder_free(l);
    assert_int_equal(tr_ladder_parse("80M,1.6B", &l, &err), 0);
    assert_int_equal(tr_ladder_next(l, 80000000), 1600000000);
    assert_int_equal(tr_ladder_next(l, 1600000000), 0);   /* no threshold above */
    tr_ladder_free(l);
    const char *bad[] = {"", "10M..", "x", "10M..5M/1M", "0", "10M../0", "1.2345678901B"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct tr_error e = {0};
        assert_int_equal(tr_ladder_parse(bad[i], &l, &e), TR_EUSAGE);
        assert_non_null(strstr(e.msg, "ladder"));
    }
    char buf[32];
    assert_string_equal(tr_count_format(1600000000, buf, sizeof buf), "1.6B");
    assert_string_equal(tr_count_format(260000000, buf, sizeof buf), "260M");
    assert_string_equal(tr_count_format(1000000000, buf, sizeof buf), "1B");
    assert_string_equal(tr_count_format(1234, buf, sizeof buf), "1234");
    assert_string_equal(tr_count_format(1500, buf, sizeof buf), "1.5K");
    uint64_t v;
    assert_int_equal(tr_count_parse("1.6B", 4, &v), 0);
    assert_int_equal(v, 1600000000);
    assert_int_equal(tr_count_parse("18446744073709551616", 20, &v), -1);
}

/* The ladders per kind: the defaults' steps grow with the total, a named
 * kind takes its own, the unnamed items are for every kind not named, and
 * the canonical text names them all. */
static void test_ladders(void **state)
{
    (void)state;
    struct tr_ladders *ls;
    struct tr_error err = {0};
    assert_int_equal(tr_ladders_parse(TR_LADDERS_DEFAULT, &ls, &err), 0);
    /* an artist at 100B passes the next billion, a release at 5B the next 500M */
    assert_int_equal(tr_ladders_next(ls, TR_MS_ARTIST_TOTAL, 109680000000), 110000000000);
    assert_int_equal(tr_ladders_next(ls, TR_MS_ARTIST_TOTAL, 9999999999), 10000000000);
    assert_int_equal(tr_ladders_next(ls, TR_MS_ARTIST_TOTAL, 10000000000), 11000000000);
    assert_int_equal(tr_ladders_next(ls, TR_MS_ARTIST_TOTAL, 0), 100000000);
    assert_int_equal(tr_ladders_next(ls, TR_MS_RELEASE_TOTAL, 5000000000), 5500000000);
    assert_int_equal(tr_ladders_next(ls, TR_MS_RELEASE_TOTAL, 150000000), 200000000);
    assert_int_equal(tr_ladders_next(ls, TR_MS_TRACK_TOTAL, 70000000), 80000000);
    assert_int_equal(tr_ladders_next(ls, TR_MS_EVERY_TRACK, 60000000), 70000000);
    assert_int_equal(tr_ladders_next(ls, TR_MS_TRACK_TOTAL, 12000000000), 13000000000);
    assert_int_equal(tr_ladders_next(ls, TR_MS_CHART_PEAK, 5), 0);
    assert_null(tr_ladders_of(ls, TR_MS_CHART_DEBUT));
    assert_string_equal(tr_ladders_text(ls), TR_LADDERS_DEFAULT);
    tr_ladders_free(ls);

    assert_int_equal(tr_ladders_parse("10M../10M", &ls, &err), 0);
    assert_string_equal(tr_ladders_text(ls), "track=10M../10M,every_track=10M../10M,"
                                             "release=10M../10M,artist=10M../10M");
    assert_ptr_equal(tr_ladders_series(ls), tr_ladders_of(ls, TR_MS_TRACK_TOTAL));
    tr_ladders_free(ls);

    assert_int_equal(tr_ladders_parse("artist=10B../1B", &ls, &err), 0);
    assert_int_equal(tr_ladders_next(ls, TR_MS_ARTIST_TOTAL, 0), 10000000000);
    assert_string_equal(tr_ladder_text(tr_ladders_of(ls, TR_MS_TRACK_TOTAL)), TR_LADDER_TRACK_DEFAULT);
    tr_ladders_free(ls);

    /* unnamed items for the kinds not named; a name's items run to the next name */
    assert_int_equal(tr_ladders_parse("1M../1M,every_track_total=60M,80M,artist_total=1B", &ls, &err),
                     TR_EUSAGE);   /* every_track has no _total form */
    assert_int_equal(tr_ladders_parse("1M../1M,every_track=60M,80M,artist_total=1B", &ls, &err), 0);
    assert_string_equal(tr_ladders_text(ls), "track=1M../1M,every_track=60M,80M,release=1M../1M,artist=1B");
    const struct tr_ladder *series = tr_ladders_series(ls);
    assert_int_equal(tr_ladder_next(series, 59999999), 60000000);   /* both ladders' thresholds */
    assert_true(tr_ladder_has(series, 3000000) && tr_ladder_has(series, 80000000));
    assert_false(tr_ladder_has(tr_ladders_of(ls, TR_MS_EVERY_TRACK), 3000000));
    tr_ladders_free(ls);

    const char *bad[] = {"", "x=1M", "artist=", "artist=1B,artist=2B", "10M,,20M", "artist=0"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct tr_error e = {0};
        assert_int_equal(tr_ladders_parse(bad[i], &ls, &e), TR_EUSAGE);
        assert_non_null(strstr(e.msg, "ladder"));
    }
}

/* A pre-released recording: data under the single's id lands in the album
 * track's series; the track counts its days from the album (the earliest
 * release listing its own id), the release from its date. */
static void test_same_as_and_pre_release(void **state)
{
    (void)state;
    load("date,track,streams\n"
         "2024-01-01,p1,4000000\n"
         "2024-01-02,p1,6000000\n"
         "2024-01-10,t1,12000000\n"
         "2024-01-10,t2,1000000\n"
         "2024-01-10,t2p,500000\n"
         "2024-01-11,t1,13000000\n"
         "2024-01-11,t2,11000000\n"
         "2024-01-11,t2p,10500000\n",
         "5M,10M");
    struct tr_milestone m = must_find(TR_MS_TRACK_TOTAL, "t1", 5000000);
    assert_int_equal(m.date, D("2024-01-02"));
    assert_int_equal(m.day, D("2024-01-02") - D("2024-01-10"));  /* day -8 of the album */
    m = must_find(TR_MS_TRACK_TOTAL, "t1", 10000000);
    /* crossed between the 2nd and the 10th: the feed has no days between */
    assert_int_equal(m.date, D("2024-01-10"));
    assert_int_equal(m.after, D("2024-01-02"));
    bool f;
    find(TR_MS_TRACK_TOTAL, "p1", 5000000, &f);
    assert_false(f);                     /* one recording, one subject */

    /* every track of R, the piano version included: the slowest is t2p */
    m = must_find(TR_MS_EVERY_TRACK, "R", 10000000);
    assert_int_equal(m.date, D("2024-01-11"));
    assert_int_equal(m.day, 1);
    const struct tr_catalog *c;
    struct tr_error err = {0};
    assert_int_equal(tr_store_catalog(F->s, &c, &err), 0);
    assert_string_equal(c->tracks[m.slowest].id, "t2p");

    /* both ids read the same history */
    struct tr_point *h1, *h2;
    size_t n1, n2;
    assert_int_equal(tr_store_history(F->s, tr_catalog_track(c, "p1"), &h1, &n1, &err), 0);
    assert_int_equal(tr_store_history(F->s, tr_catalog_track(c, "t1"), &h2, &n2, &err), 0);
    assert_int_equal(n1, 4);
    assert_int_equal(n2, 4);
    for (size_t i = 0; i < n1; i++) {
        assert_int_equal(h1[i].day, h2[i].day);
        assert_int_equal(h1[i].value, h2[i].value);
    }
    assert_int_equal(h2[1].value, 6000000);
    free(h1);
    free(h2);
}

/* Baselines: a subject first seen already past a threshold after its
 * start day stood there when the data began; seen on its start day, it
 * crossed it that day.  An every-track level is a baseline only when its
 * slowest track's is. */
static void test_baselines(void **state)
{
    (void)state;
    load("date,track,streams\n"
         "2024-01-01,p1,6000000\n"           /* the single's day: exact */
         "2024-01-15,t1,12000000\n"          /* a gap, not a first sight */
         "2024-01-15,t2,12000000\n"          /* out on the 10th, first seen past 10M */
         "2024-01-15,t2p,4000000\n"
         "2024-01-16,t1,12500000\n"
         "2024-01-16,t2,12500000\n"
         "2024-01-16,t2p,6000000\n"
         "2024-01-17,t1,13000000\n"
         "2024-01-17,t2,13000000\n"
         "2024-01-17,t2p,11000000\n",
         "5M,10M");
    struct tr_milestone m = must_find(TR_MS_TRACK_TOTAL, "t1", 5000000);
    assert_false(m.baseline);
    m = must_find(TR_MS_TRACK_TOTAL, "t1", 10000000);
    assert_false(m.baseline);
    assert_int_equal(m.after, D("2024-01-01"));
    m = must_find(TR_MS_TRACK_TOTAL, "t2", 5000000);
    assert_true(m.baseline);
    assert_int_equal(m.date, D("2024-01-15"));
    assert_int_equal(m.after, D("2024-01-09"));   /* still bounded by its start */
    assert_true(must_find(TR_MS_TRACK_TOTAL, "t2", 10000000).baseline);
    assert_false(must_find(TR_MS_TRACK_TOTAL, "t2p", 5000000).baseline);
    /* every track of R: the slowest (t2p) crossed both while seen */
    m = must_find(TR_MS_EVERY_TRACK, "R", 10000000);
    assert_false(m.baseline);
    assert_int_equal(m.date, D("2024-01-17"));
    /* R's total is first known on the 15th (t1 unseen before), past both */
    assert_true(must_find(TR_MS_RELEASE_TOTAL, "R", 10000000).baseline);
    /* the artist's, first known on its first day: exact */
    assert_false(must_find(TR_MS_ARTIST_TOTAL, "a", 5000000).baseline);
    assert_false(must_find(TR_MS_ARTIST_TOTAL, "a", 10000000).baseline);
}

/* Release totals: known only on days every started member is observed. */
static void test_release_total_needs_all_members(void **state)
{
    (void)state;
    load("date,track,streams\n"
         "2024-01-10,t1,3000000\n"
         "2024-01-10,t2,3000000\n"
         "2024-01-10,t2p,3000000\n"
         "2024-01-11,t1,4000000\n"           /* t2, t2p missing: total unknown */
         "2024-01-12,t1,4100000\n"
         "2024-01-12,t2,3500000\n"
         "2024-01-12,t2p,3500000\n",
         "10M");
    struct tr_milestone m = must_find(TR_MS_RELEASE_TOTAL, "R", 10000000);
    assert_int_equal(m.date, D("2024-01-12"));
    assert_int_equal(m.after, D("2024-01-10"));   /* the last known day below */
    assert_int_equal(m.value, 11100000);
    assert_int_equal(m.day, 2);
}

/* Decreases are kept as corrections and never un-cross a milestone. */
static void test_decrease(void **state)
{
    (void)state;
    load("date,track,streams\n"
         "2024-01-10,t2,9000000\n"
         "2024-01-11,t2,10200000\n"
         "2024-01-12,t2,9900000\n"
         "2024-01-13,t2,10100000\n"
         "2024-01-14,t2,20500000\n",
         "10M..30M/10M");
    struct tr_milestone m = must_find(TR_MS_TRACK_TOTAL, "t2", 10000000);
    assert_int_equal(m.date, D("2024-01-11"));
    assert_int_equal(m.after, TR_DAY_NONE);
    m = must_find(TR_MS_TRACK_TOTAL, "t2", 20000000);
    assert_int_equal(m.date, D("2024-01-14"));
    struct tr_correction *c;
    size_t n;
    struct tr_error err = {0};
    assert_int_equal(tr_store_corrections(F->s, &c, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(c[0].date, D("2024-01-12"));
    assert_int_equal(c[0].previous, 10200000);
    assert_int_equal(c[0].value, 9900000);
    assert_int_equal(c[0].previous_date, D("2024-01-11"));
    free(c);
}

/* A first observation already above a threshold: bounded by the track's
 * start day; exact when observed on release day. */
static void test_first_observation_above(void **state)
{
    (void)state;
    load("date,track,streams\n"
         "2024-01-10,t1,25000000\n"
         "2024-01-20,t2,15000000\n",
         "10M");
    struct tr_milestone m = must_find(TR_MS_TRACK_TOTAL, "t2", 10000000);
    assert_int_equal(m.date, D("2024-01-20"));
    assert_int_equal(m.after, D("2024-01-09"));   /* streams began on 01-10 */
    assert_false(m.open_start);
    /* t1's recording started 2024-01-01 (the single), first seen 01-10 */
    m = must_find(TR_MS_TRACK_TOTAL, "t1", 10000000);
    assert_int_equal(m.after, D("2023-12-31"));
}

/* The history cursor hands out each recording with data once, in series
 * order, with the points tr_store_history reads for its canonical track;
 * inside a caller's snapshot it joins it and leaves it open. */
static void test_history_cursor(void **state)
{
    (void)state;
    load("date,track,streams\n"
         "2024-01-10,t1,12000000\n"
         "2024-01-11,t1,13000000\n"
         "2024-01-11,t2p,500000\n",
         "5M,10M");
    const struct tr_catalog *c;
    struct tr_error err = {0};
    bool changed;
    assert_int_equal(tr_store_begin_read(F->s, &changed, &err), 0);
    assert_int_equal(tr_store_catalog(F->s, &c, &err), 0);   /* after: begin may drop it */
    struct tr_history_cursor *cur;
    assert_int_equal(tr_store_histories_begin(F->s, &cur, &err), 0);
    uint32_t series, seen = 0, last = 0;
    const struct tr_point *p;
    size_t n;
    int rc;
    while (!(rc = tr_store_histories_next(cur, &series, &p, &n, &err)) && n) {
        assert_true(seen == 0 || series > last);
        last = series;
        struct tr_point *h;
        size_t hn;
        assert_int_equal(tr_store_history(F->s, c->series_track[series], &h, &hn, &err), 0);
        assert_int_equal(hn, n);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(h[i].day, p[i].day);
            assert_int_equal(h[i].value, p[i].value);
        }
        free(h);
        seen++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(tr_store_histories_end(cur, rc, &err), 0);
    assert_int_equal(seen, 2);      /* t1 (with p1) and t2p; t2 has no data */
    /* the caller's snapshot is still open: a second begin is refused */
    assert_int_equal(tr_store_begin_read(F->s, &changed, &err), TR_EUSAGE);
    tr_store_end_read(F->s);
    assert_int_equal(tr_store_histories_end(NULL, 0, &err), 0);
}

/* Told to, the cursor gives a series not marked whole only from a day on,
 * with its last two points before it, and counts what it left out; a
 * whole one is given as before. */
static void test_history_cursor_recent(void **state)
{
    (void)state;
    load("date,track,streams\n"
         "2024-01-10,t1,1000\n"
         "2024-01-11,t1,2000\n"
         "2024-01-12,t1,3000\n"
         "2024-01-13,t1,4000\n"
         "2024-01-14,t1,5000\n"
         "2024-01-13,t2p,100\n"
         "2024-01-14,t2p,200\n"
         "2024-01-09,t2,10\n"
         "2024-01-10,t2,40\n"
         "2024-01-12,t2,70\n"
         "2024-01-14,t2,90\n",
         "5M,10M");
    const struct tr_catalog *c;
    struct tr_error err = {0};
    bool changed;
    assert_int_equal(tr_store_begin_read(F->s, &changed, &err), 0);
    assert_int_equal(tr_store_catalog(F->s, &c, &err), 0);
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: t1 in part, t2p whole; pass 1: both in part (t2p has one
         * point before the day: nothing to leave out) */
        uint8_t *whole = calloc(c->n_series, 1);
        assert_non_null(whole);
        for (uint32_t t = 0; t < c->n_tracks; t++)
            if (!strcmp(c->tracks[t].id, "t2p"))
                whole[c->tracks[t].series] = pass == 0;
        struct tr_history_cursor *cur;
        assert_int_equal(tr_store_histories_begin(F->s, &cur, &err), 0);
        tr_store_histories_recent(cur, D("2024-01-14"), whole);
        uint32_t series, seen = 0;
        const struct tr_point *p;
        size_t n, skipped;
        tr_day first;
        int rc;
        while (!(rc = tr_store_histories_next(cur, &series, &p, &n, &err)) && n) {
            tr_store_histories_skipped(cur, &skipped, &first);
            const char *id = c->tracks[c->series_track[series]].id;
            if (!strcmp(id, "t2")) {   /* a day missing between its last two before the day */
                assert_int_equal(skipped, 1);
                assert_int_equal(first, D("2024-01-09"));
                assert_int_equal(n, 3);
                assert_int_equal(p[0].day, D("2024-01-10"));
                assert_int_equal(p[0].value, 40);
                assert_int_equal(p[1].day, D("2024-01-12"));
                assert_int_equal(p[1].value, 70);
                assert_int_equal(p[2].day, D("2024-01-14"));
                assert_int_equal(p[2].value, 90);
            } else if (!strcmp(id, "t2p")) {
                assert_int_equal(skipped, 0);
                assert_int_equal(first, D("2024-01-13"));
                assert_int_equal(n, 2);
                assert_int_equal(p[0].day, D("2024-01-13"));
                assert_int_equal(p[1].value, 200);
            } else {
                assert_int_equal(skipped, 2);   /* 01-10 and 01-11 */
                assert_int_equal(first, D("2024-01-10"));
                assert_int_equal(n, 3);
                assert_int_equal(p[0].day, D("2024-01-12"));
                assert_int_equal(p[0].value, 3000);
                assert_int_equal(p[1].day, D("2024-01-13"));
                assert_int_equal(p[2].day, D("2024-01-14"));
                assert_int_equal(p[2].value, 5000);
            }
            seen++;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(tr_store_histories_end(cur, rc, &err), 0);
        assert_int_equal(seen, 3);
        free(whole);
    }
    tr_store_end_read(F->s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ladder),
        cmocka_unit_test(test_ladders),
        cmocka_unit_test_setup_teardown(test_baselines, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_same_as_and_pre_release, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_history_cursor, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_history_cursor_recent, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_release_total_needs_all_members, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_decrease, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_first_observation_above, setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
