/*
 * store/sqlite.c: the embedded backend, one SQLite file in WAL mode.
 *
 * Tables (days are integer day numbers since 1970-01-01, see date.h):
 *   meta(key, value)                       schema version, ladder
 *   artists / releases / tracks / tracklist the catalog; references are
 *                                          ';'-joined ids, as in the CSVs
 *   chunks(key = day<<20 | group, data)    encoded series, one row per
 *                                          day and group of 1024 recordings
 *   tails(grp, last_day, data)             each slot's latest value (u64 LE)
 *   days(day, observations)                which days hold data
 *   milestones, corrections                derived, replaced after imports
 *   imports                                the import log
 *   sales, awards                          extras (extras.h), keyed so that
 *                                          a re-import replaces a row
 *   chart_entries                          chart positions (charts.h); an
 *                                          import replaces a whole period
 *   release_totals                         release totals a source reports
 *                                          (extras.h), by release, date, source
 * WAL lets readers keep a consistent snapshot while an import writes, and
 * one transaction makes an import all or nothing.
 */
#include "store/backend.h"
#include "model/catalog_edit.h"
#include "model/catalog_snapshot.h"
#include "store/event_pack.h"
#include "store/side_file.h"
#include "base/crash_point.h"
#include "store/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define SCHEMA_VERSION "2"

/* The milestones' secondary indexes: built anew after a write that fills
 * an empty table (sq_replace_events), which is quicker than keeping them
 * row by row. */
