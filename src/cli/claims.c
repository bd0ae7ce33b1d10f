/*
 * claims.c: records claims for the commands that show them (records,
 * milestones), computed over every stored event so that each claim is
 * judged against all the competitors the store knows, as of its date.
 */
#include "cli_claims.h"

#include <stdlib.h>
#include <string.h>

/* Orders claims by event, keeping the order within an event (qsort is not
 * stable, so the position breaks ties). */
struct claim_pos {
    size_t event, pos;
};

static int claim_pos_cmp(const void *pa, const void *pb)
{
    const struct claim_pos *a = pa, *b = pb;
    if (a->event != b->event)
        return a->event < b->event ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int sort_claims(struct claim_set *cs)
{
    struct claim_pos *k = malloc(cs->n_claims * sizeof *k);
    struct tr_claim *sorted = malloc(cs->n_claims * sizeof *sorted);
    if (!k || !sorted) {
        free(k);
        free(sorted);
        return TR_ENOMEM;
    }
    for (size_t i = 0; i < cs->n_claims; i++)
        k[i] = (struct claim_pos){cs->claims[i].event, i};
    qsort(k, cs->n_claims, sizeof *k, claim_pos_cmp);
    for (size_t i = 0; i < cs->n_claims; i++)
        sorted[i] = cs->claims[k[i].pos];
    free(k);
    free(cs->claims);
    cs->claims = sorted;
    return 0;
}

/* The claims of the events of one scope (play counts: ""), each judged
 * with the coverage that applies to it: a recording's data for play-count
 * milestones, the chart's imported periods for a chart's milestones. */
static int scope_claims(const struct tr_catalog *c, struct claim_set *cs, const char *scope,
                        const tr_day *const last_day[3], tr_day since, struct tr_error *err)
{
    size_t n = 0;
    for (size_t e = 0; e < cs->n_events; e++)
        n += strcmp(cs->events[e].scope, scope) == 0;
    /* every event in this scope (no charts): judged where they are */
    bool whole = n == cs->n_events;
    size_t *idx = whole ? NULL : malloc((n ? n : 1) * sizeof *idx);
    struct tr_milestone *ev = whole ? NULL : malloc((n ? n : 1) * sizeof *ev);
    struct tr_claim *cl = NULL;
    size_t ncl = 0;
    int rc = 0;
    if (!whole && (!idx || !ev)) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t e = 0, k = 0; !whole && e < cs->n_events; e++)
        if (strcmp(cs->events[e].scope, scope) == 0) {
            idx[k] = e;
            ev[k++] = cs->events[e];
        }
    struct tr_records_input in = {.catalog = c, .events = whole ? cs->events : ev, .n_events = n,
                                  .last_day = {last_day[0], last_day[1], last_day[2]}};
    if (!n || (rc = tr_records_since(&in, since, &cl, &ncl, err)))
        goto out;
    struct tr_claim *all = realloc(cs->claims, (cs->n_claims + ncl) * sizeof *all);
    if (!all) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    /* a group of one has nobody to beat: "the first and only album" of an
     * act alone in the store says nothing, so such claims are not shown */
    size_t kept = 0;
    for (size_t k = 0; k < ncl; k++) {
        if (cl[k].members < 2)
            continue;
        all[cs->n_claims + kept] = cl[k];
        all[cs->n_claims + kept++].event = whole ? cl[k].event : idx[cl[k].event];
    }
    cs->claims = all;
    cs->n_claims += kept;
out:
    tr_records_free(cl);
    free(idx);
    free(ev);
    return rc;
}

int claims_compute(struct tr_store *s, const struct tr_catalog *c, tr_day since,
                   struct claim_set *out, struct tr_error *err)
{
    memset(out, 0, sizeof *out);
    struct tr_milestone_filter all = TR_MILESTONE_FILTER_ALL;
    struct tr_chart_scope *scopes = NULL;
    size_t n_scopes = 0;
    tr_day *chart_last = NULL;
    int rc = tr_store_milestones(s, &all, &out->events, &out->n_events, err);
    if (!rc)
        rc = tr_store_coverage(s, &out->coverage, err);
    if (!rc)
        rc = tr_store_chart_scopes(s, &scopes, &n_scopes, err);
    if (!rc) {
        const tr_day *stream_last[3] = {out->coverage.track_last, out->coverage.release_last,
                                        out->coverage.artist_last};
        rc = scope_claims(c, out, "", stream_last, since, err);
    }
    if (!rc && n_scopes && !(chart_last = malloc((c->n_tracks ? c->n_tracks : 1) * sizeof *chart_last)))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < n_scopes; k++) {
        /* a chart's files tell about every track up to its last period */
        for (uint32_t t = 0; t < c->n_tracks; t++)
            chart_last[t] = scopes[k].last;
        const tr_day *last[3] = {chart_last, NULL, NULL};
        rc = scope_claims(c, out, scopes[k].scope, last, since, err);
    }
    free(scopes);
    free(chart_last);
    if (!rc && out->n_claims && sort_claims(out))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    /* claims are ordered by event: index where each event's begin */
    if (!rc && !(out->first = malloc((out->n_events + 1) * sizeof *out->first)))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    if (rc) {
        claims_release(out);
        return rc;
    }
    size_t k = 0;
    for (size_t e = 0; e <= out->n_events; e++) {
        while (k < out->n_claims && out->claims[k].event < e)
            k++;
        out->first[e] = k;
    }
    return 0;
}

