/*
 * series.c: the observation batch and the merge of a batch into chunks.
 *
 * A chunk holds, for one day and one group of TR_GROUP_SLOTS series, each
 * present slot's change since that slot's previous observation (any
 * earlier day).  A group's tail is each slot's latest value.  So:
 *  - a batch whose days all come after a group's last stored day is
 *    encoded against the tail alone (the daily case: no history read);
 *  - otherwise the group's chunks from the batch's first day on are read,
 *    the values at that day are recovered from the tail by subtracting
 *    their changes, the batch is merged in, and those chunks re-encoded.
 * Counts are uint64 and changes use modular arithmetic, so any pair of
 * values (a correction downwards included) round-trips exactly.
 */
#include "store/series.h"
#include "store/series_codec.h"

#include <stdlib.h>
#include <string.h>

struct block {                       /* one (day, group) of a batch */
    uint64_t value[TR_GROUP_SLOTS];
    uint8_t present[TR_GROUP_SLOTS];
    uint32_t count;
};

struct day_slot {
    struct block **groups;           /* by group, NULL when untouched */
    uint32_t n_groups;
};

struct tr_obs_batch {
    tr_day base;                     /* day of days[0] */
    struct block *last;              /* the block of the last put, of (last_day, last_grp): */
    tr_day last_day;                 /* rows come day by day in series order, so the */
    uint32_t last_grp;               /* next put is most often into it */
    struct day_slot *days;
    uint32_t n_days;
    uint32_t n_groups;               /* groups touched: max group + 1 */
    uint64_t count;
};

struct tr_obs_batch *tr_obs_batch_new(void)
{
    struct tr_obs_batch *b = calloc(1, sizeof *b);
    if (b)
        b->base = TR_DAY_NONE;
    return b;
}

void tr_obs_batch_free(struct tr_obs_batch *b)
{
    if (!b)
        return;
    for (uint32_t d = 0; d < b->n_days; d++) {
        for (uint32_t g = 0; g < b->days[d].n_groups; g++)
            free(b->days[d].groups[g]);
        free(b->days[d].groups);
    }
    free(b->days);
    free(b);
}

/* Makes days[] cover day; returns its index or -1. */
static int64_t day_index(struct tr_obs_batch *b, tr_day day)
{
    if (b->base == TR_DAY_NONE)
        b->base = day;
    if (day < b->base) {
        uint32_t shift = (uint32_t)(b->base - day);
        struct day_slot *p = realloc(b->days, (b->n_days + shift) * sizeof *p);
        if (!p)
            return -1;
        memmove(p + shift, p, b->n_days * sizeof *p);
        memset(p, 0, shift * sizeof *p);
        b->days = p;
        b->n_days += shift;
        b->base = day;
    }
    uint32_t i = (uint32_t)(day - b->base);
    if (i >= b->n_days) {
        struct day_slot *p = realloc(b->days, (i + 1) * sizeof *p);
        if (!p)
            return -1;
        memset(p + b->n_days, 0, (i + 1 - b->n_days) * sizeof *p);
        b->days = p;
        b->n_days = i + 1;
    }
    return i;
}

static struct block *get_block(const struct tr_obs_batch *b, tr_day day, uint32_t grp)
{
    if (b->base == TR_DAY_NONE || day < b->base || (uint32_t)(day - b->base) >= b->n_days)
        return NULL;
    const struct day_slot *ds = &b->days[day - b->base];
    return grp < ds->n_groups ? ds->groups[grp] : NULL;
}

/* Where the block of (day, grp) is kept, room made for it: NULL when out
 * of memory. */
static struct block **block_ref(struct tr_obs_batch *b, tr_day day, uint32_t grp)
{
    int64_t di = day_index(b, day);
    if (di < 0)
        return NULL;
    struct day_slot *ds = &b->days[di];
    if (grp >= ds->n_groups) {
        uint32_t n = grp + 1 > ds->n_groups * 2 ? grp + 1 : ds->n_groups * 2;
        struct block **p = realloc(ds->groups, n * sizeof *p);
        if (!p)
            return NULL;
        memset(p + ds->n_groups, 0, (n - ds->n_groups) * sizeof *p);
        ds->groups = p;
        ds->n_groups = n;
    }
    if (grp + 1 > b->n_groups)
        b->n_groups = grp + 1;
    return &ds->groups[grp];
}

