/*
 * test_feeds.c: sales and award nominations (fmt_extras.c), imported into
 * a temporary store through the public API and read back.
 *
 * The expected figures are those of tests/data/feeds/layover/sales.csv and
 * awards.csv (copies of the Layover fixture bundle's files): one Hanteo
 * first week of 1,670,000 copies from 2023-09-08 to 2023-09-14 counted in
 * Asia/Seoul; three MAMA 2023 nominations, one for the album and two for
 * "Love Me Again" (0SftJDguUa1F5SsQwwkLw4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trackrecord/trackrecord.h"

#define BUNDLE "tests/data/feeds/layover"

struct fixture {
    char path[64];
    struct tr_store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/tr_feeds_XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    struct tr_error err = {0};
    if (tr_store_open(f->path, 0, &f->s, &err))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char p[80];
    tr_store_close(f->s);
    unlink(f->path);
    snprintf(p, sizeof p, "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", f->path);
    unlink(p);
    free(f);
    return 0;
}

static int import(struct tr_store *s, const char *path, struct tr_error *err)
{
    const char *paths[] = {path};
    return tr_import(s, paths, 1, NULL, NULL, err);
}

static uint32_t release_index(struct tr_store *s, const char *id)
{
    const struct tr_catalog *c;
    struct tr_error err = {0};
    assert_int_equal(tr_store_catalog(s, &c, &err), 0);
    return tr_catalog_release(c, id);
}

static uint32_t track_index(struct tr_store *s, const char *id)
{
    const struct tr_catalog *c;
    struct tr_error err = {0};
    assert_int_equal(tr_store_catalog(s, &c, &err), 0);
    return tr_catalog_track(c, id);
}

static void check_layover(struct tr_store *s)
{
    struct tr_error err = {0};
    struct tr_sale *sales;
    struct tr_award *aw;
    size_t n;
    char d[TR_DATE_LEN];

    uint32_t rel = release_index(s, "layover");
    assert_int_not_equal(rel, TR_NONE);
    assert_int_equal(tr_store_sales(s, rel, &sales, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(sales[0].release, "layover");
    assert_string_equal(sales[0].source, "hanteo");
    assert_string_equal(tr_day_format(sales[0].period_start, d), "2023-09-08");
    assert_string_equal(tr_day_format(sales[0].period_end, d), "2023-09-14");
    assert_string_equal(sales[0].timezone, "Asia/Seoul");
    assert_int_equal(sales[0].copies, 1670000);
    /* the unquoted note with quotes inside is kept as written */
    assert_string_equal(sales[0].note, "first week; published as \"over 1.67 million\"");
    free(sales);

    /* the pre-release single has no sales */
    assert_int_equal(tr_store_sales(s, release_index(s, "layover-pre"), &sales, &n, &err), 0);
    assert_int_equal(n, 0);
    free(sales);

    assert_int_equal(tr_store_awards(s, TR_SUBJECT_RELEASE, rel, &aw, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(aw[0].ceremony, "MAMA Awards");
    assert_int_equal(aw[0].year, 2023);
    assert_string_equal(aw[0].category, "Album of the Year");
    assert_string_equal(aw[0].result, "nominated");
    free(aw);

    uint32_t lma = track_index(s, "0SftJDguUa1F5SsQwwkLw4");
    assert_int_not_equal(lma, TR_NONE);
    assert_int_equal(tr_store_awards(s, TR_SUBJECT_TRACK, lma, &aw, &n, &err), 0);
    assert_int_equal(n, 2);
    /* ordered by category */
    assert_string_equal(aw[0].category, "Best Vocal Performance - Male Solo");
    assert_string_equal(aw[1].category, "Song of the Year");
    assert_int_equal(aw[1].nominee_type, TR_SUBJECT_TRACK);
    free(aw);

    assert_int_equal(tr_store_awards(s, -1, TR_NONE, &aw, &n, &err), 0);
    assert_int_equal(n, 3);
    free(aw);
}

static void test_sales_awards_bundle(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    struct tr_import_report rep;
    const char *paths[] = {BUNDLE};
    assert_int_equal(tr_import(f->s, paths, 1, NULL, &rep, &err), 0);
    /* the two files are recognised inside the bundle */
    int seen = 0;
    for (size_t i = 0; i < rep.n_files; i++) {
        if (strcmp(rep.files[i].format, "sales") == 0) {
            seen |= 1;
            assert_int_equal(rep.files[i].rows, 1);
            assert_int_equal(rep.files[i].taken, 1);
        }
        if (strcmp(rep.files[i].format, "awards") == 0) {
            seen |= 2;
            assert_int_equal(rep.files[i].rows, 3);
        }
    }
    assert_int_equal(seen, 3);
    tr_import_report_release(&rep);
    check_layover(f->s);

    /* re-importing replaces by key: still one sale and three nominations */
    assert_int_equal(import(f->s, BUNDLE, &err), 0);
    check_layover(f->s);
}

/* Writes text to a file in a fresh directory beside the store; returns
 * its path (static buffer). */
static const char *write_temp(const char *name, const char *text)
{
    static char path[128];
    char dir[] = "/tmp/tr_feeds_dir_XXXXXX";
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

static void remove_temp(const char *path)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s", path);
    unlink(path);
    *strrchr(dir, '/') = '\0';
    rmdir(dir);
}

static void expect_refused(struct tr_store *s, const char *name, const char *text, int code,
                           const char *msg)
{
    struct tr_error err = {0};
    const char *p = write_temp(name, text);
    assert_int_equal(import(s, p, &err), code);
    if (!strstr(err.msg, msg))
        fail_msg("message '%s' lacks '%s'", err.msg, msg);
    remove_temp(p);
}

static void test_refused(void **state)
{
    struct fixture *f = *state;
    struct tr_error err = {0};
    assert_int_equal(import(f->s, BUNDLE, &err), 0);
    static const char SH[] = "release,source,period_start,period_end,timezone,copies,note\n";
    static const char AH[] = "ceremony,year,category,nominee_kind,nominee,result\n";
    char text[512];

    snprintf(text, sizeof text, "%slayover,circle,2023-09-08,2023-09-14,Asia/Seoul,1000,\n"
                                "nosuch,hanteo,2023-09-08,,Asia/Seoul,5,\n", SH);
    expect_refused(f->s, "sales.csv", text, TR_EUNKNOWN, "sales.csv:3: release: unknown release 'nosuch'");
    snprintf(text, sizeof text, "%slayover,hanteo,2023-09-08,2023-09-14,Asia/Seoul,1.67M,\n", SH);
    expect_refused(f->s, "sales.csv", text, TR_EFORMAT, "sales.csv:2: copies");
    snprintf(text, sizeof text, "%slayover,hanteo,2023-09-08,2023-09-01,Asia/Seoul,5,\n", SH);
    expect_refused(f->s, "sales.csv", text, TR_EFORMAT, "sales.csv:2: period_end: '2023-09-01' is before");
    snprintf(text, sizeof text, "%sMAMA,2023,Song,song,0SftJDguUa1F5SsQwwkLw4,won\n", AH);
    expect_refused(f->s, "awards.csv", text, TR_EFORMAT, "awards.csv:2: nominee_kind: expected track, release or artist, found 'song'");
    snprintf(text, sizeof text, "%sMAMA,2023,Song,track,nosuch,won\n", AH);
    expect_refused(f->s, "awards.csv", text, TR_EUNKNOWN, "awards.csv:2: nominee: unknown track 'nosuch'");
    snprintf(text, sizeof text, "%sMAMA,twenty,Song,track,0SftJDguUa1F5SsQwwkLw4,won\n", AH);
    expect_refused(f->s, "awards.csv", text, TR_EFORMAT, "awards.csv:2: year");

    /* the refused imports left nothing behind: the circle row of the first
     * refused file was rolled back with the rest */
    check_layover(f->s);
    struct tr_sale *sales;
    size_t n;
    assert_int_equal(tr_store_sales(f->s, TR_NONE, &sales, &n, &err), 0);
    assert_int_equal(n, 1);
    free(sales);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sales_awards_bundle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
