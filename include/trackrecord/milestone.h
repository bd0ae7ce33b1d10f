/*
 * trackrecord/milestone.h: ladders and milestone events.
 *
 * A ladder is the ordered set of thresholds that count as milestones.  It is
 * written as a comma-separated list of items, each a threshold ("80M",
 * "1.6B", "250000") or a run "START..END/STEP" ("10M..100M/10M"); END may
 * be left out for a run without end ("1.1B../100M").  Suffixes K, M, B
 * (and T) multiply by 10^3, 10^6, 10^9, 10^12.
 *
 * A milestone event is the first data day on which a subject stood at or
 * above a threshold.  Later decreases never un-cross it (see docs/milestones.md).
 */
#ifndef TRACKRECORD_MILESTONE_H
#define TRACKRECORD_MILESTONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trackrecord/catalog.h"
#include "trackrecord/date.h"
#include "trackrecord/error.h"

#define TR_LADDER_DEFAULT "1M,5M,10M..100M/10M,150M..1B/50M,1.1B../100M"

struct tr_ladder;   /* opaque */

/* Parses a ladder; *out is the caller's, freed by tr_ladder_free(). */
int tr_ladder_parse(const char *text, struct tr_ladder **out, struct tr_error *err);
void tr_ladder_free(struct tr_ladder *l);
/* Smallest threshold strictly greater than v, or 0 when the ladder has none. */
uint64_t tr_ladder_next(const struct tr_ladder *l, uint64_t v);
/* The ladder's canonical text (owned by the ladder). */
const char *tr_ladder_text(const struct tr_ladder *l);
/* Parses one count with an optional K/M/B/T suffix ("1.6B"); 0 or -1. */
int tr_count_parse(const char *s, size_t len, uint64_t *out);
/* Formats a count the way posts do: "80M", "1.6B", "260M", "1234". */
char *tr_count_format(uint64_t v, char *buf, size_t size);

enum tr_subject_type { TR_SUBJECT_TRACK = 0, TR_SUBJECT_RELEASE, TR_SUBJECT_ARTIST };

enum tr_milestone_kind {
    TR_MS_TRACK_TOTAL = 0,  /* a track (its recording) passed N */
    TR_MS_EVERY_TRACK,      /* every track of a release passed N */
    TR_MS_RELEASE_TOTAL,    /* the sum of a release's tracks passed N */
    TR_MS_ARTIST_TOTAL,     /* the sum of the tracks crediting an artist passed N */
    TR_MS_CHART_DEBUT,      /* a track entered a chart at #N or higher */
    TR_MS_CHART_PEAK,       /* a track reached #N or higher on a chart */
    TR_MS_CHART_PERIODS,    /* a track spent N periods (days, weeks) on a chart */
    TR_MS_KIND_COUNT
};

/* True for the chart kinds, whose events carry a scope. */
#define TR_MS_IS_CHART(k) ((k) >= TR_MS_CHART_DEBUT && (k) <= TR_MS_CHART_PERIODS)

const char *tr_subject_type_name(enum tr_subject_type t);      /* "track" */
const char *tr_milestone_kind_name(enum tr_milestone_kind k);  /* "track_total" */
int tr_milestone_kind_parse(const char *s, enum tr_milestone_kind *out);

#define TR_DAYN_NONE INT32_MIN

struct tr_milestone {
    enum tr_subject_type subject_type;
    uint32_t subject;        /* index into the catalog array of subject_type */
    enum tr_milestone_kind kind;
    tr_day date;             /* first data day at or above threshold */
    uint64_t threshold;
    uint64_t value;          /* the subject's value on date */
    int32_t day;             /* date minus the subject's day 0; TR_DAYN_NONE */
    tr_day after;            /* crossing bounded: last day known below, when
                              * it is not date-1; TR_DAY_NONE when exact */
    uint32_t slowest;        /* every_track: track index of the last to cross */
    bool open_start;         /* crossed on or before date, no earlier bound */
    uint16_t scope;          /* chart kinds: the chart, tr_scope_name(); else 0 */
};

/* A chart milestone's chart ("weekly:us", "daily:global": at most
 * TR_SCOPE_LEN bytes) is an id interned for the whole process; 0 is none
 * and names "".  tr_scope_intern gives the id of name[0..len) (cut at
 * TR_SCOPE_LEN bytes or a NUL): 0, or TR_ENOMEM once 65535 charts are
 * named.  Both may be called from any thread. */
#define TR_SCOPE_LEN 23
int tr_scope_intern(const char *name, size_t len, uint16_t *id);
const char *tr_scope_name(uint16_t id);

/* Two events are the same milestone (for records) when kind, threshold
 * and scope agree. */
bool tr_milestone_same(const struct tr_milestone *a, const struct tr_milestone *b);

#endif
