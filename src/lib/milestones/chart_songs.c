/*
 * chart_songs.c: one song under several track ids, as the charts count it
 * (trackrecord/charts.h).
 *
 * Spotify lists one song under several ids (a single's and the album's,
 * relinked re-uploads, regional ids) and its chart files follow: BTS's
 * "Dynamite" is 0v1x6rN6JHRapa03JElljE in its first US week and
 * 0t1kP63rueHleOhQkYSXFY after.  Chart sites merge such ids into one run;
 * so do we.  Two ids are the same song when
 *
 *   - they are one recording in the catalog (same_as: one series), or
 *   - they carry the same normalised title and the same artist credit
 *     (the catalog's artists, in order) and are both listed on one chart
 *     (chart and country), never in the same period of it: a chart lists a
 *     song once, so two ids in one week are two songs;
 *
 * and the relation is closed under both (union-find).  A song is named by
 * the id it was first listed under (the earliest period, then the better
 * rank, then the catalog's order).  To keep two ids apart, give them
 * different titles in the catalog ("Intro (2014)"), or make them appear in
 * one period.
 */
#include "model/catalog_edit.h"
#include "store/internal.h"
#include "trackrecord/charts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t find(uint32_t *parent, uint32_t t)
{
    while (parent[t] != t) {
        parent[t] = parent[parent[t]];
        t = parent[t];
    }
    return t;
}

static void unite(uint32_t *parent, uint32_t a, uint32_t b)
{
    a = find(parent, a), b = find(parent, b);
    if (a != b)
        parent[a > b ? a : b] = a < b ? a : b;
}

/* An entry of a catalog track, with what the title links compare. */
struct listed {
    uint32_t chart;              /* index among the charts seen */
    uint32_t track;
    const char *key;             /* normalised title and artists */
    tr_day period;
    uint32_t rank;
};

static int listed_cmp(const void *pa, const void *pb)
{
    const struct listed *a = pa, *b = pb;
    if (a->chart != b->chart)
        return a->chart < b->chart ? -1 : 1;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    if (a->track != b->track)
        return a->track < b->track ? -1 : 1;
    return (a->period > b->period) - (a->period < b->period);
}

/* Whether the sorted periods of two runs of entries share one. */
static bool share_period(const struct listed *a, size_t na, const struct listed *b, size_t nb)
{
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (a[i].period == b[j].period)
            return true;
        if (a[i].period < b[j].period)
            i++;
        else
            j++;
    }
    return false;
}

/* Each listed track's comparison key ("title\x1f" then its artist indices),
 * in one block (*block, freed by the caller); keys[t] for tracks listed. */
static int make_keys(const struct tr_catalog *c, const uint8_t *on_chart, const char **keys,
                     char **block)
{
    size_t len = 0;
    for (uint32_t t = 0; t < c->n_tracks; t++)
        if (on_chart[t])
            len += strlen(c->tracks[t].title ? c->tracks[t].title : "") + 2 +
                   11 * (size_t)c->tracks[t].n_artists;
    char *b = malloc(len ? len : 1), *at = b;
    if (!b)
        return TR_ENOMEM;
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        if (!on_chart[t])
            continue;
        const struct tr_track *tr = &c->tracks[t];
        keys[t] = at;
        tr_title_key(tr->title ? tr->title : "", at);
        at += strlen(at);
        *at++ = '\x1f';
        for (uint32_t k = 0; k < tr->n_artists; k++)
            at += sprintf(at, "%u,", tr->artists[k]);
        *at++ = '\0';
    }
    *block = b;
    return 0;
}

/* One group v[i, j) of listings (the same title and credit on one chart):
 * its tracks, each a run of entries in [i, j), joined in turn to the first
 * cluster none of whose tracks shares a period with it (two ids in one
 * week stay two songs, and a third id joins one of them, not both).  0 or
 * TR_ENOMEM. */
static int join_group(uint32_t *parent, const struct listed *v, size_t i, size_t j)
{
    size_t m = 0;
    for (size_t a = i; a < j; a++)
        m += a == i || v[a].track != v[a - 1].track;
    if (m < 2)
        return 0;
    size_t *lo = malloc(2 * m * sizeof *lo), *cluster = malloc(m * sizeof *cluster);
    if (!lo || !cluster) {
        free(lo);
        free(cluster);
        return TR_ENOMEM;
    }
    size_t *hi = lo + m;
    for (size_t a = i, r = 0; a < j; a++)
        if (a == i || v[a].track != v[a - 1].track) {
            lo[r] = a;
            if (r)
                hi[r - 1] = a;
            hi[r++] = j;
        }
    for (size_t r = 0; r < m; r++) {
        cluster[r] = r;
        for (size_t cl = 0; cl < r && cluster[r] == r; cl++) {
            if (cluster[cl] != cl)
                continue;        /* not a cluster's first track */
            bool clash = false;
            for (size_t q = 0; q < r && !clash; q++)
                clash = cluster[q] == cl &&
                        share_period(v + lo[q], hi[q] - lo[q], v + lo[r], hi[r] - lo[r]);
            if (!clash) {
                cluster[r] = cl;
                unite(parent, v[lo[cl]].track, v[lo[r]].track);
            }
        }
    }
    free(lo);
    free(cluster);
    return 0;
}

