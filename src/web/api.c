/*
 * api.c: the JSON API v1 (docs/api.md, docs/openapi.yaml): each route
 * parses its parameters, refusing a bad one with 400, and answers with
 * the library's JSON shapes (trackrecord/publish.h), the same as the
 * command line's --json; the per-subject builders here are the ones the
 * pages call too.
 */
#include "web/web.h"
#include "web/html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- subjects and their series --------------------------------------------- */

/* The canonical tracks of the recordings a subject sums, each once:
 * *out malloc'd (*n of them).  An artist's are the tracks crediting it. */
static int subject_recordings(struct tr_web *w, enum tr_subject_type type, uint32_t index,
                              uint32_t **out, size_t *n, struct tr_error *err)
{
    const struct tr_catalog *c = w->cat;
    size_t n_credited = 0;
    const uint32_t *credited = type == TR_SUBJECT_ARTIST ? tr_web_artist_tracks(w, index, &n_credited) : NULL;
    size_t cap = 16, k = 0;
    uint32_t *v = malloc(cap * sizeof *v);
    if (!v)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    /* a release's listed tracks; an artist's credited ones (every track
     * checked when the index could not be built) */
    const uint32_t *list = type == TR_SUBJECT_RELEASE ? c->releases[index].tracks : credited;
    uint32_t len = type == TR_SUBJECT_TRACK ? 1 : type == TR_SUBJECT_RELEASE ? c->releases[index].n_tracks
                 : credited ? (uint32_t)n_credited : c->n_tracks;
    for (uint32_t t = 0; t < len; t++) {
        uint32_t track = type == TR_SUBJECT_TRACK ? index : list ? list[t] : t;
        if (type == TR_SUBJECT_ARTIST) {
            bool credits = false;
            for (uint32_t a = 0; a < c->tracks[track].n_artists && !credits; a++)
                credits = c->tracks[track].artists[a] == index;
            if (!credits)
                continue;
        }
        uint32_t canon = c->series_track[c->tracks[track].series];
        bool seen = false;
        for (size_t i = 0; i < k && !seen; i++)
            seen = v[i] == canon;
        if (seen)
            continue;
        if (k == cap) {
            uint32_t *p = realloc(v, 2 * cap * sizeof *v);
            if (!p) {
                free(v);
                return tr_error_set(err, TR_ENOMEM, "out of memory");
            }
            v = p;
            cap *= 2;
        }
        v[k++] = canon;
    }
    *out = v;
    *n = k;
    return 0;
}

/* A subject's daily totals: the sum of its recordings' latest counts on
 * each day with data, from the first day all of them have data.
 * *out malloc'd. */
static int subject_points(struct tr_web *w, enum tr_subject_type type, uint32_t index,
                          struct tr_point **out, size_t *n_out, struct tr_error *err)
{
    uint32_t *rec = NULL;
    size_t n_rec = 0;
    int rc = subject_recordings(w, type, index, &rec, &n_rec, err);
    if (rc)
        return rc;
    if (n_rec == 1) {
        rc = tr_store_history(w->store, rec[0], out, n_out, err);
        free(rec);
        return rc;
    }
    struct tr_point **h = calloc(n_rec ? n_rec : 1, sizeof *h);
    size_t *hn = calloc(n_rec ? n_rec : 1, sizeof *hn), *at = calloc(n_rec ? n_rec : 1, sizeof *at);
    struct tr_point *pts = NULL;
    size_t n = 0, cap = 0;
    if (!h || !hn || !at) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto done;
    }
    tr_day start = TR_DAY_NONE;
    for (size_t i = 0; i < n_rec; i++) {
        if ((rc = tr_store_history(w->store, rec[i], &h[i], &hn[i], err)))
            goto done;
        if (!hn[i])
            goto done;               /* a recording without data: no total known */
        if (start == TR_DAY_NONE || h[i][0].day > start)
            start = h[i][0].day;
    }
    for (;;) {
        /* the next day any recording has data, from start on */
        tr_day day = TR_DAY_NONE;
        for (size_t i = 0; i < n_rec; i++) {
            while (at[i] < hn[i] && h[i][at[i]].day < start)
                at[i]++;
            if (at[i] < hn[i] && (day == TR_DAY_NONE || h[i][at[i]].day < day))
                day = h[i][at[i]].day;
        }
        if (day == TR_DAY_NONE)
            break;
        uint64_t total = 0;
        for (size_t i = 0; i < n_rec; i++) {
            while (at[i] + 1 < hn[i] && h[i][at[i] + 1].day <= day)
                at[i]++;
            size_t j = at[i] < hn[i] && h[i][at[i]].day <= day ? at[i] : at[i] - 1;
            total += h[i][j].value;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            struct tr_point *p = realloc(pts, cap * sizeof *p);
            if (!p) {
                rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                goto done;
            }
            pts = p;
        }
        pts[n++] = (struct tr_point){day, total};
        start = day + 1;
    }
