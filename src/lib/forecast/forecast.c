/*
 * forecast.c: the forecasts of a store's subjects (trackrecord/forecast.h).
 *
 * One pass over the groups of series reads each recording's window
 * (window.h), fits it (model.h) and adds its stats to the totals it counts
 * toward; then each subject's next thresholds are dated.  The interval
 * comes from the calibration measured on the store's history
 * (calibrate.c), kept with the forecasts by the daily import (keep.c).
 */
#include "forecast/forecast.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/keep.h"
#include "store/internal.h"

const char *tr_forecast_method_name(enum tr_forecast_method m)
{
    return m == TR_FC_SIMPLE ? "simple" : "model";
}

uint64_t fc_next_threshold(const struct tr_ladders *ladder, enum tr_milestone_kind kind, uint64_t v)
{
    return tr_ladders_next(ladder, kind, v);
}

double fc_naive_exact(double recent, double remaining)
{
    if (remaining <= 0)
        return 0;
    if (recent <= 0 || remaining / recent > TR_FORECAST_HORIZON)
        return -1;
    return remaining / recent;
}

int32_t fc_naive_days(double recent, double remaining)
{
    if (remaining <= 0)
        return 0;
    if (recent <= 0)
        return -1;
    double d = ceil(remaining / recent);
    return d > TR_FORECAST_HORIZON ? -1 : (int32_t)d;
}

uint32_t fc_release_series(const struct tr_catalog *c, uint32_t r, uint32_t *out, uint32_t cap)
{
    const struct tr_release *rel = &c->releases[r];
    uint32_t n = 0;
    for (uint32_t i = 0; i < rel->n_tracks; i++) {
        uint32_t s = c->tracks[rel->tracks[i]].series, k = 0;
        while (k < n && out[k] != s)
            k++;
        if (k == n && n < cap)
            out[n++] = s;
    }
    return n;
}

void fc_every_track(const struct fc_member *m, uint32_t n, const struct fc_calib *cal, tr_day T,
                    int32_t *eta, int32_t *lo, int32_t *hi, uint32_t *slowest)
{
    *eta = *lo = 0;
    *hi = 0;
    *slowest = n ? m[0].track : TR_NONE;
    bool undated = false;
    double worst = -1;
    for (uint32_t i = 0; i < n; i++) {
        int32_t e, l, h;
        fc_eta(m[i].fit, cal, T, m[i].remaining, &e, &l, &h);
        double key = e < 0 ? 1e12 + m[i].remaining / (fc_daily(m[i].fit) + 1) : e;
        if (key > worst) {
            worst = key;
            *slowest = m[i].track;
        }
        undated |= e < 0;
        if (e > *eta)
            *eta = e;
        if (l < 0 || *lo < 0)
            *lo = -1;
        else if (l > *lo)
            *lo = l;
    }
    if (undated) {
        *eta = *hi = -1;
        return;
    }
    /* the first day by which every track is past with 90% (Bonferroni) */
    int32_t a = *eta > 0 ? *eta : 1, b = TR_FORECAST_HORIZON;
    double miss = 0;
    for (uint32_t i = 0; i < n; i++)
        miss += 1 - fc_p_by(m[i].fit, cal, m[i].remaining, b);
    if (miss > 0.10) {
        *hi = -1;
        return;
    }
    while (a < b) {
        int32_t mid = a + (b - a) / 2;
        miss = 0;
        for (uint32_t i = 0; i < n; i++)
            miss += 1 - fc_p_by(m[i].fit, cal, m[i].remaining, mid);
        if (miss <= 0.10)
            b = mid;
        else
            a = mid + 1;
    }
    /* or the day before, when its chance of a miss is nearer 10% (a
     * whole day's step: fc_eta's ends are chosen so too) */
    double miss_at = 0, miss_before = 0;
    for (uint32_t i = 0; i < n && a > 1 && a - 1 >= *eta; i++) {
        miss_at += 1 - fc_p_by(m[i].fit, cal, m[i].remaining, a);
        miss_before += 1 - fc_p_by(m[i].fit, cal, m[i].remaining, a - 1);
    }
    *hi = a > 1 && a - 1 >= *eta && fabs(miss_before - 0.10) < fabs(miss_at - 0.10) ? a - 1 : a;
}

/* ---- two lanes: the caller and a helper thread --------------------------- */

/* fn(arg, 0) on the calling thread and fn(arg, 1) on the helper, joined
 * (both on the caller when no thread could be started). */
