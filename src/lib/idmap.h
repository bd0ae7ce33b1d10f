/*
 * idmap.h: string id -> uint32 index, open addressing with linear probing.
 * Keys are borrowed: the map stores the caller's pointers, which must stay
 * valid (and unchanged) while they are in the map.
 */
#ifndef TR_IDMAP_H
#define TR_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct tr_idmap;

struct tr_idmap *tr_idmap_new(size_t expected);
void tr_idmap_free(struct tr_idmap *m);
/* Index of key[0..len), or UINT32_MAX. */
uint32_t tr_idmap_get(const struct tr_idmap *m, const char *key, size_t len);
/* Maps key (NUL-terminated, borrowed) to value, replacing any old value.
 * Returns 0, or -1 when out of memory. */
int tr_idmap_put(struct tr_idmap *m, const char *key, uint32_t value);
size_t tr_idmap_count(const struct tr_idmap *m);

#endif
