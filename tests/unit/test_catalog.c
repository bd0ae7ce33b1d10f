/*
 * test_catalog.c: a catalog loaded from the store's snapshot and then
 * edited by later imports.
 *
 * The snapshot loader points the entities' strings and lists into one
 * arena instead of allocating each; edits replace them with copies of
 * their own.  These tests edit every kind of field of a loaded catalog,
 * reopen the store, and check what was read back (under ASan, any field
 * freed wrongly fails them too).
 */
#include "store_fixture.h"

static const char ARTISTS[] =
    "id,name,country,kind,gender,genres,member_of\n"
    "v,V,KR,solo,male,k-pop;r&b,bts\n"
    "bts,BTS,KR,group,male,k-pop,\n"
    "jk,Jung Kook,KR,solo,male,k-pop;pop,bts\n";
static const char RELEASES[] =
    "id,title,artists,type,date\n"
    "layover,Layover,v,album,2023-09-08\n"
    "golden,Golden,jk,album,2023-11-03\n";
static const char TRACKS[] =
    "id,title,artists,released,same_as,version_of\n"
    "t1,Rainy Days,v,2023-09-08,,\n"
    "t2,Blue,v,2023-09-08,,\n"
    "t3,Standing Next to You,jk,2023-11-03,,\n"
    "t4,Seven,jk;v,2023-07-14,,\n";
static const char TRACKLIST[] =
    "release,position,track\n"
    "layover,1,t1\n"
    "layover,2,t2\n"
    "golden,1,t3\n";

static int setup(void **state)
{
    if (store_setup(state))
        return -1;
    struct fixture *f = *state;
    struct tr_error err = {0};
    const char *names[] = {"artists.csv", "releases.csv", "tracks.csv", "tracklist.csv"};
    const char *texts[] = {ARTISTS, RELEASES, TRACKS, TRACKLIST};
    char paths[4][160];
    const char *p[4];
    for (int i = 0; i < 4; i++) {
        snprintf(paths[i], sizeof paths[i], "%s", fixture_write(f, names[i], texts[i]));
        p[i] = paths[i];
    }
    return tr_import(f->s, p, 4, NULL, NULL, &err);
}

/* Closes and reopens the store: its catalog is then read from the snapshot. */
static const struct tr_catalog *reopen(struct fixture *f)
{
    char db[128];
    struct tr_error err = {0};
    const struct tr_catalog *c;
    snprintf(db, sizeof db, "%s/store.db", f->dir);
    tr_store_close(f->s);
    assert_int_equal(tr_store_open(db, 0, &f->s, &err), 0);
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    return c;
}

static void assert_ids(const struct tr_catalog *c, const uint32_t *v, uint32_t n,
                       enum tr_subject_type t, const char *want)
{
    char got[256] = "";
    for (uint32_t i = 0; i < n; i++) {
        const char *id = t == TR_SUBJECT_TRACK ? c->tracks[v[i]].id : c->artists[v[i]].id;
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? ";" : "", id);
    }
    assert_string_equal(got, want);
}

static void test_snapshot_reads_back(void **state)
{
    struct fixture *f = *state;
    const struct tr_catalog *c = reopen(f);
    const struct tr_artist *v = &c->artists[tr_catalog_artist(c, "v")];
    assert_string_equal(v->name, "V");
    assert_int_equal(v->n_genres, 2);
    assert_string_equal(v->genres[1], "r&b");
    assert_ids(c, v->member_of, v->n_member_of, TR_SUBJECT_ARTIST, "bts");
    const struct tr_release *l = &c->releases[tr_catalog_release(c, "layover")];
    assert_string_equal(l->title, "Layover");
    assert_ids(c, l->tracks, l->n_tracks, TR_SUBJECT_TRACK, "t1;t2");
    const struct tr_track *seven = &c->tracks[tr_catalog_track(c, "t4")];
    assert_string_equal(seven->title, "Seven");
    assert_ids(c, seven->artists, seven->n_artists, TR_SUBJECT_ARTIST, "jk;v");
}

