/*
 * series.h: play-count series on top of a backend's chunks (library-private).
 *
 * An import gathers its observations in a batch (store/batch.h), then
 * tr_series_write() merges the batch into the stored chunks.  See
 * docs/store.md for the layout.
 */
#ifndef TR_SERIES_H
#define TR_SERIES_H

#include "store/backend.h"
#include "store/batch.h"

struct tr_series_write_stats {
    uint64_t added;       /* observations the store did not have */
    uint64_t changed;     /* observations that replaced another value */
    uint64_t unchanged;   /* observations the store already had */
    tr_day first_changed; /* earliest day whose data changed, TR_DAY_NONE */
};
/* Merges the batch into the store (inside the caller's write transaction). */
int tr_series_write(struct tr_backend *be, const struct tr_obs_batch *b,
                    struct tr_series_write_stats *st, struct tr_error *err);

/* Every observation of one series in day order; *out is the caller's. */
int tr_series_history(struct tr_backend *be, uint32_t series, struct tr_point **out, size_t *n,
                      struct tr_error *err);

/* Every series' history, a group at a time (each chunk read once):
 * fn(ctx, series, p, n) for each series 0..n_series-1 with data, in
 * order; a non-zero return of fn stops and is returned. */
int tr_series_each_history(struct tr_backend *be, uint32_t n_series, tr_history_fn fn, void *ctx,
                           struct tr_error *err);

#endif