done:
    for (size_t i = 0; h && i < n_rec; i++)
        free(h[i]);
    free(h);
    free(hn);
    free(at);
    free(rec);
    if (rc) {
        free(pts);
        return rc;
    }
    *out = pts;
    *n_out = n;
    return 0;
}

static json_t *point_json(const struct tr_point *p, size_t i)
{
    char d[TR_DATE_LEN];
    json_t *o = json_object();
    json_object_set_new(o, "date", json_string(tr_day_format(p[i].day, d)));
    json_object_set_new(o, "total", json_integer((json_int_t)p[i].value));
    json_object_set_new(o, "gain", i ? json_integer((json_int_t)(p[i].value - p[i - 1].value)) : json_null());
    return o;
}

int tr_web_series_json(struct tr_web *w, enum tr_subject_type type, uint32_t index, tr_day from,
                       tr_day to, json_t **out, struct tr_error *err)
{
    struct tr_point *p;
    size_t n;
    int rc = subject_points(w, type, index, &p, &n, err);
    if (rc)
        return rc;
    char d[TR_DATE_LEN];
    json_t *o = json_object(), *a = json_array();
    json_object_set_new(o, "subject", json_string(tr_subject_id(w->cat, type, index)));
    json_object_set_new(o, "subject_type", json_string(tr_subject_type_name(type)));
    json_object_set_new(o, "from", from == TR_DAY_NONE ? json_null() : json_string(tr_day_format(from, d)));
    json_object_set_new(o, "to", to == TR_DAY_NONE ? json_null() : json_string(tr_day_format(to, d)));
    for (size_t i = 0; i < n; i++)
        if ((from == TR_DAY_NONE || p[i].day >= from) && (to == TR_DAY_NONE || p[i].day <= to))
            json_array_append_new(a, point_json(p, i));
    json_object_set_new(o, "points", a);
    free(p);
    *out = o;
    return 0;
}

struct subject_claims {
    const struct tr_catalog *c;
    json_t *arr;
};

static int subject_claim_items(void *ctx, const struct tr_milestone *ev, const struct tr_claim *cl,
                               size_t n, const char *post)
{
    struct subject_claims *sc = ctx;
    for (size_t i = 0; i < n; i++) {
        json_t *o = tr_json_milestone(sc->c, ev), *claim = tr_json_claim(sc->c, ev, &cl[i]);
        json_object_update(o, claim);
        json_decref(claim);
        json_object_set_new(o, "published", json_boolean(tr_records_postable(&cl[i])));
        json_object_set_new(o, "text", json_string(post));
        json_array_append_new(sc->arr, o);
    }
    return 0;
}

int tr_web_subject_json(struct tr_web *w, enum tr_subject_type type, uint32_t index, json_t **out,
                        struct tr_error *err)
{
    json_t *o;
    const struct web_forecasts *fc = tr_web_forecasts(w);
    int rc;
    if (fc) {
        /* the kept ones: a subject's few (each kind's next three) */
        struct tr_forecast next[64];
        struct tr_forecast_query q = tr_subject_next_query(w->cat, type, index);
        size_t n_next = tr_web_forecasts_of(fc, type, q.subject, q.next, next, sizeof next / sizeof *next);
        rc = tr_json_subject_with(w->store, type, index, next, n_next, tr_web_forecasts_as_of(fc), &o, err);
    } else {
        rc = tr_json_subject(w->store, type, index, &o, err);
    }
    if (rc)
        return rc;
    struct tr_point *p = NULL;
    size_t n = 0;
    const struct tr_claim_set *cs;
    if ((rc = subject_points(w, type, index, &p, &n, err)) || (rc = tr_web_claims(w, &cs, err))) {
        json_decref(o);
        free(p);
        return rc;
    }
    json_object_set_new(o, "latest", n ? point_json(p, n - 1) : json_null());
    enum { GAIN_DAYS = 7 };
    json_t *gains = json_array();
    for (size_t i = n > GAIN_DAYS ? n - GAIN_DAYS : 1; i < n; i++)
        json_array_append_new(gains, point_json(p, i));
    json_object_set_new(o, "gains", gains);
    free(p);
    const uint32_t *at;
    size_t n_at;
    if ((rc = tr_web_claimed_of(w, type, index, &at, &n_at, err))) {
        json_decref(o);
        return rc;
    }
    struct tr_claims_filter f = {(int)type, index, TR_DAY_NONE, -1, false, -1, false};
    struct subject_claims sc = {w->cat, json_array()};
    tr_claims_each_at(w->cat, cs, at, n_at, &f, subject_claim_items, &sc);
    json_object_set_new(o, "claims", sc.arr);
    *out = o;
    return 0;
}

