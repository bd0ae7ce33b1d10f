/*
 * test_engine_lanes.c: the milestone engine on two threads (engine.c's
 * lanes) against the same engine on one.
 *
 * A catalog of 2,600 tracks (three groups of series, so that the lanes
 * split them) on releases of 1 to 5 tracks by 1,200 artists (over 2,048
 * totals, so that the lanes split the judging of the totals too), with tracks
 * credited to two artists and releases whose tracks sit in two groups;
 * 30 days of counts with days a track is missing, a day only some tracks
 * report (totals not known that day), counts that go down, and tracks that
 * start late.  Imported (a full scan), then one more day (a scan resumed
 * from the checkpoint), with the engine on one lane, on two, and on two
 * whose split moves every day (recordings change lanes): the events, the
 * corrections and the milestones computed afresh must be the same.  And
 * the engine's preparation the store keeps is the one it would make.
 */
#include "store_fixture.h"
#include "milestones/engine.h"

#include <sqlite3.h>

#define TRACKS 2600
#define ARTISTS 1200
#define DAYS 30

/* Writes the bundle (artists, releases, tracks, tracklist) and the counts
 * of days [from, to) into dir/name. */
static void write_bundle(const struct fixture *f)
{
    char *a = fixture_buffer(1 << 16), *r = fixture_buffer(1 << 20), *t = fixture_buffer(1 << 20),
         *l = fixture_buffer(1 << 20);
    size_t na = 0, nr = 0, nt = 0, nl = 0;
    na += (size_t)sprintf(a + na, "id,name,country,kind,gender,genres,member_of\n");
    for (int i = 0; i < ARTISTS; i++)
        na += (size_t)sprintf(a + na, "a%d,Artist %d,%s,%s,%s,pop,\n", i, i, i % 3 ? "US" : "KR",
                              i % 2 ? "solo" : "group", i % 4 < 2 ? "male" : "female");
    nr += (size_t)sprintf(r + nr, "id,title,artists,type,date\n");
    nt += (size_t)sprintf(t + nt, "id,title,artists,released,same_as,version_of\n");
    nl += (size_t)sprintf(l + nl, "release,position,track\n");
    int track = 0;
    for (int rel = 0; track < TRACKS; rel++) {
        int size = 1 + rel % 5, artist = rel % ARTISTS;
        char date[TR_DATE_LEN];
        tr_day_format((tr_day)(19723 + rel % 7), date);
        nr += (size_t)sprintf(r + nr, "r%d,Release %d,a%d,%s,%s\n", rel, rel, artist,
                              size == 1 ? "single" : "album", date);
        for (int k = 0; k < size && track < TRACKS; k++, track++) {
            if (track % 5 == 0)     /* a featured artist */
                nt += (size_t)sprintf(t + nt, "t%d,Song %d,a%d;a%d,%s,,\n", track, track, artist,
                                      (artist + 7) % ARTISTS, date);
            else
                nt += (size_t)sprintf(t + nt, "t%d,Song %d,a%d,%s,,\n", track, track, artist, date);
            nl += (size_t)sprintf(l + nl, "r%d,%d,t%d\n", rel, k + 1, track);
        }
    }
    fixture_write(f, "artists.csv", a);
    fixture_write(f, "releases.csv", r);
    fixture_write(f, "tracks.csv", t);
    fixture_write(f, "tracklist.csv", l);
    free(a);
    free(r);
    free(t);
    free(l);
}

static const char *write_counts(const struct fixture *f, const char *name, int from, int to)
{
    char *s = fixture_buffer((size_t)TRACKS * (size_t)(to - from) * 32 + 64);
    size_t n = (size_t)sprintf(s, "date,track,streams\n");
    for (int d = from; d < to; d++) {
        char date[TR_DATE_LEN];
        tr_day_format((tr_day)(19723 + d), date);
        for (int k = 0; k < TRACKS; k++) {
            int start = k % 11 == 3 ? k % 17 : 0;
            if (d < start || (k + d) % 13 == 0 || (d == 20 && k % 2))
                continue;           /* late, missing, or a half day */
            uint64_t v = (uint64_t)(k % 97 + 1) * 40000 * (uint64_t)(d - start + 1) +
                         (uint64_t)(k % 7) * 1000000;
            if (k % 29 == 0 && d % 10 == 9)
                v -= (uint64_t)(k % 97 + 1) * 80000;    /* a count that goes down */
            n += (size_t)sprintf(s + n, "%s,t%d,%llu\n", date, k, (unsigned long long)v);
        }
    }
    const char *p = fixture_write(f, name, s);
    free(s);
    return p;
}

