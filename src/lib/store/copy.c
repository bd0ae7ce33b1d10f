/*
 * store_copy.c: a whole store into another, empty one, of either backend
 * (`trackrecord copy`), checked equal afterwards.
 *
 * Everything goes through the backend table (store/backend.h): the
 * catalog, every chunk and tail as stored (the bytes are not re-encoded),
 * the events and corrections, the import log, the extras, the chart
 * entries, the ladder, the kept claims, the kept forecasts and the
 * engine's checkpoint.  The
 * per-day counts are counted again from the chunks.  The engine's
 * preparation is not copied: the next import makes it.  The destination is
 * written in one transaction, so a failed copy leaves it as it was.
 */
#include "store/internal.h"
#include "model/catalog_edit.h"
#include "model/catalog_snapshot.h"
#include "store/event_pack.h"
#include "store/series_codec.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* The number of series groups the catalog's tracks use. */
static uint32_t n_groups(const struct tr_catalog *c)
{
    uint32_t top = 0;
    for (uint32_t t = 0; t < c->n_tracks; t++)
        if (c->tracks[t].own_series != TR_NONE && c->tracks[t].own_series + 1 > top)
            top = c->tracks[t].own_series + 1;
    return (top + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
}

struct chunk_copy {
    struct tr_backend *dst;
    struct tr_error *err;
    tr_day day;                  /* the day being counted */
    int64_t observations;
    uint64_t chunks;
    uint64_t delta[TR_GROUP_SLOTS];
    uint8_t present[TR_GROUP_SLOTS];
};

static int flush_day(struct chunk_copy *cc)
{
    int rc = cc->observations ? cc->dst->ops->count_day(cc->dst, cc->day, cc->observations, cc->err)
                              : 0;
    cc->observations = 0;
    return rc;
}

static int copy_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct chunk_copy *cc = ctx;
    uint32_t n = TR_GROUP_SLOTS;
    if (tr_chunk_decode(data, len, &n, cc->delta, cc->present))
        return tr_error_set(cc->err, TR_ESTORE, "the chunk of day %d, group %u does not decode",
                            (int)day, grp);
    if (day != cc->day) {
        int rc = flush_day(cc);
        if (rc)
            return rc;
        cc->day = day;
    }
    for (uint32_t s = 0; s < n; s++)
        cc->observations += cc->present[s] != 0;
    cc->chunks++;
    return cc->dst->ops->put_chunk(cc->dst, day, grp, data, len, cc->err);
}

static int copy_series(struct tr_store *src, struct tr_store *dst, struct tr_copy_report *rep,
                       struct tr_error *err)
{
    struct tr_backend *from = src->be, *to = dst->be;
    struct chunk_copy *cc = calloc(1, sizeof *cc);
    if (!cc)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *cc = (struct chunk_copy){.dst = to, .err = err, .day = TR_DAY_NONE};
    int rc = from->ops->scan_days(from, TR_DAY_NONE, copy_chunk, cc, err);
    if (!rc)
        rc = flush_day(cc);
    rep->chunks = cc->chunks;
    free(cc);
    uint32_t groups = n_groups(src->catalog);
    for (uint32_t g = 0; !rc && g < groups; g++) {
        uint64_t *values;
        uint32_t n;
        tr_day last;
        if ((rc = from->ops->get_tail(from, g, &last, &values, &n, err)))
            break;
        if (values)
            rc = to->ops->put_tail(to, g, last, values, n, err);
        free(values);
    }
    return rc;
}

