/*
 * records.c: the records engine (first, first and only, fastest).
 *
 * For an event (subject s, milestone kind and threshold, data date D) and a
 * comparison group G containing s, every other member m of G is summed up by
 * the interval [lo, hi] of days in which it crossed the same milestone: its
 * own event gives (after, date] (or the whole past when open_start); a member
 * without an event crossed, if at all, after its last data day.  Against
 * that, three predicates are judged three-valued (false, uncertain, true):
 *
 *   only     nobody else has lo <= D              (false if some hi <= D)
 *   first    nobody else has lo <= D - 1          (false if some hi < sa,
 *                                                  sa = s's earliest day)
 *   fastest  nobody else who may have reached it by D could have done it in
 *            fewer days than s                    (false if someone surely did)
 *
 * Each predicate can only get weaker as a group grows, so a claim is reported
 * for a group exactly when it holds there and in no strictly more general
 * group with more members; groups with the same members are one group, named
 * by the most general of them (docs/records.md has the rules).
 *
 * What a group needs is a small "tally" of counts and minima over its
 * members.  Two gatherers fill tallies: a scan over the catalog for one event
 * (tr_records_for_event) and, for all events, a sweep through time per race
 * (kind, threshold) with counters per interned group, plus per-group sorted
 * arrays for what does not depend on the race (membership, stale data).
 * Both feed the same evaluation, so the two paths cannot disagree on the
 * rules.
 *
 * The library never prints; errors are returned (TR_EUSAGE for an invalid
 * event, TR_ELIMIT for an artist with too many genres, TR_ENOMEM).
 */
#include "trackrecord/records.h"
#include "records/records_scope.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Day sentinels that survive +-1 without overflow. */
#define NEG_INF (INT32_MIN / 2)
#define POS_INF (INT32_MAX / 2)

enum { A_COUNTRY = 1, A_KIND = 2, A_GENDER = 4, A_TYPE = 8 };
enum { V_F = 0, V_U = 1, V_T = 2 };
enum { P_ONLY = 0, P_FIRST, P_FAST, P_N };

#define MAX_G TR_RECORDS_MAX_GENRES
#define MAX_KC (16 * (1 + MAX_G))                              /* nameable groups */
#define MAX_K (MAX_KC + 16 * (MAX_G * (MAX_G - 1) / 2))         /* and genre pairs */

/* ------------------------------------------------------------------ */
/* Subjects and their attributes                                      */

/* An artist's attributes, as groups use them. */
struct artist_info {
    uint16_t country;                 /* two letters packed, 0 unknown */
    uint8_t kind, gender;
    uint8_t valid;                    /* A_COUNTRY | A_KIND | A_GENDER known */
    uint8_t ng;                       /* distinct genres */
    uint8_t gpos[MAX_G];              /* their positions in tr_artist.genres */
    uint32_t genre[MAX_G];            /* interned genre ids */
    uint32_t cls;                     /* artists with the same attributes (genres in
                                       * the same order) share a class: their
                                       * subjects belong to the same groups */
};

/* What an artist's class is keyed by. */
struct class_key {
    uint32_t genre[MAX_G];
    uint16_t country;
    uint8_t kind, gender, valid, ng;
};

/* The subjects of one type.  Non-canonical tracks (a recording's other
 * track ids) are not members of anything: their events count for the
 * canonical track. */
struct subjects {
    bool built;
    uint32_t n;
    uint32_t *artist;                 /* primary artist, TR_NONE */
    uint8_t *rtype;                   /* release type, 0 when not a release */
    uint32_t *canon;                  /* canonical subject */
    tr_day *day0;                     /* catalog day 0, TR_DAY_NONE */
    tr_day *start;                    /* member from this day; NEG_INF always */
    tr_day *stale;                    /* without an event, may have crossed
                                       * unseen from this day; POS_INF never */
};

/* The local groups of a subject: every combination of the attributes it
 * has (mask over A_*, a subset of valid) with no genre or one of its genres
 * (the nameable candidates, kc of them), then with two genres (used only to
 * tell whether two groups have the same members).  Candidate l is
 * (o + 1) * nsub + rank(mask), o = -1 for no genre. */
struct shape {
    unsigned valid, ng, nsub, kc, k;
};

struct tally {
    uint32_t reached;                 /* others with hi <= D */
    uint32_t maybe;                   /* others with lo <= D */
    uint32_t before_maybe;            /* others with lo <= D - 1 */
    uint32_t before_sure;             /* others with hi <= sa - 1 */
    uint32_t before_sure_exact;       /* others with hi <= D - 1 */
    int32_t fast_sure;                /* fewest days among others with hi <= D */
    tr_day fast_date;
    uint32_t fast_who;
    int32_t fast_maybe;               /* fewest possible days, others lo <= D */
};

/* The event being judged. */
struct own {
    size_t event;
    uint32_t s;                       /* canonical subject */
    uint32_t artist;
    uint8_t rtype;
    tr_day D, sa;                     /* data date, earliest possible crossing */
    int32_t day, min_day;             /* days at D and at sa; TR_DAYN_NONE */
};

struct engine {
    const struct tr_records_input *in;
    const struct tr_catalog *c;
    struct tr_error *err;
    struct artist_info *art;
    struct subjects sub[TR_SUBJECT_ARTIST + 1];
    uint8_t *order[16][MAX_G + 1];    /* candidates by generality, per shape */
    tr_day since;                     /* judge events dated from here; NEG_INF all */
    /* the events of each subject type, in input order, and the latest
     * date among them: each pass of a type goes over its own */
    size_t *of_type[TR_SUBJECT_ARTIST + 1], n_of_type[TR_SUBJECT_ARTIST + 1];
    tr_day last_date[TR_SUBJECT_ARTIST + 1];
    struct tr_claim *claims;
    size_t n_claims, cap_claims;
};

static unsigned popc(unsigned x)
{
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* Rank of mask among the subsets of valid, and back. */
static unsigned sub_rank(unsigned valid, unsigned mask)
{
    unsigned r = 0, b = 0;
    for (unsigned bit = 1; bit < 16; bit <<= 1) {
        if (!(valid & bit))
            continue;
        if (mask & bit)
            r |= 1u << b;
        b++;
    }
    return r;
}

static unsigned sub_mask(unsigned valid, unsigned rank)
{
    unsigned m = 0, b = 0;
    for (unsigned bit = 1; bit < 16; bit <<= 1) {
        if (!(valid & bit))
            continue;
        if (rank & (1u << b))
            m |= bit;
        b++;
    }
    return m;
}

static void shape_init(struct shape *sh, unsigned valid, unsigned ng)
{
    sh->valid = valid;
    sh->ng = ng;
    sh->nsub = 1u << popc(valid);
    sh->kc = sh->nsub * (1 + ng);
    sh->k = sh->kc + sh->nsub * (ng * (ng - (ng > 0)) / 2);
}

static unsigned lg_cand(const struct shape *sh, unsigned mask, int o)
{
    return (unsigned)(o + 1) * sh->nsub + sub_rank(sh->valid, mask);
}

static unsigned pair_rank(unsigned ng, unsigned i, unsigned j)
{
    return i * (2 * ng - i - 1) / 2 + (j - i - 1);
}

static unsigned lg_pair(const struct shape *sh, unsigned mask, unsigned i, unsigned j)
{
    return sh->kc + pair_rank(sh->ng, i, j) * sh->nsub + sub_rank(sh->valid, mask);
}

static void lg_decode(const struct shape *sh, unsigned l, unsigned *mask, int *g1, int *g2)
{
    *mask = sub_mask(sh->valid, l % sh->nsub);
    if (l < sh->kc) {
        *g1 = (int)(l / sh->nsub) - 1;
        *g2 = -1;
        return;
    }
    unsigned p = (l - sh->kc) / sh->nsub;
    for (unsigned i = 0; i < sh->ng; i++)
        for (unsigned j = i + 1; j < sh->ng; j++)
            if (pair_rank(sh->ng, i, j) == p) {
                *g1 = (int)i;
                *g2 = (int)j;
                return;
            }
    *g1 = *g2 = -1;
}

/* The local group whose members are those of both candidates. */
static unsigned lg_meet(const struct shape *sh, unsigned a, unsigned b)
{
    unsigned ma, mb;
    int oa, ob, x;
    lg_decode(sh, a, &ma, &oa, &x);
    lg_decode(sh, b, &mb, &ob, &x);
    if (oa == ob || ob < 0)
        return lg_cand(sh, ma | mb, oa);
    if (oa < 0)
        return lg_cand(sh, ma | mb, ob);
    return lg_pair(sh, ma | mb, (unsigned)(oa < ob ? oa : ob), (unsigned)(oa < ob ? ob : oa));
}

/* Generality: fewer constraints first; then constraints on earlier
 * attributes (country, kind, gender, genre, release type); then the
 * artist's earlier genre. */
struct ord_key {
    unsigned l, n, bits;
    int o;
};

static int ord_cmp(const void *pa, const void *pb)
{
    const struct ord_key *a = pa, *b = pb;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    if (a->bits != b->bits)
        return a->bits > b->bits ? -1 : 1;
    if (a->o != b->o)
        return a->o < b->o ? -1 : 1;
    return 0;
}

static const uint8_t *shape_order(struct engine *E, const struct shape *sh)
{
    uint8_t **slot = &E->order[sh->valid][sh->ng];
    if (*slot)
        return *slot;
    struct ord_key keys[MAX_KC];
    for (unsigned l = 0; l < sh->kc; l++) {
        unsigned mask;
        int o, x;
        lg_decode(sh, l, &mask, &o, &x);
        keys[l].l = l;
        keys[l].o = o;
        keys[l].n = popc(mask) + (o >= 0);
        keys[l].bits = (mask & A_COUNTRY ? 16u : 0) | (mask & A_KIND ? 8u : 0) |
                       (mask & A_GENDER ? 4u : 0) | (o >= 0 ? 2u : 0) | (mask & A_TYPE ? 1u : 0);
    }
    qsort(keys, sh->kc, sizeof keys[0], ord_cmp);
    uint8_t *ord = malloc(sh->kc);
    if (!ord)
        return NULL;
    for (unsigned i = 0; i < sh->kc; i++)
        ord[i] = (uint8_t)keys[i].l;
    *slot = ord;
    return ord;
}

/* ------------------------------------------------------------------ */
/* Small hash maps: genre strings and group keys to dense ids          */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

struct strmap {
    const char **keys;
    uint32_t *vals;
    size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return mix64(h);
}

static int strmap_grow(struct strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = calloc(cap, sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return TR_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = str_hash(m->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return TR_OK;
}

/* The id of s, a new one (n) when first seen. */
static int strmap_intern(struct strmap *m, const char *s, uint32_t *id)
{
    if ((m->n + 1) * 2 > m->cap && strmap_grow(m))
        return TR_ENOMEM;
    size_t j = str_hash(s) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], s) == 0) {
            *id = m->vals[j];
            return TR_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = s;
    m->vals[j] = *id = (uint32_t)m->n++;
    return TR_OK;
}

static void strmap_release(struct strmap *m)
{
    free(m->keys);
    free(m->vals);
}

struct gkey {
    uint32_t a, g1, g2;               /* attributes packed; genre ids + 1, 0 none */
};

struct gmap {
    struct gkey *keys;
    uint32_t *vals;                   /* UINT32_MAX: empty */
    size_t cap, n;
};

static uint64_t gkey_hash(const struct gkey *k)
{
    return mix64(((uint64_t)k->a << 32 | k->g1) ^ mix64(k->g2 + 0x9e3779b97f4a7c15ULL));
}

static int gmap_grow(struct gmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    struct gkey *keys = malloc(cap * sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return TR_ENOMEM;
    }
    memset(vals, 0xff, cap * sizeof *vals);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->vals[i] == UINT32_MAX)
            continue;
        size_t j = gkey_hash(&m->keys[i]) & (cap - 1);
        while (vals[j] != UINT32_MAX)
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return TR_OK;
}

