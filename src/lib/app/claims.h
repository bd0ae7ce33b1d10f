/*
 * app/claims.h: keeping the claims an import judged (library-private; the
 * public read is tr_store_claims, trackrecord/claims.h).
 */
#ifndef TR_APP_CLAIMS_H
#define TR_APP_CLAIMS_H

#include "store/internal.h"
#include "trackrecord/claims.h"
#include "trackrecord/scan.h"

/* Keeps the claims of every stored event for tr_store_claims, judging
 * again what an import can have changed (inside a write transaction,
 * catalog loaded, after every write of events).  changed: the first day
 * whose events changed, TR_DAY_NONE when any may have (the catalog, the
 * ladder, the charts), INT32_MAX when none did; before: the coverage
 * before the import when it changed counts alone (else NULL): events from
 * where a member's data went on after ending are judged again too.  Kept
 * claims that do not fit mean judging every event.  state: the engine's
 * state when the caller has it (NULL: read).  *n_claims: how many claims
 * of events dated from report_since were judged.  Any other write drops
 * them (tr_store_drop_claims). */
int tr_store_keep_claims(struct tr_store *s, tr_day changed, const struct tr_coverage *before,
                         tr_day report_since, const void *state, size_t state_len,
                         size_t *n_claims, struct tr_error *err);

#endif
