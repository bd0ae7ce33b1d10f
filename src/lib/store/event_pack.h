/*
 * event_pack.h: milestone events as packed bytes (library-private).
 *
 * A compact form for many events at once, naming subjects by catalog
 * index: 40 bytes a record in native byte order, then the chart's name for
 * a chart milestone.  It is a cache format (the store's event log, kept
 * claims), valid for the catalog it was written with; decoding checks every
 * index against the catalog it is given.
 */
#ifndef TR_EVENT_PACK_H
#define TR_EVENT_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include "trackrecord/catalog.h"
#include "trackrecord/milestone.h"

/* Bytes tr_events_pack writes for ev[0..n). */
size_t tr_events_packed_size(const struct tr_milestone *ev, size_t n);
/* Writes ev[0..n) to out (tr_events_packed_size bytes). */
void tr_events_pack(const struct tr_milestone *ev, size_t n, char *out);
/* Appends the events packed in p[0..len) to *v (n used, cap allocated;
 * grown with realloc).  false when the bytes are not packed events of this
 * catalog, or out of memory. */
bool tr_events_unpack(const struct tr_catalog *c, const char *p, size_t len,
                      struct tr_milestone **v, size_t *n, size_t *cap);
/* The same for a piece of longer packed bytes: unpacks the whole events at
 * the start of p[0..len) and sets *used to their bytes (the rest begins
 * an event that the piece's end cuts). */
bool tr_events_unpack_part(const struct tr_catalog *c, const char *p, size_t len,
                           struct tr_milestone **v, size_t *n, size_t *cap, size_t *used);

#endif
