/*
 * series_codec.c: the byte format of a chunk (one day of one group of up
 * to 1024 series) and its encoder and decoders.
 *
 * Slots are cut into blocks of 128; each block is stored frame-of-reference:
 * its smallest delta once, then every observed delta minus that minimum in
 * the fewest bits that hold the block's largest difference.  Daily gains of
 * neighbouring series are of similar size, so a block costs about the bit
 * length of its largest gain per observed slot.  Decoders check the whole
 * structure before writing anything, never read outside the buffer, and
 * unpack with one specialised loop per width (eight values per step, all
 * shifts constant), which is what makes whole-chunk decoding fast.
 *
 * Byte layout (all multi-byte integers little-endian):
 *
 *   chunk  := varint(n) block*        n <= 1024 slots, ceil(n / 128) blocks,
 *                                     nothing after the last block
 *   block  := 0xFF                    every slot of the block is absent
 *           | hdr [bitmap] varint(zigzag(min)) packed
 *   hdr    := bits 0..6 width w (0..64), bit 7 set when a bitmap follows
 *             (0xFF cannot be such a header: its width would be 127)
 *   bitmap := 16 bytes; bit i (byte i / 8, bit i % 8) set when slot i of the
 *             block is present.  Written only when some but not all slots
 *             are present; without it every slot is present.  Bits for slots
 *             past the end of a short last block must be 0.
 *   packed := the k present slots in slot order (k = popcount(bitmap), or
 *             the block's slot count without a bitmap), value j being
 *             delta - min (mod 2^64) in w bits at bit offset j * w of the
 *             packed bytes (bit b = bit b % 8 of byte b / 8, i.e. LSB first);
 *             ceil(k * w / 8) bytes; unused high bits of the last byte are
 *             written 0 and ignored when read.
 *   varint := LEB128, 7 bits per byte, low group first, at most 10 bytes.
 *
 * Choices and their reasons:
 * - min is the smallest delta in signed (int64) order, and the packed values
 *   are delta - min.  Zigzagging the deltas first and subtracting the
 *   smallest zigzag value would spend one more bit on every value of a block
 *   whose deltas all have the same sign (the usual day: every count goes up),
 *   because zigzag doubles magnitudes.  Only min itself is zigzagged, so a
 *   small negative minimum stays a short varint.  w is the bit length of
 *   (max - min), so 64 bits cover any pair of deltas.
 * - Only present slots are packed.  An absent slot then costs one bitmap bit
 *   instead of w bits, which matters for groups where many series are not
 *   observed on a day (new series, stale sources); finding one slot costs a
 *   popcount of at most two bitmap words, still constant time.
 * - The minimum and width are taken over present slots only, so an absent
 *   slot never widens a block.
 * - Blocks are located by walking headers: a block's length follows from its
 *   header, bitmap and min without touching its packed values, and there
 *   are at most 8 blocks, so one slot is found in constant time without an
 *   offset table.
 * The encoder's output is a function of n, the presence flags and the
 * present deltas (minimal varints, minimal width, a bitmap only when needed).
 * Decoders also accept non-minimal varints and bitmaps with no or all bits
 * set, which change nothing about the values.
 */
#include "store/series_codec.h"

#include <string.h>

enum {
    BLOCK = TR_CHUNK_BLOCK,
    BLOCKS_MAX = TR_CHUNK_SLOTS / TR_CHUNK_BLOCK,
    BITMAP_BYTES = BLOCK / 8,
    VARINT_MAX = 10,
    WIDTH_MAX = 64,
    HDR_WIDTH = 0x7F,
    HDR_BITMAP = 0x80,
    HDR_ABSENT = 0xFF,
    GROUP = 8,                /* values unpacked per step: 8 * w bits = w bytes */
    /* Bytes the group unpacker may read past groups * w: value 7 of the last
     * group loads 8 bytes at byte 7w/8 of that group and may read one more,
     * so every read is below groups * w + 9. */
    UNPACK_SLACK = 16,
    /* Bytes the group packer may write past a block's packed length: whole
     * words for whole groups, at most 63 bytes beyond ceil(k * w / 8). */
    PACK_SLACK = 64,
};

#define SIGN_BIT ((uint64_t)1 << 63)

enum block_kind { BLOCK_ABSENT, BLOCK_FULL, BLOCK_SPARSE };

