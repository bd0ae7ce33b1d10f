/*
 * store_postgres.c: the shared backend, one PostgreSQL database (libpq).
 *
 * The tables are the SQLite backend's (store/sqlite.c, docs/store.md), in
 * the database's current schema: chunks and tails as bytea rows keyed the
 * same way, in the same codec.  What differs:
 *
 * - Transactions.  A write takes a session advisory lock first
 *   (pg_try_advisory_lock: a second writer is told at once that another
 *   import is writing) and then runs REPEATABLE READ; a read runs
 *   REPEATABLE READ READ ONLY, so it sees one snapshot and never waits: no
 *   write takes a lock a reader needs (no DDL after the schema, no
 *   TRUNCATE of a shared table).
 * - Bulk writes.  Chunks, tails and day counts are gathered in memory and
 *   sent by binary COPY into temporary tables, then merged by one INSERT
 *   ... ON CONFLICT, before anything reads them and at the commit; the
 *   catalog and the events go the same way in text COPY.  A statement a
 *   chunk would cost a round trip each.
 * - The caches beside the store (checkpoint, catalog snapshot, engine
 *   preparation).  Several machines share one database, so each cache is
 *   kept in the database (side_blobs, bytea parts: written in the import's
 *   transaction, the previous one kept for older snapshots by MVCC) and in
 *   a local file per machine (side_file.h, under the cache directory,
 *   named after the store's id), checked against the database's length
 *   and XXH64 before use: the machine that wrote it maps it, another
 *   fetches it once.
 */
#include "store/backend.h"
#include "model/catalog_edit.h"
#include "model/catalog_snapshot.h"
#include "store/event_pack.h"
#include "store/seal.h"
#include "store/side_file.h"

#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define SCHEMA_VERSION "2"

static const char schema[] =
    "CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE artists(seq bigserial, id text PRIMARY KEY, name text, country text,"
    " kind text, gender text, genres text, member_of text);"
    "CREATE TABLE releases(seq bigserial, id text PRIMARY KEY, title text, artists text,"
    " type text, date bigint);"
    "CREATE TABLE tracks(id text PRIMARY KEY, title text, artists text, released bigint,"
    " same_as text, version_of text, series bigint NOT NULL UNIQUE, isrc text);"
    "CREATE TABLE tracklist(release text NOT NULL, position bigint NOT NULL, track text NOT NULL,"
    " PRIMARY KEY(release, position));"
    "CREATE TABLE chunks(key bigint PRIMARY KEY, data bytea NOT NULL);"
    "CREATE TABLE tails(grp bigint PRIMARY KEY, last_day bigint NOT NULL, data bytea NOT NULL);"
    "CREATE TABLE days(day bigint PRIMARY KEY, observations bigint NOT NULL);"
    "CREATE TABLE milestones(subject_type text NOT NULL, subject text NOT NULL, kind text NOT NULL,"
    " threshold bigint NOT NULL, value bigint, date bigint NOT NULL, day bigint, after bigint,"
    " open_start bigint NOT NULL, slowest text, scope text NOT NULL DEFAULT '',"
    " PRIMARY KEY(kind, subject, threshold, scope));"
    "CREATE INDEX milestones_date ON milestones(date);"
    "CREATE INDEX milestones_subject ON milestones(subject);"
    "CREATE TABLE event_log(seq bigserial PRIMARY KEY, chart integer NOT NULL, data bytea NOT NULL);"
    "CREATE TABLE claims_kept(id integer PRIMARY KEY CHECK(id = 1), since bigint NOT NULL,"
    " events bigint NOT NULL, data bytea NOT NULL);"
    "CREATE TABLE corrections(track text NOT NULL, date bigint NOT NULL, previous_date bigint NOT NULL,"
    " previous bigint NOT NULL, value bigint NOT NULL, PRIMARY KEY(track, date));"
    /* the caches beside the store, one generation per kind, in parts */
    "CREATE TABLE side_blobs(kind text NOT NULL, part integer NOT NULL, gen bigint NOT NULL,"
    " length bigint NOT NULL, hash bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY(kind, part));"
    "CREATE TABLE imports(id bigserial PRIMARY KEY, at text NOT NULL, file text NOT NULL,"
    " format text NOT NULL, checksum text NOT NULL, rows bigint, taken bigint, refused bigint,"
    " added bigint, changed bigint);"
    "CREATE TABLE sales(release text NOT NULL, source text NOT NULL, period_start bigint NOT NULL,"
    " period_end bigint, timezone text, copies bigint NOT NULL, note text,"
    " PRIMARY KEY(release, source, period_start));"
    "CREATE TABLE awards(ceremony text NOT NULL, year bigint NOT NULL, category text NOT NULL,"
    " nominee_type bigint NOT NULL, nominee text NOT NULL, result text,"
    " PRIMARY KEY(ceremony, year, category, nominee_type, nominee));"
    "CREATE TABLE chart_entries(chart text NOT NULL, country text NOT NULL, period bigint NOT NULL,"
    " rank bigint NOT NULL, track text NOT NULL, streams bigint,"
    " PRIMARY KEY(chart, country, period, rank));"
    "CREATE INDEX chart_entries_track ON chart_entries(track);"
    "CREATE TABLE release_totals(release text NOT NULL, date bigint NOT NULL, source text NOT NULL,"
    " total bigint NOT NULL, daily bigint, PRIMARY KEY(release, date, source));"
    /* encoded bytes do not compress: stored out of line as they are */
    "ALTER TABLE chunks ALTER data SET STORAGE EXTERNAL;"
    "ALTER TABLE tails ALTER data SET STORAGE EXTERNAL;"
    "ALTER TABLE event_log ALTER data SET STORAGE EXTERNAL;"
    "ALTER TABLE side_blobs ALTER data SET STORAGE EXTERNAL;";

/* The session's staging tables for bulk writes (emptied at each commit). */
static const char staging[] =
    "CREATE TEMP TABLE IF NOT EXISTS stage_chunks(ord bigint, key bigint, data bytea)"
    " ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS stage_tails(ord bigint, grp bigint, last_day bigint, data bytea)"
    " ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS stage_artists(ord bigint, id text, name text, country text,"
    " kind text, gender text, genres text, member_of text) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS stage_tracks(ord bigint, id text, title text, artists text,"
    " released bigint, same_as text, version_of text, series bigint, isrc text)"
    " ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS stage_releases(ord bigint, id text, title text, artists text,"
    " type text, date bigint) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS stage_tracklist(release text, position bigint, track text)"
    " ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS stage_milestones(ord bigint, subject_type text, subject text,"
    " kind text, threshold bigint, value bigint, date bigint, day bigint, after bigint,"
    " open_start bigint, slowest text, scope text) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS stage_corrections(ord bigint, track text, date bigint,"
    " previous_date bigint, previous bigint, value bigint) ON COMMIT DELETE ROWS;"
    "ALTER TABLE stage_chunks ALTER data SET STORAGE EXTERNAL;"
    "ALTER TABLE stage_tails ALTER data SET STORAGE EXTERNAL;";

/* One generation per kind in side_blobs, in parts of at most this many
 * bytes (a bytea holds at most 1 GB; a part is read whole into memory). */
#define SIDE_PART ((size_t)16 << 20)

enum { SIDE_CHECKPOINT, SIDE_CATALOG, SIDE_PREP, SIDE_FORECASTS, N_SIDES };
static const struct { const char *name; uint32_t magic; bool recycle; } side_kinds[N_SIDES] = {
    {"checkpoint", 0x4b435254u, true},
    {"catalog", 0x54414354u, false},
    {"prep", 0x50455254u, false},
    {"forecasts", 0x43465254u, true},
};

/* A growable byte buffer (COPY data, pending chunks). */
struct buf {
    char *p;
    size_t n, cap;
    bool failed;                 /* out of memory: the write fails */
};

/* A write waiting for the next flush: bytes in the pending buffer. */
struct pending {
    int64_t key;                 /* chunk key, or group for a tail */
    int64_t day;                 /* the tail's last day */
    size_t off, len;
};

struct pg_backend {
    struct tr_backend base;
    PGconn *conn;
    char *name;                  /* the URL without its password, for messages */
    bool in_txn, writing, locked, staged;
    bool has_isrc;               /* tracks has its isrc column (a store of an earlier build may not) */
    struct tr_side side[N_SIDES];
    char *cache;                 /* local cache prefix "DIR/STOREID", or NULL */
    /* chunks, tails and day counts not yet sent (flush_pending) */
    struct buf bytes;
    struct pending *chunks, *tails;
    size_t n_chunks, cap_chunks, n_tails, cap_tails;
    int64_t *day_delta;          /* pairs (day, delta) */
    size_t n_days, cap_days;
    uint8_t *pending_grp;        /* bit per group with a pending chunk */
    size_t grp_bytes;
};

static struct pg_backend *B(struct tr_backend *b) { return (struct pg_backend *)b; }

static void quiet(void *arg, const char *msg) { (void)arg; (void)msg; }

/* ---- errors and statements ------------------------------------------ */

/* A server message, its trailing newline cut. */
static int pg_fail(struct pg_backend *b, const PGresult *res, struct tr_error *err,
                   const char *what)
{
    char msg[400];
    snprintf(msg, sizeof msg, "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(b->conn));
    if (!msg[0])
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(b->conn));
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    /* 40001 serialization, 40P01 deadlock, 55P03 lock not available */
    int code = state && (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
                         !strcmp(state, "55P03")) ? TR_EBUSY : TR_ESTORE;
    return tr_error_set(err, code, "%s: %s: %s", b->name, what, msg[0] ? msg : "error");
}

static bool res_ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* Runs sql (no parameters, possibly several statements). */
static int run(struct pg_backend *b, const char *sql, struct tr_error *err)
{
    PGresult *r = PQexec(b->conn, sql);
    int rc = res_ok(r) ? 0 : pg_fail(b, r, err, "write");
    PQclear(r);
    return rc;
}

/* Parameters of one statement: text, or binary for bytea. */
#define MAX_PARAMS 12
struct params {
    int n;
    const char *v[MAX_PARAMS];
    int len[MAX_PARAMS], fmt[MAX_PARAMS];
    char num[MAX_PARAMS][24];
};

static void p_text(struct params *p, const char *s)
{
    p->v[p->n] = s;
    p->len[p->n] = 0;
    p->fmt[p->n++] = 0;
}

static void p_int(struct params *p, int64_t i)
{
    snprintf(p->num[p->n], sizeof p->num[p->n], "%" PRId64, i);
    p_text(p, p->num[p->n]);
}

static void p_day(struct params *p, tr_day d)
{
    if (d == TR_DAY_NONE)
        p_text(p, NULL);
    else
        p_int(p, d);
}

static void p_bytes(struct params *p, const void *d, size_t n)
{
    p->v[p->n] = n ? d : "";
    p->len[p->n] = (int)n;
    p->fmt[p->n++] = 1;
}

/* Runs sql with p; *out the result when wanted (rows), else cleared.
 * binary: results in binary (bytea columns; integers then as int8). */
static int query(struct pg_backend *b, const char *sql, const struct params *p, bool binary,
                 PGresult **out, const char *what, struct tr_error *err)
{
    PGresult *r = PQexecParams(b->conn, sql, p ? p->n : 0, NULL, p ? p->v : NULL,
                               p ? p->len : NULL, p ? p->fmt : NULL, binary);
    if (!res_ok(r)) {
        int rc = pg_fail(b, r, err, what);
        PQclear(r);
        return rc;
    }
    if (out)
        *out = r;
    else
        PQclear(r);
    return 0;
}

static uint64_t be64(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | (uint8_t)p[i];
    return v;
}

static uint32_t be32(const char *p)
{
    return (uint32_t)(uint8_t)p[0] << 24 | (uint32_t)(uint8_t)p[1] << 16 |
           (uint32_t)(uint8_t)p[2] << 8 | (uint8_t)p[3];
}