/* The block of (day, grp), made when absent: NULL when out of memory. */
static struct block *block_for(struct tr_obs_batch *b, tr_day day, uint32_t grp)
{
    if (b->last && b->last_day == day && b->last_grp == grp)
        return b->last;
    struct block *blk = get_block(b, day, grp);
    if (!blk) {
        struct block **ref = block_ref(b, day, grp);
        if (!ref || !(blk = *ref = calloc(1, sizeof **ref)))
            return NULL;
    }
    b->last = blk;
    b->last_day = day;
    b->last_grp = grp;
    return blk;
}

int tr_obs_batch_put(struct tr_obs_batch *b, uint32_t series, tr_day day, uint64_t value,
                     bool replace, uint64_t *old)
{
    uint32_t slot = series % TR_GROUP_SLOTS;
    struct block *blk = block_for(b, day, series / TR_GROUP_SLOTS);
    if (!blk)
        return -1;
    if (blk->present[slot]) {
        if (blk->value[slot] == value)
            return TR_OBS_SAME;
        *old = blk->value[slot];
        if (replace)
            blk->value[slot] = value;
        return TR_OBS_CONFLICT;
    }
    blk->present[slot] = 1;
    blk->value[slot] = value;
    blk->count++;
    b->count++;
    return TR_OBS_NEW;
}

int tr_obs_batch_settle(struct tr_obs_batch *b, uint32_t series, tr_day day, uint64_t value,
                        enum tr_on_duplicate pol, uint64_t *old)
{
    int r = tr_obs_batch_put(b, series, day, value, pol == TR_DUP_LAST, old);
    if (r < 0)
        return -1;
    if (r != TR_OBS_CONFLICT)
        return 0;
    if (pol == TR_DUP_ERROR)
        return TR_OBS_CONFLICT;
    if (pol == TR_DUP_MAX && value > *old)
        tr_obs_batch_put(b, series, day, value, true, old);
    return 1;
}

bool tr_obs_batch_clashes(const struct tr_obs_batch *b, const struct tr_obs_batch *from,
                          const uint32_t *map)
{
    for (uint32_t d = 0; d < from->n_days; d++) {
        tr_day day = from->base + (tr_day)d;
        for (uint32_t g = 0; g < from->days[d].n_groups; g++) {
            const struct block *blk = from->days[d].groups[g];
            if (!blk || (!map && !get_block(b, day, g)))
                continue;
            for (uint32_t s = 0; s < TR_GROUP_SLOTS; s++) {
                uint64_t v;
                if (blk->present[s] &&
                    tr_obs_batch_get(b, map ? map[g * TR_GROUP_SLOTS + s] : g * TR_GROUP_SLOTS + s,
                                     day, &v) && v != blk->value[s])
                    return true;
            }
        }
    }
    return false;
}

int tr_obs_batch_join(struct tr_obs_batch *b, struct tr_obs_batch *from, const uint32_t *map,
                      enum tr_on_duplicate pol, uint64_t *refused)
{
    int rc = 0;
    for (uint32_t d = 0; d < from->n_days && !rc; d++) {
        tr_day day = from->base + (tr_day)d;
        struct day_slot *fs = &from->days[d];
        for (uint32_t g = 0; g < fs->n_groups && !rc; g++) {
            struct block *blk = fs->groups[g];
            if (!blk)
                continue;
            uint32_t n = blk->count;
            if (!map && !get_block(b, day, g)) {
                /* nothing of b's here: the block moves as it is */
                struct block **ref = block_ref(b, day, g);
                if (!ref) {
                    rc = -1;
                    break;
                }
                *ref = blk;
                b->count += n;
            } else {
                /* value by value; a new one into a free slot without the
                 * policy's call (the usual case: a map's target is free) */
                struct block *to = NULL;
                uint32_t to_grp = UINT32_MAX;
                uint64_t old;
                for (uint32_t s = 0; s < TR_GROUP_SLOTS && !rc; s++) {
                    if (!blk->present[s])
                        continue;
                    uint32_t series = map ? map[g * TR_GROUP_SLOTS + s] : g * TR_GROUP_SLOTS + s;
                    uint32_t tg = series / TR_GROUP_SLOTS, ts = series % TR_GROUP_SLOTS;
                    if (tg != to_grp && !(to = block_for(b, day, tg))) {
                        rc = -1;
                        break;
                    }
                    to_grp = tg;
                    if (!to->present[ts]) {
                        to->present[ts] = 1;
                        to->value[ts] = blk->value[s];
                        to->count++;
                        b->count++;
                        continue;
                    }
                    int r = tr_obs_batch_settle(b, series, day, blk->value[s], pol, &old);
                    if (r < 0 || r == TR_OBS_CONFLICT)
                        rc = r < 0 ? -1 : TR_OBS_CONFLICT;
                    else
                        *refused += (uint64_t)r;
                }
                free(blk);
            }
            fs->groups[g] = NULL;
            from->last = NULL;
            from->count -= n;
        }
    }
    return rc;
}

