/*
 * trackrecord/store.h: the store that keeps a catalog, its play-count
 * series, the import log and the milestone events.
 *
 * The default store is one SQLite file (docs/store.md explains the layout);
 * the engine reaches it only through the backend interface of
 * src/lib/store/backend.h, so another backend can be added beside it.
 * Readers see a consistent snapshot while an import writes.  What the
 * engines derive from the stored data is declared above this header:
 * trackrecord/scan.h (coverage, events for other ladders) and
 * trackrecord/claims.h (the records claims of the stored events).
 */
#ifndef TRACKRECORD_STORE_H
#define TRACKRECORD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trackrecord/catalog.h"
#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/milestone.h"

struct tr_store;

#define TR_STORE_DEFAULT_PATH "trackrecord.db"

enum tr_store_flags {
    TR_STORE_READONLY = 1,   /* fail rather than create; never write */
};

/* The path to use when none is given: $TRACKRECORD_DB, else "trackrecord.db". */
const char *tr_store_default_path(void);

/* Whether path names a PostgreSQL database (postgresql://... or
 * postgres://..., a libpq connection URI) rather than a store file. */
bool tr_store_is_url(const char *path);

/* Opens (creating when absent, unless READONLY) the store at path: a file
 * (SQLite) or a PostgreSQL URL, whose tables go in the database's current
 * schema (docs/store.md).
 * *out is the caller's, closed by tr_store_close(). */
int tr_store_open(const char *path, int flags, struct tr_store **out, struct tr_error *err);
void tr_store_close(struct tr_store *s);

/* Holds one read snapshot until tr_store_end_read: every read through s
 * in between sees the store as one import left it, even while another
 * process imports (a long-lived reader, such as the HTTP server, calls
 * these around each request).  When the store changed since s last
 * looked, the cached catalog and ladder are dropped (loaded again on use)
 * and *changed is set.  Not nested; 0 or an error of the store. */
int tr_store_begin_read(struct tr_store *s, bool *changed, struct tr_error *err);
void tr_store_end_read(struct tr_store *s);
/* Outside a read, without starting one: true when no write can have
 * committed to the store since the last tr_store_begin_read began, so
 * that a new one would see what that one saw; false when one may have,
 * or it cannot tell (a SQLite store tells from its write-ahead log's
 * shared index, read in memory; a PostgreSQL one never can). */
bool tr_store_unchanged(struct tr_store *s);

/* The store's catalog, loaded on first use; borrowed, valid until the next
 * import through this handle or tr_store_close(). */
int tr_store_catalog(struct tr_store *s, const struct tr_catalog **out, struct tr_error *err);
/* The track, release or artist with this id (tr_subject_find) and the
 * catalog it is in, borrowed as from tr_store_catalog.  When the catalog
 * is not loaded yet it is opened for this subject: a store whose catalog
 * snapshot is mapped in place (SQLite) decodes only the records asked for
 * (the subject, and those named through tr_subject_id, tr_subject_name and
 * tr_catalog_canonical_track), and any call that reads more of the
 * catalog (every other call of this API that takes the store) decodes the
 * rest first, where it lies, so *cat stays valid.  A caller that reads
 * the catalog's arrays itself asks tr_store_catalog first.
 * TR_ENOTFOUND for an unknown id, or an error of the store. */
int tr_store_subject(struct tr_store *s, const char *id, const struct tr_catalog **cat,
                     enum tr_subject_type *type, uint32_t *index, struct tr_error *err);

/* The ladders milestone events are kept for, one per kind of total
 * (TR_LADDERS_DEFAULT unless an import set others; milestone.h); borrowed. */
int tr_store_ladders(struct tr_store *s, const struct tr_ladders **out, struct tr_error *err);

struct tr_point {
    tr_day day;
    uint64_t value;
};

/* Every stored observation of a track's recording, in day order.
 * *out is the caller's (free()). */
int tr_store_history(struct tr_store *s, uint32_t track, struct tr_point **out, size_t *n,
                     struct tr_error *err);

/* Every recording's history, for work over the whole store (the static
 * site), a series at a time:
 *
 *     struct tr_history_cursor *cur;
 *     int rc = tr_store_histories_begin(s, &cur, err);
 *     while (!rc && !(rc = tr_store_histories_next(cur, &series, &p, &n, err)) && n)
 *         ...p[0..n) of series...
 *     rc = tr_store_histories_end(cur, rc, err);
 *
 * begin opens one read transaction (or joins tr_store_begin_read's) that
 * lasts until end, so that every series comes from the same import; each
 * stored chunk is read once.  next gives the next series with data, in
 * series order (tr_catalog.series_track names its canonical track), p
 * valid until the following call; *n is 0 after the last.  begin and next
 * return 0 or an error of the store; end frees the cursor (NULL: nothing)
 * and returns rc, or the error of ending the read. */
