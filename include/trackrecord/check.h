/*
 * trackrecord/check.h: verifying a whole store, and rebuilding what can be
 * rebuilt from its tables (docs/reliability.md).
 *
 * A store keeps two kinds of bytes: its tables (the catalog, the play
 * counts as chunks and tails, chart entries, the import log), which
 * nothing else holds, and caches derived from them (the event log, kept
 * claims and forecasts, and the files beside the store: the catalog
 * snapshot, the engine's checkpoint and preparation).  Every blob and side
 * file carries a checksum; a check reads them all.
 */
#ifndef TRACKRECORD_CHECK_H
#define TRACKRECORD_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "trackrecord/error.h"

struct tr_store;

/* One damaged thing. */
struct tr_damage {
    bool cache;              /* derived data (a tail too, from its chunks):
                              * tr_store_repair rebuilds it */
    char what[64];           /* "play counts", "catalog snapshot", "database" */
    char where[512];         /* "2023-08-14, series 0-1023", a file, a table row */
    char why[512];           /* "fails its checksum", and for a table blob what
                              * to re-import */
};

/* Called for each damaged thing, in the order found; a non-zero return
 * stops the check and is returned. */
typedef int (*tr_damage_fn)(void *ctx, const struct tr_damage *d);

/* What a check looked at. */
struct tr_check_report {
    uint64_t chunks, tails, event_blobs, side_files, claims;
    uint64_t damaged;        /* things reported */
    uint64_t caches;         /* of them, caches (repairable) */
};

/* Verifies the store in one read transaction: the database's own
 * integrity (SQLite's integrity_check; on PostgreSQL, that its tables
 * answer), every chunk's and tail's seal and encoding, every event-log
 * blob, the kept claims, each side file the store names (present, its
 * header, its checksum).  0 whether or not anything is damaged (out
 * counts it), else an error of the store. */
int tr_store_check(struct tr_store *s, tr_damage_fn fn, void *ctx, struct tr_check_report *out,
                   struct tr_error *err);

/* Rebuilds, in one write transaction (the writer's lock held), every
 * cache from the tables: each damaged tail from its group's chunks, the
 * catalog snapshot, the milestone events and
 * the engine's checkpoint by a full scan, the chart milestones, the
 * engine's preparation and the kept forecasts; kept claims are dropped
 * (judged again when asked for).  A damaged table blob cannot be rebuilt:
 * the scan fails naming it, and the store is left as it was.  0 or an
 * error. */
int tr_store_repair(struct tr_store *s, struct tr_error *err);

#endif
