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
/* A catalog from a snapshot (not yet resolved: call tr_catalog_resolve).
 * TR_ESTORE for bytes that are not a snapshot, TR_ENOMEM. */
int tr_catalog_from_snapshot(const void *blob, size_t len, struct tr_catalog **out);

#endif
