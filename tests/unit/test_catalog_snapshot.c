/*
 * test_catalog_snapshot.c: the catalog snapshot's two layouts and its use
 * in place.
 *
 * A store keeps the snapshot in a file beside it and maps it; the catalog
 * then points into the mapping (strings, lists, id map slots) instead of
 * copying them.  These tests take the packed layout an earlier build wrote
 * (tests/data/legacy), round-trip the aligned one through
 * tr_catalog_adopt_snapshot, edit an adopted catalog until its id maps
 * outgrow the borrowed slots, check what is refused, and open one lazily
 * (its records decoded as they are asked for).  Under ASan a
 * borrowed slot or string freed, or a read past the bytes, fails them too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "model/catalog_edit.h"
#include "model/catalog_snapshot.h"

#define LEGACY "tests/data/legacy/store.db.gz"

/* The snapshot blob of the legacy store (malloc'd), read through SQLite
 * from the gunzipped file. */
static void *legacy_blob(size_t *len)
{
    char path[] = "/tmp/tr_snap_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "wb");
    gzFile in = gzopen(LEGACY, "rb");
    assert_non_null(in);
    char buf[65536];
    for (int n; (n = gzread(in, buf, sizeof buf)) > 0;)
        assert_int_equal(fwrite(buf, 1, (size_t)n, out), (size_t)n);
    gzclose(in);
    fclose(out);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT data FROM catalog_snapshot", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    *len = (size_t)sqlite3_column_bytes(st, 0);
    void *blob = malloc(*len);
    assert_non_null(blob);
    memcpy(blob, sqlite3_column_blob(st, 0), *len);
    sqlite3_finalize(st);
    sqlite3_close(db);
    unlink(path);
    return blob;
}

/* What tests/data/records says of a few entities. */
static void assert_records_catalog(const struct tr_catalog *c)
{
    assert_int_equal(c->n_artists, 10);
    assert_int_equal(c->n_releases, 13);
    assert_int_equal(c->n_tracks, 32);
    const struct tr_artist *taeo = &c->artists[tr_catalog_artist(c, "taeo")];
    assert_string_equal(taeo->name, "TAEO");
    assert_string_equal(taeo->country, "KR");
    assert_int_equal(taeo->n_member_of, 1);
    assert_string_equal(c->artists[taeo->member_of[0]].id, "nova7");
    const struct tr_release *road = &c->releases[tr_catalog_release(c, "nova7-road")];
    assert_string_equal(road->title, "Starlight Road");
    assert_true(road->n_tracks > 0);
    for (uint32_t k = 0; k < road->n_tracks; k++)
        assert_int_equal(tr_catalog_track(c, c->tracks[road->tracks[k]].id), road->tracks[k]);
    assert_int_equal(tr_catalog_track(c, "no-such-track"), TR_NONE);
}

static void test_packed_layout_of_an_earlier_build(void **state)
{
    size_t len;
    void *blob = legacy_blob(&len);
    assert_int_equal(memcmp(blob, "SNP1", 4), 0);
    struct tr_catalog *c;
    struct tr_error err = {0};
    assert_int_equal(tr_catalog_from_snapshot(blob, len, &c), 0);
    assert_int_equal(tr_catalog_resolve(c, &err), 0);
    assert_records_catalog(c);
    /* the packed layout is read, never taken in place */
    struct tr_catalog *d;
    assert_int_equal(tr_catalog_adopt_snapshot(blob, len, NULL, NULL, NULL, &d), TR_ESTORE);
    /* an earlier build's tracks have no ISRC */
    for (uint32_t t = 0; t < c->n_tracks; t++)
        assert_string_equal(c->tracks[t].isrc, "");
    /* written again, it is the aligned layout with ISRCs, and reads back
     * the same */
    uint32_t first = 0, last = c->n_tracks - 1;
    memcpy(c->tracks[first].isrc, "KRA402300123", 13);
    memcpy(c->tracks[last].isrc, "USRC17607839", 13);
    void *again;
    size_t again_len;
    assert_int_equal(tr_catalog_snapshot(c, &again, &again_len), 0);
    assert_int_equal(memcmp(again, "SNP3", 4), 0);
    struct tr_catalog *e;
    assert_int_equal(tr_catalog_from_snapshot(again, again_len, &e), 0);
    assert_int_equal(tr_catalog_resolve(e, &err), 0);
    assert_records_catalog(e);
    assert_string_equal(e->tracks[first].isrc, "KRA402300123");
    assert_string_equal(e->tracks[last].isrc, "USRC17607839");
    assert_string_equal(e->tracks[1].isrc, "");
    tr_catalog_free(e);
    tr_catalog_free(c);
    free(again);
    free(blob);
}

