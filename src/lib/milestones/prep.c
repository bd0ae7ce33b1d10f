/*
 * prep.c: what a scan derives from the catalog alone (engine.h): each
 * track's day 0, each recording's start, the series -> totals incidence
 * and its runs; and the same as bytes kept beside the store.
 */
#include "milestones/engine_internal.h"
#include "store/internal.h"

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


struct tr_engine_prep *tr_engine_prep_kept(struct tr_store *s)
{
    void *data;
    size_t len;
    void (*release)(void *, size_t, void *);
    struct tr_engine_prep *p = NULL;
    if (!s->catalog || s->be->ops->get_prep(s->be, &data, &len, &release, NULL) || !data)
        return NULL;
    if (tr_engine_prep_adopt(s->catalog, data, len, release, NULL, &p))
        release(data, len, NULL);
    return p;
}

int tr_engine_prep_keep(struct tr_store *s, const struct tr_engine_prep *p, struct tr_error *err)
{
    void *data;
    size_t len;
    if (tr_engine_prep_save(p, &data, &len))
        return 0;                /* out of memory: made again next time */
    return s->be->ops->put_prep(s->be, data, len, err);
}
