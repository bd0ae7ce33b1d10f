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
    bool probed;                 /* probe holds the backend's probe from */
    uint8_t probe[TR_PROBE_BYTES];   /* just before that read began */
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

/* Puts in front of be's functions the record of what each write
 * transaction wrote of the play counts and the catalog, appended to
 * meta.changes as it commits (store/changes.c; tr_store_changes_since);
 * put in before the seals and undone after them (tr_backend_untrack_changes). */
int tr_backend_track_changes(struct tr_backend *be, struct tr_error *err);
void tr_backend_untrack_changes(struct tr_backend *be);

/* Drops the cached catalog (after a failed import edited it). */
void tr_store_forget(struct tr_store *s);
/* Loads the catalog as the backend has it now (inside a transaction). */
int tr_store_load_catalog(struct tr_store *s, struct tr_error *err);
/* Sets the store's ladders (inside a write transaction), kept as their
 * canonical text. */
int tr_store_set_ladders(struct tr_store *s, const struct tr_ladders *ls, struct tr_error *err);

/* One read transaction, made explicit: begin, the reads through its
 * store, end.  Inside an open read (tr_store_begin_read's snapshot, or an
 * outer tr_store_read_begin), begin joins it and end leaves it open.  The reads between them see one state of the store,
 * never half an import.  begin sets *t even when it fails (end then passes rc through);
 * 0 or an error of the store. */
struct tr_read_txn {
    struct tr_store *store;
    bool own;                    /* begun here: end commits or rolls back */
};
int tr_store_read_begin(struct tr_store *s, struct tr_read_txn *t, struct tr_error *err);
/* Ends t: commits when rc is 0, else rolls back; returns rc, else the
 * commit's error. */
int tr_store_read_end(struct tr_read_txn *t, int rc, struct tr_error *err);

/* Drops the kept claims (any write that changes what they were judged
 * on, inside its write transaction). */
int tr_store_drop_claims(struct tr_store *s, struct tr_error *err);

/* Puts events in tr_milestone_cmp order (a pass when they already are). */
void tr_store_sort_events(struct tr_milestone *ev, size_t n);

#endif
