/*
 * test_forecast_panel.c: the backtest's and the calibration's panel
 * (forecast/panel.c): a sample of groups, and besides it a sample of
 * artists followed through all their recordings wherever they lie.
 *
 * A catalog of 2,600 tracks (three groups of series) on releases of 1 to
 * 5 tracks by 300 artists, so that each artist's releases lie in more
 * than one group, and every fifth track features a second artist; 30
 * days of counts, some missing.  A panel of one group and 60 artists:
 * the group's recordings come first and are the only ones scored as
 * tracks; the totals whose recordings all lie in the group come first;
 * then every sampled artist, with all its recordings and their counts as
 * imported; no release is followed through the artists' recordings.
 *
 * The calibration (forecast/calibrate.c) on a store of five groups, where
 * every artist has a recording in the fifth, which its four groups leave
 * out: the artist totals' errors are those of the sampled artists (with
 * the groups alone it would have none).
 */
#include "forecast/calibrate.h"
#include "store_fixture.h"
#include "forecast/panel.h"
#include "milestones/engine.h"
#include "store/internal.h"

#define TRACKS 2600
#define ARTISTS 300
#define DAYS 30
#define SAMPLED 60
/* the calibration's store: five groups of series, the last one partly full */
#define CAL_TRACKS (4 * TR_GROUP_SLOTS + 104)
#define CAL_ARTISTS 30
#define CAL_DAYS 42

/* Track k's count on day d: 0 when not reported that day. */
static uint64_t count_on(int k, int d)
{
    if ((k + d) % 13 == 0)
        return 0;
    return (uint64_t)(k % 97 + 1) * 40000 * (uint64_t)(d + 1) + (uint64_t)k;
}

/* Releases of 1 to 5 tracks, release r by artist r % artists, every
 * fifth track featuring a second artist; days of counts from 2024-01-01. */
static void write_store_files(const struct fixture *f, int tracks, int artists, int days)
{
    char *a = fixture_buffer(1 << 16), *r = fixture_buffer(1 << 20), *t = fixture_buffer(1 << 20), *l = fixture_buffer(1 << 20),
         *s = fixture_buffer((size_t)tracks * days * 32 + 64);
    size_t na = 0, nr = 0, nt = 0, nl = 0, ns = 0;
    na += (size_t)sprintf(a + na, "id,name,country,kind,gender,genres,member_of\n");
    for (int i = 0; i < artists; i++)
        na += (size_t)sprintf(a + na, "a%d,Artist %d,US,solo,male,pop,\n", i, i);
    nr += (size_t)sprintf(r + nr, "id,title,artists,type,date\n");
    nt += (size_t)sprintf(t + nt, "id,title,artists,released,same_as,version_of\n");
    nl += (size_t)sprintf(l + nl, "release,position,track\n");
    int track = 0;
    for (int rel = 0; track < tracks; rel++) {
        int size = 1 + rel % 5, artist = rel % artists;
        nr += (size_t)sprintf(r + nr, "r%d,Release %d,a%d,%s,2024-01-01\n", rel, rel, artist,
                              size == 1 ? "single" : "album");
        for (int k = 0; k < size && track < tracks; k++, track++) {
            if (track % 5 == 0)
                nt += (size_t)sprintf(t + nt, "t%d,Song %d,a%d;a%d,2024-01-01,,\n", track, track, artist,
                                      (artist + 7) % artists);
            else
                nt += (size_t)sprintf(t + nt, "t%d,Song %d,a%d,2024-01-01,,\n", track, track, artist);
            nl += (size_t)sprintf(l + nl, "r%d,%d,t%d\n", rel, k + 1, track);
        }
    }
    ns += (size_t)sprintf(s + ns, "date,track,streams\n");
    for (int d = 0; d < days; d++) {
        char date[TR_DATE_LEN];
        tr_day_format((tr_day)(19723 + d), date);
        for (int k = 0; k < tracks; k++)
            if (count_on(k, d))
                ns += (size_t)sprintf(s + ns, "%s,t%d,%llu\n", date, k, (unsigned long long)count_on(k, d));
    }
    fixture_write(f, "artists.csv", a);
    fixture_write(f, "releases.csv", r);
    fixture_write(f, "tracks.csv", t);
    fixture_write(f, "tracklist.csv", l);
    fixture_write(f, "streams.csv", s);
    free(a);
    free(r);
    free(t);
    free(l);
    free(s);
}

