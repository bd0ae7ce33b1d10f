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
#include "milestones/engine_internal.h"
#include "store/series_codec.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int tr_engine_lanes = 2;
bool tr_engine_split_cycle = false;

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
        if ((rc = tr_array_reserve(&q->bytes, &q->cap, q->len + sizeof head + len)))
            return rc;
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

static int correction_cmp(const void *pa, const void *pb)
{
    const struct tr_correction *a = pa, *b = pb;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    return a->track < b->track ? -1 : a->track > b->track;
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
    if (!rc && resume && !(resume = engine_checkpoint_relaid(resume, tr_ladders_text(ls))))
        rc = TR_ENOMEM;
    if (!rc) {
        g.p = prep;
        rc = engine_alloc_state(&g, resume);   /* takes resume over */
    } else {
        free(resume);
    }
    if (rc) {
        rc = tr_error_set(err, rc, "milestones: out of memory");
        goto out;
    }
    if (resume)
        from = engine_state_load(&g, last);
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
        rc = engine_every_track(&g);
    if (!rc && g.l != g.l_track)
        engine_drop_every_track_only(&g);
    if (!rc)
        engine_state_save(&g, &out->state, &out->state_len);
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
    engine_free_state(&g);
    return rc;
}

void tr_engine_result_release(struct tr_engine_result *r)
{
    free(r->state);
    free(r->events);
    free(r->corrections);
    memset(r, 0, sizeof *r);
}

