/*
 * store/backend.h: what a storage backend provides (library-private).
 *
 * The engine and the import speak only to this table of functions: the
 * SQLite backend (store/sqlite.c, a file) and the PostgreSQL one
 * (store/postgres.c, a postgresql:// URL) implement it.  Series are stored as chunks: the
 * encoded values (series_codec.h) of one group of TR_GROUP_SLOTS
 * recordings on one day, plus one "tail" per group holding each slot's
 * latest value, so that a new day is encoded without reading history.
 *
 * All calls return 0 or an error code and fill err.  Writes happen only
 * between begin(write=true) and commit/rollback; a read transaction gives
 * a consistent snapshot.
 */
#ifndef TR_STORE_BACKEND_H
#define TR_STORE_BACKEND_H

#include "trackrecord/store.h"
#include "trackrecord/extras.h"
#include "trackrecord/chart_entry.h"
#include "trackrecord/check.h"

#define TR_GROUP_SLOTS 1024u
#define TR_PROBE_BYTES 48          /* what probe() reads: one WAL index header */

struct tr_backend;

/* A blob read as it is used (the kept forecasts: a reader of one subject
 * reads a few of its blocks).  data holds len bytes; those that load gave
 * 0 for are the blob's, checked. */
struct tr_blob_view {
    const uint8_t *data;
    size_t len;
    /* 0 once bytes [off, off + n) are read and sound; TR_ESTORE naming the
     * damage otherwise */
    int (*load)(struct tr_blob_view *v, size_t off, size_t n, struct tr_error *err);
    void (*release)(struct tr_blob_view *v);
    void *ctx;
};

/* Called for each chunk of a scan; a non-zero return stops the scan and
 * is passed back. data is valid during the call only. */
typedef int (*tr_chunk_fn)(void *ctx, tr_day day, uint32_t grp, const uint8_t *data,
                           size_t len);

struct tr_backend_ops {
    const char *name;
    void (*close)(struct tr_backend *b);
    int (*begin)(struct tr_backend *b, bool write, struct tr_error *err);
    int (*commit)(struct tr_backend *b, struct tr_error *err);
    void (*rollback)(struct tr_backend *b);
    /* Inside a read transaction: a number that differs from the one an
     * earlier transaction of this handle read when another connection
     * committed in between. */
    int (*data_version)(struct tr_backend *b, uint64_t *out, struct tr_error *err);
    /* Optional (NULL: cannot tell).  Outside a transaction, without
     * starting one: TR_PROBE_BYTES into out that are the same at two calls
     * only when no write committed in between (true), or false when it
     * cannot tell now. */
    bool (*probe)(struct tr_backend *b, uint8_t *out);

    /* Settings; *value is malloc'd, NULL when absent. */
    int (*get_meta)(struct tr_backend *b, const char *key, char **value, struct tr_error *err);
    int (*set_meta)(struct tr_backend *b, const char *key, const char *value, struct tr_error *err);

    /* The catalog, resolved; with lazy it may instead be a lazy one
     * (model/catalog_snapshot.h: not resolved, records decoded as they are
     * asked for), which a backend that maps its snapshot in place can give. */
    int (*load_catalog)(struct tr_backend *b, bool lazy, struct tr_catalog **out,
                        struct tr_error *err);
    /* Writes the entities marked dirty (and release track lists). */
    int (*save_catalog)(struct tr_backend *b, const struct tr_catalog *c, struct tr_error *err);

