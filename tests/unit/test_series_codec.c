/*
 * test_series_codec.c: round trips, the one-slot reader and the scan path
 * agreeing with the full decoder, rejection of truncated and malformed
 * chunks, and the size of a realistic day.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/series_codec.h"

#define SLOTS TR_CHUNK_SLOTS

/* splitmix64: a fixed-seed generator, so every run tests the same data. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Uniform double in [0, 1). */
static double rng_unit(uint64_t *state)
{
    return (double)(rng_next(state) >> 11) / 9007199254740992.0;
}

struct day {
    uint32_t n;
    uint64_t delta[SLOTS];
    uint8_t present[SLOTS];
};

/* Encodes into a buffer of exactly tr_chunk_bound(n) bytes (so ASan sees
 * any write past the bound).  Caller frees *buf. */
static size_t encode(const struct day *d, const uint8_t *present, uint8_t **buf)
{
    size_t bound = tr_chunk_bound(d->n);
    assert_true(bound > 0);
    *buf = malloc(bound);
    assert_non_null(*buf);
    size_t len = tr_chunk_encode(d->n, d->delta, present, *buf);
    assert_true(len >= 1);
    assert_true(len <= bound);
    return len;
}

/* Copies buf[0..len) to its own allocation, so ASan catches a read past len. */
static uint8_t *exact_copy(const uint8_t *buf, size_t len)
{
    uint8_t *c = malloc(len ? len : 1);
    assert_non_null(c);
    memcpy(c, buf, len);
    return c;
}

/*
 * The full contract for one day: decode gives back exactly what was
 * encoded, tr_chunk_get agrees for every slot, tr_chunk_apply adds exactly
 * the present deltas, and every strict prefix of the chunk is rejected
 * without touching the outputs.  Returns the encoded length.
 */
static size_t check_day(const struct day *d)
{
    uint8_t *enc;
    size_t len = encode(d, d->present, &enc);
    uint8_t *buf = exact_copy(enc, len);
    free(enc);

    uint32_t n = 12345;
    uint64_t *delta = malloc(SLOTS * sizeof *delta);
    uint8_t present[SLOTS];
    assert_non_null(delta);
    memset(delta, 0xAB, SLOTS * sizeof *delta);
    memset(present, 0xAB, sizeof present);
    assert_int_equal(tr_chunk_decode(buf, len, &n, delta, present), 0);
    assert_int_equal(n, d->n);
    for (uint32_t s = 0; s < SLOTS; s++) {
        int want = s < d->n && d->present[s];
        assert_int_equal(present[s], want);
        assert_true(delta[s] == (want ? d->delta[s] : 0));
    }

    for (uint32_t s = 0; s < SLOTS + 3; s++) {
        uint64_t v = 99;
        bool here = true;
        assert_int_equal(tr_chunk_get(buf, len, s, &v, &here), 0);
        if (s < SLOTS) {
            assert_int_equal(here, present[s]);
            assert_true(v == delta[s]);
        } else {
            assert_false(here);
        }
    }

    uint64_t *values = malloc(SLOTS * sizeof *values);
    uint64_t *start = malloc(SLOTS * sizeof *start);
    assert_non_null(values);
    assert_non_null(start);
    uint64_t seed = len;
    for (uint32_t s = 0; s < SLOTS; s++)
        start[s] = values[s] = rng_next(&seed);
    uint8_t pout[SLOTS];
    memset(pout, 0xAB, sizeof pout);
    assert_int_equal(tr_chunk_apply(buf, len, values, pout), 0);
    for (uint32_t s = 0; s < SLOTS; s++) {
        assert_true(values[s] == start[s] + delta[s]);
        assert_int_equal(pout[s], present[s]);
    }
    assert_int_equal(tr_chunk_apply(buf, len, values, NULL), 0);
    for (uint32_t s = 0; s < SLOTS; s++)
        assert_true(values[s] == start[s] + 2 * delta[s]);

    /* Every strict prefix is malformed, and failing leaves outputs alone. */
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *pre = exact_copy(buf, cut);
        uint32_t pn = 777;
        assert_int_equal(tr_chunk_decode(pre, cut, &pn, delta, present), -1);
        assert_int_equal(pn, 777);
        memcpy(start, values, SLOTS * sizeof *values);
        memset(pout, 0xCD, sizeof pout);
        assert_int_equal(tr_chunk_apply(pre, cut, values, pout), -1);
        assert_true(memcmp(start, values, SLOTS * sizeof *values) == 0);
        assert_int_equal(pout[0], 0xCD);
        /* One slot may still be readable from a prefix; if so it is right. */
        uint32_t probe[3] = { 0, (uint32_t)(cut % SLOTS), d->n ? d->n - 1 : 0 };
        for (int i = 0; i < 3; i++) {
            uint64_t v;
            bool here;
            int rc = tr_chunk_get(pre, cut, probe[i], &v, &here);
            if (rc == 0) {
                int want = probe[i] < d->n && d->present[probe[i]];
                assert_int_equal(here, want);
                assert_true(v == (want ? d->delta[probe[i]] : 0));
            } else {
                assert_int_equal(rc, -1);
            }
        }
        free(pre);
    }

    free(values);
    free(start);
    free(delta);
    free(buf);
    return len;
}

