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

#include "store_backend.h"

struct tr_engine_result {
    struct tr_milestone *events;     /* sorted by date, kind, subject, threshold */
    size_t n_events;
    struct tr_correction *corrections;  /* sorted by date, track */
    size_t n_corrections;
    tr_day *series_first, *series_last; /* coverage by series index */
    uint32_t n_series;
};

int tr_engine_run(struct tr_backend *be, const struct tr_catalog *c, const struct tr_ladder *l,
                  struct tr_engine_result *out, struct tr_error *err);
void tr_engine_result_release(struct tr_engine_result *r);

/* Sort order of events shared by the engine and the stores. */
int tr_milestone_cmp(const void *a, const void *b);

#endif
