/*
 * records.c: the records engine (first, first and only, fastest): its rules
 * and its entry points.
 *
 * For an event (subject s, milestone kind and threshold, data date D) and a
 * comparison group G containing s, every other member m of G is summed up by
 * the interval [lo, hi] of days in which it crossed the same milestone: its
 * own event gives (after, date] (or the whole past when open_start); a member
 * without an event crossed, if at all, after its last data day.  Against
 * that, three predicates are judged three-valued (false, uncertain, true):
 *
 *   only     nobody else has lo <= D              (false if some hi <= D)
 *   first    nobody else has lo <= D - 1          (false if some hi < sa,
 *                                                  sa = s's earliest day)
 *   fastest  nobody else who may have reached it by D could have done it in
 *            fewer days than s                    (false if someone surely did)
 *
 * Each predicate can only get weaker as a group grows, so a claim is reported
 * for a group exactly when it holds there and in no strictly more general
 * group with more members; groups with the same members are one group, named
 * by the most general of them (docs/records.md has the rules).
 *
 * What a group needs is a small "tally" of counts and minima over its
 * members.  Two gatherers fill tallies: a scan over the catalog for one event
 * (tr_records_for_event) and, for all events, a sweep through time per race
 * (kind, threshold) with counters per interned group, plus per-group sorted
 * arrays for what does not depend on the race (membership, stale data).
 * Both feed the same evaluation, so the two paths cannot disagree on the
 * rules.
 *
 * The library never prints; errors are returned (TR_EUSAGE for an invalid
 * event, TR_ELIMIT for an artist with too many genres, TR_ENOMEM).
 *
 * This file holds the entry points; the subjects and their groups, the
 * judging, the scan and the sweep each have a file of their own
 * (records_engine.h lists them).
 */
#include "records/records_engine.h"
#include "records/records_scope.h"

#include <stdlib.h>
#include <string.h>

static enum tr_subject_type kind_subject(enum tr_milestone_kind k)
{
    switch (k) {
    case TR_MS_TRACK_TOTAL:
    case TR_MS_CHART_DEBUT:
    case TR_MS_CHART_PEAK:
    case TR_MS_CHART_PERIODS: return TR_SUBJECT_TRACK;
    case TR_MS_ARTIST_TOTAL: return TR_SUBJECT_ARTIST;
    default: return TR_SUBJECT_RELEASE;
    }
}

static int check_input(const struct tr_records_input *in, struct tr_error *err)
{
    if (!in || !in->catalog || (in->n_events && !in->events))
        return tr_error_set(err, TR_EUSAGE, "records: no catalog or no events given");
    if (in->n_world && !in->world)
        return tr_error_set(err, TR_EUSAGE, "records: no world rows given");
    for (size_t i = 0; i < in->n_events; i++) {
        const struct tr_milestone *ev = &in->events[i];
        if ((unsigned)ev->kind >= TR_MS_KIND_COUNT)
            return tr_error_set(err, TR_EUSAGE, "records: event %zu: unknown kind %d", i,
                                (int)ev->kind);
        if (ev->subject_type != kind_subject(ev->kind))
            return tr_error_set(err, TR_EUSAGE,
                                "records: event %zu: a %s milestone on a %s", i,
                                tr_milestone_kind_name(ev->kind),
                                tr_subject_type_name(ev->subject_type));
        uint32_t n = rec_type_count(in->catalog, ev->subject_type);
        if (ev->subject >= n)
            return tr_error_set(err, TR_EUSAGE,
                                "records: event %zu: subject %u out of range (catalog has %u)",
                                i, ev->subject, n);
        if (ev->date == TR_DAY_NONE || ev->date <= NEG_INF + 2 || ev->date >= POS_INF - 2)
            return tr_error_set(err, TR_EUSAGE, "records: event %zu: no date", i);
        if (ev->after != TR_DAY_NONE && ev->after >= ev->date)
            return tr_error_set(err, TR_EUSAGE,
                                "records: event %zu: 'after' %d is not before the date %d", i,
                                (int)ev->after, (int)ev->date);
    }
    return TR_OK;
}

static void engine_release(struct engine *E)
{
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        free(E->of_type[t]);
    free(E->art);
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        rec_subjects_release(&E->sub[t]);
    for (int v = 0; v < 16; v++)
        for (int g = 0; g <= MAX_G; g++)
            free(E->order[v][g]);
    free(E->claims);
}