static int gmap_intern(struct gmap *m, const struct gkey *k, uint32_t *id)
{
    if ((m->n + 1) * 2 > m->cap && gmap_grow(m))
        return TR_ENOMEM;
    size_t j = gkey_hash(k) & (m->cap - 1);
    while (m->vals[j] != UINT32_MAX) {
        if (!memcmp(&m->keys[j], k, sizeof *k)) {
            *id = m->vals[j];
            return TR_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = *k;
    m->vals[j] = *id = (uint32_t)m->n++;
    return TR_OK;
}

static void gmap_release(struct gmap *m)
{
    free(m->keys);
    free(m->vals);
}

/* ------------------------------------------------------------------ */
/* Building the engine                                                 */

static enum tr_subject_type kind_subject(enum tr_milestone_kind k)
{
    switch (k) {
    case TR_MS_TRACK_TOTAL:
    case TR_MS_CHART_DEBUT:
    case TR_MS_CHART_PEAK:
    case TR_MS_CHART_PERIODS: return TR_SUBJECT_TRACK;
    case TR_MS_ARTIST_TOTAL: return TR_SUBJECT_ARTIST;
    default: return TR_SUBJECT_RELEASE;
    }
}

static uint32_t type_count(const struct tr_catalog *c, enum tr_subject_type t)
{
    return t == TR_SUBJECT_TRACK ? c->n_tracks : t == TR_SUBJECT_RELEASE ? c->n_releases
                                                                           : c->n_artists;
}

static int check_input(const struct tr_records_input *in, struct tr_error *err)
{
    if (!in || !in->catalog || (in->n_events && !in->events))
        return tr_error_set(err, TR_EUSAGE, "records: no catalog or no events given");
    if (in->n_world && !in->world)
        return tr_error_set(err, TR_EUSAGE, "records: no world rows given");
    for (size_t i = 0; i < in->n_events; i++) {
        const struct tr_milestone *ev = &in->events[i];
        if ((unsigned)ev->kind >= TR_MS_KIND_COUNT)
            return tr_error_set(err, TR_EUSAGE, "records: event %zu: unknown kind %d", i,
                                (int)ev->kind);
        if (ev->subject_type != kind_subject(ev->kind))
            return tr_error_set(err, TR_EUSAGE,
                                "records: event %zu: a %s milestone on a %s", i,
                                tr_milestone_kind_name(ev->kind),
                                tr_subject_type_name(ev->subject_type));
        uint32_t n = type_count(in->catalog, ev->subject_type);
        if (ev->subject >= n)
            return tr_error_set(err, TR_EUSAGE,
                                "records: event %zu: subject %u out of range (catalog has %u)",
                                i, ev->subject, n);
        if (ev->date == TR_DAY_NONE || ev->date <= NEG_INF + 2 || ev->date >= POS_INF - 2)
            return tr_error_set(err, TR_EUSAGE, "records: event %zu: no date", i);
        if (ev->after != TR_DAY_NONE && ev->after >= ev->date)
            return tr_error_set(err, TR_EUSAGE,
                                "records: event %zu: 'after' %d is not before the date %d", i,
                                (int)ev->after, (int)ev->date);
    }
    return TR_OK;
}

static uint16_t pack_country(const char cc[3])
{
    if (!cc[0] || !cc[1])
        return 0;
    return (uint16_t)((unsigned char)cc[0] << 8 | (unsigned char)cc[1]);
}

/* Gives each artist its class: equal attributes, one id (open addressing
 * over the artists' own keys). */
static int classify_artists(struct engine *E)
{
    uint32_t n = E->c->n_artists;
    size_t cap = 64;
    while (cap < (size_t)n * 2)
        cap *= 2;
    uint32_t *slot = malloc(cap * sizeof *slot), n_cls = 0;
    struct class_key *key = malloc((n ? n : 1) * sizeof *key);   /* per class */
    if (!slot || !key) {
        free(slot);
        free(key);
        return TR_ENOMEM;
    }
    memset(slot, 0xff, cap * sizeof *slot);
    for (uint32_t a = 0; a < n; a++) {
        struct artist_info *ai = &E->art[a];
        struct class_key k;
        memset(&k, 0, sizeof k);
        memcpy(k.genre, ai->genre, ai->ng * sizeof *k.genre);
        k.country = ai->country;
        k.kind = ai->kind;
        k.gender = ai->gender;
        k.valid = ai->valid;
        k.ng = ai->ng;
        uint64_t h = 0;
        for (unsigned i = 0; i < ai->ng; i++)
            h = mix64(h ^ k.genre[i]);
        h = mix64(h ^ ((uint64_t)k.country << 32 | (uint64_t)k.kind << 24 |
                       (uint64_t)k.gender << 16 | (uint64_t)k.valid << 8 | k.ng));
        size_t j = h & (cap - 1);
        while (slot[j] != UINT32_MAX && memcmp(&key[slot[j]], &k, sizeof k) != 0)
            j = (j + 1) & (cap - 1);
        if (slot[j] == UINT32_MAX) {
            key[n_cls] = k;
            slot[j] = n_cls++;
        }
        ai->cls = slot[j];
    }
    free(slot);
    free(key);
    return TR_OK;
}

static int build_artists(struct engine *E)
{
    const struct tr_catalog *c = E->c;
    struct strmap genres = {0};
    int rc = TR_OK;
    E->art = calloc(c->n_artists ? c->n_artists : 1, sizeof *E->art);
    if (!E->art) {
        rc = tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
        goto done;
    }
    for (uint32_t a = 0; a < c->n_artists; a++) {
        const struct tr_artist *ar = &c->artists[a];
        struct artist_info *ai = &E->art[a];
        ai->country = pack_country(ar->country);
        ai->kind = (uint8_t)ar->kind;
        ai->gender = (uint8_t)ar->gender;
        ai->valid = (ai->country ? A_COUNTRY : 0) | (ai->kind ? A_KIND : 0) |
                    (ai->gender ? A_GENDER : 0);
        for (uint32_t g = 0; g < ar->n_genres; g++) {
            const char *name = ar->genres[g];
            if (!name || !*name)
                continue;
            uint32_t id;
            if (strmap_intern(&genres, name, &id)) {
                rc = tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
                goto done;
            }
            bool dup = false;
            for (unsigned i = 0; i < ai->ng; i++)
                dup |= ai->genre[i] == id;
            if (dup)
                continue;
            if (ai->ng == MAX_G) {
                rc = tr_error_set(E->err, TR_ELIMIT,
                                  "records: artist '%s': more than %d genres",
                                  ar->id ? ar->id : "?", MAX_G);
                goto done;
            }
            ai->gpos[ai->ng] = (uint8_t)g;
            ai->genre[ai->ng++] = id;
        }
    }
    if (classify_artists(E))
        rc = tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
done:
    strmap_release(&genres);
    return rc;
}

static void subjects_release(struct subjects *S)
{
    free(S->artist);
    free(S->rtype);
    free(S->canon);
    free(S->day0);
    free(S->start);
    free(S->stale);
    memset(S, 0, sizeof *S);
}

/* Day 0 of every subject of a type, in one pass, as the milestone engine
 * counts it: a recording counts from its canonical track's day 0 (so an
 * album version counts from the album, as the event's "day N" does). */
static int subject_days(const struct tr_catalog *c, enum tr_subject_type t,
                        const uint32_t *canon, tr_day *day0)
{
    if (t == TR_SUBJECT_RELEASE) {
        for (uint32_t i = 0; i < c->n_releases; i++)
            day0[i] = c->releases[i].date;
        return TR_OK;
    }
    tr_day *d;
    uint32_t n = t == TR_SUBJECT_TRACK ? c->n_tracks : c->n_artists;
    if ((t == TR_SUBJECT_TRACK ? tr_catalog_track_days(c, &d) : tr_catalog_artist_days(c, &d)))
        return TR_ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        day0[i] = t == TR_SUBJECT_TRACK ? d[canon[i]] : d[i];
    free(d);
    return TR_OK;
}

/* Attributes, canonical ids, day 0, membership start and staleness of the
 * subjects of one type. */
static int build_subjects(struct engine *E, enum tr_subject_type t)
{
    struct subjects *S = &E->sub[t];
    const struct tr_catalog *c = E->c;
    if (S->built)
        return TR_OK;
    uint32_t n = type_count(c, t);
    size_t cap = n ? n : 1;
    tr_day *last_ev = malloc(cap * sizeof *last_ev);
    S->artist = malloc(cap * sizeof *S->artist);
    S->rtype = calloc(cap, 1);
    S->canon = malloc(cap * sizeof *S->canon);
    S->day0 = malloc(cap * sizeof *S->day0);
    S->start = malloc(cap * sizeof *S->start);
    S->stale = malloc(cap * sizeof *S->stale);
    if (!last_ev || !S->artist || !S->rtype || !S->canon || !S->day0 || !S->start ||
        !S->stale) {
        free(last_ev);
        subjects_release(S);
        return tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
    }
    S->n = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t a = TR_NONE;
        S->canon[i] = i;
        if (t == TR_SUBJECT_TRACK) {
            const struct tr_track *tr = &c->tracks[i];
            a = tr->n_artists ? tr->artists[0] : TR_NONE;
            S->canon[i] = tr_catalog_canonical_track(c, i);
        } else if (t == TR_SUBJECT_RELEASE) {
            const struct tr_release *r = &c->releases[i];
            a = r->n_artists ? r->artists[0] : TR_NONE;
            S->rtype[i] = (uint8_t)r->type;
        } else {
            a = i;
        }
        S->artist[i] = a < c->n_artists ? a : TR_NONE;
        last_ev[i] = TR_DAY_NONE;
        S->start[i] = POS_INF;                    /* earliest event, for now */
    }
    int rc = subject_days(c, t, S->canon, S->day0);
    if (rc) {
        free(last_ev);
        subjects_release(S);
        return tr_error_set(E->err, rc, "records: out of memory");
    }
    for (size_t i = 0; i < E->n_of_type[t]; i++) {
        const struct tr_milestone *ev = &E->in->events[E->of_type[t][i]];
        uint32_t k = S->canon[ev->subject];
        if (ev->date < S->start[k])
            S->start[k] = ev->date;
        if (last_ev[k] == TR_DAY_NONE || ev->date > last_ev[k])
            last_ev[k] = ev->date;
    }
    const tr_day *last = E->in->last_day[t];
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = S->canon[i];
        tr_day d0 = S->day0[k];
        tr_day first_ev = S->start[k];
        S->start[i] = d0 == TR_DAY_NONE ? NEG_INF : first_ev < d0 ? first_ev : d0;
        if (!last) {
            S->stale[i] = POS_INF;
            continue;
        }
        /* An event is a day with data, whatever the coverage says. */
        tr_day L = last[k];
        if (last_ev[k] != TR_DAY_NONE && (L == TR_DAY_NONE || L < last_ev[k]))
            L = last_ev[k];
        tr_day lo = L == TR_DAY_NONE ? NEG_INF : L + 1;
        S->stale[i] = lo < S->start[i] ? S->start[i] : lo;
    }
    free(last_ev);
    S->built = true;
    return TR_OK;
}

