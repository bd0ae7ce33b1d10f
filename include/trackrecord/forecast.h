/*
 * trackrecord/forecast.h: when each subject's next milestones will fall.
 *
 * For every track (its recording's total), release (every track of it;
 * its total) and artist (its total), the next thresholds of its ladder not
 * yet reached, each with the expected date, an 80% interval, the streams
 * still needed and the expected daily gain now.  The model of daily gains,
 * how the interval is measured and the backtest are in docs/forecasts.md.
 *
 * The daily import keeps the forecasts from its last day beside the store
 * (tr_store_forecasts reads them back without recomputing); a forecast
 * as of an earlier day reads nothing after that day.
 */
#ifndef TRACKRECORD_FORECAST_H
#define TRACKRECORD_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "trackrecord/catalog.h"
#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/milestone.h"

struct tr_store;

/* How a forecast was made. */
enum tr_forecast_method {
    TR_FC_MODEL = 0,   /* the fitted model: decay, weekly rhythm (docs/forecasts.md) */
    TR_FC_SIMPLE,      /* a series too short to fit: its recent mean gain carried forward */
};
const char *tr_forecast_method_name(enum tr_forecast_method m);   /* "model", "simple" */

/* Days after as_of beyond which a date is not given (eta and the bounds
 * are TR_DAY_NONE): three years. */
#define TR_FORECAST_HORIZON 1096

struct tr_forecast {
    enum tr_subject_type subject_type;
    uint32_t subject;            /* index into the catalog array of subject_type */
    enum tr_milestone_kind kind; /* track_total, every_track, release_total, artist_total */
    uint64_t threshold;
    uint64_t value;              /* the count on as_of (every_track: the lowest track's) */
    uint64_t remaining;          /* threshold - value (every_track: of the slowest track) */
    double daily;                /* expected daily gain now (every_track: the slowest track's) */
    tr_day eta;                  /* the expected first day at or above; TR_DAY_NONE
                                  * beyond TR_FORECAST_HORIZON */
    tr_day eta_low, eta_high;    /* the 80% interval; TR_DAY_NONE beyond it */
    uint32_t slowest;            /* every_track: the track expected last; else TR_NONE */
    enum tr_forecast_method method;
};

struct tr_forecast_query {
    tr_day as_of;                /* forecast from the data up to this day; TR_DAY_NONE:
                                  * the store's last day */
    int subject_type;            /* enum tr_subject_type, or -1 for every one */
    uint32_t subject;            /* an index of subject_type, or TR_NONE */
    int kind;                    /* enum tr_milestone_kind, or -1 for all four */
    uint32_t next;               /* thresholds per subject and kind (0 means 1) */
    int32_t within;              /* only those expected within this many days; 0: all */
};
#define TR_FORECAST_QUERY_ALL {TR_DAY_NONE, -1, TR_NONE, -1, 1, 0}

struct tr_forecast_set {
    struct tr_forecast *f;
    size_t n;
    tr_day as_of;                /* the day they were made from */
};

/* The forecasts matching q, ordered by eta (soonest first, those without a
 * date last), then subject type, subject, kind and threshold.  When q
 * asks for the store's last day and the daily import kept forecasts for
 * it, they are read back (a query for one subject, or with --next, is
 * computed: a few milliseconds).  out is the caller's
 * (tr_forecast_set_release). */
int tr_store_forecasts(struct tr_store *s, const struct tr_forecast_query *q,
                       struct tr_forecast_set *out, struct tr_error *err);
void tr_forecast_set_release(struct tr_forecast_set *fs);

/* The backtest: the store's history cut at many past days, each cut
 * forecast from the data up to it (as tr_store_forecasts with as_of =
 * the cut), compared with the crossings that followed.  One row per
 * horizon and kind: the crossings whose lead (days from the cut) is
 * within a quarter of the horizon either way. */
struct tr_backtest_row {
    int32_t horizon;
    int32_t lead_from, lead_to;  /* the leads scored: horizon -/+ horizon / 4 */
    enum tr_milestone_kind kind;
    size_t n;                    /* crossings scored (a crossing scored from
                                  * each cut whose lead fits the row) */
    size_t distinct;             /* distinct crossings among them (subject and
                                  * threshold) */
    double model_mae;            /* median absolute error in days, each crossing
                                  * timed within its day (the day's gain spread
                                  * evenly over it), actual and forecast alike */
    double naive_mae;            /* the naive baseline's: last 7 days' mean gain */
    double model_mean, naive_mean;  /* mean absolute errors, days, timed so */
    double model_mae_days, naive_mae_days;  /* the medians in whole days (the
                                  * forecast day against the day it crossed) */
    double inside;               /* share of crossings inside the 80% interval */
    size_t model_undated;        /* crossings the model gave no date (counted as
                                  * off by the horizon) */
    size_t naive_undated;
};
struct tr_backtest {
    struct tr_backtest_row *rows;
    size_t n_rows;
    size_t cuts;                 /* days the history was cut at */
    tr_day first_cut, last_cut;
    size_t subjects;             /* subjects followed (all, or a sample of a large store) */
};
int tr_store_backtest(struct tr_store *s, const int32_t *horizons, size_t n_horizons,
                      struct tr_backtest *out, struct tr_error *err);
void tr_backtest_release(struct tr_backtest *b);

#endif
