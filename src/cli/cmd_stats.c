/*
 * cmd_stats.c: `trackrecord stats`: what the store holds and its size.
 */
#include "cli_output.h"

#include <stdlib.h>

int cmd_stats(struct cli *cli, int argc, char **argv)
{
    bool json;
    struct tr_store *s;
    int rc = cli_json_store(cli, argc, argv,
                           "usage: trackrecord stats [--json]\n\n"
                           "What the store holds: catalog size, days and observations stored, the\n"
                           "bytes the series take and bytes per observation, milestone events, and\n"
                           "the days the milestone checkpoint covers (an import of later days\n"
                           "scans only those).\n",
                           &json, &s);
    if (rc || !s)
        return rc;
    struct tr_error err = {0};
    struct tr_store_stats st;
    tr_day scanned_to = TR_DAY_NONE;
    bool changed;
    /* one snapshot for both: the counts and the checkpoint of one import */
    if (tr_store_begin_read(s, &changed, &err))
        return cli_fail(cli, &err);
    rc = tr_store_stats(s, &st, &err) || tr_milestones_scanned_to(s, &scanned_to, &err);
    tr_store_end_read(s);
    if (rc)
        return cli_fail(cli, &err);
    char date[TR_DATE_LEN];
    double per = st.observations ? (double)st.series_bytes / (double)st.observations : 0;
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "artists", json_integer((json_int_t)st.artists));
        json_object_set_new(o, "releases", json_integer((json_int_t)st.releases));
        json_object_set_new(o, "tracks", json_integer((json_int_t)st.tracks));
        json_object_set_new(o, "days", json_integer((json_int_t)st.days));
        json_object_set_new(o, "observations", json_integer((json_int_t)st.observations));
        json_object_set_new(o, "series_bytes", json_integer((json_int_t)st.series_bytes));
        json_object_set_new(o, "bytes_per_observation", json_real(per));
        json_object_set_new(o, "milestones", json_integer((json_int_t)st.milestones));
        json_object_set_new(o, "scanned_to", scanned_to == TR_DAY_NONE ? json_null()
                                             : json_string(tr_day_format(scanned_to, date)));
        out_json_dump(stdout, o);
    } else {
        printf("catalog: %llu artists, %llu releases, %llu tracks\n", (unsigned long long)st.artists,
               (unsigned long long)st.releases, (unsigned long long)st.tracks);
        printf("series: %llu days, %llu observations, %llu bytes (%.2f bytes per observation)\n",
               (unsigned long long)st.days, (unsigned long long)st.observations,
               (unsigned long long)st.series_bytes, per);
        printf("milestones: %llu events\n", (unsigned long long)st.milestones);
        if (scanned_to != TR_DAY_NONE)
            printf("checkpoint: days to %s scanned; an import of later days scans those alone\n",
                   tr_day_format(scanned_to, date));
        else
            printf("checkpoint: none; the next import that adds play counts rescans every day\n");
    }
    return EXIT_OK;
}