bool tr_obs_batch_get(const struct tr_obs_batch *b, uint32_t series, tr_day day, uint64_t *value)
{
    const struct block *blk = get_block(b, day, series / TR_GROUP_SLOTS);
    if (!blk || !blk->present[series % TR_GROUP_SLOTS])
        return false;
    *value = blk->value[series % TR_GROUP_SLOTS];
    return true;
}

uint64_t tr_obs_batch_count(const struct tr_obs_batch *b) { return b->count; }

/* ---- merge ---------------------------------------------------------- */

struct stored_day {                  /* a decoded existing chunk */
    tr_day day;
    uint32_t n;
    uint64_t *delta;
    uint8_t *present;
};

struct group_read {
    struct stored_day *days;
    size_t n, cap;
};

static int collect_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct group_read *gr = ctx;
    if (gr->n == gr->cap) {
        size_t cap = gr->cap ? gr->cap * 2 : 64;
        struct stored_day *p = realloc(gr->days, cap * sizeof *p);
        if (!p)
            return TR_ENOMEM;
        gr->days = p;
        gr->cap = cap;
    }
    struct stored_day *sd = &gr->days[gr->n];
    sd->day = day;
    sd->delta = malloc(TR_GROUP_SLOTS * sizeof *sd->delta);
    sd->present = malloc(TR_GROUP_SLOTS);
    if (!sd->delta || !sd->present) {
        free(sd->delta);
        free(sd->present);
        return TR_ENOMEM;
    }
    gr->n++;
    if (tr_chunk_decode(data, len, &sd->n, sd->delta, sd->present))
        return TR_ESTORE;
    return 0;
}

static void group_read_release(struct group_read *gr)
{
    for (size_t i = 0; i < gr->n; i++) {
        free(gr->days[i].delta);
        free(gr->days[i].present);
    }
    free(gr->days);
}

/* Encodes one day of a group from absolute values against prev (updated). */
static int put_day(struct tr_backend *be, tr_day day, uint32_t grp, uint32_t n,
                   const uint64_t *value, const uint8_t *present, uint64_t *prev,
                   uint8_t *buf, struct tr_error *err)
{
    uint64_t delta[TR_GROUP_SLOTS];
    for (uint32_t s = 0; s < n; s++) {
        delta[s] = present[s] ? value[s] - prev[s] : 0;
        if (present[s])
            prev[s] = value[s];
    }
    size_t len = tr_chunk_encode(n, delta, present, buf);
    return be->ops->put_chunk(be, day, grp, buf, len, err);
}

static uint32_t slots_used(const uint8_t *present)
{
    uint32_t n = TR_GROUP_SLOTS;
    while (n && !present[n - 1])
        n--;
    return n;
}

/* Merges group grp of the batch into the store; adds the observations new
 * to each batch day to added[day - b->base]. */
static int write_group(struct tr_backend *be, const struct tr_obs_batch *b, uint32_t grp,
                       struct tr_series_write_stats *st, int64_t *added_by_day, uint8_t *buf,
                       struct tr_error *err)
{
    tr_day first = TR_DAY_NONE, last = TR_DAY_NONE;
    for (uint32_t d = 0; d < b->n_days; d++)
        if (get_block(b, b->base + (tr_day)d, grp)) {
            if (first == TR_DAY_NONE)
                first = b->base + (tr_day)d;
            last = b->base + (tr_day)d;
        }
    if (first == TR_DAY_NONE)
        return 0;

    uint64_t prev[TR_GROUP_SLOTS] = {0};
    uint64_t *tail = NULL;
    uint32_t tail_n = 0;
    tr_day tail_day;
    int rc = be->ops->get_tail(be, grp, &tail_day, &tail, &tail_n, err);
    if (rc)
        return rc;
    if (tail)
        memcpy(prev, tail, (tail_n < TR_GROUP_SLOTS ? tail_n : TR_GROUP_SLOTS) * sizeof *prev);
    free(tail);