/* A bigint column of a binary result. */
static int64_t bin_i64(const PGresult *r, int row, int col)
{
    return PQgetlength(r, row, col) == 8 ? (int64_t)be64(PQgetvalue(r, row, col)) : 0;
}

static const char *col_text(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

static int64_t col_int(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static tr_day col_day(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? TR_DAY_NONE : (tr_day)col_int(r, row, col);
}

static int count_query(struct pg_backend *b, const char *sql, uint64_t *out, struct tr_error *err)
{
    PGresult *r;
    int rc = query(b, sql, NULL, false, &r, "count", err);
    if (rc)
        return rc;
    *out = PQntuples(r) ? (uint64_t)col_int(r, 0, 0) : 0;
    PQclear(r);
    return 0;
}

/* ---- buffers and COPY ------------------------------------------------ */

static void buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->n + n)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->failed = true;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void buf_be16(struct buf *b, int16_t v)
{
    uint8_t x[2] = {(uint8_t)((uint16_t)v >> 8), (uint8_t)v};
    buf_add(b, x, 2);
}

static void buf_be32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    buf_add(b, x, 4);
}

static void buf_be64(struct buf *b, uint64_t v)
{
    buf_be32(b, (uint32_t)(v >> 32));
    buf_be32(b, (uint32_t)v);
}

/* Binary COPY fields: an int8 and a bytea. */
static void bin_i64f(struct buf *b, int64_t v)
{
    buf_be32(b, 8);
    buf_be64(b, (uint64_t)v);
}

static void bin_bytes(struct buf *b, const void *p, size_t n)
{
    buf_be32(b, (uint32_t)n);
    buf_add(b, p, n);
}