/* One block as the decoders see it after checking its structure. */
struct block {
    const uint8_t *packed;  /* first packed byte (inside the buffer) */
    uint64_t bitmap[2];     /* present slots; all ones below m for BLOCK_FULL */
    uint64_t min;           /* smallest delta, two's complement */
    uint32_t k;             /* present slots = packed values */
    uint32_t m;             /* slots in the block (128, less in a short last block) */
    unsigned w;             /* bits per packed value, 0..64 */
    enum block_kind kind;
};

static inline uint64_t load64le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void store64le(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, sizeof v);
}

/* Without a popcount instruction (plain x86-64) the builtin is a library
 * call; the bit-slicing form is a handful of instructions. */
static inline unsigned popcount64(uint64_t x)
{
#if defined(__POPCNT__)
    return (unsigned)__builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555u);
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
    return (unsigned)((x * 0x0101010101010101u) >> 56);
#endif
}

static inline uint64_t zigzag(uint64_t x) { return (x << 1) ^ (0 - (x >> 63)); }
static inline uint64_t unzigzag(uint64_t z) { return (z >> 1) ^ (0 - (z & 1)); }

static inline uint64_t low_mask(unsigned bits)
{
    return bits >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
}

static inline size_t packed_len(uint32_t k, unsigned w)
{
    return ((size_t)k * w + 7) / 8;
}

static uint32_t block_slots(uint32_t n, uint32_t b)
{
    uint32_t left = n - b * BLOCK;
    return left < BLOCK ? left : BLOCK;
}

static uint8_t *put_varint(uint8_t *o, uint64_t v)
{
    while (v >= 0x80) {
        *o++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *o++ = (uint8_t)v;
    return o;
}

/* Returns the byte after the varint, or NULL if it is truncated, longer
 * than 10 bytes or does not fit 64 bits. */
static const uint8_t *get_varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 7 * VARINT_MAX; shift += 7) {
        if (p == end)
            return NULL;
        uint8_t byte = *p++;
        if (shift == 63 && byte > 1)
            return NULL;
        x |= (uint64_t)(byte & 0x7F) << shift;
        if (!(byte & 0x80)) {
            *v = x;
            return p;
        }
    }
    return NULL;
}

/*
 * Checks one block of m slots starting at p and describes it in *b.
 * Returns the byte after the block, or NULL if it is malformed or runs past
 * end.  Reads the header, bitmap and min only, never the packed values.
 */
static const uint8_t *parse_block(const uint8_t *p, const uint8_t *end, uint32_t m,
                                  struct block *b)
{
    if (p == end)
        return NULL;
    uint8_t hdr = *p++;
    b->m = m;
    if (hdr == HDR_ABSENT) {
        b->kind = BLOCK_ABSENT;
        b->k = 0;
        b->w = 0;
        b->min = 0;
        b->bitmap[0] = b->bitmap[1] = 0;
        b->packed = p;
        return p;
    }
    b->w = hdr & HDR_WIDTH;
    if (b->w > WIDTH_MAX)
        return NULL;
    uint64_t in_block[2] = {
        low_mask(m < 64 ? m : 64),
        m > 64 ? low_mask(m - 64) : 0,
    };
    if (hdr & HDR_BITMAP) {
        if ((size_t)(end - p) < BITMAP_BYTES)
            return NULL;
        b->bitmap[0] = load64le(p);
        b->bitmap[1] = load64le(p + 8);
        p += BITMAP_BYTES;
        if ((b->bitmap[0] & ~in_block[0]) | (b->bitmap[1] & ~in_block[1]))
            return NULL;
        b->kind = BLOCK_SPARSE;
        b->k = popcount64(b->bitmap[0]) + popcount64(b->bitmap[1]);
    } else {
        b->bitmap[0] = in_block[0];
        b->bitmap[1] = in_block[1];
        b->kind = BLOCK_FULL;
        b->k = m;
    }
    uint64_t zmin;
    p = get_varint(p, end, &zmin);
    if (!p)
        return NULL;
    b->min = unzigzag(zmin);
    size_t plen = packed_len(b->k, b->w);
    if ((size_t)(end - p) < plen)
        return NULL;
    b->packed = p;
    return p + plen;
}

/* Checks a whole chunk: n, every block, no trailing bytes.  On success
 * sets *n and blocks[0 .. ceil(n / 128)). */
