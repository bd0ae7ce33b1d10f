/*
 * cmd_charts.c: `trackrecord charts ID`: the chart runs of a track, or of
 * every track of a release or artist.
 */
#include "cli_output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord charts [--json] ID\n"
            "\n"
            "Shows the chart runs of a track (or of each track of a release or artist):\n"
            "per chart (daily or weekly) and country, the debut date and rank, the peak\n"
            "and its first date, periods (days or weeks) on the chart, periods at #1,\n"
            "re-entries and the streams the chart counted.  Runs cover the chart files\n"
            "imported (see docs/formats.md, charts).  A run is the song's: any of its\n"
            "ids gives it, naming every id it was listed under (one recording, or the\n"
            "same title and artists on one chart, never in one period).\n"
            "\n"
            "Options:\n"
            "  --json     one JSON object per run, in an array\n"
            "  --db FILE  the store\n");
}

static bool artist_has(const struct tr_track *t, uint32_t a)
{
    for (uint32_t i = 0; i < t->n_artists; i++)
        if (t->artists[i] == a)
            return true;
    return false;
}

/* The ids already shown (a release or an artist may hold several ids of
 * one song: its runs are shown once). */
struct shown {
    uint8_t *track;              /* by catalog track */
};

/* Prints (or appends to arr) the runs of track t's song; 0 or an error code. */
static int track_runs(struct tr_store *s, const struct tr_catalog *cat, uint32_t t, json_t *arr,
                      struct shown *shown, struct tr_error *err)
{
    struct tr_chart_run *runs;
    size_t n;
    char d1[TR_DATE_LEN], d2[TR_DATE_LEN], d3[TR_DATE_LEN];
    if (shown->track[t])
        return 0;
    int rc = tr_store_chart_runs(s, t, &runs, &n, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const struct tr_chart_run *r = &runs[i];
        uint32_t n_ids = r->n_ids < TR_CHART_RUN_IDS ? r->n_ids : TR_CHART_RUN_IDS;
        for (uint32_t k = 0; k < n_ids; k++) {
            uint32_t id = tr_catalog_track(cat, r->ids[k]);
            if (id != TR_NONE)
                shown->track[id] = 1;
        }
        if (arr) {
            json_array_append_new(arr, tr_json_chart_run(cat, t, r));
        } else {
            bool daily = strcmp(r->chart, "daily") == 0, one = r->periods_on_chart == 1;
            const char *unit = daily ? (one ? "day" : "days") : (one ? "week" : "weeks");
            printf("%s (", tr_subject_name(cat, TR_SUBJECT_TRACK, t));
            for (uint32_t k = 0; k < n_ids; k++)
                printf("%s%s", k ? ", " : "", r->ids[k]);
            printf("%s): %s %s: debut %s at #%u, peak #%u on %s, %u %s on chart"
                   " (last %s), %u at #1, %u re-entr%s, %llu chart streams\n",
                   r->n_ids > n_ids ? ", ..." : "", r->country,
                   r->chart, tr_day_format(r->debut_date, d1), r->debut_rank, r->peak_rank,
                   tr_day_format(r->peak_date, d2), r->periods_on_chart, unit,
                   tr_day_format(r->last_date, d3), r->periods_at_1, r->reentries,
                   r->reentries == 1 ? "y" : "ies", (unsigned long long)r->chart_streams);
        }
    }
    free(runs);
    return 0;
}

int cmd_charts(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
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
    json_t *arr = json ? json_array() : NULL;
    struct shown shown = {NULL};
    if (!(shown.track = calloc(cat->n_tracks ? cat->n_tracks : 1, 1))) {
        rc = tr_error_set(&err, TR_ENOMEM, "out of memory");
        goto done;
    }
    if (sub.type == TR_SUBJECT_TRACK) {
        rc = track_runs(s, cat, sub.index, arr, &shown, &err);
    } else if (sub.type == TR_SUBJECT_RELEASE) {
        const struct tr_release *r = &cat->releases[sub.index];
        for (uint32_t k = 0; k < r->n_tracks && !rc; k++)
            rc = track_runs(s, cat, r->tracks[k], arr, &shown, &err);
    } else {
        for (uint32_t t = 0; t < cat->n_tracks && !rc; t++)
            if (artist_has(&cat->tracks[t], sub.index))
                rc = track_runs(s, cat, t, arr, &shown, &err);
    }
    if (!rc && arr) {
        out_json_dump(stdout, arr);
        arr = NULL;
    }
done:
    free(shown.track);
    json_decref(arr);
    return rc ? cli_fail(cli, &err) : EXIT_OK;
}
