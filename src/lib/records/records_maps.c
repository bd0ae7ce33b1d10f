/*
 * records_maps.c: the records engine's small open-addressing hash maps:
 * strings (genres, chart scopes) and group or race keys to dense ids.
 */
#include "records/records_engine.h"

#include <stdlib.h>
#include <string.h>

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return rec_mix64(h);
}

static int strmap_grow(struct strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = calloc(cap, sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return TR_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = str_hash(m->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return TR_OK;
}

/* The id of s, a new one (n) when first seen. */
int rec_strmap_intern(struct strmap *m, const char *s, uint32_t *id)
{
    if ((m->n + 1) * 2 > m->cap && strmap_grow(m))
        return TR_ENOMEM;
    size_t j = str_hash(s) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], s) == 0) {
            *id = m->vals[j];
            return TR_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = s;
    m->vals[j] = *id = (uint32_t)m->n++;
    return TR_OK;
}

void rec_strmap_release(struct strmap *m)
{
    free(m->keys);
    free(m->vals);
}

static uint64_t gkey_hash(const struct gkey *k)
{
    return rec_mix64(((uint64_t)k->a << 32 | k->g1) ^ rec_mix64(k->g2 + 0x9e3779b97f4a7c15ULL));
}

static int gmap_grow(struct gmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    struct gkey *keys = malloc(cap * sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return TR_ENOMEM;
    }
    memset(vals, 0xff, cap * sizeof *vals);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->vals[i] == UINT32_MAX)
            continue;
        size_t j = gkey_hash(&m->keys[i]) & (cap - 1);
        while (vals[j] != UINT32_MAX)
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return TR_OK;
}

int rec_gmap_intern(struct gmap *m, const struct gkey *k, uint32_t *id)
{
    if ((m->n + 1) * 2 > m->cap && gmap_grow(m))
        return TR_ENOMEM;
    size_t j = gkey_hash(k) & (m->cap - 1);
    while (m->vals[j] != UINT32_MAX) {
        if (!memcmp(&m->keys[j], k, sizeof *k)) {
            *id = m->vals[j];
            return TR_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = *k;
    m->vals[j] = *id = (uint32_t)m->n++;
    return TR_OK;
}

void rec_gmap_release(struct gmap *m)
{
    free(m->keys);
    free(m->vals);
}
