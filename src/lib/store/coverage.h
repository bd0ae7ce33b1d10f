/*
 * coverage.h: the declared coverage of the catalog (coverage.csv), kept in
 * the store's meta as the key "coverage" (library-private).
 *
 * The kept text is one normalised row a line, in the file's column order:
 * "KR,solo,,k-pop,,2015-01-01" (country upper case, genre lower case, the
 * day ISO).  Rows are keyed by their group: a row for a group declared
 * before replaces it.
 */
#ifndef TR_COVERAGE_H
#define TR_COVERAGE_H

#include "store/internal.h"
#include "trackrecord/records.h"

struct tr_world_set {
    struct tr_world_row *rows;  /* their genre strings owned by the set */
    size_t n;
};

/* The declared rows of the store (inside a transaction); none: n 0. */
int tr_world_load(struct tr_store *s, struct tr_world_set *out, struct tr_error *err);
/* Adds or replaces (same group) a row; *changed true when the set differs. */
int tr_world_put(struct tr_world_set *w, const struct tr_world_row *row, bool *changed);
/* Writes the set back to the store's meta (inside a write transaction). */
int tr_world_save(struct tr_store *s, const struct tr_world_set *w, struct tr_error *err);
void tr_world_release(struct tr_world_set *w);

#endif
