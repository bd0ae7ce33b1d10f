/*
 * app/claims.h: keeping the claims an import judged (library-private; the
 * public read is tr_store_claims, trackrecord/claims.h).
 */
#ifndef TR_APP_CLAIMS_H
#define TR_APP_CLAIMS_H

#include "store/internal.h"
#include "trackrecord/claims.h"

/* Judges the events dated from since and keeps their claims for
 * tr_store_claims (inside a write transaction, catalog loaded, after every
 * write of events); state: the engine's state when the caller has it
 * (NULL: read).  *n_claims: how many.  Any other write drops them
 * (tr_store_drop_claims). */
int tr_store_keep_claims(struct tr_store *s, tr_day since, const void *state, size_t state_len,
                         size_t *n_claims, struct tr_error *err);

#endif