#define MILESTONE_INDEXES \
    "CREATE INDEX IF NOT EXISTS milestones_date ON milestones(date);" \
    "CREATE INDEX IF NOT EXISTS milestones_subject ON milestones(subject);"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS artists(id TEXT PRIMARY KEY, name TEXT, country TEXT,"
    " kind TEXT, gender TEXT, genres TEXT, member_of TEXT);"
    "CREATE TABLE IF NOT EXISTS releases(id TEXT PRIMARY KEY, title TEXT, artists TEXT,"
    " type TEXT, date INTEGER);"
    "CREATE TABLE IF NOT EXISTS tracks(id TEXT PRIMARY KEY, title TEXT, artists TEXT,"
    " released INTEGER, same_as TEXT, version_of TEXT, series INTEGER NOT NULL UNIQUE,"
    " isrc TEXT);"
    "CREATE TABLE IF NOT EXISTS tracklist(release TEXT NOT NULL, position INTEGER NOT NULL,"
    " track TEXT NOT NULL, PRIMARY KEY(release, position));"
    "CREATE TABLE IF NOT EXISTS chunks(key INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tails(grp INTEGER PRIMARY KEY, last_day INTEGER NOT NULL,"
    " data BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS days(day INTEGER PRIMARY KEY, observations INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS milestones(subject_type TEXT NOT NULL, subject TEXT NOT NULL,"
    " kind TEXT NOT NULL, threshold INTEGER NOT NULL, value INTEGER, date INTEGER NOT NULL,"
    " day INTEGER, after INTEGER, open_start INTEGER NOT NULL, slowest TEXT,"
    " scope TEXT NOT NULL DEFAULT '', PRIMARY KEY(kind, subject, threshold, scope));"
    MILESTONE_INDEXES
    /* the same events packed by catalog index, a blob per write (see
     * event_log_append): reading every event costs no SQL row each */
    "CREATE TABLE IF NOT EXISTS event_log(seq INTEGER PRIMARY KEY, chart INTEGER NOT NULL,"
    " data BLOB NOT NULL);"
    /* the claims an import judged for its new days (src/lib/app/claims.c) */
    "CREATE TABLE IF NOT EXISTS claims_kept(id INTEGER PRIMARY KEY CHECK(id = 1),"
    " since INTEGER NOT NULL, events INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS corrections(track TEXT NOT NULL, date INTEGER NOT NULL,"
    " previous_date INTEGER NOT NULL, previous INTEGER NOT NULL, value INTEGER NOT NULL,"
    " PRIMARY KEY(track, date));"
    "CREATE TABLE IF NOT EXISTS catalog_snapshot(id INTEGER PRIMARY KEY CHECK(id = 1),"
    " data BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS checkpoint(id INTEGER PRIMARY KEY CHECK(id = 1), data BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS imports(id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
    " file TEXT NOT NULL, format TEXT NOT NULL, checksum TEXT NOT NULL, rows INTEGER,"
    " taken INTEGER, refused INTEGER, added INTEGER, changed INTEGER);"
    "CREATE TABLE IF NOT EXISTS sales(release TEXT NOT NULL, source TEXT NOT NULL,"
    " period_start INTEGER NOT NULL, period_end INTEGER, timezone TEXT, copies INTEGER NOT NULL,"
    " note TEXT, PRIMARY KEY(release, source, period_start));"
    "CREATE TABLE IF NOT EXISTS awards(ceremony TEXT NOT NULL, year INTEGER NOT NULL,"
    " category TEXT NOT NULL, nominee_type INTEGER NOT NULL, nominee TEXT NOT NULL,"
    " result TEXT, PRIMARY KEY(ceremony, year, category, nominee_type, nominee));"
    "CREATE TABLE IF NOT EXISTS chart_entries(chart TEXT NOT NULL, country TEXT NOT NULL,"
    " period INTEGER NOT NULL, rank INTEGER NOT NULL, track TEXT NOT NULL, streams INTEGER,"
    " PRIMARY KEY(chart, country, period, rank));"
    "CREATE INDEX IF NOT EXISTS chart_entries_track ON chart_entries(track);"
    "CREATE TABLE IF NOT EXISTS release_totals(release TEXT NOT NULL, date INTEGER NOT NULL,"
    " source TEXT NOT NULL, total INTEGER NOT NULL, daily INTEGER,"
    " PRIMARY KEY(release, date, source));";

#define STMT_CACHE 16

/* The caches kept as files beside the store (side_file.h), each named by
 * its generation in meta under the same key. */
enum { SIDE_CHECKPOINT, SIDE_CATALOG, SIDE_PREP, SIDE_FORECASTS, N_SIDES };
static const struct { const char *name; uint32_t magic; bool recycle; } side_kinds[N_SIDES] = {
    {"checkpoint", 0x4b435254u, true},  /* "TRCK": read whole, checked */
    {"catalog", 0x54414354u, false},    /* "TCAT": mapped by readers, or read by blocks (one subject) */
    {"prep", 0x50455254u, false},       /* "TREP": mapped; for meta.prep_catalog */
    {"forecasts", 0x43465254u, true},   /* "TRFC": read by blocks, each checked */
};
/* The blocks the kept forecasts and the catalog are checked by: a reader
 * of one subject loads and checks a few. */
#define SIDE_BLOCK_SHIFT 16

struct sqlite_backend {
    struct tr_backend base;
    sqlite3 *db;
    char *path;
    bool in_txn;
    bool writing;        /* the open transaction is a write transaction */
    bool bulk;           /* this write transaction uses a rollback journal (enter_bulk) */
    bool has_isrc;       /* tracks has its isrc column (a store of an earlier build may not) */
    struct tr_side side[N_SIDES];
    const uint8_t *wal_index;    /* the log index's header, mapped (sq_probe), or NULL */
    /* statements run once per chunk, tail or day, prepared once (cached) */
    struct { const char *sql; sqlite3_stmt *st; } cache[STMT_CACHE];
};

/* Waits for every side file being written: 0, or the first error. */
static int sides_wait(struct sqlite_backend *b, struct tr_error *err)
{
    int rc = 0;
    for (int k = 0; k < N_SIDES; k++) {
        int r = tr_side_wait(&b->side[k], rc ? NULL : err);
        rc = rc ? rc : r;
    }
    return rc;
}

static void sides_end(struct sqlite_backend *b, bool committed)
{
    for (int k = 0; k < N_SIDES; k++)
        tr_side_end(&b->side[k], committed);
}

static int side_generation(struct sqlite_backend *b, int k, uint64_t *gen, struct tr_error *err);
static int side_put(struct sqlite_backend *b, int k, void *data, size_t len, bool owned,
                    struct tr_error *err);
static void leave_bulk(struct sqlite_backend *b);

static int db_error(struct sqlite_backend *b, struct tr_error *err, const char *what)
{
    int code = sqlite3_errcode(b->db) == SQLITE_BUSY ? TR_EBUSY : TR_ESTORE;
    return tr_error_set(err, code, "%s: %s: %s", b->path, what, sqlite3_errmsg(b->db));
}

/* SQLite ends a transaction by itself after some errors (out of memory, a
 * failed write); every statement after would run in a transaction of its
 * own and commit alone, half an import.  So once SQLite has ended the open
 * transaction, each statement fails until the rollback. */
static int txn_lost(struct sqlite_backend *b, struct tr_error *err)
{
    if (!b->in_txn || !sqlite3_get_autocommit(b->db))
        return 0;
    return tr_error_set(err, TR_ESTORE, "%s: SQLite rolled the transaction back after an"
                        " earlier error (out of memory, or a failed write)", b->path);
}

static int prepare(struct sqlite_backend *b, const char *sql, sqlite3_stmt **st,
                   struct tr_error *err)
{
    if (txn_lost(b, err))
        return TR_ESTORE;
    if (sqlite3_prepare_v2(b->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_error(b, err, "prepare");
    return 0;
}

/* A statement for sql (a string constant: the cache is keyed by its
 * address), prepared on first use and kept until the store closes.  The
 * caller leaves it reset (step_done, or scan, does) and never finalizes it.
 * A statement per chunk written costs as much as the write itself. */
static int prepare_cached(struct sqlite_backend *b, const char *sql, sqlite3_stmt **st,
                          struct tr_error *err)
{
    int i = 0;
    if (txn_lost(b, err))
        return TR_ESTORE;
    for (; i < STMT_CACHE && b->cache[i].sql; i++)
        if (b->cache[i].sql == sql) {
            *st = b->cache[i].st;
            return 0;
        }
    if (i == STMT_CACHE)    /* full: a plain statement (callers reset, never finalize) */
        return tr_error_set(err, TR_ESTORE, "statement cache full");
    int rc = prepare(b, sql, st, err);
    if (!rc)
        b->cache[i].sql = sql, b->cache[i].st = *st;
    return rc;
}

static int exec(struct sqlite_backend *b, const char *sql, struct tr_error *err)
{
    char *msg = NULL;
    if (txn_lost(b, err))
        return TR_ESTORE;
    if (sqlite3_exec(b->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = tr_error_set(err, sqlite3_errcode(b->db) == SQLITE_BUSY ? TR_EBUSY : TR_ESTORE,
                              "%s: %s", b->path, msg ? msg : "error");
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

static struct sqlite_backend *B(struct tr_backend *b) { return (struct sqlite_backend *)b; }

/* Doubles the room of a result array (*cap elements of size sz) that is
 * full.  0, or TR_ENOMEM with *v left as it was. */
static int grow(void **v, size_t *cap, size_t sz, struct tr_error *err)
{
    size_t n = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, n * sz);
    if (!p)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *v = p;
    *cap = n;
    return 0;
}

/* Fills one element (zeroed) from the current row; returns 1 to keep it,
 * 0 to leave the row out. */
typedef int (*row_fn)(sqlite3_stmt *st, void *elem, const void *ctx);

/* Steps st (prepared and bound; finalized here) and gathers an element of
 * size sz per row kept.  *out (malloc'd, NULL when no row) and *n are the
 * caller's; `what` names the read in an error. */
static int collect(struct sqlite_backend *b, sqlite3_stmt *st, size_t sz, row_fn fill,
                   const void *ctx, void **out, size_t *n, const char *what, struct tr_error *err)
{
    void *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap && (rc = grow(&v, &cap, sz, err)))
            break;
        char *e = (char *)v + cnt * sz;
        memset(e, 0, sz);
        cnt += fill(st, e, ctx) != 0;
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(b, err, what);
    sqlite3_finalize(st);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = cnt;
    return 0;
}

/* Prepares a read of a table later builds added: a store written before
 * it existed, opened read-only, lacks it, which reads as no rows (*absent)
 * rather than an error. */
static int prepare_extra(struct sqlite_backend *b, const char *sql, sqlite3_stmt **st,
                         bool *absent, struct tr_error *err)
{
    *absent = false;
    if (sqlite3_prepare_v2(b->db, sql, -1, st, NULL) == SQLITE_OK)
        return 0;
    if (strstr(sqlite3_errmsg(b->db), "no such table")) {
        *absent = true;
        *st = NULL;
        return 0;
    }
    return db_error(b, err, "prepare");
}

static void sq_close(struct tr_backend *base)
{
    struct sqlite_backend *b = B(base);
    if (!b)
        return;
    if (b->in_txn)
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    sides_end(b, false);
    leave_bulk(b);
    for (int i = 0; i < STMT_CACHE && b->cache[i].sql; i++)
        sqlite3_finalize(b->cache[i].st);
    if (b->wal_index)
        munmap((void *)b->wal_index, 2 * TR_PROBE_BYTES);
    sqlite3_close(b->db);
    free(b->path);
    free(b);
}

/*
 * A write to a store that holds no series yet (a new store's backfill)
 * writes far more pages than the store has.  A rollback journal records
 * only the pages that existed, so the new ones are written once; the
 * write-ahead log would hold every page and copy it into the file again at
 * its next checkpoint (0.3-0.6 s of a 100k x 100 backfill).  So such a
 * transaction runs with a rollback journal and the store returns to WAL
 * when it ends.  Best effort: with another connection open the switch is
 * refused and the log is used as always.
 */
static void enter_bulk(struct sqlite_backend *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, "SELECT 1 FROM chunks LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return;
    bool empty = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!empty || sqlite3_prepare_v2(b->db, "PRAGMA journal_mode=DELETE", -1, &st, NULL) != SQLITE_OK)
        return;
    b->bulk = sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "delete") == 0;
    sqlite3_finalize(st);
}

static void leave_bulk(struct sqlite_backend *b)
{
    if (b->bulk)
        sqlite3_exec(b->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    b->bulk = false;
}

static int sq_begin(struct tr_backend *base, bool write, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    if (write)
        enter_bulk(b);
    int rc = exec(b, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
    if (rc)
        leave_bulk(b);
    if (rc == 0) {
        b->in_txn = true;
        b->writing = write;
    }
    return rc;
}

static int sq_commit(struct tr_backend *base, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    tr_crash_point("commit.begin");
    int rc = sides_wait(b, err);     /* a committed generation has its file */
    tr_crash_point("commit.sides");
    if (!rc)
        rc = exec(b, "COMMIT", err);
    tr_crash_point("commit.done");
    if (rc == 0) {
        b->in_txn = false;
        sides_end(b, true);
        leave_bulk(b);
    }
    return rc;
}

static void sq_rollback(struct tr_backend *base)
{
    struct sqlite_backend *b = B(base);
    if (b->in_txn)
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    b->in_txn = false;
    sides_end(b, false);
    leave_bulk(b);
}

static int sq_data_version(struct tr_backend *base, uint64_t *out, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
        return tr_error_set(err, TR_ESTORE, "%s: %s", b->path, sqlite3_errmsg(b->db));
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return tr_error_set(err, TR_ESTORE, "%s: %s", b->path, sqlite3_errmsg(b->db));
    return 0;
}

/*
 * The probe: the header of the write-ahead log's index, which every
 * commit rewrites (its change counter, the log's last frame, its salts),
 * as SQLite keeps it at the start of the "-shm" file each connection maps
 * (https://www.sqlite.org/walformat.html: two copies of the 48-byte
 * header, the second written first; a reader that finds them unequal met
 * a write under way).  Mapped for a store in WAL mode only, after this
 * connection's first read: while it is open no writer can take the store
 * out of WAL mode, nor empty or remove the index file.
 */
static void map_wal_index(struct sqlite_backend *b)
{
    sqlite3_stmt *st;
    bool wal = false;
    if (sqlite3_prepare_v2(b->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK) {
        wal = sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
        sqlite3_finalize(st);
    }
    char shm[PATH_MAX];
    if (!wal || snprintf(shm, sizeof shm, "%s-shm", b->path) >= (int)sizeof shm)
        return;
    int fd = open(shm, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0)
        return;
    if (fstat(fd, &sb) == 0 && sb.st_size >= 2 * TR_PROBE_BYTES) {
        void *m = mmap(NULL, 2 * TR_PROBE_BYTES, PROT_READ, MAP_SHARED, fd, 0);
        if (m != MAP_FAILED)
            b->wal_index = m;
    }
    close(fd);
}

static bool sq_probe(struct tr_backend *base, uint8_t *out)
{
    const struct sqlite_backend *b = B(base);
    uint8_t second[TR_PROBE_BYTES];
    if (!b->wal_index)
        return false;
    /* word by word, each an acquire load: the first copy is read before
     * the second, as a fence would order them (ThreadSanitizer, which the
     * CI build runs, does not take fences) */
    for (size_t i = 0; i < 2 * TR_PROBE_BYTES / 4; i++) {
        uint32_t w = __atomic_load_n((const uint32_t *)(const void *)b->wal_index + i, __ATOMIC_ACQUIRE);
        memcpy(i < TR_PROBE_BYTES / 4 ? out + 4 * i : second + 4 * i - TR_PROBE_BYTES, &w, 4);
    }
    return memcmp(out, second, TR_PROBE_BYTES) == 0 && out[12] /* isInit */;
}

static int sq_get_meta(struct tr_backend *base, const char *key, char **value,
                       struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare(b, "SELECT value FROM meta WHERE key = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    *value = NULL;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        if (!(*value = strdup((const char *)sqlite3_column_text(st, 0))))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    } else if (s != SQLITE_DONE) {
        rc = db_error(b, err, "read setting");
    }
    sqlite3_finalize(st);
    return rc;
}

static int sq_set_meta(struct tr_backend *base, const char *key, const char *value,
                       struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare(b, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(b, err, "write setting");
    sqlite3_finalize(st);
    return rc;
}

/* ---- catalog ------------------------------------------------------- */

static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static tr_day col_day(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? TR_DAY_NONE
                                                     : (tr_day)sqlite3_column_int64(st, i);
}

static void bind_day(sqlite3_stmt *st, int i, tr_day d)
{
    if (d == TR_DAY_NONE)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, d);
}

/* Resolves a ';'-joined id list against a catalog map into *out. */
static int resolve_list(struct tr_catalog *c, enum tr_subject_type t, const char *text,
                        uint32_t **out, uint32_t *n)
{
    uint32_t buf[256], k = 0;
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return TR_ENOMEM;
    for (char *tok = strtok_r(copy, ";", &save); tok && k < 256; tok = strtok_r(NULL, ";", &save)) {
        uint32_t i = t == TR_SUBJECT_ARTIST ? tr_catalog_artist(c, tok) : tr_catalog_track(c, tok);
        if (i != TR_NONE)
            buf[k++] = i;
    }
    free(copy);
    return tr_catalog_set_list(c, out, n, buf, k);
}

static int split_strings(struct tr_catalog *c, const char *text, char ***out, uint32_t *n)
{
    char *items[64];
    uint32_t k = 0;
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return TR_ENOMEM;
    for (char *tok = strtok_r(copy, ";", &save); tok && k < 64; tok = strtok_r(NULL, ";", &save))
        items[k++] = tok;
    int rc = tr_catalog_set_strings(c, out, n, items, k);
    free(copy);
    return rc;
}

static int load_artists(struct sqlite_backend *b, struct tr_catalog *c, struct tr_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(b, "SELECT id, name, country, kind, gender, genres, member_of FROM artists"
                        " ORDER BY rowid", &st, err);
    if (rc)
        return rc;
    /* two passes: member_of may name an artist stored later */
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        uint32_t i;
        rc = tr_catalog_add_artist(c, col_text(st, 0), &i, NULL);
        if (rc)
            break;
        struct tr_artist *a = &c->artists[i];
        rc = tr_catalog_set_str(c, &a->name, col_text(st, 1));
        snprintf(a->country, sizeof a->country, "%s", col_text(st, 2));
        tr_artist_kind_parse(col_text(st, 3), &a->kind);
        tr_gender_parse(col_text(st, 4), &a->gender);
        if (!rc)
            rc = split_strings(c, col_text(st, 5), &a->genres, &a->n_genres);
    }
    sqlite3_reset(st);
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        struct tr_artist *a = &c->artists[tr_catalog_artist(c, col_text(st, 0))];
        rc = resolve_list(c, TR_SUBJECT_ARTIST, col_text(st, 6), &a->member_of, &a->n_member_of);
    }
    sqlite3_finalize(st);
    return rc ? tr_error_set(err, rc, "loading artists: %s", tr_strerror(rc)) : 0;
}

/* Whether the tracks table has its isrc column. */
static bool tracks_have_isrc(struct sqlite_backend *b)
{
    sqlite3_stmt *st = NULL;
    bool yes = sqlite3_prepare_v2(b->db, "SELECT isrc FROM tracks LIMIT 0", -1, &st, NULL) == SQLITE_OK;
    sqlite3_finalize(st);
    return yes;
}

static int load_tracks(struct sqlite_backend *b, struct tr_catalog *c, struct tr_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(b, b->has_isrc ? "SELECT id, title, artists, released, same_as, version_of,"
                                      " series, isrc FROM tracks ORDER BY series"
                                    : "SELECT id, title, artists, released, same_as, version_of,"
                                      " series, '' FROM tracks ORDER BY series", &st, err);
    if (rc)
        return rc;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        uint32_t i;
        rc = tr_catalog_add_track(c, col_text(st, 0), (uint32_t)sqlite3_column_int64(st, 6), &i, NULL);
        if (rc)
            break;
        struct tr_track *t = &c->tracks[i];
        t->released = col_day(st, 3);
        snprintf(t->isrc, sizeof t->isrc, "%s", col_text(st, 7));
        rc = tr_catalog_set_str(c, &t->title, col_text(st, 1));
        if (!rc)
            rc = resolve_list(c, TR_SUBJECT_ARTIST, col_text(st, 2), &t->artists, &t->n_artists);
    }
    sqlite3_reset(st);
    /* second pass, for references to rows further down: most are empty */
    for (uint32_t i = 0; rc == 0 && sqlite3_step(st) == SQLITE_ROW; i++) {
        const char *same = col_text(st, 4), *ver = col_text(st, 5);
        if (!*same && !*ver)
            continue;
        struct tr_track *t = &c->tracks[tr_catalog_track(c, col_text(st, 0))];
        t->same_as = *same ? tr_catalog_track(c, same) : TR_NONE;
        t->version_of = *ver ? tr_catalog_track(c, ver) : TR_NONE;
    }
    sqlite3_finalize(st);
    return rc ? tr_error_set(err, rc, "loading tracks: %s", tr_strerror(rc)) : 0;
}

static int load_releases(struct sqlite_backend *b, struct tr_catalog *c, struct tr_error *err)
{
    sqlite3_stmt *st, *tl;
    int rc = prepare(b, "SELECT id, title, artists, type, date FROM releases ORDER BY rowid", &st, err);
    if (rc)
        return rc;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        uint32_t i;
        if ((rc = tr_catalog_add_release(c, col_text(st, 0), &i, NULL)))
            break;
        struct tr_release *r = &c->releases[i];
        r->date = col_day(st, 4);
        tr_release_type_parse(col_text(st, 3), &r->type);
        rc = tr_catalog_set_str(c, &r->title, col_text(st, 1));
        if (!rc)
            rc = resolve_list(c, TR_SUBJECT_ARTIST, col_text(st, 2), &r->artists, &r->n_artists);
    }
    sqlite3_finalize(st);
    if (rc)
        return tr_error_set(err, rc, "loading releases: %s", tr_strerror(rc));
    /* every track list in one pass over the table's key order */
    if ((rc = prepare(b, "SELECT release, track FROM tracklist ORDER BY release, position", &tl, err)))
        return rc;
    uint32_t *tracks = NULL, cap = 0, n = 0, cur = TR_NONE;
    char *cur_id = NULL;
    for (;;) {
        int s = sqlite3_step(tl);
        const char *rid = s == SQLITE_ROW ? col_text(tl, 0) : NULL;
        if (cur_id && (!rid || strcmp(rid, cur_id) != 0)) {
            if (cur != TR_NONE && (rc = tr_catalog_set_list(c, &c->releases[cur].tracks,
                                                          &c->releases[cur].n_tracks, tracks, n)))
                break;
            free(cur_id);
            cur_id = NULL;
        }
        if (s != SQLITE_ROW) {
            if (s != SQLITE_DONE)
                rc = db_error(b, err, "read track lists");
            break;
        }
        if (!cur_id) {
            if (!(cur_id = strdup(rid))) {
                rc = TR_ENOMEM;
                break;
            }
            cur = tr_catalog_release(c, rid);
            n = 0;
        }
        uint32_t t = tr_catalog_track(c, col_text(tl, 1));
        if (t == TR_NONE)
            continue;
        if (n == cap) {
            uint32_t *p = realloc(tracks, (cap = cap ? cap * 2 : 32) * sizeof *p);
            if (!p) {
                rc = TR_ENOMEM;
                break;
            }
            tracks = p;
        }
        tracks[n++] = t;
    }
    free(cur_id);
    free(tracks);
    sqlite3_finalize(tl);
    return rc && rc != TR_ESTORE ? tr_error_set(err, rc, "loading track lists: %s", tr_strerror(rc)) : rc;
}

static int count_query(struct sqlite_backend *b, const char *sql, uint64_t *out, struct tr_error *err);

static int read_blob(void *ctx, void *dst, size_t n, size_t off)
{
    if (n > INT_MAX || off > INT_MAX)
        return -1;
    return sqlite3_blob_read(ctx, dst, (int)n, (int)off) == SQLITE_OK ? 0 : -1;
}

static int write_catalog_file(struct sqlite_backend *b, const struct tr_catalog *c,
                              struct tr_error *err);

static int view_need(void *ctx, size_t off, size_t n)
{
    return tr_side_view_load(ctx, off, n);
}

static void view_release(void *bytes, size_t len, void *ctx)
{
    (void)bytes, (void)len;
    tr_side_view_close(ctx);
    free(ctx);
}

/* A lazy catalog from generation gen of the catalog file when that is
 * checked by blocks: read and checked block by block as it is used (the
 * view's memory is the catalog's).  *out NULL when it cannot be opened. */
static int catalog_by_blocks(struct sqlite_backend *b, uint64_t gen, struct tr_catalog **out)
{
    struct tr_side_view *v = malloc(sizeof *v);
    int rc = v ? TR_ESTORE : TR_ENOMEM;
    if (v && tr_side_view_open(&b->side[SIDE_CATALOG], gen, v) == 0) {
        struct tr_snapshot_need need = {view_need, v};
        if (!(rc = tr_catalog_adopt_snapshot(v->data, v->len, view_release, v, &need, out)))
            return 0;
        tr_side_view_close(v);
    }
    free(v);
    return rc;
}

/* The catalog snapshot of the store's generation, mapped and used in
 * place (its strings, lists and id maps are never copied; with lazy, its
 * records decoded as they are used, and a file checked by blocks read by
 * the blocks they are in): *out, or NULL when there is none that fits. */
static int catalog_from_file(struct sqlite_backend *b, bool lazy, struct tr_catalog **out,
                             struct tr_error *err)
{
    uint64_t gen;
    *out = NULL;
    int rc = side_generation(b, SIDE_CATALOG, &gen, err);
    if (rc || !gen)
        return rc;
    if (lazy && tr_side_blocks(&b->side[SIDE_CATALOG], gen) == 1)
        rc = catalog_by_blocks(b, gen, out);
    if (!*out && rc != TR_ENOMEM) {
        void *bytes, *unmap_ctx;
        size_t len;
        static const struct tr_snapshot_need all_valid = {NULL, NULL};   /* checked whole */
        tr_side_map(&b->side[SIDE_CATALOG], gen, &bytes, &len, &unmap_ctx);
        if (!bytes)
            return 0;
        rc = tr_catalog_adopt_snapshot(bytes, len, tr_side_unmap, unmap_ctx,
                                       lazy ? &all_valid : NULL, out);
        if (rc)
            tr_side_unmap(bytes, len, unmap_ctx);
    }
    return rc == TR_ENOMEM ? tr_error_set(err, rc, "loading the catalog: out of memory") : 0;
}

/* The snapshot a store of an earlier build kept in its table: *out, or
 * NULL. */
static int catalog_from_table(struct sqlite_backend *b, struct tr_catalog **out,
                              struct tr_error *err)
{
    sqlite3_blob *snap;
    *out = NULL;
    if (sqlite3_blob_open(b->db, "main", "catalog_snapshot", "data", 1, 0, &snap) != SQLITE_OK)
        return 0;
    struct tr_snapshot_source src = {(size_t)sqlite3_blob_bytes(snap), read_blob, snap};
    int rc = tr_catalog_load_snapshot(&src, out);
    sqlite3_blob_close(snap);
    return rc == TR_ENOMEM ? tr_error_set(err, rc, "loading the catalog: out of memory") : 0;
}

static int step_done(struct sqlite_backend *b, sqlite3_stmt *st, struct tr_error *err,
                     const char *what);

/* Puts table's rows (artists or releases) in the catalog's order, ids[i]
 * the id of its i-th, when they are not: a store written before the rows
 * were upserts (save_artists) may hold a changed one out of place, which
 * would misnumber the events if the catalog file were ever lost. */
static int rows_in_order(struct sqlite_backend *b, const char *table, uint32_t n,
                         const char *(*id_of)(const struct tr_catalog *, uint32_t),
                         const struct tr_catalog *c, struct tr_error *err)
{
    char sql[96];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT id FROM %s ORDER BY rowid", table);
    int rc = prepare(b, sql, &st, err);
    bool in_order = true;
    for (uint32_t i = 0; !rc && in_order && sqlite3_step(st) == SQLITE_ROW; i++)
        in_order = i < n && strcmp(col_text(st, 0), id_of(c, i)) == 0;
    sqlite3_finalize(st);
    if (rc || in_order)
        return rc;
    /* each row to -(place + 1), then all back to positive: no rowid collides */
    snprintf(sql, sizeof sql, "UPDATE %s SET rowid = ? WHERE id = ?", table);
    if ((rc = prepare(b, sql, &st, err)))
        return rc;
    for (uint32_t i = 0; !rc && i < n; i++) {
        sqlite3_bind_int64(st, 1, -(sqlite3_int64)i - 1);
        sqlite3_bind_text(st, 2, id_of(c, i), -1, SQLITE_STATIC);
        rc = step_done(b, st, err, "order rows");
    }
    sqlite3_finalize(st);
    snprintf(sql, sizeof sql, "UPDATE %s SET rowid = -rowid WHERE rowid < 0", table);
    if (!rc && (rc = prepare(b, sql, &st, err)) == 0) {
        rc = step_done(b, st, err, "order rows");
        sqlite3_finalize(st);
    }
    return rc;
}

static const char *artist_id(const struct tr_catalog *c, uint32_t i) { return c->artists[i].id; }
static const char *release_id(const struct tr_catalog *c, uint32_t i) { return c->releases[i].id; }

/* A writer with the catalog from its file checks, once a store, that the
 * tables' rows are in its order (rows_in_order); meta 'rows_in_order'
 * says it was done. */
static int tables_in_order(struct sqlite_backend *b, const struct tr_catalog *c, struct tr_error *err)
{
    char *done = NULL;
    int rc = sq_get_meta(&b->base, "rows_in_order", &done, err);
    if (rc || done) {
        free(done);
        return rc;
    }
    if (!(rc = rows_in_order(b, "artists", c->n_artists, artist_id, c, err)) &&
        !(rc = rows_in_order(b, "releases", c->n_releases, release_id, c, err)))
        rc = sq_set_meta(&b->base, "rows_in_order", "1", err);
    return rc;
}

static int sq_load_catalog(struct tr_backend *base, bool lazy, struct tr_catalog **out,
                           struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    lazy = lazy && !b->writing;   /* a writer edits the catalog: whole */
    uint64_t na = 0, nr = 0, nt = 0, ns = 0;
    int rc0 = count_query(b, "SELECT count(*) FROM artists", &na, err);
    if (!rc0)
        rc0 = count_query(b, "SELECT count(*) FROM releases", &nr, err);
    if (rc0)
        return rc0;
    /* the snapshot, written with every catalog change: the file, else the
     * table of an earlier build's store */
    struct tr_catalog *c = NULL;
    bool from_file = true;
    if ((rc0 = catalog_from_file(b, lazy, &c, err)))
        return rc0;
    if (!c) {
        from_file = false;
        if ((rc0 = catalog_from_table(b, &c, err)))
            return rc0;
    }
    if (c && ((uint64_t)c->n_artists != na || (uint64_t)c->n_releases != nr)) {
        tr_catalog_free(c);     /* a snapshot that does not match the tables */
        c = NULL;
        from_file = false;
    }
    if (!c) {
        /* the tables; two queries, each answered from a b-tree without a scan */
        if ((rc0 = count_query(b, "SELECT count(*) FROM tracks", &nt, err)) ||
            (rc0 = count_query(b, "SELECT coalesce(max(series) + 1, 0) FROM tracks", &ns, err)))
            return rc0;
        nt = nt > ns ? nt : ns;
        if (!(c = tr_catalog_new_sized((uint32_t)na, (uint32_t)nr, (uint32_t)nt)))
            return tr_error_set(err, TR_ENOMEM, "out of memory");
        if ((rc0 = load_artists(b, c, err)) || (rc0 = load_tracks(b, c, err)) ||
            (rc0 = load_releases(b, c, err))) {
            tr_catalog_free(c);
            return rc0;
        }
    }
    if (tr_catalog_lazy(c)) {    /* resolved once complete (tr_store_catalog) */
        *out = c;
        return 0;
    }
    int rc = tr_catalog_resolve(c, err);
    if (!rc && from_file && b->writing)
        rc = tables_in_order(b, c, err);
    /* a writer that found no file of the current generation writes one,
     * so that the next load maps it */
    if (!rc && !from_file && b->writing && (c->n_artists || c->n_releases || c->n_tracks))
        rc = write_catalog_file(b, c, err);
    if (rc) {
        tr_catalog_free(c);
        return rc;
    }
    tr_catalog_clean(c);
    *out = c;
    return 0;
}

/* Joins the ids of list into a ';'-separated string (malloc'd). */
static char *join_ids(const struct tr_catalog *c, enum tr_subject_type t, const uint32_t *list,
                      uint32_t n)
{
    size_t len = 1;
    for (uint32_t i = 0; i < n; i++)
        len += strlen(t == TR_SUBJECT_ARTIST ? c->artists[list[i]].id : c->tracks[list[i]].id) + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    *p = '\0';
    for (uint32_t i = 0; i < n; i++) {
        const char *id = t == TR_SUBJECT_ARTIST ? c->artists[list[i]].id : c->tracks[list[i]].id;
        p += sprintf(p, "%s%s", i ? ";" : "", id);
    }
    return s;
}

static char *join_strings(char *const *v, uint32_t n)
{
    size_t len = 1;
    for (uint32_t i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    *p = '\0';
    for (uint32_t i = 0; i < n; i++)
        p += sprintf(p, "%s%s", i ? ";" : "", v[i]);
    return s;
}

static int step_done(struct sqlite_backend *b, sqlite3_stmt *st, struct tr_error *err,
                     const char *what)
{
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return s == SQLITE_DONE ? 0 : db_error(b, err, what);
}

/* ---- rows written many to a statement ------------------------------
 * One INSERT of ROWS_PER rows costs less than half of ROWS_PER inserts of
 * one (the statement's own work is most of a small row's), so the big
 * writes (tracks, milestones, corrections) gather their rows and write
 * them ROWS_PER at a time; the rest at the end with a statement of its
 * own.  The values are kept until their statement runs: text is either
 * borrowed (it outlives the write) or owned (freed after it). */

#define ROWS_PER 64

struct value {
    enum { V_NULL, V_INT, V_TEXT, V_OWNED } type;
    sqlite3_int64 i;
    char *s;                     /* V_TEXT: borrowed; V_OWNED: freed after the write */
};

struct rows {
    struct sqlite_backend *b;
    const char *head;            /* "INSERT ... VALUES" */
    const char *what;            /* for messages */
    int cols, n;
    sqlite3_stmt *full;
    struct value *v;             /* ROWS_PER rows of cols */
};

static struct value vint(sqlite3_int64 i) { return (struct value){V_INT, i, NULL}; }
static struct value vtext(const char *s) { return (struct value){V_TEXT, 0, (char *)s}; }
static struct value vday(tr_day d)
{
    return d == TR_DAY_NONE ? (struct value){V_NULL, 0, NULL} : vint(d);
}

/* The statement of n rows: head then n groups of cols parameters. */
static int rows_prepare(struct rows *r, int n, sqlite3_stmt **st, struct tr_error *err)
{
    size_t len = strlen(r->head) + (size_t)n * ((size_t)r->cols * 2 + 3) + 1;
    char *sql = malloc(len), *p = sql;
    if (!sql)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    p += sprintf(p, "%s", r->head);
    for (int k = 0; k < n; k++) {
        *p++ = k ? ',' : ' ';
        *p++ = '(';
        for (int c = 0; c < r->cols; c++) {
            if (c)
                *p++ = ',';
            *p++ = '?';
        }
        *p++ = ')';
    }
    *p = '\0';
    int rc = prepare(r->b, sql, st, err);
    free(sql);
    return rc;
}

static void rows_free_values(struct rows *r)
{
    for (int k = 0; k < r->n * r->cols; k++)
        if (r->v[k].type == V_OWNED)
            free(r->v[k].s);
    r->n = 0;
}

/* Writes the rows gathered so far. */
static int rows_flush(struct rows *r, struct tr_error *err)
{
    if (!r->n)
        return 0;
    sqlite3_stmt *st = r->full;
    int rc = r->n == ROWS_PER ? 0 : rows_prepare(r, r->n, &st, err);
    for (int k = 0; !rc && k < r->n * r->cols; k++) {
        const struct value *v = &r->v[k];
        if (v->type == V_INT)
            sqlite3_bind_int64(st, k + 1, v->i);
        else if (v->type == V_NULL)
            sqlite3_bind_null(st, k + 1);
        else
            sqlite3_bind_text(st, k + 1, v->s, -1, SQLITE_STATIC);
    }
    if (!rc)
        rc = step_done(r->b, st, err, r->what);
    if (st != r->full)
        sqlite3_finalize(st);
    rows_free_values(r);
    return rc;
}

static int rows_begin(struct rows *r, struct sqlite_backend *b, const char *head, int cols,
                      const char *what, struct tr_error *err)
{
    r->b = b;
    r->head = head;
    r->what = what;
    r->cols = cols;
    r->n = 0;
    r->full = NULL;
    if (!(r->v = malloc(ROWS_PER * (size_t)cols * sizeof *r->v)))
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    return rows_prepare(r, ROWS_PER, &r->full, err);
}

/* Adds a row of r->cols values (owned text is the rows' from here on).
 * rows_end is called after rows_begin in every case, failed or not. */
static int rows_add(struct rows *r, const struct value *row, struct tr_error *err)
{
    memcpy(&r->v[r->n * r->cols], row, (size_t)r->cols * sizeof *row);
    return ++r->n == ROWS_PER ? rows_flush(r, err) : 0;
}

/* Writes what is left (unless rc already failed) and releases r. */
static int rows_end(struct rows *r, int rc, struct tr_error *err)
{
    if (!rc)
        rc = rows_flush(r, err);
    if (r->v)
        rows_free_values(r);
    free(r->v);
    sqlite3_finalize(r->full);
    r->full = NULL;
    r->v = NULL;
    return rc;
}

static int save_artists(struct sqlite_backend *b, const struct tr_catalog *c, struct tr_error *err)
{
    sqlite3_stmt *st;
    /* an upsert, not INSERT OR REPLACE: a replaced row gets a new rowid, and
     * the rowid order is the artists' order (their numbers in the store's
     * events) when the catalog is loaded from the tables */
    int rc = prepare(b, "INSERT INTO artists(id, name, country, kind, gender, genres, member_of)"
                        " VALUES(?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
                        " country = excluded.country, kind = excluded.kind, gender = excluded.gender,"
                        " genres = excluded.genres, member_of = excluded.member_of", &st, err);
    for (uint32_t i = 0; !rc && i < c->n_artists; i++) {
        if (!tr_catalog_is_dirty(c, TR_SUBJECT_ARTIST, i))
            continue;
        const struct tr_artist *a = &c->artists[i];
        char *genres = join_strings(a->genres, a->n_genres);
        char *member_of = join_ids(c, TR_SUBJECT_ARTIST, a->member_of, a->n_member_of);
        if (!genres || !member_of) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        } else {
            sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, a->name ? a->name : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, a->country, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, tr_artist_kind_name(a->kind), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, tr_gender_name(a->gender), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 6, genres, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 7, member_of, -1, SQLITE_STATIC);
            rc = step_done(b, st, err, "write artist");
        }
        free(genres);
        free(member_of);
    }
    sqlite3_finalize(st);
    return rc;
}

