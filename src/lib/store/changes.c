/*
 * store/changes.c: what each write changed of the store's play counts and
 * catalog, for work kept from an earlier state (trackrecord/store.h:
 * tr_store_changes_since; the static site carries its pages' digests of
 * past points across a daily import with it).
 *
 * The record is made in the store's write path, not by its callers: the
 * store puts a copy of its backend's table of functions in front of it
 * (as store/sealing.c does) that notes, within a write transaction, the
 * earliest day whose chunk was written and whether the catalog was saved
 * or a tail written, and appends the change at commit, inside the same
 * transaction.  Whatever writes play counts or the catalog, through
 * whichever path, is recorded; a rollback records nothing.
 *
 * meta.changes holds the last TR_STORE_CHANGES_KEPT changes, oldest
 * first, a line each: "STATE FIRST CATALOG", STATE the 16 hex digits of
 * the state the change made, FIRST the earliest day whose data it wrote
 * (a day number, "-" for none), CATALOG 1 when it changed the catalog.
 * A state is an XXH3 of the one before, the time and the process, so two
 * copies of a store that go on apart never share one.  A store of an
 * earlier build has no line: every question about it is unknown.
 */
#include "store/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#define CHANGES_KEY "changes"
#define LINE_MAX_LEN 48

struct change {
    uint64_t state;
    tr_day first;
    bool catalog;
};

/* Parses text into at most max changes; the count, or -1 for a line that
 * is not one (then nothing of it is trusted). */
static long parse(const char *text, struct change *v, size_t max)
{
    size_t n = 0;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        if (!end || end - p >= LINE_MAX_LEN || n == max)
            return -1;
        char line[LINE_MAX_LEN], first[24];
        memcpy(line, p, (size_t)(end - p));
        line[end - p] = '\0';
        unsigned long long state;
        int catalog, used = 0;
        if (sscanf(line, "%16llx %23s %d%n", &state, first, &catalog, &used) != 3 || line[used] ||
            (catalog != 0 && catalog != 1))
            return -1;
        char *rest;
        long day = strcmp(first, "-") ? strtol(first, &rest, 10) : 0;
        if (strcmp(first, "-") && (*rest || day < INT32_MIN + 1 || day > INT32_MAX))
            return -1;
        v[n++] = (struct change){(uint64_t)state, strcmp(first, "-") ? (tr_day)day : TR_DAY_NONE, catalog == 1};
        p = end + 1;
    }
    return (long)n;
}

static int load(struct tr_backend *be, struct change *v, size_t *n, struct tr_error *err)
{
    char *text = NULL;
    int rc = be->ops->get_meta(be, CHANGES_KEY, &text, err);
    long got = rc || !text ? 0 : parse(text, v, TR_STORE_CHANGES_KEPT);
    free(text);
    *n = got < 0 ? 0 : (size_t)got;
    return rc;
}