static const char copy_header[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";   /* 19 bytes */

/* Text COPY fields, each followed by a tab or, last, a newline. */
static void txt_str(struct buf *b, const char *s, bool last)
{
    if (!s) {
        buf_add(b, "\\N", 2);
    } else {
        const char *run0 = s;
        for (; *s; s++) {
            const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n"
                            : *s == '\r' ? "\\r" : NULL;
            if (!esc)
                continue;
            buf_add(b, run0, (size_t)(s - run0));
            buf_add(b, esc, 2);
            run0 = s + 1;
        }
        buf_add(b, run0, (size_t)(s - run0));
    }
    buf_add(b, last ? "\n" : "\t", 1);
}

static void txt_int(struct buf *b, int64_t v, bool last)
{
    char n[24];
    snprintf(n, sizeof n, "%" PRId64, v);
    txt_str(b, n, last);
}

static void txt_day(struct buf *b, tr_day d, bool last)
{
    if (d == TR_DAY_NONE)
        txt_str(b, NULL, last);
    else
        txt_int(b, d, last);
}

/* Sends data (a whole COPY's rows, binary or text) with `sql` (COPY ...
 * FROM STDIN). */
static int copy_in(struct pg_backend *b, const char *sql, const char *data, size_t len,
                   const char *what, struct tr_error *err)
{
    PGresult *r = PQexec(b->conn, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        int rc = pg_fail(b, r, err, what);
        PQclear(r);
        return rc;
    }
    PQclear(r);
    int ok = 1;
    for (size_t off = 0; ok == 1 && off < len;) {
        size_t take = len - off < (1u << 20) ? len - off : 1u << 20;
        ok = PQputCopyData(b->conn, data + off, (int)take);
        off += take;
    }
    PQputCopyEnd(b->conn, ok == 1 ? NULL : "write failed");
    int rc = 0;
    while ((r = PQgetResult(b->conn))) {
        if (!rc && !res_ok(r))
            rc = pg_fail(b, r, err, what);
        PQclear(r);
    }
    return rc;
}

/* The session's staging tables, made once per session (they hold rows
 * only within a transaction). */
static int ensure_staging(struct pg_backend *b, struct tr_error *err)
{
    if (b->staged)
        return 0;
    int rc = run(b, staging, err);
    b->staged = rc == 0;
    return rc;
}

/* ---- pending chunks, tails and day counts ------------------------------ */

static int grow(void **v, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(*v, n * sz);
    if (!p)
        return TR_ENOMEM;
    *v = p;
    *cap = n;
    return 0;
}

static void pending_clear(struct pg_backend *b)
{
    b->bytes.n = 0;
    b->bytes.failed = false;
    b->n_chunks = b->n_tails = b->n_days = 0;
    if (b->pending_grp)
        memset(b->pending_grp, 0, b->grp_bytes);
}

static bool grp_pending(const struct pg_backend *b, uint32_t grp)
{
    return grp / 8 < b->grp_bytes && (b->pending_grp[grp / 8] >> (grp % 8) & 1);
}

/* Sends what is pending: binary COPY into the staging tables, then one
 * merge a table (the last write of a key wins, as INSERT OR REPLACE). */
static int flush_pending(struct pg_backend *b, struct tr_error *err)
{
    if (!b->n_chunks && !b->n_tails && !b->n_days)
        return 0;
    int rc = b->bytes.failed ? tr_error_set(err, TR_ENOMEM, "out of memory") : ensure_staging(b, err);
    struct buf c = {0};
    if (!rc && b->n_chunks) {
        buf_add(&c, copy_header, 19);
        for (size_t i = 0; i < b->n_chunks; i++) {
            buf_be16(&c, 3);
            bin_i64f(&c, (int64_t)i);
            bin_i64f(&c, b->chunks[i].key);
            bin_bytes(&c, b->bytes.p + b->chunks[i].off, b->chunks[i].len);
        }
        buf_be16(&c, -1);
        rc = c.failed ? tr_error_set(err, TR_ENOMEM, "out of memory")
                      : copy_in(b, "COPY stage_chunks FROM STDIN (FORMAT binary)", c.p, c.n,
                                "write chunks", err);
        if (!rc)
            rc = run(b, "INSERT INTO chunks(key, data) SELECT DISTINCT ON (key) key, data"
                        " FROM stage_chunks ORDER BY key, ord DESC"
                        " ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data;"
                        " TRUNCATE stage_chunks", err);
    }
    c.n = 0;
    if (!rc && b->n_tails) {
        buf_add(&c, copy_header, 19);
        for (size_t i = 0; i < b->n_tails; i++) {
            buf_be16(&c, 4);
            bin_i64f(&c, (int64_t)i);
            bin_i64f(&c, b->tails[i].key);
            bin_i64f(&c, b->tails[i].day);
            bin_bytes(&c, b->bytes.p + b->tails[i].off, b->tails[i].len);
        }
        buf_be16(&c, -1);
        rc = c.failed ? tr_error_set(err, TR_ENOMEM, "out of memory")
                      : copy_in(b, "COPY stage_tails FROM STDIN (FORMAT binary)", c.p, c.n,
                                "write tails", err);
        if (!rc)
            rc = run(b, "INSERT INTO tails(grp, last_day, data) SELECT DISTINCT ON (grp) grp,"
                        " last_day, data FROM stage_tails ORDER BY grp, ord DESC"
                        " ON CONFLICT (grp) DO UPDATE SET last_day = EXCLUDED.last_day,"
                        " data = EXCLUDED.data; TRUNCATE stage_tails", err);
    }
    free(c.p);
    for (size_t i = 0; !rc && i < b->n_days; i++) {
        struct params p = {0};
        p_int(&p, b->day_delta[2 * i]);
        p_int(&p, b->day_delta[2 * i + 1]);
        rc = query(b, "INSERT INTO days(day, observations) VALUES($1, $2) ON CONFLICT(day)"
                      " DO UPDATE SET observations = days.observations + EXCLUDED.observations",
                   &p, false, NULL, "write day", err);
    }
    pending_clear(b);
    return rc;
}

/* Keeps n bytes as pending; their offset in *off. */
static int pending_bytes(struct pg_backend *b, const void *data, size_t n, size_t *off,
                         struct tr_error *err)
{
    *off = b->bytes.n;
    buf_add(&b->bytes, data, n);
    return b->bytes.failed ? tr_error_set(err, TR_ENOMEM, "out of memory") : 0;
}

/* Pending writes are sent when they pass this many bytes. */
#define PENDING_MAX ((size_t)64 << 20)

/* ---- transactions ------------------------------------------------------ */

static void sides_end(struct pg_backend *b, bool committed)
{
    for (int k = 0; k < N_SIDES; k++)
        if (b->cache)
            tr_side_end(&b->side[k], committed);
}

/* Waits for the local files being written.  One that failed is only a
 * cache (the database holds the bytes): it is removed at the end. */
static void sides_wait(struct pg_backend *b)
{
    for (int k = 0; k < N_SIDES; k++)
        if (b->cache)
            tr_side_wait(&b->side[k], NULL);
}

/* The writers' lock, per schema (two stores in one database are two). */
static const char lock_key[] = "hashtext('trackrecord:' || current_schema())";

static void unlock_writer(struct pg_backend *b)
{
    if (!b->locked)
        return;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_unlock(%s)", lock_key);
    PQclear(PQexec(b->conn, sql));
    b->locked = false;
}

static void end_txn(struct pg_backend *b, bool committed)
{
    b->in_txn = b->writing = false;
    pending_clear(b);
    sides_end(b, committed);
    unlock_writer(b);
}

static int pg_begin(struct tr_backend *base, bool write, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    if (write) {
        /* taken before the snapshot, so that the writer sees the commit of
         * the one before it */
        char sql[160];
        PGresult *r;
        snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock(%s)", lock_key);
        int rc = query(b, sql, NULL, false, &r, "lock", err);
        if (rc)
            return rc;
        b->locked = PQntuples(r) == 1 && col_text(r, 0, 0)[0] == 't';
        PQclear(r);
        if (!b->locked)
            return tr_error_set(err, TR_EBUSY, "%s: another import is writing to this store;"
                                " run this one when it has finished", b->name);
    }
    int rc = run(b, write ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                          : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
    if (rc) {
        unlock_writer(b);
        return rc;
    }
    b->in_txn = true;
    b->writing = write;
    return 0;
}

static int pg_commit(struct tr_backend *base, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    int rc = flush_pending(b, err);
    sides_wait(b);
    /* every write moves the number readers compare (pg_data_version) */
    if (!rc && b->writing)
        rc = run(b, "INSERT INTO meta(key, value) VALUES('data_version', '1') ON CONFLICT (key)"
                    " DO UPDATE SET value = (meta.value::bigint + 1)::text", err);
    if (!rc)
        rc = run(b, "COMMIT", err);
    if (rc) {
        PQclear(PQexec(b->conn, "ROLLBACK"));
        end_txn(b, false);
        return rc;
    }
    end_txn(b, true);
    return 0;
}

static void pg_rollback(struct tr_backend *base)
{
    struct pg_backend *b = B(base);
    if (b->in_txn)
        PQclear(PQexec(b->conn, "ROLLBACK"));
    end_txn(b, false);
}

static void pg_close(struct tr_backend *base)
{
    struct pg_backend *b = B(base);
    if (!b)
        return;
    if (b->in_txn)
        pg_rollback(base);
    PQfinish(b->conn);
    free(b->bytes.p);
    free(b->chunks);
    free(b->tails);
    free(b->day_delta);
    free(b->pending_grp);
    free(b->cache);
    free(b->name);
    free(b);
}

/* ---- settings ------------------------------------------------------------ */

static int pg_get_meta(struct tr_backend *base, const char *key, char **value,
                       struct tr_error *err)
{
    struct pg_backend *b = B(base);
    struct params p = {0};
    PGresult *r;
    p_text(&p, key);
    *value = NULL;
    int rc = query(b, "SELECT value FROM meta WHERE key = $1", &p, false, &r, "read setting", err);
    if (rc)
        return rc;
    if (PQntuples(r) && !(*value = strdup(PQgetvalue(r, 0, 0))))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    PQclear(r);
    return rc;
}

/* The count of write transactions committed, as the snapshot sees it. */
static int pg_data_version(struct tr_backend *base, uint64_t *out, struct tr_error *err)
{
    char *v = NULL;
    int rc = pg_get_meta(base, "data_version", &v, err);
    *out = v ? strtoull(v, NULL, 10) : 0;
    free(v);
    return rc;
}

static int pg_set_meta(struct tr_backend *base, const char *key, const char *value,
                       struct tr_error *err)
{
    struct params p = {0};
    p_text(&p, key);
    p_text(&p, value);
    return query(B(base), "INSERT INTO meta(key, value) VALUES($1, $2) ON CONFLICT (key)"
                          " DO UPDATE SET value = EXCLUDED.value", &p, false, NULL,
                 "write setting", err);
}

/* ---- the caches beside the store ---------------------------------------- */

static int side_generation(struct pg_backend *b, int k, uint64_t *gen, struct tr_error *err)
{
    char *v = NULL;
    int rc = pg_get_meta(&b->base, side_kinds[k].name, &v, err);
    *gen = v ? strtoull(v, NULL, 10) : 0;
    free(v);
    return rc;
}

static void release_free(void *data, size_t len, void *ctx)
{
    (void)len;
    (void)ctx;
    free(data);
}

/* Names generation gen of cache k in meta. */
static int side_name(struct pg_backend *b, int k, uint64_t gen, struct tr_error *err)
{
    char num[24];
    snprintf(num, sizeof num, "%" PRIu64, gen);
    return pg_set_meta(&b->base, side_kinds[k].name, num, err);
}

/* The rows of one cache generation, by binary COPY: the parts' bytes are
 * sent from data itself. */
static int copy_side_rows(struct pg_backend *b, const char *name, uint64_t gen, const void *data,
                          size_t len, struct tr_error *err)
{
    uint64_t hash = XXH64(data, len, 0);
    int rc = 0;
    PGresult *r = PQexec(b->conn, "COPY side_blobs(kind, part, gen, length, hash, data)"
                                  " FROM STDIN (FORMAT binary)");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        rc = pg_fail(b, r, err, "write cache");
    PQclear(r);
    if (rc)
        return rc;
    int ok = PQputCopyData(b->conn, copy_header, 19);
    for (size_t off = 0, part = 0; ok == 1 && (off < len || part == 0); part++) {
        size_t take = len - off < SIDE_PART ? len - off : SIDE_PART;
        struct buf h = {0};
        buf_be16(&h, 6);
        bin_bytes(&h, name, strlen(name));
        buf_be32(&h, 4);
        buf_be32(&h, (uint32_t)part);
        bin_i64f(&h, (int64_t)gen);
        bin_i64f(&h, (int64_t)len);
        bin_i64f(&h, (int64_t)hash);
        buf_be32(&h, (uint32_t)take);
        ok = h.failed ? -1 : PQputCopyData(b->conn, h.p, (int)h.n);
        free(h.p);
        for (size_t o = 0; ok == 1 && o < take;) {
            size_t piece = take - o < (1u << 20) ? take - o : 1u << 20;
            ok = PQputCopyData(b->conn, (const char *)data + off + o, (int)piece);
            o += piece;
        }
        off += take;
    }
    char end[2] = {(char)0xff, (char)0xff};
    if (ok == 1)
        ok = PQputCopyData(b->conn, end, 2);
    PQputCopyEnd(b->conn, ok == 1 ? NULL : "write failed");
    while ((r = PQgetResult(b->conn))) {
        if (!rc && !res_ok(r))
            rc = pg_fail(b, r, err, "write cache");
        PQclear(r);
    }
    return rc;
}

/* Writes data as cache k's next generation: its parts into side_blobs
 * (replacing the one before; older snapshots keep seeing theirs), meta
 * naming it, and the local file.  With owned, data is freed here (or by
 * the file's writer); else it must live until the commit. */
static int side_put(struct pg_backend *b, int k, void *data, size_t len, bool owned,
                    struct tr_error *err)
{
    uint64_t committed, gen = 0;
    int rc = side_generation(b, k, &committed, err);
    struct params p = {0};
    p_text(&p, side_kinds[k].name);
    if (!rc)
        rc = query(b, "DELETE FROM side_blobs WHERE kind = $1", &p, false, NULL, "write cache", err);
    /* the generation tr_side_put gives the file */
    gen = (b->side[k].written > committed ? b->side[k].written : committed) + 1;
    if (!rc)
        rc = copy_side_rows(b, side_kinds[k].name, gen, data, len, err);
    if (!rc && b->cache) {
        uint64_t g;
        return (rc = tr_side_put(&b->side[k], committed, data, len, owned, &g, err)) ? rc
               : side_name(b, k, g, err);
    }
    if (owned)
        free(data);
    return rc ? rc : side_name(b, k, gen, err);
}

/* Cache k's generation gen: from the local file when it holds what the
 * database does (length and XXH64), else from the database (and then kept
 * in the file for the next run).  *data NULL when the database has none.
 * map: mapped (released by *release) rather than read into memory. */
static int side_get(struct pg_backend *b, int k, uint64_t gen, bool map, void **data,
                    size_t *len, void (**release)(void *, size_t, void *), struct tr_error *err)
{
    struct params p = {0};
    PGresult *r;
    *data = NULL;
    *len = 0;
    if (release)
        *release = release_free;
    p_text(&p, side_kinds[k].name);
    p_int(&p, (int64_t)gen);
    int rc = query(b, "SELECT length, hash FROM side_blobs WHERE kind = $1 AND gen = $2 AND part = 0",
                   &p, false, &r, "read cache", err);
    if (rc)
        return rc;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return 0;
    }
    uint64_t want_len = (uint64_t)col_int(r, 0, 0), want_hash = (uint64_t)col_int(r, 0, 1);
    PQclear(r);
    if (b->cache) {
        void *d, *unmap_ctx;      /* NULL: one checksum, as this cache is written */
        size_t n;
        if (map)
            tr_side_map(&b->side[k], gen, &d, &n, &unmap_ctx);
        else
            tr_side_read(&b->side[k], gen, &d, &n);
        if (d && n == want_len && XXH64(d, n, 0) == want_hash) {
            *data = d;
            *len = n;
            if (release)
                *release = map ? tr_side_unmap : release_free;
            return 0;
        }
        if (d && map)
            tr_side_unmap(d, n, NULL);
        else
            free(d);
    }
    /* from the database, part by part */
    char *all = want_len <= SIZE_MAX ? malloc(want_len ? (size_t)want_len : 1) : NULL;
    if (!all)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    size_t got = 0;
    rc = query(b, "SELECT data FROM side_blobs WHERE kind = $1 AND gen = $2 ORDER BY part", &p,
               true, &r, "read cache", err);
    if (rc) {
        free(all);
        return rc;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        size_t n = (size_t)PQgetlength(r, i, 0);
        if (got + n > want_len)
            break;
        memcpy(all + got, PQgetvalue(r, i, 0), n);
        got += n;
    }
    PQclear(r);
    if (got != want_len || XXH64(all, got, 0) != want_hash) {
        free(all);               /* damaged: read as none, like a file */
        return 0;
    }
    if (b->cache && gen) {
        /* kept for the next run on this machine; a failure only costs that */
        struct tr_side s = b->side[k];
        uint64_t g;
        s.base = s.written = 0;
        s.job = NULL;
        if (tr_side_put(&s, gen - 1, all, got, false, &g, NULL) == 0)
            tr_side_end(&s, true);
    }
    *data = all;
    *len = got;
    return 0;
}

/* ---- catalog ------------------------------------------------------------ */

static int resolve_list(struct tr_catalog *c, const char *text, uint32_t **out, uint32_t *n)
{
    uint32_t buf[256], k = 0;
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return TR_ENOMEM;
    for (char *tok = strtok_r(copy, ";", &save); tok && k < 256; tok = strtok_r(NULL, ";", &save)) {
        uint32_t i = tr_catalog_artist(c, tok);
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

/* The catalog from its tables (when no snapshot fits). */
static int catalog_from_tables(struct pg_backend *b, struct tr_catalog *c, struct tr_error *err)
{
    PGresult *r;
    int rc = query(b, "SELECT id, name, country, kind, gender, genres, member_of FROM artists"
                      " ORDER BY seq", NULL, false, &r, "read artists", err);
    if (rc)
        return rc;
    int n = PQntuples(r);
    for (int i = 0; !rc && i < n; i++) {
        uint32_t a;
        if ((rc = tr_catalog_add_artist(c, col_text(r, i, 0), &a, NULL)))
            break;
        struct tr_artist *x = &c->artists[a];
        rc = tr_catalog_set_str(c, &x->name, col_text(r, i, 1));
        snprintf(x->country, sizeof x->country, "%s", col_text(r, i, 2));
        tr_artist_kind_parse(col_text(r, i, 3), &x->kind);
        tr_gender_parse(col_text(r, i, 4), &x->gender);
        if (!rc)
            rc = split_strings(c, col_text(r, i, 5), &x->genres, &x->n_genres);
    }
    for (int i = 0; !rc && i < n; i++) {   /* member_of may name a later artist */
        struct tr_artist *x = &c->artists[tr_catalog_artist(c, col_text(r, i, 0))];
        rc = resolve_list(c, col_text(r, i, 6), &x->member_of, &x->n_member_of);
    }
    PQclear(r);
    if (!rc && !(rc = query(b, b->has_isrc ? "SELECT id, title, artists, released, same_as,"
                                             " version_of, series, isrc FROM tracks ORDER BY series"
                                           : "SELECT id, title, artists, released, same_as,"
                                             " version_of, series, '' FROM tracks ORDER BY series",
                            NULL, false, &r, "read tracks", err))) {
        n = PQntuples(r);
        for (int i = 0; !rc && i < n; i++) {
            uint32_t t;
            if ((rc = tr_catalog_add_track(c, col_text(r, i, 0), (uint32_t)col_int(r, i, 6), &t, NULL)))
                break;
            struct tr_track *x = &c->tracks[t];
            x->released = col_day(r, i, 3);
            snprintf(x->isrc, sizeof x->isrc, "%s", col_text(r, i, 7));
            rc = tr_catalog_set_str(c, &x->title, col_text(r, i, 1));
            if (!rc)
                rc = resolve_list(c, col_text(r, i, 2), &x->artists, &x->n_artists);
        }
        for (int i = 0; !rc && i < n; i++) {
            const char *same = col_text(r, i, 4), *ver = col_text(r, i, 5);
            if (!*same && !*ver)
                continue;
            struct tr_track *x = &c->tracks[tr_catalog_track(c, col_text(r, i, 0))];
            x->same_as = *same ? tr_catalog_track(c, same) : TR_NONE;
            x->version_of = *ver ? tr_catalog_track(c, ver) : TR_NONE;
        }
        PQclear(r);
    }
    if (!rc && !(rc = query(b, "SELECT id, title, artists, type, date FROM releases ORDER BY seq",
                            NULL, false, &r, "read releases", err))) {
        n = PQntuples(r);
        for (int i = 0; !rc && i < n; i++) {
            uint32_t k;
            if ((rc = tr_catalog_add_release(c, col_text(r, i, 0), &k, NULL)))
                break;
            struct tr_release *x = &c->releases[k];
            x->date = col_day(r, i, 4);
            tr_release_type_parse(col_text(r, i, 3), &x->type);
            rc = tr_catalog_set_str(c, &x->title, col_text(r, i, 1));
            if (!rc)
                rc = resolve_list(c, col_text(r, i, 2), &x->artists, &x->n_artists);
        }
        PQclear(r);
    }
    if (!rc && !(rc = query(b, "SELECT release, track FROM tracklist ORDER BY release, position",
                            NULL, false, &r, "read track lists", err))) {
        n = PQntuples(r);
        uint32_t *list = malloc(((size_t)n + 1) * sizeof *list);
        rc = list ? 0 : TR_ENOMEM;
        for (int i = 0; !rc && i < n;) {
            const char *rid = col_text(r, i, 0);
            uint32_t k = 0;
            int j = i;
            for (; j < n && strcmp(col_text(r, j, 0), rid) == 0; j++) {
                uint32_t t = tr_catalog_track(c, col_text(r, j, 1));
                if (t != TR_NONE)
                    list[k++] = t;
            }
            uint32_t rel = tr_catalog_release(c, rid);
            if (rel != TR_NONE)
                rc = tr_catalog_set_list(c, &c->releases[rel].tracks, &c->releases[rel].n_tracks,
                                         list, k);
            i = j;
        }
        free(list);
        PQclear(r);
    }
    return rc && !err->code ? tr_error_set(err, rc, "%s: loading the catalog: %s", b->name,
                                           tr_strerror(rc)) : rc;
}

static int write_catalog_side(struct pg_backend *b, const struct tr_catalog *c,
                              struct tr_error *err)
{
    void *blob = NULL;
    size_t len = 0;
    int rc = tr_catalog_snapshot(c, &blob, &len);
    if (rc)
        return tr_error_set(err, rc, "catalog snapshot: out of memory");
    return side_put(b, SIDE_CATALOG, blob, len, true, err);
}

/* Whole even when asked for lazily: the snapshot is read into memory
 * (joined from its parts) before any of it is used. */
static int pg_load_catalog(struct tr_backend *base, bool lazy, struct tr_catalog **out,
                           struct tr_error *err)
{
    (void)lazy;
    struct pg_backend *b = B(base);
    struct tr_error local = {0};
    if (!err)
        err = &local;
    uint64_t na = 0, nr = 0, nt = 0, ns = 0, gen = 0;
    int rc = count_query(b, "SELECT count(*) FROM artists", &na, err);
    if (!rc)
        rc = count_query(b, "SELECT count(*) FROM releases", &nr, err);
    if (!rc)
        rc = side_generation(b, SIDE_CATALOG, &gen, err);
    if (rc)
        return rc;
    struct tr_catalog *c = NULL;
    bool from_snapshot = false;
    if (gen) {
        void *bytes;
        size_t len;
        void (*release)(void *, size_t, void *);
        if ((rc = side_get(b, SIDE_CATALOG, gen, true, &bytes, &len, &release, err)))
            return rc;
        if (bytes && (rc = tr_catalog_adopt_snapshot(bytes, len, release, NULL, NULL, &c)))
            release(bytes, len, NULL);
        if (rc == TR_ENOMEM)
            return tr_error_set(err, rc, "loading the catalog: out of memory");
        rc = 0;
    }
    if (c && ((uint64_t)c->n_artists != na || (uint64_t)c->n_releases != nr)) {
        tr_catalog_free(c);      /* a snapshot that does not match the tables */
        c = NULL;
    }
    from_snapshot = c != NULL;
    if (!c) {
        if ((rc = count_query(b, "SELECT count(*) FROM tracks", &nt, err)) ||
            (rc = count_query(b, "SELECT coalesce(max(series) + 1, 0) FROM tracks", &ns, err)))
            return rc;
        nt = nt > ns ? nt : ns;
        if (!(c = tr_catalog_new_sized((uint32_t)na, (uint32_t)nr, (uint32_t)nt)))
            return tr_error_set(err, TR_ENOMEM, "out of memory");
        if ((rc = catalog_from_tables(b, c, err))) {
            tr_catalog_free(c);
            return rc;
        }
    }
    rc = tr_catalog_resolve(c, err);
    if (!rc && !from_snapshot && b->writing && (c->n_artists || c->n_releases || c->n_tracks))
        rc = write_catalog_side(b, c, err);
    if (rc) {
        tr_catalog_free(c);
        return rc;
    }
    tr_catalog_clean(c);
    *out = c;
    return 0;
}

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
    for (uint32_t i = 0; i < n; i++)
        p += sprintf(p, "%s%s", i ? ";" : "",
                     t == TR_SUBJECT_ARTIST ? c->artists[list[i]].id : c->tracks[list[i]].id);
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

/* Sends rows (text COPY) to a staging table and runs merge; nothing when
 * there are no rows. */
static int stage_merge(struct pg_backend *b, struct buf *rows, const char *copy,
                       const char *merge, const char *what, struct tr_error *err)
{
    if (rows->failed)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    if (!rows->n)
        return 0;
    int rc = ensure_staging(b, err);
    if (!rc)
        rc = copy_in(b, copy, rows->p, rows->n, what, err);
    if (!rc)
        rc = run(b, merge, err);
    return rc;
}

static int save_artists(struct pg_backend *b, const struct tr_catalog *c, struct tr_error *err)
{
    struct buf rows = {0};
    int rc = 0;
    for (uint32_t i = 0; !rc && i < c->n_artists; i++) {
        if (!tr_catalog_is_dirty(c, TR_SUBJECT_ARTIST, i))
            continue;
        const struct tr_artist *a = &c->artists[i];
        char *genres = join_strings(a->genres, a->n_genres);
        char *member_of = join_ids(c, TR_SUBJECT_ARTIST, a->member_of, a->n_member_of);
        if (!genres || !member_of) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        } else {
            txt_int(&rows, i, false);
            txt_str(&rows, a->id, false);
            txt_str(&rows, a->name ? a->name : "", false);
            txt_str(&rows, a->country, false);
            txt_str(&rows, tr_artist_kind_name(a->kind), false);
            txt_str(&rows, tr_gender_name(a->gender), false);
            txt_str(&rows, genres, false);
            txt_str(&rows, member_of, true);
        }
        free(genres);
        free(member_of);
    }
    if (!rc)
        rc = stage_merge(b, &rows, "COPY stage_artists FROM STDIN",
                         "INSERT INTO artists(id, name, country, kind, gender, genres, member_of)"
                         " SELECT id, name, country, kind, gender, genres, member_of FROM stage_artists"
                         " ORDER BY ord ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,"
                         " country = EXCLUDED.country, kind = EXCLUDED.kind, gender = EXCLUDED.gender,"
                         " genres = EXCLUDED.genres, member_of = EXCLUDED.member_of;"
                         " TRUNCATE stage_artists", "write artists", err);
    free(rows.p);
    return rc;
}

static int save_tracks(struct pg_backend *b, const struct tr_catalog *c, struct tr_error *err)
{
    struct buf rows = {0};
    int rc = 0;
    for (uint32_t i = 0; !rc && i < c->n_tracks; i++) {
        if (!tr_catalog_is_dirty(c, TR_SUBJECT_TRACK, i))
            continue;
        const struct tr_track *t = &c->tracks[i];
        char *artists = join_ids(c, TR_SUBJECT_ARTIST, t->artists, t->n_artists);
        if (!artists) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            break;
        }
        txt_int(&rows, i, false);
        txt_str(&rows, t->id, false);
        txt_str(&rows, t->title ? t->title : "", false);
        txt_str(&rows, artists, false);
        txt_day(&rows, t->released, false);
        txt_str(&rows, t->same_as != TR_NONE ? c->tracks[t->same_as].id : "", false);
        txt_str(&rows, t->version_of != TR_NONE ? c->tracks[t->version_of].id : "", false);
        txt_int(&rows, t->own_series, false);
        txt_str(&rows, t->isrc, true);
        free(artists);
    }
    if (!rc)
        rc = stage_merge(b, &rows, "COPY stage_tracks FROM STDIN",
                         "INSERT INTO tracks(id, title, artists, released, same_as, version_of, series,"
                         " isrc) SELECT id, title, artists, released, same_as, version_of, series, isrc"
                         " FROM stage_tracks ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title,"
                         " artists = EXCLUDED.artists, released = EXCLUDED.released,"
                         " same_as = EXCLUDED.same_as, version_of = EXCLUDED.version_of,"
                         " series = EXCLUDED.series, isrc = EXCLUDED.isrc; TRUNCATE stage_tracks",
                         "write tracks", err);
    free(rows.p);
    return rc;
}

static int save_releases(struct pg_backend *b, const struct tr_catalog *c, struct tr_error *err)
{
    struct buf rows = {0}, list = {0};
    int rc = 0;
    for (uint32_t i = 0; !rc && i < c->n_releases; i++) {
        if (!tr_catalog_is_dirty(c, TR_SUBJECT_RELEASE, i))
            continue;
        const struct tr_release *r = &c->releases[i];
        char *artists = join_ids(c, TR_SUBJECT_ARTIST, r->artists, r->n_artists);
        if (!artists) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            break;
        }
        txt_int(&rows, i, false);
        txt_str(&rows, r->id, false);
        txt_str(&rows, r->title ? r->title : "", false);
        txt_str(&rows, artists, false);
        txt_str(&rows, tr_release_type_name(r->type), false);
        txt_day(&rows, r->date, true);
        free(artists);
        for (uint32_t k = 0; k < r->n_tracks; k++) {
            txt_str(&list, r->id, false);
            txt_int(&list, k + 1, false);
            txt_str(&list, c->tracks[r->tracks[k]].id, true);
        }
    }
    if (!rc)
        rc = stage_merge(b, &rows, "COPY stage_releases FROM STDIN",
                         "INSERT INTO releases(id, title, artists, type, date)"
                         " SELECT id, title, artists, type, date FROM stage_releases ORDER BY ord"
                         " ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title,"
                         " artists = EXCLUDED.artists, type = EXCLUDED.type, date = EXCLUDED.date;"
                         " DELETE FROM tracklist WHERE release IN (SELECT id FROM stage_releases);"
                         " TRUNCATE stage_releases", "write releases", err);
    if (!rc)
        rc = stage_merge(b, &list, "COPY stage_tracklist FROM STDIN",
                         "INSERT INTO tracklist SELECT * FROM stage_tracklist;"
                         " TRUNCATE stage_tracklist", "write track lists", err);
    free(rows.p);
    free(list.p);
    return rc;
}