static int save_tracks(struct sqlite_backend *b, const struct tr_catalog *c, struct tr_error *err)
{
    struct rows r;
    int rc = rows_begin(&r, b, "INSERT OR REPLACE INTO tracks(id, title, artists, released, same_as,"
                               " version_of, series, isrc) VALUES", 8, "write track", err);
    for (uint32_t i = 0; !rc && i < c->n_tracks; i++) {
        if (!tr_catalog_is_dirty(c, TR_SUBJECT_TRACK, i))
            continue;
        const struct tr_track *t = &c->tracks[i];
        char *artists = t->n_artists ? join_ids(c, TR_SUBJECT_ARTIST, t->artists, t->n_artists) : NULL;
        if (t->n_artists && !artists) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            break;
        }
        struct value row[8] = {
            vtext(t->id), vtext(t->title ? t->title : ""),
            artists ? (struct value){V_OWNED, 0, artists} : vtext(""), vday(t->released),
            vtext(t->same_as != TR_NONE ? c->tracks[t->same_as].id : ""),
            vtext(t->version_of != TR_NONE ? c->tracks[t->version_of].id : ""), vint(t->own_series),
            vtext(t->isrc),
        };
        rc = rows_add(&r, row, err);
    }
    return rows_end(&r, rc, err);
}