    /* The chunk of (day, grp) as a malloc'd copy; *data NULL when absent. */
    int (*get_chunk)(struct tr_backend *b, tr_day day, uint32_t grp, uint8_t **data,
                     size_t *len, struct tr_error *err);
    int (*put_chunk)(struct tr_backend *b, tr_day day, uint32_t grp, const uint8_t *data,
                     size_t len, struct tr_error *err);
    /* Every chunk with day >= from, ordered by day then group. */
    int (*scan_days)(struct tr_backend *b, tr_day from, tr_chunk_fn fn, void *ctx,
                     struct tr_error *err);
    /* The chunks of one group with day >= from, in day order. */
    int (*scan_group)(struct tr_backend *b, uint32_t grp, tr_day from, tr_chunk_fn fn,
                      void *ctx, struct tr_error *err);
    /* Group tail: latest value of each slot and the group's last day.
     * *values is malloc'd (n slots), NULL and last_day TR_DAY_NONE when absent. */
    int (*get_tail)(struct tr_backend *b, uint32_t grp, tr_day *last_day, uint64_t **values,
                    uint32_t *n, struct tr_error *err);
    int (*put_tail)(struct tr_backend *b, uint32_t grp, tr_day last_day, const uint64_t *values,
                    uint32_t n, struct tr_error *err);
    /* Adds delta observations to the count of day (the per-day index). */
    int (*count_day)(struct tr_backend *b, tr_day day, int64_t delta, struct tr_error *err);

    /* Stores milestone events and corrections, replacing all stored ones
     * or, when append is set, adding to them.  With chart set, the events
     * are chart milestones and replace the stored chart milestones (the
     * play-count ones stay). */
    int (*replace_events)(struct tr_backend *b, const struct tr_catalog *c, bool append, bool chart,
                          const struct tr_milestone *ev, size_t n,
                          const struct tr_correction *corr, size_t n_corr,
                          struct tr_error *err);
    /* The milestone engine's checkpoint (an opaque blob); *data malloc'd,
     * NULL when none.  put with data NULL removes it; put may go on
     * writing it while the transaction goes on, so data must stay as it is
     * until the transaction commits or rolls back (a failed write fails
     * the commit). */
    int (*get_checkpoint)(struct tr_backend *b, void **data, size_t *len, struct tr_error *err);
    int (*put_checkpoint)(struct tr_backend *b, const void *data, size_t len, struct tr_error *err);
    /* The engine's preparation (an opaque blob, engine.h) kept for the
     * catalog as it is now: *data mapped, writable, 8-byte aligned, given
     * back to *release(data, len, NULL); NULL when none was kept for this
     * catalog.  put takes data (malloc'd) over and keeps it for the
     * catalog as this transaction leaves it (call it after save_catalog). */
    int (*get_prep)(struct tr_backend *b, void **data, size_t *len,
                    void (**release)(void *, size_t, void *), struct tr_error *err);
    int (*put_prep)(struct tr_backend *b, void *data, size_t len, struct tr_error *err);
    /* The kept claims of the events dated on or after *since, for a store
     * holding n_events events (an opaque blob, *data malloc'd; NULL when
     * none are kept).  put with data NULL drops them. */
    int (*get_claims)(struct tr_backend *b, tr_day *since, uint64_t *n_events, void **data,
                      size_t *len, struct tr_error *err);
    int (*put_claims)(struct tr_backend *b, tr_day since, uint64_t n_events, const void *data,
                      size_t len, struct tr_error *err);
    /* The forecasts the last import kept (an opaque blob, forecast/keep.c);
     * *data malloc'd, NULL when none (or their file is missing);
     * TR_ESTORE when they are damaged (a reader computing them afresh
     * could print others).  put takes data (malloc'd) over and
     * may go on writing it until the commit; data NULL drops them. */
    int (*get_forecasts)(struct tr_backend *b, void **data, size_t *len, struct tr_error *err);
    /* The same as a view (*v zeroed when none), its bytes read and checked
     * as they are loaded; NULL: get_forecasts's whole blob serves. */
    int (*view_forecasts)(struct tr_backend *b, struct tr_blob_view *v, struct tr_error *err);
    int (*put_forecasts)(struct tr_backend *b, void *data, size_t len, struct tr_error *err);
    /* The stored events matching f, in no particular order. */
    int (*load_events)(struct tr_backend *b, const struct tr_catalog *c,
                       const struct tr_milestone_filter *f, struct tr_milestone **out,
                       size_t *n, struct tr_error *err);
    int (*load_corrections)(struct tr_backend *b, const struct tr_catalog *c,
                            struct tr_correction **out, size_t *n, struct tr_error *err);