static void subject_shape(const struct engine *E, const struct subjects *S, uint32_t m,
                          struct shape *sh)
{
    uint32_t a = S->artist[m];
    unsigned valid = (a != TR_NONE ? E->art[a].valid : 0) | (S->rtype[m] ? A_TYPE : 0);
    shape_init(sh, valid, a != TR_NONE ? E->art[a].ng : 0);
}

/* The crossing interval of an event, no earlier than the subject's start. */
static void event_interval(const struct tr_milestone *ev, tr_day start, tr_day *lo, tr_day *hi)
{
    tr_day l = ev->after != TR_DAY_NONE ? ev->after + 1 : ev->open_start ? NEG_INF : ev->date;
    *lo = l < start ? start : l;
    *hi = ev->date;
}

static int32_t days_at(tr_day when, tr_day d0)
{
    if (d0 == TR_DAY_NONE || when <= NEG_INF || when >= POS_INF)
        return TR_DAYN_NONE;
    return when - d0;
}

static void own_init(const struct engine *E, size_t e, struct own *o)
{
    const struct tr_milestone *ev = &E->in->events[e];
    const struct subjects *S = &E->sub[ev->subject_type];
    uint32_t s = S->canon[ev->subject];
    o->event = e;
    o->s = s;
    o->artist = S->artist[s];
    o->rtype = S->rtype[s];
    event_interval(ev, S->start[s], &o->sa, &o->D);
    o->day = days_at(o->D, S->day0[s]);
    o->min_day = o->day == TR_DAYN_NONE ? TR_DAYN_NONE
                 : o->sa <= NEG_INF     ? NEG_INF
                                        : o->day - (o->D - o->sa);
}

static bool same_race(const struct tr_milestone *a, const struct tr_milestone *b)
{
    return tr_milestone_same(a, b);
}

/* ------------------------------------------------------------------ */
/* Tallies                                                             */

static void tally_init(struct tally *t)
{
    memset(t, 0, sizeof *t);
    t->fast_sure = POS_INF;
    t->fast_date = TR_DAY_NONE;
    t->fast_who = TR_NONE;
    t->fast_maybe = POS_INF;
}

/* Ties for the previous fastest go to the earlier crossing, then the
 * lower index, so that every path names the same member. */
static bool fast_before(int32_t v, tr_day date, uint32_t who, int32_t v2, tr_day date2,
                        uint32_t who2)
{
    if (v != v2)
        return v < v2;
    if (date != date2)
        return date < date2;
    return who < who2;
}

static void tally_merge(struct tally *t, const struct tally *u)
{
    t->reached += u->reached;
    t->maybe += u->maybe;
    t->before_maybe += u->before_maybe;
    t->before_sure += u->before_sure;
    t->before_sure_exact += u->before_sure_exact;
    if (u->fast_who != TR_NONE &&
        (t->fast_who == TR_NONE ||
         fast_before(u->fast_sure, u->fast_date, u->fast_who, t->fast_sure, t->fast_date,
                     t->fast_who))) {
        t->fast_sure = u->fast_sure;
        t->fast_date = u->fast_date;
        t->fast_who = u->fast_who;
    }
    if (u->fast_maybe < t->fast_maybe)
        t->fast_maybe = u->fast_maybe;
}

/* One other member m, crossing in [lo, hi], day 0 d0. */
static void tally_add(struct tally *t, const struct own *o, uint32_t m, tr_day lo, tr_day hi,
                      tr_day d0)
{
    if (hi <= o->D) {
        t->reached++;
        int32_t dh = days_at(hi, d0);
        if (dh != TR_DAYN_NONE &&
            (t->fast_who == TR_NONE ||
             fast_before(dh, hi, m, t->fast_sure, t->fast_date, t->fast_who))) {
            t->fast_sure = dh;
            t->fast_date = hi;
            t->fast_who = m;
        }
    }
    if (lo <= o->D) {
        t->maybe++;
        int32_t dl = days_at(lo, d0);
        if (dl == TR_DAYN_NONE)
            dl = NEG_INF;
        if (dl < t->fast_maybe)
            t->fast_maybe = dl;
    }
    if (lo <= o->D - 1)
        t->before_maybe++;
    if (hi <= o->sa - 1)
        t->before_sure++;
    if (hi <= o->D - 1)
        t->before_sure_exact++;
}

static int val_of(int p, const struct tally *t, const struct own *o)
{
    switch (p) {
    case P_ONLY:
        return t->maybe == 0 ? V_T : t->reached > 0 ? V_F : V_U;
    case P_FIRST:
        return t->before_maybe == 0 ? V_T : t->before_sure > 0 ? V_F : V_U;
    default:
        if (o->day == TR_DAYN_NONE)
            return V_F;
        if (t->fast_who != TR_NONE && t->fast_sure < o->min_day)
            return V_F;
        return t->fast_maybe >= o->day ? V_T : V_U;
    }
}

/* Every predicate false from what surely happened alone (reached,
 * before_sure, fast_sure): then nothing uncertain can change it. */
static bool tally_false(const struct tally *t, const struct own *o)
{
    return t->reached > 0 && t->before_sure > 0 &&
           (o->day == TR_DAYN_NONE || (t->fast_who != TR_NONE && t->fast_sure < o->min_day));
}

/* ------------------------------------------------------------------ */
/* Evaluation: predicates, most general classes, claims                */