static int save_releases(struct sqlite_backend *b, const struct tr_catalog *c, struct tr_error *err)
{
    sqlite3_stmt *st = NULL, *del = NULL, *ins = NULL;
    /* an upsert, so that the rowid order stays the releases' (save_artists) */
    int rc = prepare(b, "INSERT INTO releases(id, title, artists, type, date) VALUES(?,?,?,?,?)"
                        " ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
                        " artists = excluded.artists, type = excluded.type, date = excluded.date",
                     &st, err);
    if (!rc)
        rc = prepare(b, "DELETE FROM tracklist WHERE release = ?", &del, err);
    if (!rc)
        rc = prepare(b, "INSERT INTO tracklist(release, position, track) VALUES(?,?,?)", &ins, err);
    for (uint32_t i = 0; !rc && i < c->n_releases; i++) {
        if (!tr_catalog_is_dirty(c, TR_SUBJECT_RELEASE, i))
            continue;
        const struct tr_release *r = &c->releases[i];
        char *artists = join_ids(c, TR_SUBJECT_ARTIST, r->artists, r->n_artists);
        if (!artists) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            break;
        }
        sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->title ? r->title : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, artists, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, tr_release_type_name(r->type), -1, SQLITE_STATIC);
        bind_day(st, 5, r->date);
        rc = step_done(b, st, err, "write release");
        free(artists);
        sqlite3_bind_text(del, 1, r->id, -1, SQLITE_STATIC);
        if (!rc)
            rc = step_done(b, del, err, "write track list");
        for (uint32_t k = 0; !rc && k < r->n_tracks; k++) {
            sqlite3_bind_text(ins, 1, r->id, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 2, k + 1);
            sqlite3_bind_text(ins, 3, c->tracks[r->tracks[k]].id, -1, SQLITE_STATIC);
            rc = step_done(b, ins, err, "write track list");
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    return rc;
}

static int sq_save_catalog(struct tr_backend *base, const struct tr_catalog *c, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    int rc = save_artists(b, c, err);
    if (!rc)
        rc = save_tracks(b, c, err);
    if (!rc)
        rc = save_releases(b, c, err);
    return rc ? rc : write_catalog_file(b, c, err);
}

/* The catalog snapshot as the next generation of its file (written by a
 * helper thread, which frees it); the table of earlier builds is emptied. */
static int write_catalog_file(struct sqlite_backend *b, const struct tr_catalog *c,
                              struct tr_error *err)
{
    void *blob = NULL;
    size_t len = 0;
    int rc = exec(b, "DELETE FROM catalog_snapshot", err);
    if (!rc && (rc = tr_catalog_snapshot(c, &blob, &len)))
        return tr_error_set(err, rc, "catalog snapshot: out of memory");
    return rc ? rc : side_put(b, SIDE_CATALOG, blob, len, true, err);
}

/* ---- series -------------------------------------------------------- */

static sqlite3_int64 chunk_key(tr_day day, uint32_t grp)
{
    /* shifted unsigned: a day before 1970 is negative, and shifting a negative value is undefined */
    return (sqlite3_int64)(((uint64_t)(int64_t)day << 20) | grp);
}

static int sq_get_chunk(struct tr_backend *base, tr_day day, uint32_t grp, uint8_t **data,
                        size_t *len, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare_cached(b, "SELECT data FROM chunks WHERE key = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, chunk_key(day, grp));
    *data = NULL;
    *len = 0;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *len = (size_t)sqlite3_column_bytes(st, 0);
        if (!(*data = malloc(*len ? *len : 1)))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        else
            memcpy(*data, sqlite3_column_blob(st, 0), *len);
    } else if (s != SQLITE_DONE) {
        rc = db_error(b, err, "read chunk");
    }
    sqlite3_reset(st);
    return rc;
}

