/*
 * store.c: the public store API over a backend.  It caches the catalog
 * and the ladder, and wraps reads that take several statements in a read
 * transaction so that they see one snapshot.
 */
#include "store/internal.h"
#include "model/catalog_edit.h"
#include "model/catalog_snapshot.h"
#include "model/milestone_order.h"
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
    /* the record of changes under the seals, which must be outermost
     * (store/sealing.c finds its table as be->ops) */
    if (!rc && (rc = tr_backend_track_changes(s->be, err)))
        s->be->ops->close(s->be);
    if (!rc && (rc = tr_backend_seal(s->be, err))) {
        tr_backend_untrack_changes(s->be);
        s->be->ops->close(s->be);
    }
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
    tr_backend_untrack_changes(s->be);
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
    return s->be->ops->load_catalog(s->be, false, &s->catalog, err);
}

int tr_store_begin_read(struct tr_store *s, bool *changed, struct tr_error *err)
{
    if (s->reading)
        return tr_error_set(err, TR_EUSAGE, "a read is open on this store already");
    uint64_t v;
    /* probed before the snapshot: a commit after the probe is seen by
     * tr_store_unchanged even if this snapshot holds it */
    uint8_t probe[TR_PROBE_BYTES];
    bool probed = s->be->ops->probe && s->be->ops->probe(s->be, probe);
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
    s->probed = probed;
    memcpy(s->probe, probe, sizeof probe);
    s->reading = true;
    return 0;
}

bool tr_store_unchanged(struct tr_store *s)
{
    uint8_t now[TR_PROBE_BYTES];
    return s->seen && s->probed && !s->reading && s->be->ops->probe(s->be, now) &&
           memcmp(now, s->probe, sizeof now) == 0;
}

void tr_store_end_read(struct tr_store *s)
{
    if (!s->reading)
        return;
    s->be->ops->rollback(s->be);     /* nothing was written */
    s->reading = false;
}

int tr_store_read_begin(struct tr_store *s, struct tr_read_txn *t, struct tr_error *err)
{
    t->store = s;
    t->own = false;
    if (s->reading)
        return 0;              /* inside an open read: joined */
    int rc = s->be->ops->begin(s->be, false, err);
    t->own = s->reading = !rc;
    return rc;
}

int tr_store_read_end(struct tr_read_txn *t, int rc, struct tr_error *err)
{
    struct tr_backend *be = t->store->be;
    if (!t->own)
        return rc;
    t->own = t->store->reading = false;
    if (rc)
        be->ops->rollback(be);
    else
        rc = be->ops->commit(be, err);
    return rc;
}

/* The catalog loaded in a read of its own (or the one open), whole or
 * (lazy) as the backend can give it. */
static int load_catalog(struct tr_store *s, bool lazy, struct tr_error *err)
{
    struct tr_read_txn t;
    int rc = tr_store_read_begin(s, &t, err);
    if (!rc) {
        tr_store_forget(s);
        rc = s->be->ops->load_catalog(s->be, lazy, &s->catalog, err);
    }
    return tr_store_read_end(&t, rc, err);
}

static int damaged_snapshot(struct tr_store *s, struct tr_error *err)
{
    return tr_error_set(err, TR_ESTORE, "%s: the catalog snapshot is damaged: a record of it is "
                        "not one (trackrecord check --repair writes it again)", s->path);
}

int tr_store_catalog(struct tr_store *s, const struct tr_catalog **out, struct tr_error *err)
{
    int rc = s->catalog ? 0 : load_catalog(s, false, err);
    /* a lazy one (tr_store_subject's) is completed where it lies: what
     * its readers hold of it stays valid */
    if (!rc && tr_catalog_lazy(s->catalog) &&
        (tr_snapshot_complete(s->catalog) || (rc = tr_catalog_resolve(s->catalog, err)))) {
        rc = rc ? rc : damaged_snapshot(s, err);
        tr_store_forget(s);
    }
    if (rc)
        return rc;
    *out = s->catalog;
    return 0;
}

/* The subject with this id in the store's catalog, and the records what
 * is printed of it names decoded now (a lazy catalog's): its recording's
 * track, a release's tracks and theirs (the slowest of every_track). */