typedef uint32_t (*count_fn)(void *ctx, unsigned l);

struct eval {
    struct engine *E;
    const struct own *o;
    const struct shape *sh;
    const struct tally *t;            /* kc tallies */
    uint8_t val[P_N][MAX_KC];
    uint32_t N[MAX_K];                /* members, UINT32_MAX until asked */
    count_fn count;
    void *cctx;
};

static uint32_t members_of(struct eval *ev, unsigned l)
{
    if (ev->N[l] == UINT32_MAX)
        ev->N[l] = ev->count(ev->cctx, l);
    return ev->N[l];
}

static bool same_members(struct eval *ev, unsigned a, unsigned b)
{
    uint32_t na = members_of(ev, a);
    return na == members_of(ev, b) && na == members_of(ev, lg_meet(ev->sh, a, b));
}

/* A strictly more general candidate with more members where the predicate
 * holds (v == V_T) or may hold (v == V_U). */
static bool dominated(struct eval *ev, int p, int v, unsigned l)
{
    unsigned mask;
    int o, x;
    lg_decode(ev->sh, l, &mask, &o, &x);
    uint32_t n = members_of(ev, l);
    for (unsigned sub = mask;; sub = (sub - 1) & mask) {
        for (int oo = o; oo >= -1; oo = oo < 0 ? -2 : -1) {
            if (sub == mask && oo == o)
                continue;
            unsigned g = lg_cand(ev->sh, sub, oo);
            int w = ev->val[p][g];
            if ((v == V_T ? w == V_T : w != V_F) && members_of(ev, g) > n)
                return true;
        }
        if (!sub)
            break;
    }
    return false;
}

/* The representatives (most general names) of the reportable classes of
 * predicate p at value v, in generality order. */
static unsigned reportable(struct eval *ev, const uint8_t *ord, int p, int v, unsigned *reps)
{
    unsigned nrep = 0;
    bool dom[MAX_KC];
    for (unsigned i = 0; i < ev->sh->kc; i++) {
        unsigned l = ord[i];
        if (ev->val[p][l] != v)
            continue;
        bool d = dominated(ev, p, v, l);
        unsigned r = 0;
        while (r < nrep && !same_members(ev, l, reps[r]))
            r++;
        if (r == nrep) {
            reps[nrep] = l;
            dom[nrep++] = d;
        } else {
            dom[r] |= d;
        }
    }
    unsigned k = 0;
    for (unsigned r = 0; r < nrep; r++)
        if (!dom[r])
            reps[k++] = reps[r];
    return k;
}

static void group_of(const struct engine *E, const struct own *o, const struct shape *sh,
                     unsigned l, struct tr_group *g)
{
    unsigned mask;
    int gi, x;
    lg_decode(sh, l, &mask, &gi, &x);
    memset(g, 0, sizeof *g);
    if (o->artist != TR_NONE) {
        const struct tr_artist *ar = &E->c->artists[o->artist];
        const struct artist_info *ai = &E->art[o->artist];
        if (mask & A_COUNTRY)
            memcpy(g->country, ar->country, 2);
        if (mask & A_KIND)
            g->kind = ar->kind;
        if (mask & A_GENDER)
            g->gender = ar->gender;
        if (gi >= 0)
            g->genre = ar->genres[ai->gpos[gi]];
    }
    if (mask & A_TYPE)
        g->release_type = (enum tr_release_type)o->rtype;
}

static int push_claim(struct engine *E, const struct tr_claim *cl)
{
    if (E->n_claims == E->cap_claims) {
        size_t cap = E->cap_claims ? E->cap_claims * 2 : 256;
        struct tr_claim *p = realloc(E->claims, cap * sizeof *p);
        if (!p)
            return tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
        E->claims = p;
        E->cap_claims = cap;
    }
    E->claims[E->n_claims++] = *cl;
    return TR_OK;
}

static int emit(struct eval *ev, enum tr_claim_kind kind, int v, unsigned l)
{
    const struct tally *t = &ev->t[l];
    const struct own *o = ev->o;
    struct tr_claim cl;
    memset(&cl, 0, sizeof cl);
    cl.event = o->event;
    cl.kind = kind;
    group_of(ev->E, o, ev->sh, l, &cl.group);
    cl.uncertain = v == V_U;
    cl.day = o->day;
    cl.members = members_of(ev, l);
    cl.reached = t->reached + 1;
    cl.unsettled = t->maybe - t->reached;
    cl.previous = TR_NONE;
    cl.previous_day = TR_DAYN_NONE;
    cl.previous_date = TR_DAY_NONE;
    cl.margin = TR_DAYN_NONE;
    if (kind == TR_CLAIM_FIRST)
        cl.joint = v == V_T && t->reached > 0;
    if (kind == TR_CLAIM_FASTEST) {
        cl.joint = v == V_T && t->fast_who != TR_NONE && t->fast_sure == o->day;
        if (t->fast_who != TR_NONE) {
            cl.previous = t->fast_who;
            cl.previous_day = t->fast_sure;
            cl.previous_date = t->fast_date;
            cl.margin = t->fast_sure - o->day;
        }
    }
    if (v == V_U) {
        /* Would an exact crossing on D settle it?  Then the own date is
         * what leaves it open. */
        bool own = (kind == TR_CLAIM_FIRST && t->before_sure_exact > 0) ||
                   (kind == TR_CLAIM_FASTEST && t->fast_who != TR_NONE &&
                    t->fast_sure < o->day);
        cl.doubt = own ? TR_DOUBT_OWN_DATE : TR_DOUBT_OTHERS;
    }
    return push_claim(ev->E, &cl);
}

/* Judges one event from its candidates' tallies and emits its claims. */
static int evaluate(struct engine *E, const struct own *o, const struct shape *sh,
                    const struct tally *t, count_fn count, void *cctx)
{
    struct eval ev;
    bool any = false;
    ev.E = E;
    ev.o = o;
    ev.sh = sh;
    ev.t = t;
    ev.count = count;
    ev.cctx = cctx;
    for (int p = 0; p < P_N; p++)
        for (unsigned l = 0; l < sh->kc; l++) {
            ev.val[p][l] = (uint8_t)val_of(p, &t[l], o);
            any |= ev.val[p][l] != V_F;
        }
    if (!any)
        return TR_OK;
    memset(ev.N, 0xff, sh->k * sizeof ev.N[0]);
    const uint8_t *ord = shape_order(E, sh);
    if (!ord)
        return tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
    for (int v = V_T; v >= V_U; v--) {
        unsigned reps[P_N][MAX_KC], nrep[P_N];
        for (int p = 0; p < P_N; p++)
            nrep[p] = reportable(&ev, ord, p, v, reps[p]);
        for (unsigned i = 0; i < nrep[P_ONLY]; i++)
            if (emit(&ev, TR_CLAIM_FIRST_AND_ONLY, v, reps[P_ONLY][i]))
                return TR_ENOMEM;
        for (unsigned i = 0; i < nrep[P_FIRST]; i++) {
            unsigned l = reps[P_FIRST][i], j = 0;
            while (j < nrep[P_ONLY] && reps[P_ONLY][j] != l)
                j++;
            if (j == nrep[P_ONLY] && emit(&ev, TR_CLAIM_FIRST, v, l))
                return TR_ENOMEM;
        }
        for (unsigned i = 0; i < nrep[P_FAST]; i++) {
            unsigned l = reps[P_FAST][i];
            if (ev.val[P_ONLY][l] != V_T && emit(&ev, TR_CLAIM_FASTEST, v, l))
                return TR_ENOMEM;
        }
    }
    return TR_OK;
}

/* ------------------------------------------------------------------ */
/* One event: a scan over the catalog                                  */

struct bucket {
    uint32_t members;
    struct tally t;
};

struct scan_counts {
    uint32_t N[MAX_K];
};

static uint32_t scan_count(void *ctx, unsigned l)
{
    return ((struct scan_counts *)ctx)->N[l];
}

