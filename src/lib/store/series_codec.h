/*
 * series_codec.h: compact chunks of play-count deltas.
 *
 * The store numbers every recording's series densely (s = 0, 1, 2, ...) and
 * groups them by s / TR_CHUNK_SLOTS.  For one day and one group it keeps one
 * chunk: for each slot of the group whether the slot was observed that day
 * and, if so, its delta = value - previous observed value of the slot
 * (uint64 modular arithmetic, previous = 0 before the first observation), so
 * increases are small positive numbers, corrections are negative when read
 * as int64, and any pair of uint64 values round-trips exactly.
 *
 * The byte layout is documented at the top of series_codec.c.  Realistic
 * days cost under 3 bytes per observed slot; one slot decodes in constant
 * time; tr_chunk_apply is the fast path for scanning days in order.
 *
 * All functions are pure: no allocation, no global state, thread-safe.
 * Decoders treat their input as untrusted: they never read outside
 * buf[0..len) and return -1 for anything malformed or truncated.
 */
#ifndef TRACKRECORD_SERIES_CODEC_H
#define TRACKRECORD_SERIES_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TR_CHUNK_SLOTS 1024u   /* slots per group (series per chunk) */
#define TR_CHUNK_BLOCK 128u    /* slots per block inside a chunk */

/*
 * Bytes an output buffer of tr_chunk_encode needs for n slots (a little
 * more than the largest encoding, because the encoder writes whole words).
 * 0 when n > TR_CHUNK_SLOTS.
 */
size_t tr_chunk_bound(uint32_t n);

/*
 * Encodes slots 0..n-1.  delta has n entries: delta[s] is the slot's delta
 * (read but ignored when absent); present, with n entries, is 0 for an
 * absent slot and anything else for a present one; present == NULL means
 * every slot is present.  out must hold
 * tr_chunk_bound(n) bytes.  Returns the encoded length (at least 1), or 0
 * when n > TR_CHUNK_SLOTS.  The encoding is deterministic.
 */
size_t tr_chunk_encode(uint32_t n, const uint64_t *delta, const uint8_t *present,
                       uint8_t *out);

/*
 * Decodes a whole chunk from buf[0..len) (len must be the exact encoded
 * length: trailing bytes are malformed).  Sets *n and fills all
 * TR_CHUNK_SLOTS entries of delta and present (present may be NULL):
 * present[s] = 1 and delta[s] = the delta for an observed slot, 0 and 0
 * otherwise, including every slot >= *n.  Returns 0, or -1 for malformed
 * or truncated input, in which case *n, delta and present are untouched.
 */
int tr_chunk_decode(const uint8_t *buf, size_t len, uint32_t *n, uint64_t *delta,
                    uint8_t *present);

/*
 * Reads one slot in constant time (it walks at most 8 block headers and
 * unpacks one value).  A slot >= n, or absent, gives *present = false and
 * *delta = 0.  Returns 0, or -1 when the bytes it has to read are malformed
 * or truncated.  It checks only what it reads: a chunk with a damaged later
 * block or trailing bytes may still answer for earlier slots, while
 * tr_chunk_decode rejects it.  When both succeed they agree.
 */
int tr_chunk_get(const uint8_t *buf, size_t len, uint32_t slot, uint64_t *delta,
                 bool *present);

/*
 * The scan path: for every observed slot s of the chunk, values[s] += delta
 * (uint64 modular, so values stays each slot's cumulative count when days
 * are applied in order).  values has TR_CHUNK_SLOTS entries; slots not
 * observed keep their value.  present_out, when not NULL, receives all
 * TR_CHUNK_SLOTS presence flags as tr_chunk_decode writes them.  Returns 0,
 * or -1 for malformed or truncated input, in which case values and
 * present_out are untouched (the chunk is checked before anything is added).
 */
int tr_chunk_apply(const uint8_t *buf, size_t len, uint64_t *values,
                   uint8_t *present_out);

#endif
