/*
 * store/check.c: verifying a whole store (trackrecord/check.h).
 *
 * The backend checks what only it sees (its database, the event log, the
 * side caches: backend.h, verify); the seals of chunks and tails are
 * checked here through store/sealing.c, and the kept claims' seal too.  A
 * damaged chunk or tail is named by its day and series, with the import
 * that wrote it when the import log can tell.
 */
#include "store/internal.h"
#include "store/seal.h"
#include "store/series_codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct check {
    struct tr_check_report *rep;
    tr_damage_fn fn;
    void *ctx;
    struct tr_import_entry *imports;   /* the import log, for naming what wrote a day */
    size_t n_imports;
};

static int count_damage(void *ctx, const struct tr_damage *d)
{
    struct check *k = ctx;
    k->rep->damaged++;
    k->rep->caches += d->cache;
    return k->fn(k->ctx, d);
}

/* What to re-import for a damaged day: the imports whose file is named
 * for the day (2023-08-14.csv, a kworb page of that date), the usual way a
 * day's counts arrive; the log keeps no days of a file. */
static void name_imports(const struct check *k, tr_day day, char *buf, size_t size)
{
    char date[TR_DATE_LEN];
    tr_day_format(day, date);
    size_t used = (size_t)snprintf(buf, size, "written by ");
    bool any = false;
    for (size_t i = 0; i < k->n_imports && used + 1 < size; i++) {
        const char *base = strrchr(k->imports[i].file, '/');
        if (!strstr(base ? base + 1 : k->imports[i].file, date))
            continue;
        used += (size_t)snprintf(buf + used, size - used, "%s%s (import %lld, %s)",
                                 any ? "; " : "", k->imports[i].file,
                                 (long long)k->imports[i].id, k->imports[i].at);
        any = true;
    }
    if (!any)
        snprintf(buf, size, "the import log names no file for %s: `trackrecord imports` lists"
                 " the files it may have come in", date);
}

/* A damaged chunk is data the store holds nowhere else; a damaged tail
 * follows from its group's chunks. */
static int seal_damage(void *ctx, const char *what, tr_day day, uint32_t grp, const char *why)
{
    struct check *k = ctx;
    bool tail = strcmp(what, TR_TAIL_WHAT) == 0;
    struct tr_damage d = {.cache = tail};
    char date[TR_DATE_LEN], files[384];
    snprintf(d.what, sizeof d.what, "%s", what);
    snprintf(d.where, sizeof d.where, "%s, series %u-%u", tr_day_format(day, date),
             grp * TR_GROUP_SLOTS, grp * TR_GROUP_SLOTS + TR_GROUP_SLOTS - 1);
    if (tail) {
        snprintf(d.why, sizeof d.why, "%s; made again from the play counts by --repair", why);
    } else {
        name_imports(k, day, files, sizeof files);
        snprintf(d.why, sizeof d.why, "%s; not rebuildable from the store: import the play counts"
                 " again into a new store (%s)", why, files);
    }
    return count_damage(k, &d);
}

static uint32_t n_groups(const struct tr_catalog *c)
{
    uint32_t top = 0;
    for (uint32_t t = 0; t < c->n_tracks; t++)
        if (c->tracks[t].own_series != TR_NONE && c->tracks[t].own_series + 1 > top)
            top = c->tracks[t].own_series + 1;
    return (top + TR_GROUP_SLOTS - 1) / TR_GROUP_SLOTS;
}

static int check_claims(struct tr_store *s, struct check *k, struct tr_error *err)
{
    tr_day since;
    uint64_t n_events;
    void *data = NULL;
    size_t len = 0;
    int rc = s->be->ops->get_claims(s->be, &since, &n_events, &data, &len, err);
    if (rc || !data)
        return rc;
    k->rep->claims++;
    if (s->be->sealed && !tr_seal_ok(data, len)) {
        struct tr_damage d = {.cache = true};
        snprintf(d.what, sizeof d.what, "kept claims");
        snprintf(d.where, sizeof d.where, "claims_kept");
        snprintf(d.why, sizeof d.why, "fails its checksum");
        rc = count_damage(k, &d);
    }
    free(data);
    return rc;
}

