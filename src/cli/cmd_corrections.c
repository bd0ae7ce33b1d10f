/*
 * cmd_corrections.c: `trackrecord corrections`: the days on which a count went down.
 */
#include "cli_output.h"

#include <stdlib.h>

int cmd_corrections(struct cli *cli, int argc, char **argv)
{
    bool json;
    struct tr_store *s;
    int rc = cli_json_store(cli, argc, argv,
                           "usage: trackrecord corrections [--json]\n\n"
                           "Lists the days on which a recording's count went down (a correction by\n"
                           "the source, or a bad fetch).  A decrease never un-crosses a milestone.\n",
                           &json, &s);
    if (rc || !s)
        return rc;
    struct tr_error err = {0};
    const struct tr_catalog *cat;
    struct tr_correction *v = NULL;
    size_t n = 0;
    if (tr_store_catalog(s, &cat, &err) || tr_store_corrections(s, &v, &n, &err)) {
        return cli_fail(cli, &err);
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
    return EXIT_OK;
}