static const char *db_path(const struct fixture *f, int lanes)
{
    static char db[128];
    snprintf(db, sizeof db, "%s/lanes%d.db", f->dir, lanes);
    return db;
}

static int64_t count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

struct run {
    struct tr_milestone *events, *computed;
    size_t n_events, n_computed;
    struct tr_correction *corr;
    size_t n_corr;
};

enum mode { ONE_LANE = 1, TWO_LANES, MOVING_SPLIT };

/* Imports the bundle and the days, then day DAYS alone, into a new store
 * with the engine in that mode; what it stored and computes. */
static void run_with(const struct fixture *f, enum mode mode, struct run *out)
{
    struct tr_store *s;
    struct tr_error err = {0};
    int lanes = (int)mode;
    assert_int_equal(tr_store_open(db_path(f, lanes), 0, &s, &err), 0);
    tr_engine_lanes = mode == ONE_LANE ? 1 : 2;
    tr_engine_split_cycle = mode == MOVING_SPLIT;
    struct tr_import_options o = {.date = TR_DAY_NONE, .ladder = "1M,2M,5M,10M,20M,50M,100M"};
    const char *paths[] = {f->dir};
    assert_int_equal(tr_import(s, paths, 1, &o, NULL, &err), 0);
    const char *day = write_counts(f, "day.csv", DAYS, DAYS + 1);
    const char *more[] = {day};
    struct tr_import_report rep;
    assert_int_equal(tr_import(s, more, 1, &o, &rep, &err), 0);
    tr_import_report_release(&rep);
    unlink(day);
    assert_int_equal(tr_store_milestones(s, NULL, &out->events, &out->n_events, &err), 0);
    assert_int_equal(tr_store_corrections(s, &out->corr, &out->n_corr, &err), 0);
    const struct tr_ladders *l;
    assert_int_equal(tr_store_ladders(s, &l, &err), 0);
    assert_int_equal(tr_milestones_compute(s, l, &out->computed, &out->n_computed, &err), 0);
    tr_store_close(s);
    tr_engine_lanes = 2;
    tr_engine_split_cycle = false;
    /* the tables hold every row (written many rows to a statement) */
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(db_path(f, lanes), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM tracks"), TRACKS);
    assert_int_equal(count(db, "SELECT count(*) FROM milestones"), out->n_events);
    assert_int_equal(count(db, "SELECT count(*) FROM corrections"), out->n_corr);
    /* t5: third on r2 (2024-01-03), by a2 with a9 featured */
    assert_int_equal(count(db, "SELECT count(*) FROM tracks WHERE id = 't5' AND artists = 'a2;a9'"
                               " AND released = 19725 AND series = 5"), 1);
    sqlite3_close(db);
}

static void assert_same_events(const struct tr_milestone *a, size_t na, const struct tr_milestone *b,
                               size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].subject_type, b[i].subject_type);
        assert_int_equal(a[i].subject, b[i].subject);
        assert_int_equal(a[i].kind, b[i].kind);
        assert_int_equal(a[i].threshold, b[i].threshold);
        assert_int_equal(a[i].value, b[i].value);
        assert_int_equal(a[i].date, b[i].date);
        assert_int_equal(a[i].day, b[i].day);
        assert_int_equal(a[i].after, b[i].after);
        assert_int_equal(a[i].open_start, b[i].open_start);
        assert_int_equal(a[i].slowest, b[i].slowest);
    }
}

static void test_two_lanes_as_one(void **state)
{
    struct fixture *f = *state;
    write_bundle(f);
    write_counts(f, "streams.csv", 0, DAYS);
    struct run one, two, moving;
    run_with(f, ONE_LANE, &one);
    run_with(f, TWO_LANES, &two);
    run_with(f, MOVING_SPLIT, &moving);
    /* the data exercises what the lanes share: every kind of event */
    size_t kinds[8] = {0};
    for (size_t i = 0; i < one.n_events; i++)
        kinds[one.events[i].kind < 8 ? one.events[i].kind : 7]++;
    assert_true(kinds[TR_MS_TRACK_TOTAL] > 1000);
    assert_true(kinds[TR_MS_RELEASE_TOTAL] > 100);
    assert_true(kinds[TR_MS_ARTIST_TOTAL] > 50);
    assert_true(kinds[TR_MS_EVERY_TRACK] > 100);
    assert_true(one.n_corr > 10);
    struct run *runs[] = {&one, &two, &moving};
    for (int r = 1; r < 3; r++) {
        const struct run *x = runs[r];
        assert_same_events(one.events, one.n_events, x->events, x->n_events);
        assert_same_events(one.computed, one.n_computed, x->computed, x->n_computed);
        assert_int_equal(one.n_corr, x->n_corr);
        for (size_t i = 0; i < one.n_corr; i++) {
            assert_int_equal(one.corr[i].track, x->corr[i].track);
            assert_int_equal(one.corr[i].date, x->corr[i].date);
            assert_int_equal(one.corr[i].previous, x->corr[i].previous);
            assert_int_equal(one.corr[i].value, x->corr[i].value);
        }
    }
    for (int i = 0; i < 3; i++) {
        free(runs[i]->events);
        free(runs[i]->computed);
        free(runs[i]->corr);
    }
}

