/*
 * trackrecord/publish.h: the JSON shapes trackrecord publishes, one
 * builder per subject, shared by the command line's --json, the HTTP API
 * and the pages, so that each number reads the same everywhere
 * (docs/api.md).  Builders return new references (json_decref) or NULL
 * when out of memory; those that read the store return 0 or an error.
 * Needs jansson (not included by trackrecord.h).
 */
#ifndef TRACKRECORD_PUBLISH_H
#define TRACKRECORD_PUBLISH_H

#include <stdbool.h>
#include <jansson.h>

#include "trackrecord/charts.h"
#include "trackrecord/claims.h"
#include "trackrecord/forecast.h"
#include "trackrecord/store.h"

/* What m is, in a few words: "every track >= 80M", "release total >= 1.6B",
 * "reached #1 on weekly:us". */
void tr_milestone_describe(const struct tr_milestone *m, char *buf, size_t size);

/* One milestone event: subject, subject_type, name, kind, threshold, date,
 * day, value, and slowest, chart, between when they apply. */
json_t *tr_json_milestone(const struct tr_catalog *c, const struct tr_milestone *m);
/* One claim about ev (without the event's own fields). */
json_t *tr_json_claim(const struct tr_catalog *c, const struct tr_milestone *ev,
                      const struct tr_claim *cl);
/* The event with its claims cl[0..n) in "claims" (`milestones --json`). */
json_t *tr_json_milestone_claims(const struct tr_catalog *c, const struct tr_milestone *ev,
                                 const struct tr_claim *cl, size_t n);

/* Which events and claims of a claim set are shown. */
struct tr_claims_filter {
    int subject_type;        /* -1: any subject */
    uint32_t subject;
    tr_day since;            /* TR_DAY_NONE: any day */
    int kind;                /* -1: any kind */
    bool certain;            /* leave out uncertain claims */
    int scope;               /* -1: any; else only claims of this enum tr_claim_scope */
    bool baselines;          /* the claims of baselines too (tr_milestone.baseline) */
};
#define TR_CLAIMS_FILTER_ALL {-1, TR_NONE, TR_DAY_NONE, -1, false, -1, false}
/* Calls fn for each event of cs that f keeps and that has a claim left,
 * with those claims (cl[0..n)) and the post its postable claims make
 * (tr_records_postable: true in the world, and certain), in cs's order;
 * a non-zero return of fn stops and is returned. */
typedef int (*tr_claims_fn)(void *ctx, const struct tr_milestone *ev, const struct tr_claim *cl,
                            size_t n, const char *post);
int tr_claims_each(const struct tr_catalog *c, const struct tr_claim_set *cs,
                   const struct tr_claims_filter *f, tr_claims_fn fn, void *ctx);
/* The same over the events cs->events[at[0..n)] alone, in that order (a
 * subject's, from an index: a store's claim set holds every event). */
int tr_claims_each_at(const struct tr_catalog *c, const struct tr_claim_set *cs,
                      const uint32_t *at, size_t n, const struct tr_claims_filter *f,
                      tr_claims_fn fn, void *ctx);
/* `records --json`: one object per claim, its event's fields, the claim's
 * and the post ("text"). */
json_t *tr_json_records(const struct tr_catalog *c, const struct tr_claim_set *cs,
                        const struct tr_claims_filter *f);

/* A track's chart run (`charts --json`). */
json_t *tr_json_chart_run(const struct tr_catalog *c, uint32_t track, const struct tr_chart_run *r);

/* A forecast as a post: "Layover (album total) expected to pass 1.6B around
 * 2024-06-24, between 2024-06-20 and 2024-06-30 (41M to go, 1.2M a day)";
 * cut short when size is too small (TR_FORECAST_POST_SIZE always suffices). */
#define TR_FORECAST_POST_SIZE 1024
void tr_forecast_post(const struct tr_catalog *c, const struct tr_forecast *f, char *buf, size_t size);
/* One forecast made on as_of (`forecast --json`'s objects): subject,
 * subject_type, name, kind, threshold, value, remaining, daily, eta,
 * eta_low, eta_high, days, slowest, method, as_of, post. */
json_t *tr_json_forecast(const struct tr_catalog *c, const struct tr_forecast *f, tr_day as_of);
/* Every forecast of fs, in its order (`forecast --json`). */
json_t *tr_json_forecasts(const struct tr_catalog *c, const struct tr_forecast_set *fs);

/* How many next thresholds of each kind a subject's object forecasts. */
#define TR_SUBJECT_NEXT_MILESTONES 3
/* `show --json`: id, type, name; a track's total and history; a release's
 * tracks with their totals, its total, reported totals and sales; awards;
 * the milestones the subject passed (not the baselines, where it stood
 * when the data began); and next_milestones, the next
 * TR_SUBJECT_NEXT_MILESTONES thresholds of each kind as tr_json_forecast
 * gives them (a track: its recording's). */
int tr_json_subject(struct tr_store *s, enum tr_subject_type type, uint32_t index, json_t **out,
                    struct tr_error *err);
/* The same object with next_milestones given: next[0..n_next), made on
 * as_of (a reader that keeps every subject's forecasts, such as the
 * server, passes its own). */
int tr_json_subject_with(struct tr_store *s, enum tr_subject_type type, uint32_t index,
                         const struct tr_forecast *next, size_t n_next, tr_day as_of, json_t **out,
                         struct tr_error *err);
/* The query tr_json_subject's next_milestones answer for a subject. */
struct tr_forecast_query tr_subject_next_query(const struct tr_catalog *c, enum tr_subject_type type,
                                               uint32_t index);

#endif
