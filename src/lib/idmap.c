/*
 * idmap.c: slots of (hash, value) at a load of at most 1/2, so a lookup is
 * one or two probes; the stored 64-bit hash avoids nearly every key
 * compare, and only a matching hash fetches the key from the owner.
 * Growth doubles the table and reinserts by stored hash, without keys.
 */
#include "idmap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define EMPTY UINT32_MAX

struct slot {
    uint64_t hash;
    uint32_t value;      /* EMPTY: free slot */
    uint32_t len;        /* key length */
};

struct tr_idmap {
    struct slot *slots;
    size_t cap;          /* power of two */
    size_t count;
    tr_idmap_key_fn key;
    const void *owner;
};

static struct slot *new_slots(size_t cap)
{
    struct slot *s = calloc(cap, sizeof *s);   /* zeroed: saved slots are plain bytes */
    if (s)
        for (size_t i = 0; i < cap; i++)
            s[i].value = EMPTY;
    return s;
}

static void place(struct slot *slots, size_t cap, struct slot s)
{
    size_t j = s.hash & (cap - 1);
    while (slots[j].value != EMPTY)
        j = (j + 1) & (cap - 1);
    slots[j] = s;
}

static int grow(struct tr_idmap *m, size_t cap)
{
    struct slot *s = new_slots(cap);
    if (!s)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].value != EMPTY)
            place(s, cap, m->slots[i]);
    free(m->slots);
    m->slots = s;
    m->cap = cap;
    return 0;
}

struct tr_idmap *tr_idmap_new(size_t expected, tr_idmap_key_fn key, const void *owner)
{
    struct tr_idmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->key = key;
    m->owner = owner;
    size_t cap = 16;
    while (cap < expected * 2)
        cap <<= 1;
    if (!(m->slots = new_slots(cap))) {
        free(m);
        return NULL;
    }
    m->cap = cap;
    return m;
}

void tr_idmap_free(struct tr_idmap *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m);
}

uint32_t tr_idmap_get(const struct tr_idmap *m, const char *key, size_t len)
{
    uint64_t h = XXH3_64bits(key, len);
    for (size_t j = h & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
        const struct slot *s = &m->slots[j];
        if (s->value == EMPTY)
            return UINT32_MAX;
        if (s->hash == h && s->len == len) {
            /* the owner's key may be shorter than the slot says (a damaged
             * snapshot): tr_id_is compares no further than its end */
            if (tr_id_is(m->key(m->owner, s->value), key, len))
                return s->value;
        }
    }
}

int tr_idmap_put(struct tr_idmap *m, uint32_t v)
{
    if ((m->count + 1) * 2 > m->cap && grow(m, m->cap * 2))
        return -1;
    const char *key = m->key(m->owner, v);
    size_t len = strlen(key);
    place(m->slots, m->cap, (struct slot){XXH3_64bits(key, len), v, (uint32_t)len});
    m->count++;
    return 0;
}

size_t tr_idmap_count(const struct tr_idmap *m) { return m->count; }

size_t tr_idmap_bytes(const struct tr_idmap *m)
{
    return sizeof(uint64_t) * 2 + m->cap * sizeof *m->slots;
}

void tr_idmap_save(const struct tr_idmap *m, void *out)
{
    uint64_t head[2] = {m->cap, m->count};
    memcpy(out, head, sizeof head);
    memcpy((char *)out + sizeof head, m->slots, m->cap * sizeof *m->slots);
}

struct tr_idmap *tr_idmap_read(size_t len, int (*read)(void *ctx, void *dst, size_t n, size_t off),
                               void *ctx, size_t off, uint32_t n_values, tr_idmap_key_fn key,
                               const void *owner)
{
    uint64_t head[2];
    if (len < sizeof head || read(ctx, head, sizeof head, off))
        return NULL;
    if (head[0] < 16 || (head[0] & (head[0] - 1)) || head[1] * 2 > head[0] ||
        len != sizeof head + head[0] * sizeof(struct slot))
        return NULL;
    struct tr_idmap *m = calloc(1, sizeof *m);
    if (!m || !(m->slots = malloc(head[0] * sizeof *m->slots)) ||
        read(ctx, m->slots, head[0] * sizeof *m->slots, off + sizeof head)) {
        if (m)
            free(m->slots);
        free(m);
        return NULL;
    }
    /* every value must name an entity, and the count must agree */
    size_t used = 0;
    bool ok = true;
    for (size_t i = 0; i < head[0] && ok; i++)
        if (m->slots[i].value != EMPTY) {
            ok = m->slots[i].value < n_values;
            used++;
        }
    if (!ok || used != head[1]) {
        free(m->slots);
        free(m);
        return NULL;
    }
    m->cap = head[0];
    m->count = head[1];
    m->key = key;
    m->owner = owner;
    return m;
}

static int read_memory(void *ctx, void *dst, size_t n, size_t off)
{
    memcpy(dst, (const char *)ctx + off, n);
    return 0;
}

struct tr_idmap *tr_idmap_load(const void *bytes, size_t len, uint32_t n_values,
                               tr_idmap_key_fn key, const void *owner)
{
    return tr_idmap_read(len, read_memory, (void *)bytes, 0, n_values, key, owner);
}
