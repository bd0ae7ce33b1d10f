/*
 * test_streams_scan.c: the play-count body scanned in parts
 * (streams_scan.c) against the CSV reader.
 *
 * The scanner must give up on every input that is not plain, and on a
 * plain one it must leave the store exactly as the CSV reader does: the
 * same tracks in the same order with the same series, the same counts,
 * the same report and the same errors.  Each comparison imports a feed
 * twice into two stores: once as it is, cut into 1 to 5 parts (the
 * scanner's knobs lowered so that small bodies are cut), and once with an
 * empty line added at its end, which the scanner gives up on, so that the
 * CSV reader reads it all.
 */
#include "store_fixture.h"
#include "formats/streams_scan.h"

/* ---- feeds ---------------------------------------------------------- */

struct feed_opts {
    int tracks, days;
    bool crlf;            /* CRLF line ends */
    bool blanks;          /* blanks around counts, dates written with a time */
    bool reversed;        /* days in reverse order (an unsorted feed) */
    int first_day;        /* day of the first row */
};

/* A feed of cumulative counts: a third of the tracks start on a later
 * day (new ids interleaved with known ones), some counts pass 32 bits,
 * one track goes down once (a correction). */
static char *feed(const struct feed_opts *o)
{
    size_t cap = (size_t)o->tracks * (size_t)o->days * 64 + 64, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    n += (size_t)snprintf(buf, cap, "date,track,streams%s", o->crlf ? "\r\n" : "\n");
    for (int k = 0; k < o->days; k++) {
        int d = o->reversed ? o->days - 1 - k : k;
        char date[TR_DATE_LEN];
        tr_day_format((tr_day)(19723 + o->first_day + d), date);   /* 2024-01-01 + ... */
        for (int t = 0; t < o->tracks; t++) {
            int start = t % 3 == 2 ? (t * 7) % o->days : 0;
            if (d < start)
                continue;
            uint64_t v = (uint64_t)(t + 1) * 1000 * (uint64_t)(d + 1 - start);
            if (t % 5 == 4)
                v += (uint64_t)5 << 32;               /* past 32 bits */
            if (t == 1 && d == o->days / 2)
                v -= 10;                              /* a dip */
            n += (size_t)snprintf(buf + n, cap - n, "%s%s,t%04d,%s%llu%s%s", date,
                                  o->blanks && t % 4 == 0 ? "T00:00:00" : "", t,
                                  o->blanks && t % 4 == 1 ? " " : "", (unsigned long long)v,
                                  o->blanks && t % 4 == 1 ? "\t" : "", o->crlf ? "\r\n" : "\n");
        }
    }
    return buf;
}

/* text + more, newly allocated. */
static char *concat(const char *text, const char *more)
{
    size_t a = strlen(text), b = strlen(more);
    char *s = malloc(a + b + 1);
    assert_non_null(s);
    memcpy(s, text, a);
    memcpy(s + a, more, b + 1);
    return s;
}

/* ---- two stores, one import each way --------------------------------- */

struct pair {
    struct fixture *f;
    struct tr_store *reader;      /* the store the CSV reader fills */
};

static int pair_setup(void **state)
{
    if (store_setup(state))
        return -1;
    struct fixture *f = *state;
    struct pair *p = calloc(1, sizeof *p);
    char db[128];
    struct tr_error err = {0};
    snprintf(db, sizeof db, "%s/reader.db", f->dir);
    if (!p || tr_store_open(db, 0, &p->reader, &err))
        return -1;
    p->f = f;
    *state = p;
    return 0;
}

static int pair_teardown(void **state)
{
    struct pair *p = *state;
    tr_store_close(p->reader);
    *state = p->f;
    free(p);
    tr_scan_min_part = (size_t)4 << 20;
    tr_scan_parts = 0;
    return store_teardown(state);
}

struct outcome {
    int rc;
    struct tr_error err;
    struct tr_import_report rep;
};