static int copy_events(struct tr_store *src, struct tr_store *dst, struct tr_copy_report *rep,
                       struct tr_error *err)
{
    struct tr_backend *from = src->be, *to = dst->be;
    struct tr_milestone *ev = NULL;
    struct tr_correction *corr = NULL;
    size_t n = 0, n_corr = 0, k = 0;
    int rc = from->ops->load_events(from, src->catalog, NULL, &ev, &n, err);
    if (!rc)
        rc = from->ops->load_corrections(from, src->catalog, &corr, &n_corr, err);
    /* play counts and charts apart: each replaces its own part */
    struct tr_milestone *charts = rc ? NULL : malloc((n + 1) * sizeof *charts);
    if (!rc && !charts)
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    size_t nc = 0;
    if (!rc) {
        tr_store_sort_events(ev, n);
        for (size_t i = 0; i < n; i++)
            if (ev[i].scope)
                charts[nc++] = ev[i];
            else
                ev[k++] = ev[i];
        rc = to->ops->replace_events(to, src->catalog, false, false, ev, k, corr, n_corr, err);
    }
    if (!rc)
        rc = to->ops->replace_events(to, src->catalog, false, true, charts, nc, NULL, 0, err);
    rep->events = k + nc;
    rep->corrections = n_corr;
    free(charts);
    free(ev);
    free(corr);
    return rc;
}

static int copy_log_and_extras(struct tr_store *src, struct tr_store *dst,
                               struct tr_copy_report *rep, struct tr_error *err)
{
    struct tr_backend *from = src->be, *to = dst->be;
    struct tr_import_entry *imp = NULL;
    struct tr_sale *sales = NULL;
    struct tr_award *awards = NULL;
    struct tr_chart_entry *charts = NULL;
    size_t ni = 0, ns = 0, na = 0, nc = 0;
    int rc = from->ops->load_imports(from, &imp, &ni, err);
    for (size_t i = 0; !rc && i < ni; i++)
        rc = to->ops->log_import(to, &imp[i], err);
    if (!rc)
        rc = from->ops->load_sales(from, NULL, &sales, &ns, err);
    for (size_t i = 0; !rc && i < ns; i++)
        rc = to->ops->put_sale(to, &sales[i], err);
    if (!rc)
        rc = from->ops->load_awards(from, -1, NULL, &awards, &na, err);
    for (size_t i = 0; !rc && i < na; i++)
        rc = to->ops->put_award(to, &awards[i], err);
    if (!rc)
        rc = from->ops->load_chart_entries(from, NULL, &charts, &nc, err);
    if (!rc && nc)
        rc = to->ops->put_chart_entries(to, charts, nc, err);
    const struct tr_catalog *c = src->catalog;
    for (uint32_t r = 0; !rc && r < c->n_releases; r++) {
        struct tr_release_total *t = NULL;
        size_t nt = 0;
        rc = from->ops->load_release_totals(from, c->releases[r].id, &t, &nt, err);
        for (size_t i = 0; !rc && i < nt; i++)
            rc = to->ops->put_release_total(to, c->releases[r].id, t[i].date, t[i].source,
                                            t[i].total, t[i].daily, err);
        free(t);
    }
    rep->imports = ni;
    free(imp);
    free(sales);
    free(awards);
    free(charts);
    return rc;
}

/* The settings a copy carries (the rest of meta is each backend's own:
 * schema version, the generations of its caches). */
static const char *const copied_meta[] = {"ladder", "coverage", NULL};

/* The settings, the kept claims and the checkpoint (*checkpoint: the bytes
 * put, which must live until the commit). */
static int copy_settings(struct tr_store *src, struct tr_store *dst, void **checkpoint,
                         struct tr_error *err)
{
    struct tr_backend *from = src->be, *to = dst->be;
    char *ladder = NULL;
    void *claims = NULL;
    size_t len = 0, cp_len = 0;
    tr_day since = TR_DAY_NONE;
    uint64_t n_events = 0;
    int rc = 0;
    for (const char *const *key = copied_meta; !rc && *key; key++) {
        ladder = NULL;
        rc = from->ops->get_meta(from, *key, &ladder, err);
        if (!rc && ladder)
            rc = to->ops->set_meta(to, *key, ladder, err);
        free(ladder);
    }
    if (!rc)
        rc = from->ops->get_claims(from, &since, &n_events, &claims, &len, err);
    if (!rc && claims)
        rc = to->ops->put_claims(to, since, n_events, claims, len, err);
    free(claims);
    if (!rc)
        rc = from->ops->get_checkpoint(from, checkpoint, &cp_len, err);
    if (!rc && *checkpoint)
        rc = to->ops->put_checkpoint(to, *checkpoint, cp_len, err);
    void *fc = NULL;
    size_t fc_len = 0;
    if (!rc)
        rc = from->ops->get_forecasts(from, &fc, &fc_len, err);
    if (!rc && fc)
        rc = to->ops->put_forecasts(to, fc, fc_len, err);   /* takes fc over */
    else
        free(fc);
    return rc;
}

