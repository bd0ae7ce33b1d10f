/*
 * keep.c: the forecasts the daily import keeps (keep.h).
 *
 * Blob layout (native byte order: it is a cache, and anything that does
 * not fit reads as none): a header, the calibration, then n records of
 * KEEP_RECORD bytes, packed, ordered by subject type and subject (the
 * header gives where each type's begin), so that one subject's are found
 * by a binary search and nothing else is decoded (nor read: the backend's
 * view loads and checks the blocks a reader touches).  A record holds its
 * days as offsets from the day forecast in 16 bits (the horizon is 1096
 * days): 49 bytes where a struct tr_forecast takes 72.
 */
#include "forecast/keep.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "store/internal.h"

#define KEEP_MAGIC 0x32434654u   /* "TFC2" */

/* The calibration is measured again once it is this many days old. */
#define CALIB_DAYS 28

/* A record: subject type, kind, method (1 byte each), subject (4),
 * threshold, value, remaining (8 each), daily (a double, 8), eta, eta_low,
 * eta_high (2 each: days after as_of, KEEP_NO_DAY for none), slowest (4). */
#define KEEP_RECORD 49
#define KEEP_NO_DAY INT16_MIN
_Static_assert(TR_FORECAST_HORIZON < INT16_MAX, "a forecast's day fits a day offset");

