/*
 * engine.c: milestones from the stored series.
 *
 * State per recording (series): last value and day, highest value so far
 * and the next threshold above it.  State per total (each release, then
 * each artist, over the distinct recordings they count): the running sum,
 * how many member recordings have started (been seen at least once) and
 * how many were seen today.  A total is known on a day when every started
 * member was observed that day; only known days can cross a threshold,
 * and the previous known day bounds the crossing.
 *
 * A release's total and its every-track level are judged from its release
 * day on: streams of pre-release singles before it count, but the release
 * passes a threshold on day 0 at the earliest.
 *
 * Two lanes: each day's chunks are split by group between the calling
 * thread and a helper (lane 1 takes the lower groups, copied as they come,
 * while the calling thread goes on with the rest), so the recordings of
 * the two never meet on a day.  The split moves from day to day so that
 * the lanes finish together (the calling thread also reads the chunks).
 * What the lanes share is the totals: a lane keeps its own running
 * changes of the sums, joined at the day's end before the totals are
 * judged, and the started counts are counted atomically.  A lane's track
 * events are its own, joined after the scan (and put in order).
 *
 * Bounds: a crossing is exact when the previous observation is the day
 * before; when days are missing it lies in (after, date]; a first
 * observation already at or above the threshold is exact on or before the
 * subject's start day, bounded by the start day otherwise, and open when
 * no start day is known.
 */
#include "milestones/engine.h"
#include "store/series_codec.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct vec {
    void *p;
    size_t n, cap, size;
    size_t first;                /* elements of the first allocation (0: 256) */
};

static void *vec_push(struct vec *v)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : v->first ? v->first : 256;
        void *p = realloc(v->p, cap * v->size);
        if (!p)
            return NULL;
        v->p = p;
        v->cap = cap;
    }
    return (char *)v->p + v->size * v->n++;
}

/* Moves the elements of src to the end of dst: 0, or -1 out of memory. */
static int vec_append(struct vec *dst, struct vec *src)
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

int tr_engine_lanes = 2;
bool tr_engine_split_cycle = false;

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

/* A crossing's bounds, from the previous observation (or known day of a
 * total) and the subject's start day; a first observation already past
 * the threshold is a baseline unless it came on or before the start day
 * (nothing was streamed before that: the crossing is exact). */
static void set_bounds(struct tr_milestone *e, tr_day prev_day, tr_day start)
{
    e->after = TR_DAY_NONE;
    e->open_start = false;
    e->baseline = false;
    if (prev_day != TR_DAY_NONE) {
        if (prev_day < e->date - 1)
            e->after = prev_day;
    } else if (start != TR_DAY_NONE) {
        if (e->date > start) {
            e->after = start - 1;
            e->baseline = true;
        }
    } else {
        e->open_start = true;
        e->baseline = true;
    }
}

static int emit(struct engine *g, struct vec *events, enum tr_subject_type st, uint32_t subject,
                enum tr_milestone_kind kind, uint64_t threshold, uint64_t value, tr_day day0,
                tr_day prev_day, tr_day start)
{
    struct tr_milestone *e = vec_push(events);
    if (!e)
        return TR_ENOMEM;
    *e = (struct tr_milestone){.subject_type = st, .subject = subject, .kind = kind,
                               .threshold = threshold, .value = value, .date = g->day,
                               .day = day0 != TR_DAY_NONE ? g->day - day0 : TR_DAYN_NONE,
                               .slowest = TR_NONE};
    set_bounds(e, prev_day, start);
    return 0;
}

/* Emits every threshold of ladder l in [*next, v], advances *next and
 * counts the crossings in *count (may be NULL). */
static int cross(struct engine *g, struct vec *events, const struct tr_ladder *l, uint64_t *next,
                 uint64_t v, enum tr_subject_type st, uint32_t subject, enum tr_milestone_kind kind,
                 tr_day day0, tr_day prev_day, tr_day start, uint32_t *count)
{
    while (*next && v >= *next) {
        int rc = emit(g, events, st, subject, kind, *next, v, day0, prev_day, start);
        if (rc)
            return rc;
        *next = tr_ladder_next(l, *next);
        if (count)
            (*count)++;
    }
    return 0;
}

/* One observation of series s, the general case (observe_chunk takes the
 * common one itself): its state, its crossings, its correction.  The sums
 * of its totals are observe_chunk's.  Kept out of line: inlined, it would
 * take the registers of observe_chunk's loop. */
__attribute__((noinline))
static int observe(struct engine *g, struct lane *ln, uint32_t s, uint64_t delta)
{
    tr_day d = g->day;
    uint64_t old = g->last[s], v = old + delta;
    uint64_t high = g->max[s] > old ? g->max[s] : old;   /* max is lazy: see observe_chunk */
    bool first = g->first_day[s] == TR_DAY_NONE;
    if (first) {
        g->first_day[s] = d;
        for (uint32_t k = g->p->inc_off[s]; k < g->p->inc_off[s + 1]; k++)
            __atomic_fetch_add(&g->tot[g->p->inc[k]].started, 1, __ATOMIC_RELAXED);
    } else if (v < old) {
        struct tr_correction *cr = vec_push(&ln->corrections);
        if (!cr)
            return TR_ENOMEM;
        *cr = (struct tr_correction){g->c->series_track[s], d, g->last_day[s], old, v};
    }
    if (v > high) {
        if (g->next[s] && v >= g->next[s]) {
            uint32_t t = g->c->series_track[s];
            int rc = cross(g, &ln->events, g->l, &g->next[s], v, TR_SUBJECT_TRACK, t, TR_MS_TRACK_TOTAL,
                           g->p->track_day0[t], first ? TR_DAY_NONE : g->last_day[s], g->p->start[s],
                           &g->k[s]);
            if (rc)
                return rc;
        }
        high = v;
    }
    g->max[s] = high;
    g->last[s] = v;
    g->last_day[s] = d;
    if (first)
        ln->n_started++;
    ln->n_today++;
    return 0;
}

/* One total on the day just scanned, known: it may cross. */
static int total_known(struct engine *g, struct vec *events, uint32_t t)
{
    uint32_t nr = g->c->n_releases;
    bool release = t < nr;
    struct total *tt = &g->tot[t];
    if (release && tt->start != TR_DAY_NONE && g->day < tt->start)
        return 0;   /* a release not out yet (pre-release singles) */
    if (tt->next && g->sum[t] >= tt->next) {
        int rc = cross(g, events, release ? g->l_release : g->l_artist, &tt->next, g->sum[t],
                       release ? TR_SUBJECT_RELEASE : TR_SUBJECT_ARTIST,
                       release ? t : t - nr, release ? TR_MS_RELEASE_TOTAL : TR_MS_ARTIST_TOTAL,
                       tt->start, tt->last_day, tt->start, NULL);
        if (rc)
            return rc;
    }
    tt->last_day = g->day;
    return 0;
}

static void lane_job(struct engine *g, int job);
static void lane_wait(struct engine *g);

