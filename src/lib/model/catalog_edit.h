/*
 * catalog_edit.h: building and changing a struct tr_catalog (library-private).
 *
 * Entities are created by id and then filled in; relations are indices.
 * Every change marks the entity dirty so that the store writes back only
 * what changed.  After edits, tr_catalog_resolve() recomputes the derived
 * fields (each track's effective series through same_as chains).
 */
#ifndef TR_CATALOG_EDIT_H
#define TR_CATALOG_EDIT_H

#include <stdbool.h>
#include "trackrecord/catalog.h"
#include "trackrecord/error.h"
#include "trackrecord/milestone.h"

struct tr_catalog *tr_catalog_new(void);
/* Bookkeeping for a catalog built by other means (a snapshot): the
 * private part, and the capacity of the entity arrays as allocated. */
struct tr_catalog_priv *tr_catalog_priv_new(void);
void tr_catalog_priv_capacity(struct tr_catalog *c, uint32_t artists, uint32_t releases,
                              uint32_t tracks);
/* The id of an entity by index: the key functions of the catalog's maps. */
const char *tr_catalog_artist_key(const void *c, uint32_t i);
const char *tr_catalog_release_key(const void *c, uint32_t i);
const char *tr_catalog_track_key(const void *c, uint32_t i);
/* A catalog whose id maps are sized for this many entities. */
struct tr_catalog *tr_catalog_new_sized(uint32_t artists, uint32_t releases, uint32_t tracks);

/* Index of the entity with this id, created bare when absent (*created
 * says which).  Returns 0 or TR_ENOMEM. */
int tr_catalog_add_artist(struct tr_catalog *c, const char *id, uint32_t *idx, bool *created);
int tr_catalog_add_release(struct tr_catalog *c, const char *id, uint32_t *idx, bool *created);
/* A new track gets the next free series slot (own_series) unless
 * own_series != TR_NONE is given (loading from a store). */
int tr_catalog_add_track(struct tr_catalog *c, const char *id, uint32_t own_series,
                         uint32_t *idx, bool *created);

/* Field edits.  A field of c's entities is either malloc'd or points into
 * c's arena (the strings and lists of a loaded snapshot: one allocation,
 * or the mapped snapshot itself);
 * these replace it with a malloc'd copy and free the old value unless it
 * is in the arena.  Every edit of a string or list field goes through
 * them.  0 or TR_ENOMEM. */
/* Replaces *field with a copy of s (NULL allowed). */
int tr_catalog_set_str(struct tr_catalog *c, char **field, const char *s);
/* Replaces an index array with a copy of src[0..n). */
int tr_catalog_set_list(struct tr_catalog *c, uint32_t **field, uint32_t *n_field,
                        const uint32_t *src, uint32_t n);
/* Replaces a string list with a copy. */
int tr_catalog_set_strings(struct tr_catalog *c, char ***field, uint32_t *n_field,
                           char *const *src, uint32_t n);
/* Hands c the arena its fields may point into, released with c: by
 * release(arena, len, ctx), or by free() when release is NULL. */
void tr_catalog_set_arena(struct tr_catalog *c, void *arena, size_t len,
                          void (*release)(void *arena, size_t len, void *ctx), void *ctx);

/* The state of a catalog opened lazily from a snapshot (catalog_snapshot.h),
 * NULL once it is complete (or when it never was lazy); the catalog frees
 * it. */
struct tr_snapshot_lazy;
struct tr_snapshot_lazy *tr_catalog_lazy(const struct tr_catalog *c);
void tr_catalog_set_lazy(struct tr_catalog *c, struct tr_snapshot_lazy *z);

void tr_catalog_mark(struct tr_catalog *c, enum tr_subject_type t, uint32_t idx);
bool tr_catalog_is_dirty(const struct tr_catalog *c, enum tr_subject_type t, uint32_t idx);
/* True when anything changed since load (or since tr_catalog_clean). */
bool tr_catalog_changed(const struct tr_catalog *c);
void tr_catalog_clean(struct tr_catalog *c);

/* The title as two ids of one song are compared (charts' merged runs, a
 * play-count export's recordings): ASCII letters folded to lower case,
 * runs of spaces as one, none at the ends, typographic apostrophes
 * (U+2018, U+2019) as '.  out has room for strlen(title) + 1. */
void tr_title_key(const char *title, char *out);

/* Recomputes each track's series (the own_series of the end of its same_as
 * chain) and series_track.  A track whose same_as names itself is its own
 * recording, kept apart from any grouping of ids (docs/formats.md).  A
 * longer same_as cycle is TR_EFORMAT naming a track. */
int tr_catalog_resolve(struct tr_catalog *c, struct tr_error *err);

#endif