/* dst must hold nothing: a copy never merges into a store. */
static int check_empty(struct tr_store *dst, struct tr_error *err)
{
    struct tr_store_stats st;
    struct tr_import_entry *imp = NULL;
    size_t ni = 0;
    int rc = dst->be->ops->stats(dst->be, &st, err);
    if (!rc)
        rc = dst->be->ops->load_imports(dst->be, &imp, &ni, err);
    free(imp);
    if (!rc && (st.tracks || st.releases || st.artists || st.days || st.milestones || ni))
        rc = tr_error_set(err, TR_EUSAGE, "%s already holds a store (%llu tracks, %zu imports):"
                          " copy into a new one", dst->path, (unsigned long long)st.tracks, ni);
    return rc;
}

static int copy_all(struct tr_store *src, struct tr_store *dst, struct tr_copy_report *rep,
                    struct tr_error *err)
{
    void *checkpoint = NULL;
    struct tr_catalog *c = src->catalog;
    int rc = check_empty(dst, err);
    /* every entity written: marked as an import marks what it changed */
    for (uint32_t i = 0; !rc && i < c->n_artists; i++)
        tr_catalog_mark(c, TR_SUBJECT_ARTIST, i);
    for (uint32_t i = 0; !rc && i < c->n_releases; i++)
        tr_catalog_mark(c, TR_SUBJECT_RELEASE, i);
    for (uint32_t i = 0; !rc && i < c->n_tracks; i++)
        tr_catalog_mark(c, TR_SUBJECT_TRACK, i);
    if (!rc)
        rc = dst->be->ops->save_catalog(dst->be, c, err);
    tr_catalog_clean(c);
    if (!rc)
        rc = copy_series(src, dst, rep, err);
    if (!rc)
        rc = copy_events(src, dst, rep, err);
    if (!rc)
        rc = copy_log_and_extras(src, dst, rep, err);
    if (!rc)
        rc = copy_settings(src, dst, &checkpoint, err);
    if (!rc)
        rc = dst->be->ops->commit(dst->be, err);
    if (rc)
        dst->be->ops->rollback(dst->be);
    free(checkpoint);
    rep->tracks = c->n_tracks;
    return rc;
}

/* ---- the check: a digest of everything a store holds ----------------------- */

struct digest {
    struct tr_store_stats stats;
    uint64_t catalog, chunks, tails, events, corrections, imports, extras, settings;
};

static int hash_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    int64_t key = (int64_t)(((uint64_t)(int64_t)day << 20) | grp); /* unsigned: days before 1970 are negative */
    XXH64_update(ctx, &key, sizeof key);
    XXH64_update(ctx, &len, sizeof len);
    XXH64_update(ctx, data, len);
    return 0;
}

static uint64_t hash_of(const void *p, size_t n) { return XXH64(p, n, 0); }

static int digest_series(struct tr_store *s, struct digest *d, struct tr_error *err)
{
    struct tr_backend *be = s->be;
    XXH64_state_t *h = XXH64_createState();
    if (!h)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    XXH64_reset(h, 0);
    int rc = be->ops->scan_days(be, TR_DAY_NONE, hash_chunk, h, err);
    d->chunks = XXH64_digest(h);
    XXH64_reset(h, 0);
    uint32_t groups = n_groups(s->catalog);
    for (uint32_t g = 0; !rc && g < groups; g++) {
        uint64_t *values;
        uint32_t n;
        tr_day last;
        if ((rc = be->ops->get_tail(be, g, &last, &values, &n, err)))
            break;
        XXH64_update(h, &g, sizeof g);
        XXH64_update(h, &last, sizeof last);
        if (values)
            XXH64_update(h, values, n * sizeof *values);
        free(values);
    }
    d->tails = XXH64_digest(h);
    XXH64_freeState(h);
    return rc;
}

