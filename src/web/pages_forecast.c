/*
 * pages_forecast.c: forecasts on the pages: the home page's "almost there"
 * list, a subject's next milestones, and the range drawn ahead on a plot.
 * The forecasts are tr_store_forecasts' (docs/forecasts.md): each a date
 * with an 80% interval, or none when beyond three years.
 */
#include "web/pages_internal.h"

#include <math.h>

/* Days ahead the home page looks for milestones expected. */
#define ALMOST_DAYS 14
#define ALMOST_MAX 40

static const char *kind_words(enum tr_milestone_kind k)
{
    return k == TR_MS_EVERY_TRACK ? "every track " : k == TR_MS_RELEASE_TOTAL ? "release total "
         : k == TR_MS_ARTIST_TOTAL ? "artist total " : "";
}

static void expected(struct html *h, const struct tr_forecast *f)
{
    if (f->eta == TR_DAY_NONE) {
        html_raw(h, "<span class=\"muted\">not within three years</span>");
        return;
    }
    html_day(h, f->eta);
    if (f->eta_low != TR_DAY_NONE || f->eta_high != TR_DAY_NONE) {
        html_raw(h, " <span class=\"muted\">(");
        if (f->eta_low != TR_DAY_NONE)
            html_day(h, f->eta_low);
        html_raw(h, " to ");
        if (f->eta_high != TR_DAY_NONE)
            html_day(h, f->eta_high);
        else
            html_raw(h, "later");
        html_raw(h, ")</span>");
    }
}

static void forecast_row(struct page *pg, const struct tr_forecast *f, bool show_subject)
{
    struct html *h = pg->h;
    char n[32];
    tr_count_format(f->threshold, n, sizeof n);
    html_raw(h, "<tr>");
    if (show_subject) {
        html_printf(h, "<td><span class=\"kind\">%s</span>", tr_subject_type_name(f->subject_type));
        page_link_to(pg, f->subject_type, f->subject);
        html_raw(h, "</td>");
    }
    html_printf(h, "<td>%s\xe2\x89\xa5 %s", kind_words(f->kind), n);
    if (f->kind == TR_MS_EVERY_TRACK && f->slowest != TR_NONE) {
        html_raw(h, " <span class=\"muted\">last: ");
        page_link_to(pg, TR_SUBJECT_TRACK, f->slowest);
        html_raw(h, "</span>");
    }
    html_printf(h, "</td><td class=\"num\" data-v=\"%llu\">", (unsigned long long)f->remaining);
    html_count(h, f->remaining);
    long long daily = llround(f->daily);
    html_printf(h, "</td><td class=\"num\" data-v=\"%lld\">", daily);
    html_count(h, daily > 0 ? (uint64_t)daily : 0);
    html_printf(h, "</td><td data-v=\"%d\">", f->eta == TR_DAY_NONE ? INT32_MAX : f->eta);
    expected(h, f);
    html_raw(h, "</td></tr>");
}

static void forecast_head(struct html *h, bool show_subject)
{
    html_printf(h, "<div class=\"tablewrap\"><table class=\"sortable forecasts\"><thead><tr>%s<th>Next milestone</th>"
                   "<th class=\"num\">To go</th><th class=\"num\">Daily now</th><th>Expected (80%% range)</th>"
                   "</tr></thead><tbody>", show_subject ? "<th>Subject</th>" : "");
}

void page_almost_there(struct page *pg)
{
    const struct tr_forecast_set *fs = &pg->p->forecasts;
    struct html *h = pg->h;
    size_t n = 0;
    for (size_t k = 0; k < fs->n; k++)
        n += fs->f[k].eta != TR_DAY_NONE && fs->f[k].eta - fs->as_of <= ALMOST_DAYS;
    html_printf(h, "<h2>Almost there <small>%zu expected within %d days</small></h2>", n, ALMOST_DAYS);
    if (!n) {
        html_raw(h, "<p class=\"empty\">No milestone is expected within two weeks.</p>");
        return;
    }
    forecast_head(h, true);
    size_t shown = 0;
    /* the forecasts come soonest first */
    for (size_t k = 0; k < fs->n && shown < ALMOST_MAX; k++)
        if (fs->f[k].eta != TR_DAY_NONE && fs->f[k].eta - fs->as_of <= ALMOST_DAYS) {
            forecast_row(pg, &fs->f[k], true);
            shown++;
        }
    html_raw(h, "</tbody></table></div>");
    if (n > shown)
        html_printf(h, "<p class=\"muted\">The soonest %zu of %zu.</p>", shown, n);
}

void page_next_milestones(struct page *pg, enum tr_subject_type t, uint32_t i)
{
    if (pg->live) {   /* the script draws them from the page's shard */
        html_raw(pg->h, "<div id=\"tr-next\"></div>");
        return;
    }
    size_t n;
    const uint32_t *f = web_csr_get(&pg->p->forecasts_of[t], i, &n);
    if (!n)
        return;
    html_raw(pg->h, "<h2>Next milestones <small>forecast</small></h2>");
    forecast_head(pg->h, false);
    for (size_t k = 0; k < n; k++)
        forecast_row(pg, &pg->p->forecasts.f[f[k]], false);
    html_raw(pg->h, "</tbody></table></div>");
}