/* Joins lane 1's changes of the sums of totals [lo, hi) into the sums. */
static void join_sums(struct engine *g, uint32_t lo, uint32_t hi)
{
    uint64_t *changes = g->lane[1].sum;
    for (uint32_t t = lo; t < hi; t++) {
        g->sum[t] += changes[t];
        changes[t] = 0;
    }
}

/* Totals [lo, hi), on a day every started recording reported: their sums
 * joined, then judged. */
static int judge_totals(struct engine *g, struct vec *events, uint32_t lo, uint32_t hi)
{
    int rc = 0;
    join_sums(g, lo, hi);
    /* total_known's common case inline: out, and crossing nothing */
    struct total *tot = g->tot;
    const uint64_t *sum = g->sum;
    const uint32_t nr = g->c->n_releases;
    const tr_day day = g->day;
    for (uint32_t t = lo; t < hi && !rc; t++) {
        if (!tot[t].started)
            continue;
        if ((tot[t].next && sum[t] >= tot[t].next) ||
            (t < nr && tot[t].start != TR_DAY_NONE && day < tot[t].start))
            rc = total_known(g, events, t);
        else
            tot[t].last_day = day;
    }
    return rc;
}

/* Totals of the day just scanned: the known ones may cross.  A total is
 * known when every member recording that has started was observed today.
 * A feed that lists every recording every day makes them all known, which
 * is checked once for the day; otherwise each total counts its members
 * seen today. */
static int finish_day(struct engine *g)
{
    int rc = 0;
    struct lane *l0 = &g->lane[0], *l1 = &g->lane[1];
    g->n_started += l0->n_started + l1->n_started;
    l0->n_started = l1->n_started = 0;
    if (l0->n_today + l1->n_today == g->n_started) {
        if (g->helper && g->nt >= 2 * TR_GROUP_SLOTS) {
            /* lane 1 takes the first half of the totals, this thread the rest */
            lane_job(g, JUDGE);
            rc = judge_totals(g, &l0->events, g->nt / 2, g->nt);
            lane_wait(g);
            if (!rc)
                rc = l1->rc;
        } else {
            rc = judge_totals(g, &l0->events, 0, g->nt);
        }
    } else {
        if (l1->n_today)
            join_sums(g, 0, g->nt);
        /* the recordings observed today are the ones whose last day it is */
        uint32_t n_touched = 0;
        for (uint32_t s = 0; s < g->ns; s++) {
            if (g->last_day[s] != g->day)
                continue;
            for (uint32_t k = g->p->inc_off[s]; k < g->p->inc_off[s + 1]; k++) {
                struct total *tt = &g->tot[g->p->inc[k]];
                if (tt->stamp != g->day) {
                    tt->stamp = g->day;
                    tt->seen = 0;
                    g->touched[n_touched++] = g->p->inc[k];
                }
                tt->seen++;
            }
        }
        for (uint32_t i = 0; i < n_touched && !rc; i++)
            if (g->tot[g->touched[i]].seen == g->tot[g->touched[i]].started)
                rc = total_known(g, &l0->events, g->touched[i]);
    }
    l0->n_today = l1->n_today = 0;
    return rc;
}

/* The chunk's deltas into the sums of their totals, a run of series at a
 * time (prep's runs): the series of a run count towards the same totals,
 * so each total takes the run's summed deltas once (an absent slot's delta
 * is 0).  The tracks of a release or an artist mostly have consecutive
 * series, so this is one update of a total per run instead of one per
 * observation. */
static void add_sums(struct engine *g, struct lane *ln, uint32_t grp, uint32_t n)
{
    uint32_t base = grp * TR_GROUP_SLOTS, end = base + n;
    const uint32_t *run_lo = g->p->run_lo, *inc_off = g->p->inc_off, *inc = g->p->inc;
    uint64_t *sum = ln->sum;
    /* prefix sums of the deltas: a run's sum is a difference of two */
    uint64_t pre[TR_GROUP_SLOTS + 1];
    pre[0] = 0;
    for (uint32_t s = 0; s < n; s++)
        pre[s + 1] = pre[s] + ln->delta[s];
    for (uint32_t r = g->p->group_run[grp]; r < g->p->n_runs && run_lo[r] < end; r++) {
        uint32_t lo = run_lo[r] > base ? run_lo[r] : base;
        uint32_t hi = run_lo[r + 1] < end ? run_lo[r + 1] : end;
        uint64_t acc = pre[hi - base] - pre[lo - base];
        uint32_t s0 = run_lo[r];
        for (uint32_t k = inc_off[s0]; k < inc_off[s0 + 1]; k++)
            sum[inc[k]] += acc;
    }
}