struct keep_header {
    uint32_t magic;
    int32_t as_of;
    uint32_t n_tracks, n_releases, n_artists, n_series;
    uint64_t ladder;             /* XXH64 of the ladder's text */
    uint64_t n;
    uint64_t first[4];           /* record index of each subject type's first; [3] = n */
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

static void put_day(uint8_t *p, tr_day T, tr_day d)
{
    int16_t v = d == TR_DAY_NONE ? KEEP_NO_DAY : (int16_t)(d - T);
    memcpy(p, &v, 2);
}

static tr_day get_day(const uint8_t *p, tr_day T)
{
    int16_t v;
    memcpy(&v, p, 2);
    return v == KEEP_NO_DAY ? TR_DAY_NONE : T + v;
}

/* Whether f's days fit the record's offsets (always, within the horizon). */
static bool days_fit(const struct tr_forecast *f, tr_day T)
{
    const tr_day d[3] = {f->eta, f->eta_low, f->eta_high};
    for (int i = 0; i < 3; i++)
        if (d[i] != TR_DAY_NONE && (d[i] - T <= KEEP_NO_DAY || d[i] - T > INT16_MAX))
            return false;
    return true;
}

static void encode(uint8_t *p, const struct tr_forecast *f, tr_day T)
{
    p[0] = (uint8_t)f->subject_type;
    p[1] = (uint8_t)f->kind;
    p[2] = (uint8_t)f->method;
    memcpy(p + 3, &f->subject, 4);
    memcpy(p + 7, &f->threshold, 8);
    memcpy(p + 15, &f->value, 8);
    memcpy(p + 23, &f->remaining, 8);
    memcpy(p + 31, &f->daily, 8);
    put_day(p + 39, T, f->eta);
    put_day(p + 41, T, f->eta_low);
    put_day(p + 43, T, f->eta_high);
    memcpy(p + 45, &f->slowest, 4);
}

/* Loads record i of k: 0, or the store's error (damaged). */
static int load_record(struct fc_kept *k, size_t i, struct tr_error *err)
{
    return k->view.load(&k->view, records_offset() + i * KEEP_RECORD, KEEP_RECORD, err);
}

/* Record i of k into f: 0, -1 when its bytes would take a reader outside
 * the catalog (another build's), or the store's error (damaged). */
static int decode(struct fc_kept *k, size_t i, struct tr_forecast *f, struct tr_error *err)
{
    const struct tr_catalog *c = k->catalog;
    const uint8_t *p = k->rec + i * KEEP_RECORD;
    int rc = load_record(k, i, err);
    if (rc)
        return rc;
    if (p[0] > TR_SUBJECT_ARTIST || p[1] > TR_MS_ARTIST_TOTAL || p[2] > TR_FC_SIMPLE)
        return -1;
    f->subject_type = (enum tr_subject_type)p[0];
    f->kind = (enum tr_milestone_kind)p[1];
    f->method = (enum tr_forecast_method)p[2];
    memcpy(&f->subject, p + 3, 4);
    memcpy(&f->threshold, p + 7, 8);
    memcpy(&f->value, p + 15, 8);
    memcpy(&f->remaining, p + 23, 8);
    memcpy(&f->daily, p + 31, 8);
    f->eta = get_day(p + 39, k->as_of);
    f->eta_low = get_day(p + 41, k->as_of);
    f->eta_high = get_day(p + 43, k->as_of);
    memcpy(&f->slowest, p + 45, 4);
    uint32_t limit = f->subject_type == TR_SUBJECT_TRACK ? c->n_tracks
                   : f->subject_type == TR_SUBJECT_RELEASE ? c->n_releases : c->n_artists;
    return f->subject < limit && (f->slowest == TR_NONE || f->slowest < c->n_tracks) ? 0 : -1;
}

/* A backend's whole blob as a view (one without view_forecasts). */
static int whole_load(struct tr_blob_view *v, size_t off, size_t n, struct tr_error *err)
{
    return 0;
}

static void whole_release(struct tr_blob_view *v)
{
    free(v->ctx);
    memset(v, 0, sizeof *v);
}

/* The kept blob as a view, v->data NULL when none: 0, or the store's
 * error (damaged). */
static int open_view(struct tr_store *s, struct tr_blob_view *v, struct tr_error *err)
{
    void *data = NULL;
    size_t len = 0;
    memset(v, 0, sizeof *v);
    if (s->be->ops->view_forecasts)
        return s->be->ops->view_forecasts(s->be, v, err);
    int rc = s->be->ops->get_forecasts(s->be, &data, &len, err);
    if (!rc && data)
        *v = (struct tr_blob_view){data, len, whole_load, whole_release, data};
    return rc;
}

/* The view of the blob, when its header is sound: 0, or the store's
 * error (damaged kept forecasts) or -1 (v released). */
static int read_blob(struct tr_store *s, struct keep_header *h, struct tr_blob_view *v,
                     struct tr_error *err)
{
    int rc = open_view(s, v, err);
    if (rc || !v->data)
        return rc ? rc : -1;
    if (v->len < records_offset())
        rc = -1;
    else if (!(rc = v->load(v, 0, records_offset(), err))) {
        memcpy(h, v->data, sizeof *h);
        if (h->magic != KEEP_MAGIC || h->record_size != KEEP_RECORD ||
            h->calib_size != sizeof(struct fc_calibs))
            rc = -1;
    }
    if (rc)
        v->release(v);
    return rc;
}

/* The header of the blobs of the build before (72-byte records, in no
 * order), whose calibration still serves: a store upgraded keeps it. */
#define KEEP_MAGIC_1 0x31434654u /* "TFC1" */
struct keep_header_1 {
    uint32_t magic;
    int32_t as_of;
    uint32_t n_tracks, n_releases, n_artists, n_series;
    uint64_t ladder;
    uint64_t n;
    uint32_t record_size, calib_size;
};

int fc_kept_calibs(struct tr_store *s, struct fc_calibs *out)
{
    struct tr_blob_view v;
    if (open_view(s, &v, NULL) || !v.data)
        return -1;
    size_t len = v.len;
    const void *data = v.data;
    if (v.load(&v, 0, len < records_offset() ? len : records_offset(), NULL)) {
        v.release(&v);
        return -1;
    }
    struct keep_header h;
    struct keep_header_1 h1;
    size_t at = 0;
    if (len >= sizeof h + sizeof *out && (memcpy(&h, data, sizeof h), h.magic == KEEP_MAGIC) &&
        h.calib_size == sizeof *out)
        at = sizeof h;
    else if (len >= sizeof h1 + sizeof *out && (memcpy(&h1, data, sizeof h1), h1.magic == KEEP_MAGIC_1) &&
             h1.calib_size == sizeof *out)
        at = sizeof h1;
    if (at)
        memcpy(out, (const char *)data + at, sizeof *out);
    v.release(&v);
    return at ? 0 : -1;
}

int fc_kept_read(struct tr_store *s, tr_day T, struct fc_kept *k, struct tr_error *err)
{
    const struct tr_catalog *c = s->catalog;
    const struct tr_ladders *ladder;
    struct keep_header h;
    struct tr_blob_view v;
    if (!c || tr_store_ladders(s, &ladder, NULL))
        return -1;
    int rc = read_blob(s, &h, &v, err);
    if (rc)
        return rc;
    size_t off = records_offset(), len = v.len;
    bool fits = h.as_of == T && h.n_tracks == c->n_tracks && h.n_releases == c->n_releases &&
                h.n_artists == c->n_artists && h.n_series == c->n_series &&
                h.ladder == ladder_hash(ladder) && h.n <= (len - off) / KEEP_RECORD &&
                len == off + h.n * KEEP_RECORD && h.first[0] == 0 && h.first[3] == h.n;
    for (int t = 0; t < 3 && fits; t++)
        fits = h.first[t] <= h.first[t + 1];
    if (!fits) {
        v.release(&v);
        return -1;
    }
    memcpy(&k->cal, v.data + sizeof h, sizeof k->cal);
    k->rec = v.data + off;
    k->n = h.n;
    memcpy(k->first, h.first, sizeof k->first);
    k->as_of = h.as_of;
    k->catalog = c;
    k->view = v;
    return 0;
}

void fc_kept_release(struct fc_kept *k)
{
    if (k->view.release)
        k->view.release(&k->view);
    memset(k, 0, sizeof *k);
}

/* The first record of subject in [lo, hi) (records ordered by subject)
 * into *at: 0, or the store's error. */
static int find_subject(struct fc_kept *k, size_t lo, size_t hi, uint32_t subject, size_t *at,
                        struct tr_error *err)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t v;
        int rc = load_record(k, mid, err);
        if (rc)
            return rc;
        memcpy(&v, k->rec + mid * KEEP_RECORD + 3, 4);
        if (v < subject)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return 0;
}

