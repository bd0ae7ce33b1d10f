/*
 * claims.c: the records claims of the stored events (tr_store_claims).
 *
 * Each event is judged by the records engine against every stored event,
 * with the coverage that applies to it: a recording's data for play-count
 * milestones (from the engine's state), a chart's imported periods for that
 * chart's milestones.  Claims in a group of one member are left out: "the
 * first and only album" of an act alone in the store says nothing.
 *
 * The daily import judges the events of its new days while it has the
 * catalog and the engine's state at hand, and keeps their claims
 * (tr_store_keep_claims); until the next import changes the store, a
 * request for claims from those days on reads them back instead of judging
 * again.  Any import that writes anything drops or replaces them, so kept
 * claims are always exactly what judging again would give.
 */
#include "app/claims.h"
#include "app/refresh.h"
#include "store/coverage.h"
#include "store/event_pack.h"
#include "store/seal.h"
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

/* The claims of the events of one scope (play counts: "") dated from since. */
static int scope_claims(const struct tr_catalog *c, struct tr_claim_set *cs, const char *scope,
                        const tr_day *const last_day[3], const struct cover *cover, tr_day since,
                        struct tr_error *err)
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
    if (!n || (rc = tr_records_since(&in, since, &cl, &ncl, err)) || !ncl)
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

/* Judges the events dated from since (inside a transaction, catalog
 * loaded); state: the engine's state when the caller has it, else read. */
static int judge(struct tr_store *s, tr_day since, const void *state, size_t state_len,
                 struct tr_claim_set *out, struct tr_error *err)
{
    const struct tr_catalog *c = s->catalog;
    struct tr_milestone_filter all = TR_MILESTONE_FILTER_ALL;
    struct tr_coverage cov = {0};
    struct tr_chart_scope *scopes = NULL;
    struct tr_world_set world = {0};
    size_t n_scopes = 0;
    tr_day *chart_last = NULL;
    void *own = NULL;
    size_t own_len = 0;
    int rc = s->be->ops->load_events(s->be, c, &all, &out->events, &out->n_events, err);
    if (!rc) {
        tr_store_sort_events(out->events, out->n_events);
        if (!state && !(rc = tr_refresh_state(s, &own, &own_len, err))) {
            state = own;
            state_len = own_len;
        }
    }
    if (!rc)
        rc = tr_coverage_of_state(s, state, state_len, &cov, err);
    if (!rc)
        rc = tr_store_chart_scopes(s, &scopes, &n_scopes, err);
    if (!rc)
        rc = tr_world_load(s, &world, err);
    if (!rc) {
        const tr_day *stream_last[3] = {cov.track_last, cov.release_last, cov.artist_last};
        struct cover cover = {&world, NULL};
        rc = scope_claims(c, out, "", stream_last, &cover, since, err);
    }
    if (!rc && n_scopes && !(chart_last = malloc((c->n_tracks ? c->n_tracks : 1) * sizeof *chart_last)))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < n_scopes; k++) {
        /* a chart's files tell about every track up to its last period, or
         * up to the first period missing: whoever got there in it is unseen */
        for (uint32_t t = 0; t < c->n_tracks; t++)
            chart_last[t] = scopes[k].complete_to;
        const tr_day *last[3] = {chart_last, NULL, NULL};
        char name[sizeof scopes[k].scope];
        memcpy(name, scopes[k].scope, sizeof name);
        char *colon = strchr(name, ':');
        if (colon)
            *colon = '\0';
        tr_day next = scopes[k].first + (strcmp(name, "daily") == 0 ? 1 : 7);
        struct tr_chart_cover chart = {scopes[k].complete, scopes[k].first, next};
        if (colon && tr_chart_from_start(name, colon + 1, scopes[k].first))
            chart.since = TR_DAY_NONE;
        struct cover cover = {NULL, &chart};
        rc = scope_claims(c, out, scopes[k].scope, last, &cover, since, err);
    }
    tr_world_release(&world);
    free(own);
    free(scopes);
    free(chart_last);
    tr_coverage_release(&cov);
    return rc ? rc : index_claims(out, since, err);
}