struct pair {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned job, done;
    bool quit, started;
    void (*fn)(void *arg, int lane);
    void *arg;
};

static void *pair_main(void *v)
{
    struct pair *p = v;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->done == p->job && !p->quit)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->quit)
            break;
        pthread_mutex_unlock(&p->mu);
        p->fn(p->arg, 1);
        pthread_mutex_lock(&p->mu);
        p->done = p->job;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void pair_start(struct pair *p)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->started = pthread_create(&p->thread, NULL, pair_main, p) == 0;
}

static void pair_run(struct pair *p, void (*fn)(void *, int), void *arg)
{
    if (!p->started) {
        fn(arg, 0);
        fn(arg, 1);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->job++;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    fn(arg, 0);
    pthread_mutex_lock(&p->mu);
    while (p->done != p->job)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

static void pair_stop(struct pair *p)
{
    if (p->started) {
        pthread_mutex_lock(&p->mu);
        p->quit = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->thread, NULL);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
}

/* ---- one run: every series' fit and every total's stats as of T --------- */

struct run {
    struct tr_backend *be;
    const struct tr_catalog *c;
    const struct tr_ladders *ladder;
    struct tr_engine_prep_view pv;
    tr_day T;
    bool latest;
    uint32_t ns, nr, na;
    uint64_t *value;             /* by series: the count on T */
    float *recent;               /* by series: the last 7 days' mean gain */
    struct fc_fit *fit;          /* by series */
    uint8_t *has;                /* by series: has data by T */
    struct fc_stats *tot;        /* by total (releases, then artists) */
    uint64_t *tot_value;
    const struct fc_calibs *cal;
    struct pair lanes;
    /* one group's window, fitted on both lanes while the caller's reads
     * the next into the other buffer */
    const struct fc_group_window *w;
    uint32_t grp;
    atomic_uint next_slot;       /* the next block of slots of w to fit */
    struct fc_group_window *ahead;   /* where the next group is read, or NULL */
    uint32_t ahead_grp;
    int ahead_rc;
    struct tr_error *err;
    struct fc_stats *st;         /* by slot */
    uint8_t *took;               /* by slot: has data */
};

static void run_release(struct run *r)
{
    free(r->value);
    free(r->recent);
    free(r->fit);
    free(r->has);
    free(r->tot);
    free(r->tot_value);
    free(r->st);
    free(r->took);
}

static int run_alloc(struct run *r)
{
    size_t ns = r->ns ? r->ns : 1, nt = r->nr + r->na ? r->nr + r->na : 1;
    r->value = calloc(ns, sizeof *r->value);
    r->recent = calloc(ns, sizeof *r->recent);
    r->fit = calloc(ns, sizeof *r->fit);
    r->has = calloc(ns, 1);
    r->tot = calloc(nt, sizeof *r->tot);
    r->tot_value = calloc(nt, sizeof *r->tot_value);
    return r->value && r->recent && r->fit && r->has && r->tot && r->tot_value ? 0 : TR_ENOMEM;
}

static int32_t age_on(tr_day T, tr_day start)
{
    return start == TR_DAY_NONE ? INT32_MIN : T - start;
}

/* Slot s of the group in r->w: its stats and fit. */
static void fit_slot(struct run *r, uint32_t slot)
{
    const struct fc_group_window *w = r->w;
    uint32_t s = r->grp * TR_GROUP_SLOTS + slot;
    r->took[slot] = 0;
    if (s >= r->ns)
        return;
    if (w->v[slot][FC_WINDOW] == 0 && !w->p[slot][FC_WINDOW]) {
        bool seen = false;       /* a count of 0 observed is data too */
        for (int i = 0; i <= FC_WINDOW && !seen; i++)
            seen = w->p[slot][i];
        if (!seen && w->v[slot][0] == 0)
            return;
    }
    fc_series_stats(w->v[slot], w->p[slot], r->T, &r->st[slot]);
    fc_fit(&r->st[slot], age_on(r->T, r->pv.start[s]), &r->fit[s]);
    fc_stats_fit(&r->st[slot], &r->fit[s]);
    r->value[s] = w->v[slot][FC_WINDOW];
    r->recent[s] = r->st[slot].recent;
    r->has[s] = 1;
    r->took[slot] = 1;
}

/* Slots fitted per take of the shared counter. */
#define FIT_BLOCK 32

/* One lane's part of the group in r->w: the caller's lane first reads the
 * next group (the store is read on the caller's thread alone), then both
 * take blocks of slots until none are left. */
static void fit_lane(void *arg, int lane)
{
    struct run *r = arg;
    if (lane == 0 && r->ahead)
        r->ahead_rc = fc_read_window(r->be, r->ahead_grp, r->T, r->latest, r->ahead, r->err);
    for (;;) {
        uint32_t from = atomic_fetch_add(&r->next_slot, FIT_BLOCK);
        if (from >= r->w->n)
            break;
        uint32_t to = from + FIT_BLOCK < r->w->n ? from + FIT_BLOCK : r->w->n;
        for (uint32_t slot = from; slot < to; slot++)
            fit_slot(r, slot);
    }
}

/* Adds the stats of group grp's series (fitted) to the totals they count
 * toward, on this thread alone. */
static void add_totals(struct run *r, uint32_t grp, const struct fc_group_window *w)
{
    for (uint32_t slot = 0; slot < w->n; slot++) {
        uint32_t s = grp * TR_GROUP_SLOTS + slot;
        if (!r->took[slot])
            continue;
        for (uint32_t k = r->pv.inc_off[s]; k < r->pv.inc_off[s + 1]; k++) {
            uint32_t t = r->pv.inc[k];
            fc_stats_add(&r->tot[t], &r->st[slot]);
            r->tot_value[t] += r->value[s];
        }
    }
}

/* Reads the groups marked in want (NULL: all) and fits their series: each
 * group is fitted on both lanes while the next is read. */
static int run_read(struct run *r, const uint8_t *want, struct tr_error *err)
{
    struct fc_group_window *w[2] = {malloc(sizeof *w[0]), malloc(sizeof *w[1])};
    r->st = malloc(TR_GROUP_SLOTS * sizeof *r->st);
    r->took = malloc(TR_GROUP_SLOTS);
    r->err = err;
    int rc = 0;
    if (!w[0] || !w[1] || !r->st || !r->took)
        rc = tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    uint32_t ng = (r->ns + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS, g = 0, cur = 0;
    while (g < ng && want && !want[g])
        g++;
    if (!rc && g < ng)
        rc = fc_read_window(r->be, g, r->T, r->latest, w[0], err);
    while (!rc && g < ng) {
        uint32_t next = g + 1;
        while (next < ng && want && !want[next])
            next++;
        r->w = w[cur];
        r->grp = g;
        atomic_store(&r->next_slot, 0);
        r->ahead = next < ng ? w[!cur] : NULL;
        r->ahead_grp = next;
        r->ahead_rc = 0;
        pair_run(&r->lanes, fit_lane, r);
        add_totals(r, g, w[cur]);
        rc = r->ahead_rc;
        g = next;
        cur = !cur;
    }
    free(w[0]);
    free(w[1]);
    return rc;
}

/* ---- the forecasts of subjects ------------------------------------------ */

struct out {
    struct tr_forecast *f;
    size_t n, cap;
    const struct tr_forecast_query *q;
};

static int push(struct out *o, const struct tr_forecast *f)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        struct tr_forecast *p = realloc(o->f, cap * sizeof *p);
        if (!p)
            return TR_ENOMEM;
        o->f = p;
        o->cap = cap;
    }
    o->f[o->n++] = *f;
    return 0;
}

static tr_day day_or_none(tr_day T, int32_t d)
{
    return d < 0 ? TR_DAY_NONE : T + d;
}

/* The next thresholds of one subject whose count is value and whose
 * gains follow fit. */
static int forecast_total(struct run *r, struct out *o, enum tr_subject_type st, uint32_t subject,
                          enum tr_milestone_kind kind, uint64_t value, const struct fc_fit *fit,
                          const struct fc_calib *cal)
{
    uint64_t v = value;
    uint32_t want = o->q->next ? o->q->next : 1;
    for (uint32_t k = 0; k < want; k++) {
        uint64_t th = fc_next_threshold(r->ladder, kind, v);
        if (!th)
            break;
        int32_t e, lo, hi;
        fc_eta(fit, cal, r->T, (double)(th - value), &e, &lo, &hi);
        struct tr_forecast f = {st, subject, kind, th, value, th - value, fc_daily(fit),
                                day_or_none(r->T, e), day_or_none(r->T, lo), day_or_none(r->T, hi),
                                TR_NONE, (enum tr_forecast_method)fit->method};
        if (push(o, &f))
            return TR_ENOMEM;
        v = th;
    }
    return 0;
}

static int forecast_every_track(struct run *r, struct out *o, uint32_t rel)
{
    enum { CAP = 256 };
    uint32_t series[CAP];
    uint32_t n = fc_release_series(r->c, rel, series, CAP);
    if (n < 2)
        return 0;                /* a one-track release: the track's own */
    uint64_t low = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++)
        low = r->value[series[i]] < low ? r->value[series[i]] : low;
    uint64_t th = low;
    uint32_t want = o->q->next ? o->q->next : 1;
    struct fc_member m[CAP];
    for (uint32_t k = 0; k < want; k++) {
        if (!(th = fc_next_threshold(r->ladder, TR_MS_EVERY_TRACK, th)))
            break;
        uint32_t nm = 0;
        for (uint32_t i = 0; i < n; i++)
            if (r->value[series[i]] < th)
                m[nm++] = (struct fc_member){&r->fit[series[i]], (double)(th - r->value[series[i]]),
                                             r->c->series_track[series[i]]};
        int32_t e, lo, hi;
        uint32_t slowest;
        fc_every_track(m, nm, &r->cal->c[FC_CAL_TRACK], r->T, &e, &lo, &hi, &slowest);
        uint32_t ss = r->c->tracks[slowest].series;
        struct tr_forecast f = {TR_SUBJECT_RELEASE, rel, TR_MS_EVERY_TRACK, th, low,
                                th - r->value[ss], fc_daily(&r->fit[ss]), day_or_none(r->T, e),
                                day_or_none(r->T, lo), day_or_none(r->T, hi), slowest,
                                (enum tr_forecast_method)r->fit[ss].method};
        for (uint32_t i = 0; i < nm; i++)
            if (m[i].fit->method == TR_FC_SIMPLE)
                f.method = TR_FC_SIMPLE;
        if (push(o, &f))
            return TR_ENOMEM;
    }
    return 0;
}