/* Imports the files texts[0..n) (named names[i]) in one import into s. */
static void import_texts(struct fixture *f, struct tr_store *s, const char *const *names,
                         char *const *texts, size_t n, const struct tr_import_options *o,
                         struct outcome *out)
{
    char paths[4][160];
    const char *pp[4];
    assert_true(n <= 4);
    for (size_t i = 0; i < n; i++) {
        snprintf(paths[i], sizeof paths[i], "%s", fixture_write(f, names[i], texts[i]));
        pp[i] = paths[i];
    }
    memset(out, 0, sizeof *out);
    out->rc = tr_import(s, pp, n, o, &out->rep, &out->err);
}

static void assert_same_store(struct tr_store *a, struct tr_store *b)
{
    const struct tr_catalog *ca, *cb;
    struct tr_error err = {0};
    assert_int_equal(tr_store_catalog(a, &ca, &err), 0);
    assert_int_equal(tr_store_catalog(b, &cb, &err), 0);
    assert_int_equal(ca->n_tracks, cb->n_tracks);
    assert_int_equal(ca->n_series, cb->n_series);
    for (uint32_t t = 0; t < ca->n_tracks; t++) {
        assert_string_equal(ca->tracks[t].id, cb->tracks[t].id);
        assert_int_equal(ca->tracks[t].series, cb->tracks[t].series);
        struct tr_point *pa, *pb;
        size_t na, nb;
        assert_int_equal(tr_store_history(a, t, &pa, &na, &err), 0);
        assert_int_equal(tr_store_history(b, t, &pb, &nb, &err), 0);
        assert_int_equal(na, nb);
        for (size_t i = 0; i < na; i++) {
            assert_int_equal(pa[i].day, pb[i].day);
            assert_int_equal(pa[i].value, pb[i].value);
        }
        free(pa);
        free(pb);
    }
    struct tr_milestone *ma, *mb;
    size_t na, nb;
    assert_int_equal(tr_store_milestones(a, NULL, &ma, &na, &err), 0);
    assert_int_equal(tr_store_milestones(b, NULL, &mb, &nb, &err), 0);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        const struct tr_milestone *x = &ma[i], *y = &mb[i];
        assert_int_equal(x->subject_type, y->subject_type);
        assert_int_equal(x->subject, y->subject);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->threshold, y->threshold);
        assert_int_equal(x->value, y->value);
        assert_int_equal(x->date, y->date);
        assert_int_equal(x->day, y->day);
        assert_int_equal(x->after, y->after);
        assert_int_equal(x->open_start, y->open_start);
        assert_int_equal(x->slowest, y->slowest);
        assert_int_equal(x->scope, y->scope);
    }
    free(ma);
    free(mb);
}

static void assert_same_outcome(const struct outcome *a, const struct outcome *b)
{
    assert_int_equal(a->rc, b->rc);
    if (a->rc) {
        assert_string_equal(a->err.msg, b->err.msg);
        return;
    }
    assert_int_equal(a->rep.n_files, b->rep.n_files);
    for (size_t i = 0; i < a->rep.n_files; i++) {
        assert_int_equal(a->rep.files[i].rows, b->rep.files[i].rows);
        assert_int_equal(a->rep.files[i].taken, b->rep.files[i].taken);
        assert_int_equal(a->rep.files[i].refused, b->rep.files[i].refused);
    }
    assert_int_equal(a->rep.added, b->rep.added);
    assert_int_equal(a->rep.changed, b->rep.changed);
    assert_int_equal(a->rep.unchanged, b->rep.unchanged);
    assert_int_equal(a->rep.tracks_added, b->rep.tracks_added);
    assert_int_equal(a->rep.milestones, b->rep.milestones);
}

/* The scanner's verdict on the body of text (after its header line). */
static int scan_verdict(struct tr_store *s, const char *text, int parts, bool add,
                        enum tr_on_duplicate pol)
{
    const struct tr_catalog *c;
    struct tr_error err = {0};
    assert_int_equal(tr_store_catalog(s, &c, &err), 0);
    const char *body = strchr(text, '\n');
    assert_non_null(body);
    body++;
    struct tr_scan_options o = {.catalog = c, .col = {0, 1, 2}, .add_tracks = add, .on_duplicate = pol};
    struct tr_scan sc;
    tr_scan_min_part = 1;
    tr_scan_parts = parts;
    int rc = tr_scan_streams(&sc, &o, body, strlen(body));
    if (rc == 0) {
        uint64_t rows = 0;
        assert_int_equal(sc.n_parts, (size_t)parts < strlen(body) ? parts : (int)strlen(body));
        for (int k = 0; k < sc.n_parts; k++)
            rows += sc.part[k].rows;
        size_t lines = 0;
        for (const char *q = body; *q; q++)
            lines += *q == '\n' || !q[1];    /* a last line may lack its LF */
        assert_int_equal(rows, lines);
    }
    tr_scan_release(&sc);
    return rc;
}

