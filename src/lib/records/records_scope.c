/*
 * records_scope.c: what each claim is true of (docs/records.md, "Scope").
 *
 * The judging engine says what is first, only or fastest among the members
 * the store holds.  This pass says whether that is also true in the world:
 *
 *  - play counts: when a declared coverage row (coverage.csv) contains the
 *    claim's group, every member of the group out since the row's day is in
 *    the catalog, so a claim true among the catalog's members is true among
 *    those (a subset); the subject must itself be out since then, and an
 *    artist's total needs the whole history (a row without a day).
 *  - charts: complete files show every track on the chart in the periods
 *    imported, so the group's competitors are known; what the files do not
 *    say is a competitor's attributes, so a group that constrains one is
 *    world only when every event in the race that may have come by the
 *    date is by an act whose attribute the catalog knows.
 *
 * It also drops the claims that would name a subject without an artist as
 * an act: only a release-type group ("the first album") can name such a
 * subject by its own title.  Tracked claims get the number of the group's
 * acts the store holds on the date (tracked_members).
 */
#include "records/records_scope.h"
#include "trackrecord/array.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum { U_COUNTRY = 1, U_KIND = 2, U_GENDER = 4, U_GENRE = 8, U_ALL = 15 };

/* The primary artist of an event's subject (a recording's canonical
 * track's), as the engine takes the groups from; TR_NONE. */
static uint32_t subject_artist(const struct tr_catalog *c, const struct tr_milestone *ev)
{
    if (ev->subject_type == TR_SUBJECT_TRACK && ev->subject < c->n_tracks) {
        const struct tr_track *t = &c->tracks[tr_catalog_canonical_track(c, ev->subject)];
        return t->n_artists && t->artists[0] < c->n_artists ? t->artists[0] : TR_NONE;
    }
    if (ev->subject_type == TR_SUBJECT_RELEASE && ev->subject < c->n_releases) {
        const struct tr_release *r = &c->releases[ev->subject];
        return r->n_artists && r->artists[0] < c->n_artists ? r->artists[0] : TR_NONE;
    }
    if (ev->subject_type == TR_SUBJECT_ARTIST && ev->subject < c->n_artists)
        return ev->subject;
    return TR_NONE;
}

/* The attributes of an artist the catalog does not know (U_*). */
static unsigned unknown_of(const struct tr_catalog *c, uint32_t a)
{
    if (a == TR_NONE)
        return U_ALL;
    const struct tr_artist *ar = &c->artists[a];
    return (ar->country[0] ? 0 : U_COUNTRY) | (ar->kind != TR_KIND_UNKNOWN ? 0 : U_KIND) |
           (ar->gender != TR_GENDER_UNKNOWN ? 0 : U_GENDER) | (ar->n_genres ? 0 : U_GENRE);
}

/* The attributes a group constrains, as U_* bits. */
static unsigned constrained(const struct tr_group *g)
{
    return (g->country[0] ? U_COUNTRY : 0) | (g->kind != TR_KIND_UNKNOWN ? U_KIND : 0) |
           (g->gender != TR_GENDER_UNKNOWN ? U_GENDER : 0) | (g->genre ? U_GENRE : 0);
}

