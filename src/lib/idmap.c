/*
 * idmap.c: the table keeps (hash, key, length, value) slots at a load of at
 * most 1/2, so a lookup is one or two probes; the stored hash avoids most
 * string compares.  Growth doubles the table and reinserts.
 */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

struct slot {
    uint64_t hash;
    const char *key;     /* NULL: empty */
    uint32_t len;
    uint32_t value;
};

struct tr_idmap {
    struct slot *slots;
    size_t cap;          /* power of two */
    size_t count;
};

static int grow(struct tr_idmap *m, size_t cap)
{
    struct slot *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        struct slot *o = &m->slots[i];
        if (!o->key)
            continue;
        size_t j = o->hash & (cap - 1);
        while (s[j].key)
            j = (j + 1) & (cap - 1);
        s[j] = *o;
    }
    free(m->slots);
    m->slots = s;
    m->cap = cap;
    return 0;
}

struct tr_idmap *tr_idmap_new(size_t expected)
{
    struct tr_idmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    size_t cap = 16;
    while (cap < expected * 2)
        cap <<= 1;
    if (grow(m, cap)) {
        free(m);
        return NULL;
    }
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
        if (!s->key)
            return UINT32_MAX;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
            return s->value;
    }
}

int tr_idmap_put(struct tr_idmap *m, const char *key, uint32_t value)
{
    if ((m->count + 1) * 2 > m->cap && grow(m, m->cap * 2))
        return -1;
    size_t len = strlen(key);
    uint64_t h = XXH3_64bits(key, len);
    size_t j = h & (m->cap - 1);
    for (;; j = (j + 1) & (m->cap - 1)) {
        struct slot *s = &m->slots[j];
        if (!s->key)
            break;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) {
            s->value = value;
            s->key = key;
            return 0;
        }
    }
    m->slots[j] = (struct slot){h, key, (uint32_t)len, value};
    m->count++;
    return 0;
}

size_t tr_idmap_count(const struct tr_idmap *m) { return m->count; }