/* One import of texts[0..n), scanned in `parts` parts into the pair's
 * first store and read by the CSV reader into the second; the outcomes
 * and the stores must be the same.  With `scanned` the scanner must take
 * every body (checked before the import, on the catalog it starts from:
 * a scanner that gave up would pass unseen, the reader doing its work). */
static void import_both(struct pair *p, int parts, char *const *texts, size_t n,
                        const struct tr_import_options *o, bool scanned_whole)
{
    static const char *const names[] = {"a.csv", "b.csv", "c.csv", "d.csv"};
    char *plain[4];
    struct outcome scanned, read;
    for (size_t i = 0; scanned_whole && i < n; i++)
        assert_int_equal(scan_verdict(p->f->s, texts[i], parts, o->add_tracks, o->on_duplicate), 0);
    tr_scan_min_part = 1;
    tr_scan_parts = parts;
    import_texts(p->f, p->f->s, names, texts, n, o, &scanned);
    for (size_t i = 0; i < n; i++)
        plain[i] = concat(texts[i], "\n");      /* an empty line: the scanner gives up */
    import_texts(p->f, p->reader, names, plain, n, o, &read);
    for (size_t i = 0; i < n; i++)
        free(plain[i]);
    assert_same_outcome(&scanned, &read);
    assert_same_store(p->f->s, p->reader);
    tr_import_report_release(&scanned.rep);
    tr_import_report_release(&read.rep);
}

static const struct tr_import_options ADD = {.date = TR_DAY_NONE, .add_tracks = true,
                                             .ladder = "1K,5K,10K,50K,100K"};

/* ---- the scanner on its own ----------------------------------------- */

static void test_plain_is_scanned(void **state)
{
    struct pair *p = *state;
    struct feed_opts fo = {.tracks = 12, .days = 6};
    char *text = feed(&fo);
    for (int parts = 1; parts <= 5; parts++)
        assert_int_equal(scan_verdict(p->f->s, text, parts, true, TR_DUP_ERROR), 0);
    /* unknown ids are left to the reader when tracks are not added */
    assert_int_equal(scan_verdict(p->f->s, text, 2, false, TR_DUP_ERROR), TR_SCAN_GAVE_UP);
    free(text);
    fo.crlf = fo.blanks = true;
    text = feed(&fo);
    assert_int_equal(scan_verdict(p->f->s, text, 3, true, TR_DUP_ERROR), 0);
    free(text);
}

static void test_gives_up_on_what_is_not_plain(void **state)
{
    struct pair *p = *state;
    static const char *const bodies[] = {
        "2024-01-01,t1,5\n2024-01-01,\"t2\",6\n",       /* a quoted field */
        "2024-01-01,t1,5\n2024-01-01,t\"2,6\n",         /* a quote inside a field */
        "2024-01-01,t1,5\n\n2024-01-01,t2,6\n",         /* an empty line */
        "2024-01-01,t1,5\r2024-01-01,t2,6\n",           /* a lone CR */
        "2024-01-01,t1,5,7\n",                          /* four fields */
        "2024-01-01,t1\n",                              /* two fields */
        "2024-13-01,t1,5\n",                            /* no such date */
        "2024-01-01,t1,5.0\n",                          /* not an integer */
        "2024-01-01,t1,-5\n",
        "2024-01-01,t1,\n",
        "2024-01-01,t1,18446744073709551616\n",         /* past 64 bits */
        "2024-01-01,t1,123456789012345678901\n",
        "2024-01-01,,5\n",                              /* an empty id */
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        char *text = concat("date,track,streams\n", bodies[i]);
        for (int parts = 1; parts <= 2; parts++)
            if (scan_verdict(p->f->s, text, parts, true, TR_DUP_ERROR) != TR_SCAN_GAVE_UP)
                fail_msg("the scanner took body %zu in %d parts: %s", i, parts, bodies[i]);
        free(text);
    }
    /* a conflict within a part (the policy: refuse) */
    char *conflict = concat("date,track,streams\n", "2024-01-01,t1,5\n2024-01-01,t1,6\n");
    assert_int_equal(scan_verdict(p->f->s, conflict, 1, true, TR_DUP_ERROR), TR_SCAN_GAVE_UP);
    free(conflict);
    /* at the largest count and a harmless repeat it does not give up */
    char *text = concat("date,track,streams\n",
                        "2024-01-01,t1,18446744073709551615\n2024-01-01,t1,18446744073709551615");
    assert_int_equal(scan_verdict(p->f->s, text, 1, true, TR_DUP_ERROR), 0);
    free(text);
}