/* Header byte of the first block: the byte after the varint n. */
static unsigned first_block_header(const uint8_t *buf)
{
    const uint8_t *p = buf;
    while (*p & 0x80)
        p++;
    return p[1];
}

static void test_widths_round_trip(void **state)
{
    (void)state;
    uint64_t seed = 1;
    struct day *d = calloc(1, sizeof *d);
    assert_non_null(d);
    for (unsigned w = 0; w <= 64; w++) {
        uint64_t span = w == 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
        for (int rep = 0; rep < 3; rep++) {
            /* Values lo..lo+span in signed order, placed anywhere in the
             * int64 range: crossing zero, near INT64_MIN, near INT64_MAX. */
            uint64_t room = ~(uint64_t)0 - span;   /* lo key in [0, room] */
            uint64_t lo_key = rep == 0 ? 0 : rep == 1 ? room : (room ? rng_next(&seed) % room : 0);
            d->n = rep == 2 ? 1000 : SLOTS;
            for (uint32_t s = 0; s < d->n; s++) {
                uint64_t off = span ? rng_next(&seed) & span : 0;
                if (s == 3)
                    off = 0;
                if (s == 5)
                    off = span;
                d->delta[s] = (lo_key + off) ^ ((uint64_t)1 << 63);
                d->present[s] = 1;
            }
            uint8_t *enc;
            encode(d, d->present, &enc);
            assert_int_equal(first_block_header(enc), w);
            free(enc);
            check_day(d);
        }
    }
    free(d);
}

static void test_extreme_deltas(void **state)
{
    (void)state;
    /* Any pair of uint64 counts round-trips: deltas of UINT64_MAX (a drop
     * by one), INT64_MIN, INT64_MAX, 0, and big decreases. */
    static const uint64_t edge[] = {
        0, 1, UINT64_MAX, (uint64_t)INT64_MAX, (uint64_t)1 << 63,
        (uint64_t)-1000000, (uint64_t)-5, 12345,
    };
    struct day *d = calloc(1, sizeof *d);
    assert_non_null(d);
    uint64_t seed = 2;
    d->n = SLOTS;
    for (uint32_t s = 0; s < SLOTS; s++) {
        d->delta[s] = edge[rng_next(&seed) % (sizeof edge / sizeof edge[0])];
        d->present[s] = (rng_next(&seed) % 5) != 0;
    }
    check_day(d);

    /* Every block of a single value kind: width 0 with any minimum. */
    for (size_t e = 0; e < sizeof edge / sizeof edge[0]; e++) {
        d->n = 300;
        for (uint32_t s = 0; s < d->n; s++) {
            d->delta[s] = edge[e];
            d->present[s] = 1;
        }
        size_t len = check_day(d);
        assert_true(len <= 2 + 3 * (1 + 10));   /* n, 3 blocks of header + min */
    }
    free(d);
}

