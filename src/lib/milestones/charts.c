/*
 * charts.c: chart runs from chart entries (trackrecord/charts.h).
 *
 * Entries come ordered by chart, country and period; each (chart,
 * country) group is one run.  A period is a day on daily charts and a week
 * on weekly ones, so a gap of more than one period between two entries is
 * a re-entry.  The figures cover the periods that were imported: a chart
 * file not imported reads as a period off the chart.
 *
 * Chart milestones follow from the runs: a debut at #1 or in the top 10,
 * reaching #1 or the top 10, and N periods on the chart (weekly: 5, 10,
 * 20, 52, 100 weeks; daily: 10, 30, 100, 200, 365 days).  Their scope is
 * the chart ("weekly:us"), so that the records engine compares them only
 * with the same milestone on the same chart.  A track already on the chart
 * in the first period imported has no known debut; its peak in that period
 * and its counts of periods are "on or before" (open_start).  After a
 * period missing between the imported ones (a gap), an event may have
 * happened in it, unseen: it is known only to be after the last period
 * before the first gap (`after`), which leaves the records claims it could
 * decide uncertain.
 */
#include "store/internal.h"
#include "milestones/engine.h"
#include "trackrecord/array.h"
#include "trackrecord/charts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tr_chart_runs(const struct tr_chart_entry *e, size_t n, struct tr_chart_run **out,
                  size_t *n_out)
{
    struct tr_chart_run *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return TR_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool same = k && strcmp(v[k - 1].chart, e[i].chart) == 0 &&
                    strcmp(v[k - 1].country, e[i].country) == 0;
        struct tr_chart_run *r = &v[same ? k - 1 : k];
        if (same && e[i].period == r->last_date)
            continue;   /* the period again under another id: the better rank came first */
        uint32_t id = 0;
        if (same)
            while (id < r->n_ids && id < TR_CHART_RUN_IDS && strcmp(r->ids[id], e[i].track) != 0)
                id++;
        if (!same || id == r->n_ids) {
            if (r->n_ids < TR_CHART_RUN_IDS)
                memcpy(r->ids[r->n_ids], e[i].track, sizeof r->ids[0]);
            r->n_ids++;
        }
        if (!same) {
            memcpy(r->chart, e[i].chart, sizeof r->chart);
            memcpy(r->country, e[i].country, sizeof r->country);
            r->debut_date = r->peak_date = r->last_date = e[i].period;
            r->debut_rank = r->peak_rank = e[i].rank;
            k++;
        } else {
            int step = strcmp(e[i].chart, "daily") == 0 ? 1 : 7;
            if (e[i].period - r->last_date > step)
                r->reentries++;
            r->last_date = e[i].period;
            if (e[i].rank < r->peak_rank) {
                r->peak_rank = e[i].rank;
                r->peak_date = e[i].period;
            }
        }
        r->periods_on_chart++;
        r->periods_at_1 += e[i].rank == 1;
        r->chart_streams += e[i].has_streams ? e[i].streams : 0;
    }
    *out = v;
    *n_out = k;
    return 0;
}

int tr_store_chart_entries(struct tr_store *s, uint32_t track, struct tr_chart_entry **out,
                           size_t *n, struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    if (track >= c->n_tracks)
        return tr_error_set(err, TR_ENOTFOUND, "no track with index %u", track);
    return s->be->ops->load_chart_entries(s->be, c->tracks[track].id, out, n, err);
}

/* Orders entries by chart, country, period, rank. */
static int entry_cmp(const void *pa, const void *pb)
{
    const struct tr_chart_entry *a = pa, *b = pb;
    int c = strcmp(a->chart, b->chart);
    if (!c)
        c = strcmp(a->country, b->country);
    if (!c)
        c = (a->period > b->period) - (a->period < b->period);
    return c ? c : (a->rank > b->rank) - (a->rank < b->rank);
}