static bool wants_kind(const struct tr_forecast_query *q, enum tr_milestone_kind k)
{
    return q->kind < 0 || q->kind == (int)k;
}

static int forecast_subjects(struct run *r, struct out *o, uint32_t lane)
{
    const struct tr_forecast_query *q = o->q;
    const struct tr_catalog *c = r->c;
    struct fc_fit fit;
    int rc = 0;
    bool one = q->subject_type >= 0 && q->subject != TR_NONE;
    if (one && lane)
        return 0;                /* one subject: the first lane's */
    if (q->subject_type < 0 || q->subject_type == TR_SUBJECT_TRACK)
        for (uint32_t t = one ? q->subject : lane; t < (one ? q->subject + 1 : c->n_tracks) && !rc; t += 2) {
            uint32_t s = c->tracks[t].series;
            if (c->series_track[s] != t || !r->has[s] || !wants_kind(q, TR_MS_TRACK_TOTAL))
                continue;
            rc = forecast_total(r, o, TR_SUBJECT_TRACK, t, TR_MS_TRACK_TOTAL, r->value[s], &r->fit[s],
                                &r->cal->c[FC_CAL_TRACK]);
        }
    if (q->subject_type < 0 || q->subject_type == TR_SUBJECT_RELEASE)
        for (uint32_t i = one ? q->subject : lane; i < (one ? q->subject + 1 : c->n_releases) && !rc; i += 2) {
            if (!r->tot[i].members)
                continue;
            if (wants_kind(q, TR_MS_EVERY_TRACK))
                rc = forecast_every_track(r, o, i);
            if (!rc && wants_kind(q, TR_MS_RELEASE_TOTAL)) {
                fc_fit_total(&r->tot[i], &fit);
                rc = forecast_total(r, o, TR_SUBJECT_RELEASE, i, TR_MS_RELEASE_TOTAL, r->tot_value[i],
                                    &fit, &r->cal->c[FC_CAL_RELEASE]);
            }
        }
    if (q->subject_type < 0 || q->subject_type == TR_SUBJECT_ARTIST)
        for (uint32_t a = one ? q->subject : lane; a < (one ? q->subject + 1 : c->n_artists) && !rc; a += 2) {
            uint32_t t = r->nr + a;
            if (!r->tot[t].members || !wants_kind(q, TR_MS_ARTIST_TOTAL))
                continue;
            fc_fit_total(&r->tot[t], &fit);
            rc = forecast_total(r, o, TR_SUBJECT_ARTIST, a, TR_MS_ARTIST_TOTAL, r->tot_value[t], &fit,
                                &r->cal->c[FC_CAL_ARTIST]);
        }
    return rc;
}

