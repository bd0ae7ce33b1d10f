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

struct tr_ladder;   /* opaque */

/* Parses a ladder; *out is the caller's, freed by tr_ladder_free(). */
int tr_ladder_parse(const char *text, struct tr_ladder **out, struct tr_error *err);
void tr_ladder_free(struct tr_ladder *l);
/* Smallest threshold strictly greater than v, or 0 when the ladder has none. */
uint64_t tr_ladder_next(const struct tr_ladder *l, uint64_t v);
/* True when t is one of the ladder's thresholds. */
bool tr_ladder_has(const struct tr_ladder *l, uint64_t t);
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

/* The default ladders, one per kind of total (docs/milestones.md): steps
 * grow with the total, so that a subject passes a milestone rarely
 * however large it is (an artist with 100B every 1B, not every 100M). */
#define TR_LADDER_TRACK_DEFAULT "1M,5M,10M..100M/10M,150M..1B/50M,1.1B..10B/100M,11B../1B"
#define TR_LADDER_EVERY_TRACK_DEFAULT TR_LADDER_TRACK_DEFAULT
#define TR_LADDER_RELEASE_DEFAULT "10M,50M,100M..1B/100M,1.5B..10B/500M,11B../1B"
#define TR_LADDER_ARTIST_DEFAULT "100M,500M,1B..10B/500M,11B../1B"

/* A ladder per kind of total: track_total, every_track, release_total and
 * artist_total each have their own.  Its text is a ladder's, with
 * sections named "KIND=": "artist=10B../1B" (KIND is track, every_track,
 * release or artist, or the kind's full name); the items before the first
 * name are for every kind not named ("10M../10M" alone: every kind), and
 * a kind given neither way keeps its default.  *out is the caller's
 * (tr_ladders_free). */
struct tr_ladders;  /* opaque */
int tr_ladders_parse(const char *text, struct tr_ladders **out, struct tr_error *err);
void tr_ladders_free(struct tr_ladders *ls);
/* The next threshold above v for a milestone of this kind (a subject of
 * its type: a track, a release's every track or its total, an artist):
 * the smallest strictly greater than v, or 0 when none is (and always 0
 * for the chart kinds, which have no ladder). */
uint64_t tr_ladders_next(const struct tr_ladders *ls, enum tr_milestone_kind kind, uint64_t v);
/* The ladder of a kind of total; NULL for the chart kinds. */
const struct tr_ladder *tr_ladders_of(const struct tr_ladders *ls, enum tr_milestone_kind kind);
/* The thresholds a recording's count is followed at: the track and the
 * every-track ladders together (what every-track milestones are made of). */
const struct tr_ladder *tr_ladders_series(const struct tr_ladders *ls);
/* The canonical text, every kind named: "track=...,every_track=...,
 * release=...,artist=..." (owned by the set). */
const char *tr_ladders_text(const struct tr_ladders *ls);
#define TR_LADDERS_DEFAULT                                                              \
    "track=" TR_LADDER_TRACK_DEFAULT ",every_track=" TR_LADDER_EVERY_TRACK_DEFAULT      \
    ",release=" TR_LADDER_RELEASE_DEFAULT ",artist=" TR_LADDER_ARTIST_DEFAULT
const char *tr_subject_type_name(enum tr_subject_type t);      /* "track" */
/* A subject's id (NULL when t or i is not one of c's), and its name (title
 * or name; the id when it has none). */
const char *tr_subject_id(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i);
const char *tr_subject_name(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i);
/* The track, release or artist with this id: 0, or TR_ENOTFOUND (err set). */
int tr_subject_find(const struct tr_catalog *c, const char *id, enum tr_subject_type *type,
                    uint32_t *index, struct tr_error *err);
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
    bool baseline;           /* the subject's first observation was already at
                              * or above threshold (and came after its start
                              * day): where it stood when the data began, not a
                              * crossing seen.  Kept, and it counts (every
                              * track, competitors, forecasts), but not listed
                              * as a milestone unless asked (--baseline) */
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
