/*
 * site_data.c: the static site's page keys and data shards (site_data.h).
 */
#include "web/site_data.h"

#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY   /* XXH3_state_t on the stack */
#include <xxhash.h>

/* Raised whenever the markup of a static page changes, so that a new
 * binary writes every page again. */
#define SITE_MARKUP_VERSION "site-pages 2"
/* The same for the artists' feeds (feed.c's markup). */
#define SITE_FEED_VERSION "site-feeds 1"

tr_day web_tail_from(tr_day last, uint32_t index)
{
    if (last == TR_DAY_NONE)
        return TR_DAY_NONE;
    uint32_t phase = ((uint32_t)last + index) % WEB_TAIL_DAYS;
    return last - (tr_day)phase;
}

void web_shard_name(char *buf, size_t size, enum tr_subject_type t, uint32_t i)
{
    snprintf(buf, size, "%s/%u", web_type_dir[t], i / WEB_SHARD_SIZE);
}

/* ---- keys ------------------------------------------------------------------ */

static void put_str(XXH3_state_t *x, const char *s)
{
    s = s ? s : "";
    XXH3_64bits_update(x, s, strlen(s) + 1);
}

static void put_u64(XXH3_state_t *x, uint64_t v)
{
    XXH3_64bits_update(x, &v, sizeof v);
}

static void put_u32s(XXH3_state_t *x, const uint32_t *v, uint32_t n)
{
    put_u64(x, n);
    if (n)
        XXH3_64bits_update(x, v, n * sizeof *v);
}

static void put_catalog(XXH3_state_t *x, const struct tr_catalog *c)
{
    put_u64(x, ((uint64_t)c->n_tracks << 40) ^ ((uint64_t)c->n_releases << 20) ^ c->n_artists);
    for (uint32_t i = 0; i < c->n_artists; i++) {
        const struct tr_artist *a = &c->artists[i];
        put_str(x, a->id);
        put_str(x, a->name);
        put_str(x, a->country);
        put_u64(x, ((uint64_t)a->kind << 32) | (uint32_t)a->gender);
        for (uint32_t g = 0; g < a->n_genres; g++)
            put_str(x, a->genres[g]);
        put_u32s(x, a->member_of, a->n_member_of);
    }
    for (uint32_t i = 0; i < c->n_releases; i++) {
        const struct tr_release *r = &c->releases[i];
        put_str(x, r->id);
        put_str(x, r->title);
        put_u32s(x, r->artists, r->n_artists);
        put_u64(x, ((uint64_t)r->type << 32) | (uint32_t)r->date);
        put_u32s(x, r->tracks, r->n_tracks);
    }
    for (uint32_t i = 0; i < c->n_tracks; i++) {
        const struct tr_track *t = &c->tracks[i];
        put_str(x, t->id);
        put_str(x, t->title);
        put_u32s(x, t->artists, t->n_artists);
        uint32_t v[4] = {(uint32_t)t->released, t->same_as, t->version_of, t->series};
        XXH3_64bits_update(x, v, sizeof v);
    }
}

uint64_t site_facts(const struct web_pages *p)
{
    XXH3_state_t *x = XXH3_createState();
    if (!x)
        return 0;   /* no key matches 0 twice: every page is written */
    XXH3_64bits_reset(x);
    put_str(x, SITE_MARKUP_VERSION);
    put_catalog(x, p->cat);
    put_str(x, tr_ladders_text(p->ladders));
    for (size_t k = 0; k < p->n_sales; k++) {
        const struct tr_sale *s = &p->sales[k];
        put_str(x, s->release);
        put_str(x, s->source);
        put_str(x, s->timezone);
        put_str(x, s->note);
        put_u64(x, s->copies);
        put_u64(x, ((uint64_t)(uint32_t)s->period_start << 32) | (uint32_t)s->period_end);
    }
    for (size_t k = 0; k < p->n_awards; k++) {
        const struct tr_award *a = &p->awards[k];
        put_str(x, a->ceremony);
        put_str(x, a->category);
        put_str(x, a->nominee);
        put_str(x, a->result);
        put_u64(x, ((uint64_t)(uint32_t)a->year << 32) | (uint32_t)a->nominee_type);
    }
    put_u64(x, p->has_charts);
    uint64_t h = XXH3_64bits_digest(x);
    XXH3_freeState(x);
    return h ? h : 1;
}

