/*
 * cmd_forecast.c: `trackrecord forecast`: when each subject's next
 * milestones will fall, and `--backtest`, how well that worked before.
 */
#include "cli_output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "trackrecord/forecast.h"

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord forecast [OPTIONS]\n"
            "       trackrecord forecast --backtest [--horizons 7,30,90] [--json|--csv]\n"
            "\n"
            "Forecasts the next milestone of every track (its total), release (every\n"
            "track of it, and its total) and artist (its total): the next threshold of\n"
            "the ladder not yet reached, the day it is expected on, an 80%% interval,\n"
            "the streams still needed and the expected daily gain now.  Soonest first;\n"
            "without a date last.  The model and how the interval is measured:\n"
            "docs/forecasts.md.\n"
            "\n"
            "Options:\n"
            "  --subject ID     only this track, release or artist\n"
            "  --kind K         track_total, every_track, release_total or artist_total\n"
            "  --within DAYS    only those expected within DAYS days (--within 7: the\n"
            "                   \"almost there\" list of the daily digest)\n"
            "  --next N         the N next thresholds of each subject (default 1)\n"
            "  --as-of DATE     forecast from the data up to DATE only (YYYY-MM-DD):\n"
            "                   nothing later is read\n"
            "  --backtest       cut the history at many past days, forecast from each\n"
            "                   cut and compare with the crossings that followed: per\n"
            "                   horizon and kind, the median absolute error in days\n"
            "                   (each crossing timed within its day, actual and\n"
            "                   forecast alike; in whole days beside it: *_days),\n"
            "                   the share of crossings inside the 80%% interval, and the\n"
            "                   naive baseline's error (the last 7 days' mean gain\n"
            "                   carried forward) beside it; crossings: the scorings,\n"
            "                   distinct: the crossings they are of (one is scored\n"
            "                   from each cut whose lead fits)\n"
            "  --horizons LIST  the backtest's horizons in days (default 7,30,90): each\n"
            "                   scores the crossings that came within a quarter of it\n"
            "                   either way after the cut (30: 23 to 37 days)\n"
            "  --json           a JSON array of objects\n"
            "  --csv            CSV with a header line\n"
            "  --db FILE        the store\n"
            "\n"
            "Fields (--json, --csv): subject (id), subject_type, name, kind, threshold,\n"
            "value (the count on as_of; every_track: the lowest track's), remaining\n"
            "(streams still needed; every_track: by the slowest track), daily (the\n"
            "expected daily gain now, without the weekday's factor), eta (the expected\n"
            "first day at or above), eta_low and eta_high (the 80%% interval; null when\n"
            "beyond three years, e.g. a track whose gains have died out), days (eta\n"
            "minus as_of), slowest (every_track: the track expected last), method\n"
            "(model, or simple: a series too short to fit, its recent mean gain\n"
            "carried forward), as_of, post.\n");
}

static void day_text(tr_day d, char buf[TR_DATE_LEN])
{
    if (d == TR_DAY_NONE)
        strcpy(buf, "-");
    else
        tr_day_format(d, buf);
}

static void csv_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
}

static void print_csv(const struct tr_catalog *c, const struct tr_forecast_set *fs)
{
    char eta[TR_DATE_LEN], lo[TR_DATE_LEN], hi[TR_DATE_LEN], as_of[TR_DATE_LEN];
    printf("subject,subject_type,name,kind,threshold,value,remaining,daily,eta,eta_low,eta_high,"
           "days,slowest,method,as_of\n");
    tr_day_format(fs->as_of, as_of);
    for (size_t i = 0; i < fs->n; i++) {
        const struct tr_forecast *f = &fs->f[i];
        csv_field(stdout, tr_subject_id(c, f->subject_type, f->subject));
        printf(",%s,", tr_subject_type_name(f->subject_type));
        csv_field(stdout, tr_subject_name(c, f->subject_type, f->subject));
        printf(",%s,%llu,%llu,%llu,%.0f,", tr_milestone_kind_name(f->kind),
               (unsigned long long)f->threshold, (unsigned long long)f->value,
               (unsigned long long)f->remaining, f->daily);
        printf("%s,%s,%s,", f->eta == TR_DAY_NONE ? "" : tr_day_format(f->eta, eta),
               f->eta_low == TR_DAY_NONE ? "" : tr_day_format(f->eta_low, lo),
               f->eta_high == TR_DAY_NONE ? "" : tr_day_format(f->eta_high, hi));
        if (f->eta != TR_DAY_NONE)
            printf("%d", f->eta - fs->as_of);
        putchar(',');
        if (f->slowest != TR_NONE)
            csv_field(stdout, tr_subject_id(c, TR_SUBJECT_TRACK, f->slowest));
        printf(",%s,%s\n", tr_forecast_method_name(f->method), as_of);
    }
}

