/*
 * app/refresh.h: the milestone engine run over a store (library-private):
 * the refresh an import ends with, the engine's state that fits the stored
 * data, and the coverage held in that state.  The public queries built on
 * them are in trackrecord/scan.h.
 */
#ifndef TR_APP_REFRESH_H
#define TR_APP_REFRESH_H

#include "store/internal.h"
#include "trackrecord/scan.h"

struct tr_engine_prep;

/* What a refresh of the milestone events did. */
struct tr_refresh {
    size_t n_new;            /* events found by this run */
    bool incremental;        /* only the new days were scanned */
    void *state;             /* the engine's state after it (malloc'd): the
                              * checkpoint, which must outlive the transaction */
    size_t state_len;
    struct tr_coverage before;   /* resumed: the coverage before the run (the
                                  * kept claims' judging from, app/claims.c);
                                  * tr_coverage_release */
};

/* Brings the stored milestone events up to date (inside a write
 * transaction).  first_changed is the earliest day whose data changed:
 * when it comes after the engine's checkpoint, only the new days are
 * scanned; TR_DAY_NONE (the catalog or the ladder changed) forces a full
 * scan.  prep is the engine's preparation for the catalog when the caller
 * has one (NULL: made here; engine.h).  out says what it did; the caller
 * frees out->state once the transaction has ended (the checkpoint may
 * still be written from it). */
int tr_refresh_milestones(struct tr_store *s, tr_day first_changed,
                          const struct tr_engine_prep *prep, struct tr_refresh *out,
                          struct tr_error *err);

/* The engine's state that fits the stored data: the checkpoint, else
 * computed by a scan of every day (inside a transaction, catalog loaded).
 * *data malloc'd. */
int tr_refresh_state(struct tr_store *s, void **data, size_t *len, struct tr_error *err);
/* The coverage held in an engine state (catalog loaded). */
int tr_coverage_of_state(struct tr_store *s, const void *state, size_t state_len,
                         struct tr_coverage *out, struct tr_error *err);

#endif
