/*
 * backtest.c: the forecasts checked against the crossings that followed
 * (tr_store_backtest, trackrecord/forecast.h).
 *
 * The history (all of a small store, an even sample of the groups of a
 * large one: panel.h) is cut every 7 days.  At each cut every followed
 * subject's next threshold is forecast as `forecast --as-of CUT` would:
 * the model fitted on the window up to the cut, the calibration measured
 * on the errors known by then (samples whose horizon ended on or before
 * the cut).  A crossing that followed within the longest horizon is
 * scored at the first horizon its lead fits in, for the model and for the
 * naive baseline (the last 7 days' mean gain carried forward).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/calibrate.h"
#include "store/internal.h"

#define BT_GROUPS 24             /* groups followed at most */
#define BT_KINDS 4               /* track_total .. artist_total */

/* One horizon and kind's scored crossings: absolute errors in days timed
 * within the day (exact) and in whole days, for the model and the naive
 * baseline. */
enum { E_MODEL, E_NAIVE, E_MODEL_DAY, E_NAIVE_DAY, E_N };
/* The crossing a scoring is of: its subject (series, release or total id,
 * within one kind) and threshold. */
struct crossed {
    uint32_t id;
    uint64_t th;
};
struct errs {
    float *v[E_N];
    struct crossed *of;
    size_t n, cap, inside, model_undated, naive_undated;
};

struct bt {
    const struct fc_panel *p;
    const struct tr_ladders *ladder;
    const int32_t *hz;
    size_t nh;
    struct errs *e;              /* [nh][BT_KINDS] */
    uint32_t *pos;               /* by series: its position in p->series */
};

static int add(struct errs *e, const float err[E_N], struct crossed of, bool inside, bool mu, bool nu)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 256;
        for (int k = 0; k < E_N; k++) {
            float *v = realloc(e->v[k], cap * sizeof *v);
            if (!v)
                return TR_ENOMEM;
            e->v[k] = v;
        }
        struct crossed *o = realloc(e->of, cap * sizeof *o);
        if (!o)
            return TR_ENOMEM;
        e->of = o;
        e->cap = cap;
    }
    for (int k = 0; k < E_N; k++)
        e->v[k][e->n] = err[k];
    e->of[e->n] = of;
    e->n++;
    e->inside += inside;
    e->model_undated += mu;
    e->naive_undated += nu;
    return 0;
}

/* The first day after c, within max days, on which value(d) >= th; or
 * TR_DAY_NONE. */
static tr_day crossing(const struct fc_panel *p, uint64_t (*at)(const struct fc_panel *, uint32_t, tr_day),
                       uint32_t id, uint64_t th, tr_day c, int32_t max)
{
    for (tr_day d = c + 1; d <= c + max && d <= p->last; d++)
        if (at(p, id, d) >= th)
            return d;
    return TR_DAY_NONE;
}

/* The crossing on day d timed within its day, in days after c: the day's
 * gain taken as spread evenly over it, as fc_eta_exact times forecasts. */
static double crossing_exact(const struct fc_panel *p,
                             uint64_t (*at)(const struct fc_panel *, uint32_t, tr_day), uint32_t id,
                             uint64_t th, tr_day c, tr_day d)
{
    uint64_t v0 = at(p, id, d - 1), v1 = at(p, id, d);
    double u = v1 > v0 && th > v0 ? (double)(th - v0) / (double)(v1 - v0) : 1;
    return (double)(d - 1 - c) + (u < 1 ? u : 1);
}

/* A forecast to score: whole days and exact (-1: no date), and the 80%
 * interval. */
struct scored {
    struct crossed of;
    tr_day truth;                /* the day it crossed */
    double truth_exact;          /* the same in days after the cut, within the day */
    int32_t eta, lo, hi, naive;
    double eta_exact, naive_exact;
};

/* The leads (days from the cut to the crossing) scored at horizon h:
 * within a quarter of it either way. */
static int32_t lead_from(int32_t h) { return h - h / 4; }
static int32_t lead_to(int32_t h) { return h + h / 4; }