static int parse_chunk(const uint8_t *buf, size_t len, uint32_t *n,
                       struct block blocks[BLOCKS_MAX])
{
    if (!buf)
        return -1;
    const uint8_t *p = buf, *end = buf + len;
    uint64_t count;
    p = get_varint(p, end, &count);
    if (!p || count > TR_CHUNK_SLOTS)
        return -1;
    uint32_t nblocks = ((uint32_t)count + BLOCK - 1) / BLOCK;
    for (uint32_t b = 0; b < nblocks; b++) {
        p = parse_block(p, end, block_slots((uint32_t)count, b), &blocks[b]);
        if (!p)
            return -1;
    }
    if (p != end)
        return -1;
    *n = (uint32_t)count;
    return 0;
}

/*
 * Unpacking and packing, specialised per width.  Eight values of w bits
 * fill exactly w bytes, so each group of eight starts on a byte boundary
 * and, with w a compile-time constant, every shift and offset inside the
 * group is a constant.  The dispatch switch instantiates one loop per width.
 */
#define TR__WIDTHS(X)                                                          \
    X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)      \
    X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25)   \
    X(26) X(27) X(28) X(29) X(30) X(31) X(32) X(33) X(34) X(35) X(36) X(37)   \
    X(38) X(39) X(40) X(41) X(42) X(43) X(44) X(45) X(46) X(47) X(48) X(49)   \
    X(50) X(51) X(52) X(53) X(54) X(55) X(56) X(57) X(58) X(59) X(60) X(61)   \
    X(62) X(63) X(64)

#define TR__EACH8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/* out[i] = base + value i, for groups * 8 values.  Reads up to
 * groups * w + UNPACK_SLACK bytes from p. */
static inline __attribute__((always_inline)) void
unpack_groups(const uint8_t *p, uint32_t groups, const unsigned w, uint64_t base,
              uint64_t *out)
{
    const uint64_t mask = low_mask(w);
    for (uint32_t g = 0; g < groups; g++, p += w, out += GROUP) {
#define TR__UNPACK1(j)                                                         \
        {                                                                      \
            const unsigned bit = (j) * w, s = bit & 7;                         \
            uint64_t v = load64le(p + (bit >> 3)) >> s;                        \
            if (s + w > 64)                                                    \
                v |= (uint64_t)p[(bit >> 3) + 8] << ((64 - s) & 63);           \
            out[j] = base + (v & mask);                                        \
        }
        TR__EACH8(TR__UNPACK1)
#undef TR__UNPACK1
    }
}

/* Writes groups * 8 values of in[] (each < 2^w) as packed bytes at o.
 * Writes whole words: up to groups * w + 7 bytes. */
static inline __attribute__((always_inline)) void
pack_groups(uint8_t *o, uint32_t groups, const unsigned w, const uint64_t *in)
{
    for (uint32_t g = 0; g < groups; g++, o += w, in += GROUP) {
        uint64_t acc[GROUP + 1] = {0};
#define TR__PACK1(j)                                                           \
        {                                                                      \
            const unsigned bit = (j) * w, word = bit >> 6, s = bit & 63;       \
            acc[word] |= in[j] << s;                                           \
            if (s + w > 64)                                                    \
                acc[word + 1] |= in[j] >> ((64 - s) & 63);                     \
        }
        TR__EACH8(TR__PACK1)
#undef TR__PACK1
#define TR__STORE1(t)                                                          \
        if ((t) * 8 < w)                                                       \
            store64le(o + (t) * 8, acc[t]);
        TR__EACH8(TR__STORE1)
#undef TR__STORE1
    }
}

/*
 * out[0 .. k) = the block's present deltas in slot order.  out must hold
 * BLOCK entries; entries from k up to the next multiple of 8 are
 * overwritten with garbage.  end bounds the readable buffer: when the
 * unpacker's over-read would cross it, the packed bytes are copied to a
 * zero-padded scratch first.
 */
static void unpack_block(const struct block *b, const uint8_t *end, uint64_t *out)
{
    uint32_t groups = (b->k + GROUP - 1) / GROUP;
    if (b->w == 0) {
        for (uint32_t i = 0; i < groups * GROUP; i++)
            out[i] = b->min;
        return;
    }
    const uint8_t *p = b->packed;
    uint8_t scratch[BLOCK * 8 + UNPACK_SLACK];
    size_t reach = (size_t)groups * b->w + UNPACK_SLACK;
    if ((size_t)(end - p) < reach) {
        size_t plen = packed_len(b->k, b->w);
        memcpy(scratch, p, plen);
        memset(scratch + plen, 0, reach - plen);
        p = scratch;
    }
    switch (b->w) {
#define TR__CASE(W) case W: unpack_groups(p, groups, W, b->min, out); break;
    TR__WIDTHS(TR__CASE)
#undef TR__CASE
    default: break;   /* parse_block admits 0..64 only */
    }
}

