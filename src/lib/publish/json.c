/*
 * json.c: the JSON shapes trackrecord publishes (trackrecord/publish.h),
 * one builder per subject: the command line's --json, the HTTP API and
 * the pages all call these, so an object has one shape wherever it is read.
 */
#include "trackrecord/publish.h"
#include "trackrecord/extras.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tr_milestone_describe(const struct tr_milestone *m, char *buf, size_t size)
{
    const char *scope = tr_scope_name(m->scope);
    char n[32];
    tr_count_format(m->threshold, n, sizeof n);
    switch (m->kind) {
    case TR_MS_EVERY_TRACK: snprintf(buf, size, "every track >= %s", n); break;
    case TR_MS_RELEASE_TOTAL: snprintf(buf, size, "release total >= %s", n); break;
    case TR_MS_ARTIST_TOTAL: snprintf(buf, size, "artist total >= %s", n); break;
    case TR_MS_CHART_DEBUT:
        if (m->threshold == 1)
            snprintf(buf, size, "debut at #1 on %s", scope);
        else
            snprintf(buf, size, "debut in the top %llu on %s", (unsigned long long)m->threshold, scope);
        break;
    case TR_MS_CHART_PEAK:
        if (m->threshold == 1)
            snprintf(buf, size, "reached #1 on %s", scope);
        else
            snprintf(buf, size, "reached the top %llu on %s", (unsigned long long)m->threshold, scope);
        break;
    case TR_MS_CHART_PERIODS:
        snprintf(buf, size, "%llu %s on %s", (unsigned long long)m->threshold,
                 strncmp(scope, "daily", 5) == 0 ? "days" : "weeks", scope);
        break;
    default: snprintf(buf, size, ">= %s", n); break;
    }
}

static json_t *day_or_null(tr_day d)
{
    char date[TR_DATE_LEN];
    return d == TR_DAY_NONE ? json_null() : json_string(tr_day_format(d, date));
}

json_t *tr_json_milestone(const struct tr_catalog *c, const struct tr_milestone *m)
{
    char date[TR_DATE_LEN];
    json_t *o = json_object();
    json_object_set_new(o, "subject", json_string(tr_subject_id(c, m->subject_type, m->subject)));
    json_object_set_new(o, "subject_type", json_string(tr_subject_type_name(m->subject_type)));
    json_object_set_new(o, "name", json_string(tr_subject_name(c, m->subject_type, m->subject)));
    json_object_set_new(o, "kind", json_string(tr_milestone_kind_name(m->kind)));
    json_object_set_new(o, "threshold", json_integer((json_int_t)m->threshold));
    json_object_set_new(o, "date", json_string(tr_day_format(m->date, date)));
    json_object_set_new(o, "day", m->day == TR_DAYN_NONE ? json_null() : json_integer(m->day));
    json_object_set_new(o, "value", json_integer((json_int_t)m->value));
    if (m->slowest != TR_NONE) {
        json_object_set_new(o, "slowest", json_string(c->tracks[m->slowest].id));
        json_object_set_new(o, "slowest_title",
                            json_string(tr_subject_name(c, TR_SUBJECT_TRACK, m->slowest)));
    }
    if (m->scope) {
        const char *scope = tr_scope_name(m->scope), *colon = strchr(scope, ':');
        json_object_set_new(o, "chart", json_stringn(scope, colon ? (size_t)(colon - scope) : strlen(scope)));
        json_object_set_new(o, "country", json_string(colon ? colon + 1 : ""));
    }
    json_object_set_new(o, "baseline", json_boolean(m->baseline));
    if (m->after != TR_DAY_NONE || m->open_start) {
        json_t *b = json_object();
        json_object_set_new(b, "after", m->open_start ? json_null() : day_or_null(m->after));
        json_object_set_new(b, "by", json_string(tr_day_format(m->date, date)));
        json_object_set_new(o, "between", b);
    }
    return o;
}

