/*
 * engine.h: the milestone engine (library-private).
 *
 * One pass over every stored chunk, in day order, finds each recording's
 * crossings of the ladder, the days its count went down, and the daily
 * totals of releases and artists; every-track milestones then follow from
 * the track crossings.  The rules are in docs/milestones.md.
 */
#ifndef TR_ENGINE_H
#define TR_ENGINE_H

#include "store/backend.h"
#include "model/milestone_order.h"

struct tr_engine_result {
    struct tr_milestone *events;     /* sorted by date, kind, subject, threshold */
    size_t n_events;
    struct tr_correction *corrections;  /* sorted by date, track */
    size_t n_corrections;
    bool incremental;            /* resumed from a checkpoint: only new events */
    void *state;                 /* the checkpoint after this run */
    size_t state_len;
};

/* What a run derives from the catalog alone (each track's day 0, which
 * releases and artists each recording counts toward): a tenth of a second
 * at a million tracks, so an import prepares it on another core while it
 * writes.  tr_engine_prepare returns 0 or TR_ENOMEM. */
struct tr_engine_prep;
int tr_engine_prepare(const struct tr_catalog *c, struct tr_engine_prep **out);
void tr_engine_prep_free(struct tr_engine_prep *p);
/* The preparation as bytes (*out malloc'd, *len bytes), so that a store
 * can keep it beside the catalog it was made from; 0 or TR_ENOMEM. */
int tr_engine_prep_save(const struct tr_engine_prep *p, void **out, size_t *len);
/* A preparation that uses such bytes in place (4-byte aligned memory that
 * outlives it, such as a mapping of the file): it must have been saved from
 * c's catalog as it is now, which the caller vouches for (the shape is
 * checked, and whatever the scan indexes by, so that damaged bytes cannot
 * take it out of its arrays).  On success it hands bytes to
 * release(bytes, len, ctx) when freed; TR_ESTORE when the bytes do not fit
 * (they stay the caller's), TR_ENOMEM. */
int tr_engine_prep_adopt(const struct tr_catalog *c, void *bytes, size_t len,
                         void (*release)(void *bytes, size_t len, void *ctx), void *ctx,
                         struct tr_engine_prep **out);

/* The preparation the store s keeps for its catalog as it is now (mapped:
 * made once per catalog, not per run), or NULL when it keeps none that
 * fits; freed with tr_engine_prep_free. */
struct tr_engine_prep *tr_engine_prep_kept(struct tr_store *s);
/* Keeps p, made for the catalog as the open write transaction of s leaves
 * it, for the runs after.  0 or an error of the store. */
int tr_engine_prep_keep(struct tr_store *s, const struct tr_engine_prep *p, struct tr_error *err);

/* What the forecasts read of a preparation (borrowed from it): series s
 * counts toward the totals inc[inc_off[s] .. inc_off[s + 1]) (a total t
 * below the catalog's n_releases is release t, else artist t -
 * n_releases); start[s] is the earliest day any id of the recording came
 * out, tot_start[t] a release's date or an artist's first day. */
struct tr_engine_prep_view {
    const uint32_t *inc_off, *inc;
    const tr_day *start, *tot_start;
};
void tr_engine_prep_view(const struct tr_engine_prep *p, struct tr_engine_prep_view *out);

/* The threads a scan runs on: 2 (the calling thread and a helper, when
 * the recordings fill more than one group of series), or 1.  Tests set it
 * to compare the two. */
extern int tr_engine_lanes;
/* Tests: the split between the lanes takes every value in turn, a day
 * each, instead of following the lanes' timing, so recordings move. */
extern bool tr_engine_split_cycle;

/* Scans the stored series for milestones.  prep, when not NULL, must have
 * been prepared from c as it is now (one made for another shape is not
 * used: a safeguard, not a check).  With resume (a checkpoint an earlier
 * run returned in ->state) and first_changed (the earliest day whose data
 * changed since) after the checkpoint's last day, only the
 * days after the checkpoint are scanned and only their events returned;
 * otherwise, or for a checkpoint made for another catalog shape or
 * ladder, everything is scanned.  resume (malloc'd, or NULL) is the
 * engine's: the run works in it and returns it as ->state, or frees it. */
int tr_engine_run(struct tr_backend *be, const struct tr_catalog *c, const struct tr_ladders *ls,
                  const struct tr_engine_prep *prep, tr_day first_changed, void *resume,
                  size_t resume_len, struct tr_engine_result *out, struct tr_error *err);
void tr_engine_result_release(struct tr_engine_result *r);

/* The last day a checkpoint covers when it fits this catalog and ladder
 * (an import of later days will scan those alone), else TR_DAY_NONE. */
tr_day tr_engine_checkpoint_day(const struct tr_catalog *c, const struct tr_ladders *ls,
                                const void *checkpoint, size_t len);

/* The coverage kept in a checkpoint: each series' first and last day
 * with data (*first, *last malloc'd, n series; NULL and 0 without a
 * checkpoint). 0, TR_ESTORE or TR_ENOMEM. */
int tr_engine_coverage(const void *checkpoint, size_t len, tr_day **first, tr_day **last,
                       uint32_t *n);

/* Recomputes the chart milestones from every stored chart entry
 * (charts.c; inside a write transaction, with the catalog loaded). */
int tr_chart_milestones_refresh(struct tr_store *s, struct tr_error *err);

#endif