/* The subjects of each lane, into its own list. */
struct subjects_job {
    struct run *r;
    struct out o[2];
    int rc[2];
};

static void subjects_lane(void *arg, int lane)
{
    struct subjects_job *j = arg;
    j->rc[lane] = forecast_subjects(j->r, &j->o[lane], (uint32_t)lane);
}

/* Whether a comes before b by subject type, then subject. */
static bool subject_before(const struct tr_forecast *a, const struct tr_forecast *b)
{
    return a->subject_type != b->subject_type ? a->subject_type < b->subject_type
                                              : a->subject < b->subject;
}

/* Every subject's forecasts, by subject type, then subject (the lanes'
 * lists, each in that order, merged): the order keep.c keeps them in. */
static int forecast_all(struct run *r, struct out *o)
{
    struct subjects_job j = {.r = r, .o = {{.q = o->q}, {.q = o->q}}};
    pair_run(&r->lanes, subjects_lane, &j);
    int rc = j.rc[0] ? j.rc[0] : j.rc[1];
    struct out m = {.q = o->q, .cap = j.o[0].n + j.o[1].n};
    if (!rc && m.cap && !(m.f = malloc(m.cap * sizeof *m.f)))
        rc = TR_ENOMEM;
    for (size_t a = 0, b = 0; !rc && m.n < m.cap;)
        m.f[m.n++] = b == j.o[1].n || (a < j.o[0].n && !subject_before(&j.o[1].f[b], &j.o[0].f[a]))
                   ? j.o[0].f[a++] : j.o[1].f[b++];
    free(j.o[0].f);
    free(j.o[1].f);
    if (rc) {
        free(m.f);
        return rc;
    }
    *o = m;
    return 0;
}