/* ---- lists ----------------------------------------------------------------- */

static bool event_kept(const struct tr_milestone *m, const struct tr_web_milestone_query *q)
{
    return (q->since == TR_DAY_NONE || m->date >= q->since) && (q->kind < 0 || (int)m->kind == q->kind) &&
           (q->subject_type < 0 || ((int)m->subject_type == q->subject_type && m->subject == q->subject));
}

int tr_web_milestones_json(struct tr_web *w, const struct tr_web_milestone_query *q, json_t **out,
                           struct tr_error *err)
{
    const struct tr_milestone *ev;
    struct tr_milestone *own = NULL;
    size_t n;
    int rc;
    if (q->subject_type >= 0) {
        /* the subject's own events: the store's index finds them */
        struct tr_milestone_filter f = {q->subject_type, q->subject, q->kind, q->since};
        rc = tr_store_milestones(w->store, &f, &own, &n, err);
        ev = own;
    } else {
        rc = tr_web_events(w, &ev, &n, err);
    }
    if (rc)
        return rc;
    const struct tr_claim_set *cs;
    if ((rc = tr_web_claims(w, &cs, err))) {
        free(own);
        return rc;
    }
    json_t *o = json_object(), *a = json_array();
    size_t skipped = 0, shown = 0, i = n;
    /* newest first: from the end, stopping at since (events are by date) */
    while (i > 0 && shown < q->limit) {
        const struct tr_milestone *m = &ev[--i];
        if (q->since != TR_DAY_NONE && m->date < q->since) {
            i = 0;
            break;
        }
        if (!event_kept(m, q) || skipped++ < q->cursor)
            continue;
        size_t ncl;
        const struct tr_claim *cl = tr_claim_set_of(cs, m, &ncl);
        json_array_append_new(a, tr_json_milestone_claims(w->cat, m, cl, ncl));
        shown++;
    }
    bool more = false;
    while (i > 0 && !more) {
        const struct tr_milestone *m = &ev[--i];
        if (q->since != TR_DAY_NONE && m->date < q->since)
            break;
        more = event_kept(m, q);
    }
    json_object_set_new(o, "milestones", a);
    json_object_set_new(o, "next_cursor", more ? json_integer((json_int_t)(q->cursor + shown)) : json_null());
    free(own);
    *out = o;
    return 0;
}

int tr_web_records_json(struct tr_web *w, tr_day since, const char *scope, json_t **out,
                        struct tr_error *err)
{
    const struct tr_claim_set *cs;
    int rc = tr_web_claims(w, &cs, err);
    if (rc)
        return rc;
    struct tr_claims_filter f = {-1, TR_NONE, since, -1, false, -1, false};
    if (scope)
        f.scope = strcmp(scope, "tracked") == 0 ? TR_CLAIM_TRACKED : TR_CLAIM_WORLD;
    *out = tr_json_records(w->cat, cs, &f);
    return 0;
}

int tr_web_charts_json(struct tr_web *w, uint32_t track, json_t **out, struct tr_error *err)
{
    struct tr_chart_run *runs;
    size_t n;
    int rc = tr_store_chart_runs(w->store, track, &runs, &n, err);
    if (rc)
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, tr_json_chart_run(w->cat, track, &runs[i]));
    free(runs);
    *out = a;
    return 0;
}

