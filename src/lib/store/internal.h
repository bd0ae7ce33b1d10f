/*
 * store/internal.h: what the import and the engines need of a store
 * beyond the public API (library-private).
 */
#ifndef TR_STORE_INTERNAL_H
#define TR_STORE_INTERNAL_H

#include "store/backend.h"

struct tr_store {
    struct tr_backend *be;
    struct tr_catalog *catalog;  /* loaded on demand, NULL when stale */
    struct tr_ladders *ladders;  /* loaded on demand */
    char *path;
    bool reading;                /* inside tr_store_begin_read */
    bool seen;                   /* version holds what the last one saw */
    uint64_t version;            /* the backend's data version then */
};

/* The tracks that may be one song with track on the charts (chart_songs.c):
 * itself, those of its recording, those with its normalised title and
 * artists, closed under both; *out malloc'd (n).  0 or TR_ENOMEM. */
int tr_chart_song_candidates(const struct tr_catalog *c, uint32_t track, uint32_t **out, size_t *n);

/* Reads meta.blob_format and, for a sealed store, puts the seals of
 * chunks and tails in front of be's functions (store/sealing.c); undone by
 * tr_backend_unseal before the backend closes. */
int tr_backend_seal(struct tr_backend *be, struct tr_error *err);
void tr_backend_unseal(struct tr_backend *be);
/* Checks the seal (and the encoding) of every chunk and of the tails of
 * groups [0, n_groups), going on past damage: fn(ctx, what, day, grp, why)
 * for each damaged one ("play counts" of a day, "latest counts" of a
 * group); *chunks and *tails count what was read.  Inside a read
 * transaction; 0 or an error of the store (or fn's). */
#define TR_TAIL_WHAT "latest counts"   /* what a damaged tail is called */
typedef int (*tr_seal_damage_fn)(void *ctx, const char *what, tr_day day, uint32_t grp,
                                 const char *why);
int tr_backend_check_seals(struct tr_backend *be, uint32_t n_groups, tr_seal_damage_fn fn,
                           void *ctx, uint64_t *chunks, uint64_t *tails, struct tr_error *err);
/* Makes each tail whose seal fails again from its group's chunks (the
 * latest value of each slot is the sum of its changes), inside a write
 * transaction with the catalog loaded; *n how many.  A damaged chunk of
 * such a group is an error naming it. */
int tr_store_rebuild_tails(struct tr_store *s, size_t *n, struct tr_error *err);
/* The error for a damaged chunk or tail: what, its day, its group. */
int tr_store_damaged(struct tr_error *err, const char *what, tr_day day, uint32_t grp);

/* Drops the cached catalog (after a failed import edited it). */
void tr_store_forget(struct tr_store *s);
/* Loads the catalog as the backend has it now (inside a transaction). */
int tr_store_load_catalog(struct tr_store *s, struct tr_error *err);
/* Sets the store's ladders (inside a write transaction), kept as their
 * canonical text. */
int tr_store_set_ladders(struct tr_store *s, const struct tr_ladders *ls, struct tr_error *err);
/* What a refresh of the milestone events did. */
struct tr_refresh {
    size_t n_new;            /* events found by this run */
    bool incremental;        /* only the new days were scanned */
    void *state;             /* the engine's state after it (malloc'd): the
                              * checkpoint, which must outlive the transaction */
    size_t state_len;
};

struct tr_engine_prep;

/* Brings the stored milestone events up to date (inside a write
 * transaction).  first_changed is the earliest day whose data changed:
 * when it comes after the engine's checkpoint, only the new days are
 * scanned; TR_DAY_NONE (the catalog or the ladder changed) forces a full
 * scan.  prep is the engine's preparation for the catalog when the caller
 * has one (NULL: made here; engine.h).  out says what it did; the caller
 * frees out->state once the transaction has ended (the checkpoint may
 * still be written from it). */
int tr_store_refresh_milestones(struct tr_store *s, tr_day first_changed,
                                const struct tr_engine_prep *prep, struct tr_refresh *out,
                                struct tr_error *err);

/* The engine's preparation the store keeps for its catalog as it is now
 * (mapped: made once per catalog, not per run), or NULL when it keeps
 * none that fits; freed with tr_engine_prep_free. */
struct tr_engine_prep *tr_store_kept_prep(struct tr_store *s);
/* Keeps p, made for the catalog as the open write transaction leaves it,
 * for the runs after.  0 or an error of the store. */
int tr_store_keep_prep(struct tr_store *s, const struct tr_engine_prep *p, struct tr_error *err);

/* Recomputes the chart milestones from every stored chart entry (inside a
 * write transaction, with the catalog loaded). */
int tr_store_refresh_chart_milestones(struct tr_store *s, struct tr_error *err);

/* Runs fn inside a read transaction. */
int tr_store_read(struct tr_store *s, int (*fn)(struct tr_store *, void *, struct tr_error *),
                  void *arg, struct tr_error *err);

/* Judges the events dated from since and keeps their claims for
 * tr_store_claims (inside a write transaction, catalog loaded, after every
 * write of events); state: the engine's state when the caller has it
 * (NULL: read).  *n_claims: how many.  drop: none kept (any other write). */
int tr_store_keep_claims(struct tr_store *s, tr_day since, const void *state, size_t state_len,
                         size_t *n_claims, struct tr_error *err);
int tr_store_drop_claims(struct tr_store *s, struct tr_error *err);

/* Puts events in tr_milestone_cmp order (a pass when they already are). */
void tr_store_sort_events(struct tr_milestone *ev, size_t n);
/* The engine's state that fits the stored data: the checkpoint, else
 * computed by a scan of every day (inside a transaction, catalog loaded).
 * *data malloc'd. */
int tr_store_engine_state(struct tr_store *s, void **data, size_t *len, struct tr_error *err);
/* The coverage held in an engine state (catalog loaded). */
int tr_store_coverage_of(struct tr_store *s, const void *state, size_t state_len,
                         struct tr_coverage *out, struct tr_error *err);

#endif