json_t *tr_json_claim(const struct tr_catalog *c, const struct tr_milestone *ev,
                      const struct tr_claim *cl)
{
    char name[256];
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
    bool prev = cl->previous != TR_NONE;
    json_object_set_new(o, "previous", prev ? json_string(tr_subject_id(c, ev->subject_type, cl->previous))
                                            : json_null());
    json_object_set_new(o, "previous_name", prev ? json_string(tr_subject_name(c, ev->subject_type, cl->previous))
                                                 : json_null());
    json_object_set_new(o, "previous_day", cl->previous_day == TR_DAYN_NONE ? json_null()
                                           : json_integer(cl->previous_day));
    json_object_set_new(o, "previous_date", day_or_null(cl->previous_date));
    json_object_set_new(o, "margin", cl->margin == TR_DAYN_NONE ? json_null() : json_integer(cl->margin));
    json_object_set_new(o, "scope", json_string(tr_records_scope_name(cl->scope)));
    json_object_set_new(o, "since", day_or_null(cl->since));
    if (cl->scope == TR_CLAIM_TRACKED)
        json_object_set_new(o, "tracked_members", json_integer(cl->tracked_members));
    char sentence[TR_RECORDS_POST_SIZE];
    if (tr_records_claim_text(c, ev, cl, sentence, sizeof sentence))
        sentence[0] = '\0';
    json_object_set_new(o, "claim_text", json_string(sentence));
    return o;
}

json_t *tr_json_milestone_claims(const struct tr_catalog *c, const struct tr_milestone *ev,
                                 const struct tr_claim *cl, size_t n)
{
    json_t *o = tr_json_milestone(c, ev), *ca = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(ca, tr_json_claim(c, ev, &cl[k]));
    json_object_set_new(o, "claims", ca);
    return o;
}

/* tr_claims_each's work for the event cs->events[e]. */
static int claims_of_event(const struct tr_catalog *c, const struct tr_claim_set *cs, size_t e,
                           const struct tr_claims_filter *f, tr_claims_fn fn, void *ctx)
{
    enum { KEEP_MAX = 64 };
    const struct tr_milestone *ev = &cs->events[e];
    if ((f->subject_type >= 0 && ((int)ev->subject_type != f->subject_type ||
                                  ev->subject != f->subject)) ||
        (f->since != TR_DAY_NONE && ev->date < f->since) ||
        (f->kind >= 0 && (int)ev->kind != f->kind) || (ev->baseline && !f->baselines))
        return 0;
    const struct tr_claim *cl = cs->claims + cs->first[e];
    size_t n = cs->first[e + 1] - cs->first[e], k = 0;
    struct tr_claim keep[KEEP_MAX];
    for (size_t i = 0; i < n && k < KEEP_MAX; i++)
        if (!(f->certain && cl[i].uncertain) && (f->scope < 0 || (int)cl[i].scope == f->scope))
            keep[k++] = cl[i];
    if (!k)
        return 0;
    /* the post states what is true in the world, and certain */
    char post[TR_RECORDS_POST_SIZE];
    if (tr_records_post_published(c, ev, cl, n, NULL, post, sizeof post))
        post[0] = '\0';
    return fn(ctx, ev, keep, k, post);
}

int tr_claims_each(const struct tr_catalog *c, const struct tr_claim_set *cs,
                   const struct tr_claims_filter *f, tr_claims_fn fn, void *ctx)
{
    int rc = 0;
    for (size_t e = 0; !rc && e < cs->n_events; e++)
        rc = claims_of_event(c, cs, e, f, fn, ctx);
    return rc;
}

int tr_claims_each_at(const struct tr_catalog *c, const struct tr_claim_set *cs,
                      const uint32_t *at, size_t n, const struct tr_claims_filter *f,
                      tr_claims_fn fn, void *ctx)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < n; k++)
        if (at[k] < cs->n_events)
            rc = claims_of_event(c, cs, at[k], f, fn, ctx);
    return rc;
}

struct records_json {
    const struct tr_catalog *c;
    json_t *arr;
};

static int record_items(void *ctx, const struct tr_milestone *ev, const struct tr_claim *cl,
                        size_t n, const char *post)
{
    struct records_json *r = ctx;
    for (size_t i = 0; i < n; i++) {
        json_t *o = tr_json_milestone(r->c, ev);
        json_t *claim = tr_json_claim(r->c, ev, &cl[i]);
        json_object_update(o, claim);
        json_decref(claim);
        json_object_set_new(o, "text", json_string(post));
        json_array_append_new(r->arr, o);
    }
    return 0;
}

json_t *tr_json_records(const struct tr_catalog *c, const struct tr_claim_set *cs,
                        const struct tr_claims_filter *f)
{
    struct records_json r = {c, json_array()};
    tr_claims_each(c, cs, f, record_items, &r);
    return r.arr;
}