void claims_release(struct claim_set *cs)
{
    free(cs->events);
    free(cs->claims);
    tr_coverage_release(&cs->coverage);
    free(cs->first);
    memset(cs, 0, sizeof *cs);
}

static const char *subject_id(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i)
{
    return cli_subject_id(c, t, i);
}

json_t *claim_json(const struct tr_catalog *c, const struct tr_milestone *ev,
                   const struct tr_claim *cl)
{
    char date[TR_DATE_LEN], name[256];
    json_t *o = json_object();
    json_object_set_new(o, "claim", json_string(tr_records_claim_name(cl->kind)));
    json_t *g = json_object();
    if (cl->group.country[0])
        json_object_set_new(g, "country", json_string(cl->group.country));
    if (cl->group.kind != TR_KIND_UNKNOWN)
        json_object_set_new(g, "kind", json_string(tr_artist_kind_name(cl->group.kind)));
    if (cl->group.gender != TR_GENDER_UNKNOWN)
        json_object_set_new(g, "gender", json_string(tr_gender_name(cl->group.gender)));
    if (cl->group.genre)
        json_object_set_new(g, "genre", json_string(cl->group.genre));
    if (cl->group.release_type != TR_RELEASE_UNKNOWN)
        json_object_set_new(g, "release_type", json_string(tr_release_type_name(cl->group.release_type)));
    json_object_set_new(o, "group", g);
    tr_records_group_name(&cl->group, ev->subject_type, name, sizeof name);
    json_object_set_new(o, "group_name", json_string(name));
    json_object_set_new(o, "joint", json_boolean(cl->joint));
    json_object_set_new(o, "uncertain", json_boolean(cl->uncertain));
    if (cl->uncertain)
        json_object_set_new(o, "doubt", json_string(tr_records_doubt_name(cl->doubt)));
    json_object_set_new(o, "members", json_integer(cl->members));
    json_object_set_new(o, "reached", json_integer(cl->reached));
    json_object_set_new(o, "unsettled", json_integer(cl->unsettled));
    json_object_set_new(o, "previous", cl->previous == TR_NONE ? json_null()
                                       : json_string(subject_id(c, ev->subject_type, cl->previous)));
    json_object_set_new(o, "previous_name", cl->previous == TR_NONE ? json_null()
                                            : json_string(cli_subject_name(c, ev->subject_type, cl->previous)));
    json_object_set_new(o, "previous_day", cl->previous_day == TR_DAYN_NONE ? json_null()
                                           : json_integer(cl->previous_day));
    json_object_set_new(o, "previous_date", cl->previous_date == TR_DAY_NONE ? json_null()
                                            : json_string(tr_day_format(cl->previous_date, date)));
    json_object_set_new(o, "margin", cl->margin == TR_DAYN_NONE ? json_null() : json_integer(cl->margin));
    return o;
}

void claim_text(FILE *f, const struct tr_catalog *c, const struct tr_milestone *ev,
                const struct tr_claim *cl)
{
    char name[256];
    tr_records_group_name(&cl->group, ev->subject_type, name, sizeof name);
    const char *what = cl->kind == TR_CLAIM_FIRST_AND_ONLY ? "first and only"
                     : cl->kind == TR_CLAIM_FASTEST ? "fastest" : "first";
    fprintf(f, "    %s%s%s %s: %u of %u reached it by then", cl->uncertain ? "possibly " : "",
            cl->joint ? "joint " : "", what, name, cl->reached, cl->members);
    if (cl->unsettled)
        fprintf(f, ", %u unsettled", cl->unsettled);
    if (cl->kind == TR_CLAIM_FASTEST && cl->previous != TR_NONE)
        fprintf(f, "; previous fastest %s (%d days), margin %d days",
                cli_subject_name(c, ev->subject_type, cl->previous), cl->previous_day, cl->margin);
    if (cl->uncertain)
        fprintf(f, " [uncertain: %s]", tr_records_doubt_name(cl->doubt));
    fputc('\n', f);
}
