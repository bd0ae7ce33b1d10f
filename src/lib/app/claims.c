/*
 * claims.c: the records claims of the stored events (tr_store_claims),
 * judged by the imports and kept.
 *
 * Each event is judged by the records engine against every stored event,
 * with the coverage that applies to it: a recording's data for play-count
 * milestones (from the engine's state), a chart's imported periods for that
 * chart's milestones.  Claims in a group of one member are left out: "the
 * first and only album" of an act alone in the store says nothing.
 *
 * The claims of every stored event are kept (tr_store_keep_claims), and
 * each import judges again, while it holds the catalog and the engine's
 * state, what it can have changed.  A claim is judged as of its event's
 * day: a later day's data change it only by settling a member whose data
 * had ended before that day, and the records engine says from which day
 * that can be (tr_records_unsettled_from).  So an import of counts alone
 * (the daily run) judges the events from the earlier of its first changed
 * day and that day, and keeps the earlier events' claims; an import that
 * changes the catalog, the ladder, the charts or the coverage file, or
 * whose milestones were scanned afresh, judges every event.  The kept
 * claims are therefore always what judging again would give; a request
 * reads them back, and judges afresh only when none fit (a store kept by
 * another build, an import with no_records).
 */
#include "app/claims.h"
#include "app/refresh.h"
#include "store/coverage.h"
#include "store/event_pack.h"
#include "store/seal.h"
#include "milestones/engine.h"
#include "trackrecord/charts.h"

#include <stdlib.h>
#include <string.h>

/* ---- judging --------------------------------------------------------- */

/* Orders claims by event, keeping the order within an event (qsort is not
 * stable, so the position breaks ties). */
struct claim_pos {
    size_t event, pos;
};

static int claim_pos_cmp(const void *pa, const void *pb)
{
    const struct claim_pos *a = pa, *b = pb;
    if (a->event != b->event)
        return a->event < b->event ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int sort_claims(struct tr_claim_set *cs)
{
    struct claim_pos *k = malloc(cs->n_claims * sizeof *k);
    struct tr_claim *sorted = malloc(cs->n_claims * sizeof *sorted);
    if (!k || !sorted) {
        free(k);
        free(sorted);
        return TR_ENOMEM;
    }
    for (size_t i = 0; i < cs->n_claims; i++)
        k[i] = (struct claim_pos){cs->claims[i].event, i};
    qsort(k, cs->n_claims, sizeof *k, claim_pos_cmp);
    for (size_t i = 0; i < cs->n_claims; i++)
        sorted[i] = cs->claims[k[i].pos];
    free(k);
    free(cs->claims);
    cs->claims = sorted;
    return 0;
}

/* What the data cover for the claims of the events of one scope: the
 * declared coverage for play counts, the chart's files for a chart. */
struct cover {
    const struct tr_world_set *world;
    const struct tr_chart_cover *chart;
};

/* A day for each subject type (the events of type t dated from since[t]). */
typedef tr_day by_type[TR_SUBJECT_ARTIST + 1];

/* The claims of the events of one scope (play counts: "") of each type t
 * dated from since[t]. */
static int scope_claims(const struct tr_catalog *c, struct tr_claim_set *cs, const char *scope,
                        const tr_day *const last_day[3], const struct cover *cover,
                        const by_type since, struct tr_error *err)
{
    size_t n = 0;
    for (size_t e = 0; e < cs->n_events; e++)
        n += strcmp(tr_scope_name(cs->events[e].scope), scope) == 0;
    /* every event in this scope (no charts): judged where they are */
    bool whole = n == cs->n_events;
    size_t *idx = whole ? NULL : malloc((n ? n : 1) * sizeof *idx);
    struct tr_milestone *ev = whole ? NULL : malloc((n ? n : 1) * sizeof *ev);
    struct tr_claim *cl = NULL;
    size_t ncl = 0;
    int rc = 0;
    if (!whole && (!idx || !ev)) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t e = 0, k = 0; !whole && e < cs->n_events; e++)
        if (strcmp(tr_scope_name(cs->events[e].scope), scope) == 0) {
            idx[k] = e;
            ev[k++] = cs->events[e];
        }
    struct tr_records_input in = {.catalog = c, .events = whole ? cs->events : ev, .n_events = n,
                                  .last_day = {last_day[0], last_day[1], last_day[2]},
                                  .world = cover->world ? cover->world->rows : NULL,
                                  .n_world = cover->world ? cover->world->n : 0,
                                  .chart = cover->chart};
    if (!n || (rc = tr_records_since_types(&in, since, &cl, &ncl, err)) || !ncl)
        goto out;
    struct tr_claim *all = realloc(cs->claims, (cs->n_claims + ncl) * sizeof *all);
    if (!all) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    size_t kept = 0;
    for (size_t k = 0; k < ncl; k++) {
        if (cl[k].members < 2)
            continue;
        all[cs->n_claims + kept] = cl[k];
        all[cs->n_claims + kept++].event = whole ? cl[k].event : idx[cl[k].event];
    }
    cs->claims = all;
    cs->n_claims += kept;
out:
    tr_records_free(cl);
    free(idx);
    free(ev);
    return rc;
}

