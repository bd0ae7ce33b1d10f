/*
 * records_judge.c: judging one event from the tallies of its candidate
 * groups: the three predicates (first and only, first, fastest) three-valued,
 * the most general group of each claim, and the claims themselves.  Both
 * gatherers (records_scan.c, records_sweep.c) end here, so the two cannot
 * disagree on the rules.
 */
#include "records/records_engine.h"
#include "trackrecord/array.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Tallies                                                             */

void rec_tally_init(struct tally *t)
{
    memset(t, 0, sizeof *t);
    t->fast_sure = POS_INF;
    t->fast_date = TR_DAY_NONE;
    t->fast_who = TR_NONE;
    t->fast_maybe = POS_INF;
}

void rec_tally_merge(struct tally *t, const struct tally *u)
{
    t->reached += u->reached;
    t->maybe += u->maybe;
    t->before_maybe += u->before_maybe;
    t->before_sure += u->before_sure;
    t->before_sure_exact += u->before_sure_exact;
    if (u->fast_who != TR_NONE &&
        (t->fast_who == TR_NONE ||
         rec_fast_before(u->fast_sure, u->fast_date, u->fast_who, t->fast_sure, t->fast_date,
                         t->fast_who))) {
        t->fast_sure = u->fast_sure;
        t->fast_date = u->fast_date;
        t->fast_who = u->fast_who;
    }
    if (u->fast_maybe < t->fast_maybe)
        t->fast_maybe = u->fast_maybe;
}

/* One other member m, crossing in [lo, hi], day 0 d0. */
void rec_tally_add(struct tally *t, const struct own *o, uint32_t m, tr_day lo, tr_day hi,
                   tr_day d0)
{
    if (hi <= o->D) {
        t->reached++;
        int32_t dh = rec_days_at(hi, d0);
        if (dh != TR_DAYN_NONE &&
            (t->fast_who == TR_NONE ||
             rec_fast_before(dh, hi, m, t->fast_sure, t->fast_date, t->fast_who))) {
            t->fast_sure = dh;
            t->fast_date = hi;
            t->fast_who = m;
        }
    }
    if (lo <= o->D) {
        t->maybe++;
        int32_t dl = rec_days_at(lo, d0);
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
bool rec_tally_false(const struct tally *t, const struct own *o)
{
    return t->reached > 0 && t->before_sure > 0 &&
           (o->day == TR_DAYN_NONE || (t->fast_who != TR_NONE && t->fast_sure < o->min_day));
}

/* ------------------------------------------------------------------ */
/* Evaluation: predicates, most general classes, claims                */

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
    return na == members_of(ev, b) && na == members_of(ev, rec_lg_meet(ev->sh, a, b));
}

/* A strictly more general candidate with more members where the predicate
 * holds (v == V_T) or may hold (v == V_U). */
static bool dominated(struct eval *ev, int p, int v, unsigned l)
{
    unsigned mask;
    int o, x;
    rec_lg_decode(ev->sh, l, &mask, &o, &x);
    uint32_t n = members_of(ev, l);
    for (unsigned sub = mask;; sub = (sub - 1) & mask) {
        for (int oo = o; oo >= -1; oo = oo < 0 ? -2 : -1) {
            if (sub == mask && oo == o)
                continue;
            unsigned g = rec_lg_cand(ev->sh, sub, oo);
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
    rec_lg_decode(sh, l, &mask, &gi, &x);
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

int rec_push_claim(struct engine *E, const struct tr_claim *cl)
{
    int rc = tr_array_reserve(&E->claims, &E->cap_claims, E->n_claims + 1);
    if (rc)
        return tr_error_set(E->err, rc, "records: %s", tr_strerror(rc));
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
    return rec_push_claim(ev->E, &cl);
}

/* Judges one event from its candidates' tallies and emits its claims. */
int rec_evaluate(struct engine *E, const struct own *o, const struct shape *sh,
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
    const uint8_t *ord = rec_shape_order(E, sh);
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
