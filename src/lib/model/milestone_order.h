/*
 * model/milestone_order.h: the one order of milestone events, shared by the
 * engine that makes them and the store that hands them out
 * (library-private).
 */
#ifndef TR_MODEL_MILESTONE_ORDER_H
#define TR_MODEL_MILESTONE_ORDER_H

#include <stddef.h>

#include "trackrecord/milestone.h"

/* Sort order of events: date, kind, subject type, subject, threshold,
 * scope (by the chart's name). */
int tr_milestone_cmp(const void *a, const void *b);
/* Sorts n events into that order; a million take a few tens of
 * milliseconds (a radix sort, where qsort of the 72-byte events takes
 * several hundred). */
void tr_milestone_sort(struct tr_milestone *ev, size_t n);

#endif