struct tr_history_cursor;
int tr_store_histories_begin(struct tr_store *s, struct tr_history_cursor **out,
                             struct tr_error *err);
int tr_store_histories_next(struct tr_history_cursor *cur, uint32_t *series,
                            const struct tr_point **p, size_t *n, struct tr_error *err);
int tr_store_histories_end(struct tr_history_cursor *cur, int rc, struct tr_error *err);
/* Before the first next: the series s with whole[s] 0 (one byte per
 * series, kept by the caller until end) are given only from day `from`
 * on, with their last two points before it (so at least their last two
 * points); each chunk is still read once.  skipped tells, of the series
 * next gave last, how many of its earlier points were left out before
 * p[0] (0 for a whole one) and the day of its first point. */
void tr_store_histories_recent(struct tr_history_cursor *cur, tr_day from, const uint8_t *whole);
void tr_store_histories_skipped(const struct tr_history_cursor *cur, size_t *skipped, tr_day *first);

struct tr_milestone_filter {
    int subject_type;        /* enum tr_subject_type, or -1 for any */
    uint32_t subject;        /* index, or TR_NONE for any */
    int kind;                /* enum tr_milestone_kind, or -1 for any */
    tr_day since;            /* date >= since; TR_DAY_NONE for any */
};
#define TR_MILESTONE_FILTER_ALL {-1, TR_NONE, -1, TR_DAY_NONE}

/* Stored milestone events matching f, ordered by date, then kind, subject
 * type, subject (catalog order), threshold, scope.  *out is the caller's
 * (free()). */
int tr_store_milestones(struct tr_store *s, const struct tr_milestone_filter *f,
                        struct tr_milestone **out, size_t *n, struct tr_error *err);

/* A day on which a recording's count went down. */
struct tr_correction {
    uint32_t track;          /* canonical track of the recording */
    tr_day date;
    tr_day previous_date;    /* the last earlier observation */
    uint64_t previous;
    uint64_t value;
};
int tr_store_corrections(struct tr_store *s, struct tr_correction **out, size_t *n,
                         struct tr_error *err);

/* One entry of the import log. */
struct tr_import_entry {
    int64_t id;
    char at[32];             /* UTC time of the import, ISO 8601 */
    char file[512];
    char format[32];
    char checksum[17];       /* XXH64 of the file's bytes, hex */
    uint64_t rows, taken, refused, added, changed;
};
int tr_store_imports(struct tr_store *s, struct tr_import_entry **out, size_t *n,
                     struct tr_error *err);

/* What the writes since an earlier state of the store changed, for work
 * kept from that state (the static site's pages).  Each write that changes
 * the play counts or the catalog (an import; a repair) makes a new state,
 * a 64-bit id no other store or copy shares, and the store keeps the last
 * TR_STORE_CHANGES_KEPT of them with the earliest day each wrote and
 * whether it changed the catalog (docs/store.md, meta.changes). */
#define TR_STORE_CHANGES_KEPT 64
struct tr_store_changes {
    uint64_t state;          /* the store's state now; 0: none recorded */
    bool known;              /* since is a kept state: the fields below hold */
    bool catalog;            /* a write since changed the catalog */
    tr_day first_day;        /* the earliest day a write since wrote, TR_DAY_NONE: none */
};
/* *out for since (a state an earlier call gave; 0: none): known false when
 * since is not one of the kept states (another store, an older state, a
 * store of an earlier build), so that nothing can be carried.  0 or an
 * error of the store. */
int tr_store_changes_since(struct tr_store *s, uint64_t since, struct tr_store_changes *out,
                           struct tr_error *err);

/* Observation counts: stored days, stored observations, and the bytes the
 * series take on disk. */
struct tr_store_stats {
    uint64_t days, observations, series_bytes, tracks, releases, artists, milestones;
};
int tr_store_stats(struct tr_store *s, struct tr_store_stats *out, struct tr_error *err);

/* Copies everything src holds into dst, which holds nothing (a new file,
 * an empty database: else TR_EUSAGE), of either backend, in one write
 * transaction of dst; then reads both back and compares them (TR_ESTORE
 * naming what differs).  The engine's preparation is made again by dst's
 * next import. */
struct tr_copy_report {
    uint64_t tracks, chunks, events, corrections, imports;
};
int tr_store_copy(struct tr_store *src, struct tr_store *dst, struct tr_copy_report *out,
                  struct tr_error *err);

#endif
