/*
 * keep.c: the forecasts the daily import keeps (keep.h).
 *
 * Blob layout (native byte order: it is a cache, and anything that does
 * not fit reads as none): a header, the calibration, then n struct
 * tr_forecast in no particular order.
 */
#include "forecast/keep.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "store/internal.h"

#define KEEP_MAGIC 0x31434654u   /* "TFC1" */

/* The calibration is measured again once it is this many days old. */
#define CALIB_DAYS 28

struct keep_header {
    uint32_t magic;
    int32_t as_of;
    uint32_t n_tracks, n_releases, n_artists, n_series;
    uint64_t ladder;             /* XXH64 of the ladder's text */
    uint64_t n;
    uint32_t record_size, calib_size;
};

static size_t records_offset(void)
{
    return (sizeof(struct keep_header) + sizeof(struct fc_calibs) + 7) & ~(size_t)7;
}

static uint64_t ladder_hash(const struct tr_ladders *l)
{
    const char *t = tr_ladders_text(l);
    return XXH64(t, strlen(t), 0);
}

/* The blob, when its header is sound; NULL otherwise, *rc the store's
 * error (damaged kept forecasts) or -1. */
static void *read_blob(struct tr_store *s, struct keep_header *h, size_t *len, int *rc,
                       struct tr_error *err)
{
    void *data = NULL;
    *rc = s->be->ops->get_forecasts(s->be, &data, len, err);
    if (!*rc && !data)
        *rc = -1;
    if (*rc)
        return NULL;
    *rc = -1;
    if (*len < records_offset()) {
        free(data);
        return NULL;
    }
    memcpy(h, data, sizeof *h);
    if (h->magic != KEEP_MAGIC || h->record_size != sizeof(struct tr_forecast) ||
        h->calib_size != sizeof(struct fc_calibs)) {
        free(data);
        return NULL;
    }
    return data;
}

int fc_kept_calibs(struct tr_store *s, struct fc_calibs *out)
{
    struct keep_header h;
    size_t len;
    int rc;
    void *data = read_blob(s, &h, &len, &rc, NULL);
    if (!data)
        return -1;
    memcpy(out, (char *)data + sizeof h, sizeof *out);
    free(data);
    return 0;
}

int fc_kept_read(struct tr_store *s, tr_day T, struct fc_kept *k, struct tr_error *err)
{
    const struct tr_catalog *c = s->catalog;
    const struct tr_ladders *ladder;
    struct keep_header h;
    size_t len;
    int rc;
    if (!c || tr_store_ladders(s, &ladder, NULL))
        return -1;
    void *data = read_blob(s, &h, &len, &rc, err);
    if (!data)
        return rc;
    size_t off = records_offset();
    bool fits = h.as_of == T && h.n_tracks == c->n_tracks && h.n_releases == c->n_releases &&
                h.n_artists == c->n_artists && h.n_series == c->n_series &&
                h.ladder == ladder_hash(ladder) && h.n <= (len - off) / sizeof(struct tr_forecast) &&
                len == off + h.n * sizeof(struct tr_forecast);
    struct tr_forecast *f = (struct tr_forecast *)((char *)data + off);
    /* damaged bytes must not take a reader outside the catalog */
    for (size_t i = 0; fits && i < h.n; i++) {
        uint32_t limit = f[i].subject_type == TR_SUBJECT_TRACK ? c->n_tracks
                       : f[i].subject_type == TR_SUBJECT_RELEASE ? c->n_releases
                       : f[i].subject_type == TR_SUBJECT_ARTIST ? c->n_artists : 0;
        fits = f[i].subject < limit && (unsigned)f[i].kind <= TR_MS_ARTIST_TOTAL &&
               (f[i].slowest == TR_NONE || f[i].slowest < c->n_tracks);
    }
    if (!fits) {
        free(data);
        return -1;
    }
    memcpy(&k->cal, (char *)data + sizeof h, sizeof k->cal);
    k->f = f;
    k->n = h.n;
    k->as_of = h.as_of;
    k->data = data;
    return 0;
}

void fc_kept_release(struct fc_kept *k)
{
    free(k->data);
    memset(k, 0, sizeof *k);
}

int fc_kept_select(const struct fc_kept *k, const struct tr_forecast_query *q,
                   struct tr_forecast_set *out, struct tr_error *err)
{
    memset(out, 0, sizeof *out);
    out->as_of = k->as_of;
    if (!(out->f = malloc((k->n ? k->n : 1) * sizeof *out->f)))
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    for (size_t i = 0; i < k->n; i++) {
        const struct tr_forecast *f = &k->f[i];
        if ((q->subject_type >= 0 && (int)f->subject_type != q->subject_type) ||
            (q->subject != TR_NONE && f->subject != q->subject) ||
            (q->kind >= 0 && (int)f->kind != q->kind) ||
            (q->within > 0 && (f->eta == TR_DAY_NONE || f->eta - k->as_of > q->within)))
            continue;
        out->f[out->n++] = *f;
    }
    if (out->n > 1)
        qsort(out->f, out->n, sizeof *out->f, fc_forecast_cmp);
    return 0;
}

int tr_store_keep_forecasts(struct tr_store *s, struct tr_error *err)
{
    const struct tr_catalog *c = s->catalog;
    const struct tr_ladders *ladder;
    int rc = tr_store_ladders(s, &ladder, err);
    if (rc)
        return rc;
    uint32_t ng = (c->n_series + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
    tr_day first, last;
    if ((rc = fc_store_days(s->be, ng, &first, &last, err)))
        return rc;
    if (last == TR_DAY_NONE)
        return s->be->ops->put_forecasts(s->be, NULL, 0, err);
    /* a calibration measured in the last CALIB_DAYS days serves again */
    struct fc_calibs prev, cal;
    bool fresh = fc_kept_calibs(s, &prev) == 0 && prev.as_of <= last && last - prev.as_of < CALIB_DAYS;
    struct tr_forecast_query q = TR_FORECAST_QUERY_ALL;
    struct tr_forecast_set fs;
    if ((rc = fc_compute(s, &q, fresh ? &prev : NULL, first, last, false, &fs, &cal, err)))
        return rc;
    size_t off = records_offset(), len = off + fs.n * sizeof *fs.f;
    char *blob = calloc(1, len);
    if (!blob) {
        tr_forecast_set_release(&fs);
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    }
    struct keep_header h = {KEEP_MAGIC, last, c->n_tracks, c->n_releases, c->n_artists,
                            c->n_series, ladder_hash(ladder), fs.n, sizeof(struct tr_forecast),
                            sizeof(struct fc_calibs)};
    memcpy(blob, &h, sizeof h);
    memcpy(blob + sizeof h, &cal, sizeof cal);
    if (fs.n)
        memcpy(blob + off, fs.f, fs.n * sizeof *fs.f);
    tr_forecast_set_release(&fs);
    return s->be->ops->put_forecasts(s->be, blob, len, err);
}