static int claims_scan(struct engine *E, size_t e)
{
    const struct tr_milestone *ev = &E->in->events[e];
    const struct subjects *S = &E->sub[ev->subject_type];
    const struct tr_catalog *c = E->c;
    struct own o;
    struct shape sh;
    own_init(E, e, &o);
    subject_shape(E, S, o.s, &sh);

    size_t nb = (size_t)16 << sh.ng;
    tr_day *lo = malloc((S->n ? S->n : 1) * sizeof *lo);
    tr_day *hi = malloc((S->n ? S->n : 1) * sizeof *hi);
    uint8_t *rel = malloc(c->n_artists + 1);        /* agreement with s's artist */
    uint8_t *relg = calloc(c->n_artists + 1, 1);    /* s's genres each artist has */
    struct bucket *b = calloc(nb, sizeof *b);
    uint32_t *used = malloc(nb * sizeof *used);         /* buckets with members */
    size_t n_used = 0;
    struct scan_counts *cnt = malloc(sizeof *cnt);
    struct tally t[MAX_KC];
    int rc = TR_OK;
    if (!lo || !hi || !rel || !relg || !b || !used || !cnt) {
        rc = tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
        goto done;
    }
    for (uint32_t m = 0; m < S->n; m++)
        hi[m] = POS_INF;
    for (size_t j = 0; j < E->in->n_events; j++) {
        const struct tr_milestone *x = &E->in->events[j];
        if (x->subject_type != ev->subject_type || !same_race(x, ev))
            continue;
        uint32_t m = S->canon[x->subject];
        tr_day l, h;
        event_interval(x, S->start[m], &l, &h);
        if (h < hi[m] || (h == hi[m] && l < lo[m])) {
            lo[m] = l;
            hi[m] = h;
        }
    }
    const struct artist_info *sa = o.artist != TR_NONE ? &E->art[o.artist] : NULL;
    for (uint32_t a = 0; a < c->n_artists; a++) {
        const struct artist_info *ai = &E->art[a];
        rel[a] = 0;
        if (!sa)
            continue;
        rel[a] = (uint8_t)((sa->country && ai->country == sa->country ? A_COUNTRY : 0) |
                           (sa->kind && ai->kind == sa->kind ? A_KIND : 0) |
                           (sa->gender && ai->gender == sa->gender ? A_GENDER : 0));
        for (unsigned i = 0; i < sa->ng; i++)
            for (unsigned j = 0; j < ai->ng; j++)
                if (ai->genre[j] == sa->genre[i])
                    relg[a] |= (uint8_t)(1u << i);
    }
    for (size_t i = 0; i < nb; i++)
        tally_init(&b[i].t);
    for (uint32_t m = 0; m < S->n; m++) {
        if (S->canon[m] != m || m == o.s || S->start[m] > o.D)
            continue;
        uint32_t a = S->artist[m];
        unsigned A = a != TR_NONE ? rel[a] : 0;
        unsigned GA = a != TR_NONE ? relg[a] : 0;
        if (o.rtype && S->rtype[m] == o.rtype)
            A |= A_TYPE;
        struct bucket *bk = &b[A | GA << 4];
        if (!bk->members++)
            used[n_used++] = A | GA << 4;
        if (hi[m] < POS_INF)
            tally_add(&bk->t, &o, m, lo[m], hi[m], S->day0[m]);
        else
            tally_add(&bk->t, &o, m, S->stale[m], POS_INF, S->day0[m]);
    }
    for (unsigned l = 0; l < sh.k; l++) {
        unsigned mask;
        int g1, g2;
        lg_decode(&sh, l, &mask, &g1, &g2);
        unsigned need = (g1 >= 0 ? 1u << g1 : 0) | (g2 >= 0 ? 1u << g2 : 0);
        struct tally sum;
        tally_init(&sum);
        uint32_t n = 1;                               /* s itself */
        for (size_t u = 0; u < n_used; u++) {
            uint32_t k = used[u];
            unsigned A = k & 15, GA = k >> 4;
            if ((mask & ~A) || (need & ~GA))
                continue;
            n += b[k].members;
            if (l < sh.kc)
                tally_merge(&sum, &b[k].t);
        }
        cnt->N[l] = n;
        if (l < sh.kc)
            t[l] = sum;
    }
    rc = evaluate(E, &o, &sh, t, scan_count, cnt);
done:
    free(lo);
    free(hi);
    free(rel);
    free(relg);
    free(b);
    free(used);
    free(cnt);
    return rc;
}

/* ------------------------------------------------------------------ */
/* All events: a sweep through time per race                           */

/* Smallest two entries by (value, date, who), distinct subjects. */
struct top2 {
    int32_t v[2];
    tr_day date[2];
    uint32_t who[2];
};

static void top2_init(struct top2 *t)
{
    for (int i = 0; i < 2; i++) {
        t->v[i] = POS_INF;
        t->date[i] = TR_DAY_NONE;
        t->who[i] = TR_NONE;
    }
}

static void top2_add(struct top2 *t, int32_t v, tr_day date, uint32_t who)
{
    if (t->who[0] == TR_NONE || fast_before(v, date, who, t->v[0], t->date[0], t->who[0])) {
        t->v[1] = t->v[0];
        t->date[1] = t->date[0];
        t->who[1] = t->who[0];
        t->v[0] = v;
        t->date[0] = date;
        t->who[0] = who;
    } else if (t->who[1] == TR_NONE ||
               fast_before(v, date, who, t->v[1], t->date[1], t->who[1])) {
        t->v[1] = v;
        t->date[1] = date;
        t->who[1] = who;
    }
}

/* The best entry that is not s. */
static int top2_pick(const struct top2 *t, uint32_t s)
{
    return t->who[0] != s ? 0 : 1;
}

/* Per-type index for the sweep: interned groups, each subject's groups
 * (shared by subjects whose artists have the same attributes and the same
 * release type: a profile), and per group the sorted membership starts and
 * stale days. */
struct index {
    uint32_t n_gids, n_prof;
    uint32_t *prof;          /* subject -> profile */
    uint32_t *prof_off;      /* profile -> offset in gids (n_prof + 1) */
    uint16_t *prof_kc;       /* profile -> its candidate groups (the first) */
    uint32_t *gids;
    uint32_t *st_base;       /* gid -> members that start before E->since */
    uint32_t *st_off;        /* gid -> offset in st_day (n_gids + 1) */
    tr_day *st_day;          /* the other membership starts, sorted per group */
    uint32_t *sl_off;        /* gid -> offset in sl_day */
    tr_day *sl_day;          /* stale days, sorted per group */
    int32_t *sl_min;         /* running minimum of the possible days */
    tr_day *sl_first;        /* gid -> its earliest stale day, POS_INF */
};

static void index_release(struct index *X)
{
    free(X->prof);
    free(X->prof_off);
    free(X->prof_kc);
    free(X->gids);
    free(X->st_base);
    free(X->st_off);
    free(X->st_day);
    free(X->sl_off);
    free(X->sl_day);
    free(X->sl_min);
    free(X->sl_first);
    memset(X, 0, sizeof *X);
}

static const uint32_t *subject_gids(const struct index *X, uint32_t m)
{
    return X->gids + X->prof_off[X->prof[m]];
}

static struct gkey group_key(const struct artist_info *ai, unsigned rtype, unsigned mask,
                             int g1, int g2)
{
    struct gkey k = {0, 0, 0};
    if (ai) {
        if (mask & A_COUNTRY)
            k.a |= ai->country;
        if (mask & A_KIND)
            k.a |= (uint32_t)ai->kind << 16;
        if (mask & A_GENDER)
            k.a |= (uint32_t)ai->gender << 20;
        uint32_t x = g1 >= 0 ? ai->genre[g1] + 1 : 0, y = g2 >= 0 ? ai->genre[g2] + 1 : 0;
        k.g1 = x < y || !y ? x : y;
        k.g2 = x < y || !y ? y : x;
    }
    if (mask & A_TYPE)
        k.a |= (uint32_t)rtype << 24;
    return k;
}

struct day_ref {
    tr_day d;
    uint32_t m;
};

static int day_ref_cmp(const void *pa, const void *pb)
{
    const struct day_ref *a = pa, *b = pb;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    return a->m < b->m ? -1 : a->m > b->m;
}

/* Fills per-group arrays of key days (sorted) for the subjects in refs,
 * themselves sorted by day. */
static int fill_by_group(const struct index *X, const struct subjects *S,
                         const struct day_ref *refs, size_t n, uint32_t **off_out,
                         tr_day **day_out, int32_t **min_out)
{
    uint32_t *off = calloc((size_t)X->n_gids + 1, sizeof *off);
    size_t total = 0;
    if (!off)
        return TR_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = X->prof[refs[i].m];
        uint32_t k = X->prof_off[p + 1] - X->prof_off[p];
        for (uint32_t j = 0; j < k; j++)
            off[X->gids[X->prof_off[p] + j] + 1]++;
        total += k;
    }
    for (uint32_t g = 0; g < X->n_gids; g++)
        off[g + 1] += off[g];
    tr_day *day = malloc((total ? total : 1) * sizeof *day);
    int32_t *mn = min_out ? malloc((total ? total : 1) * sizeof *mn) : NULL;
    uint32_t *pos = malloc(((size_t)X->n_gids + 1) * sizeof *pos);
    if (!day || (min_out && !mn) || !pos) {
        free(off);
        free(day);
        free(mn);
        free(pos);
        return TR_ENOMEM;
    }
    memcpy(pos, off, ((size_t)X->n_gids + 1) * sizeof *pos);
    for (size_t i = 0; i < n; i++) {
        uint32_t m = refs[i].m, p = X->prof[m];
        int32_t dl = days_at(refs[i].d, S->day0[m]);
        for (uint32_t j = X->prof_off[p]; j < X->prof_off[p + 1]; j++) {
            uint32_t g = X->gids[j], at = pos[g]++;
            day[at] = refs[i].d;
            if (mn) {
                int32_t v = dl == TR_DAYN_NONE ? NEG_INF : dl;
                mn[at] = at > off[g] && mn[at - 1] < v ? mn[at - 1] : v;
            }
        }
    }
    free(pos);
    *off_out = off;
    *day_out = day;
    if (min_out)
        *min_out = mn;
    return TR_OK;
}