/* Marks the groups a one-subject query needs. */
static void want_groups(const struct tr_catalog *c, const struct tr_forecast_query *q, uint8_t *want)
{
    if (q->subject_type == TR_SUBJECT_TRACK) {
        want[c->tracks[q->subject].series / TR_GROUP_SLOTS] = 1;
    } else if (q->subject_type == TR_SUBJECT_RELEASE) {
        const struct tr_release *rel = &c->releases[q->subject];
        for (uint32_t i = 0; i < rel->n_tracks; i++)
            want[c->tracks[rel->tracks[i]].series / TR_GROUP_SLOTS] = 1;
    } else {
        for (uint32_t t = 0; t < c->n_tracks; t++)
            for (uint32_t k = 0; k < c->tracks[t].n_artists; k++)
                if (c->tracks[t].artists[k] == q->subject)
                    want[c->tracks[t].series / TR_GROUP_SLOTS] = 1;
    }
}

int fc_forecast_cmp(const void *pa, const void *pb)
{
    const struct tr_forecast *a = pa, *b = pb;
    int64_t ea = a->eta == TR_DAY_NONE ? INT64_MAX : a->eta, eb = b->eta == TR_DAY_NONE ? INT64_MAX : b->eta;
    if (ea != eb)
        return ea < eb ? -1 : 1;
    if (a->subject_type != b->subject_type)
        return a->subject_type < b->subject_type ? -1 : 1;
    if (a->subject != b->subject)
        return a->subject < b->subject ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return (a->threshold > b->threshold) - (a->threshold < b->threshold);
}

/* Keeps those expected within q->within days of T, in order. */
static void finish(struct out *o, tr_day T, bool sorted)
{
    size_t k = 0;
    for (size_t i = 0; i < o->n; i++)
        if (o->q->within <= 0 || (o->f[i].eta != TR_DAY_NONE && o->f[i].eta - T <= o->q->within))
            o->f[k++] = o->f[i];
    o->n = k;
    if (sorted && o->n > 1)
        qsort(o->f, o->n, sizeof *o->f, fc_forecast_cmp);
}

/* ---- the public calls ----------------------------------------------------- */

