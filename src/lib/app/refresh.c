/*
 * refresh.c: the milestone engine run over a store (app/refresh.h,
 * trackrecord/scan.h).  The store keeps the engine's bytes (events,
 * checkpoint, preparation) without knowing what they mean; this file is
 * where the two meet: the refresh at the end of an import, a scan for
 * other ladders, and what the checkpoint says (its last day, the coverage
 * it holds).
 */
#include "app/refresh.h"
#include "milestones/engine.h"

#include <stdlib.h>
#include <string.h>

int tr_refresh_milestones(struct tr_store *s, tr_day first_changed,
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
    /* read before the engine takes the checkpoint over */
    if (resume && (rc = tr_coverage_of_state(s, resume, resume_len, &out->before, err))) {
        free(resume);
        return rc;
    }
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

/* A full scan with the kept preparation (inside a transaction, catalog
 * loaded); *r is the caller's to release. */
static int scan_all(struct tr_store *s, const struct tr_ladders *l, struct tr_engine_result *r,
                    struct tr_error *err)
{
    struct tr_engine_prep *prep = tr_engine_prep_kept(s);
    int rc = tr_engine_run(s->be, s->catalog, l, prep, TR_DAY_NONE, NULL, 0, r, err);
    tr_engine_prep_free(prep);
    return rc;
}

int tr_refresh_state(struct tr_store *s, void **data, size_t *len, struct tr_error *err)
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
    if ((rc = scan_all(s, l, &r, err)))
        return rc;
    *data = r.state;
    *len = r.state_len;
    r.state = NULL;
    tr_engine_result_release(&r);
    return 0;
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

int tr_coverage_read(struct tr_store *s, struct tr_coverage *out, struct tr_error *err)
{
    const struct tr_catalog *c;
    memset(out, 0, sizeof *out);
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    void *cp = NULL;
    size_t cp_len = 0;
    struct tr_read_txn t;
    if (!(rc = tr_store_read_begin(s, &t, err)))
        rc = tr_refresh_state(s, &cp, &cp_len, err);
    if (!(rc = tr_store_read_end(&t, rc, err)))
        rc = tr_coverage_of_state(s, cp, cp_len, out, err);
    free(cp);
    return rc;
}

int tr_coverage_of_state(struct tr_store *s, const void *state, size_t state_len,
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

int tr_milestones_compute(struct tr_store *s, const struct tr_ladders *ladder,
                          struct tr_milestone **out, size_t *n, struct tr_error *err)
{
    const struct tr_catalog *c;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    struct tr_engine_result r;
    struct tr_read_txn t;
    if (!(rc = tr_store_read_begin(s, &t, err)) && !(rc = scan_all(s, ladder, &r, err))) {
        *out = r.events;
        *n = r.n_events;
        r.events = NULL;
        tr_engine_result_release(&r);
    }
    return tr_store_read_end(&t, rc, err);
}

int tr_milestones_scanned_to(struct tr_store *s, tr_day *out, struct tr_error *err)
{
    const struct tr_catalog *c;
    const struct tr_ladders *l;
    void *cp = NULL;
    size_t cp_len = 0;
    struct tr_read_txn t;
    int rc = tr_store_catalog(s, &c, err);
    if (rc || (rc = tr_store_read_begin(s, &t, err)))
        return rc;
    if (!(rc = tr_store_ladders(s, &l, err)) &&
        !(rc = s->be->ops->get_checkpoint(s->be, &cp, &cp_len, err)))
        *out = tr_engine_checkpoint_day(c, l, cp, cp_len);
    free(cp);
    return tr_store_read_end(&t, rc, err);
}
