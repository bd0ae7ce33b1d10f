/*
 * site_data.h: the static site's data (not installed): what decides
 * whether a page must be written again, and a subject's entry in its data
 * shard (pages_internal.h says how the two split a page).
 *
 * A page's key hashes everything its HTML shows: the facts every page
 * shares (the catalog, the ladders, sales and awards, the markup's
 * version: site_facts), then the subject's milestones with their claims,
 * its chart runs and a digest of its series before its tail day.  The same key means
 * the same page, so a run renders only the pages whose key moved.
 */
#ifndef TR_WEB_SITE_DATA_H
#define TR_WEB_SITE_DATA_H

#include "web/pages_internal.h"

/* The facts every page shares, hashed. */
uint64_t site_facts(const struct web_pages *p);

/* The digest of a page's past points past[0..n_past) (those before its
 * tail day), which its key hashes. */
uint64_t site_points_digest(const struct tr_point *past, size_t n_past);

/* Subject i's page key: facts (site_facts), its events, chart runs (read
 * from the store when it holds charts) and past, the digest of its past
 * points; *key.  0 or an error of the store. */
int site_page_key(const struct web_pages *p, uint64_t facts, enum tr_subject_type t, uint32_t i, uint64_t past,
                  uint64_t *key, struct tr_error *err);

/* The key of artist's feed (tr_web_artist_feeds) holding events
 * posts[0..n) (positions in the pages' events): facts, the events with
 * their claims and, for a feed without posts, the day it is dated. */
uint64_t site_feed_key(const struct web_pages *p, uint64_t facts, uint32_t artist, const uint32_t *posts,
                       size_t n, tr_day empty_day);

/* The figures of one track of a listing (a release's tracks, an artist's
 * songs): total, gain, next threshold; a missing one has no data. */
void site_status_json(struct html *d, const struct web_pages *p, const struct web_status *st);

/* A subject's shard entry ("ID":{...}) from its series: pts[0..n) are
 * its points after the first n_before (which the entry needs only
 * counted), those from pts[n_past] on its tail; the entry holds the
 * tail, the next threshold of its kind, the forecasts and their range
 * ahead; for a release or an artist its listed tracks' figures too
 * (rows[k] for the k-th listed; NULL for a track) and, for a release, its
 * tracks' total and the slowest track. */
void site_entry(struct html *d, const struct web_pages *p, enum tr_subject_type t, uint32_t i,
                const struct tr_point *pts, size_t n, size_t n_past, size_t n_before,
                const struct web_status *rows, size_t n_rows);

#endif