static void test_absent_blocks(void **state)
{
    (void)state;
    struct day *d = calloc(1, sizeof *d);
    assert_non_null(d);
    d->n = SLOTS;
    for (uint32_t s = 0; s < SLOTS; s++)
        d->delta[s] = s * 7;
    /* A day with nothing observed costs one byte per block. */
    size_t len = check_day(d);
    assert_int_equal(len, 2 + 8);

    /* Blocks alternate: absent, full, sparse, absent, ... */
    uint64_t seed = 3;
    for (uint32_t s = 0; s < SLOTS; s++) {
        uint32_t b = s / TR_CHUNK_BLOCK;
        d->present[s] = b % 3 == 1 ? 1 : b % 3 == 2 ? (rng_next(&seed) & 1) : 0;
        d->delta[s] = 100 + rng_next(&seed) % 1000;
    }
    check_day(d);

    /* One present slot in the middle of an otherwise absent chunk, in each
     * position of a block (bitmap word boundaries included). */
    static const uint32_t where[] = { 0, 1, 63, 64, 65, 127, 128, 511, 1023 };
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        memset(d->present, 0, sizeof d->present);
        d->present[where[i]] = 1;
        check_day(d);
    }

    /* present == NULL means every slot is present. */
    uint8_t *a, *b;
    memset(d->present, 1, sizeof d->present);
    size_t la = encode(d, NULL, &a);
    size_t lb = encode(d, d->present, &b);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);

    /* What an absent slot's delta holds does not reach the encoding. */
    for (uint32_t s = 0; s < SLOTS; s++)
        d->present[s] = s % 7 == 0;
    la = encode(d, d->present, &a);
    for (uint32_t s = 0; s < SLOTS; s++)
        if (!d->present[s])
            d->delta[s] = ~d->delta[s];
    lb = encode(d, d->present, &b);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);

    /* Any nonzero present byte means present. */
    for (uint32_t s = 0; s < SLOTS; s++)
        d->present[s] = (uint8_t)(s % 3 ? 0 : 1 + s % 250);
    len = encode(d, d->present, &a);
    uint32_t n;
    uint64_t delta[SLOTS];
    uint8_t present[SLOTS];
    assert_int_equal(tr_chunk_decode(a, len, &n, delta, present), 0);
    for (uint32_t s = 0; s < SLOTS; s++)
        assert_int_equal(present[s], s % 3 == 0);
    free(a);
    free(d);
}

static void test_slot_counts(void **state)
{
    (void)state;
    static const uint32_t counts[] = { 0, 1, 2, 7, 8, 9, 127, 128, 129, 200, 255,
                                       256, 640, 1000, 1023, 1024 };
    struct day *d = calloc(1, sizeof *d);
    assert_non_null(d);
    uint64_t seed = 4;
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        for (int mode = 0; mode < 3; mode++) {
            d->n = counts[c];
            for (uint32_t s = 0; s < d->n; s++) {
                d->delta[s] = rng_next(&seed) >> (rng_next(&seed) % 64);
                d->present[s] = mode == 0 ? 1 : mode == 1 ? (rng_next(&seed) % 4 != 0)
                                                          : (rng_next(&seed) % 50 == 0);
            }
            check_day(d);
        }
    }

    /* n = 0 is the single byte 0. */
    d->n = 0;
    uint8_t *enc;
    size_t len = encode(d, NULL, &enc);
    assert_int_equal(len, 1);
    assert_int_equal(enc[0], 0);
    free(enc);
    free(d);
}

static void test_encode_rejects_too_many_slots(void **state)
{
    (void)state;
    uint64_t delta[SLOTS + 1] = {0};
    uint8_t out[16];
    assert_int_equal(tr_chunk_bound(SLOTS + 1), 0);
    assert_int_equal(tr_chunk_encode(SLOTS + 1, delta, NULL, out), 0);
}

static void test_bound_holds_worst_case(void **state)
{
    (void)state;
    /* Width 64 with a bitmap in every block and a 10-byte minimum. */
    struct day *d = calloc(1, sizeof *d);
    assert_non_null(d);
    d->n = SLOTS;
    for (uint32_t s = 0; s < SLOTS; s++) {
        d->delta[s] = s % 2 ? (uint64_t)INT64_MAX : (uint64_t)1 << 63;
        d->present[s] = s % TR_CHUNK_BLOCK != 5;
    }
    size_t len = check_day(d);
    assert_true(len > 8 * 1000);
    free(d);
}

/* A cumulative series over days: applying each day's chunk in order gives
 * back every observed total, through gaps, corrections and wrap-around. */