static void pack_block(uint8_t *o, uint32_t k, unsigned w, const uint64_t *in)
{
    uint32_t groups = (k + GROUP - 1) / GROUP;
    switch (w) {
#define TR__CASE(W) case W: pack_groups(o, groups, W, in); break;
    TR__WIDTHS(TR__CASE)
#undef TR__CASE
    default: break;   /* w == 0: nothing to write */
    }
}

/* Value idx of a block, reading only its packed bytes. */
static uint64_t block_value(const struct block *b, uint32_t idx)
{
    if (b->w == 0)
        return b->min;
    size_t bit = (size_t)idx * b->w, byte = bit >> 3;
    unsigned s = bit & 7, nbytes = (s + b->w + 7) / 8;   /* <= 9, inside packed */
    uint64_t v = 0;
    for (unsigned t = 0; t < nbytes && t < 8; t++)
        v |= (uint64_t)b->packed[byte + t] << (8 * t);
    v >>= s;
    if (nbytes > 8)
        v |= (uint64_t)b->packed[byte + 8] << (64 - s);
    return b->min + (v & low_mask(b->w));
}

static void expand_bitmap(const struct block *b, uint8_t *present)
{
    for (uint32_t i = 0; i < b->m; i++)
        present[i] = (uint8_t)((b->bitmap[i >> 6] >> (i & 63)) & 1);
}

size_t tr_chunk_bound(uint32_t n)
{
    if (n > TR_CHUNK_SLOTS)
        return 0;
    size_t nblocks = (n + BLOCK - 1) / BLOCK;
    return VARINT_MAX + nblocks * (1 + BITMAP_BYTES + VARINT_MAX) + (size_t)n * 8 +
           PACK_SLACK;
}

size_t tr_chunk_encode(uint32_t n, const uint64_t *delta, const uint8_t *present,
                       uint8_t *out)
{
    if (n > TR_CHUNK_SLOTS)
        return 0;
    uint8_t *o = put_varint(out, n);
    uint32_t nblocks = (n + BLOCK - 1) / BLOCK;
    for (uint32_t b = 0; b < nblocks; b++) {
        const uint32_t base = b * BLOCK, m = block_slots(n, b);
        /* Present deltas in slot order, zero-padded to whole groups. */
        uint64_t vals[BLOCK + GROUP] = {0};
        uint8_t bitmap[BITMAP_BYTES] = {0};
        uint32_t k = 0;
        if (present) {
            for (uint32_t i = 0; i < m; i++) {
                uint64_t here = present[base + i] != 0;
                vals[k] = delta[base + i];
                k += (uint32_t)here;
                bitmap[i >> 3] |= (uint8_t)(here << (i & 7));
            }
            vals[k] = 0;   /* the last store above may have been for an absent slot */
        } else {
            memcpy(vals, delta + base, m * sizeof *vals);
            k = m;
        }
        if (k == 0) {
            *o++ = HDR_ABSENT;
            continue;
        }
        /* Signed order is unsigned order with the sign bit flipped. */
        uint64_t lo = ~(uint64_t)0, hi = 0;
        for (uint32_t i = 0; i < k; i++) {
            uint64_t key = vals[i] ^ SIGN_BIT;
            lo = key < lo ? key : lo;
            hi = key > hi ? key : hi;
        }
        uint64_t range = hi - lo, min = lo ^ SIGN_BIT;
        unsigned w = range ? 64 - (unsigned)__builtin_clzll(range) : 0;
        *o++ = (uint8_t)(w | (k < m ? HDR_BITMAP : 0));
        if (k < m) {
            memcpy(o, bitmap, BITMAP_BYTES);
            o += BITMAP_BYTES;
        }
        o = put_varint(o, zigzag(min));
        for (uint32_t i = 0; i < k; i++)
            vals[i] -= min;
        pack_block(o, k, w, vals);
        o += packed_len(k, w);
    }
    return (size_t)(o - out);
}

