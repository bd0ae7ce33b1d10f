/*
 * forecast/window.h: what the forecasts read of the stored series
 * (library-private).
 *
 * A forecast as of day T needs, for each recording, its counts on the
 * FC_WINDOW + 1 days T - FC_WINDOW .. T.  On the store's last day they
 * come from the group's tail (each slot's latest count) and the chunks of
 * the window's days alone, taken back off the tail: FC_WINDOW of the
 * store's days, whatever its length.  On an earlier day the group's
 * chunks are applied from its first day up to T and no further: nothing
 * after T is read.
 */
#ifndef TR_FORECAST_WINDOW_H
#define TR_FORECAST_WINDOW_H

#include "forecast/model.h"
#include "store/backend.h"

/* One group's window: v[slot][i], the count on day T - FC_WINDOW + i (the
 * last observed on or before it), p[slot][i] whether it was observed. */
struct fc_group_window {
    uint64_t v[TR_GROUP_SLOTS][FC_WINDOW + 1];
    uint8_t p[TR_GROUP_SLOTS][FC_WINDOW + 1];
    uint32_t n;                  /* slots the group has */
};

/* Fills w for group grp as of T.  latest: T is the store's last day (the
 * tail is read, and the window's chunks); otherwise only chunks up to T. */
int fc_read_window(struct tr_backend *be, uint32_t grp, tr_day T, bool latest,
                   struct fc_group_window *w, struct tr_error *err);

/* One group's whole history up to T: v[slot * n_days + i] is the count on
 * day first + i, p the same for observed.  Used by the calibration and the
 * backtest, which cut it at many days. */
struct fc_group_history {
    tr_day first;
    int32_t n_days;
    uint32_t n;                  /* slots */
    uint64_t *v;
    uint8_t *p;
};
/* first: the store's first day; T the last day to read. */
int fc_read_history(struct tr_backend *be, uint32_t grp, tr_day first, tr_day T,
                    struct fc_group_history *h, struct tr_error *err);
void fc_group_history_release(struct fc_group_history *h);
/* The same for n slots of the group alone (slots[k] < TR_GROUP_SLOTS):
 * row k of v and p (T - first + 1 days each) is slot slots[k]'s. */
int fc_read_slots(struct tr_backend *be, uint32_t grp, tr_day first, tr_day T,
                  const uint32_t *slots, uint32_t n, uint64_t *v, uint8_t *p, struct tr_error *err);

/* The store's first and last days with data (TR_DAY_NONE when empty),
 * from the groups' tails and the first chunk. */
int fc_store_days(struct tr_backend *be, uint32_t n_groups, tr_day *first, tr_day *last,
                  struct tr_error *err);

#endif
