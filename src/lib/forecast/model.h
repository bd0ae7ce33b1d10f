/*
 * forecast/model.h: the model of daily gains (library-private, pure).
 *
 * A subject's recent history is summed up in fc_stats, made from its last
 * FC_WINDOW days: each week's mean daily gain and a weekday profile, after
 * the feed's faults are taken out (a skipped day's gain spread over the
 * days it covers, a stale day merged into the next, a correction and the
 * first count of a new series left out).  The stats of a release's or an
 * artist's total are the sums of its recordings' stats, and its forecast
 * the sum of its recordings' forecasts (fc_fit_total).
 *
 * fc_fit turns stats into a curve: the gain now and its trend (a robust
 * line through the weeks' log gains: Theil-Sen, so that a spike week moves
 * nothing; shrunk towards flat by its own uncertainty), the trend dying
 * out as the gain settles on a floor (how plays fade after a release: the
 * excess over the floor decays as a power law of the subject's age), times
 * the weekday factors; a level the feed holds (its days repeat week on
 * week to the stream: held) is carried flat.  A series with fewer than
 * FC_MIN_WEEKS usable weeks gets the simple method: its recent mean
 * gain, flat.
 *
 * The interval comes from fc_calib: the quantiles, at each horizon, of the
 * log ratio of the gain that followed to the model's gain, measured on the
 * store's history (forecast/calibrate.c).  docs/forecasts.md tells the why.
 */
#ifndef TR_FORECAST_MODEL_H
#define TR_FORECAST_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "trackrecord/date.h"

#define FC_WEEKS 8
#define FC_WINDOW (7 * FC_WEEKS)
#define FC_MIN_WEEKS 3

/* What the model reads of a subject: additive over the members of a total. */
struct fc_stats {
    float rate[FC_WEEKS];   /* each week's mean daily gain, oldest first; week
                             * FC_WEEKS - 1 ends on as_of.  A week without
                             * usable days is filled from its neighbours */
    uint16_t usable[FC_WEEKS]; /* members with usable days that week */
    float day[7];           /* weekday profile by weekday of the date (Monday 0):
                             * the level times each weekday's factor */
    float recent;           /* mean gain over the last 7 days (the naive baseline) */
    float simple;           /* mean of the last (up to 7) usable daily gains */
    uint16_t members;       /* series summed */
    uint16_t held;          /* members held at a level: their last week's
                             * gains repeat the week before's day for day */
    struct fc_fit_sum {     /* the members' own forecasts (fc_stats_fit),
                             * summed: a total's forecast (fc_fit_total) */
        float flat;         /* gain a day that does not decay */
        float excess;       /* gain a day now above it, decaying */
        float fall;         /* the excess's fall a day now (excess beta / scale) */
        float scale_w, excess_abs; /* sum of |excess| scale, of |excess| */
        float simple;       /* gain a day now of members forecast simply */
    } fits;
};

/* Stats of one series from its counts on the FC_WINDOW + 1 days
 * as_of - FC_WINDOW .. as_of: value[i] the count on that day (the last
 * observed on or before it: 0 before the first), present[i] whether the
 * day was observed.  */
void fc_series_stats(const uint64_t *value, const uint8_t *present, tr_day as_of,
                     struct fc_stats *out);
/* a += b */
void fc_stats_add(struct fc_stats *a, const struct fc_stats *b);

struct fc_fit {
    float level;            /* expected daily gain on as_of, without the weekday */
    float floor;            /* the gain it settles on */
    float scale, beta;      /* the excess over the floor decays as (1 + d/scale)^-beta */
    float f[7];             /* weekday factors by weekday (Monday 0), mean 1 */
    float level_w, recent;  /* the gain is (1 - level_w) times the curve's plus
                             * level_w times recent a day (the last week's
                             * level carried flat), level_w from their errors
                             * on the series' own past (0: the curve alone) */
    uint8_t method;         /* enum tr_forecast_method */
};

/* age: as_of minus the subject's day 0 (release), or INT32_MIN unknown. */
void fc_fit(const struct fc_stats *st, int32_t age, struct fc_fit *out);
/* Records a recording's own fit f (of st) in st->fits, so that the totals
 * it is added to sum its forecast. */
void fc_stats_fit(struct fc_stats *st, const struct fc_fit *f);
/* A total's fit: the sum of its recordings' forecasts (st->fits), as one
 * curve (the excesses' decays joined into one with their summed fall
 * now), with the total's weekday factors; simple when the members
 * forecast simply carry most of its gain. */
void fc_fit_total(const struct fc_stats *st, struct fc_fit *out);

/* The expected daily gain on as_of (weekdays left out). */
double fc_daily(const struct fc_fit *f);
/* The expected gain of days as_of+1 .. as_of+d (weekdays left out). */
double fc_gain(const struct fc_fit *f, double d);

/* Horizons at which the model's errors are measured (days), and the
 * quantiles kept at each. */
#define FC_NH 15
#define FC_NQ 9
extern const int32_t fc_horizons[FC_NH];
extern const double fc_probs[FC_NQ];   /* 0.02 .. 0.98; index FC_Q10, FC_Q50, FC_Q90 */
enum { FC_Q10 = 2, FC_Q50 = 4, FC_Q90 = 6 };

/* The quantiles of log((actual gain + 1) / (model gain + 1)) per horizon;
 * n[h] samples measured at fc_horizons[h] (a horizon without samples
 * takes its quantiles from the nearest measured one below, widened). */
struct fc_calib {
    float q[FC_NH][FC_NQ];
    uint32_t n[FC_NH];
};
/* The quantile of probability index k at horizon d (interpolated). */
double fc_calib_q(const struct fc_calib *c, double d, int k);
/* P(log ratio <= x) at horizon d, from the quantiles. */
double fc_calib_cdf(const struct fc_calib *c, double d, double x);
/* A calibration with no measured errors (a store without history): a
 * wide spread that grows with the horizon. */
void fc_calib_default(struct fc_calib *c);

/* When a subject needing `remaining` more streams gets there, in days
 * after as_of: *eta (the median, with the weekday factors), *lo and *hi
 * (the 80% interval); -1 for beyond TR_FORECAST_HORIZON. */
void fc_eta(const struct fc_fit *f, const struct fc_calib *c, tr_day as_of, double remaining,
            int32_t *eta, int32_t *lo, int32_t *hi);
/* The same expected crossing timed within its day: days after as_of at
 * which the gain, spread evenly over each day, reaches remaining (so
 * that ceil() of it is fc_eta's *eta); -1 beyond the horizon.  What the
 * backtest scores, as it times the actual crossings. */
double fc_eta_exact(const struct fc_fit *f, tr_day as_of, double remaining);
/* P(the subject has gained `remaining` within d days) */
double fc_p_by(const struct fc_fit *f, const struct fc_calib *c, double remaining, int32_t d);

/* Weekday of a day, Monday 0. */
static inline int fc_weekday(tr_day d) { return (int)(((int64_t)d % 7 + 7 + 3) % 7); }

#endif