static int engine_init(struct engine *E, const struct tr_records_input *in,
                       struct tr_claim **out, size_t *n_out, struct tr_error *err)
{
    memset(E, 0, sizeof *E);
    if (!out || !n_out)
        return tr_error_set(err, TR_EUSAGE, "records: no place for the claims");
    *out = NULL;
    *n_out = 0;
    int rc = check_input(in, err);
    if (rc)
        return rc;
    E->in = in;
    E->c = in->catalog;
    E->err = err;
    E->since = NEG_INF;
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        E->since_of[t] = NEG_INF;
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        E->last_date[t] = NEG_INF;
    for (size_t e = 0; e < in->n_events; e++)   /* checked: types are in range */
        E->n_of_type[in->events[e].subject_type]++;
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        if (!(E->of_type[t] = malloc((E->n_of_type[t] ? E->n_of_type[t] : 1) * sizeof(size_t))))
            return tr_error_set(err, TR_ENOMEM, "records: out of memory");
    size_t fill[TR_SUBJECT_ARTIST + 1] = {0};
    for (size_t e = 0; e < in->n_events; e++) {
        const struct tr_milestone *ev = &in->events[e];
        E->of_type[ev->subject_type][fill[ev->subject_type]++] = e;
        if (ev->date > E->last_date[ev->subject_type])
            E->last_date[ev->subject_type] = ev->date;
    }
    return rec_build_artists(E);
}

/* Hands the claims over, ordered by event (each event's own order kept). */
static int engine_output(struct engine *E, struct tr_claim **out, size_t *n_out)
{
    size_t n = E->n_claims, ne = E->in->n_events;
    size_t *at = calloc(ne + 1, sizeof *at);
    struct tr_claim *res = malloc((n ? n : 1) * sizeof *res);
    if (!at || !res) {
        free(at);
        free(res);
        return tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        at[E->claims[i].event + 1]++;
    for (size_t e = 0; e < ne; e++)
        at[e + 1] += at[e];
    for (size_t i = 0; i < n; i++)
        res[at[E->claims[i].event]++] = E->claims[i];
    free(at);
    if (tr_records_scope_claims(E->in, res, &n, E->err)) {
        free(res);
        return TR_ENOMEM;
    }
    *out = res;
    *n_out = n;
    return TR_OK;
}

int tr_records_compute(const struct tr_records_input *in, struct tr_claim **out,
                       size_t *n_out, struct tr_error *err)
{
    return tr_records_since(in, TR_DAY_NONE, out, n_out, err);
}

int tr_records_since(const struct tr_records_input *in, tr_day since, struct tr_claim **out,
                     size_t *n_out, struct tr_error *err)
{
    const tr_day each[TR_SUBJECT_ARTIST + 1] = {since, since, since};
    return tr_records_since_types(in, each, out, n_out, err);
}

int tr_records_since_types(const struct tr_records_input *in,
                           const tr_day since[TR_SUBJECT_ARTIST + 1], struct tr_claim **out,
                           size_t *n_out, struct tr_error *err)
{
    struct engine E;
    int rc = engine_init(&E, in, out, n_out, err);
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        E.since_of[t] = since[t] != TR_DAY_NONE && since[t] > NEG_INF ? since[t] : NEG_INF;
    if (rc == TR_OK)
        rc = rec_sweep_all(&E);
    if (rc == TR_OK)
        rc = engine_output(&E, out, n_out);
    engine_release(&E);
    return rc;
}

int tr_records_for_event(const struct tr_records_input *in, size_t event,
                         struct tr_claim **out, size_t *n_out, struct tr_error *err)
{
    struct engine E;
    int rc = engine_init(&E, in, out, n_out, err);
    if (rc == TR_OK && event >= in->n_events)
        rc = tr_error_set(err, TR_EUSAGE, "records: event %zu out of range (%zu events)",
                          event, in->n_events);
    if (rc == TR_OK)
        rc = rec_build_subjects(&E, in->events[event].subject_type);
    if (rc == TR_OK)
        rc = rec_scan_event(&E, event);
    if (rc == TR_OK)
        rc = engine_output(&E, out, n_out);
    engine_release(&E);
    return rc;
}

void tr_records_free(struct tr_claim *claims)
{
    free(claims);
}
