/*
 * pages.c: the dashboard's pages (web/pages.h): the frame every page
 * shares, milestones with their claims and posts, and the track, release,
 * artist and home pages.
 */
#include "web/pages_internal.h"

#include <stdlib.h>
#include <string.h>

/* Events shown as cards (with claims and post) before the rest go to a table. */
#define CARDS_MAX 6
/* Longer lists of events are folded into a <details>. */
#define TABLE_OPEN_MAX 12
/* Rows of the home page's tables. */
#define ROWS_MAX 300

const char *const web_type_dir[3] = {"tracks", "releases", "artists"};

const char *page_subject_name(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i)
{
    const char *n = t == TR_SUBJECT_TRACK ? c->tracks[i].title
                  : t == TR_SUBJECT_RELEASE ? c->releases[i].title : c->artists[i].name;
    if (n && *n)
        return n;
    return t == TR_SUBJECT_TRACK ? c->tracks[i].id
         : t == TR_SUBJECT_RELEASE ? c->releases[i].id : c->artists[i].id;
}

const char *page_subject_id(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i)
{
    return t == TR_SUBJECT_TRACK ? c->tracks[i].id
         : t == TR_SUBJECT_RELEASE ? c->releases[i].id : c->artists[i].id;
}

unsigned web_site_bucket(const char *name)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * 16777619u;
    return h % WEB_SITE_BUCKETS;
}

void web_site_path(struct html *h, enum tr_subject_type t, const char *id, bool link, const char *ext)
{
    static const char hex[] = "0123456789abcdef";
    struct html name = {0};
    const char *n = id ? id : "";
    if (!html_url_plain(n)) {
        html_url_segment(&name, n);
        n = name.data ? name.data : "";
    }
    _Static_assert(WEB_SITE_BUCKETS <= 0x1000, "a bucket is three hex digits");
    unsigned b = web_site_bucket(n);
    char bucket[6] = {'/', hex[b >> 8 & 15], hex[b >> 4 & 15], hex[b & 15], '/', 0};
    html_raw(h, web_type_dir[t]);
    html_rawn(h, bucket, 5);
    if (link)
        html_url_segment(h, n);
    else
        html_raw(h, n);
    html_raw(h, ext);
    if (name.failed)
        h->failed = true;
    html_free(&name);
}

void web_artist_feed_href(struct html *h, enum web_mode mode, const char *root, const char *id,
                          const char *format)
{
    html_raw(h, root);
    if (mode == WEB_STATIC) {
        web_site_path(h, TR_SUBJECT_ARTIST, id, true, strcmp(format, "atom") == 0 ? ".feed.atom" : ".feed.json");
        return;
    }
    html_raw(h, "artists/");
    html_url_segment(h, id);
    html_printf(h, "/feed.%s", format);
}

/* The link to a subject's page, relative to this page. */
void page_href(struct page *pg, enum tr_subject_type t, uint32_t i)
{
    html_raw(pg->h, pg->root);
    if (pg->p->mode == WEB_STATIC) {
        web_site_path(pg->h, t, page_subject_id(pg->p->cat, t, i), true, ".html");
        return;
    }
    html_raw(pg->h, web_type_dir[t]);
    html_raw(pg->h, "/");
    html_url_segment(pg->h, page_subject_id(pg->p->cat, t, i));
}

void page_link_to(struct page *pg, enum tr_subject_type t, uint32_t i)
{
    html_raw(pg->h, "<a href=\"");
    page_href(pg, t, i);
    html_raw(pg->h, "\">");
    html_text(pg->h, page_subject_name(pg->p->cat, t, i));
    html_raw(pg->h, "</a>");
}

void page_link_artists(struct page *pg, const uint32_t *a, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        if (k)
            html_raw(pg->h, k + 1 == n ? " &amp; " : ", ");
        page_link_to(pg, TR_SUBJECT_ARTIST, a[k]);
    }
}

/* The head and the top bar; artist: the artist whose own feed the page
 * names beside the store's (web_artist_feed_href), or TR_NONE. */
