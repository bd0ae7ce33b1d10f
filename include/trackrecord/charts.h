/*
 * trackrecord/charts.h: Spotify chart entries and chart runs.
 *
 * A chart file (docs/formats.md, "charts") gives one chart period: the
 * chart (daily or weekly), the country ("us", "global"...), the period's
 * first day, and for each rank the track and its streams over the period.
 * A re-import of a period replaces that period's entries.
 *
 * A run sums up one track's entries on one chart and country, over the
 * periods imported: debut, peak, periods on chart, at #1, re-entries (a
 * return after one or more periods off the chart) and the streams the
 * chart counted.  Results are owned by the caller (free() the array).
 */
#ifndef TRACKRECORD_CHARTS_H
#define TRACKRECORD_CHARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trackrecord/chart_entry.h"
#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/store.h"

struct tr_milestone;
struct tr_catalog;

#define TR_CHART_RUN_IDS 8

struct tr_chart_run {
    char chart[16];
    char country[16];
    char ids[TR_CHART_RUN_IDS][64];  /* the song's ids listed in the run, in the
                                      * order first listed (the first ones) */
    uint32_t n_ids;          /* how many ids it was listed under (all of them) */
    tr_day debut_date;
    uint32_t debut_rank;
    uint32_t peak_rank;
    tr_day peak_date;        /* first period at the peak */
    tr_day last_date;        /* latest period on the chart */
    uint32_t periods_on_chart;   /* days (daily) or weeks (weekly) */
    uint32_t periods_at_1;
    uint32_t reentries;
    uint64_t chart_streams;  /* sum over the periods on chart */
};

/* One song under several ids, as chart sites count it (docs/formats.md,
 * "charts"): ids of one recording (same_as), and ids with the same
 * normalised title and artist credit listed on one chart but never in one
 * period of it.  *song (the caller's, n_tracks entries) gives for each
 * catalog track the track naming its song: the id it was first listed
 * under, or the track itself.  0 or TR_ENOMEM. */
int tr_chart_songs(const struct tr_catalog *c, const struct tr_chart_entry *entries, size_t n,
                   uint32_t **song);

/* The entries of one track id (a catalog index), ordered by chart, country,
 * period. */
int tr_store_chart_entries(struct tr_store *s, uint32_t track, struct tr_chart_entry **out,
                           size_t *n, struct tr_error *err);
/* The runs of the song the track is one id of (tr_chart_songs), one per
 * chart and country, ordered by chart, country; each names the ids it was
 * listed under. */
int tr_store_chart_runs(struct tr_store *s, uint32_t track, struct tr_chart_run **out,
                        size_t *n, struct tr_error *err);
/* Runs from entries[0..n) of one song ordered by chart, country, period
 * (then rank; the computation behind tr_store_chart_runs): a period listed
 * under two of its ids counts once, at the better rank. */
int tr_chart_runs(const struct tr_chart_entry *entries, size_t n, struct tr_chart_run **out,
                  size_t *n_out);

/* A chart the store holds entries of, and the periods they span. */
struct tr_chart_scope {
    char scope[24];          /* "weekly:us" */
    tr_day first, last;      /* first and last period imported */
    tr_day complete_to;      /* the last period before the first one missing
                              * between them (last when none is missing) */
    bool complete;           /* every period imported holds each rank from 1
                              * to its last without a hole (a whole chart
                              * file, not a bot's saved rows) */
};

/* The first period of a Spotify chart ("weekly", "us"), as far as public
 * sources say (docs/records.md), TR_DAY_NONE when unknown. */
tr_day tr_chart_start(const char *chart, const char *country);
/* Whether periods imported from `first` on begin at the chart's own first
 * period (false when that is unknown). */
bool tr_chart_from_start(const char *chart, const char *country, tr_day first);
/* Every chart with entries; *out is the caller's (free()). */
int tr_store_chart_scopes(struct tr_store *s, struct tr_chart_scope **out, size_t *n,
                          struct tr_error *err);

/* The chart milestones of entries[0..n) (tracks the catalog does not hold
 * are left out), per song (tr_chart_songs: the subject is the track naming
 * it): debuts at #1 and
 * in the top 10, reaching #1 and the top 10, N periods on the chart; each
 * with the chart as its scope.  *out is the caller's (free()). */
int tr_chart_milestones(const struct tr_catalog *c, const struct tr_chart_entry *entries, size_t n,
                        struct tr_milestone **out, size_t *n_out);

#endif
