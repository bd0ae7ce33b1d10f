/*
 * idmap.h: string id -> uint32 index, open addressing with linear probing.
 *
 * The map holds no keys: a slot is the key's hash and its value, and the
 * key of a value is asked of the owner through a callback (a catalog's
 * entity ids).  So the slots are plain data that can be saved with a
 * catalog snapshot and loaded back without hashing a single id.
 */
#ifndef TR_IDMAP_H
#define TR_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Is the stored id want (NUL-terminated) the bytes id[0..len)?  Reads no
 * further than want's end, whatever id holds (a NUL among its bytes). */
static inline bool tr_id_is(const char *want, const char *id, size_t len)
{
    return strnlen(want, len + 1) == len && memcmp(want, id, len) == 0;
}

/* The key of value v, NUL-terminated, owned by the caller of the map. */
typedef const char *(*tr_idmap_key_fn)(const void *owner, uint32_t v);

struct tr_idmap;

struct tr_idmap *tr_idmap_new(size_t expected, tr_idmap_key_fn key, const void *owner);
void tr_idmap_free(struct tr_idmap *m);
/* Value of key[0..len), or UINT32_MAX. */
uint32_t tr_idmap_get(const struct tr_idmap *m, const char *key, size_t len);
/* Adds value v under its key (which must not be in the map yet).
 * Returns 0, or -1 when out of memory. */
int tr_idmap_put(struct tr_idmap *m, uint32_t v);
size_t tr_idmap_count(const struct tr_idmap *m);

/* The slots as bytes (tr_idmap_bytes of them) and back: a map rebuilt
 * with the same keys answers alike. */
size_t tr_idmap_bytes(const struct tr_idmap *m);
void tr_idmap_save(const struct tr_idmap *m, void *out);
/* Back from len bytes at off of a source read by read (which copies n
 * bytes at an offset into dst and returns 0, or -1): the slots are read
 * straight into the map's own array.  NULL when the bytes are not a map of
 * values below n_values (or out of memory). */
struct tr_idmap *tr_idmap_read(size_t len, int (*read)(void *ctx, void *dst, size_t n, size_t off),
                               void *ctx, size_t off, uint32_t n_values, tr_idmap_key_fn key,
                               const void *owner);
/* The same using the saved bytes in place (writable memory, 8-byte
 * aligned, that outlives the map): a put writes into them, a growth moves
 * the slots to an array of the map's own.  NULL as for load. */
struct tr_idmap *tr_idmap_borrow(void *bytes, size_t len, uint32_t n_values, tr_idmap_key_fn key,
                                 const void *owner);
/* The same without reading every slot first (a lookup of one id touches
 * only the slots it probes): the values are not checked, so key must
 * answer any value (an out-of-range one with a key that matches nothing)
 * until tr_idmap_values_below has said they all name an entity.  With
 * need, a lookup first asks need(ctx, slot, its bytes) for each slot it
 * reads, and finds nothing when that fails (need notes why: the bytes of
 * a file checked as they are read, found damaged). */
typedef int (*tr_idmap_need_fn)(void *ctx, const void *p, size_t n);
struct tr_idmap *tr_idmap_borrow_unchecked(void *bytes, size_t len, tr_idmap_key_fn key,
                                           const void *owner, tr_idmap_need_fn need, void *ctx);
/* Every slot is valid now: need is asked no more. */
void tr_idmap_all_valid(struct tr_idmap *m);
/* Every value below n_values, and as many as the count says. */
bool tr_idmap_values_below(const struct tr_idmap *m, uint32_t n_values);

#endif