static int digest_events(struct tr_store *s, struct digest *d, struct tr_error *err)
{
    struct tr_backend *be = s->be;
    struct tr_milestone *ev = NULL;
    struct tr_correction *corr = NULL;
    size_t n = 0, nc = 0;
    int rc = be->ops->load_events(be, s->catalog, NULL, &ev, &n, err);
    if (!rc)
        rc = be->ops->load_corrections(be, s->catalog, &corr, &nc, err);
    if (!rc) {
        tr_store_sort_events(ev, n);
        size_t len = tr_events_packed_size(ev, n);
        char *packed = malloc(len ? len : 1);
        if (!packed) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        } else {
            tr_events_pack(ev, n, packed);
            d->events = hash_of(packed, len);
        }
        free(packed);
        XXH64_state_t *h = XXH64_createState();
        if (h) {
            XXH64_reset(h, 0);
            for (size_t i = 0; i < nc; i++) {
                const struct tr_correction *x = &corr[i];
                uint64_t f[5] = {x->track, (uint64_t)x->date, (uint64_t)x->previous_date,
                                 x->previous, x->value};
                XXH64_update(h, f, sizeof f);
            }
            d->corrections = XXH64_digest(h);
            XXH64_freeState(h);
        }
    }
    free(ev);
    free(corr);
    return rc;
}

static int digest_rest(struct tr_store *s, struct digest *d, struct tr_error *err)
{
    struct tr_backend *be = s->be;
    struct tr_import_entry *imp = NULL;
    struct tr_sale *sales = NULL;
    struct tr_award *awards = NULL;
    struct tr_chart_entry *charts = NULL;
    size_t ni = 0, ns = 0, na = 0, nc = 0;
    XXH64_state_t *h = XXH64_createState();
    if (!h)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    XXH64_reset(h, 0);
    int rc = be->ops->load_imports(be, &imp, &ni, err);
    for (size_t i = 0; !rc && i < ni; i++) {   /* ids aside: a copy numbers its own */
        imp[i].id = 0;
        XXH64_update(h, &imp[i], sizeof imp[i]);
    }
    d->imports = XXH64_digest(h);
    XXH64_reset(h, 0);
    if (!rc)
        rc = be->ops->load_sales(be, NULL, &sales, &ns, err);
    if (!rc)
        rc = be->ops->load_awards(be, -1, NULL, &awards, &na, err);
    if (!rc)
        rc = be->ops->load_chart_entries(be, NULL, &charts, &nc, err);
    if (!rc) {
        XXH64_update(h, sales ? (void *)sales : "", ns * sizeof *sales);
        XXH64_update(h, awards ? (void *)awards : "", na * sizeof *awards);
        XXH64_update(h, charts ? (void *)charts : "", nc * sizeof *charts);
    }
    for (uint32_t r = 0; !rc && r < s->catalog->n_releases; r++) {
        struct tr_release_total *t = NULL;
        size_t nt = 0;
        rc = be->ops->load_release_totals(be, s->catalog->releases[r].id, &t, &nt, err);
        if (!rc && nt)
            XXH64_update(h, t, nt * sizeof *t);
        free(t);
    }
    d->extras = XXH64_digest(h);
    XXH64_reset(h, 0);
    char *ladder = NULL;
    void *claims = NULL, *cp = NULL;
    size_t len = 0, cp_len = 0;
    tr_day since = TR_DAY_NONE;
    uint64_t n_events = 0;
    for (const char *const *key = copied_meta; !rc && *key; key++) {
        ladder = NULL;
        rc = be->ops->get_meta(be, *key, &ladder, err);
        XXH64_update(h, ladder ? ladder : "", ladder ? strlen(ladder) + 1 : 0);
        free(ladder);
    }
    ladder = NULL;
    if (!rc)
        rc = be->ops->get_claims(be, &since, &n_events, &claims, &len, err);
    if (!rc)
        rc = be->ops->get_checkpoint(be, &cp, &cp_len, err);
    void *fc = NULL;
    size_t fc_len = 0;
    if (!rc)
        rc = be->ops->get_forecasts(be, &fc, &fc_len, err);
    if (!rc)
        XXH64_update(h, fc ? fc : "", fc_len);
    free(fc);
    if (!rc) {
        XXH64_update(h, &since, sizeof since);
        XXH64_update(h, &n_events, sizeof n_events);
        XXH64_update(h, claims ? claims : "", len);
        XXH64_update(h, cp ? cp : "", cp_len);
    }
    d->settings = XXH64_digest(h);
    XXH64_freeState(h);
    free(ladder);
    free(claims);
    free(cp);
    free(imp);
    free(sales);
    free(awards);
    free(charts);
    return rc;
}