static void test_days_replay_totals(void **state)
{
    (void)state;
    enum { DAYS = 30, N = 700 };
    uint64_t seed = 5;
    uint64_t (*total)[N] = calloc(DAYS, sizeof *total);
    uint8_t (*seen)[N] = calloc(DAYS, sizeof *seen);
    uint8_t **chunk = calloc(DAYS, sizeof *chunk);
    size_t *clen = calloc(DAYS, sizeof *clen);
    assert_non_null(total);
    assert_non_null(seen);
    assert_non_null(chunk);
    assert_non_null(clen);
    uint64_t truth[N] = {0}, last_seen[N] = {0};
    struct day *d = calloc(1, sizeof *d);
    assert_non_null(d);
    for (int day = 0; day < DAYS; day++) {
        d->n = N;
        for (uint32_t s = 0; s < N; s++) {
            uint64_t r = rng_next(&seed) % 1000;
            if (r < 5)
                truth[s] -= rng_next(&seed) % 100000;      /* a correction */
            else if (r < 6)
                truth[s] = rng_next(&seed);                /* any uint64 at all */
            else
                truth[s] += 10 + rng_next(&seed) % 100000;
            seen[day][s] = s >= (uint32_t)day * 20 ? 0 : (rng_next(&seed) % 10 != 0);
            total[day][s] = truth[s];
            d->present[s] = seen[day][s];
            d->delta[s] = truth[s] - last_seen[s];
            if (seen[day][s])
                last_seen[s] = truth[s];
        }
        uint8_t *enc;
        clen[day] = encode(d, d->present, &enc);
        chunk[day] = enc;
    }
    uint64_t values[SLOTS] = {0};
    uint8_t pout[SLOTS];
    for (int day = 0; day < DAYS; day++) {
        assert_int_equal(tr_chunk_apply(chunk[day], clen[day], values, pout), 0);
        for (uint32_t s = 0; s < N; s++) {
            assert_int_equal(pout[s], seen[day][s]);
            if (seen[day][s])
                assert_true(values[s] == total[day][s]);
        }
        free(chunk[day]);
    }
    free(d);
    free(clen);
    free(chunk);
    free(seen);
    free(total);
}

/* Daily gains: most 10..10^4 (log-uniform), 1% up to 10^6, a few small
 * corrections, a few slots not observed. */
static uint64_t realistic_gain(uint64_t *seed)
{
    double u = rng_unit(seed);
    uint64_t r = rng_next(seed) % 1000;
    if (r < 2)
        return (uint64_t)-(int64_t)(1 + rng_next(seed) % 100);
    if (r < 12)
        return (uint64_t)(1e4 * pow(10.0, 2.0 * u));
    return (uint64_t)(10.0 * pow(10.0, 3.0 * u));
}

static void test_realistic_size(void **state)
{
    (void)state;
    struct day *d = calloc(1, sizeof *d);
    assert_non_null(d);
    uint64_t seed = 6;
    size_t bytes = 0, observed = 0;
    for (int chunk = 0; chunk < 64; chunk++) {
        d->n = SLOTS;
        for (uint32_t s = 0; s < SLOTS; s++) {
            d->delta[s] = realistic_gain(&seed);
            d->present[s] = rng_next(&seed) % 200 != 0;
            observed += d->present[s];
        }
        uint8_t *enc;
        bytes += encode(d, d->present, &enc);
        free(enc);
        if (chunk < 2)
            check_day(d);
    }
    double per_value = (double)bytes / (double)observed;
    print_message("realistic day: %.3f bytes per observed value\n", per_value);
    assert_true(per_value < 3.0);
    free(d);
}