/* Keeps the events dated from since (a suffix: events are in date order)
 * and says where each one's claims begin (claims ordered by event). */
static int index_claims(struct tr_claim_set *cs, tr_day since, struct tr_error *err)
{
    size_t f = 0;
    while (since != TR_DAY_NONE && f < cs->n_events && cs->events[f].date < since)
        f++;
    if (f) {
        memmove(cs->events, cs->events + f, (cs->n_events - f) * sizeof *cs->events);
        cs->n_events -= f;
        for (size_t i = 0; i < cs->n_claims; i++)
            cs->claims[i].event -= f;      /* judged events only: all at or after f */
    }
    if (cs->n_claims > 1 && sort_claims(cs))
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    if (!(cs->first = malloc((cs->n_events + 1) * sizeof *cs->first)))
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t e = 0; e <= cs->n_events; e++) {
        while (k < cs->n_claims && cs->claims[k].event < e)
            k++;
        cs->first[e] = k;
    }
    return 0;
}

/* What judging reads besides the catalog: every stored event (in
 * tr_milestone_cmp order, the order the kept claims name them in), the
 * coverage, the charts' scopes and the declared world. */
struct judging {
    struct tr_milestone *events;
    size_t n_events;
    struct tr_coverage cov;
    struct tr_chart_scope *scopes;
    size_t n_scopes;
    struct tr_world_set world;
};

static void judging_release(struct judging *j)
{
    free(j->events);
    tr_coverage_release(&j->cov);
    free(j->scopes);
    tr_world_release(&j->world);
    memset(j, 0, sizeof *j);
}

/* Reads what judging needs (inside a transaction, catalog loaded); state:
 * the engine's state when the caller has it, else read. */
static int judging_load(struct tr_store *s, const void *state, size_t state_len,
                        struct judging *j, struct tr_error *err)
{
    struct tr_milestone_filter all = TR_MILESTONE_FILTER_ALL;
    void *own = NULL;
    size_t own_len = 0;
    memset(j, 0, sizeof *j);
    int rc = s->be->ops->load_events(s->be, s->catalog, &all, &j->events, &j->n_events, err);
    if (!rc) {
        tr_store_sort_events(j->events, j->n_events);
        if (!state && !(rc = tr_refresh_state(s, &own, &own_len, err))) {
            state = own;
            state_len = own_len;
        }
    }
    if (!rc)
        rc = tr_coverage_of_state(s, state, state_len, &j->cov, err);
    if (!rc)
        rc = tr_store_chart_scopes(s, &j->scopes, &j->n_scopes, err);
    if (!rc)
        rc = tr_world_load(s, &j->world, err);
    free(own);
    if (rc)
        judging_release(j);
    return rc;
}

/* Judges j's events dated from since into out->claims (appended, naming
 * events by their position in j->events); out->events is set to them,
 * borrowed. */
