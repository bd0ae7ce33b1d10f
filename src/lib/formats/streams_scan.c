/*
 * streams_scan.c: the plain play-count body scanned in parts on threads
 * (streams_scan.h).
 *
 * Per line: the fields of a line of up to 32 bytes are found with one look
 * at its bytes (two 16-byte compares per character class), longer lines
 * field by field; the date is parsed only when its bytes differ from the
 * line before (a feed is sorted by date); counts are read 8 digits at
 * once; the track is checked against a guess before any
 * hash lookup:
 * feeds list the same tracks in the same order day after day, so the track
 * that followed this one last time (on the first day, the next catalog or
 * new index) is nearly always right, and checking it is a sequential read
 * where a lookup would be a cache miss.
 */
#include "formats/streams_scan.h"
#include "base/idmap.h"
#include "formats/csv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define NONE UINT32_MAX
size_t tr_scan_min_part = (size_t)4 << 20;
int tr_scan_parts = 0;

/* The first comma, LF, CR or quote in [p, end), or end. */
static inline const char *next_special(const char *p, const char *end)
{
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'),
                  cr = _mm_set1_epi8('\r'), quote = _mm_set1_epi8('"');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return p + __builtin_ctz(bits);
        p += 16;
    }
#endif
    while (p < end && *p != ',' && *p != '\n' && *p != '\r' && *p != '"')
        p++;
    return p;
}

/*
 * The three fields of the line at *pp, f[i] to e[i], and *pp moved past
 * its line end: true, or false when the line is not plain (another number
 * of fields, a quote, a lone CR).
 */
static inline bool line_fields(const char **pp, const char *end, const char *f[3],
                               const char *e[3])
{
    const char *p = *pp;
#if defined(__SSE2__)
    if (end - p >= 32) {
        /* the usual line: two commas, then the LF, within 32 bytes */
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
        const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'),
                      cr = _mm_set1_epi8('\r'), quote = _mm_set1_epi8('"');
#define MASK32(c) ((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, c)) | \
                   (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, c)) << 16)
        uint32_t lfs = MASK32(lf);
        if (lfs) {
            uint32_t at = (uint32_t)__builtin_ctz(lfs), before = (1u << at) - 1;
            uint32_t commas = MASK32(comma) & before;
            uint32_t odd = (MASK32(quote) | MASK32(cr)) & before;
            const char *stop = p + at;
            if (odd == (1u << at >> 1) && at && stop[-1] == '\r')
                odd = 0, stop--;                    /* CRLF */
            uint32_t rest = commas & (commas - 1);       /* all but the first comma */
            if (!odd && rest && !(rest & (rest - 1))) {  /* exactly two */
                uint32_t c1 = (uint32_t)__builtin_ctz(commas);
                uint32_t c2 = (uint32_t)__builtin_ctz(rest);
                f[0] = p, e[0] = p + c1;
                f[1] = p + c1 + 1, e[1] = p + c2;
                f[2] = p + c2 + 1, e[2] = stop;
                *pp = p + at + 1;
                return true;
            }
        }
#undef MASK32
    }
#endif
    int n = 0;
    for (const char *q = p;;) {
        const char *s = next_special(q, end);
        if (n == 3)
            return false;                           /* a fourth field */
        f[n] = q;
        e[n++] = s;
        if (s == end) {
            *pp = end;
            break;
        }
        if (*s == ',') {
            q = s + 1;
            continue;
        }
        if (*s == '\n') {
            *pp = s + 1;
            break;
        }
        if (*s == '\r' && s + 1 < end && s[1] == '\n') {
            *pp = s + 2;
            break;
        }
        return false;                               /* a quote or a lone CR */
    }
    return n == 3;
}

static inline void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

/* The value of 8 ASCII digits (first digit in the lowest byte), or
 * UINT64_MAX when a byte is not a digit. */