static int pg_save_catalog(struct tr_backend *base, const struct tr_catalog *c, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    int rc = save_artists(b, c, err);
    if (!rc)
        rc = save_tracks(b, c, err);
    if (!rc)
        rc = save_releases(b, c, err);
    return rc ? rc : write_catalog_side(b, c, err);
}

/* ---- series --------------------------------------------------------------- */

/* shifted unsigned: a day before 1970 is negative, and shifting a negative value is undefined */
static int64_t chunk_key(tr_day day, uint32_t grp) { return (int64_t)(((uint64_t)(int64_t)day << 20) | grp); }

static int pg_get_chunk(struct tr_backend *base, tr_day day, uint32_t grp, uint8_t **data,
                        size_t *len, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    *data = NULL;
    *len = 0;
    int rc = grp_pending(b, grp) ? flush_pending(b, err) : 0;
    struct params p = {0};
    PGresult *r;
    p_int(&p, chunk_key(day, grp));
    if (rc || (rc = query(b, "SELECT data FROM chunks WHERE key = $1", &p, true, &r, "read chunk", err)))
        return rc;
    if (PQntuples(r)) {
        *len = (size_t)PQgetlength(r, 0, 0);
        if (!(*data = malloc(*len ? *len : 1)))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        else
            memcpy(*data, PQgetvalue(r, 0, 0), *len);
    }
    PQclear(r);
    return rc;
}

static int pg_put_chunk(struct tr_backend *base, tr_day day, uint32_t grp, const uint8_t *data,
                        size_t len, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    if (grow((void **)&b->chunks, &b->cap_chunks, b->n_chunks + 1, sizeof *b->chunks))
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    if (grp / 8 >= b->grp_bytes) {           /* the bitmap, its new bytes cleared */
        size_t had = b->grp_bytes;
        if (grow((void **)&b->pending_grp, &b->grp_bytes, grp / 8 + 1, 1))
            return tr_error_set(err, TR_ENOMEM, "out of memory");
        memset(b->pending_grp + had, 0, b->grp_bytes - had);
    }
    struct pending *c = &b->chunks[b->n_chunks];
    c->key = chunk_key(day, grp);
    int rc = pending_bytes(b, data, len, &c->off, err);
    if (rc)
        return rc;
    c->len = len;
    b->n_chunks++;
    b->pending_grp[grp / 8] |= (uint8_t)(1u << (grp % 8));
    return b->bytes.n > PENDING_MAX ? flush_pending(b, err) : 0;
}