/* Scores one forecast from cut c. */
static int score(struct bt *b, int kind, tr_day c, const struct scored *f)
{
    int32_t lead = f->truth - c;
    size_t h = 0;
    while (h < b->nh && lead > lead_to(b->hz[h]))
        h++;
    if (h == b->nh || lead < lead_from(b->hz[h]))
        return 0;
    /* a forecast without a date is off by the days to the horizon */
    double far = TR_FORECAST_HORIZON - f->truth_exact;
    float err[E_N] = {
        (float)(f->eta_exact < 0 ? far : fabs(f->eta_exact - f->truth_exact)),
        (float)(f->naive_exact < 0 ? far : fabs(f->naive_exact - f->truth_exact)),
        (float)(f->eta < 0 ? far : abs(c + f->eta - f->truth)),
        (float)(f->naive < 0 ? far : abs(c + f->naive - f->truth)),
    };
    bool inside = f->lo >= 0 && c + f->lo <= f->truth && (f->hi < 0 || f->truth <= c + f->hi);
    return add(&b->e[h * BT_KINDS + kind], err, f->of, inside, f->eta < 0, f->naive < 0);
}

static int32_t longest(const struct bt *b)
{
    return lead_to(b->hz[b->nh - 1]);
}

static int score_tracks(struct bt *b, const struct fc_cut *cut, const struct fc_calibs *cal, tr_day c)
{
    const struct fc_panel *p = b->p;
    for (uint32_t i = 0; i < p->n_group_series; i++) {
        uint32_t s = p->series[i];
        uint64_t v = fc_panel_value(p, s, c);
        uint64_t th = v ? fc_next_threshold(b->ladder, TR_MS_TRACK_TOTAL, v) : 0;
        if (!th)
            continue;
        tr_day truth = crossing(p, fc_panel_value, s, th, c, longest(b));
        if (truth == TR_DAY_NONE)
            continue;
        double rem = (double)(th - v);
        struct scored f = {.of = {s, th}, .truth = truth,
                           .truth_exact = crossing_exact(p, fc_panel_value, s, th, c, truth)};
        fc_eta(&cut->fit[i], &cal->c[FC_CAL_TRACK], c, rem, &f.eta, &f.lo, &f.hi);
        f.eta_exact = fc_eta_exact(&cut->fit[i], c, rem);
        f.naive = fc_naive_days(cut->recent[i], rem);
        f.naive_exact = fc_naive_exact(cut->recent[i], rem);
        int rc = score(b, TR_MS_TRACK_TOTAL, c, &f);
        if (rc)
            return rc;
    }
    return 0;
}

static int score_every_track(struct bt *b, const struct fc_cut *cut, const struct fc_calibs *cal,
                             tr_day c, uint32_t rel)
{
    enum { CAP = 256 };
    const struct fc_panel *p = b->p;
    uint32_t series[CAP];
    struct fc_member m[CAP];
    uint32_t n = fc_release_series(p->c, rel, series, CAP);
    if (n < 2)
        return 0;
    uint64_t low = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v = fc_panel_value(p, series[i], c);
        low = v < low ? v : low;
    }
    uint64_t th = low ? fc_next_threshold(b->ladder, TR_MS_EVERY_TRACK, low) : 0;
    if (!th)
        return 0;
    /* the latest of the lagging tracks' crossings, actual and forecast */
    struct scored f = {.of = {rel, th}, .truth = c};
    uint32_t nm = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v = fc_panel_value(p, series[i], c);
        if (v >= th)
            continue;
        tr_day d = crossing(p, fc_panel_value, series[i], th, c, longest(b));
        if (d == TR_DAY_NONE)
            return 0;
        f.truth = d > f.truth ? d : f.truth;
        double te = crossing_exact(p, fc_panel_value, series[i], th, c, d);
        f.truth_exact = te > f.truth_exact ? te : f.truth_exact;
        uint32_t k = b->pos[series[i]];
        double rem = (double)(th - v);
        m[nm++] = (struct fc_member){&cut->fit[k], rem, p->c->series_track[series[i]]};
        double me = fc_eta_exact(&cut->fit[k], c, rem), ne = fc_naive_exact(cut->recent[k], rem);
        int32_t nd = fc_naive_days(cut->recent[k], rem);
        f.eta_exact = f.eta_exact < 0 || me < 0 ? -1 : me > f.eta_exact ? me : f.eta_exact;
        f.naive_exact = f.naive_exact < 0 || ne < 0 ? -1 : ne > f.naive_exact ? ne : f.naive_exact;
        f.naive = f.naive < 0 || nd < 0 ? -1 : nd > f.naive ? nd : f.naive;
    }
    uint32_t slowest;
    fc_every_track(m, nm, &cal->c[FC_CAL_TRACK], c, &f.eta, &f.lo, &f.hi, &slowest);
    return score(b, TR_MS_EVERY_TRACK, c, &f);
}

