/*
 * cmd_show.c: `trackrecord show ID`: one track, release or artist.
 */
#include "cli_output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord show [--json] [--days N] ID\n"
            "\n"
            "Shows a track, release or artist by id: its latest total, the daily gains\n"
            "of its last N days with data (default 7), and its latest milestones (all\n"
            "of them in --json).  For a release, each listed track's total too, the\n"
            "release totals a source reported (kworb's album totals, the latest few)\n"
            "and its first-week sales; for any subject, its award nominations and its\n"
            "next milestones with their expected dates (see `trackrecord forecast`).\n"
            "\n"
            "Options:\n"
            "  --days N   recent days to show (default 7)\n"
            "  --json     one JSON object (with the whole history for a track)\n"
            "  --db FILE  the store\n");
}

/* The latest point of a track's history. */
static int latest(struct tr_store *s, uint32_t track, struct tr_point *out, struct tr_error *err)
{
    struct tr_point *p;
    size_t n;
    int rc = tr_store_history(s, track, &p, &n, err);
    if (rc)
        return rc;
    *out = n ? p[n - 1] : (struct tr_point){TR_DAY_NONE, 0};
    free(p);
    return 0;
}

static void print_gains(const struct tr_point *p, size_t n, size_t days)
{
    char d[TR_DATE_LEN];
    size_t from = n > days ? n - days : 1;
    if (n < 2)
        return;
    printf("recent daily gains:\n");
    for (size_t i = from; i < n; i++) {
        int64_t g = (int64_t)(p[i].value - p[i - 1].value);
        printf("  %s  %+lld%s\n", tr_day_format(p[i].day, d), (long long)g,
               p[i].day - p[i - 1].day > 1 ? "  (over several days)" : g < 0 ? "  (correction)" : "");
    }
}

/* The latest few totals a source reported for the release (they come
 * ordered by date): the release's own figure, beside the sum of its
 * tracks. */
static void print_reported(const struct tr_release_total *v, size_t n)
{
    enum { LATEST = 5 };
    char d[TR_DATE_LEN];
    if (!n)
        return;
    printf("reported totals:\n");
    for (size_t i = n > LATEST ? n - LATEST : 0; i < n; i++) {
        printf("  %s  %-8s %15llu", tr_day_format(v[i].date, d), v[i].source,
               (unsigned long long)v[i].total);
        if (v[i].daily)
            printf("  (%+lld that day)", (long long)v[i].daily);
        putchar('\n');
    }
}

static void print_extras(const struct tr_sale *sales, size_t n_sales, const struct tr_award *aw,
                         size_t n_aw)
{
    char d1[TR_DATE_LEN], d2[TR_DATE_LEN];
    if (n_sales)
        printf("sales:\n");
    for (size_t i = 0; i < n_sales; i++) {
        printf("  %-8s %12llu copies  %s..%s (%s)", sales[i].source,
               (unsigned long long)sales[i].copies, tr_day_format(sales[i].period_start, d1),
               sales[i].period_end == TR_DAY_NONE ? "" : tr_day_format(sales[i].period_end, d2),
               sales[i].timezone[0] ? sales[i].timezone : "time zone not given");
        if (sales[i].note[0])
            printf("  %s", sales[i].note);
        putchar('\n');
    }
    if (n_aw)
        printf("awards:\n");
    for (size_t i = 0; i < n_aw; i++)
        printf("  %d %s: %s (%s)\n", aw[i].year, aw[i].ceremony, aw[i].category, aw[i].result);
}

/* The subject as text: what it is, its latest total and recent gains, a
 * release's tracks and reported totals, sales, awards, the latest
 * milestones and the next ones. */
