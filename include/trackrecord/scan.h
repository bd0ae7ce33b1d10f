/*
 * trackrecord/scan.h: what the milestone engine finds in a store's series
 * beyond the events it keeps: each subject's coverage, the events for
 * other ladders, and how far its checkpoint reaches.  The store itself
 * (trackrecord/store.h) only keeps what the engine wrote; these run the
 * engine, or read its state, over it (src/lib/app/refresh.c).
 */
#ifndef TRACKRECORD_SCAN_H
#define TRACKRECORD_SCAN_H

#include <stddef.h>

#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/milestone.h"
#include "trackrecord/store.h"

/* First and last day with data, per subject (TR_DAY_NONE when none):
 * arrays indexed like the catalog's tracks, releases and artists, owned
 * by the caller (free() each, or tr_coverage_release).  A release or
 * artist covers the days that all of its recordings cover. */
struct tr_coverage {
    tr_day *track_first, *track_last;
    tr_day *release_first, *release_last;
    tr_day *artist_first, *artist_last;
};
int tr_coverage_read(struct tr_store *s, struct tr_coverage *out, struct tr_error *err);
void tr_coverage_release(struct tr_coverage *c);

/* Computes milestone events over the stored series for these ladders
 * (without storing them), ordered as tr_store_milestones.  *out is the
 * caller's. */
int tr_milestones_compute(struct tr_store *s, const struct tr_ladders *ladders,
                          struct tr_milestone **out, size_t *n, struct tr_error *err);

/* *out: the last day the milestone checkpoint covers (an import of later
 * days scans those alone), TR_DAY_NONE when the next import rescans
 * every day. */
int tr_milestones_scanned_to(struct tr_store *s, tr_day *out, struct tr_error *err);

#endif