/* The digest of everything s holds, in one read transaction. */
static int digest_of(struct tr_store *s, struct digest *d, struct tr_error *err)
{
    void *snap = NULL;
    size_t len = 0;
    struct tr_read_txn t;
    int rc = tr_store_read_begin(s, &t, err);
    if (!rc)
        rc = tr_store_load_catalog(s, err);
    if (!rc && tr_catalog_snapshot(s->catalog, &snap, &len))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    if (!rc)
        d->catalog = hash_of(snap, len);
    free(snap);
    if (!rc)
        rc = s->be->ops->stats(s->be, &d->stats, err);
    if (!rc)
        rc = digest_series(s, d, err);
    if (!rc)
        rc = digest_events(s, d, err);
    if (!rc)
        rc = digest_rest(s, d, err);
    return tr_store_read_end(&t, rc, err);
}

/* Compares the two stores' digests: 0, or TR_ESTORE naming what differs. */
static int check_equal(struct tr_store *src, struct tr_store *dst, struct tr_error *err)
{
    struct digest a = {0}, b = {0};
    int rc = digest_of(src, &a, err);
    if (!rc)
        rc = digest_of(dst, &b, err);
    if (rc)
        return rc;
    const char *differs = memcmp(&a.stats, &b.stats, sizeof a.stats) ? "the counts (stats)"
                        : a.catalog != b.catalog ? "the catalog"
                        : a.chunks != b.chunks ? "the play-count series"
                        : a.tails != b.tails ? "the series' latest values"
                        : a.events != b.events ? "the milestone events"
                        : a.corrections != b.corrections ? "the corrections"
                        : a.imports != b.imports ? "the import log"
                        : a.extras != b.extras ? "the sales, awards, chart entries or release totals"
                        : a.settings != b.settings ? "the ladder, kept claims or checkpoint" : NULL;
    return differs ? tr_error_set(err, TR_ESTORE, "the copy in %s differs from %s in %s", dst->path,
                                  src->path, differs)
                   : 0;
}

int tr_store_copy(struct tr_store *src, struct tr_store *dst, struct tr_copy_report *out,
                  struct tr_error *err)
{
    memset(out, 0, sizeof *out);
    /* src read in one snapshot, written into dst's one write transaction */
    struct tr_read_txn t;
    int rc = tr_store_read_begin(src, &t, err);
    if (!rc)
        rc = tr_store_load_catalog(src, err);
    if (!rc && !(rc = dst->be->ops->begin(dst->be, true, err)))
        rc = copy_all(src, dst, out, err);
    rc = tr_store_read_end(&t, rc, err);
    tr_store_forget(src);
    tr_store_forget(dst);
    return rc ? rc : check_equal(src, dst, err);
}