    struct group_read gr = {0};
    if (tail_day != TR_DAY_NONE && first <= tail_day) {
        /* history from `first` on must be re-encoded: recover the values
         * just before it by taking the stored changes back off the tail */
        rc = be->ops->scan_group(be, grp, first, collect_chunk, &gr, err);
        if (rc) {
            group_read_release(&gr);
            return tr_error_set(err, rc, "reading stored series: %s", tr_strerror(rc));
        }
        for (size_t i = 0; i < gr.n; i++)
            for (uint32_t s = 0; s < gr.days[i].n; s++)
                if (gr.days[i].present[s])
                    prev[s] -= gr.days[i].delta[s];
    }

    /* walk the union of stored and new days in order; `stored` follows the
     * values as stored (their changes are relative to it), `running` the
     * merged values the new chunks are encoded against */
    uint64_t running[TR_GROUP_SLOTS], stored[TR_GROUP_SLOTS];
    memcpy(running, prev, sizeof running);
    memcpy(stored, prev, sizeof stored);
    uint64_t value[TR_GROUP_SLOTS];
    uint8_t present[TR_GROUP_SLOTS];
    size_t si = 0;
    tr_day end = last > tail_day || tail_day == TR_DAY_NONE ? last : tail_day;
    bool moved = false;   /* a day of this group changed: it and every later day are encoded again */
    for (tr_day day = first; day <= end && !rc;) {
        const struct stored_day *sd = si < gr.n && gr.days[si].day == day ? &gr.days[si] : NULL;
        const struct block *blk = get_block(b, day, grp);
        if (sd || blk) {
            memset(present, 0, sizeof present);
            if (sd)
                for (uint32_t s = 0; s < sd->n; s++)
                    if ((present[s] = sd->present[s]))
                        value[s] = stored[s] += sd->delta[s];
            int64_t added = 0;
            bool changed = false;
            if (blk)
                for (uint32_t s = 0; s < TR_GROUP_SLOTS; s++) {
                    if (!blk->present[s])
                        continue;
                    if (!present[s]) {
                        st->added++, added++, changed = true;
                    } else if (value[s] != blk->value[s]) {
                        st->changed++, changed = true;
                    } else {
                        st->unchanged++;
                        continue;
                    }
                    present[s] = 1;
                    value[s] = blk->value[s];
                }
            if (changed && (st->first_changed == TR_DAY_NONE || day < st->first_changed))
                st->first_changed = day;
            /* a stored day before the group's first change is the chunk it was:
             * not written again (the store's record of changes names the days
             * written, store/changes.c) */
            moved = moved || changed;
            if (moved)
                rc = put_day(be, day, grp, slots_used(present), value, present, running, buf, err);
            else
                for (uint32_t s = 0; s < TR_GROUP_SLOTS; s++)
                    if (present[s])
                        running[s] = value[s];
            if (added)    /* new slots come from the batch: day is one of its days */
                added_by_day[day - b->base] += added;
            if (sd)
                si++;
        }
        /* next day that has stored or new data */
        tr_day next = TR_DAY_NONE;
        if (si < gr.n)
            next = gr.days[si].day;
        for (tr_day d = day + 1; d <= last; d++)
            if (get_block(b, d, grp)) {
                if (next == TR_DAY_NONE || d < next)
                    next = d;
                break;
            }
        if (next == TR_DAY_NONE)
            break;
        day = next;
    }
    group_read_release(&gr);
    if (!rc && moved)    /* else the tail is the one stored */
        rc = be->ops->put_tail(be, grp, end, running, TR_GROUP_SLOTS, err);
    return rc;
}

int tr_series_write(struct tr_backend *be, const struct tr_obs_batch *b,
                    struct tr_series_write_stats *st, struct tr_error *err)
{
    memset(st, 0, sizeof *st);
    st->first_changed = TR_DAY_NONE;
    uint8_t *buf = malloc(tr_chunk_bound(TR_GROUP_SLOTS));
    int64_t *added = calloc(b->n_days ? b->n_days : 1, sizeof *added);
    int rc = buf && added ? 0 : tr_error_set(err, TR_ENOMEM, "out of memory");
    for (uint32_t g = 0; g < b->n_groups && !rc; g++)
        rc = write_group(be, b, g, st, added, buf, err);
    /* the days table counts observations per day: one write per day */
    for (uint32_t d = 0; d < b->n_days && !rc; d++)
        if (added[d])
            rc = be->ops->count_day(be, b->base + (tr_day)d, added[d], err);
    free(buf);
    free(added);
    return rc;
}

/* ---- history -------------------------------------------------------- */

struct history {
    uint32_t slot;
    uint64_t value;
    struct tr_point *pts;
    size_t n, cap;
};