static inline uint64_t digits8(uint64_t w)
{
    uint64_t d = w - 0x3030303030303030ull;
    if (((w + 0x4646464646464646ull) | d) & 0x8080808080808080ull)
        return UINT64_MAX;
    d = d * 10 + (d >> 8);
    d = ((d & 0x000000FF000000FFull) * 0x000F424000000064ull +
         ((d >> 16) & 0x000000FF000000FFull) * 0x0000271000000001ull) >> 32;
    return d;
}

/* The value of the n (1 to 8) digits at s, read as 8 bytes (which must be
 * readable) with '0's put in front, or UINT64_MAX. */
static inline uint64_t digits(const char *s, size_t n)
{
    uint64_t w;
    memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    unsigned shift = (unsigned)(8 - n) * 8;
    if (shift)
        w = w << shift | 0x3030303030303030ull >> (64 - shift);
    return digits8(w);
}

/* Decimal digits that fit in 64 bits, as tr_csv_u64 takes them; the
 * bytes up to limit may be read. */
static inline bool parse_u64(const char *s, const char *e, const char *limit, uint64_t *out)
{
    trim(&s, &e);
    size_t n = (size_t)(e - s);
    if (n == 0 || n > 20)
        return false;
    if (n <= 16 && limit - s >= 16) {
        size_t high = n > 8 ? n - 8 : 0;
        uint64_t h = high ? digits(s, high) : 0, l = digits(s + high, n - high);
        if (h == UINT64_MAX || l == UINT64_MAX)
            return false;
        *out = h * 100000000u + l;
        return true;
    }
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned d = (unsigned)(unsigned char)s[k] - '0';
        if (d > 9 || (n == 20 && v > (UINT64_MAX - d) / 10))
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* a[0..n) == b[0..n), inline for the short ids of feeds: two loads that
 * overlap, never past the n bytes */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t x0, y0, x1, y1;
        memcpy(&x0, a, 8), memcpy(&y0, b, 8);
        memcpy(&x1, a + n - 8, 8), memcpy(&y1, b + n - 8, 8);
        return x0 == y0 && x1 == y1;
    }
    if (n >= 4 && n < 8) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4), memcpy(&y0, b, 4);
        memcpy(&x1, a + n - 4, 4), memcpy(&y1, b + n - 4, 4);
        return x0 == y0 && x1 == y1;
    }
    return memcmp(a, b, n) == 0;
}

static uint32_t new_hash(const char *id, size_t len) { return (uint32_t)XXH3_64bits(id, len); }

/* The part's new id (id, len), or NONE. */
static uint32_t find_new(const struct tr_scan_part *pt, const char *id, uint32_t len)
{
    if (!pt->slots)
        return NONE;
    for (uint32_t j = new_hash(id, len) & pt->mask;; j = (j + 1) & pt->mask) {
        uint32_t v = pt->slots[j];
        if (!v)
            return NONE;
        const struct tr_scan_new *n = &pt->news[v - 1];
        if (n->len == len && memcmp(n->id, id, len) == 0)
            return v - 1;
    }
}

static int add_new(struct tr_scan_part *pt, const char *id, uint32_t len, uint32_t *index)
{
    if (pt->n_news == pt->cap_news) {
        uint32_t cap = pt->cap_news ? pt->cap_news * 2 : 1024;
        struct tr_scan_new *p = realloc(pt->news, cap * sizeof *p);
        if (!p)
            return -1;
        pt->news = p;
        pt->cap_news = cap;
    }
    if (!pt->slots || (pt->n_news + 1) * 2 > pt->mask + 1) {
        uint32_t cap = pt->slots ? (pt->mask + 1) * 2 : 2048;
        uint32_t *s = calloc(cap, sizeof *s);
        if (!s)
            return -1;
        for (uint32_t i = 0; i < pt->n_news; i++) {
            uint32_t j = new_hash(pt->news[i].id, pt->news[i].len) & (cap - 1);
            while (s[j])
                j = (j + 1) & (cap - 1);
            s[j] = i + 1;
        }
        free(pt->slots);
        pt->slots = s;
        pt->mask = cap - 1;
    }
    uint32_t j = new_hash(id, len) & pt->mask;
    while (pt->slots[j])
        j = (j + 1) & pt->mask;
    pt->slots[j] = pt->n_news + 1;
    pt->news[pt->n_news] = (struct tr_scan_new){id, len};
    *index = pt->n_news++;
    return 0;
}

