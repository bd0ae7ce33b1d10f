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

/* Every series' history, a group at a time (each chunk read once, inside
 * the caller's read transaction): next gives the next series of
 * 0..n_series-1 with data, in order (*p valid until the following call),
 * and *n 0 after the last.  begin and next return 0 or an error; end
 * frees (NULL: nothing). */
struct tr_series_walk;
int tr_series_walk_begin(struct tr_backend *be, uint32_t n_series, struct tr_series_walk **out,
                         struct tr_error *err);
int tr_series_walk_next(struct tr_series_walk *w, uint32_t *series, const struct tr_point **p,
                        size_t *n, struct tr_error *err);
/* Before the first next: a series s with whole[s] 0 (whole has one byte
 * per series) is given from day `from` on, with its last two points before
 * it (so its last two points at least); tr_series_walk_skipped tells how
 * many earlier points were left out. */
void tr_series_walk_recent(struct tr_series_walk *w, tr_day from, const uint8_t *whole);
/* Of the series next gave last: the points left out before p[0], and the
 * day of its first point. */
void tr_series_walk_skipped(const struct tr_series_walk *w, size_t *skipped, tr_day *first);
void tr_series_walk_end(struct tr_series_walk *w);

#endif