static void test_malformed(void **state)
{
    (void)state;
    struct {
        const char *why;
        uint8_t bytes[24];
        size_t len;
    } bad[] = {
        { "empty", {0}, 0 },
        { "n = 1025", {0x81, 0x08}, 2 },
        { "n varint never ends", {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}, 11 },
        { "n missing its block", {0x01}, 1 },
        { "n = 1025 with nine blocks", {0x81, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 11 },
        { "n = 2^63 with nine blocks", {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
                                        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 19 },
        { "width 65", {0x01, 0x41, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12 },
        { "width 127 with bitmap flag clear", {0x01, 0x7F, 0x00}, 3 },
        { "trailing byte", {0x01, 0x00, 0x00, 0x00}, 4 },
        { "trailing byte after absent block", {0x01, 0xFF, 0x00}, 3 },
        { "bitmap bit past n", {0x01, 0x80, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00}, 19 },
        { "bitmap truncated", {0x01, 0x80, 0x01, 0, 0, 0}, 6 },
        { "min overflows 64 bits", {0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, 12 },
        { "min of 11 bytes", {0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 13 },
        { "packed bytes missing", {0x02, 0x10, 0x00, 0x01, 0x02, 0x03}, 6 },
        { "second block missing", {0x81, 0x01, 0xFF}, 3 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t *buf = exact_copy(bad[i].bytes, bad[i].len);
        uint32_t n = 1;
        uint64_t delta[SLOTS], values[SLOTS] = {0};
        uint8_t present[SLOTS];
        print_message("malformed: %s\n", bad[i].why);
        assert_int_equal(tr_chunk_decode(buf, bad[i].len, &n, delta, present), -1);
        assert_int_equal(tr_chunk_apply(buf, bad[i].len, values, present), -1);
        free(buf);
    }

    /* A slot count over 1024 is malformed for the one-slot reader too. */
    static const uint8_t too_many[] = {0x81, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    uint64_t got;
    bool got_here;
    assert_int_equal(tr_chunk_get(too_many, sizeof too_many, 1024, &got, &got_here), -1);
    assert_int_equal(tr_chunk_get(too_many, sizeof too_many, 0, &got, &got_here), -1);

    /* The smallest valid chunks, to show the cases above fail for the
     * stated reason and not another. */
    static const uint8_t one_zero[] = {0x01, 0x00, 0x00};          /* delta 0 */
    static const uint8_t one_minus[] = {0x01, 0x00, 0x01};         /* delta -1 */
    static const uint8_t two_packed[] = {0x02, 0x10, 0x00, 0x01, 0x02, 0x03, 0x04};
    uint32_t n;
    uint64_t delta[SLOTS];
    uint8_t present[SLOTS];
    assert_int_equal(tr_chunk_decode(one_zero, sizeof one_zero, &n, delta, present), 0);
    assert_int_equal(n, 1);
    assert_int_equal(present[0], 1);
    assert_true(delta[0] == 0);
    assert_int_equal(tr_chunk_decode(one_minus, sizeof one_minus, &n, delta, present), 0);
    assert_true(delta[0] == UINT64_MAX);
    assert_int_equal(tr_chunk_decode(two_packed, sizeof two_packed, &n, delta, present), 0);
    assert_int_equal(n, 2);
    assert_true(delta[0] == 0x0201 && delta[1] == 0x0403);

    /* get checks what it reads: a damaged second block does not stop it
     * reading the first, but does stop it reading the second. */
    static const uint8_t second_bad[] = {0x81, 0x01, 0x00, 0x02, 0x41};
    uint64_t v;
    bool here;
    assert_int_equal(tr_chunk_get(second_bad, sizeof second_bad, 0, &v, &here), 0);
    assert_true(here && v == 1);
    assert_int_equal(tr_chunk_get(second_bad, sizeof second_bad, 128, &v, &here), -1);
    assert_int_equal(tr_chunk_decode(second_bad, sizeof second_bad, &n, delta, present), -1);
    assert_int_equal(tr_chunk_get(NULL, 0, 0, &v, &here), -1);
}

/* Random bytes: the decoders must reject or accept without reading past
 * the buffer, and whatever they accept, all three readers agree on. */
static void test_garbage(void **state)
{
    (void)state;
    uint64_t seed = 7;
    uint64_t delta[SLOTS], values[SLOTS];
    uint8_t present[SLOTS], pout[SLOTS];
    int accepted = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = rng_next(&seed) % 48;
        uint8_t *buf = malloc(len ? len : 1);
        assert_non_null(buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rng_next(&seed);
        if (len && iter % 2)
            buf[0] = (uint8_t)(rng_next(&seed) % 4);   /* small n: more accepted */
        uint32_t n;
        int rc = tr_chunk_decode(buf, len, &n, delta, present);
        memset(values, 0, sizeof values);
        assert_int_equal(tr_chunk_apply(buf, len, values, pout), rc);
        if (rc == 0) {
            accepted++;
            for (uint32_t s = 0; s < SLOTS; s++) {
                uint64_t v;
                bool here;
                assert_int_equal(tr_chunk_get(buf, len, s, &v, &here), 0);
                assert_int_equal(here, present[s]);
                assert_true(v == delta[s]);
                assert_true(values[s] == delta[s]);
                assert_int_equal(pout[s], present[s]);
            }
        } else {
            uint64_t v;
            bool here;
            for (uint32_t s = 0; s < SLOTS; s += 127)
                (void)tr_chunk_get(buf, len, s, &v, &here);
        }
        free(buf);
    }
    assert_true(accepted > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths_round_trip),
        cmocka_unit_test(test_extreme_deltas),
        cmocka_unit_test(test_absent_blocks),
        cmocka_unit_test(test_slot_counts),
        cmocka_unit_test(test_encode_rejects_too_many_slots),
        cmocka_unit_test(test_bound_holds_worst_case),
        cmocka_unit_test(test_days_replay_totals),
        cmocka_unit_test(test_realistic_size),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