int tr_chunk_decode(const uint8_t *buf, size_t len, uint32_t *n, uint64_t *delta,
                    uint8_t *present)
{
    struct block blocks[BLOCKS_MAX];
    uint32_t count;
    if (parse_chunk(buf, len, &count, blocks) != 0)
        return -1;
    const uint8_t *end = buf + len;
    uint32_t nblocks = (count + BLOCK - 1) / BLOCK;
    for (uint32_t bi = 0; bi < nblocks; bi++) {
        const struct block *b = &blocks[bi];
        uint64_t *d = delta + bi * BLOCK;
        uint8_t *pr = present ? present + bi * BLOCK : NULL;
        switch (b->kind) {
        case BLOCK_ABSENT:
            memset(d, 0, b->m * sizeof *d);
            if (pr)
                memset(pr, 0, b->m);
            break;
        case BLOCK_FULL:
            /* Blocks are 128-aligned, so the up to 7 extra values written
             * past m stay inside the 1024 entries; they are cleared below. */
            unpack_block(b, end, d);
            if (pr)
                memset(pr, 1, b->m);
            break;
        case BLOCK_SPARSE: {
            uint64_t vals[BLOCK];
            unpack_block(b, end, vals);
            memset(d, 0, b->m * sizeof *d);
            uint32_t j = 0;
            for (unsigned wi = 0; wi < 2; wi++)
                for (uint64_t bits = b->bitmap[wi]; bits; bits &= bits - 1)
                    d[wi * 64 + (unsigned)__builtin_ctzll(bits)] = vals[j++];
            if (pr)
                expand_bitmap(b, pr);
            break;
        }
        }
    }
    memset(delta + count, 0, (TR_CHUNK_SLOTS - count) * sizeof *delta);
    if (present)
        memset(present + count, 0, TR_CHUNK_SLOTS - count);
    *n = count;
    return 0;
}

int tr_chunk_get(const uint8_t *buf, size_t len, uint32_t slot, uint64_t *delta,
                 bool *present)
{
    *delta = 0;
    *present = false;
    if (!buf)
        return -1;
    const uint8_t *p = buf, *end = buf + len;
    uint64_t count;
    p = get_varint(p, end, &count);
    if (!p || count > TR_CHUNK_SLOTS)
        return -1;
    if (slot >= count)
        return 0;
    struct block b;
    for (uint32_t bi = 0; bi <= slot / BLOCK; bi++) {
        p = parse_block(p, end, block_slots((uint32_t)count, bi), &b);
        if (!p)
            return -1;
    }
    uint32_t i = slot % BLOCK;
    if (!((b.bitmap[i >> 6] >> (i & 63)) & 1))
        return 0;
    /* Rank of the slot among the block's present slots. */
    uint32_t idx = popcount64(b.bitmap[0] & low_mask(i < 64 ? i : 64));
    if (i >= 64)
        idx += popcount64(b.bitmap[1] & low_mask(i - 64));
    *delta = block_value(&b, idx);
    *present = true;
    return 0;
}

int tr_chunk_apply(const uint8_t *buf, size_t len, uint64_t *values,
                   uint8_t *present_out)
{
    struct block blocks[BLOCKS_MAX];
    uint32_t count;
    if (parse_chunk(buf, len, &count, blocks) != 0)
        return -1;
    const uint8_t *end = buf + len;
    uint32_t nblocks = (count + BLOCK - 1) / BLOCK;
    for (uint32_t bi = 0; bi < nblocks; bi++) {
        const struct block *b = &blocks[bi];
        uint64_t *v = values + bi * BLOCK;
        uint8_t *pr = present_out ? present_out + bi * BLOCK : NULL;
        uint64_t vals[BLOCK];
        switch (b->kind) {
        case BLOCK_ABSENT:
            if (pr)
                memset(pr, 0, b->m);
            break;
        case BLOCK_FULL:
            unpack_block(b, end, vals);
            for (uint32_t i = 0; i < b->m; i++)
                v[i] += vals[i];
            if (pr)
                memset(pr, 1, b->m);
            break;
        case BLOCK_SPARSE: {
            unpack_block(b, end, vals);
            uint32_t j = 0;
            for (unsigned wi = 0; wi < 2; wi++)
                for (uint64_t bits = b->bitmap[wi]; bits; bits &= bits - 1)
                    v[wi * 64 + (unsigned)__builtin_ctzll(bits)] += vals[j++];
            if (pr)
                expand_bitmap(b, pr);
            break;
        }
        }
    }
    if (present_out)
        memset(present_out + count, 0, TR_CHUNK_SLOTS - count);
    return 0;
}