static void head(struct page *pg, const char *title, uint32_t artist)
{
    struct html *h = pg->h;
    html_raw(h, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<link rel=\"icon\" href=\"data:,\"><title>");
    html_text(h, title);
    html_raw(h, " \xc2\xb7 trackrecord</title>");
    html_printf(h, "<link rel=\"stylesheet\" href=\"%sassets/uplot.css\">"
                   "<link rel=\"stylesheet\" href=\"%sassets/style.css\">", pg->root, pg->root);
    html_printf(h, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Milestones\" "
                   "href=\"%sfeed.atom\">", pg->root);
    if (artist != TR_NONE) {
        html_raw(h, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
        html_text(h, title);
        html_raw(h, ": milestones\" href=\"");
        web_artist_feed_href(h, pg->p->mode, pg->root, pg->p->cat->artists[artist].id, "atom");
        html_raw(h, "\">");
    }
    html_printf(h, "</head><body><header class=\"top\"><div class=\"in\"><a class=\"brand\" href=\"%s%s\">"
                   "trackrecord</a>", *pg->root ? pg->root : "./",
                pg->p->mode == WEB_STATIC ? "index.html" : "");
    html_printf(h, "<form action=\"%ssearch%s\" method=\"get\" role=\"search\"><input type=\"search\" "
                   "name=\"q\" placeholder=\"Artist, release or track\" aria-label=\"Search\">"
                   "<button>Search</button></form>", pg->root, pg->p->mode == WEB_STATIC ? ".html" : "");
    /* a live page's script says the day from its shard */
    html_raw(h, "<span class=\"asof\" id=\"tr-asof\">");
    if (!pg->live) {
        html_raw(h, "data to ");
        html_day(h, pg->p->last_day);
        html_raw(h, " (UTC)");
    }
    html_raw(h, "</span></div></header><main class=\"in\">");
}

static void foot(struct page *pg)
{
    struct html *h = pg->h;
    html_raw(h, "</main><footer class=\"bottom\"><div class=\"in\">Spotify days are UTC dates; "
                "day 0 is the release day. Totals are cumulative streams at the end of the day."
                "</div></footer>\n<script type=\"application/json\" id=\"tr-data\">");
    html_raw(h, "{\"plots\":[");
    html_rawn(h, pg->plots.data ? pg->plots.data : "", pg->plots.len);
    html_raw(h, "]");
    char shard[64];
    if (pg->live) {
        web_shard_name(shard, sizeof shard, pg->type, pg->index);
        html_printf(h, ",\"shard\":\"%s\",\"type\":\"%s\",\"id\":", shard, tr_subject_type_name(pg->type));
        html_json_string(h, page_subject_id(pg->p->cat, pg->type, pg->index));
    }
    html_raw(h, "}");
    if (pg->plots.failed)
        h->failed = true;
    html_printf(h, "</script>\n<script src=\"%sassets/uplot.js\"></script>", pg->root);
    if (pg->live)
        html_printf(h, "<script src=\"%sdata/%s.js\"></script>", pg->root, shard);
    html_printf(h, "<script src=\"%sassets/app.js\"></script></body></html>\n", pg->root);
}

void page_start(struct page *pg, const struct web_pages *p, struct html *h,
                       const char *root, const char *title)
{
    *pg = (struct page){p, h, root, {0}, false, TR_SUBJECT_TRACK, 0};
    head(pg, title, TR_NONE);
}

void page_start_subject(struct page *pg, const struct web_pages *p, struct html *h,
                        enum tr_subject_type t, uint32_t i)
{
    /* served: /TYPE/ID; on the site: TYPE/BBB/NAME.html (web_site_path) */
    *pg = (struct page){p, h, p->mode == WEB_STATIC ? "../../" : "../", {0}, p->mode == WEB_STATIC, t, i};
    head(pg, page_subject_name(p->cat, t, i), t == TR_SUBJECT_ARTIST ? i : TR_NONE);
}

int page_end(struct page *pg, struct tr_error *err)
{
    foot(pg);
    html_free(&pg->plots);
    return pg->h->failed ? tr_error_set(err, TR_ENOMEM, "out of memory writing a page") : 0;
}

const struct tr_claim *web_claims_of(const struct web_pages *p, size_t e, size_t *n)
{
    *n = 0;
    if (e >= p->claims->n_events)
        return NULL;
    *n = p->claims->first[e + 1] - p->claims->first[e];
    return p->claims->claims + p->claims->first[e];
}

bool page_has_claims(const struct web_pages *p, size_t e)
{
    size_t n;
    web_claims_of(p, e, &n);
    return n > 0;
}

/* ---- milestones ----------------------------------------------------- */

void page_describe(struct html *h, const struct tr_milestone *m)
{
    char n[32];
    tr_count_format(m->threshold, n, sizeof n);
    const char *scope = tr_scope_name(m->scope);
    switch (m->kind) {
    case TR_MS_EVERY_TRACK: html_printf(h, "every track \xe2\x89\xa5 %s", n); break;
    case TR_MS_RELEASE_TOTAL: html_printf(h, "release total \xe2\x89\xa5 %s", n); break;
    case TR_MS_ARTIST_TOTAL: html_printf(h, "artist total \xe2\x89\xa5 %s", n); break;
    case TR_MS_CHART_DEBUT:
    case TR_MS_CHART_PEAK:
        html_raw(h, m->kind == TR_MS_CHART_DEBUT ? "debut " : "reached ");
        if (m->threshold == 1)
            html_raw(h, m->kind == TR_MS_CHART_DEBUT ? "at #1" : "#1");
        else
            html_printf(h, "%sthe top %llu", m->kind == TR_MS_CHART_DEBUT ? "in " : "",
                        (unsigned long long)m->threshold);
        html_raw(h, " on ");
        html_text(h, scope);
        break;
    case TR_MS_CHART_PERIODS:
        html_printf(h, "%llu %s on ", (unsigned long long)m->threshold,
                    strncmp(scope, "daily", 5) == 0 ? "days" : "weeks");
        html_text(h, scope);
        break;
    default: html_printf(h, "\xe2\x89\xa5 %s", n); break;
    }
}

void page_when(struct html *h, const struct tr_milestone *m)
{
    if (m->open_start)
        html_raw(h, "by ");
    else if (m->after != TR_DAY_NONE) {
        html_raw(h, "between ");
        html_day(h, m->after + 1);
        html_raw(h, " and ");
    }
    html_day(h, m->date);
    if (m->day != TR_DAYN_NONE)
        html_printf(h, " \xc2\xb7 day %d", m->day);
}

static void claim_line(struct page *pg, const struct tr_milestone *ev, const struct tr_claim *cl)
{
    struct html *h = pg->h;
    char name[256];
    tr_records_group_name(&cl->group, ev->subject_type, name, sizeof name);
    const char *what = cl->kind == TR_CLAIM_FIRST_AND_ONLY ? "first and only"
                     : cl->kind == TR_CLAIM_FASTEST ? "fastest" : "first";
    html_printf(h, "<li>%s%s<b>%s</b> ", cl->uncertain ? "possibly " : "", cl->joint ? "joint " : "", what);
    html_text(h, name);
    char counts[128];
    tr_records_evidence(cl, ev->subject_type, counts, sizeof counts);
    html_raw(h, " <span class=\"ev\">");
    html_text(h, counts);
    if (cl->kind == TR_CLAIM_FASTEST && cl->day != TR_DAYN_NONE)
        html_printf(h, "; %d days", cl->day);
    if (cl->kind == TR_CLAIM_FASTEST && cl->previous != TR_NONE) {
        html_raw(h, "; previous fastest ");
        page_link_to(pg, ev->subject_type, cl->previous);
        html_printf(h, " (%d days), margin %d days", cl->previous_day, cl->margin);
    }
    html_raw(h, "</span>");
    if (cl->scope == TR_CLAIM_WORLD && cl->since != TR_DAY_NONE) {
        html_raw(h, "<span class=\"tag ok\">world since ");
        html_day(h, cl->since);
        html_raw(h, "</span>");
    } else if (cl->scope == TR_CLAIM_WORLD) {
        html_raw(h, "<span class=\"tag ok\">world</span>");
    } else {
        html_printf(h, "<span class=\"tag doubt\" title=\"true of the acts the store holds, not "
                       "known of the world\">tracked: %u acts</span>", cl->tracked_members);
    }
    if (cl->uncertain)
        html_printf(h, "<span class=\"tag doubt\">uncertain: %s</span>",
                    cl->doubt == TR_DOUBT_OWN_DATE ? "own date" : "others' data");
    html_raw(h, "</li>");
}

/* A post with its copy button; id names it for the button: unique on the
 * page (a card and a table row may show the same event). */
static void post_box(struct html *h, const char *post, const char *id)
{
    html_printf(h, "<div class=\"post\"><p id=\"%s\">", id);
    html_text(h, post);
    html_printf(h, "</p><button class=\"copy\" type=\"button\" data-for=\"%s\">Copy</button></div>", id);
}

/* One event as a card: what and when, the post with its copy button, and
 * the claims with their evidence. */
void page_event_card(struct page *pg, size_t e, bool show_subject)
{
    const struct tr_milestone *m = &pg->p->events[e];
    size_t n;
    const struct tr_claim *cl = web_claims_of(pg->p, e, &n);
    struct html *h = pg->h;
    html_raw(h, "<div class=\"event\"><div class=\"head\"><span class=\"what\">");
    if (show_subject) {
        page_link_to(pg, m->subject_type, m->subject);
        html_raw(h, ": ");
    }
    page_describe(h, m);
    html_raw(h, "</span><span class=\"when\">");
    page_when(h, m);
    html_raw(h, "</span>");
    if (m->kind == TR_MS_EVERY_TRACK && m->slowest != TR_NONE) {
        html_raw(h, "<span class=\"when\">last: ");
        page_link_to(pg, TR_SUBJECT_TRACK, m->slowest);
        html_raw(h, "</span>");
    }
    html_raw(h, "</div>");
    /* the post (certain world claims only), then every claim with its evidence */
    char id[32], post[TR_RECORDS_POST_SIZE];
    snprintf(id, sizeof id, "post-%zu", e);
    if (tr_records_post_published(pg->p->cat, m, cl, n, NULL, post, sizeof post) == 0)
        post_box(h, post, id);
    if (n) {
        html_raw(h, "<ul class=\"claims\">");
        for (size_t k = 0; k < n; k++)
            claim_line(pg, m, &cl[k]);
        html_raw(h, "</ul>");
    }
    html_raw(h, "</div>");
}

/* One event as a table row; the post of its certain world claims folds out
 * of the last cell, so that every milestone's post is on the page, not only
 * the cards' (a release's headline may be years back); the evidence is the
 * cards' and the API's. */
void page_event_row(struct page *pg, size_t e, bool show_subject)
{
    const struct tr_milestone *m = &pg->p->events[e];
    struct html *h = pg->h;
    html_raw(h, "<tr><td data-v=\"");
    html_day(h, m->date);
    html_raw(h, "\">");
    html_day(h, m->date);
    html_printf(h, "</td><td class=\"num\" data-v=\"%d\">", m->day == TR_DAYN_NONE ? -1 : m->day);
    if (m->day != TR_DAYN_NONE)
        html_printf(h, "%d", m->day);
    html_raw(h, "</td>");
    if (show_subject) {
        html_printf(h, "<td><span class=\"kind\">%s</span>", tr_subject_type_name(m->subject_type));
        page_link_to(pg, m->subject_type, m->subject);
        html_raw(h, "</td>");
    }
    html_raw(h, "<td>");
    page_describe(h, m);
    html_printf(h, "</td><td class=\"num\" data-v=\"%llu\">", (unsigned long long)m->value);
    html_count(h, m->value);
    size_t n;
    const struct tr_claim *cl = web_claims_of(pg->p, e, &n);
    html_printf(h, "</td><td class=\"claims-cell\" data-v=\"%zu\">", n);
    char post[TR_RECORDS_POST_SIZE];
    size_t n_posted = 0;
    if (n && tr_records_post_published(pg->p->cat, m, cl, n, &n_posted, post, sizeof post) == 0 && n_posted) {
        char id[32];
        snprintf(id, sizeof id, "row-post-%zu", e);
        html_printf(h, "<details><summary>%zu</summary>", n);
        post_box(h, post, id);
        html_raw(h, "</details>");
    } else if (n) {
        html_printf(h, "%zu", n);
    }
    html_raw(h, "</td></tr>");
}

void page_event_table_head(struct html *h, bool show_subject)
{
    html_printf(h, "<div class=\"tablewrap\"><table class=\"sortable events\"><thead><tr><th>Date</th>"
                   "<th class=\"num\">Day</th>%s<th>Milestone</th><th class=\"num\">Value</th>"
                   "<th>Claims</th></tr></thead><tbody>",
                show_subject ? "<th>Subject</th>" : "");
}

/* The events ev[0..n) (indices into the claim set), newest first: the
 * first CARDS_MAX with claims as cards, then every event in a table. */
void page_events_section(struct page *pg, const uint32_t *ev, size_t n, bool show_subject,
                         const char *title)
{
    struct html *h = pg->h;
    html_raw(h, "<h2>");
    html_text(h, title);
    html_printf(h, " <small>%zu</small></h2>", n);
    if (!n) {
        html_raw(h, "<p class=\"empty\">None yet.</p>");
        return;
    }
    size_t cards = 0;
    for (size_t k = n; k-- > 0 && cards < CARDS_MAX;)
        if (page_has_claims(pg->p, ev[k])) {
            page_event_card(pg, ev[k], show_subject);
            cards++;
        }
    /* the whole list, folded away when it is long (it opens without the script) */
    if (n > TABLE_OPEN_MAX)
        html_printf(h, "<details class=\"all-events\"><summary>All %zu milestones</summary>", n);
    page_event_table_head(h, show_subject);
    size_t shown = 0;
    for (size_t k = n; k-- > 0 && shown < ROWS_MAX; shown++)
        page_event_row(pg, ev[k], show_subject);
    html_raw(h, "</tbody></table></div>");
    if (n > shown)
        html_printf(h, "<p class=\"muted\">The latest %zu of %zu.</p>", shown, n);
    if (n > TABLE_OPEN_MAX)
        html_raw(h, "</details>");
}

/* ---- plots ---------------------------------------------------------- */

/* The markers of the events ev[0..n) of one kind, as a JSON array
 * [{"x": day, "y": value on the line, "label": "80M", "title": ...}]. */
static void marks_json(struct html *d, const struct web_pages *p, const uint32_t *ev, size_t n,
                       int kind, const struct tr_point *pts, size_t n_pts)
{
    html_raw(d, "[");
    bool any = false;
    size_t i = 0;
    for (size_t k = 0; k < n; k++) {
        const struct tr_milestone *m = &p->events[ev[k]];
        if ((int)m->kind != kind)
            continue;
        char label[32], title[96], day[TR_DATE_LEN];
        tr_count_format(m->threshold, label, sizeof label);
        snprintf(title, sizeof title, "%s %s on %s", m->kind == TR_MS_EVERY_TRACK ? "every track \xe2\x89\xa5"
                 : "\xe2\x89\xa5", label, tr_day_format(m->date, day));
        /* the marker sits on the plotted line at its day (events come in date order) */
        while (i < n_pts && pts[i].day < m->date)
            i++;
        uint64_t y = i < n_pts && pts[i].day == m->date ? pts[i].value : m->value;
        html_raw(d, any ? ",{\"x\":" : "{\"x\":");
        html_int(d, m->date);
        html_raw(d, ",\"y\":");
        html_int(d, (int64_t)y);
        html_raw(d, ",\"label\":");
        html_json_string(d, label);
        html_raw(d, ",\"title\":");
        html_json_string(d, title);
        html_raw(d, "}");
        any = true;
    }
    html_raw(d, "]");
}

/* The fields "x0","y0","dx" (only when a day is skipped) and "dy" of the
 * plots' compact series of pts[0..n): the first day and total, then each
 * day's step and gain, from which the script rebuilds the totals exactly. */
/* The steps from each of pts[0..n) to the next, in days or in counts,
 * separated by commas. */
static void series_steps(struct html *d, const struct tr_point *pts, size_t n, bool days)
{
    int64_t step[64];
    for (size_t i = 1; i < n;) {
        size_t m = 0;
        for (; i < n && m < 64; i++, m++)
            step[m] = days ? (int64_t)(pts[i].day - pts[i - 1].day) : (int64_t)(pts[i].value - pts[i - 1].value);
        if (i - m > 1)
            html_raw(d, ",");
        html_ints(d, step, m);
    }
}

void page_series_fields(struct html *d, const struct tr_point *pts, size_t n)
{
    html_raw(d, "\"x0\":");
    html_int(d, n ? pts[0].day : 0);
    html_raw(d, ",\"y0\":");
    html_int(d, n ? (int64_t)pts[0].value : 0);
    bool gaps = false;
    for (size_t i = 1; i < n && !gaps; i++)
        gaps = pts[i].day - pts[i - 1].day != 1;
    if (gaps) {
        html_raw(d, ",\"dx\":[");
        series_steps(d, pts, n, true);
        html_raw(d, "]");
    }
    html_raw(d, ",\"dy\":[");
    series_steps(d, pts, n, false);
    html_raw(d, "]");
}

/* The forecast range ahead of the last day: y null there, lo and hi the
 * totals at which the next threshold is reached at the late and the early
 * end of its 80% interval (straight lines from the last total), drawn to
 * the late end (or the expected day when the interval has no late end). */
bool page_forecast_range(struct html *d, tr_day last, uint64_t value, const struct tr_forecast *f)
{
    tr_day early = f->eta_low, late = f->eta_high != TR_DAY_NONE ? f->eta_high : f->eta;
    if (early == TR_DAY_NONE || late == TR_DAY_NONE || early <= last || late < early)
        return false;
    double v0 = (double)value, gap = (double)f->threshold - v0;
    tr_day xs[3] = {last, early, late};
    size_t nx = late > early ? 3 : 2;
    html_raw(d, ",\"ahead\":{\"x\":[");
    for (size_t i = 0; i < nx; i++) {
        if (i)
            html_raw(d, ",");
        html_int(d, xs[i]);
    }
    html_raw(d, "],\"lo\":[");
    for (size_t i = 0; i < nx; i++) {
        if (i)
            html_raw(d, ",");
        html_int(d, (int64_t)(v0 + gap * (double)(xs[i] - last) / (double)(late - last)));
    }
    html_raw(d, "],\"hi\":[");
    for (size_t i = 0; i < nx; i++) {
        if (i)
            html_raw(d, ",");
        html_int(d, (int64_t)(v0 + gap * (double)(xs[i] - last) / (double)(early - last)));
    }
    char label[32];
    tr_count_format(f->threshold, label, sizeof label);
    html_raw(d, "],\"label\":");
    html_json_string(d, label);
    html_raw(d, "}");
    return true;
}

void page_plots(struct page *pg, const struct tr_point *pts, size_t n, const uint32_t *ev, size_t n_ev,
                int mark_kind, const struct tr_forecast *f)
{
    struct html *h = pg->h, *d = &pg->plots;
    if (n < 2 && !pg->live) {
        html_raw(h, "<p class=\"empty\">Not enough data to plot yet.</p>");
        return;
    }
    /* compact: the first day and total, then each day's step and gain
     * (the script rebuilds the totals exactly; steps only when a day is
     * skipped) */
    if (d->len)
        html_raw(d, ",");
    html_raw(d, "{\"el\":\"plot-total\",\"gains_el\":\"plot-gains\",\"label\":\"total\",");
    if (!n)
        html_raw(d, "\"none\":true,");
    page_series_fields(d, pts, n);
    html_raw(d, ",\"marks\":");
    marks_json(d, pg->p, ev, n_ev, mark_kind, pts, n);
    bool ahead = !pg->live && f && page_forecast_range(d, pts[n - 1].day, pts[n - 1].value, f);
    html_raw(d, "}");
    html_raw(h, "<h2>Total streams</h2><div class=\"plot\" id=\"plot-total\"></div>"
                "<p class=\"plotnote\">Cumulative streams per UTC day.<span class=\"legendkey\"></span>milestone");
    if (ahead || pg->live)   /* a live page's script shows it when it draws the range */
        html_printf(h, "<span id=\"tr-band-key\"%s><span class=\"legendkey band\"></span>the next milestone "
                       "as forecast (80%% range)</span>", ahead ? "" : " hidden");
    html_raw(h, "<noscript> (the plot needs JavaScript; every figure is in the tables)</noscript></p>"
                "<h2>Daily gains</h2><div class=\"plot\" id=\"plot-gains\"></div>");
}

/* ---- figures -------------------------------------------------------- */

void page_stat_count(struct html *h, const char *figure, const char *label, uint64_t v, const char *note)
{
    html_printf(h, "<div class=\"stat\"><div class=\"v num\" data-figure=\"%s\" data-v=\"%llu\">", figure,
                (unsigned long long)v);
    html_count(h, v);
    html_raw(h, "</div><div class=\"l\">");
    html_text(h, label);
    if (note)
        html_text(h, note);
    html_raw(h, "</div></div>");
}

void page_stat_gain(struct html *h, const struct web_status *st)
{
    html_printf(h, "<div class=\"stat\"><div class=\"v num %s\" data-figure=\"gain\" data-v=\"%lld\">",
                st->gain < 0 ? "neg" : "pos", (long long)st->gain);
    html_gain(h, st->gain);
    html_raw(h, "</div><div class=\"l\">");
    if (st->gain_from != TR_DAY_NONE && st->date - st->gain_from > 1) {
        html_raw(h, "since ");
        html_day(h, st->gain_from);
    } else {
        html_raw(h, "daily gain, ");
        html_day(h, st->date);
    }
    html_raw(h, "</div></div>");
}

uint64_t web_next_threshold(const struct web_pages *p, enum tr_milestone_kind kind, uint64_t v)
{
    return tr_ladders_next(p->ladders, kind, v);
}

void page_stat_next(struct html *h, const struct web_pages *p, enum tr_milestone_kind kind,
                    uint64_t total, const char *what)
{
    uint64_t next = web_next_threshold(p, kind, total);
    if (!next)
        return;
    char n[32];
    tr_count_format(next, n, sizeof n);
    html_printf(h, "<div class=\"stat\"><div class=\"v num\" data-figure=\"to-go\" data-v=\"%llu\">",
                (unsigned long long)(next - total));
    html_count(h, next - total);
    html_printf(h, "</div><div class=\"l\">to go to %s%s</div></div>", what, n);
}

void page_awards(struct page *pg, enum tr_subject_type type, uint32_t index)
{
    const struct web_pages *p = pg->p;
    struct html *h = pg->h;
    const char *id = page_subject_id(p->cat, type, index);
    bool any = false;
    for (size_t k = 0; k < p->n_awards; k++) {
        const struct tr_award *a = &p->awards[k];
        if (a->nominee_type != type || strcmp(a->nominee, id) != 0)
            continue;
        if (!any)
            html_raw(h, "<h2>Awards</h2><table><thead><tr><th>Year</th><th>Ceremony</th><th>Category</th>"
                        "<th>Result</th></tr></thead><tbody>");
        any = true;
        html_printf(h, "<tr><td>%d</td><td>", a->year);
        html_text(h, a->ceremony);
        html_raw(h, "</td><td>");
        html_text(h, a->category);
        html_raw(h, "</td><td>");
        html_text(h, a->result);
        html_raw(h, "</td></tr>");
    }
    if (any)
        html_raw(h, "</tbody></table>");
}

/* The last days' totals and gains, newest first. */
void page_recent_table(struct html *h, const struct tr_point *p, size_t n, size_t days)
{
    html_raw(h, "<h2>Recent days</h2><table class=\"recent\"><thead><tr><th>Date (UTC)</th>"
                "<th class=\"num\">Total</th><th class=\"num\">Gain</th></tr></thead><tbody>");
    for (size_t k = 0; k < days && k < n; k++) {
        size_t i = n - 1 - k;
        html_raw(h, "<tr><td>");
        html_day(h, p[i].day);
        html_raw(h, "</td><td class=\"num\">");
        html_count(h, p[i].value);
        html_raw(h, "</td><td class=\"num\">");
        if (i) {
            int64_t g = (int64_t)(p[i].value - p[i - 1].value);
            html_printf(h, "<span class=\"%s\">", g < 0 ? "neg" : "");
            html_gain(h, g);
            html_raw(h, "</span>");
            if (p[i].day - p[i - 1].day > 1)
                html_printf(h, " <span class=\"muted\">(%d days)</span>", p[i].day - p[i - 1].day);
        }
        html_raw(h, "</td></tr>");
    }
    html_raw(h, "</tbody></table>");
}

