/*
 * cmd_log.c: the store's bookkeeping: `corrections`, `imports`, `stats`.
 */
#include "cli_output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* Parses the only options these commands take: --json and --help. */
static int simple_opts(struct cli *cli, int argc, char **argv, const char *usage, bool *json)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    *json = false;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'j')
            *json = true;
        else if (c == 'h') {
            fputs(usage, stdout);
            return -1;
        } else
            return cli_usage_error(cli, "bad option");
    }
    if (optind < argc)
        return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
    return 0;
}

int cmd_corrections(struct cli *cli, int argc, char **argv)
{
    bool json;
    int rc = simple_opts(cli, argc, argv,
                         "usage: trackrecord corrections [--json]\n\n"
                         "Lists the days on which a recording's count went down (a correction by\n"
                         "the source, or a bad fetch).  A decrease never un-crosses a milestone.\n",
                         &json);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    struct tr_store *s;
    if ((rc = cli_open(cli, false, &s)))
        return rc;
    struct tr_error err = {0};
    const struct tr_catalog *cat;
    struct tr_correction *v = NULL;
    size_t n = 0;
    if (tr_store_catalog(s, &cat, &err) || tr_store_corrections(s, &v, &n, &err)) {
        rc = cli_fail(cli, &err);
        tr_store_close(s);
        return rc;
    }
    char d1[TR_DATE_LEN], d2[TR_DATE_LEN];
    json_t *arr = json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        const struct tr_correction *c = &v[i];
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "track", json_string(cat->tracks[c->track].id));
            json_object_set_new(o, "title", json_string(tr_subject_name(cat, TR_SUBJECT_TRACK, c->track)));
            json_object_set_new(o, "date", json_string(tr_day_format(c->date, d1)));
            json_object_set_new(o, "previous_date", json_string(tr_day_format(c->previous_date, d2)));
            json_object_set_new(o, "previous", json_integer((json_int_t)c->previous));
            json_object_set_new(o, "value", json_integer((json_int_t)c->value));
            json_object_set_new(o, "change", json_integer((json_int_t)(c->value - c->previous)));
            json_array_append_new(arr, o);
        } else {
            printf("%s  %-24s %-32s %llu -> %llu (%lld since %s)\n", tr_day_format(c->date, d1),
                   cat->tracks[c->track].id, tr_subject_name(cat, TR_SUBJECT_TRACK, c->track),
                   (unsigned long long)c->previous, (unsigned long long)c->value,
                   (long long)(c->value - c->previous), tr_day_format(c->previous_date, d2));
        }
    }
    if (json)
        out_json_dump(stdout, arr);
    else if (n == 0)
        printf("no corrections: no count ever went down\n");
    free(v);
    tr_store_close(s);
    return EXIT_OK;
}

int cmd_imports(struct cli *cli, int argc, char **argv)
{
    bool json;
    int rc = simple_opts(cli, argc, argv,
                         "usage: trackrecord imports [--json]\n\n"
                         "The import log: each file taken, its format and checksum, rows read,\n"
                         "taken and left out, and the observations it added or changed.\n",
                         &json);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    struct tr_store *s;
    if ((rc = cli_open(cli, false, &s)))
        return rc;
    struct tr_error err = {0};
    struct tr_import_entry *v = NULL;
    size_t n = 0;
    if (tr_store_imports(s, &v, &n, &err)) {
        rc = cli_fail(cli, &err);
        tr_store_close(s);
        return rc;
    }
    json_t *arr = json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        const struct tr_import_entry *e = &v[i];
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "id", json_integer(e->id));
            json_object_set_new(o, "at", json_string(e->at));
            json_object_set_new(o, "file", json_string(e->file));
            json_object_set_new(o, "format", json_string(e->format));
            json_object_set_new(o, "checksum", json_string(e->checksum));
            json_object_set_new(o, "rows", json_integer((json_int_t)e->rows));
            json_object_set_new(o, "taken", json_integer((json_int_t)e->taken));
            json_object_set_new(o, "refused", json_integer((json_int_t)e->refused));
            json_object_set_new(o, "added", json_integer((json_int_t)e->added));
            json_object_set_new(o, "changed", json_integer((json_int_t)e->changed));
            json_array_append_new(arr, o);
        } else {
            printf("%4lld  %s  %-10s %s  %s  rows %llu, taken %llu, left out %llu\n", (long long)e->id,
                   e->at, e->format, e->checksum, e->file, (unsigned long long)e->rows,
                   (unsigned long long)e->taken, (unsigned long long)e->refused);
        }
    }
    if (json)
        out_json_dump(stdout, arr);
    free(v);
    tr_store_close(s);
    return EXIT_OK;
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
    bool json;
    int rc = simple_opts(cli, argc, argv,
                         "usage: trackrecord stats [--json]\n\n"
                         "What the store holds: catalog size, days and observations stored, the\n"
                         "bytes the series take and bytes per observation, milestone events, and\n"
                         "the days the milestone checkpoint covers (an import of later days\n"
                         "scans only those).\n",
                         &json);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    struct tr_store *s;
    if ((rc = cli_open(cli, false, &s)))
        return rc;
    struct tr_error err = {0};
    struct tr_store_stats st;
    if (tr_store_stats(s, &st, &err)) {
        rc = cli_fail(cli, &err);
        tr_store_close(s);
        return rc;
    }
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
        json_object_set_new(o, "scanned_to", st.scanned_to == TR_DAY_NONE ? json_null()
                                             : json_string(tr_day_format(st.scanned_to, date)));
        out_json_dump(stdout, o);
    } else {
        printf("catalog: %llu artists, %llu releases, %llu tracks\n", (unsigned long long)st.artists,
               (unsigned long long)st.releases, (unsigned long long)st.tracks);
        printf("series: %llu days, %llu observations, %llu bytes (%.2f bytes per observation)\n",
               (unsigned long long)st.days, (unsigned long long)st.observations,
               (unsigned long long)st.series_bytes, per);
        printf("milestones: %llu events\n", (unsigned long long)st.milestones);
        if (st.scanned_to != TR_DAY_NONE)
            printf("checkpoint: days to %s scanned; an import of later days scans those alone\n",
                   tr_day_format(st.scanned_to, date));
        else
            printf("checkpoint: none; the next import that adds play counts rescans every day\n");
    }
    tr_store_close(s);
    return EXIT_OK;
}
