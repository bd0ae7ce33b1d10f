/*
 * cmd_import.c: `trackrecord import PATH...`.
 */
#include "cli.h"
#include "cli_claims.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord import [OPTIONS] PATH...\n"
            "\n"
            "Takes files (or bundle directories of them) into the store in one\n"
            "transaction: all or nothing.  Formats are detected from each file's\n"
            "header (docs/formats.md).  Importing the same file again changes nothing.\n"
            "Milestones are recomputed when anything changed.  An import that adds\n"
            "later days (the daily run) also judges the records its new events set\n"
            "and keeps them: `trackrecord records --since DAY` then reads them back.\n"
            "\n"
            "Options:\n"
            "  --format NAME        read every PATH as this format:");
    for (const char *const *n = tr_import_formats(); *n; n++)
        fprintf(f, " %s", *n);
    fprintf(f,
            "\n"
            "  --add-tracks         unknown track ids become bare tracks (else refused)\n"
            "  --on-duplicate P     two counts for one track and day: error (default),\n"
            "                       max, last or first\n"
            "  --ladder LADDER      milestone thresholds kept from now on: one ladder for\n"
            "                       every kind (10M../10M) or per kind, the others keeping\n"
            "                       their defaults (artist=10B../1B,release=1B../500M);\n"
            "                       kinds: track, every_track, release, artist; the\n"
            "                       defaults are in docs/milestones.md\n"
            "  --date YYYY-MM-DD    data day for files that carry none\n"
            "  --chart NAME, --country CC, --track ID\n"
            "                       what a chart file or a one-song timeline is about\n"
            "  --records            then print the new days' records, as\n"
            "                       `trackrecord records --since DAY` would\n"
            "  --no-records         do not judge the new days' records now (they are\n"
            "                       judged when `records` asks for them)\n"
            "  --timings            then print where the time went, by phase (stderr)\n"
            "  -q, --quiet          no summary, no progress bar\n"
            "  --db FILE            the store (default $TRACKRECORD_DB or trackrecord.db)\n");
}

static void progress(void *ctx, uint64_t done, uint64_t total)
{
    int *last = ctx;
    int pct = total ? (int)(done * 100 / total) : 100;
    if (pct == *last)
        return;
    *last = pct;
    char bar[31];
    memset(bar, ' ', 30);
    memset(bar, '#', (size_t)(pct * 30 / 100));
    bar[30] = '\0';
    fprintf(stderr, "\rimporting [%s] %3d%%", bar, pct);
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, 0, 'f'}, {"add-tracks", no_argument, 0, 'a'},
        {"on-duplicate", required_argument, 0, 'D'}, {"ladder", required_argument, 0, 'l'},
        {"date", required_argument, 0, 'd'}, {"chart", required_argument, 0, 'c'},
        {"country", required_argument, 0, 'C'}, {"track", required_argument, 0, 't'},
        {"no-records", no_argument, 0, 'R'}, {"records", no_argument, 0, 'r'},
        {"quiet", no_argument, 0, 'q'}, {"timings", no_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    struct tr_import_options o = {.date = TR_DAY_NONE};
    bool quiet = false, records = false, timings = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'f': o.format = optarg; break;
        case 'a': o.add_tracks = true; break;
        case 'D':
            if (tr_on_duplicate_parse(optarg, &o.on_duplicate))
                return cli_usage_error(cli, "--on-duplicate: expected error, max, last or first, not '%s'", optarg);
            break;
        case 'l': o.ladder = optarg; break;
        case 'd':
            if (tr_day_parse(optarg, strlen(optarg), &o.date))
                return cli_usage_error(cli, "--date: not a date (YYYY-MM-DD): '%s'", optarg);
            break;
        case 'c': o.chart = optarg; break;
        case 'C': o.country = optarg; break;
        case 't': o.track = optarg; break;
        case 'R': o.no_records = true; break;
        case 'r': records = true; break;
        case 'q': quiet = true; break;
        case 'T': timings = true; break;
        case 'h': help(stdout); return EXIT_OK;
        default: return cli_usage_error(cli, "bad option");
        }
    }
    if (optind == argc)
        return cli_usage_error(cli, "nothing to import: give files or directories");
    if (records && o.no_records)
        return cli_usage_error(cli, "--records and --no-records exclude each other");
    if (o.ladder) {
        struct tr_ladders *l;
        struct tr_error e = {0};
        if (tr_ladders_parse(o.ladder, &l, &e))
            return cli_fail(cli, &e);
        tr_ladders_free(l);
    }
    int last_pct = -1;
    if (!quiet && isatty(STDERR_FILENO)) {
        o.progress = progress;
        o.progress_ctx = &last_pct;
    }
    struct tr_store *s;
    int rc = cli_store(cli, &s);
    if (rc)
        return rc;
    struct tr_error err = {0};
    struct tr_import_report rep = {0};
    int r = tr_import(s, (const char *const *)argv + optind, (size_t)(argc - optind), &o, &rep, &err);
    if (o.progress && last_pct >= 0)
        fputc('\n', stderr);
    if (r) {
        rc = cli_fail(cli, &err);
        fprintf(stderr, "trackrecord: import: nothing was imported; the store is unchanged\n");
    } else if (!quiet) {
        for (size_t i = 0; i < rep.n_files; i++) {
            const struct tr_import_file *f = &rep.files[i];
            printf("%-40s %-10s %8llu rows", f->path, f->format, (unsigned long long)f->rows);
            if (f->refused)
                printf(", %llu left out", (unsigned long long)f->refused);
            if (f->note[0])
                printf("  (%s)", f->note);
            putchar('\n');
        }
        printf("observations: %llu new, %llu changed, %llu already stored; catalog: %llu new or"
               " changed",
               (unsigned long long)rep.added, (unsigned long long)rep.changed,
               (unsigned long long)rep.unchanged, (unsigned long long)rep.catalog_changes);
        if (rep.tracks_added)
            printf(" (%llu bare tracks added)", (unsigned long long)rep.tracks_added);
        printf("; milestones: %zu", rep.milestones);
        if (rep.claims_since != TR_DAY_NONE) {
            char d[TR_DATE_LEN];
            printf("; records: %zu claims from %s (trackrecord records --since %s)", rep.claims,
                   tr_day_format(rep.claims_since, d), d);
        }
        putchar('\n');
    }
    if (!r && timings) {
        double total = 0;
        fprintf(stderr, "timings:");
        for (int p = 0; p < TR_PHASE_COUNT; p++) {
            fprintf(stderr, " %s %.3f s", tr_import_phase_name((enum tr_import_phase)p), rep.seconds[p]);
            total += rep.seconds[p];
        }
        fprintf(stderr, "; in all %.3f s\n", total);
    }
    if (!r && records && rep.claims_since != TR_DAY_NONE) {
        /* the claims just kept, read back with the catalog still loaded */
        const struct tr_catalog *cat;
        struct tr_claim_set cs = {0};
        struct tr_claims_filter f = {-1, TR_NONE, rep.claims_since, -1, false, -1, false};
        if (tr_store_catalog(s, &cat, &err) || tr_store_claims(s, rep.claims_since, false, &cs, &err)) {
            rc = cli_fail(cli, &err);
        } else {
            if (!quiet && cs.n_claims)
                putchar('\n');
            records_print(stdout, cat, &cs, &f, false);
        }
        tr_claim_set_release(&cs);
    }
    tr_import_report_release(&rep);
    return rc;
}