static int sq_put_chunk(struct tr_backend *base, tr_day day, uint32_t grp, const uint8_t *data,
                        size_t len, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare_cached(b, "INSERT OR REPLACE INTO chunks(key, data) VALUES(?, ?)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, chunk_key(day, grp));
    sqlite3_bind_blob(st, 2, data, (int)len, SQLITE_STATIC);
    rc = step_done(b, st, err, "write chunk");
    return rc;
}

static int scan(struct sqlite_backend *b, sqlite3_stmt *st, tr_chunk_fn fn, void *ctx,
                struct tr_error *err)
{
    int rc = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 key = sqlite3_column_int64(st, 0);
        const uint8_t *data = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        if ((rc = fn(ctx, (tr_day)(key >> 20), (uint32_t)(key & 0xFFFFF), data, len)))
            break;
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(b, err, "scan chunks");
    sqlite3_finalize(st);
    return rc;
}

static int sq_scan_days(struct tr_backend *base, tr_day from, tr_chunk_fn fn, void *ctx,
                        struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare(b, "SELECT key, data FROM chunks WHERE key >= ? ORDER BY key", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, from == TR_DAY_NONE ? INT64_MIN : chunk_key(from, 0));
    return scan(b, st, fn, ctx, err);
}

static int sq_scan_group(struct tr_backend *base, uint32_t grp, tr_day from, tr_chunk_fn fn,
                         void *ctx, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    /* one lookup per stored day: the days table lists them */
    int rc = prepare(b, "SELECT c.key, c.data FROM days d JOIN chunks c"
                        " ON c.key = (d.day << 20) | ?2 WHERE d.day >= ?1 ORDER BY d.day", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, from == TR_DAY_NONE ? INT32_MIN : from);
    sqlite3_bind_int64(st, 2, grp);
    return scan(b, st, fn, ctx, err);
}

static int sq_get_tail(struct tr_backend *base, uint32_t grp, tr_day *last_day, uint64_t **values,
                       uint32_t *n, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare_cached(b, "SELECT last_day, data FROM tails WHERE grp = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, grp);
    *values = NULL;
    *n = 0;
    *last_day = TR_DAY_NONE;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        *last_day = (tr_day)sqlite3_column_int64(st, 0);
        *n = (uint32_t)(len / 8);
        if (!(*values = malloc(len ? len : 1)))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        else
            memcpy(*values, sqlite3_column_blob(st, 1), len);
    } else if (s != SQLITE_DONE) {
        rc = db_error(b, err, "read tail");
    }
    sqlite3_reset(st);
    return rc;
}

static int sq_put_tail(struct tr_backend *base, uint32_t grp, tr_day last_day,
                       const uint64_t *values, uint32_t n, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare_cached(b, "INSERT OR REPLACE INTO tails(grp, last_day, data) VALUES(?,?,?)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, grp);
    sqlite3_bind_int64(st, 2, last_day);
    sqlite3_bind_blob(st, 3, values, (int)(n * sizeof *values), SQLITE_STATIC);
    rc = step_done(b, st, err, "write tail");
    return rc;
}

static int sq_count_day(struct tr_backend *base, tr_day day, int64_t delta, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare_cached(b, "INSERT INTO days(day, observations) VALUES(?1, ?2) ON CONFLICT(day)"
                        " DO UPDATE SET observations = observations + ?2", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, day);
    sqlite3_bind_int64(st, 2, delta);
    rc = step_done(b, st, err, "write day");
    return rc;
}

/* ---- events -------------------------------------------------------- */

static const char *subject_id(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i)
{
    switch (t) {
    case TR_SUBJECT_TRACK: return c->tracks[i].id;
    case TR_SUBJECT_RELEASE: return c->releases[i].id;
    default: return c->artists[i].id;
    }
}

static uint32_t subject_index(const struct tr_catalog *c, enum tr_subject_type t, const char *id)
{
    switch (t) {
    case TR_SUBJECT_TRACK: return tr_catalog_track(c, id);
    case TR_SUBJECT_RELEASE: return tr_catalog_release(c, id);
    default: return tr_catalog_artist(c, id);
    }
}

/* ---- the event log --------------------------------------------------
 * Every write of milestone events also appends them to event_log as one
 * blob of packed records (event_pack.h: catalog indices instead of ids), in
 * the same transaction; a replacing write deletes the blobs it replaces.  Reading
 * all events then decodes the blobs instead of stepping a million rows.
 * The rows stay the reference: when the blobs do not add up to the rows
 * (a store written before the log, or a replaced row), events are read
 * from the rows. */

static int event_log_append(struct sqlite_backend *b, bool chart, const struct tr_milestone *ev,
                            size_t n, struct tr_error *err)
{
    if (!n)
        return 0;
    size_t len = tr_events_packed_size(ev, n);
    char *buf = malloc(len + TR_SEAL_LEN);
    if (!buf)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    tr_events_pack(ev, n, buf);
    if (b->base.sealed) {
        tr_seal_put(buf, len);
        len += TR_SEAL_LEN;
    }
    sqlite3_stmt *st;
    int rc = prepare(b, "INSERT INTO event_log(chart, data) VALUES(?, ?)", &st, err);
    if (!rc) {
        sqlite3_bind_int(st, 1, chart);
        sqlite3_bind_blob64(st, 2, buf, len, SQLITE_STATIC);
        rc = step_done(b, st, err, "write event log");
        sqlite3_finalize(st);
    }
    free(buf);
    return rc;
}

/* Every stored event from the log; *out NULL when the log cannot be used. */
/* Every logged event, in log order.  Each row's bytes are read in pieces
 * into one buffer (a backfill's row runs to tens of megabytes, which
 * SQLite would otherwise copy whole into memory of its own). */
static int event_log_read(struct sqlite_backend *b, const struct tr_catalog *c,
                          struct tr_milestone **out, size_t *n, struct tr_error *err)
{
    enum { PIECE = 1 << 16 };   /* small: a row spans many pieces, one buffer is reused */
    uint64_t rows = 0;
    struct tr_milestone *v = NULL;
    size_t nv = 0, cap = 0;
    bool fits = true;
    sqlite3_stmt *st;
    sqlite3_blob *blob = NULL;
    char *buf = NULL;
    *out = NULL;
    *n = 0;
    /* a store of an older build, opened read-only, has no log yet */
    bool absent;
    int rc = prepare_extra(b, "SELECT seq FROM event_log ORDER BY seq", &st, &absent, err);
    if (rc || absent)
        return rc;
    if ((rc = count_query(b, "SELECT count(*) FROM milestones", &rows, err))) {
        sqlite3_finalize(st);
        return rc;
    }
    /* room for the events the rows say there are: growing by doubling
     * would copy a million events and touch twice the memory */
    if (rows && rows <= SIZE_MAX / sizeof *v && (v = malloc((size_t)rows * sizeof *v)))
        cap = (size_t)rows;
    if (!(buf = malloc(PIECE))) {
        sqlite3_finalize(st);
        free(v);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    int s;
    while (fits && !rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 seq = sqlite3_column_int64(st, 0);
        int o = blob ? sqlite3_blob_reopen(blob, seq)
                     : sqlite3_blob_open(b->db, "main", "event_log", "data", seq, 0, &blob);
        if (o != SQLITE_OK) {
            rc = db_error(b, err, "read event log");
            break;
        }
        size_t len = (size_t)sqlite3_blob_bytes(blob), off = 0, carry = 0;
        /* a sealed blob: the events, then the seal of their bytes */
        struct tr_seal_stream *seal = NULL;
        if (b->base.sealed) {
            if (len < TR_SEAL_LEN || !(seal = tr_seal_stream_new())) {
                fits = false;
                break;
            }
            len -= TR_SEAL_LEN;
        }
        while (fits && off < len) {
            size_t take = len - off < PIECE - carry ? len - off : PIECE - carry, used;
            if (sqlite3_blob_read(blob, buf + carry, (int)take, (int)off) != SQLITE_OK) {
                rc = db_error(b, err, "read event log");
                break;
            }
            off += take;
            if (seal)
                tr_seal_stream_add(seal, buf + carry, take);
            /* bytes that are no events of this catalog: a damaged row, read from the rows */
            if (!(fits = tr_events_unpack_part(c, buf, carry + take, &v, &nv, &cap, &used)))
                break;
            carry = carry + take - used;
            memmove(buf, buf + used, carry);
            fits = fits && (carry < PIECE) && (off < len || carry == 0);
        }
        if (seal) {
            char mark[TR_SEAL_LEN] = {0};
            if (!rc && fits && sqlite3_blob_read(blob, mark, TR_SEAL_LEN, (int)len) != SQLITE_OK)
                rc = db_error(b, err, "read event log");
            fits = tr_seal_stream_end(seal, mark) && fits;   /* damaged: the rows are read */
        }
    }
    if (!rc && fits && s != SQLITE_DONE)
        rc = db_error(b, err, "read event log");
    sqlite3_blob_close(blob);
    sqlite3_finalize(st);
    free(buf);
    if (rc || !fits || nv != rows) {
        free(v);
        return rc;
    }
    *out = v ? v : malloc(1);
    *n = nv;
    return *out ? 0 : tr_error_set(err, TR_ENOMEM, "out of memory");
}

static int event_log_upgrade(struct sqlite_backend *b, const struct tr_catalog *c,
                             struct tr_error *err);

static int write_milestone_rows(struct sqlite_backend *b, const struct tr_catalog *c,
                                const struct tr_milestone *ev, size_t n, struct tr_error *err)
{
    struct rows r;
    int rc = rows_begin(&r, b, "INSERT OR REPLACE INTO milestones(subject_type, subject, kind,"
                               " threshold, value, date, day, after, open_start, slowest, scope)"
                               " VALUES", 11, "write milestone", err);
    const struct value null = {V_NULL, 0, NULL};
    for (size_t i = 0; !rc && i < n; i++) {
        const struct tr_milestone *e = &ev[i];
        struct value row[11] = {
            vtext(tr_subject_type_name(e->subject_type)),
            vtext(subject_id(c, e->subject_type, e->subject)), vtext(tr_milestone_kind_name(e->kind)),
            vint((sqlite3_int64)e->threshold), vint((sqlite3_int64)e->value), vint(e->date),
            e->day != TR_DAYN_NONE ? vint(e->day) : null, vday(e->after), vint(e->open_start | e->baseline << 1),
            e->slowest != TR_NONE ? vtext(c->tracks[e->slowest].id) : null, vtext(tr_scope_name(e->scope)),
        };
        rc = rows_add(&r, row, err);
    }
    return rows_end(&r, rc, err);
}

static int write_correction_rows(struct sqlite_backend *b, const struct tr_catalog *c,
                                 const struct tr_correction *corr, size_t n, struct tr_error *err)
{
    struct rows r;
    int rc = rows_begin(&r, b, "INSERT OR REPLACE INTO corrections(track, date, previous_date,"
                               " previous, value) VALUES", 5, "write correction", err);
    for (size_t i = 0; !rc && i < n; i++) {
        struct value row[5] = {
            vtext(c->tracks[corr[i].track].id), vint(corr[i].date), vint(corr[i].previous_date),
            vint((sqlite3_int64)corr[i].previous), vint((sqlite3_int64)corr[i].value),
        };
        rc = rows_add(&r, row, err);
    }
    return rows_end(&r, rc, err);
}

static int sq_replace_events(struct tr_backend *base, const struct tr_catalog *c, bool append,
                             bool chart,
                             const struct tr_milestone *ev, size_t n,
                             const struct tr_correction *corr, size_t n_corr,
                             struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    int rc = event_log_upgrade(b, c, err);
    if (rc)
        return rc;
    if (chart)
        rc = exec(b, "DELETE FROM milestones WHERE scope <> ''; DELETE FROM event_log WHERE chart = 1;",
                  err);
    else if (!append)
        rc = exec(b, "DELETE FROM milestones WHERE scope = ''; DELETE FROM corrections;"
                     " DELETE FROM event_log WHERE chart = 0;", err);
    /* filling an empty table (a backfill, a recompute): the indexes are
     * built once the rows are in, a sort instead of a b-tree insert a row */
    uint64_t before = 0;
    bool rebuild = !rc && n > 1000 &&
                   !(rc = count_query(b, "SELECT count(*) FROM (SELECT 1 FROM milestones LIMIT 1)", &before, err)) &&
                   before == 0;
    if (rebuild)
        rc = exec(b, "DROP INDEX IF EXISTS milestones_date; DROP INDEX IF EXISTS milestones_subject;", err);
    if (!rc)
        rc = event_log_append(b, chart, ev, n, err);
    if (!rc)
        rc = write_milestone_rows(b, c, ev, n, err);
    if (!rc)
        rc = write_correction_rows(b, c, corr, n_corr, err);
    if (!rc && rebuild)
        rc = exec(b, MILESTONE_INDEXES, err);
    return rc;
}

static int fill_milestone(sqlite3_stmt *st, void *elem, const void *ctx)
{
    const struct tr_catalog *c = ctx;
    struct tr_milestone *e = elem;
    const char *type = col_text(st, 0);
    e->subject_type = type[0] == 't' ? TR_SUBJECT_TRACK
                    : type[0] == 'r' ? TR_SUBJECT_RELEASE : TR_SUBJECT_ARTIST;
    e->subject = subject_index(c, e->subject_type, col_text(st, 1));
    if (e->subject == TR_NONE || tr_milestone_kind_parse(col_text(st, 2), &e->kind))
        return 0;   /* the catalog changed under a stale event: leave it out */
    e->threshold = (uint64_t)sqlite3_column_int64(st, 3);
    e->value = (uint64_t)sqlite3_column_int64(st, 4);
    e->date = (tr_day)sqlite3_column_int64(st, 5);
    e->day = sqlite3_column_type(st, 6) == SQLITE_NULL ? TR_DAYN_NONE
                                                       : (int32_t)sqlite3_column_int64(st, 6);
    e->after = col_day(st, 7);
    e->open_start = sqlite3_column_int(st, 8) & 1;   /* 1: open_start, 2: baseline */
    e->baseline = sqlite3_column_int(st, 8) >> 1 & 1;
    e->slowest = sqlite3_column_type(st, 9) == SQLITE_NULL ? TR_NONE
                                                           : tr_catalog_track(c, col_text(st, 9));
    /* a chart beyond the 65535 a process can name was never stored by an
     * import (it would have failed): none to leave out in practice */
    return tr_scope_intern(col_text(st, 10), (size_t)sqlite3_column_bytes(st, 10), &e->scope) == 0;
}

static int load_event_rows(struct sqlite_backend *b, const struct tr_catalog *c,
                           const struct tr_milestone_filter *f, struct tr_milestone **out,
                           size_t *n, struct tr_error *err)
{
    /* only the conditions given, so that an index (subject, date) serves
     * them: "?2 IS NULL OR subject = ?2" would scan every row */
    bool by_type = f && f->subject_type >= 0, by_subject = by_type && f->subject != TR_NONE;
    bool by_kind = f && f->kind >= 0, by_date = f && f->since != TR_DAY_NONE;
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT subject_type, subject, kind, threshold, value, date, day, after,"
             " open_start, slowest, scope FROM milestones WHERE 1%s%s%s%s",
             by_type ? " AND subject_type = ?1" : "", by_subject ? " AND subject = ?2" : "",
             by_kind ? " AND kind = ?3" : "", by_date ? " AND date >= ?4" : "");
    sqlite3_stmt *st;
    int rc = prepare(b, sql, &st, err);
    if (rc)
        return rc;
    if (by_type)
        sqlite3_bind_text(st, 1, tr_subject_type_name(f->subject_type), -1, SQLITE_STATIC);
    if (by_subject)
        sqlite3_bind_text(st, 2, subject_id(c, f->subject_type, f->subject), -1, SQLITE_STATIC);
    if (by_kind)
        sqlite3_bind_text(st, 3, tr_milestone_kind_name(f->kind), -1, SQLITE_STATIC);
    if (by_date)
        sqlite3_bind_int64(st, 4, f->since);
    return collect(b, st, sizeof(struct tr_milestone), fill_milestone, c, (void **)out, n,
                   "read milestones", err);
}

static int sq_load_events(struct tr_backend *base, const struct tr_catalog *c,
                          const struct tr_milestone_filter *f, struct tr_milestone **out,
                          size_t *n, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    if (!f || (f->subject_type < 0 && f->subject == TR_NONE && f->kind < 0 &&
               f->since == TR_DAY_NONE)) {
        int rc = event_log_read(b, c, out, n, err);
        if (rc || *out)
            return rc;
    }
    return load_event_rows(b, c, f, out, n, err);
}

/* A store written before the event log has rows and no log: the first
 * write of events after an upgrade writes the log of the rows. */
static int event_log_upgrade(struct sqlite_backend *b, const struct tr_catalog *c,
                             struct tr_error *err)
{
    uint64_t logged = 0, rows = 0;
    int rc = count_query(b, "SELECT count(*) FROM event_log", &logged, err);
    if (!rc && !logged)
        rc = count_query(b, "SELECT count(*) FROM milestones", &rows, err);
    if (rc || logged || !rows)
        return rc;
    struct tr_milestone *ev = NULL;
    size_t n = 0, k = 0;
    if ((rc = load_event_rows(b, c, NULL, &ev, &n, err)))
        return rc;
    for (size_t i = 0; i < n; i++)        /* play counts first, then charts */
        if (!ev[i].scope) {
            struct tr_milestone t = ev[k];
            ev[k++] = ev[i];
            ev[i] = t;
        }
    rc = event_log_append(b, false, ev, k, err);
    if (!rc)
        rc = event_log_append(b, true, ev + k, n - k, err);
    free(ev);
    return rc;
}

/* ---- the caches beside the store ----------------------------------------
 * The milestone engine's state and the catalog snapshot run to tens of
 * megabytes at a million tracks; written through SQLite's pages (and again
 * from its write-ahead log) they would cost more than the rest of a daily
 * import.  Each lives in a file beside the store (side_file.h), named after
 * its generation ("STORE-checkpoint.N", "STORE-catalog.N"); meta holds the
 * generation that matches the store's data under the same key, set in the
 * import's transaction.  Stores written before this kept them in the
 * `checkpoint` and `catalog_snapshot` tables, which are still read when
 * meta names no generation (the catalog's: when its file is of no use). */

static int side_generation(struct sqlite_backend *b, int k, uint64_t *gen, struct tr_error *err)
{
    char *v = NULL;
    int rc = sq_get_meta(&b->base, side_kinds[k].name, &v, err);
    *gen = v ? strtoull(v, NULL, 10) : 0;
    free(v);
    return rc;
}

/* Writes data as side file k's next generation and names it in meta;
 * with owned the writer frees data, else it must live until the commit. */
static int side_put(struct sqlite_backend *b, int k, void *data, size_t len, bool owned,
                    struct tr_error *err)
{
    uint64_t committed, gen;
    int rc = side_generation(b, k, &committed, err);
    if (rc) {
        if (owned)
            free(data);
        return rc;
    }
    if ((rc = tr_side_put(&b->side[k], committed, data, len, owned, &gen, err)))
        return rc;
    char num[24];
    snprintf(num, sizeof num, "%llu", (unsigned long long)gen);
    return sq_set_meta(&b->base, side_kinds[k].name, num, err);
}

static int legacy_checkpoint(struct sqlite_backend *b, void **data, size_t *len,
                             struct tr_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(b, "SELECT data FROM checkpoint WHERE id = 1", &st, err);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *len = (size_t)sqlite3_column_bytes(st, 0);
        if (!(*data = malloc(*len ? *len : 1)))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        else
            memcpy(*data, sqlite3_column_blob(st, 0), *len);
    } else if (s != SQLITE_DONE) {
        rc = db_error(b, err, "read checkpoint");
    }
    sqlite3_finalize(st);
    return rc;
}

static int sq_get_checkpoint(struct tr_backend *base, void **data, size_t *len,
                             struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    uint64_t gen;
    *data = NULL;
    *len = 0;
    int rc = tr_side_wait(&b->side[SIDE_CHECKPOINT], err);
    if (!rc)
        rc = side_generation(b, SIDE_CHECKPOINT, &gen, err);
    if (rc || !gen)
        return rc ? rc : legacy_checkpoint(b, data, len, err);
    tr_side_read(&b->side[SIDE_CHECKPOINT], gen, data, len);
    return 0;
}

static int sq_put_checkpoint(struct tr_backend *base, const void *data, size_t len,
                             struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    int rc = tr_side_wait(&b->side[SIDE_CHECKPOINT], err);
    if (!rc)
        rc = exec(b, "DELETE FROM checkpoint", err);     /* the table of older stores */
    if (rc)
        return rc;
    if (!data)
        return sq_set_meta(base, side_kinds[SIDE_CHECKPOINT].name, "0", err);
    return side_put(b, SIDE_CHECKPOINT, (void *)data, len, false, err);
}

/* The engine's preparation is kept for one catalog generation, which
 * meta.prep_catalog names beside meta.prep's own. */
static int sq_get_prep(struct tr_backend *base, void **data, size_t *len,
                       void (**release)(void *, size_t, void *), struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    uint64_t cat, gen;
    char *made_for = NULL;
    *data = NULL;
    *len = 0;
    *release = tr_side_unmap;
    int rc = side_generation(b, SIDE_CATALOG, &cat, err);
    if (!rc)
        rc = side_generation(b, SIDE_PREP, &gen, err);
    if (!rc)
        rc = sq_get_meta(base, "prep_catalog", &made_for, err);
    if (!rc && cat && gen && made_for && strtoull(made_for, NULL, 10) == cat)
    {
        void *unmap_ctx;          /* NULL: the preparation has one checksum */
        tr_side_map(&b->side[SIDE_PREP], gen, data, len, &unmap_ctx);
    }
    free(made_for);
    return rc;
}

static int sq_put_prep(struct tr_backend *base, void *data, size_t len, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    uint64_t cat;
    int rc = side_generation(b, SIDE_CATALOG, &cat, err);
    if (rc || !cat) {            /* no catalog file: nothing to tie it to */
        free(data);
        return rc;
    }
    char num[24];
    snprintf(num, sizeof num, "%llu", (unsigned long long)cat);
    if (!(rc = side_put(b, SIDE_PREP, data, len, true, err)))
        rc = sq_set_meta(base, "prep_catalog", num, err);
    return rc;
}

/* The kept forecasts' generation gen found damaged: TR_ESTORE naming
 * them, or 0 when their file is missing (a store copied without its
 * files), which reads as none.  A damaged file is not read as none:
 * computed afresh, they could differ (keep.c). */
static int forecasts_damaged(const struct sqlite_backend *b, uint64_t gen, struct tr_error *err)
{
    char path[4096];
    tr_side_path(&b->side[SIDE_FORECASTS], gen, path, sizeof path);
    if (access(path, F_OK) != 0)
        return 0;
    return tr_error_set(err, TR_ESTORE, "the store is damaged: %s-forecasts.%llu, the kept"
                        " forecasts, fails its checksum (`trackrecord check --repair` rebuilds"
                        " them)", b->path, (unsigned long long)gen);
}

static int sq_get_forecasts(struct tr_backend *base, void **data, size_t *len,
                            struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    uint64_t gen;
    *data = NULL;
    *len = 0;
    int rc = tr_side_wait(&b->side[SIDE_FORECASTS], err);
    if (!rc)
        rc = side_generation(b, SIDE_FORECASTS, &gen, err);
    if (!rc && gen)
        tr_side_read(&b->side[SIDE_FORECASTS], gen, data, len);
    return !rc && gen && !*data ? forecasts_damaged(b, gen, err) : rc;
}

/* A view of the kept forecasts: the file's blocks read as they are used. */
struct forecasts_view {
    struct tr_side_view side;
    const struct sqlite_backend *b;
    uint64_t gen;
};

static int forecasts_load(struct tr_blob_view *v, size_t off, size_t n, struct tr_error *err)
{
    struct forecasts_view *fv = v->ctx;
    if (tr_side_view_load(&fv->side, off, n) == 0)
        return 0;
    int rc = forecasts_damaged(fv->b, fv->gen, err);
    return rc ? rc : tr_error_set(err, TR_ESTORE, "the store is damaged: %s-forecasts.%llu,"
                                  " the kept forecasts, is missing", fv->b->path,
                                  (unsigned long long)fv->gen);
}

static void forecasts_release(struct tr_blob_view *v)
{
    struct forecasts_view *fv = v->ctx;
    if (fv) {
        tr_side_view_close(&fv->side);
        free(fv);
    }
    memset(v, 0, sizeof *v);
}

static int sq_view_forecasts(struct tr_backend *base, struct tr_blob_view *v, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    uint64_t gen;
    memset(v, 0, sizeof *v);
    int rc = tr_side_wait(&b->side[SIDE_FORECASTS], err);
    if (!rc)
        rc = side_generation(b, SIDE_FORECASTS, &gen, err);
    if (rc || !gen)
        return rc;
    struct forecasts_view *fv = malloc(sizeof *fv);
    if (!fv)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    if (tr_side_view_open(&b->side[SIDE_FORECASTS], gen, &fv->side)) {
        free(fv);
        return forecasts_damaged(b, gen, err);
    }
    fv->b = b;
    fv->gen = gen;
    *v = (struct tr_blob_view){fv->side.data, fv->side.len, forecasts_load, forecasts_release, fv};
    return 0;
}

static int sq_put_forecasts(struct tr_backend *base, void *data, size_t len, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    int rc = tr_side_wait(&b->side[SIDE_FORECASTS], err);
    if (rc) {
        free(data);
        return rc;
    }
    if (!data)
        return sq_set_meta(base, side_kinds[SIDE_FORECASTS].name, "0", err);
    return side_put(b, SIDE_FORECASTS, data, len, true, err);
}

static int sq_get_claims(struct tr_backend *base, tr_day *since, uint64_t *n_events, void **data,
                         size_t *len, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    bool absent;
    *data = NULL;
    *len = 0;
    int rc = prepare_extra(b, "SELECT since, events, data FROM claims_kept WHERE id = 1", &st,
                           &absent, err);
    if (rc || absent)
        return rc;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *since = (tr_day)sqlite3_column_int64(st, 0);
        *n_events = (uint64_t)sqlite3_column_int64(st, 1);
        *len = (size_t)sqlite3_column_bytes(st, 2);
        if (!(*data = malloc(*len ? *len : 1)))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        else if (*len)
            memcpy(*data, sqlite3_column_blob(st, 2), *len);
    } else if (r != SQLITE_DONE) {
        rc = db_error(b, err, "read kept claims");
    }
    sqlite3_finalize(st);
    return rc;
}

