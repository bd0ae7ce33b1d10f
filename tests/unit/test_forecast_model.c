/*
 * test_forecast_model.c: the model of daily gains (forecast/model.h) on
 * series whose answer is known: level, decaying, with a weekly rhythm, a
 * spike, a stale day, a skipped day, a correction, one that stops
 * growing, one too short to fit, one whose recent level foretells better
 * than its curve, one held at a level by its feed; a total's forecast
 * from its recordings'; and an every-track date from its tracks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "forecast/forecast.h"
#include "forecast/model.h"

/* as_of: a Tuesday (2024-06-04) */
#define AS_OF 19878

/* A window of counts from daily gains g[1..FC_WINDOW] (g[0] the count
 * before), every day observed. */
struct win {
    uint64_t v[FC_WINDOW + 1];
    uint8_t p[FC_WINDOW + 1];
};

static void from_gains(struct win *w, uint64_t start, const double *g)
{
    w->v[0] = start;
    w->p[0] = 1;
    for (int i = 1; i <= FC_WINDOW; i++) {
        w->v[i] = w->v[i - 1] + (uint64_t)llround(g[i]);
        w->p[i] = 1;
    }
}

static void fit_window(const struct win *w, int32_t age, struct fc_fit *f)
{
    struct fc_stats st;
    fc_series_stats(w->v, w->p, AS_OF, &st);
    fc_fit(&st, age, f);
}

static void flat(double *g, double level)
{
    for (int i = 0; i <= FC_WINDOW; i++)
        g[i] = level;
}

static void assert_near(double got, double want, double rel)
{
    if (fabs(got - want) > rel * fabs(want))
        fail_msg("%f is not within %.1f%% of %f", got, 100 * rel, want);
}

static int32_t eta_of(const struct fc_fit *f, double remaining)
{
    struct fc_calib c;
    int32_t eta, lo, hi;
    fc_calib_default(&c);
    fc_eta(f, &c, AS_OF, remaining, &eta, &lo, &hi);
    assert_true(eta < 0 || (lo <= eta && (hi < 0 || eta <= hi)));
    return eta;
}

static void test_level_series(void **state)
{
    (void)state;
    double g[FC_WINDOW + 1];
    struct win w;
    struct fc_fit f;
    flat(g, 10000);
    from_gains(&w, 5000000, g);
    fit_window(&w, 400, &f);
    assert_int_equal(f.method, TR_FC_MODEL);
    assert_near(f.level, 10000, 0.001);
    assert_near(f.floor, 10000, 0.001);
    assert_near(fc_gain(&f, 30), 300000, 0.001);
    assert_int_equal(eta_of(&f, 300000), 30);
}

static void test_pure_decay(void **state)
{
    (void)state;
    /* a release 120 days old fading as a power law of its age */
    double g[FC_WINDOW + 1], truth = 0;
    for (int i = 0; i <= FC_WINDOW; i++)
        g[i] = 1e6 * pow(1 + (120 - FC_WINDOW + i) / 10.0, -1.5);
    for (int d = 1; d <= 90; d++)
        truth += 1e6 * pow(1 + (120 + d) / 10.0, -1.5);
    struct win w;
    struct fc_fit f;
    from_gains(&w, 80000000, g);
    fit_window(&w, 120, &f);
    assert_int_equal(f.method, TR_FC_MODEL);
    assert_near(f.level, g[FC_WINDOW], 0.05);
    assert_true(f.floor < f.level);             /* it falls ... */
    assert_true(fc_gain(&f, 90) < 90 * f.level);
    assert_near(fc_gain(&f, 90), truth, 0.15);  /* ... about as much as it did */
    /* the curve fitted three weeks ago foretold the weeks since better
     * than that week's level did: the curve leads */
    assert_true(f.level_w < 0.5);
}

/* A feed that holds each level for weeks and steps down now and then
 * (figures published a month apart, the gains between spread evenly):
 * the curve fitted three weeks ago foresaw a fall that did not come, the
 * level then was exact, so the level now leads. */
static void test_recent_level_leads(void **state)
{
    (void)state;
    static const double week[FC_WEEKS] = {30000, 30000, 25000, 25000, 21000, 21000, 21000, 21000};
    double g[FC_WINDOW + 1];
    for (int i = 0; i <= FC_WINDOW; i++)
        g[i] = week[i ? (i - 1) / 7 : 0];
    struct win w;
    struct fc_fit f;
    from_gains(&w, 40000000, g);
    fit_window(&w, 300, &f);
    assert_int_equal(f.method, TR_FC_MODEL);
    assert_true(f.level_w > 0.8);
    assert_near(fc_daily(&f), 21000, 0.05);
    assert_near(fc_gain(&f, 30), 30 * 21000.0, 0.1);
}

