/*
 * idmap.c: slots of (hash, value) at a load of at most 1/2, so a lookup is
 * one or two probes; the stored 64-bit hash avoids nearly every key
 * compare, and only a matching hash fetches the key from the owner.
 * Growth doubles the table and reinserts by stored hash, without keys.
 */
#include "base/idmap.h"

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
    bool borrowed;       /* slots in the caller's memory (tr_idmap_borrow) */
    tr_idmap_need_fn need;   /* asked before a slot is read, or NULL */
    void *need_ctx;
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
    if (!m->borrowed)
        free(m->slots);
    m->borrowed = false;
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
    if (!m->borrowed)
        free(m->slots);
    free(m);
}

uint32_t tr_idmap_get(const struct tr_idmap *m, const char *key, size_t len)
{
    uint64_t h = XXH3_64bits(key, len);
    /* at most cap probes: an unchecked map's slots may all be taken */
    for (size_t j = h & (m->cap - 1), k = 0; k < m->cap; j = (j + 1) & (m->cap - 1), k++) {
        const struct slot *s = &m->slots[j];
        if (m->need && m->need(m->need_ctx, s, sizeof *s))
            return UINT32_MAX;
        if (s->value == EMPTY)
            return UINT32_MAX;
        if (s->hash == h && s->len == len) {
            /* the owner's key may be shorter than the slot says (a damaged
             * snapshot): tr_id_is compares no further than its end */
            if (tr_id_is(m->key(m->owner, s->value), key, len))
                return s->value;
        }
    }
    return UINT32_MAX;
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

/* The head of saved slots (capacity, count) fits len bytes. */
static bool head_ok(const uint64_t head[2], size_t len)
{
    return head[0] >= 16 && !(head[0] & (head[0] - 1)) && head[1] * 2 <= head[0] &&
           len == 2 * sizeof(uint64_t) + head[0] * sizeof(struct slot);
}

/* Every saved value names one of n_values entities, and the count agrees. */
static bool slots_ok(const struct slot *slots, const uint64_t head[2], uint32_t n_values)
{
    size_t used = 0;
    for (size_t i = 0; i < head[0]; i++)
        if (slots[i].value != EMPTY) {
            if (slots[i].value >= n_values)
                return false;
            used++;
        }
    return used == head[1];
}

/* A map of saved slots, once slots_ok (unless !check); else NULL (and
 * slots freed unless borrowed). */
static struct tr_idmap *adopt(struct slot *slots, const uint64_t head[2], bool borrowed,
                              bool check, uint32_t n_values, tr_idmap_key_fn key,
                              const void *owner)
{
    struct tr_idmap *m = !check || slots_ok(slots, head, n_values) ? calloc(1, sizeof *m) : NULL;
    if (!m) {
        if (!borrowed)
            free(slots);
        return NULL;
    }
    *m = (struct tr_idmap){slots, head[0], head[1], key, owner, borrowed, NULL, NULL};
    return m;
}

bool tr_idmap_values_below(const struct tr_idmap *m, uint32_t n_values)
{
    uint64_t head[2] = {m->cap, m->count};
    return slots_ok(m->slots, head, n_values);
}

struct tr_idmap *tr_idmap_read(size_t len, int (*read)(void *ctx, void *dst, size_t n, size_t off),
                               void *ctx, size_t off, uint32_t n_values, tr_idmap_key_fn key,
                               const void *owner)
{
    uint64_t head[2];
    if (len < sizeof head || read(ctx, head, sizeof head, off) || !head_ok(head, len))
        return NULL;
    struct slot *slots = malloc(head[0] * sizeof *slots);
    if (!slots || read(ctx, slots, head[0] * sizeof *slots, off + sizeof head)) {
        free(slots);
        return NULL;
    }
    return adopt(slots, head, false, true, n_values, key, owner);
}

/* The saved slots at bytes, used in place: NULL unless their head fits. */
static struct tr_idmap *borrow(void *bytes, size_t len, bool check, uint32_t n_values,
                               tr_idmap_key_fn key, const void *owner)
{
    uint64_t head[2];
    if (len < sizeof head || (uintptr_t)bytes % _Alignof(struct slot))
        return NULL;
    memcpy(head, bytes, sizeof head);
    if (!head_ok(head, len))
        return NULL;
    return adopt((struct slot *)(void *)((char *)bytes + sizeof head), head, true, check, n_values,
                 key, owner);
}

struct tr_idmap *tr_idmap_borrow(void *bytes, size_t len, uint32_t n_values, tr_idmap_key_fn key,
                                 const void *owner)
{
    return borrow(bytes, len, true, n_values, key, owner);
}

struct tr_idmap *tr_idmap_borrow_unchecked(void *bytes, size_t len, tr_idmap_key_fn key,
                                           const void *owner, tr_idmap_need_fn need, void *ctx)
{
    struct tr_idmap *m = borrow(bytes, len, false, 0, key, owner);
    if (m) {
        m->need = need;
        m->need_ctx = ctx;
    }
    return m;
}

void tr_idmap_all_valid(struct tr_idmap *m)
{
    m->need = NULL;
    m->need_ctx = NULL;
}
