/*
 * store.c: the public store API over a backend.  It caches the catalog
 * and the ladder, and wraps reads that take several statements in a read
 * transaction so that they see one snapshot.
 */
#include "store/internal.h"
#include "model/catalog_edit.h"
#include "milestones/engine.h"
#include "store/series.h"

#include <stdlib.h>
#include <string.h>

const char *tr_store_default_path(void)
{
    const char *env = getenv("TRACKRECORD_DB");
    return env && *env ? env : TR_STORE_DEFAULT_PATH;
}

bool tr_store_is_url(const char *path)
{
    return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

int tr_store_open(const char *path, int flags, struct tr_store **out, struct tr_error *err)
{
    struct tr_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    int rc = tr_store_is_url(path) ? tr_backend_postgres_open(path, flags, &s->be, err)
                                   : tr_backend_sqlite_open(path, flags, &s->be, err);
    if (!rc && (rc = tr_backend_seal(s->be, err)))
        s->be->ops->close(s->be);
    if (rc) {
        free(s->path);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void tr_store_close(struct tr_store *s)
{
    if (!s)
        return;
    tr_backend_unseal(s->be);
    s->be->ops->close(s->be);
    tr_catalog_free(s->catalog);
    tr_ladders_free(s->ladders);
    free(s->path);
    free(s);
}

void tr_store_forget(struct tr_store *s)
{
    tr_catalog_free(s->catalog);
    s->catalog = NULL;
    tr_ladders_free(s->ladders);
    s->ladders = NULL;
}

int tr_store_load_catalog(struct tr_store *s, struct tr_error *err)
{
    tr_store_forget(s);
    return s->be->ops->load_catalog(s->be, &s->catalog, err);
}

int tr_store_begin_read(struct tr_store *s, bool *changed, struct tr_error *err)
{
    if (s->reading)
        return tr_error_set(err, TR_EUSAGE, "a read is open on this store already");
    uint64_t v;
    int rc = s->be->ops->begin(s->be, false, err);
    if (rc)
        return rc;
    if ((rc = s->be->ops->data_version(s->be, &v, err))) {
        s->be->ops->rollback(s->be);
        return rc;
    }
    *changed = !s->seen || v != s->version;
    if (*changed)
        tr_store_forget(s);
    s->seen = true;
    s->version = v;
    s->reading = true;
    return 0;
}

void tr_store_end_read(struct tr_store *s)
{
    if (!s->reading)
        return;
    s->be->ops->rollback(s->be);     /* nothing was written */
    s->reading = false;
}

/* Runs fn inside a read transaction (the open one inside
 * tr_store_begin_read). */
static int read_txn(struct tr_store *s, int (*fn)(struct tr_store *, void *, struct tr_error *),
                    void *arg, struct tr_error *err)
{
    if (s->reading)
        return fn(s, arg, err);
    int rc = s->be->ops->begin(s->be, false, err);
    if (rc)
        return rc;
    rc = fn(s, arg, err);
    if (rc)
        s->be->ops->rollback(s->be);
    else
        rc = s->be->ops->commit(s->be, err);
    return rc;
}

int tr_store_read(struct tr_store *s, int (*fn)(struct tr_store *, void *, struct tr_error *),
                  void *arg, struct tr_error *err)
{
    return read_txn(s, fn, arg, err);
}

static int load_catalog_fn(struct tr_store *s, void *arg, struct tr_error *err)
{
    return tr_store_load_catalog(s, err);
}

int tr_store_catalog(struct tr_store *s, const struct tr_catalog **out, struct tr_error *err)
{
    if (!s->catalog) {
        int rc = read_txn(s, load_catalog_fn, NULL, err);
        if (rc)
            return rc;
    }
    *out = s->catalog;
    return 0;
}

int tr_store_ladders(struct tr_store *s, const struct tr_ladders **out, struct tr_error *err)
{
    if (!s->ladders) {
        char *text = NULL;
        int rc = s->be->ops->get_meta(s->be, "ladder", &text, err);
        if (rc)
            return rc;
        rc = tr_ladders_parse(text ? text : TR_LADDERS_DEFAULT, &s->ladders, err);
        free(text);
        if (rc)
            return rc;
    }
    *out = s->ladders;
    return 0;
}

int tr_store_set_ladders(struct tr_store *s, const struct tr_ladders *ls, struct tr_error *err)
{
    struct tr_ladders *copy;
    int rc = tr_ladders_parse(tr_ladders_text(ls), &copy, err);
    if (rc)
        return rc;
    if ((rc = s->be->ops->set_meta(s->be, "ladder", tr_ladders_text(ls), err))) {
        tr_ladders_free(copy);
        return rc;
    }
    tr_ladders_free(s->ladders);
    s->ladders = copy;
    return 0;
}

struct tr_engine_prep *tr_store_kept_prep(struct tr_store *s)
{
    void *data;
    size_t len;
    void (*release)(void *, size_t, void *);
    struct tr_engine_prep *p = NULL;
    if (!s->catalog || s->be->ops->get_prep(s->be, &data, &len, &release, NULL) || !data)
        return NULL;
    if (tr_engine_prep_adopt(s->catalog, data, len, release, NULL, &p))
        release(data, len, NULL);
    return p;
}

int tr_store_keep_prep(struct tr_store *s, const struct tr_engine_prep *p, struct tr_error *err)
{
    void *data;
    size_t len;
    if (tr_engine_prep_save(p, &data, &len))
        return 0;                /* out of memory: made again next time */
    return s->be->ops->put_prep(s->be, data, len, err);
}

int tr_store_refresh_milestones(struct tr_store *s, tr_day first_changed,
                                const struct tr_engine_prep *prep, struct tr_refresh *out,
                                struct tr_error *err)
{
    const struct tr_ladders *l;
    int rc = tr_store_ladders(s, &l, err);
    if (rc)
        return rc;
    void *resume = NULL;
    size_t resume_len = 0;
    if (first_changed != TR_DAY_NONE &&
        (rc = s->be->ops->get_checkpoint(s->be, &resume, &resume_len, err)))
        return rc;
    struct tr_engine_result r;
    rc = tr_engine_run(s->be, s->catalog, l, prep, first_changed, resume, resume_len, &r, err);
    if (rc)
        return rc;
    rc = s->be->ops->replace_events(s->be, s->catalog, r.incremental, false, r.events, r.n_events,
                                    r.corrections, r.n_corrections, err);
    if (!rc)
        rc = s->be->ops->put_checkpoint(s->be, r.state, r.state_len, err);
    out->n_new = r.n_events;
    out->incremental = r.incremental;
    out->state = r.state;        /* the checkpoint's bytes: kept by the caller */
    out->state_len = r.state_len;
    r.state = NULL;
    tr_engine_result_release(&r);
    return rc;
}

struct history_args {
    uint32_t track;
    struct tr_point **out;
    size_t *n;
};

static int history_fn(struct tr_store *s, void *arg, struct tr_error *err)
{
    struct history_args *a = arg;
    return tr_series_history(s->be, s->catalog->tracks[a->track].series, a->out, a->n, err);
}

int tr_store_history(struct tr_store *s, uint32_t track, struct tr_point **out, size_t *n,
                     struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    if (track >= c->n_tracks)
        return tr_error_set(err, TR_EUSAGE, "no track with index %u", track);
    struct history_args a = {track, out, n};
    return read_txn(s, history_fn, &a, err);
}

struct each_history_args {
    tr_history_fn fn;
    void *ctx;
};

static int each_history_fn(struct tr_store *s, void *arg, struct tr_error *err)
{
    struct each_history_args *a = arg;
    return tr_series_each_history(s->be, s->catalog->n_series, a->fn, a->ctx, err);
}

int tr_store_each_history(struct tr_store *s, tr_history_fn fn, void *ctx, struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    struct each_history_args a = {fn, ctx};
    return read_txn(s, each_history_fn, &a, err);
}

int tr_store_milestones(struct tr_store *s, const struct tr_milestone_filter *f,
                        struct tr_milestone **out, size_t *n, struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    if ((rc = s->be->ops->load_events(s->be, c, f, out, n, err)))
        return rc;
    tr_store_sort_events(*out, *n);
    return 0;
}

void tr_store_sort_events(struct tr_milestone *ev, size_t n)
{
    /* Events are stored in the order each import found them, which is this
     * order unless an earlier day was imported later: sort only then. */
    for (size_t i = 1; i < n; i++)
        if (tr_milestone_cmp(&ev[i - 1], &ev[i]) > 0) {
            tr_milestone_sort(ev, n);
            break;
        }
}

int tr_store_corrections(struct tr_store *s, struct tr_correction **out, size_t *n,
                         struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    return s->be->ops->load_corrections(s->be, c, out, n, err);
}

void tr_coverage_release(struct tr_coverage *c)
{
    if (!c)
        return;
    free(c->track_first); free(c->track_last);
    free(c->release_first); free(c->release_last);
    free(c->artist_first); free(c->artist_last);
    memset(c, 0, sizeof *c);
}

/* Narrows [*first, *last] to what series s covers too. */
static void intersect(tr_day *first, tr_day *last, tr_day f, tr_day l, bool *any)
{
    if (f == TR_DAY_NONE) {
        *first = *last = TR_DAY_NONE;
        *any = false;
        return;
    }
    if (!*any)
        return;
    if (*first == TR_DAY_NONE || f > *first)
        *first = f;
    if (*last == TR_DAY_NONE || l < *last)
        *last = l;
}

int tr_store_engine_state(struct tr_store *s, void **data, size_t *len, struct tr_error *err)
{
    const struct tr_ladders *l;
    int rc = tr_store_ladders(s, &l, err);
    if (!rc)
        rc = s->be->ops->get_checkpoint(s->be, data, len, err);
    if (rc || tr_engine_checkpoint_day(s->catalog, l, *data, *len) != TR_DAY_NONE)
        return rc;
    /* none that fits (lost with a copy of the store file alone, say): the
     * state afresh from every stored day, as a full scan would have it */
    free(*data);
    *data = NULL;
    *len = 0;
    struct tr_engine_result r;
    struct tr_engine_prep *prep = tr_store_kept_prep(s);
    rc = tr_engine_run(s->be, s->catalog, l, prep, TR_DAY_NONE, NULL, 0, &r, err);
    tr_engine_prep_free(prep);
    if (rc)
        return rc;
    *data = r.state;
    *len = r.state_len;
    r.state = NULL;
    tr_engine_result_release(&r);
    return 0;
}

struct state_args {
    void **data;
    size_t *len;
};

static int state_fn(struct tr_store *s, void *arg, struct tr_error *err)
{
    struct state_args *a = arg;
    return tr_store_engine_state(s, a->data, a->len, err);
}

int tr_store_coverage(struct tr_store *s, struct tr_coverage *out, struct tr_error *err)
{
    const struct tr_catalog *c;
    memset(out, 0, sizeof *out);
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    void *cp = NULL;
    size_t cp_len = 0;
    struct state_args sa = {&cp, &cp_len};
    if (!(rc = read_txn(s, state_fn, &sa, err)))
        rc = tr_store_coverage_of(s, cp, cp_len, out, err);
    free(cp);
    return rc;
}

int tr_store_coverage_of(struct tr_store *s, const void *state, size_t state_len,
                         struct tr_coverage *out, struct tr_error *err)
{
    const struct tr_catalog *c = s->catalog;
    memset(out, 0, sizeof *out);
    tr_day *sf = NULL, *sl = NULL;
    uint32_t ns = 0;
    int rc = tr_engine_coverage(state, state_len, &sf, &sl, &ns);
    if (rc)
        return tr_error_set(err, rc, "%s: reading coverage: %s", s->path, tr_strerror(rc));
    size_t nt = c->n_tracks ? c->n_tracks : 1, nr = c->n_releases ? c->n_releases : 1,
           na = c->n_artists ? c->n_artists : 1;
    out->track_first = malloc(nt * sizeof(tr_day));
    out->track_last = malloc(nt * sizeof(tr_day));
    out->release_first = malloc(nr * sizeof(tr_day));
    out->release_last = malloc(nr * sizeof(tr_day));
    out->artist_first = malloc(na * sizeof(tr_day));
    out->artist_last = malloc(na * sizeof(tr_day));
    bool *any = malloc(na * sizeof *any);
    if (!out->track_first || !out->track_last || !out->release_first || !out->release_last ||
        !out->artist_first || !out->artist_last || !any) {
        free(sf);
        free(sl);
        free(any);
        tr_coverage_release(out);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        uint32_t se = c->tracks[t].series;
        out->track_first[t] = se < ns ? sf[se] : TR_DAY_NONE;
        out->track_last[t] = se < ns ? sl[se] : TR_DAY_NONE;
    }
    for (uint32_t r = 0; r < c->n_releases; r++) {
        bool ok = c->releases[r].n_tracks > 0;
        out->release_first[r] = out->release_last[r] = TR_DAY_NONE;
        for (uint32_t k = 0; k < c->releases[r].n_tracks; k++) {
            uint32_t t = c->releases[r].tracks[k];
            intersect(&out->release_first[r], &out->release_last[r], out->track_first[t],
                      out->track_last[t], &ok);
        }
    }
    for (uint32_t a = 0; a < c->n_artists; a++) {
        out->artist_first[a] = out->artist_last[a] = TR_DAY_NONE;
        any[a] = true;
    }
    for (uint32_t t = 0; t < c->n_tracks; t++)
        for (uint32_t k = 0; k < c->tracks[t].n_artists; k++) {
            uint32_t a = c->tracks[t].artists[k];
            intersect(&out->artist_first[a], &out->artist_last[a], out->track_first[t],
                      out->track_last[t], &any[a]);
        }
    free(any);
    free(sf);
    free(sl);
    return 0;
}

int tr_store_imports(struct tr_store *s, struct tr_import_entry **out, size_t *n,
                     struct tr_error *err)
{
    return s->be->ops->load_imports(s->be, out, n, err);
}

static int stats_fn(struct tr_store *s, void *arg, struct tr_error *err)
{
    struct tr_store_stats *st = arg;
    const struct tr_ladders *l;
    void *cp = NULL;
    size_t cp_len = 0;
    int rc = s->be->ops->stats(s->be, st, err);
    if (!rc)
        rc = tr_store_ladders(s, &l, err);
    if (!rc)
        rc = s->be->ops->get_checkpoint(s->be, &cp, &cp_len, err);
    if (!rc)
        st->scanned_to = tr_engine_checkpoint_day(s->catalog, l, cp, cp_len);
    free(cp);
    return rc;
}

int tr_store_stats(struct tr_store *s, struct tr_store_stats *out, struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    return rc ? rc : read_txn(s, stats_fn, out, err);
}

struct compute_args {
    const struct tr_ladders *ladder;
    struct tr_milestone **out;
    size_t *n;
};

static int compute_fn(struct tr_store *s, void *arg, struct tr_error *err)
{
    struct compute_args *a = arg;
    struct tr_engine_result r;
    struct tr_engine_prep *prep = tr_store_kept_prep(s);
    int rc = tr_engine_run(s->be, s->catalog, a->ladder, prep, TR_DAY_NONE, NULL, 0, &r, err);
    tr_engine_prep_free(prep);
    if (rc)
        return rc;
    *a->out = r.events;
    *a->n = r.n_events;
    r.events = NULL;
    tr_engine_result_release(&r);
    return 0;
}

int tr_store_compute_milestones(struct tr_store *s, const struct tr_ladders *ladder,
                                struct tr_milestone **out, size_t *n, struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    struct compute_args a = {ladder, out, n};
    return read_txn(s, compute_fn, &a, err);
}
