/*
 * pages_data.c: what the pages read, gathered once per catalog (web/pages.h):
 * cross-references of the catalog, the events with their claims by subject,
 * sales and awards; and the summed series of a release or an artist.
 */
#include "web/pages_internal.h"

#include <stdlib.h>
#include <string.h>

/* Compressed rows: the items of key k are items[first[k] .. first[k + 1]). */
int web_csr_build(struct web_csr *m, uint32_t n_keys, size_t n_pairs, const uint32_t *keys,
                     const uint32_t *vals)
{
    m->first = calloc((size_t)n_keys + 1, sizeof *m->first);
    m->items = malloc((n_pairs ? n_pairs : 1) * sizeof *m->items);
    if (!m->first || !m->items)
        return TR_ENOMEM;
    for (size_t i = 0; i < n_pairs; i++)
        m->first[keys[i] + 1]++;
    for (uint32_t k = 0; k < n_keys; k++)
        m->first[k + 1] += m->first[k];
    size_t *fill = malloc(((size_t)n_keys + 1) * sizeof *fill);
    if (!fill)
        return TR_ENOMEM;
    memcpy(fill, m->first, ((size_t)n_keys + 1) * sizeof *fill);
    for (size_t i = 0; i < n_pairs; i++)
        m->items[fill[keys[i]]++] = vals[i];
    free(fill);
    return 0;
}

void web_csr_free(struct web_csr *m)
{
    free(m->first);
    free(m->items);
}

const uint32_t *web_csr_get(const struct web_csr *m, uint32_t key, size_t *n)
{
    *n = m->first[key + 1] - m->first[key];
    return m->items + m->first[key];
}

/* Pairs (key, value) gathered in two arrays before a csr_build. */
struct pairs {
    uint32_t *k, *v;
    size_t n, cap;
};

static int pairs_add(struct pairs *p, uint32_t k, uint32_t v)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        uint32_t *nk = realloc(p->k, cap * sizeof *nk);
        if (!nk)
            return TR_ENOMEM;
        p->k = nk;
        uint32_t *nv = realloc(p->v, cap * sizeof *nv);
        if (!nv)
            return TR_ENOMEM;
        p->v = nv;
        p->cap = cap;
    }
    p->k[p->n] = k;
    p->v[p->n++] = v;
    return 0;
}

static void pairs_free(struct pairs *p)
{
    free(p->k);
    free(p->v);
    *p = (struct pairs){0};
}

static int cross_references(struct web_pages *p)
{
    const struct tr_catalog *c = p->cat;
    struct pairs tr = {0}, ar = {0}, at = {0};
    int rc = 0;
    for (uint32_t r = 0; r < c->n_releases && !rc; r++) {
        const struct tr_release *rel = &c->releases[r];
        for (uint32_t k = 0; k < rel->n_tracks && !rc; k++)
            rc = pairs_add(&tr, rel->tracks[k], r);
        for (uint32_t k = 0; k < rel->n_artists && !rc; k++)
            rc = pairs_add(&ar, rel->artists[k], r);
    }
    for (uint32_t t = 0; t < c->n_tracks && !rc; t++)
        for (uint32_t k = 0; k < c->tracks[t].n_artists && !rc; k++)
            rc = pairs_add(&at, c->tracks[t].artists[k], t);
    if (!rc)
        rc = web_csr_build(&p->track_releases, c->n_tracks, tr.n, tr.k, tr.v);
    if (!rc)
        rc = web_csr_build(&p->artist_releases, c->n_artists, ar.n, ar.k, ar.v);
    if (!rc)
        rc = web_csr_build(&p->artist_tracks, c->n_artists, at.n, at.k, at.v);
    pairs_free(&tr);
    pairs_free(&ar);
    pairs_free(&at);
    return rc;
}

/* Each subject's events (indices into the claim set), in date order. */
static int events_by_subject(struct web_pages *p)
{
    const struct tr_catalog *c = p->cat;
    const uint32_t n_keys[3] = {c->n_tracks, c->n_releases, c->n_artists};
    struct pairs by[3] = {{0}};
    int rc = 0;
    for (size_t e = 0; e < p->n_events && !rc; e++) {
        const struct tr_milestone *m = &p->events[e];
        if (m->baseline)
            continue;   /* where a subject stood when its data began: not listed */
        if (e > UINT32_MAX)
            rc = TR_ELIMIT;
        else
            rc = pairs_add(&by[m->subject_type], m->subject, (uint32_t)e);
    }
    for (int t = 0; t < 3; t++) {
        if (!rc)
            rc = web_csr_build(&p->events_of[t], n_keys[t], by[t].n, by[t].k, by[t].v);
        pairs_free(&by[t]);
    }
    for (size_t f = 0; f < p->forecasts.n && !rc; f++)
        rc = pairs_add(&by[p->forecasts.f[f].subject_type], p->forecasts.f[f].subject, (uint32_t)f);
    for (int t = 0; t < 3; t++) {
        if (!rc)
            rc = web_csr_build(&p->forecasts_of[t], n_keys[t], by[t].n, by[t].k, by[t].v);
        pairs_free(&by[t]);
    }
    return rc;
}

