/*
 * trackrecord/extras.h: facts about releases and tracks beside their play
 * counts: first-week sales, award nominations and release totals reported
 * by a source (docs/formats.md, the sales, awards and kworb-albums formats).
 *
 * They are imported like any other file of a bundle and kept by key, so a
 * re-import replaces a row rather than adding a second one: a sale by
 * (release, source, period_start), a nomination by (ceremony, year,
 * category, nominee).  Results are plain structs owned by the caller
 * (free() the array).
 */
#ifndef TRACKRECORD_EXTRAS_H
#define TRACKRECORD_EXTRAS_H

#include <stddef.h>
#include <stdint.h>

#include "trackrecord/catalog.h"
#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/milestone.h"
#include "trackrecord/store.h"

/* Copies sold of a release over a counting period (inclusive days, read
 * in the source's own time zone, e.g. Hanteo counts in Asia/Seoul). */
struct tr_sale {
    char release[128];       /* release id */
    char source[32];         /* hanteo, circle, ... */
    tr_day period_start, period_end;
    char timezone[64];       /* IANA name of the counting time zone */
    uint64_t copies;
    char note[256];
};

/* One award nomination (or win). */
struct tr_award {
    char ceremony[128];
    int year;
    char category[128];
    enum tr_subject_type nominee_type;   /* track, release or artist */
    char nominee[128];                   /* the nominee's id */
    char result[32];                     /* nominated, won, ... */
};

/* The sales of release (an index of the store's catalog), or of every
 * release with release == TR_NONE, ordered by release, period, source. */
int tr_store_sales(struct tr_store *s, uint32_t release, struct tr_sale **out, size_t *n,
                   struct tr_error *err);
/* The nominations of one subject (type and index), or of all with
 * type == -1, ordered by year, ceremony, category. */
int tr_store_awards(struct tr_store *s, int type, uint32_t index, struct tr_award **out,
                    size_t *n, struct tr_error *err);

/* A release-level total as a source reports it (kworb's album pages): the
 * source's own figure for the release on that day, not a sum of its
 * tracks.  Kept by (release, date, source). */
struct tr_release_total {
    tr_day date;
    char source[16];         /* kworb, ... */
    uint64_t total;          /* cumulative streams on date */
    uint64_t daily;          /* the day's streams; 0 when the source gave none */
};

/* The reported totals of release (an index of the store's catalog),
 * ordered by date then source; TR_ENOTFOUND for an index out of range. */
int tr_store_release_totals(struct tr_store *s, uint32_t release, struct tr_release_total **out,
                            size_t *n, struct tr_error *err);

#endif