static void put_event(XXH3_state_t *x, const struct web_pages *p, size_t e)
{
    const struct tr_milestone *m = &p->events[e];
    uint64_t v[8] = {((uint64_t)m->kind << 32) | m->subject, m->threshold, m->value,
                     ((uint64_t)(uint32_t)m->date << 32) | (uint32_t)m->day,
                     ((uint64_t)(uint32_t)m->after << 32) | m->slowest,
                     ((uint64_t)m->open_start << 32) | m->scope, m->baseline, e};
    XXH3_64bits_update(x, v, sizeof v);
    size_t n;
    const struct tr_claim *cl = web_claims_of(p, e, &n);
    for (size_t k = 0; k < n; k++) {
        const struct tr_claim *c = &cl[k];
        char name[256];
        tr_records_group_name(&c->group, m->subject_type, name, sizeof name);
        put_str(x, name);
        uint64_t w[8] = {((uint64_t)c->kind << 32) | c->doubt,
                         ((uint64_t)c->joint << 2) | ((uint64_t)c->uncertain << 1) | (uint64_t)c->scope,
                         ((uint64_t)(uint32_t)c->day << 32) | c->members,
                         ((uint64_t)c->reached << 32) | c->unsettled,
                         ((uint64_t)c->previous << 32) | (uint32_t)c->previous_day,
                         ((uint64_t)(uint32_t)c->previous_date << 32) | (uint32_t)c->margin,
                         ((uint64_t)(uint32_t)c->since << 32) | c->tracked_members, k};
        XXH3_64bits_update(x, w, sizeof w);
    }
}

static int put_chart_runs(XXH3_state_t *x, const struct web_pages *p, uint32_t track, struct tr_error *err)
{
    struct tr_chart_run *runs = NULL;
    size_t n = 0;
    int rc = tr_store_chart_runs(p->store, track, &runs, &n, err);
    for (size_t k = 0; !rc && k < n; k++) {
        const struct tr_chart_run *r = &runs[k];
        put_str(x, r->chart);
        put_str(x, r->country);
        uint64_t v[6] = {((uint64_t)(uint32_t)r->debut_date << 32) | r->debut_rank,
                         ((uint64_t)r->peak_rank << 32) | (uint32_t)r->peak_date,
                         ((uint64_t)r->periods_on_chart << 32) | r->periods_at_1,
                         ((uint64_t)r->reentries << 32) | (uint32_t)r->last_date, r->chart_streams, n};
        XXH3_64bits_update(x, v, sizeof v);
    }
    free(runs);
    return rc;
}

uint64_t site_points_digest(const struct tr_point *past, size_t n_past)
{
    XXH3_state_t x;
    XXH3_64bits_reset(&x);
    put_u64(&x, n_past);
    /* the points, packed (struct tr_point has padding) */
    uint64_t buf[512];
    size_t k = 0;
    for (size_t j = 0; j < n_past; j++) {
        buf[k++] = (uint64_t)(uint32_t)past[j].day;
        buf[k++] = past[j].value;
        if (k == sizeof buf / sizeof *buf) {
            XXH3_64bits_update(&x, buf, sizeof buf);
            k = 0;
        }
    }
    XXH3_64bits_update(&x, buf, k * sizeof *buf);
    return XXH3_64bits_digest(&x);
}

int site_page_key(const struct web_pages *p, uint64_t facts, enum tr_subject_type t, uint32_t i, uint64_t past,
                  uint64_t *key, struct tr_error *err)
{
    XXH3_state_t x;
    XXH3_64bits_reset(&x);
    put_u64(&x, facts);
    put_u64(&x, ((uint64_t)t << 32) | i);
    size_t n_ev;
    const uint32_t *ev = web_csr_get(&p->events_of[t], i, &n_ev);
    for (size_t k = 0; k < n_ev; k++)
        put_event(&x, p, ev[k]);
    int rc = 0;
    if (t == TR_SUBJECT_TRACK && p->has_charts)
        rc = put_chart_runs(&x, p, i, err);
    put_u64(&x, past);
    *key = XXH3_64bits_digest(&x);
    return rc;
}

uint64_t site_feed_key(const struct web_pages *p, uint64_t facts, uint32_t artist, const uint32_t *posts,
                       size_t n, tr_day empty_day)
{
    XXH3_state_t x;
    XXH3_64bits_reset(&x);
    put_str(&x, SITE_FEED_VERSION);
    put_u64(&x, facts);
    put_u64(&x, artist);
    for (size_t k = 0; k < n; k++)
        put_event(&x, p, posts[k]);
    put_u64(&x, n ? 0 : (uint64_t)(int64_t)empty_day);
    return XXH3_64bits_digest(&x);
}

/* ---- shard entries ---------------------------------------------------------- */

static void day_json(struct html *d, tr_day day)
{
    if (day == TR_DAY_NONE)
        html_raw(d, "null");
    else
        html_int(d, day);
}

void site_status_json(struct html *d, const struct web_pages *p, const struct web_status *st)
{
    if (st->date == TR_DAY_NONE) {
        html_raw(d, "null");
        return;
    }
    html_raw(d, "[");
    html_int(d, (int64_t)st->total);
    html_raw(d, ",");
    html_int(d, st->gain);
    html_raw(d, ",");
    html_int(d, (int64_t)web_next_threshold(p, TR_MS_TRACK_TOTAL, st->total));
    html_raw(d, "]");
}