int tr_chart_songs(const struct tr_catalog *c, const struct tr_chart_entry *e, size_t n,
                   uint32_t **out)
{
    uint32_t nt = c->n_tracks;
    uint32_t *parent = malloc((nt ? nt : 1) * sizeof *parent);
    uint8_t *on_chart = calloc(nt ? nt : 1, 1);
    const char **keys = calloc(nt ? nt : 1, sizeof *keys);
    struct listed *v = malloc((n ? n : 1) * sizeof *v);
    char *key_block = NULL, (*charts)[40] = malloc((n ? n : 1) * sizeof *charts);
    tr_day *first = NULL;
    uint32_t *first_rank = NULL;
    int rc = TR_ENOMEM;
    if (!parent || !on_chart || !keys || !v || !charts)
        goto out;
    for (uint32_t t = 0; t < nt; t++)
        parent[t] = t;
    size_t nv = 0, n_charts = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t t = tr_catalog_track(c, e[i].track);
        if (t == TR_NONE)
            continue;
        char name[40];
        snprintf(name, sizeof name, "%s:%s", e[i].chart, e[i].country);
        uint32_t k = 0;
        /* entries come grouped by chart more often than not: look back first */
        if (n_charts && strcmp(charts[n_charts - 1], name) == 0)
            k = (uint32_t)n_charts - 1;
        else
            for (k = 0; k < n_charts && strcmp(charts[k], name) != 0; k++)
                ;
        if (k == n_charts)
            memcpy(charts[n_charts++], name, sizeof name);
        on_chart[t] = 1;
        v[nv++] = (struct listed){k, t, NULL, e[i].period, e[i].rank};
    }
    if ((rc = make_keys(c, on_chart, keys, &key_block)))
        goto out;
    /* one recording: one song */
    for (uint32_t t = 0; t < nt; t++)
        if (on_chart[t])
            unite(parent, t, c->series_track[c->tracks[t].series]);
    /* the same title and credit on one chart, never in one period */
    for (size_t i = 0; i < nv; i++)
        v[i].key = keys[v[i].track];
    qsort(v, nv, sizeof *v, listed_cmp);
    for (size_t i = 0, j; i < nv; i = j) {
        for (j = i + 1; j < nv && v[j].chart == v[i].chart && strcmp(v[j].key, v[i].key) == 0; j++)
            ;
        if ((rc = join_group(parent, v, i, j)))
            goto out;
    }
    /* each song named by the id it was first listed under: by root, the
     * naming track and its first listing */
    uint32_t *song = malloc((nt ? nt : 1) * sizeof *song);
    uint32_t *name_of = malloc((nt ? nt : 1) * sizeof *name_of);
    first = malloc((nt ? nt : 1) * sizeof *first);
    first_rank = malloc((nt ? nt : 1) * sizeof *first_rank);
    if (!song || !name_of || !first || !first_rank) {
        free(song);
        free(name_of);
        rc = TR_ENOMEM;
        goto out;
    }
    for (uint32_t t = 0; t < nt; t++) {
        song[t] = find(parent, t);
        name_of[t] = TR_NONE;
    }
    for (size_t i = 0; i < nv; i++) {
        uint32_t r = song[v[i].track], cur = name_of[r];
        if (cur == TR_NONE || v[i].period < first[r] ||
            (v[i].period == first[r] && (v[i].rank < first_rank[r] ||
                                         (v[i].rank == first_rank[r] && v[i].track < cur)))) {
            name_of[r] = v[i].track;
            first[r] = v[i].period;
            first_rank[r] = v[i].rank;
        }
    }
    for (uint32_t t = 0; t < nt; t++)
        song[t] = name_of[song[t]] != TR_NONE ? name_of[song[t]] : t;
    free(name_of);
    *out = song;
    rc = 0;
out:
    free(parent);
    free(on_chart);
    free((void *)keys);
    free(v);
    free(key_block);
    free(charts);
    free(first);
    free(first_rank);
    return rc;
}

int tr_chart_song_candidates(const struct tr_catalog *c, uint32_t track, uint32_t **out, size_t *n)
{
    uint32_t nt = c->n_tracks;
    uint8_t *in = calloc(nt ? nt : 1, 1), *all = malloc(nt ? nt : 1);
    const char **keys = calloc(nt ? nt : 1, sizeof *keys);
    uint32_t *v = malloc((nt ? nt : 1) * sizeof *v);
    uint8_t *series_in = calloc(c->n_series ? c->n_series : 1, 1);
    char *block = NULL;
    int rc = TR_ENOMEM;
    if (!in || !all || !keys || !v || !series_in)
        goto out;
    memset(all, 1, nt);
    if ((rc = make_keys(c, all, keys, &block)))
        goto out;
    size_t k = 0;
    v[k++] = track;
    in[track] = 1;
    series_in[c->tracks[track].series] = 1;
    /* a fixed point: each pass takes in the tracks of a member's series or
     * with a member's key (the songs are small: a pass or two) */
    for (bool grew = true; grew;) {
        grew = false;
        for (uint32_t t = 0; t < nt; t++) {
            if (in[t])
                continue;
            bool linked = series_in[c->tracks[t].series];
            for (size_t i = 0; i < k && !linked; i++)
                linked = strcmp(keys[t], keys[v[i]]) == 0;
            if (linked) {
                in[t] = 1;
                series_in[c->tracks[t].series] = 1;
                v[k++] = t;
                grew = true;
            }
        }
    }
    *out = v;
    *n = k;
    v = NULL;
    rc = 0;
out:
    free(in);
    free(all);
    free((void *)keys);
    free(v);
    free(series_in);
    free(block);
    return rc;
}
