/*
 * batch.h: the observation batch, an import's play counts in memory before
 * they are written (library-private; implemented in series.c, which merges
 * a batch into the stored chunks).
 *
 * Dense per day and group of series, so a duplicate is found in constant
 * time.  It knows nothing of a backend: the format readers fill it (they
 * may include this header and no other of store/), the import driver hands
 * it to tr_series_write() (series.h).
 */
#ifndef TR_BATCH_H
#define TR_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "trackrecord/date.h"
#include "trackrecord/import.h"

struct tr_obs_batch;

struct tr_obs_batch *tr_obs_batch_new(void);
void tr_obs_batch_free(struct tr_obs_batch *b);

enum tr_obs_put {
    TR_OBS_NEW = 0,       /* first value for (series, day) in this batch */
    TR_OBS_SAME = 1,      /* the same value was there: a harmless repeat */
    TR_OBS_CONFLICT = 2,  /* another value was there; *old holds it */
};
/* Records a value; returns an enum tr_obs_put, or -1 when out of memory.
 * On TR_OBS_CONFLICT, with replace set, the new value replaces the old. */
int tr_obs_batch_put(struct tr_obs_batch *b, uint32_t series, tr_day day, uint64_t value,
                     bool replace, uint64_t *old);
/* The value held for (series, day), if any. */
bool tr_obs_batch_get(const struct tr_obs_batch *b, uint32_t series, tr_day day, uint64_t *value);
uint64_t tr_obs_batch_count(const struct tr_obs_batch *b);
/* Puts value with the import's duplicate policy: 0 taken (new or a
 * repeat), 1 refused (policy max, first or last settled it), -1 out of
 * memory, TR_OBS_CONFLICT under TR_DUP_ERROR (nothing changed; *old holds
 * the other value). */
int tr_obs_batch_settle(struct tr_obs_batch *b, uint32_t series, tr_day day, uint64_t value,
                        enum tr_on_duplicate pol, uint64_t *old);

/*
 * Joining batches filled apart (on other threads).  A value of `from` at
 * series s is b's value at series map[s] (map NULL: s itself; a map covers
 * every series from holds).  tr_obs_batch_clashes is true when joining
 * would meet another value for the same series and day; tr_obs_batch_join
 * then moves every value of from into b as if put after b's own in from's
 * order, settled by pol (refused counts those a policy settled).  from is
 * left empty; -1 out of memory, or TR_OBS_CONFLICT when pol is
 * TR_DUP_ERROR and two values meet (check tr_obs_batch_clashes first: two
 * series of from mapped to one can still meet); b then holds part of
 * from.  Blocks that meet none of b's move without a copy.
 */
bool tr_obs_batch_clashes(const struct tr_obs_batch *b, const struct tr_obs_batch *from,
                          const uint32_t *map);
int tr_obs_batch_join(struct tr_obs_batch *b, struct tr_obs_batch *from, const uint32_t *map,
                      enum tr_on_duplicate pol, uint64_t *refused);

#endif