static void test_edits_of_a_loaded_catalog(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    reopen(f);
    /* every kind of field changes: names and titles, genre lists, artist
     * lists, member_of, a release's tracks; and a new track */
    const char *names[] = {"artists2.csv", "tracks2.csv", "tracklist2.csv"};
    const char *texts[] = {
        "id,name,country,kind,gender,genres,member_of\n"
        "v,Kim Taehyung,KR,solo,male,r&b;jazz;soul,bts;jk\n"
        "jk,Jung Kook,KR,solo,male,pop,bts\n",
        "id,title,artists,released,same_as,version_of\n"
        "t2,Blue (Live),v,2023-09-08,,\n"
        "t4,Seven (feat. Latto),jk,2023-07-14,,\n"
        "t5,For Us,v,2023-09-08,,\n",
        "release,position,track\n"
        "layover,1,t1\n"
        "layover,2,t2\n"
        "layover,3,t5\n"};
    char paths[3][160];
    const char *p[3];
    for (int i = 0; i < 3; i++) {
        snprintf(paths[i], sizeof paths[i], "%s", fixture_write(f, names[i], texts[i]));
        p[i] = paths[i];
    }
    assert_int_equal(tr_import(f->s, p, 3, NULL, NULL, &err), 0);
    for (int round = 0; round < 2; round++) {      /* as edited, then as stored */
        const struct tr_catalog *c;
        if (round)
            c = reopen(f);
        else
            assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
        const struct tr_artist *v = &c->artists[tr_catalog_artist(c, "v")];
        assert_string_equal(v->name, "Kim Taehyung");
        assert_int_equal(v->n_genres, 3);
        assert_string_equal(v->genres[0], "r&b");
        assert_string_equal(v->genres[2], "soul");
        assert_ids(c, v->member_of, v->n_member_of, TR_SUBJECT_ARTIST, "bts;jk");
        const struct tr_artist *jk = &c->artists[tr_catalog_artist(c, "jk")];
        assert_int_equal(jk->n_genres, 1);
        assert_string_equal(jk->genres[0], "pop");
        assert_string_equal(c->tracks[tr_catalog_track(c, "t2")].title, "Blue (Live)");
        assert_string_equal(c->tracks[tr_catalog_track(c, "t1")].title, "Rainy Days");
        const struct tr_track *seven = &c->tracks[tr_catalog_track(c, "t4")];
        assert_string_equal(seven->title, "Seven (feat. Latto)");
        assert_ids(c, seven->artists, seven->n_artists, TR_SUBJECT_ARTIST, "jk");
        const struct tr_release *l = &c->releases[tr_catalog_release(c, "layover")];
        assert_ids(c, l->tracks, l->n_tracks, TR_SUBJECT_TRACK, "t1;t2;t5");
        const struct tr_release *g = &c->releases[tr_catalog_release(c, "golden")];
        assert_string_equal(g->title, "Golden");
        assert_ids(c, g->tracks, g->n_tracks, TR_SUBJECT_TRACK, "t3");
    }
}

/* A refused import leaves the loaded catalog as it was. */
static void test_refused_edit_keeps_the_catalog(void **state)
{
    struct fixture *f = *state;
    reopen(f);
    expect_refused(f, "bad.csv",
                   "id,title,artists,released,same_as,version_of\n"
                   "t1,Rainy Days (Remix),v,2023-09-08,,\n"
                   "t9,Bad Date,v,2023-13-40,,\n",
                   TR_EFORMAT, "bad.csv:3");
    struct tr_error err = {0};
    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    assert_string_equal(c->tracks[tr_catalog_track(c, "t1")].title, "Rainy Days");
    assert_int_equal(tr_catalog_track(c, "t9"), TR_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_snapshot_reads_back, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_edits_of_a_loaded_catalog, setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_refused_edit_keeps_the_catalog, setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