/* The entries of the ids that may be track's song, appended to *e. */
static int candidate_entries(struct tr_store *s, const struct tr_catalog *c, uint32_t track,
                             struct tr_chart_entry **e, size_t *ne, struct tr_error *err)
{
    uint32_t *cand;
    size_t n_cand;
    if (tr_chart_song_candidates(c, track, &cand, &n_cand))
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n_cand && !rc; i++) {
        struct tr_chart_entry *more;
        size_t n_more;
        if ((rc = s->be->ops->load_chart_entries(s->be, c->tracks[cand[i]].id, &more, &n_more, err)))
            break;
        struct tr_chart_entry *all = realloc(*e, (*ne + n_more + 1) * sizeof *all);
        if (!all) {
            free(more);
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            break;
        }
        if (n_more)
            memcpy(all + *ne, more, n_more * sizeof *more);
        *e = all;
        *ne += n_more;
        free(more);
    }
    free(cand);
    return rc;
}

int tr_store_chart_runs(struct tr_store *s, uint32_t track, struct tr_chart_run **out,
                        size_t *n, struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    if (track >= c->n_tracks)
        return tr_error_set(err, TR_ENOTFOUND, "no track with index %u", track);
    struct tr_chart_entry *e = NULL;
    size_t ne = 0;
    uint32_t *song = NULL;
    if ((rc = candidate_entries(s, c, track, &e, &ne, err))) {
        free(e);
        return rc;
    }
    if (tr_chart_songs(c, e, ne, &song)) {
        free(e);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    /* the song's own entries, in the order of its runs */
    size_t k = 0;
    for (size_t i = 0; i < ne; i++) {
        uint32_t t = tr_catalog_track(c, e[i].track);
        if (t != TR_NONE && song[t] == song[track])
            e[k++] = e[i];
    }
    if (k)
        qsort(e, k, sizeof *e, entry_cmp);
    rc = tr_chart_runs(e, k, out, n);
    free(song);
    free(e);
    return rc ? tr_error_set(err, rc, "out of memory") : 0;
}

static const uint32_t rank_classes[] = {1, 10};
static const uint32_t weekly_periods[] = {5, 10, 20, 52, 100};
static const uint32_t daily_periods[] = {10, 30, 100, 200, 365};

static int push(struct tr_milestone **v, size_t *n, size_t *cap, const struct tr_milestone *m)
{
    int rc = tr_array_reserve(v, cap, *n + 1);
    if (rc)
        return rc;
    (*v)[(*n)++] = *m;
    return 0;
}

/* A chart entry's place among its chart's periods. */
struct scope_period {
    size_t scope;
    tr_day period;
};

static int scope_period_cmp(const void *pa, const void *pb)
{
    const struct scope_period *a = pa, *b = pb;
    if (a->scope != b->scope)
        return a->scope < b->scope ? -1 : 1;
    return (a->period > b->period) - (a->period < b->period);
}

/* An event on date after the chart's first missing period (gap_end: the
 * last period imported before it) may have happened in the missing ones:
 * known to be after gap_end only. */
static tr_day after_gap(tr_day gap_end, tr_day date)
{
    return gap_end != TR_DAY_NONE && date > gap_end ? gap_end : TR_DAY_NONE;
}

/* Orders entries by track, chart, country, period, rank. */
static int track_entry_cmp(const void *pa, const void *pb)
{
    const struct tr_chart_entry *a = pa, *b = pb;
    int c = strcmp(a->track, b->track);
    return c ? c : entry_cmp(a, b);
}

/* The entries as one song's each: under the id naming the song, in
 * track, chart, country, period order, a period once (at the better rank,
 * should two of its ids be listed in it).  *out malloc'd. */
static int entries_by_song(const struct tr_catalog *c, const struct tr_chart_entry *e, size_t n,
                           struct tr_chart_entry **out, size_t *n_out)
{
    uint32_t *song;
    struct tr_chart_entry *v = malloc((n ? n : 1) * sizeof *v);
    if (!v || tr_chart_songs(c, e, n, &song)) {
        free(v);
        return TR_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t t = tr_catalog_track(c, e[i].track);
        if (t == TR_NONE)
            continue;
        v[k] = e[i];
        snprintf(v[k].track, sizeof v[k].track, "%s", c->tracks[song[t]].id);
        k++;
    }
    free(song);
    qsort(v, k, sizeof *v, track_entry_cmp);
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (!m || v[m - 1].period != v[i].period || strcmp(v[m - 1].track, v[i].track) != 0 ||
            strcmp(v[m - 1].chart, v[i].chart) != 0 || strcmp(v[m - 1].country, v[i].country) != 0)
            v[m++] = v[i];
    *out = v;
    *n_out = m;
    return 0;
}

int tr_chart_milestones(const struct tr_catalog *c, const struct tr_chart_entry *listed, size_t n,
                        struct tr_milestone **out, size_t *n_out)
{
    struct tr_milestone *v = NULL;
    size_t nv = 0, cap = 0;
    tr_day *day0 = NULL;
    struct tr_chart_entry *e = NULL;
    int rc = entries_by_song(c, listed, n, &e, &n);
    if (!rc)
        rc = tr_catalog_track_days(c, &day0);
    /* first period imported per chart: a track already on the chart then
     * did not debut there as far as the data tell, and its counts of
     * periods start with the data */
    struct scope_start { const char *chart, *country; tr_day first, gap_end; } *starts = NULL;
    struct scope_period *sp = NULL;
    size_t n_starts = 0;
    if (!rc && (!(starts = malloc((n ? n : 1) * sizeof *starts)) ||
                !(sp = malloc((n ? n : 1) * sizeof *sp))))
        rc = TR_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        size_t k = 0;
        while (k < n_starts && !(strcmp(starts[k].chart, e[i].chart) == 0 &&
                                 strcmp(starts[k].country, e[i].country) == 0))
            k++;
        if (k == n_starts)
            starts[n_starts++] = (struct scope_start){e[i].chart, e[i].country, e[i].period,
                                                      TR_DAY_NONE};
        else if (e[i].period < starts[k].first)
            starts[k].first = e[i].period;
        sp[i] = (struct scope_period){k, e[i].period};
    }
    /* a period missing inside the imported ones: any crossing after it may
     * have happened in it, unseen */
    if (!rc && n) {
        qsort(sp, n, sizeof *sp, scope_period_cmp);
        for (size_t i = 1; i < n; i++) {
            struct scope_start *st = &starts[sp[i].scope];
            int step = strcmp(st->chart, "daily") == 0 ? 1 : 7;
            if (sp[i].scope == sp[i - 1].scope && st->gap_end == TR_DAY_NONE &&
                sp[i].period - sp[i - 1].period > step)
                st->gap_end = sp[i - 1].period;
        }
    }
    for (size_t i = 0; !rc && i < n;) {
        size_t j = i;     /* the run: same track, chart and country */
        while (j < n && strcmp(e[j].track, e[i].track) == 0 && strcmp(e[j].chart, e[i].chart) == 0 &&
               strcmp(e[j].country, e[i].country) == 0)
            j++;
        uint32_t t = tr_catalog_track(c, e[i].track);
        if (t != TR_NONE) {
            bool daily = strcmp(e[i].chart, "daily") == 0;
            const uint32_t *periods = daily ? daily_periods : weekly_periods;
            size_t n_periods = daily ? sizeof daily_periods / sizeof *daily_periods
                                     : sizeof weekly_periods / sizeof *weekly_periods;
            tr_day first = e[i].period, gap_end = TR_DAY_NONE;
            for (size_t k = 0; k < n_starts; k++)
                if (strcmp(starts[k].chart, e[i].chart) == 0 && strcmp(starts[k].country, e[i].country) == 0) {
                    first = starts[k].first;
                    gap_end = starts[k].gap_end;
                }
            bool from_start = e[i].period == first;   /* on the chart before the data began? */
            struct tr_milestone m = {.subject_type = TR_SUBJECT_TRACK, .subject = t,
                                     .after = TR_DAY_NONE, .slowest = TR_NONE};
            char scope[TR_SCOPE_LEN + 1];
            snprintf(scope, sizeof scope, "%s:%s", e[i].chart, e[i].country);
            rc = tr_scope_intern(scope, strlen(scope), &m.scope);
            for (size_t r = 0; r < sizeof rank_classes / sizeof *rank_classes && !rc; r++) {
                if (!from_start && e[i].rank <= rank_classes[r]) {
                    m.kind = TR_MS_CHART_DEBUT;
                    m.threshold = rank_classes[r];
                    m.value = e[i].rank;
                    m.date = e[i].period;
                    m.day = day0[t] != TR_DAY_NONE ? m.date - day0[t] : TR_DAYN_NONE;
                    m.after = after_gap(gap_end, m.date);
                    rc = push(&v, &nv, &cap, &m);
                }
                for (size_t k = i; k < j && !rc; k++)
                    if (e[k].rank <= rank_classes[r]) {
                        m.kind = TR_MS_CHART_PEAK;
                        m.threshold = rank_classes[r];
                        m.value = e[k].rank;
                        m.date = e[k].period;
                        m.day = day0[t] != TR_DAY_NONE ? m.date - day0[t] : TR_DAYN_NONE;
                        /* at the peak in the first period imported: maybe
                         * earlier, where it stood when the data began */
                        m.open_start = m.baseline = from_start && k == i;
                        m.after = m.open_start ? TR_DAY_NONE : after_gap(gap_end, m.date);
                        rc = push(&v, &nv, &cap, &m);
                        m.open_start = m.baseline = false;
                        break;
                    }
            }
            for (size_t p = 0; p < n_periods && !rc && i + periods[p] - 1 < j; p++) {
                const struct tr_chart_entry *at = &e[i + periods[p] - 1];
                m.kind = TR_MS_CHART_PERIODS;
                m.threshold = periods[p];
                m.value = periods[p];
                m.date = at->period;
                m.day = day0[t] != TR_DAY_NONE ? m.date - day0[t] : TR_DAYN_NONE;
                m.open_start = from_start;   /* periods before the data may count too */
                m.after = m.open_start ? TR_DAY_NONE : after_gap(gap_end, m.date);
                rc = push(&v, &nv, &cap, &m);
            }
        }
        i = j;
    }
    free(day0);
    free(starts);
    free(sp);
    free(e);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n_out = nv;
    return 0;
}

