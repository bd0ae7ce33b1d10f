/*
 * test_feeds_playcounts.c: the catalog-plus-play-count export
 * (formats/playcounts.c) on a sample of the real March 2023 export, through
 * the public API on a temporary store.
 *
 * tests/data/feeds/playcounts/ holds the export's 12 artists and, line for
 * line, the rows of four albums: Proof (6al2VdKbb6FIz9d7lU7WRB, 35 tracks
 * on three discs, track_number starting again on each), two singles by two
 * artists each (listed twice in albums.csv, so their tracks twice in
 * tracks.csv and twice a day in playcounts.csv) and one single with stale
 * days.  Expected figures were read off the sample with a short Python
 * script (csv module, grouping rows by track and day) before the reader
 * was run:
 *   - 387 play-count rows, 41 tracks, 9 days;
 *   - conflicting duplicates: 1DlczmjByrS4qxRVfGjpqN on 2023-03-07,
 *     26,031,618 (line 170) and 26,064,701 (line 171); 6C0H8ts9M6deezz0yYR6LK
 *     on 2023-03-07, 6,759,510 (line 172) and 6,724,343 (line 173);
 *   - one 0 after positive counts (6C0H8ts9M6deezz0yYR6LK on 2023-03-08,
 *     line 216, beside 6,796,466 on line 215): a failed fetch;
 *   - no decrease; unchanged day-to-day steps: 8 keeping the larger
 *     count, 9 keeping the first or the last.
 */
#include "store_fixture.h"

#define EXPORT "tests/data/feeds/playcounts"

static int import(struct tr_store *s, enum tr_on_duplicate pol, struct tr_import_report *rep,
                  struct tr_error *err)
{
    struct tr_import_options o = {.date = TR_DAY_NONE, .on_duplicate = pol};
    return import_path(s, EXPORT, &o, rep, err);
}

/* The stored count of a track on a day (asserting there is one). */
static uint64_t count_on(struct tr_store *s, const char *id, const char *date)
{
    struct tr_point *p;
    size_t n;
    tr_day d;
    assert_int_equal(tr_day_parse(date, strlen(date), &d), 0);
    track_history(s, id, &p, &n);
    uint64_t v = UINT64_MAX;
    for (size_t i = 0; i < n; i++)
        if (p[i].day == d)
            v = p[i].value;
    free(p);
    assert_true(v != UINT64_MAX);
    return v;
}

static const struct tr_import_file *file(const struct tr_import_report *rep, const char *format)
{
    for (size_t i = 0; i < rep->n_files; i++)
        if (strcmp(rep->files[i].format, format) == 0)
            return &rep->files[i];
    fail_msg("no %s file in the report", format);
    return NULL;
}

static void test_conflict_refused_by_default(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    assert_int_equal(import(f->s, TR_DUP_ERROR, NULL, &err), TR_ECONFLICT);
    /* both lines named */
    assert_non_null(strstr(err.msg, "playcounts.csv:171:"));
    assert_non_null(strstr(err.msg, "26064701 for track '1DlczmjByrS4qxRVfGjpqN' on 2023-03-07"
                                    " conflicts with 26031618 on line 170"));
    /* and nothing was kept */
    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    assert_int_equal(c->n_tracks, 0);
}

static void test_keep_max(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    assert_int_equal(import(f->s, TR_DUP_MAX, &rep, &err), 0);
    const struct tr_import_file *pc = file(&rep, "pc-playcounts");
    assert_int_equal(pc->rows, 387);
    /* one failed fetch, two duplicates settled */
    assert_int_equal(pc->refused, 3);
    assert_non_null(strstr(pc->note, "0 decreases, 8 unchanged"));
    assert_non_null(strstr(pc->note, "1 zero counts after a positive one left out"));
    assert_int_equal(file(&rep, "pc-artists")->rows, 12);
    assert_int_equal(file(&rep, "pc-albums")->rows, 6);
    assert_int_equal(file(&rep, "pc-tracks")->rows, 43);
    tr_import_report_release(&rep);

    assert_int_equal(count_on(f->s, "1DlczmjByrS4qxRVfGjpqN", "2023-03-07"), 26064701);
    assert_int_equal(count_on(f->s, "6C0H8ts9M6deezz0yYR6LK", "2023-03-07"), 6759510);
    /* the failed fetch did not replace the real count */
    assert_int_equal(count_on(f->s, "6C0H8ts9M6deezz0yYR6LK", "2023-03-08"), 6796466);

    const struct tr_catalog *c;
    assert_int_equal(tr_store_catalog(f->s, &c, &err), 0);
    assert_int_equal(c->n_artists, 12);
    assert_int_equal(c->n_releases, 4);
    assert_int_equal(c->n_tracks, 41);
    const struct tr_release *proof = &c->releases[tr_catalog_release(c, "6al2VdKbb6FIz9d7lU7WRB")];
    assert_string_equal(proof->title, "Proof");
    assert_int_equal(proof->type, TR_RELEASE_ALBUM);
    char d[TR_DATE_LEN];
    assert_string_equal(tr_day_format(proof->date, d), "2022-06-10");
    /* three discs in file order: line 20 of the list starts disc two */
    assert_int_equal(proof->n_tracks, 35);
    assert_string_equal(c->tracks[proof->tracks[0]].id, "1IthE5GNiRzFN5CVaCa445");
    assert_string_equal(c->tracks[proof->tracks[19]].id, "69xohKu8C1fsflYAiSNbwM");
    assert_string_equal(c->artists[proof->artists[0]].name, "BTS");
    /* an album by two artists, listed once per artist */
    const struct tr_release *mu = &c->releases[tr_catalog_release(c, "7eMHMiz2uvtDDMbvKRJxlP")];
    assert_int_equal(mu->n_artists, 2);
    assert_int_equal(mu->n_tracks, 1);

    /* a re-import changes nothing */
    assert_int_equal(import(f->s, TR_DUP_MAX, &rep, &err), 0);
    assert_int_equal(rep.catalog_changes, 0);
    assert_int_equal(rep.added, 0);
    assert_int_equal(rep.changed, 0);
    tr_import_report_release(&rep);
}

static void test_keep_first(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    assert_int_equal(import(f->s, TR_DUP_FIRST, &rep, &err), 0);
    assert_non_null(strstr(file(&rep, "pc-playcounts")->note, "0 decreases, 9 unchanged"));
    tr_import_report_release(&rep);
    assert_int_equal(count_on(f->s, "1DlczmjByrS4qxRVfGjpqN", "2023-03-07"), 26031618);
    assert_int_equal(count_on(f->s, "6C0H8ts9M6deezz0yYR6LK", "2023-03-08"), 6796466);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_conflict_refused_by_default, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_keep_max, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_keep_first, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