/* Is key the id (id, len)? */
static inline bool key_is(const struct tr_scan_part *pt, uint32_t key, const char *id, uint32_t len)
{
    if (key < pt->n_known) {
        return tr_id_is(pt->opt->catalog->tracks[key].id, id, len);
    }
    key -= pt->n_known;
    return key < pt->n_news && pt->news[key].len == len && same_bytes(pt->news[key].id, id, len);
}

/* The key of track id (id, len): 0, TR_SCAN_GAVE_UP (unknown and not to
 * be added) or TR_ENOMEM. */
static int resolve(struct tr_scan_part *pt, uint32_t prev, const char *id, uint32_t len,
                   uint32_t *key)
{
    if (prev != NONE) {
        uint32_t guess = prev < pt->n_next && pt->next_of[prev] != NONE ? pt->next_of[prev] : prev + 1;
        if (key_is(pt, guess, id, len)) {
            *key = guess;
            return 0;
        }
    }
    uint32_t k = pt->n_known ? tr_idmap_get(pt->opt->catalog->track_ids, id, len) : NONE;
    if (k == NONE) {
        uint32_t n = find_new(pt, id, len);
        if (n == NONE) {
            /* unknown ids without --add-tracks are errors; an id with a NUL
             * in it is created cut at the NUL, perhaps as a known one */
            if (!pt->opt->add_tracks || memchr(id, '\0', len))
                return TR_SCAN_GAVE_UP;
            if (add_new(pt, id, len, &n))
                return TR_ENOMEM;
        }
        k = pt->n_known + n;
    }
    *key = k;
    return 0;
}

static int remember_next(struct tr_scan_part *pt, uint32_t prev, uint32_t key)
{
    if (prev >= pt->n_next) {
        uint32_t n = pt->n_next ? pt->n_next : 1024;
        while (n <= prev)
            n *= 2;
        uint32_t *p = realloc(pt->next_of, n * sizeof *p);
        if (!p)
            return -1;
        memset(p + pt->n_next, 0xff, (n - pt->n_next) * sizeof *p);
        pt->next_of = p;
        pt->n_next = n;
    }
    pt->next_of[prev] = key;
    return 0;
}

static int scan_part(struct tr_scan_part *pt)
{
    const char *p = pt->begin, *end = pt->end;
    const char *last_date = NULL;
    size_t last_date_len = 0;
    tr_day day = TR_DAY_NONE;
    uint32_t prev = NONE;
    const char *next_progress = p + ((size_t)4 << 20);
    if (pt->n_known && remember_next(pt, pt->n_known - 1, NONE))    /* sized for the catalog */
        return TR_ENOMEM;
    while (p < end) {
        const char *f[3], *e[3];
        if (!line_fields(&p, end, f, e))
            return TR_SCAN_GAVE_UP;
        const int *col = pt->opt->col;
        const char *ds = f[col[0]], *de = e[col[0]];
        size_t dlen = (size_t)(de - ds);
        if (!(last_date && dlen == last_date_len && same_bytes(ds, last_date, dlen))) {
            const char *ts = ds, *te = de;
            trim(&ts, &te);
            if (tr_day_parse(ts, (size_t)(te - ts), &day) || !tr_data_day_ok(day))   /* csv.h */
                return TR_SCAN_GAVE_UP;
            last_date = ds;
            last_date_len = dlen;
        }
        uint64_t value;
        if (!parse_u64(f[col[2]], e[col[2]], end, &value))
            return TR_SCAN_GAVE_UP;
        const char *id = f[col[1]];
        size_t len = (size_t)(e[col[1]] - id);
        if (len == 0 || len > UINT32_MAX)
            return TR_SCAN_GAVE_UP;
        uint32_t key;
        int rc = resolve(pt, prev, id, (uint32_t)len, &key);
        if (rc)
            return rc;
        if (prev != NONE && (prev >= pt->n_next || pt->next_of[prev] != key) &&
            remember_next(pt, prev, key))
            return TR_ENOMEM;
        prev = key;
        uint32_t series = key < pt->n_known ? pt->opt->catalog->tracks[key].series
                                            : pt->first_new + (key - pt->n_known);
        uint64_t old;
        int r = tr_obs_batch_settle(pt->batch, series, day, value, pt->opt->on_duplicate, &old);
        if (r < 0)
            return TR_ENOMEM;
        if (r == TR_OBS_CONFLICT)
            return TR_SCAN_GAVE_UP;     /* the CSV reader names both lines */
        pt->refused += (uint64_t)r;
        pt->rows++;
        if (pt->index == 0 && pt->opt->progress && p >= next_progress) {
            pt->opt->progress(pt->opt->progress_ctx, (size_t)(p - pt->begin) * (size_t)pt->n_parts);
            next_progress = p + ((size_t)4 << 20);
        }
    }
    return 0;
}