/* The checks of k (inside a read transaction). */
static int check_in(struct tr_store *s, struct check *k, struct tr_error *err)
{
    struct tr_backend *be = s->be;
    int rc = be->ops->verify(be, count_damage, k, &k->rep->event_blobs, &k->rep->side_files, err);
    if (!rc)
        rc = tr_store_load_catalog(s, err);
    if (!rc)
        rc = be->ops->load_imports(be, &k->imports, &k->n_imports, err);
    if (!rc)
        rc = tr_backend_check_seals(be, n_groups(s->catalog), seal_damage, k, &k->rep->chunks,
                                    &k->rep->tails, err);
    if (!rc)
        rc = check_claims(s, k, err);
    return rc;
}

int tr_store_check(struct tr_store *s, tr_damage_fn fn, void *ctx, struct tr_check_report *out,
                   struct tr_error *err)
{
    struct tr_check_report rep = {0};
    struct check k = {&rep, fn, ctx, NULL, 0};
    struct tr_read_txn t;
    int rc = tr_store_read_begin(s, &t, err);
    if (!rc)
        rc = check_in(s, &k, err);
    rc = tr_store_read_end(&t, rc, err);
    free(k.imports);
    *out = rep;
    return rc;
}

/* tr_store_rebuild_tails: the groups whose tail is damaged, then each
 * group's chunks summed. */
struct damaged_tails {
    uint32_t *grp;
    size_t n, cap;
};

static int note_tail(void *ctx, const char *what, tr_day day, uint32_t grp, const char *why)
{
    struct damaged_tails *t = ctx;
    if (strcmp(what, TR_TAIL_WHAT) != 0)
        return 0;               /* a damaged chunk: the rebuild's own scan names it */
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        uint32_t *g = realloc(t->grp, cap * sizeof *g);
        if (!g)
            return TR_ENOMEM;
        t->grp = g;
        t->cap = cap;
    }
    t->grp[t->n++] = grp;
    return 0;
}

struct group_sum {
    uint64_t values[TR_GROUP_SLOTS];
    tr_day last;
};

static int add_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct group_sum *g = ctx;
    g->last = day;
    return tr_chunk_apply(data, len, g->values, NULL) ? TR_ESTORE : 0;
}

int tr_store_rebuild_tails(struct tr_store *s, size_t *n, struct tr_error *err)
{
    struct tr_backend *be = s->be;
    struct damaged_tails t = {0};
    uint64_t chunks = 0, tails = 0;
    *n = 0;
    int rc = tr_backend_check_seals(be, n_groups(s->catalog), note_tail, &t, &chunks, &tails, err);
    if (rc == TR_ENOMEM)
        rc = tr_error_set(err, rc, "out of memory");
    for (size_t i = 0; i < t.n && !rc; i++) {
        struct group_sum *g = calloc(1, sizeof *g);
        if (!g) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            break;
        }
        g->last = TR_DAY_NONE;
        rc = be->ops->scan_group(be, t.grp[i], TR_DAY_NONE, add_chunk, g, err);
        if (rc == TR_ESTORE && !err->msg[0])
            rc = tr_error_set(err, rc, "series %u-%u: a chunk does not decode",
                              t.grp[i] * TR_GROUP_SLOTS, t.grp[i] * TR_GROUP_SLOTS + TR_GROUP_SLOTS - 1);
        if (!rc && g->last != TR_DAY_NONE)
            rc = be->ops->put_tail(be, t.grp[i], g->last, g->values, TR_GROUP_SLOTS, err);
        free(g);
    }
    *n = rc ? 0 : t.n;
    free(t.grp);
    return rc;
}
