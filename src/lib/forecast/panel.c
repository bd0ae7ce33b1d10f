/*
 * panel.c: whole histories of a sample of subjects (panel.h).
 */
#include "forecast/panel.h"

#include <stdlib.h>
#include <string.h>

int fc_sample_groups(uint32_t n_groups, uint32_t want, uint32_t **out, uint32_t *n)
{
    *n = n_groups < want ? n_groups : want;
    if (!(*out = malloc((*n ? *n : 1) * sizeof **out)))
        return TR_ENOMEM;
    for (uint32_t i = 0; i < *n; i++)
        (*out)[i] = (uint32_t)((uint64_t)i * n_groups / *n);
    return 0;
}

void fc_panel_release(struct fc_panel *p)
{
    for (uint32_t i = 0; p->h && i < p->n_groups; i++)
        fc_group_history_release(&p->h[i]);
    free(p->h);
    free(p->groups);
    free(p->series_group);
    free(p->totals);
    free(p->tot_off);
    free(p->tot_series);
    free(p->tot_pos);
    free(p->series);
    memset(p, 0, sizeof *p);
}

/* The totals all of whose recordings the panel follows, and theirs. */
static int panel_totals(struct fc_panel *p)
{
    const struct tr_catalog *c = p->c;
    uint32_t ns = c->n_series, nt = c->n_releases + c->n_artists;
    uint32_t *all = calloc(nt ? nt : 1, sizeof *all), *mine = calloc(nt ? nt : 1, sizeof *mine);
    p->tot_pos = malloc((nt ? nt : 1) * sizeof *p->tot_pos);
    int rc = TR_ENOMEM;
    if (!all || !mine || !p->tot_pos)
        goto out;
    for (uint32_t s = 0; s < ns; s++)
        for (uint32_t k = p->pv.inc_off[s]; k < p->pv.inc_off[s + 1]; k++) {
            all[p->pv.inc[k]]++;
            mine[p->pv.inc[k]] += p->series_group[s] >= 0;
        }
    size_t members = 0;
    p->n_totals = 0;
    for (uint32_t t = 0; t < nt; t++) {
        p->tot_pos[t] = -1;
        if (all[t] && all[t] == mine[t]) {
            p->tot_pos[t] = (int32_t)p->n_totals++;
            members += all[t];
        }
    }
    p->totals = malloc((p->n_totals ? p->n_totals : 1) * sizeof *p->totals);
    p->tot_off = calloc((size_t)p->n_totals + 1, sizeof *p->tot_off);
    p->tot_series = malloc((members ? members : 1) * sizeof *p->tot_series);
    if (!p->totals || !p->tot_off || !p->tot_series)
        goto out;
    for (uint32_t t = 0; t < nt; t++)
        if (p->tot_pos[t] >= 0) {
            p->totals[p->tot_pos[t]] = t;
            p->tot_off[p->tot_pos[t] + 1] = all[t];
        }
    for (uint32_t i = 0; i < p->n_totals; i++)
        p->tot_off[i + 1] += p->tot_off[i];
    memset(mine, 0, (nt ? nt : 1) * sizeof *mine);
    for (uint32_t s = 0; s < ns; s++)
        for (uint32_t k = p->pv.inc_off[s]; k < p->pv.inc_off[s + 1]; k++) {
            int32_t i = p->tot_pos[p->pv.inc[k]];
            if (i >= 0)
                p->tot_series[p->tot_off[i] + mine[i]++] = s;
        }
    rc = 0;
out:
    free(all);
    free(mine);
    return rc;
}

