/* records_scope.h: the scope pass of the records engine (records_scope.c). */
#ifndef TR_RECORDS_SCOPE_H
#define TR_RECORDS_SCOPE_H

#include "trackrecord/records.h"

/* Does the declared group r contain g: every attribute r constrains, g
 * constrains to the same value. */
bool tr_world_row_contains(const struct tr_group *r, const struct tr_group *g);

/* Gives each of cl[0..*n) its scope, since and tracked_members from in's
 * coverage (world rows or the chart's), and drops in place the claims
 * that would name a subject without a primary artist as an act (*n
 * shrinks).  0 or TR_ENOMEM. */
int tr_records_scope_claims(const struct tr_records_input *in, struct tr_claim *cl, size_t *n,
                            struct tr_error *err);

#endif