static bool same_genre(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Does row r contain group g: every attribute r constrains, g constrains
 * to the same value. */
bool tr_world_row_contains(const struct tr_group *r, const struct tr_group *g)
{
    return (!r->country[0] || strncmp(r->country, g->country, 2) == 0) &&
           (r->kind == TR_KIND_UNKNOWN || r->kind == g->kind) &&
           (r->gender == TR_GENDER_UNKNOWN || r->gender == g->gender) &&
           (!r->genre || (g->genre && strcmp(r->genre, g->genre) == 0)) &&
           (r->release_type == TR_RELEASE_UNKNOWN || r->release_type == g->release_type);
}

/* Does artist a belong to the artist part of group g (release type aside). */
static bool artist_in(const struct tr_catalog *c, uint32_t a, const struct tr_group *g)
{
    const struct tr_artist *ar = &c->artists[a];
    if ((g->country[0] && (ar->country[0] != g->country[0] || ar->country[1] != g->country[1])) ||
        (g->kind != TR_KIND_UNKNOWN && ar->kind != g->kind) ||
        (g->gender != TR_GENDER_UNKNOWN && ar->gender != g->gender))
        return false;
    if (!g->genre)
        return true;
    for (uint32_t i = 0; i < ar->n_genres; i++)
        if (strcmp(ar->genres[i], g->genre) == 0)
            return true;
    return false;
}

/* ---- the earliest crossing by an act of unknown attributes, per race -- */

struct race_unknown {
    enum tr_milestone_kind kind;
    uint64_t threshold;
    uint16_t scope;
    tr_day first[4];                  /* per U_* bit: earliest lo, INT_MAX none */
};

static tr_day event_lo(const struct tr_milestone *ev)
{
    if (ev->open_start)
        return INT_MIN;
    return ev->after != TR_DAY_NONE ? ev->after + 1 : ev->date;
}

static int race_unknowns(const struct tr_records_input *in, struct race_unknown **out, size_t *n)
{
    struct race_unknown *v = NULL;
    size_t k = 0, cap = 0;
    for (size_t e = 0; e < in->n_events; e++) {
        const struct tr_milestone *ev = &in->events[e];
        size_t r = 0;
        while (r < k && !(v[r].kind == ev->kind && v[r].threshold == ev->threshold &&
                          v[r].scope == ev->scope))
            r++;
        if (r == k) {
            int rc = tr_array_reserve(&v, &cap, k + 1);
            if (rc) {
                free(v);
                return rc;
            }
            v[k] = (struct race_unknown){ev->kind, ev->threshold, ev->scope,
                                         {INT_MAX, INT_MAX, INT_MAX, INT_MAX}};
            k++;
        }
        unsigned u = unknown_of(in->catalog, subject_artist(in->catalog, ev));
        tr_day lo = event_lo(ev);
        for (unsigned b = 0; b < 4; b++)
            if ((u & (1u << b)) && lo < v[r].first[b])
                v[r].first[b] = lo;
    }
    *out = v;
    *n = k;
    return TR_OK;
}

/* ---- acts of a group on a date ---------------------------------------- */

struct acts {
    struct tr_group group;
    tr_day *day0;                     /* the group's artists' day 0, sorted;
                                       * unknown ones first (always out) */
    uint32_t n;
};

static bool same_artist_group(const struct tr_group *a, const struct tr_group *b)
{
    return a->country[0] == b->country[0] && a->country[1] == b->country[1] &&
           a->kind == b->kind && a->gender == b->gender && same_genre(a->genre, b->genre);
}

struct acts_cache {
    struct acts *v;
    size_t n, cap;
    uint32_t *slot;                   /* open addressing over v, by group; TR_NONE */
    size_t n_slots;
    tr_day *artist_day0;
};

static uint64_t group_hash(const struct tr_group *g)
{
    uint64_t h = 1469598103934665603ULL;
    const unsigned char *p = (const unsigned char *)(g->genre ? g->genre : "");
    for (; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    h ^= (uint64_t)(unsigned char)g->country[0] << 8 | (uint64_t)(unsigned char)g->country[1] << 16 |
         (uint64_t)g->kind << 24 | (uint64_t)g->gender << 28 | (uint64_t)(g->genre != NULL) << 32;
    h *= 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

/* The slot of g's entry, or of the empty slot where it goes. */
static size_t acts_slot(const struct acts_cache *ac, const struct tr_group *g)
{
    size_t i = (size_t)group_hash(g) & (ac->n_slots - 1);
    while (ac->slot[i] != TR_NONE && !same_artist_group(&ac->v[ac->slot[i]].group, g))
        i = (i + 1) & (ac->n_slots - 1);
    return i;
}

static int acts_grow(struct acts_cache *ac)
{
    size_t n = ac->n_slots ? 2 * ac->n_slots : 64;
    uint32_t *slot = malloc(n * sizeof *slot), *old = ac->slot;
    if (!slot)
        return TR_ENOMEM;
    memset(slot, 0xff, n * sizeof *slot);
    ac->slot = slot;
    ac->n_slots = n;
    for (size_t k = 0; k < ac->n; k++)
        ac->slot[acts_slot(ac, &ac->v[k].group)] = (uint32_t)k;
    free(old);
    return TR_OK;
}

static int day_cmp(const void *a, const void *b)
{
    tr_day x = *(const tr_day *)a, y = *(const tr_day *)b;
    return (x > y) - (x < y);
}


/* The acts of g's artist attributes out by D (an unknown day 0 is out). */
static int acts_on(const struct tr_catalog *c, struct acts_cache *ac, const struct tr_group *g,
                   tr_day D, uint32_t *count)
{
    if (!ac->artist_day0 && tr_catalog_artist_days(c, &ac->artist_day0))
        return TR_ENOMEM;
    if (2 * (ac->n + 1) > ac->n_slots && acts_grow(ac))
        return TR_ENOMEM;
    size_t at = acts_slot(ac, g), i = ac->slot[at];
    if (i == TR_NONE) {
        i = ac->n;
        int rc = tr_array_reserve(&ac->v, &ac->cap, ac->n + 1);
        if (rc)
            return rc;
        struct acts *a = &ac->v[ac->n];
        a->group = *g;
        a->group.release_type = TR_RELEASE_UNKNOWN;
        a->n = 0;
        if (!(a->day0 = malloc((c->n_artists ? c->n_artists : 1) * sizeof *a->day0)))
            return TR_ENOMEM;
        for (uint32_t k = 0; k < c->n_artists; k++)
            if (artist_in(c, k, g))
                a->day0[a->n++] = ac->artist_day0[k] == TR_DAY_NONE ? INT_MIN : ac->artist_day0[k];
        qsort(a->day0, a->n, sizeof *a->day0, day_cmp);
        ac->slot[at] = (uint32_t)ac->n++;
    }
    const struct acts *a = &ac->v[i];
    uint32_t lo = 0, hi = a->n;            /* how many day 0 are <= D */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (a->day0[mid] <= D)
            lo = mid + 1;
        else
            hi = mid;
    }
    *count = lo;
    return TR_OK;
}

static void acts_release(struct acts_cache *ac)
{
    for (size_t i = 0; i < ac->n; i++)
        free(ac->v[i].day0);
    free(ac->v);
    free(ac->slot);
    free(ac->artist_day0);
}

/* ---- the pass ---------------------------------------------------------- */

/* The subject's day 0 as the engine counts it: a release's date, a
 * recording's canonical track's day 0 (track_day0: every track's). */
static tr_day subject_day0(const struct tr_catalog *c, const tr_day *track_day0,
                           const struct tr_milestone *ev)
{
    if (ev->subject_type == TR_SUBJECT_RELEASE)
        return c->releases[ev->subject].date;
    return track_day0[tr_catalog_canonical_track(c, ev->subject)];
}

/* The world row that makes the claim world (the one with the earliest
 * day, none first), or NULL. */
static const struct tr_world_row *world_row(const struct tr_records_input *in,
                                            const struct tr_claim *cl, tr_day day0)
{
    const struct tr_milestone *ev = &in->events[cl->event];
    const struct tr_world_row *best = NULL;
    for (size_t r = 0; r < in->n_world; r++) {
        const struct tr_world_row *w = &in->world[r];
        if (!tr_world_row_contains(&w->group, &cl->group))
            continue;
        if (w->since != TR_DAY_NONE &&
            (ev->subject_type == TR_SUBJECT_ARTIST || day0 == TR_DAY_NONE || day0 < w->since))
            continue;       /* an artist's total, or a subject out before the row's day */
        if (!best || w->since == TR_DAY_NONE ||
            (best->since != TR_DAY_NONE && w->since < best->since))
            best = w;
        if (best->since == TR_DAY_NONE)
            break;
    }
    return best;
}

int tr_records_scope_claims(const struct tr_records_input *in, struct tr_claim *cl, size_t *n,
                            struct tr_error *err)
{
    const struct tr_catalog *c = in->catalog;
    struct race_unknown *races = NULL;
    size_t n_races = 0, kept = 0;
    struct acts_cache ac = {0};
    tr_day *track_day0 = NULL;
    bool dated = false;
    int rc = TR_OK;
    for (size_t r = 0; r < in->n_world && !in->chart; r++)
        dated |= in->world[r].since != TR_DAY_NONE;
    if (in->chart && in->chart->complete && *n)
        rc = race_unknowns(in, &races, &n_races);
    if (!rc && dated && *n && tr_catalog_track_days(c, &track_day0))
        rc = TR_ENOMEM;
    for (size_t i = 0; !rc && i < *n; i++) {
        struct tr_claim x = cl[i];
        const struct tr_milestone *ev = &in->events[x.event];
        uint32_t artist = subject_artist(c, ev);
        bool by_release = ev->subject_type == TR_SUBJECT_RELEASE &&
                          x.group.release_type != TR_RELEASE_UNKNOWN;
        if (artist == TR_NONE && !by_release)
            continue;       /* no act to name */
        x.scope = TR_CLAIM_TRACKED;
        x.since = TR_DAY_NONE;
        x.tracked_members = 0;
        if (in->chart) {
            if (in->chart->complete) {
                unsigned need = constrained(&x.group);
                bool known = true;
                for (size_t r = 0; r < n_races; r++)
                    if (races[r].kind == ev->kind && races[r].threshold == ev->threshold &&
                        races[r].scope == ev->scope)
                        for (unsigned b = 0; b < 4; b++)
                            if ((need & (1u << b)) && races[r].first[b] <= ev->date)
                                known = false;
                if (known) {
                    x.scope = TR_CLAIM_WORLD;
                    x.since = ev->kind == TR_MS_CHART_DEBUT ? in->chart->debuts_since
                                                            : in->chart->since;
                }
                /* on the chart when its data begin: it may have got there
                 * before the window the claim speaks of */
                if (known && x.since != TR_DAY_NONE && ev->open_start && !x.uncertain) {
                    x.uncertain = true;
                    x.doubt = TR_DOUBT_OWN_DATE;
                }
            }
        } else {
            const struct tr_world_row *w =
                world_row(in, &x, dated && ev->subject_type != TR_SUBJECT_ARTIST
                                      ? subject_day0(c, track_day0, ev) : TR_DAY_NONE);
            if (w) {
                x.scope = TR_CLAIM_WORLD;
                x.since = w->since;
            }
        }
        /* A window that begins on the event's own day holds no earlier
         * competitor ("the first since today"), and a group of one tracked
         * act only the act itself: neither is a record. */
        if (x.scope == TR_CLAIM_WORLD && x.since != TR_DAY_NONE && x.since >= ev->date)
            continue;
        if (x.scope == TR_CLAIM_TRACKED) {
            rc = acts_on(c, &ac, &x.group, ev->date, &x.tracked_members);
            if (!rc && x.tracked_members <= 1)
                continue;
        }
        cl[kept++] = x;
    }
    free(races);
    free(track_day0);
    acts_release(&ac);
    if (rc)
        return tr_error_set(err, TR_ENOMEM, "records: out of memory");
    *n = kept;
    return TR_OK;
}
