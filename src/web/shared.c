/*
 * shared.c: what the server's handles share (web.h): the number of the
 * store's version they read, the forecasts kept for that version (every
 * subject's next milestones, made once, read by every thread) and the
 * responses already answered for it.
 *
 * Versions: each handle sees an import through its own read snapshot
 * (tr_store_begin_read's "changed").  A handle that sees one moves the
 * shared epoch on, which drops every cached response; a handle uses and
 * fills what is shared only while its snapshot's epoch is the current one,
 * so a response made from an older snapshot is never kept for a newer one.
 * A handle whose store tells it nothing committed since its last snapshot
 * (tr_store_unchanged) reads a kept response of the current epoch without
 * a snapshot: what that snapshot would have found.
 *
 * Kept responses are reference-counted: a request holds the one it reads
 * while it sends it, and a dropped one goes when the last holder lets go;
 * only the table is under the mutex, never a body.
 */
#include "web/web.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* One version's forecasts: TR_SUBJECT_NEXT_MILESTONES per subject and kind,
 * in tr_store_forecasts' order. */
struct web_forecasts {
    uint64_t epoch;
    unsigned refs;                 /* the handles reading it, and the shared slot */
    struct tr_forecast_set fs;
    uint32_t *by_subject;          /* positions in fs, by (type, subject, position) */
    uint8_t *rank;                 /* each one's place among its subject's thresholds of its kind */
};

/* A kept response.  Its references: the table's while it is in the table,
 * and each request's from tr_web_shared_get (or put) until
 * tr_web_response_release; the last one frees it.  The body is the
 * wire's once there is one (the server's prepared response frees it when
 * the last connection sending it is done, which may be after this goes),
 * so it stays valid while a reference is held. */
struct tr_web_kept {
    struct tr_web_kept *next;
    atomic_uint refs;
    uint64_t hash;
    char *key;
    char *body;
    size_t len;
    char etag[24];
    const char *content_type;
    enum tr_web_cache cache;
    void *wire;                    /* the front's prepared form, or NULL */
    void (*wire_free)(void *wire);
};

enum { BUCKETS = 1 << 16 };

struct tr_web_shared {
    pthread_mutex_t mu;            /* the epoch, the forecasts slot and the table */
    pthread_mutex_t build;         /* one build of the forecasts at a time */
    _Atomic uint64_t epoch;        /* moved under mu, read without it */
    struct web_forecasts *fc;
    struct tr_web_kept **table;
    size_t bytes, budget;
    struct tr_web_wire wire;       /* make NULL: no prepared forms */
};

int tr_web_shared_new(size_t cache_bytes, const struct tr_web_wire *wire,
                      struct tr_web_shared **out)
{
    struct tr_web_shared *sh = calloc(1, sizeof *sh);
    if (!sh || !(sh->table = calloc(BUCKETS, sizeof *sh->table))) {
        free(sh);
        return TR_ENOMEM;
    }
    pthread_mutex_init(&sh->mu, NULL);
    pthread_mutex_init(&sh->build, NULL);
    sh->epoch = 1;
    sh->budget = cache_bytes;
    if (wire)
        sh->wire = *wire;
    *out = sh;
    return 0;
}

static void forecasts_free(struct web_forecasts *f)
{
    if (!f)
        return;
    tr_forecast_set_release(&f->fs);
    free(f->by_subject);
    free(f->rank);
    free(f);
}

/* Drops a reference (mu held). */
static void forecasts_unref(struct web_forecasts *f)
{
    if (f && --f->refs == 0)
        forecasts_free(f);
}

