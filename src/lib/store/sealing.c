/*
 * store/sealing.c: the seals of series chunks and tails, for every backend
 * (store_internal.h: tr_backend_seal).
 *
 * A store of blob format 2 (seal.h) keeps each chunk and each tail sealed.
 * Rather than every caller of the chunk and tail calls checking, the
 * store puts a copy of its backend's table of functions in front of it
 * whose chunk and tail calls seal what they are given and check and strip
 * the seal of what they return; a damaged chunk or tail is an error that
 * names it (a day and a group of 1024 series), never a wrong count.  The
 * backend itself never sees the difference.
 */
#include "store/internal.h"
#include "store/seal.h"
#include "store/series_codec.h"

#include <stdlib.h>
#include <string.h>

struct sealing_ops {
    struct tr_backend_ops ops;          /* first: what be->ops points at */
    const struct tr_backend_ops *inner; /* the backend's own */
};

static const struct tr_backend_ops *inner(struct tr_backend *b)
{
    return ((const struct sealing_ops *)b->ops)->inner;
}

int tr_store_damaged(struct tr_error *err, const char *what, tr_day day, uint32_t grp)
{
    char d[TR_DATE_LEN];
    return tr_error_set(err, TR_ESTORE, "the store is damaged: the %s of %s for series %u-%u"
                        " fails its checksum (`trackrecord check` lists what is damaged)", what,
                        day == TR_DAY_NONE ? "the latest day" : tr_day_format(day, d),
                        grp * TR_GROUP_SLOTS, grp * TR_GROUP_SLOTS + TR_GROUP_SLOTS - 1);
}

static int s_get_chunk(struct tr_backend *b, tr_day day, uint32_t grp, uint8_t **data,
                       size_t *len, struct tr_error *err)
{
    int rc = inner(b)->get_chunk(b, day, grp, data, len, err);
    if (rc || !*data)
        return rc;
    if (!tr_seal_ok(*data, *len)) {
        free(*data);
        *data = NULL;
        return tr_store_damaged(err, "play counts", day, grp);
    }
    *len -= TR_SEAL_LEN;
    return 0;
}

static int s_put_chunk(struct tr_backend *b, tr_day day, uint32_t grp, const uint8_t *data,
                       size_t len, struct tr_error *err)
{
    uint8_t buf[4096];
    uint8_t *p = len + TR_SEAL_LEN <= sizeof buf ? buf : malloc(len + TR_SEAL_LEN);
    if (!p)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    memcpy(p, data, len);
    tr_seal_put(p, len);
    int rc = inner(b)->put_chunk(b, day, grp, p, len + TR_SEAL_LEN, err);
    if (p != buf)
        free(p);
    return rc;
}

/* A scan's callback, given each chunk's bytes without their seal. */
struct scan_check {
    tr_chunk_fn fn;
    void *ctx;
    bool damaged;
    tr_day day;
    uint32_t grp;
};

static int check_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct scan_check *x = ctx;
    if (!tr_seal_ok(data, len)) {
        x->damaged = true;
        x->day = day;
        x->grp = grp;
        return TR_ESTORE;
    }
    return x->fn(x->ctx, day, grp, data, len - TR_SEAL_LEN);
}

static int scan_end(struct scan_check *x, int rc, struct tr_error *err)
{
    return x->damaged ? tr_store_damaged(err, "play counts", x->day, x->grp) : rc;
}

static int s_scan_days(struct tr_backend *b, tr_day from, tr_chunk_fn fn, void *ctx,
                       struct tr_error *err)
{
    struct scan_check x = {fn, ctx, false, 0, 0};
    return scan_end(&x, inner(b)->scan_days(b, from, check_chunk, &x, err), err);
}

static int s_scan_group(struct tr_backend *b, uint32_t grp, tr_day from, tr_chunk_fn fn,
                        void *ctx, struct tr_error *err)
{
    struct scan_check x = {fn, ctx, false, 0, 0};
    return scan_end(&x, inner(b)->scan_group(b, grp, from, check_chunk, &x, err), err);
}

/* A tail is kept as its n values and one more: their seal, seeded by the
 * tail's day. */