static void *scan_thread(void *arg)
{
    struct tr_scan_part *pt = arg;
    pt->status = scan_part(pt);
    return NULL;
}

int tr_scan_streams(struct tr_scan *s, const struct tr_scan_options *opt, const char *body,
                    size_t len)
{
    memset(s, 0, sizeof *s);
    const struct tr_catalog *c = opt->catalog;
    s->first_new = c->n_series;
    for (int i = 0; i < 3; i++)
        if (opt->col[i] < 0 || opt->col[i] > 2)
            return TR_SCAN_GAVE_UP;      /* a wider header: no row can have three fields */
    long cpus = tr_scan_parts > 0 ? tr_scan_parts : sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cpus > 1 ? (size_t)cpus : 1, min = tr_scan_min_part ? tr_scan_min_part : 1;
    if (n > TR_SCAN_MAX_PARTS)
        n = TR_SCAN_MAX_PARTS;
    if (n > len / min)
        n = len / min ? len / min : 1;
    /* cut at line ends: part k starts after the first LF at or past k/n of the body */
    const char *end = body + len, *at = body;
    for (size_t k = 0; k < n && at < end; k++) {
        const char *stop = end;
        if (k + 1 < n) {
            const char *mid = body + len / n * (k + 1);
            const char *lf = mid > at ? memchr(mid, '\n', (size_t)(end - mid)) : NULL;
            stop = lf ? lf + 1 : end;
        }
        if (stop <= at)
            continue;
        struct tr_scan_part *pt = &s->part[s->n_parts++];
        pt->begin = at;
        pt->end = stop;
        pt->opt = opt;
        pt->n_known = c->n_tracks;
        pt->first_new = s->first_new;
        if (!(pt->batch = tr_obs_batch_new()))
            return TR_ENOMEM;
        at = stop;
    }
    for (int k = 0; k < s->n_parts; k++) {
        s->part[k].index = k;
        s->part[k].n_parts = s->n_parts;
    }
    pthread_t th[TR_SCAN_MAX_PARTS];
    bool started[TR_SCAN_MAX_PARTS] = {false};
    for (int k = 1; k < s->n_parts; k++)
        started[k] = pthread_create(&th[k], NULL, scan_thread, &s->part[k]) == 0;
    if (s->n_parts)
        scan_thread(&s->part[0]);
    int rc = 0;
    for (int k = 0; k < s->n_parts; k++) {
        if (k && started[k])
            pthread_join(th[k], NULL);
        else if (k)
            scan_thread(&s->part[k]);
        struct tr_scan_part *pt = &s->part[k];
        if (pt->status == TR_ENOMEM || (!rc && pt->status))
            rc = pt->status;
    }
    return rc;
}

void tr_scan_release(struct tr_scan *s)
{
    for (int k = 0; k < s->n_parts; k++) {
        struct tr_scan_part *pt = &s->part[k];
        tr_obs_batch_free(pt->batch);
        free(pt->news);
        free(pt->slots);
        free(pt->next_of);
    }
    memset(s, 0, sizeof *s);
}