/* The track number k of series s (its canonical track's id "t<k>"). */
static int track_of(const struct tr_catalog *c, uint32_t s)
{
    return atoi(c->tracks[c->series_track[s]].id + 1);
}

/* Track k's count on day d as the store carries it: the last reported. */
static uint64_t carried(int k, int d)
{
    for (; d >= 0; d--)
        if (count_on(k, d))
            return count_on(k, d);
    return 0;
}

/* Writes and imports a store of n_tracks tracks of n_artists artists over
 * n_days days, and opens a read of it (*txn) with its catalog. */
static const struct tr_catalog *import_and_read(struct fixture *f, int n_tracks, int n_artists,
                                                int n_days, struct tr_read_txn *txn)
{
    struct tr_error err = {0};
    write_store_files(f, n_tracks, n_artists, n_days);
    struct tr_import_options o = {.date = TR_DAY_NONE};
    const char *paths[] = {f->dir};
    assert_int_equal(tr_import(f->s, paths, 1, &o, NULL, &err), 0);
    assert_int_equal(tr_store_read_begin(f->s, txn, &err), 0);
    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    assert_int_equal(c->n_series, (uint32_t)n_tracks);
    return c;
}

static void test_panel_follows_sampled_artists(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_read_txn txn;
    const struct tr_catalog *c = import_and_read(f, TRACKS, ARTISTS, DAYS, &txn);
    struct tr_engine_prep *prep;
    assert_int_equal(tr_engine_prepare(c, &prep), 0);
    struct tr_engine_prep_view pv;
    tr_engine_prep_view(prep, &pv);
    tr_day first, last;
    assert_int_equal(fc_store_days(f->s->be, 3, &first, &last, &err), 0);
    assert_int_equal(last - first, DAYS - 1);

    struct fc_panel p;
    assert_int_equal(fc_panel_load(f->s->be, c, &pv, first, last, 1, 0, &p, &err), 0);
    assert_int_equal(p.n_group_series, TR_GROUP_SLOTS);
    assert_int_equal(p.n_series, p.n_group_series);
    assert_int_equal(p.n_totals, p.n_group_totals);
    uint32_t group_totals = p.n_group_totals;
    fc_panel_release(&p);

    assert_int_equal(fc_panel_load(f->s->be, c, &pv, first, last, 1, SAMPLED, &p, &err), 0);
    /* the group's recordings first, then the sampled artists' others */
    assert_int_equal(p.n_group_series, TR_GROUP_SLOTS);
    assert_true(p.n_series > p.n_group_series);
    for (uint32_t i = 0; i < p.n_series; i++)
        assert_true(i < p.n_group_series ? p.series[i] < TR_GROUP_SLOTS : p.series[i] >= TR_GROUP_SLOTS);
    /* their counts, day by day, as imported, and the days they were reported */
    for (uint32_t i = p.n_group_series; i < p.n_series; i++) {
        const uint8_t *reported = p.x.p + (size_t)p.series_row[p.series[i]] * (size_t)p.x.n_days;
        for (int d = 0; d < DAYS; d++) {
            int k = track_of(c, p.series[i]);
            assert_int_equal(fc_panel_value(&p, p.series[i], first + d), carried(k, d));
            assert_int_equal(reported[d], count_on(k, d) != 0);
        }
    }
    /* the group's totals as before, then artists alone */
    assert_int_equal(p.n_group_totals, group_totals);
    uint8_t *sampled = calloc(ARTISTS, 1);
    assert_non_null(sampled);
    for (uint32_t i = 0; i < p.n_totals; i++) {
        uint32_t t = p.totals[i];
        for (uint32_t k = p.tot_off[i]; k < p.tot_off[i + 1]; k++)
            assert_true(i < p.n_group_totals ? p.tot_series[k] < TR_GROUP_SLOTS
                                             : p.series_group[p.tot_series[k]] >= 0 ||
                                                   p.series_row[p.tot_series[k]] >= 0);
        if (i >= p.n_group_totals) {
            assert_true(t >= c->n_releases);
            sampled[t - c->n_releases] = 1;
        }
        /* every recording the total counts, none it does not */
        uint32_t members = 0;
        for (uint32_t s = 0; s < c->n_series; s++)
            for (uint32_t k = pv.inc_off[s]; k < pv.inc_off[s + 1]; k++)
                members += pv.inc[k] == t;
        assert_int_equal(p.tot_off[i + 1] - p.tot_off[i], members);
        uint64_t sum = 0;
        for (uint32_t k = p.tot_off[i]; k < p.tot_off[i + 1]; k++)
            sum += carried(track_of(c, p.tot_series[k]), DAYS - 1);
        assert_int_equal(fc_panel_total_value(&p, i, last), sum);
    }
    /* the even sample of artists, each followed (those outside the group
     * after the group's totals) */
    for (uint32_t i = 0; i < SAMPLED; i++) {
        uint32_t a = i * ARTISTS / SAMPLED;
        assert_true(p.tot_pos[c->n_releases + a] >= 0);
    }
    uint32_t added = 0;
    for (uint32_t a = 0; a < ARTISTS; a++)
        added += sampled[a];
    assert_true(added >= SAMPLED / 2);
    free(sampled);
    fc_panel_release(&p);
    tr_engine_prep_free(prep);
    assert_int_equal(tr_store_read_end(&txn, 0, &err), 0);
}