/* Parses a binary COPY TO of (key bigint, data bytea) rows, calling fn. */
static int copy_out_chunks(struct pg_backend *b, const char *sql, tr_chunk_fn fn, void *ctx,
                           struct tr_error *err)
{
    int rc = flush_pending(b, err);
    if (rc)
        return rc;
    PGresult *r = PQexec(b->conn, sql);
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        rc = pg_fail(b, r, err, "scan chunks");
        PQclear(r);
        return rc;
    }
    PQclear(r);
    bool first = true, stop = false;
    char *msg;
    int n;
    while ((n = PQgetCopyData(b->conn, &msg, 0)) > 0) {
        const char *p = msg, *end = msg + n;
        if (first) {             /* the header leads the first row's message */
            first = false;
            if (n < 19 || memcmp(msg, "PGCOPY\n\377\r\n", 11) != 0) {
                rc = tr_error_set(err, TR_ESTORE, "%s: scan chunks: not a binary copy", b->name);
            } else {
                p += 19 + be32(msg + 15);
            }
        }
        if (!rc && !stop && end - p >= 2 && !(p[0] == (char)0xff && p[1] == (char)0xff)) {
            /* 2 fields: int8 key, bytea data */
            if (end - p < 2 + 4 + 8 + 4) {
                rc = tr_error_set(err, TR_ESTORE, "%s: scan chunks: short row", b->name);
            } else {
                int64_t key = (int64_t)be64(p + 6);
                uint32_t len = be32(p + 14);
                if ((size_t)(end - (p + 18)) < len)
                    rc = tr_error_set(err, TR_ESTORE, "%s: scan chunks: short row", b->name);
                else if ((rc = fn(ctx, (tr_day)(key >> 20), (uint32_t)(key & 0xFFFFF),
                                  (const uint8_t *)p + 18, len)))
                    stop = true;     /* read the rest away, then pass rc back */
            }
        }
        PQfreemem(msg);
        if (rc && !stop) {
            stop = true;
        }
    }
    if (n == -2 && !rc)
        rc = pg_fail(b, NULL, err, "scan chunks");
    while ((r = PQgetResult(b->conn))) {
        if (!rc && !res_ok(r))
            rc = pg_fail(b, r, err, "scan chunks");
        PQclear(r);
    }
    return rc;
}

static int pg_scan_days(struct tr_backend *base, tr_day from, tr_chunk_fn fn, void *ctx,
                        struct tr_error *err)
{
    char sql[160];
    snprintf(sql, sizeof sql, "COPY (SELECT key, data FROM chunks WHERE key >= %" PRId64
             " ORDER BY key) TO STDOUT (FORMAT binary)",
             from == TR_DAY_NONE ? INT64_MIN : chunk_key(from, 0));
    return copy_out_chunks(B(base), sql, fn, ctx, err);
}

static int pg_scan_group(struct tr_backend *base, uint32_t grp, tr_day from, tr_chunk_fn fn,
                         void *ctx, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    int rc = grp_pending(b, grp) ? flush_pending(b, err) : 0;
    struct params p = {0};
    PGresult *r;
    p_int(&p, from == TR_DAY_NONE ? INT32_MIN : from);
    p_int(&p, grp);
    /* one lookup per stored day: the days table lists them */
    if (rc || (rc = query(b, "SELECT c.key, c.data FROM days d JOIN chunks c"
                             " ON c.key = (d.day << 20) | $2::bigint WHERE d.day >= $1"
                             " ORDER BY d.day", &p, true, &r, "read chunks", err)))
        return rc;
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        int64_t key = bin_i64(r, i, 0);
        rc = fn(ctx, (tr_day)(key >> 20), (uint32_t)(key & 0xFFFFF),
                (const uint8_t *)PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1));
    }
    PQclear(r);
    return rc;
}

static int pg_get_tail(struct tr_backend *base, uint32_t grp, tr_day *last_day, uint64_t **values,
                       uint32_t *n, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    *values = NULL;
    *n = 0;
    *last_day = TR_DAY_NONE;
    const char *src = NULL;
    size_t len = 0;
    PGresult *r = NULL;
    for (size_t i = b->n_tails; i-- > 0;)   /* the latest pending one */
        if (b->tails[i].key == grp) {
            src = b->bytes.p + b->tails[i].off;
            len = b->tails[i].len;
            *last_day = (tr_day)b->tails[i].day;
            break;
        }
    if (!src) {
        struct params p = {0};
        p_int(&p, grp);
        int rc = query(b, "SELECT last_day, data FROM tails WHERE grp = $1", &p, true, &r,
                       "read tail", err);
        if (rc)
            return rc;
        if (!PQntuples(r)) {
            PQclear(r);
            return 0;
        }
        *last_day = (tr_day)bin_i64(r, 0, 0);
        src = PQgetvalue(r, 0, 1);
        len = (size_t)PQgetlength(r, 0, 1);
    }
    int rc = 0;
    *n = (uint32_t)(len / 8);
    if (!(*values = malloc(len ? len : 1)))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    else
        memcpy(*values, src, len);
    PQclear(r);
    return rc;
}

static int pg_put_tail(struct tr_backend *base, uint32_t grp, tr_day last_day,
                       const uint64_t *values, uint32_t n, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    if (grow((void **)&b->tails, &b->cap_tails, b->n_tails + 1, sizeof *b->tails))
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    struct pending *t = &b->tails[b->n_tails];
    t->key = grp;
    t->day = last_day;
    t->len = n * sizeof *values;
    int rc = pending_bytes(b, values, t->len, &t->off, err);
    if (rc)
        return rc;
    b->n_tails++;
    return b->bytes.n > PENDING_MAX ? flush_pending(b, err) : 0;
}

static int pg_count_day(struct tr_backend *base, tr_day day, int64_t delta, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    for (size_t i = 0; i < b->n_days; i++)
        if (b->day_delta[2 * i] == day) {
            b->day_delta[2 * i + 1] += delta;
            return 0;
        }
    if (grow((void **)&b->day_delta, &b->cap_days, 2 * (b->n_days + 1), sizeof *b->day_delta))
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    b->day_delta[2 * b->n_days] = day;
    b->day_delta[2 * b->n_days + 1] = delta;
    b->n_days++;
    return 0;
}

/* ---- events --------------------------------------------------------------- */

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

static int event_log_append(struct pg_backend *b, bool chart, const struct tr_milestone *ev,
                            size_t n, struct tr_error *err)
{
    if (!n)
        return 0;
    size_t len = tr_events_packed_size(ev, n);
    char *buf = malloc(len + TR_SEAL_LEN);
    if (!buf)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    tr_events_pack(ev, n, buf);
    if (b->base.sealed) {        /* the events, then the seal of their bytes */
        tr_seal_put(buf, len);
        len += TR_SEAL_LEN;
    }
    struct params p = {0};
    p_int(&p, chart);
    p_bytes(&p, buf, len);
    int rc = query(b, "INSERT INTO event_log(chart, data) VALUES($1, $2)", &p, false, NULL,
                   "write event log", err);
    free(buf);
    return rc;
}

static void milestone_row(struct buf *rows, const struct tr_catalog *c, size_t ord,
                          const struct tr_milestone *e, bool with_ord)
{
    if (with_ord)
        txt_int(rows, (int64_t)ord, false);
    txt_str(rows, tr_subject_type_name(e->subject_type), false);
    txt_str(rows, subject_id(c, e->subject_type, e->subject), false);
    txt_str(rows, tr_milestone_kind_name(e->kind), false);
    txt_int(rows, (int64_t)e->threshold, false);
    txt_int(rows, (int64_t)e->value, false);
    txt_int(rows, e->date, false);
    if (e->day != TR_DAYN_NONE)
        txt_int(rows, e->day, false);
    else
        txt_str(rows, NULL, false);
    txt_day(rows, e->after, false);
    txt_int(rows, e->open_start | e->baseline << 1, false);   /* 1: open_start, 2: baseline */
    txt_str(rows, e->slowest != TR_NONE ? c->tracks[e->slowest].id : NULL, false);
    txt_str(rows, tr_scope_name(e->scope), true);
}

static int pg_replace_events(struct tr_backend *base, const struct tr_catalog *c, bool append,
                             bool chart, const struct tr_milestone *ev, size_t n,
                             const struct tr_correction *corr, size_t n_corr,
                             struct tr_error *err)
{
    struct pg_backend *b = B(base);
    int rc = 0;
    if (chart)
        rc = run(b, "DELETE FROM milestones WHERE scope <> ''; DELETE FROM event_log WHERE chart = 1", err);
    else if (!append)
        rc = run(b, "DELETE FROM milestones WHERE scope = ''; DELETE FROM corrections;"
                    " DELETE FROM event_log WHERE chart = 0", err);
    if (!rc)
        rc = event_log_append(b, chart, ev, n, err);
    /* rows: straight into the table when its part was emptied above (the
     * engine finds each event once), else merged as INSERT OR REPLACE */
    bool merge = append && !chart;
    struct buf rows = {0};
    for (size_t i = 0; !rc && i < n; i++)
        milestone_row(&rows, c, i, &ev[i], merge);
    if (!rc && merge)
        rc = stage_merge(b, &rows, "COPY stage_milestones FROM STDIN",
                         "INSERT INTO milestones SELECT DISTINCT ON (kind, subject, threshold, scope)"
                         " subject_type, subject, kind, threshold, value, date, day, after, open_start,"
                         " slowest, scope FROM stage_milestones"
                         " ORDER BY kind, subject, threshold, scope, ord DESC"
                         " ON CONFLICT (kind, subject, threshold, scope) DO UPDATE SET"
                         " subject_type = EXCLUDED.subject_type, value = EXCLUDED.value,"
                         " date = EXCLUDED.date, day = EXCLUDED.day, after = EXCLUDED.after,"
                         " open_start = EXCLUDED.open_start, slowest = EXCLUDED.slowest;"
                         " TRUNCATE stage_milestones", "write milestones", err);
    else if (!rc && rows.n)
        rc = rows.failed ? tr_error_set(err, TR_ENOMEM, "out of memory")
                         : copy_in(b, "COPY milestones(subject_type, subject, kind, threshold, value,"
                                      " date, day, after, open_start, slowest, scope) FROM STDIN",
                                   rows.p, rows.n, "write milestones", err);
    rows.n = 0;
    for (size_t i = 0; !rc && i < n_corr; i++) {
        txt_int(&rows, (int64_t)i, false);
        txt_str(&rows, c->tracks[corr[i].track].id, false);
        txt_int(&rows, corr[i].date, false);
        txt_int(&rows, corr[i].previous_date, false);
        txt_int(&rows, (int64_t)corr[i].previous, false);
        txt_int(&rows, (int64_t)corr[i].value, true);
    }
    if (!rc)
        rc = stage_merge(b, &rows, "COPY stage_corrections FROM STDIN",
                         "INSERT INTO corrections SELECT DISTINCT ON (track, date) track, date,"
                         " previous_date, previous, value FROM stage_corrections"
                         " ORDER BY track, date, ord DESC ON CONFLICT (track, date) DO UPDATE SET"
                         " previous_date = EXCLUDED.previous_date, previous = EXCLUDED.previous,"
                         " value = EXCLUDED.value; TRUNCATE stage_corrections",
                         "write corrections", err);
    free(rows.p);
    return rc;
}

/* Every logged event, when the log adds up to the rows: *out NULL when it
 * does not (the rows are read then). */