/* The legacy catalog written again: the aligned layout, malloc'd. */
static void *aligned_snapshot(size_t *len)
{
    void *blob = legacy_blob(len), *bytes;
    struct tr_catalog *c;
    assert_int_equal(tr_catalog_from_snapshot(blob, *len, &c), 0);
    free(blob);
    assert_int_equal(tr_catalog_snapshot(c, &bytes, len), 0);
    tr_catalog_free(c);
    return bytes;
}

static int releases_of_bytes;

static void release_bytes(void *bytes, size_t len, void *ctx)
{
    assert_ptr_equal(ctx, &releases_of_bytes);
    releases_of_bytes++;
    memset(bytes, 0xa5, len);      /* anything still pointing in reads garbage */
    free(bytes);
}

static void test_adopted_in_place(void **state)
{
    size_t len;
    void *bytes = aligned_snapshot(&len);
    struct tr_catalog *c;
    struct tr_error err = {0};
    releases_of_bytes = 0;
    assert_int_equal(tr_catalog_adopt_snapshot(bytes, len, release_bytes, &releases_of_bytes, NULL, &c), 0);
    assert_int_equal(tr_catalog_resolve(c, &err), 0);
    assert_records_catalog(c);
    /* the strings are the snapshot's own, not copies */
    const char *taeo = c->artists[tr_catalog_artist(c, "taeo")].id;
    assert_true(taeo >= (const char *)bytes && taeo < (const char *)bytes + len);

    /* edits: a field replaced, and enough new tracks that the track map
     * outgrows the borrowed slots and moves to an array of its own */
    struct tr_track *t0 = &c->tracks[0];
    assert_int_equal(tr_catalog_set_str(c, &t0->title, "Retitled"), 0);
    char id[32];
    for (int i = 0; i < 200; i++) {
        uint32_t idx;
        bool created;
        snprintf(id, sizeof id, "added-%d", i);
        assert_int_equal(tr_catalog_add_track(c, id, TR_NONE, &idx, &created), 0);
        assert_true(created);
        assert_int_equal(tr_catalog_set_str(c, &c->tracks[idx].title, id), 0);
    }
    assert_int_equal(tr_catalog_resolve(c, &err), 0);
    assert_int_equal(c->n_tracks, 232);
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "added-%d", i);
        assert_int_equal(tr_catalog_track(c, id), 32 + i);
    }
    assert_string_equal(c->tracks[0].title, "Retitled");
    assert_int_equal(tr_catalog_track(c, c->tracks[31].id), 31);

    /* what the edited catalog writes reads back alike */
    void *edited;
    size_t edited_len;
    assert_int_equal(tr_catalog_snapshot(c, &edited, &edited_len), 0);
    tr_catalog_free(c);
    assert_int_equal(releases_of_bytes, 1);
    assert_int_equal(tr_catalog_from_snapshot(edited, edited_len, &c), 0);
    assert_int_equal(tr_catalog_resolve(c, &err), 0);
    assert_string_equal(c->tracks[0].title, "Retitled");
    assert_int_equal(tr_catalog_track(c, "added-199"), 231);
    assert_string_equal(c->tracks[231].title, "added-199");
    tr_catalog_free(c);
    free(edited);
}

