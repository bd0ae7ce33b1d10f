/*
 * test_feeds_discography.c: the BTS discography CSVs (formats/discography.c)
 * with the attributes file tests/data/feeds/bts/artists.csv (BTS and its
 * seven members), through the public API on a temporary store.
 *
 * v.csv and feat_bts.csv are copies of ../shared/data/bts_discography.
 * Expected figures, from a short Python script (csv module) over the two
 * files: 32 + 55 rows, all with a Spotify track id; 87 distinct track ids;
 * 15 albums in v.csv (feat_bts.csv has no album ids); 29 distinct
 * performers, of which JIN and V are in the attributes file, so 27 bare
 * artists are added beside its 8.  Layover (7ixOAT89NSsgUITYc5ByB5,
 * 2023-09-08) lists, by album_seq, Rainy Days 54bg1e6ABcZfpU3yzwxnPf, Blue
 * 2UU11hvjN1JIn4iihEodNT, Love Me Again 0SftJDguUa1F5SsQwwkLw4, Slow
 * Dancing 5h1BN75CEh8wdSwE1xrbSe, For Us 4HAOgAnILvXCbSODMoRnmD, Slow
 * Dancing (Piano Ver.) 7pgbDdy7ax962o9d2xJceV; the pre-release singles
 * (1ZBDI1LqnuAKdrePUF2D5m, 2023-08-11) Rainy Days 5ydjxBSUIDn26MFzU3asP4
 * and Love Me Again 2N0SPREDYqILVEFSsWF5N5.
 */
#include "store_fixture.h"

#define BTS "tests/data/feeds/bts"

static void test_bts_catalog(void **state)
{
    struct fixture *f = *state;
    struct tr_store *s = f->s;
    struct tr_error err = {0};
    struct tr_import_report rep;
    assert_int_equal(import_path(s, BTS, NULL, &rep, &err), 0);
    assert_int_equal(rep.n_files, 3);
    assert_string_equal(rep.files[0].format, "artists");
    assert_string_equal(rep.files[1].format, "discography");
    assert_string_equal(rep.files[2].format, "discography");
    assert_int_equal(rep.files[1].rows + rep.files[2].rows, 87);
    assert_int_equal(rep.files[1].refused + rep.files[2].refused, 0);
    tr_import_report_release(&rep);

    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(s, &c, &err), 0);
    assert_int_equal(c->n_tracks, 87);
    assert_int_equal(c->n_releases, 15);
    assert_int_equal(c->n_artists, 8 + 27);
    uint32_t v = find_id(s, TR_SUBJECT_ARTIST, "v");
    assert_string_equal(c->artists[v].country, "KR");
    assert_int_equal(c->artists[v].kind, TR_KIND_SOLO);

    static const char *const layover[] = {"54bg1e6ABcZfpU3yzwxnPf", "2UU11hvjN1JIn4iihEodNT",
                                          "0SftJDguUa1F5SsQwwkLw4", "5h1BN75CEh8wdSwE1xrbSe",
                                          "4HAOgAnILvXCbSODMoRnmD", "7pgbDdy7ax962o9d2xJceV"};
    uint32_t r = tr_catalog_release(c, "7ixOAT89NSsgUITYc5ByB5");
    assert_int_not_equal(r, TR_NONE);
    const struct tr_release *rel = &c->releases[r];
    char d[TR_DATE_LEN];
    assert_string_equal(rel->title, "Layover");
    assert_string_equal(tr_day_format(rel->date, d), "2023-09-08");
    assert_int_equal(rel->n_tracks, 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(c->tracks[rel->tracks[i]].id, layover[i]);
    assert_int_equal(rel->n_artists, 1);
    assert_int_equal(rel->artists[0], v);
    const struct tr_track *t = &c->tracks[rel->tracks[5]];
    assert_string_equal(t->title, "Slow Dancing (Piano Ver.)");

    rel = &c->releases[tr_catalog_release(c, "1ZBDI1LqnuAKdrePUF2D5m")];
    assert_string_equal(tr_day_format(rel->date, d), "2023-08-11");
    assert_int_equal(rel->n_tracks, 2);
    assert_string_equal(c->tracks[rel->tracks[0]].id, "5ydjxBSUIDn26MFzU3asP4");
    assert_string_equal(c->tracks[rel->tracks[1]].id, "2N0SPREDYqILVEFSsWF5N5");

    /* a performer outside the attributes file is a bare artist */
    uint32_t cp = find_id(s, TR_SUBJECT_ARTIST, "charlie-puth");
    assert_string_equal(c->artists[cp].name, "Charlie Puth");
    assert_string_equal(c->artists[cp].country, "");

    /* a re-import changes nothing */
    assert_int_equal(import_path(s, BTS, NULL, &rep, &err), 0);
    assert_int_equal(rep.catalog_changes, 0);
    tr_import_report_release(&rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bts_catalog, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