static int index_build(struct engine *E, const struct subjects *S, struct index *X)
{
    struct gmap gm = {0};
    uint32_t *prof_of = NULL;         /* (artist class, rtype) -> profile */
    struct day_ref *refs = NULL;
    size_t n_art = (size_t)E->c->n_artists + 1, n_prof = 0;
    int rc = TR_ENOMEM;

    X->prof = malloc((S->n ? S->n : 1) * sizeof *X->prof);
    prof_of = malloc(n_art * 5 * sizeof *prof_of);
    refs = malloc((S->n ? S->n : 1) * sizeof *refs);
    if (!X->prof || !prof_of || !refs)
        goto done;
    memset(prof_of, 0xff, n_art * 5 * sizeof *prof_of);
    size_t n_gid_slots = 0;
    for (uint32_t m = 0; m < S->n; m++) {
        uint32_t a = S->artist[m];
        size_t key = (a == TR_NONE ? n_art - 1 : E->art[a].cls) * 5 + (S->rtype[m] % 5);
        if (prof_of[key] == UINT32_MAX) {
            struct shape sh;
            subject_shape(E, S, m, &sh);
            prof_of[key] = (uint32_t)n_prof++;
            n_gid_slots += sh.k;
        }
        X->prof[m] = prof_of[key];
    }
    X->prof_off = malloc((n_prof + 1) * sizeof *X->prof_off);
    X->prof_kc = malloc((n_prof + 1) * sizeof *X->prof_kc);
    X->gids = malloc((n_gid_slots ? n_gid_slots : 1) * sizeof *X->gids);
    if (!X->prof_off || !X->prof_kc || !X->gids)
        goto done;
    /* Intern each profile's groups, in the profile order of first use. */
    memset(prof_of, 0xff, n_art * 5 * sizeof *prof_of);
    size_t at = 0, np = 0;
    for (uint32_t m = 0; m < S->n; m++) {
        uint32_t a = S->artist[m];
        size_t key = (a == TR_NONE ? n_art - 1 : E->art[a].cls) * 5 + (S->rtype[m] % 5);
        if (prof_of[key] != UINT32_MAX)
            continue;
        prof_of[key] = (uint32_t)np;
        struct shape sh;
        subject_shape(E, S, m, &sh);
        X->prof_kc[np] = (uint16_t)sh.kc;
        X->prof_off[np++] = (uint32_t)at;
        const struct artist_info *ai = a != TR_NONE ? &E->art[a] : NULL;
        for (unsigned l = 0; l < sh.k; l++) {
            unsigned mask;
            int g1, g2;
            lg_decode(&sh, l, &mask, &g1, &g2);
            struct gkey k = group_key(ai, S->rtype[m], mask, g1, g2);
            if (gmap_intern(&gm, &k, &X->gids[at++]))
                goto done;
        }
    }
    X->prof_off[np] = (uint32_t)at;
    X->n_gids = (uint32_t)gm.n;

    X->n_prof = (uint32_t)np;

    /* Membership: a count per group of the members that start before the
     * first day judged (summed per profile, then spread over its groups),
     * and the later starts sorted per group. */
    uint32_t *per_prof = calloc(np + 1, sizeof *per_prof);
    if (!(X->st_base = calloc((size_t)X->n_gids + 1, sizeof *X->st_base)) || !per_prof) {
        free(per_prof);
        goto done;
    }
    size_t nr = 0;
    for (uint32_t m = 0; m < S->n; m++) {
        if (S->canon[m] != m)
            continue;
        if (S->start[m] < E->since)
            per_prof[X->prof[m]]++;
        else
            refs[nr++] = (struct day_ref){S->start[m], m};
    }
    for (uint32_t p = 0; p < np; p++)
        if (per_prof[p])
            for (uint32_t j = X->prof_off[p]; j < X->prof_off[p + 1]; j++)
                X->st_base[X->gids[j]] += per_prof[p];
    free(per_prof);
    qsort(refs, nr, sizeof *refs, day_ref_cmp);
    if (fill_by_group(X, S, refs, nr, &X->st_off, &X->st_day, NULL))
        goto done;
    /* Stale days after the last event are never read: data that end after
     * every judged day (the usual case) leave nothing to index. */
    tr_day last_event = E->last_date[S - E->sub];
    nr = 0;
    for (uint32_t m = 0; m < S->n; m++)
        if (S->canon[m] == m && S->stale[m] <= last_event)
            refs[nr++] = (struct day_ref){S->stale[m], m};
    qsort(refs, nr, sizeof *refs, day_ref_cmp);
    if (fill_by_group(X, S, refs, nr, &X->sl_off, &X->sl_day, &X->sl_min))
        goto done;
    X->sl_first = malloc(((size_t)X->n_gids + 1) * sizeof *X->sl_first);
    if (!X->sl_first)
        goto done;
    for (uint32_t g = 0; g < X->n_gids; g++)
        X->sl_first[g] = X->sl_off[g + 1] > X->sl_off[g] ? X->sl_day[X->sl_off[g]] : POS_INF;
    rc = TR_OK;
done:
    gmap_release(&gm);
    free(prof_of);
    free(refs);
    if (rc)
        tr_error_set(E->err, rc, "records: out of memory");
    return rc;
}