static int event_log_read(struct pg_backend *b, const struct tr_catalog *c,
                          struct tr_milestone **out, size_t *n, struct tr_error *err)
{
    uint64_t rows = 0;
    *out = NULL;
    *n = 0;
    int rc = count_query(b, "SELECT count(*) FROM milestones", &rows, err);
    if (rc)
        return rc;
    struct tr_milestone *v = NULL;
    size_t nv = 0, cap = 0;
    if (rows && rows <= SIZE_MAX / sizeof *v && (v = malloc((size_t)rows * sizeof *v)))
        cap = (size_t)rows;
    /* row by row: a backfill's row runs to tens of megabytes */
    if (!PQsendQueryParams(b->conn, "SELECT data FROM event_log ORDER BY seq", 0, NULL, NULL,
                           NULL, NULL, 1) || !PQsetSingleRowMode(b->conn)) {
        free(v);
        return pg_fail(b, NULL, err, "read event log");
    }
    bool fits = true;
    PGresult *r;
    while ((r = PQgetResult(b->conn))) {
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_SINGLE_TUPLE && fits) {
            const char *d = PQgetvalue(r, 0, 0);
            size_t len = (size_t)PQgetlength(r, 0, 0);
            /* a damaged blob: the rows are read */
            fits = !b->base.sealed || tr_seal_ok(d, len);
            if (fits)
                fits = tr_events_unpack(c, d, b->base.sealed ? len - TR_SEAL_LEN : len, &v, &nv,
                                        &cap);
        }
        else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && !rc)
            rc = pg_fail(b, r, err, "read event log");
        PQclear(r);
    }
    if (rc || !fits || nv != rows) {
        free(v);
        return rc;
    }
    *out = v ? v : malloc(1);
    *n = nv;
    return *out ? 0 : tr_error_set(err, TR_ENOMEM, "out of memory");
}

static int load_event_rows(struct pg_backend *b, const struct tr_catalog *c,
                           const struct tr_milestone_filter *f, struct tr_milestone **out,
                           size_t *n, struct tr_error *err)
{
    bool by_type = f && f->subject_type >= 0, by_subject = by_type && f->subject != TR_NONE;
    bool by_kind = f && f->kind >= 0, by_date = f && f->since != TR_DAY_NONE;
    struct params p = {0};
    char sql[500], cond[200] = "";
    size_t k = 0;
    if (by_type) {
        p_text(&p, tr_subject_type_name(f->subject_type));
        k += (size_t)snprintf(cond + k, sizeof cond - k, " AND subject_type = $%d", p.n);
    }
    if (by_subject) {
        p_text(&p, subject_id(c, f->subject_type, f->subject));
        k += (size_t)snprintf(cond + k, sizeof cond - k, " AND subject = $%d", p.n);
    }
    if (by_kind) {
        p_text(&p, tr_milestone_kind_name(f->kind));
        k += (size_t)snprintf(cond + k, sizeof cond - k, " AND kind = $%d", p.n);
    }
    if (by_date) {
        p_int(&p, f->since);
        k += (size_t)snprintf(cond + k, sizeof cond - k, " AND date >= $%d", p.n);
    }
    snprintf(sql, sizeof sql, "SELECT subject_type, subject, kind, threshold, value, date, day,"
             " after, open_start, slowest, scope FROM milestones WHERE true%s", cond);
    PGresult *r;
    int rc = query(b, sql, &p, false, &r, "read milestones", err);
    if (rc)
        return rc;
    int rows = PQntuples(r);
    struct tr_milestone *v = malloc(((size_t)rows + 1) * sizeof *v);
    size_t cnt = 0;
    if (!v) {
        PQclear(r);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    for (int i = 0; i < rows; i++) {
        struct tr_milestone *e = &v[cnt];
        memset(e, 0, sizeof *e);
        const char *type = col_text(r, i, 0);
        e->subject_type = type[0] == 't' ? TR_SUBJECT_TRACK
                        : type[0] == 'r' ? TR_SUBJECT_RELEASE : TR_SUBJECT_ARTIST;
        e->subject = subject_index(c, e->subject_type, col_text(r, i, 1));
        if (e->subject == TR_NONE || tr_milestone_kind_parse(col_text(r, i, 2), &e->kind))
            continue;            /* the catalog changed under a stale event */
        e->threshold = (uint64_t)col_int(r, i, 3);
        e->value = (uint64_t)col_int(r, i, 4);
        e->date = (tr_day)col_int(r, i, 5);
        e->day = PQgetisnull(r, i, 6) ? TR_DAYN_NONE : (int32_t)col_int(r, i, 6);
        e->after = col_day(r, i, 7);
        e->open_start = col_int(r, i, 8) & 1;     /* 1: open_start, 2: baseline */
        e->baseline = col_int(r, i, 8) >> 1 & 1;
        e->slowest = PQgetisnull(r, i, 9) ? TR_NONE : tr_catalog_track(c, col_text(r, i, 9));
        const char *scope = col_text(r, i, 10);
        if (tr_scope_intern(scope, strlen(scope), &e->scope) == 0)
            cnt++;
    }
    PQclear(r);
    *out = v;
    *n = cnt;
    return 0;
}

static int pg_load_events(struct tr_backend *base, const struct tr_catalog *c,
                          const struct tr_milestone_filter *f, struct tr_milestone **out,
                          size_t *n, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    if (!f || (f->subject_type < 0 && f->subject == TR_NONE && f->kind < 0 &&
               f->since == TR_DAY_NONE)) {
        int rc = event_log_read(b, c, out, n, err);
        if (rc || *out)
            return rc;
    }
    return load_event_rows(b, c, f, out, n, err);
}

static int pg_load_corrections(struct tr_backend *base, const struct tr_catalog *c,
                               struct tr_correction **out, size_t *n, struct tr_error *err)
{
    PGresult *r;
    int rc = query(B(base), "SELECT track, date, previous_date, previous, value FROM corrections"
                            " ORDER BY date, track", NULL, false, &r, "read corrections", err);
    if (rc)
        return rc;
    int rows = PQntuples(r);
    struct tr_correction *v = malloc(((size_t)rows + 1) * sizeof *v);
    size_t cnt = 0;
    for (int i = 0; v && i < rows; i++) {
        uint32_t t = tr_catalog_track(c, col_text(r, i, 0));
        if (t != TR_NONE)
            v[cnt++] = (struct tr_correction){t, (tr_day)col_int(r, i, 1), (tr_day)col_int(r, i, 2),
                                              (uint64_t)col_int(r, i, 3), (uint64_t)col_int(r, i, 4)};
    }
    PQclear(r);
    if (!v)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *out = v;
    *n = cnt;
    return 0;
}

/* ---- checkpoint, preparation, kept claims ---------------------------------- */

static int pg_get_checkpoint(struct tr_backend *base, void **data, size_t *len,
                             struct tr_error *err)
{
    struct pg_backend *b = B(base);
    uint64_t gen;
    *data = NULL;
    *len = 0;
    int rc = side_generation(b, SIDE_CHECKPOINT, &gen, err);
    return rc || !gen ? rc : side_get(b, SIDE_CHECKPOINT, gen, false, data, len, NULL, err);
}

static int pg_put_checkpoint(struct tr_backend *base, const void *data, size_t len,
                             struct tr_error *err)
{
    struct pg_backend *b = B(base);
    if (!data) {
        struct params p = {0};
        p_text(&p, side_kinds[SIDE_CHECKPOINT].name);
        int rc = query(b, "DELETE FROM side_blobs WHERE kind = $1", &p, false, NULL,
                       "write checkpoint", err);
        return rc ? rc : pg_set_meta(base, side_kinds[SIDE_CHECKPOINT].name, "0", err);
    }
    return side_put(b, SIDE_CHECKPOINT, (void *)data, len, false, err);
}

static int pg_get_prep(struct tr_backend *base, void **data, size_t *len,
                       void (**release)(void *, size_t, void *), struct tr_error *err)
{
    struct pg_backend *b = B(base);
    uint64_t cat, gen;
    char *made_for = NULL;
    *data = NULL;
    *len = 0;
    *release = release_free;
    int rc = side_generation(b, SIDE_CATALOG, &cat, err);
    if (!rc)
        rc = side_generation(b, SIDE_PREP, &gen, err);
    if (!rc)
        rc = pg_get_meta(base, "prep_catalog", &made_for, err);
    if (!rc && cat && gen && made_for && strtoull(made_for, NULL, 10) == cat)
        rc = side_get(b, SIDE_PREP, gen, true, data, len, release, err);
    free(made_for);
    return rc;
}

static int pg_put_prep(struct tr_backend *base, void *data, size_t len, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    uint64_t cat;
    int rc = side_generation(b, SIDE_CATALOG, &cat, err);
    if (rc || !cat) {
        free(data);
        return rc;
    }
    char num[24];
    snprintf(num, sizeof num, "%" PRIu64, cat);
    if (!(rc = side_put(b, SIDE_PREP, data, len, true, err)))
        rc = pg_set_meta(base, "prep_catalog", num, err);
    return rc;
}

static int pg_get_forecasts(struct tr_backend *base, void **data, size_t *len,
                            struct tr_error *err)
{
    struct pg_backend *b = B(base);
    uint64_t gen;
    *data = NULL;
    *len = 0;
    int rc = side_generation(b, SIDE_FORECASTS, &gen, err);
    if (!rc && gen)
        rc = side_get(b, SIDE_FORECASTS, gen, false, data, len, NULL, err);
    /* not read as none: computed afresh, they could differ (keep.c) */
    if (!rc && gen && !*data)
        rc = tr_error_set(err, TR_ESTORE, "the store is damaged: the kept forecasts (side_blobs"
                          " generation %llu) fail their checksum (`trackrecord check --repair`"
                          " rebuilds them)", (unsigned long long)gen);
    return rc;
}

static int pg_put_forecasts(struct tr_backend *base, void *data, size_t len, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    if (!data) {
        struct params p = {0};
        p_text(&p, side_kinds[SIDE_FORECASTS].name);
        int rc = query(b, "DELETE FROM side_blobs WHERE kind = $1", &p, false, NULL,
                       "write forecasts", err);
        return rc ? rc : pg_set_meta(base, side_kinds[SIDE_FORECASTS].name, "0", err);
    }
    return side_put(b, SIDE_FORECASTS, data, len, true, err);
}

static int pg_get_claims(struct tr_backend *base, tr_day *since, uint64_t *n_events, void **data,
                         size_t *len, struct tr_error *err)
{
    PGresult *r;
    *data = NULL;
    *len = 0;
    int rc = query(B(base), "SELECT since, events, data FROM claims_kept WHERE id = 1", NULL, true,
                   &r, "read kept claims", err);
    if (rc)
        return rc;
    if (PQntuples(r)) {
        *since = (tr_day)bin_i64(r, 0, 0);
        *n_events = (uint64_t)bin_i64(r, 0, 1);
        *len = (size_t)PQgetlength(r, 0, 2);
        if (!(*data = malloc(*len ? *len : 1)))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        else
            memcpy(*data, PQgetvalue(r, 0, 2), *len);
    }
    PQclear(r);
    return rc;
}

static int pg_put_claims(struct tr_backend *base, tr_day since, uint64_t n_events,
                         const void *data, size_t len, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    int rc = run(b, "DELETE FROM claims_kept", err);
    if (rc || !data)
        return rc;
    struct params p = {0};
    p_int(&p, since);
    p_int(&p, (int64_t)n_events);
    p_bytes(&p, data, len);
    return query(b, "INSERT INTO claims_kept(id, since, events, data) VALUES(1, $1, $2, $3)", &p,
                 false, NULL, "write kept claims", err);
}

/* ---- the import log and statistics ------------------------------------------ */

static int pg_log_import(struct tr_backend *base, const struct tr_import_entry *e,
                         struct tr_error *err)
{
    struct params p = {0};
    p_text(&p, e->file);
    p_text(&p, e->format);
    p_text(&p, e->checksum);
    p_int(&p, (int64_t)e->rows);
    p_int(&p, (int64_t)e->taken);
    p_int(&p, (int64_t)e->refused);
    p_int(&p, (int64_t)e->added);
    p_int(&p, (int64_t)e->changed);
    p_text(&p, e->at[0] ? e->at : NULL);    /* a copied entry keeps its time */
    return query(B(base), "INSERT INTO imports(at, file, format, checksum, rows, taken, refused,"
                          " added, changed) VALUES(coalesce($9, to_char(now() AT TIME ZONE 'UTC',"
                          " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')), $1, $2, $3, $4, $5, $6, $7, $8)",
                 &p, false, NULL, "write import log", err);
}

static int pg_load_imports(struct tr_backend *base, struct tr_import_entry **out, size_t *n,
                           struct tr_error *err)
{
    PGresult *r;
    int rc = query(B(base), "SELECT id, at, file, format, checksum, rows, taken, refused, added,"
                            " changed FROM imports ORDER BY id", NULL, false, &r, "read import log", err);
    if (rc)
        return rc;
    int rows = PQntuples(r);
    struct tr_import_entry *v = calloc((size_t)rows + 1, sizeof *v);
    for (int i = 0; v && i < rows; i++) {
        struct tr_import_entry *e = &v[i];
        e->id = col_int(r, i, 0);
        snprintf(e->at, sizeof e->at, "%s", col_text(r, i, 1));
        snprintf(e->file, sizeof e->file, "%s", col_text(r, i, 2));
        snprintf(e->format, sizeof e->format, "%s", col_text(r, i, 3));
        snprintf(e->checksum, sizeof e->checksum, "%s", col_text(r, i, 4));
        e->rows = (uint64_t)col_int(r, i, 5);
        e->taken = (uint64_t)col_int(r, i, 6);
        e->refused = (uint64_t)col_int(r, i, 7);
        e->added = (uint64_t)col_int(r, i, 8);
        e->changed = (uint64_t)col_int(r, i, 9);
    }
    PQclear(r);
    if (!v)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *out = v;
    *n = (size_t)rows;
    return 0;
}

static int pg_stats(struct tr_backend *base, struct tr_store_stats *out, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    memset(out, 0, sizeof *out);
    PGresult *r;
    int rc = flush_pending(b, err);
    if (!rc)
        rc = query(b, "SELECT (SELECT count(*) FROM days),"
                      " (SELECT coalesce(sum(observations), 0) FROM days),"
                      " (SELECT coalesce(sum(octet_length(data)), 0) FROM chunks),"
                      " (SELECT count(*) FROM tracks), (SELECT count(*) FROM releases),"
                      " (SELECT count(*) FROM artists), (SELECT count(*) FROM milestones)",
                   NULL, false, &r, "statistics", err);
    if (rc)
        return rc;
    out->days = (uint64_t)col_int(r, 0, 0);
    out->observations = (uint64_t)col_int(r, 0, 1);
    out->series_bytes = (uint64_t)col_int(r, 0, 2);
    out->tracks = (uint64_t)col_int(r, 0, 3);
    out->releases = (uint64_t)col_int(r, 0, 4);
    out->artists = (uint64_t)col_int(r, 0, 5);
    out->milestones = (uint64_t)col_int(r, 0, 6);
    PQclear(r);
    return 0;
}

static int pg_count_events(struct tr_backend *base, uint64_t *n, struct tr_error *err)
{
    return count_query(B(base), "SELECT count(*) FROM milestones", n, err);
}

/* ---- extras ----------------------------------------------------------------- */

static int pg_put_sale(struct tr_backend *base, const struct tr_sale *v, struct tr_error *err)
{
    struct params p = {0};
    p_text(&p, v->release);
    p_text(&p, v->source);
    p_int(&p, v->period_start);
    p_day(&p, v->period_end);
    p_text(&p, v->timezone);
    p_int(&p, (int64_t)v->copies);
    p_text(&p, v->note);
    return query(B(base), "INSERT INTO sales(release, source, period_start, period_end, timezone,"
                          " copies, note) VALUES($1, $2, $3, $4, $5, $6, $7)"
                          " ON CONFLICT (release, source, period_start) DO UPDATE SET"
                          " period_end = EXCLUDED.period_end, timezone = EXCLUDED.timezone,"
                          " copies = EXCLUDED.copies, note = EXCLUDED.note",
                 &p, false, NULL, "write sale", err);
}

static int pg_load_sales(struct tr_backend *base, const char *release, struct tr_sale **out,
                         size_t *n, struct tr_error *err)
{
    struct params p = {0};
    PGresult *r;
    p_text(&p, release);
    *out = NULL;
    *n = 0;
    int rc = query(B(base), "SELECT release, source, period_start, period_end, timezone, copies, note"
                            " FROM sales WHERE $1::text IS NULL OR release = $1"
                            " ORDER BY release, period_start, source", &p, false, &r, "read sales", err);
    if (rc)
        return rc;
    int rows = PQntuples(r);
    struct tr_sale *v = rows ? calloc((size_t)rows, sizeof *v) : NULL;
    for (int i = 0; v && i < rows; i++) {
        struct tr_sale *e = &v[i];
        snprintf(e->release, sizeof e->release, "%s", col_text(r, i, 0));
        snprintf(e->source, sizeof e->source, "%s", col_text(r, i, 1));
        e->period_start = col_day(r, i, 2);
        e->period_end = col_day(r, i, 3);
        snprintf(e->timezone, sizeof e->timezone, "%s", col_text(r, i, 4));
        e->copies = (uint64_t)col_int(r, i, 5);
        snprintf(e->note, sizeof e->note, "%s", col_text(r, i, 6));
    }
    PQclear(r);
    if (rows && !v)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *out = v;
    *n = (size_t)rows;
    return 0;
}

static int pg_put_award(struct tr_backend *base, const struct tr_award *v, struct tr_error *err)
{
    struct params p = {0};
    p_text(&p, v->ceremony);
    p_int(&p, v->year);
    p_text(&p, v->category);
    p_int(&p, (int64_t)v->nominee_type);
    p_text(&p, v->nominee);
    p_text(&p, v->result);
    return query(B(base), "INSERT INTO awards(ceremony, year, category, nominee_type, nominee, result)"
                          " VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT (ceremony, year, category,"
                          " nominee_type, nominee) DO UPDATE SET result = EXCLUDED.result",
                 &p, false, NULL, "write award", err);
}

static int pg_load_awards(struct tr_backend *base, int type, const char *nominee,
                          struct tr_award **out, size_t *n, struct tr_error *err)
{
    struct params p = {0};
    PGresult *r;
    p_int(&p, type);
    p_text(&p, nominee);
    *out = NULL;
    *n = 0;
    int rc = query(B(base), "SELECT ceremony, year, category, nominee_type, nominee, result FROM awards"
                            " WHERE ($1::bigint < 0 OR nominee_type = $1) AND ($2::text IS NULL OR nominee = $2)"
                            " ORDER BY year, ceremony, category, nominee", &p, false, &r,
                   "read awards", err);
    if (rc)
        return rc;
    int rows = PQntuples(r);
    struct tr_award *v = rows ? calloc((size_t)rows, sizeof *v) : NULL;
    for (int i = 0; v && i < rows; i++) {
        struct tr_award *e = &v[i];
        snprintf(e->ceremony, sizeof e->ceremony, "%s", col_text(r, i, 0));
        e->year = (int)col_int(r, i, 1);
        snprintf(e->category, sizeof e->category, "%s", col_text(r, i, 2));
        e->nominee_type = (enum tr_subject_type)col_int(r, i, 3);
        snprintf(e->nominee, sizeof e->nominee, "%s", col_text(r, i, 4));
        snprintf(e->result, sizeof e->result, "%s", col_text(r, i, 5));
    }
    PQclear(r);
    if (rows && !v)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *out = v;
    *n = (size_t)rows;
    return 0;
}

static int put_chart_rows(struct pg_backend *b, const struct tr_chart_entry *e, size_t n,
                          const char *chart, const char *country, tr_day period,
                          struct tr_error *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        struct params p = {0};
        p_text(&p, chart ? chart : e[i].chart);
        p_text(&p, country ? country : e[i].country);
        p_int(&p, chart ? period : e[i].period);
        p_int(&p, e[i].rank);
        p_text(&p, e[i].track);
        if (e[i].has_streams)
            p_int(&p, (int64_t)e[i].streams);
        else
            p_text(&p, NULL);
        rc = query(b, "INSERT INTO chart_entries(chart, country, period, rank, track, streams)"
                      " VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT (chart, country, period, rank)"
                      " DO UPDATE SET track = EXCLUDED.track, streams = EXCLUDED.streams",
                   &p, false, NULL, "write chart entry", err);
    }
    return rc;
}