    /* Appends e to the import log, timed now unless e->at is set (a copy). */
    int (*log_import)(struct tr_backend *b, const struct tr_import_entry *e, struct tr_error *err);
    int (*load_imports)(struct tr_backend *b, struct tr_import_entry **out, size_t *n,
                        struct tr_error *err);
    int (*stats)(struct tr_backend *b, struct tr_store_stats *out, struct tr_error *err);
    /* The number of stored milestone events (cheap, unlike stats). */
    int (*count_events)(struct tr_backend *b, uint64_t *n, struct tr_error *err);

    /* Extras (extras.h), written by their readers inside the import's
     * write transaction.  put_* replaces the row with the same key; load_*
     * return malloc'd arrays (free()), filtered by id when it is not NULL. */
    int (*put_sale)(struct tr_backend *b, const struct tr_sale *s, struct tr_error *err);
    int (*load_sales)(struct tr_backend *b, const char *release, struct tr_sale **out,
                      size_t *n, struct tr_error *err);
    int (*put_award)(struct tr_backend *b, const struct tr_award *a, struct tr_error *err);
    int (*load_awards)(struct tr_backend *b, int type, const char *nominee,
                       struct tr_award **out, size_t *n, struct tr_error *err);
    /* Replaces the entries of one chart period with e[0..n). */
    int (*replace_chart)(struct tr_backend *b, const char *chart, const char *country,
                         tr_day period, const struct tr_chart_entry *e, size_t n,
                         struct tr_error *err);
    /* Adds entries, each replacing the one at its chart, country, period
     * and rank (for files that hold only some entries of a period). */
    int (*put_chart_entries)(struct tr_backend *b, const struct tr_chart_entry *e, size_t n,
                             struct tr_error *err);
    /* One track's entries, ordered by chart, country, period. */
    int (*load_chart_entries)(struct tr_backend *b, const char *track,
                              struct tr_chart_entry **out, size_t *n, struct tr_error *err);

    /* A release-level total reported by a source (kworb's album totals),
     * replacing the row of (release, date, source); daily 0 is stored as
     * "not given". */
    int (*put_release_total)(struct tr_backend *b, const char *release, tr_day date,
                             const char *source, uint64_t total, uint64_t daily,
                             struct tr_error *err);
    /* One release's reported totals, ordered by date then source. */
    int (*load_release_totals)(struct tr_backend *b, const char *release,
                               struct tr_release_total **out, size_t *n, struct tr_error *err);

    /* Checks, inside a read transaction, what only the backend sees: the
     * database's own integrity, each event-log blob's seal, and each side
     * cache the store names (present, its header, its checksum); fn for
     * each damaged thing (store/check.c checks the rest).  *blobs and
     * *sides count what was read. */
    int (*verify)(struct tr_backend *b, tr_damage_fn fn, void *ctx, uint64_t *blobs,
                  uint64_t *sides, struct tr_error *err);
};

struct tr_backend {
    const struct tr_backend_ops *ops;
    /* The store's blobs are sealed (seal.h: meta.blob_format "2", which a
     * backend sets when it creates a store).  The store then seals chunks
     * and tails in front of the backend (store/sealing.c); the backend seals
     * the event log's blobs itself (event_pack.h). */
    bool sealed;
    /* What the open write transaction wrote, under the seals' table
     * (store/changes.c: tr_backend_track_changes). */
    struct tr_change_tracking *tracking;
};

int tr_backend_sqlite_open(const char *path, int flags, struct tr_backend **out,
                           struct tr_error *err);
/* A PostgreSQL database (store/postgres.c): url is a libpq connection URI. */
int tr_backend_postgres_open(const char *url, int flags, struct tr_backend **out,
                             struct tr_error *err);

#endif