static void test_weekly_rhythm(void **state)
{
    (void)state;
    /* Fridays (weekday 4) half as much again as the other days */
    double g[FC_WINDOW + 1];
    for (int i = 0; i <= FC_WINDOW; i++)
        g[i] = fc_weekday(AS_OF - FC_WINDOW + i) == 4 ? 15000 : 10000;
    struct win w;
    struct fc_fit f;
    from_gains(&w, 5000000, g);
    fit_window(&w, 400, &f);
    double mean = (6 * 10000 + 15000) / 7.0;
    assert_near(f.level, mean, 0.001);
    assert_near(f.f[4], 15000 / mean, 0.01);
    assert_near(f.f[1], 10000 / mean, 0.01);
    /* 3 days from Tuesday is Friday: with Friday's gain, not the mean's */
    assert_int_equal(eta_of(&f, 2 * 10000 + 14000), 3);
    assert_int_equal(eta_of(&f, 2 * 10000 + 16000), 4);
}

static void test_spike(void **state)
{
    (void)state;
    /* a viral day three weeks back moves neither the level nor the trend */
    double g[FC_WINDOW + 1];
    flat(g, 10000);
    g[FC_WINDOW - 20] = 400000;
    struct win w;
    struct fc_fit f;
    from_gains(&w, 5000000, g);
    fit_window(&w, 400, &f);
    assert_near(f.level, 10000, 0.02);
    assert_near(f.floor, f.level, 0.001);
}

static void test_stale_skipped_and_corrected_days(void **state)
{
    (void)state;
    double g[FC_WINDOW + 1];
    flat(g, 10000);
    struct win w;
    struct fc_fit f;
    from_gains(&w, 5000000, g);
    /* a stale day: the count repeats, the next day carries two days' gain */
    w.v[FC_WINDOW - 10] = w.v[FC_WINDOW - 11];
    /* a skipped day: no row, the next covers both */
    w.p[FC_WINDOW - 4] = 0;
    w.v[FC_WINDOW - 4] = w.v[FC_WINDOW - 5];
    /* a correction: the count goes down a little and stays down */
    for (int i = FC_WINDOW - 30; i <= FC_WINDOW; i++)
        w.v[i] -= 30000;
    fit_window(&w, 400, &f);
    assert_int_equal(f.method, TR_FC_MODEL);
    assert_near(f.level, 10000, 0.01);
    assert_near(f.floor, f.level, 0.001);
}

static void test_stops_growing(void **state)
{
    (void)state;
    double g[FC_WINDOW + 1];
    flat(g, 0);
    struct win w;
    struct fc_fit f;
    from_gains(&w, 5000000, g);
    fit_window(&w, 400, &f);
    assert_true(f.level == 0);
    assert_int_equal(eta_of(&f, 1), -1);        /* no date: never */
}

static void test_short_series(void **state)
{
    (void)state;
    /* released 10 days ago: too short to fit, its recent mean, marked */
    double g[FC_WINDOW + 1];
    flat(g, 0);
    struct win w;
    from_gains(&w, 0, g);
    for (int i = FC_WINDOW - 10; i <= FC_WINDOW; i++) {
        w.v[i] = i == FC_WINDOW - 10 ? 50000 : w.v[i - 1] + 20000;
        w.p[i] = 1;
    }
    for (int i = 1; i < FC_WINDOW - 10; i++)
        w.p[i] = 0;
    w.p[0] = 0;
    struct fc_fit f;
    fit_window(&w, 10, &f);
    assert_int_equal(f.method, TR_FC_SIMPLE);
    assert_near(f.level, 20000, 0.001);
    assert_true(fc_gain(&f, 30) < 30 * 20000.0);  /* young: it will fall */
}

static void test_every_track(void **state)
{
    (void)state;
    struct fc_fit a = {.level = 10000, .floor = 10000, .scale = 365, .beta = 1.5},
                  b = {.level = 1000, .floor = 1000, .scale = 365, .beta = 1.5};
    for (int k = 0; k < 7; k++)
        a.f[k] = b.f[k] = 1;
    struct fc_calib c;
    fc_calib_default(&c);
    struct fc_member m[2] = {{&a, 100000, 1}, {&b, 20000, 2}};
    int32_t eta, lo, hi, e1, l1, h1, e2, l2, h2;
    uint32_t slowest;
    fc_every_track(m, 2, &c, AS_OF, &eta, &lo, &hi, &slowest);
    fc_eta(&a, &c, AS_OF, 100000, &e1, &l1, &h1);
    fc_eta(&b, &c, AS_OF, 20000, &e2, &l2, &h2);
    /* the latest track's day; bounds no narrower than either track's */
    assert_int_equal(eta, 20);
    assert_int_equal(slowest, 2);
    assert_int_equal(lo, l1 > l2 ? l1 : l2);
    assert_true(hi >= (h1 > h2 ? h1 : h2));
}