int fc_compute(struct tr_store *s, const struct tr_forecast_query *q, const struct fc_calibs *given,
               tr_day first, tr_day last, bool sorted, struct tr_forecast_set *out,
               struct fc_calibs *cal_out, struct tr_error *err)
{
    const struct tr_catalog *c = s->catalog;
    const struct tr_ladders *ladder;
    int rc = tr_store_ladders(s, &ladder, err);
    if (rc)
        return rc;
    struct tr_engine_prep *prep = tr_engine_prep_kept(s);
    if (!prep && tr_engine_prepare(c, &prep))
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    struct run r = {.be = s->be, .c = c, .ladder = ladder, .ns = c->n_series, .nr = c->n_releases,
                    .na = c->n_artists};
    tr_engine_prep_view(prep, &r.pv);
    r.T = q->as_of == TR_DAY_NONE || q->as_of >= last ? last : q->as_of;
    r.latest = r.T == last;
    struct out o = {.q = q};
    struct fc_calibs cal;
    uint8_t *want = NULL;
    memset(out, 0, sizeof *out);
    out->as_of = r.T;
    pair_start(&r.lanes);
    if (run_alloc(&r)) {
        rc = tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
        goto done;
    }
    if (given)
        cal = *given;
    else if ((rc = fc_calibrate(s->be, c, &r.pv, ladder, first, r.T, &cal, err)))
        goto done;
    r.cal = &cal;
    if (q->subject_type >= 0 && q->subject != TR_NONE) {
        uint32_t ng = (r.ns + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
        if (!(want = calloc(ng ? ng : 1, 1))) {
            rc = tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
            goto done;
        }
        want_groups(c, q, want);
    }
    if ((rc = run_read(&r, want, err)))
        goto done;
    if ((rc = forecast_all(&r, &o))) {
        rc = tr_error_set(err, rc, "forecast: out of memory");
        goto done;
    }
    finish(&o, r.T, sorted);
    out->f = o.f;
    out->n = o.n;
    o.f = NULL;
    if (cal_out)
        *cal_out = cal;
done:
    free(o.f);
    free(want);
    pair_stop(&r.lanes);
    run_release(&r);
    tr_engine_prep_free(prep);
    return rc;
}

struct forecast_args {
    const struct tr_forecast_query *q;
    struct tr_forecast_set *out;
};

/* The forecasts a asks for (inside a read transaction). */
static int forecasts_in(struct tr_store *s, const struct forecast_args *a, struct tr_error *err)
{
    /* the kept forecasts read only the catalog's counts (and the caller
     * names what they find): a lazy catalog (tr_store_subject's) serves */
    const struct tr_catalog *c;
    int rc = s->catalog ? 0 : tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    uint32_t ng = (s->catalog->n_series + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
    tr_day first, last;
    if ((rc = fc_store_days(s->be, ng, &first, &last, err)))
        return rc;
    if (last == TR_DAY_NONE) {
        memset(a->out, 0, sizeof *a->out);
        a->out->as_of = TR_DAY_NONE;
        return 0;
    }
    /* the store's last day: the forecasts the daily import kept */
    struct fc_kept kept;
    int kr = a->q->as_of == TR_DAY_NONE || a->q->as_of >= last ? fc_kept_read(s, last, &kept, err) : -1;
    if (kr > 0)
        return kr;              /* damaged: not computed afresh, which could differ */
    bool have = kr == 0;
    if (have && (a->q->next ? a->q->next : 1) == 1) {
        rc = fc_kept_select(&kept, a->q, a->out, err);
        if (rc >= 0) {
            fc_kept_release(&kept);
            return rc;
        }
        fc_kept_release(&kept);  /* a record that does not fit: none kept */
        have = false;
    }
    /* computed afresh: the whole catalog */
    if (!(rc = tr_store_catalog(s, &c, err)))
        rc = fc_compute(s, a->q, have ? &kept.cal : NULL, first, last, true, a->out, NULL, err);
    if (have)
        fc_kept_release(&kept);
    return rc;
}

int tr_store_forecasts(struct tr_store *s, const struct tr_forecast_query *q,
                       struct tr_forecast_set *out, struct tr_error *err)
{
    struct forecast_args a = {q, out};
    memset(out, 0, sizeof *out);
    struct tr_read_txn t;
    int rc = tr_store_read_begin(s, &t, err);
    if (!rc)
        rc = forecasts_in(s, &a, err);
    return tr_store_read_end(&t, rc, err);
}

void tr_forecast_set_release(struct tr_forecast_set *fs)
{
    if (!fs)
        return;
    free(fs->f);
    memset(fs, 0, sizeof *fs);
}
