/*
 * fuzz_snapshot.c: the catalog snapshot loader on arbitrary bytes (a store
 * file can be damaged).  It must refuse what is not a snapshot and never
 * read out of bounds; what it accepts must resolve and free cleanly.
 */
#include <stddef.h>
#include <stdint.h>

#include "catalog_edit.h"
#include "catalog_snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tr_catalog *c;
    if (tr_catalog_from_snapshot(data, size, &c) == 0) {
        struct tr_error err = {0};
        tr_catalog_resolve(c, &err);
        for (uint32_t t = 0; t < c->n_tracks; t++)
            tr_catalog_track(c, c->tracks[t].id);
        tr_catalog_free(c);
    }
    return 0;
}