/* ---- search ---------------------------------------------------------------- */

/* Every name folded, one after another (NUL-separated), with the subject
 * each belongs to. */
struct tr_web_search {
    char *text;
    size_t len;
    size_t *start;                 /* entry i's name starts at text + start[i] */
    uint8_t *type;
    uint32_t *index;
    size_t n;
};

void tr_web_search_free(struct tr_web_search *s);
void tr_web_search_free(struct tr_web_search *s)
{
    if (!s)
        return;
    free(s->text);
    free(s->start);
    free(s->type);
    free(s->index);
    free(s);
}

static int search_build(const struct tr_catalog *c, struct tr_web_search **out, struct tr_error *err)
{
    struct tr_web_search *s = calloc(1, sizeof *s);
    size_t n = (size_t)c->n_artists + c->n_releases + c->n_tracks, len = 0;
    for (int t = 0; t < 3; t++) {
        uint32_t count = t == TR_SUBJECT_TRACK ? c->n_tracks : t == TR_SUBJECT_RELEASE ? c->n_releases : c->n_artists;
        for (uint32_t i = 0; i < count; i++)
            len += strlen(tr_subject_name(c, (enum tr_subject_type)t, i)) + 1;
    }
    if (s) {
        s->text = malloc(len + 1);
        s->start = malloc((n + 1) * sizeof *s->start);
        s->type = malloc(n + 1);
        s->index = malloc((n + 1) * sizeof *s->index);
    }
    if (!s || !s->text || !s->start || !s->type || !s->index) {
        tr_web_search_free(s);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    char *p = s->text;
    /* artists first, then releases, then tracks: the order results are
     * ranked in among equals */
    static const enum tr_subject_type order[] = {TR_SUBJECT_ARTIST, TR_SUBJECT_RELEASE, TR_SUBJECT_TRACK};
    for (int k = 0; k < 3; k++) {
        enum tr_subject_type t = order[k];
        uint32_t count = t == TR_SUBJECT_TRACK ? c->n_tracks : t == TR_SUBJECT_RELEASE ? c->n_releases : c->n_artists;
        for (uint32_t i = 0; i < count; i++) {
            s->start[s->n] = (size_t)(p - s->text);
            s->type[s->n] = (uint8_t)t;
            s->index[s->n++] = i;
            p = html_fold(tr_subject_name(c, t, i), p) + 1;
        }
    }
    s->len = (size_t)(p - s->text);
    s->start[s->n] = s->len;
    *out = s;
    return 0;
}

/* The entry whose name holds byte offset off. */
static size_t search_entry(const struct tr_web_search *s, size_t off)
{
    size_t lo = 0, hi = s->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int tr_web_search_json(struct tr_web *w, const char *q, size_t limit, json_t **out,
                       struct tr_error *err)
{
    if (!w->search) {
        int rc = search_build(w->cat, &w->search, err);
        if (rc)
            return rc;
    }
    const struct tr_web_search *s = w->search;
    char fq[TR_WEB_MAX_QUERY + 1];
    size_t qn = strlen(q);
    if (qn > TR_WEB_MAX_QUERY)
        return tr_error_set(err, TR_ELIMIT, "the query is too long");
    html_fold(q, fq);
    qn = strlen(fq);
    /* exact names first, then names starting with q, then the rest (each
     * in index order) */
    enum { RANKS = 3, PER = 256 };
    size_t hits[RANKS][PER], nh[RANKS] = {0};
    const char *p = s->text, *end = s->text + s->len;
    while (qn && p < end && nh[0] < limit) {
        const char *m = memmem(p, (size_t)(end - p), fq, qn);
        if (!m)
            break;
        size_t e = search_entry(s, (size_t)(m - s->text));
        const char *name = s->text + s->start[e];
        int rank = m != name ? 2 : name[qn] == '\0' ? 0 : 1;
        if (nh[rank] < PER && nh[rank] < limit)
            hits[rank][nh[rank]++] = e;
        p = s->text + s->start[e + 1];   /* the next name */
    }
    json_t *o = json_object(), *a = json_array();
    json_object_set_new(o, "query", json_string(q));
    for (int r = 0; r < RANKS; r++)
        for (size_t i = 0; i < nh[r] && json_array_size(a) < limit; i++) {
            size_t e = hits[r][i];
            enum tr_subject_type t = (enum tr_subject_type)s->type[e];
            uint32_t x = s->index[e];
            json_t *h = json_object();
            json_object_set_new(h, "id", json_string(tr_subject_id(w->cat, t, x)));
            json_object_set_new(h, "type", json_string(tr_subject_type_name(t)));
            json_object_set_new(h, "name", json_string(tr_subject_name(w->cat, t, x)));
            const uint32_t *artists = t == TR_SUBJECT_TRACK ? w->cat->tracks[x].artists
                                    : t == TR_SUBJECT_RELEASE ? w->cat->releases[x].artists : NULL;
            uint32_t na = t == TR_SUBJECT_TRACK ? w->cat->tracks[x].n_artists
                        : t == TR_SUBJECT_RELEASE ? w->cat->releases[x].n_artists : 0;
            json_object_set_new(h, "artist", na ? json_string(tr_subject_name(w->cat, TR_SUBJECT_ARTIST, artists[0]))
                                                : json_null());
            json_array_append_new(a, h);
        }
    json_object_set_new(o, "results", a);
    *out = o;
    return 0;
}

/* ---- the routes ------------------------------------------------------------ */

/* Query parameter name as a date into *out (unchanged when absent): 0, or
 * -1 with a 400 in res. */
static int date_param(const struct tr_web_request *req, const char *name, tr_day *out,
                      struct tr_web_response *res)
{
    const char *v = tr_web_param(req, name);
    if (v && tr_day_parse(v, strlen(v), out)) {
        tr_web_error(res, 400, "%s: not a date (YYYY-MM-DD): '%s'", name, v);
        return -1;
    }
    return 0;
}

/* Query parameter name as a number in lo..hi into *out (unchanged when
 * absent): 0, or -1 with a 400 in res. */
static int count_param(const struct tr_web_request *req, const char *name, size_t lo, size_t hi,
                       size_t *out, struct tr_web_response *res)
{
    const char *v = tr_web_param(req, name);
    if (!v)
        return 0;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *end || errno || v[0] == '-' || n < lo || n > hi) {
        tr_web_error(res, 400, "%s: expected a whole number from %zu to %zu, not '%s'", name, lo, hi, v);
        return -1;
    }
    *out = (size_t)n;
    return 0;
}

/* Answers err: 404 for an unknown subject, else 500 (503 out of memory). */
static void fail(struct tr_web_response *res, const struct tr_error *err)
{
    int status = err->code == TR_ENOTFOUND ? 404 : err->code == TR_ENOMEM ? 503
               : err->code == TR_EUSAGE || err->code == TR_ELIMIT ? 400 : 500;
    tr_web_error(res, status, "%s", err->msg[0] ? err->msg : tr_strerror(err->code));
}

static void answer(struct tr_web_response *res, int rc, json_t *v, const struct tr_error *err)
{
    if (rc)
        fail(res, err);
    else
        tr_web_json(res, v);
}

static void milestones_route(struct tr_web *w, const struct tr_web_request *req,
                             struct tr_web_response *res)
{
    struct tr_web_milestone_query q = {TR_DAY_NONE, -1, -1, TR_NONE, 100, 0};
    struct tr_error err = {0};
    if (date_param(req, "since", &q.since, res) || count_param(req, "limit", 1, 1000, &q.limit, res) ||
        count_param(req, "cursor", 0, SIZE_MAX / 2, &q.cursor, res))
        return;
    const char *kind = tr_web_param(req, "kind"), *subject = tr_web_param(req, "subject");
    enum tr_milestone_kind k;
    if (kind) {
        if (tr_milestone_kind_parse(kind, &k)) {
            tr_web_error(res, 400, "kind: not a milestone kind: '%s'", kind);
            return;
        }
        q.kind = (int)k;
    }
    if (subject) {
        enum tr_subject_type t;
        if (tr_subject_find(w->cat, subject, &t, &q.subject, &err)) {
            tr_web_error(res, 404, "%s", err.msg);
            return;
        }
        q.subject_type = (int)t;
    }
    json_t *v = NULL;
    int rc = tr_web_milestones_json(w, &q, &v, &err);
    answer(res, rc, v, &err);
}

static void records_route(struct tr_web *w, const struct tr_web_request *req,
                          struct tr_web_response *res)
{
    tr_day since = TR_DAY_NONE;
    struct tr_error err = {0};
    if (date_param(req, "since", &since, res))
        return;
    const char *scope = tr_web_param(req, "scope");
    if (scope && strcmp(scope, "world") != 0 && strcmp(scope, "tracked") != 0) {
        tr_web_error(res, 400, "scope: 'world' or 'tracked', not '%s'", scope);
        return;
    }
    json_t *v = NULL;
    int rc = tr_web_records_json(w, since, scope, &v, &err);
    answer(res, rc, v, &err);
}

static void search_route(struct tr_web *w, const struct tr_web_request *req,
                         struct tr_web_response *res)
{
    const char *q = tr_web_param(req, "q");
    size_t limit = 20;
    struct tr_error err = {0};
    if (!q || !*q) {
        tr_web_error(res, 400, "q: give the name to search for");
        return;
    }
    if (count_param(req, "limit", 1, 100, &limit, res))
        return;
    json_t *v = NULL;
    int rc = tr_web_search_json(w, q, limit, &v, &err);
    answer(res, rc, v, &err);
}

struct forecast_page {
    const struct tr_catalog *c;
    tr_day as_of;
    json_t *arr;
};

static void forecast_item(void *ctx, const struct tr_forecast *f)
{
    struct forecast_page *p = ctx;
    json_array_append_new(p->arr, tr_json_forecast(p->c, f, p->as_of));
}

/* /api/v1/forecasts: `forecast --json`'s objects, soonest first, a page
 * of them. */
static void forecasts_route(struct tr_web *w, const struct tr_web_request *req,
                            struct tr_web_response *res)
{
    struct tr_forecast_query q = TR_FORECAST_QUERY_ALL;
    size_t within = 0, next = 1, limit = 100, cursor = 0;
    struct tr_error err = {0};
    if (count_param(req, "within", 1, TR_FORECAST_HORIZON, &within, res) ||
        count_param(req, "next", 1, 100, &next, res) || count_param(req, "limit", 1, 1000, &limit, res) ||
        count_param(req, "cursor", 0, SIZE_MAX / 2, &cursor, res))
        return;
    q.within = (int32_t)within;
    q.next = (uint32_t)next;
    const char *kind = tr_web_param(req, "kind"), *subject = tr_web_param(req, "subject");
    enum tr_milestone_kind k;
    if (kind) {
        if (tr_milestone_kind_parse(kind, &k) || k > TR_MS_ARTIST_TOTAL) {
            tr_web_error(res, 400, "kind: track_total, every_track, release_total or artist_total, not '%s'",
                         kind);
            return;
        }
        q.kind = (int)k;
    }
    if (subject) {
        enum tr_subject_type t;
        uint32_t i;
        if (tr_subject_find(w->cat, subject, &t, &i, &err)) {
            tr_web_error(res, 404, "%s", err.msg);
            return;
        }
        q.subject_type = (int)t;
        /* a track shares its recording's forecast */
        q.subject = t == TR_SUBJECT_TRACK ? w->cat->series_track[w->cat->tracks[i].series] : i;
    }
    struct tr_forecast_set fs = {0};
    const struct web_forecasts *fc = q.next <= TR_SUBJECT_NEXT_MILESTONES ? tr_web_forecasts(w) : NULL;
    if (!fc && tr_store_forecasts(w->store, &q, &fs, &err)) {
        fail(res, &err);
        return;
    }
    tr_day as_of = fc ? tr_web_forecasts_as_of(fc) : fs.as_of;
    char d[TR_DATE_LEN];
    json_t *o = json_object();
    struct forecast_page page = {w->cat, as_of, json_array()};
    size_t n = fs.n;
    if (fc)
        n = tr_web_forecasts_each(fc, &q, cursor, limit, forecast_item, &page);
    for (size_t i = cursor; !fc && i < fs.n && i < cursor + limit; i++)
        forecast_item(&page, &fs.f[i]);
    json_object_set_new(o, "as_of", as_of == TR_DAY_NONE ? json_null() : json_string(tr_day_format(as_of, d)));
    json_object_set_new(o, "within", within ? json_integer((json_int_t)within) : json_null());
    json_object_set_new(o, "forecasts", page.arr);
    json_object_set_new(o, "next_cursor", cursor + limit < n ? json_integer((json_int_t)(cursor + limit))
                                          : json_null());
    tr_forecast_set_release(&fs);
    tr_web_json(res, o);
}

static json_t *index_json(void)
{
    static const char *const paths[] = {
        "/api/v1/tracks/{id}", "/api/v1/releases/{id}", "/api/v1/artists/{id}",
        "/api/v1/tracks/{id}/series", "/api/v1/releases/{id}/series", "/api/v1/artists/{id}/series",
        "/api/v1/milestones", "/api/v1/records", "/api/v1/forecasts", "/api/v1/charts/{track}", "/api/v1/search",
        "/feed.atom", "/feed.json", "/artists/{id}/feed.atom", "/artists/{id}/feed.json"};
    json_t *o = json_object(), *a = json_array();
    json_object_set_new(o, "version", json_string(TRACKRECORD_VERSION));
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        json_array_append_new(a, json_string(paths[i]));
    json_object_set_new(o, "endpoints", a);
    return o;
}

/* "/tracks/ID", "/tracks/ID/series" and the like. */
static bool subject_path(const struct tr_catalog *c, const char *rest, enum tr_subject_type *type,
                         char *id, size_t size, const char **tail)
{
    static const struct { const char *prefix; enum tr_subject_type type; } kinds[] = {
        {"/tracks/", TR_SUBJECT_TRACK}, {"/releases/", TR_SUBJECT_RELEASE},
        {"/artists/", TR_SUBJECT_ARTIST}};
    (void)c;
    for (size_t k = 0; k < 3; k++) {
        size_t pn = strlen(kinds[k].prefix);
        if (strncmp(rest, kinds[k].prefix, pn) != 0)
            continue;
        const char *s = rest + pn, *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (!n || n >= size)
            return false;
        memcpy(id, s, n);
        id[n] = '\0';
        *type = kinds[k].type;
        *tail = s + n;
        return true;
    }
    return false;
}

void tr_web_api(struct tr_web *w, const struct tr_web_request *req, const char *rest,
                struct tr_web_response *res)
{
    struct tr_error err = {0};
    json_t *v = NULL;
    char id[256];
    const char *tail;
    enum tr_subject_type type;
    if (!*rest || strcmp(rest, "/") == 0) {
        tr_web_json(res, index_json());
    } else if (strcmp(rest, "/milestones") == 0) {
        milestones_route(w, req, res);
    } else if (strcmp(rest, "/records") == 0) {
        records_route(w, req, res);
    } else if (strcmp(rest, "/forecasts") == 0) {
        forecasts_route(w, req, res);
    } else if (strcmp(rest, "/search") == 0) {
        search_route(w, req, res);
    } else if (strncmp(rest, "/charts/", 8) == 0 && rest[8] && !strchr(rest + 8, '/')) {
        uint32_t t = tr_catalog_track(w->cat, rest + 8);
        int rc = t == TR_NONE ? tr_error_set(&err, TR_ENOTFOUND, "no track with id '%s'", rest + 8)
                              : tr_web_charts_json(w, t, &v, &err);
        answer(res, rc, v, &err);
    } else if (subject_path(w->cat, rest, &type, id, sizeof id, &tail) &&
               (!*tail || strcmp(tail, "/series") == 0)) {
        uint32_t index = type == TR_SUBJECT_TRACK ? tr_catalog_track(w->cat, id)
                       : type == TR_SUBJECT_RELEASE ? tr_catalog_release(w->cat, id)
                       : tr_catalog_artist(w->cat, id);
        tr_day from = TR_DAY_NONE, to = TR_DAY_NONE;
        if (index == TR_NONE) {
            tr_web_error(res, 404, "no %s with id '%s'", tr_subject_type_name(type), id);
        } else if (!*tail) {
            int rc = tr_web_subject_json(w, type, index, &v, &err);
            answer(res, rc, v, &err);
        } else if (!date_param(req, "from", &from, res) && !date_param(req, "to", &to, res)) {
            int rc = from != TR_DAY_NONE && to != TR_DAY_NONE && from > to
                   ? tr_error_set(&err, TR_EUSAGE, "from: after to")
                   : tr_web_series_json(w, type, index, from, to, &v, &err);
            answer(res, rc, v, &err);
        }
    } else {
        tr_web_error(res, 404, "no such endpoint: /api/v1%s (see /api/v1)", rest);
    }
}