static int pg_replace_chart(struct tr_backend *base, const char *chart, const char *country,
                            tr_day period, const struct tr_chart_entry *e, size_t n,
                            struct tr_error *err)
{
    struct pg_backend *b = B(base);
    struct params p = {0};
    p_text(&p, chart);
    p_text(&p, country);
    p_int(&p, period);
    int rc = query(b, "DELETE FROM chart_entries WHERE chart = $1 AND country = $2 AND period = $3",
                   &p, false, NULL, "replace chart period", err);
    return rc ? rc : put_chart_rows(b, e, n, chart, country, period, err);
}

static int pg_put_chart_entries(struct tr_backend *base, const struct tr_chart_entry *e, size_t n,
                                struct tr_error *err)
{
    return put_chart_rows(B(base), e, n, NULL, NULL, 0, err);
}

static int pg_load_chart_entries(struct tr_backend *base, const char *track,
                                 struct tr_chart_entry **out, size_t *n, struct tr_error *err)
{
    struct params p = {0};
    PGresult *r;
    p_text(&p, track);
    *out = NULL;
    *n = 0;
    int rc = query(B(base), "SELECT chart, country, period, rank, track, streams FROM chart_entries"
                            " WHERE $1::text IS NULL OR track = $1 ORDER BY track, chart, country, period",
                   &p, false, &r, "read chart entries", err);
    if (rc)
        return rc;
    int rows = PQntuples(r);
    struct tr_chart_entry *v = rows ? calloc((size_t)rows, sizeof *v) : NULL;
    for (int i = 0; v && i < rows; i++) {
        struct tr_chart_entry *e = &v[i];
        snprintf(e->chart, sizeof e->chart, "%s", col_text(r, i, 0));
        snprintf(e->country, sizeof e->country, "%s", col_text(r, i, 1));
        e->period = (tr_day)col_int(r, i, 2);
        e->rank = (uint32_t)col_int(r, i, 3);
        snprintf(e->track, sizeof e->track, "%s", col_text(r, i, 4));
        e->has_streams = !PQgetisnull(r, i, 5);
        e->streams = (uint64_t)col_int(r, i, 5);
    }
    PQclear(r);
    if (rows && !v)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *out = v;
    *n = (size_t)rows;
    return 0;
}

static int pg_put_release_total(struct tr_backend *base, const char *release, tr_day date,
                                const char *source, uint64_t total, uint64_t daily,
                                struct tr_error *err)
{
    struct params p = {0};
    p_text(&p, release);
    p_int(&p, date);
    p_text(&p, source);
    p_int(&p, (int64_t)total);
    if (daily)
        p_int(&p, (int64_t)daily);
    else
        p_text(&p, NULL);
    return query(B(base), "INSERT INTO release_totals(release, date, source, total, daily)"
                          " VALUES($1, $2, $3, $4, $5) ON CONFLICT (release, date, source)"
                          " DO UPDATE SET total = EXCLUDED.total, daily = EXCLUDED.daily",
                 &p, false, NULL, "write release total", err);
}

