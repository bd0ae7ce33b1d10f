/*
 * test_store_unchanged.c: tr_store_unchanged, the check a long-lived
 * reader (the HTTP server) makes before answering from what it kept: a
 * read-only handle on a SQLite store says "unchanged" after a read and
 * until another connection's import commits, then "changed" until its
 * next read; it never says "unchanged" before its first read.
 */
#include "store_fixture.h"

static const char artists[] = "id,name,country,kind,gender,genres,member_of\na,Act,KR,solo,male,k-pop,\n";
static const char releases[] = "id,title,artists,type,date\nR,Album,a,album,2024-01-01\n";
static const char tracks[] = "id,title,artists,released,same_as,version_of\nt1,One,a,2024-01-01,,\n";
static const char tracklist[] = "release,position,track\nR,1,t1\n";

static void import(struct fixture *f, const char *streams)
{
    fixture_write(f, "artists.csv", artists);
    fixture_write(f, "releases.csv", releases);
    fixture_write(f, "tracks.csv", tracks);
    fixture_write(f, "tracklist.csv", tracklist);
    fixture_write(f, "streams.csv", streams);
    struct tr_import_options o = {.date = TR_DAY_NONE, .ladder = "1M"};
    struct tr_error err = {0};
    if (import_path(f->s, f->dir, &o, NULL, &err))
        fail_msg("import: %s", err.msg);
}

/* Opens a read snapshot and closes it: whether it saw a change. */
static bool read_once(struct tr_store *r)
{
    struct tr_error err = {0};
    bool changed = false;
    assert_int_equal(tr_store_begin_read(r, &changed, &err), 0);
    tr_store_end_read(r);
    return changed;
}

static void test_an_import_is_told_without_a_read(void **state)
{
    struct fixture *f = *state;
    import(f, "date,track,streams\n2024-01-01,t1,100\n");
    char db[128];
    snprintf(db, sizeof db, "%s/store.db", f->dir);
    struct tr_store *r;
    struct tr_error err = {0};
    assert_int_equal(tr_store_open(db, TR_STORE_READONLY, &r, &err), 0);
    assert_false(tr_store_unchanged(r));      /* nothing read yet: cannot tell */
    assert_true(read_once(r));
    assert_true(tr_store_unchanged(r));
    assert_true(tr_store_unchanged(r));
    import(f, "date,track,streams\n2024-01-02,t1,200\n");
    assert_false(tr_store_unchanged(r));
    assert_false(tr_store_unchanged(r));      /* until the next read */
    assert_true(read_once(r));
    assert_true(tr_store_unchanged(r));
    assert_false(read_once(r));
    /* inside a read it is not asked */
    bool changed;
    assert_int_equal(tr_store_begin_read(r, &changed, &err), 0);
    assert_false(tr_store_unchanged(r));
    tr_store_end_read(r);
    tr_store_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_an_import_is_told_without_a_read, store_setup,
                                        store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