static int judge(const struct tr_catalog *c, const struct judging *j, const by_type since,
                 struct tr_claim_set *out, struct tr_error *err)
{
    out->events = j->events;
    out->n_events = j->n_events;
    const tr_day *stream_last[3] = {j->cov.track_last, j->cov.release_last, j->cov.artist_last};
    struct cover cover = {&j->world, NULL};
    int rc = scope_claims(c, out, "", stream_last, &cover, since, err);
    tr_day *chart_last = NULL;
    if (!rc && j->n_scopes &&
        !(chart_last = malloc((c->n_tracks ? c->n_tracks : 1) * sizeof *chart_last)))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < j->n_scopes; k++) {
        const struct tr_chart_scope *sc = &j->scopes[k];
        /* a chart's files tell about every track up to its last period, or
         * up to the first period missing: whoever got there in it is unseen */
        for (uint32_t t = 0; t < c->n_tracks; t++)
            chart_last[t] = sc->complete_to;
        const tr_day *last[3] = {chart_last, NULL, NULL};
        char name[sizeof sc->scope];
        memcpy(name, sc->scope, sizeof name);
        char *colon = strchr(name, ':');
        if (colon)
            *colon = '\0';
        tr_day next = sc->first + (strcmp(name, "daily") == 0 ? 1 : 7);
        struct tr_chart_cover chart = {sc->complete, sc->first, next};
        if (colon && tr_chart_from_start(name, colon + 1, sc->first))
            chart.since = TR_DAY_NONE;
        struct cover chart_cover = {NULL, &chart};
        rc = scope_claims(c, out, sc->scope, last, &chart_cover, since, err);
    }
    free(chart_last);
    return rc;
}

/* ---- kept claims ----------------------------------------------------- *
 * One blob for the claims of every stored event: a header, the position of
 * each event that has claims among the stored events (tr_milestone_cmp
 * order), a fixed record per claim naming its event by its place in that
 * list, then those events packed (event_pack.h).  A claimed event is used
 * only where the stored event at its position is the same one, so a kept
 * claim is never read onto another event.  The row also keeps how many
 * events the store held: a request reads the claims back only for that
 * count.  A group's genre is kept as its position among the genres of the
 * event's subject's primary artist, where the records engine takes it
 * from. */

/* The layout's mark: a blob of another layout (claims of an earlier
 * build's, kept for its new days only) is judged again, never misread. */
#define KEPT_MAGIC 0x33434c4354ULL            /* "TCLC3" */

struct kept_head {
    uint64_t magic, n_claims, n_claimed, events_len;
};

struct claim_rec {
    uint32_t event, members, reached, unsettled, previous;
    int32_t day, previous_day, previous_date, margin;
    uint8_t kind, joint, uncertain, doubt;
    uint8_t group_kind, group_gender, group_type, genre;   /* genre: 0xff none */
    char country[4];
    int32_t since;
    uint32_t tracked_members;
    uint8_t scope, pad[3];
};

/* The primary artist of an event's subject, as the records engine has it. */
static const struct tr_artist *subject_artist(const struct tr_catalog *c,
                                              const struct tr_milestone *ev)
{
    uint32_t a = TR_NONE;
    if (ev->subject_type == TR_SUBJECT_TRACK && ev->subject < c->n_tracks) {
        const struct tr_track *t = &c->tracks[tr_catalog_canonical_track(c, ev->subject)];
        a = t->n_artists ? t->artists[0] : TR_NONE;
    } else if (ev->subject_type == TR_SUBJECT_RELEASE && ev->subject < c->n_releases) {
        const struct tr_release *r = &c->releases[ev->subject];
        a = r->n_artists ? r->artists[0] : TR_NONE;
    } else if (ev->subject_type == TR_SUBJECT_ARTIST) {
        a = ev->subject;
    }
    return a < c->n_artists ? &c->artists[a] : NULL;
}

/* A claim as kept; false when its genre is not where the engine takes it. */
static bool claim_put(const struct tr_catalog *c, const struct tr_milestone *ev,
                      const struct tr_claim *cl, uint32_t event, struct claim_rec *r)
{
    memset(r, 0, sizeof *r);
    r->event = event;
    r->members = cl->members;
    r->reached = cl->reached;
    r->unsettled = cl->unsettled;
    r->previous = cl->previous;
    r->day = cl->day;
    r->previous_day = cl->previous_day;
    r->previous_date = cl->previous_date;
    r->margin = cl->margin;
    r->kind = (uint8_t)cl->kind;
    r->joint = cl->joint;
    r->uncertain = cl->uncertain;
    r->doubt = (uint8_t)cl->doubt;
    r->scope = (uint8_t)cl->scope;
    r->since = cl->since;
    r->tracked_members = cl->tracked_members;
    r->group_kind = (uint8_t)cl->group.kind;
    r->group_gender = (uint8_t)cl->group.gender;
    r->group_type = (uint8_t)cl->group.release_type;
    memcpy(r->country, cl->group.country, sizeof cl->group.country);
    r->genre = 0xff;
    if (!cl->group.genre)
        return true;
    const struct tr_artist *a = subject_artist(c, ev);
    for (uint32_t g = 0; a && g < a->n_genres && g < 0xff; g++)
        if (a->genres[g] == cl->group.genre)
            r->genre = (uint8_t)g;
    return r->genre != 0xff;
}