/* One chunk's observations, in lane ln. */
static int observe_chunk(struct engine *g, struct lane *ln, uint32_t grp, const uint8_t *data,
                         size_t len)
{
    uint32_t n;
    int rc;
    if (tr_chunk_decode(data, len, &n, ln->delta, ln->present))
        return TR_ESTORE;
    uint32_t base = grp * TR_GROUP_SLOTS;
    if (base + n > g->ns)
        n = base < g->ns ? g->ns - base : 0;  /* slots no catalog track owns */
    /* The common case inline, on local copies of the arrays (stores through
     * them could otherwise alias the engine's fields, and every field
     * would be read again per observation): a series seen before whose
     * count did not go down and crosses nothing.  It leaves max alone: a
     * count that only rises stays its own highest, so the highest is the
     * larger of max and last wherever it is read (observe, state_save),
     * and two of the five arrays the scan streams are not touched.  The rest are observed
     * after the loop (a call inside it would leave it short of registers),
     * and the sums in a loop of their own, for the same reason. */
    uint16_t slow[TR_GROUP_SLOTS];
    uint32_t n_slow = 0;
    const uint64_t *delta = ln->delta;
    const uint8_t *present = ln->present;
    uint64_t *last = g->last + base;
    const uint64_t *next = g->next + base;
    tr_day *last_day = g->last_day + base;
    uint32_t n_today = ln->n_today;
    const tr_day d = g->day;
    for (uint32_t s = 0; s < n; s++) {
        if (!present[s])
            continue;
        uint64_t old = last[s], v = old + delta[s];
        /* seen before (a series has a last day once it has a first day,
         * and the last day is written here anyway: one array less to
         * stream), and v < next, with next 0 (no threshold left) as the
         * largest; v = 0 takes the general way */
        if (last_day[s] != TR_DAY_NONE && v >= old && v - 1 < next[s] - 1) {
            last[s] = v;
            last_day[s] = d;
            n_today++;
        } else {
            slow[n_slow++] = (uint16_t)s;
        }
    }
    ln->n_today = n_today;
    for (uint32_t i = 0; i < n_slow; i++)
        if ((rc = observe(g, ln, base + slow[i], delta[slow[i]])))
            return rc;
    add_sums(g, ln, grp, n);
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Lane 1's thread: each job it is handed, the day's pending chunks or the
 * first half of the totals. */
static void *lane_thread(void *arg)
{
    struct engine *g = arg;
    struct lane *ln = &g->lane[1];
    pthread_mutex_lock(&g->mu);
    for (;;) {
        while (g->job != WORK && g->job != JUDGE && g->job != QUIT)
            pthread_cond_wait(&g->cv, &g->mu);
        if (g->job == QUIT)
            break;
        int job = g->job;
        pthread_mutex_unlock(&g->mu);
        if (job == JUDGE) {
            ln->rc = judge_totals(g, &ln->events, 0, g->nt / 2);
        } else {
            const uint8_t *p = g->pending.bytes;
            for (size_t i = 0; i < g->pending.n && !ln->rc; i++) {
                uint32_t head[2];
                memcpy(head, p, sizeof head);
                ln->rc = observe_chunk(g, ln, head[0], p + sizeof head, head[1]);
                p += sizeof head + head[1];
            }
        }
        double done = now_seconds();
        pthread_mutex_lock(&g->mu);
        g->lane1_done_at = done;
        g->job = DONE;
        pthread_cond_broadcast(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

static void lane_job(struct engine *g, int job)
{
    pthread_mutex_lock(&g->mu);
    g->job = job;
    g->busy = true;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

/* Waits for lane 1's job, if it has one. */
static void lane_wait(struct engine *g)
{
    pthread_mutex_lock(&g->mu);
    while (g->busy && g->job != DONE)
        pthread_cond_wait(&g->cv, &g->mu);
    g->job = IDLE;
    g->busy = false;
    pthread_mutex_unlock(&g->mu);
}

/* Lane 1 starts on its chunks of the day (once a day). */
static void hand_over(struct engine *g)
{
    if (!g->busy && g->pending.n) {
        g->handed_at = now_seconds();
        lane_job(g, WORK);
    }
}

/* Moves the split for the next day from how this day's went: lane 0
 * reads every chunk and observes its own, lane 1 observes the ones it was
 * handed, and the day ends when both are done.  The costs per chunk seen
 * today say how many groups to move to the lane that finished first; half
 * of that is moved, so that a noisy day does not swing it. */
static void rebalance(struct engine *g, double lane0_done_at, uint32_t lane1_chunks)
{
    if (tr_engine_split_cycle) {    /* tests: every split in turn */
        g->split = 1 + g->split % (g->groups - 1);
        return;
    }
    double t0 = lane0_done_at - g->handed_at, t1 = g->lane1_done_at - g->handed_at;
    if (!g->own_chunks || !lane1_chunks || t0 <= 0 || t1 <= 0)
        return;
    double per_chunk = t0 / g->own_chunks + t1 / lane1_chunks;
    double move = (g->lane1_done_at - lane0_done_at) / per_chunk / 2;   /* to lane 0 */
    double split = (double)g->split - move;
    g->split = split < 1 ? 1 : split > g->groups - 1 ? g->groups - 1 : (uint32_t)lround(split);
}

/* The day's end: lane 1 done, then the totals judged. */
static int end_day(struct engine *g)
{
    if (g->helper) {
        hand_over(g);
        double lane0_done_at = now_seconds();
        bool worked = g->busy;
        lane_wait(g);
        if (worked)
            rebalance(g, lane0_done_at, (uint32_t)g->pending.n);
        g->pending.n = g->pending.len = 0;
        g->own_chunks = 0;
        if (g->lane[1].rc)
            return g->lane[1].rc;
    }
    return finish_day(g);
}

static int scan_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct engine *g = ctx;
    int rc;
    if (day != g->day) {
        if (g->day != TR_DAY_NONE && (rc = end_day(g)))
            return rc;
        g->day = day;
    }
    if (g->helper && grp < g->split) {
        /* lane 1's: a day's chunks come in group order, so these come
         * first and are handed over at the first of lane 0's */
        struct pending *q = &g->pending;
        uint32_t head[2] = {grp, (uint32_t)len};
        if (q->len + sizeof head + len > q->cap) {
            size_t cap = q->cap ? q->cap * 2 : (size_t)1 << 20;
            while (cap < q->len + sizeof head + len)
                cap *= 2;
            uint8_t *b = realloc(q->bytes, cap);
            if (!b)
                return TR_ENOMEM;
            q->bytes = b;
            q->cap = cap;
        }
        memcpy(q->bytes + q->len, head, sizeof head);
        memcpy(q->bytes + q->len + sizeof head, data, len);
        q->len += sizeof head + len;
        q->n++;
        return 0;
    }
    if (g->helper) {
        hand_over(g);
        g->own_chunks++;
    }
    return observe_chunk(g, &g->lane[0], grp, data, len);
}

/* Starts lane 1 when the recordings fill more than one group. */
static void lanes_start(struct engine *g)
{
    uint32_t groups = (g->ns + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
    if (tr_engine_lanes < 2 || groups < 2)
        return;
    g->groups = groups;
    g->split = groups / 2;        /* about where a long scan settles (rebalance) */
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->job = IDLE;
    if (pthread_create(&g->thread, NULL, lane_thread, g) == 0) {
        g->helper = true;
        return;
    }
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
}

static void lanes_stop(struct engine *g)
{
    if (!g->helper)
        return;
    lane_wait(g);                           /* an error may have left it working */
    pthread_mutex_lock(&g->mu);
    g->job = QUIT;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->thread, NULL);
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    g->helper = false;
}

/* Distinct series of a track list, appended to *out (which has room). */
static uint32_t distinct_series(const struct tr_catalog *c, const uint32_t *tracks, uint32_t n,
                                uint32_t *out, uint8_t *mark)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t s = c->tracks[tracks[i]].series;
        if (!mark[s]) {
            mark[s] = 1;
            out[k++] = s;
        }
    }
    for (uint32_t i = 0; i < k; i++)
        mark[out[i]] = 0;
    return k;
}

/* Builds the series -> totals incidence and each total's start day. */
static int build_incidence(const struct tr_catalog *c, struct tr_engine_prep *p)
{
    uint32_t nr = c->n_releases, na = c->n_artists;
    /* tracks crediting each artist, CSR */
    uint32_t *a_off = calloc(na + 1, sizeof *a_off), *a_tr = NULL;
    uint8_t *mark = calloc(p->ns ? p->ns : 1, 1);
    uint32_t *pairs_s = NULL, *pairs_t = NULL, *buf = NULL;
    int rc = TR_ENOMEM;
    if (!a_off || !mark)
        goto out;
    size_t credits = 0;
    for (uint32_t t = 0; t < c->n_tracks; t++)
        for (uint32_t k = 0; k < c->tracks[t].n_artists; k++, credits++)
            a_off[c->tracks[t].artists[k] + 1]++;
    for (uint32_t a = 0; a < na; a++)
        a_off[a + 1] += a_off[a];
    if (!(a_tr = malloc((credits ? credits : 1) * sizeof *a_tr)))
        goto out;
    {
        uint32_t *fill = calloc(na + 1, sizeof *fill);
        if (!fill)
            goto out;
        for (uint32_t t = 0; t < c->n_tracks; t++)
            for (uint32_t k = 0; k < c->tracks[t].n_artists; k++) {
                uint32_t a = c->tracks[t].artists[k];
                a_tr[a_off[a] + fill[a]++] = t;
            }
        free(fill);
    }
    size_t total = credits;
    uint32_t maxlist = 1;
    for (uint32_t r = 0; r < nr; r++) {
        total += c->releases[r].n_tracks;
        if (c->releases[r].n_tracks > maxlist)
            maxlist = c->releases[r].n_tracks;
    }
    for (uint32_t a = 0; a < na; a++)
        if (a_off[a + 1] - a_off[a] > maxlist)
            maxlist = a_off[a + 1] - a_off[a];
    pairs_s = malloc((total ? total : 1) * sizeof *pairs_s);
    pairs_t = malloc((total ? total : 1) * sizeof *pairs_t);
    buf = malloc(maxlist * sizeof *buf);
    p->inc_off = calloc((size_t)p->ns + 1, sizeof *p->inc_off);
    if (!pairs_s || !pairs_t || !buf || !p->inc_off)
        goto out;
    size_t np = 0;
    for (uint32_t t = 0; t < p->nt; t++) {
        uint32_t n;
        if (t < nr)
            n = distinct_series(c, c->releases[t].tracks, c->releases[t].n_tracks, buf, mark);
        else
            n = distinct_series(c, a_tr + a_off[t - nr], a_off[t - nr + 1] - a_off[t - nr], buf, mark);
        for (uint32_t k = 0; k < n; k++) {
            pairs_s[np] = buf[k];
            pairs_t[np++] = t;
            p->inc_off[buf[k] + 1]++;
        }
    }
    for (uint32_t s = 0; s < p->ns; s++)
        p->inc_off[s + 1] += p->inc_off[s];
    if (!(p->inc = malloc((np ? np : 1) * sizeof *p->inc)))
        goto out;
    {
        uint32_t *fill = calloc((size_t)p->ns + 1, sizeof *fill);
        if (!fill)
            goto out;
        for (size_t i = 0; i < np; i++)
            p->inc[p->inc_off[pairs_s[i]] + fill[pairs_s[i]]++] = pairs_t[i];
        free(fill);
    }
    tr_day *artist_day0;
    if (tr_catalog_artist_days(c, &artist_day0))
        goto out;
    for (uint32_t t = 0; t < p->nt; t++)
        p->tot_start[t] = t < nr ? c->releases[t].date : artist_day0[t - nr];
    free(artist_day0);
    rc = 0;
out:
    free(a_off);
    free(a_tr);
    free(mark);
    free(pairs_s);
    free(pairs_t);
    free(buf);
    return rc;
}

/* ---- checkpoint ------------------------------------------------------
 * The state after a scan, so that the next import that only adds later
 * days scans those days alone.  Layout: a header, the ladder's text padded
 * to 8 bytes, then the state arrays in the order of the table below (the
 * 8-byte ones first, so each is aligned), native byte order (the
 * checkpoint is a cache: a mismatch of any kind means a full scan). */

#define STATE_MAGIC 0x34534554u   /* "TES4" */

struct state_header {
    uint32_t magic;
    uint32_t ns, nt;
    tr_day last_day;              /* the last day scanned */
    uint32_t ladder_len;
};

struct state_array {
    size_t offset;                /* of the pointer inside struct engine */
    size_t size;                  /* element size */
    bool per_total;               /* nt elements, else ns */
};

#define SA(field, per_total) {offsetof(struct engine, field), sizeof *((struct engine *)0)->field, per_total}
static const struct state_array state_arrays[] = {
    SA(last, false), SA(max, false), SA(tot, true), SA(sum, true),
    SA(last_day, false), SA(first_day, false), SA(k, false),
};
#undef SA

static void **array_ptr(struct engine *g, const struct state_array *a)
{
    return (void **)((char *)g + a->offset);
}

/* Where the arrays begin. */
static size_t state_offset(size_t ladder_len)
{
    return (sizeof(struct state_header) + ladder_len + 7) & ~(size_t)7;
}

static size_t state_size(uint32_t ns, uint32_t nt, size_t ladder_len)
{
    size_t n = state_offset(ladder_len);
    for (size_t i = 0; i < sizeof state_arrays / sizeof *state_arrays; i++)
        n += state_arrays[i].size * (state_arrays[i].per_total ? nt : ns);
    return n;
}

/* Cuts the series into runs of consecutive ones with the same totals
 * (add_sums) and finds each group's first run. */
static int build_runs(struct tr_engine_prep *p)
{
    uint32_t groups = (p->ns + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
    p->run_lo = malloc(((size_t)p->ns + 1) * sizeof *p->run_lo);
    p->group_run = malloc(((size_t)groups + 1) * sizeof *p->group_run);
    if (!p->run_lo || !p->group_run)
        return TR_ENOMEM;
    uint32_t n = 0;
    for (uint32_t s = 0; s < p->ns; s++) {
        uint32_t len = p->inc_off[s + 1] - p->inc_off[s];
        if (s == 0 || len != p->inc_off[s] - p->inc_off[s - 1] ||
            memcmp(p->inc + p->inc_off[s], p->inc + p->inc_off[s - 1], len * sizeof *p->inc))
            p->run_lo[n++] = s;
        if (s % TR_GROUP_SLOTS == 0)
            p->group_run[s / TR_GROUP_SLOTS] = n - 1;
    }
    p->run_lo[n] = p->ns;
    p->n_runs = n;
    return 0;
}

/* The state: the checkpoint's arrays in the buffer `resume` (a checkpoint
 * that fits, taken over) or in a new one, and the rest beside it. */
static int alloc_state(struct engine *g, void *resume)
{
    size_t ns = g->ns ? g->ns : 1, nt = g->nt ? g->nt : 1;
    size_t ladder_len = strlen(tr_ladders_text(g->ls));
    g->buf = resume ? resume : malloc(state_size(g->ns, g->nt, ladder_len));
    if (!g->buf)
        return TR_ENOMEM;
    char *at = g->buf + state_offset(ladder_len);
    for (size_t i = 0; i < sizeof state_arrays / sizeof *state_arrays; i++) {
        *array_ptr(g, &state_arrays[i]) = at;
        at += state_arrays[i].size * (state_arrays[i].per_total ? g->nt : g->ns);
    }
    g->next = malloc(ns * sizeof *g->next);
    g->k_before = malloc(ns * sizeof *g->k_before);
    g->touched = malloc(nt * sizeof *g->touched);
    g->lane[0].sum = g->sum;
    g->lane[1].sum = calloc(nt, sizeof *g->lane[1].sum);
    for (int i = 0; i < 2; i++) {
        g->lane[i].events.size = sizeof(struct tr_milestone);
        /* 64 MB of address space at once: malloc maps a block that large
         * on its own, so only the pages filled are ever touched, and
         * growing it past that remaps instead of copying; a doubling from
         * 256 would copy the events of a full scan several times over */
        g->lane[i].events.first = ((size_t)64 << 20) / sizeof(struct tr_milestone);
        g->lane[i].corrections.size = sizeof(struct tr_correction);
    }
    if (!g->next || !g->k_before || !g->touched || !g->lane[1].sum)
        return TR_ENOMEM;
    if (resume)
        return 0;                 /* state_load takes it from there */
    uint64_t first = tr_ladder_next(g->l, 0);
    uint64_t first_release = tr_ladder_next(g->l_release, 0), first_artist = tr_ladder_next(g->l_artist, 0);
    for (uint32_t s = 0; s < g->ns; s++) {
        g->last[s] = g->max[s] = 0;
        g->k[s] = g->k_before[s] = 0;
        g->next[s] = first;
        g->last_day[s] = g->first_day[s] = TR_DAY_NONE;
    }
    for (uint32_t t = 0; t < g->nt; t++) {
        g->sum[t] = 0;
        g->tot[t] = (struct total){.next = t < g->c->n_releases ? first_release : first_artist,
                                   .stamp = TR_DAY_NONE, .last_day = TR_DAY_NONE,
                                   .start = g->p->tot_start[t]};
    }
    return 0;
}

static void free_state(struct engine *g)
{
    free(g->buf);
    g->buf = NULL;
    free(g->next); free(g->k_before); free(g->touched);
    for (int i = 0; i < 2; i++) {
        free(g->lane[i].events.p);
        free(g->lane[i].corrections.p);
    }
    free(g->lane[1].sum);
    free(g->pending.bytes);
    memset(g->lane, 0, sizeof g->lane);
    g->pending = (struct pending){0};
    tr_engine_prep_free(g->own_prep);
    g->own_prep = NULL;
}

int tr_engine_prepare(const struct tr_catalog *c, struct tr_engine_prep **out)
{
    struct tr_engine_prep *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p)
        return TR_ENOMEM;
    p->ns = c->n_series;
    p->nt = c->n_releases + c->n_artists;
    p->n_tracks = c->n_tracks;
    int rc = tr_catalog_track_days(c, &p->track_day0);
    if (!rc && !(p->start = malloc((p->ns ? p->ns : 1) * sizeof *p->start)))
        rc = TR_ENOMEM;
    if (!rc && !(p->tot_start = malloc((p->nt ? p->nt : 1) * sizeof *p->tot_start)))
        rc = TR_ENOMEM;
    if (!rc)
        rc = build_incidence(c, p);
    if (rc) {
        tr_engine_prep_free(p);
        return rc;
    }
    if (build_runs(p)) {
        tr_engine_prep_free(p);
        return TR_ENOMEM;
    }
    /* a recording can have streams from the earliest day any of its ids
     * was released */
    for (uint32_t s = 0; s < p->ns; s++)
        p->start[s] = TR_DAY_NONE;
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        uint32_t s = c->tracks[t].series;
        tr_day d = p->track_day0[t];
        if (c->tracks[t].released != TR_DAY_NONE && (d == TR_DAY_NONE || c->tracks[t].released < d))
            d = c->tracks[t].released;
        if (d != TR_DAY_NONE && (p->start[s] == TR_DAY_NONE || d < p->start[s]))
            p->start[s] = d;
    }
    *out = p;
    return 0;
}

/* ---- the preparation as bytes -----------------------------------------
 * Layout: a header, then the arrays in the order of prep_arrays, each of
 * 32-bit values (native byte order: it is a cache kept beside the store,
 * made for one catalog generation). */

#define PREP_MAGIC 0x31504554u   /* "TEP1" */

struct prep_header {
    uint32_t magic, ns, nt, n_tracks, n_runs, n_inc;
};

static size_t prep_groups(uint32_t ns) { return ((size_t)ns + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS; }

/* The arrays' lengths, in their order in the bytes; and where each is. */
#define PREP_ARRAYS 7
static size_t prep_lengths(const struct prep_header *h, size_t n[PREP_ARRAYS])
{
    n[0] = h->n_tracks;                  /* track_day0 */
    n[1] = h->ns;                        /* start */
    n[2] = (size_t)h->ns + 1;            /* inc_off */
    n[3] = h->n_inc;                     /* inc */
    n[4] = (size_t)h->n_runs + 1;        /* run_lo */
    n[5] = prep_groups(h->ns);           /* group_run */
    n[6] = h->nt;                        /* tot_start */
    size_t total = sizeof *h;
    for (int i = 0; i < PREP_ARRAYS; i++)
        total += n[i] * sizeof(uint32_t);
    return total;
}

static void prep_sources(const struct tr_engine_prep *p, const void *v[PREP_ARRAYS])
{
    v[0] = p->track_day0, v[1] = p->start, v[2] = p->inc_off, v[3] = p->inc;
    v[4] = p->run_lo, v[5] = p->group_run, v[6] = p->tot_start;
}

static void prep_place(struct tr_engine_prep *p, char *at, const size_t n[PREP_ARRAYS])
{
    char *v[PREP_ARRAYS];
    for (int i = 0; i < PREP_ARRAYS; i++)
        v[i] = at, at += n[i] * sizeof(uint32_t);
    p->track_day0 = (tr_day *)(void *)v[0];
    p->start = (tr_day *)(void *)v[1];
    p->inc_off = (uint32_t *)(void *)v[2];
    p->inc = (uint32_t *)(void *)v[3];
    p->run_lo = (uint32_t *)(void *)v[4];
    p->group_run = (uint32_t *)(void *)v[5];
    p->tot_start = (tr_day *)(void *)v[6];
}

int tr_engine_prep_save(const struct tr_engine_prep *p, void **out, size_t *len)
{
    struct prep_header h = {PREP_MAGIC, p->ns, p->nt, p->n_tracks, p->n_runs, p->inc_off[p->ns]};
    size_t n[PREP_ARRAYS], total = prep_lengths(&h, n);
    const void *v[PREP_ARRAYS];
    prep_sources(p, v);
    char *b = malloc(total), *at = b;
    if (!b)
        return TR_ENOMEM;
    memcpy(at, &h, sizeof h), at += sizeof h;
    for (int i = 0; i < PREP_ARRAYS; i++) {
        if (n[i])
            memcpy(at, v[i], n[i] * sizeof(uint32_t));
        at += n[i] * sizeof(uint32_t);
    }
    *out = b;
    *len = total;
    return 0;
}

/* What the scan relies on to stay within its arrays: the incidence a CSR
 * of totals, the runs increasing from 0 to ns, each group's run a run. */
static bool prep_sound(const struct tr_engine_prep *p, uint32_t n_inc)
{
    if (p->inc_off[0] != 0 || p->inc_off[p->ns] != n_inc)
        return false;
    for (uint32_t s = 0; s < p->ns; s++)
        if (p->inc_off[s] > p->inc_off[s + 1])
            return false;
    for (uint32_t k = 0; k < n_inc; k++)
        if (p->inc[k] >= p->nt)
            return false;
    if (p->n_runs > p->ns || p->run_lo[p->n_runs] != p->ns || (p->n_runs && p->run_lo[0] != 0))
        return false;
    for (uint32_t r = 0; r < p->n_runs; r++)
        if (p->run_lo[r] >= p->run_lo[r + 1])
            return false;
    for (size_t g = 0; g < prep_groups(p->ns); g++)
        if (p->group_run[g] > p->n_runs)
            return false;
    return true;
}

int tr_engine_prep_adopt(const struct tr_catalog *c, void *bytes, size_t len,
                         void (*release)(void *bytes, size_t len, void *ctx), void *ctx,
                         struct tr_engine_prep **out)
{
    struct prep_header h;
    *out = NULL;
    if (len < sizeof h || (uintptr_t)bytes % _Alignof(uint32_t))
        return TR_ESTORE;
    memcpy(&h, bytes, sizeof h);
    if (h.magic != PREP_MAGIC || h.ns != c->n_series || h.nt != c->n_releases + c->n_artists ||
        h.n_tracks != c->n_tracks)
        return TR_ESTORE;
    struct tr_engine_prep *p = calloc(1, sizeof *p);
    if (!p)
        return TR_ENOMEM;
    *p = (struct tr_engine_prep){.ns = h.ns, .nt = h.nt, .n_tracks = h.n_tracks, .n_runs = h.n_runs};
    size_t n[PREP_ARRAYS];
    if (prep_lengths(&h, n) != len) {
        free(p);
        return TR_ESTORE;
    }
    prep_place(p, (char *)bytes + sizeof h, n);
    if (!prep_sound(p, h.n_inc)) {
        free(p);
        return TR_ESTORE;
    }
    p->bytes = bytes, p->len = len, p->release = release, p->ctx = ctx;
    *out = p;
    return 0;
}

void tr_engine_prep_view(const struct tr_engine_prep *p, struct tr_engine_prep_view *out)
{
    *out = (struct tr_engine_prep_view){p->inc_off, p->inc, p->start, p->tot_start};
}

void tr_engine_prep_free(struct tr_engine_prep *p)
{
    if (!p)
        return;
    if (p->bytes) {
        p->release(p->bytes, p->len, p->ctx);
        free(p);
        return;
    }
    free(p->track_day0);
    free(p->start);
    free(p->inc_off);
    free(p->inc);
    free(p->run_lo);
    free(p->group_run);
    free(p->tot_start);
    free(p);
}

/* Every-track milestones from the track crossings.  A recording's k-th
 * crossing is at the k-th ladder threshold, and a crossing is never
 * undone, so a release stands at level min(k) over its recordings and
 * passes a new level on the latest of its members' crossing days for that
 * level.  Levels reached before this scan (k_before) are already stored;
 * a new level has at least one member that crossed it in this scan, and
 * the slowest member is among those: the latest day, then the smallest
 * value. */
static int every_track(struct engine *g)
{
    const struct tr_catalog *c = g->c;
    size_t n_new = g->lane[0].events.n;   /* every_track runs after the lanes are joined */
    /* this scan's track events by series (each series' in threshold order) */
    uint32_t *off = calloc((size_t)g->ns + 1, sizeof *off);
    uint32_t *idx = malloc((n_new ? n_new : 1) * sizeof *idx);
    uint32_t *fill = calloc((size_t)g->ns + 1, sizeof *fill);
    uint8_t *crossed = calloc(c->n_releases ? c->n_releases : 1, 1);
    int rc = TR_ENOMEM;
    if (!off || !idx || !fill || !crossed)
        goto out;
    const struct tr_milestone *ev = g->lane[0].events.p;
    for (size_t i = 0; i < n_new; i++)
        if (ev[i].kind == TR_MS_TRACK_TOTAL)
            off[c->tracks[ev[i].subject].series + 1]++;
    for (uint32_t s = 0; s < g->ns; s++)
        off[s + 1] += off[s];
    for (size_t i = 0; i < n_new; i++)
        if (ev[i].kind == TR_MS_TRACK_TOTAL) {
            uint32_t s = c->tracks[ev[i].subject].series;
            idx[off[s] + fill[s]++] = (uint32_t)i;
            /* only a release with a member that crossed in this scan can
             * pass a new level (a day's few thousand, not every release) */
            for (uint32_t k = g->p->inc_off[s]; k < g->p->inc_off[s + 1]; k++)
                if (g->p->inc[k] < c->n_releases)
                    crossed[g->p->inc[k]] = 1;
        }
    /* a recording that moved between the lanes has its events in two
     * runs: each recording's in threshold order (a few, mostly in order) */
    for (uint32_t s = 0; s < g->ns; s++)
        for (uint32_t i = off[s] + 1; i < off[s + 1]; i++)
            for (uint32_t j = i; j > off[s] && ev[idx[j - 1]].threshold > ev[idx[j]].threshold; j--) {
                uint32_t t = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = t;
            }
    for (uint32_t r = 0; r < c->n_releases; r++) {
        const struct tr_release *rel = &c->releases[r];
        if (rel->n_tracks < 2 || !crossed[r])
            continue;   /* a single's "every track" is its track's milestone */
        uint32_t before = UINT32_MAX, now = UINT32_MAX;
        for (uint32_t k = 0; k < rel->n_tracks; k++) {
            uint32_t s = c->tracks[rel->tracks[k]].series;
            if (g->k_before[s] < before)
                before = g->k_before[s];
            if (g->k[s] < now)
                now = g->k[s];
        }
        for (uint32_t level = before; level < now; level++) {
            struct tr_milestone m = {0};
            uint32_t slow_track = TR_NONE;
            for (uint32_t k = 0; k < rel->n_tracks; k++) {
                uint32_t s = c->tracks[rel->tracks[k]].series;
                if (level < g->k_before[s])
                    continue;   /* crossed before this scan: not the slowest */
                const struct tr_milestone *e =
                    &((const struct tr_milestone *)g->lane[0].events.p)[idx[off[s] + level - g->k_before[s]]];
                if (slow_track == TR_NONE || e->date > m.date ||
                    (e->date == m.date && e->value < m.value)) {
                    m = *e;
                    slow_track = rel->tracks[k];
                }
            }
            if (g->l != g->l_track && !tr_ladder_has(g->l_every, m.threshold))
                continue;   /* a threshold of the track ladder alone */
            if (rel->date != TR_DAY_NONE && m.date < rel->date) {
                /* every track was past it before the release came out (as
                 * pre-release singles): the release passes it on its day 0 */
                m.date = rel->date;
                m.after = TR_DAY_NONE;
                m.open_start = false;
                m.baseline = false;
            }
            m.subject_type = TR_SUBJECT_RELEASE;
            m.subject = r;
            m.kind = TR_MS_EVERY_TRACK;
            m.day = rel->date != TR_DAY_NONE ? m.date - rel->date : TR_DAYN_NONE;
            m.slowest = slow_track;
            struct tr_milestone *e = vec_push(&g->lane[0].events);
            if (!e)
                goto out;
            *e = m;
        }
    }
    rc = 0;
out:
    free(off);
    free(idx);
    free(fill);
    free(crossed);
    return rc;
}

/* With an every-track ladder other than the track ladder, the recordings
 * crossed the thresholds of both: the track events of the every-track
 * thresholds alone, which only made the every-track ones, go. */
static void drop_every_track_only(struct engine *g)
{
    struct tr_milestone *ev = g->lane[0].events.p;
    size_t k = 0;
    for (size_t i = 0; i < g->lane[0].events.n; i++)
        if (ev[i].kind != TR_MS_TRACK_TOTAL || tr_ladder_has(g->l_track, ev[i].threshold))
            ev[k++] = ev[i];
    g->lane[0].events.n = k;
}

int tr_milestone_cmp(const void *pa, const void *pb)
{
    const struct tr_milestone *a = pa, *b = pb;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->subject_type != b->subject_type)
        return a->subject_type < b->subject_type ? -1 : 1;
    if (a->subject != b->subject)
        return a->subject < b->subject ? -1 : 1;
    if (a->threshold != b->threshold)
        return a->threshold < b->threshold ? -1 : 1;
    return a->scope == b->scope ? 0 : strcmp(tr_scope_name(a->scope), tr_scope_name(b->scope));
}

/* Bits needed for values 0..v. */
static unsigned bits_for(uint64_t v)
{
    unsigned b = 0;
    while (v >> b)
        b++;
    return b;
}

/* Puts ev[i] at position i for the permutation to[] (to[i] is the index
 * of the event that belongs at i), cycle by cycle in place; to[] is
 * consumed. */
static void permute(struct tr_milestone *ev, uint32_t *to, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (to[i] == i)
            continue;
        struct tr_milestone keep = ev[i];
        size_t j = i;
        while (to[j] != i) {
            size_t k = to[j];
            ev[j] = ev[k];
            to[j] = (uint32_t)j;
            j = k;
        }
        ev[j] = keep;
        to[j] = (uint32_t)j;
    }
}