void tr_web_kept_release(struct tr_web_kept *k)
{
    if (!k || atomic_fetch_sub_explicit(&k->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (k->wire)
        k->wire_free(k->wire);     /* and with it, in time, the body */
    else
        free(k->body);
    free(k->key);
    free(k);
}

/* Empties the table (mu held): the requests holding one keep it. */
static void drop_responses(struct tr_web_shared *sh)
{
    for (size_t b = 0; b < BUCKETS; b++)
        while (sh->table[b]) {
            struct tr_web_kept *e = sh->table[b];
            sh->table[b] = e->next;
            tr_web_kept_release(e);
        }
    sh->bytes = 0;
}

void tr_web_shared_free(struct tr_web_shared *sh)
{
    if (!sh)
        return;
    drop_responses(sh);
    if (sh->fc)
        forecasts_unref(sh->fc);
    free(sh->table);
    pthread_mutex_destroy(&sh->mu);
    pthread_mutex_destroy(&sh->build);
    free(sh);
}

uint64_t tr_web_shared_epoch(struct tr_web_shared *sh)
{
    return atomic_load_explicit(&sh->epoch, memory_order_acquire);
}

uint64_t tr_web_shared_moved(struct tr_web_shared *sh)
{
    pthread_mutex_lock(&sh->mu);
    uint64_t e = atomic_fetch_add_explicit(&sh->epoch, 1, memory_order_acq_rel) + 1;
    drop_responses(sh);
    pthread_mutex_unlock(&sh->mu);
    return e;
}

/* ---- responses --------------------------------------------------------- */

/* Makes res the kept response k, holding a reference: its body borrowed. */
static void refer(struct tr_web_response *res, struct tr_web_kept *k)
{
    res->kept = k;
    res->wire = k->wire;
    res->body = k->body;
    res->len = res->cap = k->len;
    res->status = 200;
    res->content_type = k->content_type;
    res->cache = k->cache;
    memcpy(res->etag, k->etag, sizeof res->etag);
}

bool tr_web_shared_get(struct tr_web_shared *sh, uint64_t epoch, const char *key,
                       struct tr_web_response *res)
{
    uint64_t h = XXH3_64bits(key, strlen(key));
    struct tr_web_kept *hit = NULL;
    pthread_mutex_lock(&sh->mu);
    if (epoch == sh->epoch)
        for (struct tr_web_kept *e = sh->table[h % BUCKETS]; e && !hit; e = e->next)
            if (e->hash == h && strcmp(e->key, key) == 0)
                hit = e;
    if (hit)
        atomic_fetch_add_explicit(&hit->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&sh->mu);
    if (hit) {
        tr_web_response_release(res);
        refer(res, hit);
    }
    return hit != NULL;
}

void tr_web_shared_put(struct tr_web_shared *sh, uint64_t epoch, const char *key,
                       struct tr_web_response *res)
{
    size_t klen = strlen(key);
    struct tr_web_kept *e = calloc(1, sizeof *e);
    if (!e || !(e->key = malloc(klen + 1))) {
        free(e);
        return;
    }
    memcpy(e->key, key, klen + 1);
    e->hash = XXH3_64bits(key, klen);
    e->body = res->body;
    e->len = res->len;
    memcpy(e->etag, res->etag, sizeof e->etag);
    e->content_type = res->content_type;
    e->cache = res->cache;
    /* made once here, outside the lock, whether the table keeps it or not */
    if (sh->wire.make && (e->wire = sh->wire.make(res)))
        e->wire_free = sh->wire.free;
    res->body = NULL;              /* the kept response's now */
    atomic_init(&e->refs, 1);      /* res's */
    size_t cost = sizeof *e + klen + e->len;
    pthread_mutex_lock(&sh->mu);
    bool keep = epoch == sh->epoch && cost <= sh->budget;
    for (struct tr_web_kept *x = sh->table[e->hash % BUCKETS]; x && keep; x = x->next)
        keep = !(x->hash == e->hash && strcmp(x->key, key) == 0);
    if (keep) {
        /* over the budget: start afresh rather than track ages */
        if (sh->bytes + cost > sh->budget)
            drop_responses(sh);
        e->next = sh->table[e->hash % BUCKETS];
        sh->table[e->hash % BUCKETS] = e;
        sh->bytes += cost;
        atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);   /* the table's */
    }
    pthread_mutex_unlock(&sh->mu);
    refer(res, e);
}

/* ---- forecasts --------------------------------------------------------- */

static const struct tr_forecast *sort_base;

static int by_subject_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const struct tr_forecast *x = &sort_base[a], *y = &sort_base[b];
    if (x->subject_type != y->subject_type)
        return x->subject_type < y->subject_type ? -1 : 1;
    if (x->subject != y->subject)
        return x->subject < y->subject ? -1 : 1;
    return (a > b) - (a < b);
}

