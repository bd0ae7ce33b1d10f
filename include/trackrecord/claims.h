/*
 * trackrecord/claims.h: the records claims of the stored events, the
 * records engine (trackrecord/records.h) run over a store
 * (trackrecord/store.h); src/lib/app/claims.c.
 */
#ifndef TRACKRECORD_CLAIMS_H
#define TRACKRECORD_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/milestone.h"
#include "trackrecord/records.h"
#include "trackrecord/store.h"

/* The stored events dated on or after since (TR_DAY_NONE: all; ordered as
 * tr_store_milestones) with their records claims: each judged
 * against every stored event, with the coverage that applies to it (a
 * recording's data for play-count milestones, a chart's imported periods
 * for that chart's milestones); claims in a group of one member are left
 * out.  Claims are ordered by event: claims[first[e] .. first[e + 1])
 * belong to events[e].  The imports keep the claims of every event and
 * they are read back (docs/records.md, "Kept claims"); baselines' claims
 * (tr_milestone.baseline) only with baselines, which judges them afresh
 * (seconds for a million-track store: they are most of its claims, and
 * no output lists them unless asked). */
struct tr_claim_set {
    struct tr_milestone *events;
    size_t n_events;
    struct tr_claim *claims;
    size_t n_claims;
    size_t *first;
};
int tr_store_claims(struct tr_store *s, tr_day since, bool baselines, struct tr_claim_set *out,
                    struct tr_error *err);
/* The claims in cs of the event m (the same date, kind, subject, threshold
 * and chart), *n of them; NULL and 0 when cs does not hold m.  Borrowed
 * from cs; a binary search. */
const struct tr_claim *tr_claim_set_of(const struct tr_claim_set *cs, const struct tr_milestone *m,
                                       size_t *n);
void tr_claim_set_release(struct tr_claim_set *cs);

#endif
