/*
 * every_track.c: every-track milestones from a scan's track crossings.
 */
#include "milestones/engine_internal.h"

/* Every-track milestones from the track crossings.  A recording's k-th
 * crossing is at the k-th ladder threshold, and a crossing is never
 * undone, so a release stands at level min(k) over its recordings and
 * passes a new level on the latest of its members' crossing days for that
 * level.  Levels reached before this scan (k_before) are already stored;
 * a new level has at least one member that crossed it in this scan, and
 * the slowest member is among those: the latest day, then the smallest
 * value. */
int engine_every_track(struct engine *g)
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
void engine_drop_every_track_only(struct engine *g)
{
    struct tr_milestone *ev = g->lane[0].events.p;
    size_t k = 0;
    for (size_t i = 0; i < g->lane[0].events.n; i++)
        if (ev[i].kind != TR_MS_TRACK_TOTAL || tr_ladder_has(g->l_track, ev[i].threshold))
            ev[k++] = ev[i];
    g->lane[0].events.n = k;
}