/* A kept claim of event ev; false when it does not fit the catalog. */
static bool claim_get(const struct tr_catalog *c, const struct tr_milestone *ev,
                      const struct claim_rec *r, struct tr_claim *cl)
{
    if (r->kind > TR_CLAIM_FASTEST || r->doubt > TR_DOUBT_OTHERS || r->scope > TR_CLAIM_WORLD)
        return false;
    memset(cl, 0, sizeof *cl);
    cl->kind = (enum tr_claim_kind)r->kind;
    cl->joint = r->joint;
    cl->uncertain = r->uncertain;
    cl->doubt = (enum tr_claim_doubt)r->doubt;
    cl->day = r->day;
    cl->members = r->members;
    cl->reached = r->reached;
    cl->unsettled = r->unsettled;
    cl->previous = r->previous;
    cl->previous_day = r->previous_day;
    cl->previous_date = r->previous_date;
    cl->margin = r->margin;
    cl->scope = (enum tr_claim_scope)r->scope;
    cl->since = r->since;
    cl->tracked_members = r->tracked_members;
    memcpy(cl->group.country, r->country, sizeof cl->group.country);
    cl->group.country[2] = '\0';
    cl->group.kind = (enum tr_artist_kind)r->group_kind;
    cl->group.gender = (enum tr_gender)r->group_gender;
    cl->group.release_type = (enum tr_release_type)r->group_type;
    if (r->genre != 0xff) {
        const struct tr_artist *a = subject_artist(c, ev);
        if (!a || r->genre >= a->n_genres)
            return false;
        cl->group.genre = a->genres[r->genre];
    }
    return true;
}

/* The claims of cs (ordered by event, naming events of cs->events) as
 * kept bytes; sealed: they end with their seal (seal.h).  TR_ESTORE when
 * a claim cannot be kept, TR_ENOMEM. */
static int pack_claims(const struct tr_catalog *c, const struct tr_claim_set *cs, bool sealed,
                       void **out, size_t *len)
{
    size_t n_claimed = 0;
    for (size_t i = 0; i < cs->n_claims; i++)
        n_claimed += i == 0 || cs->claims[i].event != cs->claims[i - 1].event;
    struct tr_milestone *claimed = malloc((n_claimed ? n_claimed : 1) * sizeof *claimed);
    if (!claimed)
        return TR_ENOMEM;
    for (size_t i = 0, k = 0; i < cs->n_claims; i++)
        if (i == 0 || cs->claims[i].event != cs->claims[i - 1].event)
            claimed[k++] = cs->events[cs->claims[i].event];
    struct kept_head h = {KEPT_MAGIC, cs->n_claims, n_claimed,
                          tr_events_packed_size(claimed, n_claimed)};
    size_t pos_at = sizeof h, rec_at = pos_at + n_claimed * sizeof(uint32_t),
           ev_at = rec_at + cs->n_claims * sizeof(struct claim_rec), n = ev_at + h.events_len;
    char *p = calloc(1, n + TR_SEAL_LEN);
    if (!p) {
        free(claimed);
        return TR_ENOMEM;
    }
    memcpy(p, &h, sizeof h);
    for (size_t i = 0, k = 0; i < cs->n_claims; i++) {
        const struct tr_claim *cl = &cs->claims[i];
        if (i > 0 && cl->event != cs->claims[i - 1].event)
            k++;
        uint32_t at = (uint32_t)cl->event;
        struct claim_rec r;
        if (!claim_put(c, &cs->events[cl->event], cl, (uint32_t)k, &r)) {
            free(claimed);
            free(p);
            return TR_ESTORE;
        }
        memcpy(p + pos_at + k * sizeof at, &at, sizeof at);
        memcpy(p + rec_at + i * sizeof r, &r, sizeof r);
    }
    tr_events_pack(claimed, n_claimed, p + ev_at);
    free(claimed);
    if (sealed) {
        tr_seal_put(p, n);
        n += TR_SEAL_LEN;
    }
    *out = p;
    *len = n;
    return 0;
}