static void test_calibration_follows_sampled_artists(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_read_txn txn;
    const struct tr_catalog *c = import_and_read(f, CAL_TRACKS, CAL_ARTISTS, CAL_DAYS, &txn);
    const struct tr_ladders *ladder;
    assert_int_equal(tr_store_ladders(f->s, &ladder, &err), 0);
    struct tr_engine_prep *prep;
    assert_int_equal(tr_engine_prepare(c, &prep), 0);
    struct tr_engine_prep_view pv;
    tr_engine_prep_view(prep, &pv);
    tr_day first, last;
    assert_int_equal(fc_store_days(f->s->be, FC_CAL_GROUPS + 1, &first, &last, &err), 0);

    /* the fixture: no artist has all its recordings in the calibration's groups */
    struct fc_panel p;
    assert_int_equal(fc_panel_load(f->s->be, c, &pv, first, last, FC_CAL_GROUPS, 0, &p, &err), 0);
    assert_int_equal(p.n_groups, FC_CAL_GROUPS);
    for (uint32_t i = 0; i < p.n_totals; i++)
        assert_true(p.totals[i] < c->n_releases);
    fc_panel_release(&p);

    /* the artists' errors at the shortest horizon, enough for their own quantiles */
    struct fc_calibs cal;
    assert_int_equal(fc_calibrate(f->s->be, c, &pv, ladder, first, last, &cal, &err), 0);
    assert_int_equal(cal.as_of, last);
    assert_true(cal.c[FC_CAL_ARTIST].n[0] >= FC_CAL_MIN);
    assert_true(cal.c[FC_CAL_TRACK].n[0] >= FC_CAL_MIN);
    tr_engine_prep_free(prep);
    assert_int_equal(tr_store_read_end(&txn, 0, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_panel_follows_sampled_artists, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_calibration_follows_sampled_artists, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