static int score_totals(struct bt *b, const struct fc_cut *cut, const struct fc_calibs *cal, tr_day c)
{
    const struct fc_panel *p = b->p;
    for (uint32_t i = 0; i < p->n_totals; i++) {
        uint32_t t = p->totals[i];
        int calk = fc_total_cal(p, t);
        int rc = 0;
        if (calk == FC_CAL_RELEASE && (rc = score_every_track(b, cut, cal, c, t)))
            return rc;
        enum tr_milestone_kind kind = calk == FC_CAL_RELEASE ? TR_MS_RELEASE_TOTAL : TR_MS_ARTIST_TOTAL;
        uint64_t v = fc_panel_total_value(p, i, c);
        uint64_t th = v ? fc_next_threshold(b->ladder, kind, v) : 0;
        if (!th)
            continue;
        tr_day truth = crossing(p, fc_panel_total_value, i, th, c, longest(b));
        if (truth == TR_DAY_NONE)
            continue;
        double rem = (double)(th - v);
        struct scored f = {.of = {t, th}, .truth = truth,
                           .truth_exact = crossing_exact(p, fc_panel_total_value, i, th, c, truth)};
        fc_eta(&cut->tot_fit[i], &cal->c[calk], c, rem, &f.eta, &f.lo, &f.hi);
        f.eta_exact = fc_eta_exact(&cut->tot_fit[i], c, rem);
        f.naive = fc_naive_days(cut->tot_recent[i], rem);
        f.naive_exact = fc_naive_exact(cut->tot_recent[i], rem);
        if ((rc = score(b, kind, c, &f)))
            return rc;
    }
    return 0;
}

static int cmp_f(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static double mean_of(const float *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    return sum / (double)n;
}

static double median_of(float *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_f);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static int cmp_crossed(const void *a, const void *b)
{
    const struct crossed *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->th > y->th) - (x->th < y->th);
}

/* The distinct crossings among a row's scorings (which it reorders). */
static size_t distinct_of(struct crossed *of, size_t n)
{
    qsort(of, n, sizeof *of, cmp_crossed);
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        d += !i || cmp_crossed(&of[i - 1], &of[i]) != 0;
    return d;
}

static int results(struct bt *b, struct tr_backtest *out)
{
    if (!(out->rows = calloc(b->nh * BT_KINDS, sizeof *out->rows)))
        return TR_ENOMEM;
    for (size_t h = 0; h < b->nh; h++)
        for (int k = 0; k < BT_KINDS; k++) {
            struct errs *e = &b->e[h * BT_KINDS + k];
            if (!e->n)
                continue;
            out->rows[out->n_rows++] = (struct tr_backtest_row){
                .horizon = b->hz[h], .lead_from = lead_from(b->hz[h]), .lead_to = lead_to(b->hz[h]),
                .kind = (enum tr_milestone_kind)k, .n = e->n, .distinct = distinct_of(e->of, e->n),
                .model_mean = mean_of(e->v[E_MODEL], e->n), .naive_mean = mean_of(e->v[E_NAIVE], e->n),
                .model_mae = median_of(e->v[E_MODEL], e->n), .naive_mae = median_of(e->v[E_NAIVE], e->n),
                .model_mae_days = median_of(e->v[E_MODEL_DAY], e->n),
                .naive_mae_days = median_of(e->v[E_NAIVE_DAY], e->n),
                .inside = (double)e->inside / e->n,
                .model_undated = e->model_undated, .naive_undated = e->naive_undated};
        }
    return 0;
}