static int find_subject(struct tr_store *s, const char *id, enum tr_subject_type *type,
                        uint32_t *index, struct tr_error *err)
{
    const struct tr_catalog *c = s->catalog;
    int rc = tr_subject_find(c, id, type, index, err);
    if (rc || !tr_catalog_lazy(c))
        return rc;
    if (*type == TR_SUBJECT_TRACK)
        tr_subject_name(c, TR_SUBJECT_TRACK, tr_catalog_canonical_track(c, *index));
    for (uint32_t k = 0; *type == TR_SUBJECT_RELEASE && k < c->releases[*index].n_tracks; k++)
        tr_subject_name(c, TR_SUBJECT_TRACK,
                        tr_catalog_canonical_track(c, c->releases[*index].tracks[k]));
    return 0;
}

int tr_store_subject(struct tr_store *s, const char *id, const struct tr_catalog **cat,
                     enum tr_subject_type *type, uint32_t *index, struct tr_error *err)
{
    int rc = s->catalog ? 0 : load_catalog(s, true, err);
    if (!rc)
        rc = find_subject(s, id, type, index, err);
    /* damaged where it was read (a block of the file, or a record): the
     * whole catalog instead, which a damaged file is not taken for (the
     * tables are read); nothing was handed out yet */
    if (!rc || rc == TR_ENOTFOUND) {
        if (tr_snapshot_damaged(s->catalog) && !(rc = load_catalog(s, false, err)))
            rc = find_subject(s, id, type, index, err);
    }
    if (rc)
        return rc;
    *cat = s->catalog;
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

int tr_store_history(struct tr_store *s, uint32_t track, struct tr_point **out, size_t *n,
                     struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    if (track >= c->n_tracks)
        return tr_error_set(err, TR_EUSAGE, "no track with index %u", track);
    struct tr_read_txn t;
    if (!(rc = tr_store_read_begin(s, &t, err)))
        rc = tr_series_history(s->be, c->tracks[track].series, out, n, err);
    return tr_store_read_end(&t, rc, err);
}

struct tr_history_cursor {
    struct tr_read_txn txn;      /* open from begin to end */
    struct tr_series_walk *walk;
};

int tr_store_histories_begin(struct tr_store *s, struct tr_history_cursor **out,
                             struct tr_error *err)
{
    const struct tr_catalog *c;
    struct tr_history_cursor *cur = calloc(1, sizeof *cur);
    if (!cur)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    int rc = tr_store_read_begin(s, &cur->txn, err);
    if (!rc && !(rc = tr_store_catalog(s, &c, err)))
        rc = tr_series_walk_begin(s->be, c->n_series, &cur->walk, err);
    if (rc) {
        tr_store_read_end(&cur->txn, rc, err);
        free(cur);
        return rc;
    }
    *out = cur;
    return 0;
}

int tr_store_histories_next(struct tr_history_cursor *cur, uint32_t *series,
                            const struct tr_point **p, size_t *n, struct tr_error *err)
{
    return tr_series_walk_next(cur->walk, series, p, n, err);
}

void tr_store_histories_recent(struct tr_history_cursor *cur, tr_day from, const uint8_t *whole)
{
    tr_series_walk_recent(cur->walk, from, whole);
}

void tr_store_histories_skipped(const struct tr_history_cursor *cur, size_t *skipped, tr_day *first)
{
    tr_series_walk_skipped(cur->walk, skipped, first);
}

int tr_store_histories_end(struct tr_history_cursor *cur, int rc, struct tr_error *err)
{
    if (!cur)
        return rc;
    tr_series_walk_end(cur->walk);
    rc = tr_store_read_end(&cur->txn, rc, err);
    free(cur);
    return rc;
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

int tr_store_imports(struct tr_store *s, struct tr_import_entry **out, size_t *n,
                     struct tr_error *err)
{
    return s->be->ops->load_imports(s->be, out, n, err);
}

int tr_store_stats(struct tr_store *s, struct tr_store_stats *out, struct tr_error *err)
{
    struct tr_read_txn t;
    int rc = tr_store_read_begin(s, &t, err);
    if (!rc)
        rc = s->be->ops->stats(s->be, out, err);
    return tr_store_read_end(&t, rc, err);
}

int tr_store_drop_claims(struct tr_store *s, struct tr_error *err)
{
    return s->be->ops->put_claims(s->be, TR_DAY_NONE, 0, NULL, 0, err);
}
