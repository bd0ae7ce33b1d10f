/*
 * milestone_order.c: the order of milestone events (milestone_order.h), and
 * a radix sort into it.  Here, below the store, because the store hands its
 * events out in this order and the engine makes them in it.
 */
#include "model/milestone_order.h"

#include <stdlib.h>
#include <string.h>

int tr_milestone_cmp(const void *pa, const void *pb)
{
    const struct tr_milestone *a = pa, *b = pb;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->subject_type != b->subject_type)
        return a->subject_type < b->subject_type ? -1 : 1;
    if (a->subject != b->subject)
        return a->subject < b->subject ? -1 : 1;
    if (a->threshold != b->threshold)
        return a->threshold < b->threshold ? -1 : 1;
    return a->scope == b->scope ? 0 : strcmp(tr_scope_name(a->scope), tr_scope_name(b->scope));
}

/* Bits needed for values 0..v. */
static unsigned bits_for(uint64_t v)
{
    unsigned b = 0;
    while (v >> b)
        b++;
    return b;
}

/* Puts ev[i] at position i for the permutation to[] (to[i] is the index
 * of the event that belongs at i), cycle by cycle in place; to[] is
 * consumed. */
static void permute(struct tr_milestone *ev, uint32_t *to, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (to[i] == i)
            continue;
        struct tr_milestone keep = ev[i];
        size_t j = i;
        while (to[j] != i) {
            size_t k = to[j];
            ev[j] = ev[k];
            to[j] = (uint32_t)j;
            j = k;
        }
        ev[j] = keep;
        to[j] = (uint32_t)j;
    }
}

/* Radix sort, see tr_milestone_sort: 0, or -1 when the keys do not fit
 * (or memory is short) and the caller falls back to qsort. */
static int radix_sort(struct tr_milestone *ev, size_t n)
{
    enum { DIGIT = 11, BUCKETS = 1 << DIGIT };
    tr_day lo = ev[0].date, hi = ev[0].date;
    uint32_t max_subject = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].date < lo)
            lo = ev[i].date;
        if (ev[i].date > hi)
            hi = ev[i].date;
        if (ev[i].subject > max_subject)
            max_subject = ev[i].subject;
    }
    unsigned sb = bits_for(max_subject), tb = bits_for(2), kb = bits_for(TR_MS_KIND_COUNT);
    unsigned ib = bits_for(n - 1), key_bits = bits_for((uint64_t)((int64_t)hi - lo)) + kb + tb + sb;
    if (n > UINT32_MAX || key_bits + ib > 64)
        return -1;
    uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    size_t *count = malloc(BUCKETS * sizeof *count);
    if (!a || !b || !count) {
        free(a), free(b), free(count);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t key = (uint64_t)((int64_t)ev[i].date - lo);
        key = key << kb | (uint64_t)ev[i].kind;
        key = key << tb | (uint64_t)ev[i].subject_type;
        key = key << sb | ev[i].subject;
        a[i] = key << ib | i;
    }
    /* LSD over the key bits above the index: stable, so equal keys keep
     * their input order */
    for (unsigned shift = ib; shift < ib + key_bits; shift += DIGIT) {
        memset(count, 0, BUCKETS * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(a[i] >> shift) & (BUCKETS - 1)]++;
        size_t sum = 0;
        for (size_t d = 0; d < BUCKETS; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[count[(a[i] >> shift) & (BUCKETS - 1)]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    uint32_t *to = (uint32_t *)b;   /* b has room for n uint32 */
    uint64_t mask = ((uint64_t)1 << ib) - 1;
    for (size_t i = 0; i < n; i++)
        to[i] = (uint32_t)(a[i] & mask);
    free(a);
    free(count);
    permute(ev, to, n);
    free(b);
    /* equal keys (one subject's events of a day, of one kind) by threshold
     * and scope: a few at a time, usually in order already */
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && ev[j].date == ev[i].date && ev[j].kind == ev[i].kind &&
                        ev[j].subject_type == ev[i].subject_type && ev[j].subject == ev[i].subject;
             j++)
            ;
        if (j - i > 16) {
            qsort(ev + i, j - i, sizeof *ev, tr_milestone_cmp);
            continue;
        }
        for (size_t k = i + 1; k < j; k++)
            for (size_t m = k; m > i && tr_milestone_cmp(&ev[m - 1], &ev[m]) > 0; m--) {
                struct tr_milestone t = ev[m];
                ev[m] = ev[m - 1];
                ev[m - 1] = t;
            }
    }
    return 0;
}

void tr_milestone_sort(struct tr_milestone *ev, size_t n)
{
    if (n > 1 && radix_sort(ev, n))
        qsort(ev, n, sizeof *ev, tr_milestone_cmp);
}