static uint64_t tail_seal(tr_day last_day, const uint64_t *values, uint32_t n)
{
    return tr_seal_of(values, n * sizeof *values, (uint64_t)(int64_t)last_day ^ 0x7461696cu);
}

static int s_get_tail(struct tr_backend *b, uint32_t grp, tr_day *last_day, uint64_t **values,
                      uint32_t *n, struct tr_error *err)
{
    int rc = inner(b)->get_tail(b, grp, last_day, values, n, err);
    if (rc || !*values)
        return rc;
    if (*n < 1 || tail_seal(*last_day, *values, *n - 1) != (*values)[*n - 1]) {
        free(*values);
        *values = NULL;
        return tr_store_damaged(err, TR_TAIL_WHAT, *last_day, grp);
    }
    (*n)--;
    return 0;
}

static int s_put_tail(struct tr_backend *b, uint32_t grp, tr_day last_day, const uint64_t *values,
                      uint32_t n, struct tr_error *err)
{
    uint64_t *v = malloc(((size_t)n + 1) * sizeof *v);
    if (!v)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    memcpy(v, values, (size_t)n * sizeof *v);
    v[n] = tail_seal(last_day, values, n);
    int rc = inner(b)->put_tail(b, grp, last_day, v, n + 1, err);
    free(v);
    return rc;
}

int tr_backend_seal(struct tr_backend *be, struct tr_error *err)
{
    char *format = NULL;
    int rc = be->ops->get_meta(be, "blob_format", &format, err);
    if (rc)
        return rc;
    be->sealed = format && strcmp(format, TR_BLOB_FORMAT) == 0;
    free(format);
    if (!be->sealed)
        return 0;
    struct sealing_ops *s = malloc(sizeof *s);
    if (!s)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    s->ops = *be->ops;
    s->inner = be->ops;
    s->ops.get_chunk = s_get_chunk;
    s->ops.put_chunk = s_put_chunk;
    s->ops.scan_days = s_scan_days;
    s->ops.scan_group = s_scan_group;
    s->ops.get_tail = s_get_tail;
    s->ops.put_tail = s_put_tail;
    be->ops = &s->ops;
    return 0;
}

void tr_backend_unseal(struct tr_backend *be)
{
    if (!be->sealed)
        return;
    struct sealing_ops *s = (struct sealing_ops *)be->ops;
    be->ops = s->inner;
    be->sealed = false;
    free(s);
}

/* tr_backend_check_seals: a scan of every chunk through the backend's own
 * functions, which goes on past a damaged one. */
struct seal_check {
    bool sealed;
    tr_seal_damage_fn fn;
    void *ctx;
    uint64_t chunks;
};

static int check_each_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct seal_check *x = ctx;
    uint64_t delta[TR_CHUNK_SLOTS];
    uint32_t n;
    x->chunks++;
    if (x->sealed && !tr_seal_ok(data, len))
        return x->fn(x->ctx, "play counts", day, grp, "fails its checksum");
    if (tr_chunk_decode(data, x->sealed ? len - TR_SEAL_LEN : len, &n, delta, NULL))
        return x->fn(x->ctx, "play counts", day, grp, "does not decode");
    return 0;
}

int tr_backend_check_seals(struct tr_backend *be, uint32_t n_groups, tr_seal_damage_fn fn,
                           void *ctx, uint64_t *chunks, uint64_t *tails, struct tr_error *err)
{
    const struct tr_backend_ops *ops = be->sealed ? inner(be) : be->ops;
    struct seal_check x = {be->sealed, fn, ctx, 0};
    int rc = ops->scan_days(be, TR_DAY_NONE, check_each_chunk, &x, err);
    *chunks = x.chunks;
    for (uint32_t g = 0; g < n_groups && !rc; g++) {
        tr_day last;
        uint64_t *v;
        uint32_t n;
        if ((rc = ops->get_tail(be, g, &last, &v, &n, err)) || !v)
            continue;
        (*tails)++;
        if (be->sealed && (n < 1 || tail_seal(last, v, n - 1) != v[n - 1]))
            rc = fn(ctx, TR_TAIL_WHAT, last, g, "fails its checksum");
        free(v);
    }
    return rc;
}
