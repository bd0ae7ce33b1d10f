/*
 * engine_internal.h: what the milestone engine's files share (library-
 * private): its state (struct engine), the preparation's layout, and the
 * functions one file gives another.
 *
 *   engine.c       the scan: observations, totals, the two lanes, the run
 *   prep.c         the preparation from the catalog, and as bytes
 *   checkpoint.c   the state as a checkpoint: laid out, saved, taken up
 *   every_track.c  every-track milestones from the track crossings
 *   sort.c         the milestone sort
 */
#ifndef TR_ENGINE_INTERNAL_H
#define TR_ENGINE_INTERNAL_H

#include "milestones/engine.h"
#include "trackrecord/array.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct vec {
    void *p;
    size_t n, cap, size;
    size_t first;                /* elements of the first allocation (0: 256) */
};

static inline void *vec_push(struct vec *v)
{
    size_t need = v->cap ? v->n + 1 : v->first ? v->first : 256;
    if (tr_array_reserve_size(&v->p, &v->cap, need, v->size, false))
        return NULL;
    return (char *)v->p + v->size * v->n++;
}

/* Moves the elements of src to the end of dst: 0, or -1 out of memory. */
static inline int vec_append(struct vec *dst, struct vec *src)
{
    if (!src->n)
        return 0;
    if (dst->n + src->n > dst->cap) {
        void *p = realloc(dst->p, (dst->n + src->n) * dst->size);
        if (!p)
            return -1;
        dst->p = p;
        dst->cap = dst->n + src->n;
    }
    memcpy((char *)dst->p + dst->n * dst->size, src->p, src->n * src->size);
    dst->n += src->n;
    src->n = 0;
    return 0;
}

/* What a run derives from the catalog alone (engine.h). */
struct tr_engine_prep {
    uint32_t ns, nt, n_tracks;   /* the catalog's shape it was made for */
    tr_day *track_day0;          /* by track: its day 0 (tr_catalog_track_days) */
    tr_day *start;               /* by series: the earliest day any of its ids came out */
    uint32_t *inc_off, *inc;     /* series -> totals incidence (CSR) */
    uint32_t *run_lo;            /* runs of consecutive series counted by the same
                                  * totals: run r is [run_lo[r], run_lo[r + 1]) */
    uint32_t n_runs;
    uint32_t *group_run;         /* by group: the run holding its first series */
    tr_day *tot_start;           /* by total: a release's date, an artist's first day */
    /* the arrays live in bytes (tr_engine_prep_adopt), released with it */
    void *bytes;
    size_t len;
    void (*release)(void *bytes, size_t len, void *ctx);
    void *ctx;
};

/* A release's or an artist's running total. */
struct total {
    uint64_t next;               /* the next threshold to cross; 0: none */
    uint32_t started;            /* recordings seen at least once */
    uint32_t seen;               /* recordings seen on day `stamp` */
    tr_day stamp;                /* the day `seen` counts */
    tr_day last_day;             /* the last day the total was known */
    tr_day start;                /* day 0: a release's date, an artist's first */
};

/* What one thread's recordings report (see the top of the file). */
struct lane {
    struct vec events, corrections;
    uint64_t *sum;               /* lane 0: the engine's sums; lane 1: today's changes */
    uint32_t n_today;            /* recordings observed on the day being scanned */
    uint32_t n_started;          /* recordings seen for the first time today */
    int rc;                      /* lane 1: the error that stopped it */
    uint64_t delta[TR_GROUP_SLOTS];
    uint8_t present[TR_GROUP_SLOTS];
};

/* Lane 1's chunks of the day, copied (the scan's bytes last one call). */
struct pending {
    uint8_t *bytes;
    size_t len, cap;
    size_t n;                    /* chunks: each a uint32 group, a uint32 length, bytes */
};

struct engine {
    const struct tr_catalog *c;
    const struct tr_ladders *ls;
    const struct tr_ladder *l;   /* a recording's thresholds (tr_ladders_series) */
    const struct tr_ladder *l_track, *l_every, *l_release, *l_artist;
    uint32_t ns;                 /* series */
    uint32_t nt;                 /* totals: releases then artists */
    /* series state; the arrays the checkpoint keeps live in one buffer
     * laid out as the checkpoint is (state_arrays), so that a resumed run
     * works in the checkpoint it was handed and returns it as the next */
    char *buf;
    uint64_t *last, *max, *next;
    tr_day *last_day, *first_day;
    uint32_t *k, *k_before;      /* thresholds crossed, now and when the scan began */
    /* from the catalog alone: series -> totals incidence, its runs, each
     * track's day 0, each series' start */
    const struct tr_engine_prep *p;
    struct tr_engine_prep *own_prep;     /* prepared by this run: freed with it */
    /* totals state */
    uint64_t *sum;               /* each total's sum of its recordings' latest counts:
                                  * apart, as the one field every observation updates
                                  * (lane 0's sum) */
    struct total *tot;           /* the rest of each total, read once a day */
    uint32_t *touched;           /* totals with a member seen today */
    uint32_t n_started;          /* recordings seen at least once */
    tr_day day;                  /* day being scanned */
    struct lane lane[2];
    /* lane 1's thread: the groups below split are its own, moved each day
     * so that the lanes end the day together (balance) */
    uint32_t split, groups;
    uint32_t own_chunks;         /* lane 0's chunks of the day */
    double handed_at, lane1_done_at;     /* seconds: lane 1 started and ended its day */
    bool helper;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    enum { IDLE, WORK, JUDGE, DONE, QUIT } job;
    bool busy;                   /* lane 1 has a job (until it is DONE and seen) */
    struct pending pending;
};

/* checkpoint.c */
int engine_alloc_state(struct engine *g, void *resume);
void engine_free_state(struct engine *g);
void engine_state_save(struct engine *g, void **out, size_t *len);
tr_day engine_state_load(struct engine *g, tr_day last);
void *engine_checkpoint_relaid(void *resume, const char *ladder);
/* every_track.c */
int engine_every_track(struct engine *g);
void engine_drop_every_track_only(struct engine *g);

#endif