/* The whole of a file (malloc'd, 8-byte aligned), or NULL. */
static char *read_whole(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    *len = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc(*len ? *len : 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, *len, fp), *len);
    fclose(fp);
    return b;
}

static void no_release(void *bytes, size_t len, void *ctx)
{
    (void)bytes, (void)len, (void)ctx;
}

/* The preparation a store keeps beside its catalog is the one the engine
 * would make afresh, later runs take it (the counts-only import above
 * writes none), and damaged bytes are refused before the scan can index
 * by them. */
static void test_kept_preparation(void **state)
{
    struct fixture *f = *state;
    write_bundle(f);
    write_counts(f, "streams.csv", 0, DAYS);
    struct run r;
    run_with(f, TWO_LANES, &r);
    free(r.events), free(r.computed), free(r.corr);
    char path[160];
    snprintf(path, sizeof path, "%s-prep.1", db_path(f, TWO_LANES));
    size_t file_len;
    char *file = read_whole(path, &file_len);
    assert_non_null(file);
    snprintf(path, sizeof path, "%s-prep.2", db_path(f, TWO_LANES));
    assert_null(fopen(path, "rb"));

    struct tr_store *s;
    struct tr_error err = {0};
    const struct tr_catalog *c;
    assert_int_equal(tr_store_open(db_path(f, TWO_LANES), 0, &s, &err), 0);
    assert_int_equal(tr_store_catalog(s, &c, &err), 0);
    struct tr_engine_prep *fresh, *p;
    assert_int_equal(tr_engine_prepare(c, &fresh), 0);
    void *bytes;
    size_t len;
    assert_int_equal(tr_engine_prep_save(fresh, &bytes, &len), 0);
    tr_engine_prep_free(fresh);
    assert_int_equal(file_len, 32 + len);              /* the side file's header, then it */
    assert_memory_equal(file + 32, bytes, len);
    free(file);
    assert_int_equal(tr_engine_prep_adopt(c, bytes, len, no_release, NULL, &p), 0);
    void *again;
    size_t again_len;
    assert_int_equal(tr_engine_prep_save(p, &again, &again_len), 0);
    assert_int_equal(again_len, len);
    assert_memory_equal(again, bytes, len);
    free(again);
    tr_engine_prep_free(p);

    /* header: magic, ns, nt, n_tracks, n_runs, n_inc; then track_day0,
     * start, inc_off, inc, run_lo, group_run, tot_start */
    uint32_t *w = bytes, ns = w[1], nt = w[2], n_tracks = w[3], n_runs = w[4];
    uint32_t *inc_off = w + 6 + n_tracks + ns, *inc = inc_off + ns + 1, *run_lo = inc + w[5];
    assert_int_equal(inc_off[ns], w[5]);
    struct { uint32_t *at, value; } damage[] = {
        {&inc[w[5] / 2], nt},                 /* a total that does not exist */
        {&inc_off[ns / 2], inc_off[ns] + 1},  /* the incidence out of order */
        {&run_lo[1], 0},                      /* runs out of order */
        {&w[1], ns + 1},                      /* another catalog's shape */
    };
    for (size_t k = 0; k < sizeof damage / sizeof *damage; k++) {
        uint32_t keep = *damage[k].at;
        *damage[k].at = damage[k].value;
        assert_int_equal(tr_engine_prep_adopt(c, bytes, len, no_release, NULL, &p), TR_ESTORE);
        *damage[k].at = keep;
    }
    assert_true(n_runs > 1);
    assert_int_equal(tr_engine_prep_adopt(c, bytes, len - 4, no_release, NULL, &p), TR_ESTORE);
    assert_int_equal(tr_engine_prep_adopt(c, bytes, len, no_release, NULL, &p), 0);
    tr_engine_prep_free(p);
    free(bytes);
    tr_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_lanes_as_one, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_kept_preparation, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
