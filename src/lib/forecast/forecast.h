/*
 * forecast/forecast.h: the forecasts' shared pieces (library-private).
 */
#ifndef TR_FORECAST_INTERNAL_H
#define TR_FORECAST_INTERNAL_H

#include "milestones/engine.h"
#include "forecast/model.h"
#include "forecast/window.h"
#include "trackrecord/forecast.h"

/* The calibration of each kind of subject: tracks (which every-track
 * forecasts also use), release totals, artist totals. */
enum { FC_CAL_TRACK, FC_CAL_RELEASE, FC_CAL_ARTIST, FC_CALS };
struct fc_calibs {
    struct fc_calib c[FC_CALS];
    tr_day as_of;                /* measured on the history up to this day */
};

/* The next threshold above v a subject of this kind is forecast for, or 0
 * when its ladder has none: the one place that picks them. */
uint64_t fc_next_threshold(const struct tr_ladders *ladder, enum tr_milestone_kind kind, uint64_t v);

/* Measures the model's errors on the store's history up to T (a sample
 * of the groups of a large store): calibrate.c. */
int fc_calibrate(struct tr_backend *be, const struct tr_catalog *c,
                 const struct tr_engine_prep_view *pv, const struct tr_ladders *ladder,
                 tr_day first, tr_day T, struct fc_calibs *out, struct tr_error *err);

/* The groups a calibration or a backtest follows: all of a small store,
 * an even sample of a large one (*out malloc'd). */
int fc_sample_groups(uint32_t n_groups, uint32_t want, uint32_t **out, uint32_t *n);

/* A release's distinct recordings (series), at most cap, into out. */
uint32_t fc_release_series(const struct tr_catalog *c, uint32_t r, uint32_t *out, uint32_t cap);

/* An every-track forecast from its lagging tracks' fits: the latest of
 * their expected days, the latest of their lower bounds, and an upper
 * bound at which the chance that any track is still short is at most 10%
 * whatever their dependence (Bonferroni). */
struct fc_member {
    const struct fc_fit *fit;
    double remaining;
    uint32_t track;
};
void fc_every_track(const struct fc_member *m, uint32_t n, const struct fc_calib *cal, tr_day T,
                    int32_t *eta, int32_t *lo, int32_t *hi, uint32_t *slowest);

/* The naive baseline: the last 7 days' mean gain carried forward. */
int32_t fc_naive_days(double recent, double remaining);
/* The same timed within the day (remaining / recent), -1 beyond the horizon. */
double fc_naive_exact(double recent, double remaining);

/* The forecasts of q as of q->as_of (the store's last day when later or
 * none), inside a transaction with the catalog loaded: first and last are
 * the store's first and last days; cal, when not NULL, is the calibration
 * to use (else it is measured on the history up to that day); cal_out,
 * when not NULL, receives the one used; sorted: in fc_forecast_cmp order,
 * else in no particular order. */
struct tr_store;
int fc_compute(struct tr_store *s, const struct tr_forecast_query *q, const struct fc_calibs *cal,
               tr_day first, tr_day last, bool sorted, struct tr_forecast_set *out,
               struct fc_calibs *cal_out, struct tr_error *err);
/* The order of tr_store_forecasts: eta (none last), subject type,
 * subject, kind, threshold. */
int fc_forecast_cmp(const void *a, const void *b);

#endif