static int history_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct history *h = ctx;
    uint64_t delta;
    bool present;
    if (tr_chunk_get(data, len, h->slot, &delta, &present))
        return TR_ESTORE;
    if (!present)
        return 0;
    h->value += delta;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 128;
        struct tr_point *p = realloc(h->pts, cap * sizeof *p);
        if (!p)
            return TR_ENOMEM;
        h->pts = p;
        h->cap = cap;
    }
    h->pts[h->n++] = (struct tr_point){day, h->value};
    return 0;
}

int tr_series_history(struct tr_backend *be, uint32_t series, struct tr_point **out, size_t *n,
                      struct tr_error *err)
{
    struct history h = {.slot = series % TR_GROUP_SLOTS};
    int rc = be->ops->scan_group(be, series / TR_GROUP_SLOTS, TR_DAY_NONE, history_chunk, &h, err);
    if (rc) {
        free(h.pts);
        return tr_error_set(err, rc, "reading series: %s", tr_strerror(rc));
    }
    *out = h.pts;
    *n = h.n;
    return 0;
}

/* ---- every history, a group at a time (tr_series_walk) --------------- */

struct group_histories {
    uint32_t n;                      /* slots in use in this group */
    uint64_t value[TR_GROUP_SLOTS];  /* running counts */
    uint64_t delta[TR_GROUP_SLOTS];
    uint8_t present[TR_GROUP_SLOTS];
    struct tr_point *pts[TR_GROUP_SLOTS];
    size_t len[TR_GROUP_SLOTS], cap[TR_GROUP_SLOTS];
    /* a recent slot keeps only its last two points before `from` (the
     * earlier ones counted in skipped); first: the day of its first point */
    bool recent[TR_GROUP_SLOTS];
    size_t skipped[TR_GROUP_SLOTS];
    tr_day first[TR_GROUP_SLOTS];
    tr_day from;
    /* While the chunks before `from` are read (group_early), every slot's
     * points are counted in seen, and the days of its last two kept in
     * older_day and newer_day with the change on the newer one (its count
     * is value, the older's value - newer_delta): flat arrays, so that the
     * loop over the slots does not branch; the whole slots, listed in
     * whole_slot, have theirs appended as well.  settled: the recent
     * slots' points are in pts (group_settle). */
    uint32_t seen[TR_GROUP_SLOTS];
    tr_day older_day[TR_GROUP_SLOTS], newer_day[TR_GROUP_SLOTS];
    uint64_t newer_delta[TR_GROUP_SLOTS];
    uint32_t whole_slot[TR_GROUP_SLOTS], n_whole;
    bool settled;
};

/* Appends (day, v) to slot s's points. */
static int group_append(struct group_histories *g, uint32_t s, tr_day day, uint64_t v)
{
    size_t k = g->len[s];
    struct tr_point *p = g->pts[s];
    if (!k)
        g->first[s] = day;
    if (k == g->cap[s]) {
        size_t cap = k ? k * 2 : 64;
        if (!(p = realloc(p, cap * sizeof *p)))
            return TR_ENOMEM;
        g->pts[s] = p;
        g->cap[s] = cap;
    }
    p[k] = (struct tr_point){day, v};
    g->len[s] = k + 1;
    return 0;
}

/* A chunk before `from`, decoded into g->delta and g->present (n slots). */
static int group_early(struct group_histories *g, tr_day day, uint32_t n)
{
    /* Every slot of the chunk (decoding zeroes the slots past n): with
     * masks instead of branches and a fixed count, the compiler makes
     * vector code of it. */
    for (uint32_t s = 0; s < TR_GROUP_SLOTS; s++) {
        g->value[s] += g->delta[s];   /* an absent slot's delta is 0 */
        uint64_t here = 0 - (uint64_t)g->present[s];
        uint32_t here32 = (uint32_t)here, first = here32 & (g->seen[s] == 0 ? ~0u : 0u);
        g->older_day[s] = (tr_day)(((uint32_t)g->newer_day[s] & here32) | ((uint32_t)g->older_day[s] & ~here32));
        g->newer_day[s] = (tr_day)(((uint32_t)day & here32) | ((uint32_t)g->newer_day[s] & ~here32));
        g->newer_delta[s] = (g->delta[s] & here) | (g->newer_delta[s] & ~here);
        g->first[s] = (tr_day)(((uint32_t)day & first) | ((uint32_t)g->first[s] & ~first));
        g->seen[s] += here32 & 1;
    }
    for (uint32_t k = 0; k < g->n_whole; k++) {
        uint32_t s = g->whole_slot[k];
        if (s < n && g->present[s] && group_append(g, s, day, g->value[s]))
            return TR_ENOMEM;
    }
    return 0;
}