static int sq_put_claims(struct tr_backend *base, tr_day since, uint64_t n_events,
                         const void *data, size_t len, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    int rc = exec(b, "DELETE FROM claims_kept", err);
    if (rc || !data)
        return rc;
    sqlite3_stmt *st;
    if ((rc = prepare(b, "INSERT INTO claims_kept(id, since, events, data) VALUES(1, ?, ?, ?)",
                      &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)n_events);
    sqlite3_bind_blob64(st, 3, data, len, SQLITE_STATIC);
    rc = step_done(b, st, err, "write kept claims");
    sqlite3_finalize(st);
    return rc;
}

static int fill_correction(sqlite3_stmt *st, void *elem, const void *ctx)
{
    struct tr_correction *e = elem;
    uint32_t t = tr_catalog_track(ctx, col_text(st, 0));
    if (t == TR_NONE)
        return 0;
    *e = (struct tr_correction){t, (tr_day)sqlite3_column_int64(st, 1),
                                (tr_day)sqlite3_column_int64(st, 2),
                                (uint64_t)sqlite3_column_int64(st, 3),
                                (uint64_t)sqlite3_column_int64(st, 4)};
    return 1;
}

static int sq_load_corrections(struct tr_backend *base, const struct tr_catalog *c,
                               struct tr_correction **out, size_t *n, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare(b, "SELECT track, date, previous_date, previous, value FROM corrections"
                        " ORDER BY date, track", &st, err);
    if (rc)
        return rc;
    return collect(b, st, sizeof(struct tr_correction), fill_correction, c, (void **)out, n,
                   "read corrections", err);
}

static int sq_log_import(struct tr_backend *base, const struct tr_import_entry *e,
                         struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare(b, "INSERT INTO imports(at, file, format, checksum, rows, taken, refused,"
                        " added, changed) VALUES(coalesce(?9, strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
                        "?1,?2,?3,?4,?5,?6,?7,?8)", &st, err);
    if (rc)
        return rc;
    if (e->at[0])                /* a copied entry keeps its time */
        sqlite3_bind_text(st, 9, e->at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 1, e->file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->format, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->checksum, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)e->rows);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->taken);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)e->refused);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)e->added);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)e->changed);
    rc = step_done(b, st, err, "write import log");
    sqlite3_finalize(st);
    return rc;
}

