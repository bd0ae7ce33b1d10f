/*
 * catalog_snapshot.h: a catalog as one blob and back (library-private).
 * A store keeps it beside the catalog tables and loads it instead of them
 * when it is current (docs/store.md).
 */
#ifndef TR_CATALOG_SNAPSHOT_H
#define TR_CATALOG_SNAPSHOT_H

#include <stddef.h>
#include "trackrecord/catalog.h"
#include "trackrecord/milestone.h"

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
 * are the snapshot's own, and only the entity records are decoded, where
 * they lie.  On success the catalog owns bytes and, when freed, hands them
 * to release(bytes, len, ctx); on failure they stay the caller's.  Only
 * the aligned layout this build writes is taken in place.
 *
 * With lazy (else NULL), nothing of the snapshot but its header and the id
 * maps' heads is read, and lazy->fn (when not NULL) is asked to make each
 * range of bytes valid before it is read (a file checked by blocks reads
 * and checks the blocks); a range it cannot make valid leaves the catalog
 * damaged (tr_snapshot_damaged): its lookups then find nothing.  The catalog
 * is lazy (tr_catalog_lazy) and its arrays hold zeros (an id NULL) where a
 * record is not decoded yet.  The catalog's own readers decode the one they
 * are asked for (its id maps' keys, tr_subject_id, tr_subject_name,
 * tr_catalog_canonical_track), so that one subject is found and named
 * without reading the rest; any other reader must first have the catalog
 * completed (tr_snapshot_complete, then tr_catalog_resolve: the store's
 * tr_store_catalog does both).  A lazy catalog is read by one thread and
 * never edited. */
struct tr_snapshot_need {
    /* bytes [off, off + n) of the snapshot made valid: 0, or -1 (damaged) */
    int (*fn)(void *ctx, size_t off, size_t n);
    void *ctx;
};
int tr_catalog_adopt_snapshot(void *bytes, size_t len, void (*release)(void *, size_t, void *),
                              void *ctx, const struct tr_snapshot_need *lazy, struct tr_catalog **out);
/* Decodes record i of type t of a lazy catalog unless it is already:
 * false when there is no such record or it (or one before) was not a
 * record. */
bool tr_snapshot_decode(struct tr_catalog *c, enum tr_subject_type t, uint32_t i);
/* Whether a record a lazy catalog decoded was not one, or bytes it read
 * could not be made valid (false when not lazy). */
bool tr_snapshot_damaged(const struct tr_catalog *c);
/* Decodes every record a lazy catalog has not, checks the whole as a load
 * does, and makes it an ordinary catalog (its arrays stay where they are:
 * what readers hold stays valid): 0 (also when not lazy), or TR_ESTORE
 * when the snapshot is not a catalog (c is then only fit to be freed). */
int tr_snapshot_complete(struct tr_catalog *c);

#endif