static void test_refused_bytes_stay_the_callers(void **state)
{
    size_t len;
    void *bytes = aligned_snapshot(&len);
    struct tr_catalog *c;
    releases_of_bytes = 0;
    /* cut short, misaligned, or one id map entry naming no entity */
    assert_int_equal(tr_catalog_adopt_snapshot(bytes, len - 8, release_bytes, &releases_of_bytes, NULL, &c),
                     TR_ESTORE);
    char *moved = malloc(len + 8);
    assert_non_null(moved);
    memcpy(moved + 4, bytes, len);
    assert_int_equal(tr_catalog_adopt_snapshot(moved + 4, len, release_bytes, &releases_of_bytes, NULL, &c),
                     TR_ESTORE);
    free(moved);
    /* the track map comes last; a slot is a 64-bit hash, the value, the
     * key's length: the last used slot's value */
    uint32_t *value = (uint32_t *)(void *)((char *)bytes + len - 8);
    while (*value == UINT32_MAX)
        value -= 4;
    *value = 1000;
    assert_int_equal(tr_catalog_adopt_snapshot(bytes, len, release_bytes, &releases_of_bytes, NULL, &c),
                     TR_ESTORE);
    assert_int_equal(releases_of_bytes, 0);
    free(bytes);
}

/* Opened lazily: one subject is found and named with nothing else decoded
 * (the other records still zeros), a same_as track's canonical one is the
 * one resolving gives, and once completed the catalog is the one a whole
 * load gives, where it lay; a map slot naming no entity, which a lazy
 * open does not read, is still refused when it completes. */
static const struct tr_snapshot_need all_valid = {NULL, NULL};

static void test_opened_lazily(void **state)
{
    size_t len;
    void *bytes = aligned_snapshot(&len), *whole_bytes = malloc(len);
    assert_non_null(whole_bytes);
    memcpy(whole_bytes, bytes, len);
    struct tr_catalog *c, *w;
    struct tr_error err = {0};
    releases_of_bytes = 0;
    assert_int_equal(tr_catalog_adopt_snapshot(whole_bytes, len, NULL, NULL, NULL, &w), 0);
    assert_int_equal(tr_catalog_resolve(w, &err), 0);
    assert_int_equal(tr_catalog_adopt_snapshot(bytes, len, release_bytes, &releases_of_bytes, &all_valid, &c), 0);
    assert_non_null(tr_catalog_lazy(c));
    assert_int_equal(c->n_tracks, w->n_tracks);
    for (uint32_t i = 0; i < c->n_tracks; i++)
        assert_null(c->tracks[i].id);
    uint32_t road = tr_catalog_release(c, "nova7-road");
    assert_int_equal(road, tr_catalog_release(w, "nova7-road"));
    assert_string_equal(tr_subject_name(c, TR_SUBJECT_RELEASE, road), "Starlight Road");
    assert_int_equal(tr_catalog_track(c, "no-such-track"), TR_NONE);
    assert_null(tr_subject_id(c, TR_SUBJECT_TRACK, c->n_tracks));
    uint32_t decoded = 0;
    for (uint32_t i = 0; i < c->n_tracks; i++)
        decoded += c->tracks[i].id != NULL;
    assert_true(decoded <= 1);     /* only what the lookups probed */
    for (uint32_t i = 0; i < w->n_tracks; i++) {
        assert_int_equal(tr_catalog_canonical_track(c, i), tr_catalog_canonical_track(w, i));
        assert_string_equal(tr_subject_id(c, TR_SUBJECT_TRACK, i), w->tracks[i].id);
    }
    assert_false(tr_snapshot_damaged(c));
    assert_int_equal(tr_snapshot_complete(c), 0);
    assert_null(tr_catalog_lazy(c));
    assert_int_equal(tr_catalog_resolve(c, &err), 0);
    assert_records_catalog(c);
    for (uint32_t i = 0; i < w->n_tracks; i++) {
        assert_string_equal(c->tracks[i].title, w->tracks[i].title);
        assert_int_equal(c->tracks[i].series, w->tracks[i].series);
    }
    for (uint32_t i = 0; i < w->n_releases; i++)
        assert_int_equal(c->releases[i].n_tracks, w->releases[i].n_tracks);
    tr_catalog_free(c);
    assert_int_equal(releases_of_bytes, 1);

    /* the last used slot of the track map names no track */
    bytes = aligned_snapshot(&len);
    uint32_t *value = (uint32_t *)(void *)((char *)bytes + len - 8);
    while (*value == UINT32_MAX)
        value -= 4;
    *value = 1000;
    releases_of_bytes = 0;
    assert_int_equal(tr_catalog_adopt_snapshot(bytes, len, release_bytes, &releases_of_bytes, &all_valid, &c), 0);
    assert_string_equal(tr_subject_name(c, TR_SUBJECT_RELEASE, road), "Starlight Road");
    assert_int_equal(tr_snapshot_complete(c), TR_ESTORE);
    tr_catalog_free(c);
    assert_int_equal(releases_of_bytes, 1);
    tr_catalog_free(w);          /* and whole_bytes, its arena (no release given) */
}