static bool same_event(const struct tr_milestone *a, const struct tr_milestone *b)
{
    return tr_milestone_cmp(a, b) == 0 && a->value == b->value && a->day == b->day &&
           a->after == b->after && a->slowest == b->slowest && a->open_start == b->open_start &&
           a->baseline == b->baseline;
}

/* The kept claims of the events of each type t dated before until[t], appended to cs->claims
 * (naming events of cs->events, which sit at positions offset.. among the
 * stored events: those before are dated before since); false when the
 * bytes are not kept claims of these events (each claimed event is checked
 * to be the stored one at its position) or out of memory. */
static bool unpack_claims(const struct tr_catalog *c, struct tr_claim_set *cs, size_t offset,
                          tr_day since, const by_type until, bool sealed, const char *p,
                          size_t len)
{
    struct kept_head h;
    if (sealed) {
        if (!tr_seal_ok(p, len))
            return false;       /* damaged: judged again, like none kept */
        len -= TR_SEAL_LEN;
    }
    if (len < sizeof h)
        return false;
    memcpy(&h, p, sizeof h);
    size_t rest = len - sizeof h;
    if (h.magic != KEPT_MAGIC || h.n_claimed > rest / sizeof(uint32_t) ||
        h.n_claims > (rest - h.n_claimed * sizeof(uint32_t)) / sizeof(struct claim_rec) ||
        h.events_len != rest - h.n_claimed * sizeof(uint32_t) - h.n_claims * sizeof(struct claim_rec))
        return false;
    const char *pos = p + sizeof h, *recs = pos + h.n_claimed * sizeof(uint32_t),
               *packed = recs + h.n_claims * sizeof(struct claim_rec);
    struct tr_milestone *claimed = NULL;
    size_t n_claimed = 0, cap = 0;
    bool ok = tr_events_unpack(c, packed, h.events_len, &claimed, &n_claimed, &cap) &&
              n_claimed == h.n_claimed;
    /* where each claimed event is in cs->events; SIZE_MAX: not wanted */
    size_t *at = ok ? malloc((n_claimed ? n_claimed : 1) * sizeof *at) : NULL;
    struct tr_claim *all = ok ? realloc(cs->claims, (cs->n_claims + h.n_claims + 1) * sizeof *all) : NULL;
    ok = at && all;
    if (all)
        cs->claims = all;
    for (size_t k = 0; ok && k < n_claimed; k++) {
        uint32_t q;
        memcpy(&q, pos + k * sizeof q, sizeof q);
        at[k] = SIZE_MAX;
        if (claimed[k].subject_type > TR_SUBJECT_ARTIST) {
            ok = false;
            break;
        }
        if (claimed[k].date >= until[claimed[k].subject_type])
            continue;               /* judged again */
        if (q < offset)
            ok = claimed[k].date < since;      /* before the events asked for */
        else if ((at[k] = q - offset) >= cs->n_events || !same_event(&claimed[k], &cs->events[at[k]]))
            ok = false;
    }
    for (size_t i = 0; ok && i < h.n_claims; i++) {
        struct claim_rec r;
        memcpy(&r, recs + i * sizeof r, sizeof r);
        if (r.event >= n_claimed) {
            ok = false;
        } else if (at[r.event] != SIZE_MAX) {
            struct tr_claim *cl = &cs->claims[cs->n_claims];
            ok = claim_get(c, &claimed[r.event], &r, cl);
            cl->event = at[r.event];
            cs->n_claims += ok;
        }
    }
    free(at);
    free(claimed);
    return ok;
}

/* The kept claims when they cover since (inside a transaction); *hit
 * false when none fit. */
