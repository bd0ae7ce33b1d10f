/*
 * web/pages.h: the dashboard's HTML pages, for `trackrecord serve` and for
 * the static site (`trackrecord site`).
 *
 * A struct web_pages holds what every page of one store reads: the
 * catalog, its cross-references (a track's releases, an artist's tracks
 * and releases), the milestone events with their claims, sales and
 * awards.  It is built once per catalog and only read afterwards, so any
 * number of threads may render pages from it at once.
 *
 * Pages link to each other relatively ("../releases/layover"), so the
 * same page works under the server and from a directory of files; the
 * static site's links end in ".html".  A page embeds the data its script
 * draws (<script type="application/json" id="tr-data">).  A served page
 * reads without the script too: the tables come sorted, every figure is
 * in the HTML.  A static subject page (WEB_STATIC) holds its rarely-
 * changing facts and takes its daily figures from its data shard
 * (pages_internal.h, docs/dashboard.md); hist and sum are then the series
 * before its tail day, and the statuses are not read.
 */
#ifndef TR_WEB_PAGES_H
#define TR_WEB_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trackrecord/trackrecord.h"
#include "web/html.h"

struct web_pages;

enum web_mode {
    WEB_SERVED,              /* links without an extension; a search box */
    WEB_STATIC,              /* links to "NAME.html" files */
};

/* Builds the pages' context for the store's catalog as it is now.
 * claims: every stored event with its claims (tr_store_claims(s,
 * TR_DAY_NONE, false, ...): the events are its), borrowed while the pages
 * live, or NULL to read them.  *out is the caller's (web_pages_free); s
 * stays borrowed. */
int web_pages_open(struct tr_store *s, enum web_mode mode, const struct tr_claim_set *claims,
                   struct web_pages **out, struct tr_error *err);
void web_pages_free(struct web_pages *p);
const struct tr_catalog *web_pages_catalog(const struct web_pages *p);
/* The last day with data in the store (TR_DAY_NONE when empty). */
tr_day web_pages_last_day(const struct web_pages *p);

/* One track's status as the tables show it: the latest total, the gain
 * since the observation before it, its days. */
struct web_status {
    uint64_t total;
    int64_t gain;
    tr_day date;             /* TR_DAY_NONE: no data */
    tr_day gain_from;        /* the observation the gain is measured from */
};
struct web_status web_status_of(const struct tr_point *p, size_t n);

/* A subject's page from data the caller read: a track's history, or for a
 * release (its listed tracks) and an artist (its tracks, as
 * web_pages_artist_tracks lists them) each track's status and the summed
 * totals per day.  The store is read only for chart runs, by
 * web_page_track. */
int web_page_track(const struct web_pages *p, uint32_t track, const struct tr_point *hist,
                   size_t n, struct html *out, struct tr_error *err);
int web_page_release(const struct web_pages *p, uint32_t release, const struct web_status *tracks,
                     const struct tr_point *sum, size_t n_sum, struct html *out);
int web_page_artist(const struct web_pages *p, uint32_t artist, const struct web_status *tracks,
                    const struct tr_point *sum, size_t n_sum, struct html *out);
/* The tracks an artist is credited on (catalog order); *n of them. */
const uint32_t *web_pages_artist_tracks(const struct web_pages *p, uint32_t artist, size_t *n);

/* A subject's page with its data read from the store (the server's path). */
int web_page_subject(const struct web_pages *p, enum tr_subject_type type, uint32_t index,
                     struct html *out, struct tr_error *err);
/* The home page: the last day's milestones and records, the week's. */
int web_page_home(const struct web_pages *p, struct html *out, struct tr_error *err);
/* The search page (q: the query it was asked, or NULL): its script lists
 * the names matching, case and accents aside, from the API when served
 * and from the static site's index (data/search/) there. */
int web_page_search(const struct web_pages *p, const char *q, struct html *out,
                    struct tr_error *err);

/* The static site's file of a subject: TYPE/BBB/NAME.html, NAME the id as
 * html_url_segment encodes it and BBB the folder (of WEB_SITE_BUCKETS per
 * type, 3 hex digits) that the FNV-1a hash of NAME's bytes picks: a
 * million tracks make a thousand folders of a thousand pages, not one
 * folder the file system searches at every create (docs/dashboard.md;
 * app.js picks the same). */
#define WEB_SITE_BUCKETS 1024
unsigned web_site_bucket(const char *name);
/* Writes the subject's "TYPE/BBB/NAME" and then ext (".html"; an
 * artist's feeds ".feed.atom", ".feed.json"): the path of its file, or
 * with link its link from the site's top (NAME encoded once more: a link
 * names the file by its encoded name). */
void web_site_path(struct html *h, enum tr_subject_type t, const char *id, bool link, const char *ext);

/* An artist's feed ("atom", "json") from root, the way to the site's
 * top: served /artists/ID/feed.FORMAT, on the site
 * artists/BBB/NAME.feed.FORMAT beside the artist's page (the site writes
 * the Atom one). */
void web_artist_feed_href(struct html *h, enum web_mode mode, const char *root, const char *id,
                          const char *format);

/* Sums the histories of tracks[0..n) into one series per day (each
 * track's latest value carried forward), from the first day every track
 * has data; *out (caller's) gets *n_out points.  Recordings listed twice
 * count once.  Used for a release's and an artist's totals. */
int web_sum_histories(const struct tr_catalog *c, const uint32_t *tracks, size_t n,
                      struct tr_point *const *hist, const size_t *n_hist, struct tr_point **out,
                      size_t *n_out);

#endif
