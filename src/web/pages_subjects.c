/*
 * pages_subjects.c: the track, release, artist, home and search pages
 * (web/pages.h), drawn with the pieces of pages.c.
 */
#include "web/pages_internal.h"

#include <stdlib.h>
#include <string.h>

#define RECENT_DAYS 14

/* What a static page says where its script fills in the daily figures. */
static void live_note(struct html *h)
{
    html_raw(h, "<noscript><p class=\"muted\">On the static site the daily figures, the plots, the recent "
                "days and the forecasts come from the site's data files and need JavaScript; the "
                "milestones, claims and posts below do not.</p></noscript>");
}

static void title_block(struct page *pg, const char *kind, enum tr_subject_type t, uint32_t i)
{
    html_printf(pg->h, "<h1><span class=\"kind\">%s</span>", kind);
    html_text(pg->h, page_subject_name(pg->p->cat, t, i));
    html_raw(pg->h, "</h1>");
}

static void chart_runs(struct page *pg, uint32_t track, struct tr_error *err, int *rc)
{
    struct tr_chart_run *runs = NULL;
    size_t n = 0;
    if (!pg->p->has_charts)
        return;
    if ((*rc = tr_store_chart_runs(pg->p->store, track, &runs, &n, err)) != 0 || !n) {
        free(runs);
        return;
    }
    struct html *h = pg->h;
    html_raw(h, "<h2>Chart runs</h2><div class=\"tablewrap\"><table class=\"sortable\"><thead><tr>"
                "<th>Chart</th><th>Debut</th><th class=\"num\">At</th><th class=\"num\">Peak</th>"
                "<th>First at peak</th><th class=\"num\">On chart</th><th class=\"num\">At #1</th>"
                "<th class=\"num\">Re-entries</th><th class=\"num\">Chart streams</th></tr></thead><tbody>");
    for (size_t k = 0; k < n; k++) {
        const struct tr_chart_run *r = &runs[k];
        html_raw(h, "<tr><td>");
        html_text(h, r->chart);
        html_raw(h, " ");
        html_text(h, r->country);
        html_raw(h, "</td><td>");
        html_day(h, r->debut_date);
        html_printf(h, "</td><td class=\"num\" data-v=\"%u\">#%u</td><td class=\"num\" data-v=\"%u\">#%u</td><td>",
                    r->debut_rank, r->debut_rank, r->peak_rank, r->peak_rank);
        html_day(h, r->peak_date);
        html_printf(h, "</td><td class=\"num\" data-v=\"%u\">%u</td><td class=\"num\" data-v=\"%u\">%u</td>"
                       "<td class=\"num\" data-v=\"%u\">%u</td><td class=\"num\" data-v=\"%llu\">",
                    r->periods_on_chart, r->periods_on_chart, r->periods_at_1, r->periods_at_1,
                    r->reentries, r->reentries, (unsigned long long)r->chart_streams);
        html_count(h, r->chart_streams);
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table></div>");
    free(runs);
}

int web_page_track(const struct web_pages *p, uint32_t track, const struct tr_point *hist,
                   size_t n, struct html *out, struct tr_error *err)
{
    const struct tr_catalog *c = p->cat;
    const struct tr_track *t = &c->tracks[track];
    struct page pg;
    page_start_subject(&pg, p, out, TR_SUBJECT_TRACK, track);
    struct html *h = out;
    title_block(&pg, "track", TR_SUBJECT_TRACK, track);
    html_raw(h, "<p class=\"sub\">by ");
    page_link_artists(&pg, t->artists, t->n_artists);
    size_t n_rel;
    const uint32_t *rel = web_csr_get(&p->track_releases, track, &n_rel);
    for (size_t k = 0; k < n_rel; k++) {
        html_raw(h, k ? ", " : " \xc2\xb7 on ");
        page_link_to(&pg, TR_SUBJECT_RELEASE, rel[k]);
    }
    tr_day day0 = p->track_day0[track];
    if (day0 != TR_DAY_NONE) {
        html_raw(h, " \xc2\xb7 day 0 ");
        html_day(h, day0);
    }
    if (t->same_as != TR_NONE) {
        html_raw(h, " \xc2\xb7 same recording as ");
        page_link_to(&pg, TR_SUBJECT_TRACK, t->same_as);
    }
    html_raw(h, "</p>");

    struct web_status st = web_status_of(hist, n);
    size_t n_ev;
    const uint32_t *ev = web_csr_get(&p->events_of[TR_SUBJECT_TRACK], track, &n_ev);
    if (pg.live) {
        /* hist is the series before the tail day; the script adds the rest */
        html_raw(h, "<div class=\"stats\" id=\"tr-stats\">");
        page_stat_count(h, "milestones", "milestones", n_ev, NULL);
        html_raw(h, "</div>");
        live_note(h);
        page_plots(&pg, hist, n, ev, n_ev, TR_MS_TRACK_TOTAL, NULL);
    } else if (st.date == TR_DAY_NONE) {
        html_raw(h, "<p class=\"empty\">No play counts yet.</p>");
    } else {
        html_raw(h, "<div class=\"stats\">");
        char note[40], d[TR_DATE_LEN];
        snprintf(note, sizeof note, ", %s", tr_day_format(st.date, d));
        page_stat_count(h, "total", "total streams", st.total, note);
        if (n > 1)
            page_stat_gain(h, &st);
        page_stat_next(h, p, TR_MS_TRACK_TOTAL, st.total, "");
        page_stat_count(h, "milestones", "milestones", n_ev, NULL);
        html_raw(h, "</div>");
        page_plots(&pg, hist, n, ev, n_ev, TR_MS_TRACK_TOTAL,
                   web_forecast_of(p, TR_SUBJECT_TRACK, track, TR_MS_TRACK_TOTAL));
    }
    page_next_milestones(&pg, TR_SUBJECT_TRACK, track);
    html_raw(h, "<div class=\"cols\"><div>");
    page_events_section(&pg, ev, n_ev, false, "Milestones");
    html_raw(h, "</div><div>");
    if (pg.live)
        html_raw(h, "<div id=\"tr-recent\"></div>");
    else if (n)
        page_recent_table(h, hist, n, RECENT_DAYS);
    int rc = 0;
    chart_runs(&pg, track, err, &rc);
    html_raw(h, "</div></div>");
    int end = page_end(&pg, err);
    return rc ? rc : end;
}

/* The listed track that holds the release back: the lowest total (the
 * first listed of equals); TR_NONE when a track has no data. */
static uint32_t slowest_track(const struct tr_release *r, const struct web_status *st)
{
    uint32_t slow = TR_NONE;
    for (uint32_t k = 0; k < r->n_tracks; k++) {
        if (st[k].date == TR_DAY_NONE)
            return TR_NONE;
        if (slow == TR_NONE || st[k].total < st[slow].total)
            slow = k;
    }
    return slow;
}

static void every_track_table(struct page *pg, const struct tr_release *r, const struct web_status *st,
                              uint32_t slow)
{
    struct html *h = pg->h;
    uint64_t every_next = slow == TR_NONE ? 0 : web_next_threshold(pg->p, TR_MS_EVERY_TRACK, st[slow].total);
    html_raw(h, "<h2>Every track</h2><div class=\"tablewrap\"><table class=\"sortable every-track\"><thead><tr>"
                "<th class=\"num\">#</th><th>Track</th><th class=\"num\">Total</th><th class=\"num\">Daily</th>"
                "<th class=\"num\">Next</th><th class=\"num\">To go</th>");
    if (every_next) {
        char n[32];
        tr_count_format(every_next, n, sizeof n);
        html_printf(h, "<th class=\"num\">To every track %s</th>", n);
    }
    html_raw(h, "</tr></thead><tbody>");
    for (uint32_t k = 0; k < r->n_tracks; k++) {
        html_printf(h, "<tr%s><td class=\"num\" data-v=\"%u\">%u</td><td>", k == slow ? " class=\"slowest\"" : "",
                    k + 1, k + 1);
        page_link_to(pg, TR_SUBJECT_TRACK, r->tracks[k]);
        if (pg->live) {   /* the script fills the figures in */
            html_raw(h, "</td><td class=\"num\"></td><td class=\"num\"></td><td class=\"num\"></td>"
                        "<td class=\"num\"></td></tr>");
            continue;
        }
        if (k == slow)
            html_raw(h, "<span class=\"tag\">holds it back</span>");
        if (st[k].date == TR_DAY_NONE) {
            html_raw(h, "</td><td class=\"num\" data-v=\"\">no data</td><td></td><td></td><td></td>");
            if (every_next)
                html_raw(h, "<td></td>");
            html_raw(h, "</tr>");
            continue;
        }
        html_printf(h, "</td><td class=\"num\" data-v=\"%llu\">", (unsigned long long)st[k].total);
        html_count(h, st[k].total);
        html_printf(h, "</td><td class=\"num\" data-v=\"%lld\">", (long long)st[k].gain);
        html_gain(h, st[k].gain);
        uint64_t next = web_next_threshold(pg->p, TR_MS_TRACK_TOTAL, st[k].total);
        char nn[32];
        tr_count_format(next, nn, sizeof nn);
        html_printf(h, "</td><td class=\"num\" data-v=\"%llu\">%s</td><td class=\"num\" data-v=\"%llu\">",
                    (unsigned long long)next, next ? nn : "", (unsigned long long)(next - st[k].total));
        if (next)
            html_count(h, next - st[k].total);
        html_raw(h, "</td>");
        if (every_next) {
            uint64_t gap = st[k].total >= every_next ? 0 : every_next - st[k].total;
            html_printf(h, "<td class=\"num\" data-v=\"%llu\">", (unsigned long long)gap);
            if (gap)
                html_count(h, gap);
            else
                html_raw(h, "<span class=\"tag ok\">passed</span>");
            html_raw(h, "</td>");
        }
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table></div>");
}

static void sales_and_awards(struct page *pg, uint32_t release)
{
    const struct web_pages *p = pg->p;
    struct html *h = pg->h;
    const char *id = p->cat->releases[release].id;
    bool any = false;
    for (size_t k = 0; k < p->n_sales; k++) {
        const struct tr_sale *s = &p->sales[k];
        if (strcmp(s->release, id) != 0)
            continue;
        if (!any)
            html_raw(h, "<h2>Sales</h2><table><thead><tr><th>Source</th><th>Period</th>"
                        "<th class=\"num\">Copies</th><th>Note</th></tr></thead><tbody>");
        any = true;
        html_raw(h, "<tr><td>");
        html_text(h, s->source);
        html_raw(h, "</td><td>");
        html_day(h, s->period_start);
        if (s->period_end != TR_DAY_NONE) {
            html_raw(h, " to ");
            html_day(h, s->period_end);
        }
        if (s->timezone[0]) {
            html_raw(h, " <span class=\"muted\">(");
            html_text(h, s->timezone);
            html_raw(h, ")</span>");
        }
        html_raw(h, "</td><td class=\"num\">");
        html_count(h, s->copies);
        html_raw(h, "</td><td>");
        html_text(h, s->note);
        html_raw(h, "</td></tr>");
    }
    if (any)
        html_raw(h, "</tbody></table>");
    page_awards(pg, TR_SUBJECT_RELEASE, release);
}

int web_page_release(const struct web_pages *p, uint32_t release, const struct web_status *tracks,
                     const struct tr_point *sum, size_t n_sum, struct html *out)
{
    const struct tr_catalog *c = p->cat;
    const struct tr_release *r = &c->releases[release];
    struct page pg;
    struct tr_error err = {0};
    page_start_subject(&pg, p, out, TR_SUBJECT_RELEASE, release);
    struct html *h = out;
    title_block(&pg, r->type != TR_RELEASE_UNKNOWN ? tr_release_type_name(r->type) : "release",
                TR_SUBJECT_RELEASE, release);
    html_raw(h, "<p class=\"sub\">by ");
    page_link_artists(&pg, r->artists, r->n_artists);
    if (r->date != TR_DAY_NONE) {
        html_raw(h, " \xc2\xb7 released ");
        html_day(h, r->date);
    }
    html_printf(h, " \xc2\xb7 %u tracks</p>", r->n_tracks);

    uint64_t total = 0;
    struct web_status all = {0, 0, TR_DAY_NONE, TR_DAY_NONE};
    for (uint32_t k = 0; !pg.live && k < r->n_tracks; k++)
        total += tracks[k].total;
    if (n_sum)
        all = web_status_of(sum, n_sum);
    /* a live page's script marks the slowest track and fills the figures */
    uint32_t slow = pg.live ? TR_NONE : slowest_track(r, tracks);
    size_t n_ev;
    const uint32_t *ev = web_csr_get(&p->events_of[TR_SUBJECT_RELEASE], release, &n_ev);
    html_raw(h, pg.live ? "<div class=\"stats\" id=\"tr-stats\">" : "<div class=\"stats\">");
    if (!pg.live)
        page_stat_count(h, "total", "total streams, all tracks", total, NULL);
    if (n_sum > 1 && !pg.live)
        page_stat_gain(h, &all);
    if (slow != TR_NONE) {
        page_stat_next(h, p, TR_MS_EVERY_TRACK, tracks[slow].total, "every track ");
        html_raw(h, "<div class=\"stat\"><div class=\"v\">");
        page_link_to(&pg, TR_SUBJECT_TRACK, r->tracks[slow]);
        html_raw(h, "</div><div class=\"l\">slowest track, ");
        html_count(h, tracks[slow].total);
        html_raw(h, "</div></div>");
    }
    /* the every-track milestones first: they are what the release's posts are about */
    uint32_t *every = malloc((n_ev ? n_ev : 1) * sizeof *every), *other = malloc((n_ev ? n_ev : 1) * sizeof *other);
    size_t n_every = 0, n_other = 0;
    if (!every || !other)
        h->failed = true;
    for (size_t k = 0; every && other && k < n_ev; k++) {
        if (p->events[ev[k]].kind == TR_MS_EVERY_TRACK)
            every[n_every++] = ev[k];
        else
            other[n_other++] = ev[k];
    }
    if (n_every) {
        const struct tr_milestone *m = &p->events[every[n_every - 1]];
        char n[32], note[64], d[TR_DATE_LEN];
        tr_count_format(m->threshold, n, sizeof n);
        snprintf(note, sizeof note, " since %s", tr_day_format(m->date, d));
        html_printf(h, "<div class=\"stat\"><div class=\"v num\" data-figure=\"every-track\">%s</div>"
                       "<div class=\"l\">every track past it", n);
        html_text(h, note);
        if (m->day != TR_DAYN_NONE)
            html_printf(h, ", day %d", m->day);
        html_raw(h, "</div></div>");
    }
    html_raw(h, "</div>");
    if (pg.live)
        live_note(h);
    every_track_table(&pg, r, tracks, slow);
    page_plots(&pg, sum, n_sum, ev, n_ev, TR_MS_EVERY_TRACK,
               web_forecast_of(p, TR_SUBJECT_RELEASE, release, TR_MS_RELEASE_TOTAL));
    page_next_milestones(&pg, TR_SUBJECT_RELEASE, release);
    page_events_section(&pg, every, n_every, false, "Every-track milestones");
    page_events_section(&pg, other, n_other, false, "Release total milestones");
    free(every);
    free(other);
    sales_and_awards(&pg, release);
    return page_end(&pg, &err);
}

/* The kworb-style table of an artist's songs: sorted by total, and by
 * daily gain on a click. */
static void songs_table(struct page *pg, const uint32_t *tracks, size_t n, const struct web_status *st)
{
    struct html *h = pg->h;
    const struct web_pages *p = pg->p;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) {
        h->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    /* by total, highest first (an insertion sort keeps equal ones in catalog
     * order); a live page's script fills the figures in and sorts */
    for (size_t i = 1; i < n && st; i++)
        for (size_t j = i; j > 0 && st[order[j]].total > st[order[j - 1]].total; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    html_printf(h, "<h2>Songs <small>%zu</small></h2><div class=\"tablewrap\"><table class=\"sortable songs\">"
                   "<thead><tr><th>Track</th><th>Release</th><th class=\"num\" aria-sort=\"descending\">Total</th>"
                   "<th class=\"num\">Daily</th><th class=\"num\">Next</th></tr></thead><tbody>", n);
    for (size_t i = 0; i < n; i++) {
        size_t k = order[i];
        html_raw(h, "<tr><td>");
        page_link_to(pg, TR_SUBJECT_TRACK, tracks[k]);
        html_raw(h, "</td><td>");
        size_t n_rel;
        const uint32_t *rel = web_csr_get(&p->track_releases, tracks[k], &n_rel);
        if (n_rel)
            page_link_to(pg, TR_SUBJECT_RELEASE, rel[0]);
        if (pg->live) {
            html_raw(h, "</td><td class=\"num\"></td><td class=\"num\"></td><td class=\"num\"></td></tr>");
            continue;
        }
        if (st[k].date == TR_DAY_NONE) {
            html_raw(h, "</td><td class=\"num\" data-v=\"\">no data</td><td class=\"num\" data-v=\"\"></td><td></td></tr>");
            continue;
        }
        html_printf(h, "</td><td class=\"num\" data-v=\"%llu\">", (unsigned long long)st[k].total);
        html_count(h, st[k].total);
        html_printf(h, "</td><td class=\"num\" data-v=\"%lld\">", (long long)st[k].gain);
        html_gain(h, st[k].gain);
        uint64_t next = web_next_threshold(p, TR_MS_TRACK_TOTAL, st[k].total);
        char nn[32];
        tr_count_format(next, nn, sizeof nn);
        html_printf(h, "</td><td class=\"num\" data-v=\"%llu\">%s</td></tr>", (unsigned long long)next,
                    next ? nn : "");
    }
    html_raw(h, "</tbody></table></div>");
    free(order);
}

static void releases_table(struct page *pg, uint32_t artist)
{
    struct html *h = pg->h;
    size_t n;
    const uint32_t *rel = web_csr_get(&pg->p->artist_releases, artist, &n);
    if (!n)
        return;
    html_printf(h, "<h2>Releases <small>%zu</small></h2><div class=\"tablewrap\"><table class=\"sortable releases\">"
                   "<thead><tr><th>Release</th><th>Type</th><th>Released</th><th class=\"num\">Tracks</th>"
                   "</tr></thead><tbody>", n);
    for (size_t k = n; k-- > 0;) {
        const struct tr_release *r = &pg->p->cat->releases[rel[k]];
        html_raw(h, "<tr><td>");
        page_link_to(pg, TR_SUBJECT_RELEASE, rel[k]);
        html_printf(h, "</td><td>%s</td><td>", tr_release_type_name(r->type));
        html_day(h, r->date);
        html_printf(h, "</td><td class=\"num\" data-v=\"%u\">%u</td></tr>", r->n_tracks, r->n_tracks);
    }
    html_raw(h, "</tbody></table></div>");
}

int web_page_artist(const struct web_pages *p, uint32_t artist, const struct web_status *tracks,
                    const struct tr_point *sum, size_t n_sum, struct html *out)
{
    const struct tr_catalog *c = p->cat;
    const struct tr_artist *a = &c->artists[artist];
    struct page pg;
    struct tr_error err = {0};
    page_start_subject(&pg, p, out, TR_SUBJECT_ARTIST, artist);
    struct html *h = out;
    title_block(&pg, "artist", TR_SUBJECT_ARTIST, artist);
    html_raw(h, "<p class=\"sub\">");
    html_text(h, a->country[0] ? a->country : "country unknown");
    if (a->kind != TR_KIND_UNKNOWN)
        html_printf(h, " \xc2\xb7 %s", tr_artist_kind_name(a->kind));
    if (a->gender != TR_GENDER_UNKNOWN)
        html_printf(h, " \xc2\xb7 %s", tr_gender_name(a->gender));
    for (uint32_t g = 0; g < a->n_genres; g++) {
        html_raw(h, g ? ", " : " \xc2\xb7 ");
        html_text(h, a->genres[g]);
    }
    for (uint32_t m = 0; m < a->n_member_of; m++) {
        html_raw(h, m ? ", " : " \xc2\xb7 member of ");
        page_link_to(&pg, TR_SUBJECT_ARTIST, a->member_of[m]);
    }
    html_raw(h, "</p>");
    size_t n_tracks, n_ev;
    const uint32_t *tr = web_pages_artist_tracks(p, artist, &n_tracks);
    const uint32_t *ev = web_csr_get(&p->events_of[TR_SUBJECT_ARTIST], artist, &n_ev);
    html_raw(h, pg.live ? "<div class=\"stats\" id=\"tr-stats\">" : "<div class=\"stats\">");
    if (n_sum && !pg.live) {
        struct web_status all = web_status_of(sum, n_sum);
        page_stat_count(h, "total", "total streams, all songs", all.total, NULL);
        if (n_sum > 1)
            page_stat_gain(h, &all);
        page_stat_next(h, p, TR_MS_ARTIST_TOTAL, all.total, "");
    }
    page_stat_count(h, "tracks", "tracks", n_tracks, NULL);
    html_raw(h, "</div>");
    if (pg.live)
        live_note(h);
    page_plots(&pg, sum, n_sum, ev, n_ev, TR_MS_ARTIST_TOTAL,
               web_forecast_of(p, TR_SUBJECT_ARTIST, artist, TR_MS_ARTIST_TOTAL));
    page_next_milestones(&pg, TR_SUBJECT_ARTIST, artist);
    songs_table(&pg, tr, n_tracks, pg.live ? NULL : tracks);
    releases_table(&pg, artist);
    page_events_section(&pg, ev, n_ev, false, "Milestones");
    page_awards(&pg, TR_SUBJECT_ARTIST, artist);
    return page_end(&pg, &err);
}

/* ---- the server's path: read a subject's data, then draw it --------- */

static int histories(const struct web_pages *p, const uint32_t *tracks, size_t n, struct tr_point ***hist,
                     size_t **n_hist, struct tr_error *err)
{
    *hist = calloc(n ? n : 1, sizeof **hist);
    *n_hist = calloc(n ? n : 1, sizeof **n_hist);
    if (!*hist || !*n_hist)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        int rc = tr_store_history(p->store, tracks[k], &(*hist)[k], &(*n_hist)[k], err);
        if (rc)
            return rc;
    }
    return 0;
}

static void histories_free(struct tr_point **hist, size_t *n_hist, size_t n)
{
    for (size_t k = 0; hist && k < n; k++)
        free(hist[k]);
    free(hist);
    free(n_hist);
}

int web_page_subject(const struct web_pages *p, enum tr_subject_type type, uint32_t index,
                     struct html *out, struct tr_error *err)
{
    if (type == TR_SUBJECT_TRACK) {
        struct tr_point *hist = NULL;
        size_t n = 0;
        int rc = tr_store_history(p->store, index, &hist, &n, err);
        if (!rc)
            rc = web_page_track(p, index, hist, n, out, err);
        free(hist);
        return rc;
    }
    size_t n;
    const uint32_t *tracks;
    if (type == TR_SUBJECT_RELEASE) {
        tracks = p->cat->releases[index].tracks;
        n = p->cat->releases[index].n_tracks;
    } else {
        tracks = web_pages_artist_tracks(p, index, &n);
    }
    struct tr_point **hist = NULL, *sum = NULL;
    size_t *n_hist = NULL, n_sum = 0;
    struct web_status *st = calloc(n ? n : 1, sizeof *st);
    int rc = st ? histories(p, tracks, n, &hist, &n_hist, err) : tr_error_set(err, TR_ENOMEM, "out of memory");
    if (!rc && web_sum_histories(p->cat, tracks, n, hist, n_hist, &sum, &n_sum))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < n; k++)
        st[k] = web_status_of(hist[k], n_hist[k]);
    if (!rc)
        rc = type == TR_SUBJECT_RELEASE ? web_page_release(p, index, st, sum, n_sum, out)
                                        : web_page_artist(p, index, st, sum, n_sum, out);
    if (rc && !err->code)
        tr_error_set(err, rc, "out of memory writing a page");
    histories_free(hist, n_hist, n);
    free(sum);
    free(st);
    return rc;
}

/* ---- home ----------------------------------------------------------- */

/* The home page's table: the last 7 days' milestones, or at least the
 * latest LATEST_MIN of them when the week was quiet (so that the page
 * always says what happened last). */
#define LATEST_MIN 10
#define LATEST_MAX 300

int web_page_home(const struct web_pages *p, struct html *out, struct tr_error *err)
{
    struct page pg;
    page_start(&pg, p, out, "", "Milestones and records");
    struct html *h = out;
    const struct tr_milestone *events = p->events;
    size_t n_events = p->n_events;
    tr_day last = p->last_day;
    /* the events of the last day, and of the six days before it (events
     * come in date order; baselines are not milestones) */
    size_t first_week = n_events, first_day = n_events, n_week = 0, n_day = 0;
    while (last != TR_DAY_NONE && first_week > 0 && events[first_week - 1].date > last - 7)
        first_week--;
    while (last != TR_DAY_NONE && first_day > 0 && events[first_day - 1].date >= last)
        first_day--;
    for (size_t e = first_week; e < n_events; e++) {
        n_week += !events[e].baseline;
        n_day += e >= first_day && !events[e].baseline;
    }
    html_raw(h, "<h1>Milestones on ");
    html_day(h, last);
    html_printf(h, " <small>%zu</small></h1><p class=\"sub\">The last day with data (UTC). "
                   "Records are judged as of each event's day, within the groups the catalog defines.</p>",
                n_day);
    size_t cards = 0;
    for (size_t e = n_events; e-- > first_day && cards < 40;)
        if (!events[e].baseline && page_has_claims(p, e)) {
            page_event_card(&pg, e, true);
            cards++;
        }
    if (!n_day)
        html_raw(h, "<p class=\"empty\">No milestones on the last day.</p>");
    page_almost_there(&pg);
    /* the week's, or the latest LATEST_MIN when it had fewer */
    size_t first = first_week, n_listed = n_week;
    while (n_listed < LATEST_MIN && first > 0)
        n_listed += !events[--first].baseline;
    if (n_listed > n_week)
        html_printf(h, "<h2>Latest milestones <small>%zu</small></h2><p class=\"sub\">%zu in the last 7 days; "
                       "the latest %zu before them.</p>", n_listed, n_week, n_listed - n_week);
    else
        html_printf(h, "<h2>The last 7 days <small>%zu</small></h2>", n_week);
    page_event_table_head(h, true);
    size_t shown = 0;
    for (size_t e = n_events; e-- > first && shown < LATEST_MAX;)
        if (!events[e].baseline) {
            page_event_row(&pg, e, true);
            shown++;
        }
    html_raw(h, "</tbody></table></div>");
    if (n_listed > shown)
        html_printf(h, "<p class=\"muted\">The latest %zu of %zu.</p>", shown, n_listed);
    return page_end(&pg, err);
}

/* ---- search ----------------------------------------------------------- */

int web_page_search(const struct web_pages *p, const char *q, struct html *out, struct tr_error *err)
{
    struct page pg;
    page_start(&pg, p, out, "", "Search");
    struct html *h = out;
    bool site = p->mode == WEB_STATIC;
    html_printf(h, "<h1>Search</h1><form class=\"search\" action=\"%s\" method=\"get\" role=\"search\">"
                   "<input type=\"search\" name=\"q\" placeholder=\"Artist, release or track\" "
                   "aria-label=\"Search\" value=\"", site ? "search.html" : "search");
    html_text(h, q ? q : "");
    /* the script asks the API (served) or the site's index (data/search/, static) */
    html_printf(h, "\"><button>Search</button></form><div id=\"tr-search\" data-from=\"%s\"></div>"
                   "<noscript><p class=\"muted\">The search needs JavaScript.</p></noscript>"
                   "<p class=\"muted\">Names, case and accents aside: every word you give begins a word of "
                   "the name%s.</p>", site ? "index" : "api", site ? "" : ", or the words are within the name");
    return page_end(&pg, err);
}
