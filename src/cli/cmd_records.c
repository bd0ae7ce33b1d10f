/*
 * cmd_records.c: `trackrecord records`: first, only and fastest claims.
 */
#include "cli_claims.h"
#include "cli_output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord records [--subject ID] [--since DATE] [--kind K] [--certain]\n"
            "                          [--scope world|tracked|all] [--baseline] [--json]\n"
            "\n"
            "Lists the records the milestone events set: the first, the first and only,\n"
            "or the fastest (fewest days from release) within a comparison group built\n"
            "from the catalog (country, solo or group, gender, genre, release type),\n"
            "judged as of the event's date and reported for the most general group in\n"
            "which it holds.  Each comes with its evidence (members of the group, how\n"
            "many had reached the milestone, the previous fastest and the margin) and a\n"
            "post of at most 280 characters.  Rules: docs/records.md.\n"
            "\n"
            "Each claim says what it is true of: world when the data cover the whole\n"
            "group (a declared coverage.csv for play counts, complete chart files for\n"
            "charts), since the day they begin when that is not the start of it all;\n"
            "tracked when it is true only among what the store holds (\"among the 12\n"
            "tracked acts\").  The post states only certain world claims.\n"
            "\n"
            "Options:\n"
            "  --subject ID   only this track, release or artist's events\n"
            "  --since DATE   only events on or after DATE\n"
            "  --kind K       track_total, every_track, release_total, artist_total,\n"
            "                 chart_debut, chart_peak or chart_periods\n"
            "  --certain      leave out claims the data cannot settle\n"
            "  --scope S      world, tracked or all (the default): the claims of that scope\n"
            "  --baseline     the claims of baselines too (a subject already past N when\n"
            "                 first seen: left out by default)\n"
            "  --json         a JSON array, one object per claim\n"
            "  --db FILE      the store\n");
}

int cmd_records(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"subject", required_argument, 0, 's'}, {"since", required_argument, 0, 'S'},
        {"kind", required_argument, 0, 'k'}, {"certain", no_argument, 0, 'c'},
        {"scope", required_argument, 0, 'o'}, {"baseline", no_argument, 0, 'b'},
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *subject = NULL;
    tr_day since = TR_DAY_NONE;
    int kind = -1, scope = -1, c;
    bool json = false, certain = false, baselines = false;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': subject = optarg; break;
        case 'S':
            if (cli_parse_since(cli, optarg, &since))
                return EXIT_USAGE;
            break;
        case 'k':
            if (cli_parse_kind(cli, optarg, &kind))
                return EXIT_USAGE;
            break;
        case 'c': certain = true; break;
        case 'o':
            if (strcmp(optarg, "world") == 0)
                scope = TR_CLAIM_WORLD;
            else if (strcmp(optarg, "tracked") == 0)
                scope = TR_CLAIM_TRACKED;
            else if (strcmp(optarg, "all") != 0)
                return cli_usage_error(cli, "--scope: world, tracked or all, not '%s'", optarg);
            break;
        case 'b': baselines = true; break;
        case 'j': json = true; break;
        case 'h': help(stdout); return EXIT_OK;
        default: return cli_usage_error(cli, "bad option");
        }
    }
    if (optind < argc)
        return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
    struct tr_store *s;
    const struct tr_catalog *cat;
    struct cli_subject sub;
    int rc = cli_store_subject(cli, subject, &s, &cat, &sub);
    if (rc)
        return rc;
    struct tr_error err = {0};
    struct tr_claim_set cs = {0};
    if (!(rc = tr_store_claims(s, since, baselines, &cs, &err))) {
        struct tr_claims_filter f = {subject ? (int)sub.type : -1, sub.index, since, kind, certain,
                                     scope, baselines};
        records_print(stdout, cat, &cs, &f, json);
    }
    tr_claim_set_release(&cs);
    return rc ? cli_fail(cli, &err) : EXIT_OK;
}