/* A need that makes valid every byte but those from refuse_from on (a
 * file whose later blocks fail their checksums), counting what it was
 * asked for. */
static size_t refuse_from, needed;

static int need_before(void *ctx, size_t off, size_t n)
{
    (void)ctx;
    needed += n;
    return off + n > refuse_from ? -1 : 0;
}

/* A lazy catalog asks for the bytes it reads, few of them for one
 * lookup; bytes it cannot have leave it damaged, never a wrong answer. */
static void test_lazy_bytes_are_asked_for(void **state)
{
    size_t len;
    void *bytes = aligned_snapshot(&len);
    struct tr_catalog *c;
    struct tr_snapshot_need need = {need_before, NULL};
    refuse_from = len;
    needed = 0;
    releases_of_bytes = 0;
    assert_int_equal(tr_catalog_adopt_snapshot(bytes, len, release_bytes, &releases_of_bytes, &need, &c), 0);
    uint32_t road = tr_catalog_release(c, "nova7-road");
    assert_string_equal(tr_subject_name(c, TR_SUBJECT_RELEASE, road), "Starlight Road");
    assert_true(needed < len / 4);
    assert_false(tr_snapshot_damaged(c));
    assert_int_equal(tr_snapshot_complete(c), 0);
    assert_records_catalog(c);
    tr_catalog_free(c);

    /* the track map (the snapshot's last section) cannot be had */
    bytes = aligned_snapshot(&len);
    refuse_from = len - 64;
    assert_int_equal(tr_catalog_adopt_snapshot(bytes, len, release_bytes, &releases_of_bytes, &need, &c), 0);
    assert_int_equal(tr_catalog_release(c, "nova7-road"), road);
    assert_false(tr_snapshot_damaged(c));
    for (uint32_t i = 0; i < c->n_tracks; i++)
        tr_subject_id(c, TR_SUBJECT_TRACK, i);   /* the records lie before the maps */
    uint32_t found = 0;
    for (uint32_t i = 0; i < c->n_tracks; i++)
        found += tr_catalog_track(c, c->tracks[i].id) == i;
    assert_true(found < c->n_tracks);             /* some slots lie in what is refused */
    assert_true(tr_snapshot_damaged(c));
    assert_int_equal(tr_snapshot_complete(c), TR_ESTORE);
    tr_catalog_free(c);
    assert_int_equal(releases_of_bytes, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packed_layout_of_an_earlier_build),
        cmocka_unit_test(test_adopted_in_place),
        cmocka_unit_test(test_refused_bytes_stay_the_callers),
        cmocka_unit_test(test_opened_lazily),
        cmocka_unit_test(test_lazy_bytes_are_asked_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