static int print_subject(struct tr_store *s, const struct tr_catalog *cat, const struct cli_subject *sub,
                         size_t days, struct tr_error *err)
{
    struct tr_milestone *ev = NULL;
    struct tr_point *hist = NULL;
    struct tr_sale *sales = NULL;
    struct tr_award *awards = NULL;
    struct tr_release_total *reported = NULL;
    struct tr_forecast_set fs = {0};
    size_t n_ev = 0, n_hist = 0, n_sales = 0, n_awards = 0, n_reported = 0;
    char d[TR_DATE_LEN];
    bool ok = false;
    struct tr_milestone_filter f = {(int)sub->type, sub->index, -1, TR_DAY_NONE};
    if (tr_store_milestones(s, &f, &ev, &n_ev, err))
        goto done;
    /* milestones passed, not where the subject stood when the data began
     * (`milestones --baseline` lists those) */
    size_t kept = 0;
    for (size_t i = 0; i < n_ev; i++)
        if (!ev[i].baseline)
            ev[kept++] = ev[i];
    n_ev = kept;
    if (sub->type == TR_SUBJECT_TRACK &&
        tr_store_history(s, sub->index, &hist, &n_hist, err))
        goto done;
    if (sub->type == TR_SUBJECT_RELEASE && tr_store_sales(s, sub->index, &sales, &n_sales, err))
        goto done;
    if (sub->type == TR_SUBJECT_RELEASE &&
        tr_store_release_totals(s, sub->index, &reported, &n_reported, err))
        goto done;
    if (tr_store_awards(s, (int)sub->type, sub->index, &awards, &n_awards, err))
        goto done;
    /* its next milestones, as many as its JSON object gives */
    struct tr_forecast_query fq = tr_subject_next_query(cat, sub->type, sub->index);
    if (tr_store_forecasts(s, &fq, &fs, err))
        goto done;

    printf("%s (%s %s)\n", tr_subject_name(cat, sub->type, sub->index),
           tr_subject_type_name(sub->type), tr_subject_id(cat, sub->type, sub->index));
    if (sub->type == TR_SUBJECT_TRACK) {
        if (n_hist)
            printf("total: %llu on %s\n", (unsigned long long)hist[n_hist - 1].value,
                   tr_day_format(hist[n_hist - 1].day, d));
        else
            printf("total: no data yet\n");
        print_gains(hist, n_hist, days + 1);
    } else if (sub->type == TR_SUBJECT_RELEASE) {
        const struct tr_release *r = &cat->releases[sub->index];
        printf("%s, released %s, %u tracks\n",
               r->type != TR_RELEASE_UNKNOWN ? tr_release_type_name(r->type) : "release",
               tr_day_format(r->date, d), r->n_tracks);
        uint64_t total = 0;
        for (uint32_t k = 0; k < r->n_tracks; k++) {
            struct tr_point p;
            if (latest(s, r->tracks[k], &p, err))
                goto done;
            printf("  %2u. %-40s %15llu  %s\n", k + 1, tr_subject_name(cat, TR_SUBJECT_TRACK, r->tracks[k]),
                   (unsigned long long)p.value, tr_day_format(p.day, d));
            total += p.value;
        }
        printf("total: %llu\n", (unsigned long long)total);
        print_reported(reported, n_reported);
    } else {
        const struct tr_artist *a = &cat->artists[sub->index];
        printf("%s %s %s", a->country[0] ? a->country : "-", tr_artist_kind_name(a->kind),
               tr_gender_name(a->gender));
        for (uint32_t g = 0; g < a->n_genres; g++)
            printf("%s%s", g ? ";" : " ", a->genres[g]);
        putchar('\n');
    }
    print_extras(sales, n_sales, awards, n_awards);
    if (n_ev) {
        /* the latest ten; all of them are a `milestones --subject` away */
        size_t from = n_ev > 10 ? n_ev - 10 : 0;
        if (from)
            printf("milestones (the latest 10 of %zu; all: trackrecord milestones --subject %s):\n",
                   n_ev, tr_subject_id(cat, sub->type, sub->index));
        else
            printf("milestones:\n");
        for (size_t i = from; i < n_ev; i++) {
            fputs("  ", stdout);
            out_milestone_text(stdout, cat, &ev[i]);
        }
    }
    if (fs.n)
        printf("next milestones (forecast as of %s; trackrecord forecast --subject %s):\n",
               tr_day_format(fs.as_of, d), tr_subject_id(cat, sub->type, sub->index));
    for (size_t i = 0; i < fs.n; i++) {
        char post[TR_FORECAST_POST_SIZE];
        tr_forecast_post(cat, &fs.f[i], post, sizeof post);
        printf("  %s\n", post);
    }
    ok = true;
done:
    free(ev);
    free(hist);
    free(sales);
    free(awards);
    free(reported);
    tr_forecast_set_release(&fs);
    return ok ? 0 : err->code ? err->code : TR_ENOMEM;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'}, {"days", required_argument, 0, 'n'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    bool json = false;
    long days = 7;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'n':
            days = strtol(optarg, NULL, 10);
            if (days < 1)
                return cli_usage_error(cli, "--days: expected a positive number, not '%s'", optarg);
            break;
        case 'h': help(stdout); return EXIT_OK;
        default: return cli_usage_error(cli, "bad option");
        }
    }
    struct tr_store *s;
    const struct tr_catalog *cat;
    struct cli_subject sub;
    int rc = cli_one_subject(cli, argc, argv, &s, &cat, &sub);
    if (rc)
        return rc;
    struct tr_error err = {0};
    json_t *o = NULL;
    if (!json)
        rc = print_subject(s, cat, &sub, (size_t)days, &err);
    else if (!(rc = tr_json_subject(s, sub.type, sub.index, &o, &err)))
        out_json_dump(stdout, o);
    return rc ? cli_fail(cli, &err) : EXIT_OK;
}