int tr_chart_milestones_refresh(struct tr_store *s, struct tr_error *err)
{
    struct tr_chart_entry *e = NULL;
    struct tr_milestone *m = NULL;
    size_t ne = 0, nm = 0;
    int rc = s->be->ops->load_chart_entries(s->be, NULL, &e, &ne, err);
    if (!rc && (rc = tr_chart_milestones(s->catalog, e, ne, &m, &nm)))
        rc = tr_error_set(err, rc, "chart milestones: out of memory");
    if (!rc)
        rc = s->be->ops->replace_events(s->be, s->catalog, false, true, m, nm, NULL, 0, err);
    free(e);
    free(m);
    return rc;
}

int tr_store_chart_scopes(struct tr_store *s, struct tr_chart_scope **out, size_t *n,
                          struct tr_error *err)
{
    struct tr_chart_entry *e = NULL;
    size_t ne = 0, k = 0;
    *out = NULL;
    *n = 0;
    int rc = s->be->ops->load_chart_entries(s->be, NULL, &e, &ne, err);
    if (rc)
        return rc;
    struct tr_chart_scope *v = calloc(ne ? ne : 1, sizeof *v);
    if (!v) {
        free(e);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    if (ne)
        qsort(e, ne, sizeof *e, entry_cmp);
    for (size_t i = 0; i < ne;) {
        char scope[sizeof v->scope];
        snprintf(scope, sizeof scope, "%s:%s", e[i].chart, e[i].country);
        if (!k || strcmp(v[k - 1].scope, scope) != 0) {
            memcpy(v[k].scope, scope, sizeof scope);
            v[k].first = v[k].last = v[k].complete_to = e[i].period;
            v[k].complete = true;
            k++;
        }
        int step = strcmp(e[i].chart, "daily") == 0 ? 1 : 7;
        if (v[k - 1].complete_to == v[k - 1].last && e[i].period - v[k - 1].last <= step)
            v[k - 1].complete_to = e[i].period;     /* no period missing so far */
        /* one period: ranks 1, 2, ... without a hole */
        size_t j = i;
        uint32_t want = 1;
        while (j < ne && e[j].period == e[i].period && strcmp(e[j].chart, e[i].chart) == 0 &&
               strcmp(e[j].country, e[i].country) == 0) {
            v[k - 1].complete &= e[j].rank == want++;
            j++;
        }
        v[k - 1].last = e[i].period;
        i = j;
    }
    free(e);
    *out = v;
    *n = k;
    return 0;
}
