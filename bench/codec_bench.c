/*
 * codec_bench.c: throughput of the series chunk codec on a realistic day.
 *
 * Builds one day for 1,048,576 series (1024 chunks of 1024 slots) with
 * power-law daily gains (most 10..10^4, 1% up to 10^6, a few corrections,
 * 0.5% of slots not observed), encodes it, then times encode, whole-chunk
 * decode, the apply scan and single-slot reads.  Each figure is the median
 * of 5 runs.  Not part of the tests: timings depend on the machine.
 *
 * Build and run from the repository root:
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Iinclude -Isrc/lib bench/codec_bench.c \
 *      src/lib/store/series_codec.c -lm -o build/codec_bench && build/codec_bench
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/series_codec.h"

enum { CHUNKS = 1024, RUNS = 5, GETS = 1 << 22 };
#define SLOTS TR_CHUNK_SLOTS

static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t)
{
    qsort(t, RUNS, sizeof *t, cmp_double);
    return t[RUNS / 2];
}

static uint64_t gain(uint64_t *seed)
{
    double u = (double)(rng_next(seed) >> 11) / 9007199254740992.0;
    uint64_t r = rng_next(seed) % 1000;
    if (r < 2)
        return (uint64_t)-(int64_t)(1 + rng_next(seed) % 100);
    if (r < 12)
        return (uint64_t)(1e4 * pow(10.0, 2.0 * u));
    return (uint64_t)(10.0 * pow(10.0, 3.0 * u));
}

int main(void)
{
    uint64_t *delta = malloc((size_t)CHUNKS * SLOTS * sizeof *delta);
    uint8_t *present = malloc((size_t)CHUNKS * SLOTS);
    size_t bound = tr_chunk_bound(SLOTS);
    uint8_t *arena = malloc((size_t)CHUNKS * bound);
    size_t *off = malloc((CHUNKS + 1) * sizeof *off);
    uint64_t *out = malloc(SLOTS * sizeof *out);
    uint64_t *values = calloc((size_t)CHUNKS * SLOTS, sizeof *values);
    uint8_t flags[SLOTS];
    if (!delta || !present || !arena || !off || !out || !values) {
        fprintf(stderr, "codec_bench: out of memory\n");
        return 1;
    }

    uint64_t seed = 42, observed = 0;
    for (size_t i = 0; i < (size_t)CHUNKS * SLOTS; i++) {
        delta[i] = gain(&seed);
        present[i] = rng_next(&seed) % 200 != 0;
        observed += present[i];
    }
    const double nvalues = (double)CHUNKS * SLOTS;
    double t[RUNS];
    uint64_t sink = 0;

    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        off[0] = 0;
        for (size_t c = 0; c < CHUNKS; c++)
            off[c + 1] = off[c] + tr_chunk_encode(SLOTS, delta + c * SLOTS,
                                                  present + c * SLOTS, arena + off[c]);
        t[r] = now() - t0;
    }
    printf("codec_bench: %d chunks of %u slots, %.3f bytes per observed value\n",
           CHUNKS, SLOTS, (double)off[CHUNKS] / (double)observed);
    printf("encode  %8.1f M values/s\n", nvalues / median(t) / 1e6);

    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        for (size_t c = 0; c < CHUNKS; c++) {
            uint32_t n;
            if (tr_chunk_decode(arena + off[c], off[c + 1] - off[c], &n, out, flags) != 0) {
                fprintf(stderr, "codec_bench: chunk %zu does not decode\n", c);
                return 1;
            }
            sink += out[c % SLOTS] + flags[c % SLOTS];
        }
        t[r] = now() - t0;
    }
    printf("decode  %8.1f M values/s\n", nvalues / median(t) / 1e6);

    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        for (size_t c = 0; c < CHUNKS; c++)
            if (tr_chunk_apply(arena + off[c], off[c + 1] - off[c], values + c * SLOTS,
                               NULL) != 0) {
                fprintf(stderr, "codec_bench: chunk %zu does not apply\n", c);
                return 1;
            }
        t[r] = now() - t0;
    }
    sink += values[12345];
    printf("apply   %8.1f M values/s\n", nvalues / median(t) / 1e6);

    for (int r = 0; r < RUNS; r++) {
        uint64_t pick = 7;
        double t0 = now();
        for (int i = 0; i < GETS; i++) {
            uint64_t x = rng_next(&pick);
            size_t c = (size_t)(x % CHUNKS);
            uint64_t v;
            bool here;
            tr_chunk_get(arena + off[c], off[c + 1] - off[c], (uint32_t)(x >> 32) % SLOTS,
                         &v, &here);
            sink += v;
        }
        t[r] = now() - t0;
    }
    printf("get     %8.1f M lookups/s (random slot of a random chunk)\n",
           GETS / median(t) / 1e6);

    for (int r = 0; r < RUNS; r++) {
        uint64_t pick = 8;
        const uint8_t *hot = arena + off[CHUNKS / 2];
        size_t hot_len = off[CHUNKS / 2 + 1] - off[CHUNKS / 2];
        double t0 = now();
        for (int i = 0; i < GETS; i++) {
            uint64_t v;
            bool here;
            tr_chunk_get(hot, hot_len, (uint32_t)(rng_next(&pick) % SLOTS), &v, &here);
            sink += v;
        }
        t[r] = now() - t0;
    }
    printf("get     %8.1f M lookups/s (random slot of one chunk in cache)\n",
           GETS / median(t) / 1e6);

    fprintf(stderr, "(checksum %llu)\n", (unsigned long long)sink);
    free(delta);
    free(present);
    free(arena);
    free(off);
    free(out);
    free(values);
    return 0;
}
