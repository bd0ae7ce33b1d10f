/*
 * calibrate.c: the model's own errors, measured on the store's history.
 *
 * The history (of a sample of groups, panel.h) is cut every 7 days; from
 * each cut every followed subject that the model expects to reach its
 * next threshold within the horizon is forecast, and at each horizon h
 * that the history covers after the cut, log((gain that followed + 1) /
 * (model's gain + 1)) is one sample.  The quantiles of those samples, per
 * kind of subject and horizon, are the calibration: the median corrects
 * the model's bias, the 10% and 90% give the interval.
 */
#include "forecast/calibrate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void fc_samples_release(struct fc_samples *s)
{
    for (int k = 0; k < FC_CALS; k++)
        for (int h = 0; h < FC_NH; h++)
            free(s->a[k][h].r);
    memset(s, 0, sizeof *s);
}

static int sample(struct fc_samples *s, int kind, int h, float r, tr_day known)
{
    struct fc_sample_list *l = &s->a[kind][h];
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct fc_sample *p = realloc(l->r, cap * sizeof *p);
        if (!p)
            return TR_ENOMEM;
        l->r = p;
        l->cap = cap;
    }
    l->r[l->n++] = (struct fc_sample){r, known};
    return 0;
}

/* The samples of one subject forecast from cut c. */
static int subject_samples(const struct fc_panel *p, struct fc_samples *s, int kind,
                           const struct fc_fit *fit, uint64_t value, uint64_t threshold, tr_day c,
                           uint64_t (*at)(const struct fc_panel *, uint32_t, tr_day), uint32_t id)
{
    if (!threshold || fit->level <= 0 || fc_gain(fit, TR_FORECAST_HORIZON) < (double)(threshold - value))
        return 0;
    for (int h = 0; h < FC_NH; h++) {
        tr_day d = c + fc_horizons[h];
        if (d > p->last)
            break;
        uint64_t later = at(p, id, d);
        double gained = later > value ? (double)(later - value) : 0;
        float r = (float)log((gained + 1) / (fc_gain(fit, fc_horizons[h]) + 1));
        if (sample(s, kind, h, r, d))
            return TR_ENOMEM;
    }
    return 0;
}

int fc_collect(const struct fc_panel *p, const struct fc_cut *cut, tr_day c,
               const struct tr_ladders *ladder, struct fc_samples *s)
{
    for (uint32_t i = 0; i < p->n_group_series; i++) {
        uint32_t sr = p->series[i];
        uint64_t v = fc_panel_value(p, sr, c);
        if (v == 0)
            continue;
        int rc = subject_samples(p, s, FC_CAL_TRACK, &cut->fit[i], v,
                                 fc_next_threshold(ladder, TR_MS_TRACK_TOTAL, v), c, fc_panel_value, sr);
        if (rc)
            return rc;
    }
    for (uint32_t i = 0; i < p->n_totals; i++) {
        uint64_t v = fc_panel_total_value(p, i, c);
        int kind = fc_total_cal(p, p->totals[i]);
        enum tr_milestone_kind mk = kind == FC_CAL_RELEASE ? TR_MS_RELEASE_TOTAL : TR_MS_ARTIST_TOTAL;
        if (v == 0)
            continue;
        int rc = subject_samples(p, s, kind, &cut->tot_fit[i], v, fc_next_threshold(ladder, mk, v), c,
                                 fc_panel_total_value, i);
        if (rc)
            return rc;
    }
    return 0;
}

