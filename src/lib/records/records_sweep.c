/*
 * records_sweep.c: the claims of every event, by a sweep through time per
 * race (kind, threshold, scope): per type an index of interned groups and
 * their sorted membership and stale days, then per race counters per group
 * moved by the members' crossings and read by the events on their days.
 * Tracks are swept on the calling thread, releases and artists on another.
 */
#include "records/records_engine.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
    if (t->who[0] == TR_NONE || rec_fast_before(v, date, who, t->v[0], t->date[0], t->who[0])) {
        t->v[1] = t->v[0];
        t->date[1] = t->date[0];
        t->who[1] = t->who[0];
        t->v[0] = v;
        t->date[0] = date;
        t->who[0] = who;
    } else if (t->who[1] == TR_NONE ||
               rec_fast_before(v, date, who, t->v[1], t->date[1], t->who[1])) {
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
        int32_t dl = rec_days_at(refs[i].d, S->day0[m]);
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
            rec_subject_shape(E, S, m, &sh);
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
        rec_subject_shape(E, S, m, &sh);
        X->prof_kc[np] = (uint16_t)sh.kc;
        X->prof_off[np++] = (uint32_t)at;
        const struct artist_info *ai = a != TR_NONE ? &E->art[a] : NULL;
        for (unsigned l = 0; l < sh.k; l++) {
            unsigned mask;
            int g1, g2;
            rec_lg_decode(&sh, l, &mask, &g1, &g2);
            struct gkey k = group_key(ai, S->rtype[m], mask, g1, g2);
            if (rec_gmap_intern(&gm, &k, &X->gids[at++]))
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
    rec_gmap_release(&gm);
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
        d = rec_days_at(rm->lo, S->day0[rm->m]);
        top2_add(&g->topP, d == TR_DAYN_NONE ? NEG_INF : d, rm->lo, rm->m);
        break;
    case IT_C:
        g->C++;
        d = rec_days_at(rm->hi, S->day0[rm->m]);
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
    rec_subject_shape(E, S, o.s, &sh);
    const uint32_t *g = subject_gids(X, o.s);
    for (unsigned l = 0; l < sh.kc; l++) {
        uint32_t id = g[l];
        const uint32_t *sn = re->snap + 4 * l;
        struct tally *tl = &t[l];
        rec_tally_init(tl);
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
        bool settled = rec_tally_false(tl, &o);
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
    return rec_evaluate(E, &o, &sh, t, sweep_count, &cx);
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

/* Plays a race's items in their order: members' items move the counters,
 * events' items take snapshots of them and, on the event's day, judge it. */
static int play_items(struct engine *E, const struct subjects *S, const struct index *X,
                      struct race_state *R, const struct rmember *rm, struct revent *rv,
                      uint64_t *it, size_t ni)
{
    int rc = TR_OK;
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
    return rc;
}

/* Clears the counters and slots a race used, for the next race. */
static void race_reset(const struct index *X, struct race_state *R, uint32_t *slot,
                       const struct rmember *rm, size_t nm)
{
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
        rec_event_interval(ev, S->start[m], &lo, &hi);
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
        rec_own_init(E, ev_order[first + i], o);
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
    rc = play_items(E, S, X, R, rm, rv, it, ni);
done:
    race_reset(X, R, slot, rm, nm);
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
    E->since = E->since_of[t];
    if (!ne || E->since > E->last_date[t])
        return TR_OK;                 /* none of this type to judge */
    if ((rc = rec_build_subjects(E, t)))
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
            if (rec_strmap_intern(&scopes, tr_scope_name(ev->scope), &sid))
                goto done;
        }
        if (sid > 0xffffff) {
            rc = tr_error_set(E->err, TR_ELIMIT, "records: more than %u chart scopes", 0xffffff);
            goto done;
        }
        struct gkey key = {(uint32_t)ev->kind | sid << 8, (uint32_t)ev->threshold,
                           (uint32_t)(ev->threshold >> 32)};
        if (rec_gmap_intern(&races, &key, &race[k]))
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
    rec_strmap_release(&scopes);
    rec_gmap_release(&races);
    free(race);
    free(order);
    free(at);
    free(slot);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Every type, on two threads                                         */

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
            rec_shape_init(&sh, v, g);
            if (!rec_shape_order(E, &sh))
                return tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
        }
    return TR_OK;
}

/* Sweeps every type, tracks on this thread and the rest on another when
 * both have events (the machine's two cores; a failure to start the thread
 * sweeps them here). */
int rec_sweep_all(struct engine *E)
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
        rc = rec_push_claim(E, &j->E.claims[i]);
    free(j->E.claims);
    free(j);
    return rc;
}
