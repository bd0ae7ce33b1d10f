/* pages_internal.h: what the page files share (not installed). */
#ifndef TR_WEB_PAGES_INTERNAL_H
#define TR_WEB_PAGES_INTERNAL_H

#include "web/pages.h"
#include "trackrecord/charts.h"
#include "trackrecord/extras.h"
#include "trackrecord/forecast.h"

/* Compressed rows: key -> items[first[key] .. first[key + 1]). */
struct web_csr {
    size_t *first;
    uint32_t *items;
};
const uint32_t *web_csr_get(const struct web_csr *m, uint32_t key, size_t *n);
/* From n_pairs pairs (keys[i], vals[i]), values kept in their order. */
int web_csr_build(struct web_csr *m, uint32_t n_keys, size_t n_pairs, const uint32_t *keys,
                  const uint32_t *vals);
void web_csr_free(struct web_csr *m);

struct web_pages {
    struct tr_store *store;
    enum web_mode mode;
    const struct tr_catalog *cat;
    const struct tr_ladders *ladders;
    const struct tr_milestone *events;   /* every stored event, oldest first:
                                          * claims->events */
    size_t n_events;
    const struct tr_claim_set *claims;   /* the claims of every event: the caller's,
                                          * or own_claims */
    struct tr_claim_set own_claims;
    struct web_csr events_of[3];         /* subject type -> event indices */
    struct web_csr track_releases;       /* track -> releases listing it */
    struct web_csr artist_releases;      /* artist -> releases crediting it */
    struct web_csr artist_tracks;        /* artist -> tracks crediting it */
    struct tr_sale *sales;               /* every sale, ordered by release */
    size_t n_sales;
    struct tr_award *awards;
    size_t n_awards;
    struct tr_forecast_set forecasts;    /* each subject's next milestone, soonest first */
    struct web_csr forecasts_of[3];      /* subject type -> forecast indices */
    tr_day *track_day0;                  /* per track: its day 0 */
    tr_day last_day;
    bool has_charts;                     /* the store holds chart entries */
};

/* The claims of event e (an index into p->events); *n of them. */
const struct tr_claim *web_claims_of(const struct web_pages *p, size_t e, size_t *n);
bool page_has_claims(const struct web_pages *p, size_t e);

/* "tracks", "releases", "artists": the folders of the subjects' pages. */
extern const char *const web_type_dir[3];

/* One page being written: where it sits (root: the way back to the site's
 * top, "", "../" or on the site "../../"), and the plots its script draws (page data "plots").
 * On the static site a subject's page (live) takes its daily figures from
 * its data shard (below). */
struct page {
    const struct web_pages *p;
    struct html *h;
    const char *root;
    struct html plots;       /* the plots' JSON objects, comma-separated */
    bool live;               /* static subject page: figures from its shard */
    enum tr_subject_type type;
    uint32_t index;
};

/* The frame: head, top bar, and at the end the page data and scripts.
 * page_start_subject: a subject's page (live on the static site). */
void page_start(struct page *pg, const struct web_pages *p, struct html *h, const char *root,
                const char *title);
void page_start_subject(struct page *pg, const struct web_pages *p, struct html *h,
                        enum tr_subject_type t, uint32_t i);
int page_end(struct page *pg, struct tr_error *err);

/* ---- the static site's daily data (site_data.c) ---------------------------
 * A static page changes only when its subject's rarely-changing facts do
 * (names, milestones and claims, chart runs) or its plotted series moves
 * past its tail day: the page holds the series before web_tail_from, and
 * data/TYPE/SHARD.js holds, for WEB_SHARD_SIZE subjects of a type (by
 * catalog index), the daily figures, the series from the tail day on and
 * the forecasts; a run rewrites every shard, and only the pages whose
 * facts or tail day moved (docs/dashboard.md).  A subject's tail day comes
 * round every WEB_TAIL_DAYS days, on a day of its own (by index), so each
 * day about 1/WEB_TAIL_DAYS of the pages is rewritten. */
#define WEB_SHARD_SIZE 256
#define WEB_TAIL_DAYS 32
tr_day web_tail_from(tr_day last, uint32_t index);
/* "tracks/12": the shard of subject i of type t (no extension). */
void web_shard_name(char *buf, size_t size, enum tr_subject_type t, uint32_t i);

const char *page_subject_name(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i);
const char *page_subject_id(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i);
void page_href(struct page *pg, enum tr_subject_type t, uint32_t i);
void page_link_to(struct page *pg, enum tr_subject_type t, uint32_t i);
void page_link_artists(struct page *pg, const uint32_t *a, uint32_t n);

/* "every track >= 80M"; "between D1 and D2 . day N" */
void page_describe(struct html *h, const struct tr_milestone *m);
void page_when(struct html *h, const struct tr_milestone *m);
/* Events by index into p->claims: one as a card (post, claims), a table
 * row, or a section of them newest first (cards, then a table). */
void page_event_card(struct page *pg, size_t e, bool show_subject);
void page_event_table_head(struct html *h, bool show_subject);
void page_event_row(struct page *pg, size_t e, bool show_subject);
void page_events_section(struct page *pg, const uint32_t *ev, size_t n, bool show_subject,
                    const char *title);

/* The "x0","y0","dx","dy" fields of a compact series of pts[0..n). */
void page_series_fields(struct html *d, const struct tr_point *pts, size_t n);
/* The totals plot, with markers for the events ev[0..n_ev) of mark_kind,
 * and the daily gains plot, of pts[0..n) (on a live page the series before
 * its tail day; the script adds the tail and the forecast range). */
void page_plots(struct page *pg, const struct tr_point *pts, size_t n, const uint32_t *ev, size_t n_ev,
                int mark_kind, const struct tr_forecast *f);
/* The forecast range ahead of a series ending at (last, value), as the
 * JSON member ',"ahead":{...}' of a plot; false (nothing written) when
 * the forecast has no range ahead of it. */
bool page_forecast_range(struct html *d, tr_day last, uint64_t value, const struct tr_forecast *f);

/* The forecast of a subject's next milestone of this kind, or NULL. */
const struct tr_forecast *web_forecast_of(const struct web_pages *p, enum tr_subject_type t, uint32_t i,
                                          enum tr_milestone_kind kind);
/* The home page's list of the milestones expected soonest. */
void page_almost_there(struct page *pg);
/* A subject's next milestones, as forecast. */
void page_next_milestones(struct page *pg, enum tr_subject_type t, uint32_t i);

/* Figures under the title, each with data-figure (the tests read it). */
void page_stat_count(struct html *h, const char *figure, const char *label, uint64_t v, const char *note);
void page_stat_gain(struct html *h, const struct web_status *st);
/* "N to go to WHAT<next>" for a total of this kind (nothing past the ladder). */
void page_stat_next(struct html *h, const struct web_pages *p, enum tr_milestone_kind kind,
                    uint64_t total, const char *what);
uint64_t web_next_threshold(const struct web_pages *p, enum tr_milestone_kind kind, uint64_t v);
/* The subject's award nominations, when it has any. */
void page_awards(struct page *pg, enum tr_subject_type type, uint32_t index);
void page_recent_table(struct html *h, const struct tr_point *p, size_t n, size_t days);

#endif