/* ---- the scanner against the reader ---------------------------------- */

static void test_same_as_reader(void **state)
{
    struct pair *p = *state;
    struct feed_opts fo = {.tracks = 40, .days = 9, .crlf = true, .blanks = true};
    char *text = feed(&fo);
    import_both(p, 3, &text, 1, &ADD, true);
    free(text);
    /* later days, known and new tracks, cut otherwise */
    fo.first_day = 9;
    fo.tracks = 55;
    fo.crlf = fo.blanks = false;
    text = feed(&fo);
    import_both(p, 4, &text, 1, &ADD, true);
    /* the same file again changes nothing */
    import_both(p, 2, &text, 1, &ADD, true);
    free(text);
}

static void test_unsorted_and_two_files(void **state)
{
    struct pair *p = *state;
    struct feed_opts fo = {.tracks = 30, .days = 8, .reversed = true};
    char *texts[2];
    texts[0] = feed(&fo);
    fo.reversed = false;
    fo.first_day = 4;                       /* overlaps the first file's last days */
    fo.tracks = 35;
    texts[1] = feed(&fo);
    struct tr_import_options o = ADD;
    o.on_duplicate = TR_DUP_MAX;
    import_both(p, 5, texts, 2, &o, false);   /* the second on a catalog the first made */
    free(texts[0]);
    free(texts[1]);
}

/* Duplicates in other parts than their first value, under each policy. */
static void test_duplicates_across_parts(void **state)
{
    static const enum tr_on_duplicate pols[] = {TR_DUP_MAX, TR_DUP_FIRST, TR_DUP_LAST};
    struct feed_opts fo = {.tracks = 20, .days = 6};
    char *base = feed(&fo);
    /* t0003 on day 0 again, higher and lower; t0007 on day 5 again, same */
    char *text = concat(base, "2024-01-01,t0003,999999\n2024-01-06,t0007,48000\n"
                              "2024-01-01,t0003,1\n");
    for (size_t i = 0; i < 3; i++) {
        struct pair *p = *state;
        struct tr_import_options o = ADD;
        o.on_duplicate = pols[i];
        import_both(p, 3, &text, 1, &o, true);
        pair_teardown(state);
        assert_int_equal(pair_setup(state), 0);
    }
    /* refused by default, with the same message as the reader's */
    import_both(*state, 3, &text, 1, &ADD, false);
    free(text);
    free(base);
}

/* Counts of every length from 1 to 20 digits, with blanks, on lines of
 * every length, the last without its LF: read 8 digits at a time or one
 * by one, they must come out as the reader reads them. */
static void test_counts_of_every_length(void **state)
{
    struct pair *p = *state;
    char *text = malloc(1 << 16);
    assert_non_null(text);
    size_t n = (size_t)sprintf(text, "date,track,streams\n");
    uint64_t v = 0;
    for (int len = 1; len <= 20; len++) {
        v = v * 10 + (uint64_t)(len % 10);                 /* 1, 12, 123, ... */
        if (len == 20)
            v = UINT64_MAX;
        n += (size_t)sprintf(text + n, "2024-01-01,t%d,%llu\n", len, (unsigned long long)v);
        n += (size_t)sprintf(text + n, "2024-01-02,t%d, %llu \n", len, (unsigned long long)v);
        n += (size_t)sprintf(text + n, "2024-01-03,t%d,%0*llu\n", len, len,
                             (unsigned long long)(v % 1000));   /* leading zeros */
    }
    n += (size_t)sprintf(text + n, "2024-01-04,a-track-id-of-some-length-to-make-a-long-line,7");
    for (int parts = 1; parts <= 3; parts++)
        import_both(p, parts, &text, 1, &ADD, true);
    free(text);
}

