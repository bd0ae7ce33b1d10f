/*
 * cmd_imports.c: `trackrecord imports`: the import log.
 */
#include "cli_output.h"

#include <stdlib.h>

int cmd_imports(struct cli *cli, int argc, char **argv)
{
    bool json;
    struct tr_store *s;
    int rc = cli_json_store(cli, argc, argv,
                           "usage: trackrecord imports [--json]\n\n"
                           "The import log: each file taken, its format and checksum, rows read,\n"
                           "taken and left out, and the observations it added or changed.\n",
                           &json, &s);
    if (rc || !s)
        return rc;
    struct tr_error err = {0};
    struct tr_import_entry *v = NULL;
    size_t n = 0;
    if (tr_store_imports(s, &v, &n, &err)) {
        return cli_fail(cli, &err);
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
    return EXIT_OK;
}