static int fill_import_entry(sqlite3_stmt *st, void *elem, const void *ctx)
{
    struct tr_import_entry *e = elem;
    e->id = sqlite3_column_int64(st, 0);
    snprintf(e->at, sizeof e->at, "%s", col_text(st, 1));
    snprintf(e->file, sizeof e->file, "%s", col_text(st, 2));
    snprintf(e->format, sizeof e->format, "%s", col_text(st, 3));
    snprintf(e->checksum, sizeof e->checksum, "%s", col_text(st, 4));
    e->rows = (uint64_t)sqlite3_column_int64(st, 5);
    e->taken = (uint64_t)sqlite3_column_int64(st, 6);
    e->refused = (uint64_t)sqlite3_column_int64(st, 7);
    e->added = (uint64_t)sqlite3_column_int64(st, 8);
    e->changed = (uint64_t)sqlite3_column_int64(st, 9);
    return 1;
}

static int sq_load_imports(struct tr_backend *base, struct tr_import_entry **out, size_t *n,
                           struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare(b, "SELECT id, at, file, format, checksum, rows, taken, refused, added,"
                        " changed FROM imports ORDER BY id", &st, err);
    if (rc)
        return rc;
    return collect(b, st, sizeof(struct tr_import_entry), fill_import_entry, NULL, (void **)out, n, "read import log", err);
}

static int count_query(struct sqlite_backend *b, const char *sql, uint64_t *out, struct tr_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(b, sql, &st, err);
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = (uint64_t)sqlite3_column_int64(st, 0);
    else
        rc = db_error(b, err, "count");
    sqlite3_finalize(st);
    return rc;
}

static int sq_stats(struct tr_backend *base, struct tr_store_stats *out, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    memset(out, 0, sizeof *out);
    int rc = count_query(b, "SELECT count(*) FROM days", &out->days, err);
    if (!rc)
        rc = count_query(b, "SELECT coalesce(sum(observations), 0) FROM days", &out->observations, err);
    if (!rc)
        rc = count_query(b, "SELECT coalesce(sum(length(data)), 0) FROM chunks", &out->series_bytes, err);
    if (!rc)
        rc = count_query(b, "SELECT count(*) FROM tracks", &out->tracks, err);
    if (!rc)
        rc = count_query(b, "SELECT count(*) FROM releases", &out->releases, err);
    if (!rc)
        rc = count_query(b, "SELECT count(*) FROM artists", &out->artists, err);
    if (!rc)
        rc = count_query(b, "SELECT count(*) FROM milestones", &out->milestones, err);
    return rc;
}

/* ---- extras: sales and awards ---------------------------------------- */

static int sq_put_sale(struct tr_backend *base, const struct tr_sale *v, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare(b, "INSERT OR REPLACE INTO sales(release, source, period_start, period_end,"
                        " timezone, copies, note) VALUES(?,?,?,?,?,?,?)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, v->release, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, v->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, v->period_start);
    bind_day(st, 4, v->period_end);
    sqlite3_bind_text(st, 5, v->timezone, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)v->copies);
    sqlite3_bind_text(st, 7, v->note, -1, SQLITE_STATIC);
    rc = step_done(b, st, err, "write sale");
    sqlite3_finalize(st);
    return rc;
}

static int fill_sale(sqlite3_stmt *st, void *elem, const void *ctx)
{
    struct tr_sale *e = elem;
    snprintf(e->release, sizeof e->release, "%s", col_text(st, 0));
    snprintf(e->source, sizeof e->source, "%s", col_text(st, 1));
    e->period_start = col_day(st, 2);
    e->period_end = col_day(st, 3);
    snprintf(e->timezone, sizeof e->timezone, "%s", col_text(st, 4));
    e->copies = (uint64_t)sqlite3_column_int64(st, 5);
    snprintf(e->note, sizeof e->note, "%s", col_text(st, 6));
    return 1;
}

static int sq_load_sales(struct tr_backend *base, const char *release, struct tr_sale **out,
                         size_t *n, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    bool absent;
    *out = NULL;
    *n = 0;
    int rc = prepare_extra(b, "SELECT release, source, period_start, period_end, timezone, copies,"
                              " note FROM sales WHERE ?1 IS NULL OR release = ?1"
                              " ORDER BY release, period_start, source", &st, &absent, err);
    if (rc || absent)
        return rc;
    if (release)
        sqlite3_bind_text(st, 1, release, -1, SQLITE_STATIC);
    return collect(b, st, sizeof(struct tr_sale), fill_sale, NULL, (void **)out, n, "read sales", err);
}

static int sq_put_award(struct tr_backend *base, const struct tr_award *v, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare(b, "INSERT OR REPLACE INTO awards(ceremony, year, category, nominee_type,"
                        " nominee, result) VALUES(?,?,?,?,?,?)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, v->ceremony, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, v->year);
    sqlite3_bind_text(st, 3, v->category, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)v->nominee_type);
    sqlite3_bind_text(st, 5, v->nominee, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, v->result, -1, SQLITE_STATIC);
    rc = step_done(b, st, err, "write award");
    sqlite3_finalize(st);
    return rc;
}

static int fill_award(sqlite3_stmt *st, void *elem, const void *ctx)
{
    struct tr_award *e = elem;
    snprintf(e->ceremony, sizeof e->ceremony, "%s", col_text(st, 0));
    e->year = sqlite3_column_int(st, 1);
    snprintf(e->category, sizeof e->category, "%s", col_text(st, 2));
    e->nominee_type = (enum tr_subject_type)sqlite3_column_int(st, 3);
    snprintf(e->nominee, sizeof e->nominee, "%s", col_text(st, 4));
    snprintf(e->result, sizeof e->result, "%s", col_text(st, 5));
    return 1;
}

static int sq_load_awards(struct tr_backend *base, int type, const char *nominee,
                          struct tr_award **out, size_t *n, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    bool absent;
    *out = NULL;
    *n = 0;
    int rc = prepare_extra(b, "SELECT ceremony, year, category, nominee_type, nominee, result"
                              " FROM awards WHERE (?1 < 0 OR nominee_type = ?1)"
                              " AND (?2 IS NULL OR nominee = ?2)"
                              " ORDER BY year, ceremony, category, nominee", &st, &absent, err);
    if (rc || absent)
        return rc;
    sqlite3_bind_int(st, 1, type);
    if (nominee)
        sqlite3_bind_text(st, 2, nominee, -1, SQLITE_STATIC);
    return collect(b, st, sizeof(struct tr_award), fill_award, NULL, (void **)out, n, "read awards", err);
}

static int sq_replace_chart(struct tr_backend *base, const char *chart, const char *country,
                            tr_day period, const struct tr_chart_entry *e, size_t n,
                            struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *del = NULL, *ins = NULL;
    int rc = prepare(b, "DELETE FROM chart_entries WHERE chart = ? AND country = ? AND period = ?",
                     &del, err);
    if (!rc)
        rc = prepare(b, "INSERT INTO chart_entries(chart, country, period, rank, track, streams)"
                        " VALUES(?,?,?,?,?,?)", &ins, err);
    if (!rc) {
        sqlite3_bind_text(del, 1, chart, -1, SQLITE_STATIC);
        sqlite3_bind_text(del, 2, country, -1, SQLITE_STATIC);
        sqlite3_bind_int64(del, 3, period);
        rc = step_done(b, del, err, "replace chart period");
    }
    for (size_t i = 0; !rc && i < n; i++) {
        sqlite3_bind_text(ins, 1, chart, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, country, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, period);
        sqlite3_bind_int64(ins, 4, e[i].rank);
        sqlite3_bind_text(ins, 5, e[i].track, -1, SQLITE_STATIC);
        if (e[i].has_streams)
            sqlite3_bind_int64(ins, 6, (sqlite3_int64)e[i].streams);
        else
            sqlite3_bind_null(ins, 6);
        rc = step_done(b, ins, err, "write chart entry");
    }
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    return rc;
}

static int sq_put_chart_entries(struct tr_backend *base, const struct tr_chart_entry *e, size_t n,
                                struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *ins;
    int rc = prepare(b, "INSERT OR REPLACE INTO chart_entries(chart, country, period, rank, track,"
                        " streams) VALUES(?,?,?,?,?,?)", &ins, err);
    for (size_t i = 0; !rc && i < n; i++) {
        sqlite3_bind_text(ins, 1, e[i].chart, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, e[i].country, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, e[i].period);
        sqlite3_bind_int64(ins, 4, e[i].rank);
        sqlite3_bind_text(ins, 5, e[i].track, -1, SQLITE_STATIC);
        if (e[i].has_streams)
            sqlite3_bind_int64(ins, 6, (sqlite3_int64)e[i].streams);
        else
            sqlite3_bind_null(ins, 6);
        rc = step_done(b, ins, err, "write chart entry");
    }
    sqlite3_finalize(ins);
    return rc;
}

static int fill_chart_entry(sqlite3_stmt *st, void *elem, const void *ctx)
{
    struct tr_chart_entry *e = elem;
    snprintf(e->chart, sizeof e->chart, "%s", col_text(st, 0));
    snprintf(e->country, sizeof e->country, "%s", col_text(st, 1));
    e->period = (tr_day)sqlite3_column_int64(st, 2);
    e->rank = (uint32_t)sqlite3_column_int64(st, 3);
    snprintf(e->track, sizeof e->track, "%s", col_text(st, 4));
    e->has_streams = sqlite3_column_type(st, 5) != SQLITE_NULL;
    e->streams = (uint64_t)sqlite3_column_int64(st, 5);
    return 1;
}

static int sq_load_chart_entries(struct tr_backend *base, const char *track,
                                 struct tr_chart_entry **out, size_t *n, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    bool absent;
    *out = NULL;
    *n = 0;
    int rc = prepare_extra(b, "SELECT chart, country, period, rank, track, streams FROM chart_entries"
                              " WHERE ?1 IS NULL OR track = ?1 ORDER BY track, chart, country, period",
                              &st, &absent, err);
    if (rc || absent)
        return rc;
    sqlite3_bind_text(st, 1, track, -1, SQLITE_STATIC);
    return collect(b, st, sizeof(struct tr_chart_entry), fill_chart_entry, NULL, (void **)out, n, "read chart entries", err);
}

/* ---- release totals reported by a source ------------------------------ */

static int sq_put_release_total(struct tr_backend *base, const char *release, tr_day date,
                                const char *source, uint64_t total, uint64_t daily,
                                struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    int rc = prepare(b, "INSERT OR REPLACE INTO release_totals(release, date, source, total, daily)"
                        " VALUES(?,?,?,?,?)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, release, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, date);
    sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)total);
    if (daily)
        sqlite3_bind_int64(st, 5, (sqlite3_int64)daily);
    else
        sqlite3_bind_null(st, 5);
    rc = step_done(b, st, err, "write release total");
    sqlite3_finalize(st);
    return rc;
}

static int fill_release_total(sqlite3_stmt *st, void *elem, const void *ctx)
{
    struct tr_release_total *e = elem;
    e->date = (tr_day)sqlite3_column_int64(st, 0);
    snprintf(e->source, sizeof e->source, "%s", col_text(st, 1));
    e->total = (uint64_t)sqlite3_column_int64(st, 2);
    e->daily = (uint64_t)sqlite3_column_int64(st, 3);   /* NULL reads as 0 */
    return 1;
}

static int sq_load_release_totals(struct tr_backend *base, const char *release,
                                  struct tr_release_total **out, size_t *n, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    sqlite3_stmt *st;
    bool absent;
    *out = NULL;
    *n = 0;
    int rc = prepare_extra(b, "SELECT date, source, total, daily FROM release_totals"
                              " WHERE release = ? ORDER BY date, source", &st, &absent, err);
    if (rc || absent)
        return rc;
    sqlite3_bind_text(st, 1, release, -1, SQLITE_STATIC);
    return collect(b, st, sizeof(struct tr_release_total), fill_release_total, NULL, (void **)out, n, "read release totals", err);
}

static int sq_count_events(struct tr_backend *base, uint64_t *n, struct tr_error *err)
{
    return count_query(B(base), "SELECT count(*) FROM milestones", n, err);
}