/* A feed rebuilt from published figures (the Layover fixture's kind):
 * each figure's gain spread over the days before it with a weekly
 * rhythm, so the gain holds a level for weeks, day for day the same
 * each week, and steps (mid-week) at the next figure.  Here the levels
 * fall 36000, 30000, 24000, the last held for three weeks: a trend in the
 * weeks, which a curve would carry on, but the feed repeats its last
 * level exactly until the next figure.  The model carries it flat with
 * its rhythm: the crossing to the fraction of a day, as the baseline
 * (which has no rhythm) cannot.  The same series with listening's noise
 * (2% a day) is not held; a total is held when all its members are. */
static const double layover_rhythm[7] = {1.0, 0.95, 0.92, 0.93, 0.97, 1.06, 1.17};  /* Mon..Sun */

static double held_gain(int i)
{
    double level = i < 10 ? 36000 : i < 39 ? 30000 : 24000;
    return level * layover_rhythm[fc_weekday(AS_OF - FC_WINDOW + i)];
}

static void test_held_level(void **state)
{
    (void)state;
    double g[FC_WINDOW + 1], noisy[FC_WINDOW + 1];
    for (int i = 0; i <= FC_WINDOW; i++) {
        g[i] = held_gain(i);
        noisy[i] = g[i] * (1 + 0.02 * sin(12.9898 * i));
    }
    struct win w, wn;
    struct fc_stats st, sn, sum;
    struct fc_fit f;
    from_gains(&w, 40000000, g);
    from_gains(&wn, 40000000, noisy);
    fc_series_stats(w.v, w.p, AS_OF, &st);
    fc_series_stats(wn.v, wn.p, AS_OF, &sn);
    assert_int_equal(st.held, 1);
    assert_int_equal(sn.held, 0);
    fc_fit(&st, 300, &f);
    assert_int_equal(f.method, TR_FC_MODEL);
    assert_true(f.level_w == 1);
    /* the crossing of 20.4 days of the held level, timed within the day
     * as the backtest times the actual one */
    double remaining = 0.4 * 24000 * layover_rhythm[fc_weekday(AS_OF + 21)];
    for (int d = 1; d <= 20; d++)
        remaining += 24000 * layover_rhythm[fc_weekday(AS_OF + d)];
    assert_near(fc_eta_exact(&f, AS_OF, remaining), 20.4, 1e-4);
    /* totals: held when every member is */
    sum = st;
    fc_stats_add(&sum, &st);
    assert_int_equal(sum.held, sum.members);
    sum = st;
    fc_stats_add(&sum, &sn);
    assert_true(sum.held < sum.members);
}

/* A total is forecast as the sum of its recordings' own forecasts: a
 * release of a track the feed holds at a level and of one fading as a
 * power law (test_pure_decay's).  A fit of the summed weeks would read
 * one falling series and carry the fall over the held level too; the
 * sum carries the held one flat and lets the other fall. */
static void test_total_sums_its_forecasts(void **state)
{
    (void)state;
    double held[FC_WINDOW + 1], fading[FC_WINDOW + 1];
    for (int i = 0; i <= FC_WINDOW; i++) {
        held[i] = held_gain(i);
        fading[i] = 1e6 * pow(1 + (120 - FC_WINDOW + i) / 10.0, -1.5);
    }
    struct win wh, wf;
    struct fc_stats sh, sf, total;
    struct fc_fit fh, ff, ft;
    from_gains(&wh, 40000000, held);
    from_gains(&wf, 80000000, fading);
    fc_series_stats(wh.v, wh.p, AS_OF, &sh);
    fc_series_stats(wf.v, wf.p, AS_OF, &sf);
    fc_fit(&sh, 300, &fh);
    fc_fit(&sf, 120, &ff);
    fc_stats_fit(&sh, &fh);
    fc_stats_fit(&sf, &ff);
    total = sh;
    fc_stats_add(&total, &sf);
    fc_fit_total(&total, &ft);
    assert_int_equal(ft.method, TR_FC_MODEL);
    assert_near(fc_daily(&ft), fc_daily(&fh) + fc_daily(&ff), 1e-4);
    for (int d = 7; d <= 365; d *= 2)
        assert_near(fc_gain(&ft, d), fc_gain(&fh, d) + fc_gain(&ff, d), 1e-4);
    /* a total of the held track alone is its forecast, rhythm and all */
    fc_fit_total(&sh, &ft);
    assert_near(fc_eta_exact(&ft, AS_OF, 1e6), fc_eta_exact(&fh, AS_OF, 1e6), 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_series),
        cmocka_unit_test(test_pure_decay),
        cmocka_unit_test(test_recent_level_leads),
        cmocka_unit_test(test_held_level),
        cmocka_unit_test(test_total_sums_its_forecasts),
        cmocka_unit_test(test_weekly_rhythm),
        cmocka_unit_test(test_spike),
        cmocka_unit_test(test_stale_skipped_and_corrected_days),
        cmocka_unit_test(test_stops_growing),
        cmocka_unit_test(test_short_series),
        cmocka_unit_test(test_every_track),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
