/*
 * fuzz_codec.c: libFuzzer target for the chunk decoders of series_codec.
 *
 * Feeds arbitrary bytes to tr_chunk_decode, tr_chunk_apply and
 * tr_chunk_get.  They must never read outside the input (the sanitizers
 * check that) and must agree: decode and apply accept the same inputs,
 * and for an accepted chunk every slot read by tr_chunk_get, every value
 * added by tr_chunk_apply and a re-encode then decode give back what
 * tr_chunk_decode returned.  A disagreement aborts.
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc/lib
 *        tests/fuzz/fuzz_codec.c src/lib/store/series_codec.c
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/series_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint64_t delta[TR_CHUNK_SLOTS], values[TR_CHUNK_SLOTS], again[TR_CHUNK_SLOTS];
    static uint8_t present[TR_CHUNK_SLOTS], pout[TR_CHUNK_SLOTS], pagain[TR_CHUNK_SLOTS];
    static uint8_t out[16384];

    uint32_t n = 0;
    int rc = tr_chunk_decode(data, size, &n, delta, present);
    memset(values, 0, sizeof values);
    check(tr_chunk_apply(data, size, values, pout) == rc);

    if (rc != 0) {
        check(rc == -1);
        /* Still exercise the one-slot reader on every block of bad input. */
        for (uint32_t s = 0; s <= TR_CHUNK_SLOTS; s += 61) {
            uint64_t v;
            bool here;
            int grc = tr_chunk_get(data, size, s, &v, &here);
            check(grc == 0 || grc == -1);
        }
        return 0;
    }

    check(n <= TR_CHUNK_SLOTS);
    for (uint32_t s = 0; s < TR_CHUNK_SLOTS; s++) {
        uint64_t v;
        bool here;
        check(tr_chunk_get(data, size, s, &v, &here) == 0);
        check(here == (present[s] != 0));
        check(v == delta[s]);
        check(values[s] == delta[s]);
        check(pout[s] == present[s]);
        check(s < n || !present[s]);
    }

    /* The encoder's output for what was decoded decodes to the same. */
    size_t bound = tr_chunk_bound(n);
    check(bound > 0 && bound <= sizeof out);
    size_t len = tr_chunk_encode(n, delta, present, out);
    check(len >= 1 && len <= bound);
    uint32_t n2 = 0;
    check(tr_chunk_decode(out, len, &n2, again, pagain) == 0);
    check(n2 == n);
    check(memcmp(again, delta, sizeof delta) == 0);
    check(memcmp(pagain, present, sizeof present) == 0);
    return 0;
}
