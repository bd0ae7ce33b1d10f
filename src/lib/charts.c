/*
 * charts.c: chart runs from chart entries (trackrecord/charts.h).
 *
 * Entries come ordered by chart, country and period; each (chart,
 * country) group is one run.  A period is a day on daily charts and a week
 * on weekly ones, so a gap of more than one period between two entries is
 * a re-entry.  The figures cover the periods that were imported: a chart
 * file not imported reads as a period off the chart.
 */
#include "store_internal.h"
#include "trackrecord/charts.h"

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

int tr_store_chart_runs(struct tr_store *s, uint32_t track, struct tr_chart_run **out,
                        size_t *n, struct tr_error *err)
{
    struct tr_chart_entry *e;
    size_t ne;
    int rc = tr_store_chart_entries(s, track, &e, &ne, err);
    if (rc)
        return rc;
    rc = tr_chart_runs(e, ne, out, n);
    free(e);
    return rc ? tr_error_set(err, rc, "out of memory") : 0;
}