/* Radix sort, see tr_milestone_sort: 0, or -1 when the keys do not fit
 * (or memory is short) and the caller falls back to qsort. */
static int radix_sort(struct tr_milestone *ev, size_t n)
{
    enum { DIGIT = 11, BUCKETS = 1 << DIGIT };
    tr_day lo = ev[0].date, hi = ev[0].date;
    uint32_t max_subject = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].date < lo)
            lo = ev[i].date;
        if (ev[i].date > hi)
            hi = ev[i].date;
        if (ev[i].subject > max_subject)
            max_subject = ev[i].subject;
    }
    unsigned sb = bits_for(max_subject), tb = bits_for(2), kb = bits_for(TR_MS_KIND_COUNT);
    unsigned ib = bits_for(n - 1), key_bits = bits_for((uint64_t)((int64_t)hi - lo)) + kb + tb + sb;
    if (n > UINT32_MAX || key_bits + ib > 64)
        return -1;
    uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    size_t *count = malloc(BUCKETS * sizeof *count);
    if (!a || !b || !count) {
        free(a), free(b), free(count);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t key = (uint64_t)((int64_t)ev[i].date - lo);
        key = key << kb | (uint64_t)ev[i].kind;
        key = key << tb | (uint64_t)ev[i].subject_type;
        key = key << sb | ev[i].subject;
        a[i] = key << ib | i;
    }
    /* LSD over the key bits above the index: stable, so equal keys keep
     * their input order */
    for (unsigned shift = ib; shift < ib + key_bits; shift += DIGIT) {
        memset(count, 0, BUCKETS * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(a[i] >> shift) & (BUCKETS - 1)]++;
        size_t sum = 0;
        for (size_t d = 0; d < BUCKETS; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[count[(a[i] >> shift) & (BUCKETS - 1)]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    uint32_t *to = (uint32_t *)b;   /* b has room for n uint32 */
    uint64_t mask = ((uint64_t)1 << ib) - 1;
    for (size_t i = 0; i < n; i++)
        to[i] = (uint32_t)(a[i] & mask);
    free(a);
    free(count);
    permute(ev, to, n);
    free(b);
    /* equal keys (one subject's events of a day, of one kind) by threshold
     * and scope: a few at a time, usually in order already */
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && ev[j].date == ev[i].date && ev[j].kind == ev[i].kind &&
                        ev[j].subject_type == ev[i].subject_type && ev[j].subject == ev[i].subject;
             j++)
            ;
        if (j - i > 16) {
            qsort(ev + i, j - i, sizeof *ev, tr_milestone_cmp);
            continue;
        }
        for (size_t k = i + 1; k < j; k++)
            for (size_t m = k; m > i && tr_milestone_cmp(&ev[m - 1], &ev[m]) > 0; m--) {
                struct tr_milestone t = ev[m];
                ev[m] = ev[m - 1];
                ev[m - 1] = t;
            }
    }
    return 0;
}

