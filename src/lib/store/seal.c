/*
 * seal.c: checksums on the bytes a store keeps (seal.h).
 */
#include "store/seal.h"

#include <string.h>
#include <xxhash.h>

static void put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

uint64_t tr_seal_of(const void *p, size_t len, uint64_t seed)
{
    return seed ? XXH3_64bits_withSeed(p, len, seed) : XXH3_64bits(p, len);
}

void tr_seal_put(void *p, size_t len)
{
    put_le64((unsigned char *)p + len, XXH3_64bits(p, len));
}

bool tr_seal_ok(const void *p, size_t len)
{
    return len >= TR_SEAL_LEN &&
           XXH3_64bits(p, len - TR_SEAL_LEN) == le64((const unsigned char *)p + len - TR_SEAL_LEN);
}

struct tr_seal_stream *tr_seal_stream_new(void)
{
    XXH3_state_t *st = XXH3_createState();
    if (st && XXH3_64bits_reset(st) != XXH_OK) {
        XXH3_freeState(st);
        st = NULL;
    }
    return (struct tr_seal_stream *)st;
}

void tr_seal_stream_add(struct tr_seal_stream *s, const void *p, size_t len)
{
    XXH3_64bits_update((XXH3_state_t *)s, p, len);
}

bool tr_seal_stream_end(struct tr_seal_stream *s, const void *seal)
{
    bool ok = XXH3_64bits_digest((XXH3_state_t *)s) == le64(seal);
    XXH3_freeState((XXH3_state_t *)s);
    return ok;
}
