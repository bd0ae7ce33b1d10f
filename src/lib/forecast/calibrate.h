/*
 * forecast/calibrate.h: the model's errors on the store's history
 * (library-private; calibrate.c says how they are measured).
 */
#ifndef TR_FORECAST_CALIBRATE_H
#define TR_FORECAST_CALIBRATE_H

#include "forecast/panel.h"

#define FC_CAL_GROUPS 4      /* groups of series a calibration follows at most */
#define FC_CAL_CUTS 52       /* cuts, a week apart, back from the day forecast */
#define FC_CAL_MIN 20        /* samples a horizon needs to be measured */
#define FC_CAL_SAMPLES 20000 /* the latest samples a horizon's quantiles take */

/* One measured error: the log ratio, and the day it became known (the
 * cut plus the horizon). */
struct fc_sample {
    float r;
    tr_day known;
};
struct fc_sample_list {
    struct fc_sample *r;
    size_t n, cap;
};
struct fc_samples {
    struct fc_sample_list a[FC_CALS][FC_NH];
};
void fc_samples_release(struct fc_samples *s);

/* Adds the errors of the forecasts from cut c (fc_panel_cut filled cut);
 * cuts must come in day order.  0 or TR_ENOMEM. */
int fc_collect(const struct fc_panel *p, const struct fc_cut *cut, tr_day c,
               const struct tr_ladders *ladder, struct fc_samples *s);
/* The calibration from the samples known by day upto.  0 or TR_ENOMEM. */
int fc_calibs_from(const struct fc_samples *s, tr_day upto, struct fc_calibs *out);

#endif