void tr_milestone_sort(struct tr_milestone *ev, size_t n)
{
    if (n > 1 && radix_sort(ev, n))
        qsort(ev, n, sizeof *ev, tr_milestone_cmp);
}

static int correction_cmp(const void *pa, const void *pb)
{
    const struct tr_correction *a = pa, *b = pb;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    return a->track < b->track ? -1 : a->track > b->track;
}

/* ---- checkpoint: handing the state over ---------------------------- */

/* Hands the state's buffer over as the checkpoint: the arrays are in
 * place, the header and the ladder go in front. */
static void state_save(struct engine *g, void **out, size_t *len)
{
    for (uint32_t s = 0; s < g->ns; s++)     /* each highest made exact */
        if (g->last[s] > g->max[s])
            g->max[s] = g->last[s];
    const char *ladder = tr_ladders_text(g->ls);
    struct state_header h = {STATE_MAGIC, g->ns, g->nt, g->day, (uint32_t)strlen(ladder)};
    size_t off = state_offset(h.ladder_len);
    memcpy(g->buf, &h, sizeof h);
    memcpy(g->buf + sizeof h, ladder, h.ladder_len);
    memset(g->buf + sizeof h + h.ladder_len, 0, off - sizeof h - h.ladder_len);
    *out = g->buf;
    *len = state_size(g->ns, g->nt, h.ladder_len);
    g->buf = NULL;
}

