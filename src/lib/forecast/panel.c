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

uint32_t fc_sampled_artists(const struct tr_catalog *c, uint32_t max_groups)
{
    uint32_t ng = (c->n_series + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
    return ng ? (uint32_t)((uint64_t)c->n_artists * (ng < max_groups ? ng : max_groups) / ng) : 0;
}

void fc_panel_release(struct fc_panel *p)
{
    for (uint32_t i = 0; p->h && i < p->n_groups; i++)
        fc_group_history_release(&p->h[i]);
    free(p->h);
    fc_group_history_release(&p->x);
    free(p->groups);
    free(p->series_group);
    free(p->series_row);
    free(p->totals);
    free(p->tot_off);
    free(p->tot_series);
    free(p->tot_pos);
    free(p->series);
    memset(p, 0, sizeof *p);
}

/* Whether series s is followed: in a group, or a sampled artist's. */
static bool followed(const struct fc_panel *p, uint32_t s)
{
    return p->series_group[s] >= 0 || p->series_row[s] >= 0;
}

/* The totals all of whose recordings the panel follows, and theirs: first
 * those whose recordings all lie in the groups, then the artists whose
 * recordings the sample of artists adds (a release never counts so: its
 * recordings would be scored as the groups' are not). */
static int panel_totals(struct fc_panel *p)
{
    const struct tr_catalog *c = p->c;
    uint32_t ns = c->n_series, nr = c->n_releases, nt = nr + c->n_artists;
    uint32_t *all = calloc(nt ? nt : 1, sizeof *all), *in_groups = calloc(nt ? nt : 1, sizeof *all),
             *mine = calloc(nt ? nt : 1, sizeof *mine);
    p->tot_pos = malloc((nt ? nt : 1) * sizeof *p->tot_pos);
    int rc = TR_ENOMEM;
    if (!all || !in_groups || !mine || !p->tot_pos)
        goto out;
    for (uint32_t s = 0; s < ns; s++)
        for (uint32_t k = p->pv.inc_off[s]; k < p->pv.inc_off[s + 1]; k++) {
            all[p->pv.inc[k]]++;
            in_groups[p->pv.inc[k]] += p->series_group[s] >= 0;
            mine[p->pv.inc[k]] += followed(p, s);
        }
    size_t members = 0;
    p->n_totals = 0;
    for (uint32_t t = 0; t < nt; t++) {
        p->tot_pos[t] = -1;
        if (all[t] && all[t] == in_groups[t]) {
            p->tot_pos[t] = (int32_t)p->n_totals++;
            members += all[t];
        }
    }
    p->n_group_totals = p->n_totals;
    for (uint32_t t = nr; t < nt; t++)
        if (p->tot_pos[t] < 0 && all[t] && all[t] == mine[t]) {
            p->tot_pos[t] = (int32_t)p->n_totals++;
            members += all[t];
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
    free(in_groups);
    free(mine);
    return rc;
}

/* The recordings of an even sample of at most max_artists artists that
 * the groups do not hold, read a group at a time into p->x (one row
 * each), and added to p->series after the groups'. */
static int sampled_artists(struct tr_backend *be, struct fc_panel *p, uint32_t max_artists,
                           struct tr_error *err)
{
    const struct tr_catalog *c = p->c;
    uint32_t ns = c->n_series, nr = c->n_releases, na = c->n_artists;
    uint32_t want = na < max_artists ? na : max_artists;
    uint8_t *sampled = calloc(na ? na : 1, 1);
    if (!sampled)
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    for (uint32_t i = 0; i < want; i++)
        sampled[(uint64_t)i * na / want] = 1;
    uint32_t n = 0;
    for (uint32_t s = 0; s < ns; s++) {
        p->series_row[s] = -1;
        if (p->series_group[s] >= 0)
            continue;
        for (uint32_t k = p->pv.inc_off[s]; k < p->pv.inc_off[s + 1]; k++)
            if (p->pv.inc[k] >= nr && sampled[p->pv.inc[k] - nr]) {
                p->series_row[s] = (int32_t)n++;
                break;
            }
    }
    free(sampled);
    int rc = 0;
    if (!n || p->last < p->first)
        return 0;
    struct fc_group_history *x = &p->x;
    x->first = p->first;
    x->n_days = p->last - p->first + 1;
    x->n = n;
    x->v = malloc((size_t)n * (size_t)x->n_days * sizeof *x->v);
    x->p = malloc((size_t)n * (size_t)x->n_days);
    if (!x->v || !x->p)
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    size_t row_days = (size_t)x->n_days;
    uint32_t slots[TR_GROUP_SLOTS];
    for (uint32_t g = 0; g * TR_GROUP_SLOTS < ns && !rc; g++) {
        uint32_t from = g * TR_GROUP_SLOTS, to = from + TR_GROUP_SLOTS < ns ? from + TR_GROUP_SLOTS : ns;
        uint32_t k = 0;
        int32_t r0 = -1;
        for (uint32_t s = from; s < to; s++)
            if (p->series_row[s] >= 0) {
                r0 = k ? r0 : p->series_row[s];
                slots[k++] = s - from;
                p->series[p->n_series++] = s;
            }
        /* rows are numbered in series order, so a group's are consecutive:
         * only its sampled slots are read, straight into them */
        if (k)
            rc = fc_read_slots(be, g, p->first, p->last, slots, k, x->v + (size_t)r0 * row_days,
                               x->p + (size_t)r0 * row_days, err);
    }
    return rc;
}

int fc_panel_load(struct tr_backend *be, const struct tr_catalog *c,
                  const struct tr_engine_prep_view *pv, tr_day first, tr_day last,
                  uint32_t max_groups, uint32_t max_artists, struct fc_panel *p,
                  struct tr_error *err)
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
    if (!rc && !(p->series_row = malloc((ns ? ns : 1) * sizeof *p->series_row)))
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
    p->n_group_series = p->n_series;
    if ((rc = sampled_artists(be, p, max_artists, err))) {
        fc_panel_release(p);
        return rc;
    }
    if (panel_totals(p)) {
        fc_panel_release(p);
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    }
    return 0;
}

static const uint64_t *row(const struct fc_panel *p, uint32_t s, const uint8_t **pres)
{
    bool in_group = p->series_group[s] >= 0;
    const struct fc_group_history *h = in_group ? &p->h[p->series_group[s]] : &p->x;
    size_t off = (size_t)(in_group ? s % TR_GROUP_SLOTS : (uint32_t)p->series_row[s]) * (size_t)h->n_days;
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
