/*
 * cmd_milestones.c: `trackrecord milestones`: the stored events, or, with
 * --ladder, the events of another ladder computed on the fly.
 */
#include "cli_claims.h"
#include "cli_output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord milestones [OPTIONS]\n"
            "\n"
            "Lists milestone events, oldest first: a track passing N (track_total),\n"
            "every track of a release passing N (every_track, naming the last track to\n"
            "cross), a release's or an artist's total passing N (release_total,\n"
            "artist_total).  Each has its data date and day N since release (day 0).\n"
            "\n"
            "Options:\n"
            "  --subject ID     only this track, release or artist\n"
            "  --since DATE     only events on or after DATE (YYYY-MM-DD)\n"
            "  --kind K         track_total, every_track, release_total, artist_total,\n"
            "                   chart_debut, chart_peak or chart_periods\n"
            "  --ladder LADDER  compute for these thresholds instead of the stored ones:\n"
            "                   10M../10M for every 10M, or per kind, the others taking\n"
            "                   their defaults (artist=10B../1B; kinds: track,\n"
            "                   every_track, release, artist)\n"
            "  --baseline       list baselines too: a subject first seen already past N\n"
            "                   stood there when the data began, which is not a\n"
            "                   milestone it passed (left out by default)\n"
            "  --no-claims      leave out the records claims listed under each event\n"
            "                   (see `trackrecord records`)\n"
            "  --json           a JSON array of objects (claims in \"claims\")\n"
            "  --csv            CSV with a header line\n"
            "  --db FILE        the store\n");
}

static bool keep(const struct tr_milestone *m, const struct tr_milestone_filter *f,
                 bool baselines)
{
    return (baselines || !m->baseline) && (f->subject_type < 0 || (int)m->subject_type == f->subject_type) &&
           (f->subject == TR_NONE || m->subject == f->subject) &&
           (f->kind < 0 || (int)m->kind == f->kind) &&
           (f->since == TR_DAY_NONE || m->date >= f->since);
}

int cmd_milestones(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"subject", required_argument, 0, 's'}, {"since", required_argument, 0, 'S'},
        {"kind", required_argument, 0, 'k'}, {"ladder", required_argument, 0, 'l'},
        {"json", no_argument, 0, 'j'}, {"csv", no_argument, 0, 'c'},
        {"no-claims", no_argument, 0, 'n'}, {"baseline", no_argument, 0, 'b'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    struct tr_milestone_filter f = TR_MILESTONE_FILTER_ALL;
    const char *subject = NULL, *ladder_text = NULL;
    bool json = false, csv = false, claims = true, baselines = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': subject = optarg; break;
        case 'S':
            if (cli_parse_since(cli, optarg, &f.since))
                return EXIT_USAGE;
            break;
        case 'k':
            if (cli_parse_kind(cli, optarg, &f.kind))
                return EXIT_USAGE;
            break;
        case 'l': ladder_text = optarg; break;
        case 'j': json = true; break;
        case 'c': csv = true; break;
        case 'n': claims = false; break;
        case 'b': baselines = true; break;
        case 'h': help(stdout); return EXIT_OK;
        default: return cli_usage_error(cli, "bad option");
        }
    }
    if (optind < argc)
        return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
    if (json && csv)
        return cli_usage_error(cli, "choose one of --json and --csv");
    struct tr_store *s;
    const struct tr_catalog *cat;
    struct cli_subject sub;
    int rc = cli_store_subject(cli, subject, &s, &cat, &sub);
    if (rc)
        return rc;
    struct tr_error err = {0};
    struct tr_milestone *ev = NULL;
    size_t n = 0;
    struct tr_ladders *ladder = NULL;
    struct tr_claim_set cs = {0};
    if (subject) {
        f.subject_type = (int)sub.type;
        f.subject = sub.index;
    }
    if (ladder_text) {
        if ((rc = tr_ladders_parse(ladder_text, &ladder, &err)) ||
            (rc = tr_milestones_compute(s, ladder, &ev, &n, &err)))
            goto done;
    } else if (claims && !csv) {
        /* claims are judged against every stored event: take them all */
        if ((rc = tr_store_claims(s, f.since, baselines, &cs, &err)))
            goto done;
        ev = cs.events;
        n = cs.n_events;
        cs.events = NULL;
    } else if ((rc = tr_store_milestones(s, &f, &ev, &n, &err))) {
        goto done;
    }
    json_t *arr = json ? json_array() : NULL;
    if (csv) {
        /* the kept events together, then their rows in bulk (CSV rows
         * carry no claims) */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (keep(&ev[i], &f, baselines))
                ev[k++] = ev[i];
        out_milestones_csv(stdout, cat, ev, k);
    }
    for (size_t i = 0; !csv && i < n; i++) {
        if (!keep(&ev[i], &f, baselines))
            continue;
        const struct tr_claim *cl = cs.first ? cs.claims + cs.first[i] : NULL;
        size_t ncl = cs.first ? cs.first[i + 1] - cs.first[i] : 0;
        if (json) {
            json_array_append_new(arr, cs.first ? tr_json_milestone_claims(cat, &ev[i], cl, ncl)
                                                : tr_json_milestone(cat, &ev[i]));
        } else {
            out_milestone_text(stdout, cat, &ev[i]);
            for (size_t k = 0; k < ncl; k++)
                claim_text(stdout, cat, &ev[i], &cl[k]);
        }
    }
    if (json)
        out_json_dump(stdout, arr);
done:
    free(ev);
    tr_claim_set_release(&cs);
    tr_ladders_free(ladder);
    return rc ? cli_fail(cli, &err) : EXIT_OK;
}
