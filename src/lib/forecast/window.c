/*
 * window.c: the counts the forecasts read (window.h).
 */
#include "forecast/window.h"

#include <stdlib.h>
#include <string.h>

#include "store/series_codec.h"

/* A scan callback's "enough": the scan stops and returns it. */
#define STOP (-1)

struct latest_ctx {
    struct fc_group_window *w;
    tr_day from;                 /* T - FC_WINDOW */
    uint64_t delta[TR_CHUNK_SLOTS];
    uint8_t present[TR_CHUNK_SLOTS];
};

/* Keeps each window day's changes in v (turned into counts after). */
static int latest_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct latest_ctx *x = ctx;
    int32_t i = day - x->from;
    uint32_t n;
    if (i < 1 || i > FC_WINDOW)
        return i > FC_WINDOW ? STOP : 0;
    if (tr_chunk_decode(data, len, &n, x->delta, x->present))
        return TR_ESTORE;
    for (uint32_t s = 0; s < x->w->n; s++) {
        x->w->v[s][i] = x->delta[s];
        x->w->p[s][i] = x->present[s];
    }
    return 0;
}

static int latest_window(struct tr_backend *be, uint32_t grp, tr_day T, struct fc_group_window *w,
                         struct tr_error *err)
{
    tr_day last_day;
    uint64_t *tail;
    uint32_t n;
    int rc = be->ops->get_tail(be, grp, &last_day, &tail, &n, err);
    if (rc)
        return rc;
    w->n = n > TR_GROUP_SLOTS ? TR_GROUP_SLOTS : n;
    memset(w->v, 0, sizeof w->v);
    memset(w->p, 0, sizeof w->p);
    struct latest_ctx *x = malloc(sizeof *x);
    if (!x) {
        free(tail);
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    }
    x->w = w;
    x->from = T - FC_WINDOW;
    rc = be->ops->scan_group(be, grp, T - FC_WINDOW + 1, latest_chunk, x, err);
    free(x);
    if (rc == STOP)
        rc = 0;
    if (rc) {
        free(tail);
        return rc == TR_ESTORE ? tr_error_set(err, rc, "forecast: group %u: a damaged chunk", grp) : rc;
    }
    /* the tail is the count on T; each day before it takes that day's change off */
    for (uint32_t s = 0; s < w->n; s++) {
        uint64_t cur = tail[s];
        for (int i = FC_WINDOW; i >= 1; i--) {
            uint64_t d = w->v[s][i];
            w->v[s][i] = cur;
            if (w->p[s][i])
                cur -= d;
        }
        w->v[s][0] = cur;
    }
    free(tail);
    return 0;
}

/* The past: every chunk of the group up to T, applied in day order. */
struct past_ctx {
    tr_day first;                /* day of index 0 */
    tr_day T;
    int32_t n_days;
    uint32_t n;                  /* rows: slots 0 .. n, or slots[0 .. n) */
    const uint32_t *slots;
    uint64_t *v;                 /* row * n_days + i */
    uint8_t *p;
    int32_t filled;              /* days [0, filled) hold their counts */
    uint64_t run[TR_CHUNK_SLOTS];
    uint8_t present[TR_CHUNK_SLOTS];
};

/* Carries the counts forward to day index i (exclusive). */
static void carry(struct past_ctx *x, int32_t upto)
{
    for (; x->filled < upto; x->filled++)
        for (uint32_t s = 0; s < x->n; s++)
            x->v[(size_t)s * x->n_days + x->filled] = x->run[s];
}

/* tr_chunk_apply for the listed slots alone, each read in constant time:
 * a few slots of a group cost a few lookups a chunk, not its decoding. */
static int apply_slots(struct past_ctx *x, const uint8_t *data, size_t len)
{
    for (uint32_t k = 0; k < x->n; k++) {
        uint64_t delta;
        bool present;
        if (tr_chunk_get(data, len, x->slots[k], &delta, &present))
            return -1;
        x->run[k] += delta;
        x->present[k] = present;
    }
    return 0;
}

static int past_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct past_ctx *x = ctx;
    if (day > x->T)
        return STOP;
    int32_t i = day - x->first;
    if (i >= 0)
        carry(x, i);
    if (x->slots ? apply_slots(x, data, len) : tr_chunk_apply(data, len, x->run, x->present))
        return TR_ESTORE;
    if (i < 0)
        return 0;
    for (uint32_t s = 0; s < x->n; s++) {
        x->v[(size_t)s * x->n_days + i] = x->run[s];
        x->p[(size_t)s * x->n_days + i] = x->present[s];
    }
    x->filled = i + 1;
    return 0;
}