int fc_kept_select(struct fc_kept *k, const struct tr_forecast_query *q,
                   struct tr_forecast_set *out, struct tr_error *err)
{
    memset(out, 0, sizeof *out);
    out->as_of = k->as_of;
    size_t cap = 0;
    for (int t = 0; t < 3; t++) {
        if (q->subject_type >= 0 && q->subject_type != t)
            continue;
        size_t i = k->first[t], end = k->first[t + 1];
        int rc = q->subject != TR_NONE ? find_subject(k, i, end, q->subject, &i, err) : 0;
        for (; i < end; i++) {
            struct tr_forecast f;
            if (!rc)
                rc = decode(k, i, &f, err);
            if (rc || (int)f.subject_type != t) {
                tr_forecast_set_release(out);
                return rc > 0 ? rc : -1;
            }
            if (q->subject != TR_NONE && f.subject != q->subject)
                break;
            if ((q->kind >= 0 && (int)f.kind != q->kind) ||
                (q->within > 0 && (f.eta == TR_DAY_NONE || f.eta - k->as_of > q->within)))
                continue;
            if (out->n == cap) {
                cap = cap ? 2 * cap : 16;
                struct tr_forecast *p = realloc(out->f, cap * sizeof *p);
                if (!p) {
                    tr_forecast_set_release(out);
                    return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
                }
                out->f = p;
            }
            out->f[out->n++] = f;
        }
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
    /* fc_compute gives them by subject type, then subject */
    size_t off = records_offset(), len = off + fs.n * KEEP_RECORD;
    struct keep_header h = {KEEP_MAGIC, last, c->n_tracks, c->n_releases, c->n_artists,
                            c->n_series, ladder_hash(ladder), fs.n, {0, 0, 0, fs.n}, KEEP_RECORD,
                            sizeof(struct fc_calibs)};
    char *blob = malloc(len);
    if (!blob) {
        tr_forecast_set_release(&fs);
        return tr_error_set(err, TR_ENOMEM, "forecast: out of memory");
    }
    memset(blob, 0, off);
    bool fit = true;
    for (size_t i = 0; i < fs.n && fit; i++) {
        const struct tr_forecast *f = &fs.f[i];
        fit = days_fit(f, last) && (i == 0 || f->subject_type > f[-1].subject_type ||
                                    (f->subject_type == f[-1].subject_type && f->subject >= f[-1].subject));
        for (int t = (int)f->subject_type + 1; t < 3; t++)
            h.first[t] = i + 1;
        encode((uint8_t *)blob + off + i * KEEP_RECORD, f, last);
    }
    tr_forecast_set_release(&fs);
    if (!fit) {                  /* cannot happen (fc_compute's order, the horizon): none kept */
        free(blob);
        return s->be->ops->put_forecasts(s->be, NULL, 0, err);
    }
    memcpy(blob, &h, sizeof h);
    memcpy(blob + sizeof h, &cal, sizeof cal);
    return s->be->ops->put_forecasts(s->be, blob, len, err);
}