int web_pages_open(struct tr_store *s, enum web_mode mode, const struct tr_claim_set *claims,
                   struct web_pages **out, struct tr_error *err)
{
    struct web_pages *p = calloc(1, sizeof *p);
    if (!p)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    p->store = s;
    p->mode = mode;
    p->last_day = TR_DAY_NONE;
    struct tr_coverage cov = {0};
    struct tr_chart_scope *scopes = NULL;
    size_t n_scopes = 0;
    int rc = tr_store_catalog(s, &p->cat, err);
    if (!rc)
        rc = tr_store_ladders(s, &p->ladders, err);
    p->claims = claims ? claims : &p->own_claims;
    if (!rc && !claims)
        rc = tr_store_claims(s, TR_DAY_NONE, false, &p->own_claims, err);
    p->events = p->claims->events;
    p->n_events = p->claims->n_events;
    struct tr_forecast_query fq = TR_FORECAST_QUERY_ALL;
    if (!rc && p->n_events)
        rc = tr_store_forecasts(s, &fq, &p->forecasts, err);
    if (!rc && tr_catalog_track_days(p->cat, &p->track_day0))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    if (!rc)
        rc = tr_coverage_read(s, &cov, err);
    if (!rc)
        rc = tr_store_sales(s, TR_NONE, &p->sales, &p->n_sales, err);
    if (!rc)
        rc = tr_store_awards(s, -1, TR_NONE, &p->awards, &p->n_awards, err);
    if (!rc)
        rc = tr_store_chart_scopes(s, &scopes, &n_scopes, err);
    if (!rc && (rc = cross_references(p)) == 0)
        rc = events_by_subject(p);
    if (rc && !err->code)
        tr_error_set(err, rc, "out of memory");
    for (uint32_t t = 0; !rc && t < p->cat->n_tracks; t++)
        if (cov.track_last[t] != TR_DAY_NONE && (p->last_day == TR_DAY_NONE || cov.track_last[t] > p->last_day))
            p->last_day = cov.track_last[t];
    p->has_charts = n_scopes > 0;
    free(scopes);
    tr_coverage_release(&cov);
    if (rc) {
        web_pages_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void web_pages_free(struct web_pages *p)
{
    if (!p)
        return;
    web_csr_free(&p->track_releases);
    web_csr_free(&p->artist_releases);
    web_csr_free(&p->artist_tracks);
    for (int t = 0; t < 3; t++) {
        web_csr_free(&p->events_of[t]);
        web_csr_free(&p->forecasts_of[t]);
    }
    tr_forecast_set_release(&p->forecasts);
    tr_claim_set_release(&p->own_claims);
    free(p->track_day0);
    free(p->sales);
    free(p->awards);
    free(p);
}

const struct tr_catalog *web_pages_catalog(const struct web_pages *p)
{
    return p->cat;
}

tr_day web_pages_last_day(const struct web_pages *p)
{
    return p->last_day;
}

const uint32_t *web_pages_artist_tracks(const struct web_pages *p, uint32_t artist, size_t *n)
{
    return web_csr_get(&p->artist_tracks, artist, n);
}

struct web_status web_status_of(const struct tr_point *p, size_t n)
{
    struct web_status st = {0, 0, TR_DAY_NONE, TR_DAY_NONE};
    if (!n)
        return st;
    st.total = p[n - 1].value;
    st.date = p[n - 1].day;
    if (n > 1) {
        st.gain = (int64_t)(p[n - 1].value - p[n - 2].value);
        st.gain_from = p[n - 2].day;
    }
    return st;
}

int web_sum_histories(const struct tr_catalog *c, const uint32_t *tracks, size_t n,
                      struct tr_point *const *hist, const size_t *n_hist, struct tr_point **out,
                      size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    tr_day from = TR_DAY_NONE, to = TR_DAY_NONE;
    for (size_t i = 0; i < n; i++) {
        if (!n_hist[i])
            return 0;   /* a track without data: no day has every track */
        if (from == TR_DAY_NONE || hist[i][0].day > from)
            from = hist[i][0].day;
        if (to == TR_DAY_NONE || hist[i][n_hist[i] - 1].day > to)
            to = hist[i][n_hist[i] - 1].day;
    }
    if (!n || from > to)
        return 0;
    size_t days = (size_t)(to - from) + 1;
    struct tr_point *sum = malloc(days * sizeof *sum);
    if (!sum)
        return TR_ENOMEM;
    for (size_t d = 0; d < days; d++)
        sum[d] = (struct tr_point){from + (tr_day)d, 0};
    for (size_t i = 0; i < n; i++) {
        bool twice = false;   /* the same recording listed again */
        for (size_t j = 0; j < i && !twice; j++)
            twice = c->tracks[tracks[j]].series == c->tracks[tracks[i]].series;
        if (twice)
            continue;
        const struct tr_point *h = hist[i];
        size_t k = 0;
        uint64_t v = 0;
        for (size_t d = 0; d < days; d++) {
            while (k < n_hist[i] && h[k].day <= sum[d].day)
                v = h[k++].value;
            sum[d].value += v;
        }
    }
    *out = sum;
    *n_out = days;
    return 0;
}

const struct tr_forecast *web_forecast_of(const struct web_pages *p, enum tr_subject_type t, uint32_t i,
                                          enum tr_milestone_kind kind)
{
    size_t n;
    const uint32_t *f = web_csr_get(&p->forecasts_of[t], i, &n);
    for (size_t k = 0; k < n; k++)
        if (p->forecasts.f[f[k]].kind == kind)
            return &p->forecasts.f[f[k]];
    return NULL;
}