/* Reads every subject's next milestones from w's snapshot. */
static int forecasts_build(struct tr_web *w, struct web_forecasts **out, struct tr_error *err)
{
    struct web_forecasts *f = calloc(1, sizeof *f);
    if (!f)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    struct tr_forecast_query q = TR_FORECAST_QUERY_ALL;
    q.next = TR_SUBJECT_NEXT_MILESTONES;
    int rc = tr_store_forecasts(w->store, &q, &f->fs, err);
    size_t n = f->fs.n;
    if (!rc && (!(f->by_subject = malloc((n ? n : 1) * sizeof *f->by_subject)) ||
                !(f->rank = calloc(n ? n : 1, 1))))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    if (rc) {
        forecasts_free(f);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        f->by_subject[i] = (uint32_t)i;
    /* qsort has no context argument; builds are one at a time (build mutex) */
    sort_base = f->fs.f;
    qsort(f->by_subject, n, sizeof *f->by_subject, by_subject_cmp);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        const struct tr_forecast *a = &f->fs.f[f->by_subject[i]];
        while (j < n && f->fs.f[f->by_subject[j]].subject_type == a->subject_type &&
               f->fs.f[f->by_subject[j]].subject == a->subject)
            j++;
        for (size_t x = i; x < j; x++) {
            const struct tr_forecast *fx = &f->fs.f[f->by_subject[x]];
            unsigned r = 0;
            for (size_t y = i; y < j; y++) {
                const struct tr_forecast *fy = &f->fs.f[f->by_subject[y]];
                r += fy->kind == fx->kind && fy->threshold < fx->threshold;
            }
            f->rank[f->by_subject[x]] = (uint8_t)(r < 255 ? r : 255);
        }
        i = j;
    }
    *out = f;
    return 0;
}

const struct web_forecasts *tr_web_forecasts(struct tr_web *w)
{
    struct tr_web_shared *sh = w->shared;
    if (!sh)
        return NULL;
    if (w->fc)
        return w->fc;
    pthread_mutex_lock(&sh->build);
    pthread_mutex_lock(&sh->mu);
    bool current = w->epoch == sh->epoch;
    if (current && sh->fc && sh->fc->epoch == w->epoch) {
        w->fc = sh->fc;
        w->fc->refs++;
    }
    pthread_mutex_unlock(&sh->mu);
    if (current && !w->fc) {
        struct web_forecasts *f = NULL;
        struct tr_error err = {0};
        if (forecasts_build(w, &f, &err) == 0) {
            f->epoch = w->epoch;
            f->refs = 2;           /* the slot's and w's */
            pthread_mutex_lock(&sh->mu);
            if (sh->fc)
                forecasts_unref(sh->fc);
            sh->fc = f;
            w->fc = f;
            pthread_mutex_unlock(&sh->mu);
        }
    }
    pthread_mutex_unlock(&sh->build);
    return w->fc;
}

void tr_web_forecasts_done(struct tr_web *w)
{
    if (!w->fc)
        return;
    pthread_mutex_lock(&w->shared->mu);
    forecasts_unref(w->fc);
    pthread_mutex_unlock(&w->shared->mu);
    w->fc = NULL;
}

tr_day tr_web_forecasts_as_of(const struct web_forecasts *f)
{
    return f->fs.as_of;
}

/* The first of the subject's entries in by_subject (its range runs while
 * the subject is the same). */
static size_t subject_start(const struct web_forecasts *f, enum tr_subject_type type, uint32_t subject)
{
    size_t lo = 0, hi = f->fs.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct tr_forecast *m = &f->fs.f[f->by_subject[mid]];
        if (m->subject_type < type || (m->subject_type == type && m->subject < subject))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t tr_web_forecasts_of(const struct web_forecasts *f, enum tr_subject_type type, uint32_t subject,
                           unsigned next, struct tr_forecast *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = subject_start(f, type, subject); i < f->fs.n && k < cap; i++) {
        uint32_t at = f->by_subject[i];
        const struct tr_forecast *m = &f->fs.f[at];
        if (m->subject_type != type || m->subject != subject)
            break;
        if (f->rank[at] < next)
            out[k++] = *m;
    }
    return k;
}

size_t tr_web_forecasts_each(const struct web_forecasts *f, const struct tr_forecast_query *q,
                             size_t skip, size_t limit, tr_web_forecast_fn fn, void *ctx)
{
    unsigned next = q->next ? q->next : 1;
    bool one = q->subject_type >= 0;
    /* one subject: its range of by_subject, in the same order */
    size_t seen = 0, i = one ? subject_start(f, (enum tr_subject_type)q->subject_type, q->subject) : 0;
    for (; i < f->fs.n; i++) {
        uint32_t at = one ? f->by_subject[i] : (uint32_t)i;
        const struct tr_forecast *m = &f->fs.f[at];
        if (one && ((int)m->subject_type != q->subject_type || m->subject != q->subject))
            break;
        if (q->within > 0 && (m->eta == TR_DAY_NONE || m->eta - f->fs.as_of > q->within))
            break;                 /* by eta: the rest are later */
        if (f->rank[at] >= next || (q->kind >= 0 && (int)m->kind != q->kind))
            continue;
        if (seen >= skip && seen < skip + limit)
            fn(ctx, m);
        seen++;
    }
    return seen;
}