/* ---- verify ---------------------------------------------------------- */

static int report(tr_damage_fn fn, void *ctx, bool cache, const char *what, const char *where,
                  const char *why)
{
    struct tr_damage d = {.cache = cache};
    snprintf(d.what, sizeof d.what, "%s", what);
    snprintf(d.where, sizeof d.where, "%s", where);
    snprintf(d.why, sizeof d.why, "%s", why);
    return fn(ctx, &d);
}

/* SQLite's integrity_check: each line it gives is one damaged thing. */
static int verify_database(struct sqlite_backend *b, tr_damage_fn fn, void *ctx,
                           struct tr_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(b, "PRAGMA integrity_check", &st, err), s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (line && strcmp(line, "ok") != 0)
            rc = report(fn, ctx, false, "database", b->path, line);
    }
    if (!rc && s != SQLITE_DONE)
        rc = report(fn, ctx, false, "database", b->path, sqlite3_errmsg(b->db));
    sqlite3_finalize(st);
    return rc;
}

static int sq_verify(struct tr_backend *base, tr_damage_fn fn, void *ctx, uint64_t *blobs,
                     uint64_t *sides, struct tr_error *err)
{
    struct sqlite_backend *b = B(base);
    int rc = verify_database(b, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = prepare(b, "SELECT seq, data FROM event_log ORDER BY seq", &st, err);
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        (*blobs)++;
        if (base->sealed && !tr_seal_ok(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1))) {
            char where[64];
            snprintf(where, sizeof where, "event_log row %lld", (long long)sqlite3_column_int64(st, 0));
            rc = report(fn, ctx, true, "milestone event log", where, "fails its checksum");
        }
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(b, err, "read event log");
    sqlite3_finalize(st);
    for (int k = 0; k < N_SIDES && !rc; k++) {
        uint64_t gen;
        char why[128], path[4096];
        if ((rc = side_generation(b, k, &gen, err)) || !gen)
            continue;
        (*sides)++;
        if (tr_side_check(&b->side[k], gen, why, sizeof why)) {
            tr_side_path(&b->side[k], gen, path, sizeof path);
            rc = report(fn, ctx, true, tr_side_title(side_kinds[k].name), path, why);
        }
    }
    return rc;
}

static const struct tr_backend_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .data_version = sq_data_version,
    .probe = sq_probe,
    .get_meta = sq_get_meta,
    .set_meta = sq_set_meta,
    .load_catalog = sq_load_catalog,
    .save_catalog = sq_save_catalog,
    .get_chunk = sq_get_chunk,
    .put_chunk = sq_put_chunk,
    .scan_days = sq_scan_days,
    .scan_group = sq_scan_group,
    .get_tail = sq_get_tail,
    .put_tail = sq_put_tail,
    .count_day = sq_count_day,
    .replace_events = sq_replace_events,
    .load_events = sq_load_events,
    .load_corrections = sq_load_corrections,
    .get_claims = sq_get_claims,
    .put_claims = sq_put_claims,
    .get_forecasts = sq_get_forecasts,
    .view_forecasts = sq_view_forecasts,
    .put_forecasts = sq_put_forecasts,
    .get_checkpoint = sq_get_checkpoint,
    .put_checkpoint = sq_put_checkpoint,
    .get_prep = sq_get_prep,
    .put_prep = sq_put_prep,
    .log_import = sq_log_import,
    .load_imports = sq_load_imports,
    .stats = sq_stats,
    .count_events = sq_count_events,
    .put_sale = sq_put_sale,
    .load_sales = sq_load_sales,
    .put_award = sq_put_award,
    .load_awards = sq_load_awards,
    .replace_chart = sq_replace_chart,
    .put_chart_entries = sq_put_chart_entries,
    .load_chart_entries = sq_load_chart_entries,
    .put_release_total = sq_put_release_total,
    .load_release_totals = sq_load_release_totals,
    .verify = sq_verify,
};

/*
 * A writer killed mid-transaction leaves recovery to the next connection:
 * with a rollback journal (enter_bulk) a hot journal, which a read-only
 * connection cannot roll back (SQLITE_READONLY_ROLLBACK); in WAL mode a
 * log index to rebuild, which one that may not write the index cannot
 * (SQLITE_PROTOCOL, SQLITE_READONLY_RECOVERY).  A reader must not wait for
 * a writer to come along, so it recovers the store itself: through a
 * read-write connection when the process may write the store (what any
 * writer's first read does), else in a private copy of it (the file, up to
 * its size before the write when a journal says so, and the journal or the
 * log, in a temporary directory), which it then reads; the copy is unlinked
 * at once and goes with the connection.
 */
static bool needs_recovery(sqlite3 *db)
{
    int e = sqlite3_extended_errcode(db);
    return e == SQLITE_READONLY_ROLLBACK || e == SQLITE_READONLY_RECOVERY ||
           e == SQLITE_READONLY_CANTINIT || e == SQLITE_PROTOCOL;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Copies the first len bytes of from (all when len is 0) to a new file to:
 * 0, 1 when from does not exist, -1 on failure. */
static int copy_prefix(const char *from, const char *to, off_t len)
{
    int in = open(from, O_RDONLY | O_CLOEXEC), rc = -1;
    if (in < 0)
        return errno == ENOENT ? 1 : -1;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    char buf[1 << 16];
    off_t done = 0;
    while (out >= 0) {
        size_t want = len && len - done < (off_t)sizeof buf ? (size_t)(len - done) : sizeof buf;
        ssize_t r = want ? read(in, buf, want) : 0;
        if (r == 0) {
            rc = 0;
            break;
        }
        if (r < 0 || write(out, buf, (size_t)r) != r)
            break;
        done += r;
    }
    if (out >= 0 && close(out))
        rc = -1;
    close(in);
    return rc;
}

/* The store's size in bytes before the write its hot journal undoes (from
 * the journal's header: pages then, bytes 16-19, page size, 24-27, both
 * big-endian); 0 when there is no journal (all of it). */
static off_t size_before_journal(const char *journal)
{
    unsigned char h[28];
    int fd = open(journal, O_RDONLY | O_CLOEXEC);
    ssize_t got = fd < 0 ? -1 : read(fd, h, sizeof h);
    if (fd >= 0)
        close(fd);
    return got == (ssize_t)sizeof h ? (off_t)be32(h + 16) * be32(h + 24) : 0;
}

/* Opens, read-only, a recovered private copy of path: 0, or -1. */
static int open_recovered_copy(const char *path, sqlite3 **db)
{
    char dir[PATH_MAX], from[PATH_MAX + 16], copy[PATH_MAX + 16], to[PATH_MAX + 32];
    const char *tmp = getenv("TMPDIR");
    if (snprintf(dir, sizeof dir, "%s/trackrecord-XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
            (int)sizeof dir || strlen(path) >= PATH_MAX || !mkdtemp(dir))
        return -1;
    snprintf(copy, sizeof copy, "%s/s.db", dir);
    snprintf(from, sizeof from, "%s-journal", path);
    off_t before = size_before_journal(from);
    int rc = copy_prefix(path, copy, before);
    static const char *const beside[] = {"-journal", "-wal"};
    for (int i = 0; i < 2 && rc == 0; i++) {
        snprintf(from, sizeof from, "%s%s", path, beside[i]);
        snprintf(to, sizeof to, "%s%s", copy, beside[i]);
        rc = copy_prefix(from, to, 0) < 0 ? -1 : 0;
    }
    /* a read-write connection recovers the copy; it closes in rollback
     * mode so that the read-only one needs no log index */
    if (rc == 0 &&
        (sqlite3_open_v2(copy, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
         sqlite3_exec(*db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK))
        rc = -1;
    sqlite3_close(*db);
    *db = NULL;
    if (rc == 0 &&
        (sqlite3_open_v2(copy, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
         sqlite3_exec(*db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK)) {
        sqlite3_close(*db);
        *db = NULL;
        rc = -1;
    }
    for (int i = 0; i < 2; i++) {
        snprintf(to, sizeof to, "%s%s", copy, beside[i]);
        unlink(to);
    }
    unlink(copy);
    rmdir(dir);
    return rc;
}

/* Replaces b->db, which found the store in need of recovery, with a
 * connection that reads it recovered. */
static int reopen_recovered(struct sqlite_backend *b, struct tr_error *err)
{
    sqlite3_close(b->db);
    b->db = NULL;
    sqlite3 *rw = NULL;
    bool recovered = sqlite3_open_v2(b->path, &rw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                     NULL) == SQLITE_OK;
    if (recovered) {
        sqlite3_busy_timeout(rw, 10000);
        recovered = sqlite3_exec(rw, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) ==
                    SQLITE_OK;
    }
    sqlite3_close(rw);
    if (recovered &&
        sqlite3_open_v2(b->path, &b->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK)
        recovered = false;
    if (!recovered) {
        sqlite3_close(b->db);
        b->db = NULL;
        if (open_recovered_copy(b->path, &b->db))
            return tr_error_set(err, TR_ESTORE, "%s: an interrupted write left the store to"
                                " recover, and this process can neither write it nor copy it",
                                b->path);
    }
    sqlite3_busy_timeout(b->db, 10000);
    sqlite3_exec(b->db, "PRAGMA mmap_size=17179869184", NULL, NULL, NULL);
    return 0;
}

int tr_backend_sqlite_open(const char *path, int flags, struct tr_backend **out,
                           struct tr_error *err)
{
    struct sqlite_backend *b = calloc(1, sizeof *b);
    if (!b || !(b->path = strdup(path))) {
        free(b);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    b->base.ops = &sqlite_ops;
    tr_crash_vfs_install();
    for (int k = 0; k < N_SIDES; k++)
        b->side[k] = (struct tr_side){side_kinds[k].name, side_kinds[k].magic,
                                      side_kinds[k].recycle, b->path, 0, 0, NULL,
                                      k == SIDE_FORECASTS || k == SIDE_CATALOG ? SIDE_BLOCK_SHIFT : 0};
    /* a store is used by one thread at a time: no lock around each call */
    int oflags = SQLITE_OPEN_NOMUTEX | ((flags & TR_STORE_READONLY) ? SQLITE_OPEN_READONLY
                                                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = 0;
    if (sqlite3_open_v2(path, &b->db, oflags, NULL) != SQLITE_OK) {
        rc = tr_error_set(err, TR_ESTORE, "%s: cannot open store: %s", path,
                          b->db ? sqlite3_errmsg(b->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(b->db, 10000);
    /* reads of big stores (every chunk for a recompute) map the file instead of copying it */
    sqlite3_exec(b->db, "PRAGMA mmap_size=17179869184", NULL, NULL, NULL);
    if (flags & TR_STORE_READONLY) {
        char *version = NULL;
        rc = sq_get_meta(&b->base, "schema_version", &version, err);
        if (rc && needs_recovery(b->db)) {
            tr_error_clear(err);
            if (!(rc = reopen_recovered(b, err)))
                rc = sq_get_meta(&b->base, "schema_version", &version, err);
        }
        if (rc)
            goto fail;
        if (!version || strcmp(version, SCHEMA_VERSION) != 0)
            rc = tr_error_set(err, TR_ESTORE, "%s: store schema version %s, expected %s"
                              " (import into a new store)", path, version ? version : "none",
                              SCHEMA_VERSION);
        free(version);
        if (rc)
            goto fail;
        map_wal_index(b);
    } else {
        if ((rc = exec(b, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err)) ||
            (rc = exec(b, schema, err)))
            goto fail;
        char *version = NULL;
        if ((rc = sq_get_meta(&b->base, "schema_version", &version, err)))
            goto fail;
        if (!version)
            rc = sq_set_meta(&b->base, "schema_version", SCHEMA_VERSION, err) ||
                 sq_set_meta(&b->base, "blob_format", TR_BLOB_FORMAT, err) ||
                 sq_set_meta(&b->base, "rows_in_order", "1", err) ? TR_ESTORE : 0;   /* (a new store's) */
        else if (strcmp(version, SCHEMA_VERSION) != 0)
            rc = tr_error_set(err, TR_ESTORE, "%s: store schema version %s, expected %s", path,
                              version, SCHEMA_VERSION);
        free(version);
        if (rc)
            goto fail;
        /* the ISRC column, added to a store of an earlier build */
        if (!tracks_have_isrc(b) && (rc = exec(b, "ALTER TABLE tracks ADD COLUMN isrc TEXT", err)))
            goto fail;
    }
    b->has_isrc = tracks_have_isrc(b);
    *out = &b->base;
    return 0;
fail:
    sq_close(&b->base);
    return rc;
}