static int cmp_f(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Quantiles of the samples at horizon h known by day upto and forecast
 * from the FC_CAL_CUTS weeks before it (what fc_calibrate measures: the
 * backtest's calibration on a day is the one `--as-of` that day makes),
 * the latest FC_CAL_SAMPLES of them.  The lists are in the order their
 * samples became known. */
static bool quantiles(const struct fc_sample_list *l, int h, tr_day upto, float *buf,
                      float q[FC_NQ], uint32_t *n_out)
{
    size_t end = l->n;
    while (end > 0 && l->r[end - 1].known > upto)
        end--;
    tr_day oldest = upto - 7 * FC_CAL_CUTS + fc_horizons[h];
    size_t begin = end > FC_CAL_SAMPLES ? end - FC_CAL_SAMPLES : 0;
    while (begin < end && l->r[begin].known < oldest)
        begin++;
    size_t n = end - begin;
    *n_out = (uint32_t)n;
    if (n < FC_CAL_MIN)
        return false;
    for (size_t i = 0; i < n; i++)
        buf[i] = l->r[begin + i].r;
    qsort(buf, n, sizeof *buf, cmp_f);
    for (int k = 0; k < FC_NQ; k++) {
        double x = fc_probs[k] * (double)(n - 1);
        size_t lo = (size_t)x;
        double u = x - (double)lo;
        q[k] = (float)(lo + 1 < n ? buf[lo] * (1 - u) + buf[lo + 1] * u : buf[lo]);
    }
    return true;
}

/* Horizons without enough samples take the nearest measured one below,
 * their spread around the median widened as the square root of the
 * horizons' ratio; none measured at all: fallback. */
static void fill(struct fc_calib *c, const bool *measured, const struct fc_calib *fallback)
{
    int last = -1;
    for (int h = 0; h < FC_NH; h++) {
        if (measured[h]) {
            last = h;
            continue;
        }
        if (last < 0) {
            int next = h + 1;
            while (next < FC_NH && !measured[next])
                next++;
            if (next == FC_NH) {
                memcpy(c->q[h], fallback->q[h], sizeof c->q[h]);
                continue;
            }
            memcpy(c->q[h], c->q[next], sizeof c->q[h]);
            continue;
        }
        double wide = sqrt((double)fc_horizons[h] / fc_horizons[last]);
        float mid = c->q[last][FC_Q50];
        for (int k = 0; k < FC_NQ; k++)
            c->q[h][k] = (float)(mid + (c->q[last][k] - mid) * wide);
    }
}

int fc_calibs_from(const struct fc_samples *s, tr_day upto, struct fc_calibs *out)
{
    size_t most = 1;
    for (int k = 0; k < FC_CALS; k++)
        for (int h = 0; h < FC_NH; h++)
            most = s->a[k][h].n > most ? s->a[k][h].n : most;
    float *buf = malloc((most < FC_CAL_SAMPLES ? most : FC_CAL_SAMPLES) * sizeof *buf);
    if (!buf)
        return TR_ENOMEM;
    struct fc_calib def;
    fc_calib_default(&def);
    memset(out, 0, sizeof *out);
    out->as_of = upto;
    for (int k = 0; k < FC_CALS; k++) {
        bool measured[FC_NH];
        for (int h = 0; h < FC_NH; h++)
            measured[h] = quantiles(&s->a[k][h], h, upto, buf, out->c[k].q[h], &out->c[k].n[h]);
        /* totals without enough of their own samples: the tracks' */
        fill(&out->c[k], measured, k == FC_CAL_TRACK ? &def : &out->c[FC_CAL_TRACK]);
    }
    free(buf);
    return 0;
}

int fc_calibrate(struct tr_backend *be, const struct tr_catalog *c,
                 const struct tr_engine_prep_view *pv, const struct tr_ladders *ladder,
                 tr_day first, tr_day T, struct fc_calibs *out, struct tr_error *err)
{
    struct fc_panel p;
    struct fc_cut cut = {0};
    struct fc_samples s = {0};
    /* the panel holds the days the cuts read (each cut's window and the
     * days after it), not all the store's: their span is the input's
     * (a play count dated 7877 once asked for 17 GB here) */
    tr_day from = T - 7 * FC_CAL_CUTS - FC_WINDOW;
    int rc = fc_panel_load(be, c, pv, first > from ? first : from, T, FC_CAL_GROUPS,
                           fc_sampled_artists(c, FC_CAL_GROUPS), &p, err);
    if (rc)
        return rc;
    if ((rc = fc_cut_alloc(&p, &cut)))
        goto done;
    /* the cuts from the oldest, so that each list is in the order its
     * samples became known */
    int n_cuts = 0;
    while (n_cuts < FC_CAL_CUTS && T - 7 * (n_cuts + 1) >= first + 7)
        n_cuts++;
    for (int k = n_cuts; k >= 1 && !rc; k--) {
        tr_day day = T - 7 * k;
        fc_panel_cut(&p, day, &cut);
        rc = fc_collect(&p, &cut, day, ladder, &s);
    }
    if (!rc)
        rc = fc_calibs_from(&s, T, out);
done:
    if (rc == TR_ENOMEM)
        rc = tr_error_set(err, rc, "forecast: out of memory");
    fc_samples_release(&s);
    fc_cut_release(&cut);
    fc_panel_release(&p);
    return rc;
}