static int pg_load_release_totals(struct tr_backend *base, const char *release,
                                  struct tr_release_total **out, size_t *n, struct tr_error *err)
{
    struct params p = {0};
    PGresult *r;
    p_text(&p, release);
    *out = NULL;
    *n = 0;
    int rc = query(B(base), "SELECT date, source, total, daily FROM release_totals WHERE release = $1"
                            " ORDER BY date, source", &p, false, &r, "read release totals", err);
    if (rc)
        return rc;
    int rows = PQntuples(r);
    struct tr_release_total *v = rows ? calloc((size_t)rows, sizeof *v) : NULL;
    for (int i = 0; v && i < rows; i++) {
        v[i].date = (tr_day)col_int(r, i, 0);
        snprintf(v[i].source, sizeof v[i].source, "%s", col_text(r, i, 1));
        v[i].total = (uint64_t)col_int(r, i, 2);
        v[i].daily = (uint64_t)col_int(r, i, 3);   /* NULL reads as 0 */
    }
    PQclear(r);
    if (rows && !v)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *out = v;
    *n = (size_t)rows;
    return 0;
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

/* The database's part: every table read through (on a cluster made with
 * data checksums, a damaged page is then an error), then each event-log
 * blob's seal. */
static int verify_tables(struct pg_backend *b, tr_damage_fn fn, void *ctx, uint64_t *blobs,
                         struct tr_error *err)
{
    static const char *const tables[] = {"meta", "artists", "releases", "tracks", "tracklist",
                                         "days", "milestones", "corrections", "imports", "sales",
                                         "awards", "chart_entries", "release_totals"};
    int rc = 0;
    for (size_t i = 0; i < sizeof tables / sizeof *tables && !rc; i++) {
        char sql[96];
        PGresult *r;
        struct tr_error e = {0};
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        if (query(b, sql, NULL, false, &r, "read", &e))
            rc = report(fn, ctx, false, "database", tables[i], e.msg);
        else
            PQclear(r);
    }
    PGresult *r;
    if (rc || (rc = query(b, "SELECT seq, data FROM event_log ORDER BY seq", NULL, true, &r,
                          "read event log", err)))
        return rc;
    for (int i = 0; i < PQntuples(r) && !rc; i++) {
        (*blobs)++;
        if (b->base.sealed && !tr_seal_ok(PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1))) {
            char where[64];
            snprintf(where, sizeof where, "event_log row %lld", (long long)bin_i64(r, i, 0));
            rc = report(fn, ctx, true, "milestone event log", where, "fails its checksum");
        }
    }
    PQclear(r);
    return rc;
}

/* One side cache as side_blobs holds it: its parts' bytes against the
 * length and hash of part 0.  A damaged copy on this machine (b->cache) is
 * read again from the database by the next reader, but is named too. */
static int verify_side(struct pg_backend *b, int k, uint64_t gen, tr_damage_fn fn, void *ctx,
                       struct tr_error *err)
{
    struct params p = {0};
    PGresult *r;
    p_text(&p, side_kinds[k].name);
    p_int(&p, (int64_t)gen);
    int rc = query(b, "SELECT part::bigint, length, hash, data FROM side_blobs WHERE kind = $1 AND gen = $2"
                      " ORDER BY part", &p, true, &r, "read cache", err);
    if (rc)
        return rc;
    const char *title = tr_side_title(side_kinds[k].name), *why = NULL;
    char where[96];
    snprintf(where, sizeof where, "side_blobs %s generation %llu", side_kinds[k].name,
             (unsigned long long)gen);
    if (PQntuples(r) < 1 || bin_i64(r, 0, 0) != 0) {
        why = "is missing";
    } else {
        uint64_t want_len = (uint64_t)bin_i64(r, 0, 1), want_hash = (uint64_t)bin_i64(r, 0, 2), got = 0;
        XXH64_state_t *h = XXH64_createState();
        if (!h) {
            PQclear(r);
            return tr_error_set(err, TR_ENOMEM, "out of memory");
        }
        XXH64_reset(h, 0);
        for (int i = 0; i < PQntuples(r); i++) {
            XXH64_update(h, PQgetvalue(r, i, 3), (size_t)PQgetlength(r, i, 3));
            got += (uint64_t)PQgetlength(r, i, 3);
        }
        if (got != want_len)
            why = "is not the length it was written with";
        else if (XXH64_digest(h) != want_hash)
            why = "fails its checksum";
        XXH64_freeState(h);
    }
    PQclear(r);
    if (why)
        return report(fn, ctx, true, title, where, why);
    char local[128], path[4096];
    if (b->cache && access((tr_side_path(&b->side[k], gen, path, sizeof path), path), F_OK) == 0 &&
        tr_side_check(&b->side[k], gen, local, sizeof local))
        return report(fn, ctx, true, title, path, local);
    return 0;
}

static int pg_verify(struct tr_backend *base, tr_damage_fn fn, void *ctx, uint64_t *blobs,
                     uint64_t *sides, struct tr_error *err)
{
    struct pg_backend *b = B(base);
    int rc = verify_tables(b, fn, ctx, blobs, err);
    for (int k = 0; k < N_SIDES && !rc; k++) {
        uint64_t gen;
        if ((rc = side_generation(b, k, &gen, err)) || !gen)
            continue;
        (*sides)++;
        rc = verify_side(b, k, gen, fn, ctx, err);
    }
    return rc;
}

static const struct tr_backend_ops postgres_ops = {
    .name = "postgresql",
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .data_version = pg_data_version,
    .get_meta = pg_get_meta,
    .set_meta = pg_set_meta,
    .load_catalog = pg_load_catalog,
    .save_catalog = pg_save_catalog,
    .get_chunk = pg_get_chunk,
    .put_chunk = pg_put_chunk,
    .scan_days = pg_scan_days,
    .scan_group = pg_scan_group,
    .get_tail = pg_get_tail,
    .put_tail = pg_put_tail,
    .count_day = pg_count_day,
    .replace_events = pg_replace_events,
    .load_events = pg_load_events,
    .load_corrections = pg_load_corrections,
    .get_claims = pg_get_claims,
    .put_claims = pg_put_claims,
    .get_forecasts = pg_get_forecasts,
    .put_forecasts = pg_put_forecasts,
    .get_checkpoint = pg_get_checkpoint,
    .put_checkpoint = pg_put_checkpoint,
    .get_prep = pg_get_prep,
    .put_prep = pg_put_prep,
    .log_import = pg_log_import,
    .load_imports = pg_load_imports,
    .stats = pg_stats,
    .count_events = pg_count_events,
    .put_sale = pg_put_sale,
    .load_sales = pg_load_sales,
    .put_award = pg_put_award,
    .load_awards = pg_load_awards,
    .replace_chart = pg_replace_chart,
    .put_chart_entries = pg_put_chart_entries,
    .load_chart_entries = pg_load_chart_entries,
    .put_release_total = pg_put_release_total,
    .load_release_totals = pg_load_release_totals,
    .verify = pg_verify,
};

/* ---- opening ------------------------------------------------------------------ */

/* The URL with its password (user:PASSWORD@) left out, for messages. */
static char *display_name(const char *url)
{
    char *s = strdup(url);
    if (!s)
        return NULL;
    char *scheme = strstr(s, "://");
    if (!scheme)
        return s;
    char *auth = scheme + 3, *at = strchr(auth, '@'), *slash = strchr(auth, '/');
    if (at && (!slash || at < slash)) {
        char *colon = memchr(auth, ':', (size_t)(at - auth));
        if (colon)
            memmove(colon, at, strlen(at) + 1);
    }
    return s;
}

/* The directory of this machine's cache files: $TRACKRECORD_CACHE, else
 * $XDG_CACHE_HOME/trackrecord, else ~/.cache/trackrecord; made if absent.
 * NULL (no local cache) when there is none that can be made. */
static char *cache_dir(void)
{
    const char *env = getenv("TRACKRECORD_CACHE"), *xdg = getenv("XDG_CACHE_HOME"),
               *home = getenv("HOME");
    char path[4096];
    if (env && *env)
        snprintf(path, sizeof path, "%s", env);
    else if (xdg && *xdg)
        snprintf(path, sizeof path, "%s/trackrecord", xdg);
    else if (home && *home)
        snprintf(path, sizeof path, "%s/.cache/trackrecord", home);
    else
        return NULL;
    /* each missing level in turn (mkdir -p) */
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return NULL;
    return access(path, W_OK) == 0 ? strdup(path) : NULL;
}

/* Makes the tables in an empty schema (under a lock: two first imports at
 * once make them once).  *fresh: this call made them. */
static int create_schema(struct pg_backend *b, struct tr_error *err)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%s)", lock_key);
    int rc = run(b, "BEGIN", err);
    if (!rc)
        rc = run(b, sql, err);
    PGresult *r = NULL;
    if (!rc)
        rc = query(b, "SELECT to_regclass('meta') IS NULL", NULL, false, &r, "open", err);
    bool empty = !rc && PQntuples(r) == 1 && col_text(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!rc && empty)
        rc = run(b, schema, err);
    if (!rc && empty)
        rc = run(b, "INSERT INTO meta(key, value) VALUES('schema_version', '" SCHEMA_VERSION "'),"
                    " ('blob_format', '" TR_BLOB_FORMAT "'),"
                    " ('store_id', md5(random()::text || clock_timestamp()::text))", err);
    if (!rc)
        rc = run(b, "COMMIT", err);
    else
        PQclear(PQexec(b->conn, "ROLLBACK"));
    return rc;
}

int tr_backend_postgres_open(const char *url, int flags, struct tr_backend **out,
                             struct tr_error *err)
{
    struct pg_backend *b = calloc(1, sizeof *b);
    if (!b || !(b->name = display_name(url))) {
        free(b);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    b->base.ops = &postgres_ops;
    int rc = 0;
    b->conn = PQconnectdb(url);
    if (b->conn && PQstatus(b->conn) != CONNECTION_OK && (flags & TR_STORE_READONLY) &&
        strstr(PQerrorMessage(b->conn), "does not exist")) {
        rc = tr_error_set(err, TR_ESTORE, "%s: no store here yet: no such database (create it,"
                          " e.g. with createdb, then run `trackrecord import`)", b->name);
        goto fail;
    }
    if (!b->conn || PQstatus(b->conn) != CONNECTION_OK) {
        rc = b->conn ? pg_fail(b, NULL, err, "cannot open store")
                     : tr_error_set(err, TR_ENOMEM, "out of memory");
        goto fail;
    }
    PQsetNoticeProcessor(b->conn, quiet, NULL);   /* the library never prints */
    PGresult *r;
    if ((rc = query(b, "SELECT to_regclass('meta') IS NOT NULL", NULL, false, &r, "open", err)))
        goto fail;
    bool exists = PQntuples(r) == 1 && col_text(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!exists && (flags & TR_STORE_READONLY)) {
        rc = tr_error_set(err, TR_ESTORE, "%s: no store here yet (run `trackrecord import` first)",
                          b->name);
        goto fail;
    }
    if (!exists && (rc = create_schema(b, err)))
        goto fail;
    char *version = NULL, *id = NULL;
    if ((rc = pg_get_meta(&b->base, "schema_version", &version, err)) ||
        (rc = pg_get_meta(&b->base, "store_id", &id, err))) {
        free(version);
        goto fail;
    }
    if (!version || strcmp(version, SCHEMA_VERSION) != 0)
        rc = tr_error_set(err, TR_ESTORE, "%s: store schema version %s, expected %s", b->name,
                          version ? version : "none", SCHEMA_VERSION);
    free(version);
    /* the ISRC column, added to a store of an earlier build */
    if (!rc && !(flags & TR_STORE_READONLY))
        rc = run(b, "ALTER TABLE tracks ADD COLUMN IF NOT EXISTS isrc text", err);
    if (!rc && !(rc = query(b, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'tracks'::regclass"
                               " AND attname = 'isrc' AND NOT attisdropped", NULL, false, &r, "open",
                            err))) {
        b->has_isrc = PQntuples(r) == 1 && strcmp(col_text(r, 0, 0), "0") != 0;
        PQclear(r);
    }
    char *dir = rc ? NULL : cache_dir();
    if (dir && id) {
        size_t n = strlen(dir) + strlen(id) + 2;
        if ((b->cache = malloc(n)))
            snprintf(b->cache, n, "%s/%s", dir, id);
    }
    free(dir);
    free(id);
    if (rc)
        goto fail;
    for (int k = 0; k < N_SIDES; k++)
        b->side[k] = (struct tr_side){side_kinds[k].name, side_kinds[k].magic,
                                      side_kinds[k].recycle, b->cache, 0, 0, NULL, 0};
    *out = &b->base;
    return 0;
fail:
    pg_close(&b->base);
    return rc;
}