static int read_kept(struct tr_store *s, tr_day since, struct tr_claim_set *out, bool *hit,
                     struct tr_error *err)
{
    tr_day kept_since = TR_DAY_NONE;
    uint64_t n_events = 0, stored = 0;
    void *data = NULL;
    size_t len = 0;
    *hit = false;
    int rc = s->be->ops->get_claims(s->be, &kept_since, &n_events, &data, &len, err);
    if (rc || !data || since < kept_since ||
        (rc = s->be->ops->count_events(s->be, &stored, err)) || stored != n_events)
        goto out;
    /* the events from since: the last ones (events are in date order) */
    struct tr_milestone_filter f = TR_MILESTONE_FILTER_ALL;
    f.since = since;
    if ((rc = s->be->ops->load_events(s->be, s->catalog, &f, &out->events, &out->n_events, err)))
        goto out;
    tr_store_sort_events(out->events, out->n_events);
    const by_type all = {INT32_MAX, INT32_MAX, INT32_MAX};
    if (out->n_events <= stored &&
        unpack_claims(s->catalog, out, (size_t)stored - out->n_events, since, all,
                      s->be->sealed, data, len)) {
        *hit = true;
        rc = index_claims(out, since, err);
    }
out:
    free(data);
    if (!*hit || rc)
        tr_claim_set_release(out);
    return rc;
}

/* ---- the interface --------------------------------------------------- */

/* Leaves out the claims of baselines (cs->events named, in any order). */
static void drop_baselines(struct tr_claim_set *cs)
{
    size_t k = 0;
    for (size_t i = 0; i < cs->n_claims; i++)
        if (!cs->events[cs->claims[i].event].baseline)
            cs->claims[k++] = cs->claims[i];
    cs->n_claims = k;
}

int tr_store_claims(struct tr_store *s, tr_day since, bool baselines, struct tr_claim_set *out,
                    struct tr_error *err)
{
    const struct tr_catalog *c;
    struct tr_read_txn t;
    bool hit = false;
    memset(out, 0, sizeof *out);
    int rc = tr_store_catalog(s, &c, err);
    if (!rc && !(rc = tr_store_read_begin(s, &t, err))) {
        /* the kept claims, else judged now, in the one snapshot */
        rc = baselines ? 0 : read_kept(s, since, out, &hit, err);
        struct judging j;
        if (!rc && !hit && !(rc = judging_load(s, NULL, 0, &j, err))) {
            const by_type each = {since, since, since};
            rc = judge(c, &j, each, out, err);
            j.events = NULL;                    /* taken over by out */
            judging_release(&j);
            if (!baselines)
                drop_baselines(out);
            if (!rc)
                rc = index_claims(out, since, err);
        }
        rc = tr_store_read_end(&t, rc, err);
    }
    if (rc)
        tr_claim_set_release(out);
    return rc;
}

/* The kept claims as the store has them, read once per keeping. */
struct kept_blob {
    tr_day since;         /* TR_DAY_NONE: of every event */
    uint64_t n_events;    /* the count of events they were kept for */
    void *data;           /* NULL: none kept */
    size_t len;
};

static int kept_read(struct tr_store *s, struct kept_blob *k, struct tr_error *err)
{
    *k = (struct kept_blob){TR_DAY_NONE, 0, NULL, 0};
    return s->be->ops->get_claims(s->be, &k->since, &k->n_events, &k->data, &k->len, err);
}

/* The kept claims of the events of each type t dated before from[t], into
 * cs (naming events of j); false when none fit. */
static bool kept_before(struct tr_store *s, const struct judging *j, const by_type from,
                        const struct kept_blob *k, struct tr_claim_set *cs)
{
    if (!k->data || k->since != TR_DAY_NONE)
        return false;
    cs->events = j->events;
    cs->n_events = j->n_events;
    bool ok = unpack_claims(s->catalog, cs, 0, TR_DAY_NONE, from, s->be->sealed, k->data, k->len);
    cs->events = NULL;
    cs->n_events = 0;
    if (!ok)
        cs->n_claims = 0;
    return ok;
}

/* Whether the kept claims are of every event stored now, stored events
 * (the row alone: an import that wrote no events keeps what the last one
 * checked). */
static bool kept_whole(const struct kept_blob *k, uint64_t stored)
{
    struct kept_head h = {0};
    if (k->data && k->len >= sizeof h)
        memcpy(&h, k->data, sizeof h);
    return k->data && k->since == TR_DAY_NONE && k->n_events == stored && h.magic == KEPT_MAGIC;
}