json_t *tr_json_chart_run(const struct tr_catalog *c, uint32_t t, const struct tr_chart_run *r)
{
    char d[TR_DATE_LEN];
    json_t *o = json_object();
    json_t *ids = json_array();
    uint32_t n_ids = r->n_ids < TR_CHART_RUN_IDS ? r->n_ids : TR_CHART_RUN_IDS;
    for (uint32_t k = 0; k < n_ids; k++)
        json_array_append_new(ids, json_string(r->ids[k]));
    json_object_set_new(o, "track", json_string(c->tracks[t].id));
    json_object_set_new(o, "ids", ids);
    json_object_set_new(o, "title", json_string(tr_subject_name(c, TR_SUBJECT_TRACK, t)));
    json_object_set_new(o, "chart", json_string(r->chart));
    json_object_set_new(o, "country", json_string(r->country));
    json_object_set_new(o, "debut_date", json_string(tr_day_format(r->debut_date, d)));
    json_object_set_new(o, "debut_rank", json_integer(r->debut_rank));
    json_object_set_new(o, "peak_rank", json_integer(r->peak_rank));
    json_object_set_new(o, "peak_date", json_string(tr_day_format(r->peak_date, d)));
    json_object_set_new(o, "last_date", json_string(tr_day_format(r->last_date, d)));
    json_object_set_new(o, "periods_on_chart", json_integer(r->periods_on_chart));
    json_object_set_new(o, "periods_at_1", json_integer(r->periods_at_1));
    json_object_set_new(o, "reentries", json_integer(r->reentries));
    json_object_set_new(o, "chart_streams", json_integer((json_int_t)r->chart_streams));
    return o;
}

/* ---- one subject, as `show --json` prints it ----------------------------- */

static json_t *sales_json(const struct tr_sale *v, size_t n)
{
    char d[TR_DATE_LEN];
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "source", json_string(v[i].source));
        json_object_set_new(o, "period_start", json_string(tr_day_format(v[i].period_start, d)));
        json_object_set_new(o, "period_end", day_or_null(v[i].period_end));
        json_object_set_new(o, "timezone", json_string(v[i].timezone));
        json_object_set_new(o, "copies", json_integer((json_int_t)v[i].copies));
        json_object_set_new(o, "note", json_string(v[i].note));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *reported_json(const struct tr_release_total *v, size_t n)
{
    char d[TR_DATE_LEN];
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "date", json_string(tr_day_format(v[i].date, d)));
        json_object_set_new(o, "source", json_string(v[i].source));
        json_object_set_new(o, "total", json_integer((json_int_t)v[i].total));
        json_object_set_new(o, "daily", v[i].daily ? json_integer((json_int_t)v[i].daily) : json_null());
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *awards_json(const struct tr_award *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "ceremony", json_string(v[i].ceremony));
        json_object_set_new(o, "year", json_integer(v[i].year));
        json_object_set_new(o, "category", json_string(v[i].category));
        json_object_set_new(o, "result", json_string(v[i].result));
        json_array_append_new(a, o);
    }
    return a;
}

/* A track's history and latest total into o. */
static int track_fields(struct tr_store *s, uint32_t track, json_t *o, struct tr_error *err)
{
    char d[TR_DATE_LEN];
    struct tr_point *hist;
    size_t n;
    int rc = tr_store_history(s, track, &hist, &n, err);
    if (rc)
        return rc;
    json_t *h = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_object();
        json_object_set_new(p, "date", json_string(tr_day_format(hist[i].day, d)));
        json_object_set_new(p, "streams", json_integer((json_int_t)hist[i].value));
        json_array_append_new(h, p);
    }
    json_object_set_new(o, "total", n ? json_integer((json_int_t)hist[n - 1].value) : json_null());
    json_object_set_new(o, "history", h);
    free(hist);
    return 0;
}

/* A release's tracks with their latest totals, its total, reported
 * totals and sales into o. */