/* "7,30,90" */
static int parse_horizons(const char *s, int32_t *out, size_t cap, size_t *n)
{
    *n = 0;
    while (*s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 1 || v > TR_FORECAST_HORIZON || *n == cap || (*n && v <= out[*n - 1]))
            return -1;
        out[(*n)++] = (int32_t)v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return *n ? 0 : -1;
}

static int run_backtest(struct cli *cli, struct tr_store *s, const int32_t *hz, size_t nh,
                        bool json, bool csv)
{
    struct tr_error err = {0};
    struct tr_backtest bt;
    if (tr_store_backtest(s, hz, nh, &bt, &err))
        return cli_fail(cli, &err);
    char d1[TR_DATE_LEN], d2[TR_DATE_LEN];
    day_text(bt.first_cut, d1);
    day_text(bt.last_cut, d2);
    if (json) {
        json_t *o = json_object(), *rows = json_array();
        json_object_set_new(o, "cuts", json_integer((json_int_t)bt.cuts));
        json_object_set_new(o, "first_cut", bt.cuts ? json_string(d1) : json_null());
        json_object_set_new(o, "last_cut", bt.cuts ? json_string(d2) : json_null());
        json_object_set_new(o, "subjects", json_integer((json_int_t)bt.subjects));
        for (size_t i = 0; i < bt.n_rows; i++) {
            const struct tr_backtest_row *r = &bt.rows[i];
            json_t *x = json_object();
            json_object_set_new(x, "horizon", json_integer(r->horizon));
            json_object_set_new(x, "lead_from", json_integer(r->lead_from));
            json_object_set_new(x, "lead_to", json_integer(r->lead_to));
            json_object_set_new(x, "kind", json_string(tr_milestone_kind_name(r->kind)));
            json_object_set_new(x, "crossings", json_integer((json_int_t)r->n));
            json_object_set_new(x, "distinct", json_integer((json_int_t)r->distinct));
            json_object_set_new(x, "model_mae", json_real(r->model_mae));
            json_object_set_new(x, "naive_mae", json_real(r->naive_mae));
            json_object_set_new(x, "ratio", r->naive_mae > 0 ? json_real(r->model_mae / r->naive_mae) : json_null());
            json_object_set_new(x, "model_mae_days", json_real(r->model_mae_days));
            json_object_set_new(x, "naive_mae_days", json_real(r->naive_mae_days));
            json_object_set_new(x, "model_mean", json_real(r->model_mean));
            json_object_set_new(x, "naive_mean", json_real(r->naive_mean));
            json_object_set_new(x, "inside_80", json_real(r->inside));
            json_object_set_new(x, "model_undated", json_integer((json_int_t)r->model_undated));
            json_object_set_new(x, "naive_undated", json_integer((json_int_t)r->naive_undated));
            json_array_append_new(rows, x);
        }
        json_object_set_new(o, "rows", rows);
        out_json_dump(stdout, o);
    } else if (csv) {
        printf("horizon,lead_from,lead_to,kind,crossings,distinct,model_mae,naive_mae,ratio,model_mae_days,"
               "naive_mae_days,model_mean,naive_mean,inside_80,model_undated,naive_undated\n");
        for (size_t i = 0; i < bt.n_rows; i++) {
            const struct tr_backtest_row *r = &bt.rows[i];
            printf("%d,%d,%d,%s,%zu,%zu,%.2f,%.2f,%.3f,%.1f,%.1f,%.2f,%.2f,%.3f,%zu,%zu\n", r->horizon,
                   r->lead_from, r->lead_to, tr_milestone_kind_name(r->kind), r->n, r->distinct, r->model_mae,
                   r->naive_mae, r->naive_mae > 0 ? r->model_mae / r->naive_mae : 0.0, r->model_mae_days,
                   r->naive_mae_days, r->model_mean, r->naive_mean,
                   r->inside, r->model_undated,
                   r->naive_undated);
        }
    } else {
        printf("backtest: %zu cuts a week apart, %s .. %s, %zu subjects followed\n", bt.cuts, d1, d2,
               bt.subjects);
        printf("%-13s %-14s %9s %8s %10s %10s %7s %6s %6s %11s %11s %10s\n", "horizon", "kind", "crossings",
               "distinct", "model_mae", "naive_mae", "ratio", "m_days", "n_days", "model_mean", "naive_mean",
               "inside_80");
        for (size_t i = 0; i < bt.n_rows; i++) {
            const struct tr_backtest_row *r = &bt.rows[i];
            char h[32];
            snprintf(h, sizeof h, "%d (%d-%d)", r->horizon, r->lead_from, r->lead_to);
            printf("%-13s %-14s %9zu %8zu %10.2f %10.2f %7.2f %6.1f %6.1f %11.2f %11.2f %9.1f%%\n", h,
                   tr_milestone_kind_name(r->kind), r->n, r->distinct, r->model_mae, r->naive_mae,
                   r->naive_mae > 0 ? r->model_mae / r->naive_mae : 0.0, r->model_mae_days,
                   r->naive_mae_days, r->model_mean, r->naive_mean,
                   100 * r->inside);
        }
        if (!bt.n_rows)
            printf("no crossings to score: the history is too short\n");
    }
    tr_backtest_release(&bt);
    return EXIT_OK;
}