/* The points pts[0..n) as a compact series object (page_series_fields). */
static void series_json(struct html *d, const struct tr_point *pts, size_t n)
{
    html_raw(d, "{");
    page_series_fields(d, pts, n);
    html_raw(d, "}");
}

/* The subject's forecasts as rows [label, remaining, daily, eta, low,
 * high, slowest]: days as day numbers (null: none), slowest the position
 * of the release's track expected last (null when none). */
static void forecasts_json(struct html *d, const struct web_pages *p, enum tr_subject_type t, uint32_t i)
{
    size_t n;
    const uint32_t *fi = web_csr_get(&p->forecasts_of[t], i, &n);
    html_raw(d, ",\"f\":[");
    for (size_t k = 0; k < n; k++) {
        const struct tr_forecast *f = &p->forecasts.f[fi[k]];
        char label[64], count[32];
        tr_count_format(f->threshold, count, sizeof count);
        snprintf(label, sizeof label, "%s\xe2\x89\xa5 %s", f->kind == TR_MS_EVERY_TRACK ? "every track "
                 : f->kind == TR_MS_RELEASE_TOTAL ? "release total " : f->kind == TR_MS_ARTIST_TOTAL ? "artist total "
                 : "", count);
        html_raw(d, k ? ",[" : "[");
        html_json_string(d, label);
        html_raw(d, ",");
        html_int(d, (int64_t)f->remaining);
        html_raw(d, ",");
        html_int(d, f->daily > 0 ? (int64_t)(f->daily + 0.5) : 0);
        html_raw(d, ",");
        day_json(d, f->eta);
        html_raw(d, ",");
        day_json(d, f->eta_low);
        html_raw(d, ",");
        day_json(d, f->eta_high);
        html_raw(d, ",");
        int64_t pos = -1;
        if (t == TR_SUBJECT_RELEASE && f->slowest != TR_NONE) {
            const struct tr_release *r = &p->cat->releases[i];
            for (uint32_t j = 0; j < r->n_tracks && pos < 0; j++)
                if (r->tracks[j] == f->slowest)
                    pos = j;
        }
        if (pos < 0)
            html_raw(d, "null");
        else
            html_int(d, pos);
        html_raw(d, "]");
    }
    html_raw(d, "]");
}

/* A release's listed tracks: their total, the slowest (the lowest total,
 * the first listed of equals; none while a track has no data) and the
 * next every-track threshold it needs. */
static void release_json(struct html *d, const struct web_pages *p, const struct web_status *rows, size_t n)
{
    uint64_t total = 0;
    int64_t slow = -1;
    bool all = true;
    for (size_t k = 0; k < n; k++) {
        total += rows[k].total;
        all = all && rows[k].date != TR_DAY_NONE;
        if (all && (slow < 0 || rows[k].total < rows[slow].total))
            slow = (int64_t)k;
    }
    html_raw(d, ",\"total\":");
    html_int(d, (int64_t)total);
    if (all && slow >= 0) {
        html_raw(d, ",\"slow\":");
        html_int(d, slow);
        html_raw(d, ",\"next\":");
        html_int(d, (int64_t)web_next_threshold(p, TR_MS_EVERY_TRACK, rows[slow].total));
    }
}

void site_entry(struct html *d, const struct web_pages *p, enum tr_subject_type t, uint32_t i,
                const struct tr_point *pts, size_t n, size_t n_past, size_t n_before,
                const struct web_status *rows, size_t n_rows)
{
    static const enum tr_milestone_kind plotted[3] = {TR_MS_TRACK_TOTAL, TR_MS_RELEASE_TOTAL, TR_MS_ARTIST_TOTAL};
    html_json_string(d, page_subject_id(p->cat, t, i));
    html_raw(d, ":{\"n\":");
    html_int(d, (int64_t)(n_before + n));
    if (n > n_past) {
        html_raw(d, ",\"tail\":");
        series_json(d, pts + n_past, n - n_past);
    }
    if (n && t != TR_SUBJECT_RELEASE) {
        html_raw(d, ",\"next\":");
        html_int(d, (int64_t)web_next_threshold(p, t == TR_SUBJECT_TRACK ? TR_MS_TRACK_TOTAL : TR_MS_ARTIST_TOTAL,
                                                pts[n - 1].value));
    }
    if (t == TR_SUBJECT_RELEASE)
        release_json(d, p, rows, n_rows);
    forecasts_json(d, p, t, i);
    const struct tr_forecast *f = n ? web_forecast_of(p, t, i, plotted[t]) : NULL;
    if (f)
        page_forecast_range(d, pts[n - 1].day, pts[n - 1].value, f);
    if (rows) {
        html_raw(d, ",\"rows\":[");
        for (size_t k = 0; k < n_rows; k++) {
            if (k)
                html_raw(d, ",");
            site_status_json(d, p, &rows[k]);
        }
        html_raw(d, "]");
    }
    html_raw(d, "}");
}