tr_day tr_engine_checkpoint_day(const struct tr_catalog *c, const struct tr_ladders *ls,
                                const void *checkpoint, size_t len)
{
    struct state_header h;
    const char *ladder = tr_ladders_text(ls);
    if (!checkpoint || len < sizeof h)
        return TR_DAY_NONE;
    memcpy(&h, checkpoint, sizeof h);
    if (h.magic != STATE_MAGIC || h.ns != c->n_series || h.nt != c->n_releases + c->n_artists ||
        len < sizeof h + h.ladder_len || len != state_size(h.ns, h.nt, h.ladder_len))
        return TR_DAY_NONE;
    const char *kept = (const char *)checkpoint + sizeof h;
    if (h.ladder_len == strlen(ladder) && memcmp(kept, ladder, h.ladder_len) == 0)
        return h.last_day;
    /* the same ladders written another way (one for every kind, as
     * earlier builds kept it) */
    char *text = strndup(kept, h.ladder_len);
    struct tr_ladders *then = NULL;
    struct tr_error err;
    bool same = text && !tr_ladders_parse(text, &then, &err) &&
                strcmp(tr_ladders_text(then), ladder) == 0;
    free(text);
    tr_ladders_free(then);
    return same ? h.last_day : TR_DAY_NONE;
}

