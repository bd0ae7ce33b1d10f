/*
 * catalog_snapshot.h: a catalog as one blob and back (library-private).
 * A store keeps it beside the catalog tables and loads it instead of them
 * when it is current (docs/store.md).
 */
#ifndef TR_CATALOG_SNAPSHOT_H
#define TR_CATALOG_SNAPSHOT_H

#include <stddef.h>
#include "trackrecord/catalog.h"

/* The catalog as bytes; *out (malloc'd, *len bytes) is the caller's.
 * 0 or TR_ENOMEM. */
int tr_catalog_snapshot(const struct tr_catalog *c, void **out, size_t *len);
/* Where a snapshot's len bytes are read from: read copies n bytes at off
 * into dst and returns 0, or -1 when it cannot. */
struct tr_snapshot_source {
    size_t len;
    int (*read)(void *ctx, void *dst, size_t n, size_t off);
    void *ctx;
};
/* A catalog from a snapshot (not yet resolved: call tr_catalog_resolve).
 * TR_ESTORE for bytes that are not a snapshot (or a failed read),
 * TR_ENOMEM. */
int tr_catalog_load_snapshot(const struct tr_snapshot_source *src, struct tr_catalog **out);
/* The same from bytes in memory. */
int tr_catalog_from_snapshot(const void *blob, size_t len, struct tr_catalog **out);
/* The same using the bytes in place (writable memory, 8-byte aligned, such
 * as a private mapping of a file): the catalog's strings, lists and id maps
 * are the snapshot's own, and only the entity records are decoded.  On
 * success the catalog owns bytes and, when freed, hands them to
 * release(bytes, len, ctx); on failure they stay the caller's.  Only the
 * aligned layout this build writes is taken in place. */
int tr_catalog_adopt_snapshot(void *bytes, size_t len, void (*release)(void *, size_t, void *),
                              void *ctx, struct tr_catalog **out);

#endif