/* Group grp's counts on days first .. T into v and p (n_days = T - first
 * + 1 per row): a row per slot 0 .. n, or per slots[k] (k < n) when slots
 * is not NULL. */
static int read_past(struct tr_backend *be, uint32_t grp, tr_day first, tr_day T, uint32_t n,
                     const uint32_t *slots, uint64_t *v, uint8_t *p, struct tr_error *err)
{
    struct past_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    *x = (struct past_ctx){.first = first, .T = T, .n_days = T - first + 1, .n = n, .slots = slots,
                           .v = v, .p = p};
    int rc = be->ops->scan_group(be, grp, TR_DAY_NONE, past_chunk, x, err);
    if (rc == STOP)
        rc = 0;
    if (!rc)
        carry(x, x->n_days);
    free(x);
    if (rc == TR_ESTORE)
        return tr_error_set(err, rc, "forecast: group %u: a damaged chunk", grp);
    return rc;
}

int fc_read_window(struct tr_backend *be, uint32_t grp, tr_day T, bool latest,
                   struct fc_group_window *w, struct tr_error *err)
{
    if (latest)
        return latest_window(be, grp, T, w, err);
    enum { D = FC_WINDOW + 1 };
    uint64_t *v = malloc((size_t)TR_GROUP_SLOTS * D * sizeof *v);
    uint8_t *p = calloc((size_t)TR_GROUP_SLOTS * D, 1);
    int rc = v && p ? read_past(be, grp, T - FC_WINDOW, T, TR_GROUP_SLOTS, NULL, v, p, err)
                    : tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    if (!rc) {
        w->n = TR_GROUP_SLOTS;
        for (uint32_t s = 0; s < TR_GROUP_SLOTS; s++) {
            memcpy(w->v[s], v + (size_t)s * D, D * sizeof *v);
            memcpy(w->p[s], p + (size_t)s * D, D);
        }
    }
    free(v);
    free(p);
    return rc;
}

int fc_read_history(struct tr_backend *be, uint32_t grp, tr_day first, tr_day T,
                    struct fc_group_history *h, struct tr_error *err)
{
    memset(h, 0, sizeof *h);
    if (T < first)
        return 0;
    h->first = first;
    h->n_days = T - first + 1;
    h->n = TR_GROUP_SLOTS;
    size_t cells = (size_t)h->n * (size_t)h->n_days;
    h->v = malloc(cells * sizeof *h->v);
    h->p = calloc(cells, 1);
    if (!h->v || !h->p) {
        fc_group_history_release(h);
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    }
    int rc = read_past(be, grp, first, T, h->n, NULL, h->v, h->p, err);
    if (rc)
        fc_group_history_release(h);
    return rc;
}

int fc_read_slots(struct tr_backend *be, uint32_t grp, tr_day first, tr_day T,
                  const uint32_t *slots, uint32_t n, uint64_t *v, uint8_t *p, struct tr_error *err)
{
    if (T < first || !n)
        return 0;
    memset(p, 0, (size_t)n * (size_t)(T - first + 1));
    return read_past(be, grp, first, T, n, slots, v, p, err);
}

void fc_group_history_release(struct fc_group_history *h)
{
    free(h->v);
    free(h->p);
    memset(h, 0, sizeof *h);
}

static int first_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    *(tr_day *)ctx = day;
    return STOP;
}

int fc_store_days(struct tr_backend *be, uint32_t n_groups, tr_day *first, tr_day *last,
                  struct tr_error *err)
{
    *first = *last = TR_DAY_NONE;
    int rc = be->ops->scan_days(be, TR_DAY_NONE, first_chunk, first, err);
    if (rc && rc != STOP)
        return rc;
    for (uint32_t g = 0; g < n_groups; g++) {
        tr_day d;
        uint64_t *tail;
        uint32_t n;
        if ((rc = be->ops->get_tail(be, g, &d, &tail, &n, err)))
            return rc;
        free(tail);
        if (d != TR_DAY_NONE && (*last == TR_DAY_NONE || d > *last))
            *last = d;
    }
    return 0;
}