int fc_panel_load(struct tr_backend *be, const struct tr_catalog *c,
                  const struct tr_engine_prep_view *pv, tr_day first, tr_day last,
                  uint32_t max_groups, struct fc_panel *p, struct tr_error *err)
{
    memset(p, 0, sizeof *p);
    p->c = c;
    p->pv = *pv;
    p->first = first;
    p->last = last;
    uint32_t ns = c->n_series, ng = (ns + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
    int rc = fc_sample_groups(ng, max_groups, &p->groups, &p->n_groups);
    if (!rc && !(p->h = calloc(p->n_groups ? p->n_groups : 1, sizeof *p->h)))
        rc = TR_ENOMEM;
    if (!rc && !(p->series_group = malloc((ns ? ns : 1) * sizeof *p->series_group)))
        rc = TR_ENOMEM;
    if (!rc && !(p->series = malloc((ns ? ns : 1) * sizeof *p->series)))
        rc = TR_ENOMEM;
    if (rc) {
        fc_panel_release(p);
        return tr_error_set(err, rc, "forecast: out of memory");
    }
    for (uint32_t s = 0; s < ns; s++)
        p->series_group[s] = -1;
    for (uint32_t i = 0; i < p->n_groups; i++) {
        if ((rc = fc_read_history(be, p->groups[i], first, last, &p->h[i], err))) {
            fc_panel_release(p);
            return rc;
        }
        for (uint32_t slot = 0; slot < TR_GROUP_SLOTS; slot++) {
            uint32_t s = p->groups[i] * TR_GROUP_SLOTS + slot;
            if (s < ns) {
                p->series_group[s] = (int32_t)i;
                p->series[p->n_series++] = s;
            }
        }
    }
    if (panel_totals(p)) {
        fc_panel_release(p);
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    }
    return 0;
}

static const uint64_t *row(const struct fc_panel *p, uint32_t s, const uint8_t **pres)
{
    const struct fc_group_history *h = &p->h[p->series_group[s]];
    size_t off = (size_t)(s % TR_GROUP_SLOTS) * (size_t)h->n_days;
    *pres = h->p + off;
    return h->v + off;
}

uint64_t fc_panel_value(const struct fc_panel *p, uint32_t s, tr_day d)
{
    const uint8_t *pres;
    const uint64_t *v = row(p, s, &pres);
    if (d < p->first)
        return 0;
    if (d > p->last)
        d = p->last;
    return v[d - p->first];
}

uint64_t fc_panel_total_value(const struct fc_panel *p, uint32_t i, tr_day d)
{
    uint64_t sum = 0;
    for (uint32_t k = p->tot_off[i]; k < p->tot_off[i + 1]; k++)
        sum += fc_panel_value(p, p->tot_series[k], d);
    return sum;
}

int fc_cut_alloc(const struct fc_panel *p, struct fc_cut *cut)
{
    size_t ns = p->n_series ? p->n_series : 1, nt = p->n_totals ? p->n_totals : 1;
    cut->fit = malloc(ns * sizeof *cut->fit);
    cut->recent = malloc(ns * sizeof *cut->recent);
    cut->tot_fit = malloc(nt * sizeof *cut->tot_fit);
    cut->tot_recent = malloc(nt * sizeof *cut->tot_recent);
    cut->tot_st = malloc(nt * sizeof *cut->tot_st);
    if (cut->fit && cut->recent && cut->tot_fit && cut->tot_recent && cut->tot_st)
        return 0;
    fc_cut_release(cut);
    return TR_ENOMEM;
}

void fc_cut_release(struct fc_cut *cut)
{
    free(cut->fit);
    free(cut->recent);
    free(cut->tot_fit);
    free(cut->tot_recent);
    free(cut->tot_st);
    memset(cut, 0, sizeof *cut);
}

static int32_t age_on(tr_day T, tr_day start)
{
    return start == TR_DAY_NONE ? INT32_MIN : T - start;
}

void fc_panel_cut(const struct fc_panel *p, tr_day c, struct fc_cut *cut)
{
    uint64_t v[FC_WINDOW + 1];
    uint8_t pr[FC_WINDOW + 1];
    memset(cut->tot_st, 0, (p->n_totals ? p->n_totals : 1) * sizeof *cut->tot_st);
    for (uint32_t i = 0; i < p->n_series; i++) {
        uint32_t s = p->series[i];
        const uint8_t *pres;
        const uint64_t *val = row(p, s, &pres);
        for (int k = 0; k <= FC_WINDOW; k++) {
            tr_day d = c - FC_WINDOW + k;
            bool in = d >= p->first && d <= p->last;
            v[k] = in ? val[d - p->first] : 0;
            pr[k] = in ? pres[d - p->first] : 0;
        }
        struct fc_stats st;
        fc_series_stats(v, pr, c, &st);
        fc_fit(&st, age_on(c, p->pv.start[s]), &cut->fit[i]);
        fc_stats_fit(&st, &cut->fit[i]);
        cut->recent[i] = st.recent;
        for (uint32_t k = p->pv.inc_off[s]; k < p->pv.inc_off[s + 1]; k++) {
            int32_t t = p->tot_pos[p->pv.inc[k]];
            if (t >= 0)
                fc_stats_add(&cut->tot_st[t], &st);
        }
    }
    for (uint32_t i = 0; i < p->n_totals; i++) {
        fc_fit_total(&cut->tot_st[i], &cut->tot_fit[i]);
        cut->tot_recent[i] = cut->tot_st[i].recent;
    }
}

int fc_total_cal(const struct fc_panel *p, uint32_t t)
{
    return t < p->c->n_releases ? FC_CAL_RELEASE : FC_CAL_ARTIST;
}