int tr_store_keep_claims(struct tr_store *s, tr_day changed, const struct tr_coverage *before,
                         tr_day report_since, const void *state, size_t state_len,
                         size_t *n_claims, struct tr_error *err)
{
    const struct tr_catalog *c = s->catalog;
    struct tr_claim_set cs = {0};
    struct judging j;
    void *data = NULL;
    size_t len = 0;
    uint64_t stored = 0;
    by_type from = {changed, changed, changed};
    /* the kept blob is read once, and only when some of it may be kept */
    struct kept_blob kept = {TR_DAY_NONE, 0, NULL, 0};
    bool kept_in = changed == INT32_MAX;
    if (n_claims)
        *n_claims = 0;
    int rc = s->be->ops->count_events(s->be, &stored, err);
    if (!rc && kept_in)
        rc = kept_read(s, &kept, err);
    if (rc || (kept_in && kept_whole(&kept, stored))) {
        free(kept.data);
        return rc;
    }
    rc = judging_load(s, state, state_len, &j, err);
    if (!rc && before && changed != TR_DAY_NONE) {
        /* a member whose data ended before a day and now go on can settle
         * that day's claims of its type's events */
        const tr_day *b[3] = {before->track_last, before->release_last, before->artist_last};
        const tr_day *a[3] = {j.cov.track_last, j.cov.release_last, j.cov.artist_last};
        by_type moved;
        if (tr_records_unsettled_from(c, b, a, moved))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        for (int t = 0; !rc && t <= TR_SUBJECT_ARTIST; t++)
            if (moved[t] < from[t])
                from[t] = moved[t];
    }
    bool have_kept = false, none_anew = true, kept_none = true;
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++) {
        none_anew = none_anew && from[t] == INT32_MAX;
        kept_none = kept_none && from[t] == TR_DAY_NONE;
    }
    if (!rc && !kept_none && !kept_in)
        rc = kept_read(s, &kept, err);
    if (!rc && !kept_none)
        have_kept = kept_before(s, &j, from, &kept, &cs);
    free(kept.data);              /* unpacked into cs: not held through the judging */
    kept.data = NULL;
    if (!rc && have_kept && none_anew) {
        if (stored == kept.n_events)
            goto out;        /* nothing to judge anew: the kept claims still fit */
        have_kept = false;   /* kept for other events */
        cs.n_claims = 0;
    }
    if (rc)
        goto out;
    if (!have_kept) {
        for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
            from[t] = TR_DAY_NONE;
        none_anew = false;
    }
    size_t n_kept = cs.n_claims;
    cs.events = j.events;
    cs.n_events = j.n_events;
    if (!none_anew && (rc = judge(c, &j, from, &cs, err)))
        goto out;
    drop_baselines(&cs);          /* kept claims hold none: see tr_store_claims */
    for (size_t i = n_kept; n_claims && i < cs.n_claims; i++)
        *n_claims += report_since == TR_DAY_NONE || j.events[cs.claims[i].event].date >= report_since;
    if (cs.n_claims > 1 && sort_claims(&cs)) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = pack_claims(c, &cs, s->be->sealed, &data, &len)) == TR_ESTORE)
        rc = s->be->ops->put_claims(s->be, TR_DAY_NONE, 0, NULL, 0, err);   /* cannot keep them */
    else if (!rc)
        rc = s->be->ops->put_claims(s->be, TR_DAY_NONE, stored, data, len, err);
    else
        rc = tr_error_set(err, rc, "out of memory");
out:
    cs.events = NULL;
    cs.n_events = 0;
    free(kept.data);
    free(data);
    free(cs.claims);
    judging_release(&j);
    return rc;
}

const struct tr_claim *tr_claim_set_of(const struct tr_claim_set *cs, const struct tr_milestone *m,
                                       size_t *n)
{
    /* cs->events are in tr_milestone_cmp order */
    size_t lo = 0, hi = cs->n_events;
    *n = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tr_milestone_cmp(&cs->events[mid], m) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == cs->n_events || tr_milestone_cmp(&cs->events[lo], m) != 0)
        return NULL;
    *n = cs->first[lo + 1] - cs->first[lo];
    return cs->claims + cs->first[lo];
}

void tr_claim_set_release(struct tr_claim_set *cs)
{
    if (!cs)
        return;
    free(cs->events);
    free(cs->claims);
    free(cs->first);
    memset(cs, 0, sizeof *cs);
}