/* Columns in another order, a BOM before the header, a body with no
 * rows, and a last line without its LF. */
static void test_other_column_order(void **state)
{
    struct pair *p = *state;
    char *texts[1];
    texts[0] = concat("\xEF\xBB\xBFstreams,track,date\n",
                      "5,t1,2024-01-01\n6,t2,2024-01-01\n9,t1,2024-01-02\n12,t2,2024-01-02");
    for (int parts = 1; parts <= 3; parts++) {
        tr_scan_min_part = 1;
        tr_scan_parts = parts;
        /* the scanner is handed the body after the header, in its columns */
        const struct tr_catalog *c;
        struct tr_error err = {0};
        assert_int_equal(tr_store_catalog(p->f->s, &c, &err), 0);
        const char *body = strchr(texts[0], '\n') + 1;
        struct tr_scan_options o = {.catalog = c, .col = {2, 1, 0}, .add_tracks = true};
        struct tr_scan sc;
        assert_int_equal(tr_scan_streams(&sc, &o, body, strlen(body)), 0);
        tr_scan_release(&sc);
        import_both(p, parts, texts, 1, &ADD, false);
    }
    free(texts[0]);
    texts[0] = concat("date,track,streams\n", "");
    import_both(p, 2, texts, 1, &ADD, false);
    free(texts[0]);
}

/* Writes len bytes (NULs among them) to the file name in the test's directory. */
static const char *write_bytes(const struct fixture *f, const char *name, const char *b, size_t len)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(b, 1, len, fp), len);
    fclose(fp);
    return path;
}

/* A NUL inside an id, right after a known id's bytes (the guess is that
 * id): the comparison must stop at the stored id's end, and both readers
 * must take the file alike. */
static void test_nul_in_an_id(void **state)
{
    struct pair *p = *state;
    static const char body[] = "date,track,streams\n2024-01-01,t0,5\n2024-01-01,t1,6\n"
                               "2024-01-02,t0,7\n2024-01-02,t1\0zz,8\n2024-01-02,t1,9\n";
    struct tr_import_options o = ADD;
    struct outcome scanned, read;
    const char *paths[1];
    tr_scan_min_part = 1;
    tr_scan_parts = 2;
    paths[0] = write_bytes(p->f, "nul.csv", body, sizeof body - 1);
    memset(&scanned, 0, sizeof scanned);
    scanned.rc = tr_import(p->f->s, paths, 1, &o, &scanned.rep, &scanned.err);
    char plain[sizeof body + 1];
    memcpy(plain, body, sizeof body - 1);
    plain[sizeof body - 1] = '\n';                  /* an empty line: the CSV reader */
    paths[0] = write_bytes(p->f, "nul.csv", plain, sizeof body);
    memset(&read, 0, sizeof read);
    read.rc = tr_import(p->reader, paths, 1, &o, &read.rep, &read.err);
    assert_same_outcome(&scanned, &read);
    assert_same_store(p->f->s, p->reader);
    tr_import_report_release(&scanned.rep);
    tr_import_report_release(&read.rep);
}

static void test_errors_as_reader(void **state)
{
    struct pair *p = *state;
    struct feed_opts fo = {.tracks = 10, .days = 4};
    char *base = feed(&fo);
    /* an unknown track, without --add-tracks */
    struct tr_import_options strict = {.date = TR_DAY_NONE};
    import_both(p, 2, &base, 1, &strict, false);
    /* a bad value late in the file */
    char *text = concat(base, "2024-01-05,t0001,12x\n");
    import_both(p, 2, &text, 1, &ADD, false);
    free(text);
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_is_scanned, pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_gives_up_on_what_is_not_plain, pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_same_as_reader, pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_unsorted_and_two_files, pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_duplicates_across_parts, pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_counts_of_every_length, pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_other_column_order, pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_nul_in_an_id, pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_errors_as_reader, pair_setup, pair_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