int cmd_forecast(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"subject", required_argument, 0, 's'}, {"kind", required_argument, 0, 'k'},
        {"within", required_argument, 0, 'w'}, {"next", required_argument, 0, 'n'},
        {"as-of", required_argument, 0, 'a'}, {"backtest", no_argument, 0, 'b'},
        {"horizons", required_argument, 0, 'H'}, {"json", no_argument, 0, 'j'},
        {"csv", no_argument, 0, 'c'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    struct tr_forecast_query q = TR_FORECAST_QUERY_ALL;
    const char *subject = NULL;
    bool json = false, csv = false, backtest = false;
    int32_t hz[16] = {7, 30, 90};
    size_t nh = 3;
    int c;
    long v;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': subject = optarg; break;
        case 'k':
            if (cli_parse_kind(cli, optarg, &q.kind))
                return EXIT_USAGE;
            if (q.kind > TR_MS_ARTIST_TOTAL)
                return cli_usage_error(cli, "--kind: chart milestones are not forecast");
            break;
        case 'w':
            v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > TR_FORECAST_HORIZON)
                return cli_usage_error(cli, "--within: a number of days (1 to %d), not '%s'",
                                       TR_FORECAST_HORIZON, optarg);
            q.within = (int32_t)v;
            break;
        case 'n':
            v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 100)
                return cli_usage_error(cli, "--next: a number from 1 to 100, not '%s'", optarg);
            q.next = (uint32_t)v;
            break;
        case 'a':
            if (tr_day_parse(optarg, strlen(optarg), &q.as_of))
                return cli_usage_error(cli, "--as-of: expected a date (YYYY-MM-DD), not '%s'", optarg);
            break;
        case 'b': backtest = true; break;
        case 'H':
            if (parse_horizons(optarg, hz, sizeof hz / sizeof *hz, &nh))
                return cli_usage_error(cli, "--horizons: rising day counts (1 to %d) separated by commas,"
                                            " not '%s'", TR_FORECAST_HORIZON, optarg);
            break;
        case 'j': json = true; break;
        case 'c': csv = true; break;
        case 'h': help(stdout); return EXIT_OK;
        default: return cli_usage_error(cli, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
    if (json && csv)
        return cli_usage_error(cli, "--json and --csv: choose one");
    if (backtest && (subject || q.within || q.as_of != TR_DAY_NONE || q.kind >= 0 || q.next != 1))
        return cli_usage_error(cli, "--backtest takes only --horizons, --json or --csv");
    struct tr_store *s;
    int rc;
    if (backtest)
        return (rc = cli_store(cli, &s)) ? rc : run_backtest(cli, s, hz, nh, json, csv);
    /* one subject: its catalog records alone are read (tr_store_subject) */
    const struct tr_catalog *cat;
    struct cli_subject sub;
    if ((rc = cli_store_subject_alone(cli, subject, &s, &cat, &sub)))
        return rc;
    struct tr_error err = {0};
    struct tr_forecast_set fs = {0};
    if (subject) {
        q.subject_type = (int)sub.type;
        /* a track shares its recording's forecast */
        q.subject = sub.type == TR_SUBJECT_TRACK ? tr_catalog_canonical_track(cat, sub.index) : sub.index;
    }
    if ((rc = tr_store_forecasts(s, &q, &fs, &err)))
        goto done;
    if (json) {
        out_json_dump(stdout, tr_json_forecasts(cat, &fs));
    } else if (csv) {
        print_csv(cat, &fs);
    } else {
        char as_of[TR_DATE_LEN], post[TR_FORECAST_POST_SIZE];
        if (fs.as_of == TR_DAY_NONE)
            printf("no play counts stored yet: nothing to forecast\n");
        else
            printf("forecasts as of %s%s:\n", tr_day_format(fs.as_of, as_of),
                   q.within ? "" : " (soonest first)");
        for (size_t i = 0; i < fs.n; i++) {
            tr_forecast_post(cat, &fs.f[i], post, sizeof post);
            printf("  %s\n", post);
        }
    }
done:
    tr_forecast_set_release(&fs);
    return rc ? cli_fail(cli, &err) : EXIT_OK;
}