/* Moves each recent slot's last two points before `from` into its points
 * (the earlier ones into skipped), once the chunks before `from` are read. */
static int group_settle(struct group_histories *g)
{
    g->settled = true;
    for (uint32_t s = 0; s < TR_GROUP_SLOTS; s++) {
        if (!g->recent[s] || !g->seen[s])
            continue;
        tr_day first = g->first[s];
        if (g->seen[s] > 1 && group_append(g, s, g->older_day[s], g->value[s] - g->newer_delta[s]))
            return TR_ENOMEM;
        if (group_append(g, s, g->newer_day[s], g->value[s]))
            return TR_ENOMEM;
        g->first[s] = first;
        g->skipped[s] = g->seen[s] - g->len[s];
    }
    return 0;
}

static int group_chunk(void *ctx, tr_day day, uint32_t grp, const uint8_t *data, size_t len)
{
    struct group_histories *g = ctx;
    uint32_t n;
    if (tr_chunk_decode(data, len, &n, g->delta, g->present))
        return TR_ESTORE;
    if (!g->settled && day < g->from)
        return group_early(g, day, n);
    if (!g->settled && group_settle(g))
        return TR_ENOMEM;
    for (uint32_t s = 0; s < n; s++) {
        if (!g->present[s])
            continue;
        if (group_append(g, s, day, g->value[s] += g->delta[s]))
            return TR_ENOMEM;
    }
    return 0;
}

struct tr_series_walk {
    struct tr_backend *be;
    uint32_t n_series;
    uint32_t next;                   /* the series to look at next */
    const uint8_t *whole;            /* tr_series_walk_recent's, NULL: every series whole */
    size_t last_skipped;             /* of the series next gave last */
    tr_day last_first;
    struct group_histories g;        /* the group of series next - 1 */
};

int tr_series_walk_begin(struct tr_backend *be, uint32_t n_series, struct tr_series_walk **out,
                         struct tr_error *err)
{
    struct tr_series_walk *w = calloc(1, sizeof *w);
    if (!w)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    w->be = be;
    w->n_series = n_series;
    *out = w;
    return 0;
}

int tr_series_walk_next(struct tr_series_walk *w, uint32_t *series, const struct tr_point **p,
                        size_t *n, struct tr_error *err)
{
    struct group_histories *g = &w->g;
    for (; w->next < w->n_series; w->next++) {
        uint32_t slot = w->next % TR_GROUP_SLOTS;
        if (!slot) {                 /* a new group: its chunks read once */
            memset(g->value, 0, sizeof g->value);
            memset(g->len, 0, sizeof g->len);
            memset(g->skipped, 0, sizeof g->skipped);
            memset(g->seen, 0, sizeof g->seen);
            g->n_whole = 0;
            g->settled = true;
            for (uint32_t k = 0; k < TR_GROUP_SLOTS; k++) {
                g->recent[k] = w->whole && w->next + k < w->n_series && !w->whole[w->next + k];
                if (g->recent[k])
                    g->settled = false;
                else
                    g->whole_slot[g->n_whole++] = k;
            }
            int rc = w->be->ops->scan_group(w->be, w->next / TR_GROUP_SLOTS, TR_DAY_NONE,
                                            group_chunk, g, err);
            if (!rc && !g->settled && group_settle(g))
                rc = TR_ENOMEM;
            if (rc)
                return tr_error_set(err, rc, "reading series: %s", tr_strerror(rc));
        }
        if (g->len[slot]) {
            *series = w->next++;
            *p = g->pts[slot];
            *n = g->len[slot];
            w->last_skipped = g->skipped[slot];
            w->last_first = g->first[slot];
            return 0;
        }
    }
    *p = NULL;
    *n = 0;
    return 0;
}

void tr_series_walk_recent(struct tr_series_walk *w, tr_day from, const uint8_t *whole)
{
    w->g.from = from;
    w->whole = whole;
}

void tr_series_walk_skipped(const struct tr_series_walk *w, size_t *skipped, tr_day *first)
{
    *skipped = w->last_skipped;
    *first = w->last_first;
}

void tr_series_walk_end(struct tr_series_walk *w)
{
    if (!w)
        return;
    for (uint32_t s = 0; s < TR_GROUP_SLOTS; s++)
        free(w->g.pts[s]);
    free(w);
}