/* A fitting checkpoint whose ladders were written another way has its
 * arrays where that text's length put them: moved to where this run's
 * text puts them (a new buffer; the old one freed).  NULL: out of memory. */
static void *checkpoint_relaid(void *resume, const char *ladder)
{
    struct state_header h;
    memcpy(&h, resume, sizeof h);
    size_t now = strlen(ladder);
    if (h.ladder_len == now)
        return resume;
    size_t arrays = state_size(h.ns, h.nt, h.ladder_len) - state_offset(h.ladder_len);
    char *b = malloc(state_offset(now) + arrays);
    if (b)
        memcpy(b + state_offset(now), (char *)resume + state_offset(h.ladder_len), arrays);
    free(resume);
    return b;
}

/* Takes up the state of the checkpoint the arrays were laid in
 * (alloc_state); returns the day after its last day. */
static tr_day state_load(struct engine *g, tr_day last)
{
    memcpy(g->k_before, g->k, g->ns * sizeof *g->k);
    /* the threshold above the highest: the k-th of the ladder for a
     * series that crossed k, from a table of the first ones (checked
     * against max, so the arithmetic is the fallback, not a trust) */
    uint64_t table[64];
    uint32_t n_table = 0;
    for (uint64_t t = tr_ladder_next(g->l, 0); t && n_table < 64; t = tr_ladder_next(g->l, t))
        table[n_table++] = t;
    for (uint32_t i = 0; i < g->ns; i++) {
        uint32_t k = g->k[i];
        uint64_t m = g->max[i];
        g->next[i] = k < n_table && table[k] > m && (k == 0 || table[k - 1] <= m)
                         ? table[k] : tr_ladder_next(g->l, m);
        g->n_started += g->first_day[i] != TR_DAY_NONE;
    }
    g->day = last;
    return last + 1;
}