static int release_fields(struct tr_store *s, const struct tr_catalog *cat, uint32_t index,
                          json_t *o, struct tr_error *err)
{
    char d[TR_DATE_LEN];
    const struct tr_release *r = &cat->releases[index];
    json_t *tracks = json_array();
    uint64_t total = 0;
    int rc = 0;
    for (uint32_t k = 0; k < r->n_tracks && !rc; k++) {
        struct tr_point *p;
        size_t n;
        if ((rc = tr_store_history(s, r->tracks[k], &p, &n, err)))
            break;
        json_t *t = json_object();
        json_object_set_new(t, "id", json_string(cat->tracks[r->tracks[k]].id));
        json_object_set_new(t, "title", json_string(tr_subject_name(cat, TR_SUBJECT_TRACK, r->tracks[k])));
        json_object_set_new(t, "total", n ? json_integer((json_int_t)p[n - 1].value) : json_null());
        json_object_set_new(t, "date", n ? json_string(tr_day_format(p[n - 1].day, d)) : json_null());
        json_array_append_new(tracks, t);
        total += n ? p[n - 1].value : 0;
        free(p);
    }
    json_object_set_new(o, "tracks", tracks);
    if (rc)
        return rc;
    json_object_set_new(o, "total", json_integer((json_int_t)total));
    struct tr_release_total *reported = NULL;
    struct tr_sale *sales = NULL;
    size_t n_reported = 0, n_sales = 0;
    if (!(rc = tr_store_release_totals(s, index, &reported, &n_reported, err)) &&
        !(rc = tr_store_sales(s, index, &sales, &n_sales, err))) {
        json_object_set_new(o, "reported_totals", reported_json(reported, n_reported));
        json_object_set_new(o, "sales", sales_json(sales, n_sales));
    }
    free(reported);
    free(sales);
    return rc;
}

/* The milestones s holds for the subject that it passed (not its
 * baselines), in the store's order, into o's "milestones". */
static int milestones_field(struct tr_store *s, const struct tr_catalog *cat, enum tr_subject_type type,
                            uint32_t index, json_t *o, struct tr_error *err)
{
    struct tr_milestone *ev = NULL;
    size_t n_ev = 0;
    struct tr_milestone_filter f = {(int)type, index, -1, TR_DAY_NONE};
    int rc = tr_store_milestones(s, &f, &ev, &n_ev, err);
    if (rc)
        return rc;
    json_t *ms = json_array();
    for (size_t i = 0; i < n_ev; i++)
        if (!ev[i].baseline)
            json_array_append_new(ms, tr_json_milestone(cat, &ev[i]));
    json_object_set_new(o, "milestones", ms);
    free(ev);
    return 0;
}

struct tr_forecast_query tr_subject_next_query(const struct tr_catalog *c, enum tr_subject_type type,
                                               uint32_t index)
{
    struct tr_forecast_query q = TR_FORECAST_QUERY_ALL;
    q.subject_type = (int)type;
    /* a track shares its recording's forecast */
    q.subject = type == TR_SUBJECT_TRACK ? tr_catalog_canonical_track(c, index) : index;
    q.next = TR_SUBJECT_NEXT_MILESTONES;
    return q;
}

int tr_json_subject_with(struct tr_store *s, enum tr_subject_type type, uint32_t index,
                         const struct tr_forecast *next, size_t n_next, tr_day as_of, json_t **out,
                         struct tr_error *err)
{
    const struct tr_catalog *cat;
    int rc = tr_store_catalog(s, &cat, err);
    if (rc)
        return rc;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(tr_subject_id(cat, type, index)));
    json_object_set_new(o, "type", json_string(tr_subject_type_name(type)));
    json_object_set_new(o, "name", json_string(tr_subject_name(cat, type, index)));
    if (type == TR_SUBJECT_TRACK)
        rc = track_fields(s, index, o, err);
    else if (type == TR_SUBJECT_RELEASE)
        rc = release_fields(s, cat, index, o, err);
    struct tr_award *awards = NULL;
    size_t n_awards = 0;
    if (!rc && !(rc = tr_store_awards(s, (int)type, index, &awards, &n_awards, err)))
        json_object_set_new(o, "awards", awards_json(awards, n_awards));
    free(awards);
    if (!rc)
        rc = milestones_field(s, cat, type, index, o, err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n_next; i++)
        json_array_append_new(a, tr_json_forecast(cat, &next[i], as_of));
    json_object_set_new(o, "next_milestones", a);
    *out = o;
    return 0;
}

int tr_json_subject(struct tr_store *s, enum tr_subject_type type, uint32_t index, json_t **out,
                    struct tr_error *err)
{
    const struct tr_catalog *cat;
    struct tr_forecast_set fs = {0};
    int rc = tr_store_catalog(s, &cat, err);
    if (rc)
        return rc;
    struct tr_forecast_query q = tr_subject_next_query(cat, type, index);
    if ((rc = tr_store_forecasts(s, &q, &fs, err)))
        return rc;
    rc = tr_json_subject_with(s, type, index, fs.f, fs.n, fs.as_of, out, err);
    tr_forecast_set_release(&fs);
    return rc;
}