/* Appends a change (inside be's write transaction). */
static int note_change(struct tr_backend *be, tr_day first_day, bool catalog, struct tr_error *err)
{
    struct change v[TR_STORE_CHANGES_KEPT + 1];
    size_t n;
    int rc = load(be, v, &n, err);
    if (rc)
        return rc;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed[5] = {n ? v[n - 1].state : 0, (uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec, (uint64_t)getpid(),
                        ((uint64_t)(uint32_t)first_day << 1) | catalog};
    uint64_t state = XXH3_64bits(seed, sizeof seed);
    v[n++] = (struct change){state ? state : 1, first_day, catalog};
    size_t from = n > TR_STORE_CHANGES_KEPT ? n - TR_STORE_CHANGES_KEPT : 0;
    char text[(TR_STORE_CHANGES_KEPT + 1) * LINE_MAX_LEN], *p = text;
    for (size_t i = from; i < n; i++) {
        char first[24] = "-";
        if (v[i].first != TR_DAY_NONE)
            snprintf(first, sizeof first, "%ld", (long)v[i].first);
        p += snprintf(p, (size_t)(text + sizeof text - p), "%016llx %s %d\n", (unsigned long long)v[i].state, first,
                      v[i].catalog);
    }
    return be->ops->set_meta(be, CHANGES_KEY, text, err);
}

int tr_store_changes_since(struct tr_store *s, uint64_t since, struct tr_store_changes *out, struct tr_error *err)
{
    *out = (struct tr_store_changes){0, false, false, TR_DAY_NONE};
    struct change v[TR_STORE_CHANGES_KEPT];
    size_t n;
    struct tr_read_txn t;
    int rc = tr_store_read_begin(s, &t, err);
    if (!rc)
        rc = load(s->be, v, &n, err);
    rc = tr_store_read_end(&t, rc, err);
    if (rc || !n)
        return rc;
    out->state = v[n - 1].state;
    size_t k = n;
    while (k > 0 && v[k - 1].state != since)
        k--;
    if (!k)
        return 0;   /* not a kept state: unknown */
    out->known = true;
    for (; k < n; k++) {
        out->catalog = out->catalog || v[k].catalog;
        if (v[k].first != TR_DAY_NONE && (out->first_day == TR_DAY_NONE || v[k].first < out->first_day))
            out->first_day = v[k].first;
    }
    return 0;
}

/* ---- the write path ---------------------------------------------------- */

struct tr_change_tracking {
    struct tr_backend_ops ops;          /* what be->ops points at (below the seals') */
    const struct tr_backend_ops *inner; /* the backend's own */
    bool writing;                       /* a write transaction is open */
    bool written;                       /* it wrote play counts or the catalog */
    bool catalog;                       /* it saved the catalog */
    tr_day first;                       /* the earliest day whose chunk it wrote */
};

/* Each layer in front of the backend finds its own state through the
 * backend, not through be->ops (which is the outermost layer's). */
static struct tr_change_tracking *tracking(struct tr_backend *b)
{
    return b->tracking;
}

static int t_begin(struct tr_backend *b, bool write, struct tr_error *err)
{
    struct tr_change_tracking *t = tracking(b);
    int rc = t->inner->begin(b, write, err);
    if (!rc && write)
        t->writing = true, t->written = t->catalog = false, t->first = TR_DAY_NONE;
    return rc;
}

static int t_put_chunk(struct tr_backend *b, tr_day day, uint32_t grp, const uint8_t *data, size_t len,
                       struct tr_error *err)
{
    struct tr_change_tracking *t = tracking(b);
    int rc = t->inner->put_chunk(b, day, grp, data, len, err);
    if (!rc) {
        t->written = true;
        if (t->first == TR_DAY_NONE || day < t->first)
            t->first = day;
    }
    return rc;
}

static int t_put_tail(struct tr_backend *b, uint32_t grp, tr_day last_day, const uint64_t *values, uint32_t n,
                      struct tr_error *err)
{
    struct tr_change_tracking *t = tracking(b);
    int rc = t->inner->put_tail(b, grp, last_day, values, n, err);
    if (!rc)
        t->written = true;
    return rc;
}

static int t_save_catalog(struct tr_backend *b, const struct tr_catalog *c, struct tr_error *err)
{
    struct tr_change_tracking *t = tracking(b);
    int rc = t->inner->save_catalog(b, c, err);
    if (!rc)
        t->written = t->catalog = true;
    return rc;
}

static int t_commit(struct tr_backend *b, struct tr_error *err)
{
    struct tr_change_tracking *t = tracking(b);
    bool note = t->writing && t->written;
    t->writing = false;
    /* A tail written without a chunk (a repair) changed nothing of the
     * days but is no ground to trust work kept from before: as a catalog
     * change.  The change joins the transaction: a failed commit (which
     * the caller rolls back, as any) leaves no record. */
    int rc = note ? note_change(b, t->first, t->catalog || t->first == TR_DAY_NONE, err) : 0;
    return rc ? rc : t->inner->commit(b, err);
}

static void t_rollback(struct tr_backend *b)
{
    tracking(b)->writing = false;
    tracking(b)->inner->rollback(b);
}

int tr_backend_track_changes(struct tr_backend *be, struct tr_error *err)
{
    struct tr_change_tracking *t = malloc(sizeof *t);
    if (!t)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *t = (struct tr_change_tracking){*be->ops, be->ops, false, false, false, TR_DAY_NONE};
    t->ops.begin = t_begin;
    t->ops.put_chunk = t_put_chunk;
    t->ops.put_tail = t_put_tail;
    t->ops.save_catalog = t_save_catalog;
    t->ops.commit = t_commit;
    t->ops.rollback = t_rollback;
    be->ops = &t->ops;
    be->tracking = t;
    return 0;
}

void tr_backend_untrack_changes(struct tr_backend *be)
{
    struct tr_change_tracking *t = be->tracking;
    if (!t)
        return;
    be->ops = t->inner;
    be->tracking = NULL;
    free(t);
}