int tr_engine_run(struct tr_backend *be, const struct tr_catalog *c, const struct tr_ladders *ls,
                  const struct tr_engine_prep *prep, tr_day first_changed, void *resume,
                  size_t resume_len, struct tr_engine_result *out, struct tr_error *err)
{
    struct engine g = {.c = c, .ls = ls, .l = tr_ladders_series(ls),
                       .l_track = tr_ladders_of(ls, TR_MS_TRACK_TOTAL),
                       .l_every = tr_ladders_of(ls, TR_MS_EVERY_TRACK),
                       .l_release = tr_ladders_of(ls, TR_MS_RELEASE_TOTAL),
                       .l_artist = tr_ladders_of(ls, TR_MS_ARTIST_TOTAL), .ns = c->n_series, .nt = c->n_releases + c->n_artists,
                       .day = TR_DAY_NONE};
    memset(out, 0, sizeof *out);
    tr_day from = TR_DAY_NONE;
    int rc = 0;
    /* a preparation made for another catalog is of no use */
    if (!prep || prep->ns != g.ns || prep->nt != g.nt || prep->n_tracks != c->n_tracks) {
        rc = tr_engine_prepare(c, &g.own_prep);
        prep = g.own_prep;
    }
    /* a checkpoint that does not fit, or changes before its last day:
     * start over from a clean state */
    tr_day last = resume ? tr_engine_checkpoint_day(c, ls, resume, resume_len) : TR_DAY_NONE;
    if (first_changed == TR_DAY_NONE || last == TR_DAY_NONE || first_changed <= last) {
        free(resume);
        resume = NULL;
    }
    if (!rc && resume && !(resume = checkpoint_relaid(resume, tr_ladders_text(ls))))
        rc = TR_ENOMEM;
    if (!rc) {
        g.p = prep;
        rc = alloc_state(&g, resume);   /* takes resume over */
    } else {
        free(resume);
    }
    if (rc) {
        rc = tr_error_set(err, rc, "milestones: out of memory");
        goto out;
    }
    if (resume)
        from = state_load(&g, last);
    tr_day resumed_at = g.day;
    lanes_start(&g);
    rc = be->ops->scan_days(be, from, scan_chunk, &g, err);
    if (!rc && g.day != resumed_at)
        rc = end_day(&g);
    lanes_stop(&g);
    struct lane *l0 = &g.lane[0], *l1 = &g.lane[1];
    if (!rc && (vec_append(&l0->events, &l1->events) || vec_append(&l0->corrections, &l1->corrections)))
        rc = TR_ENOMEM;
    if (!rc)
        rc = every_track(&g);
    if (!rc && g.l != g.l_track)
        drop_every_track_only(&g);
    if (!rc)
        state_save(&g, &out->state, &out->state_len);
    if (rc) {
        rc = tr_error_set(err, rc, "milestones: %s", tr_strerror(rc));
        goto out;
    }
    tr_milestone_sort(l0->events.p, l0->events.n);
    if (l0->corrections.n)
        qsort(l0->corrections.p, l0->corrections.n, l0->corrections.size, correction_cmp);
    out->incremental = from != TR_DAY_NONE;
    out->events = l0->events.p;
    out->n_events = l0->events.n;
    out->corrections = l0->corrections.p;
    out->n_corrections = l0->corrections.n;
    l0->events.p = l0->corrections.p = NULL;
out:
    lanes_stop(&g);
    free_state(&g);
    return rc;
}

int tr_engine_coverage(const void *checkpoint, size_t len, tr_day **first, tr_day **last,
                       uint32_t *n)
{
    struct state_header h;
    *first = *last = NULL;
    *n = 0;
    if (!checkpoint || len < sizeof h)
        return 0;
    memcpy(&h, checkpoint, sizeof h);
    if (h.magic != STATE_MAGIC)
        return 0;
    /* the arrays of last_day and first_day, found by walking the table */
    size_t off = state_offset(h.ladder_len);
    for (size_t i = 0; i < sizeof state_arrays / sizeof *state_arrays; i++) {
        const struct state_array *a = &state_arrays[i];
        size_t sz = a->size * (a->per_total ? h.nt : h.ns);
        if (off + sz > len)
            return TR_ESTORE;
        tr_day **dst = a->offset == offsetof(struct engine, first_day) ? first
                     : a->offset == offsetof(struct engine, last_day) ? last : NULL;
        if (dst) {
            if (!(*dst = malloc(sz ? sz : 1)))
                return TR_ENOMEM;
            memcpy(*dst, (const char *)checkpoint + off, sz);
        }
        off += sz;
    }
    *n = h.ns;
    return 0;
}

void tr_engine_result_release(struct tr_engine_result *r)
{
    free(r->state);
    free(r->events);
    free(r->corrections);
    memset(r, 0, sizeof *r);
}