struct bt_args {
    const int32_t *hz;
    size_t nh;
    struct tr_backtest *out;
};

/* The backtest of a (inside a read transaction). */
static int backtest_in(struct tr_store *s, const struct bt_args *a, struct tr_error *err)
{
    const struct tr_catalog *c;
    const struct tr_ladders *ladder;
    int rc = tr_store_catalog(s, &c, err);
    if (rc || (rc = tr_store_ladders(s, &ladder, err)))
        return rc;
    uint32_t ng = (c->n_series + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
    tr_day first, last;
    if ((rc = fc_store_days(s->be, ng, &first, &last, err)) || last == TR_DAY_NONE)
        return rc;
    struct tr_engine_prep *prep = tr_engine_prep_kept(s);
    if (!prep && tr_engine_prepare(c, &prep))
        return tr_error_set(err, TR_ENOMEM, "backtest: out of memory");
    struct tr_engine_prep_view pv;
    tr_engine_prep_view(prep, &pv);
    struct fc_panel p;
    struct fc_cut cut = {0};
    struct fc_samples smp = {0};
    struct bt b = {.p = &p, .ladder = ladder, .hz = a->hz, .nh = a->nh};
    if ((rc = fc_panel_load(s->be, c, &pv, first, last, BT_GROUPS, fc_sampled_artists(c, BT_GROUPS), &p,
                            err))) {
        tr_engine_prep_free(prep);
        return rc;
    }
    b.e = calloc(a->nh * BT_KINDS, sizeof *b.e);
    b.pos = malloc((c->n_series ? c->n_series : 1) * sizeof *b.pos);
    if (!b.e || !b.pos || fc_cut_alloc(&p, &cut)) {
        rc = TR_ENOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < p.n_series; i++)
        b.pos[p.series[i]] = i;
    a->out->subjects = p.n_group_series + p.n_totals;
    /* the first cut leaves two weeks of history to fit */
    for (tr_day day = first + 14; day < last && !rc; day += 7) {
        struct fc_calibs cal;
        fc_panel_cut(&p, day, &cut);
        if ((rc = fc_calibs_from(&smp, day, &cal)))
            break;
        if ((rc = score_tracks(&b, &cut, &cal, day)) || (rc = score_totals(&b, &cut, &cal, day)))
            break;
        rc = fc_collect(&p, &cut, day, ladder, &smp);
        if (!a->out->cuts++)
            a->out->first_cut = day;
        a->out->last_cut = day;
    }
    if (!rc)
        rc = results(&b, a->out);
done:
    if (rc == TR_ENOMEM)
        rc = tr_error_set(err, rc, "backtest: out of memory");
    for (size_t i = 0; b.e && i < a->nh * BT_KINDS; i++) {
        for (int k = 0; k < E_N; k++)
            free(b.e[i].v[k]);
        free(b.e[i].of);
    }
    free(b.e);
    free(b.pos);
    fc_samples_release(&smp);
    fc_cut_release(&cut);
    fc_panel_release(&p);
    tr_engine_prep_free(prep);
    return rc;
}

int tr_store_backtest(struct tr_store *s, const int32_t *horizons, size_t n_horizons,
                      struct tr_backtest *out, struct tr_error *err)
{
    memset(out, 0, sizeof *out);
    out->first_cut = out->last_cut = TR_DAY_NONE;
    for (size_t i = 0; i < n_horizons; i++)
        if (horizons[i] < 1 || (i && horizons[i] <= horizons[i - 1]))
            return tr_error_set(err, TR_EUSAGE, "backtest: horizons must be positive and rising");
    if (!n_horizons)
        return tr_error_set(err, TR_EUSAGE, "backtest: no horizon");
    struct bt_args a = {horizons, n_horizons, out};
    struct tr_read_txn t;
    int rc = tr_store_read_begin(s, &t, err);
    if (!rc)
        rc = backtest_in(s, &a, err);
    rc = tr_store_read_end(&t, rc, err);
    if (rc)
        tr_backtest_release(out);
    return rc;
}

void tr_backtest_release(struct tr_backtest *b)
{
    if (!b)
        return;
    free(b->rows);
    memset(b, 0, sizeof *b);
}