/* ---- kept claims ----------------------------------------------------- *
 * One blob: a header, a fixed record per claim (in the order of the claim
 * set), then the judged events packed (event_pack.h), which the records
 * name by position.  The row also keeps how many events the store held:
 * any import that writes anything replaces or drops the row, and a count
 * that differs (a store written by another build) means judging again.  A
 * group's genre is kept as its position among the genres of the event's
 * subject's primary artist, where the records engine takes it from. */

/* The layout's mark: a blob of another layout (claims kept by an earlier
 * build, without their scope) is judged again, never misread. */
#define KEPT_MAGIC 0x32434c4354ULL            /* "TCLC2" */

struct kept_head {
    uint64_t magic, n_claims, events_len;
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

/* sealed: the bytes end with their seal (seal.h) */
static int pack_claims(const struct tr_catalog *c, const struct tr_claim_set *cs, bool sealed,
                       void **out, size_t *len)
{
    struct kept_head h = {KEPT_MAGIC, cs->n_claims, tr_events_packed_size(cs->events, cs->n_events)};
    size_t n = sizeof h + cs->n_claims * sizeof(struct claim_rec) + h.events_len;
    char *p = calloc(1, n + TR_SEAL_LEN);
    if (!p)
        return TR_ENOMEM;
    memcpy(p, &h, sizeof h);
    for (size_t i = 0; i < cs->n_claims; i++) {
        const struct tr_claim *cl = &cs->claims[i];
        struct claim_rec r;
        memset(&r, 0, sizeof r);
        r.event = (uint32_t)cl->event;
        r.members = cl->members;
        r.reached = cl->reached;
        r.unsettled = cl->unsettled;
        r.previous = cl->previous;
        r.day = cl->day;
        r.previous_day = cl->previous_day;
        r.previous_date = cl->previous_date;
        r.margin = cl->margin;
        r.kind = (uint8_t)cl->kind;
        r.joint = cl->joint;
        r.uncertain = cl->uncertain;
        r.doubt = (uint8_t)cl->doubt;
        r.scope = (uint8_t)cl->scope;
        r.since = cl->since;
        r.tracked_members = cl->tracked_members;
        r.group_kind = (uint8_t)cl->group.kind;
        r.group_gender = (uint8_t)cl->group.gender;
        r.group_type = (uint8_t)cl->group.release_type;
        memcpy(r.country, cl->group.country, sizeof cl->group.country);
        r.genre = 0xff;
        if (cl->group.genre) {
            const struct tr_artist *a = subject_artist(c, &cs->events[cl->event]);
            for (uint32_t g = 0; a && g < a->n_genres && g < 0xff; g++)
                if (a->genres[g] == cl->group.genre)
                    r.genre = (uint8_t)g;
            if (r.genre == 0xff) {        /* not where the engine takes it: keep none */
                free(p);
                return TR_ESTORE;
            }
        }
        memcpy(p + sizeof h + i * sizeof r, &r, sizeof r);
    }
    tr_events_pack(cs->events, cs->n_events, p + sizeof h + cs->n_claims * sizeof(struct claim_rec));
    if (sealed) {
        tr_seal_put(p, n);
        n += TR_SEAL_LEN;
    }
    *out = p;
    *len = n;
    return 0;
}

/* A claim set from kept bytes; false when they do not fit this catalog. */
static bool unpack_claims(const struct tr_catalog *c, struct tr_claim_set *cs, bool sealed,
                          const char *p, size_t len)
{
    struct kept_head h;
    size_t cap = 0;
    if (sealed) {
        if (!tr_seal_ok(p, len))
            return false;       /* damaged: judged again, like none kept */
        len -= TR_SEAL_LEN;
    }
    if (len < sizeof h)
        return false;
    memcpy(&h, p, sizeof h);
    if (h.magic != KEPT_MAGIC || h.n_claims > (len - sizeof h) / sizeof(struct claim_rec) ||
        h.events_len != len - sizeof h - h.n_claims * sizeof(struct claim_rec) ||
        !tr_events_unpack(c, p + sizeof h + h.n_claims * sizeof(struct claim_rec), h.events_len,
                          &cs->events, &cs->n_events, &cap) ||
        !(cs->claims = malloc((h.n_claims ? h.n_claims : 1) * sizeof *cs->claims)))
        return false;
    for (size_t i = 0; i < h.n_claims; i++) {
        struct claim_rec r;
        memcpy(&r, p + sizeof h + i * sizeof r, sizeof r);
        if (r.event >= cs->n_events || r.kind > TR_CLAIM_FASTEST || r.doubt > TR_DOUBT_OTHERS ||
            r.scope > TR_CLAIM_WORLD)
            return false;
        const struct tr_milestone *ev = &cs->events[r.event];
        struct tr_claim *cl = &cs->claims[cs->n_claims++];
        memset(cl, 0, sizeof *cl);
        cl->event = r.event;
        cl->kind = (enum tr_claim_kind)r.kind;
        cl->joint = r.joint;
        cl->uncertain = r.uncertain;
        cl->doubt = (enum tr_claim_doubt)r.doubt;
        cl->day = r.day;
        cl->members = r.members;
        cl->reached = r.reached;
        cl->unsettled = r.unsettled;
        cl->previous = r.previous;
        cl->previous_day = r.previous_day;
        cl->previous_date = r.previous_date;
        cl->margin = r.margin;
        cl->scope = (enum tr_claim_scope)r.scope;
        cl->since = r.since;
        cl->tracked_members = r.tracked_members;
        memcpy(cl->group.country, r.country, sizeof cl->group.country);
        cl->group.country[2] = '\0';
        cl->group.kind = (enum tr_artist_kind)r.group_kind;
        cl->group.gender = (enum tr_gender)r.group_gender;
        cl->group.release_type = (enum tr_release_type)r.group_type;
        if (r.genre != 0xff) {
            const struct tr_artist *a = subject_artist(c, ev);
            if (!a || r.genre >= a->n_genres)
                return false;
            cl->group.genre = a->genres[r.genre];
        }
    }
    return true;
}

/* The kept claims when they cover since (inside a transaction); *hit
 * false when they do not. */
static int read_kept(struct tr_store *s, tr_day since, struct tr_claim_set *out, bool *hit,
                     struct tr_error *err)
{
    tr_day kept_since = TR_DAY_NONE;
    uint64_t n_events = 0, stored = 0;
    void *data = NULL;
    size_t len = 0;
    *hit = false;
    int rc = s->be->ops->get_claims(s->be, &kept_since, &n_events, &data, &len, err);
    if (!rc && data && since != TR_DAY_NONE && since >= kept_since &&
        !(rc = s->be->ops->count_events(s->be, &stored, err)) && stored == n_events &&
        unpack_claims(s->catalog, out, s->be->sealed, data, len)) {
        *hit = true;
        rc = index_claims(out, since, err);
    }
    free(data);
    if (!*hit || rc)
        tr_claim_set_release(out);
    return rc;
}

/* ---- the interface --------------------------------------------------- */

int tr_store_claims(struct tr_store *s, tr_day since, struct tr_claim_set *out,
                    struct tr_error *err)
{
    const struct tr_catalog *c;
    struct tr_read_txn t;
    bool hit = false;
    memset(out, 0, sizeof *out);
    int rc = tr_store_catalog(s, &c, err);
    if (!rc && !(rc = tr_store_read_begin(s, &t, err))) {
        /* the kept claims, else judged now, in the one snapshot */
        rc = read_kept(s, since, out, &hit, err);
        if (!rc && !hit)
            rc = judge(s, since, NULL, 0, out, err);
        rc = tr_store_read_end(&t, rc, err);
    }
    if (rc)
        tr_claim_set_release(out);
    return rc;
}

int tr_store_keep_claims(struct tr_store *s, tr_day since, const void *state, size_t state_len,
                         size_t *n_claims, struct tr_error *err)
{
    struct tr_claim_set cs = {0};
    void *data = NULL;
    size_t len = 0;
    uint64_t stored = 0;
    int rc = judge(s, since, state, state_len, &cs, err);
    if (!rc)
        rc = s->be->ops->count_events(s->be, &stored, err);
    if (!rc && (rc = pack_claims(s->catalog, &cs, s->be->sealed, &data, &len)) == TR_ESTORE)
        rc = s->be->ops->put_claims(s->be, since, 0, NULL, 0, err);   /* cannot keep them */
    else if (!rc)
        rc = s->be->ops->put_claims(s->be, since, stored, data, len, err);
    else if (rc == TR_ENOMEM)
        rc = tr_error_set(err, rc, "out of memory");
    if (n_claims)
        *n_claims = cs.n_claims;
    free(data);
    tr_claim_set_release(&cs);
    return rc;
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
