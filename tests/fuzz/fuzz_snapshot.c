/*
 * fuzz_snapshot.c: the catalog snapshot loader on arbitrary bytes (a store
 * file can be damaged), reading them, taking them in place, and opening
 * them lazily (records decoded as they are asked for, then completed).  It
 * must refuse what is not a snapshot and never read out of bounds; what it
 * accepts must resolve, answer lookups and free cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalog_edit.h"
#include "model/catalog_snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(struct tr_catalog *c)
{
    struct tr_error err = {0};
    tr_catalog_resolve(c, &err);
    for (uint32_t t = 0; t < c->n_tracks; t++)
        tr_catalog_track(c, c->tracks[t].id);
    tr_catalog_free(c);
}

static void release(void *bytes, size_t len, void *ctx)
{
    (void)len, (void)ctx;
    free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tr_catalog *c;
    if (tr_catalog_from_snapshot(data, size, &c) == 0)
        exercise(c);
    /* in place: a private, aligned, exactly sized copy, as a mapping is */
    void *bytes = malloc(size ? size : 1);
    if (!bytes)
        return 0;
    memcpy(bytes, data, size);
    if (tr_catalog_adopt_snapshot(bytes, size, release, NULL, NULL, &c) == 0)
        exercise(c);
    else
        free(bytes);
    /* lazily: a lookup, every record asked for by index, then completed */
    static const struct tr_snapshot_need all_valid = {NULL, NULL};
    if (!(bytes = malloc(size ? size : 1)))
        return 0;
    memcpy(bytes, data, size);
    if (tr_catalog_adopt_snapshot(bytes, size, release, NULL, &all_valid, &c) != 0) {
        free(bytes);
        return 0;
    }
    tr_catalog_track(c, "t0000000");
    for (uint32_t t = 0; t < c->n_tracks; t++)
        tr_catalog_canonical_track(c, t);
    for (uint32_t r = 0; r < c->n_releases; r++)
        tr_subject_name(c, TR_SUBJECT_RELEASE, r);
    if (tr_snapshot_complete(c) == 0)
        exercise(c);
    else
        tr_catalog_free(c);
    return 0;
}
