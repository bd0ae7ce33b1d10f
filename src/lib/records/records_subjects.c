/*
 * records_subjects.c: the subjects the records engine compares (artists'
 * attributes and classes; per subject type the canonical ids, day 0,
 * membership start and staleness) and a subject's candidate groups: every
 * combination of its artist's attributes, with no genre, one or two of its
 * genres (a shape), ranked and ordered by generality.
 */
#include "records/records_engine.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Artists and subjects                                               */

/* What an artist's class is keyed by. */
struct class_key {
    uint32_t genre[MAX_G];
    uint16_t country;
    uint8_t kind, gender, valid, ng;
};

uint32_t rec_type_count(const struct tr_catalog *c, enum tr_subject_type t)
{
    return t == TR_SUBJECT_TRACK ? c->n_tracks : t == TR_SUBJECT_RELEASE ? c->n_releases
                                                                           : c->n_artists;
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
            h = rec_mix64(h ^ k.genre[i]);
        h = rec_mix64(h ^ ((uint64_t)k.country << 32 | (uint64_t)k.kind << 24 |
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

int rec_build_artists(struct engine *E)
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
            if (rec_strmap_intern(&genres, name, &id)) {
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
    rec_strmap_release(&genres);
    return rc;
}

void rec_subjects_release(struct subjects *S)
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
int rec_build_subjects(struct engine *E, enum tr_subject_type t)
{
    struct subjects *S = &E->sub[t];
    const struct tr_catalog *c = E->c;
    if (S->built)
        return TR_OK;
    uint32_t n = rec_type_count(c, t);
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
        rec_subjects_release(S);
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
        rec_subjects_release(S);
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

/* The day a member's coverage stops settling it, as rec_build_subjects
 * has it (stale: the day after its last data day, from its start). */
int tr_records_unsettled_from(const struct tr_catalog *c,
                              const tr_day *const before[TR_SUBJECT_ARTIST + 1],
                              const tr_day *const after[TR_SUBJECT_ARTIST + 1],
                              tr_day from[TR_SUBJECT_ARTIST + 1])
{
    for (int t = 0; t <= TR_SUBJECT_ARTIST; t++) {
        uint32_t n = rec_type_count(c, (enum tr_subject_type)t);
        tr_day *day0 = NULL;
        from[t] = INT32_MAX;
        for (uint32_t i = 0; i < n && from[t] != TR_DAY_NONE; i++) {
            if (before[t][i] == after[t][i])
                continue;
            tr_day d = before[t][i];
            if (d != TR_DAY_NONE) {
                d += 1;
            } else {
                /* no data before: unsettled from its day 0 on (an event
                 * before it is new, so after the day the data changed) */
                if (t == TR_SUBJECT_RELEASE) {
                    d = c->releases[i].date;
                } else {
                    if (!day0 && (t == TR_SUBJECT_TRACK ? tr_catalog_track_days(c, &day0)
                                                        : tr_catalog_artist_days(c, &day0)))
                        return TR_ENOMEM;
                    d = day0[t == TR_SUBJECT_TRACK ? tr_catalog_canonical_track(c, i) : i];
                }
            }
            if (d < from[t])
                from[t] = d;
        }
        free(day0);
    }
    return TR_OK;
}

void rec_subject_shape(const struct engine *E, const struct subjects *S, uint32_t m,
                       struct shape *sh)
{
    uint32_t a = S->artist[m];
    unsigned valid = (a != TR_NONE ? E->art[a].valid : 0) | (S->rtype[m] ? A_TYPE : 0);
    rec_shape_init(sh, valid, a != TR_NONE ? E->art[a].ng : 0);
}

void rec_own_init(const struct engine *E, size_t e, struct own *o)
{
    const struct tr_milestone *ev = &E->in->events[e];
    const struct subjects *S = &E->sub[ev->subject_type];
    uint32_t s = S->canon[ev->subject];
    o->event = e;
    o->s = s;
    o->artist = S->artist[s];
    o->rtype = S->rtype[s];
    rec_event_interval(ev, S->start[s], &o->sa, &o->D);
    o->day = rec_days_at(o->D, S->day0[s]);
    o->min_day = o->day == TR_DAYN_NONE ? TR_DAYN_NONE
                 : o->sa <= NEG_INF     ? NEG_INF
                                        : o->day - (o->D - o->sa);
}

/* ------------------------------------------------------------------ */
/* Candidate groups: shapes                                           */

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

void rec_shape_init(struct shape *sh, unsigned valid, unsigned ng)
{
    sh->valid = valid;
    sh->ng = ng;
    sh->nsub = 1u << popc(valid);
    sh->kc = sh->nsub * (1 + ng);
    sh->k = sh->kc + sh->nsub * (ng * (ng - (ng > 0)) / 2);
}

unsigned rec_lg_cand(const struct shape *sh, unsigned mask, int o)
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

void rec_lg_decode(const struct shape *sh, unsigned l, unsigned *mask, int *g1, int *g2)
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
unsigned rec_lg_meet(const struct shape *sh, unsigned a, unsigned b)
{
    unsigned ma, mb;
    int oa, ob, x;
    rec_lg_decode(sh, a, &ma, &oa, &x);
    rec_lg_decode(sh, b, &mb, &ob, &x);
    if (oa == ob || ob < 0)
        return rec_lg_cand(sh, ma | mb, oa);
    if (oa < 0)
        return rec_lg_cand(sh, ma | mb, ob);
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

const uint8_t *rec_shape_order(struct engine *E, const struct shape *sh)
{
    uint8_t **slot = &E->order[sh->valid][sh->ng];
    if (*slot)
        return *slot;
    struct ord_key keys[MAX_KC];
    for (unsigned l = 0; l < sh->kc; l++) {
        unsigned mask;
        int o, x;
        rec_lg_decode(sh, l, &mask, &o, &x);
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