/* How many days in the group's sorted segment are <= d. */
static uint32_t count_upto(const uint32_t *off, const tr_day *day, uint32_t g, tr_day d)
{
    uint32_t lo = off[g], hi = off[g + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (day[mid] <= d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - off[g];
}

/* What happens on a day of the sweep, in this order: a member's earliest
 * possible crossing (P), its surest (C), the day its data go stale (S) enter
 * the counters; then events read them, at sa - 1 (OWN), at D - 1 (PREV) and
 * on D itself (EVAL, judged there). */
enum { IT_P, IT_C, IT_S, IT_OWN, IT_PREV, IT_EVAL };

/* An item of the sweep packed in one integer that sorts by day, then
 * phase, then reference: day (biased) << 32 | phase << 29 | ref. */
#define ITEM_REF_MAX (1u << 29)

static uint64_t item(tr_day t, unsigned phase, size_t ref)
{
    return (uint64_t)((uint32_t)t ^ 0x80000000u) << 32 | (uint64_t)phase << 29 | ref;
}

static int item_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

struct rmember {
    uint32_t m;
    tr_day lo, hi;
};

struct revent {
    struct own o;
    uint32_t member;                  /* its subject's entry in the race */
    uint32_t *snap;                   /* kc x {P, S, C at D-1; C at sa-1} */
};

/* Counters of one race for one group, together for locality. */
struct gstate {
    uint32_t P, C, Sv;                /* lo passed, hi passed, stale passed */
    struct top2 topC, topP;           /* fewest days at hi, at lo */
};

static void gstate_init(struct gstate *g)
{
    g->P = g->C = g->Sv = 0;
    top2_init(&g->topC);
    top2_init(&g->topP);
}

struct race_state {
    struct gstate *g;                 /* per group */
    struct gstate *pf;                /* per profile: early items summed */
    uint8_t *pf_seen;                 /* per profile: has a member in the race */
    uint32_t *pf_list;                /* those profiles */
    uint32_t n_pf;
};

struct sweep_count_ctx {
    const struct index *X;
    const uint32_t *gids;
    tr_day D;
};

static uint32_t sweep_count(void *ctx, unsigned l)
{
    const struct sweep_count_ctx *x = ctx;
    uint32_t g = x->gids[l];
    return x->X->st_base[g] + count_upto(x->X->st_off, x->X->st_day, g, x->D);
}

static unsigned subject_kc(const struct index *X, uint32_t m)
{
    return X->prof_kc[X->prof[m]];
}

static void gstate_apply(struct gstate *g, const struct subjects *S, const struct rmember *rm,
                         int phase)
{
    int32_t d;
    switch (phase) {
    case IT_P:
        g->P++;
        d = days_at(rm->lo, S->day0[rm->m]);
        top2_add(&g->topP, d == TR_DAYN_NONE ? NEG_INF : d, rm->lo, rm->m);
        break;
    case IT_C:
        g->C++;
        d = days_at(rm->hi, S->day0[rm->m]);
        if (d != TR_DAYN_NONE)
            top2_add(&g->topC, d, rm->hi, rm->m);
        break;
    default:
        g->Sv++;
        break;
    }
}

static void apply_member(const struct index *X,
                         const struct subjects *S, struct race_state *R,
                         const struct rmember *rm, int phase)
{
    const uint32_t *g = subject_gids(X, rm->m);
    unsigned kc = subject_kc(X, rm->m);
    for (unsigned l = 0; l < kc; l++)
        gstate_apply(&R->g[g[l]], S, rm, phase);
}

static void top2_merge(struct top2 *t, const struct top2 *u)
{
    for (int i = 0; i < 2 && u->who[i] != TR_NONE; i++)
        top2_add(t, u->v[i], u->date[i], u->who[i]);
}

/* Adds each profile's early items to its groups, and clears them. */
static void flush_early(const struct index *X, struct race_state *R)
{
    for (uint32_t i = 0; i < R->n_pf; i++) {
        uint32_t p = R->pf_list[i];
        struct gstate *e = &R->pf[p];
        if (!e->P && !e->C && !e->Sv)
            continue;
        const uint32_t *g = X->gids + X->prof_off[p];
        for (unsigned l = 0; l < X->prof_kc[p]; l++) {
            struct gstate *t = &R->g[g[l]];
            t->P += e->P;
            t->C += e->C;
            t->Sv += e->Sv;
            top2_merge(&t->topP, &e->topP);
            top2_merge(&t->topC, &e->topC);
        }
        gstate_init(e);
    }
}

static int eval_swept(struct engine *E, const struct subjects *S, const struct index *X,
                      const struct race_state *R, const struct revent *re,
                      const struct rmember *cm)
{
    const struct own o = re->o;
    struct shape sh;
    struct tally t[MAX_KC];
    subject_shape(E, S, o.s, &sh);
    const uint32_t *g = subject_gids(X, o.s);
    for (unsigned l = 0; l < sh.kc; l++) {
        uint32_t id = g[l];
        const uint32_t *sn = re->snap + 4 * l;
        struct tally *tl = &t[l];
        tally_init(tl);
        const struct gstate *gs = &R->g[id];
        tl->reached = gs->C - 1;
        tl->before_sure = sn[3] - (cm->hi <= o.sa - 1);
        tl->before_sure_exact = sn[2] - (cm->hi <= o.D - 1);
        const struct top2 *tc = &gs->topC;
        int k = top2_pick(tc, o.s);
        if (tc->who[k] != TR_NONE) {
            tl->fast_sure = tc->v[k];
            tl->fast_date = tc->date[k];
            tl->fast_who = tc->who[k];
        }
        /* Members whose data stop early only ever weaken a claim, so a
         * group where every claim is already false does not need them. */
        bool settled = tally_false(tl, &o);
        uint32_t sD = 0, sD1 = 0;
        int32_t smin = POS_INF;
        if (!settled && X->sl_first[id] <= o.D) {
            sD = count_upto(X->sl_off, X->sl_day, id, o.D);
            sD1 = count_upto(X->sl_off, X->sl_day, id, o.D - 1);
            smin = X->sl_min[X->sl_off[id] + sD - 1];
        }
        /* settled: any counts that keep every predicate false will do */
        tl->maybe = gs->P - 1 + (settled ? 0 : sD - gs->Sv);
        tl->before_maybe = sn[0] - (cm->lo <= o.D - 1) + (settled ? 0 : sD1 - sn[1]);
        const struct top2 *tp = &gs->topP;
        k = top2_pick(tp, o.s);
        tl->fast_maybe = tp->who[k] != TR_NONE && tp->v[k] < smin ? tp->v[k] : smin;
    }
    struct sweep_count_ctx cx = {X, g, o.D};
    return evaluate(E, &o, &sh, t, sweep_count, &cx);
}

static void snapshot(const struct index *X, const struct race_state *R, struct revent *re,
                     int phase)
{
    const uint32_t *g = subject_gids(X, re->o.s);
    unsigned kc = subject_kc(X, re->o.s);
    for (unsigned l = 0; l < kc; l++) {
        uint32_t *sn = re->snap + 4 * l;
        if (phase == IT_OWN) {
            sn[3] = R->g[g[l]].C;
        } else {
            sn[0] = R->g[g[l]].P;
            sn[1] = R->g[g[l]].Sv;
            sn[2] = R->g[g[l]].C;
        }
    }
}

/* One race: the events [first, last) of ev_order, all of one type, kind
 * and threshold. */
static int sweep_race(struct engine *E, const struct subjects *S, const struct index *X,
                      struct race_state *R, uint32_t *slot, const size_t *ev_order,
                      size_t first, size_t last)
{
    size_t ne = last - first;
    if (ne >= ITEM_REF_MAX)
        return tr_error_set(E->err, TR_ELIMIT, "records: %zu events of one milestone, at most %u",
                            ne, ITEM_REF_MAX - 1);
    /* the judged events (a day's, in a daily run) have an entry of their own */
    size_t nj = 0;
    for (size_t i = 0; i < ne; i++)
        nj += E->in->events[ev_order[first + i]].date >= E->since;
    if (!nj)
        return TR_OK;                 /* nothing to judge in this race */
    struct rmember *rm = malloc(ne * sizeof *rm);
    struct revent *rv = calloc(nj, sizeof *rv);
    uint64_t *it = malloc((3 * nj + 3 * ne) * sizeof *it);
    size_t nm = 0, ni = 0;
    int rc = TR_OK;
    nj = 0;
    if (!rm || !rv || !it) {
        rc = tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
        goto done;
    }
    /* Events dated before E->since compete but are not judged.  No judged
     * event reads the counters before `cutoff`, so the items of members up
     * to that day may be added in any order: per profile first, then once
     * to each of its groups. */
    tr_day cutoff = POS_INF;
    for (size_t i = 0; i < ne; i++) {
        const struct tr_milestone *ev = &E->in->events[ev_order[first + i]];
        uint32_t m = S->canon[ev->subject];
        tr_day lo, hi;
        event_interval(ev, S->start[m], &lo, &hi);
        if (slot[m] == UINT32_MAX) {
            slot[m] = (uint32_t)nm;
            rm[nm++] = (struct rmember){m, lo, hi};
            uint32_t p = X->prof[m];
            if (!R->pf_seen[p]) {
                R->pf_seen[p] = 1;
                R->pf_list[R->n_pf++] = p;
            }
        } else {
            struct rmember *x = &rm[slot[m]];
            if (hi < x->hi || (hi == x->hi && lo < x->lo)) {
                x->lo = lo;
                x->hi = hi;
            }
        }
        if (ev->date < E->since)
            continue;
        size_t j = nj++;
        rv[j].member = slot[m];
        struct own *o = &rv[j].o;
        own_init(E, ev_order[first + i], o);
        if (o->sa < o->D && o->sa > NEG_INF) {
            it[ni++] = item(o->sa - 1, IT_OWN, j);
            if (o->sa - 1 < cutoff)
                cutoff = o->sa - 1;
        }
        it[ni++] = item(o->D - 1, IT_PREV, j);
        it[ni++] = item(o->D, IT_EVAL, j);
        if (o->D - 1 < cutoff)
            cutoff = o->D - 1;
    }
    if (!ni)
        goto done;                    /* nothing to judge in this race */
    tr_day last_read = POS_INF;       /* the latest day an event item reads */
    for (size_t k = 0; k < ni; k++) {
        tr_day d = (tr_day)((uint32_t)(it[k] >> 32) ^ 0x80000000u);
        last_read = last_read == POS_INF || d > last_read ? d : last_read;
    }
    for (size_t j = 0; j < nm; j++) {
        /* member phases sort before event phases on a day: "up to" */
        struct gstate *early = &R->pf[X->prof[rm[j].m]];
        tr_day stale = S->stale[rm[j].m];
        if (rm[j].lo <= cutoff)
            gstate_apply(early, S, &rm[j], IT_P);
        else
            it[ni++] = item(rm[j].lo, IT_P, j);
        if (rm[j].hi <= cutoff)
            gstate_apply(early, S, &rm[j], IT_C);
        else
            it[ni++] = item(rm[j].hi, IT_C, j);
        if (stale <= last_read) {
            if (stale <= cutoff)
                gstate_apply(early, S, &rm[j], IT_S);
            else
                it[ni++] = item(stale, IT_S, j);
        }
    }
    flush_early(X, R);
    qsort(it, ni, sizeof *it, item_cmp);
    for (size_t k = 0; k < ni && rc == TR_OK; k++) {
        unsigned phase = (unsigned)(it[k] >> 29) & 7;
        uint32_t ref = (uint32_t)(it[k] & (ITEM_REF_MAX - 1));
        struct revent *re = phase >= IT_OWN ? &rv[ref] : NULL;
        if (phase <= IT_S) {
            apply_member(X, S, R, &rm[ref], (int)phase);
            continue;
        }
        if (!re->snap) {
            re->snap = calloc(4 * (size_t)subject_kc(X, re->o.s), sizeof *re->snap);
            if (!re->snap) {
                rc = tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
                break;
            }
        }
        if (phase == IT_OWN) {
            snapshot(X, R, re, IT_OWN);
        } else if (phase == IT_PREV) {
            snapshot(X, R, re, IT_PREV);
            /* exact: sa - 1 = D - 1; unbounded sa: nothing is surely
             * before it, and the "C at sa - 1" column stays 0 */
            unsigned kc = subject_kc(X, re->o.s);
            if (re->o.sa >= re->o.D)
                for (unsigned l = 0; l < 4 * kc; l += 4)
                    re->snap[l + 3] = re->snap[l + 2];
        } else {
            rc = eval_swept(E, S, X, R, re, &rm[re->member]);
            free(re->snap);
            re->snap = NULL;
        }
    }
done:
    for (uint32_t i = 0; i < R->n_pf; i++) {
        uint32_t p = R->pf_list[i];
        const uint32_t *g = X->gids + X->prof_off[p];
        for (unsigned l = 0; l < X->prof_kc[p]; l++)
            gstate_init(&R->g[g[l]]);
        gstate_init(&R->pf[p]);
        R->pf_seen[p] = 0;
    }
    R->n_pf = 0;
    if (rm)
        for (size_t j = 0; j < nm; j++)
            slot[rm[j].m] = UINT32_MAX;
    if (rv)
        for (size_t i = 0; i < nj; i++)
            free(rv[i].snap);
    free(rm);
    free(rv);
    free(it);
    return rc;
}

/* The race counters of a type, sized by its groups. */
static int race_state_init(struct race_state *R, const struct index *X)
{
    size_t n = X->n_gids ? X->n_gids : 1, np = X->n_prof ? X->n_prof : 1;
    R->g = malloc(n * sizeof *R->g);
    R->pf = malloc(np * sizeof *R->pf);
    R->pf_seen = calloc(np, 1);
    R->pf_list = malloc(np * sizeof *R->pf_list);
    R->n_pf = 0;
    if (!R->g || !R->pf || !R->pf_seen || !R->pf_list)
        return TR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        gstate_init(&R->g[i]);
    for (size_t i = 0; i < np; i++)
        gstate_init(&R->pf[i]);
    return TR_OK;
}

static void race_state_release(struct race_state *R)
{
    free(R->g);
    free(R->pf);
    free(R->pf_seen);
    free(R->pf_list);
    memset(R, 0, sizeof *R);
}

/* Every event of one subject type, race by race.  Events are bucketed by
 * race (kind, threshold, scope) in index order; the order within a race
 * does not matter, since the sweep sorts its items and ties are broken by
 * subject. */
static int sweep_type(struct engine *E, enum tr_subject_type t)
{
    const struct tr_records_input *in = E->in;
    struct index X;
    struct race_state R;
    struct strmap scopes = {0};
    struct gmap races = {0};
    uint32_t *race = NULL, *slot = NULL;
    size_t *order = NULL, *at = NULL;
    size_t ne = 0;
    int rc;

    memset(&X, 0, sizeof X);
    memset(&R, 0, sizeof R);
    ne = E->n_of_type[t];
    if (!ne)
        return TR_OK;
    if ((rc = build_subjects(E, t)))
        return rc;
    const struct subjects *S = &E->sub[t];
    if ((rc = index_build(E, S, &X)))
        goto done;
    rc = TR_ENOMEM;
    race = malloc(ne * sizeof *race);
    order = malloc(ne * sizeof *order);
    slot = malloc((S->n ? S->n : 1) * sizeof *slot);
    if (!race || !order || !slot || race_state_init(&R, &X))
        goto done;
    memset(slot, 0xff, (S->n ? S->n : 1) * sizeof *slot);
    uint32_t sid = 0;
    int32_t last_scope = -1;
    for (size_t k = 0; k < ne; k++) {
        const struct tr_milestone *ev = &in->events[E->of_type[t][k]];
        /* a run of events of one scope (play counts: all of them) */
        if (ev->scope != last_scope) {
            last_scope = ev->scope;
            if (strmap_intern(&scopes, tr_scope_name(ev->scope), &sid))
                goto done;
        }
        if (sid > 0xffffff) {
            rc = tr_error_set(E->err, TR_ELIMIT, "records: more than %u chart scopes", 0xffffff);
            goto done;
        }
        struct gkey key = {(uint32_t)ev->kind | sid << 8, (uint32_t)ev->threshold,
                           (uint32_t)(ev->threshold >> 32)};
        if (gmap_intern(&races, &key, &race[k]))
            goto done;
    }
    if (!(at = calloc(races.n + 1, sizeof *at)))
        goto done;
    for (size_t i = 0; i < ne; i++)
        at[race[i] + 1]++;
    for (size_t r = 0; r < races.n; r++)
        at[r + 1] += at[r];
    for (size_t k = 0; k < ne; k++)
        order[at[race[k]]++] = E->of_type[t][k];
    rc = TR_OK;
    for (size_t r = 0, first = 0; r < races.n && rc == TR_OK; first = at[r++])
        rc = sweep_race(E, S, &X, &R, slot, order, first, at[r]);
done:
    if (rc == TR_ENOMEM)
        tr_error_set(E->err, rc, "records: out of memory");
    index_release(&X);
    race_state_release(&R);
    strmap_release(&scopes);
    gmap_release(&races);
    free(race);
    free(order);
    free(at);
    free(slot);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Public interface                                                    */

static void engine_release(struct engine *E)
{
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        free(E->of_type[t]);
    free(E->art);
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        subjects_release(&E->sub[t]);
    for (int v = 0; v < 16; v++)
        for (int g = 0; g <= MAX_G; g++)
            free(E->order[v][g]);
    free(E->claims);
}

static int engine_init(struct engine *E, const struct tr_records_input *in,
                       struct tr_claim **out, size_t *n_out, struct tr_error *err)
{
    memset(E, 0, sizeof *E);
    if (!out || !n_out)
        return tr_error_set(err, TR_EUSAGE, "records: no place for the claims");
    *out = NULL;
    *n_out = 0;
    int rc = check_input(in, err);
    if (rc)
        return rc;
    E->in = in;
    E->c = in->catalog;
    E->err = err;
    E->since = NEG_INF;
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        E->last_date[t] = NEG_INF;
    for (size_t e = 0; e < in->n_events; e++)   /* checked: types are in range */
        E->n_of_type[in->events[e].subject_type]++;
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++)
        if (!(E->of_type[t] = malloc((E->n_of_type[t] ? E->n_of_type[t] : 1) * sizeof(size_t))))
            return tr_error_set(err, TR_ENOMEM, "records: out of memory");
    size_t fill[TR_SUBJECT_ARTIST + 1] = {0};
    for (size_t e = 0; e < in->n_events; e++) {
        const struct tr_milestone *ev = &in->events[e];
        E->of_type[ev->subject_type][fill[ev->subject_type]++] = e;
        if (ev->date > E->last_date[ev->subject_type])
            E->last_date[ev->subject_type] = ev->date;
    }
    return build_artists(E);
}

/* Hands the claims over, ordered by event (each event's own order kept). */
static int engine_output(struct engine *E, struct tr_claim **out, size_t *n_out)
{
    size_t n = E->n_claims, ne = E->in->n_events;
    size_t *at = calloc(ne + 1, sizeof *at);
    struct tr_claim *res = malloc((n ? n : 1) * sizeof *res);
    if (!at || !res) {
        free(at);
        free(res);
        return tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        at[E->claims[i].event + 1]++;
    for (size_t e = 0; e < ne; e++)
        at[e + 1] += at[e];
    for (size_t i = 0; i < n; i++)
        res[at[E->claims[i].event]++] = E->claims[i];
    free(at);
    if (tr_records_scope_claims(E->in, res, &n, E->err)) {
        free(res);
        return TR_ENOMEM;
    }
    *out = res;
    *n_out = n;
    return TR_OK;
}

int tr_records_compute(const struct tr_records_input *in, struct tr_claim **out,
                       size_t *n_out, struct tr_error *err)
{
    return tr_records_since(in, TR_DAY_NONE, out, n_out, err);
}

/* The types swept by a second thread: releases and artists, while the
 * calling thread sweeps tracks.  The job has an engine of its own that
 * shares the artists and the candidate orders (built before, read-only)
 * and collects its own claims and subjects. */
struct sweep_job {
    struct engine E;
    struct tr_error err;
    int rc;
};

static void *sweep_others(void *arg)
{
    struct sweep_job *j = arg;
    j->rc = sweep_type(&j->E, TR_SUBJECT_RELEASE);
    if (j->rc == TR_OK)
        j->rc = sweep_type(&j->E, TR_SUBJECT_ARTIST);
    return NULL;
}

/* Every candidate order, so that the threads only read them. */
static int build_orders(struct engine *E)
{
    for (unsigned v = 0; v < 16; v++)
        for (unsigned g = 0; g <= MAX_G; g++) {
            struct shape sh;
            shape_init(&sh, v, g);
            if (!shape_order(E, &sh))
                return tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
        }
    return TR_OK;
}

/* Sweeps every type, tracks on this thread and the rest on another when
 * both have events (the machine's two cores; a failure to start the thread
 * sweeps them here). */
static int sweep_all(struct engine *E)
{
    const size_t *per = E->n_of_type;
    struct sweep_job *j = NULL;
    pthread_t th;
    int rc = TR_OK;
    if (per[TR_SUBJECT_TRACK] && (per[TR_SUBJECT_RELEASE] || per[TR_SUBJECT_ARTIST]) &&
        (rc = build_orders(E)) == TR_OK && (j = calloc(1, sizeof *j))) {
        j->E = *E;
        j->E.claims = NULL;
        j->E.n_claims = j->E.cap_claims = 0;
        j->E.err = &j->err;
        if (pthread_create(&th, NULL, sweep_others, j) != 0) {
            free(j);
            j = NULL;
        }
    }
    if (rc)
        return rc;
    rc = sweep_type(E, TR_SUBJECT_TRACK);
    if (!j) {
        for (int t = TR_SUBJECT_RELEASE; rc == TR_OK && t <= TR_SUBJECT_ARTIST; t++)
            rc = sweep_type(E, (enum tr_subject_type)t);
        return rc;
    }
    pthread_join(th, NULL);
    E->sub[TR_SUBJECT_RELEASE] = j->E.sub[TR_SUBJECT_RELEASE];
    E->sub[TR_SUBJECT_ARTIST] = j->E.sub[TR_SUBJECT_ARTIST];
    if (rc == TR_OK && j->rc != TR_OK) {
        rc = j->rc;
        *E->err = j->err;
    }
    for (size_t i = 0; rc == TR_OK && i < j->E.n_claims; i++)
        rc = push_claim(E, &j->E.claims[i]);
    free(j->E.claims);
    free(j);
    return rc;
}

int tr_records_since(const struct tr_records_input *in, tr_day since, struct tr_claim **out,
                     size_t *n_out, struct tr_error *err)
{
    struct engine E;
    int rc = engine_init(&E, in, out, n_out, err);
    if (since != TR_DAY_NONE && since > NEG_INF)
        E.since = since;
    if (rc == TR_OK)
        rc = sweep_all(&E);
    if (rc == TR_OK)
        rc = engine_output(&E, out, n_out);
    engine_release(&E);
    return rc;
}

int tr_records_for_event(const struct tr_records_input *in, size_t event,
                         struct tr_claim **out, size_t *n_out, struct tr_error *err)
{
    struct engine E;
    int rc = engine_init(&E, in, out, n_out, err);
    if (rc == TR_OK && event >= in->n_events)
        rc = tr_error_set(err, TR_EUSAGE, "records: event %zu out of range (%zu events)",
                          event, in->n_events);
    if (rc == TR_OK)
        rc = build_subjects(&E, in->events[event].subject_type);
    if (rc == TR_OK)
        rc = claims_scan(&E, event);
    if (rc == TR_OK)
        rc = engine_output(&E, out, n_out);
    engine_release(&E);
    return rc;
}

void tr_records_free(struct tr_claim *claims)
{
    free(claims);
}
